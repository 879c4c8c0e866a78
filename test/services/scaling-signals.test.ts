// Scaling on other signals (issue 15): requests per target on the shared and a named ALB, a custom
// CloudWatch metric, steps on CPU and on a custom metric, scheduled actions on ECS and EC2. Exact
// policies and alarms, the CPU policy giving way to steps on cpu, the located errors, the
// validators, and the alarms' price.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { fixedClock } from '../support/clock.js';
import { planTargets } from '../../pipeline/plan.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { LAYER_ORDER, type StackLayer } from '../../compiler/model/types.js';
import { analyzed, lineOf, valid } from '../support/analyzed.js';
import { outTree } from '../support/out-tree.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';

const FILE = 'test/fixtures/scaling/shop.dex.yaml';
const SHOP = readFileSync(FILE, 'utf8');

const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const byId = (a: Analysis, id: string) => resources(a).find((r) => r.logicalId === id);
const replace = (from: string, to: string, text = SHOP): string => {
  if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
  return text.replace(from, to);
};
/** code, line and path of each finding of a code. */
const found = (a: Analysis, code: string) => a.diagnostics.filter((d) => d.code === code).map((d) => `${d.range?.start.line} ${d.path.join('.')}`);

describe('requests per target and a custom metric (target tracking)', () => {
  const a = valid(SHOP);

  it('ECS: ALBRequestCountPerTarget labelled with the shared ALB and the target group full names, beside the CPU policy', () => {
    expect(byId(a, 'StorefrontRequestsScalingPolicy')!.properties).toEqual({
      PolicyName: 'storefront-requests-target-tracking',
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: 'StorefrontScalableTarget' },
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: { 'Fn::Join': ['/', [{ 'Fn::GetAtt': ['LoadBalancer', 'LoadBalancerFullName'] }, { 'Fn::GetAtt': ['StorefrontTargetGroup', 'TargetGroupFullName'] }]] },
        },
        TargetValue: 1000,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });
    expect(byId(a, 'StorefrontCpuScalingPolicy')).toBeDefined();
  });

  it('ECS: the custom metric as written, dimensions sorted by name, values as data', () => {
    expect((byId(a, 'StorefrontMetricScalingPolicy')!.properties as Record<string, Record<string, unknown>>).TargetTrackingScalingPolicyConfiguration).toEqual({
      CustomizedMetricSpecification: {
        Namespace: 'Shop/Storefront',
        MetricName: 'InFlightRequests',
        Dimensions: [
          { Name: 'Service', Value: 'storefront' },
          { Name: 'Tier', Value: 'web: \'a\' "b"' },
        ],
        Statistic: 'Average',
      },
      TargetValue: 50,
      ScaleInCooldown: 300,
      ScaleOutCooldown: 60,
    });
  });

  it('EC2: requests per target on the named internal ALB', () => {
    expect(byId(a, 'CatalogRequestsScalingPolicy')!.properties).toEqual({
      AutoScalingGroupName: { Ref: 'CatalogAutoScalingGroup' },
      PolicyType: 'TargetTrackingScaling',
      EstimatedInstanceWarmup: 60,
      TargetTrackingConfiguration: {
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: { 'Fn::Join': ['/', [{ 'Fn::GetAtt': ['LbInternalLoadBalancer', 'LoadBalancerFullName'] }, { 'Fn::GetAtt': ['CatalogTargetGroup', 'TargetGroupFullName'] }]] },
        },
        TargetValue: 500,
      },
    });
  });

  it('a spec without the new fields builds the same resources as before (no signals key)', () => {
    const plain = valid(replace('      targetRequestsPerTarget: 1000\n', '').replace(/      metric:\n        namespace: Shop\/Storefront[\s\S]*?target: 50\n/, '').replace(/      scheduled:\n        - \{ name: night[\s\S]*?max: 12 \}\n/, ''));
    const storefront = plain.compiled[0]!.spec.services['storefront']!;
    expect(storefront.scaling).not.toHaveProperty('signals');
    expect(byId(plain, 'StorefrontScalableTarget')!.properties).not.toHaveProperty('ScheduledActions');
    expect(resources(plain).filter((r) => r.component === 'service/storefront' && /ScalingPolicy$|Alarm$/.test(r.type)).map((r) => r.logicalId)).toEqual(['StorefrontCpuScalingPolicy']);
  });
});

