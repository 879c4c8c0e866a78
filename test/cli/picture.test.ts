// dex graph (and, below, dex report) from the command line: which environment, where the picture goes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { captureIO } from '../support/io.js';

const root = process.cwd();
const reference = 'examples/dex-mobile-v6/dex.yaml';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'dex-picture-'));
  dirs.push(d);
  return d;
};

describe('dex graph', () => {
  it('asks which environment when the spec has several (DEX930, exit 2), naming them', async () => {
    const io = captureIO(root);
    expect(await main(['graph', reference], io)).toBe(EXIT.usage);
    expect(io.err()).toContain('error DEX930: dex graph draws one environment, and examples/dex-mobile-v6/dex.yaml has 2: staging, production');
    expect(io.out()).toBe('');
    // The findings are not the picture's business: only errors reach stderr.
    expect(io.err()).not.toContain('DEX601');
  });

  it('prints the Mermaid flowchart of the environment --env names (the golden file of test/emitters/graph.test.ts)', async () => {
    const io = captureIO(root);
    expect(await main(['graph', reference, '--env', 'production'], io)).toBe(EXIT.ok);
    expect(io.out()).toBe(readFileSync('test/golden/picture/dex-mobile-v6-production.mmd', 'utf8'));
    expect(io.err()).toBe('');
  });

  it('draws the same environment as SVG with --format svg (the golden file of test/emitters/graph-svg.test.ts)', async () => {
    const io = captureIO(root);
    expect(await main(['graph', reference, '--env', 'production', '--format', 'svg'], io)).toBe(EXIT.ok);
    expect(io.out()).toBe(readFileSync('test/golden/picture/dex-mobile-v6-production.svg', 'utf8'));
  });

  it('needs no --env for a spec with one environment, and writes --out', async () => {
    const dir = tempDir();
    const io = captureIO(root);
    expect(await main(['graph', 'examples/minimal/dex.yaml', '--out', join(dir, 'g.mmd')], io)).toBe(EXIT.ok);
    expect(readFileSync(join(dir, 'g.mmd'), 'utf8')).toMatch(/^flowchart LR\n/);
    expect(io.out()).toBe('');
    expect(io.err()).toContain(`wrote ${join(dir, 'g.mmd')}`);
  });

  it('exits 2 for an environment the spec does not have, and for a format it does not know', async () => {
    expect(await main(['graph', reference, '--env', 'nope'], captureIO(root))).toBe(EXIT.usage);
    expect(await main(['graph', reference, '--env', 'production', '--format', 'png'], captureIO(root))).toBe(EXIT.usage);
  });
});

describe('dex report --html', () => {
  it('writes one page whose total is the one dex plan --format json gives', async () => {
    const dir = tempDir();
    const io = captureIO(root);
    expect(await main(['report', '--html', reference, '--env', 'production', '--out', join(dir, 'report.html')], io)).toBe(EXIT.ok);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const planIO = captureIO(root);
    expect(await main(['plan', reference, '--env', 'production', '--format', 'json'], planIO)).toBe(EXIT.ok);
    const totals = (JSON.parse(planIO.out()) as { totals: { monthlyMin: number; monthlyMax: number } }).totals;
    expect(html).toContain(`id="total" data-min="${totals.monthlyMin}" data-max="${totals.monthlyMax}"`);
    expect(html).toMatch(/^<!DOCTYPE html>\n/);
    // The findings are in the page, not on stderr.
    expect(html).toContain('DEX601');
    expect(io.err()).not.toContain('DEX601');
  });

  it('shows the changes against the last emit with --against last', async () => {
    const dir = tempDir();
    const spec = join(dir, 'dex.yaml');
    const text = readFileSync(reference, 'utf8');
    writeFileSync(spec, text);
    expect(await main(['emit', spec, '--env', 'production', '--quiet'], captureIO(dir))).toBe(EXIT.ok);
    writeFileSync(spec, text.replace('instanceClass: db.t3.medium', 'instanceClass: db.t3.large'));
    const io = captureIO(dir);
    expect(await main(['report', '--html', spec, '--env', 'production', '--against', 'last'], io)).toBe(EXIT.ok);
    const html = io.out();
    expect(html).toContain('<h2 id="changes">Changes against last</h2>');
    expect(html).toMatch(/<tr><td>modify<\/td><td>[A-Za-z]*Postgres[A-Za-z]*<\/td><td>AWS::RDS::DBInstance<\/td><td>[^<]*<\/td><td>DBInstanceClass<\/td>/);
  });

  it('exits 2 for a malformed --against and asks which environment when the spec has several', async () => {
    const io = captureIO(root);
    expect(await main(['report', '--html', reference, '--env', 'production', '--against', 'yesterday'], io)).toBe(EXIT.usage);
    expect(io.err()).toContain('DEX900');
    const several = captureIO(root);
    expect(await main(['report', '--html', reference], several)).toBe(EXIT.usage);
    expect(several.err()).toContain('error DEX930: dex report draws one environment');
  });
});

describe('the README', () => {
  it('shows lines dex graph prints for the reference example, in their order', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /```console\n\$ dex graph --env production\n([\s\S]*?)\n\$ /.exec(readme);
    expect(block, 'README.md has the dex graph example').not.toBeNull();
    const io = captureIO(root);
    expect(await main(['graph', reference, '--env', 'production'], io)).toBe(EXIT.ok);
    const actual = io.out().split('\n');
    let at = 0;
    for (const line of block![1]!.split('\n').filter((l) => l !== '…')) {
      const found = actual.indexOf(line, at);
      expect(found, `README line not printed (in this order): ${line}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
  });
});
