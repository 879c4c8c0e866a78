// AWS name limits (DEX344): names the schema allows but AWS refuses once dex joins them, the
// table every emitted resource type must be in, the names dex cuts (with a hash, so they stay
// apart), and physical names that environments of one system must never share.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../../pipeline/analyze.js';
import { compileSystemEmit } from '../../../pipeline/emit.js';
import { readPackageAssets } from '../../../cli/adapters/assets.js';
import {
  ACCOUNT_ID_STANDIN,
  AWS_NAME_LIMITS,
  checkAwsNames,
  checkSharedNames,
  computeName,
  physicalNames,
  valuesAt,
  type PhysicalName,
} from '../../../compiler/checks/aws-names.js';
import { BACKUP_VAULT_NAME_MAX, XRAY_NAME_MAX, crossRegionVaultName, fitName, namePrefix, xrayGroupName } from '../../../compiler/model/ids.js';
import type { CfnValue, ModelResource, ResourceModel } from '../../../compiler/model/types.js';
import type { NormalizedSpec } from '../../../spec/model.js';
import { schemaPattern } from '../../support/cfn-validate.js';
import { fixedClock } from '../../support/clock.js';
import { EXAMPLE_SPECS } from '../../support/specs.js';

const analyzeFile = (file: string): Analysis => analyzeSpec(readFileSync(file), file, { today: fixedClock });
const analyzeText = (text: string): Analysis => analyzeSpec(new TextEncoder().encode(text), 'inline.yaml', { today: fixedClock });
const errors = (a: Analysis) => a.diagnostics.filter((d) => d.severity === 'error');

const examples = EXAMPLE_SPECS;
const exampleModels: { file: string; model: ResourceModel }[] = examples.flatMap((file) =>
  analyzeFile(file).compiled.flatMap((c) => (c.model ? [{ file, model: c.model }] : [])),
);

const TLS = 'ingress:\n  tls: { certificateArn: arn:aws:acm:ap-south-1:123456789012:certificate/00000000-0000-0000-0000-000000000000 }\n';
const spec = (name: string, environments: readonly string[], body = 'services:\n  api: { placement: ecs, port: 8080 }\n'): string =>
  `dex: 1\nname: ${name}\nregion: ap-south-1\n${TLS}${body}cicd:\n  source: { repository: acme/demo }\n  stages:\n${environments.map((e) => `    ${e}: {}\n`).join('')}environments:\n${environments.map((e) => `  ${e}: {}\n`).join('')}`;

