// The file system, as the commands use it: reading the spec, writing output (emit's writer is
// injectable so tests can fail it part-way), and plain text files.
// Synchronous calls behind async signatures: a command does one thing at a time, and node:fs/promises
// (with the streams and readline it pulls in) would cost start-up more than it ever saves.
import { accessSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The file-system operations emit needs; tests inject one that fails part-way. */
export interface OutputWriter {
  mkdir(path: string): Promise<void>;
  writeFile(path: string, content: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Recursive, and no error when the path does not exist. */
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
}

export const fileSystemWriter: OutputWriter = {
  // Synchronous underneath: a 1,000-service spec writes thousands of small files, and a round trip
  // through the thread pool for each open, write and close cost more than the writing itself.
  mkdir: async (path) => void mkdirSync(path, { recursive: true }),
  writeFile: async (path, content) => writeFileSync(path, content),
  rename: async (from, to) => renameSync(from, to),
  remove: async (path) => rmSync(path, { recursive: true, force: true }),
  exists: async (path) => {
    try {
      statSync(path);
      return true;
    } catch {
      return false;
    }
  },
};

export type FileRead = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly code: string | undefined; readonly message: string };

/** A file's bytes, or why it cannot be read (ENOENT, EISDIR, EACCES…). */
export async function readBytes(path: string): Promise<FileRead> {
  try {
    return { ok: true, bytes: readFileSync(path) };
  } catch (err) {
    return { ok: false, code: (err as NodeJS.ErrnoException).code, message: (err as Error).message };
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
