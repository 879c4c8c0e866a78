// `dex validate [FILE] [--env E] [--format text|json|github] [--verbose]`
import { analyzeSpec } from '../../pipeline/analyze.js';
import { readPricedClasses } from '../adapters/snapshot.js';
import { repositoryRelative } from '../adapters/repository.js';
import { colorEnabled, EXIT, terminalWidth, type CliIO } from '../io.js';
import { clockFrom, existingEksClusters, isUsageProblem, readSpecFile } from '../read-spec.js';
import { wrap } from '../layout.js';
import { countLabel, renderDiagnostics, summarize, type DiagnosticFormat } from '../render.js';

export interface ValidateArgs {
  readonly file: string;
  readonly environment?: string;
  readonly format: DiagnosticFormat;
  readonly verbose: boolean;
}

export async function runValidate(args: ValidateArgs, io: CliIO): Promise<number> {
  const read = await readSpecFile(args.file, io.cwd);
  const color = colorEnabled(io.stdout, io.env);
  if (!read.ok) {
    io.stderr.write(renderDiagnostics([read.diagnostic], { format: args.format === 'json' ? 'text' : args.format, color: colorEnabled(io.stderr, io.env), width: terminalWidth(io.stderr, io.env), githubFile: (f) => repositoryRelative(f, io.cwd) }));
    return isUsageProblem([read.diagnostic]) ? EXIT.usage : EXIT.failed;
  }
  const analysis = analyzeSpec(read.bytes, args.file, { environment: args.environment, includeInfo: args.verbose, existingEksClusters: existingEksClusters(read.absolute), today: clockFrom(io.env), pricedClasses: pricedClassesOnce(), purpose: 'checks' });
  const diagnostics = analysis.diagnostics;
  const envs = analysis.compiled.map((c) => c.environment ?? 'base');

  if (args.format === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        {
          file: args.file,
          valid: analysis.ok,
          environments: envs,
          summary: summarize(diagnostics),
          diagnostics: JSON.parse(renderDiagnostics(diagnostics, { format: 'json', color: false })).diagnostics,
          placements: placements(analysis.compiled),
        },
        null,
        2,
      )}\n`,
    );
    return exitOf(analysis);
  }
  const rendered = renderDiagnostics(diagnostics, {
    format: args.format,
    color,
    width: terminalWidth(io.stdout, io.env),
    sourceText: (f) => (f === args.file ? analysis.source.text : undefined),
    githubFile: (f) => repositoryRelative(f, io.cwd),
  });
  io.stdout.write(rendered);
  if (args.format === 'text') {
    const checked = args.environment ? `environment ${args.environment}` : envs.length > 1 ? `base spec and ${envs.length - 1} environment${envs.length === 2 ? '' : 's'} (${envs.slice(1).join(', ')})` : 'base spec';
    const width = terminalWidth(io.stdout, io.env);
    const verdict = analysis.ok ? `${args.file}: valid — checked ${checked}${diagnostics.length ? `; ${countLabel(diagnostics)}` : ''}` : `${args.file}: invalid — ${countLabel(diagnostics)}`;
    io.stdout.write(`${wrap(verdict, width).join('\n')}\n`);
  }
  return exitOf(analysis);
}

/** An unknown --env is the command line's fault (exit 2), not the spec's. */
const exitOf = (analysis: ReturnType<typeof analyzeSpec>): number => (analysis.ok ? EXIT.ok : isUsageProblem(analysis.diagnostics) ? EXIT.usage : EXIT.failed);

/** One region pack read per region and run, only when a region is asked about. */
function pricedClassesOnce(): (region: string) => ReturnType<typeof readPricedClasses> {
  const cache = new Map<string, ReturnType<typeof readPricedClasses>>();
  return (region) => {
    if (!cache.has(region)) {
      let classes: ReturnType<typeof readPricedClasses>;
      try {
        classes = readPricedClasses(region);
      } catch {
        // An unreadable pack must not fail validation: the check is advice, plan reports prices.
        classes = undefined;
      }
      cache.set(region, classes);
    }
    return cache.get(region);
  };
}

function placements(compiled: ReturnType<typeof analyzeSpec>['compiled']): Record<string, Record<string, { placement: string; source: string; rationale: readonly string[] }>> {
  const out: Record<string, Record<string, { placement: string; source: string; rationale: readonly string[] }>> = {};
  for (const c of compiled) {
    const env = c.environment ?? 'base';
    out[env] = {};
    for (const [name, svc] of Object.entries(c.spec.services)) {
      out[env][name] = { placement: svc.placement, source: svc.placementDecision.source, rationale: svc.placementDecision.rationale };
    }
  }
  return out;
}
