// `dex pricing refresh [--region R...] [--snapshot FILE] [--output FILE]`
//
// Rewrites the price snapshot from the live AWS Price List API (GetProducts): for every region
// and every meter the current snapshot can price, exactly one product, or a recorded gap with the
// reason. The new file is written beside the target and renamed over it only when the API
// actually answered; an unreachable API leaves the snapshot exactly as it was (exit 1).
// DEX_PRICING_ENDPOINT points the client elsewhere (a test server).
import { relative, resolve } from 'node:path';
import { describeQuery } from '../../compiler/pricing/price-list.js';
import { envCredentials, refreshFromApi, type PricingClientLike } from '../adapters/live-pricing.js';
import { defaultSnapshotPath, readSnapshotFile, writeSnapshotFile } from '../adapters/snapshot.js';
import { EXIT, type CliIO } from '../io.js';

export interface PricingRefreshArgs {
  readonly regions?: readonly string[];
  /** Snapshot to read the catalog from (default: the package's data/pricing/snapshot.json). */
  readonly snapshot?: string;
  /** Where to write (default: the snapshot itself). */
  readonly output?: string;
}

export interface PricingRunOptions {
  readonly client?: PricingClientLike;
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

export async function runPricingRefresh(args: PricingRefreshArgs, io: CliIO, options: PricingRunOptions = {}): Promise<number> {
  const snapshotPath = args.snapshot ? resolve(io.cwd, args.snapshot) : defaultSnapshotPath();
  const target = args.output ? resolve(io.cwd, args.output) : snapshotPath;
  const shown = (p: string) => relative(io.cwd, p) || p;
  let current;
  try {
    current = readSnapshotFile(snapshotPath);
  } catch (err) {
    io.stderr.write(`dex pricing refresh: cannot read the snapshot ${shown(snapshotPath)}: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const regions = args.regions && args.regions.length > 0 ? [...new Set(args.regions)] : [...current.regions];

  io.stderr.write(`dex pricing refresh: asking the AWS Price List for ${regions.join(', ')}…\n`);
  const credentials = envCredentials(io.env);
  let report;
  try {
    report = await refreshFromApi(
      regions,
      current,
      options.client ? { client: options.client } : { ...(io.env.DEX_PRICING_ENDPOINT ? { endpoint: io.env.DEX_PRICING_ENDPOINT } : {}), ...(credentials ? { credentials } : {}) },
      {
        ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
        ...(options.baseDelayMs !== undefined ? { baseDelayMs: options.baseDelayMs } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
        ...(options.now ? { now: options.now } : {}),
      },
    );
  } catch (err) {
    io.stderr.write(`dex pricing refresh: failed: ${(err as Error).message}; ${shown(target)} is unchanged\n`);
    return EXIT.failed;
  }
  const fetched = report.products - report.carriedOver;
  if (fetched === 0) {
    const first = report.unresolved[0];
    io.stderr.write(`dex pricing refresh: the Price List API answered no query${first ? ` (e.g. ${describeQuery(first.query)}: ${first.reason})` : ''}; ${shown(target)} is unchanged\n`);
    return EXIT.failed;
  }
  try {
    writeSnapshotFile(target, report.file);
  } catch (err) {
    io.stderr.write(`dex pricing refresh: cannot write ${shown(target)}: ${(err as Error).message}; it is unchanged\n`);
    return EXIT.failed;
  }
  io.stdout.write(`wrote ${shown(target)}: ${report.products} products for ${regions.join(', ')} (${report.carriedOver} carried over from the previous snapshot), ${report.unresolved.length} queries unresolved\n`);
  for (const u of report.unresolved) io.stdout.write(`  unresolved: ${describeQuery(u.query)}: ${u.reason}\n`);
  return EXIT.ok;
}
