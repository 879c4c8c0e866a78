// The system graph as an SVG dex lays out itself (dex graph --format svg, dex report): no Mermaid
// and no script at view time, nothing fetched. A layered layout, left to right: the internet, then
// the VPC's tiers side by side (public: the load balancer; private: the services by platform and
// the monitoring servers; database: the stores), each group's boxes in the graph's order (sorted
// by name); arrows for traffic and `uses`. Every text goes through xmlText (emitters/svg.ts), and
// one that would overflow its box is cut with '…' (the whole of it in the box's <title>). Pure
// and deterministic: the same graph gives the same bytes.
import { groupCostText, monthlyText, nodeCostText, type GraphGroup, type GraphNode, type NodeKind, type SystemGraph } from './graph.js';
import { attributes, element, fitText, FONT_FAMILY, px, textWidth } from './svg.js';

const M = 24;
const TITLE_H = 52;
const BOX_W = 264;
const BOX_H = 60;
const GAP = 12;
const PAD = 12;
const HEADER_H = 40;
const COL_GAP = 64;
const INTERNET_W = 150;
const FOOTER_LINE = 17;

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const BOX_STYLE: Readonly<Record<NodeKind, { readonly fill: string; readonly stroke: string; readonly rx: number }>> = {
  internet: { fill: '#f4f4f5', stroke: '#71717a', rx: 30 },
  'load-balancer': { fill: '#fff7ed', stroke: '#ea580c', rx: 6 },
  bastion: { fill: '#fff7ed', stroke: '#ea580c', rx: 6 },
  service: { fill: '#ffffff', stroke: '#2563eb', rx: 6 },
  database: { fill: '#faf5ff', stroke: '#9333ea', rx: 14 },
  cache: { fill: '#faf5ff', stroke: '#9333ea', rx: 14 },
  monitoring: { fill: '#f8fafc', stroke: '#64748b', rx: 6 },
  bucket: { fill: '#faf5ff', stroke: '#9333ea', rx: 14 },
  table: { fill: '#faf5ff', stroke: '#9333ea', rx: 14 },
  queue: { fill: '#fdf2f8', stroke: '#db2777', rx: 6 },
  topic: { fill: '#fdf2f8', stroke: '#db2777', rx: 6 },
};
const PLATFORM_STROKE: Readonly<Record<string, string>> = { eks: '#2563eb', ecs: '#16a34a', ec2: '#ca8a04' };

function groupStyle(g: GraphGroup): { fill: string; stroke: string; dash?: string } {
  if (g.kind === 'vpc') return { fill: '#f8fafc', stroke: '#94a3b8', dash: '6 4' };
  if (g.kind === 'regional') return { fill: '#ffffff', stroke: '#cbd5e1', dash: '2 3' };
  if (g.id === 'tier_public') return { fill: '#fffbf5', stroke: '#fdba74' };
  if (g.id === 'tier_database') return { fill: '#fdfaff', stroke: '#d8b4fe' };
  if (g.kind === 'tier') return { fill: '#f5f9ff', stroke: '#93c5fd' };
  if (g.kind === 'platform') return { fill: '#ffffff', stroke: PLATFORM_STROKE[g.id.replace('platform_', '')] ?? '#64748b' };
  return { fill: '#ffffff', stroke: '#cbd5e1' };
}

const EDGE_STYLE = {
  traffic: { stroke: '#ea580c', width: 2, dash: undefined, marker: 'dexg-arrow-traffic' },
  uses: { stroke: '#475569', width: 1.4, dash: undefined, marker: 'dexg-arrow-uses' },
  calls: { stroke: '#0e7490', width: 1.2, dash: '4 3', marker: 'dexg-arrow-calls' },
  admin: { stroke: '#94a3b8', width: 1.4, dash: '5 4', marker: 'dexg-arrow-admin' },
  delivers: { stroke: '#db2777', width: 1.2, dash: '3 3', marker: 'dexg-arrow-delivers' },
} as const;

export interface GraphLayout {
  readonly groups: ReadonlyMap<string, Rect>;
  readonly nodes: ReadonlyMap<string, Rect>;
  readonly width: number;
  /** Of the groups and boxes, without the footer. */
  readonly height: number;
}

