// The VPC: three subnet tiers per zone (public, private, database), an internet gateway for the
// public tier, NAT for the private tier per `natGateways`, no internet route at all for the
// database tier, KMS-encrypted flow logs and VPC endpoints. Layouts: a tier listed as [] is not
// made (`public: []`, an isolated VPC: no internet gateway, no NAT, no public route table or
// ACL; `database: []`: no database route table or ACL), and the intra tier (no route beyond the
// VPC, for the EKS control plane's interfaces) only when listed or used. IDs come from tier, zone letter and
// endpoint name only, so adding a zone or an endpoint adds resources and changes none.
//
// Layers: almost everything is `network`. The flow-log group (encrypted with the KMS key) and the
// interface endpoints (behind the endpoint security group) reference the `security` layer, which
// deploys after `network`, so those resources live in `security` themselves.
import { ID, getAtt, namePrefix, pascal, ref, resource, sub, subnetRefs, tagList, vpcRef } from '../compiler/model/ids.js';
import { hasEksCluster } from '../compiler/model/platforms.js';
import { containerInstances } from './ecs-capacity.js';
import { hasLoadBalancer } from './alb.js';
import { hasPublicNamedAlb, publicNlbPorts } from './load-balancers.js';
import { inlineFunction } from './inline-function.js';
import { HOURS_PER_MONTH, type BuildingBlock, type CfnValue, type MeterName, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import type { NormalizedSpec, VpcEndpointName } from '../spec/model.js';

const COMPONENT = 'network';

export type SubnetTier = 'public' | 'private' | 'database' | 'intra';
/** In this order: a tier's position picks its IPv6 block, so intra, added later, comes last. */
const TIERS: readonly SubnetTier[] = ['public', 'private', 'database', 'intra'];

/** Logical IDs the VPC block owns (beyond the shared ones in `ID`). */
export const VPC_ID = {
  gatewayAttachment: 'InternetGatewayAttachment',
  publicRouteTable: 'PublicRouteTable',
  publicDefaultRoute: 'PublicDefaultRoute',
  privateRouteTable: (zone: number) => `PrivateRouteTable${zoneLetter(zone)}`,
  privateDefaultRoute: (zone: number) => `PrivateDefaultRoute${zoneLetter(zone)}`,
  /** One route table for the whole database tier: it has only the local route (and gateway endpoints). */
  databaseRouteTable: 'DatabaseRouteTable',
  /** The intra tier's one route table: the local route only, no gateway endpoints either. */
  intraRouteTable: 'IntraRouteTable',
  routeTableAssociation: (tier: SubnetTier, zone: number) => `${ID.subnet(tier, zone)}RouteTableAssociation`,
  natGateway: (zone: number) => `NatGateway${zoneLetter(zone)}`,
  natEip: (zone: number) => `NatEip${zoneLetter(zone)}`,
  flowLogGroup: 'FlowLogGroup',
  flowLogRole: 'FlowLogRole',
  flowLog: 'VpcFlowLog',
  defaultSgFunction: 'RestrictDefaultSecurityGroupFunction',
  defaultSgRole: 'RestrictDefaultSecurityGroupRole',
  defaultSgLogGroup: 'RestrictDefaultSecurityGroupLogGroup',
  defaultSg: 'RestrictDefaultSecurityGroup',
  endpoint: (service: string) => `${pascal(service)}Endpoint`,
  networkAcl: (tier: SubnetTier) => `${pascal(tier)}NetworkAcl`,
  networkAclAssociation: (tier: SubnetTier, zone: number) => `${ID.subnet(tier, zone)}NetworkAclAssociation`,
  networkAclEntry: (tier: SubnetTier, name: string) => `${pascal(tier)}NetworkAcl${name}`,
  ipv6Block: 'VpcIpv6CidrBlock',
  egressOnlyGateway: 'EgressOnlyInternetGateway',
  publicIpv6Route: 'PublicDefaultIpv6Route',
  privateIpv6Route: (zone: number) => `PrivateDefaultIpv6Route${zoneLetter(zone)}`,
} as const;

/** The tiers that get an IPv6 /64 with network.ipv6 (the database tier stays IPv4-only: no route out at all). */
const IPV6_TIERS: readonly SubnetTier[] = ['public', 'private'];
/** A subnet's /64 within the VPC's /56: 8 per tier, by zone, so adding a zone changes no block. */
const ipv6Index = (tier: SubnetTier, zone: number): number => TIERS.indexOf(tier) * 8 + zone;

function zoneLetter(zone: number): string {
  return String.fromCharCode(65 + zone);
}

/** Gateway endpoints are free and route-table based; everything else is an interface endpoint. */
const GATEWAY_ENDPOINTS: ReadonlySet<VpcEndpointName> = new Set<VpcEndpointName>(['s3', 'dynamodb']);

/**
 * The AWS service names behind one `endpoints:` entry: `ecr` needs both the API and the Docker
 * registry endpoint; `ssm` needs ssmmessages and ec2messages too, or Session Manager cannot connect.
 */
export function endpointServices(name: VpcEndpointName): string[] {
  switch (name) {
    case 'ecr':
      return ['ecr.api', 'ecr.dkr'];
    case 'ssm':
      return ['ssm', 'ssmmessages', 'ec2messages'];
    default:
      return [name];
  }
}

/**
 * True when dex launches EC2 instances: the bastion, EC2 services, EKS nodes, the Prometheus and
 * Grafana servers. Every one runs the SSM agent (its role has AmazonSSMManagedInstanceCore).
 */
export function hasInstances(spec: NormalizedSpec): boolean {
  return (
    spec.network.bastion.enabled ||
    spec.monitoring.prometheus.enabled ||
    spec.monitoring.grafana.enabled ||
    hasEksCluster(spec) ||
    Object.values(spec.services).some((s) => s.placement === 'ec2') ||
    containerInstances(spec) !== undefined
  );
}

/**
 * Interface endpoints dex adds although `network.endpoints` does not list them, with the spec path
 * that causes each. Without NAT, instances reach Session Manager (ssm, ssmmessages, ec2messages,
 * FSBP EC2.10's SSM half) and the EC2 API (the VPC CNI on EKS nodes, Prometheus discovery) only
 * through endpoints. With NAT, the `ec2` endpoint (FSBP EC2.10) is added when a compliance regime
 * is declared, since it is billed per zone-hour: list `ec2` in `network.endpoints` to have it anyway.
 */
export function impliedEndpointServices(spec: NormalizedSpec): Map<string, (string | number)[]> {
  const out = new Map<string, (string | number)[]>();
  if (!hasInstances(spec)) return out;
  if (spec.network.natGateways === 'none') {
    for (const service of [...endpointServices('ssm'), 'ec2']) out.set(service, ['network', 'natGateways']);
  } else if (spec.compliance.length > 0) {
    out.set('ec2', ['compliance']);
  }
  return out;
}

/** Interface endpoint service names, listed and implied, sorted and without duplicates. */
export function interfaceEndpointServices(spec: NormalizedSpec): string[] {
  const names = spec.network.endpoints.filter((e) => !GATEWAY_ENDPOINTS.has(e)).flatMap(endpointServices);
  return [...new Set([...names, ...impliedEndpointServices(spec).keys()])].sort();
}

export function natGatewayCount(spec: NormalizedSpec): number {
  switch (spec.network.natGateways) {
    case 'perAz':
      return spec.network.availabilityZones;
    case 'single':
      return 1;
    case 'none':
      return 0;
    default: {
      const never: never = spec.network.natGateways;
      throw new Error(`unknown natGateways mode ${String(never)}`);
    }
  }
}

/** The zones that have a subnet CIDR for a tier (the spec gives one per zone, in zone order). */
function zones(spec: NormalizedSpec, tier: SubnetTier): number[] {
  const list = spec.network.subnets[tier];
  return Array.from({ length: Math.min(spec.network.availabilityZones, list.length) }, (_, i) => i);
}

const hasEks = (spec: NormalizedSpec): boolean => hasEksCluster(spec);

function withName(spec: NormalizedSpec, name: string, extra: Record<string, string> = {}): { Key: string; Value: string }[] {
  const tags = [...tagList(spec, COMPONENT), { Key: 'Name', Value: name }, ...Object.entries(extra).map(([Key, Value]) => ({ Key, Value }))];
  return tags.sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
const fixed = (meter: MeterName, unit: string, quantity: number, basis: string, attributes: Record<string, string> = {}): UsageMeter => ({
  meter,
  unit,
  quantity: { min: quantity, max: quantity },
  attributes,
  basis,
});

function buildVpc(spec: NormalizedSpec): ModelResource[] {
  // An imported VPC (network.vpcId) is someone else's: dex adds only what is its own to it (its
  // flow log and the endpoints the spec asks for) and touches none of its subnets, route tables,
  // ACLs, gateways or default security group.
  if (spec.network.imported) return [...flowLogs(spec), ...endpoints(spec)];
  const prefix = namePrefix(spec);
  const out: ModelResource[] = [];
  const net = (r: Omit<Parameters<typeof resource>[0], 'layer' | 'component'>): void => void out.push(resource({ ...r, layer: 'network', component: COMPONENT }));

  net({
    logicalId: ID.vpc,
    type: 'AWS::EC2::VPC',
    origin: ['network', 'cidr'],
    properties: { CidrBlock: spec.network.cidr, EnableDnsSupport: true, EnableDnsHostnames: true, Tags: withName(spec, prefix) },
  });
  // An isolated VPC (network.subnets.public: []) has no way to the internet at all.
  const isolated = spec.network.isolated;
  if (!isolated) {
    net({
      logicalId: ID.internetGateway,
      type: 'AWS::EC2::InternetGateway',
      origin: ['network'],
      properties: { Tags: withName(spec, prefix) },
    });
    net({
      logicalId: VPC_ID.gatewayAttachment,
      type: 'AWS::EC2::VPCGatewayAttachment',
      origin: ['network'],
      properties: { VpcId: ref(ID.vpc), InternetGatewayId: ref(ID.internetGateway) },
    });
  }

  if (spec.network.ipv6) {
    net({ logicalId: VPC_ID.ipv6Block, type: 'AWS::EC2::VPCCidrBlock', origin: ['network', 'ipv6'], properties: { VpcId: ref(ID.vpc), AmazonProvidedIpv6CidrBlock: true } });
    // Outbound-only IPv6 for the private tier: what NAT is for IPv4, without the hourly charge.
    net({ logicalId: VPC_ID.egressOnlyGateway, type: 'AWS::EC2::EgressOnlyInternetGateway', origin: ['network', 'ipv6'], properties: { VpcId: ref(ID.vpc) } });
  }

  // Subnets. Public ones do not hand out public IPs: only what asks for one (NAT EIPs, the ALB,
  // the bastion's interface) gets one. EKS discovery tags let Kubernetes find the tiers.
  const eks = hasEks(spec);
  for (const tier of TIERS) {
    for (const z of zones(spec, tier)) {
      const extra: Record<string, string> = { 'dex:tier': tier };
      if (eks && tier === 'public') extra['kubernetes.io/role/elb'] = '1';
      if (eks && tier === 'private') extra['kubernetes.io/role/internal-elb'] = '1';
      const v6 = spec.network.ipv6 && IPV6_TIERS.includes(tier);
      net({
        logicalId: ID.subnet(tier, z),
        type: 'AWS::EC2::Subnet',
        origin: ['network', 'subnets', tier, z],
        ...(v6 ? { dependsOn: [VPC_ID.ipv6Block] } : {}),
        properties: {
          VpcId: ref(ID.vpc),
          CidrBlock: spec.network.subnets[tier][z]!,
          ...(v6
            ? {
                Ipv6CidrBlock: { 'Fn::Select': [ipv6Index(tier, z), { 'Fn::Cidr': [{ 'Fn::Select': [0, getAtt(ID.vpc, 'Ipv6CidrBlocks')] }, 24, '64'] }] },
                AssignIpv6AddressOnCreation: false,
              }
            : {}),
          AvailabilityZone: { 'Fn::Select': [z, { 'Fn::GetAZs': '' }] },
          MapPublicIpOnLaunch: false,
          Tags: withName(spec, `${prefix}-${tier}-${zoneLetter(z).toLowerCase()}`, extra),
        },
      });
    }
  }

  // Public tier: one route table with the internet route.
  if (!isolated) {
    net({
      logicalId: VPC_ID.publicRouteTable,
      type: 'AWS::EC2::RouteTable',
      origin: ['network', 'subnets', 'public'],
      properties: { VpcId: ref(ID.vpc), Tags: withName(spec, `${prefix}-public`) },
    });
    net({
      logicalId: VPC_ID.publicDefaultRoute,
      type: 'AWS::EC2::Route',
      origin: ['network', 'subnets', 'public'],
      dependsOn: [VPC_ID.gatewayAttachment],
      properties: { RouteTableId: ref(VPC_ID.publicRouteTable), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ref(ID.internetGateway) },
    });
    if (spec.network.ipv6) {
      net({
        logicalId: VPC_ID.publicIpv6Route,
        type: 'AWS::EC2::Route',
        origin: ['network', 'ipv6'],
        dependsOn: [VPC_ID.gatewayAttachment],
        properties: { RouteTableId: ref(VPC_ID.publicRouteTable), DestinationIpv6CidrBlock: '::/0', GatewayId: ref(ID.internetGateway) },
      });
    }
    for (const z of zones(spec, 'public')) {
      net({
        logicalId: VPC_ID.routeTableAssociation('public', z),
        type: 'AWS::EC2::SubnetRouteTableAssociation',
        origin: ['network', 'subnets', 'public', z],
        properties: { RouteTableId: ref(VPC_ID.publicRouteTable), SubnetId: ref(ID.subnet('public', z)) },
      });
    }
  }

  // NAT: perAz puts one in each zone's public subnet, single one in zone A (so switching between
  // the two modes keeps NatGatewayA), none gives the private tier no internet route.
  const natCount = Math.min(natGatewayCount(spec), zones(spec, 'public').length);
  const processed = spec.usage.natProcessedGiB;
  for (let z = 0; z < natCount; z++) {
    net({
      logicalId: VPC_ID.natEip(z),
      type: 'AWS::EC2::EIP',
      origin: ['network', 'natGateways'],
      dependsOn: [VPC_ID.gatewayAttachment],
      properties: { Domain: 'vpc', Tags: withName(spec, `${prefix}-nat-${zoneLetter(z).toLowerCase()}`) },
      usage: [fixed('ipv4.public', 'hours', HOURS_PER_MONTH, `one public IPv4 address (the NAT gateway EIP) × ${HOURS_PER_MONTH} h`)],
    });
    net({
      logicalId: VPC_ID.natGateway(z),
      type: 'AWS::EC2::NatGateway',
      origin: ['network', 'natGateways'],
      properties: {
        AllocationId: getAtt(VPC_ID.natEip(z), 'AllocationId'),
        SubnetId: ref(ID.subnet('public', z)),
        ConnectivityType: 'public',
        Tags: withName(spec, `${prefix}-nat-${zoneLetter(z).toLowerCase()}`),
      },
      usage: [
        fixed('nat.hours', 'hours', HOURS_PER_MONTH, `one NAT gateway × ${HOURS_PER_MONTH} h (natGateways: ${spec.network.natGateways})`),
        processed === undefined
          ? fixed('nat.processed', 'GB', 0, 'usage.natProcessedGiB not set')
          : fixed('nat.processed', 'GB', round(processed / natCount), `usage.natProcessedGiB ${processed} GiB a month split evenly across ${natCount} NAT gateway${natCount === 1 ? '' : 's'}`),
      ],
    });
  }

  // Private tier: a route table per zone (so perAz can route each zone to its own NAT, and a
  // change of NAT mode only changes routes, never tables).
  for (const z of zones(spec, 'private')) {
    net({
      logicalId: VPC_ID.privateRouteTable(z),
      type: 'AWS::EC2::RouteTable',
      origin: ['network', 'subnets', 'private', z],
      properties: { VpcId: ref(ID.vpc), Tags: withName(spec, `${prefix}-private-${zoneLetter(z).toLowerCase()}`) },
    });
    net({
      logicalId: VPC_ID.routeTableAssociation('private', z),
      type: 'AWS::EC2::SubnetRouteTableAssociation',
      origin: ['network', 'subnets', 'private', z],
      properties: { RouteTableId: ref(VPC_ID.privateRouteTable(z)), SubnetId: ref(ID.subnet('private', z)) },
    });
    if (spec.network.ipv6) {
      net({
        logicalId: VPC_ID.privateIpv6Route(z),
        type: 'AWS::EC2::Route',
        origin: ['network', 'ipv6'],
        properties: { RouteTableId: ref(VPC_ID.privateRouteTable(z)), DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: ref(VPC_ID.egressOnlyGateway) },
      });
    }
    if (natCount > 0) {
      const nat = spec.network.natGateways === 'perAz' && z < natCount ? z : 0;
      net({
        logicalId: VPC_ID.privateDefaultRoute(z),
        type: 'AWS::EC2::Route',
        origin: ['network', 'natGateways'],
        properties: { RouteTableId: ref(VPC_ID.privateRouteTable(z)), DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: ref(VPC_ID.natGateway(nat)) },
      });
    }
  }

  // Database tier: one table, no route beyond the VPC (gateway endpoints add prefix-list routes).
  // Intra tier: the same, without even the gateway endpoints' routes.
  for (const [tier, table] of [['database', VPC_ID.databaseRouteTable], ['intra', VPC_ID.intraRouteTable]] as const) {
    if (zones(spec, tier).length === 0) continue;
    net({
      logicalId: table,
      type: 'AWS::EC2::RouteTable',
      origin: ['network', 'subnets', tier],
      properties: { VpcId: ref(ID.vpc), Tags: withName(spec, `${prefix}-${tier}`) },
    });
    for (const z of zones(spec, tier)) {
      net({
        logicalId: VPC_ID.routeTableAssociation(tier, z),
        type: 'AWS::EC2::SubnetRouteTableAssociation',
        origin: ['network', 'subnets', tier, z],
        properties: { RouteTableId: ref(table), SubnetId: ref(ID.subnet(tier, z)) },
      });
    }
  }

  out.push(...networkAcls(spec), ...flowLogs(spec), ...endpoints(spec), ...restrictDefaultSecurityGroup(spec));
  return out;
}

/** One network ACL entry: `protocol` 6 is TCP, -1 every protocol (ports then do not apply). */
export interface NaclEntry {
  /** The logical ID's tail, unique within the tier. */
  readonly name: string;
  readonly egress: boolean;
  readonly ruleNumber: number;
  readonly protocol: 6 | 17 | -1;
  readonly cidr: string;
  readonly ports?: { readonly from: number; readonly to: number };
  readonly why: string;
}

const TCP = 6;
const ANYWHERE = '0.0.0.0/0';
/**
 * Return traffic from the internet: the ephemeral range NAT gateways and Linux clients use
 * (1024-65535), split around 3389 so that no entry open to 0.0.0.0/0 covers 22 or 3389 (the
 * Config rule behind FSBP EC2.21 / CIS 5.1 judges each inbound entry by its port range). The one
 * port left out costs a NAT connection that happens to pick source port 3389 a retry.
 */
export const NACL_RETURN_RANGES: readonly { readonly from: number; readonly to: number }[] = [
  { from: 1024, to: 3388 },
  { from: 3390, to: 65535 },
];
const EPHEMERAL = { from: 1024, to: 65535 };

/** The data store ports the database tier accepts from the VPC, ascending and without duplicates. */
function dataStorePorts(spec: NormalizedSpec): number[] {
  return [...new Set([...Object.values(spec.databases).map((d) => d.port), ...Object.values(spec.caches).map((c) => c.port)])].sort((a, b) => a - b);
}

/**
 * The entries of each tier's network ACL (stateless, so every allowed flow needs its return
 * path too). The VPC has no IPv6 CIDR, so there are no ::/0 entries. Rule numbers are fixed per
 * entry (SSH ones by position in allowedCidrs), since a changed number replaces the entry.
 */
export function naclEntries(spec: NormalizedSpec, tier: SubnetTier): NaclEntry[] {
  const vpcCidr = spec.network.cidr;
  const returns = (base: number, why: string): NaclEntry[] =>
    NACL_RETURN_RANGES.map((ports, i) => ({ name: `InReturn${ports.from}`, egress: false, ruleNumber: base + i * 10, protocol: TCP, cidr: ANYWHERE, ports, why }));
  switch (tier) {
    case 'public': {
      const out: NaclEntry[] = [
        { name: 'InVpc', egress: false, ruleNumber: 100, protocol: -1, cidr: vpcCidr, why: 'everything from inside the VPC (targets replying to the load balancer, private subnets through the NAT gateway)' },
      ];
      if (hasLoadBalancer(spec) || hasPublicNamedAlb(spec)) {
        out.push(
          { name: 'InHttp', egress: false, ruleNumber: 110, protocol: TCP, cidr: ANYWHERE, ports: { from: 80, to: 80 }, why: 'HTTP to the load balancer (redirected to HTTPS)' },
          { name: 'InHttps', egress: false, ruleNumber: 120, protocol: TCP, cidr: ANYWHERE, ports: { from: 443, to: 443 }, why: 'HTTPS to the load balancer' },
        );
      }
      out.push(...returns(130, 'replies to connections the NAT gateway and the bastion opened'));
      // Listeners of internet-facing NLBs (ingress.loadBalancers), and the UDP replies they send.
      const nlbPorts = publicNlbPorts(spec);
      nlbPorts.forEach((p, i) => {
        out.push({ name: `InNlb${p.protocol === 17 ? 'Udp' : 'Tcp'}${p.port}`, egress: false, ruleNumber: 300 + i, protocol: p.protocol, cidr: ANYWHERE, ports: { from: p.port, to: p.port }, why: `${p.protocol === 17 ? 'UDP' : 'TCP'} ${p.port} to an internet-facing NLB` });
      });
      if (nlbPorts.some((p) => p.protocol === 17)) {
        out.push({ name: 'OutReturnUdp', egress: true, ruleNumber: 300, protocol: 17, cidr: ANYWHERE, ports: EPHEMERAL, why: 'UDP replies to internet clients of an NLB' });
      }
      if (spec.network.bastion.enabled) {
        spec.network.bastion.allowedCidrs.forEach((cidr, i) => {
          out.push({ name: `InSsh${i + 1}`, egress: false, ruleNumber: 200 + i, protocol: TCP, cidr, ports: { from: 22, to: 22 }, why: `SSH to the bastion from ${cidr} (network.bastion.allowedCidrs)` });
        });
      }
      out.push(
        { name: 'OutVpc', egress: true, ruleNumber: 100, protocol: -1, cidr: vpcCidr, why: 'everything into the VPC (load balancer to targets, bastion to databases, NAT replies to private subnets)' },
        { name: 'OutHttps', egress: true, ruleNumber: 110, protocol: TCP, cidr: ANYWHERE, ports: { from: 443, to: 443 }, why: 'HTTPS out: the NAT gateway forwarding the private tier, the bastion (Session Manager, updates)' },
        { name: 'OutReturn', egress: true, ruleNumber: 120, protocol: TCP, cidr: ANYWHERE, ports: EPHEMERAL, why: 'replies to internet clients of the load balancer and to SSH clients of the bastion' },
      );
      return out;
    }
    case 'private':
      return [
        { name: 'InVpc', egress: false, ruleNumber: 100, protocol: -1, cidr: vpcCidr, why: 'everything from inside the VPC (load balancer, other services, Prometheus, EKS control plane, data store replies)' },
        ...returns(130, 'replies from the internet to HTTPS calls made through the NAT gateway or the S3/DynamoDB gateway endpoints'),
        { name: 'OutVpc', egress: true, ruleNumber: 100, protocol: -1, cidr: vpcCidr, why: 'everything into the VPC (replies, data stores, interface endpoints, other services)' },
        { name: 'OutHttps', egress: true, ruleNumber: 110, protocol: TCP, cidr: ANYWHERE, ports: { from: 443, to: 443 }, why: 'HTTPS out (AWS APIs, registries, third-party APIs): the only internet port any security group opens' },
      ];
    case 'database':
      return [
        ...dataStorePorts(spec).map((port, i): NaclEntry => ({ name: `InPort${port}`, egress: false, ruleNumber: 100 + i, protocol: TCP, cidr: vpcCidr, ports: { from: port, to: port }, why: `data store port ${port} from inside the VPC` })),
        { name: 'OutVpcReturn', egress: true, ruleNumber: 100, protocol: TCP, cidr: vpcCidr, ports: EPHEMERAL, why: 'replies to clients inside the VPC (and replica-to-primary traffic on the data store ports, all above 1023)' },
      ];
    case 'intra':
      // Only the VPC: the EKS control plane's interfaces talk to the nodes (kubelet, webhooks)
      // and the nodes to them (the API on 443), nothing else.
      return [
        { name: 'InVpc', egress: false, ruleNumber: 100, protocol: -1, cidr: vpcCidr, why: 'everything from inside the VPC (the nodes calling the cluster API through the control plane\'s interfaces)' },
        { name: 'OutVpc', egress: true, ruleNumber: 100, protocol: -1, cidr: vpcCidr, why: 'everything into the VPC (the control plane calling kubelets and webhooks, replies to the nodes)' },
      ];
    default: {
      const never: never = tier;
      throw new Error(`unknown tier ${String(never)}`);
    }
  }
}

/**
 * With network.ipv6, each entry open to 0.0.0.0/0 in the dual-stack tiers gets an ::/0 twin (an
 * ACL entry holds one address family), its rule number 500 above, so the IPv6 traffic the
 * gateways carry gets the same coarse filter as the IPv4 traffic.
 */
export function withIpv6Twins(spec: NormalizedSpec, tier: SubnetTier, entries: readonly NaclEntry[]): NaclEntry[] {
  if (!spec.network.ipv6 || !IPV6_TIERS.includes(tier)) return [...entries];
  const twins = entries.filter((e) => e.cidr === ANYWHERE).map((e): NaclEntry => ({ ...e, name: `${e.name}Ipv6`, ruleNumber: e.ruleNumber + 500, cidr: '::/0', why: `${e.why} (IPv6)` }));
  return [...entries, ...twins];
}

/**
 * FSBP EC2.21 / CIS 5.1: one network ACL per tier, every subnet associated with its tier's
 * (so none uses the VPC's allow-all default ACL). Security groups stay the fine filter; the ACLs
 * are the coarse second layer: nothing but 80/443 (and SSH from allowedCidrs) enters from the
 * internet, nothing but HTTPS leaves to it, and the database tier talks to nothing outside the VPC.
 */
function networkAcls(spec: NormalizedSpec): ModelResource[] {
  const prefix = namePrefix(spec);
  const out: ModelResource[] = [];
  for (const tier of TIERS) {
    if (zones(spec, tier).length === 0) continue; // a tier the layout does not have
    const origin = ['network', 'subnets', tier];
    const acl = VPC_ID.networkAcl(tier);
    out.push(
      resource({
        logicalId: acl,
        type: 'AWS::EC2::NetworkAcl',
        layer: 'network',
        component: COMPONENT,
        origin,
        properties: { VpcId: ref(ID.vpc), Tags: withName(spec, `${prefix}-${tier}`) },
      }),
    );
    for (const e of withIpv6Twins(spec, tier, naclEntries(spec, tier))) {
      out.push(
        resource({
          logicalId: VPC_ID.networkAclEntry(tier, e.name),
          type: 'AWS::EC2::NetworkAclEntry',
          layer: 'network',
          component: COMPONENT,
          origin: e.name.startsWith('InSsh') ? ['network', 'bastion', 'allowedCidrs'] : origin,
          properties: {
            NetworkAclId: ref(acl),
            RuleNumber: e.ruleNumber,
            Egress: e.egress,
            Protocol: e.protocol,
            RuleAction: 'allow',
            ...(e.cidr.includes(':') ? { Ipv6CidrBlock: e.cidr } : { CidrBlock: e.cidr }),
            ...(e.ports ? { PortRange: { From: e.ports.from, To: e.ports.to } } : {}),
          },
        }),
      );
    }
    for (const z of zones(spec, tier)) {
      out.push(
        resource({
          logicalId: VPC_ID.networkAclAssociation(tier, z),
          type: 'AWS::EC2::SubnetNetworkAclAssociation',
          layer: 'network',
          component: COMPONENT,
          origin: [...origin, z],
          properties: { NetworkAclId: ref(acl), SubnetId: ref(ID.subnet(tier, z)) },
        }),
      );
    }
  }
  return out;
}

/**
 * The handler of the default-security-group custom resource: constant code (the group's ID
 * arrives as a resource property, never as code), revoking whatever rules the group has.
 * `cfnresponse` is the module Lambda provides to inline (ZipFile) Python code.
 */
export const RESTRICT_DEFAULT_SG_HANDLER = `import boto3
import cfnresponse


def handler(event, context):
    group_id = event['ResourceProperties']['DefaultSecurityGroupId']
    acl_id = event['ResourceProperties'].get('DefaultNetworkAclId')
    status = cfnresponse.SUCCESS
    try:
        if event['RequestType'] != 'Delete':
            ec2 = boto3.client('ec2')
            group = ec2.describe_security_groups(GroupIds=[group_id])['SecurityGroups'][0]
            if group['IpPermissions']:
                ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=group['IpPermissions'])
            if group['IpPermissionsEgress']:
                ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=group['IpPermissionsEgress'])
            if acl_id:
                acl = ec2.describe_network_acls(NetworkAclIds=[acl_id])['NetworkAcls'][0]
                for entry in acl['Entries']:
                    if entry['RuleNumber'] < 32767:
                        ec2.delete_network_acl_entry(NetworkAclId=acl_id, RuleNumber=entry['RuleNumber'], Egress=entry['Egress'])
    except Exception as err:
        print('could not restrict', group_id, err)
        status = cfnresponse.FAILED
    cfnresponse.send(event, context, status, {}, 'restricted-' + group_id)
`;

/**
 * FSBP EC2.2: the VPC's default security group allows nothing. CloudFormation cannot change the
 * rules of a group it did not create, so a custom resource does what the CDK's
 * restrictDefaultSecurityGroup does: a Lambda function (inline code, a role that may revoke rules
 * of this one group and write its own log group) removes the default rules at create and update.
 * Nothing dex emits uses the default group. The same function deletes the entries of the VPC's
 * default network ACL (EC2.21: the Config rule evaluates every ACL), leaving only its fixed
 * deny-all: every dex subnet has its own tier's ACL, so the default one governs no dex traffic,
 * and a subnet created outside dex gets nothing through until it is given an ACL.
 */
function restrictDefaultSecurityGroup(spec: NormalizedSpec): ModelResource[] {
  const origin = ['network'];
  const groupArn = { 'Fn::Join': ['', [sub('arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/'), getAtt(ID.vpc, 'DefaultSecurityGroup')]] };
  const aclArn = { 'Fn::Join': ['', [sub('arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-acl/'), getAtt(ID.vpc, 'DefaultNetworkAcl')]] };
  const common = { layer: 'security' as const, component: COMPONENT, origin };
  return [
    ...inlineFunction(spec, {
      ...common,
      ids: { logGroup: VPC_ID.defaultSgLogGroup, role: VPC_ID.defaultSgRole, function: VPC_ID.defaultSgFunction },
      logBasis: 'a few lines per stack update',
      roleDescription: "Lets the custom resource revoke the rules of the VPC's default security group and delete its default network ACL's entries, and nothing else",
      policyName: 'restrict-default-security-group',
      statements: [
        { Sid: 'RevokeDefaultGroupRules', Effect: 'Allow', Action: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'], Resource: groupArn },
        { Sid: 'DeleteDefaultAclEntries', Effect: 'Allow', Action: 'ec2:DeleteNetworkAclEntry', Resource: aclArn },
        // Describe calls support no resource-level permissions: Resource * is the only form IAM accepts.
        { Sid: 'DescribeGroups', Effect: 'Allow', Action: ['ec2:DescribeNetworkAcls', 'ec2:DescribeSecurityGroups'], Resource: '*' },
      ],
      description: "Revokes every rule of the VPC's default security group (FSBP EC2.2) and every entry of its default network ACL (EC2.21)",
      runtime: 'python3.12',
      timeoutSeconds: 60,
      code: RESTRICT_DEFAULT_SG_HANDLER,
    }),
    resource({
      ...common,
      logicalId: VPC_ID.defaultSg,
      type: 'Custom::RestrictDefaultSecurityGroup',
      properties: { ServiceToken: getAtt(VPC_ID.defaultSgFunction, 'Arn'), DefaultSecurityGroupId: getAtt(ID.vpc, 'DefaultSecurityGroup'), DefaultNetworkAclId: getAtt(ID.vpc, 'DefaultNetworkAcl') },
    }),
  ];
}

function flowLogs(spec: NormalizedSpec): ModelResource[] {
  const { flowLogs: fl } = spec.network;
  if (!fl.enabled) return [];
  const origin = ['network', 'flowLogs'];
  const ingested = spec.usage.flowLogsIngestedGiB;
  const storageMonths = fl.retentionDays / 30;
  const logUsage: UsageMeter[] =
    ingested === undefined
      ? [
          { ...fixed('logs.ingest', 'GB', 0, 'usage.flowLogsIngestedGiB not set', { logType: 'vended' }), quantityUnknown: 'set usage.flowLogsIngestedGiB (GiB of flow log records a month) to price it' },
          { ...fixed('logs.storage', 'GB-month', 0, 'usage.flowLogsIngestedGiB not set'), quantityUnknown: 'set usage.flowLogsIngestedGiB (GiB of flow log records a month) to price it' },
        ]
      : [
          fixed('logs.ingest', 'GB', ingested, `usage.flowLogsIngestedGiB ${ingested} GiB of flow log records a month (vended logs)`, { logType: 'vended' }),
          {
            meter: 'logs.storage',
            unit: 'GB-month',
            // Retention under a month keeps less than a month's records at steady state.
            quantity: { min: Math.min(ingested, round(ingested * storageMonths)), max: Math.max(ingested, round(ingested * storageMonths)) },
            attributes: {},
            basis: `${ingested} GiB a month kept ${fl.retentionDays} days: one month's records in the first month, ${round(storageMonths)} months' at steady state (uncompressed, an upper bound: CloudWatch bills compressed bytes)`,
          },
        ];
  const logGroupArnPattern = sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*');
  return [
    // Retained: flow logs are audit evidence (PCI DSS 10, SOC 2). No fixed name, so a stack created
    // again after a deletion does not collide with the retained group.
    resource({
      logicalId: VPC_ID.flowLogGroup,
      type: 'AWS::Logs::LogGroup',
      layer: 'security',
      component: COMPONENT,
      origin,
      deletionPolicy: 'Retain',
      updateReplacePolicy: 'Retain',
      properties: { KmsKeyId: getAtt(ID.kmsKey, 'Arn'), RetentionInDays: fl.retentionDays, Tags: tagList(spec, COMPONENT) },
      usage: logUsage,
    }),
    resource({
      logicalId: VPC_ID.flowLogRole,
      type: 'AWS::IAM::Role',
      layer: 'security',
      component: COMPONENT,
      origin,
      properties: {
        Description: 'Lets VPC Flow Logs deliver records to the flow log group, and nothing else',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: {
                StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
                ArnLike: { 'aws:SourceArn': sub('arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*') },
              },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'deliver-flow-logs',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Sid: 'WriteFlowLogGroup', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], Resource: getAtt(VPC_ID.flowLogGroup, 'Arn') },
                { Sid: 'DescribeLogGroups', Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: logGroupArnPattern },
              ],
            },
          },
        ],
        Tags: tagList(spec, COMPONENT),
      },
    }),
    resource({
      logicalId: VPC_ID.flowLog,
      type: 'AWS::EC2::FlowLog',
      layer: 'security',
      component: COMPONENT,
      origin,
      properties: {
        ResourceType: 'VPC',
        ResourceId: vpcRef(spec),
        TrafficType: fl.traffic,
        LogDestinationType: 'cloud-watch-logs',
        LogDestination: getAtt(VPC_ID.flowLogGroup, 'Arn'),
        DeliverLogsPermissionArn: getAtt(VPC_ID.flowLogRole, 'Arn'),
        MaxAggregationInterval: 60,
        Tags: tagList(spec, COMPONENT),
      },
    }),
  ];
}

