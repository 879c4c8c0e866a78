// Karpenter's node pool as dex derives it (platforms.eks.autoscaler: karpenter): the instance
// families and architectures it may launch when the spec leaves them out, the type the plan prices
// its nodes as, and the services whose pods it launches nodes for. The checks, services/karpenter.ts
// and the Kubernetes emitter read these, so the NodePool, its IAM and its price agree.
import type { NormalizedKarpenter, NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { instanceShape, knownInstanceTypes } from './instance-types.js';
import { onFargate } from './fargate-profiles.js';

export const usesKarpenter = (spec: NormalizedSpec): boolean => spec.platforms.eks.autoscaler === 'karpenter' && spec.platforms.eks.karpenter !== undefined;

export const familyOf = (instanceType: string): string => instanceType.slice(0, instanceType.indexOf('.'));

/** Every EC2 family of the shipped instance catalogue. */
export function knownFamilies(): string[] {
  return [...new Set(knownInstanceTypes().map(familyOf))].sort();
}

/** The EKS services on nodes (not on Fargate): the pods Karpenter may launch nodes for. */
export function karpenterServices(spec: NormalizedSpec): NormalizedService[] {
  return Object.values(spec.services).filter((s) => s.placement === 'eks' && !onFargate(spec, s));
}

export function karpenterFamilies(spec: NormalizedSpec, k: NormalizedKarpenter): readonly string[] {
  return k.instanceFamilies ?? [...new Set(spec.platforms.eks.nodeGroups.flatMap((g) => g.instanceTypes.map(familyOf)))];
}

export function karpenterArchitectures(spec: NormalizedSpec, k: NormalizedKarpenter): readonly ('x86_64' | 'arm64')[] {
  if (k.architectures) return k.architectures;
  const archs = new Set(karpenterServices(spec).map((s) => s.architecture));
  return archs.size ? (['x86_64', 'arm64'] as const).filter((a) => archs.has(a)) : ['x86_64'];
}

/** Kubernetes' name of an architecture (the kubernetes.io/arch label). */
export const KUBE_ARCH = { x86_64: 'amd64', arm64: 'arm64' } as const;

/**
 * The type dex prices Karpenter's nodes as: the xlarge (else large) of the first family listed.
 * Karpenter chooses among many; the plan says which it assumed.
 */
export function karpenterReferenceType(spec: NormalizedSpec, k: NormalizedKarpenter): string | undefined {
  for (const family of karpenterFamilies(spec, k)) {
    for (const size of ['xlarge', 'large', '2xlarge', 'medium']) if (instanceShape(`${family}.${size}`)) return `${family}.${size}`;
  }
  return undefined;
}
