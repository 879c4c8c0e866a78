// The resource model (IDs, references, cycles, order) and the stack plan (layers, exports and
// imports, splitting of large layers, stability of IDs and stacks as a spec grows).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { buildResourceModel, findCycle, ModelError, resourceReferences } from '../../compiler/model/build.js';
import { resource } from '../../compiler/model/ids.js';
import { LAYER_ORDER, type ModelResource, type ResourceModel } from '../../compiler/model/types.js';
import { assignStacks, STACK_LIMITS, type StackPlan } from '../../compiler/stacks.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { FAKE_BLOCKS, fixedBlock } from '../support/fake-blocks.js';
import { generateSpec } from '../support/generate-spec.js';
import { AT_FIXED_DATE } from '../support/clock.js';
import { BUILDING_BLOCKS } from '../../pipeline/registries.js';

function specOf(text: string, environment = 'staging'): NormalizedSpec {
  const analysis = analyzeSpec(new TextEncoder().encode(text), 'gen.dex.yaml', { environment });
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return analysis.compiled[0]!.spec;
}

const SMALL = specOf(generateSpec(6, 11));

const r = (logicalId: string, extra: Partial<ModelResource> = {}): ModelResource =>
  resource({ logicalId, type: 'AWS::SNS::Topic', layer: 'monitoring', component: 'monitoring', origin: ['monitoring'], properties: {}, ...extra });

describe('buildResourceModel', () => {
  it('sorts by layer order, then logical ID, whatever the order of blocks', () => {
    const forward = buildResourceModel(SMALL, FAKE_BLOCKS, AT_FIXED_DATE);
    const backward = buildResourceModel(SMALL, [...FAKE_BLOCKS].reverse(), AT_FIXED_DATE);
    expect(backward.resources.map((x) => x.logicalId)).toEqual(forward.resources.map((x) => x.logicalId));
    const layers = forward.resources.map((x) => LAYER_ORDER.indexOf(x.layer));
    expect(layers).toEqual([...layers].sort((a, b) => a - b));
    for (let i = 1; i < forward.resources.length; i++) {
      const [a, b] = [forward.resources[i - 1]!, forward.resources[i]!];
      if (a.layer === b.layer) expect(a.logicalId < b.logicalId).toBe(true);
    }
  });

  it('rejects a duplicate logical ID, naming both blocks and origins', () => {
    const one = fixedBlock('one', [r('Topic', { origin: ['monitoring', 'notify'] })]);
    const two = fixedBlock('two', [r('Topic', { origin: ['monitoring', 'alerts', 0] })]);
    expect(() => buildResourceModel(SMALL, [one, two], AT_FIXED_DATE)).toThrow(ModelError);
    expect(() => buildResourceModel(SMALL, [one, two], AT_FIXED_DATE)).toThrow(/duplicate logical ID Topic: from block one \(monitoring\.notify\) and from block two \(monitoring\.alerts\.0\)/);
  });

  it.each(['Has-Dash', 'under_score', '', 'x'.repeat(256), 'Ünicode'])('rejects the invalid logical ID %j', (id) => {
    expect(() => buildResourceModel(SMALL, [fixedBlock('bad', [r(id)])], AT_FIXED_DATE)).toThrow(/invalid logical ID/);
  });

  it('accepts a 255-character ID', () => {
    expect(buildResourceModel(SMALL, [fixedBlock('ok', [r('A'.repeat(255))])], AT_FIXED_DATE).resources).toHaveLength(1);
  });

  it('rejects a reference to a resource no block creates', () => {
    const block = fixedBlock('refs', [r('Alarm', { properties: { AlarmActions: [{ Ref: 'Missing' }] } })]);
    expect(() => buildResourceModel(SMALL, [block], AT_FIXED_DATE)).toThrow(/Alarm from block refs \(monitoring\) references Missing through Ref, which no block creates/);
  });

  it('finds references in Ref, both Fn::GetAtt forms, Fn::Sub and DependsOn', () => {
    const x = r('X', {
      dependsOn: ['D'],
      properties: {
        A: { Ref: 'A' },
        P: { Ref: 'AWS::Region' },
        B: { 'Fn::GetAtt': ['B', 'Arn'] },
        C: { 'Fn::GetAtt': 'C.Endpoint.Address' },
        S: { 'Fn::Sub': 'arn:${AWS::Partition}:${E}/${F.Arn}/${!Literal}' },
        V: { 'Fn::Sub': ['${Local}-${G}', { Local: { Ref: 'H' } }] },
        Nested: [{ deep: { 'Fn::Join': ['', [{ Ref: 'I' }]] } }],
      },
    });
    const refs = resourceReferences(x).map((ref) => `${ref.via}:${ref.target}${ref.attribute ? `.${ref.attribute}` : ''}`);
    expect(refs.sort()).toEqual(['DependsOn:D', 'Fn::GetAtt:B.Arn', 'Fn::GetAtt:C.Endpoint.Address', 'Fn::Sub:E', 'Fn::Sub:F.Arn', 'Fn::Sub:G', 'Ref:A', 'Ref:H', 'Ref:I'].sort());
  });

  it('detects a dependency cycle and shows it', () => {
    const block = fixedBlock('loop', [r('A', { properties: { x: { Ref: 'B' } } }), r('B', { properties: { x: { 'Fn::Sub': '${C.Arn}' } } }), r('C', { dependsOn: ['A'] })]);
    expect(() => buildResourceModel(SMALL, [block], AT_FIXED_DATE)).toThrow(/dependency cycle between resources: A → B → C → A/);
    expect(findCycle(new Map([['A', ['B']], ['B', []]]))).toBeUndefined();
  });

  it('handles long dependency chains without recursion limits', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => r(`N${i}`, i ? { properties: { prev: { Ref: `N${i - 1}` } } } : {}));
    expect(buildResourceModel(SMALL, [fixedBlock('chain', chain)], AT_FIXED_DATE).resources).toHaveLength(20_000);
  });
});

