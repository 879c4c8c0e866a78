// Checks a plain value against schema.json (through the precompiled validator) and turns every
// ajv error into a Finding at the right spec path, with "did you mean" where it helps.
import type { ErrorObject } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { dexSchema, validate } from './generated/validate-schema.js';
import type { Finding, SpecPath } from './diagnostics.js';

type SchemaNode = Record<string, unknown> & {
  properties?: Record<string, SchemaNode>;
  enum?: unknown[];
  description?: string;
  examples?: unknown[];
  $ref?: string;
};

/** A value quoted in a message, cut short: a value can be megabytes long, a message is one line. */
function shown(data: unknown): string {
  const text = JSON.stringify(data) ?? String(data);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export function checkAgainstSchema(value: unknown): Finding[] {
  if (validate(value)) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  const findings: Finding[] = [];
  // A value that may take one of several shapes (a plain name or an object, as `secrets` items):
  // when the branch of its own type failed on its content, that is the complaint; the other
  // branches' "wrong type" is not.
  const inBranch = (e: ErrorObject) => /\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath);
  const branchContentPaths = new Set(errors.filter((e) => inBranch(e) && e.keyword !== 'type' && e.keyword !== 'oneOf' && e.keyword !== 'anyOf').map((e) => e.instancePath));
  const otherBranchType = (e: ErrorObject) => e.keyword === 'type' && inBranch(e) && branchContentPaths.has(e.instancePath);
  // A wrong type makes every other complaint about the same value noise.
  const typeErrorPaths = new Set(errors.filter((e) => e.keyword === 'type' && !otherBranchType(e)).map((e) => e.instancePath));
  for (const error of errors) {
    if (otherBranchType(error) || ((error.keyword === 'oneOf' || error.keyword === 'anyOf') && branchContentPaths.has(error.instancePath))) continue;
    if (error.keyword !== 'type' && typeErrorPaths.has(error.instancePath) && error.keyword !== 'required') continue;
    if (error.keyword === 'propertyNames' || error.keyword === 'if') continue;
    const finding = toFinding(error, value);
    if (finding) findings.push(finding);
  }
  return findings;
}

export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function valueAt(root: unknown, path: SpecPath): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function describePath(path: SpecPath): string {
  if (path.length === 0) return 'the top level';
  return path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
}

function toFinding(error: ErrorObject, root: unknown): Finding | undefined {
  const path = pointerToPath(error.instancePath);
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const data = error.data;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      return {
        code: 'DEX200',
        message: `unknown property "${key}" in ${describePath(path)}`,
        path: [...path, key],
        atKey: true,
        hint: unknownKeyHint(key, allowed, parent),
      };
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const sub = parent.properties?.[missing];
      return {
        code: 'DEX201',
        message: `missing required property "${missing}"${path.length ? ` in ${describePath(path)}` : ''}`,
        path,
        atKey: true,
        hint: sub?.examples?.length ? `for example ${missing}: ${JSON.stringify(sub.examples[0])}` : sub?.description,
      };
    }
    case 'type': {
      const expected = String((error.params as { type: string | string[] }).type).replace(/,/g, ' or ');
      return { code: 'DEX202', message: `expected ${article(expected)}, got ${describeType(data)}`, path, hint: typeHint(expected, data) };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      return { code: 'DEX203', message: `${shown(data)} is not an allowed value for ${lastKey(path)}`, path, hint: enumHint(data, allowed) };
    }
    case 'const': {
      const allowed = (error.params as { allowedValue: unknown }).allowedValue;
      return { code: 'DEX203', message: `${lastKey(path)} must be ${JSON.stringify(allowed)}, got ${shown(data)}`, path };
    }
    case 'pattern': {
      if (error.propertyName !== undefined) {
        return {
          code: 'DEX208',
          message: `"${error.propertyName}" is not a valid name in ${describePath(path)}`,
          path: [...path, error.propertyName],
          atKey: true,
          hint: nameHint(error.instancePath),
        };
      }
      const what = typeof path[path.length - 1] === 'number' ? `entry in ${lastKey(path)}` : lastKey(path);
      // An env value may be a secret that belongs in secrets: — never echoed, nor shown in a frame.
      if (path[path.length - 2] === 'env') return { code: 'DEX204', message: `the value of ${what} is not valid`, path, hint: patternHint(parent), secret: true };
      return { code: 'DEX204', message: `${shown(data)} is not a valid ${what}`, path, hint: patternHint(parent) };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const { comparison, limit } = error.params as { comparison: string; limit: number };
      return { code: 'DEX205', message: `${lastKey(path)} must be ${comparison} ${limit}, got ${shown(data)}`, path };
    }
    case 'minItems':
    case 'maxItems': {
      const { limit } = error.params as { limit: number };
      return { code: 'DEX206', message: `${lastKey(path)} must have ${error.keyword === 'minItems' ? 'at least' : 'at most'} ${limit} item${limit === 1 ? '' : 's'}`, path };
    }
    case 'minProperties':
    case 'maxProperties': {
      const { limit } = error.params as { limit: number };
      return { code: 'DEX206', message: `${describePath(path)} must have ${error.keyword === 'minProperties' ? 'at least' : 'at most'} ${limit} entr${limit === 1 ? 'y' : 'ies'}`, path };
    }
    case 'uniqueItems': {
      const { i, j } = error.params as { i: number; j: number };
      const items = valueAt(root, path) as unknown[];
      return { code: 'DEX207', message: `${JSON.stringify(items?.[i])} appears twice in ${lastKey(path)}`, path: [...path, Math.max(i, j)], hint: 'remove the repeated item' };
    }
    case 'maxLength':
    case 'minLength': {
      const { limit } = error.params as { limit: number };
      return { code: 'DEX204', message: `${lastKey(path)} must be ${error.keyword === 'maxLength' ? 'at most' : 'at least'} ${limit} character${limit === 1 ? '' : 's'} long`, path };
    }
    default:
      return { code: 'DEX209', message: `${describePath(path)}: ${error.message ?? 'does not match the schema'}`, path };
  }
}

