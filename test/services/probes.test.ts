// Separate startup, liveness and readiness checks (issue 15, health checks): each from its own
// `health.<probe>` over the main check, mapped to the Kubernetes probes, the ECS container health
// check (liveness, startPeriod from startup) and every target group (readiness); periods under
// 5 s where only Kubernetes receives them (DEX860 where a target group or ECS does). And the
// WebSocket-friendly load balancer settings (`expose.websocket` and its fields, DEX862-DEX865).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { compileEmit } from '../../pipeline/emit.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { schemaErrors } from '../support/k8s-schemas.js';
import { analyzed, lineOf, valid } from '../support/analyzed.js';
import { fixedClock } from '../support/clock.js';

// The frontend's scaling on ALB requests is the ALB's: these tests move it to EKS or behind an NLB.
const BOUTIQUE = readFileSync('examples/online-boutique/dex.yaml', 'utf8').replace(', targetRequestsPerTarget: 600', '');

/** The example with one line (`    <key>: …`) of a service replaced, or added after its `port:` line. */
function withLine(service: string, key: string, value: string, text = BOUTIQUE): string {
  const at = text.indexOf(`\n  ${service}:\n`);
  if (at < 0) throw new Error(`no service ${service}`);
  const next = text.slice(at + 1).search(/\n {2}[a-z][a-z0-9-]*:\n|\n[a-z]/);
  const end = next < 0 ? text.length : at + 1 + next;
  const block = text.slice(at, end);
  const line = block.indexOf(`\n    ${key}: `);
  if (line >= 0) {
    const stop = block.indexOf('\n', line + 1);
    return text.slice(0, at) + block.slice(0, line) + `\n    ${key}: ${value}` + block.slice(stop) + text.slice(end);
  }
  const port = block.indexOf('\n    port: ');
  const stop = block.indexOf('\n', port + 1);
  return text.slice(0, at) + block.slice(0, stop) + `\n    ${key}: ${value}` + block.slice(stop) + text.slice(end);
}
const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const props = (a: Analysis, id: string): Record<string, unknown> => resources(a).find((r) => r.logicalId === id)!.properties as Record<string, unknown>;
function container(a: Analysis, service: string): Record<string, unknown> {
  const task = resources(a).find((r) => r.type === 'AWS::ECS::TaskDefinition' && JSON.stringify(r.properties).includes(`"Name":"${service}"`))!;
  return (task.properties as { ContainerDefinitions: Record<string, unknown>[] }).ContainerDefinitions.find((c) => c.Name === service)!;
}
type Probe = Record<string, unknown>;
function pod(a: Analysis, service: string): { livenessProbe?: Probe; readinessProbe?: Probe; startupProbe?: Probe } {
  const file = compileEmit(a.compiled[0]!).files.find((f) => f.path === `kubernetes/${service}/deployment.yaml`)!;
  const doc = parse(file.content) as Record<string, unknown>;
  expect(schemaErrors(doc)).toEqual([]);
  return (doc as { spec: { template: { spec: { containers: never[] } } } }).spec.template.spec.containers[0]!;
}
const attributes = (a: Analysis, id: string) => Object.fromEntries((props(a, id).TargetGroupAttributes as { Key: string; Value: string }[]).map((x) => [x.Key, x.Value]));
const lbAttribute = (a: Analysis, id: string, key: string) => (props(a, id).LoadBalancerAttributes as { Key: string; Value: string }[]).find((x) => x.Key === key)?.Value;
function finding(a: Analysis, code: string) {
  const d = a.diagnostics.find((x) => x.code === code);
  expect(d, `${code} among ${JSON.stringify(a.diagnostics.map((x) => `${x.code} ${x.message}`))}`).toBeDefined();
  return d!;
}
const onEks = (text: string, service = 'frontend') => withLine(service, 'placement', 'eks', text);

