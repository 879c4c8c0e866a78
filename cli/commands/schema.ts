// `dex schema`: prints schema.json, for editors and other tools.
import { EXIT, type CliIO } from '../io.js';
import { packagePath } from '../adapters/assets.js';
import { readText } from '../adapters/files.js';

export async function runSchema(io: CliIO): Promise<number> {
  io.stdout.write(await readText(packagePath('schema.json')));
  return EXIT.ok;
}
