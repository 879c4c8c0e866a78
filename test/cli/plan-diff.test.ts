// `dex plan --against …` end to end, in-process: against the last emitted output (written by
// runEmit into a temp dir), against a git ref (a temp repository made by the test), and against
// deployed stacks through the real @aws-sdk/client-cloudformation client and the loopback
// CloudFormation server (query protocol). Exit codes with --detailed-exitcode and --fail-on.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runEmit } from '../../cli/commands/emit.js';
import { DETAILED_CHANGES, runPlan, type PlanArgs } from '../../cli/commands/plan.js';
import { EXIT } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { captureIO } from '../support/io.js';
import { startFakeCloudFormationServer, type FakeCloudFormationServer } from './fake-cloudformation-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const REFERENCE = readFileSync(join(ROOT, 'test/fixtures/reference/dex-mobile-v6.dex.yaml'), 'utf8');
const ESC = String.fromCharCode(27);

let top: string;
beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'dex-plan-diff-'));
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

/** A directory with dex.yaml (the reference) and, unless told otherwise, its emitted out/. */
async function project(emit = true): Promise<string> {
  const dir = mkdtempSync(join(top, 'p-'));
  writeFileSync(join(dir, 'dex.yaml'), REFERENCE);
  if (emit) expect(await runEmit({ file: 'dex.yaml', environment: 'production' }, captureIO(dir))).toBe(EXIT.ok);
  return dir;
}

function editSpec(dir: string, from: string, to: string): void {
  const text = readFileSync(join(dir, 'dex.yaml'), 'utf8');
  expect(text).toContain(from);
  writeFileSync(join(dir, 'dex.yaml'), text.replace(from, to));
}

async function plan(dir: string, extra: Partial<PlanArgs> = {}, env: Record<string, string> = {}, tty = false) {
  const io = captureIO(dir, env, tty);
  const code = await runPlan({ file: 'dex.yaml', environment: 'production', format: 'json', pricing: 'snapshot', allowOverBudget: true, ...extra }, io);
  return { code, out: io.out(), err: io.err(), json: () => JSON.parse(io.out()) };
}

const INSTANCE_CLASS: [string, string] = ['instanceClass: db.t3.medium', 'instanceClass: db.t3.large'];
const WIDEN_SG: [string, string] = ['allowedCidrs: [203.0.113.0/24]', 'allowedCidrs: [203.0.113.0/24, 198.51.100.0/22]'];

