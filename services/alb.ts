// The public entry point: one internet-facing Application Load Balancer shared by every exposed
// service, whatever its platform. HTTP only redirects to HTTPS; HTTPS answers 404 unless a
// service's rule matches. Per exposed service a target group (ECS and EKS register pod/task IPs,
// EC2 registers instances) and a listener rule whose priority comes from the service's name.
// ECS services whose stage releases by shifting traffic (blue-green, linear, canary) get a second
// (alternate) target group, a rule on a test listener reachable from the VPC only, and rules that
// forward to both target groups by weight: ECS moves the weights (services/ecs.ts).
import { AUDIT_ID, albAccessLogAttributes, hasAlbAccessLogs } from './audit.js';
import { ID, getAtt, listedSubnetRefs, pascal, ref, resource, tagList, vpcRef } from '../compiler/model/ids.js';
import { HOURS_PER_MONTH, type BuildingBlock, type CfnValue, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import type { NormalizedService, NormalizedSpec } from '../spec/model.js';
import { listenerCertificate } from './domain.js';

const COMPONENT = 'ingress';

/** Port of the test listener: ECS routes test traffic to the new tasks there before production traffic. */
export const TEST_LISTENER_PORT = 8443;

/** Logical IDs of the traffic-shifting resources (unchanged from the CodeDeploy era, so they are not replaced). */
export const BLUE_GREEN_ID = {
  greenTargetGroup: (service: string) => `${pascal(service)}GreenTargetGroup`,
  testListener: 'TestListener',
  testListenerRule: (service: string) => `${pascal(service)}TestListenerRule`,
  testListenerIngress: `AlbIngressFromVpcPort${TEST_LISTENER_PORT}`,
} as const;

/**
 * ECS services behind the load balancer whose stage releases by shifting traffic between two
 * target groups (strategy blue-green, linear or canary). ECS services without a load balancer
 * and every other platform release in place (services/ecs.ts, services/ec2.ts, EKS colours).
 */
export function trafficShiftedServices(spec: NormalizedSpec): NormalizedService[] {
  return [...trafficShifted(spec).values()];
}

/** Whether `service` is one of trafficShiftedServices (asked per service, so computed once per spec). */
export function isTrafficShifted(spec: NormalizedSpec, service: string): boolean {
  return trafficShifted(spec).has(service);
}

const shiftedCache = new WeakMap<NormalizedSpec, ReadonlyMap<string, NormalizedService>>();

function trafficShifted(spec: NormalizedSpec): ReadonlyMap<string, NormalizedService> {
  let out = shiftedCache.get(spec);
  if (out === undefined) {
    const strategy = spec.cicd?.stages.find((s) => s.name === spec.environment)?.strategy;
    const services = strategy === undefined || strategy === 'rolling' ? [] : exposedServices(spec).filter((s) => s.placement === 'ecs');
    shiftedCache.set(spec, (out = new Map(services.map((s) => [s.name, s]))));
  }
  return out;
}

export { exposedNames, exposedServices } from '../compiler/model/exposure.js';
import { exposedNames, exposedServices } from '../compiler/model/exposure.js';

/** True when dex creates the load balancer (and with it its security group and the WAF). */
export function hasLoadBalancer(spec: NormalizedSpec): boolean {
  return exposedNames(spec).size > 0;
}

export const SSL_POLICIES = {
  tls13: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
  tls12: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
} as const;

/**
 * Deletion protection is on for a production-like environment (`protect`, by default from its
 * name) and for a spec compiled without one (its one deployment is what users run), off for
 * other environments so they can be torn down.
 */
export function isProductionLike(spec: NormalizedSpec): boolean {
  return spec.protect;
}

/** The path patterns of a service's rule: `path` and everything below it, or none for a host-only rule. */
export function pathPatterns(s: NormalizedService): string[] {
  if (s.expose.path === undefined) return s.expose.host ? [] : ['/*'];
  const path = s.expose.path.replace(/\/+$/, '');
  return path === '' ? ['/*'] : [path, `${path}/*`];
}

const BAND = 5000;

/** 32-bit FNV-1a of a string: small, stable across Node versions and platforms. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Listener rule priorities, 1..50000. ALB evaluates rules in priority order and the first match
 * wins, so a rule for `/api/*` must come after one for `/api/kyc/*`: the range is cut into ten
 * bands of 5,000 by specificity (host rules first, then deeper paths first, catch-all last).
 * Within its band a service gets FNV-1a(name) mod 5000; a taken slot moves to the next free one,
 * services being placed in name order. A service's priority therefore depends only on its own
 * name and rule, except in the rare (1 in 5,000 per pair in the same band) collision, where a
 * newly added service that sorts earlier can take the slot of an existing one.
 */
export function listenerRulePriorities(services: readonly NormalizedService[]): Map<string, number> {
  const taken = new Set<number>();
  const out = new Map<string, number>();
  for (const s of [...services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const patterns = pathPatterns(s);
    const depth = patterns.length === 0 ? 4 : Math.min(4, patterns[0]!.split('/').filter((p) => p !== '' && p !== '*').length);
    const band = (s.expose.host ? 0 : 5) + (4 - depth);
    let slot = fnv1a(s.name) % BAND;
    for (let tries = 0; tries < BAND && taken.has(band * BAND + 1 + slot); tries++) slot = (slot + 1) % BAND;
    const priority = band * BAND + 1 + slot;
    taken.add(priority);
    out.set(s.name, priority);
  }
  return out;
}

/**
 * LCU-hours a month from the usage assumptions. An LCU is the largest of: new connections / 25
 * per second, active connections / 3,000 per minute, processed GB / 1 per hour (EC2 and IP
 * targets), rule evaluations / 1,000 per second beyond the 10 free rules.
 */
export function albLcuMeter(spec: NormalizedSpec, rules: number): UsageMeter {
  const rps = spec.usage.albRequestsPerSecond;
  const gib = spec.usage.albProcessedGiB;
  if (rps === undefined && gib === undefined) {
    return { meter: 'alb.lcu', unit: 'LCU-hours', quantity: { min: 0, max: 0 }, attributes: {}, basis: 'usage.albRequestsPerSecond and usage.albProcessedGiB not set' };
  }
  const r = rps ?? 0;
  const newConnections = r / 25; // each request on a new connection: an upper bound (keep-alive lowers it)
  const activeConnections = (r * 60) / 3000; // connections living about a second
  const bytes = (gib ?? 0) / HOURS_PER_MONTH; // GB an hour
  const ruleEvaluations = (r * Math.max(0, rules - 10)) / 1000;
  const lcu = Math.max(newConnections, activeConnections, bytes, ruleEvaluations);
  const hours = Math.round(lcu * HOURS_PER_MONTH * 1000) / 1000;
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    meter: 'alb.lcu',
    unit: 'LCU-hours',
    quantity: { min: hours, max: hours },
    attributes: {},
    basis:
      `LCUs = max(new connections ${r}/s ÷ 25 = ${round(newConnections)}, active connections ${r}×60/min ÷ 3000 = ${round(activeConnections)}, ` +
      `processed ${gib ?? 0} GiB ÷ ${HOURS_PER_MONTH} h = ${round(bytes)} GB/h, rule evaluations ${r}/s × (${rules} rules − 10 free) ÷ 1000 = ${round(ruleEvaluations)}) ` +
      `= ${round(lcu)} × ${HOURS_PER_MONTH} h; from usage.albRequestsPerSecond${rps === undefined ? ' (not set: 0)' : ''} and usage.albProcessedGiB${gib === undefined ? ' (not set: 0)' : ''}, each request assumed on its own connection`,
  };
}

function buildAlb(spec: NormalizedSpec): ModelResource[] {
  const services = exposedServices(spec);
  if (services.length === 0) return [];
  const publicSubnets: CfnValue[] = listedSubnetRefs(spec, 'public');
  const zones = publicSubnets.length;
  const tags = tagList(spec, COMPONENT);
  const production = isProductionLike(spec);
  const out: ModelResource[] = [];

  out.push(
    resource({
      logicalId: ID.loadBalancer,
      type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      layer: 'ingress',
      component: COMPONENT,
      origin: ['ingress', 'loadBalancer'],
      // ELB checks it may write to the log bucket when the attribute is set.
      ...(hasAlbAccessLogs(spec) ? { dependsOn: [AUDIT_ID.albLogBucketPolicy] } : {}),
      properties: {
        Type: 'application',
        Scheme: 'internet-facing',
        IpAddressType: spec.network.ipv6 ? 'dualstack' : 'ipv4',
        Subnets: publicSubnets,
        SecurityGroups: [ref(ID.albSecurityGroup)],
        LoadBalancerAttributes: [
          { Key: 'deletion_protection.enabled', Value: String(production) },
          { Key: 'idle_timeout.timeout_seconds', Value: String(albIdleTimeout(spec, services)) },
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
          { Key: 'routing.http.desync_mitigation_mode', Value: 'defensive' },
          { Key: 'routing.http.x_amzn_tls_version_and_cipher_suite.enabled', Value: 'true' },
          ...albAccessLogAttributes(spec),
        ],
        Tags: tags,
      },
      usage: [
        { meter: 'alb.hours', unit: 'hours', quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH }, attributes: {}, basis: `one Application Load Balancer × ${HOURS_PER_MONTH} h` },
        // Rules evaluated per request: the HTTPS listener's, one per service. The test listener's
        // rules (blue-green services) see only test traffic from inside the VPC.
        albLcuMeter(spec, services.length),
        {
          meter: 'ipv4.public',
          unit: 'hours',
          quantity: { min: HOURS_PER_MONTH * zones, max: HOURS_PER_MONTH * zones },
          attributes: {},
          basis: `an internet-facing ALB holds one public IPv4 address per zone: ${zones} × ${HOURS_PER_MONTH} h`,
        },
        // Responses leave AWS through the load balancer: billed as EC2 data transfer out.
        {
          meter: 'dataTransfer.out',
          unit: 'GB',
          quantity: { min: spec.usage.dataTransferOutGiB ?? 0, max: spec.usage.dataTransferOutGiB ?? 0 },
          attributes: {},
          basis:
            spec.usage.dataTransferOutGiB === undefined
              ? 'usage.dataTransferOutGiB not set'
              : `usage.dataTransferOutGiB ${spec.usage.dataTransferOutGiB} GiB a month sent to the internet (the 100 GB/month free tier is not subtracted)`,
        },
      ],
    }),
  );

  out.push(
    resource({
      logicalId: ID.httpListener,
      type: 'AWS::ElasticLoadBalancingV2::Listener',
      layer: 'ingress',
      component: COMPONENT,
      origin: ['ingress', 'tls'],
      properties: {
        LoadBalancerArn: ref(ID.loadBalancer),
        Port: 80,
        Protocol: 'HTTP',
        // ingress.http: allow serves the HTTPS routes on port 80 too (rules below); otherwise port 80 only redirects.
        DefaultActions: [servesHttp(spec) ? NOT_FOUND : { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
      },
    }),
  );
  const certificate = listenerCertificate(spec);
  out.push(
    resource({
      logicalId: ID.httpsListener,
      type: 'AWS::ElasticLoadBalancingV2::Listener',
      layer: 'ingress',
      component: COMPONENT,
      origin: ['ingress', 'tls'],
      properties: {
        LoadBalancerArn: ref(ID.loadBalancer),
        Port: 443,
        Protocol: 'HTTPS',
        SslPolicy: SSL_POLICIES[spec.ingress.tls.policy],
        // Without a certificate the stack cannot deploy; the semantic checks report it first.
        ...(certificate ? { Certificates: [{ CertificateArn: certificate }] } : {}),
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not Found' } }],
      },
    }),
  );

  const priorities = listenerRulePriorities(services);
  const shifted = new Set(trafficShiftedServices(spec).map((s) => s.name));
  if (shifted.size > 0) out.push(...testListener(spec));
  for (const s of services) {
    const origin = ['services', s.name, 'expose'];
    const component = `service/${s.name}`;
    out.push(serviceTargetGroup(spec, s, ID.targetGroup(s.name)));
    const conditions = ruleConditions(s);
    const twoGroups = shifted.has(s.name);
    const rule = (logicalId: string, listener: string): ModelResource =>
      resource({
        logicalId,
        type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
        layer: 'ingress',
        component,
        origin,
        properties: {
          ListenerArn: ref(listener),
          Priority: priorities.get(s.name)!,
          Conditions: conditions,
          Actions: [twoGroups ? weightedForward(s) : { Type: 'forward', TargetGroupArn: ref(ID.targetGroup(s.name)) }],
        },
      });
    out.push(rule(ID.listenerRule(s.name), ID.httpsListener));
    if (servesHttp(spec)) out.push(rule(HTTP_LISTENER_RULE_ID(s.name), ID.httpListener));
    if (twoGroups) {
      out.push(serviceTargetGroup(spec, s, BLUE_GREEN_ID.greenTargetGroup(s.name)));
      // Test traffic uses the same conditions on the test listener; ECS points it at the new tasks.
      out.push(rule(BLUE_GREEN_ID.testListenerRule(s.name), BLUE_GREEN_ID.testListener));
    }
  }
  return out;
}

/**
 * Forward to both target groups, all traffic on the primary one: the shape ECS rewrites the rule
 * to, so between releases only the weights differ from the template. CloudFormation writes these
 * weights back only when the rule itself changes in the template (its path, host or priority):
 * see docs/cicd.md on changing the routing of a blue-green service.
 */
function weightedForward(s: NormalizedService): CfnValue {
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: ref(ID.targetGroup(s.name)), Weight: 100 },
        { TargetGroupArn: ref(BLUE_GREEN_ID.greenTargetGroup(s.name)), Weight: 0 },
      ],
    },
  };
}

