// The one-way pipeline, kept by a test: every source file's imports (read with TypeScript's own
// parser) go only to a lower layer or the file's own unit, and only cli/adapters/ touches the
// outside world. The layer table is test/support/architecture.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkImport, checkTree, describeViolation, importsOf, LAYERS, sourceFiles } from './support/architecture.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/architecture/', import.meta.url));

describe('the layers of the source tree', () => {
  it('has no upward, sideways or outside-world import anywhere', () => {
    expect(sourceFiles(root).length).toBeGreaterThan(100);
    expect(checkTree(root).map(describeViolation)).toEqual([]);
  });

  it('places every source folder in a layer', () => {
    const units = LAYERS.flatMap((l) => l.units);
    for (const file of sourceFiles(root)) expect(units.some((u) => (u.endsWith('/') ? file.startsWith(u) : file === u)), file).toBe(true);
  });
});

describe('@octokit/rest', () => {
  it('is loaded by cli/adapters/github.ts alone, and is not in the bundle (only dex comment github pays for it)', () => {
    const users = sourceFiles(root).filter((f) => importsOf(f, readFileSync(join(root, f), 'utf8')).some((i) => i.specifier.startsWith('@octokit/')));
    expect(users).toEqual(['cli/adapters/github.ts']);
    expect(checkImport('cli/commands/comment.ts', '@octokit/rest')).toHaveLength(1);
    const bundle = readFileSync(join(root, 'dist/dex.cjs'), 'utf8');
    expect(bundle).toContain('upsertComment');
    expect(bundle).not.toMatch(/paginateRest|composePaginateRest|restEndpointMethods/);
  });
});

describe('the checker, on a deliberately broken tree', () => {
  it('names each violating file, line and import, and nothing else', () => {
    expect(checkTree(fixture).map(describeViolation)).toEqual([
      'cli/commands/emit.ts:1: node:fs/promises: node:fs/promises touches the outside world: only cli/adapters/ may import it',
      'compiler/model/build.ts:2: ../../services/index.js: upward import: model (compiler/model/) may not import building blocks (services/)',
      'emitters/monitoring/index.ts:1: chalk: chalk is not on layer emitters\'s list of packages (yaml, handlebars, node:crypto, node:path)',
      'services/ec2.ts:1: ../emitters/monitoring/index.js: upward import: building blocks (services/) may not import emitters (emitters/)',
      'services/ec2.ts:2: @aws-sdk/client-ec2: @aws-sdk/client-ec2 touches the outside world: only cli/adapters/ may import it',
      'services/index.ts:2: node:fs: node:fs touches the outside world: only cli/adapters/ may import it',
    ]);
  });

  it('reads type-only imports, re-exports and dynamic import() too', () => {
    const text = "import type { A } from './a.js';\nexport { B } from './b.js';\nconst c = await import('./c.js');\ntype D = import('./d.js').D;\n";
    expect(importsOf('x.ts', text).map((i) => `${i.line}:${i.specifier}`)).toEqual(['1:./a.js', '2:./b.js', '3:./c.js', '4:./d.js']);
  });

  // The upward imports of the tree before the layers were enforced (at the paths their modules
  // moved to): each is a violation.
  it.each([
    ['compiler/model/build.ts', '../../services/index.js'],
    ['services/ec2.ts', '../emitters/monitoring/index.js'],
    ['services/ec2.ts', '../emitters/monitoring/prometheus.js'],
    ['services/security-groups.ts', '../emitters/monitoring/prometheus.js'],
    ['emitters/ci/release-script.ts', '../../cli/paths.js'],
    ['compiler/pricing/plan.ts', '../../pipeline/analyze.js'],
    ['compiler/pricing/plan.ts', '../../pipeline/emit.js'],
    ['compiler/diff/baseline.ts', '../../pipeline/analyze.js'],
    ['compiler/diff/baseline.ts', '../../pipeline/emit.js'],
    ['compiler/compliance/report.ts', '../../pipeline/analyze.js'],
    ['compiler/monitoring/metrics.ts', '../../services/alb.js'],
  ])('rejects %s importing %s', (file, specifier) => {
    expect(checkImport(file, specifier)).toHaveLength(1);
  });

  it.each([
    ['compiler/diff/baseline.ts', 'node:child_process'],
    ['compiler/diff/baseline.ts', '@aws-sdk/client-cloudformation'],
    ['compiler/pricing/live.ts', 'node:fs'],
    ['compiler/pricing/snapshot.ts', 'node:fs'],
    ['cli/commands/plan.ts', 'node:os'],
  ])('keeps %s from importing %s', (file, specifier) => {
    expect(checkImport(file, specifier)).toHaveLength(1);
  });

  it('lets adapters reach the outside world and a unit import itself', () => {
    expect(checkImport('cli/adapters/git.ts', 'node:child_process')).toEqual([]);
    expect(checkImport('compiler/diff/index.ts', './security.js')).toEqual([]);
    expect(checkImport('pipeline/emit.ts', '../emitters/index.js')).toEqual([]);
  });
});
