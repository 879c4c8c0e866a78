// Kubernetes manifests for every `placement: eks` service, under out/<env>/kubernetes/, one object
// per file and a kustomization listing them all. Per service, in a namespace of its own: the
// Namespace (Pod Security "restricted"), a ServiceAccount bound to its IAM role (IRSA), a
// Deployment (requests from `resources`, limits from `resources.limits` (the requests by default), probes from `health`, non-root read-only
// containers, spread across zones, secrets mounted from Secrets Manager by the Secrets Store CSI
// driver's AWS provider), a Service, a HorizontalPodAutoscaler, a VerticalPodAutoscaler when
// `vertical: true`, a PodDisruptionBudget, NetworkPolicies (deny all ingress, then allow only the
// load balancer, the declared callers and Prometheus) and a TargetGroupBinding that joins the pods
// to the ALB target group CloudFormation created, so EKS and ECS services share one ALB and WAF
// (and, for a service ECS or EC2 services call, a second one to its internal NLB target group:
// services/discovery.ts).
// In a stage that releases blue/green the Deployment is two, <svc>-blue and <svc>-green (label
// dex.dev/slot), and the Service, HPA and VPA point at blue until the release script
// (templates/ci/release.sh, eks-*) moves them to the colour it rolled out.
// Cluster-wide: the cluster autoscaler, when a node group can grow; and addons.sh, which installs
// the two controllers the manifests need that are no EKS add-on (AWS Load Balancer Controller for
// TargetGroupBinding, VPA for VerticalPodAutoscaler) from pinned Helm charts.
//
// Values only known after CloudFormation ran (role ARNs, target group ARNs, database endpoints,
// image URIs) are `${KEY}` placeholders. The kustomization replaces each from `stack-outputs.env`
// (a configMapGenerator marked local-config, so it is never applied), which the generated
// `stack-outputs.sh` writes from the deployed stacks; `kubectl apply -k` fails while it is missing.
// docs/kubernetes.md explains it; `kubernetesStackInputs` lists the keys for the CI emitter.
import { ID, namePrefix } from '../compiler/model/ids.js';
import type { CfnValue } from '../compiler/model/types.js';
import type { StackPlan } from '../compiler/stacks.js';
import { isJob, sidecarsInStartOrder, sidecarsOf, type NormalizedProbe, type NormalizedService, type NormalizedSidecar, type NormalizedSpec, type NormalizedVolume } from '../spec/model.js';
import { FILE_SYSTEM_ID, mountedVolumes, volumeName } from '../compiler/model/volumes.js';
import { behindLoadBalancer, namedLoadBalancerOf } from '../compiler/model/exposure.js';
import { isScheduleError, kubernetesCron, parseSchedule } from '../compiler/model/schedule.js';
import { repositoryName } from '../services/ecr.js';
import {
  CLUSTER_AUTOSCALER_ROLE,
  CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
  LOAD_BALANCER_CONTROLLER_ROLE,
  LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
  eksBlueGreen,
  needsClusterAutoscaler,
  needsLoadBalancerController,
  needsVerticalPodAutoscaler,
  NODE_GROUP_LABEL,
} from '../services/eks.js';
import { CONTAINER_USER, serviceConnections } from '../services/ecs.js';
import { DISCOVERY_ID, internalTargetGroup } from '../services/discovery.js';
import { CACHE_AUTH_SECRET_KEY, CACHE_USER_SECRET_PASSWORD_KEY, cacheSignIn } from '../services/elasticache.js';
import { BROKER_SECRET_KEYS, brokerSecretName, brokersOf } from '../services/mq.js';
import { serviceAccount } from '../services/iam.js';
import type { EmittedFile } from '../compiler/model/output.js';
import { toYaml } from '../compiler/model/yaml.js';
import { commentText, jsonString, shellArg, shellQuote } from '../compiler/model/quote.js';
import { sharedSecretObject, sharedSecretReads } from '../services/secrets.js';
import { KARPENTER_ROLE_KEY, karpenterAddonLines, karpenterObjects, needsKarpenter } from './karpenter.js';
import { KARPENTER_CONTROLLER_ROLE } from '../services/karpenter.js';
import { NODE_SECURITY_GROUP_KEY, fargateObjects, fargateSecurityGroupTargets } from './eks-fargate.js';
import type { EnvironmentEmitInput, EnvironmentEmitter } from './index.js';

export const KUBERNETES_DIR = 'kubernetes';
/** The env file the kustomization reads the deploy-time values from (written by CI, never by dex). */
export const STACK_OUTPUTS_FILE = 'stack-outputs.env';
export const STACK_OUTPUTS_SCRIPT = 'stack-outputs.sh';
export const STACK_OUTPUTS_CONFIGMAP = 'dex-stack-outputs';
export const ADDONS_SCRIPT = 'addons.sh';
/** The label that tells a service's two colours apart in a blue/green stage (release.sh reads it too). */
export const SLOT_LABEL = 'dex.dev/slot';
export const SLOTS = ['blue', 'green'] as const;
/** The colour the emitted Service, HPA and VPA select; the release script moves them. */
export const FIRST_SLOT = 'blue';
/** UID/GID the containers run as when the image does not say otherwise (any non-zero one works). */
export const RUN_AS_USER = CONTAINER_USER;
/** Where the Secrets Store CSI driver mounts a service's secrets, one file per name. */
export const SECRETS_MOUNT_PATH = '/mnt/secrets';
const CSI_DRIVER = 'secrets-store.csi.k8s.io';

/**
 * cluster-autoscaler release per Kubernetes minor (the autoscaler supports its own minor only;
 * test/emitters/kubernetes.test.ts checks every version the schema allows has its own). Pinned
 * by tag: dex could not reach registry.k8s.io to read the digests (docs/kubernetes.md).
 * v1.36.1: kubernetes/autoscaler release notes (cluster-autoscaler-1.36.1).
 */
export const CLUSTER_AUTOSCALER_IMAGES: Readonly<Record<string, string>> = {
  '1.30': 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.30.2',
  '1.31': 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.1',
  '1.32': 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.1',
  '1.33': 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.0',
  '1.34': 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.3',
  '1.35': 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.0',
  '1.36': 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1',
};
const NEWEST_CLUSTER_AUTOSCALER = CLUSTER_AUTOSCALER_IMAGES['1.36']!;

/**
 * Controllers the manifests need that EKS has no add-on for, as Helm charts at pinned versions
 * (images by the version tag the chart pins; digests not read, see CLUSTER_AUTOSCALER_IMAGES).
 * - AWS Load Balancer Controller: aws/eks-charts stable/aws-load-balancer-controller, chart 3.5.0
 *   = controller v3.5.0 (Chart.yaml at eks-charts 5239609, August 2026).
 * - Vertical Pod Autoscaler: the SIG Autoscaling chart (kubernetes/autoscaler
 *   charts/vertical-pod-autoscaler), chart 0.13.0 (VPA 1.8.0).
 */
export const HELM_ADDONS = {
  loadBalancerController: { repo: 'https://aws.github.io/eks-charts', repoName: 'eks', chart: 'aws-load-balancer-controller', version: '3.5.0', image: 'v3.5.0' },
  verticalPodAutoscaler: { repo: 'https://kubernetes.github.io/autoscaler', repoName: 'autoscaler', chart: 'vertical-pod-autoscaler', version: '0.13.0' },
} as const;

export function clusterAutoscalerImage(version: string): string {
  return CLUSTER_AUTOSCALER_IMAGES[version] ?? NEWEST_CLUSTER_AUTOSCALER;
}

// ---------------------------------------------------------------------------------------------
// Deploy-time inputs.

/** How CI finds a value in the deployed stacks (the stack is the physical stack name). */
export type StackInputSource =
  /** PhysicalResourceId of the resource (a target group's is its ARN). */
  | { readonly kind: 'physical-id'; readonly stack: string; readonly logicalId: string }
  /** The ARN of the IAM role whose name is the PhysicalResourceId (`aws iam get-role`). */
  | { readonly kind: 'role-arn'; readonly stack: string; readonly logicalId: string }
  /** A CloudFormation attribute (`Fn::GetAtt`) of the resource, read from its service's API. */
  | { readonly kind: 'attribute'; readonly stack: string; readonly logicalId: string; readonly resourceType: string; readonly attribute: string; readonly prefix?: string; readonly suffix?: string }
  /**
   * The ECR repository URI plus the image tag CI deploys (`$IMAGE_TAG`), by the repository's name
   * (services/ecr.ts `repositoryName`), whichever stack holds the repository.
   */
  | { readonly kind: 'image'; readonly repositoryName: string }
  /** The model has no such resource (building blocks other than dex's own): nothing to look up. */
  | { readonly kind: 'missing'; readonly logicalId: string }
  /** A value the spec gives itself (an imported VPC's ID): nothing to look up. */
  | { readonly kind: 'literal'; readonly value: string };

