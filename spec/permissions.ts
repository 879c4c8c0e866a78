// The grammar of a `permissions:` resource (services/iam.ts resolves it, compiler/checks/permissions.ts
// checks it): `*`, an ARN taken literally, or a `${kind.name.arn}` reference to something the spec
// makes. A reference is the whole value, never part of an ARN: a string that is partly a reference
// would need Fn::Sub, which would also read any IAM policy variable or `${` in the rest as its own.
// The `${...}` grammar itself is spec/references.ts's, shared with env values.
import { referenceParts } from './references.js';

/** What a reference may name: the spec's databases, caches, buckets, tables, queues and topics, and the service's own secrets. */
export const REFERENCE_KINDS = ['databases', 'caches', 'secrets', 'buckets', 'tables', 'queues', 'topics'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

export type PermissionResource =
  | { readonly kind: 'any' }
  | { readonly kind: 'arn'; readonly arn: string }
  | { readonly kind: 'reference'; readonly to: ReferenceKind; readonly name: string }
  /** A `${...}` that is not `${kind.name.arn}` with a known kind. */
  | { readonly kind: 'bad-reference'; readonly text: string };

export function parsePermissionResource(value: string): PermissionResource {
  if (value === '*') return { kind: 'any' };
  const parts = referenceParts(value);
  if (parts === undefined) return { kind: 'arn', arn: value };
  const [to, name, attribute] = parts;
  if (parts.length === 3 && attribute === 'arn' && name !== '' && (REFERENCE_KINDS as readonly string[]).includes(to!)) return { kind: 'reference', to: to as ReferenceKind, name: name! };
  return { kind: 'bad-reference', text: parts.join('.') };
}

/**
 * An ARN as IAM reads it: `arn:partition:service:region:account:resource`. The region and account
 * may be empty (S3, IAM) or `*`; `${` is refused (see above).
 */
export const ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|\*):([a-z0-9-]+|\*):([a-z0-9-]*|\*):(\d{12}|\*)?:[^\s]+$/;

export const isWildcardAction = (action: string): boolean => action.includes('*');
