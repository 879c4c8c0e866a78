// `dex report --html`: one environment on one self-contained page — the system graph (SVG), the
// monthly cost by layer and by service (an SVG bar chart, minimum against maximum), the plan's
// line items and what it could not price, the changes against a baseline when one was asked for,
// and the spec's findings. Inline CSS and SVG, no script, nothing fetched: the file opens the
// same from a disk, an e-mail or a CI artifact. Every text goes through xmlText; the page holds
// no date, so the same inputs give the same bytes. Pure.
import { xmlText } from '../compiler/model/quote.js';
import type { EnvironmentDiff, ResourceChange } from '../compiler/diff/types.js';
import type { EnvironmentPlan, MoneyRange, Plan } from '../compiler/pricing/plan.js';
import type { Diagnostic } from '../spec/diagnostics.js';
import { renderGraphSvg } from './graph-svg.js';
import { systemGraph, usdText } from './graph.js';
import { attributes, element, fitText, FONT_FAMILY, px } from './svg.js';

export interface ReportInput {
  readonly plan: Plan;
  /** The environment pictured (one of plan.environments). */
  readonly environment: EnvironmentPlan;
  /** The changes against --against, when it was given. */
  readonly diff?: { readonly against: string; readonly environment: EnvironmentDiff | undefined; readonly noBaseline?: string; readonly warnings: readonly string[] };
  readonly findings: readonly Diagnostic[];
  /** 'dex 0.1.0', for the footer. */
  readonly generatedBy: string;
  /** The spec as the user named it. */
  readonly specFile: string;
}

const h = xmlText;
const rangeText = (r: MoneyRange): string => (r.monthlyMin === r.monthlyMax ? usdText(r.monthlyMin) : `${usdText(r.monthlyMin)} – ${usdText(r.monthlyMax)}`);
const signed = (n: number): string => (n > 0 ? `+${usdText(n)}` : usdText(n));
const signedRange = (r: MoneyRange): string => (r.monthlyMin === r.monthlyMax ? signed(r.monthlyMin) : `${signed(r.monthlyMin)} – ${signed(r.monthlyMax)}`);

/** A unit price with at least two decimals, as the plan's arithmetic shows it: $0.40, $0.0416. */
function unitPrice(value: number): string {
  const text = String(value);
  const decimals = text.includes('.') ? text.split('.')[1]!.length : 0;
  return `$${value.toFixed(Math.max(2, Math.min(decimals, 10)))}`;
}

/** A number as the plan shows quantities: 1,234 or 0.0416. */
const qty = (n: number): string => (Number.isInteger(n) ? n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(Math.round(n * 10000) / 10000));

function table(headers: readonly string[], rows: readonly (readonly string[])[], options: { readonly numeric?: readonly number[]; readonly id: string }): string {
  const numeric = new Set(options.numeric ?? []);
  const cell = (tag: 'th' | 'td', text: string, i: number) => `<${tag}${numeric.has(i) ? ' class="num"' : ''}>${h(text)}</${tag}>`;
  return (
    `<table id="${h(options.id)}">\n<thead><tr>${headers.map((t, i) => cell('th', t, i)).join('')}</tr></thead>\n<tbody>\n` +
    rows.map((r) => `<tr>${r.map((t, i) => cell('td', t, i)).join('')}</tr>`).join('\n') +
    '\n</tbody>\n</table>'
  );
}

// ---------------------------------------------------------------------------------------------
// The cost chart: one row per layer, then per service; a light bar to the maximum, a dark one to
// the minimum, on one scale.

interface Bar {
  readonly label: string;
  readonly cost: MoneyRange;
}

const CHART_W = 920;
const LABEL_W = 190;
const VALUE_W = 190;
const ROW_H = 24;

