// Bound rules: every min is at most its max, and storage autoscaling has room to grow.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

export const boundsRule: SemanticRule = {
  id: 'bounds',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      if (s.scaling.min > s.scaling.max) {
        findings.push({
          code: 'DEX307',
          message: `${s.name}: scaling.min ${s.scaling.min} is above scaling.max ${s.scaling.max}`,
          path: ['services', s.name, 'scaling', 'min'],
          hint: `lower min to ${s.scaling.max} or raise max to ${s.scaling.min} or more`,
        });
      }
    }
    spec.platforms.eks.nodeGroups.forEach((g, i) => {
      if (g.min > g.max) {
        findings.push({
          code: 'DEX307',
          message: `EKS node group ${g.name}: min ${g.min} is above max ${g.max}`,
          path: ['platforms', 'eks', 'nodeGroups', i, 'min'],
          hint: `lower min to ${g.max} or raise max to ${g.min} or more`,
        });
      }
    });
    for (const c of Object.values(spec.caches)) {
      if (c.nodes.min > c.nodes.max) {
        findings.push({
          code: 'DEX307',
          message: `cache ${c.name}: nodes.min ${c.nodes.min} is above nodes.max ${c.nodes.max}`,
          path: ['caches', c.name, 'nodes', 'min'],
          hint: `lower min to ${c.nodes.max} or raise max to ${c.nodes.min} or more`,
        });
      }
    }
    for (const d of Object.values(spec.databases)) {
      if (d.maxStorageGiB !== undefined && d.maxStorageGiB <= d.storageGiB) {
        findings.push({
          code: 'DEX307',
          message: `database ${d.name}: maxStorageGiB ${d.maxStorageGiB} is not above storageGiB ${d.storageGiB}, so storage could never grow`,
          path: ['databases', d.name, 'maxStorageGiB'],
          hint: `set maxStorageGiB above ${d.storageGiB} (e.g. ${d.storageGiB * 2}), or remove it to turn storage autoscaling off`,
        });
      }
    }
    return findings;
  },
};
