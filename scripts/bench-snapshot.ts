// Bundled and run by scripts/bench.mjs (one fresh process per run): what loading the offline
// price snapshot costs a plan. Prints one JSON line: the snapshot file (parse + index), the first
// lookup in a region (its pack read and expanded), a second region, and every pack (a tool's worst case).
import { loadSnapshotSource } from '../cli/adapters/snapshot.js';
import { meterToQuery } from '../compiler/pricing/meters.js';

const ec2 = (region: string) => {
  const m = meterToQuery({ meter: 'ec2.instance', unit: 'hours', quantity: { min: 730, max: 730 }, attributes: { instanceType: 't3.medium' }, basis: 'bench' }, region);
  if (!m.ok) throw new Error(m.reason);
  return m.parts[0]!.query;
};
const t0 = performance.now();
const source = loadSnapshotSource();
const t1 = performance.now();
if (!source.lookup(ec2('ap-south-1')).ok) throw new Error('no ap-south-1 price');
const t2 = performance.now();
source.lookup(ec2('us-east-1'));
const t3 = performance.now();
const all = loadSnapshotSource().items.length;
const t4 = performance.now();
process.stdout.write(`${JSON.stringify({ file: t1 - t0, firstRegion: t2 - t1, secondRegion: t3 - t2, allRegions: t4 - t3, items: all })}\n`);
