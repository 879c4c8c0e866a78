// EKS: a private cluster (secrets envelope-encrypted with the system's KMS key, control-plane
// logs to a KMS-encrypted log group with the spec's retention, API-mode access entries), its IAM
// roles, one launch template and managed node group per `nodeGroups` entry (IMDSv2, encrypted
// gp3 root volume, the node security group), the OIDC provider that service-account roles (IRSA)
// trust, and the add-ons: the spec's `addons` plus the ones the emitted manifests and alarms need
// (`requiredAddons`), with the IRSA roles of those that call AWS. The Kubernetes objects
// (Deployments, TargetGroupBindings) and the two controllers that are no EKS add-on (AWS Load
// Balancer Controller, VPA) are emitted by emitters/kubernetes.ts; docs/kubernetes.md says the order.
//
// OIDC thumbprint: none is given. IAM trusts EKS issuers through its own root CA store and no
// longer uses thumbprints for them; ThumbprintList is optional, and a pinned thumbprint would
// break on the issuer's next certificate rotation.
import { EFS_CSI_ADDON, EFS_CSI_DRIVER_ROLE, eksMountsVolumes } from '../compiler/model/volumes.js';
import { internalTargetGroup } from './discovery.js';
import { ID, getAtt, namePrefix, pascal, ref, resource, sub, subnetRefs, tagList } from '../compiler/model/ids.js';
import { HOURS_PER_MONTH, type BuildContext, type BuildingBlock, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import type { EksAccessPolicy, NormalizedNodeGroup, NormalizedService, NormalizedSpec } from '../spec/model.js';
import { behindLoadBalancer } from '../compiler/model/exposure.js';
import { serviceAccount, trustKubernetesServiceAccount } from './iam.js';
import { cacheIamAuth } from './elasticache.js';
import { hasEksCluster } from '../compiler/model/platforms.js';
import { onFargate } from '../compiler/model/fargate-profiles.js';

/**
 * End of standard support per Kubernetes version (EKS calendar). A month-only date counts from
 * the month's first day, so the estimate errs towards the dearer extended support.
 */
export const EKS_STANDARD_SUPPORT_END: Readonly<Record<string, string>> = {
  '1.30': '2025-07-23',
  '1.31': '2025-11-26',
  '1.32': '2026-03-23',
  '1.33': '2026-07-29',
  '1.34': '2026-12-02',
  '1.35': '2027-03-01',
  '1.36': '2027-07-01',
};

/** 'extended' once the version is past its end of standard support on `date`. */
export function eksSupportType(version: string, date: Date): 'standard' | 'extended' {
  const end = EKS_STANDARD_SUPPORT_END[version];
  if (end === undefined) return 'standard';
  return date.getTime() >= Date.parse(`${end}T00:00:00Z`) ? 'extended' : 'standard';
}

/**
 * Versions of Kubernetes EKS can still run, in order; an upgrade moves one step along this list.
 * (compiler/checks/platforms.ts holds the support calendar.)
 */
export const EKS_VERSIONS = Object.keys(EKS_STANDARD_SUPPORT_END).sort((a, b) => minor(a) - minor(b));
function minor(version: string): number {
  return Number(version.split('.')[1]);
}

/** The minor versions an upgrade from `from` to `to` passes through, `to` included (EKS upgrades one minor at a time). */
export function eksUpgradePath(from: string, to: string): string[] {
  const steps: string[] = [];
  for (let m = minor(from) + 1; m <= minor(to); m++) steps.push(`1.${m}`);
  return steps;
}

/** True in a stage that releases blue/green: EKS services then run as two Deployments, <svc>-blue and <svc>-green. */
export function eksBlueGreen(spec: NormalizedSpec): boolean {
  return spec.cicd?.stages.find((s) => s.name === spec.environment)?.strategy === 'blue-green';
}

/** Graviton instance families (a 'g' after the generation digit: t4g, m7g, c6gn...). */
export function isArmInstance(instanceType: string): boolean {
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType);
}

export const EKS_CLUSTER_ROLE = 'EksClusterRole';
export const EKS_NODE_ROLE = 'EksNodeRole';
export const EKS_CLUSTER_LOG_GROUP = 'EksClusterLogGroup';
export const nodeGroupId = ID.eksNodeGroup;
export const nodeLaunchTemplateId = ID.eksNodeLaunchTemplate;
export const addonId = (addon: string): string => `EksAddon${pascal(addon)}`;

