// Scaling on other signals (requests per target, a custom metric, steps, schedules): what the
// schema cannot say. Requests per target need an ALB in front; policies that would fight over one
// metric are refused; steps are ordered and do not overlap; schedules read as the job schedules
// do, and EC2 Auto Scaling can express them; a scheduled capacity stays within the bounds the plan
// prices. On EKS none of them is real yet (an HPA would need an external metrics adapter): refused.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedScalingSignals, NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { exposedNames, namedLoadBalancerOf } from '../model/exposure.js';
import { isScheduleError, isTimeZone, kubernetesCron, parseSchedule } from '../model/schedule.js';
import type { SemanticRule } from './index.js';

/** A scaling policy takes at most 20 step adjustments (Application Auto Scaling and EC2 Auto Scaling alike). */
export const MAX_STEPS = 20;

type Signals = NormalizedScalingSignals;

const EKS_WHY: Readonly<Record<'targetRequestsPerTarget' | 'metric' | 'steps' | 'scheduled', string>> = {
  targetRequestsPerTarget: 'a HorizontalPodAutoscaler reads ALB request counts only as an External metric, through a metrics adapter (KEDA with its aws-cloudwatch scaler, or a CloudWatch external-metrics adapter)',
  metric: 'a HorizontalPodAutoscaler reads a CloudWatch metric only as an External metric, through a metrics adapter (KEDA with its aws-cloudwatch scaler, or a CloudWatch external-metrics adapter)',
  steps: 'a HorizontalPodAutoscaler has no alarm-driven steps (its behavior policies limit how fast it moves toward one target)',
  scheduled: "Kubernetes has no scheduled scaling of its own: it takes KEDA's cron scaler",
};

function eksFindings(s: NormalizedService, sig: Signals): Finding[] {
  const at = (field: string): string[] => ['services', s.name, 'scaling', field];
  const used = (['targetRequestsPerTarget', 'metric', 'steps', 'scheduled'] as const).filter((f) =>
    f === 'targetRequestsPerTarget' ? sig.requestsPerTarget !== undefined : f === 'metric' ? sig.metric !== undefined : f === 'steps' ? sig.steps !== undefined : sig.scheduled.length > 0,
  );
  return used.map((f) => ({
    code: 'DEX854',
    message: `${s.name} runs on EKS, where dex cannot scale on scaling.${f}: ${EKS_WHY[f]}, which dex does not install`,
    path: at(f),
    hint: 'place the service on ecs or ec2 (both scale on it), or on EKS scale on targetCpuPercent and targetMemoryPercent (the HPA\'s Resource metrics)',
  }));
}

/** Why the service has no ALB target group to count requests on, or undefined when it has one. */
function noAlb(spec: NormalizedSpec, s: NormalizedService): string | undefined {
  if (exposedNames(spec).has(s.name)) return undefined;
  const named = namedLoadBalancerOf(spec, s);
  if (named !== undefined) return spec.ingress.loadBalancers?.[named]?.type === 'alb' ? undefined : `it is behind ${named}, a network load balancer, which counts no requests`;
  if (s.kind === 'backend' || s.kind === 'worker') return `it is a ${s.kind}, never behind the load balancer`;
  if (s.port === undefined) return 'it has no port';
  if (s.expose.public && spec.ingress.loadBalancer !== 'alb') return 'ingress.loadBalancer is not alb';
  return 'it is not exposed on a load balancer';
}

/** Whether the stage of this environment shifts the ECS service's traffic between two target groups (services/alb.ts). */
function trafficShifted(spec: NormalizedSpec, s: NormalizedService): boolean {
  const strategy = spec.cicd?.stages.find((st) => st.name === spec.environment)?.strategy;
  return strategy !== undefined && strategy !== 'rolling' && s.placement === 'ecs' && exposedNames(spec).has(s.name);
}

function requestFindings(spec: NormalizedSpec, s: NormalizedService, sig: Signals): Finding[] {
  if (sig.requestsPerTarget === undefined || s.placement === 'eks') return [];
  const path = ['services', s.name, 'scaling', 'targetRequestsPerTarget'];
  const why = noAlb(spec, s);
  if (why !== undefined) {
    return [{ code: 'DEX850', message: `${s.name} scales on ALB requests per target, but ${why}: there is no target group whose requests to count`, path, hint: 'expose the service on an ALB (expose: { public: true } or a named load balancer of type alb), or scale on targetCpuPercent or a custom metric' }];
  }
  if (trafficShifted(spec, s)) {
    const strategy = spec.cicd!.stages.find((st) => st.name === spec.environment)!.strategy;
    return [
      {
        code: 'DEX859',
        message: `${s.name} scales on requests per target of its target group, but the ${spec.environment} stage deploys it ${strategy}: after a release its traffic is on the other target group, and the policy would count none and scale it in`,
        path,
        hint: `scale on targetCpuPercent or a custom metric in ${spec.environment}, or deploy it rolling there`,
      },
    ];
  }
  return [];
}

