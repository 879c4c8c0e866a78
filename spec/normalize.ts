// Normalize: a schema-valid dex.yaml value → NormalizedSpec. Merges the environment overlay,
// applies the defaults that schema.json declares, derives what the spec leaves implicit
// (subnets, max bounds, build contexts) and resolves `placement: auto` with its rationale.
import { carveSubnets, parseCidr } from './cidr.js';
import type { Finding } from './diagnostics.js';
import { JOB_KEYS } from './model.js';
import { engineInfo } from './database-engines.js';
import type { DexSpec, Level, NormalizedAlert, NormalizedBucket, NormalizedTable, NormalizedTableKey, StoreUse, NormalizedGrafanaSignIn, NormalizedCache, NormalizedDatabase, NormalizedNodeGroup, NormalizedService, NormalizedSidecar, NormalizedSpec, NormalizedStage, Placement, PlacementDecision, UseEnvNames, NormalizedFileSystem, NormalizedVolume, NormalizedSecretRef, NormalizedSharedSecret } from './model.js';
import { dexSchema } from './generated/validate-schema.js';
import { normalizeMessaging, queueScaling, serviceMessaging } from './messaging.js';
import { scalingSignals } from './scaling.js';
import type { Alert, Bucket, Cache, Database, GrafanaSignIn, NodeGroup, Service, Sidecar, Stage, Table, TableKey, FileSystem, Secret } from './generated/dex-spec.js';
import { normalizeBrokers, serviceBrokers } from './brokers.js';

export interface NormalizeResult {
  readonly spec: NormalizedSpec;
  readonly findings: Finding[];
}

type Plain = Record<string, unknown>;

/** Merges an environment overlay into the base: maps merge by key, lists and scalars are replaced. */
export function mergeOverlay<T>(base: T, overlay: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return (overlay === undefined ? base : overlay) as T;
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    // Own keys only, defined not assigned: a key named __proto__ or constructor is just a key.
    const merged = Object.prototype.hasOwnProperty.call(base, key) ? mergeOverlay(base[key], value) : value;
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}

/** The spec one environment deploys, as written: its overlay merged into the base, without `environments`. */
export function effectiveSpec(raw: DexSpec, environment?: string): DexSpec {
  const overlay = environment ? raw.environments?.[environment] : undefined;
  const { environments: _environments, ...baseOnly } = raw;
  return mergeOverlay(baseOnly as DexSpec, overlay ?? {});
}