function lastKey(path: SpecPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return String(path[i]);
  return 'value';
}

function article(type: string): string {
  if (type === 'object') return 'a map (key: value entries)';
  if (type === 'array') return 'a list';
  if (type === 'integer') return 'a whole number';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeType(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the number ${v}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function typeHint(expected: string, data: unknown): string | undefined {
  if (expected === 'string' && typeof data === 'number') return `quote it: "${data}"`;
  if (expected === 'integer' && typeof data === 'string' && /^\d+$/.test(data)) return `remove the quotes: ${data}`;
  if (expected === 'object' && data === null) return 'the key has no value; indent its properties below it, or remove it';
  if (expected === 'array' && typeof data === 'string') return `write a list: [${data}]`;
  if (expected === 'boolean' && typeof data === 'string') return 'use true or false without quotes';
  return undefined;
}

function enumHint(data: unknown, allowed: readonly unknown[]): string | undefined {
  if (typeof data !== 'string') return allowed.length <= 12 ? `allowed: ${allowed.map((a) => JSON.stringify(a)).join(', ')}` : undefined;
  const strings = allowed.filter((a): a is string => typeof a === 'string');
  // The right value with the wrong prefix: an RDS class where an EC2 type goes, and the like.
  const prefixes: [string, string, string][] = [['db.', 'an RDS instance class', 'RDS instance classes'], ['cache.', 'an ElastiCache node type', 'ElastiCache node types']];
  for (const [prefix, one, many] of prefixes) {
    if (data.startsWith(prefix) && strings.includes(data.slice(prefix.length))) return `${data} is ${one}; here an EC2 instance type is expected: did you mean ${data.slice(prefix.length)}?`;
    if (!data.startsWith(prefix) && strings.includes(prefix + data)) return `${many} start with "${prefix}": did you mean ${prefix + data}?`;
  }
  const suggestion = suggest(data, strings);
  if (suggestion) return `did you mean ${suggestion}?`;
  if (strings.length <= 12) return `allowed: ${strings.join(', ')}`;
  const family = strings.filter((s) => s.split('.')[0] === data.split('.')[0]);
  if (family.length > 0 && family.length <= 16) return `allowed in this family: ${family.join(', ')}`;
  return undefined;
}

export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = word.toLowerCase();
  const exactCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactCase) return exactCase;
  const best = closest(lower, candidates.map((c) => c.toLowerCase()));
  const d = distance(lower, best);
  if (d <= Math.max(2, Math.floor(word.length / 3))) return candidates.find((c) => c.toLowerCase() === best);
  return undefined;
}

