// Service-to-service discovery: how a service that `uses` another finds it, on every platform and
// across them, and the resources that make the name resolve.
//
// One Cloud Map private DNS namespace per environment (`<system>[-<env>].internal`): Cloud Map
// keeps a Route 53 private hosted zone in the VPC, which every ECS task, EKS pod (CoreDNS
// forwards to the VPC resolver) and EC2 instance resolves. Who resolves what (docs/discovery.md):
//   - EKS → EKS: the Kubernetes Service, `<svc>.<namespace>.svc.cluster.local:<servicePort>`.
//   - ECS → ECS: Service Connect. The callee is a Service Connect server (port name `http`), the
//     caller a client; the client alias `<svc>.<namespace>:<servicePort>` is answered by the
//     caller's Service Connect proxy, which forwards to the callee's proxy on the container port,
//     the port the callee's security group already opens to the caller.
//   - anything else → ECS: the ECS service registers its tasks' addresses in Cloud Map (A records,
//     `ServiceRegistries`), `<svc>.<namespace>:<port>`: no proxy in between, so the container
//     port, whatever `servicePort` says (DEX379 warns when they differ).
//   - anything else → EKS, and anything → EC2: an internal Network Load Balancer shared by these
//     callees, one listener each on its servicePort, in front of the pods (a TargetGroupBinding,
//     as the ALB's) or the Auto Scaling group, each aliased in the namespace as
//     `<svc>.<namespace>:<servicePort>`. Pod addresses are not in Cloud Map (no
//     controller writes them), and an instance registering itself at boot leaves a stale record
//     when it dies without running its shutdown; the load balancer's targets follow the group,
//     and its health check takes dead targets out. Its security group admits exactly the callers,
//     each on its callee's listener port.
import { ID, getAtt, namePrefix, pascal, ref, resource, shortHash, subnetRefs, tagList, vpcRef } from '../compiler/model/ids.js';
import { HOURS_PER_MONTH, type BuildingBlock, type CfnValue, type ModelResource } from '../compiler/model/types.js';
import { addressEnvNames, addressValues, addressedUses, callPort, type AddressPart } from '../compiler/model/addresses.js';
import type { NormalizedService, NormalizedSpec } from '../spec/model.js';
import { serviceAccount, serviceLogGroupName } from './iam.js';

/** How a caller reaches a callee (see the header). */
export type Route = 'kubernetes' | 'service-connect' | 'cloud-map' | 'internal-nlb';

export const DISCOVERY_NAMESPACE = 'DiscoveryNamespace';
export const DISCOVERY_ID = {
  cloudMapService: (service: string) => `${pascal(service)}DiscoveryService`,
  aliasInstance: (service: string) => `${pascal(service)}DiscoveryInstance`,
  targetGroup: (service: string) => `${pascal(service)}InternalTargetGroup`,
  listener: (service: string) => `${pascal(service)}InternalListener`,
  /** The n-th shared internal load balancer (0: the first), and its security group. */
  loadBalancer: (n: number) => `InternalLoadBalancer${n === 0 ? '' : n + 1}`,
  // Not `…SecurityGroup`: that suffix would reserve the service name `internal-load-balancer`.
  securityGroup: (n: number) => `InternalLoadBalancer${n === 0 ? '' : n + 1}Firewall`,
};

/** The namespace's DNS name: one per environment, so two environments in one VPC never answer for each other. */
export const discoveryNamespaceName = (spec: NormalizedSpec): string => `${namePrefix(spec)}.internal`;

export function route(caller: NormalizedService, callee: NormalizedService): Route {
  if (callee.placement === 'eks') return caller.placement === 'eks' ? 'kubernetes' : 'internal-nlb';
  if (callee.placement === 'ecs') return caller.placement === 'ecs' ? 'service-connect' : 'cloud-map';
  return 'internal-nlb';
}

export interface ResolvedAddress {
  readonly host: string;
  readonly port: number;
  readonly route: Route;
}

/** Where `caller` finds `callee` (which has a port). */
export function resolveAddress(spec: NormalizedSpec, caller: NormalizedService, callee: NormalizedService): ResolvedAddress {
  const how = route(caller, callee);
  if (how === 'kubernetes') return { host: `${callee.name}.${serviceAccount(callee.name).namespace}.svc.cluster.local`, port: callPort(callee)!, route: how };
  const host = `${callee.name}.${discoveryNamespaceName(spec)}`;
  return { host, port: how === 'cloud-map' ? callee.port! : callPort(callee)!, route: how };
}

