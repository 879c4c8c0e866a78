// Names, logical IDs and relations of queues and topics (`queues:`, `topics:`): shared by the
// building blocks (services/messaging.ts, services/queue-scaling.ts), the roles that name them by
// ARN (services/iam.ts) and the checks (compiler/checks/messaging.ts), which sit below services/.
import type { NormalizedQueue, NormalizedService, NormalizedSpec, NormalizedSubscription, NormalizedTopic } from '../../spec/model.js';
import { namePrefix, pascal, shortHash, sub } from './ids.js';
import type { CfnValue } from './types.js';

/** What SQS allows in a queue name: 80 characters, `.fifo` included. */
export const SQS_NAME_MAX = 80;
/** What SNS allows in a topic name: 256 characters, `.fifo` included. */
export const SNS_NAME_MAX = 256;
/** Seconds SQS reuses a data key before asking KMS again (the default, set explicitly: KMS requests are priced from it). */
export const DATA_KEY_REUSE_SECONDS = 300;
/** SQS's longest retention: the dead-letter queue keeps what failed as long as SQS can. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 86_400;

export const queuesOf = (spec: NormalizedSpec): NormalizedQueue[] => Object.values(spec.queues ?? {}).sort((a, b) => (a.name < b.name ? -1 : 1));
export const topicsOf = (spec: NormalizedSpec): NormalizedTopic[] => Object.values(spec.topics ?? {}).sort((a, b) => (a.name < b.name ? -1 : 1));

/** Logical IDs of a queue's resources and a topic's. */
export const QUEUE_ID = {
  queue: (q: string): string => `${pascal(q)}Queue`,
  deadLetter: (q: string): string => `${pascal(q)}DeadLetterQueue`,
  policy: (q: string): string => `${pascal(q)}QueuePolicy`,
  oldestAlarm: (q: string): string => `${pascal(q)}QueueOldestMessageAlarm`,
  deadLetterAlarm: (q: string): string => `${pascal(q)}DeadLetterQueueAlarm`,
  topic: (t: string): string => `${pascal(t)}Topic`,
  topicPolicy: (t: string): string => `${pascal(t)}TopicPolicy`,
  /** Named by what it delivers to, never by position: reordering the list replaces nothing. */
  subscription: (t: string, s: NormalizedSubscription): string =>
    s.kind === 'queue' ? `${pascal(t)}TopicTo${pascal(s.queue)}Queue` : `${pascal(t)}Topic${s.kind === 'email' ? 'Email' : 'Https'}${shortHash(s.kind === 'email' ? s.email : s.url).toUpperCase()}`,
};

/** The queue's physical name: `<system>-<env>-<queue>`, `.fifo` for a FIFO queue (SQS requires it). */
export function queueName(spec: NormalizedSpec, q: NormalizedQueue): string {
  return `${namePrefix(spec)}-${q.name}${q.fifo ? '.fifo' : ''}`;
}
export function deadLetterQueueName(spec: NormalizedSpec, q: NormalizedQueue): string {
  return `${namePrefix(spec)}-${q.name}-dlq${q.fifo ? '.fifo' : ''}`;
}
export function topicName(spec: NormalizedSpec, t: NormalizedTopic): string {
  return `${namePrefix(spec)}-${t.name}${t.fifo ? '.fifo' : ''}`;
}

/** ARNs by name (Fn::Sub of a name dex makes: letters, digits, `-` and `.`, nothing Sub reads). */
export const queueArn = (name: string): CfnValue => sub(`arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${name}`);
export const topicArn = (name: string): CfnValue => sub(`arn:\${AWS::Partition}:sns:\${AWS::Region}:\${AWS::AccountId}:${name}`);

/** The services that reach a queue with an access, sorted. */
export function queueUsers(spec: NormalizedSpec, queue: string, access?: 'send' | 'consume'): NormalizedService[] {
  return Object.values(spec.services)
    .filter((s) => (s.messaging?.queues ?? []).some((u) => u.name === queue && (access === undefined || u.access === access)))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}
export function topicPublishers(spec: NormalizedSpec, topic: string): NormalizedService[] {
  return Object.values(spec.services)
    .filter((s) => (s.messaging?.topics ?? []).some((u) => u.name === topic))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The topics that deliver to a queue, sorted. */
export function topicsDeliveringTo(spec: NormalizedSpec, queue: string): NormalizedTopic[] {
  return topicsOf(spec).filter((t) => t.subscriptions.some((s) => s.kind === 'queue' && s.queue === queue));
}

/** Whether some topic delivers to a queue: the key policy then lets SNS use the key (services/kms.ts). */
export function snsDeliversToQueues(spec: NormalizedSpec): boolean {
  return topicsOf(spec).some((t) => t.subscriptions.some((s) => s.kind === 'queue' && Object.hasOwn(spec.queues ?? {}, s.queue)));
}

