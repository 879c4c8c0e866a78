// Messaging (issue 16): SQS queues and SNS topics on the messaging fixture (orders publishes to a
// topic delivered to a queue, a worker on ECS consumes it and scales on its backlog, a FIFO
// ledger queue consumed on EC2). Exact resources and policies, the roles' statements, the key
// policy, the scaling policies, the templates against the CloudFormation resource schemas, the
// prices, the compliance rules and each check DEX740–DEX753, located in the file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { planTargets } from '../../pipeline/plan.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { costByService } from '../../compiler/pricing/by-service.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { isProduction } from '../../compiler/compliance/engine.js';
import { SECURITY_CONTROLS } from '../../compiler/compliance/controls/catalogue.js';
import { evaluateControl } from '../../compiler/compliance/controls/evaluate.js';
import type { RuleContext } from '../../compiler/compliance/types.js';
import { MESSAGING_RULES } from '../../compiler/compliance/rules/messaging.js';
import { BASELINE_RULES } from '../../compiler/compliance/rules/baseline.js';
import { soc2Alarms } from '../../compiler/compliance/rules/soc2.js';
import { KMS_REQUESTS_PER_PRINCIPAL } from '../../services/messaging.js';
import { httpsEndpointProblem } from '../../compiler/checks/messaging.js';
import { LAYER_ORDER, type StackLayer } from '../../compiler/model/types.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';

const FILE = 'test/fixtures/messaging/shop.dex.yaml';
const SHOP = readFileSync(FILE, 'utf8');

