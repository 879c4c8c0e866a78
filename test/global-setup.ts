// The CLI tests run bin/dex.js, which loads the bundle dist/dex.js: build it once so they never
// test stale output. DEX_SKIP_BUILD=1 skips it when only in-process tests are run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  // Commands run as processes (bin/dex.js) judge the EKS calendar on the suite's fixed date
  // (test/support/clock.ts), as the in-process ones do: the reference spec pins EKS 1.31.
  process.env.DEX_TODAY ??= '2026-11-24';
  if (process.env.DEX_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, stdio: 'inherit' });
}
