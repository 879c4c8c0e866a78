// Kubernetes manifests: every object valid against the Kubernetes 1.36 OpenAPI definitions (and
// the upstream CRD schemas) with unknown fields rejected, selectors matching pod labels, HPA and
// TargetGroupBinding targets existing, hardened pods, a kustomization listing every file and
// resolving every placeholder, determinism, and golden files for the reference example.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { compileEmit, emitTargets, type EnvironmentOutput } from '../../pipeline/emit.js';
import type { EmittedFile } from '../../compiler/model/output.js';
import { clusterAutoscalerImage, deploymentNames, emitKubernetes, HELM_ADDONS, kubernetesStackInputs, placeholder, SLOT_LABEL, STACK_OUTPUTS_FILE } from '../../emitters/kubernetes.js';
import { CLOUDWATCH_AGENT_ROLE, CLUSTER_AUTOSCALER_ROLE, LOAD_BALANCER_CONTROLLER_ROLE } from '../../services/eks.js';
import { expectGoldenFiles } from '../support/golden.js';
import { fixedClock } from '../support/clock.js';
import { schemaErrors } from '../support/k8s-schemas.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REFERENCE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const GOLDEN = join(ROOT, 'test/golden/dex-mobile-v6');
const EXAMPLES = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'examples', d.name, 'dex.yaml')))
  .map((d) => `examples/${d.name}/dex.yaml`)
  .sort();

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every environment of a spec (or 'default'), with the kubernetes/ files only. */
function emitAll(file: string): (EnvironmentOutput & { k8s: EmittedFile[] })[] {
  const analysis = analyzeSpec(readFileSync(join(ROOT, file)), file, { today: fixedClock });
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return emitTargets(analysis).map((c) => {
    const output = compileEmit(c, { specFile: file });
    return { ...output, k8s: output.files.filter((f) => f.path.startsWith('kubernetes/')) };
  });
}

// ---------------------------------------------------------------------------------------------
// Schemas: test/support/k8s-schemas.ts (the Kubernetes 1.36 definitions, closed; CRDs; kubernetes-models).

// ---------------------------------------------------------------------------------------------
// Kustomize, as far as dex uses it: resources, and replacements from the env-file ConfigMap.

/**
 * Sets `value` at a kustomize field path (`a.b.[key.with.dots].c`, `list.[name=x].field`); with
 * `options` (delimiter, index), only that part of the field's value, as kustomize does.
 */
function setPath(o: Obj, path: string, value: string, options?: { delimiter: string; index: number }): void {
  const parts = path.match(/\[[^\]]*\]|[^.]+/g)!;
  let at: Obj = o;
  parts.forEach((raw, i) => {
    const part = raw.startsWith('[') ? raw.slice(1, -1) : raw;
    const last = i === parts.length - 1;
    const eq = raw.startsWith('[') ? part.indexOf('=') : -1;
    if (eq > 0) {
      const found = (at as Obj[]).find((item) => String(item[part.slice(0, eq)]) === part.slice(eq + 1));
      if (!found) throw new Error(`${path}: no element ${part}`);
      at = found;
    } else if (last) {
      if (!(part in at)) throw new Error(`${path}: no field ${part}`);
      if (options) {
        const parts = String(at[part]).split(options.delimiter);
        if (options.index >= parts.length) throw new Error(`${path}: no part ${options.index} split by ${options.delimiter}`);
        parts[options.index] = value;
        at[part] = parts.join(options.delimiter);
      } else at[part] = value;
    } else {
      if (!(part in at)) throw new Error(`${path}: no field ${part}`);
      at = at[part];
    }
  });
}

function build(files: EmittedFile[], env: Record<string, string>): Obj[] {
  const byPath = new Map(files.map((f) => [f.path.slice('kubernetes/'.length), f.content]));
  const k = parse(byPath.get('kustomization.yaml')!) as Obj;
  const objects = (k.resources as string[]).map((r) => parse(byPath.get(r)!) as Obj);
  for (const r of (k.replacements ?? []) as Obj[]) {
    const key = String(r.source.fieldPath).replace(/^data\./, '');
    if (!(key in env)) throw new Error(`${STACK_OUTPUTS_FILE} lacks ${key}`);
    for (const t of r.targets as Obj[]) {
      const matches = objects.filter((o) => o.kind === t.select.kind && o.metadata.name === t.select.name && o.metadata.namespace === t.select.namespace);
      expect(matches, JSON.stringify(t.select)).toHaveLength(1);
      for (const path of t.fieldPaths as string[]) setPath(matches[0]!, path, env[key]!, t.options as { delimiter: string; index: number } | undefined);
    }
  }
  return objects;
}

