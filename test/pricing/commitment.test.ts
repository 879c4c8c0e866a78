// `dex plan --commitment ri-1y|ri-3y`: the always-on part of each reservable line (the scaling
// minimum) at the Price List's reserved rate (terms.Reserved, standard No Upfront), the monthly
// saving per line and in total, and every line that cannot be reserved at a known price named —
// never a $0 saving. Reserved rates come from a fixture snapshot: the committed snapshot with
// terms.Reserved added to a few ap-south-1 products (rates made up for the test, shaped as AWS
// shapes them).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPlan, type PlanArgs } from '../../cli/commands/plan.js';
import { EXIT } from '../../cli/io.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { parsePriceListItem } from '../../compiler/pricing/price-list.js';
import { createSnapshotSource, type SnapshotFile } from '../../compiler/pricing/snapshot.js';
import type { PriceListItem } from '../../compiler/pricing/types.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { planTargets } from '../../pipeline/plan.js';
import { fixedClock } from '../support/clock.js';
import { captureIO } from '../support/io.js';

const ROOT = resolve(import.meta.dirname, '../..');
const REFERENCE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const committed = JSON.parse(readFileSync(join(ROOT, 'data/pricing/snapshot.json'), 'utf8')) as SnapshotFile;

/** A terms.Reserved entry as AWS writes it: one term per offer, an 'Hrs' dimension with the effective rate. */
function reservedTerm(sku: string, code: string, lease: '1yr' | '3yr', usd: string, attrs: Record<string, string> = {}) {
  return {
    [`${sku}.${code}`]: {
      offerTermCode: code,
      sku,
      effectiveDate: '2026-11-01T00:00:00Z',
      termAttributes: { LeaseContractLength: lease, OfferingClass: 'standard', PurchaseOption: 'No Upfront', ...attrs },
      priceDimensions: {
        [`${sku}.${code}.6YS6EN2CT7`]: { unit: 'Hrs', description: 'reserved hourly', beginRange: '0', endRange: 'Inf', appliesTo: [], rateCode: `${sku}.${code}.6YS6EN2CT7`, pricePerUnit: { USD: usd } },
      },
    },
  };
}

/** Reserved rates of the fixture (ap-south-1): t3.medium 1y/3y, t3.small 1y only, Redis cache.t3.micro 1y; t3.micro none. */
const RATES: Record<string, { '1yr'?: string; '3yr'?: string }> = {
  'AmazonEC2|t3.medium|': { '1yr': '0.0282000000', '3yr': '0.0194000000' },
  'AmazonEC2|t3.small|': { '1yr': '0.0141000000' },
  'AmazonElastiCache|cache.t3.micro|Redis': { '1yr': '0.0140000000' },
};

/** Only the fixture's rates: whatever reserved terms the committed snapshot has are dropped first. */
function withReserved(file: SnapshotFile): SnapshotFile {
  const products = file.products.map((item) => {
    const { Reserved: _dropped, ...onDemandOnly } = item.terms;
    const p = { ...item, terms: onDemandOnly } as PriceListItem;
    const a = p.product.attributes;
    if (a.regionCode !== 'ap-south-1') return p;
    const rates = RATES[`${p.serviceCode}|${a.instanceType}|${a.cacheEngine ?? ''}`];
    if (!rates) return p;
    const sku = p.product.sku;
    const reserved = { ...(rates['1yr'] ? reservedTerm(sku, '4NA7Y494T4', '1yr', rates['1yr']) : {}), ...(rates['3yr'] ? reservedTerm(sku, 'BPH4J8HBKS', '3yr', rates['3yr']) : {}) };
    return { ...p, terms: { ...p.terms, Reserved: reserved } } as PriceListItem;
  });
  return { ...file, products };
}

const fixture = withReserved(committed);
const source = createSnapshotSource(fixture);
const analysis = analyzeSpec(readFileSync(join(ROOT, REFERENCE)), REFERENCE, { today: fixedClock, environment: 'production' });

