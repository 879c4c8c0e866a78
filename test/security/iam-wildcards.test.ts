// Every IAM statement dex emits (every example × environment, the bootstraps and out/ci) with a
// wildcard action (`*`, `svc:*`) or resource (`*`) must have its reason in IAM_WILDCARD_REASONS;
// `*:*` and AdministratorAccess appear nowhere. The CloudFormation execution role and every role
// of an environment's stacks carry the environment's permissions boundary, which fits IAM's size limit.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { servicePrefix } from '../../services/permissions-boundary.js';
import { IAM_WILDCARD_REASONS, wildcardKey, type WildcardStatement } from '../../services/iam-wildcards.js';
import { outTree } from '../support/out-tree.js';
import { ALL_SPECS } from '../support/specs.js';

const specs = ALL_SPECS;

type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
interface Found {
  readonly where: string;
  readonly statement: WildcardStatement;
}

const trees = specs.map((file) => ({ file, files: outTree(file) }));
const templates = trees.flatMap(({ file, files }) =>
  files
    .filter((f) => /\.ya?ml$/.test(f.path) && /^\s*Resources:/m.test(f.content))
    .map((f) => ({ where: `${file}: ${f.path}`, template: parse(f.content) as Template })),
);

function* statements(value: unknown): Generator<WildcardStatement> {
  if (Array.isArray(value)) for (const v of value) yield* statements(v);
  else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.Statement)) for (const s of record.Statement) yield s as WildcardStatement;
    else for (const v of Object.values(record)) yield* statements(v);
  }
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : [v].flat());
const isWildcardAction = (a: unknown): boolean => a === '*' || (typeof a === 'string' && /^[a-z0-9-]+:\*$/.test(a));
const isWildcard = (s: WildcardStatement): boolean => list(s.Action).some(isWildcardAction) || list(s.Resource).includes('*');

const all: Found[] = templates.flatMap(({ where, template }) =>
  Object.entries(template.Resources ?? {}).flatMap(([id, r]) => [...statements(r.Properties ?? {})].map((statement) => ({ where: `${where} ${id}`, statement }))),
);

describe('IAM wildcards', () => {
  it('scans every template, including the bootstraps and out/ci', () => {
    expect(templates.some((t) => t.where.includes(': bootstrap/'))).toBe(true);
    expect(templates.some((t) => t.where.includes(': ci/'))).toBe(true);
    expect(all.length).toBeGreaterThan(100);
  });

  it('every statement with a wildcard action or resource has a documented reason', () => {
    // A service's own `permissions` statements (SpecPermissionN) carry their reason in dex.yaml:
    // IAM.21 and test/security/permission-wildcards.test.ts hold those to it, not this table.
    const own = (f: Found) => /^SpecPermission\d+$/.test(f.statement.Sid ?? '');
    const unlisted = [...new Set(all.filter((f) => isWildcard(f.statement) && !own(f) && IAM_WILDCARD_REASONS[wildcardKey(f.statement)] === undefined).map((f) => `${wildcardKey(f.statement)}   (${f.where})`))];
    expect(unlisted).toEqual([]);
  });

  it('every reason in the table is used (no stale entries)', () => {
    const used = new Set(all.filter((f) => isWildcard(f.statement)).map((f) => wildcardKey(f.statement)));
    expect(Object.keys(IAM_WILDCARD_REASONS).filter((k) => !used.has(k))).toEqual([]);
  });

  it('docs/security.md lists the table as the code has it', () => {
    const doc = readFileSync('docs/security.md', 'utf8');
    for (const [sid, reason] of Object.entries(IAM_WILDCARD_REASONS)) expect(doc, sid).toContain(`| \`${sid}\` | ${reason.replaceAll('|', '\\|')} |`);
  });

  it('no statement allows *:* and no role holds AdministratorAccess', () => {
    expect(all.filter((f) => list(f.statement.Action).includes('*') || list(f.statement.Action).includes('*:*')).map((f) => f.where)).toEqual([]);
    for (const { files } of trees) for (const f of files) expect(f.content, f.path).not.toContain('AdministratorAccess');
  });
});

