// Hostile input: whatever the bytes, analyzeSpec answers with clear diagnostics, quickly and in
// bounded memory, and never throws or touches shared prototypes. The bounds (2 s, 200 MB) are
// generous on purpose: they catch blow-ups (alias bombs, runaway recursion), they are not benchmarks.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { DIAGNOSTIC_CODES } from '../../spec/diagnostics.js';
import { LOAD_LIMITS } from '../../spec/load.js';
import { fixedClock } from '../support/clock.js';

const MAX_MS = 2_000;
const MAX_HEAP_GROWTH = 200 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Runs analyzeSpec on input built beforehand; asserts it returns, in time, without the heap blowing up. */
function analyze(input: string | Uint8Array, file = 'hostile.dex.yaml'): Analysis {
  const bytes = typeof input === 'string' ? encode(input) : input;
  gc();
  const before = process.memoryUsage().heapUsed;
  const heapBefore = getHeapStatistics().total_heap_size;
  const start = performance.now();
  const analysis = analyzeSpec(bytes, file, { today: fixedClock });
  let ms = performance.now() - start;
  // A blow-up is slow every time; a garbage collection or a busy machine is not: over the bound,
  // the input gets a second run and the faster one counts.
  if (ms >= MAX_MS) {
    const again = performance.now();
    analyzeSpec(bytes, file, { today: fixedClock });
    ms = Math.min(ms, performance.now() - again);
  }
  // Garbage left over plus heap the engine had to grow: an upper bound on what the run needed at once.
  const growth = Math.max(process.memoryUsage().heapUsed - before, getHeapStatistics().total_heap_size - heapBefore);
  expect(ms, `analyzeSpec took ${ms.toFixed(0)} ms`).toBeLessThan(MAX_MS);
  expect(growth, `heap grew by ${(growth / 1024 / 1024).toFixed(0)} MB`).toBeLessThan(MAX_HEAP_GROWTH);
  expect(Array.isArray(analysis.diagnostics)).toBe(true);
  for (const d of analysis.diagnostics) {
    expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
    expect(d.message.length).toBeGreaterThan(0);
  }
  expect(analysis.ok).toBe(!analysis.diagnostics.some((d) => d.severity === 'error'));
  return analysis;
}

/** `line:col code` for each diagnostic, the shape the assertions below compare. */
const summary = (a: Analysis): string[] => a.diagnostics.map((d) => `${d.line ?? '-'}:${d.col ?? '-'} ${d.code}`);

const VALID = 'dex: 1\nname: demo\nregion: eu-west-1\nservices:\n  web:\n    port: 8080\n    placement: ecs\n';

