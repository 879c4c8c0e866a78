// Security-relevant changes, listed apart from the resource diff as `cdk diff` does: security
// group rules widened or opened to the internet, IAM trust and permission changes, encryption or
// deletion protection turned off, something made public, a new rule on a public listener. Each
// has a severity: high for internet exposure, IAM wildcards, encryption turned off and a data
// store reachable from a new peer; medium and low for the rest; info for what narrows.
import type { CfnValue } from '../model/types.js';
import { parseCidr } from '../../spec/cidr.js';
import { canonicalJson, normalizeValue } from './diff-resources.js';
import { cfnText, jsonDocument } from './text.js';
import type { DiffResource, SecurityChange } from './types.js';

type Obj = { readonly [k: string]: CfnValue };
const isObj = (v: CfnValue | undefined): v is Obj => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
const WORLD = new Set(['0.0.0.0/0', '::/0']);

interface Rule {
  readonly direction: 'ingress' | 'egress';
  readonly group: string;
  readonly rule: Obj;
}

function peerName(v: CfnValue | undefined): string {
  if (isObj(v) && typeof v.Ref === 'string') return v.Ref;
  if (isObj(v) && Array.isArray(v['Fn::GetAtt'])) return String(v['Fn::GetAtt'][0]);
  return canonicalJson(v);
}

function describeRule(r: Obj): string {
  const proto = String(r.IpProtocol ?? '-1');
  const ports = r.FromPort === undefined ? 'all ports' : r.FromPort === r.ToPort ? `port ${String(r.FromPort)}` : `ports ${String(r.FromPort)}-${String(r.ToPort)}`;
  const peer =
    r.CidrIp !== undefined ? String(r.CidrIp) : r.CidrIpv6 !== undefined ? String(r.CidrIpv6) : r.SourceSecurityGroupId !== undefined ? `group ${peerName(r.SourceSecurityGroupId)}` : r.DestinationSecurityGroupId !== undefined ? `group ${peerName(r.DestinationSecurityGroupId)}` : r.SourcePrefixListId !== undefined ? `prefix list ${canonicalJson(r.SourcePrefixListId)}` : '?';
  return `${proto === '-1' ? 'all traffic' : proto} ${ports} ${r.CidrIp !== undefined || r.CidrIpv6 !== undefined ? 'from/to' : 'with'} ${peer}`;
}

function rulesOf(resources: ReadonlyMap<string, DiffResource>): Map<string, Rule & { r: DiffResource }> {
  const out = new Map<string, Rule & { r: DiffResource }>();
  const add = (r: DiffResource, direction: Rule['direction'], group: string, rule: Obj) => {
    const { Description: _d, GroupId: _g, ...core } = rule as Record<string, CfnValue>;
    // The no-egress placeholder allows nothing: it is no rule at all.
    if (direction === 'egress' && isNoEgressPlaceholder(core)) return;
    out.set(`${direction}|${group}|${canonicalJson(core)}`, { direction, group, rule: core, r });
  };
  for (const r of resources.values()) {
    const p = r.properties;
    if (r.type === 'AWS::EC2::SecurityGroup') {
      for (const x of (p.SecurityGroupIngress as readonly CfnValue[] | undefined) ?? []) if (isObj(x)) add(r, 'ingress', r.logicalId, x);
      for (const x of (p.SecurityGroupEgress as readonly CfnValue[] | undefined) ?? []) if (isObj(x)) add(r, 'egress', r.logicalId, x);
    } else if (r.type === 'AWS::EC2::SecurityGroupIngress' || r.type === 'AWS::EC2::SecurityGroupEgress') {
      add(r, r.type.endsWith('Ingress') ? 'ingress' : 'egress', refName(p.GroupId), p);
    }
  }
  return out;
}

const refName = (v: CfnValue | undefined): string => (isObj(v) && typeof v.Ref === 'string' ? v.Ref : isObj(v) && Array.isArray(v['Fn::GetAtt']) ? String(v['Fn::GetAtt'][0]) : canonicalJson(v));

