// The bootstrap: what must exist in an account and region before the first stack of any
// environment is deployed there, like `cdk bootstrap` or Copilot's application stack. One model
// per account and region the system touches, in two stacks:
//
//   • `<system>-bootstrap-foundation` (deployed inline, so it must stay under CloudFormation's
//     51,200-byte limit for a template body, and so holds only what does not grow with the
//     system): a KMS key, the artifacts bucket every larger template is uploaded to (encrypted,
//     TLS-only, versioned), and in copy regions the backup vaults cross-region database copies
//     land in.
//   • `<system>-bootstrap-delivery` (through the bucket): in the account's home region (the region
//     of its first environment; IAM is global, so one region per account holds it) the GitHub OIDC
//     provider (or nothing, when the account has one already) and every environment's CI roles;
//     the ECR repositories of the services dex builds, so the first build has somewhere to push
//     and no stack ever starts a service whose image does not exist yet; where an environment has
//     a database, the ECR Public pull-through cache its migration task pulls postgres through
//     (services/ecr.ts), so the task needs no NAT; with codepipeline, the
//     environments' deploy and verify CodeBuild projects, which the pipeline's first run calls.
//
// Nothing in an environment's stacks imports from the bootstrap: they name its resources by
// physical name (roles, repositories, vaults, the bucket), because the bootstrap may be in
// another region of the account, and CloudFormation exports do not cross regions.
import { crossRegionVaultName, getAtt, pascal, ref, resource, sub, tagList } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource, UsageMeter } from '../compiler/model/types.js';
import type { NormalizedSpec, RegionCode } from '../spec/model.js';
import { GITHUB_OIDC_HOST, artifactsBucketPrefix, bootstrapKeyAlias, ciRoles, cicdNames, codeBuildProjects, firstStageEnvironment, oidcProviderArn } from './cicd.js';
import { builtServices, pullThroughCache, registryRepositories, sameRegistry } from './ecr.js';
import { mysqlClientTag, postgresMajor } from './rds.js';
import { engineInfo } from '../spec/database-engines.js';
import { replicaBucketResources, replicatedBuckets } from './buckets.js';
import { ACCOUNT_ADMINISTRATION, CLOUDWATCH_LOGS_OF_THIS_ACCOUNT } from './kms.js';
import { BLOCK_PUBLIC_ACCESS, accessLogDelivery, denyInsecureTransport, logBucketProperties, serverAccessLogging } from './s3.js';

/** The environment name of a bootstrap model: its stacks are `<system>-bootstrap-<layer>`. */
export const BOOTSTRAP_ENVIRONMENT = 'bootstrap';
/** Directory under out/ of the bootstrap's files; an environment may not take this name (DEX402). */
export const BOOTSTRAP_OUTPUT_DIR = 'bootstrap';
/** The directory name of the account of the credentials, for environments that name no account. */
export const DEFAULT_ACCOUNT_KEY = 'default';

export const BOOTSTRAP_ID = {
  key: 'BootstrapKey',
  keyAlias: 'BootstrapKeyAlias',
  bucket: 'ArtifactsBucket',
  bucketPolicy: 'ArtifactsBucketPolicy',
  accessLogBucket: 'ArtifactsAccessLogBucket',
  accessLogBucketPolicy: 'ArtifactsAccessLogBucketPolicy',
  githubOidcProvider: 'GithubOidcProvider',
  copyVault: (environment: string, database: string) => `${pascal(environment)}${pascal(database)}CopyVault`,
} as const;

/** One account and region the system deploys to or copies backups to. */
export interface BootstrapTarget {
  /** The 12-digit account, or undefined for the account of the credentials. */
  readonly account: string | undefined;
  readonly region: RegionCode;
  /** True in the account's home region, which holds the account's IAM (OIDC provider, CI roles). */
  readonly home: boolean;
  /** Environments that run in this account and region (their registry and artifacts bucket). */
  readonly environments: readonly NormalizedSpec[];
  /** In the home region: every environment of the account, whose CI roles this stack holds. */
  readonly roleEnvironments: readonly NormalizedSpec[];
  /** Cross-region copies that land here: the environment and database whose vault this stack creates. */
  readonly copyVaults: readonly { readonly spec: NormalizedSpec; readonly database: string }[];
  /** Replica buckets that live here: the environment and bucket replicating into this region (services/buckets.ts). */
  readonly replicaBuckets?: readonly { readonly spec: NormalizedSpec; readonly bucket: string }[];
  /** The spec of the bootstrap model: the system's, with environment `bootstrap` and this account and region. */
  readonly spec: NormalizedSpec;
}

/** `out/bootstrap/<account>/<region>/`, relative to out/bootstrap/. */
export function bootstrapDirectory(target: Pick<BootstrapTarget, 'account' | 'region'>): string {
  return `${target.account ?? DEFAULT_ACCOUNT_KEY}/${target.region}`;
}