export interface StackInput {
  /** Key in stack-outputs.env; the manifests hold `${key}` where it goes. */
  readonly key: string;
  readonly description: string;
  readonly source: StackInputSource;
  /** Where the kustomization puts it: kind, namespace, name and field path (none: addons.sh reads it). */
  readonly targets: readonly StackInputTarget[];
}

/** A field the kustomization writes a value into: `namespace` absent for a cluster-scoped object, `part` for one of several values in one field. */
export interface StackInputTarget {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly fieldPath: string;
  /** The field holds several values joined by `delimiter`; this one is at `index`. */
  readonly part?: { readonly delimiter: string; readonly index: number };
}

export const placeholder = (key: string): string => `\${${key}}`;
const envKey = (...parts: string[]): string => parts.join('_').toUpperCase().replace(/[^A-Z0-9]+/g, '_');

export function eksServices(spec: NormalizedSpec): NormalizedService[] {
  return Object.values(spec.services)
    .filter((s) => s.placement === 'eks')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function stackOf(plan: StackPlan, logicalId: string): string | undefined {
  return planIndex(plan).get(logicalId)?.stack;
}

function typeOf(plan: StackPlan, logicalId: string): string | undefined {
  return planIndex(plan).get(logicalId)?.type;
}

// Looked up several times per EKS service: a scan of every stack each time was quadratic.
const planIndexes = new WeakMap<StackPlan, Map<string, { readonly stack: string; readonly type: string }>>();

function planIndex(plan: StackPlan): Map<string, { readonly stack: string; readonly type: string }> {
  let index = planIndexes.get(plan);
  if (index === undefined) {
    index = new Map();
    // The first stack holding a logical ID wins, as a front-to-back search would find it.
    for (const s of plan.stacks) for (const r of s.resources) if (!index.has(r.logicalId)) index.set(r.logicalId, { stack: s.name, type: r.type });
    planIndexes.set(plan, index);
  }
  return index;
}

/** EKS services that use each service, in name order (what every service's network policy allows). */
function eksCallers(spec: NormalizedSpec): Map<string, NormalizedService[]> {
  let callers = callerIndexes.get(spec);
  if (callers === undefined) {
    callers = new Map();
    for (const c of eksServices(spec)) {
      for (const used of new Set(c.uses)) {
        if (used === c.name) continue;
        let list = callers.get(used);
        if (!list) callers.set(used, (list = []));
        list.push(c);
      }
    }
    callerIndexes.set(spec, callers);
  }
  return callers;
}

const callerIndexes = new WeakMap<NormalizedSpec, Map<string, NormalizedService[]>>();

/** The source of a value, or 'missing' when the plan has no such resource. */
function sourceFor(plan: StackPlan, logicalId: string, make: (stack: string) => StackInputSource): StackInputSource {
  const stack = stackOf(plan, logicalId);
  return stack === undefined ? { kind: 'missing', logicalId } : make(stack);
}

/** A plain environment value, or the stack input a `Fn::GetAtt` one becomes. */
interface EnvEntry {
  readonly name: string;
  readonly value: string;
  readonly input?: { readonly logicalId: string; readonly attribute: string; readonly prefix?: string; readonly suffix?: string };
}

function containerEnv(spec: NormalizedSpec, s: NormalizedService): EnvEntry[] {
  const { env } = serviceConnections(spec, s);
  return env.map(({ Name, Value }) => {
    if (typeof Value === 'string') return { name: Name, value: Value };
    // An attribute with a constant tail (`${databases.orders.endpoint}` is the address and `:5432`):
    // the stack input holds both, since a kustomize replacement sets the whole field.
    const join = (Value as { 'Fn::Join'?: readonly [string, readonly CfnValue[]] })['Fn::Join'];
    const parts: readonly CfnValue[] = join !== undefined && join[0] === '' ? join[1] : [Value];
    const at = parts.findIndex((p) => typeof p !== 'string');
    const att = at < 0 ? undefined : (parts[at] as { 'Fn::GetAtt'?: readonly [string, string] })['Fn::GetAtt'];
    const constant = (list: readonly CfnValue[]): string | undefined => (list.every((p) => typeof p === 'string') ? list.join('') : undefined);
    const [prefix, suffix] = [constant(parts.slice(0, Math.max(at, 0))), constant(parts.slice(at + 1))];
    if (!att || prefix === undefined || suffix === undefined) throw new Error(`kubernetes: ${s.name} env ${Name} is neither a string nor Fn::GetAtt: ${JSON.stringify(Value as CfnValue)}`);
    const affixes = { ...(prefix ? { prefix } : {}), ...(suffix ? { suffix } : {}) };
    return { name: Name, value: placeholder(envKey(s.name, Name)), input: { logicalId: att[0], attribute: att[1], ...affixes } };
  });
}

/**
 * Every value the manifests of an environment need from the deployed stacks, sorted by key. The
 * CI emitter runs `stack-outputs.sh` (which does these look-ups) or its own equivalent.
 */
export function kubernetesStackInputs(spec: NormalizedSpec, plan: StackPlan): StackInput[] {
  const inputs: StackInput[] = [];
  // Pods join the target group of the shared ALB or of their named load balancer alike.
  const exposed = new Set(Object.values(spec.services).filter((s) => behindLoadBalancer(spec, s)).map((s) => s.name));
  for (const s of eksServices(spec)) {
    const ns = serviceAccount(s.name).namespace;
    inputs.push({
      key: envKey(s.name, 'ROLE_ARN'),
      description: `IAM role (IRSA) of ${s.name}`,
      source: sourceFor(plan, ID.serviceRole(s.name), (stack) => ({ kind: 'role-arn', stack, logicalId: ID.serviceRole(s.name) })),
      targets: [{ kind: 'ServiceAccount', namespace: ns, name: serviceAccount(s.name).name, fieldPath: 'metadata.annotations.[eks.amazonaws.com/role-arn]' }],
    });
    if (exposed.has(s.name)) {
      inputs.push({
        key: envKey(s.name, 'TARGET_GROUP_ARN'),
        description: `ALB target group of ${s.name}`,
        source: sourceFor(plan, ID.targetGroup(s.name), (stack) => ({ kind: 'physical-id', stack, logicalId: ID.targetGroup(s.name) })),
        targets: [{ kind: 'TargetGroupBinding', namespace: ns, name: s.name, fieldPath: 'spec.targetGroupARN' }],
      });
    }
    if (internalTargetGroup(spec, s) !== undefined) {
      inputs.push({
        key: envKey(s.name, 'INTERNAL_TARGET_GROUP_ARN'),
        description: `internal NLB target group of ${s.name} (callers on other platforms)`,
        source: sourceFor(plan, DISCOVERY_ID.targetGroup(s.name), (stack) => ({ kind: 'physical-id', stack, logicalId: DISCOVERY_ID.targetGroup(s.name) })),
        targets: [{ kind: 'TargetGroupBinding', namespace: ns, name: internalBindingName(s), fieldPath: 'spec.targetGroupARN' }],
      });
    }
    if (s.image === undefined) {
      inputs.push({
        key: envKey(s.name, 'IMAGE'),
        description: `image of ${s.name}: its ECR repository URI and the tag CI deploys`,
        source: { kind: 'image', repositoryName: repositoryName(spec, s.name) },
        targets: podTargets(spec, s, ns, `containers.[name=${s.name}].image`),
      });
    }
    for (const e of containerEnv(spec, s)) {
      if (!e.input) continue;
      inputs.push({
        key: envKey(s.name, e.name),
        description: `${e.name} of ${s.name}: ${e.input.attribute} of ${e.input.logicalId}`,
        source: sourceFor(plan, e.input.logicalId, (stack) => ({ kind: 'attribute', stack, logicalId: e.input!.logicalId, resourceType: typeOf(plan, e.input!.logicalId)!, attribute: e.input!.attribute, ...(e.input!.prefix ? { prefix: e.input!.prefix } : {}), ...(e.input!.suffix ? { suffix: e.input!.suffix } : {}) })),
        targets: podTargets(spec, s, ns, `containers.[name=${s.name}].env.[name=${e.name}].value`),
      });
    }
  }
  inputs.push(...volumeInputs(spec, plan));
  if (needsClusterAutoscaler(spec)) {
    inputs.push({
      key: 'CLUSTER_AUTOSCALER_ROLE_ARN',
      description: 'IAM role (IRSA) of the cluster autoscaler',
      source: sourceFor(plan, CLUSTER_AUTOSCALER_ROLE, (stack) => ({ kind: 'role-arn', stack, logicalId: CLUSTER_AUTOSCALER_ROLE })),
      targets: [{ kind: 'ServiceAccount', namespace: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name, fieldPath: 'metadata.annotations.[eks.amazonaws.com/role-arn]' }],
    });
  }
  const fargateTargets = fargateSecurityGroupTargets(spec);
  if (fargateTargets.length) {
    inputs.push({
      key: NODE_SECURITY_GROUP_KEY,
      description: 'security group of the EKS nodes, which the Fargate pods join (SecurityGroupPolicy)',
      source: sourceFor(plan, ID.eksNodeSecurityGroup, (stack) => ({ kind: 'physical-id', stack, logicalId: ID.eksNodeSecurityGroup })),
      targets: fargateTargets,
    });
  }
  if (needsKarpenter(spec)) {
    inputs.push({ key: KARPENTER_ROLE_KEY, description: 'IAM role (IRSA) of the Karpenter controller (read by addons.sh)', source: sourceFor(plan, KARPENTER_CONTROLLER_ROLE, (stack) => ({ kind: 'role-arn', stack, logicalId: KARPENTER_CONTROLLER_ROLE })), targets: [] });
  }
  if (needsLoadBalancerController(spec)) {
    inputs.push({
      key: 'LOAD_BALANCER_CONTROLLER_ROLE_ARN',
      description: 'IAM role (IRSA) of the AWS Load Balancer Controller (read by addons.sh)',
      source: sourceFor(plan, LOAD_BALANCER_CONTROLLER_ROLE, (stack) => ({ kind: 'role-arn', stack, logicalId: LOAD_BALANCER_CONTROLLER_ROLE })),
      targets: [],
    });
    // Nodes answer IMDS only to the host network (hop limit 1): the controller gets its VPC here.
    inputs.push({
      key: 'VPC_ID',
      description: 'VPC of the cluster, for the AWS Load Balancer Controller (read by addons.sh)',
      source: spec.network.imported ? { kind: 'literal', value: spec.network.imported.vpcId } : sourceFor(plan, ID.vpc, (stack) => ({ kind: 'physical-id', stack, logicalId: ID.vpc })),
      targets: [],
    });
  }
  return inputs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The EFS IDs of the PersistentVolumes' volume handles (`<file system>::<access point>`): the file
 * system's once for every volume of it, each access point's for its own volume.
 */
function volumeInputs(spec: NormalizedSpec, plan: StackPlan): StackInput[] {
  const out: StackInput[] = [];
  const fileSystemTargets = new Map<string, StackInputTarget[]>();
  for (const s of eksServices(spec)) {
    for (const v of mountedVolumes(spec, s)) {
      const pv = persistentVolumeName(s, v);
      const handle = (index: number): StackInputTarget => ({ kind: 'PersistentVolume', name: pv, fieldPath: 'spec.csi.volumeHandle', part: { delimiter: VOLUME_HANDLE_DELIMITER, index } });
      fileSystemTargets.set(v.fileSystem, [...(fileSystemTargets.get(v.fileSystem) ?? []), handle(0)]);
      const ap = FILE_SYSTEM_ID.accessPoint(v.fileSystem, s.name);
      out.push({ key: accessPointKey(s, v), description: `EFS access point of ${s.name} on file system ${v.fileSystem}`, source: sourceFor(plan, ap, (stack) => ({ kind: 'physical-id', stack, logicalId: ap })), targets: [handle(1)] });
    }
  }
  for (const [fs, targets] of fileSystemTargets) {
    const id = FILE_SYSTEM_ID.fileSystem(fs);
    out.push({ key: fileSystemKey(fs), description: `EFS file system ${fs}`, source: sourceFor(plan, id, (stack) => ({ kind: 'physical-id', stack, logicalId: id })), targets });
  }
  return out;
}

/** Where a pod-spec field of a service is: in its Deployments, or in a job's CronJob (`field` below the pod spec). */
function podTargets(spec: NormalizedSpec, s: NormalizedService, ns: string, field: string): StackInput['targets'] {
  if (isJob(s)) return [{ kind: 'CronJob', namespace: ns, name: s.name, fieldPath: `spec.jobTemplate.spec.template.spec.${field}` }];
  return deploymentNames(spec, s).map((name) => ({ kind: 'Deployment', namespace: ns, name, fieldPath: `spec.template.spec.${field}` }));
}

/** The Deployments of a service: `<svc>`, or `<svc>-blue` and `<svc>-green` in a blue/green stage. */
export function deploymentNames(spec: NormalizedSpec, s: NormalizedService): string[] {
  return eksBlueGreen(spec) ? SLOTS.map((slot) => `${s.name}-${slot}`) : [s.name];
}

// ---------------------------------------------------------------------------------------------
// Objects.

type Obj = Record<string, unknown>;
interface Manifest {
  readonly file: string;
  readonly object: Obj;
}

const cpuQuantity = (cpu: number): string => `${Math.round(cpu * 1000)}m`;
const memQuantity = (mib: number): string => `${Math.round(mib)}Mi`;

function commonLabels(spec: NormalizedSpec): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'dex', 'app.kubernetes.io/part-of': spec.name, 'dex/environment': spec.environment ?? 'default' };
}

