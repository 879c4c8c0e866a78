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
