// The shipped examples are the first thing a user copies: each must validate (base spec and
// every environment), and the DEX Mobile v6 example must keep every value of the reference.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeSpec } from '../pipeline/analyze.js';
import type { Diagnostic } from '../spec/diagnostics.js';
import { EXAMPLE_SPECS } from './support/specs.js';

const examples = EXAMPLE_SPECS;

const render = (diagnostics: readonly Diagnostic[]): string =>
  diagnostics.map((d) => `${d.file}:${d.line ?? '?'}:${d.col ?? '?'}: ${d.severity} ${d.code}: ${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`).join('\n');

// No clock is pinned: the EKS support-calendar rule only ever warns, so the examples' validity
// must not depend on the day the test runs.

const analyze = (file: string, environment?: string) => analyzeSpec(readFileSync(file), file, environment === undefined ? {} : { environment });

describe('examples', () => {
  it('are all found', () => {
    expect(examples).toEqual(expect.arrayContaining(['examples/dex-mobile-v6/dex.yaml', 'examples/large/dex.yaml', 'examples/minimal/dex.yaml']));
  });

  describe.each(examples)('%s', (file) => {
    it('starts with the schema modeline', () => {
      expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema.json');
    });

    it('validates with no errors, base spec and every environment', () => {
      const analysis = analyze(file);
      const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
      expect(errors, `errors in ${file}:\n${render(errors)}`).toEqual([]);
      expect(analysis.ok).toBe(true);
      const environments = Object.keys((analysis.raw?.environments ?? {}) as object);
      expect(analysis.compiled.map((c) => c.environment)).toEqual([undefined, ...environments]);
    });

    it('validates each environment on its own', () => {
      const environments = Object.keys((parse(readFileSync(file, 'utf8')) as { environments?: object }).environments ?? {});
      for (const environment of environments) {
        const analysis = analyze(file, environment);
        const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
        expect(errors, `errors in ${file} --env ${environment}:\n${render(errors)}`).toEqual([]);
      }
    });
  });
});

describe('examples/minimal', () => {
  it('is one ECS service and one database', () => {
    const [base] = analyze('examples/minimal/dex.yaml').compiled;
    expect(Object.values(base!.spec.services).map((s) => s.placement)).toEqual(['ecs']);
    expect(Object.keys(base!.spec.databases)).toHaveLength(1);
  });
});

describe('examples/large', () => {
  let analysis: ReturnType<typeof analyze>;
  beforeAll(() => {
    analysis = analyze('examples/large/dex.yaml');
  });

  it('has a dozen services, two databases, two caches', () => {
    const base = analysis.compiled[0]!.spec;
    expect(Object.keys(base.services).length).toBeGreaterThanOrEqual(12);
    expect(Object.keys(base.databases)).toHaveLength(2);
    expect(Object.keys(base.caches)).toHaveLength(2);
  });

  it('resolves placement: auto to each platform', () => {
    const base = analysis.compiled[0]!.spec;
    const auto = Object.values(base.services).filter((s) => s.placementDecision.source === 'auto');
    expect(new Set(auto.map((s) => s.placement))).toEqual(new Set(['eks', 'ecs', 'ec2']));
  });

  it('has service→service uses without cycles', () => {
    const services = analysis.compiled[0]!.spec.services;
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, trail: string[]): void => {
      if (done.has(name)) return;
      expect(visiting.has(name), `cycle: ${[...trail, name].join(' → ')}`).toBe(false);
      visiting.add(name);
      for (const next of services[name]!.uses) if (next in services) visit(next, [...trail, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name, []);
    expect(Object.values(services).some((s) => s.uses.some((u) => u in services))).toBe(true);
  });

  it('covers two regions, each environment with its own certificate and backup region', () => {
    const regions = new Set(analysis.compiled.map((c) => c.spec.region));
    expect(regions.size).toBeGreaterThanOrEqual(2);
    for (const { environment, spec } of analysis.compiled) {
      expect(spec.ingress.tls.certificateArn?.split(':')[3], `certificate region in ${environment ?? 'base'}`).toBe(spec.region);
      for (const db of Object.values(spec.databases)) expect(db.crossRegionBackupTo, `${db.name} in ${environment ?? 'base'}`).not.toBe(spec.region);
    }
  });
});

// ---- The reference contract ---------------------------------------------------------------

type Leaf = { readonly path: string; readonly value: unknown };

/** Every leaf of a parsed YAML value with its path; empty maps and lists count as leaves. */
function leaves(value: unknown, path = ''): Leaf[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [{ path, value }];
    return value.flatMap((item, i) => leaves(item, `${path}[${i}]`));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return [{ path, value }];
    return entries.flatMap(([key, item]) => leaves(item, path ? `${path}.${key}` : key));
  }
  return [{ path, value }];
}

function at(value: unknown, path: string): { found: boolean; value?: unknown } {
  let node: unknown = value;
  for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (part.startsWith('[')) {
      const index = Number(part.slice(1, -1));
      if (!Array.isArray(node) || index >= node.length) return { found: false };
      node = node[index];
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, part)) return { found: false };
      node = (node as Record<string, unknown>)[part];
    }
  }
  return { found: true, value: node };
}

describe('examples/dex-mobile-v6 keeps the reference spec', () => {
  const reference = parse(readFileSync('test/fixtures/reference/dex-mobile-v6.dex.yaml', 'utf8')) as unknown;
  const example = parse(readFileSync('examples/dex-mobile-v6/dex.yaml', 'utf8')) as unknown;

  /**
   * Values the example deliberately changes, each with its reason. The field stays; only a value
   * the calendar has made impossible moves.
   */
  const CHANGED: Readonly<Record<string, { readonly value: unknown; readonly reason: string }>> = {
    'platforms.eks.version': { value: '1.35', reason: 'the reference pins 1.31, past EKS extended support since 2026-11-26: EKS creates no new cluster at it (DEX321)' },
  };

  it('has every leaf of the reference, with the same value (it may add, never change or drop)', () => {
    const problems: string[] = [];
    for (const leaf of leaves(reference)) {
      const changed = CHANGED[leaf.path];
      if (changed !== undefined) {
        expect(at(example, leaf.path), `${leaf.path}: ${changed.reason}`).toEqual({ found: true, value: changed.value });
        continue;
      }
      const found = at(example, leaf.path);
      if (!found.found) {
        problems.push(`${leaf.path}: missing (reference: ${JSON.stringify(leaf.value)})`);
        continue;
      }
      // An empty map or list in the reference only says the thing exists; the example may fill it.
      const emptyCollection = typeof leaf.value === 'object' && leaf.value !== null;
      const sameKind = Array.isArray(leaf.value) === Array.isArray(found.value) && typeof found.value === 'object' && found.value !== null;
      if (emptyCollection ? !sameKind : !Object.is(found.value, leaf.value)) {
        problems.push(`${leaf.path}: ${JSON.stringify(found.value)} (reference: ${JSON.stringify(leaf.value)})`);
      }
    }
    expect(problems, `examples/dex-mobile-v6/dex.yaml differs from the reference:\n${problems.join('\n')}`).toEqual([]);
  });

  it('compares something (the walk is not vacuous)', () => {
    expect(leaves(reference).length).toBeGreaterThan(100);
    expect(at(example, 'services.blockchain-service.scaling.vertical')).toEqual({ found: true, value: true });
  });
});
