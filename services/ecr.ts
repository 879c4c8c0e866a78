// ECR: one private repository per service that dex builds (no `image:` in the spec), in the
// bootstrap of every account and region an environment runs in (services/bootstrap.ts): the
// repositories exist before the first build pushes to them and before any stack runs the image.
// Environments of one account and region share a registry, so promotion between them is a tag,
// not a copy. Scan on push, immutable tags, encrypted with the bootstrap's KMS key, and a
// lifecycle policy so old builds do not pile up as storage cost while released images stay.
import { ID, getAtt, resource, sub, tagList } from '../compiler/model/ids.js';
import type { CfnValue, ModelResource, StackLayer, UsageMeter } from '../compiler/model/types.js';
import type { NormalizedService, NormalizedSpec } from '../spec/model.js';

/** Builds kept per repository; older ones expire. */
export const KEEP_TAGGED_IMAGES = 30;
/** Released images kept per repository (tagged `release-…` by each stage's promotion). */
export const KEEP_RELEASED_IMAGES = 100;
/** Tag prefix of a released image: `release-<environment>-<build tag>`. */
export const RELEASE_TAG_PREFIX = 'release-';
/** Days an untagged image (a layer left by a re-push or a failed build) is kept. */
export const UNTAGGED_EXPIRY_DAYS = 7;

/**
 * The repository name, the same in every registry of the system: known at compile time so IAM
 * and task definitions name it without referencing the resource (which is in the bootstrap).
 */
export function repositoryName(spec: NormalizedSpec, service: string): string {
  return `${spec.name}/${service}`;
}

/** True when two environments use one registry (the same account and region). */
export function sameRegistry(a: NormalizedSpec, b: NormalizedSpec): boolean {
  return a.account === b.account && a.region === b.region;
}

/**
 * The image a dex-built service runs: its repository's URI at the release's `ImageTag` stack
 * parameter. Built from the repository's name, never a Ref or GetAtt of the repository resource,
 * so it holds wherever the repository lives (an earlier stack, or one deployed before any
 * environment). The name is a safe Sub literal: the schema limits system, environment and
 * service names to lower-case letters, digits and `-`.
 */
export function imageUri(spec: NormalizedSpec, service: string): CfnValue {
  return { 'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/${repositoryName(spec, service)}:\${ImageTag}` };
}

/** Services whose image CI builds and pushes to ECR. */
export function builtServices(spec: NormalizedSpec): NormalizedService[] {
  return Object.values(spec.services)
    .filter((s) => s.image === undefined)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}


const lifecyclePolicy = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: `Expire untagged images after ${UNTAGGED_EXPIRY_DAYS} days`,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: UNTAGGED_EXPIRY_DAYS },
      action: { type: 'expire' },
    },
    {
      // An image an environment runs carries a release tag: this rule, not the next, decides its
      // fate, so a busy staging cannot expire what production runs.
      rulePriority: 2,
      description: `Keep the last ${KEEP_RELEASED_IMAGES} released images`,
      selection: { tagStatus: 'tagged', tagPrefixList: [RELEASE_TAG_PREFIX], countType: 'imageCountMoreThan', countNumber: KEEP_RELEASED_IMAGES },
      action: { type: 'expire' },
    },
    {
      rulePriority: 3,
      description: `Keep the last ${KEEP_TAGGED_IMAGES} builds`,
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: KEEP_TAGGED_IMAGES },
      action: { type: 'expire' },
    },
  ],
});

/** A registry: the environments of one account and region that run dex-built images. */
export interface RegistryInput {
  /** The environments using this registry; the first one's usage prices the storage. */
  readonly environments: readonly NormalizedSpec[];
  /** Deploy roles in other accounts that pull from here to promote (`arn:…:role/…`), by account. */
  readonly pullers: readonly { readonly account: string; readonly roleName: string }[];
  /** The KMS key the repositories are encrypted with (a logical ID in the same model). */
  readonly keyId: string;
  readonly layer: StackLayer;
  /** The bootstrap model's spec (tags name the bootstrap). */
  readonly owner: NormalizedSpec;
}

