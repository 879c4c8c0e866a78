// `dex plan [FILE] [--env E] [--format text|json|markdown] [--pricing snapshot|live] [--allow-over-budget]`
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
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { Analysis } from '../../compiler/analyze.js';
import { BaselineError, loadGitBaselines, loadLastBaseline, loadOutputFiles, loadStackBaseline, type Baseline, type PlanJsonResource } from '../../compiler/diff/baseline.js';
import { diffEnvironment, isEmptyDiff, type CurrentSide, type EnvironmentDiff } from '../../compiler/diff/index.js';
import { compileEmit, compileSystemEmit, emitTargets, type EnvironmentOutput } from '../../compiler/emit.js';
import { diffFiles } from '../../compiler/diff/files.js';
import { SYSTEM_OUTPUT_DIR } from '../../emitters/index.js';
import { diffCounts, renderDiffMarkdown, renderDiffText, diffToJson, type DiffReport } from '../diff-render.js';
import { planToJson, type PlanRenderOptions } from '../plan-render.js';
import type { BuildingBlock } from '../../compiler/model/types.js';
import { buildPlan, planQueries, planTargets, type EnvironmentPlan, type Plan, type PlanTarget } from '../../compiler/plan.js';
import { createLivePriceSource, loadSnapshotSource, type LivePriceSource, type PriceQuery, type PriceSource, type PriceWarning } from '../../compiler/pricing/index.js';
import { describeQuery } from '../../compiler/pricing/price-list.js';
import { findNode, locate, type SpecSource } from '../../spec/load.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { renderPlan, usd, usdRange, type PlanFormat } from '../plan-render.js';
import { readAndAnalyze } from '../read-spec.js';
import { renderDiagnostics } from '../render.js';
import type { Diagnostic } from '../../spec/diagnostics.js';
import { Chalk } from 'chalk';

export interface PlanArgs {
  readonly file: string;
  readonly environment?: string;
  readonly format: PlanFormat;
  readonly pricing: 'snapshot' | 'live';
  readonly allowOverBudget: boolean;
  /** Baseline: 'last' (out/<env>/plan.json), 'git:REF' or 'stack'; default: last when it exists. */
  readonly against?: string;
  /** Exit 0 for no changes, 2 for changes, 1 for errors. */
  readonly detailedExitcode?: boolean;
  /** Gates that make the run exit 1: replace, security, data-loss. */
  readonly failOn?: readonly string[];
  /** Region and profile for --against stack (default: the spec's region, the SDK's credential chain). */
  readonly region?: string;
  readonly profile?: string;
  /** Output directory of `dex emit` (default: out/ next to the spec). */
  readonly out?: string;
}

export interface PlanRunOptions {
  readonly blocks?: readonly BuildingBlock[];
  /** Live source retry settings (tests make failures fast). */
  readonly live?: { readonly maxAttempts?: number; readonly baseDelayMs?: number; readonly sleep?: (ms: number) => Promise<void> };
}

/** Consecutive unavailable answers after which the live prefetch stops asking (the rest fall back). */
const GIVE_UP_AFTER = 3;

export function pricingCacheDir(env: CliIO['env']): string {
  if (env.DEX_CACHE_DIR) return join(env.DEX_CACHE_DIR, 'pricing');
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'dex', 'pricing');
}

/** Credentials from the CLI's environment when it has them; otherwise the SDK's default chain. */
export function envCredentials(env: CliIO['env']): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return undefined;
  return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

/** A one-line progress indicator on stderr, drawn only on a TTY. */
function progress(io: CliIO) {
  const tty = io.stderr.isTTY === true;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let n = 0;
  return {
    update(done: number, total: number, what: string) {
      if (!tty) return;
      const text = `${frames[n++ % frames.length]} live prices ${done}/${total}: ${what}`;
      io.stderr.write(`\r\x1b[2K${text.length > 100 ? `${text.slice(0, 99)}…` : text}`);
    },
    done() {
      if (tty) io.stderr.write('\r\x1b[2K');
    },
  };
}

