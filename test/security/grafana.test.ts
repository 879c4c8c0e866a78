// Grafana: its admin password comes from Secrets Manager (no admin/admin), reaches Grafana through
// a file only Grafana's user can read (never a command line or the environment), and its role
// reads the logs of its own system and environment only — every log group dex creates, and no
// other (a pattern never widens to `*` or to another environment's prefix).
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ID, namePrefix } from '../../compiler/model/ids.js';
import type { CfnValue, ModelResource } from '../../compiler/model/types.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { modelOf } from '../../pipeline/emit.js';
import { ec2, GRAFANA_SETTINGS } from '../../services/ec2.js';
import { GRAFANA_LOG_READ_ACTIONS } from '../../services/iam.js';
import { VPC_ID } from '../../services/vpc.js';
import { AUDIT_ID } from '../../services/audit.js';
import { ROTATION_ID } from '../../services/secret-rotation.js';
import { AT_FIXED_DATE, fixedClock } from '../support/clock.js';
import { expectParses, hasBash, runScript, sandbox } from './sandbox.js';
import { ALL_SPECS } from '../support/specs.js';

const SPECS = ALL_SPECS;
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-staging/monitoring/grafana/admin-AbCdEf';

const environments = SPECS.flatMap((file) => {
  const analysis = analyzeSpec(new Uint8Array(readFileSync(file)), file, { today: fixedClock });
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  // A spec with environments also compiles its base, which has no model of its own.
  return analysis.compiled.filter((c) => c.environment !== undefined || analysis.compiled.length === 1).map((compiled) => ({ where: `${file} ${compiled.environment ?? 'default'}`, compiled, model: modelOf(compiled) }));
});

type Statement = { Sid: string; Action: string[]; Resource: CfnValue };
const grafanaStatements = (resources: readonly ModelResource[]): Statement[] => {
  const role = resources.find((r) => r.logicalId === ID.monitoringServerRole('grafana'));
  if (!role) return [];
  const policies = role.properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
};

