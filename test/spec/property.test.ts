// Property tests: valid specs mutated at random (structurally, then as text, then as bytes) never
// make analyzeSpec throw, and what it returns is always well formed: known codes, valid severities,
// ok exactly when there is no error, and positions that lie inside the file.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { DIAGNOSTIC_CODES } from '../../spec/diagnostics.js';
import { fixedClock } from '../support/clock.js';

const SEED = 20261124;
const RUNS = 300;

const reference = readFileSync(new URL('../fixtures/reference/dex-mobile-v6.dex.yaml', import.meta.url), 'utf8');

/** The smallest spec with every kind of section a mutation can reach into. */
const minimal = `dex: 1
name: tiny
region: eu-west-1
network:
  natGateways: single
ingress:
  tls:
    certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555
services:
  api:
    port: 8080
    placement: ecs
    expose: { public: true, path: /api }
    uses: [db]
    scaling: { min: 1, max: 3 }
  worker:
    port: 9000
    placement: auto
    profile: { scalability: low }
databases:
  db: {}
environments:
  staging:
    services:
      api: { scaling: { min: 1 } }
  production: {}
`;

const SEEDS = [
  { name: 'reference', text: reference },
  { name: 'minimal', text: minimal },
] as const;

const codes = new Set(Object.keys(DIAGNOSTIC_CODES));
const severities = new Set(['error', 'warning', 'info']);
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Runs analyzeSpec and checks everything that must hold whatever the input; returns the analysis. */
function analyzeChecked(bytes: Uint8Array, options: { includeInfo?: boolean; environment?: string } = {}): Analysis {
  let analysis: Analysis;
  try {
    analysis = analyzeSpec(bytes, 'mutated.dex.yaml', { ...options, today: fixedClock });
  } catch (err) {
    throw new Error(`analyzeSpec threw on:\n${new TextDecoder().decode(bytes).slice(0, 2000)}\n${(err as Error).stack}`);
  }
  const { diagnostics } = analysis;
  if (!Array.isArray(diagnostics)) throw new Error('diagnostics is not an array');
  const hasError = diagnostics.some((d) => d.severity === 'error');
  if (analysis.ok !== !hasError) throw new Error(`ok is ${analysis.ok} but error diagnostics: ${hasError}`);
  const lines = analysis.source.text.split('\n');
  for (const d of diagnostics) {
    const where = `${d.code} ${d.line}:${d.col} ${d.message}`;
    if (!codes.has(d.code)) throw new Error(`unknown code ${where}`);
    if (!severities.has(d.severity)) throw new Error(`bad severity ${d.severity} in ${where}`);
    if (typeof d.message !== 'string' || d.message.length === 0) throw new Error(`empty message in ${where}`);
    if (!Array.isArray(d.path)) throw new Error(`path is not an array in ${where}`);
    if (!options.includeInfo && d.severity === 'info') throw new Error(`info diagnostic without includeInfo: ${where}`);
    if (d.line !== undefined || d.col !== undefined) {
      const { line, col } = d;
      if (!Number.isInteger(line) || !Number.isInteger(col)) throw new Error(`line/col not both integers: ${where}`);
      if (line! < 1 || line! > lines.length) throw new Error(`line outside the file (${lines.length} lines): ${where}`);
      const length = lines[line! - 1]!.length;
      if (col! < 1 || col! > length + 1) throw new Error(`column outside line ${line} (${length} characters): ${where}`);
    }
    if (d.range) {
      const { start, end } = d.range;
      if (start.line !== d.line || start.col !== d.col) throw new Error(`range start differs from line/col: ${where}`);
      if (end.offset < start.offset) throw new Error(`range ends before it starts: ${where}`);
      if (start.offset < 0 || end.offset > analysis.source.text.length + 1) throw new Error(`range outside the text: ${where}`);
    }
  }
  return analysis;
}

