// Database engines and options (services/rds.ts, compiler/checks/databases.ts): RDS MySQL beside
// RDS PostgreSQL, Aurora clusters provisioned and Serverless v2, the options people set, each
// code at its spec node, the resources validated against the CloudFormation schemas, the price
// lines, the compliance controls over clusters, and the diff of a major version change.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { compileEmit, emitTargets } from '../../pipeline/emit.js';
import { analysisBootstraps } from '../../pipeline/bootstrap.js';
import type { CfnValue, ModelResource } from '../../compiler/model/types.js';
import { priceMeters } from '../../compiler/pricing/line-items.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { evaluateControls } from '../../compiler/compliance/controls/evaluate.js';
import { dataDeclaration, evaluateCompliance } from '../../compiler/compliance/engine.js';
import { diffResources } from '../../compiler/diff/index.js';
import { replacementOf } from '../../compiler/diff/replacement.js';
import { migrationCommand, mysqlMigrationStatements } from '../../services/rds.js';
import { parseBackupWindow, parseMaintenanceWindow, windowsOverlap } from '../../compiler/checks/databases.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { compilePlanResources, REFERENCE_TEXT } from '../support/reference-plan.js';
import { AT_FIXED_DATE, fixedClock } from '../support/clock.js';
import { buildResourceModel } from '../../compiler/model/build.js';
import { BUILDING_BLOCKS, COMPLIANCE_RULES } from '../../pipeline/registries.js';

const header = `dex: 1
name: shop
region: us-east-1
ingress:
  tls: { certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555 }
services:
  api:
    language: nodejs
    port: 8080
    placement: ecs
    expose: { public: true, path: / }
    uses: [db]
`;
const specWith = (db: string, extra = ''): string => `${header}databases:\n  db:\n${db.replace(/^/gm, '    ')}\n${extra}`;

const analyze = (text: string, environment?: string) => analyzeSpec(new TextEncoder().encode(text), 'dex.yaml', { today: fixedClock, ...(environment ? { environment } : {}) });

