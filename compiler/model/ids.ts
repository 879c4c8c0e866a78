// Logical IDs come from names and roles, never from order: adding a service, a zone or a
// database must not change any existing ID (CloudFormation replaces a resource whose ID changes).
import type { NormalizedSpec } from '../../spec/model.js';
import type { CfnValue, ModelResource } from './types.js';

/** 'kyc-service' → 'KycService'. Names are lowercase-hyphenated (schema), so this is readable and stable. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Zone suffix by zone index: A, B, C... (the zone's position, so adding a zone appends). */
export function zoneSuffix(index: number): string {
  return String.fromCharCode(65 + index);
}

/** The tags every resource carries: the spec's tags plus dex's own, sorted by key. */
export function tagList(spec: NormalizedSpec, component: string): { Key: string; Value: string }[] {
  const tags: Record<string, string> = {
    ...spec.tags,
    'dex:system': spec.name,
    'dex:environment': spec.environment ?? 'default',
    'dex:component': component,
  };
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key]! }));
}

/** Physical-name prefix: system and environment, e.g. 'dex-mobile-v6-staging'. */
export function namePrefix(spec: NormalizedSpec): string {
  return spec.environment ? `${spec.name}-${spec.environment}` : spec.name;
}

/** FNV-1a (32 bits) as 8 hex digits: a pure, stable hash, so a cut name is the same on every run. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * `name` when it fits in `max` characters, else its start and a hash of the whole name
 * (`<start>-<8 hex digits>`). A plain cut would give names that differ only past the limit one
 * physical name (staging and production of a long system name, two long database names); the
 * hash keeps them apart. Separators at the cut are dropped so the result never has `--` or `-/`.
 * Only names nothing outside dex looks up are cut; every other name past an AWS limit is an error
 * (compiler/checks/aws-names.ts).
 */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = shortHash(name);
  const head = name.slice(0, Math.max(0, max - hash.length - 1)).replace(/[^A-Za-z0-9]+$/, '');
  return head ? `${head}-${hash}` : hash;
}

/** AWS Backup vault names have at most 50 characters (AWS::Backup::BackupVault pattern {2,50}). */
export const BACKUP_VAULT_NAME_MAX = 50;

/**
 * The AWS Backup vault of a database's cross-region copies, used in this region and (as the copy
 * target) in the destination region. Cut to AWS Backup's 50 characters with a hash of the full
 * name (fitName), so two long database names, or two environments, never share one.
 */
export function crossRegionVaultName(spec: NormalizedSpec, db: string): string {
  return fitName(`${namePrefix(spec)}-${db}`, BACKUP_VAULT_NAME_MAX);
}

/** X-Ray group and sampling rule names have at most 32 characters (CloudFormation schemas, maxLength). */
export const XRAY_NAME_MAX = 32;

/** The X-Ray group and sampling rule of an environment: only dex uses them, so a long prefix is cut (fitName). */
export function xrayGroupName(spec: NormalizedSpec): string {
  return fitName(namePrefix(spec), XRAY_NAME_MAX);
}

export const ref = (logicalId: string): CfnValue => ({ Ref: logicalId });

/** Refs to a tier's subnets, one per availability zone, in zone order (an imported VPC's IDs as given). */
export type SubnetTierName = 'public' | 'private' | 'database' | 'intra';

export function subnetRefs(spec: NormalizedSpec, tier: SubnetTierName): CfnValue[] {
  if (spec.network.imported) return importedSubnets(spec, tier);
  return Array.from({ length: spec.network.availabilityZones }, (_, zone) => ref(ID.subnet(tier, zone)));
}

/**
 * A tier's subnets where a tier may have fewer subnets than zones (the load balancer, the
 * bastion): dex's own as refs up to the zones listed, an imported VPC's IDs as given.
 */
export function listedSubnetRefs(spec: NormalizedSpec, tier: SubnetTierName): CfnValue[] {
  if (spec.network.imported) return importedSubnets(spec, tier);
  const zones = Math.min(spec.network.availabilityZones, spec.network.subnets[tier].length);
  return Array.from({ length: zones }, (_, zone) => ref(ID.subnet(tier, zone)));
}

/**
 * An imported VPC's subnets of a tier, one per zone. Without a database tier the data stores
 * go to the private subnets (DEX786 says so); no other tier stands in for a missing one.
 */
