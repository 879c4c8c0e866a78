#!/usr/bin/env node
// `npm run bench`: whole `dex` processes, side by side in one run, against bare Node start-up and
// against the targets of the scale work: cold validate/emit/plan of the reference example, then
// generated specs of 1,000 and 3,000 services (scripts/bench-spec.mjs), with peak RSS and the
// fitted exponent of time against size. A benchmark, not a gate: it prints one table, marks each
// target ✓ or ✗, and always exits 0.
//
//   node scripts/bench.mjs [--runs N] [--big-runs N] [--sizes 1000,3000] [--root DIR] [--no-build]
//
// --root runs the CLI of another checkout (its bin/dex.js), e.g. to measure before and after.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchSpec } from './bench-spec.mjs';

/**
 * The offline price snapshot's load, in-process (scripts/bench-snapshot.ts bundled with esbuild):
 * median over fresh processes of the file, the first region pack, a second one, and all 34.
 */
async function snapshotLoad(work, runs) {
  const { build } = await import('esbuild');
  const bundle = join(work, 'bench-snapshot.cjs');
  await build({ entryPoints: [join(root, 'scripts/bench-snapshot.ts')], bundle: true, format: 'cjs', platform: 'node', outfile: bundle, logLevel: 'silent', define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(root, 'cli/adapters/assets.ts')).href) } });
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [bundle], { cwd: root, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
    if (r.status !== 0) return { error: lastLine(String(r.stderr)) };
    samples.push(JSON.parse(r.stdout));
  }
  const m = (k) => median(samples.map((s) => s[k]));
  return { file: m('file'), firstRegion: m('firstRegion'), secondRegion: m('secondRegion'), allRegions: m('allRegions'), items: samples[0].items };
}

const here = fileURLToPath(new URL('..', import.meta.url));
const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const root = resolve(option('--root', here));
const RUNS = Number(option('--runs', 7));
const BIG_RUNS = Number(option('--big-runs', 2));
const SIZES = option('--sizes', '1000,3000').split(',').map(Number).filter((n) => n > 0);
const MiB = 1024 * 1024;
/** No run of a child may hang the bench. */
const CHILD_TIMEOUT_MS = 15 * 60 * 1000;

function newestMtime(dir, ext) {
  let newest = 0;
  if (!existsSync(join(root, dir))) return newest;
  for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(ext)) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** dist/ is rebuilt when missing or older than any TypeScript source. */