function isPlainObject(v: unknown): v is Plain {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The default schema.json gives for a property: schemaDefault('Service', 'scaling', 'min'). */
export function schemaDefault<T = unknown>(definition: string, ...path: string[]): T {
  const defs = (dexSchema as { definitions: Record<string, Plain> }).definitions;
  let node: Plain | undefined = defs[definition];
  for (const key of path) {
    node = (node?.properties as Record<string, Plain> | undefined)?.[key];
    if (node && node.default === undefined && typeof node.$ref === 'string') node = { ...defs[node.$ref.replace('#/definitions/', '')], ...node };
  }
  if (node?.default === undefined) throw new Error(`schema.json has no default for ${definition}.${path.join('.')}`);
  return structuredClone(node.default) as T;
}

/** The default of `protect`: prod or production, alone or as a dash-separated part of the name. */
export const PRODUCTION_NAME = /(^|-)prod(uction)?($|-)/;

/** monitoring.grafana.signIn with its defaults; the checks (compiler/checks/grafana.ts) report what is missing. */
function normalizeGrafanaSignIn(raw: GrafanaSignIn | undefined, prefix: string): NormalizedGrafanaSignIn {
  const method = or(raw?.method, 'GrafanaSignIn', 'method');
  const ignored = (['oidc', 'cognito'] as const).filter((m) => m !== method && raw?.[m] !== undefined);
  if (method === 'oidc') {
    const o = raw?.oidc ?? {};
    const endpoints = o.authUrl !== undefined && o.tokenUrl !== undefined && o.userInfoUrl !== undefined ? { authUrl: o.authUrl, tokenUrl: o.tokenUrl, userInfoUrl: o.userInfoUrl } : undefined;
    return {
      method,
      ignored,
      issuer: o.issuer,
      endpoints,
      givenEndpoints: (['authUrl', 'tokenUrl', 'userInfoUrl'] as const).filter((k) => o[k] !== undefined),
      clientId: o.clientId,
      name: or(o.name, 'GrafanaOidc', 'name'),
      scopes: [...or(o.scopes, 'GrafanaOidc', 'scopes')],
      groupsClaim: or(o.groupsClaim, 'GrafanaOidc', 'groupsClaim'),
      allowedDomains: [...(o.allowedDomains ?? [])],
      allowedGroups: [...(o.allowedGroups ?? [])],
      roles: { admin: [...(o.roles?.admin ?? [])], editor: [...(o.roles?.editor ?? [])], viewer: [...(o.roles?.viewer ?? [])] },
    };
  }
  if (method === 'cognito') {
    return { method, ignored, domainPrefix: raw?.cognito?.domainPrefix ?? `${prefix}-grafana`.toLowerCase(), domainPrefixGiven: raw?.cognito?.domainPrefix !== undefined, threatProtection: or(raw?.cognito?.threatProtection, 'GrafanaCognito', 'threatProtection') };
  }
  return { method: 'password', ignored };
}

/** Whether an environment is production-like: its `protect`, else its name. */
export function isProtectedEnvironment(raw: Pick<DexSpec, 'environments'>, name: string): boolean {
  const declared = (raw.environments?.[name] as { protect?: boolean } | undefined)?.protect;
  return declared ?? PRODUCTION_NAME.test(name);
}

const or = <T>(value: T | undefined, definition: string, ...path: string[]): T => (value === undefined ? schemaDefault<T>(definition, ...path) : value);

type Health = NonNullable<Service['health']>;
type Probe = NonNullable<Health['startup']> & NonNullable<Health['liveness']> & NonNullable<Health['readiness']>;
const CHECK_KEYS = ['path', 'http', 'tcp', 'grpc', 'command'] as const;
const TIMING_KEYS = ['intervalSeconds', 'timeoutSeconds', 'healthyThreshold', 'unhealthyThreshold', 'gracePeriodSeconds'] as const;

/** The main check, and each of startup, liveness and readiness over it: a probe that names a check uses only its own, else the main one; each timing its own or the main one's. */
function normalizeHealth(h: Health | undefined): NormalizedService['health'] {
  const main = {
    check: h?.grpc !== undefined ? ('grpc' as const) : h?.tcp ? ('tcp' as const) : ('http' as const),
    path: h?.path ?? h?.http ?? schemaDefault<string>('Service', 'health', 'path'),
    pathGiven: h?.path !== undefined || h?.http !== undefined,
    ...(h?.grpc !== undefined ? { grpcService: h.grpc } : {}),
    ...(h?.command ? { command: [...h.command] } : {}),
    intervalSeconds: or(h?.intervalSeconds, 'Service', 'health', 'intervalSeconds'),
    timeoutSeconds: or(h?.timeoutSeconds, 'Service', 'health', 'timeoutSeconds'),
    healthyThreshold: or(h?.healthyThreshold, 'Service', 'health', 'healthyThreshold'),
    unhealthyThreshold: or(h?.unhealthyThreshold, 'Service', 'health', 'unhealthyThreshold'),
    gracePeriodSeconds: or(h?.gracePeriodSeconds, 'Service', 'health', 'gracePeriodSeconds'),
  };
  const probe = (p: Probe | undefined) => {
    const own = CHECK_KEYS.filter((k) => p?.[k] !== undefined);
    const ownTimings = TIMING_KEYS.filter((k) => p?.[k] !== undefined);
    const check =
      p === undefined || own.length === 0
        ? { check: main.check, path: main.path, pathGiven: main.pathGiven, ...(main.grpcService !== undefined ? { grpcService: main.grpcService } : {}), ...(main.command ? { command: main.command } : {}) }
        : {
            check: p.grpc !== undefined ? ('grpc' as const) : p.tcp ? ('tcp' as const) : ('http' as const),
            // A tcp or command probe without a path of its own keeps the main path for the load balancer.
            path: p.path ?? p.http ?? main.path,
            pathGiven: p.path !== undefined || p.http !== undefined || main.pathGiven,
            ...(p.grpc !== undefined ? { grpcService: p.grpc } : {}),
            ...(p.command ? { command: [...p.command] } : {}),
          };
    return {
      ...check,
      intervalSeconds: p?.intervalSeconds ?? main.intervalSeconds,
      timeoutSeconds: p?.timeoutSeconds ?? main.timeoutSeconds,
      healthyThreshold: p?.healthyThreshold ?? main.healthyThreshold,
      unhealthyThreshold: p?.unhealthyThreshold ?? main.unhealthyThreshold,
      gracePeriodSeconds: p?.gracePeriodSeconds ?? main.gracePeriodSeconds,
      own,
      ownTimings,
    };
  };
  return {
    ...main,
    given: (['path', 'http', 'tcp', 'grpc'] as const).filter((k) => h?.[k] !== undefined),
    startup: probe(h?.startup),
    liveness: probe(h?.liveness),
    readiness: probe(h?.readiness),
  };
}

/** What `expose.websocket` sets; each explicit field overrides its part. */
export const WEBSOCKET_PRESET = { idleTimeoutSeconds: 3600, stickinessSeconds: 86400, deregistrationDelaySeconds: 120, algorithm: 'least_outstanding_requests' } as const;
/** dex's deregistration delay without a setting: AWS's 300 s makes every deploy wait five minutes per batch. */
export const DEFAULT_DEREGISTRATION_DELAY_SECONDS = 30;

function normalizeTraffic(e: Service['expose']): NormalizedService['expose']['traffic'] {
  const ws = e?.websocket === true;
  const sticky = e?.stickiness;
  const stickyOn = sticky === undefined ? ws : (sticky.enabled ?? true);
  return {
    idleTimeoutSeconds: e?.idleTimeoutSeconds ?? (ws ? WEBSOCKET_PRESET.idleTimeoutSeconds : undefined),
    stickinessSeconds: stickyOn ? (sticky?.durationSeconds ?? (ws ? WEBSOCKET_PRESET.stickinessSeconds : schemaDefault<number>('Service', 'expose', 'stickiness', 'durationSeconds'))) : undefined,
    deregistrationDelaySeconds: e?.deregistrationDelaySeconds ?? (ws ? WEBSOCKET_PRESET.deregistrationDelaySeconds : DEFAULT_DEREGISTRATION_DELAY_SECONDS),
    slowStartSeconds: e?.slowStartSeconds,
    algorithm: e?.algorithm ?? (ws ? WEBSOCKET_PRESET.algorithm : undefined),
    // `websocket: false` asks for nothing, so no rule points at it.
    given: (['websocket', 'idleTimeoutSeconds', 'stickiness', 'deregistrationDelaySeconds', 'slowStartSeconds', 'algorithm'] as const).filter((k) => (k === 'websocket' ? ws : e?.[k] !== undefined)),
  };
}

export function normalizeSpec(raw: DexSpec, environment?: string): NormalizeResult {
  const findings: Finding[] = [];
  const merged = effectiveSpec(raw, environment);
  const region = merged.region ?? schemaDefault('Region');

  const networkIn = merged.network ?? {};
  const cidr = or(networkIn.cidr, 'Network', 'cidr');
  const zones = or(networkIn.availabilityZones, 'Network', 'availabilityZones');
  const vpc = parseCidr(cidr);
  const vpcId = networkIn.vpcId;
  const tier = (name: 'public' | 'private' | 'database' | 'intra', index: number, carve = true): { list: string[]; derived: boolean } => {
    const given = networkIn.subnets?.[name];
    // An imported VPC's subnets are IDs (network.imported): nothing to carve, no CIDR to check.
    if (vpcId !== undefined) return { list: [], derived: false };
    if (given) return { list: [...given], derived: false };
    if (!carve) return { list: [], derived: false };
    return { list: (vpc && carveSubnets(vpc, index, zones)) || [], derived: true };
  };
  const pub = tier('public', 0);
  const priv = tier('private', 1);
  const db = tier('database', 2);
  // The fourth quarter of the VPC, which the other tiers never take: only when something uses it,
  // so a spec without intra subnets keeps the VPC it had.
  // An imported VPC's intra list is kept as written only for DEX798 to refuse it.
  const intra = vpcId !== undefined ? { list: [...(networkIn.subnets?.intra ?? [])], derived: false } : tier('intra', 3, merged.platforms?.eks?.controlPlaneSubnets === 'intra');
  const isolated = vpcId === undefined && networkIn.subnets?.public !== undefined && networkIn.subnets.public.length === 0;

  const ingressIn = merged.ingress ?? {};
  const eksIn = merged.platforms?.eks ?? {};
  const ecsIn = merged.platforms?.ecs ?? {};
  const mon = merged.monitoring ?? {};

  // Maps keyed by user-chosen names have no prototype: a service called "constructor" or
  // "toString" must not find Object.prototype's members in a lookup by name.
  const services: Record<string, NormalizedService> = nameMap();
  for (const [name, svc] of Object.entries(merged.services ?? {})) {
    const decision = decidePlacement(svc);
    if (decision.source === 'auto') {
      findings.push({ code: 'DEX330', message: `${name}: placement auto → ${decision.placement} (${decision.rationale.join('; ')})`, path: ['services', name, 'placement'] });
    }
    services[name] = normalizeService(name, svc, decision, domainName(merged.ingress?.domain?.name));
  }

  const databases: Record<string, NormalizedDatabase> = nameMap();
  for (const [name, d] of Object.entries(merged.databases ?? {})) databases[name] = normalizeDatabase(name, d);
  const caches: Record<string, NormalizedCache> = nameMap();
  for (const [name, c] of Object.entries(merged.caches ?? {})) caches[name] = normalizeCache(name, c);
  const buckets: Record<string, NormalizedBucket> = nameMap();
  for (const [name, b] of Object.entries(merged.buckets ?? {})) buckets[name] = normalizeBucket(name, b);
  const tables: Record<string, NormalizedTable> = nameMap();
  const protect = environment === undefined ? true : isProtectedEnvironment(raw, environment);
  for (const [name, t] of Object.entries(merged.tables ?? {})) tables[name] = normalizeTable(name, t, protect);
  const fileSystems: Record<string, NormalizedFileSystem> = nameMap();
  for (const [name, f] of Object.entries(merged.fileSystems ?? {})) fileSystems[name] = normalizeFileSystem(name, f, protect);
  const sharedSecrets: Record<string, NormalizedSharedSecret> = nameMap();
  for (const [name, x] of Object.entries(merged.secrets ?? {})) sharedSecrets[name] = normalizeSharedSecret(name, x);
  // A bucket or table named alone in `uses` is read-write, as a database named there is fully usable.
  for (const [name, s] of Object.entries(services)) {
    const items = merged.services?.[name]?.uses ?? [];
    const stores: StoreUse[] = items.flatMap((item, index): StoreUse[] => {
      if (typeof item !== 'string') {
        if ('bucket' in item) return [{ kind: 'bucket', name: item.bucket, access: item.access, index }];
        if ('table' in item) return [{ kind: 'table', name: item.table, access: item.access, index }];
        return []; // a queue or topic: spec/messaging.ts
      }
      // A name that is also a database, cache or service means that (DEX722 reports it).
      if (Object.hasOwn(databases, item) || Object.hasOwn(caches, item) || Object.hasOwn(services, item)) return [];
      if (Object.hasOwn(buckets, item)) return [{ kind: 'bucket', name: item, access: 'read-write', index }];
      if (Object.hasOwn(tables, item)) return [{ kind: 'table', name: item, access: 'read-write', index }];
      return [];
    });
    if (stores.length > 0) services[name] = { ...s, stores };
  }

  const cicdIn = merged.cicd;
  const stages: NormalizedStage[] = Object.entries(cicdIn?.stages ?? {}).map(([name, s]) => normalizeStage(name, s, isProtectedEnvironment(raw, name)));

  const spec: NormalizedSpec = {
    dex: 1,
    name: merged.name,
    environment,
    protect: environment === undefined ? true : isProtectedEnvironment(raw, environment),
    region,
    account: merged.account,
    tags: { ...(merged.tags ?? {}) },
    network: {
      cidr,
      availabilityZones: zones,
      subnets: { public: pub.list, private: priv.list, database: db.list, intra: intra.list },
      subnetsDerived: { public: pub.derived, private: priv.derived, database: db.derived, intra: intra.derived },
      isolated,
      // An isolated VPC has nowhere to put NAT: none, unless the spec asks for it anyway (DEX795).
      natGateways: isolated && networkIn.natGateways === undefined ? 'none' : or(networkIn.natGateways, 'Network', 'natGateways'),
      ipv6: or(networkIn.ipv6, 'Network', 'ipv6'),
      bastion: networkIn.bastion
        ? {
            enabled: or(networkIn.bastion.enabled, 'Network', 'bastion', 'enabled'),
            instanceType: or(networkIn.bastion.instanceType, 'Network', 'bastion', 'instanceType'),
            allowedCidrs: or(networkIn.bastion.allowedCidrs, 'Network', 'bastion', 'allowedCidrs'),
          }
        : // No bastion unless asked for: one more internet-facing host is not a default.
          { enabled: false, instanceType: schemaDefault('Network', 'bastion', 'instanceType'), allowedCidrs: [] },
      flowLogs: {
        enabled: or(networkIn.flowLogs?.enabled, 'Network', 'flowLogs', 'enabled'),
        retentionDays: or(networkIn.flowLogs?.retentionDays, 'Network', 'flowLogs', 'retentionDays'),
        traffic: or(networkIn.flowLogs?.traffic, 'Network', 'flowLogs', 'traffic'),
      },
      endpoints: or(networkIn.endpoints, 'Network', 'endpoints'),
      ecrPublicCache: or(networkIn.ecrPublicCache, 'Network', 'ecrPublicCache'),
      ...(vpcId === undefined
        ? {}
        : {
            imported: {
              vpcId,
              subnets: { public: [...(networkIn.subnets?.public ?? [])], private: [...(networkIn.subnets?.private ?? [])], database: [...(networkIn.subnets?.database ?? [])] },
              routeTableIds: [...(networkIn.routeTableIds ?? [])],
              cidrGiven: networkIn.cidr !== undefined,
            },
          }),
    },
    ingress: {
      loadBalancer: or(ingressIn.loadBalancer, 'Ingress', 'loadBalancer'),
      tls: { certificateArn: ingressIn.tls?.certificateArn, policy: or(ingressIn.tls?.policy, 'Ingress', 'tls', 'policy') },
      waf: {
        enabled: or(ingressIn.waf?.enabled, 'Ingress', 'waf', 'enabled'),
        managedRules: or(ingressIn.waf?.managedRules, 'Ingress', 'waf', 'managedRules'),
        rateLimitPer5Min: ingressIn.waf?.rateLimitPer5Min,
        allowLargeBodies: ingressIn.waf?.allowLargeBodies ?? [],
      },
      idleTimeoutSeconds: or(ingressIn.idleTimeoutSeconds, 'Ingress', 'idleTimeoutSeconds'),
      // Absent unless written, so a spec without them normalizes (and emits) as before.
      ...(ingressIn.domain ? { domain: { name: domainName(ingressIn.domain.name ?? '')!, zone: ingressIn.domain.zone?.create === true ? { create: true as const } : { id: ingressIn.domain.zone?.id ?? '' } } } : {}),
      ...(ingressIn.http ? { http: ingressIn.http } : {}),
      ...(ingressIn.loadBalancers
        ? {
            loadBalancers: Object.fromEntries(
              Object.entries(ingressIn.loadBalancers).map(([name, lb]) => [
                name,
                { name, type: or(lb.type, 'NamedLoadBalancer', 'type'), scheme: or(lb.scheme, 'NamedLoadBalancer', 'scheme'), staticIps: or(lb.staticIps, 'NamedLoadBalancer', 'staticIps') },
              ]),
            ),
          }
        : {}),
    },
    platforms: {
      eks: {
        create: or(eksIn.create, 'Platforms', 'eks', 'create'),
        version: or(eksIn.version, 'Platforms', 'eks', 'version'),
        endpointAccess: or(eksIn.endpointAccess, 'Platforms', 'eks', 'endpointAccess'),
        publicAccessCidrs: eksIn.publicAccessCidrs ?? [],
        controlPlaneSubnets: or(eksIn.controlPlaneSubnets, 'Platforms', 'eks', 'controlPlaneSubnets'),
        nodeGroups: (eksIn.nodeGroups ?? schemaDefault<NodeGroup[]>('Platforms', 'eks', 'nodeGroups')).map(normalizeNodeGroup),
        logging: or(eksIn.logging, 'Platforms', 'eks', 'logging'),
        addons: or(eksIn.addons, 'Platforms', 'eks', 'addons'),
        access: (eksIn.access ?? []).map((a) => ({ principal: a.principal, policy: a.policy, namespaces: a.namespaces })),
        fargateProfiles: (eksIn.fargateProfiles ?? []).map((p) => ({ name: p.name, selectors: p.selectors.map((x) => ({ namespace: x.namespace, labels: { ...(x.labels ?? {}) } })) })),
        autoscaler: or(eksIn.autoscaler, 'Platforms', 'eks', 'autoscaler'),
        karpenter: eksIn.karpenter && {
          instanceFamilies: eksIn.karpenter.instanceFamilies,
          capacityTypes: eksIn.karpenter.capacityTypes ?? ['on-demand'],
          architectures: eksIn.karpenter.architectures,
          limits: { cpu: eksIn.karpenter.limits.cpu, memory: eksIn.karpenter.limits.memory, memoryMiB: eksIn.karpenter.limits.memory === undefined ? undefined : memoryToMiB(eksIn.karpenter.limits.memory) },
          consolidation: eksIn.karpenter.consolidation ?? 'when-empty-or-underutilized',
        },
      },
      ecs: {
        capacity: or(ecsIn.capacity, 'Platforms', 'ecs', 'capacity'),
        containerInsights: or(ecsIn.containerInsights, 'Platforms', 'ecs', 'containerInsights'),
        ...(ecsIn.containerInstances
          ? {
              containerInstances: {
                instanceTypes: [...ecsIn.containerInstances.instanceTypes],
                min: or(ecsIn.containerInstances.min, 'Platforms', 'ecs', 'containerInstances', 'min'),
                max: or(ecsIn.containerInstances.max, 'Platforms', 'ecs', 'containerInstances', 'max'),
                spot: or(ecsIn.containerInstances.spot, 'Platforms', 'ecs', 'containerInstances', 'spot'),
                amiFamily: or(ecsIn.containerInstances.amiFamily, 'Platforms', 'ecs', 'containerInstances', 'amiFamily'),
                diskGiB: or(ecsIn.containerInstances.diskGiB, 'Platforms', 'ecs', 'containerInstances', 'diskGiB'),
                targetCapacityPercent: or(ecsIn.containerInstances.targetCapacityPercent, 'Platforms', 'ecs', 'containerInstances', 'targetCapacityPercent'),
              },
            }
          : {}),
      },
      declared: { eks: merged.platforms?.eks !== undefined, ecs: merged.platforms?.ecs !== undefined },
    },
    services,
    databases,
    caches,
    ...normalizeMessaging(merged),
    buckets,
    tables,
    ...(Object.keys(fileSystems).length ? { fileSystems } : {}),
    ...(Object.keys(sharedSecrets).length ? { secrets: sharedSecrets } : {}),
    ...normalizeBrokers(merged, protect),
    monitoring: {
      // Self-managed Prometheus and Grafana cost instances: present in the spec means wanted.
      prometheus: {
        enabled: mon.prometheus ? or(mon.prometheus.enabled, 'Monitoring', 'prometheus', 'enabled') : false,
        instanceType: or(mon.prometheus?.instanceType, 'Monitoring', 'prometheus', 'instanceType'),
        storageGiB: or(mon.prometheus?.storageGiB, 'Monitoring', 'prometheus', 'storageGiB'),
        retentionDays: or(mon.prometheus?.retentionDays, 'Monitoring', 'prometheus', 'retentionDays'),
      },
      grafana: {
        enabled: mon.grafana ? or(mon.grafana.enabled, 'Monitoring', 'grafana', 'enabled') : false,
        instanceType: or(mon.grafana?.instanceType, 'Monitoring', 'grafana', 'instanceType'),
        storageGiB: or(mon.grafana?.storageGiB, 'Monitoring', 'grafana', 'storageGiB'),
        rootUrl: or(mon.grafana?.rootUrl, 'Monitoring', 'grafana', 'rootUrl').replace(/\/+$/, ''),
        signIn: normalizeGrafanaSignIn(mon.grafana?.signIn, environment ? `${merged.name}-${environment}` : merged.name),
      },
      tracing: or(mon.tracing, 'Monitoring', 'tracing'),
      logs: { retentionDays: or(mon.logs?.retentionDays, 'Monitoring', 'logs', 'retentionDays') },
      dashboard: or(mon.dashboard, 'Monitoring', 'dashboard'),
      alerts: (mon.alerts ?? []).map(normalizeAlert),
      notify: { email: mon.notify?.email },
    },
    audit: {
      trail: or(merged.audit?.trail, 'Audit', 'trail'),
      wafLogs: or(merged.audit?.wafLogs, 'Audit', 'wafLogs'),
      albAccessLogs: or(merged.audit?.albAccessLogs, 'Audit', 'albAccessLogs'),
      databaseLogs: or(merged.audit?.databaseLogs, 'Audit', 'databaseLogs'),
      // Twelve months is PCI DSS 10.5.1's floor and SOC 2's common practice; a longer log retention wins.
      retentionDays: merged.audit?.retentionDays ?? Math.max(365, or(mon.logs?.retentionDays, 'Monitoring', 'logs', 'retentionDays')),
      reason: merged.audit?.reason,
    },
    compliance: merged.compliance ?? [],
    cicd: cicdIn
      ? {
          provider: or(cicdIn.provider, 'Cicd', 'provider'),
          source: { repository: cicdIn.source.repository, branch: or(cicdIn.source.branch, 'Cicd', 'source', 'branch'), connectionArn: cicdIn.source.connectionArn },
          build: { install: cicdIn.build?.install, test: cicdIn.build?.test },
          scan: or(cicdIn.scan, 'Cicd', 'scan'),
          githubOidcProvider: or(cicdIn.githubOidcProvider, 'Cicd', 'githubOidcProvider'),
          stages,
        }
      : undefined,
    environments: Object.keys(raw.environments ?? {}),
    usage: { ...(merged.usage ?? {}) },
    budget: merged.budget
      ? { monthlyUsd: merged.budget.monthlyUsd, alertEmails: merged.budget.alertEmails ?? [], thresholdPercent: or(merged.budget.thresholdPercent, 'Budget', 'thresholdPercent') }
      : undefined,
  };
  return { spec, findings };
}

function nameMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function normalizeNodeGroup(g: NodeGroup): NormalizedNodeGroup {
  const instanceType = g.instanceTypes?.[0] ?? or(g.instanceType, 'NodeGroup', 'instanceType');
  const min = or(g.min, 'NodeGroup', 'min');
  return {
    name: g.name,
    instanceType,
    min,
    max: or(g.max, 'NodeGroup', 'max'),
    diskGiB: or(g.diskGiB, 'NodeGroup', 'diskGiB'),
    capacityType: or(g.capacityType, 'NodeGroup', 'capacityType'),
    instanceTypes: g.instanceTypes ? [...g.instanceTypes] : [instanceType],
    declared: { instanceType: g.instanceType !== undefined, instanceTypes: g.instanceTypes !== undefined },
    desired: g.desired ?? min,
    amiFamily: or(g.amiFamily, 'NodeGroup', 'amiFamily'),
    labels: { ...(g.labels ?? {}) },
    taints: (g.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
    zones: g.zones ? [...g.zones] : undefined,
    update: { maxUnavailable: g.update?.maxUnavailable, maxUnavailablePercent: g.update?.maxUnavailablePercent },
  };
}

/** A domain as dex compares it: lowercase, no trailing dot (DNS names are case-insensitive). */
function domainName(name: string | undefined): string | undefined {
  return name === undefined ? undefined : name.toLowerCase().replace(/\.$/, '');
}

function normalizeService(name: string, s: Service, decision: PlacementDecision, domain?: string): NormalizedService {
  const memory = or(s.resources?.memory, 'Service', 'resources', 'memory');
  const min = or(s.scaling?.min, 'Service', 'scaling', 'min');
  const named = namedUses(s.uses);
  return {
    name,
    language: s.language,
    port: s.port,
    placement: decision.placement,
    placementDecision: decision,
    profile: { scalability: s.profile?.scalability, complexity: s.profile?.complexity, stateful: or(s.profile?.stateful, 'Service', 'profile', 'stateful') },
    image: s.image,
    build: { context: s.build?.context ?? `services/${name}`, dockerfile: or(s.build?.dockerfile, 'Service', 'build', 'dockerfile') },
    command: s.command,
    runAsRoot: s.runAsRoot,
    securityContext: {
      readOnlyRootFilesystem: s.securityContext?.readOnlyRootFilesystem ?? true,
      addCapabilities: [...(s.securityContext?.capabilities?.add ?? [])],
      reason: s.securityContext?.reason,
    },
    permissions: (s.permissions ?? []).map((p) => ({ actions: [...p.actions], resources: [...p.resources], reason: p.reason })),
    ...(s.sidecars?.length ? { sidecars: s.sidecars.map(normalizeSidecar) } : {}),
    exec: { enabled: s.exec !== undefined && s.exec !== false, reason: typeof s.exec === 'string' ? s.exec : undefined },
    kind: or(s.kind, 'Service', 'kind'),
    job:
      (s.kind ?? schemaDefault<string>('Service', 'kind')) === 'job' || JOB_KEYS.some((k) => s[k] !== undefined)
        ? {
            schedule: s.schedule,
            timezone: s.timezone ?? 'UTC',
            timezoneGiven: s.timezone !== undefined,
            run: s.run,
            timeoutSeconds: or(s.timeoutSeconds, 'Service', 'timeoutSeconds'),
            retries: or(s.retries, 'Service', 'retries'),
            expectedDurationMinutes: or(s.expectedDurationMinutes, 'Service', 'expectedDurationMinutes'),
            given: JOB_KEYS.filter((k) => s[k] !== undefined),
          }
        : undefined,
    architecture: or(s.architecture, 'Service', 'architecture'),
    resources: {
      cpu: or(s.resources?.cpu, 'Service', 'resources', 'cpu'),
      memory,
      memoryMiB: memoryToMiB(memory),
      limits: {
        cpu: s.resources?.limits?.cpu ?? or(s.resources?.cpu, 'Service', 'resources', 'cpu'),
        memoryMiB: memoryToMiB(s.resources?.limits?.memory ?? memory),
        given: s.resources?.limits !== undefined,
      },
      ephemeralStorageGiB: s.resources?.ephemeralStorage === undefined ? undefined : Number.parseInt(s.resources.ephemeralStorage, 10),
    },
    instanceType: decision.placement === 'ec2' ? (s.instanceType ?? 't3.small') : s.instanceType,
    storageGiB: s.storageGiB ?? 20,
    nodeGroups: [...(s.nodeGroups ?? [])],
    ...(s.capacity
      ? {
          capacity: {
            ...(s.capacity.fargate ? { fargate: { base: s.capacity.fargate.base ?? 0, weight: s.capacity.fargate.weight } } : {}),
            ...(s.capacity.spot ? { spot: { weight: s.capacity.spot.weight } } : {}),
            ...(s.capacity.ec2 ? { ec2: { base: s.capacity.ec2.base ?? 0, weight: s.capacity.ec2.weight } } : {}),
          },
        }
      : {}),
    storageGiBDeclared: s.storageGiB !== undefined,
    scaling: {
      min,
      max: s.scaling?.max ?? Math.max(min, 1),
      targetCpuPercent: or(s.scaling?.targetCpuPercent, 'Service', 'scaling', 'targetCpuPercent'),
      targetMemoryPercent: s.scaling?.targetMemoryPercent,
      vertical: or(s.scaling?.vertical, 'Service', 'scaling', 'vertical'),
      ...queueScaling(s),
      ...scalingSignals(s),
    },
    health: normalizeHealth(s.health),
    expose: {
      public: or(s.expose?.public, 'Service', 'expose', 'public'),
      path: s.expose?.path,
      host: s.expose?.host ?? (s.expose?.subdomain !== undefined && domain !== undefined ? `${s.expose.subdomain}.${domain}` : undefined),
      ...(s.expose?.subdomain !== undefined ? { subdomain: s.expose.subdomain } : {}),
      ...(s.expose?.loadBalancer !== undefined ? { loadBalancer: s.expose.loadBalancer } : {}),
      ...(s.expose?.listener !== undefined ? { listener: { port: s.expose.listener.port, protocol: s.expose.listener.protocol ?? 'TCP' } } : {}),
      traffic: normalizeTraffic(s.expose),
    },
    // Names of the databases, caches, services (plain or `{ service, env }`), buckets and tables used;
    // bucket, table, queue and topic objects are read into `stores` and `messaging`.
    uses: named.map((u) => u.name),
    ...(named.length !== (s.uses ?? []).length ? { usesPositions: named.map((u) => u.index) } : {}),
    stores: [],
    ...serviceMessaging(s),
    ...(s.volumes?.length ? { volumes: s.volumes.map((v, index) => normalizeVolume(name, v, index)) } : {}),
    ...serviceBrokers(s),
    ...usesEnvOf(s),
    ...(s.servicePort !== undefined ? { servicePort: s.servicePort } : {}),
    ...serviceSecrets(s),
    env: Object.fromEntries(Object.entries(s.env ?? {}).map(([k, v]) => [k, String(v)])),
  };
}

function normalizeSidecar(c: Sidecar, index: number): NormalizedSidecar {
  const h = c.health;
  const logRouter = or(c.logRouter, 'Sidecar', 'logRouter');
  return {
    name: c.name,
    index,
    image: c.image,
    command: c.command ? [...c.command] : undefined,
    env: Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, String(v)])),
    secrets: [...(c.secrets ?? [])],
    resources: { cpu: c.resources.cpu, memory: c.resources.memory, memoryMiB: memoryToMiB(c.resources.memory) },
    ports: [...(c.ports ?? [])],
    health: h
      ? {
          command: h.command ? [...h.command] : undefined,
          tcp: h.tcp,
          intervalSeconds: h.intervalSeconds ?? schemaDefault<number>('Service', 'health', 'intervalSeconds'),
          timeoutSeconds: h.timeoutSeconds ?? schemaDefault<number>('Service', 'health', 'timeoutSeconds'),
          unhealthyThreshold: h.unhealthyThreshold ?? schemaDefault<number>('Service', 'health', 'unhealthyThreshold'),
          gracePeriodSeconds: h.gracePeriodSeconds ?? schemaDefault<number>('Service', 'health', 'gracePeriodSeconds'),
        }
      : undefined,
    essential: or(c.essential, 'Sidecar', 'essential'),
    logRouter,
    // FireLens: the main container's log driver is the router, so it must be up first.
    mainWaitsFor: c.mainWaitsFor ?? (logRouter ? 'start' : undefined),
    dependsOn: (c.dependsOn ?? []).map((d) => ({ sidecar: d.sidecar, condition: d.condition })),
    runAsRoot: c.runAsRoot,
    securityContext: {
      readOnlyRootFilesystem: c.securityContext?.readOnlyRootFilesystem ?? true,
      addCapabilities: [...(c.securityContext?.capabilities?.add ?? [])],
      reason: c.securityContext?.reason,
    },
  };
}

