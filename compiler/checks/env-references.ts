// Env values that refer to what dex makes (`${databases.orders.endpoint}`, spec/references.ts):
// each must name a kind, a member and an attribute the spec has, as the whole value. Located at
// the value, with the nearest reference that exists.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { envReferences, parseEnvReference } from '../../spec/references.js';
import { suggest } from '../../spec/schema-check.js';
import type { SemanticRule } from './index.js';

export const envReferencesRule: SemanticRule = {
  id: 'env-references',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      for (const [key, value] of Object.entries(s.env)) {
        const parsed = parseEnvReference(spec, value, suggest);
        if (parsed === undefined || parsed.ok) continue;
        const offered = envReferences(spec);
        findings.push({
          code: 'DEX793',
          message: `${s.name}: env ${key} is ${value}, which dex cannot resolve: ${parsed.problem}`,
          path: ['services', s.name, 'env', key],
          hint: parsed.near
            ? `did you mean ${parsed.near}?`
            : offered.length > 0
              ? `an env value may be one of ${offered.slice(0, 6).join(', ')}${offered.length > 6 ? `, and ${offered.length - 6} more` : ''}`
              : 'this spec has no database, cache or load balancer to refer to; write the value itself',
        });
      }
    }
    return findings;
  },
};
