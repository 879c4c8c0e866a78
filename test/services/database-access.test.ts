// Database access per service (services/rds.ts): IAM authentication on every instance, a database
// user per service created by the migration task, `rds-db:connect` for that user only, and the
// RDS-managed master secret readable by the migration step alone. The migration SQL is also run
// against a real PostgreSQL server when one is installed (twice: it must be idempotent).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { analysisBootstraps } from '../../pipeline/bootstrap.js';
import { compileEmit, emitTargets } from '../../pipeline/emit.js';
import type { CfnValue, ModelResource } from '../../compiler/model/types.js';
import { DATABASE_MIGRATION_ID, databaseUser, migrationCommand, migrationNames, migrationStatements } from '../../services/rds.js';
import { fixedClock } from '../support/clock.js';

const FIXTURE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const analysis = analyzeSpec(readFileSync(FIXTURE), FIXTURE, { today: fixedClock, environment: 'production' });
const output = compileEmit(emitTargets(analysis).find((c) => c.environment === 'production')!);
const spec = output.model.spec;
const resources = output.model.resources;
const byId = new Map(resources.map((r) => [r.logicalId, r]));
const props = (r: ModelResource | undefined): Record<string, any> => (r?.properties ?? {}) as Record<string, any>;
const users = Object.values(spec.services).filter((s) => s.uses.includes('postgres'));

