// The `diff` section of `dex plan --against …`: text (colour on a TTY), Markdown for a pull
// request, and the JSON merged into the plan JSON under `diff`. Pure.
import { Chalk } from 'chalk';
import type { CostDelta, CostUnpricedChange, DiffReport, PropertyChange, ResourceChange } from '../compiler/diff/types.js';
import { markdownCode, markdownHtml, markdownText as md } from '../compiler/model/quote.js';
import { usd, usdRange } from './plan-render.js';

/** A code span in a table cell. */
const code = (value: string): string => markdownCode(value, { inTable: true });

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));
const clip = (s: string, n = 120): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** Two long values cut to a window around where they first differ. */
export function around(a: string, b: string, n: number): [string, string] {
  if (a.length <= n && b.length <= n) return [a, b];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const start = Math.max(0, i - 20);
  const cut = (s: string) => {
    const body = s.slice(start, start + n);
    return `${start > 0 ? '…' : ''}${body}${start + n < s.length ? '…' : ''}`;
  };
  return [cut(a), cut(b)];
}
const signed = (n: number): string => (n > 0 ? `+${usd(n)}` : n < 0 ? usd(n) : usd(0));
export const signedRange = (r: { monthlyMin: number; monthlyMax: number }): string => (r.monthlyMin === r.monthlyMax ? signed(r.monthlyMin) : `${signed(r.monthlyMin)} – ${signed(r.monthlyMax)}`);

/** The delta in words: over what is priced on both sides, and never a bare $0.00 when a change has no price. */
export function deltaText(cost: CostDelta): string {
  const d = cost.delta!;
  const n = cost.unpriced.length;
  if (n === 0) return signedRange(d);
  const rest = `${n} change${n === 1 ? '' : 's'} with no price on one side not included`;
  if (d.monthlyMin === 0 && d.monthlyMax === 0) return `cost change not known: ${rest}; no change in what is priced on both sides`;
  return `${signedRange(d)} over what is priced on both sides; ${rest}`;
}

export function unpricedChangeText(u: CostUnpricedChange): string {
  const side = u.before ? `was ${usdRange(u.before.monthlyMin, u.before.monthlyMax)} a month` : u.after ? `now ${usdRange(u.after.monthlyMin, u.after.monthlyMax)} a month` : '';
  return `${u.resource} ${u.meter}${u.usageType ? ` (${u.usageType})` : ''}: ${u.change}${side ? `, ${side}` : ''}`;
}

export function diffCounts(report: DiffReport) {
  const all = report.environments.flatMap((e) => e.changes);
  return {
    add: all.filter((c) => c.action === 'add').length,
    modify: all.filter((c) => c.action === 'modify').length,
    replace: all.filter((c) => c.action === 'replace').length,
    remove: all.filter((c) => c.action === 'remove').length,
    dataLoss: all.filter((c) => c.dataLoss).length,
    security: report.environments.flatMap((e) => e.security).filter((s) => s.severity !== 'info').length,
    files: report.environments.flatMap((e) => e.files).length,
  };
}

export function diffToJson(report: DiffReport): Record<string, unknown> {
  const prop = (p: PropertyChange) => ({ path: p.path, before: p.before ?? null, after: p.after ?? null, causesReplacement: p.causesReplacement, ...(p.mayCauseReplacement ? { mayCauseReplacement: true } : {}), ...(p.note ? { note: p.note } : {}) });
  const add = (a: { monthlyMin: number; monthlyMax: number }, b: { monthlyMin: number; monthlyMax: number }) => ({ monthlyMin: (Math.round(a.monthlyMin * 100) + Math.round(b.monthlyMin * 100)) / 100, monthlyMax: (Math.round(a.monthlyMax * 100) + Math.round(b.monthlyMax * 100)) / 100 });
  let before: { monthlyMin: number; monthlyMax: number } | null = { monthlyMin: 0, monthlyMax: 0 };
  let after = { monthlyMin: 0, monthlyMax: 0 };
  // The delta is the sum of the environments' deltas (over what is priced on both sides), not
  // after − before: a line that became unpriced is in `before` and not in `after`.
  let delta: { monthlyMin: number; monthlyMax: number } | null = { monthlyMin: 0, monthlyMax: 0 };
  for (const e of report.environments) {
    if (!e.cost) continue;
    after = add(after, e.cost.after);
    before = before && e.cost.before ? add(before, e.cost.before) : null;
    delta = delta && e.cost.delta ? add(delta, e.cost.delta) : null;
  }
  if (!before) delta = null;
  const counts = diffCounts(report);
  return {
    against: report.against,
    ...(report.noBaseline ? { noBaseline: report.noBaseline } : {}),
    differenceCount: counts.add + counts.modify + counts.replace + counts.remove + counts.files,
    permissionsBroadened: report.environments.some((e) => e.security.some((s) => s.severity !== 'info')),
    summary: counts,
    changes: report.environments.flatMap((e) =>
      e.changes.map((c) => ({ environment: e.environment, stack: c.stack, logicalId: c.logicalId, type: c.type, action: c.action, ...(c.component ? { component: c.component } : {}), properties: c.properties.map(prop), ...(c.dataLoss ? { dataLoss: c.dataLoss } : {}), ...(c.movedFromStack !== undefined ? { movedFromStack: c.movedFromStack } : {}) })),
    ),
    security: report.environments.flatMap((e) => e.security.map((s) => ({ environment: e.environment, ...s }))),
    files: report.environments.flatMap((e) => e.files.map((f) => ({ environment: e.environment, ...f }))),
    cost: {
      before: report.environments.length && before ? before : null,
      after,
      delta,
      deltaCovers: 'the lines priced on both sides; changes with no price on a side are listed in unpriced',
      lineItems: report.environments.flatMap((e) => (e.cost?.lineItems ?? []).map((l) => ({ environment: e.environment, ...l }))),
      unpriced: report.environments.flatMap((e) => (e.cost?.unpriced ?? []).map((u) => ({ environment: e.environment, ...u }))),
    },
    environments: report.environments.map((e) => ({ environment: e.environment, baseline: e.baseline, cost: e.cost ? { before: e.cost.before, after: e.cost.after, delta: e.cost.delta, unpriced: e.cost.unpriced.length } : null })),
    warnings: report.warnings,
  };
}

