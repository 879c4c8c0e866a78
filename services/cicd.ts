// CI/CD: the delivery pipeline's roles and projects, and what stays in each environment's cicd stack.
//
//   • Identity. github-actions: per environment, a deploy role trusted only for
//     `repo:<owner>/<repo>:environment:<stage>` (plus, for the first stage, a build role trusted
//     only for the release branch, which may push images and nothing else). codepipeline: the same
//     deploy role trusted by CodeBuild instead, with the environment's deploy and verify CodeBuild
//     projects (the pipeline itself spans environments and is emitted by emitters/ci as
//     out/ci/codepipeline/pipeline.yaml).
//   • Least privilege. The deploy role may change only its own environment's stacks, and only
//     through a CloudFormation execution role (the broadest role, assumable by CloudFormation
//     alone, limited to its environment's services and by a permissions boundary:
//     services/permissions-boundary.ts); it may promote images into its own registry, pull from
//     the first stage's (the tested image, never a rebuild), and describe its EKS cluster
//     (Kubernetes rights come from an EKS access entry scoped to the services' namespaces).
//   • Blue-green, linear and canary releases of ECS services are ECS's own deployments, driven by
//     the CloudFormation update itself (services/ecs.ts, services/alb.ts): nothing here.
//
// The CI roles and the GitHub OIDC provider are not in the environment's stacks: they are what a
// first deploy needs before any environment stack exists, so ciRoles() hands them to the
// bootstrap (services/bootstrap.ts, one stack per account and region, deployed first by an
// administrator). They name everything they grant by its physical name, never by Ref: the
// resources they grant live in stacks deployed later, in other regions or accounts.
import { releaseJobDeployStatements } from './jobs.js';
import { ID, fitName, getAtt, namePrefix, pascal, ref, resource, sub, tagList } from '../compiler/model/ids.js';
import { toYaml } from '../compiler/model/yaml.js';
import type { BuildingBlock, CfnValue, ModelResource, StackLayer } from '../compiler/model/types.js';
import type { NormalizedService, NormalizedSpec, NormalizedStage } from '../spec/model.js';
import { exposedNames } from '../compiler/model/exposure.js';
import { builtServices, repositoryName, sameRegistry } from './ecr.js';
import { serviceAccount } from './iam.js';
import { placeholderSecrets } from './secrets.js';
import { migrationClusterName, migrationNames } from './rds.js';
import { boundaryStatements, executionStatements, permissionsBoundaryArn, permissionsBoundaryName } from './permissions-boundary.js';
import { hasEksCluster } from '../compiler/model/platforms.js';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** CodeBuild image for the pipeline's projects. */
export const CODEBUILD_IMAGE = 'aws/codebuild/amazonlinux-x86_64-standard:5.0';

type Statement = { Sid: string; Effect: 'Allow'; Action: string[]; Resource: CfnValue; Condition?: Record<string, Record<string, CfnValue>> };
const policyDoc = (statements: Statement[]): CfnValue => ({ Version: '2012-10-17', Statement: statements as unknown as CfnValue });

export const CICD_ID = {
  githubOidcProvider: 'GithubOidcProvider',
  buildRole: 'CiBuildRole',
  deployRole: 'CiDeployRole',
  verifyRole: 'CiVerifyRole',
  cfnExecutionRole: 'CloudFormationExecutionRole',
  eksAccessEntry: 'CiDeployEksAccessEntry',
  codeBuildLogGroup: 'CiCodeBuildLogGroup',
  deployProject: 'CiDeployProject',
  verifyProject: 'CiVerifyProject',
} as const;

/** Prefix of the environment's stack names (`<system>-<env>`), as compiler/stacks.ts names them. */
export function stackPrefix(spec: NormalizedSpec): string {
  return `${spec.name}-${spec.environment ?? 'default'}`;
}

/** The stage that deploys this environment (stage names are environment names). */
export function stageOf(spec: NormalizedSpec): NormalizedStage | undefined {
  return spec.cicd?.stages.find((s) => s.name === spec.environment);
}

/** The environment whose repositories receive the built images: the first stage's. */
export function firstStageEnvironment(spec: NormalizedSpec): string | undefined {
  return spec.cicd?.stages[0]?.name;
}

