// RDS for PostgreSQL: subnet group in the database subnets, a parameter group that forces TLS,
// the instance (encrypted with the system's KMS key, never public, snapshot on delete and on
// replacement), the link from its credentials secret to the instance, read replicas, and — when
// `crossRegionBackupTo` is set — an AWS Backup plan that copies each backup to another region.
//
// Credentials: `ManageMasterUserPassword: false`, username and password resolved at deploy time
// from the secret the security layer generates (ID.databaseSecret) through dynamic references.
// That secret's logical ID is known to every block at compile time, so IAM policies and ECS task
// definitions name it directly; an RDS-managed secret would only exist as an attribute of the
// instance (data layer), which the security layer, deployed first, cannot reference. The secret
// is encrypted with the same KMS key, and the SecretTargetAttachment adds host, port and engine.
//
// Cross-region copies need a vault in the destination region. CloudFormation cannot create a
// resource in another region from this stack, so the bootstrap of the destination region
// (services/bootstrap.ts, deployed first) creates the vault named crossRegionVaultName(),
// encrypted with that region's bootstrap key.
import { ID, fitName, getAtt, namePrefix, pascal, ref, resource, sub, subnetRefs, tagList } from '../compiler/model/ids.js';
import { logRetentionAtLeast } from './audit.js';
import { HOURS_PER_MONTH, type BuildingBlock, type CfnValue, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import type { NormalizedDatabase, NormalizedSpec } from '../spec/model.js';
import { bootstrapKeyAlias } from './cicd.js';

/** JSON keys of the database secret (the Secrets Manager convention for RDS credentials). */
export const DATABASE_SECRET_KEYS = { username: 'username', password: 'password' } as const;

const resolveSecret = (secretId: string, key: string): CfnValue => ({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', ref(secretId), `:SecretString:${key}}}`]] });

const tagMap = (spec: NormalizedSpec, component: string): Record<string, string> => Object.fromEntries(tagList(spec, component).map((t) => [t.Key, t.Value]));

export { crossRegionVaultName } from '../compiler/model/ids.js';
import { crossRegionVaultName } from '../compiler/model/ids.js';

/** The instance identifier dex sets (with audit.databaseLogs), so that the log groups RDS writes to can be created (with retention and KMS) before it. */
export function databaseIdentifier(spec: NormalizedSpec, db: NormalizedDatabase, replica?: number): string {
  return fitName(`${namePrefix(spec)}-${db.name}${replica === undefined ? '' : `-replica-${replica}`}`, 63);
}

export const DATABASE_LOG_EXPORTS = ['postgresql', 'upgrade'] as const;

/**
 * The log groups an instance exports to. RDS would create them itself on first write, without
 * retention or encryption, and outside the stack; created first by dex, RDS writes into them.
 */
function databaseLogGroups(spec: NormalizedSpec, db: NormalizedDatabase, instanceId: string, identifier: string): ModelResource[] {
  const retention = logRetentionAtLeast(spec.audit.retentionDays);
  return DATABASE_LOG_EXPORTS.map((kind) => ({
    ...resource({
      logicalId: `${instanceId}${pascal(kind)}LogGroup`,
      type: 'AWS::Logs::LogGroup',
      layer: 'data',
      component: `database/${db.name}`,
      origin: ['databases', db.name],
      properties: { LogGroupName: `/aws/rds/instance/${identifier}/${kind}`, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), RetentionInDays: retention, Tags: tagList(spec, `database/${db.name}`) },
      usage: [
        { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: {}, basis: `${kind} log of ${identifier}: its volume follows the parameter group's logging settings and the load, which the spec does not give` },
        { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: `${kind} log of ${identifier}, kept ${retention} days: volume not known` },
      ],
    }),
    deletionPolicy: 'Retain' as const,
    updateReplacePolicy: 'Retain' as const,
  }));
}

function logExports(spec: NormalizedSpec, db: NormalizedDatabase, instanceId: string, identifier: string): { resources: ModelResource[]; properties: Record<string, CfnValue>; dependsOn: string[] } {
  if (!spec.audit.databaseLogs) return { resources: [], properties: {}, dependsOn: [] };
  const resources = databaseLogGroups(spec, db, instanceId, identifier);
  return { resources, properties: { EnableCloudwatchLogsExports: [...DATABASE_LOG_EXPORTS] }, dependsOn: resources.map((r) => r.logicalId) };
}

function databaseResources(spec: NormalizedSpec, db: NormalizedDatabase): ModelResource[] {
  const P = pascal(db.name);
  const component = `database/${db.name}`;
  const origin = ['databases', db.name];
  const tags = tagList(spec, component);
  const deployment = db.multiAz ? 'Multi-AZ' : 'Single-AZ';
  const maxStorage = db.maxStorageGiB !== undefined && db.maxStorageGiB > db.storageGiB ? db.maxStorageGiB : undefined;
  const subnetGroupId = `${P}DatabaseSubnetGroup`;
  const parameterGroupId = `${P}DatabaseParameterGroup`;
  const dbId = ID.database(db.name);
  const out: ModelResource[] = [];

  out.push(
    resource({
      logicalId: subnetGroupId,
      type: 'AWS::RDS::DBSubnetGroup',
      layer: 'data',
      origin,
      component,
      properties: { DBSubnetGroupDescription: `Database subnets of ${db.name}`, SubnetIds: subnetRefs(spec, 'database'), Tags: tags },
    }),
    resource({
      logicalId: parameterGroupId,
      type: 'AWS::RDS::DBParameterGroup',
      layer: 'data',
      origin,
      component,
      properties: {
        Description: `${db.name}: TLS required`,
        Family: `postgres${db.version}`,
        Parameters: { 'rds.force_ssl': '1' },
        Tags: tags,
      },
    }),
  );

  const storageMeter = (deploy: string, basisWho: string): UsageMeter => ({
    meter: 'rds.storage',
    unit: 'GB-month',
    quantity: { min: db.storageGiB, max: maxStorage ?? db.storageGiB },
    attributes: { storageType: 'gp3', deployment: deploy },
    basis: maxStorage ? `${db.storageGiB} GiB allocated, autoscaling up to maxStorageGiB ${maxStorage} (${basisWho})` : `${db.storageGiB} GiB allocated (${basisWho})`,
  });

  const primaryIdentifier = databaseIdentifier(spec, db);
  const primaryLogs = logExports(spec, db, dbId, primaryIdentifier);
  out.push(...primaryLogs.resources);
  out.push(
    resource({
      logicalId: dbId,
      type: 'AWS::RDS::DBInstance',
      ...(primaryLogs.dependsOn.length > 0 ? { dependsOn: primaryLogs.dependsOn } : {}),
      layer: 'data',
      origin,
      component,
      deletionPolicy: 'Snapshot',
      updateReplacePolicy: 'Snapshot',
      properties: {
        ...(spec.audit.databaseLogs ? { DBInstanceIdentifier: primaryIdentifier } : {}),
        Engine: 'postgres',
        EngineVersion: db.version,
        DBInstanceClass: db.instanceClass,
        MultiAZ: db.multiAz,
        AllocatedStorage: String(db.storageGiB),
        ...(maxStorage ? { MaxAllocatedStorage: maxStorage } : {}),
        StorageType: 'gp3',
        StorageEncrypted: true,
        KmsKeyId: getAtt(ID.kmsKey, 'Arn'),
        DBSubnetGroupName: ref(subnetGroupId),
        DBParameterGroupName: ref(parameterGroupId),
        VPCSecurityGroups: [ref(ID.databaseSecurityGroup(db.name))],
        Port: String(db.port),
        PubliclyAccessible: false,
        ManageMasterUserPassword: false,
        MasterUsername: resolveSecret(ID.databaseSecret(db.name), DATABASE_SECRET_KEYS.username),
        MasterUserPassword: resolveSecret(ID.databaseSecret(db.name), DATABASE_SECRET_KEYS.password),
        BackupRetentionPeriod: db.backupRetentionDays,
        DeletionProtection: db.deletionProtection,
        CopyTagsToSnapshot: true,
        AutoMinorVersionUpgrade: true,
        // Performance Insights and enhanced monitoring cost extra (and PI is not on every class).
        EnablePerformanceInsights: false,
        MonitoringInterval: 0,
        ...primaryLogs.properties,
        Tags: tags,
      },
      usage: [
        {
          meter: 'rds.instance',
          unit: 'hours',
          quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH },
          attributes: { instanceClass: db.instanceClass, deployment, engine: 'PostgreSQL' },
          basis: `one ${db.instanceClass} ${deployment} instance × ${HOURS_PER_MONTH} h`,
        },
        storageMeter(deployment, 'primary'),
        {
          meter: 'rds.backup',
          unit: 'GB-month',
          quantity: { min: 0, max: 0 },
          attributes: {},
          basis: `automated backups (${db.backupRetentionDays} days) are free up to the allocated storage; beyond it depends on the daily change rate, which the spec does not give`,
        },
      ],
    }),
    resource({
      logicalId: `${P}DatabaseSecretAttachment`,
      type: 'AWS::SecretsManager::SecretTargetAttachment',
      layer: 'data',
      origin,
      component,
      properties: { SecretId: ref(ID.databaseSecret(db.name)), TargetId: ref(dbId), TargetType: 'AWS::RDS::DBInstance' },
    }),
  );

  for (let n = 1; n <= db.readReplicas; n++) {
    const replicaIdentifier = databaseIdentifier(spec, db, n);
    const replicaLogs = logExports(spec, db, `${dbId}Replica${n}`, replicaIdentifier);
    out.push(...replicaLogs.resources);
    out.push(
      resource({
        logicalId: `${dbId}Replica${n}`,
        type: 'AWS::RDS::DBInstance',
        ...(replicaLogs.dependsOn.length > 0 ? { dependsOn: replicaLogs.dependsOn } : {}),
        layer: 'data',
        origin: [...origin, 'readReplicas'],
        component,
        // A read replica has no final snapshot; its data is the primary's.
        deletionPolicy: 'Delete',
        updateReplacePolicy: 'Delete',
        properties: {
          ...(spec.audit.databaseLogs ? { DBInstanceIdentifier: replicaIdentifier } : {}),
          SourceDBInstanceIdentifier: ref(dbId),
          DBInstanceClass: db.instanceClass,
          MultiAZ: false,
          StorageType: 'gp3',
          // Encryption is inherited from the source (CloudFormation refuses StorageEncrypted on a
          // replica); KmsKeyId keeps the same customer-managed key.
          KmsKeyId: getAtt(ID.kmsKey, 'Arn'),
          DBParameterGroupName: ref(parameterGroupId),
          VPCSecurityGroups: [ref(ID.databaseSecurityGroup(db.name))],
          PubliclyAccessible: false,
          CopyTagsToSnapshot: true,
          AutoMinorVersionUpgrade: true,
          EnablePerformanceInsights: false,
          MonitoringInterval: 0,
          ...replicaLogs.properties,
          Tags: tags,
        },
        usage: [
          {
            meter: 'rds.instance',
            unit: 'hours',
            quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH },
            attributes: { instanceClass: db.instanceClass, deployment: 'Single-AZ', engine: 'PostgreSQL' },
            basis: `read replica ${n}: one ${db.instanceClass} Single-AZ instance × ${HOURS_PER_MONTH} h`,
          },
          storageMeter('Single-AZ', `read replica ${n}, same size as the primary`),
        ],
      }),
    );
  }

  if (db.crossRegionBackupTo) out.push(...crossRegionBackup(spec, db));
  return out;
}

