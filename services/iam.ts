// IAM: the identity each service's code runs as, with least privilege: read only its own secrets
// (those it declares, its own password on the caches it uses that have password users, the
// AUTH token of those that have no users), decrypt them with the KMS
// key only through Secrets Manager, write X-Ray traces when tracing is on. Databases are reached
// with IAM authentication: the `rds-db:connect` grant is in services/rds.ts (it names the
// instance's DbiResourceId, so it lives in the data layer or later), never the master secret. The trust policy
// follows the placement: ECS task role, EKS service-account role (IRSA), EC2 instance role.
// ECS services also get a task execution role; Prometheus and Grafana get instance roles.
//
// Layers: everything here is in `security` except the EKS service-account roles, which are in
// `eks`: their trust policy names the cluster's OIDC provider, which exists only once the
// cluster does, and a layer may only reference layers deployed before it.
import { ID, getAtt, namePrefix, pascal, ref, resource, sub, tagList } from '../compiler/model/ids.js';
import { BROKER_ID, brokersOf } from '../compiler/model/brokers.js';
import type { BuildingBlock, CfnValue, ModelResource, StackLayer } from '../compiler/model/types.js';
import { releaseJobNames } from './jobs.js';
import { isJob, sidecarsOf, type NormalizedService, type NormalizedSpec } from '../spec/model.js';
import { parsePermissionResource } from '../spec/permissions.js';
import { hasWafLogs } from './audit.js';
import { repositoryName } from './ecr.js';
import { cacheIamAuth, cacheReplicationGroupId, cacheSignIn, cacheUserId } from './elasticache.js';
import { databaseArnResource, databaseIdentifier, databaseLogPrefixes, databaseLogTypes } from './rds.js';
import { messagingStatements, queueArn, queueName, topicArn, topicName } from './messaging.js';
import { bucketArn, bucketName, bucketStatements } from './buckets.js';
import { tableArn, tableStatements } from './dynamodb.js';
import { VPC_ID } from './vpc.js';
import { sharedSecretIamResource, sharedSecretReads, sharedSecretSource } from './secrets.js';
import { hasEksCluster } from '../compiler/model/platforms.js';

type Statement = { Sid: string; Effect: 'Allow'; Action: string[]; Resource: CfnValue; Condition?: Record<string, Record<string, CfnValue>> };

/** The log group a service writes to (ECS awslogs, or the Docker awslogs driver on EC2). */
export function serviceLogGroupName(spec: NormalizedSpec, service: string): string {
  return `/dex/${namePrefix(spec)}/${service}`;
}

/** The log group of ECS Exec sessions: the `/` keeps it apart from every service's `/dex/<prefix>/<service>`. */
export const ecsExecLogGroupName = (spec: NormalizedSpec): string => `/dex/${namePrefix(spec)}/sessions/ecs-exec`;

/** Kubernetes namespace and service account of an EKS service (one namespace per service). */
export function serviceAccount(service: string): { namespace: string; name: string } {
  return { namespace: service, name: service };
}

/** Logical IDs of the secrets a service may read, sorted: its own, and those of what it uses. */
export function serviceSecretIds(spec: NormalizedSpec, s: NormalizedService): string[] {
  const ids = s.secrets.map((secret) => ID.serviceSecret(s.name, secret));
  // The top-level secrets dex creates that it refers to: one secret, however many services read it.
  for (const r of sharedSecretReads(spec, s)) if (!r.secret.existing) ids.push(ID.sharedSecret(r.secret.name));
  for (const used of s.uses) {
    // A cache with IAM authentication needs no secret: its services connect as their own user.
    // With password users each service reads its own password only; the shared AUTH token is
    // read only where the engine has no users at all.
    const cache = spec.caches[used];
    const signIn = cache ? cacheSignIn(cache) : undefined;
    if (signIn === 'password') ids.push(ID.cacheUserSecret(used, s.name));
    if (signIn === 'token') ids.push(ID.cacheAuthSecret(used));
  }
  for (const b of brokersOf(spec, s)) ids.push(BROKER_ID.secret(b.name));
  return [...new Set(ids)].sort();
}

