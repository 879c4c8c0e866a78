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
import { ID, fitName, getAtt, namePrefix, pascal, ref, resource, sub, dataStoreSubnetRefs, tagList } from '../compiler/model/ids.js';
import { logRetentionAtLeast } from './audit.js';
import { HOURS_PER_MONTH, type BuildingBlock, type CfnValue, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import type { NormalizedDatabase, NormalizedService, NormalizedSpec } from '../spec/model.js';
import { sqlIdentifier, sqlLiteral } from '../compiler/model/quote.js';
import { bootstrapKeyAlias } from './cicd.js';
import { logGroupArn, trustEcsTasks } from './iam.js';
import { CONTAINER_USER } from './ecs.js';
import { MYSQL_UPSTREAM_REPOSITORY, POSTGRES_UPSTREAM_REPOSITORY, cachedImagePullStatements, cachedImageUri } from './ecr.js';
import { engineInfo, type EngineInfo } from '../spec/database-engines.js';
import { mysqlIdentifier, mysqlLiteral } from '../compiler/model/quote.js';

/** JSON keys of the RDS-managed master secret. */
export const DATABASE_SECRET_KEYS = { username: 'username', password: 'password' } as const;

/** The master user's name (its password is RDS's, in the managed secret). */
export const DATABASE_MASTER_USERNAME = 'dexadmin';

/** The database services connect to: the one RDS creates on every PostgreSQL instance. */
export const DATABASE_NAME = 'postgres';

/** On MySQL engines, which create no database: the one the migration step creates. */
export const MYSQL_DATABASE_NAME = 'app';

/** The database a service connects to on this database's engine. */
export const databaseName = (db: NormalizedDatabase): string => (engineInfo(db.engine).protocol === 'mysql' ? MYSQL_DATABASE_NAME : DATABASE_NAME);

/** Whether the database is an Aurora cluster (a DBCluster with writer and reader DBInstances). */
export const isAurora = (db: NormalizedDatabase): boolean => engineInfo(db.engine).aurora;

/** PostgreSQL identifiers are at most 63 bytes; longer user names are cut with a hash (stable, never the server's silent truncation). */
const PG_IDENTIFIER_MAX = 63;

/**
 * The database user of a service: `svc_` and the service name with every character outside
 * [a-z0-9_] as `_`, cut with a stable hash past 63 bytes. Service names are lower-case letters,
 * digits and dashes, so distinct services get distinct users (a dash and an underscore cannot
 * both occur). Always quoted (sqlIdentifier) in SQL anyway.
 */
export function databaseUser(service: string, max: number = PG_IDENTIFIER_MAX): string {
  const name = `svc_${service.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  return name.length <= max ? name : fitName(name, max).replace(/-/g, '_');
}

/** MySQL user names are at most 32 characters. */
const MYSQL_USER_MAX = 32;

/** The database user of a service on this database's engine. */
export const databaseUserOn = (db: NormalizedDatabase, service: string): string => databaseUser(service, engineInfo(db.engine).protocol === 'mysql' ? MYSQL_USER_MAX : PG_IDENTIFIER_MAX);

/** The services that use a database, sorted by name, with their database users. */
export function databaseUsers(spec: NormalizedSpec, db: string): { service: NormalizedService; user: string }[] {
  return Object.values(spec.services)
    .filter((s) => s.uses.includes(db))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((service) => ({ service, user: spec.databases[db] ? databaseUserOn(spec.databases[db], service.name) : databaseUser(service.name) }));
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

/** The MySQL client image's tag: the server's major.minor (8.0, 8.4), whose client speaks to it. */
export const mysqlClientTag = (db: NormalizedDatabase): string => (db.engine === 'aurora-mysql' ? '8.0' : db.version);

/** The upstream repository of the migration image (the pull-through cache's and the IAM grant's). */
export const migrationUpstream = (db: NormalizedDatabase): string => (engineInfo(db.engine).protocol === 'mysql' ? MYSQL_UPSTREAM_REPOSITORY : POSTGRES_UPSTREAM_REPOSITORY);

/**
 * The official PostgreSQL image of the database's major version, Alpine variant (psql only, ~100 MB),
 * from ECR Public through the registry's pull-through cache (services/ecr.ts; the bootstrap holds
 * the rule), so the task pulls from the private registry: with or without NAT, the same URI.
 * Pinned by tag, not digest: dex emits offline and cannot resolve a digest; the tag moves only
 * within the major version, whose psql speaks to that server.
 */
export const migrationImage = (db: NormalizedDatabase): CfnValue =>
  engineInfo(db.engine).protocol === 'mysql' ? cachedImageUri(MYSQL_UPSTREAM_REPOSITORY, mysqlClientTag(db)) : cachedImageUri(POSTGRES_UPSTREAM_REPOSITORY, `${postgresMajor(db)}-alpine`);

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

/**
 * The MySQL side of migrationStatements: the database, and per service a user that signs in with
 * an IAM token only (AWSAuthenticationPlugin), over TLS only, with the privileges an application
 * needs on its own database's objects (no global privilege, no GRANT OPTION, no FILE or SUPER).
 */
export function mysqlMigrationStatements(spec: NormalizedSpec, db: string): string[] {
  const database = mysqlIdentifier(MYSQL_DATABASE_NAME);
  const out = [`CREATE DATABASE IF NOT EXISTS ${database};`];
  for (const { user } of databaseUsers(spec, db)) {
    const account = `${mysqlLiteral(user)}@'%'`;
    out.push(
      `CREATE USER IF NOT EXISTS ${account} IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;`,
      `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES, CREATE VIEW, SHOW VIEW, TRIGGER, CREATE TEMPORARY TABLES, LOCK TABLES ON ${database}.* TO ${account};`,
    );
  }
  return out;
}

/** The psql argv of the migration task: each statement its own `-c`, stopping at the first error. */
export function migrationCommand(spec: NormalizedSpec, db: string): string[] {
  const d = spec.databases[db];
  if (d && engineInfo(d.engine).protocol === 'mysql') {
    // The master user's name is dex's constant; its password comes as MYSQL_PWD (ECS secret), host
    // and port as MYSQL_HOST and MYSQL_TCP_PORT. The client stops at the first failing statement.
    return ['mysql', '--no-defaults', `--user=${DATABASE_MASTER_USERNAME}`, '--ssl-mode=REQUIRED', '--connect-timeout=10', '--batch', '-e', mysqlMigrationStatements(spec, db).join(' ')];
  }
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

/** The log types a database exports: the spec's, else its engine's default when audit.databaseLogs is on. */
export function databaseLogTypes(spec: NormalizedSpec, db: NormalizedDatabase): readonly string[] {
  return db.logExports ?? (spec.audit.databaseLogs ? engineInfo(db.engine).defaultLogs : []);
}

/** The identifier of an Aurora cluster (its log groups are named after it). */
export const clusterIdentifier = (spec: NormalizedSpec, db: NormalizedDatabase): string => databaseIdentifier(spec, db);

/** The log group name prefixes a database's exports go to (`/aws/rds/instance/<id>` or `/aws/rds/cluster/<id>`). */
export function databaseLogPrefixes(spec: NormalizedSpec, db: NormalizedDatabase): string[] {
  if (isAurora(db)) return [`/aws/rds/cluster/${clusterIdentifier(spec, db)}`];
  return Array.from({ length: db.readReplicas + 1 }, (_, n) => `/aws/rds/instance/${databaseIdentifier(spec, db, n === 0 ? undefined : n)}`);
}

/** The ARN name part of a database (`db:<id>` or `cluster:<id>`) for `${databases.NAME.arn}`. */
export const databaseArnResource = (spec: NormalizedSpec, db: NormalizedDatabase): string => `${isAurora(db) ? 'cluster' : 'db'}:${databaseIdentifier(spec, db)}`;

/**
 * The log groups an instance exports to. RDS would create them itself on first write, without
 * retention or encryption, and outside the stack; created first by dex, RDS writes into them.
 */
function databaseLogGroups(spec: NormalizedSpec, db: NormalizedDatabase, instanceId: string, identifier: string, kinds: readonly string[] = DATABASE_LOG_EXPORTS, scope: 'instance' | 'cluster' = 'instance'): ModelResource[] {
  const retention = logRetentionAtLeast(spec.audit.retentionDays);
  return kinds.map((kind) => ({
    ...resource({
      logicalId: `${instanceId}${pascal(kind)}LogGroup`,
      type: 'AWS::Logs::LogGroup',
      layer: 'data',
      component: `database/${db.name}`,
      origin: ['databases', db.name],
      properties: { LogGroupName: `/aws/rds/${scope}/${identifier}/${kind}`, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), RetentionInDays: retention, Tags: tagList(spec, `database/${db.name}`) },
      usage: [
        { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: {}, basis: `${kind} log of ${identifier}: its volume follows the parameter group's logging settings and the load, which the spec does not give`, quantityUnknown: `the volume of the ${kind} log follows the database's logging settings and load, which dex has no usage assumption for` },
        { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: `${kind} log of ${identifier}, kept ${retention} days: volume not known`, quantityUnknown: `the volume of the ${kind} log follows the database's logging settings and load, which dex has no usage assumption for` },
      ],
    }),
    deletionPolicy: 'Retain' as const,
    updateReplacePolicy: 'Retain' as const,
  }));
}