const dir = mkdtempSync(join(tmpdir(), 'dex-commitment-'));
const snapshotFile = join(dir, 'snapshot.json');
writeFileSync(snapshotFile, JSON.stringify(fixture));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function plan(extra: Partial<PlanArgs>) {
  const io = captureIO(ROOT, { DEX_PRICING_SNAPSHOT: snapshotFile });
  const code = await runPlan({ file: REFERENCE, environment: 'production', format: 'text', pricing: 'snapshot', allowOverBudget: true, ...extra }, io);
  return { code, out: io.out(), err: io.err() };
}

describe('reserved terms in the Price List item', () => {
  const item = fixture.products.find((p) => p.serviceCode === 'AmazonEC2' && p.product.attributes.instanceType === 't3.medium' && p.product.attributes.regionCode === 'ap-south-1')!;
  it('reads the standard No Upfront offer of each lease length', () => {
    const parsed = parsePriceListItem(item);
    expect(parsed.ok && parsed.product.reserved).toEqual({ '1yr': { usdText: '0.0282000000', unit: 'Hrs', offerTermCode: '4NA7Y494T4' }, '3yr': { usdText: '0.0194000000', unit: 'Hrs', offerTermCode: 'BPH4J8HBKS' } });
  });

  it('skips partial or all upfront, convertible, and two offers of one length (ambiguous); the on-demand price stays', () => {
    const sku = item.product.sku;
    const odd = { ...item, terms: { ...item.terms, Reserved: { ...reservedTerm(sku, 'A', '1yr', '0.02', { PurchaseOption: 'Partial Upfront' }), ...reservedTerm(sku, 'B', '1yr', '0.02', { OfferingClass: 'convertible' }), ...reservedTerm(sku, 'C', '3yr', '0.01'), ...reservedTerm(sku, 'D', '3yr', '0.011') } } };
    const parsed = parsePriceListItem(odd);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.product.reserved).toBeUndefined();
    expect(parsed.ok && parsed.product.dimensions[0]!.usdText).toBe('0.0448000000');
  });
});

