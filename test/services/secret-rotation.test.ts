// The Grafana admin password's rotation function, run for real: its inline code is written out as
// Lambda writes a ZipFile (index.js), required with Node, and its AWS SDK v3 client is pointed at
// the loopback Secrets Manager fake (the real JSON 1.1 wire protocol). The test drives the four
// steps as Secrets Manager does: a new version staged AWSPENDING with no value, then createSecret,
// setSecret, testSecret and finishSecret with that version's token, and each step again (Secrets
// Manager retries a failed step).
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID } from '../../compiler/model/ids.js';
import type { ModelResource } from '../../compiler/model/types.js';
import { secrets } from '../../services/secrets.js';
import { GRAFANA_ROTATION_HANDLER, GRAFANA_ROTATION_SCHEDULE, ROTATION_ID } from '../../services/secret-rotation.js';
import { AT_FIXED_DATE, fixedClock } from '../support/clock.js';
import { startFakeSecretsManager, type FakeSecretsManagerServer } from '../cli/fake-secrets-manager-server.js';
import { analyzeSpec } from '../../pipeline/analyze.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SECRET = 'shop-staging/monitoring/grafana/admin';
const INITIAL = JSON.stringify({ username: 'admin', password: 'InitialGeneratedPassw0rd0000000' });

type Step = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
type Handler = (event: { SecretId: string; ClientRequestToken: string; Step: Step }) => Promise<void>;

let server: FakeSecretsManagerServer;
let handler: Handler;
const saved = { ...process.env };

