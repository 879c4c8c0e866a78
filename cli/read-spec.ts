// Reading the spec file: the CLI's side of the pipeline (the phases themselves never touch disk).
import { dirname, join, resolve } from 'node:path';
import { analyzeSpec, systemClock, type Analysis } from '../pipeline/analyze.js';
import type { Clock } from '../compiler/model/types.js';
import type { Registries } from '../pipeline/registries.js';
import type { Diagnostic } from '../spec/diagnostics.js';
import { LOAD_LIMITS } from '../spec/load.js';
import { readExistingEksClusters } from './adapters/baselines.js';
import { readBytes } from './adapters/files.js';
import { colorEnabled, EXIT, terminalWidth, type CliIO } from './io.js';
import { wrap } from './layout.js';
import { countLabel, renderDiagnostics } from './render.js';

export type SpecFileRead = { ok: true; bytes: Uint8Array; absolute: string } | { ok: false; diagnostic: Diagnostic };

export async function readSpecFile(file: string, cwd: string): Promise<SpecFileRead> {
  const absolute = resolve(cwd, file);
  const read = await readBytes(absolute, LOAD_LIMITS.maxBytes);
  if (read.ok) return { ok: true, bytes: read.bytes, absolute };
  const { code } = read;
  if (code === 'TOO_LARGE') {
    const mib = (LOAD_LIMITS.maxBytes / 1024 / 1024).toFixed(0);
    return { ok: false, diagnostic: { code: 'DEX101', severity: 'error', message: `${file} is larger than ${mib} MiB (${read.message}); dex reads at most ${mib} MiB and did not read it`, path: [], file, hint: 'a dex.yaml describes a system, not its data: is this the right file?' } };
  }
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : code === 'NOT_A_FILE' ? 'not a regular file (a FIFO, socket or device)' : read.message;
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

/**
 * A wrong command line rather than a wrong spec: the file cannot be read (DEX100) or --env names no
 * environment (DEX400). These exit 2, unless 2 means something else for the command.
 */
export function isUsageProblem(diagnostics: readonly Diagnostic[]): boolean {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return errors.length > 0 && errors.every((d) => d.code === 'DEX100' || d.code === 'DEX400');
}

export type AnalyzedSpec = { ok: true; analysis: Analysis; absolute: string } | { ok: false; exitCode: number };

/**
 * The date dex judges the EKS support calendar on: DEX_TODAY (YYYY-MM-DD) when set, so a CI run
 * or a test gives the same answer on any day, else the system clock.
 */
export function clockFrom(env: CliIO['env']): Clock {
  const day = env.DEX_TODAY;
  if (day !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`))) return () => new Date(`${day}T00:00:00Z`);
  return systemClock;
}

/** Where `dex emit` writes without --out: out/ beside the spec. */
export function defaultOutDir(specAbsolute: string): string {
  return join(dirname(specAbsolute), 'out');
}

/** The EKS clusters of the last emit (out/<env>/plan.json), for the EKS version rule. */
export function existingEksClusters(specAbsolute: string, outDir?: string): Record<string, string> {
  return readExistingEksClusters(outDir ?? defaultOutDir(specAbsolute));
}

export interface ReadAndAnalyzeOptions {
  /** The exit code of a usage problem (dex plan --detailed-exitcode keeps 2 for "changes"). */
  readonly usageExit?: number;
  readonly registries?: Registries;
  /** The output directory whose plan.json files say which EKS clusters exist (default: out/ beside the spec). */
  readonly outDir?: string;
  /** Print only the errors (a command whose output is not about the findings, such as dex show). */
  readonly errorsOnly?: boolean;
}

/**
 * The start of every command that acts on a valid spec (emit, plan): read and analyze the file,
 * print its diagnostics on stderr, and stop on an unreadable file or unknown environment (usage)
 * or an invalid spec. `outcome` finishes the sentence "invalid — N errors; …" (e.g. "nothing written").
 */
export async function readAndAnalyze(
  args: { readonly file: string; readonly environment?: string },
  io: CliIO,
  outcome: string,
  options: ReadAndAnalyzeOptions = {},
): Promise<AnalyzedSpec> {
  const usageExit = options.usageExit ?? EXIT.usage;
  const color = colorEnabled(io.stderr, io.env);
  const width = terminalWidth(io.stderr, io.env);
  const read = await readSpecFile(args.file, io.cwd);
  if (!read.ok) {
    io.stderr.write(renderDiagnostics([read.diagnostic], { format: 'text', color, width }));
    // A path that names no readable file is a usage error; a file too large to read is a bad spec.
    return { ok: false, exitCode: isUsageProblem([read.diagnostic]) ? usageExit : EXIT.failed };
  }
  const analysis = analyzeSpec(read.bytes, args.file, {
    ...(args.environment !== undefined ? { environment: args.environment } : {}),
    ...(options.registries ? { registries: options.registries } : {}),
    existingEksClusters: existingEksClusters(read.absolute, options.outDir),
    today: clockFrom(io.env),
  });
  const shown = options.errorsOnly ? analysis.diagnostics.filter((d) => d.severity === 'error') : analysis.diagnostics;
  if (shown.length > 0) {
    io.stderr.write(renderDiagnostics(shown, { format: 'text', color, width, sourceText: (f) => (f === args.file ? analysis.source.text : undefined) }));
  }
  if (!analysis.ok) {
    io.stderr.write(`${wrap(`${args.file}: invalid — ${countLabel(analysis.diagnostics)}; ${outcome}`, width).join('\n')}\n`);
    return { ok: false, exitCode: isUsageProblem(analysis.diagnostics) ? usageExit : EXIT.failed };
  }
  return { ok: true, analysis, absolute: read.absolute };
}
