// S3 buckets (`buckets:`): what every bucket dex makes for a system's data shares with its log
// buckets (services/s3.ts): public access blocked with no opt-out (public files belong behind a
// CDN, never in a bucket policy), owner-enforced objects, a TLS-only policy, server access logs
// into the environment's access-log bucket (services/audit.ts). On top: SSE-KMS with the
// environment's key and S3 Bucket Keys (one KMS call per object prefix and hour, not per object),
// versioning on by default, a lifecycle rule that always aborts incomplete multipart uploads.
//
// Names are fixed strings, not CloudFormation's: the service roles (security layer, before the
// bucket's data layer) name the bucket's ARN, and the services get its name as a plain
// environment value on every platform (Kubernetes manifests take no CloudFormation expressions).
// A name must be globally unique: `<system>-<env>-<bucket>-<hash>`, the hash over account,
// region and that prefix, so two environments, regions or accounts never derive the same name.
//
// Replication (`replication`): CloudFormation creates a stack's resources in the stack's region
// only, so the replica bucket is the bootstrap's of the backup region (services/bootstrap.ts),
// deployed before any environment; the source bucket's replication rule and role are here.
import { ID, getAtt, pascal, ref, resource, sub, tagList } from '../compiler/model/ids.js';
import { BUCKET_ID, BUCKET_ID_SUFFIXES, backupRegion, bucketName, replicaBucketName, replicaRegion, storeEnvName } from '../compiler/model/stores.js';
import type { BuildingBlock, CfnValue, ModelResource, UsageMeter } from '../compiler/model/types.js';
import type { NormalizedBucket, NormalizedService, NormalizedSpec, RegionCode, StoreUse } from '../spec/model.js';
import { bootstrapKeyAlias } from './cicd.js';
import { BLOCK_PUBLIC_ACCESS, denyInsecureTransport, serverAccessLogging } from './s3.js';

/** The access-log bucket of services/audit.ts (its ID, repeated: audit.ts reads this module's bucket list). */
const ACCESS_LOG_BUCKET = 'S3AccessLogBucket';

export { BUCKET_ID, BUCKET_ID_SUFFIXES, bucketName, replicaBucketName, backupRegion, replicaRegion, storeEnvName };

const bucketsOf = (spec: NormalizedSpec): NormalizedBucket[] =>
  Object.keys(spec.buckets ?? {})
    .sort()
    .map((n) => spec.buckets[n]!);

export const bucketArn = (name: string): CfnValue => sub(`arn:\${AWS::Partition}:s3:::${name}`);
const objectsArn = (name: string): CfnValue => sub(`arn:\${AWS::Partition}:s3:::${name}/*`);

/** The buckets of an environment that replicate, with their replica region. */
export function replicatedBuckets(spec: NormalizedSpec): { bucket: NormalizedBucket; region: RegionCode }[] {
  return bucketsOf(spec).flatMap((bucket) => {
    const region = replicaRegion(spec, bucket);
    return region && region !== spec.region ? [{ bucket, region }] : [];
  });
}

export const BUCKET_READ_ACTIONS = ['s3:GetObject', 's3:ListBucket'];
export const BUCKET_WRITE_ACTIONS = ['s3:DeleteObject', 's3:PutObject'];

type Statement = { Sid: string; Effect: 'Allow'; Action: string[]; Resource: CfnValue; Condition?: Record<string, Record<string, CfnValue>> };

/**
 * The statements of a service's role for the buckets it uses: objects and listing of exactly
 * those buckets (ListBucket is on the bucket, the object actions on its objects), and the
 * environment's key only through S3 of this region (SSE-KMS: reads decrypt, writes make a data key).
 */
export function bucketStatements(spec: NormalizedSpec, s: NormalizedService): Statement[] {
  const uses = (s.stores ?? []).filter((u) => u.kind === 'bucket' && Object.hasOwn(spec.buckets ?? {}, u.name));
  if (uses.length === 0) return [];
  const byAccess = (access: StoreUse['access']) => [...new Set(uses.filter((u) => u.access === access || (access === 'read' && u.access === 'read-write')).map((u) => u.name))].sort();
  const readers = byAccess('read');
  const writers = byAccess('read-write');
  const names = (list: string[]) => list.map((b) => bucketName(spec, b));
  const out: Statement[] = [
    { Sid: 'ListBuckets', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: names(readers).map(bucketArn) },
    { Sid: 'ReadBucketObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: names(readers).map(objectsArn) },
  ];
  if (writers.length) out.push({ Sid: 'WriteBucketObjects', Effect: 'Allow', Action: BUCKET_WRITE_ACTIONS, Resource: names(writers).map(objectsArn) });
  out.push({
    Sid: 'BucketKey',
    Effect: 'Allow',
    Action: writers.length ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
    Resource: getAtt(ID.kmsKey, 'Arn'),
    Condition: { StringEquals: { 'kms:ViaService': `s3.${spec.region}.amazonaws.com` } },
  });
  return out;
}

function lifecycleRule(b: NormalizedBucket): CfnValue {
  const l = b.lifecycle;
  const transitions = [
    ...(l.infrequentAccessAfterDays !== undefined ? [{ StorageClass: 'STANDARD_IA', TransitionInDays: l.infrequentAccessAfterDays }] : []),
    ...(l.glacierAfterDays !== undefined ? [{ StorageClass: 'GLACIER', TransitionInDays: l.glacierAfterDays }] : []),
  ];
  return {
    Id: 'dex-lifecycle',
    Status: 'Enabled',
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: l.abortIncompleteUploadsAfterDays },
    ...(l.expireAfterDays !== undefined ? { ExpirationInDays: l.expireAfterDays } : {}),
    ...(b.versioning ? { NoncurrentVersionExpiration: { NoncurrentDays: l.noncurrentExpireAfterDays } } : {}),
    ...(transitions.length ? { Transitions: transitions } : {}),
  };
}

