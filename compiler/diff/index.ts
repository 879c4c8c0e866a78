// The diff of one environment: resources (with replacement and data loss), security-relevant
// changes, emitted files and the cost delta, against a baseline (see baseline.ts).
import type { EnvironmentPlan, PlanTarget } from '../pricing/plan.js';
import type { PriceSource } from '../pricing/types.js';
import type { Baseline, PlanJsonResource } from './baseline.js';
import { costDelta } from './cost-delta.js';
import { diffResources } from './diff-resources.js';
import { diffFiles } from './files.js';
import { securityChanges } from './security.js';
import type { DiffResource, EnvironmentDiff } from './types.js';

export * from './types.js';
export { diffResources, STATEFUL_TYPES } from './diff-resources.js';
export { securityChanges } from './security.js';
export { diffFiles } from './files.js';

export interface CurrentSide {
  readonly resources: readonly PlanJsonResource[];
  readonly files: ReadonlyMap<string, string>;
}

export function diffEnvironment(args: {
  readonly environment: string;
  readonly baseline: Baseline;
  readonly current: CurrentSide;
  readonly plan: EnvironmentPlan;
  readonly target: PlanTarget;
  readonly source: PriceSource;
}): EnvironmentDiff {
  const { baseline, current } = args;
  const before = baseline.resources as readonly DiffResource[];
  const changes = diffResources(before, current.resources, baseline.exports ? { exports: baseline.exports } : {});
  const security = securityChanges(before, current.resources);
  const files = baseline.files ? diffFiles(baseline.files, current.files) : [];
  const cost = costDelta(args.plan, baseline.priced ? { resources: baseline.resources as readonly PlanJsonResource[], region: baseline.region } : null, args.target, args.source);
  return { environment: args.environment, baseline: baseline.label, changes, security, files, cost };
}

/** True when nothing differs (cost included: a usage assumption alone can change the price). */
export function isEmptyDiff(d: EnvironmentDiff): boolean {
  return d.changes.length === 0 && d.files.length === 0 && d.security.length === 0 && (d.cost?.delta == null || (d.cost.delta.monthlyMin === 0 && d.cost.delta.monthlyMax === 0)) && (d.cost?.unpriced.length ?? 0) === 0;
}
