// Assign the resources of a model to CloudFormation stacks: one stack per layer, in LAYER_ORDER
// (the deploy order), with cross-stack references rewritten into Outputs/Export in the producer
// and Fn::ImportValue in the consumer. A layer too large for CloudFormation's limits is split
// further by fixed hash buckets of each resource's component (see docs/stacks.md for why).
import { createHash } from 'node:crypto';
import { layerIndex, ModelError, parameterReferences, parseGetAtt, resourceReferences, subVariables, type ResourceReference } from './model/build.js';
import { isModelParameter, type ModelParameterName } from './model/parameters.js';
import { LAYER_ORDER, type CfnValue, type ModelResource, type ResourceModel, type StackLayer } from './model/types.js';

/** CloudFormation's hard limits on one template. */
export const STACK_LIMITS = { resources: 500, outputs: 200, bodyBytes: 1_000_000 } as const;

/**
 * Where dex starts splitting: below the hard limits, so the body-size estimate may be off and a
 * hand-added resource or two still fits.
 */
export const SPLIT_THRESHOLDS = { resources: 450, outputs: 180, bodyBytes: 900_000 } as const;

/**
 * A too-large layer is split into this many hash buckets of `component`, a number that never
 * changes: a service's bucket depends on its name alone, never on how many other services exist,
 * so growing the spec never moves an existing resource to another stack (which would replace it).
 */
export const STACK_BUCKETS = 16;

/**
 * A bucket still too large is split again, as deep as it takes. Past this depth (keys that shared
 * a bucket at every salt so far: practically never) the bucket is cut into one part per key, so
 * the split always ends.
 */
const MAX_HASH_DEPTH = 8;

/** Limits for assignStacks; tests pass small ones to exercise splitting on small models. */
export interface SplitOptions {
  readonly thresholds?: { readonly resources: number; readonly outputs: number; readonly bodyBytes: number };
  readonly limits?: { readonly resources: number; readonly outputs: number; readonly bodyBytes: number };
}

export interface StackOutput {
  /** Output logical name: the resource's logical ID, plus the attribute without dots for Fn::GetAtt. */
  readonly name: string;
  readonly exportName: string;
  readonly value: CfnValue;
  readonly description: string;
}

export interface StackImport {
  readonly exportName: string;
  /** Physical name of the stack exporting it (deployed earlier). */
  readonly fromStack: string;
}

export interface PlannedStack {
  /** Physical stack name: `<system>-<env>-<layer>[-<bucket>][-t<tier>]`. */
  readonly name: string;
  readonly layer: StackLayer;
  /** Split bucket ('' when the layer is one stack; '07' or '07-03' after a split). */
  readonly bucket: string;
  /** 1 unless resources of one split layer reference each other across buckets (see tierOf). */
  readonly tier: number;
  /** 1-based position in the deploy order. */
  readonly deployOrder: number;
  readonly description: string;
  /** Resources with cross-stack references rewritten, sorted by logical ID. */
  readonly resources: readonly ModelResource[];
  /** Sorted by name. */
  readonly outputs: readonly StackOutput[];
  /** Sorted by export name. */
  readonly imports: readonly StackImport[];
  /** Stack parameters (compiler/model/parameters.ts) its resources use, sorted: it declares exactly these. */
  readonly parameters: readonly ModelParameterName[];
}

export interface StackPlan {
  readonly system: string;
  /** The environment, or 'default' for a spec without environments. */
  readonly environment: string;
  readonly region: string;
  /** In deploy order. */
  readonly stacks: readonly PlannedStack[];
  /** Logical ID → physical stack name. */
  readonly stackOf: ReadonlyMap<string, string>;
}

export function stackNamePrefix(model: ResourceModel): string {
  return `${model.spec.name}-${model.spec.environment ?? 'default'}`;
}

