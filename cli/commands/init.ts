// `dex init [DIR] [--name NAME] [--region R] [--force]`: a starter dex.yaml with the schema
// modeline and a commented tour.
import { basename, join, relative, resolve } from 'node:path';
import Handlebars from 'handlebars';
import { suggest } from '../../spec/schema-check.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { cliProblem, renderDiagnostics } from '../render.js';
import { packageRoot, schemaModelinePath } from '../adapters/assets.js';
import { exists, readText, writeText } from '../adapters/files.js';

export interface InitArgs {
  readonly dir: string;
  readonly name?: string;
  readonly region: string;
  readonly force: boolean;
}

export async function runInit(args: InitArgs, io: CliIO): Promise<number> {
  const dir = resolve(io.cwd, args.dir);
  const target = join(dir, 'dex.yaml');
  const problem = (code: 'DEX900' | 'DEX941', message: string, hint: string): number => {
    io.stderr.write(renderDiagnostics([cliProblem(code, message, hint)], { format: 'text', color: colorEnabled(io.stderr, io.env) }));
    return EXIT.usage;
  };
  if (!args.force && (await exists(target))) return problem('DEX941', `${relative(io.cwd, target) || target} already exists; dex init left it as it is`, 'pass --force to replace it, or another directory');
  const root = packageRoot();
  // Both flags land in the starter as YAML: only values the schema accepts go in.
  const schema = JSON.parse(await readText(join(root, 'schema.json'))) as { properties: { name: { pattern: string; description: string } }; definitions: { Region: { enum: string[] } } };
  const name = args.name ?? systemName(basename(dir));
  if (!new RegExp(schema.properties.name.pattern, 'u').test(name)) {
    return problem('DEX900', `${args.name === undefined ? `the folder's name gives the system name ${JSON.stringify(name)}, which` : `--name ${JSON.stringify(name)}`} is not a valid system name`, `${schema.properties.name.description.split('. ')[0]}; pass --name`);
  }
  const regions = schema.definitions.Region.enum;
  if (!regions.includes(args.region)) {
    const guess = suggest(args.region, regions);
    return problem('DEX900', `--region ${JSON.stringify(args.region)} is not an AWS region dex knows`, guess ? `did you mean ${guess}?` : `one of ${regions.join(', ')}`);
  }
  const template = Handlebars.compile(await readText(join(root, 'templates', 'dex.yaml.hbs')), { noEscape: true, strict: true });
  const schemaPath = schemaModelinePath(dir);
  await writeText(target, template({ name, region: args.region, schemaPath }));
  io.stdout.write(`wrote ${relative(io.cwd, target) || target}\nnext: dex validate ${relative(io.cwd, target) || target}\n`);
  return EXIT.ok;
}

function systemName(dirName: string): string {
  const cleaned = dirName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 32).replace(/-+$/, '');
  return cleaned.length >= 2 ? cleaned : 'my-system';
}

