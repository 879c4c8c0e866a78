// Amazon MQ brokers (`brokers:`, the `{ broker: … }` items of `uses`): what the schema cannot say.
// A service names only brokers that exist; a single-instance broker in a production-like
// environment is one node in one zone; Amazon MQ runs mq.t3.micro as a single instance only; a
// broker nothing uses is reachable by nothing (its security group admits no one); and a broker
// sharing a name with a database, cache or service would give its users the same <NAME>_HOST.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';
import { brokerUsers } from '../model/brokers.js';
import type { SemanticRule } from './index.js';

function useFindings(spec: NormalizedSpec): Finding[] {
  const out: Finding[] = [];
  const known = Object.keys(spec.brokers ?? {}).sort();
  for (const s of Object.values(spec.services)) {
    for (const use of s.brokers ?? []) {
      if (known.includes(use.name)) continue;
      const guess = suggest(use.name, known);
      out.push({ code: 'DEX754', message: `${s.name} uses broker "${use.name}", but there is no broker of that name`, path: ['services', s.name, 'uses', use.index, 'broker'], hint: guess ? `did you mean ${guess}?` : known.length ? `declared: ${known.join(', ')}` : 'declare it under brokers:' });
    }
  }
  return out;
}

function brokerFindings(spec: NormalizedSpec): Finding[] {
  const out: Finding[] = [];
  for (const b of Object.values(spec.brokers ?? {})) {
    const at = ['brokers', b.name];
    if (b.deployment === 'single' && spec.protect) {
      out.push({
        code: 'DEX755',
        message: `broker ${b.name} is a single instance in ${spec.environment ?? 'a protected environment'} (protect): one node in one zone, down while Amazon MQ patches or replaces it`,
        path: b.deploymentGiven ? [...at, 'deployment'] : at,
        atKey: !b.deploymentGiven,
        hint: 'use deployment: cluster (three nodes across zones) here, and single only in a non-protected environment\'s overlay',
      });
    }
    if (b.deployment === 'cluster' && b.instanceType === 'mq.t3.micro') {
      out.push({ code: 'DEX756', message: `broker ${b.name}: Amazon MQ runs mq.t3.micro as a single-instance broker only, not as a cluster`, path: [...at, 'instanceType'], hint: b.deploymentGiven ? 'use mq.m7g.medium or larger for a cluster, or deployment: single' : `this environment defaults to a cluster: use mq.m7g.medium or larger, or set deployment: single` });
    }
    if (brokerUsers(spec, b.name).length === 0) {
      out.push({ code: 'DEX757', message: `broker ${b.name} is used by no service: its security group admits nothing, and it is billed every hour`, path: at, atKey: true, hint: `add { broker: ${b.name} } to the uses of the services that connect to it, or remove the broker` });
    }
    const other = spec.databases[b.name] ? 'database' : spec.caches[b.name] ? 'cache' : spec.services[b.name] ? 'service' : undefined;
    if (other !== undefined) {
      out.push({ code: 'DEX758', message: `broker ${b.name} has the name of a ${other}: a service using both would get two ${b.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_HOST variables`, path: at, atKey: true, hint: `rename the broker (e.g. ${b.name}-mq)` });
    }
  }
  return out;
}

export const brokersRule: SemanticRule = {
  id: 'brokers',
  check(spec: NormalizedSpec): Finding[] {
    return [...useFindings(spec), ...brokerFindings(spec)];
  },
};