describe('step scaling', () => {
  const a = valid(SHOP);

  it('EC2 on cpu: out steps from the lowest threshold, in steps from the highest, relative bounds; the CPU policy gives way', () => {
    expect(byId(a, 'CatalogStepOutScalingPolicy')!.properties).toEqual({
      AutoScalingGroupName: { Ref: 'CatalogAutoScalingGroup' },
      PolicyType: 'StepScaling',
      AdjustmentType: 'ChangeInCapacity',
      MetricAggregationType: 'Average',
      EstimatedInstanceWarmup: 180,
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 15, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 15, ScalingAdjustment: 3 },
      ],
    });
    expect((byId(a, 'CatalogStepInScalingPolicy')!.properties as Record<string, unknown>).StepAdjustments).toEqual([
      { MetricIntervalLowerBound: -15, MetricIntervalUpperBound: 0, ScalingAdjustment: -1 },
      { MetricIntervalUpperBound: -15, ScalingAdjustment: -2 },
    ]);
    expect(byId(a, 'CatalogStepOutAlarm')!.properties).toMatchObject({
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: 'CatalogAutoScalingGroup' } }],
      Threshold: 70,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      Period: 60,
      AlarmActions: [{ Ref: 'CatalogStepOutScalingPolicy' }],
    });
    expect(byId(a, 'CatalogStepInAlarm')!.properties).toMatchObject({ Threshold: 30, ComparisonOperator: 'LessThanOrEqualToThreshold' });
    expect(byId(a, 'CatalogCpuScalingPolicy')).toBeUndefined();
  });

  it('ECS on a custom metric in percent: the alarm watches the metric, the CPU policy stays', () => {
    expect(byId(a, 'IndexerStepOutScalingPolicy')!.properties).toEqual({
      PolicyName: 'indexer-step-scale-out',
      PolicyType: 'StepScaling',
      ScalingTargetId: { Ref: 'IndexerScalableTarget' },
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'PercentChangeInCapacity',
        Cooldown: 300,
        MetricAggregationType: 'Average',
        MinAdjustmentMagnitude: 1,
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 4000, ScalingAdjustment: 50 },
          { MetricIntervalLowerBound: 4000, ScalingAdjustment: 100 },
        ],
      },
    });
    expect(byId(a, 'IndexerStepOutAlarm')!.properties).toMatchObject({ Namespace: 'Shop/Indexer', MetricName: 'PendingDocuments', Statistic: 'Maximum', Period: 300, EvaluationPeriods: 2, Threshold: 1000 });
    expect(byId(a, 'IndexerStepOutAlarm')!.properties).not.toHaveProperty('Dimensions');
    expect(byId(a, 'IndexerCpuScalingPolicy')).toBeDefined();
  });

  it('ECS on cpu: the alarm reads AWS/ECS by cluster and service, and the CPU policy gives way', () => {
    const x = valid(replace('      targetRequestsPerTarget: 1000\n', '      targetRequestsPerTarget: 1000\n      steps: { on: cpu, out: [{ atOrAbove: 80, add: 2 }] }\n'));
    expect(byId(x, 'StorefrontStepOutAlarm')!.properties).toMatchObject({ Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'ClusterName', Value: { Ref: 'EcsCluster' } }, { Name: 'ServiceName', Value: { 'Fn::GetAtt': ['StorefrontEcsService', 'Name'] } }] });
    expect(byId(x, 'StorefrontStepInAlarm')).toBeUndefined();
    expect(byId(x, 'StorefrontCpuScalingPolicy')).toBeUndefined();
  });
});

