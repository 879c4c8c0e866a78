// Queues and topics: what the schema cannot say. References between services, queues and topics
// resolve; FIFO stays FIFO end to end (SNS delivers a FIFO topic's messages to FIFO queues only,
// and a standard topic cannot deliver to a FIFO queue); an HTTPS endpoint is a public https URL;
// a consumer's visibility timeout covers its work; queue-backlog scaling has a queue to watch and
// a platform that can watch it.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';
import { SNS_NAME_MAX, SQS_NAME_MAX, deadLetterQueueName, queueName, queueUsers, topicName } from '../model/messaging.js';
import type { SemanticRule } from './index.js';

const names = (m: Readonly<Record<string, unknown>> | undefined): string[] => Object.keys(m ?? {}).sort();
const known = (m: Readonly<Record<string, unknown>> | undefined, name: string): boolean => m !== undefined && Object.hasOwn(m, name);
const hintFor = (name: string, all: string[], where: string): string => {
  const near = suggest(name, all);
  return near ? `did you mean ${near}?` : all.length > 0 ? `declared: ${all.join(', ')}` : `declare it under ${where}`;
};

/** Why an HTTPS subscription endpoint is refused, or undefined when it is fine. */
export function httpsEndpointProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol !== 'https:') return `uses ${u.protocol.replace(':', '')}, not https: SNS would send messages in the clear`;
  if (u.username !== '' || u.password !== '') return 'carries a user name or password: it would be stored in the subscription and shown to anyone who can read it; authenticate the endpoint another way (a signature check of the SNS message)';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) return `names ${host}, which SNS cannot reach: it delivers over the internet`;
  if (/^[0-9.]+$/.test(host) || host.includes(':')) return `names the IP address ${host}: SNS checks the endpoint's certificate against a host name`;
  if (!host.includes('.')) return `names ${host}, which is not a public host name`;
  return undefined;
}

