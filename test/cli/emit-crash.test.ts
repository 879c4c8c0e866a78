// The output folder survives what a real machine does to it: `dex emit` (bin/dex.js, as users run it)
// killed with SIGKILL at every kind of point of replacing a good output, and emits racing each other
// into one folder. After each, the folder holds the previous or the new output whole — after the
// recovery the next run does — never neither and never a mix, and the next emit succeeds.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSystemWriter, type OutputWriter } from '../../cli/adapters/files.js';
import { runEmit } from '../../cli/commands/emit.js';
import { captureIO } from '../support/io.js';
import { LOCK_FILE, openOutput, recover } from '../../cli/adapters/output-tree.js';
import { prng } from '../support/generate-spec.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/dex.js');
let work: string;
let specA: string;
let specB: string;
let treeA: Record<string, string>;
let treeB: Record<string, string>;

/** Every file under `dir` (the visible output: top-level dot entries are dex's own bookkeeping). */
function tree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir).sort()) {
    if (dir === base && name.startsWith('.')) continue;
    const full = join(dir, name);
    if (lstatSync(full).isDirectory()) tree(full, base, out);
    else out[full.slice(base.length + 1)] = readFileSync(full, 'utf8');
  }
  return out;
}

function emit(spec: string, out: string, env: Record<string, string> = {}, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'emit', spec, '--out', out], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

const same = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(a) === JSON.stringify(b);
const which = (t: Record<string, string>) => (same(t, treeA) ? 'A' : same(t, treeB) ? 'B' : 'mixed or missing');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'dex-crash-'));
  // Two environments: a mix (one replaced, the other not) would be possible, and must not happen.
  const text = `${readFileSync(join(ROOT, 'examples/minimal/dex.yaml'), 'utf8')}\nenvironments:\n  staging: {}\n  production: {}\n`;
  specA = join(work, 'a.dex.yaml');
  specB = join(work, 'b.dex.yaml');
  writeFileSync(specA, text);
  // Another system name: every emitted file differs, so a mix of the two is visible.
  writeFileSync(specB, text.replace(/^name: (\S+)/m, 'name: $1-b'));
  expect(readFileSync(specB, 'utf8')).not.toBe(text);
  for (const [spec, dir] of [[specA, 'ref-a'], [specB, 'ref-b']] as const) expect((await emit(spec, join(work, dir))).code).toBe(0);
  treeA = tree(join(work, 'ref-a'));
  treeB = tree(join(work, 'ref-b'));
  expect(Object.keys(treeA).length).toBeGreaterThan(3);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('dex emit under kill -9', () => {
  it('killed after each of its write operations, over a good output: recovered to one whole output, and the next emit succeeds', async () => {
    // How many write operations replacing the output takes, counted in-process the way
    // DEX_FAULT_KILL_AFTER counts them; the 30 kill points are spread over all of them.
    const countDir = join(work, 'count');
    cpSync(join(work, 'ref-a'), countDir, { recursive: true });
    let total = 0;
    const counting: OutputWriter = { ...fileSystemWriter };
    for (const op of ['mkdir', 'mkdtemp', 'writeFile', 'createExclusive', 'rename', 'remove'] as const) {
      const original = fileSystemWriter[op] as (...args: never[]) => Promise<unknown>;
      (counting as unknown as Record<string, unknown>)[op] = async (...args: never[]) => (total++, original(...args));
    }
    expect(await runEmit({ file: specB, out: countDir }, captureIO(work), { writer: counting })).toBe(0);
    expect(total).toBeGreaterThan(10);
    const rounds = 30;
    const seen = new Set<string>();
    const jobs = Array.from({ length: rounds }, async (_, i) => {
      const out = join(work, `kill-${i}`);
      cpSync(join(work, 'ref-a'), out, { recursive: true });
      // Spread over the whole run: staging (early), the journal and swaps (late), cleanup (last).
      const n = 1 + Math.floor((i * (total - 1)) / (rounds - 1));
      const r = await emit(specB, out, { DEX_FAULT_KILL_AFTER: String(n) });
      expect(r.signal === 'SIGKILL' || r.code === 0, r.stderr).toBe(true);
      await recover(out, fileSystemWriter);
      const state = which(tree(out));
      seen.add(state);
      expect(state, `killed after ${n} operations`).not.toBe('mixed or missing');
      // A stale lock of the killed process must not stop the next emit.
      const next = await emit(specA, out);
      expect(next.code, next.stderr).toBe(0);
      expect(which(tree(out))).toBe('A');
      expect(readdirSync(out).filter((x) => x.startsWith('.'))).toEqual([]);
    });
    for (let i = 0; i < jobs.length; i += 2) await Promise.all(jobs.slice(i, i + 2));
    // The kill points reached both sides of the commit.
    expect(seen).toEqual(new Set(['A', 'B']));
  }, 180_000);

  it('killed from outside at random moments: the same guarantee', async () => {
    const random = prng(7);
    for (let i = 0; i < 8; i++) {
      const out = join(work, `random-${i}`);
      cpSync(join(work, 'ref-a'), out, { recursive: true });
      await emit(specB, out, {}, 60 + Math.floor(random() * 400));
      await recover(out, fileSystemWriter);
      expect(which(tree(out))).not.toBe('mixed or missing');
      expect((await emit(specB, out)).code).toBe(0);
      expect(which(tree(out))).toBe('B');
    }
  }, 120_000);
});

