#!/usr/bin/env node
// Writes dist/dex.cache, V8's code cache of dist/dex.cjs, after running the commands people run
// most (validate, emit, plan, the compliance report, help) on the reference example in this
// process: the cache then holds the bytecode of every function those runs compiled. Run by
// scripts/build.mjs. Output goes to a temporary directory and is thrown away.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDex } from '../bin/dex.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let script;
const { main } = loadDex((s) => (script = s));
const work = mkdtempSync(join(tmpdir(), 'dex-code-cache-'));
const sink = { write() {}, isTTY: false };
const io = { stdout: sink, stderr: sink, env: { NO_COLOR: '1', DEX_CACHE_DIR: work }, cwd: root };
const spec = 'examples/dex-mobile-v6/dex.yaml';
try {
  for (const argv of [
    ['--help'],
    ['validate', spec],
    ['validate', 'examples/minimal/dex.yaml', '--format', 'json'],
    ['emit', spec, '--out', join(work, 'out')],
    ['plan', spec, '--out', join(work, 'out')],
    ['plan', spec, '--format', 'markdown'],
    ['compliance', 'report', spec],
  ]) {
    await main(argv, io);
  }
  writeFileSync(join(root, 'dist', 'dex.cache'), script.createCachedData());
} finally {
  rmSync(work, { recursive: true, force: true });
}
