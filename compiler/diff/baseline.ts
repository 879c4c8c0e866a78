// Baselines to diff against: the last emitted output (out/<env>/plan.json and the files beside
// it), the spec as it was at a git ref (compiled in memory), or the deployed stacks (templates
// and status read with @aws-sdk/client-cloudformation: DescribeStacks, GetTemplate).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { parseDocument, type ScalarTag, type CollectionTag } from 'yaml';
import { analyzeSpec } from '../analyze.js';
import { compileEmit, compileSystemEmit, emitTargets } from '../emit.js';
import type { CfnValue, StackLayer, UsageMeter } from '../model/types.js';
import type { SpecPath } from '../../spec/diagnostics.js';
import type { DiffResource } from './types.js';

/** A resource of plan.json. */
export interface PlanJsonResource extends DiffResource {
  readonly layer: StackLayer;
  readonly origin?: SpecPath;
  readonly usage?: readonly UsageMeter[];
}

export interface Baseline {
  /** In words, for the output: 'out/production/plan.json', 'git:main', 'deployed stacks'. */
  readonly label: string;
  readonly region: string;
  readonly resources: readonly PlanJsonResource[] | readonly DiffResource[];
  /** Whether resources carry usage (plan.json does, deployed templates do not). */
  readonly priced: boolean;
  /** Emitted files (relative to out/<env>/), when the baseline has them. */
  readonly files?: ReadonlyMap<string, string>;
  /** Export name → value (deployed templates' Outputs). */
  readonly exports?: ReadonlyMap<string, CfnValue>;
  readonly warnings: readonly string[];
}

export class BaselineError extends Error {}

interface PlanJson {
  readonly dex: number;
  readonly region: string;
  readonly resources: readonly PlanJsonResource[];
}

function parsePlanJson(text: string, where: string): PlanJson {
  let json: PlanJson;
  try {
    json = JSON.parse(text) as PlanJson;
  } catch (err) {
    throw new BaselineError(`${where} is not JSON: ${(err as Error).message}`);
  }
  if (json.dex !== 1 || !Array.isArray(json.resources)) throw new BaselineError(`${where} is not a dex plan.json (dex: 1)`);
  return json;
}

async function readTree(dir: string, base = dir, out = new Map<string, string>()): Promise<Map<string, string>> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await readTree(full, base, out);
    else if (entry.isFile()) out.set(relative(base, full).split(sep).join('/'), await readFile(full, 'utf8'));
  }
  return out;
}

/** The files of out/<dir>/ (the pipeline's out/ci/), or undefined when there is no such directory. */
export async function loadOutputFiles(outDir: string, dir: string): Promise<Map<string, string> | undefined> {
  const full = join(outDir, dir);
  return existsSync(full) ? readTree(full) : undefined;
}

/** out/<env>/plan.json and the files beside it; undefined when there is none. */
export async function loadLastBaseline(outDir: string, environment: string, label: string): Promise<Baseline | undefined> {
  const dir = join(outDir, environment);
  const file = join(dir, 'plan.json');
  if (!existsSync(file)) return undefined;
  const json = parsePlanJson(await readFile(file, 'utf8'), label);
  return { label, region: json.region, resources: json.resources, priced: true, files: await readTree(dir), warnings: [] };
}

const run = promisify(execFile);

/**
 * The spec as it was at a git ref, compiled in memory: `git show <ref>:<path relative to the
 * repository root>`, then analyzed and compiled per environment. Returns environment → baseline.
 */
