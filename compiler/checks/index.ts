// Semantic checks: rules over the normalized spec that a schema cannot express. Each rule is a
// pure function returning Findings at spec paths; compiler/analyze.ts places them in the file.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';

export interface SemanticRule {
  /** Short name, for tests and docs. */
  readonly id: string;
  readonly check: (spec: NormalizedSpec) => Finding[];
}

/** Registry of rules, run in this order; output is sorted afterwards, so order only breaks ties. */
export const SEMANTIC_RULES: readonly SemanticRule[] = [];

export function runSemanticChecks(spec: NormalizedSpec): Finding[] {
  return SEMANTIC_RULES.flatMap((rule) => rule.check(spec));
}
