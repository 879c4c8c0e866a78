// out/ci/scripts/release.sh: the shell both providers run (GitHub Actions steps and CodeBuild
// buildspecs), so a release does the same thing whichever runs it. The workflow and buildspecs
// list *what* happens, step by step and per stack or service; the script (templates/ci/release.sh,
// copied as is) holds *how*. Every change it makes is appended to a state file so `rollback` can
// undo it, newest first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../cli/paths.js';

let cached: string | undefined;

export function releaseScript(): string {
  return (cached ??= readFileSync(join(packageRoot(), 'templates', 'ci', 'release.sh'), 'utf8'));
}
