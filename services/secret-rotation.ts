// Rotation of generated secrets (FSBP SecretsManager.1): the Grafana admin password, and the
// passwords of the cache users of Redis OSS 6 caches (below, cacheUserSecretRotation).
//
// The Grafana admin password: a Lambda function with constant
// inline code implements Secrets Manager's four rotation steps for a single-user secret, and a
// rotation schedule runs it. The function only changes the secret; the Grafana server applies the
// new AWSCURRENT version itself (a timer in its user data, services/ec2.ts, resets the admin
// password through `grafana cli` when the version changes), because Grafana reads the password
// from its environment only when it creates its database. setSecret and testSecret are therefore
// no-ops: there is no server to reach from the function (Grafana has no public endpoint, and the
// function runs outside the VPC), and the server converges within one timer period instead.
//
// Everything lives in the security layer with the secret and the KMS key it names.
import { ID, cacheServiceUser, getAtt, pascal, ref, resource, sub } from '../compiler/model/ids.js';
import type { CfnValue, ModelResource } from '../compiler/model/types.js';
import type { NormalizedSpec } from '../spec/model.js';
import { cacheSignIn, cacheUserId, cacheUsers } from './elasticache.js';
import { inlineFunction } from './inline-function.js';

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
 * The checks every rotation step starts with (the handler's first lines, shared by the rotation
 * functions): rotation on, the token a version of the secret, that version AWSPENDING (a retried
 * step of a finished rotation returns). `client` names the Secrets Manager client in the code.
 */
function rotationGuards(client: string): string {
  return `  const arn = event.SecretId;
  const token = event.ClientRequestToken;
  const meta = await ${client}.send(new sm.DescribeSecretCommand({ SecretId: arn }));
  if (!meta.RotationEnabled) throw new Error('rotation is not enabled for ' + arn);
  const versions = meta.VersionIdsToStages || {};
  const stages = versions[token];
  if (!stages) throw new Error('version ' + token + ' of ' + arn + ' has no stage for rotation');
  if (stages.includes('AWSCURRENT')) return;
  if (!stages.includes('AWSPENDING')) throw new Error('version ' + token + ' of ' + arn + ' is not AWSPENDING');
`;
}

/**
 * The rotation function's code (inline ZipFile code becomes index.js: CommonJS, and the Node.js 22
 * runtime provides AWS SDK v3). Constant: the secret arrives in the event, never as code. The new
 * password has the generated one's shape (32 letters and digits, see services/secrets.ts), and the
 * JSON keeps every other key of the current version (the username).
 */
export const GRAFANA_ROTATION_HANDLER = `'use strict';
const sm = require('@aws-sdk/client-secrets-manager');

const client = new sm.SecretsManagerClient({});

exports.handler = async (event) => {
${rotationGuards('client')}  switch (event.Step) {
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

/** Node.js 22: Node.js 20 reached end of life on 2026-04-30; the runtime provides AWS SDK v3. */
const ROTATION_RUNTIME = 'nodejs22.x';

/**
 * What a rotation function may do with the secrets it rotates: read and stage their versions, ask
 * for a random password (an account-level call, so `*`), and use the system key only through
 * Secrets Manager.
 */
function rotationStatements(spec: NormalizedSpec, sid: string, secrets: CfnValue): CfnValue[] {
  return [
    { Sid: sid, Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], Resource: secrets },
    { Sid: 'GenerateRandomPassword', Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
    {
      Sid: 'EncryptSecretVersions',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: getAtt(ID.kmsKey, 'Arn'),
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${spec.region}.amazonaws.com` } },
    },
  ];
}

interface RotationScheduleIds {
  readonly permission: string;
  readonly schedule: string;
}

/**
 * The permission Secrets Manager invokes the function with for one secret, and that secret's
 * schedule. The first rotation waits a period (`RotateImmediatelyOnUpdate: false`); the callers say why.
 */