describe('scheduled scaling', () => {
  const a = valid(SHOP);

  it('ECS: scheduled actions on the scalable target, the expression and time zone as written', () => {
    expect((byId(a, 'StorefrontScalableTarget')!.properties as Record<string, unknown>).ScheduledActions).toEqual([
      { ScheduledActionName: 'storefront-night', Schedule: 'cron(0 20 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 } },
      { ScheduledActionName: 'storefront-morning', Schedule: 'cron(0 7 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 12 } },
    ]);
  });

  it('EC2: a ScheduledAction each, the cron in five fields (day-of-week numbers from 0)', () => {
    expect(byId(a, 'CatalogScheduledWeekend')!.properties).toEqual({ AutoScalingGroupName: { Ref: 'CatalogAutoScalingGroup' }, Recurrence: '0 0 * * 6', MinSize: 1, MaxSize: 2 });
    expect(byId(a, 'CatalogScheduledWeekday')!.type).toBe('AWS::AutoScaling::ScheduledAction');
  });
});

describe('located errors', () => {
  it('DEX850: requests per target without an ALB (an NLB, a worker)', () => {
    const nlb = analyzed(replace('    internal: { type: alb, scheme: internal }', '    internal: { type: nlb, scheme: internal }'));
    expect(found(nlb, 'DEX850')).toEqual([`${lineOf(SHOP, 'targetRequestsPerTarget: 500')} services.catalog.scaling.targetRequestsPerTarget`]);
    expect(nlb.diagnostics.find((d) => d.code === 'DEX850')!.message).toMatch(/network load balancer/);
    const worker = analyzed(replace('      metric: { namespace: Shop/Indexer', '      targetRequestsPerTarget: 100\n      metric: { namespace: Shop/Indexer'));
    expect(worker.diagnostics.find((d) => d.code === 'DEX850')!.message).toMatch(/indexer .* it is a worker/);
  });

  it('DEX851: steps on cpu with a declared targetCpuPercent, steps on a metric with its target', () => {
    const text = replace('      targetRequestsPerTarget: 500\n', '      targetRequestsPerTarget: 500\n      targetCpuPercent: 60\n');
    expect(found(analyzed(text), 'DEX851')).toEqual([`${lineOf(text, 'on: cpu')} services.catalog.scaling.steps.on`]);
    const metric = analyzed(replace('statistic: Maximum }', 'statistic: Maximum, target: 10 }'));
    expect(found(metric, 'DEX851')).toEqual([`${lineOf(SHOP, 'on: metric')} services.indexer.scaling.steps.on`]);
  });

  it('DEX851: a job, which runs to completion, takes no scaling signal', () => {
    const text = `${SHOP}  nightly:\n    kind: job\n    placement: ecs\n    schedule: "rate(1 day)"\n    scaling: { min: 1, max: 1, scheduled: [{ name: a, schedule: "rate(1 day)", min: 1, max: 1 }] }\n`;
    expect(found(analyzed(text), 'DEX851')).toEqual([`${lineOf(text, 'scaling: { min: 1, max: 1, scheduled')} services.nightly.scaling`]);
  });

  it('DEX852: schedule syntax (the job parser), an unknown time zone, a repeated name', () => {
    const bad = analyzed(replace('cron(0 20 ? * MON-FRI *)', 'cron(0 20 * * MON-FRI *)').replace('timezone: Europe/Berlin, min: 2', 'timezone: Mars/Olympus, min: 2').replace('name: weekday', 'name: weekend'));
    expect(found(bad, 'DEX852')).toEqual([
      `${lineOf(SHOP, 'name: night')} services.storefront.scaling.scheduled.0.schedule`,
      `${lineOf(SHOP, 'name: morning')} services.storefront.scaling.scheduled.1.timezone`,
      `${lineOf(SHOP, 'name: weekday')} services.catalog.scaling.scheduled.1.name`,
    ]);
    expect(bad.diagnostics.find((d) => d.code === 'DEX852')!.message).toMatch(/neither of day-of-month and day-of-week is \?/);
  });

  it('DEX853: min above max in a scheduled action, and a max above scaling.max', () => {
    const x = analyzed(replace('min: 1, max: 2 }\n        - { name: morning', 'min: 3, max: 2 }\n        - { name: morning').replace('min: 1, max: 6 }', 'min: 1, max: 9 }'));
    expect(found(x, 'DEX853')).toEqual([`${lineOf(SHOP, 'name: night')} services.storefront.scaling.scheduled.0.min`, `${lineOf(SHOP, 'name: weekday')} services.catalog.scaling.scheduled.1.max`]);
  });

  it('DEX854: refused on EKS, each signal at its field, saying which adapter it would need', () => {
    const x = analyzed(replace('    placement: ecs\n    health: { path: /health }\n    expose: { public: true, path: / }', '    placement: eks\n    health: { path: /health }\n    expose: { public: true, path: / }'));
    expect(found(x, 'DEX854')).toEqual([
      `${lineOf(SHOP, 'targetRequestsPerTarget: 1000')} services.storefront.scaling.targetRequestsPerTarget`,
      `${lineOf(SHOP, 'namespace: Shop/Storefront')} services.storefront.scaling.metric`,
      `${lineOf(SHOP, 'name: night')} services.storefront.scaling.scheduled`,
    ]);
    expect(x.diagnostics.find((d) => d.code === 'DEX854')!.message).toMatch(/KEDA/);
  });

  it('DEX855: a rate or an L on EC2, whose Recurrence is a five-field cron', () => {
    const x = analyzed(replace('cron(0 0 ? * 7 *)', 'rate(7 days)').replace('cron(0 6 ? * 2 *)', 'cron(0 6 L * ? *)'));
    expect(found(x, 'DEX855')).toEqual([`${lineOf(SHOP, 'name: weekend')} services.catalog.scaling.scheduled.0.schedule`, `${lineOf(SHOP, 'name: weekday')} services.catalog.scaling.scheduled.1.schedule`]);
    expect(x.diagnostics.filter((d) => d.code === 'DEX855').map((d) => d.message.replace(/^.*or #\): /, ''))).toEqual(['rate(7 days) has no Unix cron equivalent', 'cron(...) with L: Unix cron has no L, W or #']);
  });

  it('DEX856: overlapping directions, a repeated threshold, utilisation above 100', () => {
    const x = analyzed(replace('in: [{ atOrBelow: 30, remove: 1 }, { atOrBelow: 15, remove: 2 }]', 'in: [{ atOrBelow: 75, remove: 1 }, { atOrBelow: 75, remove: 2 }]').replace('{ atOrAbove: 85, add: 3 }', '{ atOrAbove: 185, add: 3 }'));
    expect(x.diagnostics.filter((d) => d.code === 'DEX856').map((d) => d.path.join('.')).sort()).toEqual(['services.catalog.scaling.steps.in.0', 'services.catalog.scaling.steps.in.1', 'services.catalog.scaling.steps.out.0']);
  });

  it('DEX857: steps on a metric that is not declared; a metric nothing scales on', () => {
    const text = replace('      metric: { namespace: Shop/Indexer, name: PendingDocuments, statistic: Maximum }\n', '');
    expect(found(analyzed(text), 'DEX857')).toEqual([`${lineOf(text, 'on: metric')} services.indexer.scaling.steps.on`]);
    const y = analyzed(replace('        target: 50\n', ''));
    expect(found(y, 'DEX857')).toEqual([`${lineOf(SHOP, 'namespace: Shop/Storefront')} services.storefront.scaling.metric`]);
  });

  it('DEX858 warns when a scheduled scale-down is never undone', () => {
    const x = analyzed(replace('        - { name: morning, schedule: "cron(0 7 ? * MON-FRI *)", timezone: Europe/Berlin, min: 2, max: 12 }\n', ''));
    expect(x.diagnostics.filter((d) => d.code === 'DEX858').map((d) => `${d.severity} ${d.path.join('.')}`)).toEqual(['warning services.storefront.scaling.scheduled']);
    expect(found(analyzed(SHOP), 'DEX858')).toEqual([]);
  });

  it('DEX859: requests per target on an ECS service its stage deploys blue-green', () => {
    const text = `${SHOP}cicd:\n  provider: github-actions\n  source: { repository: acme/shop, branch: main }\n  stages:\n    production: { strategy: blue-green }\nenvironments:\n  production: {}\n`;
    const x = analyzeProduction(text);
    expect(found(x, 'DEX859')).toEqual([`${lineOf(SHOP, 'targetRequestsPerTarget: 1000')} services.storefront.scaling.targetRequestsPerTarget`]);
    expect(found(analyzeProduction(text.replace('strategy: blue-green', 'strategy: rolling')), 'DEX859')).toEqual([]);
  });
});

const analyzeProduction = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock, environment: 'production' });

describe('the examples', () => {
  const example = (file: string, environment?: string) => analyzeSpec(readFileSync(file), file, { today: fixedClock, ...(environment === undefined ? {} : { environment }) });

  it('online-boutique: the frontend tracks requests per target on the shared ALB beside CPU', () => {
    const a = example('examples/online-boutique/dex.yaml');
    expect(byId(a, 'FrontendRequestsScalingPolicy')!.properties).toMatchObject({ TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' }, TargetValue: 600 } });
    expect(byId(a, 'FrontendCpuScalingPolicy')).toBeDefined();
  });

  it('retail store: the staging overlay scales the ui down at night and back in the morning; production keeps its bounds', () => {
    const staging = example('examples/retail-store/dex.yaml', 'staging');
    expect(((byId(staging, 'UiScalableTarget')!.properties as Record<string, unknown>).ScheduledActions as { ScheduledActionName: string }[]).map((x) => x.ScheduledActionName)).toEqual(['ui-night', 'ui-morning']);
    expect(staging.diagnostics.filter((d) => d.code.startsWith('DEX85'))).toEqual([]);
    expect(byId(example('examples/retail-store/dex.yaml', 'production'), 'UiScalableTarget')!.properties).not.toHaveProperty('ScheduledActions');
  });
});

describe('the emitted templates', () => {
  it('validate against the CloudFormation resource schemas, alone and as a stack set', () => {
    const templates = outTree(FILE, SHOP).filter((f) => /cloudformation\/.*\.ya?ml$/.test(f.path) && f.path.startsWith('default/'));
    expect(templates.map((t) => t.path.split('/').pop())).toEqual(expect.arrayContaining(['shop-default-ecs.yaml', 'shop-default-ec2.yaml']));
    for (const t of templates) expect(validateTemplate(parse(t.content)), t.path).toEqual([]);
    // The metric's values are data: the written template reads back the same strings.
    const ecs = parse(templates.find((t) => t.path.endsWith('shop-default-ecs.yaml'))!.content) as { Resources: Record<string, { Properties: { TargetTrackingScalingPolicyConfiguration: { CustomizedMetricSpecification: { Dimensions: unknown[] } } } }> };
    expect(ecs.Resources['StorefrontMetricScalingPolicy']!.Properties.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Dimensions).toEqual([{ Name: 'Service', Value: 'storefront' }, { Name: 'Tier', Value: 'web: \'a\' "b"' }]);
    const layer = (path: string) => LAYER_ORDER.indexOf(path.replace(/^.*shop-default-|\.ya?ml$/g, '') as StackLayer);
    const ordered = [...templates].sort((x, y) => layer(x.path) - layer(y.path));
    expect(validateStackSet(ordered.map((t) => ({ name: t.path.split('/').pop()!.replace(/\.ya?ml$/, ''), template: parse(t.content) })))).toEqual([]);
    // The schema validator takes about 20 s for these stacks on an idle machine.
  }, 120_000);
});

describe('pricing', () => {
  const plan = buildPlan(planTargets(analyzed(SHOP)), loadSnapshotSource()).environments[0]!;
  const alarms = (resource: string) => plan.lineItems.filter((l) => l.resource === resource && /Alarm/i.test(l.usageType));

  it('target tracking on requests or a metric: its two alarms; a step alarm: one; each at the standard alarm price', () => {
    const perAlarm = alarms('CatalogStepOutAlarm')[0]!;
    expect(perAlarm).toMatchObject({ quantity: { min: 1, max: 1 } });
    expect(perAlarm.unitPriceUsd).toBeGreaterThan(0);
    expect(alarms('StorefrontRequestsScalingPolicy')[0]).toMatchObject({ quantity: { min: 2, max: 2 }, unitPriceUsd: perAlarm.unitPriceUsd });
    expect(alarms('StorefrontMetricScalingPolicy')[0]).toMatchObject({ quantity: { min: 2, max: 2 } });
    expect(plan.unpriced.filter((u) => /Step|Requests|Metric/.test(u.resource))).toEqual([]);
  });
});