const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const byId = (a: Analysis, id: string) => resources(a).find((r) => r.logicalId === id);
const at = (a: Analysis, code: string) => a.diagnostics.filter((d) => d.code === code).map((d) => `${d.range?.start.line}:${d.range?.start.col} ${d.severity} ${d.path.join('.')}`);
const lineOf = (text: string, needle: string): number => {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`fixture has no ${needle}`);
  return text.slice(0, i).split('\n').length;
};
const replace = (from: string, to: string, text = SHOP): string => {
  if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
  return text.replace(from, to);
};
/** `line:col` of `token` on the first line holding `needle` (1-based, as diagnostics say). */
const loc = (text: string, needle: string, token = needle): string => {
  const line = lineOf(text, needle);
  const col = text.split('\n')[line - 1]!.indexOf(token);
  if (col < 0) throw new Error(`line ${line} has no ${token}`);
  return `${line}:${col + 1}`;
};
type Statement = { Sid: string };
const statements = (a: Analysis, role: string) => ((byId(a, role)!.properties as { Policies: { PolicyDocument: { Statement: Statement[] } }[] }).Policies[0]!.PolicyDocument.Statement);
const sqsArn = (name: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${name}` });
const KEY_ARN = { 'Fn::GetAtt': ['KmsKey', 'Arn'] };

describe('queues and topics', () => {
  const a = analyzed(SHOP);

  it('the fixture is valid and warns about nothing', () => {
    expect(a.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });

  it('a standard queue: SSE-KMS with the environment key, its retention and visibility, redrive to its dead-letter queue', () => {
    expect(byId(a, 'OrderEventsQueue')!.properties).toEqual({
      QueueName: 'shop-order-events',
      MessageRetentionPeriod: 7 * 86_400,
      VisibilityTimeout: 120,
      KmsMasterKeyId: KEY_ARN,
      KmsDataKeyReusePeriodSeconds: 300,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['OrderEventsDeadLetterQueue', 'Arn'] }, maxReceiveCount: 3 },
      Tags: expect.arrayContaining([{ Key: 'dex:component', Value: 'queue/order-events' }]),
    });
    expect(byId(a, 'OrderEventsDeadLetterQueue')!.properties).toEqual({
      QueueName: 'shop-order-events-dlq',
      MessageRetentionPeriod: 1_209_600,
      KmsMasterKeyId: KEY_ARN,
      KmsDataKeyReusePeriodSeconds: 300,
      RedriveAllowPolicy: { redrivePermission: 'byQueue', sourceQueueArns: [sqsArn('shop-order-events')] },
      Tags: expect.any(Array),
    });
  });

  it('a FIFO queue: .fifo names for it and its dead-letter queue, content-based deduplication, the default 5 receives', () => {
    expect(byId(a, 'LedgerQueue')!.properties).toMatchObject({ QueueName: 'shop-ledger.fifo', FifoQueue: true, ContentBasedDeduplication: true, MessageRetentionPeriod: 4 * 86_400, VisibilityTimeout: 30, RedrivePolicy: { maxReceiveCount: 5 } });
    expect(byId(a, 'LedgerDeadLetterQueue')!.properties).toMatchObject({ QueueName: 'shop-ledger-dlq.fifo', FifoQueue: true });
    expect(byId(a, 'OrderEventsQueue')!.properties).not.toHaveProperty('FifoQueue');
  });

  it('the queue policy refuses requests without TLS and lets only the subscribed topic send', () => {
    expect(byId(a, 'OrderEventsQueuePolicy')!.properties).toEqual({
      Queues: [{ Ref: 'OrderEventsQueue' }, { Ref: 'OrderEventsDeadLetterQueue' }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: [{ 'Fn::GetAtt': ['OrderEventsQueue', 'Arn'] }, { 'Fn::GetAtt': ['OrderEventsDeadLetterQueue', 'Arn'] }], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
          { Sid: 'TopicsSubscribed', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['OrderEventsQueue', 'Arn'] }, Condition: { ArnEquals: { 'aws:SourceArn': [{ Ref: 'OrdersTopic' }] } } },
        ],
      },
    });
    // No topic delivers to the ledger: TLS only, nobody else.
    expect(JSON.stringify(byId(a, 'LedgerQueuePolicy')!.properties)).not.toContain('sns.amazonaws.com');
  });

  it('the topic is encrypted, TLS-only, and delivers raw filtered messages to the queue (after the queue policy exists), to e-mail and to HTTPS', () => {
    expect(byId(a, 'OrdersTopic')!.properties).toMatchObject({ TopicName: 'shop-orders', KmsMasterKeyId: KEY_ARN });
    expect(byId(a, 'OrdersTopicPolicy')!.properties).toEqual({
      Topics: [{ Ref: 'OrdersTopic' }],
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: [{ Ref: 'OrdersTopic' }], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] },
    });
    const toQueue = byId(a, 'OrdersTopicToOrderEventsQueue')!;
    expect(toQueue.properties).toEqual({
      TopicArn: { Ref: 'OrdersTopic' },
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': ['OrderEventsQueue', 'Arn'] },
      RawMessageDelivery: true,
      FilterPolicy: { eventType: ['OrderCreated'] },
      FilterPolicyScope: 'MessageAttributes',
    });
    expect(toQueue.dependsOn).toEqual(['OrderEventsQueuePolicy']);
    const others = resources(a).filter((r) => r.type === 'AWS::SNS::Subscription' && r.component === 'topic/orders' && r !== toQueue);
    expect(others.map((r) => [r.properties.Protocol, r.properties.Endpoint])).toEqual([
      ['email', 'orders-audit@example.com'],
      ['https', 'https://hooks.example.com/orders'],
    ]);
  });

  it('the key policy lets SNS encrypt for the queues it delivers to, only when a topic delivers to one', () => {
    const policy = (x: Analysis) => (byId(x, 'KmsKey')!.properties.KeyPolicy as { Statement: { Sid: string }[] }).Statement;
    expect(policy(a).find((s) => s.Sid === 'SnsToEncryptedQueues')).toEqual({
      Sid: 'SnsToEncryptedQueues',
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    const noQueueSubscription = analyzed(replace('      - queue: order-events\n        rawMessageDelivery: true\n        filterPolicy: { eventType: [OrderCreated] }\n', ''));
    expect(policy(noQueueSubscription).map((s) => s.Sid)).not.toContain('SnsToEncryptedQueues');
  });

  it('alarms to the notify topic: any dead letter, and the oldest message older than the queue allows', () => {
    expect(byId(a, 'OrderEventsDeadLetterQueueAlarm')!.properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['OrderEventsDeadLetterQueue', 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    expect(byId(a, 'OrderEventsQueueOldestMessageAlarm')!.properties).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900, Statistic: 'Maximum', AlarmActions: [{ Ref: 'AlarmTopic' }] });
  });
});

describe('services that send, consume and publish', () => {
  const a = analyzed(SHOP);

  it('a consumer (ECS task role) gets exactly receive, delete, change visibility, read attributes on its queue, and Decrypt through SQS', () => {
    const mine = statements(a, 'FulfilmentRole').filter((s) => ['SendToQueues', 'ConsumeQueues', 'PublishToTopics', 'UseMessagingKey'].includes(s.Sid));
    expect(mine).toEqual([
      { Sid: 'ConsumeQueues', Effect: 'Allow', Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], Resource: [sqsArn('shop-order-events')] },
      { Sid: 'UseMessagingKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: KEY_ARN, Condition: { StringEquals: { 'kms:ViaService': ['sqs.us-east-1.amazonaws.com'] } } },
    ]);
  });

  it('a sender and publisher gets SendMessage, Publish and a data key through SQS and SNS', () => {
    const mine = statements(a, 'OrdersRole').filter((s) => ['SendToQueues', 'ConsumeQueues', 'PublishToTopics', 'UseMessagingKey'].includes(s.Sid));
    expect(mine).toEqual([
      { Sid: 'SendToQueues', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [sqsArn('shop-ledger.fifo')] },
      { Sid: 'PublishToTopics', Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:shop-orders' }] },
      { Sid: 'UseMessagingKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY_ARN, Condition: { StringEquals: { 'kms:ViaService': ['sqs.us-east-1.amazonaws.com', 'sns.us-east-1.amazonaws.com'] } } },
    ]);
  });

  it('the EC2 instance role gets the same, and ${queues.X.arn} in permissions resolves to the queue ARN', () => {
    const mine = statements(a, 'LedgerWriterRole');
    expect(mine.find((s) => s.Sid === 'ConsumeQueues')).toMatchObject({ Resource: [sqsArn('shop-ledger.fifo')] });
    expect(mine.find((s) => s.Sid === 'SpecPermission0')).toEqual({ Sid: 'SpecPermission0', Effect: 'Allow', Action: ['sqs:GetQueueUrl'], Resource: [sqsArn('shop-ledger.fifo')] });
  });

  it('the URL and ARN are in the environment, as the queue and topic attributes', () => {
    const env = (service: string) => {
      const task = byId(a, `${service.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}TaskDefinition`)!;
      const container = (task.properties.ContainerDefinitions as { Environment: { Name: string; Value: unknown }[] }[])[0]!;
      return Object.fromEntries(container.Environment.filter((e) => /_(QUEUE|TOPIC)_/.test(e.Name)).map((e) => [e.Name, e.Value]));
    };
    expect(env('orders')).toEqual({ LEDGER_QUEUE_ARN: { 'Fn::GetAtt': ['LedgerQueue', 'Arn'] }, LEDGER_QUEUE_URL: { 'Fn::GetAtt': ['LedgerQueue', 'QueueUrl'] }, ORDERS_TOPIC_ARN: { 'Fn::GetAtt': ['OrdersTopic', 'TopicArn'] } });
    expect(env('fulfilment')).toEqual({ ORDER_EVENTS_QUEUE_ARN: { 'Fn::GetAtt': ['OrderEventsQueue', 'Arn'] }, ORDER_EVENTS_QUEUE_URL: { 'Fn::GetAtt': ['OrderEventsQueue', 'QueueUrl'] } });
  });
});

describe('on EKS', () => {
  it('the IRSA role gets the statements, and the URL and ARNs come from the stacks through stack-outputs.sh', () => {
    const text = replace('    placement: ecs\n    uses:\n      - { queue: order-events', '    placement: eks\n    uses:\n      - { queue: order-events').replace('    scaling: { min: 0, max: 10, queue: order-events, messagesPerTask: 50 }\n', '');
    const x = analyzed(text);
    expect(x.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(statements(x, 'FulfilmentRole').map((s) => s.Sid)).toEqual(expect.arrayContaining(['ConsumeQueues', 'UseMessagingKey']));
    const files = outTree(FILE, text);
    const script = files.find((f) => f.path.endsWith('kubernetes/stack-outputs.sh'))!.content;
    // The queue's physical ID is its URL; its ARN comes from SQS.
    expect(script).toMatch(/v=\$\(phys 'shop-default-data' 'OrderEventsQueue'\)\nout FULFILMENT_ORDER_EVENTS_QUEUE_URL "\$v"/);
    expect(script).toContain("aws sqs get-queue-attributes --region us-east-1 --queue-url \"$(phys 'shop-default-data' 'OrderEventsQueue')\" --attribute-names QueueArn --query Attributes.QueueArn --output text");
    expect(script).not.toContain('no look-up');
    const deployment = files.find((f) => /kubernetes\/.*fulfilment.*\.ya?ml$/.test(f.path) && f.content.includes('kind: Deployment'))!.content;
    expect(deployment).toContain('ORDER_EVENTS_QUEUE_URL');
  });
});

describe('scaling on the queue backlog', () => {
  const a = analyzed(SHOP);
  const visible = { Id: 'visible', MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['OrderEventsQueue', 'QueueName'] } }] }, Stat: 'Sum' }, ReturnData: false };
  const running = {
    Id: 'running',
    MetricStat: { Metric: { Namespace: 'ECS/ContainerInsights', MetricName: 'RunningTaskCount', Dimensions: [{ Name: 'ClusterName', Value: { Ref: 'EcsCluster' } }, { Name: 'ServiceName', Value: { 'Fn::GetAtt': ['FulfilmentEcsService', 'Name'] } }] }, Stat: 'Average' },
    ReturnData: false,
  };

  it('ECS: target tracking on visible messages per running task at messagesPerTask, instead of CPU', () => {
    expect(byId(a, 'FulfilmentQueueScalingPolicy')!.properties).toEqual({
      PolicyName: 'fulfilment-queue-backlog-target-tracking',
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: 'FulfilmentScalableTarget' },
      TargetTrackingScalingPolicyConfiguration: {
        CustomizedMetricSpecification: { Metrics: [visible, running, { Id: 'backlog', Expression: 'visible / IF(FILL(running, 0) > 0, FILL(running, 0), 1)', Label: 'order-events backlog per task', ReturnData: true }] },
        TargetValue: 50,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });
    expect(byId(a, 'FulfilmentCpuScalingPolicy')).toBeUndefined();
    expect(byId(a, 'FulfilmentScalableTarget')!.properties).toMatchObject({ MinCapacity: 0, MaxCapacity: 10 });
    // A service without queue scaling keeps its CPU policy.
    expect(analyzed(replace('    scaling: { min: 0, max: 10, queue: order-events, messagesPerTask: 50 }', '    scaling: { min: 1, max: 10 }')).compiled[0]!.model!.resources.map((r) => r.logicalId)).toContain('FulfilmentCpuScalingPolicy');
  });

  const withPeriod = (m: { MetricStat: object }) => ({ ...m, MetricStat: { ...m.MetricStat, Period: 60 } });

  it('min 0: an alarm on "messages waiting, nothing running" starts one task', () => {
    expect(byId(a, 'FulfilmentQueueWakePolicy')!.properties).toEqual({
      PolicyName: 'fulfilment-queue-wake-from-zero',
      PolicyType: 'StepScaling',
      ScalingTargetId: { Ref: 'FulfilmentScalableTarget' },
      StepScalingPolicyConfiguration: { AdjustmentType: 'ExactCapacity', Cooldown: 60, MetricAggregationType: 'Maximum', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
    });
    expect(byId(a, 'FulfilmentQueueWakeAlarm')!.properties).toMatchObject({
      Metrics: [withPeriod(visible), withPeriod(running), { Id: 'waiting', Expression: 'IF(visible > 0 AND FILL(running, 0) == 0, 1, 0)', ReturnData: true }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      AlarmActions: [{ Ref: 'FulfilmentQueueWakePolicy' }],
    });
    // min 1: no wake-up needed.
    const one = analyzed(replace('scaling: { min: 0, max: 10,', 'scaling: { min: 1, max: 10,'));
    expect(one.compiled[0]!.model!.resources.map((r) => r.logicalId).filter((id) => id.includes('Wake'))).toEqual([]);
  });

  it('EC2: target tracking on the backlog per in-service instance', () => {
    const text = replace('      - { queue: ledger, access: consume }\n', '      - { queue: ledger, access: consume }\n    scaling: { min: 1, max: 4, queue: ledger }\n');
    const x = analyzed(text);
    expect(x.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(byId(x, 'LedgerWriterQueueScalingPolicy')!.properties).toMatchObject({
      AutoScalingGroupName: { Ref: 'LedgerWriterAutoScalingGroup' },
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: {
        CustomizedMetricSpecification: { Metrics: [expect.objectContaining({ Id: 'visible' }), { Id: 'running', MetricStat: { Metric: { Namespace: 'AWS/AutoScaling', MetricName: 'GroupInServiceInstances', Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: 'LedgerWriterAutoScalingGroup' } }] }, Stat: 'Average' }, ReturnData: false }, expect.objectContaining({ Id: 'backlog' })] },
        TargetValue: 100,
      },
    });
    expect(byId(x, 'LedgerWriterCpuScalingPolicy')).toBeUndefined();
  });
});

describe('the emitted templates', () => {
  it('validate against the CloudFormation resource schemas, alone and as a stack set', () => {
    const text = replace('      - { queue: ledger, access: consume }\n', '      - { queue: ledger, access: consume }\n    scaling: { min: 0, max: 4, queue: ledger }\n');
    const templates = outTree(FILE, text).filter((f) => /cloudformation\/.*\.ya?ml$/.test(f.path) && f.path.startsWith('default/'));
    expect(templates.map((t) => t.path.split('/').pop())).toEqual(expect.arrayContaining(['shop-default-data.yaml', 'shop-default-ecs.yaml', 'shop-default-ec2.yaml']));
    for (const t of templates) expect(validateTemplate(parse(t.content)), t.path).toEqual([]);
    // In deploy order: each stack imports only from the ones before it.
    const layer = (path: string) => LAYER_ORDER.indexOf(path.replace(/^.*shop-default-|\.ya?ml$/g, '') as StackLayer);
    const ordered = [...templates].sort((x, y) => layer(x.path) - layer(y.path));
    expect(validateStackSet(ordered.map((t) => ({ name: t.path.split('/').pop()!.replace(/\.ya?ml$/, ''), template: parse(t.content) })))).toEqual([]);
  });
});

describe('pricing', () => {
  const plan = buildPlan(planTargets(analyzed(SHOP)), loadSnapshotSource()).environments[0]!;
  const line = (resource: string, usageType: string) => plan.lineItems.find((l) => l.resource === resource && l.usageType === usageType);

  it('SNS publishes and e-mail deliveries at list price from publishesPerMonth; KMS requests per principal', () => {
    expect(line('OrdersTopic', 'Requests-Tier1')).toMatchObject({ quantity: { min: 1_000_000, max: 1_000_000 }, unitPriceUsd: 0.5, unit: '1M requests', monthlyUsd: { min: 0.5, max: 0.5 } });
    const email = plan.lineItems.find((l) => l.resource.startsWith('OrdersTopicEmail'))!;
    expect(email).toMatchObject({ usageType: 'DeliveryAttempts-SMTP', quantity: { min: 1_000_000, max: 1_000_000 }, monthlyUsd: { min: 20, max: 20 } });
    // order-events: the consumer and the topic; 8,760 data-key requests each at $0.03 per 10,000.
    expect(KMS_REQUESTS_PER_PRINCIPAL).toBe(8760);
    expect(line('OrderEventsQueue', 'KMS-Requests')).toMatchObject({ quantity: { min: 2 * 8760, max: 2 * 8760 }, monthlyUsd: { min: 0.05, max: 0.05 } });
  });

  it('by service: a topic is its publishers\' data store, a queue its senders\' and consumers\'', () => {
    const x = analyzed(SHOP);
    const c = x.compiled[0]!;
    const by = costByService(c.spec, c.model!.resources, plan.lineItems, plan.unpriced)!;
    const orders = by.services.find((s) => s.service === 'orders')!;
    const topicCents = plan.lineItems.filter((l) => c.model!.resources.find((r) => r.logicalId === l.resource)?.component === 'topic/orders').reduce((sum, l) => sum + Math.round(l.monthlyUsd.min * 100), 0);
    // orders alone publishes to the topic (and shares the ledger queue with ledger-writer).
    expect(Math.round(orders.dataStores.monthlyMin * 100)).toBe(topicCents);
    expect(orders.shares.map((s) => s.pool)).toContain('queue/ledger');
  });

  it('SQS requests (three per message) and HTTPS deliveries are unpriced with a reason; SQS deliveries are free, never a gap', () => {
    const unpriced = (resource: string) => plan.unpriced.filter((u) => u.resource === resource).map((u) => `${u.meter}: ${u.reason}`);
    expect(unpriced('OrderEventsQueue')).toEqual([expect.stringMatching(/^sqs\.requests: no SQS price in dex's sources yet: standard queue requests are billed per million/)]);
    expect(unpriced('LedgerQueue')).toEqual([expect.stringMatching(/FIFO queue requests/)]);
    expect(plan.unpriced.find((u) => u.resource.startsWith('OrdersTopicHttps'))!.reason).toMatch(/HTTPS delivery price/);
    expect(plan.unpriced.map((u) => u.resource)).not.toContain('OrdersTopicToOrderEventsQueue');
    const sqs = analyzed(SHOP).compiled[0]!.model!.resources.find((r) => r.logicalId === 'OrderEventsQueue')!.usage.find((m) => m.meter === 'sqs.requests')!;
    expect(sqs.quantity).toEqual({ min: 6_000_000, max: 6_000_000 });
    // Without messagesPerMonth the quantity is unknown, not zero.
    const unknown = analyzed(replace('    messagesPerMonth: 2000000\n', '')).compiled[0]!.model!.resources.find((r) => r.logicalId === 'OrderEventsQueue')!.usage[0]!;
    expect(unknown.quantityUnknown).toMatch(/messagesPerMonth is not set/);
  });
});

describe('compliance', () => {
  const ctx = (x: Analysis): RuleContext => {
    const c = x.compiled[0]!;
    return { spec: c.spec, model: c.model!, data: {}, environment: c.environment, production: isProduction(c.environment, c.spec), regimes: new Set(c.spec.compliance) };
  };
  const rule = (id: string) => [...MESSAGING_RULES, ...BASELINE_RULES].find((r) => r.id === id)!;

  it('queues and topics pass TLS-only and dead-letter checks; queues count as encrypted at rest', () => {
    const c = ctx(analyzed(SHOP));
    expect(rule('BASE-MESSAGING-TLS-ONLY').check(c).every((x) => x.ok)).toBe(true);
    expect(rule('BASE-MESSAGING-TLS-ONLY').check(c)).toHaveLength(5); // 4 queues, 1 topic
    expect(rule('BASE-QUEUE-DEAD-LETTER').check(c).map((x) => [x.ok, x.message])).toEqual([
      [true, 'LedgerQueue moves messages to a dead-letter queue after 5 receives'],
      [true, 'OrderEventsQueue moves messages to a dead-letter queue after 3 receives'],
    ]);
    const rest = rule('BASE-ENCRYPTION-AT-REST').check(c).filter((x) => x.message.includes('Queue'));
    expect(rest.length).toBe(4);
    expect(rest.every((x) => x.ok)).toBe(true);
  });

  it('the security controls: SQS and SNS encrypted (SNS.1) and the topic logs failed deliveries (SNS.2) to an encrypted log group', () => {
    const a = analyzed(SHOP);
    const c = ctx(a);
    for (const id of ['SNS.1', 'SNS.2']) expect(evaluateControl(SECURITY_CONTROLS.find((x) => x.id === id)!, c).status, id).toBe('pass');
    expect(byId(a, 'OrdersTopic')!.properties.DeliveryStatusLogging).toEqual([
      { Protocol: 'http/s', FailureFeedbackRoleArn: { 'Fn::GetAtt': ['OrdersTopicDeliveryLogRole', 'Arn'] } },
      { Protocol: 'sqs', FailureFeedbackRoleArn: { 'Fn::GetAtt': ['OrdersTopicDeliveryLogRole', 'Arn'] } },
    ]);
    expect(byId(a, 'OrdersTopicDeliveryFailureLogGroup')!.properties).toMatchObject({ LogGroupName: { 'Fn::Sub': 'sns/${AWS::Region}/${AWS::AccountId}/shop-orders/Failure' }, KmsKeyId: KEY_ARN, RetentionInDays: expect.any(Number) });
    const role = byId(a, 'OrdersTopicDeliveryLogRole')!.properties as { Policies: { PolicyDocument: { Statement: { Resource: unknown }[] } }[]; PermissionsBoundary?: unknown };
    expect(role.Policies[0]!.PolicyDocument.Statement[0]!.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:sns/${AWS::Region}/${AWS::AccountId}/shop-orders/Failure' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:sns/${AWS::Region}/${AWS::AccountId}/shop-orders/Failure:*' },
    ]);
    // The fixture has no cicd, so no boundary; with one, every block's roles carry it (services/permissions-boundary.ts).
    expect(role.PermissionsBoundary).toBeUndefined();
  });

  it('SOC 2 CC7.2: the wake-from-zero alarm drives the scaler and is not counted as a silent alarm; the queue alarms notify the topic', () => {
    const text = replace('  notify: { email: ops@example.com }\n', '  notify: { email: ops@example.com }\n  alerts: [{ name: HighCpu, metric: cpu, above: 80 }]\ncompliance: [soc2]\n');
    const checks = soc2Alarms.check(ctx(analyzed(text)));
    expect(checks.map((c) => c.ok)).toEqual([true]);
    expect(byId(analyzed(SHOP), 'FulfilmentQueueWakeAlarm')!.properties.AlarmActions).toEqual([{ Ref: 'FulfilmentQueueWakePolicy' }]);
  });

  it('a queue without its dead-letter queue fails (warning) unless it says why; a policy without the TLS deny fails', () => {
    const offText = replace('    deadLetter: { maxReceives: 3 }', '    deadLetter: { enabled: false }');
    const off = analyzed(offText);
    expect(at(off, 'DEX748')).toEqual([`${loc(offText, 'deadLetter: { enabled: false }', 'false')} warning queues.order-events.deadLetter.enabled`]);
    expect(rule('BASE-QUEUE-DEAD-LETTER').check(ctx(off)).find((x) => !x.ok)!.path).toEqual(['queues', 'order-events', 'deadLetter', 'enabled']);
    const why = analyzed(replace('    deadLetter: { maxReceives: 3 }', '    deadLetter: { enabled: false, reason: "replayed from the order database" }'));
    expect(at(why, 'DEX748')).toEqual([]);
    expect(rule('BASE-QUEUE-DEAD-LETTER').check(ctx(why)).map((x) => x.ok)).toEqual([true, true]);
    const c = ctx(analyzed(SHOP));
    const broken = { ...c, model: { ...c.model, resources: c.model.resources.filter((r) => r.logicalId !== 'OrdersTopicPolicy') } };
    expect(rule('BASE-MESSAGING-TLS-ONLY').check(broken).filter((x) => !x.ok).map((x) => x.message)).toEqual(['OrdersTopic accepts requests without TLS: no policy denies aws:SecureTransport false']);
  });
});

describe('environments', () => {
  it('an overlay changes a queue per environment; naming an undeclared one is DEX401', () => {
    const text = `${SHOP}environments:\n  staging:\n    queues: { order-events: { messagesPerMonth: 1000 } }\n  production: {}\n`;
    const x = analyzed(text);
    const q = (env: string) => x.compiled.find((c) => c.environment === env)!.model!.resources.find((r) => r.logicalId === 'OrderEventsQueue')!;
    expect(q('staging').properties.QueueName).toBe('shop-staging-order-events');
    expect(q('staging').usage[0]!.quantity).toEqual({ min: 3000, max: 3000 });
    expect(q('production').usage[0]!.quantity).toEqual({ min: 6_000_000, max: 6_000_000 });
    const typo = analyzed(text.replace('queues: { order-events:', 'queues: { order-event:'));
    expect(typo.diagnostics.filter((d) => d.code === 'DEX401').map((d) => d.hint)).toEqual(['did you mean order-events?']);
  });
});

describe('checks, located in the file', () => {
  it('DEX740: a use of an unknown queue or topic, at its name, with a suggestion', () => {
    const x = analyzed(replace('      - { topic: orders, access: publish }', '      - { topic: order, access: publish }'));
    expect(at(x, 'DEX740')).toEqual([`${loc(SHOP, '{ topic: orders', 'orders')} error services.orders.uses.0.topic`]);
    expect(x.diagnostics.find((d) => d.code === 'DEX740')!.hint).toBe('did you mean orders?');
  });

  it('DEX741: content-based deduplication on a standard queue', () => {
    const text = replace('    retentionDays: 7\n', '    retentionDays: 7\n    contentBasedDeduplication: true\n');
    expect(at(analyzed(text), 'DEX741')).toEqual([`${lineOf(text, 'retentionDays: 7') + 1}:32 error queues.order-events.contentBasedDeduplication`]);
  });

  it('DEX742: a standard topic to a FIFO queue, and a FIFO topic to e-mail', () => {
    const text = replace('      - queue: order-events\n', '      - queue: ledger\n');
    expect(at(analyzed(text), 'DEX742')).toEqual([`${lineOf(text, '- queue: ledger')}:16 error topics.orders.subscriptions.0.queue`]);
    const fifo = replace('    publishesPerMonth: 1000000\n', '    fifo: true\n    publishesPerMonth: 1000000\n');
    expect(at(analyzed(fifo), 'DEX742')).toEqual([
      `${lineOf(fifo, '- queue: order-events')}:16 error topics.orders.subscriptions.0.queue`,
      `${lineOf(fifo, '- email:')}:16 error topics.orders.subscriptions.1.email`,
      `${lineOf(fifo, '- https:')}:16 error topics.orders.subscriptions.2.https`,
    ]);
  });

  it('DEX743: a subscription to an undeclared queue', () => {
    const text = replace('      - queue: order-events\n', '      - queue: order-event\n');
    expect(at(analyzed(text), 'DEX743')).toEqual([`${lineOf(text, '- queue: order-event\n')}:16 error topics.orders.subscriptions.0.queue`]);
  });

  it('DEX744: HTTPS endpoints that are not https, carry credentials, or name an address SNS cannot check', () => {
    for (const [url, why] of [
      ['http://hooks.example.com/orders', /not https/],
      ['https://user:secret@hooks.example.com/x', /user name or password/],
      ['https://10.0.0.8/orders', /IP address/],
      ['https://localhost/orders', /cannot reach/],
      ['https://intranet/orders', /not a public host name/],
      ['not a url at all', /not a URL/],
    ] as const) {
      expect(httpsEndpointProblem(url), url).toMatch(why);
    }
    expect(httpsEndpointProblem('https://hooks.example.com/orders?x=1')).toBeUndefined();
    const text = replace('https://hooks.example.com/orders', 'http://hooks.example.com/orders');
    expect(at(analyzed(text), 'DEX744')).toEqual([`${lineOf(text, '- https:')}:16 error topics.orders.subscriptions.2.https`]);
  });

  it('DEX745: a consumer slower than the visibility timeout; DEX749: a timeout on a sender', () => {
    const text = replace('timeoutSeconds: 60 }', 'timeoutSeconds: 300 }');
    const x = analyzed(text);
    expect(at(x, 'DEX745')).toEqual([`${loc(text, 'timeoutSeconds: 300', '300')} error services.fulfilment.uses.0.timeoutSeconds`]);
    expect(x.diagnostics.find((d) => d.code === 'DEX745')!.hint).toBe('set queues.order-events.visibilityTimeoutSeconds to at least 300');
    const send = replace('{ queue: ledger, access: send }', '{ queue: ledger, access: send, timeoutSeconds: 5 }');
    expect(at(analyzed(send), 'DEX749')).toEqual([`${loc(send, 'access: send, timeoutSeconds', '5 }')} warning services.orders.uses.1.timeoutSeconds`]);
  });

  it('DEX746: scaling on a queue the service does not consume; DEX747: a queue nothing consumes', () => {
    const text = replace('queue: order-events, messagesPerTask: 50', 'queue: ledger, messagesPerTask: 50');
    expect(at(analyzed(text), 'DEX746')).toEqual([`${loc(text, 'queue: ledger, messagesPerTask', 'ledger')} error services.fulfilment.scaling.queue`]);
    const none = replace('    uses:\n      - { queue: ledger, access: consume }\n', '');
    expect(at(analyzed(none), 'DEX747')).toEqual([`${lineOf(none, '  ledger:\n')}:3 warning queues.ledger`]);
  });

  it('DEX750: a queue name past SQS\'s 80 characters', () => {
    // 32 + 1 + 40 + '-dlq.fifo': 82 characters for the dead-letter queue.
    const long = 'q'.repeat(39) + 'z';
    const text = replace('  ledger:\n    fifo: true', `  ${long}:\n    fifo: true`).replace('name: shop', `name: ${'s'.repeat(32)}`).replace(/queue: ledger/g, `queue: ${long}`).replace('${queues.ledger.arn}', `\${queues.${long}.arn}`);
    expect(at(analyzed(text), 'DEX750')).toEqual([`${lineOf(text, `  ${long}:\n`)}:3 error queues.${long}`]);
  });

  it('DEX751: without NAT, a service that uses queues needs the sqs endpoint; listed, dex creates it', () => {
    const text = replace('monitoring:\n', 'network: { natGateways: none, endpoints: [s3, ecr, logs] }\nmonitoring:\n');
    const x = analyzed(text);
    expect(at(x, 'DEX751')).toEqual([
      `${loc(text, '{ topic: orders, access: publish', '{ topic')} warning services.orders.uses.0`,
      `${loc(text, '{ queue: order-events, access: consume', '{ queue')} warning services.fulfilment.uses.0`,
      `${loc(text, '{ queue: ledger, access: consume', '{ queue')} warning services.ledger-writer.uses.0`,
    ]);
    expect(x.diagnostics.find((d) => d.code === 'DEX751' && d.path[1] === 'orders')!.message).toContain('lacks sns and sqs');
    const fixed = analyzed(text.replace('endpoints: [s3, ecr, logs]', 'endpoints: [s3, ecr, logs, sqs, sns]'));
    expect(at(fixed, 'DEX751')).toEqual([]);
    const names = fixed.compiled[0]!.model!.resources.filter((r) => r.type === 'AWS::EC2::VPCEndpoint').map((r) => JSON.stringify(r.properties.ServiceName));
    expect(names).toEqual(expect.arrayContaining([JSON.stringify({ 'Fn::Sub': 'com.amazonaws.${AWS::Region}.sqs' }), JSON.stringify({ 'Fn::Sub': 'com.amazonaws.${AWS::Region}.sns' })]));
  });

  it('DEX752: queue scaling on EKS; DEX753: on ECS without Container Insights', () => {
    const eks = replace('    placement: ecs\n    uses:\n      - { queue: order-events', '    placement: eks\n    uses:\n      - { queue: order-events');
    expect(at(analyzed(eks), 'DEX752')).toEqual([`${loc(eks, 'queue: order-events, messagesPerTask', 'order-events')} error services.fulfilment.scaling.queue`]);
    const off = replace('monitoring:\n', 'platforms:\n  ecs: { containerInsights: false }\nmonitoring:\n');
    expect(at(analyzed(off), 'DEX753')).toEqual([`${loc(off, 'queue: order-events, messagesPerTask', 'order-events')} error services.fulfilment.scaling.queue`]);
  });
});