describe('DEX344: a name past an AWS limit', () => {
  it('rejects a system name that pushes production\'s IAM roles past 64 characters, at the system name', () => {
    const a = analyzeFile('test/fixtures/checks/name-past-aws-limit.dex.yaml');
    const found = errors(a);
    expect(found.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`)).toEqual(['test/fixtures/checks/name-past-aws-limit.dex.yaml:7:7 DEX344']);
    expect(a.ok).toBe(false);
    const [d] = found;
    expect(d!.path).toEqual(['name']);
    // The longest name in full, with its length and the limit; the roles it also pushes past 64.
    // The roles are in the bootstrap, checked with the environment they serve.
    expect(d!.message).toMatch(/IAM role name "?northwind-payments-platform-api1-production-europe-west1-cfn-exec"? (is 65 characters|\(65\/64\))/);
    expect(d!.message).toContain('(in environment production-europe-west1)');
    expect(d!.hint).toMatch(/^shorten the system name \(name: northwind-payments-platform-api1\) by \d+ characters? \(or the environment name production-europe-west1; together by \d+\): dex builds the name from them/);
  });

  it('takes the advice: 16 characters shorter, the spec validates', () => {
    const text = readFileSync('test/fixtures/checks/name-past-aws-limit.dex.yaml', 'utf8').replace('name: northwind-payments-platform-api1', 'name: nw-payments-core');
    expect(errors(analyzeText(text))).toEqual([]);
  });

  it('points at the environment key when the environment name is the longer part', () => {
    // acme-payments-platform-eu1 (26) + production-europe-west-backup-1 (31): the cfn-exec role has 67 characters.
    const text = spec('acme-payments-platform-eu1', ['staging', 'production-europe-west-backup-1']);
    const found = errors(analyzeText(text));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'DEX344', path: ['environments', 'production-europe-west-backup-1'] });
    const line = text.split('\n').findIndex((l) => l === '  production-europe-west-backup-1: {}') + 1;
    expect(`${found[0]!.line}:${found[0]!.col}`).toBe(`${line}:3`);
    expect(found[0]!.hint).toMatch(/^shorten the environment name production-europe-west-backup-1 by 3 characters \(or the system name \(name: acme-payments-platform-eu1\); together by 3\)/);
  });

  it('checks every environment, not only the first with a name too long', () => {
    const found = errors(analyzeText(spec('acme-payments-platform-eu1', ['staging-europe-west-backup-01', 'production-europe-west-backup-1'])));
    expect(found.map((d) => [d.code, d.path])).toEqual([
      ['DEX344', ['environments', 'staging-europe-west-backup-01']],
      ['DEX344', ['environments', 'production-europe-west-backup-1']],
    ]);
  });

  it('rejects a name AWS refuses for its characters, at the spec name that makes it so', () => {
    // ECR does not allow `-/`: a repository named from a name ending in a hyphen.
    const model = analyzeText(spec('demo', ['prod-'])).compiled.find((c) => c.model)!.model!;
    const probe: ModelResource = {
      logicalId: 'ApiRepository',
      type: 'AWS::ECR::Repository',
      layer: 'delivery',
      origin: ['environments', 'prod-'],
      component: 'service/api',
      usage: [],
      properties: { RepositoryName: 'demo-prod-/api' },
    };
    const found = checkAwsNames({ ...model, resources: [...model.resources, probe] });
    expect(found.map((d) => d.code)).toEqual(['DEX344']);
    expect(found[0]!.message).toBe(
      'ECR repository name "demo-prod-/api" is not a name AWS accepts: lowercase letters and digits, with . _ - or / only between them, at least 2 characters (AWS::ECR::Repository ApiRepository, RepositoryName)',
    );
  });

  it('passes every example, every environment', () => {
    for (const file of examples) {
      const found = analyzeFile(file).diagnostics.filter((d) => d.code === 'DEX344');
      expect(found, file).toEqual([]);
    }
    expect(exampleModels.length).toBeGreaterThanOrEqual(5);
  });

  it('says a name with references is at least its literal part', () => {
    const { model } = exampleModels.find((m) => m.file.includes('minimal'))!;
    const long = 'x'.repeat(60);
    const extra: ModelResource = {
      logicalId: 'Probe',
      type: 'AWS::IAM::Role',
      layer: 'security',
      origin: ['name'],
      component: 'probe',
      usage: [],
      properties: { RoleName: { 'Fn::Sub': `${long}-\${SomeParameter}-\${AWS::Region}` } },
    };
    const [d] = checkAwsNames({ ...model, resources: [...model.resources, extra] });
    expect(d!.message).toBe(`IAM role name "${long}--${model.spec.region}" is at least ${62 + model.spec.region.length} characters (references not counted); AWS allows 64 (AWS::IAM::Role Probe, RoleName)`);
  });
});

describe('DEX345: a physical name two resources share', () => {
  // Environment x's alarm of alert highcpu on service a-b-c and environment x-highcpu's alarm of
  // alert a on service b-c are both demo-x-highcpu-a-b-c.
  const body =
    'services:\n  a-b-c: { placement: ecs, port: 8080 }\n  b-c: { placement: ecs, port: 8081 }\nmonitoring:\n  alerts:\n    - { name: highcpu, metric: cpu, above: 80 }\n    - { name: a, metric: cpu, above: 90 }\n';

  it('rejects environments whose names make one alarm name, at the later environment', () => {
    const text = spec('demo', ['x', 'x-highcpu'], body);
    const found = errors(analyzeText(text));
    expect(found.map((d) => [d.code, d.path])).toEqual([['DEX345', ['environments', 'x-highcpu']]]);
    expect(found[0]!.message).toBe('alarm name "demo-x-highcpu-a-b-c" (AWS::CloudWatch::Alarm ABCAlarm) is also environment x\'s; it must be unique in ap-south-1 (in environment x-highcpu)');
    expect(`${found[0]!.line}:${found[0]!.col}`).toBe(`${text.split('\n').indexOf('  x-highcpu: {}') + 1}:3`);
  });

  it('lets environments in different regions share a regional name, never an IAM or S3 one', () => {
    const { model } = exampleModels.find((m) => m.file.includes('minimal'))!;
    const elsewhere: ResourceModel = { ...model, spec: { ...model.spec, region: model.spec.region === 'us-east-2' ? 'eu-west-1' : 'us-east-2' } };
    const clashes = checkSharedNames([model, elsewhere]).map(({ finding }) => finding.message.split(' (')[0]);
    expect(clashes.length).toBeGreaterThan(0);
    // Only names unique per account (IAM roles, dashboards, the budget) or across AWS (S3) clash.
    for (const m of clashes) expect(m).toMatch(/^(IAM role name|dashboard name|budget name|S3 bucket name) /);
    expect(checkSharedNames([model])).toEqual([]);
  });
});

describe('computing a name as CloudFormation will', () => {
  it('fills the pseudo parameters: the account ID as 12 digits, the environment\'s region', () => {
    expect(computeName({ 'Fn::Sub': 'b-${AWS::AccountId}-${AWS::Region}' }, 'eu-west-1')).toEqual({ text: `b-${ACCOUNT_ID_STANDIN}-eu-west-1`, exact: true });
    expect(computeName({ 'Fn::Sub': 'arn:${AWS::Partition}:x' }, 'cn-north-1')).toEqual({ text: 'arn:aws-cn:x', exact: true });
    expect(computeName({ 'Fn::Sub': ['${A}-${B}', { A: 'one', B: { Ref: 'Thing' } }] }, 'eu-west-1')).toEqual({ text: 'one-', exact: false });
    expect(computeName({ 'Fn::Sub': '${!Literal}' }, 'eu-west-1')).toEqual({ text: '${Literal}', exact: true });
  });

  it('joins literal parts, and leaves a plain reference to the resource it names', () => {
    expect(computeName({ 'Fn::Join': ['-', ['a', { Ref: 'B' }, 'c']] }, 'eu-west-1')).toEqual({ text: 'a--c', exact: false });
    expect(computeName({ Ref: 'Other' }, 'eu-west-1')).toBeUndefined();
    expect(computeName({ 'Fn::GetAtt': ['Other', 'Name'] }, 'eu-west-1')).toBeUndefined();
    expect(computeName('{{resolve:ssm:/x}}', 'eu-west-1')).toBeUndefined();
  });

  it('reads every value of a path through lists', () => {
    const properties = { Policies: [{ PolicyName: 'a' }, { PolicyName: 'b' }], SamplingRule: { RuleName: 'r' } } as Record<string, CfnValue>;
    expect(valuesAt(properties, 'Policies[].PolicyName')).toEqual(['a', 'b']);
    expect(valuesAt(properties, 'SamplingRule.RuleName')).toEqual(['r']);
    expect(valuesAt(properties, 'Missing.Name')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The table covers everything dex emits

const schemas = (JSON.parse(gunzipSync(readFileSync('test/fixtures/cfn/provider-schemas.json.gz')).toString('utf8')) as { schemas: Record<string, Schema> }).schemas;
type Schema = { properties?: Record<string, Schema>; definitions?: Record<string, Schema>; items?: Schema; $ref?: string; maxLength?: number; pattern?: string };

/** The schema of a property path ('Policies[].PolicyName'), through $refs and list items. */
function schemaAt(type: string, property: string): Schema | undefined {
  const root = schemas[type]!;
  const resolve = (s: Schema | undefined): Schema | undefined => (s?.$ref ? root.definitions?.[s.$ref.split('/').pop()!] : s);
  // A property that takes several shapes (DynamoDB's KeySchema: a list or an object) is a oneOf.
  const alternatives = (s: Schema | undefined): Schema[] => {
    const r = resolve(s);
    const alt = (r as { oneOf?: Schema[]; anyOf?: Schema[] } | undefined)?.oneOf ?? (r as { anyOf?: Schema[] } | undefined)?.anyOf;
    return r ? [r, ...(alt ?? []).map((a) => resolve(a)!).filter(Boolean)] : [];
  };
  let node: Schema | undefined = root;
  for (const part of property.split('.')) {
    const key = part.replace(/\[\]$/, '');
    node = resolve(alternatives(node).map((a) => a.properties?.[key]).find((x) => x !== undefined));
    if (part.endsWith('[]')) node = resolve(alternatives(node).map((a) => a.items).find((x) => x !== undefined));
    if (!node) return undefined;
  }
  return node;
}

/** Name-like properties a resource sets to a value of its own (not a Ref or GetAtt to another's). */
function nameLikeProperties(r: ModelResource): string[] {
  const out: string[] = [];
  const walk = (path: string, v: CfnValue): void => {
    if (Array.isArray(v)) return void (v as CfnValue[]).forEach((x) => walk(`${path}[]`, x));
    if (v !== null && typeof v === 'object') {
      if (Object.keys(v).some((k) => k.startsWith('Fn::') || k === 'Ref')) {
        if (/(Name|Identifier|Family|Id)$/.test(path) && computeName(v, 'eu-west-1') !== undefined) out.push(path);
        return;
      }
      for (const [k, child] of Object.entries(v)) {
        if (['Tags', 'PolicyDocument', 'AssumeRolePolicyDocument', 'DashboardBody', 'UserData', 'BackupVaultTags', 'BackupPlanTags', 'Budget.CostFilters'].includes(k)) continue;
        walk(path ? `${path}.${k}` : k, child as CfnValue);
      }
      return;
    }
    if (typeof v === 'string' && /(Name|Identifier|Family|Id)$/.test(path)) out.push(path);
  };
  walk('', r.properties as CfnValue);
  return out;
}

describe('the name table', () => {
  it('lists every resource type in the models of every example', () => {
    const types = new Set(exampleModels.flatMap(({ model }) => model.resources.map((r) => r.type)));
    expect(types.size).toBeGreaterThan(40);
    expect([...types].filter((t) => !Object.hasOwn(AWS_NAME_LIMITS, t)).sort()).toEqual([]);
  });

  it('lists every resource type of the schema fixture (each type dex can emit), so a new block is checked from its first resource', () => {
    expect(Object.keys(schemas).filter((t) => !Object.hasOwn(AWS_NAME_LIMITS, t)).sort()).toEqual([]);
  });

  it('says of each name-like property the examples set whether it is a name of the resource, and if not why', () => {
    const unknown = new Set<string>();
    for (const { model } of exampleModels) {
      for (const r of model.resources) {
        const entry = AWS_NAME_LIMITS[r.type]!;
        const known = new Set([...('names' in entry ? entry.names.map((n) => n.property) : []), ...Object.keys(entry.notNames ?? {})]);
        for (const p of nameLikeProperties(r)) if (!known.has(p)) unknown.add(`${r.type} ${p}`);
      }
    }
    expect([...unknown].sort()).toEqual([]);
  });

  it('names properties the CloudFormation schemas have, with the schemas\' limits where they give one', () => {
    const problems: string[] = [];
    for (const [type, entry] of Object.entries(AWS_NAME_LIMITS)) {
      if (!schemas[type]) continue;
      for (const limit of 'names' in entry ? entry.names : []) {
        const s = schemaAt(type, limit.property);
        if (!s) problems.push(`${type} ${limit.property}: not in the schema`);
        else if (s.maxLength !== undefined && s.maxLength !== limit.maxLength) problems.push(`${type} ${limit.property}: schema maxLength ${s.maxLength}, table ${limit.maxLength}`);
      }
      for (const p of Object.keys(entry.notNames ?? {})) if (!schemaAt(type, p)) problems.push(`${type} ${p} (notNames): not in the schema`);
    }
    expect(problems).toEqual([]);
  });

  it('agrees with the schemas\' patterns on every name of the examples', () => {
    const problems: string[] = [];
    for (const { model } of exampleModels) {
      for (const p of physicalNames(model.resources, model.spec.region)) {
        const pattern = schemaAt(p.resource.type, p.limit.property)?.pattern;
        if (!pattern || !p.name.exact) continue;
        const schemaSays = schemaPattern(pattern).test(p.name.text);
        const tableSays = p.limit.pattern?.test(p.name.text) ?? true;
        if (!schemaSays || !tableSays) problems.push(`${p.resource.type} ${p.limit.property} ${p.name.text}: schema ${schemaSays}, table ${tableSays}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Names dex cuts keep a hash; environments never share a name

describe('names cut to fit', () => {
  const system = fc.stringMatching(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/);
  // Few letters and long names, so that names agree on long heads and only the hash tells them apart.
  const dense = (min: number, max: number) => fc.string({ unit: fc.constantFrom('a', 'b', '-'), minLength: min, maxLength: max, size: 'max' }).map((s) => `a${s}a`);
  const triple = fc.record({ system: fc.oneof(system, dense(14, 30)), environment: fc.oneof(fc.constantFrom('staging', 'production'), dense(5, 29)), db: dense(20, 38) });
  /** Two triples that differ only at the end of one name: the hardest case for a cut. */
  const neighbours = fc
    .record({ t: triple, field: fc.constantFrom('system', 'environment', 'db'), tails: fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,3}$/), { minLength: 2, maxLength: 2 }) })
    .map(({ t, field, tails }) => tails.map((tail) => ({ ...t, [field]: `${t[field as keyof typeof t]}${tail}` })) as [typeof t, typeof t]);
  const asSpec = (t: { system: string; environment: string }) => ({ name: t.system, environment: t.environment }) as NormalizedSpec;

  it('fit their limit and leave short names alone', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120, size: 'max' }), fc.integer({ min: 10, max: 64 }), (name, max) => {
        const cut = fitName(name, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        if (name.length <= max) expect(cut).toBe(name);
        else expect(cut).toMatch(/(^|[A-Za-z0-9]-)[0-9a-f]{8}$/);
      }),
    );
  });

  it('never give two different (system, environment, database) triples one backup vault or X-Ray name', () => {
    fc.assert(
      fc.property(fc.oneof(neighbours, fc.tuple(triple, triple)), ([a, b]) => {
        const full = (t: typeof a) => `${namePrefix(asSpec(t))}-${t.db}`;
        if (full(a) !== full(b)) expect(crossRegionVaultName(asSpec(a), a.db)).not.toBe(crossRegionVaultName(asSpec(b), b.db));
        if (namePrefix(asSpec(a)) !== namePrefix(asSpec(b))) expect(xrayGroupName(asSpec(a))).not.toBe(xrayGroupName(asSpec(b)));
        expect(crossRegionVaultName(asSpec(a), a.db).length).toBeLessThanOrEqual(BACKUP_VAULT_NAME_MAX);
        expect(xrayGroupName(asSpec(a)).length).toBeLessThanOrEqual(XRAY_NAME_MAX);
      }),
      { numRuns: 2000 },
    );
  });

  it('are what the model uses: staging and production of a long system name get their own', () => {
    // Both prefixes have 40 characters (as many as the template bucket allows) and agree on their
    // first 32: a plain cut gave them one X-Ray group and one sampling rule.
    const db = 'ledger-primary-database-for-statements';
    const a = analyzeText(spec('northwind-payments-platfor', ['production-eu', 'production-us'], `services:\n  api: { placement: ecs, port: 8080 }\ndatabases:\n  ${db}: { crossRegionBackupTo: eu-west-1 }\nmonitoring:\n  tracing: xray\n`));
    expect(errors(a)).toEqual([]);
    const names = (type: string, property: string) =>
      a.compiled.flatMap((c) => (c.model ? physicalNames(c.model.resources, c.spec.region).filter((p) => p.resource.type === type && p.limit.property === property).map((p) => p.name.text) : []));
    for (const [type, property, max] of [
      ['AWS::Backup::BackupVault', 'BackupVaultName', 50],
      ['AWS::XRay::Group', 'GroupName', 32],
      ['AWS::XRay::SamplingRule', 'SamplingRule.RuleName', 32],
    ] as const) {
      const got = names(type, property);
      expect(got, `${type} ${property}`).toHaveLength(2);
      expect(new Set(got).size, `${type} ${property}: ${got.join(', ')}`).toBe(2);
      for (const n of got) expect(n.length).toBeLessThanOrEqual(max);
    }
    const [production] = a.compiled.filter((c) => c.environment === 'production-eu');
    expect(names('AWS::Backup::BackupVault', 'BackupVaultName')).toContain(crossRegionVaultName(production!.spec, db));
  });
});

