// `dex plan [FILE] [--env E] [--format text|json|markdown] [--pricing snapshot|live] [--allow-over-budget] [--commitment ri-1y|ri-3y] [--by service]`
//
// Prices what `dex emit` would create, per environment. Prices come from the committed snapshot
// (default) or, with --pricing live, from the AWS Price List API (cached in $DEX_CACHE_DIR or
// ~/.cache/dex/pricing; DEX_PRICING_ENDPOINT points it elsewhere, e.g. a test server), falling
// back to the snapshot with a warning when the API cannot answer. Exit 1 for an invalid spec, or
// when an environment's maximum exceeds its budget (unless --allow-over-budget).
//
// With a baseline (--against last|git:REF|stack; by default out/<env>/plan.json when it exists) it
// also shows what changes: resources with replacement and data loss, security-relevant changes,
// emitted files and the cost delta (compiler/diff/, docs/diff.md). --detailed-exitcode exits 2
// when there are changes; --fail-on replace,security,data-loss exits 1 when those are present.
import { dirname, join, resolve } from 'node:path';
import { Chalk } from 'chalk';
import { BaselineError } from '../../compiler/diff/baseline.js';
import { isEmptyDiff, type DiffReport } from '../../compiler/diff/index.js';
import { buildPlan, planQueries, type EnvironmentPlan, type Plan } from '../../compiler/pricing/plan.js';
import { COMMITMENTS, type Commitment } from '../../compiler/pricing/commitment.js';
import { describeQuery } from '../../compiler/pricing/price-list.js';
import type { PriceQuery, PriceSource } from '../../compiler/pricing/types.js';
import { bootstrapPlanTargets, planTargets } from '../../pipeline/plan.js';
import { buildDiffReport, checkAgainst } from '../../pipeline/plan-diff.js';
import type { Registries } from '../../pipeline/registries.js';
import type { Diagnostic } from '../../spec/diagnostics.js';
import { findNode, locate, type SpecSource } from '../../spec/load.js';
import { readPackageAssets } from '../adapters/assets.js';
import { outputPaths } from '../adapters/repository.js';
import { CREDENTIALS_HINT } from '../../compiler/pricing/aws-errors.js';
import { describeLivePricing, type LiveSummary } from '../../compiler/pricing/live.js';
import { awsTimeouts, envMilliseconds } from '../adapters/aws-sdk.js';
import { createLivePricing, envCredentials, pricingCacheDir, type LivePricing } from '../adapters/live-pricing.js';
import { progress } from '../progress.js';
import { loadSnapshotSource } from '../adapters/snapshot.js';
import { diffCounts, renderDiffMarkdown, renderDiffText, diffToJson } from '../diff-render.js';
import { colorEnabled, DEFAULT_WIDTH, EXIT, terminalWidth, type CliIO } from '../io.js';
import { planToJson, renderPlan, usd, usdRange, type PlanFormat, type PlanRenderOptions } from '../plan-render.js';
import { actionsRunUrl, GITHUB_COMMENT_LIMIT, renderPlanComment } from '../plan-comment.js';
import { wrap } from '../layout.js';
import { readAndAnalyze } from '../read-spec.js';
import { commandBaselineReader } from '../baseline-reader.js';
import { mermaidGraph } from '../../emitters/graph.js';
import { autoPlacements, type AutoPlacement } from '../../pipeline/placement-alternatives.js';
import { markdownText } from '../../compiler/model/quote.js';
import { placementsToJson, renderPlacementsMarkdown, renderPlacementsText } from '../placement-render.js';
import { cliProblem, renderDiagnostics } from '../render.js';

export interface PlanArgs {
  readonly file: string;
  readonly environment?: string;
  /** github-comment: one pull-request comment (summary first, details folded, under GitHub's limit). */
  readonly format: PlanFormat | 'github-comment';
  readonly pricing: 'snapshot' | 'live';
  readonly allowOverBudget: boolean;
  /** Baseline: 'last' (out/<env>/plan.json), 'git:REF' or 'stack'; default: last when it exists. */
  readonly against?: string;
  /** Exit 0 for no changes, 2 for changes, 1 for errors. */
  readonly detailedExitcode?: boolean;
  /** Gates that make the run exit 1: replace, security (any severity), security:high|medium|low (that severity or above), data-loss. */
  readonly failOn?: readonly string[];
  /** Region and profile for --against stack (default: the spec's region, the SDK's credential chain). */
  readonly region?: string;
  readonly profile?: string;
  /** Output directory of `dex emit` (default: out/ next to the spec). */
  readonly out?: string;
  /** --commitment ri-1y|ri-3y: what reserving the always-on part would cost and save. */
  readonly commitment?: string;
  /** --by service: each service's monthly cost as well. */
  readonly by?: string;
  /** Text: print every column on one line, whatever the terminal's width. */
  readonly wide?: boolean;
}

