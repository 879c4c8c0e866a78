// The diff engine over real edits of the reference spec (each compiled in memory, diffed as
// plan.json resources), plus cases ported from aws-cdk's cloudformation-diff tests.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlanJsonResource } from '../../compiler/diff/baseline.js';
import { diffResources, securityChanges, type DiffResource } from '../../compiler/diff/index.js';
import { replacementOf } from '../../compiler/diff/replacement.js';
import { compilePlanResources, editReference, REFERENCE_TEXT } from '../support/reference-plan.js';

const ROOT = resolve(import.meta.dirname, '../..');
const REFERENCE = REFERENCE_TEXT;
const compile = compilePlanResources;
const base = compile(REFERENCE);
const edit = editReference;
const withProps = (rs: readonly PlanJsonResource[], id: string, f: (p: Record<string, unknown>) => void): PlanJsonResource[] =>
  rs.map((r) => (r.logicalId === id ? { ...r, properties: (() => { const p = structuredClone(r.properties) as Record<string, unknown>; f(p); return p as PlanJsonResource['properties']; })() } : r));
const dbId = base.find((r) => r.type === 'AWS::RDS::DBInstance')!.logicalId;

describe('diff over edits of the reference spec', () => {
  it('a no-op edit (comments, key order) shows no changes', () => {
    const reordered = REFERENCE.replace('dex: 1\nname: dex-mobile-v6\nregion: ap-south-1\n', '# a comment\nregion: ap-south-1   # trailing\nname: dex-mobile-v6\ndex: 1\n');
    expect(reordered).not.toBe(REFERENCE);
    const after = compile(reordered);
    expect(diffResources(base, after)).toEqual([]);
    expect(securityChanges(base, after)).toEqual([]);
  });

  it('changing the RDS instance class is an in-place modify, with no data-loss warning', () => {
    const changes = diffResources(base, edit('instanceClass: db.t3.medium', 'instanceClass: db.t3.large'));
    expect(changes).toEqual([
      expect.objectContaining({ logicalId: dbId, type: 'AWS::RDS::DBInstance', action: 'modify', properties: [{ path: 'DBInstanceClass', before: 'db.t3.medium', after: 'db.t3.large', causesReplacement: false }] }),
    ]);
    expect(changes[0]!.dataLoss).toBeUndefined();
  });

  it('changing the engine replaces the database, with a data-loss warning', () => {
    // The schema admits only postgres, so the engine edit is made on the compiled resource.
    const changes = diffResources(base, withProps(base, dbId, (p) => (p.Engine = 'mysql')));
    const db = changes.find((c) => c.logicalId === dbId)!;
    expect(db).toMatchObject({ action: 'replace', properties: [{ path: 'Engine', before: 'postgres', after: 'mysql', causesReplacement: true }] });
    expect(db.dataLoss).toMatch(/AWS::RDS::DBInstance will be replaced.*database.*lost.*Snapshot/);
    // What references the database changes with it (its ARN and endpoint), in place.
    // What references the database changes with it (its ARN, its endpoint); an immutable task
    // definition is replaced in turn, and so on. Only the database loses data.
    const others = changes.filter((c) => c.logicalId !== dbId);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((c) => c.properties.every((p) => /is replaced, so the value this resolves to changes/.test(p.note ?? '')))).toBe(true);
    expect(others.find((c) => c.type === 'AWS::ECS::TaskDefinition')?.action).toBe('replace');
    expect(others.find((c) => c.type === 'AWS::ECS::Service')?.action).toBe('modify');
    expect(changes.filter((c) => c.dataLoss).map((c) => c.logicalId)).toEqual([dbId]);
    // An engine upgrade within one family is not a replacement.
    expect(replacementOf('AWS::RDS::DBInstance', 'Engine', 'oracle-ee', 'oracle-se2')).toMatchObject({ causesReplacement: false, mayCauseReplacement: true });
  });

  it('changing the subnet group replaces the database, with a data-loss warning', () => {
    const after = withProps(base, dbId, (p) => (p.DBSubnetGroupName = 'some-other-subnet-group'));
    const change = diffResources(base, after).find((c) => c.logicalId === dbId);
    expect(change).toMatchObject({ logicalId: dbId, action: 'replace', properties: [expect.objectContaining({ path: 'DBSubnetGroupName', causesReplacement: true })] });
    expect(change!.dataLoss).toBeDefined();
  });

  it('a replaced resource behind a create-only reference replaces the referrer too (KMS key → database)', () => {
    const key = base.find((r) => r.type === 'AWS::KMS::Key')!;
    const moved = base.map((r) => (r.logicalId === key.logicalId ? { ...r, type: 'AWS::KMS::ReplicaKey' } : r));
    const changes = diffResources(base, moved);
    const db = changes.find((c) => c.logicalId === dbId)!;
    expect(db.action).toBe('replace');
    expect(db.properties).toContainEqual(expect.objectContaining({ path: 'KmsKeyId', causesReplacement: true, note: expect.stringContaining(key.logicalId) }));
    expect(changes.find((c) => c.logicalId === key.logicalId)!.dataLoss).toMatch(/KMS key/);
  });

  it('renaming a database removes it: a loud data-loss warning', () => {
    const text = REFERENCE.replace('databases:\n  postgres:', 'databases:\n  main:').replace(/uses: \[postgres, redis\]/, 'uses: [main, redis]').replace(/uses: \[postgres\]/g, 'uses: [main]').replace('databases:\n      postgres:', 'databases:\n      main:');
    const changes = diffResources(base, compile(text));
    expect(changes.find((c) => c.logicalId === dbId)).toMatchObject({ action: 'remove', dataLoss: expect.stringMatching(/deleted/) });
    expect(changes.filter((c) => c.action === 'remove' && c.dataLoss).length).toBeGreaterThan(0);
  });

  it('widening a security group is listed under security', () => {
    const after = edit('allowedCidrs: [203.0.113.0/24]', 'allowedCidrs: [203.0.113.0/24, 198.51.100.0/22]');
    const sec = securityChanges(base, after);
    expect(sec).toContainEqual(expect.objectContaining({ kind: 'ingress-widened', severity: 'medium', message: expect.stringContaining('198.51.100.0/22') }));
    expect(diffResources(base, after).some((c) => c.type === 'AWS::EC2::SecurityGroup' || c.type === 'AWS::EC2::SecurityGroupIngress')).toBe(true);
  });

  it('exposing a service is listed under security', () => {
    const after = edit('    health: { path: /health }\n    expose: { public: false }', '    health: { path: /health }\n    expose: { public: true, path: /api/monitoring }');
    const sec = securityChanges(base, after);
    expect(sec).toContainEqual(expect.objectContaining({ kind: 'public-listener-rule', severity: 'high', message: expect.stringContaining('/api/monitoring') }));
  });

  it('giving a service another secret changes its IAM permissions: listed under security', () => {
    const after = edit('    uses: [postgres]\n    secrets: [KYC_PROVIDER_API_KEY]', '    uses: [postgres]\n    secrets: [KYC_PROVIDER_API_KEY, KYC_WEBHOOK_SECRET]');
    const sec = securityChanges(base, after);
    expect(sec).toContainEqual(expect.objectContaining({ kind: 'iam-policy-changed', severity: 'medium', type: 'AWS::IAM::Role', message: expect.stringMatching(/permissions may be broadened/) }));
  });

  it('adding a service adds resources and changes no existing logical ID', () => {
    const svc = '  ledger-service:\n    language: nodejs\n    port: 4100\n    placement: ecs\n    resources: { cpu: 1, memory: 2GiB }\n    scaling: { min: 1, max: 2, targetCpuPercent: 70 }\n    health: { path: /health }\n    expose: { public: false }\n\n';
    const after = edit('  monitoring-service:\n', `${svc}  monitoring-service:\n`);
    const changes = diffResources(base, after);
    expect(changes.filter((c) => c.action === 'add').length).toBeGreaterThan(3);
    expect(changes.filter((c) => c.action === 'remove' || c.action === 'replace')).toEqual([]);
    const ids = new Set(after.map((r) => r.logicalId));
    for (const r of base) expect(ids.has(r.logicalId)).toBe(true);
  });

  it('never mutates its inputs', () => {
    const before = structuredClone(base);
    const after = withProps(base, dbId, (p) => (p.Engine = 'mysql'));
    const afterCopy = structuredClone(after);
    diffResources(before, after);
    securityChanges(before, after);
    expect(before).toEqual(base);
    expect(after).toEqual(afterCopy);
  });

  it('a cross-stack import and a same-stack Ref of the same target are not a change', () => {
    const r = (ref: unknown): DiffResource => ({ logicalId: 'Sg', type: 'AWS::EC2::SecurityGroup', stack: 's', properties: { GroupDescription: 'x', VpcId: ref as never } });
    expect(diffResources([r({ Ref: 'Vpc' })], [r({ 'Fn::ImportValue': 'sys-prod:Vpc' })])).toEqual([]);
    expect(diffResources([r({ 'Fn::GetAtt': ['Vpc', 'VpcId'] })], [r({ 'Fn::ImportValue': 'sys-prod:Vpc:VpcId' })])).toEqual([]);
  });
});

