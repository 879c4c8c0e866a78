// `dex emit [FILE] [--env E] [--out DIR]`: out/<env>/cloudformation/*.yaml and out/<env>/plan.json.
// Nothing touches the disk for an invalid spec. The output folder is replaced as one transaction
// (cli/adapters/output-tree.ts): under a lock, staged, committed by a journal, so a failure, a
// kill -9 or a concurrent emit leaves the previous or the new output whole, never a mix.
import { dirname, join, relative, resolve, sep } from 'node:path';
import { compileEmit, compileSystemEmit, emitTargets, type EnvironmentOutput } from '../../pipeline/emit.js';
import { SYSTEM_OUTPUT_DIR } from '../../emitters/index.js';
import { analysisBootstraps, compileBootstrapEmit } from '../../pipeline/bootstrap.js';
import { BOOTSTRAP_OUTPUT_DIR } from '../../services/bootstrap.js';
import { nextSteps } from '../../pipeline/next-steps.js';
import type { Registries } from '../../pipeline/registries.js';
import type { Diagnostic } from '../../spec/diagnostics.js';
import { readPackageAssets } from '../adapters/assets.js';
import { faultInjecting, fileSystemWriter, type OutputWriter } from '../adapters/files.js';
import { openOutput, OutputError, type OutputTransaction } from '../adapters/output-tree.js';
import { outputPaths } from '../adapters/repository.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { readAndAnalyze } from '../read-spec.js';
import { renderDiagnostics } from '../render.js';
import { wrap } from '../layout.js';

export interface EmitArgs {
  readonly file: string;
  readonly environment?: string;
  readonly out?: string;
  /** No summary and no next steps: only problems, on stderr. */
  readonly quiet?: boolean;
}

export interface EmitRunOptions {
  readonly writer?: OutputWriter;
  /** Tests swap in fake building blocks. */
  readonly registries?: Registries;
  /** How long to wait for another emit into the same folder (default 60 s). */
  readonly lockWaitMs?: number;
}

