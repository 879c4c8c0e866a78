// Name rules: every logical ID and physical name dex derives from the spec's names is unique.
// Derivation loses information (pascal-casing drops hyphens, so `svc1-2` and `svc12` both become
// Svc12; `orders-database`'s security group is database `orders`'s), and two names deriving one
// ID would either merge silently (a security group map keeps one entry: a service named `bastion`
// shares the bastion's group) or crash the model builder. Both are caught here, before emit,
// with both spec locations named.
import { BUCKET_ID_SUFFIXES, TABLE_ID_SUFFIXES } from '../model/stores.js';
import { FILE_SYSTEM_ID_SUFFIXES } from '../model/volumes.js';
import { BROKER_ID_SUFFIXES } from '../model/brokers.js';
import { engineInfo } from '../../spec/database-engines.js';
import type { Finding, SpecPath } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { exposedNames } from '../model/exposure.js';
import { cacheSignIn } from '../model/cache-auth.js';
import {
  CACHE_ID_SUFFIXES,
  CACHE_SERVICE_USER_ID_SUFFIXES,
  DATABASE_ID_SUFFIXES,
  DEX_COMPONENT_IDS,
  ID,
  RESERVED_SERVICE_PHYSICAL_NAMES,
  SERVICE_ID_SUFFIXES,
  crossRegionVaultName,
  databaseReplica,
  cacheServiceUser,
  pascal,
} from '../model/ids.js';
import type { SemanticRule } from './index.js';

/** One derived ID and who derives it. */
interface Claim {
  readonly id: string;
  /** Who, for messages: `service orders`, `database orders`, `alert HighCpu`. */
  readonly owner: string;
  readonly path: SpecPath;
  /** What the ID is, for messages: `its security group`. */
  readonly what: string;
  /** What kind of name `id` is, for messages; a logical ID when absent. */
  readonly label?: string;
}

const SERVICE_WHAT: Readonly<Record<(typeof SERVICE_ID_SUFFIXES)[number], string>> = {
  SecurityGroup: 'security group',
  TargetGroup: 'target group',
  GreenTargetGroup: 'blue-green target group',
  ListenerRule: 'listener rule',
  TestListenerRule: 'test listener rule',
  DeploymentGroup: 'CodeDeploy deployment group',
  Repository: 'ECR repository',
  Role: 'IAM role',
  ExecutionRole: 'task execution role',
  LogGroup: 'log group',
  InstanceProfile: 'instance profile',
  EcsService: 'ECS service',
  TaskDefinition: 'task definition',
  ScalableTarget: 'scalable target',
  CpuScalingPolicy: 'CPU scaling policy',
  MemoryScalingPolicy: 'memory scaling policy',
  AutoScalingGroup: 'Auto Scaling group',
  LaunchTemplate: 'launch template',
  DatabaseConnectPolicy: 'rds-db:connect policy',
  VolumesPolicy: 'EFS mount policy',
  HttpListenerRule: 'plain-HTTP listener rule',
  LbListenerRule: 'listener rule on its named load balancer',
  LbHttpListenerRule: 'plain-HTTP listener rule on its named load balancer',
  LbListener: 'NLB listener',
  LbIngress: 'security group rule from its load balancer',
  LbIngressUdp: 'UDP security group rule from its load balancer',
  InternalTargetGroup: 'internal load balancer target group',
  InternalListener: 'internal load balancer listener',
  DiscoveryService: 'Cloud Map service',
  DiscoveryInstance: 'Cloud Map alias instance',
};

