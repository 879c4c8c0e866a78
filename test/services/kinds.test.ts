// Kinds of workload (issue 15): web, backend, worker and job. The checks DEX371–DEX375 located in
// the file; the ECS job's task definition, schedule and scheduler role (exact statements); the
// EKS CronJob; jobs and workers without load balancer, port or HTTP alarms; the templates
// against the CloudFormation resource schemas.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { isScheduleError, kubernetesCron, parseSchedule, runsPerMonth } from '../../compiler/model/schedule.js';

const BASE = `dex: 1
name: shop
region: eu-west-1
ingress:
  tls:
    certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555
monitoring:
  alerts:
    - { name: slow, metric: p95LatencyMs, above: 500 }
    - { name: busy, metric: cpu, above: 80 }
services:
  web:
    port: 8080
    placement: ecs
    expose: { public: true, path: / }
    uses: [ledger, db]
  ledger:
    kind: backend
    port: 9000
    placement: ecs
  mailer:
    kind: worker
    placement: ecs
    scaling: { min: 1, max: 3 }
    uses: [db]
  nightly:
    kind: job
    placement: ecs
    schedule: "cron(30 2 * * ? *)"
    timezone: Europe/Berlin
    retries: 3
    expectedDurationMinutes: 12
    resources: { cpu: 0.5, memory: 1GiB }
    uses: [db]
  migrate:
    kind: job
    placement: ecs
    run: before-release
    command: [npm, run, migrate]
    uses: [db]
databases:
  db: {}
`;

const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const byId = (a: Analysis, id: string) => resources(a).find((r) => r.logicalId === id);
const found = (a: Analysis, code: string) => a.diagnostics.filter((d) => d.code === code).map((d) => `${d.line}:${d.col} ${d.path.join('.')}`);
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
/** BASE with `find` replaced by `replace` (which must be there). */
const edit = (find: string, replace: string, text = BASE): string => {
  if (!text.includes(find)) throw new Error(`no ${find}`);
  return text.replace(find, replace);
};

