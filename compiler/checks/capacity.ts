// ECS capacity (issue 15): a service's capacity mix (`capacity`) and the cluster's EC2 container
// instances (`platforms.ecs.containerInstances`). A strategy ECS would refuse, or one whose tasks
// have nowhere to go, is an error at the field that makes it so; instances that run nothing, and
// production tasks that can all be interrupted at once, are warnings.
//
// Jobs take no `capacity` (DEX841): a job's run is one task started by EventBridge Scheduler or the
// release, where a base and weights split nothing; it runs on the cluster's default,
// platforms.ecs.capacity (fargate-spot puts its runs on Spot).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedContainerInstances, NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { isJob } from '../../spec/model.js';
import { instanceShape } from '../model/instance-types.js';
import type { SemanticRule } from './index.js';

const CI_PATH = ['platforms', 'ecs', 'containerInstances'] as const;

/** The first of the container instances' types a task does not fit: the group may launch any of them. */
function tooSmall(ci: NormalizedContainerInstances, s: NormalizedService): { type: string; vcpu: number; memoryGiB: number } | undefined {
  for (const type of ci.instanceTypes) {
    const shape = instanceShape(type);
    if (shape && (s.resources.cpu > shape.vcpu || s.resources.memoryMiB > shape.memoryGiB * 1024)) return { type, vcpu: shape.vcpu, memoryGiB: shape.memoryGiB };
  }
  return undefined;
}

/** Whether every task of the service may run on Spot (no On-Demand share at all). */
function allOnSpot(spec: NormalizedSpec, s: NormalizedService): boolean {
  const c = s.capacity;
  if (c === undefined) return spec.platforms.ecs.capacity === 'fargate-spot';
  if (c.ec2) return spec.platforms.ecs.containerInstances?.spot === true;
  return (c.spot?.weight ?? 0) > 0 && (c.fargate?.base ?? 0) === 0 && (c.fargate?.weight ?? 0) === 0;
}

function serviceFindings(spec: NormalizedSpec, s: NormalizedService): Finding[] {
  const c = s.capacity;
  const at = ['services', s.name, 'capacity'];
  if (c === undefined) return [];
  if (s.placement !== 'ecs') {
    return [{ code: 'DEX840', message: `${s.name} has a capacity mix but runs on ${s.placement}: capacity providers are ECS's`, path: at, hint: s.placement === 'eks' ? 'on EKS choose nodes with nodeGroups (On-Demand or Spot groups), or place the service on ecs' : 'remove capacity, or place the service on ecs' }];
  }
  if (isJob(s)) {
    return [{ code: 'DEX841', message: `${s.name} is a job: each run is one task, which a base and weights do not split`, path: at, hint: 'remove capacity: jobs run on the cluster\'s default, platforms.ecs.capacity (fargate-spot puts their runs on Spot)' }];
  }
  const findings: Finding[] = [];
  if (c.ec2 && (c.fargate || c.spot)) {
    findings.push({ code: 'DEX844', message: `${s.name} mixes the EC2 container instances with Fargate: ECS refuses a capacity provider strategy with both`, path: [...at, 'ec2'], hint: 'give the service either fargate and spot, or ec2 alone' });
    return findings;
  }
  const weights = [c.fargate?.weight, c.spot?.weight, c.ec2?.weight].filter((w): w is number => w !== undefined);
  if (!weights.some((w) => w > 0)) {
    findings.push({
      code: 'DEX842',
      message: `${s.name}'s capacity has no weight above 0: ECS places no task beyond the base`,
      path: at,
      hint: c.ec2 ? 'give ec2 a weight of 1 or more' : 'give fargate or spot a weight of 1 or more (e.g. fargate: { base: 2, weight: 1 }, spot: { weight: 3 })',
    });
  }
  for (const provider of ['fargate', 'ec2'] as const) {
    const base = c[provider]?.base ?? 0;
    if (base > s.scaling.max) {
      findings.push({
        code: 'DEX843',
        message: `${s.name}'s capacity.${provider}.base is ${base}, above scaling.max ${s.scaling.max}: the service never runs that many tasks`,
        path: [...at, provider, 'base'],
        hint: `lower the base to at most ${s.scaling.max}, or raise scaling.max`,
      });
    }
  }
  if (c.ec2) {
    const ci = spec.platforms.ecs.containerInstances;
    if (ci === undefined) {
      findings.push({ code: 'DEX845', message: `${s.name} runs on the EC2 container instances, but the cluster has none`, path: [...at, 'ec2'], hint: 'add platforms.ecs.containerInstances: { instanceTypes: [t3.large], min: 1, max: 5 }' });
    } else {
      const arch = instanceShape(ci.instanceTypes[0]!)?.architecture;
      if (arch !== undefined && arch !== s.architecture) {
        findings.push({
          code: 'DEX847',
          message: `${s.name}'s image is ${s.architecture}, but the container instances (${ci.instanceTypes.join(', ')}) are ${arch}`,
          path: ['services', s.name, 'architecture'],
          hint: arch === 'arm64' ? 'build the image for arm64 (architecture: arm64), or use x86_64 instance types' : 'use Graviton instance types (e.g. m7g.large), or an x86_64 image',
        });
      }
      const small = tooSmall(ci, s);
      if (small) {
        findings.push({
          code: 'DEX847',
          message: `${s.name}'s task (${s.resources.cpu} vCPU, ${s.resources.memory}) does not fit a ${small.type} container instance (${small.vcpu} vCPU, ${small.memoryGiB} GiB, less what the ECS agent and the OS keep)`,
          path: ['services', s.name, 'resources'],
          hint: 'use larger instance types, or a smaller task',
        });
      }
      if (s.resources.ephemeralStorageGiB !== undefined) {
        findings.push({
          code: 'DEX847',
          message: `${s.name} sets resources.ephemeralStorage, which only Fargate has: on the container instances a task's storage is the instance's volume`,
          path: ['services', s.name, 'resources', 'ephemeralStorage'],
          hint: 'remove ephemeralStorage and size platforms.ecs.containerInstances.diskGiB instead',
        });
      }
    }
  }
  return findings;
}