function rotationSchedule(common: Pick<ModelResource, 'layer' | 'component' | 'origin'>, ids: RotationScheduleIds, secret: CfnValue, functionId: string, expression: string): ModelResource[] {
  return [
    resource({
      ...common,
      logicalId: ids.permission,
      type: 'AWS::Lambda::Permission',
      properties: { FunctionName: getAtt(functionId, 'Arn'), Action: 'lambda:InvokeFunction', Principal: 'secretsmanager.amazonaws.com', SourceAccount: ref('AWS::AccountId'), SourceArn: secret },
    }),
    resource({
      ...common,
      logicalId: ids.schedule,
      type: 'AWS::SecretsManager::RotationSchedule',
      dependsOn: [ids.permission],
      properties: {
        SecretId: secret,
        RotationLambdaARN: getAtt(functionId, 'Arn'),
        RotationRules: { ScheduleExpression: expression },
        RotateImmediatelyOnUpdate: false,
      },
    }),
  ];
}

/** The rotation function, its role and log group, the permission Secrets Manager invokes it with, and the schedule. */
export function grafanaSecretRotation(spec: NormalizedSpec): ModelResource[] {
  if (!spec.monitoring.grafana.enabled) return [];
  const origin = ['monitoring', 'grafana'];
  const common = { layer: 'security' as const, component: COMPONENT, origin };
  const secret = ref(ID.grafanaAdminSecret);
  return [
    ...inlineFunction(spec, {
      ...common,
      ids: ROTATION_ID,
      logBasis: 'a few lines per rotation, one rotation every 30 days',
      roleDescription: 'Lets the rotation function change the Grafana admin password secret, and nothing else',
      policyName: 'rotate-grafana-admin-secret',
      statements: rotationStatements(spec, 'RotateGrafanaAdminSecret', secret),
      description: 'Rotates the Grafana admin password secret (FSBP SecretsManager.1); the Grafana server applies the new version',
      runtime: ROTATION_RUNTIME,
      timeoutSeconds: 30,
      code: GRAFANA_ROTATION_HANDLER,
    }),
    // The first rotation waits a period: a Grafana server booted by an earlier dex has no timer to
    // apply it until the server is replaced (docs/monitoring.md).
    ...rotationSchedule(common, ROTATION_ID, secret, ROTATION_ID.function, GRAFANA_ROTATION_SCHEDULE),
  ];
}

// ——— Cache users' passwords (Redis OSS 6) ———
//
// A cache with password users (services/elasticache.ts, cacheSignIn 'password') has one rotation
// function, role and log group; each of its users' secrets has a permission and a schedule. The
// function runs the four steps against ElastiCache itself (its control-plane API: the function
// needs no way into the VPC):
// - createSecret stages a new 64-character letters-and-digits password as AWSPENDING (the user
//   name key kept), idempotent per rotation token;
// - setSecret sets the user's password list to [AWSCURRENT, AWSPENDING] with ModifyUser (ElastiCache
//   keeps at most two), after and until the user is `active`: a service that started before the
//   rotation keeps signing in with the current password, one that starts after it gets the new
//   one. The password before the current one — the previous rotation's — leaves the list here;
// - testSecret checks that ElastiCache applied it: the user is active, with two passwords. It
//   cannot sign in with the new password (that would take a Redis client and a way into the VPC);
// - finishSecret moves AWSCURRENT to the new version.
// So a service must restart within one rotation period after each rotation (a deploy, a scale-out
// or a replaced task does it): once the next rotation runs, the password it started with is gone.

/** How often Secrets Manager rotates a cache user's password. */
export const CACHE_USER_ROTATION_SCHEDULE = 'rate(30 days)';

/** Seconds between two looks at a user that is being modified, and how many looks at most (within the function's timeout). */
const CACHE_USER_POLL_SECONDS = 5;
const CACHE_USER_POLLS = 50;
const CACHE_USER_ROTATION_TIMEOUT = 300;

