// The compliance rule engine's vocabulary. A rule reads one compiled environment (the normalized
// spec and the resource model dex would emit from it) and returns checks: each passes with the
// emitted resources and properties that satisfy it, or fails with a message, a spec path and a fix.
import type { SpecPath } from '../../spec/diagnostics.js';
import type { ComplianceRegime, NormalizedSpec } from '../../spec/model.js';
import type { ResourceModel } from '../model/types.js';
import type { ControlOutcome } from './controls/types.js';

export type Regime = ComplianceRegime;
/** 'baseline' rules run for every spec, like cfn-nag and checkov run on every template. */
export type RuleScope = Regime | 'baseline';

export const REGIME_TITLES: Readonly<Record<RuleScope, string>> = {
  baseline: 'Baseline (always checked)',
  'pci-dss': 'PCI DSS v4.0',
  soc2: 'SOC 2 (AICPA Trust Services Criteria, 2017, revised points of focus 2022)',
  gdpr: 'GDPR (Regulation (EU) 2016/679)',
  rbi: 'RBI — Storage of Payment System Data (2018)',
  pmla: 'PMLA — Prevention of Money-laundering Act, 2002',
  sebi: 'SEBI CSCRF — Cybersecurity and Cyber Resilience Framework (2024)',
};

export interface Citation {
  /** The clause, as an auditor would write it: "PCI DSS v4.0 Req. 10.5.1". */
  readonly clause: string;
  /** What the clause requires, in one line. */
  readonly text: string;
  readonly url: string;
}

/** The data the spec declares it holds (top-level `data:`); undefined fields are unknown. */
export interface DataDeclaration {
  readonly personal?: boolean;
  readonly euResidents?: boolean;
  readonly payment?: boolean;
}

export interface RuleContext {
  readonly spec: NormalizedSpec;
  readonly model: ResourceModel;
  readonly data: DataDeclaration;
  /** The environment compiled; undefined for a spec without environments (deployed as 'default'). */
  readonly environment: string | undefined;
  /** Production rules are stricter: see isProduction. */
  readonly production: boolean;
  readonly regimes: ReadonlySet<Regime>;
}

/** An emitted resource and the properties that show a control is met (or not). */
export interface Evidence {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface Check {
  readonly ok: boolean;
  /** What was found; for a failure, what is wrong. */
  readonly message: string;
  /** Where in dex.yaml it points (the nearest node that exists is used). */
  readonly path: SpecPath;
  /** How to fix it (failures). */
  readonly hint?: string;
  readonly evidence?: readonly Evidence[];
  /** Overrides the rule's severity for this check. */
  readonly severity?: 'error' | 'warning' | 'info';
}

export interface ComplianceRule {
  /** Stable id, e.g. PCI-DSS-10.5.1; diagnostics start with it. */
  readonly id: string;
  readonly title: string;
  /** Regimes the rule serves. A rule runs when any of them is listed ('baseline': always). */
  readonly regimes: readonly RuleScope[];
  /** The clause each regime's control rests on; baseline rules also name the regime clauses they evidence. */
  readonly citations: Partial<Readonly<Record<RuleScope, Citation>>>;
  /** Severity of a failure in production. */
  readonly severity: 'error' | 'warning';
  /** Outside production: the same severity, errors lowered to warnings, or not checked. */
  readonly nonProduction: 'same' | 'warning' | 'skip';
  /** A conflict rule runs only when every regime it names is listed, and reports DEX602. */
  readonly conflict?: boolean;
  check(ctx: RuleContext): Check[];
}

export type ControlStatus = 'pass' | 'fail' | 'warn' | 'not-applicable';

export interface ControlResult {
  readonly rule: ComplianceRule;
  readonly status: ControlStatus;
  /** Severity of the failures, after the environment's strictness. */
  readonly severity: 'error' | 'warning' | 'info';
  readonly checks: readonly Check[];
  /** Why the control was not checked (not-applicable). */
  readonly reason?: string;
}

export interface ComplianceResult {
  readonly environment: string;
  readonly production: boolean;
  readonly region: string;
  readonly regimes: readonly Regime[];
  readonly controls: readonly ControlResult[];
  /** The FSBP / CIS AWS Foundations controls decided on the same model (compiler/compliance/controls/). */
  readonly securityControls?: readonly ControlOutcome[];
}
