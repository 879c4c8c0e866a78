#!/usr/bin/env node
// npm run fuzz [-- RUNS [SEED]]: the no-internal-errors property (test/compiler/no-internal-errors.test.ts)
// run many more times than the suite does. A failure prints the counterexample and its seed;
// fix it with a validation rule or in the block, and add the case as a regression test.
import { spawnSync } from 'node:child_process';

const [runs = process.env.FUZZ_RUNS ?? '5000', seed = process.env.FUZZ_SEED ?? String(Date.now() % 2 ** 31)] = process.argv.slice(2);
console.log(`fuzz: ${runs} runs, seed ${seed}`);
const result = spawnSync('npx', ['vitest', 'run', 'test/compiler/no-internal-errors.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed, DEX_SKIP_BUILD: '1' },
  shell: process.platform === 'win32',
});
process.exit(result.status ?? 1);
