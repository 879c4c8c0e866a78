// An imported VPC (network.vpcId): what can be known without calling AWS. The IDs have the form
// EC2 gives them, each tier lists one subnet per zone, no subnet is listed twice, and the tiers
// the spec needs exist (public subnets for an internet-facing load balancer or a bastion, route
// tables for gateway endpoints). What only the VPC itself can tell (that the subnets belong to it,
// sit in distinct zones, route as their tier says, that NAT exists) is in docs/network.md.
import type { Finding, SpecPath } from '../../spec/diagnostics.js';
import type { ImportedVpc, NormalizedSpec } from '../../spec/model.js';
import { isSubnetIdLike } from './network.js';
import type { SemanticRule } from './index.js';

const TIERS = ['public', 'private', 'database'] as const;

/** EC2 resource IDs: the prefix and 8 (older resources) or 17 lowercase hexadecimal digits. */
const ec2Id = (prefix: string): RegExp => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);
const VPC_ID = ec2Id('vpc');
const SUBNET_ID = ec2Id('subnet');
const ROUTE_TABLE_ID = ec2Id('rtb');

const GATEWAY_ENDPOINTS = new Set(['s3', 'dynamodb']);

const idHint = (prefix: string, text: string): string =>
  /[A-F]/.test(text) ? `EC2 IDs are lowercase: ${text.toLowerCase()}` : `copy it from the console or \`aws ec2 describe-${prefix === 'rtb' ? 'route-tables' : prefix === 'vpc' ? 'vpcs' : 'subnets'}\`: ${prefix}- and 8 or 17 hexadecimal digits, e.g. ${prefix}-0123456789abcdef0`;

/** Services whose load balancer faces the internet: they need the public tier. */
function internetFacing(spec: NormalizedSpec): string[] {
  if (spec.ingress.loadBalancer !== 'alb') return [];
  return Object.values(spec.services)
    .filter((s) => s.expose.public && s.port !== undefined)
    .map((s) => s.name)
    .sort();
}

export const importedVpcRule: SemanticRule = {
  id: 'imported-vpc',
  check(spec: NormalizedSpec): Finding[] {
    const imported = spec.network.imported;
    return imported ? importedFindings(spec, imported) : idsWithoutVpc(spec);
  },
};

/** Subnet IDs without network.vpcId: dex would try to create subnets from them. */
function idsWithoutVpc(spec: NormalizedSpec): Finding[] {
  return TIERS.flatMap((tier) =>
    spec.network.subnets[tier].flatMap((text, i): Finding[] =>
      isSubnetIdLike(text)
        ? [
            {
              code: 'DEX782',
              message: `network.subnets.${tier} lists the subnet ID ${text}, but network.vpcId is not set: dex creates its own VPC and needs CIDR blocks here`,
              path: ['network', 'subnets', tier, i],
              hint: 'to deploy into an existing VPC, set network.vpcId to its ID; to have dex create the VPC, list CIDR blocks (e.g. 10.0.1.0/24) or leave network.subnets out',
            },
          ]
        : [],
    ),
  );
}