// ---------------------------------------------------------------------------------------------
// Structural mutations of the parsed value

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const awkwardKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '<<', '', ' ', 'placement', 'services', 'environments', 'scaling', 'min', 'max', 'port', 'uses', 'tags', 'network', 'subnets', 'cidr', 'stages', 'alerts', 'db', 'api'];
const keyArb = fc.oneof(fc.constantFrom(...awkwardKeys), fc.string({ maxLength: 12 }), fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/));
const numberArb = fc.oneof(
  fc.integer({ min: -5, max: 70_000 }),
  fc.constantFrom(-1, 0, 0.5, -0.5, 1e9, 2 ** 53, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 65_536, 1_001),
  fc.double({ noNaN: false }),
);
const scalarArb: fc.Arbitrary<Json> = fc.oneof(
  numberArb as fc.Arbitrary<Json>,
  fc.string({ maxLength: 20 }),
  fc.constantFrom('auto', 'eks', 'ecs', 'ec2', '10.0.0.0/16', '10.0.0.0/33', 'db.t3.medium', 't3.micro', '2GiB', '5m', 'api', 'db', 'production', '*', '', 'yes', 'null'),
  fc.boolean(),
  fc.constant(null),
);
const valueArb: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 4 }) as fc.Arbitrary<Json>,
  ),
})).value;

type Mutation =
  | { kind: 'delete'; path: number[] }
  | { kind: 'insert'; path: number[]; key: string; value: Json }
  | { kind: 'replace'; path: number[]; value: Json }
  | { kind: 'retype'; path: number[] }
  | { kind: 'duplicate'; path: number[] }
  | { kind: 'shuffle'; path: number[]; seed: number }
  | { kind: 'renameService'; index: number; name: string }
  | { kind: 'outOfRange'; index: number; value: number };

const pathArb = fc.array(fc.nat(), { minLength: 0, maxLength: 6 });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), path: pathArb }),
  fc.record({ kind: fc.constant('insert' as const), path: pathArb, key: keyArb, value: valueArb }),
  fc.record({ kind: fc.constant('replace' as const), path: pathArb, value: valueArb }),
  fc.record({ kind: fc.constant('retype' as const), path: pathArb }),
  fc.record({ kind: fc.constant('duplicate' as const), path: pathArb }),
  fc.record({ kind: fc.constant('shuffle' as const), path: pathArb, seed: fc.nat() }),
  fc.record({
    kind: fc.constant('renameService' as const),
    index: fc.nat(),
    name: fc.oneof(fc.constantFrom('constructor', 'tostring', 'hasownproperty', '__proto__', 'api', 'db', 'worker', 'kyc-service', 'a', 'UPPER', 'x'.repeat(41)), fc.string({ maxLength: 12 })),
  }),
  fc.record({ kind: fc.constant('outOfRange' as const), index: fc.nat(), value: numberArb }),
);

const isMap = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);
const children = (v: Json): [string | number, Json][] => (Array.isArray(v) ? v.map((x, i) => [i, x]) : isMap(v) ? Object.entries(v) : []);