/** The key S3 encrypts replicas with: the backup region's bootstrap key, by its alias (the key ID is not known here). */
const replicaKeyAlias = (spec: NormalizedSpec, region: string): CfnValue => sub(`arn:\${AWS::Partition}:kms:${region}:\${AWS::AccountId}:${bootstrapKeyAlias(spec.name)}`);

function usageOf(spec: NormalizedSpec, b: NormalizedBucket): UsageMeter[] {
  const u = spec.usage.buckets?.[b.name];
  const how = `usage.buckets.${b.name}`;
  const meter = (meter: 's3.storage' | 's3.putRequests' | 's3.getRequests', unit: string, value: number | undefined, what: string, key: string): UsageMeter => ({
    meter,
    unit,
    quantity: { min: value ?? 0, max: value ?? 0 },
    attributes: meter === 's3.storage' ? { storageClass: 'STANDARD' } : {},
    basis: value === undefined ? what : `${what}: ${value} (${how}.${key})`,
    ...(value === undefined ? { quantityUnknown: `dex cannot know the ${what} of bucket ${b.name}; give ${how}.${key}` } : {}),
  });
  return [
    meter('s3.storage', 'GB-month', u?.storageGiB, 'GiB stored', 'storageGiB'),
    meter('s3.putRequests', 'requests', u?.putRequestsPerMonth, 'PUT, COPY, POST and LIST requests a month', 'putRequestsPerMonth'),
    meter('s3.getRequests', 'requests', u?.getRequestsPerMonth, 'GET requests a month', 'getRequestsPerMonth'),
  ];
}

function bucketResources(spec: NormalizedSpec, b: NormalizedBucket): ModelResource[] {
  const component = `bucket/${b.name}`;
  const origin = ['buckets', b.name];
  const tags = tagList(spec, component);
  const id = BUCKET_ID.bucket(b.name);
  const name = bucketName(spec, b.name);
  const region = replicaRegion(spec, b);
  const replicate = region !== undefined && region !== spec.region && b.versioning;
  const out: ModelResource[] = [
    {
      ...resource({
        logicalId: id,
        type: 'AWS::S3::Bucket',
        layer: 'data',
        origin,
        component,
        properties: {
          BucketName: name,
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(ID.kmsKey, 'Arn') }, BucketKeyEnabled: true }] },
          PublicAccessBlockConfiguration: BLOCK_PUBLIC_ACCESS,
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          ...(b.versioning ? { VersioningConfiguration: { Status: 'Enabled' } } : {}),
          LifecycleConfiguration: { Rules: [lifecycleRule(b)] },
          LoggingConfiguration: serverAccessLogging(ACCESS_LOG_BUCKET, id),
          ...(replicate
            ? {
                ReplicationConfiguration: {
                  Role: getAtt(BUCKET_ID.replicationRole(b.name), 'Arn'),
                  Rules: [
                    {
                      Id: 'backup-region',
                      Status: 'Enabled',
                      Priority: 1,
                      Filter: { Prefix: '' },
                      DeleteMarkerReplication: { Status: 'Enabled' },
                      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
                      Destination: { Bucket: bucketArn(replicaBucketName(spec, b.name, region)), EncryptionConfiguration: { ReplicaKmsKeyID: replicaKeyAlias(spec, region) } },
                    },
                  ],
                },
              }
            : {}),
          Tags: tags,
        },
        usage: replicate
          ? [
              ...usageOf(spec, b),
              {
                meter: 's3.replicationTransfer',
                unit: 'GB',
                quantity: { min: 0, max: 0 },
                attributes: { to: region },
                basis: `GB of new objects replicated to ${region} a month`,
                quantityUnknown: `dex does not know how many GB bucket ${b.name} receives a month, each of which is copied to ${region}`,
              },
            ]
          : usageOf(spec, b),
      }),
      // Protected environments keep the data when the stack or the bucket goes; elsewhere an empty
      // bucket goes with its stack (CloudFormation cannot delete one that still holds objects).
      ...(spec.protect ? { deletionPolicy: 'Retain' as const, updateReplacePolicy: 'Retain' as const } : {}),
    },
    resource({
      logicalId: BUCKET_ID.policy(b.name),
      type: 'AWS::S3::BucketPolicy',
      layer: 'data',
      origin,
      component,
      properties: { Bucket: ref(id), PolicyDocument: { Version: '2012-10-17', Statement: [denyInsecureTransport(id)] } },
    }),
  ];
  if (replicate) out.push(replicationRole(spec, b, name, region, component, origin, tags));
  return out;
}

