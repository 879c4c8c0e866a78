// The live price source: the AWS Price List Query API (GetProducts), behind the PricingApi port
// (cli/adapters/live-pricing.ts plugs in @aws-sdk/client-pricing and a cache on disk). Queries
// use exact TERM_MATCH filters, follow NextToken (bounded), must yield exactly one product, and
// are cached with the response's publication dates.
//
// Nothing here may hang or repeat itself: every request has a deadline (enforced here with an
// AbortSignal, whatever the HTTP layer does), the whole run has a time budget, identical requests
// (NAT hours and NAT bytes ask the same GetProducts question) are sent once, and a failure that
// every further request would share (no credentials, three queries in a row unanswered, the
// budget spent) stops the asking: the snapshot answers the rest and one warning says why.
// Warnings are data (source.warnings), in words for a user, never printed here.
//
// PriceSource.lookup is synchronous, so a live source is used in two steps:
//   const live = createLivePriceSource({ api, cache, fallback: snapshot });
//   await live.prefetch(collectQueries(resources, region));
//   const plan = priceMeters(resources, region, live);
import { classifyAwsError, seconds, type AwsFailure, type AwsFailureKind } from './aws-errors.js';
import { describeQuery, parsePriceListItem, queryKey, resultFromMatches, usagetypeMatches, type ParsedProduct } from './price-list.js';
import type { PriceQuery, PriceResult, PriceSource, PriceWarning } from './types.js';

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
  getProducts(input: GetProductsInput, options?: { readonly abortSignal?: AbortSignal }): Promise<{ readonly PriceList?: unknown; readonly NextToken?: string }>;
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

/** How hard and how long to ask: shared by the live source and refreshSnapshot. */
export interface FetchPolicyOptions {
  /** Attempts per request, including the first (default 4). */
  readonly maxAttempts?: number;
  /** First backoff delay; doubles each retry (default 250 ms, capped at 8 s). */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Pages per query before giving up (default 20, i.e. 2,000 products). */
  readonly maxPages?: number;
  /** Deadline of one request (one attempt of one page), default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Time budget of the whole run, retries and backoff included (default 60 s). */
  readonly budgetMs?: number;
  /** Queries in a row the API does not answer before the rest are not asked (default 3). */
  readonly giveUpAfter?: number;
  /** Milliseconds on a monotonic clock (default performance.now). */
  readonly clock?: () => number;
  /** Called before each query is asked (progress on a TTY). */
  readonly onQuery?: (query: PriceQuery, asked: number) => void;
}

export const FETCH_DEFAULTS = { maxAttempts: 4, baseDelayMs: 250, maxPages: 20, requestTimeoutMs: 10_000, budgetMs: 60_000, giveUpAfter: 3 } as const;

export interface LiveSourceOptions extends FetchPolicyOptions {
  /** The API, made when the first query is actually asked (loading the SDK costs start-up time). */
  readonly api: () => Promise<PricingApi>;
  readonly cache: PriceCache;
  /** Where prices come from when the API cannot answer (normally the snapshot). */
  readonly fallback: PriceSource;
  /** Cache entries older than this are refetched (default 7 days). */
  readonly cacheMaxAgeMs?: number;
  readonly now: () => Date;
}

/** Where the prices of a live run came from, per distinct query: the plan's "Prices:" line. */
export interface LiveSummary {
  readonly queries: number;
  /** Answered by the API during this run. */
  readonly fetched: number;
  /** Answered from the on-disk cache of an earlier run. */
  readonly cached: number;
  /** fetchedAt of the oldest cached answer used. */
  readonly oldestCached?: string;
  /** Answered by the snapshot, and why (short reasons with counts, most frequent first). */
  readonly fromSnapshot: number;
  readonly reasons: readonly { readonly reason: string; readonly count: number }[];
  /** The asking stopped early: why (credentials, budget, repeated failures). */
  readonly stopped?: string;
}

export interface LivePriceSource extends PriceSource {
  readonly name: 'live';
  readonly warnings: readonly PriceWarning[];
  /** Fetches (or reads from cache) every query; afterwards lookup() answers from memory. */
  prefetch(queries: readonly PriceQuery[]): Promise<void>;
  /** Fetch one query now (also what prefetch does per query). */
  fetch(query: PriceQuery): Promise<PriceResult>;
  /** Live, cached and snapshot answers so far. */
  summary(): LiveSummary;
}

/** Why a query got no answer from the API. */
export interface FetchFailure {
  readonly kind: AwsFailureKind | 'budget' | 'stopped' | 'paging' | 'shape';
  /** A sentence for the user. */
  readonly message: string;
  /** A few words for summaries. */
  readonly short: string;
}

