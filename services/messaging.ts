// Messaging: SQS queues (`queues:`) and SNS topics (`topics:`) in the data layer.
//
// Secure defaults: every queue and topic is encrypted with the environment's KMS key (SSE-KMS, not
// the SQS-owned key, so key use is logged in CloudTrail and IAM decides who decrypts); every queue
// policy and topic policy refuses requests that are not over TLS; every queue has a dead-letter
// queue (unless the spec turns it off, with a reason) that is encrypted too, keeps messages 14
// days (SQS's maximum: time to find out why they failed) and accepts messages from its own queue
// only (RedriveAllowPolicy byQueue). A topic may send to a queue only where the spec subscribes
// it: the queue policy allows sns.amazonaws.com with aws:SourceArn of that topic and nothing else.
//
// Services reach them by `uses` items (`{ queue, access }`, `{ topic, access }`): the statements
// below go on the role the service's code runs as (services/iam.ts), the URL and ARN into its
// environment (services/ecs.ts). The roles are in the security layer, deployed before data, so
// they name queues and topics by ARN built from the names dex gives them, never by GetAtt.
//
// Alarms (to the notify topic, as every other dex alarm): any message in a dead-letter queue, and
// the oldest message of a queue older than `oldestMessageAlarmSeconds`.
import { ID, getAtt, namePrefix, ref, resource, sub, tagList } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource, UsageMeter } from '../compiler/model/types.js';
import type { NormalizedQueue, NormalizedService, NormalizedSpec, NormalizedSubscription, NormalizedTopic } from '../spec/model.js';
import { DATA_KEY_REUSE_SECONDS, DEAD_LETTER_RETENTION_SECONDS, QUEUE_ID, deadLetterQueueName, queueArn, queueName, queueUsers, queuesOf, topicArn, topicName, topicPublishers, topicsDeliveringTo, topicsOf } from '../compiler/model/messaging.js';

export * from '../compiler/model/messaging.js';

/** The SQS actions of each access: exactly what a sender and a consumer call. */
export const QUEUE_ACTIONS = {
  send: ['sqs:SendMessage'],
  consume: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
} as const;
export const TOPIC_ACTIONS = { publish: ['sns:Publish'] } as const;

type Statement = { Sid: string; Effect: 'Allow'; Action: string[]; Resource: CfnValue; Condition?: Record<string, Record<string, CfnValue>> };

/**
 * The statements a service's role gets for the queues and topics it uses: SQS and SNS actions on
 * those ARNs only, and the KMS actions the encrypted queues and topics need, only through SQS and
 * SNS (kms:ViaService). Senders and publishers need a data key (GenerateDataKey) and Decrypt (SQS
 * checks the reused key); consumers only Decrypt.
 */
export function messagingStatements(spec: NormalizedSpec, s: NormalizedService): Statement[] {
  const uses = s.messaging;
  if (uses === undefined) return [];
  const out: Statement[] = [];
  const queues = spec.queues ?? {};
  const topics = spec.topics ?? {};
  const arns = (access: 'send' | 'consume'): CfnValue[] =>
    [...new Set(uses.queues.filter((u) => u.access === access && Object.hasOwn(queues, u.name)).map((u) => queueName(spec, queues[u.name]!)))].sort().map(queueArn);
  const send = arns('send');
  const consume = arns('consume');
  const publish = [...new Set(uses.topics.filter((u) => Object.hasOwn(topics, u.name)).map((u) => topicName(spec, topics[u.name]!)))].sort().map(topicArn);
  if (send.length > 0) out.push({ Sid: 'SendToQueues', Effect: 'Allow', Action: [...QUEUE_ACTIONS.send], Resource: send });
  if (consume.length > 0) out.push({ Sid: 'ConsumeQueues', Effect: 'Allow', Action: [...QUEUE_ACTIONS.consume], Resource: consume });
  if (publish.length > 0) out.push({ Sid: 'PublishToTopics', Effect: 'Allow', Action: [...TOPIC_ACTIONS.publish], Resource: publish });
  const via = [...(send.length + consume.length > 0 ? [`sqs.${spec.region}.amazonaws.com`] : []), ...(publish.length > 0 ? [`sns.${spec.region}.amazonaws.com`] : [])];
  if (via.length > 0) {
    out.push({
      Sid: 'UseMessagingKey',
      Effect: 'Allow',
      Action: send.length + publish.length > 0 ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
      Resource: getAtt(ID.kmsKey, 'Arn'),
      Condition: { StringEquals: { 'kms:ViaService': via } },
    });
  }
  return out;
}