export const capacityRule: SemanticRule = {
  id: 'capacity',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const services = Object.values(spec.services);
    for (const s of services) findings.push(...serviceFindings(spec, s));
    const ci = spec.platforms.ecs.containerInstances;
    if (ci !== undefined) {
      if (ci.min > ci.max) {
        findings.push({ code: 'DEX846', message: `platforms.ecs.containerInstances.min ${ci.min} is above max ${ci.max}`, path: [...CI_PATH, 'min'], hint: `lower min to at most ${ci.max}, or raise max` });
      }
      // The ECS agent registers over the ECS API (ecs, ecs-agent, ecs-telemetry), which
      // network.endpoints has no entry for: without NAT the instances never join the cluster.
      if (spec.network.natGateways === 'none') {
        findings.push({
          code: 'DEX846',
          message: 'platforms.ecs.containerInstances need the ECS API to join the cluster, but network.natGateways is none and dex has no ECS endpoints to add',
          path: CI_PATH as unknown as string[],
          hint: 'set network.natGateways: single, or run the services on Fargate (capacity without ec2)',
        });
      }
      const first = instanceShape(ci.instanceTypes[0]!)?.architecture;
      const other = ci.instanceTypes.findIndex((x) => { const a = instanceShape(x)?.architecture; return a !== undefined && first !== undefined && a !== first; });
      if (other > 0) {
        findings.push({
          code: 'DEX846',
          message: `platforms.ecs.containerInstances mixes ${first} and ${first === 'arm64' ? 'x86_64' : 'arm64'} types (${ci.instanceTypes[0]}, ${ci.instanceTypes[other]}): one image cannot run on both, and the AMI is per architecture`,
          path: [...CI_PATH, 'instanceTypes', other],
          hint: 'keep the types of one architecture',
        });
      }
      const users = services.filter((s) => s.placement === 'ecs' && s.capacity?.ec2 !== undefined);
      if (users.length === 0 && ci.min > 0) {
        findings.push({
          code: 'DEX848',
          severity: 'warning',
          message: `platforms.ecs.containerInstances runs ${ci.min} to ${ci.max} instances, but no ECS service runs on them: they are billed for nothing`,
          path: CI_PATH as unknown as string[],
          hint: 'give a service capacity: { ec2: { weight: 1 } }, or remove containerInstances',
        });
      }
    }
    if (spec.protect) {
      for (const s of services) {
        if (s.placement !== 'ecs' || isJob(s) || !allOnSpot(spec, s)) continue;
        const how = s.capacity === undefined ? 'platforms.ecs.capacity is fargate-spot' : s.capacity.ec2 ? 'the container instances are Spot (containerInstances.spot)' : 'its capacity has no On-Demand share';
        findings.push({
          code: 'DEX849',
          severity: 'warning',
          message: `${s.name} runs every task on Spot in ${spec.environment ?? 'a protected environment'} (${how}): one reclaim can stop all of them at once`,
          path: s.capacity === undefined ? ['platforms', 'ecs', 'capacity'] : s.capacity.ec2 ? [...CI_PATH, 'spot'] : ['services', s.name, 'capacity'],
          hint: 'keep an On-Demand base that carries the load alone, e.g. capacity: { fargate: { base: 2, weight: 1 }, spot: { weight: 3 } }',
        });
      }
    }
    return findings;
  },
};
