// The pure half of `dex plan`: analysed spec → per environment, the resource model priced line by
// line, grouped by stack layer, with totals per layer and per environment, everything that could
// not be priced (and why), and the budget check. No disk, no network: the caller hands in a
// PriceSource (the snapshot, or a live source it has already prefetched with planQueries()).
//
// Honest cost: every resource whose CloudFormation type is billable must carry at least one usage
// meter; one that does not becomes an unpriced entry ("dex has no meter for it") and is listed in
// `coverageGaps`, which the tests require to be empty for the examples. Usage assumptions the spec
// sets but no resource meters (custom metrics the applications publish, CI minutes on GitHub's
// runners) are listed as unpriced too, so nothing the user wrote silently disappears.
import { HOURS_PER_MONTH, LAYER_ORDER, type MeterName, type ModelResource, type ResourceModel, type StackLayer } from '../model/types.js';
import { collectQueries, priceMeters, ROUNDING_RULE, type LineItem } from './line-items.js';
import type { PriceQuery, PriceSource, PriceWarning } from './types.js';
import type { LiveSummary } from './live.js';
import { planCommitment, type Commitment, type CommitmentPlan } from './commitment.js';
import { costByService, type ByService } from './by-service.js';
import type { NormalizedSpec } from '../../spec/model.js';

export const CURRENCY = 'USD';

/** One environment to price: what `dex emit` would compile for it. */
export interface PlanTarget {
  readonly environment: string;
  readonly spec: NormalizedSpec;
  readonly model: ResourceModel;
  /** An account and region's bootstrap (shared by every environment): no per-service view. */
  readonly bootstrap?: boolean;
}

export interface PlanLineItem extends LineItem {
  readonly layer: StackLayer;
}

export interface PlanUnpriced {
  /** Logical ID, or `usage.<key>` for a usage assumption no resource meters. */
  readonly resource: string;
  readonly resourceType: string;
  readonly layer: StackLayer | undefined;
  readonly meter: string;
  readonly reason: string;
}

export interface MoneyRange {
  readonly monthlyMin: number;
  readonly monthlyMax: number;
}

export interface LayerPlan {
  readonly layer: StackLayer;
  readonly lineItems: readonly PlanLineItem[];
  readonly unpriced: readonly PlanUnpriced[];
  readonly totals: MoneyRange;
}

export interface BudgetCheck {
  readonly monthlyUsd: number;
  readonly thresholdPercent: number;
  readonly alertEmails: readonly string[];
  /** The estimate's maximum is above the budget. */
  readonly exceeded: boolean;
  /** The estimate's minimum is above the budget too (over whatever the scaling does). */
  readonly exceededAtMin: boolean;
  /** max − budget when exceeded, else 0. */
  readonly overByUsd: number;
}

/** What the totals include of Spot capacity. */
export interface SpotSummary {
  readonly lines: number;
  /** usage.spotDiscountPercent, or null: then the minimum holds Spot at the on-demand price. */
  readonly discountPercent: number | null;
  /** The Spot lines at the on-demand price. */
  readonly onDemand: MoneyRange;
  /** The Spot lines as priced (min with the declared discount; = onDemand without one). */
  readonly priced: MoneyRange;
  /** In words, for every output. */
  readonly note: string;
}

export interface EnvironmentPlan {
  readonly environment: string;
  readonly region: string;
  readonly resources: number;
  /** Non-empty layers in deploy order. */
  readonly layers: readonly LayerPlan[];
  readonly lineItems: readonly PlanLineItem[];
  readonly unpriced: readonly PlanUnpriced[];
  readonly totals: MoneyRange;
  readonly budget: BudgetCheck | undefined;
  /** With --commitment: what reserving the always-on part would cost and save. */
  readonly commitment?: CommitmentPlan;
  /** With --by service: each service's cost (own, data stores, share of shared infrastructure). */
  readonly byService?: ByService;
  /** Spot lines and what the totals hold of them; undefined when nothing runs on Spot. */
  readonly spot: SpotSummary | undefined;
  /** Billable resources without any usage meter (also in `unpriced`); empty when dex is honest. */
  readonly coverageGaps: readonly { readonly resource: string; readonly resourceType: string; readonly why: string }[];
  readonly model: ResourceModel;
}

