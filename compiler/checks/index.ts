// Semantic checks: rules over the normalized spec that a schema cannot express. Each rule is a
// pure function returning Findings at spec paths; pipeline/analyze.ts places them in the file.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';

export interface SemanticRule {
  /** Short name, for tests and docs. */
  readonly id: string;
  readonly check: (spec: NormalizedSpec) => Finding[];
}

/** The registry itself is pipeline/registries.ts: rules are passed in, so a test can run just one. */
export function runSemanticChecks(spec: NormalizedSpec, rules: readonly SemanticRule[]): Finding[] {
  return rules.flatMap((rule) => rule.check(spec));
}