/** The role S3 replicates as: read this bucket's versions, write the replica's, through each region's key. */
function replicationRole(spec: NormalizedSpec, b: NormalizedBucket, name: string, region: string, component: string, origin: string[], tags: CfnValue): ModelResource {
  const replica = replicaBucketName(spec, b.name, region);
  const statements: Statement[] = [
    { Sid: 'ReadSourceConfiguration', Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: bucketArn(name) },
    { Sid: 'ReadSourceVersions', Effect: 'Allow', Action: ['s3:GetObjectVersionAcl', 's3:GetObjectVersionForReplication', 's3:GetObjectVersionTagging'], Resource: objectsArn(name) },
    { Sid: 'WriteReplicas', Effect: 'Allow', Action: ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'], Resource: objectsArn(replica) },
    { Sid: 'DecryptSource', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: getAtt(ID.kmsKey, 'Arn'), Condition: { StringEquals: { 'kms:ViaService': `s3.${spec.region}.amazonaws.com` } } },
    {
      Sid: 'EncryptReplicas',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: sub(`arn:\${AWS::Partition}:kms:${region}:\${AWS::AccountId}:key/*`),
      Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` }, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': bootstrapKeyAlias(spec.name) } },
    },
  ];
  return resource({
    logicalId: BUCKET_ID.replicationRole(b.name),
    type: 'AWS::IAM::Role',
    layer: 'data',
    origin: [...origin, 'replication'],
    component,
    properties: {
      Description: `S3 replication of bucket ${b.name} to ${region}`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } } }],
      },
      Policies: [{ PolicyName: 'replication', PolicyDocument: { Version: '2012-10-17', Statement: statements as unknown as CfnValue } }],
      Tags: tags,
    },
  });
}

/** The replica bucket a bootstrap creates in `region` for one environment's bucket (services/bootstrap.ts). */
export function replicaBucketResources(env: NormalizedSpec, bucket: string, region: string, keyId: string, layer: ModelResource['layer']): ModelResource[] {
  const id = `${pascal(env.environment ?? 'default')}${pascal(bucket)}ReplicaBucket`;
  const component = `bucket/${bucket}`;
  const origin = ['buckets', bucket, 'replication'];
  return [
    {
      ...resource({
        logicalId: id,
        type: 'AWS::S3::Bucket',
        layer,
        origin,
        component,
        properties: {
          BucketName: replicaBucketName(env, bucket, region),
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(keyId, 'Arn') }, BucketKeyEnabled: true }] },
          PublicAccessBlockConfiguration: BLOCK_PUBLIC_ACCESS,
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          // Replication needs versioning on both sides.
          VersioningConfiguration: { Status: 'Enabled' },
          LifecycleConfiguration: { Rules: [{ Id: 'dex-lifecycle', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, NoncurrentVersionExpiration: { NoncurrentDays: env.buckets[bucket]?.lifecycle.noncurrentExpireAfterDays ?? 90 } }] },
          Tags: tagList(env, component),
        },
        usage: usageOf(env, env.buckets[bucket]!).filter((m) => m.meter === 's3.storage'),
      }),
      // Retained: the disaster-recovery copy must outlive the stack.
      deletionPolicy: 'Retain',
      updateReplacePolicy: 'Retain',
    },
    resource({
      logicalId: `${id}Policy`,
      type: 'AWS::S3::BucketPolicy',
      layer,
      origin,
      component,
      properties: { Bucket: ref(id), PolicyDocument: { Version: '2012-10-17', Statement: [denyInsecureTransport(id)] } },
    }),
  ];
}

/** The buckets' logical IDs, for the access-log bucket's delivery policy (services/audit.ts). */
export const bucketIds = (spec: NormalizedSpec): string[] => bucketsOf(spec).map((b) => BUCKET_ID.bucket(b.name));

export const buckets: BuildingBlock = {
  name: 'buckets',
  build(spec: NormalizedSpec): ModelResource[] {
    return bucketsOf(spec).flatMap((b) => bucketResources(spec, b));
  },
};
