// RDS for PostgreSQL: subnet group in the database subnets, a parameter group that forces TLS,
// the instance (encrypted with the system's KMS key, never public, snapshot on delete and on
// replacement), read replicas, and — when `crossRegionBackupTo` is set — an AWS Backup plan that
// copies each backup to another region.
//
// Credentials (docs/secrets.md "Databases"):
// - The master user's password is managed by RDS (`ManageMasterUserPassword`): RDS creates the
//   secret, encrypts it with the system's key and rotates it (every 7 days). Its ARN is an
//   attribute of the instance (data layer), so only resources of the data layer or later can name
//   it; the one that does is the migration step's task execution role. No service reads it.
// - Services authenticate with IAM database authentication, each as its own database user
//   (databaseUser()): their role may `rds-db:connect` as that user only, through an IAM policy in
//   the data layer (or the EKS layer for IRSA roles, which are created there) because the grant
//   names the instance's DbiResourceId.
// - The users are created by the migration step: an ECS Fargate task per database (psql in the
//   official postgres image) that CI runs after the data layer deploys and before services roll
//   (templates/ci/release.sh migrate-database). Its cluster is its own, Fargate-only (free): the
//   system's ECS cluster is in the ecs layer, deployed after the users must exist.
//
// Cross-region copies need a vault in the destination region. CloudFormation cannot create a
// resource in another region from this stack, so the bootstrap of the destination region
// (services/bootstrap.ts, deployed first) creates the vault named crossRegionVaultName(),
// encrypted with that region's bootstrap key.
import { ID, fitName, getAtt, namePrefix, pascal, ref, resource, sub, subnetRefs, tagList } from '../compiler/model/ids.js';
import { logRetentionAtLeast } from './audit.js';
import { HOURS_PER_MONTH, type BuildingBlock, type CfnValue, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import type { NormalizedDatabase, NormalizedService, NormalizedSpec } from '../spec/model.js';
import { sqlIdentifier, sqlLiteral } from '../compiler/model/quote.js';
import { bootstrapKeyAlias } from './cicd.js';
import { logGroupArn, trustEcsTasks } from './iam.js';
import { CONTAINER_USER } from './ecs.js';
import { POSTGRES_UPSTREAM_REPOSITORY, cachedImagePullStatements, cachedImageUri } from './ecr.js';

/** JSON keys of the RDS-managed master secret. */
export const DATABASE_SECRET_KEYS = { username: 'username', password: 'password' } as const;

/** The master user's name (its password is RDS's, in the managed secret). */
export const DATABASE_MASTER_USERNAME = 'dexadmin';

/** The database services connect to: the one RDS creates on every PostgreSQL instance. */
export const DATABASE_NAME = 'postgres';

/** PostgreSQL identifiers are at most 63 bytes; longer user names are cut with a hash (stable, never the server's silent truncation). */
const PG_IDENTIFIER_MAX = 63;

/**
 * The database user of a service: `svc_` and the service name with every character outside
 * [a-z0-9_] as `_`, cut with a stable hash past 63 bytes. Service names are lower-case letters,
 * digits and dashes, so distinct services get distinct users (a dash and an underscore cannot
 * both occur). Always quoted (sqlIdentifier) in SQL anyway.
 */
export function databaseUser(service: string): string {
  const name = `svc_${service.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  return name.length <= PG_IDENTIFIER_MAX ? name : fitName(name, PG_IDENTIFIER_MAX).replace(/-/g, '_');
}

/** The services that use a database, sorted by name, with their database users. */
export function databaseUsers(spec: NormalizedSpec, db: string): { service: NormalizedService; user: string }[] {
  return Object.values(spec.services)
    .filter((s) => s.uses.includes(db))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((service) => ({ service, user: databaseUser(service.name) }));
}

/** Logical IDs of the migration step and the databases' shared resources. */
export const DATABASE_MIGRATION_ID = {
  /** Fargate-only cluster the migration tasks run in (one per environment). */
  cluster: 'DatabaseMigrationCluster',
  taskDefinition: (db: string) => `${pascal(db)}DatabaseMigrationTaskDefinition`,
  executionRole: (db: string) => `${pascal(db)}DatabaseMigrationExecutionRole`,
  taskRole: (db: string) => `${pascal(db)}DatabaseMigrationTaskRole`,
  logGroup: (db: string) => `${pascal(db)}DatabaseMigrationLogGroup`,
  securityGroup: (db: string) => `${pascal(db)}DatabaseMigrationSecurityGroup`,
  /** A service's grant to connect as its database user (one for all the databases it uses). */
  connectPolicy: (service: string) => `${pascal(service)}DatabaseConnectPolicy`,
  /** The enhanced monitoring role (one per environment). */
  monitoringRole: 'DatabaseMonitoringRole',
} as const;

/** The container of the migration task (release.sh reads its exit code by this name). */
export const MIGRATION_CONTAINER = 'db-users';

/** The database's major PostgreSQL version (`16` of `16.4`). */
export const postgresMajor = (db: NormalizedDatabase): string => db.version.split('.')[0]!;

/**
 * The official PostgreSQL image of the database's major version, Alpine variant (psql only, ~100 MB),
 * from ECR Public through the registry's pull-through cache (services/ecr.ts; the bootstrap holds
 * the rule), so the task pulls from the private registry: with or without NAT, the same URI.
 * Pinned by tag, not digest: dex emits offline and cannot resolve a digest; the tag moves only
 * within the major version, whose psql speaks to that server.
 */
export const migrationImage = (db: NormalizedDatabase): CfnValue => cachedImageUri(POSTGRES_UPSTREAM_REPOSITORY, `${postgresMajor(db)}-alpine`);

/** The environment's Fargate-only cluster the migration tasks run in (one for all its databases). */
export const migrationClusterName = (spec: NormalizedSpec): string => fitName(`${namePrefix(spec)}-db-users`, 255);

/** Physical names of the migration step: CI and the deploy role (bootstrap, deployed first) name them. */
export function migrationNames(spec: NormalizedSpec, db: string): { cluster: string; family: string; executionRole: string; taskRole: string; logGroup: string } {
  const prefix = namePrefix(spec);
  return {
    cluster: migrationClusterName(spec),
    family: fitName(`${prefix}-${db}-db-users`, 255),
    executionRole: fitName(`${prefix}-${db}-db-users-exec`, 64),
    taskRole: fitName(`${prefix}-${db}-db-users-task`, 64),
    logGroup: `/dex/${prefix}/database/${db}/users`,
  };
}

/** Fargate size of the migration task: the smallest there is (psql runs a few statements). */
export const MIGRATION_TASK = { cpu: 0.25, memoryMiB: 512, minutesPerRelease: 1 } as const;

/** Releases a month the plan assumes for the migration task (the spec gives no release rate). */
export const MIGRATION_RELEASES_PER_MONTH = { min: 1, max: 60 } as const;

/**
 * The privileges each service user gets, as documented in docs/secrets.md: log in, connect to
 * the database, and use and create objects in schema public (the application owns its tables
 * and runs its own schema migrations). No superuser, no CREATEDB, no CREATEROLE.
 */
export function migrationStatements(spec: NormalizedSpec, db: string): string[] {
  const out: string[] = [];
  for (const { user } of databaseUsers(spec, db)) {
    const role = sqlIdentifier(user);
    // CREATE ROLE has no IF NOT EXISTS: a DO block makes it idempotent. The body is dollar-quoted;
    // it holds only the two quoted tokens, which cannot contain the tag's `$`.
    const body = `BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${sqlLiteral(user)}) THEN CREATE ROLE ${role} LOGIN; END IF; END`;
    if (body.includes('$dex$')) throw new Error(`database user ${user} cannot be written in a dollar-quoted block`);
    out.push(
      `DO $dex$ ${body} $dex$;`,
      // LOGIN only: on RDS the master user is no superuser, and naming SUPERUSER/NOSUPERUSER (or
      // CREATEDB, which it may hold) would fail; CREATE ROLE's defaults are NOSUPERUSER NOCREATEDB NOCREATEROLE.
      `ALTER ROLE ${role} WITH LOGIN;`,
      `GRANT rds_iam TO ${role};`,
      `GRANT CONNECT ON DATABASE ${sqlIdentifier(DATABASE_NAME)} TO ${role};`,
      `GRANT USAGE, CREATE ON SCHEMA public TO ${role};`,
    );
  }
  return out;
}

/** The psql argv of the migration task: each statement its own `-c`, stopping at the first error. */
export function migrationCommand(spec: NormalizedSpec, db: string): string[] {
  return ['psql', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', ...migrationStatements(spec, db).flatMap((sql) => ['-c', sql])];
}

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
        { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: {}, basis: `${kind} log of ${identifier}: its volume follows the parameter group's logging settings and the load, which the spec does not give`, quantityUnknown: `the volume of the ${kind} log follows the database's logging settings and load, which dex has no usage assumption for` },
        { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: `${kind} log of ${identifier}, kept ${retention} days: volume not known`, quantityUnknown: `the volume of the ${kind} log follows the database's logging settings and load, which dex has no usage assumption for` },
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
        EnableIAMDatabaseAuthentication: true,
        MasterUsername: DATABASE_MASTER_USERNAME,
        // RDS generates the password, keeps it in its own secret and rotates it every 7 days.
        ManageMasterUserPassword: true,
        MasterUserSecret: { KmsKeyId: getAtt(ID.kmsKey, 'Arn') },
        BackupRetentionPeriod: db.backupRetentionDays,
        DeletionProtection: db.deletionProtection,
        CopyTagsToSnapshot: true,
        AutoMinorVersionUpgrade: true,
        // Performance Insights costs extra and is not on every class; enhanced monitoring is on (RDS.6).
        EnablePerformanceInsights: false,
        ...enhancedMonitoring(),
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
          quantityUnknown: 'backup storage beyond the free allowance (the allocated storage) follows the daily change rate of the data, which dex has no usage assumption for',
          basis: `automated backups (${db.backupRetentionDays} days) are free up to the allocated storage; beyond it depends on the daily change rate, which the spec does not give`,
        },
        ...monitoringMeters(primaryIdentifier),
        {
          meter: 'secretsmanager.secret',
          unit: 'count-month',
          quantity: { min: 1, max: 1 },
          attributes: {},
          basis: `the master secret RDS manages for ${db.name} (rotation by RDS is free)`,
        },
      ],
    }),
  );

  for (let n = 1; n <= db.readReplicas; n++) {
    const replicaIdentifier = databaseIdentifier(spec, db, n);
    const replicaLogs = logExports(spec, db, replicaId(db, n), replicaIdentifier);
    out.push(...replicaLogs.resources);
    out.push(
      resource({
        logicalId: replicaId(db, n),
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
          EnableIAMDatabaseAuthentication: true,
          ...enhancedMonitoring(),
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
          ...monitoringMeters(replicaIdentifier),
        ],
      }),
    );
  }

  if (db.crossRegionBackupTo) out.push(...crossRegionBackup(spec, db));
  out.push(...migrationResources(spec, db));
  return out;
}

