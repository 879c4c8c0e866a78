// `dex plan --format github-comment`, in-process: the comment leads with the cost change and the
// change counts, folds the rest, and always fits GitHub's 65,536 characters (examples/large's full
// Markdown does not), shortening the largest sections first and keeping the summary whole, with a
// marker per spec (and environment) that `dex comment github` finds the comment by again.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmit } from '../../cli/commands/emit.js';
import { runPlan, type PlanArgs } from '../../cli/commands/plan.js';
import { EXIT } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT } from '../../cli/plan-comment.js';
import { captureIO } from '../support/io.js';
import { REFERENCE_SPEC } from '../support/specs.js';

const ROOT = resolve(import.meta.dirname, '../..');
const REFERENCE = readFileSync(join(ROOT, REFERENCE_SPEC), 'utf8');

let top: string;
beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'dex-plan-comment-'));
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

async function comment(file: string, extra: Partial<PlanArgs> = {}, options: { commentLimit?: number; cwd?: string; env?: Record<string, string> } = {}) {
  const io = captureIO(options.cwd ?? ROOT, options.env ?? {});
  const code = await runPlan({ file, format: 'github-comment', pricing: 'snapshot', allowOverBudget: true, ...extra }, io, options.commentLimit !== undefined ? { commentLimit: options.commentLimit } : {});
  return { code, out: io.out(), err: io.err() };
}

/** The summary: everything before the first folded section. */
const summaryOf = (text: string): string => text.slice(0, Math.min(...['\n<details>', '\nLeft out to fit', '\n> [!NOTE]\n> Shortened'].map((m) => text.indexOf(m)).filter((i) => i >= 0)));

function expectWellFormed(text: string): void {
  expect(text.startsWith(`${COMMENT_MARKER}\n<!-- dex-plan-spec `)).toBe(true);
  expect(text.match(/<details>/g)?.length ?? 0).toBe(text.match(/<\/details>/g)?.length ?? 0);
  // Each <details> line opens and names its section on one line; GitHub needs the blank line after it.
  for (const m of text.matchAll(/^<details>.*$/gm)) expect(m[0]).toMatch(/^<details><summary>.+<\/summary>$/);
}

