// `dex secrets list [FILE] [--env E] [--offline] [--check] [--format text|json]` and
// `dex secrets set FILE NAME [--env E] [--from-file PATH]`.
//
// list: every secret each environment's model creates (placeholders a person sets, values Secrets
// Manager generates), who reads it, and (unless --offline) whether it has a value in AWS: a
// secret with no AWSCURRENT version has none. --check turns a placeholder without a value into an
// error (exit 1), for scripts. set: reads the value from standard input or --from-file (never the
// command line: `ps` and the shell history show arguments) and calls PutSecretValue.
// DEX_SECRETSMANAGER_ENDPOINT points the client elsewhere (a test server).
import { relative, resolve } from 'node:path';
import { emitTargets } from '../../pipeline/emit.js';
import { composeSecretValue, environmentSecrets, findPlaceholder, setCommands, type EnvironmentSecrets, type ListedSecret } from '../../pipeline/secrets.js';
import type { Diagnostic } from '../../spec/diagnostics.js';
import { envCredentials } from '../adapters/live-pricing.js';
import { readSecretFromFile, readSecretFromStream } from '../adapters/secret-input.js';
import { SECRETS_MANAGER_DEFAULTS, SecretsManagerError, secretsManager, type SecretState, type SecretsManagerOptions, type SecretsManagerPort } from '../adapters/secrets-manager.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { progress } from '../progress.js';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { clockFrom, existingEksClusters, isUsageProblem, readSpecFile } from '../read-spec.js';
import { cliProblem, countLabel, renderDiagnostics } from '../render.js';

export interface SecretsAwsArgs {
  readonly region?: string;
  readonly profile?: string;
}

export interface SecretsListArgs extends SecretsAwsArgs {
  readonly file: string;
  readonly environment?: string;
  readonly offline: boolean;
  readonly check: boolean;
  readonly format: 'text' | 'json';
}

export interface SecretsSetArgs extends SecretsAwsArgs {
  readonly file: string;
  readonly environment?: string;
  readonly name: string;
  readonly fromFile?: string;
  /** One JSON key of a top-level secret with keys: the value replaces that key only. */
  readonly key?: string;
}

/** Tests shorten the deadlines, or hand in their own port. */
export interface SecretsRunOptions extends Pick<SecretsManagerOptions, 'requestTimeoutMs' | 'connectionTimeoutMs' | 'maxAttempts'> {
  readonly port?: (region: string) => SecretsManagerPort;
}

type Status = { readonly state: 'set' | 'unset' | 'missing' | 'deleted'; readonly lastChanged?: Date };

const problem = (io: CliIO, diagnostics: readonly Diagnostic[]): void => io.stderr.write(renderDiagnostics(diagnostics, { format: 'text', color: colorEnabled(io.stderr, io.env) }));

