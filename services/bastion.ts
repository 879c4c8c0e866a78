// The bastion: one instance kept alive by an Auto Scaling group (min = max = 1, spread over the
// public subnets, so a lost instance or zone is replaced), reached through SSM Session Manager;
// SSH on 22 only from `allowedCidrs` (no key pair: push a one-off key with EC2 Instance Connect).
// IMDSv2 only with hop limit 1, an encrypted gp3 root volume, a role with nothing but
// AmazonSSMManagedInstanceCore, the latest Amazon Linux 2023 AMI through the public SSM parameter.
//
// Layer `security`, not `network`: it needs the KMS key and the bastion security group, which the
// security layer creates after the network layer.
import { ID, getAtt, listedSubnetRefs, namePrefix, ref, resource, sub, tagList } from '../compiler/model/ids.js';
import { HOURS_PER_MONTH, type BuildingBlock, type ModelResource } from '../compiler/model/types.js';
import type { NormalizedSpec } from '../spec/model.js';

const COMPONENT = 'bastion';
export const ROOT_VOLUME_GIB = 8;

export const BASTION_ID = {
  role: 'BastionHostRole',
  instanceProfile: 'BastionHostInstanceProfile',
  launchTemplate: 'BastionHostLaunchTemplate',
  autoScalingGroup: 'BastionHostAutoScalingGroup',
} as const;

/** Graviton families (t4g, m7g, c6gn, r6gd...) run arm64; everything else x86_64. */
export function instanceArchitecture(instanceType: string): 'arm64' | 'x86_64' {
  return /^[a-z]+\d+g/.test(instanceType) ? 'arm64' : 'x86_64';
}

export function amiParameter(instanceType: string): string {
  return `{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${instanceArchitecture(instanceType)}}}`;
}

function buildBastion(spec: NormalizedSpec): ModelResource[] {
  const bastion = spec.network.bastion;
  if (!bastion.enabled) return [];
  const origin = ['network', 'bastion'];
  const tags = tagList(spec, COMPONENT);
  const base = { layer: 'security', component: COMPONENT, origin } as const;
  return [
    resource({
      ...base,
      logicalId: BASTION_ID.role,
      type: 'AWS::IAM::Role',
      properties: {
        Description: 'Bastion host: SSM Session Manager only',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore')],
        Tags: tags,
      },
    }),
    resource({
      ...base,
      logicalId: BASTION_ID.instanceProfile,
      type: 'AWS::IAM::InstanceProfile',
      properties: { Roles: [ref(BASTION_ID.role)] },
    }),
    resource({
      ...base,
      logicalId: BASTION_ID.launchTemplate,
      type: 'AWS::EC2::LaunchTemplate',
      properties: {
        LaunchTemplateData: {
          ImageId: amiParameter(bastion.instanceType),
          InstanceType: bastion.instanceType,
          IamInstanceProfile: { Arn: getAtt(BASTION_ID.instanceProfile, 'Arn') },
          MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 1, InstanceMetadataTags: 'disabled' },
          BlockDeviceMappings: [
            {
              DeviceName: '/dev/xvda',
              Ebs: { VolumeSize: ROOT_VOLUME_GIB, VolumeType: 'gp3', Encrypted: true, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), DeleteOnTermination: true },
            },
          ],
          // Public subnets hand out no public IPs: the bastion asks for one on its own interface.
          NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true, Groups: [getAtt(ID.bastionSecurityGroup, 'GroupId')], DeleteOnTermination: true }],
          TagSpecifications: [
            { ResourceType: 'volume', Tags: tags },
            { ResourceType: 'network-interface', Tags: tags },
          ],
        },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: tags }],
      },
    }),
    resource({
      ...base,
      logicalId: BASTION_ID.autoScalingGroup,
      type: 'AWS::AutoScaling::AutoScalingGroup',
      properties: {
        MinSize: '1',
        MaxSize: '1',
        DesiredCapacity: '1',
        VPCZoneIdentifier: listedSubnetRefs(spec, 'public'),
        LaunchTemplate: { LaunchTemplateId: ref(BASTION_ID.launchTemplate), Version: getAtt(BASTION_ID.launchTemplate, 'LatestVersionNumber') },
        HealthCheckType: 'EC2',
        Tags: [...tags, { Key: 'Name', Value: `${namePrefix(spec)}-bastion` }]
          .sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0))
          .map((t) => ({ ...t, PropagateAtLaunch: true })),
      },
      usage: [
        { meter: 'ec2.instance', unit: 'hours', quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH }, attributes: { instanceType: bastion.instanceType, os: 'Linux' }, basis: `one ${bastion.instanceType} bastion × ${HOURS_PER_MONTH} h` },
        { meter: 'ebs.storage', unit: 'GB-month', quantity: { min: ROOT_VOLUME_GIB, max: ROOT_VOLUME_GIB }, attributes: { volumeType: 'gp3' }, basis: `${ROOT_VOLUME_GIB} GiB gp3 root volume` },
        { meter: 'ipv4.public', unit: 'hours', quantity: { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH }, attributes: {}, basis: `the bastion's public IPv4 address × ${HOURS_PER_MONTH} h` },
      ],
    }),
  ];
}

export const bastion: BuildingBlock = {
  name: 'bastion',
  build: buildBastion,
};
