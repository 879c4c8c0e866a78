// A loopback stand-in for AWS Secrets Manager, enough for the real
// @aws-sdk/client-secrets-manager client: AWS JSON 1.1 (`POST /`, `X-Amz-Target:
// secretsmanager.DescribeSecret`, GetSecretValue, PutSecretValue, UpdateSecretVersionStage,
// GetRandomPassword), answers in the real shapes (DescribeSecret's VersionIdsToStages and
// RotationEnabled, LastChangedDate in epoch seconds; PutSecretValue moving AWSCURRENT to the new
// version unless other VersionStages are given, idempotent per ClientRequestToken;
// UpdateSecretVersionStage requiring RemoveFromVersionId and moving AWSPREVIOUS along), errors as `{__type, message}` (ResourceNotFoundException,
// AccessDeniedException, ThrottlingException with 400, InternalServiceError with 500). Modes
// simulate throttling, server errors and a server that accepts the connection and never answers.
// Listens on 127.0.0.1 only, like the CloudFormation and Price List fakes beside it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeSecret {
  /** Version ID → staging labels. */
  versions: Map<string, string[]>;
  /** The AWSCURRENT version's value. */
  value: string | undefined;
  /** Values of versions put with other stages (AWSPENDING during a rotation), by version ID. */
  staged?: Map<string, string>;
  /** DescribeSecret's RotationEnabled, when set. */
  rotationEnabled?: boolean;
  deleted?: boolean;
}

export interface FakeSecretsManagerMode {
  /** Answer the first N requests with 400 ThrottlingException. */
  throttleFirst?: number;
  /** Answer every request with HTTP 500, AccessDeniedException, or never (the socket stays open). */
  fail?: '500' | 'denied' | 'hang';
}

export interface RecordedSecretsRequest {
  readonly target: string | undefined;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly body: { SecretId?: string; SecretString?: string; ClientRequestToken?: string; VersionId?: string; VersionStage?: string; VersionStages?: string[]; MoveToVersionId?: string; RemoveFromVersionId?: string; PasswordLength?: number; ExcludePunctuation?: boolean };
}

export interface FakeSecretsManagerServer {
  readonly endpoint: string;
  readonly requests: RecordedSecretsRequest[];
  readonly secrets: Map<string, FakeSecret>;
  mode: FakeSecretsManagerMode;
  close(): Promise<void>;
}

/** Requests after which the server refuses everything (a runaway client loop ends here). */
const MAX_REQUESTS = 500;

const arnOf = (name: string): string => `arn:aws:secretsmanager:ap-south-1:123456789012:secret:${name}-AbCdEf`;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(Buffer.byteLength(text)), 'x-amzn-requestid': 'fake-request' });
  res.end(text);
}

/** A placeholder as CloudFormation creates it (no version), or one with a current value. */
export function fakeSecret(value?: string): FakeSecret {
  return value === undefined ? { versions: new Map(), value: undefined } : { versions: new Map([['v-initial', ['AWSCURRENT']]]), value };
}

