// Evidence of the audit layer (services/audit.ts, services/rds.ts): the CloudTrail trail, the WAF
// request log, the load balancer access log and the database log exports, each read from the
// emitted resources. Shared by PCI DSS 10.2.1 / 10.5.1 and SOC 2 CC7.2.
import type { ModelResource } from '../../model/types.js';
import type { Check, RuleContext } from '../types.js';
import { evidence, fail, ofType, pass, prop } from '../util.js';

const isTrailBucket = (ctx: RuleContext, trail: ModelResource): ModelResource | undefined => {
  const name = prop(trail, 'S3BucketName') as { Ref?: string } | undefined;
  return ofType(ctx.model, 'AWS::S3::Bucket').find((b) => b.logicalId === name?.Ref);
};

export function trailChecks(ctx: RuleContext): Check[] {
  const trails = ofType(ctx.model, 'AWS::CloudTrail::Trail');
  if (trails.length === 0) return [fail('no CloudTrail trail: API calls that change the system are not recorded', ['audit', 'trail'], 'remove audit.trail: false')];
  return trails.map((t) => {
    const bucket = isTrailBucket(ctx, t);
    const policy = ofType(ctx.model, 'AWS::S3::BucketPolicy').find((p) => (prop(p, 'Bucket') as { Ref?: string } | undefined)?.Ref === bucket?.logicalId);
    const ev = [
      evidence(t, { IsMultiRegionTrail: prop(t, 'IsMultiRegionTrail'), EnableLogFileValidation: prop(t, 'EnableLogFileValidation'), KMSKeyId: prop(t, 'KMSKeyId'), IsLogging: prop(t, 'IsLogging') }),
      ...(bucket ? [evidence(bucket, { PublicAccessBlockConfiguration: prop(bucket, 'PublicAccessBlockConfiguration'), VersioningConfiguration: prop(bucket, 'VersioningConfiguration'), LifecycleConfiguration: prop(bucket, 'LifecycleConfiguration') })] : []),
      ...(policy ? [evidence(policy, { Statement: ((prop(policy, 'PolicyDocument', 'Statement') ?? []) as { Sid?: string }[]).map((s) => s.Sid) })] : []),
    ];
    const ok = prop(t, 'IsMultiRegionTrail') === true && prop(t, 'EnableLogFileValidation') === true && prop(t, 'KMSKeyId') !== undefined && bucket !== undefined;
    return ok
      ? pass(`${t.logicalId} records the management API calls of every region, with log file validation, encrypted with the system's KMS key, into a private, versioned, TLS-only bucket only CloudTrail can write to`, ['audit', 'trail'], ev)
      : fail(`${t.logicalId} is not multi-region, validated and KMS-encrypted`, ['audit', 'trail'], 'dex sets these: report it', ev);
  });
}

