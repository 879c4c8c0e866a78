// Network rules: every address block is a real CIDR block AWS accepts, subnets sit inside the
// VPC without overlapping, each tier has one subnet per availability zone, and what needs two
// zones (a load balancer, a Multi-AZ database) gets them.
import { contains, hasHostBits, overlaps, parseCidr, type Cidr } from '../../spec/cidr.js';
import type { Finding, SpecPath } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';
import { withoutNat } from './reachability.js';

const TIERS = ['public', 'private', 'database', 'intra'] as const;
type Tier = (typeof TIERS)[number];

/** Why a CIDR text is not a block AWS accepts, or undefined when it is one. */
export function cidrProblem(text: string): { message: string; hint: string } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return { message: `"${text}" is not an IPv4 CIDR block`, hint: 'write four numbers and a prefix length, e.g. 10.0.1.0/24' };
  const octets = m.slice(1, 5).map(Number);
  const bad = octets.find((o) => o > 255);
  if (bad !== undefined) return { message: `"${text}" is not a valid CIDR block: ${bad} is more than 255`, hint: 'each of the four numbers is 0 to 255' };
  const prefix = Number(m[5]);
  if (prefix > 32) return { message: `"${text}" is not a valid CIDR block: the prefix length /${prefix} is more than 32`, hint: 'an IPv4 prefix length is 0 to 32' };
  const cidr = parseCidr(text);
  if (!cidr) return { message: `"${text}" is not a valid CIDR block`, hint: 'write four numbers and a prefix length, e.g. 10.0.1.0/24' };
  if (hasHostBits(cidr)) {
    const base = formatBase(cidr);
    return { message: `"${text}" has host bits set: a /${prefix} block starts at ${base}`, hint: `write ${base}/${prefix}` };
  }
  return undefined;
}

/** What the schema lets through as a subnet ID rather than a CIDR block. */
export const isSubnetIdLike = (text: string): boolean => text.startsWith('subnet-');

function formatBase(cidr: Cidr): string {
  const start = cidr.start - (cidr.start % 2 ** (32 - cidr.prefix));
  return [24, 16, 8, 0].map((s) => (start >>> s) & 255).join('.');
}

interface Block {
  readonly tier: Tier;
  readonly index: number;
  readonly cidr: Cidr;
  readonly derived: boolean;
}

const subnetPath = (tier: Tier, index: number): SpecPath => ['network', 'subnets', tier, index];
const describe = (b: Block): string => `${b.tier} subnet ${b.cidr.text}${b.derived ? ' (carved by dex)' : ''}`;

