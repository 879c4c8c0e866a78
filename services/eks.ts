// EKS: a private cluster (secrets envelope-encrypted with the system's KMS key, control-plane
// logs to a KMS-encrypted log group with the spec's retention, API-mode access entries), its IAM
// roles, one launch template and managed node group per `nodeGroups` entry (IMDSv2, encrypted
// gp3 root volume, the node security group), the OIDC provider that service-account roles (IRSA)
// trust, and the add-ons. The Kubernetes objects (Deployments, TargetGroupBindings) are not
// CloudFormation: a later issue emits them.
//
// OIDC thumbprint: none is given. IAM trusts EKS issuers through its own root CA store and no
// longer uses thumbprints for them; ThumbprintList is optional, and a pinned thumbprint would
// break on the issuer's next certificate rotation.
import { ID, getAtt, namePrefix, pascal, ref, resource, sub, subnetRefs, tagList } from '../compiler/model/ids.js';
import { HOURS_PER_MONTH, type BuildContext, type BuildingBlock, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import type { NormalizedNodeGroup, NormalizedSpec } from '../spec/model.js';
import { serviceAccount, trustKubernetesServiceAccount } from './iam.js';

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
  return Object.values(spec.services).some((s) => s.placement === 'eks') && spec.platforms.eks.nodeGroups.some((g) => g.max > g.min);
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

const managed = (name: string) => sub(`arn:\${AWS::Partition}:iam::aws:policy/${name}`);

function nodeGroupResources(spec: NormalizedSpec, g: NormalizedNodeGroup): ModelResource[] {
  const component = `platform/eks/${g.name}`;
  const origin = ['platforms', 'eks', 'nodeGroups'];
  const tags = tagList(spec, component);
  const spot = g.capacityType === 'spot';
  const arm = isArmInstance(g.instanceType);
  const ltId = nodeLaunchTemplateId(g.name);
  const usage: UsageMeter[] = [
    {
      meter: 'ec2.instance',
      unit: 'hours',
      quantity: { min: g.min * HOURS_PER_MONTH, max: g.max * HOURS_PER_MONTH },
      attributes: { instanceType: g.instanceType, os: 'Linux', ...(spot ? { purchaseOption: 'Spot' } : {}) },
      basis: `node group ${g.name}: ${g.min}..${g.max} ${g.instanceType} nodes × ${HOURS_PER_MONTH} h${spot ? ' (Spot)' : ''}`,
    },
    {
      meter: 'ebs.storage',
      unit: 'GB-month',
      quantity: { min: g.min * g.diskGiB, max: g.max * g.diskGiB },
      attributes: { volumeType: 'gp3' },
      basis: `${g.diskGiB} GiB gp3 root volume × ${g.min}..${g.max} nodes`,
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
          // Hop limit 2: pods behind the node's network namespace still reach IMDSv2.
          MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
          BlockDeviceMappings: [
            { DeviceName: '/dev/xvda', Ebs: { VolumeSize: g.diskGiB, VolumeType: 'gp3', Encrypted: true, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), DeleteOnTermination: true } },
          ],
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
        Subnets: subnetRefs(spec, 'private'),
        InstanceTypes: [g.instanceType],
        AmiType: arm ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD',
        CapacityType: spot ? 'SPOT' : 'ON_DEMAND',
        ScalingConfig: { MinSize: g.min, MaxSize: g.max, DesiredSize: g.min },
        LaunchTemplate: { Id: ref(ltId), Version: getAtt(ltId, 'LatestVersionNumber') },
        UpdateConfig: { MaxUnavailable: 1 },
        Labels: { 'dex/node-group': g.name },
        Tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
      },
      usage,
    }),
  ];
}

function buildEks(spec: NormalizedSpec, context: BuildContext): ModelResource[] {
  if (!Object.values(spec.services).some((s) => s.placement === 'eks')) return [];
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
          ...(eks.addons.includes('amazon-cloudwatch-observability') ? [managed('CloudWatchAgentServerPolicy')] : []),
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
        { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: { logClass: 'STANDARD' }, basis: `control-plane logs (${eks.logging.join(', ') || 'none'}): volume not in usage` },
        { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: 'control-plane logs: volume not in usage' },
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
          SubnetIds: subnetRefs(spec, 'private'),
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
  for (const addon of [...eks.addons].sort()) {
    out.push(
      resource({
        logicalId: addonId(addon),
        type: 'AWS::EKS::Addon',
        layer: 'eks',
        origin: [...origin, 'addons'],
        component,
        // Add-ons with pods (coredns, the CloudWatch agent...) need nodes to become active.
        dependsOn: groups.map((g) => nodeGroupId(g.name)),
        properties: {
          AddonName: addon,
          ClusterName: ref(ID.eksCluster),
          ...(ADDON_CONFIGURATION[addon] ? { ConfigurationValues: ADDON_CONFIGURATION[addon] } : {}),
          ResolveConflicts: 'OVERWRITE',
          Tags: tags,
        },
      }),
    );
  }
  return out;
}

export const eks: BuildingBlock = { name: 'eks', build: buildEks };
