// `dex emit`, run in-process: what it writes, that it writes nothing for an invalid spec, and that
// a failure part-way leaves the previous output byte for byte as it was.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runEmit } from '../../cli/commands/emit.js';
import { fileSystemWriter, type OutputWriter } from '../../cli/adapters/files.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { EXIT } from '../../cli/io.js';
import { FAKE_BLOCKS } from '../support/fake-blocks.js';
import { generateSpec } from '../support/generate-spec.js';
import { captureIO } from '../support/io.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Fake blocks imitate shapes, not secure resources: the compliance rules are not theirs to pass.
const registries = { ...defaultRegistries(), blocks: FAKE_BLOCKS, complianceRules: [] };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dex-emit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under a directory, with its bytes, keyed by relative path. */
function tree(root: string): Record<string, string> {
  if (!existsSync(root)) return {};
  const out: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[relative(root, join(entry.parentPath, entry.name))] = readFileSync(join(entry.parentPath, entry.name), 'latin1');
  }
  return out;
}

function writeSpec(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

describe('dex emit', () => {
  it('writes out/<env>/cloudformation/*.yaml and plan.json next to the spec, for every environment', async () => {
    const file = writeSpec('dex.yaml', generateSpec(5, 3));
    const io = captureIO(dir);
    expect(await runEmit({ file }, io, { registries })).toBe(EXIT.ok);
    const files = Object.keys(tree(join(dir, 'out'))).sort();
    expect(files).toContain('staging/plan.json');
    expect(files).toContain('production/plan.json');
    expect(files).toContain('staging/cloudformation/gen-3-staging-network.yaml');
    expect(files.filter((f) => f.startsWith('default/'))).toEqual([]);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['bootstrap', 'production', 'staging']);
    expect(io.out()).toMatch(/^staging: \d+ stacks, \d+ resources, \d+ files → out\/staging \(\d+ ms\)$/m);
    expect(io.out()).toMatch(/^production: /m);
  });

  it('emits the same bytes on every run', async () => {
    const file = writeSpec('dex.yaml', generateSpec(40, 8));
    await runEmit({ file, out: 'a' }, captureIO(dir), { registries });
    await runEmit({ file, out: 'b' }, captureIO(dir), { registries });
    const a = tree(join(dir, 'a'));
    expect(Object.keys(a).length).toBeGreaterThan(4);
    expect(tree(join(dir, 'b'))).toEqual(a);
    await runEmit({ file, out: 'a' }, captureIO(dir), { registries });
    expect(tree(join(dir, 'a'))).toEqual(a);
  });

  it('--env emits one environment; a spec without environments emits default/', async () => {
    const file = writeSpec('dex.yaml', generateSpec(3, 1));
    expect(await runEmit({ file, environment: 'production', out: 'o' }, captureIO(dir), { registries })).toBe(EXIT.ok);
    expect(readdirSync(join(dir, 'o')).sort()).toEqual(['bootstrap', 'production']);
    const plain = writeSpec('plain.yaml', generateSpec(3, 1).replace(/\nenvironments:[\s\S]*$/, '\n'));
    expect(await runEmit({ file: plain, out: 'p' }, captureIO(dir), { registries })).toBe(EXIT.ok);
    expect(readdirSync(join(dir, 'p')).sort()).toEqual(['bootstrap', 'default']);
    expect(JSON.parse(readFileSync(join(dir, 'p/default/plan.json'), 'utf8')).environment).toBe('default');
  });

  it('writes nothing for an invalid spec and exits 1', async () => {
    const file = writeSpec('dex.yaml', generateSpec(3, 1).replace('region: us-east-1', 'region: mars-north-1'));
    const io = captureIO(dir);
    expect(await runEmit({ file }, io, { registries })).toBe(EXIT.failed);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(io.err()).toMatch(/error/);
    expect(io.err()).toMatch(/nothing written/);
  });

  it('an unknown --env is an error, with nothing written', async () => {
    const file = writeSpec('dex.yaml', generateSpec(3, 1));
    const io = captureIO(dir);
    expect(await runEmit({ file, environment: 'qa' }, io, { registries })).toBe(EXIT.usage);
    expect(io.err()).toContain('DEX400');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('a missing spec file is a usage error', async () => {
    const io = captureIO(dir);
    expect(await runEmit({ file: 'nope.yaml' }, io, { registries })).toBe(EXIT.usage);
    expect(io.err()).toContain('DEX100');
  });

  it.each([1, 9, 14])('a failure at write %i leaves the previous output byte-identical and no temporary files', async (failAt) => {
    const file = writeSpec('dex.yaml', generateSpec(6, 2));
    expect(await runEmit({ file }, captureIO(dir), { registries })).toBe(EXIT.ok);
    const before = tree(join(dir, 'out'));
    // The spec grows: the new output would differ everywhere.
    writeSpec('dex.yaml', generateSpec(30, 2));
    let writes = 0;
    const failing: OutputWriter = {
      ...fileSystemWriter,
      writeFile: async (path, content) => {
        if (++writes === failAt) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
        await fileSystemWriter.writeFile(path, content);
      },
    };
    const io = captureIO(dir);
    expect(await runEmit({ file }, io, { registries, writer: failing })).toBe(EXIT.failed);
    expect(io.err()).toContain('DEX901');
    expect(io.err()).toContain('ENOSPC');
    expect(tree(join(dir, 'out'))).toEqual(before);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['bootstrap', 'production', 'staging']);
  });

  it('a failed swap puts the previous output back', async () => {
    const file = writeSpec('dex.yaml', generateSpec(6, 2));
    await runEmit({ file }, captureIO(dir), { registries });
    const before = tree(join(dir, 'out'));
    writeSpec('dex.yaml', generateSpec(12, 2));
    const failing: OutputWriter = {
      ...fileSystemWriter,
      rename: async (from, to) => {
        if (from.includes('.dex-new-')) throw Object.assign(new Error('busy'), { code: 'EBUSY' });
        await fileSystemWriter.rename(from, to);
      },
    };
    expect(await runEmit({ file }, captureIO(dir), { registries, writer: failing })).toBe(EXIT.failed);
    expect(tree(join(dir, 'out'))).toEqual(before);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['bootstrap', 'production', 'staging']);
  });

  it('replaces stale files of the previous output', async () => {
    const file = writeSpec('dex.yaml', generateSpec(6, 2));
    await runEmit({ file }, captureIO(dir), { registries });
    writeFileSync(join(dir, 'out/staging/cloudformation/stale.yaml'), 'old');
    await runEmit({ file }, captureIO(dir), { registries });
    expect(existsSync(join(dir, 'out/staging/cloudformation/stale.yaml'))).toBe(false);
  });

  it('emits the reference example with the registered building blocks', async () => {
    cpSync(join(ROOT, 'test/fixtures/reference/dex-mobile-v6.dex.yaml'), join(dir, 'dex.yaml'));
    const io = captureIO(dir);
    const code = await runEmit({ file: 'dex.yaml', out: 'build' }, io);
    expect(io.err()).not.toMatch(/\berror\b/); // warnings (such as an EKS version's support date) are fine
    expect(code).toBe(EXIT.ok);
    expect(readdirSync(join(dir, 'build')).sort()).toEqual(['bootstrap', 'ci', 'production', 'staging']);
    const plan = JSON.parse(readFileSync(join(dir, 'build/production/plan.json'), 'utf8'));
    expect(plan.resources.length).toBeGreaterThan(50);
  });
});
