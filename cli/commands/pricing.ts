// `dex pricing refresh [--region R...] [--snapshot FILE] [--output FILE | --in-place] [--spec FILE] [--max-time SECONDS]`
//
// Re-reads the price snapshot's products from the live AWS Price List API (GetProducts), and asks
// for every product the spec's meters need too (dex.yaml in the current directory, or --spec),
// not only those the snapshot already has. Writes a NEW file by default
// (price-snapshot-<date>.json); over the snapshot only with --in-place. Never loses a price: a
// product the API did not re-read keeps its old price, marked stale, and the run exits 1 with a
// summary (DEX906); regions not asked keep their products. Every request has a deadline and the
// run a time budget (--max-time, default 10 minutes); progress is drawn on a TTY.
// DEX_PRICING_ENDPOINT points the client elsewhere (a test server); DEX_AWS_TIMEOUT_MS shortens
// the per-request deadline.
import { relative, resolve } from 'node:path';
import type { MeterName } from '../../compiler/model/types.js';
import { CREDENTIALS_HINT, seconds } from '../../compiler/pricing/aws-errors.js';
import { describeQuery } from '../../compiler/pricing/price-list.js';
import { REFRESH_BUDGET_MS, type RefreshReport } from '../../compiler/pricing/refresh.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { bootstrapPlanTargets, planTargets } from '../../pipeline/plan.js';
import type { Diagnostic } from '../../spec/diagnostics.js';
import { awsTimeouts } from '../adapters/aws-sdk.js';
import { exists } from '../adapters/files.js';
import { envCredentials, refreshFromApi, type PricingClientLike } from '../adapters/live-pricing.js';
import { defaultSnapshotPath, readSnapshotFile, writeSnapshotFile } from '../adapters/snapshot.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { progress } from '../progress.js';
import { readSpecFile, clockFrom } from '../read-spec.js';
import { cliProblem, renderDiagnostics } from '../render.js';

export interface PricingRefreshArgs {
  readonly regions?: readonly string[];
  /** Snapshot to refresh (default: the package's data/pricing/snapshot.json). */
  readonly snapshot?: string;
  /** Where to write (default: price-snapshot-<date>.json in the current directory). */
  readonly output?: string;
  /** Write over the snapshot itself. */
  readonly inPlace?: boolean;
  /** A spec whose meters are asked for too (default: dex.yaml in the current directory, when there is one). */
  readonly spec?: string;
  /** Time budget of the whole refresh, in seconds. */
  readonly maxTimeSeconds?: number;
}

