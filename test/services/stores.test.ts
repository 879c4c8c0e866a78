// Buckets and DynamoDB tables (issue 16, "Other stores"), on test/fixtures/stores/stores.dex.yaml:
// the exact resources and IAM, the names in the services' environment on ECS, EKS and EC2, the
// replica bucket in the backup region's bootstrap, the templates against the CloudFormation
// resource schemas, the checks DEX720–DEX737 located in the file, the price arithmetic and the
// compliance checks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { priceMeters } from '../../compiler/pricing/line-items.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { evaluateCompliance } from '../../compiler/compliance/engine.js';
import { COMPLIANCE_RULES } from '../../pipeline/registries.js';
import { bucketName, replicaBucketName, storeEnvName } from '../../compiler/model/stores.js';
import type { ModelResource } from '../../compiler/model/types.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';

const FILE = 'test/fixtures/stores/stores.dex.yaml';
const TEXT = readFileSync(FILE, 'utf8');

const analyzed = (text: string, environment?: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock, ...(environment ? { environment } : {}) });
const production = analyzed(TEXT, 'production');
const compiled = (a: Analysis) => a.compiled.find((c) => c.environment === 'production') ?? a.compiled[0]!;
const resources = (a: Analysis): readonly ModelResource[] => compiled(a).model!.resources;
const byId = (a: Analysis, id: string): ModelResource => {
  const r = resources(a).find((x) => x.logicalId === id);
  if (!r) throw new Error(`no ${id}`);
  return r;
};
const statements = (a: Analysis, role: string) => (byId(a, role).properties as { Policies: { PolicyDocument: { Statement: { Sid: string }[] } }[] }).Policies[0]!.PolicyDocument.Statement;
const storeStatements = (a: Analysis, role: string) => statements(a, role).filter((s) => /Bucket|Table/.test(s.Sid));
const at = (a: Analysis, code: string) => a.diagnostics.filter((d) => d.code === code).map((d) => `${d.range?.start.line}:${d.range?.start.col} ${d.severity} ${d.path.join('.')}`);
const lineOf = (text: string, needle: string): number => {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`no ${needle}`);
  return text.slice(0, i).split('\n').length;
};
/** 1-based column of `needle` (its first character) on its line. */
const colOf = (text: string, needle: string): number => {
  const i = text.indexOf(needle);
  return i - text.lastIndexOf('\n', i - 1);
};
const replace = (from: string, to: string, text = TEXT): string => {
  if (!text.includes(from)) throw new Error(`no ${from}`);
  return text.replace(from, to);
};

