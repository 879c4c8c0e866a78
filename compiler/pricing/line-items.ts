// Line items: each resource's usage meters priced against a PriceSource. Every line shows its
// arithmetic; a meter that cannot be priced becomes an `unpriced` entry with the reason — never
// a zero. Money is exact decimal: each line is rounded to whole cents (half away from zero) and
// the totals are the sums of the rounded lines.
import type { UsageMeter } from '../model/types.js';
import { add, decimal, formatCents, formatPrice, formatQuantity, max, min, mul, sub, toCents, centsToNumber, ZERO, type Decimal } from './decimal.js';
import { meterToQuery, type MeterPart } from './meters.js';
import { describeQuery, queryKey } from './price-list.js';
import type { PriceProvenance, PriceQuery, PriceResult, PriceSource, PriceTier, PriceWarning } from './types.js';
import { parseUnit } from './units.js';

export interface PricedResourceInput {
  readonly logicalId: string;
  readonly type: string;
  readonly usage: readonly UsageMeter[];
}

export interface LineItem {
  readonly resource: string;
  readonly resourceType: string;
  readonly meter: string;
  readonly service: string;
  /** Usage type without region prefix ('NatGateway-Hours'). */
  readonly usageType: string;
  /** Unit of `unitPriceUsd` ('h', 'GB-month', '1M requests'). */
  readonly unit: string;
  /** Quantity per month in the meter's own unit (`quantityUnit`). */
  readonly quantity: { readonly min: number; readonly max: number };
  readonly quantityUnit: string;
  readonly unitPriceUsd: number;
  readonly monthlyUsd: { readonly min: number; readonly max: number };
  readonly priceSource: PriceProvenance;
  /** '730 h × $0.0416/h = $30.37' (both ends when min ≠ max). */
  readonly arithmetic: string;
  /** Where the quantity comes from (the meter's basis). */
  readonly basis: string;
  /**
   * Set on Spot capacity (the meter's purchaseOption 'Spot'). `unitPriceUsd` stays the on-demand
   * price, Spot's ceiling: the maximum is priced at it, and the minimum at the declared
   * usage.spotDiscountPercent below it — or, without that assumption, at it too (an upper bound).
   */
  readonly spot?: SpotPricing;
  /** The product's reserved rates (terms.Reserved), for `--commitment`; not part of the line's price. */
  readonly reservedRates?: NonNullable<Extract<PriceResult, { ok: true }>['reserved']>;
}

export interface SpotPricing {
  /** usage.spotDiscountPercent, or null when the spec does not declare it. */
  readonly discountPercent: number | null;
  /** The same quantities at the on-demand price. */
  readonly onDemandMonthlyUsd: { readonly min: number; readonly max: number };
  /** In words, for the line. */
  readonly note: string;
}

export interface PricingOptions {
  /** usage.spotDiscountPercent: how far below on-demand Spot capacity is assumed to cost. */
  readonly spotDiscountPercent?: number;
}

/** Words for an undeclared Spot discount, shared by the line notes and the totals. */
export const SPOT_UNKNOWN =
  "Spot's lowest price is not known: the line is at the on-demand price, Spot's ceiling (declare usage.spotDiscountPercent to price its minimum)";

export interface UnpricedItem {
  readonly resource: string;
  readonly meter: string;
  readonly reason: string;
}

export interface PricedPlan {
  readonly region: string;
  readonly source: { readonly name: 'snapshot' | 'live'; readonly asOf: string };
  readonly lineItems: readonly LineItem[];
  readonly unpriced: readonly UnpricedItem[];
  readonly totals: { readonly monthlyMin: number; readonly monthlyMax: number };
  readonly rounding: string;
  readonly warnings: readonly PriceWarning[];
}

export const ROUNDING_RULE = 'each line is rounded to whole cents (half away from zero); totals are the sums of the rounded lines';

/** Every Price List query the resources need (deduplicated), e.g. for a live source to prefetch. */
export function collectQueries(resources: readonly PricedResourceInput[], region: string): PriceQuery[] {
  const seen = new Map<string, PriceQuery>();
  for (const r of resources) {
    for (const m of r.usage) {
      const mapping = meterToQuery(m, region);
      if (!mapping.ok) continue;
      for (const p of mapping.parts) if (!p.knownFree) seen.set(queryKey(p.query), p.query);
    }
  }
  return [...seen.values()];
}