function logExports(spec: NormalizedSpec, db: NormalizedDatabase, instanceId: string, identifier: string, scope: 'instance' | 'cluster' = 'instance'): { resources: ModelResource[]; properties: Record<string, CfnValue>; dependsOn: string[] } {
  const kinds = databaseLogTypes(spec, db);
  if (kinds.length === 0) return { resources: [], properties: {}, dependsOn: [] };
  const resources = databaseLogGroups(spec, db, instanceId, identifier, kinds, scope);
  return { resources, properties: { EnableCloudwatchLogsExports: [...kinds] }, dependsOn: resources.map((r) => r.logicalId) };
}

/**
 * The parameter group's parameters: the spec's, with dex's TLS parameter always winning. A MySQL
 * engine writes its slow query and general logs only when told to, so exporting one turns it on
 * (unless the spec sets the parameter itself).
 */
function groupParameters(db: NormalizedDatabase, info: EngineInfo, exported: readonly string[] = []): Record<string, string> {
  const [name, value] = info.tlsParameter;
  const logs: Record<string, string> = {};
  if (info.protocol === 'mysql') {
    if (exported.includes('slowquery')) logs.slow_query_log = '1';
    if (exported.includes('general')) logs.general_log = '1';
  }
  return { ...logs, ...db.parameters, [name]: value };
}

