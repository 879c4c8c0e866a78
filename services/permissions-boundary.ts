// The permissions boundary of an environment and what its CloudFormation execution role may do.
//
// The execution role (services/cicd.ts, in the bootstrap's delivery stack) used to hold
// AdministratorAccess. It now holds the actions of the AWS services the environment's model emits
// (derived from its resource types), and it and every role the environment's stacks create carry
// one permissions boundary (an AWS::IAM::ManagedPolicy next to the role) that:
//   • allows only those services, plus the services the environment's own roles call;
//   • denies IAM writes on roles, policies and instance profiles not named `<system>-<env>-*`, on
//     roles tagged for another system or environment, and creating a role without this boundary,
//     so a role the execution role creates cannot hold more than the execution role itself;
//   • denies account-level actions (Organizations, Account, IAM users, identity providers),
//     CloudTrail outside the environment's own trails, and any change to the bootstrap's stacks
//     and to the CI roles and this boundary.
// The boundary's ARN is built from names alone, so environment stacks name it without importing
// from the bootstrap (which may be in another region).
import { fitName, namePrefix, sub } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource } from '../compiler/model/types.js';
import type { NormalizedSpec } from '../spec/model.js';

/** IAM managed policy names: at most 128 characters. */
export const permissionsBoundaryName = (spec: NormalizedSpec): string => fitName(`${namePrefix(spec)}-cfn-exec-boundary`, 128);
export const permissionsBoundaryArn = (spec: NormalizedSpec): CfnValue => sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${permissionsBoundaryName(spec)}`);

/** True when the environment's roles carry the boundary: it exists only where dex emits the CI roles. */
export const hasPermissionsBoundary = (spec: NormalizedSpec): boolean => spec.cicd !== undefined;

/**
 * A building block whose roles carry the environment's permissions boundary. Applied to every block
 * of an environment (pipeline/registries.ts), so no role of the environment's stacks escapes it.
 */
export function withPermissionsBoundary(block: BuildingBlock): BuildingBlock {
  return {
    ...block,
    build: (spec, context) => {
      const built = block.build(spec, context);
      if (!hasPermissionsBoundary(spec)) return built;
      return built.map((r) => (r.type === 'AWS::IAM::Role' && r.properties.PermissionsBoundary === undefined ? { ...r, properties: { ...r.properties, PermissionsBoundary: permissionsBoundaryArn(spec) } } : r));
    },
  };
}

// CloudFormation resource namespaces whose IAM service prefix is not the namespace lowercased.
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  ApplicationAutoScaling: 'application-autoscaling',
  CertificateManager: 'acm',
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  EFS: 'elasticfilesystem',
  KinesisFirehose: 'firehose',
  OpenSearchService: 'es',
  StepFunctions: 'states',
  Cognito: 'cognito-idp',
  ApiGatewayV2: 'apigateway',
  ApiGateway: 'apigateway',
};

/** The IAM service prefix of a CloudFormation resource type (`AWS::EC2::VPC` → `ec2`). */
export function servicePrefix(resourceType: string): string {
  const namespace = resourceType.split('::')[1] ?? resourceType;
  return SERVICE_PREFIX[namespace] ?? namespace.toLowerCase();
}

/**
 * Services a resource type's handler calls beyond its own (documented in the CloudFormation
 * resource schemas' handler permissions): a backup vault mounts its storage through backup-storage.
 */
const TYPE_EXTRAS: Readonly<Record<string, readonly string[]>> = {
  Backup: ['backup-storage'],
};

/**
 * What CloudFormation calls beyond the services of the resource types: `{{resolve:ssm:…}}` and
 * `{{resolve:secretsmanager:…}}` references (ssm, secretsmanager), and the KMS keys of encrypted
 * resources (kms: CreateGrant, Decrypt, GenerateDataKey on the caller's behalf).
 */
const EXECUTION_EXTRAS = ['kms', 'secretsmanager', 'ssm'] as const;

/** The services of the AWS-managed policies dex attaches (by policy name after `policy/`). */
const MANAGED_POLICY_SERVICES: Readonly<Record<string, readonly string[]>> = {
  AmazonEC2ContainerRegistryPullOnly: ['ecr'],
  AmazonECSInfrastructureRolePolicyForLoadBalancers: ['ec2', 'elasticloadbalancing'],
  AmazonEKSClusterPolicy: ['autoscaling', 'ec2', 'elasticloadbalancing', 'iam', 'kms'],
  AmazonEKSFargatePodExecutionRolePolicy: ['ecr'],
  AmazonEKSWorkerNodePolicy: ['ec2', 'eks', 'eks-auth'],
  AmazonEKS_CNI_Policy: ['ec2'],
  AmazonSSMManagedInstanceCore: ['ec2messages', 'ssm', 'ssmmessages'],
  CloudWatchAgentServerPolicy: ['cloudwatch', 'ec2', 'logs', 'ssm', 'xray'],
  // Enhanced monitoring: RDS writes OS metrics to the RDSOSMetrics log group.
  'service-role/AmazonRDSEnhancedMonitoringRole': ['logs'],
  // The AWS Backup policies cover every service Backup supports; dex backs up RDS only.
  'service-role/AWSBackupServiceRolePolicyForBackup': ['backup', 'ec2', 'iam', 'kms', 'rds', 'tag'],
  'service-role/AWSBackupServiceRolePolicyForRestores': ['backup', 'ec2', 'iam', 'kms', 'rds', 'tag'],
};

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** Services the execution role manages: those of the environment's resource types, plus CloudFormation's own needs. */
export function executionServices(resources: readonly Pick<ModelResource, 'type'>[]): string[] {
  const types = resources.filter((r) => r.type.startsWith('AWS::')).map((r) => r.type);
  return sorted([...types.map(servicePrefix), ...types.flatMap((t) => TYPE_EXTRAS[t.split('::')[1]!] ?? []), ...EXECUTION_EXTRAS]);
}

function* actionsIn(value: unknown): Generator<string> {
  if (Array.isArray(value)) for (const v of value) yield* actionsIn(v);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      // Braced: an unbraced `else` here bound to the inner `if`, so no document below the top was read.
      if (k === 'Action') {
        for (const a of [v].flat()) if (typeof a === 'string') yield a;
      } else yield* actionsIn(v);
    }
  }
}

function* managedPolicyNames(value: unknown): Generator<string> {
  if (typeof value === 'string') {
    const m = /:iam::aws:policy\/(.+)$/.exec(value);
    if (m) yield m[1]!;
  } else if (Array.isArray(value)) for (const v of value) yield* managedPolicyNames(v);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) yield* managedPolicyNames(v);
}

/** Services the environment's own roles call: their statements' action prefixes and their AWS-managed policies'. */
export function roleServices(resources: readonly ModelResource[]): string[] {
  const out: string[] = [];
  for (const r of resources) {
    if (r.type === 'AWS::IAM::Role') {
      for (const p of (r.properties.Policies as unknown[] | undefined) ?? []) for (const a of actionsIn(p)) out.push(a.split(':')[0]!);
      for (const name of managedPolicyNames(r.properties.ManagedPolicyArns)) {
        const services = MANAGED_POLICY_SERVICES[name];
        if (services === undefined) throw new Error(`services/permissions-boundary.ts: no services listed for the AWS-managed policy ${name}`);
        out.push(...services);
      }
    } else if (r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy' || r.type === 'AWS::IAM::RolePolicy') {
      for (const a of actionsIn(r.properties.PolicyDocument)) out.push(a.split(':')[0]!);
    }
  }
  return sorted(out.filter((s) => s !== '*' && s !== ''));
}

type Statement = { Sid: string; Effect: 'Allow' | 'Deny'; Action: string[]; Resource?: CfnValue; NotResource?: CfnValue; Condition?: Record<string, Record<string, CfnValue>> };

/** The execution role's statement: every action of the services its environment's stacks contain. */
export function executionStatements(resources: readonly ModelResource[]): Statement[] {
  return [{ Sid: 'EnvironmentServices', Effect: 'Allow', Action: executionServices(resources).map((s) => `${s}:*`), Resource: '*' }];
}

/**
 * IAM writes, as action prefixes: a deny may be broad where an allow may not, and the boundary
 * must stay under IAM's 6,144-character limit for a managed policy. Reads (Get*, List*) stay open.
 */
const IAM_WRITES = [
  'iam:Add*', 'iam:Attach*', 'iam:Change*', 'iam:Create*', 'iam:Deactivate*', 'iam:Delete*', 'iam:Detach*', 'iam:Enable*', 'iam:PassRole', 'iam:Put*',
  'iam:Remove*', 'iam:Reset*', 'iam:Resync*', 'iam:Set*', 'iam:Tag*', 'iam:Untag*', 'iam:Update*', 'iam:Upload*',
];
/** Writes to an existing role or identity provider (no Create*: a resource not yet created has no tags). */
const EXISTING_WRITES = ['iam:Add*', 'iam:Attach*', 'iam:Delete*', 'iam:Detach*', 'iam:PassRole', 'iam:Put*', 'iam:Remove*', 'iam:Tag*', 'iam:Untag*', 'iam:Update*'];

// Any partition and account: the deny statements match more, never less, and stay short.
const iamArn = (kind: string, name: string): string => `arn:*:iam::*:${kind}/${name}`;

/** What of the bootstrap the boundary protects (services/cicd.ts names them). */
export interface BootstrapNames {
  /** The environment's CI roles: deploy, build, CloudFormation execution. */
  readonly roles: readonly string[];
  /** The artifacts bucket's name without `-<account>-<region>`. */
  readonly artifactsBucketPrefix: string;
  readonly keyAlias: string;
}

/** The boundary's statements. */
export function boundaryStatements(spec: NormalizedSpec, resources: readonly ModelResource[], bootstrap: BootstrapNames): Statement[] {
  const prefix = namePrefix(spec);
  const environment = spec.environment ?? 'default';
  const tags: [string, string][] = [['dex:system', spec.name], ['dex:environment', environment]];
  const ownRoles = iamArn('role', `${prefix}-*`);
  // The EKS cluster's IRSA identity provider is named by AWS (its issuer URL), so only its tags tell
  // whose it is; service-linked roles are named, and their policies fixed, by AWS.
  const eksProviders = iamArn('oidc-provider', 'oidc.eks.*');
  const own = [ownRoles, iamArn('policy', `${prefix}-*`), iamArn('instance-profile', `${prefix}-*`), iamArn('role', 'aws-service-role/*'), eksProviders];
  // Deny when the tag is present and differs (`Null: false` = present): a negated operator alone is
  // also true when the key is absent, which would deny tagging a role as CloudFormation creates it.
  const differs = (key: string, value: string) => ({ StringNotEquals: { [key]: value }, Null: { [key]: 'false' } });
  return [
    { Sid: 'EnvironmentServices', Effect: 'Allow', Action: sorted([...executionServices(resources), ...roleServices(resources)]).map((s) => `${s}:*`), Resource: '*' },
    { Sid: 'DenyIamOutsideEnvironment', Effect: 'Deny', Action: IAM_WRITES, NotResource: own },
    ...tags.map(([key, value], i): Statement => ({ Sid: `DenyIamTaggedElsewhere${i}`, Effect: 'Deny', Action: EXISTING_WRITES, Resource: [ownRoles, eksProviders], Condition: differs(`aws:ResourceTag/${key}`, value) })),
    ...tags.map(([key, value], i): Statement => ({ Sid: `DenyUntaggedRoles${i}`, Effect: 'Deny', Action: ['iam:CreateRole'], Resource: ownRoles, Condition: { StringNotEquals: { [`aws:RequestTag/${key}`]: value } } })),
    ...tags.map(([key, value], i): Statement => ({ Sid: `DenyRetagging${i}`, Effect: 'Deny', Action: ['iam:Tag*'], Resource: [ownRoles, eksProviders], Condition: differs(`aws:RequestTag/${key}`, value) })),
    { Sid: 'DenyUntagging', Effect: 'Deny', Action: ['iam:Untag*'], Resource: [ownRoles, eksProviders], Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': tags.map(([k]) => k) } } },
    { Sid: 'DenyRolesWithoutBoundary', Effect: 'Deny', Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'], Resource: ownRoles, Condition: { StringNotEquals: { 'iam:PermissionsBoundary': permissionsBoundaryArn(spec) } } },
    { Sid: 'DenyBootstrapIam', Effect: 'Deny', Action: IAM_WRITES, Resource: [...bootstrap.roles.map((n) => iamArn('role', n)), iamArn('policy', permissionsBoundaryName(spec))] },
    { Sid: 'DenyBootstrapStacks', Effect: 'Deny', Action: ['cloudformation:*'], Resource: `arn:*:cloudformation:*:*:stack/${spec.name}-bootstrap-*/*` },
    // The artifacts bucket every template is uploaded to, and the bootstrap's key (by its alias).
    { Sid: 'DenyBootstrapBucket', Effect: 'Deny', Action: ['s3:Delete*', 's3:Put*'], Resource: [`arn:*:s3:::${bootstrap.artifactsBucketPrefix}-*`, `arn:*:s3:::${bootstrap.artifactsBucketPrefix}-*/*`] },
    { Sid: 'DenyBootstrapKey', Effect: 'Deny', Action: ['kms:DisableKey', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'], Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': bootstrap.keyAlias } } },
    // No role may lose its boundary, whatever its name; IAM users, groups, keys and other identity
    // providers are already denied by DenyIamOutsideEnvironment.
    { Sid: 'DenyAccountLevel', Effect: 'Deny', Action: ['account:*', 'iam:DeleteRolePermissionsBoundary', 'organizations:*'], Resource: '*' },
    { Sid: 'DenyCloudTrailOutsideEnvironment', Effect: 'Deny', Action: ['cloudtrail:*'], NotResource: `arn:*:cloudtrail:*:*:trail/${prefix}-*` },
  ];
}
