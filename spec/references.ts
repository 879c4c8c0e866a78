// References to what dex makes, written `${kind.name.attribute}` (or `${kind.attribute}` for a kind
// with one member, like the ingress): the grammar shared by `permissions:` resources
// (spec/permissions.ts) and env values. A reference is the whole value, never part of a string: a
// partly-referenced string would need Fn::Sub on CloudFormation and shell expansion elsewhere,
// which would read any other `${` in it as their own.
//
// The env kinds are a small catalogue: each kind says which names it takes (from the normalized
// spec) and which attributes it has. What an attribute becomes on each platform lives with the
// building blocks (services/references.ts), keyed by the same kind and attribute; a new kind
// (buckets, queues) adds one entry here and one there.
import type { NormalizedSpec } from './model.js';

const WHOLE = /^\$\{([^}]*)\}$/;

/** The dotted parts of a value that is one `${...}`, or undefined when it is not. */
export function referenceParts(value: string): string[] | undefined {
  const m = WHOLE.exec(value);
  return m === null ? undefined : m[1]!.split('.');
}

/** Whether a value holds `${` at all (a reference of dex's, or the application's own placeholder). */
export const mentionsReference = (value: string): boolean => value.includes('${');

export interface EnvReferenceKind {
  /** The names the kind takes (`databases.<name>`); absent for a kind with one member (`ingress`). */
  readonly names?: (spec: NormalizedSpec) => readonly string[];
  readonly attributes: readonly string[];
  /** Why the kind has nothing to refer to in this spec (no load balancer), or undefined. */
  readonly absent?: (spec: NormalizedSpec) => string | undefined;
}

const hasPublicLoadBalancer = (spec: NormalizedSpec): boolean => spec.ingress.loadBalancer === 'alb' && Object.values(spec.services).some((s) => s.expose.public && s.port !== undefined);

export const ENV_REFERENCE_KINDS = {
  ingress: {
    attributes: ['dnsName'],
    absent: (spec) => (hasPublicLoadBalancer(spec) ? undefined : 'the spec has no load balancer (no service is exposed publicly, or ingress.loadBalancer is none)'),
  },
  databases: { names: (spec) => Object.keys(spec.databases).sort(), attributes: ['address', 'endpoint', 'port'] },
  // url: rediss://host:port (dex's caches take TLS only), as Redis clients read REDIS_URL.
  caches: { names: (spec) => Object.keys(spec.caches).sort(), attributes: ['address', 'endpoint', 'port', 'url'] },
  // The names dex gives a bucket or table, for code that reads its own variable (the retail store's
  // RETAIL_CART_PERSISTENCE_DYNAMODB_TABLE_NAME) rather than <NAME>_BUCKET or <NAME>_TABLE.
  buckets: { names: (spec) => Object.keys(spec.buckets ?? {}).sort(), attributes: ['name'] },
  tables: { names: (spec) => Object.keys(spec.tables ?? {}).sort(), attributes: ['name'] },
  // For code that reads its own variable (a worker's SQS_QUEUE_URL, a publisher's EVENTS_TOPIC)
  // rather than the <NAME>_QUEUE_URL, <NAME>_QUEUE_ARN and <NAME>_TOPIC_ARN a `uses` item gives.
  queues: { names: (spec) => Object.keys(spec.queues ?? {}).sort(), attributes: ['arn', 'name', 'url'] },
  topics: { names: (spec) => Object.keys(spec.topics ?? {}).sort(), attributes: ['arn'] },
  // url: amqps://host:5671 (Amazon MQ's RabbitMQ listens with TLS only), as AMQP clients read it.
  brokers: { names: (spec) => Object.keys(spec.brokers ?? {}).sort(), attributes: ['host', 'port', 'url'] },
} as const satisfies Record<string, EnvReferenceKind>;

export type EnvReferenceKindName = keyof typeof ENV_REFERENCE_KINDS;

export interface EnvReference {
  readonly kind: EnvReferenceKindName;
  /** Undefined for a kind with one member. */
  readonly name: string | undefined;
  readonly attribute: string;
}

