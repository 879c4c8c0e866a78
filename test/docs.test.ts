// Every diagnostic code is documented (docs/diagnostics.md), and the docs name no code that does not exist.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../spec/diagnostics.js';

it('documents every diagnostic code, and only those', () => {
  const docs = readFileSync('docs/diagnostics.md', 'utf8');
  const documented = [...docs.matchAll(/^## (DEX\d{3}) — /gm)].map((m) => m[1]);
  expect(documented.filter((c) => !(c! in DIAGNOSTIC_CODES))).toEqual([]);
  expect(Object.keys(DIAGNOSTIC_CODES).filter((c) => !documented.includes(c))).toEqual([]);
});