/** The test listener and its only ingress, the VPC's CIDR: test traffic never comes from the internet. */
function testListener(spec: NormalizedSpec): ModelResource[] {
  const stage = spec.environment ?? 'default';
  const origin = ['cicd', 'stages', stage, 'strategy'];
  const certificate = listenerCertificate(spec);
  return [
    resource({
      logicalId: BLUE_GREEN_ID.testListenerIngress,
      type: 'AWS::EC2::SecurityGroupIngress',
      layer: 'ingress',
      origin,
      component: COMPONENT,
      properties: {
        GroupId: getAtt(ID.albSecurityGroup, 'GroupId'),
        IpProtocol: 'tcp',
        FromPort: TEST_LISTENER_PORT,
        ToPort: TEST_LISTENER_PORT,
        CidrIp: spec.network.cidr,
        Description: 'Blue-green test listener: from inside the VPC only',
      },
    }),
    resource({
      logicalId: BLUE_GREEN_ID.testListener,
      type: 'AWS::ElasticLoadBalancingV2::Listener',
      layer: 'ingress',
      origin,
      component: COMPONENT,
      properties: {
        LoadBalancerArn: ref(ID.loadBalancer),
        Port: TEST_LISTENER_PORT,
        Protocol: 'HTTPS',
        SslPolicy: SSL_POLICIES[spec.ingress.tls.policy],
        ...(certificate ? { Certificates: [{ CertificateArn: certificate }] } : {}),
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not Found' } }],
      },
    }),
  ];
}

