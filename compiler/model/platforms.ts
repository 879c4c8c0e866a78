// Whether the spec has an EKS cluster: a service placed on it, or platforms.eks.create: always (a
// cluster for workloads other tools deploy). Every block, check and emitter asks this one question.
import type { NormalizedSpec } from '../../spec/model.js';

export function hasEksCluster(spec: NormalizedSpec): boolean {
  return spec.platforms.eks.create === 'always' || Object.values(spec.services).some((s) => s.placement === 'eks');
}
