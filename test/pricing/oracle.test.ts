// The price oracle: the reference spec planned in ap-south-1 and moved to us-east-1, and every unit
// price on the plan compared with the list price read off the sources by hand (the tables below,
// one row per Price List product, each naming where the number is written). A meter mapped to the
// wrong product (Single-AZ for Multi-AZ, the us-east-1 rate in Mumbai, gp2 for gp3) changes a unit
// price and fails here; so does a new line no row explains, or a row no line uses.
//
// Also: what stays unpriced for the reference is exactly the list of items no public source
// prices, each saying so; and every one of the 34 regions prices EC2, RDS, ElastiCache and EBS.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { buildPlan, type Plan } from '../../compiler/pricing/plan.js';
import { meterToQuery, PRICE_LIST_LOCATION } from '../../compiler/pricing/meters.js';
import { planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource, readSnapshotFile } from '../../cli/adapters/snapshot.js';
import type { MeterName, UsageMeter } from '../../compiler/model/types.js';
import { fixedClock } from '../support/clock.js';

const REFERENCE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const snapshot = loadSnapshotSource();

/** The reference moved to us-east-1 (certificate with it, backups to us-west-2, no Indian regulators). */
function referenceIn(region: 'ap-south-1' | 'us-east-1'): string {
  const text = readFileSync(REFERENCE, 'utf8');
  if (region === 'ap-south-1') return text;
  return text
    .replace(/^region: ap-south-1$/m, 'region: us-east-1')
    .replace('arn:aws:acm:ap-south-1:', 'arn:aws:acm:us-east-1:')
    .replace('crossRegionBackupTo: ap-south-2', 'crossRegionBackupTo: us-west-2')
    .replace(/^compliance: .*$/m, 'compliance: [soc2, pci-dss, gdpr]');
}

