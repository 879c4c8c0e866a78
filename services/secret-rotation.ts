// Rotation of the Grafana admin password (FSBP SecretsManager.1): a Lambda function with constant
// inline code implements Secrets Manager's four rotation steps for a single-user secret, and a
// rotation schedule runs it. The function only changes the secret; the Grafana server applies the
// new AWSCURRENT version itself (a timer in its user data, services/ec2.ts, resets the admin
// password through `grafana cli` when the version changes), because Grafana reads the password
// from its environment only when it creates its database. setSecret and testSecret are therefore
// no-ops: there is no server to reach from the function (Grafana has no public endpoint, and the
// function runs outside the VPC), and the server converges within one timer period instead.
//
// Everything lives in the security layer with the secret and the KMS key it names.
import { ID, getAtt, ref, resource, tagList } from '../compiler/model/ids.js';
import type { ModelResource, UsageMeter } from '../compiler/model/types.js';
import type { NormalizedSpec } from '../spec/model.js';

/** Logical IDs of the rotation of the Grafana admin password. */
export const ROTATION_ID = {
  function: 'GrafanaAdminSecretRotationFunction',
  role: 'GrafanaAdminSecretRotationRole',
  logGroup: 'GrafanaAdminSecretRotationLogGroup',
  permission: 'GrafanaAdminSecretRotationPermission',
  schedule: 'GrafanaAdminSecretRotationSchedule',
} as const;

/** How often Secrets Manager rotates the Grafana admin password. */
export const GRAFANA_ROTATION_SCHEDULE = 'rate(30 days)';

/**
 * The rotation function's code (inline ZipFile code becomes index.js: CommonJS, and the Node.js 20
 * runtime provides AWS SDK v3). Constant: the secret arrives in the event, never as code. The new
 * password has the generated one's shape (32 letters and digits, see services/secrets.ts), and the
 * JSON keeps every other key of the current version (the username).
 */
export const GRAFANA_ROTATION_HANDLER = `'use strict';
const sm = require('@aws-sdk/client-secrets-manager');

const client = new sm.SecretsManagerClient({});

exports.handler = async (event) => {
  const arn = event.SecretId;
  const token = event.ClientRequestToken;
  const meta = await client.send(new sm.DescribeSecretCommand({ SecretId: arn }));
  if (!meta.RotationEnabled) throw new Error('rotation is not enabled for ' + arn);
  const versions = meta.VersionIdsToStages || {};
  const stages = versions[token];
  if (!stages) throw new Error('version ' + token + ' of ' + arn + ' has no stage for rotation');
  if (stages.includes('AWSCURRENT')) return;
  if (!stages.includes('AWSPENDING')) throw new Error('version ' + token + ' of ' + arn + ' is not AWSPENDING');
  switch (event.Step) {
    case 'createSecret':
      return createSecret(arn, token);
    case 'setSecret':
    case 'testSecret':
      // The Grafana server applies AWSCURRENT itself once it changes (its dex-grafana-admin timer).
      return;
    case 'finishSecret':
      return finishSecret(arn, token, versions);
    default:
      throw new Error('unknown rotation step ' + event.Step);
  }
};

async function createSecret(arn, token) {
  const current = await client.send(new sm.GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSCURRENT' }));
  try {
    await client.send(new sm.GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: 'AWSPENDING' }));
    return;
  } catch (err) {
    if (err.name !== 'ResourceNotFoundException') throw err;
  }
  const random = await client.send(new sm.GetRandomPasswordCommand({ PasswordLength: 32, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true }));
  const value = Object.assign(JSON.parse(current.SecretString), { password: random.RandomPassword });
  await client.send(new sm.PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: JSON.stringify(value), VersionStages: ['AWSPENDING'] }));
}

async function finishSecret(arn, token, versions) {
  const current = Object.keys(versions).find((v) => versions[v].includes('AWSCURRENT'));
  if (current === token) return;
  await client.send(new sm.UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
}
`;

const COMPONENT = 'monitoring/grafana';

const fixed = (meter: UsageMeter['meter'], unit: string, basis: string): UsageMeter => ({ meter, unit, quantity: { min: 0, max: 0 }, attributes: {}, basis });

/** The rotation function, its role and log group, the permission Secrets Manager invokes it with, and the schedule. */
export function grafanaSecretRotation(spec: NormalizedSpec): ModelResource[] {
  if (!spec.monitoring.grafana.enabled) return [];
  const origin = ['monitoring', 'grafana'];
  const common = { layer: 'security' as const, component: COMPONENT, origin };
  const secret = ref(ID.grafanaAdminSecret);
  return [
    resource({
      ...common,
      logicalId: ROTATION_ID.logGroup,
      type: 'AWS::Logs::LogGroup',
      properties: { KmsKeyId: getAtt(ID.kmsKey, 'Arn'), RetentionInDays: spec.monitoring.logs.retentionDays, Tags: tagList(spec, COMPONENT) },
      usage: [fixed('logs.ingest', 'GB', 'a few lines per rotation, one rotation every 30 days'), fixed('logs.storage', 'GB-month', 'a few lines per rotation, one rotation every 30 days')],
    }),
    resource({
      ...common,
      logicalId: ROTATION_ID.role,
      type: 'AWS::IAM::Role',
      properties: {
        Description: 'Lets the rotation function change the Grafana admin password secret, and nothing else',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } } }],
        },
        Policies: [
          {
            PolicyName: 'rotate-grafana-admin-secret',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Sid: 'RotateGrafanaAdminSecret', Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], Resource: secret },
                { Sid: 'GenerateRandomPassword', Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
                {
                  Sid: 'EncryptSecretVersions',
                  Effect: 'Allow',
                  Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
                  Resource: getAtt(ID.kmsKey, 'Arn'),
                  Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${spec.region}.amazonaws.com` } },
                },
                { Sid: 'WriteOwnLogGroup', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt(ROTATION_ID.logGroup, 'Arn') },
              ],
            },
          },
        ],
        Tags: tagList(spec, COMPONENT),
      },
    }),
    resource({
      ...common,
      logicalId: ROTATION_ID.function,
      type: 'AWS::Lambda::Function',
      properties: {
        Description: 'Rotates the Grafana admin password secret (FSBP SecretsManager.1); the Grafana server applies the new version',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Timeout: 30,
        MemorySize: 128,
        Role: getAtt(ROTATION_ID.role, 'Arn'),
        Code: { ZipFile: GRAFANA_ROTATION_HANDLER },
        LoggingConfig: { LogGroup: ref(ROTATION_ID.logGroup) },
        Tags: tagList(spec, COMPONENT),
      },
    }),
    resource({
      ...common,
      logicalId: ROTATION_ID.permission,
      type: 'AWS::Lambda::Permission',
      properties: { FunctionName: getAtt(ROTATION_ID.function, 'Arn'), Action: 'lambda:InvokeFunction', Principal: 'secretsmanager.amazonaws.com', SourceAccount: ref('AWS::AccountId'), SourceArn: secret },
    }),
    resource({
      ...common,
      logicalId: ROTATION_ID.schedule,
      type: 'AWS::SecretsManager::RotationSchedule',
      dependsOn: [ROTATION_ID.permission],
      properties: {
        SecretId: secret,
        RotationLambdaARN: getAtt(ROTATION_ID.function, 'Arn'),
        RotationRules: { ScheduleExpression: GRAFANA_ROTATION_SCHEDULE },
        // The first rotation waits a period: a Grafana server booted by an earlier dex has no
        // timer to apply it until the server is replaced (docs/monitoring.md).
        RotateImmediatelyOnUpdate: false,
      },
    }),
  ];
}