export function assignStacks(model: ResourceModel, options: SplitOptions = {}): StackPlan {
  const thresholds = options.thresholds ?? SPLIT_THRESHOLDS;
  const limits = options.limits ?? STACK_LIMITS;
  const prefix = stackNamePrefix(model);
  const refs = new Map<string, readonly ResourceReference[]>();
  const incoming = new Map<string, { source: string; key: string }[]>();
  const byId = new Map<string, ModelResource>();
  for (const r of model.resources) byId.set(r.logicalId, r);
  for (const r of model.resources) {
    const list = resourceReferences(r);
    refs.set(r.logicalId, list);
    for (const ref of list) {
      if (!byId.has(ref.target)) throw new ModelError(`resource ${r.logicalId} references ${ref.target}, which is not in the model`);
      if (ref.via === 'DependsOn') continue; // ordering only: deploy order satisfies it across stacks
      let list2 = incoming.get(ref.target);
      if (!list2) incoming.set(ref.target, (list2 = []));
      list2.push({ source: r.logicalId, key: outputKey(ref.target, ref.attribute) });
    }
  }

  // 1. Partition each layer into buckets (usually just one), then tiers within a split layer.
  interface Slot {
    layer: StackLayer;
    bucket: string;
    tier: number;
    resources: ModelResource[];
  }
  const slots = new Map<string, Slot>();
  const slotOf = new Map<string, Slot>();
  const byLayer = new Map<StackLayer, ModelResource[]>();
  for (const r of model.resources) {
    let list = byLayer.get(r.layer);
    if (!list) byLayer.set(r.layer, (list = []));
    list.push(r);
  }
  for (const layer of LAYER_ORDER) {
    const members = byLayer.get(layer) ?? [];
    if (members.length === 0) continue;
    const ctx: SplitContext = { layer, incoming, prefix, thresholds, limits, forced: new Set() };
    // A group is measured against the thresholds before tiers cut it and its references become
    // imports; the stacks it ends up as are measured again, against CloudFormation's own limits
    // (the margin is for the estimate and for hand-added resources, and was taken already), and a
    // bucket with a stack beyond them is split one level deeper.
    for (let round = 0; ; round++) {
      const parts = splitGroup(members, '', 0, ctx, WHOLE_LAYER);
      const bucketOf = new Map<string, string>();
      const tokenOf = new Map<string, string | undefined>();
      for (const part of parts) {
        tokenOf.set(part.bucket, part.token);
        for (const r of part.resources) bucketOf.set(r.logicalId, part.bucket);
      }
      const tiers = parts.length > 1 ? tierOf(members, bucketOf, refs) : undefined;
      const layerSlots = new Map<string, Slot>();
      const layerSlotOf = new Map<string, Slot>();
      for (const r of members) {
        const bucket = bucketOf.get(r.logicalId)!;
        const tier = tiers?.get(r.logicalId) ?? 1;
        const key = `${layer}|${bucket}|${tier}`;
        let slot = layerSlots.get(key);
        if (!slot) layerSlots.set(key, (slot = { layer, bucket, tier, resources: [] }));
        slot.resources.push(r);
        layerSlotOf.set(r.logicalId, slot);
      }
      const tooLarge = [...layerSlots.values()].filter((slot) => !slotFits(slot, layerSlotOf, slotOf, refs, ctx));
      if (tooLarge.length === 0) {
        for (const [key, slot] of layerSlots) slots.set(key, slot);
        for (const [id, slot] of layerSlotOf) slotOf.set(id, slot);
        break;
      }
      for (const slot of tooLarge) {
        const token = tokenOf.get(slot.bucket);
        if (token === undefined || ctx.forced.has(token)) {
          // Only a single resource cannot be split: a building block made it too large for any stack.
          throw new ModelError(
            `stack ${stackName(prefix, layer, slot.bucket, slot.tier)} cannot be split below CloudFormation's limits (${slot.resources.length} resources: ${slot.resources.slice(0, 3).map((r) => r.logicalId).join(', ')}${slot.resources.length > 3 ? ', …' : ''})`,
          );
        }
        ctx.forced.add(token);
      }
      if (round > 4 * MAX_HASH_DEPTH) throw new ModelError(`layer ${layer} of ${prefix}: stack splitting did not converge`);
    }
  }

  // 2. Deploy order: layer, tier, shared before buckets, bucket. References only point to earlier slots.
  const ordered = [...slots.values()].sort(
    (a, b) =>
      layerIndex(a.layer) - layerIndex(b.layer) ||
      a.tier - b.tier ||
      rankOf(a.bucket) - rankOf(b.bucket) ||
      (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0),
  );
  const orderOf = new Map<Slot, number>(ordered.map((slot, i) => [slot, i + 1]));
  const nameOf = new Map<Slot, string>(ordered.map((slot) => [slot, stackName(prefix, slot.layer, slot.bucket, slot.tier)]));
  const stackOf = new Map<string, string>();
  for (const [id, slot] of slotOf) stackOf.set(id, nameOf.get(slot)!);

  // 3. Rewrite cross-stack references; collect the outputs each producer must export.
  const outputs = new Map<Slot, Map<string, StackOutput>>();
  const imports = new Map<Slot, Map<string, StackImport>>();
  for (const slot of ordered) {
    outputs.set(slot, new Map());
    imports.set(slot, new Map());
  }
  const rewritten = new Map<Slot, ModelResource[]>();
  for (const slot of ordered) {
    const list: ModelResource[] = [];
    for (const r of slot.resources) {
      const ctx: RewriteContext = {
        resolve: (target, attribute, via, orderOnly) => {
          const producer = slotOf.get(target);
          if (!producer) throw new ModelError(`resource ${r.logicalId} references ${target}, which is not in the model`);
          if (producer === slot) return undefined;
          if (orderOf.get(producer)! > orderOf.get(slot)!) {
            throw new ModelError(
              `resource ${r.logicalId} (layer ${r.layer}, stack ${nameOf.get(slot)}) references ${target} through ${via}, which is in layer ${producer.layer} (stack ${nameOf.get(producer)}) deployed later: a layer may only reference the layers before it (${LAYER_ORDER.join(' → ')})`,
            );
          }
          if (orderOnly) return undefined;
          const out = exportFor(prefix, target, attribute);
          const existing = outputs.get(producer)!.get(out.name);
          if (existing && existing.exportName !== out.exportName) {
            throw new ModelError(`output name ${out.name} in stack ${nameOf.get(producer)} would export both ${existing.exportName} and ${out.exportName}`);
          }
          if (!existing) outputs.get(producer)!.set(out.name, out);
          imports.get(slot)!.set(out.exportName, { exportName: out.exportName, fromStack: nameOf.get(producer)! });
          return out;
        },
      };
      // Only a resource with a reference into another stack needs a rewritten copy.
      const crosses = refs.get(r.logicalId)!.some((ref) => ref.via !== 'DependsOn' && slotOf.get(ref.target) !== slot);
      const properties = crosses ? (rewriteValue(r.properties as CfnValue, ctx) as Record<string, CfnValue>) : r.properties;
      const dependsOn = (r.dependsOn ?? []).filter((target) => {
        const producer = slotOf.get(target);
        if (producer === slot) return true;
        // Across stacks the deploy order already puts the target first; DependsOn may not cross templates.
        ctx.resolve(target, undefined, 'DependsOn', true);
        return false;
      });
      if (!crosses && dependsOn.length === (r.dependsOn ?? []).length) {
        list.push(r);
        continue;
      }
      const { dependsOn: _drop, ...rest } = r;
      list.push({ ...rest, properties, ...(dependsOn.length ? { dependsOn } : {}) });
    }
    list.sort((a, b) => (a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : 0));
    rewritten.set(slot, list);
    // Outputs a resource asks for, exported too so other stacks and scripts find them by name.
    for (const r of slot.resources) {
      for (const o of r.outputs ?? []) outputs.get(slot)!.set(o.name, { name: o.name, exportName: `${prefix}:${o.name}`, value: o.value, description: o.description });
    }
  }

  const stacks: PlannedStack[] = ordered.map((slot) => ({
    name: nameOf.get(slot)!,
    layer: slot.layer,
    bucket: slot.bucket,
    tier: slot.tier,
    deployOrder: orderOf.get(slot)!,
    description: describeStack(model, slot.layer, slot.bucket, slot.tier),
    resources: rewritten.get(slot)!,
    outputs: [...outputs.get(slot)!.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    imports: [...imports.get(slot)!.values()].sort((a, b) => (a.exportName < b.exportName ? -1 : a.exportName > b.exportName ? 1 : 0)),
    parameters: [...new Set(slot.resources.flatMap((r) => parameterReferences(r)))].sort(),
  }));
  for (const stack of stacks) {
    if (stack.resources.length > limits.resources || stack.outputs.length > limits.outputs) {
      throw new ModelError(`stack ${stack.name} has ${stack.resources.length} resources and ${stack.outputs.length} outputs, beyond CloudFormation's limits (${limits.resources}, ${limits.outputs})`);
    }
  }
  return { system: model.spec.name, environment: model.spec.environment ?? 'default', region: model.spec.region, stacks, stackOf };
}

function stackName(prefix: string, layer: StackLayer, bucket: string, tier: number): string {
  return `${prefix}-${layer}${bucket ? `-${bucket}` : ''}${tier > 1 ? `-t${tier}` : ''}`;
}

/** Export names carry system, environment and the resource, not the stack: they survive a split. */
function exportFor(prefix: string, target: string, attribute: string | undefined): StackOutput {
  const value: CfnValue = attribute === undefined ? { Ref: target } : { 'Fn::GetAtt': [target, attribute] };
  return {
    name: outputKey(target, attribute),
    exportName: `${prefix}:${target}${attribute === undefined ? '' : `:${attribute.replace(/\./g, '-')}`}`,
    value,
    description: attribute === undefined ? `Ref of ${target}` : `${attribute} of ${target}`,
  };
}

function outputKey(target: string, attribute: string | undefined): string {
  return attribute === undefined ? target : `${target}${attribute.replace(/[^A-Za-z0-9]/g, '')}`;
}

function describeStack(model: ResourceModel, layer: StackLayer, bucket: string, tier: number): string {
  const env = model.spec.environment ?? 'default';
  const part = bucket === '' ? '' : bucket.startsWith('base') ? `, shared resources part ${bucket.slice(5)}` : `, component bucket ${bucket} of ${STACK_BUCKETS}`;
  const tierText = tier > 1 ? `, tier ${tier} (references across buckets)` : '';
  return `dex: ${model.spec.name} (${env}), ${layer} layer${part}${tierText}. Generated by dex from dex.yaml; do not edit.`;
}

// ---------------------------------------------------------------------------------------------
// Splitting

interface SplitContext {
  readonly layer: StackLayer;
  readonly incoming: ReadonlyMap<string, readonly { source: string; key: string }[]>;
  readonly prefix: string;
  readonly thresholds: NonNullable<SplitOptions['thresholds']>;
  readonly limits: NonNullable<SplitOptions['limits']>;
  /** Tokens of parts whose stacks came out too large: split them even though they fit. */
  readonly forced: Set<string>;
}

interface Part {
  readonly bucket: string;
  /** What to force to split this part further; undefined for a single resource. */
  readonly token: string | undefined;
  readonly resources: ModelResource[];
}

/** Tokens of the whole layer and of its shared part (both stack '' of the layer). */
const WHOLE_LAYER = '*';
const SHARED = '';

/**
 * One part if the group fits; otherwise the layer-wide resources (component without '/', such as
 * 'network' or 'ecs': clusters, load balancer) stay in the unsuffixed stack the layer always had,
 * and per-component resources ('service/kyc-service', 'database/postgres') go to bucket
 * sha256(component) mod 16, so all resources of one service stay together and stay put.
 */
function splitGroup(group: ModelResource[], bucket: string, depth: number, ctx: SplitContext, token: string): Part[] {
  if (!ctx.forced.has(token) && fits(group, ctx)) return [{ bucket, token, resources: group }];
  if (group.length === 1) return [{ bucket, token: undefined, resources: group }];
  const shared = depth === 0 ? group.filter((r) => !r.component.includes('/')) : [];
  const rest = depth === 0 ? group.filter((r) => r.component.includes('/')) : group;
  const parts: Part[] = [];
  if (shared.length) {
    if (!ctx.forced.has(SHARED) && fits(shared, ctx)) parts.push({ bucket: '', token: SHARED, resources: shared });
    else parts.push(...bucketize(shared, 'base', depth, ctx));
  }
  parts.push(...bucketize(rest, bucket, depth, ctx));
  return parts;
}

function bucketize(group: ModelResource[], bucket: string, depth: number, ctx: SplitContext): Part[] {
  // Normally by component; a single component too large for one stack is spread by logical ID.
  // (A too-large component among others keeps its hash until a deeper level leaves it alone in
  // its bucket: that is how it always split, so stacks that fit before stay where they were.)
  const components = new Set(group.map((r) => r.component));
  const hashKey = components.size > 1 ? (r: ModelResource) => r.component : (r: ModelResource) => r.logicalId;
  if (depth >= MAX_HASH_DEPTH) return cutByKey(group, bucket, depth, ctx, hashKey);
  const buckets = new Map<number, ModelResource[]>();
  for (const r of group) {
    // Deeper levels salt the hash, so a bucket's members do not all land in one sub-bucket again.
    const b = bucketOfName(depth === 0 ? hashKey(r) : `${hashKey(r)}#${depth}`);
    let list = buckets.get(b);
    if (!list) buckets.set(b, (list = []));
    list.push(r);
  }
  const parts: Part[] = [];
  for (const b of [...buckets.keys()].sort((x, y) => x - y)) {
    const name = String(b).padStart(2, '0');
    const sub = bucket ? `${bucket}-${name}` : name;
    parts.push(...splitGroup(buckets.get(b)!, sub, depth + 1, ctx, sub));
  }
  return parts;
}

/** The last resort, past MAX_HASH_DEPTH: one part per key (component or logical ID), in key order. */
function cutByKey(group: ModelResource[], bucket: string, depth: number, ctx: SplitContext, hashKey: (r: ModelResource) => string): Part[] {
  const byKey = new Map<string, ModelResource[]>();
  for (const r of group) {
    const key = hashKey(r);
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(r);
  }
  const keys = [...byKey.keys()].sort();
  return keys.flatMap((key, i) => {
    const sub = `${bucket}-k${String(i).padStart(String(keys.length - 1).length, '0')}`;
    return splitGroup(byKey.get(key)!, sub, depth + 1, ctx, sub);
  });
}

function fits(group: readonly ModelResource[], ctx: SplitContext): boolean {
  if (group.length > ctx.thresholds.resources) return false;
  const members = new Set(group.map((r) => r.logicalId));
  const exported = new Set<string>();
  for (const r of group) {
    for (const ref of ctx.incoming.get(r.logicalId) ?? []) if (!members.has(ref.source)) exported.add(ref.key);
  }
  if (exported.size > ctx.thresholds.outputs) return false;
  let bytes = 2_000 + exported.size * OUTPUT_BYTES;
  for (const r of group) bytes += estimateBytes(r);
  return bytes <= ctx.thresholds.bodyBytes;
}

/**
 * One stack as it will be emitted, against CloudFormation's limits: its resources, the outputs
 * other stacks import from it (tiers of its own bucket included), and its size with every
 * reference to another stack written as an import.
 */
function slotFits(
  slot: { readonly resources: readonly ModelResource[] },
  layerSlotOf: ReadonlyMap<string, unknown>,
  earlierSlotOf: ReadonlyMap<string, unknown>,
  refs: ReadonlyMap<string, readonly ResourceReference[]>,
  ctx: SplitContext,
): boolean {
  if (slot.resources.length > ctx.limits.resources) return false;
  const self = layerSlotOf.get(slot.resources[0]!.logicalId);
  const exported = new Set<string>();
  for (const r of slot.resources) {
    for (const ref of ctx.incoming.get(r.logicalId) ?? []) if (layerSlotOf.get(ref.source) !== self) exported.add(ref.key);
  }
  if (exported.size > ctx.limits.outputs) return false;
  const base = 2_000 + exported.size * OUTPUT_BYTES;
  const producer = (target: string): unknown => layerSlotOf.get(target) ?? earlierSlotOf.get(target);
  // First a generous bound (every reference to another stack as a long import): almost every
  // stack is far below the limit, and then nothing needs rewriting to know it.
  let bound = base;
  for (const r of slot.resources) {
    bound += estimateBytes(r);
    for (const ref of refs.get(r.logicalId) ?? []) {
      if (ref.via !== 'DependsOn' && producer(ref.target) !== self) bound += IMPORT_BOUND_BYTES + ctx.prefix.length + 2 * ref.target.length + (ref.attribute?.length ?? 0);
    }
  }
  if (bound <= ctx.limits.bodyBytes) return true;
  let bytes = base;
  // The imports as they will be written: a dry run of the rewrite (a later layer's target stays a
  // reference here; the real rewrite rejects it).
  const dryRun: RewriteContext = {
    resolve: (target, attribute) => {
      const p = producer(target);
      return p === undefined || p === self ? undefined : exportFor(ctx.prefix, target, attribute);
    },
  };
  for (const r of slot.resources) {
    const crosses = (refs.get(r.logicalId) ?? []).some((ref) => ref.via !== 'DependsOn' && producer(ref.target) !== undefined && producer(ref.target) !== self);
    bytes += crosses ? estimateBytes({ ...r, properties: rewriteValue(r.properties as CfnValue, dryRun) as Record<string, CfnValue> }) : estimateBytes(r);
    if (bytes > ctx.limits.bodyBytes) return false;
  }
  return true;
}

/** Emitted YAML of one output (name, description, value, export), beyond the names in it. */
const OUTPUT_BYTES = 300;
/** More than a reference can grow by as an import (`Fn::ImportValue`, a Sub variable and its map entry, their indentation). */
const IMPORT_BOUND_BYTES = 200;
const sizeCache = new WeakMap<ModelResource, number>();

/**
 * Emitted YAML size of a resource, from a walk that mimics block-style YAML: each key on its own
 * indented line, every string counted as if quoted. Slightly above the real size, never far off.
 */
function estimateBytes(r: ModelResource): number {
  let size = sizeCache.get(r);
  if (size === undefined) {
    // "  Id:\n    Type: T\n    DeletionPolicy: …\n    Properties:\n" and properties at indent 6.
    size = 60 + r.logicalId.length + r.type.length + (r.dependsOn ?? []).reduce((n, d) => n + d.length + 9, 0) + yamlBytes(r.properties as CfnValue, 6);
    sizeCache.set(r, size);
  }
  return size;
}

/** Bytes of `value` written after a key (`key:` already counted) whose children sit at `indent`. */
function yamlBytes(value: CfnValue, indent: number): number {
  if (value === null || typeof value !== 'object') return scalarBytes(value, indent) + 2;
  if (Array.isArray(value)) {
    if (value.length === 0) return 4;
    let n = 1;
    for (const item of value as readonly CfnValue[]) n += indent + 2 + (item !== null && typeof item === 'object' ? yamlBytes(item, indent + 2) : scalarBytes(item, indent + 2) + 1);
    return n;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return 4;
  let n = 1;
  for (const key of keys) n += indent + key.length + 3 + yamlBytes((value as Record<string, CfnValue>)[key]!, indent + 2);
  return n;
}

function scalarBytes(value: string | number | boolean | null, indent: number): number {
  if (typeof value !== 'string') return String(value).length;
  if (!value.includes('\n')) return value.length + 2;
  // Block scalar: `|-` then every line indented.
  return 3 + value.length + (value.split('\n').length) * (indent + 1);
}

const bucketCache = new Map<string, number>();

/**
 * A name's bucket: the first 32 bits of sha256(name) mod 16. Fixed and well known (the bucket of
 * a name must never change between dex versions); sha256 because its low bits are well mixed,
 * which the salted re-split of a full bucket relies on.
 */
export function bucketOfName(name: string): number {
  let bucket = bucketCache.get(name);
  if (bucket === undefined) {
    bucket = createHash('sha256').update(name).digest().readUInt32BE(0) % STACK_BUCKETS;
    bucketCache.set(name, bucket);
  }
  return bucket;
}

/** Shared parts of a split layer (the unsuffixed stack, or its 'base-NN' pieces) deploy before the buckets. */
function rankOf(bucket: string): number {
  return bucket === '' || bucket.startsWith('base') ? 0 : 1;
}

/**
 * In a split layer, a resource that references one in another bucket of the same layer must deploy
 * after it. Stacks deploy by (tier, rank, bucket), so a reference to an earlier-ranked part (the
 * shared stack) needs nothing, and one to a same-ranked part pushes the resource one tier later:
 * tier(r) = max over same-layer targets t of tier(t) + (crosses to a same-or-later rank ? 1 : 0).
 * Stacks of one tier and rank therefore never reference each other.
 */
function tierOf(
  members: readonly ModelResource[],
  bucketOf: ReadonlyMap<string, string>,
  refs: ReadonlyMap<string, readonly ResourceReference[]>,
): Map<string, number> {
  const tiers = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = tiers.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new ModelError(`dependency cycle through ${id}`);
    visiting.add(id);
    const bucket = bucketOf.get(id)!;
    let tier = 1;
    for (const ref of refs.get(id) ?? []) {
      const targetBucket = bucketOf.get(ref.target);
      if (targetBucket === undefined) continue; // another layer
      const free = targetBucket === bucket || rankOf(targetBucket) < rankOf(bucket);
      tier = Math.max(tier, visit(ref.target) + (free ? 0 : 1));
    }
    visiting.delete(id);
    tiers.set(id, tier);
    return tier;
  };
  for (const r of members) visit(r.logicalId);
  return tiers;
}

// ---------------------------------------------------------------------------------------------
// Rewriting references

interface RewriteContext {
  /** undefined: same stack, keep the reference; otherwise the output to import. */
  resolve(target: string, attribute: string | undefined, via: ResourceReference['via'], orderOnly?: boolean): StackOutput | undefined;
}

function importValue(out: StackOutput): CfnValue {
  return { 'Fn::ImportValue': out.exportName };
}

function rewriteValue(value: CfnValue, ctx: RewriteContext): CfnValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly CfnValue[]).map((item) => rewriteValue(item, ctx));
  const record = value as { readonly [key: string]: CfnValue };
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const key = keys[0]!;
    const arg = record[key]!;
    if (key === 'Ref' && typeof arg === 'string') {
      // Pseudo parameters and stack parameters: each stack has its own, nothing to import.
      if (arg.startsWith('AWS::') || isModelParameter(arg)) return value;
      const out = ctx.resolve(arg, undefined, 'Ref');
      return out ? importValue(out) : { Ref: arg };
    }
    if (key === 'Fn::GetAtt') {
      const parsed = parseGetAtt(arg);
      if (parsed) {
        const out = ctx.resolve(parsed.target, parsed.attribute, 'Fn::GetAtt');
        return out ? importValue(out) : { 'Fn::GetAtt': [parsed.target, parsed.attribute] };
      }
    }
    if (key === 'Fn::Sub') return rewriteSub(arg, ctx);
  }
  const out: Record<string, CfnValue> = {};
  for (const k of keys) out[k] = rewriteValue(record[k]!, ctx);
  return out;
}

