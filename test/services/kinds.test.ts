// Kinds of workload (issue 15): web, backend, worker and job. The checks DEX371–DEX375 located in
// the file; the ECS job's task definition, schedule and scheduler role (exact statements); the
// EKS CronJob; jobs and workers without load balancer, port or HTTP alarms; the templates
// against the CloudFormation resource schemas.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JOBS_SCRIPT } from '../../emitters/ci/jobs.js';
import { diffResources } from '../../compiler/diff/index.js';
import { compilePlanResources } from '../support/reference-plan.js';
import { workflowErrors } from '../support/workflow-parser.js';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { isScheduleError, kubernetesCron, parseSchedule, runsPerMonth } from '../../compiler/model/schedule.js';

const BASE = `dex: 1
name: shop
region: eu-west-1
ingress:
  tls:
    certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555
monitoring:
  alerts:
    - { name: slow, metric: p95LatencyMs, above: 500 }
    - { name: busy, metric: cpu, above: 80 }
services:
  web:
    port: 8080
    placement: ecs
    expose: { public: true, path: / }
    uses: [ledger, db]
  ledger:
    kind: backend
    port: 9000
    placement: ecs
  mailer:
    kind: worker
    placement: ecs
    scaling: { min: 1, max: 3 }
    uses: [db]
  nightly:
    kind: job
    placement: ecs
    schedule: "cron(30 2 * * ? *)"
    timezone: Europe/Berlin
    retries: 3
    expectedDurationMinutes: 12
    resources: { cpu: 0.5, memory: 1GiB }
    uses: [db]
  migrate:
    kind: job
    placement: ecs
    run: before-release
    command: [npm, run, migrate]
    uses: [db]
databases:
  db: {}
cicd:
  provider: github-actions
  source: { repository: example-org/shop, branch: main }
  stages:
    production: { approval: manual, reviewers: [example-org/ops] }
`;

const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const byId = (a: Analysis, id: string) => resources(a).find((r) => r.logicalId === id);
const found = (a: Analysis, code: string) => a.diagnostics.filter((d) => d.code === code).map((d) => `${d.line}:${d.col} ${d.path.join('.')}`);
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
/** BASE with `find` replaced by `replace` (which must be there). */
const edit = (find: string, replace: string, text = BASE): string => {
  if (!text.includes(find)) throw new Error(`no ${find}`);
  return text.replace(find, replace);
};