function importedSubnets(spec: NormalizedSpec, tier: SubnetTierName): CfnValue[] {
  const imported = spec.network.imported!;
  // An imported VPC has no intra tier dex knows of (DEX798 refuses asking for one).
  if (tier === 'intra') return [];
  const list = tier === 'database' && imported.subnets.database.length === 0 ? imported.subnets.private : imported.subnets[tier];
  return list.slice(0, spec.network.availabilityZones);
}

/** The subnets of a database's or cache's subnet group: the tier its `subnets` names. */
export const dataStoreSubnetRefs = (spec: NormalizedSpec, store: { readonly subnetTier: 'database' | 'private' }): CfnValue[] => subnetRefs(spec, store.subnetTier);

/** The VPC: dex's own, or the imported one's ID (network.vpcId). */
export function vpcRef(spec: NormalizedSpec): CfnValue {
  return spec.network.imported ? spec.network.imported.vpcId : ref(ID.vpc);
}
export const getAtt = (logicalId: string, attribute: string): CfnValue => ({ 'Fn::GetAtt': [logicalId, attribute] });
export const sub = (template: string): CfnValue => ({ 'Fn::Sub': template });

/** Fills the defaults of a resource record so modules only say what matters. */
export function resource(r: Omit<ModelResource, 'usage' | 'dependsOn'> & Partial<Pick<ModelResource, 'usage' | 'dependsOn'>>): ModelResource {
  return { ...r, usage: r.usage ?? [], ...(r.dependsOn && r.dependsOn.length ? { dependsOn: [...r.dependsOn].sort() } : {}) };
}

/**
 * Logical IDs that building blocks use to reference each other's resources. One place, so the
 * network module and the compute modules agree without importing each other.
 */
