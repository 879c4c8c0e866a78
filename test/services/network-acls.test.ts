// Network ACLs are stateless: every flow a security group allows must pass the ACL of the subnet
// it leaves, the ACL of the subnet it enters, and both again for the replies. This test derives
// the flows from the security groups in each model (every example × environment and the
// reference) instead of listing them, so a new rule between groups is checked the day it appears.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { parseGetAtt } from '../../compiler/model/build.js';
import type { CfnValue, ModelResource } from '../../compiler/model/types.js';
import { NACL_RETURN_RANGES } from '../../services/vpc.js';
import { DATABASE_MIGRATION_ID } from '../../services/rds.js';
import { fixedClock } from '../support/clock.js';
import { ALL_SPECS } from '../support/specs.js';

const FILES = ALL_SPECS;

interface Case {
  readonly name: string;
  readonly resources: readonly ModelResource[];
}

const cases: Case[] = FILES.flatMap((file) => {
  const analysis = analyzeSpec(readFileSync(file), file, { today: fixedClock });
  // An imported VPC (network.vpcId) brings its own subnets and ACLs: dex writes none to check.
  return analysis.compiled.flatMap((c) => (c.model && c.spec.network.imported === undefined ? [{ name: `${file} ${c.environment ?? '(base)'}`, resources: c.model.resources }] : []));
});

// ---- IPv4 arithmetic ----
const ip = (text: string): number => text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const parseCidr = (cidr: string): { base: number; bits: number } => {
  const [addr, bits] = cidr.split('/');
  const b = Number(bits);
  const size = 2 ** (32 - b);
  return { base: Math.floor(ip(addr!) / size) * size, bits: b };
};
const contains = (cidr: string, address: number): boolean => {
  const { base, bits } = parseCidr(cidr);
  return address >= base && address < base + 2 ** (32 - bits);
};
const containsCidr = (outer: string, inner: string): boolean => parseCidr(outer).bits <= parseCidr(inner).bits && contains(outer, parseCidr(inner).base);
/** A host address inside a block (not the network address, not one AWS reserves). */
const hostIn = (cidr: string): number => parseCidr(cidr).base + 10;
const INTERNET = ip('198.51.100.7');
const EPHEMERAL_SAMPLES = [1024, 32768, 49152, 60999, 65535];

// ---- model readers ----
const refTarget = (v: unknown): string | undefined => {
  if (v && typeof v === 'object' && 'Ref' in v) return (v as { Ref: string }).Ref;
  if (v && typeof v === 'object' && 'Fn::GetAtt' in v) return parseGetAtt((v as { 'Fn::GetAtt': CfnValue })['Fn::GetAtt'])?.target;
  return undefined;
};
function refsIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  const t = refTarget(value);
  if (t) out.add(t);
  else if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) refsIn(v, out);
  return out;
}

type Protocol = 'tcp' | 'udp' | 'all';
interface SgRule {
  readonly protocol: Protocol;
  readonly from: number;
  readonly to: number;
  readonly group?: string;
  readonly cidr?: string;
}
const protocolOf = (p: unknown): Protocol | undefined => (p === '-1' || p === -1 ? 'all' : p === 'tcp' || p === '6' || p === 6 ? 'tcp' : p === 'udp' || p === '17' || p === 17 ? 'udp' : undefined);
function sgRule(props: Record<string, unknown>, peerKey: 'SourceSecurityGroupId' | 'DestinationSecurityGroupId'): SgRule | undefined {
  const protocol = protocolOf(props.IpProtocol);
  if (!protocol) return undefined; // ICMP: the "no egress" placeholder, no flow
  const from = protocol === 'all' ? 0 : Number(props.FromPort);
  const to = protocol === 'all' ? 65535 : Number(props.ToPort);
  const group = refTarget(props[peerKey]);
  const cidr = typeof props.CidrIp === 'string' ? props.CidrIp : undefined;
  return { protocol, from, to, ...(group ? { group } : {}), ...(cidr ? { cidr } : {}) };
}

interface AclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly protocol: number;
  readonly cidr: string;
  readonly from: number;
  readonly to: number;
  readonly allow: boolean;
}

interface Network {
  readonly vpcCidr: string;
  readonly subnets: Map<string, { tier: string; cidr: string }>;
  readonly aclOf: Map<string, string>;
  readonly entries: Map<string, AclEntry[]>;
  readonly groups: Map<string, { ingress: SgRule[]; egress: SgRule[]; subnets: Set<string> }>;
  readonly natSubnets: string[];
}

