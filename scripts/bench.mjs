#!/usr/bin/env node
// `npm run bench`: how long `dex emit` takes, beside bare Node start-up. Not a test: it prints a
// table and exits 0. Uses the built CLI (dist/, rebuilt here when missing or older than the
// sources) and the spec generator of the tests (test/support/generate-spec.ts, transpiled here).
//
//   node scripts/bench.mjs [--runs N]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 11;
const SOURCE_DIRS = ['spec', 'compiler', 'services', 'emitters', 'cli'];

function newestMtime(dir, ext) {
  let newest = 0;
  for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(ext)) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const built = join(root, 'dist/compiler/emit.js');
  const stale = !existsSync(built) || SOURCE_DIRS.some((d) => newestMtime(d, '.ts') > statSync(built).mtimeMs);
  if (stale) {
    process.stderr.write('bench: building dist/ (npm run build)…\n');
    // tsc exits non-zero on type errors but still emits; the bench only needs the JavaScript.
    spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  }
  if (!existsSync(built)) throw new Error('bench: dist/compiler/emit.js is missing after the build');
}

/** The tests' spec generator, transpiled to a temporary module (it only imports `yaml`). */
async function loadGenerator(work) {
  const ts = (await import(pathToFileURL(join(root, 'node_modules/typescript/lib/typescript.js')).href)).default;
  const source = readFileSync(join(root, 'test/support/generate-spec.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const yamlUrl = import.meta.resolve('yaml');
  const file = join(work, 'generate-spec.mjs');
  writeFileSync(file, js.replace(/from ['"]yaml['"]/g, `from '${yamlUrl}'`));
  return import(pathToFileURL(file).href);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function timeProcess(args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(performance.now() - started);
    if (result.status !== 0) return { ms: NaN, error: `exit ${result.status}: ${String(result.stderr).split('\n')[0]}` };
  }
  return { ms: median(times) };
}

async function main() {
  ensureBuilt();
  const work = mkdtempSync(join(tmpdir(), 'dex-bench-'));
  try {
    const { generateSpec } = await loadGenerator(work);
    const { analyzeSpec } = await import(pathToFileURL(join(root, 'dist/compiler/analyze.js')).href);
    const { compileEmit, emitTargets } = await import(pathToFileURL(join(root, 'dist/compiler/emit.js')).href);

    const specs = [{ label: 'reference (dex-mobile-v6)', file: join(root, 'test/fixtures/reference/dex-mobile-v6.dex.yaml') }];
    for (const n of [10, 100, 1000]) {
      const file = join(work, `gen-${n}.dex.yaml`);
      writeFileSync(file, generateSpec(n, 1));
      specs.push({ label: `generated, ${n} services`, file });
    }

    // In-process: analyze + model + stacks + emit, every environment, no disk.
    const rows = [];
    for (const spec of specs) {
      const bytes = readFileSync(spec.file);
      const runs = spec.label.includes('1000') ? Math.max(3, Math.ceil(RUNS / 2)) : RUNS;
      const analyzeMs = [];
      const emitMs = [];
      let summary = '';
      for (let i = 0; i < runs + 1; i++) {
        const t0 = performance.now();
        const analysis = analyzeSpec(bytes, spec.file);
        const t1 = performance.now();
        if (!analysis.ok) throw new Error(`bench: ${spec.label} is invalid: ${analysis.diagnostics[0]?.message}`);
        const outputs = emitTargets(analysis).map((c) => compileEmit(c, { specFile: spec.file }));
        const t2 = performance.now();
        if (i === 0) {
          // The first run warms the JIT; it is reported apart as "cold".
          spec.coldMs = t2 - t0;
          const o = outputs[0];
          const bytesOut = outputs.reduce((n, out) => n + out.files.reduce((m, f) => m + f.content.length, 0), 0);
          summary = `${outputs.length} env × ${o.model.resources.length} res, ${o.plan.stacks.length} stacks, ${(bytesOut / 1e6).toFixed(1)} MB`;
          continue;
        }
        analyzeMs.push(t1 - t0);
        emitMs.push(t2 - t1);
      }
      rows.push({ spec: spec.label, output: summary, runs, analyze: median(analyzeMs), emit: median(emitMs), total: median(analyzeMs.map((a, i) => a + emitMs[i])), cold: spec.coldMs });
    }

    // Whole processes: start-up, and `dex emit` writing to disk.
    const cliRuns = Math.max(3, Math.ceil(RUNS / 2));
    const hasCli = existsSync(join(root, 'bin/dex.js')) && existsSync(join(root, 'dist/cli/main.js'));
    const procs = [{ what: 'node -e 0 (bare Node start-up)', ...timeProcess(['-e', '0'], RUNS) }];
    if (hasCli) {
      procs.push({ what: 'dex --help', ...timeProcess(['bin/dex.js', '--help'], RUNS) });
      for (const spec of [specs[0], specs[3]]) {
        const out = join(work, 'out');
        mkdirSync(out, { recursive: true });
        procs.push({ what: `dex emit: ${spec.label}`, ...timeProcess(['bin/dex.js', 'emit', spec.file, '--out', out], cliRuns) });
      }
    }

    const fmt = (ms) => (Number.isFinite(ms) ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : 'n/a');
    const line = (cols, widths) => cols.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd();
    console.log(`dex emit benchmark — Node ${process.version}, ${process.platform}/${process.arch}; medians, first (cold) run excluded\n`);
    console.log(`In-process: analyze + model + stacks + CloudFormation/plan.json text for every environment, no disk (N = ${RUNS}; ${Math.max(3, Math.ceil(RUNS / 2))} for 1,000 services)`);
    const w1 = [28, 44, 10, 10, 10, 10];
    console.log(line(['spec', 'output', 'analyze', 'emit', 'total', 'cold'], w1));
    for (const r of rows) console.log(line([r.spec, r.output, fmt(r.analyze), fmt(r.emit), fmt(r.total), fmt(r.cold)], w1));
    console.log(`\nWhole process, wall clock (N = ${RUNS} for start-up, ${cliRuns} for emit)`);
    const w2 = [50, 10];
    for (const p of procs) console.log(line([p.what, p.error ? `failed (${p.error})` : fmt(p.ms)], w2));
    if (!hasCli) console.log('(bin/dex.js or dist/cli/main.js missing: CLI timings skipped)');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