/** IRSA role of the cluster autoscaler (emitters/kubernetes.ts deploys it into kube-system). */
export const CLUSTER_AUTOSCALER_ROLE = 'EksClusterAutoscalerRole';
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = { namespace: 'kube-system', name: 'cluster-autoscaler' } as const;

/** The cluster autoscaler runs when some node group can grow (max above min). */
export function needsClusterAutoscaler(spec: NormalizedSpec): boolean {
  // With Karpenter (services/karpenter.ts) nodes come from its node pool instead.
  if (spec.platforms.eks.autoscaler === 'karpenter') return false;
  return hasEksCluster(spec) && spec.platforms.eks.nodeGroups.some((g) => g.max > g.min);
}

/** IRSA role of the CloudWatch agent and Fluent Bit of the amazon-cloudwatch-observability add-on. */
export const CLOUDWATCH_AGENT_ROLE = 'EksCloudWatchAgentIrsa';
export const CLOUDWATCH_AGENT_SERVICE_ACCOUNT = { namespace: 'amazon-cloudwatch', name: 'cloudwatch-agent' } as const;
/** IRSA role of the AWS Load Balancer Controller (emitters/kubernetes.ts installs it into kube-system). */
export const LOAD_BALANCER_CONTROLLER_ROLE = 'EksLoadBalancerControllerIrsa';
export const LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = { namespace: 'kube-system', name: 'aws-load-balancer-controller' } as const;
/** Log groups the CloudWatch observability add-on writes to; dex creates them first, with retention and the KMS key. */
export const CONTAINER_INSIGHTS_LOG_GROUPS = ['application', 'dataplane', 'host', 'performance'] as const;
export const containerInsightsLogGroupId = (kind: string): string => `EksContainerInsights${pascal(kind)}Logs`;

const eksPlaced = (spec: NormalizedSpec): NormalizedService[] => Object.values(spec.services).filter((s) => s.placement === 'eks');

/** Some EKS service is behind the load balancer: its TargetGroupBinding needs the AWS Load Balancer Controller. */
export function needsLoadBalancerController(spec: NormalizedSpec): boolean {
  // Also behind an internal load balancer (services/discovery.ts), through its own TargetGroupBinding.
  return eksPlaced(spec).some((s) => behindLoadBalancer(spec, s) || internalTargetGroup(spec, s) !== undefined);
}

/** Some EKS service emits a VerticalPodAutoscaler: the VPA controllers must run. */
export function needsVerticalPodAutoscaler(spec: NormalizedSpec): boolean {
  return eksPlaced(spec).some((s) => s.scaling.vertical);
}

/**
 * EKS add-ons the emitted objects need, whatever `platforms.eks.addons` lists (each is a real EKS
 * add-on name, as `aws eks describe-addon-versions --addon-name <name>` lists it):
 * - amazon-cloudwatch-observability (AWS add-on): Container Insights, which the pod alarms and the
 *   dashboard read (services/monitoring.ts). docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html
 * - metrics-server (EKS community add-on since 2025): the resource metrics API the HPA and the VPA
 *   recommender read. docs.aws.amazon.com/eks/latest/userguide/community-addons.html
 * - aws-secrets-store-csi-driver-provider (AWS add-on since November 2025): the Secrets Store CSI
 *   driver and its AWS provider, for the SecretProviderClass volumes. aws.amazon.com/about-aws/whats-new/2025/11/amazon-eks-add-ons-aws-secrets-store-csi-driver-provider/
 * No AddonVersion is pinned: add-on builds are per cluster minor (`v1.x.y-eksbuild.N`), and a
 * pin that does not exist for the cluster's version fails the stack; without one EKS installs
 * its default build for the version, and CloudFormation leaves it alone until the template
 * changes. Pin and upgrade add-ons together with `platforms.eks.version`.
 */
