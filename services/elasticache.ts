// ElastiCache (Redis OSS or Valkey): subnet group in the database subnets and a replication group
// encrypted at rest (KMS key) and in transit, behind the cache's security group.
//
// Sign-in: where the engine supports IAM authentication (Redis OSS ≥ 7, Valkey ≥ 7.2; TLS is
// always on), each service that `uses` the cache has its own ElastiCache user with
// authentication mode `iam` — it signs in with a 15-minute SigV4 token made from its role, and its
// role may `elasticache:Connect` as that user on that cache only. ElastiCache requires a user named
// `default` in every user group: dex's is switched off (`off -@all`) with the generated secret as
// its password. Redis OSS 6 has no IAM authentication: those caches keep one AUTH token, read
// by every service that uses the cache (docs/secrets.md).
//
// Nodes: `nodes.min` nodes form one shard — a primary and min−1 replicas (at most 5). Without
// cluster mode that is the whole group. With cluster mode the group starts with one such shard and
// Application Auto Scaling adds shards of the same size up to floor(max / min), so the node count
// never exceeds `nodes.max`. ElastiCache auto scaling exists only for cluster mode, Redis OSS ≥ 6 /
// Valkey ≥ 7.2 and the large families (r5, r6g, r6gd, r7g, m5, m6g, m7g, c7gn; not t-class); where
// it does not, no scaling resources are emitted and the usage meter says the maximum is not reached.
import { ID, cacheServiceUser, fitName, getAtt, namePrefix, pascal, ref, resource, subnetRefs, tagList } from '../compiler/model/ids.js';
import { HOURS_PER_MONTH, type BuildingBlock, type CfnValue, type ModelResource } from '../compiler/model/types.js';
import type { NormalizedCache, NormalizedService, NormalizedSpec } from '../spec/model.js';

/** JSON key of the AUTH token in the cache's secret (ID.cacheAuthSecret). */
export const CACHE_AUTH_SECRET_KEY = 'authToken';

/**
 * What a service's cache user may do: every key (caches are shared by the services that use
 * them, so a key prefix per service would break the reads of a cache one service fills and
 * another serves), every command but the @dangerous ones (FLUSHALL, KEYS, CONFIG, DEBUG, …).
 * Pub/sub channels follow the parameter group's acl-pubsub-default (allchannels by default).
 */
export const CACHE_SERVICE_ACCESS = 'on ~* +@all -@dangerous';
/** ElastiCache's required `default` user, switched off. */
export const CACHE_DEFAULT_ACCESS = 'off -@all';
/** ElastiCache user, user group and replication group IDs: lowercase, at most 40 characters. */
const ELASTICACHE_ID_MAX = 40;
const elastiCacheId = (name: string): string => fitName(name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-{2,}/g, '-'), ELASTICACHE_ID_MAX).replace(/-+$/, '');

/** Whether the cache's engine version has IAM authentication (ElastiCache: Redis OSS 7.0+, Valkey 7.2+). */
export function cacheIamAuth(cache: NormalizedCache): boolean {
  const [major = 0, minor = 0] = cache.version.split('.').map(Number);
  return cache.engine === 'redis' ? major >= 7 : major > 7 || (major === 7 && minor >= 2);
}

/** The replication group's ID (fixed, so the service roles in the security layer can name it). */
export function cacheReplicationGroupId(spec: NormalizedSpec, cache: NormalizedCache): string {
  return elastiCacheId(`${namePrefix(spec)}-${cache.name}`);
}

/** The ElastiCache user ID (= its user name, as IAM authentication requires) of a service on a cache. */
export function cacheUserId(spec: NormalizedSpec, cache: NormalizedCache, service: string): string {
  return elastiCacheId(`${namePrefix(spec)}-${cache.name}-${service}`);
}

