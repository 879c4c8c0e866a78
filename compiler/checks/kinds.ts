// Kinds of workload (issue 15): a backend is never on the public load balancer (DEX371); a worker
// or job has no port, and job settings belong to jobs (DEX372); a job has one trigger (DEX373), a
// schedule EventBridge Scheduler (and, on EKS, Kubernetes cron) accepts and a real time zone
// (DEX374); jobs run on ECS or EKS, not on an EC2 instance group (DEX375).
import type { Finding } from '../../spec/diagnostics.js';
import { isJob, type NormalizedService, type NormalizedSpec } from '../../spec/model.js';
import { isScheduleError, isTimeZone, kubernetesCron, parseSchedule } from '../model/schedule.js';
import type { SemanticRule } from './index.js';

const PORTLESS = new Set(['worker', 'job']);

export const kindsRule: SemanticRule = {
  id: 'kinds',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      const at = (...path: (string | number)[]) => ['services', s.name, ...path];
      if (s.kind === 'backend' && s.expose.public) {
        findings.push({
          code: 'DEX371',
          message: `${s.name} is a backend, which only the services that use it reach, but expose.public puts it on the public load balancer`,
          path: at('expose', 'public'),
          hint: 'remove expose (callers list it in uses and reach it on its port), or make it kind: web to serve the internet',
        });
      }
      if (s.kind === 'backend' && s.port === undefined) {
        findings.push({ code: 'DEX372', message: `${s.name} is a backend but has no port for its callers to reach`, path: at('kind'), hint: 'give it the port it listens on, or make it kind: worker if nothing calls it' });
      }
      if (PORTLESS.has(s.kind)) findings.push(...portless(s));
      if (s.kind !== 'job' && s.job !== undefined) {
        for (const key of s.job.given) {
          findings.push({ code: 'DEX372', message: `${s.name} is a ${s.kind}, and ${key} is a setting of jobs (kind: job)`, path: at(key), hint: `set kind: job if ${s.name} runs to completion, or remove ${key}` });
        }
      }
      s.uses.forEach((used, i) => {
        const target = spec.services[used];
        if (target && PORTLESS.has(target.kind)) {
          findings.push({
            code: 'DEX372',
            message: `${s.name} uses ${used}, a ${target.kind}: it listens on no port, so there is nothing to call`,
            path: at('uses', i),
            hint: target.kind === 'worker' ? `remove ${used} from uses; hand it work through a queue or a data store both use` : `remove ${used} from uses; a job shares data with services through a database or cache both use`,
          });
        }
      });
      if (isJob(s)) findings.push(...jobFindings(s));
    }
    return findings;
  },
};

/** What needs a port: the port itself, a place on the load balancer, a network health check. */
function portless(s: NormalizedService): Finding[] {
  const out: Finding[] = [];
  const at = (...path: (string | number)[]) => ['services', s.name, ...path];
  const what = s.kind === 'worker' ? 'a worker, which listens on no port' : 'a job, which runs to completion and listens on no port';
  if (s.port !== undefined) out.push({ code: 'DEX372', message: `${s.name} is ${what}, but has a port`, path: at('port'), hint: `remove port, or make it kind: ${s.kind === 'job' ? 'web or backend' : 'backend (called by the services that use it) or web'}` });
  if (s.expose.public || s.expose.path !== undefined || s.expose.host !== undefined) out.push({ code: 'DEX372', message: `${s.name} is ${what}: it cannot be exposed on the load balancer`, path: at('expose'), hint: 'remove expose' });
  // A network health check without a port is DEX382 already, for every kind.
  if (s.kind === 'job' && s.exec.enabled) out.push({ code: 'DEX372', message: `${s.name} is a job: no task keeps running for ECS Exec to open a shell in`, path: at('exec'), hint: 'remove exec; run the job\'s image by hand with aws ecs run-task to debug it' });
  return out;
}

function jobFindings(s: NormalizedService & { readonly job: NonNullable<NormalizedService['job']> }): Finding[] {
  const out: Finding[] = [];
  const at = (...path: (string | number)[]) => ['services', s.name, ...path];
  const { schedule, run } = s.job;
  if (schedule === undefined && run === undefined) {
    out.push({ code: 'DEX373', message: `${s.name} is a job with nothing to start it: no schedule and no run`, path: at('kind'), hint: 'add schedule: "cron(0 3 * * ? *)" (or rate(...)) to run it on a schedule, or run: before-release to run it in every release' });
  } else if (schedule !== undefined && run !== undefined) {
    out.push({ code: 'DEX373', message: `${s.name} has both a schedule and run: ${run}; a job has one trigger`, path: at('run'), hint: 'keep one; for both, declare two jobs with the same image and command' });
  }
  if (s.placement === 'ec2') {
    out.push({
      code: 'DEX375',
      message: `${s.name} is a job placed on EC2, where dex would have to keep an instance running between runs and run the container on it over SSM`,
      path: at(s.placementDecision.source === 'declared' ? 'placement' : 'kind'),
      hint: 'place the job on ecs (a Fargate task per run, nothing billed between runs) or eks (a CronJob); the services it talks to may stay on EC2',
    });
  }
  if (s.job.timezoneGiven && !isTimeZone(s.job.timezone)) {
    out.push({ code: 'DEX374', message: `${s.name}'s timezone ${s.job.timezone} is not an IANA time zone`, path: at('timezone'), hint: 'write a zone of the IANA tz database, e.g. UTC, Europe/Berlin or America/New_York' });
  }
  if (s.job.timezoneGiven && run !== undefined && schedule === undefined) {
    out.push({ code: 'DEX372', message: `${s.name} runs before each release; timezone only applies to a schedule`, path: at('timezone'), hint: 'remove timezone' });
  }
  if (schedule !== undefined) {
    const parsed = parseSchedule(schedule);
    if (isScheduleError(parsed)) {
      out.push({ code: 'DEX374', message: `${s.name}'s schedule: ${parsed.message}`, path: at('schedule'), hint: parsed.hint });
    } else if (s.placement === 'eks') {
      const cron = kubernetesCron(parsed);
      if (isScheduleError(cron)) out.push({ code: 'DEX374', message: `${s.name} runs on EKS as a CronJob: ${cron.message}`, path: at('schedule'), hint: cron.hint });
    }
  }
  return out;
}