/** Every import names an export of a stack deployed earlier; no stack passes CloudFormation's limits. */
function expectConsistent(plan: StackPlan): void {
  const exportedBy = new Map<string, number>();
  for (const stack of plan.stacks) {
    expect(stack.resources.length).toBeLessThanOrEqual(STACK_LIMITS.resources);
    expect(stack.outputs.length).toBeLessThanOrEqual(STACK_LIMITS.outputs);
    for (const imp of stack.imports) {
      const at = exportedBy.get(imp.exportName);
      expect(at, `${stack.name} imports ${imp.exportName}`).toBeDefined();
      expect(at!).toBeLessThan(stack.deployOrder);
    }
    for (const out of stack.outputs) {
      expect(exportedBy.has(out.exportName)).toBe(false);
      exportedBy.set(out.exportName, stack.deployOrder);
    }
  }
  expect(plan.stacks.map((s) => s.deployOrder)).toEqual(plan.stacks.map((_, i) => i + 1));
}

function stackOfAll(model: ResourceModel): Map<string, string> {
  return new Map(assignStacks(model).stackOf);
}

describe('assignStacks', () => {
  it('makes one stack per non-empty layer, named <system>-<env>-<layer>, in deploy order', () => {
    const plan = assignStacks(buildResourceModel(SMALL, FAKE_BLOCKS, AT_FIXED_DATE));
    const layers = plan.stacks.map((s) => s.layer);
    expect(layers).toEqual(LAYER_ORDER.filter((l) => layers.includes(l)));
    for (const s of plan.stacks) expect(s.name).toBe(`gen-11-staging-${s.layer}`);
    expectConsistent(plan);
  });

  it('rewrites cross-stack Ref, Fn::GetAtt and Fn::Sub into exports and imports', () => {
    const net = resource({ logicalId: 'Vpc', type: 'AWS::EC2::VPC', layer: 'network', component: 'network', origin: [], properties: {} });
    const key = resource({ logicalId: 'Key', type: 'AWS::KMS::Key', layer: 'security', component: 'security', origin: [], properties: {} });
    const user = r('User', {
      dependsOn: ['Key', 'Local'],
      properties: {
        VpcId: { Ref: 'Vpc' },
        KeyArn: { 'Fn::GetAtt': ['Key', 'Arn'] },
        Text: { 'Fn::Sub': '${Vpc}/${Key.Arn}/${Local}/${AWS::Region}' },
        Mixed: { 'Fn::Sub': ['${Given}-${Vpc}', { Given: { Ref: 'Local' } }] },
      },
    });
    const local = r('Local');
    const plan = assignStacks(buildResourceModel(SMALL, [fixedBlock('t', [net, key, user, local])], AT_FIXED_DATE));
    expect(plan.stacks.map((s) => s.name)).toEqual(['gen-11-staging-network', 'gen-11-staging-security', 'gen-11-staging-monitoring']);
    const [network, security, monitoring] = plan.stacks;
    expect(network!.outputs).toEqual([{ name: 'Vpc', exportName: 'gen-11-staging:Vpc', value: { Ref: 'Vpc' }, description: 'Ref of Vpc' }]);
    expect(security!.outputs.map((o) => o.exportName)).toEqual(['gen-11-staging:Key:Arn']);
    const rewritten = monitoring!.resources.find((x) => x.logicalId === 'User')!;
    expect(rewritten.dependsOn).toEqual(['Local']);
    expect(rewritten.properties).toEqual({
      VpcId: { 'Fn::ImportValue': 'gen-11-staging:Vpc' },
      KeyArn: { 'Fn::ImportValue': 'gen-11-staging:Key:Arn' },
      Text: { 'Fn::Sub': ['${Vpc}/${KeyArn}/${Local}/${AWS::Region}', { KeyArn: { 'Fn::ImportValue': 'gen-11-staging:Key:Arn' }, Vpc: { 'Fn::ImportValue': 'gen-11-staging:Vpc' } }] },
      Mixed: { 'Fn::Sub': ['${Given}-${Vpc}', { Given: { Ref: 'Local' }, Vpc: { 'Fn::ImportValue': 'gen-11-staging:Vpc' } }] },
    });
    expect(monitoring!.imports.map((i) => i.fromStack)).toEqual(['gen-11-staging-security', 'gen-11-staging-network']);
    expectConsistent(plan);
  });

  it('keeps a stack parameter a parameter: never imported, declared by exactly the stacks that use it', () => {
    const net = resource({ logicalId: 'Vpc', type: 'AWS::EC2::VPC', layer: 'network', component: 'network', origin: [], properties: { Tag: { Ref: 'ImageTag' } } });
    const user = r('User', { properties: { Image: { 'Fn::Sub': 'repo:${ImageTag}-${Vpc}' }, Own: { 'Fn::Sub': ['${ImageTag}', { ImageTag: 'given' }] } } });
    const plain = resource({ logicalId: 'Key', type: 'AWS::KMS::Key', layer: 'security', component: 'security', origin: [], properties: { Own: { 'Fn::Sub': ['${ImageTag}', { ImageTag: 'given' }] } } });
    const plan = assignStacks(buildResourceModel(SMALL, [fixedBlock('t', [net, plain, user])], AT_FIXED_DATE));
    expect(plan.stacks.map((s) => [s.name, s.parameters])).toEqual([
      ['gen-11-staging-network', ['ImageTag']],
      ['gen-11-staging-security', []],
      ['gen-11-staging-monitoring', ['ImageTag']],
    ]);
    expect(plan.stacks[0]!.outputs).toEqual([{ name: 'Vpc', exportName: 'gen-11-staging:Vpc', value: { Ref: 'Vpc' }, description: 'Ref of Vpc' }]);
    expect(plan.stacks[2]!.resources[0]!.properties.Image).toEqual({ 'Fn::Sub': ['repo:${ImageTag}-${Vpc}', { Vpc: { 'Fn::ImportValue': 'gen-11-staging:Vpc' } }] });
    expect(() => buildResourceModel(SMALL, [fixedBlock('t', [r('ImageTag')])], AT_FIXED_DATE)).toThrow(/logical ID ImageTag .* is the name of a stack parameter/);
  });

  it('refuses a reference from an earlier layer to a later one', () => {
    const vpc = resource({ logicalId: 'Vpc', type: 'AWS::EC2::VPC', layer: 'network', component: 'network', origin: ['network'], properties: { Topic: { Ref: 'Topic' } } });
    const model = buildResourceModel(SMALL, [fixedBlock('t', [vpc, r('Topic')])], AT_FIXED_DATE);
    expect(() => assignStacks(model)).toThrow(/Vpc \(layer network, stack gen-11-staging-network\) references Topic through Ref, which is in layer monitoring .* deployed later/);
  });

  it('splits a 300-service spec into stacks within the limits, imports matching earlier exports', () => {
    const model = buildResourceModel(specOf(generateSpec(300, 5)), FAKE_BLOCKS, AT_FIXED_DATE);
    expect(model.resources.length).toBeGreaterThan(2000);
    const plan = assignStacks(model);
    expect(plan.stacks.some((s) => s.bucket !== '')).toBe(true);
    expectConsistent(plan);
    // One service's resources of one layer stay together.
    const ecsStacks = new Set(model.resources.filter((x) => x.component === 'service/orders-1' && x.layer === 'ecs').map((x) => plan.stackOf.get(x.logicalId)));
    expect(ecsStacks.size).toBeLessThanOrEqual(1);
  });

  it('keeps every existing logical ID and stack when a service is added (300 → 301, split layers)', () => {
    const before = stackOfAll(buildResourceModel(specOf(generateSpec(300, 5)), FAKE_BLOCKS, AT_FIXED_DATE));
    const after = stackOfAll(buildResourceModel(specOf(generateSpec(301, 5)), FAKE_BLOCKS, AT_FIXED_DATE));
    for (const [id, stack] of before) expect(after.get(id), id).toBe(stack);
  });

  it('property: adding a service changes no existing logical ID nor its stack', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 10_000 }), (n, seed) => {
        const before = buildResourceModel(specOf(generateSpec(n, seed)), FAKE_BLOCKS, AT_FIXED_DATE);
        const after = buildResourceModel(specOf(generateSpec(n + 1, seed)), FAKE_BLOCKS, AT_FIXED_DATE);
        const afterStacks = stackOfAll(after);
        for (const [id, stack] of stackOfAll(before)) {
          if (afterStacks.get(id) !== stack) throw new Error(`${id}: ${stack} → ${afterStacks.get(id)}`);
        }
        expect(after.resources.length).toBeGreaterThan(before.resources.length);
      }),
      { numRuns: 25 },
    );
  });

  it('property, registered building blocks: adding a service changes no existing logical ID nor its stack', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 10_000 }), (n, seed) => {
        const before = stackOfAll(buildResourceModel(specOf(generateSpec(n, seed)), BUILDING_BLOCKS, AT_FIXED_DATE));
        const after = stackOfAll(buildResourceModel(specOf(generateSpec(n + 1, seed)), BUILDING_BLOCKS, AT_FIXED_DATE));
        for (const [id, stack] of before) {
          if (after.get(id) !== stack) throw new Error(`${id}: ${stack} → ${after.get(id)}`);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('is deterministic: the same model gives equal plans', () => {
    const spec = specOf(generateSpec(120, 9));
    const a = assignStacks(buildResourceModel(spec, FAKE_BLOCKS, AT_FIXED_DATE));
    const b = assignStacks(buildResourceModel(spec, [...FAKE_BLOCKS].reverse(), AT_FIXED_DATE));
    expect(JSON.stringify(b.stacks)).toBe(JSON.stringify(a.stacks));
  });
});
