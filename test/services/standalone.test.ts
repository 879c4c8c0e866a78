// Specs without services (issue 15's real configurations: eksctl clusters, a Terraform Aurora
// example): a cluster for workloads other tools deploy (platforms.eks.create: always), or a database
// alone. The cluster then has everything a used one has — node groups, add-ons, the autoscaler.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Analysis } from '../../pipeline/analyze.js';
import { compileEmit } from '../../pipeline/emit.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { analyzed, valid } from '../support/analyzed.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';

const FILE = 'test/fixtures/spec/eks-standalone.dex.yaml';
const CLUSTER = readFileSync(FILE, 'utf8');
const types = (a: Analysis): string[] => [...new Set(a.compiled[0]!.model!.resources.map((r) => r.type))];

describe('a cluster with no services (platforms.eks.create: always)', () => {
  const a = valid(CLUSTER);

  it('has the cluster, its node group, the add-ons and the autoscaler (its role and manifests), with no DEX317', () => {
    expect(types(a)).toEqual(expect.arrayContaining(['AWS::EKS::Cluster', 'AWS::EKS::Nodegroup', 'AWS::EKS::Addon']));
    expect(a.diagnostics.map((d) => d.code)).not.toContain('DEX317');
    const files = compileEmit(a.compiled[0]!).files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['kubernetes/kube-system/cluster-autoscaler-deployment.yaml']));
    expect(files.some((f) => /^kubernetes\/(?!kube-system)[^/]+\/deployment\.yaml$/.test(f))).toBe(false);
  });

  it('is priced: the cluster hours and its nodes', () => {
    const env = buildPlan(planTargets(a, undefined), loadSnapshotSource()).environments[0]!;
    expect(env.lineItems.some((l) => l.meter === 'eks.cluster')).toBe(true);
    const nodes = env.lineItems.find((l) => l.meter === 'ec2.instance' && l.resource === 'EksNodeGroupGeneral')!;
    expect(nodes.quantity).toEqual({ min: 2 * 730, max: 6 * 730 });
  });

  it('its templates validate against the CloudFormation resource schemas', () => {
    const templates = outTree(FILE).filter((f) => /cloudformation\/.*\.ya?ml$/.test(f.path) && /^Resources:/m.test(f.content));
    expect(templates.some((t) => t.path.endsWith('-eks.yaml'))).toBe(true);
    for (const t of templates) expect(validateTemplate(parse(t.content, { version: '1.1' })), t.path).toEqual([]);
  });

  it('without create: always the declared cluster is not made, and DEX317 says how to make it', () => {
    const b = valid(CLUSTER.replace('    create: always\n', ''));
    expect(types(b)).not.toContain('AWS::EKS::Cluster');
    const d = b.diagnostics.find((x) => x.code === 'DEX317')!;
    expect(d.hint).toContain('platforms.eks.create: always');
  });
});

describe('a database alone', () => {
  it('validates, emits the database and no service compute (only the database users task, which needs no service)', () => {
    const a = valid('dex: 1\nname: orders-db\nregion: us-east-1\ningress: { loadBalancer: none }\ndatabases:\n  orders: { engine: postgres, version: "16", instanceClass: db.t3.medium }\n');
    expect(types(a)).toContain('AWS::RDS::DBInstance');
    const compute = a.compiled[0]!.model!.resources.filter((r) => /^AWS::(ECS::Service|EKS::|AutoScaling::AutoScalingGroup)/.test(r.type));
    expect(compute).toEqual([]);
  });
});

describe('kubectl access to a cluster with no services', () => {
  it('is emitted, and namespaces other tools create are not questioned (no DEX394)', () => {
    const text = CLUSTER.replace('    create: always\n', '    create: always\n    access: [{ principal: "arn:aws:iam::123456789012:role/Ops", policy: edit, namespaces: [argocd] }]\n');
    const a = valid(text);
    expect(a.diagnostics.map((d) => d.code)).not.toContain('DEX394');
    expect(types(a)).toContain('AWS::EKS::AccessEntry');
  });

  it('without create: always there is no cluster, and DEX394 says how to make one', () => {
    const text = CLUSTER.replace('    create: always\n', '    access: [{ principal: "arn:aws:iam::123456789012:role/Ops", policy: view }]\n');
    expect(analyzed(text).diagnostics.find((d) => d.code === 'DEX394')?.hint).toContain('platforms.eks.create: always');
  });
});
