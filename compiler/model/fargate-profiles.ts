// Which EKS services run on Fargate (platforms.eks.fargateProfiles) and what size of Fargate micro-VM
// a pod gets. The checks, the pricing (services/eks-fargate.ts) and the Kubernetes emitter agree on
// this one answer, so a pod is never priced on Fargate while its manifest sends it to a node.
import type { NormalizedFargateProfile, NormalizedService, NormalizedSpec } from '../../spec/model.js';

/**
 * AWS Fargate's CPU → memory table (MiB), for Linux. compiler/checks/placement.ts re-exports it as
 * FARGATE_MEMORY_MIB for ECS tasks; EKS pods are sized from the same table.
 */
export const FARGATE_SIZES_MIB: ReadonlyMap<number, readonly number[]> = new Map([
  [0.25, [512, 1024, 2048]],
  [0.5, range(1024, 4096, 1024)],
  [1, range(2048, 8192, 1024)],
  [2, range(4096, 16384, 1024)],
  [4, range(8192, 30720, 1024)],
  [8, range(16384, 61440, 4096)],
  [16, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/**
 * What EKS adds to every Fargate pod's memory request for the Kubernetes components in its VM
 * (kubelet, kube-proxy, containerd) before rounding up to the table: docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html
 */
export const FARGATE_KUBELET_MIB = 256;

/**
 * The labels every pod of a service carries, which a profile's selector labels must be among.
 * emitters/kubernetes.ts podLabels writes the same set (test/services/eks-fargate.test.ts keeps them equal).
 */
export function fargateMatchLabels(spec: NormalizedSpec, s: NormalizedService): Record<string, string> {
  return { 'app.kubernetes.io/name': s.name, 'app.kubernetes.io/managed-by': 'dex', 'app.kubernetes.io/part-of': spec.name, 'dex/environment': spec.environment ?? 'default' };
}

/**
 * The profile whose selector takes this service's pods, first in file order as EKS does not say
 * which of several matching profiles wins (it picks one at random): dex prices the first. A
 * service's namespace is its name (services/iam.ts serviceAccount).
 */
export function fargateProfileOf(spec: NormalizedSpec, s: NormalizedService): NormalizedFargateProfile | undefined {
  if (s.placement !== 'eks') return undefined;
  const labels = fargateMatchLabels(spec, s);
  return spec.platforms.eks.fargateProfiles.find((p) => p.selectors.some((x) => x.namespace === s.name && Object.entries(x.labels).every(([k, v]) => labels[k] === v)));
}

export const onFargate = (spec: NormalizedSpec, s: NormalizedService): boolean => fargateProfileOf(spec, s) !== undefined;

/**
 * The Fargate size a pod is billed as: its requests, memory plus FARGATE_KUBELET_MIB, rounded up
 * to the smallest vCPU and memory pair that holds both; undefined when none does (above 16 vCPU
 * and 120 GiB).
 */
export function fargatePodSize(cpu: number, memoryMiB: number): { cpu: number; memoryMiB: number } | undefined {
  const need = memoryMiB + FARGATE_KUBELET_MIB;
  for (const [vcpu, memories] of FARGATE_SIZES_MIB) {
    if (vcpu < cpu) continue;
    const m = memories.find((x) => x >= need);
    if (m !== undefined) return { cpu: vcpu, memoryMiB: m };
  }
  return undefined;
}