describe('ported from aws-cdk cloudformation-diff', () => {
  const sg = (ingress: unknown[]): DiffResource => ({ logicalId: 'MySG', type: 'AWS::EC2::SecurityGroup', stack: 'S', properties: { GroupDescription: 'd', VpcId: 'vpc-1', SecurityGroupIngress: ingress as never } });
  it('an SG ingress 0.0.0.0/0:443 added is broadening (network/detect-changes)', () => {
    const sec = securityChanges([sg([])], [sg([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }])]);
    expect(sec).toEqual([expect.objectContaining({ kind: 'ingress-opened-to-internet', severity: 'high', logicalId: 'MySG' })]);
  });
  it('an IAM trust change is listed (iam/detect-changes)', () => {
    const role = (svc: string): DiffResource => ({ logicalId: 'Role', type: 'AWS::IAM::Role', stack: 'S', properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: svc }, Action: 'sts:AssumeRole' }] } } });
    expect(securityChanges([role('lambda.amazonaws.com')], [role('ec2.amazonaws.com')])).toContainEqual(expect.objectContaining({ kind: 'iam-trust-changed', severity: 'high' }));
  });
  it('an IAM policy statement added is broadening', () => {
    const pol = (actions: string[]): DiffResource => ({ logicalId: 'P', type: 'AWS::IAM::Policy', stack: 'S', properties: { PolicyName: 'p', PolicyDocument: { Statement: actions.map((a) => ({ Effect: 'Allow', Action: a, Resource: '*' })) } } });
    // s3:* is every action of a service: an IAM wildcard, high (test/compiler/diff-security.test.ts).
    expect(securityChanges([pol(['s3:GetObject'])], [pol(['s3:GetObject', 's3:*'])])).toEqual([expect.objectContaining({ kind: 'iam-policy-changed', severity: 'high' })]);
    expect(securityChanges([pol(['s3:GetObject'])], [pol(['s3:GetObject', 's3:PutObject'])])).toEqual([expect.objectContaining({ kind: 'iam-policy-changed', severity: 'medium' })]);
  });
  it('a create-only property change is a replacement; others update in place (diff-template)', () => {
    const bucket = (name: string, v: boolean): DiffResource => ({ logicalId: 'B', type: 'AWS::S3::Bucket', stack: 'S', properties: { BucketName: name, VersioningConfiguration: { Status: v ? 'Enabled' : 'Suspended' } } });
    expect(diffResources([bucket('a', true)], [bucket('a', false)])[0]!.action).toBe('modify');
    const replaced = diffResources([bucket('a', true)], [bucket('b', true)])[0]!;
    expect(replaced).toMatchObject({ action: 'replace', properties: [{ path: 'BucketName', causesReplacement: true }] });
    expect(replaced.dataLoss).toMatch(/bucket/);
  });
  it('an unchanged template has no differences; added and removed resources are reported', () => {
    expect(diffResources([sg([])], [sg([])])).toEqual([]);
    expect(diffResources([], [sg([])])).toEqual([expect.objectContaining({ action: 'add' })]);
    expect(diffResources([sg([])], [])).toEqual([expect.objectContaining({ action: 'remove' })]);
  });
  it('turning off encryption and deletion protection, and making a database public, are security changes', () => {
    const db = (enc: boolean, del: boolean, pub: boolean): DiffResource => ({ logicalId: 'Db', type: 'AWS::RDS::DBInstance', stack: 'S', properties: { StorageEncrypted: enc, DeletionProtection: del, PubliclyAccessible: pub } });
    const kinds = securityChanges([db(true, true, false)], [db(false, false, true)]).map((s) => s.kind).sort();
    expect(kinds).toEqual(['deletion-protection-disabled', 'encryption-disabled', 'made-public']);
    expect(replacementOf('AWS::RDS::DBInstance', 'StorageEncrypted', true, false).causesReplacement).toBe(true);
    // The customer-managed key removed from the reference database.
    const noKey = withProps(base, dbId, (p) => delete p.KmsKeyId);
    expect(securityChanges(base, noKey)).toEqual([expect.objectContaining({ kind: 'encryption-disabled', logicalId: dbId, message: expect.stringContaining('KmsKeyId removed') })]);
    expect(diffResources(base, noKey).find((c) => c.logicalId === dbId)).toMatchObject({ action: 'replace', dataLoss: expect.any(String) });
  });
});

describe('create-only property lists', () => {
  it('compiler/diff/create-only.json is current with the provider schemas fixture', () => {
    expect(() => execFileSync(process.execPath, [resolve(ROOT, 'scripts/extract-create-only.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
  it('covers every resource type dex emits for the reference spec', () => {
    const json = JSON.parse(readFileSync(resolve(ROOT, 'compiler/diff/create-only.json'), 'utf8'));
    // Custom resources have no provider schema: replacement.ts treats ServiceToken as their create-only property.
    for (const t of new Set(base.map((r) => r.type))) if (!t.startsWith('Custom::')) expect(json.types[t], t).toBeDefined();
  });
});
