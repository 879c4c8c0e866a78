// Relaxing a hardened container default with a reason (securityContext) and scratch disk
// (resources.ephemeralStorage), issue 15: each platform's container, the rules DEX331–DEX334 located
// in the file, the compliance exception with its reason, and the Fargate ephemeral storage line.
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

const SPEC = readFileSync('test/fixtures/spec/security-context.dex.yaml', 'utf8');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const task = (a: Analysis, service: string): Obj => resources(a).find((r) => r.type === 'AWS::ECS::TaskDefinition' && r.origin[1] === service)!.properties as Obj;
const userData = (a: Analysis, service: string): string => JSON.stringify(resources(a).find((r) => r.type === 'AWS::EC2::LaunchTemplate' && r.origin[1] === service)!.properties);
function podSpec(a: Analysis, service: string): Obj {
  const file = compileEmit(a.compiled[0]!).files.find((f) => f.path === `kubernetes/${service}/deployment.yaml`)!;
  return (parse(file.content) as Obj).spec.template.spec;
}

describe('each platform', () => {
  const a = valid(SPEC);

  it('ECS: the root file system writable, SYS_PTRACE added after every capability is dropped, 50 GiB of ephemeral storage', () => {
    const t = task(a, 'web');
    expect(t.EphemeralStorage).toEqual({ SizeInGiB: 50 });
    expect(t.ContainerDefinitions[0].ReadonlyRootFilesystem).toBe(false);
    expect(t.ContainerDefinitions[0].LinuxParameters.Capabilities).toEqual({ Add: ['SYS_PTRACE'], Drop: ['ALL'] });
    // The non-root user is a separate opt-out (runAsRoot), untouched here.
    expect(t.ContainerDefinitions[0].User).toBe('10001:10001');
  });

  it('ECS: a service that relaxes nothing keeps every default and no EphemeralStorage', () => {
    const t = task(a, 'plain');
    expect(t.EphemeralStorage).toBeUndefined();
    expect(t.ContainerDefinitions[0].ReadonlyRootFilesystem).toBe(true);
    expect(t.ContainerDefinitions[0].LinuxParameters.Capabilities).toEqual({ Drop: ['ALL'] });
  });

  it('EKS: capabilities added, root still read-only and non-root, ephemeral-storage requested and limited, /tmp as large', () => {
    const pod = podSpec(a, 'agent');
    const c = pod.containers[0];
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE', 'NET_RAW'], drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(c.resources.requests['ephemeral-storage']).toBe('30Gi');
    expect(c.resources.limits['ephemeral-storage']).toBe('30Gi');
    expect(pod.volumes.find((v: Obj) => v.name === 'tmp').emptyDir).toEqual({ sizeLimit: '30Gi' });
  });

  it('EC2: docker run without --read-only, with the capability after --cap-drop ALL (a word from the schema enum), /tmp on the host disk', () => {
    const ud = userData(a, 'mailer');
    expect(ud).toContain("--cap-drop ALL --cap-add NET_BIND_SERVICE --security-opt no-new-privileges");
    expect(ud).not.toContain('--read-only');
    expect(ud).toContain('--mount type=volume,destination=/tmp');
    expect(ud).not.toContain('--tmpfs /tmp');
  });
});

describe('the templates', () => {
  it('the ECS, EC2 and EKS templates validate against the CloudFormation resource schemas', () => {
    const templates = outTree('test/fixtures/spec/security-context.dex.yaml').filter((f) => /cloudformation\/.*-(ecs|ec2|eks)\.ya?ml$/.test(f.path));
    expect(templates.length).toBeGreaterThanOrEqual(3);
    for (const t of templates) expect(validateTemplate(parse(t.content, { version: '1.1' })), t.path).toEqual([]);
  });
});