/** The labels a service's pods carry; the selector is the name label alone. */
export function podLabels(spec: NormalizedSpec, s: NormalizedService): Record<string, string> {
  return { 'app.kubernetes.io/name': s.name, ...commonLabels(spec) };
}
const selectorOf = (s: NormalizedService): Record<string, string> => ({ 'app.kubernetes.io/name': s.name });

const meta = (spec: NormalizedSpec, name: string, namespace: string | undefined, extra: Obj = {}): Obj => ({
  name,
  ...(namespace !== undefined ? { namespace } : {}),
  labels: { 'app.kubernetes.io/name': name, ...commonLabels(spec) },
  ...extra,
});

/** The hardened container: dex's own containers take the defaults, a service may relax them with a reason (securityContext). */
const containerSecurityContext = (relaxed: NormalizedService['securityContext'] = { readOnlyRootFilesystem: true, addCapabilities: [], reason: undefined }): Obj => ({
  allowPrivilegeEscalation: false,
  capabilities: { ...(relaxed.addCapabilities.length ? { add: [...relaxed.addCapabilities] } : {}), drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: relaxed.readOnlyRootFilesystem,
  runAsNonRoot: true,
});

const podSecurityContext = (user: number): Obj => ({
  fsGroup: user,
  runAsGroup: user,
  runAsNonRoot: true,
  runAsUser: user,
  seccompProfile: { type: 'RuntimeDefault' },
});

/** Files the CSI driver writes: the service's own secrets, its own password on the caches it uses with password users, and the AUTH tokens of those without users (databases take IAM tokens, no file). */
interface SecretFile {
  readonly objectName: string;
  readonly objectType?: 'secretsmanager' | 'ssmparameter';
  readonly alias: string;
  readonly keys: readonly { readonly path: string; readonly alias: string }[];
}

function secretFiles(spec: NormalizedSpec, s: NormalizedService): SecretFile[] {
  const prefix = namePrefix(spec);
  const files: SecretFile[] = [...new Set(s.secrets)].sort().map((name) => ({ objectName: `${prefix}/${s.name}/${name}`, alias: name, keys: [] }));
  for (const used of [...new Set(s.uses)].sort()) {
    const up = envKey(used);
    // A cache with IAM authentication has no secret for its services: they sign in with their role.
    const cache = spec.caches[used];
    const signIn = cache ? cacheSignIn(cache) : undefined;
    if (signIn === 'password') files.push({ objectName: `${prefix}/cache/${used}/users/${s.name}`, alias: `${used}-password`, keys: [{ path: CACHE_USER_SECRET_PASSWORD_KEY, alias: `${up}_PASSWORD` }] });
    if (signIn === 'token') files.push({ objectName: `${prefix}/cache/${used}/auth-token`, alias: `${used}-auth-token`, keys: [{ path: CACHE_AUTH_SECRET_KEY, alias: `${up}_AUTH_TOKEN` }] });
  }
  // Top-level secrets: one object per secret, whatever the number of its keys the service reads.
  // A whole value is the file /mnt/secrets/<env>; with keys, each key is (the JSON object itself
  // lands beside them as <name>.json, a name no variable can have).
  const reads = sharedSecretReads(spec, s);
  for (const name of [...new Set(reads.map((r) => r.secret.name))].sort()) {
    const mine = reads.filter((r) => r.secret.name === name);
    const { objectName, objectType } = sharedSecretObject(spec, mine[0]!.secret);
    const whole = mine.filter((r) => r.key === undefined);
    const keyed = mine.filter((r) => r.key !== undefined);
    for (const r of whole) files.push({ objectName, objectType, alias: r.env, keys: [] });
    if (keyed.length) files.push({ objectName, objectType, alias: `${name}.json`, keys: keyed.map((r) => ({ path: jmesPathKey(r.key!), alias: r.env })) });
  }
  for (const b of brokersOf(spec, s)) {
    const up = envKey(b.name);
    files.push({ objectName: brokerSecretName(spec, b.name), alias: `${b.name}-broker-credentials`, keys: [{ path: BROKER_SECRET_KEYS.username, alias: `${up}_USERNAME` }, { path: BROKER_SECRET_KEYS.password, alias: `${up}_PASSWORD` }] });
  }
  return files;
}

/** A JSON key as a JMESPath expression: bare when it is an identifier, else a quoted identifier. */
const jmesPathKey = (key: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : jsonString(key));

function secretProviderClass(spec: NormalizedSpec, s: NormalizedService, ns: string, files: SecretFile[]): Obj {
  const objects = files.map((f) => ({
    objectName: f.objectName,
    objectType: f.objectType ?? 'secretsmanager',
    objectAlias: f.alias,
    ...(f.keys.length ? { jmesPath: f.keys.map((k) => ({ path: k.path, objectAlias: k.alias })) } : {}),
  }));
  return {
    apiVersion: 'secrets-store.csi.x-k8s.io/v1',
    kind: 'SecretProviderClass',
    metadata: meta(spec, s.name, ns),
    spec: {
      provider: 'aws',
      parameters: { objects: toYaml(objects), region: spec.region },
    },
  };
}

/**
 * Probes from `health`: startup, liveness and readiness each from its own check (`health.startup`,
 * `.liveness`, `.readiness`, the main one where it gives none), HTTP, TCP, gRPC or its command, with
 * its interval, timeout and thresholds; the startup probe allows the grace period (its failure
 * threshold is that over its interval). A probe with no command on a service without a port is left out.
 */
function probes(s: NormalizedService): Obj {
  const { startup, liveness, readiness } = s.health;
  const base = (p: NormalizedProbe): Obj | undefined => {
    if (s.port === undefined && !p.command) return undefined;
    // A command runs in the container (exec, its words as they are); else the network check.
    const check: Obj = p.command
      ? { exec: { command: [...p.command] } }
      : p.check === 'tcp'
        ? { tcpSocket: { port: 'http' } }
        : p.check === 'grpc'
          ? { grpc: { port: s.port!, ...(p.grpcService ? { service: p.grpcService } : {}) } }
          : { httpGet: { path: p.path, port: 'http', scheme: 'HTTP' } };
    return { ...check, periodSeconds: p.intervalSeconds, timeoutSeconds: p.timeoutSeconds };
  };
  const out: Obj = {};
  const live = base(liveness);
  const ready = base(readiness);
  const start = base(startup);
  if (live) out.livenessProbe = { ...live, failureThreshold: liveness.unhealthyThreshold, successThreshold: 1 };
  if (ready) out.readinessProbe = { ...ready, failureThreshold: readiness.unhealthyThreshold, successThreshold: readiness.healthyThreshold };
  if (start) out.startupProbe = { ...start, failureThreshold: Math.max(1, Math.ceil(startup.gracePeriodSeconds / startup.intervalSeconds)), successThreshold: 1 };
  return out;
}

/**
 * Where a service's pods may run (services.<name>.nodeGroups): one group by nodeSelector, several by
 * node affinity, each with the tolerations of its groups' taints. Without a choice the pods go to
 * any untainted group, as Kubernetes places them anyway.
 */
function nodePlacement(spec: NormalizedSpec, s: NormalizedService): { affinity?: Obj; nodeSelector?: Record<string, string>; tolerations: Obj[] } {
  const chosen = spec.platforms.eks.nodeGroups.filter((g) => s.nodeGroups.includes(g.name));
  if (chosen.length === 0) return { tolerations: [] };
  const seen = new Set<string>();
  const tolerations: Obj[] = [];
  for (const t of chosen.flatMap((g) => g.taints)) {
    const key = `${t.key}=${t.value ?? ''}:${t.effect}`;
    if (seen.has(key)) continue;
    seen.add(key);
    tolerations.push(t.value !== undefined ? { effect: t.effect, key: t.key, operator: 'Equal', value: t.value } : { effect: t.effect, key: t.key, operator: 'Exists' });
  }
  const names = chosen.map((g) => g.name);
  if (names.length === 1) return { nodeSelector: { [NODE_GROUP_LABEL]: names[0]! }, tolerations };
  return {
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_GROUP_LABEL, operator: 'In', values: names }] }] } } },
    tolerations,
  };
}