export function costChartSvg(sections: readonly { readonly title: string; readonly bars: readonly Bar[] }[]): string {
  const scale = Math.max(1, ...sections.flatMap((s) => s.bars.map((b) => b.cost.monthlyMax)));
  const barW = CHART_W - LABEL_W - VALUE_W - 24;
  const parts: string[] = [];
  let y = 8;
  for (const s of sections) {
    parts.push(element('text', { x: 0, y: y + 14, 'font-size': 13, 'font-weight': 'bold', fill: '#0f172a' }, s.title));
    y += 24;
    for (const b of s.bars) {
      const max = (b.cost.monthlyMax / scale) * barW;
      const min = (b.cost.monthlyMin / scale) * barW;
      parts.push(
        `<g${attributes({ 'data-bar': `${s.title}/${b.label}`, 'data-min': String(b.cost.monthlyMin), 'data-max': String(b.cost.monthlyMax) })}>` +
          element('title', {}, `${b.label}: ${rangeText(b.cost)} a month`) +
          element('text', { x: LABEL_W - 8, y: y + 15, 'font-size': 12, 'text-anchor': 'end', fill: '#334155' }, fitText(b.label, LABEL_W - 12, 12)) +
          element('rect', { x: LABEL_W, y: y + 4, width: Math.max(max, 1), height: 14, rx: 2, fill: '#bfdbfe' }) +
          element('rect', { x: LABEL_W, y: y + 4, width: Math.max(min, 1), height: 14, rx: 2, fill: '#2563eb' }) +
          element('text', { x: LABEL_W + barW + 10, y: y + 15, 'font-size': 12, fill: '#0f172a' }, rangeText(b.cost)) +
          '</g>',
      );
      y += ROW_H;
    }
    y += 12;
  }
  const legend = y + 4;
  parts.push(
    element('rect', { x: LABEL_W, y: legend, width: 14, height: 10, fill: '#2563eb' }),
    element('text', { x: LABEL_W + 20, y: legend + 9, 'font-size': 11, fill: '#475569' }, 'minimum (scaling minima)'),
    element('rect', { x: LABEL_W + 190, y: legend, width: 14, height: 10, fill: '#bfdbfe' }),
    element('text', { x: LABEL_W + 210, y: legend + 9, 'font-size': 11, fill: '#475569' }, 'maximum (scaling maxima)'),
  );
  const height = legend + 20;
  return `<svg${attributes({ xmlns: 'http://www.w3.org/2000/svg', width: CHART_W, height, viewBox: `0 0 ${CHART_W} ${px(height)}`, 'font-family': FONT_FAMILY, role: 'img', 'aria-label': 'Monthly cost by layer and by service, minimum and maximum', 'data-picture': 'cost-chart' })}>\n${parts.join('\n')}\n</svg>\n`;
}

// ---------------------------------------------------------------------------------------------

function changesSection(diff: NonNullable<ReportInput['diff']>): string {
  const out: string[] = [`<h2 id="changes">Changes against ${h(diff.against)}</h2>`];
  if (diff.noBaseline) return [...out, `<p class="note">${h(diff.noBaseline)}</p>`].join('\n');
  const e = diff.environment;
  if (!e) return [...out, '<p class="note">No baseline for this environment.</p>'].join('\n');
  out.push(`<p>Baseline: ${h(e.baseline)}.</p>`);
  for (const w of diff.warnings) out.push(`<p class="note">${h(w)}</p>`);
  const counts = (['add', 'modify', 'replace', 'remove'] as const).map((a) => `${e.changes.filter((c) => c.action === a).length} ${a === 'add' ? 'to add' : a === 'modify' ? 'to modify' : a === 'replace' ? 'to replace' : 'to remove'}`);
  out.push(`<p class="counts">${h(counts.join(' · '))}${e.changes.some((c) => c.dataLoss) ? ` · <strong class="bad">${h(`${e.changes.filter((c) => c.dataLoss).length} destroying data`)}</strong>` : ''}</p>`);
  if (e.changes.length === 0 && e.files.length === 0) out.push('<p>No changes.</p>');
  if (e.changes.length > 0) {
    const props = (c: ResourceChange) => c.properties.map((p) => `${p.path}${p.causesReplacement ? ' (replaces)' : ''}`).join(', ');
    out.push(table(['action', 'resource', 'type', 'stack', 'properties', 'data loss'], e.changes.map((c) => [c.action, c.logicalId, c.type, c.stack ?? '', props(c), c.dataLoss ?? '']), { id: 'change-table' }));
  }
  if (e.security.length > 0) out.push('<h3>Security-relevant</h3>', table(['severity', 'resource', 'change'], e.security.map((s) => [s.severity, s.logicalId, s.message]), { id: 'security-table' }));
  if (e.files.length > 0) out.push('<h3>Files</h3>', table(['action', 'file', 'lines'], e.files.map((f) => [f.action, f.path, `+${f.linesAdded} −${f.linesRemoved}`]), { id: 'file-table', numeric: [2] }));
  if (e.cost) {
    const c = e.cost;
    out.push(`<h3>Cost</h3>\n<p>${h(c.before ? `${rangeText(c.before)} → ${rangeText(c.after)} a month` : `${rangeText(c.after)} a month (the baseline carries no usage)`)}${c.delta ? h(`; change ${signedRange(c.delta)}`) : ''}${c.unpriced.length ? h(`; ${c.unpriced.length} change${c.unpriced.length === 1 ? '' : 's'} with no price on one side not included`) : ''}.</p>`);
    if (c.lineItems.length > 0) {
      out.push(table(['resource', 'meter', 'before', 'after', 'change'], c.lineItems.map((l) => [l.resource, l.meter, l.before ? rangeText(l.before) : '—', l.after ? rangeText(l.after) : '—', signedRange(l.delta)]), { id: 'cost-delta-table', numeric: [2, 3, 4] }));
    }
  }
  return out.join('\n');
}

