// Messaging rules (baseline): every queue and topic dex makes for `queues:` and `topics:` refuses
// requests without TLS, and every queue has a dead-letter queue or a stated reason not to.
// Encryption at rest of queues and topics is BASE-ENCRYPTION-AT-REST's (baseline.ts AT_REST).
import type { ModelResource } from '../../model/types.js';
import type { Check, ComplianceRule } from '../types.js';
import { URL } from './citations.js';
import { evidence, fail, ofType, pass, prop, refersTo } from '../util.js';

const WA_TRANSIT = 'https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_protect_data_transit_encrypt.html';

type Statement = { Effect?: string; Action?: unknown; Condition?: { Bool?: Record<string, unknown> } };

/** Whether a policy document denies every request made without TLS. */
function deniesPlainText(document: unknown): boolean {
  const statements = ((document as { Statement?: unknown } | undefined)?.Statement ?? []) as Statement[];
  return Array.isArray(statements) && statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
}

/** The queues and topics of the spec's `queues:` and `topics:` (not the alarm topic, which only CloudWatch publishes to). */
const specMessaging = (resources: readonly ModelResource[]): ModelResource[] => resources.filter((r) => r.component.startsWith('queue/') || r.component.startsWith('topic/'));

export const messagingTlsOnly: ComplianceRule = {
  id: 'BASE-MESSAGING-TLS-ONLY',
  title: 'Queues and topics refuse requests made without TLS',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Well-Architected SEC09-BP02', text: 'Enforce encryption in transit (queue and topic policies deny requests where aws:SecureTransport is false)', url: WA_TRANSIT },
    'pci-dss': { clause: 'PCI DSS v4.0 Req. 4.2.1', text: 'strong cryptography protects cardholder data during transmission over open, public networks', url: URL.pci },
    soc2: { clause: 'SOC 2 CC6.7', text: 'transmission of information is restricted and protected', url: URL.soc2 },
  },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const targets = specMessaging(ofType(ctx.model, 'AWS::SQS::Queue', 'AWS::SNS::Topic'));
    if (targets.length === 0) return [pass('no queues or topics', ['queues'])];
    const policies = ofType(ctx.model, 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy');
    return targets.map((r): Check => {
      const ids = new Set([r.logicalId]);
      const policy = policies.find((p) => {
        const list = prop(p, r.type === 'AWS::SQS::Queue' ? 'Queues' : 'Topics');
        return Array.isArray(list) && list.some((v) => refersTo(v, ids) !== undefined);
      });
      const ev = policy ? [evidence(policy, { PolicyDocument: prop(policy, 'PolicyDocument') })] : [];
      if (policy && deniesPlainText(prop(policy, 'PolicyDocument'))) return pass(`${r.logicalId}: ${policy.logicalId} denies requests without TLS`, r.origin, ev);
      return fail(`${r.logicalId} accepts requests without TLS: no policy denies aws:SecureTransport false`, r.origin, 'dex adds a TLS-only policy to every queue and topic (report it)', ev);
    });
  },
};

export const queueDeadLetter: ComplianceRule = {
  id: 'BASE-QUEUE-DEAD-LETTER',
  title: 'Every queue has a dead-letter queue, or says why not',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'Amazon SQS dead-letter queues', text: 'messages that cannot be processed move to a dead-letter queue, where they can be inspected, instead of being received again until they expire', url: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html' },
    soc2: { clause: 'SOC 2 CC7.2', text: 'system components are monitored for anomalies indicative of malfunctions', url: URL.soc2 },
  },
  severity: 'warning',
  nonProduction: 'same',
  check(ctx) {
    const queues = ofType(ctx.model, 'AWS::SQS::Queue').filter((r) => r.component.startsWith('queue/') && r.origin.length === 2);
    if (queues.length === 0) return [pass('no queues', ['queues'])];
    return queues.map((r): Check => {
      const name = String(r.origin[1]);
      const ev = [evidence(r, { RedrivePolicy: prop(r, 'RedrivePolicy') })];
      if (prop(r, 'RedrivePolicy') !== undefined) return pass(`${r.logicalId} moves messages to a dead-letter queue after ${String(prop(r, 'RedrivePolicy', 'maxReceiveCount'))} receives`, r.origin, ev);
      const reason = ctx.spec.queues?.[name]?.deadLetter.reason;
      if (reason !== undefined) return pass(`exception: queue ${name} has no dead-letter queue: ${reason}`, ['queues', name, 'deadLetter'], ev);
      return fail(`queue ${name} has no dead-letter queue: a message that always fails is received again until it expires`, ['queues', name, 'deadLetter', 'enabled'], 'remove deadLetter.enabled: false, or give deadLetter.reason', ev);
    });
  },
};

export const MESSAGING_RULES: readonly ComplianceRule[] = [messagingTlsOnly, queueDeadLetter];
