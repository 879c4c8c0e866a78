// Jobs (`kind: job`) on ECS: the task definition services/ecs.ts writes for every service, and no
// ECS service, no desired count, no scaling. A scheduled job gets an EventBridge Scheduler
// schedule that runs one Fargate task of it per firing, in the private subnets behind the job's
// security group, through a role that may only run that task definition family in this cluster
// and pass its two roles to ECS. A `run: before-release` job is run by the release itself
// (emitters/ci/jobs.ts), with the CI deploy role's matching statements (services/cicd.ts).
//
// Pricing: a job's Fargate hours are runs a month × expectedDurationMinutes; runs come from the
// schedule (compiler/model/schedule.ts runsPerMonth, an approximation docs/pricing.md states) or,
// for a before-release job, usage.releasesPerMonth (unpriced with the reason when it is not set).
import { ID, fitName, getAtt, namePrefix, pascal, ref, resource, sub, subnetRefs, tagList } from '../compiler/model/ids.js';
import { isScheduleError, parseSchedule, runsPerMonth } from '../compiler/model/schedule.js';
import type { CfnValue, ModelResource, UsageMeter } from '../compiler/model/types.js';
import { isJob, type NormalizedJob, type NormalizedService, type NormalizedSpec } from '../spec/model.js';

export type JobService = NormalizedService & { readonly job: NormalizedJob };

/** The task definition family of a service (ECS `Family`); a job's runs are started by it. */
export const taskFamily = (spec: NormalizedSpec, service: string): string => `${namePrefix(spec)}-${service}`;

export const JOB_ID = {
  scheduleGroup: 'JobScheduleGroup',
  failedRunsAlarm: 'JobScheduleDroppedRunsAlarm',
  taskDefinition: (service: string) => `${pascal(service)}TaskDefinition`,
  schedule: (service: string) => `${pascal(service)}Schedule`,
  schedulerRole: (service: string) => `${pascal(service)}SchedulerRole`,
};

/** How long EventBridge Scheduler keeps retrying a firing it could not deliver: one hour, then it drops it (and counts it). */
export const SCHEDULE_EVENT_AGE_SECONDS = 3600;

