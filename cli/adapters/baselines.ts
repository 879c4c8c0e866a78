// Reading baselines for `dex plan`: the out/ tree of the last `dex emit`, the spec file at a git
// ref, and the deployed stacks through @aws-sdk/client-cloudformation (loaded only for
// --against stack). What is read becomes a Baseline in compiler/diff/baseline.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { BaselineError, baselineFromPlanJson, baselineFromStacks, type Baseline, type DeployedStack } from '../../compiler/diff/baseline.js';
import type { BaselineReader } from '../../pipeline/plan-diff.js';
import { classifyAwsError, seconds } from '../../compiler/pricing/aws-errors.js';
import type { Progress } from '../progress.js';
import { AWS_TIMEOUT_DEFAULTS, quietAwsSdk, requestHandlerOptions, SILENT_LOGGER, type AwsTimeouts } from './aws-sdk.js';
import { loadPackage } from './packages.js';

/** Time budget of reading every deployed stack (DEX_CLOUDFORMATION_BUDGET_MS), retries included. */
export const STACK_BUDGET_MS = 120_000;

async function readTree(dir: string, base = dir, out = new Map<string, string>()): Promise<Map<string, string>> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await readTree(full, base, out);
    else if (entry.isFile()) out.set(relative(base, full).split(sep).join('/'), readFileSync(full, 'utf8'));
  }
  return out;
}

/** The files of out/<dir>/ (the pipeline's out/ci/), or undefined when there is no such directory. */
export async function loadOutputFiles(outDir: string, dir: string): Promise<Map<string, string> | undefined> {
  const full = join(outDir, dir);
  return existsSync(full) ? readTree(full) : undefined;
}

/**
 * The EKS clusters the last emit had, per environment directory: the Version of the
 * AWS::EKS::Cluster in each out/<env>/plan.json (validate, emit and plan pass it to the EKS version
 * rule, which tells a running cluster from a new one by it). An unreadable plan.json counts as none.
 */
export function readExistingEksClusters(outDir: string): Record<string, string> {
  const found: Record<string, string> = {};
  if (!existsSync(outDir)) return found;
  for (const entry of readdirSync(outDir, { withFileTypes: true })) {
    const file = join(outDir, entry.name, 'plan.json');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    try {
      const plan = JSON.parse(readFileSync(file, 'utf8')) as { resources?: { type?: unknown; properties?: { Version?: unknown } }[] };
      const version = plan.resources?.find((r) => r.type === 'AWS::EKS::Cluster')?.properties?.Version;
      if (typeof version === 'string') found[entry.name] = version;
    } catch {
      // Not a plan dex can read: no cluster is known from it.
    }
  }
  return found;
}

/** out/<env>/plan.json and the files beside it; undefined when there is none. */
export async function loadLastBaseline(outDir: string, environment: string, label: string): Promise<Baseline | undefined> {
  const dir = join(outDir, environment);
  const file = join(dir, 'plan.json');
  if (!existsSync(file)) return undefined;
  return baselineFromPlanJson(readFileSync(file, 'utf8'), label, await readTree(dir));
}

/** git, run with arguments (never through a shell); child_process is loaded only for --against git:REF. */
function run(command: string, args: readonly string[], options: { cwd: string; maxBuffer?: number }): Promise<{ stdout: string }> {
  const { execFile } = loadPackage<typeof import('node:child_process')>('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...options, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve({ stdout })));
  });
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim().split('\n')[0] ?? '';
}

/**
 * The spec file as it was at a git ref: `git show <commit>:<path relative to the repository root>`.
 * The ref is resolved to a commit first, after --end-of-options, so a ref can never be read as
 * an option of git (`--output=FILE` would make git write a file).
 */
