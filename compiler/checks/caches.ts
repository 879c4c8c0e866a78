// Cache sign-in: a Redis OSS cache older than 6.0 has no users, so its services share one AUTH
// token that nobody rotates — the one credential per cache every other engine version avoids
// (docs/secrets.md "Caches: one user per service").
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { cacheSignIn } from '../model/cache-auth.js';
import type { SemanticRule } from './index.js';

export const cacheSignInRule: SemanticRule = {
  id: 'cache-sign-in',
  check(spec: NormalizedSpec): Finding[] {
    return Object.values(spec.caches)
      .filter((c) => cacheSignIn(c) === 'token')
      .map((c) => ({
        code: 'DEX370',
        message: `cache ${c.name} runs Redis OSS ${c.version}, which has no users: every service that uses it shares one AUTH token, and dex does not rotate it`,
        path: ['caches', c.name, 'version'],
        hint: 'set version to "6.2" (a password user per service) or "7.1" (an IAM user per service, no password)',
      }));
  },
};
