// Security-relevant changes, listed apart from the resource diff as `cdk diff` does: security
// group rules widened or opened to the internet, IAM trust and permission changes, encryption or
// deletion protection turned off, something made public, a new rule on a public listener.
import type { CfnValue } from '../model/types.js';
import { canonicalJson, normalizeValue } from './diff-resources.js';
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
    out.set(`${direction}|${group}|${canonicalJson(core)}`, { direction, group, rule: core, r });
  };
  for (const r of resources.values()) {
    const p = r.properties;
    if (r.type === 'AWS::EC2::SecurityGroup') {
      for (const x of (p.SecurityGroupIngress as readonly CfnValue[] | undefined) ?? []) if (isObj(x)) add(r, 'ingress', r.logicalId, x);
      for (const x of (p.SecurityGroupEgress as readonly CfnValue[] | undefined) ?? []) if (isObj(x)) add(r, 'egress', r.logicalId, x);
    } else if (r.type === 'AWS::EC2::SecurityGroupIngress' || r.type === 'AWS::EC2::SecurityGroupEgress') {
      const gid = p.GroupId;
      const group = isObj(gid) && typeof gid.Ref === 'string' ? gid.Ref : isObj(gid) && Array.isArray(gid['Fn::GetAtt']) ? String(gid['Fn::GetAtt'][0]) : canonicalJson(gid);
      add(r, r.type.endsWith('Ingress') ? 'ingress' : 'egress', group, p);
    }
  }
  return out;
}

function statements(doc: CfnValue | undefined): Map<string, CfnValue> {
  const out = new Map<string, CfnValue>();
  if (!isObj(doc)) return out;
  const s = doc.Statement;
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

/** The security-relevant differences between two resource sets of one environment. */
export function securityChanges(before: readonly DiffResource[], after: readonly DiffResource[]): SecurityChange[] {
  const norm = (rs: readonly DiffResource[]) => new Map(rs.map((r) => [r.logicalId, { ...r, properties: normalizeValue(r.properties as CfnValue) as Record<string, CfnValue> }]));
  const b = norm(before);
  const a = norm(after);
  const out: SecurityChange[] = [];

  // Security group rules.
  const rb = rulesOf(b);
  const ra = rulesOf(a);
  for (const [key, rule] of ra) {
    if (rb.has(key)) continue;
    const world = WORLD.has(String(rule.rule.CidrIp ?? rule.rule.CidrIpv6 ?? ''));
    const kind = rule.direction === 'egress' ? 'egress-widened' : world ? 'ingress-opened-to-internet' : 'ingress-widened';
    out.push({
      kind,
      severity: world && rule.direction === 'ingress' ? 'high' : 'medium',
      stack: rule.r.stack,
      logicalId: rule.r.logicalId,
      type: rule.r.type,
      message: `${rule.group}: ${rule.direction} rule added: ${describeRule(rule.rule)}${world && rule.direction === 'ingress' ? ' — open to the internet' : ''}`,
      after: rule.rule,
    });
  }
  for (const [key, rule] of rb) {
    if (ra.has(key)) continue;
    out.push({ kind: 'ingress-narrowed', severity: 'info', stack: rule.r.stack, logicalId: rule.r.logicalId, type: rule.r.type, message: `${rule.group}: ${rule.direction} rule removed: ${describeRule(rule.rule)}`, before: rule.rule });
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
      if (old && (added.length || removed.length)) {
        out.push({ ...base, kind: 'iam-trust-changed', severity: added.length ? 'high' : 'medium', message: `${id}: trust policy changed (${added.length} statement${added.length === 1 ? '' : 's'} added, ${removed.length} removed): who can assume the role changes`, before: q.AssumeRolePolicyDocument ?? null, after: p.AssumeRolePolicyDocument ?? null });
      } else if (!old) {
        out.push({ ...base, kind: 'iam-trust-changed', severity: 'medium', message: `${id}: new role, assumable by ${canonicalJson(sa.size ? [...sa.values()].map((s) => (isObj(s) ? s.Principal ?? null : null)) : null)}`, after: p.AssumeRolePolicyDocument ?? null });
      }
      const mb = canonicalJson(q.ManagedPolicyArns ?? []);
      const ma = canonicalJson(p.ManagedPolicyArns ?? []);
      if (old && mb !== ma) out.push({ ...base, kind: 'iam-policy-changed', severity: 'medium', message: `${id}: managed policies changed`, before: q.ManagedPolicyArns ?? null, after: p.ManagedPolicyArns ?? null });
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
        out.push({
          ...base,
          kind: 'iam-policy-changed',
          severity: added.length ? 'medium' : 'info',
          message: `${id} ${where}: ${added.length} statement${added.length === 1 ? '' : 's'} added, ${removed.length} removed${added.length ? ' (permissions may be broadened)' : ''}`,
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
        if (isTrue(was) && !isTrue(now)) out.push({ ...base, kind: 'deletion-protection-disabled', severity: 'high', message: `${id}: ${path} turned off`, before: was, after: now ?? null });
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
  const rank = { high: 0, medium: 1, info: 2 } as const;
  return out.sort((x, y) => rank[x.severity] - rank[y.severity] || (x.logicalId < y.logicalId ? -1 : x.logicalId > y.logicalId ? 1 : x.message < y.message ? -1 : 1));
}

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
