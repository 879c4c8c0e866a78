// The price book's contract: a query for one Price List product, the answer (a price with its
// provenance, or the reason there is none), and the sources that answer (snapshot or live API).

/** How well a price is supported (the research file's vocabulary; live API reads are 'price list'). */
export type Confidence = 'two sources agree' | 'single source' | 'inferred' | 'conflict' | 'price list';

/** One Price List product to find: TERM_MATCH filters, ANDed, as the GetProducts API takes them. */
export interface PriceQuery {
  readonly serviceCode: string;
  /** The region being priced (also used in messages for global products such as dashboards). */
  readonly region: string;
  /** Exact attribute matches. 'productFamily' matches the product's family; everything else an attribute. */
  readonly filters: Readonly<Record<string, string>>;
  /**
   * Usage type without its region prefix ('NatGateway-Hours'). Matched client-side as
   * /^(PREFIX-)?SUFFIX$/ because us-east-1 omits the prefix on some services (research §2.8).
   */
  readonly usagetypeSuffix?: string;
  /** Words for messages: 'NAT gateway hours in eu-west-1'. */
  readonly label?: string;
  /** Set when no verified Price List filter exists: the live source answers from the snapshot. */
  readonly snapshotOnly?: string;
}

/** One tier of a tiered price, in the product's own unit (AWS beginRange/endRange). */
export interface PriceTier {
  readonly beginRange: number;
  /** null = unbounded ('Inf'). */
  readonly endRange: number | null;
  readonly unitPriceUsd: number;
  /** Exact decimal text from the Price List ('0.0900000000'). */
  readonly unitPriceText: string;
  readonly description: string;
}

export interface PriceProvenance {
  /** Where the number came from: the offline snapshot or the live Price List API. */
  readonly source: 'snapshot' | 'live';
  /** Date of the price: the snapshot's as-of date, or the live item's publicationDate. */
  readonly asOf: string;
  readonly sku: string;
  readonly description: string;
  readonly confidence: Confidence;
  /** Research citation for snapshot prices ('[KARP]; [KRR]', '2026-07-20; 2020-07-02'). */
  readonly citation?: string;
  readonly notes?: readonly string[];
  /** Other values sources gave, for conflicts. */
  readonly alternatives?: readonly { readonly usd: string; readonly source: string }[];
  /** Live prices: when the API gave this answer (now, or when the cached answer was fetched). */
  readonly retrievedAt?: string;
  /** Live prices: answered from the on-disk cache of an earlier run. */
  readonly cached?: boolean;
}

export type PriceResult =
  | {
      readonly ok: true;
      /** Price of the first tier (the only one for untiered products), per `unit`. */
      readonly unitPriceUsd: number;
      readonly unitPriceText: string;
      /** AWS's unit string ('Hrs', 'GB-Mo', 'Requests'). */
      readonly unit: string;
      /** Present when the product has more than one price dimension. */
      readonly tiers?: readonly PriceTier[];
      readonly priceSource: PriceProvenance;
      /** The product's 1- and 3-year No Upfront standard reservations (terms.Reserved), when it has them. */
      readonly reserved?: Readonly<Partial<Record<'1yr' | '3yr', { readonly usdText: string; readonly unit: string; readonly offerTermCode?: string }>>>;
    }
  | { readonly ok: false; readonly reason: string };

/** Something the caller should know (a fallback, a malformed item); data, never printed here. */
export interface PriceWarning {
  readonly code: 'live-fallback' | 'live-stopped' | 'malformed-item' | 'not-prefetched' | 'snapshot-only' | 'cache-unreadable';
  readonly message: string;
  readonly query?: PriceQuery;
}

export interface PriceSource {
  readonly name: 'snapshot' | 'live';
  readonly asOf: string;
  lookup(query: PriceQuery): PriceResult;
  /** Warnings collected so far (live source: fallbacks, malformed items). */
  readonly warnings?: readonly PriceWarning[];
}

// --- The Price List element format (GetProducts `PriceList` items, one JSON document each). ---

export interface PriceListDimension {
  readonly unit: string;
  readonly endRange?: string;
  readonly beginRange?: string;
  readonly description?: string;
  readonly rateCode?: string;
  readonly appliesTo?: readonly string[];
  readonly pricePerUnit: Readonly<Record<string, string>>;
}

export interface PriceListTerm {
  readonly priceDimensions: Readonly<Record<string, PriceListDimension>>;
  readonly sku?: string;
  readonly effectiveDate?: string;
  readonly offerTermCode?: string;
  readonly termAttributes?: Readonly<Record<string, string>>;
}

/** dex's provenance beside an item (snapshot only; AWS items have none). */
export interface DexProvenance {
  readonly source: string;
  readonly sourceDate: string;
  readonly confidence: Confidence;
  readonly alternatives?: readonly { readonly usd: string; readonly source: string }[];
  readonly researchRow?: string;
  /** The row of ../shared/pricing-research-2.md that states (or re-read) this price. */
  readonly research2Row?: string;
  readonly researchPartOf?: readonly string[];
  readonly researchUnitScale?: number;
  readonly syntheticSku?: boolean;
  readonly notes?: readonly string[];
  /** Set by `dex pricing refresh` on a product it could not re-read: the price kept is older than the file. */
  readonly stale?: { readonly since: string; readonly reason: string };
}

export interface PriceListItem {
  readonly product: {
    readonly productFamily?: string;
    readonly sku: string;
    readonly attributes: Readonly<Record<string, string>>;
  };
  readonly serviceCode: string;
  /** `Reserved`: standard No Upfront 1yr/3yr offers (termAttributes LeaseContractLength, PurchaseOption, OfferingClass), hourly `pricePerUnit.USD`. */
  readonly terms: { readonly OnDemand?: Readonly<Record<string, PriceListTerm>>; readonly Reserved?: Readonly<Record<string, PriceListTerm>> };
  readonly version?: string;
  readonly publicationDate?: string;
  readonly dex?: DexProvenance;
}
