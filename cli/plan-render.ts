// `dex plan` output: a text table grouped by layer (aligned columns, colour only on a TTY), JSON
// for machines and Markdown for a pull-request comment. Pure: a Plan in, a string out.
import { Chalk } from 'chalk';
import type { EnvironmentDiff, DiffReport } from '../compiler/diff/types.js';
import { markdownCode, markdownHtml, markdownText as md } from '../compiler/model/quote.js';
import type { EnvironmentPlan, MoneyRange, Plan, PlanLineItem, PlanUnpriced } from '../compiler/pricing/plan.js';
import { layoutTable, tableLines, wrap, type Column } from './layout.js';

/** A code span in a table cell. */
const code = (value: string): string => markdownCode(value, { inTable: true });

export type PlanFormat = 'text' | 'json' | 'markdown';

export interface PlanRenderOptions {
  readonly color: boolean;
  /** Spec file as the user named it, for the heading. */
  readonly specFile?: string;
  /** Text: the terminal's width, which tables fold to fit; undefined prints everything unfolded (--wide). */
  readonly width?: number;
  /** Text: the diff, for the summary's change and cost delta per environment. */
  readonly diff?: DiffReport;
  /** Text: how many findings the spec has for each environment, for the summary. */
  readonly findings?: ReadonlyMap<string, number>;
}

