// DynamoDB tables (`tables:`): encrypted with the environment's KMS key (SSE type KMS, not the
// AWS-owned key, so the key's policy and CloudTrail show who decrypts), point-in-time recovery on
// by default, deletion protection in protected environments, and Retain there too: a table is
// data, never something a stack update may drop.
//
// Provisioned tables scale read and write capacity with Application Auto Scaling (target
// tracking on consumed capacity) when max is above min; their indexes take the table's minimum
// capacity and scale the same way. Names are fixed (`<system>-<env>-<table>`): the service roles
// in the security layer name the table's ARN, and services get the name as a plain env value.
import { ID, getAtt, ref, resource, sub, tagList } from '../compiler/model/ids.js';
import { TABLE_ID, TABLE_ID_SUFFIXES, tableName } from '../compiler/model/stores.js';
import { HOURS_PER_MONTH, type BuildingBlock, type CfnValue, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import type { NormalizedService, NormalizedSpec, NormalizedTable, NormalizedTableKey, StoreUse } from '../spec/model.js';

export { TABLE_ID, TABLE_ID_SUFFIXES, tableName };
export const tableArn = (spec: NormalizedSpec, table: string): CfnValue => sub(`arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${tableName(spec, table)}`);
const indexesArn = (spec: NormalizedSpec, table: string): CfnValue => sub(`arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${tableName(spec, table)}/index/*`);

const ATTRIBUTE_TYPE = { string: 'S', number: 'N', binary: 'B' } as const;
const STREAM_VIEW = { 'keys-only': 'KEYS_ONLY', 'new-image': 'NEW_IMAGE', 'old-image': 'OLD_IMAGE', 'new-and-old-images': 'NEW_AND_OLD_IMAGES' } as const;

export const TABLE_READ_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
export const TABLE_WRITE_ACTIONS = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

type Statement = { Sid: string; Effect: 'Allow'; Action: string[]; Resource: CfnValue; Condition?: Record<string, Record<string, CfnValue>> };

/**
 * A service's statements for the tables it uses: item reads on the tables and their indexes
 * (Query and Scan run on an index), writes on the tables only (an index is written through its
 * table), and the environment's key only through DynamoDB of this region.
 */
export function tableStatements(spec: NormalizedSpec, s: NormalizedService): Statement[] {
  const uses = (s.stores ?? []).filter((u) => u.kind === 'table' && Object.hasOwn(spec.tables ?? {}, u.name));
  if (uses.length === 0) return [];
  const names = (access: StoreUse['access'] | 'any') => [...new Set(uses.filter((u) => access === 'any' || u.access === access).map((u) => u.name))].sort();
  const all = names('any');
  const writers = names('read-write');
  const out: Statement[] = [{ Sid: 'ReadTables', Effect: 'Allow', Action: TABLE_READ_ACTIONS, Resource: all.flatMap((t) => [tableArn(spec, t), indexesArn(spec, t)]) }];
  if (writers.length) out.push({ Sid: 'WriteTables', Effect: 'Allow', Action: TABLE_WRITE_ACTIONS, Resource: writers.map((t) => tableArn(spec, t)) });
  out.push({
    Sid: 'TableKey',
    Effect: 'Allow',
    Action: writers.length ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
    Resource: getAtt(ID.kmsKey, 'Arn'),
    Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${spec.region}.amazonaws.com` } },
  });
  return out;
}

const keySchema = (partition: NormalizedTableKey, sort: NormalizedTableKey | undefined): CfnValue => [
  { AttributeName: partition.name, KeyType: 'HASH' },
  ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' }] : []),
];

/** Every key attribute of the table and its indexes, once each, by name. */
function attributeDefinitions(t: NormalizedTable): CfnValue {
  const keys = new Map<string, NormalizedTableKey>();
  for (const k of [t.partition, t.sort, ...t.indexes.flatMap((i) => [i.partition, i.sort])]) if (k && !keys.has(k.name)) keys.set(k.name, k);
  return [...keys.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((k) => ({ AttributeName: k.name, AttributeType: ATTRIBUTE_TYPE[k.type] }));
}

function usageOf(spec: NormalizedSpec, t: NormalizedTable): UsageMeter[] {
  const u = spec.usage.tables?.[t.name];
  const how = `usage.tables.${t.name}`;
  const known = (meter: UsageMeter['meter'], unit: string, value: number | undefined, what: string, key: string): UsageMeter => ({
    meter,
    unit,
    quantity: { min: value ?? 0, max: value ?? 0 },
    attributes: { tableClass: 'STANDARD' },
    basis: value === undefined ? what : `${what}: ${value} (${how}.${key})`,
    ...(value === undefined ? { quantityUnknown: `dex cannot know the ${what} of table ${t.name}; give ${how}.${key}` } : {}),
  });
  const out: UsageMeter[] = [known('dynamodb.storage', 'GB-month', u?.storageGiB, 'GiB stored in the table and its indexes', 'storageGiB')];
  if (t.billing === 'on-demand') {
    out.push(
      known('dynamodb.readRequests', 'requests', u?.readRequestsPerMonth, 'read request units a month', 'readRequestsPerMonth'),
      known('dynamodb.writeRequests', 'requests', u?.writeRequestsPerMonth, 'write request units a month', 'writeRequestsPerMonth'),
    );
  } else {
    const parts = 1 + t.indexes.length;
    const hours = (d: { min: number; max: number }) => ({ min: d.min * parts * HOURS_PER_MONTH, max: d.max * parts * HOURS_PER_MONTH });
    const basis = (what: string, d: { min: number; max: number }) =>
      `${d.min === d.max ? d.min : `${d.min}..${d.max}`} ${what} × ${parts === 1 ? 'the table' : `the table and ${t.indexes.length} index(es)`} × ${HOURS_PER_MONTH} h`;
    out.push(
      { meter: 'dynamodb.readCapacity', unit: 'hours', quantity: hours(t.capacity.read), attributes: { tableClass: 'STANDARD' }, basis: basis('RCU', t.capacity.read) },
      { meter: 'dynamodb.writeCapacity', unit: 'hours', quantity: hours(t.capacity.write), attributes: { tableClass: 'STANDARD' }, basis: basis('WCU', t.capacity.write) },
    );
  }
  if (t.pointInTimeRecovery) {
    out.push({ ...known('dynamodb.pitr', 'GB-month', u?.storageGiB, 'GiB of continuous backups (the table size)', 'storageGiB') });
  }
  return out;
}

function scaling(spec: NormalizedSpec, t: NormalizedTable, index: string | undefined): ModelResource[] {
  const component = `table/${t.name}`;
  const origin = ['tables', t.name, 'capacity'];
  const out: ModelResource[] = [];
  for (const [dimension, units] of [['Read', t.capacity.read], ['Write', t.capacity.write]] as const) {
    if (units.max <= units.min) continue;
    const target = TABLE_ID.scalableTarget(t.name, index, dimension);
    out.push(
      resource({
        logicalId: target,
        type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        layer: 'data',
        origin,
        component,
        properties: {
          ServiceNamespace: 'dynamodb',
          ScalableDimension: `dynamodb:${index === undefined ? 'table' : 'index'}:${dimension}CapacityUnits`,
          ResourceId: index === undefined ? { 'Fn::Join': ['/', ['table', ref(TABLE_ID.table(t.name))]] } : { 'Fn::Join': ['/', ['table', ref(TABLE_ID.table(t.name)), 'index', index]] },
          MinCapacity: units.min,
          MaxCapacity: units.max,
        },
      }),
      resource({
        logicalId: TABLE_ID.scalingPolicy(t.name, index, dimension),
        type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
        layer: 'data',
        origin,
        component,
        properties: {
          PolicyName: `${tableName(spec, t.name)}${index === undefined ? '' : `-${index}`}-${dimension.toLowerCase()}-target-tracking`,
          PolicyType: 'TargetTrackingScaling',
          ScalingTargetId: ref(target),
          TargetTrackingScalingPolicyConfiguration: {
            PredefinedMetricSpecification: { PredefinedMetricType: `DynamoDB${dimension}CapacityUtilization` },
            TargetValue: t.capacity.targetPercent,
          },
        },
      }),
    );
  }
  return out;
}

function tableResources(spec: NormalizedSpec, t: NormalizedTable): ModelResource[] {
  // compiler/checks/stores.ts reports a table without a partition key (DEX720) before this runs.
  if (t.partition === undefined) return [];
  const component = `table/${t.name}`;
  const provisioned = t.billing === 'provisioned';
  const throughput = { ReadCapacityUnits: t.capacity.read.min, WriteCapacityUnits: t.capacity.write.min };
  const table: ModelResource = {
    ...resource({
      logicalId: TABLE_ID.table(t.name),
      type: 'AWS::DynamoDB::Table',
      layer: 'data',
      origin: ['tables', t.name],
      component,
      properties: {
        TableName: tableName(spec, t.name),
        AttributeDefinitions: attributeDefinitions(t),
        KeySchema: keySchema(t.partition, t.sort),
        BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
        ...(provisioned ? { ProvisionedThroughput: throughput } : {}),
        ...(t.indexes.length
          ? {
              GlobalSecondaryIndexes: t.indexes.map((i) => ({
                IndexName: i.name,
                KeySchema: keySchema(i.partition, i.sort),
                Projection: { ProjectionType: i.projection === 'all' ? 'ALL' : 'KEYS_ONLY' },
                ...(provisioned ? { ProvisionedThroughput: throughput } : {}),
              })),
            }
          : {}),
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: getAtt(ID.kmsKey, 'Arn') },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: t.pointInTimeRecovery },
        ...(t.stream ? { StreamSpecification: { StreamViewType: STREAM_VIEW[t.stream] } } : {}),
        ...(t.ttlAttribute ? { TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true } } : {}),
        DeletionProtectionEnabled: t.deletionProtection,
        Tags: tagList(spec, component),
      },
      usage: usageOf(spec, t),
    }),
    ...(spec.protect ? { deletionPolicy: 'Retain' as const, updateReplacePolicy: 'Retain' as const } : {}),
  };
  return [table, ...(provisioned ? [undefined, ...t.indexes.map((i) => i.name)].flatMap((index) => scaling(spec, t, index)) : [])];
}

export const dynamodb: BuildingBlock = {
  name: 'dynamodb',
  build(spec: NormalizedSpec): ModelResource[] {
    return Object.keys(spec.tables ?? {})
      .sort()
      .flatMap((name) => tableResources(spec, spec.tables[name]!));
  },
};