function planOf(region: 'ap-south-1' | 'us-east-1'): Plan {
  const analysis = analyzeSpec(Buffer.from(referenceIn(region)), `reference-${region}.dex.yaml`, { today: fixedClock });
  expect(analysis.ok, JSON.stringify(analysis.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
  return buildPlan(planTargets(analysis, undefined), snapshot);
}

/** [service, usage type, unit price as the line shows it, its unit, where the number is written]. */
type Row = readonly [string, string, number, string, string];

// Keys as in ../shared/pricing-research.md (R1 §…) and pricing-research-2.md (R2 §…); FEED is
// the pricing-pages feed (data/pricing/sources/aws-pricing-pages.trimmed.json) with its SKU.
const AP_SOUTH_1: readonly Row[] = [
  ['ALB', 'LCUUsage', 0.008, 'LCU-h', 'R2 §1g′ ALB LCU-hour ap-south-1: [T4] billed, [T5]'],
  ['ALB', 'LoadBalancerUsage', 0.0239, 'h', 'R1 §1g [U2] billed APS3-LoadBalancerUsage; R2 §1g′'],
  ['AWS Backup', 'WarmStorage-ByteHrs (RDS)', 0.095, 'GB-month', 'R2 §1j′ AWS Backup RDS recovery points = RDS backup rate (inferred)'],
  ['CloudWatch Logs', 'DataProcessing-Bytes', 0.67, 'GB', 'R2 §1h′ [U12] Price List read 2026-09-17, [T4]'],
  ['CloudWatch Logs', 'TimedStorage-ByteHrs', 0.03, 'GB-month', 'R1 §1h [U13]'],
  ['CloudWatch Logs', 'VendedLog-Bytes', 0.67, 'GB', 'R2 §1h′ vended-log first tier [T18]'],
  ['CloudWatch', 'CW:AlarmMonitorUsage', 0.1, 'alarm-month', 'R1 §1h [U13]'],
  ['CloudWatch', 'DashboardsUsageHour', 3, 'dashboard-month', 'R1 §1h global dashboard'],
  ['Data Transfer', 'DataTransfer-Out-Bytes', 0.1093, 'GB', 'R1 §1g [IC-data_transfer] $1,119.23 / 10,240 GB'],
  ['EBS', 'EBS:VolumeUsage.gp3', 0.0912, 'GB-month', 'R1 §1b [U1]; FEED D7RMW443YWTMZ4V5'],
  ['EC2', 'BoxUsage:t3.medium', 0.0448, 'h', 'R1 §1a [KRR], [U9]; FEED 4NK2QE2HS7XC4TZC'],
  ['EC2', 'BoxUsage:t3.micro', 0.0112, 'h', 'R1 §1a [KRR], [U21]'],
  ['EC2', 'BoxUsage:t3.small', 0.0224, 'h', 'R1 §1a [KRR], [U10]'],
  ['EKS', 'AmazonEKS-Hours:extendedSupport', 0.5, 'h', 'R1 §1c [U1]: extended $0.60 = $0.10 + $0.50'],
  ['EKS', 'AmazonEKS-Hours:perCluster', 0.1, 'h', 'R1 §1c [U1]'],
  ['ElastiCache', 'NodeUsage:cache.t3.micro', 0.021, 'h', 'R1 §1f [LCEC], [VTCACHE]; FEED XZTCQWH2CTD9RTXE'],
  ['Fargate', 'Fargate-ARM-GB-Hours', 0.00261, 'GB-h', 'R1 §1d [U1]'],
  ['Fargate', 'Fargate-ARM-vCPU-Hours:perCPU', 0.02383, 'vCPU-h', 'R1 §1d [U1], [U2]'],
  ['Fargate', 'Fargate-GB-Hours', 0.004655, 'GB-h', 'R1 §1d [U1]'],
  ['Fargate', 'Fargate-vCPU-Hours:perCPU', 0.04256, 'vCPU-h', 'R1 §1d [U1]'],
  ['KMS', 'KMS-Keys', 1, 'key-month', 'R1 §1i [U12], [U13]'],
  ['KMS', 'KMS-Requests', 0.03, '10K requests', 'R1 §1i [U12], [U13]: $0.03 per 10,000'],
  ['NAT Gateway', 'NatGateway-Bytes', 0.056, 'GB', 'R1 §1g [U1], [U2]'],
  ['NAT Gateway', 'NatGateway-Hours', 0.056, 'h', 'R1 §1g [U1], [U2]'],
  ['RDS', 'InstanceUsage:db.t3.medium', 0.106, 'h', 'R2 §1e′ FEED CZ37XU5GSFT79VNN (staging, Single-AZ)'],
  ['RDS', 'Multi-AZUsage:db.t3.medium', 0.212, 'h', 'R2 §1e′ FEED 9ACB95AHGKFBVHU2 (production, Multi-AZ)'],
  ['RDS', 'RDS:ChargedBackupUsage', 0.095, 'GB-month', 'R2 §1e″ [T3], [T4], [T5]'],
  ['RDS', 'RDS:GP3-Storage', 0.131, 'GB-month', 'R2 §1e″ [T2] offer file, [T3], [T1]'],
  ['RDS', 'RDS:Multi-AZ-GP3-Storage', 0.262, 'GB-month', 'R2 §1e″ [T4] billed'],
  ['S3', 'TimedStorage-ByteHrs', 0.025, 'GB-month', 'R2 §1k′ [U9], [T3]'],
  ['SNS', 'Requests-Tier1', 0.5, '1M requests', 'R2 §1k′ [T5]'],
  ['Secrets Manager', 'AWSSecretsManager-APIRequest', 0.05, '10K requests', 'R1 §1i [U2] (uniform price)'],
  ['Secrets Manager', 'AWSSecretsManager-Secrets', 0.4, 'secret-month', 'R1 §1i [U2] (uniform price)'],
  ['VPC', 'PublicIPv4:InUseAddress', 0.005, 'h', 'R1 §1g [U14], [U9], [IPV4]'],
  ['VPC', 'VpcEndpoint-Hours', 0.013, 'h', 'R2 §1g′ [T6] APS3-VpcEndpoint-Hours, [T7]'],
  ['WAF', 'RequestV2-Tier1', 0.6, '1M requests', 'R1 §1i WAF $0.60 per 1M'],
  ['WAF', 'RuleV2', 1, 'rule-month', 'R1 §1i'],
  ['WAF', 'WebACLV2', 5, 'ACL-month', 'R1 §1i'],
  ['X-Ray', 'XRay-TracesStored', 5, '1M traces', 'R1 §1j [AWS-XRAY] one rate'],
];

const US_EAST_1: readonly Row[] = [
  ['ALB', 'LCUUsage', 0.008, 'LCU-h', 'R1 §1g [IC-lb]; R2 §1g′ [T15]'],
  ['ALB', 'LoadBalancerUsage', 0.0225, 'h', 'R1 §1g [IC-lb] $16.43 / 730 h'],
  ['AWS Backup', 'CrossRegion-Copy-Bytes', 0.02, 'GB', 'R2 §1j′ [FM-BACKUP], [IC-data_transfer] us-east-1 → other region'],
  ['CloudWatch Logs', 'DataProcessing-Bytes', 0.5, 'GB', 'R1 §1h [IC-cloudwatch_log_group], [U26]'],
  ['CloudWatch Logs', 'TimedStorage-ByteHrs', 0.03, 'GB-month', 'R1 §1h [IC-cloudwatch_log_group]'],
  ['CloudWatch', 'CW:AlarmMonitorUsage', 0.1, 'alarm-month', 'R1 §1h'],
  ['CloudWatch', 'DashboardsUsageHour', 3, 'dashboard-month', 'R1 §1h'],
  ['Data Transfer', 'DataTransfer-Out-Bytes', 0.09, 'GB', 'R1 §1g first 10 TB'],
  ['EBS', 'EBS:VolumeUsage.gp3', 0.08, 'GB-month', 'R1 §1b [IC-ebs_volume], [U1]'],
  ['EC2', 'BoxUsage:t3.medium', 0.0416, 'h', 'R1 §1a [KARP], [KRR]'],
  ['EC2', 'BoxUsage:t3.micro', 0.0104, 'h', 'R1 §1a [KARP], [KRR]'],
  ['EC2', 'BoxUsage:t3.small', 0.0208, 'h', 'R1 §1a [KARP], [KRR]'],
  ['EKS', 'AmazonEKS-Hours:extendedSupport', 0.5, 'h', 'R1 §1c [AWS-EKS-BLOG], [U15]'],
  ['EKS', 'AmazonEKS-Hours:perCluster', 0.1, 'h', 'R1 §1c [AWS-EKS-BLOG], [IC-eks_cluster]'],
  ['ElastiCache', 'NodeUsage:cache.t3.micro', 0.017, 'h', 'R1 §1f [LCEC], [VTCACHE]; FEED YJHUKPU3DN6YKD58'],
  ['Fargate', 'Fargate-ARM-GB-Hours', 0.00356, 'GB-h', 'R1 §1d [OC-ECS], [U1]'],
  ['Fargate', 'Fargate-ARM-vCPU-Hours:perCPU', 0.03238, 'vCPU-h', 'R1 §1d [OC-ECS], [U1]'],
  ['Fargate', 'Fargate-GB-Hours', 0.004445, 'GB-h', 'R1 §1d [OC-ECS], [IC-ecs_service]'],
  ['Fargate', 'Fargate-vCPU-Hours:perCPU', 0.04048, 'vCPU-h', 'R1 §1d [OC-ECS], [IC-ecs_service]'],
  ['KMS', 'KMS-Keys', 1, 'key-month', 'R1 §1i [IC-kms_key]'],
  ['KMS', 'KMS-Requests', 0.03, '10K requests', 'R1 §1i [IC-kms_key]'],
  ['NAT Gateway', 'NatGateway-Bytes', 0.045, 'GB', 'R1 §1g [IC-nat_gateway], [U1]'],
  ['NAT Gateway', 'NatGateway-Hours', 0.045, 'h', 'R1 §1g [IC-nat_gateway], [U1]'],
  ['RDS', 'InstanceUsage:db.t3.medium', 0.072, 'h', 'R2 §1e′ FEED 2V4Z46C2HCZPQCUW (staging, Single-AZ)'],
  ['RDS', 'Multi-AZUsage:db.t3.medium', 0.145, 'h', 'R2 §1e′ FEED ZK5MCA7TTVR2MRC7 (production: not 2 × 0.072)'],
  ['RDS', 'RDS:ChargedBackupUsage', 0.095, 'GB-month', 'R1 §1e [IC-db_instance], [USAGEAI]'],
  ['RDS', 'RDS:GP3-Storage', 0.115, 'GB-month', 'R1 §1e [IC-db_instance], [USAGEAI]'],
  ['RDS', 'RDS:Multi-AZ-GP3-Storage', 0.23, 'GB-month', 'R1 §1e [IC-db_instance]; R2 §1e″ [T15]'],
  ['S3', 'TimedStorage-ByteHrs', 0.023, 'GB-month', 'R2 §1k′ [T16] offer file, [T15]'],
  ['SNS', 'DeliveryAttempts-SMTP', 2, '100K notifications', 'R2 §1k′ [T15] $0.00002 each'],
  ['SNS', 'Requests-Tier1', 0.5, '1M requests', 'R2 §1k′ [T15] $0.0000005 each'],
  ['Secrets Manager', 'AWSSecretsManager-APIRequest', 0.05, '10K requests', 'R1 §1i [IC-secretsmanager_secret]'],
  ['Secrets Manager', 'AWSSecretsManager-Secrets', 0.4, 'secret-month', 'R1 §1i [IC-secretsmanager_secret]'],
  ['VPC', 'PublicIPv4:InUseAddress', 0.005, 'h', 'R1 §1g [IPV4], [U1]'],
  ['VPC', 'VpcEndpoint-Bytes', 0.01, 'GB', 'R2 §1g′ [T8], [T23] first 1 PB'],
  ['VPC', 'VpcEndpoint-Hours', 0.01, 'h', 'R2 §1g′ [T8], [T9], [T23]'],
  ['WAF', 'RequestV2-Tier1', 0.6, '1M requests', 'R1 §1i [IC-wafv2_web_acl]'],
  ['WAF', 'RuleV2', 1, 'rule-month', 'R1 §1i'],
  ['WAF', 'WebACLV2', 5, 'ACL-month', 'R1 §1i'],
  ['X-Ray', 'XRay-TracesStored', 5, '1M traces', 'R1 §1j [AWS-XRAY], [AWSNEG-XRAY]'],
];

describe.each([
  ['ap-south-1', AP_SOUTH_1],
  ['us-east-1', US_EAST_1],
] as const)('the reference in %s', (region, table) => {
  const plan = planOf(region);
  const lines = plan.environments.flatMap((e) => e.lineItems);

  it('prices every line at the list price its source states, and every row of the table is used', () => {
    const want = new Map(table.map(([service, usageType, price, unit, source]) => [`${service}|${usageType}`, { price, unit, source }]));
    expect(want.size, 'one row per product').toBe(table.length);
    const seen = new Set<string>();
    for (const l of lines) {
      const key = `${l.service}|${l.usageType}`;
      const row = want.get(key);
      expect(row, `${l.resource}: ${key} at ${l.unitPriceUsd}/${l.unit} has no row in the oracle`).toBeDefined();
      expect([l.unitPriceUsd, l.unit], `${l.resource} ${key} (source: ${row!.source})`).toEqual([row!.price, row!.unit]);
      seen.add(key);
    }
    // A meter whose quantity dex does not know is unpriced, its rate quoted in the reason: that rate
    // must be the oracle's too.
    const quoted = new Set(
      plan.environments
        .flatMap((e) => e.unpriced)
        .filter((u) => u.reason.startsWith('quantity not known'))
        .flatMap((u) => [...u.reason.matchAll(/\$([\d.]+)\/([^)]+)\)$/g)].map((m) => `${Number(m[1])}|${m[2]}`)),
    );
    const unused = [...want.entries()].filter(([k, row]) => !seen.has(k) && !quoted.has(`${row.price}|${row.unit}`)).map(([k]) => k);
    expect(unused, 'rows no line of the plan uses or quotes').toEqual([]);
  });
});

