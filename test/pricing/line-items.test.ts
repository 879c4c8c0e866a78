// Line-item arithmetic against the Infracost goldens' us-east-1 unit prices (peers.md §4a).
import { describe, expect, it } from 'vitest';
import { priceMeters, ROUNDING_RULE, type PricedResourceInput } from '../../compiler/pricing/line-items.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import type { MeterName, UsageMeter } from '../../compiler/model/types.js';

const snapshot = loadSnapshotSource();

function meter(name: MeterName, unit: string, quantity: number | [number, number], attributes: Record<string, string> = {}): UsageMeter {
  const [min, max] = Array.isArray(quantity) ? quantity : [quantity, quantity];
  return { meter: name, unit, quantity: { min, max }, attributes, basis: 'test' };
}
const one = (usage: UsageMeter[], region = 'us-east-1') => priceMeters([{ logicalId: 'R', type: 'AWS::Test', usage }], region, snapshot);

describe('golden unit prices and line arithmetic (us-east-1, Infracost goldens)', () => {
  it('NAT gateway: 730 h = $32.85, 100 GB at $0.045/GB = $4.50', () => {
    const plan = one([meter('nat.hours', 'hours', 730), meter('nat.processed', 'GB', 100)]);
    expect(plan.unpriced).toEqual([]);
    const [h, gb] = plan.lineItems;
    expect(h!.monthlyUsd).toEqual({ min: 32.85, max: 32.85 });
    expect(h!.arithmetic).toBe('730 h × $0.045/h = $32.85');
    expect(gb!.unitPriceUsd).toBe(0.045);
    expect(gb!.arithmetic).toBe('100 GB × $0.045/GB = $4.50');
    expect(plan.totals).toEqual({ monthlyMin: 37.35, monthlyMax: 37.35 });
  });

  it('ALB: 730 h = $16.43 (half-cent rounds up) and $5.84 per LCU-month', () => {
    const plan = one([meter('alb.hours', 'hours', 730), meter('alb.lcu', 'LCU-hours', 730)]);
    expect(plan.lineItems[0]!.arithmetic).toBe('730 h × $0.0225/h = $16.43');
    expect(plan.lineItems[1]!.monthlyUsd.min).toBe(5.84);
  });

  it('EKS: $73.00 standard; $438.00 extended as two lines', () => {
    const std = one([meter('eks.cluster', 'hours', 730, { version: '1.33', supportType: 'standard' })]);
    expect(std.lineItems).toHaveLength(1);
    expect(std.lineItems[0]!.arithmetic).toBe('730 h × $0.10/h = $73.00');
    const ext = one([meter('eks.cluster', 'hours', 730, { version: '1.31', supportType: 'extended' })]);
    expect(ext.lineItems.map((l) => [l.usageType, l.monthlyUsd.min])).toEqual([
      ['AmazonEKS-Hours:perCluster', 73],
      ['AmazonEKS-Hours:extendedSupport', 365],
    ]);
    expect(ext.totals.monthlyMin).toBe(438);
  });

  it('Fargate: 1 vCPU $29.55 and 2 GB $6.49 per month', () => {
    const plan = one([meter('fargate.vcpu', 'vCPU-hours', 730, { architecture: 'x86_64' }), meter('fargate.memory', 'GB-hours', 1460, { architecture: 'x86_64' })]);
    expect(plan.lineItems[0]!.arithmetic).toBe('730 vCPU-h × $0.04048/vCPU-h = $29.55');
    expect(plan.lineItems[1]!.arithmetic).toBe('1,460 GB-h × $0.004445/GB-h = $6.49');
  });

  it('RDS PostgreSQL db.t3.large Single-AZ: $105.85; gp2 20 GB $2.30; backup 1,000 GB $95.00', () => {
    const plan = one([
      meter('rds.instance', 'hours', 730, { instanceClass: 'db.t3.large', deployment: 'Single-AZ', engine: 'PostgreSQL' }),
      meter('rds.storage', 'GB-month', 20, { storageType: 'gp2', deployment: 'Single-AZ' }),
      meter('rds.backup', 'GB-month', 1000),
    ]);
    expect(plan.unpriced).toEqual([]);
    expect(plan.lineItems.map((l) => l.monthlyUsd.min)).toEqual([105.85, 2.3, 95]);
    // The pricing-pages feed (2025) and an Infracost golden (2026) agree on it.
    expect(plan.lineItems[0]!.priceSource.confidence).toBe('two sources agree');
  });

  it('WAF: ACL $5.00, rule $1.00, $0.60 per 1M requests', () => {
    const plan = one([meter('waf.acl', 'count-month', 1), meter('waf.rule', 'count-month', 3), meter('waf.requests', 'requests', 16_666_666)]);
    expect(plan.lineItems.map((l) => l.monthlyUsd.min)).toEqual([5, 3, 10]);
    const req = plan.lineItems[2]!;
    expect(req.unit).toBe('1M requests');
    expect(req.unitPriceUsd).toBe(0.6);
    expect(req.arithmetic).toBe('16,666,666 requests × $0.60/1M requests = $10.00');
  });

  it('WAF requests counted in millions convert the same way', () => {
    const plan = one([meter('waf.requests', '1M requests', 10)]);
    expect(plan.lineItems[0]!.monthlyUsd.min).toBe(6);
  });

  it('KMS $1.00/key, $0.03 per 10K requests; Secrets Manager $0.40/secret, $0.05 per 10K calls', () => {
    const plan = one([
      meter('kms.key', 'count-month', 1),
      meter('kms.requests', 'requests', 20_000),
      meter('secretsmanager.secret', 'count-month', 2),
      meter('secretsmanager.api', 'requests', 10_000),
    ]);
    expect(plan.lineItems.map((l) => [l.arithmetic])).toEqual([
      ['1 key-month × $1.00/key-month = $1.00'],
      ['20,000 requests × $0.03/10K requests = $0.06'],
      ['2 secret-month × $0.40/secret-month = $0.80'],
      ['10,000 requests × $0.05/10K requests = $0.05'],
    ]);
  });

  it('CloudWatch: logs $0.50/GB ingest, $0.03/GB-month; alarm $0.10; dashboard $3.00; ECR $0.10/GB-month', () => {
    const plan = one([
      meter('logs.ingest', 'GB', 10),
      meter('logs.storage', 'GB-month', 100),
      meter('cloudwatch.alarm', 'count-month', 5),
      meter('cloudwatch.dashboard', 'count-month', 1),
      meter('ecr.storage', 'GB-month', 10),
    ]);
    expect(plan.unpriced).toEqual([]);
    expect(plan.lineItems.map((l) => [l.unitPriceUsd, l.monthlyUsd.min])).toEqual([
      [0.5, 5],
      [0.03, 3],
      [0.1, 0.5],
      [3, 3],
      [0.1, 1],
    ]);
  });

  it('EC2 t3.medium 730 h = $30.37 (the brief’s example line)', () => {
    const plan = one([meter('ec2.instance', 'hours', 730, { instanceType: 't3.medium', os: 'linux' })]);
    expect(plan.lineItems[0]!.arithmetic).toBe('730 h × $0.0416/h = $30.37');
    expect(plan.lineItems[0]!.priceSource).toMatchObject({ source: 'snapshot', asOf: '2026-12-02', confidence: 'two sources agree' });
  });
});

