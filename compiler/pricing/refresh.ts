// Refreshing a price snapshot from the live Price List API (`dex pricing refresh`). The rule is
// that a refresh never loses a price: a product the API did not re-read (timeout, throttling, a
// garbled or empty answer, a suspect $0, the asking stopped) keeps its old price, marked stale
// with the reason, and the report says so; regions not asked keep their products; products the
// catalog does not ask for are carried over unchanged. The snapshot stays in GetProducts item
// format; any other field on an item or on the file is kept as it was.
import type { UsageMeter } from '../model/types.js';
import { createFetcher, interpret, requestKey, type FetchPolicyOptions, type PricingApi } from './live.js';
import { meterToQuery } from './meters.js';
import { matchesQuery, parsePriceListItem, queryKey, type ParsedProduct } from './price-list.js';
import { createSnapshotSource, type SnapshotFile, type SnapshotGap } from './snapshot.js';
import type { PriceListItem, PriceQuery } from './types.js';

type CatalogEntry = Pick<UsageMeter, 'meter' | 'attributes'>;

/** Default time budget of a refresh: a few hundred queries at the API's pace, with room for backoff. */
export const REFRESH_BUDGET_MS = 10 * 60_000;

export interface RefreshOptions extends FetchPolicyOptions {
  /** Meters to price in every region (default: derived from the current snapshot). */
  readonly catalog?: readonly CatalogEntry[];
  /** Further meters, each in its own region: what a spec's resources need (asked even when the snapshot has no such product). */
  readonly needed?: readonly (CatalogEntry & { readonly region: string })[];
  readonly now: () => Date;
  /** Called before each query (progress on a TTY): queries done so far, queries in all. */
  readonly onProgress?: (done: number, total: number, query: PriceQuery) => void;
}

export interface RefreshItemOutcome {
  readonly query: PriceQuery;
  readonly reason: string;
}

export interface RefreshReport {
  /** The new snapshot, for the caller to write. */
  readonly file: SnapshotFile;
  readonly products: number;
  /** Products read from the API in this run. */
  readonly fetched: number;
  /** Queries asked (after deduplication). */
  readonly asked: number;
  /** Products kept from the current snapshot whose query was not asked or cannot be asked (snapshot-only, other regions). */
  readonly carriedOver: number;
  /** Queries the API did not answer: their products keep the old price, marked stale. */
  readonly stale: readonly (RefreshItemOutcome & { readonly keptProducts: number })[];
  /** Queries answered with no usable product and no old price: recorded as gaps. */
  readonly gaps: readonly RefreshItemOutcome[];
  /** stale + gaps (what the command lists). */
  readonly unresolved: readonly RefreshItemOutcome[];
  /** Why the asking stopped early, if it did. */
  readonly stopped?: string;
  /** Regions of the new file that were in the old one but not refreshed (their products are kept). */
  readonly keptRegions: readonly string[];
}

const SIMPLE_METERS = ['rds.backup', 'nat.hours', 'nat.processed', 'ipv4.public', 'alb.hours', 'alb.lcu', 'nlb.hours', 'nlb.lcu', 'vpce.interface', 'vpce.processed',
  'logs.ingest', 'logs.storage', 'cloudwatch.alarm', 'cloudwatch.dashboard', 'cloudwatch.metric', 'waf.acl', 'waf.rule', 'waf.requests',
  'secretsmanager.secret', 'secretsmanager.api', 'kms.key', 'kms.requests', 'ecr.storage', 'xray.traces', 'dataTransfer.out', 'dataTransfer.interAz',
  'codebuild.minutes', 'codepipeline.pipeline', 'codepipeline.actionMinutes', 'route53.zone',
  's3.putRequests', 's3.getRequests', 'dynamodb.storage', 'dynamodb.pitr', 'dynamodb.readRequests', 'dynamodb.writeRequests', 'dynamodb.readCapacity', 'dynamodb.writeCapacity'] as const;

