// The Kubernetes 1.36 definitions (test/fixtures/k8s/README.md), closed (unknown fields
// rejected), with the upstream CRD schemas and kubernetes-models' checks: what a manifest dex
// emits must pass. Shared by the Kubernetes emitter's tests and the real-fixture tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Namespace, PersistentVolume, PersistentVolumeClaim, Service, ServiceAccount } from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any


/** additionalProperties: false on every object schema that lists its properties and says nothing else. */
function close(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(close);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Obj = {};
  for (const [k, v] of Object.entries(schema as Obj)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Obj).map(([p, s]) => [p, close(s)])) : close(v);
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/k8s/kubernetes-1.36-definitions.json'), 'utf8')) as { definitions: Record<string, Obj> };
const definitions = close(fixture.definitions) as Record<string, Obj>;
// Wire formats the OpenAPI document writes as strings: both accept a number too.
definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { anyOf: [{ type: 'number' }, { type: 'string' }] };
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: 'k8s', definitions });
const builtIn = new Map<string, ValidateFunction>();
for (const [name, def] of Object.entries(fixture.definitions)) {
  for (const gvk of (def['x-kubernetes-group-version-kind'] ?? []) as { group: string; version: string; kind: string }[]) {
    builtIn.set(`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`, ajv.compile({ $ref: `k8s#/definitions/${name}` }));
  }
}
const crdFixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/k8s/crd-schemas.json'), 'utf8')) as Record<string, { schema: Obj }>;
const crds = new Map<string, ValidateFunction>();
for (const [key, entry] of Object.entries(crdFixture)) {
  if (key === 'source') continue;
  const schema = close(entry.schema) as Obj;
  schema.properties.metadata = { $ref: 'k8s#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' };
  crds.set(key, ajv.compile(schema));
}

/** The models of kubernetes-models (enums and formats the OpenAPI document lacks). */
const MODELS: Record<string, new (o: Obj) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/PersistentVolume': PersistentVolume,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'batch/v1/CronJob': CronJob,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
} as never;

/** Schema errors of one object, as readable lines (empty when valid). */
export function schemaErrors(object: Readonly<Record<string, unknown>>): string[] {
  const o = object as Obj;
  const gvk = `${o.apiVersion}/${o.kind}`;
  const validate = builtIn.get(gvk) ?? crds.get(gvk);
  if (!validate) return [`no schema for ${gvk}`];
  const name = String(o.metadata?.name);
  const errors = validate(o) ? [] : (validate.errors ?? []).map((e) => `${gvk} ${name}${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`);
  const Model = MODELS[gvk];
  if (Model) {
    try {
      new Model(o).validate();
    } catch (err) {
      errors.push(`${gvk} ${o.metadata?.name} (kubernetes-models): ${(err as Error).message}`);
    }
  }
  return errors;
}
