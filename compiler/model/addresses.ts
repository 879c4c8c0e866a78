// The address variables a caller gets for each service it `uses`: which names, and what each
// holds once the host and port are known. The host and port depend on where caller and callee
// run (services/discovery.ts decides them); the names depend only on the spec, so the checks
// (collisions, DEX376) and every platform's environment agree on them.
import type { NormalizedService, NormalizedSpec, UseEnvNames } from '../../spec/model.js';

export type AddressPart = 'url' | 'host' | 'port' | 'address';
export const ADDRESS_PARTS: readonly AddressPart[] = ['url', 'host', 'port', 'address'];

/** A used name as an environment prefix: upper case, every run of other characters one `_`. */
export const envPrefix = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/** The port callers use: `servicePort`, else the container's. */
export const callPort = (s: NormalizedService): number | undefined => s.servicePort ?? s.port;

/** Whether a callee speaks gRPC (its health check is gRPC, as the ECS port mapping's app protocol says). */
export const speaksGrpc = (s: NormalizedService): boolean => s.health.check === 'grpc';

/** The services `s` calls that have an address (a port), in name order: each gives address variables. */
export function addressedUses(spec: NormalizedSpec, s: NormalizedService): NormalizedService[] {
  const out: NormalizedService[] = [];
  for (const used of [...new Set(s.uses)].sort()) {
    // A name that is also a database or cache means the data store (as everywhere else).
    if (Object.hasOwn(spec.databases, used) || Object.hasOwn(spec.caches, used) || !Object.hasOwn(spec.services, used)) continue;
    const callee = spec.services[used]!;
    if (callee.name === s.name || callee.port === undefined) continue;
    out.push(callee);
  }
  return out;
}

/**
 * The variable name of each address part of one use: the spec's renames, else
 * `<NAME>_URL`/`_HOST`/`_PORT`; `address` (host:port) only when the spec names it.
 */
export function addressEnvNames(caller: NormalizedService, used: string): Partial<Record<AddressPart, string>> {
  const renamed: UseEnvNames = caller.usesEnv?.[used] ?? {};
  const prefix = envPrefix(used);
  return {
    url: renamed.url ?? `${prefix}_URL`,
    host: renamed.host ?? `${prefix}_HOST`,
    port: renamed.port ?? `${prefix}_PORT`,
    ...(renamed.address !== undefined ? { address: renamed.address } : {}),
  };
}

/** What each part holds for a callee reached at host:port. gRPC targets use gRPC's `dns:///` name syntax. */
export function addressValues(callee: NormalizedService, host: string, port: number): Record<AddressPart, string> {
  const hostPort = `${host}:${port}`;
  return { url: speaksGrpc(callee) ? `dns:///${hostPort}` : `http://${hostPort}`, host, port: String(port), address: hostPort };
}