describe('concurrent emits into one folder', () => {
  it('a lock released between our attempt and our look at it is not an error: the next attempt takes it', async () => {
    const out = join(work, 'lock-released');
    mkdirSync(out, { recursive: true });
    let attempts = 0;
    const gone = () => Promise.reject(Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' }));
    // The first attempt finds the lock held; by the time we read it (empty, then its age) its owner removed it.
    const racing: OutputWriter = {
      ...fileSystemWriter,
      createExclusive: async (path, content) => (++attempts === 1 ? false : fileSystemWriter.createExclusive(path, content)),
      readText: async (path) => (path.endsWith(LOCK_FILE) && attempts === 1 ? gone() : fileSystemWriter.readText(path)),
      ageMs: async (path) => (path.endsWith(LOCK_FILE) && attempts === 1 ? gone() : fileSystemWriter.ageMs(path)),
    };
    const tx = await openOutput(out, racing, { pollMs: 1 });
    expect(attempts).toBe(2);
    expect(existsSync(join(out, LOCK_FILE))).toBe(true);
    await tx.release();
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('20 pairs of racing emits: both succeed, and one whole output remains', async () => {
    for (let i = 0; i < 20; i++) {
      const out = join(work, `race-${i}`);
      if (i % 2 === 0) cpSync(join(work, 'ref-a'), out, { recursive: true });
      const [a, b] = await Promise.all([emit(specA, out), emit(specB, out)]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      expect(which(tree(out))).not.toBe('mixed or missing');
      expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    }
  }, 180_000);
});

describe('what dex did not write', () => {
  it('refuses a regular file, a symbolic link or a foreign directory in the way, and writes nothing', async () => {
    const cases: [string, (out: string) => void][] = [
      ['a file', (out) => writeFileSync(join(out, 'staging'), 'mine')],
      ['a symlink', (out) => symlinkSync(join(work, 'elsewhere'), join(out, 'staging'))],
      ['a foreign directory', (out) => (mkdirSync(join(out, 'production')), writeFileSync(join(out, 'production', 'notes.txt'), 'mine'))],
    ];
    mkdirSync(join(work, 'elsewhere'), { recursive: true });
    for (const [what, plant] of cases) {
      const out = join(work, `foreign-${what.replace(/\W/g, '')}`);
      mkdirSync(out, { recursive: true });
      plant(out);
      const before = readdirSync(out).sort();
      const r = await emit(specA, out);
      expect(r.code, what).toBe(1);
      expect(r.stderr, what).toContain('DEX904');
      expect(readdirSync(out).sort(), what).toEqual(before);
      expect(readdirSync(join(work, 'elsewhere'))).toEqual([]);
    }
  }, 60_000);
});
