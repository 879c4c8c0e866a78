// The dex package's own files (schema, templates, price snapshot, version), found from the
// source tree (vitest), from dist/ and from the bundle alike.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PackageAssets } from '../../emitters/index.js';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schema.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('dex: cannot find its package root (schema.json)');
    dir = up;
  }
  root = dir;
  return dir;
}

export const packagePath = (...parts: string[]): string => join(packageRoot(), ...parts);

export function packageVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

let assets: PackageAssets | undefined;

/** What the emitters copy from the package into out/. */
export function readPackageAssets(): PackageAssets {
  return (assets ??= { releaseScript: readFileSync(packagePath('templates', 'ci', 'release.sh'), 'utf8') });
}

export const defaultSnapshotPath = (): string => packagePath('data', 'pricing', 'snapshot.json');