/** `${X}` / `${X.Attr}` of another stack become Sub variables bound to Fn::ImportValue. */
function rewriteSub(arg: CfnValue, ctx: RewriteContext): CfnValue {
  const template = typeof arg === 'string' ? arg : Array.isArray(arg) && typeof arg[0] === 'string' ? (arg[0] as string) : undefined;
  if (template === undefined) return { 'Fn::Sub': rewriteValue(arg, ctx) };
  const given = Array.isArray(arg) && arg[1] && typeof arg[1] === 'object' && !Array.isArray(arg[1]) ? (arg[1] as Record<string, CfnValue>) : undefined;
  const variables: Record<string, CfnValue> = {};
  if (given) for (const k of Object.keys(given)) variables[k] = rewriteValue(given[k]!, ctx);
  const renames = new Map<string, string>();
  const imported: Record<string, CfnValue> = {};
  for (const v of subVariables(template)) {
    if ((given && v.name in given) || isModelParameter(v.name)) continue;
    const out = ctx.resolve(v.target, v.attribute, 'Fn::Sub');
    if (!out) continue;
    if (out.name in variables && !(out.name in imported)) throw new ModelError(`Fn::Sub variable ${out.name} is both given and imported`);
    renames.set(v.name, out.name);
    imported[out.name] = importValue(out);
  }
  if (renames.size === 0) return given ? { 'Fn::Sub': [template, variables] } : { 'Fn::Sub': template };
  const text = template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    const renamed = renames.get(inner.trim());
    return renamed === undefined ? whole : `\${${renamed}}`;
  });
  const merged: Record<string, CfnValue> = {};
  for (const k of [...Object.keys(variables), ...Object.keys(imported)].sort()) merged[k] = variables[k] ?? imported[k]!;
  return { 'Fn::Sub': [text, merged] };
}