const parsedObjects = (files: EmittedFile[]): Obj[] => files.filter((f) => f.path.endsWith('.yaml') && !f.path.endsWith('/kustomization.yaml')).map((f) => parse(f.content) as Obj);
const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

// ---------------------------------------------------------------------------------------------

const reference = emitAll(REFERENCE);
const examples = EXAMPLES.map((file) => ({ file, outputs: emitAll(file) }));
/** Test specs of features no example uses, validated like the examples. */
const FEATURE_SPECS = ['test/fixtures/spec/eks-standalone.dex.yaml', 'test/fixtures/spec/node-groups.dex.yaml', 'test/fixtures/spec/permissions.dex.yaml', 'test/fixtures/spec/security-context.dex.yaml', 'test/fixtures/spec/sidecars.dex.yaml'];
const all = [{ file: REFERENCE, outputs: reference }, ...examples, ...FEATURE_SPECS.map((file) => ({ file, outputs: emitAll(file) }))];
const cases = all.flatMap(({ file, outputs }) => outputs.filter((o) => o.k8s.length > 0).map((o) => [`${file} ${o.environment}`, o] as const));

describe('kubernetes emitter', () => {
  it('emits for the reference (production and staging) and the examples with EKS services', () => {
    expect(reference.map((o) => o.environment)).toEqual(['staging', 'production']);
    for (const o of reference) expect(o.k8s.length).toBeGreaterThan(10);
    expect(cases.length).toBeGreaterThanOrEqual(4);
    // A spec without EKS services emits nothing.
    expect(examples.find((e) => e.file.includes('minimal'))!.outputs.every((o) => o.k8s.length === 0)).toBe(true);
  });

  describe.each(cases)('%s', (_name, output) => {
    const objects = parsedObjects(output.k8s);
    // Services with Deployments; jobs are CronJobs (schema-checked here, their shape in test/services/kinds.test.ts).
    const eks = Object.values(output.model.spec.services).filter((s) => s.placement === 'eks' && s.kind !== 'job');
    const find = (kind: string, ns: string | undefined, name: string): Obj | undefined => objects.find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);
    /** A service's Deployments: one, or its two colours in a blue/green stage. */
    const deployments = (s: (typeof eks)[number]): Obj[] => deploymentNames(output.model.spec, s).map((name) => find('Deployment', s.name, name)!);

    it('every object passes the Kubernetes 1.36 schemas (built-ins) or the upstream CRD schemas, unknown fields rejected', () => {
      expect(objects.flatMap(schemaErrors)).toEqual([]);
      expect(new Set(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).size).toBe(objects.length);
    });

    it('also after the kustomization put the stack outputs in', () => {
      const inputs = kubernetesStackInputs(output.model.spec, output.plan);
      const env = Object.fromEntries(inputs.map((i) => [i.key, i.key.endsWith('_ARN') ? `arn:aws:iam::123456789012:role/${i.key}` : i.key.endsWith('_IMAGE') ? `123456789012.dkr.ecr.us-east-1.amazonaws.com/x:${i.key.toLowerCase()}` : `${i.key.toLowerCase()}.example`]));
      const built = build(output.k8s, env);
      expect(built.flatMap(schemaErrors)).toEqual([]);
      const text = JSON.stringify(built);
      expect(text).not.toMatch(/\$\{[A-Z0-9_]+\}/);
      for (const i of inputs.filter((x) => x.targets.length > 0)) expect(text).toContain(env[i.key]);
      // And each placeholder the manifests hold is a stack input.
      const used = new Set([...output.k8s.map((f) => f.content).join('\n').matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]));
      expect([...used].sort()).toEqual(inputs.filter((i) => i.targets.length > 0).map((i) => i.key).sort());
    });

    it('selectors match the pod labels, and HPA, VPA, PDB, NetworkPolicy, Service and TargetGroupBinding name existing objects', () => {
      for (const d of objects.filter((o) => o.kind === 'Deployment')) {
        expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
        for (const c of d.spec.template.spec.topologySpreadConstraints ?? []) expect(matches(c.labelSelector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
        expect(find('ServiceAccount', d.metadata.namespace, d.spec.template.spec.serviceAccountName)).toBeDefined();
      }
      const podsOf = (ns: string, selector: Record<string, string>): Obj[] => objects.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === ns && matches(selector, o.spec.template.metadata.labels));
      for (const o of objects) {
        const ns = o.metadata.namespace;
        // The Service selects one Deployment (the live colour in a blue/green stage); the PDB and
        // the network policy cover every Deployment of the service, both colours alike.
        const all = objects.filter((x) => x.kind === 'Deployment' && x.metadata.namespace === ns).length;
        if (o.kind === 'Service') expect(podsOf(ns, o.spec.selector), o.metadata.name).toHaveLength(1);
        if (o.kind === 'PodDisruptionBudget') expect(podsOf(ns, o.spec.selector.matchLabels)).toHaveLength(all);
        if (o.kind === 'NetworkPolicy' && Object.keys(o.spec.podSelector).length) expect(podsOf(ns, o.spec.podSelector.matchLabels)).toHaveLength(all);
        if (o.kind === 'HorizontalPodAutoscaler') expect(find(o.spec.scaleTargetRef.kind, ns, o.spec.scaleTargetRef.name)).toBeDefined();
        if (o.kind === 'VerticalPodAutoscaler') expect(find(o.spec.targetRef.kind, ns, o.spec.targetRef.name)).toBeDefined();
        if (o.kind === 'TargetGroupBinding') {
          const svc = find('Service', ns, o.spec.serviceRef.name);
          expect(svc).toBeDefined();
          expect(svc!.spec.ports.map((p: Obj) => p.port)).toContain(o.spec.serviceRef.port);
        }
        if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
          expect(find(o.roleRef.kind, o.kind === 'RoleBinding' ? ns : undefined, o.roleRef.name)).toBeDefined();
          for (const s of o.subjects) expect(find('ServiceAccount', s.namespace, s.name)).toBeDefined();
        }
        // Every namespaced object of a service lives in a namespace dex creates (or kube-system).
        if (ns !== undefined && ns !== 'kube-system') expect(find('Namespace', undefined, ns), `${o.kind} ${ns}`).toBeDefined();
      }
      for (const s of eks) {
        for (const deployment of deployments(s)) {
          const csi = deployment.spec.template.spec.volumes.find((v: Obj) => v.csi);
          if (csi) expect(find('SecretProviderClass', s.name, csi.csi.volumeAttributes.secretProviderClass)).toBeDefined();
        }
      }
    });

    it('per EKS service: namespace, IRSA service account, deployment, service, autoscalers, PDB, network policies, and a target group binding when exposed', () => {
      const exposed = new Set(output.plan.stacks.flatMap((st) => st.resources).filter((r) => r.type === 'AWS::ElasticLoadBalancingV2::TargetGroup').map((r) => r.logicalId));
      for (const s of eks) {
        const ns = s.name;
        expect(find('Namespace', undefined, ns)!.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
        expect(find('ServiceAccount', ns, s.name)!.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^\$\{[A-Z0-9_]+_ROLE_ARN\}$/);
        expect(deployments(s).every((d) => d !== undefined)).toBe(true);
        expect(find('PodDisruptionBudget', ns, s.name)).toBeDefined();
        expect(find('NetworkPolicy', ns, 'default-deny-ingress')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
        if (s.port !== undefined) expect(find('Service', ns, s.name)!.spec.ports[0].port).toBe(s.port);
        const hpa = find('HorizontalPodAutoscaler', ns, s.name);
        if (s.scaling.max > s.scaling.min) {
          expect(hpa!.spec).toMatchObject({ minReplicas: s.scaling.min, maxReplicas: s.scaling.max });
          expect(hpa!.spec.metrics[0].resource).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: s.scaling.targetCpuPercent } });
          for (const d of deployments(s)) expect(d.spec.replicas).toBeUndefined();
        } else expect(hpa).toBeUndefined();
        expect(find('VerticalPodAutoscaler', ns, s.name) !== undefined).toBe(s.scaling.vertical);
        const tgb = find('TargetGroupBinding', ns, s.name);
        expect(tgb !== undefined).toBe(exposed.has(`${s.name.split('-').map((p) => p[0]!.toUpperCase() + p.slice(1)).join('')}TargetGroup`));
      }
    });

    it('pods are hardened: non-root, read-only root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp; requests from resources, limits from resources.limits (the requests by default)', () => {
      const pods = objects.flatMap((o) => (o.kind === 'Deployment' ? [{ ns: o.metadata.namespace as string, pod: o.spec.template.spec }] : o.kind === 'CronJob' ? [{ ns: o.metadata.namespace as string, pod: o.spec.jobTemplate.spec.template.spec }] : []));
      for (const { ns, pod } of pods) {
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
        expect(pod.hostNetwork ?? false).toBe(false);
        // A service's own container may relax a default with a reason (securityContext); dex's never do.
        const service = output.model.spec.services[ns];
        const relaxed = service?.securityContext;
        for (const c of pod.containers) {
          expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: relaxed?.readOnlyRootFilesystem ?? true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } });
          expect(c.securityContext.capabilities.add ?? []).toEqual(relaxed?.addCapabilities ?? []);
          // Every container has limits; they are its requests unless its service allows bursting (resources.limits).
          expect(Object.keys(c.resources.limits).sort()).toEqual(service?.resources.ephemeralStorageGiB !== undefined ? ['cpu', 'ephemeral-storage', 'memory'] : ['cpu', 'memory']);
        }
        expect((pod.volumes ?? []).filter((v: Obj) => v.hostPath)).toEqual([]);
      }
      for (const s of eks) {
        const c = deployments(s)[0]!.spec.template.spec.containers[0];
        const scratch = s.resources.ephemeralStorageGiB !== undefined ? { 'ephemeral-storage': `${s.resources.ephemeralStorageGiB}Gi` } : {};
        expect(c.resources.requests).toEqual({ cpu: `${Math.round(s.resources.cpu * 1000)}m`, ...scratch, memory: `${s.resources.memoryMiB}Mi` });
        expect(c.resources.limits).toEqual({ cpu: `${Math.round(s.resources.limits.cpu * 1000)}m`, ...scratch, memory: `${s.resources.limits.memoryMiB}Mi` });
        if (!s.resources.limits.given) expect(c.resources.limits).toEqual(c.resources.requests);
      }
    });

    it('probes check the service as its health says (HTTP path, TCP, gRPC or its command), with the health timings', () => {
      for (const s of eks.filter((x) => x.port !== undefined)) {
        const c = deployments(s)[0]!.spec.template.spec.containers[0];
        expect(c.ports).toEqual([{ name: 'http', containerPort: s.port, protocol: 'TCP' }]);
        const h = s.health;
        const expected = h.command
          ? { exec: { command: h.command } }
          : h.check === 'tcp'
            ? { tcpSocket: { port: 'http' } }
            : h.check === 'grpc'
              ? { grpc: { port: s.port, ...(h.grpcService ? { service: h.grpcService } : {}) } }
              : { httpGet: { path: h.path, port: 'http', scheme: 'HTTP' } };
        for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
          const { periodSeconds: _p, timeoutSeconds: _t, failureThreshold: _f, successThreshold: _s, ...check } = probe;
          expect(check).toEqual(expected);
          expect(probe.periodSeconds).toBe(s.health.intervalSeconds);
          expect(probe.timeoutSeconds).toBe(s.health.timeoutSeconds);
        }
        expect(c.livenessProbe.failureThreshold).toBe(s.health.unhealthyThreshold);
        expect(c.readinessProbe.successThreshold).toBe(s.health.healthyThreshold);
        expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBeGreaterThanOrEqual(s.health.gracePeriodSeconds);
      }
    });

    it('network policies admit only the load balancer, declared EKS callers and Prometheus, on the service port', () => {
      const spec = output.model.spec;
      const zones = spec.network.availabilityZones;
      for (const s of eks.filter((x) => x.port !== undefined)) {
        const allow = find('NetworkPolicy', s.name, `allow-${s.name}`);
        const rules: Obj[] = allow?.spec.ingress ?? [];
        for (const r of rules) expect(r.ports).toEqual([{ port: s.port, protocol: 'TCP' }]);
        const cidrs = rules.flatMap((r) => r.from.filter((f: Obj) => f.ipBlock).map((f: Obj) => f.ipBlock.cidr)).sort();
        const tg = !!find('TargetGroupBinding', s.name, s.name);
        // An internal load balancer (callers on other platforms: services/discovery.ts) reaches the pods from the private subnets.
        const internal = !!find('TargetGroupBinding', s.name, `${s.name}-internal`);
        const expectedCidrs = [
          ...(tg ? spec.network.subnets.public.slice(0, zones) : []),
          ...(internal ? spec.network.subnets.private.slice(0, zones) : []),
          ...(spec.monitoring.prometheus.enabled ? spec.network.subnets.private.slice(0, zones) : []),
        ].sort();
        expect(cidrs).toEqual(expectedCidrs);
        const callers = rules.flatMap((r) => r.from.filter((f: Obj) => f.podSelector).map((f: Obj) => f.podSelector.matchLabels['app.kubernetes.io/name'])).sort();
        expect(callers).toEqual(eks.filter((c) => c.name !== s.name && c.uses.includes(s.name)).map((c) => c.name).sort());
      }
    });

    it('the kustomization lists every manifest, and every resource it lists exists', () => {
      const k = parse(output.k8s.find((f) => f.path === 'kubernetes/kustomization.yaml')!.content) as Obj;
      const manifests = output.k8s.filter((f) => f.path.endsWith('.yaml') && f.path !== 'kubernetes/kustomization.yaml').map((f) => f.path.slice('kubernetes/'.length));
      expect([...k.resources].sort()).toEqual(manifests.sort());
      expect(k.configMapGenerator[0]).toMatchObject({ envs: [STACK_OUTPUTS_FILE], options: { disableNameSuffixHash: true, annotations: { 'config.kubernetes.io/local-config': 'true' } } });
      expect(output.k8s.some((f) => f.path === `kubernetes/${STACK_OUTPUTS_FILE}`)).toBe(false);
    });

    it('stack-outputs.sh looks every input up in the stack that holds it', () => {
      const script = output.k8s.find((f) => f.path === 'kubernetes/stack-outputs.sh')!.content;
      for (const i of kubernetesStackInputs(output.model.spec, output.plan)) {
        expect(script).toContain(`out ${i.key} "$v`);
        if (i.source.kind === 'missing') throw new Error(`${i.key}: ${i.source.logicalId} is in no stack`);
        if (i.source.kind === 'image') {
          // By the repository's name, in one variable, wherever the repository was created.
          expect(script).toContain(`=${i.source.repositoryName}\n`);
          continue;
        }
        if (i.source.kind === 'literal') throw new Error(`${i.key}: the reference imports no VPC`);
        expect(script).toContain(`'${i.source.stack}' '${i.source.logicalId}'`);
        const { stack, logicalId } = i.source;
        expect(output.plan.stacks.find((st) => st.name === stack)!.resources.some((r) => r.logicalId === logicalId)).toBe(true);
      }
      expect(script.startsWith('#!/bin/sh\n')).toBe(true);
      expect(script).toContain('set -eu');
    });

    it('runs the cluster autoscaler with an IRSA role CloudFormation creates, when a node group can grow', () => {
      const grows = output.model.spec.platforms.eks.nodeGroups.some((g) => g.max > g.min);
      const sa = find('ServiceAccount', 'kube-system', 'cluster-autoscaler');
      expect(sa !== undefined).toBe(grows);
      const role = output.model.resources.find((r) => r.logicalId === CLUSTER_AUTOSCALER_ROLE);
      expect(role !== undefined).toBe(grows);
      if (!grows) return;
      const name = output.plan.stacks.find((s) => s.layer === 'eks')!.resources.find((r) => r.type === 'AWS::EKS::Cluster')!.properties.Name as string;
      const d = find('Deployment', 'kube-system', 'cluster-autoscaler')!;
      expect(d.spec.template.spec.containers[0].command).toContain(`--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/${name}`);
      expect(JSON.stringify(role!.properties)).toContain(`aws:ResourceTag/k8s.io/cluster-autoscaler/${name}`);
      expect(JSON.stringify(role!.properties)).toContain('system:serviceaccount:kube-system:cluster-autoscaler');
    });
  });

  it('the VPA never acts on what the HPA scales on', () => {
    for (const [, output] of cases) {
      for (const f of output.k8s.filter((x) => x.path.endsWith('/vertical-pod-autoscaler.yaml'))) {
        const vpa = parse(f.content) as Obj;
        const hpaFile = output.k8s.find((x) => x.path === f.path.replace('vertical', 'horizontal'));
        const hpaResources = hpaFile ? (parse(hpaFile.content) as Obj).spec.metrics.map((m: Obj) => m.resource.name) : [];
        const policy = vpa.spec.resourcePolicy.containerPolicies[0];
        const controlled: string[] = policy.mode === 'Off' ? [] : policy.controlledResources;
        expect(controlled.filter((r) => hpaResources.includes(r))).toEqual([]);
        if (controlled.length === 0) expect(vpa.spec.updatePolicy.updateMode).toBe('Off');
      }
    }
  });

  it('turns on NetworkPolicy enforcement in the VPC CNI add-on', () => {
    for (const output of reference) {
      const cni = output.model.resources.find((r) => r.type === 'AWS::EKS::Addon' && r.properties.AddonName === 'vpc-cni');
      expect(JSON.parse(cni!.properties.ConfigurationValues as string)).toEqual({ enableNetworkPolicy: 'true' });
    }
  });

  it('is deterministic: emitting twice gives the same bytes', () => {
    const again = emitAll(REFERENCE);
    expect(again.map((o) => o.k8s)).toEqual(reference.map((o) => o.k8s));
    for (const o of reference) expect(emitKubernetes({ spec: o.model.spec, model: o.model, plan: o.plan, specFile: REFERENCE })).toEqual(o.k8s);
  });

  it('the schemas reject unknown fields and wrong types, built-in kinds and CRDs alike', () => {
    const objects = parsedObjects(reference[1]!.k8s);
    const pick = (kind: string): Obj => structuredClone(objects.find((o) => o.kind === kind)!);
    const deployment = pick('Deployment');
    deployment.spec.template.spec.containers[0].securityContext.runAsRoot = true;
    expect(schemaErrors(deployment).join('\n')).toMatch(/additional properties/);
    const hpa = pick('HorizontalPodAutoscaler');
    hpa.spec.minReplicas = 'two';
    expect(schemaErrors(hpa).join('\n')).toMatch(/must be integer/);
    const tgb = pick('TargetGroupBinding');
    tgb.spec.targetGroupArn = tgb.spec.targetGroupARN;
    delete tgb.spec.targetGroupARN;
    expect(schemaErrors(tgb).join('\n')).toMatch(/targetGroupARN|additional properties/);
    const vpa = pick('VerticalPodAutoscaler');
    vpa.spec.updatePolicy.updateMode = 'Sometimes';
    expect(schemaErrors(vpa).join('\n')).toMatch(/allowed values/);
    const spc = pick('SecretProviderClass');
    spc.metadata.labelz = {};
    expect(schemaErrors(spc).join('\n')).toMatch(/additional properties/);
  });

  it('a blue/green stage emits <svc>-blue and <svc>-green, and the Service, HPA and VPA select one colour', () => {
    const production = reference.find((o) => o.environment === 'production')!;
    const staging = reference.find((o) => o.environment === 'staging')!;
    expect(production.model.spec.cicd!.stages.find((st) => st.name === 'production')!.strategy).toBe('blue-green');
    const objects = parsedObjects(production.k8s);
    const ns = 'blockchain-service';
    const inNs = (kind: string) => objects.filter((o) => o.kind === kind && o.metadata.namespace === ns);
    const colours = inNs('Deployment');
    expect(colours.map((d) => d.metadata.name).sort()).toEqual(['blockchain-service-blue', 'blockchain-service-green']);
    for (const d of colours) {
      const slot = d.metadata.name.split('-').at(-1);
      expect(d.metadata.labels[SLOT_LABEL]).toBe(slot);
      expect(d.spec.selector.matchLabels[SLOT_LABEL]).toBe(slot);
      expect(d.spec.template.metadata.labels[SLOT_LABEL]).toBe(slot);
    }
    // The two differ only in their colour.
    const strip = (d: Obj): string => JSON.stringify(d).replaceAll(/blockchain-service-(blue|green)|"(blue|green)"/g, 'X');
    expect(strip(colours[0]!)).toBe(strip(colours[1]!));
    const service = inNs('Service')[0]!;
    expect(service.spec.selector[SLOT_LABEL]).toBe('blue');
    const selected = colours.filter((d) => matches(service.spec.selector, d.spec.template.metadata.labels));
    expect(selected.map((d) => d.metadata.name)).toEqual(['blockchain-service-blue']);
    expect(inNs('HorizontalPodAutoscaler')[0]!.spec.scaleTargetRef.name).toBe('blockchain-service-blue');
    expect(inNs('VerticalPodAutoscaler')[0]!.spec.targetRef.name).toBe('blockchain-service-blue');
    // The image and environment reach both colours through the kustomization.
    const image = kubernetesStackInputs(production.model.spec, production.plan).find((i) => i.key === 'BLOCKCHAIN_SERVICE_IMAGE')!;
    expect(image.targets.map((t) => t.name)).toEqual(['blockchain-service-blue', 'blockchain-service-green']);
    // A rolling stage keeps one Deployment without a slot.
    const rolling = parsedObjects(staging.k8s).filter((o) => o.kind === 'Deployment' && o.metadata.namespace === ns);
    expect(rolling.map((d) => d.metadata.name)).toEqual(['blockchain-service']);
    expect(rolling[0]!.spec.selector.matchLabels[SLOT_LABEL]).toBeUndefined();
  });

  it('the cluster autoscaler has readiness and liveness probes and the release of the cluster’s minor version', () => {
    const versions = (JSON.parse(readFileSync(join(ROOT, 'schema.json'), 'utf8')) as Obj).definitions.Platforms.properties.eks.properties.version.enum as string[];
    for (const v of versions) expect(clusterAutoscalerImage(v), v).toMatch(new RegExp(`:v${v.replace('.', '\\.')}\\.\\d+$`));
    for (const [, output] of cases) {
      const d = parsedObjects(output.k8s).find((o) => o.kind === 'Deployment' && o.metadata.name === 'cluster-autoscaler');
      if (!d) continue;
      const c = d.spec.template.spec.containers[0];
      expect(c.image).toContain(`:v${output.model.spec.platforms.eks.version}.`);
      for (const probe of [c.readinessProbe, c.livenessProbe]) expect(probe.httpGet).toEqual({ path: '/health-check', port: 'metrics', scheme: 'HTTP' });
      expect(c.ports.find((p: Obj) => p.name === 'metrics').containerPort).toBe(8085);
    }
  });

  it('addons.sh installs the Load Balancer Controller and VPA at pinned chart versions, with the controller’s IRSA role', () => {
    for (const [name, output] of cases) {
      const objects = parsedObjects(output.k8s);
      const script = output.k8s.find((f) => f.path === 'kubernetes/addons.sh')?.content;
      const tgb = objects.some((o) => o.kind === 'TargetGroupBinding');
      const vpa = objects.some((o) => o.kind === 'VerticalPodAutoscaler');
      expect(script !== undefined, name).toBe(tgb || vpa);
      if (!script) continue;
      expect(() => execFileSync('sh', ['-n'], { input: script })).not.toThrow();
      expect(script.includes(`aws-load-balancer-controller --version ${HELM_ADDONS.loadBalancerController.version} `), name).toBe(tgb);
      expect(script.includes(`vertical-pod-autoscaler --version ${HELM_ADDONS.verticalPodAutoscaler.version} `), name).toBe(vpa);
      if (tgb) {
        expect(script).toContain('$(value LOAD_BALANCER_CONTROLLER_ROLE_ARN)');
        const input = kubernetesStackInputs(output.model.spec, output.plan).find((i) => i.key === 'LOAD_BALANCER_CONTROLLER_ROLE_ARN')!;
        expect(input.source).toMatchObject({ kind: 'role-arn', logicalId: LOAD_BALANCER_CONTROLLER_ROLE });
        expect(output.k8s.find((f) => f.path === 'kubernetes/stack-outputs.sh')!.content).toContain('out LOAD_BALANCER_CONTROLLER_ROLE_ARN "$v"');
      }
    }
  });

  it('installs the EKS add-ons the manifests need, with the CloudWatch agent on its own IRSA role', () => {
    for (const [name, output] of cases) {
      const addons = output.model.resources.filter((r) => r.type === 'AWS::EKS::Addon');
      const names = addons.map((r) => r.properties.AddonName as string);
      const objects = parsedObjects(output.k8s);
      expect(names, name).toContain('amazon-cloudwatch-observability');
      expect(names.includes('metrics-server'), name).toBe(objects.some((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'VerticalPodAutoscaler'));
      expect(names.includes('aws-secrets-store-csi-driver-provider'), name).toBe(objects.some((o) => o.kind === 'SecretProviderClass'));
      const cw = addons.find((r) => r.properties.AddonName === 'amazon-cloudwatch-observability')!;
      expect(cw.properties.ServiceAccountRoleArn).toEqual({ 'Fn::GetAtt': [CLOUDWATCH_AGENT_ROLE, 'Arn'] });
      const role = output.model.resources.find((r) => r.logicalId === CLOUDWATCH_AGENT_ROLE)!;
      expect(JSON.stringify(role.properties.AssumeRolePolicyDocument)).toContain('system:serviceaccount:amazon-cloudwatch:cloudwatch-agent');
      // Not on every node any more.
      expect(JSON.stringify(output.model.resources.find((r) => r.logicalId === 'EksNodeRole')!.properties)).not.toContain('CloudWatchAgentServerPolicy');
      // The agent's log groups exist first, with retention and the KMS key.
      for (const dep of cw.dependsOn!.filter((d) => d.includes('ContainerInsights'))) {
        const group = output.model.resources.find((r) => r.logicalId === dep)!;
        expect(group.properties).toMatchObject({ RetentionInDays: output.model.spec.monitoring.logs.retentionDays });
        expect(group.properties.KmsKeyId).toBeDefined();
      }
      // Unpriced with a reason, never $0.
      const performance = output.model.resources.find((r) => r.logicalId === 'EksContainerInsightsPerformanceLogs')!;
      expect(performance.usage.map((u) => u.meter)).toContain('containerInsights.observations');
      const lbc = output.model.resources.find((r) => r.logicalId === LOAD_BALANCER_CONTROLLER_ROLE);
      expect(lbc !== undefined).toBe(objects.some((o) => o.kind === 'TargetGroupBinding'));
      if (lbc) {
        const statements = (lbc.properties.Policies as Obj[])[0]!.PolicyDocument.Statement as Obj[];
        const write = statements.find((st) => st.Sid === 'RegisterPodsInOwnTargetGroups')!;
        expect(write.Condition.StringEquals['aws:ResourceTag/dex:environment']).toBe(output.model.spec.environment ?? 'default');
        // Only describes on '*'.
        for (const st of statements.filter((x) => x.Resource === '*')) for (const a of st.Action as string[]) expect(a).toMatch(/:(Describe|Get)/);
      }
    }
  });

  it('EKS pod alarms read Container Insights by dimensions that survive a colour switch, named with the environment prefix', () => {
    let checked = 0;
    for (const [name, output] of cases) {
      const spec = output.model.spec;
      const objects = parsedObjects(output.k8s);
      const cluster = output.model.resources.find((r) => r.type === 'AWS::EKS::Cluster')!;
      for (const alarm of output.model.resources.filter((r) => r.type === 'AWS::CloudWatch::Alarm' && r.properties.Namespace === 'ContainerInsights')) {
        checked++;
        const dims = Object.fromEntries((alarm.properties.Dimensions as { Name: string; Value: unknown }[]).map((d) => [d.Name, d.Value]));
        const service = alarm.component.replace(/^service\//, '');
        expect(alarm.properties.MetricName, name).toMatch(/^pod_(cpu|memory)_utilization_over_pod_limit$/);
        expect(dims.ClusterName).toEqual({ Ref: cluster.logicalId });
        expect(dims.Namespace).toBe(service);
        expect(dims.PodName).toBeUndefined();
        // The Service dimension names the Kubernetes Service, which follows the live colour.
        const k8sService = objects.find((o) => o.kind === 'Service' && o.metadata.namespace === service);
        if (k8sService) expect(dims.Service).toBe(k8sService.metadata.name);
        else expect(Object.keys(dims).sort()).toEqual(['ClusterName', 'Namespace']);
        for (const d of objects.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === service)) expect(Object.values(dims)).not.toContain(d.metadata.name === service ? '' : d.metadata.name);
        // release.sh watch-alarms reads alarms by the environment's prefix (DEX_ALARM_PREFIX).
        expect(alarm.properties.AlarmName as string).toMatch(new RegExp(`^${spec.environment ? `${spec.name}-${spec.environment}` : spec.name}-`));
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('placeholders look like ${KEY}', () => {
    expect(placeholder('A_B')).toBe('${A_B}');
  });

  it('matches the golden files of the reference example (UPDATE_GOLDEN=1 rewrites them)', () => {
    for (const output of reference) expectGoldenFiles(join(GOLDEN, output.environment), output.k8s, join(GOLDEN, output.environment, 'kubernetes'));
  });
});