beforeAll(async () => {
  server = await startFakeSecretsManager();
  // The Lambda runtime's environment: region and credentials from the execution role; the endpoint is the fake's.
  Object.assign(process.env, { AWS_REGION: 'ap-south-1', AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE0000', AWS_SECRET_ACCESS_KEY: 'fake/secret/key/0000000000000000000000', AWS_ENDPOINT_URL_SECRETS_MANAGER: server.endpoint });
  delete process.env.AWS_PROFILE;
  // Lambda's layout: index.js, with the runtime's SDK resolvable (here the repository's copy).
  const dir = mkdtempSync(join(tmpdir(), 'dex-rotation-'));
  writeFileSync(join(dir, 'index.js'), GRAFANA_ROTATION_HANDLER);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  handler = (createRequire(join(dir, 'index.js'))(join(dir, 'index.js')) as { handler: Handler }).handler;
});

afterAll(async () => {
  await server.close();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

/** What Secrets Manager does before it calls createSecret: a version staged AWSPENDING, without a value. */
function startRotation(token: string): void {
  const s = server.secrets.get(SECRET)!;
  s.versions.set(token, ['AWSPENDING']);
}

const stages = () => Object.fromEntries(server.secrets.get(SECRET)!.versions);
const calls = (op: string) => server.requests.filter((r) => r.target === `secretsmanager.${op}`);

describe('the Grafana admin password rotation function', () => {
  it('is small enough for inline code and holds no value of the spec', () => {
    expect(Buffer.byteLength(GRAFANA_ROTATION_HANDLER)).toBeLessThanOrEqual(4096);
    expect(GRAFANA_ROTATION_HANDLER).not.toMatch(/\$\{|arn:|shop|dex-mobile/);
  });

  it('rotates: createSecret stages a new password, finishSecret makes it current; every step is idempotent', async () => {
    server.secrets.set(SECRET, { versions: new Map([['v-initial', ['AWSCURRENT']]]), value: INITIAL, rotationEnabled: true });
    const token = 'a1b2c3d4-0000-4000-8000-000000000001';
    startRotation(token);
    const run = (Step: Step) => handler({ SecretId: SECRET, ClientRequestToken: token, Step });

    await run('createSecret');
    const pending = server.secrets.get(SECRET)!.staged!.get(token)!;
    const value = JSON.parse(pending) as { username: string; password: string };
    expect(Object.keys(value).sort()).toEqual(['password', 'username']);
    expect(value.username).toBe('admin');
    expect(value.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(value.password).not.toBe(JSON.parse(INITIAL).password);
    expect(stages()).toEqual({ 'v-initial': ['AWSCURRENT'], [token]: ['AWSPENDING'] });
    const put = calls('PutSecretValue');
    expect(put).toHaveLength(1);
    expect(put[0]!.body).toMatchObject({ SecretId: SECRET, ClientRequestToken: token, VersionStages: ['AWSPENDING'] });
    expect(calls('GetRandomPassword')[0]!.body).toEqual({ PasswordLength: 32, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true });

    // A retried createSecret finds the pending value and changes nothing.
    await run('createSecret');
    expect(calls('PutSecretValue')).toHaveLength(1);
    expect(server.secrets.get(SECRET)!.staged!.get(token)).toBe(pending);

    // The server applies the password itself: set and test touch nothing.
    const before = server.requests.length;
    await run('setSecret');
    await run('testSecret');
    expect(server.requests.slice(before).map((r) => r.target)).toEqual(['secretsmanager.DescribeSecret', 'secretsmanager.DescribeSecret']);

    await run('finishSecret');
    expect(calls('UpdateSecretVersionStage').map((r) => r.body)).toEqual([{ SecretId: SECRET, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: 'v-initial' }]);
    expect(stages()).toEqual({ 'v-initial': ['AWSPREVIOUS'], [token]: ['AWSPENDING', 'AWSCURRENT'] });
    expect(server.secrets.get(SECRET)!.value).toBe(pending);

    // Done: the token is AWSCURRENT, so any step again returns without a change.
    for (const step of ['createSecret', 'finishSecret'] as const) await run(step);
    expect(calls('UpdateSecretVersionStage')).toHaveLength(1);
    expect(calls('PutSecretValue')).toHaveLength(1);
  });

  it('a second rotation moves AWSPREVIOUS along and generates another password', async () => {
    const first = server.secrets.get(SECRET)!.value!;
    const current = Object.entries(stages()).find(([, l]) => l.includes('AWSCURRENT'))![0];
    // Secrets Manager removes AWSPENDING from the finished version before the next rotation.
    server.secrets.get(SECRET)!.versions.set(current, ['AWSCURRENT']);
    const token = 'a1b2c3d4-0000-4000-8000-000000000002';
    startRotation(token);
    for (const Step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await handler({ SecretId: SECRET, ClientRequestToken: token, Step });
    expect(stages()).toEqual({ 'v-initial': [], [current]: ['AWSPREVIOUS'], [token]: ['AWSPENDING', 'AWSCURRENT'] });
    expect(JSON.parse(server.secrets.get(SECRET)!.value!).password).not.toBe(JSON.parse(first).password);
  });

  it('refuses a token that is not staged for rotation, and a secret whose rotation is off', async () => {
    await expect(handler({ SecretId: SECRET, ClientRequestToken: 'not-a-version', Step: 'createSecret' })).rejects.toThrow(/has no stage for rotation/);
    const previous = Object.entries(stages()).find(([, l]) => l.includes('AWSPREVIOUS'))![0];
    await expect(handler({ SecretId: SECRET, ClientRequestToken: previous, Step: 'finishSecret' })).rejects.toThrow(/is not AWSPENDING/);
    server.secrets.get(SECRET)!.rotationEnabled = false;
    await expect(handler({ SecretId: SECRET, ClientRequestToken: previous, Step: 'createSecret' })).rejects.toThrow(/rotation is not enabled/);
  });
});

describe('the rotation resources', () => {
  const file = join(ROOT, 'test/fixtures/reference/dex-mobile-v6.dex.yaml');
  const spec = analyzeSpec(new Uint8Array(readFileSync(file)), file, { today: fixedClock }).compiled.find((c) => c.environment !== undefined && c.spec.monitoring.grafana.enabled)!.spec;
  const resources: ModelResource[] = secrets.build(spec, AT_FIXED_DATE);
  const byId = (id: string) => resources.find((r) => r.logicalId === id)!;

  it('schedule the function on the Grafana secret, in the security layer with it', () => {
    const schedule = byId(ROTATION_ID.schedule);
    expect(schedule.properties).toEqual({ SecretId: { Ref: ID.grafanaAdminSecret }, RotationLambdaARN: { 'Fn::GetAtt': [ROTATION_ID.function, 'Arn'] }, RotationRules: { ScheduleExpression: GRAFANA_ROTATION_SCHEDULE }, RotateImmediatelyOnUpdate: false });
    for (const id of Object.values(ROTATION_ID)) expect(byId(id).layer).toBe(byId(ID.grafanaAdminSecret).layer);
    const fn = byId(ROTATION_ID.function).properties as { Runtime: string; Code: { ZipFile: string }; LoggingConfig: unknown };
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Code.ZipFile).toBe(GRAFANA_ROTATION_HANDLER);
    expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: ROTATION_ID.logGroup } });
    expect(byId(ROTATION_ID.logGroup).properties).toMatchObject({ KmsKeyId: { 'Fn::GetAtt': [ID.kmsKey, 'Arn'] } });
    expect(byId(ROTATION_ID.permission).properties).toEqual({ FunctionName: { 'Fn::GetAtt': [ROTATION_ID.function, 'Arn'] }, Action: 'lambda:InvokeFunction', Principal: 'secretsmanager.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' }, SourceArn: { Ref: ID.grafanaAdminSecret } });
  });

  it("the function's role changes this one secret only", () => {
    type S = { Sid: string; Action: string | string[]; Resource: unknown };
    const statements = (byId(ROTATION_ID.role).properties.Policies as { PolicyDocument: { Statement: S[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    const secretActions = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    expect(secretActions.find((s) => s.Sid === 'RotateGrafanaAdminSecret')!.Resource).toEqual({ Ref: ID.grafanaAdminSecret });
    // GetRandomPassword takes no resource; it is the only secretsmanager action on `*`.
    expect(secretActions.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual(['secretsmanager:GetRandomPassword']);
  });
});