function ensureBuilt() {
  // dist/dex.cjs is this tree's bundle; an older checkout (--root) compiled to dist/cli/main.js.
  const marker = [join(root, 'dist/dex.cjs'), join(root, 'dist/cli/main.js')].find((m) => existsSync(m)) ?? join(root, 'dist/dex.cjs');
  const sourceDirs = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !['node_modules', 'dist', 'test', 'scripts', 'examples', 'docs', 'data', 'templates'].includes(d.name) && !d.name.startsWith('.'))
    .map((d) => d.name);
  const stale = !existsSync(marker) || sourceDirs.some((d) => newestMtime(d, '.ts') > statSync(marker).mtimeMs);
  if (stale && !process.argv.includes('--no-build')) {
    process.stderr.write(`bench: building ${root}/dist (npm run build)…\n`);
    spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (!existsSync(join(root, 'bin/dex.js'))) throw new Error(`bench: ${root}/bin/dex.js is missing`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * One whole process. With `rss`, a preload writes process.resourceUsage().maxRSS (KiB) to a file
 * on exit: portable where /usr/bin/time is missing, and it measures the child alone.
 */
function runOnce(work, args, { rss, out }) {
  const rssFile = join(work, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const preload = rss ? ['--import', pathToFileURL(join(work, 'rss-preload.mjs')).href] : [];
  const outDir = out ? join(work, `out-${Math.random().toString(36).slice(2)}`) : undefined;
  const full = [...preload, ...args, ...(outDir ? ['--out', outDir] : [])];
  const started = performance.now();
  const result = spawnSync(process.execPath, full, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', DEX_BENCH_RSS_FILE: rssFile },
    timeout: CHILD_TIMEOUT_MS,
    maxBuffer: 256 * MiB,
  });
  const ms = performance.now() - started;
  let maxRss;
  if (rss && existsSync(rssFile)) {
    maxRss = Number(readFileSync(rssFile, 'utf8')) * 1024;
    rmSync(rssFile, { force: true });
  }
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  const error = result.error ? result.error.message : result.status !== 0 ? `exit ${result.status}: ${lastLine(String(result.stderr))}` : undefined;
  return { ms, maxRss, error };
}

/** The line that says what went wrong (an internal error, an error diagnostic), else the last one. */
const lastLine = (text) => {
  const lines = text.trim().split('\n').filter(Boolean);
  return (lines.find((l) => /DEX9\d\d|internal error/.test(l)) ?? lines.find((l) => /\berror\b/.test(l)) ?? lines.pop() ?? '').trim().slice(0, 160);
};

/**
 * Rounds of every command in turn (not all runs of one, then the next), so a noisy neighbour
 * slows them alike and the ratios stay fair. Time: median of the bare runs; RSS: one more run
 * with the preload (for the big specs the timed runs carry it: a millisecond against seconds).
 */
function measure(work, commands, runs, { rssInTimedRuns }) {
  const results = commands.map(() => ({ times: [], rss: [], error: undefined }));
  for (let round = 0; round < runs + (rssInTimedRuns ? 0 : 1); round++) {
    const rssRound = !rssInTimedRuns && round === runs;
    commands.forEach((c, i) => {
      const r = results[i];
      if (r.error) return;
      const once = runOnce(work, c.args, { rss: rssInTimedRuns || rssRound, out: c.out });
      if (once.error) {
        r.error = once.error;
        return;
      }
      if (!rssRound) r.times.push(once.ms);
      if (once.maxRss !== undefined) r.rss.push(once.maxRss);
    });
  }
  return results.map((r) => ({ ms: median(r.times), rss: r.rss.length ? Math.max(...r.rss) : NaN, error: r.error }));
}

const fmtMs = (ms) => (!Number.isFinite(ms) ? 'n/a' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMiB = (bytes) => (Number.isFinite(bytes) ? `${(bytes / MiB).toFixed(0)} MiB` : 'n/a');
const mark = (ok) => (ok === undefined ? '' : ok ? '✓' : '✗');

async function main() {
  ensureBuilt();
  const work = mkdtempSync(join(tmpdir(), 'dex-bench-'));
  try {
    writeFileSync(
      join(work, 'rss-preload.mjs'),
      "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { try { writeFileSync(process.env.DEX_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)); } catch {} });\n",
    );
    const reference = join(root, 'examples/dex-mobile-v6/dex.yaml');
    const dex = join(root, 'bin/dex.js');
    const started = performance.now();

    // 1. Bare Node and the reference example, interleaved.
    const small = [
      { key: 'node', label: 'node -e 0', args: ['-e', '0'] },
      { key: 'validate', label: 'dex validate (reference)', args: [dex, 'validate', reference] },
      { key: 'emit', label: 'dex emit (reference)', args: [dex, 'emit', reference], out: true },
      // Priced honestly, the reference's maximum is above its budget: plan it anyway (exit 0).
      { key: 'plan', label: 'dex plan (reference)', args: [dex, 'plan', reference, '--allow-over-budget'] },
    ];
    const smallResults = measure(work, small, RUNS, { rssInTimedRuns: false });
    const nodeMs = smallResults[0].ms;

    // 2. Generated specs.
    const big = new Map();
    for (const n of SIZES) {
      const file = join(work, `bench-${n}.dex.yaml`);
      writeFileSync(file, benchSpec(n));
      const commands = ['validate', 'emit', 'plan'].map((cmd) => ({ key: cmd, label: `dex ${cmd} (${n.toLocaleString('en')} services)`, args: [dex, cmd, file], out: cmd === 'emit' }));
      big.set(n, { commands, results: measure(work, commands, BIG_RUNS, { rssInTimedRuns: true }) });
    }

    // 3. The snapshot load.
    const snap = await snapshotLoad(work, RUNS);

    // 4. The table.
    const rows = [];
    const add = (label, r, timeTarget, rssTarget, ratio) =>
      rows.push([
        label,
        r.error ? `failed (${r.error})` : fmtMs(r.ms),
        ratio === undefined ? '' : Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a',
        timeTarget ? `${timeTarget.text} ${mark(r.error ? false : timeTarget.ok)}` : '',
        fmtMiB(r.rss),
        rssTarget ? `${rssTarget.text} ${mark(r.error ? false : rssTarget.ok)}` : '',
      ]);
    add(small[0].label, smallResults[0], undefined, undefined, 1);
    for (let i = 1; i < small.length; i++) {
      const r = smallResults[i];
      const ratio = r.ms / nodeMs;
      const limit = small[i].key === 'validate' ? 2 : 3;
      const goal = small[i].key === 'validate' ? '' : ' (goal 2×)';
      add(small[i].label, r, { text: `≤ ${limit}×${goal}`, ok: ratio <= limit }, { text: '≤ 100 MiB', ok: r.rss <= 100 * MiB }, ratio);
    }
    const LIMITS_1000 = { validate: 2000, emit: 4000 };
    for (const [n, { commands, results }] of big) {
      commands.forEach((c, i) => {
        const r = results[i];
        let timeTarget;
        let rssTarget;
        if (n === 1000) {
          if (LIMITS_1000[c.key]) timeTarget = { text: `≤ ${fmtMs(LIMITS_1000[c.key])}`, ok: r.ms <= LIMITS_1000[c.key] };
          rssTarget = { text: '≤ 300 MiB', ok: r.rss <= 300 * MiB };
        } else if (n === 3000 && big.has(1000)) {
          const base = big.get(1000).results[i];
          timeTarget = { text: `≤ 3 × ${fmtMs(base.ms)}`, ok: r.ms <= 3 * base.ms };
          rssTarget = { text: `≤ 3 × ${fmtMiB(base.rss)}`, ok: r.rss <= 3 * base.rss };
        }
        add(c.label, r, timeTarget, rssTarget, r.ms / nodeMs);
      });
    }

    if (snap.error) rows.push(['price snapshot load', `failed (${snap.error})`, '', '', '', '']);
    else {
      rows.push(['price snapshot load: file + first region (plan)', fmtMs(snap.file + snap.firstRegion), '', `≤ 50 ms ${mark(snap.file + snap.firstRegion <= 50)}`, '', '']);
      rows.push(['  of which: snapshot.json / region pack / 2nd region', `${fmtMs(snap.file)} / ${fmtMs(snap.firstRegion)} / ${fmtMs(snap.secondRegion)}`, '', '', '', '']);
      rows.push([`  all 34 region packs (${snap.items.toLocaleString('en')} items; tools only)`, fmtMs(snap.allRegions), '', '', '', '']);
    }
    const header = ['', 'time (median)', '÷ node', 'target', 'peak RSS', 'target'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]].length)));
    const line = (cols) => cols.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join('  ').trimEnd();
    console.log(`dex bench — ${root}; Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs`);
    console.log(`whole processes, side by side; ${RUNS} runs each for node and the reference, ${BIG_RUNS} for the generated specs (scripts/bench-spec.mjs)\n`);
    console.log(line(header));
    for (const r of rows) console.log(line(r));

    if (big.has(1000) && big.has(3000)) {
      console.log('\nfitted exponent, log(t3000 / t1000) / log(3) — target ≤ 1.1:');
      big.get(1000).commands.forEach((c, i) => {
        const a = big.get(1000).results[i];
        const b = big.get(3000).results[i];
        const k = Math.log(b.ms / a.ms) / Math.log(3);
        const kr = Math.log(b.rss / a.rss) / Math.log(3);
        const ok = Number.isFinite(k) && k <= 1.1;
        console.log(`  dex ${c.key.padEnd(8)} ${Number.isFinite(k) ? k.toFixed(2) : 'n/a'} ${mark(ok)}   (peak RSS: ${Number.isFinite(kr) ? kr.toFixed(2) : 'n/a'})`);
      });
    }
    console.log(`\n(bench took ${fmtMs(performance.now() - started)})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  // A benchmark reports; it never fails the caller.
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
}
process.exitCode = 0;
