// What every bucket dex creates shares: all public access blocked, and a policy statement that
// refuses requests not made over TLS; and server access logging into a log bucket. Used by the
// bootstrap's artifacts bucket and the audit buckets.
import { getAtt, sub } from '../compiler/model/ids.js';
import type { CfnValue } from '../compiler/model/types.js';

export const BLOCK_PUBLIC_ACCESS: CfnValue = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };

/** The bucket policy statement that denies every request of the bucket `bucketId` without TLS. */
export const denyInsecureTransport = (bucketId: string): CfnValue => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [getAtt(bucketId, 'Arn'), sub(`\${${bucketId}.Arn}/*`)],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

/**
 * FSBP S3.9: a bucket's server access logs go to `targetId` under a prefix of its own logical
 * ID. The target is an SSE-S3 bucket: S3 cannot deliver server access logs to a bucket whose
 * default encryption is SSE-KMS.
 */
export const serverAccessLogging = (targetId: string, sourceId: string): CfnValue => ({ DestinationBucketName: { Ref: targetId }, LogFilePrefix: `${sourceId}/` });

/** The access-log bucket's statement letting the S3 logging service write, only for these source buckets of this account. */
export const accessLogDelivery = (targetId: string, sourceIds: readonly string[]): CfnValue => ({
  Sid: 'S3ServerAccessLogDelivery',
  Effect: 'Allow',
  Principal: { Service: 'logging.s3.amazonaws.com' },
  Action: 's3:PutObject',
  Resource: sub(`\${${targetId}.Arn}/*`),
  Condition: { ArnLike: { 'aws:SourceArn': sourceIds.map((id) => getAtt(id, 'Arn')) }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
});

/**
 * The properties every log bucket shares, in this order: the given default encryption, public
 * access blocked, owner-enforced (policies, not ACLs, grant delivery), versioned, and objects
 * expired after `retentionDays` (noncurrent versions after 30 days). Callers add logging and tags.
 */
export const logBucketProperties = (encryption: CfnValue, retentionDays: number): Record<string, CfnValue> => ({
  BucketEncryption: { ServerSideEncryptionConfiguration: [encryption] },
  PublicAccessBlockConfiguration: BLOCK_PUBLIC_ACCESS,
  OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
  VersioningConfiguration: { Status: 'Enabled' },
  LifecycleConfiguration: {
    Rules: [{ Id: 'audit-retention', Status: 'Enabled', ExpirationInDays: retentionDays, NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }],
  },
});
