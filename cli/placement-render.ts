// The `placement: auto` section of a plan: each service dex placed, where, why, and what the
// environment would cost a month with it on each other platform (pipeline/placement-alternatives.ts).
import type { AutoPlacement, PlacementAlternative } from '../pipeline/placement-alternatives.js';
import { wrap } from './layout.js';
import { usd } from './plan-render.js';

/** +$18.00, -$1.24 */
const signed = (value: number): string => (value > 0 ? `+${usd(value)}` : value === 0 ? '±$0.00' : usd(value));

export function placementAlternativeText(a: PlacementAlternative): string {
  if (!a.delta) return `on ${a.placement}: ${a.unavailable ?? 'not priced'}`;
  const { monthlyMin: min, monthlyMax: max } = a.delta;
  return `on ${a.placement}: ${min === max ? signed(min) : `${signed(min)} to ${signed(max)}`} a month`;
}

export function renderPlacementsText(placements: readonly AutoPlacement[], width: number): string {
  if (placements.length === 0) return '';
  const env = placements[0]!.environment;
  const nameWidth = Math.min(24, Math.max(...placements.map((p) => p.service.length)));
  const fold = (text: string, width: number, hanging: string): string[] => {
    const lead = /^ */.exec(text)![0];
    return wrap(text.slice(lead.length), Number.isFinite(width) ? width : undefined, lead, hanging);
  };
  const out = fold(`placement: auto — ${placements.length} service${placements.length === 1 ? '' : 's'} placed by dex in ${env}; the environment's monthly cost with each elsewhere, all else as the spec says (set placement to decide yourself)`, width, '  ');
  for (const p of placements) {
    const head = `  ${p.service.padEnd(nameWidth)} → ${p.placement}  ${p.rationale[0] ?? ''}`;
    out.push(...fold(head, width, ' '.repeat(nameWidth + 10)));
    out.push(...fold(`${' '.repeat(nameWidth + 5)}${p.alternatives.map(placementAlternativeText).join('; ')}`, width, ' '.repeat(nameWidth + 5)));
  }
  return `${out.join('\n')}\n`;
}

export function renderPlacementsMarkdown(placements: readonly AutoPlacement[], cell: (text: string) => string): string {
  if (placements.length === 0) return '';
  const env = placements[0]!.environment;
  const rows = placements.map((p) => `| ${cell(p.service)} | ${p.placement} | ${cell(p.rationale.join('; '))} | ${cell(p.alternatives.map(placementAlternativeText).join('; '))} |`);
  return `\n#### placement: auto in ${cell(env)}\n\n| service | placed on | why | the environment's monthly cost with it elsewhere (vs. this plan) |\n|---|---|---|---|\n${rows.join('\n')}\n`;
}

export function placementsToJson(placements: readonly AutoPlacement[]): unknown[] {
  return placements.map((p) => ({
    environment: p.environment,
    service: p.service,
    placement: p.placement,
    rationale: p.rationale,
    alternatives: p.alternatives.map((a) => ({ placement: a.placement, ...(a.totals ? { totals: a.totals, delta: a.delta } : { unavailable: a.unavailable }) })),
  }));
}
