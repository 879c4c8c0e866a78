// The test-side authority every CloudFormation template dex emits must satisfy.
//
// Checks a template against the CloudFormation resource provider schemas (the registry schemas
// as patched by cfn-lint, copied into test/fixtures/cfn by scripts/extract-cfn-schemas.mjs) and
// against the template rules CloudFormation enforces itself: sections, logical IDs, references,
// dependency cycles, deletion policies and service quotas. `validateStackSet` adds the
// cross-stack rules (Fn::ImportValue against the exports of earlier stacks).
//
//   validateTemplate(template)            -> TemplateProblem[] ([] when valid)
//   validateStackSet([{name, template}])  -> TemplateProblem[] (cross-stack only)
//   createOnlyProperties(type)            -> [['DBName'], ['DBSubnetGroupName'], ...] (change = replacement)
//   conditionalCreateOnlyProperties(type) -> [['Engine'], ['MultiAZ'], ...] (change may replace)
//   readOnlyAttributes(type)              -> ['Arn', 'Endpoint.Address', ...] (what Fn::GetAtt accepts)
//
// How intrinsic functions are validated (the one non-obvious design choice):
// any value may be an intrinsic function ({Ref}, {Fn::Sub}, ...) whose result is unknown until
// deploy time, but literal values next to it must still be checked strictly. Before ajv runs,
// every intrinsic in Properties is replaced by a *sentinel string* ("\u0000cfn-intrinsic:" + its
// JSON, so two different intrinsics in a `uniqueItems` array stay distinct), and every schema is
// rewritten once, at compile time, so that each *value position* (the subschemas under
// properties, patternProperties, additionalProperties, items) becomes
//   { if: { cfnIntrinsic: true }, else: <original subschema> }
// i.e. "a sentinel is accepted whatever the expected type; anything else must match the
// original subschema". This is robust where walking schema and value together is not: it keeps
// ajv's own handling of $ref, oneOf/anyOf, patternProperties and additionalProperties, needs no
// guess of which branch of a oneOf an intrinsic belongs to, and a sentinel can never satisfy a
// check by accident on a literal (literal values never start with "\u0000"). Object keywords
// (required, additionalProperties, requiredXor...) still see the keys around an intrinsic.
// Subschemas in negative positions (`not`, the condition of `if`) are left unwrapped, so an
// unknown value never makes a `not` fail or an `if` condition hold. `{Ref: AWS::NoValue}`
// removes its key (or array item) as CloudFormation does. `{{resolve:...}}` dynamic references
// are treated like intrinsics.
// `Fn::If` is not a sentinel but resolved: the properties of a resource are validated once per
// scenario, i.e. per truth assignment of its Fn::If conditions that the Conditions section allows
// (conditions are evaluated over their Fn::Equals atoms, so IsProd and Fn::Not [IsProd] are never
// both true, and a resource's own Condition holds), so literal branches are checked and a
// property set in one branch and excluded in the other is judged in the right combination.
// Beyond 8 atoms it falls back to a "maybe absent" sentinel for Fn::If with an AWS::NoValue
// branch (not counted by requiredXor / dependentExcluded) and a plain sentinel otherwise.
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction, KeywordDefinition } from 'ajv';
import type { DataValidateFunction } from 'ajv/dist/types/index.js';
import { closest, distance } from 'fastest-levenshtein';

// ---------------------------------------------------------------------------------------------
// Public types

export interface TemplateProblem {
  /** Where in the template, slash-separated: `Resources/Db/Properties/Engine`, `Outputs/VpcId/Export/Name`. */
  path: string;
  message: string;
}

export interface ValidateOptions {
  /**
   * CloudFormation converts scalar types on the way in ("443" is accepted for an integer, 443
   * for a string). By default dex must emit the canonical JSON type, so this is off: set it to
   * accept what CloudFormation would accept.
   */
  coerceScalars?: boolean;
  /** Byte size of the body actually uploaded, when it is not the compact JSON serialization. */
  bodyBytes?: number;
}

export interface ProviderSchema {
  typeName: string;
  properties?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  required?: string[];
  readOnlyProperties?: string[];
  createOnlyProperties?: string[];
  writeOnlyProperties?: string[];
  [keyword: string]: unknown;
}

export interface ProviderSchemaBundle {
  source: Record<string, unknown>;
  schemas: Record<string, ProviderSchema>;
}

type JsonSchema = { [keyword: string]: unknown };

// ---------------------------------------------------------------------------------------------
// Provider schemas

const FIXTURE = new URL('../fixtures/cfn/provider-schemas.json.gz', import.meta.url);
let bundle: ProviderSchemaBundle | undefined;

/** The provider schemas fixture (read and parsed once). */
export function loadProviderSchemas(): ProviderSchemaBundle {
  bundle ??= JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString('utf8')) as ProviderSchemaBundle;
  return bundle;
}

function providerSchema(type: string): ProviderSchema | undefined {
  const schemas = loadProviderSchemas().schemas;
  return Object.prototype.hasOwnProperty.call(schemas, type) ? schemas[type] : undefined;
}