function setChild(parent: Json, key: string | number, value: Json): void {
  if (Array.isArray(parent)) parent[key as number] = value;
  else if (isMap(parent)) Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Follows path (indexes into each container's children, modulo their count) to a container and one of its entries. */
function walk(root: Json, path: number[]): { parent: Json; key: string | number; value: Json } | undefined {
  let parent: Json = root;
  let found: { parent: Json; key: string | number; value: Json } | undefined;
  for (const step of path) {
    const entries = children(parent);
    if (entries.length === 0) break;
    const [key, value] = entries[step % entries.length]!;
    found = { parent, key, value };
    if (children(value).length === 0) break;
    parent = value;
  }
  return found;
}

/** Every number in the value, with where it is. */
function numbers(root: Json): { parent: Json; key: string | number }[] {
  const out: { parent: Json; key: string | number }[] = [];
  const visit = (node: Json): void => {
    for (const [key, value] of children(node)) {
      if (typeof value === 'number') out.push({ parent: node, key });
      else visit(value);
    }
  };
  visit(root);
  return out;
}

function retype(value: Json): Json {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return /^\d+$/.test(value) ? Number(value) : [value];
  if (typeof value === 'boolean') return value ? 'true' : 0;
  if (value === null) return {};
  if (Array.isArray(value)) return value.length ? (value[0] ?? null) : {};
  return Object.keys(value);
}

function mutate(root: Json, m: Mutation): void {
  switch (m.kind) {
    case 'delete': {
      const at = walk(root, m.path);
      if (!at) return;
      if (Array.isArray(at.parent)) at.parent.splice(at.key as number, 1);
      else if (isMap(at.parent)) delete at.parent[at.key as string];
      return;
    }
    case 'insert': {
      const at = walk(root, m.path);
      const target = at && children(at.value).length > 0 ? at.value : at?.parent ?? root;
      if (Array.isArray(target)) target.push(m.value);
      else if (isMap(target)) setChild(target, m.key, m.value);
      return;
    }
    case 'replace': {
      const at = walk(root, m.path);
      if (at) setChild(at.parent, at.key, m.value);
      return;
    }
    case 'retype': {
      const at = walk(root, m.path);
      if (at) setChild(at.parent, at.key, retype(at.value));
      return;
    }
    case 'duplicate': {
      const at = walk(root, m.path);
      if (at && Array.isArray(at.parent)) at.parent.splice(at.key as number, 0, structuredClone(at.value));
      else if (at && Array.isArray(at.value) && at.value.length) at.value.push(structuredClone(at.value[0]!));
      return;
    }
    case 'shuffle': {
      const at = walk(root, m.path);
      const list = at && Array.isArray(at.value) ? at.value : at && Array.isArray(at.parent) ? at.parent : undefined;
      if (!list) return;
      let s = m.seed;
      for (let i = list.length - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) % 2 ** 31;
        const j = s % (i + 1);
        [list[i], list[j]] = [list[j]!, list[i]!];
      }
      return;
    }
    case 'renameService': {
      if (!isMap(root) || !isMap(root['services'])) return;
      const services = root['services'];
      const names = Object.keys(services);
      if (names.length === 0) return;
      const from = names[m.index % names.length]!;
      // Rebuild to keep the order, with the new name in the old one's place.
      const renamed: Record<string, Json> = {};
      for (const name of names) setChild(renamed, name === from ? m.name : name, services[name]!);
      root['services'] = renamed;
      return;
    }
    case 'outOfRange': {
      const all = numbers(root);
      if (all.length === 0) return;
      const at = all[m.index % all.length]!;
      setChild(at.parent, at.key, m.value);
      return;
    }
  }
}

/** Every leaf (scalar) in the value, with where it is. */
function leaves(root: Json): { parent: Json; key: string | number; value: Json }[] {
  const out: { parent: Json; key: string | number; value: Json }[] = [];
  const visit = (node: Json): void => {
    for (const [key, value] of children(node)) {
      if (value === null || typeof value !== 'object') out.push({ parent: node, key, value });
      else visit(value);
    }
  };
  visit(root);
  return out;
}

// Mutations that mostly keep the spec schema-valid, so they reach normalize and the semantic checks.
type GentleMutation =
  | { kind: 'transplant'; from: number; to: number }
  | { kind: 'renameService'; index: number; name: string }
  | { kind: 'number'; index: number; value: number }
  | { kind: 'placement'; index: number; value: string }
  | { kind: 'delete'; path: number[] }
  | { kind: 'duplicate'; path: number[] }
  | { kind: 'shuffle'; path: number[]; seed: number };

const gentleArb: fc.Arbitrary<GentleMutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('transplant' as const), from: fc.nat(), to: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('renameService' as const), index: fc.nat(), name: fc.constantFrom('constructor', 'tostring', 'valueof', 'hasownproperty', 'api', 'db', 'redis', 'postgres', 'worker', 'kyc-service', 'ab') }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('number' as const), index: fc.nat(), value: fc.constantFrom(0, 1, 2, 3, 4, 8, 10, 64, 100, 1000, 3000, 65_535, 0.25, 0.5, 1.5, 16_384) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('placement' as const), index: fc.nat(), value: fc.constantFrom('eks', 'ecs', 'ec2', 'auto') }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), path: pathArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('duplicate' as const), path: pathArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('shuffle' as const), path: pathArb, seed: fc.nat() }), weight: 1 },
);

function mutateGently(root: Json, m: GentleMutation): void {
  switch (m.kind) {
    case 'transplant': {
      // A value from elsewhere in the same spec, of the same type: plausible, often wrong in context.
      const all = leaves(root);
      if (all.length === 0) return;
      const from = all[m.from % all.length]!;
      const sameType = all.filter((l) => typeof l.value === typeof from.value);
      const to = sameType[m.to % sameType.length]!;
      setChild(to.parent, to.key, from.value);
      return;
    }
    case 'number': {
      const all = numbers(root);
      if (all.length) {
        const at = all[m.index % all.length]!;
        setChild(at.parent, at.key, m.value);
      }
      return;
    }
    case 'placement': {
      const services = isMap(root) && isMap(root['services']) ? Object.values(root['services']) : [];
      const svc = services[m.index % Math.max(1, services.length)];
      if (isMap(svc)) svc['placement'] = m.value;
      return;
    }
    default:
      mutate(root, m);
  }
}