/** Raw GetProducts pages for one query, or why they could not be had. */
export type FetchOutcome = { readonly ok: true; readonly priceList: readonly string[] } | { readonly ok: false; readonly failure: FetchFailure };

const SERVICE = 'the AWS Price List API';

/** Throttling, 5xx, timeouts, garbled answers and connection-level failures are worth retrying; bad requests are not. */
export function isRetryable(err: unknown): boolean {
  return classifyAwsError(err, SERVICE).retryable;
}

/** GetProducts filters for a query: every exact filter as TERM_MATCH (the usage-type suffix is matched client-side). */
export function toApiFilters(query: PriceQuery): { Type: 'TERM_MATCH'; Field: string; Value: string }[] {
  return Object.keys(query.filters)
    .sort()
    .map((Field) => ({ Type: 'TERM_MATCH' as const, Field, Value: query.filters[Field]! }));
}

/**
 * The GetProducts request a query sends: service code and filters only. Queries that differ in
 * their usage-type suffix (NAT hours and NAT bytes), their region label (global dashboards) or
 * their wording ask AWS the same question, so they share one request, one cache entry, one backoff.
 */
export function requestKey(query: PriceQuery): string {
  return JSON.stringify([query.serviceCode, toApiFilters(query).map((f) => [f.Field, f.Value])]);
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const monotonic = () => performance.now();

class Abandon extends Error {
  constructor(readonly failure: FetchFailure) {
    super(failure.message);
  }
}

/**
 * One run's asking: deduplicated requests (in flight and answered), per-request deadlines, one
 * time budget, and a stop rule. Shared by the live source and refreshSnapshot.
 */
export interface PriceListFetcher {
  fetch(query: PriceQuery): Promise<FetchOutcome>;
  /** Set once the asking stopped; every later fetch fails with it without a request. */
  readonly stopped: FetchFailure | undefined;
  /** GetProducts requests sent (attempts included). */
  readonly requests: number;
}

export function createFetcher(getApi: () => Promise<PricingApi>, options: FetchPolicyOptions): PriceListFetcher {
  const policy = {
    maxAttempts: Math.max(1, options.maxAttempts ?? FETCH_DEFAULTS.maxAttempts),
    baseDelayMs: options.baseDelayMs ?? FETCH_DEFAULTS.baseDelayMs,
    sleep: options.sleep ?? realSleep,
    maxPages: options.maxPages ?? FETCH_DEFAULTS.maxPages,
    requestTimeoutMs: Math.max(1, options.requestTimeoutMs ?? FETCH_DEFAULTS.requestTimeoutMs),
    budgetMs: Math.max(1, options.budgetMs ?? FETCH_DEFAULTS.budgetMs),
    giveUpAfter: Math.max(1, options.giveUpAfter ?? FETCH_DEFAULTS.giveUpAfter),
  };
  const clock = options.clock ?? monotonic;
  const started = clock();
  const deadline = started + policy.budgetMs;
  const answers = new Map<string, Promise<FetchOutcome>>();
  let stopped: FetchFailure | undefined;
  let unanswered = 0;
  let requests = 0;
  let asked = 0;

  const budgetSpent = (): FetchFailure => ({
    kind: 'budget',
    message: `the time budget of ${seconds(policy.budgetMs)} for asking ${SERVICE} is spent`,
    short: 'time budget spent',
  });

  /** One request with a deadline: the smaller of the per-request timeout and what is left of the budget. */
  const request = async (api: PricingApi, input: GetProductsInput) => {
    const left = deadline - clock();
    if (left <= 0) throw new Abandon(budgetSpent());
    const byBudget = left < policy.requestTimeoutMs;
    const limit = Math.ceil(Math.min(policy.requestTimeoutMs, left));
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(byBudget ? new Abandon(budgetSpent()) : Object.assign(new Error(`no answer within ${limit} ms`), { name: 'TimeoutError' }));
      }, limit);
    });
    requests++;
    try {
      return await Promise.race([api.getProducts(input, { abortSignal: controller.signal }), expired]);
    } finally {
      clearTimeout(timer);
    }
  };

  const pages = async (query: PriceQuery): Promise<FetchOutcome> => {
    let api: PricingApi;
    try {
      api = await getApi();
    } catch (err) {
      const f = classifyAwsError(err, SERVICE);
      return { ok: false, failure: { kind: f.kind, message: f.message, short: f.short } };
    }
    const items: string[] = [];
    let token: string | undefined;
    let restarted = false;
    for (let page = 0; ; page++) {
      if (page >= policy.maxPages) {
        return { ok: false, failure: { kind: 'paging', message: `more than ${policy.maxPages} pages of products for ${describeQuery(query)}; the filters are too loose`, short: 'too many products' } };
      }
      const input: GetProductsInput = { ServiceCode: query.serviceCode, Filters: toApiFilters(query), FormatVersion: 'aws_v1', MaxResults: 100, ...(token ? { NextToken: token } : {}) };
      let response: { PriceList?: unknown; NextToken?: string } | undefined;
      for (let attempt = 1; ; attempt++) {
        try {
          response = await request(api, input);
          break;
        } catch (err) {
          if (err instanceof Abandon) return { ok: false, failure: err.failure };
          if ((err as { name?: string })?.name === 'ExpiredNextTokenException' && !restarted) {
            // Research §2.5: an expired token means start the listing again.
            restarted = true;
            items.length = 0;
            token = undefined;
            page = -1;
            response = undefined;
            break;
          }
          const f: AwsFailure = classifyAwsError(err, SERVICE, policy.requestTimeoutMs);
          if (!f.retryable) return { ok: false, failure: { kind: f.kind, message: f.message, short: f.short } };
          const tries = `; gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}`;
          if (attempt >= policy.maxAttempts) return { ok: false, failure: { kind: f.kind, message: `${f.message}${tries}`, short: f.short } };
          const delay = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), 8_000);
          if (clock() + delay >= deadline) return { ok: false, failure: { kind: 'budget', message: `${f.message}${tries}: waiting to retry would spend the time budget of ${seconds(policy.budgetMs)}`, short: f.short } };
          await policy.sleep(delay);
        }
      }
      if (!response) continue;
      const list = response.PriceList;
      if (list !== undefined && !Array.isArray(list)) return { ok: false, failure: { kind: 'shape', message: `${SERVICE} returned a PriceList that is not a list`, short: 'a garbled answer' } };
      // The SDK returns String objects (LazyJsonString), research §2.6: String() gives the raw JSON text.
      for (const raw of list ?? []) items.push(typeof raw === 'string' || raw instanceof String ? String(raw) : JSON.stringify(raw));
      token = response.NextToken || undefined;
      if (!token) return { ok: true, priceList: items };
    }
  };

  const ask = async (query: PriceQuery): Promise<FetchOutcome> => {
    if (stopped) return { ok: false, failure: stopped };
    if (clock() >= deadline) {
      stopped = budgetSpent();
      return { ok: false, failure: stopped };
    }
    options.onQuery?.(query, asked++);
    const outcome = await pages(query);
    if (outcome.ok) {
      unanswered = 0;
      return outcome;
    }
    const f = outcome.failure;
    if (f.kind === 'credentials' || f.kind === 'access-denied' || f.kind === 'budget') {
      stopped ??= f;
    } else if (f.kind === 'timeout' || f.kind === 'network' || f.kind === 'server' || f.kind === 'throttled' || f.kind === 'malformed-response') {
      unanswered++;
      if (unanswered >= policy.giveUpAfter) {
        stopped ??= { kind: 'stopped', message: `${SERVICE} did not answer ${unanswered} queries in a row (${f.message})`, short: f.short };
      }
    }
    return outcome;
  };

  return {
    fetch(query) {
      const key = requestKey(query);
      let answer = answers.get(key);
      if (!answer) {
        answer = ask(query);
        answers.set(key, answer);
      }
      return answer;
    },
    get stopped() {
      return stopped;
    },
    get requests() {
      return requests;
    },
  };
}

