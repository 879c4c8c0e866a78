// The resource model (the plan): every AWS resource dex would create, with a stable logical ID,
// its CloudFormation properties, the spec path it comes from and the usage pricing will price.
// Service modules (services/*.ts) produce it; emitters and the pricer consume it.
import type { SpecPath } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';

/**
 * Stacks are split by layer; a layer too large for CloudFormation's limits is split further.
 * `foundation` and `delivery` are the bootstrap's (one per account and region, deployed before any
 * environment: services/bootstrap.ts); every other layer belongs to an environment.
 */
export type StackLayer = 'foundation' | 'delivery' | 'network' | 'security' | 'data' | 'ingress' | 'ecs' | 'eks' | 'ec2' | 'monitoring' | 'cicd';

/** Deploy order of the layers: each may import only from layers before it. */
export const LAYER_ORDER: readonly StackLayer[] = ['foundation', 'delivery', 'network', 'security', 'data', 'ingress', 'ecs', 'eks', 'ec2', 'monitoring', 'cicd'];

/**
 * A CloudFormation value: JSON plus intrinsic functions. References between resources are always
 * written as same-template { Ref } / { 'Fn::GetAtt' }, whatever stack the target ends up in; the
 * stack splitter rewrites cross-stack ones into Export / Fn::ImportValue.
 */
export type CfnValue = string | number | boolean | null | readonly CfnValue[] | { readonly [key: string]: CfnValue };

/** Hours in a month, as AWS prices monthly usage (365 × 24 ÷ 12): every hourly meter and the plan use this. */
export const HOURS_PER_MONTH = 730;

/**
 * Every meter name a resource may carry: the contract between the building blocks and the price
 * book. Closed, so a block cannot emit a name the price book has never heard of, and the price
 * book's mapping (compiler/pricing/meters.ts) must say something for each: a price or a reason.
 */
export const METER_NAMES = [
  'ec2.instance', 'ebs.storage', 'eks.cluster', 'containerInsights.observations', 'fargate.vcpu', 'fargate.memory', 'fargate.ephemeralStorage',
  'rds.instance', 'rds.storage', 'rds.backup', 'backup.storage', 'backup.crossRegionTransfer', 'elasticache.node',
  'nat.hours', 'nat.processed', 'ipv4.public', 'alb.hours', 'alb.lcu', 'nlb.hours', 'nlb.lcu', 'vpce.interface', 'vpce.processed',
  'logs.ingest', 'logs.storage', 'cloudwatch.alarm', 'cloudwatch.dashboard', 'cloudwatch.metric',
  'waf.acl', 'waf.rule', 'waf.requests', 'secretsmanager.secret', 'secretsmanager.api', 'kms.key', 'kms.requests',
  'ecr.storage', 'xray.traces', 'dataTransfer.out', 'dataTransfer.interAz', 'codebuild.minutes', 'codepipeline.pipeline',
  'codepipeline.actionMinutes', 'route53.zone', 'route53.queries', 'acm.certificate', 's3.storage', 's3.putRequests', 's3.getRequests', 's3.replicationTransfer',
  'dynamodb.storage', 'dynamodb.readRequests', 'dynamodb.writeRequests', 'dynamodb.readCapacity', 'dynamodb.writeCapacity', 'dynamodb.pitr', 'sns.publish', 'sns.email', 'budgets.budget', 'cognito.mau',
  'sqs.requests', 'sns.https',
  'cloudmap.instance',
  'efs.storage', 'efs.backup',
  'mq.broker', 'mq.storage',
  'rds.iops', 'rds.throughput', 'rds.performanceInsights', 'aurora.instance', 'aurora.acu', 'aurora.storage', 'aurora.io',
] as const;

export type MeterName = (typeof METER_NAMES)[number];

/** One billable dimension of a resource, priced later by the price book (issue: pricing). */
export interface UsageMeter {
  /** What is metered, e.g. 'ec2.instance', 'nat.hours', 'nat.processed', 'rds.storage'. */
  readonly meter: MeterName;
  /** Unit of quantity: 'hours' | 'GB-month' | 'GB' | 'requests' | 'count-month' | ... */
  readonly unit: string;
  /** Monthly quantity at the scaling minimum and maximum (730 hours a month). */
  readonly quantity: { readonly min: number; readonly max: number };
  /** Price-selecting attributes: instanceType, deployment ('Single-AZ' | 'Multi-AZ'), engine, storageType... */
  readonly attributes: Readonly<Record<string, string>>;
  /** Where the quantity comes from, in words (shown beside the arithmetic). */
  readonly basis: string;
  /**
   * Set when dex does not know the quantity (a log volume no usage assumption gives): why, and how
   * to give it. The meter is then unpriced with that reason, its unit price quoted, never a $0 line.
   */
  readonly quantityUnknown?: string;
}

export interface ModelResource {
  readonly logicalId: string;
  readonly type: string;
  readonly layer: StackLayer;
  readonly properties: Readonly<Record<string, CfnValue>>;
  readonly dependsOn?: readonly string[];
  readonly deletionPolicy?: 'Delete' | 'Retain' | 'Snapshot' | 'RetainExceptOnCreate';
  readonly updateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
  /** CloudFormation's UpdatePolicy attribute (Auto Scaling groups: how a new launch template version rolls out). */
  readonly updatePolicy?: Readonly<Record<string, CfnValue>>;
  /** CloudFormation's CreationPolicy attribute (signals the resource must receive before it is complete). */
  readonly creationPolicy?: Readonly<Record<string, CfnValue>>;
  /** Spec path the resource comes from, so diagnostics and diffs can point at dex.yaml. */
  readonly origin: SpecPath;
  /** Value of the dex:component tag, e.g. 'network', 'service/kyc-service', 'database/postgres'. */
  readonly component: string;
  /** Billable dimensions; empty for free resources (route tables, security groups, ...). */
  readonly usage: readonly UsageMeter[];
  /** Stack outputs for people (a created hosted zone's name servers), besides the cross-stack exports the splitter adds. */
  readonly outputs?: readonly ModelOutput[];
}

export interface ModelOutput {
  /** Output logical name, unique in the model. */
  readonly name: string;
  readonly description: string;
  /** A string: a list attribute is joined first (outputs and exports hold strings). */
  readonly value: CfnValue;
}

export interface ResourceModel {
  readonly spec: NormalizedSpec;
  /** Sorted by layer, then logical ID. */
  readonly resources: readonly ModelResource[];
}

/** Today's date. Handed down from the CLI (the system clock) or a test (a fixed date), never read below it. */
export type Clock = () => Date;

/** What a building block may read besides the spec. */
export interface BuildContext {
  /** The date EKS support windows are judged on (standard or extended support is billed differently). */
  readonly today: Clock;
  /**
   * What the model is for: 'output' (emit, plan: every property as deployed) or 'checks' (validate:
   * the rules read no EC2 user data, so the monitoring servers' gzipped file bundles, the costliest
   * part of a small build, are left as a placeholder). Default 'output'.
   */
  readonly purpose?: 'output' | 'checks';
}

/** A building block: reads its slice of the normalized spec and returns the resources it adds. */
export interface BuildingBlock {
  readonly name: string;
  build(spec: NormalizedSpec, context: BuildContext): ModelResource[];
}
