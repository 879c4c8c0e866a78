// The invariant behind DEX324–DEX327: a spec that `dex validate` accepts never makes emit or plan
// fail with an internal error (DEX999). Valid specs are mutated towards names that collide once
// dex derives IDs from them (hyphen and case variants, dex's reserved names, suffixes such as
// `-database`, secrets whose IDs coincide, duplicate alerts, many public services); each mutated
// spec must either be rejected by analyzeSpec or go all the way through emit (every environment,
// plus out/ci/) and the plan. Also: the ID lists the rules check (compiler/model/ids.ts) cover the
// IDs the blocks actually make, so the rules and the blocks cannot drift apart.
//
// Bounded and seeded for the suite; `npm run fuzz` runs it with FUZZ_RUNS=5000 (FUZZ_SEED to vary).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { compileEmit, compileSystemEmit, emitTargets } from '../../pipeline/emit.js';
import { planTargets } from '../../pipeline/plan.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { CACHE_ID_SUFFIXES, CACHE_SERVICE_USER_ID_SUFFIXES, cacheServiceUser, DATABASE_ID_SUFFIXES, DEX_COMPONENT_IDS, ID, SERVICE_ID_SUFFIXES, pascal } from '../../compiler/model/ids.js';
import type { ResourceModel } from '../../compiler/model/types.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { readPackageAssets } from '../../cli/adapters/assets.js';
import { withRedis6 } from '../support/specs.js';
import { fixedClock } from '../support/clock.js';
import { generateSpec } from '../support/generate-spec.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 200);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261203);

const snapshot = loadSnapshotSource();
const assets = readPackageAssets();

/** Every platform, the bastion, Prometheus and Grafana, a cache, blue-green CI and two environments. */
const rich = `dex: 1
name: fuzz
region: eu-west-1
network:
  natGateways: single
  bastion: { allowedCidrs: [203.0.113.0/24] }
  endpoints: [s3, secretsmanager]
ingress:
  tls:
    certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555
platforms:
  eks: { version: "1.33", nodeGroups: [{ name: general, instanceType: m5.large, min: 2, max: 6 }] }
services:
  orders:
    port: 8080
    placement: ecs
    expose: { public: true, path: /api/orders }
    uses: [db, cache]
    secrets: [API_KEY]
  search:
    port: 8081
    placement: eks
    expose: { public: true, path: /api/search }
    uses: [orders]
  batch:
    port: 8082
    placement: ec2
    instanceType: t3.small
databases:
  db: {}
caches:
  cache: {}
monitoring:
  prometheus: { instanceType: t3.medium }
  grafana: { instanceType: t3.small }
  alerts:
    - { name: HighCpu, metric: cpu, above: 80, for: 5m }
    - { name: Slow, metric: p95LatencyMs, above: 500, for: 5m }
    - { name: DbCpu, metric: dbCpu, above: 80, for: 5m }
  notify: { email: oncall@example.com }
cicd:
  provider: codepipeline
  source: { repository: acme/fuzz, branch: main }
  stages:
    staging: { deploy: auto }
    production: { approval: manual, strategy: blue-green }
environments:
  staging: {}
  production: {}
`;

const SEEDS = [
  { name: 'rich', text: rich },
  { name: 'generated', text: generateSpec(12, 3) },
  { name: 'reference', text: readFileSync(new URL('../fixtures/reference/dex-mobile-v6.dex.yaml', import.meta.url), 'utf8') },
  // Password users (Redis OSS 6): a secret, a permission and a schedule per service on the cache.
  { name: 'reference-redis6', text: withRedis6(readFileSync(new URL('../fixtures/reference/dex-mobile-v6.dex.yaml', import.meta.url), 'utf8')) },
] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const obj = (root: Obj, key: string): Obj => {
  if (!isObj(root[key])) root[key] = {};
  return root[key] as Obj;
};

