// The evidence report of `dex compliance report`: per environment and regime, every control with
// its clause, pass/fail, and the emitted resources and properties that satisfy it (or do not).
import type { Analysis } from '../analyze.js';
import { placeFinding } from '../analyze.js';
import type { SpecPath } from '../../spec/diagnostics.js';
import { dataDeclaration, effectiveSeverity, evaluateCompliance } from './engine.js';
import type { Clock } from '../model/types.js';
import { REGIME_TITLES, type ComplianceResult, type ControlResult, type RuleScope } from './types.js';

export interface ReportCheck {
  readonly ok: boolean;
  readonly severity?: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly path: SpecPath;
  /** file:line:col of the spec node the check points at. */
  readonly location?: string;
  readonly hint?: string;
  readonly evidence: readonly { readonly logicalId: string; readonly type: string; readonly properties: Readonly<Record<string, unknown>> }[];
}

export interface ReportControl {
  readonly id: string;
  readonly title: string;
  readonly clause: string;
  readonly requirement: string;
  readonly url: string;
  readonly status: ControlResult['status'];
  readonly conflict: boolean;
  /** A baseline rule that also evidences this regime's clause (detailed under Baseline). */
  readonly baseline: boolean;
  readonly reason?: string;
  readonly checks: readonly ReportCheck[];
}

export interface ReportEnvironment {
  readonly environment: string;
  readonly region: string;
  readonly production: boolean;
  readonly summary: Readonly<Record<ControlResult['status'], number>>;
  readonly regimes: readonly { readonly regime: RuleScope; readonly title: string; readonly controls: readonly ReportControl[] }[];
  readonly conflicts: readonly ReportControl[];
}

export interface ComplianceReport {
  readonly file: string;
  readonly system: string;
  readonly regimes: readonly string[];
  readonly data: Readonly<Record<string, boolean | undefined>>;
  readonly environments: readonly ReportEnvironment[];
}

/** Results for what would be deployed: each environment, or the base spec when there are none. */
export function complianceResults(analysis: Analysis, today: Clock): ComplianceResult[] {
  const named = analysis.compiled.filter((c) => c.environment !== undefined);
  const targets = named.length > 0 ? named : analysis.compiled;
  const data = dataDeclaration(analysis.raw);
  return targets.map((c) => evaluateCompliance({ spec: c.spec, data, today }));
}

export function buildReport(analysis: Analysis, results: readonly ComplianceResult[]): ComplianceReport {
  const file = analysis.source.file;
  const environments = results.map((result): ReportEnvironment => {
    const env = result.environment === 'default' ? undefined : result.environment;
    const control = (c: ControlResult, scope: RuleScope): ReportControl => {
      const citation = c.rule.citations[scope] ?? Object.values(c.rule.citations)[0]!;
      return {
        id: c.rule.id,
        title: c.rule.title,
        clause: c.rule.conflict ? Object.values(c.rule.citations).map((x) => x!.clause).join(' vs ') : citation.clause,
        requirement: c.rule.conflict ? Object.values(c.rule.citations).map((x) => `${x!.clause}: ${x!.text}`).join('; ') : citation.text,
        url: citation.url,
        status: c.status,
        conflict: c.rule.conflict === true,
        baseline: c.rule.regimes.includes('baseline'),
        ...(c.reason ? { reason: c.reason } : {}),
        checks: c.checks.map((k) => {
          const placed = placeFinding(analysis.source, { code: 'DEX600', message: k.message, path: k.path }, env);
          return {
            ok: k.ok,
            ...(k.ok ? {} : { severity: effectiveSeverity(c.rule, k, result.production) }),
            message: k.message,
            path: k.path,
            ...(placed.line !== undefined ? { location: `${file}:${placed.line}:${placed.col}` } : {}),
            ...(k.hint ? { hint: k.hint } : {}),
            evidence: (k.evidence ?? []).map((e) => ({ logicalId: e.logicalId, type: e.type, properties: e.properties })),
          };
        }),
      };
    };
    const scopes: RuleScope[] = ['baseline', ...result.regimes];
    const regimes = scopes.map((scope) => ({
      regime: scope,
      title: REGIME_TITLES[scope],
      controls: result.controls
        .filter((c) => !c.rule.conflict && (scope === 'baseline' ? c.rule.regimes.includes('baseline') : c.rule.regimes.includes(scope) || c.rule.citations[scope] !== undefined))
        .map((c) => control(c, scope)),
    }));
    const summary = { pass: 0, fail: 0, warn: 0, 'not-applicable': 0 };
    for (const c of result.controls) summary[c.status]++;
    return {
      environment: result.environment,
      region: result.region,
      production: result.production,
      summary,
      regimes,
      conflicts: result.controls.filter((c) => c.rule.conflict).map((c) => control(c, c.rule.regimes[0]!)),
    };
  });
  const data = dataDeclaration(analysis.raw);
  return {
    file,
    system: analysis.raw?.name ?? '',
    regimes: [...(analysis.raw?.compliance ?? [])],
    data: { personal: data.personal, euResidents: data.euResidents, payment: data.payment },
    environments,
  };
}

