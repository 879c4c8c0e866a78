// `dex validate` end to end: in-process for the details, and once through bin/dex.js as a user runs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureIO } from '../support/io.js';

const root = process.cwd();
const reference = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const misspelt = 'test/fixtures/spec/misspelt.dex.yaml';

describe('dex validate: classes without an offline price (DEX346)', () => {
  const minimalIn = (region: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'dex-346-'));
    const file = join(dir, 'dex.yaml');
    writeFileSync(file, readFileSync('examples/minimal/dex.yaml', 'utf8').replace(/^region: eu-west-1$/m, `region: ${region}`).replace('arn:aws:acm:eu-west-1:', `arn:aws:acm:${region}:`));
    return file;
  };

  it('warns with the nearest priced classes of the region, and still exits 0', async () => {
    const io = captureIO(root);
    expect(await main(['validate', minimalIn('il-central-1'), '--format', 'json'], io)).toBe(0);
    const d = JSON.parse(io.out()).diagnostics.filter((x: { code: string }) => x.code === 'DEX346');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: 'warning', path: ['databases', 'db', 'instanceClass'] });
    expect(d[0].message).toBe('RDS PostgreSQL Multi-AZ class db.t3.medium (database db) has no offline price in il-central-1: dex plan will show it unpriced');
    expect(d[0].hint).toMatch(/^did you mean db\.m6i\.large, db\.m6i\.xlarge, db\.r6i\.large\? \(priced in il-central-1\); or run `dex pricing refresh --region il-central-1`/);
  });

  it('says so when the sources have no prices of the service in the region', async () => {
    const io = captureIO(root);
    expect(await main(['validate', minimalIn('ap-southeast-4')], io)).toBe(0);
    expect(io.out()).toContain("hint: dex's offline prices have no RDS classes for ap-southeast-4; run `dex pricing refresh --region ap-southeast-4`");
  });

  it('is silent where every class is priced (the reference, the examples)', async () => {
    for (const file of [reference, 'examples/dex-mobile-v6/dex.yaml', 'examples/minimal/dex.yaml', 'examples/large/dex.yaml']) {
      const io = captureIO(root);
      await main(['validate', file], io);
      expect(io.out(), file).not.toContain('DEX346');
    }
  });
});