export interface PlanRunOptions {
  /** Tests swap in fake building blocks. */
  readonly registries?: Registries;
  /** Live source retry settings (tests make failures fast). */
  /** --format github-comment: the comment's size limit (tests force a small one; default GitHub's). */
  readonly commentLimit?: number;
  readonly live?: { readonly maxAttempts?: number; readonly baseDelayMs?: number; readonly sleep?: (ms: number) => Promise<void> };
}

/** Prefetches every query, one at a time, with progress on a TTY (the source stops asking when the API cannot answer). */
async function prefetchLive(live: LivePricing, queries: readonly PriceQuery[], io: CliIO): Promise<void> {
  const bar = progress(io, 'live prices');
  try {
    for (const [i, q] of queries.entries()) {
      bar.update(i, queries.length, describeQuery(q));
      await live.fetch(q);
    }
  } finally {
    bar.done();
  }
}

/** DEX905 when live prices fell back to the snapshot (beyond the products the API cannot be asked for). */
function liveFallbackDiagnostic(summary: LiveSummary, snapshotAsOf: string): Diagnostic | undefined {
  const reasons = summary.reasons.filter((r) => r.reason !== SNAPSHOT_ONLY_REASON);
  const count = reasons.reduce((a, r) => a + r.count, 0);
  if (count === 0) return undefined;
  const credentials = /credentials/.test(summary.stopped ?? '') || reasons.some((r) => /credentials/.test(r.reason));
  const why = reasons.map((r) => `${r.reason} (${r.count})`).join(', ');
  const message = `${count} of ${summary.queries} prices come from the price snapshot of ${snapshotAsOf}, not the live AWS Price List: ${why}${summary.stopped && !credentials ? `; dex stopped asking: ${summary.stopped}` : ''}`;
  const hint = credentials
    ? `${CREDENTIALS_HINT}; the credentials need pricing:GetProducts`
    : 'the plan is complete with snapshot prices; run again later for live ones (answers are cached for 7 days), or see "warnings" for each price';
  return { code: 'DEX905', severity: 'warning', message, path: [], hint };
}

/** Time budget of a plan's live prices (DEX_PRICING_BUDGET_MS): after it, the snapshot answers. */
export const LIVE_PLAN_BUDGET_MS = 60_000;
/** The short reason the live source gives for products it never asks the API about. */
const SNAPSHOT_ONLY_REASON = 'no verified Price List filter';

