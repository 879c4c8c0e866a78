// Which EKS node groups a service's pods can land on: the groups it names (services.<name>.nodeGroups,
// whose taints it then tolerates), or else every group without a taint that repels it. The checks
// (architecture, pod fit) and the Kubernetes emitter agree on this one answer.
import type { NormalizedNodeGroup, NormalizedService, NormalizedSpec } from '../../spec/model.js';

/** A taint that keeps pods without a toleration off the node (PreferNoSchedule only discourages). */
export const repels = (g: NormalizedNodeGroup): boolean => g.taints.some((t) => t.effect !== 'PreferNoSchedule');

export function schedulableNodeGroups(spec: NormalizedSpec, s: NormalizedService): readonly NormalizedNodeGroup[] {
  const groups = spec.platforms.eks.nodeGroups;
  return s.nodeGroups.length ? groups.filter((g) => s.nodeGroups.includes(g.name)) : groups.filter((g) => !repels(g));
}