export const ID = {
  // network (services/vpc.ts)
  vpc: 'Vpc',
  internetGateway: 'InternetGateway',
  subnet: (tier: SubnetTierName, zone: number) => `${pascal(tier)}Subnet${zoneSuffix(zone)}`,
  // security (services/kms.ts, services/security-groups.ts, services/secrets.ts)
  kmsKey: 'KmsKey',
  albSecurityGroup: 'AlbSecurityGroup',
  bastionSecurityGroup: 'BastionSecurityGroup',
  endpointSecurityGroup: 'EndpointSecurityGroup',
  /** ECS tasks and EC2 instances of a service. */
  serviceSecurityGroup: (service: string) => `${pascal(service)}SecurityGroup`,
  /** EKS nodes (pods use the node security group). */
  eksNodeSecurityGroup: 'EksNodeSecurityGroup',
  eksClusterSecurityGroup: 'EksClusterSecurityGroup',
  databaseSecurityGroup: (db: string) => `${pascal(db)}DatabaseSecurityGroup`,
  cacheSecurityGroup: (cache: string) => `${pascal(cache)}CacheSecurityGroup`,
  prometheusSecurityGroup: 'PrometheusSecurityGroup',
  grafanaSecurityGroup: 'GrafanaSecurityGroup',
  /** Placeholder secret a service declares in `secrets:` (value set outside dex). */
  serviceSecret: (service: string, secret: string) => `${pascal(service)}${pascal(secret.toLowerCase())}Secret`,
  /** Placeholder of a top-level secret (`secrets:`), shared by the services that refer to it. */
  sharedSecret: (name: string) => `SharedSecret${pascal(name)}`,
  /** Its rotation by the spec's own function (`secrets.<name>.rotation`). */
  sharedSecretRotationPermission: (name: string) => `SharedSecret${pascal(name)}RotationPermission`,
  sharedSecretRotationSchedule: (name: string) => `SharedSecret${pascal(name)}RotationSchedule`,
  /** Generated master credentials of a database. */
  /** Generated AUTH token of a cache. */
  cacheAuthSecret: (cache: string) => `${pascal(cache)}CacheAuthSecret`,
  /** Generated password of a service's ElastiCache user on a cache with password users (Redis OSS 6). */
  cacheUserSecret: (cache: string, service: string) => `${cacheServiceUser(cache, service)}Secret`,
  /** Generated admin password of the self-managed Grafana server. */
  grafanaAdminSecret: 'GrafanaAdminSecret',
  /** Placeholder for the client secret of the OIDC application Grafana signs in with (signIn.method: oidc). */
  grafanaOidcSecret: 'GrafanaOidcClientSecret',
  /** The Cognito user pool, its hosted domain and Grafana's app client (signIn.method: cognito; services/cognito.ts). */
  grafanaUserPool: 'GrafanaUserPool',
  grafanaUserPoolDomain: 'GrafanaUserPoolDomain',
  grafanaUserPoolClient: 'GrafanaUserPoolClient',
  grafanaUserPoolGroup: (role: 'admin' | 'editor' | 'viewer') => `GrafanaUserPool${pascal(role)}Group`,
  // ingress (services/alb.ts, services/waf.ts)
  loadBalancer: 'LoadBalancer',
  httpsListener: 'HttpsListener',
  httpListener: 'HttpListener',
  targetGroup: (service: string) => `${pascal(service)}TargetGroup`,
  listenerRule: (service: string) => `${pascal(service)}ListenerRule`,
  webAcl: 'WebAcl',
  // data (services/rds.ts, services/elasticache.ts)
  database: (db: string) => `${pascal(db)}Database`,
  cache: (cache: string) => `${pascal(cache)}Cache`,
  // compute (services/ecs.ts, services/eks.ts, services/ec2.ts, services/ecr.ts)
  ecrRepository: (service: string) => `${pascal(service)}Repository`,
  ecsCluster: 'EcsCluster',
  eksCluster: 'EksCluster',
  /** IAM role a service's code runs as (ECS task role, EKS service-account role, EC2 instance role). */
  serviceRole: (service: string) => `${pascal(service)}Role`,
  serviceLogGroup: (service: string) => `${pascal(service)}LogGroup`,
  /** ECS task execution role of a service (pulls the image, writes logs, reads the secrets injected at start). */
  taskExecutionRole: (service: string) => `${pascal(service)}ExecutionRole`,
  /** Instance profile of an EC2-hosted workload: a service, or 'prometheus-server' / 'grafana-server'. */
  instanceProfile: (workload: string) => `${pascal(workload)}InstanceProfile`,
  /** IAM role of the self-managed Prometheus / Grafana instances. */
  monitoringServerRole: (server: 'prometheus' | 'grafana') => `${pascal(server)}ServerRole`,
  /** OIDC identity provider of the EKS cluster, trusted by the service roles (IRSA). */
  eksOidcProvider: 'EksOidcProvider',
  ecsService: (service: string) => `${pascal(service)}EcsService`,
  /** Auto Scaling group of an EC2-hosted workload: a service, or 'prometheus-server' / 'grafana-server'. */
  autoScalingGroup: (workload: string) => `${pascal(workload)}AutoScalingGroup`,
  /** EKS managed node group and its launch template (services/eks.ts). */
  eksNodeGroup: (group: string) => `EksNodeGroup${pascal(group)}`,
  eksNodeLaunchTemplate: (group: string) => `EksNodeGroup${pascal(group)}LaunchTemplate`,
  // monitoring (services/monitoring.ts)
  alarmTopic: 'AlarmTopic',
  /** CloudWatch alarm of one alert on one of its targets (a service, database or cache). */
  alarm: (alert: string, target: string) => `${pascal(alert)}${pascal(target)}Alarm`,
} as const;

