// The compute, data and monitoring building blocks on the reference spec: secure defaults
// (no public database, encryption everywhere, IMDSv2, snapshots on delete), bounds that equal the
// spec, stable logical IDs, CloudFormation-valid properties and usage on every billable resource.
import { registryRepositories } from '../../services/ecr.js';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import type { BuildingBlock, ModelResource } from '../../compiler/model/types.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { ec2 } from '../../services/ec2.js';

import { ecs } from '../../services/ecs.js';
import { eks, eksSupportType } from '../../services/eks.js';
import { cacheLayout, elasticache } from '../../services/elasticache.js';
import { iam } from '../../services/iam.js';
import { monitoring } from '../../services/monitoring.js';
import { rds } from '../../services/rds.js';

const FIXTURE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const NOW = new Date('2026-11-24T00:00:00Z');
const AT_NOW = { today: () => NOW };
// The repositories are the bootstrap's (services/bootstrap.ts); built here for one environment.
const registry: BuildingBlock = { name: 'registry', build: (spec) => registryRepositories({ environments: [spec], pullers: [], keyId: 'BootstrapKey', layer: 'delivery', owner: spec }) };
const BLOCKS: BuildingBlock[] = [iam, rds, elasticache, registry, ecs, eks, ec2, monitoring];

function compile(environment: string): NormalizedSpec {
  const analysis = analyzeSpec(readFileSync(FIXTURE), FIXTURE, { environment, ...AT_NOW });
  expect(analysis.ok, JSON.stringify(analysis.diagnostics)).toBe(true);
  return analysis.compiled[0]!.spec;
}

function buildAll(spec: NormalizedSpec): ModelResource[] {
  return BLOCKS.flatMap((b) => b.build(spec, AT_NOW));
}

const ofType = (rs: ModelResource[], type: string) => rs.filter((r) => r.type === type);
const byId = (rs: ModelResource[], id: string) => {
  const r = rs.find((x) => x.logicalId === id);
  if (!r) throw new Error(`no ${id}`);
  return r;
};
type Obj = Record<string, any>;
const props = (r: ModelResource) => r.properties as Obj;

const production = compile('production');
const staging = compile('staging');
const prodResources = buildAll(production);
const stagingResources = buildAll(staging);

