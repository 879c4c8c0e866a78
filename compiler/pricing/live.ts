// The live price source: the AWS Price List Query API (GetProducts), behind the PricingApi port
// (cli/adapters/live-pricing.ts plugs in @aws-sdk/client-pricing and a cache on disk). Queries
// use exact TERM_MATCH filters, follow NextToken (bounded), must yield exactly one product, and
// are cached with the response's publication dates. Throttling and network errors are retried
// with bounded exponential backoff; after that — or on a malformed answer — the snapshot answers
// and a warning says so (returned as data, never printed).
//
// PriceSource.lookup is synchronous, so a live source is used in two steps:
//   const live = createLivePriceSource({ api, cache, fallback: snapshot });
//   await live.prefetch(collectQueries(resources, region));
//   const plan = priceMeters(resources, region, live);
import type { UsageMeter } from '../model/types.js';
import { meterToQuery } from './meters.js';
import { describeQuery, parsePriceListItem, queryKey, resultFromMatches, usagetypeMatches, type ParsedProduct } from './price-list.js';
import { createSnapshotSource, type SnapshotFile, type SnapshotGap } from './snapshot.js';
import type { PriceListItem, PriceQuery, PriceResult, PriceSource, PriceWarning } from './types.js';

/** GetProducts' request, as the Price List Query API takes it. */
export interface GetProductsInput {
  readonly ServiceCode: string;
  readonly Filters: readonly { readonly Type: 'TERM_MATCH'; readonly Field: string; readonly Value: string }[];
  readonly FormatVersion: 'aws_v1';
  readonly MaxResults: number;
  readonly NextToken?: string;
}

/** The one call dex makes; errors are thrown as the SDK throws them (name, $metadata). */
export interface PricingApi {
  getProducts(input: GetProductsInput): Promise<{ readonly PriceList?: unknown; readonly NextToken?: string }>;
}

/** A cache entry: the raw PriceList strings, so the cached and the fresh path share the parser. */
export interface CacheEntry {
  readonly key: string;
  readonly query: PriceQuery;
  readonly fetchedAt: string;
  readonly publicationDates: readonly string[];
  readonly priceList: readonly string[];
}

/** Where fetched answers are kept between runs; `read` throws when an entry is unreadable. */
export interface PriceCache {
  read(key: string): CacheEntry | undefined;
  write(entry: CacheEntry): void;
}

export interface LiveSourceOptions {
  /** The API, made when the first query is actually asked (loading the SDK costs start-up time). */
  readonly api: () => Promise<PricingApi>;
  readonly cache: PriceCache;
  /** Where prices come from when the API cannot answer (normally the snapshot). */
  readonly fallback: PriceSource;
  /** Attempts per request, including the first (default 4). */
  readonly maxAttempts?: number;
  /** First backoff delay; doubles each retry (default 250 ms, capped at 8 s). */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Pages per query before giving up (default 20, i.e. 2,000 products). */
  readonly maxPages?: number;
  /** Cache entries older than this are refetched (default 7 days). */
  readonly cacheMaxAgeMs?: number;
  readonly now: () => Date;
}

export interface LivePriceSource extends PriceSource {
  readonly name: 'live';
  readonly warnings: readonly PriceWarning[];
  /** Fetches (or reads from cache) every query; afterwards lookup() answers from memory. */
  prefetch(queries: readonly PriceQuery[]): Promise<void>;
  /** Fetch one query now (also what prefetch does per query). */
  fetch(query: PriceQuery): Promise<PriceResult>;
}

/** Raw GetProducts pages for one query, or why they could not be had. */
type FetchOutcome = { readonly ok: true; readonly priceList: readonly string[] } | { readonly ok: false; readonly error: string };

const RETRYABLE_NAMES = new Set(['ThrottlingException', 'TooManyRequestsException', 'InternalErrorException', 'ServiceUnavailableException', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError']);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** Throttling, 5xx and connection-level failures are worth retrying; bad requests are not. */
export function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; message?: string };
  if (e?.name && RETRYABLE_NAMES.has(e.name)) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  if (e?.code && RETRYABLE_CODES.has(e.code)) return true;
  if (status === undefined && typeof e?.message === 'string' && /socket hang up|ECONNRESET|ECONNREFUSED|network|timed? ?out/i.test(e.message)) return true;
  return false;
}

