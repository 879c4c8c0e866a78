// The one parser of Price List items, shared by the offline snapshot and the live GetProducts
// API: an item arrives as a JSON string (the SDK gives `String` objects, research §2.6) or, from
// the snapshot, as an object; either way it is validated the same and its OnDemand price
// dimensions (tiered by beginRange/endRange) are read from the exact decimal strings.
import { decimal, toNumber } from './decimal.js';
import type { Confidence, DexProvenance, PriceListItem, PriceQuery, PriceResult, PriceTier } from './types.js';

export interface ParsedDimension {
  readonly rateCode: string;
  readonly unit: string;
  readonly beginRange: number;
  readonly endRange: number | null;
  readonly usdText: string;
  readonly description: string;
}

export interface ParsedProduct {
  readonly sku: string;
  readonly serviceCode: string;
  readonly productFamily?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly publicationDate?: string;
  readonly effectiveDate?: string;
  /** OnDemand price dimensions sorted by beginRange. */
  readonly dimensions: readonly ParsedDimension[];
  /** Standard No Upfront reservations from `terms.Reserved` (hourly rate per lease), when the item has them. */
  readonly reserved?: readonly ReservedRate[];
  readonly dex?: DexProvenance;
}

export interface ReservedRate {
  readonly lease: '1yr' | '3yr';
  readonly usdText: string;
  readonly unit: string;
}

/** The 1yr/3yr standard No Upfront offers of `terms.Reserved` with one hourly dimension each; anything else is ignored. */
function reservedRates(terms: Record<string, unknown> | undefined): ReservedRate[] {
  const reserved = terms && isRecord(terms.Reserved) ? terms.Reserved : undefined;
  const out: ReservedRate[] = [];
  for (const t of Object.values(reserved ?? {})) {
    if (!isRecord(t) || !isRecord(t.termAttributes) || !isRecord(t.priceDimensions)) continue;
    const a = t.termAttributes;
    if (a.PurchaseOption !== 'No Upfront' || a.OfferingClass !== 'standard' || (a.LeaseContractLength !== '1yr' && a.LeaseContractLength !== '3yr')) continue;
    const dims = Object.values(t.priceDimensions).filter(isRecord);
    const d = dims[0];
    if (dims.length !== 1 || !d || typeof d.unit !== 'string' || !isRecord(d.pricePerUnit) || typeof d.pricePerUnit.USD !== 'string') continue;
    try {
      decimal(d.pricePerUnit.USD);
    } catch {
      continue;
    }
    out.push({ lease: a.LeaseContractLength, usdText: d.pricePerUnit.USD, unit: d.unit });
  }
  return out.sort((x, y) => (x.lease < y.lease ? -1 : 1));
}

export type ParseOutcome = { readonly ok: true; readonly product: ParsedProduct } | { readonly ok: false; readonly error: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses one PriceList element (string, String object or already-parsed object). Never throws. */
export function parsePriceListItem(raw: unknown): ParseOutcome {
  let doc: unknown = raw;
  if (typeof raw === 'string' || raw instanceof String) {
    const text = String(raw);
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return { ok: false, error: `PriceList item is not JSON (${(err as Error).message}): ${text.slice(0, 80)}` };
    }
  }
  if (!isRecord(doc)) return { ok: false, error: 'PriceList item is not a JSON object' };
  const product = doc.product;
  if (!isRecord(product) || typeof product.sku !== 'string' || !isRecord(product.attributes)) {
    return { ok: false, error: 'PriceList item has no product.sku / product.attributes' };
  }
  const sku = product.sku;
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(product.attributes)) if (typeof v === 'string') attributes[k] = v;
  const serviceCode = typeof doc.serviceCode === 'string' ? doc.serviceCode : attributes.servicecode;
  if (!serviceCode) return { ok: false, error: `PriceList item ${sku} has no serviceCode` };
  const terms = isRecord(doc.terms) ? doc.terms : undefined;
  const onDemand = terms && isRecord(terms.OnDemand) ? terms.OnDemand : undefined;
  const termList = onDemand ? Object.values(onDemand) : [];
  if (termList.length === 0) return { ok: false, error: `PriceList item ${sku} has no OnDemand terms` };
  if (termList.length > 1) return { ok: false, error: `PriceList item ${sku} has ${termList.length} OnDemand terms; expected one` };
  const term = termList[0];
  if (!isRecord(term) || !isRecord(term.priceDimensions)) return { ok: false, error: `PriceList item ${sku}: OnDemand term has no priceDimensions` };
  const dimensions: ParsedDimension[] = [];
  for (const [rateCode, d] of Object.entries(term.priceDimensions)) {
    if (!isRecord(d) || typeof d.unit !== 'string' || !isRecord(d.pricePerUnit) || typeof d.pricePerUnit.USD !== 'string') {
      return { ok: false, error: `PriceList item ${sku}: price dimension ${rateCode} has no unit or USD price` };
    }
    const usdText = d.pricePerUnit.USD;
    try {
      decimal(usdText);
    } catch {
      return { ok: false, error: `PriceList item ${sku}: price ${JSON.stringify(usdText)} is not a decimal` };
    }
    const begin = d.beginRange === undefined ? 0 : Number(d.beginRange);
    const end = d.endRange === undefined || d.endRange === 'Inf' ? null : Number(d.endRange);
    if (!Number.isFinite(begin) || (end !== null && !Number.isFinite(end))) {
      return { ok: false, error: `PriceList item ${sku}: price dimension ${rateCode} has a bad range` };
    }
    dimensions.push({ rateCode, unit: d.unit, beginRange: begin, endRange: end, usdText, description: typeof d.description === 'string' ? d.description : '' });
  }
  if (dimensions.length === 0) return { ok: false, error: `PriceList item ${sku}: OnDemand term has no price dimensions` };
  dimensions.sort((a, b) => a.beginRange - b.beginRange);
  for (let i = 1; i < dimensions.length; i++) {
    if (dimensions[i - 1]!.endRange !== dimensions[i]!.beginRange) return { ok: false, error: `PriceList item ${sku}: tiers are not contiguous` };
    if (dimensions[i]!.unit !== dimensions[0]!.unit) return { ok: false, error: `PriceList item ${sku}: tiers use different units` };
  }
  const dex = isRecord(doc.dex) ? (doc.dex as unknown as DexProvenance) : undefined;
  const reserved = reservedRates(terms);
  return {
    ok: true,
    product: {
      sku,
      serviceCode,
      ...(typeof product.productFamily === 'string' ? { productFamily: product.productFamily } : {}),
      attributes,
      ...(typeof doc.publicationDate === 'string' ? { publicationDate: doc.publicationDate } : {}),
      ...(typeof term.effectiveDate === 'string' ? { effectiveDate: term.effectiveDate } : {}),
      dimensions,
      ...(reserved.length > 0 ? { reserved } : {}),
      ...(dex ? { dex } : {}),
    },
  };
}