export function requiredAddons(spec: NormalizedSpec): string[] {
  if (!hasEksCluster(spec)) return [];
  const services = eksPlaced(spec);
  // Container Insights watches the cluster and its nodes, whoever deploys the pods.
  const out = ['amazon-cloudwatch-observability'];
  if (services.some((s) => s.scaling.max > s.scaling.min || s.scaling.vertical)) out.push('metrics-server');
  // A cache without IAM users gives its services a secret too: their password (Redis OSS 6) or the AUTH token.
  if (services.some((s) => s.secrets.length > 0 || (s.secretRefs ?? []).length > 0 || s.uses.some((u) => spec.caches[u] !== undefined && !cacheIamAuth(spec.caches[u])))) out.push('aws-secrets-store-csi-driver-provider');
  if (eksMountsVolumes(spec)) out.push(EFS_CSI_ADDON);
  return out;
}

/** Every add-on dex installs: the spec's and the required ones, sorted. */
export function installedAddons(spec: NormalizedSpec): string[] {
  return [...new Set([...spec.platforms.eks.addons, ...requiredAddons(spec)])].sort();
}

/**
 * Add-on settings dex needs: the VPC CNI enforces NetworkPolicy (off by default, and the
 * Kubernetes manifests rely on it to admit only declared callers).
 */
export const ADDON_CONFIGURATION: Readonly<Record<string, string>> = {
  'vpc-cni': JSON.stringify({ enableNetworkPolicy: 'true' }),
};

/**
 * The autoscaler's permissions, after the upstream AWS guide: read the Auto Scaling groups and
 * instance types anywhere (no resource-level permissions), change only the groups EKS tags as
 * this cluster's (managed node groups carry `k8s.io/cluster-autoscaler/<cluster>: owned`), and
 * describe only this cluster's node groups.
 */
function clusterAutoscalerRole(spec: NormalizedSpec, clusterName: string): ModelResource {
  const { namespace, name } = CLUSTER_AUTOSCALER_SERVICE_ACCOUNT;
  return resource({
    logicalId: CLUSTER_AUTOSCALER_ROLE,
    type: 'AWS::IAM::Role',
    layer: 'eks',
    origin: ['platforms', 'eks', 'nodeGroups'],
    component: 'platform/eks',
    properties: {
      Description: 'Service-account role (IRSA) of the cluster autoscaler',
      AssumeRolePolicyDocument: trustKubernetesServiceAccount(namespace, name),
      Policies: [
        {
          PolicyName: 'least-privilege',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'ScaleOwnNodeGroups',
                Effect: 'Allow',
                Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
                Resource: '*',
                Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: 'owned' } },
              },
              {
                Sid: 'DescribeCapacity',
                Effect: 'Allow',
                Action: [
                  'autoscaling:DescribeAutoScalingGroups',
                  'autoscaling:DescribeAutoScalingInstances',
                  'autoscaling:DescribeLaunchConfigurations',
                  'autoscaling:DescribeScalingActivities',
                  'autoscaling:DescribeTags',
                  'ec2:DescribeImages',
                  'ec2:DescribeInstanceTypes',
                  'ec2:DescribeLaunchTemplateVersions',
                  'ec2:GetInstanceTypesFromInstanceRequirements',
                ],
                Resource: '*',
              },
              {
                Sid: 'DescribeOwnNodeGroups',
                Effect: 'Allow',
                Action: ['eks:DescribeNodegroup'],
                Resource: sub(`arn:\${AWS::Partition}:eks:\${AWS::Region}:\${AWS::AccountId}:nodegroup/${clusterName}/*`),
              },
            ],
          },
        },
      ],
      Tags: tagList(spec, 'platform/eks'),
    },
  });
}

/**
 * The CloudWatch agent's role: AWS's managed CloudWatchAgentServerPolicy, the policy the add-on's
 * documentation names (metrics, the performance and container log groups, EC2 tags and volumes
 * for the node dimensions), on the add-on's service account only instead of every node.
 */
function cloudWatchAgentRole(spec: NormalizedSpec): ModelResource {
  const { namespace, name } = CLOUDWATCH_AGENT_SERVICE_ACCOUNT;
  return resource({
    logicalId: CLOUDWATCH_AGENT_ROLE,
    type: 'AWS::IAM::Role',
    layer: 'eks',
    origin: ['platforms', 'eks', 'addons'],
    component: 'platform/eks',
    properties: {
      Description: 'Service-account role (IRSA) of the CloudWatch agent (amazon-cloudwatch-observability add-on)',
      AssumeRolePolicyDocument: trustKubernetesServiceAccount(namespace, name),
      ManagedPolicyArns: [managed('CloudWatchAgentServerPolicy')],
      Tags: tagList(spec, 'platform/eks'),
    },
  });
}

