// `dex comment github` end to end, in-process, through the real @octokit/rest client pointed (by
// GITHUB_API_URL) at the loopback GitHub API: the comment is created, then updated in place on the
// next run (found by its marker, across pages), never twice; one comment per spec; a marker in
// someone else's comment is not taken over; and every way it can go wrong: a body over GitHub's
// limit, 403, 401, 5xx retried then given up, a server that never answers, missing token,
// repository or pull request. Once more as a user runs it, through bin/dex.js and the bundle.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCommentGithub, type CommentGithubArgs, type CommentRunOptions } from '../../cli/commands/comment.js';
import { EXIT } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { COMMENT_MARKER, commentMarker, GITHUB_COMMENT_LIMIT } from '../../cli/plan-comment.js';
import { captureIO } from '../support/io.js';
import { BOT, FAKE_REPO, FAKE_TOKEN, startFakeGithubServer, type Failure, type FakeGithubServer } from './fake-github-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
let server: FakeGithubServer;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dex-comment-'));
  writeFileSync(join(dir, 'event.json'), JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7, head: { ref: 'feature' } } }));
  writeFileSync(join(dir, 'push.json'), JSON.stringify({ ref: 'refs/heads/main', commits: [] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  server = await startFakeGithubServer();
});
afterEach(() => server.close());

/** The GitHub Actions environment of a pull_request run. */
const actions = (): Record<string, string> => ({ GITHUB_TOKEN: FAKE_TOKEN, GITHUB_REPOSITORY: FAKE_REPO, GITHUB_EVENT_PATH: 'event.json', GITHUB_EVENT_NAME: 'pull_request', GITHUB_API_URL: server.url });
const sleeps: number[] = [];
const FAST: CommentRunOptions = { timeoutMs: 300, maxAttempts: 3, baseDelayMs: 10, sleep: async (ms) => void sleeps.push(ms) };

const planComment = (spec: string, text: string): string => `${commentMarker(spec)}\n### dex plan: shop\n\n${text}\n`;

async function run(args: CommentGithubArgs, body: string | undefined, env: Record<string, string | undefined> = actions(), options: CommentRunOptions = FAST) {
  const base = captureIO(dir, env);
  const io = body === undefined ? base : { ...base, stdin: Readable.from([Buffer.from(body)]) };
  const code = await runCommentGithub(args, io, options);
  return { code, out: base.out(), err: base.err() };
}

const calls = () => server.requests.map((r) => `${r.method} ${r.path}${r.query.page ? `?page=${r.query.page}` : ''}`);

describe('dex comment github', () => {
  it('creates the comment, updates the same one on the next run, and leaves an unchanged one alone', async () => {
    const first = await run({}, planComment('dex.yaml', 'first push'));
    expect(first.code, first.err).toBe(EXIT.ok);
    const [created] = server.comments(7);
    expect(server.comments(7)).toHaveLength(1);
    expect(created!.body).toBe(planComment('dex.yaml', 'first push'));
    expect(created!.user).toEqual(BOT);
    expect(first.out).toBe(`dex: created comment https://github.com/${FAKE_REPO}/pull/7#issuecomment-${created!.id}\n`);
    expect(calls()).toEqual(['GET /user', 'GET /repos/acme/shop/issues/7/comments', 'POST /repos/acme/shop/issues/7/comments']);
    expect(server.requests.every((r) => r.authorization === `token ${FAKE_TOKEN}`)).toBe(true);
    expect(server.requests[1]!.query.per_page).toBe('100');

    server.requests.length = 0;
    const second = await run({ file: 'comment.md' }, undefined);
    expect(second.code).toBe(EXIT.usage); // no such file yet
    expect(second.err).toMatch(/error DEX924: no comment to post: cannot read comment\.md: no such file/);
    writeFileSync(join(dir, 'comment.md'), planComment('dex.yaml', 'second push'));
    const updated = await run({ file: 'comment.md' }, undefined);
    expect(updated.code, updated.err).toBe(EXIT.ok);
    expect(server.comments(7)).toHaveLength(1);
    expect(server.comments(7)[0]).toMatchObject({ id: created!.id, body: planComment('dex.yaml', 'second push') });
    expect(updated.out).toBe(`dex: updated comment https://github.com/${FAKE_REPO}/pull/7#issuecomment-${created!.id}\n`);
    expect(calls()).toEqual(['GET /user', 'GET /repos/acme/shop/issues/7/comments', `PATCH /repos/acme/shop/issues/comments/${created!.id}`]);

    server.requests.length = 0;
    const again = await run({ file: 'comment.md' }, undefined);
    expect(again.out).toMatch(/^dex: comment is up to date https:/);
    expect(calls().filter((c) => !c.startsWith('GET'))).toEqual([]);
  });

  it('finds its comment on a later page (Link rel="next"), among others, and keeps one comment per spec', async () => {
    server.pageSize = 2;
    for (let i = 0; i < 5; i++) server.comments(7).push({ id: 10 + i, body: `LGTM ${i}`, user: { login: `reviewer${i}`, type: 'User' } });
    expect((await run({}, planComment('services/a/dex.yaml', 'a'))).code).toBe(EXIT.ok);
    expect((await run({}, planComment('services/b/dex.yaml', 'b'))).code).toBe(EXIT.ok);
    expect(server.comments(7).map((c) => c.id)).toEqual([10, 11, 12, 13, 14, 1000, 1001]);
    server.requests.length = 0;
    expect((await run({}, planComment('services/a/dex.yaml', 'a again'))).code).toBe(EXIT.ok);
    // Pages 1-3 hold the five reviews and a's comment (page 3): b's comment is never read.
    expect(calls()).toEqual(['GET /user', 'GET /repos/acme/shop/issues/7/comments', 'GET /repos/acme/shop/issues/7/comments?page=2', 'GET /repos/acme/shop/issues/7/comments?page=3', 'PATCH /repos/acme/shop/issues/comments/1000']);
    expect(server.comments(7).find((c) => c.id === 1000)!.body).toContain('a again');
    expect(server.comments(7).find((c) => c.id === 1001)!.body).toContain('\nb\n');
  });

  it('never takes over a comment it did not write, even one that starts with its marker', async () => {
    const planted = planComment('dex.yaml', 'planted by mallory');
    server.comments(7).push({ id: 5, body: planted, user: { login: 'mallory', type: 'User' } });
    expect((await run({}, planComment('dex.yaml', 'real plan'))).code).toBe(EXIT.ok);
    expect(server.comments(7).map((c) => [c.id, c.body.includes('real plan')])).toEqual([[5, false], [1000, true]]);
    // With a personal token, dex's comments are that user's own.
    server.tokenUser = 'alice';
    expect((await run({}, planComment('dex.yaml', 'alice plan'))).code).toBe(EXIT.ok);
    expect(server.comments(7).map((c) => c.user.login)).toEqual(['mallory', 'github-actions[bot]', 'alice']);
  });

  it('adds the generic marker to a body without one, and finds it by that', async () => {
    expect((await run({}, '## hand-written\n')).code).toBe(EXIT.ok);
    expect(server.comments(7)[0]!.body).toBe(`${COMMENT_MARKER}\n## hand-written\n`);
    expect((await run({}, '## edited\n')).code).toBe(EXIT.ok);
    expect(server.comments(7).map((c) => c.body)).toEqual([`${COMMENT_MARKER}\n## edited\n`]);
  });

  it('refuses a body over 65,536 characters before asking GitHub anything (DEX920)', async () => {
    const header = `${commentMarker('dex.yaml')}\n`;
    const exact = header + 'é'.repeat(GITHUB_COMMENT_LIMIT - header.length);
    expect((await run({}, exact)).code).toBe(EXIT.ok); // 65,536 characters (more bytes) is allowed
    server.requests.length = 0;
    const over = await run({}, `${exact}x`);
    expect(over.code).toBe(EXIT.failed);
    expect(over.err).toContain("error DEX920: the comment is 65,537 characters long: GitHub takes at most 65,536, so nothing was posted");
    expect(over.err).toContain('hint: make it with dex plan --format github-comment');
    const huge = await run({}, 'x'.repeat(GITHUB_COMMENT_LIMIT * 4 + 1));
    expect(huge.err).toMatch(/DEX920: the comment is 262,145 bytes, more than 65,536 characters/);
    expect(server.requests).toEqual([]);
  });

  it('403 on the write, 401 and 404: what GitHub said and what to do; the token is never printed', async () => {
    const withFailures = async (failures: Failure[], args: CommentGithubArgs = {}, env = actions()) => {
      server.failures = failures;
      return run(args, planComment('dex.yaml', 'x'), env);
    };
    server.requests.length = 0;
    const list = await withFailures([null, null, 403]);
    expect(list.code).toBe(EXIT.failed);
    expect(list.err).toContain('error DEX921: create a comment on acme/shop#7: HTTP 403: Resource not accessible by integration');
    expect(list.err).toContain('hint: the token may not write comments: give the job permissions: pull-requests: write (a pull request from a fork gets a read-only GITHUB_TOKEN)');
    expect(server.requests).toHaveLength(3); // not retried

    const bad = await withFailures([], {}, { ...actions(), GITHUB_TOKEN: 'ghs_wrongwrongwrong' });
    expect(bad.code).toBe(EXIT.failed);
    expect(bad.err).toContain('error DEX921: read who the token belongs to: HTTP 401: Bad credentials');
    expect(bad.err).toContain('hint: the token is wrong or has expired');
    expect(bad.err).not.toContain('ghs_wrong');

    const other = await withFailures([], { repo: 'acme/elsewhere', pr: '3' });
    expect(other.err).toMatch(/error DEX921: list the comments of acme\/elsewhere#3: HTTP 404: Not Found/);
    expect(other.err).toContain('hint: no pull request acme/elsewhere#3 that this token can see');
    for (const r of [list, bad, other]) expect(r.err).not.toContain(FAKE_TOKEN);
  });

  it('retries a 502 and succeeds; gives up after 3 attempts (DEX922)', async () => {
    sleeps.length = 0;
    server.failures = [502, 502];
    const ok = await run({}, planComment('dex.yaml', 'x'));
    expect(ok.code, ok.err).toBe(EXIT.ok);
    expect(sleeps).toEqual([10, 20]);
    expect(server.comments(7)).toHaveLength(1);

    server.failures = [502, 502, 502];
    const down = await run({}, planComment('dex.yaml', 'y'));
    expect(down.code).toBe(EXIT.failed);
    expect(down.err).toContain('error DEX922: read who the token belongs to: HTTP 502: Server Error (3 attempts)');
    expect(down.err).toContain('hint: GitHub is failing on its side: https://www.githubstatus.com');
  });

  it('a comment whose answer was lost is not posted twice: the next attempt finds it', async () => {
    // GET /user, GET comments, then the POST is stored but its answer is a 502.
    server.failures = [null, null, 'lost'];
    const r = await run({}, planComment('dex.yaml', 'x'));
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(calls()).toEqual(['GET /user', 'GET /repos/acme/shop/issues/7/comments', 'POST /repos/acme/shop/issues/7/comments', 'GET /repos/acme/shop/issues/7/comments']);
    expect(server.comments(7)).toHaveLength(1);
    expect(r.out).toMatch(/^dex: comment is up to date https:\/\/github\.com\/acme\/shop\/pull\/7#issuecomment-1000/);
    // A lost PATCH: the retry lists again and patches the same comment.
    server.requests.length = 0;
    server.failures = [null, null, 'lost'];
    expect((await run({}, planComment('dex.yaml', 'y'))).code).toBe(EXIT.ok);
    expect(calls().filter((c) => !c.startsWith('GET'))).toEqual(['PATCH /repos/acme/shop/issues/comments/1000']);
    expect(server.comments(7).map((c) => c.body)).toEqual([planComment('dex.yaml', 'y')]);
  });

  it('a server that never answers times out, attempt by attempt (DEX922)', async () => {
    server.failures = ['hang', 'hang'];
    const started = Date.now();
    const r = await run({}, planComment('dex.yaml', 'x'), actions(), { ...FAST, maxAttempts: 2 });
    expect(r.code).toBe(EXIT.failed);
    expect(r.err).toMatch(/error DEX922: read who the token belongs to: no answer from http:\/\/127\.0\.0\.1:\d+ within 0\.3 s \(GET \/user\) \(2 attempts\)/);
    expect(r.err).toContain('hint: GitHub did not answer within 0.3 s');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('without a token, a repository or a pull request: a usage diagnostic, exit 2, nothing asked (DEX923)', async () => {
    const body = planComment('dex.yaml', 'x');
    const noToken = await run({}, body, { ...actions(), GITHUB_TOKEN: undefined });
    expect(noToken.code).toBe(EXIT.usage);
    expect(noToken.err).toContain('error DEX923: no GitHub token: set GITHUB_TOKEN or GH_TOKEN');
    expect((await run({}, body, { ...actions(), GITHUB_TOKEN: undefined, GH_TOKEN: FAKE_TOKEN })).code).toBe(EXIT.ok);
    const noRepo = await run({}, body, { ...actions(), GITHUB_REPOSITORY: undefined });
    expect(noRepo.code).toBe(EXIT.usage);
    expect(noRepo.err).toContain('error DEX923: no repository: pass --repo owner/name');
    const push = await run({}, body, { ...actions(), GITHUB_EVENT_PATH: 'push.json', GITHUB_EVENT_NAME: 'push' });
    expect(push.code).toBe(EXIT.usage);
    expect(push.err).toContain("error DEX923: no pull request to comment on: the workflow's push event is about no pull request");
    const local = await run({}, body, { GITHUB_TOKEN: FAKE_TOKEN, GITHUB_API_URL: server.url, GITHUB_REPOSITORY: FAKE_REPO });
    expect(local.err).toContain('no --pr, and no GitHub Actions event (GITHUB_EVENT_PATH) to take it from');
    const explicit = await run({ repo: FAKE_REPO, pr: '9' }, body, { GH_TOKEN: FAKE_TOKEN, GITHUB_API_URL: server.url });
    expect(explicit.code, explicit.err).toBe(EXIT.ok);
    expect(server.comments(9)).toHaveLength(1);
    const bad = await run({ pr: 'seven' }, body);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toContain('error DEX900: --pr seven: expected a pull request\'s number');
    const tty = await runCommentGithub({}, { ...captureIO(dir, actions()), stdin: Object.assign(Readable.from([]), { isTTY: true }) }, FAST);
    expect(tty).toBe(EXIT.usage);
  });

  it('runs through the command line', async () => {
    writeFileSync(join(dir, 'cli.md'), planComment('dex.yaml', 'cli'));
    const io = captureIO(dir, actions());
    expect(await main(['comment', 'github', '--file', 'cli.md'], io)).toBe(EXIT.ok);
    expect(io.out()).toMatch(/^dex: created comment /);
    const help = captureIO(dir);
    expect(await main(['comment', 'github', '--help'], help)).toBe(EXIT.ok);
    expect(help.out()).toContain('GITHUB_TOKEN or GH_TOKEN');
    const unknown = captureIO(dir);
    expect(await main(['comment', 'github', '--token', 'x'], unknown)).toBe(EXIT.usage);
    expect(unknown.err()).toMatch(/DEX900: unknown option '--token'/);
  });
});

describe('as a user runs it (bin/dex.js, the bundle, @octokit/rest from node_modules)', () => {
  it('posts the comment piped to standard input', async () => {
    const env = { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', ...actions(), GITHUB_EVENT_PATH: join(dir, 'event.json') };
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/dex.js'), 'comment', 'github'], { cwd: dir, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code) => done({ code, stdout, stderr }));
      child.stdin.end(planComment('dex.yaml', 'from the bundle'));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dex: created comment https:\/\/github\.com\/acme\/shop\/pull\/7#issuecomment-1000\n$/);
    expect(server.comments(7)[0]!.body).toContain('from the bundle');
  });
});
