// Health checks that are not HTTP (issue 15): `tcp`, `grpc` and a `command` run in the container,
// mapped to the ALB target group, the ECS container health check, the Kubernetes probes and the
// EC2 host's check; the rules that keep them consistent (DEX380–DEX382), located in the file.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { compileEmit } from '../../pipeline/emit.js';
import { GRPC_HEALTH_PATH } from '../../services/alb.js';
import { NODE_TCP_HEALTH_SCRIPT, SHELL_TCP_HEALTH_SCRIPT } from '../../services/ecs.js';
import { fixedClock } from '../support/clock.js';

const BOUTIQUE = readFileSync('examples/online-boutique/dex.yaml', 'utf8');

function analyzed(text: string): Analysis {
  return analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
}
/** The load generator's `uses` line in the example (its address of the frontend, as the source names it). */
const LOADGENERATOR_USES = '    uses: [{ service: frontend, env: { address: FRONTEND_ADDR } }]\n';
function valid(text: string): Analysis {
  const a = analyzed(text);
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return a;
}
/** The example with one service's `health:` line replaced. */
function withHealth(service: string, health: string, text = BOUTIQUE): string {
  const at = text.indexOf(`  ${service}:\n`);
  const line = text.indexOf('    health: ', at);
  const end = text.indexOf('\n', line);
  if (at < 0 || line < 0) throw new Error(`no health line for ${service}`);
  return `${text.slice(0, line)}    health: ${health}${text.slice(end)}`;
}
const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const props = (a: Analysis, id: string): Record<string, unknown> => resources(a).find((r) => r.logicalId === id)!.properties as Record<string, unknown>;
function container(a: Analysis, service: string): Record<string, unknown> {
  const task = resources(a).find((r) => r.type === 'AWS::ECS::TaskDefinition' && JSON.stringify(r.properties).includes(`"Name":"${service}"`))!;
  return (task.properties as { ContainerDefinitions: Record<string, unknown>[] }).ContainerDefinitions.find((c) => c.Name === service)!;
}
function deployment(a: Analysis, service: string): { livenessProbe: Record<string, unknown>; readinessProbe: Record<string, unknown>; startupProbe: Record<string, unknown> } {
  const files = compileEmit(a.compiled[0]!).files;
  const file = files.find((f) => f.path === `kubernetes/${service}/deployment.yaml`)!;
  return (parse(file.content) as { spec: { template: { spec: { containers: never[] } } } }).spec.template.spec.containers[0]!;
}

describe('the rules', () => {
  it.each([
    ['tcp and grpc', 'frontend', '{ tcp: true, grpc: "" }', 'DEX380', 'grpc'],
    ['grpc and a path', 'frontend', '{ path: /_healthz, grpc: "" }', 'DEX380', 'grpc'],
    ['path and http', 'frontend', '{ path: /_healthz, http: /x }', 'DEX380', 'http'],
    ['a TCP check behind the load balancer, no path', 'frontend', '{ tcp: true }', 'DEX381', 'tcp'],
    ['a command behind the load balancer, no path', 'frontend', '{ command: [/bin/check] }', 'DEX381', 'command'],
    ['a gRPC check of a service without a port', 'loadgenerator', '{ grpc: "" }', 'DEX382', 'grpc'],
  ])('%s: %s', (_what, service, health, code, key) => {
    const text = service === 'loadgenerator' ? BOUTIQUE.replace(LOADGENERATOR_USES, `${LOADGENERATOR_USES}    health: ${health}\n`) : withHealth(service, health);
    const a = analyzed(text);
    const d = a.diagnostics.find((x) => x.code === code)!;
    expect(d, JSON.stringify(a.diagnostics.map((x) => x.code))).toBeDefined();
    expect(d.severity).toBe('error');
    expect(d.path).toEqual(['services', service, 'health', key]);
    // Located at the key itself, on the line the test wrote.
    const lines = text.split('\n');
    const block = lines.indexOf(`  ${service}:`);
    const line = lines.findIndex((l, i) => i > block && l.includes(`health: ${health}`)) + 1;
    expect(d.line).toBe(line);
  });

  it('a worker may be checked by a command, and the path alone stays the HTTP check', () => {
    valid(BOUTIQUE.replace(LOADGENERATOR_USES, `${LOADGENERATOR_USES}    health: { command: [pgrep, locust] }\n`));
    valid(withHealth('frontend', '{ http: /_healthz }'));
    valid(withHealth('frontend', '{ tcp: true, path: /_healthz }'));
  });
});