function compiled(text: string) {
  const analysis = analyze(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  const out = compileEmit(emitTargets(analysis)[0]!);
  return { analysis, out, byId: new Map(out.model.resources.map((r) => [r.logicalId, r])) };
}
const props = (r: ModelResource | undefined): Record<string, CfnValue> => (r?.properties ?? {}) as Record<string, CfnValue>;

/** The diagnostics of a spec, as "code line:col" (the located errors of this feature). */
function codes(text: string): string[] {
  return analyze(text)
    .diagnostics.filter((d) => /^DEX7/.test(d.code))
    .map((d) => `${d.code} ${d.line}:${d.col}`);
}
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

function templatesValid(out: ReturnType<typeof compileEmit>): void {
  const templates = out.files.filter((f) => f.path.startsWith('cloudformation/'));
  expect(templates.length).toBeGreaterThan(0);
  for (const t of templates) expect(validateTemplate(parse(t.content, { version: '1.1' })), t.path).toEqual([]);
}

describe('RDS for MySQL', () => {
  const { out, byId } = compiled(specWith('engine: mysql\nversion: "8.4"\nlogExports: [error, slowquery]\nparameters: { long_query_time: 2, require_secure_transport: 0 }\nbackupWindow: "01:00-01:30"\nmaintenanceWindow: sun:03:00-sun:04:00\nstorageGiB: 500\nstorage: { type: gp3, iops: 15000, throughputMiBps: 600 }\nperformanceInsights: { retentionDays: 31 }\nenhancedMonitoring: { intervalSeconds: 30 }\nreadReplicas: 1'));

  it('is one MySQL instance with its family, TLS forced whatever the spec says, and every option', () => {
    // Exporting the slow query log turns it on; TLS stays required though the spec says 0.
    expect(props(byId.get('DbDatabaseParameterGroup'))).toEqual(expect.objectContaining({ Family: 'mysql8.4', Parameters: { slow_query_log: '1', long_query_time: '2', require_secure_transport: '1' } }));
    expect(props(byId.get('DbDatabase'))).toMatchObject({
      Engine: 'mysql',
      EngineVersion: '8.4',
      Port: '3307',
      StorageType: 'gp3',
      Iops: 15000,
      StorageThroughput: 600,
      StorageEncrypted: true,
      EnableIAMDatabaseAuthentication: true,
      ManageMasterUserPassword: true,
      EnablePerformanceInsights: true,
      PerformanceInsightsRetentionPeriod: 31,
      MonitoringInterval: 30,
      EnableCloudwatchLogsExports: ['error', 'slowquery'],
      PreferredBackupWindow: '01:00-01:30',
      PreferredMaintenanceWindow: 'sun:03:00-sun:04:00',
    });
    expect(props(byId.get('DbDatabase')).PerformanceInsightsKMSKeyId).toEqual({ 'Fn::GetAtt': ['KmsKey', 'Arn'] });
    expect(byId.get('DbDatabaseErrorLogGroup')).toBeDefined();
    // The read replica: MySQL too, from the primary, with its own exported logs.
    expect(props(byId.get('DbDatabaseReplica1'))).toMatchObject({ SourceDBInstanceIdentifier: { Ref: 'DbDatabase' }, DBParameterGroupName: { Ref: 'DbDatabaseParameterGroup' }, EnableCloudwatchLogsExports: ['error', 'slowquery'], MonitoringInterval: 30 });
    expect(byId.get('DbDatabaseReplica1SlowqueryLogGroup')).toBeDefined();
    expect(props(byId.get('DbDatabaseSlowqueryLogGroup')).LogGroupName).toMatch(/^\/aws\/rds\/instance\/.+\/slowquery$/);
    templatesValid(out);
  });

  it('the bootstrap counts the cached mysql image beside postgres', () => {
    const bootstraps = analysisBootstraps(compiled(specWith('engine: mysql\nversion: "8.4"')).analysis);
    const template = bootstraps.flatMap((b) => b.model.resources).find((r) => r.type === 'AWS::ECR::RepositoryCreationTemplate')!;
    expect(template.usage.map((u) => [u.basis, u.quantity])).toEqual([[expect.stringContaining('mysql:8.4 image of the MySQL migration task'), { min: 0.25, max: 0.5 }]]);
  });

  it('creates the service users with the IAM plugin over TLS, through the mysql client', () => {
    const spec = out.model.spec;
    expect(mysqlMigrationStatements(spec, 'db')).toEqual([
      'CREATE DATABASE IF NOT EXISTS `app`;',
      "CREATE USER IF NOT EXISTS 'svc_api'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;",
      "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES, CREATE VIEW, SHOW VIEW, TRIGGER, CREATE TEMPORARY TABLES, LOCK TABLES ON `app`.* TO 'svc_api'@'%';",
    ]);
    expect(migrationCommand(spec, 'db').slice(0, 4)).toEqual(['mysql', '--no-defaults', '--user=dexadmin', '--ssl-mode=REQUIRED']);
    const task = props(byId.get('DbDatabaseMigrationTaskDefinition'));
    const container = (task.ContainerDefinitions as Record<string, CfnValue>[])[0]!;
    expect(JSON.stringify(container.Image)).toContain('ecr-public/docker/library/mysql:8.4');
    expect((container.Secrets as { Name: string }[]).map((s) => s.Name)).toEqual(['MYSQL_PWD']);
  });

  it('prices the instance from the region pack as MySQL; the IOPS, throughput and Performance Insights beyond the free tier are unpriced with a reason', () => {
    const db = byId.get('DbDatabase')!;
    const plan = priceMeters([{ logicalId: db.logicalId, type: db.type, usage: db.usage }], 'us-east-1', loadSnapshotSource());
    const instance = plan.lineItems.find((l) => l.usageType.startsWith('Multi-AZUsage:'))!;
    // db.t3.medium MySQL Multi-AZ, us-east-1, from the pricing-page feed (data/pricing/regions/us-east-1.json).
    expect(instance.unitPriceUsd).toBe(0.136);
    expect(instance.monthlyUsd.min).toBe(99.28);
    const reasons = Object.fromEntries(plan.unpriced.map((u) => [u.meter, u.reason]));
    expect(reasons['rds.iops']).toMatch(/3000 IOPS-month of gp3/);
    expect(reasons['rds.throughput']).toMatch(/100 MiB\/s-month/);
    expect(reasons['rds.performanceInsights']).toMatch(/kept 31 days/);
  });
});

describe('Aurora', () => {
  const serverless = compiled(specWith('engine: aurora-mysql\nserverless: { minAcu: 0.5, maxAcu: 8 }\nlogExports: [error, audit]\nparameters: { long_query_time: 2 }'));
  const provisioned = compiled(specWith('engine: aurora-postgresql\nversion: "15"\ninstanceClass: db.r6g.large\nreadReplicas: 2\ncrossRegionBackupTo: us-west-2'));

  it('a Serverless v2 cluster: encrypted, IAM authentication, managed master secret, db.serverless writer and a reader', () => {
    const { byId, out } = serverless;
    expect(props(byId.get('DbDatabase'))).toMatchObject({
      Engine: 'aurora-mysql',
      EngineVersion: '8.0.mysql_aurora.3.08.0',
      Port: 3307,
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': ['KmsKey', 'Arn'] },
      EnableIAMDatabaseAuthentication: true,
      ManageMasterUserPassword: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 7,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
      EnableCloudwatchLogsExports: ['error', 'audit'],
    });
    expect(byId.get('DbDatabase')!).toMatchObject({ type: 'AWS::RDS::DBCluster', deletionPolicy: 'Snapshot' });
    expect(props(byId.get('DbDatabaseClusterParameterGroup'))).toMatchObject({ Family: 'aurora-mysql8.0', Parameters: { long_query_time: '2', require_secure_transport: 'ON' } });
    expect(props(byId.get('DbDatabaseAuditLogGroup')).LogGroupName).toMatch(/^\/aws\/rds\/cluster\/shop-db\/audit$/);
    const instances = out.model.resources.filter((r) => r.type === 'AWS::RDS::DBInstance');
    expect(instances.map((r) => [r.logicalId, props(r).DBInstanceClass, props(r).PromotionTier])).toEqual([
      ['DbDatabaseReplica1', 'db.serverless', 1],
      ['DbDatabaseWriter', 'db.serverless', 0],
    ]);
    for (const i of instances) expect(props(i)).toMatchObject({ DBClusterIdentifier: { Ref: 'DbDatabase' }, PubliclyAccessible: false, MonitoringInterval: 60 });
    templatesValid(out);
  });

  it('a service connects as its user to the cluster (DBClusterResourceId), and reads the reader endpoint', () => {
    const { byId, out } = serverless;
    const policy = props(byId.get('ApiDatabaseConnectPolicy'));
    expect(JSON.stringify(policy)).toContain('"DbDatabase","DBClusterResourceId"');
    expect(JSON.stringify(policy)).toContain('/svc_api');
    const task = out.model.resources.find((r) => r.logicalId === 'ApiTaskDefinition')!;
    const env = ((props(task).ContainerDefinitions as Record<string, CfnValue>[])[0]!.Environment as { Name: string; Value: CfnValue }[]);
    const value = (n: string) => env.find((e) => e.Name === n)?.Value;
    expect(value('DB_HOST')).toEqual({ 'Fn::GetAtt': ['DbDatabase', 'Endpoint.Address'] });
    expect(value('DB_READ_HOST')).toEqual({ 'Fn::GetAtt': ['DbDatabase', 'ReadEndpoint.Address'] });
    expect(value('DB_DATABASE')).toBe('app');
    expect(value('DB_SSLMODE')).toBe('VERIFY_IDENTITY');
  });

  it('provisioned: a writer and the readers of the class, backups copied by cluster ARN', () => {
    const { byId, out } = provisioned;
    expect(props(byId.get('DbDatabase'))).toMatchObject({ Engine: 'aurora-postgresql', EngineVersion: '15.10', Port: 5433 });
    expect(props(byId.get('DbDatabase')).ServerlessV2ScalingConfiguration).toBeUndefined();
    expect(out.model.resources.filter((r) => r.type === 'AWS::RDS::DBInstance').map((r) => props(r).DBInstanceClass)).toEqual(['db.r6g.large', 'db.r6g.large', 'db.r6g.large']);
    expect(JSON.stringify(props(byId.get('DbBackupSelection')))).toContain('DBClusterArn');
    templatesValid(out);
  });

  it('prices nothing it has no source for: instance-hours, ACU-hours, storage and I/O are unpriced with their amounts', () => {
    const price = (r: ModelResource) => priceMeters([{ logicalId: r.logicalId, type: r.type, usage: r.usage }], 'us-east-1', loadSnapshotSource());
    const acu = price(serverless.byId.get('DbDatabaseWriter')!);
    expect(acu.lineItems.filter((l) => /ACU|Aurora/i.test(l.usageType))).toEqual([]);
    expect(acu.unpriced.find((u) => u.meter === 'aurora.acu')?.reason).toMatch(/365 to 5840 ACU-hours a month/);
    const inst = price(provisioned.byId.get('DbDatabaseWriter')!);
    expect(inst.unpriced.find((u) => u.meter === 'aurora.instance')?.reason).toMatch(/730 hours a month of db\.r6g\.large \(Aurora PostgreSQL/);
    const cluster = price(provisioned.byId.get('DbDatabase')!);
    expect(cluster.unpriced.map((u) => u.meter).sort()).toEqual(['aurora.io', 'aurora.storage', 'rds.backup']);
    expect(cluster.lineItems.map((l) => l.usageType)).toEqual([expect.stringMatching(/Secret/)]);
  });

  it('the compliance controls judge the cluster for encryption, backups, deletion protection, IAM auth and logs, and each instance for public access and monitoring', () => {
    const { analysis, out } = serverless;
    const ctx = { spec: out.model.spec, model: out.model, data: dataDeclaration(analysis.raw), environment: undefined, production: true, regimes: new Set(['pci-dss'] as const) };
    const outcomes = new Map(evaluateControls(ctx as never).map((o) => [o.control.id, o]));
    for (const id of ['RDS.3', 'RDS.8', 'RDS.9', 'RDS.10', 'RDS.11', 'RDS.19', 'RDS.20', 'RDS.23', 'RDS.2', 'RDS.6']) expect(outcomes.get(id)?.status, id).toBe('pass');
    expect(serverless.byId.get('DatabaseClusterEventSubscription')?.properties).toMatchObject({ SourceType: 'db-cluster', SourceIds: [{ Ref: 'DbDatabase' }] });
    expect(outcomes.get('RDS.10')!.findings.map((f) => f.logicalId)).toEqual(['DbDatabase']);
    expect(outcomes.get('RDS.3')!.findings.map((f) => f.logicalId)).toEqual(['DbDatabase']);
    // PCI DSS 3.5.1 (customer-managed keys) passes on the cluster, and Aurora's instances are not judged as stores.
    const pci = evaluateCompliance({ spec: { ...out.model.spec, compliance: ['pci-dss'] }, model: out.model, data: dataDeclaration(analysis.raw), rules: COMPLIANCE_RULES.filter((r) => r.id === 'PCI-DSS-3.5.1' || r.id === 'BASE-ENCRYPTION-AT-REST') });
    expect(pci.controls.map((c) => [c.rule.id, c.status]).sort()).toEqual([['BASE-ENCRYPTION-AT-REST', 'pass'], ['PCI-DSS-3.5.1', 'pass']]);
    expect(outcomes.get('RDS.6')!.findings.map((f) => f.logicalId).sort()).toEqual(['DbDatabaseReplica1', 'DbDatabaseWriter']);
    // Without log exports (audit.databaseLogs off, no logExports) RDS.9 fails on the cluster.
    // (The spec is refused for it, by the audit rule: the model is still built and judged.)
    const quietSpec = analyze(specWith('engine: aurora-mysql\nserverless: { maxAcu: 4 }', 'audit: { databaseLogs: false }\n')).compiled[0]!.spec;
    const quiet = buildResourceModel(quietSpec, BUILDING_BLOCKS, AT_FIXED_DATE);
    const ctx2 = { ...ctx, spec: quietSpec, model: quiet };
    expect(evaluateControls(ctx2 as never).find((o) => o.control.id === 'RDS.9')).toMatchObject({ status: 'fail', findings: [expect.objectContaining({ logicalId: 'DbDatabase' })] });
  });
});

describe('located errors', () => {
  it.each([
    ['DEX700', 'engine: mysql\nversion: "16"', 'version: "16"'],
    ['DEX701', 'engine: aurora-postgresql\ninstanceClass: db.t3.micro', 'instanceClass'],
    ['DEX702', 'engine: postgres\nserverless: { maxAcu: 4 }', 'serverless'],
    ['DEX702', 'engine: aurora-mysql\nserverless: { minAcu: 8, maxAcu: 4 }', 'serverless'],
    ['DEX703', 'engine: postgres\nlogExports: [postgresql, slowquery]', 'logExports'],
    ['DEX704', 'maintenanceWindow: sunday-3am', 'maintenanceWindow'],
    ['DEX704', 'backupWindow: "01:00-01:10"', 'backupWindow'],
    ['DEX705', 'backupWindow: "03:30-04:00"\nmaintenanceWindow: sun:03:00-sun:04:00', 'backupWindow'],
    ['DEX706', 'storage: { type: io1 }', 'type: io1'],
    ['DEX706', 'storage: { iops: 12000 }', 'iops'],
    ['DEX706', 'storageGiB: 400\nstorage: { iops: 12000, throughputMiBps: 4000 }', 'throughputMiBps'],
    ['DEX707', 'engine: aurora-mysql\nmaxStorageGiB: 100', 'maxStorageGiB'],
    ['DEX707', 'engine: aurora-postgresql\nbackupRetentionDays: 0', 'backupRetentionDays'],
    ['DEX708', 'performanceInsights: { retentionDays: 30 }', 'retentionDays'],
  ])('%s at its node (%s)', (code, db, needle) => {
    const text = specWith(db);
    const found = codes(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${code} ${lineOf(text, needle)}:`));
  });

  it('DEX709: a free-storage alert warns that it does not watch Aurora, and makes no alarm for it', () => {
    const text = specWith('engine: aurora-postgresql', 'monitoring:\n  alerts: [{ name: LowDisk, metric: dbFreeStorageGiB, below: 5, for: 5m }]\n');
    const analysis = analyze(text);
    const found = analysis.diagnostics.filter((d) => d.code === 'DEX709');
    expect(found.map((d) => [d.severity, d.line])).toEqual([['warning', lineOf(text, 'LowDisk')]]);
    const model = analysis.compiled[0]!.model!;
    expect(model.resources.filter((r) => r.type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.properties).includes('FreeStorageSpace'))).toEqual([]);
    // On RDS the same alert watches the instance, without a warning.
    const rds = analyze(specWith('engine: mysql', 'monitoring:\n  alerts: [{ name: LowDisk, metric: dbFreeStorageGiB, below: 5, for: 5m }]\n'));
    expect(rds.diagnostics.filter((d) => d.code === 'DEX709')).toEqual([]);
    expect(rds.compiled[0]!.model!.resources.filter((r) => r.type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.properties).includes('FreeStorageSpace'))).toHaveLength(1);
  });

  it('accepts what AWS accepts', () => {
    for (const db of ['engine: mysql\nversion: "8.0"', 'engine: aurora-mysql\nserverless: { minAcu: 0, maxAcu: 256 }', 'storageGiB: 400\nstorage: { iops: 12000, throughputMiBps: 3000 }', 'storage: { type: io2, iops: 20000 }', 'performanceInsights: { retentionDays: 731 }', 'backupWindow: "23:30-00:30"\nmaintenanceWindow: sun:01:00-sun:02:00']) {
      expect(codes(specWith(db)), db).toEqual([]);
    }
  });

  it('windows: parsed in UTC, overlap found across midnight and the week', () => {
    expect(parseMaintenanceWindow('Sun:23:30-Mon:00:30')).toEqual([6 * 1440 + 1410, 6 * 1440 + 1470]);
    expect(windowsOverlap(parseBackupWindow('00:00-00:30')!, parseMaintenanceWindow('sun:23:45-mon:00:15')!)).toBe(true);
    expect(windowsOverlap(parseBackupWindow('23:50-00:20')!, parseMaintenanceWindow('mon:00:00-mon:00:30')!)).toBe(true);
    expect(windowsOverlap(parseBackupWindow('01:00-01:30')!, parseMaintenanceWindow('sun:03:00-sun:04:00')!)).toBe(false);
  });
});

describe('diff', () => {
  it('a major version change is a replacement risk, a minor one is not', () => {
    const env = 'environments:\n  production: {}\n';
    const before = compilePlanResources(specWith('engine: aurora-postgresql\nversion: "15"\ninstanceClass: db.r6g.large', env));
    const after = compilePlanResources(specWith('engine: aurora-postgresql\nversion: "16"\ninstanceClass: db.r6g.large\nallowMajorVersionUpgrade: true', env));
    const changes = diffResources(before, after);
    const cluster = changes.find((c) => c.logicalId === 'DbDatabase')!;
    expect(cluster.properties.find((p) => p.path === 'EngineVersion')).toMatchObject({ before: '15.10', after: '16.6', causesReplacement: false, mayCauseReplacement: true, note: expect.stringMatching(/major version upgrade 15 → 16/) });
    // The parameter groups of the new family are new groups.
    expect(changes.find((c) => c.logicalId === 'DbDatabaseClusterParameterGroup')?.action).toBe('replace');
    expect(replacementOf('AWS::RDS::DBInstance', 'EngineVersion', '8.0', '8.4')).toMatchObject({ mayCauseReplacement: true });
    // RDS instances carry the switch; an Aurora cluster has no such property (its template stays valid).
    const upgraded = compiled(specWith('engine: aurora-postgresql\nversion: "16"\ninstanceClass: db.r6g.large\nallowMajorVersionUpgrade: true'));
    expect(props(upgraded.byId.get('DbDatabase')).AllowMajorVersionUpgrade).toBeUndefined();
    templatesValid(upgraded.out);
    expect(props(compiled(specWith('engine: mysql\nallowMajorVersionUpgrade: true')).byId.get('DbDatabase')).AllowMajorVersionUpgrade).toBe(true);
    expect(replacementOf('AWS::RDS::DBInstance', 'EngineVersion', '16.3', '16.4')).toEqual({ causesReplacement: false });
  });
});

describe('the reference on Aurora PostgreSQL (every placement uses it)', () => {
  const text = REFERENCE_TEXT.replace('    engine: postgres\n', '    engine: aurora-postgresql\n');
  const analysis = analyze(text, 'production');
  const out = compileEmit(emitTargets(analysis, 'production')[0]!);

  it('compiles without errors, and every template passes the CloudFormation validator', () => {
    expect(text).not.toBe(REFERENCE_TEXT);
    expect(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(out.model.resources.filter((r) => r.type === 'AWS::RDS::DBCluster').map((r) => r.logicalId)).toEqual(['PostgresDatabase']);
    templatesValid(out);
  });

  it('EKS pods read the cluster endpoint from the stack outputs, looked up with describe-db-clusters', () => {
    const script = out.files.find((f) => f.content.includes('describe-db-clusters'));
    expect(script?.content).toMatch(/aws rds describe-db-clusters --region ap-south-1 --db-cluster-identifier "\$\(phys [^)]+ 'PostgresDatabase'\)" --query 'DBClusters\[0\]\.Endpoint' --output text/);
    expect(out.files.some((f) => f.content.includes('describe-db-instances'))).toBe(false);
  });

  it('alarms and the dashboard watch the cluster by DBClusterIdentifier', () => {
    const watching = out.model.resources.filter((r) => (r.type === 'AWS::CloudWatch::Alarm' || r.type === 'AWS::CloudWatch::Dashboard') && JSON.stringify(r.properties).includes('AWS/RDS'));
    expect(watching.length).toBeGreaterThan(0);
    for (const a of watching) {
      expect(JSON.stringify(a.properties), a.logicalId).toContain('DBClusterIdentifier');
      expect(JSON.stringify(a.properties), a.logicalId).not.toContain('DBInstanceIdentifier');
    }
  });
});
