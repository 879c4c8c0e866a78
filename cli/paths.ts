// Where the package's own files are, from source (vitest) and from dist/ alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schema.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('dex: cannot find its package root (schema.json)');
    dir = up;
  }
  cached = dir;
  return dir;
}