/** Enhanced monitoring every 60 seconds (RDS.6), through the environment's monitoring role. */
const ENHANCED_MONITORING_SECONDS = 60;

function enhancedMonitoring(): Record<string, CfnValue> {
  return { MonitoringInterval: ENHANCED_MONITORING_SECONDS, MonitoringRoleArn: getAtt(DATABASE_MIGRATION_ID.monitoringRole, 'Arn') };
}

/**
 * Enhanced monitoring writes one OS-metrics document per interval to the RDSOSMetrics log group
 * (RDS creates it, 30 days retention): 43,200 a month at 60 s, of about 1 to 4 KB each (AWS: the
 * size grows with the process list), billed as CloudWatch Logs ingestion and storage.
 */
function monitoringMeters(identifier: string): UsageMeter[] {
  const events = (30 * 24 * 3600) / ENHANCED_MONITORING_SECONDS;
  const gb = (kb: number): number => Math.round(((events * kb) / (1024 * 1024)) * 1000) / 1000;
  const basis = `enhanced monitoring of ${identifier}: ${events} OS-metrics documents a month (every ${ENHANCED_MONITORING_SECONDS} s) of 1 to 4 KB to RDSOSMetrics`;
  return [
    { meter: 'logs.ingest', unit: 'GB', quantity: { min: gb(1), max: gb(4) }, attributes: { logClass: 'STANDARD' }, basis },
    { meter: 'logs.storage', unit: 'GB-month', quantity: { min: gb(1), max: gb(4) }, attributes: {}, basis: `${basis}, kept 30 days (RDSOSMetrics default retention)` },
  ];
}