function isCustomType(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

function requireSchema(type: string): ProviderSchema {
  const schema = providerSchema(type);
  if (!schema) throw new Error(`no provider schema for ${type} in test/fixtures/cfn (add it to scripts/extract-cfn-schemas.mjs)`);
  return schema;
}

/** `createOnlyProperties` of a type as property paths: `/properties/Engine` -> `['Engine']`, arrays as `'*'`. */
export function createOnlyProperties(type: string): string[][] {
  if (type.startsWith('Custom::')) return [['ServiceToken']];
  return (requireSchema(type).createOnlyProperties ?? []).map(pointerToPath);
}

/**
 * `conditionalCreateOnlyProperties` as paths: properties whose change *may* replace the resource,
 * depending on the old and new values (e.g. AWS::RDS::DBInstance Engine, MultiAZ).
 */
export function conditionalCreateOnlyProperties(type: string): string[][] {
  if (type.startsWith('Custom::')) return [];
  return ((requireSchema(type).conditionalCreateOnlyProperties as string[] | undefined) ?? []).map(pointerToPath);
}

function pointerToPath(pointer: string): string[] {
  const parts = pointer.split('/').slice(1);
  if (parts[0] === 'properties') parts.shift();
  return parts.map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

// What Fn::GetAtt accepts. Mirrors cfn-lint's reading of the schemas (src/cfnlint/schema/_getatts.py):
// every readOnlyProperties entry, objects expanded into their leaf properties (Endpoint ->
// Endpoint.Address, Endpoint.Port), arrays as leaves, entries through arrays (`*`) skipped; plus
// the resource types whose GetAtt also accepts writable properties (documented attributes that
// the registry schema does not mark read-only, e.g. AWS::EC2::VPC CidrBlock, AWS::SNS::Topic TopicName).
const GETATT_ALL_PROPERTIES = new Set([
  'AWS::AutoScaling::AutoScalingGroup', 'AWS::Backup::BackupSelection', 'AWS::Backup::BackupVault',
  'AWS::EC2::Subnet', 'AWS::EC2::VPC', 'AWS::EKS::Nodegroup', 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::Events::EventBus', 'AWS::RDS::DBParameterGroup', 'AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::SSM::Parameter',
]);
const GETATT_EXTRA: Record<string, string[]> = {
  'AWS::EC2::Instance': ['AvailabilityZone'],
  'AWS::EC2::SecurityGroup': ['VpcId'],
  'AWS::ServiceDiscovery::Service': ['Name'],
};
const getAttCache = new Map<string, string[]>();

/** Attributes `Fn::GetAtt` accepts for a type (`Arn`, `Endpoint.Address`, ...), sorted. */
export function readOnlyAttributes(type: string): string[] {
  const cached = getAttCache.get(type);
  if (cached) return cached;
  const schema = requireSchema(type);
  const out = new Set<string>();
  const add = (name: string, node: JsonSchema | undefined, depth = 0): void => {
    if (!node || depth > 8) return;
    const resolved = typeof node.$ref === 'string' ? resolveRef(schema, node.$ref) : node;
    if (!resolved) return;
    if (resolved.type === 'object') {
      for (const [prop, sub] of Object.entries((resolved.properties as Record<string, JsonSchema> | undefined) ?? {})) add(`${name}.${prop}`, sub, depth + 1);
    } else {
      out.add(name);
    }
  };
  if (GETATT_ALL_PROPERTIES.has(type)) {
    for (const [name, sub] of Object.entries(schema.properties ?? {})) add(name, sub);
  }
  for (const name of GETATT_EXTRA[type] ?? []) add(name, schema.properties?.[name]);
  for (const pointer of schema.readOnlyProperties ?? []) {
    const path = pointerToPath(pointer);
    if (path.includes('*')) continue;
    add(path.join('.'), resolvePath(schema, path));
  }
  const list = [...out].sort();
  getAttCache.set(type, list);
  return list;
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node && typeof node === 'object' ? (node as JsonSchema) : undefined;
}

function resolvePath(root: JsonSchema, path: string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  for (const part of path) {
    for (let i = 0; node && typeof node.$ref === 'string' && i < 10; i++) node = resolveRef(root, node.$ref);
    if (!node) return undefined;
    if (part === '*') node = node.items as JsonSchema | undefined;
    else node = (node.properties as Record<string, JsonSchema> | undefined)?.[part];
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// Python regular expressions in the schemas
//
// cfn-lint evaluates `pattern` with Python's `regex` module; ajv with JavaScript RegExp. The
// patterns in the schemas use Python-only syntax: `\Z` / `\A` (end / start of string), inline
// flags like `(?i)` in the middle of a pattern (applied to the whole pattern here), `\p{Print}`,
// and identity escapes such as `\_` or `\:` that a unicode-mode RegExp rejects; and Python's `.`
// matches '\r', U+2028 and U+2029, JavaScript's does not. They are translated here; a pattern that still does
// not compile is recorded in `untranslatablePatterns` (the tests assert it stays empty) and
// accepts everything rather than failing valid templates.

export const untranslatablePatterns = new Set<string>();
const regExpCache = new Map<string, { test: (s: string) => boolean }>();

/**
 * Patterns that backtrack catastrophically in JavaScript (no atomic groups, no regex timeout), each
 * replaced by an equivalent linear pattern. The test "every schema pattern runs in linear time"
 * finds new ones when the fixture grows.
 */
const LINEAR_EQUIVALENTS: Record<string, string> = {
  // AWS::WAFv2::WebACL JsonPointerPath: '/' then any text in which '~' is followed by 0 or 1.
  // The original took 10 s on "////////////////////////////~"; the {1,512} bound on the repetition
  // only matters past 512 "~0" escapes.
  '^[\\/]+([^~]*(~[01])*){1,512}$': '^[\\/]+(?:[^~]|~[01])*$',
};

function translatePythonPattern(pattern: string): { source: string; flags: string } {
  const input = LINEAR_EQUIVALENTS[pattern] ?? pattern;
  const dotAll = /\(\?[aiLmux]*s[aiLmsux]*\)/.test(input);
  let source = '';
  let flags = '';
  let inClass = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '\\') {
      const next = input[i + 1] ?? '';
      if (!inClass && (next === 'Z' || next === 'z')) source += '$';
      else if (!inClass && next === 'A') source += '^';
      else if (input.startsWith('p{Print}', i + 1)) {
        source += '\\P{Cc}';
        i += 'p{Print}'.length - 1;
      } else source += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      source += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      source += c;
      // a ']' right after '[' or '[^' is a literal in Python
      if (input[i + 1] === '^') source += input[++i];
      if (input[i + 1] === ']') source += `\\${input[++i]}`;
      continue;
    }
    if (c === '(' && input[i + 1] === '?') {
      const m = /^\(\?([aiLmsux]+)\)/.exec(input.slice(i));
      if (m) {
        for (const f of m[1] ?? '') if ('im'.includes(f) && !flags.includes(f)) flags += f;
        i += m[0].length - 1;
        continue;
      }
    }
    // Python's '.' matches everything but '\n'; JavaScript's also excludes '\r', U+2028 and U+2029.
    source += c === '.' ? (dotAll ? '[\\s\\S]' : '[^\\n]') : c;
  }
  return { source, flags };
}

/** A schema pattern as the validator runs it (Python syntax translated; cached). */
export function schemaPattern(pattern: string): { test: (s: string) => boolean } {
  return pythonRegExp(pattern, 'u');
}

function pythonRegExp(pattern: string, u: string): { test: (s: string) => boolean } {
  const key = `${u}/${pattern}`;
  const cached = regExpCache.get(key);
  if (cached) return cached;
  const { source, flags } = translatePythonPattern(pattern);
  let re: { test: (s: string) => boolean } | undefined;
  for (const f of [flags + u, flags]) {
    try {
      re = new RegExp(source, f);
      break;
    } catch {
      // try the next mode: non-unicode mode accepts Python's identity escapes (\_ \: \-)
    }
  }
  if (!re) {
    untranslatablePatterns.add(pattern);
    re = { test: () => true };
  }
  regExpCache.set(key, re);
  return re;
}
pythonRegExp.code = 'pythonRegExp';

// ---------------------------------------------------------------------------------------------
// Schema rewriting and compilation

const SENTINEL = '\u0000cfn-intrinsic:';
const MAYBE_ABSENT = '\u0000cfn-intrinsic?:';

const isSentinel = (v: unknown): boolean => typeof v === 'string' && v.startsWith('\u0000cfn-intrinsic');
const isMaybeAbsent = (v: unknown): boolean => typeof v === 'string' && v.startsWith(MAYBE_ABSENT);

/** Keywords of the registry schema language that carry no validation (dropped before compiling). */
const NON_VALIDATION = new Set([
  '$schema', '$id', '$comment', 'typeName', 'description', 'sourceUrl', 'documentationUrl', 'primaryIdentifier',
  'additionalIdentifiers', 'readOnlyProperties', 'writeOnlyProperties', 'createOnlyProperties',
  'conditionalCreateOnlyProperties', 'deprecatedProperties', 'nonPublicProperties', 'nonPublicDefinitions',
  'handlers', 'tagging', 'taggable', 'propertyTransform', 'replacementStrategy', 'resourceLink', 'relationshipRef',
  'insertionOrder', 'arrayType', 'examples', 'default', 'title', 'markdownDescription', 'lifecycle', 'status',
  'date', 'properties/MaximumDuration', 'cfnSchema', 'cfnLint',
]);

function mapValues(obj: unknown, fn: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((obj ?? {}) as Record<string, unknown>)) out[k] = fn(v);
  return out;
}

/** Rewrites a provider schema for ajv (see the header comment). `negative`: inside `not` / `if`. */
function rewrite(node: unknown, negative: boolean, formats: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, negative, formats));
  if (!node || typeof node !== 'object') return node;
  const value = (s: unknown): unknown =>
    negative || typeof s !== 'object' || s === null ? rewrite(s, negative, formats) : { if: { cfnIntrinsic: true }, else: rewrite(s, false, formats) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (NON_VALIDATION.has(k)) continue;
    switch (k) {
      case 'properties':
      case 'patternProperties':
        out[k] = mapValues(v, value);
        break;
      case 'additionalProperties':
      case 'additionalItems':
        out[k] = value(v);
        break;
      case 'items':
        out[k] = Array.isArray(v) ? v.map(value) : value(v);
        break;
      case 'definitions':
        out[k] = mapValues(v, (d) => rewrite(d, false, formats));
        break;
      case 'if':
      case 'not':
        out[k] = rewrite(v, true, formats);
        break;
      case 'then':
      case 'else':
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[k] = rewrite(v, negative, formats);
        break;
      case 'dependencies':
        out[k] = mapValues(v, (d) => (Array.isArray(d) ? d : rewrite(d, negative, formats)));
        break;
      case 'format':
        if (typeof v === 'string') formats.add(v);
        out[k] = v;
        break;
      default:
        out[k] = v; // enum, const, required, type, pattern, min/max... and cfn-lint keywords: data, copied as is
    }
  }
  return out;
}

const HEX_ID = (prefix: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);
// cfn-lint's formats. The AWS resource formats that cfn-lint checks with a pattern are checked
// here for literal values (an intrinsic never reaches a format check); the others (ARNs, names,
// `int64`, `timestamp`, `uri`) are accepted as is: their properties carry their own patterns.
const FORMATS: Record<string, (s: string) => boolean> = {
  'AWS::EC2::VPC.Id': (s) => HEX_ID('vpc').test(s),
  'AWS::EC2::Subnet.Id': (s) => HEX_ID('subnet').test(s),
  'AWS::EC2::SecurityGroup.Id': (s) => HEX_ID('sg').test(s),
  'AWS::EC2::Image.Id': (s) => HEX_ID('ami').test(s),
  'ipv4-network': (s) => isIpv4Cidr(s),
  'ipv6-network': (s) => /^[0-9a-fA-F:.]+\/(\d{1,3})$/.test(s) && Number(s.split('/')[1]) <= 128 && s.includes(':'),
  json: (s) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  },
  'date-time': (s) => !Number.isNaN(Date.parse(s)),
};

