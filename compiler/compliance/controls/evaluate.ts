// Runs the security-control catalogue over one compiled environment.
import type { RuleContext } from '../types.js';
import { SECURITY_CONTROLS } from './catalogue.js';
import type { ControlOutcome, SecurityControl } from './types.js';

export function evaluateControl(control: SecurityControl, ctx: RuleContext): ControlOutcome {
  if (control.protectedOnly !== undefined && !ctx.production) return { control, status: 'not-applicable', findings: [], reason: `${ctx.environment ?? 'this environment'} is not protected: ${control.protectedOnly}` };
  const findings = control.evaluate(ctx);
  const status = findings.some((f) => f.status === 'fail') ? 'fail' : findings.some((f) => f.status === 'pass') ? 'pass' : 'not-applicable';
  if (status !== 'not-applicable') return { control, status, findings };
  return { control, status, findings, reason: findings.length ? findings.map((f) => f.message).join('; ') : control.absent };
}

export function evaluateControls(ctx: RuleContext, controls: readonly SecurityControl[] = SECURITY_CONTROLS): ControlOutcome[] {
  return controls.map((c) => evaluateControl(c, ctx));
}
