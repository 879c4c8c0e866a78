// Health rules: one way of checking per service and per probe (startup, liveness, readiness), a
// port for the checks that need one, an HTTP path wherever the load balancer checks (an ALB target
// group checks HTTP or gRPC, never TCP), and the floors of what receives a check: a target group
// and the ECS container health check take an interval of 5 s and up, Kubernetes probes 1 s.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedProbe, NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { behindLoadBalancer, exposedNames, namedLoadBalancerOf } from '../model/exposure.js';
import type { SemanticRule } from './index.js';

const PROBES = ['startup', 'liveness', 'readiness'] as const;
type ProbeName = (typeof PROBES)[number];

/** The least interval and timeout a target group and the ECS container health check accept, and a target group's least healthy threshold. */
export const LOAD_BALANCER_MIN_INTERVAL_SECONDS = 5;
export const LOAD_BALANCER_MIN_TIMEOUT_SECONDS = 2;
export const TARGET_GROUP_MIN_HEALTHY_THRESHOLD = 2;

export const healthRule: SemanticRule = {
  id: 'health',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      const h = s.health;
      const at = (...path: (string | number)[]) => ['services', s.name, 'health', ...path];
      const clash = clashOf(h.given);
      if (clash) {
        findings.push(clashFinding(s.name, at(clash[1]), clash, 'health'));
        continue;
      }
      if (s.port === undefined && (h.check !== 'http' || h.pathGiven)) {
        findings.push({
          code: 'DEX382',
          severity: 'error',
          message: `${s.name} has no port, so its health ${h.check === 'http' ? 'path' : h.check} cannot be checked`,
          path: at(h.given[0] ?? 'path'),
          hint: 'give the service a port, or check it with health.command (a command run in the container)',
        });
        continue;
      }
      let probesOk = true;
      for (const name of PROBES) {
        const p = h[name];
        const own = p.own.filter((k): k is 'path' | 'http' | 'tcp' | 'grpc' => k !== 'command');
        const probeClash = clashOf(own);
        if (probeClash) {
          findings.push(clashFinding(s.name, at(name, probeClash[1]), probeClash, `health.${name}`));
          probesOk = false;
        } else if (s.port === undefined && own.length > 0) {
          findings.push({
            code: 'DEX382',
            severity: 'error',
            message: `${s.name} has no port, so its ${name} check (${own[0]}) cannot be made`,
            path: at(name, own[0]!),
            hint: `give the service a port, or check it with health.${name}.command (a command run in the container)`,
          });
          probesOk = false;
        }
      }
      if (!probesOk) continue;
      const r = h.readiness;
      const behindAlb = s.port !== undefined && s.expose.public;
      // The readiness check is what the target group asks; when it names no check of its own, the main one's keys are where the fix goes.
      const readyAt = (key: string) => (r.own.length > 0 ? at('readiness', key) : at(key));
      if (behindAlb && !r.pathGiven && (r.check === 'tcp' || (r.check === 'http' && r.command !== undefined))) {
        findings.push({
          code: 'DEX381',
          severity: 'error',
          message: `${s.name} is behind the load balancer, which checks health over HTTP, but its ${r.own.length > 0 ? 'readiness check' : 'health'} ${r.check === 'tcp' ? 'is a TCP check' : 'is a command'} and names no path`,
          path: readyAt(r.check === 'tcp' ? 'tcp' : 'command'),
          hint: 'add health.path, the HTTP path the load balancer asks for (the platform keeps your check), or use grpc for a gRPC service',
        });
      }
      const alb = albOf(spec, s);
      if (alb && r.own.length > 0) {
        const grpc = h.check === 'grpc';
        const key = grpc ? r.own.find((k) => k === 'path' || k === 'http') : r.own.find((k) => k === 'grpc');
        if (key !== undefined) {
          findings.push({
            code: 'DEX861',
            severity: 'error',
            message: grpc
              ? `${s.name} speaks gRPC (health.grpc), so its target group on ${alb} checks the gRPC health protocol; its readiness check's HTTP ${key} cannot be that check`
              : `${s.name}'s readiness check is gRPC, but the service does not speak gRPC to ${alb} (its main check is not health.grpc), so the target group checks HTTP`,
            path: at('readiness', key),
            hint: grpc ? 'use readiness.grpc (or leave the readiness check out), or readiness.tcp with the platform doing the checking' : 'make health.grpc the main check when the service speaks gRPC, or use readiness.path',
          });
        }
      }
      findings.push(...floors(spec, s));
    }
    return findings;
  },
};

/** The load balancer a service's target group is on, when that is an ALB (the shared one or a named ALB); else undefined. */
function albOf(spec: NormalizedSpec, s: NormalizedService): string | undefined {
  if (exposedNames(spec).has(s.name)) return 'the load balancer';
  const named = namedLoadBalancerOf(spec, s);
  return named !== undefined && spec.ingress.loadBalancers?.[named]?.type === 'alb' ? named : undefined;
}

