// The offline price source: data/pricing/snapshot.json (built by scripts/build-price-snapshot.mjs,
// read by cli/adapters/snapshot.ts), products in AWS's GetProducts format, looked up with the same
// filters the live API takes. EC2, RDS instances, ElastiCache and EBS (thousands of products per
// region) live in one compact region pack per region (data/pricing/regions/<region>.json): a pack
// is expanded into the same GetProducts items only when a lookup first needs that region, so a plan
// pays for the regions of its spec, not for all 34. An empty answer says why: a known gap ("no
// public source for …"), a region or service the snapshot does not cover, or simply no row.
import { describeQuery, matchesQuery, parsePriceListItem, resultFromMatches, type ParsedProduct } from './price-list.js';
import type { DexProvenance, PriceListItem, PriceListTerm, PriceQuery, PriceResult, PriceSource } from './types.js';

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
  /** Regions whose EC2/RDS/ElastiCache/EBS prices are in a region pack beside the file (`dir`, relative to it). */
  readonly regionPacks?: { readonly dir: string; readonly regions: readonly string[] };
  /** Regions with prices for services beyond the region packs' EC2/RDS/ElastiCache/EBS. */
  readonly servicesRegions?: readonly string[];
  readonly products: readonly PriceListItem[];
  readonly [key: string]: unknown;
}

/** [instanceType, sku, onDemand, ri1yNoUpfront, ri3yNoUpfront, provenance index] */
export type PackEc2Row = readonly [string, string, string, string | null, string | null, number];
/** [engine (postgresql|mysql), instanceClass, deployment (Single-AZ|Multi-AZ), sku, onDemand, ri1y, ri3y, provenance] */
export type PackRdsRow = readonly [string, string, string, string, string, string | null, string | null, number];
/** [nodeType, engine (Redis|Valkey), sku, onDemand, ri1y, ri3y, provenance] */
export type PackCacheRow = readonly [string, string, string, string, string | null, string | null, number];
/** [volumeApiName, sku, USD per GB-month, provenance] */
export type PackEbsRow = readonly [string, string, string, number];

/** One region's EC2, RDS instance, ElastiCache node and EBS storage prices, compactly. */
export interface RegionPack {
  readonly formatVersion: 'dex_region_v1';
  readonly region: string;
  /** The Price List `location` name ('Asia Pacific (Mumbai)'). */
  readonly location: string;
  /** Usage-type prefix ('APS3'); us-east-1 EC2-family usage types have none. */
  readonly usagePrefix: string;
  readonly asOf: string;
  readonly provenance: readonly DexProvenance[];
  readonly ec2: readonly PackEc2Row[];
  readonly rds: readonly PackRdsRow[];
  readonly elasticache: readonly PackCacheRow[];
  readonly ebs: readonly PackEbsRow[];
}

export interface SnapshotOptions {
  /** Reads a region pack named in `file.regionPacks` (the adapter reads the file); undefined = none. */
  readonly loadPack?: (region: string) => RegionPack | undefined;
}

