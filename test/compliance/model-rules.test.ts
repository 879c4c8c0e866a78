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

  it('builds the model once per environment for validation, and compliance stays a small part of it', () => {
    const file = 'examples/dex-mobile-v6/dex.yaml';
    const bytes = readFileSync(file);
    analyzeSpec(bytes, file);
    const a = analyzeSpec(bytes, file);
    const spec = a.compiled.find((c) => c.environment === 'production')!.spec;
    const model = buildResourceModel(spec, BUILDING_BLOCKS, AT_FIXED_DATE);
    const start = performance.now();
    for (let i = 0; i < 10; i++) evaluateCompliance({ spec, model, data: dataDeclaration(a.raw) , rules: COMPLIANCE_RULES });
    expect((performance.now() - start) / 10).toBeLessThan(50);
  });
});
