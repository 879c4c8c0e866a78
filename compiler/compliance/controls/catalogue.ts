// The FSBP / CIS AWS Foundations controls that can be decided from the templates dex emits, read
// from one environment's resource model (the environment's stacks and the bootstrap it relies on).
// Where a BASE-* compliance rule checks the same thing, the control calls it (and names it in
// `base`), so the two cannot drift apart. docs/security.md ("Controls") lists every control.
import { EKS_SUPPORT } from '../../checks/platforms.js';
import type { CfnValue, ModelResource } from '../../model/types.js';
import { IAM_WILDCARD_REASONS, wildcardKey } from '../../../services/iam-wildcards.js';
import { specPermissionSid } from '../../../services/iam.js';
import { atRestChecks, defaultSecurityGroupClosed, ecsExecLogged, iamLeastPrivilege, inTransitChecks, logRetentionSet, nonRootContainers, tlsChecks } from '../rules/baseline.js';
import type { RuleContext } from '../types.js';
import { ofType, prop } from '../util.js';
import { actions, finding, fromChecks, lbAttribute, policyDocuments, resources, target, type Statement } from './read.js';
import type { ControlFinding, SecurityControl } from './types.js';

const PCI_LOGS = 'PCI DSS v4.0 Req. 10.2.1';
const PCI_LOG_PROTECT = 'PCI DSS v4.0 Req. 10.3.2, 10.3.4';
const PCI_LEAST = 'PCI DSS v4.0 Req. 7.2.1, 7.2.2';
const PCI_CRYPTO = 'PCI DSS v4.0 Req. 3.5.1';
const PCI_NET = 'PCI DSS v4.0 Req. 1.3.1, 1.4.4';
const SOC2_ACCESS = 'SOC 2 CC6.1, CC6.3';
const SOC2_BOUNDARY = 'SOC 2 CC6.6';
const SOC2_MONITOR = 'SOC 2 CC7.2';

// Several controls read the same BASE check (encryption at rest, six of them): computed once per model.
const atRestMemo = new WeakMap<object, Map<boolean, ReturnType<typeof atRestChecks>>>();
function atRest(ctx: RuleContext, requireCustomerKey = false): ReturnType<typeof atRestChecks> {
  let byKey = atRestMemo.get(ctx.model);
  if (byKey === undefined) atRestMemo.set(ctx.model, (byKey = new Map()));
  let checks = byKey.get(requireCustomerKey);
  if (checks === undefined) byKey.set(requireCustomerKey, (checks = atRestChecks(ctx, requireCustomerKey)));
  return checks;
}

const roles = (ctx: RuleContext): ModelResource[] => ofType(ctx.model, 'AWS::IAM::Role', 'AWS::IAM::ManagedPolicy');
const allows = (s: Statement): boolean => s.Effect === 'Allow';
const truthy = (v: CfnValue | undefined): boolean => v === true || v === 'true';

// ——— IAM ———

const iam1: SecurityControl = {
  id: 'IAM.1',
  family: 'IAM',
  fsbp: 'IAM.1',
  cis: '1.16',
  title: 'IAM policies do not allow full "*:*" administrative privileges, and no role has AdministratorAccess attached',
  base: 'BASE-IAM-LEAST-PRIVILEGE',
  evidences: { 'pci-dss': PCI_LEAST, soc2: SOC2_ACCESS },
  absent: 'no IAM roles or policies',
  evaluate: (ctx) =>
    roles(ctx).map((r) => {
      const full = policyDocuments(r).flatMap((d) => d.statements.filter((s) => allows(s) && actions(s).some((a) => a === '*' || a === '*:*') && resources(s).includes('*')).map((s) => `${d.name}/${s.Sid ?? '(no Sid)'}`));
      const managed = JSON.stringify(prop(r, 'ManagedPolicyArns') ?? []);
      const admin = /AdministratorAccess|PowerUserAccess|IAMFullAccess/.test(managed);
      const props = { ManagedPolicyArns: prop(r, 'ManagedPolicyArns'), ...(full.length ? { 'Statement[Action=*,Resource=*]': full } : {}) };
      if (admin) return finding(r, false, `${r.logicalId} has an administrator managed policy attached`, props);
      if (full.length > 0) return finding(r, false, `${r.logicalId} allows "*" on "*" (${full.join(', ')})`, props);
      return finding(r, true, `${r.logicalId} allows no "*" action on "*" and has no administrator policy`, props);
    }),
};

/** The reason a `permissions:` statement of the spec gives for its wildcard (services/iam.ts names it by index). */
function specReason(ctx: RuleContext, r: ModelResource, sid: string | undefined): string | undefined {
  const service = r.origin[0] === 'services' && typeof r.origin[1] === 'string' ? ctx.spec.services[r.origin[1]] : undefined;
  const index = service?.permissions.findIndex((_, i) => specPermissionSid(i) === sid);
  return service === undefined || index === undefined || index < 0 ? undefined : service.permissions[index]!.reason;
}

const iam21: SecurityControl = {
  id: 'IAM.21',
  family: 'IAM',
  fsbp: 'IAM.21',
  title: 'IAM policies allow no service-wide wildcard action ("svc:*") without a documented reason',
  evidences: { 'pci-dss': PCI_LEAST, soc2: SOC2_ACCESS },
  absent: 'no IAM roles or policies',
  evaluate: (ctx) =>
    roles(ctx).flatMap((r) => {
      const wild = policyDocuments(r).flatMap((d) => d.statements.filter((s) => allows(s) && actions(s).some((a) => /^[a-z0-9-]+:\*$/.test(a) || a === '*')).map((s) => ({ d, s })));
      if (wild.length === 0) return [finding(r, true, `${r.logicalId} allows no service-wide wildcard action`, {})];
      return wild.map(({ d, s }) => {
            const key = wildcardKey(s as never);
            const reason = IAM_WILDCARD_REASONS[key] ?? specReason(ctx, r, s.Sid);
            const props = { Policy: d.name, Sid: s.Sid, Action: actions(s).filter((a) => a.endsWith(':*') || a === '*') };
            return reason !== undefined
              ? finding(r, true, `exception: ${r.logicalId} ${d.name}/${key}: ${reason}`, props)
              : finding(r, false, `${r.logicalId} ${d.name}/${key} allows service-wide wildcard actions with no reason ${key.startsWith('SpecPermission') ? 'in the statement (permissions: reason)' : 'in services/iam-wildcards.ts'}`, props);
      });
    }),
};

const iamBoundary: SecurityControl = {
  id: 'DEX.IAM.Boundary',
  family: 'IAM',
  other: 'AWS Well-Architected SEC03-BP02 (permissions boundaries); CIS 1.16 in spirit',
  title: "The CloudFormation execution role and every role of the environment's stacks carry the environment's permissions boundary",
  base: 'BASE-IAM-LEAST-PRIVILEGE',
  evidences: { 'pci-dss': PCI_LEAST, soc2: 'SOC 2 CC6.3' },
  absent: 'no CI/CD: no CloudFormation execution role to bound',
  evaluate(ctx) {
    if (ctx.spec.cicd === undefined) return [];
    const bounded = ofType(ctx.model, 'AWS::IAM::Role').filter((r) => r.layer !== 'delivery' || String(prop(r, 'RoleName') ?? '').endsWith('-cfn-exec'));
    const boundary = iamLeastPrivilege.check(ctx).find((c) => c.message.includes('permissions boundary'));
    const policies = (boundary?.evidence ?? []).filter((e) => e.type === 'AWS::IAM::ManagedPolicy');
    return [
      ...policies.map((e): ControlFinding => ({ status: boundary!.ok ? 'pass' : 'fail', logicalId: e.logicalId, type: e.type, properties: e.properties, message: 'the permissions boundary of the environment' })),
      ...bounded.map((r) => finding(r, prop(r, 'PermissionsBoundary') !== undefined, prop(r, 'PermissionsBoundary') !== undefined ? `${r.logicalId} carries the permissions boundary` : `${r.logicalId} carries no permissions boundary`, { PermissionsBoundary: prop(r, 'PermissionsBoundary'), ...(String(prop(r, 'RoleName') ?? '').endsWith('-cfn-exec') ? { ManagedPolicyArns: prop(r, 'ManagedPolicyArns') ?? [] } : {}) })),
    ];
  },
};

// ——— CloudTrail ———

const trails = (ctx: RuleContext): ModelResource[] => ofType(ctx.model, 'AWS::CloudTrail::Trail');
const trailBucket = (ctx: RuleContext, t: ModelResource): ModelResource | undefined => ofType(ctx.model, 'AWS::S3::Bucket').find((b) => b.logicalId === target(prop(t, 'S3BucketName')));
const NO_TRAIL = 'no CloudTrail trail in this environment (audit.trail: false): the control fails when the spec turns the trail off';

function trailControl(id: string, cis: string | undefined, title: string, decide: (t: ModelResource, ctx: RuleContext) => ControlFinding, evidences = { 'pci-dss': PCI_LOGS, soc2: SOC2_MONITOR }): SecurityControl {
  return {
    id,
    family: 'CloudTrail',
    fsbp: id,
    ...(cis ? { cis } : {}),
    title,
    evidences,
    absent: NO_TRAIL,
    evaluate(ctx) {
      const ts = trails(ctx);
      // No trail at all is a failure, not "nothing to check": CloudTrail.1 asks for one.
      if (ts.length === 0) return [{ status: 'fail', logicalId: '(none)', type: 'AWS::CloudTrail::Trail', properties: {}, message: 'no CloudTrail trail records the API calls of this environment' }];
      return ts.map((t) => decide(t, ctx));
    },
  };
}