describe.each([
  ['production', production, prodResources],
  ['staging', staging, stagingResources],
] as const)('%s', (_env, spec, resources) => {
  it('gives every resource a unique, valid logical ID', () => {
    const ids = resources.map((r) => r.logicalId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{1,255}$/);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildAll(spec))).toBe(JSON.stringify(resources));
  });

  it('never makes a database public and snapshots it on delete and replace', () => {
    const dbs = ofType(resources, 'AWS::RDS::DBInstance');
    expect(dbs.length).toBeGreaterThan(0);
    for (const db of dbs) expect(props(db).PubliclyAccessible).toBe(false);
    const primary = byId(resources, 'PostgresDatabase');
    expect(primary.deletionPolicy).toBe('Snapshot');
    expect(primary.updateReplacePolicy).toBe('Snapshot');
    // RDS manages and rotates the master password; no password in the template or in a dex secret.
    expect(props(primary)).toMatchObject({ ManageMasterUserPassword: true, MasterUsername: 'dexadmin', MasterUserSecret: { KmsKeyId: { 'Fn::GetAtt': ['KmsKey', 'Arn'] } } });
    expect(props(primary).MasterUserPassword).toBeUndefined();
    for (const db of dbs) expect(props(db)).toMatchObject({ EnableIAMDatabaseAuthentication: true, MonitoringInterval: 60, MonitoringRoleArn: { 'Fn::GetAtt': ['DatabaseMonitoringRole', 'Arn'] } });
    expect(props(byId(resources, 'PostgresDatabaseParameterGroup')).Parameters).toEqual({ 'rds.force_ssl': '1' });
  });

  it('encrypts everything with the KMS key', () => {
    const kms = { 'Fn::GetAtt': ['KmsKey', 'Arn'] };
    for (const db of ofType(resources, 'AWS::RDS::DBInstance')) {
      expect(props(db).StorageEncrypted).toBe(true);
      expect(props(db).KmsKeyId).toEqual(kms);
    }
    for (const c of ofType(resources, 'AWS::ElastiCache::ReplicationGroup')) {
      expect(props(c)).toMatchObject({ AtRestEncryptionEnabled: true, TransitEncryptionEnabled: true, KmsKeyId: kms });
      // Redis 7.1 (the reference): IAM-authenticated users in a user group, no AUTH token.
      expect(props(c).AuthToken).toBeUndefined();
      expect(props(c).UserGroupIds).toEqual([{ Ref: 'RedisCacheUserGroup' }]);
    }
    const templates = ofType(resources, 'AWS::EC2::LaunchTemplate');
    expect(templates.length).toBe(4); // EKS default node group, monitoring-service, Prometheus, Grafana
    for (const lt of templates) {
      const devices = props(lt).LaunchTemplateData.BlockDeviceMappings as Obj[];
      expect(devices.length).toBeGreaterThan(0);
      for (const d of devices) expect(d.Ebs).toMatchObject({ Encrypted: true, VolumeType: 'gp3', KmsKeyId: kms });
    }
    const logGroups = ofType(resources, 'AWS::Logs::LogGroup');
    expect(logGroups.length).toBe(12); // 3 ECS services, 1 EC2 service, EKS control plane, 4 Container Insights, the database's postgresql and upgrade logs and its migration task's
    for (const lg of logGroups) {
      expect(props(lg).KmsKeyId).toEqual(kms);
      expect(props(lg).RetentionInDays).toBe(spec.monitoring.logs.retentionDays);
    }
    for (const repo of ofType(resources, 'AWS::ECR::Repository')) {
      expect(props(repo)).toMatchObject({ EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': ['BootstrapKey', 'Arn'] } }, ImageTagMutability: 'IMMUTABLE', ImageScanningConfiguration: { ScanOnPush: true } });
    }
    expect(props(byId(resources, 'AlarmTopic')).KmsMasterKeyId).toEqual(kms);
    expect(props(byId(resources, 'EksCluster')).EncryptionConfig).toEqual([{ Provider: { KeyArn: kms }, Resources: ['secrets'] }]);
    expect(props(byId(resources, 'PostgresBackupVault')).EncryptionKeyArn).toEqual(kms);
  });

  it('requires IMDSv2 on every launch template', () => {
    for (const lt of ofType(resources, 'AWS::EC2::LaunchTemplate')) {
      expect(props(lt).LaunchTemplateData.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpEndpoint: 'enabled' });
    }
  });

  it('runs ECS tasks in private subnets without public IPs, read-only, with rollback', () => {
    for (const svc of ofType(resources, 'AWS::ECS::Service')) {
      const p = props(svc);
      expect(p.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
      expect(p.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual([{ Ref: 'PrivateSubnetA' }, { Ref: 'PrivateSubnetB' }]);
      // Every deployment (rolling or ECS blue/green) rolls back with the circuit breaker.
      expect(p.DeploymentController).toEqual({ Type: 'ECS' });
      expect(p.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
      expect(p.LoadBalancers[0].TargetGroupArn).toEqual({ Ref: `${svc.logicalId.replace(/EcsService$/, '')}TargetGroup` });
    }
    for (const td of ofType(resources, 'AWS::ECS::TaskDefinition').filter((r) => !r.logicalId.endsWith('DatabaseMigrationTaskDefinition'))) {
      expect(props(td)).toMatchObject({ Cpu: '1024', Memory: '2048', NetworkMode: 'awsvpc', RequiresCompatibilities: ['FARGATE'] });
      const c = props(td).ContainerDefinitions[0];
      expect(c.ReadonlyRootFilesystem).toBe(true);
      // Exec form: the health URL is the last argv element, never shell text.
      expect(c.HealthCheck.Command[0]).toBe('CMD');
      expect(c.HealthCheck.Command.at(-1)).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+\/health$/);
    }
    const kyc = props(byId(resources, 'KycServiceTaskDefinition')).ContainerDefinitions[0];
    // The database by IAM authentication as the service's own user: no password, no master secret.
    expect(kyc.Secrets.map((s: Obj) => s.Name)).toEqual(['KYC_PROVIDER_API_KEY']);
    const env = Object.fromEntries(kyc.Environment.map((e: Obj) => [e.Name, e.Value]));
    expect(env).toMatchObject({ POSTGRES_DATABASE: 'postgres', POSTGRES_USERNAME: 'svc_kyc_service', POSTGRES_IAM_AUTH: 'true', POSTGRES_SSLMODE: 'verify-full', POSTGRES_PORT: '5433' });
    expect(env.POSTGRES_PASSWORD).toBeUndefined();
  });

  it('sets autoscaling bounds to the spec', () => {
    for (const s of Object.values(spec.services)) {
      if (s.placement === 'ecs') {
        const target = props(byId(resources, `${s.name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}ScalableTarget`));
        expect([target.MinCapacity, target.MaxCapacity]).toEqual([s.scaling.min, s.scaling.max]);
      }
    }
    const asg = props(byId(resources, 'MonitoringServiceAutoScalingGroup'));
    expect([asg.MinSize, asg.MaxSize]).toEqual(['1', '2']);
    expect(props(byId(resources, 'PrometheusServerAutoScalingGroup'))).toMatchObject({ MinSize: '1', MaxSize: '1' });
    const ng = props(byId(resources, 'EksNodeGroupDefault'));
    expect(ng.ScalingConfig).toEqual({ MinSize: 2, MaxSize: 10, DesiredSize: 2 });
    if (_env === 'staging') expect(props(byId(resources, 'KycServiceScalableTarget')).MinCapacity).toBe(1);
  });

  it('puts usage meters on every billable resource', () => {
    const billable = [
      'AWS::ECS::Service',
      'AWS::EKS::Cluster',
      'AWS::EKS::Nodegroup',
      'AWS::AutoScaling::AutoScalingGroup',
      'AWS::RDS::DBInstance',
      'AWS::ElastiCache::ReplicationGroup',
      'AWS::Logs::LogGroup',
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Dashboard',
      'AWS::ECR::Repository',
      'AWS::Backup::BackupPlan',
      'AWS::XRay::SamplingRule',
    ];
    for (const r of resources.filter((x) => billable.includes(x.type))) {
      expect(r.usage.length, r.logicalId).toBeGreaterThan(0);
      for (const u of r.usage) {
        expect(u.quantity.min).toBeLessThanOrEqual(u.quantity.max);
        expect(u.basis.length).toBeGreaterThan(0);
      }
    }
    const meters = (id: string) => Object.fromEntries(byId(resources, id).usage.map((u) => [u.meter, u]));
    expect(meters('KycServiceEcsService')['fargate.vcpu']!.quantity).toEqual({ min: 730 * spec.services['kyc-service']!.scaling.min, max: 730 * 8 });
    expect(meters('EksNodeGroupDefault')['ec2.instance']!.quantity).toEqual({ min: 1460, max: 7300 });
    expect(meters('EksCluster')['eks.cluster']!.attributes).toEqual({ version: '1.31', supportType: 'extended' });
    expect(meters('PostgresDatabase')['rds.instance']!.attributes.deployment).toBe(_env === 'production' ? 'Multi-AZ' : 'Single-AZ');
    expect(meters('KycServiceLogGroup')['logs.ingest']!.quantity.min).toBeCloseTo(50 / 4);
    expect(meters('ChartApiServiceRepository')['ecr.storage']!.basis).toBe('usage.ecrStorageGiB not set');
    const errorAlarm = byId(resources, 'HighErrorRateKycServiceAlarm');
    expect(errorAlarm.usage[0]!.quantity).toEqual({ min: 2, max: 2 });
  });

  it('validates against the CloudFormation resource schemas', async () => {
    const validator = 'test/support/cfn-validate.ts';
    if (!existsSync(validator)) return;
    const { validateTemplate } = (await import(`../support/cfn-validate.js`)) as { validateTemplate: (t: unknown) => unknown[] };
    const mine = new Set(resources.map((r) => r.logicalId));
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: Object.fromEntries(
        resources.map((r) => [
          r.logicalId,
          {
            Type: r.type,
            Properties: r.properties,
            ...(r.dependsOn ? { DependsOn: r.dependsOn } : {}),
            ...(r.deletionPolicy ? { DeletionPolicy: r.deletionPolicy } : {}),
            ...(r.updateReplacePolicy ? { UpdateReplacePolicy: r.updateReplacePolicy } : {}),
          },
        ]),
      ),
    };
    const problems = validateTemplate(template).map((p) => JSON.stringify(p));
    // References to resources of other blocks (subnets, security groups, secrets...) are not ours.
    const ours = problems.filter((p) => {
      const missing = /'([A-Za-z0-9]+)', which is (?:neither a parameter|not a resource of this template)/.exec(p);
      return !missing || mine.has(missing[1]!);
    });
    expect(ours).toEqual([]);
  });
});

