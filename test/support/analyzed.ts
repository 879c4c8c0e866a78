// A spec's text analyzed as `dex.yaml` on the tests' fixed date, and the helpers the feature tests
// share to read it: the analysis with no errors, and the line a diagnostic should point at.
import { expect } from 'vitest';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { fixedClock } from './clock.js';

export const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });

/** The analysis, after checking it has no errors (their codes and messages shown when it does). */
export function valid(text: string): Analysis {
  const a = analyzed(text);
  expect(a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return a;
}

/** The 1-based line of the first line at or after the one containing `after` that contains `needle`. */
export function lineOf(text: string, needle: string, after = ''): number {
  const lines = text.split('\n');
  const from = after ? lines.findIndex((l) => l.includes(after)) : 0;
  return lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
}