/**
 * The plain names of `secrets` (this service's own placeholders) and its references to top-level
 * secrets. Positions and references are added only when a reference is present, so specs without
 * one normalize as before.
 */
function serviceSecrets(s: Service): { secrets: string[]; secretsPositions?: number[]; secretRefs?: NormalizedSecretRef[] } {
  const items = or(s.secrets, 'Service', 'secrets');
  const plain: { name: string; index: number }[] = [];
  const refs: NormalizedSecretRef[] = [];
  items.forEach((item, index) => {
    if (typeof item === 'string') plain.push({ name: item, index });
    else refs.push({ secret: item.secret, key: item.key, env: item.env ?? defaultSecretEnv(item.secret, item.key), envGiven: item.env !== undefined, index });
  });
  if (refs.length === 0) return { secrets: plain.map((p) => p.name) };
  return { secrets: plain.map((p) => p.name), secretsPositions: plain.map((p) => p.index), secretRefs: refs };
}

/** A reference's variable when the spec gives none: the key when it is a variable name, else the secret's name in capitals. */
export function defaultSecretEnv(secret: string, key: string | undefined): string {
  if (key !== undefined && /^[A-Z][A-Z0-9_]*$/.test(key)) return key;
  return (key ?? secret).toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^[^A-Z]+/, '') || 'SECRET';
}

