// Karpenter as the alternative to the cluster autoscaler (issue 15, "Capacity"): the AWS side
// (controller role, node role and instance profile, access entry, interruption queue and rules),
// the NodePool and EC2NodeClass validated against their CRDs, the Helm install, pricing from the
// pods' requests to the NodePool limits, and DEX816–DEX819, located.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { compileEmit } from '../../pipeline/emit.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { evaluateCompliance } from '../../compiler/compliance/engine.js';
import { eksCapacityRoles } from '../../compiler/compliance/rules/eks-capacity.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { schemaErrors } from '../support/k8s-schemas.js';

const FILE = 'test/fixtures/spec/karpenter.dex.yaml';
const SPEC = readFileSync(FILE, 'utf8');

const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
function valid(text: string): Analysis {
  const a = analyzed(text);
  expect(a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return a;
}
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const resources = (a: Analysis) => a.compiled[0]!.model!.resources;
const byId = (a: Analysis, id: string): Obj => resources(a).find((r) => r.logicalId === id)!.properties as Obj;
const files = (a: Analysis) => compileEmit(a.compiled[0]!).files;
const manifest = (a: Analysis, path: string): Obj => parse(files(a).find((f) => f.path === `kubernetes/${path}`)!.content) as Obj;
const lineOf = (text: string, needle: string, after = ''): number => {
  const lines = text.split('\n');
  const from = after ? lines.findIndex((l) => l.includes(after)) : 0;
  return lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
};
const s = (t: string) => ({ 'Fn::Sub': t });

describe('the AWS side', () => {
  const a = valid(SPEC);

  it('exactly these resources, and no cluster autoscaler', () => {
    const ids = resources(a).map((r) => r.logicalId).filter((id) => id.startsWith('Karpenter'));
    expect(ids.sort()).toEqual([
      'KarpenterCapacityReservationInterruptionRule',
      'KarpenterControllerRole',
      'KarpenterInstanceStateChangeRule',
      'KarpenterInterruptionQueue',
      'KarpenterInterruptionQueuePolicy',
      'KarpenterNodeAccessEntry',
      'KarpenterNodeInstanceProfile',
      'KarpenterNodeRole',
      'KarpenterRebalanceRule',
      'KarpenterScheduledChangeRule',
      'KarpenterSpotInterruptionRule',
    ]);
    expect(resources(a).some((r) => r.logicalId === 'EksClusterAutoscalerRole')).toBe(false);
    expect(files(a).some((f) => f.path.includes('cluster-autoscaler'))).toBe(false);
  });

  it('the controller role: IRSA on kube-system:karpenter, every EC2 write scoped by the cluster tag', () => {
    const role = byId(a, 'KarpenterControllerRole');
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('system:serviceaccount:kube-system:karpenter');
    const statements = role.Policies[0].PolicyDocument.Statement as Obj[];
    expect(statements.map((x) => x.Sid)).toEqual([
      'AllowScopedEC2InstanceAccessActions',
      'AllowScopedEC2LaunchTemplateAccessActions',
      'AllowScopedEC2InstanceActionsWithTags',
      'AllowScopedResourceCreationTagging',
      'AllowScopedResourceTagging',
      'AllowScopedDeletion',
      'AllowPassingInstanceRole',
      'AllowInstanceProfileReadActions',
      'AllowAPIServerEndpointDiscovery',
      'AllowInterruptionQueueActions',
      'AllowRegionalReadActions',
      'AllowSSMReadActions',
      'AllowPricingReadActions',
    ]);
    const sid = (id: string) => statements.find((x) => x.Sid === id)!;
    expect(sid('AllowScopedDeletion')).toEqual({
      Sid: 'AllowScopedDeletion',
      Effect: 'Allow',
      Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      Resource: [s('arn:${AWS::Partition}:ec2:${AWS::Region}:*:instance/*'), s('arn:${AWS::Partition}:ec2:${AWS::Region}:*:launch-template/*')],
      Condition: { StringEquals: { 'aws:ResourceTag/kubernetes.io/cluster/carp': 'owned' }, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    });
    expect(sid('AllowScopedEC2InstanceActionsWithTags').Condition.StringEquals).toEqual({ 'aws:RequestTag/kubernetes.io/cluster/carp': 'owned', 'aws:RequestTag/eks:eks-cluster-name': 'carp' });
    expect(sid('AllowPassingInstanceRole')).toEqual({ Sid: 'AllowPassingInstanceRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: { 'Fn::GetAtt': ['KarpenterNodeRole', 'Arn'] }, Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } });
    expect(sid('AllowInterruptionQueueActions').Resource).toEqual({ 'Fn::GetAtt': ['KarpenterInterruptionQueue', 'Arn'] });
    expect(sid('AllowAPIServerEndpointDiscovery').Resource).toEqual(s('arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:cluster/carp'));
    // dex makes the instance profile: Karpenter gets no iam:CreateInstanceProfile or iam:*InstanceProfile writes.
    expect(statements.flatMap((x) => [x.Action].flat()).filter((act: string) => act.startsWith('iam:'))).toEqual(['iam:PassRole', 'iam:GetInstanceProfile']);
    // Only reads and pricing on '*'.
    for (const x of statements.filter((x) => x.Resource === '*')) expect([x.Action].flat().every((act: string) => /^(ec2:Describe|pricing:Get)/.test(act)), x.Sid).toBe(true);
  });

  it('the nodes: their own role, an instance profile named by the environment, an EC2_LINUX access entry', () => {
    expect(byId(a, 'KarpenterNodeRole').ManagedPolicyArns).toEqual(['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore'].map((p) => s(`arn:\${AWS::Partition}:iam::aws:policy/${p}`)));
    expect(byId(a, 'KarpenterNodeInstanceProfile')).toEqual({ InstanceProfileName: 'carp-karpenter-node', Roles: [{ Ref: 'KarpenterNodeRole' }] });
    expect(byId(a, 'KarpenterNodeAccessEntry')).toMatchObject({ ClusterName: { Ref: 'EksCluster' }, PrincipalArn: { 'Fn::GetAtt': ['KarpenterNodeRole', 'Arn'] }, Type: 'EC2_LINUX' });
    expect(byId(a, 'KarpenterNodeAccessEntry').AccessPolicies).toBeUndefined();
  });

  it('the interruption queue: encrypted, five minutes, only EventBridge and SQS may send, TLS only; one rule per event', () => {
    expect(byId(a, 'KarpenterInterruptionQueue')).toMatchObject({ QueueName: 'carp-karpenter', MessageRetentionPeriod: 300, SqsManagedSseEnabled: true });
    const policy = byId(a, 'KarpenterInterruptionQueuePolicy').PolicyDocument.Statement as Obj[];
    expect(policy[0]).toMatchObject({ Effect: 'Allow', Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] }, Action: 'sqs:SendMessage' });
    expect(policy[1]).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(byId(a, 'KarpenterSpotInterruptionRule').EventPattern).toEqual({ source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] });
    expect(byId(a, 'KarpenterScheduledChangeRule').EventPattern).toEqual({ source: ['aws.health'], 'detail-type': ['AWS Health Event'] });
    expect(byId(a, 'KarpenterRebalanceRule').Targets).toEqual([{ Id: 'KarpenterInterruptionQueueTarget', Arn: { 'Fn::GetAtt': ['KarpenterInterruptionQueue', 'Arn'] } }]);
  });

  it('the templates validate against the CloudFormation resource schemas', () => {
    const templates = outTree(FILE).filter((f) => /cloudformation\/.*\.ya?ml$/.test(f.path));
    expect(templates.some((t) => t.content.includes('AWS::SQS::QueuePolicy'))).toBe(true);
    for (const t of templates) expect(validateTemplate(parse(t.content, { version: '1.1' })), t.path).toEqual([]);
  });

  it('the cluster autoscaler setting emits none of it, and keeps the autoscaler', () => {
    const b = valid(SPEC.replace('autoscaler: karpenter', 'autoscaler: cluster-autoscaler').replace('min: 2, max: 2 }', 'min: 2, max: 4, instanceType: m7i.xlarge }').replace('instanceType: t3.medium, ', ''));
    expect(resources(b).filter((r) => r.logicalId.startsWith('Karpenter'))).toEqual([]);
    expect(resources(b).some((r) => r.logicalId === 'EksClusterAutoscalerRole')).toBe(true);
  });
});

describe('the Kubernetes side', () => {
  const a = valid(SPEC);

  it('NodePool and EC2NodeClass validate strictly against the Karpenter v1 CRDs', () => {
    const objects = ['karpenter/node-pool.yaml', 'karpenter/ec2-node-class.yaml'].map((p) => manifest(a, p));
    expect(objects.flatMap(schemaErrors)).toEqual([]);
    // Strict: an unknown field is refused.
    expect(schemaErrors({ ...objects[0], spec: { ...objects[0]!.spec, weightt: 1 } })).not.toEqual([]);
  });

  it('the node pool: the families, both capacity types, the services\' architecture, the limits', () => {
    const pool = manifest(a, 'karpenter/node-pool.yaml');
    expect(pool.spec.limits).toEqual({ cpu: '100', memory: '400Gi' });
    expect(pool.spec.template.spec.requirements).toEqual([
      { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['m7i', 'c7i', 'r7i'] },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand', 'spot'] },
      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
      { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
    ]);
    expect(pool.spec.disruption.consolidationPolicy).toBe('WhenEmptyOrUnderutilized');
  });

  it('the node class: dex\'s instance profile, the private subnets by tag, the node security group by its CloudFormation tags, IMDSv2 one hop, encrypted root', () => {
    const nc = manifest(a, 'karpenter/ec2-node-class.yaml').spec;
    expect(nc.instanceProfile).toBe('carp-karpenter-node');
    expect(nc.subnetSelectorTerms).toEqual([{ tags: { 'dex:environment': 'default', 'dex:system': 'carp', 'dex:tier': 'private' } }]);
    expect(nc.securityGroupSelectorTerms).toEqual([{ tags: { 'aws:cloudformation:logical-id': 'EksNodeSecurityGroup', 'dex:environment': 'default', 'dex:system': 'carp' } }]);
    expect(nc.metadataOptions).toEqual({ httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' });
    expect(nc.blockDeviceMappings[0].ebs.encrypted).toBe(true);
  });

  it('addons.sh installs the pinned chart with the cluster, the queue, the region and the role', () => {
    const script = files(a).find((f) => f.path === 'kubernetes/addons.sh')!.content;
    expect(script).toContain('helm upgrade --install karpenter oci://public.ecr.aws/karpenter/karpenter --version 1.14.1 --namespace kube-system');
    expect(script).toContain("--set-string settings.clusterName=carp --set-string settings.interruptionQueue=carp-karpenter");
    expect(script).toContain("'controller.env[0].value=us-east-1'");
    expect(script).toContain('$(value KARPENTER_CONTROLLER_ROLE_ARN)');
  });

  it('arm64 services make the pool launch arm64', () => {
    const b = valid(SPEC.replace('instanceFamilies: [m7i, c7i, r7i]', 'instanceFamilies: [m7g, m7i]').replace('worker: { placement: eks,', 'worker: { placement: eks, architecture: arm64,'));
    expect(manifest(b, 'karpenter/node-pool.yaml').spec.template.spec.requirements[2].values).toEqual(['amd64', 'arm64']);
  });
});

describe('pricing', () => {
  const env = buildPlan(planTargets(valid(SPEC), undefined), loadSnapshotSource()).environments[0]!;
  const line = (usageType: string) => env.lineItems.find((l) => l.resource === 'KarpenterNodeInstanceProfile' && l.usageType === usageType)!;

  it('from the pods\' requests (7 vCPU, 14 GiB → 2 m7i.xlarge) to the NodePool limits (100 vCPU, 400 GiB → 25), and says so', () => {
    const ec2 = line('BoxUsage:m7i.xlarge');
    expect(ec2.quantity).toEqual({ min: 2 * 730, max: 25 * 730 });
    expect(ec2.basis).toContain('priced as m7i.xlarge');
    expect(ec2.basis).toContain('the NodePool limits (100 vCPU, 400GiB)');
    expect(ec2.monthlyUsd.min).toBeGreaterThan(0);
    expect(line('EBS:VolumeUsage.gp3').quantity).toEqual({ min: 40, max: 500 });
  });
});

describe('the rules', () => {
  it.each([
    ['DEX816', 'karpenter without its settings', SPEC.replace(/    karpenter:\n.*\n.*\n.*\n/, ''), ['platforms', 'eks', 'autoscaler'], 'autoscaler: karpenter', 'eks:'],
    ['DEX817', 'settings without karpenter', SPEC.replace('autoscaler: karpenter', 'autoscaler: cluster-autoscaler'), ['platforms', 'eks', 'karpenter'], 'karpenter:', 'nodeGroups:'],
    ['DEX818', 'no node for Karpenter itself', SPEC.replace('min: 2, max: 2 }', 'min: 0, max: 2 }'), ['platforms', 'eks', 'nodeGroups'], '- { name: system', 'eks:'],
    ['DEX819', 'an unknown family', SPEC.replace('[m7i, c7i, r7i]', '[m7i, c7x, r7i]'), ['platforms', 'eks', 'karpenter', 'instanceFamilies', 1], 'instanceFamilies', 'karpenter:'],
    ['DEX819', 'an architecture the pool does not launch', SPEC.replace('worker: { placement: eks,', 'worker: { placement: eks, architecture: arm64,').replace('limits:', 'architectures: [x86_64]\n      limits:'), ['services', 'worker', 'architecture'], 'architecture: arm64', 'services:'],
    ['DEX819', 'a pod above the limits', SPEC.replace('cpu: 100,', 'cpu: 1,'), ['services', 'worker', 'resources', 'cpu'], 'worker:', 'services:'],
  ])('%s: %s', (code, _what, text, path, needle, after) => {
    const d = analyzed(text).diagnostics.find((x) => x.code === code);
    expect(d, code).toBeDefined();
    expect(d!.path).toEqual(path);
    expect(d!.line).toBe(lineOf(text, needle, after));
  });

  it('DEX819 suggests the near family', () => {
    expect(analyzed(SPEC.replace('[m7i, c7i, r7i]', '[m7i, c7x, r7i]')).diagnostics.find((x) => x.code === 'DEX819')!.hint).toMatch(/did you mean c7[a-z]\?/);
  });

  it('with Karpenter a pod larger than the managed nodes is fine (Karpenter launches a larger one)', () => {
    expect(analyzed(SPEC).diagnostics.filter((d) => d.code === 'DEX316')).toEqual([]);
    // ...but not when it chooses a managed group.
    expect(analyzed(SPEC.replace('worker: { placement: eks,', 'worker: { placement: eks, nodeGroups: [system],')).diagnostics.some((d) => d.code === 'DEX316')).toBe(true);
  });
});

describe('compliance (BASE-EKS-CAPACITY)', () => {
  const control = (a: Analysis, model = a.compiled[0]!.model!) => evaluateCompliance({ spec: a.compiled[0]!.spec, model, rules: [eksCapacityRoles] }).controls[0]!;

  it('passes with the queue dex emits, and fails for an unencrypted one', () => {
    const a = valid(SPEC);
    expect(control(a).status).toBe('pass');
    const model = a.compiled[0]!.model!;
    const tampered = { ...model, resources: model.resources.map((r) => (r.logicalId === 'KarpenterInterruptionQueue' ? { ...r, properties: { ...r.properties, SqsManagedSseEnabled: false } } : r)) };
    expect(control(a, tampered).status).toBe('fail');
  });

  it('checks the Fargate pod execution role, and holds trivially without either', () => {
    const fargate = valid(readFileSync('test/fixtures/spec/fargate-profiles.dex.yaml', 'utf8'));
    expect(control(fargate).checks.map((c) => c.message)).toEqual(['EksFargatePodExecutionRole holds only AmazonEKSFargatePodExecutionRolePolicy']);
    expect(control(valid(SPEC.replace('autoscaler: karpenter', 'autoscaler: cluster-autoscaler').replace(/    karpenter:\n.*\n.*\n.*\n/, '').replace('min: 2, max: 2 }', 'min: 2, max: 4, instanceType: m7i.xlarge }').replace('instanceType: t3.medium, ', ''))).checks.map((c) => c.message)).toEqual(['no Karpenter interruption queue and no Fargate pod execution role']);
  });
});

describe('with a pipeline (the permissions boundary)', () => {
  const withCicd = (text: string) => `${text}cicd:\n  provider: github-actions\n  source: { repository: example-org/x, branch: main }\n  stages:\n    production: {}\n`;

  it('every Karpenter and Fargate role carries the boundary, and the execution role may create what they need', () => {
    for (const file of [FILE, 'test/fixtures/spec/fargate-profiles.dex.yaml']) {
      const a = valid(withCicd(readFileSync(file, 'utf8')));
      const roles = resources(a).filter((r) => r.type === 'AWS::IAM::Role' && /^(Karpenter|EksFargate)/.test(r.logicalId));
      expect(roles.length).toBeGreaterThan(0);
      for (const r of roles) expect((r.properties as Obj).PermissionsBoundary, r.logicalId).toBeDefined();
    }
  });
});
