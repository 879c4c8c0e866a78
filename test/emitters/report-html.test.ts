// dex report --html, the page itself: well-formed, self-contained (nothing fetched, no script),
// its numbers the plan's, every text escaped; the changes section from a diff.
import { describe, expect, it } from 'vitest';
import type { EnvironmentDiff } from '../../compiler/diff/types.js';
import { usdText } from '../../emitters/graph.js';
import { costChartSvg, renderReportHtml, type ReportInput } from '../../emitters/report-html.js';
import type { Diagnostic } from '../../spec/diagnostics.js';
import { planOf, REFERENCE_EXAMPLE } from '../support/picture.js';
import { descendants, parseXml, textOf, type XmlElement } from '../support/xml.js';

const plan = planOf(REFERENCE_EXAMPLE, 'production');
const env = plan.environments[0]!;
const VOID = new Set(['meta', 'br']);
const input: ReportInput = { plan, environment: env, findings: [], generatedBy: 'dex 0.0.0-test', specFile: REFERENCE_EXAMPLE };

const byId = (root: XmlElement, id: string) => descendants(root).find((e) => e.attributes.id === id);
const rows = (table: XmlElement) => descendants(table).filter((e) => e.name === 'tr').slice(1);

describe('the report page', () => {
  const html = renderReportHtml(input);
  const root = parseXml(html, VOID);

  it('is one well-formed page with its style inline and no script, link, image or frame: nothing to fetch', () => {
    expect(root.name).toBe('html');
    const all = descendants(root);
    expect(all.filter((e) => ['script', 'link', 'img', 'iframe', 'object', 'embed', 'image', 'use'].includes(e.name))).toEqual([]);
    for (const e of all) for (const [k, v] of Object.entries(e.attributes)) {
      if (['src', 'href', 'xlink:href', 'srcset', 'action'].includes(k)) throw new Error(`<${e.name} ${k}="${v}">`);
      expect(k.startsWith('on'), `${k} on <${e.name}>`).toBe(false);
    }
    expect(html).not.toMatch(/url\((?!#)|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(all.filter((e) => e.name === 'style')).toHaveLength(1);
    expect(all.filter((e) => e.name === 'svg').map((e) => e.attributes['data-picture'])).toEqual(['system-graph', 'cost-chart']);
  });

  it('shows the plan\'s total and one table row per line item, then the total row', () => {
    const total = byId(root, 'total')!;
    expect(textOf(total)).toContain(`${usdText(env.totals.monthlyMin)} – ${usdText(env.totals.monthlyMax)}`);
    expect([total.attributes['data-min'], total.attributes['data-max']]).toEqual([String(env.totals.monthlyMin), String(env.totals.monthlyMax)]);
    const lines = rows(byId(root, 'line-item-table')!);
    expect(lines).toHaveLength(env.lineItems.length + 1);
    expect(lines.slice(0, -1).map((r) => textOf(descendants(r).filter((e) => e.name === 'td')[1]!))).toEqual(env.lineItems.map((l) => l.resource));
    expect(rows(byId(root, 'unpriced-table')!)).toHaveLength(env.unpriced.length);
  });

  it('charts each layer and each service, minimum against maximum, on one scale', () => {
    const bars = descendants(root).filter((e) => e.attributes['data-bar'] !== undefined);
    const layers = env.layers.filter((l) => l.lineItems.length > 0);
    expect(bars.map((b) => b.attributes['data-bar'])).toEqual([...layers.map((l) => `By layer/${l.layer}`), ...env.byService!.services.map((s) => expect.stringMatching(new RegExp(`/${s.service}$`)))]);
    const widths = bars.map((b) => descendants(b).filter((e) => e.name === 'rect').map((r) => Number(r.attributes.width)));
    for (const [max, min] of widths) expect(min!).toBeLessThanOrEqual(max!);
    // One scale: the widest maximum bar is the largest maximum.
    const largest = Math.max(...bars.map((b) => Number(b.attributes['data-max'])));
    const widest = bars.reduce((a, b, i) => (widths[i]![0]! > widths[a]![0]! ? i : a), 0);
    expect(Number(bars[widest]!.attributes['data-max'])).toBe(largest);
  });

  it('says there are no findings, and has no changes section without --against', () => {
    expect(textOf(byId(root, 'findings')!)).toBe('Findings');
    expect(byId(root, 'changes')).toBeUndefined();
  });
});

describe('text from the spec and the baseline is escaped', () => {
  const hostile = '</td></tr></table><script>alert("x")</script><img src=x onerror=alert(1)>&amp;\'"';
  const finding: Diagnostic = { code: 'DEX305', severity: 'error', message: `uses ${hostile}`, path: [], file: 'dex.yaml', line: 3, col: 1, hint: hostile };
  const diff: EnvironmentDiff = {
    environment: 'production',
    baseline: `git:${hostile}`,
    changes: [{ stack: 'a', logicalId: hostile, type: 'AWS::RDS::DBInstance', action: 'replace', properties: [{ path: 'Engine', before: 'a', after: 'b', causesReplacement: true }], dataLoss: hostile }],
    security: [{ kind: 'made-public', severity: 'high', stack: 'a', logicalId: 'X', type: 'T', message: hostile }],
    files: [{ path: hostile, action: 'modify', linesAdded: 1, linesRemoved: 2 }],
    cost: { before: { monthlyMin: 1, monthlyMax: 2 }, after: { monthlyMin: 3, monthlyMax: 5 }, delta: { monthlyMin: 2, monthlyMax: 3 }, lineItems: [{ resource: hostile, meter: 'm', usageType: 'u', before: null, after: { monthlyMin: 2, monthlyMax: 3 }, delta: { monthlyMin: 2, monthlyMax: 3 } }], unpriced: [] },
  };
  const html = renderReportHtml({ ...input, findings: [finding], diff: { against: `git:${hostile}`, environment: diff, warnings: [hostile] } });
  const root = parseXml(html, VOID);

  it('stays one well-formed page without script or image, the text shown as written', () => {
    expect(descendants(root).filter((e) => ['script', 'img'].includes(e.name))).toEqual([]);
    expect(textOf(rows(byId(root, 'finding-table')!)[0]!)).toContain(`uses ${hostile}`);
    expect(textOf(byId(root, 'changes')!)).toBe(`Changes against git:${hostile}`);
    expect(rows(byId(root, 'change-table')!).map((r) => textOf(r))).toEqual([`replace${hostile}AWS::RDS::DBInstanceaEngine (replaces)${hostile}`]);
    expect(rows(byId(root, 'security-table')!)).toHaveLength(1);
    expect(textOf(rows(byId(root, 'file-table')!)[0]!)).toBe(`modify${hostile}+1 −2`);
    expect(textOf(rows(byId(root, 'cost-delta-table')!)[0]!)).toBe(`${hostile}m—$2.00 – $3.00+$2.00 – +$3.00`);
  });
});

describe('the cost chart', () => {
  it('draws a zero-cost row as a sliver, not a negative or empty bar', () => {
    const svg = parseXml(costChartSvg([{ title: 't', bars: [{ label: 'free', cost: { monthlyMin: 0, monthlyMax: 0 } }] }]));
    const rects = descendants(svg).filter((e) => e.name === 'rect' && e.attributes.fill !== '#2563eb' && e.attributes.fill !== '#bfdbfe');
    expect(rects.length).toBe(0);
    for (const r of descendants(svg).filter((e) => e.name === 'rect')) expect(Number(r.attributes.width)).toBeGreaterThan(0);
  });
});