function normalizeSharedSecret(name: string, x: Secret): NormalizedSharedSecret {
  const e = x.existing;
  const given = e ? (['name', 'arn', 'ssmParameter'] as const).filter((k) => e[k] !== undefined) : [];
  const by = given[0];
  return {
    name,
    description: x.description,
    keys: [...(x.keys ?? [])],
    rotation: x.rotation ? { lambdaArn: x.rotation.lambdaArn, everyDays: or<number>(x.rotation.everyDays, 'Secret', 'rotation', 'everyDays') } : undefined,
    existing:
      e === undefined
        ? undefined
        : { store: by === 'ssmParameter' ? 'ssm' : 'secretsmanager', id: by === undefined ? '' : e[by]!, by: by ?? 'name', given, kmsKeyArn: e.kmsKeyArn },
  };
}

/** The object form of `uses` only: a plain-string use adds nothing, so specs without one normalize as before. */
function usesEnvOf(s: Service): { usesEnv?: Record<string, UseEnvNames> } {
  const named = (s.uses ?? []).flatMap((u) => (typeof u !== 'string' && 'service' in u ? [[u.service, { ...u.env }] as const] : []));
  return named.length ? { usesEnv: Object.fromEntries(named) } : {};
}

/** The `uses` items that name a database, cache, service, bucket or table (a string or `{ service, env }`), with their places in the list. */
function namedUses(uses: Service['uses'] | undefined): { name: string; index: number }[] {
  return (uses ?? []).flatMap((u, index) => (typeof u === 'string' ? [{ name: u, index }] : 'service' in u ? [{ name: u.service, index }] : []));
}

