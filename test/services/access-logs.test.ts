// FSBP S3.9 and SNS.2 over every bucket and topic dex creates, in every example × environment and
// every bootstrap: a new bucket without server access logging, or a topic subscription whose
// protocol SNS can log delivery status for, fails here the day it is added.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { analysisBootstraps } from '../../pipeline/bootstrap.js';
import type { ModelResource } from '../../compiler/model/types.js';
import { fixedClock } from '../support/clock.js';
import { ALL_SPECS } from '../support/specs.js';

const FILES = ALL_SPECS;

const models: { name: string; resources: readonly ModelResource[] }[] = FILES.flatMap((file) => {
  const analysis = analyzeSpec(readFileSync(file), file, { today: fixedClock });
  return [
    ...analysis.compiled.flatMap((c) => (c.model ? [{ name: `${file} ${c.environment ?? '(base)'}`, resources: c.model.resources }] : [])),
    ...analysisBootstraps(analysis).map((b) => ({ name: `${file} bootstrap ${b.target.region}`, resources: b.model.resources })),
  ];
});

type Obj = Record<string, unknown>;
const refOf = (v: unknown): string | undefined => (v && typeof v === 'object' && 'Ref' in v ? String((v as { Ref: unknown }).Ref) : undefined);

describe.each(models)('$name', ({ resources }) => {
  const buckets = resources.filter((r) => r.type === 'AWS::S3::Bucket');
  const targets = new Set(buckets.map((b) => refOf((b.properties.LoggingConfiguration as Obj | undefined)?.DestinationBucketName)).filter((t): t is string => t !== undefined));

  it('logs every bucket\'s requests into an access-log bucket of the same model (S3.9), except the access-log buckets themselves', () => {
    for (const b of buckets) {
      if (targets.has(b.logicalId)) {
        expect(b.properties.LoggingConfiguration, `${b.logicalId} logs into itself or another log bucket`).toBeUndefined();
        continue;
      }
      const logging = b.properties.LoggingConfiguration as Obj | undefined;
      expect(logging, b.logicalId).toBeDefined();
      expect(logging!.LogFilePrefix).toBe(`${b.logicalId}/`);
      expect(buckets.some((t) => t.logicalId === refOf(logging!.DestinationBucketName)), b.logicalId).toBe(true);
    }
  });

  it('makes each access-log bucket SSE-S3, private, owner-enforced, expiring, and writable only by S3 logging for its sources', () => {
    for (const id of targets) {
      const b = buckets.find((x) => x.logicalId === id)!;
      const p = b.properties as Obj;
      expect(JSON.stringify(p.BucketEncryption)).toContain('"SSEAlgorithm":"AES256"');
      expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(p.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(JSON.stringify(p.LifecycleConfiguration)).toMatch(/"ExpirationInDays":\d+/);
      const policy = resources.find((r) => r.type === 'AWS::S3::BucketPolicy' && refOf(r.properties.Bucket) === id)!;
      const statements = (policy.properties.PolicyDocument as { Statement: Obj[] }).Statement;
      expect(statements.map((s) => s.Sid)).toContain('DenyInsecureTransport');
      const delivery = statements.find((s) => JSON.stringify(s.Principal).includes('logging.s3.amazonaws.com'))!;
      expect(delivery.Action).toBe('s3:PutObject');
      const condition = delivery.Condition as { ArnLike: { 'aws:SourceArn': unknown[] }; StringEquals: Obj };
      expect(condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
      const sources = buckets.filter((s) => refOf((s.properties.LoggingConfiguration as Obj | undefined)?.DestinationBucketName) === id).map((s) => s.logicalId);
      // One aws:SourceArn per source bucket (a GetAtt, or an import of one from an earlier stack).
      expect(sources.length).toBeGreaterThan(0);
      for (const s of sources) expect(JSON.stringify(condition.ArnLike['aws:SourceArn']), s).toContain(s);
      expect(condition.ArnLike['aws:SourceArn']).toHaveLength(sources.length);
    }
  });

  it('has no topic subscription whose protocol SNS records delivery status for, or logs it (SNS.2)', () => {
    const logged = new Set(['http', 'https', 'sqs', 'lambda', 'firehose', 'application']);
    for (const sub of resources.filter((r) => r.type === 'AWS::SNS::Subscription')) {
      if (!logged.has(String(sub.properties.Protocol))) continue;
      const topic = resources.find((r) => r.logicalId === refOf(sub.properties.TopicArn))!;
      expect(topic.properties.DeliveryStatusLogging, `${sub.logicalId} (${String(sub.properties.Protocol)}) on ${topic.logicalId}`).toBeDefined();
    }
  });
});
