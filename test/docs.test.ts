// Every diagnostic code is documented (docs/diagnostics.md), and the docs name no code that does
// not exist; every command has its README section with an example.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { DIAGNOSTIC_CODES } from '../spec/diagnostics.js';
import { captureIO } from './support/io.js';

it('documents every diagnostic code, and only those', () => {
  const docs = readFileSync('docs/diagnostics.md', 'utf8');
  const documented = [...docs.matchAll(/^## (DEX\d{3}) — /gm)].map((m) => m[1]);
  expect(documented.filter((c) => !(c! in DIAGNOSTIC_CODES))).toEqual([]);
  expect(Object.keys(DIAGNOSTIC_CODES).filter((c) => !documented.includes(c))).toEqual([]);
});

/** The command names of a --help, from its Commands: list (help itself aside). */
async function commands(argv: string[]): Promise<string[]> {
  const io = captureIO('.');
  expect(await main([...argv, '--help'], io)).toBe(0);
  const list = io.out().split('\nCommands:\n')[1] ?? '';
  return [...list.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
}

it('gives every command a README section, with an example of it', async () => {
  const readme = readFileSync('README.md', 'utf8');
  const leaves: string[] = [];
  for (const c of await commands([])) {
    const sub = await commands([c]);
    leaves.push(...(sub.length ? sub.map((s) => `${c} ${s}`) : [c]));
  }
  expect(leaves).toContain('comment github');
  // An example: the command with an argument, at the start of a code line or of inline code.
  const body = readme.split('\n').filter((l) => !l.startsWith('#')).join('\n');
  for (const leaf of leaves) {
    expect(readme, `a section on dex ${leaf}`).toMatch(new RegExp(`^###.*\`dex ${leaf}\\b`, 'm'));
    expect(body, `an example of dex ${leaf}`).toMatch(new RegExp(`(^|\`)(\\$ )?([A-Z_]+=(\\$\\([^)]*\\)|\\S+) )*(npx )?dex ${leaf} [^\\s\`]`, 'm'));
  }
});

it("the README's tour of dex.yaml is a valid spec (its elided certificate ARN filled in)", async () => {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('```yaml', readme.indexOf('## A tour of dex.yaml'));
  const tour = readme.slice(start + '```yaml'.length, readme.indexOf('```', start + 7)).replace('certificate/…', 'certificate/11111111-2222-3333-4444-555555555555');
  expect(tour).toContain('services:');
  const { analyzeSpec } = await import('../pipeline/analyze.js');
  const { fixedClock } = await import('./support/clock.js');
  const analysis = analyzeSpec(Buffer.from(tour), 'README.md', { today: fixedClock });
  expect(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([]);
});
