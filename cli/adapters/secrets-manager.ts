// AWS Secrets Manager for `dex secrets`: whether a secret has a current value (DescribeSecret: a
// secret with no version labelled AWSCURRENT has none) and setting one (PutSecretValue; one key of a
// JSON secret: GetSecretValue first, the other keys kept).
// @aws-sdk/client-secrets-manager is loaded only when a request goes out (./packages.ts). Every
// request has a deadline: the connection 5 s, the request 10 s (with throwOnRequestTimeout, so the
// deadline ends the request instead of logging a warning), retried by the SDK's standard retry
// strategy (throttling, 5xx, timeouts) up to 3 attempts; what is still failing then becomes a
// SecretsManagerError with a kind the command turns into a diagnostic.
import type { AwsCredentials } from './live-pricing.js';
import { quietAwsSdk, SILENT_LOGGER } from './aws-sdk.js';
import { loadPackage } from './packages.js';

export interface SecretsManagerOptions {
  readonly region: string;
  readonly profile?: string;
  /** DEX_SECRETSMANAGER_ENDPOINT (tests: a loopback server). Default: the SDK's for the region. */
  readonly endpoint?: string;
  readonly credentials?: AwsCredentials;
  /** Whole request, per attempt (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** TCP (and TLS) connection, per attempt (default 5 s). */
  readonly connectionTimeoutMs?: number;
  /** Attempts in all, the first included (default 3). */
  readonly maxAttempts?: number;
}

export const SECRETS_MANAGER_DEFAULTS = { requestTimeoutMs: 10_000, connectionTimeoutMs: 5_000, maxAttempts: 3 } as const;

export type SecretState =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly arn: string | undefined;
      /** A version labelled AWSCURRENT exists. */
      readonly hasValue: boolean;
      readonly lastChanged: Date | undefined;
      /** Scheduled for deletion: no value can be read or written until it is restored. */
      readonly deleted: boolean;
    };

export type SecretsManagerErrorKind = 'credentials' | 'access-denied' | 'not-found' | 'throttled' | 'timeout' | 'network' | 'kms' | 'deleted' | 'service' | 'other';

export class SecretsManagerError extends Error {
  constructor(
    readonly kind: SecretsManagerErrorKind,
    readonly action: 'DescribeSecret' | 'GetSecretValue' | 'PutSecretValue',
    readonly secret: string,
    message: string,
  ) {
    super(message);
    this.name = 'SecretsManagerError';
  }
}

export interface SecretsManagerPort {
  describe(name: string): Promise<SecretState>;
  /** The AWSCURRENT value (SecretString); the caller checks with describe that one exists. */
  getValue(name: string): Promise<string>;
  /** Sets the value; resolves to the new version's ID. */
  putValue(name: string, value: string): Promise<string | undefined>;
  close(): void;
}

interface SdkError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

/** What went wrong, from the SDK's error (its name is the AWS error code, or Node's for the network). */
export function classify(err: unknown): { kind: SecretsManagerErrorKind; detail: string } {
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? 'Error';
  const message = e.message ?? String(err);
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const after = attempts && attempts > 1 ? ` (after ${attempts} attempts)` : '';
  const text = `${name} ${e.code ?? ''} ${message}`;
  if (name === 'CredentialsProviderError' || /Could not load credentials|credential provider/i.test(message)) return { kind: 'credentials', detail: message };
  if (/^(AccessDenied(Exception)?|UnrecognizedClientException|InvalidSignatureException|ExpiredTokenException|InvalidClientTokenId|SignatureDoesNotMatch)$/.test(name)) return { kind: 'access-denied', detail: `${name}: ${message}` };
  if (name === 'ResourceNotFoundException') return { kind: 'not-found', detail: message };
  if (/Throttl|TooManyRequests|Rate exceeded|RequestLimitExceeded/i.test(name) || status === 429) return { kind: 'throttled', detail: `${name}: ${message}${after}` };
  if (name === 'TimeoutError' || /ETIMEDOUT|ESOCKETTIMEDOUT|timed out|requestTimeout/i.test(text)) return { kind: 'timeout', detail: `${message}${after}` };
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|socket hang up/i.test(text)) return { kind: 'network', detail: `${e.code ?? name}: ${message}${after}` };
  if (/^(DecryptionFailure|EncryptionFailure)$/.test(name) || /KMS/.test(message)) return { kind: 'kms', detail: `${name}: ${message}` };
  if (name === 'InvalidRequestException' && /deletion/i.test(message)) return { kind: 'deleted', detail: message };
  if (status !== undefined && status >= 500) return { kind: 'service', detail: `${name} (HTTP ${status}): ${message}${after}` };
  return { kind: 'other', detail: `${name}${status ? ` (HTTP ${status})` : ''}: ${message}` };
}

const failure = (err: unknown, action: SecretsManagerError['action'], secret: string): SecretsManagerError => {
  const { kind, detail } = classify(err);
  return new SecretsManagerError(kind, action, secret, detail);
};

export function secretsManager(options: SecretsManagerOptions): SecretsManagerPort {
  type Sdk = typeof import('@aws-sdk/client-secrets-manager');
  let sdk: Sdk | undefined;
  let client: InstanceType<Sdk['SecretsManagerClient']> | undefined;
  const connect = () => {
    quietAwsSdk();
    sdk ??= loadPackage<Sdk>('@aws-sdk/client-secrets-manager');
    client ??= new sdk.SecretsManagerClient({
      region: options.region,
      maxAttempts: options.maxAttempts ?? SECRETS_MANAGER_DEFAULTS.maxAttempts,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : options.profile ? { profile: options.profile } : {}),
      requestHandler: {
        requestTimeout: options.requestTimeoutMs ?? SECRETS_MANAGER_DEFAULTS.requestTimeoutMs,
        // Without it, @smithy/node-http-handler only logs a warning when requestTimeout passes.
        throwOnRequestTimeout: true,
        connectionTimeout: options.connectionTimeoutMs ?? SECRETS_MANAGER_DEFAULTS.connectionTimeoutMs,
        logger: SILENT_LOGGER,
      },
      logger: SILENT_LOGGER,
    });
    return { sdk, client };
  };
  return {
    async describe(name) {
      const { sdk, client } = connect();
      try {
        const out = await client.send(new sdk.DescribeSecretCommand({ SecretId: name }));
        const stages = Object.values(out.VersionIdsToStages ?? {});
        return { exists: true, arn: out.ARN, hasValue: stages.some((s) => s.includes('AWSCURRENT')), lastChanged: out.LastChangedDate, deleted: out.DeletedDate !== undefined };
      } catch (err) {
        if ((err as SdkError).name === 'ResourceNotFoundException') return { exists: false };
        throw failure(err, 'DescribeSecret', name);
      }
    },
    async getValue(name) {
      const { sdk, client } = connect();
      try {
        return (await client.send(new sdk.GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSCURRENT' }))).SecretString ?? '';
      } catch (err) {
        throw failure(err, 'GetSecretValue', name);
      }
    },
    async putValue(name, value) {
      const { sdk, client } = connect();
      try {
        return (await client.send(new sdk.PutSecretValueCommand({ SecretId: name, SecretString: value }))).VersionId;
      } catch (err) {
        throw failure(err, 'PutSecretValue', name);
      }
    },
    close: () => client?.destroy(),
  };
}
