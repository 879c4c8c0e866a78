// ElastiCache (Redis OSS or Valkey): subnet group in the database subnets and a replication group
// encrypted at rest (KMS key) and in transit, with an AUTH token from the secret the security
// layer generates, behind the cache's security group.
//
// Nodes: `nodes.min` nodes form one shard — a primary and min−1 replicas (at most 5). Without
// cluster mode that is the whole group. With cluster mode the group starts with one such shard and
// Application Auto Scaling adds shards of the same size up to floor(max / min), so the node count
// never exceeds `nodes.max`. ElastiCache auto scaling exists only for cluster mode, Redis OSS ≥ 6 /
// Valkey ≥ 7.2 and the large families (r5, r6g, r6gd, r7g, m5, m6g, m7g, c7gn; not t-class); where
// it does not, no scaling resources are emitted and the usage meter says the maximum is not reached.
import { ID, getAtt, pascal, ref, resource, subnetRefs, tagList } from '../compiler/model/ids.js';
import { HOURS_PER_MONTH, type BuildingBlock, type ModelResource } from '../compiler/model/types.js';
import type { NormalizedCache, NormalizedSpec } from '../spec/model.js';

/** JSON key of the AUTH token in the cache's secret (ID.cacheAuthSecret). */
export const CACHE_AUTH_SECRET_KEY = 'authToken';

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

  const out: ModelResource[] = [
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
        AuthToken: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', ref(ID.cacheAuthSecret(cache.name)), `:SecretString:${CACHE_AUTH_SECRET_KEY}}}`]] },
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
