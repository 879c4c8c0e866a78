// The live source with the real @aws-sdk/client-pricing client against a loopback fake of the
// Price List Query API: end-to-end lookup, pagination, throttling retries, malformed items,
// fallback to the snapshot, the disk cache, and refreshSnapshot. Only 127.0.0.1 traffic.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PricingClient } from '@aws-sdk/client-pricing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MeterName, UsageMeter } from '../../compiler/model/types.js';
import { collectQueries, priceMeters } from '../../compiler/pricing/line-items.js';
import { describeLivePricing, isRetryable, type PricingApi } from '../../compiler/pricing/live.js';
import { refreshSnapshot } from '../../compiler/pricing/refresh.js';
import { FREE_BY_DESIGN, suspectZero } from '../../compiler/pricing/price-list.js';
import { createLivePricing, refreshFromApi, type LivePricing } from '../../cli/adapters/live-pricing.js';
import { meterToQuery } from '../../compiler/pricing/meters.js';
import { createSnapshotSource, expandRegionPack } from '../../compiler/pricing/snapshot.js';
import { loadSnapshotSource, readRegionPack, readSnapshotFile, writeSnapshotFile } from '../../cli/adapters/snapshot.js';
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
    expect(src.warnings[0]!.message).toBe('live Price List unavailable: the AWS Price List API is throttling requests (rate exceeded); gave up after 4 attempts; used the snapshot price of 2026-12-02 for ALB hours in us-east-1');
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