export interface SnapshotPriceSource extends PriceSource {
  readonly name: 'snapshot';
  readonly file: SnapshotFile;
  /** Every product, region packs expanded (loads them all: for tests and tools, not for plans). */
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

/** A region pack's text, checked for its format. */
export function parseRegionPack(text: string, where: string): RegionPack {
  const pack = JSON.parse(text) as RegionPack;
  if (pack.formatVersion !== 'dex_region_v1' || !Array.isArray(pack.ec2)) throw new Error(`${where} is not a dex region price pack`);
  return pack;
}

/** Services whose products are in the region packs: a lookup of anything else never loads one. */
const PACK_SERVICES = new Set(['AmazonEC2', 'AmazonRDS', 'AmazonElastiCache']);

export function createSnapshotSource(file: SnapshotFile, options: SnapshotOptions = {}): SnapshotPriceSource {
  const coreProducts: ParsedProduct[] = [];
  // Keyed by service and region code ('*' for products without one: global ones, data transfer).
  const index = new Map<string, ParsedProduct[]>();
  const add = (item: PriceListItem, sink?: ParsedProduct[]) => {
    const parsed = parsePriceListItem(item);
    if (!parsed.ok) throw new Error(`price snapshot: ${parsed.error}`);
    const p = parsed.product;
    const key = `${p.serviceCode}|${p.attributes.regionCode ?? '*'}`;
    const list = index.get(key);
    if (list) list.push(p);
    else index.set(key, [p]);
    sink?.push(p);
    return p;
  };
  for (const item of file.products) add(item, coreProducts);

  const packRegions = new Set(options.loadPack ? (file.regionPacks?.regions ?? []) : []);
  // A pack is read on the first lookup in its region, indexed by instance type / volume type, and
  // only the rows a query names are turned into items and parsed (a plan needs a handful of the
  // ~1,300 per region).
  const packs = new Map<string, PackIndex | null>();
  const packFor = (region: string): PackIndex | null => {
    let p = packs.get(region);
    if (p === undefined) {
      const pack = packRegions.has(region) ? options.loadPack!(region) : undefined;
      p = pack ? indexPack(pack) : null;
      packs.set(region, p);
    }
    return p;
  };
  const allPacks = (): PackIndex[] => [...packRegions].sort().map(packFor).filter((p): p is PackIndex => p !== null);

  const origin = { source: 'snapshot' as const, asOf: file.asOf };
  return {
    name: 'snapshot',
    asOf: file.asOf,
    file,
    get products(): readonly ParsedProduct[] {
      return [...coreProducts, ...allPacks().flatMap((p) => p.all().map(p.parsed))];
    },
    get items(): readonly PriceListItem[] {
      return [...file.products, ...allPacks().flatMap((p) => p.all())];
    },
    lookup(query: PriceQuery): PriceResult {
      const own = [...(index.get(`${query.serviceCode}|${query.region}`) ?? []), ...(index.get(`${query.serviceCode}|*`) ?? [])].filter((p) => matchesQuery(p, query));
      // The file's own products (e.g. re-read by \`dex pricing refresh\`) take precedence over the packs.
      const matches = own.length > 0 || !PACK_SERVICES.has(query.serviceCode) ? own : (packFor(query.region)?.candidates(query) ?? []).filter((p) => matchesQuery(p, query));
      return resultFromMatches(matches, query, origin, () => missReason(file, packRegions, query));
    },
  };
}

interface PackIndex {
  /** The parsed products a query could match (by its instanceType / volumeApiName filter). */
  candidates(query: PriceQuery): readonly ParsedProduct[];
  /** Every row as an item. */
  all(): readonly PriceListItem[];
  parsed(item: PriceListItem): ParsedProduct;
}

function indexPack(pack: RegionPack): PackIndex {
  type Row = { readonly kind: 'ec2' | 'rds' | 'elasticache' | 'ebs'; readonly i: number };
  const byKey = new Map<string, Row[]>();
  const put = (key: string, row: Row) => {
    const list = byKey.get(key);
    if (list) list.push(row);
    else byKey.set(key, [row]);
  };
  pack.ec2.forEach((r, i) => put(`AmazonEC2|${r[0]}`, { kind: 'ec2', i }));
  pack.ebs.forEach((r, i) => put(`AmazonEC2|ebs|${r[0]}`, { kind: 'ebs', i }));
  pack.rds.forEach((r, i) => put(`AmazonRDS|${r[1]}`, { kind: 'rds', i }));
  pack.elasticache.forEach((r, i) => put(`AmazonElastiCache|${r[0]}`, { kind: 'elasticache', i }));
  const items = new Map<Row, PriceListItem>();
  const parsedOf = new WeakMap<PriceListItem, ParsedProduct>();
  const itemOf = (row: Row): PriceListItem => {
    let it = items.get(row);
    if (!it) {
      it = row.kind === 'ec2' ? ec2Item(pack, pack.ec2[row.i]!) : row.kind === 'rds' ? rdsItem(pack, pack.rds[row.i]!) : row.kind === 'elasticache' ? cacheItem(pack, pack.elasticache[row.i]!) : ebsItem(pack, pack.ebs[row.i]!);
      items.set(row, it);
    }
    return it;
  };
  const parsed = (it: PriceListItem): ParsedProduct => {
    let p = parsedOf.get(it);
    if (!p) {
      const r = parsePriceListItem(it);
      if (!r.ok) throw new Error(`price pack ${pack.region}: ${r.error}`);
      p = r.product;
      parsedOf.set(it, p);
    }
    return p;
  };
  const allRows = (): Row[] => [...byKey.values()].flat().sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.i - b.i);
  return {
    candidates(query) {
      const f = query.filters;
      const key = query.serviceCode === 'AmazonEC2' && f.volumeApiName !== undefined ? `AmazonEC2|ebs|${f.volumeApiName}`
        : f.instanceType !== undefined ? `${query.serviceCode}|${f.instanceType}` : undefined;
      // A query that names neither (a catalog scan) looks at every row of the pack.
      const rows = key === undefined ? allRows() : (byKey.get(key) ?? []);
      return rows.map((row) => parsed(itemOf(row)));
    },
    all: () => allRows().map(itemOf),
    parsed,
  };
}
const KIND_ORDER = { ec2: 0, rds: 1, elasticache: 2, ebs: 3 } as const;

