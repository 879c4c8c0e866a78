// The dex command line. Commands are loaded only when run, so `dex --help` stays fast.
import { dirname } from 'node:path';
import { Argument, Command, CommanderError, Option } from 'commander';
import { colorEnabled, EXIT, type CliIO } from './io.js';
import { cliProblem, renderDiagnostics } from './render.js';
import { findSpecFile, SPEC_FILE_NAME } from './adapters/workspace.js';

const FORMAT = ['text', 'json', 'github'] as const;
const SPEC_ARGUMENT = 'the spec (default: ./dex.yaml, else the nearest in a parent folder up to the repository root)';

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('dex')
    .description('Compile and plan AWS deployments of microservice systems from one dex.yaml.')
    // The version line reads the schema and the price snapshot: only `--version` pays for that.
    .option('-V, --version', 'print the versions of dex, its schema, its price snapshot and plan.json')
    .exitOverride()
    // Commander's own error line is replaced by a DEX900 diagnostic below (one renderer for all problems).
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined });
  program.addHelpText(
    'after',
    '\nExit codes: 0 success, 1 invalid spec or failed check, 2 usage error.\nDocs: README.md and docs/ in the dex package.',
  );

  program
    .command('validate')
    .description('Check dex.yaml against the schema and its meaning (references, CIDRs, ports, bounds, secrets).')
    .argument('[file]', SPEC_ARGUMENT)
    .option('-e, --env <name>', 'check one environment (default: the base spec and every environment)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMAT).default('text'))
    .option('-v, --verbose', 'also show informational findings, such as placement decisions', false)
    .addHelpText('after', '\nExamples:\n  dex validate\n  dex validate examples/minimal/dex.yaml --env production\n  dex validate --format github   # annotations in a GitHub Actions job')
    .action(async (file: string | undefined, opts: { env?: string; format: (typeof FORMAT)[number]; verbose: boolean }) => {
      const found = specFile(file, io);
      if (typeof found === 'number') return void (exitCode = found);
      const { runValidate } = await import('./commands/validate.js');
      exitCode = await runValidate({ file: found, environment: opts.env, format: opts.format, verbose: opts.verbose }, io);
    });

  program
    .command('emit')
    .description('Write CloudFormation templates and plan.json for each environment (atomically; nothing is written for an invalid spec).')
    .argument('[file]', SPEC_ARGUMENT)
    .option('-e, --env <name>', 'emit one environment (default: every environment)')
    .option('-o, --out <dir>', 'output directory (default: out/ next to the spec)')
    .option('-q, --quiet', 'print nothing on success: no summary, no next steps (problems still go to stderr)', false)
    .addHelpText('after', '\nExamples:\n  dex emit\n  dex emit examples/dex-mobile-v6/dex.yaml --env production --out build/\n  dex emit --quiet   # in a script or CI job')
    .action(async (file: string | undefined, opts: { env?: string; out?: string; quiet: boolean }) => {
      const found = specFile(file, io);
      if (typeof found === 'number') return void (exitCode = found);
      const { runEmit } = await import('./commands/emit.js');
      exitCode = await runEmit({ file: found, environment: opts.env, out: opts.out, quiet: opts.quiet }, io);
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
    .command('plan')
    .description('Price what dex emit would create, per environment, at AWS list prices: every line with its arithmetic, min–max from the scaling bounds, unpriced items with reasons.')
    .argument('[file]', SPEC_ARGUMENT)
    .option('-e, --env <name>', 'price one environment (default: every environment)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown', 'github-comment'] as const).default('text'))
    .addOption(new Option('--pricing <source>', 'where prices come from: the committed snapshot, or the AWS Price List API (needs credentials; falls back to the snapshot)').choices(['snapshot', 'live'] as const).default('snapshot'))
    .option('--allow-over-budget', 'exit 0 even when an environment can cost more than its budget', false)
    .option('--against <baseline>', 'diff against: last (out/<env>/plan.json, the default when it exists), git:<ref> (the spec at a git ref), or stack (the deployed CloudFormation stacks)')
    .option('--detailed-exitcode', 'exit 0 for no changes, 2 for changes, 1 for errors', false)
    .option('--fail-on <gates>', 'exit 1 when the diff has any of: replace, security (any severity), security:high (or :medium, :low — that severity or above), data-loss (comma-separated)')
    .option('--region <region>', 'region of the deployed stacks for --against stack (default: the spec\'s)')
    .option('--profile <profile>', 'AWS profile for --against stack (default: the SDK\'s credential chain)')
    .option('-o, --out <dir>', 'where dex emit wrote its output, for --against last (default: out/ next to the spec)')
    .option('--commitment <kind>', 'also show what a ri-1y or ri-3y (1- or 3-year No Upfront) reservation of the always-on part (the scaling minimum) would cost and save')
    .option('--by <view>', 'also show each service\'s monthly cost: --by service (its own resources, the data stores only it uses, its share of shared infrastructure)')
    .option('--wide', 'text: every column on one line, whatever the terminal\'s width (default: fit the terminal, or COLUMNS, or 100 columns when not a terminal)', false)
    .addHelpText('after', '\nExamples:\n  dex plan --env production\n  dex plan --env production --commitment ri-1y\n  dex plan --env production --by service\n  dex plan --against git:main --format markdown --fail-on data-loss,security:high\n  dex plan --against stack --env production --detailed-exitcode\n  dex plan --format markdown > plan.md   # the whole plan in Markdown (a job summary)\n  dex plan --against git:origin/main --format github-comment > comment.md   # one pull-request comment, under GitHub\'s size limit\n  dex plan --format json --pricing live\n\nLive prices are cached in $DEX_CACHE_DIR/pricing (default ~/.cache/dex/pricing) for 7 days.\nDEX_PRICING_SNAPSHOT=file plans with another snapshot (e.g. one written by dex pricing refresh --output).')
    .action(async (file: string | undefined, opts: { env?: string; format: 'text' | 'json' | 'markdown' | 'github-comment'; wide: boolean; pricing: 'snapshot' | 'live'; allowOverBudget: boolean; against?: string; detailedExitcode: boolean; failOn?: string; region?: string; profile?: string; out?: string; commitment?: string; by?: string }) => {
      const found = specFile(file, io, opts.detailedExitcode ? EXIT.failed : EXIT.usage);
      if (typeof found === 'number') return void (exitCode = found);
      const { runPlan } = await import('./commands/plan.js');
      exitCode = await runPlan(
        {
          file: found,
          environment: opts.env,
          format: opts.format,
          pricing: opts.pricing,
          allowOverBudget: opts.allowOverBudget,
          detailedExitcode: opts.detailedExitcode,
          ...(opts.against !== undefined ? { against: opts.against } : {}),
          ...(opts.failOn !== undefined ? { failOn: opts.failOn.split(',').map((g) => g.trim()).filter(Boolean) } : {}),
          ...(opts.region !== undefined ? { region: opts.region } : {}),
          ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
          ...(opts.out !== undefined ? { out: opts.out } : {}),
          ...(opts.commitment !== undefined ? { commitment: opts.commitment } : {}),
          ...(opts.by !== undefined ? { by: opts.by } : {}),
          ...(opts.wide ? { wide: true } : {}),
        },
        io,
      );
    });

  program
    .command('pricing')
    .description('Manage the price snapshot dex plans with offline.')
    .command('refresh')
    .description('Rewrite the price snapshot from the live AWS Price List API (needs credentials with pricing:GetProducts).')
    .option('-r, --region <region...>', 'regions to price (default: the regions the snapshot covers; the others are kept as they are)')
    .option('--snapshot <file>', 'snapshot to refresh (default: the one dex ships)')
    .option('-o, --output <file>', 'where to write (default: price-snapshot-<date>.json in the current directory)')
    .option('--in-place', 'write over the snapshot itself', false)
    .option('--spec <file>', 'also ask for every product this spec\'s meters need (default: dex.yaml here, when there is one)')
    .option('--max-time <seconds>', 'give up asking after this long; what was not re-read keeps its old price, marked stale (default: 600)')
    .addHelpText('after', '\nExit code 1 when a product could not be re-read (its old price is kept, marked stale).\nExamples:\n  dex pricing refresh --region ap-south-1 us-east-1\n  dex pricing refresh --spec dex.yaml --output prices.json && DEX_PRICING_SNAPSHOT=prices.json dex plan')
    .action(async (opts: { region?: string[]; snapshot?: string; output?: string; inPlace: boolean; spec?: string; maxTime?: string }) => {
      const { runPricingRefresh } = await import('./commands/pricing.js');
      exitCode = await runPricingRefresh(
        { regions: opts.region, snapshot: opts.snapshot, output: opts.output, inPlace: opts.inPlace, spec: opts.spec, ...(opts.maxTime !== undefined ? { maxTimeSeconds: Number(opts.maxTime) } : {}) },
        io,
      );
    });

  const compliance = program
    .command('compliance')
    .description('Compliance evidence: the controls of the regimes listed under compliance, checked against the spec and the resources dex emits.');
  compliance
    .command('report')
    .description('Write the evidence report: per environment and regime, each control, pass/fail, and the emitted resources and properties behind it.')
    .argument('[file]', SPEC_ARGUMENT)
    .option('-e, --env <name>', 'report on one environment (default: every environment)')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['markdown', 'json'] as const).default('markdown'))
    .option('-o, --out <file>', 'write the report to this file instead of standard output')
    .addHelpText('after', '\nExit code 1 when a control fails (an error finding).\nExamples:\n  dex compliance report\n  dex compliance report examples/dex-mobile-v6/dex.yaml --env production --out compliance.md\n  dex compliance report --format json')
    .action(async (file: string | undefined, opts: { env?: string; format: 'markdown' | 'json'; out?: string }) => {
      const found = specFile(file, io);
      if (typeof found === 'number') return void (exitCode = found);
      const { runComplianceReport } = await import('./commands/compliance.js');
      exitCode = await runComplianceReport({ file: found, environment: opts.env, format: opts.format, out: opts.out }, io, `dex ${await version()}`);
    });

  const secrets = program
    .command('secrets')
    .description('The Secrets Manager secrets each environment creates: list them (and whether they have a value), set a placeholder\'s value.');
  secrets
    .command('list')
    .description('List every secret an environment creates, who reads it, who sets its value and (unless --offline) whether it has one in AWS.')
    .argument('[file]', SPEC_ARGUMENT)
    .option('-e, --env <name>', 'one environment (default: every environment)')
    .option('--offline', 'list from the spec alone, without asking AWS', false)
    .option('--check', 'exit 1 when a placeholder secret has no value (for scripts and CI)', false)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json'] as const).default('text'))
    .option('--region <region>', "region of the secrets (default: the environment's)")
    .option('--profile <profile>', "AWS profile (default: the SDK's credential chain)")
    .addHelpText('after', '\nExamples:\n  dex secrets list dex.yaml --env production\n  dex secrets list --offline\n  dex secrets list dex.yaml --env staging --check   # exit 1 when one has no value')
    .action(async (file: string | undefined, opts: { env?: string; offline: boolean; check: boolean; format: 'text' | 'json'; region?: string; profile?: string }) => {
      const found = specFile(file, io);
      if (typeof found === 'number') return void (exitCode = found);
      const { runSecretsList } = await import('./commands/secrets.js');
      exitCode = await runSecretsList({ file: found, environment: opts.env, offline: opts.offline, check: opts.check, format: opts.format, ...(opts.region ? { region: opts.region } : {}), ...(opts.profile ? { profile: opts.profile } : {}) }, io);
    });
  secrets
    .command('set')
    .description('Set the value of a placeholder secret from standard input or --from-file (never from the command line, which ps and the shell history show).')
    .argument('<file>', 'the spec')
    .argument('<name>', 'the secret: its name under services.<service>.secrets, <service>/<NAME> when several services declare it, or its name under the top-level secrets')
    .option('-e, --env <name>', 'the environment (required when the spec has environments)')
    .option('--from-file <path>', 'read the value from this file instead of standard input')
    .option('--key <key>', 'set one JSON key of a top-level secret with keys (the others are kept)')
    .option('--region <region>', "region of the secret (default: the environment's)")
    .option('--profile <profile>', "AWS profile (default: the SDK's credential chain)")
    .addHelpText('after', '\nOne trailing line break is removed; an empty value is refused.\nExamples:\n  dex secrets set dex.yaml --env production KYC_PROVIDER_API_KEY < kyc-key.txt\n  pass show shop/kyc | dex secrets set dex.yaml --env staging KYC_PROVIDER_API_KEY\n  dex secrets set dex.yaml --env staging KYC_PROVIDER_API_KEY --from-file kyc-key.txt\n  dex secrets set dex.yaml --env staging payments-api --key API_KEY < api-key.txt\n  dex secrets set dex.yaml --env staging payments-api < payments.json   # the whole JSON object')
    .action(async (file: string, name: string, opts: { env?: string; fromFile?: string; key?: string; region?: string; profile?: string }) => {
      const { runSecretsSet } = await import('./commands/secrets.js');
      exitCode = await runSecretsSet({ file, name, environment: opts.env, ...(opts.fromFile !== undefined ? { fromFile: opts.fromFile } : {}), ...(opts.key !== undefined ? { key: opts.key } : {}), ...(opts.region ? { region: opts.region } : {}), ...(opts.profile ? { profile: opts.profile } : {}) }, io);
    });

  program
    .command('show')
    .description('Print the spec one environment deploys: its overlay merged into the base, each overlaid value marked.')
    .argument('[file]', SPEC_ARGUMENT)
    .option('-e, --env <name>', 'the environment (default: the base spec)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['yaml', 'json'] as const).default('yaml'))
    .addHelpText('after', '\nExamples:\n  dex show --env production\n  dex show examples/large/dex.yaml --env staging --format json | jq .services')
    .action(async (file: string | undefined, opts: { env?: string; format: 'yaml' | 'json' }) => {
      const found = specFile(file, io);
      if (typeof found === 'number') return void (exitCode = found);
      const { runShow } = await import('./commands/show.js');
      exitCode = await runShow({ file: found, environment: opts.env, format: opts.format }, io);
    });

  program
    .command('graph')
    .description('Draw one environment: VPC tiers, load balancer, services by platform, data stores and their `uses` arrows, each box with its monthly cost from the plan.')
    .argument('[file]', SPEC_ARGUMENT)
    .option('-e, --env <name>', 'the environment (required when the spec has several)')
    .addOption(new Option('-f, --format <format>', 'mermaid (for Markdown) or svg (a standalone picture)').choices(['mermaid', 'svg'] as const).default('mermaid'))
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .addHelpText('after', '\nExamples:\n  dex graph --env production\n  dex graph examples/dex-mobile-v6/dex.yaml --env production --out system.mmd\n  dex graph --env production --format svg --out system.svg')
    .action(async (file: string | undefined, opts: { env?: string; format: 'mermaid' | 'svg'; out?: string }) => {
      const found = specFile(file, io);
      if (typeof found === 'number') return void (exitCode = found);
      const { runGraph } = await import('./commands/graph.js');
      exitCode = await runGraph({ file: found, format: opts.format, ...(opts.env !== undefined ? { environment: opts.env } : {}), ...(opts.out !== undefined ? { out: opts.out } : {}) }, io);
    });

  program
    .command('report')
    .description('Write one environment as a self-contained HTML page: the system graph, cost by layer and by service, the plan\'s lines, the changes against --against, the findings.')
    .argument('[file]', SPEC_ARGUMENT)
    .option('--html', 'an HTML page with inline CSS and SVG, no script, nothing fetched (the only format)', true)
    .option('-e, --env <name>', 'the environment (required when the spec has several)')
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .option('--against <baseline>', 'also show the changes against: last (out/<env>/plan.json), git:<ref> or stack (the deployed stacks), as dex plan does')
    .option('--region <region>', 'region of the deployed stacks for --against stack (default: the spec\'s)')
    .option('--profile <profile>', 'AWS profile for --against stack (default: the SDK\'s credential chain)')
    .option('--out-dir <dir>', 'where dex emit wrote its output, for --against last (default: out/ next to the spec)')
    .addHelpText('after', '\nExamples:\n  dex report --html --env production --out report.html\n  dex report --html examples/dex-mobile-v6/dex.yaml --env production --against git:main --out report.html')
    .action(async (file: string | undefined, opts: { env?: string; out?: string; against?: string; region?: string; profile?: string; outDir?: string }) => {
      const found = specFile(file, io);
      if (typeof found === 'number') return void (exitCode = found);
      const { runReport } = await import('./commands/report.js');
      exitCode = await runReport(
        {
          file: found,
          ...(opts.env !== undefined ? { environment: opts.env } : {}),
          ...(opts.out !== undefined ? { out: opts.out } : {}),
          ...(opts.against !== undefined ? { against: opts.against } : {}),
          ...(opts.region !== undefined ? { region: opts.region } : {}),
          ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
          ...(opts.outDir !== undefined ? { outDir: opts.outDir } : {}),
        },
        io,
        `dex ${await version()}`,
      );
    });

  program
    .command('comment')
    .description('Post on a pull request.')
    .command('github')
    .description('Post a comment (dex plan --format github-comment) on a GitHub pull request, or update dex\'s earlier one for the same spec.')
    .option('--file <path>', 'the comment (default: standard input)')
    .option('--repo <owner/name>', 'the repository (default: GITHUB_REPOSITORY)')
    .option('--pr <number>', 'the pull request (default: the one of the GitHub Actions event, GITHUB_EVENT_PATH)')
    .addHelpText(
      'after',
      '\nThe token is GITHUB_TOKEN or GH_TOKEN (never an option); the API is GITHUB_API_URL (default https://api.github.com).\nExit code 1 when GitHub refuses or cannot be reached, 2 when the token, repository, pull request or comment is missing.\nExamples:\n  dex plan --against git:origin/main --format github-comment > comment.md && dex comment github --file comment.md\n  GH_TOKEN=$(gh auth token) dex comment github --repo acme/shop --pr 42 --file comment.md',
    )
    .action(async (opts: { file?: string; repo?: string; pr?: string }) => {
      const { runCommentGithub } = await import('./commands/comment.js');
      exitCode = await runCommentGithub({ ...(opts.file !== undefined ? { file: opts.file } : {}), ...(opts.repo !== undefined ? { repo: opts.repo } : {}), ...(opts.pr !== undefined ? { pr: opts.pr } : {}) }, io);
    });

  program
    .command('schema')
    .description('Print the JSON Schema of dex.yaml (for editors and other tools).')
    .addHelpText('after', '\nExample:\n  dex schema > dex.schema.json')
    .action(async () => {
      const { runSchema } = await import('./commands/schema.js');
      exitCode = await runSchema(io);
    });

  program
    .command('completion')
    .description('Print a completion script for bash, zsh or fish (commands, options, their values and the spec\'s environments).')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish'] as const))
    .addHelpText('after', '\nExamples:\n  source <(dex completion bash)\n  dex completion zsh > "${fpath[1]}/_dex"\n  dex completion fish > ~/.config/fish/completions/dex.fish')
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { runCompletion } = await import('./commands/completion.js');
      const { schemaRegions } = await import('./adapters/assets.js');
      exitCode = runCompletion(shell, program, schemaRegions(), io);
    });

  if (argv[0] === '--version' || argv[0] === '-V') {
    const { versionLine } = await import('./commands/version.js');
    io.stdout.write(`${versionLine()}\n`);
    return EXIT.ok;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      if (err.exitCode === 0) return EXIT.ok;
      io.stderr.write(renderDiagnostics([usageProblem(err, argv)], { format: 'text', color: colorEnabled(io.stderr, io.env) }));
      // With --detailed-exitcode, 2 means "there are changes": every error must be 1 (as in Terraform).
      return argv.includes('--detailed-exitcode') ? EXIT.failed : EXIT.usage;
    }
    io.stderr.write(`dex: internal error (DEX999): ${(err as Error).stack ?? String(err)}\nPlease report this with the spec that caused it.\n`);
    return EXIT.failed;
  }
  return exitCode;
}