describe('the rules', () => {
  it.each([
    ['DEX331', 'a capability Fargate cannot add', SPEC.replace('add: [SYS_PTRACE]', 'add: [SYS_PTRACE, NET_ADMIN]'), ['services', 'web', 'securityContext', 'capabilities', 'add', 1], 'NET_ADMIN', 'web:'],
    ['DEX332', 'more ephemeral storage than Fargate gives', SPEC.replace('ephemeralStorage: 50GiB', 'ephemeralStorage: 500GiB'), ['services', 'web', 'resources', 'ephemeralStorage'], 'ephemeralStorage', 'web:'],
    ['DEX332', 'less than the free 20 GiB', SPEC.replace('ephemeralStorage: 50GiB', 'ephemeralStorage: 10GiB'), ['services', 'web', 'resources', 'ephemeralStorage'], 'ephemeralStorage', 'web:'],
    ['DEX333', 'an EC2 volume too small', SPEC.replace('storageGiB: 40', 'storageGiB: 25'), ['services', 'mailer', 'resources', 'ephemeralStorage'], 'ephemeralStorage', 'mailer:'],
    ['DEX333', 'no EKS node disk large enough', SPEC.replace('ephemeralStorage: 30GiB', 'ephemeralStorage: 45GiB'), ['services', 'agent', 'resources', 'ephemeralStorage'], 'ephemeralStorage', 'agent:'],
    ['DEX334', 'a securityContext that relaxes nothing', SPEC.replace('  plain: { port: 8081, placement: ecs }', '  plain: { port: 8081, placement: ecs, securityContext: { reason: nothing at all to relax here } }'), ['services', 'plain', 'securityContext'], 'securityContext', 'plain:'],
  ])('%s: %s', (code, _what, text, path, needle, block) => {
    const d = analyzed(text).diagnostics.find((x) => x.code === code);
    expect(d, code).toBeDefined();
    expect(d!.path).toEqual(path);
    expect(d!.line).toBe(lineOf(text, needle, block));
  });

  it('a reason is required, and a capability must be a Linux one', () => {
    expect(analyzed(SPEC.replace('      reason: the agent binds port 514 and sends ICMP probes\n', '')).diagnostics.some((d) => d.severity === 'error' && d.path.join('.') === 'services.agent.securityContext')).toBe(true);
    expect(analyzed(SPEC.replace('NET_RAW', 'CAP_NET_RAW')).diagnostics.some((d) => d.severity === 'error' && d.path.join('.').startsWith('services.agent.securityContext.capabilities.add'))).toBe(true);
  });
});

describe('the compliance report', () => {
  it('lists every relaxed service with what it gives up and why, as exceptions of BASE-HARDENED-CONTAINERS', () => {
    const control = complianceResults(valid(SPEC))[0]!.controls.find((c) => c.rule.id === 'BASE-HARDENED-CONTAINERS')!;
    expect(control.status).toBe('pass');
    const exceptions = control.checks.filter((c) => c.message.startsWith('exception')).map((c) => [c.message, c.path.join('.')]);
    expect(exceptions).toEqual([
      ['exception: web writes its root file system and adds SYS_PTRACE: the profiler attaches to the server and writes its cache under /var', 'services.web.securityContext'],
      ['exception: agent (eks) adds NET_BIND_SERVICE, NET_RAW: the agent binds port 514 and sends ICMP probes', 'services.agent.securityContext'],
      ['exception: mailer (ec2) writes its root file system and adds NET_BIND_SERVICE: postfix binds port 25 and keeps its spool under /var', 'services.mailer.securityContext'],
    ]);
  });
});

describe('pricing', () => {
  it('bills the 30 GB above the free 20 GB of each Fargate task, per task-hour', () => {
    const env = buildPlan(planTargets(valid(SPEC), undefined), loadSnapshotSource()).environments[0]!;
    const lines = env.lineItems.filter((l) => l.meter === 'fargate.ephemeralStorage');
    // Only web asks more than the free 20 GB (agent is on EKS, mailer on EC2).
    expect(lines).toHaveLength(1);
    expect(lines[0]!.basis).toContain('30 GB of ephemeral storage above the free 20 GB per task');
    // us-east-1 list price, $0.000111 per GB-hour: 30 GB × 730 h × 1 task.
    expect(lines[0]!.unitPriceUsd).toBe(0.000111);
    expect(lines[0]!.monthlyUsd.min).toBeCloseTo(30 * 730 * 0.000111, 2);
  });
});
