// out/bootstrap/deploy.sh run for real with bash, against a stub `aws` that records its calls and
// answers get-caller-identity: the stacks in order, inline or through the bucket, in their regions,
// and the account check of a multi-account system.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasBash } from '../security/sandbox.js';
import { outTree } from '../support/out-tree.js';

const root = mkdtempSync(join(tmpdir(), 'dex-bootstrap-sh-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(text: string | undefined, account: string, args: string[] = []): { status: number | null; stderr: string; calls: string[][] } {
  const dir = mkdtempSync(join(root, 'case-'));
  for (const f of outTree(text === undefined ? 'examples/dex-mobile-v6/dex.yaml' : 'two.dex.yaml', text)) {
    if (!f.path.startsWith('bootstrap/')) continue;
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'calls');
  writeFileSync(join(bin, 'aws'), `#!/bin/sh\nprintf '%s\\037' "$@" >> '${log}'\nprintf '\\n' >> '${log}'\nif [ "$1" = sts ]; then echo ${account}; fi\nexit 0\n`);
  chmodSync(join(bin, 'aws'), 0o755);
  const r = spawnSync('bash', [join(dir, 'bootstrap/deploy.sh'), ...args], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
  const calls = (() => {
    try {
      return readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split('\u001f').filter((x) => x !== ''));
    } catch {
      return [];
    }
  })();
  return { status: r.status, stderr: r.stderr, calls };
}

const deploys = (calls: string[][]) => calls.filter((c) => c[0] === 'cloudformation' && c[1] === 'deploy').map((c) => ({ stack: c[c.indexOf('--stack-name') + 1], region: c[c.indexOf('--region') + 1], bucket: c.includes('--s3-bucket') ? c[c.indexOf('--s3-bucket') + 1] : undefined }));

describe.runIf(hasBash)('out/bootstrap/deploy.sh', () => {
  it('deploys each region: the foundation inline, then the delivery stack through the bucket the foundation made', () => {
    const r = run(undefined, '123456789012');
    expect(r.status, r.stderr).toBe(0);
    expect(deploys(r.calls)).toEqual([
      { stack: 'dex-mobile-v6-bootstrap-foundation', region: 'ap-south-1', bucket: undefined },
      { stack: 'dex-mobile-v6-bootstrap-delivery', region: 'ap-south-1', bucket: 'dex-mobile-v6-artifacts-123456789012-ap-south-1' },
      { stack: 'dex-mobile-v6-bootstrap-foundation', region: 'ap-south-2', bucket: undefined },
    ]);
    for (const c of r.calls.filter((x) => x[1] === 'deploy')) expect(c).toContain('CAPABILITY_NAMED_IAM');
    expect(r.calls.filter((c) => c[1] === 'update-termination-protection')).toHaveLength(3);
  });

  describe('with environments in two accounts', () => {
    const text = readFileSync('examples/dex-mobile-v6/dex.yaml', 'utf8')
      .replace(/^environments:\n {2}staging:\n/m, 'environments:\n  staging:\n    account: "111111111111"\n')
      .replace(/^ {2}production:\n/m, '  production:\n    account: "222222222222"\n');

    it('deploys only the account it is named, after checking the credentials are that account\'s', () => {
      const r = run(text, '222222222222', ['222222222222']);
      expect(r.status, r.stderr).toBe(0);
      expect(deploys(r.calls).map((d) => `${d.stack} ${d.region}`)).toEqual([
        'dex-mobile-v6-bootstrap-foundation ap-south-1',
        'dex-mobile-v6-bootstrap-delivery ap-south-1',
        'dex-mobile-v6-bootstrap-foundation ap-south-2',
      ]);
    });

    it('refuses credentials of another account, and asks which account when none is named', () => {
      const wrong = run(text, '111111111111', ['222222222222']);
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toContain('these credentials are for account 111111111111, not 222222222222');
      expect(deploys(wrong.calls)).toEqual([]);
      const unnamed = run(text, '111111111111');
      expect(unnamed.status).toBe(2);
      expect(unnamed.stderr).toContain('name the account to bootstrap: 111111111111 | 222222222222');
    });
  });
});

describe.runIf(hasBash)('out/bootstrap/deploy.sh with a hostile account name (past the schema)', () => {
  it('keeps it data: no command in it runs, and the account check still compares it whole', async () => {
    const { analyzeSpec } = await import('../../pipeline/analyze.js');
    const { analysisBootstraps } = await import('../../pipeline/bootstrap.js');
    const { emitBootstrap } = await import('../../emitters/bootstrap.js');
    const analysis = analyzeSpec(readFileSync('examples/dex-mobile-v6/dex.yaml'), 'dex.yaml');
    const hostile = `1$(touch PWNED)'\`touch PWNED2\`"; touch PWNED3 #\nx`;
    const bootstraps = analysisBootstraps(analysis).map((b) => ({ ...b, target: { ...b.target, account: hostile } }));
    const dir = mkdtempSync(join(root, 'hostile-'));
    for (const f of emitBootstrap({ system: 'dex-mobile-v6', bootstraps })) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'aws'), '#!/bin/sh\nif [ "$1" = sts ]; then echo 999999999999; fi\nexit 0\n');
    chmodSync(join(bin, 'aws'), 0o755);
    const r = spawnSync('bash', [join(dir, 'deploy.sh'), hostile], { cwd: dir, env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
    // The credentials' account is not the (hostile) one named: refused, with nothing executed.
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain('these credentials are for account 999999999999, not');
    for (const f of ['PWNED', 'PWNED2', 'PWNED3']) expect(existsSync(join(dir, f)), f).toBe(false);
  });
});