/** Interprets raw PriceList strings for a query: malformed items are errors, the suffix is matched, one product must remain. */
export function interpret(priceList: readonly string[], query: PriceQuery, asOf: string): { result: PriceResult; malformed: string[]; products: ParsedProduct[]; raw: string[] } {
  const malformed: string[] = [];
  const products: ParsedProduct[] = [];
  const raw: string[] = [];
  for (const text of priceList) {
    const parsed = parsePriceListItem(text);
    if (!parsed.ok) {
      malformed.push(parsed.error);
      continue;
    }
    if (parsed.product.serviceCode !== query.serviceCode) continue;
    if (query.usagetypeSuffix !== undefined && !usagetypeMatches(parsed.product.attributes.usagetype, query.usagetypeSuffix)) continue;
    products.push(parsed.product);
    raw.push(text);
  }
  const result = resultFromMatches(products, query, { source: 'live', asOf }, () =>
    `no price for ${describeQuery(query)} in the AWS Price List (GetProducts returned ${priceList.length} product${priceList.length === 1 ? '' : 's'}${query.usagetypeSuffix ? `, none with usage type *${query.usagetypeSuffix}` : ''})`);
  return { result, malformed, products, raw };
}

/** One memoised `api()`, so the SDK is loaded once and only when a query goes out. */
function lazyApi(make: () => Promise<PricingApi>): () => Promise<PricingApi> {
  let made: Promise<PricingApi> | undefined;
  return () => (made ??= make());
}

