// AWS name limits over the built resource model (DEX344). The schema keeps each name the user
// writes short, but dex joins them (`<system>-<environment>-cfn-exec`, `<prefix>-templates-
// <account>`), and the joined name can pass an AWS limit that only CloudFormation reports, half
// way through a deploy. This rule computes every physical name dex sets, as CloudFormation will
// (an `Fn::Sub` with the account ID's 12 digits and the environment's own region), checks it
// against the table below, and points at the spec name to shorten.
//
// The table is data: one entry per resource type dex emits, with the properties that are names
// (limit, allowed characters, where the name must be unique and where the limit comes from), or
// why the type has no physical name. test/compiler/checks/aws-names.test.ts fails on a resource
// type or a name-like property of the examples' models that the table does not mention.
import type { Finding, SpecPath } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { namePrefix } from '../model/ids.js';
import type { CfnValue, ModelResource, ResourceModel } from '../model/types.js';

/**
 * Where a name must be unique: in one account and region, in one account (IAM, CloudWatch
 * dashboards), across all of AWS (S3), inside its parent resource (a role's inline policies, a
 * cluster's services), or nowhere (a match pattern or a display name).
 */
export type NameScope = 'region' | 'account' | 'global' | 'parent' | 'none';

export interface NameLimit {
  /** Path inside Properties: 'RoleName', 'SamplingRule.RuleName', 'Policies[].PolicyName'. */
  readonly property: string;
  /** What the name is, for messages: 'IAM role name'. */
  readonly what: string;
  readonly maxLength: number;
  readonly minLength?: number;
  /** The whole name must match (anchored). */
  readonly pattern?: RegExp;
  /** The pattern in words, for messages. */
  readonly allowed?: string;
  readonly unique: NameScope;
  /** Where the limit comes from: the CloudFormation resource schema, or the AWS API reference. */
  readonly source: string;
}

export type TypeNames =
  | {
      readonly names: readonly NameLimit[];
      /** Name-like properties dex sets that are not this resource's name (references, metric and env-var names), with why. */
      readonly notNames?: Readonly<Record<string, string>>;
    }
  | { readonly noPhysicalName: string; readonly notNames?: Readonly<Record<string, string>> };

// Sources: "schema" is the CloudFormation resource provider schema (/work/shared/checks-data/cfn,
// cfn-lint's us-east-1 copy): its maxLength and pattern. Where the schema says nothing, the
// service's API reference for the create call is cited.
const SCHEMA = 'CloudFormation schema (maxLength, pattern)';
const IAM_NAME = /^[\w+=,.@-]+$/;
const IAM_ALLOWED = 'letters, digits and + = , . @ _ -';
const ALNUM_DASH_UNDERSCORE = /^[A-Za-z0-9_-]+$/;
const ADU_ALLOWED = 'letters, digits, hyphens and underscores';
const REF = 'a reference to another resource, checked there';

const iamRole: NameLimit = { property: 'RoleName', what: 'IAM role name', maxLength: 64, pattern: IAM_NAME, allowed: IAM_ALLOWED, unique: 'account', source: SCHEMA };
const inlinePolicies: NameLimit = {
  property: 'Policies[].PolicyName',
  what: 'inline policy name',
  maxLength: 128,
  pattern: IAM_NAME,
  allowed: IAM_ALLOWED,
  unique: 'parent',
  source: 'IAM API PutRolePolicy (PolicyName 1-128, [\\w+=,.@-]+); AWS::IAM::Policy schema says the same',
};
const backupName = (property: string, what: string, unique: NameScope): NameLimit => ({
  property,
  what,
  maxLength: 50,
  pattern: /^[A-Za-z0-9_.:-]+$/,
  allowed: 'letters, digits and - _ . :',
  unique,
  source: 'AWS Backup API CreateBackupPlan (1-50 alphanumeric or -_. characters); schema pattern for SelectionName',
});
const NO_NAME_EC2 = 'identified by a generated ID; its Name tag is free text';