function normalizeDatabase(name: string, d: Database): NormalizedDatabase {
  const engine = or(d.engine, 'Database', 'engine');
  return {
    name,
    engine,
    version: d.version ?? engineInfo(engine).defaultVersion,
    instanceClass: or(d.instanceClass, 'Database', 'instanceClass'),
    multiAz: or(d.multiAz, 'Database', 'multiAz'),
    storageGiB: or(d.storageGiB, 'Database', 'storageGiB'),
    maxStorageGiB: d.maxStorageGiB,
    backupRetentionDays: or(d.backupRetentionDays, 'Database', 'backupRetentionDays'),
    readReplicas: or(d.readReplicas, 'Database', 'readReplicas'),
    crossRegionBackupTo: d.crossRegionBackupTo,
    deletionProtection: or(d.deletionProtection, 'Database', 'deletionProtection'),
    // The schema's default is PostgreSQL's; MySQL engines move off 3306 the same way.
    port: d.port ?? (engine === 'postgres' ? or<number>(d.port, 'Database', 'port') : engineInfo(engine).defaultPort),
    serverless: d.serverless ? { minAcu: or<number>(d.serverless.minAcu, 'Database', 'serverless', 'minAcu'), maxAcu: d.serverless.maxAcu } : undefined,
    parameters: Object.fromEntries(Object.entries(d.parameters ?? {}).map(([k, v]) => [k, String(v)])),
    performanceInsightsDays: d.performanceInsights ? (or<number>(d.performanceInsights.retentionDays, 'Database', 'performanceInsights', 'retentionDays')) : undefined,
    monitoringIntervalSeconds: or<number>(d.enhancedMonitoring?.intervalSeconds, 'Database', 'enhancedMonitoring', 'intervalSeconds'),
    logExports: d.logExports,
    maintenanceWindow: d.maintenanceWindow,
    backupWindow: d.backupWindow,
    storage: { type: or<'gp3' | 'io1' | 'io2'>(d.storage?.type, 'Database', 'storage', 'type'), iops: d.storage?.iops, throughputMiBps: d.storage?.throughputMiBps },
    allowMajorVersionUpgrade: or(d.allowMajorVersionUpgrade, 'Database', 'allowMajorVersionUpgrade'),
    subnetTier: or(d.subnets, 'Database', 'subnets'),
  };
}

