// ECS on Fargate: the cluster, and per service a log group, a task definition, a service in the
// private subnets behind the service's security group, and Application Auto Scaling on CPU (and
// memory when asked).
//
// A release is one CloudFormation update: the task definition runs the `ImageTag` stack parameter
// (services/ecr.ts `imageUri`), so a new tag or a spec change is a new task definition and the
// service deploys it while CloudFormation waits. Deployments are ECS's own (deployment controller
// ECS): rolling, or, for a service behind the load balancer in a blue-green, linear or canary
// stage, ECS's blue/green with traffic shifted between the two target groups of services/alb.ts.
// The circuit breaker and the stage's alarms roll a failing deployment back, which fails the
// stack update, which CloudFormation rolls back.
import { bucketName, storeEnvName } from './buckets.js';
import { tableName } from './dynamodb.js';
import { sharedSecretReads, sharedSecretSource } from './secrets.js';
import { ID, getAtt, namePrefix, pascal, ref, resource, sub, subnetRefs, tagList } from '../compiler/model/ids.js';
import { HOURS_PER_MONTH, type BuildingBlock, type CfnValue, type MeterName, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import { podResources, sidecarsOf, type NormalizedProbe, type NormalizedService, type NormalizedSidecar, type NormalizedSpec } from '../spec/model.js';
import { BROKER_AMQPS_PORT, BROKER_ID, BROKER_SECRET_KEYS, brokerHost, brokerUrl, brokersOf } from '../compiler/model/brokers.js';
import { CACHE_AUTH_SECRET_KEY, CACHE_USER_SECRET_PASSWORD_KEY, cacheReplicationGroupId, cacheSignIn, cacheUserId } from './elasticache.js';
import { auroraReaders, databaseName, databaseUserOn, isAurora } from './rds.js';
import { engineInfo } from '../spec/database-engines.js';
import { BLUE_GREEN_ID, exposedNames, isTrafficShifted } from './alb.js';
import { cpuYieldsToSteps, ecsScheduledActions } from './scaling-signals.js';
import { behindLoadBalancer } from '../compiler/model/exposure.js';
import { imageUri } from './ecr.js';
import { resolveEnvValue } from './references.js';
import { ecsExecLogGroupName, serviceLogGroupName } from './iam.js';
import { serviceAlarmNames, stageOf } from './cicd.js';
import { logRetentionAtLeast } from './audit.js';
import { ecsJobGroupResources, ecsJobResources, jobFargateMeters, releaseJobsCluster } from './jobs.js';
import { isJob } from '../spec/model.js';
import { messagingEnv } from './messaging.js';
import { addressEnvironment, ecsDiscoveryProperties } from './discovery.js';
import { ECS_INSTANCES_ID, capacityWords, containerInstanceResources, containerInstances, defaultCapacityStrategy, fargateSplit, onContainerInstances, serviceCapacityStrategy } from './ecs-capacity.js';
import { FILE_SYSTEM_ID, mountedVolumes, volumeName } from '../compiler/model/volumes.js';

/** The log group of ECS Exec sessions: `/` keeps it apart from every service's `/dex/<prefix>/<service>`. */
export const ECS_EXEC_LOG_GROUP = 'EcsExecSessionLogGroup';
/** ECS services with `exec` on, sorted by name. */
export const ecsExecServices = (spec: NormalizedSpec): NormalizedService[] =>
  Object.values(spec.services)
    .filter((s) => s.placement === 'ecs' && s.exec.enabled)
    .sort((a, b) => (a.name < b.name ? -1 : 1));

/** The role ECS assumes to move the listener rules of traffic-shifted services (one per environment). */
export const ECS_LOAD_BALANCER_ROLE = 'EcsLoadBalancerRole';
/** Ephemeral storage every Fargate task gets without charge (GiB); `resources.ephemeralStorage` sets 21 to 200. */
export const FARGATE_FREE_EPHEMERAL_GIB = 20;

/** The uid and gid containers run as (ECS `User`, Kubernetes `runAsUser`) unless a service sets runAsRoot. */
export const CONTAINER_USER = 10001;

/** A service gets a target group on the load balancer when it is public and listens on a port. */
export function isExposed(spec: NormalizedSpec, s: NormalizedService): boolean {
  return exposedNames(spec).has(s.name);
}

/** The image a service runs: its own, or the released one (`ImageTag`) from its ECR repository. */
export function serviceImage(spec: NormalizedSpec, s: NormalizedService): CfnValue {
  return s.image ?? imageUri(spec, s.name);
}

/** The name a service's traces carry in X-Ray: system and environment first, so rules can match them. */
export function xrayServiceName(spec: NormalizedSpec, service: string): string {
  return `${namePrefix(spec)}/${service}`;
}

const envName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/** A secret (or one JSON key of it) in the `valueFrom` form ECS understands. */
const valueFrom = (secret: SecretInjection): CfnValue => (secret.key === undefined ? secret.from : { 'Fn::Join': ['', [secret.from, `:${secret.key}::`]] });

/**
 * What a service is given about the secrets, databases and caches it uses: plain connection
 * settings as environment, credentials as secrets (never in the template or task definition).
 * A database gives host, port, database name, the service's own user and IAM_AUTH=true: no
 * credential at all (the token is signed with the service's role).
 */
export interface SecretInjection {
  readonly Name: string;
  /** The secret's ARN: the Ref of one dex creates, or an existing secret's or SSM parameter's ARN. */
  readonly from: CfnValue;
  /** An SSM SecureString parameter rather than a Secrets Manager secret (EC2 reads it with ssm get-parameter). */
  readonly ssm?: true;
  /** JSON key inside the secret; undefined for the whole secret string. */
  readonly key: string | undefined;
}

export function serviceConnections(spec: NormalizedSpec, s: NormalizedService): { env: { Name: string; Value: CfnValue }[]; secrets: SecretInjection[] } {
  const env: { Name: string; Value: CfnValue }[] = Object.keys(s.env)
    .sort()
    .map((k) => ({ Name: k, Value: resolveEnvValue(spec, s.env[k]!) }));
  const secrets: SecretInjection[] = s.secrets.map((name) => ({ Name: name, from: ref(ID.serviceSecret(s.name, name)), key: undefined }));
  for (const r of sharedSecretReads(spec, s)) secrets.push({ Name: r.env, from: sharedSecretSource(r.secret), key: r.key, ...(r.secret.existing?.store === 'ssm' ? { ssm: true as const } : {}) });
  const has = (name: string): boolean => name in s.env;
  const add = (name: string, value: CfnValue): void => void (has(name) || env.push({ Name: name, Value: value }));
  if (s.port !== undefined) add('PORT', String(s.port));
  for (const used of [...s.uses].sort()) {
    const prefix = envName(used);
    const db = spec.databases[used];
    if (db) {
      add(`${prefix}_HOST`, getAtt(ID.database(used), 'Endpoint.Address'));
      add(`${prefix}_PORT`, String(db.port));
      add(`${prefix}_SSL`, 'true');
      // IAM database authentication: the service signs a token for its own user with its role
      // (docs/secrets.md "Databases"); it never receives a password.
      add(`${prefix}_DATABASE`, databaseName(db));
      add(`${prefix}_USERNAME`, databaseUserOn(db, s.name));
      add(`${prefix}_IAM_AUTH`, 'true');
      // libpq's and the MySQL clients' names for "TLS, and check the certificate names the host".
      add(`${prefix}_SSLMODE`, engineInfo(db.engine).protocol === 'mysql' ? 'VERIFY_IDENTITY' : 'verify-full');
      // Aurora: the reader endpoint balances over the readers (read-only queries).
      if (isAurora(db) && auroraReaders(db) > 0) add(`${prefix}_READ_HOST`, getAtt(ID.database(used), 'ReadEndpoint.Address'));
    }
    const cache = spec.caches[used];
    if (cache) {
      add(`${prefix}_HOST`, getAtt(ID.cache(used), cache.clusterMode ? 'ConfigurationEndPoint.Address' : 'PrimaryEndPoint.Address'));
      add(`${prefix}_PORT`, String(cache.port));
      add(`${prefix}_TLS`, 'true');
      add(`${prefix}_CLUSTER_MODE`, String(cache.clusterMode));
      const signIn = cacheSignIn(cache);
      if (signIn === 'iam') {
        // IAM authentication: the service signs in as its own user with a token from its role (docs/secrets.md).
        add(`${prefix}_IAM_AUTH`, 'true');
        add(`${prefix}_USER`, cacheUserId(spec, cache, s.name));
        add(`${prefix}_REPLICATION_GROUP_ID`, cacheReplicationGroupId(spec, cache));
      } else if (signIn === 'password') {
        // Its own password user (Redis OSS 6): the user name in the clear, the password from its own secret.
        add(`${prefix}_USER`, cacheUserId(spec, cache, s.name));
        secrets.push({ Name: `${prefix}_PASSWORD`, from: ref(ID.cacheUserSecret(used, s.name)), key: CACHE_USER_SECRET_PASSWORD_KEY });
      } else {
        secrets.push({ Name: `${prefix}_AUTH_TOKEN`, from: ref(ID.cacheAuthSecret(used)), key: CACHE_AUTH_SECRET_KEY });
      }
    }
  }
  for (const e of messagingEnv(spec, s)) add(e.Name, e.Value);
  // Brokers: the AMQPS address as plain env, the one user's name and password from the broker's secret.
  for (const b of brokersOf(spec, s)) {
    const prefix = envName(b.name);
    add(`${prefix}_URL`, brokerUrl(spec, b.name));
    add(`${prefix}_HOST`, brokerHost(spec, b.name));
    add(`${prefix}_PORT`, String(BROKER_AMQPS_PORT));
    secrets.push({ Name: `${prefix}_USERNAME`, from: ref(BROKER_ID.secret(b.name)), key: BROKER_SECRET_KEYS.username }, { Name: `${prefix}_PASSWORD`, from: ref(BROKER_ID.secret(b.name)), key: BROKER_SECRET_KEYS.password });
  }
  // Buckets and tables: their names, plain strings (fixed names, so every platform can take them).
  for (const use of s.stores ?? []) {
    if (use.kind === 'bucket' && Object.hasOwn(spec.buckets ?? {}, use.name)) add(storeEnvName(use), bucketName(spec, use.name));
    if (use.kind === 'table' && Object.hasOwn(spec.tables ?? {}, use.name)) add(storeEnvName(use), tableName(spec, use.name));
  }
  if (spec.monitoring.tracing === 'xray') add('AWS_XRAY_TRACING_NAME', xrayServiceName(spec, s.name));
  // Addresses of the services it calls; a name clash with env or secrets is DEX376, never silent.
  for (const a of addressEnvironment(spec, s)) add(a.Name, a.Value);
  env.sort((a, b) => (a.Name < b.Name ? -1 : 1));
  secrets.sort((a, b) => (a.Name < b.Name ? -1 : 1));
  return { env, secrets };
}

/**
 * Constant programs of the health checks: the URL or port, which come from the spec, are their
 * argument (argv), never part of their text, so no spec value can become code.
 */
export const NODE_HEALTH_SCRIPT = "require('http').get(process.argv[1],r=>process.exit(r.statusCode<400?0:1)).on('error',()=>process.exit(1))";
export const SHELL_HEALTH_SCRIPT = 'curl -fsS "$1" >/dev/null || wget -qO- "$1" >/dev/null || exit 1';
export const NODE_TCP_HEALTH_SCRIPT = "require('net').connect(+process.argv[1],'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))";
/** nc where the image has it, else bash's /dev/tcp (dash and busybox sh have none). */
export const SHELL_TCP_HEALTH_SCRIPT = 'nc -z 127.0.0.1 "$1" 2>/dev/null || bash -c \': </dev/tcp/127.0.0.1/$1\' dex-health-check "$1" 2>/dev/null || exit 1';

/**
 * A health check that runs without extra tools in the image: Node images have `node`, others are
 * tried with curl, then wget (nc, then bash, for a TCP check). Exec form (`CMD`): ECS runs the argv
 * as given, no shell parses the spec's path; the fallbacks are constant `sh -c` scripts with the
 * URL or port as `$1`. A `health.command` is run as its words are. A gRPC service is checked by a
 * TCP connect: its images rarely carry a gRPC health client, and the load balancer asks the
 * gRPC health protocol itself.
 */
export function healthCommand(s: NormalizedService, probe: NormalizedProbe = s.health.liveness): string[] | undefined {
  if (probe.command) return ['CMD', ...probe.command];
  if (s.port === undefined) return undefined;
  const node = s.language === 'nodejs' || s.language === 'typescript';
  if (probe.check !== 'http') {
    const port = String(s.port);
    return node ? ['CMD', 'node', '-e', NODE_TCP_HEALTH_SCRIPT, port] : ['CMD', '/bin/sh', '-c', SHELL_TCP_HEALTH_SCRIPT, 'dex-health-check', port];
  }
  const url = `http://127.0.0.1:${s.port}${probe.path}`;
  if (node) return ['CMD', 'node', '-e', NODE_HEALTH_SCRIPT, url];
  return ['CMD', '/bin/sh', '-c', SHELL_HEALTH_SCRIPT, 'dex-health-check', url];
}

export type EcsDeploymentStrategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

/**
 * The ECS deployment strategy of a service: its stage's, for a service behind the load balancer
 * (services/alb.ts gives it the second target group); rolling for every other service, which
 * has no traffic to shift.
 */
export function ecsDeploymentStrategy(spec: NormalizedSpec, s: NormalizedService): EcsDeploymentStrategy {
  if (!isTrafficShifted(spec, s.name)) return 'ROLLING';
  const strategy = stageOf(spec)!.strategy;
  return strategy === 'blue-green' ? 'BLUE_GREEN' : strategy === 'linear' ? 'LINEAR' : strategy === 'canary' ? 'CANARY' : 'ROLLING';
}

/**
 * DeploymentConfiguration: the circuit breaker always (a task that never gets healthy fails the
 * deployment, and so the stack update), the stage's alarms when it rolls back on alarm, and for a
 * traffic-shifted service the strategy with its bake time and steps.
 */
function deploymentConfiguration(spec: NormalizedSpec, s: NormalizedService): Record<string, CfnValue> {
  const stage = stageOf(spec);
  const strategy = ecsDeploymentStrategy(spec, s);
  const alarms = stage?.rollbackOnAlarm ? serviceAlarmNames(spec, s) : [];
  const out: Record<string, CfnValue> = {
    Strategy: strategy,
    DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    ...(alarms.length ? { Alarms: { AlarmNames: alarms, Enable: true, Rollback: true } } : {}),
  };
  if (strategy === 'ROLLING' || stage === undefined) return { ...out, MaximumPercent: 200, MinimumHealthyPercent: 100 };
  out.BakeTimeInMinutes = stage.bakeMinutes;
  if (strategy === 'LINEAR') out.LinearConfiguration = { StepPercent: stage.stepPercent, StepBakeTimeInMinutes: stage.stepBakeMinutes };
  if (strategy === 'CANARY') out.CanaryConfiguration = { CanaryPercent: stage.canaryPercent, CanaryBakeTimeInMinutes: stage.stepBakeMinutes };
  return out;
}

/**
 * The infrastructure role ECS assumes to register tasks in the two target groups and rewrite the
 * production and test listener rules. AWS's managed AmazonECSInfrastructureRolePolicyForLoadBalancers
 * is the documented policy for it: describe on load balancing resources, register/deregister
 * targets, modify listeners and rules. dex accepts its account-wide scope (it cannot be narrowed
 * by resource for Describe*, and ECS needs nothing beyond it); the trust is ECS, from this
 * account only.
 */
function loadBalancerRole(spec: NormalizedSpec): ModelResource {
  return resource({
    logicalId: ECS_LOAD_BALANCER_ROLE,
    type: 'AWS::IAM::Role',
    layer: 'ecs',
    origin: ['cicd', 'stages', spec.environment ?? 'default', 'strategy'],
    component: 'platform/ecs',
    properties: {
      Description: `ECS shifts traffic between the target groups of ${namePrefix(spec)}'s blue-green, linear and canary services`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } } }],
      },
      ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers')],
      MaxSessionDuration: 3600,
      Tags: tagList(spec, 'platform/ecs'),
    },
  });
}