/** Environment variable prefix of a queue or topic name: `order-events` → `ORDER_EVENTS`. */
const envName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/** `<NAME>_QUEUE_URL`, `<NAME>_QUEUE_ARN`, `<NAME>_TOPIC_ARN` of what a service uses, as GetAtt values. */
export function messagingEnv(spec: NormalizedSpec, s: NormalizedService): { Name: string; Value: CfnValue }[] {
  const out: { Name: string; Value: CfnValue }[] = [];
  for (const u of s.messaging?.queues ?? []) {
    if (!Object.hasOwn(spec.queues ?? {}, u.name)) continue;
    out.push({ Name: `${envName(u.name)}_QUEUE_URL`, Value: getAtt(QUEUE_ID.queue(u.name), 'QueueUrl') }, { Name: `${envName(u.name)}_QUEUE_ARN`, Value: getAtt(QUEUE_ID.queue(u.name), 'Arn') });
  }
  for (const u of s.messaging?.topics ?? []) {
    if (!Object.hasOwn(spec.topics ?? {}, u.name)) continue;
    out.push({ Name: `${envName(u.name)}_TOPIC_ARN`, Value: getAtt(QUEUE_ID.topic(u.name), 'TopicArn') });
  }
  return out;
}

/** The key-policy statement SNS needs to deliver to a queue encrypted with the key (SQS's SSE guide). */
export function snsToEncryptedQueuesStatement(): CfnValue {
  return {
    Sid: 'SnsToEncryptedQueues',
    Effect: 'Allow',
    Principal: { Service: 'sns.amazonaws.com' },
    Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    Resource: '*',
    Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
  };
}