/** Options an instance takes from the spec, left out when the spec leaves them out (the reference's template stays as it was). */
function instanceOptions(spec: NormalizedSpec, db: NormalizedDatabase): Record<string, CfnValue> {
  return {
    ...(db.performanceInsightsDays !== undefined
      ? { EnablePerformanceInsights: true, PerformanceInsightsKMSKeyId: getAtt(ID.kmsKey, 'Arn'), PerformanceInsightsRetentionPeriod: db.performanceInsightsDays }
      : { EnablePerformanceInsights: false }),
    ...enhancedMonitoring(db),
  };
}

/**
 * Windows and the major-version switch, on the instance or the cluster that owns them. A cluster
 * has no AllowMajorVersionUpgrade (CloudFormation upgrades an Aurora cluster whose EngineVersion
 * changes major version by itself); an RDS instance refuses the upgrade without it.
 */
function windowOptions(db: NormalizedDatabase): Record<string, CfnValue> {
  return {
    ...(db.backupWindow ? { PreferredBackupWindow: db.backupWindow } : {}),
    ...(db.maintenanceWindow ? { PreferredMaintenanceWindow: db.maintenanceWindow } : {}),
    ...(db.allowMajorVersionUpgrade && !isAurora(db) ? { AllowMajorVersionUpgrade: true } : {}),
  };
}

/** gp3 is included up to 3,000 IOPS and 125 MiB/s (12,000 and 500 from 400 GiB; AWS RDS user guide, "gp3 storage"). */
export function gp3Baseline(storageGiB: number): { iops: number; throughputMiBps: number } {
  return storageGiB >= 400 ? { iops: 12000, throughputMiBps: 500 } : { iops: 3000, throughputMiBps: 125 };
}

function storageOptions(db: NormalizedDatabase): Record<string, CfnValue> {
  return {
    StorageType: db.storage.type,
    ...(db.storage.iops !== undefined ? { Iops: db.storage.iops } : {}),
    ...(db.storage.throughputMiBps !== undefined ? { StorageThroughput: db.storage.throughputMiBps } : {}),
  };
}