// --- Region pack → GetProducts items. ---------------------------------------------------------

const ON_DEMAND = 'JRTCKXETXF';
const HOURLY_RATE = '6YS6EN2CT7';
/** AWS's offer term codes for standard No Upfront reservations. */
const RESERVED_TERMS = [
  { code: '4NA7Y494T4', lease: '1yr' },
  { code: 'BPH4J8HBKS', lease: '3yr' },
] as const;
const EBS_USAGE: Readonly<Record<string, string>> = {
  gp3: 'EBS:VolumeUsage.gp3', gp2: 'EBS:VolumeUsage.gp2', io1: 'EBS:VolumeUsage.piops', io2: 'EBS:VolumeUsage.io2',
  st1: 'EBS:VolumeUsage.st1', sc1: 'EBS:VolumeUsage.sc1', standard: 'EBS:VolumeUsage',
};

/** AWS writes pricePerUnit with 10 decimals ('0.0448000000'). */
function usd10(plain: string): string {
  const [i, f = ''] = plain.split('.');
  return `${i}.${f.padEnd(10, '0')}`;
}

interface ItemSpec {
  readonly serviceCode: string;
  readonly productFamily: string;
  readonly sku: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly unit: string;
  readonly onDemand: string;
  readonly describe: (usd: string) => string;
  readonly reserved?: readonly [string | null, string | null];
  readonly reservedDescribe?: (lease: string) => string;
  readonly dex: DexProvenance;
}

function item(pack: RegionPack, spec: ItemSpec): PriceListItem {
  const publicationDate = `${pack.asOf}T00:00:00Z`;
  const term = (code: string, usd: string, description: string, termAttributes: Record<string, string>): PriceListTerm => ({
    priceDimensions: {
      [`${spec.sku}.${code}.${HOURLY_RATE}`]: {
        unit: spec.unit, endRange: 'Inf', description, appliesTo: [], rateCode: `${spec.sku}.${code}.${HOURLY_RATE}`, beginRange: '0', pricePerUnit: { USD: usd10(usd) },
      },
    },
    sku: spec.sku,
    effectiveDate: publicationDate,
    offerTermCode: code,
    termAttributes,
  });
  const reserved: Record<string, PriceListTerm> = {};
  RESERVED_TERMS.forEach(({ code, lease }, i) => {
    const usd = spec.reserved?.[i];
    if (usd) reserved[`${spec.sku}.${code}`] = term(code, usd, spec.reservedDescribe!(lease), { LeaseContractLength: lease, OfferingClass: 'standard', PurchaseOption: 'No Upfront' });
  });
  return {
    product: { productFamily: spec.productFamily, attributes: { servicecode: spec.serviceCode, location: pack.location, locationType: 'AWS Region', regionCode: pack.region, ...spec.attributes }, sku: spec.sku },
    serviceCode: spec.serviceCode,
    terms: {
      OnDemand: { [`${spec.sku}.${ON_DEMAND}`]: term(ON_DEMAND, spec.onDemand, spec.describe(spec.onDemand), {}) },
      ...(Object.keys(reserved).length > 0 ? { Reserved: reserved } : {}),
    },
    version: `${pack.asOf.replace(/-/g, '')}000000`,
    publicationDate,
    dex: spec.dex,
  };
}

