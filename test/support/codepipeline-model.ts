// The CodePipeline API model (botocore's service-2.json, test/fixtures/ci) as a checker of the
// pipeline dex emits: the CloudFormation properties of an AWS::CodePipeline::Pipeline become the
// PipelineDeclaration that CloudFormation sends to CreatePipeline, which is walked against the
// model's shapes (required members, unknown members, enums, string lengths and patterns, number
// ranges). The model's documentation adds rules its shapes cannot say, checked here too:
// artifactStore and artifactStores are exclusive, a cross-region action needs artifactStores, and
// the map holds the pipeline's region and every action's region.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const MODEL = fileURLToPath(new URL('../fixtures/ci/codepipeline-2015-07-09.service-2.json.gz', import.meta.url));

interface Shape {
  readonly type: string;
  readonly members?: Record<string, { shape: string }>;
  readonly required?: readonly string[];
  readonly member?: { shape: string };
  readonly key?: { shape: string };
  readonly value?: { shape: string };
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
}

let shapes: Record<string, Shape> | undefined;
const model = (): Record<string, Shape> => (shapes ??= (JSON.parse(gunzipSync(readFileSync(MODEL)).toString('utf8')) as { shapes: Record<string, Shape> }).shapes);

/** Properties CloudFormation keeps for itself (tags go to TagResource, the rest are CloudFormation's). */
const CFN_ONLY = new Set(['Tags', 'RestartExecutionOnUpdate', 'DisableInboundStageTransitions', 'Name']);

export interface Placement {
  readonly region: string;
  readonly account: string;
}

/** A template value as CloudFormation would send it: pseudo parameters filled, references as stand-in strings. */
function resolve(value: unknown, at: Placement): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, at));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    if (key === 'Fn::Sub' && typeof arg === 'string') {
      return arg.replace(/\$\{([^}]+)\}/g, (_m, name: string) => ({ 'AWS::AccountId': at.account, 'AWS::Partition': 'aws', 'AWS::Region': at.region })[name] ?? `sub-${name.replace(/[^A-Za-z0-9]/g, '-')}`);
    }
    if (key === 'Ref') return arg === 'AWS::Region' ? at.region : arg === 'AWS::AccountId' ? at.account : `ref-${String(arg)}`;
    if (key === 'Fn::GetAtt') return `arn:aws:iam::${at.account}:role/getatt-${(arg as string[]).join('-')}`;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, at)]));
}

/** CloudFormation's PascalCase properties as the API's camelCase members (Configuration's keys are data, kept). */
function camel(value: unknown, shape: Shape | undefined): unknown {
  if (shape === undefined) return value;
  if (shape.type === 'list' && Array.isArray(value)) return value.map((v) => camel(v, model()[shape.member!.shape]));
  if (shape.type === 'map' && value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, camel(v, model()[shape.value!.shape])]));
  if (shape.type === 'structure' && value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        const member = k.charAt(0).toLowerCase() + k.slice(1);
        return [member, camel(v, shape.members?.[member] ? model()[shape.members[member]!.shape] : undefined)];
      }),
    );
  }
  return value;
}

/** The PipelineDeclaration CloudFormation sends for these AWS::CodePipeline::Pipeline properties. */
export function pipelineDeclaration(properties: Record<string, unknown>, at: Placement): Record<string, unknown> {
  const resolved = resolve(properties, at) as Record<string, unknown>;
  const declaration: Record<string, unknown> = { name: resolved.Name };
  for (const [k, v] of Object.entries(resolved)) {
    if (CFN_ONLY.has(k)) continue;
    // CloudFormation lists the stores as {Region, ArtifactStore}; the API maps region → store.
    if (k === 'ArtifactStores') declaration.ArtifactStores = Object.fromEntries((v as { Region: string; ArtifactStore: unknown }[]).map((s) => [s.Region, s.ArtifactStore]));
    else declaration[k] = v;
  }
  return camel(declaration, model().PipelineDeclaration) as Record<string, unknown>;
}

