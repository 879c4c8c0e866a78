// Caches sign services in one by one: on Redis OSS ≥ 7 and Valkey ≥ 7.2 each service that uses a
// cache has its own IAM-authenticated ElastiCache user, the required `default` user is switched
// off, and a service's role may connect as its own user to the caches it uses — no shared token.
// Redis OSS 6 (RBAC, no IAM authentication) has a password user per service, each password in a
// secret only that service reads; only Redis OSS < 6 (no users at all) keeps the AUTH token.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ID } from '../../compiler/model/ids.js';
import type { CfnValue, ModelResource } from '../../compiler/model/types.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { modelOf } from '../../pipeline/emit.js';
import { cacheIamAuth, cacheSignIn } from '../../services/elasticache.js';
import { serviceConnections } from '../../services/ecs.js';
import { secretCatalogue, secretHandle } from '../../services/secrets.js';
import type { NormalizedCache } from '../../spec/model.js';
import { fixedClock } from '../support/clock.js';
import { withRedis6 } from '../support/specs.js';

const FILE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';

function compile(edit: (text: string) => string = (t) => t) {
  const text = edit(readFileSync(FILE, 'utf8'));
  const analysis = analyzeSpec(new TextEncoder().encode(text), FILE, { environment: 'staging', today: fixedClock });
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const compiled = analysis.compiled.find((c) => c.environment === 'staging')!;
  return { spec: compiled.spec, resources: modelOf(compiled).resources };
}