describe('examples/large, whose full Markdown is over the limit', () => {
  it('fits in one comment: the summary whole, the largest sections shortened, a pointer to the full plan', async () => {
    const markdown = captureIO(ROOT);
    expect(await main(['plan', 'examples/large/dex.yaml', '--format', 'markdown'], markdown)).toBe(EXIT.ok);
    expect(markdown.out().length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);

    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/commerce', GITHUB_RUN_ID: '123456789' };
    const { code, out, err } = await comment('examples/large/dex.yaml', {}, { env });
    expect(code).toBe(EXIT.ok);
    expect(out.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect([...out].length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expectWellFormed(out);
    expect(out).toContain('<!-- dex-plan-spec examples/large/dex.yaml -->');
    const summary = summaryOf(out);
    for (const e of JSON.parse((await comment('examples/large/dex.yaml', { format: 'json' })).out).environments as { environment: string; region: string }[]) {
      if (!e.environment.startsWith('bootstrap/')) expect(summary).toContain(`| ${e.environment} | ${e.region} |`);
    }
    expect(summary).toMatch(/^\| bootstrap \(4 accounts and regions\) \|/m);
    expect(summary).toMatch(/^\| \*\*total\*\* \| \| \*\*\$[\d,.]+ – \$[\d,.]+\*\* \| \d+ \| \|$/m);
    expect(summary).toContain('**Changes:** no baseline to compare with');
    expect(out).toMatch(/\(\d+ of \d+ shown\)<\/summary>/);
    expect(out).toContain("> Shortened to fit GitHub's limit of 65,536 characters: the full plan is in the [job summary](https://github.com/acme/commerce/actions/runs/123456789) of this run.");
    expect(err).toMatch(/warning DEX925: the plan comment was shortened to fit GitHub's limit of 65,536 characters: .*line items/);
  });
});

describe('a forced small limit', () => {
  it('shortens the largest sections first, then leaves whole sections out; the summary never changes', async () => {
    const full = await comment(REFERENCE_SPEC);
    expect(full.code).toBe(EXIT.ok);
    expect(full.out.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(full.out).not.toContain('Shortened to fit');
    expect(full.err).not.toContain('DEX925');
    const summary = summaryOf(full.out);
    const sections = [...full.out.matchAll(/^<details><summary>(.*)<\/summary>$/gm)].map((m) => m[1]!);
    expect(sections.length).toBeGreaterThan(3);

    for (const limit of [20_000, 6_000, summary.length + 600]) {
      const small = await comment(REFERENCE_SPEC, {}, { commentLimit: limit });
      expect(small.code).toBe(EXIT.ok);
      expect(small.out.length, `limit ${limit}`).toBeLessThanOrEqual(limit);
      expectWellFormed(small.out);
      expect(summaryOf(small.out)).toBe(summary);
      expect(small.out).toContain("> Shortened to fit GitHub's limit");
      expect(small.out).toContain(`\`dex plan ${REFERENCE_SPEC} --format markdown\``);
      expect(small.err).toContain(`DEX925: the plan comment was shortened to fit GitHub's limit of ${limit.toLocaleString('en-US')} characters`);
    }
    // Near the summary's own size every section is left out, and named.
    const tiny = await comment(REFERENCE_SPEC, {}, { commentLimit: summary.length + 600 });
    expect(tiny.out).not.toContain('<details>');
    expect(tiny.out).toMatch(/^Left out to fit: .*staging: line items.*; findings; staging: system graph; production: system graph\.$/m);
    // In between, the largest sections (the environments' line items) lose rows; small ones stay whole.
    const mid = await comment(REFERENCE_SPEC, {}, { commentLimit: 20_000 });
    expect(mid.out).toMatch(/<b>staging<\/b>: .* priced lines \(\d+ of \d+ shown\)/);
    expect(mid.out).toMatch(/<summary>Findings \(\d+\)<\/summary>/);
  });

  it('keeps the most expensive line items when rows go', async () => {
    const { out } = await comment(REFERENCE_SPEC, { environment: 'production' }, { commentLimit: 8_000 });
    const section = out.slice(out.indexOf('<b>production</b>'));
    const max = [...section.matchAll(/^\| [a-z0-9]+ \| `[^`]+` \|.*\| \$([\d,.]+) \|$/gm)].map((m) => Number(m[1]!.replace(/,/g, '')));
    expect(max.length).toBeGreaterThan(3);
    expect(max).toEqual([...max].sort((a, b) => b - a));
  });
});

describe('against a baseline', () => {
  it('leads with before, after and the change per environment, and the counts the diff has', async () => {
    const dir = mkdtempSync(join(top, 'p-'));
    writeFileSync(join(dir, 'dex.yaml'), REFERENCE);
    expect(await runEmit({ file: 'dex.yaml', environment: 'production' }, captureIO(dir))).toBe(EXIT.ok);
    // A larger database instance (a cost change) and a renamed database (deleted: data loss).
    const edited = REFERENCE.replace('instanceClass: db.t3.medium', 'instanceClass: db.t3.large')
      .replace('databases:\n  postgres:', 'databases:\n  main:')
      .replace(/uses: \[postgres, redis\]/, 'uses: [main, redis]')
      .replace(/uses: \[postgres\]/g, 'uses: [main]')
      .replace('databases:\n      postgres:', 'databases:\n      main:');
    expect(edited).not.toBe(REFERENCE);
    writeFileSync(join(dir, 'dex.yaml'), edited);
    const json = JSON.parse((await comment('dex.yaml', { environment: 'production', format: 'json' }, { cwd: dir })).out);
    const { code, out } = await comment('dex.yaml', { environment: 'production' }, { cwd: dir });
    expect(code).toBe(EXIT.ok);
    expectWellFormed(out);
    expect(out).toContain('<!-- dex-plan-spec dex.yaml env=production -->');
    const summary = summaryOf(out);
    expect(summary).toContain('**Monthly cost** against `last`');
    const env = json.diff.environments[0];
    const range = (r: { monthlyMin: number; monthlyMax: number }) => (r.monthlyMin === r.monthlyMax ? money(r.monthlyMin) : `${money(r.monthlyMin)} – ${money(r.monthlyMax)}`);
    expect(summary).toContain(`| production | ${range(env.cost.before)} | ${range(env.cost.after)} | **`);
    const s = json.diff.summary;
    expect(s.dataLoss).toBeGreaterThan(0);
    expect(summary).toContain(`**Changes:** **${s.add}** to add · **${s.modify}** to change in place · **${s.replace}** to replace · **${s.remove}** to remove · ${s.files} file${s.files === 1 ? '' : 's'} changed · ${s.security ? '🟠 ' : ''}**${s.security}** security-relevant · 🔴 **${s.dataLoss}** with data loss`);
    expect(summary).toContain(`> [!CAUTION]\n> **${s.dataLoss} changes destroy data:**\n> - `);
    expect(summary).toMatch(/^> - `PostgresDatabase` \(production\): AWS::RDS::DBInstance will be deleted — the database and its automated backups will be lost/m);
    expect(summary).toMatch(/^\| production \| .* \| \*\*\\\+\\\$[\d,.]+\*\* \+ \d+ changes not priced \| \d+ \| — \|$/m);
    expect(out).toMatch(/<details><summary><b>production<\/b> against out\/production\/plan\.json: \d+ resource changes/);
    expect(out).toMatch(/<details><summary><b>production<\/b>: cost of the changes/);
  });
});

describe('the marker', () => {
  it('names the spec from the repository root, percent-encoded so it cannot end the HTML comment', async () => {
    const dir = mkdtempSync(join(top, 'm-'));
    writeFileSync(join(dir, 'a --> b.yaml'), REFERENCE);
    const { out } = await comment('a --> b.yaml', { environment: 'staging' }, { cwd: dir, commentLimit: 3_000 });
    expect(out.split('\n').slice(0, 2)).toEqual([COMMENT_MARKER, '<!-- dex-plan-spec a%20--%3E%20b.yaml env=staging -->']);
    expect(out).toContain('### dex plan: dex-mobile-v6 (`a --> b.yaml`, staging)');
  });
});

const money = (n: number): string => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
