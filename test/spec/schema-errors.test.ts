// Schema errors become diagnostics at the offending node, all at once, with useful hints.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';

const file = 'test/fixtures/spec/misspelt.dex.yaml';
const analysis = analyzeSpec(readFileSync(file), file);
const at = (line: number, col: number) => analysis.diagnostics.find((d) => d.line === line && d.col === col);

describe('schema diagnostics', () => {
  it('reports every error in one pass, sorted by position', () => {
    expect(analysis.ok).toBe(false);
    expect(analysis.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual([
      '6:3 DEX200',
      '10:5 DEX200',
      '12:34 DEX204',
      '13:5 DEX200',
      '14:15 DEX204',
      '16:11 DEX202',
      '20:14 DEX202',
      '21:20 DEX203',
    ]);
  });

  it('points unknown properties at the key, with did-you-mean', () => {
    expect(at(6, 3)).toMatchObject({ code: 'DEX200', message: 'unknown property "natGateway" in network', hint: 'did you mean "natGateways"?', range: { end: { line: 6, col: 13 } } });
    expect(at(10, 5)?.hint).toBe('did you mean "placement"?');
  });

  it('says when a key belongs one level down', () => {
    expect(at(13, 5)?.hint).toBe('"path" belongs one level down: indent it under health: or expose:');
  });

  it('explains instance types from the wrong service family', () => {
    // An EC2 type is open in the schema (any type of the catalogue): db.t3.medium there is DEX347,
    // a semantic finding, so it is reported once the schema errors are fixed (test/compiler/checks/instance-types.test.ts).
    expect(at(11, 19)).toBeUndefined();
    expect(at(21, 20)?.hint).toBe('RDS instance classes start with "db.": did you mean db.t3.medium?');
  });

  it('points wrong types at the value, with the fix', () => {
    expect(at(16, 11)).toMatchObject({ message: 'expected a whole number, got the string "8081"', hint: 'remove the quotes: 8081' });
    expect(at(20, 14)).toMatchObject({ message: 'expected a string, got the number 16', hint: 'quote it: "16"' });
  });

  it('explains format errors', () => {
    expect(at(12, 34)?.hint).toBe('write an amount with its unit, e.g. 512MiB or 2GiB');
    expect(at(14, 15)).toMatchObject({ message: '"stripe-key" is not a valid entry in secrets', hint: 'secret names are UPPER_SNAKE_CASE, e.g. STRIPE_API_KEY' });
  });

  it('reports a missing required property at the enclosing key', () => {
    const text = 'dex: 1\nname: demo\nservices: {}\n';
    const a = analyzeSpec(new TextEncoder().encode(text), 'x.yaml');
    expect(a.diagnostics).toMatchObject([{ code: 'DEX201', message: 'missing required property "region"', line: 1, col: 1 }]);
  });

  it('suggests enum values', () => {
    const text = 'dex: 1\nname: demo\nregion: ap-south-1\nnetwork:\n  natGateways: perAZ\nservices:\n  web: { placement: ecz }\n';
    const a = analyzeSpec(new TextEncoder().encode(text), 'x.yaml');
    expect(a.diagnostics.map((d) => [d.line, d.col, d.hint])).toEqual([
      [5, 16, 'did you mean perAz?'],
      [7, 21, 'did you mean ecs?'],
    ]);
  });
});

describe('environment names', () => {
  it('reserves ci and default for emit output directories (DEX402)', () => {
    const text = 'dex: 1\nname: demo\nregion: us-east-1\nservices:\n  web: { placement: ecs }\nenvironments:\n  ci: {}\n  production: {}\n';
    const a = analyzeSpec(new TextEncoder().encode(text), 'x.yaml');
    expect(a.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual(['7:3 DEX402']);
  });
});
