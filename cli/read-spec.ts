// Reading the spec file: the CLI's side of the pipeline (the phases themselves never touch disk).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Diagnostic } from '../spec/diagnostics.js';

export type SpecFileRead = { ok: true; bytes: Uint8Array; absolute: string } | { ok: false; diagnostic: Diagnostic };

export async function readSpecFile(file: string, cwd: string): Promise<SpecFileRead> {
  const absolute = resolve(cwd, file);
  try {
    return { ok: true, bytes: await readFile(absolute), absolute };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    return {
      ok: false,
      diagnostic: {
        code: 'DEX100',
        severity: 'error',
        message: `cannot read ${file}: ${reason}`,
        path: [],
        file,
        hint: code === 'ENOENT' ? 'pass the path of your dex.yaml, or run `dex init` to create one' : undefined,
      },
    };
  }
}
