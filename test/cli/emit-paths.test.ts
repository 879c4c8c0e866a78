// Emitted files do not depend on how the spec path is spelled or where dex runs from: every path
// written into them is relative to the repository root, and --out reaches the CI files too.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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

  // A CodePipeline spec in a subfolder and at the root, a stage in a second region: every
  // CodeBuild project, the pipeline's and the environments', must reach a file emit wrote.
  const PIPELINE_SPEC = [
    'dex: 1',
    'name: demo',
    'region: ap-south-1',
    'services:',
    '  api: { placement: ecs, port: 8080 }',
    'cicd:',
    '  provider: codepipeline',
    '  source: { repository: acme/demo, connectionArn: arn:aws:codeconnections:ap-south-1:123456789012:connection/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9 }',
    '  stages:',
    '    staging: {}',
    '    production-eu: { approval: manual }',
    'environments:',
    '  staging: {}',
    '  production-eu: { region: eu-west-1 }',
    '',
  ].join('\n');

  type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const resourcesOf = (path: string): Resources => (parse(readFileSync(path, 'utf8'), { version: '1.1' }) as { Resources: Resources }).Resources;

  it.each([
    ['a spec in a subfolder, --out beside it', 'infra/dex.yaml', 'infra/out'],
    ['a spec at the root, --out elsewhere', 'dex.yaml', 'build/dex'],
  ])('CodePipeline: %s — every project runs a file emit wrote', async (_what, specPath, out) => {
    const root = mkdtempSync(join(tmpdir(), 'dex-cp-paths-'));
    try {
      execFileSync('git', ['init', '-q', root]);
      mkdirSync(join(root, specPath, '..'), { recursive: true });
      writeFileSync(join(root, specPath), PIPELINE_SPEC);
      expect(await runEmit({ file: specPath, out }, captureIO(root))).toBe(0);
      const pipeline = resourcesOf(join(root, out, 'ci/codepipeline/pipeline.yaml'));
      // The pipeline's build projects name their buildspec from the repository root.
      for (const r of Object.values(pipeline).filter((x) => x.Type === 'AWS::CodeBuild::Project')) {
        expect(existsSync(join(root, (r.Properties.Source as { BuildSpec: string }).BuildSpec)), String(r.Properties.Name)).toBe(true);
      }
      // Each stage's actions pass DEX_OUT; the stage's projects (the bootstrap of its region) run their inline
      // buildspec with it: run those commands as CodeBuild would, with `bash` recording its script.
      const stages = (pipeline.Pipeline!.Properties as { Stages: { Name: string; Actions: { Name: string; Configuration: Record<string, string> }[] }[] }).Stages;
      for (const environment of ['staging', 'production-eu']) {
        const stage = stages.find((s) => s.Name === environment)!;
        const region = environment === 'staging' ? 'ap-south-1' : 'eu-west-1';
        const cicd = resourcesOf(join(root, out, 'bootstrap', 'default', region, 'cloudformation', 'demo-bootstrap-delivery.yaml'));
        for (const action of stage.Actions) {
          const project = Object.values(cicd).find((r) => r.Type === 'AWS::CodeBuild::Project' && r.Properties.Name === action.Configuration.ProjectName)!;
          expect(project, action.Configuration.ProjectName).toBeDefined();
          const actionVariables = JSON.parse(action.Configuration.EnvironmentVariables!) as { name: string; value: string }[];
          const projectVariables = (project.Properties.Environment as { EnvironmentVariables: { Name: string; Value: string }[] }).EnvironmentVariables.map((v) => ({ name: v.Name, value: v.Value }));
          const commands = (parse((project.Properties.Source as { BuildSpec: string }).BuildSpec) as { phases: { build: { commands: string[] } } }).phases.build.commands;
          const ran = execFileSync('bash', ['-c', `bash() { printf '%s\\n' "$1"; }\n${commands.join('\n')}`], {
            cwd: root,
            env: { PATH: process.env.PATH, CODEBUILD_SRC_DIR: root, ...Object.fromEntries([...projectVariables, ...actionVariables].map((v) => [v.name, v.value])) },
          })
            .toString()
            .trim();
          expect(ran).toBe(join(root, out, 'ci/codebuild', `${action.Name.toLowerCase()}-${environment}.sh`));
          expect(existsSync(ran), ran).toBe(true);
          // The script finds release.sh the same way, and names its own region.
          expect(readFileSync(ran, 'utf8')).toContain('export RELEASE="$DEX_OUT/ci/scripts/release.sh"');
          expect(readFileSync(ran, 'utf8')).toContain(`export AWS_REGION='${environment === 'staging' ? 'ap-south-1' : 'eu-west-1'}'`);
        }
        expect(existsSync(join(root, out, 'ci/scripts/release.sh'))).toBe(true);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
