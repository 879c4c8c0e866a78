// `dex plan` and `dex pricing refresh`, run in-process: the formats (aligned colour-free text off a
// TTY, JSON shape, Markdown), the budget gate, invalid specs, and live pricing end to end through
// the real @aws-sdk/client-pricing client against the loopback Price List server — including a
// clean fallback to the snapshot when the server fails. Only 127.0.0.1 traffic.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { meterToQuery } from '../../compiler/pricing/meters.js';
import { createSnapshotSource as createSnapshotSourceFrom } from '../../compiler/pricing/snapshot.js';
import type { PriceQuery } from '../../compiler/pricing/types.js';
import { runPlan, type PlanArgs } from '../../cli/commands/plan.js';
import { runPricingRefresh } from '../../cli/commands/pricing.js';
import { EXIT } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { alignColumns } from '../../cli/plan-render.js';
import { defaultSnapshotPath, loadSnapshotSource, readSnapshotFile } from '../../cli/adapters/snapshot.js';
import { startFakePricingServer, type FakePricingServer } from '../pricing/fake-pricing-server.js';
import { captureIO } from '../support/io.js';

const ROOT = resolve(import.meta.dirname, '../..');
const REFERENCE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const snapshot = loadSnapshotSource();

let dir: string;
let server: FakePricingServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dex-plan-'));
  server = await startFakePricingServer(snapshot.items);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  server.mode = {};
  server.requests.length = 0;
});

function ec2Query(instanceType: string, region: string): PriceQuery {
  const m = meterToQuery({ meter: 'ec2.instance', unit: 'hours', quantity: { min: 1, max: 1 }, attributes: { instanceType }, basis: '' }, region);
  if (!m.ok) throw new Error(m.reason);
  return m.parts[0]!.query;
}

const args = (extra: Partial<PlanArgs> = {}): PlanArgs => ({ file: REFERENCE, format: 'text', pricing: 'snapshot', allowOverBudget: false, ...extra });
const ESC = String.fromCharCode(27);

async function plan(extra: Partial<PlanArgs> = {}, env: Record<string, string> = {}, tty = false) {
  const io = captureIO(ROOT, env, tty);
  const code = await runPlan(args(extra), io, { live: { maxAttempts: 2, baseDelayMs: 0, sleep: async () => undefined } });
  return { code, out: io.out(), err: io.err() };
}

function specWith(extra: string): string {
  const file = join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `${readFileSync(join(ROOT, REFERENCE), 'utf8')}\n${extra}\n`);
  return file;
}