const DATABASE_WHAT: Readonly<Record<(typeof DATABASE_ID_SUFFIXES)[number], string>> = {
  Database: 'DB instance',
  DatabaseSecurityGroup: 'security group',
  DatabaseMigrationTaskDefinition: 'migration task definition',
  DatabaseMigrationExecutionRole: 'migration task execution role',
  DatabaseMigrationTaskRole: 'migration task role',
  DatabaseMigrationLogGroup: 'migration log group',
  DatabaseMigrationSecurityGroup: 'migration security group',
  DatabaseSubnetGroup: 'DB subnet group',
  DatabaseParameterGroup: 'DB parameter group',
  BackupVault: 'backup vault',
  BackupRole: 'backup role',
  BackupPlan: 'backup plan',
  BackupSelection: 'backup selection',
  DatabasePostgresqlLogGroup: 'PostgreSQL log group',
  DatabaseUpgradeLogGroup: 'upgrade log group',
  DatabaseWriter: 'Aurora writer instance',
  DatabaseClusterParameterGroup: 'DB cluster parameter group',
  DatabaseErrorLogGroup: 'error log group',
  DatabaseGeneralLogGroup: 'general log group',
  DatabaseSlowqueryLogGroup: 'slow query log group',
  DatabaseAuditLogGroup: 'audit log group',
  DatabaseIamDbAuthErrorLogGroup: 'IAM authentication error log group',
  DatabaseInstanceLogGroup: 'instance log group',
};

const CACHE_WHAT: Readonly<Record<(typeof CACHE_ID_SUFFIXES)[number], string>> = {
  Cache: 'replication group',
  CacheSecurityGroup: 'security group',
  CacheAuthSecret: 'AUTH token secret',
  CacheSubnetGroup: 'subnet group',
  CacheScalableTarget: 'scalable target',
  CacheScalingPolicy: 'scaling policy',
  CacheDefaultUser: 'disabled default user',
  CacheUserGroup: 'user group',
  CacheUserRotationFunction: 'password rotation function',
  CacheUserRotationRole: 'password rotation role',
  CacheUserRotationLogGroup: 'password rotation log group',
};

const CACHE_USER_WHAT: Readonly<Record<(typeof CACHE_SERVICE_USER_ID_SUFFIXES)[number], string>> = {
  Secret: 'password secret of a service',
  RotationPermission: 'password rotation permission of a service',
  RotationSchedule: 'password rotation schedule of a service',
};

const where = (path: SpecPath): string => path.join('.');

/** The metric's alarms are per service, per exposed service, per database or per cache. */
function alarmTargets(spec: NormalizedSpec, metric: string, services: readonly string[] | undefined): string[] {
  if (metric.startsWith('db')) return Object.keys(spec.databases);
  if (metric.startsWith('cache')) return Object.keys(spec.caches);
  const selected = Object.keys(spec.services).filter((s) => services === undefined || services.includes(s));
  if (metric === 'cpu' || metric === 'memory') return selected;
  const exposed = exposedNames(spec);
  return selected.filter((s) => exposed.has(s));
}