/** True for the environment that builds images and owns the account's GitHub OIDC provider. */
export function isFirstStage(spec: NormalizedSpec): boolean {
  return spec.environment === undefined || spec.environment === firstStageEnvironment(spec);
}

/** Physical names the workflows and buildspecs use; all derive from the spec alone. */
export const cicdNames = {
  deployRole: (spec: NormalizedSpec) => `${namePrefix(spec)}-deploy`,
  buildRole: (spec: NormalizedSpec) => `${namePrefix(spec)}-build`,
  verifyRole: (spec: NormalizedSpec) => `${namePrefix(spec)}-verify`,
  cfnExecutionRole: (spec: NormalizedSpec) => `${namePrefix(spec)}-cfn-exec`,
  deployProject: (spec: NormalizedSpec) => `${namePrefix(spec)}-deploy`,
  verifyProject: (spec: NormalizedSpec) => `${namePrefix(spec)}-verify`,
  codeBuildLogGroup: (spec: NormalizedSpec) => `/dex/${namePrefix(spec)}/codebuild`,
};

/**
 * Most alarm names one service's deployment watches. Neither the AWS::ECS::Service schema nor the
 * ECS API reference (DeploymentAlarms.alarmNames) states a maximum; 10 is kept as a conservative
 * bound (CodeDeploy's documented limit, which this list used to feed) rather than an ECS limit.
 */
export const MAX_DEPLOYMENT_ALARMS = 10;

/** The alarms (monitoring.ts names them `<prefix>-<alert>-<service>`) that stop a deployment of `s`, at most MAX_DEPLOYMENT_ALARMS. */
export function serviceAlarmNames(spec: NormalizedSpec, s: NormalizedService): string[] {
  const exposed = exposedNames(spec).has(s.name);
  const names: string[] = [];
  for (const alert of spec.monitoring.alerts) {
    if (alert.above === undefined && alert.below === undefined) continue;
    if (alert.services !== undefined && !alert.services.includes(s.name)) continue;
    const perService = alert.metric === 'cpu' || alert.metric === 'memory';
    const perTarget = ['http5xxPercent', 'http4xxPercent', 'p95LatencyMs', 'p99LatencyMs', 'unhealthyTargets'].includes(alert.metric);
    if (perService || (perTarget && exposed)) names.push(`${namePrefix(spec)}-${alert.name}-${s.name}`);
  }
  return names.slice(0, MAX_DEPLOYMENT_ALARMS);
}

/** An ARN in the environment's own region and account (the roles live in the bootstrap of the account's first region). */
const arn = (spec: NormalizedSpec, service: string, resourcePart: string): CfnValue => sub(`arn:\${AWS::Partition}:${service}:${spec.region}:\${AWS::AccountId}:${resourcePart}`);
export const oidcProviderArn = (): CfnValue => sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${GITHUB_OIDC_HOST}`);
const roleArn = (name: string): CfnValue => sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${name}`);
/** The bootstrap's artifacts bucket in the environment's region (services/bootstrap.ts names it). */
const artifactsBucketArn = (spec: NormalizedSpec, suffix = ''): CfnValue =>
  sub(`arn:\${AWS::Partition}:s3:::${artifactsBucketPrefix(spec.name)}-\${AWS::AccountId}-${spec.region}${suffix}`);

/** The bootstrap's artifacts bucket without `-<account>-<region>`, which the release script appends at run time. */
export function artifactsBucketPrefix(system: string): string {
  // S3 allows 63 characters; the suffix is `-<12-digit account>-<region>` (at most 1 + 12 + 1 + 14).
  return fitName(`${system}-artifacts`, 63 - 28);
}

/** Alias of the bootstrap's KMS key in each region (the artifacts bucket, repositories and backup vaults use it). */
export function bootstrapKeyAlias(system: string): string {
  return `alias/${system}-bootstrap`;
}

/** Trust of the deploy role: GitHub OIDC for one environment, or CodeBuild in this account. */
function deployTrust(spec: NormalizedSpec, subjects: string[], oidcProvider: CfnValue = oidcProviderArn()): CfnValue {
  if (spec.cicd!.provider === 'codepipeline') {
    return {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } } }],
    };
  }
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: oidcProvider },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0]! : subjects } },
      },
    ],
  };
}