/** Every resource type dex emits, and the properties that name it. */
export const AWS_NAME_LIMITS: Readonly<Record<string, TypeNames>> = {
  'AWS::IAM::Role': {
    names: [iamRole, inlinePolicies],
  },
  'AWS::IAM::InstanceProfile': {
    names: [{ property: 'InstanceProfileName', what: 'instance profile name', maxLength: 128, pattern: IAM_NAME, allowed: IAM_ALLOWED, unique: 'account', source: SCHEMA }],
  },
  'AWS::IAM::ManagedPolicy': {
    names: [{ property: 'ManagedPolicyName', what: 'managed policy name', maxLength: 128, pattern: IAM_NAME, allowed: IAM_ALLOWED, unique: 'account', source: 'IAM API CreatePolicy (PolicyName 1-128, [\\w+=,.@-]+)' }],
  },
  'AWS::IAM::Policy': {
    names: [{ property: 'PolicyName', what: 'inline policy name', maxLength: 128, pattern: IAM_NAME, allowed: IAM_ALLOWED, unique: 'parent', source: SCHEMA }],
  },
  'AWS::IAM::OIDCProvider': { noPhysicalName: 'identified by its issuer URL, not a name dex chooses' },
  'AWS::S3::Bucket': {
    names: [
      {
        property: 'BucketName',
        what: 'S3 bucket name',
        maxLength: 63,
        minLength: 3,
        pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
        allowed: 'lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
        unique: 'global',
        source: 'schema (maxLength 63, pattern); 3 characters at least: S3 bucket naming rules',
      },
    ],
    notNames: { 'LifecycleConfiguration.Rules[].Id': "a lifecycle rule's ID inside the bucket", 'ReplicationConfiguration.Rules[].Id': "a replication rule's ID inside the bucket" },
  },
  'AWS::S3::BucketPolicy': { noPhysicalName: "attached to its bucket; it has no name" },
  'AWS::EFS::FileSystem': { noPhysicalName: 'AWS gives it an ID (fs-…); its Name tag is dex\'s tag, not a name CloudFormation checks' },
  'AWS::EFS::MountTarget': { noPhysicalName: 'one per subnet of its file system, identified by AWS (fsmt-…)' },
  'AWS::EFS::AccessPoint': { noPhysicalName: 'AWS gives it an ID (fsap-…); the service it is for is in its tags' },
  'AWS::AmazonMQ::Broker': {
    // dex cuts it to 50 with a hash (compiler/model/brokers.ts brokerName), so this never fires on its own names.
    names: [{ property: 'BrokerName', what: 'Amazon MQ broker name', maxLength: 50, minLength: 1, pattern: /^[0-9A-Za-z_-]+$/, allowed: 'letters, digits, hyphens and underscores', unique: 'region', source: SCHEMA }],
    notNames: { 'Users[].Username': "the broker's one user, dex's constant (app)" },
  },
  'AWS::DynamoDB::Table': {
    // The schema allows 1024 (a table ARN is accepted there too); a name is 3-255 (DynamoDB API CreateTable).
    names: [{ property: 'TableName', what: 'DynamoDB table name', maxLength: 1024, minLength: 3, pattern: /^[a-zA-Z0-9_.-]+$/, allowed: 'letters, digits, dots, hyphens and underscores', unique: 'region', source: SCHEMA }],
    notNames: {
      'GlobalSecondaryIndexes[].IndexName': 'an index name inside the table (the schema limits it: tables.<name>.indexes)',
      'AttributeDefinitions[].AttributeName': 'an attribute of the items, named in the spec',
      'GlobalSecondaryIndexes[].KeySchema[].AttributeName': 'an attribute of the items, named in the spec',
      'TimeToLiveSpecification.AttributeName': 'an attribute of the items, named in the spec',
      'KeySchema[].AttributeName': 'an attribute of the items, named in the spec',
    },
  },
  'AWS::Cognito::UserPool': {
    names: [{ property: 'UserPoolName', what: 'Cognito user pool name', maxLength: 128, pattern: /^[\w\s+=,.@-]+$/, allowed: 'letters, digits, spaces and + = , . @ _ -', unique: 'none', source: 'Cognito API CreateUserPool (PoolName 1-128, [\\w\\s+=,.@-]+; pools are identified by ID)' }],
    notNames: { 'AccountRecoverySetting.RecoveryMechanisms[].Name': 'a recovery mechanism (verified_email)' },
  },
  'AWS::Cognito::UserPoolDomain': {
    names: [{ property: 'Domain', what: 'Cognito domain prefix', maxLength: 63, pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, allowed: 'lowercase letters, digits and hyphens, not at either end', unique: 'region', source: 'Cognito API CreateUserPoolDomain (prefix domains: 1-63, unique in the region; DEX366 checks the reserved words)' }],
  },
  'AWS::Cognito::UserPoolClient': {
    names: [{ property: 'ClientName', what: 'Cognito app client name', maxLength: 128, unique: 'none', source: 'Cognito API CreateUserPoolClient (ClientName 1-128; clients are identified by ID)' }],
  },
  'AWS::Cognito::UserPoolGroup': {
    names: [{ property: 'GroupName', what: 'Cognito group name', maxLength: 128, unique: 'parent', source: 'Cognito API CreateGroup (GroupName 1-128, unique in the user pool)' }],
  },
  'AWS::XRay::Group': {
    names: [{ property: 'GroupName', what: 'X-Ray group name', maxLength: 32, unique: 'region', source: SCHEMA }],
  },
  'AWS::XRay::SamplingRule': {
    names: [
      { property: 'SamplingRule.RuleName', what: 'X-Ray sampling rule name', maxLength: 32, unique: 'region', source: SCHEMA },
      { property: 'SamplingRule.ServiceName', what: 'X-Ray sampling rule service pattern', maxLength: 64, unique: 'none', source: SCHEMA },
    ],
  },
  'AWS::ECS::Cluster': {
    names: [{ property: 'ClusterName', what: 'ECS cluster name', maxLength: 255, pattern: ALNUM_DASH_UNDERSCORE, allowed: ADU_ALLOWED, unique: 'region', source: 'ECS API CreateCluster (up to 255 letters, numbers, underscores and hyphens)' }],
    notNames: {
      'ClusterSettings[].Name': 'an ECS setting (containerInsights)',
      'Configuration.ExecuteCommandConfiguration.LogConfiguration.CloudWatchLogGroupName': 'the ECS Exec session log group, named (and checked) by its AWS::Logs::LogGroup',
    },
  },
  'AWS::ECS::Service': {
    names: [{ property: 'ServiceName', what: 'ECS service name', maxLength: 255, pattern: ALNUM_DASH_UNDERSCORE, allowed: ADU_ALLOWED, unique: 'parent', source: 'ECS API CreateService (up to 255 letters, numbers, underscores and hyphens)' }],
    notNames: {
      'LoadBalancers[].ContainerName': 'the container of the task definition, checked there',
      'ServiceConnectConfiguration.Services[].PortName': "a port mapping's name in the task definition (http)",
      'ServiceConnectConfiguration.Services[].DiscoveryName': "the service's Service Connect name in the namespace, `<service>-connect`: unique there as service names are",
      'ServiceConnectConfiguration.Services[].ClientAliases[].DnsName': 'the DNS name callers use, `<service>.<namespace>`',
    },
  },
  'AWS::ECS::TaskDefinition': {
    names: [
      { property: 'Family', what: 'task definition family', maxLength: 255, pattern: ALNUM_DASH_UNDERSCORE, allowed: ADU_ALLOWED, unique: 'region', source: 'ECS API RegisterTaskDefinition (family: up to 255 letters, numbers, hyphens and underscores)' },
      {
        property: 'ContainerDefinitions[].Name',
        what: 'container name',
        maxLength: 255,
        pattern: ALNUM_DASH_UNDERSCORE,
        allowed: ADU_ALLOWED,
        unique: 'parent',
        source: 'ECS API ContainerDefinition (name: up to 255 letters, numbers, underscores and hyphens)',
      },
    ],
    notNames: {
      'ContainerDefinitions[].PortMappings[].Name': 'a port mapping name inside the container',
      'ContainerDefinitions[].Environment[].Name': 'an environment variable',
      'ContainerDefinitions[].Secrets[].Name': 'an environment variable',
      'ContainerDefinitions[].MountPoints[].SourceVolume': 'a volume of the task',
      'ContainerDefinitions[].DependsOn[].ContainerName': 'another container of the task (a sidecar), by the name checked above',
      'Volumes[].Name': 'a volume inside the task',
      'RuntimePlatform.OperatingSystemFamily': 'the operating system (LINUX)',
    },
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    names: [{ property: 'Name', what: 'load balancer name', maxLength: 32, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, allowed: 'letters, digits and hyphens, not at either end', unique: 'region', source: 'ELB API CreateLoadBalancer (at most 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen)' }],
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup': {
    names: [{ property: 'Name', what: 'target group name', maxLength: 32, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, allowed: 'letters, digits and hyphens, not at either end', unique: 'region', source: 'ELB API CreateTargetGroup (at most 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen)' }],
    notNames: { VpcId: 'the ID of an imported VPC (network.vpcId)' },
  },
  'AWS::ElasticLoadBalancingV2::Listener': { noPhysicalName: 'identified by its load balancer and port' },
  'AWS::ElasticLoadBalancingV2::ListenerRule': { noPhysicalName: 'identified by its listener and priority' },
  'Custom::RestrictDefaultSecurityGroup': { noPhysicalName: 'a custom resource; its handler names it after the group' },
  'AWS::Logs::LogGroup': {
    names: [{ property: 'LogGroupName', what: 'log group name', maxLength: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, allowed: 'letters, digits and . - _ / #', unique: 'region', source: SCHEMA }],
  },
  'AWS::SecretsManager::Secret': {
    names: [{ property: 'Name', what: 'secret name', maxLength: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/, allowed: 'letters, digits and / _ + = . @ -', unique: 'region', source: 'schema (maxLength 512); characters: Secrets Manager API CreateSecret' }],
  },
  'AWS::SecretsManager::SecretTargetAttachment': { noPhysicalName: 'links a secret to its database; it has no name' },
  'AWS::KMS::Key': { noPhysicalName: 'identified by a generated key ID; its alias is the name' },
  'AWS::KMS::Alias': {
    names: [{ property: 'AliasName', what: 'KMS alias', maxLength: 256, pattern: /^alias\/[a-zA-Z0-9:/_-]+$/, allowed: 'alias/ then letters, digits and : / _ -', unique: 'region', source: SCHEMA }],
  },
  'AWS::RDS::DBInstance': {
    names: [
      {
        property: 'DBInstanceIdentifier',
        what: 'DB instance identifier',
        maxLength: 63,
        pattern: /^[a-zA-Z](?:-?[a-zA-Z0-9])*$/,
        allowed: 'letters, digits and hyphens, starting with a letter, no two hyphens in a row, not ending with a hyphen',
        unique: 'region',
        source: SCHEMA,
      },
    ],
    notNames: { MasterUsername: 'resolved from the generated secret' },
  },
  'AWS::RDS::DBSubnetGroup': {
    names: [{ property: 'DBSubnetGroupName', what: 'DB subnet group name', maxLength: 255, pattern: /^[A-Za-z0-9._ -]+$/, allowed: 'letters, digits, periods, underscores, spaces and hyphens', unique: 'region', source: 'RDS API CreateDBSubnetGroup (no more than 255 letters, numbers, periods, underscores, spaces or hyphens)' }],
  },
  'AWS::RDS::DBParameterGroup': {
    names: [{ property: 'DBParameterGroupName', what: 'DB parameter group name', maxLength: 255, pattern: /^[a-zA-Z](?:-?[a-zA-Z0-9])*$/, allowed: 'letters, digits and single hyphens, starting with a letter', unique: 'region', source: 'schema (pattern); 255 characters: RDS API CreateDBParameterGroup' }],
    notNames: { Family: 'the engine family (postgres16)' },
  },
  'AWS::RDS::EventSubscription': {
    names: [{ property: 'SubscriptionName', what: 'RDS event subscription name', maxLength: 255, pattern: /^[a-zA-Z](?:-?[a-zA-Z0-9])*$/, allowed: 'letters, digits and single hyphens, starting with a letter', unique: 'region', source: '255 characters, letters, digits and hyphens starting with a letter: RDS API CreateEventSubscription' }],
  },
  'AWS::ElastiCache::ReplicationGroup': {
    names: [
      {
        property: 'ReplicationGroupId',
        what: 'replication group ID',
        maxLength: 40,
        pattern: /^[a-zA-Z](?:-?[a-zA-Z0-9])*$/,
        allowed: 'letters, digits and hyphens, starting with a letter, no two hyphens in a row, not ending with a hyphen',
        unique: 'region',
        source: 'ElastiCache API CreateReplicationGroup (1-40 alphanumeric characters or hyphens, begins with a letter, no trailing or double hyphen)',
      },
    ],
    notNames: { CacheParameterGroupName: "one of ElastiCache's default parameter groups" },
  },
  'AWS::ElastiCache::User': {
    names: [
      {
        property: 'UserId',
        what: 'ElastiCache user ID',
        maxLength: 40,
        pattern: /^[a-z](?:-?[a-z0-9])*$/,
        allowed: 'lowercase letters, digits and hyphens, starting with a letter, no two hyphens in a row, not ending with a hyphen',
        unique: 'region',
        source: 'ElastiCache API CreateUser (alphanumeric characters or hyphens, begins with a letter, no trailing or double hyphen; lowercase in the resource schema; dex keeps to 40)',
      },
    ],
    // IAM-authenticated users have UserName = UserId; the default user's is `default`, ElastiCache's required name.
    notNames: { UserName: "the user's sign-in name: its UserId, or ElastiCache's `default`" },
  },
  'AWS::ElastiCache::UserGroup': {
    names: [
      {
        property: 'UserGroupId',
        what: 'ElastiCache user group ID',
        maxLength: 40,
        pattern: /^[a-z](?:-?[a-z0-9])*$/,
        allowed: 'lowercase letters, digits and hyphens, starting with a letter, no two hyphens in a row, not ending with a hyphen',
        unique: 'region',
        source: 'ElastiCache API CreateUserGroup (alphanumeric characters or hyphens, begins with a letter, no trailing or double hyphen; lowercase in the resource schema; dex keeps to 40)',
      },
    ],
  },
  'AWS::ElastiCache::SubnetGroup': {
    names: [{ property: 'CacheSubnetGroupName', what: 'cache subnet group name', maxLength: 255, pattern: /^[A-Za-z0-9-]+$/, allowed: 'letters, digits and hyphens', unique: 'region', source: 'ElastiCache API CreateCacheSubnetGroup (no more than 255 alphanumeric characters or hyphens)' }],
  },
  'AWS::CloudWatch::Alarm': {
    names: [{ property: 'AlarmName', what: 'alarm name', maxLength: 255, unique: 'region', source: SCHEMA }],
    notNames: {
      MetricName: "the metric's name (AWS's)",
      'Dimensions[].Name': 'a metric dimension',
      'Metrics[].Id': 'an ID inside the metric math',
      'Metrics[].MetricStat.Metric.MetricName': "the metric's name (AWS's)",
      'Metrics[].MetricStat.Metric.Dimensions[].Name': 'a metric dimension',
    },
  },
  'AWS::CloudWatch::Dashboard': {
    names: [{ property: 'DashboardName', what: 'dashboard name', maxLength: 255, pattern: ALNUM_DASH_UNDERSCORE, allowed: ADU_ALLOWED, unique: 'account', source: 'CloudWatch API PutDashboard (up to 255 alphanumerics, dashes and underscores; dashboards are global)' }],
  },
  'AWS::SNS::Topic': {
    names: [
      { property: 'TopicName', what: 'SNS topic name', maxLength: 256, pattern: ALNUM_DASH_UNDERSCORE, allowed: ADU_ALLOWED, unique: 'region', source: 'schema (maxLength 256); characters: SNS API CreateTopic' },
      { property: 'DisplayName', what: 'SNS display name', maxLength: 100, unique: 'none', source: 'SNS API SetTopicAttributes (DisplayName: at most 100 characters)' },
    ],
  },
  'AWS::SNS::Subscription': { noPhysicalName: 'identified by its topic and endpoint' },
  'AWS::SQS::Queue': {
    names: [{ property: 'QueueName', what: 'SQS queue name', maxLength: 80, pattern: /^[A-Za-z0-9_-]+(?:\.fifo)?$/, allowed: 'letters, digits, hyphens and underscores (.fifo at the end of a FIFO queue)', unique: 'region', source: 'SQS API CreateQueue (up to 80 characters)' }],
  },
  'AWS::EKS::Cluster': {
    names: [{ property: 'Name', what: 'EKS cluster name', maxLength: 100, pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/, allowed: 'letters, digits, hyphens and underscores, starting with a letter or digit', unique: 'region', source: SCHEMA }],
  },
  'AWS::EKS::Nodegroup': {
    names: [{ property: 'NodegroupName', what: 'node group name', maxLength: 63, pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/, allowed: 'letters, digits, hyphens and underscores, starting with a letter or digit', unique: 'parent', source: 'EKS API CreateNodegroup (at most 63 characters)' }],
    notNames: { ClusterName: REF },
  },
  'AWS::EKS::Addon': { noPhysicalName: "named by the add-on AWS publishes (vpc-cni, coredns, …), not by dex", notNames: { AddonName: "the add-on's published name", ClusterName: REF } },
  'AWS::EKS::AccessEntry': { noPhysicalName: 'identified by its cluster and principal', notNames: { ClusterName: REF } },
  'AWS::CodeBuild::Project': {
    names: [{ property: 'Name', what: 'CodeBuild project name', maxLength: 255, minLength: 2, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/, allowed: 'letters, digits, hyphens and underscores, starting with a letter or digit', unique: 'region', source: 'CodeBuild API CreateProject (2-255 characters, [A-Za-z0-9][A-Za-z0-9\\-_]{1,254})' }],
    notNames: { 'Environment.EnvironmentVariables[].Name': 'an environment variable', 'LogsConfig.CloudWatchLogs.GroupName': 'the log group dex creates, checked there' },
  },
  'AWS::CodePipeline::Pipeline': {
    names: [{ property: 'Name', what: 'pipeline name', maxLength: 100, pattern: /^[A-Za-z0-9.@_-]+$/, allowed: 'letters, digits and . @ - _', unique: 'region', source: 'CodePipeline API CreatePipeline (1-100 characters, [A-Za-z0-9.@\\-_]+)' }],
  },
  'AWS::CodeDeploy::Application': {
    names: [{ property: 'ApplicationName', what: 'CodeDeploy application name', maxLength: 100, unique: 'region', source: SCHEMA }],
  },
  'AWS::CodeDeploy::DeploymentGroup': {
    names: [{ property: 'DeploymentGroupName', what: 'deployment group name', maxLength: 100, unique: 'parent', source: SCHEMA }],
    notNames: {
      ApplicationName: REF,
      DeploymentConfigName: "one of CodeDeploy's predefined configurations",
      'ECSServices[].ClusterName': REF,
      'ECSServices[].ServiceName': REF,
      'LoadBalancerInfo.TargetGroupPairInfoList[].TargetGroups[].Name': REF,
      'AlarmConfiguration.Alarms[].Name': 'an alarm dex creates, checked there',
    },
  },
  'AWS::CloudTrail::Trail': {
    names: [{ property: 'TrailName', what: 'CloudTrail trail name', maxLength: 128, minLength: 3, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/, allowed: 'letters, digits and . _ -, starting and ending with a letter or digit', unique: 'region', source: 'CloudTrail API CreateTrail (3 to 128 characters)' }],
    notNames: { S3BucketName: 'a reference to the trail bucket' },
  },
  'AWS::WAFv2::LoggingConfiguration': { noPhysicalName: 'identified by the web ACL it logs for', notNames: { 'RedactedFields[].SingleHeader.Name': 'HTTP header names whose values are redacted' } },
  'AWS::WAFv2::WebACL': {
    names: [
      { property: 'Name', what: 'web ACL name', maxLength: 128, pattern: ALNUM_DASH_UNDERSCORE, allowed: ADU_ALLOWED, unique: 'region', source: SCHEMA },
      { property: 'Rules[].Name', what: 'web ACL rule name', maxLength: 128, pattern: ALNUM_DASH_UNDERSCORE, allowed: ADU_ALLOWED, unique: 'parent', source: SCHEMA },
      { property: 'VisibilityConfig.MetricName', what: 'web ACL metric name', maxLength: 128, pattern: /^[\w#:.\-/]+$/, allowed: 'letters, digits and _ # : . - /', unique: 'none', source: SCHEMA },
      { property: 'Rules[].VisibilityConfig.MetricName', what: 'web ACL rule metric name', maxLength: 128, pattern: /^[\w#:.\-/]+$/, allowed: 'letters, digits and _ # : . - /', unique: 'none', source: SCHEMA },
    ],
    notNames: {
      'Rules[].Statement.ManagedRuleGroupStatement.VendorName': "the managed rule group's vendor",
      'Rules[].Statement.ManagedRuleGroupStatement.Name': "an AWS managed rule group's name",
      'Rules[].Statement.ManagedRuleGroupStatement.RuleActionOverrides[].Name': 'a rule of the managed group, by its name in that group',
      'Rules[].Statement.OrStatement.Statements[].AndStatement.Statements[].NotStatement.Statement.RegexMatchStatement.FieldToMatch.SingleHeader.Name': 'an HTTP header inspected (Content-Length)',
      'Rules[].Statement.OrStatement.Statements[].AndStatement.Statements[].RegexMatchStatement.FieldToMatch.SingleHeader.Name': 'an HTTP header inspected (Content-Length)',
    },
  },
  'AWS::WAFv2::WebACLAssociation': { noPhysicalName: 'links the web ACL to the load balancer; it has no name' },
  'AWS::Backup::BackupVault': {
    names: [{ property: 'BackupVaultName', what: 'backup vault name', maxLength: 50, minLength: 2, pattern: /^[a-zA-Z0-9_-]+$/, allowed: ADU_ALLOWED, unique: 'region', source: SCHEMA }],
  },
  'AWS::Backup::BackupPlan': {
    names: [backupName('BackupPlan.BackupPlanName', 'backup plan name', 'region'), backupName('BackupPlan.BackupPlanRule[].RuleName', 'backup rule name', 'parent')],
  },
  'AWS::Backup::BackupSelection': {
    names: [backupName('BackupSelection.SelectionName', 'backup selection name', 'parent')],
  },
  'AWS::Budgets::Budget': {
    names: [{ property: 'Budget.BudgetName', what: 'budget name', maxLength: 100, pattern: /^[^:\\]+$/, allowed: 'any characters but : and \\', unique: 'account', source: 'Budgets API CreateBudget (BudgetName 1-100 characters, no : or \\)' }],
  },
  'AWS::Events::Rule': {
    names: [{ property: 'Name', what: 'EventBridge rule name', maxLength: 64, pattern: /^[.\-_A-Za-z0-9]+$/, allowed: 'letters, digits and . - _', unique: 'region', source: SCHEMA }],
  },
  'AWS::Scheduler::Schedule': {
    names: [{ property: 'Name', what: 'schedule name', maxLength: 64, pattern: /^[0-9a-zA-Z_.-]+$/, allowed: 'letters, digits and - _ .', unique: 'parent', source: SCHEMA }],
  },
  'AWS::Scheduler::ScheduleGroup': {
    names: [{ property: 'Name', what: 'schedule group name', maxLength: 64, pattern: /^[0-9a-zA-Z_.-]+$/, allowed: 'letters, digits and - _ .', unique: 'region', source: SCHEMA }],
  },
  'AWS::Lambda::Function': {
    names: [{ property: 'FunctionName', what: 'Lambda function name', maxLength: 64, pattern: ALNUM_DASH_UNDERSCORE, allowed: ADU_ALLOWED, unique: 'region', source: SCHEMA }],
  },
  'AWS::SSM::Parameter': {
    names: [{ property: 'Name', what: 'SSM parameter name', maxLength: 2048, pattern: /^[A-Za-z0-9_.\-/]+$/, allowed: 'letters, digits and _ . - /', unique: 'region', source: 'schema (maxLength 2048); characters: SSM API PutParameter' }],
  },
  'AWS::ECR::PullThroughCacheRule': {
    names: [{ property: 'EcrRepositoryPrefix', what: 'pull-through cache repository prefix', maxLength: 30, minLength: 2, pattern: /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/, allowed: 'lowercase letters and digits, with . _ - or / only between them', unique: 'region', source: SCHEMA }],
  },
  'AWS::ECR::RepositoryCreationTemplate': {
    names: [{ property: 'Prefix', what: 'repository creation template prefix', maxLength: 256, minLength: 1, pattern: /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/, allowed: 'lowercase letters and digits, with . _ - or / only between them', unique: 'region', source: SCHEMA }],
  },
  'AWS::ECR::Repository': {
    names: [
      {
        property: 'RepositoryName',
        what: 'ECR repository name',
        maxLength: 256,
        minLength: 2,
        pattern: /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/,
        allowed: 'lowercase letters and digits, with . _ - or / only between them',
        unique: 'region',
        source: SCHEMA,
      },
    ],
  },
  'AWS::ApplicationAutoScaling::ScalableTarget': {
    noPhysicalName: 'identified by the resource it scales',
    notNames: {
      ResourceId: 'the resource it scales',
      // <service>-<action>: both dex's lowercase names, unique per service (DEX852), far below the 256 characters the API takes.
      'ScheduledActions[].ScheduledActionName': "a scheduled action's name within its scalable target (scaling.scheduled[].name after the service's)",
    },
  },
  'AWS::ApplicationAutoScaling::ScalingPolicy': {
    names: [{ property: 'PolicyName', what: 'scaling policy name', maxLength: 256, pattern: /^\P{Cc}+$/u, allowed: 'printable characters', unique: 'parent', source: SCHEMA }],
    notNames: {
      'TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics[].Id': "an ID inside the policy's metric math",
      'TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics[].MetricStat.Metric.Dimensions[].Name': 'a CloudWatch dimension name (QueueName, ClusterName, ServiceName)',
      'TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics[].MetricStat.Metric.MetricName': "a CloudWatch metric's name",
      'TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.MetricName': "a custom metric's name (scaling.metric.name)",
      'TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Dimensions[].Name': 'a CloudWatch dimension name (scaling.metric.dimensions)',
    },
  },
  'AWS::AutoScaling::AutoScalingGroup': {
    names: [{ property: 'AutoScalingGroupName', what: 'Auto Scaling group name', maxLength: 255, unique: 'region', source: SCHEMA }],
  },
  'AWS::AutoScaling::ScalingPolicy': {
    noPhysicalName: 'CloudFormation names it',
    notNames: {
      AutoScalingGroupName: REF,
      'TargetTrackingConfiguration.CustomizedMetricSpecification.MetricName': "a custom metric's name (scaling.metric.name)",
      'TargetTrackingConfiguration.CustomizedMetricSpecification.Dimensions[].Name': 'a CloudWatch dimension name (scaling.metric.dimensions)',
    },
  },
  'AWS::AutoScaling::ScheduledAction': { noPhysicalName: 'CloudFormation names it', notNames: { AutoScalingGroupName: REF } },
  'AWS::EC2::LaunchTemplate': {
    names: [{ property: 'LaunchTemplateName', what: 'launch template name', maxLength: 128, minLength: 3, pattern: /^[a-zA-Z0-9().\-/_]+$/, allowed: 'letters, digits and ( ) . - / _', unique: 'region', source: 'EC2 API CreateLaunchTemplate (3-128 characters, [a-zA-Z0-9\\(\\)\\.\\-/_]+)' }],
    notNames: { 'LaunchTemplateData.ImageId': 'the AMI, resolved from SSM', 'LaunchTemplateData.BlockDeviceMappings[].DeviceName': 'a device path' },
  },
  'AWS::EC2::SecurityGroup': {
    names: [{ property: 'GroupName', what: 'security group name', maxLength: 255, unique: 'parent', source: 'EC2 API CreateSecurityGroup (up to 255 characters, unique in its VPC)' }],
    notNames: { VpcId: 'the ID of an imported VPC (network.vpcId)' },
  },
  'AWS::EC2::SecurityGroupIngress': { noPhysicalName: 'a rule of its security group' },
  'AWS::EC2::SecurityGroupEgress': { noPhysicalName: 'a rule of its security group' },
  'AWS::EC2::VPC': { noPhysicalName: NO_NAME_EC2 },
  'AWS::EC2::Subnet': { noPhysicalName: NO_NAME_EC2 },
  'AWS::EC2::RouteTable': { noPhysicalName: NO_NAME_EC2 },
  'AWS::EC2::Route': { noPhysicalName: 'an entry of its route table' },
  'AWS::EC2::SubnetRouteTableAssociation': { noPhysicalName: 'links a subnet to a route table' },
  'AWS::EC2::InternetGateway': { noPhysicalName: NO_NAME_EC2 },
  'AWS::EC2::VPCGatewayAttachment': { noPhysicalName: 'links the gateway to the VPC' },
  'AWS::EC2::NatGateway': { noPhysicalName: NO_NAME_EC2 },
  'AWS::EC2::EIP': { noPhysicalName: NO_NAME_EC2 },
  'AWS::EC2::FlowLog': { noPhysicalName: NO_NAME_EC2, notNames: { ResourceId: 'the ID of an imported VPC (network.vpcId)' } },
  'AWS::EC2::VPCEndpoint': { noPhysicalName: NO_NAME_EC2, notNames: { ServiceName: "the AWS service's endpoint name", VpcId: 'the ID of an imported VPC (network.vpcId)' } },
  // Types of the schema fixture (test/fixtures/cfn) dex does not emit today, so that a block
  // that starts emitting one is checked from its first line.
  'AWS::AutoScaling::LifecycleHook': {
    names: [{ property: 'LifecycleHookName', what: 'lifecycle hook name', maxLength: 255, pattern: /^[A-Za-z0-9\-_/]+$/, allowed: 'letters, digits and - _ /', unique: 'parent', source: SCHEMA }],
    notNames: { AutoScalingGroupName: REF },
  },
  'AWS::CertificateManager::Certificate': {
    noPhysicalName: 'identified by its ARN; its domain names are the spec\'s',
    notNames: { DomainName: 'the domain the certificate is for (ingress.domain, checked by DEX760)', 'DomainValidationOptions[].DomainName': 'a domain of the certificate (ingress.domain, checked by DEX760)' },
  },
  'AWS::CloudFormation::CustomResource': { noPhysicalName: 'named by the provider behind it' },
  'AWS::CloudFormation::Stack': { noPhysicalName: 'a nested stack: CloudFormation names it after the parent' },
  'AWS::CloudFormation::WaitCondition': { noPhysicalName: 'lives inside its stack' },
  'AWS::CloudFormation::WaitConditionHandle': { noPhysicalName: 'lives inside its stack' },
  'AWS::CloudWatch::CompositeAlarm': {
    names: [{ property: 'AlarmName', what: 'composite alarm name', maxLength: 255, unique: 'region', source: SCHEMA }],
  },
  'AWS::CodeConnections::Connection': {
    names: [{ property: 'ConnectionName', what: 'connection name', maxLength: 32, unique: 'region', source: SCHEMA }],
  },
  'AWS::CodeStarConnections::Connection': {
    names: [{ property: 'ConnectionName', what: 'connection name', maxLength: 32, unique: 'region', source: SCHEMA }],
  },
  'AWS::CodeDeploy::DeploymentConfig': {
    names: [{ property: 'DeploymentConfigName', what: 'deployment configuration name', maxLength: 100, unique: 'region', source: SCHEMA }],
  },
  'AWS::EC2::EgressOnlyInternetGateway': { noPhysicalName: NO_NAME_EC2 },
  'AWS::EC2::Instance': { noPhysicalName: NO_NAME_EC2 },
  'AWS::EC2::NetworkAcl': { noPhysicalName: NO_NAME_EC2 },
  'AWS::EC2::NetworkAclEntry': { noPhysicalName: 'an entry of its network ACL' },
  'AWS::EC2::SubnetNetworkAclAssociation': { noPhysicalName: 'links a subnet to a network ACL' },
  'AWS::EC2::VPCCidrBlock': { noPhysicalName: 'a CIDR block of its VPC' },
  'AWS::EC2::Volume': { noPhysicalName: NO_NAME_EC2 },
  'AWS::ECS::CapacityProvider': {
    names: [{ property: 'Name', what: 'capacity provider name', maxLength: 255, pattern: ALNUM_DASH_UNDERSCORE, allowed: ADU_ALLOWED, unique: 'region', source: 'ECS API CreateCapacityProvider (up to 255 letters, numbers, underscores and hyphens)' }],
    notNames: { ClusterName: REF },
  },
  'AWS::ECS::ClusterCapacityProviderAssociations': { noPhysicalName: 'links capacity providers to a cluster', notNames: { Cluster: REF } },
  'AWS::EKS::FargateProfile': {
    names: [{ property: 'FargateProfileName', what: 'Fargate profile name', maxLength: 100, pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/, allowed: 'letters, digits, hyphens and underscores, starting with a letter or digit', unique: 'parent', source: 'EKS API CreateFargateProfile (fargateProfileName; the same form as cluster names)' }],
    notNames: { ClusterName: REF },
  },
  'AWS::EKS::PodIdentityAssociation': { noPhysicalName: 'identified by its cluster, namespace and service account', notNames: { ClusterName: REF } },
  'AWS::ElastiCache::ParameterGroup': {
    names: [{ property: 'CacheParameterGroupName', what: 'cache parameter group name', maxLength: 255, pattern: /^[A-Za-z0-9-]+$/, allowed: 'letters, digits and hyphens', unique: 'region', source: 'ElastiCache API CreateCacheParameterGroup (up to 255 characters)' }],
  },
  'AWS::ElasticLoadBalancingV2::ListenerCertificate': { noPhysicalName: 'a certificate of its listener' },
  'AWS::ElasticLoadBalancingV2::TrustStore': {
    names: [{ property: 'Name', what: 'trust store name', maxLength: 32, pattern: /^(?:[a-zA-Z0-9]+-)*[a-zA-Z0-9]+$/, allowed: 'letters, digits and single hyphens between them', unique: 'region', source: SCHEMA }],
  },
  'AWS::ElasticLoadBalancingV2::TrustStoreRevocation': { noPhysicalName: 'a revocation list of its trust store' },
  'AWS::IAM::ServiceLinkedRole': { noPhysicalName: 'AWS names it after the service', notNames: { AWSServiceName: "the AWS service's name" } },
  'AWS::Lambda::Permission': { noPhysicalName: 'a statement of its function\'s policy', notNames: { FunctionName: REF } },
  'AWS::Logs::MetricFilter': {
    names: [{ property: 'FilterName', what: 'metric filter name', maxLength: 512, pattern: /^[^:*]+$/, allowed: 'any characters but : and *', unique: 'parent', source: SCHEMA }],
    notNames: { LogGroupName: REF },
  },
  'AWS::Logs::SubscriptionFilter': {
    names: [{ property: 'FilterName', what: 'subscription filter name', maxLength: 512, pattern: /^[^:*]+$/, allowed: 'any characters but : and *', unique: 'parent', source: SCHEMA }],
    notNames: { LogGroupName: REF },
  },
  'AWS::RDS::DBCluster': {
    names: [
      {
        property: 'DBClusterIdentifier',
        what: 'DB cluster identifier',
        maxLength: 63,
        pattern: /^[a-zA-Z](?:-?[a-zA-Z0-9])*$/,
        allowed: 'letters, digits and hyphens, starting with a letter, no two hyphens in a row, not ending with a hyphen',
        unique: 'region',
        source: SCHEMA,
      },
    ],
    notNames: { DBSubnetGroupName: REF, DBClusterParameterGroupName: REF, DatabaseName: 'the database inside the engine' },
  },
  'AWS::RDS::DBClusterParameterGroup': {
    names: [{ property: 'DBClusterParameterGroupName', what: 'DB cluster parameter group name', maxLength: 255, pattern: /^[a-zA-Z](?:-?[a-zA-Z0-9])*$/, allowed: 'letters, digits and single hyphens, starting with a letter', unique: 'region', source: 'schema (pattern); 255 characters: RDS API CreateDBClusterParameterGroup' }],
    notNames: { Family: 'the engine family (aurora-postgresql16)' },
  },
  'AWS::Route53::HostedZone': { noPhysicalName: 'named by its domain, which the spec gives', notNames: { Name: 'the domain name' } },
  'AWS::Route53::RecordSet': { noPhysicalName: 'a DNS record of its zone', notNames: { Name: 'the DNS name', HostedZoneName: REF } },
  'AWS::SNS::TopicPolicy': { noPhysicalName: 'attached to its topics' },
  'AWS::SQS::QueuePolicy': { noPhysicalName: 'attached to its queues' },
  'AWS::SecretsManager::ResourcePolicy': { noPhysicalName: 'attached to its secret' },
  'AWS::SecretsManager::RotationSchedule': { noPhysicalName: 'attached to its secret' },
  'AWS::ServiceDiscovery::PrivateDnsNamespace': {
    names: [{ property: 'Name', what: 'Cloud Map namespace', maxLength: 253, unique: 'region', source: 'Cloud Map API CreatePrivateDnsNamespace (Name: up to 253 characters)' }],
  },
  'AWS::ServiceDiscovery::Service': {
    names: [{ property: 'Name', what: 'Cloud Map service name', maxLength: 127, unique: 'parent', source: 'Cloud Map API CreateService (Name: up to 127 characters)' }],
    notNames: { NamespaceId: REF },
  },
  'AWS::ServiceDiscovery::Instance': { noPhysicalName: 'an entry of its Cloud Map service (an alias to a load balancer); AWS assigns its ID', notNames: { ServiceId: REF } },
  'AWS::WAFv2::IPSet': {
    names: [{ property: 'Name', what: 'IP set name', maxLength: 128, pattern: ALNUM_DASH_UNDERSCORE, allowed: ADU_ALLOWED, unique: 'region', source: 'schema (EntityName: ^[0-9A-Za-z_-]{1,128}$)' }],
  },
};

/** The limits of one resource type, or undefined for a type the table does not know (a test keeps that from happening). */
export function nameLimitsOf(type: string): readonly NameLimit[] {
  const entry = Object.hasOwn(AWS_NAME_LIMITS, type) ? AWS_NAME_LIMITS[type] : undefined;
  return entry && 'names' in entry ? entry.names : [];
}

/** The values at a property path ('Policies[].PolicyName'): several when the path crosses a list. */
export function valuesAt(properties: Readonly<Record<string, CfnValue>>, property: string): CfnValue[] {
  let values: CfnValue[] = [properties as CfnValue];
  for (const part of property.split('.')) {
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    const next: CfnValue[] = [];
    for (const v of values) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
      const child = Object.hasOwn(v, key) ? (v as Record<string, CfnValue>)[key] : undefined;
      if (child === undefined) continue;
      if (list) {
        if (Array.isArray(child)) next.push(...(child as readonly CfnValue[]));
      } else next.push(child);
    }
    values = next;
  }
  return values;
}

/** A name as CloudFormation will make it; `exact` is false when references leave parts unknown (then `text` is the literal part). */
export interface ComputedName {
  readonly text: string;
  readonly exact: boolean;
}

/** The account ID is 12 digits whatever the account: its length is all a limit needs. */
export const ACCOUNT_ID_STANDIN = '123456789012';

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function pseudoParameter(name: string, region: string): string | undefined {
  switch (name) {
    case 'AWS::AccountId':
      return ACCOUNT_ID_STANDIN;
    case 'AWS::Region':
      return region;
    case 'AWS::Partition':
      return partitionOf(region);
    case 'AWS::URLSuffix':
      return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    default:
      return undefined;
  }
}

function substitute(template: string, variables: Readonly<Record<string, CfnValue>>, region: string): ComputedName {
  let exact = true;
  const text = template.replace(/\$\{(!?)([^}]*)\}/g, (whole, bang: string, name: string) => {
    if (bang) return `\${${name}}`; // ${!Literal} is the literal text ${Literal}
    const given = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (typeof given === 'string') return given;
    const pseudo = given === undefined ? pseudoParameter(name, region) : undefined;
    if (pseudo !== undefined) return pseudo;
    exact = false;
    return '';
  });
  return { text, exact };
}

/**
 * The name a property's value gives: a string, an Fn::Sub (pseudo parameters filled in with the
 * account ID's length and the environment's region) or an Fn::Join; undefined for a value that
 * is wholly another resource's name (a Ref, a GetAtt), which is checked where that resource is.
 */
export function computeName(value: CfnValue, region: string): ComputedName | undefined {
  if (typeof value === 'string') return value.startsWith('{{resolve:') ? undefined : { text: value, exact: true };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const fn = value as Record<string, CfnValue>;
  if ('Fn::Sub' in fn) {
    const arg = fn['Fn::Sub'];
    if (typeof arg === 'string') return substitute(arg, {}, region);
    if (Array.isArray(arg) && typeof arg[0] === 'string') {
      const vars = arg[1] !== null && typeof arg[1] === 'object' && !Array.isArray(arg[1]) ? (arg[1] as Record<string, CfnValue>) : {};
      return substitute(arg[0], vars, region);
    }
    return undefined;
  }
  if ('Fn::Join' in fn) {
    const arg = fn['Fn::Join'];
    if (!Array.isArray(arg) || typeof arg[0] !== 'string' || !Array.isArray(arg[1])) return undefined;
    const parts = (arg[1] as readonly CfnValue[]).map((p) => computeName(p, region) ?? { text: '', exact: false });
    return { text: parts.map((p) => p.text).join(arg[0]), exact: parts.every((p) => p.exact) };
  }
  return undefined;
}

/** One physical name a resource of the model gets. */
export interface PhysicalName {
  readonly resource: Pick<ModelResource, 'logicalId' | 'type' | 'origin'>;
  readonly limit: NameLimit;
  readonly name: ComputedName;
}

/** Every physical name dex sets on the resources, computed for `region`. */
export function physicalNames(resources: readonly Pick<ModelResource, 'logicalId' | 'type' | 'origin' | 'properties'>[], region: string): PhysicalName[] {
  const out: PhysicalName[] = [];
  for (const r of resources) {
    for (const limit of nameLimitsOf(r.type)) {
      for (const value of valuesAt(r.properties, limit.property)) {
        const name = computeName(value, region);
        if (name !== undefined) out.push({ resource: { logicalId: r.logicalId, type: r.type, origin: r.origin }, limit, name });
      }
    }
  }
  return out;
}

/** A spec name that can end up in a physical name, and where the user would shorten it. */
interface NamePart {
  readonly text: string;
  readonly path: SpecPath;
  readonly atKey: boolean;
  /** For hints: 'the system name (name)'. */
  readonly label: string;
  /** Whether the part is in `name`. */
  readonly in: (name: string) => boolean;
}

/** The spec names a resource's physical names may hold: the system, the environment, and the named thing it comes from. */
function nameParts(spec: NormalizedSpec, origin: SpecPath): NamePart[] {
  const parts: NamePart[] = [];
  const [kind, key, index] = origin;
  if ((kind === 'services' || kind === 'databases' || kind === 'caches') && typeof key === 'string') {
    const noun = kind === 'services' ? 'service' : kind === 'databases' ? 'database' : 'cache';
    parts.push({ text: key, path: [kind, key], atKey: true, label: `the ${noun} name ${key}`, in: (n) => n.includes(key) });
  } else if (kind === 'monitoring' && key === 'alerts' && typeof index === 'number') {
    const alert = spec.monitoring.alerts[index];
    if (alert) parts.push({ text: alert.name, path: ['monitoring', 'alerts', index, 'name'], atKey: false, label: `the alert name ${alert.name}`, in: (n) => n.includes(alert.name) });
  }
  const prefix = namePrefix(spec);
  const environment = spec.environment;
  if (environment !== undefined) {
    parts.push({ text: environment, path: ['environments', environment], atKey: true, label: `the environment name ${environment}`, in: (n) => n.includes(prefix) });
  }
  parts.push({ text: spec.name, path: ['name'], atKey: false, label: `the system name (name: ${spec.name})`, in: (n) => n.includes(spec.name) });
  return parts;
}

/** Fits the limit's pattern and minimum length; only an exact name can be judged. */
function matchesForm(limit: NameLimit, text: string): boolean {
  return text.length >= (limit.minLength ?? 1) && (limit.pattern === undefined || limit.pattern.test(text));
}

interface Violation {
  readonly found: PhysicalName;
  readonly part: NamePart | undefined;
  readonly others: readonly NamePart[];
  /** Characters over the limit; 0 for a form violation. */
  readonly over: number;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const where = (p: PhysicalName): string => `${p.resource.type} ${p.resource.logicalId}, ${p.limit.property}`;

/**
 * DEX344: every physical name of an environment's model within its AWS limit. Length problems
 * are grouped by the spec name to shorten, so a long system name is one error (its longest name,
 * and how many others it pushes past a limit), not one per role and bucket.
 */
export function checkAwsNames(model: ResourceModel): Finding[] {
  const spec = model.spec;
  const tooLong = new Map<string, Violation[]>();
  const findings: Finding[] = [];
  for (const found of physicalNames(model.resources, spec.region)) {
    const { limit, name } = found;
    const parts = nameParts(spec, found.resource.origin).filter((p) => p.in(name.text));
    const over = name.text.length - limit.maxLength;
    if (over > 0) {
      // The longest spec name in it is the one to shorten (the more specific one on a tie).
      const part = [...parts].sort((a, b) => b.text.length - a.text.length)[0];
      const v: Violation = { found, part, others: parts.filter((p) => p !== part), over };
      const key = JSON.stringify(part?.path ?? found.resource.origin);
      tooLong.set(key, [...(tooLong.get(key) ?? []), v]);
      continue;
    }
    if (!name.exact || matchesForm(limit, name.text)) continue;
    // The spec name that, replaced by plain letters, makes the name valid is the one to change.
    const culprit = parts.find((p) => matchesForm(limit, name.text.split(p.text).join('a'.repeat(p.text.length))));
    findings.push({
      code: 'DEX344',
      message: `${limit.what} "${name.text}" is not a name AWS accepts: ${limit.allowed ?? 'see the limit'}${limit.minLength ? `, at least ${limit.minLength} characters` : ''} (${where(found)})`,
      path: culprit?.path ?? found.resource.origin,
      atKey: culprit?.atKey ?? false,
      hint: culprit ? `change ${culprit.label}: AWS refuses the name it makes` : 'change the names this resource is named after',
    });
  }
  for (const group of tooLong.values()) {
    const worst = group.reduce((a, b) => (b.over > a.over ? b : a));
    const { found, part, others, over } = worst;
    const { name, limit } = found;
    const length = name.exact ? `${name.text.length} characters` : `at least ${name.text.length} characters (references not counted)`;
    const rest = group.filter((v) => v !== worst);
    const also = rest.length ? `; it also makes ${plural(rest.length, 'other name')} too long: ${rest.map((v) => `${v.found.limit.what} ${v.found.name.text} (${v.found.name.text.length}/${v.found.limit.maxLength})`).join(', ')}` : '';
    const alternatives = others.length ? ` (or ${others.map((p) => p.label).join(', or ')}; together by ${over})` : '';
    findings.push({
      code: 'DEX344',
      message: `${limit.what} "${name.text}" is ${length}; AWS allows ${limit.maxLength} (${where(found)})${also}`,
      path: part?.path ?? found.resource.origin,
      atKey: part?.atKey ?? false,
      hint: part
        ? `shorten ${part.label} by ${plural(over, 'character')}${alternatives}: dex builds the name from ${others.length ? 'them' : 'it'} (docs/stacks.md#physical-names)`
        : `this name is dex's own and does not fit: please report it (docs/stacks.md#physical-names)`,
    });
  }
  return findings;
}

/** A finding about one environment's model (undefined: the base spec of a spec without environments). */
export interface EnvironmentFinding {
  readonly environment: string | undefined;
  readonly finding: Finding;
}

/**
 * DEX345: two resources get one physical name where AWS wants it unique (in a region, in an
 * account, or everywhere for S3). Prefixes make this rare but not impossible: environments `x`
 * and `x-highcpu` both name an alarm `<system>-x-highcpu-a-b-c` when alert `highcpu` watches
 * service `a-b-c` and alert `a` watches `b-c`. The second resource would fail to create, so the
 * clash is reported at the later environment's key. Accounts are not modelled: environments are
 * taken to share one.
 */
export function checkSharedNames(models: readonly ResourceModel[]): EnvironmentFinding[] {
  const first = new Map<string, { readonly model: ResourceModel; readonly found: PhysicalName }>();
  const out: EnvironmentFinding[] = [];
  for (const model of models) {
    const region = model.spec.region;
    for (const found of physicalNames(model.resources, region)) {
      const { limit, name, resource: r } = found;
      if (!name.exact || limit.unique === 'parent' || limit.unique === 'none') continue;
      const key = `${r.type}\u0000${limit.property}\u0000${limit.unique === 'region' ? region : ''}\u0000${name.text}`;
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, { model, found });
        continue;
      }
      const environment = model.spec.environment;
      const other = earlier.model.spec.environment;
      const sameEnvironment = earlier.model === model;
      if (sameEnvironment && earlier.found.resource.logicalId === r.logicalId) continue; // one resource, one name
      const scope = limit.unique === 'region' ? `in ${region}` : limit.unique === 'account' ? 'in one account' : 'across AWS';
      out.push({
        environment,
        finding: {
          code: 'DEX345',
          message: sameEnvironment
            ? `${limit.what} "${name.text}" is given to both ${earlier.found.resource.logicalId} and ${r.logicalId} (${r.type}); it must be unique ${scope}`
            : `${limit.what} "${name.text}" (${r.type} ${r.logicalId}) is also environment ${other ?? 'default'}'s; it must be unique ${scope}`,
          path: !sameEnvironment && environment !== undefined ? ['environments', environment] : r.origin,
          atKey: !sameEnvironment && environment !== undefined,
          hint: sameEnvironment
            ? 'rename one of the names these resources are named after'
            : `rename environment ${environment} or ${other}: dex starts the names of an environment with <system>-<environment>, and here the rest of one name makes up the other`,
        },
      });
    }
  }
  return out;
}