function isIpv4Cidr(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

type KeywordErrors = { keyword: string; message: string; params: Record<string, unknown> }[];

function keyword(name: string, check: (schema: never, data: Record<string, unknown>) => string | undefined, dataType: 'object' | 'array' = 'object'): KeywordDefinition {
  const validate = ((schema: never, data: unknown) => {
    if (dataType === 'object' ? !data || typeof data !== 'object' || Array.isArray(data) : !Array.isArray(data)) return true;
    const message = check(schema, data as Record<string, unknown>);
    if (message === undefined) return true;
    (validate as unknown as { errors: KeywordErrors }).errors = [{ keyword: name, message, params: {} }];
    return false;
  }) as DataValidateFunction;
  return { keyword: name, validate, errors: true };
}

const present = (data: Record<string, unknown>, k: string) => data[k] !== undefined;
const definitelyPresent = (data: Record<string, unknown>, k: string) => data[k] !== undefined && !isMaybeAbsent(data[k]);
const list = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

// cfn-lint's extension keywords: real CloudFormation constraints the registry cannot express.
const CFN_LINT_KEYWORDS: KeywordDefinition[] = [
  keyword('requiredXor', (names: string[], data) => {
    const definite = names.filter((n) => definitelyPresent(data, n));
    const maybe = names.filter((n) => present(data, n));
    if (definite.length > 1) return `only one of ${list(names)} may be set (found ${list(definite)})`;
    if (maybe.length === 0) return `exactly one of ${list(names)} must be set`;
    return undefined;
  }),
  keyword('requiredOr', (names: string[], data) =>
    names.some((n) => present(data, n)) ? undefined : `at least one of ${list(names)} must be set`),
  keyword('dependentExcluded', (deps: Record<string, string[]>, data) => {
    for (const [k, excluded] of Object.entries(deps)) {
      if (!definitelyPresent(data, k)) continue;
      const clash = excluded.filter((e) => definitelyPresent(data, e));
      if (clash.length > 0) return `'${k}' cannot be set together with ${list(clash)}`;
    }
    return undefined;
  }),
  keyword('dependentRequired', (deps: Record<string, string[]>, data) => {
    for (const [k, needed] of Object.entries(deps)) {
      if (!definitelyPresent(data, k)) continue;
      const missing = needed.filter((e) => !present(data, e));
      if (missing.length > 0) return `'${k}' requires ${list(missing)}`;
    }
    return undefined;
  }),
  keyword(
    'maxUniqueItems',
    (max: number, data) => {
      const n = new Set((data as unknown as unknown[]).map((v) => JSON.stringify(v))).size;
      return n > max ? `must NOT have more than ${max} distinct items (has ${n})` : undefined;
    },
    'array',
  ),
  keyword(
    'uniqueKeys',
    (keys: string[], data) => {
      const seen = new Set<string>();
      for (const item of data as unknown as unknown[]) {
        if (!item || typeof item !== 'object') continue;
        const k = JSON.stringify(keys.map((key) => (item as Record<string, unknown>)[key]));
        if (seen.has(k)) return `items must have unique ${list(keys)}: ${k} repeats`;
        seen.add(k);
      }
      return undefined;
    },
    'array',
  ),
];

const enumCaseInsensitive: KeywordDefinition = {
  keyword: 'enumCaseInsensitive',
  schemaType: 'array',
  errors: true,
  validate: function validate(values: unknown[], data: unknown): boolean {
    if (typeof data !== 'string') return true;
    if (values.some((v) => typeof v === 'string' && v.toLowerCase() === data.toLowerCase())) return true;
    (validate as unknown as { errors: KeywordErrors }).errors = [
      { keyword: 'enum', message: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')} (any case)`, params: { allowedValues: values } },
    ];
    return false;
  } as DataValidateFunction,
};

const cfnIntrinsic: KeywordDefinition = {
  keyword: 'cfnIntrinsic',
  schemaType: 'boolean',
  errors: false,
  validate: ((_schema: boolean, data: unknown) => isSentinel(data)) as DataValidateFunction,
};

const engines = new Map<boolean, { ajv: Ajv; formats: Set<string>; compiled: Map<string, ValidateFunction> }>();

function engine(coerce: boolean) {
  let e = engines.get(coerce);
  if (!e) {
    const ajv = new Ajv({
      strict: false, // the registry schemas carry keywords ajv does not know; the validation ones are registered below
      allErrors: true,
      verbose: true,
      allowUnionTypes: true,
      validateSchema: false,
      coerceTypes: coerce,
      code: { regExp: pythonRegExp },
    });
    for (const k of [...CFN_LINT_KEYWORDS, enumCaseInsensitive, cfnIntrinsic]) ajv.addKeyword(k);
    for (const [name, fn] of Object.entries(FORMATS)) ajv.addFormat(name, fn);
    e = { ajv, formats: new Set(Object.keys(FORMATS)), compiled: new Map() };
    engines.set(coerce, e);
  }
  return e;
}

function compiledValidator(type: string, coerce: boolean): ValidateFunction {
  const e = engine(coerce);
  const cached = e.compiled.get(type);
  if (cached) return cached;
  {
    const formats = new Set<string>();
    const schema = rewrite(requireSchema(type), false, formats) as JsonSchema;
    for (const f of formats) {
      if (!e.formats.has(f)) {
        e.ajv.addFormat(f, true);
        e.formats.add(f);
      }
    }
    const fn = e.ajv.compile(schema);
    e.compiled.set(type, fn);
    return fn;
  }
}

// ---------------------------------------------------------------------------------------------
// Intrinsic functions

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region',
  'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix',
]);
const INTRINSICS = new Set([
  'Ref', 'Fn::GetAtt', 'Fn::Sub', 'Fn::Join', 'Fn::Select', 'Fn::Split', 'Fn::GetAZs', 'Fn::ImportValue',
  'Fn::If', 'Fn::Base64', 'Fn::FindInMap', 'Fn::Cidr', 'Fn::ToJsonString', 'Fn::Length', 'Fn::Transform',
  'Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not', 'Fn::GetStackOutput',
]);
const CONDITION_FUNCTIONS = new Set(['Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not']);
const LANGUAGE_EXTENSIONS = new Set(['Fn::ToJsonString', 'Fn::Length']);

/** The intrinsic function name of a value `{ "Fn::X": ... }` / `{ Ref: ... }`, if it is one. */
function intrinsicName(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const k = keys[0] as string;
  return k === 'Ref' || k.startsWith('Fn::') ? k : undefined;
}

const REMOVE = Symbol('AWS::NoValue');

/**
 * Properties with every intrinsic replaced by a sentinel (see the header comment). With a
 * `scenario` (condition name -> value), `Fn::If` of those conditions is resolved to the chosen
 * branch, so literal branches are validated too.
 */
function placeholders(value: unknown, scenario?: ReadonlyMap<string, boolean>): unknown {
  if (Array.isArray(value)) return value.map((v) => placeholders(v, scenario)).filter((v) => v !== REMOVE);
  if (typeof value === 'string') return value.includes('{{resolve:') ? SENTINEL + value : value;
  if (!value || typeof value !== 'object') return value;
  const fn = intrinsicName(value);
  if (fn) {
    const arg = (value as Record<string, unknown>)[fn];
    if (fn === 'Ref' && arg === 'AWS::NoValue') return REMOVE;
    if (fn === 'Fn::If' && Array.isArray(arg) && arg.length === 3 && typeof arg[0] === 'string' && scenario?.has(arg[0])) {
      return placeholders(scenario.get(arg[0]) ? arg[1] : arg[2], scenario);
    }
    const json = JSON.stringify(value);
    if (fn === 'Fn::If' && Array.isArray(arg) && arg.slice(1).some((b) => intrinsicName(b) === 'Ref' && (b as { Ref: unknown }).Ref === 'AWS::NoValue')) {
      return MAYBE_ABSENT + json;
    }
    return SENTINEL + json;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = placeholders(v, scenario);
    if (p !== REMOVE) out[k] = p;
  }
  return out;
}

