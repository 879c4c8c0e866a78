// `dex plan [FILE] [--env E] [--format text|json|markdown] [--pricing snapshot|live] [--allow-over-budget]`
//
// Prices what `dex emit` would create, per environment. Prices come from the committed snapshot
// (default) or, with --pricing live, from the AWS Price List API (cached in $DEX_CACHE_DIR or
// ~/.cache/dex/pricing; DEX_PRICING_ENDPOINT points it elsewhere, e.g. a test server), falling
// back to the snapshot with a warning when the API cannot answer. Exit 1 for an invalid spec, or
// when an environment's maximum exceeds its budget (unless --allow-over-budget).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzeSpec } from '../../compiler/analyze.js';
import type { BuildingBlock } from '../../compiler/model/types.js';
import { buildPlan, planQueries, planTargets, type EnvironmentPlan, type Plan } from '../../compiler/plan.js';
import { createLivePriceSource, loadSnapshotSource, type LivePriceSource, type PriceQuery, type PriceSource, type PriceWarning } from '../../compiler/pricing/index.js';
import { describeQuery } from '../../compiler/pricing/price-list.js';
import { findNode, locate, type SpecSource } from '../../spec/load.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { renderPlan, usd, usdRange, type PlanFormat } from '../plan-render.js';
import { readSpecFile } from '../read-spec.js';
import { countLabel, renderDiagnostics } from '../render.js';
import { Chalk } from 'chalk';

export interface PlanArgs {
  readonly file: string;
  readonly environment?: string;
  readonly format: PlanFormat;
  readonly pricing: 'snapshot' | 'live';
  readonly allowOverBudget: boolean;
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
  const read = await readSpecFile(args.file, io.cwd);
  if (!read.ok) {
    io.stderr.write(renderDiagnostics([read.diagnostic], { format: 'text', color: errColor }));
    return EXIT.usage;
  }
  const analysis = analyzeSpec(read.bytes, args.file, { environment: args.environment });
  if (analysis.diagnostics.length > 0) {
    io.stderr.write(renderDiagnostics(analysis.diagnostics, { format: 'text', color: errColor, sourceText: (f) => (f === args.file ? analysis.source.text : undefined) }));
  }
  if (!analysis.ok) {
    io.stderr.write(`${args.file}: invalid — ${countLabel(analysis.diagnostics)}; nothing priced\n`);
    return EXIT.failed;
  }
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
  io.stdout.write(renderPlan(plan, args.format, { color, specFile: args.file }));

  if (live && args.format !== 'text' && plan.warnings.length > 0) {
    // Text output lists the warnings itself; for JSON/Markdown say on stderr that prices fell back.
    io.stderr.write(`dex plan: ${plan.warnings.length} live-pricing warning${plan.warnings.length === 1 ? '' : 's'} (prices fell back to the snapshot where the API did not answer); see "warnings"\n`);
  }

  const over = plan.environments.filter((e) => e.budget?.exceeded);
  if (over.length === 0) return EXIT.ok;
  const c = new Chalk({ level: errColor ? 1 : 0 });
  for (const e of over) io.stderr.write(budgetMessage(e, analysis.source, args, c));
  if (args.allowOverBudget) {
    io.stderr.write(`dex plan: over budget, allowed by --allow-over-budget\n`);
    return EXIT.ok;
  }
  return EXIT.failed;
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
