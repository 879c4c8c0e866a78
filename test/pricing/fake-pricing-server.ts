// A loopback stand-in for the AWS Price List Query API, enough for the real @aws-sdk/client-pricing
// client: AWS JSON 1.1 (`POST /`, X-Amz-Target AWSPriceListService.GetProducts), answering from
// the snapshot's items (with dex's provenance stripped, as AWS would send them) in the real
// response shape { FormatVersion, PriceList: ["<json>", …], NextToken? }. Modes simulate
// pagination, throttling, malformed items and hard failures. Listens on 127.0.0.1 only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PriceListItem } from '../../compiler/pricing/types.js';

export interface FakePricingMode {
  /** Products per page (overrides MaxResults); 1 = one item per page. */
  pageSize?: number;
  /** Answer the first N requests with throttling errors. */
  throttleFirst?: number;
  /** '400' = HTTP 400 + __type ThrottlingException; '429' = HTTP 429; 'alternate' = both in turn. */
  throttleStyle?: '400' | '429' | 'alternate';
  /** Add a bad item to every answer: a string that is not JSON, or a matching product with no OnDemand terms. */
  malformed?: 'not-json' | 'no-ondemand';
  /**
   * Fail every request (or those `only` selects): HTTP 500, a reset connection, a connection
   * accepted and never answered, an HTML 502 from a proxy, or a 200 whose JSON is cut off.
   */
  fail?: '500' | 'reset' | 'hang' | 'html-502' | 'bad-json';
  /** Apply `fail` and `throttleFirst` only to requests this selects. */
  only?: (body: RecordedRequest['body']) => boolean;
  /** Serve these SKUs with every price set to 0.0000000000 (what capacity-reservation rows look like). */
  zeroSkus?: readonly string[];
}

export interface RecordedRequest {
  readonly target: string | undefined;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly body: { ServiceCode?: string; Filters?: { Type: string; Field: string; Value: string }[]; FormatVersion?: string; NextToken?: string; MaxResults?: number };
}

export interface FakePricingServer {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  mode: FakePricingMode;
  close(): Promise<void>;
}

/** Requests after which the server refuses everything (a runaway client loop ends here). */
const MAX_REQUESTS = 500;

function matches(item: PriceListItem, filters: readonly { Type: string; Field: string; Value: string }[]): boolean {
  return filters.every((f) => {
    if (f.Type !== 'TERM_MATCH') return false;
    const actual = f.Field === 'ServiceCode' ? item.serviceCode : f.Field === 'productFamily' ? item.product.productFamily : item.product.attributes[f.Field];
    return actual === f.Value;
  });
}

function stripDex(item: PriceListItem): Omit<PriceListItem, 'dex'> {
  const { dex: _dex, ...aws } = item;
  return aws;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(Buffer.byteLength(text)), 'x-amzn-requestid': 'fake-request', ...headers });
  res.end(text);
}

export async function startFakePricingServer(items: readonly PriceListItem[], mode: FakePricingMode = {}): Promise<FakePricingServer> {
  const requests: RecordedRequest[] = [];
  const state = { mode };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    let body: RecordedRequest['body'] = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return send(res, 400, { __type: 'SerializationException', message: 'body is not JSON' });
    }
    const target = req.headers['x-amz-target'] as string | undefined;
    requests.push({ target, contentType: req.headers['content-type'], authorization: req.headers.authorization, body });
    const n = requests.length;
    const m = state.mode;
    if (n > MAX_REQUESTS) return send(res, 500, { __type: 'InternalErrorException', message: 'fake server request limit reached' });
    const selected = !m.only || m.only(body);
    if (selected && m.fail === 'reset') {
      req.socket.destroy();
      return;
    }
    if (selected && m.fail === 'hang') return; // the connection stays open, no byte is sent
    if (selected && m.fail === 'html-502') {
      const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
      res.writeHead(502, { 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(html)) });
      return void res.end(html);
    }
    if (selected && m.fail === 'bad-json') {
      const cut = '{"FormatVersion":"aws_v1","PriceList":["{\\"product\\"';
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(Buffer.byteLength(cut)) });
      return void res.end(cut);
    }
    if (selected && m.fail === '500') return send(res, 500, { __type: 'InternalErrorException', message: 'simulated failure' });
    if (selected && m.throttleFirst && (m.only ? requests.filter((r) => m.only!(r.body)).length : n) <= m.throttleFirst) {
      const style = m.throttleStyle === 'alternate' ? (n % 2 === 1 ? '400' : '429') : (m.throttleStyle ?? '400');
      return style === '429'
        ? send(res, 429, { __type: 'ThrottlingException', message: 'Rate exceeded' }, { 'x-amzn-errortype': 'ThrottlingException' })
        : send(res, 400, { __type: 'com.amazonaws.awspricelistservice#ThrottlingException', message: 'Rate exceeded' });
    }
    if (req.method !== 'POST' || req.url !== '/' || target !== 'AWSPriceListService.GetProducts') {
      return send(res, 400, { __type: 'UnknownOperationException', message: `unsupported ${req.method} ${req.url} ${target}` });
    }
    if (!String(req.headers['content-type']).startsWith('application/x-amz-json-1.1')) {
      return send(res, 400, { __type: 'SerializationException', message: 'wrong content type' });
    }
    if (!body.ServiceCode) return send(res, 400, { __type: 'InvalidParameterException', message: 'ServiceCode is required' });
    const filters = [{ Type: 'TERM_MATCH', Field: 'ServiceCode', Value: body.ServiceCode }, ...(body.Filters ?? [])];
    const zero = (i: PriceListItem): PriceListItem =>
      !m.zeroSkus?.includes(i.product.sku)
        ? i
        : {
            ...i,
            terms: {
              ...i.terms,
              OnDemand: Object.fromEntries(Object.entries(i.terms.OnDemand ?? {}).map(([k, t]) => [k, { ...t, priceDimensions: Object.fromEntries(Object.entries(t.priceDimensions).map(([rk, d]) => [rk, { ...d, pricePerUnit: { USD: '0.0000000000' } }])) }])),
            },
          };
    const hits: string[] = items.filter((i) => matches(i, filters)).map((i) => JSON.stringify(stripDex(zero(i))));
    if (m.malformed === 'not-json') hits.push('{"product": {"sku": "BROKEN", ');
    if (m.malformed === 'no-ondemand' && hits.length > 0) {
      const first = JSON.parse(hits[0]!) as PriceListItem;
      hits.push(JSON.stringify({ ...first, product: { ...first.product, sku: 'NOONDEMAND000001' }, terms: { Reserved: {} } }));
    }
    const pageSize = m.pageSize ?? Math.min(Math.max(body.MaxResults ?? 100, 1), 100);
    let offset = 0;
    if (body.NextToken) {
      const decoded = /^page:(\d+)$/.exec(Buffer.from(body.NextToken, 'base64').toString('utf8'));
      if (!decoded) return send(res, 400, { __type: 'InvalidNextTokenException', message: 'bad token' });
      offset = Number(decoded[1]);
    }
    const page = hits.slice(offset, offset + pageSize);
    const next = offset + pageSize < hits.length ? Buffer.from(`page:${offset + pageSize}`).toString('base64') : undefined;
    return send(res, 200, { FormatVersion: 'aws_v1', PriceList: page, ...(next ? { NextToken: next } : {}) });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    get mode() {
      return state.mode;
    },
    set mode(m: FakePricingMode) {
      state.mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