type Origin = { readonly kind: 'fetched' } | { readonly kind: 'cached'; readonly fetchedAt: string } | { readonly kind: 'snapshot'; readonly reason: string };

export function createLivePriceSource(options: LiveSourceOptions): LivePriceSource {
  const { now, cache } = options;
  const maxAge = options.cacheMaxAgeMs ?? 7 * 24 * 3600 * 1000;
  const fetcher = createFetcher(lazyApi(options.api), options);
  const warnings: PriceWarning[] = [];
  const results = new Map<string, PriceResult>();
  const origins = new Map<string, Origin>();
  const asOf = now().toISOString().slice(0, 10);
  let stopWarned = false;

  const readCache = (key: string): CacheEntry | undefined => {
    try {
      const entry = cache.read(key);
      if (!entry || entry.key !== key || !Array.isArray(entry.priceList)) return undefined;
      if (now().getTime() - Date.parse(entry.fetchedAt) > maxAge) return undefined;
      return entry;
    } catch (err) {
      warnings.push({ code: 'cache-unreadable', message: `a price cache entry is unreadable (${(err as Error).message}); it is fetched again` });
      return undefined;
    }
  };

  const writeCache = (query: PriceQuery, priceList: readonly string[]) => {
    const products = priceList.map((t) => parsePriceListItem(t)).flatMap((p) => (p.ok ? [p.product] : []));
    cache.write({
      key: requestKey(query),
      query,
      fetchedAt: now().toISOString(),
      publicationDates: [...new Set(products.map((p) => p.publicationDate).filter((d): d is string => !!d))].sort(),
      priceList,
    });
  };

  const fallBack = (query: PriceQuery, why: string, short: string, code: PriceWarning['code'] = 'live-fallback', quiet = false): PriceResult => {
    const result = options.fallback.lookup(query);
    origins.set(queryKey(query), { kind: 'snapshot', reason: short });
    if (!quiet) {
      warnings.push({
        code,
        query,
        message: `${why}; ${result.ok ? `used the ${options.fallback.name} price of ${options.fallback.asOf}` : `the ${options.fallback.name} has no price either`} for ${describeQuery(query)}`,
      });
    }
    return result;
  };

  /** One warning when the asking stops; the prices after it come from the snapshot without a warning each. */
  const noteStop = (failure: FetchFailure) => {
    if (stopWarned) return;
    stopWarned = true;
    warnings.push({ code: 'live-stopped', message: `live Price List stopped: ${failure.message}; the prices not yet asked come from the ${options.fallback.name} of ${options.fallback.asOf}` });
  };

  /** From raw strings (fresh or cached) to a result; malformed answers fall back to the snapshot. */
  const settle = (query: PriceQuery, priceList: readonly string[], origin: Origin): PriceResult => {
    const { result, malformed } = interpret(priceList, query, asOf);
    if (malformed.length > 0) {
      const first = malformed[0]!;
      warnings.push({ code: 'malformed-item', query, message: `the live Price List returned ${malformed.length} malformed item${malformed.length === 1 ? '' : 's'} for ${describeQuery(query)} (${first})` });
      return fallBack(query, 'the live Price List answer could not be read', 'a malformed answer');
    }
    origins.set(queryKey(query), origin);
    if (!result.ok) return result;
    const retrieved = origin.kind === 'cached' ? { retrievedAt: origin.fetchedAt, cached: true } : { retrievedAt: now().toISOString() };
    return { ...result, priceSource: { ...result.priceSource, ...retrieved } };
  };

  const fromCache = (query: PriceQuery): PriceResult | undefined => {
    const cached = readCache(requestKey(query));
    return cached ? settle(query, cached.priceList, { kind: 'cached', fetchedAt: cached.fetchedAt }) : undefined;
  };

  const snapshotOnly = (query: PriceQuery): PriceResult => fallBack(query, `live pricing skipped: ${query.snapshotOnly}`, 'no verified Price List filter', 'snapshot-only');

  const fetchOne = async (query: PriceQuery): Promise<PriceResult> => {
    const key = queryKey(query);
    const known = results.get(key);
    if (known) return known;
    let result: PriceResult;
    if (query.snapshotOnly) result = snapshotOnly(query);
    else {
      // A request already answered in this run is not a cached answer, even though it wrote the cache.
      const cached = written.has(requestKey(query)) ? undefined : fromCache(query);
      if (cached) result = cached;
      else {
        const fetched = await fetcher.fetch(query);
        if (fetched.ok) {
          // The first query of a shared request writes the cache; the others find it there.
          if (!results.has(key)) writeCacheOnce(query, fetched.priceList);
          result = settle(query, fetched.priceList, { kind: 'fetched' });
        } else if (fetcher.stopped) {
          // Stopped by this query or an earlier one: one warning for all of them.
          noteStop(fetcher.stopped);
          result = fallBack(query, '', fetcher.stopped.short, 'live-fallback', true);
        } else {
          result = fallBack(query, `live Price List unavailable: ${fetched.failure.message}`, fetched.failure.short);
        }
      }
    }
    results.set(key, result);
    return result;
  };

  const written = new Set<string>();
  const writeCacheOnce = (query: PriceQuery, priceList: readonly string[]) => {
    const rk = requestKey(query);
    if (written.has(rk)) return;
    written.add(rk);
    // A garbled answer is not kept: the next run asks again.
    if (priceList.some((t) => !parsePriceListItem(t).ok)) return;
    writeCache(query, priceList);
  };

  return {
    name: 'live',
    asOf,
    warnings,
    fetch: fetchOne,
    async prefetch(queries) {
      // Sequential: gentle on the API's throttling; identical requests are asked once anyway.
      for (const q of queries) await fetchOne(q);
    },
    lookup(query) {
      const key = queryKey(query);
      const known = results.get(key);
      if (known) return known;
      const r = query.snapshotOnly ? snapshotOnly(query) : (fromCache(query) ?? fallBack(query, 'not prefetched from the live Price List', 'not asked', 'not-prefetched'));
      results.set(key, r);
      return r;
    },
    summary() {
      let fetched = 0;
      let cached = 0;
      let oldest: string | undefined;
      const reasons = new Map<string, number>();
      for (const o of origins.values()) {
        if (o.kind === 'fetched') fetched++;
        else if (o.kind === 'cached') {
          cached++;
          if (oldest === undefined || o.fetchedAt < oldest) oldest = o.fetchedAt;
        } else reasons.set(o.reason, (reasons.get(o.reason) ?? 0) + 1);
      }
      const fromSnapshot = [...reasons.values()].reduce((a, b) => a + b, 0);
      return {
        queries: origins.size,
        fetched,
        cached,
        ...(oldest ? { oldestCached: oldest } : {}),
        fromSnapshot,
        reasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
        ...(fetcher.stopped ? { stopped: fetcher.stopped.message } : {}),
      };
    },
  };
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
export function ageText(fromIso: string, now: Date): string {
  const ms = Math.max(0, now.getTime() - Date.parse(fromIso));
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'} ago`;
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return plural(hours, 'hour');
  return plural(Math.floor(hours / 24), 'day');
}

/**
 * The plan's "Prices:" line for a live run: how many prices are live (fetched now or cached, with
 * the cache's age) and how many the snapshot gave, and why. "live AWS Price List" only when true.
 */
export function describeLivePricing(summary: LiveSummary, snapshotAsOf: string, now: Date): string {
  const live = summary.fetched + summary.cached;
  const snapshot = `price snapshot of ${snapshotAsOf}`;
  const why = summary.reasons.map((r) => (summary.reasons.length > 1 ? `${r.reason}: ${r.count}` : r.reason)).join(', ');
  const age = summary.oldestCached ? ageText(summary.oldestCached, now) : undefined;
  const cachedText = summary.cached > 0 ? `${summary.fetched > 0 ? `${summary.fetched} fetched now, ` : ''}${summary.cached === live ? 'all ' : ''}${summary.cached} cached${age ? ` ${summary.cached > 1 && age !== 'just now' ? 'up to ' : ''}${age}` : ''}` : 'fetched now';
  if (summary.queries === 0) return `${snapshot} (nothing to ask the live AWS Price List)`;
  if (live === 0) return `${snapshot} — the live AWS Price List was not used (${why})`;
  if (summary.fromSnapshot === 0) return `live AWS Price List, all ${live} price${live === 1 ? '' : 's'} (${cachedText})`;
  return `${live} of ${summary.queries} prices from the live AWS Price List (${cachedText}), ${summary.fromSnapshot} from the ${snapshot} (${why})`;
}