export const networkRule: SemanticRule = {
  id: 'network',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const net = spec.network;
    const zones = net.availabilityZones;

    // The VPC range.
    const vpcProblem = cidrProblem(net.cidr);
    let vpc: Cidr | undefined;
    if (vpcProblem) findings.push({ code: 'DEX300', message: `network.cidr: ${vpcProblem.message}`, path: ['network', 'cidr'], hint: vpcProblem.hint });
    else {
      vpc = parseCidr(net.cidr)!;
      if (vpc.prefix < 16 || vpc.prefix > 28) {
        vpc = undefined;
        findings.push({
          code: 'DEX300',
          message: `network.cidr ${net.cidr} is a /${net.cidr.split('/')[1]} block; an AWS VPC range is /16 to /28`,
          path: ['network', 'cidr'],
          hint: 'use a /16 (65,536 addresses) unless you must fit into a smaller range, e.g. 10.0.0.0/16',
        });
      }
    }

    // Each subnet: a valid block of /16 to /28 inside the VPC.
    const blocks: Block[] = [];
    const uncarved = TIERS.filter((tier) => net.subnetsDerived[tier] && net.subnets[tier].length < zones);
    if (vpc && uncarved.length > 0) {
      findings.push({
        code: 'DEX303',
        message: `network.cidr ${net.cidr} is too small for dex to carve one ${uncarved.join(', ')} subnet per availability zone (${zones} zones, three tiers)`,
        path: ['network', 'cidr'],
        hint: `use a larger VPC range (a /24 leaves room for up to 4 zones, a /16 for 6), or list ${uncarved.map((t) => `network.subnets.${t}`).join(', ')} yourself`,
      });
    }
    // An imported VPC's subnets are IDs, checked by importedVpcRule (compiler/checks/imported-vpc.ts).
    for (const tier of net.imported ? [] : TIERS) {
      const list = net.subnets[tier];
      const derived = net.subnetsDerived[tier];
      if (derived) {
        list.forEach((text, index) => {
          const cidr = parseCidr(text);
          if (cidr) blocks.push({ tier, index, cidr, derived: true });
        });
        continue;
      }
      // `public: []` or `database: []`: a tier the layout does not have (compiler/checks/layouts.ts).
      if (list.length === 0) continue;
      if (list.length !== zones) {
        findings.push({
          code: 'DEX303',
          message: `network.subnets.${tier} lists ${list.length} subnet${list.length === 1 ? '' : 's'} for ${zones} availability zone${zones === 1 ? '' : 's'}: each tier needs exactly one subnet per zone`,
          path: ['network', 'subnets', tier],
          hint: list.length < zones ? `add ${zones - list.length} more, or set network.availabilityZones: ${list.length}` : `remove ${list.length - zones}, or set network.availabilityZones: ${list.length}`,
        });
      }
      list.forEach((text, index) => {
        if (isSubnetIdLike(text)) return; // a subnet ID without network.vpcId: DEX782
        const problem = cidrProblem(text);
        if (problem) {
          findings.push({ code: 'DEX300', message: `${tier} subnet: ${problem.message}`, path: subnetPath(tier, index), hint: problem.hint });
          return;
        }
        const cidr = parseCidr(text)!;
        if (cidr.prefix < 16 || cidr.prefix > 28) {
          findings.push({ code: 'DEX300', message: `${tier} subnet ${text} is a /${cidr.prefix} block; an AWS subnet is /16 to /28`, path: subnetPath(tier, index), hint: 'a /24 (256 addresses) per zone is usual' });
          return;
        }
        if (vpc && !contains(vpc, cidr)) {
          findings.push({
            code: 'DEX301',
            message: `${tier} subnet ${text} is outside the VPC range ${net.cidr}`,
            path: subnetPath(tier, index),
            hint: `pick a block inside ${net.cidr}, or widen network.cidr`,
          });
          return;
        }
        blocks.push({ tier, index, cidr, derived: false });
      });
    }

    // No two subnets overlap. Reported at the later one (blocks carved by dex are never blamed).
    for (let j = 0; j < blocks.length; j++) {
      const later = blocks[j]!;
      const earlier = blocks.slice(0, j).find((b) => overlaps(b.cidr, later.cidr));
      if (!earlier) continue;
      const [blamed, other] = later.derived && !earlier.derived ? [earlier, later] : [later, earlier];
      if (blamed.derived) continue; // dex never carves overlapping blocks itself
      findings.push({
        code: 'DEX302',
        message: `${describe(blamed)} overlaps ${describe(other)}`,
        path: subnetPath(blamed.tier, blamed.index),
        hint: other.derived ? `list network.subnets.${other.tier} yourself too, or move this subnet to a free block` : 'give each subnet its own block; no two may share an address',
      });
    }

    // Other address lists the spec holds.
    const extra: [SpecPath, readonly string[], string][] = [
      [['network', 'bastion', 'allowedCidrs'], net.bastion.allowedCidrs, 'bastion allowedCidrs'],
      [['platforms', 'eks', 'publicAccessCidrs'], spec.platforms.eks.publicAccessCidrs, 'EKS publicAccessCidrs'],
    ];
    for (const [path, list, what] of extra) {
      list.forEach((text, i) => {
        const problem = cidrProblem(text);
        if (problem) findings.push({ code: 'DEX300', message: `${what}: ${problem.message}`, path: [...path, i], hint: problem.hint });
      });
    }

    // Two zones for what AWS will not build in one.
    if (zones < 2) {
      const alb = spec.ingress.loadBalancer === 'alb' && Object.values(spec.services).some((s) => s.expose.public && s.port !== undefined);
      const multiAz = Object.values(spec.databases).filter((d) => d.multiAz).map((d) => d.name);
      const needs = [...(alb ? ['the Application Load Balancer'] : []), ...multiAz.map((n) => `Multi-AZ database ${n}`)];
      if (needs.length > 0) {
        findings.push({
          code: 'DEX322',
          message: `network.availabilityZones is ${zones}, but ${needs.join(' and ')} need${needs.length === 1 ? 's' : ''} subnets in at least 2 availability zones`,
          path: ['network', 'availabilityZones'],
          hint: 'set network.availabilityZones: 2 (and a subnet per zone in each tier)' + (multiAz.length > 0 ? ', or set multiAz: false on the database' : ''),
        });
      }
    }
    return findings;
  },
};

