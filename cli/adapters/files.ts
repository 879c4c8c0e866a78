// The file system, as the commands use it: reading the spec, writing output (emit's writer is
// injectable so tests can fail it part-way), and plain text files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { recursive: true, force: true }),
  exists: async (path) => {
    try {
      await stat(path);
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
    return { ok: true, bytes: await readFile(path) };
  } catch (err) {
    return { ok: false, code: (err as NodeJS.ErrnoException).code, message: (err as Error).message };
  }
}

export const readText = (path: string): Promise<string> => readFile(path, 'utf8');

/** Writes a text file, creating its directory. */
export async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
