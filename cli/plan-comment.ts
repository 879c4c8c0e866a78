// `dex plan --format github-comment`: the plan as one pull-request comment. A reviewer reads the
// top: what the change does to the monthly bill (per environment and in all, against the
// baseline) and how many resources it adds, changes, replaces or destroys data in. Everything
// else is folded in <details> sections. GitHub refuses a comment over 65,536 characters, so when
// the whole does not fit, the largest sections lose their last rows first, then whole sections
// go; the summary always stays, with a line pointing at the full plan (the Action writes
// `dex plan --format markdown` to the job summary). Pure: plan, diff and findings in, text out.
import { mermaidGraph } from '../emitters/graph.js';
import type { AutoPlacement } from '../pipeline/placement-alternatives.js';
import { placementAlternativeText } from './placement-render.js';
import type { CostDelta, DiffReport, EnvironmentDiff } from '../compiler/diff/types.js';
import { markdownCode, markdownCommentValue, markdownHtml, markdownText as md } from '../compiler/model/quote.js';
import type { EnvironmentPlan, Plan, PlanLineItem } from '../compiler/pricing/plan.js';
import type { Diagnostic } from '../spec/diagnostics.js';
import { deltaText, diffCounts, signedRange, unpricedChangeText } from './diff-render.js';
import { usd, usdRange } from './plan-render.js';

/** GitHub's limit on an issue or pull-request comment body, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** The first line of every comment dex writes: how `dex comment github` finds its own comment again. */
export const COMMENT_MARKER = '<!-- dex-plan-comment -->';

export interface PlanCommentOptions {
  /** The spec from the repository root: in the heading and in the marker (one comment per spec). */
  readonly specFile: string;
  /** --env, when one environment is planned: also in the marker (one comment per spec and environment). */
  readonly environment?: string;
  /** Characters the comment may have (tests force a small one). Default: GitHub's limit. */
  readonly limit?: number;
  /** The workflow run whose job summary holds the full plan, when running in GitHub Actions. */
  readonly runUrl?: string;
  /** The services dex placed (`placement: auto`), with the cost of the alternatives. */
  readonly placements?: readonly AutoPlacement[];
}

export interface PlanComment {
  readonly text: string;
  /** Sections shortened or left out to fit the limit, as their titles; empty when all fit. */
  readonly abbreviated: readonly string[];
}

/**
 * The marker lines a comment starts with: the generic one and one naming the spec (and the
 * environment), percent-encoded so no value can end the HTML comment.
 */
export function commentMarker(specFile: string, environment?: string): string {
  const env = environment !== undefined ? ` env=${markdownCommentValue(environment)}` : '';
  return `${COMMENT_MARKER}\n<!-- dex-plan-spec ${markdownCommentValue(specFile)}${env} -->`;
}

/** The run page of a GitHub Actions run (its job summaries are there), from the runner's variables. */
export function actionsRunUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const server = env.GITHUB_SERVER_URL;
  const repo = env.GITHUB_REPOSITORY;
  const run = env.GITHUB_RUN_ID;
  // Only shapes that cannot break out of a Markdown link: the values come from the environment.
  if (!server || !repo || !run || !/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~-]+)*$/.test(server) || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo) || !/^\d+$/.test(run)) return undefined;
  return `${server}/${repo}/actions/runs/${run}`;
}

