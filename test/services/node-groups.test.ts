// EKS node group options (issue 15, "Capacity"): several instance types, labels, taints, AMI family,
// zone pinning, desired ≠ min, update config, Spot; services choosing groups by selector and
// tolerations; the rules DEX315, DEX336–DEX339 and DEX349, located in the file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Analysis } from '../../pipeline/analyze.js';
import { compileEmit } from '../../pipeline/emit.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { labelKeyProblem } from '../../compiler/checks/node-groups.js';
import { analyzed, lineOf, valid } from '../support/analyzed.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';

const FILE = 'test/fixtures/spec/node-groups.dex.yaml';
const SPEC = readFileSync(FILE, 'utf8');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const byId = (a: Analysis, id: string): Obj => a.compiled[0]!.model!.resources.find((r) => r.logicalId === id)!.properties as Obj;
function podSpec(a: Analysis, service: string): Obj {
  const file = compileEmit(a.compiled[0]!).files.find((f) => f.path === `kubernetes/${service}/deployment.yaml`)!;
  return (parse(file.content) as Obj).spec.template.spec;
}

describe('the node groups', () => {
  const a = valid(SPEC);

  it('a Spot group of three types, in zone 1 only, with its labels and taint', () => {
    const g = byId(a, 'EksNodeGroupSpotBatch');
    expect(g.InstanceTypes).toEqual(['m6i.large', 'm5.large', 'm5a.large']);
    expect(g.CapacityType).toBe('SPOT');
    expect(g.Subnets).toEqual([{ Ref: 'PrivateSubnetA' }]);
    expect(g.ScalingConfig).toEqual({ MinSize: 0, MaxSize: 10, DesiredSize: 0 });
    expect(g.Labels).toEqual({ workload: 'batch', 'example.com/team': 'data', 'dex/node-group': 'spot-batch' });
    expect(g.Taints).toEqual([{ Key: 'dedicated', Value: 'batch', Effect: 'NO_SCHEDULE' }]);
  });

  it('desired apart from min, a percentage update, every zone by default', () => {
    const g = byId(a, 'EksNodeGroupGeneral');
    expect(g.ScalingConfig).toEqual({ MinSize: 2, MaxSize: 5, DesiredSize: 3 });
    expect(g.UpdateConfig).toEqual({ MaxUnavailablePercentage: 33 });
    expect(g.Subnets).toHaveLength(3);
    expect(g.Taints).toBeUndefined();
  });

  it('Bottlerocket on Graviton: its AMI type, a 4 GiB OS volume and the data volume of diskGiB, both encrypted', () => {
    expect(byId(a, 'EksNodeGroupGraviton').AmiType).toBe('BOTTLEROCKET_ARM_64');
    const volumes = byId(a, 'EksNodeGroupGravitonLaunchTemplate').LaunchTemplateData.BlockDeviceMappings as Obj[];
    expect(volumes.map((v) => [v.DeviceName, v.Ebs.VolumeSize, v.Ebs.Encrypted])).toEqual([['/dev/xvda', 4, true], ['/dev/xvdb', 40, true]]);
  });

  it('the templates validate against the CloudFormation resource schemas', () => {
    const templates = outTree(FILE).filter((f) => /cloudformation\/.*-eks\.ya?ml$/.test(f.path));
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) expect(validateTemplate(parse(t.content, { version: '1.1' })), t.path).toEqual([]);
  });
});

describe('services choosing node groups', () => {
  const a = valid(SPEC);

  it('one group: a nodeSelector on dex/node-group and the tolerations of its taints', () => {
    const pod = podSpec(a, 'batch');
    expect(pod.nodeSelector).toEqual({ 'dex/node-group': 'spot-batch' });
    expect(pod.tolerations).toEqual([{ effect: 'NoSchedule', key: 'dedicated', operator: 'Equal', value: 'batch' }]);
    expect(pod.affinity).toBeUndefined();
  });

  it('several groups: required node affinity over them, with every taint tolerated', () => {
    const pod = podSpec(a, 'reports');
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'dex/node-group', operator: 'In', values: ['general', 'spot-batch'] }] }]);
    expect(pod.tolerations).toHaveLength(1);
    expect(pod.nodeSelector).toBeUndefined();
  });

  it('no choice: nothing added, so the scheduler keeps the pods off tainted nodes', () => {
    const pod = podSpec(a, 'api');
    expect([pod.nodeSelector, pod.affinity, pod.tolerations]).toEqual([undefined, undefined, undefined]);
  });

  it('a pod is checked against the groups it can reach: the arm64 service fits the Graviton group only', () => {
    // Without its choice, edge (arm64) could reach no untainted arm64 group but graviton anyway; moving
    // it to the general group (x86_64) leaves its image nowhere to run.
    const d = analyzed(SPEC.replace('nodeGroups: [graviton]', 'nodeGroups: [general]')).diagnostics.find((x) => x.code === 'DEX308');
    expect(d?.path).toEqual(['services', 'edge', 'architecture']);
  });

  it('a pod must fit the smallest type of a group', () => {
    const text = SPEC.replace('instanceTypes: [m6i.large, m5.large, m5a.large]', 'instanceTypes: [m6i.xlarge, m5.large]').replace('batch: { placement: eks, nodeGroups: [spot-batch] }', 'batch: { placement: eks, nodeGroups: [spot-batch], resources: { cpu: 3, memory: 6GiB } }');
    const d = analyzed(text).diagnostics.find((x) => x.code === 'DEX316');
    expect(d?.message).toContain('m5.large (node group spot-batch)');
  });
});