// Names picked to collide with what dex derives from other names or keeps for itself.
const RESERVED = ['alb', 'bastion', 'bastion-host', 'endpoint', 'eks-node', 'eks-cluster', 'eks-cluster-autoscaler', 'prometheus', 'prometheus-server', 'grafana', 'grafana-server', 'flow-log', 'ci-deploy', 'ci-code-build', 'code-deploy', 'codebuild', 'kube-system', 'default', 'vpc', 'kms', 'load-balancer', 'dashboard', 'alarm-topic', 'web-acl', 'eks-oidc-provider', 'test-listener', 'monthly-budget'];
const SUFFIXES = ['-database', '-cache', '-green', '-execution', '-test', '-backup', '-cpu', '-memory', '-auth', '-replica1', '-secret', '-role', '-ecs', '-high-cpu', '-target', '-2', '2', 'x'];

type Mutation =
  | { kind: 'addService'; name: number; variant: number; suffix: number; placement: 'ecs' | 'eks' | 'ec2'; public: boolean }
  | { kind: 'renameService'; index: number; name: number; variant: number; suffix: number }
  | { kind: 'addData'; cache: boolean; name: number; variant: number; suffix: number }
  | { kind: 'addSecret'; index: number; secret: string }
  | { kind: 'addAlert'; index: number; lowerFirst: boolean; metric: string; services: boolean }
  | { kind: 'addNodeGroup'; name: number; variant: number; suffix: number }
  | { kind: 'manyPublic'; count: number }
  | { kind: 'placement'; index: number; value: 'ecs' | 'eks' | 'ec2' }
  | { kind: 'overlayPlacement'; index: number; value: 'ecs' | 'eks' | 'ec2' }
  // Generic, mostly schema-preserving changes, so the fuzzer also reaches what names do not.
  | { kind: 'number'; index: number; value: number }
  | { kind: 'transplant'; from: number; to: number }
  | { kind: 'delete'; index: number };

const placementArb = fc.constantFrom('ecs' as const, 'eks' as const, 'ec2' as const);
const nameParts = { name: fc.nat(), variant: fc.nat({ max: 5 }), suffix: fc.nat() };
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('addService' as const), ...nameParts, placement: placementArb, public: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('renameService' as const), index: fc.nat(), ...nameParts }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addData' as const), cache: fc.boolean(), ...nameParts }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addSecret' as const), index: fc.nat(), secret: fc.constantFrom('API_KEY', 'API__KEY', 'APIKEY', 'DATABASE', 'CACHE_AUTH', 'KEY', 'A_B', 'AB', 'ROLE', 'JWT_SIGNING_KEY') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addAlert' as const), index: fc.nat(), lowerFirst: fc.boolean(), metric: fc.constantFrom('cpu', 'memory', 'dbCpu', 'cacheCpu', 'unhealthyTargets'), services: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('addNodeGroup' as const), ...nameParts }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('manyPublic' as const), count: fc.constantFrom(20, 60, 99, 100, 101, 150) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('placement' as const), index: fc.nat(), value: placementArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('overlayPlacement' as const), index: fc.nat(), value: placementArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('number' as const), index: fc.nat(), value: fc.constantFrom(0, 1, 2, 3, 4, 6, 8, 10, 16, 64, 100, 1000, 3000, 65_535, 0.25, 0.5, 1.5, 16_384) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('transplant' as const), from: fc.nat(), to: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), index: fc.nat() }) },
);