describe('live Price List: deadlines, budget, stop rule, readable errors', () => {
  const fast = { timeouts: { requestTimeoutMs: 150, connectionTimeoutMs: 150 }, maxAttempts: 2 };

  it('a server that accepts the connection and never answers: the request deadline ends it, the snapshot answers', async () => {
    server.mode = { fail: 'hang' };
    const warn = vi.spyOn(console, 'warn');
    const emit = vi.spyOn(process, 'emitWarning');
    try {
      const started = Date.now();
      const src = live(fast);
      const result = await src.fetch(q('alb.hours'));
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(result).toMatchObject({ ok: true, priceSource: { source: 'snapshot' } });
      expect(server.requests).toHaveLength(2);
      expect(src.warnings[0]!.message).toBe('live Price List unavailable: the AWS Price List API did not answer within 150 ms; gave up after 2 attempts; used the snapshot price of 2026-12-02 for ALB hours in us-east-1');
      // The HTTP handler's "[WARN] a request has exceeded…" and the SDK's Node notice stay off the terminal.
      expect(warn).not.toHaveBeenCalled();
      expect(emit.mock.calls.filter((c) => /NodeVersionSupportWarning/.test(String(c[0])))).toEqual([]);
    } finally {
      warn.mockRestore();
      emit.mockRestore();
    }
  });

  it('the HTTP handler itself ends a request at its deadline (throwOnRequestTimeout), not only dex\'s own timer', async () => {
    server.mode = { fail: 'hang' };
    const src = live({ ...fast, requestTimeoutMs: 60_000 });
    const started = Date.now();
    await src.fetch(q('alb.hours'));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(src.warnings[0]!.message).toMatch(/did not answer within/);
  });

  it('a time budget for the whole run: once spent, nothing more is asked and one warning says so', async () => {
    server.mode = { fail: 'hang' };
    const src = live({ timeouts: { requestTimeoutMs: 5_000, connectionTimeoutMs: 5_000 }, requestTimeoutMs: 5_000, budgetMs: 300 });
    const started = Date.now();
    const queries = [q('alb.hours'), q('kms.key'), q('waf.acl'), q('ecr.storage')];
    await src.prefetch(queries);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(server.requests).toHaveLength(1);
    expect(src.warnings.map((w) => w.code)).toEqual(['live-stopped']);
    expect(src.warnings[0]!.message).toBe('live Price List stopped: the time budget of 300 ms for asking the AWS Price List API is spent; the prices not yet asked come from the snapshot of 2026-12-02');
    const plan = priceMeters([{ logicalId: 'Kms', type: 'AWS::KMS::Key', usage: [meter('kms.key', 'count-month', 1)] }], 'us-east-1', src);
    expect(plan.lineItems[0]!.priceSource.source).toBe('snapshot');
    expect(src.summary()).toMatchObject({ queries: 4, fetched: 0, cached: 0, fromSnapshot: 4, reasons: [{ reason: 'time budget spent', count: 4 }] });
  });

  it('stops asking after three queries in a row go unanswered (5xx)', async () => {
    server.mode = { fail: '500' };
    const src = live({ maxAttempts: 1 });
    await src.prefetch([q('alb.hours'), q('kms.key'), q('waf.acl'), q('ecr.storage'), q('nat.hours')]);
    expect(server.requests).toHaveLength(3);
    expect(src.warnings.map((w) => w.code)).toEqual(['live-fallback', 'live-fallback', 'live-stopped']);
    expect(src.warnings[0]!.message).toMatch(/^live Price List unavailable: the AWS Price List API failed \(HTTP 500, InternalErrorException\); gave up after 1 attempt; used the snapshot price/);
    expect(src.warnings[2]!.message).toMatch(/^live Price List stopped: the AWS Price List API did not answer 3 queries in a row/);
  });

  it.each([
    ['html-502', /^live Price List unavailable: the AWS Price List API answered with something that is not its JSON \(HTTP 502, likely an error page from a proxy or load balancer in between\); gave up after 2 attempts/],
    ['bad-json', /^live Price List unavailable: the AWS Price List API answered with something that is not its JSON; gave up after 2 attempts/],
    ['reset', /^live Price List unavailable: cannot reach the AWS Price List API: the connection was cut; gave up after 2 attempts/],
  ] as const)('%s: a sentence for the user, no SDK text', async (fail, message) => {
    server.mode = { fail };
    const src = live({ maxAttempts: 2 });
    const result = await src.fetch(q('waf.acl'));
    expect(result).toMatchObject({ ok: true, priceSource: { source: 'snapshot' } });
    expect(src.warnings[0]!.message).toMatch(message);
    expect(src.warnings[0]!.message).not.toMatch(/SyntaxError|TimeoutError|socket hang up|Deserialization|\$response|@smithy/);
  });

  it('missing credentials: one warning that says how to provide them, no request, however many queries', async () => {
    const noCredentials = async (): Promise<never> => {
      throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    };
    const src = live({ credentials: noCredentials });
    const queries = ['alb.hours', 'alb.lcu', 'kms.key', 'kms.requests', 'waf.acl', 'waf.rule', 'ecr.storage', 'nat.hours', 'nat.processed', 'logs.storage'].map((m) => q(m as MeterName));
    await src.prefetch(queries);
    expect(server.requests).toHaveLength(0);
    expect(src.warnings).toHaveLength(1);
    expect(src.warnings[0]!.code).toBe('live-stopped');
    expect(src.warnings[0]!.message).toMatch(/^live Price List stopped: no AWS credentials to ask the AWS Price List API with: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY .*AWS_PROFILE/);
    expect(src.warnings[0]!.message).not.toMatch(/CredentialsProviderError/);
    expect(src.summary()).toMatchObject({ fetched: 0, fromSnapshot: 10, reasons: [{ reason: 'AWS credentials are missing', count: 10 }] });
  });

  it('sends identical requests once: NAT hours and bytes, ALB hours and LCUs, the WAF trio share one GetProducts each, and one backoff', async () => {
    server.mode = { throttleFirst: 2 };
    const src = live({ baseDelayMs: 100 });
    await src.prefetch([q('nat.hours'), q('nat.processed'), q('alb.hours'), q('alb.lcu'), q('waf.acl'), q('waf.rule'), q('waf.requests'), q('fargate.vcpu'), q('fargate.memory')]);
    const asked = server.requests.map((r) => `${r.body.ServiceCode} ${JSON.stringify(r.body.Filters)}`);
    expect(asked.length).toBe(4 + 2); // 4 distinct requests, the first throttled twice
    expect(new Set(asked).size).toBe(4);
    expect(sleeps).toEqual([100, 200]);
    expect(src.summary()).toMatchObject({ queries: 9, fetched: 9, fromSnapshot: 0 });
    // Concurrent callers share the request in flight too.
    server.mode = {};
    server.requests.length = 0;
    const other = live();
    await Promise.all([other.fetch(q('vpce.interface')), other.fetch(q('vpce.processed')), other.fetch(q('vpce.interface'))]);
    expect(server.requests).toHaveLength(1);
  });

  it('a $0 price is suspect: unpriced with a reason, not a silent $0.00 line', async () => {
    const alb = snapshot.items.find((i) => i.serviceCode === 'AWSELB' && i.product.attributes.regionCode === 'us-east-1' && /LoadBalancerUsage$/.test(i.product.attributes.usagetype ?? '') && i.product.productFamily === 'Load Balancer-Application')!;
    server.mode = { zeroSkus: [alb.product.sku] };
    const src = live();
    const resources = [{ logicalId: 'Alb', type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', usage: [meter('alb.hours', 'hours', 730)] }];
    await src.prefetch(collectQueries(resources, 'us-east-1'));
    const plan = priceMeters(resources, 'us-east-1', src);
    expect(plan.lineItems).toEqual([]);
    expect(plan.unpriced[0]!.reason).toMatch(/^the Price List gives \$0 for ALB hours in us-east-1 \(SKU .*\): a zero price is not believed/);
  });

  it('free by design stays $0 (data transfer in), everything else at $0 does not', () => {
    const product = (serviceCode: string, usagetype: string) => ({ sku: 'S', serviceCode, attributes: { usagetype }, dimensions: [{ rateCode: 'r', unit: 'GB', beginRange: 0, endRange: null, usdText: '0.0000000000', description: '' }] });
    const query: PriceQuery = { serviceCode: 'AWSDataTransfer', region: 'us-east-1', filters: {} };
    expect(suspectZero(product('AWSDataTransfer', 'USE1-DataTransfer-In-Bytes'), query)).toBeUndefined();
    expect(suspectZero(product('AWSDataTransfer', 'USE1-DataTransfer-Out-Bytes'), query)).toMatch(/a zero price is not believed/);
    expect(FREE_BY_DESIGN.every((f) => f.reason.length > 10)).toBe(true);
  });

  it('the Prices line: live only when true, cache age, the snapshot share and why', () => {
    const now = new Date('2026-12-04T12:00:00Z');
    expect(describeLivePricing({ queries: 5, fetched: 5, cached: 0, fromSnapshot: 0, reasons: [] }, '2026-11-24', now)).toBe('live AWS Price List, all 5 prices (fetched now)');
    expect(describeLivePricing({ queries: 5, fetched: 0, cached: 5, oldestCached: '2026-12-01T10:00:00Z', fromSnapshot: 0, reasons: [] }, '2026-11-24', now)).toBe('live AWS Price List, all 5 prices (all 5 cached up to 3 days ago)');
    expect(describeLivePricing({ queries: 6, fetched: 2, cached: 1, oldestCached: '2026-12-04T09:00:00Z', fromSnapshot: 3, reasons: [{ reason: 'timed out', count: 2 }, { reason: 'no verified Price List filter', count: 1 }] }, '2026-11-24', now))
      .toBe('3 of 6 prices from the live AWS Price List (2 fetched now, 1 cached 3 hours ago), 3 from the price snapshot of 2026-11-24 (timed out: 2, no verified Price List filter: 1)');
    expect(describeLivePricing({ queries: 4, fetched: 0, cached: 0, fromSnapshot: 4, reasons: [{ reason: 'AWS credentials are missing', count: 4 }] }, '2026-11-24', now))
      .toBe('price snapshot of 2026-11-24 — the live AWS Price List was not used (AWS credentials are missing)');
  });

  it('a cached answer says when it was fetched', async () => {
    const cacheDir = tempDir();
    await live({ cacheDir }).fetch(q('waf.acl'));
    const later = live({ cacheDir, now: () => new Date(Date.now() + 3 * 24 * 3600 * 1000) });
    const r = later.lookup(q('waf.acl'));
    expect(r).toMatchObject({ ok: true, priceSource: { source: 'live', cached: true } });
    expect(later.summary()).toMatchObject({ fetched: 0, cached: 1 });
    expect(describeLivePricing(later.summary(), '2026-11-24', new Date(Date.now() + 3 * 24 * 3600 * 1000))).toBe('live AWS Price List, all 1 price (all 1 cached 3 days ago)');
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
      // Three products re-read (t3.medium, NAT hours, the global dashboard); m7g.large is not in
      // the Price List and had no old price: a gap. Every other product is carried over.
      expect(report.fetched).toBe(3);
      expect(report.gaps).toHaveLength(1);
      expect(report.stale).toEqual([]);
      // t3.medium's eu-west-1 price lived in the region pack: the refreshed one is a new product of
      // snapshot.json (which wins over the pack); NAT hours and the dashboard replace their old ones.
      expect(report.products).toBe(readSnapshotFile().products.length + 1);
      expect(report.carriedOver).toBe(report.products - 3);
      writeSnapshotFile(out, report.file);
      const file = readSnapshotFile(out);
      expect(file.asOf).toBe('2027-01-02');
      expect(file.gaps.slice(0, -1)).toEqual(readSnapshotFile().gaps);
      expect(file.gaps.at(-1)!.reason).toMatch(/^not found in the AWS Price List on 2027-01-02/);
      const refreshed = createSnapshotSource(file);
      expect(refreshed.lookup(q('ec2.instance', { instanceType: 't3.medium' }, 'eu-west-1'))).toMatchObject({ ok: true, unitPriceUsd: 0.0456, priceSource: { confidence: 'price list' } });
      expect(refreshed.lookup(q('codepipeline.pipeline', {}, 'eu-west-1'))).toMatchObject({ ok: true, priceSource: { confidence: 'single source' } });
      const miss = refreshed.lookup(q('ec2.instance', { instanceType: 'x9.huge' }, 'eu-west-1'));
      expect(!miss.ok && miss.reason).toMatch(/^no public price for /);
    } finally {
      client.destroy();
    }
  });

  it('never loses: unanswered queries keep their products (stale), other terms and fields survive, gaps are not recorded twice', async () => {
    // EC2 prices live in the region packs: the snapshot under refresh holds two of them as items.
    const base = readSnapshotFile();
    const packed = expandRegionPack(readRegionPack('us-east-1')!).filter((p) => p.serviceCode === 'AmazonEC2' && ['t3.medium', 't3.micro'].includes(p.product.attributes.instanceType ?? ''));
    const current = { ...base, products: [...base.products, ...packed] };
    const t3 = current.products.find((p) => p.product.attributes.instanceType === 't3.medium' && p.product.attributes.regionCode === 'us-east-1')!;
    const reserved = { 'X.Y': { priceDimensions: { 'X.Y.Z': { unit: 'Hrs', pricePerUnit: { USD: '0.0260000000' } } }, termAttributes: { LeaseContractLength: '1yr', PurchaseOption: 'No Upfront', OfferingClass: 'standard' } } };
    const withReserved = { ...current, products: current.products.map((p) => (p === t3 ? { ...p, terms: { ...p.terms, Reserved: reserved } } : p)) };
    const served = createSnapshotSource(current).items;
    const api: PricingApi = {
      async getProducts(input) {
        const types = input.Filters.find((f) => f.Field === 'instanceType')?.Value;
        if (types === 't3.micro') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
        const hits = served.filter((i) => i.serviceCode === input.ServiceCode && input.Filters.every((f) => (f.Field === 'productFamily' ? i.product.productFamily : i.product.attributes[f.Field]) === f.Value));
        // Without terms.Reserved, so the test sees the old item's reserved terms survive.
        return { PriceList: hits.map((i) => JSON.stringify({ ...i, terms: { OnDemand: i.terms.OnDemand }, dex: undefined })) };
      },
    };
    const catalog = [
      { meter: 'ec2.instance' as const, attributes: { instanceType: 't3.medium' } },
      { meter: 'ec2.instance' as const, attributes: { instanceType: 't3.micro' } },
      { meter: 'ec2.instance' as const, attributes: { instanceType: 'z9.huge' } },
    ];
    const options = { catalog, now: () => new Date('2027-01-02T00:00:00Z'), maxAttempts: 2, sleep: async () => {} };
    const report = await refreshSnapshot(['us-east-1'], withReserved, api, options);
    expect(report.fetched).toBe(1);
    expect(report.stale).toHaveLength(1);
    expect(report.stale[0]).toMatchObject({ keptProducts: 1, reason: 'the AWS Price List API is throttling requests (rate exceeded); gave up after 2 attempts' });
    expect(report.gaps).toHaveLength(1);
    expect(report.products).toBe(current.products.length);
    const micro = report.file.products.find((p) => p.product.attributes.instanceType === 't3.micro' && p.product.attributes.regionCode === 'us-east-1')!;
    expect(micro.dex).toMatchObject({ confidence: expect.not.stringMatching(/^price list$/), stale: { since: '2027-01-02' } });
    const medium = report.file.products.find((p) => p.product.sku === t3.product.sku)!;
    expect(medium.dex!.confidence).toBe('price list');
    expect(medium.terms.Reserved).toEqual(reserved);
    // A second refresh finds the same gap: recorded once; the stale mark keeps its first date.
    const again = await refreshSnapshot(['us-east-1'], report.file, api, { ...options, now: () => new Date('2027-02-01T00:00:00Z') });
    expect(again.file.gaps.length).toBe(report.file.gaps.length);
    expect(again.file.products.find((p) => p.product.sku === micro.product.sku)!.dex!.stale!.since).toBe('2027-01-02');
  });
});