describe('--commitment on the reference spec (production, ap-south-1)', () => {
  it('ri-1y: the scaling minimum at the reserved rate, the saving per line and in total; lines without a rate named', () => {
    expect(analysis.ok).toBe(true);
    const env = buildPlan(planTargets(analysis, 'production'), source, { commitment: 'ri-1y' }).environments[0]!;
    const k = env.commitment!;
    const eks = k.lines.find((l) => l.resource === 'EksNodeGroupDefault')!;
    // 2 nodes × 730 h = 1,460 h: $65.41 on-demand (× $0.0448), $41.17 reserved (× $0.0282).
    expect(eks).toMatchObject({ alwaysOnHours: 1460, onDemandMonthlyUsd: 65.41, reservedMonthlyUsd: 41.17, savingMonthlyUsd: 24.24, reservedUnitPriceUsd: 0.0282 });
    expect(eks.arithmetic).toBe('1,460 h × $0.0282/h reserved = $41.17 instead of $65.41 on-demand');
    const redis = k.lines.find((l) => l.resource === 'RedisCache')!;
    expect(redis).toMatchObject({ alwaysOnHours: 730, onDemandMonthlyUsd: 15.33, reservedMonthlyUsd: 10.22, savingMonthlyUsd: 5.11 });
    expect(k.lines.map((l) => l.resource).sort()).toEqual(['EksNodeGroupDefault', 'GrafanaServerAutoScalingGroup', 'MonitoringServiceAutoScalingGroup', 'PrometheusServerAutoScalingGroup', 'RedisCache']);
    expect(k.gaps.map((g) => g.resource)).not.toContain('EksNodeGroupDefault');
    const cents = (n: number) => Math.round(n * 100);
    expect(cents(k.totals.savingMonthlyUsd)).toBe(k.lines.reduce((a, l) => a + cents(l.savingMonthlyUsd), 0));
    expect(cents(k.totals.savingMonthlyUsd)).toBe(cents(k.totals.onDemandMonthlyUsd) - cents(k.totals.reservedMonthlyUsd));
    expect(cents(k.withCommitment.monthlyMin)).toBe(cents(env.totals.monthlyMin) - cents(k.totals.savingMonthlyUsd));
    expect(cents(k.withCommitment.monthlyMax)).toBe(cents(env.totals.monthlyMax) - cents(k.totals.savingMonthlyUsd));
    // No rate: named with the reason, never a $0 saving; Fargate and the unpriced database too.
    const gaps = Object.fromEntries(k.gaps.map((g) => [`${g.resource} ${g.meter}`, g.reason]));
    expect(gaps['BastionHostAutoScalingGroup ec2.instance']).toMatch(/^no 1-year No Upfront EC2 Reserved Instance price for BoxUsage:t3\.micro in ap-south-1/);
    expect(gaps['AmlServiceEcsService fargate']).toMatch(/Fargate has no reservations: Compute Savings Plans/);
    // (Unpriced on-demand in the committed snapshot; a snapshot with its price but no fixture rate says that instead.)
    expect(gaps['PostgresDatabase rds.instance']).toMatch(/on-demand price is not known|^no 1-year No Upfront RDS Reserved Instance price/);
    expect(k.lines.every((l) => l.savingMonthlyUsd > 0)).toBe(true);
  });

  it('ri-3y: only the lines with a 3-year rate are reserved; the 1-year-only ones say there is no 3-year price', () => {
    const k = buildPlan(planTargets(analysis, 'production'), source, { commitment: 'ri-3y' }).environments[0]!.commitment!;
    expect(k.lines.map((l) => l.resource)).toEqual(['EksNodeGroupDefault']);
    expect(k.lines[0]).toMatchObject({ reservedMonthlyUsd: 28.32, savingMonthlyUsd: 37.09 });
    expect(k.gaps.find((g) => g.resource === 'RedisCache')!.reason).toMatch(/^no 3-year No Upfront ElastiCache reserved node price/);
  });

  it('without --commitment nothing changes', () => {
    const env = buildPlan(planTargets(analysis, 'production'), source).environments[0]!;
    expect(env.commitment).toBeUndefined();
  });

  it('text, JSON and Markdown carry the section', async () => {
    const text = (await plan({ commitment: 'ri-1y' })).out;
    expect(text).toContain('Commitment (ri-1y): a 1-year No Upfront standard reservation of the always-on part (the scaling minimum)');
    expect(text).toMatch(/EksNodeGroupDefault +EC2 +BoxUsage:t3\.medium +1,460 h +\$65\.41 +\$41\.17 +\$24\.24/);
    expect(text).toMatch(/with these reservations: \$[\d,.]+ – \$[\d,.]+ a month \(saves \$[\d,.]+ a month on 5 lines/);
    expect(text).toMatch(/Not reserved \(\d+, no saving counted\)/);
    const json = JSON.parse((await plan({ commitment: 'ri-1y', format: 'json' })).out);
    expect(json.commitment).toMatchObject({ commitment: 'ri-1y', term: '1-year No Upfront standard reservation' });
    expect(json.environments[0].commitment.lines).toHaveLength(5);
    expect(json.commitment.savingMonthlyUsd).toBe(json.environments[0].commitment.totals.savingMonthlyUsd);
    const markdown = (await plan({ commitment: 'ri-1y', format: 'markdown' })).out;
    expect(markdown).toContain('**Commitment (ri-1y)**');
    expect(markdown).toMatch(/\| `EksNodeGroupDefault` \| BoxUsage:t3\.medium \| 1,460 h \| \$65\.41 \| \$41\.17 \| \$24\.24 \|/);
  });

  it('Savings Plans are refused with a clear diagnostic (no source for their rates); an unknown kind is a usage error', async () => {
    const sp = await plan({ commitment: 'savings-plan-1y' });
    expect(sp.code).toBe(EXIT.usage);
    expect(sp.err).toMatch(/error DEX900: --commitment savings-plan-1y: dex has no source for Savings Plans rates/);
    expect(sp.out).toBe('');
    const bad = await plan({ commitment: 'ri-5y' });
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/--commitment ri-5y: not a commitment\n  hint: expected ri-1y or ri-3y/);
  });
});
