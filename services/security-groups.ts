// Every security group dex uses, and every rule between them. Groups exist only for what the
// spec creates. Ingress rules are separate AWS::EC2::SecurityGroupIngress resources so two
// groups can allow each other without a dependency cycle; a rule's ID names its target, its
// source and its port, so the same permission is never declared twice (EC2 rejects duplicates)
// and adding a service adds rules without renaming any.
//
// Internet ingress: only the load balancer's 80 and 443 (and SSH to the bastion from the
// spec's `allowedCidrs`, which the user names explicitly).
//
// Egress is explicit on every group (no EC2 default allow-all): the load balancer may only reach
// its targets on their ports; the bastion only HTTPS (Session Manager, package updates) and the
// databases on their ports; databases, caches and endpoints cannot open connections at all. A
// database's migration task reaches HTTPS and that database's port.
// Services, EKS nodes, Prometheus and Grafana reach HTTPS anywhere (AWS APIs through the NAT or
// the endpoints, image registries, third-party APIs such as KYC providers, whose addresses a
// security group cannot name) and, for everything else, exactly the groups and ports their
// ingress rules open for them: each such ingress rule has its mirror as an egress rule (separate
// AWS::EC2::SecurityGroupEgress resources, so two groups that call each other make no cycle).
// The EKS control plane reaches only the nodes. DNS (the VPC resolver), IMDS and the Amazon Time
// Sync Service are link-local or resolver traffic that security groups do not filter.
import { ID, getAtt, namePrefix, ref, resource, tagList, vpcRef } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource } from '../compiler/model/types.js';
import type { SpecPath } from '../spec/diagnostics.js';
import type { NormalizedService, NormalizedSpec } from '../spec/model.js';
import { exposedServices, hasLoadBalancer } from './alb.js';
import { interfaceEndpointServices } from './vpc.js';
import { NODE_EXPORTER_PORT } from '../compiler/monitoring/prometheus.js';
import { DATABASE_MIGRATION_ID } from './rds.js';
import { hasEksCluster } from '../compiler/model/platforms.js';
import { DISCOVERY_ID, callersBy, internalLoadBalancers, route } from './discovery.js';
import { ECS_INSTANCES_ID, containerInstances } from './ecs-capacity.js';
import { FILE_SYSTEM_ID, NFS_PORT, fileSystemNames, mountsOf } from '../compiler/model/volumes.js';
import { BROKER_AMQPS_PORT, BROKER_CONSOLE_PORT, BROKER_ID, brokersOf } from '../compiler/model/brokers.js';

/** Ports the EKS control plane uses on the nodes: kubelet, and webhooks (AWS Load Balancer Controller on 9443). */
export const EKS_CONTROL_PLANE_TO_NODE_PORTS: readonly number[] = [443, 9443, 10250];
export const PROMETHEUS_PORT = 9090;

