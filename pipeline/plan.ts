// The environments `dex plan` prices: what `dex emit` would write (one, or all, or the base spec),
// each with the model analyze built, and the bootstrap of every account and region they use (its
// key, bucket and repositories are billed too). Pricing them is compiler/pricing/plan.ts, from
// whichever PriceSource the CLI chose (the snapshot, or live prices it fetched first).
import type { PlanTarget } from '../compiler/pricing/plan.js';
import type { Analysis } from './analyze.js';
import { analysisBootstraps } from './bootstrap.js';
import { emitTargets, modelOf } from './emit.js';
import { bootstrapDirectory } from '../services/bootstrap.js';

export function planTargets(analysis: Pick<Analysis, 'compiled'>, environment?: string): PlanTarget[] {
  return emitTargets(analysis, environment).map((c) => ({ environment: c.environment ?? 'default', spec: c.spec, model: modelOf(c) }));
}

/** The bootstraps as plan targets, named `bootstrap/<account>/<region>` (where emit writes their plan.json). */
export function bootstrapPlanTargets(analysis: Pick<Analysis, 'raw' | 'compiled' | 'registries' | 'today'>): PlanTarget[] {
  return analysisBootstraps(analysis).map((b) => ({ environment: `bootstrap/${bootstrapDirectory(b.target)}`, spec: b.model.spec, model: b.model, bootstrap: true }));
}