/** Prefetches every query, one at a time, with progress; returns warnings of its own. */
async function prefetchLive(live: LivePriceSource, queries: readonly PriceQuery[], io: CliIO): Promise<PriceWarning[]> {
  const bar = progress(io);
  let unavailable = 0;
  try {
    for (const [i, q] of queries.entries()) {
      bar.update(i, queries.length, describeQuery(q));
      const before = live.warnings.length;
      await live.fetch(q);
      const failed = live.warnings.slice(before).some((w) => w.code === 'live-fallback' && w.message.startsWith('live Price List unavailable'));
      unavailable = failed ? unavailable + 1 : 0;
      if (unavailable >= GIVE_UP_AFTER && i + 1 < queries.length) {
        // The API is down or unreachable: asking the rest would only repeat the wait.
        return [
          {
            code: 'live-fallback',
            message: `live Price List unavailable for ${GIVE_UP_AFTER} queries in a row; the remaining ${queries.length - i - 1} were not asked (the snapshot answers them)`,
          },
        ];
      }
    }
  } finally {
    bar.done();
  }
  return [];
}

export async function runPlan(args: PlanArgs, io: CliIO, options: PlanRunOptions = {}): Promise<number> {
  const errColor = colorEnabled(io.stderr, io.env);
  // With --detailed-exitcode, 2 would read as "changes": an unreadable file is then 1.
  const analyzed = await readAndAnalyze(args, io, 'nothing priced', args.detailedExitcode ? EXIT.failed : EXIT.usage);
  if (!analyzed.ok) return analyzed.exitCode;
  const { analysis } = analyzed;
  const targets = planTargets(analysis, args.environment, options.blocks);

  const snapshot = loadSnapshotSource(io.env.DEX_PRICING_SNAPSHOT ? resolve(io.cwd, io.env.DEX_PRICING_SNAPSHOT) : undefined);
  let source: PriceSource = snapshot;
  let live: LivePriceSource | undefined;
  if (args.pricing === 'live') {
    const credentials = envCredentials(io.env);
    live = createLivePriceSource({
      cacheDir: pricingCacheDir(io.env),
      fallback: snapshot,
      ...(io.env.DEX_PRICING_ENDPOINT ? { endpoint: io.env.DEX_PRICING_ENDPOINT } : {}),
      ...(credentials ? { credentials } : {}),
      ...(options.live ?? {}),
    });
    source = live;
  }
  let plan: Plan;
  try {
    const extra = live ? await prefetchLive(live, planQueries(targets), io) : [];
    const built = buildPlan(targets, source);
    plan = extra.length ? { ...built, warnings: [...built.warnings, ...extra] } : built;
  } finally {
    live?.close();
  }

  const color = args.format === 'text' && colorEnabled(io.stdout, io.env);
  const failOn = new Set(args.failOn ?? []);
  for (const gate of failOn) {
    if (!FAIL_ON.includes(gate)) {
      io.stderr.write(`dex plan: --fail-on ${gate}: expected one of ${FAIL_ON.join(', ')}\n`);
      return args.detailedExitcode ? EXIT.failed : EXIT.usage; // 2 would read as "changes"
    }
  }
  let report: DiffReport;
  try {
    report = await buildDiffReport(args, io, analysis, plan, targets, source, analyzed.absolute, options.blocks);
  } catch (err) {
    if (err instanceof BaselineError) {
      io.stderr.write(`dex plan: ${err.message}\n`);
      return EXIT.failed;
    }
    throw err;
  }
  io.stdout.write(renderPlanWithDiff(plan, report, args.format, { color, specFile: args.file }, analysis.diagnostics));

  if (live && args.format !== 'text' && plan.warnings.length > 0) {
    // Text output lists the warnings itself; for JSON/Markdown say on stderr that prices fell back.
    io.stderr.write(`dex plan: ${plan.warnings.length} live-pricing warning${plan.warnings.length === 1 ? '' : 's'} (prices fell back to the snapshot where the API did not answer); see "warnings"\n`);
  }

  const counts = diffCounts(report);
  // Without a baseline everything would be created: that is a change.
  const changed = report.noBaseline !== undefined || report.environments.some((e) => !isEmptyDiff(e));
  const gates: string[] = [];
  if (failOn.has('replace') && counts.replace > 0) gates.push(`${counts.replace} resource${counts.replace === 1 ? '' : 's'} would be replaced`);
  if (failOn.has('data-loss') && counts.dataLoss > 0) gates.push(`${counts.dataLoss} change${counts.dataLoss === 1 ? '' : 's'} would destroy data`);
  if (failOn.has('security') && counts.security > 0) gates.push(`${counts.security} security-relevant change${counts.security === 1 ? '' : 's'}`);
  for (const g of gates) io.stderr.write(`dex plan: --fail-on: ${g}\n`);

  const over = plan.environments.filter((e) => e.budget?.exceeded);
  let budgetFailed = false;
  if (over.length > 0) {
    const c = new Chalk({ level: errColor ? 1 : 0 });
    for (const e of over) io.stderr.write(budgetMessage(e, analysis.source, args, c));
    if (args.allowOverBudget) io.stderr.write(`dex plan: over budget, allowed by --allow-over-budget\n`);
    else budgetFailed = true;
  }
  if (budgetFailed || gates.length > 0) return EXIT.failed;
  return args.detailedExitcode && changed ? DETAILED_CHANGES : EXIT.ok;
}