const keyOf = (account: string | undefined, region: string): string => `${account ?? ''}|${region}`;

/**
 * The accounts and regions of a system's environments (in declaration order; the base spec alone
 * when it declares none), each with what its bootstrap must hold. Home regions come first in each
 * account, so deploying in this order creates the roles before anything that needs them.
 */
export function bootstrapTargets(environments: readonly NormalizedSpec[]): BootstrapTarget[] {
  const first = environments[0];
  if (first === undefined) return [];
  type Draft = { account: string | undefined; region: RegionCode; environments: NormalizedSpec[]; copyVaults: { spec: NormalizedSpec; database: string }[]; replicaBuckets: { spec: NormalizedSpec; bucket: string }[] };
  const drafts = new Map<string, Draft>();
  const draft = (account: string | undefined, region: RegionCode): Draft => {
    const k = keyOf(account, region);
    let d = drafts.get(k);
    if (!d) drafts.set(k, (d = { account, region, environments: [], copyVaults: [], replicaBuckets: [] }));
    return d;
  };
  for (const env of environments) draft(env.account, env.region).environments.push(env);
  for (const env of environments) {
    for (const db of Object.values(env.databases)) if (db.crossRegionBackupTo) draft(env.account, db.crossRegionBackupTo as RegionCode).copyVaults.push({ spec: env, database: db.name });
    for (const { bucket, region } of replicatedBuckets(env)) draft(env.account, region).replicaBuckets.push({ spec: env, bucket: bucket.name });
  }
  // The home region of an account: where its first environment runs.
  const homes = new Map<string, RegionCode>();
  for (const env of environments) if (!homes.has(env.account ?? '')) homes.set(env.account ?? '', env.region);
  const accounts = [...new Set(environments.map((e) => e.account ?? ''))];
  const targets: BootstrapTarget[] = [];
  for (const account of accounts) {
    const home = homes.get(account)!;
    const mine = [...drafts.values()].filter((d) => (d.account ?? '') === account);
    mine.sort((a, b) => (a.region === home ? -1 : b.region === home ? 1 : 0));
    for (const d of mine) {
      const isHome = d.region === home;
      targets.push({
        account: d.account,
        region: d.region,
        home: isHome,
        environments: d.environments,
        roleEnvironments: isHome ? environments.filter((e) => (e.account ?? '') === account && e.cicd !== undefined) : [],
        copyVaults: d.copyVaults,
        ...(d.replicaBuckets.length ? { replicaBuckets: d.replicaBuckets } : {}),
        // The environments' usage and budget are theirs: the bootstrap keeps only what prices its
        // own resources (image storage).
        spec: {
          ...first,
          environment: BOOTSTRAP_ENVIRONMENT,
          region: d.region,
          account: d.account,
          budget: undefined,
          usage: first.usage.ecrStorageGiB === undefined ? {} : { ecrStorageGiB: first.usage.ecrStorageGiB },
        },
      });
    }
  }
  return targets;
}

/** The first stage's environment: its registry receives every build. */
function firstStageOf(environments: readonly NormalizedSpec[]): NormalizedSpec | undefined {
  const first = environments[0];
  const name = first === undefined ? undefined : firstStageEnvironment(first);
  return environments.find((e) => e.environment === name) ?? environments.find((e) => e.environment === undefined);
}

/**
 * The account statement (S3, ECR and AWS Backup act with the caller's IAM permissions), and
 * CloudWatch Logs for this account's log groups (the pipeline's CodeBuild logs).
 */
function keyPolicy(): CfnValue {
  return { Version: '2012-10-17', Statement: [ACCOUNT_ADMINISTRATION, CLOUDWATCH_LOGS_OF_THIS_ACCOUNT] };
}