describe('what stays unpriced', () => {
  // Each item no public source prices, by resource and meter, with the words that say so.
  const AP_SOUTH_1_UNPRICED: Readonly<Record<string, RegExp>> = {
    // (AlarmEmailSubscription sns.email: its quantity is not known either, and Mumbai has no public price: below.)
    'Ec2Endpoint vpce.processed': /^no public price for VPC interface endpoint data processed in ap-south-1/,
    'EcrApiEndpoint vpce.processed': /^no public price for VPC interface endpoint data processed in ap-south-1/,
    'EcrDkrEndpoint vpce.processed': /^no public price for VPC interface endpoint data processed in ap-south-1/,
    'LogsEndpoint vpce.processed': /^no public price for VPC interface endpoint data processed in ap-south-1/,
    'SecretsmanagerEndpoint vpce.processed': /^no public price for VPC interface endpoint data processed in ap-south-1/,
    'EksContainerInsightsPerformanceLogs containerInsights.observations': /^no public price in dex's sources for Container Insights/,
    'PostgresBackupPlan backup.storage': /^no public price for AWS Backup storage of RDS snapshots in ap-south-2/,
    'PostgresBackupPlan backup.crossRegionTransfer': /^no public price for AWS Backup copy transfer from ap-south-1 to ap-south-2/,
  };

  it('the reference in ap-south-1: only the items without a public price, each saying so and how to get one', () => {
    for (const env of planOf('ap-south-1').environments) {
      // Meters whose quantity dex does not know (log volumes, backups beyond the free allowance,
      // alarm notifications) are unpriced too, never $0: each says why and quotes its known rate.
      const unknownQuantity = env.unpriced.filter((u) => u.reason.startsWith('quantity not known: '));
      for (const u of unknownQuantity) expect(u.reason, `${u.resource} ${u.meter}`).toMatch(/dex has no usage assumption for|is not known|to price it.*\(.* in ap-south-1: \$[\d.]+\/[^)]+\)$/);
      for (const u of unknownQuantity) expect(u.reason, `${u.resource} ${u.meter} quotes its rate, or says there is none`).toMatch(/ in ap-south-1: \$[\d.]+\/[^)]+\)$|; and no public price for .* in ap-south-1/);
      const rest = env.unpriced.filter((u) => !unknownQuantity.includes(u));
      const got = [...new Set(rest.map((u) => `${u.resource} ${u.meter}`))].sort();
      expect(got, env.environment).toEqual(Object.keys(AP_SOUTH_1_UNPRICED).sort());
      for (const u of rest) {
        expect(u.reason, `${u.resource} ${u.meter}`).toMatch(AP_SOUTH_1_UNPRICED[`${u.resource} ${u.meter}`]!);
        expect(u.reason, 'user words, no research keys').not.toMatch(/research|§|\[[A-Z][A-Z0-9-]*\]|\{"/);
        expect(u.reason).toMatch(/dex pricing refresh --region|pricing page/);
      }
    }
  });
});