describe('kinds: the spec', () => {
  const a = analyzed(BASE);
  it('is valid', () => {
    expect(a.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });
  it('normalizes kind (default web) and the job settings with their defaults', () => {
    const s = a.compiled[0]!.spec.services;
    expect(Object.fromEntries(Object.values(s).map((x) => [x.name, x.kind]))).toEqual({ web: 'web', ledger: 'backend', mailer: 'worker', nightly: 'job', migrate: 'job' });
    expect(s.web!.job).toBeUndefined();
    expect(s.migrate!.job).toEqual({ schedule: undefined, timezone: 'UTC', timezoneGiven: false, run: 'before-release', timeoutSeconds: 3600, retries: 2, expectedDurationMinutes: 5, given: ['run'] });
    expect(s.nightly!.job).toMatchObject({ schedule: 'cron(30 2 * * ? *)', timezone: 'Europe/Berlin', retries: 3, expectedDurationMinutes: 12 });
  });
  it('a job with placement auto runs on ECS', () => {
    const b = analyzed(edit('  nightly:\n    kind: job\n    placement: ecs\n', '  nightly:\n    kind: job\n'));
    expect(b.compiled[0]!.spec.services.nightly!.placement).toBe('ecs');
  });
});

describe('kinds: checks', () => {
  it('DEX371: a backend on the public load balancer, at expose.public', () => {
    const text = edit('    kind: backend\n    port: 9000\n', '    kind: backend\n    port: 9000\n    expose: { public: true, path: /ledger }\n');
    expect(found(analyzed(text), 'DEX371')).toEqual([`${lineOf(text, 'expose: { public: true, path: /ledger')}:23 services.ledger.expose.public`]);
  });
  it('DEX372: a port on a worker, job keys on a web service, a job with exec, uses naming a worker', () => {
    let text = edit('    kind: worker\n', '    kind: worker\n    port: 8081\n');
    text = edit('    port: 8080\n    placement: ecs\n', '    port: 8080\n    placement: ecs\n    retries: 1\n', text);
    text = edit('    run: before-release\n', '    run: before-release\n    exec: true\n', text);
    text = edit('uses: [ledger, db]', 'uses: [ledger, db, mailer]', text);
    expect(found(analyzed(text), 'DEX372')).toEqual([
      `${lineOf(text, 'retries: 1')}:14 services.web.retries`,
      `${lineOf(text, 'mailer]')}:24 services.web.uses.2`,
      `${lineOf(text, 'port: 8081')}:11 services.mailer.port`,
      `${lineOf(text, 'exec: true')}:11 services.migrate.exec`,
    ]);
  });
  it('DEX372: a backend without a port', () => {
    const text = edit('    kind: backend\n    port: 9000\n', '    kind: backend\n');
    expect(found(analyzed(text), 'DEX372')).toEqual([`${lineOf(text, 'kind: backend')}:11 services.ledger.kind`]);
  });
  it('DEX373: a job with neither trigger, or both', () => {
    const neither = edit('    run: before-release\n', '');
    expect(found(analyzed(neither), 'DEX373')).toEqual([`${lineOf(neither, '  migrate:') + 1}:11 services.migrate.kind`]);
    const both = edit('    run: before-release\n', '    run: before-release\n    schedule: "rate(1 day)"\n');
    expect(found(analyzed(both), 'DEX373')).toEqual([`${lineOf(both, 'run: before-release')}:10 services.migrate.run`]);
  });
  it.each([
    ['cron(30 2 * * *)', '5 fields'],
    ['cron(30 2 * * * *)', 'neither of day-of-month and day-of-week'],
    ['cron(61 2 * * ? *)', '61 is not a valid minutes field'],
    ['rate(1 hours)', 'singular'],
    ['rate(0 minutes)', 'must be 1 or more'],
    ['every day', 'neither cron'],
    ['at(2026-01-01T00:00:00)', 'one-time'],
  ])('DEX374: schedule %s (%s), at the schedule', (expr, words) => {
    const text = edit('"cron(30 2 * * ? *)"', JSON.stringify(expr));
    const a = analyzed(text);
    expect(found(a, 'DEX374')).toEqual([`${lineOf(text, 'schedule:')}:15 services.nightly.schedule`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX374')!.message).toContain(words);
  });
  it('DEX374: a time zone that is not IANA, at timezone', () => {
    const text = edit('Europe/Berlin', 'Europe/Berln');
    expect(found(analyzed(text), 'DEX374')).toEqual([`${lineOf(text, 'Europe/Berln')}:15 services.nightly.timezone`]);
  });
  it('DEX374 on EKS only: a schedule a Kubernetes CronJob cannot express', () => {
    const ecs = edit('"cron(30 2 * * ? *)"', '"cron(0 12 L * ? *)"');
    expect(found(analyzed(ecs), 'DEX374')).toEqual([]);
    const eks = edit('    placement: ecs\n    schedule', '    placement: eks\n    schedule', ecs);
    expect(found(analyzed(eks), 'DEX374')).toEqual([`${lineOf(eks, 'schedule:')}:15 services.nightly.schedule`]);
  });
  it('DEX375: a job on EC2, at placement', () => {
    const text = edit('    placement: ecs\n    run: before-release', '    placement: ec2\n    run: before-release');
    expect(found(analyzed(text), 'DEX375')).toEqual([`${lineOf(text, 'placement: ec2')}:16 services.migrate.placement`]);
  });
});

describe('kinds: schedules', () => {
  const ok = (e: string) => {
    const p = parseSchedule(e);
    if (isScheduleError(p)) throw new Error(p.message);
    return p;
  };
  it.each([
    ['rate(15 minutes)', 2920],
    ['rate(1 hour)', 730],
    ['rate(2 days)', 15.208],
    ['cron(30 2 * * ? *)', 30.417],
    ['cron(0 9 ? * MON-FRI *)', 21.726],
    ['cron(0 */6 1 * ? *)', 4],
    ['cron(0,30 8-17 ? * 2-6 *)', 434.524],
    ['cron(0 0 1 1,7 ? *)', 0.167],
  ])('%s runs ~%s times a month', (e, runs) => {
    expect(Math.round(runsPerMonth(ok(e)) * 1000) / 1000).toBe(runs);
  });
  it.each([
    ['rate(15 minutes)', '*/15 * * * *'],
    ['rate(1 hour)', '0 * * * *'],
    ['rate(6 hours)', '0 */6 * * *'],
    ['cron(30 2 * * ? *)', '30 2 * * *'],
    ['cron(0 9 ? * 2-6 *)', '0 9 * * 1-5'],
    ['cron(0 9 ? * MON,FRI *)', '0 9 * * MON,FRI'],
  ])('%s is %s in Kubernetes cron', (e, cron) => {
    expect(kubernetesCron(ok(e))).toEqual({ cron });
  });
});
