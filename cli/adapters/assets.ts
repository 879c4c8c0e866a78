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

interface PackageJson {
  readonly version: string;
  /** npm's shorthand, github:owner/name. */
  readonly repository?: string;
}

const packageJson = (): PackageJson => JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as PackageJson;

export function packageVersion(): string {
  return packageJson().version;
}

let assets: PackageAssets | undefined;

/** What the emitters copy from the package into out/. */
export function readPackageAssets(): PackageAssets {
  if (assets) return assets;
  const pkg = packageJson();
  const repository = /^github:([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)$/.exec(pkg.repository ?? '')?.[1];
  if (!repository) throw new Error('dex: package.json names no github:owner/name repository (the GitHub Action is there)');
  return (assets = { releaseScript: readFileSync(packagePath('templates', 'ci', 'release.sh'), 'utf8'), dexAction: `${repository}@v${pkg.version}` });
}

export const defaultSnapshotPath = (): string => packagePath('data', 'pricing', 'snapshot.json');
