// Top-level secrets (issue 16): a shared JSON secret is one Secrets Manager secret (one
// secret-month) whoever reads it, each service gets exactly the keys it names on ECS (valueFrom
// <arn>:KEY::), EKS (the CSI driver's jmesPath) and EC2 (jq in user data), and its role may read
// only the secrets it refers to; existing secrets and SSM parameters are not created, read on
// exactly them (kms:Decrypt only on a named key); the located errors DEX710-DEX716 and DEX719.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPlan } from '../../compiler/pricing/plan.js';
import type { ModelResource } from '../../compiler/model/types.js';
import type { Analysis } from '../../pipeline/analyze.js';
import { planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';
import { outTree } from '../support/out-tree.js';
import { analyzed, lineOf, valid } from '../support/analyzed.js';

const FILE = 'test/fixtures/secrets/shared-secrets.dex.yaml';
const TEXT = readFileSync(FILE, 'utf8');
const replaced = (from: string, to: string): string => {
  if (!TEXT.includes(from)) throw new Error(`the fixture has no ${from}`);
  return TEXT.replace(from, to);
};
const envModel = (a: Analysis, env: string): readonly ModelResource[] => a.compiled.find((c) => c.environment === env)!.model!.resources;
const byId = (a: Analysis, env: string, id: string) => envModel(a, env).find((r) => r.logicalId === id)!;
type Statement = { Sid: string; Action: string[]; Resource: unknown; Condition?: unknown };
const statements = (a: Analysis, env: string, role: string): Statement[] => ((byId(a, env, role).properties as { Policies?: { PolicyDocument: { Statement: Statement[] } }[] }).Policies ?? []).flatMap((p) => p.PolicyDocument.Statement);
const at = (a: Analysis, code: string) => a.diagnostics.filter((d) => d.code === code && d.environment === undefined).map((d) => `${d.range?.start.line}:${d.range?.start.col} ${d.severity} ${d.path.join('.')}`);
const codes = (text: string, code: string) => analyzed(text).diagnostics.filter((d) => d.code === code);

describe('shared and existing secrets', () => {
  const a = valid(TEXT);
  const files = outTree(FILE);
  const file = (tail: string) => files.find((f) => f.path.endsWith(tail))!.content;

  it('creates one Secrets Manager secret per environment for the shared one, none for the existing ones', () => {
    const secrets = envModel(a, 'production').filter((r) => r.type === 'AWS::SecretsManager::Secret');
    expect(secrets.map((r) => [r.logicalId, (r.properties as { Name: string }).Name])).toEqual([
      ['OrdersOwnTokenSecret', 'shop-production/orders/OWN_TOKEN'],
      ['SharedSecretPaymentsApi', 'shop-production/secrets/payments-api'],
    ]);
    expect((byId(a, 'production', 'SharedSecretPaymentsApi').properties as { Description: string }).Description).toContain('A JSON object with the keys API_KEY, API_SECRET, webhook-signing-key.');
  });

  it('ECS: each key the service names through valueFrom <arn>:KEY::, an existing secret by its partial ARN, a parameter by its ARN', () => {
    const task = byId(a, 'production', 'OrdersTaskDefinition').properties as { ContainerDefinitions: { Secrets: { Name: string; ValueFrom: unknown }[] }[] };
    const got = Object.fromEntries(task.ContainerDefinitions[0]!.Secrets.map((x) => [x.Name, x.ValueFrom]));
    expect(got).toEqual({
      API_SECRET: { 'Fn::Join': ['', [{ Ref: 'SharedSecretPaymentsApi' }, ':API_SECRET::']] },
      DB_PASSWORD: { 'Fn::Join': ['', [{ 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:shop/production/db-login' }, ':password::']] },
      GITHUB_TOKEN: { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/shop/github-token' },
      OWN_TOKEN: { Ref: 'OrdersOwnTokenSecret' },
      PAYMENT_KEY: { 'Fn::Join': ['', [{ Ref: 'SharedSecretPaymentsApi' }, ':API_KEY::']] },
    });
  });

  it('IAM: each role reads exactly the secrets it refers to (one ARN each), kms:Decrypt on a named key only through its service', () => {
    const orders = statements(a, 'production', 'OrdersExecutionRole');
    expect(orders.find((s) => s.Sid === 'ReadOwnSecrets')!.Resource).toEqual([{ Ref: 'OrdersOwnTokenSecret' }, { Ref: 'SharedSecretPaymentsApi' }]);
    expect(orders.find((s) => s.Sid === 'ReadExistingSecrets')!.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:shop/production/db-login-??????' }]);
    expect(orders.find((s) => s.Sid === 'DecryptExistingSecrets')).toEqual({
      Sid: 'DecryptExistingSecrets',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: ['arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
    });
    expect(orders.find((s) => s.Sid === 'ReadExistingParameters')).toEqual({ Sid: 'ReadExistingParameters', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/shop/github-token' }] });
    // The aws/ssm key needs no grant: no decrypt statement for the parameter.
    expect(orders.some((s) => s.Sid === 'DecryptExistingParameters')).toBe(false);
    // billing (EKS) reads the shared secret and the partner secret by its full ARN, not db-login.
    const billing = statements(a, 'production', 'BillingRole');
    expect(billing.find((s) => s.Sid === 'ReadOwnSecrets')!.Resource).toEqual([{ Ref: 'SharedSecretPaymentsApi' }]);
    expect(billing.find((s) => s.Sid === 'ReadExistingSecrets')!.Resource).toEqual(['arn:aws:secretsmanager:us-east-1:123456789012:secret:partner/token-AbC123']);
    expect(billing.some((s) => s.Sid === 'DecryptExistingSecrets')).toBe(false);
    // reports refers to nothing: no secret statement at all.
    expect(statements(a, 'production', 'ReportsExecutionRole').filter((s) => /Secret|Parameter/.test(s.Sid))).toEqual([]);
    // No wildcard beyond the random suffix anywhere in a secret statement.
    for (const role of ['OrdersExecutionRole', 'OrdersRole', 'BillingRole', 'LegacyRole']) {
      for (const s of statements(a, 'production', role).filter((x) => /Secret|Parameter/.test(x.Sid))) expect(JSON.stringify(s.Resource).replace(/-\?{6}/g, ''), `${role} ${s.Sid}`).not.toMatch(/[*?]/);
    }
  });

  it('EKS: one CSI object per secret, its keys through jmesPath (a quoted identifier for a key with dashes), the parameter as ssmparameter', () => {
    const spc = parse(file('production/kubernetes/billing/secret-provider-class.yaml')) as { spec: { parameters: { objects: string } } };
    expect(parse(spc.spec.parameters.objects)).toEqual([
      { objectName: '/shop/github-token', objectType: 'ssmparameter', objectAlias: 'GITHUB_TOKEN' },
      { objectName: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:partner/token-AbC123', objectType: 'secretsmanager', objectAlias: 'PARTNER_TOKEN' },
      {
        objectName: 'shop-production/secrets/payments-api',
        objectType: 'secretsmanager',
        objectAlias: 'payments-api.json',
        jmesPath: [
          { path: 'API_KEY', objectAlias: 'API_KEY' },
          { path: '"webhook-signing-key"', objectAlias: 'WEBHOOK_KEY' },
        ],
      },
    ]);
  });

  it('EC2: user data reads the key with jq and the parameter with ssm get-parameter, stopping the boot when one has no value', () => {
    const ec2 = file('production/cloudformation/shop-production-ec2.yaml');
    expect(ec2).toContain('aws ssm get-parameter --region "$REGION" --name "$2" --with-decryption --query Parameter.Value --output text');
    expect(ec2).toContain("- v=$(dex_parameter GH '\n                - Fn::Sub: arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/shop/github-token\n");
    expect(ec2).toContain("') || dex_no_secret GH\n");
    expect(ec2).toContain(`' | jq -er '.["webhook-signing-key"]') || dex_no_secret WEBHOOK_KEY`);
    expect(ec2).toContain(`' | jq -er '.password') || dex_no_secret PASSWORD`);
  });

  it('rotation by the spec\'s own function: its permission, for this secret only, and a schedule that waits for the first value', () => {
    expect(byId(a, 'production', 'SharedSecretPaymentsApiRotationPermission').properties).toEqual({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:rotate-payments', Action: 'lambda:InvokeFunction', Principal: 'secretsmanager.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' }, SourceArn: { Ref: 'SharedSecretPaymentsApi' } });
    expect(byId(a, 'production', 'SharedSecretPaymentsApiRotationSchedule').properties).toMatchObject({ RotationRules: { ScheduleExpression: 'rate(60 days)' }, RotateImmediatelyOnUpdate: false });
  });

  it('the templates pass the CloudFormation resource schemas', () => {
    for (const env of ['staging', 'production']) {
      const plan = JSON.parse(file(`${env}/plan.json`)) as { stacks: { name: string; file: string }[] };
      const stacks = plan.stacks.map((st) => ({ name: st.name, template: parse(file(`${env}/${st.file}`)) as unknown }));
      for (const st of stacks) expect(validateTemplate(st.template), st.name).toEqual([]);
      expect(validateStackSet(stacks)).toEqual([]);
    }
  });

  it('pricing: the shared secret is one secret-month; the existing ones are unpriced as not dex\'s', () => {
    const plan = buildPlan(planTargets(a, 'production'), loadSnapshotSource()).environments[0]!;
    const secretLines = plan.lineItems.filter((l) => l.meter === 'secretsmanager.secret');
    expect(secretLines.map((l) => l.resource)).toEqual(['OrdersOwnTokenSecret', 'SharedSecretPaymentsApi']);
    expect(plan.unpriced.filter((u) => u.resource.startsWith('secrets.')).map((u) => `${u.resource}: ${u.reason}`)).toEqual([
      'secrets.db-login: existing secret shop/production/db-login, not created by dex: its secret-month is billed to its owner and not in this plan',
      'secrets.github-token: existing SSM parameter /shop/github-token, not created by dex: its parameter tier and API calls are billed to its owner and not in this plan',
      'secrets.partner: existing secret arn:aws:secretsmanager:us-east-1:123456789012:secret:partner/token-AbC123, not created by dex: its secret-month is billed to its owner and not in this plan',
    ]);
  });
});

describe('located errors', () => {
  it('DEX710: an unknown secret, with did-you-mean, at the reference\'s secret', () => {
    const text = replaced('{ secret: github-token, env: GH }', '{ secret: github-tokn, env: GH }');
    const a = analyzed(text);
    expect(at(a, 'DEX710')).toEqual([`${lineOf(text, 'github-tokn')}:${lineOf(text, 'github-tokn') && text.split('\n')[lineOf(text, 'github-tokn') - 1]!.indexOf('github-tokn') + 1} error services.legacy.secrets.2.secret`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX710')!.hint).toBe('did you mean github-token?');
  });

  it('DEX711: an unknown key, with did-you-mean; a key of an SSM parameter', () => {
    const d = codes(replaced('key: API_SECRET }', 'key: API_SECRT }'), 'DEX711');
    expect(d.map((x) => [x.path.join('.'), x.message, x.hint])).toEqual([['services.orders.secrets.2.key', 'orders: secret payments-api has no key API_SECRT', 'did you mean API_SECRET?']]);
    expect(codes(replaced('{ secret: github-token, env: GH }', '{ secret: github-token, key: X, env: GH }'), 'DEX711')[0]!.hint).toBe('an SSM parameter is one string: drop key');
  });

  it('DEX712: the same variable twice in one service, at the second', () => {
    const d = codes(replaced('{ secret: payments-api, key: API_KEY, env: PAYMENT_KEY }', '{ secret: payments-api, key: API_KEY, env: OWN_TOKEN }'), 'DEX712');
    expect(d.map((x) => [x.path.join('.'), x.message])).toEqual([['services.orders.secrets.1.env', 'orders: OWN_TOKEN is both its own secret of that name and secret payments-api key API_KEY; the container would get one of them and hide the other']]);
    const twice = codes(replaced('{ secret: github-token, env: GH }', '{ secret: github-token, env: WEBHOOK_KEY }'), 'DEX712');
    expect(twice.map((x) => x.path.join('.'))).toEqual(['services.legacy.secrets.2.env']);
  });

  it('DEX713: a JSON secret referred to without a key', () => {
    const d = codes(replaced('{ secret: payments-api, key: API_KEY }, { secret: payments-api, key: webhook', '{ secret: payments-api, env: ALL }, { secret: payments-api, key: webhook'), 'DEX713');
    expect(d.map((x) => [x.path.join('.'), x.hint])).toEqual([['services.billing.secrets.0', 'name one: { secret: payments-api, key: API_KEY } (one item per key the service reads)']]);
  });

  it('DEX714: a secret nothing refers to is a warning, at its key', () => {
    const text = `${TEXT.replace('secrets:\n  payments-api:', 'secrets:\n  unused: { keys: [A] }\n  payments-api:')}`;
    const a = analyzed(text);
    expect(at(a, 'DEX714')).toEqual([`${lineOf(text, 'unused:')}:3 warning secrets.unused`]);
  });

  it('DEX715: an existing secret in two places, rotated, or an SSM parameter with keys', () => {
    const two = codes(replaced('existing: { ssmParameter: /shop/github-token }', 'existing: { ssmParameter: /shop/github-token, name: github }'), 'DEX715');
    expect(two.map((x) => x.message)).toEqual(['secret github-token: existing gives name and ssmParameter; a secret is in one place']);
    const rotated = codes(replaced('existing: { ssmParameter: /shop/github-token }', 'keys: [A]\n    rotation: { lambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:r" }\n    existing: { ssmParameter: /shop/github-token }'), 'DEX715');
    expect(rotated.map((x) => x.path.join('.')).sort()).toEqual(['secrets.github-token.keys', 'secrets.github-token.rotation']);
  });

  it('DEX716: an existing secret or key in another region or account', () => {
    const d = codes(replaced('arn:aws:secretsmanager:us-east-1:123456789012:secret:partner', 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:partner'), 'DEX716');
    expect(d.map((x) => [x.path.join('.'), x.message]).sort()).toEqual([
      ['secrets.partner.existing.arn', "secret partner: the secret is in account 210987654321, the system's account is 123456789012"],
      ['secrets.partner.existing.arn', 'secret partner: the secret is in eu-west-1, the system in us-east-1'],
    ]);
  });

  it('DEX719: an existing name that reads as an ARN suffix is a warning', () => {
    const d = codes(replaced('name: shop/staging/db-login,', 'name: shop/db-AbC123,'), 'DEX719');
    expect(d.map((x) => [x.severity, x.path.join('.')])).toEqual([['warning', 'secrets.db-login.existing.name']]);
  });

  it('a plain-string secret list normalizes and emits as before (no references, no positions)', () => {
    const a = valid('dex: 1\nname: shop\nregion: us-east-1\ningress: { loadBalancer: none }\nplatforms: { ecs: {} }\nservices:\n  worker: { kind: worker, placement: ecs, secrets: [A, B] }\n');
    const w = a.compiled[0]!.spec.services.worker!;
    expect(w.secrets).toEqual(['A', 'B']);
    expect('secretRefs' in w || 'secretsPositions' in w || 'secrets' in a.compiled[0]!.spec).toBe(false);
  });
});
