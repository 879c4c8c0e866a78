// `placement: auto` decisions with the cost of the alternatives: priced by compiling the spec again
// with the one service moved, so the figures are the plan's own arithmetic, not an estimate.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planEnvironment } from '../../compiler/pricing/plan.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { autoPlacements, MAX_PRICED_AUTO_PLACEMENTS } from '../../pipeline/placement-alternatives.js';
import { planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { fixedClock } from '../support/clock.js';

const source = loadSnapshotSource();

function setup(file: string, text = readFileSync(file, 'utf8')) {
  const analysis = analyzeSpec(Buffer.from(text), file, { today: fixedClock });
  expect(analysis.ok).toBe(true);
  return analysis;
}

describe('auto placements in the plan', () => {
  it('lists each auto-placed service with its reason and the exact cost of moving it', () => {
    const file = 'examples/large/dex.yaml';
    const analysis = setup(file);
    const compiled = analysis.compiled.find((c) => c.environment !== undefined)!;
    const target = planTargets(analysis, compiled.environment)[0]!;
    const totals = planEnvironment(target, source).totals;
    const placements = autoPlacements(analysis, compiled, totals, source);
    const auto = Object.values(compiled.spec.services).filter((s) => s.placementDecision.source === 'auto').map((s) => s.name);
    expect(placements.map((p) => p.service)).toEqual(auto.sort());
    expect(auto.length).toBeGreaterThan(0);
    for (const p of placements) {
      expect(p.rationale.length).toBeGreaterThan(0);
      expect(p.alternatives.map((a) => a.placement).sort()).toEqual(['ec2', 'ecs', 'eks'].filter((x) => x !== p.placement).sort());
      for (const a of p.alternatives) {
        if (a.unavailable) continue;
        // The difference is the alternative's total less the plan's, to the cent.
        expect(Math.round((a.totals!.monthlyMax - totals.monthlyMax) * 100)).toBe(Math.round(a.delta!.monthlyMax * 100));
      }
    }
  });

  it('moving a service to a platform nothing else uses adds that platform\'s fixed cost', () => {
    // One service dex puts on ECS; EKS would need its own cluster ($73 a month for the control plane at least).
    const text = readFileSync('examples/minimal/dex.yaml', 'utf8').replace('placement: ecs ', 'placement: auto');
    const analysis = setup('dex.yaml', text);
    const compiled = analysis.compiled[0]!;
    const target = planTargets(analysis)[0]!;
    const totals = planEnvironment(target, source).totals;
    const [api] = autoPlacements(analysis, compiled, totals, source);
    expect(api!.placement).toBe('ecs');
    const eks = api!.alternatives.find((a) => a.placement === 'eks')!;
    expect(eks.unavailable).toBeUndefined();
    expect(eks.delta!.monthlyMin).toBeGreaterThanOrEqual(73);
    expect(MAX_PRICED_AUTO_PLACEMENTS).toBeGreaterThan(0);
  });
});
