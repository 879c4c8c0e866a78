// The shared Price List parser, the matcher, and the meter → query mapping.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MeterName, UsageMeter } from '../../compiler/model/types.js';
import { decimal, formatCents, formatPrice, mul, toCents } from '../../compiler/pricing/decimal.js';
import { METER_NAMES, meterToQuery } from '../../compiler/pricing/meters.js';
import { parsePriceListItem, queryKey, usagetypeMatches } from '../../compiler/pricing/price-list.js';
import { createSnapshotSource } from '../../compiler/pricing/snapshot.js';
import { loadSnapshotSource, readSnapshotFile } from '../../cli/adapters/snapshot.js';
import { parseUnit } from '../../compiler/pricing/units.js';

/** The real PriceList element of research §2.4 ([U14], AmazonVPC ap-south-1), verbatim. */
const REAL_ITEM = `{"product":{"attributes":{"regionCode":"ap-south-1","servicecode":"AmazonVPC","groupDescription":"Hourly charge for In-use Public IPv4 Addresses","usagetype":"APS3-PublicIPv4:InUseAddress","locationType":"AWS Region","location":"Asia Pacific (Mumbai)","servicename":"Amazon Virtual Private Cloud","operation":"","group":"VPCPublicIPv4Address"},"sku":"H6SHSM3KDNNZRM9E"},"serviceCode":"AmazonVPC","terms":{"OnDemand":{"H6SHSM3KDNNZRM9E.JRTCKXETXF":{"priceDimensions":{"H6SHSM3KDNNZRM9E.JRTCKXETXF.6YS6EN2CT7":{"unit":"Hrs","endRange":"Inf","description":"$0.005 per In-use public IPv4 address per hour","appliesTo":[],"rateCode":"H6SHSM3KDNNZRM9E.JRTCKXETXF.6YS6EN2CT7","beginRange":"0","pricePerUnit":{"USD":"0.0050000000"}}},"sku":"H6SHSM3KDNNZRM9E","effectiveDate":"2024-06-01T00:00:00Z","offerTermCode":"JRTCKXETXF","termAttributes":{}}}},"version":"20240709181629","publicationDate":"2024-07-09T18:16:29Z"}`;

const meter = (name: MeterName, attributes: Record<string, string> = {}): UsageMeter => ({ meter: name, unit: 'hours', quantity: { min: 1, max: 1 }, attributes, basis: '' });

describe('Price List item parser', () => {
  it('reads a real GetProducts item from a string, a String object (the SDK’s LazyJsonString) or an object', () => {
    for (const raw of [REAL_ITEM, new String(REAL_ITEM), JSON.parse(REAL_ITEM)]) {
      const parsed = parsePriceListItem(raw);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.product).toMatchObject({ sku: 'H6SHSM3KDNNZRM9E', serviceCode: 'AmazonVPC', publicationDate: '2024-07-09T18:16:29Z' });
      expect(parsed.product.dimensions).toEqual([
        { rateCode: 'H6SHSM3KDNNZRM9E.JRTCKXETXF.6YS6EN2CT7', unit: 'Hrs', beginRange: 0, endRange: null, usdText: '0.0050000000', description: '$0.005 per In-use public IPv4 address per hour' },
      ]);
    }
  });

  it('reads tiered dimensions in range order and rejects gaps between tiers', () => {
    const item = JSON.parse(REAL_ITEM);
    const term = item.terms.OnDemand['H6SHSM3KDNNZRM9E.JRTCKXETXF'];
    term.priceDimensions = {
      b: { unit: 'GB', beginRange: '10240', endRange: 'Inf', pricePerUnit: { USD: '0.0850000000' }, description: 'next' },
      a: { unit: 'GB', beginRange: '0', endRange: '10240', pricePerUnit: { USD: '0.0900000000' }, description: 'first 10 TB' },
    };
    const parsed = parsePriceListItem(item);
    expect(parsed.ok && parsed.product.dimensions.map((d) => [d.beginRange, d.endRange, d.usdText])).toEqual([
      [0, 10240, '0.0900000000'],
      [10240, null, '0.0850000000'],
    ]);
    term.priceDimensions.b.beginRange = '20000';
    expect(parsePriceListItem(item)).toEqual({ ok: false, error: 'PriceList item H6SHSM3KDNNZRM9E: tiers are not contiguous' });
  });

  it('reports malformed items instead of throwing', () => {
    expect(parsePriceListItem('{"product":')).toMatchObject({ ok: false, error: expect.stringMatching(/is not JSON/) });
    expect(parsePriceListItem('[]')).toMatchObject({ ok: false, error: 'PriceList item is not a JSON object' });
    const noTerms = JSON.parse(REAL_ITEM);
    noTerms.terms = { Reserved: {} };
    expect(parsePriceListItem(noTerms)).toEqual({ ok: false, error: 'PriceList item H6SHSM3KDNNZRM9E has no OnDemand terms' });
    const badPrice = JSON.parse(REAL_ITEM);
    badPrice.terms.OnDemand['H6SHSM3KDNNZRM9E.JRTCKXETXF'].priceDimensions['H6SHSM3KDNNZRM9E.JRTCKXETXF.6YS6EN2CT7'].pricePerUnit.USD = 'free';
    expect(parsePriceListItem(badPrice)).toMatchObject({ ok: false, error: expect.stringMatching(/is not a decimal/) });
  });
});