function foundation(target: BootstrapTarget, all: readonly NormalizedSpec[]): ModelResource[] {
  const spec = target.spec;
  const tags = tagList(spec, 'bootstrap');
  const out: ModelResource[] = [];
  const layer = 'foundation' as const;
  const origin = ['environments'];
  out.push(
    resource({
      logicalId: BOOTSTRAP_ID.key,
      type: 'AWS::KMS::Key',
      layer,
      origin,
      component: 'bootstrap',
      // Retained: templates, images and backup copies it encrypted would become unreadable.
      deletionPolicy: 'Retain',
      updateReplacePolicy: 'Retain',
      properties: {
        Description: `${spec.name} bootstrap: encrypts deploy artifacts, images and backup copies in ${target.region}`,
        EnableKeyRotation: true,
        KeySpec: 'SYMMETRIC_DEFAULT',
        KeyUsage: 'ENCRYPT_DECRYPT',
        PendingWindowInDays: 30,
        KeyPolicy: keyPolicy(),
        Tags: tags,
      },
      usage: [{ meter: 'kms.key', unit: 'count-month', quantity: { min: 1, max: 1 }, attributes: {}, basis: `the bootstrap's customer-managed key in ${target.region} (rotated yearly)` }],
    }),
    resource({
      logicalId: BOOTSTRAP_ID.keyAlias,
      type: 'AWS::KMS::Alias',
      layer,
      origin,
      component: 'bootstrap',
      properties: { AliasName: bootstrapKeyAlias(spec.name), TargetKeyId: ref(BOOTSTRAP_ID.key) },
    }),
  );
  if (target.environments.length) {
    const bucketUsage: UsageMeter[] = [
      {
        meter: 's3.storage',
        unit: 'GB-month',
        quantity: { min: 0.01, max: 0.1 },
        attributes: { storageClass: 'STANDARD' },
        basis: 'CloudFormation templates uploaded by each deployment and pipeline artifacts (a few MB), expired after 90 days',
      },
    ];
    out.push(
      {
        ...resource({
          logicalId: BOOTSTRAP_ID.bucket,
          type: 'AWS::S3::Bucket',
          layer,
          origin,
          component: 'bootstrap',
          properties: {
            BucketName: sub(`${artifactsBucketPrefix(spec.name)}-\${AWS::AccountId}-\${AWS::Region}`),
            BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(BOOTSTRAP_ID.key, 'Arn') }, BucketKeyEnabled: true }] },
            PublicAccessBlockConfiguration: BLOCK_PUBLIC_ACCESS,
            OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
            VersioningConfiguration: { Status: 'Enabled' },
            LifecycleConfiguration: { Rules: [{ Id: 'expire-artifacts', Status: 'Enabled', ExpirationInDays: 90, NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }] },
            LoggingConfiguration: serverAccessLogging(BOOTSTRAP_ID.accessLogBucket, BOOTSTRAP_ID.bucket),
            Tags: tags,
          },
          usage: bucketUsage,
        }),
        // Retained: a bucket with objects cannot be deleted by CloudFormation anyway, and a failed
        // delete would block removing the bootstrap.
        deletionPolicy: 'Retain',
        updateReplacePolicy: 'Retain',
      },
      resource({
        logicalId: BOOTSTRAP_ID.bucketPolicy,
        type: 'AWS::S3::BucketPolicy',
        layer,
        origin,
        component: 'bootstrap',
        properties: {
          Bucket: ref(BOOTSTRAP_ID.bucket),
          PolicyDocument: { Version: '2012-10-17', Statement: [denyInsecureTransport(BOOTSTRAP_ID.bucket)] },
        },
      }),
      // FSBP S3.9: the artifacts bucket's server access logs. SSE-S3 (log delivery cannot use
      // SSE-KMS); no access logging of its own (it would log its own deliveries without end).
      {
        ...resource({
          logicalId: BOOTSTRAP_ID.accessLogBucket,
          type: 'AWS::S3::Bucket',
          layer,
          origin,
          component: 'bootstrap',
          properties: {
            ...logBucketProperties({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }, spec.audit.retentionDays),
            Tags: tags,
          },
          usage: [
            {
              meter: 's3.storage',
              unit: 'GB-month',
              quantity: { min: 0.001, max: 0.01 },
              attributes: { storageClass: 'STANDARD' },
              basis: `server access log records (about 350 bytes each) of the artifacts bucket: a few hundred requests per deployment, kept ${spec.audit.retentionDays} days; S3 charges nothing for the logging itself`,
            },
          ],
        }),
        // Retained: access records are audit evidence.
        deletionPolicy: 'Retain',
        updateReplacePolicy: 'Retain',
      },
      resource({
        logicalId: BOOTSTRAP_ID.accessLogBucketPolicy,
        type: 'AWS::S3::BucketPolicy',
        layer,
        origin,
        component: 'bootstrap',
        properties: {
          Bucket: ref(BOOTSTRAP_ID.accessLogBucket),
          PolicyDocument: { Version: '2012-10-17', Statement: [denyInsecureTransport(BOOTSTRAP_ID.accessLogBucket), accessLogDelivery(BOOTSTRAP_ID.accessLogBucket, [BOOTSTRAP_ID.bucket])] },
        },
      }),
    );
  }
  for (const { spec: env, database } of target.copyVaults) {
    const environment = env.environment ?? 'default';
    out.push({
      ...resource({
        logicalId: BOOTSTRAP_ID.copyVault(environment, database),
        type: 'AWS::Backup::BackupVault',
        layer,
        origin: ['databases', database, 'crossRegionBackupTo'],
        component: `database/${database}`,
        properties: {
          BackupVaultName: crossRegionVaultName(env, database),
          EncryptionKeyArn: getAtt(BOOTSTRAP_ID.key, 'Arn'),
          BackupVaultTags: Object.fromEntries(tagList(env, `database/${database}`).map((t) => [t.Key, t.Value])),
        },
      }),
      // Retained: it holds the disaster-recovery copies, which must outlive the stack.
      deletionPolicy: 'Retain',
      updateReplacePolicy: 'Retain',
    });
  }
  for (const { spec: env, bucket } of target.replicaBuckets ?? []) out.push(...replicaBucketResources(env, bucket, target.region, BOOTSTRAP_ID.key, layer));
  return out;
}

