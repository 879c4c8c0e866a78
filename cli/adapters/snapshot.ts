// The price snapshot on disk: the one dex ships (data/pricing/snapshot.json and its region packs in
// data/pricing/regions/), or another named by DEX_PRICING_SNAPSHOT / --snapshot. A region pack is
// read only when a lookup first needs that region. Written atomically by `dex pricing refresh`.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  createSnapshotSource, parseRegionPack, parseSnapshotFile, pricedClasses, type PricedClasses, type RegionPack, type SnapshotFile, type SnapshotPriceSource,
} from '../../compiler/pricing/snapshot.js';
import { defaultSnapshotPath } from './assets.js';

export { defaultSnapshotPath };

/** The snapshot file itself (region packs not expanded: `file.products` holds the other services). */
export function readSnapshotFile(path: string = defaultSnapshotPath()): SnapshotFile {
  return parseSnapshotFile(readFileSync(path, 'utf8'), path);
}

function packPath(snapshotPath: string, file: SnapshotFile, region: string): string | undefined {
  if (!file.regionPacks || !file.regionPacks.regions.includes(region) || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return undefined;
  return join(dirname(snapshotPath), file.regionPacks.dir, `${region}.json`);
}

export function readRegionPack(region: string, path: string = defaultSnapshotPath(), file: SnapshotFile = readSnapshotFile(path)): RegionPack | undefined {
  const p = packPath(path, file, region);
  if (!p || !existsSync(p)) return undefined;
  return parseRegionPack(readFileSync(p, 'utf8'), p);
}

export function loadSnapshotSource(path: string = defaultSnapshotPath()): SnapshotPriceSource {
  const file = readSnapshotFile(path);
  return createSnapshotSource(file, { loadPack: (region) => readRegionPack(region, path, file) });
}

/**
 * The priced classes of one region for `dex validate`, from the shipped region pack alone (a few
 * tens of KB, no snapshot expansion); undefined when dex has no pack for the region.
 */
export function readPricedClasses(region: string): PricedClasses | undefined {
  const p = join(dirname(defaultSnapshotPath()), 'regions', `${region}.json`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) || !existsSync(p)) return undefined;
  return pricedClasses(parseRegionPack(readFileSync(p, 'utf8'), p));
}

/** Replaces `path` with the new snapshot in one rename, so a reader never sees half a file. */
export function writeSnapshotFile(path: string, file: SnapshotFile): void {
  const temp = `${path}.dex-new-${process.pid}`;
  try {
    writeFileSync(temp, `${JSON.stringify(file, null, 1)}\n`);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