export interface PricingRunOptions {
  readonly client?: PricingClientLike;
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

const NAME = 'dex pricing refresh';
/** Stale queries listed one per line; the rest are counted. */
const LISTED = 20;

export async function runPricingRefresh(args: PricingRefreshArgs, io: CliIO, options: PricingRunOptions = {}): Promise<number> {
  const color = colorEnabled(io.stderr, io.env);
  const problem = (d: Diagnostic) => io.stderr.write(renderDiagnostics([d], { format: 'text', color }));
  const usage = (message: string, hint: string) => {
    problem(cliProblem('DEX900', message, hint));
    return EXIT.usage;
  };
  const shown = (p: string) => relative(io.cwd, p) || p;
  const now = options.now ?? (() => new Date());
  const today = now().toISOString().slice(0, 10);

  if (args.inPlace && args.output) return usage('--in-place and --output name two different targets', 'pass one of them');
  if (args.maxTimeSeconds !== undefined && !(Number.isFinite(args.maxTimeSeconds) && args.maxTimeSeconds > 0)) return usage(`--max-time ${args.maxTimeSeconds}: not a number of seconds`, 'e.g. --max-time 300');
  const snapshotPath = args.snapshot ? resolve(io.cwd, args.snapshot) : defaultSnapshotPath();
  const target = args.inPlace ? snapshotPath : resolve(io.cwd, args.output ?? `price-snapshot-${today}.json`);
  if (!args.inPlace && target === snapshotPath) return usage(`--output ${shown(target)} is the snapshot being refreshed`, 'pass --in-place to write over it on purpose');

  let current;
  try {
    current = readSnapshotFile(snapshotPath);
  } catch (err) {
    return usage(`cannot read the snapshot ${shown(snapshotPath)}: ${(err as Error).message}`, 'pass --snapshot with a file written by dex');
  }
  const regions = args.regions && args.regions.length > 0 ? [...new Set(args.regions)] : [...current.regions];

  // The products the spec's meters need, in the spec's regions (and the bootstrap's).
  const specFile = args.spec ?? ((await exists(resolve(io.cwd, 'dex.yaml'))) ? 'dex.yaml' : undefined);
  const needed: { meter: MeterName; attributes: Readonly<Record<string, string>>; region: string }[] = [];
  if (specFile) {
    const read = await readSpecFile(specFile, io.cwd);
    if (!read.ok) {
      problem(read.diagnostic);
      return EXIT.usage;
    }
    const analysis = analyzeSpec(read.bytes, specFile, { today: clockFrom(io.env) });
    if (!analysis.ok) {
      return usage(`${specFile} is invalid (run dex validate ${specFile}); its meters cannot be read`, 'fix the spec, or pass --spec with another one');
    }
    for (const t of [...planTargets(analysis), ...bootstrapPlanTargets(analysis)]) {
      for (const r of t.model.resources) for (const m of r.usage) needed.push({ meter: m.meter, attributes: m.attributes, region: t.spec.region });
    }
  }

  const budgetMs = args.maxTimeSeconds !== undefined ? args.maxTimeSeconds * 1000 : REFRESH_BUDGET_MS;
  io.stderr.write(`${NAME}: asking the AWS Price List for ${regions.join(', ')}${specFile ? ` and what ${specFile} needs` : ''} (at most ${seconds(budgetMs)})…\n`);
  const credentials = envCredentials(io.env);
  const timeouts = awsTimeouts(io.env);
  const bar = progress(io, 'refreshing prices');
  let report: RefreshReport;
  try {
    report = await refreshFromApi(
      regions,
      current,
      options.client ? { client: options.client } : { ...(io.env.DEX_PRICING_ENDPOINT ? { endpoint: io.env.DEX_PRICING_ENDPOINT } : {}), ...(credentials ? { credentials } : {}), timeouts },
      {
        needed,
        budgetMs,
        requestTimeoutMs: timeouts.requestTimeoutMs,
        onProgress: (done, total, query) => bar.update(done, total, describeQuery(query)),
        ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
        ...(options.baseDelayMs !== undefined ? { baseDelayMs: options.baseDelayMs } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
        now,
      },
    );
  } catch (err) {
    bar.done();
    problem(cliProblem('DEX906', `the refresh failed: ${(err as Error).message}; ${shown(target)} was not written`));
    return EXIT.failed;
  } finally {
    bar.done();
  }

  const credentialsMissing = /credentials/i.test(report.stopped ?? '');
  const hint = credentialsMissing ? `${CREDENTIALS_HINT}; they need pricing:GetProducts` : 'run it again later: products that answer replace the stale ones, the others stay marked';
  if (report.fetched === 0) {
    const first = report.stale[0];
    const why = report.stopped ?? (first ? `${describeQuery(first.query)}: ${first.reason}` : 'no query was asked');
    const unreachable = credentialsMissing ? hint : 'check that the Price List API is reachable from here (a proxy, a firewall, DEX_PRICING_ENDPOINT) and run it again; no file was changed';
    problem({ ...cliProblem('DEX906', `the AWS Price List answered no query (${why}); nothing was written`), hint: unreachable });
    return EXIT.failed;
  }
  try {
    writeSnapshotFile(target, report.file);
  } catch (err) {
    problem(cliProblem('DEX901', `cannot write ${shown(target)}: ${(err as Error).message}; it is unchanged`));
    return EXIT.failed;
  }
  const staleProducts = report.stale.reduce((n, s) => n + s.keptProducts, 0);
  io.stdout.write(
    `wrote ${shown(target)}: ${report.products} products — ${report.fetched} re-read from the AWS Price List (${report.asked} queries), ` +
      `${report.carriedOver} carried over unchanged, ${staleProducts} kept stale; ${report.gaps.length} not in the Price List\n`,
  );
  if (report.keptRegions.length > 0) io.stdout.write(`  regions not refreshed, kept as they were: ${report.keptRegions.join(', ')}\n`);
  for (const g of report.gaps) io.stdout.write(`  not in the Price List: ${describeQuery(g.query)}: ${g.reason}\n`);
  // After the asking stopped every remaining query has the same reason: a few lines say it.
  for (const s of report.stale.slice(0, LISTED)) io.stdout.write(`  stale (${s.keptProducts === 0 ? 'no old price to keep' : 'old price kept'}): ${describeQuery(s.query)}: ${s.reason}\n`);
  if (report.stale.length > LISTED) io.stdout.write(`  … and ${report.stale.length - LISTED} more not re-read\n`);
  if (report.stale.length > 0 || report.stopped) {
    const message = `${report.stale.length} of ${report.asked} queries were not re-read${report.stopped ? ` (${report.stopped})` : ''}: ${staleProducts} product${staleProducts === 1 ? ' keeps its' : 's keep their'} earlier price, marked stale in ${shown(target)}`;
    problem({ ...cliProblem('DEX906', message), hint });
    return EXIT.failed;
  }
  return EXIT.ok;
}
