// `dex compliance report`'s results: the compliance of what would be deployed (each environment,
// or the base spec when there are none), as analyze evaluated it on each model.
import type { ComplianceResult } from '../compiler/compliance/types.js';
import type { Analysis } from './analyze.js';
import { emitTargets, modelOf } from './emit.js';

export function complianceResults(analysis: Pick<Analysis, 'compiled'>): ComplianceResult[] {
  return emitTargets(analysis).map((c) => {
    if (c.compliance) return c.compliance;
    // No result without a model: modelOf says why (DEX999).
    modelOf(c);
    throw new Error(`compliance of ${c.environment ?? 'the base spec'} was not evaluated`);
  });
}