function normalizeCache(name: string, c: Cache): NormalizedCache {
  const min = or(c.nodes?.min, 'Cache', 'nodes', 'min');
  return {
    name,
    engine: or(c.engine, 'Cache', 'engine'),
    version: or(c.version, 'Cache', 'version'),
    nodeType: or(c.nodeType, 'Cache', 'nodeType'),
    nodes: { min, max: c.nodes?.max ?? min },
    clusterMode: or(c.clusterMode, 'Cache', 'clusterMode'),
    snapshotRetentionDays: or(c.snapshotRetentionDays, 'Cache', 'snapshotRetentionDays'),
    port: or(c.port, 'Cache', 'port'),
    subnetTier: or(c.subnets, 'Cache', 'subnets'),
  };
}

function normalizeFileSystem(name: string, f: FileSystem, protect: boolean): NormalizedFileSystem {
  return {
    name,
    // Backups cost little next to losing the files; where a lost file matters most they are on.
    backup: f.backup ?? protect,
    lifecycle: { infrequentAccessAfterDays: f.lifecycle?.infrequentAccessAfterDays, backOnAccess: or(f.lifecycle?.backOnAccess, 'FileSystem', 'lifecycle', 'backOnAccess') },
  };
}

/** The uid and gid of dex's non-root container user (services/ecs.ts CONTAINER_USER: the access point's default owner). */
const VOLUME_USER = 10001;