describe('ranges, tiers, rounding and unpriced', () => {
  it('prices the min and max of a scaling range and shows both', () => {
    const plan = one([meter('ec2.instance', 'hours', [730, 2190], { instanceType: 't3.medium' })]);
    expect(plan.lineItems[0]!.monthlyUsd).toEqual({ min: 30.37, max: 91.1 });
    expect(plan.lineItems[0]!.arithmetic).toBe('min: 730 h × $0.0416/h = $30.37; max: 2,190 h × $0.0416/h = $91.10');
    expect(plan.totals).toEqual({ monthlyMin: 30.37, monthlyMax: 91.1 });
  });

  it('rounds each line to cents and sums the rounded lines', () => {
    // Three lines of 1 h × $0.005 = $0.005 each: each rounds to $0.01 and the total is $0.03 (not round($0.015) = $0.02).
    const resources: PricedResourceInput[] = [1, 2, 3].map((i) => ({ logicalId: `I${i}`, type: 'AWS::EC2::Instance', usage: [meter('ipv4.public', 'hours', 1)] }));
    const plan = priceMeters(resources, 'us-east-1', snapshot);
    expect(plan.lineItems.map((l) => l.monthlyUsd.min)).toEqual([0.01, 0.01, 0.01]); // $0.005 rounds half up
    expect(plan.totals.monthlyMin).toBe(0.03);
    expect(plan.rounding).toBe(ROUNDING_RULE);
  });

  it('data transfer out is tiered: the first 10 TB is priced, anything above is reported unpriced', () => {
    const within = one([meter('dataTransfer.out', 'GB', 1000)]);
    expect(within.lineItems[0]!.arithmetic).toBe('1,000 GB × $0.09/GB = $90.00 (tiers 0–10,240 GB)');
    const above = one([meter('dataTransfer.out', 'GB', [1000, 12_000])]);
    expect(above.lineItems[0]!.monthlyUsd).toEqual({ min: 90, max: 921.6 });
    expect(above.unpriced).toHaveLength(1);
    expect(above.unpriced[0]!.reason).toMatch(/^no public source for data transfer out to the internet in us-east-1 above 10,240 GB a month/);
  });

  it('gaps, conflicts and unknown regions come out unpriced with the reason, never as zero', () => {
    const plan = priceMeters(
      [
        { logicalId: 'Db', type: 'AWS::RDS::DBInstance', usage: [meter('rds.instance', 'hours', 730, { instanceClass: 'db.x9.huge', deployment: 'Multi-AZ', engine: 'PostgreSQL' })] },
        { logicalId: 'Nlb', type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', usage: [meter('nlb.hours', 'hours', 730)] },
        { logicalId: 'Vpce', type: 'AWS::EC2::VPCEndpoint', usage: [meter('vpce.processed', 'GB', 10)] },
        { logicalId: 'Bk', type: 'AWS::Backup::BackupPlan', usage: [meter('backup.crossRegionTransfer', 'GB', 50, { fromRegion: 'ap-south-1', toRegion: 'ap-south-2' })] },
        { logicalId: 'X', type: 'AWS::Test', usage: [meter('nosuch.meter' as MeterName, 'hours', 1)] },
      ],
      'ap-south-1',
      snapshot,
    );
    expect(plan.lineItems).toEqual([]);
    expect(plan.totals).toEqual({ monthlyMin: 0, monthlyMax: 0 });
    const reasons = Object.fromEntries(plan.unpriced.map((u) => [u.resource, u.reason]));
    const refresh = /run `dex pricing refresh --region ap-south-1` with AWS credentials/;
    expect(reasons.Db).toMatch(/^no price for RDS PostgreSQL db.x9.huge Multi-AZ in ap-south-1 in dex's offline prices/);
    expect(reasons.Nlb).toMatch(/^no public price for NLB hours in ap-south-1: dex has Network Load Balancer prices for us-east-1 only/);
    expect(reasons.Vpce).toMatch(/^no public price for VPC interface endpoint data processed in ap-south-1/);
    expect(reasons.Bk).toMatch(/^no public price for AWS Backup copy transfer from ap-south-1 to ap-south-2: .*disagree/);
    for (const r of [reasons.Db, reasons.Nlb, reasons.Vpce]) expect(r).toMatch(refresh);
    // AWS Backup has no verified Price List filter: a refresh would not find it either.
    expect(reasons.Bk).toMatch(/from its offline data only .*pricing page/);
    for (const r of [reasons.Db, reasons.Nlb, reasons.Vpce, reasons.Bk]) expect(r).not.toMatch(/research|§|\[[A-Z]/);
    expect(reasons.X).toBe('dex has no price mapping for meter "nosuch.meter"');
  });

  it('refuses a unit mismatch instead of guessing', () => {
    const plan = one([meter('nat.processed', 'GB-month', 5)]);
    expect(plan.unpriced[0]!.reason).toMatch(/^unit mismatch/);
  });

  it('ap-south-2 prices EC2, RDS, ElastiCache, EBS and data transfer; other services say how to get a price', () => {
    const plan = one([meter('elasticache.node', 'hours', 730, { nodeType: 'cache.t3.micro', engine: 'redis' }), meter('nat.hours', 'hours', 730)], 'ap-south-2');
    expect(plan.lineItems).toHaveLength(1);
    expect(plan.lineItems[0]!.arithmetic).toBe('730 h × $0.021/h = $15.33');
    expect(plan.unpriced[0]!.reason).toMatch(/for ap-south-2 dex has public prices for EC2, RDS instances, ElastiCache, EBS and data transfer out only; to price it, run `dex pricing refresh --region ap-south-2`/);
  });

  it('a conflict price is used with its confidence and the other value recorded; a settled one keeps the rejected values', () => {
    const plan = one([meter('ec2.instance', 'hours', 730, { instanceType: 'c6i.large' })], 'eu-west-1');
    const ps = plan.lineItems[0]!.priceSource;
    expect([ps.confidence, plan.lineItems[0]!.unitPriceUsd]).toEqual(['conflict', 0.0912]);
    expect(ps.alternatives).toEqual([{ usd: '0.096', source: 'inferred from c5.large in [KRR] (inferred)' }]);
    const settled = one([meter('ec2.instance', 'hours', 730, { instanceType: 't4g.medium' })], 'ap-south-1').lineItems[0]!.priceSource;
    expect(settled.confidence).toBe('two sources agree');
    expect(settled.alternatives).toEqual([{ usd: '0.0359', source: '[U21]' }]);
  });
});