// What each named thing of the spec becomes: a logical ID per suffix after pascal(name). The
// blocks build these IDs; compiler/checks/names.ts claims them all up front so two names that
// derive the same ID are a validation error, not a merged resource or a crash in emit. The
// suffixes do not depend on placement, so a placement change in an overlay never makes a
// spec that validated collide. test/compiler/no-internal-errors.test.ts checks that every ID the
// blocks make for a service, database or cache is in these lists.
export const SERVICE_ID_SUFFIXES = [
  'SecurityGroup', 'TargetGroup', 'GreenTargetGroup', 'ListenerRule', 'TestListenerRule', 'DeploymentGroup', 'Repository', 'Role',
  'ExecutionRole', 'LogGroup', 'InstanceProfile', 'EcsService', 'TaskDefinition', 'ScalableTarget', 'CpuScalingPolicy', 'MemoryScalingPolicy',
  'AutoScalingGroup', 'LaunchTemplate', 'DatabaseConnectPolicy', 'HttpListenerRule', 'LbListenerRule', 'LbHttpListenerRule', 'LbListener', 'LbIngress', 'LbIngressUdp',
  'InternalTargetGroup', 'InternalListener', 'DiscoveryService', 'DiscoveryInstance', 'VolumesPolicy',
] as const;
export const DATABASE_ID_SUFFIXES = [
  'Database', 'DatabaseSecurityGroup', 'DatabaseSubnetGroup', 'DatabaseParameterGroup',
  'DatabaseMigrationTaskDefinition', 'DatabaseMigrationExecutionRole', 'DatabaseMigrationTaskRole', 'DatabaseMigrationLogGroup', 'DatabaseMigrationSecurityGroup',
  'BackupVault', 'BackupRole', 'BackupPlan', 'BackupSelection', 'DatabasePostgresqlLogGroup', 'DatabaseUpgradeLogGroup',
  'DatabaseWriter', 'DatabaseClusterParameterGroup', 'DatabaseErrorLogGroup', 'DatabaseGeneralLogGroup', 'DatabaseSlowqueryLogGroup', 'DatabaseAuditLogGroup',
  'DatabaseIamDbAuthErrorLogGroup', 'DatabaseInstanceLogGroup',
] as const;
/** A database's read replicas: `${ID.database(db)}Replica${n}`, n from 1. */
export const databaseReplica = (db: string, n: number): string => `${ID.database(db)}Replica${n}`;
export const CACHE_ID_SUFFIXES = [
  'Cache', 'CacheSecurityGroup', 'CacheAuthSecret', 'CacheSubnetGroup', 'CacheScalableTarget', 'CacheScalingPolicy', 'CacheDefaultUser', 'CacheUserGroup',
  'CacheUserRotationFunction', 'CacheUserRotationRole', 'CacheUserRotationLogGroup',
] as const;
/** The ElastiCache user of a service on a cache with IAM or password users: `${pascal(cache)}Cache${pascal(service)}User`. */
export function cacheServiceUser(cache: string, service: string): string {
  return `${pascal(cache)}Cache${pascal(service)}User`;
}
/** What a service's password user on a cache has besides the user: its secret, and the secret's rotation (permission, schedule). */
export const CACHE_SERVICE_USER_ID_SUFFIXES = ['Secret', 'RotationPermission', 'RotationSchedule'] as const;

/**
 * Logical IDs of dex's own components, with what they are. A service, database or cache whose
 * derived IDs include one of these would take over (or crash into) that component, so its name
 * is reserved. Per-zone network IDs are not listed: no spec name derives an ID ending in a zone letter.
 */
