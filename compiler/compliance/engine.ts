// The compliance engine: runs the catalogue over one compiled environment (normalized spec and
// resource model) and turns failed checks into findings placed at spec paths. The baseline runs
// for every spec; regime rules when the spec lists the regime; conflict rules when it lists all
// the regimes they set against each other.
import type { Diagnostic, Finding } from '../../spec/diagnostics.js';
import type { DexSpec, NormalizedSpec } from '../../spec/model.js';
import type { ResourceModel } from '../model/types.js';
import { evaluateControls } from './controls/evaluate.js';
import type { ControlOutcome } from './controls/types.js';
import type { Check, ComplianceResult, ComplianceRule, ControlResult, DataDeclaration, Regime, RuleContext, RuleScope } from './types.js';

/**
 * Production is stricter: an environment with `protect` (by default one named prod/production,
 * production-eu, prod-2...), or a spec without environments.
 */
export function isProduction(environment: string | undefined, spec: Pick<NormalizedSpec, 'environments' | 'protect'>): boolean {
  if (environment === undefined) return spec.environments.length === 0;
  return spec.protect;
}

export function dataDeclaration(raw: DexSpec | undefined): DataDeclaration {
  return (raw as { data?: DataDeclaration } | undefined)?.data ?? {};
}

export interface EvaluateInput {
  readonly spec: NormalizedSpec;
  readonly model: ResourceModel;
  readonly data?: DataDeclaration;
  /** The catalogue (pipeline/registries.ts), or the rules a test runs. */
  readonly rules: readonly ComplianceRule[];
}

export function applies(rule: ComplianceRule, regimes: ReadonlySet<Regime>): boolean {
  const listed = (r: RuleScope): boolean => r === 'baseline' || regimes.has(r);
  return rule.conflict ? rule.regimes.every(listed) : rule.regimes.some(listed);
}

export function evaluateCompliance(input: EvaluateInput): ComplianceResult {
  const { spec } = input;
  const { model } = input;
  const production = isProduction(spec.environment, spec);
  const regimes = new Set(spec.compliance);
  const ctx: RuleContext = { spec, model, data: input.data ?? {}, environment: spec.environment, production, regimes };
  const controls: ControlResult[] = [];
  for (const rule of input.rules) {
    if (!applies(rule, regimes)) continue;
    if (!production && rule.nonProduction === 'skip') {
      controls.push({ rule, status: 'not-applicable', severity: rule.severity, checks: [], reason: `checked in production only; ${spec.environment ?? 'this environment'} is not production` });
      continue;
    }
    const checks = rule.check(ctx);
    const failed = checks.filter((c) => !c.ok);
    const severities = failed.map((c) => effectiveSeverity(rule, c, production));
    const severity = severities.includes('error') ? 'error' : severities.includes('warning') ? 'warning' : severities.length ? 'info' : rule.severity;
    const status = failed.length === 0 ? (checks.length === 0 ? 'not-applicable' : 'pass') : severity === 'error' ? 'fail' : 'warn';
    controls.push({ rule, status, severity, checks, ...(checks.length === 0 ? { reason: 'nothing in this deployment for the control to check' } : {}) });
  }
  // The FSBP/CIS controls read the same model; they are evidence in the report, not findings, so
  // they are evaluated when the report (or a test) first reads them: validate, emit and plan never do.
  let securityControls: readonly ControlOutcome[] | undefined;
  return {
    environment: spec.environment ?? 'default',
    production,
    region: spec.region,
    regimes: [...spec.compliance],
    controls,
    get securityControls(): readonly ControlOutcome[] {
      return (securityControls ??= evaluateControls(ctx));
    },
  };
}

export function effectiveSeverity(rule: ComplianceRule, check: Check, production: boolean): 'error' | 'warning' | 'info' {
  const base = check.severity ?? rule.severity;
  return !production && rule.nonProduction === 'warning' && base === 'error' ? 'warning' : base;
}

/** Failed checks as findings: DEX600 (error), DEX601 (warning or info), DEX602 (regimes conflict). */
export function complianceFindings(result: ComplianceResult): Finding[] {
  const findings: Finding[] = [];
  for (const control of result.controls) {
    const { rule } = control;
    for (const check of control.checks) {
      if (check.ok) continue;
      const severity = effectiveSeverity(rule, check, result.production);
      const citations = Object.values(rule.citations)
        .filter((c) => c !== undefined)
        .map((c) => `${c.clause} ${c.url}`);
      const cite = rule.conflict ? citations.join('; ') : (citations[0] ?? '');
      findings.push({
        code: rule.conflict ? 'DEX602' : severity === 'error' ? 'DEX600' : 'DEX601',
        severity: rule.conflict && severity === 'error' ? 'warning' : severity,
        message: `${rule.id}: ${check.message}`,
        path: check.path,
        hint: check.hint ? `${check.hint} — ${cite}` : cite,
      });
    }
  }
  return findings;
}

/** Every compliance diagnostic names its environment, wherever in the file it is placed. */
export function nameEnvironment(d: Diagnostic, environment: string | undefined): Diagnostic {
  if (environment === undefined || d.message.endsWith(`(in environment ${environment})`)) return d;
  return { ...d, message: `${d.message} (in environment ${environment})` };
}
