// Which services the spec exposes through the load balancer: a question of the spec alone, asked
// by the ALB's building block, the security groups, CI and the monitoring configuration alike.
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';

/** Services the load balancer routes to: public, with a port, and the spec wants an ALB. */
export function exposedServices(spec: NormalizedSpec): NormalizedService[] {
  if (spec.ingress.loadBalancer !== 'alb') return [];
  return Object.values(spec.services)
    .filter((s) => s.expose.public && s.port !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
