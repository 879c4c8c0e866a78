// Queue-backlog scaling (`scaling: { queue, messagesPerTask }`) for a service that consumes the
// queue: AWS's "backlog per task" pattern. A target tracking policy keeps
//   visible messages ÷ running tasks (ECS: Container Insights' RunningTaskCount; EC2: the group's
//   GroupInServiceInstances)
// at messagesPerTask, with metric math in the policy itself (no custom metric to publish). It
// replaces the CPU policy: CPU says nothing about a worker's backlog (an I/O-bound worker idles
// at low CPU while its queue grows) and two policies would fight over scale-in.
//
// Target tracking multiplies the current capacity, so from zero tasks it never scales out. When
// the service may scale to zero (min 0), a step policy wakes it: an alarm on "messages waiting
// and nothing running" sets the capacity to 1, and target tracking takes it from there.
//
// EKS is refused (DEX752, compiler/checks/messaging.ts): an HPA on an SQS metric needs an
// external-metrics adapter (KEDA) that dex does not install.
import { ID, getAtt, namePrefix, pascal, ref, resource } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource } from '../compiler/model/types.js';
import type { NormalizedService, NormalizedSpec } from '../spec/model.js';
import { QUEUE_ID } from './messaging.js';

/** The backlog-per-task expression: the running count is at least 1, so no division by zero. */
export const BACKLOG_PER_TASK = 'visible / IF(FILL(running, 0) > 0, FILL(running, 0), 1)';
/** 1 while messages wait and nothing runs: the wake-from-zero alarm's expression. */
export const WAITING_WITH_NOTHING_RUNNING = 'IF(visible > 0 AND FILL(running, 0) == 0, 1, 0)';