describe('differences between environments', () => {
  it('deploys staging ECS services rolling and production ones blue/green, both ECS deployments with the circuit breaker', () => {
    for (const [resources, strategy] of [[stagingResources, 'ROLLING'], [prodResources, 'BLUE_GREEN']] as const) {
      for (const svc of ofType(resources, 'AWS::ECS::Service')) {
        expect(props(svc).DeploymentController, svc.logicalId).toEqual({ Type: 'ECS' });
        expect(props(svc).DeploymentConfiguration.DeploymentCircuitBreaker, svc.logicalId).toEqual({ Enable: true, Rollback: true });
        expect(props(svc).DeploymentConfiguration.Strategy, svc.logicalId).toBe(strategy);
      }
    }
  });

  it('is Multi-AZ in production and single-AZ in staging', () => {
    expect(props(byId(prodResources, 'PostgresDatabase')).MultiAZ).toBe(true);
    expect(props(byId(stagingResources, 'PostgresDatabase')).MultiAZ).toBe(false);
  });
});

describe('stable logical IDs', () => {
  it('adding a service on each platform changes no existing ID', () => {
    const services = { ...production.services };
    for (const placement of ['ecs', 'eks', 'ec2'] as const) {
      const base = Object.values(production.services).find((s) => s.placement === placement)!;
      services[`zz-${placement}-extra`] = { ...base, name: `zz-${placement}-extra`, placement };
      services[`aa-${placement}-extra`] = { ...base, name: `aa-${placement}-extra`, placement };
    }
    const grown = buildAll({ ...production, services });
    const before = prodResources.map((r) => r.logicalId);
    const after = new Set(grown.map((r) => r.logicalId));
    for (const id of before) expect(after.has(id), id).toBe(true);
    expect(after.size).toBeGreaterThan(before.length);
  });
});