/** One Deployment of a service; `slot` names its colour in a blue/green stage. */
function deployment(spec: NormalizedSpec, s: NormalizedService, ns: string, files: SecretFile[], hpa: boolean, slot?: string): Obj {
  const slotLabel: Record<string, string> = slot ? { [SLOT_LABEL]: slot } : {};
  const selector = { ...selectorOf(s), ...slotLabel };
  const nodes = nodePlacement(spec, s);
  // Scratch disk (resources.ephemeralStorage) is requested and limited as ephemeral-storage, and /tmp
  // (the only writable path of a read-only root) may then fill it.
  const scratch = s.resources.ephemeralStorageGiB === undefined ? undefined : `${s.resources.ephemeralStorageGiB}Gi`;
  const requests = { cpu: cpuQuantity(s.resources.cpu), ...(scratch ? { 'ephemeral-storage': scratch } : {}), memory: memQuantity(s.resources.memoryMiB) };
  const limits = { cpu: cpuQuantity(s.resources.limits.cpu), ...(scratch ? { 'ephemeral-storage': scratch } : {}), memory: memQuantity(s.resources.limits.memoryMiB) };
  const env = containerEnv(spec, s).map((e) => ({ name: e.name, value: e.value }));
  const volumeMounts: Obj[] = [{ name: 'tmp', mountPath: '/tmp' }];
  const volumes: Obj[] = [{ name: 'tmp', emptyDir: { sizeLimit: scratch ?? '256Mi' } }, ...sidecarsOf(s).map((c) => ({ name: sidecarTmp(c), emptyDir: { sizeLimit: '256Mi' } }))];
  const sidecars = sidecarsInStartOrder(s).map((c) => nativeSidecar(c, files.length > 0));
  // EFS through the claim bound to the service's own PersistentVolume (its access point).
  for (const v of mountedVolumes(spec, s)) {
    volumeMounts.push({ name: volumeName(v), mountPath: v.path, ...(v.readOnly ? { readOnly: true } : {}) });
    volumes.push({ name: volumeName(v), persistentVolumeClaim: { claimName: volumeName(v), ...(v.readOnly ? { readOnly: true } : {}) } });
  }
  if (files.length) {
    volumeMounts.push({ name: 'secrets', mountPath: SECRETS_MOUNT_PATH, readOnly: true });
    volumes.push({ name: 'secrets', csi: { driver: CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: s.name } } });
  }
  volumeMounts.sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1));
  volumes.sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1));
  const spread = (topologyKey: string, whenUnsatisfiable: string): Obj => ({
    labelSelector: { matchLabels: selector },
    matchLabelKeys: ['pod-template-hash'],
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: slot ? { ...meta(spec, `${s.name}-${slot}`, ns), labels: { ...podLabels(spec, s), ...slotLabel } } : meta(spec, s.name, ns),
    spec: {
      // With an HPA the replica count is its to set: re-applying the manifest must not reset it.
      ...(hpa ? {} : { replicas: s.scaling.min }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...podLabels(spec, s), ...slotLabel } },
        spec: {
          ...(nodes.affinity ? { affinity: nodes.affinity } : {}),
          automountServiceAccountToken: false,
          containers: [
            {
              name: s.name,
              image: s.image ?? placeholder(envKey(s.name, 'IMAGE')),
              imagePullPolicy: 'IfNotPresent',
              ...(s.command ? { args: [...s.command] } : {}),
              ...(env.length ? { env } : {}),
              ...(s.port !== undefined ? { ports: [{ name: 'http', containerPort: s.port, protocol: 'TCP' }] } : {}),
              resources: { limits, requests },
              ...probes(s),
              securityContext: containerSecurityContext(s.securityContext),
              volumeMounts,
            },
          ],
          enableServiceLinks: false,
          ...(sidecars.length ? { initContainers: sidecars } : {}),
          ...(nodes.nodeSelector ? { nodeSelector: nodes.nodeSelector } : {}),
          securityContext: podSecurityContext(RUN_AS_USER),
          serviceAccountName: serviceAccount(s.name).name,
          terminationGracePeriodSeconds: 30,
          ...(nodes.tolerations.length ? { tolerations: nodes.tolerations } : {}),
          topologySpreadConstraints: [spread('topology.kubernetes.io/zone', 'DoNotSchedule'), spread('kubernetes.io/hostname', 'ScheduleAnyway')],
          volumes,
        },
      },
    },
  };
}

