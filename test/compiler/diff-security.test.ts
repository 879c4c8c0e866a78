// The security list of a diff: every change with a severity (high: internet exposure, IAM
// wildcards, encryption turned off, a data store reachable from a new peer; medium; low; info for
// what narrows), and none of the false positives it once had: the no-egress placeholder rule as
// "egress-widened", a role "assumable by null", narrowing a CIDR as "ingress-widened".
import { describe, expect, it } from 'vitest';
import type { PlanJsonResource } from '../../compiler/diff/baseline.js';
import { securityChanges, type DiffResource, type SecurityChange } from '../../compiler/diff/index.js';
import { compilePlanResources, editReference, REFERENCE_TEXT } from '../support/reference-plan.js';

const REFERENCE = REFERENCE_TEXT;
const compile = compilePlanResources;
const base = compile(REFERENCE);
const edit = editReference;
const gating = (sec: readonly SecurityChange[]) => sec.filter((s) => s.severity !== 'info');
const sg = (id: string, props: Record<string, unknown>): DiffResource => ({ logicalId: id, type: 'AWS::EC2::SecurityGroup', stack: 'S', properties: { GroupDescription: 'd', VpcId: 'vpc-1', ...props } as never });
const NO_EGRESS = [{ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp', FromPort: 252, ToPort: 86, Description: 'Disallow all traffic' }];

describe('false positives', () => {
  it('a new cache: its no-egress placeholder rule is not "egress-widened"', () => {
    const after = edit('caches:\n  redis:\n', 'caches:\n  sessions:\n    engine: redis\n    nodeType: cache.t3.micro\n    nodes: { min: 1, max: 1 }\n  redis:\n');
    const sec = securityChanges(base, after);
    expect(sec.filter((s) => /255\.255\.255\.255|252/.test(s.message))).toEqual([]);
    expect(sec.filter((s) => s.kind === 'egress-widened')).toEqual([]);
  });

  it('a group whose egress rules are all removed (the placeholder replaces them) narrows, it does not widen', () => {
    const https = [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS out' }];
    const sec = securityChanges([sg('G', { SecurityGroupEgress: https })], [sg('G', { SecurityGroupEgress: NO_EGRESS })]);
    expect(gating(sec)).toEqual([]);
    expect(sec).toEqual([expect.objectContaining({ kind: 'egress-narrowed', severity: 'info', message: expect.stringContaining('tcp port 443') })]);
  });

  it('explicit egress rules on a group that allowed all egress by default narrow it', () => {
    const https = [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }];
    expect(gating(securityChanges([sg('G', {})], [sg('G', { SecurityGroupEgress: https })]))).toEqual([]);
  });

  it('a new IRSA role (its trust policy a Fn::Join JSON string) names its principal, never "null"', () => {
    const irsa = base.find((r) => r.logicalId === 'BlockchainServiceRole')!;
    expect(irsa.properties.AssumeRolePolicyDocument).toHaveProperty('Fn::Join');
    const sec = securityChanges(base.filter((r) => r !== irsa), base);
    const trust = sec.find((s) => s.kind === 'iam-trust-changed' && s.logicalId === irsa.logicalId)!;
    expect(trust.message).not.toContain('null');
    expect(trust.message).toMatch(/assumable by Federated \$\{EksOidcProvider\}/);
    expect(trust.severity).toBe('low');
    // Its permissions, in the same kind of document, are read too.
    for (const s of sec) expect(s.message).not.toMatch(/\bnull\b/);
  });

  it('narrowing SSH from 0.0.0.0/0 to one /24 is not a widening: --fail-on security passes', () => {
    const ingress = base.find((r) => r.type === 'AWS::EC2::SecurityGroupIngress' && r.properties.CidrIp === '203.0.113.0/24')!;
    const open = base.map((r) => (r === ingress ? { ...r, properties: { ...r.properties, CidrIp: '0.0.0.0/0' } } : r));
    const sec = securityChanges(open, base);
    expect(gating(sec)).toEqual([]);
    expect(sec).toEqual([expect.objectContaining({ kind: 'ingress-narrowed', severity: 'info', message: expect.stringContaining('0.0.0.0/0') })]);
    // And the other way round, it is the internet exposure it is.
    expect(securityChanges(base, open)).toEqual([expect.objectContaining({ kind: 'ingress-opened-to-internet', severity: 'high' })]);
  });

  it('a rule within one the group already has is not a widening; a wider one is', () => {
    const rule = (cidr: string, from: number, to = from) => ({ IpProtocol: 'tcp', FromPort: from, ToPort: to, CidrIp: cidr });
    const before = [sg('G', { SecurityGroupIngress: [rule('10.0.0.0/16', 1000, 2000)] })];
    expect(gating(securityChanges(before, [sg('G', { SecurityGroupIngress: [rule('10.0.0.0/16', 1000, 2000), rule('10.0.3.0/24', 1500)] })]))).toEqual([]);
    expect(gating(securityChanges(before, [sg('G', { SecurityGroupIngress: [rule('10.0.0.0/16', 1000, 2000), rule('10.1.0.0/24', 1500)] })]))).toEqual([expect.objectContaining({ kind: 'ingress-widened', severity: 'medium' })]);
    expect(gating(securityChanges(before, [sg('G', { SecurityGroupIngress: [rule('10.0.0.0/16', 1000, 3000)] })]))).toEqual([expect.objectContaining({ kind: 'ingress-widened' })]);
    const all = [sg('G', { SecurityGroupIngress: [{ IpProtocol: '-1', CidrIp: '10.0.0.0/8' }] })];
    expect(gating(securityChanges(all, [sg('G', { SecurityGroupIngress: [{ IpProtocol: '6', FromPort: 22, ToPort: 22, CidrIp: '10.9.0.0/16' }] })]))).toEqual([]);
  });
});

describe('severities', () => {
  it('high: a data store reachable from a new peer (a new service that uses the database)', () => {
    const svc = '  ledger-service:\n    language: nodejs\n    port: 4100\n    placement: ecs\n    resources: { cpu: 1, memory: 2GiB }\n    scaling: { min: 1, max: 2, targetCpuPercent: 70 }\n    health: { path: /health }\n    expose: { public: false }\n    uses: [postgres]\n\n';
    const sec = securityChanges(base, edit('  monitoring-service:\n', `${svc}  monitoring-service:\n`));
    expect(sec).toContainEqual(expect.objectContaining({ kind: 'data-store-reachable', severity: 'high', message: expect.stringMatching(/PostgresDatabase.*LedgerServiceSecurityGroup|LedgerServiceSecurityGroup.*PostgresDatabase/) }));
    // The service's own group, reached from the load balancer or Prometheus, and its roles: low.
    const own = sec.filter((s) => s.logicalId.startsWith('LedgerService'));
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((s) => s.severity === 'high')).toEqual([]);
    expect(own.filter((s) => s.kind === 'iam-trust-changed').map((s) => s.severity)).toEqual(['low', 'low']);
  });

  it('high: an IAM wildcard (an action of every service, or of every action of one); medium: other statements', () => {
    const pol = (actions: string[]): DiffResource => ({ logicalId: 'P', type: 'AWS::IAM::Policy', stack: 'S', properties: { PolicyName: 'p', PolicyDocument: { Statement: actions.map((a) => ({ Effect: 'Allow', Action: a, Resource: 'arn:aws:s3:::b/*' })) } } });
    expect(securityChanges([pol(['s3:GetObject'])], [pol(['s3:GetObject', 's3:*'])])).toEqual([expect.objectContaining({ kind: 'iam-policy-changed', severity: 'high', message: expect.stringContaining('s3:*') })]);
    expect(securityChanges([pol(['s3:GetObject'])], [pol(['s3:GetObject', '*'])])).toEqual([expect.objectContaining({ severity: 'high' })]);
    expect(securityChanges([pol(['s3:GetObject'])], [pol(['s3:GetObject', 's3:PutObject'])])).toEqual([expect.objectContaining({ severity: 'medium' })]);
    expect(securityChanges([pol(['s3:GetObject', 's3:PutObject'])], [pol(['s3:GetObject'])])).toEqual([expect.objectContaining({ severity: 'info' })]);
  });

  it('a new role: low for a service or federated principal, medium for an account, high for anyone', () => {
    const role = (principal: unknown): DiffResource => ({ logicalId: 'R', type: 'AWS::IAM::Role', stack: 'S', properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] } } as never });
    const severity = (p: unknown) => securityChanges([], [role(p)]).find((s) => s.kind === 'iam-trust-changed')!.severity;
    expect(severity({ Service: 'lambda.amazonaws.com' })).toBe('low');
    expect(severity({ AWS: 'arn:aws:iam::111122223333:root' })).toBe('medium');
    expect(severity('*')).toBe('high');
    expect(severity({ AWS: '*' })).toBe('high');
  });

  it('encryption turned off is high, deletion protection medium; egress to a peer group low', () => {
    const db = (enc: boolean, del: boolean): DiffResource => ({ logicalId: 'Db', type: 'AWS::RDS::DBInstance', stack: 'S', properties: { StorageEncrypted: enc, DeletionProtection: del } });
    const bySeverity = Object.fromEntries(securityChanges([db(true, true)], [db(false, false)]).map((s) => [s.kind, s.severity]));
    expect(bySeverity).toEqual({ 'encryption-disabled': 'high', 'deletion-protection-disabled': 'medium' });
    const peer = [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: { Ref: 'Other' } }];
    expect(securityChanges([sg('G', { SecurityGroupEgress: NO_EGRESS })], [sg('G', { SecurityGroupEgress: peer })])).toContainEqual(expect.objectContaining({ kind: 'egress-widened', severity: 'low' }));
  });

  it('orders by severity, high first', () => {
    const svc = '  ledger-service:\n    language: nodejs\n    port: 4100\n    placement: ecs\n    resources: { cpu: 1, memory: 2GiB }\n    scaling: { min: 1, max: 2, targetCpuPercent: 70 }\n    health: { path: /health }\n    expose: { public: true, path: /ledger }\n    uses: [postgres]\n\n';
    const sec = securityChanges(base, edit('  monitoring-service:\n', `${svc}  monitoring-service:\n`));
    const rank = { high: 0, medium: 1, low: 2, info: 3 } as const;
    const ranks = sec.map((s) => rank[s.severity]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(sec.map((s) => s.severity))).toEqual(new Set(['high', 'medium', 'low']));
  });
});
