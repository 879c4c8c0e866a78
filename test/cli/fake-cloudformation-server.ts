// A loopback stand-in for the CloudFormation API, enough for the real
// @aws-sdk/client-cloudformation client: the AWS query protocol (POST /, form-encoded
// `Action=DescribeStacks&StackName=…&Version=2010-05-15`), XML answers in the real shapes
// (DescribeStacksResponse, GetTemplateResponse with the body XML-escaped), and errors as
// <ErrorResponse> with HTTP 400 (ValidationError "Stack with id … does not exist", Throttling) or
// 500. Listens on 127.0.0.1 only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeStack {
  readonly name: string;
  readonly status?: string;
  /** TemplateBody as CloudFormation returns it (YAML or JSON text). */
  readonly template: string;
}

export interface FakeCloudFormationMode {
  /** Every request fails: HTTP 500 InternalFailure, or 400 Throttling. */
  /** 'hang': accept the connection and never answer. */
  fail?: '500' | 'throttle' | 'hang';
}

export interface RecordedCfnRequest {
  readonly action: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
}

export interface FakeCloudFormationServer {
  readonly endpoint: string;
  readonly requests: RecordedCfnRequest[];
  stacks: Map<string, FakeStack>;
  mode: FakeCloudFormationMode;
  close(): Promise<void>;
}

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

function errorXml(type: 'Sender' | 'Receiver', code: string, message: string): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>fake-request-id</RequestId></ErrorResponse>`;
}

export async function startFakeCloudFormationServer(stacks: readonly FakeStack[] = []): Promise<FakeCloudFormationServer> {
  const state = { stacks: new Map(stacks.map((s) => [s.name, s])), mode: {} as FakeCloudFormationMode };
  const requests: RecordedCfnRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      requests.push({ action: params.Action, params, authorization: req.headers.authorization });
      const send = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(body)), 'x-amzn-requestid': 'fake-request-id' });
        res.end(body);
      };
      if (state.mode.fail === 'hang') return;
      if (state.mode.fail === '500') return send(500, errorXml('Receiver', 'InternalFailure', 'simulated failure'));
      if (state.mode.fail === 'throttle') return send(400, errorXml('Sender', 'Throttling', 'Rate exceeded'));
      if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded') || params.Version !== '2010-05-15') {
        return send(400, errorXml('Sender', 'InvalidAction', `unsupported request ${req.method} ${String(req.headers['content-type'])} ${params.Version}`));
      }
      const stack = params.StackName ? state.stacks.get(params.StackName) : undefined;
      if (params.Action === 'DescribeStacks' || params.Action === 'GetTemplate') {
        if (!stack) return send(400, errorXml('Sender', 'ValidationError', `Stack with id ${params.StackName ?? ''} does not exist`));
      }
      if (params.Action === 'DescribeStacks') {
        const member = `<member><StackId>arn:aws:cloudformation:ap-south-1:123456789012:stack/${xml(stack!.name)}/00000000-0000-0000-0000-000000000000</StackId><StackName>${xml(stack!.name)}</StackName><CreationTime>2026-11-01T00:00:00.000Z</CreationTime><StackStatus>${stack!.status ?? 'UPDATE_COMPLETE'}</StackStatus><Outputs/><Tags/></member>`;
        return send(200, `<DescribeStacksResponse xmlns="${NS}"><DescribeStacksResult><Stacks>${member}</Stacks></DescribeStacksResult><ResponseMetadata><RequestId>fake-request-id</RequestId></ResponseMetadata></DescribeStacksResponse>`);
      }
      if (params.Action === 'GetTemplate') {
        return send(200, `<GetTemplateResponse xmlns="${NS}"><GetTemplateResult><TemplateBody>${xml(stack!.template)}</TemplateBody><StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable></GetTemplateResult><ResponseMetadata><RequestId>fake-request-id</RequestId></ResponseMetadata></GetTemplateResponse>`);
      }
      return send(400, errorXml('Sender', 'InvalidAction', `Could not find operation ${params.Action ?? ''}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    get stacks() {
      return state.stacks;
    },
    set stacks(s) {
      state.stacks = s;
    },
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
