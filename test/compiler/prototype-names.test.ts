// Names users choose are map keys: ones that are also Object.prototype members must behave like
// any other name through every phase, up to the emitted files.
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { compileEmit, emitTargets } from '../../pipeline/emit.js';

const text = `dex: 1
name: proto-names
region: us-east-1
services:
  constructor: { placement: ecs, port: 8080, uses: [valueof] }
  tostring: { placement: ecs, port: 8081, uses: [constructor, hasownproperty] }
databases:
  valueof: {}
caches:
  hasownproperty: {}
`;

describe('names that are Object.prototype members', () => {
  it('validate, and emit exactly the resources their uses declare', () => {
    const analysis = analyzeSpec(new TextEncoder().encode(text), 'dex.yaml');
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const [target] = emitTargets(analysis);
    const output = compileEmit(target!);
    const ids = output.model.resources.map((r) => r.logicalId);
    expect(ids).toContain('ConstructorEcsService');
    expect(ids).toContain('ValueofDatabase');
    expect(ids).toContain('HasownpropertyCache');
    // tostring uses the cache and the constructor service, not a cache called "constructor".
    expect(ids).not.toContain('ConstructorCacheAuthSecret');
  });
});