/** Provisioned IOPS and throughput beyond what the storage includes: not in dex's price book, each an unpriced line with its reason. */
function storageExtraMeters(db: NormalizedDatabase, who: string): UsageMeter[] {
  const out: UsageMeter[] = [];
  const base = gp3Baseline(db.storageGiB);
  const iops = db.storage.iops;
  const extraIops = iops === undefined ? 0 : db.storage.type === 'gp3' ? Math.max(0, iops - base.iops) : iops;
  if (extraIops > 0) out.push({ meter: 'rds.iops', unit: 'IOPS-month', quantity: { min: extraIops, max: extraIops }, attributes: { storageType: db.storage.type }, basis: `${who}: ${extraIops} provisioned IOPS${db.storage.type === 'gp3' ? ` beyond gp3's included ${base.iops}` : ` (${db.storage.type})`}` });
  const tp = db.storage.throughputMiBps;
  const extraTp = tp === undefined ? 0 : Math.max(0, tp - base.throughputMiBps);
  if (extraTp > 0) out.push({ meter: 'rds.throughput', unit: 'MiBps-month', quantity: { min: extraTp, max: extraTp }, attributes: {}, basis: `${who}: ${extraTp} MiB/s beyond gp3's included ${base.throughputMiBps}` });
  return out;
}

/** Performance Insights beyond its free 7 days, billed per vCPU of the instance a month. */
function performanceInsightsMeters(db: NormalizedDatabase, who: string): UsageMeter[] {
  const days = db.performanceInsightsDays;
  if (days === undefined || days === 7) return [];
  return [{ meter: 'rds.performanceInsights', unit: 'instance-month', quantity: { min: 1, max: 1 }, attributes: { instanceClass: db.serverless ? 'db.serverless' : db.instanceClass, retentionDays: String(days) }, basis: `${who}: Performance Insights kept ${days} days (beyond the free 7)` }];
}

/** The database tier's subnets as an RDS subnet group, for an instance or an Aurora cluster. */
function databaseSubnetGroup(spec: NormalizedSpec, db: NormalizedDatabase, logicalId: string, origin: readonly (string | number)[], component: string, tags: CfnValue): ModelResource {
  const name = db.name;
  return resource({
    logicalId,
    type: 'AWS::RDS::DBSubnetGroup',
    layer: 'data',
    origin,
    component,
    properties: { DBSubnetGroupDescription: `${db.subnetTier === 'private' ? 'Private' : 'Database'} subnets of ${name}`, SubnetIds: dataStoreSubnetRefs(spec, db), Tags: tags },
  });
}
function databaseResources(spec: NormalizedSpec, db: NormalizedDatabase): ModelResource[] {
  if (isAurora(db)) return auroraResources(spec, db);
  const info = engineInfo(db.engine);
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
    databaseSubnetGroup(spec, db, subnetGroupId, origin, component, tags),
    resource({
      logicalId: parameterGroupId,
      type: 'AWS::RDS::DBParameterGroup',
      layer: 'data',
      origin,
      component,
      properties: {
        Description: `${db.name}: TLS required`,
        Family: info.family(db.version),
        Parameters: groupParameters(db, info, databaseLogTypes(spec, db)),
        Tags: tags,
      },
    }),
  );

  const storageMeter = (deploy: string, basisWho: string): UsageMeter => ({
    meter: 'rds.storage',
    unit: 'GB-month',
    quantity: { min: db.storageGiB, max: maxStorage ?? db.storageGiB },
    attributes: { storageType: db.storage.type, deployment: deploy },
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
        ...(primaryLogs.resources.length > 0 ? { DBInstanceIdentifier: primaryIdentifier } : {}),
        Engine: db.engine,
        EngineVersion: info.versions[db.version] ?? db.version,
        DBInstanceClass: db.instanceClass,
        MultiAZ: db.multiAz,
        AllocatedStorage: String(db.storageGiB),
        ...(maxStorage ? { MaxAllocatedStorage: maxStorage } : {}),
        ...storageOptions(db),
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
        // Performance Insights only when asked for (beyond 7 days it costs extra); enhanced monitoring is on (RDS.6).
        ...instanceOptions(spec, db),
        ...primaryLogs.properties,
        ...windowOptions(db),
        Tags: tags,
      },
      usage: [
        {
          meter: 'rds.instance',
          unit: 'hours',
          quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH },
          attributes: { instanceClass: db.instanceClass, deployment, engine: info.priceEngine },
          basis: `one ${db.instanceClass} ${deployment} instance × ${HOURS_PER_MONTH} h`,
        },
        storageMeter(deployment, 'primary'),
        ...storageExtraMeters(db, `${db.name} primary`),
        ...performanceInsightsMeters(db, `${db.name} primary`),
        {
          meter: 'rds.backup',
          unit: 'GB-month',
          quantity: { min: 0, max: 0 },
          attributes: {},
          quantityUnknown: 'backup storage beyond the free allowance (the allocated storage) follows the daily change rate of the data, which dex has no usage assumption for',
          basis: `automated backups (${db.backupRetentionDays} days) are free up to the allocated storage; beyond it depends on the daily change rate, which the spec does not give`,
        },
        ...monitoringMeters(primaryIdentifier, db.monitoringIntervalSeconds),
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
          ...(replicaLogs.resources.length > 0 ? { DBInstanceIdentifier: replicaIdentifier } : {}),
          SourceDBInstanceIdentifier: ref(dbId),
          DBInstanceClass: db.instanceClass,
          MultiAZ: false,
          ...storageOptions(db),
          // Encryption is inherited from the source (CloudFormation refuses StorageEncrypted on a
          // replica); KmsKeyId keeps the same customer-managed key.
          KmsKeyId: getAtt(ID.kmsKey, 'Arn'),
          DBParameterGroupName: ref(parameterGroupId),
          VPCSecurityGroups: [ref(ID.databaseSecurityGroup(db.name))],
          PubliclyAccessible: false,
          CopyTagsToSnapshot: true,
          AutoMinorVersionUpgrade: true,
          ...instanceOptions(spec, db),
          EnableIAMDatabaseAuthentication: true,
          ...replicaLogs.properties,
          Tags: tags,
        },
        usage: [
          {
            meter: 'rds.instance',
            unit: 'hours',
            quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH },
            attributes: { instanceClass: db.instanceClass, deployment: 'Single-AZ', engine: info.priceEngine },
            basis: `read replica ${n}: one ${db.instanceClass} Single-AZ instance × ${HOURS_PER_MONTH} h`,
          },
          storageMeter('Single-AZ', `read replica ${n}, same size as the primary`),
          ...storageExtraMeters(db, `${db.name} read replica ${n}`),
          ...performanceInsightsMeters(db, `${db.name} read replica ${n}`),
          ...monitoringMeters(replicaIdentifier, db.monitoringIntervalSeconds),
        ],
      }),
    );
  }

  if (db.crossRegionBackupTo) out.push(...crossRegionBackup(spec, db));
  out.push(...migrationResources(spec, db));
  return out;
}