export function requestLogChecks(ctx: RuleContext): Check[] {
  const checks: Check[] = [];
  const acls = ofType(ctx.model, 'AWS::WAFv2::WebACL');
  const wafLogging = ofType(ctx.model, 'AWS::WAFv2::LoggingConfiguration');
  if (acls.length > 0) {
    checks.push(
      wafLogging.length > 0
        ? pass('the web ACL logs every request it evaluates to CloudWatch Logs, with the authorization and cookie headers redacted', ['audit', 'wafLogs'], wafLogging.map((l) => evidence(l, { LogDestinationConfigs: prop(l, 'LogDestinationConfigs'), RedactedFields: prop(l, 'RedactedFields') })))
        : fail('the web ACL does not log the requests it evaluates', ['audit', 'wafLogs'], 'remove audit.wafLogs: false'),
    );
  }
  for (const lb of ofType(ctx.model, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    if (prop(lb, 'Type') === 'network' && prop(lb, 'Scheme') === 'internal') {
      // An internal NLB carries TCP between services (services/discovery.ts): NLB access logs cover
      // TLS listeners only, so its record is the VPC flow log of its network interfaces.
      const flowLogs = ofType(ctx.model, 'AWS::EC2::FlowLog');
      checks.push(
        flowLogs.length > 0
          ? pass(`${lb.logicalId} carries TCP between services (no access log exists for it: NLBs log TLS listeners only); the VPC flow log records its connections`, ['network', 'flowLogs'], flowLogs.map((f) => evidence(f, { TrafficType: prop(f, 'TrafficType') })))
          : fail(`${lb.logicalId} carries TCP between services and no VPC flow log records its connections`, ['network', 'flowLogs'], 'turn network.flowLogs back on', [evidence(lb, { Type: 'network', Scheme: 'internal' })]),
      );
      continue;
    }
    const attrs = (prop(lb, 'LoadBalancerAttributes') ?? []) as { Key?: string; Value?: unknown }[];
    const on = attrs.some((a) => a.Key === 'access_logs.s3.enabled' && a.Value === 'true');
    const ev = [evidence(lb, { LoadBalancerAttributes: attrs.filter((a) => a.Key?.startsWith('access_logs.')) })];
    const nlb = prop(lb, 'Type') === 'network';
    checks.push(on ? pass(nlb ? `${lb.logicalId} (an NLB) writes an access log of its TLS connections to S3; its TCP and UDP flows are in the VPC flow logs` : `${lb.logicalId} writes an access log of every request to S3`, ['audit', 'albAccessLogs'], ev) : fail(`${lb.logicalId} keeps no access log`, ['audit', 'albAccessLogs'], 'remove audit.albAccessLogs: false', ev));
  }
  for (const db of ofType(ctx.model, 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster')) {
    if (db.type === 'AWS::RDS::DBInstance' && prop(db, 'DBClusterIdentifier') !== undefined) continue; // Aurora: the cluster exports
    const mysql = /mysql/.test(String(prop(db, 'Engine') ?? ''));
    const exports = (prop(db, 'EnableCloudwatchLogsExports') ?? []) as string[];
    const groups = (db.dependsOn ?? []).map((id) => ctx.model.resources.find((r) => r.logicalId === id)).filter((r): r is ModelResource => r?.type === 'AWS::Logs::LogGroup');
    const ev = [evidence(db, { EnableCloudwatchLogsExports: exports }), ...groups.map((g) => evidence(g, { LogGroupName: prop(g, 'LogGroupName'), RetentionInDays: prop(g, 'RetentionInDays'), KmsKeyId: prop(g, 'KmsKeyId') }))];
    checks.push(
      exports.includes(mysql ? 'error' : 'postgresql') && groups.length > 0
        ? pass(`${db.logicalId} exports its ${mysql ? 'MySQL error' : 'PostgreSQL'} log to a log group dex manages (retention, KMS)`, ['audit', 'databaseLogs'], ev)
        : fail(`${db.logicalId} does not export its database log to a managed log group`, ['audit', 'databaseLogs'], 'remove audit.databaseLogs: false', ev),
    );
  }
  return checks;
}

/** The audit buckets' lifecycle and the audit log groups' retention keep at least `minDays`. */
export function auditRetentionChecks(ctx: RuleContext, minDays: number): Check[] {
  const buckets = ofType(ctx.model, 'AWS::S3::Bucket').filter((b) => b.component === 'audit');
  const groups = ofType(ctx.model, 'AWS::Logs::LogGroup').filter((g) => g.component === 'audit' || /^\/aws\/rds\/(instance|cluster)\//.test(String(prop(g, 'LogGroupName') ?? '')));
  if (buckets.length + groups.length === 0) return [];
  const bucketDays = (b: ModelResource): number => ((prop(b, 'LifecycleConfiguration', 'Rules') ?? []) as { ExpirationInDays?: number }[]).reduce((m, r) => Math.min(m, r.ExpirationInDays ?? Infinity), Infinity);
  const ev = [...buckets.map((b) => evidence(b, { 'LifecycleConfiguration.Rules': prop(b, 'LifecycleConfiguration', 'Rules') })), ...groups.map((g) => evidence(g, { RetentionInDays: prop(g, 'RetentionInDays') }))];
  const short = [...buckets.filter((b) => bucketDays(b) < minDays), ...groups.filter((g) => ((prop(g, 'RetentionInDays') as number | undefined) ?? Infinity) < minDays)];
  return short.length > 0
    ? [fail(`audit logs are kept ${ctx.spec.audit.retentionDays} days (${short.map((r) => r.logicalId).join(', ')}); at least ${minDays} are required`, ['audit', 'retentionDays'], `set audit.retentionDays: ${minDays} or more`, ev)]
    : [pass(`the audit trail, WAF, load balancer and database logs are kept ${ctx.spec.audit.retentionDays} days or more (at least ${minDays} required)`, ['audit', 'retentionDays'], ev)];
}
