// `dex plan --commitment ri-1y|ri-3y`: the always-on part of each reservable line (the scaling
// minimum) at the Price List's reserved rate (terms.Reserved, standard No Upfront), the monthly
// saving per line and in total, and every line that cannot be reserved at a known price named —
// never a $0 saving. The parser is tested on items shaped as AWS shapes them; the plans use the
// committed snapshot, whose reserved rates come from the AWS pricing-pages feed
// (data/pricing/sources/, ap-south-1 rows quoted below).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { runPlan, type PlanArgs } from '../../cli/commands/plan.js';
import { EXIT } from '../../cli/io.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { parsePriceListItem } from '../../compiler/pricing/price-list.js';
import type { PriceListItem } from '../../compiler/pricing/types.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { planTargets } from '../../pipeline/plan.js';
import { fixedClock } from '../support/clock.js';
import { captureIO } from '../support/io.js';

const ROOT = resolve(import.meta.dirname, '../..');
const REFERENCE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';

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

/** An EC2 on-demand item as GetProducts returns it, with the given reserved terms. */
function ec2Item(reserved: Record<string, unknown>): PriceListItem {
  const sku = 'TESTSKU0000000001';
  return {
    serviceCode: 'AmazonEC2',
    product: { productFamily: 'Compute Instance', sku, attributes: { regionCode: 'ap-south-1', instanceType: 't3.medium', operatingSystem: 'Linux' } },
    terms: {
      OnDemand: { [`${sku}.JRTCKXETXF`]: { sku, offerTermCode: 'JRTCKXETXF', priceDimensions: { [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: { unit: 'Hrs', beginRange: '0', endRange: 'Inf', description: 'on-demand', pricePerUnit: { USD: '0.0448000000' } } } } },
      Reserved: reserved as never,
    },
  };
}

/**
 * The ap-south-1 rates the plans below must use (AWS pricing-pages feed, Linux on-demand and
 * standard No Upfront effective hourly; ElastiCache Redis OSS node): the oracle for the arithmetic.
 */
const FEED = {
  't3.medium': { onDemand: 0.0448, '1yr': 0.0282, '3yr': 0.0189 },
  'cache.t3.micro': { onDemand: 0.021, '1yr': 0.015, '3yr': 0.011 },
};

const source = loadSnapshotSource();
const analysis = analyzeSpec(readFileSync(join(ROOT, REFERENCE)), REFERENCE, { today: fixedClock, environment: 'production' });

async function plan(extra: Partial<PlanArgs>) {
  const io = captureIO(ROOT);
  const code = await runPlan({ file: REFERENCE, environment: 'production', format: 'text', pricing: 'snapshot', allowOverBudget: true, wide: true, ...extra }, io);
  return { code, out: io.out(), err: io.err() };
}

describe('reserved terms in the Price List item', () => {
  const sku = 'TESTSKU0000000001';
  it('reads the standard No Upfront offer of each lease length', () => {
    const parsed = parsePriceListItem(ec2Item({ ...reservedTerm(sku, '4NA7Y494T4', '1yr', '0.0282000000'), ...reservedTerm(sku, 'BPH4J8HBKS', '3yr', '0.0194000000') }));
    expect(parsed.ok && parsed.product.reserved).toEqual({ '1yr': { usdText: '0.0282000000', unit: 'Hrs', offerTermCode: '4NA7Y494T4' }, '3yr': { usdText: '0.0194000000', unit: 'Hrs', offerTermCode: 'BPH4J8HBKS' } });
  });

  it('skips partial or all upfront, convertible, and two offers of one length (ambiguous); the on-demand price stays', () => {
    const parsed = parsePriceListItem(ec2Item({ ...reservedTerm(sku, 'A', '1yr', '0.02', { PurchaseOption: 'Partial Upfront' }), ...reservedTerm(sku, 'B', '1yr', '0.02', { OfferingClass: 'convertible' }), ...reservedTerm(sku, 'C', '3yr', '0.01'), ...reservedTerm(sku, 'D', '3yr', '0.011') }));
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
    expect(eks).toMatchObject({ alwaysOnHours: 1460, onDemandMonthlyUsd: 65.41, reservedMonthlyUsd: 41.17, savingMonthlyUsd: 24.24, reservedUnitPriceUsd: FEED['t3.medium']['1yr'] });
    expect(eks.arithmetic).toBe('1,460 h × $0.0282/h reserved = $41.17 instead of $65.41 on-demand');
    // One node × 730 h: $15.33 on-demand (× $0.021), $10.95 reserved (× $0.015).
    const redis = k.lines.find((l) => l.resource === 'RedisCache')!;
    expect(redis).toMatchObject({ alwaysOnHours: 730, onDemandMonthlyUsd: 15.33, reservedMonthlyUsd: 10.95, savingMonthlyUsd: 4.38, reservedUnitPriceUsd: FEED['cache.t3.micro']['1yr'] });
    // Every EC2 host group, the node group, the cache and the database have a 1-year rate in the feed.
    expect(k.lines.map((l) => l.resource)).toEqual(expect.arrayContaining(['BastionHostAutoScalingGroup', 'EksNodeGroupDefault', 'GrafanaServerAutoScalingGroup', 'MonitoringServiceAutoScalingGroup', 'PostgresDatabase', 'PrometheusServerAutoScalingGroup', 'RedisCache']));
    expect(k.gaps.map((g) => g.resource)).not.toContain('EksNodeGroupDefault');
    const cents = (n: number) => Math.round(n * 100);
    expect(cents(k.totals.savingMonthlyUsd)).toBe(k.lines.reduce((a, l) => a + cents(l.savingMonthlyUsd), 0));
    expect(cents(k.totals.savingMonthlyUsd)).toBe(cents(k.totals.onDemandMonthlyUsd) - cents(k.totals.reservedMonthlyUsd));
    expect(cents(k.withCommitment.monthlyMin)).toBe(cents(env.totals.monthlyMin) - cents(k.totals.savingMonthlyUsd));
    expect(cents(k.withCommitment.monthlyMax)).toBe(cents(env.totals.monthlyMax) - cents(k.totals.savingMonthlyUsd));
    // No reservation: named with the reason, never a $0 saving.
    const gaps = Object.fromEntries(k.gaps.map((g) => [`${g.resource} ${g.meter}`, g.reason]));
    expect(gaps['AmlServiceEcsService fargate']).toMatch(/Fargate has no reservations: Compute Savings Plans/);
    expect(k.lines.every((l) => l.savingMonthlyUsd > 0)).toBe(true);
  });

  it('ri-3y: the 3-year rates where the feed has them; a class with a 1-year rate only says there is no 3-year price', () => {
    const k = buildPlan(planTargets(analysis, 'production'), source, { commitment: 'ri-3y' }).environments[0]!.commitment!;
    // 1,460 h × $0.0189 = $27.59 instead of $65.41.
    expect(k.lines.find((l) => l.resource === 'EksNodeGroupDefault')).toMatchObject({ reservedMonthlyUsd: 27.59, savingMonthlyUsd: 37.82, reservedUnitPriceUsd: FEED['t3.medium']['3yr'] });
    // 730 h × $0.011 = $8.03 instead of $15.33.
    expect(k.lines.find((l) => l.resource === 'RedisCache')).toMatchObject({ reservedMonthlyUsd: 8.03, savingMonthlyUsd: 7.3 });
    const gaps = Object.fromEntries(k.gaps.map((g) => [g.resource, g.reason]));
    // The feed has no 3-year No Upfront RDS offer for db.t3 classes.
    expect(gaps.PostgresDatabase).toMatch(/^no 3-year No Upfront RDS Reserved Instance price/);
  });

  it('without --commitment nothing changes', () => {
    const env = buildPlan(planTargets(analysis, 'production'), source).environments[0]!;
    expect(env.commitment).toBeUndefined();
  });

  it('text, JSON and Markdown carry the section', async () => {
    const text = (await plan({ commitment: 'ri-1y' })).out;
    expect(text).toContain('Commitment (ri-1y): a 1-year No Upfront standard reservation of the always-on part (the scaling minimum)');
    expect(text).toMatch(/EksNodeGroupDefault +EC2 +BoxUsage:t3\.medium +1,460 h +\$65\.41 +\$41\.17 +\$24\.24/);
    expect(text).toMatch(/with these reservations: \$[\d,.]+ – \$[\d,.]+ a month \(saves \$[\d,.]+ a month on \d+ lines/);
    expect(text).toMatch(/Not reserved \(\d+, no saving counted\)/);
    const json = JSON.parse((await plan({ commitment: 'ri-1y', format: 'json' })).out);
    expect(json.commitment).toMatchObject({ commitment: 'ri-1y', term: '1-year No Upfront standard reservation' });
    expect(json.environments[0].commitment.lines.length).toBeGreaterThanOrEqual(7);
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
