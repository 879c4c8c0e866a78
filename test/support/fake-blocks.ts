// Small stand-in building blocks for the model, stack and emit tests: the shapes real blocks
// produce (per-service resources, shared ones, references across layers, Fn::Sub, DependsOn),
// at roughly the real count per service, without depending on the real blocks' details.
import { getAtt, ID, pascal, ref, resource, sub, tagList } from '../../compiler/model/ids.js';
import type { BuildingBlock, ModelResource } from '../../compiler/model/types.js';
import type { NormalizedSpec } from '../../spec/model.js';

const svcComponent = (name: string): string => `service/${name}`;

export const fakeNetwork: BuildingBlock = {
  name: 'fake-network',
  build(spec) {
    const out: ModelResource[] = [
      resource({ logicalId: ID.vpc, type: 'AWS::EC2::VPC', layer: 'network', component: 'network', origin: ['network'], properties: { CidrBlock: spec.network.cidr, Tags: tagList(spec, 'network') } }),
    ];
    for (let z = 0; z < spec.network.availabilityZones; z++) {
      for (const tier of ['public', 'private', 'database'] as const) {
        out.push(
          resource({
            logicalId: ID.subnet(tier, z),
            type: 'AWS::EC2::Subnet',
            layer: 'network',
            component: 'network',
            origin: ['network', 'subnets', tier, z],
            properties: { VpcId: ref(ID.vpc), CidrBlock: spec.network.subnets[tier][z] ?? '10.0.0.0/24', AvailabilityZone: { 'Fn::Select': [z, { 'Fn::GetAZs': '' }] } },
          }),
        );
      }
    }
    return out;
  },
};

export const fakeSecurity: BuildingBlock = {
  name: 'fake-security',
  build(spec) {
    const out: ModelResource[] = [
      resource({ logicalId: ID.kmsKey, type: 'AWS::KMS::Key', layer: 'security', component: 'security', origin: [], deletionPolicy: 'Retain', updateReplacePolicy: 'Retain', properties: { EnableKeyRotation: true } }),
    ];
    for (const [name, svc] of Object.entries(spec.services)) {
      out.push(
        resource({
          logicalId: ID.serviceSecurityGroup(name),
          type: 'AWS::EC2::SecurityGroup',
          layer: 'security',
          component: svcComponent(name),
          origin: ['services', name],
          properties: { GroupDescription: `${name} tasks`, VpcId: ref(ID.vpc), Tags: tagList(spec, svcComponent(name)) },
        }),
        resource({
          logicalId: ID.serviceRole(name),
          type: 'AWS::IAM::Role',
          layer: 'security',
          component: svcComponent(name),
          origin: ['services', name],
          properties: {
            AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
            Policies: [{ PolicyName: 'kms', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: getAtt(ID.kmsKey, 'Arn') }] } }],
          },
        }),
      );
      for (const secret of svc.secrets) {
        out.push(
          resource({
            logicalId: ID.serviceSecret(name, secret),
            type: 'AWS::SecretsManager::Secret',
            layer: 'security',
            component: svcComponent(name),
            origin: ['services', name, 'secrets'],
            properties: { Name: sub(`\${AWS::StackName}/${name}/${secret}`), KmsKeyId: ref(ID.kmsKey) },
          }),
        );
      }
      for (const used of svc.uses) {
        if (!spec.services[used]) continue;
        // A rule of this service that names another service's group: a reference across components.
        out.push(
          resource({
            logicalId: `${pascal(used)}From${pascal(name)}Ingress`,
            type: 'AWS::EC2::SecurityGroupIngress',
            layer: 'security',
            component: svcComponent(name),
            origin: ['services', name, 'uses'],
            properties: { GroupId: getAtt(ID.serviceSecurityGroup(used), 'GroupId'), SourceSecurityGroupId: getAtt(ID.serviceSecurityGroup(name), 'GroupId'), IpProtocol: 'tcp', FromPort: spec.services[used]!.port ?? 80, ToPort: spec.services[used]!.port ?? 80 },
          }),
        );
      }
    }
    return out;
  },
};

export const fakeData: BuildingBlock = {
  name: 'fake-data',
  build(spec) {
    const out: ModelResource[] = [];
    for (const db of Object.values(spec.databases)) {
      out.push(
        resource({
          logicalId: ID.database(db.name),
          type: 'AWS::RDS::DBInstance',
          layer: 'data',
          component: `database/${db.name}`,
          origin: ['databases', db.name],
          deletionPolicy: 'Snapshot',
          updateReplacePolicy: 'Snapshot',
          properties: { Engine: db.engine, DBInstanceClass: db.instanceClass, AllocatedStorage: String(db.storageGiB), KmsKeyId: ref(ID.kmsKey), MultiAZ: db.multiAz },
          usage: [{ meter: 'rds.instance', unit: 'hours', quantity: { min: 730, max: 730 }, attributes: { instanceType: db.instanceClass, engine: db.engine }, basis: '730 hours' }],
        }),
      );
    }
    for (const cache of Object.values(spec.caches)) {
      out.push(
        resource({
          logicalId: ID.cache(cache.name),
          type: 'AWS::ElastiCache::ReplicationGroup',
          layer: 'data',
          component: `cache/${cache.name}`,
          origin: ['caches', cache.name],
          properties: { ReplicationGroupDescription: cache.name, CacheNodeType: cache.nodeType, KmsKeyId: getAtt(ID.kmsKey, 'Arn') },
        }),
      );
    }
    return out;
  },
};