const NOT_FOUND: CfnValue = { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not Found' } };

/** Whether port 80 serves plain HTTP (`ingress.http: allow`) instead of redirecting to HTTPS. */
export function servesHttp(spec: NormalizedSpec): boolean {
  return spec.ingress.http === 'allow';
}

/** A service's rule on the plain-HTTP listener (`ingress.http: allow`). */
export const HTTP_LISTENER_RULE_ID = (service: string): string => `${pascal(service)}HttpListenerRule`;

export const alb: BuildingBlock = {
  name: 'alb',
  build: buildAlb,
};

/** The method of the standard gRPC health protocol (grpc.health.v1), which the ALB calls for a gRPC service. */
export const GRPC_HEALTH_PATH = '/grpc.health.v1.Health/Check';

/**
 * A service's target group. A traffic-shifted service has a second, identical one (ECS alternates
 * between them from release to release), so both come from here.
 */
export function serviceTargetGroup(spec: NormalizedSpec, s: NormalizedService, logicalId: string): ModelResource {
  const component = `service/${s.name}`;
  const grpc = s.health.check === 'grpc';
  const ready = s.health.readiness;
  return resource({
    logicalId,
    type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
    layer: 'ingress',
    component,
    origin: ['services', s.name, 'expose'],
    properties: {
      VpcId: vpcRef(spec),
      // EKS pods join through a TargetGroupBinding (AWS Load Balancer Controller), ECS tasks
      // by IP (awsvpc), EC2 services by instance.
      TargetType: s.placement === 'ec2' ? 'instance' : 'ip',
      Protocol: 'HTTP',
      // gRPC (HTTP/2 end to end) with health.grpc: the ALB checks the gRPC health protocol.
      ProtocolVersion: grpc ? 'GRPC' : 'HTTP1',
      Port: s.port!,
      IpAddressType: 'ipv4',
      HealthCheckEnabled: true,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      // An ALB health check sends no request body, so it asks about the whole server (service ""), not health.grpc's name.
      // The target group is the readiness check: a target that fails it gets no traffic.
      HealthCheckPath: grpc ? GRPC_HEALTH_PATH : ready.path,
      HealthCheckIntervalSeconds: ready.intervalSeconds,
      HealthCheckTimeoutSeconds: ready.timeoutSeconds,
      HealthyThresholdCount: ready.healthyThreshold,
      UnhealthyThresholdCount: ready.unhealthyThreshold,
      Matcher: grpc ? { GrpcCode: '0' } : { HttpCode: '200-399' },
      TargetGroupAttributes: targetGroupAttributes(s, 'application'),
      Tags: tagList(spec, component),
    },
  });
}

/**
 * A target group's attributes: the deregistration delay always (dex's 30 s unless the spec says),
 * and on an ALB the stickiness, slow start and algorithm the spec asks for (`expose.websocket`
 * and its fields); nothing else, so a spec without them keeps its output.
 */
export function targetGroupAttributes(s: NormalizedService, type: 'application' | 'network'): CfnValue[] {
  const t = s.expose.traffic;
  const out: CfnValue[] = [{ Key: 'deregistration_delay.timeout_seconds', Value: String(t.deregistrationDelaySeconds) }];
  if (type === 'network') return out;
  if (t.stickinessSeconds !== undefined) {
    out.push({ Key: 'stickiness.enabled', Value: 'true' }, { Key: 'stickiness.type', Value: 'lb_cookie' }, { Key: 'stickiness.lb_cookie.duration_seconds', Value: String(t.stickinessSeconds) });
  }
  if (t.slowStartSeconds !== undefined && t.slowStartSeconds > 0) out.push({ Key: 'slow_start.duration_seconds', Value: String(t.slowStartSeconds) });
  if (t.algorithm !== undefined) out.push({ Key: 'load_balancing.algorithm.type', Value: t.algorithm });
  return out;
}

/**
 * An ALB's idle timeout: one setting per load balancer, so the largest of `ingress.idleTimeoutSeconds`
 * and what its services ask for (`expose.idleTimeoutSeconds`, `websocket`): a WebSocket service's
 * quiet connection is not cut, and the others lose nothing but an earlier close of idle ones.
 */
export function albIdleTimeout(spec: NormalizedSpec, services: readonly NormalizedService[]): number {
  return Math.max(spec.ingress.idleTimeoutSeconds, ...services.map((s) => s.expose.traffic.idleTimeoutSeconds ?? 0));
}

/** The listener-rule conditions routing to a service: its host, if any, and its path prefix. */
export function ruleConditions(s: NormalizedService): CfnValue[] {
  const conditions: CfnValue[] = [];
  if (s.expose.host) conditions.push({ Field: 'host-header', HostHeaderConfig: { Values: [s.expose.host] } });
  const patterns = pathPatterns(s);
  if (patterns.length > 0) conditions.push({ Field: 'path-pattern', PathPatternConfig: { Values: patterns } });
  return conditions;
}
