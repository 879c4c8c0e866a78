// The pull-request path in GitHub Actions: the dex Action (action.yml at the repository root) and
// the workflow dex emits to run it (out/ci/.github/workflows/dex-pr.yml), both through GitHub's own
// parser (@actions/workflow-parser), with their shape checked: inputs only through env: (never
// ${{ }} inside a script), pinned actions, least permissions. Then the Action's scripts run for
// real, in bash, on a temporary repository: the base branch fetched, the plan in the job summary,
// the comment posted (to the loopback GitHub API) even when a --fail-on gate fails the step.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readPackageAssets } from '../../cli/adapters/assets.js';
import { PR_WORKFLOW_PATH } from '../../emitters/ci/github.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { compileSystemEmit } from '../../pipeline/emit.js';
import { FAKE_REPO, FAKE_TOKEN, startFakeGithubServer } from '../cli/fake-github-server.js';
import { fixedClock } from '../support/clock.js';
import { TEST_DAY } from '../support/io.js';
import { parseActionFile, workflowErrors } from '../support/workflow-parser.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ACTION = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const REFERENCE = readFileSync(join(ROOT, 'test/fixtures/reference/dex-mobile-v6.dex.yaml'), 'utf8');

interface ActionYaml {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: { name?: string; uses?: string; run?: string; shell?: string; env?: Record<string, string>; 'working-directory'?: string; with?: Record<string, string> }[] };
}
const action = parse(ACTION) as ActionYaml;
const step = (name: string) => {
  const s = action.runs.steps.find((x) => x.name === name);
  expect(s, name).toBeDefined();
  return s!;
};

