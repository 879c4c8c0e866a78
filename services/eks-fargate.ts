// EKS Fargate profiles (platforms.eks.fargateProfiles): one AWS::EKS::FargateProfile each, in the
// private subnets only (Fargate pods get no public IP and EKS refuses public subnets), and the pod
// execution role they share, which holds exactly AmazonEKSFargatePodExecutionRolePolicy (pull
// from ECR) and trusts only this cluster's profiles (aws:SourceArn, against the confused deputy).
// The pods the profiles take are priced here as EKS Fargate vCPU and memory hours, at the size
// Fargate bills them (compiler/model/fargate-profiles.ts), and are on no node.
import { getAtt, namePrefix, pascal, ref, resource, sub, subnetRefs, tagList, ID } from '../compiler/model/ids.js';
import { HOURS_PER_MONTH, type BuildingBlock, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import { FARGATE_KUBELET_MIB, fargatePodSize, fargateProfileOf } from '../compiler/model/fargate-profiles.js';
import { podResources, sidecarsOf, type NormalizedFargateProfile, type NormalizedService, type NormalizedSpec } from '../spec/model.js';

export const FARGATE_POD_EXECUTION_ROLE = 'EksFargatePodExecutionRole';
export const fargateProfileId = (name: string): string => `EksFargateProfile${pascal(name)}`;

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

/** The usage of one service's pods on Fargate: vCPU and GB hours of the billed size × its pods. */
export function fargatePodUsage(s: NormalizedService): UsageMeter[] {
  // Native sidecars run for the pod's whole life: Fargate sizes the VM to their requests too.
  const pod = podResources(s);
  const size = fargatePodSize(pod.cpu, pod.memoryMiB);
  if (!size) return []; // DEX811 refuses the spec
  const gb = size.memoryMiB / 1024;
  const sized = `requests ${pod.cpu} vCPU, ${pod.memory}${sidecarsOf(s).length ? ' (with its sidecars)' : ''} + ${FARGATE_KUBELET_MIB}MiB for the kubelet, billed as ${size.cpu} vCPU, ${gb} GB`;
  const meter = (name: 'fargate.vcpu' | 'fargate.memory', unit: string, per: number, what: string): UsageMeter => ({
    meter: name,
    unit,
    quantity: { min: round(per * HOURS_PER_MONTH * s.scaling.min), max: round(per * HOURS_PER_MONTH * s.scaling.max) },
    attributes: { architecture: 'x86_64', platform: 'eks' },
    basis: `${s.name} on EKS Fargate: ${per} ${what} per pod (${sized}) × ${HOURS_PER_MONTH} h × ${s.scaling.min}..${s.scaling.max} pods (scaling min..max)`,
  });
  return [meter('fargate.vcpu', 'vCPU-hours', size.cpu, 'vCPU'), meter('fargate.memory', 'GB-hours', gb, 'GB')];
}

function profileResource(spec: NormalizedSpec, p: NormalizedFargateProfile, i: number, services: readonly NormalizedService[]): ModelResource {
  const component = `platform/eks/fargate/${p.name}`;
  return resource({
    logicalId: fargateProfileId(p.name),
    type: 'AWS::EKS::FargateProfile',
    layer: 'eks',
    origin: ['platforms', 'eks', 'fargateProfiles', i],
    component,
    properties: {
      ClusterName: ref(ID.eksCluster),
      FargateProfileName: p.name,
      PodExecutionRoleArn: getAtt(FARGATE_POD_EXECUTION_ROLE, 'Arn'),
      Subnets: subnetRefs(spec, 'private'),
      Selectors: p.selectors.map((x) => ({
        Namespace: x.namespace,
        ...(Object.keys(x.labels).length ? { Labels: Object.entries(x.labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([Key, Value]) => ({ Key, Value })) } : {}),
      })),
      Tags: tagList(spec, component),
    },
    usage: services.filter((s) => fargateProfileOf(spec, s) === p).flatMap(fargatePodUsage),
  });
}

function buildEksFargate(spec: NormalizedSpec): ModelResource[] {
  const eksServices = Object.values(spec.services).filter((s) => s.placement === 'eks');
  const profiles = spec.platforms.eks.fargateProfiles;
  if (eksServices.length === 0 || profiles.length === 0) return [];
  const clusterName = namePrefix(spec);
  // Profiles are created one at a time (EKS refuses a second while one is creating): each waits for the one before.
  const out = profiles.map((p, i) => {
    const r = profileResource(spec, p, i, eksServices);
    return i === 0 ? r : { ...r, dependsOn: [fargateProfileId(profiles[i - 1]!.name)] };
  });
  out.unshift(
    resource({
      logicalId: FARGATE_POD_EXECUTION_ROLE,
      type: 'AWS::IAM::Role',
      layer: 'eks',
      origin: ['platforms', 'eks', 'fargateProfiles'],
      component: 'platform/eks',
      properties: {
        Description: 'Pod execution role of the EKS Fargate profiles (pulls images; pods use their own service-account roles)',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { ArnLike: { 'aws:SourceArn': sub(`arn:\${AWS::Partition}:eks:\${AWS::Region}:\${AWS::AccountId}:fargateprofile/${clusterName}/*`) } },
            },
          ],
        },
        ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy')],
        Tags: tagList(spec, 'platform/eks'),
      },
    }),
  );
  return out;
}

export const eksFargate: BuildingBlock = { name: 'eks-fargate', build: (spec) => buildEksFargate(spec) };
