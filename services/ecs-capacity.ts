// ECS capacity: which capacity providers an ECS service's tasks run on, and the cluster's EC2
// container instances (platforms.ecs.containerInstances).
//
// A service without `capacity` keeps the cluster's default strategy (platforms.ecs.capacity:
// FARGATE or FARGATE_SPOT, weight 1), so specs that never say `capacity` emit what they always
// did. A service with it gets its own strategy: ECS places the first `base` tasks on the provider
// that has one, then splits the rest by weight. ECS refuses a strategy that mixes Fargate and an
// Auto Scaling group provider, so a service is on Fargate (On-Demand and Spot) or on the
// container instances, never both (compiler/checks/capacity.ts, DEX844).
//
// The container instances are one Auto Scaling group of ECS-optimized instances in the private
// subnets behind one capacity provider. The provider's managed scaling sizes the group to the
// tasks placed on it (the group has no scaling policy of its own and no desired count), and its
// managed termination protection keeps scale-in from terminating an instance that still runs
// tasks (the group protects new instances from scale-in; ECS lifts it from empty ones). Managed
// draining moves tasks off an instance before the group replaces it. When the cluster has the
// provider, its providers and default strategy move to an AWS::ECS::ClusterCapacityProviderAssociations
// (a cluster's CapacityProviders and an association resource must not both set them), which the
// services depend on: deletion then removes the services, the association and the provider
// before the group, and the group (whose user data names the cluster by Ref) before the cluster,
// which refuses to be deleted while instances are registered.
import { ID, getAtt, namePrefix, ref, resource, sub, subnetRefs, tagList } from '../compiler/model/ids.js';
import { envFileLine, shellQuote } from '../compiler/model/quote.js';
import { HOURS_PER_MONTH, type CfnValue, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import type { NormalizedCapacity, NormalizedContainerInstances, NormalizedService, NormalizedSpec } from '../spec/model.js';
import { isArmInstance } from './eks.js';
import { instanceShape } from '../compiler/model/instance-types.js';

/** Logical IDs of the container instances' resources: dex's own (DEX325 keeps services off them). */
export const ECS_INSTANCES_ID = {
  launchTemplate: 'EcsInstanceLaunchTemplate',
  group: 'EcsInstanceAutoScalingGroup',
  capacityProvider: 'EcsInstanceCapacityProvider',
  role: 'EcsInstanceRole',
  instanceProfile: 'EcsInstanceInstanceProfile',
  securityGroup: 'EcsInstanceSecurityGroup',
  associations: 'EcsClusterCapacityProviders',
} as const;

/** The cluster's default strategy: every service without `capacity` runs on it. */
export function defaultCapacityStrategy(spec: NormalizedSpec): { CapacityProvider: string; Weight: number }[] {
  return [{ CapacityProvider: spec.platforms.ecs.capacity === 'fargate-spot' ? 'FARGATE_SPOT' : 'FARGATE', Weight: 1 }];
}

/** True when the environment has an ECS cluster: some service is placed on ECS. */
export const ecsClusterExists = (spec: NormalizedSpec): boolean => Object.values(spec.services).some((s) => s.placement === 'ecs');

/** The container instances, when the spec has them and the cluster exists to register them. */
export function containerInstances(spec: NormalizedSpec): NormalizedContainerInstances | undefined {
  return ecsClusterExists(spec) ? spec.platforms.ecs.containerInstances : undefined;
}

/** True when the service's tasks run on the container instances (`capacity.ec2`). */
export const onContainerInstances = (s: NormalizedService): boolean => s.capacity?.ec2 !== undefined;

/** The service's capacity provider strategy: its own, or the cluster's default. */
export function serviceCapacityStrategy(spec: NormalizedSpec, s: NormalizedService): CfnValue[] {
  const c = s.capacity;
  if (c === undefined) return defaultCapacityStrategy(spec);
  const out: CfnValue[] = [];
  const entry = (provider: CfnValue, share: { base?: number; weight: number }): Record<string, CfnValue> => ({ CapacityProvider: provider, ...(share.base ? { Base: share.base } : {}), Weight: share.weight });
  if (c.fargate) out.push(entry('FARGATE', c.fargate));
  if (c.spot) out.push(entry('FARGATE_SPOT', c.spot));
  if (c.ec2) out.push(entry(ref(ECS_INSTANCES_ID.capacityProvider), c.ec2));
  return out;
}

/**
 * How many of `tasks` run On-Demand and how many on Fargate Spot under a capacity mix: the
 * fargate base first, the rest by weight (fractions: ECS places whole tasks, the average follows
 * the weights). The cluster-wide setting puts them all on one side.
 */
export function fargateSplit(spec: NormalizedSpec, c: NormalizedCapacity | undefined, tasks: number): { onDemand: number; spot: number } {
  if (c === undefined) return spec.platforms.ecs.capacity === 'fargate-spot' ? { onDemand: 0, spot: tasks } : { onDemand: tasks, spot: 0 };
  const base = Math.min(tasks, c.fargate?.base ?? 0);
  const wOnDemand = c.fargate?.weight ?? 0;
  const wSpot = c.spot?.weight ?? 0;
  const rest = tasks - base;
  const total = wOnDemand + wSpot;
  // No weight above 0 is DEX842: the rest has nowhere to go, and nothing is priced for it.
  if (total === 0) return { onDemand: base, spot: 0 };
  return { onDemand: base + (rest * wOnDemand) / total, spot: (rest * wSpot) / total };
}

/** Words for a capacity mix in a meter's basis. */
export function capacityWords(c: NormalizedCapacity): string {
  const parts: string[] = [];
  if (c.fargate) parts.push(`FARGATE base ${c.fargate.base} weight ${c.fargate.weight}`);
  if (c.spot) parts.push(`FARGATE_SPOT weight ${c.spot.weight}`);
  if (c.ec2) parts.push(`EC2 base ${c.ec2.base} weight ${c.ec2.weight}`);
  return parts.join(' + ');
}

const AMI_PARAMETERS = {
  al2023: (arm: boolean): string => `/aws/service/ecs/optimized-ami/amazon-linux-2023/${arm ? 'arm64/' : ''}recommended/image_id`,
  bottlerocket: (arm: boolean): string => `/aws/service/bottlerocket/aws-ecs-2/${arm ? 'arm64' : 'x86_64'}/latest/image_id`,
} as const;

/** The OS volume of a Bottlerocket instance; images and containers are on the data volume (diskGiB). */
const BOTTLEROCKET_OS_GIB = 4;

/** The architecture of the container instances: the first type's (DEX846 keeps them all alike). */
export const containerInstanceArchitecture = (ci: NormalizedContainerInstances): 'arm64' | 'x86_64' => instanceShape(ci.instanceTypes[0]!)?.architecture ?? (isArmInstance(ci.instanceTypes[0]!) ? 'arm64' : 'x86_64');

function volumes(ci: NormalizedContainerInstances): { device: string; gib: number; what: string }[] {
  return ci.amiFamily === 'bottlerocket'
    ? [
        { device: '/dev/xvda', gib: BOTTLEROCKET_OS_GIB, what: 'OS' },
        { device: '/dev/xvdb', gib: ci.diskGiB, what: 'data' },
      ]
    : [{ device: '/dev/xvda', gib: ci.diskGiB, what: 'root' }];
}

/**
 * The agent's settings. Tasks in awsvpc mode cannot reach the instance metadata service (and so
 * the instance role): ECS_AWSVPC_BLOCK_IMDS; they use their own task role. The cluster's name is
 * a Ref (the dependency orders deletion), spliced into a constant script: CloudFormation gives
 * it as dex named it, lowercase letters, digits and hyphens.
 */
function userData(ci: NormalizedContainerInstances): CfnValue {
  if (ci.amiFamily === 'bottlerocket') {
    // Bottlerocket's user data is TOML settings: constants around the cluster's name.
    return { 'Fn::Base64': { 'Fn::Join': ['', ['[settings.ecs]\ncluster = "', ref(ID.ecsCluster), '"\nawsvpc-block-imds = true\nenable-spot-instance-draining = true\n']] } };
  }
  return {
    'Fn::Base64': {
      'Fn::Join': [
        '',
        [
          "#!/bin/bash\nset -euo pipefail\necho 'ECS_CLUSTER=",
          ref(ID.ecsCluster),
          `' >> /etc/ecs/ecs.config\n`,
          ...[envFileLine('ECS_AWSVPC_BLOCK_IMDS', 'true'), envFileLine('ECS_ENABLE_SPOT_INSTANCE_DRAINING', 'true'), envFileLine('ECS_ENABLE_TASK_IAM_ROLE', 'true')].map((line) => `echo ${shellQuote(line)} >> /etc/ecs/ecs.config\n`),
        ],
      ],
    },
  };
}

/** EC2 instance hours of the group (the first instance type) and its volumes. */
function instanceMeters(ci: NormalizedContainerInstances): UsageMeter[] {
  const type = ci.instanceTypes[0]!;
  const several = ci.instanceTypes.length > 1;
  const disks = volumes(ci);
  const perInstance = disks.reduce((n, v) => n + v.gib, 0);
  return [
    {
      meter: 'ec2.instance',
      unit: 'hours',
      quantity: { min: ci.min * HOURS_PER_MONTH, max: ci.max * HOURS_PER_MONTH },
      attributes: { instanceType: type, os: 'Linux', ...(ci.spot ? { purchaseOption: 'Spot' } : {}) },
      basis: `ECS container instances: ${ci.min}..${ci.max} ${type} × ${HOURS_PER_MONTH} h${ci.spot ? ' (Spot)' : ''}${several ? `, priced as ${type}, the first of ${ci.instanceTypes.join(', ')}` : ''}; the tasks on them add no Fargate charge`,
    },
    {
      meter: 'ebs.storage',
      unit: 'GB-month',
      quantity: { min: ci.min * perInstance, max: ci.max * perInstance },
      attributes: { volumeType: 'gp3' },
      basis: `${disks.map((v) => `${v.gib} GiB ${v.what}`).join(' + ')} gp3 × ${ci.min}..${ci.max} container instances`,
    },
  ];
}

/**
 * What the ECS agent needs, and nothing it does not: AWS's AmazonEC2ContainerServiceforEC2Role
 * narrowed to this cluster and its container instances. No ECR or CloudWatch Logs actions: in
 * awsvpc mode each task's execution role pulls its image and writes its logs. No ecs:CreateCluster:
 * dex makes the cluster.
 */
export function containerInstanceStatements(spec: NormalizedSpec): Record<string, CfnValue>[] {
  const cluster = namePrefix(spec);
  return [
    {
      Sid: 'RegisterInCluster',
      Effect: 'Allow',
      Action: ['ecs:DeregisterContainerInstance', 'ecs:RegisterContainerInstance', 'ecs:SubmitAttachmentStateChanges', 'ecs:SubmitContainerStateChange', 'ecs:SubmitTaskStateChange'],
      Resource: sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/${cluster}`),
    },
    {
      Sid: 'RunAsContainerInstance',
      Effect: 'Allow',
      Action: ['ecs:Poll', 'ecs:StartTelemetrySession', 'ecs:UpdateContainerInstancesState'],
      Resource: sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:container-instance/${cluster}/*`),
    },
    { Sid: 'DiscoverEcsEndpoint', Effect: 'Allow', Action: ['ecs:DiscoverPollEndpoint'], Resource: '*' },
  ];
}

