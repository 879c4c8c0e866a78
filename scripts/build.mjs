#!/usr/bin/env node
// `npm run build`: the CLI as one script, dist/dex.cjs, and V8's code cache for it, dist/dex.cache.
// Start-up is what this is for: Node reads one file instead of resolving and compiling a few
// hundred modules, and with the cache V8 deserialises the bytecode of every function a typical run
// calls instead of parsing and compiling them again (bin/dex.js loads both). The AWS SDK clients stay
// in node_modules, required only by the commands that reach them (cli/adapters/packages.ts).
// Type checking is `npm run typecheck` (tsc); esbuild only strips the types.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/dex.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Loaded from node_modules only by the commands that reach them (cli/adapters/packages.ts, and
  // @octokit/rest, ES modules only, by import() in cli/adapters/github.ts).
  external: ['@aws-sdk/*', '@octokit/*'],
  // The bundle runs as a compiled script (bin/dex.js), which hands it its own URL under this name.
  define: { 'import.meta.url': '__dexBundleUrl' },
  legalComments: 'none',
  logLevel: 'warning',
});
// The cache is made by running what users run, so it holds the functions they call.
if (process.env.DEX_NO_CODE_CACHE !== '1') {
  execFileSync(process.execPath, [`${root}scripts/code-cache.mjs`], { cwd: root, stdio: 'inherit' });
}
