// Packages loaded only when a command reaches them (the AWS SDK clients, child_process, os),
// so that start-up never pays for them. Synchronous require, not import(): the CLI runs as one
// compiled script with a code cache (bin/dex.js), where a dynamic import() has no module loader.
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

export function loadPackage<T>(name: string): T {
  return requireHere(name) as T;
}

/** Handed in by bin/dex.js to the bundle (see importPackage); absent under vitest and tsx. */
declare const __dexImport: ((specifier: string) => Promise<unknown>) | undefined;

/**
 * import() of a package that ships ES modules only (@octokit/rest), which require() cannot load
 * before Node 20.19. In the bundle import() is bin/dex.js's: a compiled script has none, and a vm
 * importModuleDynamically callback does not survive the code cache. Elsewhere, this module's own.
 */
export function importPackage<T>(name: string): Promise<T> {
  return (typeof __dexImport === 'function' ? __dexImport(name) : import(name)) as Promise<T>;
}
