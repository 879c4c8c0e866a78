// The cost delta never turns an unknown price into a number: a line priced on one side and not on
// the other is "now unpriced" / "now priced", named with its reason and kept out of the delta, so
// a bigger class is never a saving because its price is unknown (issue 17: db.t4g.medium →
// db.t4g.large in us-east-1 showed "-$76.12 – -$42.55"), and a change whose price is unknown on
// both sides is never "$0.00" (db.t3.medium → db.t3.large in ap-south-1).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmit } from '../../cli/commands/emit.js';
import { runPlan, type PlanArgs } from '../../cli/commands/plan.js';
import { EXIT } from '../../cli/io.js';
import { captureIO } from '../support/io.js';

const ROOT = resolve(import.meta.dirname, '../..');
const REFERENCE = readFileSync(join(ROOT, 'test/fixtures/reference/dex-mobile-v6.dex.yaml'), 'utf8');
/** The reference moved to us-east-1 (without the India-only regimes, which forbid it). */
const US_EAST_1 = REFERENCE.replaceAll('ap-south-1', 'us-east-1').replace('compliance: [soc2, pci-dss, gdpr, rbi, pmla, sebi]', 'compliance: [soc2, pci-dss, gdpr]');

/**
 * The committed snapshot with the RDS classes of these cases pinned in its region packs, so the
 * cases stay what they are when the snapshot learns more prices: us-east-1 db.t4g.medium
 * Multi-AZ PostgreSQL at $0.13/h and no db.t4g.large; no db.t3.medium or db.t3.large in ap-south-1.
 */
type PackRow = [string, string, string, string, string, ...unknown[]];
function pinPack(pack: { rds: PackRow[] }, region: string): void {
  pack.rds = pack.rds
    .filter(([, cls]) => (region === 'us-east-1' ? cls !== 'db.t4g.large' : !/^db\.t3\.(medium|large)$/.test(cls)))
    .map((row) => (region === 'us-east-1' && row[0] === 'postgresql' && row[1] === 'db.t4g.medium' && row[2] === 'Multi-AZ' ? ([row[0], row[1], row[2], row[3], '0.13', ...row.slice(5)] as PackRow) : row));
}
let top: string;
let snapshotFile: string;
beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'dex-plan-unpriced-'));
  const snapshot = JSON.parse(readFileSync(join(ROOT, 'data/pricing/snapshot.json'), 'utf8')) as { regionPacks: { dir: string; regions: string[] } };
  snapshotFile = join(top, 'snapshot.json');
  writeFileSync(snapshotFile, JSON.stringify(snapshot));
  mkdirSync(join(top, snapshot.regionPacks.dir), { recursive: true });
  for (const region of snapshot.regionPacks.regions) {
    const pack = JSON.parse(readFileSync(join(ROOT, 'data/pricing', snapshot.regionPacks.dir, `${region}.json`), 'utf8')) as { rds: PackRow[] };
    if (region === 'us-east-1' || region === 'ap-south-1') pinPack(pack, region);
    writeFileSync(join(top, snapshot.regionPacks.dir, `${region}.json`), JSON.stringify(pack));
  }
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

async function emitted(text: string): Promise<string> {
  const dir = mkdtempSync(join(top, 'p-'));
  writeFileSync(join(dir, 'dex.yaml'), text);
  const io = captureIO(dir);
  expect(await runEmit({ file: 'dex.yaml', environment: 'production' }, io), io.err()).toBe(EXIT.ok);
  return dir;
}

function edit(dir: string, from: string, to: string): void {
  const text = readFileSync(join(dir, 'dex.yaml'), 'utf8');
  expect(text).toContain(from);
  writeFileSync(join(dir, 'dex.yaml'), text.replace(from, to));
}

async function plan(dir: string, format: PlanArgs['format']) {
  const io = captureIO(dir, { DEX_PRICING_SNAPSHOT: snapshotFile });
  const code = await runPlan({ file: 'dex.yaml', environment: 'production', format, pricing: 'snapshot', allowOverBudget: true, wide: true }, io);
  expect(code, io.err()).toBe(EXIT.ok);
  return io.out();
}

const costLine = (text: string) => text.split('\n').find((l) => /^ {2}Cost: /.test(l))!;

