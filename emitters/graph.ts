// A picture of one environment (dex graph, dex report): the system as a graph — the internet, the
// VPC's tiers as nested groups, the load balancer, the services grouped by platform, the data
// stores, and arrows for traffic and `uses` — each box with its monthly cost from the plan. The
// costs are the plan's, never priced again: a service's is its `--by service` total (its own
// resources, the data stores only it uses, its share of shared infrastructure); any other box's
// is the sum of the plan's lines of its component (the load balancer is `ingress`, a database
// `database/<name>`), so a service and the store it uses both show the store's cost. Buckets,
// tables, queues and topics are regional services, not in the VPC: they get a group of their own
// beside it. Pure.
//
// The graph is data (systemGraph); Mermaid text (mermaidGraph) and SVG (emitters/graph-svg.ts)
// are two renderings of it.
import { mermaidLabel } from '../compiler/model/quote.js';
import { costByService, type ServiceCost } from '../compiler/pricing/by-service.js';
import type { EnvironmentPlan, MoneyRange } from '../compiler/pricing/plan.js';
import type { NormalizedSpec, Placement } from '../spec/model.js';

export type NodeKind = 'internet' | 'load-balancer' | 'bastion' | 'service' | 'database' | 'cache' | 'monitoring' | 'bucket' | 'table' | 'queue' | 'topic';
export type GroupKind = 'vpc' | 'tier' | 'platform' | 'monitoring' | 'regional';
/**
 * traffic: from the internet through the load balancer; uses: a service's data store, queue or
 * topic; calls: a service another one uses; admin: SSH to the bastion; delivers: a topic's
 * subscription to a queue.
 */
export type EdgeKind = 'traffic' | 'uses' | 'calls' | 'admin' | 'delivers';

/** Left to right: the internet, the public tier, the workloads, the data stores. */
export type Column = 0 | 1 | 2 | 3;

export interface GraphGroup {
  readonly id: string;
  readonly kind: GroupKind;
  readonly title: string;
  readonly detail: string;
  readonly cost: MoneyRange | undefined;
  /** What `cost` covers, when the title does not say: 'network' (NAT, endpoints, flow logs). */
  readonly costLabel?: string;
  /** The enclosing group; undefined at the top. */
  readonly parent: string | undefined;
  readonly column: Column | undefined;
}

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** The name from dex.yaml (a service, database or cache), or what the box is ('Internet'). */
  readonly name: string;
  readonly detail: string;
  readonly cost: MoneyRange | undefined;
  /** The innermost group; undefined outside the VPC (the internet). */
  readonly group: string | undefined;
  readonly column: Column;
  readonly placement?: Placement;
  /** Some of its billable usage has no price in the plan (set only then): the amount is a floor. */
  readonly unpriced?: true;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
}

/** Plan lines of components no box stands for (audit, security, CI), so the picture's total is whole. */
export interface OffGraphCost {
  readonly component: string;
  readonly cost: MoneyRange;
}

export interface SystemGraph {
  readonly system: string;
  readonly environment: string;
  readonly region: string;
  readonly totals: MoneyRange;
  /** Groups parents first; nodes grouped, sorted by name within a group; edges sorted. */
  readonly groups: readonly GraphGroup[];
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly offGraph: readonly OffGraphCost[];
}