export async function runEmit(args: EmitArgs, io: CliIO, options: EmitRunOptions = {}): Promise<number> {
  const writer = faultInjecting(options.writer ?? fileSystemWriter, io.env);
  const color = colorEnabled(io.stderr, io.env);
  const analyzed = await readAndAnalyze(args, io, 'nothing written', { ...(options.registries ? { registries: options.registries } : {}), ...(args.out !== undefined ? { outDir: resolve(io.cwd, args.out) } : {}) });
  if (!analyzed.ok) return analyzed.exitCode;
  const { analysis } = analyzed;

  const outDir = args.out !== undefined ? resolve(io.cwd, args.out) : join(dirname(analyzed.absolute), 'out');
  const paths = outputPaths(analyzed.absolute, outDir);
  let output: OutputTransaction;
  try {
    output = await openOutput(outDir, writer, options.lockWaitMs !== undefined ? { waitMs: options.lockWaitMs } : {});
  } catch (err) {
    return writeFailed(io, color, outDir, err, 'nothing was written');
  }
  // Each environment is staged as soon as it is compiled, and its text dropped (a 1,000-service
  // system has ~60 MB of it per environment); nothing is swapped in until every environment is
  // compiled and staged, so an internal error still leaves no half output.
  const written: { output: EnvironmentOutput; ms: number; fileCount: number; kind: 'environment' | 'bootstrap' | 'ci'; detail?: string }[] = [];
  let failedPath = outDir;
  /** Stages one output and returns it without its text. */
  const stage = async (out: EnvironmentOutput, ms: number, kind: 'environment' | 'bootstrap' | 'ci' = 'environment', detail?: string): Promise<EnvironmentOutput> => {
    const started = performance.now();
    failedPath = join(outDir, out.environment);
    await output.stage(out.environment, out.files);
    const staged = { ...out, files: [] };
    written.push({ output: staged, ms: ms + performance.now() - started, fileCount: out.files.length, kind, ...(detail !== undefined ? { detail } : {}) });
    return staged;
  };
  try {
    try {
      const compiledOutputs: EnvironmentOutput[] = [];
      for (const compiled of emitTargets(analysis, args.environment)) {
        const started = performance.now();
        const out = compileEmit(compiled, { specFile: paths.specFile, emitters: analysis.registries.environmentEmitters });
        compiledOutputs.push(await stage(out, performance.now() - started));
      }
      // The bootstrap and the pipeline span environments: out/bootstrap/ and out/ci/ are written
      // like more environment directories.
      const bootstrapStarted = performance.now();
      const bootstraps = analysisBootstraps(analysis, compiledOutputs);
      const bootstrapFiles = compileBootstrapEmit(bootstraps, paths.specFile);
      if (bootstrapFiles.length > 0) {
        const first = bootstraps[0]!;
        const stacks = bootstraps.reduce((n, b) => n + b.plan.stacks.length, 0);
        const accounts = new Set(bootstraps.map((b) => b.target.account ?? '')).size;
        const detail = `${stacks} stack${stacks === 1 ? '' : 's'} in ${accounts} account${accounts === 1 ? '' : 's'}, ${bootstraps.length} region${bootstraps.length === 1 ? '' : 's'}`;
        await stage({ environment: BOOTSTRAP_OUTPUT_DIR, model: first.model, plan: first.plan, files: bootstrapFiles }, performance.now() - bootstrapStarted, 'bootstrap', detail);
      }
      const started = performance.now();
      const files = compileSystemEmit(analysis, { specFile: paths.specFile, outDir: paths.outDir, assets: readPackageAssets(), compiled: compiledOutputs });
      if (files.length > 0) {
        const first = compiledOutputs[0]!;
        await stage({ environment: SYSTEM_OUTPUT_DIR, model: first.model, plan: first.plan, files }, performance.now() - started, 'ci');
      }
    } catch (err) {
      await output.abort();
      if (err instanceof OutputError || isFileSystemError(err)) return writeFailed(io, color, failedPath, err, 'the previous output is unchanged');
      throw err; // an internal error while compiling: reported as DEX999, nothing written
    }
    try {
      await output.commit();
    } catch (err) {
      return writeFailed(io, color, outDir, err, 'the previous output is unchanged');
    }
  } finally {
    await output.release();
  }

  if (args.quiet) return EXIT.ok;
  for (const s of written) {
    const env = s.output.environment;
    const shown = (relative(io.cwd, join(outDir, env)) || '.').split(sep).join('/');
    if (s.kind === 'ci') {
      io.stdout.write(`${env}: ${s.fileCount} pipeline files → ${shown} (${Math.round(s.ms)} ms)\n`);
      continue;
    }
    if (s.kind === 'bootstrap') {
      io.stdout.write(`${env}: ${s.detail ?? ''}, ${s.fileCount} files → ${shown} (${Math.round(s.ms)} ms)\n`);
      continue;
    }
    const stacks = s.output.plan.stacks.length;
    const resources = s.output.model.resources.length;
    io.stdout.write(`${env}: ${stacks} stack${stacks === 1 ? '' : 's'}, ${resources} resource${resources === 1 ? '' : 's'}, ${s.fileCount} files → ${shown} (${Math.round(s.ms)} ms)\n`);
  }
  const steps = nextSteps({
    compiled: emitTargets(analysis, args.environment),
    specFile: args.file,
    outDir: (relative(io.cwd, outDir) || '.').split(sep).join('/'),
    wroteBootstrap: written.some((w) => w.kind === 'bootstrap'),
    wroteCi: written.some((w) => w.kind === 'ci'),
  });
  if (steps.length > 0) {
    io.stdout.write(`\nnext steps (docs/deploy.md has the whole path; --quiet leaves this out):\n${steps.map((step, i) => `${wrap(`${i + 1}. ${step.what}`, 78, '  ', '     ').map((l) => `${l}\n`).join('')}${step.command ? `       ${step.command}\n` : ''}`).join('')}`);
  }
  return EXIT.ok;
}

/** An error of the file system (it has an errno code), as opposed to a bug in dex. */
function isFileSystemError(err: unknown): boolean {
  return typeof (err as NodeJS.ErrnoException | undefined)?.code === 'string';
}

function writeFailed(io: CliIO, color: boolean, path: string, err: unknown, consequence: string): number {
  const diagnostic: Diagnostic =
    err instanceof OutputError
      ? { code: err.code, severity: 'error', message: `${relativeTo(io, err.path)}: ${err.message.replaceAll(err.path, relativeTo(io, err.path))}; ${consequence}`, path: [], hint: err.hint }
      : {
          code: 'DEX901',
          severity: 'error',
          message: `cannot write ${relativeTo(io, path)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message ?? String(err)}; ${consequence}`,
          path: [],
          hint: 'check that the output directory is writable and on one file system (--out DIR)',
        };
  io.stderr.write(renderDiagnostics([diagnostic], { format: 'text', color }));
  return EXIT.failed;
}

const relativeTo = (io: CliIO, path: string): string => relative(io.cwd, path) || path;