function monitoringRole(spec: NormalizedSpec): ModelResource {
  return resource({
    logicalId: DATABASE_MIGRATION_ID.monitoringRole,
    type: 'AWS::IAM::Role',
    layer: 'data',
    origin: ['databases'],
    component: 'databases',
    properties: {
      Description: `RDS enhanced monitoring of ${namePrefix(spec)}'s databases: writes OS metrics to CloudWatch Logs`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } } }],
      },
      ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole')],
      Tags: tagList(spec, 'databases'),
    },
  });
}

/** The environment's RDS event subscriptions to the alarm topic, by logical ID. */
export const DATABASE_EVENT_SUBSCRIPTIONS = {
  DatabaseInstanceEventSubscription: { sourceType: 'db-instance', categories: ['configuration change', 'failover', 'failure', 'low storage', 'maintenance', 'notification'] },
  DatabaseParameterGroupEventSubscription: { sourceType: 'db-parameter-group', categories: ['configuration change'] },
  DatabaseSecurityGroupEventSubscription: { sourceType: 'db-security-group', categories: ['configuration change', 'failure'] },
} as const;

/**
 * RDS events (FSBP RDS.19–22 style) to the alarm topic, in the monitoring layer with it: the
 * instances and parameter groups by name (a Ref of each is its identifier), so another
 * environment's databases in the same account do not notify this one. DB security groups are
 * EC2-Classic's (dex uses VPC security groups, whose changes CloudTrail records); the subscription
 * to them has no source, costs nothing and is what RDS.22 asks for. The topic's policy lets RDS
 * publish (it replaces SNS's default policy, so it also lets CloudWatch alarms publish and the
 * account manage the topic); the key policy lets RDS use the topic's key (services/kms.ts).
 */
