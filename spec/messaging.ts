// Queues, topics and the `uses` items that reach them, normalized: the schema's defaults applied,
// and keys added to the normalized spec only when the spec has them, so the output of a spec
// without messaging stays what it was.
import type { NormalizedMessagingUses, NormalizedQueue, NormalizedQueueScaling, NormalizedSubscription, NormalizedTopic } from './model.js';
import { dexSchema } from './generated/validate-schema.js';
import type { Queue, QueueUse, Service, Topic, TopicSubscription, TopicUse } from './generated/dex-spec.js';

type Plain = Record<string, unknown>;

function schemaDefault<T>(definition: string, ...path: string[]): T {
  const defs = (dexSchema as { definitions: Record<string, Plain> }).definitions;
  let node: Plain | undefined = defs[definition];
  for (const key of path) node = (node?.properties as Record<string, Plain> | undefined)?.[key];
  if (node?.default === undefined) throw new Error(`schema.json has no default for ${definition}.${path.join('.')}`);
  return structuredClone(node.default) as T;
}
const or = <T>(value: T | undefined, definition: string, ...path: string[]): T => (value === undefined ? schemaDefault<T>(definition, ...path) : value);

/** A map without a prototype: a queue called "constructor" must not find Object.prototype's members. */
const nameMap = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

export function normalizeQueue(name: string, q: Queue): NormalizedQueue {
  return {
    name,
    fifo: or(q.fifo, 'Queue', 'fifo'),
    contentBasedDeduplication: or(q.contentBasedDeduplication, 'Queue', 'contentBasedDeduplication'),
    retentionDays: or(q.retentionDays, 'Queue', 'retentionDays'),
    visibilityTimeoutSeconds: or(q.visibilityTimeoutSeconds, 'Queue', 'visibilityTimeoutSeconds'),
    deadLetter: {
      enabled: or(q.deadLetter?.enabled, 'Queue', 'deadLetter', 'enabled'),
      maxReceives: or(q.deadLetter?.maxReceives, 'Queue', 'deadLetter', 'maxReceives'),
      reason: q.deadLetter?.reason,
    },
    oldestMessageAlarmSeconds: or(q.oldestMessageAlarmSeconds, 'Queue', 'oldestMessageAlarmSeconds'),
    messagesPerMonth: q.messagesPerMonth,
  };
}

function normalizeSubscription(s: TopicSubscription): NormalizedSubscription {
  const filterPolicy = s.filterPolicy === undefined ? undefined : (s.filterPolicy as Record<string, unknown>);
  if ('queue' in s && s.queue !== undefined) return { kind: 'queue', queue: s.queue, rawMessageDelivery: s.rawMessageDelivery ?? false, filterPolicy };
  if ('email' in s && s.email !== undefined) return { kind: 'email', email: s.email, filterPolicy };
  const h = s as { https: string; rawMessageDelivery?: boolean };
  return { kind: 'https', url: h.https, rawMessageDelivery: h.rawMessageDelivery ?? false, filterPolicy };
}

export function normalizeTopic(name: string, t: Topic): NormalizedTopic {
  return {
    name,
    fifo: or(t.fifo, 'Topic', 'fifo'),
    contentBasedDeduplication: or(t.contentBasedDeduplication, 'Topic', 'contentBasedDeduplication'),
    publishesPerMonth: t.publishesPerMonth,
    subscriptions: (t.subscriptions ?? []).map(normalizeSubscription),
  };
}

/** `queues:` and `topics:` as normalized-spec keys, present only when the spec declares some. */
export function normalizeMessaging(merged: { queues?: Record<string, Queue>; topics?: Record<string, Topic> }): { queues?: Record<string, NormalizedQueue>; topics?: Record<string, NormalizedTopic> } {
  const out: { queues?: Record<string, NormalizedQueue>; topics?: Record<string, NormalizedTopic> } = {};
  if (merged.queues !== undefined && Object.keys(merged.queues).length > 0) {
    const queues = nameMap<NormalizedQueue>();
    for (const [name, q] of Object.entries(merged.queues)) queues[name] = normalizeQueue(name, q);
    out.queues = queues;
  }
  if (merged.topics !== undefined && Object.keys(merged.topics).length > 0) {
    const topics = nameMap<NormalizedTopic>();
    for (const [name, t] of Object.entries(merged.topics)) topics[name] = normalizeTopic(name, t);
    out.topics = topics;
  }
  return out;
}

const isQueueUse = (u: unknown): u is QueueUse => typeof u === 'object' && u !== null && 'queue' in u;
const isTopicUse = (u: unknown): u is TopicUse => typeof u === 'object' && u !== null && 'topic' in u;

/** A service's `messaging` and `scaling.queue` keys, present only when it has them. */
export function serviceMessaging(s: Service): { messaging?: NormalizedMessagingUses } {
  const queues: { name: string; access: 'send' | 'consume'; timeoutSeconds: number | undefined; index: number }[] = [];
  const topics: { name: string; access: 'publish'; index: number }[] = [];
  (s.uses ?? []).forEach((u, index) => {
    if (isQueueUse(u)) queues.push({ name: u.queue, access: u.access, timeoutSeconds: u.timeoutSeconds, index });
    else if (isTopicUse(u)) topics.push({ name: u.topic, access: u.access, index });
  });
  return queues.length + topics.length > 0 ? { messaging: { queues, topics } } : {};
}

export function queueScaling(s: Service): { queue?: NormalizedQueueScaling } {
  const queue = s.scaling?.queue;
  return queue === undefined ? {} : { queue: { queue, messagesPerTask: or(s.scaling?.messagesPerTask, 'Service', 'scaling', 'messagesPerTask') } };
}
