// Names of placeholder secrets: whatever services declare (the same NAME in several services
// included), every placeholder has one handle no other shares, `dex secrets set <handle>` finds
// exactly it, and the Secrets Manager names are distinct.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { findPlaceholder, type EnvironmentSecrets } from '../../pipeline/secrets.js';
import { secretCatalogue, secretHandle } from '../../services/secrets.js';
import type { NormalizedSpec } from '../../spec/model.js';

const services = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/), fc.uniqueArray(fc.constantFrom('API_KEY', 'TOKEN', 'KYC_PROVIDER_API_KEY', 'SIGNING_KEY', 'A'), { maxLength: 4 }), { maxKeys: 6 });

function specOf(declared: Record<string, string[]>): NormalizedSpec {
  const entries = Object.entries(declared).map(([name, secrets]) => [name, { name, secrets, uses: [] }]);
  return { name: 'shop', environment: 'staging', services: Object.fromEntries(entries), databases: {}, caches: {}, monitoring: { grafana: { enabled: false } } } as unknown as NormalizedSpec;
}

it('every placeholder has its own handle, and set finds exactly it by handle, <service>/<NAME> and full name', () => {
  fc.assert(
    fc.property(services, (declared) => {
      const catalogue = secretCatalogue(specOf(declared));
      const handles = catalogue.map((e) => secretHandle(e, catalogue));
      expect(new Set(handles).size).toBe(handles.length);
      expect(new Set(catalogue.map((e) => e.name)).size).toBe(catalogue.length);
      const env: EnvironmentSecrets = { environment: 'staging', named: true, region: 'eu-west-1', secrets: catalogue.map((e, i) => ({ ...e, handle: handles[i]!, stack: 'shop-staging-security' })) };
      for (const s of env.secrets) {
        for (const name of [s.handle, `${s.declared!.service}/${s.declared!.secret}`, s.name]) {
          const found = findPlaceholder(env, name, 'dex secrets list');
          expect(found.ok && found.secret.logicalId).toBe(s.logicalId);
        }
      }
    }),
  );
});