export interface PlanOptions {
  /** Also show what a reservation of the always-on part would cost (dex plan --commitment). */
  readonly commitment?: Commitment;
  /** Also split each environment's cost by service (dex plan --by service). */
  readonly byService?: boolean;
}

export interface Plan {
  readonly currency: typeof CURRENCY;
  readonly commitment?: Commitment;
  readonly hoursPerMonth: typeof HOURS_PER_MONTH;
  readonly pricing: {
    readonly source: 'snapshot' | 'live';
    readonly asOf: string;
    /** Live runs: which prices are live (fetched now, or cached and how old) and which the snapshot gave, and why. */
    readonly summary?: string;
    readonly live?: LiveSummary;
  };
  readonly rounding: string;
  readonly environments: readonly EnvironmentPlan[];
  readonly warnings: readonly PriceWarning[];
}

// ---------------------------------------------------------------------------------------------
// Which CloudFormation types cost money.

/**
 * Resource types that are billed by AWS, with why, and (for some) a test on the properties:
 * an ECS service costs only on Fargate, a gateway VPC endpoint is free. Types not listed are
 * free to create (VPCs, subnets, route tables, security groups, IAM, listeners, target groups,
 * launch templates, task definitions, subnet/parameter groups, KMS aliases, X-Ray groups with
 * Insights off, EKS add-ons, Auto Scaling policies, the internet gateway, budgets without actions, backup vaults —
 * the storage in a vault is metered on the backup plan that fills it — and flow logs, whose cost
 * is the ingestion and storage of the log group they deliver to).
 */
export const BILLABLE_TYPES: Readonly<Record<string, { readonly why: string; readonly applies?: (r: ModelResource) => boolean }>> = {
  'AWS::EC2::Instance': { why: 'EC2 instance-hours and EBS' },
  'AWS::AutoScaling::AutoScalingGroup': { why: 'its EC2 instances (instance-hours, EBS, public IPv4)' },
  'AWS::EKS::Nodegroup': { why: 'the node group’s EC2 instances and their volumes' },
  'AWS::EC2::Volume': { why: 'EBS GB-months' },
  'AWS::EC2::NatGateway': { why: 'NAT gateway hours and GB processed' },
  'AWS::EC2::EIP': { why: 'public IPv4 address hours' },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { why: 'load balancer hours, LCU-hours, public IPv4 and the data it sends to the internet' },
  'AWS::EKS::Cluster': { why: 'EKS cluster hours (and extended support)' },
  'AWS::EKS::FargateProfile': { why: 'EKS Fargate vCPU-hours and GB-hours of the pods it selects' },
  'AWS::ECS::Service': {
    why: 'Fargate vCPU-hours and GB-hours',
    applies: (r) => {
      const p = r.properties as Record<string, unknown>;
      if (p.LaunchType === 'FARGATE') return true;
      const strategy = p.CapacityProviderStrategy;
      return Array.isArray(strategy) && strategy.some((s) => /^FARGATE/.test(String((s as Record<string, unknown>).CapacityProvider)));
    },
  },
  // A task definition costs nothing until something runs it; dex's database migration step runs
  // its own with RunTask from CI (no ECS service), so the Fargate time is metered there.
  'AWS::ECS::TaskDefinition': { why: 'Fargate vCPU-hours and GB-hours of the database migration task (RunTask)', applies: (r) => r.logicalId.endsWith('DatabaseMigrationTaskDefinition') },
  'AWS::RDS::DBInstance': { why: 'instance-hours, storage and backup' },
  'AWS::RDS::DBCluster': { why: 'Aurora storage and I/O' },
  'AWS::ElastiCache::ReplicationGroup': { why: 'cache node-hours' },
  'AWS::ElastiCache::CacheCluster': { why: 'cache node-hours' },
  'AWS::ElastiCache::ServerlessCache': { why: 'ECPU and GB-hours' },
  'AWS::Logs::LogGroup': { why: 'log ingestion and storage' },
  'AWS::CloudWatch::Alarm': { why: 'alarm metric-months' },
  'AWS::CloudWatch::CompositeAlarm': { why: 'composite alarm-months' },
  'AWS::CloudWatch::Dashboard': { why: 'dashboard-months (beyond an account’s first three)' },
  'AWS::WAFv2::WebACL': { why: 'web ACL, rules and requests' },
  'AWS::SecretsManager::Secret': { why: 'secret-months and API calls' },
  'AWS::Cognito::UserPool': { why: 'monthly active users, at the rate of its feature plan' },
  'AWS::KMS::Key': { why: 'key-months and requests' },
  'AWS::ECR::Repository': { why: 'image storage' },
  // Free itself; the repositories the pull-through cache creates from it store images.
  'AWS::ECR::RepositoryCreationTemplate': { why: 'storage of the images the pull-through cache creates repositories for' },
  'AWS::EC2::VPCEndpoint': {
    why: 'interface endpoint hours per zone and GB processed',
    applies: (r) => {
      const type = (r.properties as Record<string, unknown>).VpcEndpointType;
      return type === 'Interface' || type === 'GatewayLoadBalancer';
    },
  },
  'AWS::Backup::BackupPlan': { why: 'backup storage and cross-region copies' },
  // A budget without actions is free (AWS Budgets pricing page); actions are their own resource.
  'AWS::Budgets::BudgetsAction': { why: 'action-enabled budgets beyond an account’s first two, $0.10 a day each' },
  'AWS::SNS::Topic': { why: 'publishes beyond the first million a month' },
  // Deliveries to SQS queues are free (Amazon SNS pricing page); e-mail and HTTPS are billed.
  'AWS::SNS::Subscription': { why: 'deliveries (e-mail beyond the first 1,000 a month)', applies: (r) => (r.properties as Record<string, unknown>).Protocol !== 'sqs' },
  'AWS::XRay::SamplingRule': { why: 'traces recorded and retrieved' },
  'AWS::CodeBuild::Project': { why: 'build minutes' },
  'AWS::CodePipeline::Pipeline': { why: 'active pipelines or action minutes' },
  'AWS::Route53::HostedZone': { why: 'hosted zone-months and queries' },
  'AWS::ServiceDiscovery::PrivateDnsNamespace': { why: 'the Route 53 private hosted zone Cloud Map keeps for it' },
  'AWS::ServiceDiscovery::Service': { why: 'registered instances and discovery API calls' },
  'AWS::S3::Bucket': { why: 'storage and requests' },
};

