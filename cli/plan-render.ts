// `dex plan` output: a text table grouped by layer (aligned columns, colour only on a TTY), JSON
// for machines and Markdown for a pull-request comment. Pure: a Plan in, a string out.
import { Chalk } from 'chalk';
import { markdownCode, markdownHtml, markdownText as md } from '../compiler/model/quote.js';
import type { EnvironmentPlan, Plan, PlanLineItem, PlanUnpriced } from '../compiler/pricing/plan.js';

/** A code span in a table cell. */
const code = (value: string): string => markdownCode(value, { inTable: true });

export type PlanFormat = 'text' | 'json' | 'markdown';

export interface PlanRenderOptions {
  readonly color: boolean;
  /** Spec file as the user named it, for the heading. */
  readonly specFile?: string;
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

export function renderPlanText(plan: Plan, options: PlanRenderOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const out: string[] = [];
  const system = plan.environments[0]?.model.spec.name ?? '';
  out.push(c.bold(`dex plan: ${system}${options.specFile ? ` (${options.specFile})` : ''}`));
  out.push(c.dim(pricingLine(plan)));
  for (const e of plan.environments) {
    out.push('');
    out.push(c.bold.underline(`${e.environment} — ${e.region}, ${e.resources} resources, ${e.lineItems.length} priced lines, ${e.unpriced.length} unpriced`));
    const rows: string[][] = [['', 'resource', 'service', 'usage type', 'quantity / month', 'unit price', 'min / month', 'max / month', 'arithmetic']];
    const kinds: ('head' | 'layer' | 'line')[] = ['head'];
    for (const layer of e.layers) {
      rows.push([layer.layer, '', '', '', '', '', usd(layer.totals.monthlyMin), usd(layer.totals.monthlyMax), `${layer.lineItems.length} lines${layer.unpriced.length ? `, ${layer.unpriced.length} unpriced` : ''}`]);
      kinds.push('layer');
      for (const l of layer.lineItems) {
        rows.push(['', l.resource, serviceText(l), l.usageType, quantityText(l), `${unitPrice(l.unitPriceUsd)}/${l.unit}`, usd(l.monthlyUsd.min), usd(l.monthlyUsd.max), l.arithmetic]);
        kinds.push('line');
      }
    }
    rows.push(['total', '', '', '', '', '', usd(e.totals.monthlyMin), usd(e.totals.monthlyMax), '']);
    kinds.push('layer');
    const lines = alignColumns(rows, ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'l'], (r, col, text) => {
      const kind = kinds[r];
      if (kind === 'head') return c.dim(text);
      if (kind === 'layer') return col === 0 || col === 6 || col === 7 ? c.bold(text) : c.dim(text);
      if (col === 8) return c.dim(text);
      if (col === 6 || col === 7) return c.green(text);
      return text;
    });
    out.push(...lines.map((l) => `  ${l}`));
    out.push('');
    out.push(`  ${c.bold(`${e.environment}: ${usdRange(e.totals.monthlyMin, e.totals.monthlyMax)} a month`)}${e.unpriced.length ? c.yellow(` plus ${e.unpriced.length} unpriced item${e.unpriced.length === 1 ? '' : 's'} (below)`) : ''}`);
    if (e.spot) out.push(`  ${e.spot.discountPercent === null ? c.yellow(e.spot.note) : e.spot.note}`);
    const budget = budgetText(e);
    if (budget) out.push(`  budget: ${e.budget?.exceeded ? c.red.bold(budget) : c.green(budget)}`);
    if (e.unpriced.length) {
      out.push('');
      out.push(`  ${c.yellow.bold('Unpriced')} ${c.dim('(not in the totals: dex shows no price rather than a guess)')}`);
      const urows = e.unpriced.map((u) => [u.layer ?? 'usage', u.resource, u.meter, u.reason]);
      out.push(...alignColumns(urows, ['l', 'l', 'l', 'l'], (_r, col, text) => (col === 3 ? c.dim(text) : text)).map((l) => `    ${l}`));
    }
    if (e.byService) out.push(...byServiceText(e, c));
    // An environment with nothing reservable (a bootstrap) gets no section.
    if (e.commitment && (e.commitment.lines.length || e.commitment.gaps.length)) out.push(...commitmentText(e, c));
  }
  if (plan.environments.length > 1) {
    out.push('');
    out.push(c.bold('Summary'));
    const rows = [['environment', 'min / month', 'max / month', 'unpriced', 'budget']];
    for (const e of plan.environments) rows.push([e.environment, usd(e.totals.monthlyMin), usd(e.totals.monthlyMax), String(e.unpriced.length), budgetText(e) ?? '—']);
    out.push(...alignColumns(rows, ['l', 'r', 'r', 'r', 'l'], (r, _col, text) => (r === 0 ? c.dim(text) : text)).map((l) => `  ${l}`));
  }
  if (plan.warnings.length) {
    out.push('');
    out.push(c.yellow.bold(`Pricing warnings (${plan.warnings.length})`));
    for (const w of plan.warnings) out.push(`  ${c.yellow(w.code)}: ${w.message}`);
  }
  return `${out.join('\n')}\n`;
}