export async function readSpecAtRef(specAbsolute: string, ref: string): Promise<{ text: string; path: string }> {
  const cwd = dirname(specAbsolute);
  let top: string;
  try {
    top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd })).stdout.trim();
  } catch (err) {
    throw new BaselineError(`--against git:${ref}: ${cwd} is not in a git repository (${firstLine(err)})`);
  }
  const rel = relative(top, specAbsolute).split(sep).join('/');
  let commit: string;
  try {
    commit = (await run('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { cwd: top })).stdout.trim();
  } catch (err) {
    throw new BaselineError(`--against git:${ref}: no commit ${JSON.stringify(ref)} in ${top}${firstLine(err) ? ` (${firstLine(err)})` : ''}`);
  }
  if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new BaselineError(`--against git:${ref}: no commit ${JSON.stringify(ref)} in ${top}`);
  try {
    return { text: (await run('git', ['show', `${commit}:${rel}`], { cwd: top, maxBuffer: 64 * 1024 * 1024 })).stdout, path: rel };
  } catch (err) {
    throw new BaselineError(`--against git:${ref}: cannot read ${rel} at ${ref}: ${firstLine(err)}`);
  }
}

export interface StackBaselineOptions {
  readonly region: string;
  readonly profile?: string;
  /** DEX_CLOUDFORMATION_ENDPOINT (tests: the loopback server). */
  readonly endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly maxAttempts?: number;
  /** Per-request deadlines (default 10 s per request, 5 s to connect). */
  readonly timeouts?: AwsTimeouts;
  /** Time budget of all the requests together (default STACK_BUDGET_MS). */
  readonly budgetMs?: number;
  readonly progress?: Progress;
}

/** A clear message for what the SDK threw (never the SDK's own text: see compiler/pricing/aws-errors.ts). */
export function describeAwsError(err: unknown, what: string, timeoutMs?: number): string {
  const f = classifyAwsError(err, 'CloudFormation', timeoutMs);
  if (f.kind === 'credentials') return `${what}: ${f.message.replace(/^no AWS credentials to ask CloudFormation with/, 'no AWS credentials')}, or pass --profile`;
  if (f.kind === 'throttled') return `${what}: ${f.message}; try again later`;
  return `${what}: ${f.message}`;
}

/** Each stack's status and original template (TemplateStage Original), as CloudFormation answers. */
export async function loadStackBaseline(stackNames: readonly string[], options: StackBaselineOptions): Promise<Baseline> {
  quietAwsSdk();
  const sdk = loadPackage<typeof import('@aws-sdk/client-cloudformation')>('@aws-sdk/client-cloudformation');
  const timeouts = options.timeouts ?? AWS_TIMEOUT_DEFAULTS;
  const client = new sdk.CloudFormationClient({
    region: options.region,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : options.profile ? { profile: options.profile } : {}),
    logger: SILENT_LOGGER,
    requestHandler: requestHandlerOptions(timeouts),
  });
  // One budget for every request and retry: a CloudFormation that answers slowly cannot hold the plan for long.
  const budgetMs = options.budgetMs ?? STACK_BUDGET_MS;
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), budgetMs);
  const call = { abortSignal: budget.signal };
  const spent = (what: string) => new BaselineError(`${what}: CloudFormation did not answer within the time budget of ${seconds(budgetMs)} for reading the deployed stacks`);
  const stacks: DeployedStack[] = [];
  try {
    for (const [i, name] of stackNames.entries()) {
      options.progress?.update(i, stackNames.length, name);
      let status: string | undefined;
      try {
        const described = await client.send(new sdk.DescribeStacksCommand({ StackName: name }), call);
        status = described.Stacks?.[0]?.StackStatus;
      } catch (err) {
        const e = err as { name?: string; message?: string };
        if (e.name === 'ValidationError' && /does not exist/.test(e.message ?? '')) {
          stacks.push({ name, exists: false });
          continue;
        }
        if (budget.signal.aborted) throw spent(`DescribeStacks ${name}`);
        throw new BaselineError(describeAwsError(err, `DescribeStacks ${name}`, timeouts.requestTimeoutMs));
      }
      if (status === 'REVIEW_IN_PROGRESS') {
        stacks.push({ name, exists: true, status, templateBody: undefined });
        continue;
      }
      let templateBody: string | undefined;
      try {
        templateBody = (await client.send(new sdk.GetTemplateCommand({ StackName: name, TemplateStage: 'Original' }), call)).TemplateBody;
      } catch (err) {
        if (budget.signal.aborted) throw spent(`GetTemplate ${name}`);
        throw new BaselineError(describeAwsError(err, `GetTemplate ${name}`, timeouts.requestTimeoutMs));
      }
      stacks.push({ name, exists: true, status, templateBody });
    }
  } finally {
    clearTimeout(timer);
    options.progress?.done();
    client.destroy();
  }
  return baselineFromStacks(stacks, options.region);
}

export interface BaselineReaderOptions {
  readonly cwd: string;
  /** Where `dex emit` wrote (absolute). */
  readonly outDir: string;
  readonly specAbsolute: string;
  /** For --against stack: */
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly credentials?: StackBaselineOptions['credentials'];
  readonly timeouts?: AwsTimeouts;
  readonly budgetMs?: number;
  readonly progress?: Progress;
}

/** The BaselineReader of pipeline/plan-diff.ts, on this machine's files, git and AWS account. */
export function baselineReader(options: BaselineReaderOptions): BaselineReader {
  const shown = (path: string, fallback: string) => relative(options.cwd, path) || fallback;
  return {
    outLabel: shown(options.outDir, '.'),
    planJsonLabel: (environment) => shown(join(options.outDir, environment, 'plan.json'), 'plan.json'),
    lastEmitted: (environment) => loadLastBaseline(options.outDir, environment, shown(join(options.outDir, environment, 'plan.json'), 'plan.json')),
    async lastEmittedFiles(dir) {
      const files = await loadOutputFiles(options.outDir, dir);
      return files ? { label: shown(join(options.outDir, dir), dir), files } : undefined;
    },
    specAtRef: (ref) => readSpecAtRef(options.specAbsolute, ref),
    deployedStacks: (stackNames, specRegion) =>
      loadStackBaseline(stackNames, {
        region: options.region ?? specRegion,
        ...(options.profile ? { profile: options.profile } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.timeouts ? { timeouts: options.timeouts } : {}),
        ...(options.budgetMs ? { budgetMs: options.budgetMs } : {}),
        ...(options.progress ? { progress: options.progress } : {}),
      }),
  };
}