export function isBillable(r: ModelResource): boolean {
  const rule = BILLABLE_TYPES[r.type];
  return rule !== undefined && (rule.applies?.(r) ?? true);
}

/** Usage assumptions and the meter that prices them: set in the spec but metered nowhere → unpriced. */
const USAGE_METERS: readonly { readonly key: string; readonly meter: MeterName; readonly why: (spec: NormalizedSpec) => string }[] = [
  { key: 'dataTransferOutGiB', meter: 'dataTransfer.out', why: () => 'this environment has no internet-facing load balancer, which is where dex meters data sent to the internet' },
  {
    key: 'natProcessedGiB',
    meter: 'nat.processed',
    why: (spec) => (spec.network.imported ? `the NAT gateways are the imported VPC's (${spec.network.imported.vpcId}), not dex's: see its unpriced entry` : 'this environment has no NAT gateway (network.natGateways: none)'),
  },
  { key: 'logsIngestedGiB', meter: 'logs.ingest', why: () => 'this environment has no log group that takes application logs' },
  { key: 'wafRequestsPerMonth', meter: 'waf.requests', why: () => 'this environment has no web ACL' },
  { key: 'xrayTracesPerMonth', meter: 'xray.traces', why: () => 'tracing is off (monitoring.tracing: none)' },
  {
    key: 'customMetrics',
    meter: 'cloudwatch.metric',
    why: () => 'the applications publish custom metrics and dex prices them on the environment’s CloudWatch dashboard, which this environment does not have ($0.30 per metric-month for the first 10,000 in us-east-1)',
  },
  {
    key: 'ciBuildMinutesPerMonth',
    meter: 'codebuild.minutes',
    why: (spec) =>
      spec.cicd?.provider === 'github-actions'
        ? 'builds run on GitHub Actions (cicd.provider: github-actions): GitHub bills those minutes, not AWS'
        : 'no build project in this environment’s resources meters build minutes',
  },
];

// ---------------------------------------------------------------------------------------------