function crossRegionBackup(spec: NormalizedSpec, db: NormalizedDatabase): ModelResource[] {
  const P = pascal(db.name);
  const component = `database/${db.name}`;
  const origin = ['databases', db.name, 'crossRegionBackupTo'];
  const to = db.crossRegionBackupTo!;
  const vaultName = crossRegionVaultName(spec, db.name);
  const vaultId = `${P}BackupVault`;
  const roleId = `${P}BackupRole`;
  const planId = `${P}BackupPlan`;
  const size = db.maxStorageGiB !== undefined && db.maxStorageGiB > db.storageGiB ? db.maxStorageGiB : db.storageGiB;
  return [
    resource({
      logicalId: vaultId,
      type: 'AWS::Backup::BackupVault',
      layer: 'data',
      origin,
      component,
      deletionPolicy: 'Retain',
      updateReplacePolicy: 'Retain',
      properties: { BackupVaultName: vaultName, EncryptionKeyArn: getAtt(ID.kmsKey, 'Arn'), BackupVaultTags: tagMap(spec, component) },
    }),
    resource({
      logicalId: roleId,
      type: 'AWS::IAM::Role',
      layer: 'data',
      origin,
      component,
      properties: {
        Description: `AWS Backup role for ${db.name}`,
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        ManagedPolicyArns: [
          sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'),
          sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores'),
        ],
        Policies: [
          {
            PolicyName: 'use-kms-key',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'], Resource: getAtt(ID.kmsKey, 'Arn') },
                {
                  // The copy is encrypted with the destination vault's key: the bootstrap key of that region.
                  Sid: 'EncryptCopiesInDestination',
                  Effect: 'Allow',
                  Action: ['kms:CreateGrant', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
                  Resource: sub(`arn:\${AWS::Partition}:kms:${to}:\${AWS::AccountId}:key/*`),
                  Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': bootstrapKeyAlias(spec.name) } },
                },
              ],
            },
          },
        ],
        Tags: tagList(spec, component),
      },
    }),
    resource({
      logicalId: planId,
      type: 'AWS::Backup::BackupPlan',
      layer: 'data',
      origin,
      component,
      properties: {
        BackupPlan: {
          BackupPlanName: vaultName,
          BackupPlanRule: [
            {
              RuleName: 'daily-with-cross-region-copy',
              TargetBackupVault: ref(vaultId),
              ScheduleExpression: 'cron(0 3 * * ? *)',
              StartWindowMinutes: 60,
              CompletionWindowMinutes: 180,
              Lifecycle: { DeleteAfterDays: db.backupRetentionDays },
              CopyActions: [
                {
                  DestinationBackupVaultArn: sub(`arn:\${AWS::Partition}:backup:${to}:\${AWS::AccountId}:backup-vault:${vaultName}`),
                  Lifecycle: { DeleteAfterDays: db.backupRetentionDays },
                },
              ],
            },
          ],
        },
        BackupPlanTags: tagMap(spec, component),
      },
      usage: [
        {
          meter: 'backup.storage',
          unit: 'GB-month',
          quantity: { min: db.storageGiB, max: size },
          attributes: { resourceType: 'RDS', region: spec.region },
          basis: `daily snapshots kept ${db.backupRetentionDays} days in ${spec.region}: about one full copy of the allocated storage (an upper bound; later snapshots are incremental)`,
        },
        {
          meter: 'backup.storage',
          unit: 'GB-month',
          quantity: { min: db.storageGiB, max: size },
          attributes: { resourceType: 'RDS', region: to },
          basis: `copies kept ${db.backupRetentionDays} days in ${to}: about one full copy of the allocated storage`,
        },
        {
          meter: 'backup.crossRegionTransfer',
          unit: 'GB',
          quantity: { min: db.storageGiB, max: size },
          attributes: { fromRegion: spec.region, toRegion: to },
          basis: `one full copy of the allocated storage a month from ${spec.region} to ${to} (the daily change rate is not in the spec)`,
        },
      ],
    }),
    resource({
      logicalId: `${P}BackupSelection`,
      type: 'AWS::Backup::BackupSelection',
      layer: 'data',
      origin,
      component,
      properties: {
        BackupPlanId: ref(planId),
        BackupSelection: { SelectionName: `${db.name}-instance`, IamRoleArn: getAtt(roleId, 'Arn'), Resources: [getAtt(ID.database(db.name), 'DBInstanceArn')] },
      },
    }),
  ];
}

export const rds: BuildingBlock = {
  name: 'rds',
  build(spec: NormalizedSpec): ModelResource[] {
    return Object.keys(spec.databases)
      .sort()
      .flatMap((name) => databaseResources(spec, spec.databases[name]!));
  },
};