const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, n));

/** CloudWatch Logs usage of one of `groups` application log groups. */
export function logMeters(spec: NormalizedSpec, groups: number): UsageMeter[] {
  const ingested = spec.usage.logsIngestedGiB;
  const retention = spec.monitoring.logs.retentionDays;
  if (ingested === undefined) {
    return [
      { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: { logClass: 'STANDARD' }, basis: 'usage.logsIngestedGiB not set', quantityUnknown: 'set usage.logsIngestedGiB (GiB of application logs a month) to price it' },
      { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: 'usage.logsIngestedGiB not set', quantityUnknown: 'set usage.logsIngestedGiB (GiB of application logs a month) to price it' },
    ];
  }
  const share = ingested / groups;
  const months = retention / (365 / 12);
  return [
    { meter: 'logs.ingest', unit: 'GB', quantity: { min: share, max: share }, attributes: { logClass: 'STANDARD' }, basis: `usage.logsIngestedGiB ${ingested} GiB a month split evenly across ${groups} application log groups` },
    {
      meter: 'logs.storage',
      unit: 'GB-month',
      // Retention under a month keeps less than a month's logs at steady state: the range is
      // ordered, whichever end is lower.
      quantity: { min: Math.min(round(share), round(share * months)), max: Math.max(round(share), round(share * months)) },
      attributes: {},
      basis: `${round(share)} GiB a month kept ${retention} days: ${months >= 1 ? `one month's logs in the first month, ${round(months)} months' at steady state` : `${round(months)} of a month's logs at steady state, one month's at most`} (uncompressed, an upper bound: CloudWatch bills compressed bytes)`,
    },
  ];
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** Services whose logs go to a dex log group (ECS awslogs, the Docker awslogs driver on EC2). */
export function applicationLogGroupCount(spec: NormalizedSpec): number {
  // Asked once per log group: counted once per spec, or the model takes quadratic time.
  let count = logGroupCounts.get(spec);
  if (count === undefined) logGroupCounts.set(spec, (count = Object.values(spec.services).filter((s) => s.placement === 'ecs' || s.placement === 'ec2').length));
  return count;
}

const logGroupCounts = new WeakMap<NormalizedSpec, number>();

function serviceResources(spec: NormalizedSpec, s: NormalizedService): ModelResource[] {
  const P = pascal(s.name);
  const component = `service/${s.name}`;
  const origin = ['services', s.name];
  const tags = tagList(spec, component);
  const out: ModelResource[] = [];
  const logGroupName = serviceLogGroupName(spec, s.name);
  // A job the release runs before it updates the services needs its new task definition (and
  // its log group) deployed by then: in the data layer, which deploys before the services' stacks.
  const layer = isJob(s) && s.job.run === 'before-release' ? 'data' : 'ecs';

  out.push(
    resource({
      logicalId: ID.serviceLogGroup(s.name),
      type: 'AWS::Logs::LogGroup',
      layer,
      origin,
      component,
      properties: { LogGroupName: logGroupName, RetentionInDays: spec.monitoring.logs.retentionDays, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), Tags: tags },
      usage: logMeters(spec, applicationLogGroupCount(spec)),
    }),
  );

  const { env, secrets } = serviceConnections(spec, s);
  const health = healthCommand(s);
  const sidecars = sidecarsOf(s);
  const router = sidecars.find((c) => c.logRouter);
  const awslogs = (prefix: string): CfnValue => ({
    LogDriver: 'awslogs',
    Options: { 'awslogs-group': logGroupName, 'awslogs-region': ref('AWS::Region'), 'awslogs-stream-prefix': prefix, mode: 'non-blocking', 'max-buffer-size': '25m' },
  });
  const volumes = mountedVolumes(spec, s);
  const container: Record<string, CfnValue> = {
    Name: s.name,
    Image: serviceImage(spec, s),
    Essential: true,
    ...(s.command ? { Command: [...s.command] } : {}),
    ...(s.port !== undefined ? { PortMappings: [{ Name: 'http', ContainerPort: s.port, Protocol: 'tcp', AppProtocol: s.health.check === 'grpc' ? 'grpc' : 'http' }] } : {}),
    Environment: env,
    ...(secrets.length ? { Secrets: secrets.map((x) => ({ Name: x.Name, ValueFrom: valueFrom(x) })) } : {}),
    LogConfiguration: router ? fireLensLogConfiguration(logGroupName, s.name) : awslogs(s.name),
    ...(health
      ? {
          HealthCheck: {
            Command: health,
            // The container health check is liveness (ECS replaces a task that fails it); its start period is the startup window.
            Interval: clamp(s.health.liveness.intervalSeconds, 5, 300),
            Timeout: clamp(s.health.liveness.timeoutSeconds, 2, 120),
            Retries: clamp(s.health.liveness.unhealthyThreshold, 1, 10),
            StartPeriod: clamp(s.health.startup.gracePeriodSeconds, 0, 300),
          },
        }
      : {}),
    // Non-root (CIS Docker Benchmark 4.1): a uid that exists in no image, as on EKS; a service
    // whose image needs root says why in runAsRoot and the compliance report lists it.
    ...(s.runAsRoot === undefined ? { User: `${CONTAINER_USER}:${CONTAINER_USER}` } : {}),
    // Read-only root and no capabilities unless the service relaxes them with a reason (securityContext),
    // which the compliance report lists.
    ReadonlyRootFilesystem: s.securityContext.readOnlyRootFilesystem,
    MountPoints: [{ SourceVolume: 'tmp', ContainerPath: '/tmp', ReadOnly: false }, ...volumes.map((v) => ({ SourceVolume: volumeName(v), ContainerPath: v.path, ReadOnly: v.readOnly }))],
    LinuxParameters: { InitProcessEnabled: true, Capabilities: { ...(s.securityContext.addCapabilities.length ? { Add: [...s.securityContext.addCapabilities] } : {}), Drop: ['ALL'] } },
  };
  const task = podResources(s);
  out.push(
    resource({
      logicalId: `${P}TaskDefinition`,
      type: 'AWS::ECS::TaskDefinition',
      layer,
      origin,
      component,
      properties: {
        Family: `${namePrefix(spec)}-${s.name}`,
        // On the container instances: EC2 compatibility, still awsvpc (each task its own ENI and security group).
        RequiresCompatibilities: [onContainerInstances(s) ? 'EC2' : 'FARGATE'],
        NetworkMode: 'awsvpc',
        // With sidecars, the sum of the containers (compiler/checks/sidecars.ts: a Fargate size, DEX832).
        Cpu: String(Math.round(task.cpu * 1024)),
        Memory: String(task.memoryMiB),
        RuntimePlatform: { CpuArchitecture: s.architecture === 'arm64' ? 'ARM64' : 'X86_64', OperatingSystemFamily: 'LINUX' },
        ExecutionRoleArn: getAtt(ID.taskExecutionRole(s.name), 'Arn'),
        TaskRoleArn: getAtt(ID.serviceRole(s.name), 'Arn'),
        ContainerDefinitions: [sidecars.length ? withSidecarShare(s, container) : container, ...sidecars.map((c) => sidecarContainer(s, c, awslogs(s.name)))],
        ...(s.resources.ephemeralStorageGiB !== undefined ? { EphemeralStorage: { SizeInGiB: s.resources.ephemeralStorageGiB } } : {}),
        // EFS through the service's access point, TLS and IAM (the task role) on every mount; Fargate
        // mounts EFS from platform version 1.4.0, which LATEST is.
        Volumes: [
          { Name: 'tmp' },
          ...sidecars.map((c) => ({ Name: sidecarTmpVolume(c) })),
          ...volumes.map((v) => ({
            Name: volumeName(v),
            EFSVolumeConfiguration: {
              FilesystemId: ref(FILE_SYSTEM_ID.fileSystem(v.fileSystem)),
              TransitEncryption: 'ENABLED',
              AuthorizationConfig: { AccessPointId: ref(FILE_SYSTEM_ID.accessPoint(v.fileSystem, s.name)), IAM: 'ENABLED' },
            },
          })),
        ],
        Tags: tags,
      },
      // A job has no ECS service to carry its Fargate hours: its task definition does, per run.
      ...(isJob(s) ? { usage: jobFargateMeters(spec, s) } : {}),
    }),
  );
  // A job runs to completion: no service, no desired count, no scaling; a schedule when it has one.
  if (isJob(s)) return [...out, ...ecsJobResources(spec, s)];

  const spot = spec.platforms.ecs.capacity === 'fargate-spot';
  const arch = s.architecture;
  const fargateOne = (meter: MeterName, unit: string, perTask: number, what: string): UsageMeter => ({
    meter,
    unit,
    quantity: { min: round(perTask * HOURS_PER_MONTH * s.scaling.min), max: round(perTask * HOURS_PER_MONTH * s.scaling.max) },
    attributes: { architecture: arch, ...(spot ? { purchaseOption: 'Spot' } : {}) },
    basis: `${perTask} ${what} per task${sidecarsOf(s).length && meter !== 'fargate.ephemeralStorage' ? ` (${sidecarShares(s, meter === 'fargate.vcpu' ? 'cpu' : 'memory')})` : ''} × ${HOURS_PER_MONTH} h × ${s.scaling.min}..${s.scaling.max} tasks (scaling min..max)${spot ? ', on Fargate Spot' : ''}`,
  });
  // A capacity mix: the On-Demand and the Spot share each priced as its own line (Spot at the
  // on-demand price as its ceiling, usage.spotDiscountPercent below it as its floor); a side no
  // task ever lands on has no line. On the container instances the instances carry the cost.
  const mix = s.capacity;
  const fargate = (meter: MeterName, unit: string, perTask: number, what: string): UsageMeter[] => {
    if (mix === undefined) return [fargateOne(meter, unit, perTask, what)];
    if (onContainerInstances(s)) return [];
    const lo = fargateSplit(spec, mix, s.scaling.min);
    const hi = fargateSplit(spec, mix, s.scaling.max);
    const side = (tasks: { min: number; max: number }, onSpot: boolean): UsageMeter => ({
      meter,
      unit,
      quantity: { min: round(perTask * HOURS_PER_MONTH * tasks.min), max: round(perTask * HOURS_PER_MONTH * tasks.max) },
      attributes: { architecture: arch, ...(onSpot ? { purchaseOption: 'Spot' } : {}) },
      basis: `${perTask} ${what} per task × ${HOURS_PER_MONTH} h × ${round(tasks.min)}..${round(tasks.max)} of ${s.scaling.min}..${s.scaling.max} tasks ${onSpot ? 'on Fargate Spot' : 'On-Demand'} (capacity: ${capacityWords(mix)})`,
    });
    return [
      ...(hi.onDemand > 0 ? [side({ min: lo.onDemand, max: hi.onDemand }, false)] : []),
      ...(hi.spot > 0 ? [side({ min: lo.spot, max: hi.spot }, true)] : []),
    ];
  };
  // Behind the shared ALB or a named load balancer: registers in its target group either way.
  const exposed = behindLoadBalancer(spec, s);
  const shifted = ecsDeploymentStrategy(spec, s) !== 'ROLLING';
  const ecsServiceId = ID.ecsService(s.name);
  out.push(
    resource({
      logicalId: ecsServiceId,
      type: 'AWS::ECS::Service',
      layer: 'ecs',
      origin,
      component,
      // The cluster's providers are the association's once the cluster has container instances.
      ...(containerInstances(spec) ? { dependsOn: [ECS_INSTANCES_ID.associations] } : {}),
      properties: {
        ServiceName: s.name,
        Cluster: ref(ID.ecsCluster),
        TaskDefinition: ref(`${P}TaskDefinition`),
        DesiredCount: s.scaling.min,
        CapacityProviderStrategy: serviceCapacityStrategy(spec, s),
        // Fargate only; on the container instances, tasks spread over the zones first.
        ...(onContainerInstances(s) ? { PlacementStrategies: [{ Type: 'spread', Field: 'attribute:ecs.availability-zone' }, { Type: 'binpack', Field: 'memory' }] } : { PlatformVersion: 'LATEST' }),
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            AssignPublicIp: 'DISABLED',
            SecurityGroups: [ref(ID.serviceSecurityGroup(s.name))],
            Subnets: subnetRefs(spec, 'private'),
          },
        },
        ...(exposed
          ? {
              LoadBalancers: [
                {
                  ContainerName: s.name,
                  ContainerPort: s.port!,
                  TargetGroupArn: ref(ID.targetGroup(s.name)),
                  ...(shifted
                    ? {
                        AdvancedConfiguration: {
                          AlternateTargetGroupArn: ref(BLUE_GREEN_ID.greenTargetGroup(s.name)),
                          ProductionListenerRule: ref(ID.listenerRule(s.name)),
                          TestListenerRule: ref(BLUE_GREEN_ID.testListenerRule(s.name)),
                          RoleArn: getAtt(ECS_LOAD_BALANCER_ROLE, 'Arn'),
                        },
                      }
                    : {}),
                },
              ],
              HealthCheckGracePeriodSeconds: s.health.startup.gracePeriodSeconds,
            }
          : {}),
        DeploymentController: { Type: 'ECS' },
        DeploymentConfiguration: deploymentConfiguration(spec, s),
        EnableECSManagedTags: true,
        EnableExecuteCommand: s.exec.enabled,
        ...ecsDiscoveryProperties(spec, s),
        PropagateTags: 'SERVICE',
        Tags: tags,
      },
      usage: [
        ...fargate('fargate.vcpu', 'vCPU-hours', task.cpu, 'vCPU'),
        ...fargate('fargate.memory', 'GB-hours', round(task.memoryMiB / 1024), 'GB'),
        // Fargate bills only the ephemeral storage above the 20 GB every task gets.
        ...(s.resources.ephemeralStorageGiB !== undefined && s.resources.ephemeralStorageGiB > FARGATE_FREE_EPHEMERAL_GIB
          ? fargate('fargate.ephemeralStorage', 'GB-hours', s.resources.ephemeralStorageGiB - FARGATE_FREE_EPHEMERAL_GIB, `GB of ephemeral storage above the free ${FARGATE_FREE_EPHEMERAL_GIB} GB`)
          : []),
      ],
    }),
  );

  const resourceId: CfnValue = { 'Fn::Join': ['/', ['service', ref(ID.ecsCluster), getAtt(ecsServiceId, 'Name')]] };
  const scheduled = ecsScheduledActions(s);
  out.push(
    resource({
      logicalId: `${P}ScalableTarget`,
      type: 'AWS::ApplicationAutoScaling::ScalableTarget',
      layer: 'ecs',
      origin: [...origin, 'scaling'],
      component,
      properties: {
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: resourceId,
        MinCapacity: s.scaling.min,
        MaxCapacity: s.scaling.max,
        ...(scheduled !== undefined ? { ScheduledActions: scheduled } : {}),
      },
    }),
  );
  const policy = (kind: 'Cpu' | 'Memory', metric: string, target: number): ModelResource =>
    resource({
      logicalId: `${P}${kind}ScalingPolicy`,
      type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
      layer: 'ecs',
      origin: [...origin, 'scaling'],
      component,
      properties: {
        PolicyName: `${s.name}-${kind.toLowerCase()}-target-tracking`,
        PolicyType: 'TargetTrackingScaling',
        ScalingTargetId: ref(`${P}ScalableTarget`),
        TargetTrackingScalingPolicyConfiguration: {
          PredefinedMetricSpecification: { PredefinedMetricType: metric },
          TargetValue: target,
          ScaleInCooldown: 300,
          ScaleOutCooldown: 60,
        },
      },
    });
  // Every kind that runs continuously (web, backend, worker) scales on CPU and memory; a
  // queue-scaled service scales on its backlog instead (services/queue-scaling.ts), and steps on
  // cpu replace the CPU policy (services/scaling-signals.ts).
  if (s.scaling.max > s.scaling.min && s.scaling.queue === undefined) {
    if (!cpuYieldsToSteps(s)) out.push(policy('Cpu', 'ECSServiceAverageCPUUtilization', s.scaling.targetCpuPercent));
    if (s.scaling.targetMemoryPercent !== undefined) out.push(policy('Memory', 'ECSServiceAverageMemoryUtilization', s.scaling.targetMemoryPercent));
  }
  return out;
}