/**
 * The candidate nearest to `word`, or none when even the nearest is too far to be a typo. Names
 * are words joined by `_`: a candidate holding every word of `word` (or the other way round) is
 * nearer than any other (KYC_PROVIDER_KEY finds KYC_PROVIDER_API_KEY, not RPC_PROVIDER_KEYS, which
 * is fewer edits away); then the case-insensitive edit distance, then the longest common prefix.
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const words = (text: string) => new Set(text.split(/[_/\s-]+/).filter(Boolean));
  const own = words(w);
  const contains = (a: Set<string>, b: Set<string>) => [...b].every((x) => a.has(x));
  const prefix = (c: string) => {
    let i = 0;
    while (i < c.length && i < w.length && c[i] === w[i]) i++;
    return i;
  };
  let best: { name: string; rank: [number, number, number] } | undefined;
  for (const name of candidates) {
    const c = name.toLowerCase();
    const theirs = words(c);
    const rank: [number, number, number] = [contains(theirs, own) || contains(own, theirs) ? 0 : 1, distance(w, c), -prefix(c)];
    if (!best || rank[0] < best.rank[0] || (rank[0] === best.rank[0] && (rank[1] < best.rank[1] || (rank[1] === best.rank[1] && rank[2] < best.rank[2])))) best = { name, rank };
  }
  if (!best) return undefined;
  return best.rank[0] === 0 || best.rank[1] <= Math.max(2, Math.floor(word.length / 3)) ? best.name : undefined;
}

function unknownKeyHint(key: string, allowed: readonly string[], parent: SchemaNode): string | undefined {
  const suggestion = suggest(key, allowed);
  if (suggestion) return `did you mean "${suggestion}"?`;
  // The key may be right but one level too high: a property of one of this object's children.
  const owners = Object.entries(parent.properties ?? {})
    .filter(([, schema]) => Object.prototype.hasOwnProperty.call(resolveRef(schema)?.properties ?? {}, key))
    .map(([child]) => `${child}:`);
  if (owners.length) return `"${key}" belongs one level down: indent it under ${owners.join(' or ')}`;
  return allowed.length ? `allowed here: ${allowed.join(', ')}` : undefined;
}

let definitionsCache: Record<string, SchemaNode> | undefined;
function resolveRef(schema: SchemaNode | undefined): SchemaNode | undefined {
  if (!schema?.$ref) return schema;
  if (!definitionsCache) definitionsCache = (dexSchemaDefinitions() ?? {}) as Record<string, SchemaNode>;
  return definitionsCache[schema.$ref.replace('#/definitions/', '')];
}

function dexSchemaDefinitions(): Record<string, unknown> | undefined {
  return (dexSchema as { definitions?: Record<string, unknown> }).definitions;
}

function patternHint(parent: SchemaNode): string | undefined {
  // The schema's own hint (also shown by yaml-language-server) says best what the shape is.
  if (typeof parent.patternErrorMessage === 'string') return parent.patternErrorMessage;
  const pattern = String(parent.pattern ?? '');
  const example = parent.examples?.[0];
  if (pattern.includes('[0-9]{1,2}$') && pattern.includes('{3}')) return 'write an IPv4 CIDR block, e.g. 10.0.1.0/24';
  if (pattern.includes('MiB|GiB')) return 'write an amount with its unit, e.g. 512MiB or 2GiB';
  if (pattern.startsWith('^[A-Z][A-Z0-9_]')) return 'secret names are UPPER_SNAKE_CASE, e.g. STRIPE_API_KEY';
  if (pattern.includes('(s|m|h)')) return 'write a duration such as 30s, 5m or 1h';
  if (pattern.includes(':acm:')) return 'an ACM certificate ARN: arn:aws:acm:REGION:ACCOUNT:certificate/ID';
  if (pattern.startsWith('^/')) return 'paths start with /';
  if (pattern.includes('@')) return 'write an e-mail address';
  const base = parent.description ? parent.description : undefined;
  return example !== undefined ? `${base ?? ''}${base ? ' ' : ''}For example: ${JSON.stringify(example)}` : base;
}

function nameHint(pointer: string): string {
  if (pointer.endsWith('/tags')) return 'tag keys are 1 to 128 characters and may not start with aws: or dex:';
  return 'names use lowercase letters, digits and hyphens, start with a letter and end with a letter or digit';
}
