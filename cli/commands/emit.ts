// `dex emit [FILE] [--env E] [--out DIR]`: out/<env>/cloudformation/*.yaml and out/<env>/plan.json.
// Everything is compiled in memory first; nothing touches the disk for an invalid spec. Each
// environment is written into a hidden sibling directory and swapped in by renames, so a failure
// at any point before the swap leaves the previous output exactly as it was.
import { dirname, join, relative, resolve, sep } from 'node:path';
import { compileEmit, compileSystemEmit, emitTargets, type EnvironmentOutput } from '../../pipeline/emit.js';
import { SYSTEM_OUTPUT_DIR } from '../../emitters/index.js';
import type { Registries } from '../../pipeline/registries.js';
import type { Diagnostic } from '../../spec/diagnostics.js';
import { readPackageAssets } from '../adapters/assets.js';
import { fileSystemWriter, type OutputWriter } from '../adapters/files.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { readAndAnalyze } from '../read-spec.js';
import { renderDiagnostics } from '../render.js';

export interface EmitArgs {
  readonly file: string;
  readonly environment?: string;
  readonly out?: string;
}

export interface EmitRunOptions {
  readonly writer?: OutputWriter;
  /** Tests swap in fake building blocks. */
  readonly registries?: Registries;
}

export async function runEmit(args: EmitArgs, io: CliIO, options: EmitRunOptions = {}): Promise<number> {
  const writer = options.writer ?? fileSystemWriter;
  const color = colorEnabled(io.stderr, io.env);
  const analyzed = await readAndAnalyze(args, io, 'nothing written', { ...(options.registries ? { registries: options.registries } : {}) });
  if (!analyzed.ok) return analyzed.exitCode;
  const { analysis } = analyzed;

  // Each environment is written to its hidden directory as soon as it is compiled, and its text
  // dropped (a 1,000-service system has ~60 MB of it per environment); nothing is swapped in until
  // every environment is compiled and staged, so an internal error still leaves no half output.
  const outDir = args.out !== undefined ? resolve(io.cwd, args.out) : join(dirname(analyzed.absolute), 'out');
  const staged: { env: string; temp: string; target: string; ms: number; output: EnvironmentOutput; fileCount: number; system: boolean }[] = [];
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  let failedPath = outDir;
  const discardStaged = async (): Promise<void> => {
    for (const s of staged) await writer.remove(s.temp).catch(() => undefined);
  };
  /** Writes one output into its hidden directory; the error when that fails. */
  const stage = async (output: EnvironmentOutput, ms: number, system = false): Promise<{ error: unknown } | undefined> => {
    try {
      const started = performance.now();
      const target = join(outDir, output.environment);
      const temp = join(outDir, `.${output.environment}.dex-new-${tag}`);
      staged.push({ env: output.environment, temp, target, ms, output: { ...output, files: [] }, fileCount: output.files.length, system });
      failedPath = temp;
      await writer.mkdir(temp);
      const dirs = new Set(output.files.map((f) => dirname(join(temp, f.path))));
      for (const dir of [...dirs].sort()) await writer.mkdir(dir);
      for (const file of output.files) {
        failedPath = join(target, file.path);
        await writer.writeFile(join(temp, ...file.path.split('/')), file.content);
      }
      staged[staged.length - 1]!.ms += performance.now() - started;
      return undefined;
    } catch (error) {
      return { error };
    }
  };
  const failedWrite = async (err: unknown): Promise<number> => {
    await discardStaged();
    return writeFailed(io, color, failedPath, err, 'the previous output is unchanged');
  };

  const compiledOutputs: EnvironmentOutput[] = [];
  try {
    for (const compiled of emitTargets(analysis, args.environment)) {
      const started = performance.now();
      const output = compileEmit(compiled, { specFile: args.file, emitters: analysis.registries.environmentEmitters });
      compiledOutputs.push({ ...output, files: [] });
      const failed = await stage(output, performance.now() - started);
      if (failed) return await failedWrite(failed.error);
    }
    // The pipeline spans environments: out/ci/ is written like one more environment directory.
    {
      const started = performance.now();
      const files = compileSystemEmit(analysis, { specFile: args.file, assets: readPackageAssets(), compiled: compiledOutputs });
      if (files.length > 0) {
        const first = compiledOutputs[0]!;
        const failed = await stage({ environment: SYSTEM_OUTPUT_DIR, model: first.model, plan: first.plan, files }, performance.now() - started, true);
        if (failed) return await failedWrite(failed.error);
      }
    }
  } catch (err) {
    // An internal error while compiling: what was staged goes, and the error is reported as before.
    await discardStaged();
    throw err;
  }

  // Swap: old → backup, new → target, remove backup. Only renames, each atomic on one file system.
  for (const [i, s] of staged.entries()) {
    const backup = join(outDir, `.${s.env}.dex-old-${tag}`);
    let movedOld = false;
    try {
      if (await writer.exists(s.target)) {
        await writer.rename(s.target, backup);
        movedOld = true;
      }
      await writer.rename(s.temp, s.target);
    } catch (err) {
      if (movedOld) await writer.rename(backup, s.target).catch(() => undefined);
      for (const rest of staged.slice(i)) await writer.remove(rest.temp).catch(() => undefined);
      const done = staged.slice(0, i).map((d) => d.env);
      return writeFailed(io, color, s.target, err, `the previous output of ${s.env} is unchanged${done.length ? `; ${done.join(', ')} already written` : ''}`);
    }
    if (movedOld) await writer.remove(backup).catch(() => undefined);
  }

  for (const s of staged) {
    if (s.system) {
      io.stdout.write(`${s.env}: ${s.fileCount} pipeline files → ${(relative(io.cwd, s.target) || '.').split(sep).join('/')} (${Math.round(s.ms)} ms)\n`);
      continue;
    }
    const stacks = s.output.plan.stacks.length;
    const resources = s.output.model.resources.length;
    const shown = relative(io.cwd, s.target) || '.';
    io.stdout.write(
      `${s.env}: ${stacks} stack${stacks === 1 ? '' : 's'}, ${resources} resource${resources === 1 ? '' : 's'}, ${s.fileCount} files → ${shown.split(sep).join('/')} (${Math.round(s.ms)} ms)\n`,
    );
  }
  return EXIT.ok;
}

function writeFailed(io: CliIO, color: boolean, path: string, err: unknown, consequence: string): number {
  const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message ?? String(err);
  const diagnostic: Diagnostic = {
    code: 'DEX901',
    severity: 'error',
    message: `cannot write ${relative(io.cwd, path) || path}: ${reason}; ${consequence}`,
    path: [],
    hint: 'check that the output directory is writable and on one file system (--out DIR)',
  };
  io.stderr.write(renderDiagnostics([diagnostic], { format: 'text', color }));
  return EXIT.failed;
}
