// The output folder as a transaction: `dex emit` replaces out/<env>/ directories so that, whatever
// happens — a failed write, a kill -9 at any instruction, a second emit at the same time — the
// folder holds either the previous output whole or the new output whole, never neither and never
// a mix of the two.
//
//   lock      out/.dex-emit.lock, created with O_EXCL; a second emit waits for it (a lock whose
//             process is gone is taken over).
//   recover   a journal left by a crash is finished (roll forward); temporary folders of an emit
//             that never committed are removed.
//   stage     each directory is written into a fresh mkdtemp() folder (unpredictable name, nothing
//             planted there can be followed).
//   commit    the journal (renamed into place: the commit point) lists every swap; then, per
//             directory, old → backup and staged → target, only renames; then backups and the
//             journal go. A failure before the journal rolls back; after it, the next run rolls on.
//
// dex replaces only what it wrote: a directory holding a dex plan.json or the release script, or an
// empty one. A file, a symlink or a foreign directory in the way is refused, not deleted.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EmittedFile } from '../../compiler/model/output.js';
import type { OutputWriter } from './files.js';

export const LOCK_FILE = '.dex-emit.lock';
export const JOURNAL_FILE = '.dex-emit.journal';
const NEW = '.dex-new-';
const OLD = '.dex-old-';

