// The habits a user brings from other tools: the spec found without naming it, exit 2 for every
// usage error, a starter that refuses bad flags, the effective spec of an environment, shell
// completion, a version line worth pasting into a bug report, next steps after an emit.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../cli/main.js';
import { EXIT } from '../../cli/io.js';
import { fishQuote } from '../../compiler/model/quote.js';
import { captureIO } from '../support/io.js';

const root = process.cwd();
const reference = join(root, 'examples/dex-mobile-v6/dex.yaml');
const minimal = join(root, 'examples/minimal/dex.yaml');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A repository (a folder with .git) holding `files`, relative paths to contents. */
function repository(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dex-habits-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.git'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const has = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

describe('the spec is found without naming it', () => {
  it('uses ./dex.yaml, else the nearest one in a parent folder, named relative to the current folder', async () => {
    const repo = repository({ 'systems/shop/dex.yaml': readFileSync(minimal, 'utf8'), 'systems/shop/api/src/.keep': '' });
    const here = captureIO(join(repo, 'systems/shop'));
    expect(await main(['validate'], here)).toBe(EXIT.ok);
    expect(here.out()).toMatch(/^dex\.yaml: valid/m);
    const below = captureIO(join(repo, 'systems/shop/api/src'));
    expect(await main(['validate'], below)).toBe(EXIT.ok);
    expect(below.out()).toMatch(/^\.\.\/\.\.\/dex\.yaml: valid/m);
  });

  it('stops at the repository root: a dex.yaml above it is not picked up (DEX940, exit 2)', async () => {
    const outer = repository({ 'dex.yaml': readFileSync(minimal, 'utf8') });
    const inner = join(outer, 'inner');
    mkdirSync(join(inner, '.git'), { recursive: true });
    mkdirSync(join(inner, 'src'));
    const io = captureIO(join(inner, 'src'));
    expect(await main(['validate'], io)).toBe(EXIT.usage);
    expect(io.err()).toContain(`error DEX940: no dex.yaml in ${join(inner, 'src')} nor a parent folder up to ${inner}`);
    expect(io.err()).toContain('dex init');
    // Under --detailed-exitcode 2 means "changes": a usage error is 1 there.
    expect(await main(['plan', '--detailed-exitcode'], captureIO(join(inner, 'src')))).toBe(EXIT.failed);
  });
});

describe('every usage error exits 2', () => {
  it.each([
    [['validate', minimal, '--env', 'nope'], 'DEX400'],
    [['emit', minimal, '--env', 'nope', '--out', '/nonexistent/never'], 'DEX400'],
    [['plan', minimal, '--against', 'bogus'], 'DEX900'],
    [['show', minimal, '--env', 'nope'], 'DEX400'],
    [['completion', 'tcsh'], 'DEX900'],
  ])('%j', async (argv, code) => {
    const io = captureIO(root);
    expect(await main(argv, io)).toBe(EXIT.usage);
    expect(io.out() + io.err()).toContain(`error ${code}`);
  });
});

describe('dex init checks its flags and never overwrites by accident', () => {
  it('refuses a region the schema does not list, with a suggestion, and a bad name', async () => {
    const repo = repository({});
    const region = captureIO(repo);
    expect(await main(['init', '.', '--region', 'eu-west-9'], region)).toBe(EXIT.usage);
    expect(region.err()).toContain('error DEX900: --region "eu-west-9" is not an AWS region dex knows');
    const name = captureIO(repo);
    expect(await main(['init', '.', '--name', 'Shop_1'], name)).toBe(EXIT.usage);
    expect(name.err()).toContain('error DEX900: --name "Shop_1" is not a valid system name');
  });

  it('refuses an existing dex.yaml (DEX941, exit 2) unless --force, and its modeline finds the schema of the dex that wrote it', async () => {
    const repo = repository({ 'dex.yaml': 'keep me\n' });
    const io = captureIO(repo);
    expect(await main(['init', '.'], io)).toBe(EXIT.usage);
    expect(io.err()).toContain('error DEX941: dex.yaml already exists');
    expect(readFileSync(join(repo, 'dex.yaml'), 'utf8')).toBe('keep me\n');
    expect(await main(['init', '.', '--force', '--name', 'shop'], captureIO(repo))).toBe(EXIT.ok);
    // This dex runs from a clone outside the folder: the modeline names where `npm i -D dex-aws` puts the schema.
    expect(readFileSync(join(repo, 'dex.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/dex-aws/schema.json');
    const inside = mkdtempSync(join(root, 'examples', '.init-'));
    dirs.push(inside);
    expect(await main(['init', inside, '--name', 'shop'], captureIO(root))).toBe(EXIT.ok);
    expect(readFileSync(join(inside, 'dex.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema.json');
  });
});

describe('dex show', () => {
  it('prints the environment as it deploys, overlay merged and marked, as a spec that validates alone', async () => {
    const io = captureIO(root);
    expect(await main(['show', reference, '--env', 'staging'], io)).toBe(EXIT.ok);
    const text = io.out();
    expect(io.err()).toBe(''); // warnings are validate's business, not show's
    expect(text).toMatch(/^  natGateways: single # environments\.staging$/m);
    const shown = parse(text) as Record<string, unknown>;
    expect(shown.environments).toBeUndefined();
    expect((shown.network as { natGateways: string }).natGateways).toBe('single');
    expect(shown.protect).toBeUndefined(); // an environment's field: stated in the header instead
    expect(text).toContain('not production-like (protect: false)');
    // Production is production-like, as a file on its own is: its effective spec validates alone.
    const production = captureIO(root);
    await main(['show', reference, '--env', 'production'], production);
    expect(await main(['validate'], captureIO(repository({ 'dex.yaml': production.out() })))).toBe(EXIT.ok);
    // The same bytes every time, and JSON that says the same.
    const again = captureIO(root);
    await main(['show', reference, '--env', 'staging'], again);
    expect(again.out()).toBe(text);
    const json = captureIO(root);
    await main(['show', reference, '--env', 'staging', '--format', 'json'], json);
    expect(JSON.parse(json.out())).toEqual(shown);
  });

  it('prints nothing for an invalid spec', async () => {
    const dir = repository({ 'dex.yaml': readFileSync(minimal, 'utf8').replace(/^name: .*$/m, 'name: Bad_Name') });
    const io = captureIO(dir);
    expect(await main(['show'], io)).toBe(EXIT.failed);
    expect(io.out()).toBe('');
  });
});

describe('dex completion', () => {
  const script = async (shell: string): Promise<string> => {
    const io = captureIO(root);
    expect(await main(['completion', shell], io)).toBe(EXIT.ok);
    return io.out();
  };

  it('writes a bash script that completes commands, option values and the spec\'s environments', async () => {
    const file = join(repository({ 'c.bash': await script('bash') }), 'c.bash');
    execFileSync('bash', ['-n', file]);
    const complete = (words: string[]): string[] => {
      const line = `source ${JSON.stringify(file)}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _dex; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return execFileSync('bash', ['-c', line], { cwd: join(root, 'examples/dex-mobile-v6'), encoding: 'utf8' }).split('\n').filter(Boolean);
    };
    expect(complete(['dex', 'pl'])).toEqual(['plan']);
    expect(complete(['dex', 'plan', '--format', ''])).toEqual(['text', 'json', 'markdown', 'github-comment']);
    expect(complete(['dex', 'plan', '--env', ''])).toEqual(['staging', 'production']);
    expect(complete(['dex', 'pricing', ''])).toEqual(['refresh']);
    expect(complete(['dex', 'pricing', 'refresh', '--region', 'ap-south-'])).toEqual(['ap-south-1', 'ap-south-2']);
    expect(complete(['dex', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(complete(['dex', 'emit', '--q'])).toEqual(['--quiet']);
  });

  it.skipIf(!has('zsh'))('writes a zsh script that zsh parses, with every command described', async () => {
    const text = await script('zsh');
    expect(text.startsWith('#compdef dex\n')).toBe(true);
    execFileSync('zsh', ['-n', join(repository({ '_dex': text }), '_dex')]);
    for (const command of ['validate', 'emit', 'plan', 'show', 'completion', 'refresh']) expect(text).toContain(`'${command}:`);
  });

  it.skipIf(!has('fish'))('writes a fish script that completes commands, option values and environments', async () => {
    const file = join(repository({ 'dex.fish': await script('fish') }), 'dex.fish');
    execFileSync('fish', ['-n', file]);
    const complete = (line: string): string[] =>
      execFileSync('fish', ['-c', `source ${fishQuote(file)}; complete -C ${fishQuote(line)}`], { cwd: join(root, 'examples/dex-mobile-v6'), encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]!);
    expect(complete('dex pl')).toEqual(['plan']);
    expect(complete('dex plan --env ')).toEqual(['production', 'staging']);
    expect(complete('dex show --format ')).toEqual(['json', 'yaml']);
    expect(complete('dex secrets ')).toEqual(['list', 'set']);
  });

  it('fishQuote keeps quotes and backslashes as data', () => {
    expect(fishQuote(`it's a \\ test`)).toBe(`'it\\'s a \\\\ test'`);
  });
});

describe('dex --version and the next steps after an emit', () => {
  it('prints the package, schema, price snapshot and plan.json versions', async () => {
    const io = captureIO(root);
    expect(await main(['--version'], io)).toBe(EXIT.ok);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
    const snapshot = JSON.parse(readFileSync(join(root, 'data/pricing/snapshot.json'), 'utf8')) as { asOf: string };
    expect(pkg.name).toBe('dex-aws'); // `dex` on npm is another package
    expect(io.out()).toBe(`dex ${pkg.version} (package dex-aws, schema 1, price snapshot ${snapshot.asOf}, plan.json format 1)\n`);
  });

  it('says what to do next after an emit, in docs/deploy.md\'s order, and nothing with --quiet', async () => {
    const dir = repository({ 'dex.yaml': readFileSync(reference, 'utf8') });
    const io = captureIO(dir);
    expect(await main(['emit'], io)).toBe(EXIT.ok);
    const steps = io.out().slice(io.out().indexOf('next steps'));
    const order = ['git add dex.yaml out', 'bash out/bootstrap/deploy.sh', 'cp out/ci/.github/workflows/*.yml .github/workflows/', 'bash out/ci/setup-github-environments.sh', 'dex secrets list dex.yaml --env staging', 'dex secrets list dex.yaml --env production', 'out/staging/kubernetes'];
    const at = order.map((s) => steps.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    for (const line of steps.split('\n')) if (!line.startsWith('       ')) expect(line.length).toBeLessThanOrEqual(80);
    const quiet = captureIO(dir);
    expect(await main(['emit', '--quiet'], quiet)).toBe(EXIT.ok);
    expect(quiet.out()).toBe('');
  });
});