type Doc = { Statement: (WildcardStatement & { NotResource?: unknown; Condition?: unknown })[] };
const boundaries = new Map<string, { where: string; document: Doc }>();
for (const { where, template } of templates) {
  for (const r of Object.values(template.Resources ?? {})) {
    if (r.Type === 'AWS::IAM::ManagedPolicy' && String(r.Properties?.ManagedPolicyName).endsWith('-cfn-exec-boundary')) {
      boundaries.set(`${where.split(': ')[0]!}|${String(r.Properties!.ManagedPolicyName)}`, { where, document: r.Properties!.PolicyDocument as Doc });
    }
  }
}
// Specs whose bootstrap holds CI roles (examples/minimal declares no cicd: no execution role, no boundary).
const withCi = new Set([...boundaries.values()].map((b) => b.where.split(': ')[0]!));
const boundaryName = (r: { Properties?: Record<string, unknown> }): string | undefined => {
  const sub = (r.Properties?.PermissionsBoundary as { 'Fn::Sub'?: string } | undefined)?.['Fn::Sub'];
  return sub === undefined ? undefined : /:policy\/(.+)$/.exec(sub)?.[1];
};
const allowed = (doc: Doc): Set<string> => new Set(doc.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action) as string[]).map((a) => a.split(':')[0]!));