function delivery(target: BootstrapTarget, all: readonly NormalizedSpec[], resourcesOf: EnvironmentResources): ModelResource[] {
  const firstStage = firstStageOf(all);
  const isSource = firstStage !== undefined && target.environments.some((e) => sameRegistry(e, firstStage));
  // Deploy roles of environments in other accounts pull the tested images from the first stage's
  // registry to promote them.
  const pullers = isSource
    ? all.filter((e) => e.account !== undefined && e.account !== firstStage!.account && builtServices(e).length > 0 && e.cicd !== undefined).map((e) => ({ account: e.account!, roleName: cicdNames.deployRole(e) }))
    : [];
  const out = registryRepositories({ environments: target.environments, pullers, keyId: BOOTSTRAP_ID.key, layer: 'delivery', owner: target.spec });
  const spec = target.spec;
  const tags = tagList(spec, 'bootstrap');
  // The ECR Public pull-through cache the migration tasks pull postgres through: one per
  // registry (account and region) whose environments have a database, unless every one of them
  // says the registry has the rule already (network.ecrPublicCache: existing).
  const withDatabases = target.environments.filter((e) => Object.keys(e.databases).length > 0);
  const majors = [...new Set(withDatabases.flatMap((e) => Object.values(e.databases).filter((d) => engineInfo(d.engine).protocol === 'postgres').map(postgresMajor)))].sort();
  const mysqlTags = [...new Set(withDatabases.flatMap((e) => Object.values(e.databases).filter((d) => engineInfo(d.engine).protocol === 'mysql').map(mysqlClientTag)))].sort();
  if (withDatabases.some((e) => e.network.ecrPublicCache === 'create')) out.push(...pullThroughCache({ keyId: BOOTSTRAP_ID.key, layer: 'delivery', owner: spec, postgresMajors: majors, ...(mysqlTags.length > 0 ? { mysqlTags } : {}) }));
  if (target.home && target.roleEnvironments.length) {
    const github = target.roleEnvironments.some((e) => e.cicd?.provider === 'github-actions');
    const create = github && target.roleEnvironments[0]!.cicd!.githubOidcProvider === 'create';
    if (create) {
      out.push({
        ...resource({
          logicalId: BOOTSTRAP_ID.githubOidcProvider,
          type: 'AWS::IAM::OIDCProvider',
          layer: 'delivery',
          origin: ['cicd', 'githubOidcProvider'],
          component: 'cicd',
          properties: { Url: `https://${GITHUB_OIDC_HOST}`, ClientIdList: ['sts.amazonaws.com'], Tags: tags },
        }),
        // Retained: other tools of the account may trust it too.
        deletionPolicy: 'Retain',
        updateReplacePolicy: 'Retain',
      });
    }
    for (const env of target.roleEnvironments) {
      out.push(...ciRoles(env, { firstStage, oidcProvider: create ? ref(BOOTSTRAP_ID.githubOidcProvider) : oidcProviderArn(), layer: 'delivery', environmentResources: resourcesOf(env) }));
    }
  }

  // codepipeline: each environment's deploy and verify projects, in its own region, before its
  // stacks (the pipeline's first run calls them); here rather than in the foundation, which must
  // stay small enough to deploy inline.
  for (const env of target.environments) {
    const staged = env.cicd?.provider === 'codepipeline' && env.cicd.stages.some((st) => st.name === env.environment || env.environment === undefined);
    if (staged) out.push(...codeBuildProjects(env, 'delivery', getAtt(BOOTSTRAP_ID.key, 'Arn')));
  }
  return out;
}

/** An environment's own resources (its model), which its CloudFormation execution role manages. */
export type EnvironmentResources = (environment: NormalizedSpec) => readonly ModelResource[];

/**
 * The building block of one bootstrap model (every environment is needed: roles, pullers, the
 * first stage; and each role environment's resources, for its execution role and boundary).
 */
export function bootstrapBlock(target: BootstrapTarget, environments: readonly NormalizedSpec[], resourcesOf: EnvironmentResources): BuildingBlock {
  return { name: 'bootstrap', build: () => [...foundation(target, environments), ...delivery(target, environments, resourcesOf)] };
}