/** Each sidecar's own writable /tmp, apart from the main container's. */
export const sidecarTmpVolume = (c: NormalizedSidecar): string => `tmp-${c.name}`;

/**
 * FireLens: the main container's log driver hands its lines to the task's Fluent Bit, which sends
 * them to the service's own log group (KMS, retention) with the cloudwatch_logs output; the task
 * role may write there (services/iam.ts). The group exists: Fluent Bit creates none.
 */
function fireLensLogConfiguration(logGroupName: string, service: string): CfnValue {
  return {
    LogDriver: 'awsfirelens',
    Options: { Name: 'cloudwatch_logs', region: ref('AWS::Region'), log_group_name: logGroupName, log_stream_prefix: `${service}/`, auto_create_group: 'false' },
  };
}

/** What one container holds of the task's vCPU or memory, in words: "0.5 vCPU main + 0.5 vCPU fluent-bit". */
function sidecarShares(s: NormalizedService, what: 'cpu' | 'memory'): string {
  const part = (name: string, r: { cpu: number; memory: string }): string => `${what === 'cpu' ? `${r.cpu} vCPU` : r.memory} ${name}`;
  return [part('main', s.resources), ...sidecarsOf(s).map((c) => part(c.name, c.resources))].join(' + ');
}

/**
 * The main container beside sidecars: it reserves its own share (Cpu, MemoryReservation) and may
 * use what the sidecars leave, which their own Memory limit bounds; it starts after the sidecars
 * it waits for (DependsOn).
 */
