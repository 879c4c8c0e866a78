// The dex command line. Commands are loaded only when run, so `dex --help` stays fast.
import { Command, CommanderError, Option } from 'commander';
import { EXIT, type CliIO } from './io.js';

const FORMAT = ['text', 'json', 'github'] as const;

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('dex')
    .description('Compile and plan AWS deployments of microservice systems from one dex.yaml.')
    .version(await version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  program.addHelpText(
    'after',
    '\nExit codes: 0 success, 1 invalid spec or failed check, 2 usage error.\nDocs: README.md and docs/ in the dex package.',
  );

  program
    .command('validate')
    .description('Check dex.yaml against the schema and its meaning (references, CIDRs, ports, bounds, secrets).')
    .argument('[file]', 'the spec', 'dex.yaml')
    .option('-e, --env <name>', 'check one environment (default: the base spec and every environment)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMAT).default('text'))
    .option('-v, --verbose', 'also show informational findings, such as placement decisions', false)
    .addHelpText('after', '\nExamples:\n  dex validate\n  dex validate examples/minimal/dex.yaml --env production\n  dex validate --format github   # annotations in a GitHub Actions job')
    .action(async (file: string, opts: { env?: string; format: (typeof FORMAT)[number]; verbose: boolean }) => {
      const { runValidate } = await import('./commands/validate.js');
      exitCode = await runValidate({ file, environment: opts.env, format: opts.format, verbose: opts.verbose }, io);
    });

  program
    .command('emit')
    .description('Write CloudFormation templates and plan.json for each environment (atomically; nothing is written for an invalid spec).')
    .argument('[file]', 'the spec', 'dex.yaml')
    .option('-e, --env <name>', 'emit one environment (default: every environment)')
    .option('-o, --out <dir>', 'output directory (default: out/ next to the spec)')
    .addHelpText('after', '\nExamples:\n  dex emit\n  dex emit examples/dex-mobile-v6/dex.yaml --env production --out build/')
    .action(async (file: string, opts: { env?: string; out?: string }) => {
      const { runEmit } = await import('./commands/emit.js');
      exitCode = await runEmit({ file, environment: opts.env, out: opts.out }, io);
    });

  program
    .command('init')
    .description('Write a starter dex.yaml with the schema modeline and a commented tour.')
    .argument('[dir]', 'directory to create it in', '.')
    .option('-n, --name <name>', 'system name (default: from the directory name)')
    .option('-r, --region <region>', 'AWS region', 'us-east-1')
    .option('--force', 'overwrite an existing dex.yaml', false)
    .addHelpText('after', '\nExample:\n  dex init services/shop --name shop --region eu-west-1')
    .action(async (dir: string, opts: { name?: string; region: string; force: boolean }) => {
      const { runInit } = await import('./commands/init.js');
      exitCode = await runInit({ dir, name: opts.name, region: opts.region, force: opts.force }, io);
    });

  program
    .command('schema')
    .description('Print the JSON Schema of dex.yaml (for editors and other tools).')
    .addHelpText('after', '\nExample:\n  dex schema > dex.schema.json')
    .action(async () => {
      const { runSchema } = await import('./commands/schema.js');
      exitCode = await runSchema(io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr.write(`dex: internal error (DEX999): ${(err as Error).stack ?? String(err)}\nPlease report this with the spec that caused it.\n`);
    return EXIT.failed;
  }
  return exitCode;
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { packageRoot } = await import('./paths.js');
  return (JSON.parse(await readFile(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