/**
 * Past this many ARNs a statement names the system's own prefix (or, for roles, its tags) instead
 * of listing each one: IAM caps a role's inline policies at 10,240 characters, and a list of every
 * service of a 3,000-service system would not even fit in a CloudFormation template.
 */
const MAX_LISTED = 20;

/**
 * The repositories of these services in the registry of `registry` (an environment: its account
 * and region), listed, or all of the system's when there are many.
 */
const repositoryArns = (services: readonly NormalizedService[], registry: NormalizedSpec): CfnValue[] => {
  const inRegistry = (name: string): CfnValue => sub(`arn:\${AWS::Partition}:ecr:${registry.region}:${registry.account ?? '${AWS::AccountId}'}:repository/${name}`);
  return services.length > MAX_LISTED ? [inRegistry(`${registry.name}/*`)] : services.map((s) => inRegistry(repositoryName(registry, s.name)));
};

function deployStatements(spec: NormalizedSpec, firstStage: NormalizedSpec | undefined): Statement[] {
  const prefix = namePrefix(spec);
  const out: Statement[] = [
    {
      Sid: 'DeployOwnStacks',
      Effect: 'Allow',
      Action: [
        'cloudformation:CreateChangeSet',
        'cloudformation:DeleteChangeSet',
        'cloudformation:DescribeChangeSet',
        'cloudformation:DescribeStackEvents',
        'cloudformation:DescribeStacks',
        'cloudformation:ExecuteChangeSet',
        // release.sh saves a release stack's template before updating it, for rollback.
        'cloudformation:GetTemplate',
        'cloudformation:GetTemplateSummary',
      ],
      Resource: arn(spec, 'cloudformation', `stack/${stackPrefix(spec)}-*/*`),
    },
    {
      Sid: 'PassExecutionRoleToCloudFormation',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: roleArn(cicdNames.cfnExecutionRole(spec)),
      Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    },
    // Templates over CloudFormation's 51,200-byte inline limit go through the bootstrap's bucket,
    // under the environment's own prefix.
    { Sid: 'UploadTemplates', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: artifactsBucketArn(spec, `/${stackPrefix(spec)}/*`) },
    {
      Sid: 'EncryptTemplates',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: arn(spec, 'kms', 'key/*'),
      Condition: { StringEquals: { 'kms:ViaService': `s3.${spec.region}.amazonaws.com` }, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': bootstrapKeyAlias(spec.name) } },
    },
    { Sid: 'WatchOwnAlarms', Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms'], Resource: arn(spec, 'cloudwatch', `alarm:${prefix}-*`) },
  ];
  // release.sh check-secrets: whether each placeholder has a value (metadata only, never the value).
  // By name, with the 6 characters Secrets Manager appends to an ARN; past MAX_LISTED, the prefix.
  const placeholders = placeholderSecrets(spec);
  if (placeholders.length) {
    out.push({
      Sid: 'CheckPlaceholderSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds'],
      Resource: placeholders.length > MAX_LISTED ? [arn(spec, 'secretsmanager', `secret:${prefix}/*`)] : placeholders.map((p) => arn(spec, 'secretsmanager', `secret:${p.name}-??????`)),
    });
  }
  const built = builtServices(spec);
  if (built.length) {
    out.push({ Sid: 'EcrAuth', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' });
    // Promotion writes the tested image (same digest) into this environment's registry, and tags
    // it as released there so the repository's lifecycle policy keeps it (services/ecr.ts).
    // In the first stage's own registry promotion only adds a tag to an image that is there: no
    // layer uploads (a copy from another registry needs them).
    const copies = firstStage !== undefined && !sameRegistry(spec, firstStage);
    out.push({
      Sid: 'PromoteIntoOwnRegistry',
      Effect: 'Allow',
      Action: copies
        ? ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:DescribeImages', 'ecr:GetDownloadUrlForLayer', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart']
        : ['ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:PutImage'],
      Resource: repositoryArns(built, spec),
    });
    if (firstStage !== undefined && !sameRegistry(spec, firstStage)) {
      out.push({
        Sid: 'PullTestedImages',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:GetDownloadUrlForLayer'],
        Resource: repositoryArns(built, firstStage),
      });
    }
  }
  // release.sh migrate-database: run each database's migration task (its family only, in its own
  // cluster), pass its two roles to ECS, read its exit code, and look up its subnets and group.
  const dbs = Object.keys(spec.databases).sort();
  if (dbs.length) {
    const names = dbs.map((db) => migrationNames(spec, db));
    const clusterName = migrationClusterName(spec);
    const cluster = arn(spec, 'ecs', `cluster/${clusterName}`);
    out.push(
      { Sid: 'RunDatabaseMigrations', Effect: 'Allow', Action: ['ecs:RunTask'], Resource: names.map((n) => arn(spec, 'ecs', `task-definition/${n.family}:*`)), Condition: { ArnEquals: { 'ecs:cluster': cluster } } },
      { Sid: 'PassDatabaseMigrationRoles', Effect: 'Allow', Action: ['iam:PassRole'], Resource: names.flatMap((n) => [roleArn(n.executionRole), roleArn(n.taskRole)]), Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
      { Sid: 'WatchDatabaseMigrations', Effect: 'Allow', Action: ['ecs:DescribeTasks'], Resource: arn(spec, 'ecs', `task/${clusterName}/*`) },
      { Sid: 'FindMigrationNetwork', Effect: 'Allow', Action: ['cloudformation:DescribeStackResource'], Resource: arn(spec, 'cloudformation', `stack/${stackPrefix(spec)}-*/*`) },
    );
  }
  // jobs.sh ecs-job: the before-release ECS jobs (services/jobs.ts).
  out.push(...releaseJobDeployStatements(spec, arn(spec, 'cloudformation', `stack/${stackPrefix(spec)}-*/*`)));
  // ECS services are rolled by the stack update, which CloudFormation runs with the execution
  // role: the deploy role registers no task definition, updates no service and passes no task role.
  if (hasEksCluster(spec)) {
    out.push({ Sid: 'DescribeOwnCluster', Effect: 'Allow', Action: ['eks:DescribeCluster'], Resource: arn(spec, 'eks', `cluster/${prefix}`) });
    // What out/<env>/kubernetes/stack-outputs.sh reads (read-only look-ups of the deployed stacks).
    out.push({
      Sid: 'ReadStackOutputs',
      Effect: 'Allow',
      Action: ['cloudformation:DescribeStackResource', 'ecr:DescribeRepositories', 'elasticache:DescribeReplicationGroups', 'iam:GetRole', 'rds:DescribeDBInstances'],
      Resource: '*',
    });
  }
  return out;
}

function role(spec: NormalizedSpec, logicalId: string, name: string, description: string, trust: CfnValue, statements: Statement[], managed: CfnValue[] = [], layer: StackLayer = 'cicd'): ModelResource {
  return resource({
    logicalId,
    type: 'AWS::IAM::Role',
    layer,
    origin: ['cicd'],
    component: 'cicd',
    properties: {
      RoleName: name,
      Description: description,
      AssumeRolePolicyDocument: trust,
      MaxSessionDuration: 3600,
      ...(managed.length ? { ManagedPolicyArns: managed } : {}),
      ...(statements.length ? { Policies: [{ PolicyName: 'least-privilege', PolicyDocument: policyDoc(statements) }] } : {}),
      Tags: tagList(spec, 'cicd'),
    },
  });
}

/** How the bootstrap places an environment's CI roles (services/bootstrap.ts). */
export interface CiRolePlacement {
  /** The environment whose registry receives the built images (the first stage's). */
  readonly firstStage: NormalizedSpec | undefined;
  /** The GitHub OIDC provider: a Ref when the same bootstrap stack creates it, else its ARN. */
  readonly oidcProvider: CfnValue;
  readonly layer: StackLayer;
  /** The environment's own resources (its model): what its execution role manages and its boundary allows. */
  readonly environmentResources: readonly ModelResource[];
}

/** Logical ID of one of an environment's CI roles in its bootstrap stack. */
export function ciRoleId(spec: NormalizedSpec, role: 'deployRole' | 'buildRole' | 'cfnExecutionRole'): string {
  return `${pascal(spec.environment ?? 'default')}${CICD_ID[role]}`;
}

/**
 * An environment's CI roles: the deploy role (GitHub OIDC for its environment, or CodeBuild), the
 * build role of the first stage (pushes images, nothing else) and the CloudFormation execution
 * role. They live in the bootstrap, deployed before any stack they deploy.
 */
export function ciRoles(spec: NormalizedSpec, placement: CiRolePlacement): ModelResource[] {
  const cicd = spec.cicd!;
  const out: ModelResource[] = [];
  const github = cicd.provider === 'github-actions';
  const stages = spec.environment === undefined ? cicd.stages.map((s) => s.name) : [spec.environment];
  const repo = cicd.source.repository;
  const { layer } = placement;
  const statements = deployStatements(spec, placement.firstStage);
  // The deploy role also runs in CodeBuild: its logs and the pipeline's source artifact.
  if (!github) statements.push(...codeBuildDeployExtras(spec));
  out.push(
    role(
      spec,
      ciRoleId(spec, 'deployRole'),
      cicdNames.deployRole(spec),
      github ? `GitHub Actions deploys ${namePrefix(spec)} (environment ${stages.join(', ')} of ${repo} only)` : `CodeBuild deploys ${namePrefix(spec)}`,
      deployTrust(spec, stages.map((s) => `repo:${repo}:environment:${s}`), placement.oidcProvider),
      statements,
      [],
      layer,
    ),
  );
  const built = builtServices(spec);
  if (github && isFirstStage(spec) && built.length) {
    out.push(
      role(
        spec,
        ciRoleId(spec, 'buildRole'),
        cicdNames.buildRole(spec),
        `GitHub Actions pushes images built from ${repo}@${cicd.source.branch}`,
        deployTrust(spec, [`repo:${repo}:ref:refs/heads/${cicd.source.branch}`], placement.oidcProvider),
        [
          { Sid: 'EcrAuth', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
          {
            Sid: 'PushImages',
            Effect: 'Allow',
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:CompleteLayerUpload', 'ecr:DescribeImageScanFindings', 'ecr:DescribeImages', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'],
            Resource: repositoryArns(built, spec),
          },
        ],
        [],
        layer,
      ),
    );
  }
  // The broadest role: CloudFormation alone may assume it, and only the deploy role may pass it. It
  // may use the services of its environment's resource types, within the environment's permissions
  // boundary (services/permissions-boundary.ts), which it and every role it creates carry.
  const protectedRoles = [cicdNames.deployRole(spec), ...(out.some((r) => r.logicalId === ciRoleId(spec, 'buildRole')) ? [cicdNames.buildRole(spec)] : []), cicdNames.cfnExecutionRole(spec)];
  out.push(
    resource({
      logicalId: `${pascal(spec.environment ?? 'default')}PermissionsBoundary`,
      type: 'AWS::IAM::ManagedPolicy',
      layer,
      origin: ['cicd'],
      component: 'cicd',
      properties: {
        ManagedPolicyName: permissionsBoundaryName(spec),
        Description: `Permissions boundary of ${cicdNames.cfnExecutionRole(spec)} and of every role the ${stackPrefix(spec)}-* stacks create`,
        PolicyDocument: { Version: '2012-10-17', Statement: boundaryStatements(spec, placement.environmentResources, { roles: protectedRoles, artifactsBucketPrefix: artifactsBucketPrefix(spec.name), keyAlias: bootstrapKeyAlias(spec.name) }) as unknown as CfnValue },
      },
    }),
  );
  const execution = role(
    spec,
    ciRoleId(spec, 'cfnExecutionRole'),
    cicdNames.cfnExecutionRole(spec),
    `CloudFormation execution role for the ${stackPrefix(spec)}-* stacks (passed by the deploy role only)`,
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } } }],
    },
    executionStatements(placement.environmentResources) as Statement[],
    [],
    layer,
  );
  // By ARN, not Ref: the boundary's statements name it by ARN too, and a Ref would only delay the check.
  out.push({ ...execution, properties: { ...execution.properties, PermissionsBoundary: permissionsBoundaryArn(spec) }, dependsOn: [...(execution.dependsOn ?? []), `${pascal(spec.environment ?? 'default')}PermissionsBoundary`] });
  return out;
}