export function priceMeters(resources: readonly PricedResourceInput[], region: string, source: PriceSource, options: PricingOptions = {}): PricedPlan {
  const lineItems: LineItem[] = [];
  const unpriced: UnpricedItem[] = [];
  let minCents = 0n;
  let maxCents = 0n;
  for (const r of resources) {
    for (const meter of r.usage) {
      const mapping = meterToQuery(meter, region);
      if (!mapping.ok) {
        unpriced.push({ resource: r.logicalId, meter: meter.meter, reason: mapping.reason });
        continue;
      }
      if (meter.quantityUnknown !== undefined) {
        for (const part of mapping.parts) {
          const result = source.lookup(part.query);
          const rate = result.ok ? ` (${describeQuery(part.query)}: $${formatPrice(mul(decimal(result.unitPriceText), decimal(String(part.display.priceScale))))}/${part.display.priceUnit})` : `; and ${result.reason}`;
          unpriced.push({ resource: r.logicalId, meter: meter.meter, reason: `quantity not known: ${meter.quantityUnknown}${rate}` });
        }
        continue;
      }
      for (const part of mapping.parts) {
        if (part.knownFree) {
          lineItems.push(freeLine(r, meter, part, part.knownFree, source.asOf));
          continue;
        }
        const priced = pricePart(r, meter, part, source, options);
        if ('reason' in priced) {
          unpriced.push({ resource: r.logicalId, meter: meter.meter, reason: priced.reason });
          continue;
        }
        lineItems.push(priced.line);
        minCents += priced.cents.min;
        maxCents += priced.cents.max;
        if (priced.beyond) unpriced.push({ resource: r.logicalId, meter: meter.meter, reason: priced.beyond });
      }
    }
  }
  return {
    region,
    source: { name: source.name, asOf: source.asOf },
    lineItems,
    unpriced,
    totals: { monthlyMin: centsToNumber(minCents), monthlyMax: centsToNumber(maxCents) },
    rounding: ROUNDING_RULE,
    warnings: [...(source.warnings ?? [])],
  };
}

/** A $0 line for an item AWS publishes as free, saying so: never a stand-in for a missing price. */
function freeLine(r: PricedResourceInput, meter: UsageMeter, part: MeterPart, free: NonNullable<MeterPart['knownFree']>, asOf: string): LineItem {
  const q = meter.quantity;
  const qty = (n: number): string => `${formatQuantity(decimal(n))} ${part.display.quantityUnit}`;
  return {
    resource: r.logicalId,
    resourceType: r.type,
    meter: meter.meter,
    service: part.service,
    usageType: part.usageType,
    unit: part.display.priceUnit,
    quantity: { min: q.min, max: q.max },
    quantityUnit: meter.unit,
    unitPriceUsd: 0,
    monthlyUsd: { min: 0, max: 0 },
    priceSource: { source: 'snapshot', asOf, sku: 'none (free)', description: `free: ${free.reason}`, confidence: 'single source', citation: free.citation },
    arithmetic: `${q.min === q.max ? qty(q.max) : `${qty(q.min)}–${qty(q.max)}`} × $0 = $0.00 (free: ${free.reason})`,
    basis: meter.basis,
  };
}

type PartOutcome = { readonly reason: string } | { readonly line: LineItem; readonly cents: { min: bigint; max: bigint }; readonly beyond?: string };

