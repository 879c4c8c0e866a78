// The normalized spec: what every phase after `spec/` reads. Defaults are applied, the
// environment overlay is merged, `placement: auto` is resolved. Field names follow dex.yaml.
import type { Alert, Broker, Cache, Database, DexYaml, Ec2InstanceType, NodeGroup, Service, Stage, WafLargeBodyPath } from './generated/dex-spec.js';

export type DexSpec = DexYaml;
export type RegionCode = DexYaml['region'];
export type Placement = 'eks' | 'ecs' | 'ec2';
export type Level = 'low' | 'medium' | 'high';

export interface NormalizedSpec {
  readonly dex: 1;
  readonly name: string;
  /** The environment compiled, or undefined for the base spec. */
  readonly environment: string | undefined;
  readonly region: RegionCode;
  /**
   * Production-like (`environments.<name>.protect`, defaulted from the name; true for a spec
   * compiled without an environment): deletion protection, production rules, approvals.
   */
  readonly protect: boolean;
  /** The AWS account (12 digits), or undefined for the account of the credentials ("the default account"). */
  readonly account: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly network: NormalizedNetwork;
  readonly ingress: NormalizedIngress;
  readonly platforms: NormalizedPlatforms;
  readonly services: Readonly<Record<string, NormalizedService>>;
  readonly databases: Readonly<Record<string, NormalizedDatabase>>;
  readonly caches: Readonly<Record<string, NormalizedCache>>;
  /** SQS queues and SNS topics (spec/messaging.ts); absent in specs built by hand before messaging existed. */
  readonly queues?: Readonly<Record<string, NormalizedQueue>>;
  readonly topics?: Readonly<Record<string, NormalizedTopic>>;
  /** S3 buckets (`buckets:`; services/buckets.ts). */
  readonly buckets: Readonly<Record<string, NormalizedBucket>>;
  /** DynamoDB tables (`tables:`; services/dynamodb.ts). */
  readonly tables: Readonly<Record<string, NormalizedTable>>;
  /** Amazon EFS file systems (`fileSystems:`; services/efs.ts); absent in specs built by hand before volumes existed. */
  readonly fileSystems?: Readonly<Record<string, NormalizedFileSystem>>;
  /** Shared secrets (`secrets:`; services/secrets.ts); absent when the spec declares none. */
  readonly secrets?: Readonly<Record<string, NormalizedSharedSecret>>;
  /** Amazon MQ for RabbitMQ brokers (`brokers:`; spec/brokers.ts, services/mq.ts); absent when the spec declares none. */
  readonly brokers?: Readonly<Record<string, NormalizedBroker>>;
  readonly monitoring: NormalizedMonitoring;
  readonly audit: NormalizedAudit;
  readonly compliance: readonly ComplianceRegime[];
  readonly cicd: NormalizedCicd | undefined;
  /** Names of all environments the spec declares, in file order. */
  readonly environments: readonly string[];
  readonly usage: Readonly<Usage>;
  readonly budget: NormalizedBudget | undefined;
}

export type ComplianceRegime = NonNullable<DexYaml['compliance']>[number];
export type Usage = NonNullable<DexYaml['usage']>;

export interface NormalizedNetwork {
  readonly cidr: string;
  readonly availabilityZones: number;
  /** Per tier in zone order; an empty tier is one the VPC does not have (`intra` is empty unless listed or used). */
  readonly subnets: { readonly public: readonly string[]; readonly private: readonly string[]; readonly database: readonly string[]; readonly intra: readonly string[] };
  /** True where dex carved the subnets itself because the spec gave none for that tier. */
  readonly subnetsDerived: { readonly public: boolean; readonly private: boolean; readonly database: boolean; readonly intra: boolean };
  /**
   * A dex-made VPC without public subnets (`network.subnets.public: []`): no internet gateway, no
   * NAT (natGateways is then none unless the spec sets it, DEX795), nothing internet-facing (DEX796).
   */
  readonly isolated: boolean;
  readonly natGateways: 'perAz' | 'single' | 'none';
  /** Dual-stack (network.ipv6): IPv6 blocks, an egress-only gateway, ::/0 rules. */
  readonly ipv6: boolean;
  readonly bastion: { readonly enabled: boolean; readonly instanceType: Ec2InstanceType; readonly allowedCidrs: readonly string[] };
  readonly flowLogs: { readonly enabled: boolean; readonly retentionDays: number; readonly traffic: 'ALL' | 'ACCEPT' | 'REJECT' };
  readonly endpoints: readonly VpcEndpointName[];
  /** Whether the bootstrap creates the ECR Public pull-through cache the migration task pulls through. */
  readonly ecrPublicCache: 'create' | 'existing';
  /** Set only with network.vpcId: the VPC is imported, and dex creates none of its network. */
  readonly imported?: ImportedVpc;
}

/**
 * An existing VPC (network.vpcId) and its subnets by ID, per tier in zone order, as the spec lists
 * them (an empty tier is one the VPC does not have). Route tables only serve gateway endpoints.
 */