/**
 * The AWS Load Balancer Controller's permissions, for what dex uses it for: TargetGroupBindings
 * that join pods to target groups CloudFormation created (no Ingress, no Service of type
 * LoadBalancer, so none of the create/delete/tag and security-group statements of AWS's published
 * iam_policy.json). Reads are on `*` (the Describe APIs have no resource-level permissions);
 * registering and deregistering targets only on this environment's target groups, by the
 * dex:system and dex:environment tags every dex resource carries.
 */
function loadBalancerControllerRole(spec: NormalizedSpec): ModelResource {
  const { namespace, name } = LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT;
  return resource({
    logicalId: LOAD_BALANCER_CONTROLLER_ROLE,
    type: 'AWS::IAM::Role',
    layer: 'eks',
    origin: ['platforms', 'eks'],
    component: 'platform/eks',
    properties: {
      Description: 'Service-account role (IRSA) of the AWS Load Balancer Controller (TargetGroupBinding only)',
      AssumeRolePolicyDocument: trustKubernetesServiceAccount(namespace, name),
      Policies: [
        {
          PolicyName: 'target-group-binding',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'Describe',
                Effect: 'Allow',
                Action: [
                  'ec2:DescribeAvailabilityZones',
                  'ec2:DescribeInstances',
                  'ec2:DescribeNetworkInterfaces',
                  'ec2:DescribeSecurityGroups',
                  'ec2:DescribeSubnets',
                  'ec2:DescribeTags',
                  'ec2:DescribeVpcs',
                  'ec2:GetSecurityGroupsForVpc',
                  'elasticloadbalancing:DescribeListeners',
                  'elasticloadbalancing:DescribeLoadBalancers',
                  'elasticloadbalancing:DescribeTags',
                  'elasticloadbalancing:DescribeTargetGroupAttributes',
                  'elasticloadbalancing:DescribeTargetGroups',
                  'elasticloadbalancing:DescribeTargetHealth',
                ],
                Resource: '*',
              },
              {
                Sid: 'RegisterPodsInOwnTargetGroups',
                Effect: 'Allow',
                Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
                Resource: sub('arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:targetgroup/*/*'),
                Condition: { StringEquals: { 'aws:ResourceTag/dex:system': spec.name, 'aws:ResourceTag/dex:environment': spec.environment ?? 'default' } },
              },
            ],
          },
        },
      ],
      Tags: tagList(spec, 'platform/eks'),
    },
  });
}

const managed = (name: string) => sub(`arn:\${AWS::Partition}:iam::aws:policy/${name}`);

/** The label dex puts on every node, naming its group: what services.<name>.nodeGroups selects. */
export const NODE_GROUP_LABEL = 'dex/node-group';
/** The OS volume of a Bottlerocket node (its images and pods are on the data volume, diskGiB). */
const BOTTLEROCKET_OS_GIB = 4;
const TAINT_EFFECTS = { NoSchedule: 'NO_SCHEDULE', PreferNoSchedule: 'PREFER_NO_SCHEDULE', NoExecute: 'NO_EXECUTE' } as const;

/** The managed node group's AMI type of an `amiFamily` on x86_64 or arm64 instances. */
function amiType(family: NormalizedNodeGroup['amiFamily'], arm: boolean): string {
  switch (family) {
    case 'al2023':
      return arm ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD';
    case 'al2023-nvidia':
      return arm ? 'AL2023_ARM_64_NVIDIA' : 'AL2023_x86_64_NVIDIA';
    case 'bottlerocket':
      return arm ? 'BOTTLEROCKET_ARM_64' : 'BOTTLEROCKET_x86_64';
    case 'bottlerocket-nvidia':
      return arm ? 'BOTTLEROCKET_ARM_64_NVIDIA' : 'BOTTLEROCKET_x86_64_NVIDIA';
  }
}

