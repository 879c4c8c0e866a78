// What every bucket dex creates shares: all public access blocked, and a policy statement that
// refuses requests not made over TLS. Used by the bootstrap's artifacts bucket and the audit buckets.
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