describe('dex plan --against last (the emitted plan.json)', () => {
  it('a no-op edit (comments, key order) shows no changes and exits 0 with --detailed-exitcode', async () => {
    const dir = await project();
    editSpec(dir, 'dex: 1\nname: dex-mobile-v6\n', '# reviewed\nname: dex-mobile-v6   # same\ndex: 1\n');
    const { code, json } = await plan(dir, { detailedExitcode: true });
    expect(code).toBe(EXIT.ok);
    const diff = json().diff;
    expect(diff).toMatchObject({ against: 'last', differenceCount: 0, permissionsBroadened: false, changes: [], security: [], files: [] });
    expect(diff.cost.delta).toEqual({ monthlyMin: 0, monthlyMax: 0 });
    // The plan JSON is still all there.
    expect(json()).toMatchObject({ environment: 'production', currency: 'USD' });
  });

  it('an instance class change: a modify with the property path, a cost delta, exit 2 with --detailed-exitcode', async () => {
    const dir = await project();
    editSpec(dir, ...INSTANCE_CLASS);
    const { code, json } = await plan(dir, { detailedExitcode: true, against: 'last' });
    expect(code).toBe(DETAILED_CHANGES);
    const diff = json().diff;
    expect(diff.changes).toEqual([
      expect.objectContaining({ environment: 'production', stack: 'dex-mobile-v6-production-data', logicalId: 'PostgresDatabase', type: 'AWS::RDS::DBInstance', action: 'modify', properties: [{ path: 'DBInstanceClass', before: 'db.t3.medium', after: 'db.t3.large', causesReplacement: false }] }),
    ]);
    // Both classes are priced (Multi-AZ in ap-south-1: $0.212/h → $0.424/h): 730 h × $0.212 more.
    expect(diff.cost.delta).toEqual({ monthlyMin: 154.76, monthlyMax: 154.76 });
    // Without --detailed-exitcode, changes exit 0; --fail-on replace does not trip on an in-place change.
    expect((await plan(dir)).code).toBe(EXIT.ok);
    expect((await plan(dir, { failOn: ['replace', 'data-loss'] })).code).toBe(EXIT.ok);
  });

  it('a cost delta per line item and in total, like an infracost diff', async () => {
    const dir = await project();
    editSpec(dir, 'nodeType: cache.t3.micro', 'nodeType: cache.t3.small');
    const diff = (await plan(dir)).json().diff;
    expect(diff.changes).toContainEqual(expect.objectContaining({ logicalId: 'RedisCache', action: 'modify', properties: [expect.objectContaining({ path: 'CacheNodeType', before: 'cache.t3.micro', after: 'cache.t3.small' })] }));
    expect(diff.cost.delta.monthlyMax).toBeGreaterThan(0);
    const line = diff.cost.lineItems.find((l: any) => l.resource === 'RedisCache');
    expect(line).toMatchObject({ environment: 'production', before: expect.any(Object), after: expect.any(Object) });
    expect(line.delta.monthlyMax).toBeCloseTo(line.after.monthlyMax - line.before.monthlyMax, 2);
    expect(diff.cost.delta.monthlyMax).toBeCloseTo(diff.cost.after.monthlyMax - diff.cost.before.monthlyMax, 2);
  });

  it('text output: the plan, then the changes with a summary line; colour only on a TTY', async () => {
    const dir = await project();
    editSpec(dir, ...INSTANCE_CLASS);
    editSpec(dir, 'nodeType: cache.t3.micro', 'nodeType: cache.t3.small');
    const { out } = await plan(dir, { format: 'text' });
    expect(out).toMatch(/^Prices: /m);
    expect(out).toMatch(/Changes to production \(against out\/production\/plan\.json\)/);
    expect(out).toMatch(/\[~\] modify +AWS::RDS::DBInstance PostgresDatabase\n +~ DBInstanceClass: "db\.t3\.medium" → "db\.t3\.large"/);
    expect(out).toMatch(/Cost: .* a month \(\+\$[\d,.]+/);
    expect(out).toContain('Diff: 0 to add, 2 to change in place, 0 to replace, 0 to remove');
    expect(out).not.toContain(ESC);
    expect((await plan(dir, { format: 'text' }, {}, true)).out).toContain(`${ESC}[`);
  });

  it('widening a security group: listed under security; --fail-on security exits 1', async () => {
    const dir = await project();
    editSpec(dir, ...WIDEN_SG);
    const { code, json } = await plan(dir, { failOn: ['security'] });
    expect(code).toBe(EXIT.failed);
    const diff = json().diff;
    expect(diff.permissionsBroadened).toBe(true);
    expect(diff.security).toContainEqual(expect.objectContaining({ kind: 'ingress-widened', message: expect.stringContaining('198.51.100.0/22') }));
    const err = (await plan(dir, { failOn: ['security'] })).err;
    expect(err).toMatch(/--fail-on: \d+ security-relevant change/);
  });

  it('--fail-on security:high gates only on high (a wider CIDR is medium; a service made public is high)', async () => {
    const dir = await project();
    editSpec(dir, ...WIDEN_SG);
    const medium = await plan(dir, { failOn: ['security:high'], format: 'text', wide: true });
    expect(medium.code).toBe(EXIT.ok);
    expect(medium.out).toMatch(/MEDIUM ingress-widened: BastionSecurityGroup: ingress rule added: tcp port 22/);
    expect(medium.out).toMatch(/\d+ security-relevant \(\d+ medium(, \d+ low)?\)/);
    expect((await plan(dir, { failOn: ['security:medium'] })).code).toBe(EXIT.failed);
    const exposed = await project();
    editSpec(exposed, '    health: { path: /health }\n    expose: { public: false }', '    health: { path: /health }\n    expose: { public: true, path: /api/monitoring }');
    const high = await plan(exposed, { failOn: ['security:high'] });
    expect(high.code).toBe(EXIT.failed);
    expect(high.err).toMatch(/--fail-on: \d+ security-relevant changes? \(\d+ high\)/);
    expect(high.json().diff.summary.securityBySeverity.high).toBeGreaterThan(0);
  });

  it('narrowing a CIDR is not a widening: --fail-on security passes', async () => {
    const dir = await project();
    editSpec(dir, 'allowedCidrs: [203.0.113.0/24]', 'allowedCidrs: [203.0.113.0/25]');
    const { code, json } = await plan(dir, { failOn: ['security'] });
    expect(code).toBe(EXIT.ok);
    const diff = json().diff;
    expect(diff.permissionsBroadened).toBe(false);
    expect(diff.security).toContainEqual(expect.objectContaining({ kind: 'ingress-narrowed', severity: 'info', message: expect.stringContaining('203.0.113.0/24') }));
    expect(diff.changes.some((c: { action: string }) => c.action !== 'modify')).toBe(true);
  });

  it('exposing a service: a new public listener rule under security, Kubernetes/CI files diffed, Markdown for the PR', async () => {
    const dir = await project();
    editSpec(dir, '    health: { path: /health }\n    expose: { public: false }', '    health: { path: /health }\n    expose: { public: true, path: /api/monitoring }');
    const { out } = await plan(dir, { format: 'markdown' });
    expect(out).toMatch(/^### dex plan: dex-mobile-v6$/m);
    expect(out).toMatch(/^### Changes$/m);
    expect(out).toMatch(/\*\*\d+\*\* to add/);
    expect(out).toMatch(/🔴 high `public-listener-rule`: .*\/api\/monitoring/);
    expect(out).toMatch(/\| add \| dex-mobile-v6-production-ingress \| `\w+` \| AWS::ElasticLoadBalancingV2::ListenerRule \|/);
  });

  it('a replacement with data loss: --fail-on replace and --fail-on data-loss exit 1, the warning is loud', async () => {
    const dir = await project();
    // A different database subnet range: the subnets are replaced (CidrBlock is create-only).
    editSpec(dir, 'database: [10.0.100.0/24, 10.0.200.0/24]', 'database: [10.0.110.0/24, 10.0.210.0/24]');
    const r = await plan(dir, { failOn: ['replace'] });
    expect(r.code).toBe(EXIT.failed);
    const diff = r.json().diff;
    expect(diff.changes.filter((c: any) => c.action === 'replace').map((c: any) => c.type)).toContain('AWS::EC2::Subnet');
    expect(diff.changes.find((c: any) => c.type === 'AWS::EC2::Subnet' && c.action === 'replace').properties).toContainEqual(expect.objectContaining({ path: 'CidrBlock', causesReplacement: true }));
    // Renaming the database deletes it.
    const dir2 = await project();
    const text = readFileSync(join(dir2, 'dex.yaml'), 'utf8').replace('databases:\n  postgres:', 'databases:\n  main:').replace(/uses: \[postgres, redis\]/, 'uses: [main, redis]').replace(/uses: \[postgres\]/g, 'uses: [main]').replace('databases:\n      postgres:', 'databases:\n      main:');
    writeFileSync(join(dir2, 'dex.yaml'), text);
    const loss = await plan(dir2, { failOn: ['data-loss'], format: 'text' });
    expect(loss.code).toBe(EXIT.failed);
    expect(loss.out).toMatch(/DATA LOSS: AWS::RDS::DBInstance will be deleted/);
    expect(loss.out).toMatch(/change.? will DESTROY DATA/);
    expect(loss.err).toMatch(/--fail-on: \d+ changes? would destroy data/);
    const md = await plan(dir2, { format: 'markdown' });
    expect(md.out).toMatch(/> \[!CAUTION\]\n> \*\*Data loss in production:\*\*\n(> - .*\n)*> - `PostgresDatabase`: AWS::RDS::DBInstance will be deleted — the database and its automated backups will be lost \(DeletionPolicy Snapshot takes a final snapshot\)/);
  });

  it('without an emitted output: "no baseline: showing the full plan"; --fail-on rejects unknown gates', async () => {
    const dir = await project(false);
    const { code, out } = await plan(dir, { format: 'text' });
    expect(code).toBe(EXIT.ok);
    expect(out).toContain('no baseline: showing the full plan');
    expect((await plan(dir, { format: 'json' })).json().diff).toMatchObject({ against: 'none', noBaseline: expect.stringContaining('no baseline') });
    expect((await plan(dir, { detailedExitcode: true })).code).toBe(DETAILED_CHANGES); // everything is new
    expect((await plan(dir, { failOn: ['cost'] })).code).toBe(EXIT.usage);
    const bogus = await plan(dir, { against: 'yesterday' });
    expect(bogus.code).toBe(EXIT.usage);
    expect(bogus.err).toMatch(/error DEX900: --against yesterday: expected last, git:<ref> or stack/);
    expect((await plan(dir, { against: 'yesterday', detailedExitcode: true })).code).toBe(EXIT.failed);
    expect((await plan(dir, { failOn: ['cost'] })).err).toMatch(/error DEX900: --fail-on cost: not a gate/);
  });

  it('Kubernetes objects and CI files are diffed too (object by object for manifests)', async () => {
    const dir = await project();
    editSpec(dir, '    scaling: { min: 2, max: 10, targetCpuPercent: 70, vertical: true }', '    scaling: { min: 3, max: 10, targetCpuPercent: 70, vertical: true }');
    editSpec(dir, 'build: { test: npm test }', 'build: { test: npm run test:ci }');
    const diff = (await plan(dir)).json().diff;
    const k8s = diff.files.filter((f: any) => f.environment === 'production' && f.path.startsWith('kubernetes/'));
    expect(k8s.length).toBeGreaterThan(0);
    const objects = k8s.flatMap((f: any) => f.objects ?? []);
    expect(objects).toContainEqual(expect.objectContaining({ action: 'modify', name: 'blockchain-service', paths: expect.arrayContaining([expect.stringMatching(/minReplicas|replicas/)]) }));
    expect(diff.files).toContainEqual(expect.objectContaining({ environment: 'ci', path: '.github/workflows/release.yml', action: 'modify', linesAdded: expect.any(Number) }));
    const text = (await plan(dir, { format: 'text' })).out;
    expect(text).toMatch(/Changes to ci \(against out\/ci\)/);
    expect(text).toMatch(/\[~\] kubernetes\/blockchain-service\/\S+\.yaml \(\+\d+ −\d+ lines\)\n +~ \w+ blockchain-service\/blockchain-service: /);
  });

  it('every environment at once (no --env): each against its own plan.json', async () => {
    const dir = await project(false);
    expect(await runEmit({ file: 'dex.yaml' }, captureIO(dir))).toBe(EXIT.ok);
    editSpec(dir, 'nodeType: cache.t3.micro', 'nodeType: cache.t3.small');
    const io = captureIO(dir);
    const code = await runPlan({ file: 'dex.yaml', format: 'json', pricing: 'snapshot', allowOverBudget: true, detailedExitcode: true }, io);
    expect(code).toBe(DETAILED_CHANGES);
    const diff = JSON.parse(io.out()).diff;
    expect(diff.environments.map((e: any) => e.environment)).toEqual(['staging', 'production', 'ci']);
    expect(diff.changes.filter((c: any) => c.logicalId === 'RedisCache').map((c: any) => c.environment)).toEqual(['staging', 'production']);
    expect(diff.cost.delta.monthlyMax).toBeCloseTo(diff.environments[0].cost.delta.monthlyMax + diff.environments[1].cost.delta.monthlyMax, 2);
  });

  it('a spec file named differently from the emit run is not a file change', async () => {
    const dir = await project();
    const io = captureIO(dir);
    const code = await runPlan({ file: './dex.yaml', environment: 'production', format: 'json', pricing: 'snapshot', allowOverBudget: true, detailedExitcode: true }, io);
    expect(JSON.parse(io.out()).diff.files).toEqual([]);
    expect(code).toBe(EXIT.ok);
  });

  it('runs through the command line with --against, --detailed-exitcode and --fail-on', async () => {
    const dir = await project();
    editSpec(dir, ...INSTANCE_CLASS);
    expect(await main(['plan', 'dex.yaml', '--env', 'production', '--against', 'last', '--detailed-exitcode', '--allow-over-budget'], captureIO(dir))).toBe(DETAILED_CHANGES);
    expect(await main(['plan', 'dex.yaml', '--env', 'production', '--fail-on', 'replace,data-loss', '--allow-over-budget'], captureIO(dir))).toBe(EXIT.ok);
    const help = captureIO(dir);
    expect(await main(['plan', '--help'], help)).toBe(EXIT.ok);
    expect(help.out()).toContain('--against <baseline>');
    expect(help.out()).toContain('--detailed-exitcode');
  });
});

describe('dex plan --against git:<ref>', () => {
  const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).toString();

  it('compiles the spec as it was at the ref and diffs against it', async () => {
    const dir = await project(false);
    const sub = join(dir, 'deploy');
    execFileSync('mkdir', ['-p', sub]);
    copyFileSync(join(dir, 'dex.yaml'), join(sub, 'dex.yaml'));
    rmSync(join(dir, 'dex.yaml'));
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'spec');
    editSpec(sub, ...INSTANCE_CLASS);
    const r = await plan(sub, { against: 'git:main', detailedExitcode: true });
    expect(r.code, r.err).toBe(DETAILED_CHANGES);
    const diff = r.json().diff;
    expect(diff.against).toBe('git:main');
    expect(diff.changes).toEqual([expect.objectContaining({ logicalId: 'PostgresDatabase', action: 'modify' })]);
    expect(diff.environments[0].baseline).toBe('git:main');
    // Unchanged since HEAD: no changes.
    git(dir, 'commit', '-q', '-am', 'bigger db');
    expect((await plan(sub, { against: 'git:HEAD', detailedExitcode: true })).code).toBe(EXIT.ok);
    // A ref that does not exist: a clear message, exit 1.
    const bad = await plan(sub, { against: 'git:no-such-branch' });
    expect(bad.code).toBe(EXIT.failed);
    expect(bad.err).toMatch(/error DEX902: --against git:no-such-branch: no commit "no-such-branch"/);
    // A ref is never read as an option of git: --output would make `git show` write a file.
    const planted = join(sub, 'planted.txt');
    const option = await plan(sub, { against: `git:--output=${planted}` });
    expect(option.code).toBe(EXIT.failed);
    expect(existsSync(planted)).toBe(false);
  });
});

describe('dex plan --against stack (real SDK client, loopback CloudFormation server)', () => {
  let server: FakeCloudFormationServer;
  let dir: string;
  let stacks: { name: string; template: string }[];
  beforeAll(async () => {
    dir = await project();
    const planJson = JSON.parse(readFileSync(join(dir, 'out/production/plan.json'), 'utf8'));
    stacks = planJson.stacks.map((s: { name: string; file: string }) => ({ name: s.name, template: readFileSync(join(dir, 'out/production', s.file), 'utf8') }));
    server = await startFakeCloudFormationServer(stacks);
  });
  afterAll(() => server.close());
  afterEach(() => {
    server.mode = {};
    server.stacks = new Map(stacks.map((s) => [s.name, s]));
    server.requests.length = 0;
  });
  const env = () => ({ DEX_CLOUDFORMATION_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });

  it('reads every stack (DescribeStacks, GetTemplate Original) and finds no change when nothing changed', async () => {
    const r = await plan(dir, { against: 'stack', detailedExitcode: true }, env());
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.json().diff).toMatchObject({ against: 'stack', changes: [], security: [] });
    expect(r.json().diff.cost).toMatchObject({ before: null, delta: null });
    const actions = server.requests.map((q) => q.action);
    expect(actions.filter((a) => a === 'DescribeStacks')).toHaveLength(stacks.length);
    expect(actions.filter((a) => a === 'GetTemplate')).toHaveLength(stacks.length);
    expect(server.requests.filter((q) => q.action === 'GetTemplate').every((q) => q.params.TemplateStage === 'Original')).toBe(true);
    expect(server.requests.every((q) => q.params.Version === '2010-05-15' && /^AWS4-HMAC-SHA256 /.test(q.authorization ?? ''))).toBe(true);
  });

  it('diffs an edit against the deployed templates', async () => {
    const copy = mkdtempSync(join(top, 'stack-'));
    copyFileSync(join(dir, 'dex.yaml'), join(copy, 'dex.yaml'));
    editSpec(copy, ...INSTANCE_CLASS);
    const r = await plan(copy, { against: 'stack', detailedExitcode: true, format: 'text' }, env());
    expect(r.code, r.err).toBe(DETAILED_CHANGES);
    expect(r.out).toMatch(/Changes to production \(against deployed stacks \(ap-south-1\)\)/);
    expect(r.out).toMatch(/\[~\] modify +AWS::RDS::DBInstance PostgresDatabase/);
    expect(r.out).toContain('the baseline carries no usage: no cost delta');
  });

  it('a stack that is not deployed: its resources show as added, with a warning; none deployed is an error', async () => {
    const first = stacks[stacks.length - 1]!.name;
    server.stacks.delete(first);
    const r = await plan(dir, { against: 'stack' }, env());
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.json().diff.warnings).toContainEqual(expect.stringContaining(`stack ${first} does not exist`));
    expect(r.json().diff.changes.every((c: any) => c.action === 'add' && c.stack === first)).toBe(true);
    server.stacks = new Map();
    const none = await plan(dir, { against: 'stack' }, env());
    expect(none.code).toBe(EXIT.failed);
    expect(none.err).toMatch(/--against stack: none of the \d+ stacks is deployed in ap-south-1 \(Stack with id dex-mobile-v6-production-\w+ does not exist\)/);
  });

  it('reads JSON templates and YAML short forms too; warns about a stack in a failed state', async () => {
    const { parse } = await import('yaml');
    const [first, second, ...rest] = stacks;
    const asJson = { ...first!, template: JSON.stringify(parse(first!.template)) };
    // The same template written with short-form tags (!Ref, !GetAtt, !ImportValue, !Sub).
    const short = second!.template
      .replace(/^(\s*)([A-Za-z0-9]+):\n\s+Fn::ImportValue: (\S+)$/gm, '$1$2: !ImportValue $3')
      .replace(/^(\s*)- Ref: (\S+)$/gm, '$1- !Ref $2')
      .replace(/^(\s*)([A-Za-z0-9]+):\n\s+Ref: (\S+)$/gm, '$1$2: !Ref $3')
      .replace(/^(\s*)([A-Za-z0-9]+):\n\s+Fn::GetAtt:\n\s+- (\S+)\n\s+- (\S+)$/gm, '$1$2: !GetAtt $3.$4');
    expect(short).toMatch(/: !GetAtt \w+\.\w+\n/);
    expect(short).toMatch(/: !ImportValue /);
    server.stacks = new Map([asJson, { ...second!, template: short, status: 'UPDATE_ROLLBACK_FAILED' }, ...rest].map((s) => [s.name, s]));
    const r = await plan(dir, { against: 'stack', detailedExitcode: true }, env());
    expect(r.code, r.err + JSON.stringify(r.json().diff.changes.slice(0, 2))).toBe(EXIT.ok);
    expect(r.json().diff.warnings).toContainEqual(`stack ${second!.name} is UPDATE_ROLLBACK_FAILED: its template may not be what is running`);
  });

  it('server errors and throttling: clear messages, exit 1', async () => {
    server.mode = { fail: '500' };
    const r = await plan(dir, { against: 'stack' }, env());
    expect(r.code).toBe(EXIT.failed);
    expect(r.err).toMatch(/error DEX902: DescribeStacks dex-mobile-v6-production-\w+: CloudFormation failed \(HTTP 500, InternalFailure\)/);
    server.mode = { fail: 'throttle' };
    const t = await plan(dir, { against: 'stack' }, env());
    expect(t.code).toBe(EXIT.failed);
    expect(t.err).toMatch(/CloudFormation is throttling requests/);
  });

  it('a CloudFormation that never answers: the request deadline ends it, exit 1 with a clear message', async () => {
    server.mode = { fail: 'hang' };
    const warn = vi.spyOn(console, 'warn');
    try {
      const started = Date.now();
      const r = await plan(dir, { against: 'stack' }, { ...env(), DEX_AWS_TIMEOUT_MS: '150' });
      expect(r.code).toBe(EXIT.failed);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(r.err).toMatch(/error DEX902: DescribeStacks dex-mobile-v6-production-\w+: CloudFormation did not answer within 150 ms/);
      expect(r.err).not.toMatch(/TimeoutError|@smithy/);
      expect(warn).not.toHaveBeenCalled();
      // And an overall budget, whatever the per-request deadline.
      const budget = await plan(dir, { against: 'stack' }, { ...env(), DEX_AWS_TIMEOUT_MS: '60000', DEX_CLOUDFORMATION_BUDGET_MS: '200' });
      expect(budget.code).toBe(EXIT.failed);
      expect(budget.err).toMatch(/CloudFormation did not answer within the time budget of 200 ms for reading the deployed stacks/);
    } finally {
      warn.mockRestore();
    }
  });

  it('missing credentials: a clear message, exit 1', async () => {
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) vi.stubEnv(k, '');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(top, 'no-credentials'));
    vi.stubEnv('AWS_CONFIG_FILE', join(top, 'no-config'));
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    try {
      const r = await plan(dir, { against: 'stack' }, { DEX_CLOUDFORMATION_ENDPOINT: server.endpoint });
      expect(r.code).toBe(EXIT.failed);
      expect(r.err).toMatch(/no AWS credentials/);
      expect(server.requests).toHaveLength(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
