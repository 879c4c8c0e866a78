// The cost model (compiler/plan.ts): every billable resource dex emits has a line item or an
// explicit unpriced entry; totals are the sums of the lines; min ≤ max; the staging overlay shows
// in the numbers; the budget building block is valid CloudFormation. Also keeps the generated
// tables of docs/cost.md in step with the tool (UPDATE_GOLDEN=1 rewrites them).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { compileEmit, emitTargets } from '../../pipeline/emit.js';
import type { ModelResource } from '../../compiler/model/types.js';
import { BILLABLE_TYPES, buildPlan, isBillable, planQueries, type EnvironmentPlan, type Plan } from '../../compiler/pricing/plan.js';
import { planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { usd } from '../../cli/plan-render.js';
import { budget } from '../../services/budget.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { expectGoldenBlock } from '../support/golden.js';
import { AT_FIXED_DATE, fixedClock } from '../support/clock.js';

const REFERENCE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const EXAMPLES = ['examples/dex-mobile-v6/dex.yaml', 'examples/minimal/dex.yaml', 'examples/large/dex.yaml'];
const snapshot = loadSnapshotSource();

/**
 * Types dex emits that cost nothing to have (their cost, if any, is metered elsewhere). A new
 * type must be put here or in BILLABLE_TYPES: an unclassified type fails the cross-check.
 */
const FREE_TYPES = new Set([
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::Route', 'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::NetworkAcl', 'AWS::EC2::NetworkAclEntry', 'AWS::EC2::SubnetNetworkAclAssociation',
  'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::FlowLog', 'AWS::EC2::VPCEndpoint',
  'AWS::IAM::Role', 'AWS::IAM::InstanceProfile', 'AWS::IAM::OIDCProvider', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy',
  'AWS::KMS::Alias', 'AWS::SecretsManager::SecretTargetAttachment',
  'AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::WAFv2::WebACLAssociation', 'AWS::ECS::Cluster', 'AWS::ECS::TaskDefinition', 'AWS::ECS::Service', 'AWS::EKS::Addon',
  'AWS::EKS::AccessEntry', 'AWS::EKS::PodIdentityAssociation',
  // Its registered instance is metered on the Cloud Map service it belongs to.
  'AWS::ServiceDiscovery::Instance',
  'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy', 'AWS::AutoScaling::ScalingPolicy',
  'AWS::AutoScaling::LifecycleHook', 'AWS::RDS::DBSubnetGroup', 'AWS::RDS::DBParameterGroup', 'AWS::ElastiCache::SubnetGroup', 'AWS::ElastiCache::User', 'AWS::ElastiCache::UserGroup',
  'AWS::Budgets::Budget', 'AWS::ElastiCache::ParameterGroup', 'AWS::Backup::BackupVault', 'AWS::Backup::BackupSelection', 'AWS::XRay::Group',
  'AWS::Logs::MetricFilter', 'AWS::SNS::TopicPolicy', 'AWS::Events::Rule', 'AWS::S3::BucketPolicy',
  // RDS event notifications are free; the alarm topic's deliveries are metered on the topic.
  'AWS::RDS::EventSubscription',
  // CodeDeploy to ECS and EC2 is free (only on-premises instances are billed).
  'AWS::CodeDeploy::Application', 'AWS::CodeDeploy::DeploymentGroup',
  // The first copy of management events in each region is free and dex enables no data events;
  // the trail's bucket carries the storage meter. WAF logging costs the log group's ingestion.
  'AWS::CloudTrail::Trail', 'AWS::WAFv2::LoggingConfiguration',
  // A user pool's app clients, hosted domain and groups cost nothing; its monthly active users are metered on the pool.
  'AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolDomain', 'AWS::Cognito::UserPoolGroup',
  // The default security group's custom resource: one invocation per stack update, fractions of a cent.
  'AWS::Lambda::Function', 'Custom::RestrictDefaultSecurityGroup',
  // The Grafana admin password's rotation: four invocations every 30 days (Lambda's free tier);
  // the permission and the schedule are free, the secret carries its own meter.
  'AWS::Lambda::Permission', 'AWS::SecretsManager::RotationSchedule',
]);

function analyse(file: string, environment?: string) {
  const analysis = analyzeSpec(readFileSync(file), file, { today: fixedClock, ...(environment ? { environment } : {}) });
  expect(analysis.ok, JSON.stringify(analysis.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
  return analysis;
}

function plan(file: string, environment?: string): Plan {
  return buildPlan(planTargets(analyse(file, environment), environment), snapshot);
}

const cents = (n: number) => Math.round(n * 100);
const sumCents = (xs: readonly number[]) => xs.reduce((a, b) => a + cents(b), 0);

describe.each([REFERENCE, ...EXAMPLES])('%s', (file) => {
  const p = plan(file);

  it('prices every billable resource dex emits, or says why not (the cross-check)', () => {
    for (const env of p.environments) {
      const output = compileEmit(emitTargets(analyse(file)).find((c) => (c.environment ?? 'default') === env.environment)!);
      // What `dex emit` writes is what was priced: same resources, same order.
      expect(output.model.resources.map((r) => `${r.type} ${r.logicalId}`)).toEqual(env.model.resources.map((r) => `${r.type} ${r.logicalId}`));
      const emitted = new Set(output.plan.stacks.flatMap((s) => Object.keys((parse(output.files.find((f) => f.path.endsWith(`${s.name}.yaml`))?.content ?? 'Resources: {}') as { Resources?: object }).Resources ?? {})));
      expect(emitted.size).toBe(output.model.resources.length);

      const unclassified = [...new Set(env.model.resources.map((r) => r.type))].filter((t) => !(t in BILLABLE_TYPES) && !FREE_TYPES.has(t));
      expect(unclassified, 'resource types neither billable nor known free').toEqual([]);
      const billable = env.model.resources.filter(isBillable);
      expect(billable.length).toBeGreaterThan(5);
      expect(env.coverageGaps, 'billable resources without a usage meter').toEqual([]);
      for (const r of billable) {
        expect(r.usage.length, `${r.logicalId} (${r.type}) has no usage meter`).toBeGreaterThan(0);
        for (const m of r.usage) {
          const accounted =
            env.lineItems.some((l) => l.resource === r.logicalId && l.meter === m.meter) || env.unpriced.some((u) => u.resource === r.logicalId && u.meter === m.meter);
          expect(accounted, `${r.logicalId} ${m.meter}: neither a line item nor an unpriced entry`).toBe(true);
        }
      }
      // No resource outside the billable list carries a meter (the two lists agree).
      const meteredFree = env.model.resources.filter((r: ModelResource) => r.usage.length > 0 && !isBillable(r)).map((r) => r.type);
      expect([...new Set(meteredFree)]).toEqual([]);
      for (const u of env.unpriced) expect(u.reason.length, `${u.resource} ${u.meter}`).toBeGreaterThan(20);
    }
  });

  it('adds up: layer totals and environment totals are the sums of the rounded lines; min ≤ max', () => {
    for (const env of p.environments) {
      for (const l of env.lineItems) {
        expect(l.quantity.min).toBeLessThanOrEqual(l.quantity.max);
        expect(l.monthlyUsd.min).toBeLessThanOrEqual(l.monthlyUsd.max);
        expect(Math.abs(l.monthlyUsd.max * 100 - cents(l.monthlyUsd.max))).toBeLessThan(1e-6); // whole cents
        expect(l.arithmetic).toContain(usd(l.monthlyUsd.max));
      }
      for (const layer of env.layers) {
        expect(cents(layer.totals.monthlyMin)).toBe(sumCents(layer.lineItems.map((l) => l.monthlyUsd.min)));
        expect(cents(layer.totals.monthlyMax)).toBe(sumCents(layer.lineItems.map((l) => l.monthlyUsd.max)));
        expect(layer.lineItems.every((l) => l.layer === layer.layer)).toBe(true);
      }
      expect(cents(env.totals.monthlyMin)).toBe(sumCents(env.lineItems.map((l) => l.monthlyUsd.min)));
      expect(cents(env.totals.monthlyMax)).toBe(sumCents(env.layers.map((l) => l.totals.monthlyMax)));
      expect(env.totals.monthlyMin).toBeLessThanOrEqual(env.totals.monthlyMax);
      expect(env.layers.flatMap((l) => l.lineItems)).toHaveLength(env.lineItems.length);
    }
  });
});

describe('the reference spec', () => {
  const p = plan(REFERENCE);
  const env = (name: string) => p.environments.find((e) => e.environment === name)!;
  const line = (e: EnvironmentPlan, resource: string, meter: string) => e.lineItems.find((l) => l.resource === resource && l.meter === meter)!;

  it('plans staging and production with snapshot prices of ap-south-1', () => {
    expect(p.environments.map((e) => e.environment)).toEqual(['staging', 'production']);
    expect(p.pricing).toEqual({ source: 'snapshot', asOf: snapshot.asOf });
    expect(p.hoursPerMonth).toBe(730);
    for (const e of p.environments) expect(e.region).toBe('ap-south-1');
  });

  it('differs between staging and production exactly where the overlay says', () => {
    const staging = env('staging');
    const production = env('production');
    // kyc-service and aml-service: scaling.min 1 in staging, 2 in production; max 8 in both.
    for (const svc of ['KycServiceEcsService', 'AmlServiceEcsService']) {
      expect(line(staging, svc, 'fargate.vcpu').quantity).toEqual({ min: 730, max: 5840 });
      expect(line(production, svc, 'fargate.vcpu').quantity).toEqual({ min: 1460, max: 5840 });
    }
    expect(line(staging, 'ChartApiServiceEcsService', 'fargate.vcpu')).toEqual(line(production, 'ChartApiServiceEcsService', 'fargate.vcpu'));
    // postgres: Single-AZ in staging, Multi-AZ in production, each its own Price List product.
    const rds = (e: EnvironmentPlan) => e.lineItems.find((l) => l.resource === 'PostgresDatabase' && l.meter === 'rds.instance')!;
    expect([rds(staging).usageType, rds(staging).unitPriceUsd]).toEqual(['InstanceUsage:db.t3.medium', 0.106]);
    expect([rds(production).usageType, rds(production).unitPriceUsd]).toEqual(['Multi-AZUsage:db.t3.medium', 0.212]);
    expect(staging.totals.monthlyMin).toBeLessThan(production.totals.monthlyMin);
    expect(staging.totals.monthlyMax).toBeLessThan(production.totals.monthlyMax);
  });

  it('shows the costs the seed table leaves out: NAT, public IPv4, ALB, WAF, EKS extended support, data transfer', () => {
    const production = env('production');
    const meters = new Set(production.lineItems.map((l) => l.meter));
    for (const m of ['nat.hours', 'ipv4.public', 'alb.hours', 'waf.requests', 'dataTransfer.out']) expect(meters).toContain(m);
    expect(production.lineItems.filter((l) => l.meter === 'eks.cluster').map((l) => l.usageType)).toEqual(['AmazonEKS-Hours:perCluster', 'AmazonEKS-Hours:extendedSupport']);
  });

  it('has no budget, so no budget check', () => {
    expect(p.environments.every((e) => e.budget === undefined)).toBe(true);
  });

  it('collects each Price List query once, for a live source to prefetch', () => {
    const qs = planQueries(planTargets(analyse(REFERENCE)));
    expect(qs.length).toBeGreaterThan(10);
    expect(new Set(qs.map((q) => JSON.stringify(q))).size).toBe(qs.length);
  });
});

describe('usage.customMetrics', () => {
  it('is priced on the first dashboard (the applications publish the metrics); without a dashboard it is unpriced with why', () => {
    const withDashboard = plan('examples/dex-mobile-v6/dex.yaml', 'production').environments[0]!;
    const line = withDashboard.lineItems.find((l) => l.meter === 'cloudwatch.metric')!;
    expect(line).toMatchObject({ resource: 'Dashboard', quantity: { min: 50, max: 50 } });
    expect(line.monthlyUsd.max).toBeGreaterThan(0);
    expect(withDashboard.unpriced.map((u) => u.resource)).not.toContain('usage.customMetrics');
    const text = readFileSync('examples/dex-mobile-v6/dex.yaml', 'utf8').replace('  dashboard: true', '  dashboard: false');
    const analysis = analyzeSpec(new TextEncoder().encode(text), 'examples/dex-mobile-v6/dex.yaml', { today: fixedClock, environment: 'production' });
    const without = buildPlan(planTargets(analysis, 'production'), snapshot).environments[0]!;
    expect(without.lineItems.some((l) => l.meter === 'cloudwatch.metric')).toBe(false);
    expect(without.unpriced.find((u) => u.resource === 'usage.customMetrics')!.reason).toMatch(/dex prices them on the environment’s CloudWatch dashboard, which this environment does not have/);
  });
});

describe('budget', () => {
  const withBudget = (extra: string) => {
    const text = `${readFileSync(REFERENCE, 'utf8')}\n${extra}\n`;
    const analysis = analyzeSpec(new TextEncoder().encode(text), 'dex.yaml', { today: fixedClock });
    expect(analysis.ok).toBe(true);
    return analysis;
  };

  it('checks the maximum against budget.monthlyUsd, per environment', () => {
    const p = buildPlan(planTargets(withBudget('budget: { monthlyUsd: 1000, alertEmails: [finance@example.com] }')), snapshot);
    for (const e of p.environments) {
      expect(e.budget).toMatchObject({ monthlyUsd: 1000, thresholdPercent: 80, alertEmails: ['finance@example.com'], exceeded: true });
      expect(e.budget!.overByUsd).toBeCloseTo(e.totals.monthlyMax - 1000, 2);
    }
    const roomy = buildPlan(planTargets(withBudget('budget: { monthlyUsd: 100000 }')), snapshot);
    expect(roomy.environments.every((e) => e.budget?.exceeded === false && e.budget.overByUsd === 0)).toBe(true);
  });

  it('becomes a valid AWS::Budgets::Budget: COST, monthly, ACTUAL and FORECASTED alerts, scoped by the dex tags', () => {
    const analysis = withBudget('budget: { monthlyUsd: 1500, alertEmails: [finance@example.com, ops@example.com], thresholdPercent: 90 }');
    const spec = analysis.compiled.find((c) => c.environment === 'production')!.spec;
    const [r, ...rest] = budget.build(spec, AT_FIXED_DATE);
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ type: 'AWS::Budgets::Budget', layer: 'monitoring', logicalId: 'MonthlyBudget' });
    const props = r!.properties as Record<string, any>;
    expect(props.Budget).toMatchObject({ BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 1500, Unit: 'USD' }, BudgetName: 'dex-mobile-v6-production' });
    expect(props.Budget.FilterExpression.And).toEqual([
      { Tags: { Key: 'dex:system', Values: ['dex-mobile-v6'], MatchOptions: ['EQUALS'] } },
      { Tags: { Key: 'dex:environment', Values: ['production'], MatchOptions: ['EQUALS'] } },
    ]);
    expect(props.NotificationsWithSubscribers.map((n: any) => n.Notification)).toEqual([
      { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 90, ThresholdType: 'PERCENTAGE' },
      { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 90, ThresholdType: 'PERCENTAGE' },
    ]);
    expect(props.NotificationsWithSubscribers[0].Subscribers).toEqual([
      { SubscriptionType: 'EMAIL', Address: 'finance@example.com' },
      { SubscriptionType: 'EMAIL', Address: 'ops@example.com' },
    ]);
    expect(validateTemplate({ AWSTemplateFormatVersion: '2010-09-09', Resources: { [r!.logicalId]: { Type: r!.type, Properties: r!.properties } } })).toEqual([]);
    // Without alertEmails, the monitoring notify address is told.
    const fallback = withBudget('budget: { monthlyUsd: 1500 }').compiled.find((c) => c.environment === 'production')!.spec;
    expect((budget.build(fallback, AT_FIXED_DATE)[0]!.properties as any).NotificationsWithSubscribers[0].Subscribers).toEqual([{ SubscriptionType: 'EMAIL', Address: 'oncall@example.com' }]);
  });

  it('is emitted by dex emit in the monitoring stack; free (no actions), so no line and nothing unpriced in dex plan', () => {
    const analysis = withBudget('budget: { monthlyUsd: 1500, alertEmails: [finance@example.com] }');
    const out = compileEmit(emitTargets(analysis, 'production')[0]!);
    const monitoring = out.files.find((f) => /monitoring\.yaml$/.test(f.path))!;
    expect(parse(monitoring.content).Resources.MonthlyBudget.Type).toBe('AWS::Budgets::Budget');
    const p = buildPlan(planTargets(analysis, 'production'), snapshot);
    // AWS Budgets bills nothing for a budget without actions: not a line, not an unknown.
    expect(p.environments[0]!.unpriced.find((u) => u.resource === 'MonthlyBudget')).toBeUndefined();
    expect(p.environments[0]!.lineItems.find((l) => l.resource === 'MonthlyBudget')).toBeUndefined();
    expect(isBillable(analysis.ok ? planTargets(analysis, 'production')[0]!.model.resources.find((r) => r.logicalId === 'MonthlyBudget')! : (undefined as never))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// docs/cost.md: the numbers come from the tool. Between the markers the file is generated.

const BEGIN = '<!-- BEGIN dex plan (generated by test/compiler/plan.test.ts; UPDATE_GOLDEN=1 rewrites it) -->';
const END = '<!-- END dex plan -->';

const README_BEGIN = '<!-- BEGIN reference vs seed (generated by test/compiler/plan.test.ts; UPDATE_GOLDEN=1 rewrites it) -->';
const README_END = '<!-- END reference vs seed -->';

/** The README's short version of docs/cost.md: the seed's cost table, row by row, against dex's plan. */
function readmeSeedTable(p: Plan): string {
  const e = p.environments.find((x) => x.environment === 'production')!;
  const sum = (ls: readonly (typeof e.lineItems)[number][]) => ({ min: sumCents(ls.map((l) => l.monthlyUsd.min)) / 100, max: sumCents(ls.map((l) => l.monthlyUsd.max)) / 100 });
  const range = (g: { min: number; max: number }) => (g.min === g.max ? usd(g.min) : `${usd(g.min)}–${usd(g.max)}`);
  const rows: [string, string, (l: (typeof e.lineItems)[number]) => boolean, string][] = [
    ['EKS Cluster (t3.medium × 2–10)', '$150–750', (l) => l.resource === 'EksNodeGroupDefault' || l.resource === 'EksCluster', 'nodes (EC2 + EBS), control plane, extended support'],
    ['ECS Tasks (1 vCPU, 2 GB × 2–8)', '$100–400', (l) => l.resource.endsWith('EcsService'), 'three Fargate services, vCPU + memory'],
    ['EC2 Monitoring (t3.small × 1–2)', '$30–60', (l) => l.resource === 'MonitoringServiceAutoScalingGroup', 'EC2 + EBS'],
    ['RDS PostgreSQL (db.t3.medium)', '$120', (l) => l.resource === 'PostgresDatabase' && l.meter === 'rds.instance', 'Multi-AZ instance hours'],
    ['ElastiCache Redis (cache.t3.micro × 1–3)', '$25–75', (l) => l.resource === 'RedisCache', 'node hours'],
  ];
  const out = ['| seed row | seed | dex, production in ap-south-1 | what dex counts |', '|---|---:|---:|---|'];
  const used = new Set<(typeof e.lineItems)[number]>();
  for (const [seed, seedUsd, pred, what] of rows) {
    const ls = e.lineItems.filter(pred);
    ls.forEach((l) => used.add(l));
    out.push(`| ${seed} | ${seedUsd} | ${ls.length ? range(sum(ls)) : 'unpriced'} | ${what} |`);
  }
  out.push(`| **the seed's rows** | **$425–1,405** | **${range(sum([...used]))}** | |`);
  const rest = e.lineItems.filter((l) => !used.has(l));
  out.push(`| not in the seed's table | — | ${range(sum(rest))} | ${rest.length} lines: NAT, ALB, WAF, endpoints, logs, storage, backups, data transfer, … |`);
  const unknownQuantity = e.unpriced.filter((u) => u.reason.startsWith('quantity not known: '));
  const noPrice = e.unpriced.filter((u) => !unknownQuantity.includes(u));
  const meters = (us: typeof e.unpriced) => [...new Set(us.map((u) => u.meter))].join(', ');
  out.push(`| **total** | | **${range({ min: e.totals.monthlyMin, max: e.totals.monthlyMax })}** | plus ${noPrice.length} items no public source prices (${meters(noPrice)}) and ${unknownQuantity.length} whose quantity dex does not know (${meters(unknownQuantity)}: logs, backups, notifications; their rates are in docs/cost.md) |`);
  return out.join('\n');
}

/** Production of the reference, priced with the snapshot: the tables docs/cost.md discusses. */
function costDocTables(p: Plan): string {
  const e = p.environments.find((x) => x.environment === 'production')!;
  const out: string[] = [];
  const group = (pred: (l: (typeof e.lineItems)[number]) => boolean) => {
    const ls = e.lineItems.filter(pred);
    return { min: ls.reduce((a, l) => a + cents(l.monthlyUsd.min), 0) / 100, max: ls.reduce((a, l) => a + cents(l.monthlyUsd.max), 0) / 100, lines: ls };
  };
  const range = (g: { min: number; max: number }) => (g.min === g.max ? usd(g.min) : `${usd(g.min)}–${usd(g.max)}`);
  const eksCompute = group((l) => l.resource === 'EksNodeGroupDefault');
  const eksControl = group((l) => l.resource === 'EksCluster' && l.usageType.endsWith('perCluster'));
  const eksExtended = group((l) => l.resource === 'EksCluster' && l.usageType.endsWith('extendedSupport'));
  const ecs = group((l) => l.resource.endsWith('EcsService'));
  const ec2Monitoring = group((l) => l.resource === 'MonitoringServiceAutoScalingGroup');
  const cache = group((l) => l.resource === 'RedisCache');
  const rds = group((l) => l.resource === 'PostgresDatabase' && l.meter === 'rds.instance');
  out.push(`Pricing: ${p.pricing.source} of ${p.pricing.asOf}, ${e.region}, production, ${p.hoursPerMonth} hours a month.`);
  out.push('');
  out.push('| seed row | seed estimate | dex lines | dex estimate (min–max) |');
  out.push('|---|---:|---|---:|');
  out.push(`| EKS Cluster (t3.medium × 2–10) | $150–750 | \`EksNodeGroupDefault\` EC2 + EBS | ${range(eksCompute)} |`);
  out.push(`| | | \`EksCluster\` control plane | ${range(eksControl)} |`);
  out.push(`| | | \`EksCluster\` extended support (Kubernetes 1.31) | ${range(eksExtended)} |`);
  out.push(`| ECS Tasks (1 vCPU, 2 GB × 2–8) | $100–400 | 3 services × Fargate vCPU + memory | ${range(ecs)} |`);
  out.push(`| EC2 Monitoring (t3.small × 1–2) | $30–60 | \`MonitoringServiceAutoScalingGroup\` EC2 + EBS | ${range(ec2Monitoring)} |`);
  out.push(`| RDS PostgreSQL (db.t3.medium) | $120 | \`PostgresDatabase\` instance hours (${rds.lines.map((l) => l.usageType.split(':')[0] === 'Multi-AZUsage' ? 'Multi-AZ' : 'Single-AZ').join(', ') || 'unpriced'}) | ${rds.lines.length ? range(rds) : 'unpriced'} |`);
  out.push(`| ElastiCache Redis (cache.t3.micro × 1–3) | $25–75 | \`RedisCache\` | ${range(cache)} |`);
  const seedRows = new Set([...eksCompute.lines, ...eksControl.lines, ...eksExtended.lines, ...ecs.lines, ...ec2Monitoring.lines, ...rds.lines, ...cache.lines]);
  const inSeed = { min: [...seedRows].reduce((a, l) => a + cents(l.monthlyUsd.min), 0) / 100, max: [...seedRows].reduce((a, l) => a + cents(l.monthlyUsd.max), 0) / 100 };
  out.push(`| **Total** | **$425–1,405** | the rows above | **${range(inSeed)}** |`);
  out.push('');
  out.push('What dex prices that the seed table does not have a row for:');
  out.push('');
  out.push('| layer | what | dex estimate (min–max) |');
  out.push('|---|---|---:|');
  const rest = e.lineItems.filter((l) => !seedRows.has(l));
  const buckets = new Map<string, typeof rest>();
  for (const l of rest) {
    const key = `${l.layer}|${l.service}`;
    buckets.set(key, [...(buckets.get(key) ?? []), l]);
  }
  for (const [key, ls] of [...buckets].sort((a, b) => sumCents(b[1].map((l) => l.monthlyUsd.max)) - sumCents(a[1].map((l) => l.monthlyUsd.max)))) {
    const [layer, service] = key.split('|');
    const resources = [...new Set(ls.map((l) => l.resource))];
    const g = { min: sumCents(ls.map((l) => l.monthlyUsd.min)) / 100, max: sumCents(ls.map((l) => l.monthlyUsd.max)) / 100 };
    out.push(`| ${layer} | ${service}: ${resources.length > 3 ? `${resources.length} resources` : resources.map((r) => `\`${r}\``).join(', ')} | ${range(g)} |`);
  }
  const restTotal = { min: sumCents(rest.map((l) => l.monthlyUsd.min)) / 100, max: sumCents(rest.map((l) => l.monthlyUsd.max)) / 100 };
  out.push(`| | **together** | **${range(restTotal)}** |`);
  out.push('');
  out.push(`**dex total for production: ${range({ min: e.totals.monthlyMin, max: e.totals.monthlyMax })} a month**, plus ${e.unpriced.length} unpriced items:`);
  out.push('');
  const reasons = new Map<string, string[]>();
  for (const u of e.unpriced) reasons.set(`${u.meter}|${u.reason}`, [...(reasons.get(`${u.meter}|${u.reason}`) ?? []), u.resource]);
  out.push('| meter | resources | why it is unpriced |');
  out.push('|---|---|---|');
  for (const [key, rs] of reasons) {
    const [meter, reason] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)];
    out.push(`| ${meter} | ${[...new Set(rs)].map((r) => `\`${r}\``).join(', ')} | ${reason.replace(/\|/g, '\\|')} |`);
  }
  const staging = p.environments.find((x) => x.environment === 'staging')!;
  out.push('');
  out.push(`Staging, for comparison: ${range({ min: staging.totals.monthlyMin, max: staging.totals.monthlyMax })} a month, ${staging.unpriced.length} unpriced.`);
  return out.join('\n');
}

it('docs/cost.md carries the numbers dex computes for the reference spec', () => {
  expectGoldenBlock('docs/cost.md', BEGIN, END, `${BEGIN}\n${costDocTables(plan(REFERENCE))}\n${END}`);
  expectGoldenBlock('README.md', README_BEGIN, README_END, `${README_BEGIN}\n${readmeSeedTable(plan(REFERENCE))}\n${README_END}`);
});