export type EnvReferenceResult =
  | { readonly ok: true; readonly reference: EnvReference }
  /** What is wrong, and the nearest reference that is right (did you mean). */
  | { readonly ok: false; readonly problem: string; readonly near: string | undefined };

const isKind = (k: string): k is EnvReferenceKindName => Object.hasOwn(ENV_REFERENCE_KINDS, k);

/** Every reference the spec offers an env value, written out (for did-you-mean and hints). */
export function envReferences(spec: NormalizedSpec): string[] {
  return Object.entries(ENV_REFERENCE_KINDS).flatMap(([kind, k]: [string, EnvReferenceKind]) => {
    if (k.absent?.(spec) !== undefined) return [];
    const names = k.names ? k.names(spec) : [undefined];
    return names.flatMap((n) => k.attributes.map((a) => `\${${[kind, n, a].filter((x) => x !== undefined).join('.')}}`));
  });
}

/**
 * An env value that is a reference, checked against the spec; undefined for a plain value.
 * `nearest` picks the did-you-mean among candidates (spec/schema-check.ts `suggest`, passed in so
 * this module stays free of the schema checker).
 */
export function parseEnvReference(spec: NormalizedSpec, value: string, nearest: (word: string, candidates: readonly string[]) => string | undefined): EnvReferenceResult | undefined {
  if (!mentionsReference(value)) return undefined;
  // `${REDIS_HOST}` or `${spring.datasource.url}` belong to the application, which expands them
  // itself: only a `${...}` whose first part is a kind (or a near miss of one) is dex's.
  const kinds = Object.keys(ENV_REFERENCE_KINDS);
  const ours = [...value.matchAll(/\$\{([^}]*)\}/g)].filter((m) => {
    const first = m[1]!.split('.')[0]!;
    return m[1]!.includes('.') && (isKind(first) || nearest(first, kinds) !== undefined);
  });
  if (ours.length === 0) return undefined;
  const all = envReferences(spec);
  const parts = referenceParts(value);
  if (parts === undefined || ours.length > 1) {
    const inner = ours[0]![0];
    return { ok: false, problem: `a reference is the whole value, not part of a longer string`, near: all.includes(inner) ? inner : undefined };
  }
  const near = (): string | undefined => nearest(value, all);
  const [kind, ...rest] = parts;
  if (kind === undefined || !isKind(kind)) return { ok: false, problem: `${kind ?? ''} is not a kind of resource an env value can refer to (${Object.keys(ENV_REFERENCE_KINDS).join(', ')})`, near: near() };
  const k: EnvReferenceKind = ENV_REFERENCE_KINDS[kind];
  const absent = k.absent?.(spec);
  if (absent !== undefined) return { ok: false, problem: `\${${kind}...} refers to nothing: ${absent}`, near: undefined };
  const [name, attribute] = k.names ? [rest[0], rest[1]] : [undefined, rest[0]];
  const arity = k.names ? 2 : 1;
  if (rest.length !== arity || attribute === undefined || attribute === '') return { ok: false, problem: `a ${kind} reference is \${${kind}.${k.names ? 'NAME.' : ''}ATTRIBUTE}`, near: near() };
  if (k.names && name !== undefined) {
    const names = k.names(spec);
    if (!names.includes(name)) {
      const n = nearest(name, names);
      return { ok: false, problem: `the spec has no ${kind} named ${name}${names.length ? ` (it has ${names.join(', ')})` : ''}`, near: n === undefined ? undefined : `\${${kind}.${n}.${k.attributes.includes(attribute) ? attribute : k.attributes[0]!}}` };
    }
  }
  if (!k.attributes.includes(attribute)) {
    const a = nearest(attribute, k.attributes);
    return { ok: false, problem: `${kind} have no attribute ${attribute} (${k.attributes.join(', ')})`, near: a === undefined ? undefined : `\${${[kind, name, a].filter((x) => x !== undefined).join('.')}}` };
  }
  return { ok: true, reference: { kind, name, attribute } };
}
