// No internal text in what `dex plan` shows a user: no research citations ("research §1h"), no
// JSON of internal structures ('invalid quantity {"min":5,"max":4.932}'), in text, Markdown or
// JSON, for every example, the reference and the `dex init` starter (in its default region and
// in the regions the examples do not use, where most reasons are "no price").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInit } from '../../cli/commands/init.js';
import { runPlan, type PlanArgs } from '../../cli/commands/plan.js';
import { EXIT } from '../../cli/io.js';
import { captureIO } from '../support/io.js';
import { ALL_SPECS } from '../support/specs.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FORBIDDEN: readonly [RegExp, string][] = [
  [/§/, 'a research section sign'],
  [/\{"/, 'JSON of an internal structure'],
  [/research/i, 'a research citation'],
];

/** The user-facing strings of a JSON plan: every string value (keys are not messages). */
function jsonStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) jsonStrings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) jsonStrings(v, out);
  return out;
}

function offending(text: string): string[] {
  // A Mermaid flowchart's shapes ({{"…"}}) are its syntax, not leaked JSON: graphs are checked in test/emitters/graph*.
  const lines = text.replace(/^```mermaid\n[\s\S]*?^```$/gm, '').split('\n');
  return FORBIDDEN.flatMap(([re, what]) => lines.filter((l) => re.test(l)).map((l) => `${what}: ${l.trim().slice(0, 300)}`));
}

let top: string;
const starters: string[] = [];
beforeAll(async () => {
  top = mkdtempSync(join(tmpdir(), 'dex-user-text-'));
  for (const region of ['us-east-1', 'ap-south-1', 'us-west-2']) {
    const dir = join(top, region);
    expect(await runInit({ dir, region, force: false }, captureIO(top))).toBe(EXIT.ok);
    starters.push(join(dir, 'dex.yaml'));
  }
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

async function planText(file: string, format: PlanArgs['format']): Promise<string> {
  const io = captureIO(ROOT);
  const code = await runPlan({ file, format, pricing: 'snapshot', allowOverBudget: true, against: undefined }, io);
  expect([EXIT.ok, EXIT.failed], io.err()).toContain(code);
  return io.out();
}

describe('dex plan output carries no internal text', () => {
  it.each(ALL_SPECS)('%s: text, Markdown and the strings of JSON', async (file) => {
    const problems: string[] = [];
    problems.push(...offending(await planText(file, 'text')));
    problems.push(...offending(await planText(file, 'markdown')));
    problems.push(...jsonStrings(JSON.parse(await planText(file, 'json'))).flatMap(offending));
    expect([...new Set(problems)]).toEqual([]);
  });

  it('the dex init starter, in us-east-1, ap-south-1 and us-west-2', async () => {
    const problems: string[] = [];
    for (const file of starters) {
      for (const format of ['text', 'markdown'] as const) problems.push(...offending(await planText(file, format)));
      problems.push(...jsonStrings(JSON.parse(await planText(file, 'json'))).flatMap(offending));
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('the scan can fail: it finds each forbidden form', () => {
    expect(offending('no public source for X: research §1h: a gap')).toHaveLength(2);
    expect(offending('meter logs.storage has an invalid quantity {"min":5,"max":4.932}')).toHaveLength(1);
  });
});
