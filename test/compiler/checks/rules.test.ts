// The rules one by one: their tables (Fargate sizes, instance shapes, EKS support dates, secret
// formats) and the cases the fixtures do not show.
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../../pipeline/analyze.js';
import { runSemanticChecks } from '../../../compiler/checks/index.js';
import { semanticRules } from '../../../pipeline/registries.js';

const SEMANTIC_RULES = semanticRules(fixedClock);


import { eksAllocatable, instanceShape } from '../../../compiler/model/instance-types.js';
import { cidrProblem } from '../../../compiler/checks/network.js';
import { FARGATE_MEMORY_MIB } from '../../../compiler/checks/placement.js';
import { eksVersionRule, upgradeSteps } from '../../../compiler/checks/platforms.js';
import { detectSecret, redact } from '../../../compiler/checks/secrets.js';
import type { NormalizedSpec } from '../../../spec/model.js';
import { fixedClock } from '../../support/clock.js';

const HEAD = 'dex: 1\nname: demo\nregion: ap-south-1\n';
const CERT = 'arn:aws:acm:ap-south-1:123456789012:certificate/00000000-0000-0000-0000-000000000000';

/** `line:col severity code` of every diagnostic of a spec given as text (after HEAD). */
function diagnose(body: string): string[] {
  const a = analyzeSpec(new TextEncoder().encode(HEAD + body), 'inline.yaml');
  return [...new Set(a.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`))];
}

function specOf(body: string): NormalizedSpec {
  const a = analyzeSpec(new TextEncoder().encode(HEAD + body), 'inline.yaml');
  return a.compiled[0]!.spec;
}

describe('registry', () => {
  it('has unique rule ids and pure rules', () => {
    const ids = semanticRules(fixedClock).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const spec = specOf('services:\n  api: { placement: ecs, port: 10250, uses: [nope] }\n');
    const before = JSON.stringify(spec);
    expect(runSemanticChecks(spec, SEMANTIC_RULES)).toEqual(runSemanticChecks(spec, SEMANTIC_RULES));
    expect(JSON.stringify(spec)).toBe(before);
  });
});

describe('network', () => {
  it.each([
    ['10.0.0.0/16', undefined],
    ['10.0.1.5/24', 'has host bits set'],
    ['10.0.256.0/24', '256 is more than 255'],
    ['10.0.0.0/33', 'the prefix length /33 is more than 32'],
    ['10.0.0/24', 'is not an IPv4 CIDR block'],
    ['0.0.0.0/0', undefined],
    ['203.0.113.7/32', undefined],
  ])('cidrProblem(%s)', (text, problem) => {
    const p = cidrProblem(text);
    if (problem === undefined) expect(p).toBeUndefined();
    else expect(p?.message).toContain(problem);
  });

  it('refuses subnets smaller than /28 and too many subnets for the zones', () => {
    expect(diagnose('network:\n  availabilityZones: 1\n  subnets:\n    public: [10.0.0.0/29]\n    private: [10.0.1.0/24, 10.0.2.0/24]\nservices:\n  api: { placement: ecs }\n')).toEqual([
      '7:14 error DEX300',
      '8:14 error DEX303',
    ]);
  });

  it('blames the listed subnet when it overlaps a block dex carved', () => {
    // private is carved from the second quarter of 10.0.0.0/16: 10.0.64.0/24 and 10.0.65.0/24.
    const d = analyzeSpec(new TextEncoder().encode(HEAD + 'network:\n  subnets:\n    public: [10.0.64.0/24, 10.0.1.0/24]\nservices:\n  api: { placement: ecs }\n'), 'x.yaml').diagnostics;
    expect(d).toMatchObject([{ code: 'DEX302', line: 6, col: 14, message: 'public subnet 10.0.64.0/24 overlaps private subnet 10.0.64.0/24 (carved by dex)' }]);
  });

  it('checks the bastion and EKS address lists too', () => {
    expect(diagnose('network:\n  bastion: { allowedCidrs: [203.0.113.9/24] }\nservices:\n  api: { placement: ecs }\n')).toEqual(['5:29 error DEX300']);
  });

  it('needs two zones for a load balancer alone', () => {
    expect(diagnose(`network: { availabilityZones: 1 }\ningress: { tls: { certificateArn: ${CERT} } }\nservices:\n  web: { placement: ecs, port: 80, expose: { public: true, path: /w } }\n`)).toEqual(['4:31 error DEX322']);
  });
});

describe('ports', () => {
  it('reserves 3000 on EC2 hosts only when Grafana is on', () => {
    const body = 'services:\n  dash: { placement: ec2, port: 3000 }\n';
    expect(diagnose(body)).toEqual([]);
    expect(diagnose(body + 'monitoring:\n  grafana: { instanceType: t3.small }\n')).toEqual(['5:33 error DEX304']);
  });

  it('reserves SSH on EC2 and webhooks on EKS', () => {
    expect(diagnose('services:\n  a-svc: { placement: ec2, port: 22 }\n  b-svc: { placement: eks, port: 443 }\n  c-svc: { placement: eks, port: 9443 }\n')).toEqual([
      '5:34 error DEX304',
      '6:34 error DEX304',
      '7:34 error DEX304',
    ]);
  });
});

describe('placement', () => {
  it('knows what instance types offer', () => {
    expect(instanceShape('t3.nano')).toEqual({ vcpu: 2, memoryGiB: 0.5, architecture: 'x86_64' });
    expect(instanceShape('t4g.2xlarge')).toEqual({ vcpu: 8, memoryGiB: 32, architecture: 'arm64' });
    expect(instanceShape('m5.large')).toEqual({ vcpu: 2, memoryGiB: 8, architecture: 'x86_64' });
    expect(instanceShape('c5.9xlarge')).toEqual({ vcpu: 36, memoryGiB: 72, architecture: 'x86_64' });
    expect(instanceShape('r7g.medium')).toEqual({ vcpu: 1, memoryGiB: 8, architecture: 'arm64' });
    expect(instanceShape('m7i.48xlarge')).toEqual({ vcpu: 192, memoryGiB: 768, architecture: 'x86_64' });
    expect(instanceShape('x1.large')).toBeUndefined();
    // t3.medium: 2 vCPU less 70m, 4 GiB less 255 + 11 × 17 pods + 100 MiB.
    expect(eksAllocatable('t3.medium')).toEqual({ cpu: 1.93, memoryMiB: 3554 });
  });

  it('holds AWS Fargate table', () => {
    const gib = (cpu: number) => FARGATE_MEMORY_MIB.get(cpu)!.map((m) => m / 1024);
    expect(gib(0.25)).toEqual([0.5, 1, 2]);
    expect(gib(0.5)).toEqual([1, 2, 3, 4]);
    expect(gib(1)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(gib(2)).toHaveLength(13);
    expect(gib(4)).toEqual(Array.from({ length: 23 }, (_, i) => 8 + i));
    expect(gib(8)).toEqual([16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60]);
    expect(gib(16)).toEqual([32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120]);
  });

  it('refuses a cpu Fargate does not have, at the cpu', () => {
    expect(diagnose('services:\n  api: { placement: ecs, resources: { cpu: 3, memory: 8GiB } }\n')).toEqual(['5:44 error DEX309']);
  });

  it('refuses a Graviton type for an x86_64 image', () => {
    expect(diagnose('services:\n  api: { placement: ec2, instanceType: c7g.large }\n')).toEqual(['5:40 error DEX308']);
  });

  it('says when placement auto moved a service off ec2', () => {
    const a = analyzeSpec(new TextEncoder().encode(HEAD + 'services:\n  api: { profile: { complexity: high }, instanceType: t3.small }\n'), 'x.yaml');
    expect(a.diagnostics).toMatchObject([{ code: 'DEX310', line: 5, col: 41, message: 'api: instanceType applies only to placement ec2, but dex placed it on eks (placement: auto)' }]);
  });

  it('fits a pod on the CPU side too', () => {
    expect(diagnose('services:\n  api: { placement: eks, resources: { cpu: 2, memory: 1GiB } }\n')).toEqual(['5:44 error DEX316']);
  });
});

describe('ingress', () => {
  it('needs a port on a public service', () => {
    expect(diagnose(`ingress: { tls: { certificateArn: ${CERT} } }\nservices:\n  web: { placement: ecs, expose: { public: true, path: /w } }\n`)).toEqual(['6:44 error DEX311']);
  });

  it('lets two hosts share a path but not one host', () => {
    const svc = (n: string, host: string) => `  ${n}: { placement: ecs, port: 80, expose: { public: true, path: /api, host: ${host} } }\n`;
    expect(diagnose(`ingress: { tls: { certificateArn: ${CERT} } }\nservices:\n${svc('one', 'a.example.com')}${svc('two', 'b.example.com')}`)).toEqual([]);
    expect(diagnose(`ingress: { tls: { certificateArn: ${CERT} } }\nservices:\n${svc('one', 'a.example.com')}${svc('two', 'a.example.com')}`)).toEqual(['7:66 error DEX312']);
  });
});

describe('platforms', () => {
  const spec = (version: string) => specOf(`platforms:\n  eks: { version: "${version}" }\nservices:\n  api: { placement: eks }\n`);
  const at = (date: string, version: string) => eksVersionRule(() => new Date(date)).check(spec(version));

  it('is quiet in standard support', () => {
    expect(at('2026-11-24', '1.34')).toEqual([]);
    expect(at('2026-11-24', '1.36')).toEqual([]);
  });

  it('warns past standard support, with the end of extended support', () => {
    expect(at('2026-12-03', '1.34')).toMatchObject([{ code: 'DEX321', message: expect.stringContaining('until extended support ends on 2 December 2027') }]);
    expect(at('2025-07-24', '1.30')).toHaveLength(1);
  });

  it('reads month-only dates as the whole month', () => {
    expect(at('2027-03-31', '1.35')).toEqual([]);
    expect(at('2027-04-01', '1.35')).toMatchObject([{ message: expect.stringContaining('(March 2027)') }]);
  });

  const running = (date: string, version: string, existing: Record<string, string>) => eksVersionRule(() => new Date(date), existing).check(spec(version));

  it('past extended support: an error for a new cluster, EKS creates none at that version', () => {
    const [f, ...rest] = at('2026-12-03', '1.31');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: 'DEX321', severity: 'error', path: ['platforms', 'eks', 'version'], message: expect.stringContaining('EKS creates no new cluster at this version') });
    expect(f!.hint).toContain('set platforms.eks.version to 1.36');
  });

  it('past extended support: a warning for a cluster that runs, with the upgrade path one minor at a time', () => {
    const [f, ...rest] = running('2026-12-03', '1.31', { default: '1.31' });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: 'DEX321', severity: 'warning', message: expect.stringContaining('AWS upgrades the running cluster (Kubernetes 1.31 in out/default/plan.json)') });
    expect(f!.hint).toContain('1.31 → 1.32 → 1.33 → 1.34 → 1.35, deploying each step');
    // The environment's own plan.json decides, not another environment's.
    expect(running('2026-12-03', '1.31', { staging: '1.31' })[0]).toMatchObject({ severity: 'warning' });
  });

  it('an upgrade that skips a minor version, or goes back, is an error against the running cluster', () => {
    expect(running('2026-11-24', '1.35', { default: '1.33' })).toMatchObject([{ severity: 'error', message: expect.stringContaining('one minor version at a time'), hint: 'upgrade in steps, deploying each: 1.33 → 1.34 → 1.35' }]);
    expect(running('2026-11-24', '1.34', { default: '1.35' })).toMatchObject([{ severity: 'error', message: expect.stringContaining('cannot downgrade') }]);
    expect(running('2026-11-24', '1.35', { default: '1.34' })).toEqual([]);
  });

  it('upgradeSteps lists each minor version after the first, the last included', () => {
    expect(upgradeSteps('1.31', '1.35')).toEqual(['1.32', '1.33', '1.34', '1.35']);
    expect(upgradeSteps('1.35', '1.35')).toEqual([]);
  });

  it('says nothing about the version when no service runs on EKS', () => {
    expect(eksVersionRule(() => new Date('2030-01-01')).check(specOf('services:\n  api: { placement: ecs }\n'))).toEqual([]);
  });

  it('warns about an unused ECS section and a public endpoint with no ranges', () => {
    expect(diagnose('platforms:\n  ecs: { capacity: fargate }\nservices:\n  api: { placement: ec2 }\n')).toEqual(['5:3 warning DEX317']);
    expect(diagnose('platforms:\n  eks: { version: "1.35", endpointAccess: publicAndPrivate }\nservices:\n  api: { placement: eks }\n')).toEqual(['5:43 warning DEX323']);
  });
});

describe('secrets', () => {
  it.each([
    ['NOTE', 'AKIAIOSFODNN7EXAMPLE', 'an AWS access key ID'],
    ['NOTE', 'key ASIAABCDEFGHIJKLMNOP here', 'an AWS access key ID'],
    ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'an AWS secret access key'],
    ['CERT', '-----BEGIN RSA PRIVATE KEY-----\nMIIE', 'a private key'],
    ['CERT', '-----BEGIN OPENSSH PRIVATE KEY-----', 'a private key'],
    ['URL', 'amqp://user:s3cret@mq:5672', 'a URL with a password in it'],
    ['GH', 'github_pat_11ABCDEFG0123456789_abcdefghij', 'a GitHub token'],
    ['GH', 'gho_abcdefghijklmnopqrstuvwxyz0123456789', 'a GitHub token'],
    ['HOOK', 'xoxp-1234567890-abcdef', 'a Slack token'],
    ['PAY', 'rk_live_abcdefghijklmnop', 'a Stripe live key'],
    ['AUTH', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'a JSON Web Token'],
    ['api-token', 'abc', 'a value for api-token, whose name says it is a secret'],
    ['SmtpPasswd', 'x', 'a value for SmtpPasswd, whose name says it is a secret'],
    ['GOOGLE_CREDENTIALS', '{"type":"service_account"}', 'a value for GOOGLE_CREDENTIALS, whose name says it is a secret'],
  ])('%s=%s is %s', (key, value, what) => {
    expect(detectSecret(key, value)).toBe(what);
  });

  it.each([
    ['DB_PASSWORD', ''],
    ['TOKEN_TTL', '3600'],
    ['SESSION_SECRET_ARN', 'arn:aws:secretsmanager:ap-south-1:123456789012:secret:s'],
    ['API_KEY_FILE', '/run/secrets/api-key'],
    ['URL', 'postgres://db:5432/app'],
    ['URL', 'postgres://app:${DB_PASSWORD}@db:5432/app'],
    ['STRIPE_PUBLISHABLE', 'pk_live_abcdefghijklmnop'],
    ['USE_TLS', 'true'],
  ])('%s=%s is fine', (key, value) => {
    expect(detectSecret(key, value)).toBeUndefined();
  });

  it('redacts to four characters', () => {
    expect(redact('hunter2')).toBe('hunt…');
    expect(redact('abc')).toBe('…');
  });

  it('finds credentials in commands and CI steps', () => {
    expect(
      diagnose(
        'services:\n  api: { placement: ecs, command: [serve, --token, ghp_abcdefghijklmnopqrstuvwxyz0123456789] }\ncicd:\n  source: { repository: acme/demo }\n  build: { test: "curl https://ci:pa55word@ci.example.com" }\n',
      ),
    ).toEqual(['5:52 error DEX500', '8:18 error DEX500']);
  });
});

describe('names that shadow Object.prototype', () => {
  it('are ordinary names in uses, alerts and secrets', () => {
    expect(diagnose('services:\n  api: { placement: ecs, uses: [toString], secrets: [CONSTRUCTOR] }\nmonitoring:\n  alerts:\n    - { name: A, metric: cpu, above: 1, services: [constructor] }\n')).toEqual([
      '5:33 error DEX305',
      '8:52 error DEX313',
    ]);
  });
});