/** `--detailed-exitcode`: the exit code for "there are changes" (as terraform plan). */
export const DETAILED_CHANGES = 2;
export const FAIL_ON = ['replace', 'security', 'data-loss'];

async function buildDiffReport(
  args: PlanArgs,
  io: CliIO,
  analysis: Analysis,
  plan: Plan,
  targets: readonly PlanTarget[],
  source: PriceSource,
  specAbsolute: string,
  blocks: readonly BuildingBlock[] | undefined,
): Promise<DiffReport> {
  const against = args.against ?? 'auto';
  if (against !== 'auto' && against !== 'last' && against !== 'stack' && !/^git:.+/.test(against)) {
    throw new BaselineError(`--against ${against}: expected last, git:<ref> or stack`);
  }
  const outDir = args.out !== undefined ? resolve(io.cwd, args.out) : join(dirname(specAbsolute), 'out');
  const compiled = emitTargets(analysis, args.environment);
  // Compiled lazily: without a baseline there is nothing to compare it with.
  let compiledOutputs: Map<string, { output: EnvironmentOutput; side: CurrentSide }> | undefined;
  const currentOutputs = () => (compiledOutputs ??= new Map(
    compiled.map((c) => {
      const model = targets.find((t) => t.environment === (c.environment ?? 'default'))?.model;
      const output = compileEmit(c, { specFile: args.file, ...(model ? { model } : {}), ...(blocks ? { blocks } : {}) });
      const planJson = JSON.parse(output.files.find((f) => f.path === 'plan.json')!.content) as { resources: PlanJsonResource[] };
      return [output.environment, { output, side: { resources: planJson.resources, files: new Map(output.files.map((f) => [f.path, f.content])) } }] as const;
    }),
  ));
  const envNames = compiled.map((c) => c.environment ?? 'default');
  const baselines = new Map<string, Baseline>();
  const warnings: string[] = [];
  let systemBaseline: { label: string; files: Map<string, string> } | undefined;
  if (against === 'auto' || against === 'last') {
    for (const env of envNames) {
      const b = await loadLastBaseline(outDir, env, `${relative(io.cwd, join(outDir, env, 'plan.json')) || 'plan.json'}`);
      if (b) baselines.set(env, b);
      if (b && !systemBaseline) {
        const files = await loadOutputFiles(outDir, SYSTEM_OUTPUT_DIR);
        if (files) systemBaseline = { label: relative(io.cwd, join(outDir, SYSTEM_OUTPUT_DIR)) || SYSTEM_OUTPUT_DIR, files };
      }
      if (!b && against === 'last') warnings.push(`no ${relative(io.cwd, join(outDir, env, 'plan.json'))}: ${env} is shown as all new`);
    }
    if (baselines.size === 0) {
      return { against: against === 'auto' ? 'none' : 'last', environments: [], warnings: [], noBaseline: `no baseline: showing the full plan (no emitted plan.json under ${relative(io.cwd, outDir) || '.'}; run dex emit, or pass --against git:<ref> or --against stack)` };
    }
  } else if (against.startsWith('git:')) {
    const git = await loadGitBaselines(specAbsolute, against.slice(4), args.environment, args.file);
    for (const [env, b] of git.environments) baselines.set(env, b);
    systemBaseline = { label: against, files: git.systemFiles };
  } else {
    for (const [env, { output }] of currentOutputs()) {
      const b = await loadStackBaseline(
        output.plan.stacks.map((s) => s.name),
        {
          region: args.region ?? output.plan.region,
          ...(args.profile ? { profile: args.profile } : {}),
          ...(io.env.DEX_CLOUDFORMATION_ENDPOINT ? { endpoint: io.env.DEX_CLOUDFORMATION_ENDPOINT } : {}),
          ...(envCredentials(io.env) ? { credentials: envCredentials(io.env)! } : {}),
        },
      );
      baselines.set(env, b);
      warnings.push(...b.warnings);
    }
  }
  const environments: EnvironmentDiff[] = [];
  for (const [env, { side }] of currentOutputs()) {
    const planEnv = plan.environments.find((e) => e.environment === env)!;
    const target = targets.find((t) => t.environment === env)!;
    const baseline: Baseline = baselines.get(env) ?? { label: 'nothing (new environment)', region: planEnv.region, resources: [], priced: true, files: new Map(), warnings: [] };
    environments.push(diffEnvironment({ environment: env, baseline, current: side, plan: planEnv, target, source }));
  }
  // The pipeline's files (out/ci/) span environments: diffed once, as their own section.
  const systemCurrent = systemBaseline && analysis.raw ? new Map(compileSystemEmit(analysis.raw, { specFile: args.file, compiled: [...currentOutputs().values()].map((c) => c.output), ...(blocks ? { blocks } : {}) }).map((f) => [f.path, f.content])) : new Map<string, string>();
  if (systemBaseline && systemCurrent.size > 0) {
    const files = diffFiles(systemBaseline.files, systemCurrent);
    environments.push({ environment: SYSTEM_OUTPUT_DIR, baseline: systemBaseline.label, changes: [], security: [], files, cost: null });
  }
  return { against: against === 'auto' ? 'last' : against, environments, warnings };
}