/** $1,234.56 */
export function usd(value: number): string {
  const cents = Math.round(value * 100);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}$${whole}.${(abs % 100).toString().padStart(2, '0')}`;
}

/** '$971.38 – $2,061.44', or one amount when min = max. */
export function usdRange(min: number, max: number): string {
  return min === max ? usd(min) : `${usd(min)} – ${usd(max)}`;
}

function qty(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** Unit price with at least two decimals, as the arithmetic shows it: $0.40, $0.0416. */
export function unitPrice(value: number): string {
  const text = String(value);
  const decimals = text.includes('.') ? text.split('.')[1]!.length : 0;
  return `$${value.toFixed(Math.max(2, Math.min(decimals, 10)))}`;
}

/** The service, marked when the line is Spot capacity. */
function serviceText(l: PlanLineItem): string {
  return l.spot ? `${l.service} Spot` : l.service;
}

function quantityText(l: PlanLineItem): string {
  const unit = l.quantityUnit;
  return l.quantity.min === l.quantity.max ? `${qty(l.quantity.min)} ${unit}` : `${qty(l.quantity.min)}–${qty(l.quantity.max)} ${unit}`;
}

/** Display width (code points; dex's texts use no wide characters). */
const width = (s: string): number => [...s].length;

/**
 * Aligned columns: each cell padded to its column's widest, right-aligned where asked; the last
 * column is never padded (no trailing blanks). `paint` colours a cell after padding, so escape
 * codes never disturb the alignment.
 */
export function alignColumns(rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[], paint?: (row: number, col: number, text: string) => string, gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows.map((row, r) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - width(cell));
        const last = i === row.length - 1;
        const text = align[i] === 'r' ? pad + cell : last ? cell : cell + pad;
        return paint ? paint(r, i, text) : text;
      })
      .join(gap)
      .replace(/\s+$/, ''),
  );
}

// ---------------------------------------------------------------------------------------------
// JSON

function lineJson(l: PlanLineItem, environment?: string): Record<string, unknown> {
  return {
    ...(environment !== undefined ? { environment } : {}),
    layer: l.layer,
    resource: l.resource,
    resourceType: l.resourceType,
    meter: l.meter,
    service: l.service,
    usageType: l.usageType,
    unit: l.unit,
    quantity: l.quantity,
    quantityUnit: l.quantityUnit,
    unitPriceUsd: l.unitPriceUsd,
    monthlyUsd: l.monthlyUsd,
    priceSource: l.priceSource,
    arithmetic: l.arithmetic,
    basis: l.basis,
    ...(l.spot ? { purchaseOption: 'Spot', spot: l.spot } : {}),
  };
}

function unpricedJson(u: PlanUnpriced, environment?: string): Record<string, unknown> {
  return { ...(environment !== undefined ? { environment } : {}), resource: u.resource, resourceType: u.resourceType, layer: u.layer ?? null, meter: u.meter, reason: u.reason };
}

function environmentJson(e: EnvironmentPlan): Record<string, unknown> {
  return {
    environment: e.environment,
    region: e.region,
    resources: e.resources,
    totals: e.totals,
    layers: e.layers.map((l) => ({ layer: l.layer, totals: l.totals, lineItems: l.lineItems.length, unpriced: l.unpriced.length })),
    budget: e.budget ?? null,
    spot: e.spot ?? null,
    ...(e.commitment ? { commitment: e.commitment } : {}),
    ...(e.byService ? { byService: e.byService } : {}),
    lineItems: e.lineItems.map((l) => lineJson(l)),
    unpriced: e.unpriced.map((u) => unpricedJson(u)),
  };
}

/**
 * The machine format. Top-level `totals`, `lineItems` and `unpriced` cover everything priced:
 * one environment's, or — without --env — every environment's together (each item names its
 * environment, and `environments[]` has the per-environment totals).
 */
export function planToJson(plan: Plan): Record<string, unknown> {
  const envs = plan.environments;
  const single = envs.length === 1 ? envs[0] : undefined;
  let min = 0;
  let max = 0;
  for (const e of envs) {
    min += Math.round(e.totals.monthlyMin * 100);
    max += Math.round(e.totals.monthlyMax * 100);
  }
  const regions = [...new Set(envs.map((e) => e.region))];
  return {
    system: envs[0]?.model.spec.name ?? null,
    region: regions.length === 1 ? regions[0] : regions,
    currency: plan.currency,
    hoursPerMonth: plan.hoursPerMonth,
    pricing: plan.pricing,
    rounding: plan.rounding,
    ...(single ? { environment: single.environment } : {}),
    totals: { monthlyMin: min / 100, monthlyMax: max / 100 },
    lineItems: envs.flatMap((e) => e.lineItems.map((l) => lineJson(l, single ? undefined : e.environment))),
    unpriced: envs.flatMap((e) => e.unpriced.map((u) => unpricedJson(u, single ? undefined : e.environment))),
    // What the top-level totals hold of Spot capacity, per environment (see environments[].spot).
    ...(envs.some((e) => e.spot) ? { spot: envs.filter((e) => e.spot).map((e) => ({ environment: e.environment, ...e.spot! })) } : {}),
    ...(plan.commitment ? { commitment: commitmentTotalsJson(plan) } : {}),
    environments: envs.map(environmentJson),
    warnings: plan.warnings.map((w) => ({ code: w.code, message: w.message })),
  };
}

/** The commitment over every environment priced: sums of the per-environment totals. */
function commitmentTotalsJson(plan: Plan): Record<string, unknown> {
  const sumOf = (f: (c: NonNullable<EnvironmentPlan['commitment']>) => number) => plan.environments.reduce((a, e) => a + (e.commitment ? Math.round(f(e.commitment) * 100) : 0), 0) / 100;
  return {
    commitment: plan.commitment,
    term: plan.environments.find((e) => e.commitment)?.commitment?.term ?? null,
    onDemandMonthlyUsd: sumOf((c) => c.totals.onDemandMonthlyUsd),
    reservedMonthlyUsd: sumOf((c) => c.totals.reservedMonthlyUsd),
    savingMonthlyUsd: sumOf((c) => c.totals.savingMonthlyUsd),
    notReserved: plan.environments.reduce((a, e) => a + (e.commitment?.gaps.length ?? 0), 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Text
//
// Read at a glance, in the terminal's width: the summary (every environment's total, its change
// against the baseline, what changes and how many findings), then each environment's layer totals,
// then its lines. A line's arithmetic (and, on a narrow terminal, its service and usage type)
// folds onto an indented line below it rather than past the right edge.

function pricingLine(plan: Plan): string {
  const src = plan.pricing.summary ?? (plan.pricing.source === 'live' ? `live AWS Price List, ${plan.pricing.asOf}` : `price snapshot of ${plan.pricing.asOf}`);
  return `Prices: ${src} — AWS on-demand list prices in ${plan.currency}, ${plan.hoursPerMonth} hours a month, no free tier or discounts; ${plan.rounding}.`;
}

function budgetText(e: EnvironmentPlan): string | undefined {
  const b = e.budget;
  if (!b) return undefined;
  if (!b.exceeded) return `within the budget of ${usd(b.monthlyUsd)} a month (alert at ${b.thresholdPercent}%)`;
  return `OVER the budget of ${usd(b.monthlyUsd)} a month by up to ${usd(b.overByUsd)}${b.exceededAtMin ? ' (even at the minimum)' : ''}`;
}

/** The budget in a summary cell: 'within $1,100.00', 'OVER $500.00 by $12.00'. */
function budgetCell(e: EnvironmentPlan): string {
  const b = e.budget;
  if (!b) return '—';
  return b.exceeded ? `OVER ${usd(b.monthlyUsd)} by ${usd(b.overByUsd)}` : `within ${usd(b.monthlyUsd)}`;
}

const cents = (n: number): number => Math.round(n * 100);
const signedUsd = (n: number): string => (n > 0 ? `+${usd(n)}` : usd(n));
const signedUsdRange = (r: MoneyRange): string => (r.monthlyMin === r.monthlyMax ? signedUsd(r.monthlyMin) : `${signedUsd(r.monthlyMin)} – ${signedUsd(r.monthlyMax)}`);

/** The cost change against the baseline in a summary cell ('—' without a baseline or usage to price). */
function deltaCell(d: EnvironmentDiff | undefined): string {
  if (!d?.cost?.delta) return '—';
  const unknown = d.cost.unpriced.length;
  return `${signedUsdRange(d.cost.delta)}${unknown ? ` + ${unknown} not known` : ''}`;
}

/** '+3 ~2 ±1 -1' (the diff's symbols), 'none', or '—' without a baseline. */
function changesCell(d: EnvironmentDiff | undefined): string {
  if (!d) return '—';
  const n = (a: string) => d.changes.filter((c) => c.action === a).length;
  const parts = ([['+', n('add')], ['~', n('modify')], ['±', n('replace')], ['-', n('remove')]] as const).filter(([, k]) => k > 0).map(([s, k]) => `${s}${k}`);
  if (d.files.length) parts.push(`${d.files.length} file${d.files.length === 1 ? '' : 's'}`);
  return parts.length ? parts.join(' ') : 'none';
}

/** Drops a placeholder cell from a folded line. */
const unlessDash = (f: (v: string) => string) => (v: string) => (v === '' || v === '—' ? '' : f(v));

function summaryText(plan: Plan, options: PlanRenderOptions, c: InstanceType<typeof Chalk>): string[] {
  const diffs = new Map((options.diff?.environments ?? []).map((d) => [d.environment, d]));
  const rows = plan.environments.map((e) => ({ e, diff: options.diff?.noBaseline ? undefined : diffs.get(e.environment), findings: options.findings?.get(e.environment) ?? 0 }));
  const withBaseline = rows.some((r) => r.diff);
  const withBudget = rows.some((r) => r.e.budget);
  const columns: Column[] = [
    { header: 'environment', align: 'l' },
    { header: 'min / month', align: 'r' },
    { header: 'max / month', align: 'r' },
    ...(withBaseline
      ? ([
          { header: 'vs baseline', align: 'l', fold: 4, detail: unlessDash((v) => `${v} vs baseline`) },
          { header: 'changes', align: 'l', fold: 3, detail: unlessDash((v) => `changes ${v}`) },
        ] as const)
      : []),
    { header: 'findings', align: 'r', fold: 2, detail: unlessDash((v) => (v === '0' ? '' : `${v} finding${v === '1' ? '' : 's'}`)) },
    { header: 'unpriced', align: 'r', fold: 0, detail: unlessDash((v) => (v === '0' ? '' : `${v} unpriced`)) },
    ...(withBudget ? [{ header: 'budget', align: 'l', fold: 1, detail: unlessDash((v) => `budget ${v}`) } as const] : []),
  ];
  const cells = rows.map((r) => [
    r.e.environment,
    usd(r.e.totals.monthlyMin),
    usd(r.e.totals.monthlyMax),
    ...(withBaseline ? [deltaCell(r.diff), changesCell(r.diff)] : []),
    String(r.findings),
    String(r.e.unpriced.length),
    ...(withBudget ? [budgetCell(r.e)] : []),
  ]);
  if (rows.length > 1) {
    const sum = (values: readonly number[]) => values.reduce((a, v) => a + cents(v), 0) / 100;
    const deltas = rows.flatMap((r) => (r.diff?.cost?.delta ? [r.diff.cost.delta] : []));
    const delta = deltas.length ? signedUsdRange({ monthlyMin: sum(deltas.map((d) => d.monthlyMin)), monthlyMax: sum(deltas.map((d) => d.monthlyMax)) }) : '';
    cells.push(['total', usd(sum(rows.map((r) => r.e.totals.monthlyMin))), usd(sum(rows.map((r) => r.e.totals.monthlyMax))), ...(withBaseline ? [delta, ''] : []), '', '', ...(withBudget ? [''] : [])]);
  }
  const budgetCol = columns.findIndex((col) => col.header === 'budget');
  const layout = layoutTable(columns, cells, {
    width: options.width,
    indent: 2,
    paint: (r, col, text) => (r < 0 ? c.dim(text) : r >= rows.length || col === 0 ? c.bold(text) : col === budgetCol && rows[r]!.e.budget?.exceeded ? c.red.bold(text) : text),
    paintDetail: (_r, text) => c.dim(text),
  });
  const out = [c.bold('Summary'), ...tableLines(layout)];
  if (withBaseline) out.push(...wrap('changes: + add, ~ change in place, ± replace, - remove (details after the plan)', options.width, '  ').map((l) => c.dim(l)));
  return out;
}

/** The plan's lines of one environment, under a heading per layer, folded to fit. */
function linesText(e: EnvironmentPlan, options: PlanRenderOptions, c: InstanceType<typeof Chalk>): string[] {
  const columns: Column[] = [
    { header: 'resource', align: 'l' },
    { header: 'service', align: 'l', fold: 3 },
    { header: 'usage type', align: 'l', fold: 4 },
    { header: 'quantity / month', align: 'r', fold: 1 },
    { header: 'unit price', align: 'r', fold: 2 },
    { header: 'min / month', align: 'r' },
    { header: 'max / month', align: 'r' },
    // The arithmetic says the quantity and unit price again: folded, those need not be repeated.
    { header: 'arithmetic', align: 'l', fold: 0 },
  ];
  const lines = e.layers.flatMap((layer) => layer.lineItems);
  if (lines.length === 0) return [];
  const cells = lines.map((l) => [l.resource, serviceText(l), l.usageType, quantityText(l), `${unitPrice(l.unitPriceUsd)}/${l.unit}`, usd(l.monthlyUsd.min), usd(l.monthlyUsd.max), l.arithmetic]);
  const quantityCol = 3;
  const unitCol = 4;
  const layout = layoutTable(
    columns.map((col, i) => (i === quantityCol || i === unitCol ? { ...col, detail: () => '' } : col)),
    cells,
    {
      width: options.width,
      indent: 4,
      detailIndent: 6,
      paint: (r, col, text) => (r < 0 ? c.dim(text) : col === 7 ? c.dim(text) : col === 5 || col === 6 ? c.green(text) : text),
      paintDetail: (_r, text) => c.dim(text),
    },
  );
  const out: string[] = ['', ...(layout.header !== undefined ? [layout.header] : [])];
  let i = 0;
  for (const layer of e.layers) {
    if (layer.lineItems.length === 0) continue;
    out.push(`  ${c.bold(layer.layer)}`);
    for (const _ of layer.lineItems) out.push(...layout.rows[i++]!);
  }
  return out;
}

function layersText(e: EnvironmentPlan, options: PlanRenderOptions, c: InstanceType<typeof Chalk>): string[] {
  const columns: Column[] = [
    { header: 'layer', align: 'l' },
    { header: 'min / month', align: 'r' },
    { header: 'max / month', align: 'r' },
    { header: 'lines', align: 'l', fold: 0 },
  ];
  const count = (n: number, u: number) => `${n} line${n === 1 ? '' : 's'}${u ? `, ${u} unpriced` : ''}`;
  const cells = e.layers.map((l) => [l.layer, usd(l.totals.monthlyMin), usd(l.totals.monthlyMax), count(l.lineItems.length, l.unpriced.length)]);
  cells.push(['total', usd(e.totals.monthlyMin), usd(e.totals.monthlyMax), count(e.lineItems.length, e.unpriced.length)]);
  const layout = layoutTable(columns, cells, {
    width: options.width,
    indent: 2,
    paint: (r, col, text) => (r < 0 || col === 3 ? c.dim(text) : r === cells.length - 1 || col === 0 ? c.bold(text) : text),
    paintDetail: (_r, text) => c.dim(text),
  });
  return tableLines(layout);
}

export function renderPlanText(plan: Plan, options: PlanRenderOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = options.width;
  const prose = (text: string, indent = '', paint: (s: string) => string = (s) => s) => wrap(text, width, indent).map(paint);
  const out: string[] = [];
  const system = plan.environments[0]?.model.spec.name ?? '';
  out.push(...prose(`dex plan: ${system}${options.specFile ? ` (${options.specFile})` : ''}`, '', (s) => c.bold(s)));
  out.push(...prose(pricingLine(plan), '', (s) => c.dim(s)));
  out.push('');
  out.push(...summaryText(plan, options, c));
  for (const e of plan.environments) {
    out.push('');
    out.push(...prose(`${e.environment} — ${e.region}, ${e.resources} resources, ${e.lineItems.length} priced lines, ${e.unpriced.length} unpriced`, '', (s) => c.bold.underline(s)));
    out.push(...layersText(e, options, c));
    out.push('');
    const unpriced = e.unpriced.length ? ` plus ${e.unpriced.length} unpriced item${e.unpriced.length === 1 ? '' : 's'} (below)` : '';
    out.push(...wrap(`${c.bold(`${e.environment}: ${usdRange(e.totals.monthlyMin, e.totals.monthlyMax)} a month`)}${unpriced ? c.yellow(unpriced) : ''}`, width, '  '));
    if (e.spot) out.push(...prose(e.spot.note, '  ', (s) => (e.spot!.discountPercent === null ? c.yellow(s) : s)));
    const budget = budgetText(e);
    if (budget) out.push(...wrap(`budget: ${e.budget?.exceeded ? c.red.bold(budget) : c.green(budget)}`, width, '  '));
    out.push(...linesText(e, options, c));
    if (e.unpriced.length) {
      out.push('');
      out.push(...wrap(`${c.yellow.bold('Unpriced')} ${c.dim('(not in the totals: dex shows no price rather than a guess)')}`, width, '  '));
      // Under a heading per layer, as the lines: the reason folds below on a narrow terminal.
      const columns: Column[] = [
        { header: 'resource', align: 'l' },
        { header: 'meter', align: 'l', fold: 1 },
        { header: 'reason', align: 'l', fold: 0 },
      ];
      const groups = [...new Set(e.unpriced.map((u) => u.layer ?? 'usage'))];
      const ordered = groups.flatMap((g) => e.unpriced.filter((u) => (u.layer ?? 'usage') === g));
      // A reason the row above gave already (four endpoints, one missing rate) is not repeated.
      const reasons = ordered.map((u, i) => (i > 0 && ordered[i - 1]!.reason === u.reason && ordered[i - 1]!.layer === u.layer ? '(the same reason as above)' : u.reason));
      const layout = layoutTable(columns, ordered.map((u, i) => [u.resource, u.meter, reasons[i]!]), { width, indent: 4, header: false, detailIndent: 6, paint: (_r, col, text) => (col === 2 ? c.dim(text) : text), paintDetail: (_r, text) => c.dim(text) });
      ordered.forEach((u, i) => {
        if (i === 0 || (ordered[i - 1]!.layer ?? 'usage') !== (u.layer ?? 'usage')) out.push(`  ${c.bold(u.layer ?? 'usage')}`);
        out.push(...layout.rows[i]!);
      });
    }
    if (e.byService) out.push(...byServiceText(e, c, width));
    // An environment with nothing reservable (a bootstrap) gets no section.
    if (e.commitment && (e.commitment.lines.length || e.commitment.gaps.length)) out.push(...commitmentText(e, c, width));
  }
  if (plan.warnings.length) {
    out.push('');
    out.push(c.yellow.bold(`Pricing warnings (${plan.warnings.length})`));
    for (const w of plan.warnings) out.push(...wrap(`${c.yellow(w.code)}: ${w.message}`, width, '  ', '    '));
  }
  return `${out.join('\n')}\n`;
}

const range = (r: { monthlyMin: number; monthlyMax: number }): string => (r.monthlyMin === 0 && r.monthlyMax === 0 ? '—' : usdRange(r.monthlyMin, r.monthlyMax));
const unpricedOf = (s: { unpricedOwn: number; unpricedShared: number }): string =>
  s.unpricedOwn + s.unpricedShared === 0 ? '—' : [s.unpricedOwn ? `${s.unpricedOwn} own` : '', s.unpricedShared ? `${s.unpricedShared} shared` : ''].filter(Boolean).join(', ');

function byServiceText(e: EnvironmentPlan, c: InstanceType<typeof Chalk>, width: number | undefined): string[] {
  const b = e.byService!;
  const out: string[] = ['', ...wrap(`${c.bold('By service')} ${c.dim(`(${b.rule})`)}`, width, '  ')];
  const columns: Column[] = [
    { header: 'service', align: 'l' },
    { header: 'placement', align: 'l', fold: 4, detail: (v) => v },
    { header: 'own', align: 'r', fold: 2, detail: unlessDash((v) => `own ${v}`) },
    { header: 'data stores', align: 'r', fold: 1, detail: unlessDash((v) => `data stores ${v}`) },
    { header: 'shared', align: 'r', fold: 3, detail: unlessDash((v) => `shared ${v}`) },
    { header: 'total / month', align: 'r' },
    { header: 'unpriced (not in it)', align: 'l', fold: 0, detail: unlessDash((v) => `unpriced (not in it): ${v}`) },
  ];
  const rows = b.services.map((s) => [s.service, s.placement, range(s.own), range(s.dataStores), range(s.shared), usdRange(s.total.monthlyMin, s.total.monthlyMax), unpricedOf(s)]);
  rows.push(['total', '', '', '', '', usdRange(e.totals.monthlyMin, e.totals.monthlyMax), '']);
  out.push(...tableLines(layoutTable(columns, rows, { width, indent: 4, paint: (r, col, text) => (r < 0 ? c.dim(text) : col === 5 ? c.bold(text) : text), paintDetail: (_r, text) => c.dim(text) })));
  return out;
}

function commitmentText(e: EnvironmentPlan, c: InstanceType<typeof Chalk>, width: number | undefined): string[] {
  const k = e.commitment!;
  const out: string[] = ['', ...wrap(c.bold(`Commitment (${k.commitment}): a ${k.term} of the always-on part (the scaling minimum)`), width, '  ')];
  if (k.lines.length) {
    const columns: Column[] = [
      { header: 'resource', align: 'l' },
      { header: 'service', align: 'l', fold: 2 },
      { header: 'usage type', align: 'l', fold: 3 },
      { header: 'always-on', align: 'r', fold: 1 },
      { header: 'on-demand', align: 'r', fold: 4, detail: unlessDash((v) => `on-demand ${v}`) },
      { header: 'reserved', align: 'r', fold: 5, detail: unlessDash((v) => `reserved ${v}`) },
      { header: 'saving / month', align: 'r' },
      { header: 'arithmetic', align: 'l', fold: 0 },
    ];
    const rows = k.lines.map((l) => [l.resource, l.service, l.usageType, `${qty(l.alwaysOnHours)} h`, usd(l.onDemandMonthlyUsd), usd(l.reservedMonthlyUsd), usd(l.savingMonthlyUsd), l.arithmetic]);
    rows.push(['total', '', '', '', usd(k.totals.onDemandMonthlyUsd), usd(k.totals.reservedMonthlyUsd), usd(k.totals.savingMonthlyUsd), '']);
    out.push(...tableLines(layoutTable(columns, rows, { width, indent: 4, paint: (r, col, text) => (r < 0 || col === 7 ? c.dim(text) : col === 6 ? c.green(text) : text), paintDetail: (_r, text) => c.dim(text) })));
    out.push(...wrap(`${c.bold(`with these reservations: ${usdRange(k.withCommitment.monthlyMin, k.withCommitment.monthlyMax)} a month`)} (saves ${usd(k.totals.savingMonthlyUsd)} a month on ${k.lines.length} line${k.lines.length === 1 ? '' : 's'}; No Upfront: billed monthly for the whole term, used or not)`, width, '  '));
  } else out.push(`    ${c.yellow('nothing in this environment can be reserved at a known price')}`);
  if (k.gaps.length) {
    out.push(`  ${c.yellow(`Not reserved (${k.gaps.length}, no saving counted)`)}`);
    const columns: Column[] = [
      { header: 'resource', align: 'l' },
      { header: 'meter', align: 'l', fold: 1 },
      { header: 'reason', align: 'l', fold: 0 },
    ];
    out.push(...tableLines(layoutTable(columns, k.gaps.map((g) => [g.resource, g.meter, g.reason]), { width, indent: 4, header: false, paint: (_r, col, text) => (col === 2 ? c.dim(text) : text), paintDetail: (_r, text) => c.dim(text) })));
  }
  return out;
}

function byServiceMarkdown(e: EnvironmentPlan): string[] {
  const b = e.byService!;
  const out: string[] = ['', `**By service** (${md(b.rule)}):`, '', '| service | placement | own | data stores | shared | total / month | unpriced (not in it) |', '|---|---|---:|---:|---:|---:|---|'];
  for (const s of b.services) out.push(`| ${md(s.service)} | ${s.placement} | ${range(s.own)} | ${range(s.dataStores)} | ${range(s.shared)} | **${usdRange(s.total.monthlyMin, s.total.monthlyMax)}** | ${unpricedOf(s)} |`);
  out.push(`| **total** | | | | | **${usdRange(e.totals.monthlyMin, e.totals.monthlyMax)}** | |`);
  return out;
}

function commitmentMarkdown(e: EnvironmentPlan): string[] {
  const k = e.commitment!;
  const out: string[] = ['', `**Commitment (${k.commitment})**: a ${md(k.term)} of the always-on part (the scaling minimum).`, ''];
  if (k.lines.length) {
    out.push('| resource | usage type | always-on | on-demand | reserved | saving / month |');
    out.push('|---|---|---:|---:|---:|---:|');
    for (const l of k.lines) out.push(`| ${code(l.resource)} | ${md(l.usageType)} | ${qty(l.alwaysOnHours)} h | ${usd(l.onDemandMonthlyUsd)} | ${usd(l.reservedMonthlyUsd)} | ${usd(l.savingMonthlyUsd)} |`);
    out.push(`| **total** | | | **${usd(k.totals.onDemandMonthlyUsd)}** | **${usd(k.totals.reservedMonthlyUsd)}** | **${usd(k.totals.savingMonthlyUsd)}** |`);
    out.push('');
    out.push(`With these reservations: **${usdRange(k.withCommitment.monthlyMin, k.withCommitment.monthlyMax)}** a month (saves ${usd(k.totals.savingMonthlyUsd)} a month).`);
  } else out.push('Nothing in this environment can be reserved at a known price.');
  if (k.gaps.length) {
    out.push('');
    out.push(`Not reserved (${k.gaps.length}, no saving counted):`);
    out.push('');
    for (const g of k.gaps) out.push(`- ${markdownCode(g.resource)} ${md(g.meter)}: ${md(g.reason)}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Markdown (a pull-request comment: summary first, details folded)


