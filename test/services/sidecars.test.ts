// Sidecars (issue 15): containers beside a service's main one on each platform, the rules
// DEX830–DEX839 located in the file, the task sized and priced as the sum of its containers, and
// each sidecar's opt-outs in the compliance report.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Analysis } from '../../pipeline/analyze.js';
import { compileEmit } from '../../pipeline/emit.js';
import { complianceResults } from '../../pipeline/compliance.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { analyzed, lineOf, valid } from '../support/analyzed.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { fargatePodUsage } from '../../services/eks-fargate.js';

const FILE = 'test/fixtures/spec/sidecars.dex.yaml';
const SPEC = readFileSync(FILE, 'utf8');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const task = (a: Analysis, service: string): Obj => resources(a).find((r) => r.type === 'AWS::ECS::TaskDefinition' && r.origin[1] === service)!.properties as Obj;
const userData = (a: Analysis, service: string): string => JSON.stringify(resources(a).find((r) => r.type === 'AWS::EC2::LaunchTemplate' && r.origin[1] === service)!.properties);
function podSpec(a: Analysis, service: string): Obj {
  const file = compileEmit(a.compiled[0]!).files.find((f) => f.path === `kubernetes/${service}/deployment.yaml`)!;
  return (parse(file.content) as Obj).spec.template.spec;
}

describe('ECS', () => {
  const a = valid(SPEC);
  const t = task(a, 'api');
  const [main, router, otel] = t.ContainerDefinitions as Obj[];

  it('sizes the task as the sum of its containers (0.75 + 0.125 + 0.125 vCPU, 1536 + 256 + 256 MiB)', () => {
    expect([t.Cpu, t.Memory]).toEqual(['1024', '2048']);
    expect(t.ContainerDefinitions.map((c: Obj) => c.Name)).toEqual(['api', 'log-router', 'otel']);
    expect([main!.Cpu, main!.MemoryReservation]).toEqual([768, 1536]);
    expect([otel!.Cpu, otel!.Memory]).toEqual([128, 256]);
  });

  it('makes the log router FireLens and sends the main container through it to the service log group', () => {
    expect(router!.FirelensConfiguration).toEqual({ Type: 'fluentbit', Options: { 'enable-ecs-log-metadata': 'true' } });
    expect(router!.LogConfiguration.LogDriver).toBe('awslogs');
    expect(main!.LogConfiguration).toMatchObject({ LogDriver: 'awsfirelens', Options: { Name: 'cloudwatch_logs', log_group_name: '/dex/sc/api', auto_create_group: 'false' } });
    // The task role may write there: Fluent Bit runs with it.
    const role = resources(a).find((r) => r.logicalId === 'ApiRole')!.properties as Obj;
    const sids = role.Policies[0].PolicyDocument.Statement.map((s: Obj) => s.Sid);
    expect(sids).toContain('LogRouterWriteOwnLogs');
  });

  it('orders the start: the main container after the router starts and the collector is healthy, the collector after the router', () => {
    expect(main!.DependsOn).toEqual([{ ContainerName: 'log-router', Condition: 'START' }, { ContainerName: 'otel', Condition: 'HEALTHY' }]);
    expect(otel!.DependsOn).toEqual([{ ContainerName: 'log-router', Condition: 'START' }]);
    expect(otel!.HealthCheck.Command.slice(-2)).toEqual(['dex-health-check', '13133']);
  });

  it('hardens each sidecar as the main container, root only with the reason, its secret from the service', () => {
    expect(router!.User).toBe('0');
    expect(otel!.User).toBe('10001:10001');
    for (const c of [router!, otel!]) {
      expect(c.ReadonlyRootFilesystem).toBe(true);
      expect(c.LinuxParameters.Capabilities).toEqual({ Drop: ['ALL'] });
      expect(c.MountPoints).toEqual([{ SourceVolume: `tmp-${c.Name}`, ContainerPath: '/tmp', ReadOnly: false }]);
    }
    expect(otel!.Secrets).toEqual([{ Name: 'DD_API_KEY', ValueFrom: { Ref: 'ApiDdApiKeySecret' } }]);
    expect(otel!.Environment).toEqual([{ Name: 'OTEL_LOG_LEVEL', Value: 'info' }]);
  });

  it('leaves a service without sidecars as it was: no container Cpu, no DependsOn, awslogs', () => {
    const plain = valid(SPEC.replace(/    sidecars:\n      - name: log-router[\s\S]*?(?=\n  web:)/, '').replace('resources: { cpu: 0.75, memory: 1536MiB }', 'resources: { cpu: 1, memory: 2GiB }'));
    const c = task(plain, 'api').ContainerDefinitions;
    expect(c).toHaveLength(1);
    expect(c[0].Cpu).toBeUndefined();
    expect(c[0].LogConfiguration.LogDriver).toBe('awslogs');
  });
});