/** The container instances' role, instance profile, launch template, group and capacity provider. */
export function containerInstanceResources(spec: NormalizedSpec): ModelResource[] {
  const ci = containerInstances(spec);
  if (ci === undefined) return [];
  const component = 'platform/ecs/instances';
  const origin = ['platforms', 'ecs', 'containerInstances'];
  const tags = tagList(spec, component);
  const arm = containerInstanceArchitecture(ci) === 'arm64';
  const id = ECS_INSTANCES_ID;
  return [
    resource({
      logicalId: id.role,
      type: 'AWS::IAM::Role',
      layer: 'security',
      origin,
      component,
      properties: {
        Description: `Instance role of ${namePrefix(spec)}'s ECS container instances (the ECS agent; tasks use their own roles)`,
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore')],
        Policies: [{ PolicyName: 'ecs-agent', PolicyDocument: { Version: '2012-10-17', Statement: containerInstanceStatements(spec) } }],
        Tags: tags,
      },
    }),
    resource({ logicalId: id.instanceProfile, type: 'AWS::IAM::InstanceProfile', layer: 'security', origin, component, properties: { Roles: [ref(id.role)] } }),
    resource({
      logicalId: id.launchTemplate,
      type: 'AWS::EC2::LaunchTemplate',
      layer: 'ecs',
      origin,
      component,
      properties: {
        LaunchTemplateData: {
          ImageId: `{{resolve:ssm:${AMI_PARAMETERS[ci.amiFamily](arm)}}}`,
          IamInstanceProfile: { Arn: getAtt(id.instanceProfile, 'Arn') },
          SecurityGroupIds: [ref(id.securityGroup)],
          // IMDSv2 only, hop limit 1: the agent runs on the host network; tasks (awsvpc) are blocked from it.
          MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
          BlockDeviceMappings: volumes(ci).map((v) => ({
            DeviceName: v.device,
            Ebs: { VolumeSize: v.gib, VolumeType: 'gp3', Encrypted: true, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), DeleteOnTermination: true },
          })),
          UserData: userData(ci),
          TagSpecifications: [
            { ResourceType: 'instance', Tags: tags },
            { ResourceType: 'volume', Tags: tags },
          ],
        },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: tags }],
      },
    }),
    resource({
      logicalId: id.group,
      type: 'AWS::AutoScaling::AutoScalingGroup',
      layer: 'ecs',
      origin,
      component,
      properties: {
        MinSize: String(ci.min),
        MaxSize: String(ci.max),
        VPCZoneIdentifier: subnetRefs(spec, 'private'),
        MixedInstancesPolicy: {
          LaunchTemplate: {
            LaunchTemplateSpecification: { LaunchTemplateId: ref(id.launchTemplate), Version: getAtt(id.launchTemplate, 'LatestVersionNumber') },
            Overrides: ci.instanceTypes.map((t) => ({ InstanceType: t })),
          },
          InstancesDistribution: ci.spot
            ? { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0, SpotAllocationStrategy: 'price-capacity-optimized' }
            : { OnDemandAllocationStrategy: 'prioritized', OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 100 },
        },
        // Managed termination protection needs it: ECS lifts the protection from instances it has emptied.
        NewInstancesProtectedFromScaleIn: true,
        HealthCheckType: 'EC2',
        HealthCheckGracePeriod: 300,
        ...(ci.spot ? { CapacityRebalance: true } : {}),
        MetricsCollection: [{ Granularity: '1Minute' }],
        // The capacity provider manages the group: ECS looks for this tag, and adds it if missing.
        Tags: [...tags.map((t) => ({ ...t, PropagateAtLaunch: false })), { Key: 'AmazonECSManaged', Value: 'true', PropagateAtLaunch: true }],
      },
      usage: instanceMeters(ci),
    }),
    resource({
      logicalId: id.capacityProvider,
      type: 'AWS::ECS::CapacityProvider',
      layer: 'ecs',
      origin,
      component,
      properties: {
        AutoScalingGroupProvider: {
          AutoScalingGroupArn: ref(id.group),
          ManagedScaling: { Status: 'ENABLED', TargetCapacity: ci.targetCapacityPercent, MinimumScalingStepSize: 1, MaximumScalingStepSize: 10, InstanceWarmupPeriod: 300 },
          ManagedTerminationProtection: 'ENABLED',
          ManagedDraining: 'ENABLED',
        },
        Tags: tags,
      },
    }),
    resource({
      logicalId: id.associations,
      type: 'AWS::ECS::ClusterCapacityProviderAssociations',
      layer: 'ecs',
      origin,
      component: 'platform/ecs',
      properties: {
        Cluster: ref(ID.ecsCluster),
        CapacityProviders: ['FARGATE', 'FARGATE_SPOT', ref(id.capacityProvider)],
        DefaultCapacityProviderStrategy: defaultCapacityStrategy(spec),
      },
    }),
  ];
}
