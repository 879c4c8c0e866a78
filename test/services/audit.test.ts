// The audit layer over every example × environment: the CloudTrail trail and its locked bucket,
// the key policy statement CloudTrail needs, WAF logging with redacted headers, ALB access logs
// with the log-delivery bucket policy, managed RDS log groups created before the instances; the
// located errors when a part is turned off; the compliance evidence.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { ID } from '../../compiler/model/ids.js';
import type { CfnValue, ModelResource, ResourceModel } from '../../compiler/model/types.js';
import { evaluateCompliance } from '../../compiler/compliance/engine.js';
import { COMPLIANCE_RULES } from '../../pipeline/registries.js';
import { AUDIT_ID } from '../../services/audit.js';
import { AT_FIXED_DATE } from '../support/clock.js';

const REFERENCE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const FILES = [REFERENCE, 'examples/dex-mobile-v6/dex.yaml', 'examples/minimal/dex.yaml', 'examples/large/dex.yaml'];

function analyze(text: string, file: string) {
  return analyzeSpec(new TextEncoder().encode(text), file, { today: AT_FIXED_DATE.today });
}

const byId = (model: ResourceModel, id: string): ModelResource | undefined => model.resources.find((r) => r.logicalId === id);
const props = (r: ModelResource | undefined): Record<string, CfnValue> => (r?.properties ?? {}) as Record<string, CfnValue>;
const statements = (r: ModelResource | undefined): Record<string, CfnValue>[] => ((props(r).PolicyDocument as Record<string, CfnValue> | undefined)?.Statement ?? []) as Record<string, CfnValue>[];

describe.each(FILES)('%s', (file) => {
  const analysis = analyze(readFileSync(file, 'utf8'), file);
  it('compiles without errors', () => expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]));

  // The base spec of a spec with environments is not deployed: it has no model.
  for (const compiled of analysis.compiled.filter((c) => c.model !== undefined)) {
    const model = compiled.model!;
    const env = compiled.environment ?? 'default';

    it(`${env}: a multi-region, validated, KMS-encrypted trail into a locked bucket only CloudTrail writes to`, () => {
      const trail = byId(model, AUDIT_ID.trail)!;
      expect(trail.type).toBe('AWS::CloudTrail::Trail');
      expect(props(trail)).toMatchObject({ IsLogging: true, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, EnableLogFileValidation: true, KMSKeyId: { 'Fn::GetAtt': [ID.kmsKey, 'Arn'] }, S3BucketName: { Ref: AUDIT_ID.trailBucket } });
      expect(trail.dependsOn).toContain(AUDIT_ID.trailBucketPolicy);
      const bucket = props(byId(model, AUDIT_ID.trailBucket));
      expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      const expiry = ((bucket.LifecycleConfiguration as { Rules: { ExpirationInDays: number }[] }).Rules[0]!).ExpirationInDays;
      expect(expiry).toBeGreaterThanOrEqual(Math.max(365, compiled.spec.monitoring.logs.retentionDays));
      const policy = statements(byId(model, AUDIT_ID.trailBucketPolicy));
      expect(policy.find((s) => s.Sid === 'DenyInsecureTransport')).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
      const allows = policy.filter((s) => s.Effect === 'Allow');
      expect(allows.map((s) => s.Action).sort()).toEqual(['s3:GetBucketAcl', 's3:PutObject']);
      for (const s of allows) {
        expect(s.Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
        expect(JSON.stringify(s.Condition)).toContain('aws:SourceArn');
      }
      const key = statements({ ...byId(model, ID.kmsKey)!, properties: { PolicyDocument: props(byId(model, ID.kmsKey)).KeyPolicy! } });
      const cloudtrail = key.find((s) => s.Sid === 'CloudTrailLogFiles')!;
      expect(cloudtrail).toMatchObject({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*' });
      expect(Object.keys((cloudtrail.Condition as Record<string, Record<string, CfnValue>>).StringLike!)).toEqual(['kms:EncryptionContext:aws:cloudtrail:arn']);
    });

    it(`${env}: WAF logs to aws-waf-logs-*, with authorization and cookie redacted`, () => {
      if (!byId(model, ID.webAcl)) return expect(byId(model, AUDIT_ID.wafLogging)).toBeUndefined();
      const logging = props(byId(model, AUDIT_ID.wafLogging));
      expect(logging.ResourceArn).toEqual({ 'Fn::GetAtt': [ID.webAcl, 'Arn'] });
      expect(logging.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }]);
      const group = props(byId(model, AUDIT_ID.wafLogGroup));
      expect(String(group.LogGroupName)).toMatch(/^aws-waf-logs-/);
      expect(group.KmsKeyId).toEqual({ 'Fn::GetAtt': [ID.kmsKey, 'Arn'] });
      expect(group.RetentionInDays).toBeGreaterThanOrEqual(365);
    });

    it(`${env}: ALB access logs to an SSE-S3 bucket the ELB log-delivery principal may write to`, () => {
      const lb = byId(model, ID.loadBalancer);
      if (!lb) return expect(byId(model, AUDIT_ID.albLogBucket)).toBeUndefined();
      expect(props(lb).LoadBalancerAttributes).toEqual(expect.arrayContaining([{ Key: 'access_logs.s3.enabled', Value: 'true' }, { Key: 'access_logs.s3.bucket', Value: { Ref: AUDIT_ID.albLogBucket } }]));
      expect(lb.dependsOn).toContain(AUDIT_ID.albLogBucketPolicy);
      expect(JSON.stringify(props(byId(model, AUDIT_ID.albLogBucket)).BucketEncryption)).toContain('"AES256"');
      const write = statements(byId(model, AUDIT_ID.albLogBucketPolicy)).find((s) => s.Effect === 'Allow')!;
      expect(write).toMatchObject({ Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }, Action: 's3:PutObject' });
    });

    it(`${env}: every database instance exports its logs to dex-managed log groups created first`, () => {
      for (const db of model.resources.filter((r) => r.type === 'AWS::RDS::DBInstance')) {
        const id = props(db).DBInstanceIdentifier;
        expect(typeof id).toBe('string');
        expect(props(db).EnableCloudwatchLogsExports).toEqual(['postgresql', 'upgrade']);
        const groups = (db.dependsOn ?? []).map((d) => props(byId(model, d)));
        expect(groups.map((g) => g.LogGroupName)).toEqual([`/aws/rds/instance/${String(id)}/postgresql`, `/aws/rds/instance/${String(id)}/upgrade`]);
        for (const g of groups) {
          expect(g.KmsKeyId).toEqual({ 'Fn::GetAtt': [ID.kmsKey, 'Arn'] });
          expect(g.RetentionInDays).toBeGreaterThanOrEqual(365);
        }
      }
    });
  }
});

