#!/usr/bin/env node
// Entry point of the `dex` command. The CLI is one script, dist/dex.cjs (npm run build), compiled
// here with V8's code cache dist/dex.cache when it matches this Node (else V8 compiles it as usual).
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

const bundle = fileURLToPath(new URL('../dist/dex.cjs', import.meta.url));
const cacheFile = fileURLToPath(new URL('../dist/dex.cache', import.meta.url));

/** The bundle's exports, from one compiled script; `onCompiled` sees the script (scripts/code-cache.mjs writes its cache). */
export function loadDex(onCompiled) {
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = readFileSync(bundle, 'utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __dexBundleUrl, __dexImport) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  onCompiled?.(script);
  const module = { exports: {} };
  // A compiled script has no import() of its own (and a vm importModuleDynamically callback is
  // lost with the code cache): the bundle imports ES-module-only packages through this module.
  const importPackage = (specifier) => import(specifier);
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), pathToFileURL(bundle).href, importPackage);
  return module.exports;
}

// Imported by scripts/code-cache.mjs, run by the shell: only the latter runs the command.
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  // `dex plan | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  const { main } = loadDex();
  // stdin is a getter: Node creates process.stdin on first use, and only `dex secrets set` reads it.
  process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), get stdin() { return process.stdin; } });
}
