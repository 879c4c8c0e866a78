// Golden files: what dex writes, checked in under test/golden/ (and the generated block of
// docs/cost.md) so any change to the output shows up as a diff to review. UPDATE_GOLDEN=1
// (npm run test:update) rewrites them instead of comparing.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

const updating = (): boolean => process.env.UPDATE_GOLDEN === '1';

/** One golden file: `actual` must be its content, byte for byte. */
export function expectGolden(path: string, actual: string): void {
  if (updating()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `${path} missing: run npm run test:update`).toBe(true);
  expect(actual, `${path} differs: run npm run test:update and review the diff`).toBe(readFileSync(path, 'utf8'));
}

/**
 * A tree of golden files: each of `files` (paths relative to `base`) is a golden file, and `owned`
 * (a folder at or under `base`, `base` by default) holds nothing else. Several tests may share
 * `base` and own a folder each; updating clears only the test's own folder first.
 */
export function expectGoldenFiles(base: string, files: readonly { readonly path: string; readonly content: string }[], owned: string = base): void {
  if (updating()) rmSync(owned, { recursive: true, force: true });
  const expected = new Set<string>();
  for (const f of files) {
    const path = join(base, f.path);
    expected.add(path);
    expectGolden(path, f.content);
  }
  const onDisk = readdirSync(owned, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
  expect(onDisk.filter((p) => !expected.has(p)), 'stale golden files').toEqual([]);
}

/** The generated block of a hand-written file, from the `begin` marker to the `end` marker inclusive. */
export function expectGoldenBlock(path: string, begin: string, end: string, actual: string): void {
  const doc = readFileSync(path, 'utf8');
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  expect(start, `${path} has the generated-block markers`).toBeGreaterThanOrEqual(0);
  expect(stop).toBeGreaterThan(start);
  const current = doc.slice(start, stop + end.length);
  if (updating() && current !== actual) {
    writeFileSync(path, doc.slice(0, start) + actual + doc.slice(stop + end.length));
    return;
  }
  expect(current, `${path} differs: run npm run test:update and review the diff`).toBe(actual);
}
