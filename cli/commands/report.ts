// `dex report --html [FILE] [--env E] [--out FILE] [--against last|git:REF|stack]`: one environment
// on one self-contained HTML page — the system graph, the cost by layer and by service, the plan's
// lines, the changes against a baseline when --against is given (as dex plan computes them), the
// findings. Prices from the snapshot, as dex graph.
import { dirname, join, resolve } from 'node:path';
import { BaselineError } from '../../compiler/diff/baseline.js';
import { renderReportHtml, type ReportInput } from '../../emitters/report-html.js';
import { buildDiffReport, checkAgainst } from '../../pipeline/plan-diff.js';
import { readPackageAssets } from '../adapters/assets.js';
import { commandBaselineReader } from '../baseline-reader.js';
import { outputPaths } from '../adapters/repository.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { cliProblem, renderDiagnostics } from '../render.js';
import { pictureOf, writeOutput } from './graph.js';

export interface ReportArgs {
  readonly file: string;
  readonly environment?: string;
  readonly out?: string;
  /** Baseline for the changes section: 'last', 'git:REF' or 'stack'; none without it. */
  readonly against?: string;
  /** Region and profile for --against stack, and where dex emit wrote for --against last. */
  readonly region?: string;
  readonly profile?: string;
  readonly outDir?: string;
}

export async function runReport(args: ReportArgs, io: CliIO, generatedBy = 'dex'): Promise<number> {
  const color = colorEnabled(io.stderr, io.env);
  const malformed = checkAgainst(args.against);
  if (malformed) {
    io.stderr.write(renderDiagnostics([cliProblem('DEX900', malformed, 'last diffs against out/<env>/plan.json, git:main against the spec on main, stack against the deployed stacks')], { format: 'text', color }));
    return EXIT.usage;
  }
  const pictured = await pictureOf(args, io, 'report');
  if (!pictured.ok) return pictured.exitCode;
  const { analysis, plan, env, target, source } = pictured;

  let diff: ReportInput['diff'];
  if (args.against !== undefined) {
    const outDir = args.outDir !== undefined ? resolve(io.cwd, args.outDir) : join(dirname(pictured.absolute), 'out');
    const paths = outputPaths(pictured.absolute, outDir);
    const reader = commandBaselineReader(io, { outDir, specAbsolute: pictured.absolute, ...(args.region ? { region: args.region } : {}), ...(args.profile ? { profile: args.profile } : {}) });
    try {
      const report = await buildDiffReport(analysis, plan, [target], source, { specFile: paths.specFile, outDir: paths.outDir, assets: readPackageAssets(), against: args.against, ...(args.environment !== undefined ? { environment: args.environment } : {}) }, reader);
      diff = { against: report.against, environment: report.environments.find((e) => e.environment === env.environment), warnings: report.warnings, ...(report.noBaseline ? { noBaseline: report.noBaseline } : {}) };
    } catch (err) {
      if (err instanceof BaselineError) {
        io.stderr.write(renderDiagnostics([cliProblem('DEX902', err.message, 'check the baseline named by --against')], { format: 'text', color }));
        return EXIT.failed;
      }
      throw err;
    }
  }
  const html = renderReportHtml({ plan, environment: env, ...(diff ? { diff } : {}), findings: analysis.diagnostics, generatedBy, specFile: args.file });
  return writeOutput(html, args.out, io);
}