/**
 * What private subnets must reach without NAT, for tasks ECS starts there: ECR (`ecr`: the
 * ecr.api and ecr.dkr endpoints) and S3 (the gateway endpoint, which image layers come from) to
 * pull the image, CloudWatch Logs for the awslogs driver, and Secrets Manager for secrets injected
 * at start. The database migration task needs all four (it pulls postgres through the registry's
 * pull-through cache, reads the master secret, logs psql's output); an ECS service the first
 * three, and secretsmanager when it has secrets. Without them the task never starts
 * (CannotPullContainerError, ResourceInitializationError), which CI learns only at deploy time.
 */
export const privateEndpointsRule: SemanticRule = {
  id: 'private-endpoints',
  check(spec: NormalizedSpec): Finding[] {
    const net = spec.network;
    if (net.natGateways !== 'none') return [];
    const tasks: { what: string; needs: readonly string[] }[] = [
      ...Object.keys(spec.databases)
        .sort()
        .map((d) => ({ what: `the migration task of database ${d}`, needs: ['ecr', 's3', 'logs', 'secretsmanager'] })),
      ...Object.values(spec.services)
        .filter((s) => s.placement === 'ecs')
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((s) => {
          const stores = (s.secretRefs ?? []).flatMap((r) => { const x = spec.secrets?.[r.secret]; return x ? [x.existing?.store ?? 'secretsmanager'] : []; });
          return { what: `ECS service ${s.name}`, needs: ['ecr', 's3', 'logs', ...(s.secrets.length > 0 || stores.includes('secretsmanager') ? ['secretsmanager'] : []), ...(stores.includes('ssm') ? ['ssm'] : [])] };
        }),
    ];
    const listed = new Set<string>(net.endpoints);
    const execFindings = execEndpointFindings(spec, listed);
    const missing = [...new Set(tasks.flatMap((t) => t.needs.filter((e) => !listed.has(e))))].sort();
    if (missing.length === 0) return execFindings;
    const blocked = tasks.filter((t) => t.needs.some((e) => !listed.has(e))).map((t) => t.what);
    const shown = blocked.length > 3 ? [...blocked.slice(0, 3), `${blocked.length - 3} more`] : blocked;
    const { cause, path, orNat } = withoutNat(spec);
    return [
      {
        code: 'DEX329',
        message: `${cause} and network.endpoints lacks ${missing.join(', ')}: ${shown.join(', ')} cannot start in the private subnets without ${missing.length === 1 ? 'it' : 'them'} (image from ECR, layers from S3, awslogs, secrets injected at start)`,
        path,
        hint: `add ${missing.join(', ')} to network.endpoints (s3 is a free gateway endpoint; the others are billed per zone-hour)${orNat}`,
      },
      ...execFindings,
    ];
  },
};

/**
 * ECS Exec without NAT: the task's agent opens its session channel through the ssmmessages endpoint
 * (the ssm endpoint brings it) and decrypts the session key through kms. Without them the task runs
 * but `aws ecs execute-command` cannot connect: a warning, at the service's exec.
 */
function execEndpointFindings(spec: NormalizedSpec, listed: ReadonlySet<string>): Finding[] {
  const lacking = ['ssm', 'kms'].filter((e) => !listed.has(e));
  if (lacking.length === 0) return [];
  const { cause, orNat } = withoutNat(spec);
  return Object.values(spec.services)
    .filter((s) => s.placement === 'ecs' && s.exec.enabled)
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((s) => ({
      code: 'DEX395',
      severity: 'warning' as const,
      message: `ECS Exec sessions of ${s.name} cannot open: ${cause} and network.endpoints lacks ${lacking.join(' and ')} (the session channel goes through ssmmessages, the session key through kms)`,
      path: ['services', s.name, 'exec'],
      hint: `add ${lacking.join(', ')} to network.endpoints (ssm brings ssmmessages and ec2messages)${orNat}`,
    }));
}
