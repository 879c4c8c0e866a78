// YAML habits for sharing blocks: anchors kept under `x-` top-level keys (ignored by dex) and
// merge keys (`<<: *anchor`), with the map's own keys winning, wherever they stand.
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';

const HEAD = 'dex: 1\nname: shop\nregion: us-east-1\n';

function analyze(body: string) {
  return analyzeSpec(new TextEncoder().encode(HEAD + body), 'dex.yaml');
}

describe('merge keys and x- anchors', () => {
  it('merges a shared env block, own keys overriding it before or after the merge', () => {
    const a = analyze(
      'x-common-env: &env { LOG_LEVEL: info, REGION_HINT: eu, MODE: shared }\n' +
        'services:\n' +
        '  api: { port: 80, placement: ecs, env: { MODE: own, <<: *env } }\n' +
        '  web: { port: 81, placement: ecs, env: { <<: *env, LOG_LEVEL: debug } }\n',
    );
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const spec = a.compiled[0]!.spec;
    expect(spec.services.api!.env).toEqual({ MODE: 'own', LOG_LEVEL: 'info', REGION_HINT: 'eu' });
    expect(spec.services.web!.env).toEqual({ LOG_LEVEL: 'debug', REGION_HINT: 'eu', MODE: 'shared' });
  });

  it('merges a list of maps, the first one winning, as YAML says', () => {
    const a = analyze('x-a: &a { A: "1", B: "1" }\nx-b: &b { B: "2", C: "2" }\nservices:\n  api: { port: 80, placement: ecs, env: { <<: [*a, *b] } }\n');
    expect(a.compiled[0]!.spec.services.api!.env).toEqual({ A: '1', B: '1', C: '2' });
  });

  it('still rejects other unknown top-level keys, and a merge of something that is not a map', () => {
    const unknown = analyze('xenv: 1\n');
    expect(unknown.diagnostics.map((d) => d.code)).toContain('DEX200');
    const scalar = analyze('x-s: &s hello\nservices:\n  api: { port: 80, placement: ecs, env: { <<: *s } }\n');
    expect(scalar.ok).toBe(false);
  });
});