const policyDoc = (statements: Statement[]): CfnValue => ({ Version: '2012-10-17', Statement: statements as unknown as CfnValue });
const managedPolicy = (name: string): CfnValue => sub(`arn:\${AWS::Partition}:iam::aws:policy/${name}`);
/** A log group and its streams, by name, as an IAM resource. */
export const logGroupArn = (name: string): CfnValue => sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${name}:*`);
const repositoryArn = (name: string): CfnValue => sub(`arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${name}`);

/** The logs reads Grafana's CloudWatch data source makes that IAM scopes to a log group (the service authorization reference: resource type log-group). */
export const GRAFANA_LOG_READ_ACTIONS = ['logs:DescribeLogStreams', 'logs:FilterLogEvents', 'logs:GetLogEvents', 'logs:GetLogGroupFields', 'logs:StartQuery'];

/**
 * The log groups dex creates for this system and environment, as IAM resources: name patterns
 * where dex names them (`/dex/<prefix>/…` holds the services' and CodeBuild's), the flow log
 * group (named by CloudFormation) by its Ref. Each name appears bare (the log-group resource)
 * and with `:*` (its streams, and the form CloudWatch Logs also checks).
 */
export function systemLogGroupArns(spec: NormalizedSpec): CfnValue[] {
  const prefix = namePrefix(spec);
  const names: string[] = [`/dex/${prefix}/*`];
  if (hasEksCluster(spec)) names.push(`/aws/eks/${prefix}/cluster`, `/aws/containerinsights/${prefix}/*`);
  for (const db of Object.values(spec.databases).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (databaseLogTypes(spec, db).length > 0) names.push(...databaseLogPrefixes(spec, db).map((p) => `${p}/*`));
  }
  if (hasWafLogs(spec)) names.push(`aws-waf-logs-${prefix}`);
  // The flow log group's name is CloudFormation's: `${FlowLogGroup}` (its Ref) in the pattern.
  if (spec.network.flowLogs.enabled) names.push(`\${${VPC_ID.flowLogGroup}}`);
  return names.flatMap((name) => (name.endsWith('*') ? [logGroupResource(name)] : [logGroupResource(name), logGroupResource(`${name}:*`)]));
}
const logGroupResource = (name: string): CfnValue => sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${name}`);

function readSecrets(spec: NormalizedSpec, secretIds: string[]): Statement[] {
  if (secretIds.length === 0) return [];
  return [
    { Sid: 'ReadOwnSecrets', Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: secretIds.map(ref) },
    {
      Sid: 'DecryptSecrets',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: getAtt(ID.kmsKey, 'Arn'),
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${spec.region}.amazonaws.com` } },
    },
  ];
}

/**
 * Read on exactly the existing secrets the service refers to (dex creates none of them): Secrets
 * Manager secrets by ARN (a name with its random suffix), SSM SecureString parameters by ARN, and
 * kms:Decrypt on a customer-managed key only where the spec names one, through that service only.
 * The AWS-managed keys (aws/secretsmanager, aws/ssm) need no grant: their key policies allow every
 * principal of the account to decrypt through the service.
 */
