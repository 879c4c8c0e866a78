// The price book: meters → Price List queries → prices (offline snapshot or live API) → line items.
export type { Confidence, PriceListItem, PriceProvenance, PriceQuery, PriceResult, PriceSource, PriceTier, PriceWarning } from './types.js';
export { describeQuery, matchesQuery, parsePriceListItem, queryKey, usagetypeMatches, type ParsedProduct } from './price-list.js';
export { METER_NAMES, meterToQuery, PRICE_LIST_LOCATION, type MeterMapping, type MeterPart } from './meters.js';
export { createSnapshotSource, parseSnapshotFile, type SnapshotFile, type SnapshotGap, type SnapshotPriceSource } from './snapshot.js';
export { collectQueries, priceMeters, ROUNDING_RULE, type LineItem, type PricedPlan, type PricedResourceInput, type UnpricedItem } from './line-items.js';
export { createLivePriceSource, describeLivePricing, isRetryable, requestKey, toApiFilters, type CacheEntry, type GetProductsInput, type LivePriceSource, type LiveSourceOptions, type LiveSummary, type PriceCache, type PricingApi } from './live.js';
export { catalogFromSnapshot, refreshSnapshot, type RefreshOptions, type RefreshReport } from './refresh.js';