describe('dex validate', () => {
  it('accepts the reference spec and says what it checked (exit 0)', async () => {
    const io = captureIO(root);
    expect(await main(['validate', reference], io)).toBe(0);
    expect(io.out()).toContain('valid — checked base spec and 2 environments (staging, production)');
  });

  it('prints file:line:col, the code frame and the hint, without colour when not a TTY (exit 1)', async () => {
    const io = captureIO(root);
    expect(await main(['validate', misspelt], io)).toBe(1);
    const out = io.out();
    expect(out).toContain(`${misspelt}:6:3: error DEX200: unknown property "natGateway" in network\n`);
    expect(out).toContain('  > 6 |   natGateway: single\n');
    expect(out).toContain('  hint: did you mean "natGateways"?');
    expect(out).not.toMatch(/\u001b\[/);
    expect(out.trimEnd().split('\n').pop()).toBe(`${misspelt}: invalid — 8 errors`);
  });

  it('colours on a TTY and honours NO_COLOR', async () => {
    const tty = captureIO(root, {}, true);
    await main(['validate', misspelt], tty);
    expect(tty.out()).toMatch(/\u001b\[/);
    const noColor = captureIO(root, { NO_COLOR: '1' }, true);
    await main(['validate', misspelt], noColor);
    expect(noColor.out()).not.toMatch(/\u001b\[/);
  });

  it('emits JSON with positions and placements', async () => {
    const io = captureIO(root);
    expect(await main(['validate', misspelt, '--format', 'json'], io)).toBe(1);
    const json = JSON.parse(io.out());
    expect(json.valid).toBe(false);
    expect(json.summary).toEqual({ errors: 8, warnings: 0, infos: 0 });
    expect(json.diagnostics[0]).toMatchObject({ code: 'DEX200', line: 6, col: 3, endLine: 6, endCol: 13, path: ['network', 'natGateway'], hint: 'did you mean "natGateways"?' });
    const ok = captureIO(root);
    await main(['validate', reference, '--format', 'json', '--env', 'staging'], ok);
    expect(JSON.parse(ok.out()).placements.staging['blockchain-service']).toMatchObject({ placement: 'eks', source: 'declared' });
  });

  it('emits GitHub workflow annotations', async () => {
    const io = captureIO(root);
    await main(['validate', misspelt, '--format', 'github'], io);
    expect(io.out().split('\n')[0]).toBe(`::error file=${misspelt},line=6,col=3,endColumn=13,title=dex DEX200::unknown property "natGateway" in network%0Ahint: did you mean "natGateways"?`);
  });

  it('reports an unknown environment with a suggestion', async () => {
    const io = captureIO(root);
    expect(await main(['validate', reference, '--env', 'prod'], io)).toBe(2); // a usage error
    expect(io.out()).toContain('error DEX400: no environment "prod"');
  });

  it('places certificate and large-body WAF findings at file:line:col, base or overlay, per environment', async () => {
    const run = async (fixture: string, exit: number): Promise<string> => {
      const io = captureIO(root);
      expect(await main(['validate', `test/fixtures/checks/${fixture}.dex.yaml`], io)).toBe(exit);
      return io.out();
    };
    const region = await run('certificate-region-overlay', 1);
    const regionFile = 'test/fixtures/checks/certificate-region-overlay.dex.yaml';
    expect(region).toContain(`${regionFile}:9:21: error DEX320: the TLS certificate is in us-east-1, but the load balancer is in eu-west-1: an ALB listener can only use an ACM certificate from its own region (in environment eu)\n`);
    expect(region).toContain(`${regionFile}:23:25: error DEX320: the TLS certificate is in eu-central-1, but the load balancer is in eu-west-1`);
    expect(region).toContain("hint: issue (request or import) the certificate in ACM in eu-west-1, the listener's region");
    expect(region).not.toContain('(in environment staging)');
    const acm = await run('certificate-not-acm', 1);
    expect(acm).toContain('test/fixtures/checks/certificate-not-acm.dex.yaml:8:21: error DEX343: the certificate ARN is in partition aws-cn');
    expect(acm).toContain('test/fixtures/checks/certificate-not-acm.dex.yaml:18:25: error DEX343: arn:aws:acm:ap-south-1:123456789012:certificate/my-cert is not an ACM certificate ARN');
    expect(await run('waf-large-body-unrouted', 0)).toContain('test/fixtures/checks/waf-large-body-unrouted.dex.yaml:10:15: warning DEX340: no public service\'s route covers /uploads');
    expect(await run('waf-large-body-duplicate', 1)).toContain('test/fixtures/checks/waf-large-body-duplicate.dex.yaml:11:15: error DEX342: /api/kyc/documents is listed twice');
  });

  it('shows placement decisions with --verbose', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dex-'));
    const file = join(dir, 'dex.yaml');
    writeFileSync(file, 'dex: 1\nname: auto-demo\nregion: us-east-1\nservices:\n  chain:\n    placement: auto\n    profile: { scalability: high, complexity: high }\n');
    const io = captureIO(dir);
    expect(await main(['validate', 'dex.yaml', '--verbose'], io)).toBe(0);
    expect(io.out()).toContain('dex.yaml:6:16: info DEX330: chain: placement auto → eks');
  });

  it('treats usage mistakes as exit 2', async () => {
    const missing = captureIO(root);
    expect(await main(['validate', 'no-such.yaml'], missing)).toBe(2);
    expect(missing.err()).toContain('error DEX100: cannot read no-such.yaml: no such file');
    const badFormat = captureIO(root);
    expect(await main(['validate', reference, '--format', 'xml'], badFormat)).toBe(2);
    expect(await main(['frobnicate'], captureIO(root))).toBe(2);
  });

  it('has --help on every command', async () => {
    for (const command of ['validate', 'emit', 'init', 'schema']) {
      const io = captureIO(root);
      expect(await main([command, '--help'], io)).toBe(0);
      expect(io.out()).toContain(`Usage: dex ${command}`);
    }
  });

  it('runs as a real process through bin/dex.js', () => {
    const ok = spawnSync(process.execPath, ['bin/dex.js', 'validate', reference], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, ['bin/dex.js', 'validate', misspelt], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('error DEX200');
    const schema = execFileSync(process.execPath, ['bin/dex.js', 'schema'], { encoding: 'utf8' });
    expect(schema).toBe(readFileSync('schema.json', 'utf8'));
  });
});

describe('dex init', () => {
  it('writes a starter that validates, with a schema modeline that works where dex is installed, and will not overwrite it', async () => {
    // dex installed in a project (npm i -D dex-aws): the files init reads, copied where npm puts them.
    const project = mkdtempSync(join(tmpdir(), 'dex-init-'));
    const installed = join(project, 'node_modules', 'dex-aws');
    for (const part of ['bin', 'dist', 'templates', 'package.json', 'schema.json']) cpSync(part, join(installed, part), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{"private": true}\n');
    execFileSync(process.execPath, [join(installed, 'bin', 'dex.js'), 'init', 'services/shop', '--region', 'eu-west-1'], { cwd: project });
    const text = readFileSync(join(project, 'services', 'shop', 'dex.yaml'), 'utf8');
    const modeline = /^# yaml-language-server: \$schema=(.+)$/m.exec(text)?.[1];
    expect(modeline).toBe('../../node_modules/dex-aws/schema.json');
    expect(readFileSync(join(project, 'services', 'shop', modeline!), 'utf8')).toBe(readFileSync('schema.json', 'utf8'));
    expect(text).toContain('name: shop\nregion: eu-west-1\n');
    const check = captureIO(project);
    expect(await main(['validate', 'services/shop/dex.yaml'], check)).toBe(0);
    expect(check.out()).toContain('valid — checked base spec and 2 environments');
    const again = captureIO(project);
    expect(await main(['init', 'services/shop'], again)).toBe(2);
    expect(again.err()).toContain('error DEX941: services/shop/dex.yaml already exists');
    rmSync(project, { recursive: true, force: true });
  });
});