/** Names that must be unique in a region, an account or everywhere, as `type property name`. */
function uniqueNames(model: ResourceModel): { key: string; p: PhysicalName }[] {
  return physicalNames(model.resources, model.spec.region)
    .filter((p) => p.limit.unique !== 'parent' && p.limit.unique !== 'none')
    .map((p) => ({ key: `${p.resource.type} ${p.limit.property} ${p.name.text}`, p }));
}

describe('physical names of the examples', () => {
  it.each(examples)('%s: no two resources of one environment share a name', (file) => {
    for (const { model } of exampleModels.filter((m) => m.file === file)) {
      const keys = uniqueNames(model).map((n) => n.key);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    }
  });

  it.each(examples)('%s: no two environments share a name in one account and region (IAM, dashboards and S3 across regions)', (file) => {
    const models = exampleModels.filter((m) => m.file === file).map((m) => m.model);
    const shared: string[] = [];
    for (let i = 0; i < models.length; i++) {
      for (let j = i + 1; j < models.length; j++) {
        const a = models[i]!;
        const b = models[j]!;
        const bKeys = new Set(uniqueNames(b).filter((n) => n.p.limit.unique !== 'region' || a.spec.region === b.spec.region).map((n) => n.key));
        for (const n of uniqueNames(a)) if (bKeys.has(n.key)) shared.push(`${a.spec.environment} and ${b.spec.environment}: ${n.key}`);
      }
    }
    expect(models.length).toBeGreaterThan(0);
    expect(shared).toEqual([]);
  });
});

