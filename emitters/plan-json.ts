// plan.json: the machine-readable record of what `dex emit` produced — stacks, resources, their
// logical IDs and a hash of their properties. Later commands (diff, price) read it back, so its
// shape is versioned (`dex: 1`) and its bytes are canonical: fixed key order, 2-space indent.
import { createHash } from 'node:crypto';
import type { StackPlan } from '../compiler/stacks.js';
import type { CfnValue, ResourceModel } from '../compiler/model/types.js';
import { templatePath } from './cloudformation.js';
import type { EmittedFile } from '../compiler/model/output.js';

/** The version of plan.json's shape, bumped when it changes: a baseline of another shape is refused, not misread. */
export const PLAN_JSON_FORMAT = 1;

export const PLAN_JSON_PATH = 'plan.json';

export function emitPlanJson(model: ResourceModel, plan: StackPlan): EmittedFile {
  const stackOfResource = new Map<string, string>();
  const emitted = new Map<string, Readonly<Record<string, CfnValue>>>();
  for (const stack of plan.stacks) {
    for (const r of stack.resources) {
      stackOfResource.set(r.logicalId, stack.name);
      emitted.set(r.logicalId, r.properties);
    }
  }
  const value = {
    dex: PLAN_JSON_FORMAT,
    system: plan.system,
    environment: plan.environment,
    region: plan.region,
    stacks: plan.stacks.map((s) => ({
      name: s.name,
      layer: s.layer,
      file: templatePath(s),
      deployOrder: s.deployOrder,
      resourceCount: s.resources.length,
      outputs: s.outputs.map((o) => ({ name: o.name, exportName: o.exportName })),
      imports: s.imports.map((i) => ({ exportName: i.exportName, fromStack: i.fromStack })),
      parameters: [...s.parameters],
    })),
    resources: model.resources.map((r) => {
      // The properties as emitted (cross-stack references already imports): what CloudFormation gets.
      const properties = canonicalize((emitted.get(r.logicalId) ?? r.properties) as CfnValue);
      return {
        logicalId: r.logicalId,
        type: r.type,
        stack: stackOfResource.get(r.logicalId) ?? null,
        layer: r.layer,
        component: r.component,
        origin: [...r.origin],
        deletionPolicy: r.deletionPolicy ?? null,
        propertiesHash: sha256(JSON.stringify(properties)),
        properties,
        usage: r.usage.map((u) => ({
          meter: u.meter,
          unit: u.unit,
          quantity: { min: u.quantity.min, max: u.quantity.max },
          attributes: canonicalize(u.attributes as CfnValue),
          basis: u.basis,
          ...(u.quantityUnknown !== undefined ? { quantityUnknown: u.quantityUnknown } : {}),
        })),
      };
    }),
  };
  return { path: PLAN_JSON_PATH, content: `${JSON.stringify(value, null, 2)}\n` };
}

/**
 * A copy with object keys sorted (code-unit order) at every depth: canonical JSON's key order.
 * (CloudFormation property names are never integer-like, which JavaScript objects would reorder.)
 */
export function canonicalize(value: CfnValue): CfnValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly CfnValue[]).map(canonicalize);
  const record = value as { readonly [key: string]: CfnValue };
  const out: Record<string, CfnValue> = {};
  for (const key of Object.keys(record).sort()) out[key] = canonicalize(record[key]!);
  return out;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