/** Every claim, the owners whose names are most canonical first (databases and caches before services). */
function claims(spec: NormalizedSpec): Claim[] {
  const out: Claim[] = [];
  for (const d of Object.values(spec.databases)) {
    const path = ['databases', d.name];
    const owner = `database ${d.name}`;
    for (const suffix of DATABASE_ID_SUFFIXES) out.push({ id: `${pascal(d.name)}${suffix}`, owner, path, what: DATABASE_WHAT[suffix] });
    // Aurora with multiAz has a reader even when readReplicas is 0 (services/rds.ts auroraReaders).
    const replicas = Math.max(d.readReplicas, engineInfo(d.engine).aurora && d.multiAz ? 1 : 0);
    for (let n = 1; n <= replicas; n++) out.push({ id: databaseReplica(d.name, n), owner, path, what: `read replica ${n}` });
    // Physical names live in their own namespace (a prefix no logical ID has).
    if (d.crossRegionBackupTo) out.push({ id: `vault:${crossRegionVaultName(spec, d.name)}`, owner, path, what: 'backup vault', label: 'AWS Backup vault name' });
  }
  for (const c of Object.values(spec.caches)) {
    const path = ['caches', c.name];
    for (const suffix of CACHE_ID_SUFFIXES) out.push({ id: `${pascal(c.name)}${suffix}`, owner: `cache ${c.name}`, path, what: CACHE_WHAT[suffix] });
    // Each service that uses a cache with users has its ElastiCache user there, and on a cache
    // with password users also the user's secret and its rotation.
    const signIn = cacheSignIn(c);
    if (signIn === 'token') continue;
    for (const svc of Object.values(spec.services).filter((x) => x.uses.includes(c.name))) {
      const user = cacheServiceUser(c.name, svc.name);
      out.push({ id: user, owner: `cache ${c.name}`, path, what: `ElastiCache user of ${svc.name}` });
      if (signIn !== 'password') continue;
      for (const suffix of CACHE_SERVICE_USER_ID_SUFFIXES) out.push({ id: `${user}${suffix}`, owner: `cache ${c.name}`, path, what: CACHE_USER_WHAT[suffix] });
    }
  }
  spec.platforms.eks.nodeGroups.forEach((g, i) => {
    // A list, not a map: the same name twice is two node groups, so the owner carries the index.
    const path = ['platforms', 'eks', 'nodeGroups', i, 'name'];
    const owner = `node group ${g.name} (platforms.eks.nodeGroups.${i})`;
    out.push({ id: ID.eksNodeGroup(g.name), owner, path, what: 'node group' });
    out.push({ id: ID.eksNodeLaunchTemplate(g.name), owner, path, what: 'launch template' });
  });
  for (const b of Object.values(spec.buckets ?? {})) {
    for (const suffix of BUCKET_ID_SUFFIXES) out.push({ id: `${pascal(b.name)}${suffix}`, owner: `bucket ${b.name}`, path: ['buckets', b.name], what: suffix === 'Bucket' ? 'bucket' : suffix === 'BucketPolicy' ? 'bucket policy' : 'replication role' });
  }
  for (const t of Object.values(spec.tables ?? {})) {
    for (const suffix of TABLE_ID_SUFFIXES) out.push({ id: `${pascal(t.name)}${suffix}`, owner: `table ${t.name}`, path: ['tables', t.name], what: suffix === 'Table' ? 'table' : 'capacity scaling' });
  }
  for (const name of Object.keys(spec.fileSystems ?? {})) {
    for (const suffix of FILE_SYSTEM_ID_SUFFIXES) out.push({ id: `${pascal(name)}${suffix}`, owner: `file system ${name}`, path: ['fileSystems', name], what: suffix === 'FileSystem' ? 'file system' : 'mount target security group' });
  }
  for (const b of Object.values(spec.brokers ?? {})) {
    for (const suffix of BROKER_ID_SUFFIXES) out.push({ id: `${pascal(b.name)}${suffix}`, owner: `broker ${b.name}`, path: ['brokers', b.name], what: suffix === 'Broker' ? 'broker' : suffix === 'BrokerSecret' ? 'broker credentials' : 'broker security group' });
  }
  for (const s of Object.values(spec.services)) {
    const path = ['services', s.name];
    const owner = `service ${s.name}`;
    for (const suffix of SERVICE_ID_SUFFIXES) out.push({ id: `${pascal(s.name)}${suffix}`, owner, path, what: SERVICE_WHAT[suffix] });
  }
  for (const s of Object.values(spec.services)) {
    const seen = new Set<string>();
    s.secrets.forEach((secret, i) => {
      if (seen.has(secret)) return; // the same name twice is one secret
      seen.add(secret);
      out.push({ id: ID.serviceSecret(s.name, secret), owner: `secret ${secret} of service ${s.name}`, path: ['services', s.name, 'secrets', s.secretsPositions?.[i] ?? i], what: 'secret' });
    });
  }
  for (const x of Object.values(spec.secrets ?? {})) {
    if (x.existing) continue; // dex creates nothing for it
    const path = ['secrets', x.name];
    const owner = `secret ${x.name}`;
    out.push({ id: ID.sharedSecret(x.name), owner, path, what: 'secret' });
    if (x.rotation) {
      out.push({ id: ID.sharedSecretRotationPermission(x.name), owner, path, what: 'rotation permission' });
      out.push({ id: ID.sharedSecretRotationSchedule(x.name), owner, path, what: 'rotation schedule' });
    }
  }
  const alertNames = new Set<string>();
  spec.monitoring.alerts.forEach((alert, i) => {
    // A second alert of the same name is DEX327's, not a collision of each of its alarms.
    if (alertNames.has(pascal(alert.name))) return;
    alertNames.add(pascal(alert.name));
    for (const target of alarmTargets(spec, alert.metric, alert.services)) {
      out.push({ id: ID.alarm(alert.name, target), owner: `alert ${alert.name}`, path: ['monitoring', 'alerts', i, 'name'], what: `alarm on ${target}` });
    }
  });
  return out;
}