function eventSubscriptions(spec: NormalizedSpec): ModelResource[] {
  const dbs = Object.keys(spec.databases).sort().map((n) => spec.databases[n]!);
  const sources: Record<string, CfnValue[] | undefined> = {
    'db-instance': dbs.flatMap((d) => instanceIds(d).map(ref)),
    'db-parameter-group': dbs.map((d) => ref(`${pascal(d.name)}DatabaseParameterGroup`)),
    'db-security-group': undefined,
  };
  const account = ref('AWS::AccountId');
  const out: ModelResource[] = Object.entries(DATABASE_EVENT_SUBSCRIPTIONS).map(([logicalId, { sourceType, categories }]) =>
    resource({
      logicalId,
      type: 'AWS::RDS::EventSubscription',
      layer: 'monitoring',
      origin: ['databases'],
      component: 'databases',
      properties: {
        SubscriptionName: fitName(`${namePrefix(spec)}-${sourceType}`, 255),
        SnsTopicArn: ref(ID.alarmTopic),
        SourceType: sourceType,
        ...(sources[sourceType] ? { SourceIds: sources[sourceType] } : {}),
        EventCategories: [...categories],
        Enabled: true,
        Tags: tagList(spec, 'databases'),
      },
    }),
  );
  out.push(
    resource({
      logicalId: 'AlarmTopicPolicy',
      type: 'AWS::SNS::TopicPolicy',
      layer: 'monitoring',
      origin: ['databases'],
      component: 'databases',
      properties: {
        Topics: [ref(ID.alarmTopic)],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              // What SNS's default policy grants: the account's own principals manage and use the topic.
              Sid: 'AccountOwner',
              Effect: 'Allow',
              Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
              Action: ['sns:AddPermission', 'sns:DeleteTopic', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic', 'sns:Publish', 'sns:RemovePermission', 'sns:SetTopicAttributes', 'sns:Subscribe'],
              Resource: ref(ID.alarmTopic),
            },
            { Sid: 'CloudWatchAlarms', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: ref(ID.alarmTopic), Condition: { StringEquals: { 'aws:SourceAccount': account } } },
            { Sid: 'RdsEvents', Effect: 'Allow', Principal: { Service: 'events.rds.amazonaws.com' }, Action: 'sns:Publish', Resource: ref(ID.alarmTopic), Condition: { StringEquals: { 'aws:SourceAccount': account } } },
          ],
        },
      },
    }),
  );
  return out;
}

/** The RDS-managed master secret's ARN (an attribute of the instance). */
export const masterSecretArn = (db: string): CfnValue => getAtt(ID.database(db), 'MasterUserSecret.SecretArn');