function importedFindings(spec: NormalizedSpec, imported: ImportedVpc): Finding[] {
  const findings: Finding[] = [];
  const zones = spec.network.availabilityZones;
  if (!VPC_ID.test(imported.vpcId)) {
    findings.push({ code: 'DEX780', message: `network.vpcId ${imported.vpcId} is not a VPC ID`, path: ['network', 'vpcId'], hint: idHint('vpc', imported.vpcId) });
  }
  if (spec.network.ipv6) {
    findings.push({
      code: 'DEX794',
      message: `network.ipv6 makes dex's own VPC dual-stack, but network.vpcId imports ${imported.vpcId}: dex adds no IPv6 block, route or gateway to a VPC it does not own`,
      path: ['network', 'ipv6'],
      hint: 'remove network.ipv6 (an imported VPC is dual-stack if its owner made it so), or remove network.vpcId to have dex create a dual-stack VPC',
    });
  }
  if (!imported.cidrGiven) {
    findings.push({
      code: 'DEX788',
      message: `network.vpcId imports a VPC, but network.cidr is not set: dex cannot know the VPC's IPv4 range offline, and its security group rules and network policies allow traffic from it`,
      path: ['network', 'vpcId'],
      hint: `set network.cidr to the VPC's primary IPv4 range (aws ec2 describe-vpcs --vpc-ids ${imported.vpcId} --query 'Vpcs[0].CidrBlock')`,
    });
  }

  // What compliance evidence cannot cover: the VPC's own configuration is its owner's.
  const flow = spec.network.flowLogs;
  findings.push({
    code: 'DEX789',
    severity: 'info',
    message: `${imported.vpcId} is imported: its default security group (FSBP EC2.2), network ACLs (EC2.21), routes and NAT are its owner's, and the compliance report cannot vouch for them; ${flow.enabled ? `dex adds its own flow log of ${flow.traffic} traffic to it (network.flowLogs), which is all the flow logging dex can guarantee` : 'network.flowLogs is off, so nothing dex emits records its traffic (EC2.6)'}`,
    path: ['network', 'vpcId'],
    hint: flow.enabled ? 'a VPC can have several flow logs (up to a quota per VPC); turn network.flowLogs off if the VPC owner records all traffic already and shows it to your auditor' : 'turn network.flowLogs on, or have the VPC owner show their flow logs to the auditor',
  });

  // Each subnet: an ID, listed once, one per zone in each tier given.
  const seen = new Map<string, SpecPath>();
  for (const tier of TIERS) {
    const list = imported.subnets[tier];
    const required = tier === 'private';
    if ((list.length > 0 || required) && list.length !== zones) {
      findings.push({
        code: 'DEX783',
        message:
          list.length === 0
            ? `network.subnets.private is empty: an imported VPC needs its private subnets (one per availability zone, ${zones}) for services, cluster nodes and endpoints`
            : `network.subnets.${tier} lists ${list.length} subnet${list.length === 1 ? '' : 's'} of the imported VPC for ${zones} availability zone${zones === 1 ? '' : 's'}: each tier given needs one subnet per zone`,
        path: ['network', 'subnets', ...(list.length === 0 ? [] : [tier])],
        hint: list.length < zones ? `list ${zones - list.length} more ${tier} subnet ID${zones - list.length === 1 ? '' : 's'}, or set network.availabilityZones: ${Math.max(1, list.length)}` : `remove ${list.length - zones}, or set network.availabilityZones: ${list.length}`,
      });
    }
    list.forEach((text, i) => {
      const path: SpecPath = ['network', 'subnets', tier, i];
      if (!SUBNET_ID.test(text)) {
        const cidr = !isSubnetIdLike(text);
        findings.push({
          code: 'DEX781',
          message: cidr ? `network.subnets.${tier} lists ${text}, a CIDR block, in an imported VPC: dex creates no subnets there and needs the subnets' IDs` : `${text} is not a subnet ID`,
          path,
          hint: cidr ? `list the subnet IDs of ${imported.vpcId} (aws ec2 describe-subnets --filters Name=vpc-id,Values=${imported.vpcId}), or remove network.vpcId to have dex create the VPC` : idHint('subnet', text),
        });
        return;
      }
      const earlier = seen.get(text);
      if (earlier) {
        findings.push({
          code: 'DEX784',
          message: `subnet ${text} is listed twice (network.subnets.${String(earlier[2])} and network.subnets.${tier}): each zone of each tier needs its own subnet`,
          path,
          hint: 'a subnet has one route table, so it belongs to one tier; list another subnet here',
        });
      } else seen.set(text, path);
    });
  }
  imported.routeTableIds.forEach((text, i) => {
    if (!ROUTE_TABLE_ID.test(text)) findings.push({ code: 'DEX780', message: `network.routeTableIds: ${text} is not a route table ID`, path: ['network', 'routeTableIds', i], hint: idHint('rtb', text) });
  });

  // The tiers the spec needs.
  if (imported.subnets.public.length === 0) {
    const facing = internetFacing(spec);
    if (facing.length > 0) {
      const s = facing[0]!;
      findings.push({
        code: 'DEX785',
        message: `service ${s} is exposed publicly${facing.length > 1 ? ` (and ${facing.length - 1} more)` : ''}, but the imported VPC lists no public subnets: an internet-facing load balancer lives in public subnets`,
        path: ['services', s, 'expose', 'public'],
        hint: `list the VPC's public subnets (routed to an internet gateway) in network.subnets.public, or set expose.public: false on ${facing.join(', ')}`,
      });
    }
    if (spec.network.bastion.enabled) {
      findings.push({
        code: 'DEX785',
        message: 'network.bastion is enabled, but the imported VPC lists no public subnets: the bastion lives in a public subnet',
        path: ['network', 'bastion', 'enabled'],
        hint: 'list the public subnets in network.subnets.public, or turn the bastion off and use SSM Session Manager',
      });
    }
  }
  if (imported.subnets.database.length === 0 && imported.subnets.private.length > 0) {
    const stores = [...Object.keys(spec.databases).map((d) => ['databases', d] as const), ...Object.keys(spec.caches).map((c) => ['caches', c] as const)].sort((a, b) => (a[1] < b[1] ? -1 : 1));
    if (stores.length > 0) {
      const names = stores.map(([, n]) => n);
      findings.push({
        code: 'DEX786',
        severity: 'info',
        message: `the imported VPC lists no database subnets: ${names.join(', ')} go${names.length === 1 ? 'es' : ''} to its private subnets (their subnet groups use network.subnets.private)`,
        path: ['network', 'subnets'],
        hint: 'security groups still admit only the services that use each store; list network.subnets.database to isolate them in subnets with no route out',
      });
    }
  }
  spec.network.endpoints.forEach((e, i) => {
    if (GATEWAY_ENDPOINTS.has(e) && imported.routeTableIds.length === 0) {
      findings.push({
        code: 'DEX787',
        message: `network.endpoints lists ${e}, a gateway endpoint, but network.routeTableIds is empty: dex cannot know the imported VPC's route tables offline to add the endpoint's routes to`,
        path: ['network', 'endpoints', i],
        hint: `list the route tables of the private and database subnets in network.routeTableIds (aws ec2 describe-route-tables --filters Name=vpc-id,Values=${imported.vpcId}), or remove ${e} if the VPC already has the endpoint`,
      });
    }
  });
  return findings;
}