describe('a line that goes from priced to unpriced, or back', () => {
  it('db.t4g.medium → db.t4g.large Multi-AZ in us-east-1: "now unpriced", named, not a saving', async () => {
    const dir = await emitted(US_EAST_1.replace('instanceClass: db.t3.medium', 'instanceClass: db.t4g.medium'));
    edit(dir, 'instanceClass: db.t4g.medium', 'instanceClass: db.t4g.large');
    const cost = JSON.parse(await plan(dir, 'json')).diff.cost;
    expect(cost.unpriced).toEqual([
      expect.objectContaining({ environment: 'production', resource: 'PostgresDatabase', meter: 'rds.instance', change: 'now unpriced', before: { monthlyMin: 94.9, monthlyMax: 94.9 }, after: null, reason: expect.stringMatching(/db\.t4g\.large Multi-AZ in us-east-1/) }),
    ]);
    // The old class's price is in `before` but the line is not in the delta: nothing else changed.
    expect(cost.delta).toEqual({ monthlyMin: 0, monthlyMax: 0 });
    expect(cost.lineItems.find((l: { resource: string }) => l.resource === 'PostgresDatabase')).toBeUndefined();

    const text = await plan(dir, 'text');
    expect(costLine(text)).toContain('cost change not known: 1 change with no price on one side not included');
    expect(costLine(text)).not.toMatch(/\(-\$|\(\$0\.00\)|\+\$0\.00/);
    expect(text).toMatch(/PostgresDatabase rds\.instance \(Multi-AZUsage:db\.t4g\.medium\): now unpriced, was \$94\.90 a month — /);
    const markdown = await plan(dir, 'markdown');
    expect(markdown).toMatch(/`PostgresDatabase` rds\.instance: \*\*now unpriced\*\*/);
    expect(markdown).not.toMatch(/-\$\d/);
  });

  it('the reverse, db.t4g.large → db.t4g.medium: "now priced", its new price shown, not counted as an increase', async () => {
    const dir = await emitted(US_EAST_1.replace('instanceClass: db.t3.medium', 'instanceClass: db.t4g.large'));
    edit(dir, 'instanceClass: db.t4g.large', 'instanceClass: db.t4g.medium');
    const cost = JSON.parse(await plan(dir, 'json')).diff.cost;
    expect(cost.unpriced).toEqual([expect.objectContaining({ resource: 'PostgresDatabase', meter: 'rds.instance', change: 'now priced', before: null, after: { monthlyMin: 94.9, monthlyMax: 94.9 } })]);
    expect(cost.delta).toEqual({ monthlyMin: 0, monthlyMax: 0 });
    expect(await plan(dir, 'text')).toMatch(/PostgresDatabase rds\.instance \(Multi-AZUsage:db\.t4g\.medium\): now priced, now \$94\.90 a month/);
  });

  it('with a priced change beside it, the delta is exactly the priced change (a range over what is priced on both sides)', async () => {
    const dir = await emitted(US_EAST_1.replace('instanceClass: db.t3.medium', 'instanceClass: db.t4g.medium'));
    edit(dir, 'instanceClass: db.t4g.medium', 'instanceClass: db.t4g.large');
    edit(dir, 'nodeType: cache.t3.micro', 'nodeType: cache.t3.small');
    const cost = JSON.parse(await plan(dir, 'json')).diff.cost;
    const redis = cost.lineItems.find((l: { resource: string }) => l.resource === 'RedisCache');
    expect(redis.delta.monthlyMax).toBeGreaterThan(0);
    expect(cost.lineItems.map((l: { resource: string }) => l.resource)).toEqual(['RedisCache']);
    expect(cost.delta).toEqual(redis.delta);
    expect(cost.unpriced.map((u: { change: string }) => u.change)).toEqual(['now unpriced']);
    expect(costLine(await plan(dir, 'text'))).toMatch(/\(\+\$[\d,.]+( – \+\$[\d,.]+)? over what is priced on both sides; 1 change with no price on one side not included\)/);
  });
});

describe('a change whose price is unknown on both sides', () => {
  it('db.t3.medium → db.t3.large in ap-south-1 (no RDS price there): "changed, unpriced", never $0.00', async () => {
    const dir = await emitted(REFERENCE);
    edit(dir, 'instanceClass: db.t3.medium', 'instanceClass: db.t3.large');
    const cost = JSON.parse(await plan(dir, 'json')).diff.cost;
    expect(cost.unpriced).toEqual([expect.objectContaining({ resource: 'PostgresDatabase', meter: 'rds.instance', change: 'changed, unpriced', before: null, after: null })]);
    const text = await plan(dir, 'text');
    expect(costLine(text)).toContain('cost change not known');
    expect(costLine(text)).not.toContain('$0.00)');
    expect(await plan(dir, 'markdown')).not.toMatch(/\$0\.00 a month<\/summary>/);
  });

  it('an unpriced line that does not change is not listed (no false alarm)', async () => {
    const dir = await emitted(REFERENCE);
    edit(dir, 'nodeType: cache.t3.micro', 'nodeType: cache.t3.small');
    const cost = JSON.parse(await plan(dir, 'json')).diff.cost;
    expect(cost.unpriced).toEqual([]);
    expect(cost.lineItems.map((l: { resource: string }) => l.resource)).toEqual(['RedisCache']);
  });
});