function conflictFindings(s: NormalizedService, sig: Signals): Finding[] {
  const out: Finding[] = [];
  const at = (...p: (string | number)[]): (string | number)[] => ['services', s.name, 'scaling', ...p];
  if (s.scaling.queue !== undefined) {
    for (const [field, set] of [['targetRequestsPerTarget', sig.requestsPerTarget !== undefined], ['metric', sig.metric !== undefined], ['steps', sig.steps !== undefined]] as const) {
      if (set) out.push({ code: 'DEX851', message: `${s.name} scales on queue ${s.scaling.queue.queue}'s backlog, and scaling.${field} would be a second policy on another signal: the backlog policy replaces the others, so they would fight over scale-in`, path: at(field), hint: `keep one: the queue (a worker's work is its backlog) or ${field}` });
    }
  }
  const steps = sig.steps;
  if (steps === undefined) return out;
  if (steps.on === 'cpu' && sig.cpuTargetDeclared) {
    out.push({ code: 'DEX851', message: `${s.name} has steps on cpu and targetCpuPercent: a step policy and a target tracking policy on one metric fight over scale-in`, path: at('steps', 'on'), hint: 'remove targetCpuPercent (steps on cpu replace the CPU target tracking policy), or put the steps on another metric' });
  }
  if (steps.on === 'memory' && s.scaling.targetMemoryPercent !== undefined) {
    out.push({ code: 'DEX851', message: `${s.name} has steps on memory and targetMemoryPercent: a step policy and a target tracking policy on one metric fight over scale-in`, path: at('steps', 'on'), hint: 'remove targetMemoryPercent, or put the steps on another metric' });
  }
  if (steps.on === 'metric' && sig.metric?.target !== undefined) {
    out.push({ code: 'DEX851', message: `${s.name} has steps on scaling.metric and a target for it: a step policy and a target tracking policy on one metric fight over scale-in`, path: at('steps', 'on'), hint: 'remove scaling.metric.target (the steps alone then scale on it), or remove the steps' });
  }
  return out;
}

function metricFindings(s: NormalizedService, sig: Signals): Finding[] {
  const at = (...p: string[]): string[] => ['services', s.name, 'scaling', ...p];
  if (sig.steps?.on === 'metric' && sig.metric === undefined) {
    return [{ code: 'DEX857', message: `${s.name} has steps on metric but no scaling.metric to watch`, path: at('steps', 'on'), hint: 'declare scaling.metric: { namespace, name, dimensions, statistic } (without target), or put the steps on cpu or memory' }];
  }
  if (sig.metric !== undefined && sig.metric.target === undefined && sig.steps?.on !== 'metric') {
    return [{ code: 'DEX857', message: `${s.name} declares scaling.metric ${sig.metric.namespace} ${sig.metric.name} with no target, and no steps on it: nothing scales on it`, path: at('metric'), hint: 'add target (target tracking), or steps: { on: metric, ... }' }];
  }
  return [];
}

function stepFindings(s: NormalizedService, sig: Signals): Finding[] {
  const steps = sig.steps;
  if (steps === undefined) return [];
  const at = (...p: (string | number)[]): (string | number)[] => ['services', s.name, 'scaling', 'steps', ...p];
  const out: Finding[] = [];
  if (steps.out.length === 0 && steps.in.length === 0) {
    return [{ code: 'DEX856', message: `${s.name}'s steps have neither out nor in steps: nothing would scale`, path: at(), hint: 'add out: [{ atOrAbove: 70, add: 1 }] and in: [{ atOrBelow: 30, remove: 1 }]' }];
  }
  for (const [direction, list] of [['out', steps.out], ['in', steps.in]] as const) {
    if (list.length > MAX_STEPS) out.push({ code: 'DEX856', message: `${s.name} has ${list.length} scale-${direction} steps; a scaling policy takes at most ${MAX_STEPS}`, path: at(direction), hint: 'merge neighbouring steps' });
  }
  const percent = steps.on === 'cpu' || steps.on === 'memory';
  const thresholds = [...steps.out.map((x) => ({ value: x.atOrAbove, direction: 'out' as const, index: x.index })), ...steps.in.map((x) => ({ value: x.atOrBelow, direction: 'in' as const, index: x.index }))];
  for (const t of thresholds) {
    if (percent && t.value > 100) out.push({ code: 'DEX856', message: `${s.name}'s step at ${t.value} on ${steps.on}: utilisation is a percentage and never above 100`, path: at(t.direction, t.index), hint: 'write a threshold from 0 to 100' });
  }
  for (const [direction, list, key] of [['out', steps.out, 'atOrAbove'], ['in', steps.in, 'atOrBelow']] as const) {
    for (let i = 1; i < list.length; i += 1) {
      const value = (list[i] as Record<string, number>)[key]!;
      if (value === (list[i - 1] as Record<string, number>)[key]) out.push({ code: 'DEX856', message: `${s.name} has two scale-${direction} steps at ${value}`, path: at(direction, list[i]!.index), hint: 'give each step its own threshold' });
    }
  }
  const lowestOut = steps.out[0];
  const highestIn = steps.in[0];
  if (lowestOut !== undefined && highestIn !== undefined && highestIn.atOrBelow >= lowestOut.atOrAbove) {
    out.push({ code: 'DEX856', message: `${s.name} scales in at or below ${highestIn.atOrBelow} and out at or above ${lowestOut.atOrAbove}: between them both alarms would act at once`, path: at('in', highestIn.index), hint: `keep the scale-in thresholds below ${lowestOut.atOrAbove}` });
  }
  return out;
}

