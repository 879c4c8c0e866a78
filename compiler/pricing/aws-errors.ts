// What an AWS SDK error means, in words for a user: the SDK's own text ("TimeoutError: socket hang
// up", "SyntaxError: Unexpected token '<'" for an HTML 502, CredentialsProviderError …) is
// written for its developers. Pure: it reads only the error's name, code, message and
// $metadata.httpStatusCode, so the Price List, CloudFormation and any other client share it.

export type AwsFailureKind =
  | 'credentials'
  | 'access-denied'
  | 'throttled'
  | 'timeout'
  | 'network'
  | 'server'
  | 'malformed-response'
  | 'bad-request'
  | 'aborted'
  | 'other';

export interface AwsFailure {
  readonly kind: AwsFailureKind;
  /** A sentence for the user (no stack, no SDK class names). */
  readonly message: string;
  /** Worth another attempt (throttling, timeouts, connection errors, 5xx, a garbled answer). */
  readonly retryable: boolean;
  /** Every further request would fail the same way (credentials, permissions): stop asking. */
  readonly fatal: boolean;
  /** A few words for a summary line ("timed out", "credentials missing"). */
  readonly short: string;
}

interface SdkErrorLike {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** How to give dex credentials, said once wherever they are missing. */
export const CREDENTIALS_HINT =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE for a profile in ~/.aws (run aws sso login first for SSO), or run where an instance or task role applies';

const THROTTLE_NAMES = /^(ThrottlingException|TooManyRequestsException|Throttling|RequestLimitExceeded|SlowDown)$/;
const CONNECT_CODES = /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNABORTED|UND_ERR_SOCKET/;

/**
 * Classifies an error thrown by an AWS SDK v3 client (or a connection under it).
 * `service` names what was asked ('the AWS Price List API'); `timeoutMs` is the per-request
 * deadline, said in the timeout message.
 */
export function classifyAwsError(err: unknown, service: string, timeoutMs?: number): AwsFailure {
  const e = (err ?? {}) as SdkErrorLike;
  const name = e.name ?? '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const status = e.$metadata?.httpStatusCode;
  const code = e.code ?? '';
  const text = `${name} ${code} ${message}`;
  const make = (kind: AwsFailureKind, msg: string, short: string, retryable: boolean, fatal = false): AwsFailure => ({ kind, message: msg, short, retryable, fatal });

  if (name === 'CredentialsProviderError' || /Could not load credentials|credential provider|Unable to find .*credentials|Token is expired|profile .* could not be found/i.test(message)) {
    return make('credentials', `no AWS credentials to ask ${service} with: ${CREDENTIALS_HINT}`, 'AWS credentials are missing', false, true);
  }
  if (/^(AccessDenied(Exception)?|UnrecognizedClientException|InvalidSignatureException|ExpiredToken(Exception)?|InvalidClientTokenId|SignatureDoesNotMatch|MissingAuthenticationToken|IncompleteSignature)$/.test(name)) {
    const expired = /Expired/.test(name);
    return make('access-denied', `${service} refused the AWS credentials (${name}${expired ? ': they have expired' : ''}); ${expired ? 'renew them' : 'check that they are valid and allowed the action'}`, expired ? 'AWS credentials have expired' : 'AWS refused the credentials', false, true);
  }
  if (name === 'AbortError') return make('aborted', `the request to ${service} was stopped: the overall time budget was spent`, 'time budget spent', false);
  if (THROTTLE_NAMES.test(name) || /Rate exceeded|throttl/i.test(message) || status === 429) {
    return make('throttled', `${service} is throttling requests (rate exceeded)`, 'throttled', true);
  }
  // Before timeouts: the HTTP handler renames ECONNRESET and EPIPE to "TimeoutError".
  if (CONNECT_CODES.test(text) || /socket hang up/i.test(message)) return network(text, service);
  if (name === 'TimeoutError' || /ETIMEDOUT|ESOCKETTIMEDOUT|timed out|requestTimeout/i.test(text)) {
    const after = timeoutMs ? ` within ${seconds(timeoutMs)}` : ' in time';
    return make('timeout', `${service} did not answer${after}`, 'timed out', true);
  }
  if (name === 'SyntaxError' || /Deserialization error|is not valid JSON|Unexpected token|JSON at position/i.test(message)) {
    const where = status !== undefined && status !== 200 ? ` (HTTP ${status}${status >= 500 ? ', likely an error page from a proxy or load balancer in between' : ''})` : '';
    return make('malformed-response', `${service} answered with something that is not its JSON${where}`, status !== undefined && status >= 500 ? `server error (HTTP ${status})` : 'a garbled answer', true);
  }
  if (/network|connect/i.test(message)) return network(text, service);
  if (status !== undefined && status >= 500) return make('server', `${service} failed (HTTP ${status}${name && name !== 'Error' && !/^Unknown/.test(name) ? `, ${name}` : ''})`, `server error (HTTP ${status})`, true);
  if (/^(InternalErrorException|ServiceUnavailable(Exception)?|InternalFailure|InternalError)$/.test(name)) return make('server', `${service} failed (${name})`, 'server error', true);
  if (status !== undefined && status >= 400) {
    return make('bad-request', `${service} rejected the request (HTTP ${status}${name ? `, ${name}` : ''}${message && message !== name ? `: ${firstLine(message)}` : ''})`, `rejected (HTTP ${status})`, false);
  }
  return make('other', `${service} could not be asked (${name || 'error'}${message ? `: ${firstLine(message)}` : ''})`, 'failed', false);
}

function network(text: string, service: string): AwsFailure {
  const why = /ECONNREFUSED/.test(text) ? 'the connection was refused' : /ENOTFOUND|EAI_AGAIN/.test(text) ? 'its host name does not resolve' : /EHOSTUNREACH|ENETUNREACH/.test(text) ? 'no route to it' : 'the connection was cut';
  return { kind: 'network', message: `cannot reach ${service}: ${why}`, short: 'unreachable', retryable: true, fatal: false };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

export function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
