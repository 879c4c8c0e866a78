// The specs the whole-system tests run over: every example folder's dex.yaml, and the reference
// spec as shipped (test/fixtures/reference). One list, so a new example is covered everywhere.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const REFERENCE_SPEC = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';

/** examples/<name>/dex.yaml for every example folder, sorted. */
export const EXAMPLE_SPECS: readonly string[] = readdirSync('examples', { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join('examples', e.name, 'dex.yaml')))
  .map((e) => join('examples', e.name, 'dex.yaml'))
  .sort();

/** The reference spec first, then every example. */
export const ALL_SPECS: readonly string[] = [REFERENCE_SPEC, ...EXAMPLE_SPECS];

/**
 * The reference's text with its cache on Redis OSS 6.2 (password users, no IAM authentication)
 * and its EC2 service using the cache too, so a service on every placement reads its own password.
 * No shipped spec runs Redis OSS 6: the tests of that path (and its golden files) start from this.
 */
export function withRedis6(text: string): string {
  const versioned = text.replace('    engine: redis\n', '    engine: redis\n    version: "6.2"\n');
  const expose = '    expose: { public: false }\n';
  const at = versioned.indexOf(expose, versioned.indexOf('  monitoring-service:'));
  if (!versioned.includes('version: "6.2"') || at < 0) throw new Error('the reference changed: withRedis6 no longer finds its cache or monitoring-service');
  const end = at + expose.length;
  return `${versioned.slice(0, end)}    uses: [redis]\n${versioned.slice(end)}`;
}