/** A folded section: rows can be dropped from the end, the whole section can be left out. */
interface Section {
  /** What it is, as plain text (for the list of what was shortened or left out). */
  readonly label: string;
  /** Inside <summary>, already HTML-escaped. */
  readonly title: string;
  /** Lines before the rows (a table header). */
  readonly head: readonly string[];
  readonly rows: readonly string[];
  /** Lines after the rows. */
  readonly tail?: readonly string[];
  /** Rows kept; rows.length when whole, 0 when left out. */
  keep: number;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const code = (value: string): string => markdownCode(value, { inTable: true });

function renderSection(s: Section): string {
  const cut = s.rows.length - s.keep;
  const lines = [`<details><summary>${s.title}${cut > 0 ? ` (${s.keep} of ${s.rows.length} shown)` : ''}</summary>`, '', ...s.head, ...s.rows.slice(0, s.keep)];
  if (cut > 0) lines.push('', `… and ${plural(cut, 'more row')}: see the full plan.`);
  if (s.tail?.length && cut === 0) lines.push(...s.tail);
  lines.push('', '</details>');
  return lines.join('\n');
}

/** The change in a table cell: over what is priced on both sides, and how many changes have no price. */
function changeCell(delta: { monthlyMin: number; monthlyMax: number }, unpriced: number): string {
  const rest = unpriced ? `${plural(unpriced, 'change')} not priced` : '';
  if (unpriced && delta.monthlyMin === 0 && delta.monthlyMax === 0) return `not known: ${rest}`;
  return `**${md(signedRange(delta))}**${rest ? ` + ${rest}` : ''}`;
}

/** Money columns of one environment: before, after and the change against the baseline. */
function costCells(e: SummaryRow, diff: EnvironmentDiff | undefined): [string, string, string] {
  const after = usdRange(e.totals.monthlyMin, e.totals.monthlyMax);
  const cost = diff?.cost;
  if (!diff) return ['—', after, 'not compared'];
  if (!cost) return ['—', after, '—'];
  if (!cost.before || !cost.delta) return ['not known', after, 'not known (the baseline carries no usage)'];
  return [usdRange(cost.before.monthlyMin, cost.before.monthlyMax), after, changeCell(cost.delta, cost.unpriced.length)];
}

/** An environment's row of the summary, or the bootstraps' (one row for every account and region: they are shared). */
type SummaryRow = Pick<EnvironmentPlan, 'environment' | 'region' | 'totals' | 'unpriced' | 'budget'>;

function summaryRows(plan: Plan): SummaryRow[] {
  const bootstraps = plan.environments.filter((e) => e.environment.startsWith('bootstrap/'));
  const rows: SummaryRow[] = plan.environments.filter((e) => !bootstraps.includes(e));
  if (bootstraps.length) {
    const regions = [...new Set(bootstraps.map((b) => b.region))];
    rows.push({ environment: `bootstrap (${plural(bootstraps.length, 'account and region', 'accounts and regions')})`, region: regions.join(', '), totals: sumRanges(bootstraps.map((b) => b.totals)), unpriced: bootstraps.flatMap((b) => b.unpriced), budget: undefined });
  }
  return rows;
}

function budgetCell(e: SummaryRow): string {
  if (!e.budget) return '—';
  return e.budget.exceeded ? `⚠️ over ${usd(e.budget.monthlyUsd)} by up to ${usd(e.budget.overByUsd)}` : `✅ within ${usd(e.budget.monthlyUsd)}`;
}

const cents = (n: number): number => Math.round(n * 100);
const sumRanges = (ranges: readonly { monthlyMin: number; monthlyMax: number }[]) => ({
  monthlyMin: ranges.reduce((a, r) => a + cents(r.monthlyMin), 0) / 100,
  monthlyMax: ranges.reduce((a, r) => a + cents(r.monthlyMax), 0) / 100,
});

function summary(plan: Plan, report: DiffReport, findings: readonly Diagnostic[], options: PlanCommentOptions): string[] {
  const system = plan.environments[0]?.model.spec.name ?? '';
  const out: string[] = [commentMarker(options.specFile, options.environment), `### dex plan: ${md(system)} (${markdownCode(options.specFile)}${options.environment !== undefined ? `, ${md(options.environment)}` : ''})`, ''];
  const diffs = new Map(report.environments.map((e) => [e.environment, e]));
  const compared = !report.noBaseline;
  const priced = plan.pricing.source === 'live' ? 'live AWS list prices' : `AWS list prices of ${md(plan.pricing.asOf)}`;
  out.push(compared ? `**Monthly cost** against ${markdownCode(report.against)} (${priced}):` : `**Monthly cost** (${priced}):`, '');
  const totalUnpriced = plan.environments.reduce((a, e) => a + e.unpriced.length, 0);
  const rows = summaryRows(plan);
  if (compared) {
    out.push('| environment | before | after | change | unpriced | budget |', '|---|---:|---:|---:|---:|---|');
    for (const e of rows) out.push(`| ${md(e.environment)} | ${costCells(e, diffs.get(e.environment)).join(' | ')} | ${e.unpriced.length} | ${budgetCell(e)} |`);
    if (plan.environments.length > 1) {
      const costs = plan.environments.map((e) => diffs.get(e.environment)?.cost);
      const known = costs.filter((c): c is CostDelta & { before: NonNullable<CostDelta['before']>; delta: NonNullable<CostDelta['delta']> } => c?.before != null && c.delta != null);
      const after = sumRanges(plan.environments.map((e) => e.totals));
      const partial = known.length < plan.environments.length;
      const before = sumRanges(known.map((c) => c.before));
      const delta = known.length ? `${changeCell(sumRanges(known.map((c) => c.delta)), known.reduce((a, c) => a + c.unpriced.length, 0))}${partial ? ' (environments compared)' : ''}` : 'not known';
      out.push(`| **total** | ${known.length && !partial ? usdRange(before.monthlyMin, before.monthlyMax) : '—'} | **${usdRange(after.monthlyMin, after.monthlyMax)}** | ${delta} | ${totalUnpriced} | |`);
    }
  } else {
    out.push('| environment | region | monthly | unpriced | budget |', '|---|---|---:|---:|---|');
    for (const e of rows) out.push(`| ${md(e.environment)} | ${md(e.region)} | ${usdRange(e.totals.monthlyMin, e.totals.monthlyMax)} | ${e.unpriced.length} | ${budgetCell(e)} |`);
    if (plan.environments.length > 1) {
      const all = sumRanges(plan.environments.map((e) => e.totals));
      out.push(`| **total** | | **${usdRange(all.monthlyMin, all.monthlyMax)}** | ${totalUnpriced} | |`);
    }
  }
  out.push('');
  const n = diffCounts(report);
  if (compared) {
    const parts = [`**${n.add}** to add`, `**${n.modify}** to change in place`, `**${n.replace}** to replace`, `**${n.remove}** to remove`, plural(n.files, 'file') + ' changed'];
    out.push(`**Changes:** ${parts.join(' · ')} · ${n.security ? '🟠 ' : ''}**${n.security}** security-relevant · ${n.dataLoss ? '🔴 ' : ''}**${n.dataLoss}** with data loss`);
  } else out.push(`**Changes:** ${md(report.noBaseline!.replace(/^no baseline: showing the full plan/, 'no baseline to compare with, every resource is new'))}.`);
  const loss = report.environments.flatMap((e) => e.changes.filter((c) => c.dataLoss).map((c) => ({ env: e.environment, c })));
  if (loss.length) {
    out.push('', `> [!CAUTION]`, `> **${plural(loss.length, 'change destroys', 'changes destroy')} data:**`);
    for (const { env, c } of loss.slice(0, SUMMARY_ITEMS)) out.push(`> - ${markdownCode(c.logicalId)} (${md(env)}): ${md(c.dataLoss!)}`);
    if (loss.length > SUMMARY_ITEMS) out.push(`> - … and ${loss.length - SUMMARY_ITEMS} more (below)`);
  }
  const high = report.environments.flatMap((e) => e.security.filter((s) => s.severity === 'high').map((s) => ({ env: e.environment, s })));
  if (high.length) {
    out.push('', `> [!WARNING]`, `> **${plural(high.length, 'high-severity security change')}:**`);
    for (const { env, s } of high.slice(0, SUMMARY_ITEMS)) out.push(`> - ${markdownCode(s.kind)} (${md(env)}): ${md(s.message)}`);
    if (high.length > SUMMARY_ITEMS) out.push(`> - … and ${high.length - SUMMARY_ITEMS} more (below)`);
  }
  const over = plan.environments.filter((e) => e.budget?.exceeded);
  if (over.length) {
    out.push('', '> [!IMPORTANT]');
    for (const e of over) out.push(`> ${md(e.environment)} can cost up to ${usd(e.totals.monthlyMax)} a month: ${usd(e.budget!.overByUsd)} over its budget of ${usd(e.budget!.monthlyUsd)}${e.budget!.exceededAtMin ? ', even at the scaling minimum' : ''}.`);
  }
  const errors = findings.filter((d) => d.severity === 'error').length;
  const warnings = findings.filter((d) => d.severity === 'warning').length;
  const notes: string[] = [];
  if (totalUnpriced) notes.push(`${plural(totalUnpriced, 'item')} unpriced (not in the totals)`);
  if (findings.length) notes.push(`findings: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  if (report.warnings.length) notes.push(plural(report.warnings.length, 'diff warning'));
  if (notes.length) out.push('', `${notes.join(' · ')}.`);
  return out;
}

/** The auto placements, one section per environment: service, platform, why, the alternatives' cost. */
function placementSections(placements: readonly AutoPlacement[]): Section[] {
  const byEnv = new Map<string, AutoPlacement[]>();
  for (const p of placements) byEnv.set(p.environment, [...(byEnv.get(p.environment) ?? []), p]);
  return [...byEnv].map(([env, list]) => {
    const rows = list.map((p) => `| ${md(p.service)} | ${p.placement} | ${md(p.rationale.join('; '))} | ${md(p.alternatives.map(placementAlternativeText).join('; '))} |`);
    return { label: `${env}: placement: auto`, title: `<b>${markdownHtml(env)}</b>: ${plural(list.length, 'service')} placed by dex (placement: auto)`, head: ['| service | placed on | why | cost a month elsewhere |', '|---|---|---|---|'], rows, keep: rows.length };
  });
}

/** Each environment's system as a Mermaid flowchart (GitHub draws it): one block, whole or left out. */
function graphSections(plan: Plan): Section[] {
  return plan.environments
    .filter((e) => !e.environment.startsWith('bootstrap/'))
    .map((e) => ({ label: `${e.environment}: system graph`, title: `<b>${markdownHtml(e.environment)}</b>: the system, with each part's monthly cost`, head: [], rows: [`\`\`\`mermaid\n${mermaidGraph(e).trimEnd()}\n\`\`\``], keep: 1 }));
}

/** Data-loss and high-severity items listed in the summary itself, at most. */
const SUMMARY_ITEMS = 5;

function diffSections(report: DiffReport): Section[] {
  const out: Section[] = [];
  if (report.warnings.length) out.push({ label: 'diff warnings', title: `Diff warnings (${report.warnings.length})`, head: [], rows: report.warnings.map((w) => `- ${md(w)}`), keep: report.warnings.length });
  for (const e of report.environments) {
    const rows: string[] = [];
    for (const c of e.changes) {
      const props = c.properties.map((p) => `${code(p.path)}${p.causesReplacement ? ' (replacement)' : p.mayCauseReplacement ? ' (may replace)' : ''}`).join(', ');
      rows.push(`| ${c.action}${c.dataLoss ? ' 🔴' : ''} | ${md(c.stack ?? '')} | ${code(c.logicalId)} | ${md(c.type)} | ${props} |`);
    }
    const files = e.files.map((f) => `| ${f.action} | file | ${code(f.path)} | +${f.linesAdded} −${f.linesRemoved} lines | ${md((f.objects ?? []).map((o) => `${o.action} ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`).join(', '))} |`);
    if (rows.length + files.length > 0) {
      out.push({
        label: `${e.environment}: changes`,
        title: `<b>${markdownHtml(e.environment)}</b> against ${markdownHtml(e.baseline)}: ${plural(e.changes.length, 'resource change')}${e.files.length ? `, ${plural(e.files.length, 'file')}` : ''}`,
        head: ['| action | stack | resource | type | properties |', '|---|---|---|---|---|'],
        rows: [...rows, ...files],
        keep: rows.length + files.length,
      });
    }
    const cost = e.cost;
    if (cost && (cost.lineItems.length || cost.unpriced.length)) {
      const lines = [...cost.lineItems]
        .sort((a, b) => Math.abs(b.delta.monthlyMax) - Math.abs(a.delta.monthlyMax))
        .map((l) => `| ${code(l.resource)} | ${md(l.usageType)} | ${l.before ? usdRange(l.before.monthlyMin, l.before.monthlyMax) : '—'} | ${l.after ? usdRange(l.after.monthlyMin, l.after.monthlyMax) : '—'} | ${md(signedRange(l.delta))} |`);
      const unpriced = cost.unpriced.map((u) => `| ${code(u.resource)} | ${md(u.usageType || u.meter)} | ${u.before ? usdRange(u.before.monthlyMin, u.before.monthlyMax) : 'unpriced'} | ${u.after ? usdRange(u.after.monthlyMin, u.after.monthlyMax) : 'unpriced'} | not known: ${md(unpricedChangeText(u))} — ${md(u.reason)} |`);
      out.push({
        label: `${e.environment}: cost of the changes`,
        title: `<b>${markdownHtml(e.environment)}</b>: cost of the changes${cost.delta ? `, ${markdownHtml(deltaText(cost))}` : ''}`,
        head: ['| resource | usage type | before | after | change / month |', '|---|---|---:|---:|---:|'],
        rows: [...lines, ...unpriced],
        keep: lines.length + unpriced.length,
      });
    }
  }
  const security = report.environments.flatMap((e) => e.security.map((s) => ({ env: e.environment, s })));
  if (security.length) {
    const rank = { high: 0, medium: 1, low: 2, info: 3 } as const;
    const mark = { high: '🔴 high', medium: '🟠 medium', low: '🟡 low', info: '⚪ info' } as const;
    const rows = [...security].sort((a, b) => rank[a.s.severity] - rank[b.s.severity]).map(({ env, s }) => `- ${mark[s.severity]} ${md(env)} ${markdownCode(s.kind)} ${markdownCode(s.logicalId)}: ${md(s.message)}`);
    out.push({ label: 'security-relevant changes', title: `Security-relevant changes (${security.length})`, head: [], rows, keep: rows.length });
  }
  return out;
}

const lineRow = (l: PlanLineItem): string => `| ${l.layer} | ${code(l.resource)} | ${md(l.spot ? `${l.service} Spot` : l.service)} | ${md(l.usageType)} | ${md(l.arithmetic)} | ${usd(l.monthlyUsd.min)} | ${usd(l.monthlyUsd.max)} |`;

function planSections(plan: Plan, findings: readonly Diagnostic[]): Section[] {
  const out: Section[] = [];
  for (const e of plan.environments) {
    if (e.lineItems.length === 0) continue;
    // Most expensive first: when rows must go, the cheapest go.
    const rows = e.lineItems.map((l, i) => ({ l, i })).sort((a, b) => b.l.monthlyUsd.max - a.l.monthlyUsd.max || a.i - b.i).map(({ l }) => lineRow(l));
    out.push({
      label: `${e.environment}: line items`,
      title: `<b>${markdownHtml(e.environment)}</b>: ${usdRange(e.totals.monthlyMin, e.totals.monthlyMax)} a month, ${plural(e.lineItems.length, 'priced line')}`,
      head: ['| layer | min / month | max / month |', '|---|---:|---:|', ...e.layers.map((l) => `| ${l.layer} | ${usd(l.totals.monthlyMin)} | ${usd(l.totals.monthlyMax)} |`), '', 'Line items, most expensive first:', '', '| layer | resource | service | usage type | arithmetic | min | max |', '|---|---|---|---|---|---:|---:|'],
      rows,
      ...(e.spot ? { tail: ['', md(e.spot.note)] } : {}),
      keep: rows.length,
    });
  }
  const unpriced = plan.environments.flatMap((e) => e.unpriced.map((u) => `| ${md(e.environment)} | ${code(u.resource)} | ${md(u.meter)} | ${md(u.reason)} |`));
  if (unpriced.length) out.push({ label: 'unpriced items', title: `Unpriced items (${unpriced.length}, not in the totals)`, head: ['| environment | resource | meter | why |', '|---|---|---|---|'], rows: unpriced, keep: unpriced.length });
  if (findings.length) {
    const rows = findings.map((d) => `| ${d.severity} | ${d.code} | ${md(`${d.file ?? ''}${d.line !== undefined ? `:${d.line}:${d.col ?? 1}` : ''}`)} | ${md(d.message)} |`);
    out.push({ label: 'findings', title: `Findings (${findings.length})`, head: ['| severity | code | where | finding |', '|---|---|---|---|'], rows, keep: rows.length });
  }
  if (plan.warnings.length) {
    const rows = plan.warnings.map((w) => `- ${md(w.code)}: ${md(w.message)}`);
    out.push({ label: 'pricing warnings', title: `Pricing warnings (${rows.length})`, head: [], rows, keep: rows.length });
  }
  return out;
}

function pointer(options: PlanCommentOptions, abbreviated: boolean, limit: number): string {
  const full = options.runUrl ? `the [job summary](${options.runUrl}) of this run` : `${markdownCode(`dex plan ${options.specFile} --format markdown`)}`;
  if (!abbreviated) return options.runUrl ? `<sub>The full plan is in ${full}.</sub>` : '';
  return `> [!NOTE]\n> Shortened to fit GitHub's limit of ${limit.toLocaleString('en-US')} characters: the full plan is in ${full}.`;
}

export function renderPlanComment(plan: Plan, report: DiffReport, findings: readonly Diagnostic[], options: PlanCommentOptions): PlanComment {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const head = summary(plan, report, findings, options).join('\n');
  const sections = [...placementSections(options.placements ?? []), ...diffSections(report), ...planSections(plan, findings), ...graphSections(plan)];
  const assemble = (abbreviated: boolean): string => {
    const kept = sections.filter((s) => s.keep > 0).map(renderSection);
    const left = sections.filter((s) => s.keep === 0);
    const omitted = left.length ? [`Left out to fit: ${left.map((s) => md(s.label)).join('; ')}.`] : [];
    const end = pointer(options, abbreviated, limit);
    return `${[head, ...kept, ...omitted, ...(end ? [end] : [])].join('\n\n')}\n`;
  };
  let text = assemble(false);
  if (text.length <= limit) return { text, abbreviated: [] };
  // The largest section gives up rows until it is no larger than the next one (or the excess is
  // covered), then the largest again: big sections shrink together, small ones stay whole.
  for (;;) {
    text = assemble(true);
    const excess = text.length - limit;
    if (excess <= 0) break;
    const open = sections.filter((s) => s.keep > 0).map((s) => ({ s, length: renderSection(s).length })).sort((a, b) => b.length - a.length);
    if (open.length === 0) break;
    const [largest, next] = open as [{ s: Section; length: number }, { s: Section; length: number } | undefined];
    const target = Math.max(next?.length ?? 0, largest.length - excess);
    let length = largest.length;
    do length -= largest.s.rows[--largest.s.keep]!.length + 1;
    while (largest.s.keep > 0 && length > target);
  }
  if (text.length > limit) text = clipLines(text, limit);
  return { text, abbreviated: sections.filter((s) => s.keep < s.rows.length).map((s) => s.label) };
}

/** Last resort, a summary too long on its own (thousands of environments): whole lines, then a note. */
function clipLines(text: string, limit: number): string {
  const note = '\n\n… cut here to fit GitHub\'s comment limit: see the full plan.\n';
  const lines = text.split('\n');
  let out = '';
  for (const line of lines) {
    if (out.length + line.length + 1 + note.length > limit) break;
    out += `${line}\n`;
  }
  return `${out.trimEnd()}${note}`;
}
