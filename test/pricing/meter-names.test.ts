// Meter names are a closed union (MeterName, compiler/model/types.ts): every meter the models of
// the examples carry is a member, the price book's mapping answers for each with a price or a
// reason of its own (never the catch-all "no price mapping"), and the mapping's cases are exactly
// the union — no case for a name nothing can emit.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { buildResourceModel } from '../../compiler/model/build.js';
import { METER_NAMES, type UsageMeter } from '../../compiler/model/types.js';
import { meterToQuery } from '../../compiler/pricing/meters.js';
import { BUILDING_BLOCKS } from '../../pipeline/registries.js';
import { AT_FIXED_DATE } from '../support/clock.js';
import { EXAMPLE_SPECS } from '../support/specs.js';

const EXAMPLES = EXAMPLE_SPECS;

/** Reasons that mean the mapping, not the price data, is missing something. */
const MAPPING_GAP = /^dex has no price mapping|needs attribute|is not one dex can price/;

/** The string labels of the `switch (meter.meter)` in compiler/pricing/meters.ts. */
function mappingCases(): string[] {
  const file = 'compiler/pricing/meters.ts';
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const labels: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isSwitchStatement(node) && node.expression.getText(source) === 'meter.meter') {
      for (const clause of node.caseBlock.clauses) {
        if (!ts.isCaseClause(clause)) continue;
        expect(ts.isStringLiteral(clause.expression), clause.getText(source)).toBe(true);
        labels.push((clause.expression as ts.StringLiteral).text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return labels;
}

describe('meter names', () => {
  it('every meter of every example model (each environment) is in the union and mapped', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(3);
    const seen = new Set<string>();
    for (const file of EXAMPLES) {
      const analysis = analyzeSpec(readFileSync(file), file);
      expect(analysis.ok, file).toBe(true);
      for (const compiled of analysis.compiled) {
        const model = buildResourceModel(compiled.spec, BUILDING_BLOCKS, AT_FIXED_DATE);
        for (const r of model.resources) {
          for (const meter of r.usage as readonly UsageMeter[]) {
            const where = `${file} ${compiled.environment ?? '(base)'} ${r.logicalId} ${meter.meter}`;
            seen.add(meter.meter);
            expect(METER_NAMES as readonly string[], where).toContain(meter.meter);
            const mapping = meterToQuery(meter, compiled.spec.region);
            if (!mapping.ok) expect(mapping.reason, where).not.toMatch(MAPPING_GAP);
          }
        }
      }
    }
    // The examples exercise most of the union; the rest is covered by the price-book tests.
    expect(seen.size).toBeGreaterThan(20);
  });

  it('the mapping has one case per member of the union and none outside it', () => {
    const cases = mappingCases();
    expect(new Set(cases).size, 'duplicate case').toBe(cases.length);
    expect([...cases].sort()).toEqual([...METER_NAMES].sort());
  });

  it('no member of the union falls through to the catch-all', () => {
    for (const name of METER_NAMES) {
      const mapping = meterToQuery({ meter: name, unit: 'hours', quantity: { min: 1, max: 1 }, attributes: {}, basis: '' }, 'us-east-1');
      if (!mapping.ok) expect(mapping.reason, name).not.toMatch(/^dex has no price mapping/);
    }
  });
});