describe('the permissions boundary', () => {
  it('exists for every environment with CI roles, and fits IAM\'s 6,144-character limit for a managed policy', () => {
    expect(boundaries.size).toBeGreaterThanOrEqual(5);
    for (const [name, { document }] of boundaries) {
      // Sizes as IAM counts them: without whitespace, after Fn::Sub, with a 12-digit account.
      const resolved = JSON.stringify(document).replace(/\{"Fn::Sub":"([^"]*)"\}/g, '"$1"').replaceAll('${AWS::Partition}', 'aws-us-gov').replaceAll('${AWS::AccountId}', '123456789012');
      expect(resolved.length, name).toBeLessThan(6144);
      // And with the longest names the schema allows (system 32 characters, environment 31).
      const system = /stack\/(.+)-bootstrap-\*\/\*/.exec(resolved)![1]!;
      const prefix = name.split('|')[1]!.replace(/-cfn-exec-boundary$/, '');
      const environment = prefix.slice(system.length + 1);
      const longest = resolved.replaceAll(prefix, 's'.repeat(32) + '-' + 'e'.repeat(31)).replaceAll(system, 's'.repeat(32)).replaceAll(`"${environment}"`, `"${'e'.repeat(31)}"`);
      expect(longest.length, `${name} with the longest names`).toBeLessThan(6144);
    }
  });

  it('is carried by every execution role and every role of the environments\' stacks, which are named and tagged for their environment', () => {
    let checked = 0;
    for (const { where, template } of templates) {
      const env = /: ([^/]+)\/cloudformation\//.exec(where)?.[1];
      for (const [id, r] of Object.entries(template.Resources ?? {})) {
        if (r.Type !== 'AWS::IAM::Role') continue;
        const name = boundaryName(r);
        const isExecution = String(r.Properties?.RoleName ?? '').endsWith('-cfn-exec');
        if (where.includes(': bootstrap/') && !isExecution) continue;
        if (where.includes(': ci/') || !withCi.has(where.split(': ')[0]!)) {
          expect(name, `${where} ${id}`).toBeUndefined();
          continue;
        }
        expect(name, `${where} ${id}`).toBeDefined();
        expect(boundaries.has(`${where.split(': ')[0]!}|${name!}`), `${where} ${id}: boundary ${name} is emitted`).toBe(true);
        const prefix = name!.replace(/-cfn-exec-boundary$/, '');
        const tags = Object.fromEntries(((r.Properties?.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
        expect(prefix, `${where} ${id}`).toBe(`${tags['dex:system']}-${tags['dex:environment']}`.replace(/-default$/, ''));
        if (env !== undefined) expect(tags['dex:environment'], `${where} ${id}`).toBe(env);
        // Unnamed roles get `<stack>-<LogicalId>-<suffix>`, and every stack name starts with the prefix.
        if (r.Properties?.RoleName !== undefined) expect(String(r.Properties.RoleName).startsWith(`${prefix}-`), `${where} ${id}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(withCi.size).toBe(specs.length - 1);
  });

  it('allows every service the execution role and the environment\'s roles use, and the execution role none outside it', () => {
    for (const { where, template } of templates) {
      for (const [id, r] of Object.entries(template.Resources ?? {})) {
        if (r.Type !== 'AWS::IAM::Role') continue;
        const name = boundaryName(r);
        if (name === undefined) continue;
        const permitted = allowed(boundaries.get(`${where.split(': ')[0]!}|${name}`)!.document);
        const used = [...statements(r.Properties?.Policies ?? [])].filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action) as string[]).map((a) => a.split(':')[0]!);
        expect(used.filter((svc) => !permitted.has(svc)), `${where} ${id}`).toEqual([]);
      }
    }
  });

  it('denies unbounded role creation, IAM outside the environment, account-level actions and the bootstrap\'s stacks', () => {
    for (const [name, { document }] of boundaries) {
      const sids = document.Statement.map((s) => s.Sid);
      for (const sid of ['DenyIamOutsideEnvironment', 'DenyRolesWithoutBoundary', 'DenyBootstrapIam', 'DenyBootstrapStacks', 'DenyBootstrapBucket', 'DenyBootstrapKey', 'DenyAccountLevel', 'DenyCloudTrailOutsideEnvironment', 'DenyUntaggedRoles0', 'DenyUntaggedRoles1', 'DenyIamTaggedElsewhere0', 'DenyIamTaggedElsewhere1', 'DenyRetagging0', 'DenyRetagging1', 'DenyUntagging']) {
        expect(sids, name).toContain(sid);
      }
      const unbounded = document.Statement.find((s) => s.Sid === 'DenyRolesWithoutBoundary')!;
      expect(JSON.stringify(unbounded.Condition), name).toContain(`:policy/${name.split('|')[1]!}`);
      expect(document.Statement.find((s) => s.Sid === 'DenyAccountLevel')!.Action, name).toContain('iam:DeleteRolePermissionsBoundary');
    }
  });

  it("gives the execution role exactly the services of its environment's resource types (and kms, secretsmanager, ssm; backup-storage with Backup)", () => {
    let checked = 0;
    for (const { where, template } of templates) {
      if (!where.includes(': bootstrap/')) continue;
      const file = where.split(': ')[0]!;
      for (const r of Object.values(template.Resources ?? {})) {
        if (r.Type !== 'AWS::IAM::Role' || !String(r.Properties?.RoleName).endsWith('-cfn-exec')) continue;
        const tags = Object.fromEntries(((r.Properties?.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
        const env = tags['dex:environment']!;
        const types = templates.filter((t) => t.where.startsWith(`${file}: ${env}/cloudformation/`)).flatMap((t) => Object.values(t.template.Resources ?? {}).map((x) => x.Type));
        expect(types.length, `${file} ${env}`).toBeGreaterThan(0);
        const granted = [...statements(r.Properties?.Policies ?? [])].flatMap((st) => list(st.Action) as string[]);
        // Custom resources are invoked through their function (lambda, from AWS::Lambda::Function).
        const awsTypes = types.filter((t) => t.startsWith('AWS::'));
        const expected = [...new Set([...awsTypes.map(servicePrefix), 'kms', 'secretsmanager', 'ssm', ...(awsTypes.some((t) => t.startsWith('AWS::Backup::')) ? ['backup-storage'] : [])])].map((svc) => `${svc}:*`).sort();
        expect(granted.slice().sort(), `${file} ${env}`).toEqual(expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});
