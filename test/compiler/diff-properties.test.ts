// Property diffs a reviewer can read: tags and maps key by key (`+ Tags.team: "payments"`), user
// data and scripts as a unified line diff of their text (not Fn::Join array indices), JSON built
// as text (a dashboard, a trust policy) compared as the JSON it becomes.
import { describe, expect, it } from 'vitest';
import { renderDiffText } from '../../cli/diff-render.js';
import type { PlanJsonResource } from '../../compiler/diff/baseline.js';
import { diffResources, type DiffReport, type ResourceChange } from '../../compiler/diff/index.js';
import { diffValues } from '../../compiler/diff/diff-resources.js';
import { cfnText, lineDiff } from '../../compiler/diff/text.js';
import { compilePlanResources, editReference, REFERENCE_TEXT } from '../support/reference-plan.js';

const REFERENCE = REFERENCE_TEXT;
const compile = compilePlanResources;
const base = compile(REFERENCE);
const edit = editReference;
const report = (changes: readonly ResourceChange[]): DiffReport => ({ against: 'last', warnings: [], environments: [{ environment: 'production', baseline: 'out/production/plan.json', changes, security: [], files: [], cost: null }] });
const paths = (changes: readonly ResourceChange[]) => changes.flatMap((c) => c.properties.map((p) => p.path));

describe('tags and maps, key by key', () => {
  it('a new tag is one added key per resource, never the whole Tags array or an index', () => {
    const changes = diffResources(base, edit('  cost-center: dex-mobile\n', '  cost-center: dex-mobile\n  team: payments\n'));
    expect(changes.length).toBeGreaterThan(10);
    const tagged = changes.flatMap((c) => c.properties.filter((p) => p.path.startsWith('Tags')));
    expect(tagged.length).toBeGreaterThan(10);
    for (const p of tagged) expect(p).toMatchObject({ path: 'Tags.team', before: undefined, after: 'payments' });
    expect(paths(changes).filter((p) => /Tags\.\d/.test(p))).toEqual([]);
    const text = renderDiffText(report(changes), false, 80);
    expect(text).toMatch(/^ {8}\+ Tags\.team: "payments"$/m);
  });

  it('a changed tag value and a removed one; a map of scalars added whole is listed by key', () => {
    const tags = (pairs: Record<string, string>) => Object.entries(pairs).map(([Key, Value]) => ({ Key, Value }));
    const out: { path: string }[] = [];
    diffValues(tags({ a: '1', b: '2', 'k8s.io/role': 'x' }) as never, tags({ a: '1', b: '3' }) as never, 'Tags', out as never);
    expect(out).toEqual([
      { path: 'Tags.b', before: '2', after: '3' },
      { path: 'Tags["k8s.io/role"]', before: 'x', after: undefined },
    ]);
    const added: { path: string }[] = [];
    diffValues(undefined, { team: 'x', tier: 'web' } as never, 'Labels', added as never);
    expect(added).toEqual([
      { path: 'Labels.team', before: undefined, after: 'x' },
      { path: 'Labels.tier', before: undefined, after: 'web' },
    ]);
  });
});

describe('named items, by name', () => {
  it('containers, their environment variables and secrets, inline policies: by name, not index', () => {
    const task = (env: Record<string, string>, secrets: string[]) => [{ Name: 'app', Image: 'img:1', Environment: Object.entries(env).map(([Name, Value]) => ({ Name, Value })), Secrets: secrets.map((Name) => ({ Name, ValueFrom: { Ref: `${Name}Secret` } })) }];
    const out: { path: string }[] = [];
    diffValues(task({ A: '1', B: '2' }, ['S']) as never, task({ B: '3', C: '4' }, ['S', 'T']) as never, 'ContainerDefinitions', out as never);
    expect(out).toEqual([
      { path: 'ContainerDefinitions.app.Environment.A', before: '1', after: undefined },
      { path: 'ContainerDefinitions.app.Environment.B', before: '2', after: '3' },
      { path: 'ContainerDefinitions.app.Environment.C', before: undefined, after: '4' },
      { path: 'ContainerDefinitions.app.Secrets.T', before: undefined, after: { Ref: 'TSecret' } },
    ]);
    const policies: { path: string }[] = [];
    const doc = (actions: string[]) => [{ PolicyName: 'least-privilege', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] } }];
    diffValues(doc(['s3:GetObject']) as never, doc(['s3:GetObject', 's3:PutObject']) as never, 'Policies', policies as never);
    expect(policies.map((p) => p.path)).toEqual(['Policies.least-privilege.PolicyDocument.Statement.0.Action']);
  });
});

