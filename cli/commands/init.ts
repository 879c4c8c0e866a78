// `dex init [DIR] [--name NAME] [--region R] [--force]`: a starter dex.yaml with the schema
// modeline and a commented tour.
import { basename, join, relative, resolve, sep } from 'node:path';
import Handlebars from 'handlebars';
import { suggest } from '../../spec/schema-check.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { cliProblem, renderDiagnostics } from '../render.js';
import { packageRoot } from '../adapters/assets.js';
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
  if (!args.force && (await exists(target))) {
    io.stderr.write(`dex init: ${relative(io.cwd, target) || target} already exists; use --force to overwrite it\n`);
    return EXIT.failed;
  }
  const name = args.name ?? systemName(basename(dir));
  if (!/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(name)) {
    io.stderr.write(`dex init: "${name}" is not a valid system name (lowercase letters, digits and hyphens, 2 to 32 characters); pass --name\n`);
    return EXIT.usage;
  }
  const root = packageRoot();
  // The region lands in the starter as YAML: only a region dex knows (the schema's list) goes in.
  const regions = (JSON.parse(await readText(join(root, 'schema.json'))) as { definitions: { Region: { enum: string[] } } }).definitions.Region.enum;
  if (!regions.includes(args.region)) {
    const guess = suggest(args.region, regions);
    io.stderr.write(renderDiagnostics([cliProblem('DEX900', `--region ${JSON.stringify(args.region)} is not an AWS region dex knows`, guess ? `did you mean ${guess}?` : `one of ${regions.join(', ')}`)], { format: 'text', color: colorEnabled(io.stderr, io.env) }));
    return EXIT.usage;
  }
  const template = Handlebars.compile(await readText(join(root, 'templates', 'dex.yaml.hbs')), { noEscape: true, strict: true });
  // A relative modeline keeps working when the project moves; editors resolve it from the file.
  const schemaPath = relative(dir, join(root, 'schema.json')).split(sep).join('/');
  await writeText(target, template({ name, region: args.region, schemaPath }));
  io.stdout.write(`wrote ${relative(io.cwd, target) || target}\nnext: dex validate ${relative(io.cwd, target) || target}\n`);
  return EXIT.ok;
}

function systemName(dirName: string): string {
  const cleaned = dirName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 32).replace(/-+$/, '');
  return cleaned.length >= 2 ? cleaned : 'my-system';
}