/** The services that use a cache, sorted. */
export function cacheUsers(spec: NormalizedSpec, cache: NormalizedCache): NormalizedService[] {
  return Object.values(spec.services)
    .filter((s) => s.uses.includes(cache.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

const MAX_REPLICAS = 5;
const AUTOSCALING_FAMILIES = ['r5', 'r6g', 'r6gd', 'r7g', 'm5', 'm6g', 'm7g', 'c7gn'];

/** The shape dex gives a cache: shard size, shard count bounds, whether auto scaling applies. */
export function cacheLayout(cache: NormalizedCache): { nodesPerShard: number; replicas: number; minShards: number; maxShards: number; autoscaling: boolean; why: string } {
  const nodesPerShard = Math.min(Math.max(cache.nodes.min, 1), MAX_REPLICAS + 1);
  const replicas = nodesPerShard - 1;
  if (!cache.clusterMode) return { nodesPerShard, replicas, minShards: 1, maxShards: 1, autoscaling: false, why: 'ElastiCache auto scaling needs cluster mode' };
  const maxShards = Math.max(1, Math.floor(cache.nodes.max / nodesPerShard));
  const [, family = '', size = ''] = /^cache\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(cache.nodeType) ?? [];
  const major = Number(cache.version.split('.')[0]);
  const versionOk = cache.engine === 'redis' ? major >= 6 : Number(cache.version) >= 7.2 || major >= 8;
  const supported = AUTOSCALING_FAMILIES.includes(family) && !['micro', 'small', 'medium'].includes(size) && versionOk;
  if (maxShards <= 1) return { nodesPerShard, replicas, minShards: 1, maxShards: 1, autoscaling: false, why: 'nodes.max leaves room for no second shard' };
  if (!supported) return { nodesPerShard, replicas, minShards: 1, maxShards: 1, autoscaling: false, why: `ElastiCache auto scaling does not support ${cache.nodeType} (${cache.engine} ${cache.version})` };
  return { nodesPerShard, replicas, minShards: 1, maxShards, autoscaling: true, why: '' };
}

function parameterGroupFamily(cache: NormalizedCache): string {
  const major = cache.version.split('.')[0]!;
  return cache.engine === 'redis' && major === '6' ? 'redis6.x' : `${cache.engine}${major}`;
}

function cacheResources(spec: NormalizedSpec, cache: NormalizedCache): ModelResource[] {
  const P = pascal(cache.name);
  const component = `cache/${cache.name}`;
  const origin = ['caches', cache.name];
  const tags = tagList(spec, component);
  const layout = cacheLayout(cache);
  const multiNode = layout.nodesPerShard >= 2;
  const subnetGroupId = `${P}CacheSubnetGroup`;
  const cacheId = ID.cache(cache.name);
  const engineName = cache.engine === 'redis' ? 'Redis' : 'Valkey';
  const minNodes = layout.nodesPerShard * layout.minShards;
  const maxNodes = layout.nodesPerShard * layout.maxShards;
  const iam = cacheIamAuth(cache);
  const userGroupId = `${P}CacheUserGroup`;
  const secretValue: CfnValue = { 'Fn::Join': ['', ['{{resolve:secretsmanager:', ref(ID.cacheAuthSecret(cache.name)), `:SecretString:${CACHE_AUTH_SECRET_KEY}}}`]] };
  const users: ModelResource[] = [];
  if (iam) {
    const common = { type: 'AWS::ElastiCache::User', layer: 'data' as const, component };
    users.push(
      resource({
        ...common,
        logicalId: `${P}CacheDefaultUser`,
        origin: [...origin, 'users', 'default'],
        // RBAC with the Valkey engine still takes users and groups of engine redis (ElastiCache's note).
        properties: { UserId: elastiCacheId(`${namePrefix(spec)}-${cache.name}-default`), UserName: 'default', Engine: 'redis', AccessString: CACHE_DEFAULT_ACCESS, AuthenticationMode: { Type: 'password', Passwords: [secretValue] }, Tags: tags },
      }),
      ...cacheUsers(spec, cache).map((s) => {
        const userId = cacheUserId(spec, cache, s.name);
        return resource({
          ...common,
          logicalId: cacheServiceUser(cache.name, s.name),
          origin: [...origin, 'users', s.name],
          properties: { UserId: userId, UserName: userId, Engine: 'redis', AccessString: CACHE_SERVICE_ACCESS, AuthenticationMode: { Type: 'iam' }, Tags: tags },
        });
      }),
    );
    users.push(
      resource({
        logicalId: userGroupId,
        type: 'AWS::ElastiCache::UserGroup',
        layer: 'data',
        origin,
        component,
        properties: { UserGroupId: elastiCacheId(`${namePrefix(spec)}-${cache.name}-users`), Engine: 'redis', UserIds: users.map((u) => ref(u.logicalId)), Tags: tags },
      }),
    );
  }

  const out: ModelResource[] = [
    ...users,
    resource({
      logicalId: subnetGroupId,
      type: 'AWS::ElastiCache::SubnetGroup',
      layer: 'data',
      origin,
      component,
      properties: { Description: `Database subnets of cache ${cache.name}`, SubnetIds: subnetRefs(spec, 'database'), Tags: tags },
    }),
    resource({
      logicalId: cacheId,
      type: 'AWS::ElastiCache::ReplicationGroup',
      layer: 'data',
      origin,
      component,
      deletionPolicy: 'Snapshot',
      updateReplacePolicy: 'Snapshot',
      properties: {
        ReplicationGroupDescription: `${cache.engine} cache ${cache.name}`,
        Engine: cache.engine,
        EngineVersion: cache.version,
        CacheNodeType: cache.nodeType,
        Port: cache.port,
        CacheSubnetGroupName: ref(subnetGroupId),
        SecurityGroupIds: [ref(ID.cacheSecurityGroup(cache.name))],
        ...(cache.clusterMode
          ? {
              ClusterMode: 'enabled',
              CacheParameterGroupName: `default.${parameterGroupFamily(cache)}.cluster.on`,
              NumNodeGroups: layout.minShards,
              ReplicasPerNodeGroup: layout.replicas,
              // Cluster mode requires automatic failover; it takes effect once a shard has a replica.
              AutomaticFailoverEnabled: true,
            }
          : { ClusterMode: 'disabled', NumCacheClusters: layout.nodesPerShard, AutomaticFailoverEnabled: multiNode }),
        MultiAZEnabled: multiNode,
        AtRestEncryptionEnabled: true,
        KmsKeyId: getAtt(ID.kmsKey, 'Arn'),
        TransitEncryptionEnabled: true,
        ...(iam
          ? { ReplicationGroupId: cacheReplicationGroupId(spec, cache), UserGroupIds: [ref(userGroupId)] }
          : { AuthToken: secretValue }),
        SnapshotRetentionLimit: cache.snapshotRetentionDays,
        AutoMinorVersionUpgrade: true,
        Tags: tags,
      },
      usage: [
        {
          meter: 'elasticache.node',
          unit: 'hours',
          quantity: { min: minNodes * HOURS_PER_MONTH, max: maxNodes * HOURS_PER_MONTH },
          attributes: { nodeType: cache.nodeType, engine: engineName },
          basis: layout.autoscaling
            ? `${layout.nodesPerShard} node(s) per shard × ${layout.minShards}..${layout.maxShards} shards (auto scaling) × ${HOURS_PER_MONTH} h`
            : `${minNodes} node(s) × ${HOURS_PER_MONTH} h${cache.nodes.max > minNodes ? `; nodes.max ${cache.nodes.max} is not reached automatically: ${layout.why}` : ''}`,
        },
      ],
    }),
  ];

  if (layout.autoscaling) {
    out.push(
      resource({
        logicalId: `${P}CacheScalableTarget`,
        type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        layer: 'data',
        origin: [...origin, 'nodes'],
        component,
        properties: {
          ServiceNamespace: 'elasticache',
          ScalableDimension: 'elasticache:replication-group:NodeGroups',
          ResourceId: { 'Fn::Join': ['/', ['replication-group', ref(cacheId)]] },
          MinCapacity: layout.minShards,
          MaxCapacity: layout.maxShards,
        },
      }),
      resource({
        logicalId: `${P}CacheScalingPolicy`,
        type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
        layer: 'data',
        origin: [...origin, 'nodes'],
        component,
        properties: {
          PolicyName: `${cache.name}-memory-target-tracking`,
          PolicyType: 'TargetTrackingScaling',
          ScalingTargetId: ref(`${P}CacheScalableTarget`),
          TargetTrackingScalingPolicyConfiguration: {
            PredefinedMetricSpecification: { PredefinedMetricType: 'ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage' },
            TargetValue: 70,
            ScaleInCooldown: 600,
            ScaleOutCooldown: 300,
          },
        },
      }),
    );
  }
  return out;
}

export const elasticache: BuildingBlock = {
  name: 'elasticache',
  build(spec: NormalizedSpec): ModelResource[] {
    return Object.keys(spec.caches)
      .sort()
      .flatMap((name) => cacheResources(spec, spec.caches[name]!));
  },
};
