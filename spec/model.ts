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
  readonly subnets: { readonly public: readonly string[]; readonly private: readonly string[]; readonly database: readonly string[] };
  /** True where dex carved the subnets itself because the spec gave none for that tier. */
  readonly subnetsDerived: { readonly public: boolean; readonly private: boolean; readonly database: boolean };
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

export interface NormalizedPlatforms {
  readonly eks: {
    /** `always`: the cluster exists with no service on it (platforms.eks.create). */
    readonly create: 'when-used' | 'always';
    readonly version: string;
    readonly endpointAccess: 'private' | 'public' | 'publicAndPrivate';
    readonly publicAccessCidrs: readonly string[];
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
  readonly ecs: { readonly capacity: 'fargate' | 'fargate-spot'; readonly containerInsights: boolean };
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
  /** True when the spec sets storageGiB (it only applies to placement ec2). */
  readonly storageGiBDeclared?: boolean;
  readonly scaling: { readonly min: number; readonly max: number; readonly targetCpuPercent: number; readonly targetMemoryPercent: number | undefined; readonly vertical: boolean; readonly queue?: NormalizedQueueScaling };
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
  };
  /** The string items of `uses` (databases, caches, services, buckets, tables), in spec order; `{ bucket: … }`, `{ table: … }`, queue and topic items are in `stores` and `messaging`. */
  readonly uses: readonly string[];
  /** Where each `uses` name is in the spec's list, when object items shift them; else undefined. */
  readonly usesPositions?: readonly number[];
  /** The buckets and tables among `uses`, with the access each gets, in spec order; `index` is the item's place in `uses`. */
  readonly stores: readonly StoreUse[];
  /** Queues and topics the service reaches; absent when it reaches none. */
  readonly messaging?: NormalizedMessagingUses;
  /** The brokers among `uses` (`{ broker: NAME }`), in spec order; absent when it uses none. */
  readonly brokers?: readonly NormalizedBrokerUse[];
  /**
   * Variable names a caller chose for the address of a service it uses (`uses: [{service, env}]`),
   * by the used name; absent for a plain-string use. compiler/model/addresses.ts applies them.
   */
  readonly usesEnv?: Readonly<Record<string, UseEnvNames>>;
  /** The port callers use (`servicePort`); undefined: the container's `port`. */
  readonly servicePort?: number;
  readonly secrets: readonly string[];
  readonly env: Readonly<Record<string, string>>;
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
}

/** A service's access to a bucket or table (`uses`). */
export interface StoreUse {
  readonly kind: 'bucket' | 'table';
  readonly name: string;
  readonly access: 'read' | 'read-write';
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
