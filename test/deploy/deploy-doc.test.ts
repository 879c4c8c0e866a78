// docs/deploy.md is the first deploy step by step: every file its commands name must be one dex
// emits for the reference, every dex command one the CLI has, every variable a script reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { placeholderSecrets } from '../../services/secrets.js';
import { normalizeSpec } from '../../spec/normalize.js';
import { parse } from 'yaml';
import type { DexSpec } from '../../spec/model.js';
import { outTree } from '../support/out-tree.js';

const REFERENCE = 'examples/dex-mobile-v6/dex.yaml';
const doc = readFileSync('docs/deploy.md', 'utf8');
const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').filter((l) => l.trim() !== ''));
const tree = new Map(outTree(REFERENCE).map((f) => [`out/${f.path}`, f.content]));

describe('docs/deploy.md', () => {
  it('has the steps as shell commands', () => {
    expect(commands.length).toBeGreaterThan(8);
  });

  it('names only files dex emits', () => {
    const paths = commands.flatMap((c) => [...c.matchAll(/\bout\/[\w./-]+/g)].map((m) => m[0]));
    expect(paths.length).toBeGreaterThan(3);
    for (const p of paths) {
      const isDir = [...tree.keys()].some((k) => k.startsWith(`${p.replace(/\/$/, '')}/`));
      expect(tree.has(p) || isDir, p).toBe(true);
    }
  });

  it('runs only dex commands the CLI has, with the secrets the reference declares', () => {
    const raw = parse(readFileSync(REFERENCE, 'utf8')) as DexSpec;
    const main = readFileSync('cli/main.ts', 'utf8');
    for (const c of commands.filter((l) => l.includes('npx dex '))) {
      const [, command, sub] = /npx dex (\w+)(?: (\w+))?/.exec(c)!;
      expect(main, command).toContain(`'${command}'`);
      if (command === 'secrets' && sub === 'set') {
        const env = /--env (\S+)/.exec(c)![1]!;
        const name = /--env \S+ (\S+)/.exec(c)![1]!;
        expect(placeholderSecrets(normalizeSpec(raw, env).spec).map((p) => p.declared?.secret), c).toContain(name);
      }
    }
  });

  it('sets the variables the set-up script reads, and copies the workflows where GitHub looks', () => {
    const setup = tree.get('out/ci/setup-github-environments.sh')!;
    const line = commands.find((c) => c.includes('setup-github-environments.sh'))!;
    for (const v of line.match(/\b[A-Z_]+(?==)/g)!) expect(setup, v).toContain(v);
    const copy = commands.find((c) => c.startsWith('cp out/ci/.github/workflows/'))!;
    expect(copy).toBe('cp out/ci/.github/workflows/release.yml out/ci/.github/workflows/dex-pr.yml .github/workflows/');
    // Each file it copies is one dex emit writes.
    for (const file of copy.split(' ').slice(1, -1)) expect(tree.has(file), file).toBe(true);
  });

  it('names the cluster the EKS stack creates', () => {
    const name = /update-kubeconfig --name (\S+)/.exec(doc)![1]!;
    expect(tree.get('out/staging/cloudformation/dex-mobile-v6-staging-eks.yaml')).toContain(`Name: ${name}\n`);
  });

  it('describes the bootstrap stacks dex emits', () => {
    for (const stack of ['bootstrap-foundation', 'bootstrap-delivery']) {
      expect(doc).toContain(`<system>-${stack}`);
      expect([...tree.keys()].some((k) => k.endsWith(`/dex-mobile-v6-${stack}.yaml`)), stack).toBe(true);
    }
  });
});
