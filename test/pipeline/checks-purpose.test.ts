// `dex validate` builds its models for the checks only (BuildContext.purpose 'checks'): the
// monitoring servers' file bundles are not rendered and gzipped. That must change nothing a check
// sees: the diagnostics are the same, and the only properties that differ are those two user data.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { fixedClock } from '../support/clock.js';

const examples = ['examples/dex-mobile-v6/dex.yaml', 'examples/large/dex.yaml', 'examples/minimal/dex.yaml'];

describe("models built for the checks", () => {
  it.each(examples)('%s: same diagnostics, same resources; only the monitoring servers\' user data differ', (file) => {
    const bytes = readFileSync(file);
    const output = analyzeSpec(bytes, file, { today: fixedClock });
    const checks = analyzeSpec(bytes, file, { today: fixedClock, purpose: 'checks' });
    expect(checks.diagnostics).toEqual(output.diagnostics);
    expect(checks.compiled.map((c) => c.environment)).toEqual(output.compiled.map((c) => c.environment));
    const differing = new Set<string>();
    output.compiled.forEach((o, i) => {
      const c = checks.compiled[i]!;
      expect(c.model === undefined).toBe(o.model === undefined);
      if (!o.model || !c.model) return;
      expect(c.model!.resources.map((r) => r.logicalId)).toEqual(o.model!.resources.map((r) => r.logicalId));
      o.model!.resources.forEach((r, j) => {
        const other = c.model!.resources[j]!;
        if (JSON.stringify(other.properties) === JSON.stringify(r.properties)) return;
        const { LaunchTemplateData: a, ...restA } = r.properties as { LaunchTemplateData?: { UserData?: unknown } };
        const { LaunchTemplateData: b, ...restB } = other.properties as { LaunchTemplateData?: { UserData?: unknown } };
        expect(restB).toEqual(restA);
        expect({ ...b, UserData: undefined }).toEqual({ ...a, UserData: undefined });
        differing.add(r.logicalId);
      });
    });
    const monitoring = output.compiled.some((o) => o.spec.monitoring.prometheus.enabled || o.spec.monitoring.grafana.enabled);
    // A test that cannot fail is no test: where there are monitoring servers, their user data did differ.
    if (monitoring) expect([...differing].sort()).toEqual(expect.arrayContaining([expect.stringMatching(/Prometheus|Grafana/)]));
    for (const id of differing) expect(id).toMatch(/Prometheus|Grafana/);
  });
});