describe('action.yml', () => {
  it('passes GitHub’s action parser, and the parser does catch a broken one', async () => {
    const parsed = await parseActionFile('action.yml', ACTION);
    expect(parsed.errors).toEqual([]);
    expect(parsed.action?.runs.using).toBe('composite');
    expect(parsed.action?.inputs?.map((i) => i.id)).toEqual(['spec', 'environments', 'against', 'fail-on', 'comment', 'github-token', 'node-version']);
    expect((await parseActionFile('action.yml', ACTION.replace('using: composite', 'using: composite\n  bogus: 1'))).errors.length).toBeGreaterThan(0);
    expect((await parseActionFile('action.yml', ACTION.replace('      shell: bash\n      working-directory', '      working-directory'))).errors.length).toBeGreaterThan(0);
  });

  it('defaults to the pull request’s base branch, every environment and a comment', () => {
    expect(action.inputs.against!.default).toBe('git:origin/${{ github.base_ref }}');
    expect(action.inputs.spec!.default).toBe('dex.yaml');
    expect(action.inputs.comment!.default).toBe('true');
    expect(action.inputs['github-token']!.default).toBe('${{ github.token }}');
  });

  it('sets up Node (pinned by commit), installs dex from its own checkout, then validates, plans and comments', () => {
    expect(action.runs.steps.map((s) => s.name)).toEqual(['Set up Node.js', 'Install dex', 'Fetch the base branch', 'dex validate', 'dex plan']);
    expect(step('Set up Node.js').uses).toMatch(/^actions\/setup-node@[0-9a-f]{40}$/);
    expect(ACTION).toMatch(/uses: actions\/setup-node@[0-9a-f]{40} # v\d+\.\d+\.\d+\n/);
    expect(step('Install dex')).toMatchObject({ 'working-directory': '${{ github.action_path }}', run: expect.stringMatching(/^npm ci /) });
    expect(step('dex validate').run).toBe('node "$GITHUB_ACTION_PATH/bin/dex.js" validate "$DEX_SPEC" --format github');
    const plan = step('dex plan').run!;
    expect(plan).toContain('dex plan "${args[@]}" "${gates[@]}" --format markdown >> "$GITHUB_STEP_SUMMARY"');
    expect(plan).toContain('dex plan "${args[@]}" --allow-over-budget --format github-comment > "$comment"');
    expect(plan).toContain('dex comment github --file "$comment"');
    for (const s of action.runs.steps) if (s.run) expect(s.shell, s.name).toBe('bash');
  });

  it('hands every input to its script through env:, never as ${{ }} in a script', () => {
    const injected = (text: string) => (parse(text) as ActionYaml).runs.steps.filter((s) => s.run?.includes('${{')).map((s) => s.name);
    expect(injected(ACTION)).toEqual([]);
    const used = new Set(action.runs.steps.flatMap((s) => Object.values({ ...s.env, ...s.with })).flatMap((v) => [...String(v).matchAll(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g)].map((m) => m[1])));
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
    // The check can fail: an input pasted into a script is caught.
    expect(injected(ACTION.replace('validate "$DEX_SPEC"', 'validate "${{ inputs.spec }}"'))).toEqual(['dex validate']);
  });

  it('a user’s workflow that uses it passes GitHub’s workflow parser', async () => {
    const fixture = readFileSync(join(ROOT, 'test/fixtures/ci/dex-pr-workflow.yml'), 'utf8');
    expect(await workflowErrors('dex-pr-workflow.yml', fixture)).toEqual([]);
    const uses = (parse(fixture) as { jobs: { plan: { steps: { uses?: string; with?: Record<string, string> }[] } } }).jobs.plan.steps[1]!;
    expect(Object.keys(uses.with!).every((k) => k in action.inputs)).toBe(true);
    expect(uses.uses).toBe(readPackageAssets().dexAction);
  });
});

describe('the emitted pull-request workflow', () => {
  const system = (text: string) => compileSystemEmit(analyzeSpec(new TextEncoder().encode(text), 'dex.yaml', { today: fixedClock }), { specFile: 'infra/dex.yaml', assets: readPackageAssets() });
  const emitted = system(REFERENCE);
  const workflow = emitted.find((f) => f.path === PR_WORKFLOW_PATH)?.content ?? '';

  it('is emitted for github-actions, passes GitHub’s parser and runs the Action of this dex release', async () => {
    expect(workflow).not.toBe('');
    expect(await workflowErrors(PR_WORKFLOW_PATH, workflow)).toEqual([]);
    expect(readPackageAssets().dexAction).toMatch(/^[\w.-]+\/[\w.-]+@v\d+\.\d+\.\d+$/);
    const doc = parse(workflow) as { on: { pull_request: { paths: string[] } }; permissions: Record<string, string>; jobs: Record<string, { permissions: Record<string, string>; steps: { uses?: string; with?: Record<string, string | number | boolean>; run?: string }[] }> };
    expect(doc.on).toEqual({ pull_request: { paths: ['infra/dex.yaml'] } });
    expect(doc.permissions).toEqual({});
    const job = doc.jobs.plan!;
    expect(job.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(job.steps[0]).toEqual({ uses: expect.stringMatching(/^actions\/checkout@[0-9a-f]{40}$/), with: { 'persist-credentials': false, 'fetch-depth': 0 } });
    expect(job.steps[1]!.uses).toBe(readPackageAssets().dexAction);
    expect(workflow).toContain(`uses: ${readPackageAssets().dexAction} # the dex release that wrote this workflow\n`);
    expect(Object.keys(job.steps[1]!.with!).every((k) => k in action.inputs)).toBe(true);
    expect(job.steps[1]!.with).toMatchObject({ spec: 'infra/dex.yaml' });
    expect(job.steps.every((s) => s.run === undefined)).toBe(true);
  });

  it('escapes the spec path in the paths filter, and is not emitted for CodePipeline', () => {
    const large = compileSystemEmit(analyzeSpec(new TextEncoder().encode(readFileSync(join(ROOT, 'examples/large/dex.yaml'), 'utf8')), 'dex.yaml', { today: fixedClock }), { specFile: 'dex.yaml', assets: readPackageAssets() });
    expect(large.some((f) => f.path === PR_WORKFLOW_PATH)).toBe(false);
    expect(large.length).toBeGreaterThan(0);
    const odd = compileSystemEmit(analyzeSpec(new TextEncoder().encode(REFERENCE), 'dex.yaml', { today: fixedClock }), { specFile: 'infra [eu]/dex*.yaml', assets: readPackageAssets() });
    const doc = parse(odd.find((f) => f.path === PR_WORKFLOW_PATH)!.content) as { on: { pull_request: { paths: string[] } } };
    expect(doc.on.pull_request.paths).toEqual(['infra \\[eu\\]/dex\\*.yaml']);
  });
});

describe('the Action’s scripts, run in bash', () => {
  let dir: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_GLOBAL: '/dev/null' } });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dex-action-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A step's script as the runner runs it: bash --noprofile --norc -eo pipefail FILE. */
  const runStep = (name: string, cwd: string, env: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const script = join(dir, `${name.replace(/\W+/g, '-')}.sh`);
      writeFileSync(script, step(name).run!);
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env: { PATH: process.env.PATH!, HOME: dir, NO_COLOR: '1', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code) => done({ code, stdout, stderr }));
    });

  it('fetches the base branch a shallow pull-request checkout lacks', async () => {
    const origin = join(dir, 'origin');
    execFileSync('mkdir', ['-p', origin]);
    git(origin, 'init', '-q', '-b', 'main');
    writeFileSync(join(origin, 'dex.yaml'), REFERENCE);
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', 'base');
    const work = join(dir, 'work');
    git(dir, 'clone', '-q', '--no-local', origin, work);
    git(work, 'update-ref', '-d', 'refs/remotes/origin/main');
    const r = await runStep('Fetch the base branch', work, { DEX_AGAINST: 'git:origin/main' });
    expect(r.code, r.stderr).toBe(0);
    expect(git(work, 'rev-parse', 'refs/remotes/origin/main').trim()).toBe(git(origin, 'rev-parse', 'HEAD').trim());
    // Any other baseline fetches nothing.
    expect((await runStep('Fetch the base branch', work, { DEX_AGAINST: 'last' })).code).toBe(0);
  });

  it('writes the plan to the job summary and posts the comment, then fails the step on a --fail-on gate', async () => {
    const repo = join(dir, 'repo');
    execFileSync('mkdir', ['-p', repo]);
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'dex.yaml'), REFERENCE);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    // New database subnet ranges: the subnets are replaced (CidrBlock is create-only).
    const edited = REFERENCE.replace('database: [10.0.100.0/24, 10.0.200.0/24]', 'database: [10.0.110.0/24, 10.0.210.0/24]');
    expect(edited).not.toBe(REFERENCE);
    writeFileSync(join(repo, 'dex.yaml'), edited);
    writeFileSync(join(dir, 'event.json'), JSON.stringify({ pull_request: { number: 7 } }));
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const server = await startFakeGithubServer();
    try {
      const env = {
        GITHUB_ACTION_PATH: ROOT,
        GITHUB_STEP_SUMMARY: summary,
        RUNNER_TEMP: dir,
        DEX_TODAY: TEST_DAY,
        DEX_SPEC: 'dex.yaml',
        DEX_ENVIRONMENTS: 'production',
        DEX_AGAINST: 'git:main',
        DEX_FAIL_ON: 'replace',
        DEX_COMMENT: 'true',
        GITHUB_TOKEN: FAKE_TOKEN,
        GITHUB_REPOSITORY: FAKE_REPO,
        GITHUB_EVENT_PATH: join(dir, 'event.json'),
        GITHUB_API_URL: server.url,
      };
      const r = await runStep('dex plan', repo, env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/dex plan: --fail-on: \d+ resources? would be replaced/);
      const text = readFileSync(summary, 'utf8');
      expect(text).toMatch(/^### dex plan: dex-mobile-v6$/m);
      expect(text).toMatch(/^### Changes$/m);
      const [posted] = server.comments(7);
      expect(server.comments(7)).toHaveLength(1);
      expect(posted!.body.split('\n').slice(0, 2)).toEqual(['<!-- dex-plan-comment -->', '<!-- dex-plan-spec dex.yaml env=production -->']);
      expect(posted!.body).toMatch(/\*\*Monthly cost\*\* against `git:main`/);
      expect(posted!.body).toMatch(/\*\*[1-9]\d*\*\* to replace/);
      expect(r.stdout).toMatch(/^dex: created comment https:\/\/github\.com\/acme\/shop\/pull\/7#issuecomment-\d+$/m);
    } finally {
      await server.close();
    }
  });
});
