// Placement rules: settings only mean something on some placements, instance types must match
// the image's architecture, Fargate takes only AWS's CPU/memory pairs, and a pod must fit a node.
import type { Finding } from '../../spec/diagnostics.js';
import { podResources, sidecarsOf, type NormalizedService, type NormalizedSpec } from '../../spec/model.js';
import { GRAVITON_FAMILIES, eksAllocatable, instanceShape, isGraviton } from '../model/instance-types.js';
import { schedulableNodeGroups } from '../model/node-groups.js';
import { FARGATE_SIZES_MIB, onFargate } from '../model/fargate-profiles.js';
import { usesKarpenter } from '../model/karpenter.js';
import type { SemanticRule } from './index.js';

/** A pod Karpenter may launch a node for: no node group chosen (a nodeSelector on dex/node-group keeps it on the managed groups). */
const onKarpenter = (spec: NormalizedSpec, s: NormalizedService): boolean => usesKarpenter(spec) && s.nodeGroups.length === 0;
const svcPath = (s: NormalizedService, ...rest: (string | number)[]): (string | number)[] => ['services', s.name, ...rest];
const placedBy = (s: NormalizedService): string => (s.placementDecision.source === 'auto' ? `dex placed it on ${s.placement} (placement: auto)` : `its placement is ${s.placement}`);

export const placementSettingsRule: SemanticRule = {
  id: 'placement-settings',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      if (s.placement !== 'ec2') {
        if (s.instanceType !== undefined) {
          findings.push({
            code: 'DEX310',
            message: `${s.name}: instanceType applies only to placement ec2, but ${placedBy(s)}`,
            path: svcPath(s, 'instanceType'),
            atKey: true,
            hint: s.placement === 'eks' ? 'set placement: ec2, or remove instanceType (EKS nodes are sized in platforms.eks.nodeGroups)' : 'set placement: ec2, or remove instanceType (Fargate is sized by resources.cpu and resources.memory)',
          });
        }
        if (s.storageGiBDeclared) {
          findings.push({ code: 'DEX310', message: `${s.name}: storageGiB applies only to placement ec2, but ${placedBy(s)}`, path: svcPath(s, 'storageGiB'), atKey: true, hint: 'set placement: ec2, or remove storageGiB' });
        }
      }
      if (s.placement !== 'eks' && s.scaling.vertical) {
        findings.push({
          code: 'DEX310',
          message: `${s.name}: scaling.vertical (the Vertical Pod Autoscaler) applies only to placement eks, but ${placedBy(s)}`,
          path: svcPath(s, 'scaling', 'vertical'),
          atKey: true,
          hint: 'set placement: eks, or remove scaling.vertical',
        });
      }
    }
    return findings;
  },
};

export const architectureRule: SemanticRule = {
  id: 'architecture',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const groups = spec.platforms.eks.nodeGroups;
    for (const s of Object.values(spec.services)) {
      if (s.placement === 'ec2' && s.instanceType !== undefined) {
        const arm = isGraviton(s.instanceType);
        if (s.architecture === 'arm64' && !arm) {
          findings.push({
            code: 'DEX308',
            message: `${s.name} runs an arm64 image, but ${s.instanceType} is an x86_64 instance type`,
            path: svcPath(s, 'instanceType'),
            hint: `use a Graviton type (families ${GRAVITON_FAMILIES.join(', ')}), e.g. ${gravitonTwin(s.instanceType)}, or set architecture: x86_64`,
          });
        } else if (s.architecture === 'x86_64' && arm) {
          findings.push({
            code: 'DEX308',
            message: `${s.name} runs an x86_64 image, but ${s.instanceType} is a Graviton (arm64) instance type`,
            path: svcPath(s, 'instanceType'),
            hint: `set architecture: arm64 if the image is built for arm64, or use an x86_64 type such as ${x86Twin(s.instanceType)}`,
          });
        }
      }
      // A Fargate pod lands on no node group (DEX812 checks its architecture).
      // Karpenter launches nodes of any size and architecture its pool allows for a pod that chooses no group (DEX819).
      const reachable = s.placement === 'eks' && !onFargate(spec, s) && !onKarpenter(spec, s) ? schedulableNodeGroups(spec, s) : [];
      if (s.placement === 'eks' && reachable.length > 0 && !reachable.some((g) => instanceShape(g.instanceType)?.architecture === s.architecture)) {
        const types = [...new Set(reachable.map((g) => g.instanceType))].join(', ');
        findings.push({
          code: 'DEX308',
          message: `${s.name} runs an ${s.architecture} image, but every EKS node group runs ${s.architecture === 'arm64' ? 'x86_64' : 'arm64'} instances (${types}), so its pods can never be scheduled`,
          path: svcPath(s, 'architecture'),
          hint: s.architecture === 'arm64' ? `add a node group of Graviton instances (e.g. ${gravitonTwin(groups[0]!.instanceType)}), or set architecture: x86_64` : `add a node group of x86_64 instances (e.g. ${x86Twin(groups[0]!.instanceType)}), or set architecture: arm64`,
        });
      }
    }
    return findings;
  },
};

