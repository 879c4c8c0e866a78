// Packages loaded only when a command reaches them (the AWS SDK clients, child_process, os),
// so that start-up never pays for them. Synchronous require, not import(): the CLI runs as one
// compiled script with a code cache (bin/dex.js), where a dynamic import() has no module loader.
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

export function loadPackage<T>(name: string): T {
  return requireHere(name) as T;
}
