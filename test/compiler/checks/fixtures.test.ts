// Every semantic rule, through the whole pipeline: each fixture under test/fixtures/checks is a
// real dex.yaml named for what it shows, and lands its diagnostics at the offending node.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { analyzeSpec, type Analysis } from '../../../pipeline/analyze.js';

const analyze = (name: string): Analysis => {
  const file = `test/fixtures/checks/${name}.dex.yaml`;
  return analyzeSpec(readFileSync(file), file);
};

/** `line:col severity code`, once per place (environments repeat base-spec findings). */
const summary = (a: Analysis): string[] => [...new Set(a.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`))];

// The EKS version rule reads the clock: pin it so the fixtures mean the same thing every day.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-06-01T12:00:00Z'));
});
afterAll(() => {
  vi.useRealTimers();
});

const FAILING: readonly [fixture: string, expected: string[]][] = [
  ['cidr-host-bits', ['9:27 error DEX300']],
  ['cidr-invalid', ['7:9 error DEX300', '11:29 error DEX300', '12:31 error DEX300']],
  ['subnet-outside-vpc', ['10:29 error DEX301']],
  ['subnets-overlap', ['11:15 error DEX302']],
  ['subnets-zone-count', ['10:14 error DEX303']],
  ['vpc-too-small-to-carve', ['6:9 error DEX303']],
  ['one-zone-multi-az', ['7:22 error DEX322']],
  ['no-nat-without-endpoints', ['7:16 error DEX329']],
  ['port-reserved-eks', ['8:11 error DEX304']],
  ['port-reserved-ec2-monitoring', ['8:11 error DEX304']],
  ['uses-unknown', ['9:19 error DEX305']],
  ['uses-cycle', ['17:12 error DEX306']],
  ['uses-self', ['9:16 error DEX306']],
  ['scaling-min-above-max', ['9:21 error DEX307', '14:14 error DEX307', '19:20 error DEX307', '22:19 error DEX307']],
  ['instance-type-on-ecs', ['10:5 error DEX310', '11:5 error DEX310', '12:24 error DEX310']],
  ['arm64-on-x86-instance', ['9:19 error DEX308']],
  ['arm64-pod-on-x86-nodes', ['8:19 error DEX308']],
  ['fargate-bad-memory', ['8:37 error DEX309']],
  ['pod-too-big-for-nodes', ['8:34 error DEX316']],
  ['public-without-path', ['11:23 error DEX311']],
  ['public-without-load-balancer', ['12:23 error DEX311']],
  ['public-without-certificate', ['9:23 error DEX311']],
  ['duplicate-route', ['15:35 error DEX312']],
  ['certificate-wrong-region', ['7:21 error DEX320']],
  ['certificate-region-overlay', ['9:21 error DEX320', '23:25 error DEX320']],
  ['certificate-not-acm', ['8:21 error DEX343', '18:25 error DEX343']],
  ['waf-large-body-unrouted', ['10:15 warning DEX340']],
  ['waf-large-body-no-effect', ['10:5 warning DEX341']],
  ['waf-large-body-duplicate', ['11:15 error DEX342']],
  ['alert-unknown-service', ['11:69 error DEX313']],
  ['alert-threshold', ['11:7 error DEX314', '12:50 error DEX314']],
  ['platform-unused', ['6:3 warning DEX317']],
  ['eks-endpoint-open', ['8:37 warning DEX323']],
  ['eks-version-extended-support', ['8:14 warning DEX321']],
  ['backup-same-region', ['9:26 error DEX318']],
  ['stage-unknown-environment', ['11:5 error DEX319']],
  ['codepipeline-two-accounts', ['16:14 error DEX328']],
  ['plaintext-secrets', ['6:16 error DEX500', '12:26 error DEX500', '13:21 error DEX500', '14:20 error DEX500', '15:15 error DEX500', '16:19 error DEX500']],
  ['secret-env-collision', ['8:24 error DEX501']],
  ['overlay-unknown-service', ['10:7 error DEX401']],
  ['cache-without-users', ['13:14 warning DEX370']],
];

const PASSING = [
  'network-valid',
  'no-nat-with-endpoints',
  'ports-valid',
  'references-valid',
  'bounds-valid',
  'placement-valid',
  'ingress-valid',
  'alerts-valid',
  'platforms-valid',
  'backup-region-valid',
  'stages-valid',
  'secrets-valid',
  'waf-large-body-valid',
  'codepipeline-one-account',
];

describe('semantic rules on fixtures', () => {
  it.each(FAILING)('%s', (fixture, expected) => {
    const a = analyze(fixture);
    expect(summary(a)).toEqual(expected);
    expect(a.ok).toBe(!expected.some((e) => e.includes(' error ')));
    // The header comment of each fixture states what it must produce.
    const header = readFileSync(`test/fixtures/checks/${fixture}.dex.yaml`, 'utf8').split('\n').filter((l) => l.startsWith('#')).join(' ');
    for (const e of expected) expect(header).toContain(e.split(' ')[0]);
  });

  it.each(PASSING)('%s has no diagnostics', (fixture) => {
    const a = analyze(fixture);
    expect(summary(a)).toEqual([]);
    expect(a.compiled.length).toBeGreaterThan(0);
  });
});

describe('what the diagnostics say', () => {
  const one = (fixture: string, code: string) => analyze(fixture).diagnostics.find((d) => d.code === code)!;

  it('names the endpoints missing without NAT and the tasks that need them', () => {
    expect(one('no-nat-without-endpoints', 'DEX329')).toMatchObject({
      path: ['network', 'natGateways'],
      message: 'network.natGateways is none and network.endpoints lacks ecr, logs, secretsmanager: the migration task of database main, ECS service web cannot start in the private subnets without them (image from ECR, layers from S3, awslogs, secrets injected at start)',
      hint: 'add ecr, logs, secretsmanager to network.endpoints (s3 is a free gateway endpoint; the others are billed per zone-hour), or set network.natGateways: single',
    });
  });

  it('names the other subnet of an overlap', () => {
    expect(one('subnets-overlap', 'DEX302').message).toBe('private subnet 10.0.0.128/25 overlaps public subnet 10.0.0.0/24');
  });

  it('shows the base address of a block with host bits', () => {
    expect(one('cidr-host-bits', 'DEX300')).toMatchObject({ message: 'public subnet: "10.0.1.5/24" has host bits set: a /24 block starts at 10.0.1.0', hint: 'write 10.0.1.0/24' });
  });

  it('suggests the name meant in uses, alerts and stages', () => {
    expect(one('uses-unknown', 'DEX305').hint).toBe('did you mean postgres?');
    expect(one('alert-unknown-service', 'DEX313').hint).toBe('did you mean checkout?');
    expect(one('stage-unknown-environment', 'DEX319').hint).toBe('did you mean production?');
    expect(one('overlay-unknown-service', 'DEX401')).toMatchObject({ message: 'environment staging overrides services.chekout, which the base spec does not declare', hint: 'did you mean checkout?' });
  });

  it('lists a cycle and points at the edge that closes it', () => {
    const d = one('uses-cycle', 'DEX306');
    expect(d.message).toBe('services use each other in a cycle: orders → payments → ledger → orders');
    expect(d.path).toEqual(['services', 'ledger', 'uses', 0]);
  });

  it('names both regions of a certificate, and the environment whose region moved away from it', () => {
    const [base, overlay] = analyze('certificate-region-overlay').diagnostics.filter((d) => d.code === 'DEX320');
    expect(base).toMatchObject({
      environment: 'eu',
      message: 'the TLS certificate is in us-east-1, but the load balancer is in eu-west-1: an ALB listener can only use an ACM certificate from its own region (in environment eu)',
      hint: expect.stringContaining('issue (request or import) the certificate in ACM in eu-west-1, the listener\'s region'),
    });
    expect(base!.hint).toContain('CloudFront');
    expect(overlay).toMatchObject({ environment: 'eu-own', line: 23, col: 25, message: expect.stringContaining('in eu-central-1, but the load balancer is in eu-west-1') });
    expect(one('certificate-not-acm', 'DEX343').message).toBe('the certificate ARN is in partition aws-cn, but ap-south-1 is in partition aws: the load balancer cannot use a certificate from another partition');
  });

  it('names the public routes a large-body path could go under', () => {
    expect(one('waf-large-body-unrouted', 'DEX340')).toMatchObject({ message: expect.stringContaining('no public service\'s route covers /uploads'), hint: 'use a path under a public route (/api/kyc), e.g. /api/kyc/documents, or remove the entry' });
  });

  it('states the port rule', () => {
    expect(one('port-reserved-eks', 'DEX304').message).toBe(
      'api listens on port 10250, which the kubelet on every EKS node holds; on placement eks a service may not use a port dex reserves on its hosts (10250, 10256, 443, 9443)',
    );
  });

  it('lists the Fargate memory values for the cpu', () => {
    expect(one('fargate-bad-memory', 'DEX309').hint).toBe('with cpu 0.25, memory is one of 512MiB, 1GiB, 2GiB');
  });

  it('says when extended support ends', () => {
    expect(one('eks-version-extended-support', 'DEX321').message).toBe(
      'Kubernetes 1.32 is past the end of EKS standard support (23 March 2026): the cluster is billed for extended support (6 times the standard hourly price) until extended support ends on 23 March 2027',
    );
  });

  it('never echoes a secret: at most four characters', () => {
    const a = analyze('plaintext-secrets');
    const text = JSON.stringify(a.diagnostics);
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'hunter2', 'ghp_abcdefghij', 'sk_live_abc', 'xoxb-123']) expect(text).not.toContain(secret);
    expect(a.diagnostics.find((d) => d.path.join('.') === 'services.api.env.DB_PASSWORD')).toMatchObject({
      message: 'api: env DB_PASSWORD holds a value for DB_PASSWORD, whose name says it is a secret in plain text ("hunt…")',
      hint: 'move it to secrets: [DB_PASSWORD] and set its value in AWS Secrets Manager; rotate it, since it has been in the file',
    });
  });

  it('reports a base-spec finding once, not again for every environment', () => {
    expect(analyze('stage-unknown-environment').diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.environment}`)).toEqual(['11:5 DEX319 undefined']);
  });

  it('reports a finding made in an overlay at the overlay', () => {
    const text = readFileSync('test/fixtures/checks/bounds-valid.dex.yaml', 'utf8') + 'environments:\n  staging:\n    services:\n      api: { scaling: { min: 9 } }\n';
    const a = analyzeSpec(new TextEncoder().encode(text), 'overlay.yaml');
    expect(a.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.environment}`)).toEqual(['15:30 DEX307 staging']);
  });
});

describe('DEX328 with one environment analyzed (--environment)', () => {
  const file = 'test/fixtures/checks/codepipeline-two-accounts.dex.yaml';
  it('compares it with the other environments, and reports it when it is the later one', () => {
    const codes = (environment: string) => analyzeSpec(readFileSync(file), file, { environment }).diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`);
    expect(codes('production')).toEqual(['16:14 DEX328']);
    expect(codes('staging')).toEqual([]);
  });
});