/** A sidecar's own /tmp volume. */
const sidecarTmp = (c: NormalizedSidecar): string => `tmp-${c.name}`;

/**
 * A native sidecar (Kubernetes 1.29+): an init container that restarts always, so it starts before
 * the main container, runs beside it and stops after it. Its requests are its limits; a health
 * check is its startup and liveness probe, and, when it is essential, its readiness probe, which
 * then counts in the pod's. The same hardened container as the main one; on EKS the service's
 * secret files (the CSI volume) are mounted when it asks for secrets.
 */
function nativeSidecar(c: NormalizedSidecar, secretFiles: boolean): Obj {
  const size = { cpu: cpuQuantity(c.resources.cpu), memory: memQuantity(c.resources.memoryMiB) };
  const env = Object.keys(c.env).sort().map((k) => ({ name: k, value: c.env[k]! }));
  const h = c.health;
  const check: Obj | undefined = h?.command ? { exec: { command: [...h.command] } } : h?.tcp !== undefined ? { tcpSocket: { port: h.tcp } } : undefined;
  const base = check && h ? { ...check, periodSeconds: h.intervalSeconds, timeoutSeconds: h.timeoutSeconds } : undefined;
  const mounts: Obj[] = [...(c.secrets.length && secretFiles ? [{ name: 'secrets', mountPath: SECRETS_MOUNT_PATH, readOnly: true }] : []), { name: sidecarTmp(c), mountPath: '/tmp' }];
  mounts.sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1));
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    ...(c.command ? { args: [...c.command] } : {}),
    ...(env.length ? { env } : {}),
    ...(c.ports.length ? { ports: c.ports.map((p) => ({ containerPort: p, protocol: 'TCP' })) } : {}),
    resources: { limits: size, requests: size },
    restartPolicy: 'Always',
    ...(base && h
      ? {
          livenessProbe: { ...base, failureThreshold: h.unhealthyThreshold, successThreshold: 1 },
          ...(c.essential ? { readinessProbe: { ...base, failureThreshold: h.unhealthyThreshold, successThreshold: 1 } } : {}),
          startupProbe: { ...base, failureThreshold: Math.max(1, Math.ceil(h.gracePeriodSeconds / h.intervalSeconds)), successThreshold: 1 },
        }
      : {}),
    securityContext: containerSecurityContext(c.securityContext),
    volumeMounts: mounts,
  };
}

/**
 * A job's CronJob: its pod the Deployments' hardened pod (non-root, read-only root file system,
 * no capabilities, RuntimeDefault seccomp, no service-account token), never restarted in place:
 * a failed pod is replaced up to `retries` times (backoffLimit), a run is stopped after
 * timeoutSeconds (activeDeadlineSeconds), and a run never starts while the last one runs
 * (Forbid). A before-release job's CronJob is suspended with no real schedule: it is the template
 * the release starts its run from (kubectl create job --from=cronjob/<name>).
 */
function cronJob(spec: NormalizedSpec, s: NormalizedService & { readonly job: NonNullable<NormalizedService['job']> }, ns: string, files: SecretFile[]): Obj {
  const pod = (deployment(spec, s, ns, files, false).spec as { template: { metadata: Obj; spec: Obj } }).template;
  const { topologySpreadConstraints: _spread, ...podSpec } = pod.spec;
  const parsed = s.job.schedule === undefined ? undefined : parseSchedule(s.job.schedule);
  const cron = parsed === undefined || isScheduleError(parsed) ? undefined : kubernetesCron(parsed);
  const schedule = cron === undefined || isScheduleError(cron) ? undefined : cron.cron;
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(spec, s.name, ns),
    spec: {
      // 31 February never comes: with suspend, the CronJob only ever runs when the release starts it.
      schedule: schedule ?? '0 0 31 2 *',
      ...(schedule !== undefined ? { timeZone: s.job.timezone } : {}),
      ...(schedule === undefined ? { suspend: true } : {}),
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: podLabels(spec, s) },
        spec: {
          backoffLimit: s.job.retries,
          activeDeadlineSeconds: s.job.timeoutSeconds,
          ttlSecondsAfterFinished: 86400,
          template: { metadata: pod.metadata, spec: { ...podSpec, restartPolicy: 'Never' } },
        },
      },
    },
  };
}

/** The Deployment the emitted Service, HPA and VPA point at (the first colour in a blue/green stage). */
const liveDeployment = (spec: NormalizedSpec, s: NormalizedService): string => (eksBlueGreen(spec) ? `${s.name}-${FIRST_SLOT}` : s.name);

function hpaObject(spec: NormalizedSpec, s: NormalizedService, ns: string): Obj {
  const metric = (name: string, percent: number): Obj => ({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization: percent } } });
  const metrics = [metric('cpu', s.scaling.targetCpuPercent), ...(s.scaling.targetMemoryPercent !== undefined ? [metric('memory', s.scaling.targetMemoryPercent)] : [])];
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(spec, s.name, ns),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: liveDeployment(spec, s) },
      minReplicas: s.scaling.min,
      maxReplicas: s.scaling.max,
      metrics,
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }], selectPolicy: 'Max' } },
    },
  };
}

/**
 * VPA next to an HPA: it must not act on a resource the HPA scales on (they would fight), so it
 * controls memory when the HPA scales on CPU only, and only recommends when the HPA uses both.
 * Bounds: half to twice the declared resources.
 */
function vpaObject(spec: NormalizedSpec, s: NormalizedService, ns: string, hpa: boolean): Obj {
  const hpaResources = hpa ? ['cpu', ...(s.scaling.targetMemoryPercent !== undefined ? ['memory'] : [])] : [];
  const controlled = ['cpu', 'memory'].filter((r) => !hpaResources.includes(r));
  const bound = (factor: number): Obj => {
    const out: Obj = {};
    if (controlled.includes('cpu')) out.cpu = cpuQuantity(Math.max(0.01, s.resources.cpu * factor));
    if (controlled.includes('memory')) out.memory = memQuantity(s.resources.memoryMiB * factor);
    return out;
  };
  return {
    apiVersion: 'autoscaling.k8s.io/v1',
    kind: 'VerticalPodAutoscaler',
    metadata: meta(spec, s.name, ns),
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: liveDeployment(spec, s) },
      updatePolicy: { updateMode: controlled.length ? 'Recreate' : 'Off', minReplicas: Math.max(1, s.scaling.min) },
      resourcePolicy: {
        containerPolicies: [
          controlled.length
            ? { containerName: s.name, controlledResources: controlled, controlledValues: 'RequestsAndLimits', minAllowed: bound(0.5), maxAllowed: bound(2) }
            : { containerName: s.name, mode: 'Off' },
          // A sidecar's size is its own setting: the VPA leaves it as written.
          ...sidecarsOf(s).map((c) => ({ containerName: c.name, mode: 'Off' })),
        ],
      },
    },
  };
}

/** The TargetGroupBinding of a service's internal load balancer (its ALB one is named after the service). */
const internalBindingName = (s: NormalizedService): string => `${s.name}-internal`;