export const messagingRule: SemanticRule = {
  id: 'messaging',
  check(spec: NormalizedSpec): Finding[] {
    const out: Finding[] = [];
    const queues = spec.queues;
    const topics = spec.topics;
    const queueNames = names(queues);
    const topicNames = names(topics);

    for (const q of Object.values(queues ?? {})) {
      const at = ['queues', q.name];
      if (q.contentBasedDeduplication && !q.fifo) {
        out.push({ code: 'DEX741', message: `queue ${q.name}: contentBasedDeduplication needs a FIFO queue; a standard queue does not deduplicate`, path: [...at, 'contentBasedDeduplication'], hint: 'set fifo: true, or remove contentBasedDeduplication' });
      }
      for (const name of [queueName(spec, q), ...(q.deadLetter.enabled ? [deadLetterQueueName(spec, q)] : [])]) {
        if (name.length > SQS_NAME_MAX) {
          out.push({ code: 'DEX750', message: `queue ${q.name}: its SQS name ${name} has ${name.length} characters; SQS allows ${SQS_NAME_MAX}`, path: at, atKey: true, hint: 'shorten the queue name (the system and environment names come first)' });
          break;
        }
      }
      if (!q.deadLetter.enabled && q.deadLetter.reason === undefined) {
        out.push({ code: 'DEX748', message: `queue ${q.name} has no dead-letter queue: a message that always fails is received again and again until its retention (${q.retentionDays} days) ends`, path: [...at, 'deadLetter', 'enabled'], hint: 'remove enabled: false (dex then adds an encrypted dead-letter queue), or give deadLetter.reason' });
      }
      if (queueUsers(spec, q.name, 'consume').length === 0) {
        out.push({ code: 'DEX747', message: `queue ${q.name}: no service consumes it, so its messages wait until they expire`, path: at, atKey: true, hint: `add { queue: ${q.name}, access: consume } to the uses of the service that processes them` });
      }
    }

    for (const t of Object.values(topics ?? {})) {
      const at = ['topics', t.name];
      if (t.contentBasedDeduplication && !t.fifo) {
        out.push({ code: 'DEX741', message: `topic ${t.name}: contentBasedDeduplication needs a FIFO topic`, path: [...at, 'contentBasedDeduplication'], hint: 'set fifo: true, or remove contentBasedDeduplication' });
      }
      if (topicName(spec, t).length > SNS_NAME_MAX) {
        out.push({ code: 'DEX750', message: `topic ${t.name}: its SNS name has ${topicName(spec, t).length} characters; SNS allows ${SNS_NAME_MAX}`, path: at, atKey: true, hint: 'shorten the topic name' });
      }
      t.subscriptions.forEach((s, i) => {
        const sat = [...at, 'subscriptions', i];
        if (s.kind === 'queue') {
          const q = queues?.[s.queue];
          if (!known(queues, s.queue) || q === undefined) {
            out.push({ code: 'DEX743', message: `topic ${t.name} subscribes queue "${s.queue}", which is not declared`, path: [...sat, 'queue'], hint: hintFor(s.queue, queueNames, 'queues:') });
          } else if (t.fifo !== q.fifo) {
            out.push({
              code: 'DEX742',
              message: t.fifo ? `FIFO topic ${t.name} cannot deliver to the standard queue ${q.name}: SNS delivers FIFO topics to FIFO queues only` : `standard topic ${t.name} cannot deliver to the FIFO queue ${q.name}: SNS delivers to FIFO queues from FIFO topics only`,
              path: [...sat, 'queue'],
              hint: t.fifo ? `set fifo: true on queue ${q.name}` : `set fifo: true on topic ${t.name}, or subscribe a standard queue`,
            });
          }
        } else if (t.fifo) {
          out.push({ code: 'DEX742', message: `FIFO topic ${t.name} cannot deliver to ${s.kind === 'email' ? 'an e-mail address' : 'an HTTPS endpoint'}: SNS delivers FIFO topics to SQS FIFO queues only`, path: [...sat, s.kind], hint: 'subscribe a FIFO queue and forward from its consumer, or use a standard topic' });
        }
        if (s.kind === 'https') {
          const problem = httpsEndpointProblem(s.url);
          if (problem !== undefined) out.push({ code: 'DEX744', message: `topic ${t.name}: the HTTPS endpoint ${problem}`, path: [...sat, 'https'], hint: 'write https://<public host name>/<path>, e.g. https://hooks.example.com/orders' });
        }
      });
    }

    for (const s of Object.values(spec.services)) {
      for (const u of s.messaging?.queues ?? []) {
        const at = ['services', s.name, 'uses', u.index];
        const q = queues?.[u.name];
        if (!known(queues, u.name) || q === undefined) {
          out.push({ code: 'DEX740', message: `${s.name} uses queue "${u.name}", which is not declared`, path: [...at, 'queue'], hint: hintFor(u.name, queueNames, 'queues:') });
          continue;
        }
        if (u.timeoutSeconds !== undefined && u.access !== 'consume') {
          out.push({ code: 'DEX749', message: `${s.name}: timeoutSeconds applies to a consumer; a sender's has no effect`, path: [...at, 'timeoutSeconds'], hint: 'remove timeoutSeconds, or set access: consume' });
        } else if (u.timeoutSeconds !== undefined && u.timeoutSeconds > q.visibilityTimeoutSeconds) {
          out.push({
            code: 'DEX745',
            message: `${s.name} takes up to ${u.timeoutSeconds} s per message, but queue ${q.name} hides a received message for ${q.visibilityTimeoutSeconds} s: another consumer receives it while ${s.name} still works on it, and it is processed twice`,
            path: [...at, 'timeoutSeconds'],
            hint: `set queues.${q.name}.visibilityTimeoutSeconds to at least ${u.timeoutSeconds}`,
          });
        }
      }
      for (const u of s.messaging?.topics ?? []) {
        if (!known(topics, u.name)) out.push({ code: 'DEX740', message: `${s.name} uses topic "${u.name}", which is not declared`, path: ['services', s.name, 'uses', u.index, 'topic'], hint: hintFor(u.name, topicNames, 'topics:') });
      }
      // Without NAT the SQS and SNS APIs are reachable from the private subnets only through their endpoints.
      if (spec.network.natGateways === 'none') {
        const first = [...(s.messaging?.queues ?? []).map((u) => ({ ...u, kind: 'sqs' })), ...(s.messaging?.topics ?? []).map((u) => ({ ...u, kind: 'sns' }))].sort((a, b) => a.index - b.index);
        const lacking = [...new Set(first.map((u) => u.kind))].filter((e) => !(spec.network.endpoints as readonly string[]).includes(e)).sort();
        if (lacking.length > 0) {
          out.push({ code: 'DEX751', message: `${s.name} uses ${lacking.map((e) => (e === 'sqs' ? 'queues' : 'topics')).join(' and ')}, but network.natGateways is none and network.endpoints lacks ${lacking.join(' and ')}: its calls to ${lacking.map((e) => e.toUpperCase()).join(' and ')} cannot leave the private subnets`, path: ['services', s.name, 'uses', first.find((u) => lacking.includes(u.kind))!.index], hint: `add ${lacking.join(', ')} to network.endpoints (billed per zone-hour), or set network.natGateways: single` });
        }
      }
      const scaling = s.scaling.queue;
      if (scaling === undefined) continue;
      const at = ['services', s.name, 'scaling', 'queue'];
      const consumes = (s.messaging?.queues ?? []).some((u) => u.name === scaling.queue && u.access === 'consume');
      if (!known(queues, scaling.queue)) {
        out.push({ code: 'DEX746', message: `${s.name} scales on queue "${scaling.queue}", which is not declared`, path: at, hint: hintFor(scaling.queue, queueNames, 'queues:') });
      } else if (!consumes) {
        out.push({ code: 'DEX746', message: `${s.name} scales on queue ${scaling.queue} but does not consume it: more tasks would not shorten its backlog`, path: at, hint: `add { queue: ${scaling.queue}, access: consume } to ${s.name}'s uses` });
      }
      if (s.placement === 'eks') {
        out.push({ code: 'DEX752', message: `${s.name} runs on EKS, where dex cannot yet scale on a queue: a HorizontalPodAutoscaler on an SQS metric needs an external-metrics adapter (KEDA), which dex does not install`, path: at, hint: 'place the consumer on ecs or ec2 (both scale on the backlog), or remove scaling.queue and scale on CPU' });
      }
      if (s.placement === 'ecs' && !spec.platforms.ecs.containerInsights) {
        out.push({ code: 'DEX753', message: `${s.name} scales on queue ${scaling.queue}, which divides the backlog by Container Insights' RunningTaskCount, but platforms.ecs.containerInsights is false`, path: at, hint: 'remove containerInsights: false (Container Insights is on by default)' });
      }
    }
    return out;
  },
};