const range = (r: { monthlyMin: number; monthlyMax: number }): string => (r.monthlyMin === 0 && r.monthlyMax === 0 ? '—' : usdRange(r.monthlyMin, r.monthlyMax));
const unpricedOf = (s: { unpricedOwn: number; unpricedShared: number }): string =>
  s.unpricedOwn + s.unpricedShared === 0 ? '—' : [s.unpricedOwn ? `${s.unpricedOwn} own` : '', s.unpricedShared ? `${s.unpricedShared} shared` : ''].filter(Boolean).join(', ');

function byServiceText(e: EnvironmentPlan, c: InstanceType<typeof Chalk>): string[] {
  const b = e.byService!;
  const out: string[] = ['', `  ${c.bold('By service')} ${c.dim(`(${b.rule})`)}`];
  const rows = [['service', 'placement', 'own', 'data stores', 'shared', 'total / month', 'unpriced (not in it)']];
  for (const s of b.services) rows.push([s.service, s.placement, range(s.own), range(s.dataStores), range(s.shared), usdRange(s.total.monthlyMin, s.total.monthlyMax), unpricedOf(s)]);
  rows.push(['total', '', '', '', '', usdRange(e.totals.monthlyMin, e.totals.monthlyMax), '']);
  out.push(...alignColumns(rows, ['l', 'l', 'r', 'r', 'r', 'r', 'l'], (r, col, text) => (r === 0 ? c.dim(text) : col === 5 ? c.bold(text) : text)).map((l) => `    ${l}`));
  return out;
}

function byServiceMarkdown(e: EnvironmentPlan): string[] {
  const b = e.byService!;
  const out: string[] = ['', `**By service** (${md(b.rule)}):`, '', '| service | placement | own | data stores | shared | total / month | unpriced (not in it) |', '|---|---|---:|---:|---:|---:|---|'];
  for (const s of b.services) out.push(`| ${md(s.service)} | ${s.placement} | ${range(s.own)} | ${range(s.dataStores)} | ${range(s.shared)} | **${usdRange(s.total.monthlyMin, s.total.monthlyMax)}** | ${unpricedOf(s)} |`);
  out.push(`| **total** | | | | | **${usdRange(e.totals.monthlyMin, e.totals.monthlyMax)}** | |`);
  return out;
}

function commitmentText(e: EnvironmentPlan, c: InstanceType<typeof Chalk>): string[] {
  const k = e.commitment!;
  const out: string[] = ['', `  ${c.bold(`Commitment (${k.commitment}): a ${k.term} of the always-on part (the scaling minimum)`)}`];
  if (k.lines.length) {
    const rows = [['resource', 'service', 'usage type', 'always-on', 'on-demand', 'reserved', 'saving / month', 'arithmetic']];
    for (const l of k.lines) rows.push([l.resource, l.service, l.usageType, `${qty(l.alwaysOnHours)} h`, usd(l.onDemandMonthlyUsd), usd(l.reservedMonthlyUsd), usd(l.savingMonthlyUsd), l.arithmetic]);
    rows.push(['total', '', '', '', usd(k.totals.onDemandMonthlyUsd), usd(k.totals.reservedMonthlyUsd), usd(k.totals.savingMonthlyUsd), '']);
    out.push(...alignColumns(rows, ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'l'], (r, col, text) => (r === 0 || col === 7 ? c.dim(text) : col === 6 ? c.green(text) : text)).map((l) => `    ${l}`));
    out.push(`  ${c.bold(`with these reservations: ${usdRange(k.withCommitment.monthlyMin, k.withCommitment.monthlyMax)} a month`)} (saves ${usd(k.totals.savingMonthlyUsd)} a month on ${k.lines.length} line${k.lines.length === 1 ? '' : 's'}; No Upfront: billed monthly for the whole term, used or not)`);
  } else out.push(`    ${c.yellow('nothing in this environment can be reserved at a known price')}`);
  if (k.gaps.length) {
    out.push(`  ${c.yellow(`Not reserved (${k.gaps.length}, no saving counted)`)}`);
    out.push(...alignColumns(k.gaps.map((g) => [g.resource, g.meter, g.reason]), ['l', 'l', 'l'], (_r, col, text) => (col === 2 ? c.dim(text) : text)).map((l) => `    ${l}`));
  }
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