/** Condition names of the `Fn::If`s that `placeholders` would resolve (not those nested in other intrinsics). */
function ifConditions(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => ifConditions(v, out));
  else if (value && typeof value === 'object') {
    const fn = intrinsicName(value);
    const arg = fn ? (value as Record<string, unknown>)[fn] : undefined;
    if (fn === 'Fn::If' && Array.isArray(arg) && typeof arg[0] === 'string') {
      out.add(arg[0]);
      ifConditions(arg.slice(1), out);
    } else if (!fn) Object.values(value).forEach((v) => ifConditions(v, out));
  }
  return out;
}

// Conditions as boolean formulas over "atoms" (the Fn::Equals that compare something unknown
// before deployment). Scenarios are the consistent assignments of the atoms a resource depends
// on: `Fn::Equals [{Ref: Env}, prod]` and `Fn::Equals [{Ref: Env}, dev]` are never both true,
// and IsDev = Fn::Not [IsProd] is evaluated, so complementary conditions are never combined.
interface Atom {
  ref?: string;
  value?: string;
}
const MAX_ATOMS = 8;

function conditionAtoms(expr: unknown, conditions: Record<string, unknown>, out: Map<string, Atom>, depth = 0): void {
  if (depth > 30) return;
  if (isObject(expr) && Object.keys(expr).length === 1 && typeof expr.Condition === 'string') {
    return conditionAtoms(conditions[expr.Condition], conditions, out, depth + 1);
  }
  const fn = intrinsicName(expr);
  const arg = fn ? (expr as Record<string, unknown>)[fn] : undefined;
  if ((fn === 'Fn::Not' || fn === 'Fn::And' || fn === 'Fn::Or') && Array.isArray(arg)) {
    for (const a of arg) conditionAtoms(a, conditions, out, depth + 1);
    return;
  }
  if (fn === 'Fn::Equals' && Array.isArray(arg) && arg.length === 2) {
    const literal = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    if (literal(arg[0]) && literal(arg[1])) return;
    const key = equalsKey(arg);
    const refSide = arg.find((v) => intrinsicName(v) === 'Ref') as { Ref: unknown } | undefined;
    const litSide = arg.find(literal);
    out.set(key, refSide && typeof refSide.Ref === 'string' && litSide !== undefined ? { ref: refSide.Ref, value: String(litSide) } : {});
    return;
  }
  out.set(JSON.stringify(expr), {});
}

function equalsKey(pair: unknown[]): string {
  return JSON.stringify(pair.map((v) => JSON.stringify(v)).sort());
}

function evaluateCondition(expr: unknown, conditions: Record<string, unknown>, atoms: ReadonlyMap<string, boolean>, depth = 0): boolean {
  if (depth > 30) return false;
  if (isObject(expr) && Object.keys(expr).length === 1 && typeof expr.Condition === 'string') {
    return evaluateCondition(conditions[expr.Condition], conditions, atoms, depth + 1);
  }
  const fn = intrinsicName(expr);
  const arg = fn ? (expr as Record<string, unknown>)[fn] : undefined;
  const args = Array.isArray(arg) ? arg : [];
  switch (fn) {
    case 'Fn::Not':
      return !evaluateCondition(args[0], conditions, atoms, depth + 1);
    case 'Fn::And':
      return args.every((a) => evaluateCondition(a, conditions, atoms, depth + 1));
    case 'Fn::Or':
      return args.some((a) => evaluateCondition(a, conditions, atoms, depth + 1));
    case 'Fn::Equals': {
      const [a, b] = args;
      const literal = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      if (literal(a) && literal(b)) return String(a) === String(b);
      return atoms.get(equalsKey(args)) ?? false;
    }
    default:
      return atoms.get(JSON.stringify(expr)) ?? false;
  }
}

/** The distinct truth assignments of `names` that can occur (and where `resourceCondition` holds). */
function conditionScenarios(names: string[], resourceCondition: string | undefined, conditions: Record<string, unknown>): Map<string, boolean>[] | undefined {
  const atoms = new Map<string, Atom>();
  for (const n of [...names, ...(resourceCondition ? [resourceCondition] : [])]) conditionAtoms(conditions[n], conditions, atoms);
  if (atoms.size > MAX_ATOMS) return undefined;
  const keys = [...atoms.keys()];
  const seen = new Set<string>();
  const out: Map<string, boolean>[] = [];
  for (let mask = 0; mask < 1 << keys.length; mask++) {
    const assignment = new Map(keys.map((k, i) => [k, (mask & (1 << i)) !== 0]));
    const trueValues = new Map<string, Set<string>>();
    let consistent = true;
    for (const [k, atom] of atoms) {
      if (!assignment.get(k) || atom.ref === undefined) continue;
      const values = trueValues.get(atom.ref) ?? new Set<string>();
      values.add(atom.value ?? '');
      trueValues.set(atom.ref, values);
      if (values.size > 1) consistent = false;
    }
    if (!consistent) continue;
    if (resourceCondition && !evaluateCondition(conditions[resourceCondition], conditions, assignment)) continue;
    const scenario = new Map(names.map((n) => [n, evaluateCondition(conditions[n], conditions, assignment)]));
    const key = [...scenario.values()].join();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(scenario);
    }
  }
  return out.length > 0 ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// Template rules

const SECTIONS = new Set([
  'AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions',
  'Transform', 'Resources', 'Outputs',
]);
const RESOURCE_ATTRIBUTES = new Set([
  'Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata',
  'CreationPolicy', 'UpdatePolicy',
]);
const DELETION_POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']);
const UPDATE_REPLACE_POLICIES = new Set(['Delete', 'Retain', 'Snapshot']);
/** Types that support the Snapshot deletion / update-replace policy (CloudFormation user guide, DeletionPolicy). */
const SNAPSHOT_TYPES = new Set([
  'AWS::EC2::Volume', 'AWS::ElastiCache::CacheCluster', 'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::ServerlessCache', 'AWS::Neptune::DBCluster', 'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance',
  'AWS::Redshift::Cluster', 'AWS::DocDB::DBCluster',
]);
const CREATION_POLICY_TYPES = new Set([
  'AWS::AutoScaling::AutoScalingGroup', 'AWS::EC2::Instance', 'AWS::CloudFormation::WaitCondition', 'AWS::AppStream::Fleet',
]);
const UPDATE_POLICY_TYPES = new Set([
  'AWS::AutoScaling::AutoScalingGroup', 'AWS::ElastiCache::ReplicationGroup', 'AWS::OpenSearchService::Domain',
  'AWS::Elasticsearch::Domain', 'AWS::Lambda::Alias', 'AWS::AppStream::Fleet',
]);
const AWS_PARAMETER_TYPES =
  'AWS::EC2::AvailabilityZone::Name|AWS::EC2::Image::Id|AWS::EC2::Instance::Id|AWS::EC2::KeyPair::KeyName|' +
  'AWS::EC2::SecurityGroup::GroupName|AWS::EC2::SecurityGroup::Id|AWS::EC2::Subnet::Id|AWS::EC2::Volume::Id|' +
  'AWS::EC2::VPC::Id|AWS::Route53::HostedZone::Id';
const PARAMETER_TYPE = new RegExp(
  `^(String|Number|List<Number>|CommaDelimitedList|AWS::SSM::Parameter::Name|${AWS_PARAMETER_TYPES}|List<(${AWS_PARAMETER_TYPES})>|` +
    `AWS::SSM::Parameter::Value<(String|List<String>|CommaDelimitedList|${AWS_PARAMETER_TYPES}|List<(${AWS_PARAMETER_TYPES})>)>)$`,
);
const LOGICAL_ID = /^[A-Za-z0-9]{1,255}$/;
const EXPORT_NAME = /^[A-Za-z0-9:-]{1,255}$/;

export const LIMITS = {
  resources: 500,
  outputs: 200,
  parameters: 200,
  mappings: 200,
  mappingAttributes: 200,
  bodyBytes: 1_000_000,
  descriptionBytes: 1024,
} as const;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const jsonPath = (...parts: (string | number)[]) => parts.join('/');

interface Context {
  readonly problems: TemplateProblem[];
  readonly parameters: Set<string>;
  readonly resources: Map<string, string>; // logical ID -> Type
  readonly conditions: Set<string>;
  readonly mappings: Record<string, unknown>;
  readonly languageExtensions: boolean;
}