describe('names of the CodePipeline template (out/ci, outside the models)', () => {
  it('fit at the longest system and service names the schema allows', () => {
    // The pipeline's own names are built from the system name (at most 32 characters) and the
    // service names (at most 40), never an environment's: at those maxima they fit, so no spec
    // can push them past a limit and the model-level check need not see them.
    const system = 'a'.repeat(31) + 'z';
    const service = 's'.repeat(39) + 'z';
    const text = `dex: 1\nname: ${system}\nregion: ap-south-1\n${TLS}services:\n  ${service}: { placement: ecs, port: 8080 }\ncicd:\n  provider: codepipeline\n  source: { repository: acme/demo, connectionArn: arn:aws:codeconnections:ap-south-1:123456789012:connection/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9 }\n  stages:\n    s: {}\nenvironments:\n  s: {}\n`;
    const a = analyzeText(text);
    expect(errors(a)).toEqual([]);
    const files = compileSystemEmit(a, { specFile: 'dex.yaml', assets: readPackageAssets() });
    const pipeline = files.find((f) => f.path === 'codepipeline/pipeline.yaml');
    expect(pipeline).toBeDefined();
    const template = parse(pipeline!.content, { version: '1.1' }) as { Resources: Record<string, { Type: string; Properties: Record<string, CfnValue> }> };
    const resources = Object.entries(template.Resources).map(([logicalId, r]) => ({ logicalId, type: r.Type, origin: ['cicd'], properties: r.Properties }));
    expect(resources.filter((r) => !Object.hasOwn(AWS_NAME_LIMITS, r.type)).map((r) => r.type)).toEqual([]);
    const names = physicalNames(resources, 'ap-south-1');
    // The roles, the build project, the log group and the pipeline itself (its artifact stores
    // are the bootstrap's buckets, whose names DEX344 checks with the bootstrap).
    expect(new Set(names.map((n) => n.resource.type))).toEqual(new Set(['AWS::IAM::Role', 'AWS::CodeBuild::Project', 'AWS::Logs::LogGroup', 'AWS::CodePipeline::Pipeline']));
    const bad = names.filter((n) => n.name.text.length > n.limit.maxLength || (n.name.exact && n.limit.pattern && !n.limit.pattern.test(n.name.text)));
    expect(bad.map((n) => `${n.resource.logicalId} ${n.limit.property} ${n.name.text} (${n.name.text.length}/${n.limit.maxLength})`)).toEqual([]);
  });
});