function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return `${e?.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(err)}`;
}

/** GetProducts filters for a query: every exact filter as TERM_MATCH (the usage-type suffix is matched client-side). */
export function toApiFilters(query: PriceQuery): { Type: 'TERM_MATCH'; Field: string; Value: string }[] {
  return Object.keys(query.filters)
    .sort()
    .map((Field) => ({ Type: 'TERM_MATCH' as const, Field, Value: query.filters[Field]! }));
}

/** Pages through GetProducts for one query, retrying transient errors. Shared by the live source and refreshSnapshot. */
async function fetchPriceList(
  query: PriceQuery,
  getApi: () => Promise<PricingApi>,
  opts: { maxAttempts: number; baseDelayMs: number; sleep: (ms: number) => Promise<void>; maxPages: number },
): Promise<FetchOutcome> {
  let api: PricingApi;
  try {
    api = await getApi();
  } catch (err) {
    return { ok: false, error: `cannot reach the Price List API: ${errorText(err)}` };
  }
  const items: string[] = [];
  let token: string | undefined;
  let restarted = false;
  for (let page = 0; ; page++) {
    if (page >= opts.maxPages) return { ok: false, error: `more than ${opts.maxPages} pages of products for ${describeQuery(query)}; the filters are too loose` };
    const input: GetProductsInput = { ServiceCode: query.serviceCode, Filters: toApiFilters(query), FormatVersion: 'aws_v1', MaxResults: 100, ...(token ? { NextToken: token } : {}) };
    let response: { PriceList?: unknown; NextToken?: string } | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        response = await api.getProducts(input);
        break;
      } catch (err) {
        const name = (err as { name?: string })?.name;
        if (name === 'ExpiredNextTokenException' && !restarted) {
          // Research §2.5: an expired token means start the listing again.
          restarted = true;
          items.length = 0;
          token = undefined;
          page = -1;
          response = undefined;
          break;
        }
        if (!isRetryable(err)) return { ok: false, error: errorText(err) };
        if (attempt >= opts.maxAttempts) return { ok: false, error: `${errorText(err)}; gave up after ${attempt} attempts` };
        await opts.sleep(Math.min(opts.baseDelayMs * 2 ** (attempt - 1), 8_000));
      }
    }
    if (!response) continue;
    const list = response.PriceList;
    if (list !== undefined && !Array.isArray(list)) return { ok: false, error: 'GetProducts returned a PriceList that is not an array' };
    // The SDK returns String objects (LazyJsonString), research §2.6: String() gives the raw JSON text.
    for (const raw of list ?? []) items.push(typeof raw === 'string' || raw instanceof String ? String(raw) : JSON.stringify(raw));
    token = response.NextToken || undefined;
    if (!token) return { ok: true, priceList: items };
  }
}

