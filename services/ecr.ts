// ECR: one private repository per service that dex builds (no `image:` in the spec). Scan on push,
// immutable tags, encrypted with the system's KMS key, and a lifecycle policy so old images do
// not pile up as storage cost.
import { ID, namePrefix, getAtt, resource, tagList } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource, UsageMeter } from '../compiler/model/types.js';
import type { NormalizedService, NormalizedSpec } from '../spec/model.js';

/** Tagged images kept per repository; older ones expire. */
export const KEEP_TAGGED_IMAGES = 30;
/** Days an untagged image (a layer left by a re-push or a failed build) is kept. */
export const UNTAGGED_EXPIRY_DAYS = 7;

/**
 * The repository name: known at compile time so IAM (security layer, deployed before the
 * repository's layer) can name the repository ARN without referencing the resource.
 */
export function repositoryName(spec: NormalizedSpec, service: string): string {
  return `${namePrefix(spec)}/${service}`;
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
      rulePriority: 2,
      description: `Keep the last ${KEEP_TAGGED_IMAGES} tagged images`,
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: KEEP_TAGGED_IMAGES },
      action: { type: 'expire' },
    },
  ],
});

export const ecr: BuildingBlock = {
  name: 'ecr',
  build(spec: NormalizedSpec): ModelResource[] {
    const services = builtServices(spec);
    const stored = spec.usage.ecrStorageGiB;
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
              : `usage.ecrStorageGiB ${stored} GiB split evenly across ${services.length} repositories (at most ${KEEP_TAGGED_IMAGES} tagged images each)`,
        },
      ];
      return resource({
        logicalId: ID.ecrRepository(s.name),
        type: 'AWS::ECR::Repository',
        layer: s.placement,
        origin: ['services', s.name],
        component: `service/${s.name}`,
        properties: {
          RepositoryName: repositoryName(spec, s.name),
          ImageTagMutability: 'IMMUTABLE',
          ImageScanningConfiguration: { ScanOnPush: true },
          EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: getAtt(ID.kmsKey, 'Arn') },
          LifecyclePolicy: { LifecyclePolicyText: lifecyclePolicy },
          Tags: tagList(spec, `service/${s.name}`),
        },
        usage,
      });
    });
  },
};