function findingsSection(findings: readonly Diagnostic[]): string {
  if (findings.length === 0) return '<h2 id="findings">Findings</h2>\n<p>None.</p>';
  const where = (d: Diagnostic) => `${d.file ?? ''}${d.line !== undefined ? `:${d.line}:${d.col ?? 1}` : ''}`;
  return `<h2 id="findings">Findings (${findings.length})</h2>\n${table(['severity', 'code', 'where', 'finding', 'hint'], findings.map((d) => [d.severity, d.code, where(d), d.message, d.hint ?? '']), { id: 'finding-table' })}`;
}

const CSS = `
:root { color-scheme: light; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 sans-serif; color: #0f172a; background: #ffffff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #e2e8f0; }
h3 { font-size: 15px; margin: 20px 0 8px; }
.sub { color: #475569; margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #e2e8f0; border-radius: 8px; padding: 10px 14px; min-width: 180px; }
.card .label { font-size: 12px; color: #64748b; }
.card .value { font-size: 18px; font-weight: bold; }
.bad { color: #b91c1c; }
.good { color: #15803d; }
.note { color: #475569; }
.picture { overflow-x: auto; }
.picture svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f8fafc; font-weight: bold; }
td.num, th.num { text-align: right; white-space: nowrap; }
footer { margin-top: 40px; color: #64748b; font-size: 12px; }
`;

export function renderReportHtml(input: ReportInput): string {
  const env = input.environment;
  const graph = systemGraph(env);
  const title = `${graph.system} · ${env.environment}`;
  const budget = env.budget;
  const cards = [
    `<div class="card" id="total"${attributes({ 'data-min': String(env.totals.monthlyMin), 'data-max': String(env.totals.monthlyMax) })}><div class="label">Monthly cost, min – max</div><div class="value">${h(rangeText(env.totals))}</div></div>`,
    ...(budget
      ? [`<div class="card" id="budget"><div class="label">Budget</div><div class="value ${budget.exceeded ? 'bad' : 'good'}">${h(`${usdText(budget.monthlyUsd)}${budget.exceeded ? ` — over by up to ${usdText(budget.overByUsd)}` : ' — within'}`)}</div></div>`]
      : []),
    `<div class="card"><div class="label">Resources</div><div class="value">${h(String(env.resources))}</div></div>`,
    `<div class="card"><div class="label">Priced lines / unpriced</div><div class="value">${h(`${env.lineItems.length} / ${env.unpriced.length}`)}</div></div>`,
  ];
  const services = env.byService?.services ?? [];
  const chart = costChartSvg([
    { title: 'By layer', bars: env.layers.filter((l) => l.lineItems.length > 0).map((l) => ({ label: l.layer, cost: l.totals })) },
    ...(services.length ? [{ title: 'By service (own resources, their data stores, share of shared infrastructure)', bars: services.map((s) => ({ label: s.service, cost: s.total })) }] : []),
  ]);
  const lines = env.lineItems.map((l) => [l.layer, l.resource, l.meter, l.usageType, `${qty(l.quantity.min)}${l.quantity.max !== l.quantity.min ? `–${qty(l.quantity.max)}` : ''} ${l.quantityUnit}`, `${unitPrice(l.unitPriceUsd)}/${l.unit}`, usdText(l.monthlyUsd.min), usdText(l.monthlyUsd.max)]);
  const body = [
    `<h1>${h(title)}</h1>`,
    `<p class="sub">${h(`${env.region} · ${input.specFile} · prices: ${input.plan.pricing.source} of ${input.plan.pricing.asOf}, AWS list prices in ${input.plan.currency}, ${input.plan.hoursPerMonth} hours a month`)}</p>`,
    `<div class="cards">${cards.join('')}</div>`,
    ...(env.spot ? [`<p class="note">${h(env.spot.note)}</p>`] : []),
    '<h2 id="system">System</h2>',
    `<div class="picture">${renderGraphSvg(graph)}</div>`,
    '<h2 id="cost">Cost</h2>',
    `<div class="picture">${chart}</div>`,
    `<h2 id="line-items">Line items (${env.lineItems.length})</h2>`,
    table(['layer', 'resource', 'meter', 'usage type', 'quantity a month', 'unit price', 'min a month', 'max a month'], [...lines, ['', 'Total', '', '', '', '', usdText(env.totals.monthlyMin), usdText(env.totals.monthlyMax)]], { id: 'line-item-table', numeric: [4, 5, 6, 7] }),
    ...(env.unpriced.length
      ? [`<h3 id="unpriced">Not priced (${env.unpriced.length})</h3>`, table(['resource', 'meter', 'why'], env.unpriced.map((u) => [u.resource, u.meter, u.reason]), { id: 'unpriced-table' })]
      : []),
    ...(input.diff ? [changesSection(input.diff)] : []),
    findingsSection(input.findings),
    `<footer>${h(`Written by ${input.generatedBy} (dex report --html) from ${input.specFile}. Rounding: ${input.plan.rounding}.`)}</footer>`,
  ];
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n<meta name="viewport" content="width=device-width, initial-scale=1"/>\n<title>${h(`${title} — dex report`)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n${body.join('\n')}\n</body>\n</html>\n`;
}
