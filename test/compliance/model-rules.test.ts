// The rules that guard what dex emits (encryption, TLS, IMDSv2, public access, log retention,
// customer-managed keys, segmentation): broken in the model, as a regressed building block would,
// they fail with the rule id at the spec node the resource comes from.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { placeFinding } from '../../spec/place.js';
import { complianceFindings, dataDeclaration, evaluateCompliance } from '../../compiler/compliance/engine.js';
import { buildResourceModel } from '../../compiler/model/build.js';
import { BUILDING_BLOCKS, COMPLIANCE_RULES } from '../../pipeline/registries.js';
import { MODEL_BREAKS, mutate } from './model-breaks.js';
import { AT_FIXED_DATE } from '../support/clock.js';

describe('model-only rules', () => {
  it.each(MODEL_BREAKS)('%s fails on a model that breaks it (%s)', (rule, fixture, breakIt, expected) => {
    const file = `test/fixtures/compliance/${fixture}.dex.yaml`;
    const a = analyzeSpec(readFileSync(file), file);
    const production = a.compiled.find((c) => c.environment === 'production')!;
    const model = buildResourceModel(production.spec, BUILDING_BLOCKS, AT_FIXED_DATE);
    const data = dataDeclaration(a.raw);
    // Intact, the rule passes...
    expect(evaluateCompliance({ spec: production.spec, model, data , rules: COMPLIANCE_RULES }).controls.find((c) => c.rule.id === rule)?.status).toBe('pass');
    // ...broken, it fails, and the finding lands in the spec.
    const result = evaluateCompliance({ spec: production.spec, model: mutate(model, ...breakIt), data , rules: COMPLIANCE_RULES });
    expect(result.controls.find((c) => c.rule.id === rule)?.status).toBe('fail');
    const placed = complianceFindings(result)
      .filter((f) => f.message.startsWith(`${rule}:`))
      .map((f) => placeFinding(a.source, f, 'production'))
      .map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`);
    expect([...new Set(placed)]).toEqual(expected);
  });

  it('builds each environment\'s model once: analyze (compliance), emit, the CI files and plan share it', async () => {
    const { defaultRegistries } = await import('../../pipeline/registries.js');
    const { compileEmit, compileSystemEmit, emitTargets } = await import('../../pipeline/emit.js');
    const { planTargets } = await import('../../pipeline/plan.js');
    const { readPackageAssets } = await import('../../cli/adapters/assets.js');
    const file = 'examples/dex-mobile-v6/dex.yaml';
    let builds = 0;
    // The VPC block runs once per model built: counting it counts models.
    const blocks = BUILDING_BLOCKS.map((b) => (b.name === 'vpc' ? { ...b, build: (...args: Parameters<typeof b.build>) => (builds++, b.build(...args)) } : b));
    const a = analyzeSpec(readFileSync(file), file, { registries: { ...defaultRegistries(), blocks }, today: AT_FIXED_DATE.today });
    expect(a.ok).toBe(true);
    expect(builds).toBe(2); // staging and production; the base spec of a spec with environments is not deployed
    const outputs = emitTargets(a).map((c) => compileEmit(c, { specFile: file }));
    compileSystemEmit(a, { specFile: file, assets: readPackageAssets(), compiled: outputs });
    planTargets(a);
    expect(builds).toBe(2);
    expect(a.compiled.filter((c) => c.compliance).map((c) => c.environment)).toEqual(['staging', 'production']);
  });
});
