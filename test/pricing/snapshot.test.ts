// The committed snapshot: AWS's GetProducts item shape, dex provenance on every item, and every
// us-east-1 price equal to the research file's rows (parsed into a fixture at build time).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decimal, mul } from '../../compiler/pricing/decimal.js';
import { parsePriceListItem } from '../../compiler/pricing/price-list.js';
import { loadSnapshotSource, readSnapshotFile } from '../../cli/adapters/snapshot.js';
import type { PriceListItem } from '../../compiler/pricing/types.js';

interface ResearchRow {
  key: string;
  table: string;
  service: string;
  dimension: string;
  region: string;
  unit: string;
  usd: string;
  usdValues: string[];
  confidence: string;
}
const fixture = JSON.parse(readFileSync('test/fixtures/pricing/research-us-east-1.json', 'utf8')) as { provenance: Record<string, unknown>; rows: ResearchRow[] };
const snapshot = readSnapshotFile();
/** Every item: the file's own products and every region pack expanded. */
const items = loadSnapshotSource().items as PriceListItem[];

const usd = (item: PriceListItem): string => Object.values(Object.values(item.terms.OnDemand!)[0]!.priceDimensions)[0]!.pricePerUnit.USD!;
const regionOf = (item: PriceListItem) => item.product.attributes.regionCode ?? item.product.attributes.fromRegionCode ?? 'global';
/** The unit a research row is in, relative to AWS's per-unit price ("1M requests" → 1,000,000). */
const rowScale = (unit: string) => (/^1M /.test(unit) ? 1_000_000 : /^10,000 /.test(unit) ? 10_000 : 1);