function openPort(io: CliIO, args: SecretsAwsArgs, region: string, options: SecretsRunOptions): SecretsManagerPort {
  if (options.port) return options.port(region);
  // An explicit --profile wins over keys in the environment.
  const credentials = args.profile ? undefined : envCredentials(io.env);
  return secretsManager({
    region,
    ...(args.profile ? { profile: args.profile } : {}),
    ...(io.env.DEX_SECRETSMANAGER_ENDPOINT ? { endpoint: io.env.DEX_SECRETSMANAGER_ENDPOINT } : {}),
    ...(credentials ? { credentials } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.connectionTimeoutMs !== undefined ? { connectionTimeoutMs: options.connectionTimeoutMs } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
}

/** DEX505: what Secrets Manager (or the way to it) said, and what to do about it. */
function awsProblem(err: SecretsManagerError, secret: ListedSecret, region: string, options: SecretsRunOptions): Diagnostic {
  const timeoutS = (options.requestTimeoutMs ?? SECRETS_MANAGER_DEFAULTS.requestTimeoutMs) / 1000;
  const attempts = options.maxAttempts ?? SECRETS_MANAGER_DEFAULTS.maxAttempts;
  const offline = 'dex secrets list --offline lists the secrets from the spec alone';
  const needs =
    err.action === 'PutSecretValue'
      ? `secretsmanager:PutSecretValue on ${secret.name}, and kms:GenerateDataKey and kms:Decrypt on the system's KMS key`
      : err.action === 'GetSecretValue'
        ? `secretsmanager:GetSecretValue on ${secret.name} (to keep its other keys), and kms:Decrypt on the system's KMS key`
        : `secretsmanager:DescribeSecret on ${secret.name}`;
  const what: Record<SecretsManagerError['kind'], [string, string]> = {
    credentials: ['no AWS credentials', `set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or --profile, or run aws sso login; ${offline}`],
    'access-denied': ['AWS refused the request', `the caller needs ${needs} (in ${region})`],
    'not-found': [`${secret.name} does not exist in ${region}`, `deploy the security stack ${secret.stack} first: it creates the secret (or pass --region if it lives elsewhere)`],
    throttled: ['Secrets Manager throttled every attempt', 'wait a minute and run it again'],
    timeout: [`no answer from Secrets Manager in ${region} within ${timeoutS} s (${attempts} attempt${attempts === 1 ? '' : 's'})`, `check the network, a proxy or VPC endpoint, and the region (--region); ${offline}`],
    network: [`cannot reach Secrets Manager in ${region}`, `check the network, a proxy or VPC endpoint, and the region (--region); ${offline}`],
    kms: ['the system\'s KMS key refused the operation', `the caller needs kms:GenerateDataKey and kms:Decrypt on the KMS key that encrypts ${secret.name}`],
    deleted: [`${secret.name} is scheduled for deletion`, `restore it first: aws secretsmanager restore-secret --region ${region} --secret-id ${secret.name}`],
    service: ['Secrets Manager answered with a server error on every attempt', 'try again later; https://health.aws.amazon.com shows service events'],
    other: ['Secrets Manager refused the request', `check ${secret.name} in the Secrets Manager console (${region})`],
  };
  const [summary, hint] = what[err.kind];
  return cliProblem('DEX505', `${err.action} ${secret.handle} (${secret.name}): ${summary}: ${err.message}`, hint);
}

const statusOf = (s: SecretState): Status => (!s.exists ? { state: 'missing' } : s.deleted ? { state: 'deleted' } : s.hasValue ? { state: 'set', ...(s.lastChanged ? { lastChanged: s.lastChanged } : {}) } : { state: 'unset' });

/** Who reads a secret, in words: its services, or the dex component (the Grafana server) it belongs to. */
const readBy = (s: Pick<ListedSecret, 'readers' | 'kind'>): string => s.readers.join(', ') || (s.kind === 'service' || s.kind === 'shared' ? '-' : s.kind === 'monitoring' ? 'the Grafana server' : `the ${s.kind}`);

/** Who holds the value, in the list's words. */
const valueText = (s: ListedSecret): string => (s.value === 'placeholder' ? 'set by you' : s.value === 'generated' ? 'generated' : s.shared?.existing?.store === 'ssm' ? 'external (SSM)' : 'external');

function statusText(secret: ListedSecret, status: Status | undefined): string {
  if (!status) return '';
  switch (status.state) {
    case 'set':
      return secret.value === 'generated' ? 'created' : `set${status.lastChanged ? ` (${status.lastChanged.toISOString().slice(0, 10)})` : ''}`;
    case 'unset':
      return 'NOT SET';
    case 'missing':
      return `missing: deploy ${secret.stack}`;
    case 'deleted':
      return 'scheduled for deletion';
  }
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd()).join('\n');
}

/**
 * The spec, analyzed; its diagnostics are printed only when it is invalid (`dex secrets` is not a
 * validator: the spec's warnings are `dex validate`'s to show).
 */
async function analyzed(args: { readonly file: string; readonly environment?: string }, io: CliIO, outcome: string): Promise<{ ok: true; analysis: Analysis; absolute: string } | { ok: false; exitCode: number }> {
  const read = await readSpecFile(args.file, io.cwd);
  if (!read.ok) {
    problem(io, [read.diagnostic]);
    return { ok: false, exitCode: isUsageProblem([read.diagnostic]) ? EXIT.usage : EXIT.failed };
  }
  const analysis = analyzeSpec(read.bytes, args.file, { ...(args.environment !== undefined ? { environment: args.environment } : {}), existingEksClusters: existingEksClusters(read.absolute), today: clockFrom(io.env) });
  if (analysis.ok) return { ok: true, analysis, absolute: read.absolute };
  io.stderr.write(renderDiagnostics(analysis.diagnostics.filter((d) => d.severity === 'error'), { format: 'text', color: colorEnabled(io.stderr, io.env), sourceText: (f) => (f === args.file ? analysis.source.text : undefined) }));
  io.stderr.write(`${args.file}: invalid — ${countLabel(analysis.diagnostics)}; ${outcome}\n`);
  return { ok: false, exitCode: isUsageProblem(analysis.diagnostics) ? EXIT.usage : EXIT.failed };
}

/** The environments a command acts on, or the usage problem of a missing --env. */
function targetsOf(analysis: Parameters<typeof emitTargets>[0], environment: string | undefined, required: boolean): EnvironmentSecrets[] | Diagnostic {
  const targets = emitTargets(analysis, environment);
  const named = targets.filter((t) => t.environment !== undefined);
  if (required && environment === undefined && named.length > 0) {
    return cliProblem('DEX900', `name the environment whose secret to set: --env ${named.map((t) => t.environment).join(' | ')}`, 'each environment has its own secrets (their names start with <system>-<environment>/)');
  }
  return targets.map(environmentSecrets);
}

export async function runSecretsList(args: SecretsListArgs, io: CliIO, options: SecretsRunOptions = {}): Promise<number> {
  if (args.offline && args.check) {
    problem(io, [cliProblem('DEX900', '--check asks AWS whether each secret has a value; --offline does not ask AWS', 'drop one of them')]);
    return EXIT.usage;
  }
  const spec = await analyzed(args, io, 'nothing listed');
  if (!spec.ok) return spec.exitCode;
  const envs = targetsOf(spec.analysis, args.environment, false);
  if (!Array.isArray(envs)) throw new Error('unreachable: --env is optional for list');
  const specFile = relative(io.cwd, spec.absolute) || args.file;

  const statuses = new Map<ListedSecret, Status>();
  if (!args.offline) {
    const bar = progress(io, 'asking Secrets Manager');
    // Existing secrets are not dex's: nothing to ask about them (the caller may not even see them).
    const asked = (env: EnvironmentSecrets) => env.secrets.filter((s) => s.value !== 'external');
    const total = envs.reduce((n, e) => n + asked(e).length, 0);
    let done = 0;
    for (const env of envs) {
      if (asked(env).length === 0) continue;
      const region = args.region ?? env.region;
      const port = openPort(io, args, region, options);
      try {
        for (const secret of asked(env)) {
          try {
            bar.update(done++, total, secret.name);
            statuses.set(secret, statusOf(await port.describe(secret.name)));
          } catch (err) {
            if (!(err instanceof SecretsManagerError)) throw err;
            bar.done();
            problem(io, [awsProblem(err, secret, region, options)]);
            return EXIT.failed;
          }
        }
      } finally {
        port.close();
      }
    }
    bar.done();
  }

  const unset = envs.flatMap((env) => env.secrets.filter((s) => s.value === 'placeholder' && statuses.get(s) && statuses.get(s)!.state !== 'set').map((s) => ({ env, secret: s })));
  if (args.format === 'json') {
    const json = {
      file: args.file,
      checked: !args.offline,
      environments: envs.map((env) => ({
        environment: env.environment,
        region: args.region ?? env.region,
        secrets: env.secrets.map((s) => {
          const status = statuses.get(s);
          return {
            name: s.handle,
            secretId: s.name,
            value: s.value,
            what: s.what,
            readBy: s.readers,
            ...(s.value === 'external' ? {} : { stack: s.stack }),
            ...(s.shared?.keys.length ? { keys: s.shared.keys } : {}),
            ...(status ? { status: status.state, ...(status.lastChanged ? { lastChanged: status.lastChanged.toISOString() } : {}) } : {}),
            ...(s.value === 'placeholder' ? { set: setCommands(env, s, specFile) } : {}),
          };
        }),
      })),
    };
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    const blocks = envs.map((env) => {
      const placeholders = env.secrets.filter((s) => s.value === 'placeholder').length;
      const external = env.secrets.filter((s) => s.value === 'external').length;
      const head = `${env.environment} — ${args.region ?? env.region}, ${env.secrets.length} secret${env.secrets.length === 1 ? '' : 's'}: ${placeholders} set by you, ${env.secrets.length - placeholders - external} generated by Secrets Manager${external ? `, ${external} external (not created by dex)` : ''}`;
      if (env.secrets.length === 0) return head;
      const rows = [['name', 'secret id', 'read by', 'value', ...(args.offline ? [] : ['status'])]];
      for (const s of env.secrets) {
        rows.push([s.handle, s.name, readBy(s), valueText(s), ...(args.offline ? [] : [s.value === 'external' ? 'not checked' : statusText(s, statuses.get(s))])]);
      }
      return `${head}\n${table(rows)}`;
    });
    let text = `${blocks.join('\n\n')}\n`;
    if (unset.length > 0) {
      text += `\n${unset.length} placeholder secret${unset.length === 1 ? ' has' : 's have'} no value; set each from a file or a pipe (never on the command line):\n`;
      for (const { env, secret } of unset) text += `  ${setCommands(env, secret, specFile).dex}\n`;
    }
    io.stdout.write(text);
  }

  if (args.check && unset.length > 0) {
    problem(
      io,
      unset.map(({ env, secret }) => {
        const state = statuses.get(secret)!.state;
        const why = state === 'missing' ? `does not exist yet (deploy ${secret.stack} first)` : state === 'deleted' ? 'is scheduled for deletion' : 'has no value (no AWSCURRENT version)';
        const commands = setCommands(env, secret, specFile);
        return { ...cliProblem('DEX504', `${env.environment}: ${secret.handle} (${secret.name}, read by ${readBy(secret)}) ${why}`, `${commands.dex}   or   ${commands.aws}`), environment: env.environment };
      }),
    );
    return EXIT.failed;
  }
  return EXIT.ok;
}

export async function runSecretsSet(args: SecretsSetArgs, io: CliIO, options: SecretsRunOptions = {}): Promise<number> {
  const spec = await analyzed(args, io, 'nothing set');
  if (!spec.ok) return spec.exitCode;
  const envs = targetsOf(spec.analysis, args.environment, true);
  if (!Array.isArray(envs)) {
    problem(io, [envs]);
    return EXIT.usage;
  }
  const env = envs[0]!;
  const specFile = relative(io.cwd, spec.absolute) || args.file;
  const listCommand = `dex secrets list ${specFile}${env.named ? ` --env ${env.environment}` : ''} --offline`;
  const found = findPlaceholder(env, args.name, listCommand);
  if (!found.ok) {
    problem(io, [cliProblem(found.code ?? 'DEX502', found.message, found.hint)]);
    return EXIT.usage;
  }
  // A key names one of the secret's keys: refused before any value is read.
  const early = args.key !== undefined ? composeSecretValue(found.secret, '', args.key, undefined) : undefined;
  if (early && !early.ok) {
    problem(io, [cliProblem('DEX717', early.message, early.hint)]);
    return EXIT.usage;
  }
  const { secret } = found;
  const read = args.fromFile !== undefined ? await readSecretFromFile(resolve(io.cwd, args.fromFile), args.fromFile) : await readSecretFromStream(io.stdin);
  if (!read.ok) {
    problem(io, [cliProblem('DEX503', `${secret.handle}: ${read.reason}; nothing was set`, read.hint)]);
    return EXIT.usage;
  }
  // A whole JSON value is checked before anything is sent; one key needs the current value first.
  if (args.key === undefined) {
    const whole = composeSecretValue(secret, read.value, undefined, undefined);
    if (!whole.ok) {
      problem(io, [cliProblem('DEX717', whole.message, whole.hint)]);
      return EXIT.usage;
    }
  }
  const region = args.region ?? env.region;
  const port = openPort(io, args, region, options);
  let version: string | undefined;
  let missing: string[] = [];
  try {
    let value = read.value;
    if (args.key !== undefined) {
      const state = await port.describe(secret.name);
      if (!state.exists) throw new SecretsManagerError('not-found', 'GetSecretValue', secret.name, `${secret.name} does not exist`);
      const composed = composeSecretValue(secret, read.value, args.key, state.hasValue ? await port.getValue(secret.name) : undefined);
      if (!composed.ok) {
        problem(io, [cliProblem('DEX717', composed.message, composed.hint)]);
        return EXIT.usage;
      }
      value = composed.value;
      const present = JSON.parse(value) as Record<string, unknown>;
      missing = (secret.shared?.keys ?? []).filter((k) => !Object.hasOwn(present, k));
    }
    version = await port.putValue(secret.name, value);
  } catch (err) {
    if (!(err instanceof SecretsManagerError)) throw err;
    problem(io, [awsProblem(err, secret, region, options)]);
    return EXIT.failed;
  } finally {
    port.close();
  }
  io.stdout.write(`${env.environment}: set ${secret.handle}${args.key !== undefined ? ` key ${args.key}` : ''} (${secret.name}, ${region})${version ? `, version ${version}` : ''}; read by ${readBy(secret)} when they next start\n`);
  // The release's check sees a value once any key is set: say which keys the services still lack.
  if (missing.length) io.stdout.write(`${secret.handle} still has no ${missing.join(', ')}: set ${missing.length === 1 ? 'it' : 'each'} with --key before the services that read ${missing.length === 1 ? 'it' : 'them'} start\n`);
  return EXIT.ok;
}