/** Deny anything not over TLS: the statement every queue and topic policy starts with. */
function denyInsecureTransport(action: string, resources: CfnValue[]): CfnValue {
  return { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: action, Resource: resources, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
}

/**
 * KMS requests one principal makes on a queue or topic in a month: one data-key request per
 * reuse period (DATA_KEY_REUSE_SECONDS) while it is busy, taken as busy the whole month: the
 * upper bound of what the reuse period allows.
 */
export const KMS_REQUESTS_PER_PRINCIPAL = Math.round((30.4167 * 86_400) / DATA_KEY_REUSE_SECONDS);

function queueUsage(spec: NormalizedSpec, q: NormalizedQueue): UsageMeter[] {
  // A message costs a send, a receive and a delete: three requests of up to 64 KB each.
  const principals = queueUsers(spec, q.name).length + topicsDeliveringTo(spec, q.name).length;
  const kind = q.fifo ? 'FIFO' : 'Standard';
  const sqs: UsageMeter =
    q.messagesPerMonth === undefined
      ? { meter: 'sqs.requests', unit: 'requests', quantity: { min: 0, max: 0 }, attributes: { queueType: kind }, basis: 'three requests per message (send, receive, delete)', quantityUnknown: `queues.${q.name}.messagesPerMonth is not set: give the messages sent a month to price the requests (three per message: send, receive, delete; the first million requests a month of the account are free)` }
      : { meter: 'sqs.requests', unit: 'requests', quantity: { min: 3 * q.messagesPerMonth, max: 3 * q.messagesPerMonth }, attributes: { queueType: kind }, basis: `queues.${q.name}.messagesPerMonth ${q.messagesPerMonth} × 3 requests (send, receive, delete)` };
  const kms: UsageMeter = {
    meter: 'kms.requests',
    unit: 'requests',
    quantity: { min: principals * KMS_REQUESTS_PER_PRINCIPAL, max: principals * KMS_REQUESTS_PER_PRINCIPAL },
    attributes: {},
    basis: `${principals} principal${principals === 1 ? '' : 's'} (services and topics using the queue) × at most one data-key request per ${DATA_KEY_REUSE_SECONDS} s reuse period (${KMS_REQUESTS_PER_PRINCIPAL} a month)`,
  };
  return [sqs, kms];
}

function queueResources(spec: NormalizedSpec, q: NormalizedQueue): ModelResource[] {
  const component = `queue/${q.name}`;
  const origin = ['queues', q.name];
  const tags = tagList(spec, component);
  const queueId = QUEUE_ID.queue(q.name);
  const dlqId = QUEUE_ID.deadLetter(q.name);
  const fifo: Record<string, CfnValue> = q.fifo ? { FifoQueue: true, ContentBasedDeduplication: q.contentBasedDeduplication } : {};
  const encryption = { KmsMasterKeyId: getAtt(ID.kmsKey, 'Arn'), KmsDataKeyReusePeriodSeconds: DATA_KEY_REUSE_SECONDS };
  const out: ModelResource[] = [];
  const dlq = q.deadLetter.enabled;
  if (dlq) {
    out.push(
      resource({
        logicalId: dlqId,
        type: 'AWS::SQS::Queue',
        layer: 'data',
        origin: [...origin, 'deadLetter'],
        component,
        properties: {
          QueueName: deadLetterQueueName(spec, q),
          ...(q.fifo ? { FifoQueue: true } : {}),
          MessageRetentionPeriod: DEAD_LETTER_RETENTION_SECONDS,
          ...encryption,
          // Only this queue may move messages here; by ARN from the name, as the queue refers to this one.
          RedriveAllowPolicy: { redrivePermission: 'byQueue', sourceQueueArns: [queueArn(queueName(spec, q))] },
          Tags: tags,
        },
        usage: [{ meter: 'sqs.requests', unit: 'requests', quantity: { min: 0, max: 0 }, attributes: { queueType: q.fifo ? 'FIFO' : 'Standard' }, basis: 'only messages that failed maxReceives times arrive here', quantityUnknown: 'how many messages fail is not known; an empty dead-letter queue costs nothing' }],
      }),
    );
  }
  out.push(
    resource({
      logicalId: queueId,
      type: 'AWS::SQS::Queue',
      layer: 'data',
      origin,
      component,
      properties: {
        QueueName: queueName(spec, q),
        ...fifo,
        MessageRetentionPeriod: q.retentionDays * 86_400,
        VisibilityTimeout: q.visibilityTimeoutSeconds,
        ...encryption,
        ...(dlq ? { RedrivePolicy: { deadLetterTargetArn: getAtt(dlqId, 'Arn'), maxReceiveCount: q.deadLetter.maxReceives } } : {}),
        Tags: tags,
      },
      usage: queueUsage(spec, q),
    }),
  );
  const resources = [getAtt(queueId, 'Arn'), ...(dlq ? [getAtt(dlqId, 'Arn')] : [])];
  const senders = topicsDeliveringTo(spec, q.name);
  out.push(
    resource({
      logicalId: QUEUE_ID.policy(q.name),
      type: 'AWS::SQS::QueuePolicy',
      layer: 'data',
      origin,
      component,
      properties: {
        Queues: [ref(queueId), ...(dlq ? [ref(dlqId)] : [])],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            denyInsecureTransport('sqs:*', resources),
            ...(senders.length > 0
              ? [
                  {
                    Sid: 'TopicsSubscribed',
                    Effect: 'Allow',
                    Principal: { Service: 'sns.amazonaws.com' },
                    Action: 'sqs:SendMessage',
                    Resource: getAtt(queueId, 'Arn'),
                    Condition: { ArnEquals: { 'aws:SourceArn': senders.map((t) => ref(QUEUE_ID.topic(t.name))) } },
                  },
                ]
              : []),
          ],
        },
      },
    }),
  );
  return out;
}