/** Every Price List query the targets need, for a live source to prefetch. */
export function planQueries(targets: readonly PlanTarget[]): PriceQuery[] {
  const seen = new Map<string, PriceQuery>();
  for (const t of targets) for (const q of collectQueries(t.model.resources, t.spec.region)) seen.set(JSON.stringify(q), q);
  return [...seen.values()];
}

const toCents = (usd: number): number => Math.round(usd * 100);
const fromCents = (cents: number): number => cents / 100;

function sum(lines: readonly { monthlyUsd: { min: number; max: number } }[]): MoneyRange {
  let min = 0;
  let max = 0;
  for (const l of lines) {
    min += toCents(l.monthlyUsd.min);
    max += toCents(l.monthlyUsd.max);
  }
  return { monthlyMin: fromCents(min), monthlyMax: fromCents(max) };
}

export function planEnvironment(target: PlanTarget, source: PriceSource, options: PlanOptions = {}): EnvironmentPlan {
  const resources = target.model.resources;
  const byId = new Map(resources.map((r) => [r.logicalId, r]));
  const spotDiscountPercent = target.spec.usage.spotDiscountPercent;
  const priced = priceMeters(resources, target.spec.region, source, spotDiscountPercent !== undefined ? { spotDiscountPercent } : {});

  const lineItems: PlanLineItem[] = priced.lineItems.map((l) => ({ ...l, layer: byId.get(l.resource)!.layer }));
  const unpriced: PlanUnpriced[] = priced.unpriced.map((u) => {
    const r = byId.get(u.resource);
    return { resource: u.resource, resourceType: r?.type ?? '', layer: r?.layer, meter: u.meter, reason: u.reason };
  });

  const coverageGaps: EnvironmentPlan['coverageGaps'][number][] = [];
  for (const r of resources) {
    if (!isBillable(r) || r.usage.length > 0) continue;
    const why = BILLABLE_TYPES[r.type]!.why;
    coverageGaps.push({ resource: r.logicalId, resourceType: r.type, why });
    unpriced.push({ resource: r.logicalId, resourceType: r.type, layer: r.layer, meter: '(none)', reason: `billable (${why}) but dex has no usage meter for it: not priced` });
  }

  const meters = new Set(resources.flatMap((r) => r.usage.map((u) => u.meter)));
  const usage = target.spec.usage as Readonly<Record<string, unknown>>;
  for (const u of USAGE_METERS) {
    const value = usage[u.key];
    if (typeof value !== 'number' || value <= 0 || meters.has(u.meter)) continue;
    unpriced.push({ resource: `usage.${u.key}`, resourceType: '', layer: undefined, meter: u.meter, reason: `usage.${u.key} is ${value}, but ${u.why(target.spec)}` });
  }

  const imported = target.spec.network.imported;
  if (imported) unpriced.push(importedVpcEntry(target.spec, imported.vpcId));
  unpriced.push(...existingSecretEntries(target.spec));

  const layers: LayerPlan[] = [];
  for (const layer of LAYER_ORDER) {
    const ls = lineItems.filter((l) => l.layer === layer);
    const us = unpriced.filter((u) => u.layer === layer);
    if (ls.length === 0 && us.length === 0) continue;
    layers.push({ layer, lineItems: ls, unpriced: us, totals: sum(ls) });
  }
  const totals = sum(lineItems);
  const budget = target.spec.budget;
  const spotLines = lineItems.filter((l) => l.spot);
  const byService = options.byService && !target.bootstrap ? costByService(target.spec, resources, lineItems, unpriced) : undefined;
  const commitment = options.commitment ? planCommitment({ lineItems, unpriced, totals, region: target.spec.region }, options.commitment) : undefined;
  return {
    environment: target.environment,
    region: target.spec.region,
    resources: resources.length,
    layers,
    lineItems,
    unpriced,
    totals,
    budget: budget
      ? {
          monthlyUsd: budget.monthlyUsd,
          thresholdPercent: budget.thresholdPercent,
          alertEmails: budget.alertEmails,
          exceeded: totals.monthlyMax > budget.monthlyUsd,
          exceededAtMin: totals.monthlyMin > budget.monthlyUsd,
          overByUsd: totals.monthlyMax > budget.monthlyUsd ? fromCents(toCents(totals.monthlyMax) - toCents(budget.monthlyUsd)) : 0,
        }
      : undefined,
    spot: spotLines.length ? spotSummary(spotLines, spotDiscountPercent) : undefined,
    ...(commitment ? { commitment } : {}),
    ...(byService ? { byService } : {}),
    coverageGaps,
    model: target.model,
  };
}