export function registryRepositories(input: RegistryInput): ModelResource[] {
  const first = input.environments[0];
  if (first === undefined) return [];
  const byName = new Map<string, NormalizedService>();
  for (const env of input.environments) for (const s of builtServices(env)) if (!byName.has(s.name)) byName.set(s.name, s);
  const services = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const stored = first.usage.ecrStorageGiB;
  const policy: CfnValue | undefined = input.pullers.length
    ? {
        Version: '2012-10-17',
        Statement: [
          {
            // The account root as principal (always valid, even before the other account's
            // bootstrap exists), narrowed to that account's deploy roles.
            Sid: 'PromotionByOtherAccounts',
            Effect: 'Allow',
            Principal: { AWS: [...new Set(input.pullers.map((p) => `arn:aws:iam::${p.account}:root`))].sort() },
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:GetDownloadUrlForLayer'],
            Condition: { ArnLike: { 'aws:PrincipalArn': input.pullers.map((p) => `arn:aws:iam::${p.account}:role/${p.roleName}`).sort() } },
          },
        ],
      }
    : undefined;
  return services.map((s) => {
    const usage: UsageMeter[] = [
      {
        meter: 'ecr.storage',
        unit: 'GB-month',
        quantity: stored === undefined ? { min: 0, max: 0 } : { min: stored / services.length, max: stored / services.length },
        attributes: {},
        basis:
          stored === undefined
            ? 'usage.ecrStorageGiB not set'
            : `usage.ecrStorageGiB ${stored} GiB split evenly across ${services.length} repositories (at most ${KEEP_TAGGED_IMAGES} builds and ${KEEP_RELEASED_IMAGES} released images each)`,
      },
    ];
    return resource({
      logicalId: ID.ecrRepository(s.name),
      type: 'AWS::ECR::Repository',
      layer: input.layer,
      origin: ['services', s.name],
      component: `service/${s.name}`,
      properties: {
        RepositoryName: repositoryName(first, s.name),
        ImageTagMutability: 'IMMUTABLE',
        ImageScanningConfiguration: { ScanOnPush: true },
        EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: getAtt(input.keyId, 'Arn') },
        LifecyclePolicy: { LifecyclePolicyText: lifecyclePolicy },
        ...(policy ? { RepositoryPolicyText: policy } : {}),
        Tags: tagList(input.owner, `service/${s.name}`),
      },
      usage,
    });
  });
}

// The pull-through cache for ECR Public. Images dex does not build but runs itself (the database
// migration task's postgres image) come from ECR Public; without NAT, private subnets reach only
// the private registry (through the ecr endpoints, layers from S3). So every environment pulls
// them through its own registry: the first pull creates `ecr-public/<upstream repository>` and
// imports the image, later pulls are served from the copy (refreshed from upstream at most once a
// day). The same URI with or without NAT, so deployments never differ by network.

/** The repository prefix of the cache rule; a registry holds one rule per prefix. */
export const ECR_PUBLIC_CACHE_PREFIX = 'ecr-public';
/** ECR Public: needs no credentials (CredentialArn is only for registries that require them). */
export const ECR_PUBLIC_REGISTRY = 'public.ecr.aws';
/** The official PostgreSQL image on ECR Public (Docker official images mirror). */
export const POSTGRES_UPSTREAM_REPOSITORY = 'docker/library/postgres';
/** The official MySQL image on ECR Public: its mysql client runs the MySQL engines' migration step. */
export const MYSQL_UPSTREAM_REPOSITORY = 'docker/library/mysql';

export const PULL_THROUGH_ID = {
  rule: 'EcrPublicPullThroughCacheRule',
  template: 'EcrPublicRepositoryCreationTemplate',
  role: 'EcrPublicRepositoryCreationRole',
} as const;

/** The private repository the cache creates for an upstream repository. */
export const cachedRepositoryName = (upstream: string): string => `${ECR_PUBLIC_CACHE_PREFIX}/${upstream}`;

/** The repository's ARN in the account and region of the stack. */
export const cachedRepositoryArn = (upstream: string): CfnValue => sub(`arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${cachedRepositoryName(upstream)}`);

/** An ECR Public image (`<upstream>:<tag>`) through the cache of this account and region. */
export function cachedImageUri(upstream: string, tag: string): CfnValue {
  return { 'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/${cachedRepositoryName(upstream)}:${tag}` };
}

/**
 * IAM for a task execution role that pulls `upstream` through the cache: the usual pull actions,
 * and on the first pull BatchImportUpstreamImage and CreateRepository (AWS ECR user guide,
 * "IAM permissions required to sync an upstream registry"), all on that one repository.
 */
export function cachedImagePullStatements(upstream: string): CfnValue[] {
  const arn = cachedRepositoryArn(upstream);
  return [
    { Sid: 'EcrAuth', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
    { Sid: 'PullCachedImage', Effect: 'Allow', Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: arn },
    { Sid: 'FillPullThroughCache', Effect: 'Allow', Action: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'], Resource: arn },
  ];
}

/** Days an untagged cached image (the previous image of a tag that moved upstream) is kept. */
const CACHE_UNTAGGED_EXPIRY_DAYS = 7;

const cacheLifecyclePolicy = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: `Expire images a moved tag left untagged after ${CACHE_UNTAGGED_EXPIRY_DAYS} days`,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: CACHE_UNTAGGED_EXPIRY_DAYS },
      action: { type: 'expire' },
    },
  ],
});

