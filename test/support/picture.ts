// The plans dex graph and dex report are tested on: one environment of a spec, priced with the
// committed snapshot on the fixed test date.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { buildPlan, type EnvironmentPlan, type Plan } from '../../compiler/pricing/plan.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { planTargets } from '../../pipeline/plan.js';
import { fixedClock } from './clock.js';

/** The reference example: the picture in the README is of its production. */
export const REFERENCE_EXAMPLE = 'examples/dex-mobile-v6/dex.yaml';
const snapshot = loadSnapshotSource();

/** The plan of one environment, with --by service unless told otherwise. */
export function planOf(file: string, environment: string, byService = true): Plan {
  const analysis = analyzeSpec(readFileSync(file), file, { today: fixedClock, environment });
  expect(analysis.ok).toBe(true);
  return buildPlan(planTargets(analysis, environment), snapshot, { byService });
}

export function environmentPlan(file: string, environment: string, byService = true): EnvironmentPlan {
  return planOf(file, environment, byService).environments[0]!;
}