describe('scripts as text', () => {
  it("user data (Fn::Base64 of Fn::Join) is one change, shown as a unified diff of the script's lines", () => {
    const after = edit('retentionDays: 15 }', 'retentionDays: 30 }');
    const changes = diffResources(base, after);
    const lt = changes.find((c) => c.type === 'AWS::EC2::LaunchTemplate')!;
    expect(lt).toBeDefined();
    expect(lt.properties.map((p) => p.path)).toEqual(['LaunchTemplateData.UserData']);
    expect(paths(changes).filter((p) => /Fn::|\.\d+\.\d+/.test(p))).toEqual([]);
    const before = cfnText(lt.properties[0]!.before)!;
    const now = cfnText(lt.properties[0]!.after)!;
    expect(before).toMatch(/^#!/);
    const hunks = lineDiff(before, now)!;
    const changed = hunks.flatMap((h) => h.lines.filter((l) => l.op !== ' '));
    expect(changed.some((l) => l.op === '-' && l.text.includes('15d'))).toBe(true);
    expect(changed.some((l) => l.op === '+' && l.text.includes('30d'))).toBe(true);
    const text = renderDiffText(report([lt]), false, 80);
    expect(text).toMatch(/~ LaunchTemplateData\.UserData: text, \d+ lines? added, \d+ removed/);
    expect(text).toMatch(/^ {12}@@ -\d+,\d+ \+\d+,\d+ @@$/m);
    expect(text).toMatch(/^ {12}-.*15d/m);
    expect(text).toMatch(/^ {12}\+.*30d/m);
    for (const l of text.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
  });

  it('JSON built as text (a dashboard body) is compared as JSON, by key', () => {
    const svc = '  ledger-service:\n    language: nodejs\n    port: 4100\n    placement: ecs\n    resources: { cpu: 1, memory: 2GiB }\n    scaling: { min: 1, max: 2, targetCpuPercent: 70 }\n    health: { path: /health }\n    expose: { public: false }\n\n';
    const changes = diffResources(base, edit('  monitoring-service:\n', `${svc}  monitoring-service:\n`));
    const dashboard = changes.find((c) => c.type === 'AWS::CloudWatch::Dashboard')!;
    expect(dashboard.properties.length).toBeGreaterThan(0);
    for (const p of dashboard.properties) expect(p.path).toMatch(/^DashboardBody\.widgets/);
  });
});

describe('lineDiff', () => {
  it('hunks with two lines of context, 1-based line numbers on each side', () => {
    const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n');
    const b = ['a', 'b', 'c', 'D', 'e', 'f', 'g', 'h', 'i', 'j', 'k'].join('\n');
    expect(lineDiff(a, b)).toEqual([
      { before: 2, after: 2, lines: [{ op: ' ', text: 'b' }, { op: ' ', text: 'c' }, { op: '-', text: 'd' }, { op: '+', text: 'D' }, { op: ' ', text: 'e' }, { op: ' ', text: 'f' }] },
      { before: 9, after: 9, lines: [{ op: ' ', text: 'i' }, { op: ' ', text: 'j' }, { op: '+', text: 'k' }] },
    ]);
    expect(lineDiff('', 'x\ny')).toEqual([{ before: 1, after: 1, lines: [{ op: '+', text: 'x' }, { op: '+', text: 'y' }] }]);
    expect(lineDiff('same', 'same')).toEqual([]);
  });

  it('renders a reference inside the text as ${Name}', () => {
    expect(cfnText({ 'Fn::Base64': { 'Fn::Join': ['', ['#!/bin/bash\nexport DB=', { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }, '\nexport KEY=', { Ref: 'Key' }, '\n']] } } as never)).toBe('#!/bin/bash\nexport DB=${Db.Endpoint.Address}\nexport KEY=${Key}\n');
  });
});