const STATUS: Readonly<Record<ControlResult['status'], string>> = { pass: 'PASS', fail: 'FAIL', warn: 'REVIEW', 'not-applicable': 'N/A' };

/** A CloudFormation value, short: { Fn::GetAtt: [KmsKey, Arn] } → KmsKey.Arn. */
function show(v: unknown): string {
  if (v === undefined) return '(unset)';
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string') return `Ref ${o.Ref}`;
    if (Array.isArray(o['Fn::GetAtt'])) return `${(o['Fn::GetAtt'] as string[]).join('.')}`;
  }
  const text = JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) && Array.isArray((x as Record<string, unknown>)['Fn::GetAtt']) ? ((x as Record<string, string[]>)['Fn::GetAtt'] ?? []).join('.') : x));
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(report: ComplianceReport, generatedBy: string): string {
  const out: string[] = [];
  out.push(`# Compliance evidence report: ${report.system}`, '');
  out.push(`- Spec: \`${report.file}\``);
  out.push(`- Regimes listed: ${report.regimes.length ? report.regimes.map((r) => REGIME_TITLES[r as RuleScope] ?? r).join('; ') : 'none (baseline only)'}`);
  const data = Object.entries(report.data).filter(([, v]) => v !== undefined);
  out.push(`- Data declared: ${data.length ? data.map(([k, v]) => `${k}: ${String(v)}`).join(', ') : 'not declared (regimes applied in full; transfers not checked)'}`);
  out.push(`- Generated by ${generatedBy}`, '');
  out.push(
    '> Scope: dex checks the deployment as declared in the spec and the CloudFormation resources it emits from it.',
    '> A PASS is evidence that the infrastructure control is configured; it is not evidence that the',
    '> organisational procedures behind the clause (policies, reviews, training) are in place.',
    '> REVIEW marks a warning: something to decide or document. Production environments are checked',
    '> with the strict rules; others as noted per control.',
    '',
  );
  out.push('## Summary', '', '| Environment | Region | Rules | Pass | Fail | Review | N/A |', '|---|---|---|---|---|---|---|');
  for (const e of report.environments) {
    out.push(`| ${e.environment} | ${e.region} | ${e.production ? 'production' : 'non-production'} | ${e.summary.pass} | ${e.summary.fail} | ${e.summary.warn} | ${e.summary['not-applicable']} |`);
  }
  out.push('');
  for (const e of report.environments) {
    out.push(`## Environment ${e.environment} (${e.region}, ${e.production ? 'production rules' : 'non-production rules'})`, '');
    for (const r of e.regimes) {
      if (r.controls.length === 0) continue;
      out.push(`### ${r.title}`, '', '| Control | Clause | Status |', '|---|---|---|');
      for (const c of r.controls) out.push(`| ${c.id}: ${cell(c.title)} | [${cell(c.clause)}](${c.url}) | ${STATUS[c.status]} |`);
      out.push('');
      const shared = r.regime !== 'baseline' && r.controls.some((c) => c.baseline);
      if (shared) out.push('BASE-* controls are detailed, with their evidence, under Baseline above; the clause column gives the clause of this regime they evidence.', '');
      for (const c of r.controls) if (r.regime === 'baseline' || !c.baseline) out.push(...renderControl(c));
    }
    if (e.conflicts.length > 0) {
      out.push('### Where the listed regimes conflict', '', 'dex reports these instead of choosing one regime over the other.', '');
      for (const c of e.conflicts) out.push(...renderControl(c));
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function renderControl(c: ReportControl): string[] {
  const out = [`#### ${c.id} — ${STATUS[c.status]}`, '', `${c.title}. [${c.clause}](${c.url}): ${c.requirement}.`, ''];
  if (c.reason) out.push(`Not checked: ${c.reason}.`, '');
  for (const k of c.checks) {
    const mark = k.ok ? 'pass' : k.severity === 'error' ? 'FAIL' : c.conflict ? 'CONFLICT' : 'REVIEW';
    out.push(`- **${mark}**: ${k.message}${k.location ? ` (\`${k.location}\`)` : ''}`);
    if (k.hint) out.push(`  - fix: ${k.hint}`);
    for (const ev of k.evidence) {
      const props = Object.entries(ev.properties).filter(([, v]) => v !== undefined).map(([p, v]) => `${p} = ${show(v)}`).join('; ');
      out.push(`  - \`${ev.logicalId}\` (${ev.type})${props ? `: ${props}` : ''}`);
    }
  }
  out.push('');
  return out;
}