describe('dex plan: formats', () => {
  it('prints a table grouped by layer, aligned and colour-free when not on a TTY', async () => {
    const { code, out } = await plan({ environment: 'production' });
    expect(code).toBe(EXIT.ok);
    expect(out).not.toContain(ESC);
    expect(out).toMatch(/^Prices: price snapshot of 2026-12-02 — AWS on-demand list prices in USD, 730 hours a month/m);
    for (const layer of ['network', 'security', 'data', 'ingress', 'ecs', 'eks', 'ec2', 'monitoring']) expect(out).toMatch(new RegExp(`^  ${layer} +\\$`, 'm'));
    expect(out).toContain('730 h × $0.056/h = $40.88');
    expect(out).toMatch(/^ {2}production: \$[\d,.]+ – \$[\d,.]+ a month plus \d+ unpriced items/m);
    expect(out).toMatch(/^ +PostgresDatabase +RDS +Multi-AZUsage:db\.t3\.medium .*730 h × \$0\.212\/h = \$154\.76$/m);
    // Alignment: in every table row the two money columns end at the same column.
    const ends = out
      .split('\n')
      .map((l) => /\$[\d,]+\.\d\d {2,}\$[\d,]+\.\d\d(?= |$)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => m.index + m[0].length);
    expect(ends.length).toBeGreaterThan(40);
    expect(new Set(ends).size).toBe(1);
  });

  it('colours the table on a TTY (and never with NO_COLOR)', async () => {
    expect((await plan({ environment: 'production' }, {}, true)).out).toContain(`${ESC}[`);
    expect((await plan({ environment: 'production' }, { NO_COLOR: '1' }, true)).out).not.toContain(ESC);
  });

  it('aligns columns by display width, right-aligning numbers, with no trailing blanks', () => {
    expect(alignColumns([['a', '1', 'x'], ['long ×', '1,000', '']], ['l', 'r', 'l'])).toEqual(['a           1  x', 'long ×  1,000']);
  });

  it('writes JSON for machines: region, currency, pricing, totals, line items with min/max, unpriced', async () => {
    const { code, out } = await plan({ environment: 'production', format: 'json' });
    expect(code).toBe(EXIT.ok);
    const json = JSON.parse(out);
    expect(json).toMatchObject({ region: 'ap-south-1', currency: 'USD', environment: 'production', hoursPerMonth: 730, pricing: { source: 'snapshot', asOf: '2026-12-02' } });
    expect(json.totals.monthlyMin).toBeLessThanOrEqual(json.totals.monthlyMax);
    const sum = (k: 'min' | 'max') => json.lineItems.reduce((a: number, l: any) => a + Math.round(l.monthlyUsd[k] * 100), 0) / 100;
    expect(json.totals).toEqual({ monthlyMin: sum('min'), monthlyMax: sum('max') });
    for (const l of json.lineItems) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(['resource', 'service', 'usageType', 'unit', 'quantity', 'unitPriceUsd', 'monthlyUsd', 'priceSource', 'arithmetic', 'layer']));
      expect(l.quantity.min).toBeLessThanOrEqual(l.quantity.max);
      expect(l.priceSource).toMatchObject({ source: 'snapshot', asOf: '2026-12-02' });
    }
    expect(json.unpriced.length).toBeGreaterThan(0);
    for (const u of json.unpriced) expect(u).toEqual(expect.objectContaining({ resource: expect.any(String), meter: expect.any(String), reason: expect.any(String) }));
    expect(json.environments).toHaveLength(1);
    expect(json.environments[0].layers.map((l: any) => l.layer)).toEqual(['network', 'security', 'data', 'ingress', 'ecs', 'eks', 'ec2', 'monitoring', ...(json.environments[0].layers.length > 8 ? ['cicd'] : [])]);
  });

  it('without --env, prices every environment, with per-environment totals and a combined total', async () => {
    const json = JSON.parse((await plan({ format: 'json' })).out);
    // The bootstrap of each account and region is priced with the whole system, after the environments.
    expect(json.environments.map((e: any) => e.environment)).toEqual(['staging', 'production', 'bootstrap/default/ap-south-1', 'bootstrap/default/ap-south-2']);
    const [s, p, b1, b2] = json.environments;
    expect(json.totals.monthlyMax).toBeCloseTo(s.totals.monthlyMax + p.totals.monthlyMax + b1.totals.monthlyMax + b2.totals.monthlyMax, 2);
    expect(b1.totals.monthlyMin).toBeGreaterThan(0); // its KMS key at least
    expect(new Set(json.lineItems.map((l: any) => l.environment))).toEqual(new Set(['staging', 'production', 'bootstrap/default/ap-south-1']));
    expect(s.totals.monthlyMin).toBeLessThan(p.totals.monthlyMin); // staging runs fewer kyc/aml tasks at the minimum
  });

  it('writes Markdown for a pull-request comment: a summary table and collapsible details', async () => {
    const { code, out } = await plan({ format: 'markdown' });
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/^### dex plan: dex-mobile-v6$/m);
    expect(out).toMatch(/^\| environment \| region \| min \/ month \| max \/ month \| unpriced \| budget \|$/m);
    expect(out).toMatch(/^\| staging \| ap-south-1 \| \$[\d,.]+ \| \$[\d,.]+ \| \d+ \| — \|$/m);
    expect(out.match(/<details><summary>/g)).toHaveLength(4); // staging, production, two bootstraps
    expect(out.match(/<\/details>/g)).toHaveLength(4);
    // The arithmetic is text: its dollar signs are escaped (GitHub reads a $…$ pair as math).
    expect(out).toContain('| network | `NatGatewayA` | NAT Gateway | NatGateway-Hours | 730 h × \\$0.056/h = \\$40.88 | $40.88 | $40.88 |');
    expect(out).toContain('**Unpriced** (not in the totals):');
    expect(out).not.toContain(ESC);
  });

  it('runs through the command line, with usage errors for bad options', async () => {
    const io = captureIO(ROOT);
    expect(await main(['plan', REFERENCE, '--env', 'staging', '--format', 'json'], io)).toBe(EXIT.ok);
    expect(JSON.parse(io.out()).environment).toBe('staging');
    expect(await main(['plan', REFERENCE, '--format', 'yaml'], captureIO(ROOT))).toBe(EXIT.usage);
    expect(await main(['plan', REFERENCE, '--pricing', 'guess'], captureIO(ROOT))).toBe(EXIT.usage);
    const help = captureIO(ROOT);
    expect(await main(['plan', '--help'], help)).toBe(EXIT.ok);
    expect(help.out()).toContain('--allow-over-budget');
    const refreshHelp = captureIO(ROOT);
    expect(await main(['pricing', 'refresh', '--help'], refreshHelp)).toBe(EXIT.ok);
    expect(refreshHelp.out()).toContain('--region <region...>');
  });
});

