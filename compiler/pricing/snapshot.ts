// The offline price source: data/pricing/snapshot.json (built by scripts/build-price-snapshot.mjs
// from the research file, read by cli/adapters/snapshot.ts), products in AWS's GetProducts format,
// looked up with the same filters the live API takes. An empty answer says why: a known gap ("no
// public source for …"), a region the snapshot does not cover, or simply no row.
import { describeQuery, matchesQuery, parsePriceListItem, resultFromMatches, type ParsedProduct } from './price-list.js';
import type { PriceListItem, PriceQuery, PriceResult, PriceSource } from './types.js';

/** A known hole in the snapshot, so that a miss can say "no public source for …". */
export interface SnapshotGap {
  /** '*' = any service. */
  readonly serviceCode: string;
  readonly productFamily?: string;
  /** Region codes; '*' = any. */
  readonly regions: readonly string[];
  /** Further filters that must equal the query's. */
  readonly match: Readonly<Record<string, string>>;
  readonly usagetypeSuffix?: string;
  /** For maintainers: why the sources have no price (cites the research; never shown to users). */
  readonly reason: string;
  /** For users: why there is no price, in plain words (shown instead of a generic sentence). */
  readonly userReason?: string;
}

export interface SnapshotFile {
  readonly formatVersion: 'aws_v1';
  readonly dexSnapshot: number;
  readonly asOf: string;
  readonly regions: readonly string[];
  readonly gaps: readonly SnapshotGap[];
  readonly excluded?: readonly { readonly researchRow: string; readonly reason: string }[];
  readonly products: readonly PriceListItem[];
  readonly [key: string]: unknown;
}

export interface SnapshotPriceSource extends PriceSource {
  readonly name: 'snapshot';
  readonly file: SnapshotFile;
  readonly products: readonly ParsedProduct[];
  /** The raw items (AWS shape, with the dex provenance object) — what a fake API serves. */
  readonly items: readonly PriceListItem[];
}

/** The snapshot file's text, checked for its format; `where` names it in the error. */
export function parseSnapshotFile(text: string, where: string): SnapshotFile {
  const file = JSON.parse(text) as SnapshotFile;
  if (file.formatVersion !== 'aws_v1' || !Array.isArray(file.products)) throw new Error(`${where} is not a dex price snapshot`);
  return file;
}

export function createSnapshotSource(file: SnapshotFile): SnapshotPriceSource {
  const products: ParsedProduct[] = [];
  const byService = new Map<string, ParsedProduct[]>();
  for (const item of file.products) {
    const parsed = parsePriceListItem(item);
    if (!parsed.ok) throw new Error(`price snapshot: ${parsed.error}`);
    products.push(parsed.product);
    const list = byService.get(parsed.product.serviceCode) ?? [];
    list.push(parsed.product);
    byService.set(parsed.product.serviceCode, list);
  }
  const origin = { source: 'snapshot' as const, asOf: file.asOf };
  return {
    name: 'snapshot',
    asOf: file.asOf,
    file,
    products,
    items: file.products,
    lookup(query: PriceQuery): PriceResult {
      const matches = (byService.get(query.serviceCode) ?? []).filter((p) => matchesQuery(p, query));
      return resultFromMatches(matches, query, origin, () => missReason(file, query));
    },
  };
}

function gapMatches(gap: SnapshotGap, query: PriceQuery): boolean {
  if (gap.serviceCode !== '*' && gap.serviceCode !== query.serviceCode) return false;
  if (!gap.regions.includes('*') && !gap.regions.includes(query.region)) return false;
  if (gap.productFamily !== undefined && query.filters.productFamily !== gap.productFamily) return false;
  if (gap.usagetypeSuffix !== undefined && query.usagetypeSuffix !== gap.usagetypeSuffix) return false;
  return Object.entries(gap.match).every(([k, v]) => query.filters[k] === v);
}

/** How a user gets a price the snapshot does not have. */
function howToPrice(query: PriceQuery): string {
  return query.snapshotOnly
    ? 'the live Price List cannot be asked for it either'
    : 'price it with dex plan --pricing live or dex pricing refresh (AWS credentials allowed pricing:GetProducts)';
}

// The gap's `reason` cites the research for maintainers (section numbers, source keys); users read
// what it means and what to do.
function missReason(file: SnapshotFile, query: PriceQuery): string {
  const what = describeQuery(query);
  const gap = file.gaps.find((g) => gapMatches(g, query));
  if (gap) {
    const why = gap.userReason ?? (/conflict/i.test(gap.reason) ? 'the public sources dex checked disagree on it and dex will not pick one' : 'none of the public sources dex checked gives one');
    return `no public source for ${what}: ${why}, so the price snapshot of ${file.asOf} has no price; ${howToPrice(query)}`;
  }
  if (!file.regions.includes(query.region)) return `no price for ${what}: the price snapshot of ${file.asOf} covers ${file.regions.join(', ')}; ${howToPrice(query)}`;
  return `no price for ${what} in the price snapshot of ${file.asOf}; ${howToPrice(query)}`;
}