function endpoints(spec: NormalizedSpec): ModelResource[] {
  const out: ModelResource[] = [];
  const origin = ['network', 'endpoints'];
  const routeTables: CfnValue[] = spec.network.imported
    ? [...spec.network.imported.routeTableIds]
    : [...zones(spec, 'private').map((z) => ref(VPC_ID.privateRouteTable(z))), ...(zones(spec, 'database').length > 0 ? [ref(VPC_ID.databaseRouteTable)] : [])];
  const gateways = [...new Set(spec.network.endpoints.filter((e) => GATEWAY_ENDPOINTS.has(e)))].sort();
  for (const name of gateways) {
    out.push(
      resource({
        logicalId: VPC_ID.endpoint(name),
        type: 'AWS::EC2::VPCEndpoint',
        layer: 'network',
        component: COMPONENT,
        origin,
        properties: {
          VpcId: vpcRef(spec),
          VpcEndpointType: 'Gateway',
          ServiceName: sub(`com.amazonaws.\${AWS::Region}.${name}`),
          RouteTableIds: routeTables,
          Tags: tagList(spec, COMPONENT),
        },
      }),
    );
  }
  const privateSubnets = spec.network.imported ? subnetRefs(spec, 'private') : zones(spec, 'private').map((z) => ref(ID.subnet('private', z)));
  const listed = new Set(spec.network.endpoints.flatMap(endpointServices));
  const implied = impliedEndpointServices(spec);
  for (const service of interfaceEndpointServices(spec)) {
    out.push(
      resource({
        logicalId: VPC_ID.endpoint(service),
        type: 'AWS::EC2::VPCEndpoint',
        layer: 'security',
        component: COMPONENT,
        origin: listed.has(service) ? origin : (implied.get(service) ?? origin),
        properties: {
          VpcId: vpcRef(spec),
          VpcEndpointType: 'Interface',
          ServiceName: sub(`com.amazonaws.\${AWS::Region}.${service}`),
          PrivateDnsEnabled: true,
          SubnetIds: privateSubnets,
          SecurityGroupIds: [ref(ID.endpointSecurityGroup)],
          Tags: tagList(spec, COMPONENT),
        },
        usage: [
          fixed('vpce.interface', 'hours', HOURS_PER_MONTH * privateSubnets.length, `one interface endpoint (${service}) × ${privateSubnets.length} zone${privateSubnets.length === 1 ? '' : 's'} × ${HOURS_PER_MONTH} h`),
          fixed('vpce.processed', 'GB', 0, 'dex has no usage assumption for endpoint traffic (usage has no field for it)'),
        ],
      }),
    );
  }
  return out;
}

export const vpc: BuildingBlock = {
  name: 'vpc',
  build: buildVpc,
};
