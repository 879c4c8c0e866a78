// How the services of an ElastiCache cache sign in, by engine and version: the one place that
// knows which engines have users (role-based access control) and which have IAM authentication.
// The building blocks (services/elasticache.ts and its readers) emit from it; the semantic checks
// warn from it (compiler/checks/caches.ts).
import type { NormalizedCache } from '../../spec/model.js';

/**
 * - `iam` (Redis OSS ≥ 7, Valkey ≥ 7.2): a user per service with IAM authentication.
 * - `password` (Redis OSS 6.x: users, no IAM authentication): a user per service with a password of its own.
 * - `token` (Redis OSS < 6: no users at all): one AUTH token shared by the services.
 */
export type CacheSignIn = 'iam' | 'password' | 'token';

const versionOf = (cache: Pick<NormalizedCache, 'version'>): [number, number] => {
  const [major = 0, minor = 0] = cache.version.split('.').map(Number);
  return [major, minor];
};

/** Whether the cache's engine version has IAM authentication (ElastiCache: Redis OSS 7.0+, Valkey 7.2+). */
export function cacheIamAuth(cache: Pick<NormalizedCache, 'engine' | 'version'>): boolean {
  const [major, minor] = versionOf(cache);
  return cache.engine === 'redis' ? major >= 7 : major > 7 || (major === 7 && minor >= 2);
}

export function cacheSignIn(cache: Pick<NormalizedCache, 'engine' | 'version'>): CacheSignIn {
  if (cacheIamAuth(cache)) return 'iam';
  // ElastiCache's role-based access control (users and user groups) starts at Redis OSS 6.0.
  return cache.engine === 'redis' && versionOf(cache)[0] >= 6 ? 'password' : 'token';
}