function withSidecarShare(s: NormalizedService, main: Record<string, CfnValue>): Record<string, CfnValue> {
  const waits = sidecarsOf(s).filter((c) => c.mainWaitsFor !== undefined);
  return {
    ...main,
    Cpu: Math.round(s.resources.cpu * 1024),
    MemoryReservation: s.resources.memoryMiB,
    ...(waits.length ? { DependsOn: waits.map((c) => ({ ContainerName: c.name, Condition: c.mainWaitsFor === 'healthy' ? 'HEALTHY' : 'START' })) } : {}),
  };
}

/** A sidecar's health check as ECS runs it: its command as its words are, or the constant TCP script with the port as its argument. */
export function sidecarHealthCommand(c: NormalizedSidecar): string[] | undefined {
  const h = c.health;
  if (h === undefined) return undefined;
  if (h.command) return ['CMD', ...h.command];
  if (h.tcp !== undefined) return ['CMD', '/bin/sh', '-c', SHELL_TCP_HEALTH_SCRIPT, 'dex-health-check', String(h.tcp)];
  return undefined;
}

/**
 * One sidecar's container definition: its image, size (Cpu and a hard Memory limit, so it cannot
 * starve the main container), ports, health, start order, and the main container's hardening:
 * uid 10001 unless runAsRoot says why not, read-only root with its own /tmp, every capability
 * dropped unless securityContext gives one back with a reason.
 */
