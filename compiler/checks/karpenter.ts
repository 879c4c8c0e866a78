// Karpenter (platforms.eks.autoscaler: karpenter): what would leave it unable to start or to launch
// the nodes the services need, found before a deploy instead of as pods stuck Pending.
import type { Finding } from '../../spec/diagnostics.js';
import { podResources, type NormalizedSpec } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';
import { repels } from '../model/node-groups.js';
import { karpenterArchitectures, karpenterServices, knownFamilies } from '../model/karpenter.js';
import type { SemanticRule } from './index.js';

const at = (...rest: (string | number)[]): (string | number)[] => ['platforms', 'eks', ...rest];

export const karpenterRule: SemanticRule = {
  id: 'karpenter',
  check(spec: NormalizedSpec): Finding[] {
    const eks = spec.platforms.eks;
    const onEks = Object.values(spec.services).some((s) => s.placement === 'eks');
    const findings: Finding[] = [];
    if (eks.autoscaler !== 'karpenter') {
      if (eks.karpenter && onEks) findings.push({ code: 'DEX817', severity: 'warning', message: 'platforms.eks.karpenter is set, but platforms.eks.autoscaler is cluster-autoscaler: the settings do nothing', path: at('karpenter'), atKey: true, hint: 'set platforms.eks.autoscaler: karpenter, or remove platforms.eks.karpenter' });
      return findings;
    }
    if (!onEks) return findings;
    const k = eks.karpenter;
    if (!k) {
      findings.push({ code: 'DEX816', severity: 'error', message: 'platforms.eks.autoscaler is karpenter, but platforms.eks.karpenter is missing: its node pool needs limits', path: at('autoscaler'), hint: 'add karpenter: { limits: { cpu: 100, memory: 400GiB } } under platforms.eks' });
      return findings;
    }
    if (!eks.nodeGroups.some((g) => g.min >= 1 && !repels(g))) {
      findings.push({
        code: 'DEX818',
        severity: 'error',
        message: 'Karpenter runs on nodes it did not launch, but no node group keeps a node (min ≥ 1) without a NoSchedule or NoExecute taint',
        path: at('nodeGroups'),
        hint: 'keep a small group for the cluster and Karpenter, e.g. { name: system, instanceType: t3.medium, min: 2, max: 2 }',
      });
    }
    const families = knownFamilies();
    (k.instanceFamilies ?? []).forEach((f, j) => {
      if (families.includes(f)) return;
      const near = suggest(f, families);
      findings.push({ code: 'DEX819', severity: 'error', message: `Karpenter may launch instance family ${f}, which the instance catalogue does not know`, path: at('karpenter', 'instanceFamilies', j), hint: near ? `did you mean ${near}?` : 'use an EC2 family such as m7i or c7g' });
    });
    const archs = karpenterArchitectures(spec, k);
    for (const s of karpenterServices(spec)) {
      if (!archs.includes(s.architecture)) {
        findings.push({ code: 'DEX819', severity: 'error', message: `${s.name} runs an ${s.architecture} image, but Karpenter may launch ${archs.join(', ')} nodes only (platforms.eks.karpenter.architectures)`, path: ['services', s.name, 'architecture'], hint: `add ${s.architecture} to platforms.eks.karpenter.architectures` });
      }
      const pod = podResources(s);
      const cpuOver = pod.cpu > k.limits.cpu;
      if (cpuOver || (k.limits.memoryMiB !== undefined && pod.memoryMiB > k.limits.memoryMiB)) {
        findings.push({
          code: 'DEX819',
          severity: 'error',
          message: `${s.name}: one pod requests ${cpuOver ? `${pod.cpu} vCPU` : pod.memory}, more than Karpenter may launch in all (limits ${k.limits.cpu} vCPU${k.limits.memory ? `, ${k.limits.memory}` : ''})`,
          path: ['services', s.name, 'resources', cpuOver ? 'cpu' : 'memory'],
          hint: 'raise platforms.eks.karpenter.limits, or lower the request',
        });
      }
    }
    return findings;
  },
};