/** The address variables `s` gets for the services it uses, in name order of the callee then the part. */
export function addressEnvironment(spec: NormalizedSpec, s: NormalizedService): { Name: string; Value: string }[] {
  const out: { Name: string; Value: string }[] = [];
  for (const callee of addressedUses(spec, s)) {
    const { host, port } = resolveAddress(spec, s, callee);
    const values = addressValues(callee, host, port);
    const names = addressEnvNames(s, callee.name);
    for (const part of Object.keys(names) as AddressPart[]) out.push({ Name: names[part]!, Value: values[part] });
  }
  return out;
}

/** Every (caller, callee) pair with an address, callers in name order. */
export function calls(spec: NormalizedSpec): readonly Call[] {
  // Asked once per service by several blocks: computed once per spec, or the model takes quadratic time.
  let list = callLists.get(spec);
  if (list === undefined) {
    list = Object.values(spec.services)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap((caller) => addressedUses(spec, caller).map((callee) => ({ caller, callee, route: route(caller, callee) })));
    callLists.set(spec, list);
  }
  return list;
}

export interface Call {
  readonly caller: NormalizedService;
  readonly callee: NormalizedService;
  readonly route: Route;
}
const callLists = new WeakMap<NormalizedSpec, readonly Call[]>();

/** Callers of `callee` that reach it by `how`, in name order. */
export function callersBy(spec: NormalizedSpec, callee: NormalizedService, how: Route): NormalizedService[] {
  return calls(spec).filter((c) => c.callee.name === callee.name && c.route === how).map((c) => c.caller);
}

/** Whether the environment has a Cloud Map namespace: any call but pod-to-pod inside EKS needs it. */
export const needsNamespace = (spec: NormalizedSpec): boolean => calls(spec).some((c) => c.route !== 'kubernetes');

/** Services with an internal load balancer (called through one), in name order. */
export function internalLoadBalanced(spec: NormalizedSpec): NormalizedService[] {
  const names = new Set(calls(spec).filter((c) => c.route === 'internal-nlb').map((c) => c.callee.name));
  return [...names].sort().map((n) => spec.services[n]!);
}

/**
 * The ECS service's Service Connect and Cloud Map settings: a server when an ECS service calls
 * it, a client when it calls one, registered in Cloud Map when another platform calls it.
 * Empty for a service in no call, so its ECS service stays as it was.
 */
export function ecsDiscoveryProperties(spec: NormalizedSpec, s: NormalizedService): Record<string, CfnValue> {
  if (s.placement !== 'ecs') return {};
  const all = calls(spec);
  const client = all.some((c) => c.caller.name === s.name && c.route === 'service-connect');
  const server = all.some((c) => c.callee.name === s.name && c.route === 'service-connect');
  const registered = all.some((c) => c.callee.name === s.name && c.route === 'cloud-map');
  const out: Record<string, CfnValue> = {};
  if (client || server) {
    out.ServiceConnectConfiguration = {
      Enabled: true,
      Namespace: getAtt(DISCOVERY_NAMESPACE, 'Arn'),
      ...(server
        ? {
            Services: [
              {
                PortName: 'http',
                // Apart from the Cloud Map DNS service of the same callee (`<svc>`, for callers on
                // other platforms): Cloud Map names are unique in a namespace.
                DiscoveryName: `${s.name}-connect`,
                ClientAliases: [{ DnsName: `${s.name}.${discoveryNamespaceName(spec)}`, Port: callPort(s)! }],
              },
            ],
          }
        : {}),
      // The proxy's own log, beside the application's in the service's log group.
      LogConfiguration: {
        LogDriver: 'awslogs',
        Options: { 'awslogs-group': serviceLogGroupName(spec, s.name), 'awslogs-region': ref('AWS::Region'), 'awslogs-stream-prefix': `${s.name}-service-connect` },
      },
    };
  }
  if (registered) out.ServiceRegistries = [{ RegistryArn: getAtt(DISCOVERY_ID.cloudMapService(s.name), 'Arn') }];
  return out;
}

