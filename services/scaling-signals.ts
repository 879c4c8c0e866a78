// Scaling on other signals than CPU and memory, for services on ECS (Application Auto Scaling on
// the service's ScalableTarget) and EC2 (the service's Auto Scaling group):
// - `targetRequestsPerTarget`: target tracking on ALBRequestCountPerTarget of the service's target
//   group, whose ResourceLabel is the load balancer's and the target group's full names;
// - `metric` with a `target`: target tracking on a custom CloudWatch metric;
// - `steps`: step scaling, an alarm per direction (at the lowest scale-out threshold, at the
//   highest scale-in one) driving a StepScaling policy whose intervals are the steps' thresholds
//   relative to the alarm's;
// - `scheduled`: on EC2 an AWS::AutoScaling::ScheduledAction each (ECS's live on the ScalableTarget
//   itself, services/ecs.ts, with ecsScheduledActions below).
//
// Several target tracking policies are what AWS designs for: scale-out when any is above its
// target, scale-in only when all are below. Steps on cpu replace the CPU policy (services/ecs.ts,
// services/ec2.ts ask cpuYieldsToSteps): a step and a target tracking policy on one metric would
// fight over scale-in; on the other metrics the checks refuse the pair (DEX851).
//
// Target tracking creates two alarms (high and low) of its own and step scaling one per direction:
// each is billed as a standard CloudWatch alarm and priced as one here. EKS is refused
// (DEX854, compiler/checks/scaling.ts): an HPA reads these metrics only through an external
// metrics adapter that dex does not install.
import { ID, getAtt, namePrefix, pascal, ref, resource } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource, UsageMeter } from '../compiler/model/types.js';
import { exposedNames, namedLoadBalancerOf } from '../compiler/model/exposure.js';
import { isScheduleError, kubernetesCron, parseSchedule } from '../compiler/model/schedule.js';
import type { NormalizedScalingSignals, NormalizedService, NormalizedSpec } from '../spec/model.js';
import { LB_ID } from './load-balancers.js';

type Signalled = NormalizedService & { scaling: { signals: NormalizedScalingSignals } };

/** Services of a platform that scale on one of these signals, sorted by name. */
function signalled(spec: NormalizedSpec, placement: 'ecs' | 'ec2'): Signalled[] {
  return Object.values(spec.services)
    .filter((s): s is Signalled => s.placement === placement && s.scaling.signals !== undefined && s.kind !== 'job')
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Whether a service's CPU target tracking policy gives way to its steps on cpu. */
export function cpuYieldsToSteps(s: NormalizedService): boolean {
  return s.scaling.signals?.steps?.on === 'cpu';
}

/**
 * The logical ID of the ALB a service's target group is on: the shared ALB, or a named
 * load balancer of type alb; undefined on an NLB or when not behind one (DEX850).
 */
export function albOf(spec: NormalizedSpec, s: NormalizedService): string | undefined {
  if (exposedNames(spec).has(s.name)) return ID.loadBalancer;
  const named = namedLoadBalancerOf(spec, s);
  return named !== undefined && spec.ingress.loadBalancers?.[named]?.type === 'alb' ? LB_ID.loadBalancer(named) : undefined;
}

const alarmMeter = (count: number, what: string): UsageMeter => ({
  meter: 'cloudwatch.alarm',
  unit: 'count-month',
  quantity: { min: count, max: count },
  attributes: { resolution: 'standard' },
  basis: `${what}: ${count} standard-resolution alarm${count === 1 ? '' : 's'}`,
});

const TARGET_TRACKING_ALARMS = 'the high and low alarms target tracking creates';

/** The application-scaling schedule: Application Auto Scaling reads cron(...) and rate(...) as written. */
export function ecsScheduledActions(s: NormalizedService): CfnValue[] | undefined {
  const scheduled = s.scaling.signals?.scheduled ?? [];
  if (scheduled.length === 0) return undefined;
  return scheduled.map((a) => ({
    ScheduledActionName: `${s.name}-${a.name}`,
    Schedule: a.schedule.trim(),
    ...(a.timezone !== undefined ? { Timezone: a.timezone } : {}),
    ScalableTargetAction: { MinCapacity: a.min, MaxCapacity: a.max },
  }));
}

interface Metric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly { readonly Name: string; readonly Value: CfnValue }[];
  readonly statistic: string;
  readonly what: string;
}