function sidecarContainer(s: NormalizedService, c: NormalizedSidecar, logs: CfnValue): Record<string, CfnValue> {
  const health = sidecarHealthCommand(c);
  const env = Object.keys(c.env).sort().map((k) => ({ Name: k, Value: c.env[k]! }));
  const secrets = [...c.secrets].sort().map((name) => ({ Name: name, ValueFrom: ref(ID.serviceSecret(s.name, name)) }));
  return {
    Name: c.name,
    Image: c.image,
    Essential: c.essential,
    ...(c.command ? { Command: [...c.command] } : {}),
    ...(c.ports.length ? { PortMappings: c.ports.map((p) => ({ Name: `${c.name}-${p}`, ContainerPort: p, Protocol: 'tcp' })) } : {}),
    Cpu: Math.round(c.resources.cpu * 1024),
    Memory: c.resources.memoryMiB,
    ...(env.length ? { Environment: env } : {}),
    ...(secrets.length ? { Secrets: secrets } : {}),
    ...(c.logRouter ? { FirelensConfiguration: { Type: 'fluentbit', Options: { 'enable-ecs-log-metadata': 'true' } } } : {}),
    LogConfiguration: logs,
    ...(health
      ? {
          HealthCheck: {
            Command: health,
            Interval: clamp(c.health!.intervalSeconds, 5, 300),
            Timeout: clamp(c.health!.timeoutSeconds, 2, 120),
            Retries: clamp(c.health!.unhealthyThreshold, 1, 10),
            StartPeriod: clamp(c.health!.gracePeriodSeconds, 0, 300),
          },
        }
      : {}),
    ...(c.dependsOn.length ? { DependsOn: c.dependsOn.map((d) => ({ ContainerName: d.sidecar, Condition: d.condition === 'healthy' ? 'HEALTHY' : 'START' })) } : {}),
    User: c.runAsRoot === undefined ? `${CONTAINER_USER}:${CONTAINER_USER}` : '0',
    ReadonlyRootFilesystem: c.securityContext.readOnlyRootFilesystem,
    MountPoints: [{ SourceVolume: sidecarTmpVolume(c), ContainerPath: '/tmp', ReadOnly: false }],
    LinuxParameters: { InitProcessEnabled: true, Capabilities: { ...(c.securityContext.addCapabilities.length ? { Add: [...c.securityContext.addCapabilities] } : {}), Drop: ['ALL'] } },
  };
}

