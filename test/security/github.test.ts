// GitHub: the setup script an admin runs with their gh credentials, and the release workflow that
// runs on CI with OIDC roles. Past the schema, a branch or reviewer is one shell word of the
// script (run here with a stub gh), and no spec value is ever inside a ${{ }} GitHub evaluates.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readPackageAssets } from '../../cli/adapters/assets.js';
import { UnsafeValueError } from '../../compiler/model/quote.js';
import type { Analysis } from '../../pipeline/analyze.js';
import { compileSystemEmit } from '../../pipeline/emit.js';
import { base, bypassing, withChange, yamlWith, type Change } from './fixture.js';
import { analyze, expectParses, hasBash, located, runScript, sandbox } from './sandbox.js';

const assets = readPackageAssets();
const emitted = (a: Analysis) => compileSystemEmit(a, { specFile: 'dex.yaml', assets });
const fileOf = (a: Analysis, name: string): string => {
  const f = emitted(a).find((x) => x.path.endsWith(name));
  if (!f) throw new Error(`no ${name}`);
  return f.content;
};
const setupOf = (change: Change) => fileOf(bypassing(change), 'setup-github-environments.sh');

/** Runs the setup script with a stub gh; returns the stub's calls. */
function runSetup(script: string) {
  expectParses(script);
  const box = sandbox();
  const r = runScript(box, script, { AWS_ACCOUNT_ID: '123456789012' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(box.exists('X')).toBe(false);
  return box.calls('gh');
}

const branchPolicy = (calls: string[][]) => calls.filter((c) => c.some((a) => a.endsWith('/deployment-branch-policies'))).map((c) => c[c.indexOf('-f') + 1]);

describe.runIf(hasBash)('setup-github-environments.sh keeps spec values data', () => {
  it('the unchanged script runs with the stub (the harness works)', () => {
    const calls = runSetup(fileOf(base, 'setup-github-environments.sh'));
    expect(branchPolicy(calls)).toEqual(['name=main', 'name=main']);
    expect(calls.filter((c) => c[0] === 'api' && c[1]?.startsWith('users/')).map((c) => c[1])).toEqual(['users/alice']);
  });

  it.each(['main$(touch X)', 'main`touch X`', "main'; touch X; '", 'main\ntouch X', 'main\n# x\ntouch X', 'main && touch X'])('a branch %j is one argument, nothing runs', (branch) => {
    const calls = runSetup(setupOf((s) => void (s.cicd!.source.branch = branch)));
    expect(branchPolicy(calls)).toEqual([`name=${branch}`, `name=${branch}`]);
  });

  it.each(['alice;touch X', 'alice$(touch X)', 'acme/team;touch X', "al'ice\ntouch X"])('a reviewer %j is one argument, nothing runs', (reviewer) => {
    const calls = runSetup(
      setupOf((s) => {
        s.cicd!.stages.find((st) => st.name === 'production')!.reviewers = [reviewer];
      }),
    );
    const lookups = calls.filter((c) => c[0] === 'api' && /^(users|orgs)\//.test(c[1] ?? '')).map((c) => c[1]);
    expect(lookups).toHaveLength(1);
    expect(lookups[0]).toContain(reviewer.includes('/') ? reviewer.split('/')[1]! : reviewer);
  });
});

/** Every ${{ }} expression in every string of a parsed workflow. */
function expressions(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') for (const m of value.matchAll(/\$\{\{(.*?)\}\}/gs)) out.push(m[1]!.trim());
  else if (Array.isArray(value)) for (const v of value) expressions(v, out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) expressions(k, out), expressions(v, out);
  return out;
}

/** The expressions dex itself writes: nothing else may appear. */
const DEX_EXPRESSIONS = /^(matrix\.(service|repository|context|dockerfile|platform)|vars\.AWS_ACCOUNT_ID|github\.(run_id|sha|ref))$/;

describe('the release workflow', () => {
  const text = fileOf(base, 'release.yml');
  const wf = parse(text) as { jobs: Record<string, { env?: Record<string, string>; strategy?: { matrix: { include: Record<string, string>[] } }; steps: { run?: string }[] }> };

  it('contains only dex’s own expressions', () => {
    const found = expressions(wf);
    expect(found.length).toBeGreaterThan(0);
    for (const e of found) expect(e).toMatch(DEX_EXPRESSIONS);
  });

  it('hands the build paths to the shell through env, never in run:', () => {
    const build = wf.jobs.build!;
    expect(build.env).toMatchObject({ CONTEXT: '${{ matrix.context }}', DOCKERFILE: '${{ matrix.dockerfile }}', REPOSITORY: '${{ matrix.repository }}' });
    const contexts = build.strategy!.matrix.include.map((i) => i.context!);
    expect(contexts.length).toBeGreaterThan(0);
    for (const step of Object.values(wf.jobs).flatMap((j) => j.steps)) {
      if (step.run === undefined) continue;
      expectParses(step.run);
      for (const c of contexts) expect(step.run).not.toContain(c);
      expect(step.run).not.toContain('${{');
    }
    expect(build.steps.find((s) => s.run?.startsWith('docker build'))!.run).toContain('"$CONTEXT"');
  });

  it.each<[string, Change]>([
    ['build.context', (s) => void (s.services.api!.build.context = 'x${{ github.token }}')],
    ['build.dockerfile', (s) => void (s.services.api!.build.dockerfile = '${{ secrets.AWS_SECRET_ACCESS_KEY }}')],
    ['cicd.source.branch', (s) => void (s.cicd!.source.branch = 'main${{ github.token }}')],
    ['cicd.build.install', (s) => void (s.cicd!.build.install = 'echo ${{ github.token }}')],
    ['cicd.build.test', (s) => void (s.cicd!.build.test = 'echo ${{ github.token }}')],
    ['stage verify', (s) => void (s.cicd!.stages[1]!.verify = 'curl ${{ secrets.X }}')],
  ])('refuses a GitHub expression in %s even past the schema', (_what, change) => {
    expect(() => fileOf(bypassing(change), 'release.yml')).toThrow(UnsafeValueError);
  });
});

describe('the pull-request workflow', () => {
  it('contains only dex’s own expressions, and no script at all', () => {
    const wf = parse(fileOf(base, 'dex-pr.yml')) as { jobs: Record<string, { steps: { run?: string }[] }> };
    expect([...new Set(expressions(wf))].sort()).toEqual(['github.event.pull_request.head.repo.full_name == github.repository', 'github.event.pull_request.number']);
    expect(Object.values(wf.jobs).flatMap((j) => j.steps).filter((st) => st.run !== undefined)).toEqual([]);
  });
});

describe('CodePipeline buildspecs and scripts', () => {
  const CONNECTION = 'arn:aws:codeconnections:eu-west-1:123456789012:connection/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9';
  const pipeline = analyze(yamlWith('provider: github-actions\n  source: { repository: acme/shop, branch: main }', `provider: codepipeline\n  source: { repository: acme/shop, branch: main, connectionArn: ${CONNECTION} }`));

  it('every command line parses, and build paths reach CodeBuild as environment variables, not commands', () => {
    expect(located(pipeline)).toEqual([]);
    const payload = 'ctx$(touch X)`touch X`';
    const files = emitted(withChange(pipeline, (s) => void (s.services.api!.build.context = payload)));
    const buildspecs = files.filter((f) => f.path.includes('buildspecs/'));
    expect(buildspecs.length).toBeGreaterThan(0);
    for (const f of buildspecs) {
      const doc = parse(f.content) as { phases: Record<string, { commands: string[] }> };
      for (const phase of Object.values(doc.phases)) for (const line of phase.commands) expectParses(line);
      expect(f.content).not.toContain('touch X');
    }
    // The environments' deploy and verify scripts: whole bash files, their settings exported as quoted data.
    const scripts = files.filter((f) => f.path.startsWith('codebuild/'));
    expect(scripts.map((f) => f.path).sort()).toEqual(['codebuild/deploy-production.sh', 'codebuild/deploy-staging.sh', 'codebuild/verify-production.sh', 'codebuild/verify-staging.sh']);
    for (const f of scripts) {
      expectParses(f.content);
      for (const line of f.content.split('\n').filter((l) => l.startsWith('export DEX_'))) expect(line, f.path).toMatch(/^export DEX_[A-Z_]+='[^']*'$/);
    }
    const template = files.find((f) => f.path.endsWith('.yaml') && f.content.includes('AWS::CodePipeline::Pipeline'))!.content;
    expect(template).toContain(`Value: ${payload}`);
  });
});