function nodeGroupResources(spec: NormalizedSpec, g: NormalizedNodeGroup): ModelResource[] {
  const component = `platform/eks/${g.name}`;
  const origin = ['platforms', 'eks', 'nodeGroups'];
  const tags = tagList(spec, component);
  const spot = g.capacityType === 'spot';
  const arm = isArmInstance(g.instanceType);
  const ltId = nodeLaunchTemplateId(g.name);
  const bottlerocket = g.amiFamily === 'bottlerocket' || g.amiFamily === 'bottlerocket-nvidia';
  // Bottlerocket boots from a small OS volume and keeps images and pods on a second, data volume.
  const volumes = bottlerocket
    ? [{ device: '/dev/xvda', gib: BOTTLEROCKET_OS_GIB }, { device: '/dev/xvdb', gib: g.diskGiB }]
    : [{ device: '/dev/xvda', gib: g.diskGiB }];
  const diskPerNode = volumes.reduce((n, v) => n + v.gib, 0);
  const several = g.instanceTypes.length > 1;
  const usage: UsageMeter[] = [
    {
      meter: 'ec2.instance',
      unit: 'hours',
      quantity: { min: g.min * HOURS_PER_MONTH, max: g.max * HOURS_PER_MONTH },
      attributes: { instanceType: g.instanceType, os: 'Linux', ...(spot ? { purchaseOption: 'Spot' } : {}) },
      basis: `node group ${g.name}: ${g.min}..${g.max} ${g.instanceType} nodes × ${HOURS_PER_MONTH} h${spot ? ' (Spot)' : ''}${several ? `, priced as ${g.instanceType}, the first of ${g.instanceTypes.join(', ')}${spot ? '' : ' (On-Demand launches it first)'}` : ''}`,
    },
    {
      meter: 'ebs.storage',
      unit: 'GB-month',
      quantity: { min: g.min * diskPerNode, max: g.max * diskPerNode },
      attributes: { volumeType: 'gp3' },
      basis: bottlerocket ? `${BOTTLEROCKET_OS_GIB} GiB OS and ${g.diskGiB} GiB data gp3 volumes × ${g.min}..${g.max} nodes` : `${g.diskGiB} GiB gp3 root volume × ${g.min}..${g.max} nodes`,
    },
  ];
  return [
    resource({
      logicalId: ltId,
      type: 'AWS::EC2::LaunchTemplate',
      layer: 'eks',
      origin,
      component,
      properties: {
        LaunchTemplateData: {
          // Hop limit 1 (FSBP AutoScaling.4): pods in their own network namespace cannot reach IMDS
          // and the node role (CNI policy). They use IRSA; the load balancer controller is given
          // its VPC and region (emitters/kubernetes.ts addons.sh) instead of asking IMDS.
          MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
          BlockDeviceMappings: volumes.map((v) => ({ DeviceName: v.device, Ebs: { VolumeSize: v.gib, VolumeType: 'gp3', Encrypted: true, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), DeleteOnTermination: true } })),
          SecurityGroupIds: [ref(ID.eksNodeSecurityGroup)],
          TagSpecifications: [
            { ResourceType: 'instance', Tags: tags },
            { ResourceType: 'volume', Tags: tags },
          ],
        },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: tags }],
      },
    }),
    resource({
      logicalId: nodeGroupId(g.name),
      type: 'AWS::EKS::Nodegroup',
      layer: 'eks',
      origin,
      component,
      properties: {
        ClusterName: ref(ID.eksCluster),
        NodeRole: getAtt(EKS_NODE_ROLE, 'Arn'),
        Subnets: g.zones ? subnetRefs(spec, 'private').filter((_, i) => g.zones!.includes(i + 1)) : subnetRefs(spec, 'private'),
        InstanceTypes: [...g.instanceTypes],
        AmiType: amiType(g.amiFamily, arm),
        CapacityType: spot ? 'SPOT' : 'ON_DEMAND',
        ScalingConfig: { MinSize: g.min, MaxSize: g.max, DesiredSize: g.desired },
        LaunchTemplate: { Id: ref(ltId), Version: getAtt(ltId, 'LatestVersionNumber') },
        UpdateConfig: g.update.maxUnavailablePercent !== undefined ? { MaxUnavailablePercentage: g.update.maxUnavailablePercent } : { MaxUnavailable: g.update.maxUnavailable ?? 1 },
        Labels: { ...g.labels, [NODE_GROUP_LABEL]: g.name },
        ...(g.taints.length ? { Taints: g.taints.map((t) => ({ Key: t.key, ...(t.value !== undefined ? { Value: t.value } : {}), Effect: TAINT_EFFECTS[t.effect] })) } : {}),
        Tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
      },
      usage,
    }),
  ];
}