/** us-east-1 usage types of EC2, RDS, ElastiCache and EBS carry no region prefix. */
const usage = (pack: RegionPack, base: string) => (pack.region === 'us-east-1' ? base : `${pack.usagePrefix}-${base}`);
const money = (usd: string) => `$${usd.includes('.') && usd.split('.')[1]!.length < 2 ? usd.padEnd(usd.indexOf('.') + 3, '0') : usd}`;

const prov = (pack: RegionPack, i: number): DexProvenance => {
  const p = pack.provenance[i];
  if (!p) throw new Error(`price pack ${pack.region}: no provenance ${i}`);
  return p;
};

function ec2Item(pack: RegionPack, [instanceType, sku, od, r1, r3, p]: PackEc2Row): PriceListItem {
  return item(pack, {
    serviceCode: 'AmazonEC2', productFamily: 'Compute Instance', sku, unit: 'Hrs', onDemand: od, reserved: [r1, r3], dex: prov(pack, p),
    attributes: {
      usagetype: usage(pack, `BoxUsage:${instanceType}`), instanceType, operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used',
      licenseModel: 'No License required', marketoption: 'OnDemand', operation: 'RunInstances',
    },
    describe: (usd) => `${money(usd)} per On Demand Linux ${instanceType} Instance Hour`,
    reservedDescribe: (lease) => `Linux/UNIX (Amazon VPC), ${instanceType} reserved instance applied (${lease} standard No Upfront)`,
  });
}

function rdsItem(pack: RegionPack, [engine, instanceClass, deployment, sku, od, r1, r3, p]: PackRdsRow): PriceListItem {
  const databaseEngine = engine === 'mysql' ? 'MySQL' : 'PostgreSQL';
  return item(pack, {
    serviceCode: 'AmazonRDS', productFamily: 'Database Instance', sku, unit: 'Hrs', onDemand: od, reserved: [r1, r3], dex: prov(pack, p),
    attributes: {
      usagetype: usage(pack, `${deployment === 'Multi-AZ' ? 'Multi-AZUsage' : 'InstanceUsage'}:${instanceClass}`), instanceType: instanceClass, databaseEngine,
      deploymentOption: deployment, licenseModel: 'No license required',
    },
    describe: (usd) => `USD ${usd} per ${instanceClass} ${deployment} instance hour (or partial hour) running ${databaseEngine}`,
    reservedDescribe: (lease) => `${databaseEngine}, ${instanceClass} ${deployment} reserved instance applied (${lease} standard No Upfront)`,
  });
}

function cacheItem(pack: RegionPack, [nodeType, engine, sku, od, r1, r3, p]: PackCacheRow): PriceListItem {
  const label = engine === 'Redis' ? 'Redis OSS' : engine;
  return item(pack, {
    serviceCode: 'AmazonElastiCache', productFamily: 'Cache Instance', sku, unit: 'Hrs', onDemand: od, reserved: [r1, r3], dex: prov(pack, p),
    attributes: { usagetype: usage(pack, `NodeUsage:${nodeType}`), instanceType: nodeType, cacheEngine: engine, currentGeneration: 'Yes' },
    describe: (usd) => `${money(usd)} per ${label} ${nodeType} node-hour (or partial hour)`,
    reservedDescribe: (lease) => `${label} ${nodeType} reserved node applied (${lease} standard No Upfront)`,
  });
}

