// Why each IAM statement dex emits with a wildcard action (`*`, `svc:*`) or resource (`*`) needs
// one. test/security/iam-wildcards.test.ts fails on a wildcard statement not listed here, and on an
// entry no emitted statement uses; docs/security.md ("IAM") renders the same table.

/** An IAM policy statement as emitted (the fields the table keys on). */
export interface WildcardStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | readonly string[];
  readonly Resource?: unknown;
}

/** The table's key of a statement: its Sid, else its sorted actions. */
export function wildcardKey(statement: WildcardStatement): string {
  if (statement.Sid !== undefined) return statement.Sid;
  return [statement.Action ?? []].flat().slice().sort().join(',');
}

export const IAM_WILDCARD_REASONS: Readonly<Record<string, string>> = {
  // Environment: an EFS file system's own policy (services/efs.ts). In a file-system policy `*` is that file system.
  DenyWithoutTls: 'EFS file-system policy deny: any client action on the file system without TLS (aws:SecureTransport false). Resource `*` in a file-system policy is the file system itself.',
  DenyWithoutAccessPoint: 'EFS file-system policy deny: any client action on the file system not made through one of its access points. Resource `*` in a file-system policy is the file system itself.',
  // Bootstrap: the CloudFormation execution role and its permissions boundary (services/permissions-boundary.ts).
  EnvironmentServices:
    'CloudFormation execution role and its permissions boundary: `svc:*` for each service of the resource types in the environment\'s model (plus kms, secretsmanager, ssm for encrypted resources and `{{resolve:…}}`; the boundary adds the services of the environment\'s roles). Resource names are chosen by CloudFormation at create time, so `*`; IAM is fenced by the boundary\'s denies.',
  DenyAccountLevel: 'Boundary deny: organizations:*, account:* and removing any role\'s permissions boundary, on every resource (IAM users, groups, keys and identity providers are denied by DenyIamOutsideEnvironment).',
  DenyBootstrapKey: 'Boundary deny: disabling, re-policying or deleting the bootstrap\'s KMS key; its ARN is unknown to the environment, so `*` narrowed by the kms:ResourceAliases condition.',
  DenyBootstrapStacks: 'Boundary deny: cloudformation:* on the bootstrap\'s own stacks (`<system>-bootstrap-*`).',
  DenyCloudTrailOutsideEnvironment: 'Boundary deny: cloudtrail:* on every trail not named `<system>-<env>-*`.',
  // Bootstrap: the deploy role.
  ReadStackOutputs:
    'Deploy role (EKS): the read-only look-ups of out/<env>/kubernetes/stack-outputs.sh; DescribeStackResource, DescribeRepositories, DescribeReplicationGroups, GetRole and DescribeDBInstances are called by name, and scoping by ARN would repeat every name the script reads.',
  // Bootstrap: the artifacts bucket.
  DenyInsecureTransport: 'Bucket policy deny: s3:* on the bucket when aws:SecureTransport is false.',
  // Environment: the KMS key policy (services/kms.ts). In a key policy `*` is the key itself.
  AccountAdministration: 'KMS key policy: the account root administers the key (AWS\'s default key policy; without it the key becomes unmanageable). Resource `*` in a key policy is this key.',
  DescribeGroups: 'The custom resource that empties the default security group and network ACL: ec2:DescribeSecurityGroups and ec2:DescribeNetworkAcls support no resource-level permissions; its revokes and deletes are limited to that one group and that one ACL.',
  GenerateRandomPassword: 'The rotation functions (the Grafana admin password; a Redis OSS 6 cache\'s user passwords): secretsmanager:GetRandomPassword acts on no secret (IAM supports only `*`); their reads, puts and re-staging are limited to the secrets each rotates.',
  CloudTrailDescribeKey: 'KMS key policy: CloudTrail reads the key\'s metadata to encrypt the trail\'s log files, only for this account\'s trail (aws:SourceArn). Resource `*` is this key.',
  CloudTrailLogFiles: 'KMS key policy: CloudTrail encrypts the log files of this account\'s trail only (kms:EncryptionContext:aws:cloudtrail:arn and aws:SourceArn). Resource `*` is this key.',
  CloudWatchAlarmsToEncryptedTopic: 'KMS key policy: CloudWatch, for this account only, encrypts alarm notifications to the encrypted SNS topic. Resource `*` is this key.',
  RdsEventsToEncryptedTopic: 'KMS key policy: RDS, for this account only (aws:SourceAccount), encrypts event notifications to the encrypted alarm topic. Resource `*` is this key.',
  CloudWatchLogsForThisAccountsLogGroups: 'KMS key policy: CloudWatch Logs, for this account\'s log groups only (encryption-context condition), encrypts them. Resource `*` is this key.',
  EbsThroughEc2ForThisAccount: 'KMS key policy: any principal of this account, through EC2 only (kms:ViaService, kms:CallerAccount), for encrypted EBS volumes. Resource `*` is this key.',
  // Environment: service roles (services/iam.ts, services/eks.ts).
  EcrAuth: 'ecr:GetAuthorizationToken takes no resource (IAM supports only `*`).',
  WriteTraces: 'X-Ray PutTraceSegments, PutTelemetryRecords and the sampling reads take no resource (IAM supports only `*`).',
  EcsExecChannels:
    'ECS Exec (a service\'s `exec`): the SSM agent in the task opens the session\'s control and data channels (ssmmessages:CreateControlChannel, CreateDataChannel, OpenControlChannel, OpenDataChannel); IAM defines no resource type for them, so AWS documents `*` as the only resource. Only the task roles of services with `exec` get it; the sessions are KMS-encrypted and logged, and the compliance report lists the services.',
  EcsExecFindLogGroup: 'ECS Exec: the SSM agent looks up the session log group with logs:DescribeLogGroups, a list call that takes `*` only; it writes only to the exec session log group (EcsExecWriteSessionLogs).',
  PutAgentMetrics: 'cloudwatch:PutMetricData takes no resource; limited by the cloudwatch:namespace condition to CWAgent.',
  DescribeSelf: 'ec2:DescribeTags (the CloudWatch agent reads its instance\'s tags) takes no resource.',
  DiscoverEcsEndpoint: 'ECS container instances: the ECS agent asks ecs:DiscoverPollEndpoint for its endpoint, an action with no resource type (IAM supports only `*`); its registration and polling are limited to this cluster and its container instances (RegisterInCluster, RunAsContainerInstance).',
  DiscoverTargets: 'Prometheus service discovery: ec2:DescribeInstances, DescribeAvailabilityZones, ecs:ListTasks and DescribeTasks support no resource-level permissions for listing.',
  ReadCloudWatch:
    'Grafana data sources: the CloudWatch metric reads, DescribeAlarms, DescribeAlarmHistory, ec2:DescribeInstances/DescribeRegions, tag:GetResources, logs:DescribeLogGroups and the query-ID calls logs:GetQueryResults/StopQuery support no resource-level permissions. The log reads that do (StartQuery, GetLogEvents, FilterLogEvents, …) are in ReadSystemLogs, limited to the system\'s log groups.',
  Describe: 'AWS Load Balancer Controller: the EC2 and ELB Describe* calls it makes support no resource-level permissions.',
  DescribeCapacity: 'Cluster autoscaler: the Auto Scaling and EC2 Describe* calls support no resource-level permissions.',
  ScaleOwnNodeGroups: 'Cluster autoscaler: SetDesiredCapacity and TerminateInstanceInAutoScalingGroup on `*` but only on groups tagged owned by this cluster (aws:ResourceTag condition).',
};