interface Scope {
  /** Where resource references are allowed (not in Conditions, Parameters, inside Fn::ImportValue). */
  resourceRefs: boolean;
  /** Inside Conditions: condition functions and {Condition: name} allowed. */
  conditions: boolean;
  /** Resource logical IDs referenced (dependency edges), when collecting. */
  deps?: Set<string>;
}

function suggestion(name: string, candidates: Iterable<string>): string {
  const list = [...candidates];
  if (list.length === 0) return '';
  const best = closest(name, list);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

function checkRef(target: unknown, path: string, ctx: Context, scope: Scope): void {
  if (typeof target !== 'string') {
    ctx.problems.push({ path, message: 'Ref takes a logical ID or pseudo parameter name (a string)' });
    return;
  }
  if (PSEUDO_PARAMETERS.has(target) || ctx.parameters.has(target)) return;
  if (ctx.resources.has(target)) {
    if (!scope.resourceRefs) ctx.problems.push({ path, message: `Ref to resource '${target}' is not allowed here` });
    scope.deps?.add(target);
    return;
  }
  ctx.problems.push({
    path,
    message: `Ref to '${target}', which is neither a parameter, a resource nor a pseudo parameter${suggestion(target, [...ctx.parameters, ...ctx.resources.keys(), ...PSEUDO_PARAMETERS])}`,
  });
}

function attributeAllowed(type: string, attribute: string): boolean {
  if (isCustomType(type)) return true;
  if (type === 'AWS::CloudFormation::Stack' && /^Outputs\..+/.test(attribute)) return true;
  if (!providerSchema(type)) return true; // unknown type: reported once, on the resource
  return readOnlyAttributes(type).includes(attribute);
}

function checkGetAtt(resource: string, attribute: unknown, path: string, ctx: Context, scope: Scope): void {
  const type = ctx.resources.get(resource);
  if (type === undefined) {
    ctx.problems.push({ path, message: `Fn::GetAtt of '${resource}', which is not a resource of this template${suggestion(resource, ctx.resources.keys())}` });
    return;
  }
  if (!scope.resourceRefs) ctx.problems.push({ path, message: `Fn::GetAtt of resource '${resource}' is not allowed here` });
  scope.deps?.add(resource);
  if (typeof attribute !== 'string') return; // {Ref: Param} as attribute name: only known at deploy time
  if (!attributeAllowed(type, attribute)) {
    const known = readOnlyAttributes(type);
    ctx.problems.push({
      path,
      message: `Fn::GetAtt: ${type} has no attribute '${attribute}'${suggestion(attribute, known)}; it has ${known.length ? known.join(', ') : 'none'}`,
    });
  }
}

/** `${Name}` / `${Name.Attr}` variables of a Fn::Sub string (`${!Literal}` excluded). */
export function subVariables(text: string): string[] {
  const vars: string[] = [];
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    const v = m[1] ?? '';
    if (!v.startsWith('!')) vars.push(v.trim());
  }
  return vars;
}

function checkIntrinsic(fn: string, arg: unknown, path: string, ctx: Context, scope: Scope): void {
  const p = jsonPath(path, fn);
  const bad = (shape: string): void => void ctx.problems.push({ path: p, message: `${fn} takes ${shape}` });
  if (LANGUAGE_EXTENSIONS.has(fn) && !ctx.languageExtensions) {
    ctx.problems.push({ path: p, message: `${fn} needs "Transform: AWS::LanguageExtensions"` });
  }
  if (CONDITION_FUNCTIONS.has(fn) && !scope.conditions) {
    ctx.problems.push({ path: p, message: `${fn} is a condition function: only allowed in Conditions and the condition of Fn::If` });
  }
  switch (fn) {
    case 'Ref':
      checkRef(arg, p, ctx, scope);
      return;
    case 'Fn::GetAtt': {
      if (typeof arg === 'string') {
        const dot = arg.indexOf('.');
        if (dot <= 0) return bad('"Resource.Attribute" or [Resource, Attribute]');
        return checkGetAtt(arg.slice(0, dot), arg.slice(dot + 1), p, ctx, scope);
      }
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') return bad('[Resource, Attribute]');
      if (typeof arg[1] !== 'string') checkValue(arg[1], p, ctx, { ...scope, resourceRefs: false });
      return checkGetAtt(arg[0], arg[1], p, ctx, scope);
    }
    case 'Fn::Sub': {
      let text: unknown = arg;
      let locals: Record<string, unknown> = {};
      if (Array.isArray(arg)) {
        if (arg.length !== 2 || !isObject(arg[1])) return bad('a string or [String, {Name: Value}]');
        text = arg[0];
        locals = arg[1];
        for (const [k, v] of Object.entries(locals)) checkValue(v, jsonPath(p, 1, k), ctx, scope);
      }
      if (typeof text !== 'string') return bad('a string or [String, {Name: Value}]');
      for (const v of subVariables(text)) {
        if (Object.prototype.hasOwnProperty.call(locals, v)) continue;
        const dot = v.indexOf('.');
        if (dot > 0 && !PSEUDO_PARAMETERS.has(v)) checkGetAtt(v.slice(0, dot), v.slice(dot + 1), p, ctx, scope);
        else checkRef(v, p, ctx, scope);
      }
      return;
    }
    case 'Fn::Join':
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') return bad('[Delimiter, [Values]]');
      if (!Array.isArray(arg[1]) && !intrinsicName(arg[1])) return bad('[Delimiter, [Values]]');
      return checkValue(arg[1], jsonPath(p, 1), ctx, scope);
    case 'Fn::Select':
      if (!Array.isArray(arg) || arg.length !== 2) return bad('[Index, [Values]]');
      return checkValue(arg, p, ctx, scope);
    case 'Fn::Split':
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') return bad('[Delimiter, String]');
      return checkValue(arg[1], jsonPath(p, 1), ctx, scope);
    case 'Fn::If': {
      if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return bad('[Condition, ValueIfTrue, ValueIfFalse]');
      if (!ctx.conditions.has(arg[0])) {
        ctx.problems.push({ path: p, message: `Fn::If: no condition '${arg[0]}' in Conditions${suggestion(arg[0], ctx.conditions)}` });
      }
      checkValue(arg[1], jsonPath(p, 1), ctx, scope);
      return checkValue(arg[2], jsonPath(p, 2), ctx, scope);
    }
    case 'Fn::ImportValue':
      // The imported name must be known before any resource of the stack exists.
      return checkValue(arg, p, ctx, { ...scope, resourceRefs: false });
    case 'Fn::FindInMap': {
      if (!Array.isArray(arg) || arg.length < 3 || arg.length > 4) return bad('[MapName, TopLevelKey, SecondLevelKey]');
      const [map, top, second] = arg as unknown[];
      if (typeof map === 'string') {
        const m = ctx.mappings[map];
        if (!isObject(m)) ctx.problems.push({ path: p, message: `Fn::FindInMap: no mapping '${map}' in Mappings` });
        else if (typeof top === 'string' && !isObject(m[top])) ctx.problems.push({ path: p, message: `Fn::FindInMap: mapping '${map}' has no key '${top}'` });
        else if (typeof top === 'string' && typeof second === 'string' && (m[top] as Record<string, unknown>)[second] === undefined) {
          ctx.problems.push({ path: p, message: `Fn::FindInMap: mapping '${map}' has no key '${top}' / '${second}'` });
        }
      }
      return checkValue(arg, p, ctx, scope);
    }
    case 'Fn::Cidr':
      if (!Array.isArray(arg) || arg.length !== 3) return bad('[IpBlock, Count, CidrBits]');
      return checkValue(arg, p, ctx, scope);
    case 'Fn::GetAZs':
      if (typeof arg !== 'string' && intrinsicName(arg) !== 'Ref') return bad('a region name ("" for the current region) or {Ref: AWS::Region}');
      return checkValue(arg, p, ctx, scope);
    case 'Fn::Equals':
      if (!Array.isArray(arg) || arg.length !== 2) return bad('[Value1, Value2]');
      return checkValue(arg, p, ctx, scope);
    case 'Fn::And':
    case 'Fn::Or':
      if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10) return bad('2 to 10 conditions');
      return checkValue(arg, p, ctx, scope);
    case 'Fn::Not':
      if (!Array.isArray(arg) || arg.length !== 1) return bad('[Condition]');
      return checkValue(arg, p, ctx, scope);
    case 'Fn::Base64':
    case 'Fn::ToJsonString':
    case 'Fn::Length':
    case 'Fn::Transform':
    case 'Fn::GetStackOutput':
      return checkValue(arg, p, ctx, scope);
    default:
      ctx.problems.push({ path: p, message: `unsupported intrinsic function ${fn}${suggestion(fn, INTRINSICS)}` });
  }
}