function networkPolicies(spec: NormalizedSpec, s: NormalizedService, ns: string, exposed: boolean): Manifest[] {
  const out: Manifest[] = [
    {
      file: 'network-policy-default-deny.yaml',
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta(spec, 'default-deny-ingress', ns),
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      },
    },
  ];
  if (s.port === undefined) return out;
  const port = [{ port: s.port, protocol: 'TCP' }];
  const ingress: Obj[] = [];
  const cidrs = (list: readonly string[]): Obj[] => [...new Set(list)].sort().map((cidr) => ({ ipBlock: { cidr } }));
  // The ALB targets pod IPs from its nodes in the public subnets.
  // An internal named load balancer (ingress.loadBalancers) sits in the private subnets instead; an
  // imported VPC's subnets are IDs whose ranges dex cannot know offline: the VPC range stands in.
  const internal = spec.ingress.loadBalancers?.[namedLoadBalancerOf(spec, s) ?? '']?.scheme === 'internal';
  const tierCidrs = (tier: 'public' | 'private'): readonly string[] => (spec.network.imported ? [spec.network.cidr] : spec.network.subnets[tier].slice(0, spec.network.availabilityZones));
  if (exposed) ingress.push({ from: cidrs(tierCidrs(internal ? 'private' : 'public')), ports: port });
  const callers = eksCallers(spec).get(s.name) ?? [];
  if (callers.length) {
    ingress.push({
      from: callers.map((c) => ({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': serviceAccount(c.name).namespace } },
        podSelector: { matchLabels: selectorOf(c) },
      })),
      ports: port,
    });
  }
  // Its internal load balancer (callers on other platforms) reaches the pods from its addresses in the private subnets.
  if (internalTargetGroup(spec, s) !== undefined) ingress.push({ from: cidrs(spec.network.subnets.private.slice(0, spec.network.availabilityZones)), ports: port });
  // Prometheus runs on EC2 in the private subnets; it scrapes the service port.
  if (spec.monitoring.prometheus.enabled) ingress.push({ from: cidrs(tierCidrs('private')), ports: port });
  if (ingress.length) {
    out.push({
      file: 'network-policy-allow.yaml',
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta(spec, `allow-${s.name}`, ns),
        spec: { podSelector: { matchLabels: selectorOf(s) }, policyTypes: ['Ingress'], ingress },
      },
    });
  }
  return out;
}

function serviceManifests(spec: NormalizedSpec, s: NormalizedService, exposed: boolean): Manifest[] {
  const { namespace: ns, name: saName } = serviceAccount(s.name);
  const files = secretFiles(spec, s);
  const hpa = s.scaling.max > s.scaling.min;
  const version = `v${spec.platforms.eks.version}`;
  const head: Manifest[] = [
    {
      file: 'namespace.yaml',
      object: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: meta(spec, ns, undefined, {
          labels: {
            'app.kubernetes.io/name': ns,
            ...commonLabels(spec),
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/audit-version': version,
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': version,
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/warn-version': version,
          },
        }),
      },
    },
    {
      file: 'service-account.yaml',
      object: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: meta(spec, saName, ns, {
          annotations: { 'eks.amazonaws.com/role-arn': placeholder(envKey(s.name, 'ROLE_ARN')), 'eks.amazonaws.com/sts-regional-endpoints': 'true' },
        }),
        automountServiceAccountToken: false,
      },
    },
  ];
  // A job runs to completion: a CronJob, no Deployment, Service, disruption budget or autoscaler.
  if (isJob(s)) {
    const job: Manifest[] = [...head, { file: 'cron-job.yaml', object: cronJob(spec, s, ns, files) }, ...networkPolicies(spec, s, ns, false)];
    if (files.length) job.push({ file: 'secret-provider-class.yaml', object: secretProviderClass(spec, s, ns, files) });
    return job.map((m) => ({ ...m, file: `${ns}/${m.file}` }));
  }
  const out: Manifest[] = [
    ...head,
    ...(eksBlueGreen(spec)
      ? SLOTS.map((slot) => ({ file: `deployment-${slot}.yaml`, object: deployment(spec, s, ns, files, hpa, slot) }))
      : [{ file: 'deployment.yaml', object: deployment(spec, s, ns, files, hpa) }]),
    {
      file: 'pod-disruption-budget.yaml',
      object: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(spec, s.name, ns), spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(s) } } },
    },
    ...networkPolicies(spec, s, ns, exposed),
  ];
  if (files.length) out.push({ file: 'secret-provider-class.yaml', object: secretProviderClass(spec, s, ns, files) });
  out.push(...volumeObjects(spec, s, ns));
  if (s.port !== undefined) {
    out.push({
      file: 'service.yaml',
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(spec, s.name, ns),
        spec: {
          type: 'ClusterIP',
          selector: { ...selectorOf(s), ...(eksBlueGreen(spec) ? { [SLOT_LABEL]: FIRST_SLOT } : {}) },
          ports: [{ name: 'http', port: s.servicePort ?? s.port, targetPort: 'http', protocol: 'TCP' }],
        },
      },
    });
  }
  if (hpa) out.push({ file: 'horizontal-pod-autoscaler.yaml', object: hpaObject(spec, s, ns) });
  if (s.scaling.vertical) out.push({ file: 'vertical-pod-autoscaler.yaml', object: vpaObject(spec, s, ns, hpa) });
  if (exposed) {
    out.push({
      file: 'target-group-binding.yaml',
      object: {
        apiVersion: 'elbv2.k8s.aws/v1beta1',
        kind: 'TargetGroupBinding',
        metadata: meta(spec, s.name, ns),
        spec: { serviceRef: { name: s.name, port: s.servicePort ?? s.port! }, targetGroupARN: placeholder(envKey(s.name, 'TARGET_GROUP_ARN')), targetType: 'ip', ipAddressType: 'ipv4' },
      },
    });
  }
  if (internalTargetGroup(spec, s) !== undefined) {
    out.push({
      file: 'target-group-binding-internal.yaml',
      object: {
        apiVersion: 'elbv2.k8s.aws/v1beta1',
        kind: 'TargetGroupBinding',
        metadata: meta(spec, internalBindingName(s), ns),
        spec: { serviceRef: { name: s.name, port: s.servicePort ?? s.port! }, targetGroupARN: placeholder(envKey(s.name, 'INTERNAL_TARGET_GROUP_ARN')), targetType: 'ip', ipAddressType: 'ipv4' },
      },
    });
  }
  return out.map((m) => ({ ...m, file: `${ns}/${m.file}` }));
}

// ---------------------------------------------------------------------------------------------
// EFS volumes: static provisioning. dex made the file system and the service's access point, so
// no StorageClass lets the driver make access points of its own: each volume is a PersistentVolume
// naming that access point (volume handle `fs-…::fsap-…`, mounted with TLS and IAM), bound by
// name to a claim in the service's namespace, which only that service's pods mount. EFS grows
// as files are written: the capacity Kubernetes requires is a formality the driver ignores.

const VOLUME_HANDLE_DELIMITER = '::';
const EFS_CSI_DRIVER = 'efs.csi.aws.com';
const EFS_NOMINAL_CAPACITY = '5Gi';
const fileSystemKey = (fs: string): string => envKey('FILE_SYSTEM', fs, 'ID');
const accessPointKey = (s: NormalizedService, v: NormalizedVolume): string => envKey(s.name, v.fileSystem, 'ACCESS_POINT_ID');
/** PersistentVolumes are cluster-wide: the service's namespace in the name keeps them apart. */
const persistentVolumeName = (s: NormalizedService, v: NormalizedVolume): string => `${serviceAccount(s.name).namespace}-${volumeName(v)}`;

function volumeObjects(spec: NormalizedSpec, s: NormalizedService, ns: string): Manifest[] {
  return mountedVolumes(spec, s).flatMap((v): Manifest[] => {
    const accessModes = [v.readOnly ? 'ReadOnlyMany' : 'ReadWriteMany'];
    const pv = persistentVolumeName(s, v);
    return [
      {
        file: `persistent-volume-${v.fileSystem}.yaml`,
        object: {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: meta(spec, pv, undefined),
          spec: {
            accessModes,
            capacity: { storage: EFS_NOMINAL_CAPACITY },
            claimRef: { name: volumeName(v), namespace: ns },
            csi: { driver: EFS_CSI_DRIVER, volumeHandle: `${placeholder(fileSystemKey(v.fileSystem))}${VOLUME_HANDLE_DELIMITER}${placeholder(accessPointKey(s, v))}`, ...(v.readOnly ? { readOnly: true } : {}) },
            mountOptions: ['iam', 'tls'],
            // The files outlive the claim: deleting it must never delete them.
            persistentVolumeReclaimPolicy: 'Retain',
            storageClassName: '',
            volumeMode: 'Filesystem',
          },
        },
      },
      {
        file: `persistent-volume-claim-${v.fileSystem}.yaml`,
        object: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: meta(spec, volumeName(v), ns),
          spec: { accessModes, resources: { requests: { storage: EFS_NOMINAL_CAPACITY } }, storageClassName: '', volumeMode: 'Filesystem', volumeName: pv },
        },
      },
    ];
  });
}