function topicResources(spec: NormalizedSpec, t: NormalizedTopic): ModelResource[] {
  const component = `topic/${t.name}`;
  const origin = ['topics', t.name];
  const topicId = QUEUE_ID.topic(t.name);
  const publishers = topicPublishers(spec, t.name).length;
  const known = t.publishesPerMonth;
  const meter = (m: 'sns.publish' | 'sns.https' | 'sns.email', unit: string, perMessage: number, what: string): UsageMeter =>
    known === undefined
      ? { meter: m, unit, quantity: { min: 0, max: 0 }, attributes: {}, basis: what, quantityUnknown: `topics.${t.name}.publishesPerMonth is not set: give the messages published a month to price ${what}` }
      : { meter: m, unit, quantity: { min: perMessage * known, max: perMessage * known }, attributes: {}, basis: `topics.${t.name}.publishesPerMonth ${known}: ${what}` };
  const usage: UsageMeter[] = [
    meter('sns.publish', 'requests', 1, 'publishes (deliveries to SQS queues are free)'),
    {
      meter: 'kms.requests',
      unit: 'requests',
      quantity: { min: publishers * KMS_REQUESTS_PER_PRINCIPAL, max: publishers * KMS_REQUESTS_PER_PRINCIPAL },
      attributes: {},
      basis: `${publishers} publishing service${publishers === 1 ? '' : 's'} × at most one data-key request per ${DATA_KEY_REUSE_SECONDS} s (${KMS_REQUESTS_PER_PRINCIPAL} a month)`,
    },
  ];
  const logging = deliveryLogging(spec, t);
  const out: ModelResource[] = [
    resource({
      logicalId: topicId,
      type: 'AWS::SNS::Topic',
      layer: 'data',
      origin,
      component,
      properties: {
        TopicName: topicName(spec, t),
        ...(t.fifo ? { FifoTopic: true, ContentBasedDeduplication: t.contentBasedDeduplication } : {}),
        KmsMasterKeyId: getAtt(ID.kmsKey, 'Arn'),
        ...(logging.config.length > 0 ? { DeliveryStatusLogging: logging.config } : {}),
        Tags: tagList(spec, component),
      },
      usage,
    }),
    ...logging.resources,
    resource({
      logicalId: QUEUE_ID.topicPolicy(t.name),
      type: 'AWS::SNS::TopicPolicy',
      layer: 'data',
      origin,
      component,
      properties: { Topics: [ref(topicId)], PolicyDocument: { Version: '2012-10-17', Statement: [denyInsecureTransport('sns:Publish', [ref(topicId)])] } },
    }),
  ];
  t.subscriptions.forEach((s, i) => {
    const filter: Record<string, CfnValue> = s.filterPolicy === undefined ? {} : { FilterPolicy: s.filterPolicy as CfnValue, FilterPolicyScope: 'MessageAttributes' };
    const raw: Record<string, CfnValue> = s.kind !== 'email' && s.rawMessageDelivery ? { RawMessageDelivery: true } : {};
    const queue = s.kind === 'queue' ? spec.queues?.[s.queue] : undefined;
    if (s.kind === 'queue' && queue === undefined) return; // DEX743 reports it
    out.push(
      resource({
        logicalId: QUEUE_ID.subscription(t.name, s),
        type: 'AWS::SNS::Subscription',
        layer: 'data',
        origin: [...origin, 'subscriptions', i],
        component,
        properties: {
          TopicArn: ref(topicId),
          Protocol: s.kind === 'queue' ? 'sqs' : s.kind,
          Endpoint: s.kind === 'queue' ? getAtt(QUEUE_ID.queue(s.queue), 'Arn') : s.kind === 'email' ? s.email : s.url,
          ...raw,
          ...filter,
        },
        // Each e-mail or HTTPS subscription is billed per delivery: one per publish (a filter policy may drop some: the upper bound).
        usage: s.kind === 'email' ? [meter('sns.email', 'notifications', 1, 'e-mail deliveries, one per publish')] : s.kind === 'https' ? [meter('sns.https', 'notifications', 1, 'HTTPS deliveries, one per publish')] : [],
        // The queue must let the topic send before the first message arrives.
        ...(s.kind === 'queue' ? { dependsOn: [QUEUE_ID.policy(s.queue)] } : {}),
      }),
    );
  });
  return out;
}

/** SNS's delivery-status protocol of each subscription kind that has one (e-mail has none). */
const LOGGED_PROTOCOL: Partial<Record<NormalizedSubscription['kind'], string>> = { queue: 'sqs', https: 'http/s' };

/**
 * Delivery status logging (FSBP SNS.2) for the protocols SNS records it for: failures always,
 * successes not at all (a success log line per delivery would cost more than the messages). SNS
 * writes to `sns/<region>/<account>/<topic>/Failure` with a role it assumes; dex creates that log
 * group first, encrypted and with the environment's retention, so SNS never makes an unencrypted
 * one that keeps logs forever.
 */