/**
 * ECS Exec on the cluster: every session's input and output logged (OVERRIDE, never the task's
 * own awslogs setting) to a KMS-encrypted log group, and the session channel itself encrypted
 * with the environment's key, so no shell session is unrecorded or in the clear.
 */
function executeCommandConfiguration(spec: NormalizedSpec): Record<string, CfnValue> {
  return {
    KmsKeyId: getAtt(ID.kmsKey, 'Arn'),
    Logging: 'OVERRIDE',
    LogConfiguration: { CloudWatchLogGroupName: ecsExecLogGroupName(spec), CloudWatchEncryptionEnabled: true },
  };
}

/** Session logs are audit evidence: kept as long as the audit trail's. */
function execLogGroup(spec: NormalizedSpec): ModelResource {
  return resource({
    logicalId: ECS_EXEC_LOG_GROUP,
    type: 'AWS::Logs::LogGroup',
    layer: 'ecs',
    origin: ['platforms', 'ecs'],
    component: 'platform/ecs',
    properties: { LogGroupName: ecsExecLogGroupName(spec), RetentionInDays: logRetentionAtLeast(spec.audit.retentionDays), KmsKeyId: getAtt(ID.kmsKey, 'Arn'), Tags: tagList(spec, 'platform/ecs') },
    usage: [
      { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: { logClass: 'STANDARD' }, basis: 'ECS Exec session logs: volume not in usage', quantityUnknown: 'session logs follow how often and how long people open shells, which dex has no usage assumption for' },
      { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: 'ECS Exec session logs: volume not in usage', quantityUnknown: 'session logs follow how often and how long people open shells, which dex has no usage assumption for' },
    ],
  });
}

