// The `diff` section of `dex plan --against …`: text (colour on a TTY), Markdown for a pull
// request, and the JSON merged into the plan JSON under `diff`. Pure.
import { Chalk } from 'chalk';
import type { DiffReport, PropertyChange, ResourceChange } from '../compiler/diff/types.js';
import { usd } from './plan-render.js';

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
const signedRange = (r: { monthlyMin: number; monthlyMax: number }): string => (r.monthlyMin === r.monthlyMax ? signed(r.monthlyMin) : `${signed(r.monthlyMin)} – ${signed(r.monthlyMax)}`);

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
  let before: { monthlyMin: number; monthlyMax: number } | null = { monthlyMin: 0, monthlyMax: 0 };
  let after = { monthlyMin: 0, monthlyMax: 0 };
  for (const e of report.environments) {
    if (!e.cost) continue;
    after = { monthlyMin: (Math.round(after.monthlyMin * 100) + Math.round(e.cost.after.monthlyMin * 100)) / 100, monthlyMax: (Math.round(after.monthlyMax * 100) + Math.round(e.cost.after.monthlyMax * 100)) / 100 };
    before = before && e.cost.before ? { monthlyMin: (Math.round(before.monthlyMin * 100) + Math.round(e.cost.before.monthlyMin * 100)) / 100, monthlyMax: (Math.round(before.monthlyMax * 100) + Math.round(e.cost.before.monthlyMax * 100)) / 100 } : null;
  }
  const delta = before ? { monthlyMin: (Math.round(after.monthlyMin * 100) - Math.round(before.monthlyMin * 100)) / 100, monthlyMax: (Math.round(after.monthlyMax * 100) - Math.round(before.monthlyMax * 100)) / 100 } : null;
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
      lineItems: report.environments.flatMap((e) => (e.cost?.lineItems ?? []).map((l) => ({ environment: e.environment, ...l }))),
    },
    environments: report.environments.map((e) => ({ environment: e.environment, baseline: e.baseline, cost: e.cost ? { before: e.cost.before, after: e.cost.after, delta: e.cost.delta } : null })),
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
        out.push(`  ${c.bold('Cost')}: ${usd(e.cost.before.monthlyMin)} – ${usd(e.cost.before.monthlyMax)} → ${usd(e.cost.after.monthlyMin)} – ${usd(e.cost.after.monthlyMax)} a month (${c.bold(signedRange(e.cost.delta))})`);
        for (const l of e.cost.lineItems) out.push(`    ${l.resource} ${c.dim(l.usageType)}: ${signedRange(l.delta)}`);
      } else out.push(`  ${c.bold('Cost')}: ${usd(e.cost.after.monthlyMin)} – ${usd(e.cost.after.monthlyMax)} a month ${c.dim('(the baseline carries no usage: no cost delta)')}`);
    }
    out.push('');
  }
  const n = diffCounts(report);
  out.push(c.bold(`Diff: ${n.add} to add, ${n.modify} to change in place, ${n.replace} to replace, ${n.remove} to remove; ${n.files} files changed; ${n.security} security-relevant; ${n.dataLoss} with data loss.`));
  return `${out.join('\n')}\n`;
}

const md = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/</g, '&lt;');

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
      for (const c of loss) out.push(`> - \`${md(c.logicalId)}\`: ${md(c.dataLoss!)}`);
    }
    if (e.security.length) {
      out.push('');
      out.push(`**Security-relevant changes in ${md(e.environment)}:**`);
      out.push('');
      for (const s of e.security) out.push(`- ${s.severity === 'high' ? '🔴' : s.severity === 'medium' ? '🟠' : '⚪'} \`${s.kind}\`: ${md(s.message)}`);
    }
    out.push('');
    out.push(`<details><summary><b>${md(e.environment)}</b> against ${md(e.baseline)}: ${e.changes.length} resource changes${e.cost?.delta ? `, ${signedRange(e.cost.delta)} a month` : ''}</summary>`);
    out.push('');
    if (e.changes.length) {
      out.push('| | stack | resource | type | properties |');
      out.push('|---|---|---|---|---|');
      for (const c of e.changes) {
        const props = c.properties.map((p) => `\`${md(p.path)}\`${p.causesReplacement ? ' (replacement)' : ''}`).join(', ');
        out.push(`| ${c.action} | ${md(c.stack ?? '')} | \`${md(c.logicalId)}\` | ${md(c.type)} | ${props} |`);
      }
    } else out.push('No resource changes.');
    if (e.files.length) {
      out.push('');
      for (const f of e.files) {
        out.push(`- ${f.action} \`${md(f.path)}\` (+${f.linesAdded} −${f.linesRemoved})`);
        for (const o of f.objects ?? []) out.push(`  - ${o.action} ${md(o.kind)} \`${md(`${o.namespace ? `${o.namespace}/` : ''}${o.name}`)}\`${o.paths.length ? `: ${md(clip(o.paths.join(', '), 200))}` : ''}`);
      }
    }
    if (e.cost?.lineItems.length) {
      out.push('');
      out.push('| resource | usage type | before | after | delta |');
      out.push('|---|---|---:|---:|---:|');
      for (const l of e.cost.lineItems) out.push(`| \`${md(l.resource)}\` | ${md(l.usageType)} | ${l.before ? usd(l.before.monthlyMax) : '—'} | ${l.after ? usd(l.after.monthlyMax) : '—'} | ${signed(l.delta.monthlyMax)} |`);
    }
    out.push('');
    out.push('</details>');
  }
  return `${out.join('\n')}\n`;
}