describe('startup, liveness and readiness on each platform', () => {
  it('Kubernetes: three probes, each its own check and timings over the main one, periods under 5 s', () => {
    const text = withLine('checkoutservice', 'health', '{ path: /live, intervalSeconds: 3, timeoutSeconds: 1, gracePeriodSeconds: 30, readiness: { path: /ready, healthyThreshold: 1 }, startup: { tcp: true, intervalSeconds: 2, gracePeriodSeconds: 60 }, liveness: { unhealthyThreshold: 5 } }');
    const p = pod(valid(text), 'checkoutservice');
    expect(p.livenessProbe).toEqual({ httpGet: { path: '/live', port: 'http', scheme: 'HTTP' }, periodSeconds: 3, timeoutSeconds: 1, failureThreshold: 5, successThreshold: 1 });
    expect(p.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 3, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1 });
    // The startup window is its grace period over its own interval.
    expect(p.startupProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 30, successThreshold: 1 });
  });

  it('a probe that names no check keeps the main one (a command too); one that names a check drops the main command', () => {
    const cart = pod(valid(withLine('cartservice', 'health', '{ command: [/bin/grpc_health_probe, "-addr=:7070"], readiness: { intervalSeconds: 4 }, liveness: { grpc: "" } }')), 'cartservice');
    expect(cart.readinessProbe).toMatchObject({ exec: { command: ['/bin/grpc_health_probe', '-addr=:7070'] }, periodSeconds: 4 });
    expect(cart.livenessProbe).toMatchObject({ grpc: { port: 7070 }, periodSeconds: 30 });
    expect(cart.livenessProbe).not.toHaveProperty('exec');
  });

  it('ECS: the container health check is liveness, its start period and the service grace the startup window; the target group is readiness', () => {
    const text = withLine('frontend', 'health', '{ path: /_healthz, liveness: { path: /live, intervalSeconds: 20, unhealthyThreshold: 4 }, startup: { gracePeriodSeconds: 90 }, readiness: { path: /ready, intervalSeconds: 6, timeoutSeconds: 2, healthyThreshold: 2 } }');
    const a = valid(text);
    const check = container(a, 'frontend').HealthCheck as Record<string, unknown>;
    expect(check).toEqual({ Command: ['CMD', '/bin/sh', '-c', expect.any(String), 'dex-health-check', 'http://127.0.0.1:8080/live'], Interval: 20, Timeout: 5, Retries: 4, StartPeriod: 90 });
    const ecsService = resources(a).find((r) => r.type === 'AWS::ECS::Service' && JSON.stringify(r.properties).includes('FrontendTargetGroup'))!;
    expect((ecsService.properties as Record<string, unknown>).HealthCheckGracePeriodSeconds).toBe(90);
    expect(props(a, 'FrontendTargetGroup')).toMatchObject({ HealthCheckPath: '/ready', HealthCheckIntervalSeconds: 6, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3 });
  });

  it('EKS behind the load balancer: the pod probes every 3 s while its target group checks readiness every 5 s', () => {
    const text = onEks(withLine('frontend', 'health', '{ path: /_healthz, intervalSeconds: 3, timeoutSeconds: 2, readiness: { intervalSeconds: 5 } }'));
    const a = valid(text);
    expect(props(a, 'FrontendTargetGroup')).toMatchObject({ HealthCheckPath: '/_healthz', HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2 });
    const p = pod(a, 'frontend');
    expect(p.livenessProbe).toMatchObject({ periodSeconds: 3 });
    expect(p.readinessProbe).toMatchObject({ periodSeconds: 5 });
  });

  it('EC2: the boot check is the startup check, the Auto Scaling grace its window', () => {
    const a = valid(withLine('emailservice', 'health', '{ grpc: "", intervalSeconds: 5, startup: { command: [/bin/ready], intervalSeconds: 2, gracePeriodSeconds: 40 } }'));
    const template = resources(a).find((r) => r.type === 'AWS::EC2::LaunchTemplate' && JSON.stringify(r.properties).includes('emailservice'))!;
    const script = JSON.stringify(template.properties);
    expect(script).toContain("docker exec emailservice '/bin/ready'");
    expect(script).toContain('sleep 2');
    const asg = resources(a).find((r) => r.type === 'AWS::AutoScaling::AutoScalingGroup' && JSON.stringify(r.properties).includes('Emailservice'))!;
    expect((asg.properties as Record<string, unknown>).HealthCheckGracePeriod).toBe(40);
  });
});

