// The spec's buckets and tables (services/buckets.ts, services/dynamodb.ts) under the existing
// rules: these checks are appended to BASE-NO-PUBLIC-DATA-STORES, BASE-DELETION-PROTECTION,
// SOC2-A1.2-BACKUPS, RBI-PSD-LOCALISATION and GDPR-44-TRANSFERS, and return nothing for a spec
// without buckets or tables (so those rules read as before). Encryption at rest is the
// AT_REST table of baseline.ts (S3 buckets were there already; DynamoDB tables are added).
import type { ModelResource } from '../../model/types.js';
import { backupRegion, replicaRegion } from '../../model/stores.js';
import type { Check, RuleContext } from '../types.js';
import { evidence, fail, ofType, pass, prop } from '../util.js';

const specBuckets = (ctx: RuleContext): ModelResource[] => ofType(ctx.model, 'AWS::S3::Bucket').filter((b) => b.component.startsWith('bucket/'));
const specTables = (ctx: RuleContext): ModelResource[] => ofType(ctx.model, 'AWS::DynamoDB::Table').filter((t) => t.component.startsWith('table/'));
const nameOf = (r: ModelResource): string => r.component.split('/')[1] ?? r.logicalId;

/** Every spec bucket blocks all public access and refuses requests without TLS. */
export function bucketPublicAccessChecks(ctx: RuleContext): Check[] {
  return specBuckets(ctx).map((b) => {
    const block = (prop(b, 'PublicAccessBlockConfiguration') ?? {}) as Record<string, unknown>;
    const all = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every((k) => block[k] === true);
    const policy = ofType(ctx.model, 'AWS::S3::BucketPolicy').find((p) => (prop(p, 'Bucket') as { Ref?: string } | undefined)?.Ref === b.logicalId);
    const tls = policy !== undefined && JSON.stringify(prop(policy, 'PolicyDocument')).includes('"aws:SecureTransport":"false"');
    const ev = [evidence(b, { PublicAccessBlockConfiguration: block }), ...(policy ? [evidence(policy, { Statement: 'DenyInsecureTransport' })] : [])];
    if (!all) return fail(`bucket ${nameOf(b)} does not block all public access`, b.origin, 'dex blocks public access on every bucket: report it', ev);
    if (!tls) return fail(`bucket ${nameOf(b)} accepts requests without TLS`, b.origin, 'dex denies aws:SecureTransport false on every bucket: report it', ev);
    return pass(`bucket ${nameOf(b)} blocks all public access and refuses requests without TLS`, b.origin, ev);
  });
}

/** Production buckets and tables outlive their stack; tables refuse deletion. */
export function storeDeletionChecks(ctx: RuleContext): Check[] {
  const checks: Check[] = [];
  for (const b of specBuckets(ctx)) {
    const ev = [evidence(b, { DeletionPolicy: b.deletionPolicy ?? 'Delete', UpdateReplacePolicy: b.updateReplacePolicy ?? 'Delete' })];
    checks.push(b.deletionPolicy === 'Retain' ? pass(`bucket ${nameOf(b)} is kept if its stack deletes or replaces it`, b.origin, ev) : fail(`bucket ${nameOf(b)} is deleted with its stack`, b.origin, 'mark the environment protect: true (dex then retains its buckets)', ev));
  }
  for (const t of specTables(ctx)) {
    const ev = [evidence(t, { DeletionProtectionEnabled: prop(t, 'DeletionProtectionEnabled'), DeletionPolicy: t.deletionPolicy ?? 'Delete' })];
    checks.push(
      prop(t, 'DeletionProtectionEnabled') === true && t.deletionPolicy === 'Retain'
        ? pass(`table ${nameOf(t)} has deletion protection and is kept if its stack deletes it`, t.origin, ev)
        : fail(`table ${nameOf(t)} can be deleted: deletion protection is off`, [...t.origin, 'deletionProtection'], 'remove deletionProtection: false (production tables have it by default)', ev),
    );
  }
  return checks;
}

/** Tables keep point-in-time recovery; buckets keep versions, and a copy in the backup region when the system has one. */
export function storeBackupChecks(ctx: RuleContext): Check[] {
  const checks: Check[] = [];
  for (const t of specTables(ctx)) {
    const ev = [evidence(t, { PointInTimeRecoverySpecification: prop(t, 'PointInTimeRecoverySpecification') })];
    checks.push(
      prop(t, 'PointInTimeRecoverySpecification', 'PointInTimeRecoveryEnabled') === true
        ? pass(`table ${nameOf(t)} keeps point-in-time recovery (35 days)`, t.origin, ev)
        : fail(`table ${nameOf(t)} has no point-in-time recovery: a bad write cannot be undone`, [...t.origin, 'pointInTimeRecovery'], 'remove pointInTimeRecovery: false', ev),
    );
  }
  const backup = backupRegion(ctx.spec);
  for (const b of specBuckets(ctx)) {
    const name = nameOf(b);
    const bucket = ctx.spec.buckets[name];
    const ev = [evidence(b, { VersioningConfiguration: prop(b, 'VersioningConfiguration'), ReplicationConfiguration: prop(b, 'ReplicationConfiguration') !== undefined ? 'Rules[backup-region]' : undefined })];
    if (prop(b, 'VersioningConfiguration', 'Status') !== 'Enabled') {
      checks.push(fail(`bucket ${name} keeps no versions: an overwrite or delete cannot be undone`, [...b.origin, 'versioning'], 'remove versioning: false', ev, 'warning'));
      continue;
    }
    const to = bucket ? replicaRegion(ctx.spec, bucket) : undefined;
    // The databases' crossRegionBackupTo is the system's recovery region: its objects belong there too.
    if (backup !== undefined && to === undefined) {
      checks.push(fail(`bucket ${name} has no copy in ${backup}, where the databases' backups go: a regional outage loses its objects`, [...b.origin, 'replication'], 'set replication: true', ev, 'warning'));
    } else checks.push(pass(`bucket ${name} keeps every version${to ? `, replicated to ${to}` : ''}`, b.origin, ev));
  }
  return checks;
}

/** Where the spec's bucket replicas are, for the residency rules (RBI, GDPR). */
export function replicaLocations(ctx: RuleContext): { what: string; region: string; path: (string | number)[]; ev: ReturnType<typeof evidence>[] }[] {
  return specBuckets(ctx).flatMap((b) => {
    const bucket = ctx.spec.buckets[nameOf(b)];
    const region = bucket ? replicaRegion(ctx.spec, bucket) : undefined;
    return region ? [{ what: `replicas of bucket ${nameOf(b)}`, region, path: [...b.origin, 'replication'], ev: [evidence(b, { 'ReplicationConfiguration.Rules[].Destination.Bucket': `…replica in ${region}` })] }] : [];
  });
}
