// Named load balancers (`ingress.loadBalancers`) beside the shared public ALB of services/alb.ts:
// internal or internet-facing ALBs with the same HTTPS routing, and NLBs with one TCP, UDP or TLS
// listener per service. Each has its own security group that admits only its listener ports (from
// the VPC when internal, anywhere when internet-facing) and sends only to its targets; each target
// admits the load balancer's group on its port. Services register in `${Service}TargetGroup` as on
// the shared ALB, so ECS (ip), EKS (TargetGroupBinding, ip) and EC2 (the Auto Scaling group,
// instance) attach the same way. An internet-facing ALB is associated with the web ACL; an NLB
// cannot be (WAF works on HTTP), which compiler/checks/load-balancers.ts says.
import { ID, getAtt, pascal, ref, resource, subnetRefs, tagList, vpcRef, zoneSuffix } from '../compiler/model/ids.js';
import { HOURS_PER_MONTH, type BuildingBlock, type CfnValue, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import { namedLoadBalancerOf } from '../compiler/model/exposure.js';
import type { NormalizedLoadBalancer, NormalizedService, NormalizedSpec } from '../spec/model.js';
import { SSL_POLICIES, albIdleTimeout, isProductionLike, listenerRulePriorities, ruleConditions, serviceTargetGroup, servesHttp, targetGroupAttributes } from './alb.js';
import { listenerCertificate } from './domain.js';
import { AUDIT_ID, albAccessLogAttributes, hasAlbAccessLogs } from './audit.js';

export const LB_ID = {
  loadBalancer: (lb: string) => `Lb${pascal(lb)}LoadBalancer`,
  securityGroup: (lb: string) => `Lb${pascal(lb)}Sg`,
  httpsListener: (lb: string) => `Lb${pascal(lb)}HttpsListener`,
  httpListener: (lb: string) => `Lb${pascal(lb)}HttpListener`,
  eip: (lb: string, zone: number) => `Lb${pascal(lb)}Eip${zoneSuffix(zone)}`,
  webAclAssociation: (lb: string) => `Lb${pascal(lb)}WebAclAssociation`,
  /** Per service: its rule on a named ALB, its listener on an NLB, the ingress into its group. */
  listenerRule: (service: string) => `${pascal(service)}LbListenerRule`,
  listener: (service: string) => `${pascal(service)}LbListener`,
  targetIngress: (service: string) => `${pascal(service)}LbIngress`,
} as const;

/** The services behind a named load balancer, by name order. */
export function servicesOn(spec: NormalizedSpec, lb: string): NormalizedService[] {
  return Object.values(spec.services)
    .filter((s) => namedLoadBalancerOf(spec, s) === lb)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A service's NLB listener: its port (default the service's) and protocol (default TCP). */
export function nlbListener(s: NormalizedService): { readonly port: number; readonly protocol: 'TCP' | 'UDP' | 'TLS' } {
  return { port: s.expose.listener?.port ?? s.port!, protocol: s.expose.listener?.protocol ?? 'TCP' };
}

/** Whether the web ACL exists (services/waf.ts) for a named internet-facing ALB to join. */
export function hasPublicNamedAlb(spec: NormalizedSpec): boolean {
  return Object.values(spec.ingress.loadBalancers ?? {}).some((lb) => lb.type === 'alb' && lb.scheme === 'internet-facing' && servicesOn(spec, lb.name).length > 0);
}

/** Listener ports of internet-facing NLBs, for the public subnets' network ACL (6 TCP, 17 UDP), in name order. */
export function publicNlbPorts(spec: NormalizedSpec): { readonly port: number; readonly protocol: 6 | 17 }[] {
  const seen = new Map<string, { port: number; protocol: 6 | 17 }>();
  for (const lb of Object.values(spec.ingress.loadBalancers ?? {}).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (lb.type !== 'nlb' || lb.scheme !== 'internet-facing') continue;
    for (const s of servicesOn(spec, lb.name)) {
      const l = nlbListener(s);
      const protocol = l.protocol === 'UDP' ? 17 : 6;
      seen.set(`${protocol}:${l.port}`, { port: l.port, protocol });
    }
  }
  return [...seen.values()];
}

const zonesOf = (spec: NormalizedSpec, tier: 'public' | 'private'): number => Math.min(spec.network.availabilityZones, spec.network.subnets[tier].length);
/** EKS pods use the node security group; ECS tasks and EC2 instances their service's. */
const targetGroupOf = (s: NormalizedService): string => (s.placement === 'eks' ? ID.eksNodeSecurityGroup : ID.serviceSecurityGroup(s.name));

function buildLoadBalancers(spec: NormalizedSpec): ModelResource[] {
  const out: ModelResource[] = [];
  for (const lb of Object.values(spec.ingress.loadBalancers ?? {})) {
    const services = servicesOn(spec, lb.name);
    if (services.length === 0) continue;
    out.push(...(lb.type === 'alb' ? namedAlb(spec, lb, services) : nlb(spec, lb, services)));
  }
  return out;
}

function securityGroup(spec: NormalizedSpec, lb: NormalizedLoadBalancer, ports: readonly { port: number; protocol: 'tcp' | 'udp' }[], services: readonly NormalizedService[]): ModelResource {
  const from = lb.scheme === 'internal' ? spec.network.cidr : '0.0.0.0/0';
  const egress = new Map<string, CfnValue>();
  for (const s of services) {
    const protocols: ('tcp' | 'udp')[] = lb.type === 'nlb' && nlbListener(s).protocol === 'UDP' ? ['udp', 'tcp'] : ['tcp'];
    for (const p of protocols) {
      egress.set(`${targetGroupOf(s)}:${p}:${s.port}`, {
        IpProtocol: p,
        FromPort: s.port!,
        ToPort: s.port!,
        DestinationSecurityGroupId: getAtt(targetGroupOf(s), 'GroupId'),
        Description: `To ${s.name} on ${p} ${s.port}${p === 'tcp' && protocols.length > 1 ? ' (health checks)' : ''}`,
      });
    }
  }
  return resource({
    logicalId: LB_ID.securityGroup(lb.name),
    type: 'AWS::EC2::SecurityGroup',
    layer: 'ingress',
    component: `ingress/${lb.name}`,
    origin: ['ingress', 'loadBalancers', lb.name],
    properties: {
      GroupDescription: `${spec.name}-${spec.environment ?? 'default'}: ${lb.scheme} ${lb.type.toUpperCase()} ${lb.name}`,
      VpcId: vpcRef(spec),
      SecurityGroupIngress: ports.map((p) => ({
        IpProtocol: p.protocol,
        FromPort: p.port,
        ToPort: p.port,
        CidrIp: from,
        Description: `${p.protocol.toUpperCase()} ${p.port} from ${lb.scheme === 'internal' ? 'the VPC' : 'the internet'}`,
      })),
      SecurityGroupEgress: [...egress.values()],
      Tags: tagList(spec, `ingress/${lb.name}`),
    },
  });
}

function targetIngress(spec: NormalizedSpec, lb: NormalizedLoadBalancer, s: NormalizedService, protocol: 'tcp' | 'udp'): ModelResource {
  return resource({
    logicalId: `${LB_ID.targetIngress(s.name)}${protocol === 'udp' ? 'Udp' : ''}`,
    type: 'AWS::EC2::SecurityGroupIngress',
    layer: 'ingress',
    component: `service/${s.name}`,
    origin: ['services', s.name, 'expose', 'loadBalancer'],
    properties: {
      GroupId: getAtt(targetGroupOf(s), 'GroupId'),
      IpProtocol: protocol,
      FromPort: s.port!,
      ToPort: s.port!,
      SourceSecurityGroupId: getAtt(LB_ID.securityGroup(lb.name), 'GroupId'),
      Description: `Load balancer ${lb.name} to ${s.name}`,
    },
  });
}

function baseMeters(spec: NormalizedSpec, lb: NormalizedLoadBalancer, zones: number): UsageMeter[] {
  const kind = lb.type === 'alb' ? 'alb' : 'nlb';
  const meters: UsageMeter[] = [
    { meter: `${kind}.hours`, unit: 'hours', quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH }, attributes: {}, basis: `one ${lb.type === 'alb' ? 'Application' : 'Network'} Load Balancer (${lb.name}) × ${HOURS_PER_MONTH} h` },
    {
      meter: `${kind}.lcu`,
      unit: 'LCU-hours',
      quantity: { min: 0, max: 0 },
      attributes: {},
      quantityUnknown: `the usage assumptions (usage.albRequestsPerSecond, usage.albProcessedGiB) describe the shared public ALB; dex has none for ${lb.name}'s connections and bytes`,
      basis: `${lb.type === 'alb' ? 'LCU' : 'NLCU'}-hours of ${lb.name}`,
    },
  ];
  // An internet-facing load balancer holds a public IPv4 address per zone (the EIPs carry it with static IPs).
  if (lb.scheme === 'internet-facing' && !lb.staticIps) {
    meters.push({ meter: 'ipv4.public', unit: 'hours', quantity: { min: HOURS_PER_MONTH * zones, max: HOURS_PER_MONTH * zones }, attributes: {}, basis: `internet-facing ${lb.name} holds one public IPv4 address per zone: ${zones} × ${HOURS_PER_MONTH} h` });
  }
  return meters;
}