const cloudTrail1 = trailControl('CloudTrail.1', '3.1', 'A multi-region trail records management events, read and write, including global services', (t) => {
  const props = { IsMultiRegionTrail: prop(t, 'IsMultiRegionTrail'), IsLogging: prop(t, 'IsLogging'), IncludeGlobalServiceEvents: prop(t, 'IncludeGlobalServiceEvents'), EventSelectors: prop(t, 'EventSelectors') };
  const selectors = (prop(t, 'EventSelectors') ?? []) as { IncludeManagementEvents?: boolean; ReadWriteType?: string }[];
  const management = selectors.length === 0 || selectors.some((s) => s.IncludeManagementEvents !== false && (s.ReadWriteType ?? 'All') === 'All');
  const ok = prop(t, 'IsMultiRegionTrail') === true && prop(t, 'IsLogging') === true && prop(t, 'IncludeGlobalServiceEvents') !== false && management;
  return finding(t, ok, ok ? `${t.logicalId} logs every region's management events (read and write)` : `${t.logicalId} is not a logging multi-region trail of all management events`, props);
});
const cloudTrail2 = trailControl('CloudTrail.2', '3.5', 'The trail encrypts its log files with a KMS key (SSE-KMS)', (t) => finding(t, prop(t, 'KMSKeyId') !== undefined, prop(t, 'KMSKeyId') !== undefined ? `${t.logicalId} encrypts log files with the system key` : `${t.logicalId} has no KMSKeyId`, { KMSKeyId: prop(t, 'KMSKeyId') }), { 'pci-dss': PCI_LOG_PROTECT, soc2: SOC2_MONITOR });
const cloudTrail4 = trailControl('CloudTrail.4', '3.2', 'The trail validates its log files (digest files)', (t) => finding(t, prop(t, 'EnableLogFileValidation') === true, `${t.logicalId} log file validation ${prop(t, 'EnableLogFileValidation') === true ? 'on' : 'off'}`, { EnableLogFileValidation: prop(t, 'EnableLogFileValidation') }), { 'pci-dss': PCI_LOG_PROTECT, soc2: SOC2_MONITOR });
const cloudTrail5 = trailControl('CloudTrail.5', '3.4 (v1.4)', 'The trail also delivers to CloudWatch Logs (for metric filters and alarms)', (t) => finding(t, prop(t, 'CloudWatchLogsLogGroupArn') !== undefined, prop(t, 'CloudWatchLogsLogGroupArn') !== undefined ? `${t.logicalId} delivers to CloudWatch Logs` : `${t.logicalId} delivers to S3 only: no CloudWatch Logs group for metric filters and alarms on API activity`, { CloudWatchLogsLogGroupArn: prop(t, 'CloudWatchLogsLogGroupArn'), CloudWatchLogsRoleArn: prop(t, 'CloudWatchLogsRoleArn') }));
const cloudTrail6 = trailControl('CloudTrail.6', '3.3 (v1.4)', "The trail's bucket is not publicly accessible", (t, ctx) => {
  const b = trailBucket(ctx, t);
  if (b === undefined) return finding(t, false, `${t.logicalId} writes to a bucket dex does not emit`, { S3BucketName: prop(t, 'S3BucketName') });
  const pab = publicAccessBlocked(b);
  const open = publicStatements(ctx, b);
  return finding(b, pab && open.length === 0, pab && open.length === 0 ? `${b.logicalId} (the trail's bucket) blocks public access and its policy grants nothing to "*"` : `${b.logicalId} (the trail's bucket) can be made public`, { PublicAccessBlockConfiguration: prop(b, 'PublicAccessBlockConfiguration'), 'BucketPolicy Allow to "*"': open });
}, { 'pci-dss': PCI_LOG_PROTECT, soc2: SOC2_MONITOR });
const cloudTrail7 = trailControl('CloudTrail.7', '3.6 (v1.4)', "The trail's bucket has S3 server access logging", (t, ctx) => {
  const b = trailBucket(ctx, t);
  if (b === undefined) return finding(t, false, `${t.logicalId} writes to a bucket dex does not emit`, { S3BucketName: prop(t, 'S3BucketName') });
  return finding(b, prop(b, 'LoggingConfiguration') !== undefined, prop(b, 'LoggingConfiguration') !== undefined ? `${b.logicalId} (the trail's bucket) logs access` : `${b.logicalId} (the trail's bucket) has no server access logging`, { LoggingConfiguration: prop(b, 'LoggingConfiguration') });
}, { 'pci-dss': PCI_LOG_PROTECT, soc2: SOC2_MONITOR });

/** No FSBP control: PCI DSS asks that audit logs cannot be changed (10.3.2), which versioning alone does not give. */
const { fsbp: _noFsbp, ...trailLockBase } = trailControl('DEX.CloudTrail.Lock', undefined, "The trail's bucket keeps every log file locked for the audit retention (S3 Object Lock)", (t, ctx) => {
  const b = trailBucket(ctx, t);
  if (b === undefined) return finding(t, false, `${t.logicalId} writes to a bucket dex does not emit`, { S3BucketName: prop(t, 'S3BucketName') });
  const mode = prop(b, 'ObjectLockConfiguration', 'Rule', 'DefaultRetention', 'Mode');
  const days = prop(b, 'ObjectLockConfiguration', 'Rule', 'DefaultRetention', 'Days');
  const locked = prop(b, 'ObjectLockEnabled') === true && (mode === 'COMPLIANCE' || mode === 'GOVERNANCE') && typeof days === 'number' && days > 0;
  return finding(b, locked, locked ? `${b.logicalId} (the trail's bucket) locks each log file for ${String(days)} days (${String(mode)})` : `${b.logicalId} (the trail's bucket) has no default object lock: a log file can be overwritten or deleted`, { ObjectLockEnabled: prop(b, 'ObjectLockEnabled'), ObjectLockConfiguration: prop(b, 'ObjectLockConfiguration') });
}, { 'pci-dss': PCI_LOG_PROTECT, soc2: SOC2_MONITOR });
const cloudTrailLock: SecurityControl = { ...trailLockBase, other: 'PCI DSS v4.0 Req. 10.3.2 (audit log files protected from modification); no FSBP control' };

// ——— S3 ———

const buckets = (ctx: RuleContext): ModelResource[] => ofType(ctx.model, 'AWS::S3::Bucket');
const PAB = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];
const publicAccessBlocked = (b: ModelResource): boolean => PAB.every((k) => prop(b, 'PublicAccessBlockConfiguration', k) === true);
const bucketPolicies = (ctx: RuleContext, b: ModelResource): ModelResource[] => ofType(ctx.model, 'AWS::S3::BucketPolicy').filter((p) => target(prop(p, 'Bucket')) === b.logicalId);
const policyStatements = (ctx: RuleContext, b: ModelResource): Statement[] => bucketPolicies(ctx, b).flatMap((p) => (prop(p, 'PolicyDocument', 'Statement') ?? []) as unknown as Statement[]);
/** Allow statements to everyone ("*" or { AWS: "*" }) with no condition. */
const publicStatements = (ctx: RuleContext, b: ModelResource): string[] =>
  policyStatements(ctx, b)
    .filter((s) => allows(s) && s.Condition === undefined && (s.Principal === '*' || JSON.stringify(s.Principal) === '{"AWS":"*"}'))
    .map((s) => s.Sid ?? '(no Sid)');

function bucketControl(id: string, cis: string | undefined, title: string, decide: (b: ModelResource, ctx: RuleContext) => ControlFinding, evidences?: SecurityControl['evidences']): SecurityControl {
  return { id, family: 'S3', fsbp: id, ...(cis ? { cis } : {}), title, ...(evidences ? { evidences } : {}), absent: 'no S3 buckets', evaluate: (ctx) => buckets(ctx).map((b) => decide(b, ctx)) };
}

