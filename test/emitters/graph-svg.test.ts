// dex graph --format svg: the reference example's picture as a golden file; its layout (columns in
// order, rows by name, nothing overlapping, every box inside its group); well-formed XML whatever
// the names hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphLayout, renderGraphSvg, type Rect } from '../../emitters/graph-svg.js';
import { systemGraph, type SystemGraph } from '../../emitters/graph.js';
import { expectGolden } from '../support/golden.js';
import { descendants, parseXml, textOf } from '../support/xml.js';
import { environmentPlan, REFERENCE_EXAMPLE } from '../support/picture.js';

const production = environmentPlan(REFERENCE_EXAMPLE, 'production');
const graph = systemGraph(production);
const spec = production.model.spec;

const inside = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('the reference example as SVG', () => {
  const svg = renderGraphSvg(graph);

  it('is the golden file', () => {
    expectGolden('test/golden/picture/dex-mobile-v6-production.svg', svg);
  });

  it('is well-formed, with one box per service holding its name and --by service cost', () => {
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    const boxes = descendants(root).filter((e) => e.attributes['data-kind'] === 'service' && e.name === 'g');
    expect(boxes.map((b) => b.attributes['data-name']).sort()).toEqual(Object.keys(spec.services).sort());
    for (const b of boxes) {
      const cost = production.byService!.services.find((s) => s.service === b.attributes['data-name'])!.total;
      const costText = descendants(b).find((e) => e.attributes['data-cost'] !== undefined)!;
      expect(costText.attributes['data-cost']).toBe(`${cost.monthlyMin}-${cost.monthlyMax}`);
      expect(textOf(b)).toContain(b.attributes['data-name']);
    }
    expect(descendants(root).filter((e) => e.attributes['data-edge'] !== undefined)).toHaveLength(graph.edges.length);
  });

  it('lays out columns left to right — internet, load balancer, services, stores — rows sorted by name, nothing overlapping', () => {
    const l = graphLayout(graph);
    const x = (id: string) => l.nodes.get(id)!.x;
    const services = graph.nodes.filter((n) => n.kind === 'service');
    const stores = graph.nodes.filter((n) => n.kind === 'database' || n.kind === 'cache');
    expect(x('internet')).toBeLessThan(x('lb'));
    for (const s of services) expect(x('lb') + l.nodes.get('lb')!.w).toBeLessThan(x(s.id));
    for (const s of services) for (const d of stores) expect(x(s.id) + l.nodes.get(s.id)!.w).toBeLessThan(x(d.id));
    // Within a group, by name.
    for (const g of graph.groups) {
      const here = graph.nodes.filter((n) => n.group === g.id && (n.kind === 'service' || n.kind === 'database'));
      const byY = [...here].sort((a, b) => l.nodes.get(a.id)!.y - l.nodes.get(b.id)!.y).map((n) => n.name);
      expect(byY).toEqual(here.map((n) => n.name).sort());
    }
    const rects = [...l.nodes.values()];
    for (const [i, a] of rects.entries()) for (const b of rects.slice(i + 1)) expect(overlap(a, b)).toBe(false);
    for (const n of graph.nodes) if (n.group) expect(inside(l.nodes.get(n.id)!, l.groups.get(n.group)!)).toBe(true);
    for (const g of graph.groups) if (g.parent) expect(inside(l.groups.get(g.id)!, l.groups.get(g.parent)!)).toBe(true);
    // Sibling groups do not overlap either.
    for (const g of graph.groups) for (const h of graph.groups) if (g.id < h.id && g.parent === h.parent) expect(overlap(l.groups.get(g.id)!, l.groups.get(h.id)!)).toBe(false);
    for (const r of [...rects, ...l.groups.values()]) expect(r.x + r.w).toBeLessThanOrEqual(l.width);
  });
});

const HOSTILE = ['"', "'", '<', '>', '&', '&amp;', '&#0;', ']]>', '<!--', '</svg>', '<script>alert(1)</script>', '\0', '\u0001', '\uFFFE', '\uD800', '\u{1F600}', '\n', 'x'.repeat(80)];
const nameArb = fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 4 }).map((p) => p.join(''));

/** What XML can hold of a name: what xmlText keeps, the forbidden characters as U+FFFD. */
const kept = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

describe('names that try to break out of the SVG', () => {
  it('still give well-formed XML with one box per service, named as given', () => {
    fc.assert(
      fc.property(fc.uniqueArray(nameArb, { minLength: 5, maxLength: 5, selector: kept }), (names) => {
        const services = graph.nodes.filter((n) => n.kind === 'service');
        const renamed: SystemGraph = { ...graph, system: names[0]!, nodes: graph.nodes.map((n) => (n.kind === 'service' ? { ...n, name: names[services.indexOf(n)]!, detail: names[4]! } : n)) };
        const root = parseXml(renderGraphSvg(renamed));
        const boxes = descendants(root).filter((e) => e.name === 'g' && e.attributes['data-kind'] === 'service');
        expect(boxes.map((b) => b.attributes['data-name']).sort()).toEqual(names.slice(0, services.length).map(kept).sort());
        expect(descendants(root).filter((e) => e.name === 'script')).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