/**
 * A named load balancer: its type, where it sits (Subnets or SubnetMappings) and the attributes of
 * its type; deletion protection, access logs, its security group and tags are every one's.
 */
function loadBalancerResource(spec: NormalizedSpec, lb: NormalizedLoadBalancer, zones: number, type: 'application' | 'network', placement: Record<string, CfnValue>, attributes: readonly CfnValue[]): ModelResource {
  const component = `ingress/${lb.name}`;
  return resource({
    logicalId: LB_ID.loadBalancer(lb.name),
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    layer: 'ingress',
    component,
    origin: ['ingress', 'loadBalancers', lb.name],
    // ELB checks it may write to the log bucket when the attribute is set.
    ...(hasAlbAccessLogs(spec) ? { dependsOn: [AUDIT_ID.albLogBucketPolicy] } : {}),
    properties: {
      Type: type,
      Scheme: lb.scheme,
      IpAddressType: 'ipv4',
      ...placement,
      SecurityGroups: [ref(LB_ID.securityGroup(lb.name))],
      LoadBalancerAttributes: [{ Key: 'deletion_protection.enabled', Value: String(isProductionLike(spec)) }, ...attributes, ...albAccessLogAttributes(spec)],
      Tags: tagList(spec, component),
    },
    usage: baseMeters(spec, lb, zones),
  });
}