/** /^(PREFIX-)?BASE$/ where PREFIX is 'EU', 'APS3', 'USE1' or a region code ('ap-south-1', KMS). */
export function usagetypeMatches(usagetype: string | undefined, suffix: string): boolean {
  if (usagetype === undefined) return false;
  if (usagetype === suffix) return true;
  if (!usagetype.endsWith(`-${suffix}`)) return false;
  const prefix = usagetype.slice(0, usagetype.length - suffix.length - 1);
  return /^[A-Z0-9]+$/.test(prefix) || /^[a-z]{2}(-[a-z]+)+-\d+$/.test(prefix);
}

/** Does the product satisfy every filter of the query (as GetProducts TERM_MATCH would, plus the usage-type suffix)? */
export function matchesQuery(product: ParsedProduct, query: PriceQuery): boolean {
  if (product.serviceCode !== query.serviceCode) return false;
  for (const [field, value] of Object.entries(query.filters)) {
    const actual = field === 'productFamily' ? product.productFamily : product.attributes[field];
    if (actual !== value) return false;
  }
  if (query.usagetypeSuffix !== undefined && !usagetypeMatches(product.attributes.usagetype, query.usagetypeSuffix)) return false;
  return true;
}

/** Stable identity of a query (service, region, sorted filters, usage-type suffix): cache and dedupe key. */
export function queryKey(q: PriceQuery): string {
  const filters = Object.keys(q.filters).sort().map((k) => [k, q.filters[k]]);
  return JSON.stringify([q.serviceCode, q.region, filters, q.usagetypeSuffix ?? null]);
}

/** Words for a query in messages. */
export function describeQuery(query: PriceQuery): string {
  if (query.label) return query.label;
  const parts = Object.entries(query.filters)
    .filter(([k]) => k !== 'regionCode')
    .map(([k, v]) => `${k}=${v}`);
  if (query.usagetypeSuffix) parts.push(`usagetype=*${query.usagetypeSuffix}`);
  return `${query.serviceCode} ${parts.join(', ')} in ${query.region}`;
}

/** The result of a lookup given the products that matched: exactly one is required. */
export function resultFromMatches(
  matches: readonly ParsedProduct[],
  query: PriceQuery,
  origin: { readonly source: 'snapshot' | 'live'; readonly asOf: string },
  noMatchReason: () => string,
): PriceResult {
  if (matches.length === 0) return { ok: false, reason: noMatchReason() };
  if (matches.length > 1) {
    const skus = matches.map((m) => m.sku).slice(0, 5);
    return { ok: false, reason: `ambiguous: ${matches.length} products match ${describeQuery(query)} (SKUs ${skus.join(', ')}${matches.length > 5 ? ', …' : ''})` };
  }
  return priceOf(matches[0]!, origin);
}

/** A product's price as a PriceResult (first tier as the unit price; all tiers when bounded or several). */
export function priceOf(p: ParsedProduct, origin: { readonly source: 'snapshot' | 'live'; readonly asOf: string }): PriceResult {
  const first = p.dimensions[0]!;
  const tiered = p.dimensions.length > 1 || first.endRange !== null || first.beginRange !== 0;
  const tiers: PriceTier[] = p.dimensions.map((d) => ({
    beginRange: d.beginRange,
    endRange: d.endRange,
    unitPriceUsd: toNumber(decimal(d.usdText)),
    unitPriceText: d.usdText,
    description: d.description,
  }));
  const confidence: Confidence = p.dex?.confidence ?? 'price list';
  const asOf = origin.source === 'live' ? (p.publicationDate ?? origin.asOf) : origin.asOf;
  return {
    ok: true,
    unitPriceUsd: toNumber(decimal(first.usdText)),
    unitPriceText: first.usdText,
    unit: first.unit,
    ...(tiered ? { tiers } : {}),
    ...(p.reserved ? { reserved: p.reserved.map((r) => ({ lease: r.lease, unitPriceUsd: toNumber(decimal(r.usdText)), unitPriceText: r.usdText, unit: r.unit })) } : {}),
    priceSource: {
      source: origin.source,
      asOf,
      sku: p.sku,
      description: first.description,
      confidence,
      ...(p.dex ? { citation: `${p.dex.source} — ${p.dex.sourceDate}` } : {}),
      ...(p.dex?.notes?.length ? { notes: p.dex.notes } : {}),
      ...(p.dex?.alternatives?.length ? { alternatives: p.dex.alternatives } : {}),
    },
  };
}

export type { PriceListItem };
