// The change model of `dex plan --against …`: what an edit of dex.yaml does to the deployed
// system, resource by resource, property by property (after aws-cdk's cloudformation-diff split:
// resource differences, replacement impact, security-relevant changes, and the cost delta).
import type { CfnValue } from '../model/types.js';

/** One resource as both sides of a diff know it: the shape of a plan.json resource. */
export interface DiffResource {
  readonly logicalId: string;
  readonly type: string;
  /** Physical stack name, or null when unknown. */
  readonly stack: string | null;
  readonly component?: string;
  readonly deletionPolicy?: string | null;
  readonly properties: Readonly<Record<string, CfnValue>>;
}

export type ChangeAction = 'add' | 'remove' | 'modify' | 'replace';

export interface PropertyChange {
  /** Dotted path from the resource's Properties, array items by index: `SecurityGroupIngress.0.CidrIp`. */
  readonly path: string;
  /** undefined when the property is added (absent before) — rendered as null in JSON. */
  readonly before: CfnValue | undefined;
  readonly after: CfnValue | undefined;
  /** A change of this property makes CloudFormation replace the resource. */
  readonly causesReplacement: boolean;
  /** A conditionally create-only property: whether it replaces depends on the values (see the note). */
  readonly mayCauseReplacement?: boolean;
  /** Why: 'create-only', 'conditional create-only', 'referenced resource is replaced'. */
  readonly note?: string;
}

export interface ResourceChange {
  readonly stack: string | null;
  readonly logicalId: string;
  readonly type: string;
  readonly action: ChangeAction;
  readonly component?: string;
  readonly properties: readonly PropertyChange[];
  /** Set when the change destroys data: a stateful resource is replaced or removed. */
  readonly dataLoss?: string;
  /** The stack a resource moves from (same logical ID, another stack: CloudFormation deletes and recreates it). */
  readonly movedFromStack?: string | null;
}

export type SecurityKind =
  | 'ingress-opened-to-internet'
  | 'ingress-widened'
  | 'egress-widened'
  | 'ingress-narrowed'
  | 'egress-narrowed'
  | 'data-store-reachable'
  | 'iam-trust-changed'
  | 'iam-policy-changed'
  | 'encryption-disabled'
  | 'deletion-protection-disabled'
  | 'made-public'
  | 'public-listener-rule';

export type SecuritySeverity = 'high' | 'medium' | 'low' | 'info';

export interface SecurityChange {
  readonly kind: SecurityKind;
  /**
   * 'high': internet exposure, an IAM wildcard, encryption turned off, a data store reachable from
   * a new peer; 'medium': a wider CIDR, new permissions, a protection off; 'low': new peers among
   * the system's own groups, new roles for a service; 'info': narrows (never a gate).
   */
  readonly severity: SecuritySeverity;
  readonly stack: string | null;
  readonly logicalId: string;
  readonly type: string;
  readonly message: string;
  readonly before?: CfnValue;
  readonly after?: CfnValue;
}

export interface ObjectChange {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly action: 'add' | 'remove' | 'modify';
  /** Changed field paths of a modified object: `spec.replicas`, `spec.template.spec.containers.0.image`. */
  readonly paths: readonly string[];
}

export interface FileChange {
  /** Relative to out/<env>/ (or out/ci/ for the pipeline's files, prefixed `ci/`). */
  readonly path: string;
  readonly action: 'add' | 'remove' | 'modify';
  readonly linesAdded: number;
  readonly linesRemoved: number;
  /** Kubernetes manifests: the objects that change. */
  readonly objects?: readonly ObjectChange[];
}

export interface MoneyRange {
  readonly monthlyMin: number;
  readonly monthlyMax: number;
}

export interface CostLineDelta {
  readonly resource: string;
  readonly meter: string;
  readonly usageType: string;
  readonly before: MoneyRange | null;
  readonly after: MoneyRange | null;
  readonly delta: MoneyRange;
}

/** How a line whose price is not known on one side (or either) changes. */
export type UnpricedChangeKind =
  /** Priced in the baseline, unpriced now: its new price is not known. */
  | 'now unpriced'
  /** Unpriced in the baseline, priced now: what it cost before is not known. */
  | 'now priced'
  /** New, and dex has no price for it. */
  | 'added, unpriced'
  /** Removed; what it cost is not known. */
  | 'removed, was unpriced'
  /** Unpriced on both sides, and its usage or type changed. */
  | 'changed, unpriced';

/** A changed line whose delta is not known: named, with the reason, never counted as $0. */
export interface CostUnpricedChange {
  readonly resource: string;
  readonly meter: string;
  readonly change: UnpricedChangeKind;
  /** 'InstanceUsage:db.t4g.medium → InstanceUsage:db.t4g.large' where it is known. */
  readonly usageType: string;
  /** The priced side's amount, where one side is priced. */
  readonly before: MoneyRange | null;
  readonly after: MoneyRange | null;
  /** Why a side has no price (the plan's unpriced reason). */
  readonly reason: string;
}

export interface CostDelta {
  /** null when the baseline carries no usage (deployed templates): no before, no delta. */
  readonly before: MoneyRange | null;
  readonly after: MoneyRange;
  /**
   * after − before over the lines priced on both sides (a line absent on one side counts as $0
   * there). Changes whose price is unknown are not in it: they are listed in `unpriced`.
   */
  readonly delta: MoneyRange | null;
  readonly lineItems: readonly CostLineDelta[];
  /** Changed lines with no price on one side or both: not in `delta`. */
  readonly unpriced: readonly CostUnpricedChange[];
}

/** The diff of one environment against its baseline. */
export interface EnvironmentDiff {
  readonly environment: string;
  /** What the baseline was, in words: 'out/production/plan.json', 'git:main', 'deployed stacks'. */
  readonly baseline: string;
  readonly changes: readonly ResourceChange[];
  readonly security: readonly SecurityChange[];
  readonly files: readonly FileChange[];
  readonly cost: CostDelta | null;
}

/** What `dex plan` shows besides the plan: one diff per environment, and out/ci/ as its own. */
export interface DiffReport {
  /** What --against asked for: 'last', 'git:main', 'stack', or 'none' (no baseline found). */
  readonly against: string;
  readonly environments: readonly EnvironmentDiff[];
  readonly warnings: readonly string[];
  /** Set when there was no baseline: the message shown instead of a diff. */
  readonly noBaseline?: string;
}