describe('kinds: the spec', () => {
  const a = analyzed(BASE);
  it('is valid', () => {
    expect(a.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });
  it('normalizes kind (default web) and the job settings with their defaults', () => {
    const s = a.compiled[0]!.spec.services;
    expect(Object.fromEntries(Object.values(s).map((x) => [x.name, x.kind]))).toEqual({ web: 'web', ledger: 'backend', mailer: 'worker', nightly: 'job', migrate: 'job' });
    expect(s.web!.job).toBeUndefined();
    expect(s.migrate!.job).toEqual({ schedule: undefined, timezone: 'UTC', timezoneGiven: false, run: 'before-release', timeoutSeconds: 3600, retries: 2, expectedDurationMinutes: 5, given: ['run'] });
    expect(s.nightly!.job).toMatchObject({ schedule: 'cron(30 2 * * ? *)', timezone: 'Europe/Berlin', retries: 3, expectedDurationMinutes: 12 });
  });
  it('a job with placement auto runs on ECS', () => {
    const b = analyzed(edit('  nightly:\n    kind: job\n    placement: ecs\n', '  nightly:\n    kind: job\n'));
    expect(b.compiled[0]!.spec.services.nightly!.placement).toBe('ecs');
  });
});

describe('kinds: checks', () => {
  it('DEX371: a backend on the public load balancer, at expose.public', () => {
    const text = edit('    kind: backend\n    port: 9000\n', '    kind: backend\n    port: 9000\n    expose: { public: true, path: /ledger }\n');
    expect(found(analyzed(text), 'DEX371')).toEqual([`${lineOf(text, 'expose: { public: true, path: /ledger')}:23 services.ledger.expose.public`]);
  });
  it('DEX372: a port on a worker, job keys on a web service, a job with exec, uses naming a worker', () => {
    let text = edit('    kind: worker\n', '    kind: worker\n    port: 8081\n');
    text = edit('    port: 8080\n    placement: ecs\n', '    port: 8080\n    placement: ecs\n    retries: 1\n', text);
    text = edit('    run: before-release\n', '    run: before-release\n    exec: true\n', text);
    text = edit('uses: [ledger, db]', 'uses: [ledger, db, mailer]', text);
    expect(found(analyzed(text), 'DEX372')).toEqual([
      `${lineOf(text, 'retries: 1')}:14 services.web.retries`,
      `${lineOf(text, 'mailer]')}:24 services.web.uses.2`,
      `${lineOf(text, 'port: 8081')}:11 services.mailer.port`,
      `${lineOf(text, 'exec: true')}:11 services.migrate.exec`,
    ]);
  });
  it('DEX372: a backend without a port', () => {
    const text = edit('    kind: backend\n    port: 9000\n', '    kind: backend\n');
    expect(found(analyzed(text), 'DEX372')).toEqual([`${lineOf(text, 'kind: backend')}:11 services.ledger.kind`]);
  });
  it('DEX373: a job with neither trigger, or both', () => {
    const neither = edit('    run: before-release\n', '');
    expect(found(analyzed(neither), 'DEX373')).toEqual([`${lineOf(neither, '  migrate:') + 1}:11 services.migrate.kind`]);
    const both = edit('    run: before-release\n', '    run: before-release\n    schedule: "rate(1 day)"\n');
    expect(found(analyzed(both), 'DEX373')).toEqual([`${lineOf(both, 'run: before-release')}:10 services.migrate.run`]);
  });
  it.each([
    ['cron(30 2 * * *)', '5 fields'],
    ['cron(30 2 * * * *)', 'neither of day-of-month and day-of-week'],
    ['cron(61 2 * * ? *)', '61 is not a valid minutes field'],
    ['rate(1 hours)', 'singular'],
    ['rate(0 minutes)', 'must be 1 or more'],
    ['every day', 'neither cron'],
    ['at(2026-01-01T00:00:00)', 'one-time'],
  ])('DEX374: schedule %s (%s), at the schedule', (expr, words) => {
    const text = edit('"cron(30 2 * * ? *)"', JSON.stringify(expr));
    const a = analyzed(text);
    expect(found(a, 'DEX374')).toEqual([`${lineOf(text, 'schedule:')}:15 services.nightly.schedule`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX374')!.message).toContain(words);
  });
  it('DEX374: a time zone that is not IANA, at timezone', () => {
    const text = edit('Europe/Berlin', 'Europe/Berln');
    expect(found(analyzed(text), 'DEX374')).toEqual([`${lineOf(text, 'Europe/Berln')}:15 services.nightly.timezone`]);
  });
  it('DEX374 on EKS only: a schedule a Kubernetes CronJob cannot express', () => {
    const ecs = edit('"cron(30 2 * * ? *)"', '"cron(0 12 L * ? *)"');
    expect(found(analyzed(ecs), 'DEX374')).toEqual([]);
    const eks = edit('    placement: ecs\n    schedule', '    placement: eks\n    schedule', ecs);
    expect(found(analyzed(eks), 'DEX374')).toEqual([`${lineOf(eks, 'schedule:')}:15 services.nightly.schedule`]);
  });
  it('DEX375: a job on EC2, at placement', () => {
    const text = edit('    placement: ecs\n    run: before-release', '    placement: ec2\n    run: before-release');
    expect(found(analyzed(text), 'DEX375')).toEqual([`${lineOf(text, 'placement: ec2')}:16 services.migrate.placement`]);
  });
});

describe('kinds: schedules', () => {
  const ok = (e: string) => {
    const p = parseSchedule(e);
    if (isScheduleError(p)) throw new Error(p.message);
    return p;
  };
  it.each([
    ['rate(15 minutes)', 2920],
    ['rate(1 hour)', 730],
    ['rate(2 days)', 15.208],
    ['cron(30 2 * * ? *)', 30.417],
    ['cron(0 9 ? * MON-FRI *)', 21.726],
    ['cron(0 */6 1 * ? *)', 4],
    ['cron(0,30 8-17 ? * 2-6 *)', 434.524],
    ['cron(0 0 1 1,7 ? *)', 0.167],
  ])('%s runs ~%s times a month', (e, runs) => {
    expect(Math.round(runsPerMonth(ok(e)) * 1000) / 1000).toBe(runs);
  });
  it.each([
    ['rate(15 minutes)', '*/15 * * * *'],
    ['rate(1 hour)', '0 * * * *'],
    ['rate(6 hours)', '0 */6 * * *'],
    ['cron(30 2 * * ? *)', '30 2 * * *'],
    ['cron(0 9 ? * 2-6 *)', '0 9 * * 1-5'],
    ['cron(0 9 ? * MON,FRI *)', '0 9 * * MON,FRI'],
  ])('%s is %s in Kubernetes cron', (e, cron) => {
    expect(kubernetesCron(ok(e))).toEqual({ cron });
  });
});

describe('kinds: ECS', () => {
  const a = analyzed(BASE);
  const types = (service: string) => resources(a).filter((r) => r.component === `service/${service}`).map((r) => r.type).sort();

  it('a backend and a worker run as ECS services with no target group or listener rule; a job has no ECS service', () => {
    const all = resources(a);
    expect(all.filter((r) => r.type === 'AWS::ElasticLoadBalancingV2::TargetGroup').map((r) => r.logicalId)).toEqual(['WebTargetGroup']);
    expect(types('mailer')).toContain('AWS::ECS::Service');
    expect(types('ledger')).toContain('AWS::ECS::Service');
    expect(types('nightly')).not.toContain('AWS::ECS::Service');
    expect(types('nightly')).not.toContain('AWS::ApplicationAutoScaling::ScalableTarget');
    expect(types('migrate')).not.toContain('AWS::ECS::Service');
    const worker = byId(a, 'MailerTaskDefinition')!.properties.ContainerDefinitions as { PortMappings?: unknown; HealthCheck?: unknown; Environment: { Name: string }[] }[];
    expect(worker[0]!.PortMappings).toBeUndefined();
    expect(worker[0]!.HealthCheck).toBeUndefined();
    expect(worker[0]!.Environment.map((e) => e.Name)).not.toContain('PORT');
    expect(byId(a, 'MailerEcsService')!.properties.LoadBalancers).toBeUndefined();
  });

  it('a backend admits only the services that use it; no group admits anything into a worker or a job', () => {
    const into = (group: string) =>
      resources(a)
        .filter((r) => r.type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(r.properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [group, 'GroupId'] }))
        .map((r) => [r.properties.SourceSecurityGroupId ?? r.properties.CidrIp, r.properties.FromPort]);
    expect(into('LedgerSecurityGroup')).toEqual([[{ 'Fn::GetAtt': ['WebSecurityGroup', 'GroupId'] }, 9000]]);
    expect(into('MailerSecurityGroup')).toEqual([]);
    expect(into('NightlySecurityGroup')).toEqual([]);
  });

  it('only web services get latency alarms; jobs get no CPU alarm', () => {
    const alarms = resources(a).filter((r) => r.type === 'AWS::CloudWatch::Alarm').map((r) => String(r.properties.AlarmName)).sort();
    expect(alarms.filter((n) => n.includes('-slow-'))).toEqual(['shop-slow-web']);
    expect(alarms.filter((n) => n.includes('-busy-'))).toEqual(['shop-busy-ledger', 'shop-busy-mailer', 'shop-busy-web']);
    expect(alarms).toContain('shop-job-runs-dropped');
  });

  it('a scheduled job: the schedule runs its task definition on Fargate in the private subnets behind its security group', () => {
    const schedule = byId(a, 'NightlySchedule')!;
    expect(schedule.type).toBe('AWS::Scheduler::Schedule');
    expect(schedule.properties).toMatchObject({
      ScheduleExpression: 'cron(30 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      GroupName: { Ref: 'JobScheduleGroup' },
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': ['EcsCluster', 'Arn'] },
        RoleArn: { 'Fn::GetAtt': ['NightlySchedulerRole', 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        EcsParameters: {
          TaskDefinitionArn: { Ref: 'NightlyTaskDefinition' },
          LaunchType: 'FARGATE',
          TaskCount: 1,
          NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', SecurityGroups: [{ Ref: 'NightlySecurityGroup' }], Subnets: [{ Ref: 'PrivateSubnetA' }, { Ref: 'PrivateSubnetB' }] } },
        },
      },
    });
  });

  it('the scheduler role may run only the job family in its cluster and pass only its two roles, under the boundary', () => {
    const role = byId(a, 'NightlySchedulerRole')!;
    expect((role.properties.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } },
    ]);
    expect((role.properties.Policies as { PolicyDocument: { Statement: unknown[] } }[])[0]!.PolicyDocument.Statement).toEqual([
      {
        Sid: 'RunJobTask',
        Effect: 'Allow',
        Action: ['ecs:RunTask'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/shop-nightly:*' },
        Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/shop' } } },
      },
      {
        Sid: 'PassJobRoles',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [{ 'Fn::GetAtt': ['NightlyRole', 'Arn'] }, { 'Fn::GetAtt': ['NightlyExecutionRole', 'Arn'] }],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
      {
        Sid: 'TagJobTask',
        Effect: 'Allow',
        Action: ['ecs:TagResource'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/shop/*' },
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      },
    ]);
    expect(role.properties.PermissionsBoundary).toBeDefined();
  });

  it('the job task is as hardened as a service: non-root, read-only root, no capabilities; logs to its log group', () => {
    const [c] = byId(a, 'NightlyTaskDefinition')!.properties.ContainerDefinitions as Record<string, unknown>[];
    expect(c).toMatchObject({ User: '10001:10001', ReadonlyRootFilesystem: true, LinuxParameters: { InitProcessEnabled: true, Capabilities: { Drop: ['ALL'] } } });
    expect((c!.LogConfiguration as { Options: Record<string, unknown> }).Options['awslogs-group']).toBe(byId(a, 'NightlyLogGroup')!.properties.LogGroupName);
  });

  it('a before-release job: task definition, log group and its cluster in the data layer, its roles named for CI', () => {
    expect(['MigrateTaskDefinition', 'MigrateLogGroup', 'ReleaseJobsCluster'].map((id) => byId(a, id)!.layer)).toEqual(['data', 'data', 'data']);
    expect(byId(a, 'ReleaseJobsCluster')!.properties.ClusterName).toBe('shop-release-jobs');
    expect(byId(a, 'MigrateRole')!.properties.RoleName).toBe('shop-migrate-job-task');
    expect(byId(a, 'MigrateExecutionRole')!.properties.RoleName).toBe('shop-migrate-job-exec');
    expect(byId(a, 'NightlyRole')!.properties.RoleName).toBeUndefined();
    expect(byId(a, 'MigrateSchedule')).toBeUndefined();
  });

  it('prices a job as runs a month × expected duration', () => {
    const usage = byId(a, 'NightlyTaskDefinition')!.usage;
    // cron(30 2 * * ? *): 730/24 runs a month × 12 minutes = 6.083 task-hours; 0.5 vCPU, 1 GB.
    expect(usage.map((u) => [u.meter, u.quantity.min, u.quantity.max])).toEqual([
      ['fargate.vcpu', 3.042, 3.042],
      ['fargate.memory', 6.083, 6.083],
    ]);
    expect(usage[0]!.basis).toBe('0.5 vCPU per task × 30.417 runs × 12 min (expectedDurationMinutes) = 6.083 task-hours; cron(30 2 * * ? *): ~30.417 runs a month');
    const migrate = byId(a, 'MigrateTaskDefinition')!.usage;
    expect(migrate[0]!.quantityUnknown).toContain('usage.releasesPerMonth');
    const priced = byId(analyzed(edit('databases:\n', 'usage:\n  releasesPerMonth: 20\ndatabases:\n')), 'MigrateTaskDefinition')!.usage;
    // 20 releases × 5 minutes = 1.667 task-hours at the default 0.5 vCPU and 1 GB.
    expect(priced.map((u) => [u.meter, u.quantity.max, u.quantityUnknown])).toEqual([
      ['fargate.vcpu', 0.834, undefined],
      ['fargate.memory', 1.667, undefined],
    ]);
  });

  it('every emitted template passes the CloudFormation resource schemas', () => {
    const templates = outTree('dex.yaml', BASE).filter((f) => /cloudformation\/.*\.ya?ml$/.test(f.path));
    expect(templates.length).toBeGreaterThan(3);
    for (const t of templates) expect(validateTemplate(parse(t.content)), t.path).toEqual([]);
  });
});

describe('kinds: EKS', () => {
  const text = edit('  nightly:\n    kind: job\n    placement: ecs\n', '  nightly:\n    kind: job\n    placement: eks\n', edit('  mailer:\n    kind: worker\n    placement: ecs\n', '  mailer:\n    kind: worker\n    placement: eks\n'));
  const files = outTree('dex.yaml', text);
  const manifest = (path: string) => parse(files.find((f) => f.path === path)!.content) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('a job is a CronJob: Forbid, backoffLimit, activeDeadlineSeconds, its time zone, the hardened pod, never restarted in place', () => {
    const paths = files.filter((f) => f.path.startsWith('default/kubernetes/nightly/')).map((f) => f.path.replace('default/kubernetes/nightly/', '')).sort();
    expect(paths).toEqual(['cron-job.yaml', 'namespace.yaml', 'network-policy-default-deny.yaml', 'service-account.yaml']);
    const cj = manifest('default/kubernetes/nightly/cron-job.yaml');
    expect(cj.apiVersion).toBe('batch/v1');
    expect(cj.spec).toMatchObject({ schedule: '30 2 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid' });
    expect(cj.spec.suspend).toBeUndefined();
    expect(cj.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600 });
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ fsGroup: 10001, runAsGroup: 10001, runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(pod.containers[0].image).toBe('${NIGHTLY_IMAGE}');
    const kustomization = manifest('default/kubernetes/kustomization.yaml');
    const image = (kustomization.replacements as { source: { fieldPath: string }; targets: unknown[] }[]).find((r) => r.source.fieldPath === 'data.NIGHTLY_IMAGE')!;
    expect(image.targets).toEqual([{ select: { kind: 'CronJob', name: 'nightly', namespace: 'nightly' }, fieldPaths: ['spec.jobTemplate.spec.template.spec.containers.[name=nightly].image'] }]);
  });

  it('a worker is a Deployment with no Service and no probes', () => {
    const paths = files.filter((f) => f.path.startsWith('default/kubernetes/mailer/')).map((f) => f.path.replace('default/kubernetes/mailer/', ''));
    expect(paths).toContain('deployment.yaml');
    expect(paths).not.toContain('service.yaml');
    const c = manifest('default/kubernetes/mailer/deployment.yaml').spec.template.spec.containers[0];
    expect(c.ports).toBeUndefined();
    expect(c.livenessProbe).toBeUndefined();
  });
});

describe('kinds: the release runs before-release jobs', () => {
  const files = outTree('dex.yaml', BASE);
  const workflow = files.find((f) => f.path === 'ci/.github/workflows/release.yml')!.content;
  const steps = (parse(workflow) as { jobs: Record<string, { steps: { name?: string; run?: string }[] }> }).jobs.default!.steps;
  const deploy = steps.find((s) => s.name?.startsWith('Deploy the default CloudFormation stacks'))!.run!.split('\n');

  it('the workflow passes the workflow parser, and jobs.sh is emitted with it', async () => {
    expect([...new Set(await workflowErrors('release.yml', workflow))]).toEqual([]);
    expect(files.find((f) => f.path === 'ci/scripts/jobs.sh')!.content).toBe(JOBS_SCRIPT);
  });

  it('runs the ECS job after the data stack and its migration, before the ECS stack, every word quoted', () => {
    const data = deploy.findIndex((l) => / deploy-stack shop-default-data$/.test(l));
    const job = deploy.findIndex((l) => l.includes(' ecs-job '));
    const ecs = deploy.findIndex((l) => / deploy-stack shop-default-ecs$/.test(l));
    expect(data).toBeGreaterThan(-1);
    expect(deploy[data + 1]).toMatch(/migrate-database/);
    expect([data < job, job < ecs]).toEqual([true, true]);
    expect(deploy[job]).toBe(
      'bash "$DEX_OUT/ci/scripts/jobs.sh" ecs-job shop-release-jobs shop-migrate migrate 3600 shop-default-security MigrateSecurityGroup shop-default-network PrivateSubnetA shop-default-network PrivateSubnetB',
    );
  });

  it('the deploy role may run exactly that job: its family in its cluster, its two roles, its tasks', () => {
    const role = files.filter((f) => f.path.startsWith('bootstrap/') && f.path.endsWith('.yaml')).map((f) => parse(f.content) as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> }).flatMap((t) => Object.values(t.Resources)).find((r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.RoleName ?? '').includes('shop-deploy'))!; // eslint-disable-line @typescript-eslint/no-explicit-any
    const statements = (role.Properties.Policies as { PolicyDocument: { Statement: { Sid: string }[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.filter((s) => s.Sid.includes('ReleaseJob'))).toEqual([
      { Sid: 'RunReleaseJobs', Effect: 'Allow', Action: ['ecs:RunTask'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ecs:eu-west-1:${AWS::AccountId}:task-definition/shop-migrate:*' }], Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:eu-west-1:${AWS::AccountId}:cluster/shop-release-jobs' } } } },
      { Sid: 'PassReleaseJobRoles', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/shop-migrate-job-exec' }, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/shop-migrate-job-task' }], Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
      { Sid: 'WatchReleaseJobs', Effect: 'Allow', Action: ['ecs:DescribeTasks', 'ecs:StopTask'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:eu-west-1:${AWS::AccountId}:task/shop-release-jobs/*' } },
      { Sid: 'FindReleaseJobNetwork', Effect: 'Allow', Action: ['cloudformation:DescribeStackResource'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:eu-west-1:${AWS::AccountId}:stack/shop-default-*/*' } },
    ]);
  });

  it('on EKS: applies the CronJobs, then runs the job from its suspended CronJob, before the EKS services roll', () => {
    const eks = edit('    placement: ecs\n    run: before-release', '    placement: eks\n    run: before-release', edit('  web:\n    port: 8080\n    placement: ecs', '  web:\n    port: 8080\n    placement: eks'));
    const out = outTree('dex.yaml', eks);
    const names = ((parse(out.find((f) => f.path === 'ci/.github/workflows/release.yml')!.content) as { jobs: Record<string, { steps: { name?: string; run?: string }[] }> }).jobs.default!.steps).map((s) => `${s.name}: ${s.run}`);
    const at = (needle: string) => names.findIndex((n) => n.includes(needle));
    expect(names[at('eks-cronjobs')]).toBe(`Apply the CronJobs of migrate (EKS jobs): bash "$DEX_OUT/ci/scripts/jobs.sh" eks-cronjobs migrate`);
    expect(names[at('eks-job')]).toBe(`Run the migrate job before the release (EKS Job from its CronJob): bash "$DEX_OUT/ci/scripts/jobs.sh" eks-job migrate migrate 3600`);
    expect([at('kubeconfig') < at('eks-cronjobs'), at('eks-cronjobs') < at('eks-job'), at('eks-job') < at('eks-rolling')]).toEqual([true, true, true]);
    expect(names[at('eks-rolling')]).not.toContain('migrate');
    const cj = parse(out.find((f) => f.path === 'default/kubernetes/migrate/cron-job.yaml')!.content) as { spec: Record<string, unknown> };
    expect(cj.spec).toMatchObject({ suspend: true, schedule: '0 0 31 2 *' });
  });
});

describe('kinds: CodePipeline runs the same job step', () => {
  it('its deploy script runs jobs.sh ecs-job after the data stack; jobs.sh is emitted', () => {
    const files = outTree('dex.yaml', edit('provider: github-actions', 'provider: codepipeline'));
    const script = files.find((f) => f.path === 'ci/codebuild/deploy-default.sh')!.content.split('\n');
    const job = script.findIndex((l) => l.startsWith('bash "$DEX_OUT/ci/scripts/jobs.sh" ecs-job shop-release-jobs shop-migrate migrate 3600 '));
    expect(job).toBeGreaterThan(script.findIndex((l) => l.endsWith('deploy-stack shop-default-data')));
    expect(job).toBeLessThan(script.findIndex((l) => l.endsWith('deploy-stack shop-default-ecs')));
    expect(files.some((f) => f.path === 'ci/scripts/jobs.sh')).toBe(true);
  });

  it('a system without jobs gets no jobs.sh', () => {
    const text = BASE.slice(0, BASE.indexOf('  nightly:\n')) + BASE.slice(BASE.indexOf('databases:\n'));
    expect(outTree('dex.yaml', text).some((f) => f.path === 'ci/scripts/jobs.sh')).toBe(false);
  });
});

describe.runIf(spawnSync('bash', ['-c', 'true']).status === 0)('jobs.sh ecs-job', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dex-jobs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'jobs.sh'), JOBS_SCRIPT);
  // The stub answers as AWS would: IDs for the stack look-ups, a task for run-task, a stopped
  // task whose container exited with $EXIT.
  writeFileSync(
    join(dir, 'aws'),
    `#!/bin/sh
printf '%s\\n' "$*" >> "${join(dir, 'calls')}"
case "$*" in
  *describe-stack-resource*) echo "id-$6" ;;
  *run-task*) echo arn:aws:ecs:eu-west-1:1:task/c/abc ;;
  *lastStatus*) echo STOPPED ;;
  *exitCode*) echo "$EXIT" ;;
  *stoppedReason*) echo "Essential container in task exited" ;;
  *) exit 2 ;;
esac
`,
  );
  chmodSync(join(dir, 'aws'), 0o755);
  const run = (exit: string, ...args: string[]) => {
    rmSync(join(dir, 'calls'), { force: true });
    return spawnSync('bash', [join(dir, 'jobs.sh'), 'ecs-job', ...args], { cwd: dir, encoding: 'utf8', env: { PATH: `${dir}:/usr/bin:/bin`, AWS_REGION: 'eu-west-1', EXIT: exit }, timeout: 20_000 });
  };
  const calls = () => readFileSync(join(dir, 'calls'), 'utf8');
  const ARGS = ['shop-release-jobs', 'shop-migrate', 'migrate', '600', 'shop-security', 'MigrateSecurityGroup', 'shop-network', 'PrivateSubnetA'];

  it('runs the task in the looked-up network and passes when the container exits 0', () => {
    const r = run('0', ...ARGS);
    expect(r.stderr).toContain('shop-migrate: done (exit code 0)');
    expect(r.status).toBe(0);
    expect(calls()).toContain('ecs run-task --cluster shop-release-jobs --task-definition shop-migrate --launch-type FARGATE --count 1 --network-configuration awsvpcConfiguration={subnets=[id-PrivateSubnetA],securityGroups=[id-MigrateSecurityGroup],assignPublicIp=DISABLED}');
  });

  it('fails the release when the container exits non-zero', () => {
    const r = run('3', ...ARGS);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the job failed (exit code 3');
  });

  it.each([
    ['family', 1, "shop-migrate;touch pwned"],
    ['family', 1, '$(touch pwned)'],
    ['container', 2, '--help'],
    ['timeout', 3, '60; touch pwned'],
  ])('refuses a hostile %s before calling AWS', (_what, index, value) => {
    const args = [...ARGS];
    args[index] = value;
    const r = run('0', ...args);
    expect(r.status).toBe(1);
    expect(() => calls()).toThrow();
    expect(() => readFileSync(join(dir, 'pwned'))).toThrow();
  });
});

describe('kinds: plan diff', () => {
  it('changing a job\'s schedule modifies its schedule in place; nothing else changes', () => {
    const withEnv = (text: string) => `${text}environments:\n  production: {}\n`;
    const before = compilePlanResources(withEnv(BASE));
    const after = compilePlanResources(withEnv(edit('"cron(30 2 * * ? *)"', '"rate(6 hours)"')));
    expect(diffResources(before, after).map((c) => [c.logicalId, c.action, c.properties?.map((p) => [p.path, p.before, p.after, p.causesReplacement])])).toEqual([
      ['NightlySchedule', 'modify', [['ScheduleExpression', 'cron(30 2 * * ? *)', 'rate(6 hours)', false]]],
    ]);
  });
});