function normalizeVolume(service: string, v: NonNullable<Service['volumes']>[number], index: number): NormalizedVolume {
  const uid = v.accessPoint?.uid ?? VOLUME_USER;
  return {
    fileSystem: v.fileSystem,
    path: v.path,
    readOnly: or(v.readOnly, 'Volume', 'readOnly'),
    accessPoint: { path: v.accessPoint?.path ?? `/${service}`, uid, gid: v.accessPoint?.gid ?? uid },
    index,
  };
}

function normalizeBucket(name: string, b: Bucket): NormalizedBucket {
  const l = b.lifecycle ?? {};
  return {
    name,
    versioning: or(b.versioning, 'Bucket', 'versioning'),
    lifecycle: {
      infrequentAccessAfterDays: l.infrequentAccessAfterDays,
      glacierAfterDays: l.glacierAfterDays,
      expireAfterDays: l.expireAfterDays,
      noncurrentExpireAfterDays: or(l.noncurrentExpireAfterDays, 'Bucket', 'lifecycle', 'noncurrentExpireAfterDays'),
      abortIncompleteUploadsAfterDays: or(l.abortIncompleteUploadsAfterDays, 'Bucket', 'lifecycle', 'abortIncompleteUploadsAfterDays'),
    },
    replication: or(b.replication, 'Bucket', 'replication'),
  };
}

