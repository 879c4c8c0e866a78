// What every AWS SDK client dex makes shares: deadlines that end a request instead of logging a
// warning, and silence. @smithy/node-http-handler (4.14) only warns when `requestTimeout` passes
// unless `throwOnRequestTimeout` is set, and prints that warning (and socket-capacity ones) with
// console.warn unless it has a logger; the SDK also prints a Node-version notice through
// process.emitWarning. A user sees none of that: what went wrong reaches them as dex's own words
// (compiler/pricing/aws-errors.ts).

/** Per-request deadlines, in milliseconds. */
export interface AwsTimeouts {
  /** The whole request, per attempt (also the socket's idle limit). */
  readonly requestTimeoutMs: number;
  /** TCP (and TLS) connection, per attempt. */
  readonly connectionTimeoutMs: number;
}

export const AWS_TIMEOUT_DEFAULTS: AwsTimeouts = { requestTimeoutMs: 10_000, connectionTimeoutMs: 5_000 };

/** DEX_AWS_TIMEOUT_MS shortens (or lengthens) every request's deadline; tests use it to stay fast. */
export function awsTimeouts(env: Readonly<Record<string, string | undefined>>, defaults: AwsTimeouts = AWS_TIMEOUT_DEFAULTS): AwsTimeouts {
  const raw = Number(env.DEX_AWS_TIMEOUT_MS);
  if (!Number.isFinite(raw) || raw <= 0) return defaults;
  return { requestTimeoutMs: raw, connectionTimeoutMs: Math.min(raw, defaults.connectionTimeoutMs) };
}

/** A time budget in milliseconds from an environment variable, or the default. */
export function envMilliseconds(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const raw = Number(env[name]);
  return Number.isFinite(raw) && raw > 0 ? raw : fallback;
}

const ignore = () => undefined;
/** A logger that drops the SDK's and the HTTP handler's messages. */
export const SILENT_LOGGER = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

/** requestHandler settings for an SDK client: every deadline enforced, nothing printed. */
export function requestHandlerOptions(t: AwsTimeouts) {
  return {
    requestTimeout: t.requestTimeoutMs,
    // Without it the handler logs "[WARN] a request has exceeded…" and keeps waiting, forever
    // for a server that accepted the connection and never answers.
    throwOnRequestTimeout: true,
    connectionTimeout: t.connectionTimeoutMs,
    socketTimeout: t.requestTimeoutMs,
    logger: SILENT_LOGGER,
  };
}

/** Call before making a client: the SDK's Node-version notice is not the user's business here. */
export function quietAwsSdk(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