export const derivedNamesRule: SemanticRule = {
  id: 'derived-names',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const byId = new Map<string, Claim>();
    const reported = new Set<string>();
    const reserved = new Set<string>();
    for (const s of Object.keys(spec.services)) {
      const what = RESERVED_SERVICE_PHYSICAL_NAMES[s];
      if (what === undefined || !Object.hasOwn(RESERVED_SERVICE_PHYSICAL_NAMES, s)) continue;
      reserved.add(`service ${s}`);
      findings.push({
        code: 'DEX325',
        message: `service name "${s}" is reserved: dex uses it for ${what}`,
        path: ['services', s],
        atKey: true,
        hint: 'rename the service (docs/diagnostics.md#dex325 lists the reserved names)',
      });
    }
    for (const claim of claims(spec)) {
      const component = Object.hasOwn(DEX_COMPONENT_IDS, claim.id) ? DEX_COMPONENT_IDS[claim.id] : undefined;
      if (component !== undefined) {
        if (reserved.has(claim.owner)) continue;
        reserved.add(claim.owner);
        const name = claim.owner.replace(/^\S+ /, '');
        findings.push({
          code: 'DEX325',
          message: `${claim.owner.replace(/ .*/, '')} name "${name}" is reserved: its ${claim.what} would be ${claim.id}, which is ${component}`,
          path: claim.path,
          atKey: claim.path.length === 2,
          hint: `rename it: dex derives logical IDs from names (${name} → ${pascal(name)}), and ${claim.id} is dex's own`,
        });
        continue;
      }
      const first = byId.get(claim.id);
      if (first === undefined) {
        byId.set(claim.id, claim);
        continue;
      }
      if (first.owner === claim.owner) continue;
      const pair = `${first.owner}\u0000${claim.owner}`;
      if (reported.has(pair) || reserved.has(claim.owner)) continue;
      reported.add(pair);
      findings.push({
        code: 'DEX324',
        message: `${claim.owner} and ${first.owner} derive the same ${claim.label ?? 'logical ID'} ${claim.id.replace(/^vault:/, '')}: the ${claim.what} of the one and the ${first.what} of the other`,
        path: claim.path,
        atKey: claim.path.length === 2,
        hint: claim.label
          ? `rename one of them (the other is at ${where(first.path)}): names are cut to fit AWS's length limits, so they must differ early on`
          : `rename one of them; the other is at ${where(first.path)}. Logical IDs drop hyphens and capitalise each part, so names that differ only there collide`,
      });
    }
    return findings;
  },
};

/** A listener holds 100 rules by default (an ELB quota); dex makes one rule per public service. */
export const MAX_PUBLIC_SERVICES = 100;

export const listenerRulesRule: SemanticRule = {
  id: 'listener-rules',
  check(spec: NormalizedSpec): Finding[] {
    const exposed = [...exposedNames(spec)].sort();
    if (exposed.length <= MAX_PUBLIC_SERVICES) return [];
    const first = exposed[MAX_PUBLIC_SERVICES]!;
    return [
      {
        code: 'DEX326',
        message: `${exposed.length} public services need ${exposed.length} listener rules on the one load balancer; a listener holds ${MAX_PUBLIC_SERVICES} (from ${first} on, in name order, they would not fit)`,
        path: ['services', first, 'expose', 'public'],
        hint: `expose at most ${MAX_PUBLIC_SERVICES} services: put the others behind a gateway service, or make them private (expose.public: false) and call them through uses`,
      },
    ];
  },
};

export const duplicateAlertsRule: SemanticRule = {
  id: 'duplicate-alerts',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const seen = new Map<string, number>();
    spec.monitoring.alerts.forEach((alert, i) => {
      const key = pascal(alert.name);
      const j = seen.get(key);
      if (j === undefined) {
        seen.set(key, i);
        return;
      }
      const other = spec.monitoring.alerts[j]!;
      findings.push({
        code: 'DEX327',
        message: `alert ${alert.name} has the same name as alert ${other.name} (monitoring.alerts.${j}): their alarms would share logical IDs`,
        path: ['monitoring', 'alerts', i, 'name'],
        hint: 'give each alert its own name; names differing only in the case of the first letter count as the same',
      });
    });
    return findings;
  },
};
