// The live source with the real @aws-sdk/client-pricing client against a loopback fake of the
// Price List Query API: end-to-end lookup, pagination, throttling retries, malformed items,
// fallback to the snapshot, the disk cache, and refreshSnapshot. Only 127.0.0.1 traffic.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PricingClient } from '@aws-sdk/client-pricing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MeterName, UsageMeter } from '../../compiler/model/types.js';
import { collectQueries, priceMeters } from '../../compiler/pricing/line-items.js';
import { isRetryable } from '../../compiler/pricing/live.js';
import { createLivePricing, refreshFromApi, type LivePricing } from '../../cli/adapters/live-pricing.js';
import { meterToQuery } from '../../compiler/pricing/meters.js';
import { createSnapshotSource } from '../../compiler/pricing/snapshot.js';
import { loadSnapshotSource, readSnapshotFile, writeSnapshotFile } from '../../cli/adapters/snapshot.js';
import type { PriceQuery } from '../../compiler/pricing/types.js';
import { startFakePricingServer, type FakePricingServer } from './fake-pricing-server.js';

const snapshot = loadSnapshotSource();
let server: FakePricingServer;
const dirs: string[] = [];
const sources: LivePricing[] = [];
const sleeps: number[] = [];

beforeAll(async () => {
  server = await startFakePricingServer(snapshot.items);
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  for (const s of sources.splice(0)) s.close();
  server.mode = {};
  server.requests.length = 0;
  sleeps.length = 0;
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dex-price-cache-'));
  dirs.push(d);
  return d;
}

function live(extra: Partial<Parameters<typeof createLivePricing>[0]> = {}): LivePricing {
  const s = createLivePricing({
    cacheDir: tempDir(),
    fallback: snapshot,
    endpoint: server.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  sources.push(s);
  return s;
}

function q(m: MeterName, attributes: Record<string, string> = {}, region = 'us-east-1'): PriceQuery {
  const mapping = meterToQuery({ meter: m, unit: 'hours', quantity: { min: 1, max: 1 }, attributes, basis: '' }, region);
  if (!mapping.ok) throw new Error(mapping.reason);
  return mapping.parts[0]!.query;
}
const meter = (name: MeterName, unit: string, qty: number, attributes: Record<string, string> = {}): UsageMeter => ({ meter: name, unit, quantity: { min: qty, max: qty }, attributes, basis: 'test' });

describe('live Price List through the real SDK client', () => {
  it('looks a price up end to end: AWS JSON 1.1, TERM_MATCH filters, one product, provenance "price list"', async () => {
    const src = live();
    const result = await src.fetch(q('ec2.instance', { instanceType: 't3.medium' }));
    expect(result).toMatchObject({ ok: true, unitPriceUsd: 0.0416, unit: 'Hrs', priceSource: { source: 'live', confidence: 'price list', asOf: '2026-12-02T00:00:00Z' } });
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.target).toBe('AWSPriceListService.GetProducts');
    expect(req.contentType).toBe('application/x-amz-json-1.1');
    expect(req.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/pricing\/aws4_request/);
    expect(req.body).toMatchObject({ ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v1', MaxResults: 100 });
    expect(req.body.Filters).toContainEqual({ Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' });
    expect(req.body.Filters).toContainEqual({ Type: 'TERM_MATCH', Field: 'marketoption', Value: 'OnDemand' });
    expect(req.body.Filters!.every((f) => f.Type === 'TERM_MATCH')).toBe(true);
    expect(src.warnings).toEqual([]);
  });

  it('prefetches a whole plan, then prices it synchronously with the same numbers as the snapshot', async () => {
    const resources = [
      { logicalId: 'Nat', type: 'AWS::EC2::NatGateway', usage: [meter('nat.hours', 'hours', 730), meter('nat.processed', 'GB', 100)] },
      { logicalId: 'Eks', type: 'AWS::EKS::Cluster', usage: [meter('eks.cluster', 'hours', 730, { supportType: 'extended' })] },
    ];
    const src = live();
    await src.prefetch(collectQueries(resources, 'us-east-1'));
    const plan = priceMeters(resources, 'us-east-1', src);
    const offline = priceMeters(resources, 'us-east-1', snapshot);
    expect(plan.lineItems.map((l) => l.arithmetic)).toEqual(offline.lineItems.map((l) => l.arithmetic));
    expect(plan.lineItems.every((l) => l.priceSource.source === 'live')).toBe(true);
    expect(plan.totals).toEqual({ monthlyMin: 475.35, monthlyMax: 475.35 });
    expect(plan.warnings).toEqual([]);
  });

  it('follows NextToken when the server answers one item per page', async () => {
    server.mode = { pageSize: 1 };
    const src = live();
    // The NAT family query returns both NAT SKUs of the region; the suffix picks the hours one.
    const result = await src.fetch(q('nat.hours'));
    expect(result).toMatchObject({ ok: true, unitPriceUsd: 0.045 });
    expect(server.requests.length).toBe(2);
    expect(server.requests[1]!.body.NextToken).toBeTruthy();
  });

  it('bounds pagination', async () => {
    server.mode = { pageSize: 1 };
    const src = live({ maxPages: 3 });
    // All ElastiCache nodes in us-east-1 (no instanceType filter) span far more than 3 pages.
    const result = await src.fetch({ serviceCode: 'AmazonElastiCache', region: 'us-east-1', filters: { regionCode: 'us-east-1' } });
    expect(server.requests.length).toBe(3);
    expect(src.warnings[0]!.message).toMatch(/more than 3 pages/);
    expect(result.ok).toBe(false); // the snapshot finds many products too: ambiguous
  });

  it.each(['400', '429', 'alternate'] as const)('retries throttling (%s) with exponential backoff, then succeeds', async (style) => {
    server.mode = { throttleFirst: 3, throttleStyle: style };
    const src = live({ baseDelayMs: 100 });
    const result = await src.fetch(q('alb.hours'));
    expect(result).toMatchObject({ ok: true, unitPriceUsd: 0.0225, priceSource: { source: 'live' } });
    expect(server.requests).toHaveLength(4);
    expect(sleeps).toEqual([100, 200, 400]);
    expect(src.warnings).toEqual([]);
  });

  it('gives up after the attempt limit and falls back to the snapshot with a warning', async () => {
    server.mode = { throttleFirst: 100 };
    const src = live({ maxAttempts: 4 });
    const result = await src.fetch(q('alb.hours'));
    expect(server.requests).toHaveLength(4);
    expect(result).toMatchObject({ ok: true, unitPriceUsd: 0.0225, priceSource: { source: 'snapshot' } });
    expect(src.warnings).toHaveLength(1);
    expect(src.warnings[0]).toMatchObject({ code: 'live-fallback' });
    expect(src.warnings[0]!.message).toMatch(/^live Price List unavailable: ThrottlingException \(HTTP 400\): Rate exceeded; gave up after 4 attempts; used the snapshot price of 2026-12-02 for ALB hours in us-east-1$/);
  });

  it.each(['500', 'reset'] as const)('a failing server (%s) falls back to the snapshot with a warning', async (fail) => {
    server.mode = { fail };
    const src = live();
    const resources = [{ logicalId: 'Kms', type: 'AWS::KMS::Key', usage: [meter('kms.key', 'count-month', 1)] }];
    await src.prefetch(collectQueries(resources, 'us-east-1'));
    const plan = priceMeters(resources, 'us-east-1', src);
    expect(plan.lineItems[0]!.monthlyUsd.min).toBe(1);
    expect(plan.lineItems[0]!.priceSource.source).toBe('snapshot');
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]!.message).toMatch(/^live Price List unavailable: .*; gave up after 4 attempts; used the snapshot price/);
    expect(server.requests.length).toBe(4);
  });

  it.each(['not-json', 'no-ondemand'] as const)('reports a malformed item (%s) and falls back to the snapshot', async (malformed) => {
    server.mode = { malformed };
    const src = live();
    const result = await src.fetch(q('ecr.storage'));
    expect(result).toMatchObject({ ok: true, priceSource: { source: 'snapshot' } });
    const codes = src.warnings.map((w) => w.code);
    expect(codes).toEqual(['malformed-item', 'live-fallback']);
    expect(src.warnings[0]!.message).toMatch(malformed === 'not-json' ? /is not JSON/ : /has no OnDemand terms/);
  });

  it('an empty live answer is "no price", not a fallback (the API did answer)', async () => {
    const src = live();
    const result = await src.fetch(q('ec2.instance', { instanceType: 'x9.huge' }, 'eu-west-1'));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^no price for EC2 x9.huge Linux on-demand in eu-west-1 in the AWS Price List/);
    expect(src.warnings).toEqual([]);
  });

  it('reports ambiguity when several products match', async () => {
    const dup = snapshot.items.find((i) => i.product.attributes.instanceType === 't3.micro' && i.product.attributes.regionCode === 'us-east-1')!;
    const twin = { ...dup, product: { ...dup.product, sku: 'TWINTWINTWINTWIN' } };
    const other = await startFakePricingServer([...snapshot.items, twin]);
    try {
      const src = live({ endpoint: other.endpoint });
      const result = await src.fetch(q('ec2.instance', { instanceType: 't3.micro' }));
      expect(!result.ok && result.reason).toMatch(/^ambiguous: 2 products match EC2 t3.micro Linux on-demand in us-east-1/);
    } finally {
      await other.close();
    }
  });

  it('caches answers on disk, keyed by the query, with the publication date', async () => {
    const cacheDir = tempDir();
    const first = live({ cacheDir });
    await first.fetch(q('waf.acl'));
    expect(server.requests).toHaveLength(1);
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    const entry = JSON.parse(readFileSync(join(cacheDir, files[0]!), 'utf8'));
    expect(entry.publicationDates).toEqual(['2026-12-02T00:00:00Z']);
    expect(entry.query.serviceCode).toBe('awswaf');
    // A second source over the same cache answers without the network, even without prefetch.
    server.mode = { fail: '500' };
    const second = live({ cacheDir });
    expect(second.lookup(q('waf.acl'))).toMatchObject({ ok: true, unitPriceUsd: 5, priceSource: { source: 'live' } });
    expect(server.requests).toHaveLength(1);
    // An expired entry is refetched (and here falls back, since the server fails).
    const later = live({ cacheDir, now: () => new Date(Date.now() + 8 * 24 * 3600 * 1000) });
    expect((await later.fetch(q('waf.acl'))).ok).toBe(true);
    expect(later.warnings[0]!.code).toBe('live-fallback');
  });

  it('lookup without prefetch answers from the snapshot and says so', () => {
    const src = live();
    const r = src.lookup(q('kms.key'));
    expect(r).toMatchObject({ ok: true, priceSource: { source: 'snapshot' } });
    expect(src.warnings[0]!.code).toBe('not-prefetched');
    expect(server.requests).toHaveLength(0);
  });

  it('snapshot-only meters (no verified Price List filter) never call the API', async () => {
    const src = live();
    const r = await src.fetch(q('codepipeline.pipeline'));
    expect(r).toMatchObject({ ok: true, unitPriceUsd: 1 });
    expect(src.warnings[0]!.code).toBe('snapshot-only');
    expect(server.requests).toHaveLength(0);
  });

  it('does not retry a bad request', () => {
    expect(isRetryable({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(isRetryable({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })).toBe(true);
    expect(isRetryable({ name: 'Error', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isRetryable({ name: 'Error', code: 'ECONNRESET' })).toBe(true);
  });
});

describe('refreshSnapshot', () => {
  it('rewrites a snapshot from the live API, one product per meter and region, with gaps for misses', async () => {
    const dir = tempDir();
    const out = join(dir, 'snapshot.json');
    const client = new PricingClient({ region: 'us-east-1', endpoint: server.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      const report = await refreshFromApi(['eu-west-1'], readSnapshotFile(), { client }, {
        sleep: async () => {},
        catalog: [
          { meter: 'ec2.instance', attributes: { instanceType: 't3.medium' } },
          { meter: 'ec2.instance', attributes: { instanceType: 'x9.huge' } },
          { meter: 'nat.hours', attributes: {} },
          { meter: 'cloudwatch.dashboard', attributes: {} },
          { meter: 'codepipeline.pipeline', attributes: {} },
        ],
        now: () => new Date('2027-01-02T03:04:05Z'),
      });
      expect(report.products).toBe(4);
      expect(report.carriedOver).toBe(1);
      expect(report.unresolved).toHaveLength(1);
      writeSnapshotFile(out, report.file);
      const file = readSnapshotFile(out);
      expect(file.asOf).toBe('2027-01-02');
      expect(file.gaps[0]!.reason).toMatch(/^not found in the AWS Price List on 2027-01-02/);
      const refreshed = createSnapshotSource(file);
      expect(refreshed.lookup(q('ec2.instance', { instanceType: 't3.medium' }, 'eu-west-1'))).toMatchObject({ ok: true, unitPriceUsd: 0.0456, priceSource: { confidence: 'price list' } });
      expect(refreshed.lookup(q('codepipeline.pipeline', {}, 'eu-west-1'))).toMatchObject({ ok: true, priceSource: { confidence: 'single source' } });
      const miss = refreshed.lookup(q('ec2.instance', { instanceType: 'x9.huge' }, 'eu-west-1'));
      expect(!miss.ok && miss.reason).toMatch(/^no public price for /);
    } finally {
      client.destroy();
    }
  });
});