/** Checks the intrinsic functions anywhere in a value (references, argument shapes). */
function checkValue(value: unknown, path: string, ctx: Context, scope: Scope): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkValue(v, jsonPath(path, i), ctx, scope));
    return;
  }
  if (!isObject(value)) return;
  const fn = intrinsicName(value);
  if (fn) return checkIntrinsic(fn, value[fn], path, ctx, scope);
  const keys = Object.keys(value);
  if (keys.length > 1 && keys.some((k) => k === 'Ref' || (INTRINSICS.has(k) && k.startsWith('Fn::')))) {
    ctx.problems.push({ path, message: `an intrinsic function must be the only key of its object (found ${keys.join(', ')})` });
  }
  if (scope.conditions && keys.length === 1 && keys[0] === 'Condition') {
    const name = value.Condition;
    if (typeof name !== 'string' || !ctx.conditions.has(name)) ctx.problems.push({ path, message: `no condition '${String(name)}' in Conditions` });
    return;
  }
  for (const [k, v] of Object.entries(value)) checkValue(v, jsonPath(path, k), ctx, scope);
}

// ---------------------------------------------------------------------------------------------
// ajv errors -> problems

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function errorMessage(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required property '${String(params.missingProperty)}'`;
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      return `unknown property '${name}'${suggestion(name, known)}`;
    }
    case 'type':
      return `must be ${String(params.type).replace(',', ' or ')}, got ${typeOf(e.data)} ${describe(e.data)}`;
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const shown = allowed.slice(0, 12).map((v) => JSON.stringify(v)).join(', ') + (allowed.length > 12 ? `, ... (${allowed.length} values)` : '');
      return `${describe(e.data)} is not one of ${shown}`;
    }
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}, got ${describe(e.data)}`;
    case 'pattern':
      return `${describe(e.data)} does not match pattern ${String(params.pattern)}`;
    case 'format':
      return `${describe(e.data)} is not a valid ${String(params.format)}`;
    default:
      return e.message && e.keyword !== 'enum' && /^(min|max|unique|multipleOf|exclusive)/.test(e.keyword)
        ? `${e.message}, got ${describe(e.data)}`
        : (e.message ?? e.keyword);
  }
}

