// Reading the spec file: the CLI's side of the pipeline (the phases themselves never touch disk).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { analyzeSpec, type Analysis } from '../compiler/analyze.js';
import type { Diagnostic } from '../spec/diagnostics.js';
import { colorEnabled, EXIT, type CliIO } from './io.js';
import { countLabel, renderDiagnostics } from './render.js';

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

export type AnalyzedSpec = { ok: true; analysis: Analysis; absolute: string } | { ok: false; exitCode: number };

/**
 * The start of every command that acts on a valid spec (emit, plan): read and analyze the file,
 * print its diagnostics on stderr, and stop on an unreadable file (usage) or an invalid spec.
 * `outcome` finishes the sentence "invalid — N errors; …" (e.g. "nothing written").
 */
export async function readAndAnalyze(
  args: { readonly file: string; readonly environment?: string },
  io: CliIO,
  outcome: string,
  usageExit: number = EXIT.usage,
): Promise<AnalyzedSpec> {
  const color = colorEnabled(io.stderr, io.env);
  const read = await readSpecFile(args.file, io.cwd);
  if (!read.ok) {
    io.stderr.write(renderDiagnostics([read.diagnostic], { format: 'text', color }));
    return { ok: false, exitCode: usageExit };
  }
  const analysis = analyzeSpec(read.bytes, args.file, { environment: args.environment });
  if (analysis.diagnostics.length > 0) {
    io.stderr.write(renderDiagnostics(analysis.diagnostics, { format: 'text', color, sourceText: (f) => (f === args.file ? analysis.source.text : undefined) }));
  }
  if (!analysis.ok) {
    io.stderr.write(`${args.file}: invalid — ${countLabel(analysis.diagnostics)}; ${outcome}\n`);
    return { ok: false, exitCode: EXIT.failed };
  }
  return { ok: true, analysis, absolute: read.absolute };
}
