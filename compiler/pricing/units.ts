// Units: a meter's quantity and a Price List price must be in the same dimension before they are
// multiplied. AWS writes units its own way ('Hrs', 'GB-Mo', 'LCU-Hrs', 'Requests'); dex meters
// write 'hours', 'GB-month', 'requests', '1M requests'. Both are reduced to a dimension and a
// scale (how many base units one unit is); anything not understood is refused, never guessed.

export type UnitDimension = 'hours' | 'GB-month' | 'GB' | 'events' | 'minutes' | 'month';

export interface UnitInfo {
  readonly dimension: UnitDimension;
  /** Base units per one of this unit: '1M requests' → 1,000,000. */
  readonly scale: number;
}

const COUNT_MONTH_NOUNS = new Set([
  'keys', 'key', 'secrets', 'secret', 'alarms', 'alarm', 'metrics', 'metric', 'dashboards', 'dashboard',
  'webacl', 'acl', 'rule', 'rules', 'pipelines', 'pipeline', 'hostedzone', 'zones', 'zone', 'count', 'month',
]);

/** Parses a unit; undefined when not understood. */
export function parseUnit(raw: string): UnitInfo | undefined {
  let text = raw.trim();
  let scale = 1;
  const scaled = /^(1M|1K|10K|100K|10,000|100,000|1,000,000|1000000|100000|10000|1000)\s+(.+)$/i.exec(text);
  if (scaled) {
    const factor = scaled[1]!.toUpperCase().replace(/,/g, '');
    scale = factor === '1M' ? 1_000_000 : factor === '1K' ? 1_000 : factor === '10K' ? 10_000 : factor === '100K' ? 100_000 : Number(factor);
    text = scaled[2]!;
  }
  const t = text.toLowerCase();
  if (/^(hrs?|hours?|h)$/.test(t) || /-(hrs?|hours?)$/.test(t)) return { dimension: 'hours', scale };
  if (/^gi?b-?(mo|month|months)$/.test(t)) return { dimension: 'GB-month', scale };
  if (/^gi?b$/.test(t)) return { dimension: 'GB', scale };
  if (/^(api )?(requests?|calls?|traces?|events?|notifications?)$/.test(t)) return { dimension: 'events', scale };
  if (/^(minutes?|mins?|build-minutes?)$/.test(t)) return { dimension: 'minutes', scale };
  if (COUNT_MONTH_NOUNS.has(t) || /^[a-z]+-(mo|month)$/.test(t)) return { dimension: 'month', scale };
  return undefined;
}
