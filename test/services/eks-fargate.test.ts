// EKS Fargate profiles (issue 15, "Capacity"): the profiles and their pod execution role, the
// pods they take priced as EKS Fargate at the size Fargate bills, and DEX810–DEX815, located.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { FARGATE_SIZES_MIB, fargateMatchLabels, fargatePodSize } from '../../compiler/model/fargate-profiles.js';
import { podLabels } from '../../emitters/kubernetes.js';
import { compileEmit } from '../../pipeline/emit.js';
import { schemaErrors } from '../support/k8s-schemas.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';

const FILE = 'test/fixtures/spec/fargate-profiles.dex.yaml';
const SPEC = readFileSync(FILE, 'utf8');

const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock, includeInfo: true });
function valid(text: string): Analysis {
  const a = analyzed(text);
  expect(a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return a;
}
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const resources = (a: Analysis) => a.compiled[0]!.model!.resources;
const byId = (a: Analysis, id: string): Obj => resources(a).find((r) => r.logicalId === id)!.properties as Obj;
const lineOf = (text: string, needle: string, after = ''): number => {
  const lines = text.split('\n');
  const from = after ? lines.findIndex((l) => l.includes(after)) : 0;
  return lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
};

describe('the profiles', () => {
  const a = valid(SPEC);

  it('one FargateProfile per entry, in the private subnets, the second waiting for the first', () => {
    expect(byId(a, 'EksFargateProfileBatch')).toMatchObject({
      ClusterName: { Ref: 'EksCluster' },
      FargateProfileName: 'batch',
      PodExecutionRoleArn: { 'Fn::GetAtt': ['EksFargatePodExecutionRole', 'Arn'] },
      Subnets: [{ Ref: 'PrivateSubnetA' }, { Ref: 'PrivateSubnetB' }],
      Selectors: [{ Namespace: 'reports' }],
    });
    expect(byId(a, 'EksFargateProfileApiOnFargate').Selectors).toEqual([{ Namespace: 'api', Labels: [{ Key: 'app.kubernetes.io/name', Value: 'api' }] }]);
    expect(resources(a).find((r) => r.logicalId === 'EksFargateProfileApiOnFargate')!.dependsOn).toEqual(['EksFargateProfileBatch']);
  });

  it('the pod execution role: exactly the managed Fargate policy, trusted by this cluster\'s profiles only', () => {
    const role = byId(a, 'EksFargatePodExecutionRole');
    expect(role.ManagedPolicyArns).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy' }]);
    expect(role.Policies).toBeUndefined();
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:fargateprofile/farm/*' } } },
      },
    ]);
  });

  it('the templates validate against the CloudFormation resource schemas', () => {
    const templates = outTree(FILE).filter((f) => /cloudformation\/.*\.ya?ml$/.test(f.path));
    expect(templates.some((t) => t.content.includes('AWS::EKS::FargateProfile'))).toBe(true);
    for (const t of templates) expect(validateTemplate(parse(t.content, { version: '1.1' })), t.path).toEqual([]);
  });

  it('a selector\'s labels are matched against the labels the Deployment puts on the pods', () => {
    const spec = a.compiled[0]!.spec;
    for (const s of Object.values(spec.services)) expect(fargateMatchLabels(spec, s)).toEqual(podLabels(spec, s));
  });

  it('a selector label the pods do not carry takes them off Fargate', () => {
    const b = valid(SPEC.replace('labels: { app.kubernetes.io/name: api }', 'labels: { tier: fargate }'));
    expect(resources(b).find((r) => r.logicalId === 'EksFargateProfileApiOnFargate')!.usage).toEqual([]);
  });

  it('no profiles: nothing emitted', () => {
    const b = valid(SPEC.replace(/    fargateProfiles:[\s\S]*?services:/, 'services:'));
    expect(resources(b).filter((r) => r.logicalId.startsWith('EksFargate'))).toEqual([]);
  });
});

describe('the Fargate pods\' security group', () => {
  const a = valid(SPEC);
  const files = compileEmit(a.compiled[0]!).files;

  it('a SecurityGroupPolicy per Fargate service gives its pods the node security group, strict against its CRD', () => {
    const policies = files.filter((f) => f.path.endsWith('/security-group-policy.yaml')).map((f) => parse(f.content) as Obj);
    expect(policies.map((p) => p.metadata.namespace)).toEqual(['api', 'reports']);
    expect(policies[0]!.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, securityGroups: { groupIds: ['${EKS_NODE_SECURITY_GROUP_ID}'] } });
    expect(policies.flatMap(schemaErrors)).toEqual([]);
    expect(schemaErrors({ ...policies[0]!, spec: { ...policies[0]!.spec, securityGroups: { groupIds: [] } } })).not.toEqual([]);
  });

  it('the kustomization fills in the node security group from the stack', () => {
    const k = parse(files.find((f) => f.path === 'kubernetes/kustomization.yaml')!.content) as Obj;
    const r = (k.replacements as Obj[]).find((x) => x.source.fieldPath === 'data.EKS_NODE_SECURITY_GROUP_ID')!;
    expect(r.targets.map((t: Obj) => t.select.namespace)).toEqual(['api', 'reports']);
    expect(files.find((f) => f.path === 'kubernetes/stack-outputs.sh')!.content).toContain('EKS_NODE_SECURITY_GROUP_ID');
  });

  it('the node service gets none', () => {
    expect(files.some((f) => f.path === 'kubernetes/web/security-group-policy.yaml')).toBe(false);
  });
});

describe('the Fargate size a pod is billed as', () => {
  it('memory plus 256 MiB, rounded up to the smallest pair that holds both', () => {
    expect(fargatePodSize(0.25, 512)).toEqual({ cpu: 0.25, memoryMiB: 1024 });
    expect(fargatePodSize(0.5, 1024)).toEqual({ cpu: 0.5, memoryMiB: 2048 });
    expect(fargatePodSize(0.25, 2048)).toEqual({ cpu: 0.5, memoryMiB: 3072 }); // 2304 MiB is past 0.25 vCPU's 2 GiB
    expect(fargatePodSize(1.5, 1024)).toEqual({ cpu: 2, memoryMiB: 4096 });
    expect(fargatePodSize(16, 122880)).toBeUndefined();
    expect(fargatePodSize(16, 122880 - 256)).toEqual({ cpu: 16, memoryMiB: 122880 });
    expect([...FARGATE_SIZES_MIB.keys()]).toEqual([0.25, 0.5, 1, 2, 4, 8, 16]);
  });
});

describe('pricing', () => {
  const env = buildPlan(planTargets(valid(SPEC), undefined), loadSnapshotSource()).environments[0]!;
  const line = (resource: string, usageType: string) => env.lineItems.find((l) => l.resource === resource && l.usageType === usageType)!;

  it('api: 0.5 vCPU and 1 GiB + 256 MiB, billed as 0.5 vCPU and 2 GB, × 2..4 pods × 730 h, at the EKS Fargate price', () => {
    const cpu = line('EksFargateProfileApiOnFargate', 'Fargate-vCPU-Hours:perCPU');
    const mem = line('EksFargateProfileApiOnFargate', 'Fargate-GB-Hours');
    expect(cpu.quantity).toEqual({ min: 730, max: 1460 });
    expect(mem.quantity).toEqual({ min: 2920, max: 5840 });
    expect(mem.basis).toContain('billed as 0.5 vCPU, 2 GB');
    expect(cpu.monthlyUsd.min).toBeCloseTo(730 * cpu.unitPriceUsd!, 2);
    expect(cpu.priceSource ?? '').not.toContain('AmazonECS');
  });

  it('reports: 0.25 vCPU, 512 MiB + 256 MiB → 1 GB, one pod', () => {
    expect(line('EksFargateProfileBatch', 'Fargate-GB-Hours').quantity).toEqual({ min: 730, max: 730 });
    expect(line('EksFargateProfileBatch', 'Fargate-vCPU-Hours:perCPU').quantity).toEqual({ min: 182.5, max: 182.5 });
  });
});

describe('the rules', () => {
  it.each([
    ['DEX810', 'a Fargate pod choosing a node group', SPEC.replace('reports: { placement: eks,', 'reports: { placement: eks, nodeGroups: [general],'), ['services', 'reports', 'nodeGroups', 0], 'nodeGroups: [general]', 'services:'],
    ['DEX811', 'a pod larger than Fargate', SPEC.replace('cpu: 0.25, memory: 512MiB', 'cpu: 16, memory: 120GiB'), ['services', 'reports', 'resources', 'memory'], 'memory: 120GiB', 'services:'],
    ['DEX812', 'an arm64 image', SPEC.replace('reports: { placement: eks,', 'reports: { placement: eks, architecture: arm64,'), ['services', 'reports', 'architecture'], 'architecture: arm64', 'services:'],
    ['DEX813', 'a namespace with no service', SPEC.replace('{ namespace: reports }', '{ namespace: report }'), ['platforms', 'eks', 'fargateProfiles', 0, 'selectors', 0, 'namespace'], 'namespace: report', 'fargateProfiles'],
    ['DEX814', 'a profile listed twice', SPEC.replace('name: api-on-fargate', 'name: batch'), ['platforms', 'eks', 'fargateProfiles', 1, 'name'], 'name: batch', 'selectors:'],
    ['DEX815', 'what monitoring Fargate pods get', SPEC, ['platforms', 'eks', 'fargateProfiles'], 'fargateProfiles:', 'eks:'],
  ])('%s: %s', (code, _what, text, path, needle, after) => {
    const d = analyzed(text).diagnostics.find((x) => x.code === code);
    expect(d, code).toBeDefined();
    expect(d!.path).toEqual(path);
    expect(d!.line).toBe(lineOf(text, needle, after));
  });

  it('DEX813 names the EKS namespaces there are', () => {
    expect(analyzed(SPEC.replace('{ namespace: reports }', '{ namespace: report }')).diagnostics.find((x) => x.code === 'DEX813')!.hint).toBe('the EKS namespaces are api, reports, web');
  });

  it('a Fargate pod is not checked against the nodes (a pod too big for t3.large is fine on Fargate)', () => {
    const a = analyzed(SPEC.replace('cpu: 0.25, memory: 512MiB', 'cpu: 4, memory: 16GiB'));
    expect(a.diagnostics.filter((d) => d.code === 'DEX316')).toEqual([]);
  });
});