function readExistingSecrets(spec: NormalizedSpec, s: NormalizedService): Statement[] {
  const existing = [...new Map(sharedSecretReads(spec, s).filter((r) => r.secret.existing).map((r) => [r.secret.name, r.secret])).values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const out: Statement[] = [];
  const manager = existing.filter((x) => x.existing!.store === 'secretsmanager');
  const ssm = existing.filter((x) => x.existing!.store === 'ssm');
  const decrypt = (sid: string, xs: typeof existing, service: string): void => {
    const keys = [...new Set(xs.flatMap((x) => (x.existing!.kmsKeyArn ? [x.existing!.kmsKeyArn] : [])))].sort();
    if (keys.length) out.push({ Sid: sid, Effect: 'Allow', Action: ['kms:Decrypt'], Resource: keys, Condition: { StringEquals: { 'kms:ViaService': `${service}.${spec.region}.amazonaws.com` } } });
  };
  if (manager.length) {
    out.push({ Sid: 'ReadExistingSecrets', Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: manager.map(sharedSecretIamResource) });
    decrypt('DecryptExistingSecrets', manager, 'secretsmanager');
  }
  if (ssm.length) {
    out.push({ Sid: 'ReadExistingParameters', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: ssm.map(sharedSecretIamResource) });
    decrypt('DecryptExistingParameters', ssm, 'ssm');
  }
  return out;
}

/**
 * `elasticache:Connect` as the service's own user, on the caches it uses that have IAM
 * authentication. By name, not Ref: the roles are in the security layer and the caches in data.
 */
function connectToCaches(spec: NormalizedSpec, s: NormalizedService): Statement[] {
  const caches = [...new Set(s.uses)]
    .sort()
    .map((name) => spec.caches[name])
    .filter((c): c is NonNullable<typeof c> => c !== undefined && cacheIamAuth(c));
  if (caches.length === 0) return [];
  const arn = (kind: string, id: string): CfnValue => sub(`arn:\${AWS::Partition}:elasticache:\${AWS::Region}:\${AWS::AccountId}:${kind}:${id}`);
  return [
    {
      Sid: 'ConnectToCaches',
      Effect: 'Allow',
      Action: ['elasticache:Connect'],
      Resource: caches.flatMap((c) => [arn('replicationgroup', cacheReplicationGroupId(spec, c)), arn('user', cacheUserId(spec, c, s.name))]),
    },
  ];
}

/** The Sid of the spec's `permissions[index]` statement on a service's role (compliance reads it back). */
export const specPermissionSid = (index: number): string => `SpecPermission${index}`;

/**
 * A `permissions:` resource as a CloudFormation value. Databases and caches by the names dex gives
 * them, not GetAtt: the roles are in the security layer and the data in the data layer, deployed
 * after it. Secrets by Ref (their ARN has a random suffix), as readSecrets does. ARNs stay plain
 * strings, never Fn::Sub, so nothing in them is read as a CloudFormation reference.
 */
export function permissionResource(spec: NormalizedSpec, s: NormalizedService, value: string): CfnValue {
  const r = parsePermissionResource(value);
  switch (r.kind) {
    case 'any':
      return '*';
    case 'arn':
      return r.arn;
    case 'reference': {
      if (r.to === 'secrets' && s.secrets.includes(r.name)) return ref(ID.serviceSecret(s.name, r.name));
      const shared = r.to === 'secrets' ? spec.secrets?.[r.name] : undefined;
      if (shared) return shared.existing ? sharedSecretIamResource(shared) : sharedSecretSource(shared);
      const db = r.to === 'databases' ? spec.databases[r.name] : undefined;
      if (db) return sub(`arn:\${AWS::Partition}:rds:\${AWS::Region}:\${AWS::AccountId}:${databaseArnResource(spec, db)}`);
      const cache = r.to === 'caches' ? spec.caches[r.name] : undefined;
      if (cache) return sub(`arn:\${AWS::Partition}:elasticache:\${AWS::Region}:\${AWS::AccountId}:replicationgroup:${cacheReplicationGroupId(spec, cache)}`);
      const queue = r.to === 'queues' ? spec.queues?.[r.name] : undefined;
      if (queue) return queueArn(queueName(spec, queue));
      const topic = r.to === 'topics' ? spec.topics?.[r.name] : undefined;
      if (topic) return topicArn(topicName(spec, topic));
      if (r.to === 'buckets' && Object.hasOwn(spec.buckets ?? {}, r.name)) return bucketArn(bucketName(spec, r.name));
      if (r.to === 'tables' && Object.hasOwn(spec.tables ?? {}, r.name)) return tableArn(spec, r.name);
      break;
    }
    case 'bad-reference':
      break;
  }
  // compiler/checks/permissions.ts refuses these before any building block runs.
  throw new Error(`services/iam.ts: unresolved permissions resource ${value} of ${s.name}`);
}

function specPermissions(spec: NormalizedSpec, s: NormalizedService): Statement[] {
  return s.permissions.map((p, i) => ({ Sid: specPermissionSid(i), Effect: 'Allow', Action: [...p.actions], Resource: p.resources.map((r) => permissionResource(spec, s, r)) }));
}

function xray(spec: NormalizedSpec): Statement[] {
  if (spec.monitoring.tracing !== 'xray') return [];
  return [
    {
      Sid: 'WriteTraces',
      Effect: 'Allow',
      // X-Ray has no resource-level permissions for these actions.
      Action: ['xray:GetSamplingRules', 'xray:GetSamplingStatisticSummaries', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      Resource: '*',
    },
  ];
}

function pullImage(spec: NormalizedSpec, s: NormalizedService): Statement[] {
  if (s.image !== undefined) return [];
  return [
    { Sid: 'EcrAuth', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
    { Sid: 'PullOwnImage', Effect: 'Allow', Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: repositoryArn(repositoryName(spec, s.name)) },
  ];
}

/** FireLens: the task's Fluent Bit writes the main container's logs with the task role, to the service's own log group only. */
function fireLens(spec: NormalizedSpec, s: NormalizedService): Statement[] {
  if (!sidecarsOf(s).some((c) => c.logRouter)) return [];
  return [{ Sid: 'LogRouterWriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], Resource: logGroupArn(serviceLogGroupName(spec, s.name)) }];
}

/** A private ECR image: account, region, the China partition's suffix, repository. */
const PRIVATE_ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)/;

/** The private ECR registries (host, region) of a service's sidecar images, sorted, each once. */
export function sidecarEcrRegistries(s: NormalizedService): { host: string; region: string }[] {
  const hosts = new Map<string, string>();
  for (const c of sidecarsOf(s)) {
    const m = PRIVATE_ECR_IMAGE.exec(c.image);
    if (m) hosts.set(c.image.split('/')[0]!, m[2]!);
  }
  return [...hosts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([host, region]) => ({ host, region }));
}

/**
 * Sidecar images in a private ECR repository (this account's or another's that shares it): the
 * role that pulls them may read exactly those repositories; public images need nothing.
 */
function pullSidecarImages(s: NormalizedService): Statement[] {
  const arns = [...new Set(sidecarsOf(s).flatMap((c) => {
    const m = PRIVATE_ECR_IMAGE.exec(c.image);
    return m ? [`arn:${m[3] ? 'aws-cn' : 'aws'}:ecr:${m[2]}:${m[1]}:repository/${m[4]}`] : [];
  }))].sort();
  if (arns.length === 0) return [];
  return [
    // The service's own image already brought the token call (pullImage).
    ...(s.image !== undefined ? [{ Sid: 'EcrAuth', Effect: 'Allow' as const, Action: ['ecr:GetAuthorizationToken'], Resource: '*' }] : []),
    { Sid: 'PullSidecarImages', Effect: 'Allow', Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: arns },
  ];
}

function writeLogs(spec: NormalizedSpec, s: NormalizedService): Statement[] {
  return [{ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroupArn(serviceLogGroupName(spec, s.name)) }];
}

export function trustEcsTasks(): CfnValue {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
          ArnLike: { 'aws:SourceArn': sub('arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*') },
        },
      },
    ],
  };
}

