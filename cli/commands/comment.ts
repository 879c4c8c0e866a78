// `dex comment github [--file FILE] [--repo OWNER/NAME] [--pr N]`: posts a comment (the output of
// `dex plan --format github-comment`) on a pull request, or updates dex's earlier one: the comment
// whose first lines are the same marker (one per spec and environment), so a pull request has one
// plan comment that follows its pushes instead of one more each time.
//
// In GitHub Actions nothing needs to be named: the repository is GITHUB_REPOSITORY, the pull
// request comes from the event (GITHUB_EVENT_PATH), the API from GITHUB_API_URL (GitHub
// Enterprise Server too). The token is GITHUB_TOKEN or GH_TOKEN, never an option: a command line
// is seen by `ps` and kept in shell histories and CI logs.
import { resolve } from 'node:path';
import type { Diagnostic } from '../../spec/diagnostics.js';
import { packageVersion } from '../adapters/assets.js';
import { readBodyFile, readBodyStream, pullRequestFromEvent, type BodyRead } from '../adapters/comment-input.js';
import { GITHUB_DEFAULTS, GithubError, upsertComment, type GithubOptions, type PullRequest } from '../adapters/github.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT } from '../plan-comment.js';
import { cliProblem, renderDiagnostics } from '../render.js';

export interface CommentGithubArgs {
  /** The body; standard input when absent. */
  readonly file?: string;
  /** owner/name; default GITHUB_REPOSITORY. */
  readonly repo?: string;
  /** The pull request's number; default the one of the workflow's event. */
  readonly pr?: string;
}

/** Tests shorten the deadlines and the pauses between attempts. */
export type CommentRunOptions = Pick<GithubOptions, 'timeoutMs' | 'maxAttempts' | 'baseDelayMs' | 'sleep'>;

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** The marker lines `dex plan --format github-comment` starts a comment with. */
const MARKER_LINE = /^<!-- dex-plan-[a-z]+(?: [^\n]*)? -->$/;
const TOKEN_HINT = 'in a workflow: env: GITHUB_TOKEN: ${{ github.token }}, with permissions: pull-requests: write; elsewhere: GH_TOKEN=$(gh auth token)';

/**
 * The comment's identity: its leading marker lines (`<!-- dex-plan-comment -->` and the spec's),
 * or, for a body without any, the generic marker, added at the top.
 */
export function commentIdentity(body: string): { marker: string; body: string } {
  const lines = body.replace(/\r\n/g, '\n').split('\n');
  let n = 0;
  while (n < lines.length && MARKER_LINE.test(lines[n]!)) n++;
  if (n > 0 && lines[0] === COMMENT_MARKER) return { marker: lines.slice(0, n).join('\n'), body };
  return { marker: COMMENT_MARKER, body: `${COMMENT_MARKER}\n${body}` };
}

/** GitHub counts characters (code points), not UTF-16 units or bytes. */
const characters = (text: string): number => [...text].length;