/** The logical ID of a database's n-th read replica (from 1). */
const replicaId = (db: NormalizedDatabase, n: number): string => `${ID.database(db.name)}Replica${n}`;

/** The instances a service user may connect to: the primary and its read replicas. */
function instanceIds(db: NormalizedDatabase): string[] {
  return [ID.database(db.name), ...Array.from({ length: db.readReplicas }, (_, i) => replicaId(db, i + 1))];
}

/**
 * The migration step of a database: a Fargate task definition running psql as the master user
 * (credentials injected by ECS from the RDS-managed secret, never in the template), its two roles
 * and its log group. The execution role is the only role that may read the master secret.
 */
function migrationResources(spec: NormalizedSpec, db: NormalizedDatabase): ModelResource[] {
  const ids = DATABASE_MIGRATION_ID;
  const names = migrationNames(spec, db.name);
  const component = `database/${db.name}`;
  const origin = ['databases', db.name];
  const tags = tagList(spec, component);
  const retention = logRetentionAtLeast(spec.audit.retentionDays);
  const secret = masterSecretArn(db.name);
  const perRelease = MIGRATION_TASK.minutesPerRelease / 60;
  const { min, max } = MIGRATION_RELEASES_PER_MONTH;
  const fargate = (meter: 'fargate.vcpu' | 'fargate.memory', unit: string, size: number, what: string): UsageMeter => ({
    meter,
    unit,
    quantity: { min: round(size * perRelease * min), max: round(size * perRelease * max) },
    attributes: { architecture: 'arm64' },
    basis: `migration task of ${db.name}: ${size} ${what} × about ${MIGRATION_TASK.minutesPerRelease} minute (Fargate's minimum charge) per release × ${min}..${max} releases a month (assumed: the spec gives no release rate)`,
  });
  return [
    resource({
      logicalId: ids.logGroup(db.name),
      type: 'AWS::Logs::LogGroup',
      layer: 'data',
      origin,
      component,
      properties: { LogGroupName: names.logGroup, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), RetentionInDays: retention, Tags: tags },
      usage: [
        { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: { logClass: 'STANDARD' }, basis: `psql output of the ${db.name} migration task: a few lines per release, well under 1 MB a month` },
        { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: `psql output of the ${db.name} migration task kept ${retention} days: under 1 MB` },
      ],
    }),
    resource({
      logicalId: ids.executionRole(db.name),
      type: 'AWS::IAM::Role',
      layer: 'data',
      origin,
      component,
      properties: {
        RoleName: names.executionRole,
        Description: `Task execution role of the ${db.name} migration step: pulls the postgres image through the cache, reads the master secret, writes its log`,
        AssumeRolePolicyDocument: trustEcsTasks(),
        Policies: [
          {
            PolicyName: 'least-privilege',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                ...cachedImagePullStatements(POSTGRES_UPSTREAM_REPOSITORY),
                { Sid: 'ReadMasterSecret', Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: secret },
                { Sid: 'DecryptMasterSecret', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: getAtt(ID.kmsKey, 'Arn'), Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${spec.region}.amazonaws.com` } } },
                { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroupArn(names.logGroup) },
              ],
            },
          },
        ],
        Tags: tags,
      },
    }),
    resource({
      logicalId: ids.taskRole(db.name),
      type: 'AWS::IAM::Role',
      layer: 'data',
      origin,
      component,
      properties: {
        RoleName: names.taskRole,
        // psql calls no AWS API: the task role has no permissions at all.
        Description: `Task role of the ${db.name} migration step: no permissions (psql calls no AWS API)`,
        AssumeRolePolicyDocument: trustEcsTasks(),
        Tags: tags,
      },
    }),
    resource({
      logicalId: ids.taskDefinition(db.name),
      type: 'AWS::ECS::TaskDefinition',
      layer: 'data',
      origin,
      component,
      properties: {
        Family: names.family,
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        Cpu: String(Math.round(MIGRATION_TASK.cpu * 1024)),
        Memory: String(MIGRATION_TASK.memoryMiB),
        RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
        ExecutionRoleArn: getAtt(ids.executionRole(db.name), 'Arn'),
        TaskRoleArn: getAtt(ids.taskRole(db.name), 'Arn'),
        ContainerDefinitions: [
          {
            Name: MIGRATION_CONTAINER,
            Image: migrationImage(db),
            Essential: true,
            // Exec form: ECS passes the argv as is, no shell reads the SQL.
            Command: migrationCommand(spec, db.name),
            Environment: [
              { Name: 'PGAPPNAME', Value: 'dex-db-users' },
              { Name: 'PGCONNECT_TIMEOUT', Value: '10' },
              { Name: 'PGDATABASE', Value: DATABASE_NAME },
              { Name: 'PGHOST', Value: getAtt(ID.database(db.name), 'Endpoint.Address') },
              { Name: 'PGPORT', Value: String(db.port) },
              { Name: 'PGSSLMODE', Value: 'require' },
            ],
            Secrets: [
              { Name: 'PGPASSWORD', ValueFrom: { 'Fn::Join': ['', [secret, `:${DATABASE_SECRET_KEYS.password}::`]] } },
              { Name: 'PGUSER', ValueFrom: { 'Fn::Join': ['', [secret, `:${DATABASE_SECRET_KEYS.username}::`]] } },
            ],
            LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': names.logGroup, 'awslogs-region': ref('AWS::Region'), 'awslogs-stream-prefix': MIGRATION_CONTAINER } },
            // dex's container user: no home, no root; psql needs neither.
            User: `${CONTAINER_USER}:${CONTAINER_USER}`,
            ReadonlyRootFilesystem: true,
            LinuxParameters: { InitProcessEnabled: true, Capabilities: { Drop: ['ALL'] } },
          },
        ],
        Tags: tags,
      },
      usage: [fargate('fargate.vcpu', 'vCPU-hours', MIGRATION_TASK.cpu, 'vCPU'), fargate('fargate.memory', 'GB-hours', MIGRATION_TASK.memoryMiB / 1024, 'GB')],
    }),
  ];
}

const round = (n: number): number => Math.round(n * 10000) / 10000;

/** The Fargate-only cluster the migration tasks run in: no instances, no charge of its own. */
function migrationCluster(spec: NormalizedSpec): ModelResource {
  return resource({
    logicalId: DATABASE_MIGRATION_ID.cluster,
    type: 'AWS::ECS::Cluster',
    layer: 'data',
    origin: ['databases'],
    component: 'databases',
    properties: {
      ClusterName: migrationClusterName(spec),
      // As the system's ECS cluster: Container Insights only when platforms.ecs asks for it.
      ClusterSettings: [{ Name: 'containerInsights', Value: spec.platforms.ecs.containerInsights ? 'enabled' : 'disabled' }],
      CapacityProviders: ['FARGATE'],
      DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }],
      Tags: tagList(spec, 'databases'),
    },
  });
}

/**
 * Each service's grant to connect as its own database user, to the instances of every database
 * it uses. In the data layer (the DbiResourceIds are attributes of the instances) or, for an EKS
 * service whose IRSA role is created in the eks layer, there.
 */
function connectPolicies(spec: NormalizedSpec): ModelResource[] {
  const out: ModelResource[] = [];
  for (const s of Object.values(spec.services).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const dbs = [...new Set(s.uses)].sort().map((u) => spec.databases[u]).filter((d): d is NormalizedDatabase => d !== undefined);
    if (dbs.length === 0) continue;
    const user = databaseUser(s.name);
    const arns = dbs.flatMap((d) => instanceIds(d).map((id) => ({ 'Fn::Join': ['', [sub('arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:'), getAtt(id, 'DbiResourceId'), `/${user}`]] })));
    out.push(
      resource({
        logicalId: DATABASE_MIGRATION_ID.connectPolicy(s.name),
        type: 'AWS::IAM::Policy',
        layer: s.placement === 'eks' ? 'eks' : 'data',
        origin: ['services', s.name, 'uses'],
        component: `service/${s.name}`,
        properties: {
          PolicyName: 'rds-db-connect',
          Roles: [ref(ID.serviceRole(s.name))],
          PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'ConnectAsOwnDatabaseUser', Effect: 'Allow', Action: ['rds-db:connect'], Resource: arns }] },
        },
      }),
    );
  }
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
    const names = Object.keys(spec.databases).sort();
    if (names.length === 0) return [];
    return [migrationCluster(spec), monitoringRole(spec), ...names.flatMap((name) => databaseResources(spec, spec.databases[name]!)), ...connectPolicies(spec), ...eventSubscriptions(spec)];
  },
};