export const ecs: BuildingBlock = {
  name: 'ecs',
  build(spec: NormalizedSpec): ModelResource[] {
    const services = Object.values(spec.services)
      .filter((s) => s.placement === 'ecs')
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    if (services.length === 0) return [];
    const exec = ecsExecServices(spec).length > 0;
    const instances = containerInstances(spec) !== undefined;
    const out: ModelResource[] = [
      resource({
        logicalId: ID.ecsCluster,
        type: 'AWS::ECS::Cluster',
        layer: 'ecs',
        origin: ['platforms', 'ecs'],
        component: 'platform/ecs',
        properties: {
          ClusterName: namePrefix(spec),
          ClusterSettings: [{ Name: 'containerInsights', Value: spec.platforms.ecs.containerInsights ? 'enabled' : 'disabled' }],
          // With container instances the association resource holds both (services/ecs-capacity.ts).
          ...(instances ? {} : { CapacityProviders: ['FARGATE', 'FARGATE_SPOT'], DefaultCapacityProviderStrategy: defaultCapacityStrategy(spec) }),
          ...(exec ? { Configuration: { ExecuteCommandConfiguration: executeCommandConfiguration(spec) } } : {}),
          Tags: tagList(spec, 'platform/ecs'),
        },
        ...(exec ? { dependsOn: [ECS_EXEC_LOG_GROUP] } : {}),
      }),
    ];
    if (exec) out.push(execLogGroup(spec));
    if (services.some((s) => ecsDeploymentStrategy(spec, s) !== 'ROLLING')) out.push(loadBalancerRole(spec));
    for (const s of services) out.push(...serviceResources(spec, s));
    out.push(...containerInstanceResources(spec), ...ecsJobGroupResources(spec), ...releaseJobsCluster(spec));
    return out;
  },
};