/** What stays in the environment's own cicd stack: the deploy role's EKS access entry. */
function identity(spec: NormalizedSpec): ModelResource[] {
  const tags = tagList(spec, 'cicd');
  const out: ModelResource[] = [];
  const eksServices = Object.values(spec.services).filter((s) => s.placement === 'eks');
  if (eksServices.length) {
    out.push(
      resource({
        logicalId: CICD_ID.eksAccessEntry,
        type: 'AWS::EKS::AccessEntry',
        layer: 'cicd',
        origin: ['cicd'],
        component: 'cicd',
        properties: {
          ClusterName: ref(ID.eksCluster),
          PrincipalArn: roleArn(cicdNames.deployRole(spec)),
          Type: 'STANDARD',
          AccessPolicies: [
            {
              PolicyArn: sub('arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSEditPolicy'),
              AccessScope: { Type: 'namespace', Namespaces: [...new Set(eksServices.map((s) => serviceAccount(s.name).namespace))].sort() },
            },
          ],
          Tags: tags,
        },
      }),
    );
  }
  return out;
}

/** Per environment for codepipeline: the deploy and verify CodeBuild projects the pipeline runs. */
/**
 * codepipeline: an environment's deploy and verify CodeBuild projects, their log group and the
 * verify role. They are in the bootstrap of the environment's region (services/bootstrap.ts): the
 * pipeline's first run calls them before any of the environment's stacks exists. Logical IDs carry
 * the environment, since one bootstrap stack holds those of every environment in its region.
 */
