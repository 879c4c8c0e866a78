// The GitHub REST API for `dex comment github`: find dex's earlier comment on a pull request by
// its marker and update it, or create one. The only module that loads @octokit/rest, by import()
// when the command runs (importPackage: it ships ES modules only), so no other command pays for it.
//
// Octokit's own requests have no deadline and no retry (those are plugins dex does not ship), so
// both are here: every request gets a deadline (10 s by default, on the fetch it makes), and a server
// error, a dropped connection or a deadline makes the whole find-then-write run again, up to 3
// times with a growing pause. Run again as a whole, not request by request: a POST whose answer
// was lost may have created the comment, and the next attempt finds it and updates it instead of
// posting a second one. What still fails becomes a GithubError with a kind the command turns into
// a diagnostic; the token never appears in one.
import { importPackage } from './packages.js';

export interface GithubOptions {
  readonly token: string;
  /** GITHUB_API_URL: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server. */
  readonly baseUrl: string;
  readonly userAgent: string;
  /** Each request's deadline (default 10 s). */
  readonly timeoutMs?: number;
  /** Attempts in all, the first included (default 3). */
  readonly maxAttempts?: number;
  /** Pause before the second attempt, doubled for each one after (default 1 s). */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const GITHUB_DEFAULTS = { timeoutMs: 10_000, maxAttempts: 3, baseDelayMs: 1_000 } as const;

export interface PullRequest {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

export type CommentOutcome = { readonly action: 'created' | 'updated' | 'unchanged'; readonly id: number; readonly url: string };

export type GithubErrorKind = 'unauthorized' | 'forbidden' | 'not-found' | 'invalid' | 'rate-limited' | 'server' | 'timeout' | 'network' | 'other';

export class GithubError extends Error {
  constructor(
    readonly kind: GithubErrorKind,
    /** What dex was doing: 'list comments', 'update comment 12', 'create a comment'. */
    readonly action: string,
    readonly status: number | undefined,
    readonly attempts: number,
    message: string,
  ) {
    super(message);
    this.name = 'GithubError';
  }
}

/** The kinds worth another attempt: GitHub's side, or the way to it. */
const RETRIED: readonly GithubErrorKind[] = ['server', 'timeout', 'network'];

interface OctokitError {
  readonly name?: string;
  readonly status?: number;
  readonly message?: string;
  readonly response?: { readonly headers?: Readonly<Record<string, string | number | undefined>>; readonly data?: unknown };
  readonly cause?: unknown;
}

/** A request that ran past its deadline (the AbortController's abort, as dex's own error). */
class DeadlineError extends Error {}

/** What went wrong, from Octokit's RequestError (a network failure is one too, with status 500 and no response). */
export function classify(err: unknown, action: string, attempts: number): GithubError {
  if (err instanceof GithubError) return err;
  const e = (err ?? {}) as OctokitError;
  // Octokit wraps what fetch throws (the cause); a deadline while reading the body comes as it is.
  if (e.cause instanceof DeadlineError) return new GithubError('timeout', action, undefined, attempts, e.cause.message);
  if (e.name === 'TimeoutError') return new GithubError('timeout', action, undefined, attempts, `no complete answer within the deadline: ${e.message ?? ''}`);
  const data = e.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const said = typeof data?.message === 'string' ? data.message : '';
  const details = Array.isArray(data?.errors) ? data.errors.map((x) => (typeof x === 'object' && x && 'message' in x ? String((x as { message: unknown }).message) : typeof x === 'string' ? x : '')).filter(Boolean).join('; ') : '';
  const status = e.response ? e.status : undefined;
  const text = `${said || e.message || String(err)}${details ? ` (${details})` : ''}`;
  const make = (kind: GithubErrorKind, message: string) => new GithubError(kind, action, status, attempts, message);
  if (status === undefined) {
    const cause = e.cause as { code?: string; cause?: { code?: string }; message?: string } | undefined;
    const code = cause?.code ?? cause?.cause?.code;
    return make('network', `${code ? `${code}: ` : ''}${e.message ?? String(err)}`);
  }
  const remaining = e.response?.headers?.['x-ratelimit-remaining'];
  if (status === 429 || (status === 403 && (String(remaining) === '0' || /rate limit/i.test(said)))) {
    const reset = Number(e.response?.headers?.['x-ratelimit-reset']);
    return make('rate-limited', `HTTP ${status}: ${text}${Number.isFinite(reset) && reset > 0 ? ` (the limit resets at ${new Date(reset * 1000).toISOString()})` : ''}`);
  }
  if (status === 401) return make('unauthorized', `HTTP 401: ${text}`);
  if (status === 403) return make('forbidden', `HTTP 403: ${text}`);
  if (status === 404) return make('not-found', `HTTP 404: ${text}`);
  if (status === 422) return make('invalid', `HTTP 422: ${text}`);
  if (status >= 500) return make('server', `HTTP ${status}: ${text}`);
  return make('other', `HTTP ${status}: ${text}`);
}

type Octokit = InstanceType<(typeof import('@octokit/rest'))['Octokit']>;

interface IssueComment {
  readonly id: number;
  readonly body?: string | null;
  readonly html_url: string;
  readonly user?: { readonly login: string; readonly type?: string } | null;
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

async function connect(options: GithubOptions): Promise<Octokit> {
  const { Octokit } = await importPackage<typeof import('@octokit/rest')>('@octokit/rest');
  const timeoutMs = options.timeoutMs ?? GITHUB_DEFAULTS.timeoutMs;
  // The deadline covers the answer's body too: the signal stays armed while Octokit reads it.
  const deadlineFetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') throw new DeadlineError(`no answer from ${options.baseUrl} within ${timeoutMs / 1000} s (${init?.method ?? 'GET'} ${new URL(String(url)).pathname})`);
      throw err;
    }
  };
  return new Octokit({ auth: options.token, baseUrl: options.baseUrl.replace(/\/+$/, ''), userAgent: options.userAgent, log: silent, request: { fetch: deadlineFetch } });
}

/**
 * Whose comments may be dex's: the token's own user (a personal token: GET /user says who), or,
 * for a GitHub App's token (the Actions GITHUB_TOKEN: GET /user answers 403), a bot account. A
 * user cannot post as a bot, so a marker pasted into someone's own comment is never taken over.
 */
async function author(octokit: Octokit): Promise<(c: IssueComment) => boolean> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return (c) => c.user?.login === data.login;
  } catch (err) {
    if ((err as OctokitError).status === 403 && (err as OctokitError).response) return (c) => c.user?.type === 'Bot';
    throw err;
  }
}

