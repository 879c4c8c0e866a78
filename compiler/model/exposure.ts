// Which services the spec exposes through the load balancer: a question of the spec alone, asked
// by the ALB's building block, the security groups, CI and the monitoring configuration alike.
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';

/** Services the load balancer routes to: public web services (a backend never is, DEX371) with a port, and the spec wants an ALB. */
export function exposedServices(spec: NormalizedSpec): NormalizedService[] {
  return [...exposedOf(spec).list];
}

/** Names of the services the load balancer routes to, for a per-service question in O(1). */
export function exposedNames(spec: NormalizedSpec): ReadonlySet<string> {
  return exposedOf(spec).names;
}

// Every block asks, per service, whether it is exposed: scanning all services each time made
// building the model quadratic. A normalized spec is never changed, so once per spec is enough.
const exposedCache = new WeakMap<NormalizedSpec, { readonly list: readonly NormalizedService[]; readonly names: ReadonlySet<string> }>();

function exposedOf(spec: NormalizedSpec): { readonly list: readonly NormalizedService[]; readonly names: ReadonlySet<string> } {
  let entry = exposedCache.get(spec);
  if (entry === undefined) {
    const list =
      spec.ingress.loadBalancer !== 'alb'
        ? []
        : Object.values(spec.services)
            // A service on a named load balancer (ingress.loadBalancers) is not on the shared ALB; only web services are.
            .filter((s) => s.expose.public && s.port !== undefined && s.expose.loadBalancer === undefined && (s.kind === 'web' || s.kind === undefined))
            .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    entry = { list, names: new Set(list.map((s) => s.name)) };
    exposedCache.set(spec, entry);
  }
  return entry;
}

/**
 * The named load balancer (ingress.loadBalancers) a service is behind, or undefined: the shared
 * ALB's services are exposedServices. Needs a port and a load balancer of that name.
 */
export function namedLoadBalancerOf(spec: NormalizedSpec, s: NormalizedService): string | undefined {
  const name = s.expose.loadBalancer;
  if (name === undefined || s.port === undefined) return undefined;
  return spec.ingress.loadBalancers !== undefined && Object.hasOwn(spec.ingress.loadBalancers, name) ? name : undefined;
}

/** Whether a service registers in a target group: behind the shared ALB or a named load balancer. */
export function behindLoadBalancer(spec: NormalizedSpec, s: NormalizedService): boolean {
  return exposedNames(spec).has(s.name) || namedLoadBalancerOf(spec, s) !== undefined;
}
