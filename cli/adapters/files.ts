// The file system, as the commands use it: reading the spec, writing output (emit's writer is
// injectable so tests can fail it part-way), and plain text files.
// Synchronous calls behind async signatures: a command does one thing at a time, and node:fs/promises
// (with the streams and readline it pulls in) would cost start-up more than it ever saves.
import { accessSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** The file-system operations emit needs; tests inject one that fails part-way. */
export interface OutputWriter {
  mkdir(path: string): Promise<void>;
  /** A new directory `prefix` + random characters, created exclusively (mkdtemp). */
  mkdtemp(prefix: string): Promise<string>;
  writeFile(path: string, content: string): Promise<void>;
  /** Creates `path` only if nothing is there (O_EXCL); false when something is. */
  createExclusive(path: string, content: string): Promise<boolean>;
  rename(from: string, to: string): Promise<void>;
  /** Recursive, and no error when the path does not exist. */
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** What is at `path`, without following a symbolic link. */
  kind(path: string): Promise<'missing' | 'file' | 'dir' | 'symlink' | 'other'>;
  readdir(path: string): Promise<string[]>;
  readText(path: string): Promise<string>;
  /** Milliseconds since `path` was last modified. */
  ageMs(path: string): Promise<number>;
}

export const fileSystemWriter: OutputWriter = {
  // Synchronous underneath: a 1,000-service spec writes thousands of small files, and a round trip
  // through the thread pool for each open, write and close cost more than the writing itself.
  mkdir: async (path) => void mkdirSync(path, { recursive: true }),
  writeFile: async (path, content) => writeFileSync(path, content),
  mkdtemp: async (prefix) => mkdtempSync(prefix),
  createExclusive: async (path, content) => {
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return true;
  },
  rename: async (from, to) => renameSync(from, to),
  remove: async (path) => rmSync(path, { recursive: true, force: true }),
  exists: async (path) => {
    try {
      lstatSync(path);
      return true;
    } catch {
      return false;
    }
  },
  kind: async (path) => {
    try {
      const s = lstatSync(path);
      return s.isSymbolicLink() ? 'symlink' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw err;
    }
  },
  readdir: async (path) => readdirSync(path),
  readText: (path) => readText(path),
  ageMs: async (path) => Date.now() - lstatSync(path).mtimeMs,
};

/**
 * Fault injection for the crash test (test/cli/emit-crash.test.ts): with DEX_FAULT_KILL_AFTER=N the
 * process kills itself (SIGKILL, no cleanup) right after its N-th write operation, as a power cut
 * or an OOM kill would.
 */
export function faultInjecting(writer: OutputWriter, env: Readonly<Record<string, string | undefined>>): OutputWriter {
  const after = Number(env.DEX_FAULT_KILL_AFTER);
  if (!Number.isInteger(after) || after <= 0) return writer;
  let count = 0;
  const step = <A extends unknown[], R>(op: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    const result = await op(...args);
    if (++count >= after) process.kill(process.pid, 'SIGKILL');
    return result;
  };
  return { ...writer, mkdir: step(writer.mkdir), mkdtemp: step(writer.mkdtemp), writeFile: step(writer.writeFile), createExclusive: step(writer.createExclusive), rename: step(writer.rename), remove: step(writer.remove) };
}

export type FileRead =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly code: string | undefined; readonly message: string }
  /** Larger than the bound: not read at all. */
  | { readonly ok: false; readonly code: 'TOO_LARGE'; readonly size: number; readonly message: string };

/**
 * A regular file's bytes, at most `maxBytes`, or why not (ENOENT, EISDIR, EACCES, NOT_A_FILE,
 * TOO_LARGE). The kind is checked before opening (opening a FIFO with no writer would hang), and
 * the size from the open descriptor before reading (a 1.5 GiB file, or /dev/zero, is never read).
 */
export async function readBytes(path: string, maxBytes: number): Promise<FileRead> {
  let fd: number | undefined;
  try {
    const kind = statSync(path);
    if (kind.isDirectory()) return { ok: false, code: 'EISDIR', message: 'it is a directory' };
    if (!kind.isFile()) return { ok: false, code: 'NOT_A_FILE', message: 'not a regular file (a FIFO, socket or device)' };
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const opened = fstatSync(fd);
    if (!opened.isFile()) return { ok: false, code: 'NOT_A_FILE', message: 'not a regular file (a FIFO, socket or device)' };
    if (opened.size > maxBytes) return { ok: false, code: 'TOO_LARGE', size: opened.size, message: `${opened.size} bytes` };
    // One byte more than the bound: a file that grew since fstat is caught too.
    const buffer = Buffer.alloc(Math.min(opened.size, maxBytes) + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    if (length > maxBytes) return { ok: false, code: 'TOO_LARGE', size: length, message: `more than ${maxBytes} bytes` };
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (err) {
    return { ok: false, code: (err as NodeJS.ErrnoException).code, message: (err as Error).message };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export const readText = async (path: string): Promise<string> => readFileSync(path, 'utf8');

/** Writes a text file, creating its directory. */
export async function writeText(path: string, text: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export async function exists(path: string): Promise<boolean> {
  try {
    accessSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A stream's bytes (standard input), read until it ends or has passed `maxBytes`: then `over` is
 * true and reading stops, so a runaway pipe costs at most one chunk more than the limit.
 */
export async function readStreamUpTo(stream: AsyncIterable<Uint8Array | string>, maxBytes: number): Promise<{ readonly bytes: Buffer; readonly over: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    chunks.push(bytes);
    length += bytes.length;
    if (length > maxBytes) return { bytes: Buffer.concat(chunks), over: true };
  }
  return { bytes: Buffer.concat(chunks), over: false };
}