/** The closest Graviton type: t3.small → t4g.small, m5.large → m6g.large. */
function gravitonTwin(t: string): string {
  const [family, size] = t.split('.') as [string, string];
  if (family.startsWith('t')) return `t4g.${size}`;
  return `${family[0]}7g.${size === 'nano' || size === 'micro' || size === 'small' ? 'medium' : size}`;
}

function x86Twin(t: string): string {
  const [family, size] = t.split('.') as [string, string];
  if (family.startsWith('t')) return `t3.${size}`;
  return `${family[0]}7i.${size === 'medium' ? 'large' : size}`;
}

/** AWS Fargate's CPU → memory table (MiB), for Linux tasks. */
export const FARGATE_MEMORY_MIB: ReadonlyMap<number, readonly number[]> = FARGATE_SIZES_MIB;

const formatMiB = (mib: number): string => (mib % 1024 === 0 ? `${mib / 1024}GiB` : `${mib}MiB`);

export const fargateRule: SemanticRule = {
  id: 'fargate',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      // With sidecars the task is the sum of its containers: compiler/checks/sidecars.ts checks that (DEX832).
      // On EC2 container instances (capacity.ec2) a task is sized by the instance, not Fargate's table.
      if (s.placement !== 'ecs' || sidecarsOf(s).length > 0 || s.capacity?.ec2 !== undefined) continue;
      const { cpu, memory, memoryMiB } = s.resources;
      const allowed = FARGATE_MEMORY_MIB.get(cpu);
      if (!allowed) {
        findings.push({
          code: 'DEX309',
          message: `${s.name}: Fargate has no ${cpu} vCPU size`,
          path: svcPath(s, 'resources', 'cpu'),
          hint: `on placement ecs, cpu is one of ${[...FARGATE_MEMORY_MIB.keys()].join(', ')}`,
        });
        continue;
      }
      if (allowed.includes(memoryMiB)) continue;
      findings.push({
        code: 'DEX309',
        message: `${s.name}: Fargate does not offer ${memory} of memory with ${cpu} vCPU`,
        path: svcPath(s, 'resources', 'memory'),
        hint: `with cpu ${cpu}, memory is one of ${allowed.map(formatMiB).join(', ')}`,
      });
    }
    return findings;
  },
};

export const podFitRule: SemanticRule = {
  id: 'pod-fit',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      if (s.placement !== 'eks' || onFargate(spec, s) || onKarpenter(spec, s)) continue; // Fargate sizes the VM to the pod (DEX811), Karpenter the node (DEX819)
      const groups = schedulableNodeGroups(spec, s).filter((g) => instanceShape(g.instanceType)?.architecture === s.architecture);
      // A group of several types may launch any of them: a pod must fit the smallest.
      const sized = groups.flatMap((g) => {
        const shapes = g.instanceTypes.map((t) => ({ instanceType: t, allocatable: eksAllocatable(t) }));
        if (shapes.some((x) => x.allocatable === undefined)) return [];
        const smallest = shapes.sort((a, b) => a.allocatable!.memoryMiB - b.allocatable!.memoryMiB || a.allocatable!.cpu - b.allocatable!.cpu)[0]!;
        return [{ group: g, instanceType: smallest.instanceType, ...smallest.allocatable! }];
      });
      if (sized.length === 0) continue; // no node of its architecture: DEX308 says so
      // A pod requests its main container's resources and its native sidecars' together.
      const { cpu, memoryMiB, memory } = podResources(s);
      if (sized.some((n) => cpu <= n.cpu && memoryMiB <= n.memoryMiB)) continue;
      const largest = [...sized].sort((a, b) => b.memoryMiB - a.memoryMiB || b.cpu - a.cpu)[0]!;
      const cpuShort = cpu > largest.cpu;
      findings.push({
        code: 'DEX316',
        message:
          `${s.name}: a pod requests ${cpu} vCPU and ${memory}${sidecarsOf(s).length ? ' (with its sidecars)' : ''}, more than any EKS node can hold; ` +
          `the largest, ${largest.instanceType} (node group ${largest.group.name}), leaves about ${round(largest.cpu)} vCPU and ${Math.floor(largest.memoryMiB)}MiB for pods after the kubelet's reservation`,
        path: svcPath(s, 'resources', cpuShort ? 'cpu' : 'memory'),
        hint: `lower resources.${cpuShort ? 'cpu' : 'memory'}, or use a larger instanceType in platforms.eks.nodeGroups`,
      });
    }
    return findings;
  },
};

const round = (n: number): number => Math.round(n * 100) / 100;
