// The cost delta, like an infracost diff: both sides priced by compiler/plan.ts with the same
// price source, compared per line item (resource × meter × usage type) and in total.
import { planEnvironment, type EnvironmentPlan, type PlanTarget } from '../pricing/plan.js';
import type { ModelResource, UsageMeter } from '../model/types.js';
import type { PriceSource } from '../pricing/types.js';
import type { CostDelta, CostLineDelta, MoneyRange } from './types.js';
import type { PlanJsonResource } from './baseline.js';

const cents = (n: number) => Math.round(n * 100);
const sub = (a: MoneyRange | null, b: MoneyRange | null): MoneyRange => ({
  monthlyMin: (cents(a?.monthlyMin ?? 0) - cents(b?.monthlyMin ?? 0)) / 100,
  monthlyMax: (cents(a?.monthlyMax ?? 0) - cents(b?.monthlyMax ?? 0)) / 100,
});

/** plan.json resources back into model resources (what the pricer reads: type, properties, usage). */
export function toModelResources(resources: readonly PlanJsonResource[]): ModelResource[] {
  return resources.map((r) => ({
    logicalId: r.logicalId,
    type: r.type,
    layer: r.layer,
    properties: r.properties,
    origin: r.origin ?? [],
    component: r.component ?? '',
    usage: (r.usage ?? []) as readonly UsageMeter[],
  }));
}

function lineMap(plan: EnvironmentPlan): Map<string, { resource: string; meter: string; usageType: string; range: MoneyRange }> {
  const m = new Map<string, { resource: string; meter: string; usageType: string; range: MoneyRange }>();
  for (const l of plan.lineItems) {
    // Keyed by resource and meter: a new instance type is the same line at another price.
    const key = `${l.resource}|${l.meter}`;
    const prev = m.get(key)?.range;
    m.set(key, {
      resource: l.resource,
      meter: l.meter,
      usageType: prev && m.get(key)!.usageType !== l.usageType ? `${m.get(key)!.usageType}, ${l.usageType}` : l.usageType,
      range: { monthlyMin: (cents(prev?.monthlyMin ?? 0) + cents(l.monthlyUsd.min)) / 100, monthlyMax: (cents(prev?.monthlyMax ?? 0) + cents(l.monthlyUsd.max)) / 100 },
    });
  }
  return m;
}

/** Cost of the baseline (null when it has no usage to price) against the current plan. */
export function costDelta(after: EnvironmentPlan, baseline: { readonly resources: readonly PlanJsonResource[]; readonly region: string } | null, target: PlanTarget, source: PriceSource): CostDelta {
  if (!baseline) return { before: null, after: after.totals, delta: null, lineItems: [] };
  const spec = { ...target.spec, region: baseline.region as PlanTarget['spec']['region'] };
  const model = { spec, resources: toModelResources(baseline.resources) };
  const before = planEnvironment({ environment: target.environment, spec: model.spec, model }, source);
  const mb = lineMap(before);
  const ma = lineMap(after);
  const lineItems: CostLineDelta[] = [];
  for (const key of [...new Set([...mb.keys(), ...ma.keys()])].sort()) {
    const b = mb.get(key);
    const a = ma.get(key);
    const delta = sub(a?.range ?? null, b?.range ?? null);
    if (delta.monthlyMin === 0 && delta.monthlyMax === 0) continue;
    const any = (a ?? b)!;
    const usageType = a && b && a.usageType !== b.usageType ? `${b.usageType} → ${a.usageType}` : any.usageType;
    lineItems.push({ resource: any.resource, meter: any.meter, usageType, before: b?.range ?? null, after: a?.range ?? null, delta });
  }
  return { before: before.totals, after: after.totals, delta: sub(after.totals, before.totals), lineItems };
}