const KEY = { 'Fn::GetAtt': ['KmsKey', 'Arn'] };
const s3 = (name: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${name}` });
const table = (name: string, suffix = '') => ({ 'Fn::Sub': `arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${name}${suffix}` });

describe('the fixture', () => {
  it('is valid: no error or warning in any environment', () => {
    const a = analyzed(TEXT);
    expect(a.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });
});

describe('a bucket', () => {
  const spec = compiled(production).spec;
  const media = bucketName(spec, 'media');

  it('is named <system>-<env>-<bucket>-<hash>, within S3\'s rules, different per environment and account', () => {
    expect(media).toMatch(/^shop-production-media-[0-9a-f]{8}$/);
    expect(bucketName({ ...spec, environment: 'staging' }, 'media')).not.toBe(media);
    expect(bucketName({ ...spec, account: '123456789012' }, 'media')).not.toBe(media);
    const long = bucketName({ ...spec, name: 'a-very-long-system-name-for-buckets', environment: 'production-eu' }, 'product-images-originals');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
    expect(long).not.toContain('--');
  });

  it('has exactly the secure properties: SSE-KMS with bucket keys, private, versioned, lifecycle, logged, replicated', () => {
    const b = byId(production, 'MediaBucket');
    expect(b.layer).toBe('data');
    expect(b.deletionPolicy).toBe('Retain');
    expect(b.properties).toEqual({
      BucketName: media,
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY }, BucketKeyEnabled: true }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'dex-lifecycle',
            Status: 'Enabled',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            ExpirationInDays: 730,
            NoncurrentVersionExpiration: { NoncurrentDays: 90 },
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }, { StorageClass: 'GLACIER', TransitionInDays: 180 }],
          },
        ],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: 'S3AccessLogBucket' }, LogFilePrefix: 'MediaBucket/' },
      ReplicationConfiguration: {
        Role: { 'Fn::GetAtt': ['MediaBucketReplicationRole', 'Arn'] },
        Rules: [
          {
            Id: 'backup-region',
            Status: 'Enabled',
            Priority: 1,
            Filter: { Prefix: '' },
            DeleteMarkerReplication: { Status: 'Enabled' },
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
            Destination: { Bucket: s3(replicaBucketName(spec, 'media', 'us-west-2')), EncryptionConfiguration: { ReplicaKmsKeyID: { 'Fn::Sub': 'arn:${AWS::Partition}:kms:us-west-2:${AWS::AccountId}:alias/shop-bootstrap' } } },
          },
        ],
      },
      Tags: [{ Key: 'dex:component', Value: 'bucket/media' }, { Key: 'dex:environment', Value: 'production' }, { Key: 'dex:system', Value: 'shop' }],
    });
    const policy = byId(production, 'MediaBucketPolicy').properties as { PolicyDocument: { Statement: unknown[] } };
    expect(policy.PolicyDocument.Statement).toEqual([
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [{ 'Fn::GetAtt': ['MediaBucket', 'Arn'] }, { 'Fn::Sub': '${MediaBucket.Arn}/*' }], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]);
  });

  it('logs into the access-log bucket, whose policy lets S3 deliver for it', () => {
    const policy = JSON.stringify(byId(production, 'S3AccessLogBucketPolicy').properties);
    expect(policy).toContain('{"Fn::GetAtt":["MediaBucket","Arn"]}');
  });

  it('replicates with a role that reads only its versions and writes only the replica, through each region\'s key', () => {
    const replica = replicaBucketName(compiled(production).spec, 'media', 'us-west-2');
    expect(statements(production, 'MediaBucketReplicationRole')).toEqual([
      { Sid: 'ReadSourceConfiguration', Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: s3(media) },
      { Sid: 'ReadSourceVersions', Effect: 'Allow', Action: ['s3:GetObjectVersionAcl', 's3:GetObjectVersionForReplication', 's3:GetObjectVersionTagging'], Resource: s3(`${media}/*`) },
      { Sid: 'WriteReplicas', Effect: 'Allow', Action: ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'], Resource: s3(`${replica}/*`) },
      { Sid: 'DecryptSource', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: KEY, Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
      {
        Sid: 'EncryptReplicas',
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:kms:us-west-2:${AWS::AccountId}:key/*' },
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' }, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/shop-bootstrap' } },
      },
    ]);
  });

  it('a non-protected environment lets an empty bucket go with its stack; no replication means no role', () => {
    const staging = analyzed(replace('    replication: true\n', ''), 'staging');
    expect(byId(staging, 'MediaBucket').deletionPolicy).toBeUndefined();
    expect(byId(staging, 'MediaBucket').properties.ReplicationConfiguration).toBeUndefined();
    expect(resources(staging).some((r) => r.logicalId === 'MediaBucketReplicationRole')).toBe(false);
  });
});

describe('the replica bucket', () => {
  const tree = outTree(FILE);
  const bootstrap = (region: string) => tree.filter((f) => f.path.startsWith(`bootstrap/default/${region}/`) && /\.ya?ml$/.test(f.path) && /^Resources:/m.test(f.content));

  it('is the bootstrap\'s of the backup region (us-west-2): versioned, private, encrypted with that bootstrap key, retained', () => {
    const resourcesOf = bootstrap('us-west-2').flatMap((f) => Object.entries((parse(f.content) as { Resources: Record<string, { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }> }).Resources));
    const replica = Object.fromEntries(resourcesOf.filter(([id]) => id === 'ProductionMediaReplicaBucket'))['ProductionMediaReplicaBucket']!;
    expect(replica.Type).toBe('AWS::S3::Bucket');
    expect(replica.DeletionPolicy).toBe('Retain');
    expect(replica.Properties.BucketName).toBe(replicaBucketName(compiled(production).spec, 'media', 'us-west-2'));
    expect(replica.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(replica.Properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['BootstrapKey', 'Arn'] } }, BucketKeyEnabled: true }] });
    expect(resourcesOf.map(([id]) => id)).toEqual(expect.arrayContaining(['ProductionMediaReplicaBucketPolicy', 'StagingMediaReplicaBucket']));
    // The home region's bootstrap has none.
    expect(bootstrap('us-east-1').some((f) => f.content.includes('ReplicaBucket'))).toBe(false);
  });

  it('every template with a bucket, table or scaling target passes the CloudFormation validator', () => {
    const templates = tree.filter((f) => /\.ya?ml$/.test(f.path) && /^Resources:/m.test(f.content) && /AWS::DynamoDB::Table|ReplicaBucket|MediaBucket/.test(f.content));
    expect(templates.length).toBeGreaterThanOrEqual(4);
    for (const t of templates) expect(validateTemplate(parse(t.content)), t.path).toEqual([]);
  });
});

describe('a table', () => {
  it('on-demand: keys, KMS encryption, PITR, stream, TTL, deletion protection in production', () => {
    const t = byId(production, 'CartsTable');
    expect(t.deletionPolicy).toBe('Retain');
    expect(t.properties).toEqual({
      TableName: 'shop-production-carts',
      AttributeDefinitions: [{ AttributeName: 'customerId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      DeletionProtectionEnabled: true,
      Tags: [{ Key: 'dex:component', Value: 'table/carts' }, { Key: 'dex:environment', Value: 'production' }, { Key: 'dex:system', Value: 'shop' }],
    });
  });

  it('provisioned: capacity on the table and its index, each scaled by target tracking where max > min', () => {
    const t = byId(production, 'OrdersTable').properties;
    expect(t.BillingMode).toBe('PROVISIONED');
    expect(t.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
    expect(t.AttributeDefinitions).toEqual([{ AttributeName: 'createdAt', AttributeType: 'N' }, { AttributeName: 'customerId', AttributeType: 'S' }, { AttributeName: 'id', AttributeType: 'S' }]);
    expect(t.GlobalSecondaryIndexes).toEqual([{ IndexName: 'byCustomer', KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }]);
    const targets = resources(production).filter((r) => r.type === 'AWS::ApplicationAutoScaling::ScalableTarget' && r.component === 'table/orders');
    expect(targets.map((r) => [r.logicalId, r.properties.ScalableDimension, r.properties.MinCapacity, r.properties.MaxCapacity])).toEqual([
      ['OrdersTableByCustomerIndexReadScalableTarget', 'dynamodb:index:ReadCapacityUnits', 5, 50],
      ['OrdersTableByCustomerIndexWriteScalableTarget', 'dynamodb:index:WriteCapacityUnits', 5, 20],
      ['OrdersTableReadScalableTarget', 'dynamodb:table:ReadCapacityUnits', 5, 50],
      ['OrdersTableWriteScalableTarget', 'dynamodb:table:WriteCapacityUnits', 5, 20],
    ]);
    expect(byId(production, 'OrdersTableReadScalingPolicy').properties.TargetTrackingScalingPolicyConfiguration).toEqual({ PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' }, TargetValue: 70 });
  });

  it('a non-protected environment has no deletion protection unless the spec asks', () => {
    const staging = analyzed(TEXT, 'staging');
    expect(byId(staging, 'CartsTable').properties.DeletionProtectionEnabled).toBe(false);
    expect(byId(staging, 'CartsTable').deletionPolicy).toBeUndefined();
    const asked = analyzed(replace('    ttlAttribute: expiresAt\n', '    ttlAttribute: expiresAt\n    deletionProtection: true\n'), 'staging');
    expect(byId(asked, 'CartsTable').properties.DeletionProtectionEnabled).toBe(true);
  });
});

describe('uses: exact IAM on the role the code runs as, and the name in its environment', () => {
  const spec = compiled(production).spec;
  const media = bucketName(spec, 'media');

  it('ECS task role, read: list the bucket, get its objects, decrypt through S3', () => {
    expect(storeStatements(production, 'CatalogRole')).toEqual([
      { Sid: 'ListBuckets', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [s3(media)] },
      { Sid: 'ReadBucketObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [s3(`${media}/*`)] },
      { Sid: 'BucketKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: KEY, Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
    ]);
    expect(JSON.stringify(statements(production, 'CatalogRole'))).not.toMatch(/PutObject|DeleteObject|dynamodb:/);
  });

  it('EKS service-account role, read-write on a table and a bucket: writes only on the table, reads on its indexes too', () => {
    expect(storeStatements(production, 'CartsRole')).toEqual([
      { Sid: 'ListBuckets', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [s3(media)] },
      { Sid: 'ReadBucketObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [s3(`${media}/*`)] },
      { Sid: 'WriteBucketObjects', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:PutObject'], Resource: [s3(`${media}/*`)] },
      { Sid: 'BucketKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY, Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
      { Sid: 'ReadTables', Effect: 'Allow', Action: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: [table('shop-production-carts'), table('shop-production-carts', '/index/*')] },
      { Sid: 'WriteTables', Effect: 'Allow', Action: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: [table('shop-production-carts')] },
      { Sid: 'TableKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY, Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' } } },
    ]);
    expect(byId(production, 'CartsRole').layer).toBe('eks');
  });

  it('EC2 instance role: a plain table name in uses is read-write', () => {
    expect(storeStatements(production, 'WorkerRole').map((s) => s.Sid)).toEqual(['ReadTables', 'WriteTables', 'TableKey']);
    expect(JSON.stringify(storeStatements(production, 'WorkerRole'))).toContain('table/shop-production-orders');
  });

  it('<NAME>_BUCKET and <NAME>_TABLE: in the ECS task definition, the Kubernetes deployment and the EC2 container', () => {
    expect(storeEnvName({ kind: 'bucket', name: 'product-images' })).toBe('PRODUCT_IMAGES_BUCKET');
    const env = (byId(production, 'CatalogTaskDefinition').properties as { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] }).ContainerDefinitions[0]!.Environment;
    expect(env).toContainEqual({ Name: 'MEDIA_BUCKET', Value: media });
    const tree = outTree(FILE);
    const deployment = tree.find((f) => f.path === 'production/kubernetes/carts/deployment.yaml')!.content;
    expect(deployment).toContain(`- name: CARTS_TABLE\n              value: shop-production-carts\n`);
    expect(deployment).toContain(`- name: MEDIA_BUCKET\n              value: ${media}\n`);
    expect(JSON.stringify(byId(production, 'WorkerLaunchTemplate').properties)).toContain('ORDERS_TABLE');
  });

  it('${buckets.NAME.arn} and ${tables.NAME.arn} in permissions: the bucket\'s and the table\'s ARN', () => {
    const text = replace('      - { bucket: media, access: read }\n', '      - { bucket: media, access: read }\n    permissions:\n      - { actions: [s3:GetObjectTagging], resources: ["${buckets.media.arn}", "${tables.carts.arn}"] }\n');
    const a = analyzed(text, 'production');
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(statements(a, 'CatalogRole').find((s) => s.Sid === 'SpecPermission0')).toEqual({ Sid: 'SpecPermission0', Effect: 'Allow', Action: ['s3:GetObjectTagging'], Resource: [s3(media), table('shop-production-carts')] });
    const bad = analyzed(replace('"${buckets.media.arn}"', '"${buckets.medai.arn}"', text));
    expect(bad.diagnostics.find((d) => d.code === 'DEX385')!.hint).toBe('did you mean ${buckets.media.arn}?');
  });
});

describe('checks', () => {
  it('DEX720: a table without a partition key, at the table', () => {
    const text = replace('    keys: { partition: { name: customerId, type: string } }\n', '');
    expect(at(analyzed(text), 'DEX720')).toEqual([`${lineOf(text, '  carts:\n    ttlAttribute')}:3 error tables.carts`]);
  });

  it('DEX721: an unknown bucket or table, at the uses item, with a suggestion', () => {
    const text = replace('{ table: carts, access: read-write }', '{ table: cart, access: read-write }');
    const a = analyzed(text);
    expect(at(a, 'DEX721')).toEqual([`${lineOf(text, '{ table: cart,')}:9 error services.carts.uses.0`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX721')!.hint).toBe('did you mean carts?');
  });

  it('DEX722: a plain name that is both a table and a database; a service may share its table\'s name', () => {
    const text = replace('    uses: [orders]\n', '    uses: [orders, orders-db]\n').replace('tables:\n', 'tables:\n  orders-db:\n    keys: { partition: { name: id } }\n');
    expect(at(analyzed(text), 'DEX722')).toEqual([`${lineOf(text, 'uses: [orders, orders-db]')}:${colOf(text, 'orders-db]')} error services.worker.uses.1`]);
    // worker calls the carts service; carts itself uses its table by the object form.
    const service = analyzed(replace('    uses: [orders]\n', '    uses: [orders, carts]\n'));
    expect(service.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // Calling the service gives no access to its table.
    const withCarts = analyzed(replace('    uses: [orders]\n', '    uses: [orders, carts]\n'), 'production');
    expect(JSON.stringify(storeStatements(withCarts, 'WorkerRole'))).not.toContain('shop-production-carts');
    expect(JSON.stringify(storeStatements(withCarts, 'WorkerRole'))).toContain('shop-production-orders');
  });

  it('DEX723 / DEX724 / DEX725: replication: true needs exactly one backup region, not its own', () => {
    const none = replace('    crossRegionBackupTo: us-west-2\n', '    storageGiB: 20\n');
    expect(at(analyzed(none), 'DEX723')).toEqual([`${lineOf(none, 'replication: true')}:18 error buckets.media.replication`]);
    const two = replace('databases:\n  orders-db:\n    crossRegionBackupTo: us-west-2\n', 'databases:\n  orders-db:\n    crossRegionBackupTo: us-west-2\n  audit-db:\n    crossRegionBackupTo: eu-west-1\n');
    expect(at(analyzed(two), 'DEX724')).toEqual([`${lineOf(two, 'replication: true')}:18 error buckets.media.replication`]);
    const own = replace('replication: true', 'replication: us-east-1');
    expect(at(analyzed(own), 'DEX725')).toEqual([`${lineOf(own, 'replication: us-east-1')}:18 error buckets.media.replication`]);
    // A region given by name needs no database.
    expect(analyzed(replace('replication: true', 'replication: eu-west-1', none)).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('DEX726: replication without versioning', () => {
    const text = replace('    replication: true\n', '    replication: true\n    versioning: false\n');
    expect(at(analyzed(text), 'DEX726')).toEqual([`${lineOf(text, 'replication: true')}:18 error buckets.media.replication`]);
  });

  it('DEX727 / DEX728: a duplicate index name; a key attribute with two types', () => {
    const text = replace('      - { name: byCustomer, partition: { name: customerId }, projection: keys-only }\n', '      - { name: byCustomer, partition: { name: customerId }, projection: keys-only }\n      - { name: byCustomer, partition: { name: createdAt, type: string } }\n');
    const a = analyzed(text);
    const line = lineOf(text, '      - { name: byCustomer, partition: { name: createdAt');
    expect(at(a, 'DEX727')).toEqual([`${line}:17 error tables.orders.indexes.1.name`]);
    expect(at(a, 'DEX728')).toEqual([`${line}:${colOf(text, 'createdAt, type: string') + 'createdAt, type: '.length} error tables.orders.indexes.1.partition.type`]);
  });

  it('DEX729: Glacier less than 30 days after Standard-IA; expiry before the last move', () => {
    const text = replace('glacierAfterDays: 180, expireAfterDays: 730', 'glacierAfterDays: 45, expireAfterDays: 40');
    const line = lineOf(text, 'glacierAfterDays: 45');
    expect(at(analyzed(text), 'DEX729')).toEqual([`${line}:${colOf(text, '45,')} error buckets.media.lifecycle.glacierAfterDays`, `${line}:${colOf(text, '40 }')} error buckets.media.lifecycle.expireAfterDays`]);
  });

  it('DEX730 / DEX731: capacity on an on-demand table warns; min above max is an error', () => {
    const text = replace('    billing: provisioned\n', '').replace('write: { min: 5, max: 20 }', 'write: { min: 30, max: 20 }');
    const a = analyzed(text);
    expect(at(a, 'DEX730')).toEqual([`${lineOf(text, '    capacity:')}:5 warning tables.orders.capacity`]);
    expect(at(a, 'DEX731')).toEqual([`${lineOf(text, 'write: { min: 30')}:${colOf(text, '20 }, targetPercent')} error tables.orders.capacity.write.max`]);
  });

  it('DEX732: usage for a bucket that does not exist warns, at the key, with the closest name', () => {
    const text = replace('    media: { storageGiB: 100', '    medai: { storageGiB: 100');
    const a = analyzed(text);
    expect(at(a, 'DEX732')).toEqual([`${lineOf(text, '    medai:')}:5 warning usage.buckets.medai`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX732')!.hint).toBe('did you mean media?');
  });

  it('DEX737: the same bucket twice in one service\'s uses', () => {
    const text = replace('      - { bucket: media, access: read }\n', '      - { bucket: media, access: read }\n      - { bucket: media, access: read-write }\n');
    expect(at(analyzed(text), 'DEX737')).toEqual([`${lineOf(text, '{ bucket: media, access: read-write }\n  carts')}:9 error services.catalog.uses.1`]);
  });
});

describe('pricing', () => {
  const snapshot = loadSnapshotSource();
  const priced = (region: string, text = TEXT) => {
    const a = analyzed(text.replace('region: us-east-1', `region: ${region}`).replace('crossRegionBackupTo: us-west-2', 'crossRegionBackupTo: ap-south-2'), 'production');
    const inputs = resources(a).filter((r) => /^(bucket|table)\//.test(r.component)).map((r) => ({ logicalId: r.logicalId, type: r.type, usage: r.usage }));
    return priceMeters(inputs, region, snapshot);
  };

  it('S3 Standard storage and requests at list price from usage.buckets (ap-south-1)', () => {
    const lines = priced('ap-south-1').lineItems.filter((l) => l.resource === 'MediaBucket');
    // 100 GB-month × $0.025; 1,000,000 PUT × $0.005/1,000; 10,000,000 GET × $0.0004/1,000.
    expect(lines.map((l) => [l.usageType, l.monthlyUsd.min, l.monthlyUsd.max])).toEqual([
      ['TimedStorage-ByteHrs', 2.5, 2.5],
      ['Requests-Tier1', 5, 5],
      ['Requests-Tier2', 4, 4],
    ]);
    expect(lines[1]!.arithmetic).toBe('1,000,000 requests × $0.005/1K requests = $5.00');
  });

  it('never $0 for unknown: without usage the bucket\'s lines are unpriced, saying what to give', () => {
    const plan = priced('ap-south-1', TEXT.replace(/  buckets:\n    media: .*\n/, ''));
    expect(plan.lineItems.filter((l) => l.resource === 'MediaBucket')).toEqual([]);
    expect(plan.unpriced.filter((u) => u.resource === 'MediaBucket').map((u) => u.reason)).toEqual([
      expect.stringContaining('give usage.buckets.media.storageGiB'),
      expect.stringContaining('give usage.buckets.media.putRequestsPerMonth'),
      expect.stringContaining('give usage.buckets.media.getRequestsPerMonth'),
      expect.stringMatching(/^no public price in dex's sources for S3 replication's inter-region data transfer/),
    ]);
  });

  it('DynamoDB and regions without an S3 request price are unpriced with the reason', () => {
    const plan = priced('us-east-1');
    expect(plan.lineItems.filter((l) => l.resource === 'MediaBucket').map((l) => l.usageType)).toEqual(['TimedStorage-ByteHrs']);
    const reasons = plan.unpriced.map((u) => `${u.resource} ${u.meter}: ${u.reason}`);
    expect(reasons).toContainEqual(expect.stringMatching(/^MediaBucket s3\.putRequests: .*dex's price sources give S3 request prices for ap-south-1 only/));
    expect(reasons).toContainEqual(expect.stringMatching(/^CartsTable dynamodb\.writeRequests: .*none of dex's price sources gives DynamoDB list prices yet/));
    expect(plan.unpriced.filter((u) => u.resource === 'OrdersTable').map((u) => u.meter)).toEqual(['dynamodb.storage', 'dynamodb.readCapacity', 'dynamodb.writeCapacity', 'dynamodb.pitr']);
  });

  it('provisioned capacity is metered in unit-hours for the table and each index, min to max', () => {
    const usage = byId(production, 'OrdersTable').usage;
    expect(usage.find((m) => m.meter === 'dynamodb.readCapacity')!.quantity).toEqual({ min: 5 * 2 * 730, max: 50 * 2 * 730 });
    expect(usage.find((m) => m.meter === 'dynamodb.writeCapacity')!.quantity).toEqual({ min: 5 * 2 * 730, max: 20 * 2 * 730 });
  });
});

describe('compliance', () => {
  const report = (text: string, environment = 'production') => {
    const c = compiled(analyzed(text, environment));
    return evaluateCompliance({ spec: c.spec, model: c.model!, data: {}, rules: COMPLIANCE_RULES });
  };
  const checksOf = (text: string, rule: string) => {
    const control = report(text).controls.find((x) => x.rule.id === rule)!;
    return control.checks.filter((c) => /bucket|table/.test(c.message)).map((c) => `${c.ok ? 'pass' : 'fail'}: ${c.message}`);
  };
  const soc2 = (text: string) => `compliance: [soc2, rbi]\n${text}`;

  it('encryption at rest covers tables with the customer-managed key', () => {
    const c = report(TEXT).controls.find((x) => x.rule.id === 'BASE-ENCRYPTION-AT-REST')!;
    expect(c.checks.filter((k) => /^(Carts|Orders)Table/.test(k.message)).map((k) => k.message)).toEqual(['CartsTable is encrypted at rest', 'OrdersTable is encrypted at rest']);
  });

  it('public access, deletion protection and backups of buckets and tables', () => {
    expect(checksOf(TEXT, 'BASE-NO-PUBLIC-DATA-STORES')).toEqual(['pass: bucket media blocks all public access and refuses requests without TLS']);
    expect(checksOf(TEXT, 'BASE-DELETION-PROTECTION')).toEqual(['pass: bucket media is kept if its stack deletes or replaces it', 'pass: table carts has deletion protection and is kept if its stack deletes it', 'pass: table orders has deletion protection and is kept if its stack deletes it']);
    const off = soc2(replace('    ttlAttribute: expiresAt\n', '    ttlAttribute: expiresAt\n    pointInTimeRecovery: false\n').replace('    replication: true\n', ''));
    expect(checksOf(off, 'SOC2-A1.2-BACKUPS')).toEqual([
      'fail: table carts has no point-in-time recovery: a bad write cannot be undone',
      'pass: table orders keeps point-in-time recovery (35 days)',
      "fail: bucket media has no copy in us-west-2, where the databases' backups go: a regional outage loses its objects",
    ]);
    expect(checksOf(soc2(TEXT), 'SOC2-A1.2-BACKUPS')).toContain('pass: bucket media keeps every version, replicated to us-west-2');
  });

  it('RBI: a replica outside India fails; inside India passes', () => {
    const rbi = (text: string) => report(soc2(text)).controls.find((x) => x.rule.id === 'RBI-PSD-LOCALISATION')!.checks.filter((c) => c.message.startsWith('replicas')).map((c) => `${c.ok ? 'pass' : 'fail'}: ${c.message}`);
    expect(rbi(TEXT)).toEqual(['fail: replicas of bucket media are stored in us-west-2, outside India']);
    expect(rbi(TEXT.replace('region: us-east-1', 'region: ap-south-1').replace('crossRegionBackupTo: us-west-2', 'crossRegionBackupTo: ap-south-2'))).toEqual(['pass: replicas of bucket media are in ap-south-2 (India)']);
  });
});
