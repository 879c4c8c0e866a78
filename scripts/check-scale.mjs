#!/usr/bin/env node
// Checks that a large generated spec (scripts/bench-spec.mjs) validates and emits, and that every
// template is within CloudFormation's limits, with every import naming an export of a stack
// deployed earlier. Too slow for the test suite (which checks the splitting rule on small limits).
//
//   node scripts/check-scale.mjs [N=3000]      (uses bin/dex.js; run `npm run build` first)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { benchSpec } from './bench-spec.mjs';

const LIMITS = { resources: 500, outputs: 200, parameters: 200, bodyBytes: 1_000_000 };
const root = fileURLToPath(new URL('..', import.meta.url));
const n = Number(process.argv[2] ?? 3000);
const work = mkdtempSync(join(tmpdir(), 'dex-scale-'));
let problems = 0;
const problem = (text) => {
  problems++;
  console.log(`  ✗ ${text}`);
};

try {
  const spec = join(work, `bench-${n}.dex.yaml`);
  writeFileSync(spec, benchSpec(n));
  for (const command of ['validate', 'emit']) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [join(root, 'bin/dex.js'), command, spec, ...(command === 'emit' ? ['--out', join(work, 'out')] : [])], { encoding: 'utf8', maxBuffer: 1 << 28 });
    console.log(`dex ${command} (${n} services): exit ${result.status}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (result.status !== 0) {
      console.log(result.stderr.split('\n').filter((l) => /error|DEX9/.test(l)).slice(0, 5).join('\n'));
      process.exit(1);
    }
  }
  for (const env of readdirSync(join(work, 'out')).filter((e) => e !== 'ci')) {
    const plan = JSON.parse(readFileSync(join(work, 'out', env, 'plan.json'), 'utf8'));
    const exportedAt = new Map();
    let largest = { resources: [0, ''], outputs: [0, ''], bytes: [0, ''], imports: [0, ''] };
    const max = (key, value, name) => {
      if (value > largest[key][0]) largest[key] = [value, name];
    };
    for (const stack of plan.stacks) {
      const file = join(work, 'out', env, stack.file);
      const bytes = statSync(file).size;
      const template = parse(readFileSync(file, 'utf8'), { version: '1.1' });
      const resources = Object.keys(template.Resources ?? {}).length;
      const outputs = Object.entries(template.Outputs ?? {});
      const parameters = Object.keys(template.Parameters ?? {}).length;
      if (resources > LIMITS.resources) problem(`${stack.name}: ${resources} resources`);
      if (outputs.length > LIMITS.outputs) problem(`${stack.name}: ${outputs.length} outputs`);
      if (parameters > LIMITS.parameters) problem(`${stack.name}: ${parameters} parameters`);
      if (bytes > LIMITS.bodyBytes) problem(`${stack.name}: ${bytes} bytes`);
      const imports = new Set();
      JSON.stringify(template, (key, value) => {
        if (key === 'Fn::ImportValue') imports.add(value);
        return value;
      });
      for (const name of imports) {
        const at = exportedAt.get(name);
        if (at === undefined || at >= stack.deployOrder) problem(`${stack.name} imports ${name}, not exported by an earlier stack`);
      }
      for (const [, o] of outputs) {
        if (exportedAt.has(o.Export.Name)) problem(`${o.Export.Name} exported twice`);
        exportedAt.set(o.Export.Name, stack.deployOrder);
      }
      max('resources', resources, stack.name);
      max('outputs', outputs.length, stack.name);
      max('bytes', bytes, stack.name);
      max('imports', imports.size, stack.name);
    }
    console.log(`${env}: ${plan.stacks.length} templates, ${plan.resources.length} resources, ${exportedAt.size} exports`);
    for (const [key, [value, name]] of Object.entries(largest)) console.log(`  most ${key}: ${value.toLocaleString('en')} (${name})`);
  }
  console.log(problems === 0 ? 'every template within limits; every import names an earlier export ✓' : `${problems} problems ✗`);
  process.exitCode = problems === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