/** The AWS-managed EKS access policy of each `platforms.eks.access[].policy`. */
export const EKS_ACCESS_POLICIES: Readonly<Record<EksAccessPolicy, string>> = {
  view: 'AmazonEKSViewPolicy',
  edit: 'AmazonEKSEditPolicy',
  admin: 'AmazonEKSAdminPolicy',
  'cluster-admin': 'AmazonEKSClusterAdminPolicy',
};

/**
 * kubectl access (`platforms.eks.access`): one access entry per principal, its policy cluster-wide
 * or in the named namespaces. The cluster authenticates with access entries only
 * (AuthenticationMode API), so these are the only way in besides the CI deploy role's and
 * Prometheus's. Logical IDs follow the principal, not its place in the list: reordering the
 * list replaces nothing (a replaced entry would collide with itself, one entry per principal).
 */
function accessEntries(spec: NormalizedSpec): ModelResource[] {
  const used = new Set<string>();
  return spec.platforms.eks.access.map((a, i) => {
    const m = /:(role|user)\/(?:.*\/)?([^/]+)$/.exec(a.principal);
    const base = `EksAccess${pascal(m?.[1] ?? 'principal')}${pascal(m?.[2] ?? '')}`;
    let logicalId = base;
    for (let n = 2; used.has(logicalId); n++) logicalId = `${base}${n}`;
    used.add(logicalId);
    const component = 'platform/eks';
    return resource({
      logicalId,
      type: 'AWS::EKS::AccessEntry',
      layer: 'eks',
      origin: ['platforms', 'eks', 'access', i],
      component,
      properties: {
        ClusterName: ref(ID.eksCluster),
        PrincipalArn: a.principal,
        Type: 'STANDARD',
        AccessPolicies: [
          {
            PolicyArn: sub(`arn:\${AWS::Partition}:eks::aws:cluster-access-policy/${EKS_ACCESS_POLICIES[a.policy]}`),
            AccessScope: a.namespaces === undefined ? { Type: 'cluster' } : { Type: 'namespace', Namespaces: [...a.namespaces] },
          },
        ],
        Tags: tagList(spec, component),
      },
    });
  });
}