function clusterAutoscaler(spec: NormalizedSpec): Manifest[] {
  const { namespace: ns, name } = CLUSTER_AUTOSCALER_SERVICE_ACCOUNT;
  const clusterName = namePrefix(spec);
  const labels = { 'app.kubernetes.io/name': name, ...commonLabels(spec) };
  const m = (extra: Obj = {}, namespaced = true): Obj => ({ name, ...(namespaced ? { namespace: ns } : {}), labels, ...extra });
  const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]): Obj => ({ apiGroups, resources, ...(resourceNames ? { resourceNames } : {}), verbs });
  const subjects = [{ kind: 'ServiceAccount', name, namespace: ns }];
  const selector = { 'app.kubernetes.io/name': name };
  const file = (f: string): string => `${ns}/${f}`;
  return [
    {
      file: file('cluster-autoscaler-service-account.yaml'),
      object: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: m({ annotations: { 'eks.amazonaws.com/role-arn': placeholder('CLUSTER_AUTOSCALER_ROLE_ARN'), 'eks.amazonaws.com/sts-regional-endpoints': 'true' } }),
        automountServiceAccountToken: true,
      },
    },
    {
      // Rules of the upstream AWS example (cluster-autoscaler/cloudprovider/aws/examples), plus the
      // storage objects newer releases read.
      file: file('cluster-autoscaler-cluster-role.yaml'),
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: m({}, false),
        rules: [
          rule([''], ['events', 'endpoints'], ['create', 'patch']),
          rule([''], ['pods/eviction'], ['create']),
          rule([''], ['pods/status'], ['update']),
          rule([''], ['endpoints'], ['get', 'update'], ['cluster-autoscaler']),
          rule([''], ['nodes'], ['watch', 'list', 'get', 'update']),
          rule([''], ['namespaces', 'pods', 'services', 'replicationcontrollers', 'persistentvolumeclaims', 'persistentvolumes'], ['watch', 'list', 'get']),
          rule(['extensions'], ['replicasets', 'daemonsets'], ['watch', 'list', 'get']),
          rule(['policy'], ['poddisruptionbudgets'], ['watch', 'list']),
          rule(['apps'], ['statefulsets', 'replicasets', 'daemonsets'], ['watch', 'list', 'get']),
          rule(['storage.k8s.io'], ['storageclasses', 'csinodes', 'csidrivers', 'csistoragecapacities', 'volumeattachments'], ['watch', 'list', 'get']),
          rule(['batch', 'extensions'], ['jobs'], ['get', 'list', 'watch', 'patch']),
          rule(['coordination.k8s.io'], ['leases'], ['create']),
          rule(['coordination.k8s.io'], ['leases'], ['get', 'update'], ['cluster-autoscaler']),
        ],
      },
    },
    {
      file: file('cluster-autoscaler-cluster-role-binding.yaml'),
      object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: m({}, false), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects },
    },
    {
      file: file('cluster-autoscaler-role.yaml'),
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: m(),
        rules: [rule([''], ['configmaps'], ['create', 'list', 'watch']), rule([''], ['configmaps'], ['delete', 'get', 'update', 'watch'], ['cluster-autoscaler-status', 'cluster-autoscaler-priority-expander'])],
      },
    },
    {
      file: file('cluster-autoscaler-role-binding.yaml'),
      object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: m(), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects },
    },
    {
      file: file('cluster-autoscaler-deployment.yaml'),
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: m(),
        spec: {
          replicas: 1,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name,
                  image: clusterAutoscalerImage(spec.platforms.eks.version),
                  imagePullPolicy: 'IfNotPresent',
                  command: [
                    './cluster-autoscaler',
                    '--cloud-provider=aws',
                    `--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/${clusterName}`,
                    '--balance-similar-node-groups',
                    '--expander=least-waste',
                    '--skip-nodes-with-local-storage=false',
                    '--skip-nodes-with-system-pods=false',
                    '--stderrthreshold=info',
                    '--v=2',
                  ],
                  env: [{ name: 'AWS_REGION', value: spec.region }],
                  ports: [{ name: 'metrics', containerPort: 8085, protocol: 'TCP' }],
                  // /health-check answers once the autoscaler's loop runs and fails when it stalls:
                  // ready after the first pass, restarted after 30 s without one.
                  livenessProbe: { httpGet: { path: '/health-check', port: 'metrics', scheme: 'HTTP' }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 },
                  readinessProbe: { httpGet: { path: '/health-check', port: 'metrics', scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 },
                  resources: { limits: { cpu: '100m', memory: '600Mi' }, requests: { cpu: '100m', memory: '600Mi' } },
                  securityContext: containerSecurityContext(),
                },
              ],
              priorityClassName: 'system-cluster-critical',
              securityContext: podSecurityContext(65534),
              serviceAccountName: name,
            },
          },
        },
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Files.

/** Every manifest of an environment, in file order. */
export function kubernetesManifests(spec: NormalizedSpec): { file: string; object: Obj }[] {
  // Pods join the target group of the shared ALB or of their named load balancer alike.
  const exposed = new Set(Object.values(spec.services).filter((s) => behindLoadBalancer(spec, s)).map((s) => s.name));
  const out: Manifest[] = [];
  for (const s of eksServices(spec)) out.push(...serviceManifests(spec, s, exposed.has(s.name)));
  if (needsClusterAutoscaler(spec)) out.push(...clusterAutoscaler(spec));
  out.push(...karpenterObjects(spec, commonLabels(spec)), ...fargateObjects(spec, commonLabels(spec)));
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function header(spec: NormalizedSpec, specFile: string | undefined): string {
  return [
    `# Kubernetes for ${spec.name}, environment ${spec.environment ?? 'default'} (${spec.region})${specFile ? `; compiled from ${specFile}` : ''}.`,
    '# Generated by dex — do not edit: change dex.yaml and run `dex emit` again.',
  ].join('\n');
}

function kustomization(files: string[], inputs: StackInput[]): Obj {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: files,
    ...(inputs.length
      ? {
          // The deploy-time values: stack-outputs.sh writes the env file; the ConfigMap is
          // local-config, so kustomize uses it for the replacements and never applies it.
          configMapGenerator: [
            {
              name: STACK_OUTPUTS_CONFIGMAP,
              envs: [STACK_OUTPUTS_FILE],
              options: { disableNameSuffixHash: true, annotations: { 'config.kubernetes.io/local-config': 'true' } },
            },
          ],
          replacements: inputs.filter((i) => i.targets.length > 0).map((i) => ({
            source: { kind: 'ConfigMap', name: STACK_OUTPUTS_CONFIGMAP, fieldPath: `data.${i.key}` },
            targets: i.targets.map((t) => ({
              select: { kind: t.kind, name: t.name, ...(t.namespace !== undefined ? { namespace: t.namespace } : {}) },
              fieldPaths: [t.fieldPath],
              ...(t.part ? { options: { delimiter: t.part.delimiter, index: t.part.index } } : {}),
            })),
          })),
        }
      : {}),
  };
}

/** The look-up of one attribute through its service's API. */
function attributeCommand(region: string, source: Extract<StackInputSource, { kind: 'attribute' }>): string {
  const id = `"$(phys ${shellQuote(source.stack)} ${shellQuote(source.logicalId)})"`;
  const r = `--region ${shellArg(region)}`;
  if (source.resourceType === 'AWS::RDS::DBInstance' && source.attribute === 'Endpoint.Address') {
    return `aws rds describe-db-instances ${r} --db-instance-identifier ${id} --query 'DBInstances[0].Endpoint.Address' --output text`;
  }
  if (source.resourceType === 'AWS::RDS::DBCluster' && (source.attribute === 'Endpoint.Address' || source.attribute === 'ReadEndpoint.Address')) {
    const query = source.attribute === 'Endpoint.Address' ? 'DBClusters[0].Endpoint' : 'DBClusters[0].ReaderEndpoint';
    return `aws rds describe-db-clusters ${r} --db-cluster-identifier ${id} --query '${query}' --output text`;
  }
  if (source.resourceType === 'AWS::ElastiCache::ReplicationGroup') {
    const query = source.attribute === 'ConfigurationEndPoint.Address' ? 'ReplicationGroups[0].ConfigurationEndpoint.Address' : 'ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Address';
    return `aws elasticache describe-replication-groups ${r} --replication-group-id ${id} --query '${query}' --output text`;
  }
  // A queue's physical ID is its URL, a topic's its ARN (services/messaging.ts puts both in the env).
  if (source.resourceType === 'AWS::SQS::Queue' && source.attribute === 'QueueUrl') return `phys ${shellQuote(source.stack)} ${shellQuote(source.logicalId)}`;
  if (source.resourceType === 'AWS::SQS::Queue' && source.attribute === 'Arn') {
    return `aws sqs get-queue-attributes ${r} --queue-url ${id} --attribute-names QueueArn --query Attributes.QueueArn --output text`;
  }
  if (source.resourceType === 'AWS::SNS::Topic' && source.attribute === 'TopicArn') return `phys ${shellQuote(source.stack)} ${shellQuote(source.logicalId)}`;
  if (source.resourceType === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && source.attribute === 'DNSName') {
    // A load balancer's physical ID is its ARN.
    return `aws elbv2 describe-load-balancers ${r} --load-balancer-arns ${id} --query 'LoadBalancers[0].DNSName' --output text`;
  }
  return `echo ${shellQuote(`no look-up for ${source.attribute} of ${source.resourceType} ${source.logicalId}`)} >&2; exit 1`;
}

