// The vocabulary of the security-control catalogue: AWS Foundational Security Best Practices
// (FSBP) and CIS AWS Foundations controls that can be decided from the templates dex emits. Each
// control reads one compiled environment (the same RuleContext the compliance rules read) and
// answers per resource: pass, fail or not applicable, with the properties that decide it.
import type { RuleContext, RuleScope } from '../types.js';

export type ControlFamily =
  | 'IAM' | 'CloudTrail' | 'S3' | 'ELB' | 'WAF' | 'RDS' | 'EC2' | 'ECS' | 'EKS' | 'ElastiCache'
  | 'SecretsManager' | 'SNS' | 'KMS' | 'CloudWatch' | 'CodeBuild' | 'Cognito';

export type ControlStatus = 'pass' | 'fail' | 'not-applicable';

/** One resource's answer to a control. */
export interface ControlFinding {
  readonly status: ControlStatus;
  readonly logicalId: string;
  readonly type: string;
  /** The properties that decide it, as emitted. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** What was found; for an exception, why it is one. */
  readonly message: string;
}

export interface SecurityControl {
  /** The FSBP control id (IAM.1); a dex id (DEX.*) where FSBP has none. */
  readonly id: string;
  readonly family: ControlFamily;
  readonly title: string;
  /** FSBP control id, when the control is one. */
  readonly fsbp?: string;
  /** CIS AWS Foundations Benchmark (v3.0) recommendation, where one exists. */
  readonly cis?: string;
  /** Another standard, where neither FSBP nor CIS has the control (CIS Docker, Well-Architected). */
  readonly other?: string;
  /** The BASE-* compliance rule that checks the same thing (the control calls or cites it). */
  readonly base?: string;
  /** Regime clauses the control is evidence for, shown in `dex compliance report`. */
  readonly evidences?: Partial<Readonly<Record<RuleScope, string>>>;
  /** Why the control has nothing to decide when no resource answers it. */
  readonly absent: string;
  /** Decided in protected (production-like) environments only; elsewhere not applicable. */
  readonly protectedOnly?: string;
  evaluate(ctx: RuleContext): ControlFinding[];
}

export interface ControlOutcome {
  readonly control: SecurityControl;
  /** fail if any resource fails; pass if any passes; else not applicable. */
  readonly status: ControlStatus;
  readonly findings: readonly ControlFinding[];
  /** Why not applicable. */
  readonly reason?: string;
}