// ---------------------------------------------------------------------------------------------
// Text and byte mutations

const syntaxChars = ['\t', ':', ': ', '[', ']', '{', '}', '-', '- ', '#', '&a', '*a', '!', '!!binary ', "'", '"', '|', '>', '\n', ' ', '  ', '%', '@', '`', '?', ',', '<<: ', '---\n', '...\n', '\r', '\u00a0', '\ufeff', 'é', '✓', '😀', '\\', '~'];
type TextMutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicateLine'; at: number };
const textMutationArb: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...syntaxChars), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 15 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
);

function mutateText(text: string, m: TextMutation): string {
  const at = text.length === 0 ? 0 : m.at % (text.length + 1);
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.length);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'flip': {
      if (at >= text.length) return text;
      return text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ (1 << m.bit)) + text.slice(at + 1);
    }
    case 'truncate':
      return text.slice(0, at);
    case 'duplicateLine': {
      const start = text.lastIndexOf('\n', at - 1) + 1;
      const end = text.indexOf('\n', at);
      const line = text.slice(start, end === -1 ? text.length : end + 1);
      return text.slice(0, start) + line + (line.endsWith('\n') ? '' : '\n') + text.slice(start);
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('analyzeSpec on mutated specs', () => {
  it('accepts the unmutated seeds', () => {
    for (const seed of SEEDS) {
      const a = analyzeChecked(encode(seed.text));
      expect(a.diagnostics.filter((d) => d.severity === 'error'), seed.name).toEqual([]);
      // The re-serialized value is valid too, so structural failures come from the mutations.
      expect(analyzeChecked(encode(stringify(parse(seed.text)))).ok, `${seed.name} re-serialized`).toBe(true);
    }
  });

  it('never throws and stays well formed under structural mutations', () => {
    const values = SEEDS.map((s) => parse(s.text) as Json);
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (which, mutations, includeInfo) => {
        const value = structuredClone(values[which]!);
        for (const m of mutations) mutate(value, m);
        const text = stringify(value, { aliasDuplicateObjects: false });
        analyzeChecked(encode(text), { includeInfo });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('never throws and stays well formed under schema-preserving mutations (normalize and semantic checks)', () => {
    const values = SEEDS.map((s) => parse(s.text) as Json);
    let pastSchema = 0;
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(gentleArb, { minLength: 1, maxLength: 3 }), fc.constantFrom(undefined, 'staging'), (which, mutations, environment) => {
        const value = structuredClone(values[which]!);
        for (const m of mutations) mutateGently(value, m);
        const a = analyzeChecked(encode(stringify(value, { aliasDuplicateObjects: false })), { includeInfo: true, ...(environment ? { environment } : {}) });
        if (a.raw !== undefined) pastSchema++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The point of these mutations is to get past the schema: make sure most of them still do.
    expect(pastSchema).toBeGreaterThan(RUNS / 2);
  });

  it('never throws and stays well formed under text mutations', () => {
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(textMutationArb, { minLength: 1, maxLength: 5 }), (which, mutations) => {
        let text: string = SEEDS[which]!.text;
        for (const m of mutations) text = mutateText(text, m);
        analyzeChecked(encode(text));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('never throws and stays well formed under byte mutations and for an environment', () => {
    const seeds = SEEDS.map((s) => encode(s.text));
    fc.assert(
      fc.property(
        fc.nat({ max: SEEDS.length - 1 }),
        // Mostly ASCII, so not every run stops at the UTF-8 check.
        fc.array(fc.record({ at: fc.nat(), byte: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 127 }), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 1 }) }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(undefined, 'staging', 'production', 'nope'),
        (which, edits, environment) => {
          const bytes = Uint8Array.from(seeds[which]!);
          for (const e of edits) bytes[e.at % bytes.length] = e.byte;
          analyzeChecked(bytes, environment === undefined ? {} : { environment });
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
