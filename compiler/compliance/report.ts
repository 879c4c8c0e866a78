// The evidence report of `dex compliance report`: per environment and regime, every control with
// its clause, pass/fail, and the emitted resources and properties that satisfy it (or do not).
import type { SpecPath } from '../../spec/diagnostics.js';
import type { SpecSource } from '../../spec/load.js';
import type { DexSpec } from '../../spec/model.js';
import { placeFinding } from '../../spec/place.js';
import { dataDeclaration, effectiveSeverity } from './engine.js';
import type { ControlOutcome } from './controls/types.js';
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

/** An FSBP / CIS control's result (compiler/compliance/controls/) and the resources that decide it. */
export interface ReportSecurityControl {
  readonly id: string;
  readonly title: string;
  /** "FSBP IAM.1 / CIS 1.16", or the other standard it rests on. */
  readonly standard: string;
  /** The BASE-* rule that checks the same thing. */
  readonly base?: string;
  /** Under a regime: the clause of the regime it evidences. */
  readonly clause?: string;
  readonly status: ControlOutcome['status'];
  readonly reason?: string;
  readonly resources: readonly { readonly status: ControlOutcome['status']; readonly logicalId: string; readonly type: string; readonly message: string; readonly properties: Readonly<Record<string, unknown>> }[];
}

export interface ReportEnvironment {
  readonly environment: string;
  readonly region: string;
  readonly production: boolean;
  readonly summary: Readonly<Record<ControlResult['status'], number>>;
  readonly regimes: readonly {
    readonly regime: RuleScope;
    readonly title: string;
    readonly controls: readonly ReportControl[];
    /** The FSBP / CIS controls that evidence this regime's clauses. */
    readonly securityControls: readonly ReportSecurityControl[];
  }[];
  readonly conflicts: readonly ReportControl[];
  /** Every FSBP / CIS control, decided on the environment's model. */
  readonly securityControls: readonly ReportSecurityControl[];
}

export interface ComplianceReport {
  readonly file: string;
  readonly system: string;
  readonly regimes: readonly string[];
  readonly data: Readonly<Record<string, boolean | undefined>>;
  readonly environments: readonly ReportEnvironment[];
}

/** The spec a report is about: its file (to place each check at file:line:col) and its raw form. */
export interface ReportSubject {
  readonly source: SpecSource;
  readonly raw: DexSpec | undefined;
}

export function buildReport(analysis: ReportSubject, results: readonly ComplianceResult[]): ComplianceReport {
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
    const outcomes = result.securityControls ?? [];
    const regimes = scopes.map((scope) => ({
      regime: scope,
      title: REGIME_TITLES[scope],
      controls: result.controls
        .filter((c) => !c.rule.conflict && (scope === 'baseline' ? c.rule.regimes.includes('baseline') : c.rule.regimes.includes(scope) || c.rule.citations[scope] !== undefined))
        .map((c) => control(c, scope)),
      securityControls: scope === 'baseline' ? [] : outcomes.filter((o) => o.control.evidences?.[scope] !== undefined).map((o) => securityControl(o, o.control.evidences![scope])),
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
      securityControls: outcomes.map((o) => securityControl(o)),
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

function securityControl(o: ControlOutcome, clause?: string): ReportSecurityControl {
  const c = o.control;
  const standard = [c.fsbp ? `FSBP ${c.fsbp}` : undefined, c.cis ? `CIS ${c.cis}` : undefined].filter((x) => x !== undefined).join(' / ') || (c.other ?? '');
  return {
    id: c.id,
    title: c.title,
    standard,
    ...(c.base ? { base: c.base } : {}),
    ...(clause ? { clause } : {}),
    status: o.status,
    ...(o.reason ? { reason: o.reason } : {}),
    resources: o.findings.map((f) => ({ status: f.status, logicalId: f.logicalId, type: f.type, message: f.message, properties: f.properties })),
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
      if (r.securityControls.length > 0) out.push(...renderSecurityControls(`AWS security controls behind ${r.title}`, r.securityControls, true));
    }
    if (e.securityControls.length > 0) out.push(...renderSecurityControls('AWS Foundational Security Best Practices and CIS AWS Foundations (all controls)', e.securityControls, false));
    if (e.conflicts.length > 0) {
      out.push('### Where the listed regimes conflict', '', 'dex reports these instead of choosing one regime over the other.', '');
      for (const c of e.conflicts) out.push(...renderControl(c));
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const CONTROL_STATUS: Readonly<Record<ControlOutcome['status'], string>> = { pass: 'PASS', fail: 'FAIL', 'not-applicable': 'N/A' };

/**
 * The FSBP / CIS controls as a table; under a regime, each with the resources and properties that
 * decide it (the evidence). The full list closes each environment, as a table only.
 */
function renderSecurityControls(heading: string, controls: readonly ReportSecurityControl[], detailed: boolean): string[] {
  const out = [`### ${heading}`, ''];
  if (detailed) out.push('Decided on the emitted resources by compiler/compliance/controls/ (docs/security.md, "Controls"); evidence, not findings: they do not change the exit status.', '');
  out.push(detailed ? '| Control | Standard | Clause | Status |' : '| Control | Standard | Status | Resources |', '|---|---|---|---|');
  for (const c of controls) {
    out.push(detailed ? `| ${c.id}: ${cell(c.title)} | ${cell(c.standard)} | ${cell(c.clause ?? '')} | ${CONTROL_STATUS[c.status]} |` : `| ${c.id}: ${cell(c.title)} | ${cell(c.standard)} | ${CONTROL_STATUS[c.status]} | ${c.resources.length} |`);
  }
  out.push('');
  if (!detailed) return out;
  for (const c of controls) {
    out.push(`#### ${c.id} — ${CONTROL_STATUS[c.status]}`, '', `${c.title}. ${c.standard}${c.base ? `; checked with ${c.base}` : ''}; evidence for ${c.clause ?? ''}.`, '');
    if (c.reason) out.push(`Not applicable: ${c.reason}.`, '');
    for (const r of c.resources) {
      const props = Object.entries(r.properties).filter(([, v]) => v !== undefined).map(([p, v]) => `${p} = ${show(v)}`).join('; ');
      out.push(`- **${r.status === 'pass' ? 'pass' : r.status === 'fail' ? 'FAIL' : 'n/a'}** \`${r.logicalId}\` (${r.type})${props ? `: ${props}` : ''}${r.status !== 'pass' || r.message.startsWith('exception') ? ` — ${r.message}` : ''}`);
    }
    out.push('');
  }
  return out;
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
