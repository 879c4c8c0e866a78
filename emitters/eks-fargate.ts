// EKS Fargate pods, the Kubernetes side: a SecurityGroupPolicy per service on Fargate that gives
// its pods the node security group. Without it Fargate pods get the EKS cluster security group, and
// none of the rules dex writes for the nodes (from the load balancer, to databases and caches,
// between services) would reach them. The VPC resource controller that applies it runs in the
// EKS control plane: nothing to install.
import type { NormalizedSpec } from '../spec/model.js';
import { onFargate } from '../compiler/model/fargate-profiles.js';

type Obj = Record<string, unknown>;

export const NODE_SECURITY_GROUP_KEY = 'EKS_NODE_SECURITY_GROUP_ID';

export const fargateServices = (spec: NormalizedSpec) => Object.values(spec.services).filter((s) => onFargate(spec, s)).sort((a, b) => (a.name < b.name ? -1 : 1));

export function fargateObjects(spec: NormalizedSpec, labels: Record<string, string>): { file: string; object: Obj }[] {
  return fargateServices(spec).map((s) => ({
    file: `${s.name}/security-group-policy.yaml`,
    object: {
      apiVersion: 'vpcresources.k8s.aws/v1beta1',
      kind: 'SecurityGroupPolicy',
      metadata: { name: s.name, namespace: s.name, labels: { 'app.kubernetes.io/name': s.name, ...labels } },
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': s.name } }, securityGroups: { groupIds: [`\${${NODE_SECURITY_GROUP_KEY}}`] } },
    },
  }));
}

/** Where the node security group's ID goes: one target per SecurityGroupPolicy. */
export function fargateSecurityGroupTargets(spec: NormalizedSpec): { kind: string; namespace: string; name: string; fieldPath: string }[] {
  return fargateServices(spec).map((s) => ({ kind: 'SecurityGroupPolicy', namespace: s.name, name: s.name, fieldPath: 'spec.securityGroups.groupIds.0' }));
}