/** A body edited in the browser comes back with \r\n line ends. */
function startsWithMarker(body: string | null | undefined, marker: string): boolean {
  if (typeof body !== 'string') return false;
  const text = body.replace(/\r\n/g, '\n');
  return text === marker || text.startsWith(`${marker}\n`);
}

/**
 * Updates the comment on the pull request whose body starts with `marker` (the oldest, if there
 * are several) to `body`, or creates it. `body` starts with `marker`.
 */
export async function upsertComment(pr: PullRequest, marker: string, body: string, options: GithubOptions): Promise<CommentOutcome> {
  const attempts = options.maxAttempts ?? GITHUB_DEFAULTS.maxAttempts;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const octokit = await connect(options);
  let isOurs: ((c: IssueComment) => boolean) | undefined;
  for (let attempt = 1; ; attempt++) {
    let action = 'read who the token belongs to';
    try {
      isOurs ??= await author(octokit);
      action = `list the comments of ${pr.owner}/${pr.repo}#${pr.number}`;
      let found: IssueComment | undefined;
      for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { owner: pr.owner, repo: pr.repo, issue_number: pr.number, per_page: 100 })) {
        found = (page.data as IssueComment[]).find((c) => isOurs!(c) && startsWithMarker(c.body, marker));
        if (found) break;
      }
      if (found) {
        // GitHub keeps the body with \r\n as sent; an equal body is not written again.
        if (found.body === body) return { action: 'unchanged', id: found.id, url: found.html_url };
        action = `update comment ${found.id}`;
        const { data } = await octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: found.id, body });
        return { action: 'updated', id: data.id, url: data.html_url };
      }
      action = `create a comment on ${pr.owner}/${pr.repo}#${pr.number}`;
      const { data } = await octokit.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body });
      return { action: 'created', id: data.id, url: data.html_url };
    } catch (err) {
      const failure = classify(err, action, attempt);
      if (!RETRIED.includes(failure.kind) || attempt >= attempts) throw failure;
      await sleep((options.baseDelayMs ?? GITHUB_DEFAULTS.baseDelayMs) * 2 ** (attempt - 1));
    }
  }
}