export async function runPlan(args: PlanArgs, io: CliIO, options: PlanRunOptions = {}): Promise<number> {
  const errColor = colorEnabled(io.stderr, io.env);
  const errWidth = terminalWidth(io.stderr, io.env);
  // With --detailed-exitcode, 2 reads as "changes": a usage error is then 1 (as terraform plan).
  const usageExit = args.detailedExitcode ? EXIT.failed : EXIT.usage;
  const usage = (message: string, hint: string): number => {
    io.stderr.write(renderDiagnostics([cliProblem('DEX900', message, hint)], { format: 'text', color: errColor, width: errWidth }));
    return usageExit;
  };
  // The command line is checked before the spec is read: a typo in a gate must not cost a plan.
  for (const gate of args.failOn ?? []) {
    if (!FAIL_ON.includes(gate)) return usage(`--fail-on ${gate}: not a gate`, `expected one or more of ${FAIL_ON.join(', ')}, comma-separated`);
  }
  const malformed = checkAgainst(args.against);
  if (malformed) return usage(malformed, 'last diffs against out/<env>/plan.json, git:main against the spec on main, stack against the deployed stacks');
  let commitment: Commitment | undefined;
  if (args.commitment !== undefined) {
    if (/^savings-plans?(-|$)/.test(args.commitment)) {
      return usage(
        `--commitment ${args.commitment}: dex has no source for Savings Plans rates, so it cannot say what one would cost or save`,
        `use --commitment ri-1y or ri-3y (1- or 3-year No Upfront reservations, priced from the Price List's reserved terms); Savings Plans rates are on the AWS Savings Plans pricing page`,
      );
    }
    if (!(COMMITMENTS as readonly string[]).includes(args.commitment)) return usage(`--commitment ${args.commitment}: not a commitment`, `expected ${COMMITMENTS.join(' or ')}`);
    commitment = args.commitment as Commitment;
  }
  if (args.by !== undefined && args.by !== 'service') return usage(`--by ${args.by}: not a view`, 'expected --by service (each service\'s own cost and its share of shared infrastructure)');

  const analyzed = await readAndAnalyze(args, io, 'nothing priced', { usageExit, ...(options.registries ? { registries: options.registries } : {}) });
  if (!analyzed.ok) return analyzed.exitCode;
  const { analysis } = analyzed;
  const targets = planTargets(analysis, args.environment);

  const snapshot = loadSnapshotSource(io.env.DEX_PRICING_SNAPSHOT ? resolve(io.cwd, io.env.DEX_PRICING_SNAPSHOT) : undefined);
  let source: PriceSource = snapshot;
  let live: LivePricing | undefined;
  const credentials = envCredentials(io.env);
  if (args.pricing === 'live') {
    live = createLivePricing({
      cacheDir: pricingCacheDir(io.env),
      fallback: snapshot,
      ...(io.env.DEX_PRICING_ENDPOINT ? { endpoint: io.env.DEX_PRICING_ENDPOINT } : {}),
      ...(credentials ? { credentials } : {}),
      timeouts: awsTimeouts(io.env),
      budgetMs: envMilliseconds(io.env, 'DEX_PRICING_BUDGET_MS', LIVE_PLAN_BUDGET_MS),
      ...(options.live ?? {}),
    });
    source = live;
  }
  let plan: Plan;
  try {
    // The bootstrap is shared by every environment and cannot be split between them: it is priced
    // with the whole system (no --env), as its own entries, so the combined total is the bill.
    const priced = args.environment === undefined ? [...targets, ...bootstrapPlanTargets(analysis)] : targets;
    if (live) await prefetchLive(live, planQueries(priced), io);
    const built = buildPlan(priced, source, { ...(commitment ? { commitment } : {}), ...(args.by === 'service' ? { byService: true } : {}) });
    if (live) {
      const summary = live.summary();
      plan = { ...built, pricing: { ...built.pricing, summary: describeLivePricing(summary, snapshot.asOf, new Date()), live: summary } };
      const fellBack = liveFallbackDiagnostic(summary, snapshot.asOf);
      if (fellBack) io.stderr.write(renderDiagnostics([fellBack], { format: 'text', color: errColor, width: errWidth }));
    } else plan = built;
  } finally {
    live?.close();
  }

  // Every plan lists what dex decided for `placement: auto`, with the exact cost of the alternatives.
  const placements = targets.flatMap((t) => {
    const compiled = analysis.compiled.find((c) => (c.environment ?? 'default') === t.environment);
    const priced = plan.environments.find((e) => e.environment === t.environment);
    return compiled && priced ? autoPlacements(analysis, compiled, priced.totals, source) : [];
  });
  const color = args.format === 'text' && colorEnabled(io.stdout, io.env);
  const failOn = new Set(args.failOn ?? []);
  const outDir = args.out !== undefined ? resolve(io.cwd, args.out) : join(dirname(analyzed.absolute), 'out');
  // The same paths emit writes into its files, so the current side matches what emit wrote.
  const paths = outputPaths(analyzed.absolute, outDir);
  const reader = commandBaselineReader(io, { outDir, specAbsolute: analyzed.absolute, ...(args.region ? { region: args.region } : {}), ...(args.profile ? { profile: args.profile } : {}) });
  let report: DiffReport;
  try {
    report = await buildDiffReport(analysis, plan, targets, source, { specFile: paths.specFile, outDir: paths.outDir, assets: readPackageAssets(), ...(args.against !== undefined ? { against: args.against } : {}), ...(args.environment !== undefined ? { environment: args.environment } : {}) }, reader);
  } catch (err) {
    if (err instanceof BaselineError) {
      io.stderr.write(renderDiagnostics([cliProblem('DEX902', err.message, 'check the baseline named by --against (default: the last dex emit under --out)')], { format: 'text', color: errColor, width: errWidth }));
      return EXIT.failed;
    }
    throw err;
  }
  if (args.format === 'github-comment') {
    const runUrl = actionsRunUrl(io.env);
    const comment = renderPlanComment(plan, report, analysis.diagnostics, { specFile: paths.specFile, placements, ...(options.commentLimit !== undefined ? { limit: options.commentLimit } : {}), ...(args.environment !== undefined ? { environment: args.environment } : {}), ...(runUrl ? { runUrl } : {}) });
    io.stdout.write(comment.text);
    if (comment.abbreviated.length) io.stderr.write(renderDiagnostics([shortenedDiagnostic(comment.abbreviated, options.commentLimit ?? GITHUB_COMMENT_LIMIT)], { format: 'text', color: errColor }));
  } else {
    const width = args.wide ? undefined : (terminalWidth(io.stdout, io.env) ?? DEFAULT_WIDTH);
    io.stdout.write(renderPlanWithDiff(plan, report, args.format, { color, specFile: args.file, ...(width !== undefined ? { width } : {}), findings: findingCounts(analysis.diagnostics, targets.map((t) => t.environment)), placements }, analysis.diagnostics));
  }

  const counts = diffCounts(report);
  // Without a baseline everything would be created: that is a change.
  const changed = report.noBaseline !== undefined || report.environments.some((e) => !isEmptyDiff(e));
  const gates: string[] = [];
  if (failOn.has('replace') && counts.replace > 0) gates.push(`${counts.replace} resource${counts.replace === 1 ? '' : 's'} would be replaced`);
  if (failOn.has('data-loss') && counts.dataLoss > 0) gates.push(`${counts.dataLoss} change${counts.dataLoss === 1 ? '' : 's'} would destroy data`);
  // security:<severity> gates on that severity and above; security alone on any (info never gates).
  const floor = Math.max(-1, ...(['high', 'medium', 'low'] as const).map((k, i) => (failOn.has(`security:${k}`) ? i : -1)));
  const gated = (['high', 'medium', 'low'] as const).slice(0, failOn.has('security') ? 3 : floor + 1);
  const security = gated.reduce((a, k) => a + counts.securityBySeverity[k], 0);
  if (gated.length > 0 && security > 0) gates.push(`${security} security-relevant change${security === 1 ? '' : 's'} (${gated.filter((k) => counts.securityBySeverity[k]).map((k) => `${counts.securityBySeverity[k]} ${k}`).join(', ')})`);
  for (const g of gates) io.stderr.write(`dex plan: --fail-on: ${g}\n`);

  const over = plan.environments.filter((e) => e.budget?.exceeded);
  let budgetFailed = false;
  if (over.length > 0) {
    const c = new Chalk({ level: errColor ? 1 : 0 });
    for (const e of over) io.stderr.write(budgetMessage(e, analysis.source, args, c, errWidth));
    if (args.allowOverBudget) io.stderr.write(`dex plan: over budget, allowed by --allow-over-budget\n`);
    else budgetFailed = true;
  }
  if (budgetFailed || gates.length > 0) return EXIT.failed;
  return args.detailedExitcode && changed ? DETAILED_CHANGES : EXIT.ok;
}