describe('a sidecar image in private ECR', () => {
  const text = SPEC.replace('image: public.ecr.aws/aws-observability/aws-otel-collector:v0.41.1\n        resources: { cpu: 0.125', 'image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents/otel:v1\n        resources: { cpu: 0.125').replace("  box:\n    port: 8080\n    placement: ec2\n    sidecars:\n      - name: otel\n        image: public.ecr.aws/aws-observability/aws-otel-collector:v0.41.1", "  box:\n    port: 8080\n    placement: ec2\n    sidecars:\n      - name: otel\n        image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/agents/otel:v1");
  const a = valid(text);
  const statements = (id: string): Obj[] => (resources(a).find((r) => r.logicalId === id)!.properties as Obj).Policies[0].PolicyDocument.Statement;

  it('the ECS execution role may pull exactly that repository', () => {
    const pull = statements('ApiExecutionRole').find((x) => x.Sid === 'PullSidecarImages')!;
    expect(pull.Resource).toEqual(['arn:aws:ecr:eu-west-1:123456789012:repository/agents/otel']);
    // The service's own image is CI-built: its EcrAuth statement is there once.
    expect(statements('ApiExecutionRole').filter((x) => x.Sid === 'EcrAuth')).toHaveLength(1);
  });

  it('the EC2 instance role may pull it, and the host signs in to that registry before running it', () => {
    expect(statements('BoxRole').find((x) => x.Sid === 'PullSidecarImages')!.Resource).toEqual(['arn:aws:ecr:eu-west-1:123456789012:repository/agents/otel']);
    const ud = userData(a, 'box');
    const login = ud.indexOf("aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin '123456789012.dkr.ecr.eu-west-1.amazonaws.com'");
    expect(login).toBeGreaterThan(0);
    expect(ud.indexOf('docker run -d --name box-otel')).toBeGreaterThan(login);
  });
});

