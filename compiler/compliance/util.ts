// Small readers over the resource model and the spec, shared by the rules.
import type { SpecPath } from '../../spec/diagnostics.js';
import type { CfnValue, ModelResource, ResourceModel } from '../model/types.js';
import type { Check, Evidence, RuleContext } from './types.js';

export const INDIAN_REGIONS: readonly string[] = ['ap-south-1', 'ap-south-2'];
export const isIndian = (region: string): boolean => INDIAN_REGIONS.includes(region);
/** EU/EEA regions: every AWS region in the EU today is eu-*. */
export const isEu = (region: string): boolean => region.startsWith('eu-');

export function ofType(model: ResourceModel, ...types: string[]): ModelResource[] {
  // Rules ask per database, per cache, per check: one scan of the model per question made
  // compliance quadratic. A model is never changed once built, so it is indexed once.
  let index = typeIndex.get(model);
  if (index === undefined) {
    index = new Map();
    for (const r of model.resources) {
      let list = index.get(r.type);
      if (!list) index.set(r.type, (list = []));
      list.push(r);
    }
    typeIndex.set(model, index);
  }
  if (types.length === 1) return [...(index.get(types[0]!) ?? [])];
  // Several types: in model order, as one filter over the model would give them.
  const position = positionIndex(model);
  return [...new Set(types)].flatMap((t) => index.get(t) ?? []).sort((a, b) => position.get(a)! - position.get(b)!);
}

const typeIndex = new WeakMap<ResourceModel, Map<string, ModelResource[]>>();
const positions = new WeakMap<ResourceModel, Map<ModelResource, number>>();

function positionIndex(model: ResourceModel): Map<ModelResource, number> {
  let position = positions.get(model);
  if (position === undefined) positions.set(model, (position = new Map(model.resources.map((r, i) => [r, i]))));
  return position;
}

export function prop(r: ModelResource, ...path: (string | number)[]): CfnValue | undefined {
  let v: CfnValue | undefined = r.properties as CfnValue;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, CfnValue>)[k as string];
  }
  return v;
}

/** The model's customer-managed keys (AWS::KMS::Key), by logical ID. */
export function customerKeys(model: ResourceModel): Map<string, ModelResource> {
  return new Map(ofType(model, 'AWS::KMS::Key').map((k) => [k.logicalId, k]));
}

/** A value that is { Ref: K } or { Fn::GetAtt: [K, ...] } to one of the given logical IDs. */
export function refersTo(v: CfnValue | undefined, ids: ReadonlySet<string> | Map<string, unknown>): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, CfnValue>;
  const target = typeof o.Ref === 'string' ? o.Ref : Array.isArray(o['Fn::GetAtt']) ? (o['Fn::GetAtt'] as CfnValue[])[0] : undefined;
  return typeof target === 'string' && ids.has(target) ? target : undefined;
}

export function evidence(r: ModelResource, properties: Record<string, unknown>): Evidence {
  return { logicalId: r.logicalId, type: r.type, properties };
}

export const pass = (message: string, path: SpecPath, ev: Evidence[] = []): Check => ({ ok: true, message, path, evidence: ev });
export const fail = (message: string, path: SpecPath, hint: string, ev: Evidence[] = [], severity?: Check['severity']): Check => ({
  ok: false,
  message,
  path,
  hint,
  evidence: ev,
  ...(severity ? { severity } : {}),
});

/** Public services (behind the ALB). */
export function publicServices(ctx: RuleContext): string[] {
  return Object.values(ctx.spec.services)
    .filter((s) => s.expose.public)
    .map((s) => s.name);
}

/**
 * The resource holding a database's data: its RDS primary instance, or its Aurora cluster (whose
 * instances hold none). Replicas and Aurora instances are left out.
 */
export function databaseStores(model: ResourceModel, db: string): ModelResource[] {
  return model.resources.filter(
    (x) => x.component === `database/${db}` && (x.type === 'AWS::RDS::DBCluster' || (x.type === 'AWS::RDS::DBInstance' && x.properties.SourceDBInstanceIdentifier === undefined && x.properties.DBClusterIdentifier === undefined)),
  );
}