function ajvProblems(errors: ErrorObject[], base: string): TemplateProblem[] {
  // `if` errors are our intrinsic wrappers (or a schema's own if/then, whose `then` errors are
  // reported anyway). anyOf/oneOf errors absorb the errors of their alternatives.
  const kept = errors.filter((e) => e.keyword !== 'if');
  const combinators = kept.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const absorbed = new Set<ErrorObject>();
  const messages = new Map<ErrorObject, string>();
  for (const c of combinators) {
    const prefix = `${c.schemaPath}/`;
    const inner = kept.filter((e) => e !== c && e.schemaPath.startsWith(prefix));
    inner.forEach((e) => absorbed.add(e));
    const passing = (c.params as { passingSchemas?: unknown }).passingSchemas;
    if (c.keyword === 'oneOf' && Array.isArray(passing)) {
      messages.set(c, `matches more than one alternative of oneOf (alternatives ${passing.join(', ')})`);
      continue;
    }
    const byBranch = new Map<string, string[]>();
    for (const e of inner) {
      if (absorbed.has(e) && inner.some((o) => o !== e && e.schemaPath.startsWith(`${o.schemaPath}/`) && (o.keyword === 'anyOf' || o.keyword === 'oneOf'))) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      const where = e.instancePath.length > c.instancePath.length ? `${e.instancePath.slice(c.instancePath.length + 1)}: ` : '';
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), where + errorMessage(e)]);
    }
    const alternatives = [...byBranch.values()].map((m) => m.join('; ')).slice(0, 5);
    messages.set(c, `must match ${c.keyword === 'oneOf' ? 'exactly one' : 'at least one'} of ${alternatives.length} alternatives: ${alternatives.map((a) => `(${a})`).join(' or ')}`);
  }
  const seen = new Set<string>();
  const out: TemplateProblem[] = [];
  for (const e of kept) {
    if (absorbed.has(e)) continue;
    const path = base + e.instancePath;
    const message = messages.get(e) ?? errorMessage(e);
    const key = `${path}\n${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path, message });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// validateTemplate

/** Every way `template` would fail CloudFormation (or break dex's rules); [] when none. */
export function validateTemplate(template: unknown, options: ValidateOptions = {}): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (!isObject(template)) return [{ path: '', message: 'a template must be an object' }];

  for (const section of Object.keys(template)) {
    if (!SECTIONS.has(section)) problems.push({ path: section, message: `unknown template section '${section}'${suggestion(section, SECTIONS)}` });
  }
  if (template.AWSTemplateFormatVersion !== undefined && template.AWSTemplateFormatVersion !== '2010-09-09') {
    problems.push({ path: 'AWSTemplateFormatVersion', message: `must be '2010-09-09' (a string), got ${describe(template.AWSTemplateFormatVersion)}` });
  }
  if (template.Description !== undefined) {
    if (typeof template.Description !== 'string') problems.push({ path: 'Description', message: 'must be a string' });
    else if (Buffer.byteLength(template.Description) > LIMITS.descriptionBytes) {
      problems.push({ path: 'Description', message: `longer than ${LIMITS.descriptionBytes} bytes` });
    }
  }
  const transforms = ([] as unknown[]).concat(template.Transform ?? []);
  const bodyBytes = options.bodyBytes ?? Buffer.byteLength(JSON.stringify(template));
  if (bodyBytes > LIMITS.bodyBytes) problems.push({ path: '', message: `template body is ${bodyBytes} bytes, over the ${LIMITS.bodyBytes}-byte limit` });

  const section = (name: string, limit?: number): Record<string, unknown> => {
    const value = template[name];
    if (value === undefined) return {};
    if (!isObject(value)) {
      problems.push({ path: name, message: `${name} must be an object` });
      return {};
    }
    const ids = Object.keys(value);
    if (limit !== undefined && ids.length > limit) problems.push({ path: name, message: `${ids.length} entries, over the limit of ${limit}` });
    for (const id of ids) {
      if (!LOGICAL_ID.test(id)) problems.push({ path: jsonPath(name, id), message: `logical ID '${id}' must be alphanumeric (A-Z, a-z, 0-9) and at most 255 characters` });
    }
    return value;
  };
  const parameters = section('Parameters', LIMITS.parameters);
  const mappings = section('Mappings', LIMITS.mappings);
  const conditions = section('Conditions');
  const resources = section('Resources', LIMITS.resources);
  const outputs = section('Outputs', LIMITS.outputs);
  if (template.Resources === undefined || Object.keys(resources).length === 0) problems.push({ path: 'Resources', message: 'a template needs at least one resource' });

  const resourceTypes = new Map<string, string>();
  for (const [id, r] of Object.entries(resources)) {
    if (isObject(r) && typeof r.Type === 'string') resourceTypes.set(id, r.Type);
    else resourceTypes.set(id, '');
    if (Object.prototype.hasOwnProperty.call(parameters, id)) problems.push({ path: jsonPath('Resources', id), message: `'${id}' is both a parameter and a resource` });
  }
  const ctx: Context = {
    problems,
    parameters: new Set(Object.keys(parameters)),
    resources: resourceTypes,
    conditions: new Set(Object.keys(conditions)),
    mappings,
    languageExtensions: transforms.includes('AWS::LanguageExtensions'),
  };

  // Parameters
  for (const [id, p] of Object.entries(parameters)) {
    const path = jsonPath('Parameters', id);
    if (!isObject(p)) {
      problems.push({ path, message: 'a parameter must be an object' });
      continue;
    }
    if (typeof p.Type !== 'string' || !PARAMETER_TYPE.test(p.Type)) problems.push({ path: jsonPath(path, 'Type'), message: `invalid parameter type ${describe(p.Type)}` });
    if (Array.isArray(p.AllowedValues) && p.Default !== undefined && p.Type !== 'CommaDelimitedList' && !p.AllowedValues.map(String).includes(String(p.Default))) {
      problems.push({ path: jsonPath(path, 'Default'), message: `default ${describe(p.Default)} is not one of AllowedValues` });
    }
  }

  // Mappings
  for (const [id, m] of Object.entries(mappings)) {
    if (!isObject(m)) problems.push({ path: jsonPath('Mappings', id), message: 'a mapping must be an object' });
    else if (Object.keys(m).length > LIMITS.mappingAttributes) problems.push({ path: jsonPath('Mappings', id), message: `over ${LIMITS.mappingAttributes} keys` });
  }

  // Conditions
  for (const [id, c] of Object.entries(conditions)) {
    checkValue(c, jsonPath('Conditions', id), ctx, { resourceRefs: false, conditions: true });
  }

  // Resources
  const edges = new Map<string, Set<string>>();
  for (const [id, r] of Object.entries(resources)) {
    const path = jsonPath('Resources', id);
    if (!isObject(r)) {
      problems.push({ path, message: 'a resource must be an object' });
      continue;
    }
    for (const k of Object.keys(r)) {
      if (!RESOURCE_ATTRIBUTES.has(k)) problems.push({ path: jsonPath(path, k), message: `unknown resource attribute '${k}'${suggestion(k, RESOURCE_ATTRIBUTES)}` });
    }
    const type = r.Type;
    const deps = new Set<string>();
    edges.set(id, deps);
    const scope: Scope = { resourceRefs: true, conditions: false, deps };
    for (const attr of ['Properties', 'Metadata', 'CreationPolicy', 'UpdatePolicy', 'DeletionPolicy', 'UpdateReplacePolicy']) {
      if (r[attr] !== undefined) checkValue(r[attr], jsonPath(path, attr), ctx, scope);
    }
    if (r.DependsOn !== undefined) {
      const targets = typeof r.DependsOn === 'string' ? [r.DependsOn] : Array.isArray(r.DependsOn) ? r.DependsOn : undefined;
      if (!targets || targets.some((t) => typeof t !== 'string')) problems.push({ path: jsonPath(path, 'DependsOn'), message: 'DependsOn takes a logical ID or a list of logical IDs' });
      for (const t of targets ?? []) {
        if (typeof t !== 'string') continue;
        if (!resourceTypes.has(t)) problems.push({ path: jsonPath(path, 'DependsOn'), message: `DependsOn '${t}', which is not a resource of this template${suggestion(t, resourceTypes.keys())}` });
        else deps.add(t);
      }
    }
    if (r.Condition !== undefined && (typeof r.Condition !== 'string' || !ctx.conditions.has(r.Condition))) {
      problems.push({ path: jsonPath(path, 'Condition'), message: `no condition ${describe(r.Condition)} in Conditions` });
    }
    if (typeof type !== 'string') {
      problems.push({ path: jsonPath(path, 'Type'), message: 'a resource needs a Type (string)' });
      continue;
    }
    checkPolicies(r, type, path, problems);
    validateProperties(id, type, r.Properties, path, conditions, typeof r.Condition === 'string' ? r.Condition : undefined, options, problems);
  }

  // Outputs
  const exportNames = new Map<string, string>();
  for (const [id, o] of Object.entries(outputs)) {
    const path = jsonPath('Outputs', id);
    if (!isObject(o)) {
      problems.push({ path, message: 'an output must be an object' });
      continue;
    }
    for (const k of Object.keys(o)) {
      if (!['Value', 'Description', 'Export', 'Condition'].includes(k)) problems.push({ path: jsonPath(path, k), message: `unknown output attribute '${k}'` });
    }
    if (o.Value === undefined || o.Value === null) problems.push({ path, message: 'an output needs a Value' });
    else if (isObject(o.Value) && !intrinsicName(o.Value)) problems.push({ path: jsonPath(path, 'Value'), message: 'an output Value must be a string, a list of strings or an intrinsic function' });
    checkValue(o.Value, jsonPath(path, 'Value'), ctx, { resourceRefs: true, conditions: false });
    if (o.Condition !== undefined && (typeof o.Condition !== 'string' || !ctx.conditions.has(o.Condition))) {
      problems.push({ path: jsonPath(path, 'Condition'), message: `no condition ${describe(o.Condition)} in Conditions` });
    }
    if (o.Export !== undefined) {
      if (!isObject(o.Export) || o.Export.Name === undefined || Object.keys(o.Export).length !== 1) {
        problems.push({ path: jsonPath(path, 'Export'), message: 'Export takes exactly {Name: ...}' });
        continue;
      }
      checkValue(o.Export.Name, jsonPath(path, 'Export', 'Name'), ctx, { resourceRefs: true, conditions: false });
      const shape = nameShape(o.Export.Name, undefined, parameters);
      if (shape.exact && !EXPORT_NAME.test(shape.text)) {
        problems.push({ path: jsonPath(path, 'Export', 'Name'), message: `export name '${shape.text}' may only contain A-Z, a-z, 0-9, ':' and '-' (at most 255)` });
      }
      const other = exportNames.get(shape.text);
      if (other !== undefined) problems.push({ path: jsonPath(path, 'Export', 'Name'), message: `export name '${shape.text}' is also exported by output '${other}'` });
      else exportNames.set(shape.text, id);
    }
  }

  for (const cycle of dependencyCycles(edges)) {
    problems.push({ path: jsonPath('Resources', cycle[0] ?? ''), message: `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}` });
  }
  return problems;
}

function checkPolicies(r: Record<string, unknown>, type: string, path: string, problems: TemplateProblem[]): void {
  for (const [attr, allowed] of [['DeletionPolicy', DELETION_POLICIES], ['UpdateReplacePolicy', UPDATE_REPLACE_POLICIES]] as const) {
    const v = r[attr];
    if (v === undefined || intrinsicName(v)) continue;
    if (typeof v !== 'string' || !allowed.has(v)) problems.push({ path: jsonPath(path, attr), message: `${describe(v)} is not one of ${[...allowed].join(', ')}` });
    else if (v === 'Snapshot' && !SNAPSHOT_TYPES.has(type)) problems.push({ path: jsonPath(path, attr), message: `${type} does not support the Snapshot policy` });
  }
  if (r.CreationPolicy !== undefined && !CREATION_POLICY_TYPES.has(type)) problems.push({ path: jsonPath(path, 'CreationPolicy'), message: `${type} does not support CreationPolicy` });
  if (r.UpdatePolicy !== undefined && !UPDATE_POLICY_TYPES.has(type)) problems.push({ path: jsonPath(path, 'UpdatePolicy'), message: `${type} does not support UpdatePolicy` });
}

const CUSTOM_TYPE = /^Custom::[A-Za-z0-9_@-]{1,60}$/;

function validateProperties(
  id: string,
  type: string,
  properties: unknown,
  path: string,
  conditions: Record<string, unknown>,
  resourceCondition: string | undefined,
  options: ValidateOptions,
  problems: TemplateProblem[],
): void {
  const propsPath = jsonPath(path, 'Properties');
  if (properties !== undefined && !isObject(properties)) {
    problems.push({ path: propsPath, message: 'Properties must be an object' });
    return;
  }
  if (isCustomType(type)) {
    // Custom resources take any properties (CloudFormation passes them to the provider as
    // strings); the registry schema of AWS::CloudFormation::CustomResource lists no boolean
    // type, so only what CloudFormation itself requires is checked.
    if (type !== 'AWS::CloudFormation::CustomResource' && !CUSTOM_TYPE.test(type)) problems.push({ path: jsonPath(path, 'Type'), message: `invalid custom resource type '${type}'` });
    if (!properties || properties.ServiceToken === undefined) problems.push({ path: propsPath, message: "missing required property 'ServiceToken'" });
    return;
  }
  const schema = providerSchema(type);
  if (!schema) {
    const known = Object.keys(loadProviderSchemas().schemas);
    problems.push({
      path: jsonPath(path, 'Type'),
      message: `unknown resource type '${type}'${suggestion(type, known)} (not in test/fixtures/cfn; add it to scripts/extract-cfn-schemas.mjs if it exists)`,
    });
    return;
  }
  const compiled = compiledValidator(type, options.coerceScalars === true);
  // `Properties: {Fn::If: [...]}` as a whole: resolved per scenario below; any other intrinsic
  // (or an unresolvable Fn::If) leaves nothing to validate before deployment.
  const validate = (data: unknown): boolean => !isObject(data) || compiled(data);
  const names = [...ifConditions(properties ?? {}, new Set())].filter((n) => Object.prototype.hasOwnProperty.call(conditions, n));
  const scenarios = names.length > 0 ? conditionScenarios(names, resourceCondition, conditions) : undefined;
  if (!scenarios) {
    if (!validate(placeholders(properties ?? {}))) problems.push(...ajvProblems(compiled.errors ?? [], propsPath));
  } else {
    // Validate once per scenario; a problem of only some scenarios says when it happens.
    const found = new Map<string, { problem: TemplateProblem; scenarios: Map<string, boolean>[] }>();
    for (const scenario of scenarios) {
      if (validate(placeholders(properties ?? {}, scenario))) continue;
      for (const problem of ajvProblems(compiled.errors ?? [], propsPath)) {
        const key = `${problem.path}\n${problem.message}`;
        const entry = found.get(key) ?? { problem, scenarios: [] };
        entry.scenarios.push(scenario);
        found.set(key, entry);
      }
    }
    for (const { problem, scenarios: when } of found.values()) {
      if (when.length === scenarios.length) problems.push(problem);
      else {
        const label = [...(when[0] ?? new Map<string, boolean>())].map(([n, v]) => `${n} is ${v}`).join(', ');
        problems.push({ path: problem.path, message: `when ${label}: ${problem.message}` });
      }
    }
  }
  for (const pointer of schema.readOnlyProperties ?? []) {
    const p = pointerToPath(pointer);
    if (p.length === 1 && properties && properties[p[0] as string] !== undefined) {
      problems.push({ path: jsonPath(propsPath, p[0] as string), message: `'${p[0]}' is read-only (set by AWS, read it with Fn::GetAtt ${id}.${p[0]})` });
    }
  }
}

/** Strongly connected components with more than one member, or a self-reference. */
function dependencyCycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const strongConnect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!indices.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, indices.get(w) as number));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges.get(v)?.has(v)) cycles.push(orderCycle(component, edges));
    }
  };
  for (const v of edges.keys()) if (!indices.has(v)) strongConnect(v);
  return cycles;
}

/** One concrete cycle through the members of a strongly connected component, for the message. */
function orderCycle(component: string[], edges: Map<string, Set<string>>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0] as string;
  const path = [start];
  const visited = new Set([start]);
  let current = start;
  for (;;) {
    const next = [...(edges.get(current) ?? [])].filter((n) => members.has(n));
    if (next.includes(start) && (path.length === members.size || next.every((n) => visited.has(n)))) return path;
    const step = next.find((n) => !visited.has(n));
    if (!step) return path;
    path.push(step);
    visited.add(step);
    current = step;
  }
}

// ---------------------------------------------------------------------------------------------
// Export / import names, and validateStackSet

interface NameShape {
  /** The name with unknown parts as '*'. */
  text: string;
  /** No unknown part. */
  exact: boolean;
  regex: RegExp;
}

const WILDCARD = Symbol('unknown');

/**
 * What a name expression evaluates to, as far as it is known before deployment: a literal,
 * `{Ref: AWS::StackName}` / `${AWS::StackName}` (when the stack name is given), a parameter's
 * Default, Fn::Sub and Fn::Join of those. Anything else is an unknown part.
 */
function nameShape(value: unknown, stackName: string | undefined, parameters: Record<string, unknown>): NameShape {
  const parts: (string | typeof WILDCARD)[] = [];
  const ref = (name: string): void => {
    if (name === 'AWS::StackName' && stackName !== undefined) parts.push(stackName);
    else {
      const p = parameters[name];
      parts.push(isObject(p) && (typeof p.Default === 'string' || typeof p.Default === 'number') ? String(p.Default) : WILDCARD);
    }
  };
  const walk = (v: unknown, locals: Record<string, unknown>): void => {
    if (typeof v === 'string' || typeof v === 'number') return void parts.push(String(v));
    const fn = intrinsicName(v);
    const arg = fn ? (v as Record<string, unknown>)[fn] : undefined;
    if (fn === 'Ref' && typeof arg === 'string') return ref(arg);
    if (fn === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
      arg[1].forEach((item, i) => {
        if (i > 0) parts.push(arg[0] as string);
        walk(item, locals);
      });
      return;
    }
    if (fn === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? [arg[0], isObject(arg[1]) ? arg[1] : {}] : [arg, {}];
      if (typeof text !== 'string') return void parts.push(WILDCARD);
      let last = 0;
      for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
        parts.push(text.slice(last, m.index));
        last = (m.index ?? 0) + m[0].length;
        const name = (m[1] ?? '').trim();
        if (name.startsWith('!')) parts.push(`\${${name.slice(1)}}`);
        else if (Object.prototype.hasOwnProperty.call(vars, name)) walk(vars[name], {});
        else if (name.includes('.')) parts.push(WILDCARD);
        else ref(name);
      }
      parts.push(text.slice(last));
      return;
    }
    parts.push(WILDCARD);
  };
  walk(value, {});
  const exact = !parts.includes(WILDCARD);
  const text = parts.map((p) => (p === WILDCARD ? '*' : p)).join('');
  const regex = new RegExp(`^${parts.map((p) => (p === WILDCARD ? '.+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
  return { text, exact, regex };
}

function shapesMatch(a: NameShape, b: NameShape): boolean {
  if (a.exact && b.exact) return a.text === b.text;
  if (a.exact) return b.regex.test(a.text);
  if (b.exact) return a.regex.test(b.text);
  return a.text === b.text || a.regex.test(b.text) || b.regex.test(a.text);
}

function collectImports(value: unknown, path: string, out: { path: string; name: unknown }[]): void {
  if (Array.isArray(value)) return value.forEach((v, i) => collectImports(v, jsonPath(path, i), out));
  if (!isObject(value)) return;
  if (intrinsicName(value) === 'Fn::ImportValue') return void out.push({ path: jsonPath(path, 'Fn::ImportValue'), name: value['Fn::ImportValue'] });
  for (const [k, v] of Object.entries(value)) collectImports(v, jsonPath(path, k), out);
}

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/**
 * Cross-stack rules for stacks given in deploy order: each Fn::ImportValue (literal, Fn::Sub or
 * Fn::Join form) names an export of an earlier stack, and export names are unique across the
 * stacks. Paths are prefixed with the stack name. Run validateTemplate on each stack as well.
 */
export function validateStackSet(stacks: { name: string; template: unknown }[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const exports: { stack: number; output: string; shape: NameShape }[] = [];
  const names = new Set<string>();
  stacks.forEach(({ name, template }, stack) => {
    if (!STACK_NAME.test(name)) problems.push({ path: name, message: `stack name '${name}' must start with a letter and contain only A-Z, a-z, 0-9 and '-' (at most 128)` });
    if (names.has(name)) problems.push({ path: name, message: `stack name '${name}' is used twice` });
    names.add(name);
    if (!isObject(template)) return;
    const parameters = isObject(template.Parameters) ? template.Parameters : {};
    for (const [id, o] of Object.entries(isObject(template.Outputs) ? template.Outputs : {})) {
      if (!isObject(o) || !isObject(o.Export) || o.Export.Name === undefined) continue;
      const shape = nameShape(o.Export.Name, name, parameters);
      const clash = exports.find((e) => e.shape.text === shape.text);
      if (clash) {
        const other = stacks[clash.stack]?.name ?? '';
        problems.push({ path: jsonPath(name, 'Outputs', id, 'Export', 'Name'), message: `export name '${shape.text}' is also exported by ${other}/Outputs/${clash.output}` });
      }
      exports.push({ stack, output: id, shape });
    }
  });
  stacks.forEach(({ name, template }, stack) => {
    if (!isObject(template)) return;
    const parameters = isObject(template.Parameters) ? template.Parameters : {};
    const imports: { path: string; name: unknown }[] = [];
    for (const sectionName of ['Resources', 'Outputs', 'Conditions']) collectImports(template[sectionName], jsonPath(name, sectionName), imports);
    for (const imp of imports) {
      const shape = nameShape(imp.name, name, parameters);
      const matches = exports.filter((e) => shapesMatch(shape, e.shape));
      if (matches.some((e) => e.stack < stack)) continue;
      const own = matches.find((e) => e.stack === stack);
      const later = matches.find((e) => e.stack > stack);
      const message = own
        ? `imports '${shape.text}', which this stack exports itself (Outputs/${own.output}): use a Ref instead`
        : later
          ? `imports '${shape.text}', which is exported by ${stacks[later.stack]?.name ?? ''}, deployed after this stack`
          : `imports '${shape.text}', which no earlier stack exports${suggestion(shape.text, exports.filter((e) => e.stack < stack).map((e) => e.shape.text))}`;
      problems.push({ path: imp.path, message });
    }
  });
  return problems;
}
