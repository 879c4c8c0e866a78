// `dex graph [FILE] [--env E] [--format mermaid|svg] [--out FILE]`: a picture of one environment —
// the VPC's tiers, the load balancer, the services by platform, the data stores, the `uses`
// arrows — each box with its monthly cost from the plan (the price snapshot, as `dex plan`).
// Mermaid text for Markdown, or an SVG dex lays out itself (nothing fetched to view it).
import { resolve } from 'node:path';
import { buildPlan, type EnvironmentPlan, type Plan } from '../../compiler/pricing/plan.js';
import { renderGraphSvg } from '../../emitters/graph-svg.js';
import { mermaidGraph, systemGraph } from '../../emitters/graph.js';
import type { Analysis } from '../../pipeline/analyze.js';
import { planTargets } from '../../pipeline/plan.js';
import type { PlanTarget } from '../../compiler/pricing/plan.js';
import type { PriceSource } from '../../compiler/pricing/types.js';
import { writeText } from '../adapters/files.js';
import { loadSnapshotSource } from '../adapters/snapshot.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { readAndAnalyze } from '../read-spec.js';
import { cliProblem, renderDiagnostics } from '../render.js';

export const GRAPH_FORMATS = ['mermaid', 'svg'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphArgs {
  readonly file: string;
  readonly environment?: string;
  readonly format: GraphFormat;
  readonly out?: string;
}

export type Pictured =
  | { readonly ok: true; readonly analysis: Analysis; readonly absolute: string; readonly target: PlanTarget; readonly plan: Plan; readonly env: EnvironmentPlan; readonly source: PriceSource }
  | { readonly ok: false; readonly exitCode: number };

/**
 * The one environment a picture is of, priced with the snapshot (DEX_PRICING_SNAPSHOT: another
 * one): the one --env names, else the spec's only one. A spec with several needs --env (DEX930):
 * which of them is meant is not dex's guess to make.
 */
export async function pictureOf(args: { readonly file: string; readonly environment?: string }, io: CliIO, command: string): Promise<Pictured> {
  // The findings are not what a picture is about (dex report shows them in the page): errors only.
  const analyzed = await readAndAnalyze(args, io, 'nothing drawn', { errorsOnly: true });
  if (!analyzed.ok) return analyzed;
  const targets = planTargets(analyzed.analysis, args.environment);
  if (targets.length !== 1) {
    const names = targets.map((t) => t.environment);
    io.stderr.write(
      renderDiagnostics([cliProblem('DEX930', `dex ${command} draws one environment, and ${args.file} has ${names.length}: ${names.join(', ')}`, `pick one: dex ${command} ${args.file} --env ${names[0] ?? 'NAME'}`)], {
        format: 'text',
        color: colorEnabled(io.stderr, io.env),
      }),
    );
    return { ok: false, exitCode: EXIT.usage };
  }
  const source = loadSnapshotSource(io.env.DEX_PRICING_SNAPSHOT ? resolve(io.cwd, io.env.DEX_PRICING_SNAPSHOT) : undefined);
  const plan = buildPlan(targets, source, { byService: true });
  return { ok: true, analysis: analyzed.analysis, absolute: analyzed.absolute, target: targets[0]!, plan, env: plan.environments[0]!, source };
}

/** Writes `text` to --out (a DEX901 when it cannot) or standard output. */
export async function writeOutput(text: string, out: string | undefined, io: CliIO): Promise<number> {
  if (out === undefined) {
    io.stdout.write(text);
    return EXIT.ok;
  }
  try {
    await writeText(resolve(io.cwd, out), text);
  } catch (err) {
    io.stderr.write(renderDiagnostics([cliProblem('DEX901', `cannot write ${out}: ${(err as Error).message}`, 'check that the directory is writable')], { format: 'text', color: colorEnabled(io.stderr, io.env) }));
    return EXIT.failed;
  }
  io.stderr.write(`wrote ${out}\n`);
  return EXIT.ok;
}

export async function runGraph(args: GraphArgs, io: CliIO): Promise<number> {
  const pictured = await pictureOf(args, io, 'graph');
  if (!pictured.ok) return pictured.exitCode;
  const text = args.format === 'svg' ? renderGraphSvg(systemGraph(pictured.env)) : mermaidGraph(pictured.env);
  return writeOutput(text, args.out, io);
}