function normalizeTableKey(k: TableKey): NormalizedTableKey {
  return { name: k.name, type: k.type ?? 'string' };
}

function normalizeTable(name: string, t: Table, protect: boolean): NormalizedTable {
  const c = t.capacity;
  const units = (u: { min?: number; max?: number } | undefined) => {
    const min = u?.min ?? 5;
    return { min, max: u?.max ?? min };
  };
  return {
    name,
    partition: t.keys?.partition ? normalizeTableKey(t.keys.partition) : undefined,
    sort: t.keys?.sort ? normalizeTableKey(t.keys.sort) : undefined,
    billing: or(t.billing, 'Table', 'billing'),
    capacity: { read: units(c?.read), write: units(c?.write), targetPercent: c?.targetPercent ?? 70 },
    capacityGiven: c !== undefined,
    indexes: (t.indexes ?? []).map((i) => ({ name: i.name, partition: normalizeTableKey(i.partition), sort: i.sort ? normalizeTableKey(i.sort) : undefined, projection: i.projection ?? 'all' })),
    pointInTimeRecovery: or(t.pointInTimeRecovery, 'Table', 'pointInTimeRecovery'),
    stream: t.stream,
    ttlAttribute: t.ttlAttribute,
    deletionProtection: t.deletionProtection ?? protect,
  };
}

function normalizeAlert(a: Alert): NormalizedAlert {
  const forText = or(a.for, 'Alert', 'for');
  return {
    name: a.name,
    metric: a.metric,
    above: a.above,
    below: a.below,
    for: forText,
    forSeconds: durationSeconds(forText),
    services: a.services,
    severity: or(a.severity, 'Alert', 'severity'),
  };
}

function normalizeStage(name: string, s: Stage, protect: boolean): NormalizedStage {
  return {
    name,
    deploy: or(s.deploy, 'Stage', 'deploy'),
    // A production-like environment waits for a person unless its stage says otherwise.
    approval: s.approval ?? (protect ? 'manual' : schemaDefault<'manual' | 'none'>('Stage', 'approval')),
    reviewers: s.reviewers ?? [],
    strategy: or(s.strategy, 'Stage', 'strategy'),
    bakeMinutes: or(s.bakeMinutes, 'Stage', 'bakeMinutes'),
    stepPercent: or(s.stepPercent, 'Stage', 'stepPercent'),
    canaryPercent: or(s.canaryPercent, 'Stage', 'canaryPercent'),
    stepBakeMinutes: or(s.stepBakeMinutes, 'Stage', 'stepBakeMinutes'),
    verify: s.verify,
    rollbackOnAlarm: or(s.rollbackOnAlarm, 'Stage', 'rollbackOnAlarm'),
  };
}

export function memoryToMiB(memory: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(MiB|GiB)$/.exec(memory);
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return Math.round(m[2] === 'GiB' ? n * 1024 : n);
}

export function durationSeconds(text: string): number {
  const m = /^([1-9][0-9]*)(s|m|h)$/.exec(text);
  if (!m) return Number.NaN;
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
}

/**
 * The placement recommendation behind `placement: auto`. It reproduces the seed architecture's
 * table: high complexity → EKS; low scalability and low complexity → EC2; the rest → ECS.
 */
export function decidePlacement(s: Service): PlacementDecision {
  const declared = s.placement ?? schemaDefault<string>('Service', 'placement');
  if (declared !== 'auto') return { source: 'declared', placement: declared as Placement, rationale: ['placement set in the spec'] };
  // A job only runs now and then: nothing to keep up between runs, and no instance to pay for.
  if (s.kind === 'job') return { source: 'auto', placement: 'ecs', rationale: ['a job (kind: job): a Fargate task per run, nothing running or billed between runs'] };
  const scalability: Level | undefined = s.profile?.scalability;
  const complexity: Level | undefined = s.profile?.complexity;
  const auto = (placement: Placement, ...rationale: string[]): PlacementDecision => ({ source: 'auto', placement, rationale });
  if (s.profile?.stateful) {
    return auto('ec2', 'keeps state on local disk: an instance with its own encrypted EBS volume', 'persistent storage without a storage driver or a StatefulSet');
  }
  if (complexity === 'high') {
    return auto('eks', 'high complexity: fine-grained resource allocation and scheduling', 'horizontal and vertical pod autoscaling', 'Kubernetes networking and rolling or blue-green deployments');
  }
  if (scalability === 'low' && complexity === 'low') {
    return auto('ec2', 'low scalability and low complexity: an always-on small instance costs least', 'direct control of the host, simple networking');
  }
  if (!scalability && !complexity) {
    return auto('ecs', 'no profile given: ECS on Fargate has the least to operate');
  }
  return auto('ecs', `${scalability ?? 'unstated'} scalability, ${complexity ?? 'unstated'} complexity: predictable scaling`, 'container-native with no cluster to run (Fargate)', 'native load balancer, autoscaling and Secrets Manager integration');
}