function trustEc2(): CfnValue {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
}

/**
 * IRSA trust: the condition keys start with the issuer's host and path, known only once the
 * cluster exists, and JSON keys cannot be intrinsic functions, so the document is a joined string.
 */
function trustEksServiceAccount(service: string): CfnValue {
  const { namespace, name } = serviceAccount(service);
  return trustKubernetesServiceAccount(namespace, name);
}

/** IRSA trust for any service account of the cluster (the cluster autoscaler's, in services/eks.ts). */
export function trustKubernetesServiceAccount(namespace: string, name: string): CfnValue {
  return oidcTrust(JSON.stringify(`system:serviceaccount:${namespace}:${name}`));
}

/** The trust of a role several service accounts of one namespace assume (an add-on's controller and node agents). */
export function trustKubernetesServiceAccounts(namespace: string, names: readonly string[]): CfnValue {
  return oidcTrust(JSON.stringify(names.map((n) => `system:serviceaccount:${namespace}:${n}`)));
}

/** The cluster's OIDC trust policy, `subject` the JSON text of its `sub` condition (one name or a list). */
function oidcTrust(subject: string): CfnValue {
  const issuer: CfnValue = { 'Fn::Select': [1, { 'Fn::Split': ['//', getAtt(ID.eksCluster, 'OpenIdConnectIssuerUrl')] }] };
  return {
    'Fn::Join': [
      '',
      [
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"',
        ref(ID.eksOidcProvider),
        '"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"',
        issuer,
        `:sub":${subject},"`,
        issuer,
        ':aud":"sts.amazonaws.com"}}}]}',
      ],
    ],
  };
}