describe('matching', () => {
  it('matches usage types with or without a region prefix, and nothing else', () => {
    expect(usagetypeMatches('NatGateway-Hours', 'NatGateway-Hours')).toBe(true);
    expect(usagetypeMatches('EU-NatGateway-Hours', 'NatGateway-Hours')).toBe(true);
    expect(usagetypeMatches('APS3-NatGateway-Hours', 'NatGateway-Hours')).toBe(true);
    expect(usagetypeMatches('ap-south-1-KMS-Keys', 'KMS-Keys')).toBe(true);
    expect(usagetypeMatches('EU-RegionalNatGateway-Hours', 'NatGateway-Hours')).toBe(false);
    expect(usagetypeMatches('USE1-Outposts-LoadBalancerUsage', 'LoadBalancerUsage')).toBe(false);
    expect(usagetypeMatches('Global-XRay-TracesStored', 'XRay-TracesStored')).toBe(false);
  });

  it('requires exactly one product: none → "no price", several → "ambiguous"', () => {
    const file = readSnapshotFile();
    const t3 = loadSnapshotSource().items.find((p) => p.product.attributes.instanceType === 't3.micro' && p.product.attributes.regionCode === 'us-east-1')!;
    const dup = createSnapshotSource({ ...file, products: [...file.products, t3, { ...t3, product: { ...t3.product, sku: 'DUPLICATE0000001' } }] });
    const q = meterToQuery(meter('ec2.instance', { instanceType: 't3.micro' }), 'us-east-1');
    expect(q.ok).toBe(true);
    const r = dup.lookup(q.ok ? q.parts[0]!.query : (undefined as never));
    expect(!r.ok && r.reason).toMatch(/^ambiguous: 2 products match EC2 t3.micro Linux on-demand in us-east-1 \(SKUs /);
    const none = loadSnapshotSource().lookup({ serviceCode: 'AmazonEC2', region: 'us-east-1', filters: { regionCode: 'us-east-1', instanceType: 'x9.huge' } });
    expect(!none.ok && none.reason).toBe("no price for AmazonEC2 instanceType=x9.huge in us-east-1 in dex's offline prices of 2026-12-02 (the AWS pricing-page data they come from has no such row); to price it, run `dex pricing refresh --region us-east-1` with AWS credentials (pricing:GetProducts), or plan with `--pricing live`");
  });

  it('query keys do not depend on filter order', () => {
    expect(queryKey({ serviceCode: 'S', region: 'r', filters: { a: '1', b: '2' } })).toBe(queryKey({ serviceCode: 'S', region: 'r', filters: { b: '2', a: '1' } }));
  });
});

describe('meterToQuery', () => {
  it('pins EC2 with the full filter set (capacitystatus, marketoption, tenancy, preInstalledSw, licenseModel)', () => {
    const m = meterToQuery(meter('ec2.instance', { instanceType: 't3.medium', os: 'linux' }), 'ap-south-1');
    expect(m.ok && m.parts[0]!.query).toEqual({
      serviceCode: 'AmazonEC2',
      region: 'ap-south-1',
      filters: {
        regionCode: 'ap-south-1', instanceType: 't3.medium', operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA',
        capacitystatus: 'Used', licenseModel: 'No License required', marketoption: 'OnDemand',
      },
      label: 'EC2 t3.medium Linux on-demand in ap-south-1',
    });
  });

  it('uses the region code in KMS usage types and no regionCode for dashboards', () => {
    const kms = meterToQuery(meter('kms.key'), 'ap-south-1');
    expect(kms.ok && kms.parts[0]!.query.filters).toEqual({ regionCode: 'ap-south-1', usagetype: 'ap-south-1-KMS-Keys' });
    const dash = meterToQuery(meter('cloudwatch.dashboard'), 'eu-west-1');
    expect(dash.ok && dash.parts[0]!.query.filters).toEqual({ productFamily: 'Dashboard', location: 'Any', usagetype: 'DashboardsUsageHour' });
  });

  it('EKS extended support is two lines; RDS never maps Multi-AZ onto Single-AZ', () => {
    const ext = meterToQuery(meter('eks.cluster', { version: '1.31', supportType: 'extended' }), 'us-east-1');
    expect(ext.ok && ext.parts.map((p) => p.query.usagetypeSuffix)).toEqual(['AmazonEKS-Hours:perCluster', 'AmazonEKS-Hours:extendedSupport']);
    const rds = meterToQuery(meter('rds.instance', { instanceClass: 'db.t3.medium', deployment: 'Multi-AZ', engine: 'PostgreSQL' }), 'ap-south-1');
    expect(rds.ok && rds.parts[0]!.query.filters.deploymentOption).toBe('Multi-AZ');
  });

  it('every meter of the model contract maps, or says why it cannot', () => {
    const attrs: Record<string, Record<string, string>> = {
      'ec2.instance': { instanceType: 't3.micro', os: 'linux' },
      'ebs.storage': { volumeType: 'gp3' },
      'eks.cluster': { version: '1.33', supportType: 'standard' },
      'rds.instance': { instanceClass: 'db.t3.micro', deployment: 'Single-AZ', engine: 'PostgreSQL' },
      'rds.storage': { storageType: 'gp3', deployment: 'Single-AZ' },
      'elasticache.node': { nodeType: 'cache.t3.micro', engine: 'valkey' },
    };
    const cannot: Partial<Record<MeterName, RegExp>> = {
      'budgets.budget': /^no charge to price: AWS Budgets bills nothing for a budget without actions/,
      'containerInsights.observations': /^no public price in dex's sources for Container Insights with enhanced observability .* billed per observation/,
      'cognito.mau': /^Amazon Cognito is not in the price book: .* per monthly active user/,
      'route53.queries': /^Route 53 standard queries are not in the price book: \$0\.40 per million/,
      's3.replicationTransfer': /^no public price in dex's sources for S3 replication's inter-region data transfer/,
      'sqs.requests': /^no SQS price in dex's sources yet: standard queue requests are billed per million/,
      'sns.https': /^no SNS HTTPS delivery price in dex's sources yet/,
      'mq.broker': /^no Amazon MQ price in dex's sources yet: .* broker-instance hours/,
      'mq.storage': /^no Amazon MQ storage price in dex's sources yet/,
      'efs.backup': /^AWS Backup of EFS is not in dex's price book/,
      'aurora.instance': /^Aurora instances are not in dex's price book/,
      'aurora.acu': /^Aurora Serverless v2 is not in dex's price book/,
      'aurora.storage': /^Aurora storage is not in dex's price book/,
      'aurora.io': /^Aurora I\/O is not in dex's price book/,
      'rds.iops': /^provisioned IOPS are not in dex's price book/,
      'rds.throughput': /^gp3 throughput beyond the included baseline is not in dex's price book/,
      'rds.performanceInsights': /^Performance Insights beyond its free 7 days is not in dex's price book/,
      'cloudmap.instance': /^no AWS Cloud Map price in dex's sources: .* registered instance/,
    };
    for (const name of METER_NAMES) {
      const m = meterToQuery(meter(name, attrs[name] ?? {}), 'us-east-1');
      const why = cannot[name];
      if (why) expect(!m.ok && m.reason, name).toMatch(why);
      else expect(m.ok, name).toBe(true);
    }
    expect(meterToQuery(meter('rds.instance', { instanceClass: 'db.t3.micro' }), 'us-east-1')).toEqual({ ok: false, reason: 'meter rds.instance needs attribute "deployment"' });
    expect(meterToQuery(meter('ec2.instance', {}), 'us-east-1')).toEqual({ ok: false, reason: 'meter ec2.instance needs attribute "instanceType"' });
  });

  it('prices every us-east-1 contract meter from the snapshot except the known gaps', () => {
    const source = loadSnapshotSource();
    const unpriced: string[] = [];
    const attrs: Record<string, Record<string, string>> = {
      'ec2.instance': { instanceType: 't3.micro' },
      'eks.cluster': { supportType: 'extended' },
      'rds.instance': { instanceClass: 'db.t3.micro', deployment: 'Single-AZ' },
      'rds.storage': { storageType: 'gp3', deployment: 'Multi-AZ' },
      'elasticache.node': { nodeType: 'cache.r6g.large', engine: 'redis' },
      'fargate.vcpu': { architecture: 'arm64' },
    };
    for (const name of METER_NAMES) {
      const m = meterToQuery(meter(name, attrs[name] ?? {}), 'us-east-1');
      if (!m.ok) {
        unpriced.push(name);
        continue;
      }
      // A part AWS publishes as free (ACM public certificates) is never looked up.
      for (const p of m.parts) if (!p.knownFree && !source.lookup(p.query).ok) unpriced.push(name);
    }
    // AWS Backup storage and S3 requests have a public price only for ap-south-1; DynamoDB and EFS
    // storage none yet (the snapshot holds no AmazonEFS rows: EFS storage is unpriced offline).
    const dynamodb = ['dynamodb.pitr', 'dynamodb.readCapacity', 'dynamodb.readRequests', 'dynamodb.storage', 'dynamodb.writeCapacity', 'dynamodb.writeRequests'];
    expect(unpriced.sort()).toEqual(['backup.storage', 'budgets.budget', 'cognito.mau', 'containerInsights.observations', 'route53.queries', ...dynamodb, 's3.getRequests', 's3.putRequests', 's3.replicationTransfer', 'sns.https', 'sqs.requests', 'cloudmap.instance', 'mq.broker', 'mq.storage', 'efs.storage', 'efs.backup', 'aurora.acu', 'aurora.instance', 'aurora.io', 'aurora.storage', 'rds.iops', 'rds.performanceInsights', 'rds.throughput'].sort());
  });
});

describe('units and money', () => {
  it('normalizes AWS and dex units and refuses unknown ones', () => {
    expect(parseUnit('Hrs')).toEqual({ dimension: 'hours', scale: 1 });
    expect(parseUnit('LCU-Hrs')).toEqual({ dimension: 'hours', scale: 1 });
    expect(parseUnit('GB-Mo')).toEqual({ dimension: 'GB-month', scale: 1 });
    expect(parseUnit('1M requests')).toEqual({ dimension: 'events', scale: 1_000_000 });
    expect(parseUnit('10,000 requests')).toEqual({ dimension: 'events', scale: 10_000 });
    expect(parseUnit('count-month')).toEqual({ dimension: 'month', scale: 1 });
    expect(parseUnit('furlongs')).toBeUndefined();
  });

  it('multiplies exactly and rounds half-cents away from zero', () => {
    expect(formatCents(toCents(mul(decimal(730), decimal('0.0225000000'))))).toBe('$16.43');
    expect(formatCents(toCents(mul(decimal(730), decimal('0.0450000000'))))).toBe('$32.85');
    expect(formatPrice(mul(decimal('0.0000006000'), decimal(1_000_000)))).toBe('0.60');
    expect(formatPrice(decimal('1e-7'))).toBe('0.0000001');
  });

  it('loads the SDK only when a query goes out (no static import)', () => {
    const text = readFileSync('cli/adapters/live-pricing.ts', 'utf8');
    expect(text).not.toMatch(/^import [^(]*['"]@aws-sdk\/client-pricing['"]/m);
    expect(text).toContain("loadPackage<typeof import('@aws-sdk/client-pricing')>('@aws-sdk/client-pricing')");
    expect(readFileSync('compiler/pricing/live.ts', 'utf8')).not.toMatch(/import[^\n]*@aws-sdk/);
  });
});