/** A `Fn::Sub` ARN pattern as a regular expression (IAM's `*` matches anything, `?` one character). */
const patternOf = (resource: CfnValue): RegExp => {
  const text = (resource as { 'Fn::Sub': string })['Fn::Sub'];
  return new RegExp(`^${text.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
};

describe('Grafana sign-in', () => {
  const spec = environments.find((e) => e.compiled.spec.monitoring.grafana.enabled)!.compiled.spec;
  const template = ec2.build(spec, AT_FIXED_DATE).find((r) => r.logicalId === 'GrafanaServerLaunchTemplate')!;
  const parts = ((template.properties as { LaunchTemplateData: { UserData: CfnValue } }).LaunchTemplateData.UserData as { 'Fn::Base64': { 'Fn::Join': [string, CfnValue[]] } })['Fn::Base64']['Fn::Join'][1];
  const script = parts.map((p) => (typeof p === 'string' ? p : SECRET_ARN)).join('');

  it('reads the admin password from its secret, by name, and carries no password itself', () => {
    expect(script).toContain(`--secret-id ${namePrefix(spec)}/monitoring/grafana/admin --version-stage AWSCURRENT`);
    // No CloudFormation value in the Grafana server's user data with password sign-in (its 16 KB limit).
    expect(parts.filter((p) => typeof p !== 'string')).toEqual([]);
    expect(script).not.toMatch(/GF_SECURITY_ADMIN_PASSWORD=/);
    expect(script).not.toContain('admin:admin');
    expectParses(script);
  });

  it('turns off sign-up, anonymous access and gravatar, and keeps cookies secure', () => {
    const settings = Object.fromEntries(GRAFANA_SETTINGS);
    expect(settings).toMatchObject({
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_SECURITY_DISABLE_GRAVATAR: 'true',
      GF_SECURITY_COOKIE_SECURE: 'true',
      GF_SECURITY_ADMIN_PASSWORD__FILE: '/run/secrets/dex/admin-password',
    });
    expect(settings.GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION).toBeUndefined();
  });

  /**
   * The sandbox for the Grafana server's password steps: `aws` answers get-secret-value from
   * .secret.json (the real CLI's JSON output), the real jq parses it, `docker` records its
   * arguments and, for `exec`, its stdin (and fails when .docker-fails exists); chown and install
   * record their arguments (not root in CI).
   */
  function grafanaBox(versionId: string, password: string) {
    const box = sandbox();
    const setSecret = (v: string, p: string) => writeFileSync(join(box.dir, '.secret.json'), JSON.stringify({ ARN: SECRET_ARN, Name: 'shop-staging/monitoring/grafana/admin', VersionId: v, SecretString: JSON.stringify({ username: 'admin', password: p }), VersionStages: ['AWSCURRENT'] }, null, 4));
    setSecret(versionId, password);
    const record = (stub: string) => `for a in "$@"; do printf '%s\\0' "$a"; done >> "${join(box.dir, '.calls')}.${stub}"\nprintf '\\n' >> "${join(box.dir, '.calls')}.${stub}"\n`;
    writeFileSync(join(box.bin, 'aws'), `#!/bin/sh\n${record('aws')}cat "${join(box.dir, '.secret.json')}"\n`);
    writeFileSync(join(box.bin, 'docker'), `#!/bin/sh\n${record('docker')}if [ "$1" = exec ]; then cat > "${join(box.dir, '.docker-stdin')}"; [ ! -e "${join(box.dir, '.docker-fails')}" ] || exit 1; fi\n`);
    for (const stub of ['chown', 'install']) writeFileSync(join(box.bin, stub), `#!/bin/sh\n${record(stub)}`);
    for (const stub of ['aws', 'docker', 'chown', 'install']) chmodSync(join(box.bin, stub), 0o755);
    // The real jq (installed with the server's packages): the script's filters must work on the real output.
    rmSync(join(box.bin, 'jq'));
    mkdirSync(join(box.dir, 'etc/dex/grafana'), { recursive: true });
    mkdirSync(join(box.dir, 'etc/systemd/system'), { recursive: true });
    const boot = () => {
      const fragment = script.slice(script.indexOf('install -d -m 700 -o 472')).replace(/\/etc\/dex/g, `${box.dir}/etc/dex`).replace(/\/etc\/systemd/g, `${box.dir}/etc/systemd`);
      return runScript(box, `set -euo pipefail\n${fragment}`);
    };
    /** One run of the dex-grafana-admin timer's service. */
    const tick = () => runScript(box, `exec "${box.dir}/etc/dex/grafana-admin.sh"\n`);
    const execs = () => box.calls('docker').filter((c) => c[0] === 'exec');
    const argv = () => ['aws', 'docker', 'chown', 'install', 'systemctl'].flatMap((stub) => box.calls(stub)).flat();
    return { box, setSecret, boot, tick, execs, argv, file: join(box.dir, 'etc/dex/grafana/admin-password') };
  }

  it.runIf(hasBash)('at boot, writes the password to a 0600 file for Grafana (uid 472) and starts Grafana with the file, not the value', () => {
    const { box, boot, execs, argv, file } = grafanaBox('v-1', 'Zq8x3Pw0rdFromSM');
    const { status, stderr } = boot();
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('Zq8x3Pw0rdFromSM');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(box.calls('chown')).toContainEqual(['472:472', `${file}.new`]);
    expect(box.calls('install')).toContainEqual(['-d', '-m', '700', '-o', '472', '-g', '472', `${box.dir}/etc/dex/grafana`]);
    expect(box.calls('aws')[0]).toEqual(['secretsmanager', 'get-secret-value', '--region', spec.region, '--secret-id', `${namePrefix(spec)}/monitoring/grafana/admin`, '--version-stage', 'AWSCURRENT', '--output', 'json']);
    const run = box.calls('docker').find((c) => c[0] === 'run')!;
    expect(run.join(' ')).not.toContain('Zq8x3Pw0rdFromSM');
    expect(run).toContain('GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/dex/admin-password');
    expect(run).toContain(`${box.dir}/etc/dex/grafana:/run/secrets/dex:ro`);
    // Grafana takes the file when it creates its database: no reset at boot; the version is recorded.
    expect(execs()).toEqual([]);
    expect(box.read('etc/dex/grafana-admin.version')).toBe('v-1\n');
    expect(argv().join(' ')).not.toContain('Zq8x3Pw0rdFromSM');
    // The timer that applies later versions: every 5 minutes, running the same script.
    expect(box.read('etc/systemd/system/dex-grafana-admin.timer')).toContain('OnUnitActiveSec=5min');
    expect(box.read('etc/systemd/system/dex-grafana-admin.service')).toContain(`ExecStart=${box.dir}/etc/dex/grafana-admin.sh`);
    expect(box.calls('systemctl')).toContainEqual(['enable', '--now', 'dex-grafana-admin.timer']);
  });

  it.runIf(hasBash)('the timer resets the admin password in the container when the secret rotates, with the password on stdin only; the same version does nothing', () => {
    const { box, setSecret, boot, tick, execs, argv, file } = grafanaBox('v-1', 'Zq8x3Pw0rdFromSM');
    expect(boot().status).toBe(0);
    // Same version (the timer's first run right after boot): nothing happens.
    expect(tick()).toEqual({ status: 0, stderr: '' });
    expect(execs()).toEqual([]);

    setSecret('v-2', 'N3wRotatedPassw0rd');
    expect(tick()).toEqual({ status: 0, stderr: '' });
    expect(execs()).toEqual([['exec', '-i', 'grafana', 'grafana', 'cli', 'admin', 'reset-admin-password', '--password-from-stdin']]);
    expect(box.read('.docker-stdin')).toBe('N3wRotatedPassw0rd');
    expect(readFileSync(file, 'utf8')).toBe('N3wRotatedPassw0rd');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(box.read('etc/dex/grafana-admin.version')).toBe('v-2\n');
    expect(argv().join(' ')).not.toContain('N3wRotatedPassw0rd');

    // Applied: the next runs do nothing until the next rotation.
    expect(tick().status).toBe(0);
    expect(execs()).toHaveLength(1);
  });

  it.runIf(hasBash)('a reset that fails (Grafana not up) records nothing, so the next run retries', () => {
    const { box, setSecret, boot, tick, execs } = grafanaBox('v-1', 'Zq8x3Pw0rdFromSM');
    expect(boot().status).toBe(0);
    setSecret('v-2', 'N3wRotatedPassw0rd');
    writeFileSync(join(box.dir, '.docker-fails'), '');
    expect(tick().status).not.toBe(0);
    expect(box.read('etc/dex/grafana-admin.version')).toBe('v-1\n');
    rmSync(join(box.dir, '.docker-fails'));
    expect(tick().status).toBe(0);
    expect(execs()).toHaveLength(2);
    expect(box.read('etc/dex/grafana-admin.version')).toBe('v-2\n');
  });

  it.runIf(hasBash)('a secret that cannot be read stops the boot before Grafana starts (it would start with admin/admin)', () => {
    const { box, boot } = grafanaBox('v-1', 'unused');
    writeFileSync(join(box.bin, 'aws'), `#!/bin/sh\necho "An error occurred (AccessDeniedException)" >&2\nexit 254\n`);
    const { status, stderr } = boot();
    expect(status).not.toBe(0);
    expect(stderr).toContain('dex: stopping: the Grafana server needs the Grafana admin password');
    expect(box.calls('docker').filter((c) => c[0] === 'run')).toEqual([]);
    expect(box.exists('etc/dex/grafana-admin.version')).toBe(false);
  });
});

