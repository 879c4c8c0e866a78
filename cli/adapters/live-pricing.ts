// Live prices: compiler/pricing/live.ts's source, with @aws-sdk/client-pricing (loaded only when a
// query goes out, through ./packages.ts) as its PricingApi and a directory of JSON files as its cache.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLivePriceSource, type CacheEntry, type LivePriceSource, type LiveSourceOptions, type PriceCache, type PricingApi } from '../../compiler/pricing/live.js';
import { refreshSnapshot, type RefreshOptions, type RefreshReport } from '../../compiler/pricing/refresh.js';
import type { SnapshotFile } from '../../compiler/pricing/snapshot.js';
import { AWS_TIMEOUT_DEFAULTS, quietAwsSdk, requestHandlerOptions, SILENT_LOGGER, type AwsTimeouts } from './aws-sdk.js';
import { loadPackage } from './packages.js';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Credentials from the CLI's environment when it has them; otherwise the SDK's default chain. */
export function envCredentials(env: Readonly<Record<string, string | undefined>>): AwsCredentials | undefined {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return undefined;
  return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

export function pricingCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.DEX_CACHE_DIR) return join(env.DEX_CACHE_DIR, 'pricing');
  const base = env.XDG_CACHE_HOME || join(env.HOME || loadPackage<typeof import('node:os')>('node:os').homedir(), '.cache');
  return join(base, 'dex', 'pricing');
}

/** The part of the SDK's PricingClient dex uses (the real client, or one a test built). */
export interface PricingClientLike {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy?(): void;
}

export interface PricingClientOptions {
  /** Price List endpoint, e.g. http://127.0.0.1:PORT in tests. Default: the SDK's for apiRegion. */
  readonly endpoint?: string;
  /** Region of the Price List endpoint (us-east-1, eu-central-1 or ap-south-1); any answers for all regions. */
  readonly apiRegion?: string;
  /** Keys, or a provider (the SDK's default chain when absent). */
  readonly credentials?: AwsCredentials | (() => Promise<AwsCredentials>);
  /** Per-request deadlines (default 10 s per request, 5 s to connect). */
  readonly timeouts?: AwsTimeouts;
  /** A ready client (then endpoint, credentials and timeout are ignored, and it is not destroyed here). */
  readonly client?: PricingClientLike;
}

/** GetProducts through the SDK; `close` releases the client this created. */
export async function sdkPricingApi(options: PricingClientOptions): Promise<PricingApi & { close(): void }> {
  quietAwsSdk();
  const sdk = loadPackage<typeof import('@aws-sdk/client-pricing')>('@aws-sdk/client-pricing');
  const created = options.client
    ? undefined
    : new sdk.PricingClient({
        region: options.apiRegion ?? 'us-east-1',
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        // dex does its own bounded retries (with an injectable sleep); the SDK must not add its own.
        maxAttempts: 1,
        logger: SILENT_LOGGER,
        requestHandler: requestHandlerOptions(options.timeouts ?? AWS_TIMEOUT_DEFAULTS),
      });
  const client: PricingClientLike = options.client ?? (created as unknown as PricingClientLike);
  return {
    getProducts: async (input, call) =>
      (await client.send(new sdk.GetProductsCommand({ ...input, Filters: [...input.Filters] }), call?.abortSignal ? { abortSignal: call.abortSignal } : undefined)) as { PriceList?: unknown; NextToken?: string },
    close: () => created?.destroy(),
  };
}

/** One JSON file per query under `dir`, named by a hash of its key, each written by rename. */
export function directoryCache(dir: string): PriceCache {
  mkdirSync(dir, { recursive: true });
  const path = (key: string) => join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  return {
    read(key) {
      const file = path(key);
      if (!existsSync(file)) return undefined;
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
      } catch (err) {
        throw new Error(`${file}: ${(err as Error).message}`);
      }
    },
    write(entry) {
      const file = path(entry.key);
      writeFileSync(`${file}.tmp`, JSON.stringify(entry, null, 1));
      renameSync(`${file}.tmp`, file);
    },
  };
}

/** The live source's own settings (retries, pages, cache age), plus where the cache lives and the client. */
export interface LivePricingOptions extends PricingClientOptions, Omit<LiveSourceOptions, 'api' | 'cache' | 'now'> {
  /** Directory for the on-disk cache (created if missing). */
  readonly cacheDir: string;
  readonly now?: () => Date;
}

export type LivePricing = LivePriceSource & { close(): void };

export function createLivePricing(options: LivePricingOptions): LivePricing {
  let api: Promise<PricingApi & { close(): void }> | undefined;
  const source = createLivePriceSource({
    ...options,
    requestTimeoutMs: options.requestTimeoutMs ?? (options.timeouts ?? AWS_TIMEOUT_DEFAULTS).requestTimeoutMs,
    api: () => (api ??= sdkPricingApi(options)),
    cache: directoryCache(options.cacheDir),
    now: options.now ?? (() => new Date()),
  });
  return { ...source, close: () => void api?.then((a) => a.close(), () => undefined) };
}

/** `dex pricing refresh`'s work: the new snapshot from the live API (the caller writes it). */
export async function refreshFromApi(regions: readonly string[], current: SnapshotFile, client: PricingClientOptions, options: Omit<RefreshOptions, 'now'> & { readonly now?: () => Date }): Promise<RefreshReport> {
  const api = await sdkPricingApi(client);
  try {
    return await refreshSnapshot(regions, current, api, {
      ...options,
      requestTimeoutMs: options.requestTimeoutMs ?? (client.timeouts ?? AWS_TIMEOUT_DEFAULTS).requestTimeoutMs,
      now: options.now ?? (() => new Date()),
    });
  } finally {
    api.close();
  }
}
