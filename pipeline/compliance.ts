// `dex compliance report`'s results: the compliance of what would be deployed (each environment,
// or the base spec when there are none), as analyze evaluated it on each model.
import type { ComplianceResult } from '../compiler/compliance/types.js';
import type { Analysis } from './analyze.js';
import { emitTargets, noModel } from './emit.js';

export function complianceResults(analysis: Pick<Analysis, 'compiled'>): ComplianceResult[] {
  // Analyze evaluates compliance whenever it builds a model: no result means no model (DEX999).
  return emitTargets(analysis).map((c) => c.compliance ?? noModel(c));
}