/** ECS jobs, sorted by name. */
export function ecsJobs(spec: NormalizedSpec): JobService[] {
  return Object.values(spec.services)
    .filter((s): s is JobService => s.placement === 'ecs' && isJob(s))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Jobs every release runs before it updates the services (run: before-release), sorted by name. */
export function beforeReleaseJobs(spec: NormalizedSpec): JobService[] {
  return Object.values(spec.services)
    .filter((s): s is JobService => isJob(s) && s.job.run === 'before-release' && (s.placement === 'ecs' || s.placement === 'eks'))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Runs a month of a job and where the number comes from; undefined runs: not known (with why). */
export function jobRuns(spec: NormalizedSpec, s: JobService): { readonly runs: number | undefined; readonly basis: string; readonly unknown?: string } {
  if (s.job.schedule !== undefined) {
    const parsed = parseSchedule(s.job.schedule);
    if (isScheduleError(parsed)) return { runs: undefined, basis: 'schedule not valid', unknown: 'the schedule is not valid (DEX374)' };
    const runs = round(runsPerMonth(parsed));
    return { runs, basis: `${s.job.schedule}: ~${runs} runs a month` };
  }
  const releases = spec.usage.releasesPerMonth;
  if (releases === undefined) return { runs: undefined, basis: 'run: before-release, usage.releasesPerMonth not set', unknown: 'a before-release job runs once per release: set usage.releasesPerMonth to price it' };
  return { runs: releases, basis: `run: before-release × usage.releasesPerMonth ${releases}` };
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** The Fargate vCPU and GB hours of a job on ECS: runs a month × expected duration × the task's size. */
export function jobFargateMeters(spec: NormalizedSpec, s: JobService): UsageMeter[] {
  const { runs, basis, unknown } = jobRuns(spec, s);
  const spot = spec.platforms.ecs.capacity === 'fargate-spot';
  const minutes = s.job.expectedDurationMinutes;
  const hours = runs === undefined ? 0 : round((runs * minutes) / 60);
  const meter = (name: 'fargate.vcpu' | 'fargate.memory', unit: string, perTask: number, what: string): UsageMeter => ({
    meter: name,
    unit,
    quantity: { min: round(perTask * hours), max: round(perTask * hours) },
    attributes: { architecture: s.architecture, ...(spot ? { purchaseOption: 'Spot' } : {}) },
    basis: `${perTask} ${what} per task × ${runs === undefined ? '?' : runs} runs × ${minutes} min (expectedDurationMinutes) = ${hours} task-hours; ${basis}${spot ? ', on Fargate Spot' : ''}`,
    ...(unknown !== undefined ? { quantityUnknown: unknown } : {}),
  });
  return [meter('fargate.vcpu', 'vCPU-hours', s.resources.cpu, 'vCPU'), meter('fargate.memory', 'GB-hours', round(s.resources.memoryMiB / 1024), 'GB')];
}

/**
 * The scheduler role's statements, exactly: run this family's revisions in this cluster only, pass
 * the job's task and execution roles to ECS tasks only, and tag the tasks it starts (ECS managed
 * tags, for cost allocation) as they are created.
 */
export function schedulerStatements(spec: NormalizedSpec, s: NormalizedService): Record<string, CfnValue>[] {
  const cluster = sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/${namePrefix(spec)}`);
  return [
    {
      Sid: 'RunJobTask',
      Effect: 'Allow',
      Action: ['ecs:RunTask'],
      Resource: sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task-definition/${taskFamily(spec, s.name)}:*`),
      Condition: { ArnEquals: { 'ecs:cluster': cluster } },
    },
    {
      Sid: 'PassJobRoles',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [getAtt(ID.serviceRole(s.name), 'Arn'), getAtt(ID.taskExecutionRole(s.name), 'Arn')],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
    {
      Sid: 'TagJobTask',
      Effect: 'Allow',
      Action: ['ecs:TagResource'],
      Resource: sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task/${namePrefix(spec)}/*`),
      Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    },
  ];
}

/** The schedule and its role of a scheduled ECS job; nothing for a before-release job. */
export function ecsJobResources(spec: NormalizedSpec, s: JobService): ModelResource[] {
  if (s.job.schedule === undefined) return [];
  const component = `service/${s.name}`;
  const origin = ['services', s.name, 'schedule'];
  const spot = spec.platforms.ecs.capacity === 'fargate-spot';
  const role = resource({
    logicalId: JOB_ID.schedulerRole(s.name),
    type: 'AWS::IAM::Role',
    layer: 'ecs',
    origin,
    component,
    properties: {
      Description: `EventBridge Scheduler starts ${namePrefix(spec)}'s ${s.name} job (one task definition family, this cluster)`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } } }],
      },
      Policies: [{ PolicyName: 'run-job', PolicyDocument: { Version: '2012-10-17', Statement: schedulerStatements(spec, s) } }],
      MaxSessionDuration: 3600,
    },
  });
  const schedule = resource({
    logicalId: JOB_ID.schedule(s.name),
    type: 'AWS::Scheduler::Schedule',
    layer: 'ecs',
    origin,
    component,
    properties: {
      Description: `${namePrefix(spec)}: runs the ${s.name} job`,
      GroupName: ref(JOB_ID.scheduleGroup),
      ScheduleExpression: s.job.schedule,
      ScheduleExpressionTimezone: s.job.timezone,
      // Runs start on time: a job may depend on the hour it runs at.
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: getAtt(ID.ecsCluster, 'Arn'),
        RoleArn: getAtt(JOB_ID.schedulerRole(s.name), 'Arn'),
        // A firing ECS could not start (no capacity, throttled) is retried, for an hour at most.
        RetryPolicy: { MaximumRetryAttempts: s.job.retries, MaximumEventAgeInSeconds: SCHEDULE_EVENT_AGE_SECONDS },
        EcsParameters: {
          TaskDefinitionArn: ref(JOB_ID.taskDefinition(s.name)),
          TaskCount: 1,
          ...(spot ? { CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }] } : { LaunchType: 'FARGATE' }),
          PlatformVersion: 'LATEST',
          NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', SecurityGroups: [ref(ID.serviceSecurityGroup(s.name))], Subnets: subnetRefs(spec, 'private') } },
          EnableECSManagedTags: true,
          PropagateTags: 'TASK_DEFINITION',
        },
      },
    },
  });
  return [role, schedule];
}

/** The environment's schedule group: its own, so the Scheduler metrics (per group) are this environment's jobs only. */
export const scheduleGroupName = (spec: NormalizedSpec): string => fitName(`${namePrefix(spec)}-jobs`, 64);

/**
 * The schedule group of the environment's scheduled ECS jobs and the alarm on its dropped runs:
 * firings EventBridge Scheduler gave up on after the retries (ECS could not start the task). A
 * task that starts and exits non-zero is in the job's log group; Scheduler has no metric for it.
 */
