// Scaling on other signals (`scaling.targetRequestsPerTarget`, `metric`, `steps`, `scheduled`),
// normalized: the schema's defaults applied, steps sorted by threshold, and the key added only
// when the spec uses one, so a spec without them normalizes as it did.
import type { NormalizedScalingSignals } from './model.js';
import { dexSchema } from './generated/validate-schema.js';
import type { Service } from './generated/dex-spec.js';

type Plain = Record<string, unknown>;

function schemaDefault<T>(...path: string[]): T {
  const defs = (dexSchema as { definitions: Record<string, Plain> }).definitions;
  let node: Plain | undefined = defs['Service'];
  for (const key of ['scaling', ...path]) node = (node?.properties as Record<string, Plain> | undefined)?.[key];
  if (node?.default === undefined) throw new Error(`schema.json has no default for Service.scaling.${path.join('.')}`);
  return structuredClone(node.default) as T;
}
const or = <T>(value: T | undefined, ...path: string[]): T => (value === undefined ? schemaDefault<T>(...path) : value);

export function scalingSignals(s: Service): { signals?: NormalizedScalingSignals } {
  const sc = s.scaling;
  if (sc === undefined || (sc.targetRequestsPerTarget === undefined && sc.metric === undefined && sc.steps === undefined && sc.scheduled === undefined)) return {};
  const m = sc.metric;
  const st = sc.steps;
  return {
    signals: {
      requestsPerTarget: sc.targetRequestsPerTarget,
      metric:
        m === undefined
          ? undefined
          : {
              namespace: m.namespace,
              name: m.name,
              dimensions: Object.entries(m.dimensions ?? {})
                .map(([name, value]) => ({ name, value }))
                .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
              statistic: or(m.statistic, 'metric', 'statistic'),
              target: m.target,
            },
      steps:
        st === undefined
          ? undefined
          : {
              on: st.on,
              out: (st.out ?? []).map((x, index) => ({ atOrAbove: x.atOrAbove, add: x.add, index })).sort((a, b) => a.atOrAbove - b.atOrAbove || a.index - b.index),
              in: (st.in ?? []).map((x, index) => ({ atOrBelow: x.atOrBelow, remove: x.remove, index })).sort((a, b) => b.atOrBelow - a.atOrBelow || a.index - b.index),
              adjustment: or(st.adjustment, 'steps', 'adjustment'),
              cooldownSeconds: or(st.cooldownSeconds, 'steps', 'cooldownSeconds'),
              periodSeconds: or(st.periodSeconds, 'steps', 'periodSeconds'),
              evaluationPeriods: or(st.evaluationPeriods, 'steps', 'evaluationPeriods'),
            },
      scheduled: (sc.scheduled ?? []).map((a) => ({ name: a.name, schedule: a.schedule, timezone: a.timezone, min: a.min, max: a.max })),
      cpuTargetDeclared: sc.targetCpuPercent !== undefined,
    },
  };
}