function deliveryLogging(spec: NormalizedSpec, t: NormalizedTopic): { config: CfnValue[]; resources: ModelResource[] } {
  const protocols = [...new Set(t.subscriptions.map((s) => LOGGED_PROTOCOL[s.kind]).filter((p): p is string => p !== undefined))].sort();
  if (protocols.length === 0) return { config: [], resources: [] };
  const P = QUEUE_ID.topic(t.name);
  const component = `topic/${t.name}`;
  const origin = ['topics', t.name, 'subscriptions'];
  const roleId = `${P}DeliveryLogRole`;
  const group = `sns/\${AWS::Region}/\${AWS::AccountId}/${topicName(spec, t)}/Failure`;
  const logArn = (suffix: string): CfnValue => sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${group}${suffix}`);
  return {
    config: protocols.map((Protocol) => ({ Protocol, FailureFeedbackRoleArn: getAtt(roleId, 'Arn') })),
    resources: [
      resource({
        logicalId: `${P}DeliveryFailureLogGroup`,
        type: 'AWS::Logs::LogGroup',
        layer: 'data',
        origin,
        component,
        properties: { LogGroupName: sub(group), RetentionInDays: spec.monitoring.logs.retentionDays, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), Tags: tagList(spec, component) },
        usage: [
          { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: { logClass: 'STANDARD' }, basis: 'failed SNS deliveries only', quantityUnknown: 'one line per failed delivery, and how many fail is not known (none, while the endpoints answer)' },
          { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: 'failed SNS deliveries only', quantityUnknown: 'one line per failed delivery, and how many fail is not known (none, while the endpoints answer)' },
        ],
      }),
      resource({
        logicalId: roleId,
        type: 'AWS::IAM::Role',
        layer: 'data',
        origin,
        component,
        properties: {
          Description: `SNS writes the failed deliveries of topic ${t.name} to its log group`,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } } }],
          },
          Policies: [
            {
              PolicyName: 'delivery-status-logs',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Sid: 'WriteDeliveryFailures', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:PutMetricFilter', 'logs:PutRetentionPolicy'], Resource: [logArn(''), logArn(':*')] }],
              },
            },
          ],
          Tags: tagList(spec, component),
        },
      }),
    ],
  };
}

function alarm(spec: NormalizedSpec, logicalId: string, origin: (string | number)[], component: string, name: string, description: string, metric: string, queueId: string, statistic: string, period: number, periods: number, threshold: number): ModelResource {
  return resource({
    logicalId,
    type: 'AWS::CloudWatch::Alarm',
    layer: 'monitoring',
    origin,
    component,
    properties: {
      AlarmName: `${namePrefix(spec)}-${name}`,
      AlarmDescription: description,
      Namespace: 'AWS/SQS',
      MetricName: metric,
      Dimensions: [{ Name: 'QueueName', Value: getAtt(queueId, 'QueueName') }],
      Statistic: statistic,
      Period: period,
      EvaluationPeriods: periods,
      DatapointsToAlarm: periods,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: threshold,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [ref(ID.alarmTopic)],
      OKActions: [ref(ID.alarmTopic)],
      Tags: tagList(spec, component),
    },
    usage: [{ meter: 'cloudwatch.alarm', unit: 'count-month', quantity: { min: 1, max: 1 }, attributes: { resolution: 'standard' }, basis: 'one standard-resolution alarm metric' }],
  });
}

function queueAlarms(spec: NormalizedSpec, q: NormalizedQueue): ModelResource[] {
  const component = `queue/${q.name}`;
  const out = [
    alarm(spec, QUEUE_ID.oldestAlarm(q.name), ['queues', q.name, 'oldestMessageAlarmSeconds'], component, `${q.name}-oldest-message`, `warning: the oldest message of queue ${q.name} has waited more than ${q.oldestMessageAlarmSeconds} s`, 'ApproximateAgeOfOldestMessage', QUEUE_ID.queue(q.name), 'Maximum', 60, 5, q.oldestMessageAlarmSeconds),
  ];
  if (q.deadLetter.enabled) {
    out.push(alarm(spec, QUEUE_ID.deadLetterAlarm(q.name), ['queues', q.name, 'deadLetter'], component, `${q.name}-dead-letters`, `critical: queue ${q.name} has messages in its dead-letter queue (failed ${q.deadLetter.maxReceives} times)`, 'ApproximateNumberOfMessagesVisible', QUEUE_ID.deadLetter(q.name), 'Maximum', 300, 1, 0));
  }
  return out;
}

export const messaging: BuildingBlock = {
  name: 'messaging',
  build(spec: NormalizedSpec): ModelResource[] {
    return [...queuesOf(spec).flatMap((q) => [...queueResources(spec, q), ...queueAlarms(spec, q)]), ...topicsOf(spec).flatMap((t) => topicResources(spec, t))];
  },
};