/** DEX925: what the comment lost to fit GitHub's limit. */
function shortenedDiagnostic(sections: readonly string[], limit: number): Diagnostic {
  return {
    code: 'DEX925',
    severity: 'warning',
    message: `the plan comment was shortened to fit GitHub's limit of ${limit.toLocaleString('en-US')} characters: ${sections.join('; ')}`,
    path: [],
    hint: 'the summary is complete; the full plan is dex plan --format markdown (the dex Action writes it to the job summary)',
  };
}

/** `--detailed-exitcode`: the exit code for "there are changes" (as terraform plan). */
export const DETAILED_CHANGES = 2;
export const FAIL_ON = ['replace', 'security', 'security:high', 'security:medium', 'security:low', 'data-loss'];

/** Where the environment's budget.monthlyUsd is written: its overlay, else the base spec. */
function budgetLocation(source: SpecSource, file: string, environment: string): string {
  const overlay = ['environments', environment, 'budget', 'monthlyUsd'];
  const path = findNode(source.document, overlay).depth === overlay.length ? overlay : ['budget', 'monthlyUsd'];
  const range = locate(source, path);
  return range ? `${file}:${range.start.line}:${range.start.col}` : file;
}

function budgetMessage(e: EnvironmentPlan, source: SpecSource, args: PlanArgs, c: InstanceType<typeof Chalk>, width: number | undefined): string {
  const b = e.budget!;
  const where = budgetLocation(source, args.file, e.environment);
  const unpriced = e.unpriced.length ? `, and ${e.unpriced.length} item${e.unpriced.length === 1 ? ' is' : 's are'} unpriced` : '';
  const message = `${c.bold(where)}: ${c.red.bold('over budget')}: ${e.environment} can cost up to ${usd(e.totals.monthlyMax)} a month (${usdRange(e.totals.monthlyMin, e.totals.monthlyMax)}${unpriced}), ${usd(b.overByUsd)} above budget.monthlyUsd ${usd(b.monthlyUsd)}${b.exceededAtMin ? ' — even at the scaling minimum' : ''}`;
  const hint = `${c.green('hint')}: lower the scaling maxima, raise the budget, or pass --allow-over-budget to plan anyway`;
  return `${[...wrap(message, width, '', '    '), ...wrap(hint, width, '  ', '    ')].join('\n')}\n`;
}