/** The queue-scaled services of a platform whose queue exists, sorted. */
export function queueScaledServices(spec: NormalizedSpec, placement: 'ecs' | 'ec2'): (NormalizedService & { scaling: { queue: NonNullable<NormalizedService['scaling']['queue']> } })[] {
  return Object.values(spec.services)
    .filter((s): s is NormalizedService & { scaling: { queue: NonNullable<NormalizedService['scaling']['queue']> } } => s.placement === placement && s.scaling.queue !== undefined && Object.hasOwn(spec.queues ?? {}, s.scaling.queue.queue))
    .filter((s) => s.scaling.max > s.scaling.min || s.scaling.min === 0)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

type Dimension = { Name: string; Value: CfnValue };
const metric = (id: string, namespace: string, name: string, dimensions: Dimension[], stat: string): CfnValue => ({
  Id: id,
  MetricStat: { Metric: { Namespace: namespace, MetricName: name, Dimensions: dimensions }, Stat: stat },
  ReturnData: false,
});

const withPeriod = (m: CfnValue, period: number): CfnValue => {
  const q = m as { MetricStat: Record<string, CfnValue> } & Record<string, CfnValue>;
  return { ...q, MetricStat: { ...q.MetricStat, Period: period } };
};

/** The two metrics both expressions read: the queue's visible messages and what is running. */
function inputs(s: NormalizedService, running: { namespace: string; name: string; dimensions: Dimension[]; stat: string }): CfnValue[] {
  const queue = s.scaling.queue!.queue;
  return [
    metric('visible', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', [{ Name: 'QueueName', Value: getAtt(QUEUE_ID.queue(queue), 'QueueName') }], 'Sum'),
    metric('running', running.namespace, running.name, running.dimensions, running.stat),
  ];
}

function wakeAlarm(spec: NormalizedSpec, s: NormalizedService, layer: 'ecs' | 'ec2', metrics: CfnValue[], policyId: string): ModelResource {
  const P = pascal(s.name);
  const queue = s.scaling.queue!.queue;
  return resource({
    logicalId: `${P}QueueWakeAlarm`,
    type: 'AWS::CloudWatch::Alarm',
    layer,
    origin: ['services', s.name, 'scaling', 'queue'],
    component: `service/${s.name}`,
    properties: {
      AlarmName: `${namePrefix(spec)}-${s.name}-wake-on-${queue}`,
      AlarmDescription: `scaling: messages wait in ${queue} and no ${s.name} task runs: start one`,
      // An alarm's metric needs its period; a scaling policy's does not take one.
      Metrics: [...metrics.map((m) => withPeriod(m, 60)), { Id: 'waiting', Expression: WAITING_WITH_NOTHING_RUNNING, Label: 'messages waiting, nothing running', ReturnData: true }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [ref(policyId)],
    },
    usage: [{ meter: 'cloudwatch.alarm', unit: 'count-month', quantity: { min: 2, max: 2 }, attributes: { resolution: 'standard' }, basis: 'metric math over 2 metrics: billed per metric' }],
  });
}

function ecsResources(spec: NormalizedSpec, s: NormalizedService): ModelResource[] {
  const P = pascal(s.name);
  const q = s.scaling.queue!;
  const component = `service/${s.name}`;
  const origin = ['services', s.name, 'scaling', 'queue'];
  const metrics = inputs(s, {
    namespace: 'ECS/ContainerInsights',
    name: 'RunningTaskCount',
    dimensions: [{ Name: 'ClusterName', Value: ref(ID.ecsCluster) }, { Name: 'ServiceName', Value: getAtt(ID.ecsService(s.name), 'Name') }],
    stat: 'Average',
  });
  const out: ModelResource[] = [];
  if (s.scaling.max > s.scaling.min) {
    out.push(
      resource({
        logicalId: `${P}QueueScalingPolicy`,
        type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
        layer: 'ecs',
        origin,
        component,
        properties: {
          PolicyName: `${s.name}-queue-backlog-target-tracking`,
          PolicyType: 'TargetTrackingScaling',
          ScalingTargetId: ref(`${P}ScalableTarget`),
          TargetTrackingScalingPolicyConfiguration: {
            CustomizedMetricSpecification: { Metrics: [...metrics, { Id: 'backlog', Expression: BACKLOG_PER_TASK, Label: `${q.queue} backlog per task`, ReturnData: true }] },
            TargetValue: q.messagesPerTask,
            ScaleInCooldown: 300,
            ScaleOutCooldown: 60,
          },
        },
      }),
    );
  }
  if (s.scaling.min === 0) {
    const policyId = `${P}QueueWakePolicy`;
    out.push(
      resource({
        logicalId: policyId,
        type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
        layer: 'ecs',
        origin,
        component,
        properties: {
          PolicyName: `${s.name}-queue-wake-from-zero`,
          PolicyType: 'StepScaling',
          ScalingTargetId: ref(`${P}ScalableTarget`),
          StepScalingPolicyConfiguration: { AdjustmentType: 'ExactCapacity', Cooldown: 60, MetricAggregationType: 'Maximum', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
        },
      }),
      wakeAlarm(spec, s, 'ecs', metrics, policyId),
    );
  }
  return out;
}

function ec2Resources(spec: NormalizedSpec, s: NormalizedService): ModelResource[] {
  const P = pascal(s.name);
  const q = s.scaling.queue!;
  const component = `service/${s.name}`;
  const origin = ['services', s.name, 'scaling', 'queue'];
  const asg = ID.autoScalingGroup(s.name);
  const metrics = inputs(s, { namespace: 'AWS/AutoScaling', name: 'GroupInServiceInstances', dimensions: [{ Name: 'AutoScalingGroupName', Value: ref(asg) }], stat: 'Average' });
  const out: ModelResource[] = [];
  if (s.scaling.max > s.scaling.min) {
    out.push(
      resource({
        logicalId: `${P}QueueScalingPolicy`,
        type: 'AWS::AutoScaling::ScalingPolicy',
        layer: 'ec2',
        origin,
        component,
        properties: {
          AutoScalingGroupName: ref(asg),
          PolicyType: 'TargetTrackingScaling',
          EstimatedInstanceWarmup: s.health.startup.gracePeriodSeconds,
          TargetTrackingConfiguration: {
            CustomizedMetricSpecification: { Metrics: [...metrics, { Id: 'backlog', Expression: BACKLOG_PER_TASK, Label: `${q.queue} backlog per instance`, ReturnData: true }] },
            TargetValue: q.messagesPerTask,
          },
        },
      }),
    );
  }
  if (s.scaling.min === 0) {
    const policyId = `${P}QueueWakePolicy`;
    out.push(
      resource({
        logicalId: policyId,
        type: 'AWS::AutoScaling::ScalingPolicy',
        layer: 'ec2',
        origin,
        component,
        properties: { AutoScalingGroupName: ref(asg), PolicyType: 'StepScaling', AdjustmentType: 'ExactCapacity', MetricAggregationType: 'Maximum', EstimatedInstanceWarmup: s.health.startup.gracePeriodSeconds, StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
      }),
      wakeAlarm(spec, s, 'ec2', metrics, policyId),
    );
  }
  return out;
}

export const queueScaling: BuildingBlock = {
  name: 'queue-scaling',
  build(spec: NormalizedSpec): ModelResource[] {
    return [...queueScaledServices(spec, 'ecs').flatMap((s) => ecsResources(spec, s)), ...queueScaledServices(spec, 'ec2').flatMap((s) => ec2Resources(spec, s))];
  },
};
