// `dex schema`: prints schema.json, for editors and other tools.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, type CliIO } from '../io.js';
import { packageRoot } from '../paths.js';

export async function runSchema(io: CliIO): Promise<number> {
  io.stdout.write(await readFile(join(packageRoot(), 'schema.json'), 'utf8'));
  return EXIT.ok;
}