export interface ImportedVpc {
  readonly vpcId: string;
  readonly subnets: { readonly public: readonly string[]; readonly private: readonly string[]; readonly database: readonly string[] };
  readonly routeTableIds: readonly string[];
  /** Whether the spec gave network.cidr (the imported VPC's range) rather than leaving the default. */
  readonly cidrGiven: boolean;
}
export type VpcEndpointName = NonNullable<NonNullable<DexYaml['network']>['endpoints']>[number];

export interface NormalizedIngress {
  readonly loadBalancer: 'alb' | 'none';
  readonly tls: { readonly certificateArn: string | undefined; readonly policy: 'tls13' | 'tls12' };
  readonly waf: {
    readonly enabled: boolean;
    readonly managedRules: readonly WafManagedRule[];
    readonly rateLimitPer5Min: number | undefined;
    /** Paths exempt from the common rule set's 8 KB body limit, in file order; empty when none. */
    readonly allowLargeBodies: readonly WafLargeBodyPath[];
  };
  readonly idleTimeoutSeconds: number;
  /** `ingress.domain`: the hosted zone, certificate and records dex makes; undefined when the spec names no domain. */
  readonly domain?: NormalizedDomain;
  /** Port 80: redirect to HTTPS (undefined means the same) or serve plain HTTP (`allow`). */
  readonly http?: 'redirect' | 'allow';
  /** `ingress.loadBalancers`, by name; undefined when the spec names none. */
  readonly loadBalancers?: Readonly<Record<string, NormalizedLoadBalancer>>;
}

export interface NormalizedLoadBalancer {
  readonly name: string;
  readonly type: 'alb' | 'nlb';
  readonly scheme: 'internal' | 'internet-facing';
  readonly staticIps: boolean;
}

export interface NormalizedDomain {
  /** Lowercase, without a trailing dot. */
  readonly name: string;
  /** An existing hosted zone by ID, or one dex creates for `name`. */
  readonly zone: { readonly id: string } | { readonly create: true };
}
export type WafManagedRule = NonNullable<NonNullable<NonNullable<DexYaml['ingress']>['waf']>['managedRules']>[number];
export type { WafLargeBodyPath };