export async function startFakeSecretsManager(secrets: Record<string, FakeSecret> = {}): Promise<FakeSecretsManagerServer> {
  const requests: RecordedSecretsRequest[] = [];
  const state = { mode: {} as FakeSecretsManagerMode, secrets: new Map(Object.entries(secrets)) };
  const sockets = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    let body: RecordedSecretsRequest['body'] = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return send(res, 400, { __type: 'SerializationException', message: 'body is not JSON' });
    }
    const target = req.headers['x-amz-target'] as string | undefined;
    requests.push({ target, contentType: req.headers['content-type'], authorization: req.headers.authorization, body });
    const n = requests.length;
    const m = state.mode;
    if (n > MAX_REQUESTS) return send(res, 500, { __type: 'InternalServiceError', message: 'fake server request limit reached' });
    if (m.fail === 'hang') return; // accepted, read, never answered
    if (m.fail === '500') return send(res, 500, { __type: 'InternalServiceError', message: 'simulated failure' });
    if (m.fail === 'denied') return send(res, 400, { __type: 'AccessDeniedException', Message: `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ${target} on resource: ${body.SecretId}` });
    if (m.throttleFirst && n <= m.throttleFirst) return send(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
    if (req.method !== 'POST' || req.url !== '/' || !String(req.headers['content-type']).startsWith('application/x-amz-json-1.1')) {
      return send(res, 400, { __type: 'SerializationException', message: `unsupported ${req.method} ${req.url} ${String(req.headers['content-type'])}` });
    }
    const id = body.SecretId ?? '';
    const secret = state.secrets.get(id);
    if (target === 'secretsmanager.GetRandomPassword') {
      // Letters and digits only is what dex asks for; the fake answers a fixed-looking but distinct value per call.
      if (!body.ExcludePunctuation) return send(res, 400, { __type: 'InvalidParameterException', message: 'the fake only generates letters and digits' });
      const length = body.PasswordLength ?? 32;
      return send(res, 200, { RandomPassword: `Rnd${n}`.padEnd(length, 'x0Y').slice(0, length) });
    }
    if (['DescribeSecret', 'GetSecretValue', 'PutSecretValue', 'UpdateSecretVersionStage'].some((op) => target === `secretsmanager.${op}`)) {
      if (!secret) return send(res, 400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    }
    if (target === 'secretsmanager.DescribeSecret') {
      return send(res, 200, {
        ARN: arnOf(id),
        Name: id,
        LastChangedDate: 1764547200,
        ...(secret!.deleted ? { DeletedDate: 1764633600 } : {}),
        ...(secret!.rotationEnabled !== undefined ? { RotationEnabled: secret!.rotationEnabled } : {}),
        ...(secret!.versions.size ? { VersionIdsToStages: Object.fromEntries(secret!.versions) } : {}),
      });
    }
    const valueOf = (version: string): string | undefined => (secret!.versions.get(version)?.includes('AWSCURRENT') ? secret!.value : secret!.staged?.get(version));
    if (target === 'secretsmanager.GetSecretValue') {
      const stage = body.VersionStage ?? (body.VersionId === undefined ? 'AWSCURRENT' : undefined);
      const version = body.VersionId ?? [...secret!.versions].find(([, labels]) => stage !== undefined && labels.includes(stage))?.[0];
      const labels = version === undefined ? undefined : secret!.versions.get(version);
      const value = version === undefined ? undefined : valueOf(version);
      if (labels === undefined || value === undefined || (stage !== undefined && !labels.includes(stage))) {
        return send(res, 400, { __type: 'ResourceNotFoundException', message: `Secrets Manager can't find the specified secret value for ${body.VersionId ? `VersionId: ${body.VersionId}` : `staging label: ${stage}`}` });
      }
      return send(res, 200, { ARN: arnOf(id), Name: id, VersionId: version, SecretString: value, VersionStages: labels, CreatedDate: 1764547200 });
    }
    if (target === 'secretsmanager.PutSecretValue') {
      if (secret!.deleted) return send(res, 400, { __type: 'InvalidRequestException', message: "You can't perform this operation on the secret because it was marked for deletion." });
      if (body.SecretString === undefined) return send(res, 400, { __type: 'InvalidParameterException', message: 'You must provide either SecretString or SecretBinary.' });
      const versionId = body.ClientRequestToken ?? `v-${n}`;
      const stages = body.VersionStages ?? ['AWSCURRENT'];
      const existing = valueOf(versionId);
      // The same token again is idempotent with the same value, and refused with another (as AWS does).
      if (existing !== undefined) {
        if (existing !== body.SecretString) return send(res, 400, { __type: 'ResourceExistsException', message: `A resource with the ID you requested already exists: version ${versionId}` });
        return send(res, 200, { ARN: arnOf(id), Name: id, VersionId: versionId, VersionStages: secret!.versions.get(versionId) });
      }
      if (!stages.includes('AWSCURRENT')) {
        for (const [v, labels] of secret!.versions) secret!.versions.set(v, labels.filter((l) => !stages.includes(l)));
        secret!.versions.set(versionId, [...(secret!.versions.get(versionId) ?? []), ...stages]);
        secret!.staged = new Map([...(secret!.staged ?? []), [versionId, body.SecretString]]);
        return send(res, 200, { ARN: arnOf(id), Name: id, VersionId: versionId, VersionStages: stages });
      }
      for (const [v, labels] of secret!.versions) {
        const kept = labels.filter((l) => l !== 'AWSCURRENT' && l !== 'AWSPREVIOUS');
        secret!.versions.set(v, labels.includes('AWSCURRENT') ? [...kept, 'AWSPREVIOUS'] : kept);
      }
      secret!.versions.set(versionId, ['AWSCURRENT']);
      secret!.value = body.SecretString;
      return send(res, 200, { ARN: arnOf(id), Name: id, VersionId: versionId, VersionStages: ['AWSCURRENT'] });
    }
    if (target === 'secretsmanager.UpdateSecretVersionStage') {
      const stage = body.VersionStage ?? '';
      const to = body.MoveToVersionId;
      const holder = [...secret!.versions].find(([, labels]) => labels.includes(stage))?.[0];
      if (holder !== undefined && holder !== to && body.RemoveFromVersionId !== holder) {
        return send(res, 400, { __type: 'InvalidParameterException', message: `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder}, so you must explicitly reference that version in RemoveFromVersionId.` });
      }
      if (to !== undefined && !secret!.versions.has(to)) return send(res, 400, { __type: 'ResourceNotFoundException', message: `version ${to} not found` });
      if (stage === 'AWSCURRENT' && to !== undefined && holder !== to) {
        // Moving AWSCURRENT moves AWSPREVIOUS to the version that had it, as Secrets Manager does.
        const next = valueOf(to);
        for (const [v, labels] of secret!.versions) secret!.versions.set(v, labels.filter((l) => l !== 'AWSPREVIOUS'));
        if (holder !== undefined) {
          secret!.staged = new Map([...(secret!.staged ?? []), [holder, secret!.value ?? '']]);
          secret!.versions.set(holder, [...secret!.versions.get(holder)!.filter((l) => l !== 'AWSCURRENT'), 'AWSPREVIOUS']);
        }
        secret!.versions.set(to, [...secret!.versions.get(to)!, 'AWSCURRENT']);
        secret!.value = next;
        secret!.staged?.delete(to);
      } else if (to !== undefined) {
        if (holder !== undefined) secret!.versions.set(holder, secret!.versions.get(holder)!.filter((l) => l !== stage));
        secret!.versions.set(to, [...secret!.versions.get(to)!, stage]);
      }
      return send(res, 200, { ARN: arnOf(id), Name: id });
    }
    return send(res, 400, { __type: 'UnknownOperationException', message: `unsupported operation ${target}` });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    secrets: state.secrets,
    get mode() {
      return state.mode;
    },
    set mode(m: FakeSecretsManagerMode) {
      state.mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