function readNetwork(resources: readonly ModelResource[]): Network {
  const byId = new Map(resources.map((r) => [r.logicalId, r]));
  const vpc = resources.find((r) => r.type === 'AWS::EC2::VPC')!;
  const subnets = new Map(resources.filter((r) => r.type === 'AWS::EC2::Subnet').map((r) => [r.logicalId, { tier: String(r.origin[2]), cidr: String(r.properties.CidrBlock) }]));
  const aclOf = new Map(resources.filter((r) => r.type === 'AWS::EC2::SubnetNetworkAclAssociation').map((r) => [refTarget(r.properties.SubnetId)!, refTarget(r.properties.NetworkAclId)!]));
  const entries = new Map<string, AclEntry[]>();
  for (const r of resources.filter((x) => x.type === 'AWS::EC2::NetworkAclEntry')) {
    const p = r.properties as Record<string, unknown>;
    const range = p.PortRange as { From: number; To: number } | undefined;
    const acl = refTarget(p.NetworkAclId)!;
    entries.set(acl, [
      ...(entries.get(acl) ?? []),
      { ruleNumber: Number(p.RuleNumber), egress: p.Egress === true, protocol: Number(p.Protocol), cidr: String(p.CidrBlock), from: range?.From ?? 0, to: range?.To ?? 65535, allow: p.RuleAction === 'allow' },
    ]);
  }
  const groups = new Map<string, { ingress: SgRule[]; egress: SgRule[]; subnets: Set<string> }>();
  for (const g of resources.filter((r) => r.type === 'AWS::EC2::SecurityGroup')) {
    const inline = (list: unknown, key: 'SourceSecurityGroupId' | 'DestinationSecurityGroupId'): SgRule[] =>
      ((list as Record<string, unknown>[] | undefined) ?? []).flatMap((x) => sgRule(x, key) ?? []);
    groups.set(g.logicalId, { ingress: inline(g.properties.SecurityGroupIngress, 'SourceSecurityGroupId'), egress: inline(g.properties.SecurityGroupEgress, 'DestinationSecurityGroupId'), subnets: new Set() });
  }
  for (const r of resources) {
    if (r.type !== 'AWS::EC2::SecurityGroupIngress' && r.type !== 'AWS::EC2::SecurityGroupEgress') continue;
    const p = r.properties as Record<string, unknown>;
    const rule = sgRule(p, r.type === 'AWS::EC2::SecurityGroupIngress' ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId');
    const g = groups.get(refTarget(p.GroupId)!)!;
    if (rule) (r.type === 'AWS::EC2::SecurityGroupIngress' ? g.ingress : g.egress).push(rule);
  }
  // Where each group lives: a resource that names both groups and subnets (directly, or through
  // its launch template or subnet group) puts those groups in those subnets.
  const INDIRECT = new Set(['AWS::EC2::LaunchTemplate', 'AWS::RDS::DBSubnetGroup', 'AWS::ElastiCache::SubnetGroup']);
  for (const r of resources) {
    if (r.type.startsWith('AWS::EC2::SecurityGroup') || INDIRECT.has(r.type)) continue;
    const refs = refsIn(r.properties);
    for (const t of [...refs]) if (INDIRECT.has(byId.get(t)?.type ?? '')) refsIn(byId.get(t)!.properties, refs);
    const sgs = [...refs].filter((t) => groups.has(t));
    const nets = [...refs].filter((t) => subnets.has(t));
    for (const sg of sgs) for (const s of nets) groups.get(sg)!.subnets.add(s);
  }
  // The database migration tasks and the before-release jobs get their subnets at run time
  // (release.sh migrate-database and jobs.sh are given the private subnets, emitters/ci/): place
  // their groups there.
  // (A before-release job's task definition is in the data layer, with no ECS service.)
  const jobGroups = new Set(resources.filter((r) => r.type === 'AWS::ECS::TaskDefinition' && r.layer === 'data' && r.origin[0] === 'services').map((r) => String(r.origin[1])));
  for (const [id, g] of groups) {
    const origin = byId.get(id)?.origin;
    const beforeRelease = origin?.[0] === 'services' && jobGroups.has(String(origin[1]));
    if (!id.endsWith(DATABASE_MIGRATION_ID.securityGroup('')) && !beforeRelease) continue;
    for (const [subnet, { tier }] of subnets) if (tier === 'private') g.subnets.add(subnet);
  }
  const natSubnets = resources.filter((r) => r.type === 'AWS::EC2::NatGateway').map((r) => refTarget(r.properties.SubnetId)!);
  return { vpcCidr: String(vpc.properties.CidrBlock), subnets, aclOf, entries, groups, natSubnets };
}

/** First matching entry by rule number decides; nothing matching is the implicit deny. */
function aclAllows(net: Network, subnet: string, egress: boolean, protocol: 'tcp' | 'udp', port: number, peer: number): boolean {
  const acl = net.aclOf.get(subnet);
  if (!acl) throw new Error(`${subnet} has no network ACL association`);
  const number = protocol === 'tcp' ? 6 : 17;
  const list = (net.entries.get(acl) ?? []).filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
  const hit = list.find((e) => contains(e.cidr, peer) && (e.protocol === -1 || (e.protocol === number && port >= e.from && port <= e.to)));
  return hit?.allow ?? false;
}

interface Flow {
  readonly what: string;
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
}

/** Every leg of a connection from `src` to `dst` and its replies, as the ACLs see them. */
function legs(net: Network, flow: Flow, src: { subnet?: string; address: number }, dst: { subnet?: string; address: number }): string[] {
  const failures: string[] = [];
  const check = (subnet: string | undefined, egress: boolean, port: number, peer: number, leg: string): void => {
    if (subnet === undefined) return; // outside the VPC: no ACL of ours
    if (!aclAllows(net, subnet, egress, flow.protocol, port, peer)) failures.push(`${flow.what}: ${leg} (${subnet} ${egress ? 'out' : 'in'} ${flow.protocol}/${port})`);
  };
  if (src.subnet !== undefined && src.subnet === dst.subnet) return failures; // inside one subnet: no ACL
  check(src.subnet, true, flow.port, dst.address, 'request leaves');
  check(dst.subnet, false, flow.port, src.address, 'request enters');
  for (const e of EPHEMERAL_SAMPLES) {
    check(dst.subnet, true, e, src.address, `reply to port ${e} leaves`);
    check(src.subnet, false, e, dst.address, `reply to port ${e} enters`);
  }
  return failures;
}

/** The concrete ports a security group rule stands for: its range's ends, or samples for "all". */
function samples(rule: SgRule): { protocol: 'tcp' | 'udp'; port: number }[] {
  if (rule.protocol === 'all') return [{ protocol: 'tcp', port: 8080 }, { protocol: 'tcp', port: 443 }, { protocol: 'udp', port: 53 }];
  return [...new Set([rule.from, rule.to])].map((port) => ({ protocol: rule.protocol as 'tcp' | 'udp', port }));
}
const covers = (rule: SgRule, protocol: 'tcp' | 'udp', port: number): boolean => (rule.protocol === 'all' || rule.protocol === protocol) && port >= rule.from && port <= rule.to;

/** Every flow the security groups allow, checked against the ACLs; the failures. */
function unpermittedFlows(net: Network): { failures: string[]; flows: number } {
  const failures: string[] = [];
  let flows = 0;
  const ids = [...net.groups.keys()].sort();
  const place = (subnet: string): { subnet: string; address: number } => ({ subnet, address: hostIn(net.subnets.get(subnet)!.cidr) });
  for (const dstId of ids) {
    const dst = net.groups.get(dstId)!;
    for (const rule of dst.ingress) {
      // From the outside: a CIDR that holds no VPC address.
      if (rule.cidr && !containsCidr(rule.cidr, net.vpcCidr) && !containsCidr(net.vpcCidr, rule.cidr)) {
        const outside = rule.cidr === '0.0.0.0/0' ? INTERNET : hostIn(rule.cidr);
        for (const s of samples(rule)) for (const d of dst.subnets) (flows++, failures.push(...legs(net, { what: `${rule.cidr} → ${dstId}`, ...s }, { address: outside }, place(d))));
      }
      // From other groups: the ingress names the source (or a CIDR holding its subnets), and the
      // source's egress lets it out to the destination.
      for (const srcId of ids) {
        const src = net.groups.get(srcId)!;
        for (const s of samples(rule)) {
          for (const from of src.subnets) {
            const admitted = rule.group === srcId || (rule.cidr !== undefined && containsCidr(rule.cidr, net.subnets.get(from)!.cidr));
            if (!admitted) continue;
            for (const to of dst.subnets) {
              const sent = src.egress.some((e) => covers(e, s.protocol, s.port) && (e.group === dstId || (e.cidr !== undefined && containsCidr(e.cidr, net.subnets.get(to)!.cidr))));
              if (!sent) continue;
              flows++;
              failures.push(...legs(net, { what: `${srcId} → ${dstId}`, ...s }, place(from), place(to)));
            }
          }
        }
      }
    }
  }
  // To the internet: egress to a CIDR outside the VPC, through the NAT gateway from the private
  // tier (the gateway endpoints' S3/DynamoDB addresses are outside the VPC too: same legs).
  for (const srcId of ids) {
    const src = net.groups.get(srcId)!;
    for (const rule of src.egress) {
      if (!rule.cidr || containsCidr(net.vpcCidr, rule.cidr)) continue;
      for (const s of samples(rule)) {
        for (const from of src.subnets) {
          flows++;
          const what = `${srcId} → internet`;
          failures.push(...legs(net, { what, ...s }, place(from), { address: INTERNET }));
          if (net.subnets.get(from)!.tier === 'public') continue;
          for (const nat of net.natSubnets) {
            failures.push(...legs(net, { what: `${what} via NAT`, ...s }, place(from), place(nat)));
            failures.push(...legs(net, { what: `${what} from NAT`, ...s }, place(nat), { address: INTERNET }));
          }
        }
      }
    }
  }
  return { failures: [...new Set(failures)], flows };
}

describe.each(cases)('network ACLs: $name', ({ resources }) => {
  const net = readNetwork(resources);

  it('associates every subnet with its own tier\'s ACL (none is left on the default ACL)', () => {
    for (const [id, { tier }] of net.subnets) expect(net.aclOf.get(id), id).toBe(`${tier[0]!.toUpperCase()}${tier.slice(1)}NetworkAcl`);
  });

  it('places every security group in subnets (so the flow check below sees it)', () => {
    for (const [id, g] of net.groups) expect(g.subnets.size, id).toBeGreaterThan(0);
  });

  it('permits every flow the security groups allow, both directions', () => {
    const { failures, flows } = unpermittedFlows(net);
    expect(flows).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });

  it('lets nothing from 0.0.0.0/0 reach 22 or 3389 (FSBP EC2.21, CIS 5.1) and nothing from the internet into the database tier', () => {
    for (const [acl, list] of net.entries) {
      for (const e of list.filter((x) => !x.egress && x.allow && x.cidr === '0.0.0.0/0')) {
        expect(e.protocol, acl).not.toBe(-1);
        for (const port of [22, 3389]) expect(port >= e.from && port <= e.to, `${acl} rule ${e.ruleNumber}`).toBe(false);
      }
    }
    for (const [id, { tier }] of net.subnets) {
      if (tier !== 'database') continue;
      for (const port of [22, 443, 3306, 5432, 6379]) expect(aclAllows(net, id, false, 'tcp', port, INTERNET), `${id} ${port}`).toBe(false);
      expect(aclAllows(net, id, true, 'tcp', 443, INTERNET), `${id} out 443`).toBe(false);
    }
    for (const [id, { tier }] of net.subnets) {
      if (tier === 'public') continue;
      expect(aclAllows(net, id, false, 'tcp', 22, INTERNET), `${id} 22`).toBe(false);
      expect(aclAllows(net, id, false, 'tcp', 3389, INTERNET), `${id} 3389`).toBe(false);
    }
  });
});

describe('the flow check', () => {
  const net = readNetwork(cases[0]!.resources);

  it('fails when an ACL drops the replies of the internet (the return ranges are needed)', () => {
    const entries = new Map([...net.entries].map(([acl, list]) => [acl, list.filter((e) => !(e.cidr === '0.0.0.0/0' && !e.egress && e.from === NACL_RETURN_RANGES[1]!.from))]));
    const { failures } = unpermittedFlows({ ...net, entries });
    expect(failures.some((f) => f.includes('reply to port 32768 enters'))).toBe(true);
  });

  it('fails when the database tier stops answering the VPC', () => {
    const entries = new Map([...net.entries].map(([acl, list]) => [acl, acl === 'DatabaseNetworkAcl' ? list.filter((e) => !e.egress) : list]));
    const { failures } = unpermittedFlows({ ...net, entries });
    expect(failures.some((f) => f.includes('DatabaseSubnet') && f.includes('leaves'))).toBe(true);
  });
});
