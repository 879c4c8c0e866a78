// `permissions:` (issue 15): the spec's IAM statements on the role each service's code runs as
// (ECS task role, EKS service-account role, EC2 instance role), references resolved to the names
// dex gives its databases, caches and secrets; the rules on references, ARNs and IAM writes
// (DEX385–DEX387), located in the file; hostile ARNs stay one string.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { compileEmit } from '../../pipeline/emit.js';
import type { ModelResource } from '../../compiler/model/types.js';
import { ID } from '../../compiler/model/ids.js';
import { cacheReplicationGroupId } from '../../services/elasticache.js';
import { databaseIdentifier } from '../../services/rds.js';
import { boundaryStatements } from '../../services/permissions-boundary.js';
import { fixedClock } from '../support/clock.js';

const FIXTURE = readFileSync('test/fixtures/spec/permissions.dex.yaml', 'utf8');

type Statement = { Sid: string; Effect: string; Action: string[]; Resource: unknown };
const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
function valid(text: string): Analysis {
  const a = analyzed(text);
  expect(a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return a;
}
const staging = (a: Analysis) => a.compiled.find((c) => c.environment === 'staging')!;
const role = (a: Analysis, id: string): ModelResource => staging(a).model!.resources.find((r) => r.logicalId === id)!;
const statements = (r: ModelResource): Statement[] => ((r.properties.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []).flatMap((p) => p.PolicyDocument.Statement);
const spec = (a: Analysis) => staging(a).spec!;
const sid = (r: ModelResource, id: string) => statements(r).find((s) => s.Sid === id);

describe('the statements on each platform', () => {
  const a = valid(FIXTURE);

  it('EKS: the service-account role, ARNs as written, a database by the identifier dex gives it', () => {
    const r = role(a, ID.serviceRole('blockchain-service'));
    expect(r.layer).toBe('eks');
    expect(sid(r, 'SpecPermission0')).toEqual({ Sid: 'SpecPermission0', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::dex-mobile-chain-snapshots/*'] });
    const db = databaseIdentifier(spec(a), spec(a).databases.postgres!);
    expect(sid(r, 'SpecPermission1')!.Resource).toEqual([{ 'Fn::Sub': `arn:\${AWS::Partition}:rds:\${AWS::Region}:\${AWS::AccountId}:db:${db}` }]);
    // The environment's name is in the identifier: staging's role never names production's database.
    expect(db).toContain('staging');
  });

  it('ECS: the task role, not the execution role; an own secret by its Ref', () => {
    const task = role(a, ID.serviceRole('kyc-service'));
    expect(sid(task, 'SpecPermission0')).toEqual({ Sid: 'SpecPermission0', Effect: 'Allow', Action: ['secretsmanager:PutSecretValue'], Resource: [{ Ref: ID.serviceSecret('kyc-service', 'KYC_PROVIDER_API_KEY') }] });
    expect(sid(task, 'SpecPermission1')!.Resource).toEqual(['arn:aws:sqs:ap-south-1:123456789012:kyc-checks']);
    expect(statements(role(a, ID.taskExecutionRole('kyc-service'))).filter((s) => s.Sid.startsWith('SpecPermission'))).toEqual([]);
  });

  it('EC2: the instance role; a cache by its replication group id', () => {
    const r = role(a, ID.serviceRole('monitoring-service'));
    const group = cacheReplicationGroupId(spec(a), spec(a).caches.redis!);
    expect(sid(r, 'SpecPermission0')!.Resource).toEqual([{ 'Fn::Sub': `arn:\${AWS::Partition}:elasticache:\${AWS::Region}:\${AWS::AccountId}:replicationgroup:${group}` }]);
    expect(sid(r, 'SpecPermission1')).toMatchObject({ Action: ['cloudwatch:GetMetricData'], Resource: ['*'] });
  });

  it('services without permissions get no statement from it', () => {
    expect(statements(role(a, ID.serviceRole('aml-service'))).some((s) => s.Sid.startsWith('SpecPermission'))).toBe(false);
  });

  it('the permissions boundary allows the services the statements call, and bounds the roles', () => {
    const model = staging(a).model!.resources;
    const allowed = boundaryStatements(spec(a), model, { roles: [], artifactsBucketPrefix: 'artifacts', keyAlias: 'alias/bootstrap' }).find((s) => s.Sid === 'EnvironmentServices')!.Action;
    // sqs only from kyc-service's statement; rds-db from the IAM database-authentication policy
    // (services/rds.ts): both are nested in policy documents, which the boundary once did not read.
    for (const service of ['s3', 'sqs', 'rds', 'rds-db', 'elasticache', 'cloudwatch', 'secretsmanager']) expect(allowed).toContain(`${service}:*`);
    for (const service of ['blockchain-service', 'kyc-service', 'monitoring-service']) expect(role(a, ID.serviceRole(service)).properties.PermissionsBoundary, service).toBeDefined();
  });
});

describe('hostile values stay data', () => {
  const hostile = 'arn:aws:s3:::x/"}],"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]#\'!Ref';
  const text = FIXTURE.replace('"arn:aws:s3:::dex-mobile-chain-snapshots/*"', JSON.stringify(hostile));

  it('one resource string in the model and in the emitted template', () => {
    const a = valid(text);
    expect(sid(role(a, ID.serviceRole('blockchain-service')), 'SpecPermission0')!.Resource).toEqual([hostile]);
    const files = compileEmit(staging(a)).files.filter((f) => f.content.includes('SpecPermission0'));
    expect(files.length).toBeGreaterThan(0);
    const found: unknown[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.Sid === 'SpecPermission0' && JSON.stringify(o).includes('x/')) found.push(o.Resource);
        Object.values(o).forEach(walk);
      }
    };
    for (const f of files) walk(parse(f.content));
    expect(found).toContainEqual([hostile]);
  });

  it('a ${...} inside an ARN is refused, never handed to Fn::Sub', () => {
    const a = analyzed(FIXTURE.replace('"arn:aws:s3:::dex-mobile-chain-snapshots/*"', '"arn:aws:s3:::${AWS::AccountId}-snapshots/*"'));
    expect(a.diagnostics.filter((d) => d.code === 'DEX386').map((d) => d.path)).toEqual([['services', 'blockchain-service', 'permissions', 0, 'resources', 0]]);
  });
});

describe('the rules', () => {
  const errors = (text: string, code: string) => analyzed(text).diagnostics.filter((d) => d.code === code);

  it.each([
    ['a database typo', '${databases.postgre.arn}', 'did you mean ${databases.postgres.arn}?'],
    ['an unknown kind', '${volumes.postgres.arn}', 'did you mean ${databases.postgres.arn}?'],
    ['another attribute', '${caches.redis.endpoint}', 'did you mean ${caches.redis.arn}?'],
    ['a secret typo', '${secrets.RPC_PROVIDER_KEY.arn}', 'did you mean ${secrets.RPC_PROVIDER_KEYS.arn}?'],
    ["another service's secret", '${secrets.KYC_PROVIDER_API_KEY.arn}', "KYC_PROVIDER_API_KEY is kyc-service's: a service reads only its own secrets; add it to blockchain-service's secrets: (its own secret of that name)"],
  ])('DEX385: %s', (_what, reference, hint) => {
    const found = errors(FIXTURE.replace('"${databases.postgres.arn}"', JSON.stringify(reference)), 'DEX385');
    expect(found).toHaveLength(1);
    expect(found[0]!.path).toEqual(['services', 'blockchain-service', 'permissions', 1, 'resources', 0]);
    expect(found[0]!.hint).toBe(hint);
    expect(found[0]!.range, 'located in the file').toBeDefined();
  });

  it.each(['arn:aws:sqs:ap-south-1:12345:kyc-checks', 'arn:aws:sqs:ap-south-1:123456789012', 'arn:azure:sqs:ap-south-1:123456789012:kyc-checks', 'arn:aws:SQS:ap-south-1:123456789012:kyc-checks'])('DEX386: %s', (arn) => {
    const found = errors(FIXTURE.replace('"arn:aws:sqs:ap-south-1:123456789012:kyc-checks"', JSON.stringify(arn)), 'DEX386');
    expect(found.map((d) => d.path)).toEqual([['services', 'kyc-service', 'permissions', 1, 'resources', 0]]);
  });

  it.each([
    ['iam:PassRole', true],
    ['iam:*', true],
    ['iam:*Role*', true],
    ['iam:createrole', true],
    ['organizations:*', true],
    ['account:PutAlternateContact', true],
    ['iam:GetRole', false],
    ['iam:List*', false],
    ['sts:GetCallerIdentity', false],
  ])('DEX387: %s denied: %s', (action, denied) => {
    const found = errors(FIXTURE.replace('[rds:DescribeDBInstances]', `[${action}]`), 'DEX387');
    expect(found.map((d) => d.path)).toEqual(denied ? [['services', 'blockchain-service', 'permissions', 1, 'actions', 0]] : []);
  });

  it('DEX388: a role over IAM\'s inline-policy limit, at the service\'s permissions; just under it passes', () => {
    const arns = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `arn:aws:s3:::dex-mobile-chain-snapshots/${String(i).padStart(3, '0')}/${'x'.repeat(160)}`));
    const over = errors(FIXTURE.replace('["arn:aws:s3:::dex-mobile-chain-snapshots/*"]', arns(50)), 'DEX388');
    expect(over.length).toBeGreaterThan(0);
    expect(over[0]!.path).toEqual(['services', 'blockchain-service', 'permissions']);
    expect(over[0]!.message).toContain('10240');
    expect(errors(FIXTURE.replace('["arn:aws:s3:::dex-mobile-chain-snapshots/*"]', arns(30)), 'DEX388')).toEqual([]);
  });

  it('the schema refuses a malformed action and a Deny', () => {
    expect(analyzed(FIXTURE.replace('[rds:DescribeDBInstances]', '["rds DescribeDBInstances"]')).diagnostics.some((d) => d.severity === 'error' && d.path.join('.').startsWith('services.blockchain-service.permissions.1.actions'))).toBe(true);
    expect(analyzed(FIXTURE.replace('      - actions: [rds:DescribeDBInstances]\n', '      - actions: [rds:DescribeDBInstances]\n        effect: deny\n')).diagnostics.some((d) => d.severity === 'error' && d.path.join('.').startsWith('services.blockchain-service.permissions.1'))).toBe(true);
  });
});