describe("Grafana's role", () => {
  it.each(environments.filter((e) => e.compiled.spec.monitoring.grafana.enabled).map((e) => [e.where, e] as const))('%s: reads every log group of its system and environment and nothing wider', (_where, { compiled, model }) => {
    const statements = grafanaStatements(model.resources);
    const logs = statements.find((s) => s.Sid === 'ReadSystemLogs')!;
    expect(logs.Action.slice().sort()).toEqual(GRAFANA_LOG_READ_ACTIONS.slice().sort());
    // No statement but ReadSystemLogs grants a log read that IAM can scope to a log group.
    for (const s of statements.filter((x) => x.Sid !== 'ReadSystemLogs')) for (const a of GRAFANA_LOG_READ_ACTIONS) expect(s.Action).not.toContain(a);
    const resources = [logs.Resource].flat();
    expect(resources).not.toContain('*');
    const patterns = resources.map(patternOf);
    const arn = (name: string): string => `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${name}`;
    // The custom resource that empties the default security group and the password rotation
    // function log their own runs; not the system's.
    // The trail's copy of API activity is for auditors, not dashboards (docs/security.md, The audit trail).
    const groups = model.resources.filter((r) => r.type === 'AWS::Logs::LogGroup' && r.logicalId !== VPC_ID.defaultSgLogGroup && r.logicalId !== ROTATION_ID.logGroup && r.logicalId !== AUDIT_ID.trailLogGroup);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      const name = typeof g.properties.LogGroupName === 'string' ? g.properties.LogGroupName : `\${${g.logicalId}}`;
      for (const form of [arn(name), arn(`${name}:*`), arn(`${name}:log-stream:x`)]) expect(patterns.some((p) => p.test(form)), `${g.logicalId} ${form}`).toBe(true);
    }
    // Nothing outside: another environment's prefix and an unrelated log group stay unreadable.
    const prefix = namePrefix(compiled.spec);
    for (const other of [`/dex/${prefix}x/api`, '/aws/lambda/anything', `/aws/rds/instance/other-${prefix}/postgresql`, 'aws-waf-logs-other']) {
      expect(patterns.some((p) => p.test(arn(other))), other).toBe(false);
    }
  });
});
