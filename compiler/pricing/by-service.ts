// Per-service cost (dex plan --by service): each service's monthly cost — its own resources
// (compute, log groups, alarms, storage: everything whose component is `service/<name>`), the
// data stores only it uses, and its share of shared infrastructure — so that the parts add up to
// the environment's total, to the cent.
//
// The rule for shared cost (docs/cost.md, "Per service"): a resource used by several services is
// split among the services that use it, in proportion to their vCPU at the scaling minimum
// (`resources.cpu × scaling.min`, at least one task), with the cents left over by rounding given
// by the largest remainder (ties by service name). Who uses what:
//   - `database/<db>`, `cache/<c>`: the services that list it in `uses` (one service: its own);
//     `databases` (what all databases share): the services that use any database;
//   - `platform/eks…` (cluster, node groups, their add-ons): the services placed on EKS;
//     `platform/ecs`: the services on ECS; `platform/ecs/instances` (the EC2 container instances):
//     the services with `capacity.ec2`;
//   - `ingress` (load balancer, WAF, their logs and data transfer): the publicly exposed services;
//   - everything else (network, NAT, endpoints, bastion, security, audit, monitoring, CI): every
//     service. A pool no service matches (a data store nobody uses) is shared by every service too.
import { podResources, type NormalizedSpec } from '../../spec/model.js';
import type { ModelResource } from '../model/types.js';

export interface MoneyRange {
  readonly monthlyMin: number;
  readonly monthlyMax: number;
}

/** One shared pool's part in a service's cost. */
export interface ServiceShare {
  /** The component(s) shared: 'platform/eks', 'network', 'database/postgres'. */
  readonly pool: string;
  /** The services the pool is split among. */
  readonly sharedWith: readonly string[];
  /** This service's weight over the pool's (vCPU at the scaling minimum). */
  readonly weight: number;
  readonly poolWeight: number;
  readonly poolMonthlyUsd: MoneyRange;
  readonly monthlyUsd: MoneyRange;
}

export interface ServiceCost {
  readonly service: string;
  readonly placement: string;
  /** Its own resources (component service/<name>). */
  readonly own: MoneyRange;
  /** Data stores only this service uses. */
  readonly dataStores: MoneyRange;
  /** Its shares of shared infrastructure. */
  readonly shared: MoneyRange;
  readonly total: MoneyRange;
  readonly shares: readonly ServiceShare[];
  /** Unpriced items in its own resources and dedicated data stores (not in `total`). */
  readonly unpricedOwn: number;
  /** Unpriced items in pools it shares (not in `total`). */
  readonly unpricedShared: number;
}

export interface ByService {
  readonly rule: string;
  readonly services: readonly ServiceCost[];
}

export const SHARE_RULE =
  "own resources and the data stores only it uses are the service's; a resource several services use is split among them by vCPU at the scaling minimum (resources.cpu × scaling.min, at least one task): EKS cluster and nodes among EKS services, ECS among ECS services, a database or cache among the services that use it, ingress among the public services, everything else among all";

interface Line {
  readonly resource: string;
  readonly monthlyUsd: { readonly min: number; readonly max: number };
}

type Pool = { readonly key: string; readonly services: readonly string[] };

function poolOf(component: string, spec: NormalizedSpec, all: readonly string[]): Pool {
  const svc = /^service\/(.+)$/.exec(component);
  if (svc && all.includes(svc[1]!)) return { key: component, services: [svc[1]!] };
  const services = Object.values(spec.services);
  const pick = (key: string, f: (s: (typeof services)[number]) => boolean): Pool => {
    const names = services.filter(f).map((s) => s.name).sort();
    return names.length ? { key, services: names } : { key, services: all };
  };
  const store = /^(database|cache|bucket|table)\/(.+)$/.exec(component);
  if (store) return pick(component, (s) => s.uses.includes(store[2]!));
  // A queue is shared by the services that send to or consume it, a topic by its publishers.
  const messaging = /^(queue|topic)\/(.+)$/.exec(component);
  if (messaging) return pick(component, (s) => (messaging[1] === 'queue' ? s.messaging?.queues : s.messaging?.topics)?.some((u) => u.name === messaging[2]) ?? false);
  if (component === 'databases') return pick(component, (s) => s.uses.some((u) => u in spec.databases));
  if (component === 'platform/eks' || component.startsWith('platform/eks/')) return pick('platform/eks', (s) => s.placement === 'eks');
  // The container instances: the services whose tasks run on them (capacity.ec2).
  if (component === 'platform/ecs/instances') return pick(component, (s) => s.placement === 'ecs' && s.capacity?.ec2 !== undefined);
  if (component === 'platform/ecs' || component.startsWith('platform/ecs/')) return pick('platform/ecs', (s) => s.placement === 'ecs');
  if (component === 'ingress') return pick('ingress', (s) => s.expose.public);
  return { key: 'shared', services: all };
}