function ebsItem(pack: RegionPack, [volumeApiName, sku, usd, p]: PackEbsRow): PriceListItem {
  return item(pack, {
    serviceCode: 'AmazonEC2', productFamily: 'Storage', sku, unit: 'GB-Mo', onDemand: usd, dex: prov(pack, p),
    attributes: { usagetype: usage(pack, EBS_USAGE[volumeApiName] ?? `EBS:VolumeUsage.${volumeApiName}`), volumeApiName },
    describe: (v) => `${money(v)} per GB-month of ${volumeApiName} provisioned storage`,
  });
}

/** The pack's rows as GetProducts items (on-demand term, plus `terms.Reserved` where the source has them). */
export function expandRegionPack(pack: RegionPack): PriceListItem[] {
  return [...pack.ec2.map((r) => ec2Item(pack, r)), ...pack.rds.map((r) => rdsItem(pack, r)), ...pack.elasticache.map((r) => cacheItem(pack, r)), ...pack.ebs.map((r) => ebsItem(pack, r))];
}

/** Priced EC2 instance types, RDS classes and cache node types of one region: what `dex validate` checks. */
export interface PricedClasses {
  readonly ec2: ReadonlySet<string>;
  /** '<engine>|<class>|<deployment>', engine postgresql|mysql. */
  readonly rds: ReadonlySet<string>;
  /** '<engine>|<nodeType>', engine Redis|Valkey. */
  readonly elasticache: ReadonlySet<string>;
}

export function pricedClasses(pack: RegionPack): PricedClasses {
  return {
    ec2: new Set(pack.ec2.map((r) => r[0])),
    rds: new Set(pack.rds.map((r) => `${r[0]}|${r[1]}|${r[2]}`)),
    elasticache: new Set(pack.elasticache.map((r) => `${r[1]}|${r[0]}`)),
  };
}

// --- Misses. ----------------------------------------------------------------------------------

function gapMatches(gap: SnapshotGap, query: PriceQuery): boolean {
  if (gap.serviceCode !== '*' && gap.serviceCode !== query.serviceCode) return false;
  if (!gap.regions.includes('*') && !gap.regions.includes(query.region)) return false;
  if (gap.productFamily !== undefined && query.filters.productFamily !== gap.productFamily) return false;
  if (gap.usagetypeSuffix !== undefined && query.usagetypeSuffix !== gap.usagetypeSuffix) return false;
  return Object.entries(gap.match).every(([k, v]) => query.filters[k] === v);
}

/** How a user gets a price the offline snapshot does not have. */
export function refreshHint(region: string): string {
  return `to price it, run \`dex pricing refresh --region ${region}\` with AWS credentials (pricing:GetProducts), or plan with \`--pricing live\``;
}

function missReason(file: SnapshotFile, packRegions: ReadonlySet<string>, query: PriceQuery): string {
  const what = describeQuery(query);
  const gap = file.gaps.find((g) => gapMatches(g, query));
  // Products without a verified Price List filter cannot be refreshed from the API either.
  const hint = query.snapshotOnly ? `dex prices ${query.serviceCode === 'AWSBackup' ? 'AWS Backup' : 'it'} from its offline data only (its Price List filters are not verified): see the service's pricing page for this rate` : refreshHint(query.region);
  if (gap) return `no public price for ${what}: ${gap.userReason ?? gap.reason}; ${hint}`;
  if (!file.regions.includes(query.region)) return `no price for ${what}: dex's offline prices of ${file.asOf} do not cover ${query.region}; ${refreshHint(query.region)}`;
  if (file.servicesRegions && !file.servicesRegions.includes(query.region) && !PACK_SERVICES.has(query.serviceCode)) {
    return `no price for ${what}: dex's offline prices for ${query.region} hold EC2, RDS instances, ElastiCache and EBS only (other services have public prices dex could check for ${file.servicesRegions.join(', ')})` +
      `; ${refreshHint(query.region)}`;
  }
  if (packRegions.has(query.region) && PACK_SERVICES.has(query.serviceCode)) {
    return `no price for ${what} in dex's offline prices of ${file.asOf} (the AWS pricing-page data they come from has no such row); ${refreshHint(query.region)}`;
  }
  return `no price for ${what} in dex's offline prices of ${file.asOf}; ${refreshHint(query.region)}`;
}