/** Logical IDs of a cache's rotation function, its role and log group. */
export const cacheRotationId = (cache: string) => ({
  function: `${pascal(cache)}CacheUserRotationFunction`,
  role: `${pascal(cache)}CacheUserRotationRole`,
  logGroup: `${pascal(cache)}CacheUserRotationLogGroup`,
});
/** Logical IDs of the permission and schedule that rotate one service's password on a cache. */
export const cacheUserRotationId = (cache: string, service: string) => ({
  permission: `${cacheServiceUser(cache, service)}RotationPermission`,
  schedule: `${cacheServiceUser(cache, service)}RotationSchedule`,
});

/**
 * The cache user rotation function's code (CommonJS index.js; the Node.js 22 runtime provides
 * AWS SDK v3 with the Secrets Manager and ElastiCache clients). Constant: the secret arrives in the
 * event, the user ID is the secret's `username` key.
 */
export const CACHE_USER_ROTATION_HANDLER = `'use strict';
const sm = require('@aws-sdk/client-secrets-manager');
const ec = require('@aws-sdk/client-elasticache');

const secrets = new sm.SecretsManagerClient({});
const elasticache = new ec.ElastiCacheClient({});
const POLL_MS = ${CACHE_USER_POLL_SECONDS * 1000};
const POLLS = ${CACHE_USER_POLLS};

exports.handler = async (event) => {
${rotationGuards('secrets')}  switch (event.Step) {
    case 'createSecret':
      return createSecret(arn, token);
    case 'setSecret':
      return setSecret(arn, token);
    case 'testSecret':
      return testSecret(arn, token);
    case 'finishSecret':
      return finishSecret(arn, token, versions);
    default:
      throw new Error('unknown rotation step ' + event.Step);
  }
};

async function read(arn, version) {
  const out = await secrets.send(new sm.GetSecretValueCommand(Object.assign({ SecretId: arn }, version)));
  return JSON.parse(out.SecretString);
}
const current = (arn) => read(arn, { VersionStage: 'AWSCURRENT' });
const pending = (arn, token) => read(arn, { VersionId: token, VersionStage: 'AWSPENDING' });

async function createSecret(arn, token) {
  const value = await current(arn);
  try {
    await pending(arn, token);
    return;
  } catch (err) {
    if (err.name !== 'ResourceNotFoundException') throw err;
  }
  const random = await secrets.send(new sm.GetRandomPasswordCommand({ PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true }));
  value.password = random.RandomPassword;
  await secrets.send(new sm.PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: JSON.stringify(value), VersionStages: ['AWSPENDING'] }));
}

async function activeUser(id) {
  for (let i = 0; i < POLLS; i++) {
    const out = await elasticache.send(new ec.DescribeUsersCommand({ UserId: id }));
    const user = (out.Users || [])[0];
    if (!user) throw new Error('ElastiCache user ' + id + ' does not exist');
    if (user.Status === 'active') return user;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error('ElastiCache user ' + id + ' is still being modified');
}

async function setSecret(arn, token) {
  const now = await current(arn);
  const next = await pending(arn, token);
  if (!next.username || next.username !== now.username) throw new Error('the pending version of ' + arn + ' names another user');
  await activeUser(next.username);
  await elasticache.send(new ec.ModifyUserCommand({ UserId: next.username, AuthenticationMode: { Type: 'password', Passwords: [now.password, next.password] } }));
  await activeUser(next.username);
}

async function testSecret(arn, token) {
  const next = await pending(arn, token);
  const user = await activeUser(next.username);
  const auth = user.Authentication || {};
  if (auth.Type !== 'password' || auth.PasswordCount !== 2) throw new Error('ElastiCache user ' + next.username + ' does not hold the current and the pending password');
}

async function finishSecret(arn, token, versions) {
  const now = Object.keys(versions).find((v) => versions[v].includes('AWSCURRENT'));
  if (now === token) return;
  await secrets.send(new sm.UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: now }));
}
`;

