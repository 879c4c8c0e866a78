// Emitted files do not depend on how the spec path is spelled or where dex runs from: every path
// written into them is relative to the repository root, and --out reaches the CI files too.
import { execFileSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runEmit } from '../../cli/commands/emit.js';
import { captureIO } from '../support/io.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const repo = mkdtempSync(join(tmpdir(), 'dex-paths-'));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

function tree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (lstatSync(full).isDirectory()) tree(full, base, out);
    else out[full.slice(base.length + 1)] = readFileSync(full, 'utf8');
  }
  return out;
}

describe('paths in emitted files', () => {
  it('are the same for a relative path, an absolute path and another working directory', async () => {
    execFileSync('git', ['init', '-q', repo]);
    mkdirSync(join(repo, 'deploy'), { recursive: true });
    cpSync(join(ROOT, 'test/fixtures/reference/dex-mobile-v6.dex.yaml'), join(repo, 'deploy/dex.yaml'));
    const runs: [string, string, string][] = [
      [repo, 'deploy/dex.yaml', 'deploy/out'],
      [join(repo, 'deploy'), join(repo, 'deploy/dex.yaml'), join(repo, 'deploy/out')],
      [join(repo, 'deploy'), 'dex.yaml', 'out'],
    ];
    const trees: Record<string, string>[] = [];
    for (const [cwd, file, out] of runs) {
      expect(await runEmit({ file, out }, captureIO(cwd))).toBe(0);
      trees.push(tree(join(repo, 'deploy/out')));
    }
    expect(trees[1]).toEqual(trees[0]);
    expect(trees[2]).toEqual(trees[0]);
    const all = Object.values(trees[0]!).join('\n');
    expect(all).not.toContain(repo);
    expect(all).toContain('compiled from deploy/dex.yaml');
  }, 60_000);

  it('--out reaches the CI files: the workflow runs the release script where emit wrote it', async () => {
    expect(await runEmit({ file: 'deploy/dex.yaml', out: 'build/dex' }, captureIO(repo))).toBe(0);
    const workflow = readFileSync(join(repo, 'build/dex/ci/.github/workflows/release.yml'), 'utf8');
    expect(workflow).toContain('DEX_OUT: build/dex');
    expect(workflow).toContain('build/dex/ci/scripts/release.sh');
    expect(workflow).not.toContain('deploy/out');
  }, 60_000);
});
