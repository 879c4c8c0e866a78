// The dex package's own files (schema, templates, price snapshot, version), found from the
// source tree (vitest), from dist/ and from the bundle alike.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
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
  readonly name: string;
  readonly version: string;
  /** npm's shorthand, github:owner/name. */
  readonly repository?: string;
}

const packageJson = (): PackageJson => JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as PackageJson;

export function packageVersion(): string {
  return packageJson().version;
}

/** The npm package's name and version (the package is dex-aws; its command is dex). */
export function packageManifest(): { readonly name: string; readonly version: string } {
  const { name, version } = packageJson();
  return { name, version };
}

/** The regions the schema accepts (its Region enum). */
export function schemaRegions(): readonly string[] {
  return (JSON.parse(readFileSync(packagePath('schema.json'), 'utf8')) as { definitions: { Region: { enum: string[] } } }).definitions.Region.enum;
}

/** The dex.yaml language version the shipped schema describes (its `dex` constant). */
export function schemaLanguageVersion(): number {
  return (JSON.parse(readFileSync(packagePath('schema.json'), 'utf8')) as { properties: { dex: { const: number } } }).properties.dex.const;
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

/**
 * The schema modeline's path for a dex.yaml written in `dir`, relative to it (editors resolve it
 * from the file, so it survives moving the project): the schema of the dex that runs, when that
 * copy lives where the project will keep finding it (the project's node_modules, or this clone
 * for a spec inside it); else where `npm i -D dex-aws` puts it in the nearest package (a global
 * or npx copy lives in a cache folder that changes).
 */
export function schemaModelinePath(dir: string): string {
  const root = packageRoot();
  const posix = (p: string): string => {
    const r = p.split(sep).join('/');
    return r.startsWith('.') ? r : `./${r}`;
  };
  const modules = root.split(sep).lastIndexOf('node_modules');
  const owner = modules > 0 ? root.split(sep).slice(0, modules).join(sep) : root;
  if (isInside(dir, owner)) return posix(relative(dir, join(root, 'schema.json')));
  let project = dir;
  while (!existsSync(join(project, 'package.json')) && dirname(project) !== project) project = dirname(project);
  if (!existsSync(join(project, 'package.json'))) project = dir;
  return posix(relative(dir, join(project, 'node_modules', packageManifest().name, 'schema.json')));
}

const isInside = (path: string, folder: string): boolean => {
  const r = relative(folder, path);
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && !/^[a-zA-Z]:/.test(r));
};
