// dex graph's picture as Mermaid: the reference example's as a golden file, read back with the
// flowchart reader (test/support/mermaid.ts) against the spec and the plan; names from dex.yaml
// that try to break out of their labels; every example's every environment, as Mermaid and SVG.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mermaidLabel } from '../../compiler/model/quote.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { buildPlan, type EnvironmentPlan } from '../../compiler/pricing/plan.js';
import { graphLayout, renderGraphSvg } from '../../emitters/graph-svg.js';
import { mermaidGraph, monthlyText, systemGraph } from '../../emitters/graph.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { planTargets } from '../../pipeline/plan.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { fixedClock } from '../support/clock.js';
import { expectGolden } from '../support/golden.js';
import { parseMermaidFlowchart } from '../support/mermaid.js';
import { environmentPlan, REFERENCE_EXAMPLE } from '../support/picture.js';
import { EXAMPLE_SPECS } from '../support/specs.js';
import { descendants, parseXml } from '../support/xml.js';

const production = environmentPlan(REFERENCE_EXAMPLE, 'production');
const spec = production.model.spec;

describe('the reference example as a Mermaid flowchart', () => {
  const text = mermaidGraph(production);
  const chart = parseMermaidFlowchart(text);

  it('is the golden file', () => {
    expectGolden('test/golden/picture/dex-mobile-v6-production.mmd', text);
  });

  it('has one box per service, in its platform group inside the private tier, labelled with its --by service cost', () => {
    const services = [...chart.nodes].filter(([id]) => id.startsWith('svc_'));
    expect(services.map(([, label]) => label.split('\n')[0]).sort()).toEqual(Object.keys(spec.services).sort());
    for (const [id, label] of services) {
      const name = label.split('\n')[0]!;
      const s = spec.services[name]!;
      const group = chart.nodeParent.get(id)!;
      expect(group).toBe(`platform_${s.placement}`);
      expect(chart.subgraphs.get(group)!.parent).toBe('tier_private');
      const cost = production.byService!.services.find((c) => c.service === name)!.total;
      expect(label.split('\n').at(-1)).toBe(monthlyText(cost));
    }
    expect(chart.subgraphs.get('tier_private')!.parent).toBe('vpc');
    expect(chart.subgraphs.get('vpc')!.label).toContain(spec.network.cidr);
  });

  it('draws the tiers as the subnets are: public, private, database', () => {
    for (const tier of ['public', 'private', 'database'] as const) {
      expect(chart.subgraphs.get(`tier_${tier}`)!.label).toContain(spec.network.subnets[tier].join(', '));
    }
    const storeIds = [...chart.nodes].filter(([id]) => /^(db|cache)_/.test(id));
    expect(storeIds.map(([, l]) => l.split('\n')[0]).sort()).toEqual([...Object.keys(spec.databases), ...Object.keys(spec.caches)].sort());
    for (const [id] of storeIds) expect(chart.nodeParent.get(id)).toBe('tier_database');
    expect(chart.nodeParent.get('lb')).toBe('tier_public');
    expect(chart.nodeParent.get('internet')).toBeUndefined();
  });

  it('has an arrow for every `uses`, and the internet reaches exactly the public services through the load balancer', () => {
    const label = (id: string) => chart.nodes.get(id)!.split('\n')[0];
    const uses = chart.edges.filter((e) => e.arrow === '-->').map((e) => `${label(e.from)} -> ${label(e.to)}`).sort();
    expect(uses).toEqual(Object.values(spec.services).flatMap((s) => s.uses.map((u) => `${s.name} -> ${u}`)).sort());
    const fromLb = chart.edges.filter((e) => e.from === 'lb').map((e) => label(e.to)).sort();
    expect(fromLb).toEqual(Object.values(spec.services).filter((s) => s.expose.public).map((s) => s.name).sort());
    expect(chart.edges.filter((e) => e.to === 'lb').map((e) => e.from)).toEqual(['internet']);
  });

  it('labels the stores and the load balancer with the plan lines of their component', () => {
    const component = new Map(production.model.resources.map((r) => [r.logicalId, r.component]));
    const of = (c: string) => {
      const lines = production.lineItems.filter((l) => component.get(l.resource) === c);
      return { monthlyMin: lines.reduce((a, l) => a + Math.round(l.monthlyUsd.min * 100), 0) / 100, monthlyMax: lines.reduce((a, l) => a + Math.round(l.monthlyUsd.max * 100), 0) / 100 };
    };
    // '+ unpriced' exactly where the component has usage without a price: the amount is a floor there.
    const unpriced = (c: string) => production.unpriced.some((u) => component.get(u.resource) === c);
    const shown = (c: string) => `${monthlyText(of(c))}${unpriced(c) ? ' + unpriced' : ''}`;
    expect(chart.nodes.get('db_1')!.split('\n').at(-1)).toBe(shown('database/postgres'));
    expect(chart.nodes.get('cache_1')!.split('\n').at(-1)).toBe(shown('cache/redis'));
    expect(chart.nodes.get('lb')!.split('\n').at(-1)).toBe(shown('ingress'));
    expect(unpriced('database/postgres')).toBe(true);
  });

  it('does not need --by service, and is the same without it', () => {
    expect(mermaidGraph(environmentPlan(REFERENCE_EXAMPLE, 'production', false))).toBe(text);
  });

  it('accounts for every plan line: the components no box stands for are listed with their cost', () => {
    const graph = systemGraph(production);
    const component = new Map(production.model.resources.map((r) => [r.logicalId, r.component]));
    const components = new Set(production.lineItems.map((l) => component.get(l.resource)));
    const shown = new Set(['network', 'ingress', 'bastion', 'monitoring', 'monitoring/prometheus', 'monitoring/grafana', 'platform/eks', 'platform/ecs']);
    const expected = [...components].filter((c) => c !== undefined && !shown.has(c) && !/^(service|database|cache|platform\/eks)\//.test(c)).sort();
    expect(graph.offGraph.map((o) => o.component)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile names. The schema refuses them, but the picture must not rely on that: a name is data.

const HOSTILE = ['"', '"]', ']', '[', '#', '#quot;', '#35;', ';', '%%', '%%{init: {"theme":"dark"}}%%', '<b>', '</div><script>x</script>', '&amp;', '&', '$$x$$', '$', '`', '```', '\n', '\r\n', '\u2028', 'end', 'subgraph', '-->', '|', ':', 'style a fill:#f00;', 'ﬂ°°35¶ß', '\0', '\u{1F600}', '\uD800'];
const nameArb = fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));

/** What a label line shows for `name`: line breaks and control characters as spaces, never empty. */
const shown = (name: string): string => name.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ') || ' ';

/** The plan with its services, databases and caches renamed (spec, `uses`, components); --by service left to the graph. */
function renamed(env: EnvironmentPlan, to: ReadonlyMap<string, string>): EnvironmentPlan {
  const s = env.model.spec;
  const name = (n: string) => to.get(n) ?? n;
  const rekey = <T extends { readonly name: string }>(record: Readonly<Record<string, T>>, f: (v: T) => T = (v) => v) => Object.fromEntries(Object.values(record).map((v) => [name(v.name), { ...f(v), name: name(v.name) }]));
  const spec: NormalizedSpec = {
    ...s,
    services: rekey(s.services, (v) => ({ ...v, uses: v.uses.map(name) })),
    databases: rekey(s.databases),
    caches: rekey(s.caches),
  };
  const resources = env.model.resources.map((r) => {
    const m = /^(service|database|cache)\/(.+)$/.exec(r.component);
    return m ? { ...r, component: `${m[1]}/${name(m[2]!)}` } : r;
  });
  const { byService: _, ...rest } = env;
  return { ...rest, model: { spec, resources } };
}

describe('names that try to break out of a Mermaid label', () => {
  const originals = [...Object.keys(spec.services), ...Object.keys(spec.databases), ...Object.keys(spec.caches)];
  const reference = parseMermaidFlowchart(mermaidGraph(production));

  it('mermaidLabel shows exactly the text of each line, whatever it holds', () => {
    fc.assert(
      fc.property(fc.array(nameArb, { minLength: 1, maxLength: 3 }), (lines) => {
        const chart = parseMermaidFlowchart(`flowchart LR\n  a[${mermaidLabel(lines)}]\n`);
        expect(chart.nodes.get('a')).toBe(lines.map(shown).join('\n'));
      }),
      { numRuns: 300 },
    );
  });

  it('still give a well-formed graph: balanced quoting, one box per service and store, the same arrows', () => {
    fc.assert(
      fc.property(fc.uniqueArray(nameArb, { minLength: originals.length, maxLength: originals.length, selector: shown }), (names) => {
        const to = new Map(originals.map((o, i) => [o, names[i]!]));
        const env = renamed(production, to);
        const chart = parseMermaidFlowchart(mermaidGraph(env));
        const firstLines = (prefix: RegExp) => [...chart.nodes].filter(([id]) => prefix.test(id)).map(([, l]) => l.split('\n')[0]).sort();
        expect(firstLines(/^svc_/)).toEqual(Object.keys(spec.services).map((n) => shown(to.get(n)!)).sort());
        expect(firstLines(/^(db|cache)_/)).toEqual([...Object.keys(spec.databases), ...Object.keys(spec.caches)].map((n) => shown(to.get(n)!)).sort());
        expect(chart.nodes.size).toBe(reference.nodes.size);
        expect(chart.subgraphs.size).toBe(reference.subgraphs.size);
        expect(chart.edges.length).toBe(reference.edges.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('every example, every environment', () => {
  for (const file of EXAMPLE_SPECS) {
    it(`${file}: a well-formed flowchart and SVG, an arrow per \`uses\`, no two boxes overlapping`, () => {
      const analysis = analyzeSpec(readFileSync(file), file, { today: fixedClock });
      expect(analysis.ok).toBe(true);
      for (const env of buildPlan(planTargets(analysis), loadSnapshotSource(), { byService: true }).environments) {
        const s = env.model.spec;
        const chart = parseMermaidFlowchart(mermaidGraph(env));
        const label = (id: string) => chart.nodes.get(id)!.split('\n')[0];
        // Databases, caches and services by name; buckets, tables, queues and topics from their items.
        const unique = (names: readonly string[]) => [...new Set(names)];
        const reached = (x: (typeof s.services)[string]) => [...x.uses.filter((u) => !x.stores.some((st) => st.name === u)), ...unique(x.stores.map((u) => u.name)), ...unique((x.messaging?.queues ?? []).map((u) => u.name)), ...unique((x.messaging?.topics ?? []).map((u) => u.name))];
        expect(chart.edges.filter((e) => e.arrow === '-->').map((e) => `${label(e.from)} -> ${label(e.to)}`).sort()).toEqual(Object.values(s.services).flatMap((x) => reached(x).map((u) => `${x.name} -> ${u}`)).sort());
        // A topic's subscription to a queue is an arrow of its own.
        const deliveries = Object.values(s.topics ?? {}).flatMap((t) => [...new Set(t.subscriptions.flatMap((sub) => (sub.kind === 'queue' ? [sub.queue] : [])))].map((q) => `${t.name} -> ${q}`));
        expect(chart.edges.filter((e) => e.arrow === '-.->' && label(e.from) !== 'Internet').map((e) => `${label(e.from)} -> ${label(e.to)}`).sort()).toEqual(deliveries.sort());
        // Regional services sit beside the VPC, not in it.
        for (const [id] of [...chart.nodes].filter(([id]) => /^(bucket|table|queue|topic)_/.test(id))) expect(chart.nodeParent.get(id)).toBe('regional');
        const graph = systemGraph(env);
        const root = parseXml(renderGraphSvg(graph));
        expect(descendants(root).filter((e) => e.name === 'g' && e.attributes['data-kind'] === 'service')).toHaveLength(Object.keys(s.services).length);
        const rects = [...graphLayout(graph).nodes.values()];
        for (const [i, a] of rects.entries()) for (const b of rects.slice(i + 1)) expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).toBe(false);
      }
    });
  }
});

describe('regional services beside the VPC', () => {
  const file = 'test/fixtures/real/copilot-worker-service/dex.yaml';
  const analysis = analyzeSpec(readFileSync(file), file, { today: fixedClock });
  const env = buildPlan(planTargets(analysis), loadSnapshotSource(), { byService: true }).environments[0]!;
  const chart = parseMermaidFlowchart(mermaidGraph(env));
  const label = (id: string) => chart.nodes.get(id)!.split('\n');

  it('draws the queue and the topics in their own group, the worker consuming the queue and each topic delivering to it', () => {
    const ids = [...chart.nodes.keys()].filter((id) => /^(queue|topic)_/.test(id));
    expect(ids.map((id) => label(id)[0]).sort()).toEqual(['cost-analyzer', 'inventory', 'products']);
    for (const id of ids) expect(chart.nodeParent.get(id)).toBe('regional');
    expect(chart.subgraphs.get('regional')!.parent).toBeUndefined();
    const edges = chart.edges.map((e) => `${label(e.from)[0]} ${e.arrow} ${label(e.to)[0]}`);
    expect(edges).toEqual(expect.arrayContaining(['cost-analyzer --> cost-analyzer', 'inventory -.-> cost-analyzer', 'products -.-> cost-analyzer']));
  });

  it('never shows a topic whose publishes are unpriced as a bare $0.00', () => {
    for (const id of [...chart.nodes.keys()].filter((i) => i.startsWith('topic_'))) {
      expect(label(id).at(-1)).toMatch(/ \+ unpriced$/);
    }
  });
});