const s3_1: SecurityControl = {
  id: 'S3.1',
  family: 'S3',
  fsbp: 'S3.1',
  cis: '2.1.4',
  title: 'Block public access is on at the account level',
  absent: "an account-level setting (s3control PutPublicAccessBlock), not a resource in any template: dex cannot decide it. Each bucket dex emits blocks public access itself (S3.8)",
  evaluate: () => [],
};
const s3_8 = bucketControl('S3.8', '2.1.4', 'Each bucket blocks public access (all four settings)', (b) => finding(b, publicAccessBlocked(b), publicAccessBlocked(b) ? `${b.logicalId} blocks public ACLs and policies` : `${b.logicalId} does not block all public access`, { PublicAccessBlockConfiguration: prop(b, 'PublicAccessBlockConfiguration') }), { 'pci-dss': PCI_NET });
const s3_2 = bucketControl('S3.2', undefined, 'No bucket allows public read or write (S3.2/S3.3): public access blocked and no policy grant to "*"', (b, ctx) => {
  const open = publicStatements(ctx, b);
  const acl = prop(b, 'AccessControl');
  const ok = publicAccessBlocked(b) && open.length === 0 && (acl === undefined || acl === 'Private' || acl === 'LogDeliveryWrite');
  return finding(b, ok, ok ? `${b.logicalId} grants nothing to the public` : `${b.logicalId} may be read or written publicly`, { AccessControl: acl, 'BucketPolicy Allow to "*"': open });
});
const s3_5 = bucketControl('S3.5', '2.1.1', 'Bucket policies require TLS (deny aws:SecureTransport false)', (b, ctx) => {
  const deny = policyStatements(ctx, b).find((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition ?? {}).includes('"aws:SecureTransport":"false"'));
  return finding(b, deny !== undefined, deny ? `${b.logicalId} denies every request without TLS (${deny.Sid ?? ''})` : `${b.logicalId} has no TLS-only statement`, { 'BucketPolicy.Statement': deny?.Sid });
}, { 'pci-dss': 'PCI DSS v4.0 Req. 4.2.1', soc2: 'SOC 2 CC6.7' });
const s3_17: SecurityControl = {
  id: 'S3.17',
  family: 'S3',
  fsbp: 'S3.17',
  title: 'Buckets are encrypted at rest with a KMS key (S3.4: encrypted at all)',
  base: 'BASE-ENCRYPTION-AT-REST',
  evidences: { 'pci-dss': PCI_CRYPTO, soc2: 'SOC 2 CC6.1' },
  absent: 'no S3 buckets',
  evaluate: (ctx) => fromChecks(atRest(ctx, true).concat(atRest(ctx).filter((c) => !c.ok)), ['AWS::S3::Bucket']).concat(
    // Pipeline artifacts are skipped by the customer-key check (they hold no account data): SSE-KMS with the bootstrap key still decides S3.17.
    buckets(ctx).filter((b) => b.layer === 'cicd').map((b) => finding(b, JSON.stringify(prop(b, 'BucketEncryption') ?? {}).includes('aws:kms'), `${b.logicalId} encryption`, { BucketEncryption: prop(b, 'BucketEncryption') })),
  ),
};
/**
 * Buckets that receive server access logs (logging one to itself loops): named by another bucket's
 * LoggingConfiguration, or whose policy lets the S3 logging service write (a bucket in another stack).
 */
const logTargets = (ctx: RuleContext): Set<string> =>
  new Set([
    ...buckets(ctx).map((b) => target(prop(b, 'LoggingConfiguration', 'DestinationBucketName'))).filter((x): x is string => x !== undefined),
    ...buckets(ctx).filter((b) => policyStatements(ctx, b).some((st) => allows(st) && JSON.stringify(st.Principal ?? '').includes('logging.s3.amazonaws.com'))).map((b) => b.logicalId),
  ]);
const s3_9 = bucketControl('S3.9', undefined, 'Buckets have server access logging', (b, ctx) => {
  const props = { LoggingConfiguration: prop(b, 'LoggingConfiguration') };
  if (prop(b, 'LoggingConfiguration') !== undefined) return finding(b, true, `${b.logicalId} logs access to ${String(target(prop(b, 'LoggingConfiguration', 'DestinationBucketName')) ?? prop(b, 'LoggingConfiguration', 'DestinationBucketName'))}`, props);
  if (logTargets(ctx).has(b.logicalId)) return finding(b, true, `exception: ${b.logicalId} receives the other buckets' access logs (logging it to itself would loop)`, props);
  return finding(b, false, `${b.logicalId} has no server access logging`, props);
}, { 'pci-dss': PCI_LOGS, soc2: SOC2_MONITOR });
const s3_13 = bucketControl('S3.13', undefined, 'Buckets have lifecycle rules (expiry matching their retention)', (b) => {
  const rules = (prop(b, 'LifecycleConfiguration', 'Rules') ?? []) as { Status?: string }[];
  return finding(b, rules.some((r) => r.Status === 'Enabled'), rules.length ? `${b.logicalId} has ${rules.length} lifecycle rule(s)` : `${b.logicalId} has no lifecycle rule`, { 'LifecycleConfiguration.Rules': prop(b, 'LifecycleConfiguration', 'Rules') });
}, { 'pci-dss': 'PCI DSS v4.0 Req. 10.5.1' });
const s3_14 = bucketControl('S3.14', undefined, 'Buckets are versioned', (b) => finding(b, prop(b, 'VersioningConfiguration', 'Status') === 'Enabled', `${b.logicalId} versioning ${String(prop(b, 'VersioningConfiguration', 'Status') ?? 'off')}`, { VersioningConfiguration: prop(b, 'VersioningConfiguration') }), { 'pci-dss': PCI_LOG_PROTECT });

// ——— ELB ———

