// Rules of the load balancer's connection settings (`expose.websocket`, `idleTimeoutSeconds`,
// `stickiness`, `deregistrationDelaySeconds`, `slowStartSeconds`, `algorithm`): they need a target
// group, most of them an ALB's; slow start has AWS's bounds and does not go with least
// outstanding requests; and an ALB's idle timeout, one per load balancer, is the largest asked.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedService, NormalizedSpec, TrafficKey } from '../../spec/model.js';
import { exposedNames, exposedServices, namedLoadBalancerOf } from '../model/exposure.js';
import type { SemanticRule } from './index.js';

/** The settings an NLB target group also takes; the others are an ALB's. */
const NLB_KEYS: ReadonlySet<TrafficKey> = new Set(['deregistrationDelaySeconds']);
export const SLOW_START_MIN_SECONDS = 30;

export const trafficRule: SemanticRule = {
  id: 'traffic',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const at = (s: NormalizedService, key: string) => ['services', s.name, 'expose', key];
    const albs = new Map<string, NormalizedService[]>();
    for (const s of Object.values(spec.services)) {
      const t = s.expose.traffic;
      if (t.given.length === 0) continue;
      const named = namedLoadBalancerOf(spec, s);
      const lb = exposedNames(spec).has(s.name) ? 'alb' : named !== undefined ? spec.ingress.loadBalancers![named]!.type : undefined;
      const misplaced = lb === undefined ? t.given[0] : lb === 'nlb' ? t.given.find((k) => !NLB_KEYS.has(k)) : undefined;
      if (misplaced !== undefined) {
        findings.push({
          code: 'DEX862',
          severity: 'error',
          message:
            lb === undefined
              ? `${s.name} sets expose.${misplaced}, but it has no target group: it is not behind a load balancer${spec.ingress.loadBalancer !== 'alb' && s.expose.public ? ' (ingress.loadBalancer is none)' : ''}`
              : `${s.name} sets expose.${misplaced}, an ALB setting, but it is behind the NLB ${named}, which passes connections through`,
          path: at(s, misplaced),
          hint: lb === undefined ? 'expose the service (expose.public or expose.loadBalancer), or remove the setting' : 'put the service behind an ALB, or keep only deregistrationDelaySeconds on the NLB',
        });
        continue;
      }
      if (t.slowStartSeconds !== undefined && t.slowStartSeconds > 0 && t.slowStartSeconds < SLOW_START_MIN_SECONDS) {
        findings.push({
          code: 'DEX863',
          severity: 'error',
          message: `${s.name}'s slow start of ${t.slowStartSeconds} s is shorter than the ${SLOW_START_MIN_SECONDS} s a target group takes`,
          path: at(s, 'slowStartSeconds'),
          hint: `give ${SLOW_START_MIN_SECONDS} to 900 seconds, or 0 for none`,
        });
      } else if (t.slowStartSeconds !== undefined && t.slowStartSeconds > 0 && t.algorithm === 'least_outstanding_requests') {
        findings.push({
          code: 'DEX864',
          severity: 'error',
          message: `${s.name} asks for slow start and the least-outstanding-requests algorithm${t.given.includes('algorithm') ? '' : ' (from expose.websocket)'}; a target group takes one of the two`,
          path: at(s, 'slowStartSeconds'),
          hint: t.given.includes('algorithm') ? 'remove slowStartSeconds, or use algorithm: round_robin' : 'remove slowStartSeconds, or set algorithm: round_robin beside websocket',
        });
      }
      if (lb === 'alb') {
        const key = named ?? '';
        albs.set(key, [...(albs.get(key) ?? []), s]);
      }
    }
    // DEX865: the idle timeout is the ALB's, so the largest asked for applies to every service on it.
    for (const [named, asking] of albs) {
      const on = named === '' ? exposedServices(spec) : Object.values(spec.services).filter((s) => namedLoadBalancerOf(spec, s) === named);
      const top = asking.reduce((a, b) => ((b.expose.traffic.idleTimeoutSeconds ?? 0) > (a.expose.traffic.idleTimeoutSeconds ?? 0) ? b : a));
      const timeout = top.expose.traffic.idleTimeoutSeconds;
      if (timeout === undefined || timeout <= spec.ingress.idleTimeoutSeconds) continue;
      const others = on.filter((s) => s.name !== top.name && (s.expose.traffic.idleTimeoutSeconds ?? 0) < timeout).map((s) => s.name);
      if (others.length === 0) continue;
      findings.push({
        code: 'DEX865',
        severity: 'info',
        message: `${named === '' ? 'the load balancer' : named}'s idle timeout is ${timeout} s for every service on it (${others.join(', ')} too), because ${top.name} asks for it: the timeout is per load balancer`,
        path: at(top, top.expose.traffic.given.includes('idleTimeoutSeconds') ? 'idleTimeoutSeconds' : 'websocket'),
        hint: 'nothing to do unless a service relies on idle connections closing sooner; a separate load balancer (ingress.loadBalancers) keeps its own timeout',
      });
    }
    return findings;
  },
};