function buildEks(spec: NormalizedSpec, context: BuildContext): ModelResource[] {
  if (!hasEksCluster(spec)) return [];
  const eks = spec.platforms.eks;
  const component = 'platform/eks';
  const origin = ['platforms', 'eks'];
  const tags = tagList(spec, component);
  const clusterName = namePrefix(spec);
  const supportType = eksSupportType(eks.version, context.today());
  const out: ModelResource[] = [];

  out.push(
    resource({
      logicalId: EKS_CLUSTER_ROLE,
      type: 'AWS::IAM::Role',
      layer: 'eks',
      origin,
      component,
      properties: {
        Description: 'EKS control plane role',
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] },
        ManagedPolicyArns: [managed('AmazonEKSClusterPolicy')],
        Tags: tags,
      },
    }),
    resource({
      logicalId: EKS_NODE_ROLE,
      type: 'AWS::IAM::Role',
      layer: 'eks',
      origin: [...origin, 'nodeGroups'],
      component,
      properties: {
        Description: 'EKS worker node role',
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        ManagedPolicyArns: [
          managed('AmazonEKSWorkerNodePolicy'),
          managed('AmazonEKS_CNI_Policy'),
          managed('AmazonEC2ContainerRegistryPullOnly'),
          managed('AmazonSSMManagedInstanceCore'),
          ...(eks.addons.includes('aws-ebs-csi-driver') ? [managed('service-role/AmazonEBSCSIDriverPolicy')] : []),
        ],
        Tags: tags,
      },
    }),
    resource({
      // Created before the cluster so control-plane logs get a retention and the KMS key.
      logicalId: EKS_CLUSTER_LOG_GROUP,
      type: 'AWS::Logs::LogGroup',
      layer: 'eks',
      origin: [...origin, 'logging'],
      component,
      properties: { LogGroupName: `/aws/eks/${clusterName}/cluster`, RetentionInDays: spec.monitoring.logs.retentionDays, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), Tags: tags },
      usage: [
        { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: { logClass: 'STANDARD' }, basis: `control-plane logs (${eks.logging.join(', ') || 'none'}): volume not in usage`, quantityUnknown: 'the volume of EKS control-plane logs follows the cluster\'s API traffic, which dex has no usage assumption for' },
        { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: 'control-plane logs: volume not in usage', quantityUnknown: 'the volume of EKS control-plane logs follows the cluster\'s API traffic, which dex has no usage assumption for' },
      ],
    }),
    resource({
      logicalId: ID.eksCluster,
      type: 'AWS::EKS::Cluster',
      layer: 'eks',
      origin,
      component,
      dependsOn: [EKS_CLUSTER_LOG_GROUP],
      properties: {
        Name: clusterName,
        Version: eks.version,
        RoleArn: getAtt(EKS_CLUSTER_ROLE, 'Arn'),
        ResourcesVpcConfig: {
          // The control plane's cross-account interfaces: the nodes' subnets, or the intra tier
          // (no route out) with platforms.eks.controlPlaneSubnets: intra. Node groups stay private.
          SubnetIds: subnetRefs(spec, eks.controlPlaneSubnets),
          SecurityGroupIds: [ref(ID.eksClusterSecurityGroup)],
          EndpointPrivateAccess: eks.endpointAccess !== 'public',
          EndpointPublicAccess: eks.endpointAccess !== 'private',
          ...(eks.endpointAccess !== 'private' && eks.publicAccessCidrs.length ? { PublicAccessCidrs: [...eks.publicAccessCidrs] } : {}),
        },
        EncryptionConfig: [{ Provider: { KeyArn: getAtt(ID.kmsKey, 'Arn') }, Resources: ['secrets'] }],
        Logging: { ClusterLogging: { EnabledTypes: eks.logging.map((type) => ({ Type: type })) } },
        AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: true },
        // AWS's default, said explicitly: a version past standard support keeps running (and is
        // billed as extended) instead of being upgraded under the workloads.
        UpgradePolicy: { SupportType: 'EXTENDED' },
        Tags: tags,
      },
      usage: [
        {
          meter: 'eks.cluster',
          unit: 'hours',
          quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH },
          attributes: { version: eks.version, supportType },
          basis: `one cluster × ${HOURS_PER_MONTH} h; Kubernetes ${eks.version} is in ${supportType} support (standard support ends ${EKS_STANDARD_SUPPORT_END[eks.version] ?? 'unknown'})`,
        },
      ],
    }),
    resource({
      logicalId: ID.eksOidcProvider,
      type: 'AWS::IAM::OIDCProvider',
      layer: 'eks',
      origin,
      component,
      properties: { Url: getAtt(ID.eksCluster, 'OpenIdConnectIssuerUrl'), ClientIdList: ['sts.amazonaws.com'], Tags: tags },
    }),
  );
  const groups = [...eks.nodeGroups].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const g of groups) out.push(...nodeGroupResources(spec, g));
  if (needsClusterAutoscaler(spec)) out.push(clusterAutoscalerRole(spec, clusterName));
  if (spec.monitoring.prometheus.enabled) {
    // Prometheus finds pod addresses through the API: read-only, in the services' namespaces.
    const namespaces = [...new Set(Object.values(spec.services).filter((s) => s.placement === 'eks').map((s) => serviceAccount(s.name).namespace))].sort();
    out.push(
      resource({
        logicalId: 'PrometheusEksAccessEntry',
        type: 'AWS::EKS::AccessEntry',
        layer: 'eks',
        origin: ['monitoring', 'prometheus'],
        component: 'monitoring/prometheus',
        properties: {
          ClusterName: ref(ID.eksCluster),
          PrincipalArn: getAtt(ID.monitoringServerRole('prometheus'), 'Arn'),
          Type: 'STANDARD',
          AccessPolicies: [{ PolicyArn: sub('arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy'), AccessScope: { Type: 'namespace', Namespaces: namespaces } }],
          Tags: tags,
        },
      }),
    );
  }
  out.push(...accessEntries(spec));
  if (needsLoadBalancerController(spec)) out.push(loadBalancerControllerRole(spec));
  const addons = installedAddons(spec);
  if (addons.includes('amazon-cloudwatch-observability')) out.push(cloudWatchAgentRole(spec), ...containerInsightsLogGroups(spec, clusterName));
  for (const addon of addons) {
    const irsa = addon === 'amazon-cloudwatch-observability' ? CLOUDWATCH_AGENT_ROLE : addon === EFS_CSI_ADDON ? EFS_CSI_DRIVER_ROLE : undefined;
    out.push(
      resource({
        logicalId: addonId(addon),
        type: 'AWS::EKS::Addon',
        layer: 'eks',
        origin: [...origin, 'addons'],
        component,
        // Add-ons with pods (coredns, the CloudWatch agent...) need nodes to become active; the
        // CloudWatch agent's log groups exist first, so it never creates them without retention.
        dependsOn: [...groups.map((g) => nodeGroupId(g.name)), ...(irsa === CLOUDWATCH_AGENT_ROLE ? CONTAINER_INSIGHTS_LOG_GROUPS.map(containerInsightsLogGroupId) : [])],
        properties: {
          AddonName: addon,
          ClusterName: ref(ID.eksCluster),
          ...(ADDON_CONFIGURATION[addon] ? { ConfigurationValues: ADDON_CONFIGURATION[addon] } : {}),
          ResolveConflicts: 'OVERWRITE',
          ...(irsa ? { ServiceAccountRoleArn: getAtt(irsa, 'Arn') } : {}),
          Tags: tags,
        },
      }),
    );
  }
  return out;
}