export async function runCommentGithub(args: CommentGithubArgs, io: CliIO, options: CommentRunOptions = {}): Promise<number> {
  const report = (d: Diagnostic, exit: number): number => {
    io.stderr.write(renderDiagnostics([d], { format: 'text', color: colorEnabled(io.stderr, io.env) }));
    return exit;
  };
  const usage = (message: string, hint: string): number => report(cliProblem('DEX900', message, hint), EXIT.usage);
  const missing = (message: string, hint: string): number => report(cliProblem('DEX923', message, hint), EXIT.usage);

  // The command line first, then the environment, then the body: nothing is read for a bad call.
  if (args.repo !== undefined && !REPOSITORY.test(args.repo)) return usage(`--repo ${args.repo}: expected owner/name`, 'e.g. --repo acme/shop');
  if (args.pr !== undefined && !/^[1-9]\d{0,9}$/.test(args.pr)) return usage(`--pr ${args.pr}: expected a pull request's number`, 'e.g. --pr 42');
  const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN;
  if (!token) return missing('no GitHub token: set GITHUB_TOKEN or GH_TOKEN (dex takes no token on the command line)', TOKEN_HINT);
  const repository = args.repo ?? io.env.GITHUB_REPOSITORY;
  if (!repository) return missing('no repository: pass --repo owner/name (in GitHub Actions, GITHUB_REPOSITORY names it)', 'e.g. dex comment github --repo acme/shop --pr 42 --file comment.md');
  if (!REPOSITORY.test(repository)) return usage(`GITHUB_REPOSITORY ${repository}: expected owner/name`, 'pass --repo owner/name');
  let number = args.pr !== undefined ? Number(args.pr) : undefined;
  if (number === undefined) {
    const eventPath = io.env.GITHUB_EVENT_PATH;
    if (eventPath) {
      const event = await pullRequestFromEvent(resolve(io.cwd, eventPath));
      if (!event.ok) return missing(`no pull request number: ${event.reason}`, 'pass --pr N');
      number = event.number;
    }
    if (number === undefined) {
      const event = io.env.GITHUB_EVENT_NAME ? `${io.env.GITHUB_EVENT_NAME} event` : 'event';
      const why = eventPath ? `the workflow's ${event} is about no pull request` : 'no --pr, and no GitHub Actions event (GITHUB_EVENT_PATH) to take it from';
      return missing(`no pull request to comment on: ${why}`, 'run it in a workflow on: pull_request, or pass --pr N');
    }
  }
  const baseUrl = io.env.GITHUB_API_URL || 'https://api.github.com';
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(baseUrl)) return usage(`GITHUB_API_URL ${baseUrl}: expected an http(s) URL`, 'https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server');

  // Four bytes a character at most: anything longer is over the limit without reading it.
  const maxBytes = GITHUB_COMMENT_LIMIT * 4;
  const read: BodyRead = args.file !== undefined ? await readBodyFile(resolve(io.cwd, args.file), args.file, maxBytes) : await readBodyStream(io.stdin, maxBytes);
  const tooLong = (size: string): number =>
    report(cliProblem('DEX920', `the comment is ${size}: GitHub takes at most ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}, so nothing was posted`, 'make it with dex plan --format github-comment, which shortens the details to fit (the full plan belongs in the job summary)'), EXIT.failed);
  if (!read.ok) {
    if (read.tooLarge) return tooLong(`${read.bytes.toLocaleString('en-US')} bytes, more than ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')} characters`);
    return report(cliProblem('DEX924', `no comment to post: ${read.reason}`, 'dex plan --format github-comment > comment.md, then dex comment github --file comment.md'), EXIT.usage);
  }
  const { marker, body } = commentIdentity(read.text);
  const length = characters(body);
  if (length > GITHUB_COMMENT_LIMIT) return tooLong(`${length.toLocaleString('en-US')} characters long${body === read.text ? '' : ' with dex\'s marker'}`);

  const [owner, repo] = repository.split('/') as [string, string];
  const pr: PullRequest = { owner, repo, number };
  try {
    const done = await upsertComment(pr, marker, body, { token, baseUrl, userAgent: `dex/${packageVersion()}`, ...options });
    io.stdout.write(`dex: ${done.action === 'unchanged' ? 'comment is up to date' : `${done.action} comment`} ${done.url}\n`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof GithubError) return report(githubProblem(err, pr, baseUrl, options), EXIT.failed);
    throw err;
  }
}

/** DEX921 (GitHub said no) or DEX922 (GitHub could not be reached), with what to do. */
function githubProblem(err: GithubError, pr: PullRequest, baseUrl: string, options: CommentRunOptions): Diagnostic {
  const where = `${pr.owner}/${pr.repo}#${pr.number}`;
  const attempts = err.attempts > 1 ? ` (${err.attempts} attempts)` : '';
  const timeoutS = (options.timeoutMs ?? GITHUB_DEFAULTS.timeoutMs) / 1000;
  const hints: Record<GithubError['kind'], string> = {
    unauthorized: 'the token is wrong or has expired: check GITHUB_TOKEN or GH_TOKEN',
    forbidden: 'the token may not write comments: give the job permissions: pull-requests: write (a pull request from a fork gets a read-only GITHUB_TOKEN)',
    'not-found': `no pull request ${where} that this token can see: check --repo and --pr (a token without access to a private repository gets 404 too)`,
    invalid: 'GitHub refused the body: make it with dex plan --format github-comment',
    'rate-limited': 'the token has used up its API rate limit: wait for the reset, or use the workflow\'s GITHUB_TOKEN',
    other: `see the message; the API is ${baseUrl}`,
    server: 'GitHub is failing on its side: https://www.githubstatus.com; run it again later',
    timeout: `GitHub did not answer within ${timeoutS} s: check the network or a proxy, and GITHUB_API_URL (${baseUrl})`,
    network: `cannot reach ${baseUrl}: check the network or a proxy, and GITHUB_API_URL`,
  };
  const unreachable = err.kind === 'server' || err.kind === 'timeout' || err.kind === 'network';
  return cliProblem(unreachable ? 'DEX922' : 'DEX921', `${err.action}: ${err.message}${attempts}`, hints[err.kind]);
}