export function codeBuildProjects(spec: NormalizedSpec, layer: StackLayer, logKeyArn: CfnValue): ModelResource[] {
  const tags = tagList(spec, 'cicd');
  const P = pascal(spec.environment ?? 'default');
  const logGroup = cicdNames.codeBuildLogGroup(spec);
  const logStatements: Statement[] = [
    { Sid: 'WriteBuildLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arn(spec, 'logs', `log-group:${logGroup}:*`) },
    ...pipelineArtifactReads(spec),
  ];
  const env = spec.environment ?? 'default';
  const project = (logicalId: string, name: string, kind: 'deploy' | 'verify', roleId: string): ModelResource =>
    resource({
      logicalId: `${P}${logicalId}`,
      type: 'AWS::CodeBuild::Project',
      layer,
      origin: ['cicd', 'stages', env],
      component: 'cicd',
      properties: {
        Name: name,
        Description: `${kind === 'deploy' ? 'Deploys' : 'Verifies'} ${namePrefix(spec)} (runs <dex output>/ci/codebuild/${kind}-${env}.sh)`,
        ServiceRole: roleId === CICD_ID.deployRole ? roleArn(cicdNames.deployRole(spec)) : getAtt(`${P}${roleId}`, 'Arn'),
        Source: { Type: 'CODEPIPELINE', BuildSpec: stageBuildspec(kind) },
        Artifacts: { Type: 'CODEPIPELINE' },
        Environment: {
          Type: 'LINUX_CONTAINER',
          ComputeType: 'BUILD_GENERAL1_SMALL',
          Image: CODEBUILD_IMAGE,
          ImagePullCredentialsType: 'CODEBUILD',
          // Promotion copies images with the Docker CLI (buildx imagetools), which needs the daemon.
          PrivilegedMode: kind === 'deploy' && !isFirstStage(spec) && builtServices(spec).length > 0,
          EnvironmentVariables: [{ Name: 'DEX_ENVIRONMENT', Type: 'PLAINTEXT', Value: env }],
        },
        LogsConfig: { CloudWatchLogs: { Status: 'ENABLED', GroupName: logGroup } },
        TimeoutInMinutes: kind === 'deploy' ? 120 : 60,
        QueuedTimeoutInMinutes: 60,
        Tags: tags,
      },
      usage: [
        {
          meter: 'codebuild.minutes',
          unit: 'min',
          quantity: { min: 0, max: 0 },
          attributes: { computeType: 'BUILD_GENERAL1_SMALL' },
          basis: `${kind} minutes per release are not in usage (usage.ciBuildMinutesPerMonth counts the image builds of the pipeline template)`,
        },
      ],
    });
  return [
    resource({
      logicalId: `${P}${CICD_ID.codeBuildLogGroup}`,
      type: 'AWS::Logs::LogGroup',
      layer,
      origin: ['cicd'],
      component: 'cicd',
      properties: { LogGroupName: logGroup, RetentionInDays: spec.monitoring.logs.retentionDays, KmsKeyId: logKeyArn, Tags: tags },
      usage: [
        { meter: 'logs.ingest', unit: 'GB', quantity: { min: 0, max: 0 }, attributes: { logClass: 'STANDARD' }, basis: 'deploy and verify build logs: volume not in usage', quantityUnknown: 'the volume of the deploy and verify build logs follows the releases, which dex has no usage assumption for' },
        { meter: 'logs.storage', unit: 'GB-month', quantity: { min: 0, max: 0 }, attributes: {}, basis: 'deploy and verify build logs: volume not in usage', quantityUnknown: 'the volume of the deploy and verify build logs follows the releases, which dex has no usage assumption for' },
      ],
    }),
    role(
      spec,
      `${P}${CICD_ID.verifyRole}`,
      cicdNames.verifyRole(spec),
      `CodeBuild verifies ${namePrefix(spec)} (logs and the source artifact only)`,
      deployTrust(spec, []),
      [...logStatements, { Sid: 'WatchOwnAlarms', Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms'], Resource: arn(spec, 'cloudwatch', `alarm:${namePrefix(spec)}-*`) }],
      [],
      layer,
    ),
    project(CICD_ID.deployProject, cicdNames.deployProject(spec), 'deploy', CICD_ID.deployRole),
    project(CICD_ID.verifyProject, cicdNames.verifyProject(spec), 'verify', CICD_ID.verifyRole),
  ];
}

/**
 * The folder CodePipeline keeps a pipeline's artifacts in, in each artifact store: the pipeline's
 * name (the system's) cut to its first 20 characters. The stores are the bootstrap's artifacts
 * buckets of the pipeline's regions, which also hold the environments' templates under
 * `<system>-<env>/`: the pipeline's grants stop at this folder.
 */
export function pipelineArtifactsFolder(system: string): string {
  return system.slice(0, 20);
}

/** The bootstrap's artifacts bucket of `region`, named from the pipeline template (whose account is the stack's). */
export function artifactsBucketName(system: string, region: string): string {
  return `${artifactsBucketPrefix(system)}-\${AWS::AccountId}-${region}`;
}

/**
 * The environment's CodeBuild projects get their input (the source) from the pipeline's artifact
 * store in their own region: CodePipeline copies it there for a stage in another region. The
 * bucket and key are the bootstrap's of that region.
 */
function pipelineArtifactReads(spec: NormalizedSpec): Statement[] {
  return [
    { Sid: 'ReadPipelineArtifacts', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: artifactsBucketArn(spec, `/${pipelineArtifactsFolder(spec.name)}/*`) },
    {
      Sid: 'DecryptPipelineArtifacts',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: arn(spec, 'kms', 'key/*'),
      Condition: { StringEquals: { 'kms:ViaService': `s3.${spec.region}.amazonaws.com` }, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': bootstrapKeyAlias(spec.name) } },
    },
  ];
}

/**
 * The inline buildspec of an environment's deploy or verify project. The environment's stacks do
 * not know where dex's output lives in the repository (the spec may be in a subfolder, `--out`
 * anywhere): the pipeline's action passes it as DEX_OUT, and the project runs the script dex
 * emitted there for its environment (emitters/ci/codepipeline.ts). Constant text: the
 * environment's name reaches it as the project's DEX_ENVIRONMENT, never as code.
 */
export function stageBuildspec(kind: 'deploy' | 'verify'): string {
  return toYaml({
    version: 0.2,
    env: { shell: 'bash' },
    phases: {
      build: {
        commands: [
          ': "${DEX_OUT:?DEX_OUT (dex output folder from the repository root) is set by the pipeline action: start this project from its pipeline}"',
          `bash "$CODEBUILD_SRC_DIR/$DEX_OUT/ci/codebuild/${kind}-$DEX_ENVIRONMENT.sh"`,
        ],
      },
    },
  });
}

/** Statements the deploy role of a codepipeline environment adds: logs and the pipeline's artifacts. */
function codeBuildDeployExtras(spec: NormalizedSpec): Statement[] {
  return [
    { Sid: 'WriteBuildLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arn(spec, 'logs', `log-group:${cicdNames.codeBuildLogGroup(spec)}:*`) },
    ...pipelineArtifactReads(spec),
  ];
}

export const cicd: BuildingBlock = {
  name: 'cicd',
  build(spec: NormalizedSpec): ModelResource[] {
    if (spec.cicd === undefined) return [];
    const out = [...identity(spec)];
    return out;
  },
};
