// The environments `dex plan` prices: what `dex emit` would write (one, or all, or the base spec),
// each with the model analyze built. Pricing them is compiler/pricing/plan.ts, from whichever
// PriceSource the CLI chose (the snapshot, or live prices it fetched first).
import type { PlanTarget } from '../compiler/pricing/plan.js';
import type { Analysis } from './analyze.js';
import { emitTargets, modelOf } from './emit.js';

export function planTargets(analysis: Pick<Analysis, 'compiled'>, environment?: string): PlanTarget[] {
  return emitTargets(analysis, environment).map((c) => ({ environment: c.environment ?? 'default', spec: c.spec, model: modelOf(c) }));
}