describe('the rules, located', () => {
  it.each([
    ['an ECS service behind the ALB checked every 3 s', '{ path: /_healthz, intervalSeconds: 3 }', ['intervalSeconds'], 'intervalSeconds: 3'],
    ['a readiness interval under 5 s on the ALB', '{ path: /_healthz, readiness: { intervalSeconds: 4 } }', ['readiness', 'intervalSeconds'], 'intervalSeconds: 4'],
    ['a liveness interval under 5 s on ECS', '{ path: /_healthz, liveness: { intervalSeconds: 2 } }', ['liveness', 'intervalSeconds'], 'intervalSeconds: 2'],
    ['a target group healthy after one success', '{ path: /_healthz, readiness: { healthyThreshold: 1 } }', ['readiness', 'healthyThreshold'], 'healthyThreshold: 1'],
    ['a readiness timeout as long as its interval', '{ path: /_healthz, intervalSeconds: 5 }', ['timeoutSeconds'], 'intervalSeconds: 5'],
  ])('DEX860: %s', (_what, health, path, needle) => {
    const text = withLine('frontend', 'health', health);
    const d = finding(analyzed(text), 'DEX860');
    expect(d.severity).toBe('error');
    expect(d.path).toEqual(['services', 'frontend', 'health', ...path]);
    expect(d.line).toBe(lineOf(text, needle, '  frontend:'));
  });

  it('DEX860 is not raised where nothing has the floor: an EKS service no load balancer checks', () => {
    const a = valid(withLine('checkoutservice', 'health', '{ grpc: "", intervalSeconds: 1, timeoutSeconds: 1 }'));
    expect(a.diagnostics.map((d) => d.code)).not.toContain('DEX860');
    // The same values on ECS are refused (its container health check).
    expect(analyzed(withLine('paymentservice', 'health', '{ grpc: "", intervalSeconds: 1, timeoutSeconds: 2 }')).diagnostics.map((d) => d.code)).toContain('DEX860');
  });

  it('DEX861: an HTTP readiness path on a gRPC service behind the ALB; DEX381 a TCP readiness check with no path', () => {
    const grpc = withLine('frontend', 'health', '{ grpc: "", readiness: { path: /ready } }');
    expect(finding(analyzed(grpc), 'DEX861').path).toEqual(['services', 'frontend', 'health', 'readiness', 'path']);
    const grpcHere = withLine('frontend', 'health', '{ path: /_healthz, readiness: { grpc: "" } }');
    expect(finding(analyzed(grpcHere), 'DEX861').path).toEqual(['services', 'frontend', 'health', 'readiness', 'grpc']);
    const tcp = withLine('frontend', 'health', '{ command: [/bin/check], readiness: { tcp: true } }');
    expect(finding(analyzed(tcp), 'DEX381').path).toEqual(['services', 'frontend', 'health', 'readiness', 'tcp']);
    // A TCP readiness check keeps the main path for the load balancer.
    const kept = valid(withLine('frontend', 'health', '{ path: /_healthz, readiness: { tcp: true } }'));
    expect(props(kept, 'FrontendTargetGroup')).toMatchObject({ HealthCheckPath: '/_healthz' });
  });

  it('DEX380 and DEX382 inside a probe; DEX200 for a threshold a probe does not have', () => {
    expect(finding(analyzed(withLine('frontend', 'health', '{ path: /_healthz, liveness: { tcp: true, grpc: "" } }')), 'DEX380').path).toEqual(['services', 'frontend', 'health', 'liveness', 'grpc']);
    const worker = BOUTIQUE.replace('    uses: [{ service: frontend, env: { address: FRONTEND_ADDR } }]\n', '    uses: [{ service: frontend, env: { address: FRONTEND_ADDR } }]\n    health: { command: [pgrep, locust], startup: { tcp: true } }\n');
    expect(finding(analyzed(worker), 'DEX382').path).toEqual(['services', 'loadgenerator', 'health', 'startup', 'tcp']);
    expect(finding(analyzed(withLine('frontend', 'health', '{ path: /_healthz, liveness: { healthyThreshold: 2 } }')), 'DEX200').path).toEqual(['services', 'frontend', 'health', 'liveness', 'healthyThreshold']);
  });
});