/**
 * DEX860: a timing below the floor of what receives it, located at the key that set it (the
 * probe's own, else the main check's): the readiness check's interval, timeout and healthy
 * threshold on a target group, the liveness check's interval and timeout on the ECS container
 * health check. Kubernetes and the EC2 boot check take the values as they are.
 */
function floors(spec: NormalizedSpec, s: NormalizedService): Finding[] {
  const out: Finding[] = [];
  const floor = (probe: ProbeName, key: 'intervalSeconds' | 'timeoutSeconds' | 'healthyThreshold', least: number, receiver: string, hint: string) => {
    const p: NormalizedProbe = s.health[probe];
    const value = p[key];
    if (value >= least) return;
    const what = key === 'intervalSeconds' ? `runs every ${value} s` : key === 'timeoutSeconds' ? `times out after ${value} s` : `counts a target healthy after ${value} success`;
    const need = key === 'intervalSeconds' ? `an interval of at least ${least} s` : key === 'timeoutSeconds' ? `a timeout of at least ${least} s` : `at least ${least} successes`;
    out.push({
      code: 'DEX860',
      severity: 'error',
      message: `${s.name}'s ${probe} check ${what}, but ${receiver} takes ${need}`,
      path: p.ownTimings.includes(key) ? ['services', s.name, 'health', probe, key] : ['services', s.name, 'health', key],
      hint,
    });
  };
  if (behindLoadBalancer(spec, s)) {
    const hint = 'set it on health.readiness (what the target group checks); the liveness and startup checks may stay shorter on Kubernetes';
    floor('readiness', 'intervalSeconds', LOAD_BALANCER_MIN_INTERVAL_SECONDS, 'its load balancer\'s target group', hint);
    floor('readiness', 'timeoutSeconds', LOAD_BALANCER_MIN_TIMEOUT_SECONDS, 'its load balancer\'s target group', hint);
    floor('readiness', 'healthyThreshold', TARGET_GROUP_MIN_HEALTHY_THRESHOLD, 'its load balancer\'s target group', hint);
    // A target group refuses a timeout that is not shorter than the interval (a check would overlap the next).
    const r = s.health.readiness;
    if (r.timeoutSeconds >= r.intervalSeconds && r.intervalSeconds >= LOAD_BALANCER_MIN_INTERVAL_SECONDS && r.timeoutSeconds >= LOAD_BALANCER_MIN_TIMEOUT_SECONDS) {
      out.push({
        code: 'DEX860',
        severity: 'error',
        message: `${s.name}'s readiness check times out after ${r.timeoutSeconds} s but runs every ${r.intervalSeconds} s; its load balancer's target group needs the timeout shorter than the interval`,
        path: r.ownTimings.includes('timeoutSeconds') ? ['services', s.name, 'health', 'readiness', 'timeoutSeconds'] : ['services', s.name, 'health', 'timeoutSeconds'],
        hint: `set a timeout under ${r.intervalSeconds} s (health.readiness.timeoutSeconds), or a longer interval`,
      });
    }
  }
  if (s.placement === 'ecs' && (s.port !== undefined || s.health.liveness.command !== undefined)) {
    const hint = 'set it on health.liveness (the ECS container health check), or in the environment overlay that places the service on ECS';
    floor('liveness', 'intervalSeconds', LOAD_BALANCER_MIN_INTERVAL_SECONDS, 'the ECS container health check', hint);
    floor('liveness', 'timeoutSeconds', LOAD_BALANCER_MIN_TIMEOUT_SECONDS, 'the ECS container health check', hint);
  }
  return out;
}

function clashFinding(service: string, path: (string | number)[], clash: [string, string], where: string): Finding {
  return {
    code: 'DEX380',
    severity: 'error',
    message: `${service}'s ${where} names ${clash[0]} and ${clash[1]}: ${clash[0] === 'path' && clash[1] === 'http' ? 'two spellings of the same check' : 'two ways of checking, and dex uses one'}`,
    path,
    hint: clash[0] === 'path' && clash[1] === 'http' ? 'keep one of path and http' : clash.includes('grpc') && clash[1] !== 'tcp' ? 'a gRPC service is checked over gRPC by the load balancer too: drop the path' : 'keep tcp or grpc; a path may go with tcp (the load balancer asks for it) and a command with any',
  };
}

/** The first pair of health keys that cannot go together: path and http (one check, two names), tcp and grpc, grpc and an HTTP path. */
function clashOf(given: readonly ('path' | 'http' | 'tcp' | 'grpc')[]): [string, string] | undefined {
  const has = (k: 'path' | 'http' | 'tcp' | 'grpc') => given.includes(k);
  if (has('path') && has('http')) return ['path', 'http'];
  if (has('tcp') && has('grpc')) return ['tcp', 'grpc'];
  if (has('grpc') && (has('path') || has('http'))) return [has('path') ? 'path' : 'http', 'grpc'];
  return undefined;
}
