// Semantic checks: rules over the normalized spec that a schema cannot express. Each rule is a
// pure function returning Findings at spec paths; compiler/analyze.ts places them in the file.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { alertsRule } from './alerts.js';
import { boundsRule } from './bounds.js';
import { stagesRule } from './cicd.js';
import { ingressRule } from './ingress.js';
import { networkRule } from './network.js';
import { architectureRule, fargateRule, placementSettingsRule, podFitRule } from './placement.js';
import { eksEndpointRule, eksVersionRule, unusedPlatformRule } from './platforms.js';
import { portsRule } from './ports.js';
import { cycleRule, usesRule } from './references.js';
import { backupRegionRule } from './regions.js';
import { plaintextSecretsRule, secretEnvCollisionRule } from './secrets.js';

export interface SemanticRule {
  /** Short name, for tests and docs. */
  readonly id: string;
  readonly check: (spec: NormalizedSpec) => Finding[];
}

/** Registry of rules, run in this order; output is sorted afterwards, so order only breaks ties. */
export const semanticRules = (today: () => Date): readonly SemanticRule[] => [
  networkRule,
  portsRule,
  usesRule,
  cycleRule,
  boundsRule,
  placementSettingsRule,
  architectureRule,
  fargateRule,
  podFitRule,
  ingressRule,
  alertsRule,
  unusedPlatformRule,
  eksEndpointRule,
  eksVersionRule(today),
  backupRegionRule,
  stagesRule,
  plaintextSecretsRule,
  secretEnvCollisionRule,
];

export function runSemanticChecks(spec: NormalizedSpec, today: () => Date): Finding[] {
  return semanticRules(today).flatMap((rule) => rule.check(spec));
}