function serviceResources(spec: NormalizedSpec, s: NormalizedService): ModelResource[] {
  const component = `service/${s.name}`;
  const origin = ['services', s.name];
  const tags = tagList(spec, component);
  const secretIds = serviceSecretIds(spec, s);
  const out: ModelResource[] = [];
  // A before-release job's roles have fixed names: the CI deploy role passes them to ECS (services/jobs.ts).
  const release = isJob(s) && s.job.run === 'before-release' && s.placement === 'ecs' ? releaseJobNames(spec, s.name) : undefined;
  const roleNames: Record<string, string> = release ? { [ID.serviceRole(s.name)]: release.taskRole, [ID.taskExecutionRole(s.name)]: release.executionRole } : {};
  const role = (logicalId: string, layer: StackLayer, description: string, trust: CfnValue, statements: Statement[], managed: CfnValue[] = []): ModelResource =>
    resource({
      logicalId,
      type: 'AWS::IAM::Role',
      layer,
      origin,
      component,
      properties: {
        ...(roleNames[logicalId] !== undefined ? { RoleName: roleNames[logicalId] } : {}),
        Description: description,
        AssumeRolePolicyDocument: trust,
        ...(managed.length ? { ManagedPolicyArns: managed } : {}),
        ...(statements.length ? { Policies: [{ PolicyName: 'least-privilege', PolicyDocument: policyDoc(statements) }] } : {}),
        Tags: tags,
      },
    });

  const appStatements = [...readSecrets(spec, secretIds), ...readExistingSecrets(spec, s), ...connectToCaches(spec, s), ...bucketStatements(spec, s), ...tableStatements(spec, s), ...messagingStatements(spec, s), ...xray(spec), ...specPermissions(spec, s)];
  switch (s.placement) {
    case 'ecs':
      out.push(role(ID.serviceRole(s.name), 'security', `Task role of ${s.name}`, trustEcsTasks(), [...appStatements, ...ecsExec(spec, s), ...fireLens(spec, s)]));
      out.push(
        role(ID.taskExecutionRole(s.name), 'security', `Task execution role of ${s.name}: pull the image, write logs, read the secrets injected at start`, trustEcsTasks(), [
          ...pullImage(spec, s),
          ...pullSidecarImages(s),
          ...writeLogs(spec, s),
          ...readSecrets(spec, secretIds),
          ...readExistingSecrets(spec, s),
        ]),
      );
      break;
    case 'eks':
      out.push(role(ID.serviceRole(s.name), 'eks', `Service-account role (IRSA) of ${s.name}`, trustEksServiceAccount(s.name), appStatements));
      break;
    case 'ec2':
      // The instance pulls the image, fetches the secrets at boot and ships the container's logs.
      out.push(
        role(
          ID.serviceRole(s.name),
          'security',
          `Instance role of ${s.name}`,
          trustEc2(),
          [...appStatements, ...pullImage(spec, s), ...pullSidecarImages(s), ...writeLogs(spec, s), ...cloudWatchAgent()],
          [managedPolicy('AmazonSSMManagedInstanceCore')],
        ),
      );
      out.push(instanceProfile(ID.instanceProfile(s.name), ID.serviceRole(s.name), origin, component));
      break;
    default: {
      const never: never = s.placement;
      throw new Error(`unknown placement ${String(never)}`);
    }
  }
  return out;
}

/**
 * ECS Exec (`exec`): the SSM agent in the task opens the session's control and data channels
 * (ssmmessages), decrypts the session with the environment's key (the cluster's KmsKeyId) and
 * writes the session log. The four ssmmessages actions have no resource type in IAM (the
 * channel does not exist until the agent opens it), so AWS documents `*` as their only
 * resource; logs:DescribeLogGroups is a list call, `*` too. Everything else names its resource.
 */
