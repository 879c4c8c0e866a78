// ECS capacity (issue 15): a service's capacity mix becomes its capacity provider strategy and is
// priced per share; the cluster's EC2 container instances become a launch template, an Auto
// Scaling group and a capacity provider, priced as instance hours and volumes; and the checks
// DEX840–DEX849 refuse what ECS would refuse or what cannot run.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Analysis } from '../../pipeline/analyze.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { fargateSplit } from '../../services/ecs-capacity.js';
import { costByService } from '../../compiler/pricing/by-service.js';
import { analyzed, lineOf, valid } from '../support/analyzed.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { simulateFirstDeploy } from '../support/deploy-simulator.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const resources = (a: Analysis) => a.compiled[0]!.model!.resources;
const find = (a: Analysis, id: string) => resources(a).find((r) => r.logicalId === id);
const props = (a: Analysis, id: string): Obj => find(a, id)!.properties as Obj;
const snapshot = loadSnapshotSource();

function spec(opts: { platforms?: string; api?: string; extra?: string; env?: string } = {}): string {
  return `dex: 1
name: cap
region: us-east-1
network: { cidr: 10.0.0.0/16, availabilityZones: 2, natGateways: single }
platforms:
  ecs: { capacity: fargate${opts.platforms ?? ''} }
services:
  api:
    port: 8080
    placement: ecs
    resources: { cpu: 1, memory: 2GiB }
    scaling: { min: 2, max: 8 }
    health: { path: /health }
${opts.api ?? ''}
${opts.extra ?? ''}
${opts.env ?? ''}`;
}

const MIX = '    capacity: { fargate: { base: 2, weight: 1 }, spot: { weight: 3 } }';
const INSTANCES = ', containerInstances: { instanceTypes: [t3.large, t3a.large], min: 1, max: 4, targetCapacityPercent: 60 }';
const ON_EC2 = '    capacity: { ec2: { weight: 1 } }';

describe('without capacity', () => {
  it('the cluster holds its providers and default strategy, the service the cluster default: as before', () => {
    const a = valid(spec());
    expect(props(a, 'EcsCluster')).toMatchObject({ CapacityProviders: ['FARGATE', 'FARGATE_SPOT'], DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }] });
    expect(props(a, 'ApiEcsService').CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE', Weight: 1 }]);
    expect(props(a, 'ApiEcsService').PlatformVersion).toBe('LATEST');
    expect(find(a, 'ApiEcsService')!.dependsOn).toBeUndefined();
    expect(resources(a).some((r) => r.logicalId.startsWith('EcsInstance') || r.logicalId === 'EcsClusterCapacityProviders')).toBe(false);
  });

  it('platforms.ecs.capacity: fargate-spot still puts every service without a mix on Spot', () => {
    const a = valid(spec().replace('capacity: fargate', 'capacity: fargate-spot'));
    expect(props(a, 'ApiEcsService').CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
    expect(find(a, 'ApiEcsService')!.usage.every((m) => m.attributes.purchaseOption === 'Spot')).toBe(true);
  });
});