/** The metric step alarms watch: the platform's CPU or memory utilisation, or the custom metric. */
function stepMetric(s: Signalled, placement: 'ecs' | 'ec2'): Metric {
  const on = s.scaling.signals.steps!.on;
  if (on === 'metric') {
    const m = s.scaling.signals.metric!;
    return { namespace: m.namespace, name: m.name, dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })), statistic: m.statistic, what: `${m.namespace} ${m.name}` };
  }
  if (placement === 'ecs') {
    const dimensions = [
      { Name: 'ClusterName', Value: ref(ID.ecsCluster) },
      { Name: 'ServiceName', Value: getAtt(ID.ecsService(s.name), 'Name') },
    ];
    return on === 'cpu' ? { namespace: 'AWS/ECS', name: 'CPUUtilization', dimensions, statistic: 'Average', what: 'CPU utilisation' } : { namespace: 'AWS/ECS', name: 'MemoryUtilization', dimensions, statistic: 'Average', what: 'memory utilisation' };
  }
  const dimensions = [{ Name: 'AutoScalingGroupName', Value: ref(ID.autoScalingGroup(s.name)) }];
  // Memory on EC2 is the CloudWatch agent's, per group (services/ec2.ts's agent configuration).
  return on === 'cpu' ? { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions, statistic: 'Average', what: 'CPU utilisation' } : { namespace: 'CWAgent', name: 'mem_used_percent', dimensions, statistic: 'Average', what: 'memory utilisation' };
}

type Direction = 'out' | 'in';

/** Step adjustments relative to the alarm's threshold, and the threshold itself. */
function stepAdjustments(s: Signalled, direction: Direction): { threshold: number; adjustments: CfnValue[] } {
  const steps = s.scaling.signals.steps!;
  if (direction === 'out') {
    const out = steps.out;
    const threshold = out[0]!.atOrAbove;
    return {
      threshold,
      adjustments: out.map((x, i) => ({ MetricIntervalLowerBound: x.atOrAbove - threshold, ...(i + 1 < out.length ? { MetricIntervalUpperBound: out[i + 1]!.atOrAbove - threshold } : {}), ScalingAdjustment: x.add })),
    };
  }
  const ins = steps.in;
  const threshold = ins[0]!.atOrBelow;
  return {
    threshold,
    adjustments: ins.map((x, i) => ({ ...(i + 1 < ins.length ? { MetricIntervalLowerBound: ins[i + 1]!.atOrBelow - threshold } : {}), MetricIntervalUpperBound: x.atOrBelow - threshold, ScalingAdjustment: -x.remove })),
  };
}

function stepAlarm(spec: NormalizedSpec, s: Signalled, layer: 'ecs' | 'ec2', direction: Direction, policyId: string, threshold: number): ModelResource {
  const steps = s.scaling.signals.steps!;
  const m = stepMetric(s, layer);
  return resource({
    logicalId: `${pascal(s.name)}Step${direction === 'out' ? 'Out' : 'In'}Alarm`,
    type: 'AWS::CloudWatch::Alarm',
    layer,
    origin: ['services', s.name, 'scaling', 'steps', direction],
    component: `service/${s.name}`,
    properties: {
      AlarmName: `${namePrefix(spec)}-${s.name}-scale-${direction}`,
      AlarmDescription: `scaling: ${m.what} ${direction === 'out' ? 'at or above' : 'at or below'} ${threshold}: scale ${s.name} ${direction}`,
      Namespace: m.namespace,
      MetricName: m.name,
      ...(m.dimensions.length ? { Dimensions: m.dimensions.map((d) => ({ Name: d.Name, Value: d.Value })) } : {}),
      Statistic: m.statistic,
      Period: steps.periodSeconds,
      EvaluationPeriods: steps.evaluationPeriods,
      DatapointsToAlarm: steps.evaluationPeriods,
      Threshold: threshold,
      ComparisonOperator: direction === 'out' ? 'GreaterThanOrEqualToThreshold' : 'LessThanOrEqualToThreshold',
      // A custom metric the service stops publishing must not scale it in.
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [ref(policyId)],
    },
    usage: [alarmMeter(1, `scale-${direction} alarm`)],
  });
}

