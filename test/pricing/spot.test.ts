// Spot capacity is never priced at on-demand silently: a Spot line is a range whose maximum is the
// on-demand price (Spot's ceiling) and whose minimum comes from usage.spotDiscountPercent; without
// that assumption the line and the totals say the minimum is not known.
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { priceMeters } from '../../compiler/pricing/line-items.js';
import { planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { renderPlan } from '../../cli/plan-render.js';
import type { UsageMeter } from '../../compiler/model/types.js';
import { fixedClock } from '../support/clock.js';

const snapshot = loadSnapshotSource();
const spotNode: UsageMeter = { meter: 'ec2.instance', unit: 'hours', quantity: { min: 1460, max: 7300 }, attributes: { instanceType: 't3.medium', os: 'Linux', purchaseOption: 'Spot' }, basis: 'test' };
const onDemandNode: UsageMeter = { ...spotNode, attributes: { instanceType: 't3.medium', os: 'Linux' } };
const price = (usage: UsageMeter[], options = {}) => priceMeters([{ logicalId: 'Nodes', type: 'AWS::EKS::Nodegroup', usage }], 'us-east-1', snapshot, options);

function spec(extra: string): string {
  return `dex: 1
name: spotty
region: us-east-1
network: { cidr: 10.0.0.0/16, availabilityZones: 2, natGateways: single }
platforms:
  eks: { version: "1.35", nodeGroups: [{ name: batch, instanceType: t3.medium, min: 2, max: 10, capacityType: spot }] }
  ecs: { capacity: fargate-spot }
services:
  api: { port: 8080, placement: ecs, resources: { cpu: 1, memory: 2GiB }, scaling: { min: 2, max: 4 }, health: { path: /health } }
  worker: { port: 8081, placement: eks, resources: { cpu: 0.5, memory: 1GiB }, scaling: { min: 1, max: 2 }, health: { path: /health } }
${extra}`;
}

function planOf(extra: string) {
  const analysis = analyzeSpec(new TextEncoder().encode(spec(extra)), 'spotty.yaml', { today: fixedClock });
  expect(analysis.ok, JSON.stringify(analysis.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
  return buildPlan(planTargets(analysis), snapshot);
}

describe('a Spot line', () => {
  it('without usage.spotDiscountPercent: on-demand at both ends, and it says the minimum is not known', () => {
    const od = price([onDemandNode]).lineItems[0]!;
    const line = price([spotNode]).lineItems[0]!;
    expect(line.monthlyUsd).toEqual(od.monthlyUsd);
    expect(line.spot).toMatchObject({ discountPercent: null, onDemandMonthlyUsd: od.monthlyUsd });
    expect(line.spot!.note).toMatch(/lowest price is not known.*usage\.spotDiscountPercent/);
    expect(line.arithmetic).toMatch(/Spot at most; its lowest price is not known without usage\.spotDiscountPercent/);
    expect(od.spot).toBeUndefined();
  });

  it('with usage.spotDiscountPercent: min = on-demand × (1 − discount), rounded once; max = on-demand', () => {
    const line = price([spotNode], { spotDiscountPercent: 70 }).lineItems[0]!;
    // 1,460 h × $0.0416 = $60.736 → × 0.3 = $18.2208 → $18.22; 7,300 h × $0.0416 = $303.68.
    expect(line.monthlyUsd).toEqual({ min: 18.22, max: 303.68 });
    expect(line.spot).toMatchObject({ discountPercent: 70, onDemandMonthlyUsd: { min: 60.74, max: 303.68 } });
    expect(line.arithmetic).toBe("min: 1,460 h × $0.0416/h × (100% − 70% usage.spotDiscountPercent) = $18.22 (Spot, assumed); max: 7,300 h × $0.0416/h = $303.68 (on-demand, Spot's ceiling)");
  });
});

describe('Spot in a plan (EKS node group capacityType: spot, ECS capacity: fargate-spot)', () => {
  it('marks every Spot meter, and the totals say they hold Spot at on-demand when no discount is declared', () => {
    const plan = planOf('');
    const e = plan.environments[0]!;
    const spotLines = e.lineItems.filter((l) => l.spot);
    expect(spotLines.map((l) => `${l.resource} ${l.meter}`).sort()).toEqual(['ApiEcsService fargate.memory', 'ApiEcsService fargate.vcpu', 'EksNodeGroupBatch ec2.instance']);
    expect(e.spot).toMatchObject({ lines: 3, discountPercent: null });
    expect(e.spot!.priced).toEqual(e.spot!.onDemand);
    expect(e.spot!.note).toMatch(/at the on-demand price, Spot's ceiling.*no Spot saving.*usage\.spotDiscountPercent/);
    for (const format of ['text', 'markdown'] as const) expect(renderPlan(plan, format, { color: false })).toContain("no Spot saving");
    const json = JSON.parse(renderPlan(plan, 'json', { color: false }));
    expect(json.environments[0].spot.discountPercent).toBeNull();
    expect(json.lineItems.filter((l: { purchaseOption?: string }) => l.purchaseOption === 'Spot')).toHaveLength(3);
    // The top-level totals say what they hold of Spot, per environment.
    expect(json.spot).toEqual([expect.objectContaining({ environment: 'default', lines: 3, discountPercent: null })]);
  });

  it('with usage.spotDiscountPercent the minimum drops by exactly the assumed saving; the maximum stays on-demand', () => {
    const without = planOf('').environments[0]!;
    const withD = planOf('usage: { spotDiscountPercent: 60 }').environments[0]!;
    expect(withD.totals.monthlyMax).toBe(without.totals.monthlyMax);
    const saving = Math.round((withD.spot!.onDemand.monthlyMin - withD.spot!.priced.monthlyMin) * 100);
    expect(saving).toBeGreaterThan(0);
    expect(Math.round(without.totals.monthlyMin * 100) - Math.round(withD.totals.monthlyMin * 100)).toBe(saving);
    expect(withD.spot!.note).toMatch(/60% below on-demand.*your assumption, not a quote/);
  });

  it('usage.spotDiscountPercent is checked by the schema (0 to 95)', () => {
    const analysis = analyzeSpec(new TextEncoder().encode(spec('usage: { spotDiscountPercent: 100 }')), 'spotty.yaml', { today: fixedClock });
    expect(analysis.ok).toBe(false);
  });
});