export async function loadGitBaselines(specAbsolute: string, ref: string, environment: string | undefined, specFile?: string): Promise<{ environments: Map<string, Baseline>; systemFiles: Map<string, string> }> {
  const cwd = dirname(specAbsolute);
  let top: string;
  try {
    top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd })).stdout.trim();
  } catch (err) {
    throw new BaselineError(`--against git:${ref}: ${cwd} is not in a git repository (${firstLine(err)})`);
  }
  const rel = relative(top, specAbsolute).split(sep).join('/');
  let text: string;
  try {
    text = (await run('git', ['show', `${ref}:${rel}`], { cwd: top, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (err) {
    throw new BaselineError(`--against git:${ref}: cannot read ${rel} at ${ref}: ${firstLine(err)}`);
  }
  const analysis = analyzeSpec(new TextEncoder().encode(text), `${ref}:${rel}`, environment !== undefined ? { environment } : {});
  const out = new Map<string, Baseline>();
  if (!analysis.ok) {
    const first = analysis.diagnostics.find((d) => d.severity === 'error');
    throw new BaselineError(`--against git:${ref}: the spec at ${ref} is invalid${first ? ` (${first.code}: ${first.message})` : ''}`);
  }
  for (const compiled of emitTargets(analysis, environment)) {
    // Compiled under the name the current side uses, so headers naming the spec file do not differ.
    const output = compileEmit(compiled, { specFile: specFile ?? rel });
    const planFile = output.files.find((f) => f.path === 'plan.json')!;
    const json = parsePlanJson(planFile.content, `git:${ref}`);
    out.set(output.environment, { label: `git:${ref}`, region: json.region, resources: json.resources, priced: true, files: new Map(output.files.map((f) => [f.path, f.content])), warnings: [] });
  }
  const system = analysis.raw ? compileSystemEmit(analysis.raw, { specFile: specFile ?? rel }) : [];
  return { environments: out, systemFiles: new Map(system.map((f) => [f.path, f.content])) };
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim().split('\n')[0] ?? '';
}

// ---------------------------------------------------------------------------------------------
// Deployed stacks

export interface StackBaselineOptions {
  readonly region: string;
  readonly profile?: string;
  /** DEX_CLOUDFORMATION_ENDPOINT (tests: the loopback server). */
  readonly endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly maxAttempts?: number;
}

/** CloudFormation's short-form tags (!Ref, !GetAtt, !Sub…) read as the long form. */
const SHORT_FORMS = ['Ref', 'Condition', 'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or'];
const CFN_TAGS: (ScalarTag | CollectionTag)[] = SHORT_FORMS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const wrap = (value: unknown) => ({ [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.', 2).length === 2 ? [value.slice(0, value.indexOf('.')), value.slice(value.indexOf('.') + 1)] : value : value });
  return [
    { tag: `!${name}`, resolve: (v: string) => wrap(v) } as ScalarTag,
    { tag: `!${name}`, collection: 'seq', resolve: (v: { toJSON(): unknown }) => wrap(v.toJSON()) } as unknown as CollectionTag,
    { tag: `!${name}`, collection: 'map', resolve: (v: { toJSON(): unknown }) => wrap(v.toJSON()) } as unknown as CollectionTag,
  ];
});

export function parseTemplate(body: string): { Resources?: Record<string, { Type: string; Properties?: Record<string, CfnValue>; DeletionPolicy?: string }>; Outputs?: Record<string, { Value: CfnValue; Export?: { Name: CfnValue } }> } {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) return JSON.parse(body);
  const doc = parseDocument(body, { customTags: CFN_TAGS, uniqueKeys: false });
  if (doc.errors.length) throw new BaselineError(`template is not YAML: ${doc.errors[0]!.message}`);
  return doc.toJS({ maxAliasCount: -1 });
}

export interface StackStatus {
  readonly name: string;
  readonly status: string | undefined;
}

/** A clear message for what the SDK threw. */
export function describeAwsError(err: unknown, what: string): string {
  const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? e.Code ?? 'Error';
  if (/CredentialsProviderError|Could not load credentials|credential/i.test(`${name} ${e.message}`)) {
    return `${what}: no AWS credentials (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or --profile, or run aws sso login)`;
  }
  if (/Throttl|Rate exceeded/i.test(`${name} ${e.message}`)) return `${what}: CloudFormation is throttling requests (${e.message}); try again later`;
  if (/ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch|AccessDenied/i.test(name)) return `${what}: AWS refused the credentials (${name}: ${e.message})`;
  const status = e.$metadata?.httpStatusCode;
  return `${what}: ${name}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`;
}

/**
 * Reads each stack's template (TemplateStage Original) and status. Stacks that do not exist are
 * left out with a warning (their resources show as added); none existing at all is an error.
 */
export async function loadStackBaseline(stackNames: readonly string[], options: StackBaselineOptions): Promise<Baseline> {
  const sdk = await import('@aws-sdk/client-cloudformation');
  const client = new sdk.CloudFormationClient({
    region: options.region,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : options.profile ? { profile: options.profile } : {}),
  });
  const resources: DiffResource[] = [];
  const exports = new Map<string, CfnValue>();
  const warnings: string[] = [];
  const missing: string[] = [];
  try {
    for (const name of stackNames) {
      let status: string | undefined;
      try {
        const described = await client.send(new sdk.DescribeStacksCommand({ StackName: name }));
        status = described.Stacks?.[0]?.StackStatus;
      } catch (err) {
        const e = err as { name?: string; message?: string };
        if (e.name === 'ValidationError' && /does not exist/.test(e.message ?? '')) {
          missing.push(name);
          continue;
        }
        throw new BaselineError(describeAwsError(err, `DescribeStacks ${name}`));
      }
      if (status === 'REVIEW_IN_PROGRESS') {
        missing.push(name);
        continue;
      }
      if (status && /_IN_PROGRESS$|_FAILED$|^ROLLBACK_COMPLETE$/.test(status)) warnings.push(`stack ${name} is ${status}: its template may not be what is running`);
      let body: string | undefined;
      try {
        body = (await client.send(new sdk.GetTemplateCommand({ StackName: name, TemplateStage: 'Original' }))).TemplateBody;
      } catch (err) {
        throw new BaselineError(describeAwsError(err, `GetTemplate ${name}`));
      }
      if (!body) throw new BaselineError(`GetTemplate ${name}: no template body`);
      let template: ReturnType<typeof parseTemplate>;
      try {
        template = parseTemplate(body);
      } catch (err) {
        throw new BaselineError(`the template of stack ${name} cannot be read: ${(err as Error).message}`);
      }
      for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
        resources.push({ logicalId, type: r.Type, stack: name, deletionPolicy: r.DeletionPolicy ?? null, properties: r.Properties ?? {} });
      }
      for (const o of Object.values(template.Outputs ?? {})) if (o.Export && typeof o.Export.Name === 'string') exports.set(o.Export.Name, o.Value);
    }
  } finally {
    client.destroy();
  }
  if (missing.length === stackNames.length) {
    throw new BaselineError(`--against stack: none of the ${stackNames.length} stacks is deployed in ${options.region} (Stack with id ${missing[0]} does not exist); deploy first, or diff against the last emitted output`);
  }
  for (const m of missing) warnings.push(`stack ${m} does not exist in ${options.region}: its resources show as added`);
  return { label: `deployed stacks (${options.region})`, region: options.region, resources, priced: false, exports, warnings };
}