/** A rule EC2 accepts as "no egress at all": CDK's well-known placeholder (ICMP type 252 code 86 to a broadcast address). */
const NO_EGRESS: CfnValue = [{ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp', FromPort: 252, ToPort: 86, Description: 'Disallow all traffic' }];

const hasEks = (spec: NormalizedSpec): boolean => hasEksCluster(spec);

/** The group a service's traffic arrives at and leaves from: its own, or the EKS nodes' (pods share it). */
export function serviceGroup(s: NormalizedService): string {
  return s.placement === 'eks' ? ID.eksNodeSecurityGroup : ID.serviceSecurityGroup(s.name);
}

/** Short name of a group inside rule IDs: its logical ID without the suffix. */
const key = (groupId: string): string => groupId.replace(/SecurityGroup$/, '');

const byName = <T extends { name: string }>(list: readonly T[]): T[] => [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

interface Rule {
  readonly target: string;
  readonly source: { readonly group: string } | { readonly cidr: string; readonly label: string };
  /** A TCP port, or 'all' for all protocols. */
  readonly port: number | 'all';
  readonly reason: string;
  readonly origin: SpecPath;
}

interface Group {
  readonly id: string;
  readonly description: string;
  readonly component: string;
  readonly origin: SpecPath;
  /** Inline egress (never EC2's default allow-all). */
  readonly egress: CfnValue[];
  /** Also gets, as separate egress rules, the mirror of every ingress rule that names it as the source. */
  readonly mirrorsIngress?: boolean;
}

/** HTTPS anywhere: AWS APIs (through NAT or the VPC endpoints), image registries, third-party APIs. */
const HTTPS_OUT = (why: string): CfnValue[] => [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: `HTTPS: ${why}` }];

function buildSecurityGroups(spec: NormalizedSpec): ModelResource[] {
  const prefix = namePrefix(spec);
  const groups = new Map<string, Group>();
  const rules: Rule[] = [];
  const addGroup = (g: Group): void => void groups.set(g.id, g);
  const services = byName(Object.values(spec.services));
  const databases = byName(Object.values(spec.databases));
  const caches = byName(Object.values(spec.caches));
  const exposed = exposedServices(spec);

  // Groups.
  for (const s of services) {
    if (s.placement === 'eks') continue;
    addGroup({
      id: ID.serviceSecurityGroup(s.name),
      description: `${prefix}: ${s.name} (${s.placement === 'ecs' ? 'ECS tasks' : 'EC2 instances'})`,
      component: `service/${s.name}`,
      origin: ['services', s.name],
      egress: HTTPS_OUT('AWS APIs (images, secrets, logs) and the external APIs the service calls'),
      mirrorsIngress: true,
    });
  }
  if (containerInstances(spec)) {
    // The instances themselves: the ECS agent and the SSM agent call out over HTTPS; nothing calls
    // in (each task has its own ENI in its service's group).
    addGroup({ id: ECS_INSTANCES_ID.securityGroup, description: `${prefix}: ECS container instances (the agents; tasks have their own groups)`, component: 'platform/ecs/instances', origin: ['platforms', 'ecs', 'containerInstances'], egress: HTTPS_OUT('the ECS and Systems Manager APIs') });
  }
  if (hasEks(spec)) {
    addGroup({ id: ID.eksNodeSecurityGroup, description: `${prefix}: EKS nodes and pods`, component: 'platform/eks', origin: ['platforms', 'eks'], egress: HTTPS_OUT('EKS and AWS APIs, image registries and the external APIs pods call'), mirrorsIngress: true });
    addGroup({ id: ID.eksClusterSecurityGroup, description: `${prefix}: EKS control plane`, component: 'platform/eks', origin: ['platforms', 'eks'], egress: NO_EGRESS as CfnValue[], mirrorsIngress: true });
  }
  for (const d of databases) {
    addGroup({ id: ID.databaseSecurityGroup(d.name), description: `${prefix}: ${d.name} database`, component: `database/${d.name}`, origin: ['databases', d.name], egress: NO_EGRESS as CfnValue[] });
    // The migration task (services/rds.ts): HTTPS for Secrets Manager, the image and its log, and the database.
    const migration = DATABASE_MIGRATION_ID.securityGroup(d.name);
    addGroup({ id: migration, description: `${prefix}: ${d.name} database migration task`, component: `database/${d.name}`, origin: ['databases', d.name], egress: HTTPS_OUT('Secrets Manager, the postgres image and CloudWatch Logs'), mirrorsIngress: true });
    rules.push({ target: ID.databaseSecurityGroup(d.name), source: { group: migration }, port: d.port, reason: `${d.name} migration task to the database`, origin: ['databases', d.name] });
  }
  for (const c of caches) {
    addGroup({ id: ID.cacheSecurityGroup(c.name), description: `${prefix}: ${c.name} cache`, component: `cache/${c.name}`, origin: ['caches', c.name], egress: NO_EGRESS as CfnValue[] });
  }
  // EFS mount targets: NFS only from the services that mount the file system (EKS pods mount through their node).
  for (const fs of fileSystemNames(spec)) {
    const id = FILE_SYSTEM_ID.securityGroup(fs);
    addGroup({ id, description: `${prefix}: ${fs} file system mount targets`, component: `fileSystem/${fs}`, origin: ['fileSystems', fs], egress: NO_EGRESS as CfnValue[] });
    for (const { service, volume } of mountsOf(spec, fs)) {
      rules.push({ target: id, source: { group: serviceGroup(service) }, port: NFS_PORT, reason: `${service.name} mounts the ${fs} file system`, origin: ['services', service.name, 'volumes', volume.index] });
    }
  }
  // Amazon MQ brokers: AMQPS from the services that use them (below); the console only when asked, from the VPC.
  for (const b of byName(Object.values(spec.brokers ?? {}))) {
    addGroup({ id: BROKER_ID.securityGroup(b.name), description: `${prefix}: ${b.name} broker`, component: `broker/${b.name}`, origin: ['brokers', b.name], egress: NO_EGRESS as CfnValue[] });
    if (b.console) rules.push({ target: BROKER_ID.securityGroup(b.name), source: { cidr: spec.network.cidr, label: 'Vpc' }, port: BROKER_CONSOLE_PORT, reason: `RabbitMQ web console of ${b.name} from inside the VPC`, origin: ['brokers', b.name, 'console'] });
  }
  if (spec.monitoring.prometheus.enabled) {
    addGroup({ id: ID.prometheusSecurityGroup, description: `${prefix}: Prometheus server`, component: 'monitoring/prometheus', origin: ['monitoring', 'prometheus'], egress: HTTPS_OUT('EC2 discovery, the Kubernetes API, image and package downloads'), mirrorsIngress: true });
  }
  if (spec.monitoring.grafana.enabled) {
    addGroup({ id: ID.grafanaSecurityGroup, description: `${prefix}: Grafana server`, component: 'monitoring/grafana', origin: ['monitoring', 'grafana'], egress: HTTPS_OUT('CloudWatch, image and package downloads'), mirrorsIngress: true });
  }
  if (interfaceEndpointServices(spec).length > 0) {
    addGroup({ id: ID.endpointSecurityGroup, description: `${prefix}: VPC interface endpoints`, component: 'network', origin: ['network', 'endpoints'], egress: NO_EGRESS as CfnValue[] });
    rules.push({ target: ID.endpointSecurityGroup, source: { cidr: spec.network.cidr, label: 'Vpc' }, port: 443, reason: 'HTTPS to AWS APIs from inside the VPC', origin: ['network', 'endpoints'] });
  }

  // Load balancer: the only internet ingress; egress only to its targets.
  if (hasLoadBalancer(spec)) {
    const egress = new Map<string, CfnValue>();
    for (const s of exposed) {
      const target = serviceGroup(s);
      rules.push({ target, source: { group: ID.albSecurityGroup }, port: s.port!, reason: `Load balancer to ${s.name}`, origin: ['services', s.name, 'expose'] });
      egress.set(`${target}:${s.port}`, {
        IpProtocol: 'tcp',
        FromPort: s.port!,
        ToPort: s.port!,
        DestinationSecurityGroupId: getAtt(target, 'GroupId'),
        Description: `To ${target === ID.eksNodeSecurityGroup ? 'EKS pods' : 'targets'} on ${s.port} (traffic and health checks)`,
      });
    }
    addGroup({
      id: ID.albSecurityGroup,
      description: `${prefix}: internet-facing load balancer`,
      component: 'ingress',
      origin: ['ingress', 'loadBalancer'],
      egress: [...egress.keys()].sort().map((k) => egress.get(k)!),
    });
    for (const port of [80, 443]) {
      rules.push({
        target: ID.albSecurityGroup,
        source: { cidr: '0.0.0.0/0', label: 'Internet' },
        port,
        reason: port === 80 ? 'HTTP from the internet (redirected to HTTPS)' : 'HTTPS from the internet',
        origin: ['ingress', 'loadBalancer'],
      });
      // Dual-stack: the same from the IPv6 internet (a rule holds one address family).
      if (spec.network.ipv6) {
        rules.push({ target: ID.albSecurityGroup, source: { cidr: '::/0', label: 'InternetIpv6' }, port, reason: port === 80 ? 'HTTP from the IPv6 internet (redirected to HTTPS)' : 'HTTPS from the IPv6 internet', origin: ['network', 'ipv6'] });
      }
    }
  }

  // Services to what they use.
  for (const s of services) {
    const source = serviceGroup(s);
    for (const used of [...new Set(s.uses)].sort()) {
      const origin = ['services', s.name, 'uses'];
      const db = spec.databases[used];
      const cache = spec.caches[used];
      const callee = spec.services[used];
      if (db) rules.push({ target: ID.databaseSecurityGroup(used), source: { group: source }, port: db.port, reason: `${s.name} to ${used} database`, origin });
      else if (cache) rules.push({ target: ID.cacheSecurityGroup(used), source: { group: source }, port: cache.port, reason: `${s.name} to ${used} cache`, origin });
      else if (callee && callee.port !== undefined && callee.name !== s.name) {
        const target = serviceGroup(callee);
        // Pods on the EKS nodes already reach each other through the nodes' self rule; a callee
        // behind its internal load balancer admits the load balancer, which admits the caller (below).
        if (target !== source && route(s, callee) !== 'internal-nlb') rules.push({ target, source: { group: source }, port: callee.port, reason: `${s.name} to ${callee.name}`, origin });
      }
    }
  }

  for (const s of services) {
    for (const b of brokersOf(spec, s)) rules.push({ target: BROKER_ID.securityGroup(b.name), source: { group: serviceGroup(s) }, port: BROKER_AMQPS_PORT, reason: `${s.name} to ${b.name} broker (AMQPS)`, origin: ['services', s.name, 'uses'] });
  }

  // Internal load balancers (services/discovery.ts): each caller to its callee's listener port,
  // the load balancer (traffic and health checks) to each callee's port; nothing else reaches
  // either. A load balancer's listener ports are distinct, so a port names one callee.
  internalLoadBalancers(spec).forEach((callees, n) => {
    const nlb = DISCOVERY_ID.securityGroup(n);
    const egress = new Map<string, CfnValue>();
    for (const callee of callees) {
      const target = serviceGroup(callee);
      egress.set(`${target}:${callee.port}`, { IpProtocol: 'tcp', FromPort: callee.port!, ToPort: callee.port!, DestinationSecurityGroupId: getAtt(target, 'GroupId'), Description: `To ${target === ID.eksNodeSecurityGroup ? 'EKS pods' : 'targets'} on ${callee.port} (traffic and health checks)` });
      rules.push({ target, source: { group: nlb }, port: callee.port!, reason: `Internal load balancer to ${callee.name}`, origin: ['services', callee.name] });
      for (const caller of callersBy(spec, callee, 'internal-nlb')) {
        rules.push({ target: nlb, source: { group: serviceGroup(caller) }, port: callee.servicePort ?? callee.port!, reason: `${caller.name} to ${callee.name}`, origin: ['services', caller.name, 'uses'] });
      }
    }
    addGroup({ id: nlb, description: `${prefix}: internal load balancer ${n + 1} between services`, component: 'network', origin: ['services'], egress: [...egress.keys()].sort().map((k) => egress.get(k)!) });
  });

  // Monitoring: Prometheus scrapes every service on its port; Grafana queries Prometheus.
  if (spec.monitoring.prometheus.enabled) {
    for (const s of services) {
      if (s.port === undefined) continue;
      rules.push({ target: serviceGroup(s), source: { group: ID.prometheusSecurityGroup }, port: s.port, reason: `Prometheus scrapes ${s.name}`, origin: ['monitoring', 'prometheus'] });
    }
    if (spec.monitoring.grafana.enabled) {
      rules.push({ target: ID.prometheusSecurityGroup, source: { group: ID.grafanaSecurityGroup }, port: PROMETHEUS_PORT, reason: 'Grafana queries Prometheus', origin: ['monitoring', 'grafana'] });
    }
    // Host metrics: node exporter runs on every instance services/ec2.ts launches.
    const origin = ['monitoring', 'prometheus'];
    const hosts = [
      ...services.filter((s) => s.placement === 'ec2').map((s) => serviceGroup(s)),
      ID.prometheusSecurityGroup,
      ...(spec.monitoring.grafana.enabled ? [ID.grafanaSecurityGroup] : []),
    ];
    for (const target of [...new Set(hosts)]) rules.push({ target, source: { group: ID.prometheusSecurityGroup }, port: NODE_EXPORTER_PORT, reason: 'Prometheus scrapes node exporter', origin });
    // EKS pod discovery asks the cluster's private API endpoint for pod addresses.
    if (services.some((s) => s.placement === 'eks')) {
      rules.push({ target: ID.eksClusterSecurityGroup, source: { group: ID.prometheusSecurityGroup }, port: 443, reason: 'Prometheus discovers EKS pods through the Kubernetes API', origin });
    }
  }

  // Bastion: SSH only from the named networks (none: Session Manager only), on to the databases.
  if (spec.network.bastion.enabled) {
    const origin = ['network', 'bastion'];
    for (const cidr of [...new Set(spec.network.bastion.allowedCidrs)].sort()) {
      rules.push({ target: ID.bastionSecurityGroup, source: { cidr, label: `Cidr${cidr.replace(/[./]/g, 'x')}` }, port: 22, reason: `SSH from ${cidr}`, origin: [...origin, 'allowedCidrs'] });
    }
    const egress: CfnValue[] = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'HTTPS: Session Manager, AWS APIs and package updates' }];
    for (const d of databases) {
      rules.push({ target: ID.databaseSecurityGroup(d.name), source: { group: ID.bastionSecurityGroup }, port: d.port, reason: `Bastion to ${d.name} database`, origin });
      egress.push({ IpProtocol: 'tcp', FromPort: d.port, ToPort: d.port, DestinationSecurityGroupId: getAtt(ID.databaseSecurityGroup(d.name), 'GroupId'), Description: `To the ${d.name} database` });
    }
    addGroup({ id: ID.bastionSecurityGroup, description: `${prefix}: bastion host`, component: 'bastion', origin, egress });
  }

  // EKS: nodes talk to each other freely (pods, CoreDNS); control plane and nodes on the EKS ports.
  if (hasEks(spec)) {
    const origin = ['platforms', 'eks'];
    rules.push({ target: ID.eksNodeSecurityGroup, source: { group: ID.eksNodeSecurityGroup }, port: 'all', reason: 'EKS nodes and pods to each other', origin });
    rules.push({ target: ID.eksClusterSecurityGroup, source: { group: ID.eksNodeSecurityGroup }, port: 443, reason: 'EKS nodes to the Kubernetes API', origin });
    for (const port of EKS_CONTROL_PLANE_TO_NODE_PORTS) {
      const what = port === 10250 ? 'kubelet' : port === 9443 ? 'load balancer controller webhook' : 'webhooks and extension API servers';
      rules.push({ target: ID.eksNodeSecurityGroup, source: { group: ID.eksClusterSecurityGroup }, port, reason: `EKS control plane to nodes: ${what}`, origin });
    }
  }

  const out: ModelResource[] = [];
  for (const id of [...groups.keys()].sort()) {
    const g = groups.get(id)!;
    out.push(
      resource({
        logicalId: id,
        type: 'AWS::EC2::SecurityGroup',
        layer: 'security',
        component: g.component,
        origin: g.origin,
        properties: {
          GroupDescription: g.description,
          VpcId: vpcRef(spec),
          SecurityGroupEgress: g.egress,
          Tags: tagList(spec, g.component),
        },
      }),
    );
  }

  // Merge rules that grant the same permission (EC2 rejects duplicates); their reasons join.
  const merged = new Map<string, { rule: Rule; reasons: Set<string> }>();
  for (const rule of rules) {
    if (!groups.has(rule.target) || ('group' in rule.source && !groups.has(rule.source.group))) continue;
    const from = 'group' in rule.source ? key(rule.source.group) : rule.source.label;
    const id = `${key(rule.target)}IngressFrom${from}${rule.port === 'all' ? 'AllTraffic' : `Port${rule.port}`}`;
    const entry = merged.get(id);
    if (entry) entry.reasons.add(rule.reason);
    else merged.set(id, { rule, reasons: new Set([rule.reason]) });
  }
  const egressRules: ModelResource[] = [];
  for (const id of [...merged.keys()].sort()) {
    const { rule, reasons } = merged.get(id)!;
    const description = [...reasons].sort().join('; ');
    const source = 'group' in rule.source ? groups.get(rule.source.group) : undefined;
    if (source?.mirrorsIngress && 'group' in rule.source) {
      egressRules.push(
        resource({
          logicalId: `${key(rule.source.group)}EgressTo${key(rule.target)}${rule.port === 'all' ? 'AllTraffic' : `Port${rule.port}`}`,
          type: 'AWS::EC2::SecurityGroupEgress',
          layer: 'security',
          component: source.component,
          origin: rule.origin,
          properties: {
            GroupId: getAtt(rule.source.group, 'GroupId'),
            ...(rule.port === 'all' ? { IpProtocol: '-1' } : { IpProtocol: 'tcp', FromPort: rule.port, ToPort: rule.port }),
            DestinationSecurityGroupId: getAtt(rule.target, 'GroupId'),
            Description: description.length > 255 ? `${description.slice(0, 252)}...` : description,
          },
        }),
      );
    }
    out.push(
      resource({
        logicalId: id,
        type: 'AWS::EC2::SecurityGroupIngress',
        layer: 'security',
        component: groups.get(rule.target)!.component,
        origin: rule.origin,
        properties: {
          GroupId: getAtt(rule.target, 'GroupId'),
          ...(rule.port === 'all' ? { IpProtocol: '-1' } : { IpProtocol: 'tcp', FromPort: rule.port, ToPort: rule.port }),
          ...('group' in rule.source ? { SourceSecurityGroupId: getAtt(rule.source.group, 'GroupId') } : rule.source.cidr.includes(':') ? { CidrIpv6: rule.source.cidr } : { CidrIp: rule.source.cidr }),
          Description: description.length > 255 ? `${description.slice(0, 252)}...` : description,
        },
      }),
    );
  }
  return [...out, ...egressRules];
}

export const securityGroups: BuildingBlock = {
  name: 'security-groups',
  build: buildSecurityGroups,
};

