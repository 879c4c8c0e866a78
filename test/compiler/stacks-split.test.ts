// The splitting rule of compiler/stacks.ts on small limits, so a few dozen resources exercise what
// a spec of thousands of services does: a component larger than one stack is spread over several,
// the rest stay together, every stack ends within the limits, and exports and imports match.
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { AT_FIXED_DATE, fixedClock } from '../support/clock.js';
import { buildResourceModel, ModelError } from '../../compiler/model/build.js';
import { getAtt, ref, resource } from '../../compiler/model/ids.js';
import type { CfnValue, ModelResource, StackLayer } from '../../compiler/model/types.js';
import { assignStacks, type SplitOptions, type StackPlan } from '../../compiler/stacks.js';
import { fixedBlock } from '../support/fake-blocks.js';
import { generateSpec } from '../support/generate-spec.js';

const analysis = analyzeSpec(new TextEncoder().encode(generateSpec(3, 4)), 'gen.dex.yaml', { environment: 'staging', today: fixedClock });
const SPEC = analysis.compiled[0]!.spec;

const LIMITS = { resources: 12, outputs: 10, bodyBytes: 40_000 };
const SMALL: SplitOptions = { thresholds: { resources: 10, outputs: 8, bodyBytes: 30_000 }, limits: LIMITS };

const res = (logicalId: string, layer: StackLayer, component: string, properties: Record<string, CfnValue> = {}): ModelResource =>
  resource({ logicalId, type: 'AWS::SNS::Topic', layer, component, origin: [], properties });

/**
 * A network stack, and a security layer with a shared key, ten small components of three
 * resources and one component of 40 (like the rules of the EKS node group in a large system),
 * chained so that parts of it reference each other across stacks.
 */
function model(extraComponents = 0): ModelResource[] {
  const out: ModelResource[] = [res('Vpc', 'network', 'network'), res('Key', 'security', 'security', { Vpc: ref('Vpc') })];
  for (let c = 0; c < 10 + extraComponents; c++) {
    for (let i = 0; i < 3; i++) out.push(res(`Small${c}R${i}`, 'security', `service/small-${c}`, { Key: getAtt('Key', 'Arn'), Peer: i === 2 ? ref('Big0') : i === 1 ? ref(`Small${c}R0`) : 'none' }));
  }
  for (let i = 0; i < 40; i++) out.push(res(`Big${i}`, 'security', 'platform/big', i === 0 ? { Vpc: ref('Vpc') } : { Previous: getAtt(`Big${i - 1}`, 'Arn'), Key: ref('Key') }));
  out.push(res('Watcher', 'monitoring', 'monitoring', { Text: { 'Fn::Sub': '${Big39.Arn} ${Small3R1}' } }));
  return out;
}

function plan(resources: ModelResource[], options: SplitOptions = SMALL): StackPlan {
  return assignStacks(buildResourceModel(SPEC, [fixedBlock('t', resources)], AT_FIXED_DATE), options);
}

/** Every stack within the limits; every import, in the plan and in the properties, an export of an earlier stack. */
function expectWithinLimits(p: StackPlan): void {
  const exportedAt = new Map<string, number>();
  for (const stack of p.stacks) {
    expect(stack.resources.length, stack.name).toBeLessThanOrEqual(LIMITS.resources);
    expect(stack.outputs.length, stack.name).toBeLessThanOrEqual(LIMITS.outputs);
    const used = new Set<string>();
    JSON.stringify(stack.resources.map((r) => r.properties), (key, value: unknown) => {
      if (key === 'Fn::ImportValue') used.add(value as string);
      return value;
    });
    expect([...used].sort(), stack.name).toEqual(stack.imports.map((i) => i.exportName).sort());
    for (const imp of stack.imports) {
      expect(exportedAt.get(imp.exportName), `${stack.name} imports ${imp.exportName}`).toBeLessThan(stack.deployOrder);
      expect(p.stacks.find((s) => s.name === imp.fromStack)!.outputs.some((o) => o.exportName === imp.exportName)).toBe(true);
    }
    for (const out of stack.outputs) {
      expect(exportedAt.has(out.exportName)).toBe(false);
      exportedAt.set(out.exportName, stack.deployOrder);
    }
    // No resource references one of another stack other than through an import.
    const own = new Set(stack.resources.map((r) => r.logicalId));
    JSON.stringify(stack.resources.map((r) => r.properties), (key, value: unknown) => {
      if (key === 'Ref' && typeof value === 'string') expect(own.has(value), `${stack.name}: Ref ${value}`).toBe(true);
      if (key === 'Fn::GetAtt') expect(own.has((value as string[])[0]!), `${stack.name}: GetAtt ${String(value)}`).toBe(true);
      return value;
    });
  }
  expect(p.stacks.map((s) => s.deployOrder)).toEqual(p.stacks.map((_, i) => i + 1));
}