export interface NormalizedNodeGroup {
  readonly name: string;
  readonly instanceType: Ec2InstanceType;
  readonly min: number;
  readonly max: number;
  readonly diskGiB: number;
  readonly capacityType: NonNullable<NodeGroup['capacityType']>;
  /** Every type the group may launch, `instanceType` (the one dex prices and sizes pods by) first. */
  readonly instanceTypes: readonly Ec2InstanceType[];
  /** Which of instanceType and instanceTypes the spec sets (both: DEX336). */
  readonly declared: { readonly instanceType: boolean; readonly instanceTypes: boolean };
  readonly desired: number;
  readonly amiFamily: NonNullable<NodeGroup['amiFamily']>;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { readonly key: string; readonly value: string | undefined; readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  /** 1-based indexes into the VPC's zones; undefined: every zone. */
  readonly zones: readonly number[] | undefined;
  readonly update: { readonly maxUnavailable: number | undefined; readonly maxUnavailablePercent: number | undefined };
}

export type EksAccessPolicy = 'view' | 'edit' | 'admin' | 'cluster-admin';
export interface EksAccess {
  readonly principal: string;
  readonly policy: EksAccessPolicy;
  /** undefined: cluster-wide. */
  readonly namespaces: readonly string[] | undefined;
}

/** An EKS Fargate profile (`platforms.eks.fargateProfiles`): pods matching a selector run on Fargate. */
export interface NormalizedFargateProfile {
  readonly name: string;
  readonly selectors: readonly { readonly namespace: string; readonly labels: Readonly<Record<string, string>> }[];
}

/** Karpenter's node pool (`platforms.eks.karpenter`); families and architectures undefined: derived (services/karpenter.ts). */
export interface NormalizedKarpenter {
  readonly instanceFamilies: readonly string[] | undefined;
  readonly capacityTypes: readonly ('on-demand' | 'spot')[];
  readonly architectures: readonly ('x86_64' | 'arm64')[] | undefined;
  /** memory undefined: no memory limit. */
  readonly limits: { readonly cpu: number; readonly memoryMiB: number | undefined; readonly memory: string | undefined };
  readonly consolidation: 'when-empty' | 'when-empty-or-underutilized';
}

/** The ECS cluster's EC2 container instances: one Auto Scaling group behind one capacity provider (services/ecs-instances.ts). */
export interface NormalizedContainerInstances {
  readonly instanceTypes: readonly string[];
  readonly min: number;
  readonly max: number;
  readonly spot: boolean;
  readonly amiFamily: 'al2023' | 'bottlerocket';
  readonly diskGiB: number;
  readonly targetCapacityPercent: number;
}

/**
 * A service's capacity provider strategy as written (`capacity`): each provider's base (0 when not
 * given) and weight; a provider not listed is absent.
 */
export interface NormalizedCapacity {
  readonly fargate?: { readonly base: number; readonly weight: number };
  readonly spot?: { readonly weight: number };
  readonly ec2?: { readonly base: number; readonly weight: number };
}

export interface NormalizedPlatforms {
  readonly eks: {
    /** `always`: the cluster exists with no service on it (platforms.eks.create). */
    readonly create: 'when-used' | 'always';
    readonly version: string;
    readonly endpointAccess: 'private' | 'public' | 'publicAndPrivate';
    readonly publicAccessCidrs: readonly string[];
    /** Where the control plane's cross-account network interfaces go (platforms.eks.controlPlaneSubnets). */
    readonly controlPlaneSubnets: 'private' | 'intra';
    readonly nodeGroups: readonly NormalizedNodeGroup[];
    readonly logging: readonly string[];
    readonly addons: readonly string[];
    /** kubectl access (`platforms.eks.access`), in file order: one EKS access entry each. */
    readonly access: readonly EksAccess[];
    /** Fargate profiles, in file order; empty when none. */
    readonly fargateProfiles: readonly NormalizedFargateProfile[];
    readonly autoscaler: 'cluster-autoscaler' | 'karpenter';
    /** As written; undefined when the spec has no platforms.eks.karpenter. */
    readonly karpenter: NormalizedKarpenter | undefined;
  };
  readonly ecs: {
    readonly capacity: 'fargate' | 'fargate-spot';
    readonly containerInsights: boolean;
    /** ECS on EC2 (`platforms.ecs.containerInstances`); absent when the spec has none. */
    readonly containerInstances?: NormalizedContainerInstances;
  };
  /** Which platforms the spec (after the overlay) writes a section for; the rest are defaults. */
  readonly declared?: { readonly eks: boolean; readonly ecs: boolean };
}

/**
 * One `permissions:` statement. `resources` as written: an ARN, `*`, or a `${kind.name.arn}`
 * reference (services/iam.ts resolves them, compiler/checks/permissions.ts checks them).
 */
export interface NormalizedPermission {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** Why a wildcard action or resource is needed; undefined when none was given. */
  readonly reason: string | undefined;
}

export interface NormalizedService {
  readonly name: string;
  readonly language: NonNullable<Service['language']> | undefined;
  readonly port: number | undefined;
  readonly placement: Placement;
  /** Why the service runs where it does: the user's choice, or dex's recommendation and its reasons. */
  readonly placementDecision: PlacementDecision;
  readonly profile: { readonly scalability: Level | undefined; readonly complexity: Level | undefined; readonly stateful: boolean };
  readonly image: string | undefined;
  readonly build: { readonly context: string; readonly dockerfile: string };
  readonly command: readonly string[] | undefined;
  /** Why the container must run as root (`runAsRoot`); undefined: it runs as a non-root user. */
  readonly runAsRoot: string | undefined;
  /**
   * The hardened container defaults as this service keeps or relaxes them (`securityContext`):
   * `reason` is undefined when nothing is relaxed.
   */
  readonly securityContext: { readonly readOnlyRootFilesystem: boolean; readonly addCapabilities: readonly string[]; readonly reason: string | undefined };
  /** Containers beside the main one (`sidecars`), in spec order; absent when the spec has none. Read it through sidecarsOf. */
  readonly sidecars?: readonly NormalizedSidecar[];
  /** IAM statements (Allow) the spec adds to the role the service's code runs as, in spec order. */
  readonly permissions: readonly NormalizedPermission[];
  /** ECS Exec (`exec`): enabled, and the reason when the spec gives one instead of `true`. */
  readonly exec: { readonly enabled: boolean; readonly reason: string | undefined };
  /** What kind of workload (`kind`, default web): whether it listens, may be exposed, runs to completion. */
  readonly kind: WorkloadKind;
  /** How a job (kind job) runs; undefined for other kinds unless the spec gives job keys anyway (DEX372). Read it through isJob. */
  readonly job: NormalizedJob | undefined;
  readonly architecture: 'x86_64' | 'arm64';
  /** What is reserved; `limits` what a pod (EKS) or container (EC2) may use at most (the reservation when not given). */
  readonly resources: { readonly cpu: number; readonly memory: string; readonly memoryMiB: number; readonly limits: { readonly cpu: number; readonly memoryMiB: number; readonly given: boolean }; readonly ephemeralStorageGiB: number | undefined };
  /** EC2 instance type, for placement ec2. */
  readonly instanceType: Ec2InstanceType | undefined;
  readonly storageGiB: number;
  /** For placement eks: the node groups its pods may run on (`nodeGroups`); empty: any untainted group. */
  readonly nodeGroups: readonly string[];
  /** Its own capacity mix on ECS (`capacity`); absent: the cluster's default (platforms.ecs.capacity). */
  readonly capacity?: NormalizedCapacity;
  /** True when the spec sets storageGiB (it only applies to placement ec2). */
  readonly storageGiBDeclared?: boolean;
  readonly scaling: { readonly min: number; readonly max: number; readonly targetCpuPercent: number; readonly targetMemoryPercent: number | undefined; readonly vertical: boolean; readonly queue?: NormalizedQueueScaling; readonly signals?: NormalizedScalingSignals };
  readonly health: NormalizedHealth;
  /** `host` is the absolute host name: `expose.host`, or `expose.subdomain` under ingress.domain.name (kept in `subdomain`). */
  readonly expose: {
    readonly public: boolean;
    readonly path: string | undefined;
    readonly host: string | undefined;
    readonly subdomain?: string;
    /** A load balancer of `ingress.loadBalancers` (instead of the shared public ALB). */
    readonly loadBalancer?: string;
    /** NLB listener: port (default the service's) and protocol (default TCP). */
    readonly listener?: { readonly port: number | undefined; readonly protocol: 'TCP' | 'UDP' | 'TLS' };
    /** Target group and ALB settings (`websocket` and the explicit fields over it). */
    readonly traffic: NormalizedTraffic;
  };
  /** The string items of `uses` (databases, caches, services, buckets, tables), in spec order; `{ bucket: … }`, `{ table: … }`, queue and topic items are in `stores` and `messaging`. */
  readonly uses: readonly string[];
  /** Where each `uses` name is in the spec's list, when object items shift them; else undefined. */
  readonly usesPositions?: readonly number[];
  /** The buckets and tables among `uses`, with the access each gets, in spec order; `index` is the item's place in `uses`. */
  readonly stores: readonly StoreUse[];
  /** Queues and topics the service reaches; absent when it reaches none. */
  readonly messaging?: NormalizedMessagingUses;
  /** EFS file systems mounted into the container (`volumes`), in spec order; absent when none. */
  readonly volumes?: readonly NormalizedVolume[];
  /** The brokers among `uses` (`{ broker: NAME }`), in spec order; absent when it uses none. */
  readonly brokers?: readonly NormalizedBrokerUse[];
  /**
   * Variable names a caller chose for the address of a service it uses (`uses: [{service, env}]`),
   * by the used name; absent for a plain-string use. compiler/model/addresses.ts applies them.
   */
  readonly usesEnv?: Readonly<Record<string, UseEnvNames>>;
  /** The port callers use (`servicePort`); undefined: the container's `port`. */
  readonly servicePort?: number;
  /** The plain-string items of `secrets` (this service's own placeholders), in spec order. */
  readonly secrets: readonly string[];
  /** Where each plain name is in the spec's list, when `{ secret }` items shift them; else undefined. */
  readonly secretsPositions?: readonly number[];
  /** The `{ secret, key, env }` items of `secrets`: references to the top-level map; absent when there are none. */
  readonly secretRefs?: readonly NormalizedSecretRef[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * How the load balancer treats a service's connections (`expose.websocket`, `idleTimeoutSeconds`,
 * `stickiness`, `deregistrationDelaySeconds`, `slowStartSeconds`, `algorithm`): the preset's values
 * under the explicit ones; undefined where neither says anything (AWS's or dex's default stays).
 */
export interface NormalizedTraffic {
  readonly idleTimeoutSeconds: number | undefined;
  /** lb_cookie stickiness for this long; undefined: off. */
  readonly stickinessSeconds: number | undefined;
  readonly deregistrationDelaySeconds: number;
  readonly slowStartSeconds: number | undefined;
  readonly algorithm: 'round_robin' | 'least_outstanding_requests' | undefined;
  /** The keys the spec gives under expose of these (websocket first), for the rules' locations. */
  readonly given: readonly TrafficKey[];
}

export type TrafficKey = 'websocket' | 'idleTimeoutSeconds' | 'stickiness' | 'deregistrationDelaySeconds' | 'slowStartSeconds' | 'algorithm';

/**
 * A container beside a service's main one (`services.<name>.sidecars`): its resources add to the
 * service's (the main container's), it shares the task's, pod's or host's network and the
 * service's role, and it is hardened as the main container is unless it says why not.
 */
export interface NormalizedSidecar {
  readonly name: string;
  /** Its place in the service's `sidecars` list, for locating findings. */
  readonly index: number;
  readonly image: string;
  readonly command: readonly string[] | undefined;
  readonly env: Readonly<Record<string, string>>;
  /** Names from the service's own `secrets`. */
  readonly secrets: readonly string[];
  readonly resources: { readonly cpu: number; readonly memory: string; readonly memoryMiB: number };
  readonly ports: readonly number[];
  /** undefined: no health check. `tcp` a port of the sidecar; `command` exec form. */
  readonly health: { readonly command: readonly string[] | undefined; readonly tcp: number | undefined; readonly intervalSeconds: number; readonly timeoutSeconds: number; readonly unhealthyThreshold: number; readonly gracePeriodSeconds: number } | undefined;
  readonly essential: boolean;
  readonly logRouter: boolean;
  /** What the main container waits for; undefined: no ordering (a log router defaults to start). */
  readonly mainWaitsFor: 'start' | 'healthy' | undefined;
  readonly dependsOn: readonly { readonly sidecar: string; readonly condition: 'start' | 'healthy' }[];
  readonly runAsRoot: string | undefined;
  readonly securityContext: { readonly readOnlyRootFilesystem: boolean; readonly addCapabilities: readonly string[]; readonly reason: string | undefined };
}

/** A service's sidecars; empty when it has none. */
export const sidecarsOf = (s: NormalizedService): readonly NormalizedSidecar[] => s.sidecars ?? [];

/**
 * The order sidecars are started in: each after those it depends on (compiler/checks/sidecars.ts
 * refuses cycles), else in spec order. Kubernetes starts native sidecars in the order of
 * initContainers, EC2's user data runs them one after the other.
 */
export function sidecarsInStartOrder(s: NormalizedService): NormalizedSidecar[] {
  const sidecars = sidecarsOf(s);
  const byName = new Map(sidecars.map((c) => [c.name, c]));
  const out: NormalizedSidecar[] = [];
  const placed = new Set<string>();
  const place = (c: NormalizedSidecar, depth: number): void => {
    if (placed.has(c.name) || depth > sidecars.length) return;
    for (const d of c.dependsOn) {
      const before = byName.get(d.sidecar);
      if (before && before !== c) place(before, depth + 1);
    }
    placed.add(c.name);
    out.push(c);
  };
  for (const c of sidecars) place(c, 0);
  return out;
}

/**
 * What one task or pod of the service holds: the main container's resources plus every sidecar's.
 * This is what Fargate bills, what an EKS pod requests and what a node must fit.
 */
export function podResources(s: NormalizedService): { readonly cpu: number; readonly memoryMiB: number; readonly memory: string } {
  const sidecars = sidecarsOf(s);
  if (sidecars.length === 0) return { cpu: s.resources.cpu, memoryMiB: s.resources.memoryMiB, memory: s.resources.memory };
  // Thousandths of a vCPU: 0.1 + 0.2 must add up to 0.3, the Fargate size it names.
  const cpu = sidecars.reduce((n, c) => n + Math.round(c.resources.cpu * 1000), Math.round(s.resources.cpu * 1000)) / 1000;
  const memoryMiB = sidecars.reduce((n, c) => n + c.resources.memoryMiB, s.resources.memoryMiB);
  return { cpu, memoryMiB, memory: memoryMiB % 1024 === 0 ? `${memoryMiB / 1024}GiB` : `${memoryMiB}MiB` };
}

/** A service's reference to a top-level secret (or one JSON key of it), injected as `env`. */
export interface NormalizedSecretRef {
  readonly secret: string;
  readonly key: string | undefined;
  /** The variable (the `env` given, else the key, else the secret's name in capitals). */
  readonly env: string;
  /** Whether the spec gave `env`. */
  readonly envGiven: boolean;
  /** The item's place in the service's `secrets` list. */
  readonly index: number;
}

/**
 * A top-level secret: one Secrets Manager placeholder per environment that every referring service
 * reads, or an existing secret dex does not create (`existing`).
 */
export interface NormalizedSharedSecret {
  readonly name: string;
  readonly description: string | undefined;
  /** Its JSON keys; empty: the value is one string. */
  readonly keys: readonly string[];
  readonly rotation: { readonly lambdaArn: string; readonly everyDays: number } | undefined;
  readonly existing: ExistingSecret | undefined;
}

/** Where an existing secret is; `given` lists which of name, arn and ssmParameter the spec set (exactly one is valid: DEX715). */
export interface ExistingSecret {
  readonly store: 'secretsmanager' | 'ssm';
  /** A Secrets Manager name or full ARN, or an SSM parameter name. */
  readonly id: string;
  readonly by: 'name' | 'arn' | 'ssmParameter';
  readonly given: readonly ('name' | 'arn' | 'ssmParameter')[];
  readonly kmsKeyArn: string | undefined;
}

/** Address variable names of one use, where the spec renames them. */
export interface UseEnvNames {
  readonly url?: string;
  readonly host?: string;
  readonly port?: string;
  readonly address?: string;
}

/**
 * How a service's health is checked. `check` is what the platform probes over the network (HTTP
 * on `path`, a TCP connect, or the gRPC health protocol); `command`, when given, runs in the
 * container instead of that probe. The load balancer checks HTTP on `path` (gRPC with `grpc`).
 */
export interface NormalizedHealth {
  readonly check: 'http' | 'tcp' | 'grpc';
  /** The HTTP path (`path` or `http`, default /health): what the load balancer and an HTTP check ask for. */
  readonly path: string;
  /** Whether the spec gave the path (a load balancer in front of a tcp or command check needs one). */
  readonly pathGiven: boolean;
  /** The health keys the spec gives of path, http, tcp and grpc, in that order (clashing pairs are DEX380). */
  readonly given: readonly ('path' | 'http' | 'tcp' | 'grpc')[];
  /** The gRPC health service name ('' for the whole server) when `check` is 'grpc'. */
  readonly grpcService?: string;
  readonly command?: readonly string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  readonly gracePeriodSeconds: number;
  /**
   * The three checks as each platform runs them (`health.startup`, `.liveness`, `.readiness`),
   * each the main check where the spec gives it nothing of its own. Startup: the Kubernetes
   * startup probe, ECS `startPeriod`, the EC2 boot check; liveness: the Kubernetes liveness probe,
   * the ECS container health check; readiness: the Kubernetes readiness probe, every target group.
   */
  readonly startup: NormalizedProbe;
  readonly liveness: NormalizedProbe;
  readonly readiness: NormalizedProbe;
}

/** One of a service's three checks, resolved against the main check. */
export interface NormalizedProbe {
  readonly check: 'http' | 'tcp' | 'grpc';
  readonly path: string;
  /** Whether an HTTP path was given, by the probe or (when it names no check of its own) the main check. */
  readonly pathGiven: boolean;
  readonly grpcService?: string;
  readonly command?: readonly string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  readonly gracePeriodSeconds: number;
  /** The check keys the probe itself gives (path, http, tcp, grpc, command), in that order; empty: it uses the main check. */
  readonly own: readonly ('path' | 'http' | 'tcp' | 'grpc' | 'command')[];
  /** The timing keys the probe itself gives (a located finding points at the probe's key, else at the main one). */
  readonly ownTimings: readonly ('intervalSeconds' | 'timeoutSeconds' | 'healthyThreshold' | 'unhealthyThreshold' | 'gracePeriodSeconds')[];
}

export type WorkloadKind = 'web' | 'backend' | 'worker' | 'job';

/**
 * A job's trigger and bounds. `schedule` is the EventBridge Scheduler expression as written
 * (compiler/model/schedule.ts reads it); `run` the on-demand trigger. compiler/checks/kinds.ts
 * reports a job with neither or both.
 */
export interface NormalizedJob {
  readonly schedule: string | undefined;
  /** IANA zone the cron expression is read in; 'UTC' when not given. */
  readonly timezone: string;
  readonly timezoneGiven: boolean;
  readonly run: 'before-release' | undefined;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly expectedDurationMinutes: number;
  /** The job keys the spec gives (schedule, timezone, run, ...): on a service of another kind they are DEX372. */
  readonly given: readonly JobKey[];
}
export type JobKey = 'schedule' | 'timezone' | 'run' | 'timeoutSeconds' | 'retries' | 'expectedDurationMinutes';
export const JOB_KEYS: readonly JobKey[] = ['schedule', 'timezone', 'run', 'timeoutSeconds', 'retries', 'expectedDurationMinutes'];
/** A service that runs to completion, with its job settings. */
export const isJob = (s: NormalizedService): s is NormalizedService & { readonly job: NormalizedJob } => s.kind === 'job' && s.job !== undefined;

export interface PlacementDecision {
  readonly source: 'declared' | 'auto';
  readonly placement: Placement;
  readonly rationale: readonly string[];
}

export interface NormalizedDatabase {
  readonly name: string;
  readonly engine: NonNullable<Database['engine']>;
  readonly version: string;
  readonly instanceClass: NonNullable<Database['instanceClass']>;
  readonly multiAz: boolean;
  readonly storageGiB: number;
  readonly maxStorageGiB: number | undefined;
  readonly backupRetentionDays: number;
  readonly readReplicas: number;
  readonly crossRegionBackupTo: RegionCode | undefined;
  readonly deletionProtection: boolean;
  readonly port: number;
  /** Aurora Serverless v2 capacity (Aurora engines only). */
  readonly serverless: { readonly minAcu: number; readonly maxAcu: number } | undefined;
  readonly parameters: Readonly<Record<string, string>>;
  /** Performance Insights retention in days; undefined: off. */
  readonly performanceInsightsDays: number | undefined;
  /** Enhanced monitoring interval; 0: off. */
  readonly monitoringIntervalSeconds: number;
  /** Log types to export, as the spec gives them; undefined: dex's default with audit.databaseLogs. */
  readonly logExports: readonly string[] | undefined;
  readonly maintenanceWindow: string | undefined;
  readonly backupWindow: string | undefined;
  readonly storage: { readonly type: 'gp3' | 'io1' | 'io2'; readonly iops: number | undefined; readonly throughputMiBps: number | undefined };
  readonly allowMajorVersionUpgrade: boolean;
  /** The tier its subnet group uses (`subnets`): the database tier, or the private one when the VPC has none. */
  readonly subnetTier: 'database' | 'private';
}

export interface NormalizedCache {
  readonly name: string;
  readonly engine: NonNullable<Cache['engine']>;
  readonly version: string;
  readonly nodeType: NonNullable<Cache['nodeType']>;
  readonly nodes: { readonly min: number; readonly max: number };
  readonly clusterMode: boolean;
  readonly snapshotRetentionDays: number;
  readonly port: number;
  /** The tier its subnet group uses (`subnets`), as for a database. */
  readonly subnetTier: 'database' | 'private';
}

/** A service's access to a bucket or table (`uses`). */
export interface StoreUse {
  readonly kind: 'bucket' | 'table';
  readonly name: string;
  readonly access: 'read' | 'read-write';
  readonly index: number;
}

/** An EFS file system (`fileSystems:`). */
export interface NormalizedFileSystem {
  readonly name: string;
  /** Daily AWS Backup: as written, else on in protected environments. */
  readonly backup: boolean;
  readonly lifecycle: { readonly infrequentAccessAfterDays: number | undefined; readonly backOnAccess: boolean };
}

/** One `volumes` item of a service: a file system at a path, through the service's access point. */
export interface NormalizedVolume {
  readonly fileSystem: string;
  readonly path: string;
  readonly readOnly: boolean;
  /** The access point's root directory and POSIX user (defaults: `/<service>`, the container user). */
  readonly accessPoint: { readonly path: string; readonly uid: number; readonly gid: number };
  /** The item's place in `volumes`. */
  readonly index: number;
}

export interface NormalizedBucket {
  readonly name: string;
  readonly versioning: boolean;
  readonly lifecycle: {
    readonly infrequentAccessAfterDays: number | undefined;
    readonly glacierAfterDays: number | undefined;
    readonly expireAfterDays: number | undefined;
    readonly noncurrentExpireAfterDays: number;
    readonly abortIncompleteUploadsAfterDays: number;
  };
  /** As written: false, true (the system's backup region) or a region (services/buckets.ts replicaRegion resolves it). */
  readonly replication: boolean | RegionCode;
}

export type TableKeyType = 'string' | 'number' | 'binary';
export interface NormalizedTableKey {
  readonly name: string;
  readonly type: TableKeyType;
}

export interface NormalizedTable {
  readonly name: string;
  /** Undefined when the spec gives no partition key (DEX720). */
  readonly partition: NormalizedTableKey | undefined;
  readonly sort: NormalizedTableKey | undefined;
  readonly billing: 'on-demand' | 'provisioned';
  readonly capacity: { readonly read: { readonly min: number; readonly max: number }; readonly write: { readonly min: number; readonly max: number }; readonly targetPercent: number };
  /** Whether the spec gives `capacity` (it only applies to billing: provisioned). */
  readonly capacityGiven: boolean;
  readonly indexes: readonly { readonly name: string; readonly partition: NormalizedTableKey; readonly sort: NormalizedTableKey | undefined; readonly projection: 'all' | 'keys-only' }[];
  readonly pointInTimeRecovery: boolean;
  readonly stream: 'keys-only' | 'new-image' | 'old-image' | 'new-and-old-images' | undefined;
  readonly ttlAttribute: string | undefined;
  readonly deletionProtection: boolean;
}

export interface NormalizedAlert {
  readonly name: string;
  readonly metric: Alert['metric'];
  readonly above: number | undefined;
  readonly below: number | undefined;
  readonly for: string;
  readonly forSeconds: number;
  readonly services: readonly string[] | undefined;
  readonly severity: 'critical' | 'warning';
}

/** The audit layer (services/audit.ts): each part on unless the spec turns it off. */
export interface NormalizedAudit {
  readonly trail: boolean;
  readonly wafLogs: boolean;
  readonly albAccessLogs: boolean;
  readonly databaseLogs: boolean;
  /** Days the trail and access-log buckets keep objects: audit.retentionDays, else max(365, monitoring.logs.retentionDays). */
  readonly retentionDays: number;
  readonly reason: string | undefined;
}

export interface NormalizedMonitoring {
  readonly prometheus: { readonly enabled: boolean; readonly instanceType: Ec2InstanceType; readonly storageGiB: number; readonly retentionDays: number };
  readonly grafana: {
    readonly enabled: boolean;
    readonly instanceType: Ec2InstanceType;
    readonly storageGiB: number;
    /** Where people open Grafana (root_url, and the base of the sign-in callback); no trailing slash. */
    readonly rootUrl: string;
    readonly signIn: NormalizedGrafanaSignIn;
  };
  readonly tracing: 'xray' | 'none';
  readonly logs: { readonly retentionDays: number };
  readonly dashboard: boolean;
  readonly alerts: readonly NormalizedAlert[];
  readonly notify: { readonly email: string | undefined };
}

/** How people sign in to Grafana (monitoring.grafana.signIn). */
export type NormalizedGrafanaSignIn = (
  | { readonly method: 'password' }
  | {
      readonly method: 'oidc';
      /** Undefined when the spec leaves it out: a check reports it (DEX362..). */
      readonly issuer: string | undefined;
      /** All three, or none (the server discovers them from the issuer at boot). */
      readonly endpoints: { readonly authUrl: string; readonly tokenUrl: string; readonly userInfoUrl: string } | undefined;
      /** Which of authUrl, tokenUrl, userInfoUrl the spec gives (one or two of them is DEX364). */
      readonly givenEndpoints: readonly ('authUrl' | 'tokenUrl' | 'userInfoUrl')[];
      readonly clientId: string | undefined;
      readonly name: string;
      readonly scopes: readonly string[];
      readonly groupsClaim: string;
      readonly allowedDomains: readonly string[];
      readonly allowedGroups: readonly string[];
      readonly roles: GrafanaRoleGroups;
    }
  | {
      readonly method: 'cognito';
      readonly domainPrefix: string;
      /** Whether the spec gives domainPrefix (else it is <system>-<env>-grafana). */
      readonly domainPrefixGiven: boolean;
      readonly threatProtection: 'enforced' | 'audit' | 'off';
    }
) & {
  /** Settings blocks the spec gives for a method it did not choose (DEX368). */
  readonly ignored: readonly ('oidc' | 'cognito')[];
};

/** Groups per Grafana organisation role, highest first when a user is in several. */
export interface GrafanaRoleGroups {
  readonly admin: readonly string[];
  readonly editor: readonly string[];
  readonly viewer: readonly string[];
}

export interface NormalizedStage {
  readonly name: string;
  readonly deploy: 'auto' | 'manual';
  readonly approval: 'manual' | 'none';
  readonly reviewers: readonly string[];
  readonly strategy: NonNullable<Stage['strategy']>;
  /** Minutes the old tasks stay after traffic has shifted (blue-green, linear, canary). */
  readonly bakeMinutes: number;
  /** linear: percent of traffic per step. */
  readonly stepPercent: number;
  /** canary: percent of traffic the new tasks get first. */
  readonly canaryPercent: number;
  /** linear: minutes between steps; canary: minutes before the rest shifts. */
  readonly stepBakeMinutes: number;
  readonly verify: string | undefined;
  readonly rollbackOnAlarm: boolean;
}

export interface NormalizedCicd {
  readonly provider: 'github-actions' | 'codepipeline';
  readonly source: { readonly repository: string; readonly branch: string; readonly connectionArn: string | undefined };
  readonly build: { readonly install: string | undefined; readonly test: string | undefined };
  readonly scan: boolean;
  /** Whether the bootstrap creates each account's GitHub OIDC provider or uses an existing one. */
  readonly githubOidcProvider: 'create' | 'existing';
  /** In promotion order (the order of `stages` in the file). */
  readonly stages: readonly NormalizedStage[];
}

export interface NormalizedBudget {
  readonly monthlyUsd: number;
  readonly alertEmails: readonly string[];
  readonly thresholdPercent: number;
}

/** An SQS queue (`queues.<name>`), defaults applied. */
export interface NormalizedQueue {
  readonly name: string;
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  readonly retentionDays: number;
  readonly visibilityTimeoutSeconds: number;
  readonly deadLetter: { readonly enabled: boolean; readonly maxReceives: number; readonly reason: string | undefined };
  readonly oldestMessageAlarmSeconds: number;
  /** Usage assumption (messages sent a month); undefined: unknown, the requests are unpriced. */
  readonly messagesPerMonth: number | undefined;
}

/** One subscription of a topic, in file order. */
export type NormalizedSubscription =
  | { readonly kind: 'queue'; readonly queue: string; readonly rawMessageDelivery: boolean; readonly filterPolicy: Readonly<Record<string, unknown>> | undefined }
  | { readonly kind: 'email'; readonly email: string; readonly filterPolicy: Readonly<Record<string, unknown>> | undefined }
  | { readonly kind: 'https'; readonly url: string; readonly rawMessageDelivery: boolean; readonly filterPolicy: Readonly<Record<string, unknown>> | undefined };

/** An SNS topic (`topics.<name>`), defaults applied. */
export interface NormalizedTopic {
  readonly name: string;
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  readonly publishesPerMonth: number | undefined;
  readonly subscriptions: readonly NormalizedSubscription[];
}

/**
 * The queues and topics a service reaches (`uses` items `{ queue, access }` and `{ topic, access }`),
 * each with its index in `uses` so a finding points at the item.
 */
export interface NormalizedMessagingUses {
  readonly queues: readonly { readonly name: string; readonly access: 'send' | 'consume'; readonly timeoutSeconds: number | undefined; readonly index: number }[];
  readonly topics: readonly { readonly name: string; readonly access: 'publish'; readonly index: number }[];
}

/**
 * Scaling on other signals (requests per target, a custom metric, steps, schedules): present only
 * when the spec uses one, so a spec without them normalizes as before.
 */
export interface NormalizedScalingSignals {
  readonly requestsPerTarget: number | undefined;
  readonly metric: NormalizedScalingMetric | undefined;
  readonly steps: NormalizedScalingSteps | undefined;
  readonly scheduled: readonly NormalizedScheduledAction[];
  /** Whether the spec sets targetCpuPercent: the default CPU policy yields to steps on cpu, a declared one conflicts (DEX851). */
  readonly cpuTargetDeclared: boolean;
}

export interface NormalizedScalingMetric {
  readonly namespace: string;
  readonly name: string;
  /** Name to value, sorted by name. */
  readonly dimensions: readonly { readonly name: string; readonly value: string }[];
  readonly statistic: 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';
  readonly target: number | undefined;
}

export interface NormalizedScalingSteps {
  readonly on: 'cpu' | 'memory' | 'metric';
  /** Sorted by threshold, lowest first (as the spec wrote them: `index`). */
  readonly out: readonly { readonly atOrAbove: number; readonly add: number; readonly index: number }[];
  /** Sorted by threshold, highest first. */
  readonly in: readonly { readonly atOrBelow: number; readonly remove: number; readonly index: number }[];
  readonly adjustment: 'count' | 'percent';
  readonly cooldownSeconds: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
}

export interface NormalizedScheduledAction {
  readonly name: string;
  readonly schedule: string;
  readonly timezone: string | undefined;
  readonly min: number;
  readonly max: number;
}

/** Queue-backlog scaling (`scaling.queue`): the queue and the backlog one task works through. */
export interface NormalizedQueueScaling {
  readonly queue: string;
  readonly messagesPerTask: number;
}

/** An Amazon MQ broker (`brokers.<name>`), defaults applied. */
export interface NormalizedBroker {
  readonly name: string;
  readonly engine: 'rabbitmq';
  readonly version: string;
  readonly instanceType: NonNullable<Broker['instanceType']>;
  /** The spec's, else cluster where the environment is production-like and single elsewhere. */
  readonly deployment: 'single' | 'cluster';
  /** Whether the spec gives `deployment` (a single broker asked for in production warns, DEX755). */
  readonly deploymentGiven: boolean;
  /** 443 (web console, management API) open to the VPC. */
  readonly console: boolean;
  readonly maintenanceWindow: { readonly dayOfWeek: string; readonly timeOfDay: string };
}

/** A `{ broker: NAME }` item of a service's `uses`; `index` is its place in `uses`. */
export interface NormalizedBrokerUse {
  readonly name: string;
  readonly index: number;
}
