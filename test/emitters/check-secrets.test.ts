// The release stops before a stack whose services read a placeholder secret that has no value:
// both pipelines (GitHub Actions and CodePipeline's deploy scripts) run `release.sh check-secrets`
// right after the last security stack (which creates the secrets) and before the next stack, with
// every placeholder of the environment as quoted arguments; the deploy role may read exactly those
// secrets' metadata; and the script itself, run with a stub aws, names each unset secret and the
// commands that set it, and fails.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readPackageAssets } from '../../cli/adapters/assets.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { compileEmit, compileSystemEmit, emitTargets, type EnvironmentOutput } from '../../pipeline/emit.js';
import { ciRoleId } from '../../services/cicd.js';
import { analysisBootstraps } from '../../pipeline/bootstrap.js';
import { placeholderSecrets } from '../../services/secrets.js';
import { fixedClock } from '../support/clock.js';
import { hasBash } from '../security/sandbox.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = ['examples/dex-mobile-v6/dex.yaml', 'examples/large/dex.yaml', 'examples/minimal/dex.yaml'];

function emit(file: string) {
  const analysis = analyzeSpec(new TextEncoder().encode(readFileSync(join(ROOT, file), 'utf8')), file, { today: fixedClock });
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const environments = emitTargets(analysis).map((c) => compileEmit(c, { specFile: file }));
  return { environments, system: compileSystemEmit(analysis, { specFile: file, assets: readPackageAssets() }) };
}

/** Every shell block of the emitted pipeline: workflow steps' `run`, the CodeBuild deploy scripts. */
function deployScripts(system: ReturnType<typeof emit>['system']): string[] {
  const out: string[] = [];
  for (const f of system) {
    if (f.path.endsWith('release.yml')) {
      const wf = parse(f.content) as { jobs: Record<string, { steps: { run?: string }[] }> };
      for (const job of Object.values(wf.jobs)) for (const s of job.steps) if (s.run?.includes('deploy-stack')) out.push(s.run);
    } else if (f.path.startsWith('codebuild/') && f.content.includes('deploy-stack')) {
      out.push(f.content);
    }
  }
  return out;
}

describe.each(EXAMPLES)('%s', (file) => {
  const { environments, system } = emit(file);
  const bootstraps = analysisBootstraps(analyzeSpec(readFileSync(file), file, { today: fixedClock }));
  const scripts = deployScripts(system);

  it.each(environments.map((e) => [e.environment, e] as const))('%s: check-secrets runs after the last security stack and before the next, with every placeholder', (name, out: EnvironmentOutput) => {
    const placeholders = placeholderSecrets(out.model.spec);
    const stacks = out.plan.stacks;
    const last = stacks.map((s) => s.layer).lastIndexOf('security');
    const script = scripts.find((s) => s.includes(`deploy-stack ${stacks[0]!.name}`));
    if (!out.model.spec.cicd?.stages.some((st) => st.name === name)) return; // no pipeline stage deploys it
    expect(script, 'the deploy step of this environment').toBeDefined();
    const lines = script!.split('\n').map((l) => l.trim());
    const check = lines.findIndex((l) => l.includes('check-secrets'));
    if (placeholders.length === 0) {
      expect(check).toBe(-1);
      return;
    }
    expect(lines[check - 1]).toContain(`deploy-stack ${stacks[last]!.name}`);
    if (stacks[last + 1]) expect(lines[check + 1]).toContain(`deploy-stack ${stacks[last + 1]!.name}`);
    const args = lines[check]!.replace(/^.*check-secrets /, '');
    expect(args.startsWith(`${file} ${name} `)).toBe(true);
    for (const p of placeholders) expect(args).toContain(` ${p.name}`);
    // No stack that reads a secret is deployed before the check.
    for (const s of stacks.slice(0, last + 1)) expect(['network', 'security']).toContain(s.layer);

    // The deploy role is in the bootstrap of the environment's account.
    const role = bootstraps.flatMap((b) => b.model.resources).find((r) => r.logicalId === ciRoleId(out.model.spec, 'deployRole'));
    const statements = JSON.stringify(role?.properties ?? {});
    expect(statements).toContain('CheckPlaceholderSecrets');
    for (const p of placeholders.slice(0, 20)) expect(statements).toContain(`secret:${p.name}-??????`);
  });
});

describe.runIf(hasBash)('release.sh check-secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dex-check-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const release = readPackageAssets().releaseScript;
  writeFileSync(join(dir, 'release.sh'), release);
  // The stub answers list-secret-version-ids: "1" for set/…, "0" for unset/…, an AWS error for gone/….
  writeFileSync(
    join(dir, 'aws'),
    `#!/bin/sh
printf '%s\\n' "$*" >> "${join(dir, 'calls')}"
for a in "$@"; do case "$a" in set/*) echo 1; exit 0 ;; unset/*) echo 0; exit 0 ;; gone/*) echo "An error occurred (ResourceNotFoundException) when calling the ListSecretVersionIds operation: Secrets Manager can't find the specified secret." >&2; exit 254 ;; esac; done
exit 2
`,
  );
  chmodSync(join(dir, 'aws'), 0o755);
  const run = (...args: string[]) => spawnSync('bash', [join(dir, 'release.sh'), 'check-secrets', ...args], { cwd: dir, encoding: 'utf8', env: { PATH: `${dir}:/usr/bin:/bin`, AWS_REGION: 'ap-south-1', DEX_ENVIRONMENT: 'staging' }, timeout: 20_000 });

  it('passes when every secret has a current value', () => {
    const r = run('svc/dex.yaml', 'staging', 'API_KEY', 'set/api', 'TOKEN', 'set/token');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('every placeholder secret has a value');
    expect(readFileSync(join(dir, 'calls'), 'utf8')).toContain("secretsmanager list-secret-version-ids --secret-id set/api --query length(Versions[?contains(VersionStages, 'AWSCURRENT')]) --output text");
  });

  it('fails naming each unset or unreadable secret and the two commands that set it', () => {
    const r = run('svc/my spec.yaml', 'staging', 'API_KEY', 'unset/api', 'TOKEN', 'set/token', 'kyc/KEY', 'gone/kyc');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('[dex] secret API_KEY (unset/api) has no value: the services that read it cannot start.');
    expect(r.stderr).toContain("[dex]   dex secrets set svc/my\\ spec.yaml --env staging API_KEY < value.txt");
    expect(r.stderr).toContain('[dex]   or: aws secretsmanager put-secret-value --region ap-south-1 --secret-id unset/api --secret-string file://value.txt');
    expect(r.stderr).toContain("[dex] secret kyc/KEY (gone/kyc): cannot be read: An error occurred (ResourceNotFoundException)");
    expect(r.stderr).not.toContain('TOKEN');
    expect(r.stderr).toContain('2 secret(s) without a value (or unreadable): stopping before the stacks that read them');
  });

  it('leaves --env out for a spec without environments', () => {
    const r = run('dex.yaml', '', 'API_KEY', 'unset/api');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('[dex]   dex secrets set dex.yaml API_KEY < value.txt');
  });

  it('a hostile name stays data in the message', () => {
    const r = run('dex.yaml', 'staging', '$(touch PWNED)', 'unset/x');
    expect(r.status).toBe(1);
    expect(spawnSync('test', ['-e', join(dir, 'PWNED')]).status).not.toBe(0);
  });
});