function spotSummary(lines: readonly PlanLineItem[], discountPercent: number | undefined): SpotSummary {
  const onDemand = sum(lines.map((l) => ({ monthlyUsd: l.spot!.onDemandMonthlyUsd })));
  const priced = sum(lines);
  const n = lines.length === 1 ? '1 Spot line' : `${lines.length} Spot lines`;
  const are = lines.length === 1 ? 'is' : 'are';
  const note =
    discountPercent === undefined
      ? `${n} (${usdText(onDemand.monthlyMin)}–${usdText(onDemand.monthlyMax)}) ${are} in the totals at the on-demand price, Spot's ceiling: ${lines.length === 1 ? 'its' : 'their'} lowest price is not known, so the minimum shows no Spot saving. Declare usage.spotDiscountPercent (from your region's Spot price history) to price it.`
      : `${n}: the minimum assumes Spot at ${discountPercent}% below on-demand (usage.spotDiscountPercent: ${usdText(priced.monthlyMin)} instead of ${usdText(onDemand.monthlyMin)}), the maximum is the on-demand price, Spot's ceiling. Spot prices move with demand: the saving is your assumption, not a quote.`;
  return { lines: lines.length, discountPercent: discountPercent ?? null, onDemand, priced, note };
}

/**
 * An imported VPC costs this plan nothing dex creates, but it is not free: its NAT gateways, public
 * addresses and transit bill whoever runs it. Said once, unpriced, so nobody reads the total as the
 * environment's whole network bill.
 */
function importedVpcEntry(spec: NormalizedSpec, vpcId: string): PlanUnpriced {
  const nat = spec.network.natGateways === 'none' ? 'no NAT gateway (natGateways: none)' : `NAT gateways (natGateways: ${spec.network.natGateways}: its private subnets route to them)`;
  return {
    resource: 'network.vpcId',
    resourceType: 'AWS::EC2::VPC',
    layer: 'network',
    meter: 'nat.hours',
    reason: `${vpcId} is imported, not created by dex: its ${nat}, public IPv4 addresses and data processed are billed to the VPC's owner and are not in this plan`,
  };
}

/**
 * An existing secret (secrets.<name>.existing) is not created by dex: its secret-month (Secrets
 * Manager) or its parameter (SSM) bills whoever owns it. Listed so the plan says why it has no line.
 */
function existingSecretEntries(spec: NormalizedSpec): PlanUnpriced[] {
  return Object.values(spec.secrets ?? {})
    .filter((x) => x.existing !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((x) => {
      const e = x.existing!;
      const ssm = e.store === 'ssm';
      return {
        resource: `secrets.${x.name}`,
        resourceType: ssm ? 'AWS::SSM::Parameter' : 'AWS::SecretsManager::Secret',
        layer: 'security' as const,
        meter: ssm ? '(none)' : 'secretsmanager.secret',
        reason: `existing ${ssm ? 'SSM parameter' : 'secret'} ${e.id}, not created by dex: ${ssm ? 'its parameter tier and API calls are' : 'its secret-month is'} billed to its owner and not in this plan`,
      };
    });
}

/** $1,234.56, for notes written here (the renderers have their own). */
function usdText(value: number): string {
  const cents = Math.round(value * 100);
  return `$${Math.floor(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${(cents % 100).toString().padStart(2, '0')}`;
}

/** Prices every target with one source. */
export function buildPlan(targets: readonly PlanTarget[], source: PriceSource, options: PlanOptions = {}): Plan {
  const environments = targets.map((t) => planEnvironment(t, source, options));
  return {
    currency: CURRENCY,
    ...(options.commitment ? { commitment: options.commitment } : {}),
    hoursPerMonth: HOURS_PER_MONTH,
    pricing: { source: source.name, asOf: source.asOf },
    rounding: ROUNDING_RULE,
    environments,
    warnings: [...(source.warnings ?? [])],
  };
}