/** The rotation of every password user's secret of the caches with password users. */
export function cacheUserSecretRotation(spec: NormalizedSpec): ModelResource[] {
  return Object.keys(spec.caches)
    .sort()
    .flatMap((name) => {
      const cache = spec.caches[name]!;
      const users = cacheUsers(spec, cache);
      if (cacheSignIn(cache) !== 'password' || users.length === 0) return [];
      const component = `cache/${name}`;
      const origin = ['caches', name];
      const ids = cacheRotationId(name);
      const common = { layer: 'security' as const, component, origin };
      const secretRefs = users.map((s) => ref(ID.cacheUserSecret(name, s.name)));
      const userArns = users.map((s) => sub(`arn:\${AWS::Partition}:elasticache:\${AWS::Region}:\${AWS::AccountId}:user:${cacheUserId(spec, cache, s.name)}`));
      const shared = inlineFunction(spec, {
        ...common,
        ids,
        logBasis: 'a few lines per rotation, one rotation per user every 30 days',
        roleDescription: `Lets the rotation function change the passwords of the ${name} cache's users and their secrets, and nothing else`,
        policyName: `rotate-${name}-cache-user-secrets`,
        statements: [
          ...rotationStatements(spec, 'RotateCacheUserSecrets', secretRefs),
          { Sid: 'ChangeCacheUserPasswords', Effect: 'Allow', Action: ['elasticache:DescribeUsers', 'elasticache:ModifyUser'], Resource: userArns },
        ],
        description: `Rotates the passwords of the ${name} cache's users (FSBP SecretsManager.1): stages a new one, keeps the current one valid beside it`,
        runtime: ROTATION_RUNTIME,
        timeoutSeconds: CACHE_USER_ROTATION_TIMEOUT,
        code: CACHE_USER_ROTATION_HANDLER,
      });
      // The user is created in the data stack, after this one: the first rotation waits a period.
      const perUser = users.flatMap((s) =>
        rotationSchedule({ ...common, origin: [...origin, 'users', s.name] }, cacheUserRotationId(name, s.name), ref(ID.cacheUserSecret(name, s.name)), ids.function, CACHE_USER_ROTATION_SCHEDULE),
      );
      return [...shared, ...perUser];
    });
}

/**
 * A top-level secret's rotation by the spec's own function (`secrets.<name>.rotation`): dex cannot
 * know how a third party's credential is rotated, so it only schedules the function and lets
 * Secrets Manager invoke it for this one secret. The first rotation waits a period: the
 * placeholder has no value until a person sets one.
 */
export function sharedSecretRotation(spec: NormalizedSpec): ModelResource[] {
  return Object.values(spec.secrets ?? {})
    .filter((x) => x.rotation !== undefined && x.existing === undefined)
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((x) => {
      const secret = ref(ID.sharedSecret(x.name));
      const common = { layer: 'security' as const, component: `secret/${x.name}`, origin: ['secrets', x.name, 'rotation'] };
      const rotation = x.rotation!;
      return [
        resource({
          ...common,
          logicalId: ID.sharedSecretRotationPermission(x.name),
          type: 'AWS::Lambda::Permission',
          properties: { FunctionName: rotation.lambdaArn, Action: 'lambda:InvokeFunction', Principal: 'secretsmanager.amazonaws.com', SourceAccount: ref('AWS::AccountId'), SourceArn: secret },
        }),
        resource({
          ...common,
          logicalId: ID.sharedSecretRotationSchedule(x.name),
          type: 'AWS::SecretsManager::RotationSchedule',
          dependsOn: [ID.sharedSecretRotationPermission(x.name)],
          properties: { SecretId: secret, RotationLambdaARN: rotation.lambdaArn, RotationRules: { ScheduleExpression: `rate(${rotation.everyDays} day${rotation.everyDays === 1 ? '' : 's'})` }, RotateImmediatelyOnUpdate: false },
        }),
      ];
    });
}