function namedAlb(spec: NormalizedSpec, lb: NormalizedLoadBalancer, services: readonly NormalizedService[]): ModelResource[] {
  const tier = lb.scheme === 'internal' ? 'private' : 'public';
  const zones = zonesOf(spec, tier);
  const component = `ingress/${lb.name}`;
  const origin = ['ingress', 'loadBalancers', lb.name];
  const certificate = listenerCertificate(spec);
  const notFound: CfnValue = { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not Found' } };
  const http = servesHttp(spec);
  const out: ModelResource[] = [
    securityGroup(spec, lb, [{ port: 443, protocol: 'tcp' }, { port: 80, protocol: 'tcp' }], services),
    loadBalancerResource(spec, lb, zones, 'application', { Subnets: subnetRefs(spec, tier).slice(0, zones) }, [
      { Key: 'idle_timeout.timeout_seconds', Value: String(albIdleTimeout(spec, services)) },
      { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      { Key: 'routing.http.desync_mitigation_mode', Value: 'defensive' },
    ]),
    resource({
      logicalId: LB_ID.httpListener(lb.name),
      type: 'AWS::ElasticLoadBalancingV2::Listener',
      layer: 'ingress',
      component,
      origin,
      properties: {
        LoadBalancerArn: ref(LB_ID.loadBalancer(lb.name)),
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [http ? notFound : { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
      },
    }),
    resource({
      logicalId: LB_ID.httpsListener(lb.name),
      type: 'AWS::ElasticLoadBalancingV2::Listener',
      layer: 'ingress',
      component,
      origin,
      properties: {
        LoadBalancerArn: ref(LB_ID.loadBalancer(lb.name)),
        Port: 443,
        Protocol: 'HTTPS',
        SslPolicy: SSL_POLICIES[spec.ingress.tls.policy],
        ...(certificate ? { Certificates: [{ CertificateArn: certificate }] } : {}),
        DefaultActions: [notFound],
      },
    }),
  ];
  if (lb.scheme === 'internet-facing' && spec.ingress.waf.enabled) {
    out.push(
      resource({
        logicalId: LB_ID.webAclAssociation(lb.name),
        type: 'AWS::WAFv2::WebACLAssociation',
        layer: 'ingress',
        component,
        origin: ['ingress', 'waf'],
        properties: { ResourceArn: ref(LB_ID.loadBalancer(lb.name)), WebACLArn: getAtt(ID.webAcl, 'Arn') },
      }),
    );
  }
  const priorities = listenerRulePriorities(services);
  for (const s of services) {
    out.push(serviceTargetGroup(spec, s, ID.targetGroup(s.name)));
    out.push(targetIngress(spec, lb, s, 'tcp'));
    const rule = (logicalId: string, listener: string): ModelResource =>
      resource({
        logicalId,
        type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
        layer: 'ingress',
        component: `service/${s.name}`,
        origin: ['services', s.name, 'expose'],
        properties: { ListenerArn: ref(listener), Priority: priorities.get(s.name)!, Conditions: ruleConditions(s), Actions: [{ Type: 'forward', TargetGroupArn: ref(ID.targetGroup(s.name)) }] },
      });
    out.push(rule(LB_ID.listenerRule(s.name), LB_ID.httpsListener(lb.name)));
    if (http) out.push(rule(`${pascal(s.name)}LbHttpListenerRule`, LB_ID.httpListener(lb.name)));
  }
  return out;
}

function nlb(spec: NormalizedSpec, lb: NormalizedLoadBalancer, services: readonly NormalizedService[]): ModelResource[] {
  const tier = lb.scheme === 'internal' ? 'private' : 'public';
  const zones = zonesOf(spec, tier);
  const component = `ingress/${lb.name}`;
  const origin = ['ingress', 'loadBalancers', lb.name];
  const staticIps = lb.staticIps && lb.scheme === 'internet-facing';
  const ports = services.map((s) => ({ port: nlbListener(s).port, protocol: nlbListener(s).protocol === 'UDP' ? ('udp' as const) : ('tcp' as const) }));
  const out: ModelResource[] = [securityGroup(spec, lb, ports, services)];
  if (staticIps) {
    for (let z = 0; z < zones; z++) {
      out.push(
        resource({
          logicalId: LB_ID.eip(lb.name, z),
          type: 'AWS::EC2::EIP',
          layer: 'ingress',
          component,
          origin: [...origin, 'staticIps'],
          // Clients allow-list these addresses: a replaced load balancer keeps them.
          deletionPolicy: 'Retain',
          updateReplacePolicy: 'Retain',
          properties: { Domain: 'vpc', Tags: tagList(spec, component) },
          usage: [{ meter: 'ipv4.public', unit: 'hours', quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH }, attributes: {}, basis: `static IP ${z + 1} of ${zones} of ${lb.name}, in use: 1 × ${HOURS_PER_MONTH} h` }],
        }),
      );
    }
  }
  out.push(
    loadBalancerResource(
      spec,
      lb,
      zones,
      'network',
      staticIps
        ? { SubnetMappings: subnetRefs(spec, tier).slice(0, zones).map((SubnetId, z) => ({ SubnetId, AllocationId: getAtt(LB_ID.eip(lb.name, z), 'AllocationId') })) }
        : { Subnets: subnetRefs(spec, tier).slice(0, zones) },
      // Every zone's targets serve every zone's clients (off by default on an NLB). An NLB logs
      // its TLS connections only; TCP and UDP flows are in the VPC flow logs.
      [{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }],
    ),
  );
  const certificate = listenerCertificate(spec);
  for (const s of services) {
    const listener = nlbListener(s);
    // The readiness check decides which targets get connections.
    const ready = s.health.readiness;
    const http = ready.check === 'http';
    out.push(
      resource({
        logicalId: ID.targetGroup(s.name),
        type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
        layer: 'ingress',
        component: `service/${s.name}`,
        origin: ['services', s.name, 'expose'],
        properties: {
          VpcId: vpcRef(spec),
          TargetType: s.placement === 'ec2' ? 'instance' : 'ip',
          // TLS ends on the load balancer; the target sees TCP.
          Protocol: listener.protocol === 'UDP' ? 'UDP' : 'TCP',
          Port: s.port!,
          IpAddressType: 'ipv4',
          HealthCheckEnabled: true,
          HealthCheckProtocol: http ? 'HTTP' : 'TCP',
          HealthCheckPort: 'traffic-port',
          ...(http ? { HealthCheckPath: ready.path, Matcher: { HttpCode: '200-399' } } : {}),
          HealthCheckIntervalSeconds: Math.max(5, ready.intervalSeconds),
          HealthCheckTimeoutSeconds: Math.max(2, Math.min(ready.timeoutSeconds, 120)),
          HealthyThresholdCount: ready.healthyThreshold,
          UnhealthyThresholdCount: ready.unhealthyThreshold,
          TargetGroupAttributes: targetGroupAttributes(s, 'network'),
          Tags: tagList(spec, `service/${s.name}`),
        },
      }),
    );
    out.push(targetIngress(spec, lb, s, listener.protocol === 'UDP' ? 'udp' : 'tcp'));
    // A UDP target answers its health check over TCP.
    if (listener.protocol === 'UDP') out.push(targetIngress(spec, lb, s, 'tcp'));
    out.push(
      resource({
        logicalId: LB_ID.listener(s.name),
        type: 'AWS::ElasticLoadBalancingV2::Listener',
        layer: 'ingress',
        component: `service/${s.name}`,
        origin: ['services', s.name, 'expose', 'listener'],
        properties: {
          LoadBalancerArn: ref(LB_ID.loadBalancer(lb.name)),
          Port: listener.port,
          Protocol: listener.protocol,
          ...(listener.protocol === 'TLS' ? { SslPolicy: SSL_POLICIES[spec.ingress.tls.policy], ...(certificate ? { Certificates: [{ CertificateArn: certificate }] } : {}) } : {}),
          DefaultActions: [{ Type: 'forward', TargetGroupArn: ref(ID.targetGroup(s.name)) }],
        },
      }),
    );
  }
  return out;
}

export const loadBalancers: BuildingBlock = {
  name: 'load-balancers',
  build: buildLoadBalancers,
};
