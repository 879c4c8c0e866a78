// EKS node group options (instance type mixes, labels, taints, zones, sizes) and the services that
// choose groups. What is checked here is what the EKS API or the scheduler would refuse or get wrong
// only after a deploy: a taint that leaves the cluster's own pods nowhere to run, a label EKS
// rejects, a pod pinned to a group that does not exist.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedNodeGroup, NormalizedSpec } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';
import { instanceShape } from '../model/instance-types.js';
import { repels } from '../model/node-groups.js';
import type { SemanticRule } from './index.js';
import { hasEksCluster } from '../model/platforms.js';

/** A label name or the part after a prefix's slash: 63 characters, alphanumeric at both ends (Kubernetes). */
const LABEL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
/** A DNS subdomain, the optional prefix of a label key. */
const LABEL_PREFIX = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
/** Prefixes EKS or Kubernetes keep for themselves, and dex's own (dex/node-group). */
const RESERVED = (prefix: string): boolean => prefix === 'dex' || prefix === 'kubernetes.io' || prefix.endsWith('.kubernetes.io') || prefix === 'k8s.io' || prefix.endsWith('.k8s.io');

/** Why a label or taint key is not one, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !LABEL_PREFIX.test(prefix)) return `its prefix ${prefix} is not a DNS subdomain`;
  if (!LABEL_NAME.test(name)) return 'a name is at most 63 letters, digits, -, _ or ., starting and ending with a letter or digit';
  if (prefix !== undefined && RESERVED(prefix)) return `the prefix ${prefix}/ is reserved (Kubernetes, EKS and dex set those labels themselves)`;
  return undefined;
}

export const nodeGroupsRule: SemanticRule = {
  id: 'node-groups',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const groups = spec.platforms.eks.nodeGroups;
    groups.forEach((g, i) => findings.push(...groupFindings(spec, g, ['platforms', 'eks', 'nodeGroups', i])));
    if (hasEksCluster(spec) && groups.length > 0 && groups.every(repels)) {
      findings.push({
        code: 'DEX349',
        severity: 'error',
        message: `every EKS node group has a NoSchedule or NoExecute taint: the cluster's own pods (CoreDNS, the load balancer controller, the cluster autoscaler) and services that choose no group have nowhere to run`,
        path: ['platforms', 'eks', 'nodeGroups'],
        hint: 'keep one node group without taints (or with PreferNoSchedule only) for the cluster itself',
      });
    }
    const names = groups.map((g) => g.name);
    for (const s of Object.values(spec.services)) {
      s.nodeGroups.forEach((name, j) => {
        const path = ['services', s.name, 'nodeGroups', j];
        if (s.placement !== 'eks') {
          findings.push({ code: 'DEX338', severity: 'error', message: `${s.name} runs on ${s.placement}: nodeGroups chooses EKS nodes and has no effect there`, path, hint: 'remove nodeGroups, or set placement: eks' });
          return;
        }
        if (names.includes(name)) return;
        const near = suggest(name, names);
        findings.push({
          code: 'DEX338',
          severity: 'error',
          message: `${s.name} chooses node group ${name}, which platforms.eks.nodeGroups does not have`,
          path,
          hint: near ? `did you mean ${near}?` : names.length ? `the node groups are ${names.join(', ')}` : 'add it to platforms.eks.nodeGroups',
        });
      });
    }
    return findings;
  },
};

function groupFindings(spec: NormalizedSpec, g: NormalizedNodeGroup, at: (string | number)[]): Finding[] {
  const out: Finding[] = [];
  if (g.declared.instanceType && g.declared.instanceTypes) {
    out.push({ code: 'DEX336', severity: 'error', message: `node group ${g.name} sets both instanceType and instanceTypes`, path: [...at, 'instanceTypes'], hint: `list ${g.instanceTypes.join(', ')} in instanceTypes only (the first is the one dex prices), and remove instanceType` });
  }
  const shapes = g.instanceTypes.map((t) => instanceShape(t));
  const first = shapes[0];
  if (first) {
    shapes.forEach((shape, j) => {
      if (shape && shape.architecture !== first.architecture) {
        out.push({
          code: 'DEX336',
          severity: 'error',
          message: `node group ${g.name} mixes architectures: ${g.instanceTypes[j]} is ${shape.architecture}, ${g.instanceTypes[0]} ${first.architecture}; a node group has one AMI, of one architecture`,
          path: [...at, 'instanceTypes', j],
          hint: 'put the arm64 (Graviton) and x86_64 types in separate node groups',
        });
      }
    });
    const differ = g.instanceTypes.filter((_, j) => shapes[j] && shapes[j].architecture === first.architecture && (shapes[j].vcpu !== first.vcpu || shapes[j].memoryGiB !== first.memoryGiB));
    if (differ.length) {
      out.push({
        code: 'DEX315',
        severity: 'warning',
        message: `node group ${g.name}: ${differ.join(', ')} differ in vCPU or memory from ${g.instanceTypes[0]}; the cluster autoscaler sizes every node of the group as the first type, and dex prices it`,
        path: [...at, 'instanceTypes'],
        hint: `list types of ${first.vcpu} vCPU and ${first.memoryGiB} GiB (e.g. the same size of sibling families), or make a node group per size`,
      });
    }
  }
  for (const [key, value] of Object.entries(g.labels)) {
    const problem = labelKeyProblem(key);
    if (problem) out.push({ code: 'DEX337', severity: 'error', message: `node group ${g.name}: label ${key} cannot be set: ${problem}`, path: [...at, 'labels', key], hint: 'use a key of your own, e.g. workload or example.com/team' });
    else if (value !== '' && !LABEL_NAME.test(value)) out.push({ code: 'DEX337', severity: 'error', message: `node group ${g.name}: the value of label ${key} is not a label value (at most 63 letters, digits, -, _ or ., starting and ending with a letter or digit)`, path: [...at, 'labels', key], hint: 'shorten it or drop the other characters' });
  }
  const seen = new Set<string>();
  g.taints.forEach((t, j) => {
    const problem = labelKeyProblem(t.key);
    if (problem) out.push({ code: 'DEX337', severity: 'error', message: `node group ${g.name}: taint key ${t.key} cannot be used: ${problem}`, path: [...at, 'taints', j, 'key'], hint: 'use a key of your own, e.g. dedicated' });
    else if (t.value !== undefined && t.value !== '' && !LABEL_NAME.test(t.value)) out.push({ code: 'DEX337', severity: 'error', message: `node group ${g.name}: taint ${t.key}'s value is not a label value`, path: [...at, 'taints', j, 'value'], hint: 'at most 63 letters, digits, -, _ or ., starting and ending with a letter or digit' });
    const id = `${t.key}:${t.effect}`;
    if (seen.has(id)) out.push({ code: 'DEX337', severity: 'error', message: `node group ${g.name} has two ${t.effect} taints with key ${t.key}; EKS keeps one per key and effect`, path: [...at, 'taints', j], hint: 'remove one of them' });
    seen.add(id);
  });
  // min above max is DEX307's; desired (min when left out) is then out of range for that reason alone.
  if (g.min <= g.max && (g.desired < g.min || g.desired > g.max)) {
    out.push({ code: 'DEX339', severity: 'error', message: `node group ${g.name}: desired ${g.desired} is outside min ${g.min} to max ${g.max}`, path: [...at, 'desired'], hint: `set desired between ${g.min} and ${g.max}, or leave it out (it starts at min)` });
  }
  (g.zones ?? []).forEach((z, j) => {
    if (z > spec.network.availabilityZones) {
      out.push({ code: 'DEX339', severity: 'error', message: `node group ${g.name}: zone ${z} does not exist; the VPC spans ${spec.network.availabilityZones} zone${spec.network.availabilityZones === 1 ? '' : 's'} (network.availabilityZones)`, path: [...at, 'zones', j], hint: `use zones 1 to ${spec.network.availabilityZones}, or raise network.availabilityZones` });
    }
  });
  if (g.update.maxUnavailable !== undefined && g.update.maxUnavailablePercent !== undefined) {
    out.push({ code: 'DEX339', severity: 'error', message: `node group ${g.name}: update sets both maxUnavailable and maxUnavailablePercent; EKS takes one`, path: [...at, 'update'], hint: 'keep one of them' });
  }
  return out;
}