describe('every region of the offline snapshot', () => {
  const file = readSnapshotFile();
  const regions = file.regionPacks?.regions ?? [];
  const meter = (name: MeterName, attributes: Record<string, string>): UsageMeter => ({ meter: name, unit: 'hours', quantity: { min: 1, max: 1 }, attributes, basis: 'test' });
  const price = (m: UsageMeter, region: string) => {
    const q = meterToQuery(m, region);
    if (!q.ok) throw new Error(q.reason);
    return snapshot.lookup(q.parts[0]!.query);
  };
  /** Cells the feed has no row for (its RDS/EBS files were missing or not JSON for these regions). */
  const NOT_IN_SOURCES: Readonly<Record<string, readonly string[]>> = {
    'ap-southeast-4': ['rds'],
    'ap-southeast-5': ['rds', 'ebs'],
    'ap-southeast-7': ['rds', 'ebs'],
    'il-central-1': ['rds'],
    'mx-central-1': ['rds', 'ebs'],
  };

  it('covers the 34 regions of the pricing-pages feed, each with its Price List location name', () => {
    expect(regions).toHaveLength(34);
    expect(Object.keys(PRICE_LIST_LOCATION).sort()).toEqual([...regions].sort());
    const feed = JSON.parse(readFileSync('data/pricing/sources/aws-pricing-pages.trimmed.json', 'utf8')) as { regions: Record<string, { location: string }> };
    for (const r of regions) expect(PRICE_LIST_LOCATION[r], r).toBe(feed.regions[r]!.location);
    expect(PRICE_LIST_LOCATION['eu-central-1']).toBe('EU (Frankfurt)');
    expect(PRICE_LIST_LOCATION['ap-south-1']).toBe('Asia Pacific (Mumbai)');
  });

  it.each(regions.map((r) => [r]))('%s prices EC2, RDS, ElastiCache and EBS, or says how to get the price', (region) => {
    const cells = {
      ec2: price(meter('ec2.instance', { instanceType: 't3.medium' }), region),
      rds: price(meter('rds.instance', { instanceClass: 'db.t3.medium', deployment: 'Single-AZ', engine: 'PostgreSQL' }), region),
      elasticache: price(meter('elasticache.node', { nodeType: 'cache.t3.micro', engine: 'redis' }), region),
      ebs: price(meter('ebs.storage', { volumeType: 'gp3' }), region),
    };
    const missing = NOT_IN_SOURCES[region] ?? [];
    for (const [kind, r] of Object.entries(cells)) {
      if (missing.includes(kind)) {
        expect(r.ok, `${region} ${kind}`).toBe(false);
        expect(!r.ok && r.reason).toContain(`dex pricing refresh --region ${region}`);
      } else {
        expect(r.ok, `${region} ${kind}: ${!r.ok ? r.reason : ''}`).toBe(true);
        expect(r.ok && r.unitPriceUsd).toBeGreaterThan(0);
      }
    }
    // A service the region packs do not hold says how to get it.
    if (!['us-east-1', 'ap-south-1', 'eu-west-1'].includes(region)) {
      const nat = price(meter('nat.hours', {}), region);
      expect(!nat.ok && nat.reason).toMatch(new RegExp(`dex pricing refresh --region ${region}`));
    }
  });

  it('carries 1-year and 3-year standard No Upfront reservations in the GetProducts shape', () => {
    const item = snapshot.items.find((i) => i.product.attributes.regionCode === 'ap-south-1' && i.product.attributes.instanceType === 't3.medium' && i.serviceCode === 'AmazonEC2')!;
    const terms = Object.entries(item.terms.Reserved ?? {});
    expect(terms.map(([k, t]) => [k, t.termAttributes])).toEqual([
      ['4NK2QE2HS7XC4TZC.4NA7Y494T4', { LeaseContractLength: '1yr', OfferingClass: 'standard', PurchaseOption: 'No Upfront' }],
      ['4NK2QE2HS7XC4TZC.BPH4J8HBKS', { LeaseContractLength: '3yr', OfferingClass: 'standard', PurchaseOption: 'No Upfront' }],
    ]);
    expect(terms.map(([, t]) => Object.values(t.priceDimensions).map((d) => [d.unit, d.pricePerUnit.USD]))).toEqual([[['Hrs', '0.0282000000']], [['Hrs', '0.0189000000']]]);
    const rds = snapshot.items.find((i) => i.product.sku === '9ACB95AHGKFBVHU2')!;
    expect(Object.values(rds.terms.Reserved ?? {}).map((t) => [t.termAttributes?.LeaseContractLength, Object.values(t.priceDimensions)[0]!.pricePerUnit.USD])).toEqual([['1yr', '0.1647000000']]);
  });
});