/** A small deterministic generator (mulberry32), so "random" bytes are the same on every run. */
function seededBytes(seed: number, length: number): Uint8Array {
  let a = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

describe('hostile input', () => {
  it('accepts the valid baseline (so the failures below are about the hostility)', () => {
    expect(analyze(VALID).diagnostics).toEqual([]);
  });

  it('stops an alias bomb (billion laughs) by counting expansions', () => {
    const names = 'abcdefghij';
    let text = `a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n`;
    for (let i = 1; i < names.length; i++) text += `${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]\n`;
    const a = analyze(text);
    expect(a.ok).toBe(false);
    expect(a.diagnostics).toHaveLength(1);
    expect(a.diagnostics[0]).toMatchObject({ code: 'DEX106', severity: 'error' });
    expect(a.diagnostics[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('stops a wide alias bomb that stays under the alias count', () => {
    // 26 anchors, each a map of 30 keys aliasing the previous one: few aliases per level, huge expansion.
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    let text = 'a0: &a0 { x: 1 }\n';
    for (let i = 1; i < 26; i++) {
      text += `${letters[i]}0: &${letters[i]}0 { ${Array.from({ length: 30 }, (_, k) => `k${k}: *${letters[i - 1]}0`).join(', ')} }\n`;
    }
    const a = analyze(text);
    expect(a.diagnostics.map((d) => d.code)).toEqual(['DEX106']);
  });

  it('rejects a 50 MB file by its size, without reading it', () => {
    const bytes = new Uint8Array(50 * 1024 * 1024);
    bytes.fill(0x5b); // '[' : would be the worst case for a parser
    const start = performance.now();
    const a = analyze(bytes);
    expect(performance.now() - start).toBeLessThan(100);
    expect(a.diagnostics).toMatchObject([{ code: 'DEX101', severity: 'error', message: expect.stringContaining('50.0 MiB') }]);
    expect(a.source.text).toBe('');
  });

  it('accepts a file just under the size limit', () => {
    const padding = '#'.repeat(LOAD_LIMITS.maxBytes - VALID.length - 2);
    expect(analyze(`${VALID}${padding}\n`).ok).toBe(true);
  });

  it('rejects 10,000-deep flow sequences and maps as too deep, at the bracket', () => {
    const seq = analyze(`${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    expect(summary(seq)).toEqual([`1:${LOAD_LIMITS.maxDepth + 1} DEX107`]);
    const map = analyze(`services: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`);
    expect(summary(map)).toEqual([`1:${11 + 4 * LOAD_LIMITS.maxDepth} DEX107`]);
  });

  it('does not let quotes hide deep flow nesting from the depth check', () => {
    // An escaped backslash before a closing quote, and an apostrophe inside a plain scalar.
    for (const text of [`["\\\\", ${'['.repeat(10_000)}${']'.repeat(10_000)}]\n`, `[it's, ${'['.repeat(10_000)}${']'.repeat(10_000)}]\n`]) {
      const a = analyze(text);
      expect(a.ok).toBe(false);
      expect(a.diagnostics.map((d) => d.code)).toContain('DEX107');
    }
  });

  it('rejects 10,000-deep block sequences (compact "- - - …") as too deep', () => {
    const a = analyze(`${'- '.repeat(10_000)}x\n`);
    expect(summary(a)).toEqual(['1:1 DEX107']);
    // The same after a key, and indented: `k:\n  - - - …`.
    expect(summary(analyze(`k:\n  ${'- '.repeat(10_000)}x\n`))).toEqual(['2:1 DEX107']);
  });

  it('rejects 10,000-deep block mappings: by size when indented normally, by depth when squeezed', () => {
    // 10,000 levels indented two spaces each is ~100 MB of indentation: the size limit answers first.
    const levels = 10_000;
    const normal = Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}a:`).join('\n');
    expect(summary(analyze(`${normal} 1\n`))).toEqual(['-:- DEX101']);
    // Indented one space per level, as deep as fits under the limit: the depth limit answers.
    const squeezed = Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    const a = analyze(`${squeezed} 1\n`);
    expect(a.diagnostics.map((d) => d.code)).toEqual(['DEX107']);
    expect(a.diagnostics[0]!.line).toBeLessThanOrEqual(LOAD_LIMITS.maxDepth * 8 + 2);
    // Just past the depth limit, under the pre-scan: reported at the first key too deep.
    const shallow = Array.from({ length: LOAD_LIMITS.maxDepth + 5 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    const b = analyze(`${shallow} 1\n`);
    expect(b.diagnostics.map((d) => d.code)).toEqual(['DEX107']);
    expect(b.diagnostics[0]!.line).toBe(LOAD_LIMITS.maxDepth + 2);
  });

  it('rejects nesting just under the pre-scan limit without a stack overflow', () => {
    // One space per level, as deep as the line-width pre-scan lets through: the parser must not
    // overflow its stack, and the depth limit answers at the first key too deep.
    const levels = LOAD_LIMITS.maxDepth * 8;
    const maps = Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(summary(analyze(`${maps} 1\n`))).toEqual([`${LOAD_LIMITS.maxDepth + 2}:${LOAD_LIMITS.maxDepth + 2} DEX107`]);
    // Sequences of maps, each level two columns deeper: `- k:` then `  - k:`.
    const seqs = Array.from({ length: levels / 2 }, (_, i) => `${'  '.repeat(i)}- k${i}:`).join('\n');
    expect(analyze(`${seqs} 1\n`).diagnostics.map((d) => d.code)).toEqual(['DEX107']);
  });

  it('turns __proto__ and constructor keys into unknown-property errors, without pollution', () => {
    const text = [
      'dex: 1',
      'name: demo',
      'region: eu-west-1',
      '__proto__: { polluted: true }',
      'constructor: { polluted: true }',
      'services:',
      '  web:',
      '    port: 8080',
      '    __proto__:',
      '      polluted: yes',
      '    prototype: { polluted: true }',
      'network: { __proto__: { polluted: true } }',
      '',
    ].join('\n');
    const a = analyze(text);
    expect(a.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([
      '4:1 DEX200 unknown property "__proto__" in the top level',
      '5:1 DEX200 unknown property "constructor" in the top level',
      '9:5 DEX200 unknown property "__proto__" in services.web',
      '11:5 DEX200 unknown property "prototype" in services.web',
      '12:12 DEX200 unknown property "__proto__" in network',
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('keeps __proto__ as an ordinary key where the schema allows any key (tags), also through an overlay', () => {
    const text = `${VALID}tags: { __proto__: x, constructor: y }\nenvironments:\n  staging:\n    tags: { __proto__: z, tostring: w }\n`;
    const a = analyze(text);
    expect(a.diagnostics).toEqual([]);
    const base = a.compiled.find((c) => c.environment === undefined)!.spec;
    const staging = a.compiled.find((c) => c.environment === 'staging')!.spec;
    expect(Object.getPrototypeOf(base.tags)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(staging.tags)).toBe(Object.prototype);
    expect(Object.entries(base.tags)).toEqual(expect.arrayContaining([['__proto__', 'x'], ['constructor', 'y']]));
    expect(Object.entries(staging.tags)).toEqual(expect.arrayContaining([['__proto__', 'z'], ['constructor', 'y'], ['tostring', 'w']]));
    // Only the overlay names it: still an ordinary tag, not a prototype.
    const only = analyze(`${VALID}tags: { owner: a }\nenvironments:\n  staging:\n    tags: { __proto__: z, constructor: c }\n`);
    expect(only.diagnostics).toEqual([]);
    const onlyTags = only.compiled.find((c) => c.environment === 'staging')!.spec.tags;
    expect(Object.getPrototypeOf(onlyTags)).toBe(Object.prototype);
    expect(Object.entries(onlyTags)).toEqual(expect.arrayContaining([['owner', 'a'], ['__proto__', 'z'], ['constructor', 'c']]));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('treats names that shadow Object.prototype (constructor, tostring) as ordinary names', () => {
    const text = [
      'dex: 1',
      'name: demo',
      'region: eu-west-1',
      'services:',
      '  constructor: { port: 8080, placement: ecs }',
      '  web: { port: 8081, placement: ecs, uses: [constructor] }',
      'environments:',
      '  staging:',
      '    services:',
      '      constructor: { port: 9090 }',
      '',
    ].join('\n');
    const a = analyze(text);
    expect(a.diagnostics).toEqual([]);
    const staging = a.compiled.find((c) => c.environment === 'staging')!.spec;
    expect(staging.services['constructor']?.port).toBe(9090);
    // Overlays may not add what the base lacks, even when the name exists on every object's prototype.
    const overlay = analyze(`${VALID}environments:\n  staging:\n    services:\n      constructor: { port: 9090 }\n      hasownproperty: {}\n`);
    expect(overlay.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual(['11:7 DEX401', '12:7 DEX401']);
  });

  it('reports binary garbage as not UTF-8, with a line', () => {
    for (const seed of [1, 2, 3, 42, 2026]) {
      const a = analyze(seededBytes(seed, 64 * 1024));
      expect(a.diagnostics).toHaveLength(1);
      expect(a.diagnostics[0]).toMatchObject({ code: 'DEX102', severity: 'error' });
      const { line, col } = a.diagnostics[0]!;
      // The position lies in the text kept for display (bad bytes shown as U+FFFD).
      const lines = a.source.text.split('\n');
      expect(line).toBeGreaterThanOrEqual(1);
      expect(line).toBeLessThanOrEqual(lines.length);
      expect(col).toBeGreaterThanOrEqual(1);
      expect(col).toBeLessThanOrEqual(lines[line! - 1]!.length + 1);
    }
  });

  it('reports a NUL byte at its line', () => {
    const a = analyze(encode('dex: 1\nname: demo\nregion: eu-\u0000west-1\n'));
    expect(a.diagnostics).toMatchObject([{ code: 'DEX102', line: 3, col: 12, message: expect.stringContaining('NUL') }]);
    expect(a.source.text.split('\n')[2]).toBe('region: eu-\u0000west-1');
    // After a byte order mark and multi-byte characters, the column counts characters as every
    // other diagnostic does (UTF-16 code units: the emoji counts two), not bytes.
    const b = analyze(new Uint8Array([0xef, 0xbb, 0xbf, ...encode('name: "é✓😀\u0000"\n')]));
    expect(b.diagnostics).toMatchObject([{ code: 'DEX102', line: 1, col: 12 }]);
  });

  it('reports invalid UTF-8 at its line: stray continuation, truncated sequence, overlong form, surrogate', () => {
    const prefix = encode('dex: 1\nname: ');
    for (const bad of [[0x80], [0xc3, 0x28], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff]]) {
      const bytes = new Uint8Array([...prefix, ...bad, 0x0a, ...encode('region: eu-west-1\n')]);
      const a = analyze(bytes);
      expect(a.diagnostics, `bytes ${bad.map((b) => b.toString(16)).join(' ')}`).toMatchObject([{ code: 'DEX102', line: 2, col: 7 }]);
    }
    // A multi-byte sequence cut off by the end of the file.
    expect(analyze(new Uint8Array([...prefix, 0xe2, 0x82])).diagnostics).toMatchObject([{ code: 'DEX102', line: 2 }]);
  });

  it('accepts a UTF-8 byte order mark, keeping positions right', () => {
    const bom = [0xef, 0xbb, 0xbf];
    expect(analyze(new Uint8Array([...bom, ...encode(VALID)])).diagnostics).toEqual([]);
    const a = analyze(new Uint8Array([...bom, ...encode(VALID.replace('name: demo', 'name: Demo'))]));
    expect(summary(a)).toEqual(['2:7 DEX204']);
    // Non-ASCII text is fine too.
    expect(analyze(encode(`${VALID}tags: { owner: "équipe-plateforme ✓" }\n`)).diagnostics).toEqual([]);
  });

  it('reports tabs used as indentation at the tab', () => {
    const a = analyze('dex: 1\nname: demo\nregion: eu-west-1\nservices:\n  web:\n  \tport: 8080\n');
    expect(a.diagnostics).toMatchObject([{ code: 'DEX103', line: 6, col: 3, severity: 'error' }]);
    const b = analyze('dex: 1\nservices:\n\tweb: {}\n');
    expect(summary(b)).toEqual(['3:1 DEX103']);
    // A tab after a value or on a blank line is not indentation.
    expect(analyze(`${VALID.replace('port: 8080', 'port: 8080\t# the port')}\t\n`).diagnostics).toEqual([]);
  });

  it('reports a duplicate key at the second occurrence', () => {
    const a = analyze('dex: 1\nname: demo\nregion: eu-west-1\nservices:\n  web:\n    port: 8080\n    placement: ecs\n    port: 8081\n');
    expect(a.diagnostics).toMatchObject([{ code: 'DEX105', line: 8, col: 5 }]);
    const b = analyze(`${VALID}services:\n  api: {}\n`);
    expect(summary(b)).toEqual(['8:1 DEX105']);
  });

  it('reports several documents in one file at the second one', () => {
    const a = analyze(`${VALID}---\n${VALID}`);
    expect(summary(a)).toEqual(['8:1 DEX108']);
    const b = analyze(`---\n${VALID}...\n---\ndex: 1\n`);
    expect(b.diagnostics.map((d) => d.code)).toEqual(['DEX108']);
  });

  it('rejects custom and binary tags', () => {
    const binary = analyze(`${VALID}tags: { owner: !!binary aGVsbG8= }\n`);
    expect(binary.diagnostics).toMatchObject([{ code: 'DEX109', line: 8, col: 16, message: expect.stringContaining('!!binary') }]);
    const custom = analyze(VALID.replace('name: demo', 'name: !foo demo'));
    expect(custom.diagnostics).toMatchObject([{ code: 'DEX109', line: 2, message: expect.stringContaining('!foo') }]);
    // Collection tags from YAML 1.1 (ordered maps, sets, pairs) are not plain data either.
    expect(summary(analyze(VALID.replace('  web:', '  web: !!omap')))).toEqual(['5:8 DEX109']);
    expect(summary(analyze(`${VALID}compliance: !!set { soc2 }\n`))).toEqual(['8:13 DEX109']);
    expect(summary(analyze(`${VALID}compliance: !!pairs [ soc2: 1 ]\n`))).toEqual(['8:13 DEX109']);
    // Tags that restate the plain type are harmless.
    expect(analyze(VALID.replace('name: demo', 'name: !!str demo').replace('port: 8080', 'port: !!int 8080')).diagnostics).toEqual([]);
  });

  it('rejects keys that are not strings', () => {
    const complex = analyze(`${VALID}? [a, b]\n: c\n`);
    expect(complex.diagnostics).toMatchObject([{ code: 'DEX109', line: 8, message: 'keys must be plain strings' }]);
    const mapKey = analyze(`${VALID}? { a: 1 }\n: c\n`);
    expect(mapKey.diagnostics.map((d) => d.code)).toEqual(['DEX109']);
    const nullKey = analyze(`${VALID}~: c\n`);
    expect(summary(nullKey)).toEqual(['8:1 DEX109']);
  });

  it('reports an empty file, and one with only whitespace and comments', () => {
    for (const text of ['', '\n\n', '   \n# nothing here\n', '---\n', '\ufeff']) {
      const a = analyze(text);
      expect(a.diagnostics.map((d) => d.code), JSON.stringify(text)).toEqual(['DEX110']);
    }
  });

  it('reports a document that is not a map', () => {
    for (const text of ['just a string\n', '- a\n- b\n', '42\n']) {
      const a = analyze(text);
      expect(a.ok).toBe(false);
      expect(a.diagnostics.map((d) => d.code), text).toEqual(['DEX202']);
    }
  });

  it('answers long single lines and many keys within the bounds', () => {
    const longValue = analyze(`${VALID}tags: { owner: "${'x'.repeat(4 * 1024 * 1024)}" }\n`);
    expect(longValue.ok).toBe(false); // longer than a tag value may be
    const manyKeys = Array.from({ length: 20_000 }, (_, i) => `  k${i}: ${i}`).join('\n');
    const a = analyze(`${VALID}usage:\n${manyKeys}\n`);
    expect(a.ok).toBe(false);
    expect(a.diagnostics.length).toBeGreaterThan(0);
  });
});