/**
 * The spec a command reads: the file named, else the nearest dex.yaml (cli/adapters/workspace.ts).
 * None found is a usage error (DEX940): its exit code is returned after the diagnostic is printed.
 */
function specFile(file: string | undefined, io: CliIO, usageExit: number = EXIT.usage): string | number {
  if (file !== undefined) return file;
  const search = findSpecFile(io.cwd);
  if (search.found) return search.file;
  const top = dirname(search.searched.at(-1) ?? io.cwd);
  const where = top === io.cwd ? io.cwd : `${io.cwd} nor a parent folder up to ${top}`;
  io.stderr.write(
    renderDiagnostics([cliProblem('DEX940', `no ${SPEC_FILE_NAME} in ${where}`, 'pass the spec\'s path (dex validate path/to/dex.yaml), or run `dex init` to write one here')], { format: 'text', color: colorEnabled(io.stderr, io.env) }),
  );
  return usageExit;
}

/** Commander's complaint as a DEX900 diagnostic, with where to read the usage. */
function usageProblem(err: CommanderError, argv: readonly string[]) {
  const message = err.message.replace(/^error: /, '');
  const command = ['validate', 'emit', 'init', 'plan', 'pricing', 'compliance', 'secrets', 'comment', 'show', 'graph', 'report', 'schema', 'completion'].find((c) => argv.includes(c));
  return cliProblem('DEX900', message, `run dex ${command ? `${command} ` : ''}--help for usage`);
}

async function version(): Promise<string> {
  return (await import('./adapters/assets.js')).packageVersion();
}