const byId = (resources: readonly ModelResource[], id: string): ModelResource => {
  const r = resources.find((x) => x.logicalId === id);
  if (!r) throw new Error(`no ${id}`);
  return r;
};
type Statement = { Sid: string; Action: string[]; Resource: CfnValue };
const statements = (role: ModelResource): Statement[] => ((role.properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
const subText = (v: CfnValue): string => (v as { 'Fn::Sub': string })['Fn::Sub'];

describe('engine versions with IAM authentication', () => {
  const cache = (engine: 'redis' | 'valkey', version: string) => ({ engine, version }) as NormalizedCache;
  it.each([
    ['redis', '6.2', false],
    ['redis', '7.0', true],
    ['redis', '7.1', true],
    ['valkey', '7.2', true],
    ['valkey', '8.0', true],
  ] as const)('%s %s: %s', (engine, version, iam) => expect(cacheIamAuth(cache(engine, version))).toBe(iam));
});

describe('the reference (Redis OSS 7.1)', () => {
  const { spec, resources } = compile();
  const users = resources.filter((r) => r.type === 'AWS::ElastiCache::User');
  const using = Object.values(spec.services).filter((s) => s.uses.includes('redis')).map((s) => s.name).sort();

  it('has one IAM user per service that uses the cache, and the default user switched off', () => {
    expect(using.length).toBeGreaterThan(1);
    const iamUsers = users.filter((u) => (u.properties.AuthenticationMode as { Type: string }).Type === 'iam');
    expect(iamUsers.map((u) => u.origin.at(-1)).sort()).toEqual(using);
    for (const u of iamUsers) {
      expect(u.properties.UserName).toBe(u.properties.UserId);
      expect(String(u.properties.UserId)).toMatch(/^[a-z](?:-?[a-z0-9])*$/);
      expect(String(u.properties.UserId).length).toBeLessThanOrEqual(40);
      expect(u.properties.AccessString).toBe('on ~* +@all -@dangerous');
    }
    expect(new Set(users.map((u) => u.properties.UserId)).size).toBe(users.length);
    const defaults = users.filter((u) => u.properties.UserName === 'default');
    expect(defaults).toHaveLength(1);
    expect(defaults[0]!.properties).toMatchObject({ AccessString: 'off -@all', AuthenticationMode: { Type: 'password' } });
    expect(JSON.stringify(defaults[0]!.properties.AuthenticationMode)).toContain(ID.cacheAuthSecret('redis'));
  });

  it('puts them all in one user group, which the replication group uses instead of an AUTH token', () => {
    const group = byId(resources, 'RedisCacheUserGroup');
    expect((group.properties.UserIds as { Ref: string }[]).map((u) => u.Ref).sort()).toEqual(users.map((u) => u.logicalId).sort());
    const rg = byId(resources, ID.cache('redis'));
    expect(rg.properties.AuthToken).toBeUndefined();
    expect(rg.properties.UserGroupIds).toEqual([{ Ref: 'RedisCacheUserGroup' }]);
    expect(rg.properties.TransitEncryptionEnabled).toBe(true);
  });

  it("grants each service's role elasticache:Connect on that cache as its own user only, and no cache secret", () => {
    const rgId = byId(resources, ID.cache('redis')).properties.ReplicationGroupId as string;
    for (const name of Object.keys(spec.services)) {
      const role = byId(resources, ID.serviceRole(name));
      const connect = statements(role).filter((s) => s.Action.includes('elasticache:Connect'));
      const all = resources.filter((r) => r.type === 'AWS::IAM::Role').flatMap(statements);
      expect(JSON.stringify(all)).not.toContain(ID.cacheAuthSecret('redis'));
      if (!using.includes(name)) {
        expect(connect).toEqual([]);
        continue;
      }
      const own = users.find((u) => u.origin.at(-1) === name)!.properties.UserId as string;
      expect(connect).toHaveLength(1);
      expect([connect[0]!.Resource].flat().map(subText)).toEqual([
        `arn:\${AWS::Partition}:elasticache:\${AWS::Region}:\${AWS::AccountId}:replicationgroup:${rgId}`,
        `arn:\${AWS::Partition}:elasticache:\${AWS::Region}:\${AWS::AccountId}:user:${own}`,
      ]);
    }
  });

  it('gives services the user name and the IAM flag instead of the token', () => {
    const s = spec.services[using[0]!]!;
    const { env, secrets } = serviceConnections(spec, s);
    const names = env.map((e) => e.Name);
    expect(names).toEqual(expect.arrayContaining(['REDIS_HOST', 'REDIS_PORT', 'REDIS_TLS', 'REDIS_USER', 'REDIS_IAM_AUTH', 'REDIS_REPLICATION_GROUP_ID']));
    expect(env.find((e) => e.Name === 'REDIS_IAM_AUTH')!.Value).toBe('true');
    expect(secrets.map((x) => x.Name)).not.toContain('REDIS_AUTH_TOKEN');
  });
});

describe('sign-in by engine version', () => {
  const cache = (engine: 'redis' | 'valkey', version: string) => ({ engine, version }) as NormalizedCache;
  it.each([
    ['redis', '4.0', 'token'],
    ['redis', '5.0', 'token'],
    ['redis', '6.0', 'password'],
    ['redis', '6.2', 'password'],
    ['redis', '7.0', 'iam'],
    ['valkey', '7.2', 'iam'],
  ] as const)('%s %s: %s', (engine, version, mode) => expect(cacheSignIn(cache(engine, version))).toBe(mode));
});

describe('Redis OSS 6 (password users: RBAC without IAM authentication)', () => {
  const { spec, resources } = compile(withRedis6);
  const users = resources.filter((r) => r.type === 'AWS::ElastiCache::User');
  const using = Object.values(spec.services).filter((s) => s.uses.includes('redis')).map((s) => s.name).sort();
  const secretOf = (service: string) => ID.cacheUserSecret('redis', service);

  it('has one password user per service that uses the cache, each with its own secret, and the default user switched off', () => {
    expect(spec.caches.redis!.version).toBe('6.2');
    expect(using).toEqual(['blockchain-service', 'chart-api-service', 'monitoring-service']);
    const own = users.filter((u) => u.properties.UserName !== 'default');
    expect(own.map((u) => u.origin.at(-1)).sort()).toEqual(using);
    for (const u of own) {
      const service = String(u.origin.at(-1));
      expect(u.properties.UserName).toBe(u.properties.UserId);
      expect(u.properties.AccessString).toBe('on ~* +@all -@dangerous');
      expect(u.properties.AuthenticationMode).toEqual({
        Type: 'password',
        Passwords: [{ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretOf(service) }, ':SecretString:password}}']] }],
      });
    }
    const defaults = users.filter((u) => u.properties.UserName === 'default');
    expect(defaults).toHaveLength(1);
    expect(defaults[0]!.properties).toMatchObject({ AccessString: 'off -@all', AuthenticationMode: { Type: 'password' } });
    expect(JSON.stringify(defaults[0]!.properties.AuthenticationMode)).toContain(ID.cacheAuthSecret('redis'));
  });

  it('puts them in the user group the replication group uses, with no AUTH token', () => {
    const group = byId(resources, 'RedisCacheUserGroup');
    expect((group.properties.UserIds as { Ref: string }[]).map((u) => u.Ref).sort()).toEqual(users.map((u) => u.logicalId).sort());
    const rg = byId(resources, ID.cache('redis'));
    expect(rg.properties.AuthToken).toBeUndefined();
    expect(rg.properties.UserGroupIds).toEqual([{ Ref: 'RedisCacheUserGroup' }]);
    // Nothing names the replication group: CloudFormation keeps choosing its ID.
    expect(rg.properties.ReplicationGroupId).toBeUndefined();
  });

  it('generates each password in a secret of its own: letters and digits, the user name beside it, the system key', () => {
    for (const service of using) {
      const secret = byId(resources, secretOf(service));
      const user = users.find((u) => u.origin.at(-1) === service)!;
      expect(secret.layer).toBe('security');
      expect(secret.properties).toMatchObject({
        Name: `dex-mobile-v6-staging/cache/redis/users/${service}`,
        KmsKeyId: { 'Fn::GetAtt': [ID.kmsKey, 'Arn'] },
        GenerateSecretString: { GenerateStringKey: 'password', PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true },
      });
      const template = JSON.parse((secret.properties.GenerateSecretString as { SecretStringTemplate: string }).SecretStringTemplate) as Record<string, string>;
      expect(template).toEqual({ username: user.properties.UserId });
      expect(secret.usage.map((m) => m.meter)).toContain('secretsmanager.secret');
    }
  });

  it('lists each password in the secret catalogue as generated, read by its service, named cache/<cache>/<service>', () => {
    const catalogue = secretCatalogue(spec);
    const own = catalogue.filter((e) => e.cacheUser !== undefined);
    expect(own.map((e) => [secretHandle(e, catalogue), e.name, e.value, e.readers])).toEqual(
      using.map((service) => [`cache/redis/${service}`, `dex-mobile-v6-staging/cache/redis/users/${service}`, 'generated', [service]]),
    );
    // The AUTH token secret is only the switched-off default user's password: nobody reads it.
    expect(catalogue.find((e) => e.logicalId === ID.cacheAuthSecret('redis'))!.readers).toEqual([]);
  });

  it("lets each service's roles read its own password only, and no service the AUTH token or elasticache:Connect", () => {
    const roles = resources.filter((r) => r.type === 'AWS::IAM::Role');
    for (const name of Object.keys(spec.services)) {
      const own = roles.filter((r) => r.logicalId === ID.serviceRole(name) || r.logicalId === ID.taskExecutionRole(name));
      const text = JSON.stringify(own.flatMap(statements));
      for (const other of using) expect(text.includes(`"${secretOf(other)}"`), `${name} reads ${other}'s password`).toBe(other === name);
      expect(text).not.toContain(ID.cacheAuthSecret('redis'));
      expect(text).not.toContain('elasticache:Connect');
    }
  });

  it('gives each service its user name in the clear and its own password as a secret, on ECS, EKS and EC2', () => {
    for (const name of using) {
      const s = spec.services[name]!;
      const { env, secrets } = serviceConnections(spec, s);
      const user = users.find((u) => u.origin.at(-1) === name)!;
      expect(env.find((e) => e.Name === 'REDIS_USER')!.Value).toBe(user.properties.UserId);
      expect(env.map((e) => e.Name)).not.toContain('REDIS_IAM_AUTH');
      expect(secrets.filter((x) => x.Name.startsWith('REDIS_'))).toEqual([{ Name: 'REDIS_PASSWORD', from: { Ref: secretOf(name) }, key: 'password' }]);
    }
    expect(using.map((n) => spec.services[n]!.placement).sort()).toEqual(['ec2', 'ecs', 'eks']);
  });
});

describe('Redis OSS 5 (no users at all)', () => {
  const { spec, resources } = compile((t) => t.replace('    engine: redis\n', '    engine: redis\n    version: "5.0"\n'));

  it('keeps the AUTH token, read by the services that use the cache', () => {
    expect(resources.filter((r) => r.type.startsWith('AWS::ElastiCache::User'))).toEqual([]);
    const rg = byId(resources, ID.cache('redis'));
    expect(JSON.stringify(rg.properties.AuthToken)).toContain('{{resolve:secretsmanager:');
    expect(rg.properties.UserGroupIds).toBeUndefined();
    // Redis OSS 4 and 5 name their default parameter groups with the minor version.
    expect(rg.properties.CacheParameterGroupName).toBe('default.redis5.0.cluster.on');
    const s = Object.values(spec.services).find((x) => x.uses.includes('redis'))!;
    expect(serviceConnections(spec, s).secrets.map((x) => x.Name)).toContain('REDIS_AUTH_TOKEN');
    expect(JSON.stringify(statements(byId(resources, ID.serviceRole(s.name))))).toContain(ID.cacheAuthSecret('redis'));
  });
});