describe('snapshot format', () => {
  it('holds items in the GetProducts PriceList element shape with one OnDemand term each', () => {
    expect(snapshot.formatVersion).toBe('aws_v1');
    expect(items.length).toBeGreaterThan(100);
    for (const item of items) {
      const sku = item.product.sku;
      expect(sku).toMatch(/^[A-Z0-9]{16}$/);
      expect(item.product.attributes.servicecode).toBe(item.serviceCode);
      expect(item.publicationDate).toBe('2026-12-02T00:00:00Z');
      const terms = Object.entries(item.terms.OnDemand ?? {});
      expect(terms).toHaveLength(1);
      const [termKey, term] = terms[0]!;
      expect(termKey).toBe(`${sku}.JRTCKXETXF`);
      expect(term.sku).toBe(sku);
      expect(term.offerTermCode).toBe('JRTCKXETXF');
      for (const [rateCode, d] of Object.entries(term.priceDimensions)) {
        expect(rateCode.startsWith(`${termKey}.`)).toBe(true);
        expect(d.pricePerUnit.USD).toMatch(/^\d+\.\d{10}$/);
        expect(d.unit).toBeTruthy();
        expect(d.description).toBeTruthy();
      }
      expect(parsePriceListItem(JSON.stringify(item)).ok).toBe(true);
    }
  }, 120_000); // every item of every region pack, one expect each: ~15 s alone, more beside another worker

  it('carries provenance beside every item, with a confidence from the research vocabulary', () => {
    for (const item of items) {
      expect(item.dex).toBeDefined();
      expect(item.dex!.source).toBeTruthy();
      expect(item.dex!.sourceDate).toBeTruthy();
      expect(['two sources agree', 'single source', 'inferred', 'conflict']).toContain(item.dex!.confidence);
    }
    const conflicts = items.filter((i) => i.dex!.confidence === 'conflict');
    expect(conflicts.length).toBeGreaterThan(0);
    for (const c of conflicts) expect(c.dex!.alternatives?.length).toBeGreaterThan(0);
  });

  it('has unique SKUs and no price of zero', () => {
    expect(new Set(items.map((i) => i.product.sku)).size).toBe(items.length);
    for (const item of items) expect(decimal(usd(item)) > 0n).toBe(true);
  });

  it('covers the four regions', () => {
    const regions = new Set(items.map(regionOf));
    for (const r of ['us-east-1', 'ap-south-1', 'ap-south-2', 'eu-west-1', 'global']) expect(regions.has(r)).toBe(true);
  });

  it('is what the build script produces from its source table (no hand edits)', () => {
    const out = execFileSync(process.execPath, ['scripts/build-price-snapshot.mjs', '--check'], {
      env: { ...process.env, DEX_PRICING_RESEARCH: '/nonexistent/pricing-research.md', DEX_PRICING_RESEARCH2: '/nonexistent/pricing-research-2.md', DEX_PRICING_ELASTICACHE: '/nonexistent/elasticache.json', DEX_PRICING_PAGES: '/nonexistent/aws-pricing-pages.json' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toContain('snapshot up to date');
  });
});

describe('snapshot against the research file (us-east-1 fixture)', () => {
  it('fixture was parsed from the research markdown with provenance', () => {
    expect(fixture.provenance.file).toBe('../shared/pricing-research.md');
    expect(String(fixture.provenance.sha256)).toMatch(/^[0-9a-f]{64}$/);
    expect(fixture.rows.length).toBeGreaterThan(40);
  });

  const twoAgree = fixture.rows.filter((r) => r.confidence === 'two sources agree' && r.usdValues.length > 0);

  it.each(twoAgree.map((r) => [r.key, r] as const))('%s: snapshot price equals the research value', (_key, row) => {
    const cited = items.filter((i) => i.dex?.researchRow === row.key && (regionOf(i) === 'us-east-1' || regionOf(i) === 'global'));
    const parts = items.filter((i) => i.dex?.researchPartOf?.includes(row.key) && regionOf(i) === 'us-east-1');
    expect(cited.length + parts.length).toBeGreaterThan(0);
    if (cited.length > 0) {
      // Multi-valued cells ("5.00 / 1.00 / 0.60") are cited by position; each cited item equals one of them.
      for (const item of cited) {
        const got = mul(decimal(usd(item)), decimal(rowScale(row.unit)));
        expect(row.usdValues.map((v) => decimal(v))).toContain(got);
        expect(item.dex!.confidence).toBe('two sources agree');
      }
    } else {
      // EKS extended support: perCluster + extendedSupport add up to the research total.
      const total = parts.reduce((s, i) => s + decimal(usd(i)), 0n);
      expect(total).toBe(decimal(row.usdValues[0]!));
    }
  });

  it('every us-east-1 item citing a research row matches that row exactly', () => {
    const byKey = new Map(fixture.rows.map((r) => [r.key, r]));
    const usEast = items.filter((i) => regionOf(i) === 'us-east-1' || regionOf(i) === 'global');
    let checked = 0;
    for (const item of usEast) {
      const row = item.dex?.researchRow ? byKey.get(item.dex.researchRow) : undefined;
      if (!row) continue;
      checked++;
      const got = mul(decimal(usd(item)), decimal(rowScale(row.unit)));
      expect(row.usdValues.map((v) => decimal(v)), item.dex!.researchRow).toContain(got);
      // A later source (research part 2, the pricing-pages feed) may add the second source a
      // single-source row lacked; then it is named, and nothing else changes the confidence.
      if (item.dex!.confidence !== row.confidence) {
        expect(item.dex!.confidence, item.dex!.researchRow).toBe('two sources agree');
        expect(item.dex!.research2Row ?? item.dex!.source, item.dex!.researchRow).toMatch(/^2:|EC2SHOP/);
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('research gaps stay out of the snapshot and come back as "no public source"', () => {
    const gaps = fixture.rows.filter((r) => r.confidence === 'gap');
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) expect(items.some((i) => i.dex?.researchRow === g.key)).toBe(false);
    const source = loadSnapshotSource();
    const nlbGap = source.lookup({
      serviceCode: 'AWSELB',
      region: 'eu-west-1',
      filters: { regionCode: 'eu-west-1', productFamily: 'Load Balancer-Network', locationType: 'AWS Region' },
      usagetypeSuffix: 'LoadBalancerUsage',
    });
    expect(nlbGap.ok).toBe(false);
    expect(!nlbGap.ok && nlbGap.reason).toMatch(/^no public price for .*dex pricing refresh --region eu-west-1/);
    // The research's us-east-1 gap for db.t3.medium is filled by the pricing-pages feed, one source.
    const rds = source.lookup({
      serviceCode: 'AmazonRDS',
      region: 'us-east-1',
      filters: { regionCode: 'us-east-1', productFamily: 'Database Instance', instanceType: 'db.t3.medium', databaseEngine: 'PostgreSQL', deploymentOption: 'Single-AZ' },
    });
    expect(rds.ok && [rds.unitPriceText, rds.priceSource.confidence, rds.priceSource.citation]).toEqual(['0.0720000000', 'single source', '[EC2SHOP-RDS] — feed 2025-04-04']);
  });

  it('rows with a number that were left out are listed with a reason', () => {
    expect(snapshot.excluded?.map((x) => x.researchRow)).toContain('1e|RDS PG|db.t3.large, Multi-AZ|us-east-1');
    for (const x of snapshot.excluded ?? []) expect(x.reason.length).toBeGreaterThan(10);
  });
});

describe('region packs', () => {
  it('are read only for the regions looked up, and the file’s own products take precedence', async () => {
    const { createSnapshotSource } = await import('../../compiler/pricing/snapshot.js');
    const { readRegionPack } = await import('../../cli/adapters/snapshot.js');
    const file = readSnapshotFile();
    const read: string[] = [];
    const q = { serviceCode: 'AmazonEC2', region: 'ap-south-1', filters: { regionCode: 'ap-south-1', instanceType: 't3.medium', operatingSystem: 'Linux', tenancy: 'Shared', capacitystatus: 'Used' } };
    const source = createSnapshotSource(file, { loadPack: (r) => (read.push(r), readRegionPack(r)) });
    source.lookup({ ...q, serviceCode: 'AmazonVPC', filters: { regionCode: 'ap-south-1' } });
    expect(read).toEqual([]); // a service the packs do not hold never reads one
    expect(source.lookup(q)).toMatchObject({ ok: true, unitPriceText: '0.0448000000' });
    source.lookup(q);
    expect(read).toEqual(['ap-south-1']);
    // A refreshed copy of the product in the file itself wins over the pack's.
    const packItem = source.items.find((i) => i.product.sku === '4NK2QE2HS7XC4TZC')!;
    const term = Object.values(packItem.terms.OnDemand!)[0]!;
    const dim = Object.values(term.priceDimensions)[0]!;
    const refreshed = { ...packItem, dex: undefined, terms: { OnDemand: { [`4NK2QE2HS7XC4TZC.JRTCKXETXF`]: { ...term, priceDimensions: { [dim.rateCode!]: { ...dim, pricePerUnit: { USD: '0.0450000000' } } } } } } };
    const withOwn = createSnapshotSource({ ...file, products: [...file.products, refreshed] }, { loadPack: (r) => readRegionPack(r) });
    expect(withOwn.lookup(q)).toMatchObject({ ok: true, unitPriceText: '0.0450000000' });
  });
});
