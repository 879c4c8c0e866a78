// `dex plan` and `dex pricing refresh`, run in-process: the formats (aligned colour-free text off a
// TTY, JSON shape, Markdown), the budget gate, invalid specs, and live pricing end to end through
// the real @aws-sdk/client-pricing client against the loopback Price List server — including a
// clean fallback to the snapshot when the server fails. Only 127.0.0.1 traffic.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
    expect(out).toContain('| network | `NatGatewayA` | NAT Gateway | NatGateway-Hours | 730 h × $0.056/h = $40.88 | $40.88 | $40.88 |');
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

  it.each(['500', 'reset'] as const)('falls back cleanly to the snapshot when the server fails (%s), with a warning', async (fail) => {
    server.mode = { fail };
    const offline = JSON.parse((await plan({ environment: 'production', format: 'json' })).out);
    const { code, out, err } = await plan({ environment: 'production', format: 'json', pricing: 'live' }, liveEnv());
    expect(code).toBe(EXIT.ok);
    const json = JSON.parse(out);
    expect(json.totals).toEqual(offline.totals);
    expect(json.lineItems.every((l: any) => l.priceSource.source === 'snapshot')).toBe(true);
    expect(json.warnings.some((w: any) => w.code === 'live-fallback' && /live Price List unavailable/.test(w.message))).toBe(true);
    expect(json.warnings.some((w: any) => /remaining \d+ were not asked/.test(w.message))).toBe(true);
    expect(server.requests.length).toBeLessThanOrEqual(3 * 2); // gives up after 3 queries × 2 attempts
    expect(err).toMatch(/live-pricing warnings? \(prices fell back to the snapshot/);
    // The text table lists the warnings too.
    server.mode = { fail };
    const text = await plan({ environment: 'production', pricing: 'live' }, liveEnv());
    expect(text.out).toMatch(/Pricing warnings \(\d+\)\n {2}live-fallback: live Price List unavailable/);
  });
});

describe('dex pricing refresh (loopback Price List server)', () => {
  it('rewrites a snapshot from the API', async () => {
    const file = join(dir, 'snapshot.json');
    copyFileSync(defaultSnapshotPath(), file);
    const io = captureIO(dir, { DEX_PRICING_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    const code = await runPricingRefresh({ regions: ['eu-west-1'], snapshot: 'snapshot.json' }, io, { now: () => new Date('2026-12-01T00:00:00Z') });
    expect(code, io.err()).toBe(EXIT.ok);
    expect(io.out()).toMatch(/^wrote snapshot\.json: \d+ products for eu-west-1 \(\d+ carried over/);
    const written = readSnapshotFile(file);
    expect(written.regions).toEqual(['eu-west-1']);
    expect(written.asOf).toBe('2026-12-01');
    const fresh = written.products.filter((p) => p.dex?.confidence === 'price list');
    expect(fresh.length).toBeGreaterThan(20);
    expect(fresh.every((p) => p.product.attributes.regionCode === 'eu-west-1' || p.product.attributes.regionCode === undefined)).toBe(true);
    expect(server.requests.length).toBeGreaterThan(20);
    // The refreshed file is a usable price source.
    expect(() => loadSnapshotSource(file)).not.toThrow();
  });

  it('leaves the snapshot unchanged and exits 1 when the API does not answer', async () => {
    const file = join(dir, 'snapshot-fail.json');
    copyFileSync(defaultSnapshotPath(), file);
    const before = readFileSync(file, 'utf8');
    server.mode = { fail: '500' };
    const io = captureIO(dir, { DEX_PRICING_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    const code = await runPricingRefresh({ regions: ['us-east-1'], snapshot: 'snapshot-fail.json' }, io, { maxAttempts: 1, sleep: async () => undefined });
    expect(code).toBe(EXIT.failed);
    expect(io.err()).toMatch(/answered no query .*snapshot-fail\.json is unchanged/s);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