describe('turning a part of the audit trail off', () => {
  const reference = readFileSync(REFERENCE, 'utf8');
  it('under pci-dss is DEX360 at the switch, line and column', () => {
    const text = `${reference}audit:\n  reason: not needed\n  wafLogs: false\n`;
    const line = text.split('\n').indexOf('  wafLogs: false') + 1;
    const found = analyze(text, REFERENCE).diagnostics.filter((d) => d.code === 'DEX360');
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) {
      expect(d.severity).toBe('error');
      expect(d.path).toEqual(['audit', 'wafLogs']);
      expect(d.line).toBe(line);
    }
  });

  const minimal = readFileSync('examples/minimal/dex.yaml', 'utf8');
  it('without pci-dss or soc2 needs a reason (DEX361); with one, the part is gone', () => {
    expect(minimal).not.toMatch(/^compliance:/m);
    const without = analyze(`${minimal}audit:\n  trail: false\n`, 'examples/minimal/dex.yaml');
    expect(without.diagnostics.filter((d) => d.code === 'DEX361').map((d) => d.path)).toContainEqual(['audit', 'trail']);
    const withReason = analyze(`${minimal}audit:\n  trail: false\n  reason: the organisation trail records this account\n`, 'examples/minimal/dex.yaml');
    expect(withReason.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    for (const c of withReason.compiled) {
      expect(c.model!.resources.some((r) => r.type === 'AWS::CloudTrail::Trail')).toBe(false);
      expect(JSON.stringify(props(byId(c.model!, ID.kmsKey)).KeyPolicy)).not.toContain('cloudtrail');
    }
  });
});

describe('compliance evidence', () => {
  const analysis = analyze(readFileSync(REFERENCE, 'utf8'), REFERENCE);
  const production = analysis.compiled.find((c) => c.environment === 'production')!;
  const result = evaluateCompliance({ spec: production.spec, model: production.model!, rules: COMPLIANCE_RULES });
  const evidenceOf = (id: string): string[] => result.controls.find((c) => c.rule.id === id)!.checks.flatMap((c) => (c.evidence ?? []).map((e) => e.logicalId));

  it('PCI-DSS-10.2.1 and SOC2-CC7.2-AUDIT-TRAIL pass and name the trail, its bucket, the WAF log, the ALB and the database', () => {
    for (const id of ['PCI-DSS-10.2.1', 'SOC2-CC7.2-AUDIT-TRAIL']) {
      expect(result.controls.find((c) => c.rule.id === id)!.status).toBe('pass');
      expect(evidenceOf(id)).toEqual(expect.arrayContaining([AUDIT_ID.trail, AUDIT_ID.trailBucket, AUDIT_ID.trailBucketPolicy, AUDIT_ID.wafLogging, ID.loadBalancer, 'PostgresDatabase', 'PostgresDatabasePostgresqlLogGroup']));
    }
  });

  it('PCI-DSS-10.5.1 names the audit buckets and log groups with their retention', () => {
    expect(evidenceOf('PCI-DSS-10.5.1')).toEqual(expect.arrayContaining([AUDIT_ID.trailBucket, AUDIT_ID.albLogBucket, AUDIT_ID.wafLogGroup]));
  });
});