function pricePart(r: PricedResourceInput, meter: UsageMeter, part: MeterPart, source: PriceSource, options: PricingOptions): PartOutcome {
  const result = source.lookup(part.query);
  if (!result.ok) return { reason: result.reason };
  const meterUnit = parseUnit(meter.unit);
  const priceUnit = parseUnit(result.unit);
  if (!meterUnit) return { reason: `meter unit "${meter.unit}" is not one dex understands (for ${describeQuery(part.query)})` };
  if (!priceUnit) return { reason: `Price List unit "${result.unit}" of SKU ${result.priceSource.sku} is not one dex understands` };
  if (meterUnit.dimension !== priceUnit.dimension) {
    return { reason: `unit mismatch: meter ${meter.meter} counts "${meter.unit}" but ${describeQuery(part.query)} is priced per "${result.unit}"` };
  }
  const { min: qMin, max: qMax } = meter.quantity;
  if (!(Number.isFinite(qMin) && Number.isFinite(qMax)) || qMin < 0 || qMax < qMin) {
    // A model bug, never the user's input: said in words, without the internal structure.
    return { reason: `dex computed an impossible monthly quantity for ${describeQuery(part.query)} (${Number.isFinite(qMin) ? formatQuantityNumber(qMin) : 'not a number'} at the scaling minimum, ${Number.isFinite(qMax) ? formatQuantityNumber(qMax) : 'not a number'} at the maximum), so it is not priced; please report this as a dex bug` };
  }
  // Quantity in the price's unit: meter units × meter scale ÷ price scale.
  const toPriceUnits = (q: number): Decimal => {
    const base = mul(decimal(q), decimal(meterUnit.scale));
    return (base / BigInt(priceUnit.scale)) as Decimal;
  };
  const tiers: readonly PriceTier[] = result.tiers ?? [{ beginRange: 0, endRange: null, unitPriceUsd: result.unitPriceUsd, unitPriceText: result.unitPriceText, description: result.priceSource.description }];
  const showScale = decimal(part.display.priceScale);
  const shownPrice = (text: string) => `$${formatPrice(mul(decimal(text), showScale))}/${part.display.priceUnit}`;
  const shownQty = (qPrice: Decimal) => `${formatQuantity(mul(qPrice, decimal(priceUnit.scale)))} ${part.display.quantityUnit}`;

  const evaluate = (q: number) => {
    const qp = toPriceUnits(q);
    let amount = ZERO;
    const terms: string[] = [];
    for (const t of tiers) {
      const begin = decimal(t.beginRange);
      const end = t.endRange === null ? null : decimal(t.endRange);
      if (qp <= begin && terms.length > 0) break;
      const inTier = max(sub(end === null ? qp : min(qp, end), begin), ZERO);
      amount = add(amount, mul(inTier, decimal(t.unitPriceText)));
      terms.push(`${shownQty(inTier)} × ${shownPrice(t.unitPriceText)}`);
      if (end === null || qp <= end) break;
    }
    const last = tiers[tiers.length - 1]!;
    const over = last.endRange !== null && qp > decimal(last.endRange) ? last.endRange : undefined;
    const cents = toCents(amount);
    const tierNote = result.tiers ? ` (${tierText(tiers, part.display.quantityUnit, priceUnit.scale)})` : '';
    return { cents, amount, text: `${terms.join(' + ')} = ${formatCents(cents)}${tierNote}`, over };
  };

  const lo = evaluate(qMin);
  const hi = qMax === qMin ? lo : evaluate(qMax);
  const over = hi.over;
  const isSpot = meter.attributes.purchaseOption?.toLowerCase() === 'spot';
  let arithmetic = qMax === qMin ? lo.text : `min: ${lo.text}; max: ${hi.text}`;
  let minCents = lo.cents;
  let spot: SpotPricing | undefined;
  if (isSpot) {
    const d = options.spotDiscountPercent;
    const onDemand = { min: centsToNumber(lo.cents), max: centsToNumber(hi.cents) };
    if (d === undefined) {
      arithmetic = `min: ${lo.text} (Spot at most; its lowest price is not known without usage.spotDiscountPercent); max: ${hi.text} (on-demand, Spot's ceiling)`;
      spot = { discountPercent: null, onDemandMonthlyUsd: onDemand, note: SPOT_UNKNOWN };
    } else {
      // The discount applies to the exact amount, then the line is rounded once.
      minCents = toCents(mul(lo.amount, decimal((100 - d) / 100)));
      arithmetic = `min: ${lo.text.replace(/ = \$[\d,.]+/, '')} × (100% − ${d}% usage.spotDiscountPercent) = ${formatCents(minCents)} (Spot, assumed); max: ${hi.text} (on-demand, Spot's ceiling)`;
      spot = { discountPercent: d, onDemandMonthlyUsd: onDemand, note: `Spot: from ${d}% below on-demand (usage.spotDiscountPercent, an assumption: Spot prices change with demand) up to the on-demand price` };
    }
  }
  const line: LineItem = {
    resource: r.logicalId,
    resourceType: r.type,
    meter: meter.meter,
    service: part.service,
    usageType: part.usageType,
    unit: part.display.priceUnit,
    quantity: { min: qMin, max: qMax },
    quantityUnit: meter.unit,
    unitPriceUsd: Number(formatPrice(mul(decimal(result.unitPriceText), showScale))),
    monthlyUsd: { min: centsToNumber(minCents), max: centsToNumber(hi.cents) },
    priceSource: result.priceSource,
    arithmetic,
    basis: meter.basis,
    ...(spot ? { spot } : {}),
    ...(result.reserved ? { reservedRates: result.reserved } : {}),
  };
  return {
    line,
    cents: { min: minCents, max: hi.cents },
    ...(over !== undefined
      ? { beyond: `no public source for ${describeQuery(part.query)} above ${formatQuantity(mul(decimal(over), decimal(priceUnit.scale)))} ${part.display.quantityUnit} a month: only the tiers up to there are priced, the rest of the ${qMin === qMax ? '' : 'maximum '}quantity is not` }
      : {}),
  };
}

const formatQuantityNumber = (n: number): string => formatQuantity(decimal(n));

function tierText(tiers: readonly PriceTier[], unit: string, scale: number): string {
  return tiers
    .map((t) => `${formatQuantity(mul(decimal(t.beginRange), decimal(scale)))}–${t.endRange === null ? '∞' : formatQuantity(mul(decimal(t.endRange), decimal(scale)))} ${unit}`)
    .join(', ')
    .replace(/^/, 'tiers ');
}
