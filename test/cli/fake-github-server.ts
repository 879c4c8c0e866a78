// A loopback stand-in for the GitHub REST API, enough for the real @octokit/rest client of
// `dex comment github`: GET /user (403 for an app's token, as the Actions GITHUB_TOKEN gets, or
// a login for a personal token), the issue comments of a pull request (GET with per_page/page and
// a Link header with absolute rel="next"/"last" URLs, POST), PATCH of one comment, GitHub's JSON
// error bodies ({message, documentation_url}), 401 for a wrong token, 404 for another repository,
// 422 for a body over 65,536 characters. Failures are queued per request: an HTTP status to answer
// with, 'hang' (accept the request, never answer), 'lost' (do it, then answer 502, as when the
// answer is lost on the way back) or null (answer normally). Listens on 127.0.0.1 only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  readonly user: { readonly login: string; readonly type: 'User' | 'Bot' };
}

export interface RecordedGithubRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly authorization: string | undefined;
}

export interface FakeGithubServer {
  readonly url: string;
  readonly requests: RecordedGithubRequest[];
  /** Comments of pull request `number` of acme/shop, oldest first. */
  comments(number: number): FakeComment[];
  /** Answers of the next requests, in order. */
  failures: Failure[];
  /** The largest page the server gives, whatever per_page asks (forces pagination). */
  pageSize: number;
  /** Who a personal token belongs to; undefined: the token is an app's (GET /user answers 403). */
  tokenUser: string | undefined;
  close(): Promise<void>;
}

export type Failure = number | 'hang' | 'lost' | null;

export const FAKE_TOKEN = 'ghs_fakeFAKEfake0123456789abcdefghijklmn';
export const FAKE_REPO = 'acme/shop';
export const BOT = { login: 'github-actions[bot]', type: 'Bot' } as const;

const DOCS = 'https://docs.github.com/rest';

export async function startFakeGithubServer(): Promise<FakeGithubServer> {
  const byNumber = new Map<number, FakeComment[]>();
  const comments = (n: number): FakeComment[] => byNumber.get(n) ?? (byNumber.set(n, []), byNumber.get(n)!);
  let nextId = 1000;
  const requests: RecordedGithubRequest[] = [];
  const state = { failures: [] as Failure[], pageSize: 100, tokenUser: undefined as string | undefined };
  let url = '';

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = new URL(req.url ?? '/', url);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      requests.push({ method: req.method ?? '', path: parsed.pathname, query: Object.fromEntries(parsed.searchParams), body, authorization: req.headers.authorization });
      const failure = state.failures.shift() ?? null;
      const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
        if (failure === 'lost' && status < 400) return error(502, 'Server Error');
        const payload = JSON.stringify(data);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(payload)), 'x-github-request-id': 'FAKE:0001', ...headers });
        res.end(payload);
      };
      const error = (status: number, message: string): void => {
        const payload = JSON.stringify({ message, documentation_url: DOCS, status: String(status) });
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(payload)) });
        res.end(payload);
      };
      if (failure === 'hang') return;
      if (typeof failure === 'number') return error(failure, failure === 403 ? 'Resource not accessible by integration' : failure >= 500 ? 'Server Error' : 'Simulated failure');

      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${FAKE_TOKEN}` && auth !== `Bearer ${FAKE_TOKEN}`) return error(401, 'Bad credentials');
      if (req.method === 'GET' && parsed.pathname === '/user') return state.tokenUser ? send(200, { login: state.tokenUser, type: 'User' }) : error(403, 'Resource not accessible by integration');

      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(parsed.pathname);
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(parsed.pathname);
      const repo = list ? `${list[1]}/${list[2]}` : one ? `${one[1]}/${one[2]}` : undefined;
      if (repo !== undefined && repo !== FAKE_REPO) return error(404, 'Not Found');
      const view = (c: FakeComment, n: number) => ({ id: c.id, body: c.body, user: c.user, html_url: `https://github.com/${FAKE_REPO}/pull/${n}#issuecomment-${c.id}` });
      const numberOf = (id: number) => [...byNumber].find(([, cs]) => cs.some((c) => c.id === id))?.[0];

      if (list && req.method === 'GET') {
        const n = Number(list[3]);
        const perPage = Math.min(Number(parsed.searchParams.get('per_page') ?? 30), state.pageSize);
        const page = Number(parsed.searchParams.get('page') ?? 1);
        const all = comments(n);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const link = (p: number, rel: string) => `<${url}${parsed.pathname}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
        const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
        return send(200, all.slice((page - 1) * perPage, page * perPage).map((c) => view(c, n)), links.length ? { link: links.join(', ') } : {});
      }
      const newBody = (body as { body?: unknown } | undefined)?.body;
      if ((list && req.method === 'POST') || (one && req.method === 'PATCH')) {
        if (typeof newBody !== 'string' || newBody === '') return error(422, 'Validation Failed');
        if ([...newBody].length > 65_536) return send(422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }], documentation_url: DOCS });
      }
      if (list && req.method === 'POST') {
        const n = Number(list[3]);
        const c: FakeComment = { id: nextId++, body: newBody as string, user: state.tokenUser ? { login: state.tokenUser, type: 'User' } : BOT };
        comments(n).push(c);
        return send(201, view(c, n));
      }
      if (one && req.method === 'PATCH') {
        const id = Number(one[3]);
        const n = numberOf(id);
        const c = n === undefined ? undefined : comments(n).find((x) => x.id === id);
        if (!c || n === undefined) return error(404, 'Not Found');
        c.body = newBody as string;
        return send(200, view(c, n));
      }
      return error(404, 'Not Found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    comments,
    get failures() {
      return state.failures;
    },
    set failures(f) {
      state.failures = f;
    },
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(n) {
      state.pageSize = n;
    },
    get tokenUser() {
      return state.tokenUser;
    },
    set tokenUser(u) {
      state.tokenUser = u;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
