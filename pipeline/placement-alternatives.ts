// `placement: auto` in every plan: for each service whose platform dex chose, the choice, why, and
// what the environment would cost with the service on each other platform. The alternatives are
// priced exactly, not estimated: the spec is compiled again with that one service moved, its model
// built and priced with the same source, so a platform that would have to be created for it (an
// EKS cluster, an EC2 host) is in the difference, and one it would leave empty drops out of it.
import { buildResourceModel } from '../compiler/model/build.js';
import { planEnvironment, type MoneyRange } from '../compiler/pricing/plan.js';
import type { PriceSource } from '../compiler/pricing/types.js';
import { runSemanticChecks } from '../compiler/checks/index.js';
import type { DexSpec, Placement } from '../spec/model.js';
import { normalizeSpec } from '../spec/normalize.js';
import type { Analysis, CompiledEnvironment } from './analyze.js';

export const PLACEMENTS: readonly Placement[] = ['ecs', 'eks', 'ec2'];

/** Beyond this many auto-placed services in one environment the alternatives are not priced (each costs a model build). */
export const MAX_PRICED_AUTO_PLACEMENTS = 12;

export interface PlacementAlternative {
  readonly placement: Placement;
  /** The environment's monthly cost with the service there, and its difference from the plan's. */
  readonly totals?: MoneyRange;
  readonly delta?: MoneyRange;
  /** Why there is no price: the service cannot run there as the spec stands, or too many to price. */
  readonly unavailable?: string;
}

export interface AutoPlacement {
  readonly environment: string;
  readonly service: string;
  readonly placement: Placement;
  readonly rationale: readonly string[];
  readonly alternatives: readonly PlacementAlternative[];
}

export function autoPlacements(analysis: Pick<Analysis, 'raw' | 'registries' | 'today'>, compiled: CompiledEnvironment, totals: MoneyRange, source: PriceSource): AutoPlacement[] {
  const raw = analysis.raw;
  const environment = compiled.environment ?? 'default';
  const auto = Object.values(compiled.spec.services)
    .filter((s) => s.placementDecision.source === 'auto')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rules = analysis.registries.semanticRules(analysis.today);
  return auto.map((s, index) => ({
    environment,
    service: s.name,
    placement: s.placement,
    rationale: s.placementDecision.rationale,
    alternatives: PLACEMENTS.filter((p) => p !== s.placement).map((placement): PlacementAlternative => {
      if (!raw) return { placement, unavailable: 'the spec did not compile' };
      if (index >= MAX_PRICED_AUTO_PLACEMENTS) return { placement, unavailable: `not priced: more than ${MAX_PRICED_AUTO_PLACEMENTS} services are placed by dex here; declare placement for some to see the others` };
      const { spec } = normalizeSpec(withPlacement(raw, compiled.environment, s.name, placement), compiled.environment);
      const error = runSemanticChecks(spec, rules).find((f) => f.severity === 'error');
      if (error) return { placement, unavailable: `not possible as the spec stands: ${error.message}` };
      let model;
      try {
        model = buildResourceModel(spec, analysis.registries.blocks, { today: analysis.today, purpose: 'checks' });
      } catch (err) {
        return { placement, unavailable: `dex could not build it there: ${err instanceof Error ? err.message : String(err)}` };
      }
      const priced = planEnvironment({ environment, spec, model }, source).totals;
      return { placement, totals: priced, delta: { monthlyMin: cents(priced.monthlyMin - totals.monthlyMin), monthlyMax: cents(priced.monthlyMax - totals.monthlyMax) } };
    }),
  }));
}

const cents = (usd: number): number => Math.round(usd * 100) / 100;

/** The raw spec with one service's placement set, in the base and in the environment's overlay if it sets one. */
function withPlacement(raw: DexSpec, environment: string | undefined, service: string, placement: Placement): DexSpec {
  const services = { ...raw.services, [service]: { ...raw.services?.[service], placement } };
  const overlay = environment ? raw.environments?.[environment] : undefined;
  const overlaid = overlay?.services?.[service];
  if (!environment || !overlay || !overlaid || overlaid.placement === undefined) return { ...raw, services };
  return { ...raw, services, environments: { ...raw.environments, [environment]: { ...overlay, services: { ...overlay.services, [service]: { ...overlaid, placement } } } } };
}
