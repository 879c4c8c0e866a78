// Build the resource model: run every building block over the normalized spec, check that the
// logical IDs they chose are valid and unique, derive the dependency graph from the references
// the properties make, and reject cycles. The result is sorted by layer, then logical ID, so its
// order never depends on the order of blocks or of the spec's maps.
import type { NormalizedSpec } from '../../spec/model.js';
import { isModelParameter, type ModelParameterName } from './parameters.js';
import { LAYER_ORDER, type BuildContext, type BuildingBlock, type CfnValue, type ModelResource, type ResourceModel, type StackLayer } from './types.js';

/**
 * A bug in dex (a building block produced something impossible), not in the user's spec. The CLI
 * reports it as DEX999; the message names the blocks and spec paths involved.
 */
export class ModelError extends Error {
  override readonly name = 'ModelError';
}

/** CloudFormation's rule for logical IDs. */
const LOGICAL_ID = /^[A-Za-z0-9]{1,255}$/;

/** One reference a resource makes: the target's logical ID and, for Fn::GetAtt or `${X.Attr}`, the attribute. */
export interface ResourceReference {
  readonly target: string;
  readonly attribute: string | undefined;
  readonly via: 'Ref' | 'Fn::GetAtt' | 'Fn::Sub' | 'DependsOn';
}

const LAYER_INDEX: ReadonlyMap<StackLayer, number> = new Map(LAYER_ORDER.map((layer, i) => [layer, i]));

export function layerIndex(layer: StackLayer): number {
  const index = LAYER_INDEX.get(layer);
  if (index === undefined) throw new ModelError(`unknown layer ${String(layer)}`);
  return index;
}

/** Orders resources by layer (deploy order), then logical ID (code-unit order, locale-free). */
export function compareResources(a: ModelResource, b: ModelResource): number {
  return layerIndex(a.layer) - layerIndex(b.layer) || (a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : 0);
}

/** `blocks` is the registry (pipeline/registries.ts) or, in tests, the blocks under test. */
export function buildResourceModel(spec: NormalizedSpec, blocks: readonly BuildingBlock[], context: BuildContext): ResourceModel {
  const byId = new Map<string, { resource: ModelResource; block: string }>();
  for (const block of blocks) {
    for (const resource of block.build(spec, context)) {
      const where = `block ${block.name} (${describeOrigin(resource)})`;
      if (!LOGICAL_ID.test(resource.logicalId)) {
        throw new ModelError(`invalid logical ID "${resource.logicalId}" from ${where}: CloudFormation allows 1 to 255 letters and digits`);
      }
      if (isModelParameter(resource.logicalId)) throw new ModelError(`logical ID ${resource.logicalId} from ${where} is the name of a stack parameter`);
      if (!LAYER_INDEX.has(resource.layer)) throw new ModelError(`resource ${resource.logicalId} from ${where} has unknown layer "${String(resource.layer)}"`);
      const previous = byId.get(resource.logicalId);
      if (previous) {
        throw new ModelError(
          `duplicate logical ID ${resource.logicalId}: from block ${previous.block} (${describeOrigin(previous.resource)}) and from ${where}`,
        );
      }
      byId.set(resource.logicalId, { resource, block: block.name });
    }
  }

  const resources = [...byId.values()].map((entry) => entry.resource).sort(compareResources);
  // Every reference must name a resource of the model; an unknown one is a block bug (or a typo in ID).
  const graph = new Map<string, string[]>();
  for (const resource of resources) {
    const targets = new Set<string>();
    for (const ref of resourceReferences(resource)) {
      if (!byId.has(ref.target)) {
        throw new ModelError(`resource ${resource.logicalId} from block ${byId.get(resource.logicalId)!.block} (${describeOrigin(resource)}) references ${ref.target} through ${ref.via}, which no block creates`);
      }
      if (ref.target === resource.logicalId) throw new ModelError(`resource ${resource.logicalId} (${describeOrigin(resource)}) references itself through ${ref.via}`);
      targets.add(ref.target);
    }
    graph.set(resource.logicalId, [...targets].sort());
  }
  const cycle = findCycle(graph);
  if (cycle) {
    throw new ModelError(`dependency cycle between resources: ${cycle.join(' → ')} (blocks: ${[...new Set(cycle.map((id) => byId.get(id)!.block))].join(', ')})`);
  }
  return { spec, resources };
}

/**
 * Every reference a resource makes: Ref, Fn::GetAtt (list or "X.Attr" form), `${X}` and
 * `${X.Attr}` in Fn::Sub (not `${!Literal}`, not pseudo parameters `${AWS::Region}`, not the
 * names the Sub's own variable map defines), and DependsOn.
 */
export function resourceReferences(resource: ModelResource): readonly ResourceReference[] {
  // Resources are immutable once built: the model, the stack splitter and emit all ask, walk once.
  let out = referenceCache.get(resource);
  if (out === undefined) {
    const list: ResourceReference[] = [];
    collectReferences(resource.properties as CfnValue, list);
    for (const target of resource.dependsOn ?? []) list.push({ target, attribute: undefined, via: 'DependsOn' });
    referenceCache.set(resource, (out = list));
  }
  return out;
}

const referenceCache = new WeakMap<ModelResource, readonly ResourceReference[]>();