describe('each platform', () => {
  it('the ALB checks a gRPC service with the gRPC health protocol, HTTP/2 end to end', () => {
    const a = valid(withHealth('frontend', '{ grpc: "" }'));
    const tg = props(a, 'FrontendTargetGroup');
    expect(tg).toMatchObject({ ProtocolVersion: 'GRPC', HealthCheckPath: GRPC_HEALTH_PATH, Matcher: { GrpcCode: '0' } });
    expect(container(a, 'frontend').PortMappings).toEqual([{ Name: 'http', ContainerPort: 8080, Protocol: 'tcp', AppProtocol: 'grpc' }]);
    // http is path by another name.
    const http = valid(withHealth('frontend', '{ http: /ready }'));
    expect(props(http, 'FrontendTargetGroup')).toMatchObject({ ProtocolVersion: 'HTTP1', HealthCheckPath: '/ready', Matcher: { HttpCode: '200-399' } });
  });

  it('ECS: a TCP connect (node or a constant shell script, the port as an argument) or the command as its words', () => {
    const a = valid(BOUTIQUE);
    expect((container(a, 'paymentservice').HealthCheck as { Command: string[] }).Command).toEqual(['CMD', 'node', '-e', NODE_TCP_HEALTH_SCRIPT, '50051']);
    const tcp = valid(withHealth('frontend', '{ tcp: true, path: /_healthz }'));
    expect((container(tcp, 'frontend').HealthCheck as { Command: string[] }).Command).toEqual(['CMD', '/bin/sh', '-c', SHELL_TCP_HEALTH_SCRIPT, 'dex-health-check', '8080']);
    const command = valid(withHealth('frontend', '{ command: [/bin/check, "--url=http://127.0.0.1:8080/x?a=1&b=2"], path: /_healthz }'));
    expect((container(command, 'frontend').HealthCheck as { Command: string[] }).Command).toEqual(['CMD', '/bin/check', '--url=http://127.0.0.1:8080/x?a=1&b=2']);
  });

  it('Kubernetes: tcpSocket, grpc and exec probes', () => {
    expect(deployment(valid(withHealth('productcatalogservice', '{ tcp: true }')), 'productcatalogservice').livenessProbe).toMatchObject({ tcpSocket: { port: 'http' } });
    expect(deployment(valid(withHealth('productcatalogservice', '{ grpc: catalog.v1.Catalog }')), 'productcatalogservice').readinessProbe).toMatchObject({ grpc: { port: 3550, service: 'catalog.v1.Catalog' } });
    const cart = deployment(valid(BOUTIQUE), 'cartservice');
    for (const probe of [cart.livenessProbe, cart.readinessProbe, cart.startupProbe]) expect(probe).toMatchObject({ exec: { command: ['/bin/grpc_health_probe', '-addr=:7070', '-rpc-timeout=5s'] } });
  });

  it('EC2: the command runs through docker exec, each word one quoted shell word, and the user data parses', () => {
    const hostile = "x'; touch /tmp/dex-pwned; echo '";
    const a = valid(withHealth('emailservice', `{ command: [/bin/check, ${JSON.stringify(hostile)}] }`));
    const template = resources(a).find((r) => r.type === 'AWS::EC2::LaunchTemplate' && JSON.stringify(r.properties).includes('emailservice'))!;
    const parts = ((template.properties as { LaunchTemplateData: { UserData: { 'Fn::Base64': { 'Fn::Join': [string, unknown[]] } } } }).LaunchTemplateData.UserData['Fn::Base64']['Fn::Join'][1]);
    const script = parts.map((p) => (typeof p === 'string' ? p : 'CFN')).join('');
    expect(script).toContain(`docker exec emailservice '/bin/check' 'x'\\''; touch /tmp/dex-pwned; echo '\\'''`);
    execFileSync('bash', ['-n'], { input: script });
    // The TCP check of a gRPC service on EC2.
    expect(resources(valid(BOUTIQUE)).some((r) => JSON.stringify(r.properties).includes("bash -c ': </dev/tcp/127.0.0.1/8080'"))).toBe(true);
  });
});

describe('the TCP check programs', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  it.each([
    ['node', (p: number) => spawnSync('node', ['-e', NODE_TCP_HEALTH_SCRIPT, String(p)], { timeout: 10_000 })],
    ['sh', (p: number) => spawnSync('/bin/sh', ['-c', SHELL_TCP_HEALTH_SCRIPT, 'dex-health-check', String(p)], { timeout: 10_000 })],
  ])('%s: exit 0 when the port accepts a connection, 1 when nothing listens', (_name, run) => {
    expect(run(port).status).toBe(0);
    expect(run(9).status).toBe(1); // discard port: nothing listens on loopback
  });
});

describe('resource limits', () => {
  it('EKS: limits apart from requests (the source\'s), requests for the scheduler', () => {
    const c = deployment(valid(BOUTIQUE), 'checkoutservice') as unknown as { resources: unknown };
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
  });

  it('EC2: docker run --cpus/--memory when given; a limit below the reservation is DEX384, limits on Fargate DEX383', () => {
    const text = BOUTIQUE.replace('    resources: { cpu: 0.1, memory: 128MiB }\n    scaling: { min: 1, max: 2 }', '    resources: { cpu: 0.1, memory: 128MiB, limits: { cpu: 1, memory: 512MiB } }\n    scaling: { min: 1, max: 2 }');
    expect(text).not.toBe(BOUTIQUE);
    expect(resources(valid(text)).some((r) => JSON.stringify(r.properties).includes('--cpus 1 --memory 512m'))).toBe(true);
    const below = analyzed(text.replace('limits: { cpu: 1, memory: 512MiB }', 'limits: { cpu: 0.05, memory: 64MiB }'));
    expect(below.diagnostics.filter((d) => d.code === 'DEX384').map((d) => d.path.at(-1))).toEqual(['cpu', 'memory']);
    const frontendSize = '    resources: { cpu: 0.25, memory: 512MiB }\n    # Requests per target';
    expect(BOUTIQUE).toContain(frontendSize);
    const fargate = analyzed(BOUTIQUE.replace(frontendSize, '    resources: { cpu: 0.25, memory: 512MiB, limits: { cpu: 1 } }\n    # Requests per target'));
    expect(fargate.diagnostics.find((d) => d.code === 'DEX383')).toMatchObject({ severity: 'warning', path: ['services', 'frontend', 'resources', 'limits'] });
  });
});