/**
 * The plan, then its diff section; for JSON, the diff merged into the plan JSON under `diff`.
 * The spec's findings (compliance, warnings) travel with JSON and Markdown too: text prints them
 * on stderr before the plan, but a pull-request comment or a CI parser sees only stdout.
 */
export function renderPlanWithDiff(plan: Plan, report: DiffReport, format: PlanFormat, options: PlanRenderOptions & { readonly placements?: readonly AutoPlacement[] }, findings: readonly Diagnostic[] = []): string {
  const placements = options.placements ?? [];
  const perEnvironment = (render: (list: AutoPlacement[]) => string): string =>
    [...new Set(placements.map((p) => p.environment))].map((env) => render(placements.filter((p) => p.environment === env))).join('');
  if (format === 'json') {
    const diagnostics = JSON.parse(renderDiagnostics(findings, { format: 'json', color: false })).diagnostics as unknown[];
    return `${JSON.stringify({ ...planToJson(plan), placements: placementsToJson(placements), diff: diffToJson(report), findings: diagnostics }, null, 2)}\n`;
  }
  if (format === 'markdown') {
    const graphs = plan.environments
      .filter((e) => !e.environment.startsWith('bootstrap/'))
      .map((e) => `\n#### ${markdownText(e.environment)}: the system\n\n\`\`\`mermaid\n${mermaidGraph(e).trimEnd()}\n\`\`\`\n`)
      .join('');
    return renderPlan(plan, format, options) + perEnvironment((list) => renderPlacementsMarkdown(list, markdownText)) + graphs + renderDiffMarkdown(report) + findingsMarkdown(findings);
  }
  const placed = perEnvironment((list) => `\n${renderPlacementsText(list, options.width ?? Number.POSITIVE_INFINITY)}`);
  return renderPlan(plan, format, { ...options, diff: report }) + placed + renderDiffText(report, options.color, options.width);
}

/**
 * Findings per environment, for the summary: an environment's own, and the base spec's (which
 * every environment inherits; the bootstraps are not in the spec).
 */
export function findingCounts(findings: readonly Diagnostic[], environments: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const env of environments) counts.set(env, findings.filter((d) => d.environment === env || d.environment === undefined).length);
  return counts;
}

function findingsMarkdown(findings: readonly Diagnostic[]): string {
  if (findings.length === 0) return '';
  const rows = findings.map((d) => `| ${d.severity} | ${d.code} | ${markdownText(`${d.file ?? ''}${d.line !== undefined ? `:${d.line}:${d.col ?? 1}` : ''}`)} | ${markdownText(d.message)} |`);
  return `\n### Findings (${findings.length})\n\n| severity | code | where | finding |\n|---|---|---|---|\n${rows.join('\n')}\n`;
}
