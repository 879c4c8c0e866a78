// One customer-managed KMS key for everything dex encrypts (log groups, EBS volumes, secrets,
// repositories, databases), with yearly rotation. Its policy keeps the account in charge (IAM
// policies decide who may use it), lets CloudWatch Logs use it only for this account's log
// groups, and lets EC2 use it on the account's behalf, which Auto Scaling needs to launch
// instances with volumes encrypted by this key; and lets CloudWatch alarms publish to the
// encrypted alarm topic.
import { ID, namePrefix, ref, resource, sub, tagList } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource, UsageMeter } from '../compiler/model/types.js';
import type { NormalizedSpec } from '../spec/model.js';
import { hasTrail, trailArn } from './audit.js';
import { snsDeliversToQueues, snsToEncryptedQueuesStatement } from './messaging.js';

const COMPONENT = 'security';
export const KMS_ALIAS_ID = 'KmsKeyAlias';

/** The account manages the key and IAM policies decide who uses it: without it the key would be unmanageable. */
export const ACCOUNT_ADMINISTRATION: CfnValue = {
  Sid: 'AccountAdministration',
  Effect: 'Allow',
  Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
  Action: 'kms:*',
  Resource: '*',
};

/** CloudWatch Logs may use the key for this account's log groups only (encryption-context condition). */
export const CLOUDWATCH_LOGS_OF_THIS_ACCOUNT: CfnValue = {
  Sid: 'CloudWatchLogsForThisAccountsLogGroups',
  Effect: 'Allow',
  Principal: { Service: sub('logs.${AWS::Region}.amazonaws.com') },
  Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
  Resource: '*',
  Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*') } },
};

function keyPolicy(spec: NormalizedSpec): CfnValue {
  const account = ref('AWS::AccountId');
  return {
    Version: '2012-10-17',
    Statement: [
      ACCOUNT_ADMINISTRATION,
      CLOUDWATCH_LOGS_OF_THIS_ACCOUNT,
      {
        // The alarm topic is encrypted with this key: CloudWatch alarms can only publish to it
        // with these two actions, and only for alarms of this account.
        Sid: 'CloudWatchAlarmsToEncryptedTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
      ...(Object.keys(spec.databases).length > 0
        ? [
            {
              // RDS event subscriptions publish to the encrypted alarm topic (services/rds.ts).
              Sid: 'RdsEventsToEncryptedTopic',
              Effect: 'Allow',
              Principal: { Service: 'events.rds.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': account } },
            },
          ]
        : []),
      // A topic delivering to a queue encrypted with this key encrypts the message for it (services/messaging.ts).
      ...(snsDeliversToQueues(spec) ? [snsToEncryptedQueuesStatement()] : []),
      ...(hasTrail(spec)
        ? [
            {
              // The audit trail encrypts its log files with this key: only for trails of this
              // account (the encryption context CloudTrail sets) and only this environment's trail.
              Sid: 'CloudTrailLogFiles',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 'kms:GenerateDataKey*',
              Resource: '*',
              Condition: {
                StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': sub('arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*') },
                StringEquals: { 'aws:SourceArn': trailArn(spec) },
              },
            },
            {
              Sid: 'CloudTrailDescribeKey',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 'kms:DescribeKey',
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceArn': trailArn(spec) } },
            },
          ]
        : []),
      {
        // The aws/ebs key's own pattern: any principal of this account, only through EC2. The
        // Auto Scaling service-linked role has no KMS permissions in IAM, so it needs this to
        // launch instances whose volumes use the key.
        Sid: 'EbsThroughEc2ForThisAccount',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': sub('ec2.${AWS::Region}.amazonaws.com') } },
      },
    ],
  };
}

function buildKms(spec: NormalizedSpec): ModelResource[] {
  const requests = spec.usage.kmsRequestsPerMonth;
  const usage: UsageMeter[] = [
    { meter: 'kms.key', unit: 'count-month', quantity: { min: 1, max: 1 }, attributes: {}, basis: 'one customer-managed key (rotated yearly)' },
    requests === undefined
      ? { meter: 'kms.requests', unit: 'requests', quantity: { min: 0, max: 0 }, attributes: {}, basis: 'usage.kmsRequestsPerMonth not set' }
      : { meter: 'kms.requests', unit: 'requests', quantity: { min: requests, max: requests }, attributes: {}, basis: `usage.kmsRequestsPerMonth ${requests} requests a month` },
  ];
  return [
    // Retained: deleting the key would make every snapshot, log and backup it encrypted unreadable.
    resource({
      logicalId: ID.kmsKey,
      type: 'AWS::KMS::Key',
      layer: 'security',
      component: COMPONENT,
      origin: [],
      deletionPolicy: 'Retain',
      updateReplacePolicy: 'Retain',
      properties: {
        Description: `${namePrefix(spec)}: encrypts logs, volumes, secrets, images and data stores`,
        EnableKeyRotation: true,
        KeySpec: 'SYMMETRIC_DEFAULT',
        KeyUsage: 'ENCRYPT_DECRYPT',
        PendingWindowInDays: 30,
        KeyPolicy: keyPolicy(spec),
        Tags: tagList(spec, COMPONENT),
      },
      usage,
    }),
    resource({
      logicalId: KMS_ALIAS_ID,
      type: 'AWS::KMS::Alias',
      layer: 'security',
      component: COMPONENT,
      origin: [],
      properties: { AliasName: `alias/${namePrefix(spec)}`, TargetKeyId: ref(ID.kmsKey) },
    }),
  ];
}

export const kms: BuildingBlock = {
  name: 'kms',
  build: buildKms,
};