/**
 * The log groups of the CloudWatch observability add-on (Fluent Bit's container logs, the
 * data-plane and host logs, and the performance events Container Insights derives its metrics
 * from), with the spec's retention and the system's KMS key: left to the agent they would be
 * created unencrypted and kept forever.
 */
function containerInsightsLogGroups(spec: NormalizedSpec, clusterName: string): ModelResource[] {
  return CONTAINER_INSIGHTS_LOG_GROUPS.map((kind) =>
    resource({
      logicalId: containerInsightsLogGroupId(kind),
      type: 'AWS::Logs::LogGroup',
      layer: 'eks',
      origin: ['platforms', 'eks', 'addons'],
      component: 'platform/eks',
      properties: { LogGroupName: `/aws/containerinsights/${clusterName}/${kind}`, RetentionInDays: spec.monitoring.logs.retentionDays, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), Tags: tagList(spec, 'platform/eks') },
      usage: [
        { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: { logClass: 'STANDARD' }, basis: `Container Insights ${kind} logs: volume not in usage`, quantityUnknown: `the volume of Container Insights ${kind} logs follows the pods and nodes, which dex has no usage assumption for` },
        { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: `Container Insights ${kind} logs: volume not in usage`, quantityUnknown: `the volume of Container Insights ${kind} logs follows the pods and nodes, which dex has no usage assumption for` },
        // The performance events are what Container Insights makes its metrics from: its price sits here.
        ...(kind === 'performance' ? containerInsightsUsage(spec) : []),
      ],
    }),
  );
}

/**
 * What Container Insights costs. The add-on turns on Container Insights with enhanced
 * observability, billed per observation (each metric value the agent sends for a cluster, node,
 * pod or container) instead of per custom metric; the price book has no such product, so the meter
 * is unpriced with its reason (compiler/pricing/meters.ts) and the quantity is the count of
 * monitored objects, the thing observations scale with.
 */
function containerInsightsUsage(spec: NormalizedSpec): UsageMeter[] {
  // The agent is a DaemonSet: pods on Fargate are not observed (docs/kubernetes.md, DEX815).
  const services = eksPlaced(spec).filter((s) => !onFargate(spec, s));
  const pods = (pick: 'min' | 'max') => services.reduce((n, s) => n + s.scaling[pick], 0);
  const nodes = (pick: 'min' | 'max') => spec.platforms.eks.nodeGroups.reduce((n, g) => n + g[pick], 0);
  return [
    {
      meter: 'containerInsights.observations',
      unit: 'monitored objects',
      quantity: { min: pods('min') + nodes('min'), max: pods('max') + nodes('max') },
      attributes: { mode: 'enhanced' },
      basis: `Container Insights (enhanced observability) on ${pods('min')}..${pods('max')} service pods and ${nodes('min')}..${nodes('max')} nodes, billed per observation (each metric sample)`,
    },
  ];
}

export const eks: BuildingBlock = { name: 'eks', build: buildEks };