function ecsExec(spec: NormalizedSpec, s: NormalizedService): Statement[] {
  if (!s.exec.enabled) return [];
  return [
    { Sid: 'EcsExecChannels', Effect: 'Allow', Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'], Resource: '*' },
    { Sid: 'EcsExecDecryptSessions', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: getAtt(ID.kmsKey, 'Arn') },
    { Sid: 'EcsExecFindLogGroup', Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: '*' },
    { Sid: 'EcsExecWriteSessionLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], Resource: logGroupArn(ecsExecLogGroupName(spec)) },
  ];
}

/** The CloudWatch agent publishes memory and disk metrics under its own namespace only. */
function cloudWatchAgent(): Statement[] {
  return [
    { Sid: 'PutAgentMetrics', Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'CWAgent' } } },
    { Sid: 'DescribeSelf', Effect: 'Allow', Action: ['ec2:DescribeTags'], Resource: '*' },
  ];
}

function instanceProfile(logicalId: string, roleId: string, origin: string[], component: string): ModelResource {
  return resource({ logicalId, type: 'AWS::IAM::InstanceProfile', layer: 'security', origin, component, properties: { Roles: [ref(roleId)] } });
}

function monitoringServers(spec: NormalizedSpec): ModelResource[] {
  const out: ModelResource[] = [];
  const servers: { server: 'prometheus' | 'grafana'; statements: Statement[] }[] = [];
  if (spec.monitoring.prometheus.enabled) {
    // EC2 service discovery for scrape targets.
    // EC2 and ECS service discovery for scrape targets: read-only calls without resource-level scoping.
    servers.push({ server: 'prometheus', statements: [{ Sid: 'DiscoverTargets', Effect: 'Allow', Action: ['ec2:DescribeAvailabilityZones', 'ec2:DescribeInstances', 'ecs:DescribeTasks', 'ecs:ListTasks'], Resource: '*' }] });
  }
  if (spec.monitoring.grafana.enabled) {
    // The CloudWatch data source: metrics and alarms (no resource-level permissions), and the logs
    // of this system and environment only, never the account's other log groups.
    servers.push({
      server: 'grafana',
      statements: [
        {
          Sid: 'ReadCloudWatch',
          Effect: 'Allow',
          Action: ['cloudwatch:DescribeAlarmHistory', 'cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics', 'ec2:DescribeInstances', 'ec2:DescribeRegions', 'logs:DescribeLogGroups', 'logs:GetQueryResults', 'logs:StopQuery', 'tag:GetResources'],
          Resource: '*',
        },
        { Sid: 'ReadSystemLogs', Effect: 'Allow', Action: GRAFANA_LOG_READ_ACTIONS, Resource: systemLogGroupArns(spec) },
        ...readSecrets(spec, [ID.grafanaAdminSecret, ...(spec.monitoring.grafana.signIn.method === 'oidc' ? [ID.grafanaOidcSecret] : [])]),
        // Cognito sign-in: the app client's secret, read at boot from the client itself (this
        // user pool only; it has no other client).
        ...(spec.monitoring.grafana.signIn.method === 'cognito'
          ? [{ Sid: 'ReadOwnAppClient', Effect: 'Allow' as const, Action: ['cognito-idp:DescribeUserPoolClient'], Resource: getAtt(ID.grafanaUserPool, 'Arn') }]
          : []),
      ],
    });
  }
  for (const { server, statements } of servers) {
    const component = `monitoring/${server}`;
    const origin = ['monitoring', server];
    const roleId = ID.monitoringServerRole(server);
    out.push(
      resource({
        logicalId: roleId,
        type: 'AWS::IAM::Role',
        layer: 'security',
        origin,
        component,
        properties: {
          Description: `Instance role of the ${pascal(server)} server`,
          AssumeRolePolicyDocument: trustEc2(),
          ManagedPolicyArns: [managedPolicy('AmazonSSMManagedInstanceCore')],
          Policies: [{ PolicyName: 'least-privilege', PolicyDocument: policyDoc([...statements, ...cloudWatchAgent()]) }],
          Tags: tagList(spec, component),
        },
      }),
    );
    out.push(instanceProfile(ID.instanceProfile(`${server}-server`), roleId, origin, component));
  }
  return out;
}

export const iam: BuildingBlock = {
  name: 'iam',
  build(spec: NormalizedSpec): ModelResource[] {
    const out: ModelResource[] = [];
    for (const name of Object.keys(spec.services).sort()) out.push(...serviceResources(spec, spec.services[name]!));
    out.push(...monitoringServers(spec));
    return out;
  },
};