/** '$1,234.56', as the plan prints money. */
export function usdText(value: number): string {
  const cents = Math.round(value * 100);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}$${Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${(abs % 100).toString().padStart(2, '0')}`;
}

/**
 * A box's amount, '+ unpriced' when some of its usage has no price (never a bare $0.00 for what is
 * not known), 'unpriced' when none of it has; '' when the box has no billable usage.
 */
export function nodeCostText(n: Pick<GraphNode, 'cost' | 'unpriced'>): string {
  if (n.cost === undefined) return n.unpriced ? 'unpriced' : '';
  return n.unpriced ? `${monthlyText(n.cost)} + unpriced` : monthlyText(n.cost);
}

/** '$376.67 – $829.79 /mo', or one amount when min = max. */
export function monthlyText(cost: MoneyRange): string {
  return `${cost.monthlyMin === cost.monthlyMax ? usdText(cost.monthlyMin) : `${usdText(cost.monthlyMin)} – ${usdText(cost.monthlyMax)}`} /mo`;
}

const PLATFORM_ORDER: readonly Placement[] = ['eks', 'ecs', 'ec2'];
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Each component's plan lines summed, in cents (the plan's own rounding: cents per line). */
function componentCents(env: EnvironmentPlan): Map<string, [number, number]> {
  const component = new Map(env.model.resources.map((r) => [r.logicalId, r.component]));
  const sums = new Map<string, [number, number]>();
  for (const l of env.lineItems) {
    const key = component.get(l.resource) ?? '';
    const s = sums.get(key) ?? [0, 0];
    s[0] += Math.round(l.monthlyUsd.min * 100);
    s[1] += Math.round(l.monthlyUsd.max * 100);
    sums.set(key, s);
  }
  return sums;
}

/** The services' costs: the plan's --by service view, or the same split computed from its lines. */
function serviceCosts(env: EnvironmentPlan): ReadonlyMap<string, ServiceCost> {
  const view = env.byService ?? costByService(env.model.spec, env.model.resources, env.lineItems, env.unpriced);
  return new Map((view?.services ?? []).map((s) => [s.service, s]));
}

/** What a `uses` name means: a database or cache wins over a service of the same name (as the checks read it). */
function usesTarget(spec: NormalizedSpec, name: string): 'database' | 'cache' | 'service' | undefined {
  if (Object.hasOwn(spec.databases, name)) return 'database';
  if (Object.hasOwn(spec.caches, name)) return 'cache';
  if (Object.hasOwn(spec.services, name)) return 'service';
  return undefined;
}

function serviceDetail(spec: NormalizedSpec, name: string): string {
  const s = spec.services[name]!;
  const count = s.scaling.min === s.scaling.max ? `${s.scaling.min}` : `${s.scaling.min}–${s.scaling.max}`;
  if (s.placement === 'ec2') return `${s.instanceType ?? 'EC2'} × ${count}`;
  return `${s.resources.cpu} vCPU · ${s.resources.memory} × ${count}`;
}

const ENGINE: Readonly<Record<string, string>> = { postgres: 'PostgreSQL', mysql: 'MySQL', 'aurora-postgresql': 'Aurora PostgreSQL', 'aurora-mysql': 'Aurora MySQL', redis: 'Redis', valkey: 'Valkey' };

export function systemGraph(env: EnvironmentPlan): SystemGraph {
  const spec = env.model.spec;
  const cents = componentCents(env);
  const drawn = new Set<string>();
  /** The summed cost of components, marking them drawn; undefined when none has a line. */
  const cost = (match: (component: string) => boolean): MoneyRange | undefined => {
    let min = 0;
    let max = 0;
    let any = false;
    for (const [c, [a, b]] of cents) {
      if (!match(c)) continue;
      drawn.add(c);
      min += a;
      max += b;
      any = true;
    }
    return any ? { monthlyMin: min / 100, monthlyMax: max / 100 } : undefined;
  };
  const services = serviceCosts(env);
  for (const name of Object.keys(spec.services)) drawn.add(`service/${name}`);
  const componentOf = new Map(env.model.resources.map((r) => [r.logicalId, r.component]));
  const unpricedComponents = new Set(env.unpriced.map((u) => componentOf.get(u.resource) ?? ''));

  const groups: GraphGroup[] = [];
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const net = spec.network;
  const hasAlb = env.model.resources.some((r) => r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer');

  nodes.push({ id: 'internet', kind: 'internet', name: 'Internet', detail: 'clients', cost: undefined, group: undefined, column: 0 });
  const nat = net.natGateways === 'none' ? 'no NAT' : net.natGateways === 'single' ? 'one NAT gateway' : `${net.availabilityZones} NAT gateways`;
  // An imported VPC's NAT is its owner's: the picture says so rather than drawing dex's.
  const title = net.imported ? `VPC ${net.imported.vpcId} (imported) ${net.cidr}` : `VPC ${net.cidr}`;
  const detail = net.imported ? `${net.availabilityZones} zones · ${net.natGateways === 'none' ? 'no NAT' : 'NAT outside dex'}` : `${net.availabilityZones} zones · ${nat}`;
  groups.push({ id: 'vpc', kind: 'vpc', title, detail, cost: cost((c) => c === 'network'), costLabel: 'network', parent: undefined, column: undefined });

  // Public tier: the load balancer and the bastion.
  const publicNodes: GraphNode[] = [];
  if (hasAlb) {
    const ingress = spec.ingress;
    const detail = [`TLS ${ingress.tls.policy === 'tls13' ? '1.3' : '1.2'}`, ...(ingress.waf.enabled ? ['WAF'] : [])].join(' · ');
    publicNodes.push({ id: 'lb', kind: 'load-balancer', name: 'Load balancer', detail: `ALB · ${detail}`, cost: cost((c) => c === 'ingress'), group: 'tier_public', column: 1 });
  }
  if (net.bastion.enabled) publicNodes.push({ id: 'bastion', kind: 'bastion', name: 'Bastion', detail: `${net.bastion.instanceType} · SSH`, cost: cost((c) => c === 'bastion'), group: 'tier_public', column: 1 });
  if (publicNodes.length > 0) {
    groups.push({ id: 'tier_public', kind: 'tier', title: 'Public subnets', detail: net.subnets.public.join(', '), cost: undefined, parent: 'vpc', column: 1 });
    nodes.push(...publicNodes);
  }

  // Private tier: the services by platform, then the monitoring servers.
  const names = Object.keys(spec.services).sort(byName);
  const serviceId = new Map(names.map((n, i) => [n, `svc_${i + 1}`]));
  groups.push({ id: 'tier_private', kind: 'tier', title: 'Private subnets', detail: net.subnets.private.join(', '), cost: undefined, parent: 'vpc', column: 2 });
  for (const platform of PLATFORM_ORDER) {
    const here = names.filter((n) => spec.services[n]!.placement === platform);
    if (here.length === 0) continue;
    const eks = spec.platforms.eks;
    const group =
      platform === 'eks'
        ? { title: `EKS ${eks.version}`, detail: eks.nodeGroups.map((g) => `${g.instanceType} × ${g.min === g.max ? g.min : `${g.min}–${g.max}`} nodes`).join(', ') || 'cluster', cost: cost((c) => c === 'platform/eks' || c.startsWith('platform/eks/')) }
        : platform === 'ecs'
          ? { title: 'ECS', detail: spec.platforms.ecs.capacity === 'fargate-spot' ? 'Fargate Spot' : 'Fargate', cost: cost((c) => c === 'platform/ecs' || c.startsWith('platform/ecs/')) }
          : { title: 'EC2', detail: 'Auto Scaling groups', cost: undefined };
    groups.push({ id: `platform_${platform}`, kind: 'platform', ...group, parent: 'tier_private', column: 2 });
    for (const n of here) {
      nodes.push({ id: serviceId.get(n)!, kind: 'service', name: n, detail: serviceDetail(spec, n), cost: services.get(n)?.total, group: `platform_${platform}`, column: 2, placement: platform });
    }
  }
  const mon = spec.monitoring;
  const monitors: GraphNode[] = [];
  if (mon.prometheus.enabled) monitors.push({ id: 'prometheus', kind: 'monitoring', name: 'Prometheus', detail: `${mon.prometheus.instanceType} · ${mon.prometheus.storageGiB} GiB`, cost: cost((c) => c === 'monitoring/prometheus'), group: 'monitoring', column: 2 });
  if (mon.grafana.enabled) monitors.push({ id: 'grafana', kind: 'monitoring', name: 'Grafana', detail: `${mon.grafana.instanceType} · ${mon.grafana.storageGiB} GiB`, cost: cost((c) => c === 'monitoring/grafana'), group: 'monitoring', column: 2 });
  const cloudwatch = cost((c) => c === 'monitoring');
  if (cloudwatch) monitors.push({ id: 'cloudwatch', kind: 'monitoring', name: 'CloudWatch', detail: ['alarms', ...(mon.dashboard ? ['dashboard'] : []), ...(mon.tracing === 'xray' ? ['X-Ray'] : [])].join(' · '), cost: cloudwatch, group: 'monitoring', column: 2 });
  if (monitors.length > 0) {
    groups.push({ id: 'monitoring', kind: 'monitoring', title: 'Monitoring', detail: '', cost: undefined, parent: 'tier_private', column: 2 });
    nodes.push(...monitors);
  }

  // Database tier: databases, then caches.
  const dbNames = Object.keys(spec.databases).sort(byName);
  const cacheNames = Object.keys(spec.caches).sort(byName);
  const dbId = new Map(dbNames.map((n, i) => [n, `db_${i + 1}`]));
  const cacheId = new Map(cacheNames.map((n, i) => [n, `cache_${i + 1}`]));
  if (dbNames.length + cacheNames.length > 0) {
    // Without a database tier (network.subnets.database: []) the stores sit in the private subnets.
    const dbTier = net.subnets.database.length > 0 || net.imported !== undefined;
    groups.push({ id: 'tier_database', kind: 'tier', title: dbTier ? 'Database subnets' : 'Data stores (private subnets)', detail: (dbTier ? net.subnets.database : net.subnets.private).join(', '), cost: undefined, parent: 'vpc', column: 3 });
    for (const n of dbNames) {
      const d = spec.databases[n]!;
      // Aurora Serverless v2 runs no instance class; its capacity is the range of ACUs.
      const size = d.serverless ? `${d.serverless.minAcu}–${d.serverless.maxAcu} ACU` : d.instanceClass;
      const detail = [`${ENGINE[d.engine] ?? d.engine} ${d.version}`, size, ...(d.multiAz ? ['Multi-AZ'] : [])].join(' · ');
      nodes.push({ id: dbId.get(n)!, kind: 'database', name: n, detail, cost: cost((c) => c === `database/${n}`), group: 'tier_database', column: 3 });
    }
    for (const n of cacheNames) {
      const c = spec.caches[n]!;
      const count = c.nodes.min === c.nodes.max ? `${c.nodes.min}` : `${c.nodes.min}–${c.nodes.max}`;
      nodes.push({ id: cacheId.get(n)!, kind: 'cache', name: n, detail: `${ENGINE[c.engine] ?? c.engine} ${c.version} · ${c.nodeType} × ${count}`, cost: cost((k) => k === `cache/${n}`), group: 'tier_database', column: 3 });
    }
  }

  // Regional services, beside the VPC: buckets, tables, queues, topics (each sorted by name).
  const regional = regionalNodes(spec, cost);
  if (regional.nodes.length > 0) {
    groups.push({ id: 'regional', kind: 'regional', title: `Regional services (${spec.region})`, detail: 'outside the VPC', cost: undefined, parent: undefined, column: 3 });
    nodes.push(...regional.nodes);
  }

  if (hasAlb) {
    edges.push({ from: 'internet', to: 'lb', kind: 'traffic' });
    for (const n of names) if (spec.services[n]!.expose.public) edges.push({ from: 'lb', to: serviceId.get(n)!, kind: 'traffic' });
  }
  if (net.bastion.enabled) edges.push({ from: 'internet', to: 'bastion', kind: 'admin' });
  for (const n of names) {
    for (const u of [...spec.services[n]!.uses].sort(byName)) {
      const kind = usesTarget(spec, u);
      const to = kind === 'database' ? dbId.get(u) : kind === 'cache' ? cacheId.get(u) : kind === 'service' ? serviceId.get(u) : undefined;
      if (to !== undefined) edges.push({ from: serviceId.get(n)!, to, kind: kind === 'service' ? 'calls' : 'uses' });
    }
    const service = spec.services[n]!;
    const reached = [
      ...service.stores.map((u) => regional.id.get(`${u.kind}/${u.name}`)),
      ...(service.messaging?.queues ?? []).map((u) => regional.id.get(`queue/${u.name}`)),
      ...(service.messaging?.topics ?? []).map((u) => regional.id.get(`topic/${u.name}`)),
    ];
    for (const to of [...new Set(reached.filter((id): id is string => id !== undefined))].sort(byName)) edges.push({ from: serviceId.get(n)!, to, kind: 'uses' });
  }
  for (const [name, topic] of Object.entries(spec.topics ?? {}).sort(([a], [b]) => byName(a, b))) {
    const from = regional.id.get(`topic/${name}`)!;
    const queues = topic.subscriptions.flatMap((sub) => (sub.kind === 'queue' ? [regional.id.get(`queue/${sub.queue}`)] : []));
    for (const to of [...new Set(queues.filter((id): id is string => id !== undefined))].sort(byName)) edges.push({ from, to, kind: 'delivers' });
  }

  // Which boxes' amounts leave something out: their component has unpriced usage.
  const componentOfNode = (n: GraphNode): string | undefined => {
    if (n.kind === 'database' || n.kind === 'cache' || n.kind === 'bucket' || n.kind === 'table' || n.kind === 'queue' || n.kind === 'topic') return `${n.kind}/${n.name}`;
    if (n.kind === 'load-balancer') return 'ingress';
    if (n.kind === 'bastion') return 'bastion';
    if (n.kind === 'monitoring') return n.id === 'cloudwatch' ? 'monitoring' : `monitoring/${n.id}`;
    return undefined;
  };
  const marked = nodes.map((n): GraphNode => {
    const component = componentOfNode(n);
    const unpriced = n.kind === 'service' ? (services.get(n.name)?.unpricedOwn ?? 0) > 0 : component !== undefined && unpricedComponents.has(component);
    return unpriced ? { ...n, unpriced: true } : n;
  });

  const offGraph = [...cents]
    .filter(([c]) => !drawn.has(c))
    .sort(([a], [b]) => byName(a, b))
    .map(([c, [min, max]]) => ({ component: c === '' ? 'usage' : c, cost: { monthlyMin: min / 100, monthlyMax: max / 100 } }));
  // A tier with nothing in it (the private tier of a system without services) is not drawn.
  const used = (g: GraphGroup): boolean => nodes.some((n) => n.group === g.id) || groups.some((c) => c.parent === g.id && used(c));
  return { system: spec.name, environment: env.environment, region: env.region, totals: env.totals, groups: groups.filter(used), nodes: marked, edges, offGraph };
}

/** The buckets, tables, queues and topics as boxes, with their ids by `kind/name`. */
function regionalNodes(spec: NormalizedSpec, cost: (match: (component: string) => boolean) => MoneyRange | undefined): { nodes: GraphNode[]; id: Map<string, string> } {
  const nodes: GraphNode[] = [];
  const id = new Map<string, string>();
  const add = (kind: 'bucket' | 'table' | 'queue' | 'topic', prefix: string, names: readonly string[], detail: (name: string) => string) => {
    names.forEach((name, i) => {
      const nodeId = `${prefix}_${i + 1}`;
      id.set(`${kind}/${name}`, nodeId);
      nodes.push({ id: nodeId, kind, name, detail: detail(name), cost: cost((c) => c === `${kind}/${name}`), group: 'regional', column: 3 });
    });
  };
  const sorted = (record: Readonly<Record<string, unknown>> | undefined) => Object.keys(record ?? {}).sort(byName);
  add('bucket', 'bucket', sorted(spec.buckets), (n) => ['S3', ...(spec.buckets[n]!.versioning ? ['versioned'] : []), ...(spec.buckets[n]!.replication !== false ? ['replicated'] : [])].join(' · '));
  add('table', 'table', sorted(spec.tables), (n) => `DynamoDB · ${spec.tables[n]!.billing}`);
  const queues = spec.queues ?? {};
  add('queue', 'queue', sorted(queues), (n) => ['SQS', ...(queues[n]!.fifo ? ['FIFO'] : []), ...(queues[n]!.deadLetter.enabled ? ['dead-letter queue'] : [])].join(' · '));
  const topics = spec.topics ?? {};
  add('topic', 'topic', sorted(topics), (n) => ['SNS', ...(topics[n]!.fifo ? ['FIFO'] : []), `${topics[n]!.subscriptions.length} subscription${topics[n]!.subscriptions.length === 1 ? '' : 's'}`].join(' · '));
  return { nodes, id };
}

const SHAPE: Readonly<Record<NodeKind, readonly [string, string]>> = {
  internet: ['((', '))'],
  'load-balancer': ['{{', '}}'],
  bastion: ['[', ']'],
  service: ['[', ']'],
  database: ['[(', ')]'],
  cache: ['[(', ')]'],
  monitoring: ['[', ']'],
  bucket: ['[(', ')]'],
  table: ['[(', ')]'],
  queue: ['[/', '/]'],
  topic: ['[/', '/]'],
};
const ARROW: Readonly<Record<EdgeKind, string>> = { traffic: '==>', uses: '-->', calls: '-->', admin: '-.->', delivers: '-.->' };

/** Mermaid classes, one per kind of box (services by platform), so a renderer can colour them. */
const CLASS_DEFS: readonly string[] = [
  'classDef internet fill:#f4f4f5,stroke:#71717a',
  'classDef edge fill:#fff7ed,stroke:#ea580c',
  'classDef eks fill:#eff6ff,stroke:#2563eb',
  'classDef ecs fill:#f0fdf4,stroke:#16a34a',
  'classDef ec2 fill:#fefce8,stroke:#ca8a04',
  'classDef store fill:#faf5ff,stroke:#9333ea',
  'classDef monitoring fill:#f8fafc,stroke:#64748b',
  'classDef messaging fill:#fdf2f8,stroke:#db2777',
];

function classOf(n: GraphNode): string {
  if (n.kind === 'service') return n.placement ?? 'ecs';
  if (n.kind === 'load-balancer' || n.kind === 'bastion') return 'edge';
  if (n.kind === 'database' || n.kind === 'cache' || n.kind === 'bucket' || n.kind === 'table') return 'store';
  if (n.kind === 'queue' || n.kind === 'topic') return 'messaging';
  return n.kind;
}

const nodeLines = (n: GraphNode): string[] => {
  const cost = nodeCostText(n);
  return [n.name, ...(n.detail ? [n.detail] : []), ...(cost ? [cost] : [])];
};
/** '$223.16 – $236.56 /mo', or 'network $223.16 – $236.56 /mo': what a group's cost covers. */
export const groupCostText = (g: GraphGroup): string => (g.cost ? `${g.costLabel ? `${g.costLabel} ` : ''}${monthlyText(g.cost)}` : '');
const groupLines = (g: GraphGroup): string[] => {
  const second = [g.detail, groupCostText(g)].filter(Boolean).join(' · ');
  return [g.title, ...(second ? [second] : [])];
};

/** The graph as a Mermaid flowchart: groups as nested subgraphs, every label through mermaidLabel. */
export function renderMermaid(graph: SystemGraph): string {
  const lines: string[] = ['flowchart LR'];
  const children = (parent: string | undefined) => graph.groups.filter((g) => g.parent === parent);
  const nodeLine = (n: GraphNode, indent: string) => `${indent}${n.id}${SHAPE[n.kind][0]}${mermaidLabel(nodeLines(n))}${SHAPE[n.kind][1]}`;
  const emitGroup = (g: GraphGroup, depth: number) => {
    const indent = '  '.repeat(depth);
    lines.push(`${indent}subgraph ${g.id} [${mermaidLabel(groupLines(g))}]`);
    for (const n of graph.nodes.filter((x) => x.group === g.id)) lines.push(nodeLine(n, `${indent}  `));
    for (const c of children(g.id)) emitGroup(c, depth + 1);
    lines.push(`${indent}end`);
  };
  for (const n of graph.nodes.filter((x) => x.group === undefined)) lines.push(nodeLine(n, '  '));
  for (const g of children(undefined)) emitGroup(g, 1);
  for (const e of graph.edges) lines.push(`  ${e.from} ${ARROW[e.kind]} ${e.to}`);
  const classes = new Map<string, string[]>();
  for (const n of graph.nodes) classes.set(classOf(n), [...(classes.get(classOf(n)) ?? []), n.id]);
  // The messaging class only where a queue or topic is drawn (the pictures without stay as they were).
  lines.push(...CLASS_DEFS.filter((c) => !c.startsWith('classDef messaging ') || classes.has('messaging')).map((c) => `  ${c}`));
  for (const [cls, ids] of [...classes].sort(([a], [b]) => byName(a, b))) lines.push(`  class ${ids.join(',')} ${cls}`);
  return `${lines.join('\n')}\n`;
}

/**
 * One environment of a plan as a Mermaid flowchart, for a Markdown plan or a pull-request comment
 * (in a ```mermaid block). The environment's plan needs no --by service: the split is computed
 * from its lines when the plan has none.
 */
export function mermaidGraph(env: EnvironmentPlan): string {
  return renderMermaid(systemGraph(env));
}