/** Where every group and box goes. */
export function graphLayout(graph: SystemGraph): GraphLayout {
  const groupRects = new Map<string, Rect>();
  const nodeRects = new Map<string, Rect>();
  const childGroups = (id: string | undefined) => graph.groups.filter((g) => g.parent === id);
  const childNodes = (id: string) => graph.nodes.filter((n) => n.group === id);
  // The VPC holds its tiers side by side (the columns); every other group stacks its contents.
  const row = (g: GraphGroup) => g.kind === 'vpc';

  const size = new Map<string, { w: number; h: number }>();
  const measure = (g: GraphGroup): { w: number; h: number } => {
    const kids = childGroups(g.id).map(measure);
    const nodes = childNodes(g.id).length;
    let w: number;
    let h: number;
    if (row(g)) {
      w = kids.reduce((a, k) => a + k.w, 0) + COL_GAP * Math.max(0, kids.length - 1) + (nodes > 0 ? BOX_W + COL_GAP : 0);
      h = Math.max(nodes * (BOX_H + GAP) - GAP, ...kids.map((k) => k.h), 0);
    } else {
      w = Math.max(nodes > 0 ? BOX_W : 0, ...kids.map((k) => k.w), 0);
      const items = [...Array<number>(nodes).fill(BOX_H), ...kids.map((k) => k.h)];
      h = items.reduce((a, b) => a + b, 0) + GAP * Math.max(0, items.length - 1);
    }
    const s = { w: w + 2 * PAD, h: header(g, w + 2 * PAD).height + h + PAD };
    size.set(g.id, s);
    return s;
  };
  const place = (g: GraphGroup, x: number, y: number, w: number) => {
    const s = size.get(g.id)!;
    groupRects.set(g.id, { x, y, w, h: s.h });
    let cx = x + PAD;
    let cy = y + header(g, w).height;
    const inner = w - 2 * PAD;
    for (const n of childNodes(g.id)) {
      nodeRects.set(n.id, { x: cx, y: cy, w: row(g) ? BOX_W : inner, h: BOX_H });
      cy += BOX_H + GAP;
    }
    if (row(g) && childNodes(g.id).length > 0) {
      cx += BOX_W + COL_GAP;
      cy = y + header(g, w).height;
    }
    for (const c of childGroups(g.id)) {
      const cs = size.get(c.id)!;
      place(c, cx, cy, row(g) ? cs.w : inner);
      if (row(g)) cx += cs.w + COL_GAP;
      else cy += cs.h + GAP;
    }
  };

  const top = childGroups(undefined);
  const outside = graph.nodes.filter((n) => n.group === undefined);
  let x = M;
  const y = M + TITLE_H;
  if (outside.length > 0) x += INTERNET_W + COL_GAP;
  let width = x;
  let height = y;
  for (const g of top) {
    const s = measure(g);
    place(g, x, y, s.w);
    x += s.w + COL_GAP;
    width = x - COL_GAP;
    height = Math.max(height, y + s.h);
  }
  // The internet sits level with what it reaches first (the load balancer), else the top.
  const firstTarget = graph.edges.find((e) => e.from === outside[0]?.id);
  const level = (firstTarget && nodeRects.get(firstTarget.to)?.y) ?? y + HEADER_H;
  outside.forEach((n, i) => nodeRects.set(n.id, { x: M, y: level + i * (BOX_H + GAP), w: INTERNET_W, h: BOX_H }));
  for (const r of nodeRects.values()) height = Math.max(height, r.y + r.h);
  return { groups: groupRects, nodes: nodeRects, width: Math.max(width + M, 640), height };
}

function edgePath(from: Rect, to: Rect): string {
  const y1 = from.y + from.h / 2;
  const y2 = to.y + to.h / 2;
  if (to.x > from.x + from.w) {
    const x1 = from.x + from.w;
    const x2 = to.x - 2;
    const dx = Math.max(24, (x2 - x1) / 2);
    return `M${px(x1)},${px(y1)} C${px(x1 + dx)},${px(y1)} ${px(x2 - dx)},${px(y2)} ${px(x2)},${px(y2)}`;
  }
  // Same column (a service calling a service): out of the right side and back in, around it.
  const x1 = from.x + from.w;
  const x2 = to.x + to.w + 2;
  // Further apart, further out: calls between distant boxes do not run on top of each other.
  const bulge = Math.max(x1, x2) + 20 + Math.min(COL_GAP - 28, Math.abs(y2 - y1) / 10);
  return `M${px(x1)},${px(y1)} C${px(bulge)},${px(y1)} ${px(bulge)},${px(y2)} ${px(x2)},${px(y2)}`;
}

function nodeSvg(n: GraphNode, r: Rect): string {
  const style = BOX_STYLE[n.kind];
  const stroke = n.kind === 'service' ? (PLATFORM_STROKE[n.placement ?? ''] ?? style.stroke) : style.stroke;
  const inner = r.w - 20;
  const lines = [
    element('text', { x: r.x + 10, y: r.y + 20, 'font-size': 13, 'font-weight': 'bold', fill: '#0f172a' }, fitText(n.name, inner, 13, true)),
    ...(n.detail ? [element('text', { x: r.x + 10, y: r.y + 36, 'font-size': 11, fill: '#475569' }, fitText(n.detail, inner, 11))] : []),
    ...(nodeCostText(n) ? [element('text', { x: r.x + 10, y: r.y + 52, 'font-size': 12, fill: '#0f172a', 'data-cost': n.cost ? `${n.cost.monthlyMin}-${n.cost.monthlyMax}` : 'unpriced' }, fitText(nodeCostText(n), inner, 12))] : []),
  ];
  return (
    `<g${attributes({ 'data-node': n.id, 'data-kind': n.kind, 'data-name': n.name })}>` +
    element('title', {}, [n.name, n.detail, nodeCostText(n)].filter(Boolean).join('\n')) +
    element('rect', { x: r.x, y: r.y, width: r.w, height: r.h, rx: style.rx, fill: style.fill, stroke, 'stroke-width': 1.5 }) +
    lines.join('') +
    '</g>'
  );
}

