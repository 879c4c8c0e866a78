// EKS capacity (Fargate profiles, Karpenter): the two things dex adds that a reviewer asks about.
// Karpenter's interruption queue takes events from outside the account's workloads, so it must be
// encrypted, refuse plain HTTP and take messages from EventBridge (and SQS) only; the Fargate pod
// execution role is assumed by EKS for every Fargate pod, so it must hold only the image-pull policy
// (the pods' own permissions are their service-account roles).
import type { ComplianceRule } from '../types.js';
import { evidence, fail, ofType, pass, prop } from '../util.js';

const SQS_1 = 'https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html#sqs-1';

export const eksCapacityRoles: ComplianceRule = {
  id: 'BASE-EKS-CAPACITY',
  title: "Karpenter's interruption queue is encrypted, TLS-only and written by EventBridge only; the Fargate pod execution role holds only the image-pull policy",
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Foundational Security Best Practices SQS.1; Amazon EKS pod execution role', text: 'SQS queues should be encrypted at rest; the Fargate pod execution role needs only AmazonEKSFargatePodExecutionRolePolicy', url: SQS_1 },
  },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const checks = [];
    for (const q of ofType(ctx.model, 'AWS::SQS::Queue').filter((r) => r.component === 'platform/eks/karpenter')) {
      const policy = ofType(ctx.model, 'AWS::SQS::QueuePolicy').find((p) => JSON.stringify(prop(p, 'Queues')) === JSON.stringify([{ Ref: q.logicalId }]));
      const statements = (prop(policy ?? q, 'PolicyDocument', 'Statement') ?? []) as { Effect?: string; Principal?: unknown; Condition?: unknown }[];
      const encrypted = prop(q, 'SqsManagedSseEnabled') === true || prop(q, 'KmsMasterKeyId') !== undefined;
      const tlsOnly = statements.some((x) => x.Effect === 'Deny' && JSON.stringify(x.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }));
      const senders = statements.filter((x) => x.Effect === 'Allow').every((x) => JSON.stringify(x.Principal) === JSON.stringify({ Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] }));
      const ev = [evidence(q, { SqsManagedSseEnabled: prop(q, 'SqsManagedSseEnabled') }), ...(policy ? [evidence(policy, { statements: statements.length })] : [])];
      if (!encrypted) checks.push(fail(`${q.logicalId} is not encrypted at rest`, q.origin, 'set SqsManagedSseEnabled: true (report it: dex encrypts the queue)', ev));
      else if (!policy || !tlsOnly || !senders) checks.push(fail(`${q.logicalId}'s policy does not refuse plain HTTP or lets principals other than EventBridge send`, q.origin, 'report it: dex writes a TLS-only policy for EventBridge', ev));
      else checks.push(pass(`${q.logicalId} is encrypted (SQS-managed), refuses plain HTTP, and only EventBridge and SQS may send to it`, q.origin, ev));
    }
    for (const role of ofType(ctx.model, 'AWS::IAM::Role').filter((r) => r.logicalId === 'EksFargatePodExecutionRole')) {
      const managed = JSON.stringify(prop(role, 'ManagedPolicyArns'));
      const ev = [evidence(role, { ManagedPolicyArns: prop(role, 'ManagedPolicyArns'), Policies: prop(role, 'Policies') })];
      const only = managed === JSON.stringify([{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy' }]) && prop(role, 'Policies') === undefined;
      checks.push(only ? pass(`${role.logicalId} holds only AmazonEKSFargatePodExecutionRolePolicy`, role.origin, ev) : fail(`${role.logicalId} holds more than the Fargate image-pull policy`, role.origin, 'report it: dex gives the pod execution role AmazonEKSFargatePodExecutionRolePolicy only', ev));
    }
    // As BASE-IMDSV2 says 'no EC2 instances': the control holds trivially, and says why.
    return checks.length ? checks : [pass('no Karpenter interruption queue and no Fargate pod execution role', [])];
  },
};

export const EKS_CAPACITY_RULES: readonly ComplianceRule[] = [eksCapacityRoles];