describe('nearest priced classes (the DEX346 hint)', () => {
  it('prefers the same family, then the same size, then the closest spelling', async () => {
    const { nearestPriced } = await import('../../compiler/pricing/priced-classes.js');
    expect(nearestPriced('t3.mediun', ['t3.medium', 't3.large', 'm5.large', 't3a.medium'])).toEqual(['t3.medium', 't3.large', 't3a.medium']);
    expect(nearestPriced('x9.medium', ['m5.large', 't3a.medium', 't3.medium'])).toEqual(['t3.medium', 't3a.medium', 'm5.large']);
    expect(nearestPriced('t3.medium', [])).toEqual([]);
  });
});

describe('reserved rates on a lookup', () => {
  it('come with the on-demand price, for the commitment view', () => {
    const q = meterToQuery({ meter: 'rds.instance', unit: 'hours', quantity: { min: 730, max: 730 }, attributes: { instanceClass: 'db.t3.medium', deployment: 'Multi-AZ', engine: 'PostgreSQL' }, basis: 'test' }, 'ap-south-1');
    const r = q.ok ? snapshot.lookup(q.parts[0]!.query) : undefined;
    expect(r?.ok && [r.unitPriceText, r.reserved]).toEqual(['0.2120000000', { '1yr': expect.objectContaining({ usdText: '0.1647000000', unit: 'Hrs' }) }]);
  });
});