describe('dex plan: invalid input', () => {
  it('renders diagnostics like validate and exits 1 for an invalid spec', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'dex: 1\nname: Bad Name\nregion: ap-south-1\n');
    const { code, out, err } = await plan({ file });
    expect(code).toBe(EXIT.failed);
    expect(out).toBe('');
    expect(err).toMatch(/bad\.yaml:2:\d+: error DEX\d{3}/);
    expect(err).toMatch(/invalid — \d+ errors?; nothing priced/);
  });

  it('exits 2 for a missing file and for an unknown environment (usage errors), 1 with --detailed-exitcode', async () => {
    expect((await plan({ file: join(dir, 'missing.yaml') })).code).toBe(EXIT.usage);
    const { code, err } = await plan({ environment: 'prod' });
    expect(code).toBe(EXIT.usage);
    expect(err).toContain('error DEX400: no environment "prod"');
    expect((await plan({ environment: 'prod', detailedExitcode: true })).code).toBe(EXIT.failed);
  });
});

describe('dex plan: the budget gate', () => {
  it('fails (exit 1) when the maximum exceeds the budget, naming the budget line in dex.yaml', async () => {
    const file = specWith('budget:\n  monthlyUsd: 500\n  alertEmails: [finance@example.com]');
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('monthlyUsd: 500')) + 1;
    const { code, out, err } = await plan({ file, environment: 'production' });
    expect(code).toBe(EXIT.failed);
    expect(out).toContain('OVER the budget of $500.00');
    expect(err).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+: over budget: production can cost up to \\$[\\d,.]+ a month`));
    expect(err).toContain('above budget.monthlyUsd $500.00');
    expect(err).toContain('--allow-over-budget');
  });

  it('names the environment overlay when the budget is set there', async () => {
    const file = specWith('');
    const text = readFileSync(file, 'utf8').replace('  production: {}', '  production:\n    budget: { monthlyUsd: 400 }');
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('monthlyUsd: 400')) + 1;
    const { code, err } = await plan({ file, environment: 'production' });
    expect(code).toBe(EXIT.failed);
    expect(err).toContain(`:${line}:`);
  });

  it('exits 0 with --allow-over-budget, and when the estimate fits', async () => {
    const over = specWith('budget: { monthlyUsd: 500 }');
    const allowed = await plan({ file: over, allowOverBudget: true });
    expect(allowed.code).toBe(EXIT.ok);
    expect(allowed.err).toContain('allowed by --allow-over-budget');
    const roomy = await plan({ file: specWith('budget: { monthlyUsd: 100000 }'), format: 'json' });
    expect(roomy.code).toBe(EXIT.ok);
    expect(JSON.parse(roomy.out).environments[0].budget).toMatchObject({ monthlyUsd: 100000, exceeded: false });
  });
});

describe('dex plan --pricing live (real SDK client, loopback Price List server)', () => {
  const liveEnv = () => ({
    DEX_PRICING_ENDPOINT: server.endpoint,
    DEX_CACHE_DIR: mkdtempSync(join(dir, 'cache-')),
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });

  it('prices from the API end to end: same totals as the snapshot it serves, provenance "live", cached on disk', async () => {
    const env = liveEnv();
    const offline = JSON.parse((await plan({ environment: 'production', format: 'json' })).out);
    const { code, out, err } = await plan({ environment: 'production', format: 'json', pricing: 'live' }, env);
    expect(code).toBe(EXIT.ok);
    const json = JSON.parse(out);
    expect(json.pricing.source).toBe('live');
    expect(server.requests.length).toBeGreaterThan(10);
    expect(server.requests.every((r) => r.target === 'AWSPriceListService.GetProducts' && /^AWS4-HMAC-SHA256 /.test(r.authorization ?? ''))).toBe(true);
    const sources = new Set(json.lineItems.map((l: any) => l.priceSource.source));
    expect(sources.has('live')).toBe(true);
    expect(json.lineItems.filter((l: any) => l.priceSource.source === 'live').every((l: any) => l.priceSource.confidence === 'price list')).toBe(true);
    expect(json.totals).toEqual(offline.totals);
    expect(json.warnings.filter((w: any) => w.code === 'live-fallback')).toEqual([]);
    // The only snapshot answers are the products without a verified Price List filter (AWS Backup).
    expect(json.warnings.filter((w: any) => w.code !== 'snapshot-only')).toEqual([]);
    expect(json.warnings.every((w: any) => /AWS Backup/.test(w.message))).toBe(true);
    if (json.warnings.length === 0) expect(err).not.toContain('fell back');
    // Second run: answered from the cache, no request.
    server.requests.length = 0;
    expect((await plan({ environment: 'production', format: 'json', pricing: 'live' }, env)).code).toBe(EXIT.ok);
    expect(server.requests).toHaveLength(0);
  });

  it('shows a progress indicator on a TTY only, on stderr', async () => {
    const tty = await plan({ environment: 'staging', pricing: 'live' }, liveEnv(), true);
    expect(tty.err).toMatch(/live prices \d+\/\d+/);
    const pipe = await plan({ environment: 'staging', pricing: 'live', format: 'json' }, liveEnv(), false);
    expect(pipe.err).not.toMatch(/live prices \d+\/\d+/);
  });

  it.each(['500', 'reset'] as const)('falls back cleanly to the snapshot when the server fails (%s), and says so', async (fail) => {
    server.mode = { fail };
    const offline = JSON.parse((await plan({ environment: 'production', format: 'json' })).out);
    const { code, out, err } = await plan({ environment: 'production', format: 'json', pricing: 'live' }, liveEnv());
    expect(code).toBe(EXIT.ok);
    const json = JSON.parse(out);
    expect(json.totals).toEqual(offline.totals);
    expect(json.lineItems.every((l: any) => l.priceSource.source === 'snapshot')).toBe(true);
    expect(json.warnings.some((w: any) => w.code === 'live-fallback' && /live Price List unavailable/.test(w.message))).toBe(true);
    expect(json.warnings.filter((w: any) => w.code === 'live-stopped')).toHaveLength(1);
    expect(server.requests.length).toBeLessThanOrEqual(3 * 2); // gives up after 3 queries × 2 attempts
    expect(json.pricing.summary).toMatch(/^price snapshot of 2026-12-02 — the live AWS Price List was not used \(/);
    expect(err).toMatch(/warning DEX905: \d+ of \d+ prices come from the price snapshot of 2026-12-02, not the live AWS Price List: .*dex stopped asking: the AWS Price List API did not answer 3 queries in a row/);
    expect(err).not.toMatch(/TimeoutError|socket hang up|InternalErrorException:/);
    // Text and Markdown never claim live prices when none were.
    for (const format of ['text', 'markdown'] as const) {
      server.mode = { fail };
      const r = await plan({ environment: 'production', pricing: 'live', format }, liveEnv());
      expect(r.out).toMatch(/Prices: price snapshot of 2026-12-02 — the live AWS Price List was not used/);
      expect(r.out).not.toMatch(/Prices: live AWS Price List/);
    }
    server.mode = { fail };
    const text = await plan({ environment: 'production', pricing: 'live' }, liveEnv());
    expect(text.out).toMatch(/Pricing warnings \(\d+\)\n {2}live-fallback: live Price List unavailable/);
  });

  it('a server that never answers: the plan finishes within the deadlines, from the snapshot', async () => {
    server.mode = { fail: 'hang' };
    const started = Date.now();
    const { code, out, err } = await plan({ environment: 'production', format: 'json', pricing: 'live' }, { ...liveEnv(), DEX_AWS_TIMEOUT_MS: '150' });
    expect(code).toBe(EXIT.ok);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.requests.length).toBeLessThanOrEqual(3 * 2);
    expect(JSON.parse(out).pricing.live).toMatchObject({ fetched: 0, cached: 0 });
    expect(err).toMatch(/warning DEX905: .*did not answer within 150 ms/);
  });

  it('says which prices are live: all fetched now, then all cached', async () => {
    const env = liveEnv();
    const first = await plan({ environment: 'production', pricing: 'live' }, env);
    // Products without a verified Price List filter (AWS Backup) come from the snapshot by design.
    expect(first.out).toMatch(/^Prices: (live AWS Price List, all \d+ prices|\d+ of \d+ prices from the live AWS Price List) \(fetched now\)(, \d+ from the price snapshot of [\d-]+ \(no verified Price List filter\))? — /m);
    expect(first.err).not.toMatch(/DEX905/);
    const second = await plan({ environment: 'production', pricing: 'live', format: 'markdown' }, env);
    expect(second.out).toMatch(/(live AWS Price List, all \d+ prices|\d+ of \d+ prices from the live AWS Price List) \(all \d+ cached (just now|up to \d+ minutes? ago)\)/);
    expect(second.out).not.toMatch(/fetched now/);
  });

  it('missing credentials: one DEX905 saying how to provide them', async () => {
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) vi.stubEnv(k, '');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'no-credentials'));
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-config'));
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    try {
      const { code, out, err } = await plan({ environment: 'production', pricing: 'live' }, { DEX_PRICING_ENDPOINT: server.endpoint, DEX_CACHE_DIR: mkdtempSync(join(dir, 'cache-')) });
      expect(code).toBe(EXIT.ok);
      expect(server.requests).toHaveLength(0);
      expect(err.match(/DEX905/g)).toHaveLength(1);
      expect(err).toMatch(/AWS credentials are missing/);
      expect(err).toMatch(/hint: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
      expect(err).not.toMatch(/CredentialsProviderError/);
      expect(out.match(/credentials are missing/g)?.length ?? 0).toBeLessThanOrEqual(2); // the Prices line and one warning, not one per price
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('dex pricing refresh (loopback Price List server)', () => {
  const awsEnv = () => ({ DEX_PRICING_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  const now = () => new Date('2026-12-01T00:00:00Z');

  it('writes a new file by default, keeps the regions it did not refresh, never touches the snapshot', async () => {
    const work = mkdtempSync(join(dir, 'refresh-'));
    const file = join(work, 'snapshot.json');
    copyFileSync(defaultSnapshotPath(), file);
    const before = readFileSync(file, 'utf8');
    const io = captureIO(work, awsEnv());
    const code = await runPricingRefresh({ regions: ['eu-west-1'], snapshot: 'snapshot.json' }, io, { now });
    expect(code, io.err()).toBe(EXIT.ok);
    expect(io.out()).toMatch(/^wrote price-snapshot-2026-12-01\.json: \d+ products — \d+ re-read from the AWS Price List \(\d+ queries\), \d+ carried over unchanged, 0 kept stale/);
    expect(io.out()).toMatch(/regions not refreshed, kept as they were: us-east-1, ap-south-1, ap-south-2|regions not refreshed, kept as they were: .*us-east-1/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const written = readSnapshotFile(join(work, 'price-snapshot-2026-12-01.json'));
    const old = readSnapshotFile(file);
    expect([...written.regions].sort()).toEqual([...old.regions].sort());
    expect(written.products.length).toBeGreaterThanOrEqual(old.products.length - 5);
    for (const region of old.regions.filter((r) => r !== 'eu-west-1')) {
      expect(written.products.filter((p) => p.product.attributes.regionCode === region).length).toBe(old.products.filter((p) => p.product.attributes.regionCode === region).length);
    }
    const fresh = written.products.filter((p) => p.dex?.confidence === 'price list');
    expect(fresh.length).toBeGreaterThan(20);
    expect(fresh.every((p) => p.product.attributes.regionCode === 'eu-west-1' || p.product.attributes.regionCode === undefined)).toBe(true);
    expect(() => loadSnapshotSource(join(work, 'price-snapshot-2026-12-01.json'))).not.toThrow();
    // Writing over the snapshot needs --in-place.
    const over = captureIO(work, awsEnv());
    expect(await runPricingRefresh({ snapshot: 'snapshot.json', output: 'snapshot.json' }, over, { now })).toBe(EXIT.usage);
    expect(over.err()).toMatch(/pass --in-place/);
  });

  it('a product it could not re-read keeps its old price, marked stale; exit 1 with a summary (DEX906)', async () => {
    const work = mkdtempSync(join(dir, 'refresh-'));
    // A snapshot that holds t3.medium in eu-west-1 as its own product (as an earlier refresh leaves
    // it; the shipped file keeps EC2 in the region packs), so the refresh asks for it again.
    const shipped = readSnapshotFile();
    const t3Item = snapshot.items.find((p) => p.serviceCode === 'AmazonEC2' && p.product.attributes.instanceType === 't3.medium' && p.product.attributes.regionCode === 'eu-west-1')!;
    writeFileSync(join(work, 'snapshot.json'), JSON.stringify({ ...shipped, products: [...shipped.products, t3Item] }));
    const isT3Medium = (b: { Filters?: { Field: string; Value: string }[] }) => !!b.Filters?.some((f) => f.Field === 'instanceType' && f.Value === 't3.medium');
    server.mode = { throttleFirst: 1000, only: isT3Medium };
    const io = captureIO(work, awsEnv());
    const code = await runPricingRefresh({ regions: ['eu-west-1'], snapshot: 'snapshot.json', inPlace: true }, io, { now, maxAttempts: 2, sleep: async () => undefined });
    expect(code).toBe(EXIT.failed);
    expect(io.err()).toMatch(/error DEX906: 1 of \d+ queries were not re-read: 1 product keeps its earlier price, marked stale in snapshot\.json/);
    expect(io.out()).toMatch(/stale \(old price kept\): EC2 t3\.medium Linux on-demand in eu-west-1: the AWS Price List API is throttling requests \(rate exceeded\); gave up after 2 attempts/);
    const written = readSnapshotFile(join(work, 'snapshot.json'));
    const t3 = written.products.filter((p) => p.product.attributes.instanceType === 't3.medium' && p.product.attributes.regionCode === 'eu-west-1');
    expect(t3).toHaveLength(1);
    expect(t3[0]!.dex).toMatchObject({ stale: { since: '2026-12-01', reason: expect.stringMatching(/throttling/) } });
    const price = createSnapshotSourceFrom(written).lookup(ec2Query('t3.medium', 'eu-west-1'));
    expect(price).toMatchObject({ ok: true, unitPriceUsd: 0.0456 });
    expect(price.ok && price.priceSource.notes?.join(' ')).toMatch(/not re-read by dex pricing refresh on 2026-12-01/);
  });

  it('asks for every product the spec needs, not only those in the snapshot; keeps extra fields on items', async () => {
    const work = mkdtempSync(join(dir, 'refresh-'));
    const base = readSnapshotFile();
    // db.t3.medium Multi-AZ in ap-south-1: the reference's class, absent from snapshot.json's own
    // products (its offline price is in the region pack, which the fake API below does not serve).
    const isClass = (p: (typeof snapshot.items)[number]) => p.serviceCode === 'AmazonRDS' && p.product.attributes.regionCode === 'ap-south-1' && p.product.attributes.instanceType === 'db.t3.medium' && p.product.attributes.deploymentOption === 'Multi-AZ' && p.product.attributes.databaseEngine === 'PostgreSQL';
    const template = snapshot.items.find(isClass)!;
    expect(base.products.some(isClass)).toBe(false);
    const extra = {
      ...template,
      product: { ...template.product, sku: 'DBT3MEDIUMMAZAPS1', attributes: { ...template.product.attributes, instanceType: 'db.t3.medium', deploymentOption: 'Multi-AZ', databaseEngine: 'PostgreSQL', regionCode: 'ap-south-1', usagetype: 'APS3-Multi-AZUsage:db.t3.medium' } },
      terms: { OnDemand: { 'DBT3MEDIUMMAZAPS1.JRTCKXETXF': { priceDimensions: { 'DBT3MEDIUMMAZAPS1.JRTCKXETXF.6YS6EN2CT7': { unit: 'Hrs', pricePerUnit: { USD: '0.1680000000' }, description: 'test' } } } } },
    };
    const withField = { ...base, products: base.products.map((p, i) => (i === 0 ? { ...p, builtBy: 'another tool' } : p)) };
    writeFileSync(join(work, 'snapshot.json'), JSON.stringify(withField));
    const other = await startFakePricingServer([...snapshot.items.filter((p) => !isClass(p)), extra]);
    try {
      const io = captureIO(work, { ...awsEnv(), DEX_PRICING_ENDPOINT: other.endpoint });
      const code = await runPricingRefresh({ regions: ['ap-south-1'], snapshot: 'snapshot.json', spec: join(ROOT, REFERENCE), output: 'out.json' }, io, { now });
      expect(io.err()).toMatch(/and what .*dex-mobile-v6\.dex\.yaml needs/);
      expect([EXIT.ok, EXIT.failed]).toContain(code);
      const written = readSnapshotFile(join(work, 'out.json'));
      expect(written.products.some((p) => p.product.sku === 'DBT3MEDIUMMAZAPS1' && p.dex?.confidence === 'price list')).toBe(true);
      const first = written.products.find((p) => p.product.sku === withField.products[0]!.product.sku) as unknown as Record<string, unknown> | undefined;
      expect(first?.builtBy).toBe('another tool');
    } finally {
      await other.close();
    }
  });

  it('a dead API: bounded time, nothing written, exit 1 with one diagnostic', async () => {
    const work = mkdtempSync(join(dir, 'refresh-'));
    copyFileSync(defaultSnapshotPath(), join(work, 'snapshot-fail.json'));
    const before = readFileSync(join(work, 'snapshot-fail.json'), 'utf8');
    server.mode = { fail: 'hang' };
    const started = Date.now();
    const io = captureIO(work, { ...awsEnv(), DEX_AWS_TIMEOUT_MS: '100' }, true);
    const code = await runPricingRefresh({ regions: ['us-east-1'], snapshot: 'snapshot-fail.json', inPlace: true }, io, { maxAttempts: 1, sleep: async () => undefined });
    expect(io.err()).toMatch(/refreshing prices \d+\/\d+: /); // progress, on a TTY
    expect(code).toBe(EXIT.failed);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests.length).toBe(3); // three queries unanswered in a row, then it stops
    expect(io.err().match(/DEX906/g)).toHaveLength(1);
    expect(io.err()).toMatch(/the AWS Price List answered no query \(the AWS Price List API did not answer 3 queries in a row \(the AWS Price List API did not answer within 100 ms; gave up after 1 attempt\)\); nothing was written/);
    expect(readFileSync(join(work, 'snapshot-fail.json'), 'utf8')).toBe(before);
  });
});
