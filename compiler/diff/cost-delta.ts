// The cost delta, like an infracost diff: both sides priced by compiler/plan.ts with the same
// price source, compared per line (resource × meter) and in total.
//
// Honest cost in a diff: the delta is summed only over lines priced on both sides (a line absent
// on one side is $0 there, which is known). A line priced on one side and unpriced on the other
// — a database moved to a class the snapshot has no price for — is not a saving or a $0 change:
// it is named in `unpriced` ("now unpriced", "now priced", …) with the reason, and left out of
// the delta, so a bigger class can never show as cheaper because its price is unknown.
import { planEnvironment, type EnvironmentPlan, type PlanTarget } from '../pricing/plan.js';
import type { ModelResource, UsageMeter } from '../model/types.js';
import type { PriceSource } from '../pricing/types.js';
import type { CostDelta, CostLineDelta, CostUnpricedChange, MoneyRange, UnpricedChangeKind } from './types.js';
import type { PlanJsonResource } from './baseline.js';

const cents = (n: number) => Math.round(n * 100);
const sub = (a: MoneyRange | null, b: MoneyRange | null): MoneyRange => ({
  monthlyMin: (cents(a?.monthlyMin ?? 0) - cents(b?.monthlyMin ?? 0)) / 100,
  monthlyMax: (cents(a?.monthlyMax ?? 0) - cents(b?.monthlyMax ?? 0)) / 100,
});
const plus = (a: MoneyRange, b: MoneyRange): MoneyRange => ({ monthlyMin: (cents(a.monthlyMin) + cents(b.monthlyMin)) / 100, monthlyMax: (cents(a.monthlyMax) + cents(b.monthlyMax)) / 100 });
const ZERO: MoneyRange = { monthlyMin: 0, monthlyMax: 0 };

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

/** One side of one line: what is priced of it, what is not, and the usage it was priced from. */
interface LineSide {
  readonly resource: string;
  readonly meter: string;
  usageType: string | undefined;
  priced: MoneyRange | null;
  readonly reasons: string[];
  /** The meters' quantities and attributes: an unpriced line changes when these do. */
  signature: string;
}

// Keyed by resource and meter: a new instance type is the same line at another price.
const keyOf = (resource: string, meter: string) => `${resource}|${meter}`;

function sides(plan: EnvironmentPlan): Map<string, LineSide> {
  const m = new Map<string, LineSide>();
  const get = (resource: string, meter: string): LineSide => {
    const key = keyOf(resource, meter);
    let s = m.get(key);
    if (!s) m.set(key, (s = { resource, meter, usageType: undefined, priced: null, reasons: [], signature: '' }));
    return s;
  };
  for (const l of plan.lineItems) {
    const s = get(l.resource, l.meter);
    s.usageType = s.usageType && s.usageType !== l.usageType ? `${s.usageType}, ${l.usageType}` : l.usageType;
    s.priced = plus(s.priced ?? ZERO, { monthlyMin: l.monthlyUsd.min, monthlyMax: l.monthlyUsd.max });
  }
  for (const u of plan.unpriced) get(u.resource, u.meter).reasons.push(u.reason);
  for (const r of plan.model.resources) {
    for (const meter of r.usage) {
      const s = m.get(keyOf(r.logicalId, meter.meter));
      if (s) s.signature += JSON.stringify([meter.quantity, Object.entries(meter.attributes).sort()]);
    }
  }
  return m;
}

function unknownKind(b: LineSide | undefined, a: LineSide | undefined): UnpricedChangeKind {
  if (!b) return 'added, unpriced';
  if (!a) return 'removed, was unpriced';
  if (b.reasons.length === 0) return 'now unpriced';
  if (a.reasons.length === 0) return 'now priced';
  return 'changed, unpriced';
}

/** Cost of the baseline (null when it has no usage to price) against the current plan. */
export function costDelta(after: EnvironmentPlan, baseline: { readonly resources: readonly PlanJsonResource[]; readonly region: string } | null, target: PlanTarget, source: PriceSource): CostDelta {
  if (!baseline) return { before: null, after: after.totals, delta: null, lineItems: [], unpriced: [] };
  const spec = { ...target.spec, region: baseline.region as PlanTarget['spec']['region'] };
  const model = { spec, resources: toModelResources(baseline.resources) };
  const before = planEnvironment({ environment: target.environment, spec: model.spec, model }, source);
  const mb = sides(before);
  const ma = sides(after);
  const lineItems: CostLineDelta[] = [];
  const unpriced: CostUnpricedChange[] = [];
  let delta = ZERO;
  for (const key of [...new Set([...mb.keys(), ...ma.keys()])].sort()) {
    const b = mb.get(key);
    const a = ma.get(key);
    const any = (a ?? b)!;
    const usageType = a?.usageType && b?.usageType && a.usageType !== b.usageType ? `${b.usageType} → ${a.usageType}` : (a?.usageType ?? b?.usageType ?? '');
    const known = (b?.reasons.length ?? 0) === 0 && (a?.reasons.length ?? 0) === 0;
    if (known) {
      const d = sub(a?.priced ?? null, b?.priced ?? null);
      if (d.monthlyMin === 0 && d.monthlyMax === 0) continue;
      delta = plus(delta, d);
      lineItems.push({ resource: any.resource, meter: any.meter, usageType, before: b?.priced ?? null, after: a?.priced ?? null, delta: d });
      continue;
    }
    // Unpriced on a side: a change only when something about the line differs.
    const same = a && b && a.signature === b.signature && a.usageType === b.usageType && a.reasons.join('\n') === b.reasons.join('\n') && sub(a.priced, b.priced).monthlyMax === 0 && sub(a.priced, b.priced).monthlyMin === 0;
    if (same) continue;
    const reason = (a?.reasons.length ? a.reasons : b!.reasons).join('; ');
    unpriced.push({ resource: any.resource, meter: any.meter, change: unknownKind(b, a), usageType, before: b?.priced ?? null, after: a?.priced ?? null, reason });
  }
  return { before: before.totals, after: after.totals, delta, lineItems, unpriced };
}
