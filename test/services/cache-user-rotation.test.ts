// The rotation of the cache users' passwords (Redis OSS 6 caches), run for real: the inline code is
// written out as Lambda writes a ZipFile (index.js) and required with Node. Its Secrets Manager
// client talks to the loopback Secrets Manager fake (the real wire protocol); its ElastiCache
// client is a stand-in module in the function's node_modules (the repository does not depend on
// @aws-sdk/client-elasticache; the Lambda runtime provides it) that keeps ElastiCache's rules: at
// most two passwords, no change to a user that is not `active`, a user `modifying` for a while
// after each change. The test drives the four steps as Secrets Manager does, twice, and checks
// that the user always accepts the password every running service holds.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_CONTROLS } from '../../compiler/compliance/controls/catalogue.js';
import { evaluateControl } from '../../compiler/compliance/controls/evaluate.js';
import { isProduction } from '../../compiler/compliance/engine.js';
import type { RuleContext } from '../../compiler/compliance/types.js';
import { ID } from '../../compiler/model/ids.js';
import type { CfnValue, ModelResource } from '../../compiler/model/types.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { withOwnBootstrap } from '../../pipeline/bootstrap.js';
import { modelOf } from '../../pipeline/emit.js';
import { planTargets } from '../../pipeline/plan.js';
import { CACHE_USER_ROTATION_HANDLER, CACHE_USER_ROTATION_SCHEDULE, cacheRotationId, cacheUserRotationId } from '../../services/secret-rotation.js';
import { startFakeSecretsManager, type FakeSecretsManagerServer } from '../cli/fake-secrets-manager-server.js';
import { fixedClock } from '../support/clock.js';
import { REFERENCE_SPEC, withRedis6 } from '../support/specs.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SECRET = 'shop-staging/cache/redis/users/orders';
const USER = 'shop-staging-redis-orders';
const P0 = 'InitialGeneratedPassw0rd'.padEnd(64, '0');

/** The stand-in @aws-sdk/client-elasticache: one user, ElastiCache's rules on ModifyUser. */
const FAKE_ELASTICACHE = `'use strict';
const state = { users: new Map(), calls: [], busyLooks: 0 };
class Command { constructor(input) { this.input = input; } }
class DescribeUsersCommand extends Command {}
class ModifyUserCommand extends Command {}
const fault = (name, message) => Object.assign(new Error(message), { name });
class ElastiCacheClient {
  async send(command) {
    const op = command.constructor.name.replace(/Command$/, '');
    state.calls.push({ op, input: JSON.parse(JSON.stringify(command.input)) });
    const user = state.users.get(command.input.UserId);
    if (!user) throw fault('UserNotFoundFault', 'User not found');
    if (op === 'DescribeUsers') {
      if (user.Status === 'modifying' && user.looks-- <= 0) user.Status = 'active';
      return { Users: [{ UserId: command.input.UserId, Status: user.Status, Authentication: { Type: 'password', PasswordCount: user.passwords.length } }] };
    }
    if (op === 'ModifyUser') {
      if (user.Status !== 'active') throw fault('InvalidUserStateFault', 'User is not active');
      const mode = command.input.AuthenticationMode;
      if (!mode || mode.Type !== 'password' || !Array.isArray(mode.Passwords) || mode.Passwords.length < 1 || mode.Passwords.length > 2) throw fault('InvalidParameterValueException', 'one or two passwords');
      user.passwords = mode.Passwords.slice();
      user.Status = 'modifying';
      user.looks = state.busyLooks;
      return { UserId: command.input.UserId, Status: 'modifying' };
    }
    throw new Error('unexpected ' + op);
  }
}
module.exports = { ElastiCacheClient, DescribeUsersCommand, ModifyUserCommand, __state: state };
`;

type Step = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
type Handler = (event: { SecretId: string; ClientRequestToken: string; Step: Step }) => Promise<void>;
interface FakeUser {
  Status: string;
  passwords: string[];
  looks: number;
}
interface FakeElastiCache {
  users: Map<string, FakeUser>;
  calls: { op: string; input: { UserId: string; AuthenticationMode?: { Type: string; Passwords: string[] } } }[];
  busyLooks: number;
}