describe('EKS support type', () => {
  it('comes from the injected clock', () => {
    expect(eksSupportType('1.31', new Date('2025-11-25T00:00:00Z'))).toBe('standard');
    expect(eksSupportType('1.31', new Date('2025-11-26T00:00:00Z'))).toBe('extended');
    const early = eks.build(production, { today: () => new Date('2025-01-01T00:00:00Z') });
    expect(byId(early, 'EksCluster').usage[0]!.attributes.supportType).toBe('standard');
  });
});

describe('ElastiCache layout', () => {
  it('scales shards of nodes.min nodes up to nodes.max where auto scaling is supported', () => {
    const cache = { ...production.caches.redis!, nodeType: 'cache.r6g.large' as const, nodes: { min: 2, max: 6 }, clusterMode: true };
    expect(cacheLayout(cache)).toMatchObject({ nodesPerShard: 2, replicas: 1, minShards: 1, maxShards: 3, autoscaling: true });
    const rs = elasticache.build({ ...production, caches: { redis: cache } }, AT_NOW);
    expect(props(byId(rs, 'RedisCacheScalableTarget'))).toMatchObject({ MinCapacity: 1, MaxCapacity: 3 });
    expect(props(byId(rs, 'RedisCache'))).toMatchObject({ MultiAZEnabled: true, AutomaticFailoverEnabled: true, NumNodeGroups: 1, ReplicasPerNodeGroup: 1 });
  });

  it('emits no auto scaling for burstable nodes and says so in the usage basis', () => {
    const rs = elasticache.build(production, AT_NOW);
    expect(rs.some((r) => r.type.startsWith('AWS::ApplicationAutoScaling'))).toBe(false);
    const meter = byId(rs, 'RedisCache').usage[0]!;
    expect(meter.quantity).toEqual({ min: 730, max: 730 });
    expect(meter.basis).toContain('does not support cache.t3.micro');
  });
});