/** Every leaf (scalar) of the value, with its container and key. */
function leaves(root: Json): { parent: Obj | Json[]; key: string | number; value: Json }[] {
  const out: { parent: Obj | Json[]; key: string | number; value: Json }[] = [];
  const visit = (node: Json): void => {
    const entries: [string | number, Json][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : isObj(node) ? Object.entries(node) : [];
    for (const [key, value] of entries) {
      if (value !== null && typeof value === 'object') visit(value);
      else out.push({ parent: node as Obj | Json[], key, value });
    }
  };
  visit(root);
  return out;
}

function setLeaf(parent: Obj | Json[], key: string | number, value: Json): void {
  if (Array.isArray(parent)) parent[key as number] = value;
  else parent[key as string] = value;
}

/** Every name in the spec, dex's reserved names and suffixed versions: the pool colliding names come from. */
function namesOf(root: Obj): string[] {
  return [...Object.keys(obj(root, 'services')), ...Object.keys(isObj(root['databases']) ? root['databases'] : {}), ...Object.keys(isObj(root['caches']) ? root['caches'] : {}), ...RESERVED];
}

/** A variant of a name that pascal-cases the same or nearly: hyphens moved, added or dropped, a suffix appended. */
function variantOf(root: Obj, m: { name: number; variant: number; suffix: number }): string {
  const pool = namesOf(root);
  const base = pool[m.name % pool.length]!;
  const suffix = SUFFIXES[m.suffix % SUFFIXES.length]!;
  const out = (() => {
    switch (m.variant) {
      case 0:
        return base;
      case 1:
        return base + suffix;
      case 2:
        return base.replace(/-/g, '');
      case 3: {
        const at = 1 + (m.suffix % Math.max(1, base.length - 1));
        return base[at - 1] === '-' || base[at] === '-' ? base : `${base.slice(0, at)}-${base.slice(at)}`;
      }
      case 4:
        return `${base}-${base}`.slice(0, 40);
      default:
        return base.replace(/-(\w)/, '$1-').replace(/-$/, '');
    }
  })();
  return /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/.test(out) ? out : base;
}

let exposedCounter = 0;

function mutate(root: Obj, m: Mutation): void {
  const services = obj(root, 'services');
  const names = Object.keys(services);
  switch (m.kind) {
    case 'addService': {
      const name = variantOf(root, m);
      if (Object.hasOwn(services, name)) return;
      services[name] = {
        port: 9000 + (names.length % 500),
        placement: m.placement,
        ...(m.placement === 'ec2' ? { instanceType: 't3.small' } : {}),
        ...(m.public && m.placement !== 'ec2' ? { expose: { public: true, path: `/x/${name}` } } : {}),
      };
      return;
    }
    case 'renameService': {
      if (names.length === 0) return;
      const from = names[m.index % names.length]!;
      const to = variantOf(root, m);
      if (Object.hasOwn(services, to)) return;
      const renamed: Obj = {};
      for (const n of names) renamed[n === from ? to : n] = services[n]!;
      // What named the old service now names the new one.
      for (const s of Object.values(renamed)) if (isObj(s) && Array.isArray(s['uses'])) s['uses'] = s['uses'].map((u) => (u === from ? to : u));
      root['services'] = renamed;
      if (isObj(root['environments'])) for (const env of Object.values(root['environments'])) if (isObj(env) && isObj(env['services'])) delete env['services'][from];
      const alerts = isObj(root['monitoring']) && Array.isArray(root['monitoring']['alerts']) ? root['monitoring']['alerts'] : [];
      for (const a of alerts) if (isObj(a) && Array.isArray(a['services'])) a['services'] = a['services'].map((u) => (u === from ? to : u));
      return;
    }
    case 'addData': {
      const name = variantOf(root, m);
      const section = obj(root, m.cache ? 'caches' : 'databases');
      if (Object.hasOwn(section, name) || Object.hasOwn(services, name)) return;
      section[name] = {};
      return;
    }
    case 'addSecret': {
      if (names.length === 0) return;
      const s = services[names[m.index % names.length]!];
      if (!isObj(s)) return;
      s['secrets'] = [...(Array.isArray(s['secrets']) ? s['secrets'] : []), m.secret];
      return;
    }
    case 'addAlert': {
      const alerts = (obj(root, 'monitoring')['alerts'] ??= []) as Json[];
      const existing = alerts.filter(isObj).map((a) => String(a['name']));
      const pool = [...existing, ...names.map(pascal), 'HighCpu'];
      let name = pool[m.index % pool.length]!;
      if (m.lowerFirst) name = name.charAt(0).toLowerCase() + name.slice(1);
      if (!/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(name)) name = 'HighCpu';
      alerts.push({ name, metric: m.metric, above: 80, for: '5m', ...(m.services && names.length ? { services: [names[m.index % names.length]!] } : {}) });
      return;
    }
    case 'addNodeGroup': {
      const eks = obj(obj(root, 'platforms'), 'eks');
      const groups = (eks['nodeGroups'] ??= [{ name: 'default', instanceType: 'm5.large', min: 1, max: 3 }]) as Json[];
      groups.push({ name: variantOf(root, m), instanceType: 'm5.large', min: 1, max: 2 });
      return;
    }
    case 'manyPublic': {
      for (let i = 0; i < m.count; i++) {
        const name = `pub-${exposedCounter++}`;
        services[name] = { port: 9000, placement: 'ecs', expose: { public: true, path: `/p/${name}` } };
      }
      return;
    }
    case 'placement': {
      const s = names.length ? services[names[m.index % names.length]!] : undefined;
      if (!isObj(s)) return;
      s['placement'] = m.value;
      if (m.value === 'ec2') delete s['expose'];
      return;
    }
    case 'number': {
      const numbers = leaves(root).filter((l) => typeof l.value === 'number' && l.key !== 'dex');
      if (numbers.length === 0) return;
      const at = numbers[m.index % numbers.length]!;
      setLeaf(at.parent, at.key, m.value);
      return;
    }
    case 'transplant': {
      // A value from elsewhere in the same spec, of the same type: plausible, often wrong in context.
      const all = leaves(root).filter((l) => l.key !== 'dex');
      if (all.length === 0) return;
      const from = all[m.from % all.length]!;
      const same = all.filter((l) => typeof l.value === typeof from.value);
      const to = same[m.to % same.length]!;
      setLeaf(to.parent, to.key, from.value);
      return;
    }
    case 'delete': {
      const all = leaves(root).filter((l) => l.key !== 'dex');
      if (all.length === 0) return;
      const at = all[m.index % all.length]!;
      if (Array.isArray(at.parent)) at.parent.splice(at.key as number, 1);
      else delete at.parent[at.key as string];
      return;
    }
    case 'overlayPlacement': {
      if (!isObj(root['environments']) || names.length === 0) return;
      const env = Object.values(root['environments'])[0];
      if (!isObj(env)) return;
      obj(env, 'services')[names[m.index % names.length]!] = { placement: m.value };
      return;
    }
  }
}

/** What a mutated spec did: rejected, or compiled all the way. */
type Outcome = 'invalid' | 'compiled';

/** Emit (every environment and out/ci/) and plan must not throw for a spec analyzeSpec accepts. */
function compileAll(text: string): { outcome: Outcome; analysis: Analysis } {
  const analysis = analyzeSpec(new TextEncoder().encode(text), 'fuzz.dex.yaml', { today: fixedClock });
  if (!analysis.ok) return { outcome: 'invalid', analysis };
  try {
    const outputs = emitTargets(analysis).map((c) => compileEmit(c, { specFile: 'fuzz.dex.yaml' }));
    compileSystemEmit(analysis, { specFile: 'fuzz.dex.yaml', assets, compiled: outputs });
    buildPlan(planTargets(analysis), snapshot);
    for (const c of analysis.compiled) if (c.model) checkIdTables(c.model);
  } catch (err) {
    throw new Error(`a spec dex validate accepts failed to compile:\n${text.slice(0, 4000)}\n${(err as Error).stack}`);
  }
  return { outcome: 'compiled', analysis };
}

/** Per-zone network IDs, VPC endpoints, EKS add-ons, security group rules: IDs no spec name can derive. */
const NOT_FROM_NAMES = /^(Public|Private|Database)Subnet[A-Z](RouteTableAssociation|NetworkAclAssociation)?$|^(Public|Database)NetworkAcl(InSsh|InPort)\d+$|^(NatEip|NatGateway|PrivateRouteTable|PrivateDefaultRoute)[A-Z]$|^(PublicRouteTable|PublicDefaultRoute|DatabaseRouteTable)$|Endpoint$|^EksAddon|IngressFrom|EgressTo|^Dashboard\d+$/;

/** Every ID the blocks made is one the name rules know of. */
function checkIdTables(model: ResourceModel): void {
  const spec = model.spec;
  for (const r of model.resources) {
    const [kind, name] = r.origin;
    if (r.type === 'AWS::EC2::SecurityGroupIngress' || r.type === 'AWS::EC2::SecurityGroupEgress' || NOT_FROM_NAMES.test(r.logicalId)) continue;
    const known =
      Object.hasOwn(DEX_COMPONENT_IDS, r.logicalId) ||
      (kind === 'services' && typeof name === 'string' && (SERVICE_ID_SUFFIXES.some((s) => r.logicalId === pascal(name) + s) || spec.services[name]!.secrets.some((x) => ID.serviceSecret(name, x) === r.logicalId))) ||
      (kind === 'databases' && typeof name === 'string' && (DATABASE_ID_SUFFIXES.some((s) => r.logicalId === pascal(name) + s) || /^\d+((Postgresql|Upgrade|Error|General|Slowquery|Audit|IamDbAuthError)LogGroup)?$/.test(r.logicalId.slice(`${ID.database(name)}Replica`.length)))) ||
      (kind === 'caches' && typeof name === 'string' && (CACHE_ID_SUFFIXES.some((s) => r.logicalId === pascal(name) + s) || Object.values(spec.services).some((x) => x.uses.includes(name) && ['', ...CACHE_SERVICE_USER_ID_SUFFIXES].some((s) => r.logicalId === cacheServiceUser(name, x.name) + s)))) ||
      (kind === 'cicd' && (SERVICE_ID_SUFFIXES as readonly string[]).some((s) => r.logicalId.endsWith(s) && Object.values(spec.services).some((x) => pascal(x.name) + s === r.logicalId))) ||
      (kind === 'monitoring' && r.type === 'AWS::CloudWatch::Alarm') ||
      (kind === 'platforms' && spec.platforms.eks.nodeGroups.some((g) => r.logicalId === ID.eksNodeGroup(g.name) || r.logicalId === ID.eksNodeLaunchTemplate(g.name)));
    if (!known) throw new Error(`logical ID ${r.logicalId} (${r.type}, from ${r.origin.join('.')}) is in none of the lists compiler/checks/names.ts checks: add it to compiler/model/ids.ts`);
  }
}

describe('a spec dex validate accepts always emits and plans', () => {
  it('holds for the unmutated seeds', () => {
    for (const seed of SEEDS) expect(compileAll(seed.text).outcome, seed.name).toBe('compiled');
  });

  it(`holds for specs mutated towards colliding names (${RUNS} runs)`, { timeout: Math.max(30_000, RUNS * 400) }, () => {
    const values = SEEDS.map((s) => parse(s.text) as Obj);
    const outcomes = { invalid: 0, compiled: 0 };
    fc.assert(
      fc.property(
        fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) }),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (which, mutations) => {
          const value = structuredClone(values[which]!);
          for (const m of mutations) mutate(value, m);
          outcomes[compileAll(stringify(value, { aliasDuplicateObjects: false })).outcome]++;
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    // Both sides must be exercised: mutations that all get rejected prove nothing about emit.
    expect(outcomes.compiled).toBeGreaterThan(RUNS / 5);
    expect(outcomes.invalid).toBeGreaterThan(RUNS / 5);
  });
});
