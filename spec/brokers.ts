// Amazon MQ brokers (`brokers:`) and the `{ broker: NAME }` items of `uses`, normalized: the
// schema's defaults applied, the deployment defaulted from the environment (a cluster where it
// is production-like), and keys added only when the spec has brokers, so the normalized spec of
// one without them stays what it was.
import type { NormalizedBroker, NormalizedBrokerUse } from './model.js';
import { dexSchema } from './generated/validate-schema.js';
import type { Broker, BrokerUse, Service } from './generated/dex-spec.js';

type Plain = Record<string, unknown>;

function schemaDefault<T>(...path: string[]): T {
  const defs = (dexSchema as { definitions: Record<string, Plain> }).definitions;
  let node: Plain | undefined = defs.Broker;
  for (const key of path) node = (node?.properties as Record<string, Plain> | undefined)?.[key];
  if (node?.default === undefined) throw new Error(`schema.json has no default for Broker.${path.join('.')}`);
  return structuredClone(node.default) as T;
}
const or = <T>(value: T | undefined, ...path: string[]): T => (value === undefined ? schemaDefault<T>(...path) : value);

export function normalizeBroker(name: string, b: Broker, protect: boolean): NormalizedBroker {
  return {
    name,
    engine: or(b.engine, 'engine'),
    version: or(b.version, 'version'),
    instanceType: or(b.instanceType, 'instanceType'),
    deployment: b.deployment ?? (protect ? 'cluster' : 'single'),
    deploymentGiven: b.deployment !== undefined,
    console: or(b.console, 'console'),
    maintenanceWindow: {
      dayOfWeek: or(b.maintenanceWindow?.dayOfWeek, 'maintenanceWindow', 'dayOfWeek'),
      timeOfDay: or(b.maintenanceWindow?.timeOfDay, 'maintenanceWindow', 'timeOfDay'),
    },
  };
}

/** `brokers:` as a normalized-spec key, present only when the spec declares some. */
export function normalizeBrokers(merged: { brokers?: Record<string, Broker> }, protect: boolean): { brokers?: Record<string, NormalizedBroker> } {
  if (merged.brokers === undefined || Object.keys(merged.brokers).length === 0) return {};
  const brokers = Object.create(null) as Record<string, NormalizedBroker>;
  for (const [name, b] of Object.entries(merged.brokers)) brokers[name] = normalizeBroker(name, b, protect);
  return { brokers };
}

const isBrokerUse = (u: unknown): u is BrokerUse => typeof u === 'object' && u !== null && 'broker' in u;

/** A service's `brokers` key (the `{ broker }` items of its `uses`), present only when it has some. */
export function serviceBrokers(s: Service): { brokers?: readonly NormalizedBrokerUse[] } {
  const out: NormalizedBrokerUse[] = [];
  (s.uses ?? []).forEach((u, index) => {
    if (isBrokerUse(u)) out.push({ name: u.broker, index });
  });
  return out.length > 0 ? { brokers: out } : {};
}
