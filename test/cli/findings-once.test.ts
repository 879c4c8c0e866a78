// A finding every environment has is shown once, naming the environments: in dex validate and
// dex plan text, and in GitHub annotations (whose file= is relative to the repository root).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../cli/commands/plan.js';
import { main } from '../../cli/main.js';
import { GITHUB_ANNOTATIONS_PER_KIND, groupEnvironments, renderDiagnostics } from '../../cli/render.js';
import type { Diagnostic } from '../../spec/diagnostics.js';
import { captureIO } from '../support/io.js';

const ROOT = process.cwd();
/** The example with a second production environment: its compliance findings on base values apply to both. */
const TWO_PRODUCTIONS = readFileSync(join(ROOT, 'examples/dex-mobile-v6/dex.yaml'), 'utf8').replace('environments:\n  staging:\n', 'environments:\n  prod-2: { usage: { customMetrics: 25 } }\n  staging:\n');

let top: string;
beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'dex-findings-'));
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

/** A repository (a `.git` folder) with the spec in svc/api/, and that folder. */
function repository(): { root: string; dir: string } {
  const root = mkdtempSync(join(top, 'repo-'));
  mkdirSync(join(root, '.git'));
  const dir = join(root, 'svc', 'api');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'dex.yaml'), TWO_PRODUCTIONS);
  return { root, dir };
}

async function validate(cwd: string, ...args: string[]) {
  const io = captureIO(cwd);
  const code = await main(['validate', 'dex.yaml', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** Each finding's first line: `file:line:col: severity CODE: …`. */
const headers = (text: string) => text.split('\n').filter((l) => /^\S+:\d+:\d+: (error|warning|info) DEX\d{3}: /.test(l));

describe('findings shown once with their environments', () => {
  it('dex validate text: a finding of prod-2 and production is one, naming both', async () => {
    const { dir } = repository();
    const { code, out } = await validate(dir);
    expect(code).toBe(0);
    const json = JSON.parse((await validate(dir, '--format', 'json')).out);
    // JSON keeps one diagnostic per environment (for machines); text merges the shared ones.
    const perEnvironment = json.diagnostics as { code: string; line: number; col: number; message: string; environment?: string }[];
    const places = new Set(perEnvironment.map((d) => `${d.code}|${d.line}|${d.col}|${d.message.replace(/ \(in environment [\w-]+\)$/, '')}`));
    expect(perEnvironment.length).toBeGreaterThan(places.size);
    expect(headers(out)).toHaveLength(places.size);
    const shared = perEnvironment.filter((d) => d.environment === 'prod-2' && perEnvironment.some((o) => o.environment === 'production' && o.line === d.line && o.code === d.code));
    expect(shared.length).toBeGreaterThan(0);
    for (const d of shared) {
      const text = d.message.replace(' (in environment prod-2)', ' (in environments prod-2, production)');
      expect(out).toContain(text);
      expect(out).not.toContain(d.message);
    }
    // A finding of one environment keeps its own wording; the verdict counts what is shown.
    expect(out).toContain('(in environment prod-2)');
    expect(out).toMatch(new RegExp(`valid — checked base spec and 3 environments \\(prod-2, staging, production\\); 0 errors, ${places.size} warnings`));
  });

  it('dex plan text: the findings on stderr once each, the summary counting them per environment', async () => {
    const { dir } = repository();
    const io = captureIO(dir);
    expect(await runPlan({ file: 'dex.yaml', format: 'text', pricing: 'snapshot', allowOverBudget: true }, io)).toBe(0);
    const lines = headers(io.err());
    expect(new Set(lines).size).toBe(lines.length);
    expect(io.err()).toContain('(in environments prod-2, production)');
    const json = JSON.parse((await validate(dir, '--format', 'json')).out).diagnostics as { environment?: string }[];
    const count = (env: string) => json.filter((d) => d.environment === env || d.environment === undefined).length;
    for (const env of ['prod-2', 'production']) expect(io.out()).toMatch(new RegExp(`^  ${env} +\\$[\\d,.]+ +\\$[\\d,.]+ +${count(env)}\\b`, 'm'));
  });

  it('--format github: one annotation per finding, file= from the repository root', async () => {
    const { dir } = repository();
    const annotations = (await validate(dir, '--format', 'github')).out.split('\n').filter(Boolean);
    expect(annotations.length).toBeGreaterThan(0);
    expect(new Set(annotations).size).toBe(annotations.length);
    for (const a of annotations) expect(a).toMatch(/^::warning file=svc\/api\/dex\.yaml,line=\d+,/);
    expect(annotations.join('\n')).toContain('(in environments prod-2, production)');
    const places = annotations.map((a) => /line=(\d+),col=(\d+).*title=dex (DEX\d+)::(.{60})/.exec(a)!.slice(1).join('|'));
    expect(new Set(places).size).toBe(places.length);
    // Outside a repository: as named from the current folder.
    const loose = mkdtempSync(join(top, 'loose-'));
    writeFileSync(join(loose, 'dex.yaml'), TWO_PRODUCTIONS);
    for (const a of (await validate(loose, '--format', 'github')).out.split('\n').filter(Boolean)) expect(a).toMatch(/^::warning file=dex\.yaml,/);
  });
});

describe('groupEnvironments', () => {
  const at = (environment: string | undefined, message: string, hint?: string, line = 40): Diagnostic => ({
    code: 'DEX321',
    severity: 'warning',
    message,
    path: ['platforms', 'eks', 'version'],
    file: 'dex.yaml',
    line,
    col: 14,
    ...(hint ? { hint } : {}),
    ...(environment ? { environment } : {}),
  });

  it('writes <env> where the message names each environment, and the base spec when it has the finding too', () => {
    const merged = groupEnvironments([
      at(undefined, 'no cluster in out/default/plan.json'),
      at('staging', 'no cluster in out/staging/plan.json (in environment staging)', 'emit staging first'),
      at('production', 'no cluster in out/production/plan.json (in environment production)', 'emit production first'),
    ]);
    expect(merged).toHaveLength(2);
    expect(merged[0]!.message).toBe('no cluster in out/default/plan.json');
    expect(merged[1]).toMatchObject({ message: 'no cluster in out/<env>/plan.json (in environments staging, production)', hint: 'emit <env> first' });
    expect(merged[1]!.environment).toBeUndefined();
    const withBase = groupEnvironments([at(undefined, 'same'), at('staging', 'same (in environment staging)')]);
    expect(withBase).toEqual([expect.objectContaining({ message: 'same (in the base spec and environment staging)' })]);
  });

  it('keeps findings at different places, or of one environment, apart', () => {
    const d = [at('staging', 'x (in environment staging)', undefined, 1), at('production', 'x (in environment production)', undefined, 2), at('production', 'y (in environment production)', undefined, 2)];
    expect(groupEnvironments(d)).toEqual(d);
  });

  it('GitHub shows 10 warnings a step: past that, a notice says the job log has the rest', () => {
    const many = Array.from({ length: GITHUB_ANNOTATIONS_PER_KIND + 1 }, (_, i) => at('production', `finding ${i}`, undefined, i + 1));
    expect(renderDiagnostics(many, { format: 'github', color: false })).toMatch(/::notice title=dex::0 errors and 11 warnings: GitHub shows 10 of each kind/);
    expect(renderDiagnostics(many.slice(1), { format: 'github', color: false })).not.toContain('::notice');
  });
});