describe('the rules', () => {
  it.each([
    ['DEX336', 'instanceType and instanceTypes', SPEC.replace('instanceTypes: [m6i.large, m5.large, m5a.large]', 'instanceType: m6i.large\n        instanceTypes: [m6i.large, m5.large]'), ['platforms', 'eks', 'nodeGroups', 1, 'instanceTypes'], 'instanceTypes:', 'spot-batch'],
    ['DEX336', 'mixed architectures', SPEC.replace('[m6i.large, m5.large, m5a.large]', '[m6i.large, m6g.large]'), ['platforms', 'eks', 'nodeGroups', 1, 'instanceTypes', 1], 'instanceTypes:', 'spot-batch'],
    ['DEX315', 'types of different sizes', SPEC.replace('[m6i.large, m5.large, m5a.large]', '[m6i.large, m5.xlarge]'), ['platforms', 'eks', 'nodeGroups', 1, 'instanceTypes'], 'instanceTypes:', 'spot-batch'],
    ['DEX337', 'a reserved label', SPEC.replace('labels: { workload: batch,', 'labels: { node.kubernetes.io/role: batch,'), ['platforms', 'eks', 'nodeGroups', 1, 'labels', 'node.kubernetes.io/role'], 'node.kubernetes.io/role', 'spot-batch'],
    ['DEX337', 'a taint key that is no label key', SPEC.replace('key: dedicated,', 'key: "-dedicated",'), ['platforms', 'eks', 'nodeGroups', 1, 'taints', 0, 'key'], 'taints:', 'spot-batch'],
    ['DEX338', 'an unknown group, with the near name', SPEC.replace('nodeGroups: [spot-batch] }', 'nodeGroups: [spot-bach] }'), ['services', 'batch', 'nodeGroups', 0], 'spot-bach', 'services:'],
    ['DEX339', 'desired above max', SPEC.replace('desired: 3', 'desired: 7'), ['platforms', 'eks', 'nodeGroups', 0, 'desired'], 'desired', 'general'],
    ['DEX339', 'a zone the VPC does not have', SPEC.replace('zones: [1]', 'zones: [4]'), ['platforms', 'eks', 'nodeGroups', 1, 'zones', 0], 'zones:', 'spot-batch'],
    [
      'DEX349',
      'every group tainted',
      SPEC.replace("update: { maxUnavailablePercent: 33 } }", "update: { maxUnavailablePercent: 33 }, taints: [{ key: a, effect: NoExecute }] }").replace('labels: { arch: arm } }', 'labels: { arch: arm }, taints: [{ key: b, effect: NoSchedule }] }'),
      ['platforms', 'eks', 'nodeGroups'],
      '- { name: general',
      'eks:',
    ],
  ])('%s: %s', (code, _what, text, path, needle, after) => {
    const d = analyzed(text).diagnostics.find((x) => x.code === code);
    expect(d, code).toBeDefined();
    expect(d!.path).toEqual(path);
    expect(d!.line).toBe(lineOf(text, needle, after));
    if (code === 'DEX338') expect(d!.hint).toBe('did you mean spot-batch?');
  });

  it('label keys: a prefix must be a DNS subdomain and not reserved', () => {
    expect(labelKeyProblem('workload')).toBeUndefined();
    expect(labelKeyProblem('example.com/team')).toBeUndefined();
    expect(labelKeyProblem('dex/node-group')).toContain('reserved');
    expect(labelKeyProblem('k8s.io/x')).toContain('reserved');
    expect(labelKeyProblem('Example.com/x')).toContain('DNS subdomain');
    expect(labelKeyProblem('a'.repeat(64))).toContain('63');
  });

  it('PreferNoSchedule taints leave the group open to the cluster itself', () => {
    valid(SPEC.replace("update: { maxUnavailablePercent: 33 } }", "update: { maxUnavailablePercent: 33 }, taints: [{ key: a, effect: PreferNoSchedule }] }").replace('labels: { arch: arm } }', 'labels: { arch: arm }, taints: [{ key: b, effect: NoSchedule }] }'));
  });
});

describe('pricing', () => {
  const env = buildPlan(planTargets(valid(SPEC), undefined), loadSnapshotSource()).environments[0]!;
  const lines = (resource: string, meter: string) => env.lineItems.filter((l) => l.resource === resource && l.meter === meter);

  it('a group of several types is priced as its first, and says so', () => {
    const [line] = lines('EksNodeGroupSpotBatch', 'ec2.instance');
    expect(line!.basis).toContain('priced as m6i.large, the first of m6i.large, m5.large, m5a.large');
    expect(line!.spot).toBeDefined();
  });

  it('Bottlerocket nodes pay for both volumes', () => {
    const [line] = lines('EksNodeGroupGraviton', 'ebs.storage');
    expect(line!.quantity).toEqual({ min: 44, max: 132 });
    expect(line!.basis).toBe('4 GiB OS and 40 GiB data gp3 volumes × 1..3 nodes');
  });
});