/**
 * An Aurora cluster: subnet group, a cluster parameter group (TLS forced, the spec's parameters),
 * an instance parameter group (named by the event subscription), the cluster (encrypted with the
 * system's key, IAM authentication, the RDS-managed master secret, backups, deletion protection,
 * a final snapshot), a writer and the reader instances, Serverless v2 (db.serverless) when the
 * spec says `serverless:`. Storage and I/O are the cluster's (billed as used); the instances are
 * compute only.
 */
function auroraResources(spec: NormalizedSpec, db: NormalizedDatabase): ModelResource[] {
  const info = engineInfo(db.engine);
  const P = pascal(db.name);
  const component = `database/${db.name}`;
  const origin = ['databases', db.name];
  const tags = tagList(spec, component);
  const subnetGroupId = `${P}DatabaseSubnetGroup`;
  const clusterParameterGroupId = `${P}DatabaseClusterParameterGroup`;
  const parameterGroupId = `${P}DatabaseParameterGroup`;
  const clusterId = ID.database(db.name);
  const identifier = clusterIdentifier(spec, db);
  const readers = auroraReaders(db);
  const instanceClass = db.serverless ? 'db.serverless' : db.instanceClass;
  const out: ModelResource[] = [
    databaseSubnetGroup(spec, db, subnetGroupId, origin, component, tags),
    resource({
      logicalId: clusterParameterGroupId,
      type: 'AWS::RDS::DBClusterParameterGroup',
      layer: 'data',
      origin,
      component,
      properties: { Description: `${db.name}: TLS required`, Family: info.family(db.version), Parameters: groupParameters(db, info, databaseLogTypes(spec, db)), Tags: tags },
    }),
    resource({
      logicalId: parameterGroupId,
      type: 'AWS::RDS::DBParameterGroup',
      layer: 'data',
      origin,
      component,
      properties: { Description: `${db.name}: instance parameters`, Family: info.family(db.version), Tags: tags },
    }),
  ];
  const logs = logExports(spec, db, clusterId, identifier, 'cluster');
  out.push(...logs.resources);
  const serverless = db.serverless;
  out.push(
    resource({
      logicalId: clusterId,
      type: 'AWS::RDS::DBCluster',
      ...(logs.dependsOn.length > 0 ? { dependsOn: logs.dependsOn } : {}),
      layer: 'data',
      origin,
      component,
      deletionPolicy: 'Snapshot',
      updateReplacePolicy: 'Snapshot',
      properties: {
        DBClusterIdentifier: identifier,
        Engine: db.engine,
        EngineVersion: info.versions[db.version] ?? db.version,
        DBClusterParameterGroupName: ref(clusterParameterGroupId),
        DBSubnetGroupName: ref(subnetGroupId),
        VpcSecurityGroupIds: [ref(ID.databaseSecurityGroup(db.name))],
        Port: db.port,
        StorageEncrypted: true,
        KmsKeyId: getAtt(ID.kmsKey, 'Arn'),
        EnableIAMDatabaseAuthentication: true,
        MasterUsername: DATABASE_MASTER_USERNAME,
        // RDS generates the password, keeps it in its own secret and rotates it every 7 days.
        ManageMasterUserPassword: true,
        MasterUserSecret: { KmsKeyId: getAtt(ID.kmsKey, 'Arn') },
        BackupRetentionPeriod: db.backupRetentionDays,
        DeletionProtection: db.deletionProtection,
        CopyTagsToSnapshot: true,
        ...(serverless ? { ServerlessV2ScalingConfiguration: { MinCapacity: serverless.minAcu, MaxCapacity: serverless.maxAcu } } : {}),
        ...logs.properties,
        ...windowOptions(db),
        Tags: tags,
      },
      usage: [
        {
          meter: 'aurora.storage',
          unit: 'GB-month',
          quantity: { min: 0, max: 0 },
          attributes: { engine: info.priceEngine },
          basis: `${info.label} cluster storage of ${db.name}: billed per GB-month actually used`,
          quantityUnknown: 'Aurora storage is billed on the data actually stored, which the spec does not give',
        },
        {
          meter: 'aurora.io',
          unit: 'requests',
          quantity: { min: 0, max: 0 },
          attributes: { engine: info.priceEngine },
          basis: `${info.label} I/O requests of ${db.name} (Aurora Standard): follow the load`,
          quantityUnknown: 'Aurora Standard bills each million I/O requests, which follow the load the spec does not give',
        },
        {
          meter: 'rds.backup',
          unit: 'GB-month',
          quantity: { min: 0, max: 0 },
          attributes: {},
          quantityUnknown: 'backup storage beyond the free allowance (the cluster volume) follows the daily change rate of the data, which dex has no usage assumption for',
          basis: `automated backups (${db.backupRetentionDays} days) are free up to the cluster's volume; beyond it depends on the daily change rate, which the spec does not give`,
        },
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

  const instance = (logicalId: string, role: string, tier: number): ModelResource =>
    resource({
      logicalId,
      type: 'AWS::RDS::DBInstance',
      layer: 'data',
      origin: tier === 0 ? origin : [...origin, 'readReplicas'],
      component,
      // The data is the cluster's (its final snapshot); an instance is compute only.
      deletionPolicy: 'Delete',
      updateReplacePolicy: 'Delete',
      properties: {
        DBClusterIdentifier: ref(clusterId),
        Engine: db.engine,
        DBInstanceClass: instanceClass,
        DBParameterGroupName: ref(parameterGroupId),
        PubliclyAccessible: false,
        // The writer fails over to the reader of the lowest tier.
        PromotionTier: tier,
        AutoMinorVersionUpgrade: true,
        ...instanceOptions(spec, db),
        Tags: tags,
      },
      usage: [
        serverless
          ? {
              meter: 'aurora.acu',
              unit: 'ACU-hours',
              quantity: { min: round(serverless.minAcu * HOURS_PER_MONTH), max: round(serverless.maxAcu * HOURS_PER_MONTH) },
              attributes: { engine: info.priceEngine },
              basis: `${role}: Serverless v2 between ${serverless.minAcu} and ${serverless.maxAcu} ACUs × ${HOURS_PER_MONTH} h`,
            }
          : {
              meter: 'aurora.instance',
              unit: 'hours',
              quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH },
              attributes: { instanceClass, engine: info.priceEngine },
              basis: `${role}: one ${instanceClass} instance × ${HOURS_PER_MONTH} h`,
            },
        ...performanceInsightsMeters(db, `${db.name} ${role}`),
        ...monitoringMeters(`${identifier} ${role}`, db.monitoringIntervalSeconds),
      ],
    });
  out.push(instance(writerId(db), 'writer', 0));
  for (let n = 1; n <= readers; n++) out.push(instance(replicaId(db, n), `reader ${n}`, 1));

  if (db.crossRegionBackupTo) out.push(...crossRegionBackup(spec, db));
  out.push(...migrationResources(spec, db));
  return out;
}

/** Enhanced monitoring every 60 seconds by default (RDS.6), through the environment's monitoring role; 0 is off. */
function enhancedMonitoring(db: NormalizedDatabase): Record<string, CfnValue> {
  if (db.monitoringIntervalSeconds === 0) return { MonitoringInterval: 0 };
  return { MonitoringInterval: db.monitoringIntervalSeconds, MonitoringRoleArn: getAtt(DATABASE_MIGRATION_ID.monitoringRole, 'Arn') };
}

/**
 * Enhanced monitoring writes one OS-metrics document per interval to the RDSOSMetrics log group
 * (RDS creates it, 30 days retention): 43,200 a month at 60 s, of about 1 to 4 KB each (AWS: the
 * size grows with the process list), billed as CloudWatch Logs ingestion and storage.
 */
function monitoringMeters(identifier: string, seconds: number): UsageMeter[] {
  if (seconds === 0) return [];
  const events = (30 * 24 * 3600) / seconds;
  const gb = (kb: number): number => Math.round(((events * kb) / (1024 * 1024)) * 1000) / 1000;
  const basis = `enhanced monitoring of ${identifier}: ${events} OS-metrics documents a month (every ${seconds} s) of 1 to 4 KB to RDSOSMetrics`;
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
  // Aurora clusters (FSBP RDS.19) by their identifiers; only when there is one, so a spec
  // without Aurora keeps its template as it was.
  const clusters = dbs.filter(isAurora);
  const clusterSubscription: ModelResource[] = clusters.length
    ? [
        resource({
          logicalId: 'DatabaseClusterEventSubscription',
          type: 'AWS::RDS::EventSubscription',
          layer: 'monitoring',
          origin: ['databases'],
          component: 'databases',
          properties: {
            SubscriptionName: fitName(`${namePrefix(spec)}-db-cluster`, 255),
            SnsTopicArn: ref(ID.alarmTopic),
            SourceType: 'db-cluster',
            SourceIds: clusters.map((d) => ref(ID.database(d.name))),
            EventCategories: ['configuration change', 'failover', 'failure', 'maintenance', 'notification'],
            Enabled: true,
            Tags: tagList(spec, 'databases'),
          },
        }),
      ]
    : [];
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
  out.push(...clusterSubscription);
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

/** The CloudWatch dimension of a database's AWS/RDS metrics: the instance, or the Aurora cluster (CPU and connections of its instances). */
export function databaseMetricDimension(spec: NormalizedSpec, db: string): { Name: string; Value: CfnValue } {
  const d = spec.databases[db];
  return d && isAurora(d) ? { Name: 'DBClusterIdentifier', Value: ref(ID.database(db)) } : { Name: 'DBInstanceIdentifier', Value: ref(ID.database(db)) };
}

/** The RDS-managed master secret's ARN (an attribute of the instance). */
export const masterSecretArn = (db: string): CfnValue => getAtt(ID.database(db), 'MasterUserSecret.SecretArn');

/** The logical ID of a database's n-th read replica (from 1). */
const replicaId = (db: NormalizedDatabase, n: number): string => `${ID.database(db.name)}Replica${n}`;

/** The instances a service user may connect to: the primary and its read replicas (Aurora: the writer and the readers). */
function instanceIds(db: NormalizedDatabase): string[] {
  if (isAurora(db)) return [writerId(db), ...Array.from({ length: auroraReaders(db) }, (_, i) => replicaId(db, i + 1))];
  return [ID.database(db.name), ...Array.from({ length: db.readReplicas }, (_, i) => replicaId(db, i + 1))];
}

/** The logical ID of an Aurora cluster's writer instance (the cluster itself is ID.database). */
export const writerId = (db: NormalizedDatabase): string => `${ID.database(db.name)}Writer`;

/** Reader instances of an Aurora cluster: readReplicas, and at least one with multiAz (the failover target in another zone). */
export const auroraReaders = (db: NormalizedDatabase): number => Math.max(db.readReplicas, db.multiAz ? 1 : 0);

/** The IAM `rds-db:connect` resources of a service's user on a database: per instance, or the cluster's. */
function connectArns(db: NormalizedDatabase, user: string): CfnValue[] {
  const prefix = sub('arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:');
  if (isAurora(db)) return [{ 'Fn::Join': ['', [prefix, getAtt(ID.database(db.name), 'DBClusterResourceId'), `/${user}`]] }];
  return instanceIds(db).map((id) => ({ 'Fn::Join': ['', [prefix, getAtt(id, 'DbiResourceId'), `/${user}`]] }));
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
        Description: `Task execution role of the ${db.name} migration step: pulls the ${engineInfo(db.engine).protocol === 'mysql' ? 'mysql' : 'postgres'} image through the cache, reads the master secret, writes its log`,
        AssumeRolePolicyDocument: trustEcsTasks(),
        Policies: [
          {
            PolicyName: 'least-privilege',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                ...cachedImagePullStatements(migrationUpstream(db)),
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
        Description: `Task role of the ${db.name} migration step: no permissions (${engineInfo(db.engine).protocol === 'mysql' ? 'mysql' : 'psql'} calls no AWS API)`,
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
            ...migrationEnvironment(db, secret),
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

/** The migration container's connection settings: libpq's PG* or the mysql client's MYSQL_* variables. */
function migrationEnvironment(db: NormalizedDatabase, secret: CfnValue): Record<string, CfnValue> {
  const host = getAtt(ID.database(db.name), 'Endpoint.Address');
  const password = { 'Fn::Join': ['', [secret, `:${DATABASE_SECRET_KEYS.password}::`]] };
  if (engineInfo(db.engine).protocol === 'mysql') {
    return {
      Environment: [
        { Name: 'MYSQL_HOST', Value: host },
        { Name: 'MYSQL_TCP_PORT', Value: String(db.port) },
      ],
      Secrets: [{ Name: 'MYSQL_PWD', ValueFrom: password }],
    };
  }
  return {
    Environment: [
      { Name: 'PGAPPNAME', Value: 'dex-db-users' },
      { Name: 'PGCONNECT_TIMEOUT', Value: '10' },
      { Name: 'PGDATABASE', Value: DATABASE_NAME },
      { Name: 'PGHOST', Value: host },
      { Name: 'PGPORT', Value: String(db.port) },
      { Name: 'PGSSLMODE', Value: 'require' },
    ],
    Secrets: [
      { Name: 'PGPASSWORD', ValueFrom: password },
      { Name: 'PGUSER', ValueFrom: { 'Fn::Join': ['', [secret, `:${DATABASE_SECRET_KEYS.username}::`]] } },
    ],
  };
}

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
    const arns = dbs.flatMap((d) => connectArns(d, databaseUserOn(d, s.name)));
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
        BackupSelection: isAurora(db)
          ? { SelectionName: `${db.name}-cluster`, IamRoleArn: getAtt(roleId, 'Arn'), Resources: [getAtt(ID.database(db.name), 'DBClusterArn')] }
          : { SelectionName: `${db.name}-instance`, IamRoleArn: getAtt(roleId, 'Arn'), Resources: [getAtt(ID.database(db.name), 'DBInstanceArn')] },
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