const SYMBOL: Record<ResourceChange['action'], string> = { add: '+', remove: '-', modify: '~', replace: '±' };

export function renderDiffText(report: DiffReport, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const paint = (a: ResourceChange['action'], s: string) => (a === 'add' ? c.green(s) : a === 'remove' ? c.red(s) : a === 'replace' ? c.magenta.bold(s) : c.yellow(s));
  const out: string[] = [''];
  if (report.noBaseline) {
    out.push(c.dim(report.noBaseline));
    return `${out.join('\n')}\n`;
  }
  for (const w of report.warnings) out.push(c.yellow(`warning: ${w}`));
  for (const e of report.environments) {
    out.push(c.bold.underline(`Changes to ${e.environment} (against ${e.baseline})`));
    if (e.changes.length === 0 && e.files.length === 0) out.push('  no changes');
    let stack: string | null | undefined;
    for (const ch of e.changes) {
      if (ch.stack !== stack) {
        stack = ch.stack;
        out.push(`  ${c.bold(`Stack ${stack ?? '(none)'}`)}`);
      }
      const label = ch.action === 'replace' ? 'replace' : ch.action;
      out.push(`    ${paint(ch.action, `[${SYMBOL[ch.action]}] ${label.padEnd(7)}`)} ${ch.type} ${c.bold(ch.logicalId)}${ch.movedFromStack ? c.dim(` (moves from ${ch.movedFromStack})`) : ''}`);
      for (const p of ch.properties) {
        const [was, now] = around(show(p.before), show(p.after), 80);
        const impact = p.causesReplacement ? c.magenta.bold(' (requires replacement)') : p.mayCauseReplacement ? c.yellow(' (may cause replacement)') : '';
        out.push(`        ${p.path}: ${c.red(was)} → ${c.green(now)}${impact}${p.note && !p.causesReplacement && !p.mayCauseReplacement ? c.dim(` (${p.note})`) : ''}`);
      }
      if (ch.dataLoss) out.push(`        ${c.red.bold(`⚠ DATA LOSS: ${ch.dataLoss}`)}`);
    }
    if (e.files.length) {
      out.push(`  ${c.bold('Files')}`);
      for (const f of e.files) {
        out.push(`    ${f.action === 'add' ? c.green('[+]') : f.action === 'remove' ? c.red('[-]') : c.yellow('[~]')} ${f.path} ${c.dim(`(+${f.linesAdded} −${f.linesRemoved} lines)`)}`);
        for (const o of f.objects ?? []) {
          const what = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
          out.push(`        ${o.action === 'add' ? c.green('+') : o.action === 'remove' ? c.red('-') : c.yellow('~')} ${what}${o.paths.length ? c.dim(`: ${clip(o.paths.join(', '), 100)}`) : ''}`);
        }
      }
    }
    if (e.security.length) {
      out.push('');
      out.push(`  ${c.red.bold(`Security-relevant changes (${e.security.length})`)}`);
      for (const s of e.security) out.push(`    ${s.severity === 'high' ? c.red.bold('HIGH  ') : s.severity === 'medium' ? c.yellow('MEDIUM') : c.dim('info  ')} ${s.kind}: ${s.message}`);
    }
    const dataLoss = e.changes.filter((ch) => ch.dataLoss);
    if (dataLoss.length) {
      out.push('');
      out.push(`  ${c.bgRed.white.bold(` ⚠ ${dataLoss.length} change${dataLoss.length === 1 ? '' : 's'} will DESTROY DATA `)}`);
      for (const ch of dataLoss) out.push(`    ${c.red.bold(ch.logicalId)}: ${ch.dataLoss}`);
    }
    if (e.cost) {
      out.push('');
      if (e.cost.delta && e.cost.before) {
        out.push(`  ${c.bold('Cost')}: ${usd(e.cost.before.monthlyMin)} – ${usd(e.cost.before.monthlyMax)} → ${usd(e.cost.after.monthlyMin)} – ${usd(e.cost.after.monthlyMax)} a month (${c.bold(deltaText(e.cost))})`);
        for (const l of e.cost.lineItems) out.push(`    ${l.resource} ${c.dim(l.usageType)}: ${signedRange(l.delta)}`);
        if (e.cost.unpriced.length) {
          out.push(`    ${c.yellow.bold(`Not in the delta (${e.cost.unpriced.length}): no price on one side, so the change is not known`)}`);
          for (const u of e.cost.unpriced) out.push(`      ${c.yellow(unpricedChangeText(u))} ${c.dim(`— ${u.reason}`)}`);
        }
      } else out.push(`  ${c.bold('Cost')}: ${usd(e.cost.after.monthlyMin)} – ${usd(e.cost.after.monthlyMax)} a month ${c.dim('(the baseline carries no usage: no cost delta)')}`);
    }
    out.push('');
  }
  const n = diffCounts(report);
  out.push(c.bold(`Diff: ${n.add} to add, ${n.modify} to change in place, ${n.replace} to replace, ${n.remove} to remove; ${n.files} files changed; ${n.security} security-relevant; ${n.dataLoss} with data loss.`));
  return `${out.join('\n')}\n`;
}


