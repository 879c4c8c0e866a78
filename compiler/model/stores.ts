// Names of the spec's buckets and tables (services/buckets.ts, services/dynamodb.ts), here so the
// checks (compiler/checks/) can claim and resolve them without importing the building blocks.
import type { NormalizedBucket, NormalizedSpec, RegionCode, StoreUse } from '../../spec/model.js';
import { fitName, namePrefix, pascal, shortHash } from './ids.js';

export const BUCKET_ID = {
  bucket: (name: string) => `${pascal(name)}Bucket`,
  policy: (name: string) => `${pascal(name)}BucketPolicy`,
  replicationRole: (name: string) => `${pascal(name)}BucketReplicationRole`,
} as const;
/** What each bucket becomes, after pascal(name) (compiler/checks/names.ts claims them). */
export const BUCKET_ID_SUFFIXES = ['Bucket', 'BucketPolicy', 'BucketReplicationRole'] as const;

export const TABLE_ID = {
  table: (name: string) => `${pascal(name)}Table`,
  scalableTarget: (name: string, index: string | undefined, dimension: 'Read' | 'Write') => `${pascal(name)}Table${index === undefined ? '' : `${pascal(index)}Index`}${dimension}ScalableTarget`,
  scalingPolicy: (name: string, index: string | undefined, dimension: 'Read' | 'Write') => `${pascal(name)}Table${index === undefined ? '' : `${pascal(index)}Index`}${dimension}ScalingPolicy`,
} as const;
/** What each table becomes, after pascal(name) (compiler/checks/names.ts claims them; index scaling IDs add the index's name). */
export const TABLE_ID_SUFFIXES = ['Table', 'TableReadScalableTarget', 'TableWriteScalableTarget', 'TableReadScalingPolicy', 'TableWriteScalingPolicy'] as const;

/** S3 bucket names: 3 to 63 lowercase letters, digits and hyphens. */
const S3_NAME_MAX = 63;
const HASH = 8;

/**
 * A bucket's name: `<system>-<env>-<bucket>` (cut to fit with fitName) and a hash of account,
 * region and that name. Fixed, not CloudFormation's: the roles in the security layer name its
 * ARN, and every platform takes it as a plain env value. Globally unique as long as no one else
 * derives the same hash: with `account` given, only that account can.
 */
export function bucketName(spec: NormalizedSpec, bucket: string, region: string = spec.region, suffix = ''): string {
  const base = `${namePrefix(spec)}-${bucket}${suffix}`.toLowerCase();
  const hash = shortHash(`${spec.account ?? ''}|${region}|${base}`);
  return `${fitName(base, S3_NAME_MAX - HASH - 1).replace(/-+$/, '')}-${hash}`;
}

/** The replica bucket's name in `region` (created by that region's bootstrap). */
export const replicaBucketName = (spec: NormalizedSpec, bucket: string, region: string): string => bucketName(spec, bucket, region, '-replica');

/** DynamoDB table names: 3 to 255 of [a-zA-Z0-9_.-]; `<system>-<env>-<table>` always fits. */
export const tableName = (spec: NormalizedSpec, table: string): string => `${namePrefix(spec)}-${table}`;

/** The system's backup region: the crossRegionBackupTo of its databases, when they name exactly one. */
export function backupRegion(spec: NormalizedSpec): RegionCode | undefined {
  const regions = [...new Set(Object.values(spec.databases).flatMap((d) => (d.crossRegionBackupTo ? [d.crossRegionBackupTo] : [])))];
  return regions.length === 1 ? regions[0] : undefined;
}

/** Where a bucket replicates to: a region it names, true's backup region, or undefined (none, or no single backup region: DEX723/DEX724). */
export function replicaRegion(spec: NormalizedSpec, bucket: NormalizedBucket): RegionCode | undefined {
  if (bucket.replication === false) return undefined;
  if (bucket.replication !== true) return bucket.replication;
  return backupRegion(spec);
}

/** The environment variable of a bucket or table a service uses: `media` → MEDIA_BUCKET, `carts` → CARTS_TABLE. */
export const storeEnvName = (use: Pick<StoreUse, 'kind' | 'name'>): string => `${use.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${use.kind === 'bucket' ? 'BUCKET' : 'TABLE'}`;