/** The meters a refresh prices: every instance/node/class type the current snapshot knows, plus each simple meter. */
export function catalogFromSnapshot(file: SnapshotFile): CatalogEntry[] {
  const snap = createSnapshotSource(file);
  const types = (service: string, family: string, attr: string) =>
    [...new Set(snap.products.filter((p) => p.serviceCode === service && p.productFamily === family).map((p) => p.attributes[attr]).filter((v): v is string => !!v))].sort();
  const out: CatalogEntry[] = [];
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
  for (const meter of SIMPLE_METERS) out.push({ meter, attributes: {} });
  out.push({ meter: 'logs.ingest', attributes: { logType: 'vended' } });
  return out;
}

/** The queries of a refresh, deduplicated (a global product is asked once, not once per region). */
function refreshQueries(regions: readonly string[], catalog: readonly CatalogEntry[], needed: readonly (CatalogEntry & { region: string })[]): PriceQuery[] {
  const out = new Map<string, PriceQuery>();
  const add = (entry: CatalogEntry, region: string) => {
    const mapping = meterToQuery({ meter: entry.meter, attributes: entry.attributes, unit: '', quantity: { min: 0, max: 0 }, basis: '' }, region);
    if (!mapping.ok) return;
    for (const { query } of mapping.parts) {
      const identity = JSON.stringify([requestKey(query), query.usagetypeSuffix ?? null]);
      if (!out.has(identity)) out.set(identity, query);
    }
  };
  for (const region of regions) for (const entry of catalog) add(entry, region);
  for (const entry of needed) add(entry, entry.region);
  return [...out.values()];
}

function sameGap(a: SnapshotGap, b: SnapshotGap): boolean {
  const { reason: _a, ...x } = a;
  const { reason: _b, ...y } = b;
  return JSON.stringify(x) === JSON.stringify(y);
}

/** Fields of an item dex does not interpret (another builder's additions) are kept across a refresh. */
function mergeItem(fresh: PriceListItem, old: PriceListItem | undefined, provenance: PriceListItem['dex']): PriceListItem {
  if (!old) return { ...fresh, dex: provenance! };
  const { product: _p, serviceCode: _s, terms: oldTerms, version: _v, publicationDate: _d, dex: _x, ...extra } = old;
  const { OnDemand: _o, ...otherTerms } = (oldTerms ?? {}) as Record<string, unknown>;
  return { ...extra, ...fresh, terms: { ...otherTerms, ...fresh.terms }, dex: provenance! };
}

/**
 * Rewrites the snapshot from the live Price List: for every region and catalog meter (and every
 * meter a spec needs), GetProducts with the meter's filters; exactly one product replaces the old
 * ones the query matches (provenance "price list"); no answer keeps the old, marked stale.
 */