/** Where the environment's budget.monthlyUsd is written: its overlay, else the base spec. */
function budgetLocation(source: SpecSource, file: string, environment: string): string {
  const overlay = ['environments', environment, 'budget', 'monthlyUsd'];
  const path = findNode(source.document, overlay).depth === overlay.length ? overlay : ['budget', 'monthlyUsd'];
  const range = locate(source, path);
  return range ? `${file}:${range.start.line}:${range.start.col}` : file;
}

function budgetMessage(e: EnvironmentPlan, source: SpecSource, args: PlanArgs, c: InstanceType<typeof Chalk>): string {
  const b = e.budget!;
  const where = budgetLocation(source, args.file, e.environment);
  const unpriced = e.unpriced.length ? `, and ${e.unpriced.length} item${e.unpriced.length === 1 ? ' is' : 's are'} unpriced` : '';
  return (
    `${c.bold(where)}: ${c.red.bold('over budget')}: ${e.environment} can cost up to ${usd(e.totals.monthlyMax)} a month (${usdRange(e.totals.monthlyMin, e.totals.monthlyMax)}${unpriced}), ` +
    `${usd(b.overByUsd)} above budget.monthlyUsd ${usd(b.monthlyUsd)}${b.exceededAtMin ? ' — even at the scaling minimum' : ''}\n` +
    `  ${c.green('hint')}: lower the scaling maxima, raise the budget, or pass --allow-over-budget to plan anyway\n`
  );
}

/**
 * The plan, then its diff section; for JSON, the diff merged into the plan JSON under `diff`.
 * The spec's findings (compliance, warnings) travel with JSON and Markdown too: text prints them
 * on stderr before the plan, but a pull-request comment or a CI parser sees only stdout.
 */
export function renderPlanWithDiff(plan: Plan, report: DiffReport, format: PlanFormat, options: PlanRenderOptions, findings: readonly Diagnostic[] = []): string {
  if (format === 'json') {
    const diagnostics = JSON.parse(renderDiagnostics(findings, { format: 'json', color: false })).diagnostics as unknown[];
    return `${JSON.stringify({ ...planToJson(plan), diff: diffToJson(report), findings: diagnostics }, null, 2)}\n`;
  }
  const base = renderPlan(plan, format, options);
  if (format === 'markdown') return base + renderDiffMarkdown(report) + findingsMarkdown(findings);
  return base + renderDiffText(report, options.color);
}

function findingsMarkdown(findings: readonly Diagnostic[]): string {
  if (findings.length === 0) return '';
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = findings.map((d) => `| ${d.severity} | ${d.code} | ${d.file ?? ''}${d.line !== undefined ? `:${d.line}:${d.col ?? 1}` : ''} | ${cell(d.message)} |`);
  return `\n### Findings (${findings.length})\n\n| severity | code | where | finding |\n|---|---|---|---|\n${rows.join('\n')}\n`;
}