/** Interprets raw PriceList strings for a query: malformed items are errors, the suffix is matched, one product must remain. */
function interpret(priceList: readonly string[], query: PriceQuery, asOf: string): { result: PriceResult; malformed: string[]; products: ParsedProduct[]; raw: string[] } {
  const malformed: string[] = [];
  const products: ParsedProduct[] = [];
  const raw: string[] = [];
  for (const text of priceList) {
    const parsed = parsePriceListItem(text);
    if (!parsed.ok) {
      malformed.push(parsed.error);
      continue;
    }
    if (query.usagetypeSuffix !== undefined && !usagetypeMatches(parsed.product.attributes.usagetype, query.usagetypeSuffix)) continue;
    products.push(parsed.product);
    raw.push(text);
  }
  const result = resultFromMatches(products, query, { source: 'live', asOf }, () =>
    `no price for ${describeQuery(query)} in the AWS Price List (GetProducts returned ${priceList.length} product${priceList.length === 1 ? '' : 's'}${query.usagetypeSuffix ? `, none with usage type *${query.usagetypeSuffix}` : ''})`);
  return { result, malformed, products, raw };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One memoised `api()`, so the SDK is loaded once and only when a query goes out. */
function lazyApi(make: () => Promise<PricingApi>): () => Promise<PricingApi> {
  let made: Promise<PricingApi> | undefined;
  return () => (made ??= make());
}

export function createLivePriceSource(options: LiveSourceOptions): LivePriceSource {
  const { now, cache } = options;
  const maxAge = options.cacheMaxAgeMs ?? 7 * 24 * 3600 * 1000;
  const retry = {
    maxAttempts: Math.max(1, options.maxAttempts ?? 4),
    baseDelayMs: options.baseDelayMs ?? 250,
    sleep: options.sleep ?? realSleep,
    maxPages: options.maxPages ?? 20,
  };
  const api = lazyApi(options.api);
  const warnings: PriceWarning[] = [];
  const results = new Map<string, PriceResult>();
  const asOf = now().toISOString().slice(0, 10);

  const readCache = (key: string): CacheEntry | undefined => {
    try {
      const entry = cache.read(key);
      if (!entry || entry.key !== key || !Array.isArray(entry.priceList)) return undefined;
      if (now().getTime() - Date.parse(entry.fetchedAt) > maxAge) return undefined;
      return entry;
    } catch (err) {
      warnings.push({ code: 'cache-unreadable', message: `price cache entry for ${key} is unreadable (${(err as Error).message}); refetching` });
      return undefined;
    }
  };

  const writeCache = (key: string, query: PriceQuery, priceList: readonly string[], products: readonly ParsedProduct[]) => {
    cache.write({
      key,
      query,
      fetchedAt: now().toISOString(),
      publicationDates: [...new Set(products.map((p) => p.publicationDate).filter((d): d is string => !!d))].sort(),
      priceList,
    });
  };

  const fallBack = (query: PriceQuery, why: string, code: PriceWarning['code'] = 'live-fallback'): PriceResult => {
    const result = options.fallback.lookup(query);
    warnings.push({
      code,
      query,
      message: `${why}; ${result.ok ? `used the ${options.fallback.name} price of ${options.fallback.asOf}` : `the ${options.fallback.name} has no price either`} for ${describeQuery(query)}`,
    });
    return result;
  };

  /** From raw strings (fresh or cached) to a result; malformed answers fall back to the snapshot. */
  const settle = (query: PriceQuery, priceList: readonly string[], fresh: boolean): PriceResult => {
    const { result, malformed, products } = interpret(priceList, query, asOf);
    if (malformed.length > 0) {
      for (const m of malformed) warnings.push({ code: 'malformed-item', query, message: `malformed Price List item for ${describeQuery(query)}: ${m}` });
      return fallBack(query, `the live Price List returned ${malformed.length} malformed item${malformed.length === 1 ? '' : 's'}`);
    }
    if (fresh) writeCache(queryKey(query), query, priceList, products);
    return result;
  };

  const fetchOne = async (query: PriceQuery): Promise<PriceResult> => {
    const key = queryKey(query);
    if (query.snapshotOnly) {
      const r = fallBack(query, `live pricing skipped: ${query.snapshotOnly}`, 'snapshot-only');
      results.set(key, r);
      return r;
    }
    const cached = readCache(key);
    let result: PriceResult;
    if (cached) result = settle(query, cached.priceList, false);
    else {
      const fetched = await fetchPriceList(query, api, retry);
      result = fetched.ok ? settle(query, fetched.priceList, true) : fallBack(query, `live Price List unavailable: ${fetched.error}`);
    }
    results.set(key, result);
    return result;
  };

  return {
    name: 'live',
    asOf,
    warnings,
    fetch: fetchOne,
    async prefetch(queries) {
      const seen = new Set<string>();
      for (const q of queries) {
        const key = queryKey(q);
        if (seen.has(key) || results.has(key)) continue;
        seen.add(key);
        await fetchOne(q); // sequential: gentle on the API's throttling
      }
    },
    lookup(query) {
      const key = queryKey(query);
      const known = results.get(key);
      if (known) return known;
      if (query.snapshotOnly) {
        const r = fallBack(query, `live pricing skipped: ${query.snapshotOnly}`, 'snapshot-only');
        results.set(key, r);
        return r;
      }
      const cached = readCache(key);
      const r = cached ? settle(query, cached.priceList, false) : fallBack(query, 'not prefetched from the live Price List', 'not-prefetched');
      results.set(key, r);
      return r;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Refreshing the committed snapshot from the live API.

export interface RefreshOptions {
  /** Meters to price in every region (default: derived from the current snapshot). */
  readonly catalog?: readonly Pick<UsageMeter, 'meter' | 'attributes'>[];
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly maxPages?: number;
  readonly now: () => Date;
}

export interface RefreshReport {
  /** The new snapshot, for the caller to write. */
  readonly file: SnapshotFile;
  readonly products: number;
  readonly unresolved: readonly { readonly query: PriceQuery; readonly reason: string }[];
  readonly carriedOver: number;
}

/** The meters a refresh prices: every instance/node/class type the current snapshot knows, plus each simple meter. */
export function catalogFromSnapshot(file: SnapshotFile): Pick<UsageMeter, 'meter' | 'attributes'>[] {
  const snap = createSnapshotSource(file);
  const types = (service: string, family: string, attr: string) =>
    [...new Set(snap.products.filter((p) => p.serviceCode === service && p.productFamily === family).map((p) => p.attributes[attr]).filter((v): v is string => !!v))].sort();
  const out: Pick<UsageMeter, 'meter' | 'attributes'>[] = [];
  for (const instanceType of types('AmazonEC2', 'Compute Instance', 'instanceType')) out.push({ meter: 'ec2.instance', attributes: { instanceType, os: 'linux' } });
  for (const volumeType of types('AmazonEC2', 'Storage', 'volumeApiName')) out.push({ meter: 'ebs.storage', attributes: { volumeType } });
  out.push({ meter: 'eks.cluster', attributes: { supportType: 'extended' } });
  for (const architecture of ['x86_64', 'arm64']) {
    out.push({ meter: 'fargate.vcpu', attributes: { architecture } }, { meter: 'fargate.memory', attributes: { architecture } });
  }
  out.push({ meter: 'fargate.ephemeralStorage', attributes: {} });
  for (const instanceClass of types('AmazonRDS', 'Database Instance', 'instanceType')) {
    for (const deployment of ['Single-AZ', 'Multi-AZ']) out.push({ meter: 'rds.instance', attributes: { instanceClass, deployment, engine: 'PostgreSQL' } });
  }
  for (const storageType of ['gp2', 'gp3']) for (const deployment of ['Single-AZ', 'Multi-AZ']) out.push({ meter: 'rds.storage', attributes: { storageType, deployment } });
  for (const nodeType of types('AmazonElastiCache', 'Cache Instance', 'instanceType')) {
    for (const engine of ['redis', 'valkey']) out.push({ meter: 'elasticache.node', attributes: { nodeType, engine } });
  }
  for (const meter of ['rds.backup', 'nat.hours', 'nat.processed', 'ipv4.public', 'alb.hours', 'alb.lcu', 'nlb.hours', 'nlb.lcu', 'vpce.interface', 'vpce.processed',
    'logs.ingest', 'logs.storage', 'cloudwatch.alarm', 'cloudwatch.dashboard', 'cloudwatch.metric', 'waf.acl', 'waf.rule', 'waf.requests',
    'secretsmanager.secret', 'secretsmanager.api', 'kms.key', 'kms.requests', 'ecr.storage', 'xray.traces', 'dataTransfer.out', 'dataTransfer.interAz',
    'codebuild.minutes', 'codepipeline.pipeline', 'codepipeline.actionMinutes', 'route53.zone'] as const) {
    out.push({ meter, attributes: {} });
  }
  out.push({ meter: 'logs.ingest', attributes: { logType: 'vended' } });
  return out;
}

/**
 * Rewrites the snapshot from the live Price List: for every region and catalog meter, GetProducts
 * with the meter's filters; exactly one product is kept (with provenance "price list"), anything
 * else is recorded as a gap with the reason. Products the API cannot be asked for (snapshotOnly)
 * are carried over from the current snapshot unchanged.
 */
export async function refreshSnapshot(regions: readonly string[], current: SnapshotFile, api: PricingApi, options: RefreshOptions): Promise<RefreshReport> {
  const catalog = options.catalog ?? catalogFromSnapshot(current);
  const { now } = options;
  const retry = { maxAttempts: options.maxAttempts ?? 4, baseDelayMs: options.baseDelayMs ?? 250, sleep: options.sleep ?? realSleep, maxPages: options.maxPages ?? 20 };
  const getApi = () => Promise.resolve(api);
  const currentSource = createSnapshotSource(current);

  const bySku = new Map<string, PriceListItem>();
  const unresolved: { query: PriceQuery; reason: string }[] = [];
  const gaps: SnapshotGap[] = [];
  const done = new Set<string>();
  let carriedOver = 0;
  for (const region of regions) {
    for (const entry of catalog) {
      const mapping = meterToQuery({ meter: entry.meter, attributes: entry.attributes, unit: '', quantity: { min: 0, max: 0 }, basis: '' }, region);
      if (!mapping.ok) continue;
      for (const { query } of mapping.parts) {
        const identity = JSON.stringify([query.serviceCode, query.filters, query.usagetypeSuffix ?? null]);
        if (done.has(identity)) continue; // global products are asked once
        done.add(identity);
        if (query.snapshotOnly) {
          const kept = currentSource.lookup(query);
          const item = kept.ok ? current.products.find((i) => i.product.sku === kept.priceSource.sku) : undefined;
          if (item && !bySku.has(item.product.sku)) {
            bySku.set(item.product.sku, item);
            carriedOver++;
          }
          continue;
        }
        const fetched = await fetchPriceList(query, getApi, retry);
        if (!fetched.ok) {
          unresolved.push({ query, reason: fetched.error });
          continue;
        }
        const { result, malformed, products, raw } = interpret(fetched.priceList, query, now().toISOString().slice(0, 10));
        if (malformed.length > 0) {
          unresolved.push({ query, reason: `malformed Price List items: ${malformed.join('; ')}` });
          continue;
        }
        if (!result.ok) {
          unresolved.push({ query, reason: result.reason });
          const { regionCode: _r, productFamily, ...match } = query.filters;
          gaps.push({
            serviceCode: query.serviceCode,
            ...(productFamily ? { productFamily } : {}),
            regions: [region],
            match,
            ...(query.usagetypeSuffix ? { usagetypeSuffix: query.usagetypeSuffix } : {}),
            reason: `not found in the AWS Price List on ${now().toISOString().slice(0, 10)} (${result.reason})`,
          });
          continue;
        }
        const product = products[0]!;
        const item = JSON.parse(raw[0]!) as PriceListItem;
        bySku.set(product.sku, {
          ...item,
          dex: { source: 'AWS Price List Query API (GetProducts)', sourceDate: product.publicationDate ?? now().toISOString(), confidence: 'price list' },
        });
      }
    }
  }
  const products = [...bySku.values()].sort((a, b) =>
    (a.product.attributes.regionCode ?? '').localeCompare(b.product.attributes.regionCode ?? '') || a.serviceCode.localeCompare(b.serviceCode) || a.product.sku.localeCompare(b.product.sku));
  const file: SnapshotFile = {
    formatVersion: 'aws_v1',
    dexSnapshot: current.dexSnapshot,
    asOf: now().toISOString().slice(0, 10),
    generatedBy: 'compiler/pricing/live.ts refreshSnapshot',
    description: 'AWS on-demand list prices (USD) read from the AWS Price List Query API (GetProducts), one product per dex meter and region.',
    regions: [...regions],
    gaps,
    products,
  };
  return { file, products: products.length, unresolved, carriedOver };
}
