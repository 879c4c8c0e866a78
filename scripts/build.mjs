#!/usr/bin/env node
// `npm run build`: the CLI as one ES module, dist/dex.js, plus a chunk per command that start-up
// does not need (loaded by the dynamic imports in cli/main.ts). Bundling is what makes start-up
// light: Node resolves and compiles one file instead of a few hundred. The AWS SDK clients stay
// in node_modules, behind the dynamic imports that only --pricing live, --against stack and
// `dex pricing refresh` reach; @babel/code-frame is required only when a code frame is drawn.
// Type checking is `npm run typecheck` (tsc); esbuild only strips the types.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { dex: 'cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@aws-sdk/*', '@babel/code-frame'],
  // Stable chunk names, so the same sources always give the same dist/.
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  // A banner-provided require, for bundled CommonJS packages (handlebars) that call require().
  banner: { js: "import { createRequire as __dexCreateRequire } from 'node:module'; const require = __dexCreateRequire(import.meta.url);" },
});
