// The price snapshot on disk: the one dex ships (data/pricing/snapshot.json), or another named
// by DEX_PRICING_SNAPSHOT / --snapshot. Written atomically by `dex pricing refresh`.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createSnapshotSource, parseSnapshotFile, type SnapshotFile, type SnapshotPriceSource } from '../../compiler/pricing/snapshot.js';
import { defaultSnapshotPath } from './assets.js';

export { defaultSnapshotPath };

export function readSnapshotFile(path: string = defaultSnapshotPath()): SnapshotFile {
  return parseSnapshotFile(readFileSync(path, 'utf8'), path);
}

export function loadSnapshotSource(path?: string): SnapshotPriceSource {
  return createSnapshotSource(readSnapshotFile(path));
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