const adjustmentType = (s: Signalled): string => (s.scaling.signals.steps!.adjustment === 'percent' ? 'PercentChangeInCapacity' : 'ChangeInCapacity');

function ecsResources(spec: NormalizedSpec, s: Signalled): ModelResource[] {
  const P = pascal(s.name);
  const component = `service/${s.name}`;
  const sig = s.scaling.signals;
  const out: ModelResource[] = [];
  const trackingPolicy = (kind: string, field: string, config: Record<string, CfnValue>, target: number): ModelResource =>
    resource({
      logicalId: `${P}${kind}ScalingPolicy`,
      type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
      layer: 'ecs',
      origin: ['services', s.name, 'scaling', field],
      component,
      properties: {
        PolicyName: `${s.name}-${kind.toLowerCase()}-target-tracking`,
        PolicyType: 'TargetTrackingScaling',
        ScalingTargetId: ref(`${P}ScalableTarget`),
        TargetTrackingScalingPolicyConfiguration: { ...config, TargetValue: target, ScaleInCooldown: 300, ScaleOutCooldown: 60 },
      },
      usage: [alarmMeter(2, TARGET_TRACKING_ALARMS)],
    });
  if (s.scaling.max > s.scaling.min) {
    const alb = albOf(spec, s);
    if (sig.requestsPerTarget !== undefined && alb !== undefined) {
      out.push(trackingPolicy('Requests', 'targetRequestsPerTarget', { PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: resourceLabel(alb, s) } }, sig.requestsPerTarget));
    }
    if (sig.metric?.target !== undefined) out.push(trackingPolicy('Metric', 'metric', { CustomizedMetricSpecification: customized(sig) }, sig.metric.target));
    for (const direction of directions(sig)) {
      const { threshold, adjustments } = stepAdjustments(s, direction);
      const policyId = `${P}Step${direction === 'out' ? 'Out' : 'In'}ScalingPolicy`;
      out.push(
        resource({
          logicalId: policyId,
          type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
          layer: 'ecs',
          origin: ['services', s.name, 'scaling', 'steps', direction],
          component,
          properties: {
            PolicyName: `${s.name}-step-scale-${direction}`,
            PolicyType: 'StepScaling',
            ScalingTargetId: ref(`${P}ScalableTarget`),
            StepScalingPolicyConfiguration: {
              AdjustmentType: adjustmentType(s),
              Cooldown: sig.steps!.cooldownSeconds,
              MetricAggregationType: 'Average',
              ...(sig.steps!.adjustment === 'percent' ? { MinAdjustmentMagnitude: 1 } : {}),
              StepAdjustments: adjustments,
            },
          },
        }),
        stepAlarm(spec, s, 'ecs', direction, policyId, threshold),
      );
    }
  }
  return out;
}