function scheduleFindings(s: NormalizedService, sig: Signals): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  sig.scheduled.forEach((a, i) => {
    const at = (...p: string[]): (string | number)[] => ['services', s.name, 'scaling', 'scheduled', i, ...p];
    if (seen.has(a.name)) out.push({ code: 'DEX852', message: `${s.name} has two scheduled actions named ${a.name}`, path: at('name'), hint: 'give each scheduled action its own name' });
    seen.add(a.name);
    const parsed = parseSchedule(a.schedule);
    if (isScheduleError(parsed)) {
      out.push({ code: 'DEX852', message: `${s.name}'s scheduled action ${a.name}: ${parsed.message}`, path: at('schedule'), hint: parsed.message.includes('one-time') ? 'write cron(...) or rate(...): dex keeps scheduled actions that repeat' : parsed.hint });
    } else if (s.placement === 'ec2') {
      const cron = kubernetesCron(parsed);
      if (isScheduleError(cron)) out.push({ code: 'DEX855', message: `${s.name} runs on EC2, whose scheduled actions take a five-field cron (no rate, year, L, W or #): ${cron.message.replace(/a Kubernetes CronJob|Kubernetes cron/, 'Unix cron')}`, path: at('schedule'), hint: 'write cron(minutes hours day-of-month month day-of-week *) without L, W or #, or a rate that divides an hour or a day (rate(30 minutes), rate(6 hours), rate(1 day))' });
    }
    if (a.timezone !== undefined && !isTimeZone(a.timezone)) {
      out.push({ code: 'DEX852', message: `${s.name}'s scheduled action ${a.name}: ${a.timezone} is not an IANA time zone`, path: at('timezone'), hint: 'write a zone of the IANA tz database, e.g. UTC, Europe/Berlin or America/New_York' });
    }
    if (a.min > a.max) {
      out.push({ code: 'DEX853', message: `${s.name}'s scheduled action ${a.name} sets min ${a.min} above max ${a.max}`, path: at('min'), hint: `set min to at most ${a.max}` });
    } else if (a.max > s.scaling.max) {
      out.push({ code: 'DEX853', message: `${s.name}'s scheduled action ${a.name} raises max to ${a.max}, above scaling.max ${s.scaling.max}: the plan prices up to scaling.max`, path: at('max'), hint: `set scaling.max to at least ${a.max} (the peak), or lower this max` });
    }
  });
  const lowers = sig.scheduled.some((a) => a.min < s.scaling.min || a.max < s.scaling.max);
  const restores = sig.scheduled.some((a) => a.min === s.scaling.min && a.max === s.scaling.max);
  if (lowers && !restores) {
    out.push({
      code: 'DEX858',
      message: `${s.name}'s scheduled actions lower its capacity, and none sets it back to min ${s.scaling.min} and max ${s.scaling.max}: after the first it stays lowered until a stack update resets it`,
      path: ['services', s.name, 'scaling', 'scheduled'],
      hint: `add an action that restores it, e.g. { name: morning, schedule: "cron(0 7 ? * MON-FRI *)", min: ${s.scaling.min}, max: ${s.scaling.max} }`,
    });
  }
  return out;
}

export const scalingRule: SemanticRule = {
  id: 'scaling-signals',
  check(spec: NormalizedSpec): Finding[] {
    const out: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      const sig = s.scaling.signals;
      if (sig === undefined) continue;
      if (s.kind === 'job') {
        out.push({ code: 'DEX851', message: `${s.name} is a job: it runs to completion, so no scaling policy or scheduled action acts on it`, path: ['services', s.name, 'scaling'], hint: 'remove targetRequestsPerTarget, metric, steps and scheduled from the job; its schedule says when it runs' });
        continue;
      }
      if (s.placement === 'eks') {
        out.push(...eksFindings(s, sig));
        continue;
      }
      out.push(...requestFindings(spec, s, sig), ...conflictFindings(s, sig), ...metricFindings(s, sig), ...stepFindings(s, sig), ...scheduleFindings(s, sig));
    }
    return out;
  },
};
