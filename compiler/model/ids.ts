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

export const ref = (logicalId: string): CfnValue => ({ Ref: logicalId });

/** Refs to a tier's subnets, one per availability zone, in zone order. */
export function subnetRefs(spec: NormalizedSpec, tier: 'public' | 'private' | 'database'): CfnValue[] {
  return Array.from({ length: spec.network.availabilityZones }, (_, zone) => ref(ID.subnet(tier, zone)));
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
  subnet: (tier: 'public' | 'private' | 'database', zone: number) => `${pascal(tier)}Subnet${zoneSuffix(zone)}`,
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
  /** Generated master credentials of a database. */
  databaseSecret: (db: string) => `${pascal(db)}DatabaseSecret`,
  /** Generated AUTH token of a cache. */
  cacheAuthSecret: (cache: string) => `${pascal(cache)}CacheAuthSecret`,
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
  // monitoring (services/monitoring.ts)
  alarmTopic: 'AlarmTopic',
} as const;