/** CDK's (and dex's) "no egress at all": ICMP type 252 code 86 to the broadcast address, which matches no packet. */
function isNoEgressPlaceholder(rule: Obj): boolean {
  return rule.CidrIp === '255.255.255.255/32' && String(rule.IpProtocol) === 'icmp' && Number(rule.FromPort) === 252 && Number(rule.ToPort) === 86;
}

/**
 * Groups whose egress is EC2's default, all traffic anywhere: an AWS::EC2::SecurityGroup without
 * SecurityGroupEgress (a standalone egress rule does not remove the default).
 */
function defaultEgressGroups(resources: ReadonlyMap<string, DiffResource>): Set<string> {
  return new Set([...resources.values()].filter((r) => r.type === 'AWS::EC2::SecurityGroup' && r.properties.SecurityGroupEgress === undefined).map((r) => r.logicalId));
}

const PROTOCOLS: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };
const protocolOf = (r: Obj): string => {
  const p = String(r.IpProtocol ?? '-1').toLowerCase();
  return PROTOCOLS[p] ?? p;
};

/** The port (or ICMP type/code) range a rule opens; all of them for all traffic or -1. */
function portsOf(r: Obj): [number, number] {
  if (protocolOf(r) === '-1' || r.FromPort === undefined) return [-Infinity, Infinity];
  const from = Number(r.FromPort);
  const to = Number(r.ToPort ?? r.FromPort);
  return from === -1 ? [-Infinity, Infinity] : [from, to === -1 ? Infinity : to];
}

/** The network block of an IPv4 CIDR (host bits cleared). */
function block(text: CfnValue | undefined) {
  const c = typeof text === 'string' ? parseCidr(text) : undefined;
  if (!c) return undefined;
  const size = 2 ** (32 - c.prefix);
  const start = c.start - (c.start % size);
  return { start, end: start + size - 1 };
}

/** Whether `outer` lets through all that `inner` does (same group and direction): protocol, ports and peer. */
function covers(outer: Obj, inner: Obj): boolean {
  const po = protocolOf(outer);
  if (po !== '-1' && po !== protocolOf(inner)) return false;
  const [of, ot] = portsOf(outer);
  const [inf, int] = portsOf(inner);
  if (of > inf || ot < int) return false;
  if (outer.CidrIp !== undefined || inner.CidrIp !== undefined) {
    const o = block(outer.CidrIp);
    const i = block(inner.CidrIp);
    return o !== undefined && i !== undefined && o.start <= i.start && o.end >= i.end;
  }
  if (outer.CidrIpv6 !== undefined || inner.CidrIpv6 !== undefined) return outer.CidrIpv6 === '::/0' ? inner.CidrIpv6 !== undefined : canonicalJson(outer.CidrIpv6) === canonicalJson(inner.CidrIpv6);
  for (const k of ['SourceSecurityGroupId', 'DestinationSecurityGroupId', 'SourcePrefixListId', 'DestinationPrefixListId', 'SourceSecurityGroupName']) {
    if (outer[k] !== undefined || inner[k] !== undefined) return canonicalJson(outer[k]) === canonicalJson(inner[k]);
  }
  return false;
}

/** Resource types that hold data: a new way into their security group is a new way to the data. */
const DATA_STORE = /^AWS::(RDS|ElastiCache|EFS|DocDB|Neptune|OpenSearchService|Elasticsearch|MSK|Redshift|DAX|MemoryDB)::/;

/** Security group → the data stores it guards (the groups a data store names in its properties). */
function dataStoreGroups(resources: ReadonlyMap<string, DiffResource>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (v: CfnValue | undefined, underGroups: boolean, store: string) => {
    if (Array.isArray(v)) for (const x of v as readonly CfnValue[]) walk(x, underGroups, store);
    else if (isObj(v)) {
      if (underGroups && (typeof v.Ref === 'string' || Array.isArray(v['Fn::GetAtt']))) {
        const g = refName(v);
        out.set(g, [...(out.get(g) ?? []), store]);
        return;
      }
      for (const [k, x] of Object.entries(v)) walk(x, underGroups || /SecurityGroup/.test(k), store);
    }
  };
  for (const r of resources.values()) if (DATA_STORE.test(r.type)) walk(r.properties as CfnValue, false, r.logicalId);
  return out;
}