describe('stack splitting (small limits)', () => {
  it('spreads a component too large for one stack, keeps the others together, and stays within the limits', () => {
    const p = plan(model());
    expectWithinLimits(p);
    const stacksOf = (component: string) => new Set(p.stacks.filter((s) => s.resources.some((r) => r.component === component)).map((s) => s.name));
    expect(stacksOf('platform/big').size).toBeGreaterThanOrEqual(4); // 40 resources, at most 10 a stack
    for (let c = 0; c < 10; c++) {
      // A small component stays in one bucket (tiers may still cut it: a rule referencing Big0 deploys after it).
      const buckets = new Set(p.stacks.filter((s) => s.resources.some((r) => r.component === `service/small-${c}`)).map((s) => s.bucket));
      expect(buckets.size, `service/small-${c}`).toBe(1);
    }
    // The shared key keeps the layer's own stack.
    expect(p.stackOf.get('Key')).toBe('gen-4-staging-security');
    expect(p.stackOf.get('Vpc')).toBe('gen-4-staging-network');
  });

  it('is total: growing the layer keeps every stack within the limits', () => {
    for (const extra of [0, 5, 20, 60]) expectWithinLimits(plan(model(extra)));
  });

  it('splits no further than the thresholds ask: a model that fits keeps one stack per layer', () => {
    const p = plan(model(), {});
    expect(p.stacks.map((s) => s.name)).toEqual(['gen-4-staging-network', 'gen-4-staging-security', 'gen-4-staging-monitoring']);
  });

  it('splits a bucket again when its tiers or imports would pass the limits, though it fit as a group', () => {
    // Nine resources fit the threshold of ten; each references the other stacks' outputs.
    const many: ModelResource[] = [res('Vpc', 'network', 'network')];
    for (let i = 0; i < 9; i++) many.push(res(`Net${i}`, 'network', 'network'));
    for (let i = 0; i < 9; i++) {
      const refs: Record<string, CfnValue> = {};
      for (let j = 0; j < 9; j++) refs[`P${j}`] = { 'Fn::Sub': `\${Net${j}} ${'x'.repeat(400)}` };
      many.push(res(`User${i}`, 'security', 'security', refs));
    }
    // Unsplit, the security stack's imports make it larger than the limit allows.
    const p = plan(many, { thresholds: { resources: 10, outputs: 10, bodyBytes: 40_000 }, limits: { resources: 12, outputs: 12, bodyBytes: 42_000 } });
    expect(p.stacks.filter((s) => s.layer === 'security').length).toBeGreaterThan(1);
    for (const s of p.stacks) expect(s.resources.length).toBeLessThanOrEqual(12);
  });

  it('names the resource when a single one is too large for any stack', () => {
    const huge = res('Huge', 'monitoring', 'monitoring', { Body: 'x'.repeat(50_000) });
    expect(() => plan([res('Vpc', 'network', 'network'), huge])).toThrow(ModelError);
    expect(() => plan([res('Vpc', 'network', 'network'), huge])).toThrow(/cannot be split below CloudFormation's limits \(1 resources: Huge\)/);
  });
});