export interface PullThroughCacheInput {
  /** The KMS key (a logical ID in the same model) the cached repositories are encrypted with. */
  readonly keyId: string;
  readonly layer: StackLayer;
  /** The bootstrap model's spec (tags). */
  readonly owner: NormalizedSpec;
  /** Major PostgreSQL versions the environments of this registry run (prices the storage). */
  readonly postgresMajors: readonly string[];
  /** Tags of the mysql client image the MySQL engines' migration steps pull (8.0, 8.4). */
  readonly mysqlTags?: readonly string[];
}

/**
 * The cache rule, the creation template its repositories get (KMS with the bootstrap key, a
 * lifecycle policy, tags: otherwise ECR creates them AES256 and untagged), and the role ECR
 * assumes to create them (a template with a KMS key or tags needs one).
 */
export function pullThroughCache(input: PullThroughCacheInput): ModelResource[] {
  const component = 'bootstrap';
  const origin = ['databases'];
  const tags = tagList(input.owner, component);
  const prefixArn = sub(`arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${ECR_PUBLIC_CACHE_PREFIX}/*`);
  return [
    resource({
      logicalId: PULL_THROUGH_ID.rule,
      type: 'AWS::ECR::PullThroughCacheRule',
      layer: input.layer,
      origin,
      component,
      properties: { EcrRepositoryPrefix: ECR_PUBLIC_CACHE_PREFIX, UpstreamRegistry: 'ecr-public', UpstreamRegistryUrl: ECR_PUBLIC_REGISTRY },
    }),
    resource({
      logicalId: PULL_THROUGH_ID.role,
      type: 'AWS::IAM::Role',
      layer: input.layer,
      origin,
      component,
      properties: {
        Description: `ECR creates the ${ECR_PUBLIC_CACHE_PREFIX}/ pull-through cache repositories with this role: KMS with the bootstrap key, tags`,
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecr.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }] },
        Policies: [
          {
            PolicyName: 'least-privilege',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Sid: 'CreateCacheRepositories', Effect: 'Allow', Action: ['ecr:CreateRepository', 'ecr:TagResource'], Resource: prefixArn },
                { Sid: 'EncryptCacheRepositories', Effect: 'Allow', Action: ['kms:CreateGrant', 'kms:DescribeKey', 'kms:RetireGrant'], Resource: getAtt(input.keyId, 'Arn') },
              ],
            },
          },
        ],
        Tags: tags,
      },
    }),
    resource({
      logicalId: PULL_THROUGH_ID.template,
      type: 'AWS::ECR::RepositoryCreationTemplate',
      layer: input.layer,
      origin,
      component,
      properties: {
        Prefix: ECR_PUBLIC_CACHE_PREFIX,
        AppliedFor: ['PULL_THROUGH_CACHE'],
        Description: `Repositories of the ${ECR_PUBLIC_REGISTRY} pull-through cache: KMS, untagged images expire`,
        CustomRoleArn: getAtt(PULL_THROUGH_ID.role, 'Arn'),
        EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: getAtt(input.keyId, 'Arn') },
        // MUTABLE by necessity: the cache moves a tag (postgres:16-alpine) when upstream does; an
        // immutable repository would keep the first image forever and miss security patches.
        ImageTagMutability: 'MUTABLE',
        LifecyclePolicy: cacheLifecyclePolicy,
        ResourceTags: tags,
      },
      usage: [
        // A system with MySQL engines only caches no postgres image.
        ...(input.postgresMajors.length > 0 || (input.mysqlTags ?? []).length === 0
          ? [
              {
                meter: 'ecr.storage' as const,
                unit: 'GB-month',
                quantity: { min: 0.1 * input.postgresMajors.length, max: 0.2 * input.postgresMajors.length },
                attributes: {},
                basis: `the cached postgres:${input.postgresMajors.map((m) => `${m}-alpine`).join(', ')} image${input.postgresMajors.length === 1 ? '' : 's'} of the migration task (about 100 MB each, one more while a moved tag's old image expires)`,
              },
            ]
          : []),
        ...((input.mysqlTags ?? []).length > 0
          ? [
              {
                meter: 'ecr.storage' as const,
                unit: 'GB-month',
                quantity: { min: 0.25 * input.mysqlTags!.length, max: 0.5 * input.mysqlTags!.length },
                attributes: {},
                basis: `the cached mysql:${input.mysqlTags!.join(', ')} image${input.mysqlTags!.length === 1 ? '' : 's'} of the MySQL migration task (about 250 MB each compressed, one more while a moved tag's old image expires)`,
              },
            ]
          : []),
      ],
    }),
  ];
}