/**
 * The internal load balancers and the callees each carries: one listener per callee on its
 * servicePort, so callees share a load balancer while their ports differ (a port already taken
 * sends the callee to the next one). Callees in name order: a new callee whose port an
 * earlier-named one already holds on the first load balancer goes to the second.
 */
export function internalLoadBalancers(spec: NormalizedSpec): NormalizedService[][] {
  let groups = loadBalancerGroups.get(spec);
  if (groups === undefined) {
    groups = [];
    for (const callee of internalLoadBalanced(spec)) {
      const port = callPort(callee);
      const free = groups.find((g) => !g.some((x) => callPort(x) === port));
      if (free) free.push(callee);
      else groups.push([callee]);
    }
    loadBalancerGroups.set(spec, groups);
  }
  return groups;
}
const loadBalancerGroups = new WeakMap<NormalizedSpec, NormalizedService[][]>();

/** Which shared internal load balancer carries a callee (an index into internalLoadBalancers). */
export const loadBalancerOf = (spec: NormalizedSpec, s: NormalizedService): number => internalLoadBalancers(spec).findIndex((g) => g.some((x) => x.name === s.name));

/** The internal target group an EC2 service's Auto Scaling group joins, if it has one. */
export function internalTargetGroup(spec: NormalizedSpec, s: NormalizedService): string | undefined {
  return internalLoadBalanced(spec).some((x) => x.name === s.name) ? DISCOVERY_ID.targetGroup(s.name) : undefined;
}

/** The load balancer's name: at most 32 characters, cut with a stable hash when longer. */
function loadBalancerName(spec: NormalizedSpec, n: number): string {
  const full = `${namePrefix(spec)}-services${n === 0 ? '' : `-${n + 1}`}`;
  return full.length <= 32 ? full : `${full.slice(0, 23).replace(/-+$/, '')}-${shortHash(full)}`;
}

function discoveryResources(spec: NormalizedSpec): ModelResource[] {
  if (!needsNamespace(spec)) return [];
  const out: ModelResource[] = [];
  const nsName = discoveryNamespaceName(spec);
  out.push(
    resource({
      logicalId: DISCOVERY_NAMESPACE,
      type: 'AWS::ServiceDiscovery::PrivateDnsNamespace',
      layer: 'network',
      origin: ['services'],
      component: 'network',
      properties: { Name: nsName, Vpc: vpcRef(spec), Description: `Service addresses of ${namePrefix(spec)} (dex: services that use each other)`, Tags: tagList(spec, 'network') },
      usage: [{ meter: 'route53.zone', unit: 'zone-month', quantity: { min: 1, max: 1 }, attributes: {}, basis: 'the private hosted zone Cloud Map keeps for the namespace' }],
    }),
  );
  const all = calls(spec);
  // ECS services other platforms call: their tasks' addresses as A records.
  const registered = [...new Set(all.filter((c) => c.route === 'cloud-map').map((c) => c.callee.name))].sort().map((n) => spec.services[n]!);
  for (const s of registered) {
    out.push(
      resource({
        logicalId: DISCOVERY_ID.cloudMapService(s.name),
        type: 'AWS::ServiceDiscovery::Service',
        layer: 'network',
        origin: ['services', s.name],
        component: `service/${s.name}`,
        properties: {
          Name: s.name,
          NamespaceId: ref(DISCOVERY_NAMESPACE),
          Description: `Task addresses of ${s.name} (ECS registers them)`,
          // A short TTL: a stopped task's record is gone within seconds of ECS removing it.
          DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] },
          HealthCheckCustomConfig: { FailureThreshold: 1 },
          Tags: tagList(spec, `service/${s.name}`),
        },
        usage: [{ meter: 'cloudmap.instance', unit: 'instance-month', quantity: { min: s.scaling.min, max: s.scaling.max }, attributes: {}, basis: `one registered instance per task, ${s.scaling.min}..${s.scaling.max} tasks (scaling min..max)`}],
      }),
    );
  }
  internalLoadBalancers(spec).forEach((callees, n) => {
    out.push(sharedLoadBalancer(spec, n));
    for (const s of callees) out.push(...internalListener(spec, s, n));
  });
  return out;
}