function ec2Resources(spec: NormalizedSpec, s: Signalled): ModelResource[] {
  const P = pascal(s.name);
  const component = `service/${s.name}`;
  const sig = s.scaling.signals;
  const asg = ID.autoScalingGroup(s.name);
  const warmup = s.health.gracePeriodSeconds;
  const out: ModelResource[] = [];
  const trackingPolicy = (kind: string, field: string, config: Record<string, CfnValue>, target: number): ModelResource =>
    resource({
      logicalId: `${P}${kind}ScalingPolicy`,
      type: 'AWS::AutoScaling::ScalingPolicy',
      layer: 'ec2',
      origin: ['services', s.name, 'scaling', field],
      component,
      properties: { AutoScalingGroupName: ref(asg), PolicyType: 'TargetTrackingScaling', EstimatedInstanceWarmup: warmup, TargetTrackingConfiguration: { ...config, TargetValue: target } },
      usage: [alarmMeter(2, TARGET_TRACKING_ALARMS)],
    });
  if (s.scaling.max > s.scaling.min) {
    const alb = albOf(spec, s);
    if (sig.requestsPerTarget !== undefined && alb !== undefined) {
      out.push(trackingPolicy('Requests', 'targetRequestsPerTarget', { PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: resourceLabel(alb, s) } }, sig.requestsPerTarget));
    }
    if (sig.metric?.target !== undefined) out.push(trackingPolicy('Metric', 'metric', { CustomizedMetricSpecification: customized(sig) }, sig.metric.target));
    for (const direction of directions(sig)) {
      const { threshold, adjustments } = stepAdjustments(s, direction);
      const policyId = `${P}Step${direction === 'out' ? 'Out' : 'In'}ScalingPolicy`;
      out.push(
        resource({
          logicalId: policyId,
          type: 'AWS::AutoScaling::ScalingPolicy',
          layer: 'ec2',
          origin: ['services', s.name, 'scaling', 'steps', direction],
          component,
          properties: {
            AutoScalingGroupName: ref(asg),
            PolicyType: 'StepScaling',
            AdjustmentType: adjustmentType(s),
            MetricAggregationType: 'Average',
            // A step policy has no cooldown of its own: the warm-up keeps a new instance's metrics out until it serves.
            EstimatedInstanceWarmup: sig.steps!.cooldownSeconds,
            ...(sig.steps!.adjustment === 'percent' ? { MinAdjustmentMagnitude: 1 } : {}),
            StepAdjustments: adjustments,
          },
        }),
        stepAlarm(spec, s, 'ec2', direction, policyId, threshold),
      );
    }
  }
  sig.scheduled.forEach((a, i) => {
    const parsed = parseSchedule(a.schedule);
    // The checks refuse a schedule EC2 cannot take (DEX852, DEX855); nothing to emit for one.
    const cron = isScheduleError(parsed) ? parsed : kubernetesCron(parsed);
    if (isScheduleError(cron)) return;
    out.push(
      resource({
        logicalId: `${P}Scheduled${pascal(a.name)}`,
        type: 'AWS::AutoScaling::ScheduledAction',
        layer: 'ec2',
        origin: ['services', s.name, 'scaling', 'scheduled', i],
        component,
        properties: { AutoScalingGroupName: ref(asg), Recurrence: cron.cron, ...(a.timezone !== undefined ? { TimeZone: a.timezone } : {}), MinSize: a.min, MaxSize: a.max },
      }),
    );
  });
  return out;
}

/** ALBRequestCountPerTarget's ResourceLabel: app/<lb>/<id>/targetgroup/<tg>/<id>. */
const resourceLabel = (alb: string, s: NormalizedService): CfnValue => ({ 'Fn::Join': ['/', [getAtt(alb, 'LoadBalancerFullName'), getAtt(ID.targetGroup(s.name), 'TargetGroupFullName')]] });

const customized = (sig: NormalizedScalingSignals): CfnValue => {
  const m = sig.metric!;
  return { Namespace: m.namespace, MetricName: m.name, ...(m.dimensions.length ? { Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })) } : {}), Statistic: m.statistic };
};

const directions = (sig: NormalizedScalingSignals): Direction[] => (sig.steps === undefined || (sig.steps.on === 'metric' && sig.metric === undefined) ? [] : [...(sig.steps.out.length ? (['out'] as const) : []), ...(sig.steps.in.length ? (['in'] as const) : [])]);

export const scalingSignalsBlock: BuildingBlock = {
  name: 'scaling-signals',
  build(spec: NormalizedSpec): ModelResource[] {
    return [...signalled(spec, 'ecs').flatMap((s) => ecsResources(spec, s)), ...signalled(spec, 'ec2').flatMap((s) => ec2Resources(spec, s))];
  },
};