export function renderPlanMarkdown(plan: Plan, options: PlanRenderOptions): string {
  const system = plan.environments[0]?.model.spec.name ?? '';
  const out: string[] = [];
  out.push(`### dex plan: ${md(system)}`);
  out.push('');
  out.push(`${md(pricingLine(plan))}`);
  out.push('');
  out.push('| environment | region | min / month | max / month | unpriced | budget |');
  out.push('|---|---|---:|---:|---:|---|');
  for (const e of plan.environments) {
    const b = e.budget ? `${e.budget.exceeded ? '⚠️ over' : '✅ within'} ${usd(e.budget.monthlyUsd)}` : '—';
    out.push(`| ${md(e.environment)} | ${md(e.region)} | ${usd(e.totals.monthlyMin)} | ${usd(e.totals.monthlyMax)} | ${e.unpriced.length} | ${b} |`);
  }
  for (const e of plan.environments) {
    out.push('');
    out.push(`<details><summary><b>${markdownHtml(e.environment)}</b>: ${usdRange(e.totals.monthlyMin, e.totals.monthlyMax)} a month, ${e.lineItems.length} priced lines, ${e.unpriced.length} unpriced</summary>`);
    out.push('');
    out.push('| layer | min / month | max / month |');
    out.push('|---|---:|---:|');
    for (const l of e.layers) out.push(`| ${l.layer} | ${usd(l.totals.monthlyMin)} | ${usd(l.totals.monthlyMax)} |`);
    out.push(`| **total** | **${usd(e.totals.monthlyMin)}** | **${usd(e.totals.monthlyMax)}** |`);
    if (e.spot) {
      out.push('');
      out.push(`${e.spot.discountPercent === null ? '> [!NOTE]\n> ' : ''}${md(e.spot.note)}`);
    }
    out.push('');
    out.push('| layer | resource | service | usage type | arithmetic | min | max |');
    out.push('|---|---|---|---|---|---:|---:|');
    for (const l of e.lineItems) {
      out.push(`| ${l.layer} | ${code(l.resource)} | ${md(serviceText(l))} | ${md(l.usageType)} | ${md(l.arithmetic)} | ${usd(l.monthlyUsd.min)} | ${usd(l.monthlyUsd.max)} |`);
    }
    if (e.unpriced.length) {
      out.push('');
      out.push(`**Unpriced** (not in the totals):`);
      out.push('');
      for (const u of e.unpriced) out.push(`- ${markdownCode(u.resource)} ${md(u.meter)}: ${md(u.reason)}`);
    }
    if (e.byService) out.push(...byServiceMarkdown(e));
    if (e.commitment && (e.commitment.lines.length || e.commitment.gaps.length)) out.push(...commitmentMarkdown(e));
    out.push('');
    out.push('</details>');
  }
  if (plan.warnings.length) {
    out.push('');
    out.push(`<details><summary>Pricing warnings (${plan.warnings.length})</summary>`);
    out.push('');
    for (const w of plan.warnings) out.push(`- ${md(w.code)}: ${md(w.message)}`);
    out.push('');
    out.push('</details>');
  }
  if (options.specFile) {
    out.push('');
    out.push(`<sub>Generated by ${markdownCode(`dex plan ${options.specFile}`)}.</sub>`);
  }
  return `${out.join('\n')}\n`;
}

export function renderPlan(plan: Plan, format: PlanFormat, options: PlanRenderOptions): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
    case 'markdown':
      return renderPlanMarkdown(plan, options);
    case 'text':
      return renderPlanText(plan, options);
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
