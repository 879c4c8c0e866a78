// Baselines to diff against, as data: the last emitted output (out/<env>/plan.json and the files
// beside it), the spec as it was at a git ref (compiled in memory by pipeline/plan-diff.ts), or the
// deployed stacks' templates. Reading them (the out/ tree, git, CloudFormation) is
// cli/adapters/baselines.ts; this module only turns what was read into a Baseline.
import { parseDocument, type ScalarTag, type CollectionTag } from 'yaml';
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

export function parsePlanJson(text: string, where: string): PlanJson {
  let json: PlanJson;
  try {
    json = JSON.parse(text) as PlanJson;
  } catch (err) {
    throw new BaselineError(`${where} is not JSON: ${(err as Error).message}`);
  }
  if (json.dex !== 1 || !Array.isArray(json.resources)) throw new BaselineError(`${where} is not a dex plan.json (dex: 1)`);
  return json;
}

/** A baseline from an emitted plan.json (out/<env>/ or compiled at a git ref) and the files beside it. */
export function baselineFromPlanJson(text: string, label: string, files: ReadonlyMap<string, string>): Baseline {
  const json = parsePlanJson(text, label);
  return { label, region: json.region, resources: json.resources, priced: true, files, warnings: [] };
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

/** One stack as CloudFormation describes it: its status and original template, or absent. */
export type DeployedStack =
  | { readonly name: string; readonly exists: true; readonly status: string | undefined; readonly templateBody: string | undefined }
  | { readonly name: string; readonly exists: false };

/**
 * The deployed stacks as a baseline. Stacks that do not exist (or only hold a change set under
 * review) are left out with a warning, their resources showing as added; none existing at all is
 * an error.
 */
export function baselineFromStacks(stacks: readonly DeployedStack[], region: string): Baseline {
  const resources: DiffResource[] = [];
  const exports = new Map<string, CfnValue>();
  const warnings: string[] = [];
  const missing: string[] = [];
  for (const stack of stacks) {
    const { name } = stack;
    if (!stack.exists || stack.status === 'REVIEW_IN_PROGRESS') {
      missing.push(name);
      continue;
    }
    const { status } = stack;
    if (status && /_IN_PROGRESS$|_FAILED$|^ROLLBACK_COMPLETE$/.test(status)) warnings.push(`stack ${name} is ${status}: its template may not be what is running`);
    if (!stack.templateBody) throw new BaselineError(`GetTemplate ${name}: no template body`);
    let template: ReturnType<typeof parseTemplate>;
    try {
      template = parseTemplate(stack.templateBody);
    } catch (err) {
      throw new BaselineError(`the template of stack ${name} cannot be read: ${(err as Error).message}`);
    }
    for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
      resources.push({ logicalId, type: r.Type, stack: name, deletionPolicy: r.DeletionPolicy ?? null, properties: r.Properties ?? {} });
    }
    for (const o of Object.values(template.Outputs ?? {})) if (o.Export && typeof o.Export.Name === 'string') exports.set(o.Export.Name, o.Value);
  }
  if (missing.length === stacks.length) {
    throw new BaselineError(`--against stack: none of the ${stacks.length} stacks is deployed in ${region} (Stack with id ${missing[0]} does not exist); deploy first, or diff against the last emitted output`);
  }
  for (const m of missing) warnings.push(`stack ${m} does not exist in ${region}: its resources show as added`);
  return { label: `deployed stacks (${region})`, region, resources, priced: false, exports, warnings };
}