describe('EKS', () => {
  it('runs the collector as a native sidecar: an init container that restarts always, requests = limits, probes, hardened', () => {
    const pod = podSpec(valid(SPEC), 'web');
    const [c] = pod.initContainers as Obj[];
    expect(c).toMatchObject({ name: 'otel', restartPolicy: 'Always', resources: { limits: { cpu: '250m', memory: '256Mi' }, requests: { cpu: '250m', memory: '256Mi' } } });
    expect(c!.startupProbe.exec.command).toEqual(['/healthcheck']);
    expect(c!.readinessProbe).toBeDefined(); // essential: counts in the pod's readiness
    expect(c!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(pod.volumes.map((v: Obj) => v.name)).toContain('tmp-otel');
    expect(pod.containers).toHaveLength(1);
  });

  it('a non-essential sidecar has no readiness probe', () => {
    const pod = podSpec(valid(SPEC.replace('health: { command: [/healthcheck] }', 'health: { command: [/healthcheck] }\n        essential: false')), 'web');
    expect(pod.initContainers[0].readinessProbe).toBeUndefined();
    expect(pod.initContainers[0].livenessProbe).toBeDefined();
  });

  it('counts the sidecar in the pod for the node fit (DEX316)', () => {
    const text = SPEC.replace('instanceType: t3.medium', 'instanceType: t3.small').replace("  web:\n    port: 8080\n    placement: eks\n", "  web:\n    port: 8080\n    placement: eks\n    resources: { cpu: 1.9, memory: 1GiB }\n");
    const d = analyzed(text).diagnostics.find((x) => x.code === 'DEX316');
    expect(d?.message).toContain('with its sidecars');
  });
});

describe('EKS Fargate', () => {
  it('sizes and bills the pod with its native sidecar: 0.5 + 0.25 vCPU, 1 GiB + 256 MiB + 256 MiB for the kubelet → 1 vCPU, 2 GB', () => {
    const text = SPEC.replace('nodeGroups: [{ name: default, instanceType: t3.medium, min: 2, max: 3 }] }', 'nodeGroups: [{ name: default, instanceType: t3.medium, min: 2, max: 3 }], fargateProfiles: [{ name: web, selectors: [{ namespace: web }] }] }');
    const lines = fargatePodUsage(valid(text).compiled[0]!.model!.spec.services.web!);
    expect(lines.map((l) => [l.meter, l.quantity.min])).toEqual([['fargate.vcpu', 730], ['fargate.memory', 1460]]);
    expect(lines[0]!.basis).toContain('requests 0.75 vCPU, 1280MiB (with its sidecars) + 256MiB for the kubelet, billed as 1 vCPU, 2 GB');
  });
});

describe('EC2', () => {
  it('runs the sidecar first, hardened and limited to its size, and waits until it is healthy before the main container', () => {
    const ud = userData(valid(SPEC), 'box');
    const sidecar = ud.indexOf('docker run -d --name box-otel');
    expect(sidecar).toBeGreaterThan(0);
    expect(ud.indexOf('docker run -d --name box ')).toBeGreaterThan(sidecar);
    expect(ud).toContain("--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges --user 10001:10001 --env-file /etc/dex/sidecar-otel.env --cpus 0.25 --memory 256m");
    expect(ud).toContain("'public.ecr.aws/aws-observability/aws-otel-collector:v0.41.1'");
    expect(ud).toContain("bash -c ': </dev/tcp/127.0.0.1/4317'");
    expect(ud).toContain('sidecar box-otel never became healthy');
  });

  it('a spec value reaches the shell as one quoted word', () => {
    const ud = userData(valid(SPEC.replace("ports: [4317]\n        health: { tcp: 4317 }", "ports: [4317]\n        command: [\"--x=$(id)'\"]\n        env: { NOTE: \"a;b $(c)\" }\n        health: { tcp: 4317 }")), 'box');
    expect(ud).toContain(`'--x=$(id)'\\\\''`);
    expect(ud).toContain(`echo 'NOTE=a;b $(c)' >> /etc/dex/sidecar-otel.env`);
  });
});

describe('the templates', () => {
  it('the ECS, EC2 and EKS templates validate against the CloudFormation resource schemas', () => {
    const templates = outTree(FILE).filter((f) => /cloudformation\/.*-(ecs|ec2|eks|security)\.ya?ml$/.test(f.path));
    expect(templates.length).toBeGreaterThanOrEqual(3);
    for (const t of templates) expect(validateTemplate(parse(t.content, { version: '1.1' })), t.path).toEqual([]);
  });
});

describe('the rules', () => {
  it.each([
    ['DEX830', 'a sidecar named as the service', SPEC.replace('      - name: otel\n        image: public.ecr.aws/aws-observability/aws-otel-collector:v0.41.1\n        resources: { cpu: 0.125', '      - name: api\n        image: public.ecr.aws/aws-observability/aws-otel-collector:v0.41.1\n        resources: { cpu: 0.125'), ['services', 'api', 'sidecars', 1, 'name'], '- name: api', 'api:'],
    ['DEX831', "a sidecar port the main container binds", SPEC.replace('ports: [4317, 13133]', 'ports: [4317, 8080]').replace('health: { tcp: 13133 }', 'health: { tcp: 4317 }'), ['services', 'api', 'sidecars', 1, 'ports', 1], 'ports: [4317, 8080]', 'api:'],
    ['DEX832', 'a task that is no Fargate size', SPEC.replace('resources: { cpu: 0.75, memory: 1536MiB }', 'resources: { cpu: 1, memory: 2GiB }'), ['services', 'api', 'resources'], 'resources: { cpu: 1, memory: 2GiB }', 'api:'],
    ['DEX833', 'waiting for a sidecar with no health check', SPEC.replace('        logRouter: true\n', '        logRouter: true\n        mainWaitsFor: healthy\n'), ['services', 'api', 'sidecars', 0, 'mainWaitsFor'], 'mainWaitsFor: healthy', 'log-router'],
    ['DEX833', 'a dependsOn cycle', SPEC.replace('        logRouter: true\n', '        logRouter: true\n        dependsOn: [{ sidecar: otel, condition: start }]\n'), ['services', 'api', 'sidecars', 1, 'dependsOn', 0, 'sidecar'], 'dependsOn: [{ sidecar: log-router', 'api:'],
    ['DEX834', 'a log router on EKS', SPEC.replace('health: { command: [/healthcheck] }', 'health: { command: [/healthcheck] }\n        logRouter: true'), ['services', 'web', 'sidecars', 0, 'logRouter'], 'logRouter: true', 'web:'],
    ['DEX835', "a secret the service does not have", SPEC.replace('secrets: [DD_API_KEY]\n        env', 'secrets: [OTHER_KEY]\n        env'), ['services', 'api', 'sidecars', 1, 'secrets', 0], 'secrets: [OTHER_KEY]', 'api:'],
    ['DEX836', 'a TCP check of a port it does not list', SPEC.replace('health: { tcp: 13133 }', 'health: { tcp: 9999 }'), ['services', 'api', 'sidecars', 1, 'health', 'tcp'], 'health: { tcp: 9999 }', 'api:'],
    ['DEX837', 'root on EKS', SPEC.replace('health: { command: [/healthcheck] }', 'health: { command: [/healthcheck] }\n        runAsRoot: "the agent image needs root for its socket"'), ['services', 'web', 'sidecars', 0, 'runAsRoot'], 'runAsRoot: "the agent', 'web:'],
    ['DEX838', 'an unpinned image', SPEC.replace('aws-for-fluent-bit:2.32.4', 'aws-for-fluent-bit:latest'), ['services', 'api', 'sidecars', 0, 'image'], 'aws-for-fluent-bit:latest', 'api:'],
    ['DEX839', 'a securityContext that relaxes nothing', SPEC.replace('        logRouter: true\n', '        logRouter: true\n        securityContext: { reason: nothing to relax at all here }\n'), ['services', 'api', 'sidecars', 0, 'securityContext'], 'securityContext: { reason', 'api:'],
  ])('%s: %s', (code, _what, text, path, needle, block) => {
    const d = analyzed(text).diagnostics.find((x) => x.code === code);
    expect(d, code).toBeDefined();
    expect(d!.path).toEqual(path);
    expect(d!.line).toBe(lineOf(text, needle, block));
  });

  it('DEX832 says which main container size makes the task a Fargate size', () => {
    const d = analyzed(SPEC.replace('resources: { cpu: 0.75, memory: 1536MiB }', 'resources: { cpu: 1, memory: 2GiB }')).diagnostics.find((x) => x.code === 'DEX832')!;
    expect(d.message).toContain('1.25 vCPU and 2560MiB');
    expect(d.hint).toContain('2 vCPU / 4GiB');
    expect(d.hint).toContain('resources: { cpu: 1.75, memory: 3584MiB }');
  });

  it('the main container alone need not be a Fargate size when sidecars complete it (no DEX309)', () => {
    expect(valid(SPEC).diagnostics.filter((d) => d.code === 'DEX309')).toEqual([]);
  });
});

describe('the compliance report', () => {
  it('lists the root sidecar with its reason under BASE-NON-ROOT-CONTAINERS', () => {
    const control = complianceResults(valid(SPEC))[0]!.controls.find((c) => c.rule.id === 'BASE-NON-ROOT-CONTAINERS')!;
    expect(control.status).toBe('pass');
    const exceptions = control.checks.filter((c) => c.message.startsWith('exception')).map((c) => [c.message, c.path.join('.')]);
    expect(exceptions).toEqual([['exception: log-router (sidecar of api) runs as root: aws-for-fluent-bit reads the FireLens configuration as root', 'services.api.sidecars.0.runAsRoot']]);
  });

  it('lists a relaxed sidecar under BASE-HARDENED-CONTAINERS, on ECS and elsewhere', () => {
    const text = SPEC.replace('        logRouter: true\n', '        logRouter: true\n        securityContext: { readOnlyRootFilesystem: false, reason: "fluent-bit writes its buffer under /var" }\n').replace('health: { command: [/healthcheck] }', 'health: { command: [/healthcheck] }\n        securityContext: { readOnlyRootFilesystem: false, reason: "the collector writes its queue under /var" }');
    const control = complianceResults(valid(text))[0]!.controls.find((c) => c.rule.id === 'BASE-HARDENED-CONTAINERS')!;
    expect(control.status).toBe('pass');
    const exceptions = control.checks.filter((c) => c.message.startsWith('exception')).map((c) => c.message);
    expect(exceptions).toEqual(['exception: log-router (sidecar of api) writes its root file system: fluent-bit writes its buffer under /var', 'exception: otel (sidecar of web, eks) writes its root file system: the collector writes its queue under /var']);
  });
});

describe('pricing', () => {
  it('bills the Fargate task at the sum of its containers, and says so', () => {
    const env = buildPlan(planTargets(valid(SPEC), undefined), loadSnapshotSource()).environments[0]!;
    const vcpu = env.lineItems.find((l) => l.meter === 'fargate.vcpu' && l.resource === 'ApiEcsService')!;
    const mem = env.lineItems.find((l) => l.meter === 'fargate.memory' && l.resource === 'ApiEcsService')!;
    expect(vcpu.quantity.min).toBe(730);
    expect(mem.quantity.min).toBe(1460);
    expect(vcpu.basis).toContain('0.75 vCPU main + 0.125 vCPU log-router + 0.125 vCPU otel');
    expect(mem.basis).toContain('1536MiB main + 256MiB log-router + 256MiB otel');
  });
});
