// ECR: one private repository per service that dex builds (no `image:` in the spec), in the
// bootstrap of every account and region an environment runs in (services/bootstrap.ts): the
// repositories exist before the first build pushes to them and before any stack runs the image.
// Environments of one account and region share a registry, so promotion between them is a tag,
// not a copy. Scan on push, immutable tags, encrypted with the bootstrap's KMS key, and a
// lifecycle policy so old builds do not pile up as storage cost while released images stay.
import { ID, getAtt, resource, tagList } from '../compiler/model/ids.js';
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