let server: FakeSecretsManagerServer;
let handler: Handler;
let elasticache: FakeElastiCache;
const saved = { ...process.env };

beforeAll(async () => {
  server = await startFakeSecretsManager();
  Object.assign(process.env, { AWS_REGION: 'ap-south-1', AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE0000', AWS_SECRET_ACCESS_KEY: 'fake/secret/key/0000000000000000000000', AWS_ENDPOINT_URL_SECRETS_MANAGER: server.endpoint });
  delete process.env.AWS_PROFILE;
  const dir = mkdtempSync(join(tmpdir(), 'dex-cache-rotation-'));
  writeFileSync(join(dir, 'index.js'), CACHE_USER_ROTATION_HANDLER);
  mkdirSync(join(dir, 'node_modules/@aws-sdk/client-elasticache'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/@aws-sdk/client-elasticache/index.js'), FAKE_ELASTICACHE);
  symlinkSync(join(ROOT, 'node_modules/@aws-sdk/client-secrets-manager'), join(dir, 'node_modules/@aws-sdk/client-secrets-manager'), 'dir');
  const load = createRequire(join(dir, 'index.js'));
  handler = (load(join(dir, 'index.js')) as { handler: Handler }).handler;
  elasticache = (load('@aws-sdk/client-elasticache') as { __state: FakeElastiCache }).__state;
});

afterAll(async () => {
  await server.close();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

const stages = () => Object.fromEntries(server.secrets.get(SECRET)!.versions);
const valueOf = (json: string) => JSON.parse(json) as { username: string; password: string };
const currentPassword = () => valueOf(server.secrets.get(SECRET)!.value!).password;
const user = () => elasticache.users.get(USER)!;

/** One rotation as Secrets Manager runs it: a version staged AWSPENDING, then the four steps. */
async function rotate(token: string, steps: readonly Step[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret']): Promise<void> {
  const s = server.secrets.get(SECRET)!;
  // Secrets Manager takes AWSPENDING off the finished version before it starts the next rotation.
  for (const [v, labels] of s.versions) s.versions.set(v, labels.filter((l) => l !== 'AWSPENDING'));
  s.versions.set(token, ['AWSPENDING']);
  for (const Step of steps) await handler({ SecretId: SECRET, ClientRequestToken: token, Step });
}

describe('the cache user password rotation function', () => {
  it('is small enough for inline code and holds no value of the spec', () => {
    expect(Buffer.byteLength(CACHE_USER_ROTATION_HANDLER)).toBeLessThanOrEqual(4096);
    expect(CACHE_USER_ROTATION_HANDLER).not.toMatch(/\$\{|arn:|shop|dex-mobile/);
  });

  it('stages a new password, lets the user accept the current and the new one, then makes the new one current', async () => {
    server.secrets.set(SECRET, { versions: new Map([['v0', ['AWSCURRENT']]]), value: JSON.stringify({ username: USER, password: P0 }), rotationEnabled: true });
    // As CloudFormation created it: the current password only.
    elasticache.users.set(USER, { Status: 'active', passwords: [P0], looks: 0 });
    const token = 'b1b2c3d4-0000-4000-8000-000000000001';

    await rotate(token, ['createSecret']);
    const pending = valueOf(server.secrets.get(SECRET)!.staged!.get(token)!);
    expect(pending.username).toBe(USER);
    expect(pending.password).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(pending.password).not.toBe(P0);
    const random = server.requests.filter((r) => r.target === 'secretsmanager.GetRandomPassword');
    expect(random.map((r) => r.body)).toEqual([{ PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true }]);
    // Nothing changed on the user yet, and a retried createSecret stages nothing new.
    await handler({ SecretId: SECRET, ClientRequestToken: token, Step: 'createSecret' });
    expect(server.requests.filter((r) => r.target === 'secretsmanager.PutSecretValue')).toHaveLength(1);
    expect(user().passwords).toEqual([P0]);

    await handler({ SecretId: SECRET, ClientRequestToken: token, Step: 'setSecret' });
    expect(user().passwords).toEqual([P0, pending.password]);
    expect(elasticache.calls.filter((c) => c.op === 'ModifyUser').map((c) => c.input)).toEqual([{ UserId: USER, AuthenticationMode: { Type: 'password', Passwords: [P0, pending.password] } }]);
    // Retried: the same list again, no third password.
    await handler({ SecretId: SECRET, ClientRequestToken: token, Step: 'setSecret' });
    expect(user().passwords).toEqual([P0, pending.password]);

    await handler({ SecretId: SECRET, ClientRequestToken: token, Step: 'testSecret' });
    await handler({ SecretId: SECRET, ClientRequestToken: token, Step: 'finishSecret' });
    expect(stages()).toEqual({ v0: ['AWSPREVIOUS'], [token]: ['AWSPENDING', 'AWSCURRENT'] });
    expect(currentPassword()).toBe(pending.password);
    // A service started before the rotation (P0) and one started after it both sign in.
    expect(user().passwords).toEqual([P0, currentPassword()]);
  });

  it('drops the password before the current one at the next rotation, never the current one', async () => {
    const before = currentPassword();
    await rotate('b1b2c3d4-0000-4000-8000-000000000002');
    const after = currentPassword();
    expect(after).not.toBe(before);
    expect(user().passwords).toEqual([before, after]);
    expect(user().passwords).not.toContain(P0);
  });

  it('waits while the user is being modified instead of failing on it', { timeout: 30_000 }, async () => {
    elasticache.busyLooks = 1;
    const before = currentPassword();
    await rotate('b1b2c3d4-0000-4000-8000-000000000003');
    elasticache.busyLooks = 0;
    expect(user().passwords).toEqual([before, currentPassword()]);
    expect(user().Status).toBe('active');
  });

  it('fails testSecret when ElastiCache does not hold both passwords, and refuses versions that are not staged for rotation', async () => {
    const token = 'b1b2c3d4-0000-4000-8000-000000000004';
    await rotate(token, ['createSecret', 'setSecret']);
    user().passwords = [currentPassword()];
    await expect(handler({ SecretId: SECRET, ClientRequestToken: token, Step: 'testSecret' })).rejects.toThrow(/does not hold the current and the pending password/);
    await expect(handler({ SecretId: SECRET, ClientRequestToken: 'not-a-version', Step: 'setSecret' })).rejects.toThrow(/has no stage for rotation/);
    server.secrets.get(SECRET)!.rotationEnabled = false;
    await expect(handler({ SecretId: SECRET, ClientRequestToken: token, Step: 'setSecret' })).rejects.toThrow(/rotation is not enabled/);
  });
});

describe('the reference on Redis OSS 6: rotation resources, price and controls', () => {
  const analysis = analyzeSpec(new TextEncoder().encode(withRedis6(readFileSync(REFERENCE_SPEC, 'utf8'))), REFERENCE_SPEC, { today: fixedClock });
  expect(analysis.ok).toBe(true);
  const staging = analysis.compiled.find((c) => c.environment === 'staging')!;
  const resources: readonly ModelResource[] = modelOf(staging).resources;
  const byId = (id: string) => {
    const r = resources.find((x) => x.logicalId === id);
    if (!r) throw new Error(`no ${id}`);
    return r;
  };
  const using = ['blockchain-service', 'chart-api-service', 'monitoring-service'];

  it('schedules the function on each user secret every 30 days, in the security layer with the secrets', () => {
    const ids = cacheRotationId('redis');
    for (const service of using) {
      const secret = { Ref: ID.cacheUserSecret('redis', service) };
      const uid = cacheUserRotationId('redis', service);
      expect(byId(uid.schedule).properties).toEqual({ SecretId: secret, RotationLambdaARN: { 'Fn::GetAtt': [ids.function, 'Arn'] }, RotationRules: { ScheduleExpression: CACHE_USER_ROTATION_SCHEDULE }, RotateImmediatelyOnUpdate: false });
      expect(byId(uid.schedule).dependsOn).toEqual([uid.permission]);
      expect(byId(uid.permission).properties).toEqual({ FunctionName: { 'Fn::GetAtt': [ids.function, 'Arn'] }, Action: 'lambda:InvokeFunction', Principal: 'secretsmanager.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' }, SourceArn: secret });
      for (const id of [uid.schedule, uid.permission]) expect(byId(id).layer).toBe('security');
    }
    const fn = byId(ids.function).properties as { Runtime: string; Timeout: number; Code: { ZipFile: string } };
    expect(fn.Code.ZipFile).toBe(CACHE_USER_ROTATION_HANDLER);
    // 50 looks 5 s apart fit in the timeout.
    expect(fn.Timeout).toBeGreaterThan(50 * 5);
    expect(byId(ids.logGroup).properties).toMatchObject({ KmsKeyId: { 'Fn::GetAtt': [ID.kmsKey, 'Arn'] } });
  });

  it("the function's role changes these users and their secrets only", () => {
    type S = { Sid: string; Action: string | string[]; Resource: CfnValue };
    const statements = (byId(cacheRotationId('redis').role).properties.Policies as { PolicyDocument: { Statement: S[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    const users = resources.filter((r) => r.type === 'AWS::ElastiCache::User' && r.properties.UserName !== 'default');
    const change = statements.find((s) => s.Sid === 'ChangeCacheUserPasswords')!;
    expect(change.Action).toEqual(['elasticache:DescribeUsers', 'elasticache:ModifyUser']);
    expect((change.Resource as { 'Fn::Sub': string }[]).map((r) => r['Fn::Sub'].split(':user:')[1]).sort()).toEqual(users.map((u) => String(u.properties.UserId)).sort());
    expect(statements.find((s) => s.Sid === 'RotateCacheUserSecrets')!.Resource).toEqual(using.map((s) => ({ Ref: ID.cacheUserSecret('redis', s) })));
    // The default user (and its secret) is out of reach: nothing rotates a switched-off user.
    expect(JSON.stringify(statements)).not.toContain(ID.cacheAuthSecret('redis'));
    expect(JSON.stringify(statements)).not.toContain('-redis-default');
    const wildcards = statements.filter((s) => s.Resource === '*');
    expect(wildcards.map((s) => s.Action)).toEqual(['secretsmanager:GetRandomPassword']);
  });

  it('prices every new secret as a secret-month', () => {
    const plan = buildPlan(planTargets(analysis, 'staging'), loadSnapshotSource());
    const env = plan.environments.find((e) => e.environment === 'staging')!;
    expect(env.coverageGaps).toEqual([]);
    for (const service of using) {
      const items = env.lineItems.filter((l) => l.resource === ID.cacheUserSecret('redis', service) && l.meter === 'secretsmanager.secret');
      expect(items, service).toHaveLength(1);
      expect(items[0]!.monthlyUsd.min).toBeGreaterThan(0);
    }
  });

  it('passes every control the reference passes, with the users as evidence of sign-in and their secrets of rotation', () => {
    for (const c of analysis.compiled) {
      if (!c.model) continue;
      const ctx: RuleContext = { spec: c.spec, model: withOwnBootstrap(c.model, fixedClock), data: {}, environment: c.environment, production: isProduction(c.environment, c.spec), regimes: new Set(c.spec.compliance) };
      for (const control of SECURITY_CONTROLS) {
        const outcome = evaluateControl(control, ctx);
        expect(outcome.findings.filter((f) => f.status === 'fail').map((f) => `${control.id} ${f.logicalId}: ${f.message}`)).toEqual([]);
      }
      const rotation = evaluateControl(SECURITY_CONTROLS.find((x) => x.id === 'SecretsManager.1')!, ctx).findings;
      for (const service of using) expect(rotation.find((f) => f.logicalId === ID.cacheUserSecret('redis', service))?.status, service).toBe('pass');
      expect(rotation.find((f) => f.logicalId === ID.cacheAuthSecret('redis'))?.status).toBe('not-applicable');
    }
  });
});