export const fakeIngress: BuildingBlock = {
  name: 'fake-ingress',
  build(spec) {
    const publicServices = Object.values(spec.services).filter((s) => s.expose.public);
    if (spec.ingress.loadBalancer === 'none') return [];
    const out: ModelResource[] = [
      resource({ logicalId: ID.loadBalancer, type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', layer: 'ingress', component: 'ingress', origin: ['ingress'], properties: { Subnets: [ref(ID.subnet('public', 0)), ref(ID.subnet('public', 1))] } }),
      resource({ logicalId: ID.httpsListener, type: 'AWS::ElasticLoadBalancingV2::Listener', layer: 'ingress', component: 'ingress', origin: ['ingress'], properties: { LoadBalancerArn: ref(ID.loadBalancer), Port: 443, Protocol: 'HTTPS' } }),
    ];
    for (const svc of publicServices) {
      out.push(
        resource({ logicalId: ID.targetGroup(svc.name), type: 'AWS::ElasticLoadBalancingV2::TargetGroup', layer: 'ingress', component: svcComponent(svc.name), origin: ['services', svc.name, 'expose'], properties: { VpcId: ref(ID.vpc), Port: svc.port ?? 80, HealthCheckPath: svc.health.path } }),
        resource({
          logicalId: ID.listenerRule(svc.name),
          type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
          layer: 'ingress',
          component: svcComponent(svc.name),
          origin: ['services', svc.name, 'expose'],
          properties: { ListenerArn: ref(ID.httpsListener), Actions: [{ Type: 'forward', TargetGroupArn: ref(ID.targetGroup(svc.name)) }], Conditions: [{ Field: 'path-pattern', Values: [`${svc.expose.path ?? '/'}*`] }] },
        }),
      );
    }
    return out;
  },
};

export const fakeCompute: BuildingBlock = {
  name: 'fake-compute',
  build(spec) {
    const out: ModelResource[] = [];
    const services = Object.values(spec.services);
    if (services.some((s) => s.placement === 'ecs')) {
      out.push(resource({ logicalId: ID.ecsCluster, type: 'AWS::ECS::Cluster', layer: 'ecs', component: 'ecs', origin: ['platforms', 'ecs'], properties: { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] } }));
    }
    if (services.some((s) => s.placement === 'eks')) {
      out.push(resource({ logicalId: ID.eksCluster, type: 'AWS::EKS::Cluster', layer: 'eks', component: 'eks', origin: ['platforms', 'eks'], properties: { ResourcesVpcConfig: { SubnetIds: [ref(ID.subnet('private', 0)), ref(ID.subnet('private', 1))] } } }));
    }
    for (const svc of services) {
      const P = pascal(svc.name);
      const c = svcComponent(svc.name);
      const origin = ['services', svc.name];
      const layer = svc.placement;
      const env: CfnEnv[] = svc.uses.filter((u) => spec.databases[u]).map((u) => ({ Name: `${u.toUpperCase().replace(/-/g, '_')}_HOST`, Value: sub(`\${${ID.database(u)}.Endpoint.Address}`) }));
      out.push(resource({ logicalId: ID.serviceLogGroup(svc.name), type: 'AWS::Logs::LogGroup', layer, component: c, origin, properties: { RetentionInDays: spec.monitoring.logs.retentionDays, KmsKeyId: getAtt(ID.kmsKey, 'Arn') } }));
      if (svc.placement === 'ecs') {
        out.push(
          resource({
            logicalId: `${P}TaskDefinition`,
            type: 'AWS::ECS::TaskDefinition',
            layer,
            component: c,
            origin,
            properties: {
              Cpu: String(svc.resources.cpu * 1024),
              Memory: String(svc.resources.memoryMiB),
              TaskRoleArn: getAtt(ID.serviceRole(svc.name), 'Arn'),
              ContainerDefinitions: [{ Name: svc.name, Image: sub(`\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.amazonaws.com/${svc.name}:latest`), Environment: env, LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': ref(ID.serviceLogGroup(svc.name)) } } }],
            },
          }),
          resource({
            logicalId: `${P}Service`,
            type: 'AWS::ECS::Service',
            layer,
            component: c,
            origin,
            dependsOn: svc.expose.public ? [ID.listenerRule(svc.name)] : [],
            properties: {
              Cluster: ref(ID.ecsCluster),
              TaskDefinition: ref(`${P}TaskDefinition`),
              DesiredCount: svc.scaling.min,
              NetworkConfiguration: { AwsvpcConfiguration: { SecurityGroups: [getAtt(ID.serviceSecurityGroup(svc.name), 'GroupId')], Subnets: [ref(ID.subnet('private', 0))] } },
              ...(svc.expose.public ? { LoadBalancers: [{ ContainerName: svc.name, ContainerPort: svc.port ?? 80, TargetGroupArn: ref(ID.targetGroup(svc.name)) }] } : {}),
            },
            usage: [{ meter: 'fargate.vcpu', unit: 'hours', quantity: { min: 730 * svc.scaling.min * svc.resources.cpu, max: 730 * svc.scaling.max * svc.resources.cpu }, attributes: { capacity: spec.platforms.ecs.capacity }, basis: 'tasks × vCPU × 730 h' }],
          }),
          resource({ logicalId: `${P}ScalableTarget`, type: 'AWS::ApplicationAutoScaling::ScalableTarget', layer, component: c, origin, properties: { MinCapacity: svc.scaling.min, MaxCapacity: svc.scaling.max, ResourceId: sub(`service/\${${ID.ecsCluster}}/\${${P}Service.Name}`), ScalableDimension: 'ecs:service:DesiredCount', ServiceNamespace: 'ecs' } }),
          resource({ logicalId: `${P}ScalingPolicy`, type: 'AWS::ApplicationAutoScaling::ScalingPolicy', layer, component: c, origin, properties: { PolicyName: `${svc.name}-cpu`, PolicyType: 'TargetTrackingScaling', ScalingTargetId: ref(`${P}ScalableTarget`), TargetTrackingScalingPolicyConfiguration: { TargetValue: svc.scaling.targetCpuPercent, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } } } }),
        );
      } else if (svc.placement === 'eks') {
        out.push(resource({ logicalId: `${P}PodIdentity`, type: 'AWS::EKS::PodIdentityAssociation', layer, component: c, origin, properties: { ClusterName: ref(ID.eksCluster), Namespace: spec.name, ServiceAccount: svc.name, RoleArn: getAtt(ID.serviceRole(svc.name), 'Arn') } }));
      } else {
        out.push(
          resource({ logicalId: `${P}LaunchTemplate`, type: 'AWS::EC2::LaunchTemplate', layer, component: c, origin, properties: { LaunchTemplateData: { InstanceType: svc.instanceType ?? 't3.small', SecurityGroupIds: [getAtt(ID.serviceSecurityGroup(svc.name), 'GroupId')], UserData: { 'Fn::Base64': sub(`#!/bin/bash\necho ${svc.name} \${AWS::Region}\n`) } } } }),
          resource({ logicalId: `${P}AutoScalingGroup`, type: 'AWS::AutoScaling::AutoScalingGroup', layer, component: c, origin, properties: { MinSize: String(svc.scaling.min), MaxSize: String(svc.scaling.max), LaunchTemplate: { LaunchTemplateId: ref(`${P}LaunchTemplate`), Version: getAtt(`${P}LaunchTemplate`, 'LatestVersionNumber') }, VPCZoneIdentifier: [ref(ID.subnet('private', 0))] } }),
        );
      }
    }
    return out;
  },
};

type CfnEnv = { Name: string; Value: ReturnType<typeof sub> };

export const fakeMonitoring: BuildingBlock = {
  name: 'fake-monitoring',
  build(spec) {
    const out: ModelResource[] = [resource({ logicalId: ID.alarmTopic, type: 'AWS::SNS::Topic', layer: 'monitoring', component: 'monitoring', origin: ['monitoring'], properties: { KmsMasterKeyId: ref(ID.kmsKey) } })];
    for (const svc of Object.values(spec.services)) {
      out.push(
        resource({
          logicalId: `${pascal(svc.name)}HighCpuAlarm`,
          type: 'AWS::CloudWatch::Alarm',
          layer: 'monitoring',
          component: svcComponent(svc.name),
          origin: ['monitoring', 'alerts'],
          properties: { AlarmActions: [ref(ID.alarmTopic)], Threshold: 80, MetricName: 'CPUUtilization', Namespace: 'AWS/ECS', EvaluationPeriods: 5, ComparisonOperator: 'GreaterThanThreshold', Period: 60, Statistic: 'Average', AlarmDescription: sub(`CPU of ${svc.name} in \${${ID.serviceLogGroup(svc.name)}}`) },
        }),
      );
    }
    return out;
  },
};

/** The whole fake set, in an order different from the layer order (the model must not care). */
export const FAKE_BLOCKS: readonly BuildingBlock[] = [fakeMonitoring, fakeCompute, fakeNetwork, fakeSecurity, fakeData, fakeIngress];

/** A block returning fixed resources, for the error cases. */
export function fixedBlock(name: string, resources: ModelResource[]): BuildingBlock {
  return { name, build: (_spec: NormalizedSpec) => resources };
}