describe('WebSocket-friendly load balancer settings', () => {
  const websocket = withLine('frontend', 'expose', '{ public: true, path: /, websocket: true }');

  it('the preset: idle timeout 3600 s on the ALB, lb_cookie stickiness for a day, 120 s drain, least outstanding requests; the templates validate', () => {
    const a = valid(websocket);
    expect(attributes(a, 'FrontendTargetGroup')).toEqual({
      'deregistration_delay.timeout_seconds': '120',
      'stickiness.enabled': 'true',
      'stickiness.type': 'lb_cookie',
      'stickiness.lb_cookie.duration_seconds': '86400',
      'load_balancing.algorithm.type': 'least_outstanding_requests',
    });
    expect(lbAttribute(a, 'LoadBalancer', 'idle_timeout.timeout_seconds')).toBe('3600');
    for (const output of a.compiled.map((c) => compileEmit(c))) {
      for (const f of output.files.filter((x) => x.path.startsWith('cloudformation/'))) expect(validateTemplate(parse(f.content, { version: '1.1' })), f.path).toEqual([]);
    }
  });

  it('explicit fields override the preset; without either the target group keeps its one attribute', () => {
    const a = valid(withLine('frontend', 'expose', '{ public: true, path: /, websocket: true, idleTimeoutSeconds: 900, stickiness: { enabled: false }, algorithm: round_robin, slowStartSeconds: 60, deregistrationDelaySeconds: 0 }'));
    expect(attributes(a, 'FrontendTargetGroup')).toEqual({ 'deregistration_delay.timeout_seconds': '0', 'slow_start.duration_seconds': '60', 'load_balancing.algorithm.type': 'round_robin' });
    expect(lbAttribute(a, 'LoadBalancer', 'idle_timeout.timeout_seconds')).toBe('900');
    const plain = valid(withLine('frontend', 'expose', '{ public: true, path: / }'));
    expect(props(plain, 'FrontendTargetGroup').TargetGroupAttributes).toEqual([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]);
    expect(lbAttribute(plain, 'LoadBalancer', 'idle_timeout.timeout_seconds')).toBe('60');
  });

  it('the idle timeout is per ALB: the largest asked for, and DEX865 names the services that get it too', () => {
    // adservice behind the same ALB at /ads, asking for nothing.
    const two = withLine('adservice', 'expose', '{ public: true, path: /ads }', withLine('adservice', 'health', '{ grpc: "", intervalSeconds: 15, gracePeriodSeconds: 20 }', websocket));
    // DEX865 is information: validate --verbose shows it.
    const a = analyzeSpec(Buffer.from(two), 'dex.yaml', { today: fixedClock, includeInfo: true });
    expect(lbAttribute(a, 'LoadBalancer', 'idle_timeout.timeout_seconds')).toBe('3600');
    const d = finding(a, 'DEX865');
    expect(d.severity).toBe('info');
    expect(d.message).toContain('adservice');
    expect(d.path).toEqual(['services', 'frontend', 'expose', 'websocket']);
    // ingress.idleTimeoutSeconds above every service's wins.
    const high = valid(websocket.replace('  loadBalancer: alb\n', '  loadBalancer: alb\n  idleTimeoutSeconds: 4000\n'));
    expect(lbAttribute(high, 'LoadBalancer', 'idle_timeout.timeout_seconds')).toBe('4000');
  });

  it('DEX862: a setting without a target group; DEX863 a slow start under 30 s; DEX864 slow start with least outstanding requests', () => {
    const unexposed = withLine('checkoutservice', 'expose', '{ websocket: true }');
    const d = finding(analyzed(unexposed), 'DEX862');
    expect(d.path).toEqual(['services', 'checkoutservice', 'expose', 'websocket']);
    expect(d.line).toBe(lineOf(unexposed, 'websocket: true', '  checkoutservice:'));
    expect(finding(analyzed(withLine('frontend', 'expose', '{ public: true, path: /, slowStartSeconds: 10 }')), 'DEX863').path).toEqual(['services', 'frontend', 'expose', 'slowStartSeconds']);
    const lor = finding(analyzed(withLine('frontend', 'expose', '{ public: true, path: /, websocket: true, slowStartSeconds: 60 }')), 'DEX864');
    expect(lor.message).toContain('from expose.websocket');
  });

  it('DEX862 on an NLB for an ALB setting; its deregistration delay applies', () => {
    const nlb = withLine('frontend', 'expose', '{ loadBalancer: edge, listener: { port: 443, protocol: TLS }, stickiness: { durationSeconds: 60 } }', BOUTIQUE.replace('  loadBalancer: alb\n', '  loadBalancer: alb\n  loadBalancers: { edge: { type: nlb, scheme: internet-facing } }\n'));
    expect(finding(analyzed(nlb), 'DEX862').path).toEqual(['services', 'frontend', 'expose', 'stickiness']);
    const drain = valid(nlb.replace('stickiness: { durationSeconds: 60 }', 'deregistrationDelaySeconds: 5'));
    expect(attributes(drain, 'FrontendTargetGroup')).toEqual({ 'deregistration_delay.timeout_seconds': '5' });
  });
});