export function renderDiffMarkdown(report: DiffReport): string {
  const out: string[] = ['', '### Changes'];
  if (report.noBaseline) return `${[...out, '', md(report.noBaseline)].join('\n')}\n`;
  const n = diffCounts(report);
  out.push('');
  out.push(`**${n.add}** to add, **${n.modify}** to change in place, **${n.replace}** to replace, **${n.remove}** to remove; ${n.files} files changed.`);
  for (const w of report.warnings) out.push(`\n> ⚠️ ${md(w)}`);
  for (const e of report.environments) {
    const loss = e.changes.filter((c) => c.dataLoss);
    if (loss.length) {
      out.push('');
      out.push(`> [!CAUTION]\n> **Data loss in ${md(e.environment)}:**`);
      for (const c of loss) out.push(`> - ${markdownCode(c.logicalId)}: ${md(c.dataLoss!)}`);
    }
    if (e.security.length) {
      out.push('');
      out.push(`**Security-relevant changes in ${md(e.environment)}:**`);
      out.push('');
      for (const s of e.security) out.push(`- ${s.severity === 'high' ? '🔴' : s.severity === 'medium' ? '🟠' : '⚪'} ${markdownCode(s.kind)}: ${md(s.message)}`);
    }
    out.push('');
    out.push(`<details><summary><b>${markdownHtml(e.environment)}</b> against ${markdownHtml(e.baseline)}: ${e.changes.length} resource changes${e.cost?.delta ? `, ${markdownHtml(deltaText(e.cost))}${e.cost.unpriced.length ? '' : ' a month'}` : ''}</summary>`);
    out.push('');
    if (e.changes.length) {
      out.push('| | stack | resource | type | properties |');
      out.push('|---|---|---|---|---|');
      for (const c of e.changes) {
        const props = c.properties.map((p) => `${code(p.path)}${p.causesReplacement ? ' (replacement)' : ''}`).join(', ');
        out.push(`| ${c.action} | ${md(c.stack ?? '')} | ${code(c.logicalId)} | ${md(c.type)} | ${props} |`);
      }
    } else out.push('No resource changes.');
    if (e.files.length) {
      out.push('');
      for (const f of e.files) {
        out.push(`- ${f.action} ${markdownCode(f.path)} (+${f.linesAdded} −${f.linesRemoved})`);
        for (const o of f.objects ?? []) out.push(`  - ${o.action} ${md(o.kind)} ${markdownCode(`${o.namespace ? `${o.namespace}/` : ''}${o.name}`)}${o.paths.length ? `: ${md(clip(o.paths.join(', '), 200))}` : ''}`);
      }
    }
    if (e.cost?.lineItems.length || e.cost?.unpriced.length) {
      out.push('');
      out.push('| resource | usage type | before | after | delta |');
      out.push('|---|---|---:|---:|---:|');
      for (const l of e.cost.lineItems) out.push(`| ${code(l.resource)} | ${md(l.usageType)} | ${l.before ? usd(l.before.monthlyMax) : '—'} | ${l.after ? usd(l.after.monthlyMax) : '—'} | ${signed(l.delta.monthlyMax)} |`);
      for (const u of e.cost.unpriced) out.push(`| ${code(u.resource)} | ${md(u.usageType || u.meter)} | ${u.before ? usd(u.before.monthlyMax) : 'unpriced'} | ${u.after ? usd(u.after.monthlyMax) : 'unpriced'} | ${md(u.change)}: not known |`);
      if (e.cost.unpriced.length) {
        out.push('');
        out.push(`Not in the delta (no price on one side, so the change is not known):`);
        out.push('');
        for (const u of e.cost.unpriced) out.push(`- ${markdownCode(u.resource)} ${md(u.meter)}: **${md(u.change)}** — ${md(u.reason)}`);
      }
    }
    out.push('');
    out.push('</details>');
  }
  return `${out.join('\n')}\n`;
}