const repositoryVariable = (imageKey: string): string => `REPOSITORY_${imageKey.replace(/_IMAGE$/, '')}`;

/** A POSIX shell script printing stack-outputs.env for the deployed stacks of this environment. */
export function stackOutputsScript(spec: NormalizedSpec, inputs: StackInput[]): string {
  const region = spec.region;
  const needsTag = inputs.some((i) => i.source.kind === 'image');
  const lines = [
    '#!/bin/sh',
    `# Prints ${STACK_OUTPUTS_FILE} for ${spec.name}, environment ${spec.environment ?? 'default'}: the values the Kubernetes`,
    '# manifests take from the deployed CloudFormation stacks. Generated by dex — do not edit.',
    `#   ${needsTag ? 'IMAGE_TAG=<tag> ' : ''}sh ${STACK_OUTPUTS_SCRIPT} > ${STACK_OUTPUTS_FILE} && kubectl apply -k .`,
    'set -eu',
    ...(needsTag ? [': "${IMAGE_TAG:?set IMAGE_TAG to the image tag to deploy}"'] : []),
    `phys() { aws cloudformation describe-stack-resource --region ${shellArg(region)} --stack-name "$1" --logical-resource-id "$2" --query StackResourceDetail.PhysicalResourceId --output text; }`,
    `role_arn() { aws iam get-role --role-name "$(phys "$1" "$2")" --query Role.Arn --output text; }`,
    `repo_uri() { aws ecr describe-repositories --region ${shellArg(region)} --repository-names "$1" --query 'repositories[0].repositoryUri' --output text; }`,
    // An assignment fails the script under `set -e`; a failing $(...) inside echo would not.
    'out() { case "$2" in ""|None) echo "no value for $1" >&2; exit 1;; esac; printf \'%s=%s\\n\' "$1" "$2"; }',
  ];
  // The repositories by name (services/ecr.ts), in one place: the look-up finds each in whichever
  // stack created it.
  const repositories = inputs.flatMap((i) => (i.source.kind === 'image' ? [{ variable: repositoryVariable(i.key), name: i.source.repositoryName }] : []));
  if (repositories.length) lines.push('# ECR repositories of the images CI builds', ...repositories.map((r) => `${r.variable}=${shellArg(r.name)}`));
  for (const i of inputs) {
    const s = i.source;
    let command: string;
    switch (s.kind) {
      case 'physical-id':
        command = `phys ${shellQuote(s.stack)} ${shellQuote(s.logicalId)}`;
        break;
      case 'role-arn':
        command = `role_arn ${shellQuote(s.stack)} ${shellQuote(s.logicalId)}`;
        break;
      case 'image':
        command = `repo_uri "$${repositoryVariable(i.key)}"`;
        break;
      case 'attribute':
        command = attributeCommand(region, s);
        break;
      case 'literal':
        command = `printf '%s' ${shellQuote(s.value)}`;
        break;
      case 'missing':
        command = `echo ${shellQuote(`${s.logicalId} is in no stack of this plan`)} >&2; exit 1`;
        break;
      default: {
        const never: never = s;
        throw new Error(`unknown source ${String(never)}`);
      }
    }
    const value = s.kind === 'image' ? '"$v:$IMAGE_TAG"' : s.kind === 'attribute' ? `${s.prefix ? shellQuote(s.prefix) : ''}"$v"${s.suffix ? shellQuote(s.suffix) : ''}` : '"$v"';
    lines.push(`# ${commentText(i.description)}`, `v=$(${command})`, `out ${shellArg(i.key)} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * addons.sh: installs the controllers that are no EKS add-on with Helm, at the pinned chart
 * versions, after stack-outputs.sh wrote stack-outputs.env and before `kubectl apply -k`.
 * Cluster-scoped (CRDs, webhooks, ClusterRoles): an administrator runs it, not the CI deploy role.
 */
export function addonsScript(spec: NormalizedSpec): string | undefined {
  const lbc = needsLoadBalancerController(spec);
  const vpa = needsVerticalPodAutoscaler(spec);
  if (!lbc && !vpa && !needsKarpenter(spec)) return undefined;
  const { loadBalancerController: l, verticalPodAutoscaler: v } = HELM_ADDONS;
  const lines = [
    '#!/bin/sh',
    `# Installs the controllers the Kubernetes manifests of ${spec.name}, environment ${spec.environment ?? 'default'} need that`,
    '# EKS has no add-on for, from Helm charts at pinned versions. Run as a cluster administrator after',
    `# the CloudFormation stacks and \`sh ${STACK_OUTPUTS_SCRIPT} > ${STACK_OUTPUTS_FILE}\`, before \`kubectl apply -k .\``,
    '# (the TargetGroupBinding and VerticalPodAutoscaler kinds come from these). Re-running upgrades in',
    '# place. Generated by dex — do not edit.',
    'set -eu',
    'cd "$(dirname "$0")"',
    `value() { v=$(sed -n "s/^$1=//p" ${STACK_OUTPUTS_FILE} 2>/dev/null); [ -n "$v" ] || { echo "no $1 in ${STACK_OUTPUTS_FILE}: run ${STACK_OUTPUTS_SCRIPT} first" >&2; exit 1; }; printf '%s' "$v"; }`,
  ];
  if (lbc) {
    const sa = LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT;
    lines.push(
      '',
      `# AWS Load Balancer Controller ${l.image}: TargetGroupBinding only (no Ingress class, no WAF or Shield`,
      '# calls), with the IRSA role of services/eks.ts.',
      `helm repo add ${l.repoName} ${shellArg(l.repo)} --force-update >/dev/null`,
      [
        `helm upgrade --install ${l.chart} ${l.repoName}/${l.chart} --version ${l.version} --namespace ${sa.namespace}`,
        `  --set-string clusterName=${shellArg(namePrefix(spec))} --set-string region=${shellArg(spec.region)} --set-string "vpcId=$(value VPC_ID)" --set-string image.tag=${l.image}`,
        `  --set serviceAccount.create=true --set-string serviceAccount.name=${sa.name}`,
        `  --set-string "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=$(value LOAD_BALANCER_CONTROLLER_ROLE_ARN)"`,
        '  --set enableShield=false --set enableWaf=false --set enableWafv2=false --set createIngressClassResource=false',
        '  --wait --timeout 10m',
      ].join(' \\\n'),
    );
  }
  if (vpa) {
    lines.push(
      '',
      '# Vertical Pod Autoscaler (recommender, updater, admission controller and its CRDs).',
      `helm repo add ${v.repoName} ${shellArg(v.repo)} --force-update >/dev/null`,
      `helm upgrade --install vpa ${v.repoName}/${v.chart} --version ${v.version} --namespace kube-system --wait --timeout 10m`,
    );
  }
  lines.push(...karpenterAddonLines(spec));
  return `${lines.join('\n')}\n`;
}

export function emitKubernetes(input: EnvironmentEmitInput): EmittedFile[] {
  const { spec, plan, specFile } = input;
  const manifests = kubernetesManifests(spec);
  if (manifests.length === 0) return [];
  const inputs = kubernetesStackInputs(spec, plan);
  const top = header(spec, specFile);
  const files: EmittedFile[] = manifests.map((m) => ({ path: `${KUBERNETES_DIR}/${m.file}`, content: `${top}\n${toYaml(m.object)}` }));
  files.push({ path: `${KUBERNETES_DIR}/kustomization.yaml`, content: `${top}\n${toYaml(kustomization(manifests.map((m) => m.file), inputs))}` });
  if (inputs.length) files.push({ path: `${KUBERNETES_DIR}/${STACK_OUTPUTS_SCRIPT}`, content: stackOutputsScript(spec, inputs) });
  const addons = addonsScript(spec);
  if (addons !== undefined) files.push({ path: `${KUBERNETES_DIR}/${ADDONS_SCRIPT}`, content: addons });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export const kubernetesEmitter: EnvironmentEmitter = { name: 'kubernetes', emit: emitKubernetes };
