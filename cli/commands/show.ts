// `dex show [FILE] [--env E] [--format yaml|json]`: the effective spec of one environment.
import { renderEffectiveSpec, type EffectiveSpecFormat } from '../../emitters/effective-spec.js';
import { EXIT, type CliIO } from '../io.js';
import { readAndAnalyze } from '../read-spec.js';

export interface ShowArgs {
  readonly file: string;
  readonly environment?: string;
  readonly format: EffectiveSpecFormat;
}

export async function runShow(args: ShowArgs, io: CliIO): Promise<number> {
  // Only a valid spec is shown: an invalid one may hold a literal secret, which dex never prints.
  const analyzed = await readAndAnalyze(args, io, 'nothing shown', { errorsOnly: true });
  if (!analyzed.ok) return analyzed.exitCode;
  const raw = analyzed.analysis.raw;
  if (!raw) return EXIT.failed;
  io.stdout.write(renderEffectiveSpec(raw, args.environment, args.format, args.file));
  return EXIT.ok;
}