export async function refreshSnapshot(regions: readonly string[], current: SnapshotFile, api: PricingApi, options: RefreshOptions): Promise<RefreshReport> {
  const { now } = options;
  const today = now().toISOString().slice(0, 10);
  const catalog = options.catalog ?? catalogFromSnapshot(current);
  const needed = options.needed ?? [];
  const queries = refreshQueries(regions, catalog, needed);
  const { onQuery: _q, onProgress, ...policy } = options;
  const fetcher = createFetcher(() => Promise.resolve(api), { ...policy, budgetMs: policy.budgetMs ?? REFRESH_BUDGET_MS });

  const parsed: (ParsedProduct | undefined)[] = current.products.map((item) => {
    const p = parsePriceListItem(item);
    return p.ok ? p.product : undefined;
  });
  const matching = (query: PriceQuery) => parsed.flatMap((p, i) => (p && matchesQuery(p, query) ? [i] : []));

  const replaced = new Set<number>();
  const staleMarks = new Map<number, string>();
  const fresh = new Map<string, PriceListItem>();
  const stale: (RefreshItemOutcome & { keptProducts: number })[] = [];
  const gapOutcomes: RefreshItemOutcome[] = [];
  const gaps: SnapshotGap[] = [];
  const asked = new Set<string>();

  const keepStale = (query: PriceQuery, old: readonly number[], reason: string) => {
    for (const i of old) staleMarks.set(i, reason);
    stale.push({ query, reason, keptProducts: old.length });
  };

  for (const [n, query] of queries.entries()) {
    onProgress?.(n, queries.length, query);
    const old = matching(query);
    if (query.snapshotOnly) continue; // kept below, unchanged
    asked.add(queryKey(query));
    const outcome = await fetcher.fetch(query);
    if (!outcome.ok) {
      keepStale(query, old, outcome.failure.message);
      continue;
    }
    const { result, malformed, raw } = interpret(outcome.priceList, query, today);
    if (malformed.length > 0) {
      keepStale(query, old, `the Price List answer could not be read (${malformed.length} malformed item${malformed.length === 1 ? '' : 's'}: ${malformed[0]})`);
      continue;
    }
    if (!result.ok) {
      if (old.length > 0) {
        keepStale(query, old, result.reason);
        continue;
      }
      gapOutcomes.push({ query, reason: result.reason });
      const { regionCode: _r, productFamily, ...match } = query.filters;
      const zero = result.reason.startsWith('the Price List gives $0');
      gaps.push({
        serviceCode: query.serviceCode,
        ...(productFamily ? { productFamily } : {}),
        regions: [query.region],
        match,
        ...(query.usagetypeSuffix ? { usagetypeSuffix: query.usagetypeSuffix } : {}),
        reason: `${zero ? 'no usable price' : 'not found'} in the AWS Price List on ${today} (${result.reason})`,
      });
      continue;
    }
    const item = JSON.parse(raw[0]!) as PriceListItem;
    const sourceDate = item.publicationDate ?? now().toISOString();
    for (const i of old) replaced.add(i);
    fresh.set(item.product.sku, mergeItem(item, old.length === 1 ? current.products[old[0]!] : undefined, { source: 'AWS Price List Query API (GetProducts)', sourceDate, confidence: 'price list' }));
  }

  let carriedOver = 0;
  const kept: PriceListItem[] = [];
  current.products.forEach((item, i) => {
    if (replaced.has(i) || fresh.has(item.product.sku)) return;
    const reason = staleMarks.get(i);
    if (reason === undefined) {
      carriedOver++;
      kept.push(item);
      return;
    }
    const dex = item.dex ?? { source: 'unknown', sourceDate: current.asOf, confidence: 'single source' as const };
    kept.push({ ...item, dex: { ...dex, stale: { since: dex.stale?.since ?? today, reason } } });
  });
  const products = [...fresh.values(), ...kept].sort((a, b) =>
    (a.product.attributes.regionCode ?? '').localeCompare(b.product.attributes.regionCode ?? '') || a.serviceCode.localeCompare(b.serviceCode) || a.product.sku.localeCompare(b.product.sku));
  const allRegions = [...new Set([...current.regions, ...regions, ...needed.map((n) => n.region)])];
  const refreshed = new Set([...regions, ...needed.map((n) => n.region)]);
  const file: SnapshotFile = {
    ...current,
    asOf: today,
    generatedBy: 'dex pricing refresh (compiler/pricing/refresh.ts)',
    description: 'AWS on-demand list prices (USD): products re-read from the AWS Price List Query API (GetProducts) have confidence "price list"; the others keep their earlier source, and those a refresh could not re-read are marked "stale".',
    regions: allRegions,
    // A gap found again by a later refresh is not recorded twice.
    gaps: [...current.gaps, ...gaps.filter((g) => !current.gaps.some((c) => sameGap(c, g)))],
    products,
  };
  return {
    file,
    products: products.length,
    fetched: fresh.size,
    asked: asked.size,
    carriedOver,
    stale,
    gaps: gapOutcomes,
    unresolved: [...stale, ...gapOutcomes],
    ...(fetcher.stopped ? { stopped: fetcher.stopped.message } : {}),
    keptRegions: current.regions.filter((r) => !refreshed.has(r)),
  };
}
