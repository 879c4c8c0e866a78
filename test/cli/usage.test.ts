// Problems of the command line are diagnostics like any other: one renderer, a documented code,
// a hint, and exit 2 (1 under --detailed-exitcode, where 2 means "there are changes").
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { EXIT } from '../../cli/io.js';
import { captureIO } from '../support/io.js';

const root = process.cwd();

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
/** A temporary directory, removed after the test. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe('usage errors', () => {
  it.each([
    [['plan', '--bogus'], "dex: error DEX900: unknown option '--bogus'", 'run dex plan --help for usage'],
    [['frob'], "dex: error DEX900: unknown command 'frob'", 'run dex --help for usage'],
    [['plan', '--format', 'xml'], "dex: error DEX900: option '-f, --format <format>' argument 'xml' is invalid", 'run dex plan --help for usage'],
    [['plan', 'examples/minimal/dex.yaml', '--fail-on', 'cost'], 'dex: error DEX900: --fail-on cost: not a gate', 'expected one or more of replace, security, security:high, security:medium, security:low, data-loss'],
    [['plan', 'examples/minimal/dex.yaml', '--against', 'bogus'], 'dex: error DEX900: --against bogus: expected last, git:<ref> or stack', 'last diffs against out/<env>/plan.json'],
    [['emit', 'examples/minimal/dex.yaml', '--env', 'nope', '--out', '/nonexistent/never-written'], 'error DEX400: no environment "nope"', 'the spec declares no environments'],
    [['validate', 'no-such-file.yaml'], 'no-such-file.yaml: error DEX100: cannot read no-such-file.yaml: no such file', 'pass the path of your dex.yaml'],
  ])('%j: a located diagnostic with a hint, exit 2', async (argv, first, hint) => {
    const io = captureIO(root);
    expect(await main(argv, io)).toBe(EXIT.usage);
    expect(io.err() + io.out()).toContain(first);
    expect(io.err() + io.out()).toContain(`hint: ${hint}`);
  });

  it('exits 1 instead of 2 under --detailed-exitcode', async () => {
    expect(await main(['plan', '--bogus', '--detailed-exitcode'], captureIO(root))).toBe(EXIT.failed);
    expect(await main(['plan', 'examples/minimal/dex.yaml', '--env', 'nope', '--detailed-exitcode'], captureIO(root))).toBe(EXIT.failed);
  });

  it('documents every code it uses', async () => {
    const catalogue = readFileSync('docs/diagnostics.md', 'utf8');
    for (const code of ['DEX900', 'DEX901', 'DEX902', 'DEX100', 'DEX400']) expect(catalogue).toContain(`## ${code} — `);
  });
});

describe('reading the spec, bounded', () => {
  it('refuses a FIFO (no writer: it would hang), a device and a directory, and does not read a file over the limit', async () => {
    const dir = tempDir('dex-read-');
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    // A sparse 1.5 GiB file: reading it whole would cost that much memory.
    const big = join(dir, 'big.yaml');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 1.5 * 1024 ** 3);
    closeSync(fd);
    writeFileSync(join(dir, 'ok.yaml'), 'dex: 1\n');
    const cases: [string, string, number][] = [
      [join(dir, 'fifo.yaml'), 'not a regular file', EXIT.usage],
      ['/dev/zero', 'not a regular file', EXIT.usage],
      [dir, 'it is a directory', EXIT.usage],
      [big, 'is larger than 5 MiB', EXIT.failed],
    ];
    for (const [file, message, code] of cases) {
      const io = captureIO(root);
      const before = process.memoryUsage().rss;
      expect(await main(['validate', file], io), file).toBe(code);
      expect(io.err(), file).toContain(message);
      expect(process.memoryUsage().rss - before, file).toBeLessThan(200 * 1024 * 1024);
    }
  });
});

describe('secrets in diagnostics', () => {
  it('never prints a plaintext secret: not in the message, not in the code frame, in no format', async () => {
    const dir = tempDir('dex-secret-');
    const secret = 'hunter2-very-secret-value';
    const multi = 'line-one-secret-tail\n      line-two-secret-tail';
    writeFileSync(join(dir, 'dex.yaml'), `dex: 1\nname: shop\nregion: us-east-1\nservices:\n  api:\n    port: 80\n    placement: ecs\n    env:\n      DB_PASSWORD: "${secret}"\n      API_TOKEN: |\n        ${multi.replace('      ', '        ')}\n`);
    for (const format of ['text', 'json', 'github']) {
      const io = captureIO(dir, {}, true);
      expect(await main(['validate', 'dex.yaml', '--format', format], io)).toBe(EXIT.failed);
      const all = io.out() + io.err();
      expect(all, format).toMatch(/DEX500|DEX204/);
      expect(all, format).not.toContain('very-secret');
      expect(all, format).not.toContain('secret-tail');
    }
  });
});

describe('dex init --region', () => {
  it('refuses a region dex does not know (nothing written), with a suggestion', async () => {
    const dir = tempDir('dex-init-');
    for (const region of ['mars-1', 'eu-west-1\nservices: {}', 'us-east-1"']) {
      const io = captureIO(dir);
      expect(await main(['init', 'x', '--region', region], io), region).toBe(EXIT.usage);
      expect(io.err()).toContain('error DEX900: --region');
      expect(existsSync(join(dir, 'x', 'dex.yaml'))).toBe(false);
    }
    const io = captureIO(dir);
    await main(['init', 'x', '--region', 'eu-west-l'], io);
    expect(io.err()).toContain('did you mean eu-west-1?');
  });
});

describe('diagnostics that fit a terminal', () => {
  it('a 4.9 MB line and thousands of findings print a few kilobytes, not megabytes', async () => {
    const dir = tempDir('dex-long-');
    writeFileSync(join(dir, 'long.yaml'), `dex: 1\nname: shop\nregion: us-east-1\ntags: { owner: "${'x'.repeat(4_900_000)}" }\n`);
    writeFileSync(join(dir, 'many.yaml'), `dex: 1\nname: shop\nregion: us-east-1\nservices:\n${Array.from({ length: 3000 }, (_, i) => `  s${i}: { port: 80, placement: ecs, bogus: 1 }\n`).join('')}`);
    const long = captureIO(dir);
    expect(await main(['validate', 'long.yaml'], long)).toBe(EXIT.failed);
    expect((long.out() + long.err()).length).toBeLessThan(20_000);
    const many = captureIO(dir);
    expect(await main(['validate', 'many.yaml'], many)).toBe(EXIT.failed);
    expect(many.out()).toContain('more not shown (--format json lists them all)');
    expect(many.out().length).toBeLessThan(200_000);
  });
});