const weightOf = (spec: NormalizedSpec, name: string): number => {
  const s = spec.services[name]!;
  // A task's or pod's vCPU, its sidecars' included.
  return podResources(s).cpu * Math.max(1, s.scaling.min);
};

/** Splits whole cents by weight; the remainder goes by largest fraction, then by name. */
function split(cents: number, names: readonly string[], weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const raw = names.map((_, i) => (total > 0 ? (cents * weights[i]!) / total : cents / names.length));
  const out = raw.map((r) => Math.floor(r));
  let left = cents - out.reduce((a, b) => a + b, 0);
  const order = names.map((n, i) => ({ i, frac: raw[i]! - out[i]!, n })).sort((a, b) => b.frac - a.frac || (a.n < b.n ? -1 : 1));
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]!.i]! += 1;
  return out;
}

const cents = (n: number): number => Math.round(n * 100);
const money = (min: number, max: number): MoneyRange => ({ monthlyMin: min / 100, monthlyMax: max / 100 });

export function costByService(spec: NormalizedSpec, resources: readonly ModelResource[], lineItems: readonly Line[], unpriced: readonly { readonly resource: string }[]): ByService | undefined {
  const all = Object.keys(spec.services).sort();
  if (all.length === 0) return undefined;
  const component = new Map(resources.map((r) => [r.logicalId, r.component]));
  // Usage assumptions no resource meters (usage.*) have no component: shared by all.
  const poolFor = (resource: string): Pool => poolOf(component.get(resource) ?? '', spec, all);
  const pools = new Map<string, { services: readonly string[]; min: number; max: number; unpriced: number }>();
  const entry = (p: Pool) => {
    const id = `${p.key}|${p.services.join(',')}`;
    let e = pools.get(id);
    if (!e) pools.set(id, (e = { services: p.services, min: 0, max: 0, unpriced: 0 }));
    return e;
  };
  for (const l of lineItems) {
    const e = entry(poolFor(l.resource));
    e.min += cents(l.monthlyUsd.min);
    e.max += cents(l.monthlyUsd.max);
  }
  for (const u of unpriced) entry(poolFor(u.resource)).unpriced += 1;

  const acc = new Map(all.map((n) => [n, { own: [0, 0] as [number, number], data: [0, 0] as [number, number], shared: [0, 0] as [number, number], shares: [] as ServiceShare[], unpricedOwn: 0, unpricedShared: 0 }]));
  for (const [id, p] of [...pools].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const key = id.slice(0, id.indexOf('|'));
    const weights = p.services.map((n) => weightOf(spec, n));
    const mins = split(p.min, p.services, weights);
    const maxs = split(p.max, p.services, weights);
    const poolWeight = weights.reduce((a, b) => a + b, 0);
    p.services.forEach((n, i) => {
      const a = acc.get(n)!;
      const kind = p.services.length === 1 ? (key.startsWith('service/') ? 'own' : 'data') : 'shared';
      // A pool of one that is not the service's own (the only public service's ingress) is shared infrastructure it alone uses.
      const bucket = kind === 'data' && !/^(database|cache|queue|topic)\//.test(key) ? 'shared' : kind;
      a[bucket][0] += mins[i]!;
      a[bucket][1] += maxs[i]!;
      if (bucket === 'shared') {
        a.shares.push({ pool: key, sharedWith: p.services, weight: weights[i]!, poolWeight, poolMonthlyUsd: money(p.min, p.max), monthlyUsd: money(mins[i]!, maxs[i]!) });
        a.unpricedShared += p.unpriced;
      } else a.unpricedOwn += p.unpriced;
    });
  }
  return {
    rule: SHARE_RULE,
    services: all.map((n) => {
      const a = acc.get(n)!;
      return {
        service: n,
        placement: spec.services[n]!.placement,
        own: money(a.own[0], a.own[1]),
        dataStores: money(a.data[0], a.data[1]),
        shared: money(a.shared[0], a.shared[1]),
        total: money(a.own[0] + a.data[0] + a.shared[0], a.own[1] + a.data[1] + a.shared[1]),
        shares: a.shares,
        unpricedOwn: a.unpricedOwn,
        unpricedShared: a.unpricedShared,
      };
    }),
  };
}