/** A policy document's statements, keyed by their canonical JSON; a document written as JSON text (Fn::Join) is read too. */
function statements(doc: CfnValue | undefined): Map<string, CfnValue> {
  const out = new Map<string, CfnValue>();
  const d = jsonDocument(doc);
  if (!isObj(d)) return out;
  const s = d.Statement;
  for (const st of Array.isArray(s) ? (s as readonly CfnValue[]) : s !== undefined ? [s] : []) out.set(canonicalJson(st), st);
  return out;
}

/** Every policy document of an IAM resource, keyed by where it sits. */
function policyDocs(r: DiffResource): Map<string, CfnValue> {
  const out = new Map<string, CfnValue>();
  const p = r.properties;
  if (r.type === 'AWS::IAM::Role' || r.type === 'AWS::IAM::User' || r.type === 'AWS::IAM::Group') {
    for (const pol of (p.Policies as readonly CfnValue[] | undefined) ?? []) if (isObj(pol)) out.set(`Policies[${String(pol.PolicyName)}]`, pol.PolicyDocument ?? null);
  }
  if (r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy' || r.type === 'AWS::IAM::RolePolicy') out.set('PolicyDocument', p.PolicyDocument ?? null);
  if (r.type === 'AWS::KMS::Key') out.set('KeyPolicy', p.KeyPolicy ?? null);
  if (r.type === 'AWS::S3::BucketPolicy' || r.type === 'AWS::SecretsManager::ResourcePolicy') out.set('PolicyDocument', (p.PolicyDocument ?? p.ResourcePolicy) ?? null);
  return out;
}

const IAM_TYPES = new Set(['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::KMS::Key', 'AWS::S3::BucketPolicy', 'AWS::SecretsManager::ResourcePolicy']);

const list = (v: CfnValue | undefined): CfnValue[] => (v === undefined || v === null ? [] : Array.isArray(v) ? [...(v as readonly CfnValue[])] : [v]);

/** The wildcards an Allow statement grants: `*`, `s3:*`, NotAction, or anyone (`Principal: *`). */
function wildcards(st: CfnValue): string[] {
  if (!isObj(st) || st.Effect === 'Deny') return [];
  const out: string[] = [];
  for (const a of list(st.Action)) if (typeof a === 'string' && (a === '*' || /^[\w-]+:\*$/.test(a))) out.push(`Action ${a}`);
  if (st.NotAction !== undefined) out.push('NotAction');
  if (anyone(st.Principal) && st.Condition === undefined) out.push('Principal *');
  return out;
}

const anyone = (p: CfnValue | undefined): boolean => p === '*' || (isObj(p) && list(p.AWS).includes('*'));

/** 'Service ecs-tasks.amazonaws.com', 'Federated ${EksOidcProvider}', 'anyone'. */
function principalText(p: CfnValue | undefined): string {
  if (p === undefined || p === null) return 'no principal';
  if (anyone(p)) return 'anyone (*)';
  if (!isObj(p)) return cfnText(p) ?? canonicalJson(p);
  return Object.entries(p)
    .flatMap(([kind, v]) => list(v).map((x) => `${kind} ${cfnText(x) ?? canonicalJson(x)}`))
    .join(', ');
}

/** How far a new role's trust reaches: anyone, another account or role, or a service or identity provider. */
function trustSeverity(principals: readonly CfnValue[]): SecurityChange['severity'] {
  if (principals.some(anyone)) return 'high';
  if (principals.some((p) => isObj(p) && p.AWS !== undefined)) return 'medium';
  return 'low';
}

/** AWS managed policies that grant (nearly) everything. */
const BROAD_MANAGED = /(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

/** Property flags whose turning off (true → false or removed) removes a protection. */
const ENCRYPTION_FLAGS = ['StorageEncrypted', 'AtRestEncryptionEnabled', 'TransitEncryptionEnabled', 'Encrypted', 'EnableKeyRotation'];

function walkFlags(v: CfnValue | undefined, path: string, out: Map<string, CfnValue>): void {
  const intrinsic = isObj(v) && Object.keys(v).length === 1 && /^(Ref|Fn::)/.test(Object.keys(v)[0]!);
  if (v === null || v === undefined || typeof v !== 'object' || intrinsic) {
    out.set(path, v ?? null);
    return;
  }
  if (Array.isArray(v)) (v as readonly CfnValue[]).forEach((x, i) => walkFlags(x, `${path}.${i}`, out));
  else for (const [k, x] of Object.entries(v as Obj)) walkFlags(x, path ? `${path}.${k}` : k, out);
}

const isTrue = (v: CfnValue | undefined) => v === true || v === 'true';

/** An added rule: what it opens, and how bad that is. */
function classifyRule(rule: Rule & { r: DiffResource }, stores: ReadonlyMap<string, readonly string[]>): Pick<SecurityChange, 'kind' | 'severity'> & { why: string } {
  const world = WORLD.has(String(rule.rule.CidrIp ?? rule.rule.CidrIpv6 ?? ''));
  if (rule.direction === 'egress') return { kind: 'egress-widened', severity: world && protocolOf(rule.rule) === '-1' ? 'medium' : 'low', why: '' };
  if (world) return { kind: 'ingress-opened-to-internet', severity: 'high', why: ' — open to the internet' };
  const guarded = stores.get(rule.group);
  if (guarded?.length) return { kind: 'data-store-reachable', severity: 'high', why: ` — reaches data store ${guarded.join(', ')}` };
  const cidr = rule.rule.CidrIp !== undefined || rule.rule.CidrIpv6 !== undefined;
  return { kind: 'ingress-widened', severity: cidr ? 'medium' : 'low', why: '' };
}

/** The security-relevant differences between two resource sets of one environment, most severe first. */
export function securityChanges(before: readonly DiffResource[], after: readonly DiffResource[]): SecurityChange[] {
  const norm = (rs: readonly DiffResource[]) => new Map(rs.map((r) => [r.logicalId, { ...r, properties: normalizeValue(r.properties as CfnValue) as Record<string, CfnValue> }]));
  const b = norm(before);
  const a = norm(after);
  const out: SecurityChange[] = [];

  // Security group rules: only what the group did not let through before is a widening, and only
  // what it no longer lets through a narrowing (0.0.0.0/0 → one /24 narrows, and widens nothing).
  const rb = rulesOf(b);
  const ra = rulesOf(a);
  const openBefore = defaultEgressGroups(b);
  const openAfter = defaultEgressGroups(a);
  const stores = dataStoreGroups(a);
  const sameGroup = (x: Rule, y: Rule) => x.direction === y.direction && x.group === y.group;
  for (const [key, rule] of ra) {
    if (rb.has(key)) continue;
    if (rule.direction === 'egress' && (openBefore.has(rule.group) || openAfter.has(rule.group))) continue;
    if ([...rb.values()].some((old) => sameGroup(old, rule) && covers(old.rule, rule.rule))) continue;
    const { kind, severity, why } = classifyRule(rule, stores);
    out.push({ kind, severity, stack: rule.r.stack, logicalId: rule.r.logicalId, type: rule.r.type, message: `${rule.group}: ${rule.direction} rule added: ${describeRule(rule.rule)}${why}`, after: rule.rule });
  }
  for (const [key, rule] of rb) {
    if (ra.has(key)) continue;
    if (rule.direction === 'egress' && openAfter.has(rule.group)) continue;
    if ([...ra.values()].some((now) => sameGroup(now, rule) && covers(now.rule, rule.rule))) continue;
    out.push({ kind: rule.direction === 'egress' ? 'egress-narrowed' : 'ingress-narrowed', severity: 'info', stack: rule.r.stack, logicalId: rule.r.logicalId, type: rule.r.type, message: `${rule.group}: ${rule.direction} rule removed: ${describeRule(rule.rule)}`, before: rule.rule });
  }

  for (const [id, r] of a) {
    const old = b.get(id);
    const p = r.properties;
    const q = old?.properties ?? {};
    const base = { stack: r.stack, logicalId: id, type: r.type };
    // IAM trust.
    if (r.type === 'AWS::IAM::Role') {
      const sb = statements(q.AssumeRolePolicyDocument);
      const sa = statements(p.AssumeRolePolicyDocument);
      const added = [...sa.keys()].filter((k) => !sb.has(k));
      const removed = [...sb.keys()].filter((k) => !sa.has(k));
      const principals = (keys: readonly string[], m: ReadonlyMap<string, CfnValue>) => keys.map((k) => m.get(k)).filter(isObj).map((s) => s.Principal ?? null);
      if (old && (added.length || removed.length)) {
        const who = added.length ? `; now also ${principals(added, sa).map(principalText).join('; ')}` : '';
        out.push({ ...base, kind: 'iam-trust-changed', severity: added.length ? 'high' : 'info', message: `${id}: trust policy changed (${added.length} statement${added.length === 1 ? '' : 's'} added, ${removed.length} removed): who can assume the role changes${who}`, before: q.AssumeRolePolicyDocument ?? null, after: p.AssumeRolePolicyDocument ?? null });
      } else if (!old) {
        const who = principals([...sa.keys()], sa);
        out.push({ ...base, kind: 'iam-trust-changed', severity: trustSeverity(who), message: `${id}: new role, assumable by ${who.length ? who.map(principalText).join('; ') : 'no principal dex can read'}`, after: p.AssumeRolePolicyDocument ?? null });
      }
      const mb = list(q.ManagedPolicyArns).map(canonicalJson);
      const ma = list(p.ManagedPolicyArns).map(canonicalJson);
      const gained = ma.filter((x) => !mb.includes(x));
      const lost = mb.filter((x) => !ma.includes(x));
      if (old && (gained.length || lost.length)) {
        const broad = gained.filter((x) => BROAD_MANAGED.test(JSON.parse(x) as string));
        out.push({ ...base, kind: 'iam-policy-changed', severity: broad.length ? 'high' : gained.length ? 'medium' : 'info', message: `${id}: managed policies changed (${gained.length} added, ${lost.length} removed)${broad.length ? ` — grants (nearly) everything: ${broad.map((x) => JSON.parse(x) as string).join(', ')}` : ''}`, before: q.ManagedPolicyArns ?? null, after: p.ManagedPolicyArns ?? null });
      }
    }
    // IAM / resource policies.
    if (IAM_TYPES.has(r.type)) {
      const db = old ? policyDocs(old) : new Map<string, CfnValue>();
      const da = policyDocs(r);
      for (const [where, doc] of da) {
        const sb = statements(db.get(where));
        const sa = statements(doc);
        const added = [...sa.keys()].filter((k) => !sb.has(k));
        const removed = [...sb.keys()].filter((k) => !sa.has(k));
        if (added.length === 0 && removed.length === 0) continue;
        const wild = [...new Set(added.flatMap((k) => wildcards(sa.get(k)!)))];
        out.push({
          ...base,
          kind: 'iam-policy-changed',
          severity: wild.length ? 'high' : added.length ? 'medium' : 'info',
          message: `${id} ${where}: ${added.length} statement${added.length === 1 ? '' : 's'} added, ${removed.length} removed${wild.length ? ` — wildcard: ${wild.join(', ')}` : added.length ? ' (permissions may be broadened)' : ''}`,
          before: db.get(where) ?? null,
          after: doc,
        });
      }
      for (const [where, doc] of db) if (!da.has(where)) out.push({ ...base, kind: 'iam-policy-changed', severity: 'info', message: `${id} ${where}: policy removed`, before: doc });
    }
    if (!old) {
      if (r.type === 'AWS::ElasticLoadBalancingV2::ListenerRule' && publicListener(p.ListenerArn, a)) {
        out.push({ ...base, kind: 'public-listener-rule', severity: 'high', message: `${id}: new rule on an internet-facing load balancer's listener: ${describeConditions(p.Conditions)} is now reachable from the internet` });
      }
      if (r.type === 'AWS::RDS::DBInstance' && isTrue(p.PubliclyAccessible)) out.push({ ...base, kind: 'made-public', severity: 'high', message: `${id}: new database is publicly accessible` });
      if (r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && p.Scheme === 'internet-facing') out.push({ ...base, kind: 'made-public', severity: 'high', message: `${id}: new internet-facing load balancer` });
      continue;
    }
    // Protections turned off.
    const fb = new Map<string, CfnValue>();
    const fa = new Map<string, CfnValue>();
    walkFlags(q as CfnValue, '', fb);
    walkFlags(p as CfnValue, '', fa);
    for (const [path, was] of fb) {
      const leaf = path.split('.').pop()!;
      const now = fa.get(path);
      if (ENCRYPTION_FLAGS.includes(leaf) && isTrue(was) && !isTrue(now)) out.push({ ...base, kind: 'encryption-disabled', severity: 'high', message: `${id}: ${path} turned off`, before: was, after: now ?? null });
      if (leaf === 'KmsKeyId' && now === undefined) out.push({ ...base, kind: 'encryption-disabled', severity: 'high', message: `${id}: ${path} removed (no customer-managed key)`, before: was });
      if (leaf === 'DeletionProtection' || leaf === 'DeletionProtectionEnabled') {
        if (isTrue(was) && !isTrue(now)) out.push({ ...base, kind: 'deletion-protection-disabled', severity: 'medium', message: `${id}: ${path} turned off`, before: was, after: now ?? null });
      }
      if (/^(BlockPublicAcls|BlockPublicPolicy|IgnorePublicAcls|RestrictPublicBuckets)$/.test(leaf) && isTrue(was) && !isTrue(now)) out.push({ ...base, kind: 'made-public', severity: 'high', message: `${id}: ${path} turned off`, before: was, after: now ?? null });
    }
    for (const [path, now] of fa) {
      const leaf = path.split('.').pop()!;
      const was = fb.get(path);
      if ((leaf === 'PubliclyAccessible' || leaf === 'EndpointPublicAccess' || leaf === 'MapPublicIpOnLaunch' || leaf === 'AssociatePublicIpAddress') && isTrue(now) && !isTrue(was)) {
        out.push({ ...base, kind: 'made-public', severity: 'high', message: `${id}: ${path} turned on`, before: was ?? null, after: now });
      }
      if (leaf === 'Scheme' && now === 'internet-facing' && was !== 'internet-facing') out.push({ ...base, kind: 'made-public', severity: 'high', message: `${id}: load balancer made internet-facing`, before: was ?? null, after: now });
    }
  }
  return out.sort((x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity] || (x.logicalId < y.logicalId ? -1 : x.logicalId > y.logicalId ? 1 : x.message < y.message ? -1 : 1));
}

/** Most severe first. */
export const SEVERITY_RANK: Readonly<Record<SecurityChange['severity'], number>> = { high: 0, medium: 1, low: 2, info: 3 };

function publicListener(listener: CfnValue | undefined, resources: ReadonlyMap<string, DiffResource>): boolean {
  const id = isObj(listener) && typeof listener.Ref === 'string' ? listener.Ref : undefined;
  const l = id ? resources.get(id) : undefined;
  if (!l) return true; // a listener dex cannot see: assume the worst
  const lb = l.properties.LoadBalancerArn;
  const lbId = isObj(lb) && typeof lb.Ref === 'string' ? lb.Ref : undefined;
  const r = lbId ? resources.get(lbId) : undefined;
  return !r || r.properties.Scheme !== 'internal';
}

function describeConditions(conditions: CfnValue | undefined): string {
  const parts: string[] = [];
  for (const c of Array.isArray(conditions) ? (conditions as readonly CfnValue[]) : []) {
    if (!isObj(c)) continue;
    const cfg = isObj(c.PathPatternConfig) ? c.PathPatternConfig.Values : isObj(c.HostHeaderConfig) ? c.HostHeaderConfig.Values : c.Values;
    parts.push(`${String(c.Field)} ${canonicalJson(cfg ?? null)}`);
  }
  return parts.length ? parts.join(' and ') : 'its target';
}