export const DEX_COMPONENT_IDS: Readonly<Record<string, string>> = {
  Vpc: 'the VPC',
  InternetGateway: 'the internet gateway',
  InternetGatewayAttachment: 'the internet gateway',
  KmsKey: 'the KMS key',
  KmsKeyAlias: 'the KMS key',
  AlbSecurityGroup: "the load balancer's security group",
  BastionSecurityGroup: "the bastion's security group",
  EndpointSecurityGroup: "the VPC endpoints' security group",
  EksNodeSecurityGroup: "the EKS nodes' security group",
  EksClusterSecurityGroup: "the EKS control plane's security group",
  PrometheusSecurityGroup: "the Prometheus server's security group",
  GrafanaSecurityGroup: "the Grafana server's security group",
  EcsInstanceSecurityGroup: "the ECS container instances' security group",
  EcsInstanceRole: "the ECS container instances' IAM role",
  EcsInstanceInstanceProfile: "the ECS container instances' instance profile",
  EcsInstanceLaunchTemplate: "the ECS container instances' launch template",
  EcsInstanceAutoScalingGroup: "the ECS container instances' Auto Scaling group",
  EcsInstanceCapacityProvider: "the ECS container instances' capacity provider",
  EcsClusterCapacityProviders: "the ECS cluster's capacity provider associations",
  BastionHostRole: "the bastion's IAM role",
  BastionHostInstanceProfile: "the bastion's instance profile",
  BastionHostLaunchTemplate: "the bastion's launch template",
  BastionHostAutoScalingGroup: "the bastion's Auto Scaling group",
  FlowLogRole: "the VPC flow log's IAM role",
  FlowLogGroup: "the VPC flow log's log group",
  VpcFlowLog: 'the VPC flow log',
  PublicNetworkAcl: "the public subnets' network ACL",
  PrivateNetworkAcl: "the private subnets' network ACL",
  DatabaseNetworkAcl: "the database subnets' network ACL",
  PublicNetworkAclInVpc: "an entry of the public subnets' network ACL",
  PublicNetworkAclInHttp: "an entry of the public subnets' network ACL",
  PublicNetworkAclInHttps: "an entry of the public subnets' network ACL",
  PublicNetworkAclInReturn1024: "an entry of the public subnets' network ACL",
  PublicNetworkAclInReturn3390: "an entry of the public subnets' network ACL",
  PublicNetworkAclOutVpc: "an entry of the public subnets' network ACL",
  PublicNetworkAclOutHttps: "an entry of the public subnets' network ACL",
  PublicNetworkAclOutReturn: "an entry of the public subnets' network ACL",
  PrivateNetworkAclInVpc: "an entry of the private subnets' network ACL",
  PrivateNetworkAclInReturn1024: "an entry of the private subnets' network ACL",
  PrivateNetworkAclInReturn3390: "an entry of the private subnets' network ACL",
  PrivateNetworkAclOutVpc: "an entry of the private subnets' network ACL",
  PrivateNetworkAclOutHttps: "an entry of the private subnets' network ACL",
  DatabaseNetworkAclOutVpcReturn: "an entry of the database subnets' network ACL",
  RestrictDefaultSecurityGroup: "the custom resource that empties the VPC's default security group",
  RestrictDefaultSecurityGroupFunction: "the default security group custom resource's Lambda function",
  RestrictDefaultSecurityGroupRole: "the default security group custom resource's IAM role",
  RestrictDefaultSecurityGroupLogGroup: "the default security group custom resource's log group",
  LoadBalancer: 'the load balancer',
  HttpListener: "the load balancer's HTTP listener",
  HttpsListener: "the load balancer's HTTPS listener",
  WebAcl: 'the WAF web ACL',
  WebAclAssociation: 'the WAF web ACL',
  WafRequestLog: "the WAF request log's log group",
  WafRequestLogConfiguration: 'the WAF request log',
  AlbAccessLogBucket: "the load balancer's access log bucket",
  AlbAccessLogBucketPolicy: "the load balancer's access log bucket",
  AuditTrail: 'the CloudTrail trail',
  AuditTrailBucket: "the CloudTrail trail's bucket",
  AuditTrailBucketPolicy: "the CloudTrail trail's bucket",
  S3AccessLogBucket: "the audit buckets' server access log bucket",
  S3AccessLogBucketPolicy: "the audit buckets' server access log bucket",
  AuditTrailLogGroup: "the CloudTrail trail's CloudWatch Logs copy",
  AuditTrailLogsRole: 'the role CloudTrail delivers to its log group with',
  EcsCluster: 'the ECS cluster',
  EksCluster: 'the EKS cluster',
  EksClusterRole: "the EKS cluster's IAM role",
  EksNodeRole: "the EKS nodes' IAM role",
  EksClusterAutoscalerRole: "the EKS cluster autoscaler's IAM role",
  EksClusterLogGroup: "the EKS control plane's log group",
  // No service suffix (Role, LogGroup) at the end, so no service name is reserved by these.
  EksCloudWatchAgentIrsa: "the EKS CloudWatch agent's IAM role",
  EksLoadBalancerControllerIrsa: "the AWS Load Balancer Controller's IAM role",
  EksContainerInsightsApplicationLogs: 'a Container Insights log group',
  EksContainerInsightsDataplaneLogs: 'a Container Insights log group',
  EksContainerInsightsHostLogs: 'a Container Insights log group',
  EksContainerInsightsPerformanceLogs: 'a Container Insights log group',
  EksOidcProvider: "the EKS cluster's OIDC provider",
  PrometheusEksAccessEntry: "Prometheus's EKS access entry",
  PrometheusServerRole: "the Prometheus server's IAM role",
  PrometheusServerInstanceProfile: "the Prometheus server's instance profile",
  PrometheusServerLaunchTemplate: "the Prometheus server's launch template",
  PrometheusServerAutoScalingGroup: "the Prometheus server's Auto Scaling group",
  GrafanaServerRole: "the Grafana server's IAM role",
  GrafanaAdminSecret: "the Grafana server's admin password",
  GrafanaOidcClientSecret: "the client secret of Grafana's OIDC application",
  GrafanaUserPool: "Grafana's Cognito user pool",
  GrafanaUserPoolDomain: "the hosted sign-in domain of Grafana's user pool",
  GrafanaUserPoolClient: "Grafana's app client in its user pool",
  GrafanaUserPoolAdminGroup: "the Grafana Admin group of its user pool",
  GrafanaUserPoolEditorGroup: "the Grafana Editor group of its user pool",
  GrafanaUserPoolViewerGroup: "the Grafana Viewer group of its user pool",
  GrafanaAdminSecretRotationFunction: "the Grafana admin password's rotation function",
  GrafanaAdminSecretRotationRole: "the Grafana admin password rotation function's IAM role",
  GrafanaAdminSecretRotationLogGroup: "the Grafana admin password rotation function's log group",
  GrafanaAdminSecretRotationPermission: "the Grafana admin password rotation function's invoke permission",
  GrafanaAdminSecretRotationSchedule: "the Grafana admin password's rotation schedule",
  GrafanaServerInstanceProfile: "the Grafana server's instance profile",
  GrafanaServerLaunchTemplate: "the Grafana server's launch template",
  GrafanaServerAutoScalingGroup: "the Grafana server's Auto Scaling group",
  DiscoveryNamespace: "the Cloud Map namespace services find each other in",
  // The internal load balancers between services (services/discovery.ts): a second and further
  // one only when callees share a servicePort, so a handful is more than any spec makes.
  ...Object.fromEntries(
    ['', '2', '3', '4', '5', '6', '7', '8', '9'].flatMap((n) => [
      [`InternalLoadBalancer${n}`, 'an internal load balancer between services'],
      [`InternalLoadBalancer${n}Firewall`, "an internal load balancer's security group"],
    ]),
  ),
  AlarmTopic: 'the alarm SNS topic',
  DatabaseMigrationCluster: "the database migration tasks' ECS cluster",
  DatabaseMonitoringRole: "the databases' enhanced monitoring role",
  DatabaseInstanceEventSubscription: 'the RDS instance event subscription',
  DatabaseParameterGroupEventSubscription: 'the RDS parameter group event subscription',
  DatabaseSecurityGroupEventSubscription: 'the RDS security group event subscription',
  DatabaseClusterEventSubscription: 'the Aurora cluster event subscription',
  AlarmTopicPolicy: "the alarm topic's policy",
  AlarmEmailSubscription: 'the alarm e-mail subscription',
  Dashboard: 'the CloudWatch dashboard',
  XRayGroup: 'the X-Ray group',
  XRaySamplingRule: 'the X-Ray sampling rule',
  MonthlyBudget: 'the budget',
  CiBuildRole: "the pipeline's build role",
  CiDeployRole: "the pipeline's deploy role",
  CiVerifyRole: "the pipeline's verify role",
  CiDeployProject: "the pipeline's deploy project",
  CiVerifyProject: "the pipeline's verify project",
  CiDeployEksAccessEntry: "the pipeline's EKS access entry",
  CiCodeBuildLogGroup: "the pipeline's CodeBuild log group",
  CiTemplateBucket: "the pipeline's template bucket",
  CiTemplateBucketPolicy: "the pipeline's template bucket",
  CloudFormationExecutionRole: 'the CloudFormation execution role',
  EcsLoadBalancerRole: "the role ECS uses to shift traffic between a service's target groups",
  GithubOidcProvider: 'the GitHub OIDC provider',
  TestListener: 'the blue-green test listener',
};

/**
 * Service names that derive no colliding logical ID but a physical name dex uses itself: the
 * service's log group `/dex/<prefix>/<service>` and its Kubernetes namespace `<service>`.
 */
export const RESERVED_SERVICE_PHYSICAL_NAMES: Readonly<Record<string, string>> = {
  codebuild: "the pipeline's CodeBuild log group /dex/<prefix>/codebuild",
  'kube-system': 'a Kubernetes system namespace (the cluster autoscaler runs there)',
  'kube-public': 'a Kubernetes system namespace',
  'kube-node-lease': 'a Kubernetes system namespace',
  default: "Kubernetes's default namespace",
  'amazon-cloudwatch': 'the namespace of the CloudWatch observability add-on',
};
