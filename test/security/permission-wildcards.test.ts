// The spec's `permissions:` and the compliance baseline (issue 15): a wildcard action (any `*`)
// or resource (`*`) fails BASE-IAM-LEAST-PRIVILEGE unless the statement says why, and a `svc:*`
// action fails IAM.21 likewise; with a reason both list it as an exception, at its place in the file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { complianceResults } from '../../pipeline/compliance.js';
import { withOwnBootstrap } from '../../pipeline/bootstrap.js';
import { isProduction } from '../../compiler/compliance/engine.js';
import { SECURITY_CONTROLS } from '../../compiler/compliance/controls/catalogue.js';
import { evaluateControl } from '../../compiler/compliance/controls/evaluate.js';
import type { RuleContext } from '../../compiler/compliance/types.js';
import { fixedClock } from '../support/clock.js';

const FIXTURE = readFileSync('test/fixtures/spec/permissions.dex.yaml', 'utf8');
const REASON = '        reason: cloudwatch:GetMetricData has no resource-level permissions\n';

function staging(text: string) {
  const a = analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
  // A failed compliance rule is itself an error (DEX6xx); nothing else may be.
  expect(a.diagnostics.filter((d) => d.severity === 'error' && !d.code.startsWith('DEX6')).map((d) => d.message)).toEqual([]);
  return { a, c: a.compiled.find((x) => x.environment === 'staging')! };
}
function baseline(text: string) {
  const { a } = staging(text);
  const control = complianceResults(a).find((r) => r.environment === 'staging')!.controls.find((c) => c.rule.id === 'BASE-IAM-LEAST-PRIVILEGE')!;
  const flagged = a.diagnostics.filter((d) => d.code.startsWith('DEX6') && d.path[2] === 'permissions').map((d) => `${d.severity} ${d.path.join('.')}`);
  return { status: control.status, checks: control.checks.filter((k) => k.path[2] === 'permissions'), flagged };
}
function iam21(text: string) {
  const { c } = staging(text);
  const ctx: RuleContext = { spec: c.spec!, model: withOwnBootstrap(c.model!, fixedClock), data: {}, environment: c.environment, production: isProduction(c.environment, c.spec!), regimes: new Set(c.spec!.compliance) };
  return evaluateControl(SECURITY_CONTROLS.find((x) => x.id === 'IAM.21')!, ctx).findings.filter((f) => f.logicalId === 'MonitoringServiceRole' && JSON.stringify(f.properties).includes('SpecPermission'));
}

describe('wildcards in permissions', () => {
  it('a * resource with a reason is an exception that names it', () => {
    const { status, checks, flagged } = baseline(FIXTURE);
    expect(status).toBe('pass');
    expect(flagged).toEqual([]);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ ok: true, path: ['services', 'monitoring-service', 'permissions', 1] });
    expect(checks[0]!.message).toContain('cloudwatch:GetMetricData has no resource-level permissions');
  });

  it('without the reason it fails, at the statement', () => {
    const { status, checks, flagged } = baseline(FIXTURE.replace(REASON, ''));
    expect(status).toBe('fail');
    expect(flagged).toContain('error services.monitoring-service.permissions.1');
    expect(checks.map((k) => [k.ok, k.path.join('.')])).toEqual([[false, 'services.monitoring-service.permissions.1']]);
  });

  it('a wildcard action fails too (s3:Get*), a * inside an ARN does not', () => {
    const { checks } = baseline(FIXTURE.replace('[s3:GetObject, s3:PutObject]', '[s3:Get*]'));
    expect(checks.filter((k) => !k.ok).map((k) => k.path.join('.'))).toEqual(['services.blockchain-service.permissions.0']);
    expect(checks.find((k) => !k.ok)!.message).toContain('s3:Get*');
  });

  it('IAM.21: a service-wide action fails without a reason and is an exception with one', () => {
    const wide = FIXTURE.replace('[cloudwatch:GetMetricData]', '["cloudwatch:*"]');
    expect(iam21(wide).map((f) => f.status)).toEqual(['pass']);
    expect(iam21(wide)[0]!.message).toContain('exception');
    expect(iam21(wide.replace(REASON, '')).map((f) => f.status)).toEqual(['fail']);
  });
});