export function collectReferences(value: CfnValue, out: ResourceReference[]): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value as readonly CfnValue[]) collectReferences(item, out);
    return;
  }
  const record = value as { readonly [key: string]: CfnValue };
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const key = keys[0]!;
    const arg = record[key]!;
    if (key === 'Ref' && typeof arg === 'string') {
      if (!arg.startsWith('AWS::') && !isModelParameter(arg)) out.push({ target: arg, attribute: undefined, via: 'Ref' });
      return;
    }
    if (key === 'Fn::GetAtt') {
      const parsed = parseGetAtt(arg);
      if (parsed) {
        out.push({ target: parsed.target, attribute: parsed.attribute, via: 'Fn::GetAtt' });
        return;
      }
    }
    if (key === 'Fn::Sub') {
      const [template, variables] = typeof arg === 'string' ? [arg, undefined] : Array.isArray(arg) ? [arg[0], arg[1]] : [undefined, undefined];
      if (typeof template === 'string') {
        const defined = variables && typeof variables === 'object' && !Array.isArray(variables) ? new Set(Object.keys(variables)) : new Set<string>();
        for (const v of subVariables(template)) {
          if (defined.has(v.name) || isModelParameter(v.name)) continue;
          out.push({ target: v.target, attribute: v.attribute, via: 'Fn::Sub' });
        }
        if (variables !== undefined) collectReferences(variables as CfnValue, out);
        return;
      }
    }
  }
  for (const key of keys) collectReferences(record[key]!, out);
}

/**
 * The stack parameters (compiler/model/parameters.ts) a resource uses, sorted: `{ Ref: P }` and
 * `${P}` in a Fn::Sub template (not where the Sub's own variable map defines P).
 */
export function parameterReferences(resource: ModelResource): readonly ModelParameterName[] {
  let out = parameterCache.get(resource);
  if (out === undefined) {
    const found = new Set<ModelParameterName>();
    collectParameters(resource.properties as CfnValue, found);
    parameterCache.set(resource, (out = [...found].sort()));
  }
  return out;
}

const parameterCache = new WeakMap<ModelResource, readonly ModelParameterName[]>();

function collectParameters(value: CfnValue, out: Set<ModelParameterName>): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value as readonly CfnValue[]) collectParameters(item, out);
    return;
  }
  const record = value as { readonly [key: string]: CfnValue };
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const arg = record[keys[0]!]!;
    if (keys[0] === 'Ref' && typeof arg === 'string') {
      if (isModelParameter(arg)) out.add(arg);
      return;
    }
    if (keys[0] === 'Fn::Sub') {
      const [template, variables] = typeof arg === 'string' ? [arg, undefined] : Array.isArray(arg) ? [arg[0], arg[1]] : [undefined, undefined];
      if (typeof template === 'string') {
        const defined = variables && typeof variables === 'object' && !Array.isArray(variables) ? new Set(Object.keys(variables)) : new Set<string>();
        for (const v of subVariables(template)) if (!defined.has(v.name) && isModelParameter(v.name)) out.add(v.name);
        if (variables !== undefined) collectParameters(variables as CfnValue, out);
        return;
      }
    }
  }
  for (const key of keys) collectParameters(record[key]!, out);
}

/** Fn::GetAtt's two forms: ['X', 'Attr'] and 'X.Attr' (the attribute may itself contain dots). */
export function parseGetAtt(arg: CfnValue): { target: string; attribute: string } | undefined {
  if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && typeof arg[1] === 'string') return { target: arg[0], attribute: arg[1] };
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    if (dot > 0) return { target: arg.slice(0, dot), attribute: arg.slice(dot + 1) };
  }
  return undefined;
}

export interface SubVariable {
  /** The text between `${` and `}`. */
  readonly name: string;
  readonly target: string;
  readonly attribute: string | undefined;
}

const SUB_VARIABLE = /\$\{([^}]*)\}/g;

/** The resource variables of a Fn::Sub template (`${!X}` is a literal, `${AWS::X}` a pseudo parameter). */
export function subVariables(template: string): SubVariable[] {
  const out: SubVariable[] = [];
  for (const match of template.matchAll(SUB_VARIABLE)) {
    const name = match[1]!.trim();
    if (name === '' || name.startsWith('!') || name.includes('::')) continue;
    const dot = name.indexOf('.');
    out.push(dot > 0 ? { name, target: name.slice(0, dot), attribute: name.slice(dot + 1) } : { name, target: name, attribute: undefined });
  }
  return out;
}

/** A cycle in a dependency graph (node → nodes it depends on), as a path whose first and last node are the same. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1: on the stack, 2: done
  for (const start of [...graph.keys()].sort()) {
    if (state.has(start)) continue;
    // Iterative DFS: a 1,000-service model must not overflow the call stack.
    const path: string[] = [];
    const iterators: Iterator<string>[] = [];
    const enter = (node: string): void => {
      state.set(node, 1);
      path.push(node);
      iterators.push((graph.get(node) ?? [])[Symbol.iterator]());
    };
    enter(start);
    while (iterators.length > 0) {
      const next = iterators[iterators.length - 1]!.next();
      if (next.done) {
        state.set(path.pop()!, 2);
        iterators.pop();
        continue;
      }
      const s = state.get(next.value);
      if (s === 1) return [...path.slice(path.indexOf(next.value)), next.value];
      if (s === undefined) enter(next.value);
    }
  }
  return undefined;
}

function describeOrigin(resource: ModelResource): string {
  return resource.origin.length ? resource.origin.join('.') : '<spec>';
}
