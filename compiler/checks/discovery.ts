// Service-to-service addresses: the variables a caller gets for what it `uses` must not hide
// (or be hidden by) another variable, renames must name something with an address, and a
// `servicePort` must mean something to each caller.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { ADDRESS_PARTS, addressEnvNames, addressedUses, envPrefix } from '../model/addresses.js';
import type { SemanticRule } from './index.js';

const isDataStore = (spec: NormalizedSpec, name: string): boolean => Object.hasOwn(spec.databases, name) || Object.hasOwn(spec.caches, name);

export const discoveryRule: SemanticRule = {
  id: 'discovery',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      if (s.servicePort !== undefined && s.port === undefined) {
        findings.push({ code: 'DEX378', message: `${s.name} has a servicePort (${s.servicePort}) but no port for it to lead to`, path: ['services', s.name, 'servicePort'], hint: 'give the port the container listens on (port:), or remove servicePort' });
      }
      findings.push(...collisions(spec, s), ...renamesWithoutAddress(spec, s));
    }
    findings.push(...unreachedServicePorts(spec));
    return findings;
  },
};

/** Where each used name sits in `uses` (the first time), for locating findings. */
const useIndex = (s: NormalizedService, used: string): number => s.uses.indexOf(used);

function collisions(spec: NormalizedSpec, s: NormalizedService): Finding[] {
  const findings: Finding[] = [];
  const taken = new Map<string, string>();
  for (const k of Object.keys(s.env)) taken.set(k, `a variable of its env`);
  for (const k of s.secrets) taken.set(k, `a secret`);
  for (const r of s.secretRefs ?? []) if (!taken.has(r.env)) taken.set(r.env, `the variable of secret ${r.secret}`);
  if (s.port !== undefined && !taken.has('PORT')) taken.set('PORT', 'the PORT dex sets to its port');
  // The databases and caches it uses give variables under their own prefix (services/ecs.ts).
  const storePrefixes = [...new Set(s.uses)]
    .filter((u) => isDataStore(spec, u))
    .map((u) => ({ prefix: envPrefix(u), what: `${Object.hasOwn(spec.databases, u) ? 'database' : 'cache'} ${u}` }));
  // dex's own names claim first, so a clash with a name the spec chose is reported where it was chosen.
  const parts = addressedUses(spec, s).flatMap((callee) => ADDRESS_PARTS.map((part) => ({ callee, part, renamed: s.usesEnv?.[callee.name]?.[part] !== undefined })));
  for (const { callee, part, renamed } of [...parts.filter((p) => !p.renamed), ...parts.filter((p) => p.renamed)]) {
    const name = addressEnvNames(s, callee.name)[part];
    if (name === undefined) continue;
    const store = storePrefixes.find((x) => name.startsWith(`${x.prefix}_`));
    const other = taken.get(name) ?? (store ? `in the ${store.what}'s connection variables (${store.prefix}_*)` : undefined);
    const i = useIndex(s, callee.name);
    if (other !== undefined) {
      findings.push({
        code: 'DEX376',
        message: `${s.name}: the ${part} of ${callee.name} goes in ${name}, which is already ${other}; one would hide the other`,
        path: renamed ? ['services', s.name, 'uses', i, 'env', part] : ['services', s.name, 'uses', i],
        hint: `name the ${part} variable yourself: uses: [{ service: ${callee.name}, env: { ${part}: ANOTHER_NAME } }], or rename the other one`,
      });
    } else taken.set(name, `the ${part} of ${callee.name}`);
  }
  return findings;
}

function renamesWithoutAddress(spec: NormalizedSpec, s: NormalizedService): Finding[] {
  const findings: Finding[] = [];
  for (const used of Object.keys(s.usesEnv ?? {}).sort()) {
    const i = useIndex(s, used);
    const callee = Object.hasOwn(spec.services, used) ? spec.services[used] : undefined;
    const why = isDataStore(spec, used)
      ? `${used} is a ${Object.hasOwn(spec.databases, used) ? 'database' : 'cache'}, whose connection variables dex names itself`
      : callee === undefined
        ? undefined // DEX305 reports the unknown name
        : callee.name === s.name
          ? undefined // DEX306: a service using itself
          : callee.port === undefined
            ? `${used} has no port, so there is no address to give`
            : undefined;
    if (why === undefined) continue;
    findings.push({ code: 'DEX377', message: `${s.name} names address variables for ${used}, but ${why}`, path: ['services', s.name, 'uses', i, 'env'], hint: `write it as the plain name: uses: [${used}]` });
  }
  return findings;
}

/** An ECS service reached over Cloud Map DNS answers on its container port: no proxy maps servicePort there. */
function unreachedServicePorts(spec: NormalizedSpec): Finding[] {
  const findings: Finding[] = [];
  for (const callee of Object.values(spec.services)) {
    if (callee.placement !== 'ecs' || callee.servicePort === undefined || callee.port === undefined || callee.servicePort === callee.port) continue;
    const callers = Object.values(spec.services)
      .filter((c) => c.placement !== 'ecs' && addressedUses(spec, c).some((x) => x.name === callee.name))
      .map((c) => `${c.name} (${c.placement})`)
      .sort();
    if (callers.length === 0) continue;
    findings.push({
      code: 'DEX379',
      message: `${callee.name}'s servicePort ${callee.servicePort} applies to its callers on ECS (Service Connect); ${callers.join(', ')} reach it through Cloud Map on its port ${callee.port}, and their address variables say so`,
      path: ['services', callee.name, 'servicePort'],
      hint: `nothing to do if they read the address variables; to give every caller port ${callee.servicePort}, let the container listen on it (port: ${callee.servicePort})`,
    });
  }
  return findings;
}
