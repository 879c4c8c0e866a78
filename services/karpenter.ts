// Karpenter (platforms.eks.autoscaler: karpenter), the AWS side: the controller's IRSA role, the
// role and instance profile of the nodes it launches with their EC2_LINUX access entry, and the
// interruption queue that EventBridge feeds (Spot interruption warnings, rebalance
// recommendations, instance state changes, AWS Health scheduled changes, capacity reservation
// interruptions) so Karpenter drains a node before EC2 takes it. The controller's permissions are
// those of Karpenter's own CloudFormation (website/.../getting-started-with-karpenter/cloudformation.yaml
// at v1.14.1), scoped by the cluster's tags, without the instance-profile management statements:
// dex creates the instance profile, and the EC2NodeClass names it. The Helm install, NodePool and
// EC2NodeClass are emitted by emitters/karpenter.ts.
import { ID, fitName, getAtt, namePrefix, ref, resource, sub, tagList } from '../compiler/model/ids.js';
import { HOURS_PER_MONTH, type BuildingBlock, type CfnValue, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import { instanceShape } from '../compiler/model/instance-types.js';
import { karpenterReferenceType, karpenterServices, usesKarpenter } from '../compiler/model/karpenter.js';
import { podResources, type NormalizedSpec } from '../spec/model.js';
import { trustKubernetesServiceAccount } from './iam.js';

export const KARPENTER_CONTROLLER_ROLE = 'KarpenterControllerRole';
export const KARPENTER_NODE_ROLE = 'KarpenterNodeRole';
export const KARPENTER_INSTANCE_PROFILE = 'KarpenterNodeInstanceProfile';
export const KARPENTER_QUEUE = 'KarpenterInterruptionQueue';
export const KARPENTER_SERVICE_ACCOUNT = { namespace: 'kube-system', name: 'karpenter' } as const;
/** Root volume of a Karpenter node (the EC2NodeClass's block device), as the node groups' default. */
export const KARPENTER_NODE_DISK_GIB = 20;

export const karpenterInstanceProfileName = (spec: NormalizedSpec): string => fitName(`${namePrefix(spec)}-karpenter-node`, 128);
export const karpenterQueueName = (spec: NormalizedSpec): string => fitName(`${namePrefix(spec)}-karpenter`, 80);

/** The EventBridge rules of the interruption queue: [logical ID suffix, source, detail-type]. */
export const INTERRUPTION_EVENTS: readonly (readonly [string, string, string])[] = [
  ['ScheduledChange', 'aws.health', 'AWS Health Event'],
  ['SpotInterruption', 'aws.ec2', 'EC2 Spot Instance Interruption Warning'],
  ['Rebalance', 'aws.ec2', 'EC2 Instance Rebalance Recommendation'],
  ['InstanceStateChange', 'aws.ec2', 'EC2 Instance State-change Notification'],
  ['CapacityReservationInterruption', 'aws.ec2', 'EC2 Capacity Reservation Instance Interruption Warning'],
];

const arn = (rest: string): CfnValue => sub(`arn:\${AWS::Partition}:${rest}`);
const managed = (name: string): CfnValue => arn(`iam::aws:policy/${name}`);

/** Karpenter's documented controller policy, for this cluster (its name is in every tag condition). */
export function karpenterControllerStatements(spec: NormalizedSpec): CfnValue[] {
  const cluster = namePrefix(spec);
  const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${cluster}`]: 'owned' };
  const requestOwned = { [`aws:RequestTag/kubernetes.io/cluster/${cluster}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': cluster };
  const launched = ['fleet', 'instance', 'volume', 'network-interface', 'launch-template', 'spot-instances-request'].map((r) => arn(`ec2:\${AWS::Region}:*:${r}/*`));
  return [
    {
      Sid: 'AllowScopedEC2InstanceAccessActions',
      Effect: 'Allow',
      Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
      Resource: [arn('ec2:${AWS::Region}::image/*'), arn('ec2:${AWS::Region}::snapshot/*'), ...['security-group', 'subnet', 'capacity-reservation', 'placement-group'].map((r) => arn(`ec2:\${AWS::Region}:*:${r}/*`))],
    },
    {
      Sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      Effect: 'Allow',
      Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
      Resource: arn('ec2:${AWS::Region}:*:launch-template/*'),
      Condition: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    },
    {
      Sid: 'AllowScopedEC2InstanceActionsWithTags',
      Effect: 'Allow',
      Action: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      Resource: launched,
      Condition: { StringEquals: requestOwned, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
    },
    {
      Sid: 'AllowScopedResourceCreationTagging',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: launched,
      Condition: { StringEquals: { ...requestOwned, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] }, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
    },
    {
      Sid: 'AllowScopedResourceTagging',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: arn('ec2:${AWS::Region}:*:instance/*'),
      Condition: {
        StringEquals: owned,
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
        StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': cluster },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      },
    },
    {
      Sid: 'AllowScopedDeletion',
      Effect: 'Allow',
      Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      Resource: [arn('ec2:${AWS::Region}:*:instance/*'), arn('ec2:${AWS::Region}:*:launch-template/*')],
      Condition: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    },
    {
      Sid: 'AllowPassingInstanceRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: getAtt(KARPENTER_NODE_ROLE, 'Arn'),
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    },
    { Sid: 'AllowInstanceProfileReadActions', Effect: 'Allow', Action: 'iam:GetInstanceProfile', Resource: getAtt(KARPENTER_INSTANCE_PROFILE, 'Arn') },
    { Sid: 'AllowAPIServerEndpointDiscovery', Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: arn(`eks:\${AWS::Region}:\${AWS::AccountId}:cluster/${cluster}`) },
    { Sid: 'AllowInterruptionQueueActions', Effect: 'Allow', Action: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], Resource: getAtt(KARPENTER_QUEUE, 'Arn') },
    {
      Sid: 'AllowRegionalReadActions',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeCapacityReservations',
        'ec2:DescribeImages',
        'ec2:DescribeInstanceStatus',
        'ec2:DescribeInstanceTypeOfferings',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeInstances',
        'ec2:DescribeLaunchTemplates',
        'ec2:DescribePlacementGroups',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSpotPriceHistory',
        'ec2:DescribeSubnets',
      ],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
    },
    { Sid: 'AllowSSMReadActions', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: arn('ssm:${AWS::Region}::parameter/aws/service/*') },
    { Sid: 'AllowPricingReadActions', Effect: 'Allow', Action: 'pricing:GetProducts', Resource: '*' },
  ];
}

/**
 * What Karpenter's nodes cost. They are not known in advance: the minimum is the nodes the
 * service pods' requests fill at their scaling minimum, the maximum what the NodePool limits allow,
 * both counted in nodes of the reference type (compiler/model/karpenter.ts).
 */
export function karpenterUsage(spec: NormalizedSpec): UsageMeter[] {
  const k = spec.platforms.eks.karpenter!;
  const type = karpenterReferenceType(spec, k);
  const shape = type ? instanceShape(type) : undefined;
  if (!type || !shape) {
    return [{ meter: 'ec2.instance', unit: 'hours', quantity: { min: 0, max: 0 }, attributes: { instanceType: 'unknown', os: 'Linux' }, basis: 'Karpenter nodes', quantityUnknown: 'Karpenter chooses its instance types at run time, and none of platforms.eks.karpenter.instanceFamilies is in the instance catalogue to price them by' }];
  }
  const services = karpenterServices(spec);
  const cpu = services.reduce((n, s) => n + podResources(s).cpu * s.scaling.min, 0);
  const memGiB = services.reduce((n, s) => n + (podResources(s).memoryMiB / 1024) * s.scaling.min, 0);
  const min = Math.max(Math.ceil(cpu / shape.vcpu), Math.ceil(memGiB / shape.memoryGiB));
  const byCpu = Math.floor(k.limits.cpu / shape.vcpu);
  const max = Math.max(min, k.limits.memoryMiB === undefined ? byCpu : Math.min(byCpu, Math.floor(k.limits.memoryMiB / 1024 / shape.memoryGiB)));
  const spotOnly = k.capacityTypes.length === 1 && k.capacityTypes[0] === 'spot';
  const basis = `Karpenter nodes, priced as ${type} (${shape.vcpu} vCPU, ${shape.memoryGiB} GiB; Karpenter chooses the types at run time): at least ${min}, the service pods' requests at scaling min (${round(cpu)} vCPU, ${round(memGiB)} GiB), at most ${max}, the NodePool limits (${k.limits.cpu} vCPU${k.limits.memory ? `, ${k.limits.memory}` : ''})`;
  return [
    { meter: 'ec2.instance', unit: 'hours', quantity: { min: min * HOURS_PER_MONTH, max: max * HOURS_PER_MONTH }, attributes: { instanceType: type, os: 'Linux', ...(spotOnly ? { purchaseOption: 'Spot' } : {}) }, basis: `${basis} × ${HOURS_PER_MONTH} h${spotOnly ? ' (Spot)' : ''}` },
    { meter: 'ebs.storage', unit: 'GB-month', quantity: { min: min * KARPENTER_NODE_DISK_GIB, max: max * KARPENTER_NODE_DISK_GIB }, attributes: { volumeType: 'gp3' }, basis: `${KARPENTER_NODE_DISK_GIB} GiB gp3 root volume × ${min}..${max} Karpenter nodes` },
  ];
}
const round = (n: number): number => Math.round(n * 100) / 100;

function buildKarpenter(spec: NormalizedSpec): ModelResource[] {
  if (!usesKarpenter(spec) || !Object.values(spec.services).some((s) => s.placement === 'eks')) return [];
  const component = 'platform/eks/karpenter';
  const origin = ['platforms', 'eks', 'karpenter'];
  const tags = tagList(spec, component);
  const { namespace, name } = KARPENTER_SERVICE_ACCOUNT;
  const queueArn = getAtt(KARPENTER_QUEUE, 'Arn');
  const out: ModelResource[] = [
    resource({
      logicalId: KARPENTER_CONTROLLER_ROLE,
      type: 'AWS::IAM::Role',
      layer: 'eks',
      origin,
      component,
      properties: {
        Description: 'Service-account role (IRSA) of the Karpenter controller',
        AssumeRolePolicyDocument: trustKubernetesServiceAccount(namespace, name),
        Policies: [{ PolicyName: 'karpenter-controller', PolicyDocument: { Version: '2012-10-17', Statement: karpenterControllerStatements(spec) } }],
        Tags: tags,
      },
    }),
    resource({
      logicalId: KARPENTER_NODE_ROLE,
      type: 'AWS::IAM::Role',
      layer: 'eks',
      origin,
      component,
      properties: {
        Description: 'Role of the nodes Karpenter launches',
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        ManagedPolicyArns: [managed('AmazonEKSWorkerNodePolicy'), managed('AmazonEKS_CNI_Policy'), managed('AmazonEC2ContainerRegistryPullOnly'), managed('AmazonSSMManagedInstanceCore')],
        Tags: tags,
      },
    }),
    resource({
      logicalId: KARPENTER_INSTANCE_PROFILE,
      type: 'AWS::IAM::InstanceProfile',
      layer: 'eks',
      origin,
      component,
      properties: { InstanceProfileName: karpenterInstanceProfileName(spec), Roles: [ref(KARPENTER_NODE_ROLE)] },
      usage: karpenterUsage(spec),
    }),
    resource({
      // Nodes join with their role: an access entry of type EC2_LINUX (the cluster takes access entries only).
      logicalId: 'KarpenterNodeAccessEntry',
      type: 'AWS::EKS::AccessEntry',
      layer: 'eks',
      origin,
      component,
      properties: { ClusterName: ref(ID.eksCluster), PrincipalArn: getAtt(KARPENTER_NODE_ROLE, 'Arn'), Type: 'EC2_LINUX', Tags: tags },
    }),
    resource({
      // SQS-managed encryption: EventBridge cannot send to a queue under a customer key without a key-policy grant per rule.
      logicalId: KARPENTER_QUEUE,
      type: 'AWS::SQS::Queue',
      layer: 'eks',
      origin,
      component,
      properties: { QueueName: karpenterQueueName(spec), MessageRetentionPeriod: 300, SqsManagedSseEnabled: true, Tags: tags },
    }),
    resource({
      logicalId: `${KARPENTER_QUEUE}Policy`,
      type: 'AWS::SQS::QueuePolicy',
      layer: 'eks',
      origin,
      component,
      properties: {
        Queues: [ref(KARPENTER_QUEUE)],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'EventBridgeAndSqs', Effect: 'Allow', Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] }, Action: 'sqs:SendMessage', Resource: queueArn },
            { Sid: 'DenyHTTP', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: queueArn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
          ],
        },
      },
    }),
    ...INTERRUPTION_EVENTS.map(([id, source, detailType]) =>
      resource({
        logicalId: `Karpenter${id}Rule`,
        type: 'AWS::Events::Rule',
        layer: 'eks',
        origin,
        component,
        properties: {
          Description: `${detailType} events for Karpenter's interruption queue`,
          EventPattern: { source: [source], 'detail-type': [detailType] },
          State: 'ENABLED',
          Targets: [{ Id: 'KarpenterInterruptionQueueTarget', Arn: queueArn }],
        },
      }),
    ),
  ];
  return out;
}

export const karpenter: BuildingBlock = { name: 'karpenter', build: (spec) => buildKarpenter(spec) };
