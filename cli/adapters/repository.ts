// Paths as emitted files name them: relative to the repository the spec lives in (found from the
// spec's folder), so the output does not depend on how the spec path was typed, on the current
// directory, or on the machine (an absolute path would write the emitting machine's home into
// templates, the workflow and buildspecs).
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The nearest folder at or above `start` holding `.git` (a directory or, for worktrees, a file). */
export function repositoryRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export interface OutputPaths {
  /** The spec file from the repository root (or from its own folder outside a repository). */
  readonly specFile: string;
  /** The output folder from the same root, as CI jobs (which start at the root) reach it. */
  readonly outDir: string;
}

export function outputPaths(specAbsolute: string, outAbsolute: string): OutputPaths {
  const root = repositoryRoot(dirname(specAbsolute)) ?? dirname(specAbsolute);
  const posix = (path: string) => path.split(sep).join('/') || '.';
  return { specFile: posix(relative(root, specAbsolute)), outDir: posix(relative(root, outAbsolute)) };
}

/**
 * `file` (named from `cwd`) relative to the root of the repository it is in, as GitHub names files
 * in annotations (a job starts at the root, wherever dex ran); as given outside a repository.
 */
export function repositoryRelative(file: string, cwd: string): string {
  const absolute = resolve(cwd, file);
  const root = repositoryRoot(dirname(absolute));
  return root === undefined ? file : relative(root, absolute).split(sep).join('/');
}
