// The reference spec's plan.json resources, as the diff tests compare them: one environment compiled
// from the spec's text, and the same with one exact piece of the text replaced.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import type { PlanJsonResource } from '../../compiler/diff/baseline.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { compileEmit, emitTargets } from '../../pipeline/emit.js';
import { fixedClock } from './clock.js';

export const REFERENCE_TEXT = readFileSync(resolve(import.meta.dirname, '../fixtures/reference/dex-mobile-v6.dex.yaml'), 'utf8');

/** The plan.json resources of one environment of `text` (which must be valid). */
export function compilePlanResources(text: string, env = 'production'): PlanJsonResource[] {
  const analysis = analyzeSpec(new TextEncoder().encode(text), 'dex.yaml', { environment: env, today: fixedClock });
  expect(analysis.ok, analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('\n')).toBe(true);
  const out = compileEmit(emitTargets(analysis, env)[0]!);
  return JSON.parse(out.files.find((f) => f.path === 'plan.json')!.content).resources;
}

/** The reference's production resources with `from` (which must occur) replaced by `to`. */
export function editReference(from: string, to: string): PlanJsonResource[] {
  expect(REFERENCE_TEXT).toContain(from);
  return compilePlanResources(REFERENCE_TEXT.replace(from, to));
}