function walk(value: unknown, shapeName: string, path: string, out: string[]): void {
  const shape = model()[shapeName];
  if (shape === undefined) return void out.push(`${path}: the model has no shape ${shapeName}`);
  switch (shape.type) {
    case 'structure': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return void out.push(`${path}: expected ${shapeName} (a structure)`);
      const v = value as Record<string, unknown>;
      for (const r of shape.required ?? []) if (v[r] === undefined) out.push(`${path}: ${shapeName} requires ${r}`);
      for (const [k, child] of Object.entries(v)) {
        const member = shape.members?.[k];
        if (member === undefined) out.push(`${path}.${k}: not a member of ${shapeName}`);
        else walk(child, member.shape, `${path}.${k}`, out);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return void out.push(`${path}: expected a list (${shapeName})`);
      if (shape.min !== undefined && value.length < shape.min) out.push(`${path}: at least ${shape.min} items (${shapeName})`);
      if (shape.max !== undefined && value.length > shape.max) out.push(`${path}: at most ${shape.max} items (${shapeName})`);
      value.forEach((item, i) => walk(item, shape.member!.shape, `${path}[${i}]`, out));
      return;
    }
    case 'map': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return void out.push(`${path}: expected a map (${shapeName})`);
      for (const [k, child] of Object.entries(value)) {
        walk(k, shape.key!.shape, `${path} key ${k}`, out);
        walk(child, shape.value!.shape, `${path}.${k}`, out);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return void out.push(`${path}: expected a string (${shapeName}), got ${JSON.stringify(value)}`);
      if (shape.enum && !shape.enum.includes(value)) out.push(`${path}: ${value} is not one of ${shape.enum.join(', ')}`);
      if (shape.min !== undefined && value.length < shape.min) out.push(`${path}: shorter than ${shape.min} (${shapeName})`);
      if (shape.max !== undefined && value.length > shape.max) out.push(`${path}: ${value.length} characters, over ${shape.max} (${shapeName})`);
      if (shape.pattern !== undefined && !new RegExp(`^(?:${shape.pattern.replace(/^\^|\$$/g, '')})$`).test(value)) out.push(`${path}: ${value} does not match ${shape.pattern} (${shapeName})`);
      return;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return void out.push(`${path}: expected an integer (${shapeName})`);
      if (shape.min !== undefined && value < shape.min) out.push(`${path}: below ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) out.push(`${path}: above ${shape.max}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${path}: expected a boolean (${shapeName})`);
      return;
    default:
      return;
  }
}

/** Problems of an AWS::CodePipeline::Pipeline's properties against the API model, deployed at `at`. */
export function pipelineProblems(properties: Record<string, unknown>, at: Placement): string[] {
  const declaration = pipelineDeclaration(properties, at);
  const out: string[] = [];
  walk(declaration, 'PipelineDeclaration', 'pipeline', out);
  const stores = declaration.artifactStores as Record<string, unknown> | undefined;
  if (declaration.artifactStore !== undefined && stores !== undefined) out.push('pipeline: artifactStore and artifactStores cannot both be set');
  if (declaration.artifactStore === undefined && stores === undefined) out.push('pipeline: one of artifactStore or artifactStores is required');
  const actions = ((declaration.stages ?? []) as { name: string; actions: { name: string; region?: string }[] }[]).flatMap((s) => s.actions.map((a) => ({ where: `${s.name}/${a.name}`, region: a.region })));
  const crossRegion = actions.filter((a) => a.region !== undefined && a.region !== at.region);
  if (crossRegion.length && stores === undefined) out.push(`pipeline: cross-region actions (${crossRegion.map((a) => a.where).join(', ')}) need artifactStores`);
  if (stores !== undefined) {
    if (stores[at.region] === undefined) out.push(`pipeline: artifactStores has no store for the pipeline's region ${at.region}`);
    for (const a of crossRegion) if (stores[a.region!] === undefined) out.push(`pipeline: ${a.where} runs in ${a.region}, which has no artifact store`);
  }
  return out;
}
