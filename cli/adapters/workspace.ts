// Finding the spec when no file is named: ./dex.yaml, else the nearest one in a parent folder up
// to the repository's root (the folder holding .git), as Copilot finds its workspace. The search
// stops at the repository so a dex.yaml elsewhere in the home folder is never picked by accident.
import { statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const SPEC_FILE_NAME = 'dex.yaml';

export type SpecSearch = { found: true; file: string } | { found: false; searched: readonly string[] };

/** The nearest dex.yaml from `cwd` upwards, as a path relative to `cwd` (`dex.yaml`, `../dex.yaml`). */
export function findSpecFile(cwd: string): SpecSearch {
  const searched: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidate = join(dir, SPEC_FILE_NAME);
    searched.push(candidate);
    if (isFile(candidate)) return { found: true, file: relative(cwd, candidate) || SPEC_FILE_NAME };
    if (exists(join(dir, '.git')) || dirname(dir) === dir) return { found: false, searched };
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