/** Why the output could not be replaced; `code` is the diagnostic's. */
export class OutputError extends Error {
  constructor(
    readonly code: 'DEX901' | 'DEX903' | 'DEX904',
    readonly path: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

interface Entry {
  /** Directory names in the output folder. */
  readonly target: string;
  readonly temp: string;
  readonly backup: string;
}

interface Journal {
  readonly dex: 1;
  readonly entries: readonly Entry[];
}

export interface OutputTransaction {
  /** Writes one directory's files into its staging folder. */
  stage(target: string, files: readonly EmittedFile[]): Promise<void>;
  /** Swaps every staged directory in; on failure the previous output is put back. */
  commit(): Promise<void>;
  /** Removes what was staged (nothing was swapped in). */
  abort(): Promise<void>;
  /** Releases the lock; always call it. */
  release(): Promise<void>;
  /** Where `target` is written before the swap, for messages. */
  readonly outDir: string;
}

export interface OpenOptions {
  /** How long a second emit waits for the first (default 60 s). */
  readonly waitMs?: number;
  readonly pollMs?: number;
}

/** Takes the lock, finishes or clears what a crashed emit left, and returns the transaction. */
export async function openOutput(outDir: string, writer: OutputWriter, options: OpenOptions = {}): Promise<OutputTransaction> {
  await writer.mkdir(outDir);
  if ((await writer.kind(outDir)) !== 'dir') throw new OutputError('DEX904', outDir, `${outDir} is not a directory`, 'pass --out a directory dex may write into');
  const lock = join(outDir, LOCK_FILE);
  await acquire(lock, writer, options);
  try {
    await recover(outDir, writer);
  } catch (err) {
    await writer.remove(lock).catch(() => undefined);
    throw err;
  }

  const entries: Entry[] = [];
  const remove = (name: string) => writer.remove(join(outDir, name)).catch(() => undefined);
  return {
    outDir,
    async stage(target, files) {
      await refuseForeign(outDir, target, writer);
      const tempPath = await writer.mkdtemp(join(outDir, `.${target}${NEW}`));
      const temp = tempPath.slice(outDir.length + 1);
      entries.push({ target, temp, backup: temp.replace(NEW, OLD) });
      const dirs = new Set<string>();
      for (const f of files) {
        const parts = f.path.split('/');
        for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
      }
      for (const dir of [...dirs].sort()) await writer.mkdir(join(tempPath, ...dir.split('/')));
      for (const f of files) await writer.writeFile(join(tempPath, ...f.path.split('/')), f.content);
    },
    async commit() {
      const journal: Journal = { dex: 1, entries };
      await writer.writeFile(join(outDir, `${JOURNAL_FILE}.tmp`), `${JSON.stringify(journal)}\n`);
      await writer.rename(join(outDir, `${JOURNAL_FILE}.tmp`), join(outDir, JOURNAL_FILE));
      try {
        for (const e of entries) await swapIn(outDir, e, writer);
      } catch (err) {
        // Not a crash: the previous output can be put back now, whole.
        await rollBack(outDir, entries, writer);
        throw err;
      }
      for (const e of entries) await remove(e.backup);
      await remove(JOURNAL_FILE);
    },
    async abort() {
      for (const e of entries) await remove(e.temp);
      await remove(`${JOURNAL_FILE}.tmp`);
    },
    async release() {
      await writer.remove(lock).catch(() => undefined);
    },
  };
}

async function swapIn(outDir: string, e: Entry, writer: OutputWriter): Promise<void> {
  const target = join(outDir, e.target);
  const temp = join(outDir, e.temp);
  if (!(await writer.exists(temp))) return; // already swapped in
  if (await writer.exists(target)) await writer.rename(target, join(outDir, e.backup));
  await writer.rename(temp, target);
}

async function rollBack(outDir: string, entries: readonly Entry[], writer: OutputWriter): Promise<void> {
  for (const e of [...entries].reverse()) {
    const target = join(outDir, e.target);
    const backup = join(outDir, e.backup);
    const temp = join(outDir, e.temp);
    // Swapped in (its staging folder is gone): take the new output out again.
    if (!(await writer.exists(temp)) && (await writer.exists(target))) await writer.remove(target);
    if (await writer.exists(backup)) await writer.rename(backup, target);
    await writer.remove(temp).catch(() => undefined);
  }
  await writer.remove(join(outDir, JOURNAL_FILE));
}

/**
 * What a crashed emit left: a journal means it had committed, so its swaps are finished; without
 * one, its staging folders are removed. A backup whose target is missing (an interrupted swap of an
 * older dex) is put back rather than lost.
 */
export async function recover(outDir: string, writer: OutputWriter): Promise<void> {
  const journalPath = join(outDir, JOURNAL_FILE);
  if (await writer.exists(journalPath)) {
    let journal: Journal | undefined;
    try {
      journal = JSON.parse(await writer.readText(journalPath)) as Journal;
    } catch {
      journal = undefined;
    }
    if (journal && Array.isArray(journal.entries)) {
      for (const e of journal.entries) if (safeName(e.target) && safeName(e.temp) && safeName(e.backup)) await swapIn(outDir, e, writer);
    }
    await writer.remove(journalPath);
  }
  for (const name of await writer.readdir(outDir)) {
    if (name === `${JOURNAL_FILE}.tmp`) await writer.remove(join(outDir, name));
    else if (name.startsWith('.') && name.includes(NEW)) await writer.remove(join(outDir, name));
    else if (name.startsWith('.') && name.includes(OLD)) {
      const target = name.slice(1, name.indexOf(OLD));
      if (safeName(target) && !(await writer.exists(join(outDir, target)))) await writer.rename(join(outDir, name), join(outDir, target));
      else await writer.remove(join(outDir, name));
    }
  }
}

/** A name inside the output folder, never a path out of it. */
function safeName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && !name.includes('/') && !name.includes('\\') && name !== '.' && name !== '..';
}

/** Refuses to replace what dex did not write: a file, a symlink, or a directory with none of its files. */
async function refuseForeign(outDir: string, target: string, writer: OutputWriter): Promise<void> {
  const path = join(outDir, target);
  const kind = await writer.kind(path);
  if (kind === 'missing') return;
  const hint = `move it away, or pass --out another directory`;
  if (kind === 'symlink') throw new OutputError('DEX904', path, `${path} is a symbolic link: dex does not replace or follow it`, hint);
  if (kind !== 'dir') throw new OutputError('DEX904', path, `${path} is a file dex did not write: dex does not replace it`, hint);
  const names = await writer.readdir(path);
  if (names.length === 0) return;
  if (names.includes('plan.json')) {
    try {
      if ((JSON.parse(await writer.readText(join(path, 'plan.json'))) as { dex?: unknown }).dex === 1) return;
    } catch {
      // not dex's plan.json: refused below
    }
  }
  if (names.includes('scripts') && (await writer.exists(join(path, 'scripts', 'release.sh')))) return;
  // out/bootstrap/: its deploy script says it is dex's in its first lines.
  if (names.includes('deploy.sh') && /^# Bootstrap of .*, generated by dex/m.test((await writer.readText(join(path, 'deploy.sh'))).slice(0, 400))) return;
  throw new OutputError('DEX904', path, `${path} holds files dex did not write (no dex plan.json, release script or bootstrap script): dex does not replace it`, hint);
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

async function acquire(lock: string, writer: OutputWriter, options: OpenOptions): Promise<void> {
  const waitMs = options.waitMs ?? 60_000;
  const pollMs = options.pollMs ?? 50;
  const deadline = Date.now() + waitMs;
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (;;) {
    if (await writer.createExclusive(lock, `${JSON.stringify(me)}\n`)) return;
    if (await isStale(lock, writer)) {
      await writer.remove(lock);
      continue;
    }
    if (Date.now() >= deadline) {
      let owner = 'another process';
      try {
        const o = JSON.parse(await writer.readText(lock)) as LockOwner;
        owner = `process ${o.pid} on ${o.host} (since ${o.started})`;
      } catch {
        // unreadable: described generically
      }
      throw new OutputError('DEX903', lock, `another dex emit is writing to ${lock.slice(0, -LOCK_FILE.length - 1)}: ${owner}`, `wait for it to finish; if no dex runs, remove ${lock}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** A lock whose process is gone (killed, crashed) on this host, or that was never written whole. */
async function isStale(lock: string, writer: OutputWriter): Promise<boolean> {
  let owner: LockOwner;
  try {
    owner = JSON.parse(await writer.readText(lock)) as LockOwner;
  } catch {
    // Created but not yet written, or cut short by a crash: stale once it is old enough. Gone
    // already (its owner released it between our attempt and this read): not stale, try again.
    try {
      return (await writer.ageMs(lock)) > 5_000;
    } catch {
      return false;
    }
  }
  if (owner.host !== hostname() || !Number.isInteger(owner.pid)) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