/** A shared internal NLB in the private subnets, behind its own security group (services/security-groups.ts). */
function sharedLoadBalancer(spec: NormalizedSpec, n: number): ModelResource {
  const callees = internalLoadBalancers(spec)[n]!.map((s) => s.name);
  return resource({
    logicalId: DISCOVERY_ID.loadBalancer(n),
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    layer: 'ingress',
    origin: ['services'],
    component: 'network',
    properties: {
      Name: loadBalancerName(spec, n),
      Type: 'network',
      Scheme: 'internal',
      IpAddressType: 'ipv4',
      Subnets: subnetRefs(spec, 'private'),
      SecurityGroups: [getAtt(DISCOVERY_ID.securityGroup(n), 'GroupId')],
      LoadBalancerAttributes: [{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }],
      Tags: tagList(spec, 'network'),
    },
    usage: [
      { meter: 'nlb.hours', unit: 'hours', quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH }, attributes: {}, basis: `one internal NLB (${callees.join(', ')}) × ${HOURS_PER_MONTH} h` },
      { meter: 'nlb.lcu', unit: 'NLCU-hours', quantity: { min: 0, max: 0 }, attributes: {}, basis: 'calls between services: no usage assumption', quantityUnknown: 'dex has no usage assumption for the connections and bytes between services; an NLCU is 800 new TCP connections/s, 100,000 active or 1 GB an hour' },
    ],
  });
}

/** One callee on a shared internal NLB: listener on servicePort, targets on the container port, an alias in the namespace. */
function internalListener(spec: NormalizedSpec, s: NormalizedService, n: number): ModelResource[] {
  const component = `service/${s.name}`;
  const origin = ['services', s.name];
  const tags = tagList(spec, component);
  const eks = s.placement === 'eks';
  return [
    resource({
      logicalId: DISCOVERY_ID.targetGroup(s.name),
      type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      layer: 'ingress',
      origin,
      component,
      properties: {
        // Pods by IP through a TargetGroupBinding (emitters/kubernetes.ts); instances through their Auto Scaling group.
        TargetType: eks ? 'ip' : 'instance',
        Protocol: 'TCP',
        Port: s.port!,
        VpcId: vpcRef(spec),
        HealthCheckProtocol: 'TCP',
        HealthCheckIntervalSeconds: 10,
        HealthyThresholdCount: 3,
        UnhealthyThresholdCount: 3,
        TargetGroupAttributes: [
          { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
          // The callee sees the load balancer's addresses: its security group admits the load balancer's group only.
          { Key: 'preserve_client_ip.enabled', Value: 'false' },
        ],
        Tags: tags,
      },
    }),
    resource({
      logicalId: DISCOVERY_ID.listener(s.name),
      type: 'AWS::ElasticLoadBalancingV2::Listener',
      layer: 'ingress',
      origin,
      component,
      properties: { LoadBalancerArn: ref(DISCOVERY_ID.loadBalancer(n)), Port: callPort(s)!, Protocol: 'TCP', DefaultActions: [{ Type: 'forward', TargetGroupArn: ref(DISCOVERY_ID.targetGroup(s.name)) }] },
    }),
    resource({
      logicalId: DISCOVERY_ID.cloudMapService(s.name),
      type: 'AWS::ServiceDiscovery::Service',
      layer: 'network',
      origin,
      component,
      properties: {
        Name: s.name,
        NamespaceId: ref(DISCOVERY_NAMESPACE),
        Description: `${s.name} on the internal load balancer (an alias record; the port tells the callees apart)`,
        // An alias to a load balancer: WEIGHTED routing, an A record, no Cloud Map health check (the NLB has its own).
        DnsConfig: { RoutingPolicy: 'WEIGHTED', DnsRecords: [{ Type: 'A', TTL: 60 }] },
        Tags: tags,
      },
      usage: [{ meter: 'cloudmap.instance', unit: 'instance-month', quantity: { min: 1, max: 1 }, attributes: {}, basis: 'one registered instance: the alias to the internal load balancer'}],
    }),
    resource({
      logicalId: DISCOVERY_ID.aliasInstance(s.name),
      type: 'AWS::ServiceDiscovery::Instance',
      layer: 'ingress',
      origin,
      component,
      properties: {
        ServiceId: ref(DISCOVERY_ID.cloudMapService(s.name)),
        InstanceAttributes: { AWS_ALIAS_DNS_NAME: getAtt(DISCOVERY_ID.loadBalancer(n), 'DNSName') },
      },
    }),
  ];
}

export const discovery: BuildingBlock = {
  name: 'discovery',
  build: discoveryResources,
};