describe('database users', () => {
  it('derives a valid, distinct PostgreSQL identifier per service', () => {
    expect(databaseUser('kyc-service')).toBe('svc_kyc_service');
    const long = databaseUser(`s${'x'.repeat(80)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^svc_[a-z0-9_]+$/);
    expect(databaseUser(`s${'x'.repeat(80)}`)).toBe(long);
    expect(databaseUser(`s${'x'.repeat(81)}`)).not.toBe(long);
  });

  it('turns IAM authentication and enhanced monitoring on for every instance, with an RDS-managed master secret', () => {
    for (const db of resources.filter((r) => r.type === 'AWS::RDS::DBInstance')) {
      expect(props(db)).toMatchObject({ EnableIAMDatabaseAuthentication: true, MonitoringInterval: 60 });
    }
    expect(props(byId.get('PostgresDatabase'))).toMatchObject({ ManageMasterUserPassword: true, MasterUsername: 'dexadmin', Port: '5433' });
    expect(resources.filter((r) => r.type === 'AWS::SecretsManager::SecretTargetAttachment')).toEqual([]);
  });

  it('lets each service connect as its own database user only, from the layer of its role or later', () => {
    expect(users.length).toBeGreaterThan(1);
    for (const s of users) {
      const policy = byId.get(DATABASE_MIGRATION_ID.connectPolicy(s.name))!;
      expect(policy.type).toBe('AWS::IAM::Policy');
      expect(policy.layer).toBe(s.placement === 'eks' ? 'eks' : 'data');
      expect(props(policy).Roles).toEqual([{ Ref: `${s.name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}Role` }]);
      const [statement] = props(policy).PolicyDocument.Statement;
      expect(statement.Action).toEqual(['rds-db:connect']);
      for (const arn of statement.Resource as CfnValue[]) {
        const parts = (arn as { 'Fn::Join': [string, CfnValue[]] })['Fn::Join'][1];
        expect(parts[1]).toEqual({ 'Fn::GetAtt': ['PostgresDatabase', 'DbiResourceId'] });
        expect(parts[2]).toBe(`/${databaseUser(s.name)}`);
      }
    }
  });

  it('gives services no master credentials: only the migration execution role reads the master secret', () => {
    const readers = resources.filter((r) => JSON.stringify(r.properties).includes('MasterUserSecret.SecretArn')).map((r) => r.logicalId).sort();
    expect(readers).toEqual(['PostgresDatabaseMigrationExecutionRole', 'PostgresDatabaseMigrationTaskDefinition']);
    for (const td of resources.filter((r) => r.type === 'AWS::ECS::TaskDefinition' && !r.logicalId.startsWith('PostgresDatabaseMigration'))) {
      const text = JSON.stringify(td.properties);
      expect(text).not.toContain('_PASSWORD');
      expect(text).not.toContain('/database/');
    }
    for (const f of output.files.filter((f) => f.path.includes('/kubernetes/'))) expect(f.content, f.path).not.toContain('/database/postgres/master');
  });

  it('emits the migration task: psql in the private subnets, master credentials from the secret, SQL only through the quoting helpers', () => {
    const td = props(byId.get(DATABASE_MIGRATION_ID.taskDefinition('postgres')));
    const c = td.ContainerDefinitions[0];
    // From ECR Public through the registry's pull-through cache: the same URI with or without NAT.
    expect(c.Image).toEqual({ 'Fn::Sub': '${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/ecr-public/docker/library/postgres:16-alpine' });
    expect(c.Command).toEqual(migrationCommand(spec, 'postgres'));
    expect(c.Command.slice(0, 4)).toEqual(['psql', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1']);
    expect(c.Secrets.map((x: { Name: string }) => x.Name)).toEqual(['PGPASSWORD', 'PGUSER']);
    expect(JSON.stringify(c.Secrets)).toContain(':password::');
    expect(c.Environment).toContainEqual({ Name: 'PGSSLMODE', Value: 'require' });
    expect(c.User).toBe('10001:10001');
    const sql = migrationStatements(spec, 'postgres');
    for (const s of users) {
      expect(sql).toContain(`GRANT rds_iam TO "${databaseUser(s.name)}";`);
      expect(sql).toContain(`GRANT CONNECT ON DATABASE "postgres" TO "${databaseUser(s.name)}";`);
    }
    // The group reaches the database on its port and HTTPS, nothing else; the database lets it in.
    const group = props(byId.get(DATABASE_MIGRATION_ID.securityGroup('postgres')));
    expect(group.SecurityGroupEgress).toEqual([expect.objectContaining({ FromPort: 443, ToPort: 443 })]);
    expect(props(byId.get('PostgresDatabaseMigrationEgressToPostgresDatabasePort5433'))).toMatchObject({ FromPort: 5433, DestinationSecurityGroupId: { 'Fn::GetAtt': ['PostgresDatabaseSecurityGroup', 'GroupId'] } });
    expect(props(byId.get('PostgresDatabaseIngressFromPostgresDatabaseMigrationPort5433'))).toMatchObject({ FromPort: 5433 });
  });

  it('pulls the postgres image through the cache: the execution role may fill and read that one repository only', () => {
    const statements = props(byId.get(DATABASE_MIGRATION_ID.executionRole('postgres'))).Policies[0].PolicyDocument.Statement as Record<string, any>[];
    const repo = { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/ecr-public/docker/library/postgres' };
    const ecr = statements.filter((st) => (st.Action as string[]).some((a) => a.startsWith('ecr:')));
    expect(ecr).toEqual([
      { Sid: 'EcrAuth', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      { Sid: 'PullCachedImage', Effect: 'Allow', Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: repo },
      { Sid: 'FillPullThroughCache', Effect: 'Allow', Action: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'], Resource: repo },
    ]);
  });

  it('creates the ECR Public pull-through cache in the bootstrap of each registry with a database, its repositories KMS-encrypted', () => {
    const bootstraps = analysisBootstraps(analysis);
    expect(bootstraps.length).toBeGreaterThan(0);
    for (const b of bootstraps) {
      const withDb = b.target.environments.some((e) => Object.keys(e.databases).length > 0);
      const rules = b.model.resources.filter((r) => r.type === 'AWS::ECR::PullThroughCacheRule');
      expect(rules.map((r) => r.properties), b.target.region).toEqual(withDb ? [{ EcrRepositoryPrefix: 'ecr-public', UpstreamRegistry: 'ecr-public', UpstreamRegistryUrl: 'public.ecr.aws' }] : []);
      if (!withDb) continue;
      expect(rules[0]!.layer).toBe('delivery');
      const template = props(b.model.resources.find((r) => r.type === 'AWS::ECR::RepositoryCreationTemplate'));
      expect(template).toMatchObject({ Prefix: 'ecr-public', AppliedFor: ['PULL_THROUGH_CACHE'], EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': ['BootstrapKey', 'Arn'] } }, ImageTagMutability: 'MUTABLE' });
      expect(JSON.parse(template.LifecyclePolicy).rules[0].selection.tagStatus).toBe('untagged');
      // ECR assumes the creation role (a template with a key or tags needs one), scoped to the prefix and the key.
      const role = props(b.model.resources.find((r) => r.logicalId === 'EcrPublicRepositoryCreationRole'));
      expect(template.CustomRoleArn).toEqual({ 'Fn::GetAtt': ['EcrPublicRepositoryCreationRole', 'Arn'] });
      expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'ecr.amazonaws.com' });
      expect(role.Policies[0].PolicyDocument.Statement.map((st: Record<string, unknown>) => st.Resource)).toEqual([
        { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/ecr-public/*' },
        { 'Fn::GetAtt': ['BootstrapKey', 'Arn'] },
      ]);
    }
  });

  it('emits no rule where the registry has one already (network.ecrPublicCache: existing), and pulls through the same path', () => {
    const yaml = (cache: string) => `dex: 1\nname: demo\nregion: ap-south-1\nnetwork:\n  natGateways: none\n  endpoints: [s3, ecr, logs, secretsmanager]\n  ecrPublicCache: ${cache}\nservices:\n  web: { port: 8080, placement: ecs, uses: [main] }\ndatabases:\n  main: {}\n`;
    const types = (cache: string) => {
      const a = analyzeSpec(Buffer.from(yaml(cache)), 'dex.yaml', { today: fixedClock });
      expect(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
      return { bootstrap: analysisBootstraps(a).flatMap((b) => b.model.resources.map((r) => r.type)), image: a.compiled[0]!.model!.resources.find((r) => r.type === 'AWS::ECS::TaskDefinition')!.properties };
    };
    const existing = types('existing');
    expect(existing.bootstrap).not.toContain('AWS::ECR::PullThroughCacheRule');
    expect(existing.bootstrap).not.toContain('AWS::ECR::RepositoryCreationTemplate');
    expect(types('create').bootstrap).toEqual(expect.arrayContaining(['AWS::ECR::PullThroughCacheRule', 'AWS::ECR::RepositoryCreationTemplate']));
    expect(JSON.stringify(existing.image)).toContain('/ecr-public/docker/library/postgres:');
  });

  it('runs the migration from CI after the data stacks and before the services roll, with a deploy role scoped to it', () => {
    const workflow = readFileSync('test/golden/dex-mobile-v6/ci/.github/workflows/release.yml', 'utf8');
    const lines = workflow.split('\n').map((l) => l.trim());
    const migrate = lines.findIndex((l) => l.startsWith('bash "$RELEASE" migrate-database dex-mobile-v6-production-db-users'));
    expect(migrate).toBeGreaterThan(lines.indexOf('bash "$RELEASE" deploy-stack dex-mobile-v6-production-data'));
    expect(migrate).toBeLessThan(lines.indexOf('bash "$RELEASE" deploy-stack dex-mobile-v6-production-ecs'));
    const release = readFileSync('templates/ci/release.sh', 'utf8');
    expect(release).toContain('aws ecs wait tasks-stopped');
    expect(release).toMatch(/if \[ "\$code" != 0 \]; then/);
    const bootstrap = readFileSync('test/golden/dex-mobile-v6/bootstrap/default/ap-south-1/cloudformation/dex-mobile-v6-bootstrap-delivery.yaml', 'utf8');
    const names = migrationNames(spec, 'postgres');
    expect(bootstrap).toContain(`task-definition/${names.family}:*`);
    expect(bootstrap).toContain(`role/${names.executionRole}`);
    expect(bootstrap).toContain(`role/${names.taskRole}`);
  });
});

// A real server: initdb refuses to run as root, so it runs as `nobody` when the tests do.
const PG_BIN = ['/usr/local/bin', '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin'].find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
const havePsql = spawnSync('psql', ['--version']).status === 0;
const root = process.getuid?.() === 0;
const canRun = PG_BIN !== undefined && havePsql && (!root || spawnSync('su', ['-s', '/bin/sh', 'nobody', '-c', 'true']).status === 0);

describe.skipIf(!canRun)('the migration SQL on a real PostgreSQL server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dex-pg-'));
  const port = String(56000 + (process.pid % 1000));
  const asServer = (cmd: string): ReturnType<typeof spawnSync> =>
    root ? spawnSync('su', ['-s', '/bin/sh', 'nobody', '-c', cmd], { encoding: 'utf8' }) : spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
  const env = { ...process.env, PGHOST: dir, PGPORT: port, PGUSER: 'dexadmin', PGDATABASE: 'postgres' };
  const psql = (args: string[]) => spawnSync('psql', args, { env, encoding: 'utf8' });

  beforeAll(() => {
    chmodSync(dir, 0o777);
    const init = asServer(`${PG_BIN}/initdb -D ${dir}/data -A trust -U dexadmin >/dev/null && ${PG_BIN}/pg_ctl -D ${dir}/data -o "-k ${dir} -p ${port} -c listen_addresses=" -l ${dir}/log -w start >/dev/null`);
    expect(init.status, String(init.stderr)).toBe(0);
    // As on RDS: a master user that is no superuser (CREATEROLE, CREATEDB, owner of the database,
    // admin of RDS's rds_iam role), and the migration runs as it.
    for (const sql of ['CREATE ROLE rds_iam NOLOGIN', 'CREATE ROLE rdsmaster LOGIN CREATEROLE CREATEDB', 'GRANT rds_iam TO rdsmaster WITH ADMIN OPTION', 'ALTER DATABASE postgres OWNER TO rdsmaster']) {
      const r = psql(['-c', sql]);
      expect(r.status, `${sql}: ${r.stderr}`).toBe(0);
    }
  }, 60_000);
  afterAll(() => {
    asServer(`${PG_BIN}/pg_ctl -D ${dir}/data -m immediate stop >/dev/null`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates each user with rds_iam and its privileges, and runs again without error', () => {
    const [cmd, ...args] = migrationCommand(spec, 'postgres');
    for (let run = 0; run < 2; run++) {
      const r = spawnSync(cmd!, args, { env: { ...env, PGUSER: 'rdsmaster' }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    for (const s of users) {
      const user = databaseUser(s.name);
      const q = psql(['-tA', '-c', `SELECT rolcanlogin, rolsuper, pg_has_role('${user}', 'rds_iam', 'MEMBER'), has_database_privilege('${user}', 'postgres', 'CONNECT'), has_schema_privilege('${user}', 'public', 'CREATE') FROM pg_roles WHERE rolname = '${user}'`]);
      expect(q.stdout.trim(), user).toBe('t|f|t|t|t');
    }
  });

  it('reads every hostile value back through sqlLiteral and sqlIdentifier', async () => {
    const { sqlIdentifier, sqlLiteral } = await import('../../compiler/model/quote.js');
    for (const v of ["a'b", 'a"b', "'; DROP ROLE dexadmin; --", '\\', "\\'", '$$', 'Ünï code']) {
      const lit = psql(['-tA', '-c', `SELECT ${sqlLiteral(v)}`]);
      expect(lit.stdout.replace(/\n$/, ''), v).toBe(v);
      // The identifier names exactly the role the literal finds, and only it.
      const id = psql(['-qtA', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE ROLE ${sqlIdentifier(v)}`, '-c', `SELECT count(*) FROM pg_roles WHERE rolname = ${sqlLiteral(v)}`, '-c', `DROP ROLE ${sqlIdentifier(v)}`]);
      expect(id.status, id.stderr).toBe(0);
      expect(id.stdout.trim(), v).toBe('1');
    }
  });
});

describe('RDS event subscriptions', () => {
  it('sends instance, parameter group and security group events to the alarm topic, which RDS may publish to', () => {
    const subs = resources.filter((r) => r.type === 'AWS::RDS::EventSubscription');
    expect(subs.map((r) => props(r).SourceType).sort()).toEqual(['db-instance', 'db-parameter-group', 'db-security-group']);
    for (const r of subs) expect(props(r)).toMatchObject({ SnsTopicArn: { Ref: 'AlarmTopic' }, Enabled: true });
    const instances = subs.find((r) => props(r).SourceType === 'db-instance')!;
    expect(props(instances).SourceIds).toEqual([{ Ref: 'PostgresDatabase' }]);
    expect(props(instances).EventCategories).toEqual(expect.arrayContaining(['failure', 'failover', 'low storage', 'maintenance', 'configuration change']));
    const policy = JSON.stringify(props(byId.get('AlarmTopicPolicy')).PolicyDocument);
    expect(policy).toContain('events.rds.amazonaws.com');
    expect(policy).toContain('cloudwatch.amazonaws.com');
    expect(JSON.stringify(props(byId.get('KmsKey')).KeyPolicy)).toContain('events.rds.amazonaws.com');
  });
});
