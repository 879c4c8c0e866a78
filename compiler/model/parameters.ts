// Stack parameters: the closed set of values a deployment passes in rather than the spec fixing
// them. A resource uses one as `{ Ref: 'ImageTag' }` or `${ImageTag}` in a Fn::Sub; the model
// builder and the stack splitter treat such a reference as a parameter, never as a resource, and
// every stack whose resources use one declares it (emitters/cloudformation.ts writes it).
//
// ImageTag: the release's image tag, so a release is one CloudFormation update (the task
// definitions and launch templates change with it). No Default: a stack that runs dex-built
// images cannot be deployed without naming an image that CI pushed.

/** A stack parameter's declaration, as CloudFormation's Parameters section takes it. */
export interface ModelParameter {
  readonly Type: 'String';
  readonly Description: string;
  readonly AllowedPattern: string;
  readonly ConstraintDescription: string;
  readonly MinLength: number;
  readonly MaxLength: number;
}

/**
 * A Docker tag that is also a safe word in every language the tag reaches (user data, ECR image
 * URIs): letters, digits, `_`, `.` and `-`, not starting with `.` or `-`, at most 128 characters
 * (Docker's own limit). CloudFormation matches AllowedPattern against the whole value.
 */
export const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

export const MODEL_PARAMETERS = {
  ImageTag: {
    Type: 'String',
    Description: 'Tag of the released images of the services dex builds (CI passes the commit it built; release.sh deploy-stack sets it).',
    AllowedPattern: IMAGE_TAG_PATTERN,
    ConstraintDescription: 'a Docker image tag: letters, digits, _ . - (not starting with . or -), at most 128 characters',
    MinLength: 1,
    MaxLength: 128,
  },
} as const satisfies Readonly<Record<string, ModelParameter>>;

export type ModelParameterName = keyof typeof MODEL_PARAMETERS;

const NAMES: ReadonlySet<string> = new Set(Object.keys(MODEL_PARAMETERS));

/** True when `name` (a Ref target or a Fn::Sub variable) is a stack parameter, not a resource. */
export function isModelParameter(name: string): name is ModelParameterName {
  return NAMES.has(name);
}

/** `{ Ref: <parameter> }`, typed so only a declared parameter can be referenced. */
export function parameterRef(name: ModelParameterName): { readonly Ref: ModelParameterName } {
  return { Ref: name };
}
