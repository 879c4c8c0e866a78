// Checks of the environment overlays themselves, on the raw spec (before any overlay is merged).
import type { Finding } from '../../spec/diagnostics.js';
import type { DexSpec } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';

/** Overlays may only name services, databases and caches the base spec declares. */
export function checkOverlayNames(raw: DexSpec): Finding[] {
  const findings: Finding[] = [];
  for (const [env, overlay] of Object.entries(raw.environments ?? {})) {
    if (env === 'ci' || env === 'default' || env === 'bootstrap') {
      const what = env === 'ci' ? 'the delivery pipeline' : env === 'bootstrap' ? 'the bootstrap stacks (`<system>-bootstrap-*`)' : 'a spec without environments';
      findings.push({
        code: 'DEX402',
        message: `"${env}" cannot name an environment: dex emit writes ${what} to out/${env}/`,
        path: ['environments', env],
        atKey: true,
        hint: env === 'ci' ? 'call it e.g. integration or test' : env === 'bootstrap' ? 'call it e.g. setup or sandbox' : 'call it e.g. dev',
      });
    }
    const named = Object.entries(raw.environments ?? {}).filter(([, o]) => (o.account ?? raw.account) !== undefined);
    if (named.length > 0 && (overlay.account ?? raw.account) === undefined) {
      // The account of the credentials is only known at run time: with some environments in named
      // accounts, dex could not say whether this one shares theirs (its registry, roles, bucket).
      findings.push({
        code: 'DEX403',
        message: `environment ${env} names no account, while ${named.map(([n]) => n).join(', ')} ${named.length === 1 ? 'does' : 'do'}: dex cannot tell which account ${env} deploys to`,
        path: ['environments', env],
        atKey: true,
        hint: `add account: "<12-digit id>" to environments.${env} (or a top-level account: for every environment that names none)`,
      });
    }
    for (const section of ['services', 'databases', 'caches', 'queues', 'topics', 'secrets'] as const) {
      const known = Object.keys(raw[section] ?? {});
      for (const name of Object.keys(overlay[section] ?? {})) {
        if (known.includes(name)) continue;
        const guess = suggest(name, known);
        findings.push({
          code: 'DEX401',
          message: `environment ${env} overrides ${section}.${name}, which the base spec does not declare`,
          path: ['environments', env, section, name],
          atKey: true,
          hint: guess ? `did you mean ${guess}?` : `declare it under ${section}: first; overlays change things, they do not add them`,
        });
      }
    }
  }
  return findings;
}