const lbs = (ctx: RuleContext): ModelResource[] => ofType(ctx.model, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter((l) => (prop(l, 'Type') ?? 'application') === 'application');
function lbAttrControl(id: string, title: string, key: string, expected: string, evidences?: SecurityControl['evidences'], protectedOnly?: string, also: readonly string[] = []): SecurityControl {
  return {
    id,
    family: 'ELB',
    fsbp: id,
    title,
    ...(evidences ? { evidences } : {}),
    ...(protectedOnly ? { protectedOnly } : {}),
    absent: 'no application load balancer (no public service)',
    evaluate: (ctx) => lbs(ctx).map((lb) => finding(lb, lbAttribute(lb, key) === expected, `${lb.logicalId} ${key} = ${String(lbAttribute(lb, key) ?? '(unset)')}`, Object.fromEntries([key, ...also].map((k) => [`LoadBalancerAttributes.${k}`, lbAttribute(lb, k)])))),
  };
}
const elb1: SecurityControl = {
  id: 'ELB.1',
  family: 'ELB',
  fsbp: 'ELB.1',
  title: 'HTTP listeners redirect every request to HTTPS',
  base: 'BASE-ENCRYPTION-IN-TRANSIT',
  evidences: { 'pci-dss': 'PCI DSS v4.0 Req. 4.2.1', soc2: 'SOC 2 CC6.7' },
  absent: 'no plain-HTTP listener',
  evaluate: (ctx) => fromChecks(inTransitChecks(ctx), ['AWS::ElasticLoadBalancingV2::Listener']),
};
const elb2: SecurityControl = {
  id: 'ELB.2',
  family: 'ELB',
  fsbp: 'ELB.2',
  title: 'HTTPS listeners use an ACM certificate (ELB.2 is written for Classic Load Balancers; checked on the ALB listeners dex emits)',
  absent: 'no HTTPS listener',
  evaluate: (ctx) =>
    ofType(ctx.model, 'AWS::ElasticLoadBalancingV2::Listener')
      .filter((l) => prop(l, 'Protocol') === 'HTTPS')
      .map((l) => {
        const certs = (prop(l, 'Certificates') ?? []) as { CertificateArn?: CfnValue }[];
        const acm = certs.length > 0 && certs.every((c) => JSON.stringify(c.CertificateArn ?? '').includes(':acm:') || target(c.CertificateArn) !== undefined);
        return finding(l, acm, acm ? `${l.logicalId} serves an ACM certificate` : `${l.logicalId} serves a certificate not from ACM`, { Certificates: certs });
      }),
};
const elb4 = lbAttrControl('ELB.4', 'Load balancers drop invalid HTTP header fields', 'routing.http.drop_invalid_header_fields.enabled', 'true');
const elb5 = lbAttrControl('ELB.5', 'Load balancers write access logs', 'access_logs.s3.enabled', 'true', { 'pci-dss': PCI_LOGS, soc2: SOC2_MONITOR }, undefined, ['access_logs.s3.bucket']);
const elb6 = lbAttrControl('ELB.6', 'Load balancers have deletion protection (protected environments)', 'deletion_protection.enabled', 'true', undefined, 'deletion protection is set in protected environments (environments.<name>.protect); a disposable environment may be torn down');
const elb12 = lbAttrControl('ELB.12', 'Load balancers mitigate HTTP desync (defensive or strictest mode)', 'routing.http.desync_mitigation_mode', 'defensive');
const elb17: SecurityControl = {
  id: 'ELB.17',
  family: 'ELB',
  fsbp: 'ELB.17',
  title: 'HTTPS listeners use a recommended TLS 1.2+ security policy',
  base: 'BASE-TLS12',
  evidences: { 'pci-dss': 'PCI DSS v4.0 Req. 4.2.1' },
  absent: 'no HTTPS listener',
  evaluate: (ctx) => fromChecks(tlsChecks(ctx)),
};

// ——— WAF ———

const waf11: SecurityControl = {
  id: 'WAF.11',
  family: 'WAF',
  fsbp: 'WAF.11',
  title: 'Web ACLs log the requests they evaluate',
  evidences: { 'pci-dss': PCI_LOGS, soc2: SOC2_MONITOR },
  absent: 'no web ACL (no public service, or waf.enabled: false)',
  evaluate(ctx) {
    const configs = ofType(ctx.model, 'AWS::WAFv2::LoggingConfiguration');
    return ofType(ctx.model, 'AWS::WAFv2::WebACL').map((acl) => {
      const c = configs.find((x) => target(prop(x, 'ResourceArn')) === acl.logicalId);
      return c
        ? finding(c, true, `${c.logicalId} logs ${acl.logicalId}'s requests, authorization and cookie headers redacted`, { ResourceArn: prop(c, 'ResourceArn'), LogDestinationConfigs: prop(c, 'LogDestinationConfigs'), RedactedFields: prop(c, 'RedactedFields') })
        : finding(acl, false, `${acl.logicalId} has no logging configuration`, {});
    });
  },
};

// ——— RDS ———

// The databases as stores: RDS instances and Aurora clusters (an Aurora instance holds no data of
// its own: encryption, backups, deletion protection, IAM authentication and logs are its cluster's).
const dbs = (ctx: RuleContext): ModelResource[] => [...ofType(ctx.model, 'AWS::RDS::DBInstance').filter((d) => prop(d, 'DBClusterIdentifier') === undefined), ...ofType(ctx.model, 'AWS::RDS::DBCluster')];
/** Every DB instance, Aurora's too: what is set per instance (public access, monitoring, minor upgrades). */
const instances = (ctx: RuleContext): ModelResource[] => ofType(ctx.model, 'AWS::RDS::DBInstance');
const primaries = (ctx: RuleContext): ModelResource[] => dbs(ctx).filter((d) => prop(d, 'SourceDBInstanceIdentifier') === undefined);
const DEFAULT_PORTS: Readonly<Record<string, number>> = { postgres: 5432, mysql: 3306, mariadb: 3306, 'aurora-postgresql': 5432, 'aurora-mysql': 3306, 'sqlserver-se': 1433, 'oracle-se2': 1521 };
const LOGS: Readonly<Record<string, string>> = { postgres: 'postgresql', mysql: 'error', mariadb: 'error', 'aurora-postgresql': 'postgresql', 'aurora-mysql': 'error' };

function dbControl(id: string, title: string, decide: (d: ModelResource, ctx: RuleContext) => ControlFinding, options: { primariesOnly?: boolean; instances?: boolean; evidences?: SecurityControl['evidences']; base?: string; protectedOnly?: string; cis?: string } = {}): SecurityControl {
  return {
    id,
    family: 'RDS',
    fsbp: id,
    title,
    ...(options.cis ? { cis: options.cis } : {}),
    ...(options.base ? { base: options.base } : {}),
    ...(options.evidences ? { evidences: options.evidences } : {}),
    ...(options.protectedOnly ? { protectedOnly: options.protectedOnly } : {}),
    absent: 'no RDS database',
    evaluate: (ctx) => (options.instances ? instances(ctx) : options.primariesOnly ? primaries(ctx) : dbs(ctx)).map((d) => decide(d, ctx)),
  };
}
const rds2 = dbControl('RDS.2', 'Databases are not publicly accessible', (d) => finding(d, prop(d, 'PubliclyAccessible') !== true, `${d.logicalId} PubliclyAccessible ${String(prop(d, 'PubliclyAccessible') ?? false)}`, { PubliclyAccessible: prop(d, 'PubliclyAccessible') }), { instances: true, base: 'BASE-NO-PUBLIC-DATA-STORES', cis: '2.3.3', evidences: { 'pci-dss': PCI_NET, soc2: SOC2_BOUNDARY } });
const rds3: SecurityControl = {
  id: 'RDS.3',
  family: 'RDS',
  fsbp: 'RDS.3',
  cis: '2.3.1',
  title: 'Databases are encrypted at rest',
  base: 'BASE-ENCRYPTION-AT-REST',
  evidences: { 'pci-dss': PCI_CRYPTO, soc2: 'SOC 2 CC6.1' },
  absent: 'no RDS database',
  evaluate: (ctx) => fromChecks(atRest(ctx), ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster']),
};
const rds6 = dbControl('RDS.6', 'Databases have enhanced monitoring', (d) => finding(d, typeof prop(d, 'MonitoringInterval') === 'number' && (prop(d, 'MonitoringInterval') as number) > 0 && prop(d, 'MonitoringRoleArn') !== undefined, `${d.logicalId} MonitoringInterval ${String(prop(d, 'MonitoringInterval') ?? 0)}`, { MonitoringInterval: prop(d, 'MonitoringInterval'), MonitoringRoleArn: prop(d, 'MonitoringRoleArn') }), { instances: true, evidences: { soc2: SOC2_MONITOR } });
const rds8 = dbControl('RDS.8', 'Databases have deletion protection (protected environments)', (d) => finding(d, prop(d, 'DeletionProtection') === true, `${d.logicalId} DeletionProtection ${String(prop(d, 'DeletionProtection') ?? false)}`, { DeletionProtection: prop(d, 'DeletionProtection'), DeletionPolicy: d.deletionPolicy }), { primariesOnly: true, base: 'BASE-DELETION-PROTECTION', evidences: { soc2: 'SOC 2 A1.2' }, protectedOnly: 'deletion protection is set in protected environments (environments.<name>.protect); a disposable environment may be torn down' });
const rds9 = dbControl('RDS.9', 'Databases export their logs to CloudWatch Logs', (d) => {
  const exports = (prop(d, 'EnableCloudwatchLogsExports') ?? []) as string[];
  const need = LOGS[String(prop(d, 'Engine') ?? 'postgres')] ?? 'postgresql';
  return finding(d, exports.includes(need), `${d.logicalId} exports ${exports.join(', ') || 'nothing'}`, { EnableCloudwatchLogsExports: exports });
}, { evidences: { 'pci-dss': PCI_LOGS, soc2: SOC2_MONITOR } });
const rds10 = dbControl('RDS.10', 'Databases have IAM database authentication', (d) => finding(d, prop(d, 'EnableIAMDatabaseAuthentication') === true, `${d.logicalId} EnableIAMDatabaseAuthentication ${String(prop(d, 'EnableIAMDatabaseAuthentication') ?? false)}`, { EnableIAMDatabaseAuthentication: prop(d, 'EnableIAMDatabaseAuthentication') }), { primariesOnly: true, evidences: { 'pci-dss': 'PCI DSS v4.0 Req. 8.3.1', soc2: SOC2_ACCESS } });
const rds11 = dbControl('RDS.11', 'Databases keep automated backups (7 days or more in protected environments)', (d, ctx) => {
  const days = Number(prop(d, 'BackupRetentionPeriod') ?? 0);
  const min = ctx.production ? 7 : 1;
  return finding(d, days >= min, `${d.logicalId} keeps backups ${days} days (at least ${min} required${ctx.production ? '' : ' outside protected environments'})`, { BackupRetentionPeriod: prop(d, 'BackupRetentionPeriod') });
}, { primariesOnly: true, evidences: { soc2: 'SOC 2 A1.2' } });
const rds13 = dbControl('RDS.13', 'Databases take minor engine upgrades automatically', (d) => finding(d, prop(d, 'AutoMinorVersionUpgrade') !== false, `${d.logicalId} AutoMinorVersionUpgrade ${String(prop(d, 'AutoMinorVersionUpgrade') ?? true)}`, { AutoMinorVersionUpgrade: prop(d, 'AutoMinorVersionUpgrade') }), { instances: true, cis: '2.3.2', evidences: { 'pci-dss': 'PCI DSS v4.0 Req. 6.3.3' } });
const rds17 = dbControl('RDS.17', 'Databases copy their tags to snapshots', (d) => finding(d, prop(d, 'CopyTagsToSnapshot') === true, `${d.logicalId} CopyTagsToSnapshot ${String(prop(d, 'CopyTagsToSnapshot') ?? false)}`, { CopyTagsToSnapshot: prop(d, 'CopyTagsToSnapshot') }));
const rds23 = dbControl('RDS.23', "Databases do not listen on their engine's default port", (d) => {
  const port = Number(prop(d, 'Port') ?? DEFAULT_PORTS[String(prop(d, 'Engine'))]);
  const def = DEFAULT_PORTS[String(prop(d, 'Engine'))];
  return finding(d, port !== def, `${d.logicalId} listens on ${port}${port === def ? ' (the default)' : ''}`, { Engine: prop(d, 'Engine'), Port: prop(d, 'Port') });
});

function eventControl(id: string, title: string, sourceType: string, clusters = false): SecurityControl {
  return {
    id,
    family: 'RDS',
    fsbp: id,
    title,
    evidences: { soc2: SOC2_MONITOR },
    absent: clusters ? 'no Aurora cluster' : 'no RDS database',
    evaluate(ctx) {
      const subject = clusters ? ofType(ctx.model, 'AWS::RDS::DBCluster') : primaries(ctx);
      if (subject.length === 0) return [];
      const subs = ofType(ctx.model, 'AWS::RDS::EventSubscription').filter((s) => prop(s, 'SourceType') === sourceType && prop(s, 'Enabled') !== false);
      if (subs.length === 0) return subject.map((d) => finding(d, false, `no RDS event subscription for ${sourceType} events`, {}));
      return subs.map((s) => finding(s, true, `${s.logicalId} notifies ${sourceType} events`, { SourceType: sourceType, EventCategories: prop(s, 'EventCategories'), SnsTopicArn: prop(s, 'SnsTopicArn') }));
    },
  };
}
const rds19 = eventControl('RDS.19', 'An event subscription covers critical cluster events', 'db-cluster', true);
const rds20 = eventControl('RDS.20', 'An event subscription covers critical database instance events', 'db-instance');
const rds21 = eventControl('RDS.21', 'An event subscription covers critical parameter group events', 'db-parameter-group');
const rds22 = eventControl('RDS.22', 'An event subscription covers critical security group events', 'db-security-group');

// ——— EC2 / Auto Scaling ———

const ec2_2: SecurityControl = {
  id: 'EC2.2',
  family: 'EC2',
  fsbp: 'EC2.2',
  cis: '5.4',
  title: "The VPC's default security group allows no traffic",
  base: 'BASE-DEFAULT-SG-CLOSED',
  evidences: { 'pci-dss': PCI_NET, soc2: SOC2_BOUNDARY },
  absent: 'no VPC',
  evaluate: (ctx) => fromChecks(defaultSecurityGroupClosed.check(ctx)),
};
const ec2_6: SecurityControl = {
  id: 'EC2.6',
  family: 'EC2',
  fsbp: 'EC2.6',
  cis: '3.7',
  title: 'Every VPC has flow logs (all traffic)',
  base: 'BASE-FLOW-LOGS',
  evidences: { 'pci-dss': PCI_LOGS, soc2: SOC2_MONITOR },
  absent: 'no VPC',
  evaluate(ctx) {
    const logs = ofType(ctx.model, 'AWS::EC2::FlowLog');
    return ofType(ctx.model, 'AWS::EC2::VPC').map((vpc) => {
      const fl = logs.find((f) => target(prop(f, 'ResourceId')) === vpc.logicalId && prop(f, 'TrafficType') === 'ALL');
      return fl
        ? finding(fl, true, `${fl.logicalId} records all traffic of ${vpc.logicalId}`, { ResourceId: prop(fl, 'ResourceId'), TrafficType: prop(fl, 'TrafficType'), LogDestinationType: prop(fl, 'LogDestinationType'), LogDestination: prop(fl, 'LogDestination') })
        : finding(vpc, false, `${vpc.logicalId} has no flow log of all traffic (network.flowLogs)`, {});
    });
  },
};
const templates = (ctx: RuleContext): ModelResource[] => ofType(ctx.model, 'AWS::EC2::LaunchTemplate');
const ec2_8: SecurityControl = {
  id: 'EC2.8',
  family: 'EC2',
  fsbp: 'EC2.8',
  cis: '5.6',
  title: 'Instances require IMDSv2 (AutoScaling.3 for the groups\' launch templates)',
  base: 'BASE-IMDSV2',
  absent: 'no EC2 instances (no launch template)',
  evaluate: (ctx) => templates(ctx).map((t) => finding(t, prop(t, 'LaunchTemplateData', 'MetadataOptions', 'HttpTokens') === 'required', `${t.logicalId} HttpTokens ${String(prop(t, 'LaunchTemplateData', 'MetadataOptions', 'HttpTokens') ?? '(unset)')}`, { 'LaunchTemplateData.MetadataOptions.HttpTokens': prop(t, 'LaunchTemplateData', 'MetadataOptions', 'HttpTokens') })),
};
const as4: SecurityControl = {
  id: 'AutoScaling.4',
  family: 'EC2',
  fsbp: 'AutoScaling.4',
  title: 'Instance metadata answers one hop only (no instance credentials from containers)',
  base: 'BASE-IMDSV2',
  absent: 'no EC2 instances (no launch template)',
  evaluate: (ctx) =>
    templates(ctx).map((t) => {
      const hops = prop(t, 'LaunchTemplateData', 'MetadataOptions', 'HttpPutResponseHopLimit');
      return finding(t, hops === undefined || hops === 1, `${t.logicalId} hop limit ${String(hops ?? '1 (default)')}`, { 'LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit': hops });
    }),
};
const ec2_10: SecurityControl = {
  id: 'EC2.10',
  family: 'EC2',
  fsbp: 'EC2.10',
  title: 'The VPC has an interface endpoint for the EC2 API',
  absent: 'no VPC',
  evaluate(ctx) {
    const endpoints = ofType(ctx.model, 'AWS::EC2::VPCEndpoint');
    // Fargate tasks and pods do not call the EC2 API from the VPC; instances (their agents) do.
    const instances = ctx.model.resources.filter((r) => EC2_INSTANCE_TYPES.has(r.type)).length;
    return ofType(ctx.model, 'AWS::EC2::VPC').map((vpc) => {
      if (instances === 0) return finding(vpc, 'not-applicable', `no EC2 instances run in ${vpc.logicalId}, so nothing in it calls the EC2 API`, {});
      const e = endpoints.find((x) => target(prop(x, 'VpcId')) === vpc.logicalId && /\.ec2"?\}?$/.test(JSON.stringify(prop(x, 'ServiceName'))));
      return e ? finding(e, true, `${e.logicalId} serves the EC2 API inside ${vpc.logicalId}`, { ServiceName: prop(e, 'ServiceName'), VpcEndpointType: prop(e, 'VpcEndpointType') }) : finding(vpc, false, `${vpc.logicalId} has no EC2 interface endpoint`, {});
    });
  },
};
const EC2_INSTANCE_TYPES = new Set(['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::EKS::Nodegroup']);
const ADMIN_PORTS = [22, 3389];
const coversAdminPort = (e: { Protocol?: CfnValue; PortRange?: { From?: number; To?: number } }): boolean =>
  String(e.Protocol) === '-1' || (e.PortRange !== undefined && ADMIN_PORTS.some((p) => (e.PortRange!.From ?? 0) <= p && p <= (e.PortRange!.To ?? 65535)));
const ec2_21: SecurityControl = {
  id: 'EC2.21',
  family: 'EC2',
  fsbp: 'EC2.21',
  cis: '5.1',
  title: 'Network ACLs allow no ingress from 0.0.0.0/0 to ports 22 or 3389 (every subnet has one; the default ACL allows everything)',
  evidences: { 'pci-dss': PCI_NET, soc2: SOC2_BOUNDARY },
  absent: 'no subnets',
  evaluate(ctx) {
    const assoc = ofType(ctx.model, 'AWS::EC2::SubnetNetworkAclAssociation');
    const entries = ofType(ctx.model, 'AWS::EC2::NetworkAclEntry');
    const aclOpen = (acl: string): string[] =>
      entries
        .filter((e) => target(prop(e, 'NetworkAclId')) === acl && prop(e, 'Egress') !== true && prop(e, 'RuleAction') === 'allow' && (prop(e, 'CidrBlock') === '0.0.0.0/0' || prop(e, 'Ipv6CidrBlock') === '::/0'))
        .filter((e) => coversAdminPort({ Protocol: prop(e, 'Protocol'), PortRange: prop(e, 'PortRange') as never }))
        .map((e) => e.logicalId);
    return ofType(ctx.model, 'AWS::EC2::Subnet').map((s) => {
      const a = assoc.find((x) => target(prop(x, 'SubnetId')) === s.logicalId);
      const acl = a ? target(prop(a, 'NetworkAclId')) : undefined;
      if (acl === undefined) return finding(s, false, `${s.logicalId} uses the VPC's default network ACL (all traffic allowed)`, { NetworkAcl: '(default)' });
      const open = aclOpen(acl);
      return finding(s, open.length === 0, open.length ? `${acl} lets the internet reach 22/3389 (${open.join(', ')})` : `${s.logicalId}'s ACL ${acl} admits no 0.0.0.0/0 traffic to 22 or 3389`, { NetworkAclId: acl, 'open entries': open });
    });
  },
};
const OPEN = new Set(['0.0.0.0/0', '::/0']);
interface Ingress { CidrIp?: string; CidrIpv6?: string; IpProtocol?: CfnValue; FromPort?: number; ToPort?: number }
/** Each security group's ingress rules (inline and separate resources), by group. */
function sgIngress(ctx: RuleContext): Map<ModelResource, { rule: Ingress; via: ModelResource }[]> {
  const groups = new Map(ofType(ctx.model, 'AWS::EC2::SecurityGroup').map((g) => [g.logicalId, g]));
  const out = new Map<ModelResource, { rule: Ingress; via: ModelResource }[]>([...groups.values()].map((g) => [g, ((prop(g, 'SecurityGroupIngress') ?? []) as unknown as Ingress[]).map((rule) => ({ rule, via: g }))]));
  for (const r of ofType(ctx.model, 'AWS::EC2::SecurityGroupIngress')) {
    const g = groups.get(target(prop(r, 'GroupId')) ?? '');
    if (g) out.get(g)!.push({ rule: r.properties as Ingress, via: r });
  }
  return out;
}
const HIGH_RISK = [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300];
function sgControl(id: string, cis: string | undefined, title: string, bad: (rule: Ingress, group: ModelResource) => boolean): SecurityControl {
  return {
    id,
    family: 'EC2',
    fsbp: id,
    ...(cis ? { cis } : {}),
    title,
    base: 'BASE-SG-LEAST-PRIVILEGE',
    evidences: { 'pci-dss': PCI_NET, soc2: SOC2_BOUNDARY },
    absent: 'no security groups',
    evaluate(ctx) {
      const rules = sgIngress(ctx);
      return ofType(ctx.model, 'AWS::EC2::SecurityGroup').map((g) => {
        const open = (rules.get(g) ?? []).filter((x) => OPEN.has(x.rule.CidrIp ?? '') || OPEN.has(x.rule.CidrIpv6 ?? ''));
        const failing = open.filter((x) => bad(x.rule, g));
        const props = { 'ingress from 0.0.0.0/0': open.map((x) => `${x.via.logicalId}: ${String(x.rule.IpProtocol)} ${String(x.rule.FromPort ?? 'all')}-${String(x.rule.ToPort ?? 'all')}`) };
        return finding(g, failing.length === 0, failing.length ? `${g.logicalId} opens ${failing.map((x) => `${String(x.rule.FromPort ?? 'all')}`).join(', ')} to the internet` : open.length ? `${g.logicalId} (the load balancer) takes only HTTP/HTTPS from the internet` : `${g.logicalId} takes no traffic from the internet`, props);
      });
    },
  };
}
const allPorts = (r: Ingress): boolean => String(r.IpProtocol) === '-1' || r.FromPort === undefined;
const ec2_18 = sgControl('EC2.18', undefined, 'Security groups admit unrestricted traffic only on authorized ports (80 and 443, the load balancer\'s)', (r, g) => allPorts(r) || !(g.component === 'ingress' && r.FromPort === r.ToPort && (r.FromPort === 80 || r.FromPort === 443)));
const ec2_19 = sgControl('EC2.19', undefined, 'Security groups admit no unrestricted traffic to high-risk ports (22, 3389, databases...)', (r) => allPorts(r) || HIGH_RISK.some((p) => (r.FromPort ?? 0) <= p && p <= (r.ToPort ?? 65535)));

// ——— ECS ———

interface Container { Name?: string; Privileged?: boolean; ReadonlyRootFilesystem?: boolean; User?: string; Environment?: { Name?: string; Value?: CfnValue }[] }
const containers = (ctx: RuleContext): { task: ModelResource; c: Container }[] => ofType(ctx.model, 'AWS::ECS::TaskDefinition').flatMap((task) => ((prop(task, 'ContainerDefinitions') ?? []) as unknown as Container[]).map((c) => ({ task, c })));
function containerControl(id: string, title: string, decide: (c: Container, task: ModelResource) => ControlFinding): SecurityControl {
  return { id, family: 'ECS', fsbp: id, title, absent: 'no ECS task definitions', evaluate: (ctx) => containers(ctx).map(({ task, c }) => decide(c, task)) };
}
const ecs2: SecurityControl = {
  id: 'ECS.2',
  family: 'ECS',
  fsbp: 'ECS.2',
  title: 'ECS services are not assigned public IP addresses',
  evidences: { 'pci-dss': PCI_NET },
  absent: 'no ECS services',
  evaluate: (ctx) => ofType(ctx.model, 'AWS::ECS::Service').map((s) => finding(s, prop(s, 'NetworkConfiguration', 'AwsvpcConfiguration', 'AssignPublicIp') !== 'ENABLED', `${s.logicalId} AssignPublicIp ${String(prop(s, 'NetworkConfiguration', 'AwsvpcConfiguration', 'AssignPublicIp') ?? 'DISABLED')}`, { 'NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp': prop(s, 'NetworkConfiguration', 'AwsvpcConfiguration', 'AssignPublicIp') })),
};
const ecs4 = containerControl('ECS.4', 'ECS containers are not privileged', (c, t) => finding(t, c.Privileged !== true, `${t.logicalId} ${String(c.Name)} Privileged ${String(c.Privileged ?? false)}`, { [`ContainerDefinitions[${String(c.Name)}].Privileged`]: c.Privileged }));
const ecs5 = containerControl('ECS.5', 'ECS containers have a read-only root file system', (c, t) => finding(t, c.ReadonlyRootFilesystem === true, `${t.logicalId} ${String(c.Name)} ReadonlyRootFilesystem ${String(c.ReadonlyRootFilesystem ?? false)}`, { [`ContainerDefinitions[${String(c.Name)}].ReadonlyRootFilesystem`]: c.ReadonlyRootFilesystem }));
const CREDENTIAL_VARS = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'ECS_ENGINE_AUTH_DATA']);
const ecs8 = containerControl('ECS.8', 'Secrets are not passed as plain environment variables (credentials names, or a resolved secret)', (c, t) => {
  const bad = (c.Environment ?? []).filter((e) => CREDENTIAL_VARS.has(e.Name ?? '') || JSON.stringify(e.Value ?? '').includes('{{resolve:secretsmanager'));
  return finding(t, bad.length === 0, bad.length ? `${t.logicalId} ${String(c.Name)} passes ${bad.map((e) => e.Name).join(', ')} in plain text` : `${t.logicalId} ${String(c.Name)} takes secrets from Secrets (ValueFrom) only`, { [`ContainerDefinitions[${String(c.Name)}].Environment (secret-like)`]: bad.map((e) => e.Name) });
});
const ecs12: SecurityControl = {
  id: 'ECS.12',
  family: 'ECS',
  fsbp: 'ECS.12',
  title: 'ECS clusters have Container Insights',
  evidences: { soc2: SOC2_MONITOR },
  absent: 'no ECS cluster',
  evaluate: (ctx) =>
    ofType(ctx.model, 'AWS::ECS::Cluster').map((c) => {
      const v = ((prop(c, 'ClusterSettings') ?? []) as { Name?: string; Value?: string }[]).find((s) => s.Name === 'containerInsights')?.Value;
      return finding(c, v === 'enabled' || v === 'enhanced', `${c.logicalId} containerInsights ${String(v ?? 'off')}`, { 'ClusterSettings.containerInsights': v });
    }),
};
const ecsUser: SecurityControl = {
  id: 'DEX.ECS.User',
  family: 'ECS',
  other: 'CIS Docker Benchmark 4.1',
  title: 'ECS containers run as a non-root user, or the service says why not (runAsRoot)',
  base: 'BASE-NON-ROOT-CONTAINERS',
  absent: 'no ECS task definitions',
  evaluate: (ctx) => (ofType(ctx.model, 'AWS::ECS::TaskDefinition').length === 0 ? [] : fromChecks(nonRootContainers.check(ctx))),
};

const ecsExec: SecurityControl = {
  id: 'DEX.ECS.Exec',
  family: 'ECS',
  other: 'PCI DSS v4.0 10.2.1 (individual access logged); AWS ECS Exec guidance (session logging, KMS)',
  title: 'ECS Exec is off, or its sessions are KMS-encrypted and logged and the services that allow it are listed',
  base: 'BASE-ECS-EXEC',
  evidences: { 'pci-dss': PCI_LOGS, soc2: SOC2_MONITOR },
  absent: 'no ECS cluster',
  evaluate: (ctx) => (ofType(ctx.model, 'AWS::ECS::Service').length === 0 ? [] : fromChecks(ecsExecLogged.check(ctx))),
};

// ——— EKS ———

const clusters = (ctx: RuleContext): ModelResource[] => ofType(ctx.model, 'AWS::EKS::Cluster');
const eks1: SecurityControl = {
  id: 'EKS.1',
  family: 'EKS',
  fsbp: 'EKS.1',
  title: 'The EKS API endpoint is private, or public only to named ranges',
  evidences: { 'pci-dss': PCI_NET, soc2: SOC2_BOUNDARY },
  absent: 'no EKS cluster',
  evaluate: (ctx) =>
    clusters(ctx).map((c) => {
      const pub = prop(c, 'ResourcesVpcConfig', 'EndpointPublicAccess');
      const cidrs = (prop(c, 'ResourcesVpcConfig', 'PublicAccessCidrs') ?? []) as string[];
      const ok = pub === false || (cidrs.length > 0 && !cidrs.some((x) => OPEN.has(x)));
      return finding(c, ok, pub === false ? `${c.logicalId} has a private endpoint only` : `${c.logicalId} public endpoint open to ${cidrs.join(', ') || '0.0.0.0/0'}`, { 'ResourcesVpcConfig.EndpointPublicAccess': pub, 'ResourcesVpcConfig.PublicAccessCidrs': cidrs.length ? cidrs : undefined });
    }),
};
const eks2: SecurityControl = {
  id: 'EKS.2',
  family: 'EKS',
  fsbp: 'EKS.2',
  title: 'EKS runs a Kubernetes version in the EKS support calendar (the date is judged by dex validate: DEX check of platforms.eks.version)',
  evidences: { 'pci-dss': 'PCI DSS v4.0 Req. 6.3.3' },
  absent: 'no EKS cluster',
  evaluate: (ctx) => clusters(ctx).map((c) => finding(c, EKS_SUPPORT[String(prop(c, 'Version'))] !== undefined, `${c.logicalId} runs ${String(prop(c, 'Version'))}${EKS_SUPPORT[String(prop(c, 'Version'))] ? ` (standard support until ${EKS_SUPPORT[String(prop(c, 'Version'))]!.standardEnd})` : ', not in the support calendar'}`, { Version: prop(c, 'Version'), 'UpgradePolicy.SupportType': prop(c, 'UpgradePolicy', 'SupportType') })),
};
const eks3: SecurityControl = {
  id: 'EKS.3',
  family: 'EKS',
  fsbp: 'EKS.3',
  title: 'EKS encrypts Kubernetes secrets with a KMS key',
  base: 'BASE-ENCRYPTION-AT-REST',
  absent: 'no EKS cluster',
  evaluate: (ctx) => fromChecks(atRest(ctx), ['AWS::EKS::Cluster']),
};
const eks8: SecurityControl = {
  id: 'EKS.8',
  family: 'EKS',
  fsbp: 'EKS.8',
  title: 'EKS control plane audit logging is on',
  evidences: { 'pci-dss': PCI_LOGS, soc2: SOC2_MONITOR },
  absent: 'no EKS cluster',
  evaluate: (ctx) =>
    clusters(ctx).map((c) => {
      const types = ((prop(c, 'Logging', 'ClusterLogging', 'EnabledTypes') ?? []) as { Type?: string }[]).map((t) => t.Type);
      return finding(c, types.includes('audit'), `${c.logicalId} logs ${types.join(', ') || 'nothing'}`, { 'Logging.ClusterLogging.EnabledTypes': types });
    }),
};

// ——— ElastiCache ———

const caches = (ctx: RuleContext): ModelResource[] => ofType(ctx.model, 'AWS::ElastiCache::ReplicationGroup');
function cacheControl(id: string, title: string, decide: (c: ModelResource) => ControlFinding, extra: Partial<SecurityControl> = {}): SecurityControl {
  return { id, family: 'ElastiCache', fsbp: id, title, absent: 'no ElastiCache cache', ...extra, evaluate: (ctx) => caches(ctx).map(decide) };
}
const ec1 = cacheControl('ElastiCache.1', 'Caches take automatic backups (snapshots)', (c) => finding(c, Number(prop(c, 'SnapshotRetentionLimit') ?? 0) > 0, `${c.logicalId} keeps snapshots ${String(prop(c, 'SnapshotRetentionLimit') ?? 0)} day(s)`, { SnapshotRetentionLimit: prop(c, 'SnapshotRetentionLimit') }), { evidences: { soc2: 'SOC 2 A1.2' } });
const ec2 = cacheControl('ElastiCache.2', 'Caches take minor engine upgrades automatically', (c) => finding(c, prop(c, 'AutoMinorVersionUpgrade') !== false, `${c.logicalId} AutoMinorVersionUpgrade ${String(prop(c, 'AutoMinorVersionUpgrade') ?? true)}`, { AutoMinorVersionUpgrade: prop(c, 'AutoMinorVersionUpgrade') }));
const ec3 = cacheControl('ElastiCache.3', 'Caches fail over automatically (protected environments)', (c) => finding(c, prop(c, 'AutomaticFailoverEnabled') === true, `${c.logicalId} AutomaticFailoverEnabled ${String(prop(c, 'AutomaticFailoverEnabled') ?? false)}`, { AutomaticFailoverEnabled: prop(c, 'AutomaticFailoverEnabled') }), { protectedOnly: 'a single-node cache is a cost choice outside protected environments (environments.<name>.protect)', evidences: { soc2: 'SOC 2 A1.2' } });
const ec4 = cacheControl('ElastiCache.4', 'Caches are encrypted at rest', (c) => finding(c, prop(c, 'AtRestEncryptionEnabled') === true, `${c.logicalId} AtRestEncryptionEnabled ${String(prop(c, 'AtRestEncryptionEnabled') ?? false)}`, { AtRestEncryptionEnabled: prop(c, 'AtRestEncryptionEnabled'), KmsKeyId: prop(c, 'KmsKeyId') }), { base: 'BASE-ENCRYPTION-AT-REST', evidences: { 'pci-dss': PCI_CRYPTO } });
const ec5 = cacheControl('ElastiCache.5', 'Caches require TLS in transit', (c) => finding(c, prop(c, 'TransitEncryptionEnabled') === true, `${c.logicalId} TransitEncryptionEnabled ${String(prop(c, 'TransitEncryptionEnabled') ?? false)}`, { TransitEncryptionEnabled: prop(c, 'TransitEncryptionEnabled') }), { base: 'BASE-ENCRYPTION-IN-TRANSIT', evidences: { 'pci-dss': 'PCI DSS v4.0 Req. 4.2.1' } });
/**
 * ElastiCache.6: a cache with a user group authenticates its users — evidence is each user, its
 * authentication mode and access string — and fails if one of them is on without a credential
 * (`no-password-required`); one without a user group needs its AUTH token.
 */
const ec6: SecurityControl = {
  id: 'ElastiCache.6',
  family: 'ElastiCache',
  fsbp: 'ElastiCache.6',
  title: 'Caches authenticate clients (AUTH token or ACL user groups)',
  absent: 'no ElastiCache cache',
  evidences: { 'pci-dss': 'PCI DSS v4.0 Req. 8.3.1', soc2: SOC2_ACCESS },
  evaluate: (ctx) =>
    caches(ctx).map((c) => {
      const groups = ((prop(c, 'UserGroupIds') ?? []) as CfnValue[]).map(target).filter((id): id is string => id !== undefined);
      if (groups.length === 0) {
        const token = prop(c, 'AuthToken') !== undefined;
        return finding(c, token, token ? `${c.logicalId} requires an AUTH token` : `${c.logicalId} accepts any client`, { AuthToken: token ? '(from Secrets Manager)' : undefined, UserGroupIds: prop(c, 'UserGroupIds') });
      }
      const byId = new Map(ctx.model.resources.map((r) => [r.logicalId, r]));
      const users = groups.flatMap((g) => ((byId.has(g) ? prop(byId.get(g)!, 'UserIds') : undefined) ?? []) as CfnValue[]).map((u) => byId.get(target(u) ?? ''));
      const known = users.filter((u): u is ModelResource => u !== undefined);
      const mode = (u: ModelResource): string => String(prop(u, 'AuthenticationMode', 'Type') ?? (prop(u, 'NoPasswordRequired') === true ? 'no-password-required' : 'password'));
      const open = known.filter((u) => /^on\b/.test(String(prop(u, 'AccessString') ?? '')) && mode(u) === 'no-password-required');
      const counts = [...new Set(known.map(mode))].sort().map((m) => `${known.filter((u) => mode(u) === m).length} ${m}`).join(', ');
      return finding(
        c,
        open.length === 0,
        open.length ? `${c.logicalId} lets ${open.map((u) => u.logicalId).join(', ')} sign in without a credential` : `${c.logicalId} authenticates ACL users (${counts}; ${known.filter((u) => /^off\b/.test(String(prop(u, 'AccessString') ?? ''))).length} switched off)`,
        { UserGroupIds: prop(c, 'UserGroupIds'), Users: known.map((u) => ({ user: u.logicalId, UserName: prop(u, 'UserName'), AuthenticationMode: mode(u), AccessString: prop(u, 'AccessString') })) },
      );
    }),
};

// ——— Secrets Manager, SNS, KMS, CloudWatch ———

const sm1: SecurityControl = {
  id: 'SecretsManager.1',
  family: 'SecretsManager',
  fsbp: 'SecretsManager.1',
  title: 'Secrets dex generates (database master, cache AUTH token, cache user passwords, Grafana admin) rotate automatically; placeholders the user fills are theirs to rotate',
  evidences: { 'pci-dss': 'PCI DSS v4.0 Req. 8.3.9', soc2: SOC2_ACCESS },
  absent: 'no secrets',
  evaluate(ctx) {
    const schedules = ofType(ctx.model, 'AWS::SecretsManager::RotationSchedule');
    const switchedOffUsers = ofType(ctx.model, 'AWS::ElastiCache::User').filter((u) => /^off\b/.test(String(prop(u, 'AccessString') ?? '')));
    const out: ControlFinding[] = [];
    for (const s of ofType(ctx.model, 'AWS::SecretsManager::Secret')) {
      const rotation = schedules.find((x) => target(prop(x, 'SecretId')) === s.logicalId);
      // The password of a switched-off ElastiCache user (the `default` user every user group must
      // hold, when services sign in with IAM) authenticates nobody: there is nothing to rotate.
      const offUser = switchedOffUsers.find((u) => JSON.stringify(prop(u, 'AuthenticationMode') ?? null).includes(`"${s.logicalId}"`));
      if (offUser !== undefined) {
        out.push(finding(s, 'not-applicable', `${s.logicalId} is the password of ${offUser.logicalId}, a switched-off user (${String(prop(offUser, 'AccessString'))}): it authenticates nobody`, { AccessString: prop(offUser, 'AccessString') }));
        continue;
      }
      if (prop(s, 'GenerateSecretString') === undefined) {
        out.push(finding(s, 'not-applicable', `${s.logicalId} is a placeholder: its value is set outside dex, and so is its rotation`, { GenerateSecretString: undefined }));
        continue;
      }
      out.push(finding(s, rotation !== undefined, rotation ? `${rotation.logicalId} rotates ${s.logicalId}` : `${s.logicalId} is generated by dex and never rotated`, { RotationSchedule: rotation?.logicalId, RotationRules: rotation ? prop(rotation, 'RotationRules') : undefined }));
    }
    // An RDS-managed master secret rotates (every 7 days by default).
    for (const d of primaries(ctx)) if (prop(d, 'ManageMasterUserPassword') === true) out.push(finding(d, true, `${d.logicalId}'s master secret is managed and rotated by RDS`, { ManageMasterUserPassword: true, MasterUserSecret: prop(d, 'MasterUserSecret') }));
    return out;
  },
};
const sns1: SecurityControl = {
  id: 'SNS.1',
  family: 'SNS',
  fsbp: 'SNS.1',
  title: 'SNS topics are encrypted at rest with KMS',
  base: 'BASE-ENCRYPTION-AT-REST',
  absent: 'no SNS topics',
  evaluate: (ctx) => fromChecks(atRest(ctx), ['AWS::SNS::Topic']),
};
const sns2: SecurityControl = {
  id: 'SNS.2',
  family: 'SNS',
  fsbp: 'SNS.2',
  title: 'SNS topics log delivery status',
  evidences: { soc2: SOC2_MONITOR },
  absent: 'no SNS topics',
  evaluate: (ctx) => {
    const subscriptions = ofType(ctx.model, 'AWS::SNS::Subscription');
    return ofType(ctx.model, 'AWS::SNS::Topic').map((t) => {
      const logging = (prop(t, 'DeliveryStatusLogging') ?? []) as unknown[];
      if (logging.length > 0) return finding(t, 'pass', `${t.logicalId} logs delivery status`, { DeliveryStatusLogging: prop(t, 'DeliveryStatusLogging') });
      const protocols = [...new Set(subscriptions.filter((s) => JSON.stringify(prop(s, 'TopicArn')) === JSON.stringify({ Ref: t.logicalId })).map((s) => String(prop(s, 'Protocol'))))].sort();
      // SNS records delivery status only for HTTP(S), SQS, Lambda, Firehose and platform
      // endpoints (DeliveryStatusLogging accepts no other protocol): a topic that only e-mails or
      // texts has no delivery status to log.
      const logged = protocols.filter((p) => LOGGED_SNS_PROTOCOLS.has(p));
      if (logged.length === 0) return finding(t, 'not-applicable', `${t.logicalId} delivers only by ${protocols.join(', ') || 'no subscription'}, for which SNS records no delivery status`, { DeliveryStatusLogging: undefined, SubscriptionProtocols: protocols });
      return finding(t, 'fail', `${t.logicalId} logs no delivery status for its ${logged.join(', ')} subscriptions`, { DeliveryStatusLogging: undefined, SubscriptionProtocols: protocols });
    });
  },
};
/** The protocols AWS::SNS::Topic DeliveryStatusLogging accepts. */
const LOGGED_SNS_PROTOCOLS = new Set(['http', 'https', 'sqs', 'lambda', 'firehose', 'application']);
const kms4: SecurityControl = {
  id: 'KMS.4',
  family: 'KMS',
  fsbp: 'KMS.4',
  cis: '3.6',
  title: 'Customer-managed symmetric keys rotate yearly',
  evidences: { 'pci-dss': 'PCI DSS v4.0 Req. 3.6.1, 3.7.4' },
  absent: 'no KMS keys',
  evaluate: (ctx) =>
    ofType(ctx.model, 'AWS::KMS::Key').map((k) =>
      (prop(k, 'KeySpec') ?? 'SYMMETRIC_DEFAULT') !== 'SYMMETRIC_DEFAULT'
        ? finding(k, 'not-applicable', `${k.logicalId} is asymmetric: AWS does not rotate those`, { KeySpec: prop(k, 'KeySpec') })
        : finding(k, prop(k, 'EnableKeyRotation') === true, `${k.logicalId} EnableKeyRotation ${String(prop(k, 'EnableKeyRotation') ?? false)}`, { EnableKeyRotation: prop(k, 'EnableKeyRotation'), KeySpec: prop(k, 'KeySpec') }),
    ),
};
const logsKms: SecurityControl = {
  id: 'DEX.Logs.KMS',
  family: 'CloudWatch',
  other: 'AWS Well-Architected SEC08-BP02 (no FSBP control)',
  title: 'Log groups are encrypted with the system KMS key',
  base: 'BASE-ENCRYPTION-AT-REST',
  evidences: { 'pci-dss': PCI_LOG_PROTECT, soc2: SOC2_MONITOR },
  absent: 'no log groups',
  evaluate: (ctx) => fromChecks(atRest(ctx, true).filter((c) => (c.evidence ?? [])[0]?.type === 'AWS::Logs::LogGroup').concat(atRest(ctx).filter((c) => !c.ok)), ['AWS::Logs::LogGroup']),
};
const cw16: SecurityControl = {
  id: 'CloudWatch.16',
  family: 'CloudWatch',
  fsbp: 'CloudWatch.16',
  title: 'Log groups are retained for a set period',
  base: 'BASE-LOG-RETENTION',
  evidences: { 'pci-dss': 'PCI DSS v4.0 Req. 10.5.1', soc2: SOC2_MONITOR },
  absent: 'no log groups',
  evaluate: (ctx) => fromChecks(logRetentionSet.check(ctx)),
};

// ——— CodeBuild ———

const projects = (ctx: RuleContext): ModelResource[] => ofType(ctx.model, 'AWS::CodeBuild::Project');
const codeBuild2: SecurityControl = {
  id: 'CodeBuild.2',
  family: 'CodeBuild',
  fsbp: 'CodeBuild.2',
  title: 'CodeBuild environment variables hold no plain-text AWS credentials',
  absent: 'no CodeBuild projects (CI is GitHub Actions, or none)',
  evaluate: (ctx) =>
    projects(ctx).map((p) => {
      const bad = ((prop(p, 'Environment', 'EnvironmentVariables') ?? []) as { Name?: string; Type?: string }[]).filter((v) => (v.Type ?? 'PLAINTEXT') === 'PLAINTEXT' && CREDENTIAL_VARS.has(v.Name ?? ''));
      return finding(p, bad.length === 0, bad.length ? `${p.logicalId} passes ${bad.map((v) => v.Name).join(', ')} in plain text` : `${p.logicalId} holds no credentials in its environment`, { 'Environment.EnvironmentVariables (credentials)': bad.map((v) => v.Name) });
    }),
};
const codeBuild3: SecurityControl = {
  id: 'CodeBuild.3',
  family: 'CodeBuild',
  fsbp: 'CodeBuild.3',
  title: 'CodeBuild S3 logs are encrypted',
  absent: 'no CodeBuild project writes logs to S3 (they log to CloudWatch Logs, encrypted: DEX.Logs.KMS)',
  evaluate: (ctx) => projects(ctx).filter((p) => prop(p, 'LogsConfig', 'S3Logs', 'Status') === 'ENABLED').map((p) => finding(p, prop(p, 'LogsConfig', 'S3Logs', 'EncryptionDisabled') !== true, `${p.logicalId} S3 logs encryption`, { 'LogsConfig.S3Logs': prop(p, 'LogsConfig', 'S3Logs') })),
};
const codeBuild4: SecurityControl = {
  id: 'CodeBuild.4',
  family: 'CodeBuild',
  fsbp: 'CodeBuild.4',
  title: 'CodeBuild projects log to CloudWatch Logs or S3',
  evidences: { 'pci-dss': PCI_LOGS, soc2: 'SOC 2 CC8.1' },
  absent: 'no CodeBuild projects (CI is GitHub Actions, or none)',
  evaluate: (ctx) => projects(ctx).map((p) => finding(p, prop(p, 'LogsConfig', 'CloudWatchLogs', 'Status') === 'ENABLED' || prop(p, 'LogsConfig', 'S3Logs', 'Status') === 'ENABLED', `${p.logicalId} logs to ${String(prop(p, 'LogsConfig', 'CloudWatchLogs', 'GroupName') ?? 'nowhere')}`, { LogsConfig: prop(p, 'LogsConfig') })),
};
const codeBuild5: SecurityControl = {
  id: 'CodeBuild.5',
  family: 'CodeBuild',
  fsbp: 'CodeBuild.5',
  title: 'CodeBuild projects are not privileged, unless a Docker daemon is needed (and said why)',
  absent: 'no CodeBuild projects (CI is GitHub Actions, or none)',
  evaluate: (ctx) =>
    projects(ctx).map((p) => {
      const privileged = truthy(prop(p, 'Environment', 'PrivilegedMode'));
      const deploy = String(prop(p, 'Name') ?? '').endsWith('-deploy');
      const props = { 'Environment.PrivilegedMode': prop(p, 'Environment', 'PrivilegedMode') };
      if (!privileged) return finding(p, true, `${p.logicalId} is not privileged`, props);
      // services/cicd.ts: a later stage's deploy promotes the images it released with `docker buildx imagetools`, which needs the daemon.
      return deploy ? finding(p, true, `exception: ${p.logicalId} promotes the previous stage's images with the Docker CLI (buildx imagetools), which needs the Docker daemon; it builds nothing`, props) : finding(p, false, `${p.logicalId} is privileged with no reason`, props);
    }),
};

/** Every control, in the order docs/security.md lists them. */
// ——— Cognito ———

const cognito1: SecurityControl = {
  id: 'Cognito.1',
  family: 'Cognito',
  fsbp: 'Cognito.1',
  title: 'Cognito user pools enforce threat protection for standard authentication',
  absent: 'no Cognito user pools (Grafana signs in with its password or an OIDC provider)',
  evaluate: (ctx) =>
    ofType(ctx.model, 'AWS::Cognito::UserPool').map((p) => {
      const mode = (prop(p, 'UserPoolAddOns') as { AdvancedSecurityMode?: string } | undefined)?.AdvancedSecurityMode;
      const properties = { 'UserPoolAddOns.AdvancedSecurityMode': mode, UserPoolTier: prop(p, 'UserPoolTier') };
      if (mode === 'ENFORCED') return finding(p, 'pass', `${p.logicalId} enforces threat protection (Plus feature plan)`, properties);
      return finding(p, 'fail', `${p.logicalId} ${mode === 'AUDIT' ? 'only audits' : 'has no'} threat protection: monitoring.grafana.signIn.cognito.threatProtection is ${mode === 'AUDIT' ? 'audit' : 'off'}`, properties);
    }),
};

export const SECURITY_CONTROLS: readonly SecurityControl[] = [
  iam1, iam21, iamBoundary,
  cloudTrail1, cloudTrail2, cloudTrail4, cloudTrail5, cloudTrail6, cloudTrail7, cloudTrailLock,
  s3_1, s3_2, s3_5, s3_8, s3_9, s3_13, s3_14, s3_17,
  elb1, elb2, elb4, elb5, elb6, elb12, elb17,
  waf11,
  rds2, rds3, rds6, rds8, rds9, rds10, rds11, rds13, rds17, rds19, rds20, rds21, rds22, rds23,
  ec2_2, ec2_6, ec2_8, as4, ec2_10, ec2_18, ec2_19, ec2_21,
  ecs2, ecs4, ecs5, ecs8, ecs12, ecsUser, ecsExec,
  eks1, eks2, eks3, eks8,
  ec1, ec2, ec3, ec4, ec5, ec6,
  sm1, sns1, sns2, kms4, logsKms, cw16,
  codeBuild2, codeBuild3, codeBuild4, codeBuild5,
  cognito1,
];