/** A group's header: its title with its cost at the right when both fit on one line (else the cost below), then its detail. */
function header(g: GraphGroup, w: number): { readonly height: number; readonly costLine: 0 | 1 | 2 } {
  const inner = w - 2 * PAD;
  const cost = groupCostText(g);
  const costLine = !cost ? 0 : textWidth(g.title, 12, true) + 12 + textWidth(cost, 11) <= inner ? 0 : g.detail ? 2 : 1;
  const lines = 1 + (g.detail ? 1 : 0) + (cost && costLine > 0 ? 1 : 0);
  return { height: HEADER_H - 15 + (lines - 1) * 15, costLine };
}

function groupSvg(g: GraphGroup, r: Rect): string {
  const style = groupStyle(g);
  const inner = r.w - 2 * PAD;
  const cost = groupCostText(g);
  const { costLine } = header(g, r.w);
  const line = (i: number) => r.y + 17 + i * 15;
  return (
    `<g${attributes({ 'data-group': g.id, 'data-kind': g.kind })}>` +
    element('rect', { x: r.x, y: r.y, width: r.w, height: r.h, rx: 8, fill: style.fill, stroke: style.stroke, 'stroke-width': 1.2, 'stroke-dasharray': style.dash }) +
    element('text', { x: r.x + PAD, y: line(0), 'font-size': 12, 'font-weight': 'bold', fill: '#334155' }, fitText(g.title, costLine === 0 && cost ? inner - textWidth(cost, 11) - 12 : inner, 12, true)) +
    (g.detail ? element('text', { x: r.x + PAD, y: line(1), 'font-size': 11, fill: '#64748b' }, fitText(g.detail, inner, 11)) : '') +
    (cost
      ? costLine === 0
        ? element('text', { x: r.x + r.w - PAD, y: line(0), 'font-size': 11, 'text-anchor': 'end', fill: '#334155' }, cost)
        : element('text', { x: r.x + PAD, y: line(costLine), 'font-size': 11, fill: '#334155' }, fitText(cost, inner, 11))
      : '') +
    '</g>'
  );
}

const SERVICE_NOTE = "A service's cost: its own resources, the data stores only it uses and its share of shared infrastructure (dex plan --by service). Other boxes: their own resources.";

export function renderGraphSvg(graph: SystemGraph): string {
  const { groups, nodes, width, height: contentHeight } = graphLayout(graph);
  const footer = [SERVICE_NOTE, ...(graph.offGraph.length ? [`Also in the total: ${graph.offGraph.map((o) => `${o.component} ${monthlyText(o.cost)}`).join(', ')}.`] : [])];
  const height = contentHeight + 16 + footer.length * FOOTER_LINE + M;
  const title = `${graph.system} · ${graph.environment} · ${graph.region}`;
  const total = `Monthly cost ${monthlyText(graph.totals).replace(/ \/mo$/, '')} at AWS list prices`;
  // A topic's deliveries have their own arrowhead, defined only in a picture that draws one (so the
  // pictures of systems without messaging stay as they were).
  const delivers = graph.edges.some((e) => e.kind === 'delivers');
  const markers = Object.entries(EDGE_STYLE)
    .filter(([kind]) => kind !== 'delivers' || delivers)
    .map(([, s]) => s)
    .map((s) => `<marker${attributes({ id: s.marker, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' })}>${element('path', { d: 'M0,0 L10,5 L0,10 z', fill: s.stroke })}</marker>`)
    .join('');
  const edges = graph.edges.map((e) => {
    const s = EDGE_STYLE[e.kind];
    return element('path', { d: edgePath(nodes.get(e.from)!, nodes.get(e.to)!), fill: 'none', stroke: s.stroke, 'stroke-width': s.width, 'stroke-dasharray': s.dash, 'marker-end': `url(#${s.marker})`, 'data-edge': `${e.from}>${e.to}`, 'data-kind': e.kind });
  });
  const parts = [
    `<svg${attributes({ xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${px(width)} ${px(height)}`, 'font-family': FONT_FAMILY, role: 'img', 'aria-labelledby': 'dexg-title', 'data-picture': 'system-graph' })}>`,
    element('title', { id: 'dexg-title' }, `${title}: ${total}`),
    `<defs>${markers}</defs>`,
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    element('text', { x: M, y: M + 18, 'font-size': 17, 'font-weight': 'bold', fill: '#0f172a' }, fitText(title, width - 2 * M, 17, true)),
    element('text', { x: M, y: M + 38, 'font-size': 13, fill: '#334155', 'data-total': `${graph.totals.monthlyMin}-${graph.totals.monthlyMax}` }, total),
    ...graph.groups.map((g) => groupSvg(g, groups.get(g.id)!)),
    ...edges,
    ...graph.nodes.map((n) => nodeSvg(n, nodes.get(n.id)!)),
    ...footer.map((line, i) => element('text', { x: M, y: contentHeight + 16 + (i + 1) * FOOTER_LINE - 4, 'font-size': 11, fill: '#64748b' }, fitText(line, width - 2 * M, 11))),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}