describe('a capacity mix', () => {
  it('is the service strategy: FARGATE with its base, FARGATE_SPOT with its weight', () => {
    const a = valid(spec({ api: MIX }));
    expect(props(a, 'ApiEcsService').CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: 2, Weight: 1 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
    ]);
    // The cluster default is untouched (other services keep it).
    expect(props(a, 'EcsCluster').DefaultCapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE', Weight: 1 }]);
  });

  it('overrides a cluster-wide fargate-spot for its service only', () => {
    const a = valid(spec({ api: MIX, extra: '  web: { port: 8081, placement: ecs, health: { path: /health } }' }).replace('capacity: fargate }', 'capacity: fargate-spot }'));
    expect(props(a, 'ApiEcsService').CapacityProviderStrategy[0]).toEqual({ CapacityProvider: 'FARGATE', Base: 2, Weight: 1 });
    expect(props(a, 'WebEcsService').CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
  });

  it('splits tasks: the base On-Demand, the rest by weight', () => {
    const a = valid(spec({ api: MIX }));
    const c = a.compiled[0]!.spec.services.api!.capacity;
    expect(fargateSplit(a.compiled[0]!.spec, c, 2)).toEqual({ onDemand: 2, spot: 0 });
    expect(fargateSplit(a.compiled[0]!.spec, c, 8)).toEqual({ onDemand: 3.5, spot: 4.5 });
    expect(fargateSplit(a.compiled[0]!.spec, c, 1)).toEqual({ onDemand: 1, spot: 0 });
  });

  it('is priced per share: an On-Demand line and a Fargate Spot line, at the on-demand price as Spot\'s ceiling', () => {
    const a = valid(spec({ api: MIX, extra: 'usage: { spotDiscountPercent: 70 }' }));
    const vcpu = find(a, 'ApiEcsService')!.usage.filter((m) => m.meter === 'fargate.vcpu');
    expect(vcpu.map((m) => [m.quantity, m.attributes.purchaseOption])).toEqual([
      [{ min: 1460, max: 2555 }, undefined],
      [{ min: 0, max: 3285 }, 'Spot'],
    ]);
    const plan = buildPlan(planTargets(a), snapshot);
    const lines = plan.environments[0]!.lineItems.filter((l) => l.resource === 'ApiEcsService' && l.meter === 'fargate.vcpu');
    expect(lines).toHaveLength(2);
    const [od, spot] = lines;
    // 1 vCPU × 730 h × 2..3.5 tasks × $0.04048 = $59.10..$103.43; Spot: 0..4.5 tasks, at most on-demand.
    expect(od!.monthlyUsd).toEqual({ min: 59.1, max: 103.43 });
    expect(od!.spot).toBeUndefined();
    expect(spot!.monthlyUsd).toEqual({ min: 0, max: 132.98 });
    expect(spot!.spot).toMatchObject({ discountPercent: 70 });
    expect(spot!.basis).toMatch(/on Fargate Spot \(capacity: FARGATE base 2 weight 1 \+ FARGATE_SPOT weight 3\)/);
  });

  it('a base that covers scaling.max has no Spot line; no On-Demand share has no On-Demand line', () => {
    const all = valid(spec({ api: '    capacity: { fargate: { base: 8, weight: 1 }, spot: { weight: 1 } }' }));
    expect(find(all, 'ApiEcsService')!.usage.some((m) => m.attributes.purchaseOption === 'Spot')).toBe(false);
    const none = valid(spec({ api: '    capacity: { spot: { weight: 1 } }' }));
    expect(find(none, 'ApiEcsService')!.usage.every((m) => m.attributes.purchaseOption === 'Spot')).toBe(true);
  });
});

describe('EC2 container instances', () => {
  const a = valid(spec({ platforms: INSTANCES, api: ON_EC2 }));

  it('a launch template: the ECS-optimized AL2023 AMI, IMDSv2 only, an encrypted volume, user data that joins the cluster and blocks IMDS for tasks', () => {
    const lt = props(a, 'EcsInstanceLaunchTemplate').LaunchTemplateData;
    expect(lt.ImageId).toBe('{{resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id}}');
    expect(lt.MetadataOptions).toEqual({ HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(lt.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true, KmsKeyId: { 'Fn::GetAtt': ['KmsKey', 'Arn'] }, DeleteOnTermination: true } }]);
    const parts = lt.UserData['Fn::Base64']['Fn::Join'][1] as unknown[];
    expect(parts).toContainEqual({ Ref: 'EcsCluster' });
    expect(parts.join('')).toContain("echo 'ECS_AWSVPC_BLOCK_IMDS=true' >> /etc/ecs/ecs.config");
  });

  it('Graviton types take the arm64 AMI; bottlerocket its aws-ecs-2 variant with an OS volume beside the data volume', () => {
    const arm = valid(spec({ platforms: ', containerInstances: { instanceTypes: [m7g.large] }', api: `${ON_EC2}\n    architecture: arm64` }));
    expect(props(arm, 'EcsInstanceLaunchTemplate').LaunchTemplateData.ImageId).toBe('{{resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id}}');
    const br = valid(spec({ platforms: ', containerInstances: { instanceTypes: [t3.large], amiFamily: bottlerocket, diskGiB: 50 }', api: ON_EC2 }));
    const lt = props(br, 'EcsInstanceLaunchTemplate').LaunchTemplateData;
    expect(lt.ImageId).toBe('{{resolve:ssm:/aws/service/bottlerocket/aws-ecs-2/x86_64/latest/image_id}}');
    expect(lt.BlockDeviceMappings.map((b: Obj) => [b.DeviceName, b.Ebs.VolumeSize])).toEqual([['/dev/xvda', 4], ['/dev/xvdb', 50]]);
    expect((lt.UserData['Fn::Base64']['Fn::Join'][1] as unknown[]).join('')).toMatch(/^\[settings\.ecs\]\ncluster = ".*"\nawsvpc-block-imds = true\n/);
  });

  it('an Auto Scaling group protected from scale-in, over the instance types, behind a capacity provider with managed scaling and termination protection', () => {
    const g = props(a, 'EcsInstanceAutoScalingGroup');
    expect(g).toMatchObject({ MinSize: '1', MaxSize: '4', NewInstancesProtectedFromScaleIn: true });
    expect(g.DesiredCapacity).toBeUndefined();
    expect(g.MixedInstancesPolicy.LaunchTemplate.Overrides).toEqual([{ InstanceType: 't3.large' }, { InstanceType: 't3a.large' }]);
    expect(g.MixedInstancesPolicy.InstancesDistribution).toMatchObject({ OnDemandPercentageAboveBaseCapacity: 100 });
    expect(props(a, 'EcsInstanceCapacityProvider').AutoScalingGroupProvider).toMatchObject({
      AutoScalingGroupArn: { Ref: 'EcsInstanceAutoScalingGroup' },
      ManagedScaling: { Status: 'ENABLED', TargetCapacity: 60 },
      ManagedTerminationProtection: 'ENABLED',
      ManagedDraining: 'ENABLED',
    });
  });

  it('the cluster providers move to an association the services depend on', () => {
    expect(props(a, 'EcsCluster').CapacityProviders).toBeUndefined();
    expect(props(a, 'EcsClusterCapacityProviders')).toEqual({
      Cluster: { Ref: 'EcsCluster' },
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT', { Ref: 'EcsInstanceCapacityProvider' }],
      DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }],
    });
    expect(find(a, 'ApiEcsService')!.dependsOn).toContain('EcsClusterCapacityProviders');
  });

  it('a service on them: EC2 task definition in awsvpc mode, its strategy the provider, no platform version, no Fargate hours', () => {
    expect(props(a, 'ApiTaskDefinition')).toMatchObject({ RequiresCompatibilities: ['EC2'], NetworkMode: 'awsvpc' });
    const svc = props(a, 'ApiEcsService');
    expect(svc.CapacityProviderStrategy).toEqual([{ CapacityProvider: { Ref: 'EcsInstanceCapacityProvider' }, Weight: 1 }]);
    expect(svc.PlatformVersion).toBeUndefined();
    expect(svc.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups).toEqual([{ Ref: 'ApiSecurityGroup' }]);
    expect(find(a, 'ApiEcsService')!.usage.filter((m) => m.meter.startsWith('fargate.'))).toEqual([]);
  });

  it('the instance role: the ECS agent on this cluster only, and Session Manager', () => {
    const role = props(a, 'EcsInstanceRole');
    const statements = role.Policies[0].PolicyDocument.Statement as Obj[];
    expect(statements.map((s) => s.Sid)).toEqual(['RegisterInCluster', 'RunAsContainerInstance', 'DiscoverEcsEndpoint']);
    expect(statements[0]!.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/cap' });
    expect(statements.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual([['ecs:DiscoverPollEndpoint']]);
    expect(JSON.stringify(statements)).not.toMatch(/ecr:|logs:|ecs:CreateCluster/);
    expect(role.ManagedPolicyArns).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore' }]);
    const sg = props(a, 'EcsInstanceSecurityGroup');
    expect(sg.SecurityGroupEgress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    expect(resources(a).some((r) => r.type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(r.properties.GroupId).includes('EcsInstanceSecurityGroup'))).toBe(false);
  });

  it('are priced as the first type\'s instance hours and their gp3 volumes; Spot instances as a Spot line', () => {
    const plan = buildPlan(planTargets(a), snapshot);
    const lines = plan.environments[0]!.lineItems.filter((l) => l.resource === 'EcsInstanceAutoScalingGroup');
    // t3.large in us-east-1: $0.0832/h × 730 h × 1..4; 30 GiB gp3 × $0.08 × 1..4.
    expect(lines.map((l) => [l.meter, l.monthlyUsd])).toEqual([
      ['ec2.instance', { min: 60.74, max: 242.94 }],
      ['ebs.storage', { min: 2.4, max: 9.6 }],
    ]);
    const spot = valid(spec({ platforms: INSTANCES.replace('min: 1', 'spot: true, min: 1'), api: ON_EC2 }));
    const g = props(spot, 'EcsInstanceAutoScalingGroup');
    expect(g.MixedInstancesPolicy.InstancesDistribution).toEqual({ OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0, SpotAllocationStrategy: 'price-capacity-optimized' });
    expect(g.CapacityRebalance).toBe(true);
    expect(find(spot, 'EcsInstanceAutoScalingGroup')!.usage[0]!.attributes.purchaseOption).toBe('Spot');
  });

  it('--by service: the instances are the share of the services that run on them only', () => {
    const b = valid(spec({ platforms: INSTANCES, api: ON_EC2, extra: '  web: { port: 8081, placement: ecs, health: { path: /health } }' }));
    const env = buildPlan(planTargets(b), snapshot).environments[0]!;
    const by = costByService(b.compiled[0]!.spec, resources(b), env.lineItems, env.unpriced)!;
    const pools = (name: string) => by.services.find((s) => s.service === name)!.shares.map((x) => x.pool);
    expect(pools('api')).toContain('platform/ecs/instances');
    expect(pools('web')).not.toContain('platform/ecs/instances');
  });

  it('emits templates that pass the CloudFormation resource schemas', () => {
    const text = spec({ platforms: INSTANCES, api: ON_EC2, extra: `  web:\n    port: 8081\n    placement: ecs\n    scaling: { min: 2, max: 6 }\n    health: { path: /health }\n${MIX}` });
    const templates = outTree('cap.yaml', text).filter((f) => /cloudformation\/.*\.ya?ml$/.test(f.path));
    expect(templates.some((t) => t.content.includes('AWS::ECS::CapacityProvider'))).toBe(true);
    for (const t of templates) expect(validateTemplate(parse(t.content, { version: '1.1' })), t.path).toEqual([]);
  });
});

describe('examples/retail-store (ui on a Fargate and Spot mix, catalog on the container instances)', () => {
  it('deploys from an empty account: every stack finds what it needs, in order', () => {
    // Production in a VPC dex makes: the simulator has no imported VPC's subnets to look up.
    const text = readFileSync('examples/retail-store/dex.yaml', 'utf8').replace(/\n {4}# An existing VPC[\s\S]*$/, '\n');
    const tree = outTree('retail-store.dex.yaml', text);
    const ecs = tree.find((f) => f.path === 'production/cloudformation/retail-store-production-ecs.yaml')!;
    expect(ecs.content).toContain('AWS::ECS::ClusterCapacityProviderAssociations');
    const result = simulateFirstDeploy({ files: tree, defaultAccount: '123456789012' });
    expect(result.gap, result.log.slice(-5).join('\n')).toBeUndefined();
  });
});

describe('checks', () => {
  const codes = (text: string) => analyzed(text).diagnostics.filter((d) => /^DEX8[4]\d$|^DEX34[78]$/.test(d.code));
  const one = (text: string, code: string) => {
    const found = codes(text).filter((d) => d.code === code);
    expect(found.map((d) => d.message), code).toHaveLength(1);
    return found[0]!;
  };

  it('DEX840: a mix on a service not on ECS', () => {
    const text = spec({ extra: '  eks-api:\n    port: 8080\n    placement: ec2\n    health: { path: /health }\n    capacity: { fargate: { weight: 1 } }' });
    expect(one(text, 'DEX840').line).toBe(lineOf(text, 'capacity: { fargate: { weight: 1 } }'));
  });

  it('DEX841: a mix on a job', () => {
    const text = spec({ extra: '  migrate:\n    kind: job\n    run: before-release\n    placement: ecs\n    image: public.ecr.aws/docker/library/busybox:1.37\n    capacity: { spot: { weight: 1 } }' });
    expect(one(text, 'DEX841').line).toBe(lineOf(text, 'capacity: { spot'));
  });

  it('DEX842: no weight above 0; DEX843: a base above scaling.max', () => {
    const zero = spec({ api: '    capacity: { fargate: { base: 1, weight: 0 }, spot: { weight: 0 } }' });
    expect(one(zero, 'DEX842').line).toBe(lineOf(zero, 'capacity: { fargate: { base: 1'));
    const over = spec({ api: '    capacity:\n      fargate: { base: 9, weight: 1 }' });
    const d = one(over, 'DEX843');
    expect(d.line).toBe(lineOf(over, 'base: 9'));
    expect(d.message).toMatch(/base is 9, above scaling.max 8/);
    expect(codes(spec({ api: '    capacity: { fargate: { base: 8, weight: 1 } }' }))).toEqual([]);
  });

  it('DEX844: ec2 with fargate; DEX845: ec2 without container instances', () => {
    const mixed = spec({ platforms: INSTANCES, api: '    capacity:\n      fargate: { weight: 1 }\n      ec2: { weight: 1 }' });
    expect(one(mixed, 'DEX844').line).toBe(lineOf(mixed, 'ec2: { weight: 1 }'));
    const missing = spec({ api: '    capacity:\n      ec2: { weight: 1 }' });
    expect(one(missing, 'DEX845').line).toBe(lineOf(missing, 'ec2: { weight: 1 }'));
  });

  it('DEX846: min above max, and types of two architectures; DEX347 for a misspelt type, with a suggestion', () => {
    const bounds = spec({ platforms: ', containerInstances: { instanceTypes: [t3.large], min: 6, max: 5 }', api: ON_EC2 });
    expect(one(bounds, 'DEX846').message).toMatch(/min 6 is above max 5/);
    const archs = spec({ platforms: ', containerInstances: { instanceTypes: [t3.large, t3a.large, m7g.large] }', api: ON_EC2 });
    const mixed = one(archs, 'DEX846');
    expect(mixed.path).toEqual(['platforms', 'ecs', 'containerInstances', 'instanceTypes', 2]);
    expect(mixed.message).toMatch(/mixes x86_64 and arm64 types \(t3\.large, m7g\.large\)/);
    const noNat = spec({ platforms: INSTANCES, api: ON_EC2 }).replace('natGateways: single', 'natGateways: none, endpoints: [s3, ecr, logs]');
    expect(one(noNat, 'DEX846').message).toMatch(/natGateways is none/);
    const typo = spec({ platforms: ', containerInstances: { instanceTypes: [t3.lareg] }', api: ON_EC2 });
    expect(one(typo, 'DEX347').hint).toBe('did you mean t3.large?');
  });

  it('DEX847: another architecture, a task too large, ephemeral storage', () => {
    const arch = spec({ platforms: ', containerInstances: { instanceTypes: [m7g.large] }', api: ON_EC2 });
    expect(one(arch, 'DEX847').message).toMatch(/image is x86_64, but the container instances \(m7g\.large\) are arm64/);
    const big = spec({ platforms: ', containerInstances: { instanceTypes: [t3.large, t3.medium] }', api: ON_EC2 }).replace('cpu: 1, memory: 2GiB', 'cpu: 2, memory: 6GiB');
    expect(one(big, 'DEX847').message).toMatch(/does not fit a t3\.medium container instance/);
    const disk = spec({ platforms: INSTANCES, api: ON_EC2 }).replace('memory: 2GiB }', 'memory: 2GiB, ephemeralStorage: 30GiB }');
    expect(one(disk, 'DEX847').message).toMatch(/ephemeralStorage, which only Fargate has/);
  });

  it('a task on the instances is sized by them, not by Fargate\'s table: no DEX309 or DEX832 there', () => {
    // 0.5 vCPU with 5 GiB is no Fargate size (DEX309 on Fargate) but fits a t3.large (8 GiB).
    const odd = (api: string) => spec({ platforms: INSTANCES, api }).replace('cpu: 1, memory: 2GiB', 'cpu: 0.5, memory: 5GiB');
    expect(analyzed(odd(ON_EC2)).diagnostics.filter((d) => d.code === 'DEX309' || d.code === 'DEX832')).toEqual([]);
    expect(analyzed(odd('')).diagnostics.some((d) => d.code === 'DEX309')).toBe(true);
    const withSidecar = `${ON_EC2}\n    sidecars: [{ name: agent, image: public.ecr.aws/docker/library/busybox:1.36, resources: { cpu: 0.25, memory: 256MiB } }]`;
    expect(analyzed(odd(withSidecar)).diagnostics.filter((d) => d.code === 'DEX832')).toEqual([]);
  });

  it('DEX325: a service whose IDs would be the container instances\' own', () => {
    const text = spec({ extra: '  ecs-instance: { port: 8081, placement: ecs, health: { path: /health } }' });
    const d = analyzed(text).diagnostics.filter((x) => x.code === 'DEX325');
    expect(d.map((x) => x.message)).toEqual([expect.stringMatching(/service name "ecs-instance" is reserved: its .* would be EcsInstance\w+, which is the ECS container instances'/)]);
  });

  it('DEX848: container instances no service runs on (a warning)', () => {
    const d = one(spec({ platforms: INSTANCES }), 'DEX848');
    expect(d.severity).toBe('warning');
    expect(codes(spec({ platforms: INSTANCES.replace('min: 1', 'min: 0') })).map((x) => x.code)).toEqual([]);
  });

  it('DEX849: every task on Spot in a protected environment, not with an On-Demand share or unprotected', () => {
    const env = (api: string, platforms = '') => spec({ api, platforms, env: 'environments:\n  production: {}' });
    const prod = (text: string) => analyzed(text).diagnostics.filter((d) => d.code === 'DEX849' && d.environment === 'production');
    expect(prod(env('    capacity: { spot: { weight: 1 } }'))).toHaveLength(1);
    expect(prod(env(MIX))).toEqual([]);
    expect(prod(env(ON_EC2, INSTANCES.replace('min: 1', 'spot: true, min: 1')))).toHaveLength(1);
    expect(prod(env('').replace('capacity: fargate', 'capacity: fargate-spot'))).toHaveLength(1);
    // An environment that is not production-like is not warned.
    const staging = analyzed(spec({ api: '    capacity: { spot: { weight: 1 } }', env: 'environments:\n  staging: {}' }));
    expect(staging.diagnostics.filter((d) => d.code === 'DEX849' && d.environment === 'staging')).toEqual([]);
  });
});