export function ecsJobGroupResources(spec: NormalizedSpec): ModelResource[] {
  if (!ecsJobs(spec).some((s) => s.job.schedule !== undefined)) return [];
  const component = 'platform/ecs';
  return [
    resource({
      logicalId: JOB_ID.scheduleGroup,
      type: 'AWS::Scheduler::ScheduleGroup',
      layer: 'ecs',
      origin: ['services'],
      component,
      properties: { Name: scheduleGroupName(spec), Tags: tagList(spec, component) },
    }),
    resource({
      logicalId: JOB_ID.failedRunsAlarm,
      type: 'AWS::CloudWatch::Alarm',
      layer: 'monitoring',
      origin: ['services'],
      component,
      properties: {
        AlarmName: `${namePrefix(spec)}-job-runs-dropped`,
        AlarmDescription: `a scheduled job of ${namePrefix(spec)} did not run: EventBridge Scheduler dropped the firing after its retries (see the job's schedule and its ECS events)`,
        Namespace: 'AWS/Scheduler',
        MetricName: 'InvocationDroppedCount',
        Dimensions: [{ Name: 'ScheduleGroup', Value: scheduleGroupName(spec) }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        ActionsEnabled: true,
        AlarmActions: [ref(ID.alarmTopic)],
        OKActions: [ref(ID.alarmTopic)],
        Tags: tagList(spec, component),
      },
      usage: [{ meter: 'cloudwatch.alarm', unit: 'count-month', quantity: { min: 1, max: 1 }, attributes: { resolution: 'standard' }, basis: 'one standard-resolution alarm metric' }],
    }),
  ];
}

/**
 * Physical names of a before-release ECS job: the release (CI) and the deploy role (bootstrap,
 * deployed first) name them, so the job's cluster and roles have fixed names, cut to AWS's limits.
 */
export function releaseJobNames(spec: NormalizedSpec, service: string): { cluster: string; family: string; taskRole: string; executionRole: string } {
  const prefix = namePrefix(spec);
  return {
    cluster: fitName(`${prefix}-release-jobs`, 255),
    family: taskFamily(spec, service),
    taskRole: fitName(`${prefix}-${service}-job-task`, 64),
    executionRole: fitName(`${prefix}-${service}-job-exec`, 64),
  };
}

export const RELEASE_JOBS_CLUSTER = 'ReleaseJobsCluster';

/**
 * The cluster the release runs before-release ECS jobs in: in the data layer with their task
 * definitions, so it exists before the services' stacks on the first release too. An ECS
 * cluster costs nothing by itself.
 */
export function releaseJobsCluster(spec: NormalizedSpec): ModelResource[] {
  const jobs = beforeReleaseJobs(spec).filter((s) => s.placement === 'ecs');
  if (jobs.length === 0) return [];
  return [
    resource({
      logicalId: RELEASE_JOBS_CLUSTER,
      type: 'AWS::ECS::Cluster',
      layer: 'data',
      origin: ['services', jobs[0]!.name, 'run'],
      component: 'platform/ecs',
      properties: {
        ClusterName: releaseJobNames(spec, jobs[0]!.name).cluster,
        ClusterSettings: [{ Name: 'containerInsights', Value: spec.platforms.ecs.containerInsights ? 'enabled' : 'disabled' }],
        CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        DefaultCapacityProviderStrategy: [{ CapacityProvider: spec.platforms.ecs.capacity === 'fargate-spot' ? 'FARGATE_SPOT' : 'FARGATE', Weight: 1 }],
        Tags: tagList(spec, 'platform/ecs'),
      },
    }),
  ];
}

/**
 * What the CI deploy role needs for release's before-release ECS jobs (emitters/ci/jobs.ts
 * `ecs-job`), exactly: run these families in the release-jobs cluster, pass their two named roles
 * to ECS tasks, watch and (past timeoutSeconds) stop tasks of that cluster, and look up the
 * subnets and security groups in the environment's stacks (`stacks`, their ARN pattern). The role is in the bootstrap, in the
 * environment's region: ARNs name that region.
 */
export function releaseJobDeployStatements(spec: NormalizedSpec, stacks: CfnValue): { Sid: string; Effect: 'Allow'; Action: string[]; Resource: CfnValue; Condition?: Record<string, Record<string, CfnValue>> }[] {
  const jobs = beforeReleaseJobs(spec).filter((s) => s.placement === 'ecs');
  if (jobs.length === 0) return [];
  const inRegion = (service: string, part: string): CfnValue => sub(`arn:\${AWS::Partition}:${service}:${spec.region}:\${AWS::AccountId}:${part}`);
  const names = jobs.map((s) => releaseJobNames(spec, s.name));
  const cluster = names[0]!.cluster;
  return [
    { Sid: 'RunReleaseJobs', Effect: 'Allow', Action: ['ecs:RunTask'], Resource: names.map((n) => inRegion('ecs', `task-definition/${n.family}:*`)), Condition: { ArnEquals: { 'ecs:cluster': inRegion('ecs', `cluster/${cluster}`) } } },
    {
      Sid: 'PassReleaseJobRoles',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: names.flatMap((n) => [n.executionRole, n.taskRole]).map((r) => sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${r}`)),
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
    { Sid: 'WatchReleaseJobs', Effect: 'Allow', Action: ['ecs:DescribeTasks', 'ecs:StopTask'], Resource: inRegion('ecs', `task/${cluster}/*`) },
    { Sid: 'FindReleaseJobNetwork', Effect: 'Allow', Action: ['cloudformation:DescribeStackResource'], Resource: stacks },
  ];
}
