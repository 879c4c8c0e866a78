// Real public configurations written as dex.yaml (test/fixtures/real/<name>/dex.yaml, issue 15):
// each names its source at a commit, validates, emits templates that pass the CloudFormation
// validator and manifests that pass the Kubernetes 1.36 schemas, is priced, and has its row in
// docs/coverage.md, where what it needs and what dex cannot say yet are listed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { compileEmit, emitTargets } from '../../pipeline/emit.js';
import { planTargets } from '../../pipeline/plan.js';
import type { Diagnostic } from '../../spec/diagnostics.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';
import { fixedClock } from '../support/clock.js';
import { schemaErrors } from '../support/k8s-schemas.js';

const DIR = 'test/fixtures/real';
const COVERAGE = 'docs/coverage.md';

const FIXTURES: readonly string[] = readdirSync(DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

const specOf = (name: string): string => join(DIR, name, 'dex.yaml');

/** The comment block above `dex: 1`: where a fixture names its source and says what it leaves out. */
function header(text: string): string {
  const end = text.search(/^dex:/m);
  return end < 0 ? '' : text.slice(0, end);
}

interface Source {
  readonly repository: string | undefined;
  readonly commit: string | undefined;
  readonly paths: string | undefined;
}

function sourceOf(text: string): Source {
  const head = header(text);
  return {
    repository: /^# Source: github\.com\/([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\s*$/m.exec(head)?.[1],
    commit: /^# Commit: ([0-9a-f]{40})\s*$/m.exec(head)?.[1],
    paths: /^# Paths?: (\S.*)$/m.exec(head)?.[1],
  };
}

const render = (diagnostics: readonly Diagnostic[]): string => diagnostics.map((d) => `${d.file}:${d.line ?? '?'}:${d.col ?? '?'}: ${d.severity} ${d.code}: ${d.message}`).join('\n');

// The clock is pinned: a fixture keeps its source's Kubernetes version where EKS still runs it,
// and whether that warns must not change with the day the suite runs.
const analyze = (name: string, environment?: string): Analysis => analyzeSpec(readFileSync(specOf(name)), specOf(name), { today: fixedClock, ...(environment === undefined ? {} : { environment }) });

describe('real fixtures', () => {
  it('are at least ten, each a folder with a dex.yaml', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(10);
    for (const name of FIXTURES) expect(existsSync(specOf(name)), specOf(name)).toBe(true);
  });

  it('come from several kinds of source (Copilot, eksctl, Terraform modules, AWS samples, Score)', () => {
    const repositories = new Set(FIXTURES.map((name) => sourceOf(readFileSync(specOf(name), 'utf8')).repository));
    for (const expected of ['aws/copilot-cli', 'eksctl-io/eksctl', 'score-spec/examples']) expect(repositories).toContain(expected);
    expect([...repositories].filter((r) => r?.startsWith('terraform-aws-modules/')).length).toBeGreaterThanOrEqual(2);
  });

  it('a header without a 40-hex commit or a source names none (the check below can fail)', () => {
    const good = readFileSync(specOf(FIXTURES[0]!), 'utf8');
    expect(sourceOf(good).commit).toMatch(/^[0-9a-f]{40}$/);
    expect(sourceOf(good.replace(/^# Commit: ([0-9a-f]{40})/m, (_m, c: string) => `# Commit: ${c.slice(0, 12)}`)).commit).toBeUndefined();
    expect(sourceOf(good.replace(/^# Source: .*$/m, '# Origin: somewhere')).repository).toBeUndefined();
    // A commit after `dex:` is not in the header.
    expect(sourceOf(`dex: 1\n# Commit: ${'a'.repeat(40)}\n`).commit).toBeUndefined();
  });

  describe.each(FIXTURES)('%s', (name) => {
    const file = specOf(name);
    const text = readFileSync(file, 'utf8');

    it('starts with the schema modeline and names its source repository, path and 40-hex commit', () => {
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../../../schema.json');
      const source = sourceOf(text);
      expect(source.repository, `${file}: a "# Source: github.com/<owner>/<repo>" line in the header`).toBeDefined();
      expect(source.paths, `${file}: a "# Path: ..." (or "# Paths: ...") line in the header`).toBeDefined();
      expect(source.commit, `${file}: a "# Commit: <40 hex digits>" line in the header`).toMatch(/^[0-9a-f]{40}$/);
      expect(header(text), `${file}: says what it does not express`).toMatch(/^# Not expressed/m);
    });

    it('validates with no errors, base spec and every environment; each warning is explained in a comment', () => {
      const analysis = analyze(name);
      const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
      expect(errors, `errors in ${file}:\n${render(errors)}`).toEqual([]);
      expect(analysis.ok).toBe(true);
      const environments = Object.keys(((parse(text) as { environments?: object }).environments ?? {}) as object);
      for (const environment of environments) {
        const one = analyze(name, environment).diagnostics.filter((d) => d.severity === 'error');
        expect(one, `errors in ${file} --env ${environment}:\n${render(one)}`).toEqual([]);
      }
      const comments = text.split('\n').filter((l) => l.includes('#')).join('\n');
      for (const w of analysis.diagnostics.filter((d) => d.severity === 'warning')) expect(comments, `${file}: warning ${w.code} (${w.message}) is not explained in a comment`).toContain(w.code);
    });

    it('emits CloudFormation that passes the validator and Kubernetes manifests that pass the 1.36 schemas', () => {
      const analysis = analyze(name);
      const outputs = emitTargets(analysis).map((c) => compileEmit(c, { specFile: file }));
      expect(outputs.length).toBeGreaterThan(0);
      for (const output of outputs) {
        const templates = output.plan.stacks.map((stack) => ({
          name: stack.name,
          template: parse(output.files.find((f) => f.path === `cloudformation/${stack.name}.yaml`)!.content, { version: '1.1' }) as unknown,
        }));
        expect(templates.length).toBeGreaterThan(0);
        for (const t of templates) expect(validateTemplate(t.template), `${file} ${output.environment} ${t.name}`).toEqual([]);
        expect(validateStackSet(templates), `${file} ${output.environment}`).toEqual([]);
        const manifests = output.files.filter((f) => f.path.startsWith('kubernetes/') && f.path.endsWith('.yaml') && !f.path.endsWith('/kustomization.yaml') && f.path !== 'kubernetes/kustomization.yaml');
        const eks = Object.values(output.model.spec.services).some((s) => s.placement === 'eks');
        // A cluster made for other tools' workloads (`create: always`) has only dex's own
        // kube-system manifests (the cluster autoscaler), never a service's.
        const own = manifests.filter((f) => !f.path.startsWith('kubernetes/kube-system/'));
        expect(own.length > 0, `${file} ${output.environment}: service manifests exactly when a service runs on EKS`).toBe(eks);
        expect(manifests.flatMap((f) => schemaErrors(parse(f.content) as Readonly<Record<string, unknown>>).map((e) => `${f.path}: ${e}`))).toEqual([]);
      }
    });

    it('is priced: a total above zero, every billable resource metered, no meter without a price mapping', () => {
      const plan = buildPlan(planTargets(analyze(name)), snapshot);
      for (const env of plan.environments) {
        expect(env.totals.monthlyMin, `${file} ${env.environment}`).toBeGreaterThan(0);
        expect(env.coverageGaps, `${file} ${env.environment}`).toEqual([]);
        for (const u of env.unpriced) expect(u.reason, `${file} ${env.environment} ${u.resource} ${u.meter}`).not.toMatch(/^dex has no price mapping/);
      }
    });
  });
});

const snapshot = loadSnapshotSource();

// ---- docs/coverage.md keeps a row per fixture ---------------------------------------------

interface Row {
  readonly cells: readonly string[];
  readonly fixture: string | undefined;
}

/** The rows of the coverage table (the one whose header starts with `| system |`). */
function coverageRows(markdown: string): Row[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| system |'));
  if (start < 0) return [];
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    rows.push({ cells, fixture: /\(\.\.\/test\/fixtures\/real\/([a-z0-9-]+)\/dex\.yaml\)/.exec(line)?.[1] });
  }
  return rows;
}

describe('docs/coverage.md', () => {
  const rows = coverageRows(readFileSync(COVERAGE, 'utf8'));

  it('has one row per fixture folder, and no row for a fixture that is not there', () => {
    const listed = rows.flatMap((r) => (r.fixture === undefined ? [] : [r.fixture]));
    expect(new Set(listed).size, 'a fixture listed twice').toBe(listed.length);
    expect([...listed].sort()).toEqual([...FIXTURES]);
  });

  it('each fixture row names the same repository and commit as the fixture, and fills every column', () => {
    for (const row of rows.filter((r) => r.fixture !== undefined)) {
      const source = sourceOf(readFileSync(specOf(row.fixture!), 'utf8'));
      const line = row.cells.join(' | ');
      expect(row.cells, line).toHaveLength(5);
      for (const cell of row.cells) expect(cell.length, line).toBeGreaterThan(0);
      expect(row.cells[1], `${row.fixture}: source repository`).toContain(`https://github.com/${source.repository}`);
      expect(row.cells[1], `${row.fixture}: source commit`).toContain(source.commit);
    }
  });

  it('every fixture appears in the summary under both "Not yet" and "Already expressed"', () => {
    const markdown = readFileSync(COVERAGE, 'utf8');
    const section = (title: string): string => {
      const start = markdown.indexOf(title);
      expect(start, title).toBeGreaterThan(0);
      const next = markdown.indexOf('\n#', start + title.length);
      return markdown.slice(start, next < 0 ? undefined : next);
    };
    const named = (text: string): Set<string> => new Set([...text.matchAll(/^\| [^|]+? \| \d+ \| ([a-z0-9, -]+) \|/gm)].flatMap((m) => m[1]!.split(',').map((n) => n.trim())));
    const missing = named(section('### Not yet'));
    const have = named(section('### Already expressed'));
    for (const name of FIXTURES) {
      expect(missing, `${name}: what it needs that dex lacks`).toContain(name);
      expect(have, `${name}: what dex expresses of it`).toContain(name);
    }
  });

  it('the summary counts, per capability, as many fixtures as say they need it', () => {
    const markdown = readFileSync(COVERAGE, 'utf8');
    const summary = markdown.slice(markdown.indexOf('## What the real configurations need'));
    const counts = [...summary.matchAll(/^\| ([^|]+?) \| (\d+) \| ([a-z0-9, -]+) \|/gm)];
    expect(counts.length).toBeGreaterThan(10);
    for (const [, capability, count, names] of counts) {
      const list = names!.split(',').map((n) => n.trim());
      expect(list.length, `${capability}: the count is the number of fixtures listed`).toBe(Number(count));
      for (const n of list) expect(FIXTURES, `${capability}: ${n}`).toContain(n);
    }
  });
});
