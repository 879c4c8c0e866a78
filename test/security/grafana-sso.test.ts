// Grafana single sign-on (monitoring.grafana.signIn): the quoting of every value from dex.yaml that
// reaches Grafana's settings (env-file lines with no `$` or line break, JMESPath strings and
// identifiers that read back as exactly the value, whatever it holds), the role expression built
// from group names (a group can never end its string literal), the boot steps on the server (the
// client secret into a 0600 file and never an argument, the provider's endpoints discovered over
// https only, the login form off but for break-glass), the Cognito pool's secure defaults, the
// role's least privilege and the located diagnostics.
import { readFileSync, statSync, writeFileSync, chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ID } from '../../compiler/model/ids.js';
import { UnsafeValueError, grafanaSetting, jmespathIdentifier, jmespathRawString } from '../../compiler/model/quote.js';
import type { CfnValue, ModelResource } from '../../compiler/model/types.js';
import { COGNITO_GROUPS_CLAIM, grafanaRoleExpression } from '../../compiler/monitoring/sign-in.js';
import { modelOf } from '../../pipeline/emit.js';
import { ec2, grafanaSsoFiles } from '../../services/ec2.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { AT_FIXED_DATE } from '../support/clock.js';
import { expectGoldenFiles } from '../support/golden.js';
import { analyze, hasBash, positionOf, runScript, sandbox } from './sandbox.js';

const HOSTILE = ["'", "a'b", "\\'", '"', 'a"b', '`', '`whoami`', '$', '${HOME}', '$__env{AWS_SECRET}', '$(id)', 'a\nb', 'a\rb', '\n', ')) || true || ((', "' || 'Admin", 'Ünïcode', 'a b', ', ', '\u2028', '\0'];

/**
 * Reads one JMESPath raw string literal at the start of `text` the way go-jmespath (Grafana's
 * JMESPath) lexes it: up to the first `'` not preceded by a backslash; `\'` is a quote, any other
 * backslash is itself.
 */
function readRawString(text: string): { value: string; end: number } {
  if (text[0] !== "'") throw new Error(`not a raw string: ${text}`);
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === "'") {
      value += "'";
      i++;
      continue;
    }
    if (c === "'") return { value, end: i + 1 };
    value += c;
  }
  throw new Error(`unterminated: ${text}`);
}

/** The raw string literals of a JMESPath expression, outside quoted identifiers and JSON literals. */
function rawStrings(expr: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === "'") {
      const t = readRawString(expr.slice(i));
      out.push(t.value);
      i += t.end - 1;
    } else if (c === '"') {
      const end = expr.indexOf('"', i + 1);
      i = end;
    } else if (c === '`') {
      i = expr.indexOf('`', i + 1);
    }
  }
  return out;
}

describe('grafanaSetting', () => {
  it.each(HOSTILE)('keeps %j one setting or refuses it', (value) => {
    const unsafe = /[$\r\n\0]/.test(value);
    if (unsafe) expect(() => grafanaSetting('GF_AUTH_GENERIC_OAUTH_NAME', value)).toThrow(UnsafeValueError);
    else expect(grafanaSetting('GF_AUTH_GENERIC_OAUTH_NAME', value)).toBe(`GF_AUTH_GENERIC_OAUTH_NAME=${value}`);
  });
  it('any string: exactly one line NAME=value with no $, or UnsafeValueError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        let line: string;
        try {
          line = grafanaSetting('GF_AUTH_GENERIC_OAUTH_SCOPES', value);
        } catch (err) {
          expect(err).toBeInstanceOf(UnsafeValueError);
          expect(/[$\r\n\0]/.test(value)).toBe(true);
          return;
        }
        expect(line).toBe(`GF_AUTH_GENERIC_OAUTH_SCOPES=${value}`);
        expect(line).not.toMatch(/[$\r\n\0]/);
      }),
      { numRuns: 500 },
    );
  });
  it('refuses a name that is not a Grafana setting', () => {
    expect(() => grafanaSetting('LD_PRELOAD', 'x')).toThrow(UnsafeValueError);
    expect(() => grafanaSetting('GF_X\nY', 'x')).toThrow(UnsafeValueError);
  });
});

describe('JMESPath quoting', () => {
  it.each(HOSTILE)('reads %j back as exactly one raw string, or refuses it', (value) => {
    if (/[\\\u0000-\u001f\u007f]/.test(value)) return expect(() => jmespathRawString(value)).toThrow(UnsafeValueError);
    const out = jmespathRawString(value);
    expect(readRawString(out)).toEqual({ value, end: out.length });
  });
  it('any string: the literal ends where the helper says and holds the value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        let out: string;
        try {
          out = jmespathRawString(value);
        } catch (err) {
          expect(err).toBeInstanceOf(UnsafeValueError);
          expect(/[\\\u0000-\u001f\u007f]/.test(value)).toBe(true);
          return;
        }
        expect(readRawString(out)).toEqual({ value, end: out.length });
      }),
      { numRuns: 500 },
    );
  });
  it('any claim name is one quoted identifier (a JSON string)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (name) => {
        const out = jmespathIdentifier(name);
        expect(JSON.parse(out)).toBe(name);
        expect(out.startsWith('"') && out.endsWith('"')).toBe(true);
      }),
    );
    expect(jmespathIdentifier(COGNITO_GROUPS_CLAIM)).toBe('"cognito:groups"');
    expect(() => jmespathIdentifier('')).toThrow(UnsafeValueError);
  });
});

describe('the role expression', () => {
  it('gives Admin, then Editor, then Viewer, and false for anyone else', () => {
    expect(grafanaRoleExpression('groups', { admin: ['ops'], editor: [], viewer: ['eng', 'qa'] })).toBe(
      "(contains((\"groups\" || `[]`), 'ops')) && 'Admin' || (contains((\"groups\" || `[]`), 'eng') || contains((\"groups\" || `[]`), 'qa')) && 'Viewer'",
    );
    expect(grafanaRoleExpression('groups', { admin: [], editor: [], viewer: [] })).toBe('false');
    expect(grafanaRoleExpression('roles', { admin: ['a'], editor: [], viewer: [] }, ['staff'])).toBe("(contains((\"roles\" || `[]`), 'staff')) && ((contains((\"roles\" || `[]`), 'a')) && 'Admin')");
  });
  it('any group names: each is exactly one string literal, so none can add a role or a condition', () => {
    const group = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(group, { maxLength: 3 }), fc.array(group, { maxLength: 3 }), fc.array(group, { maxLength: 3 }), fc.array(group, { maxLength: 2 }), (admin, editor, viewer, allowed) => {
        let expr: string;
        try {
          expr = grafanaRoleExpression('groups', { admin, editor, viewer }, allowed);
        } catch (err) {
          expect(err).toBeInstanceOf(UnsafeValueError);
          return;
        }
        const expected = [...allowed.flatMap((g) => (admin.length + editor.length + viewer.length ? [g] : []))];
        const ladder = [...(admin.length ? [...admin, 'Admin'] : []), ...(editor.length ? [...editor, 'Editor'] : []), ...(viewer.length ? [...viewer, 'Viewer'] : [])];
        expect(rawStrings(expr)).toEqual([...expected, ...ladder]);
      }),
      { numRuns: 300 },
    );
  });
});

// examples/large: staging signs in with Cognito, production with Okta (endpoints discovered),
// production-eu with Entra ID (endpoints given).
const LARGE = readFileSync('examples/large/dex.yaml', 'utf8');
const large = analyze(LARGE);
const env = (name: string) => large.compiled.find((c) => c.environment === name)!;
const userData = (spec: NormalizedSpec): CfnValue[] => {
  const lt = ec2.build(spec, AT_FIXED_DATE).find((r) => r.logicalId === 'GrafanaServerLaunchTemplate')!;
  return ((lt.properties as { LaunchTemplateData: { UserData: CfnValue } }).LaunchTemplateData.UserData as { 'Fn::Base64': { 'Fn::Join': [string, CfnValue[]] } })['Fn::Base64']['Fn::Join'][1];
};
const POOL_ID = 'us-east-1_AbC123xyZ';
const CLIENT_ID = '1example23456789abcdefghij';
const render = (parts: CfnValue[]): string => parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p).includes('GrafanaUserPoolClient') ? CLIENT_ID : POOL_ID)).join('');

describe('the Grafana server with single sign-on (examples/large)', () => {
  it('validates, with the sign-in in every environment it is chosen for', () => {
    expect(large.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(env('staging').spec.monitoring.grafana.signIn.method).toBe('cognito');
    expect(env('production').spec.monitoring.grafana.signIn.method).toBe('oidc');
    expect(env('production-eu').spec.monitoring.grafana.signIn.method).toBe('oidc');
  });

  /**
   * Runs the Grafana part of the user data from the bundle on, under box.dir: `aws` answers from
   * .aws-answer, `curl` prints .discovery.json, `docker` and `chown` record their arguments, the
   * real jq parses.
   */
  function boot(spec: NormalizedSpec, answers: { aws: string; discovery?: string }) {
    const box = sandbox();
    const record = (stub: string) => `for a in "$@"; do printf '%s\\0' "$a"; done >> "${join(box.dir, '.calls')}.${stub}"\nprintf '\\n' >> "${join(box.dir, '.calls')}.${stub}"\n`;
    writeFileSync(join(box.dir, '.aws-answer'), answers.aws);
    writeFileSync(join(box.dir, '.discovery.json'), answers.discovery ?? '{}');
    const admin = JSON.stringify({ VersionId: 'v-1', SecretString: JSON.stringify({ username: 'admin', password: 'AdminPw0rdFromSM' }) });
    writeFileSync(join(box.dir, '.admin.json'), admin);
    // The admin secret's JSON for get-secret-value --output json, the other answer otherwise.
    writeFileSync(join(box.bin, 'aws'), `#!/bin/sh\n${record('aws')}case "$*" in *'--output json'*) cat "${join(box.dir, '.admin.json')}";; *) cat "${join(box.dir, '.aws-answer')}";; esac\n`);
    writeFileSync(join(box.bin, 'curl'), `#!/bin/sh\n${record('curl')}cat "${join(box.dir, '.discovery.json')}"\n`);
    for (const stub of ['docker', 'chown']) writeFileSync(join(box.bin, stub), `#!/bin/sh\n${record(stub)}`);
    for (const stub of ['aws', 'curl', 'docker', 'chown']) chmodSync(join(box.bin, stub), 0o755);
    rmSync(join(box.bin, 'jq'));
    for (const d of ['etc/dex/grafana', 'etc/grafana/provisioning', 'etc/systemd/system', 'var/lib/grafana']) mkdirSync(join(box.dir, d), { recursive: true });
    // The bundles in plain text, so the paths in them can be moved under box.dir too.
    const script = render(userData(spec)).replace(/base64 -d <<'EOF' \| gunzip -c \| bash\n([A-Za-z0-9+/=\n]+)\nEOF\n/g, (_m, b64: string) => `bash <<'DEX_TEST_EOF'\n${gunzipSync(Buffer.from(b64, 'base64')).toString('utf8')}DEX_TEST_EOF\n`);
    const from = script.indexOf("# out/<env>/monitoring/grafana/provisioning/");
    const fragment = script
      .slice(from)
      .replace(/install -d -o 472 -g 472 \/var\/lib\/grafana\n/, '')
      .replace(/install -d -m 700 -o 472 -g 472 \/etc\/dex\/grafana/, 'true')
      .replace(/\/etc\/dex/g, `${box.dir}/etc/dex`)
      .replace(/\/etc\/grafana/g, `${box.dir}/etc/grafana`)
      .replace(/\/etc\/systemd/g, `${box.dir}/etc/systemd`);
    const result = runScript(box, `set -euo pipefail\n${fragment}`);
    const envFile = (): Record<string, string> => Object.fromEntries(box.read('etc/dex/grafana.env').trimEnd().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    return { box, result, envFile, secretFile: join(box.dir, 'etc/dex/grafana/oauth-client-secret'), runs: () => box.calls('docker').filter((c) => c[0] === 'run') };
  }

  const discovery = (overrides: Record<string, string> = {}) =>
    JSON.stringify({
      issuer: 'https://acme-shop.okta.com/oauth2/default',
      authorization_endpoint: 'https://acme-shop.okta.com/oauth2/default/v1/authorize',
      token_endpoint: 'https://acme-shop.okta.com/oauth2/default/v1/token',
      userinfo_endpoint: 'https://acme-shop.okta.com/oauth2/default/v1/userinfo',
      ...overrides,
    });

  it.runIf(hasBash)('OIDC: discovers the endpoints, writes the client secret to a 0600 file, starts Grafana with the form off and the secret never in an argument', () => {
    const spec = env('production').spec;
    const { box, result, envFile, secretFile, runs } = boot(spec, { aws: 'S3cr3t-from-Okta', discovery: discovery() });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readFileSync(secretFile, 'utf8')).toBe('S3cr3t-from-Okta');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(box.calls('chown')).toContainEqual(['472:472', `${secretFile}.new`]);
    expect(box.calls('curl')[0]).toContain('https://acme-shop.okta.com/oauth2/default/.well-known/openid-configuration');
    expect(box.calls('curl')[0]).toContain('=https');
    expect(box.calls('aws')).toContainEqual(['secretsmanager', 'get-secret-value', '--region', 'us-east-1', '--secret-id', 'acme-commerce-production/monitoring/grafana/oidc-client-secret', '--query', 'SecretString', '--output', 'text']);
    const settings = envFile();
    expect(settings).toMatchObject({
      GF_AUTH_GENERIC_OAUTH_ENABLED: 'true',
      GF_AUTH_GENERIC_OAUTH_CLIENT_ID: '0oa8f2k3l4m5n6o7p8q9',
      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET__FILE: '/run/secrets/dex/oauth-client-secret',
      GF_AUTH_GENERIC_OAUTH_AUTH_URL: 'https://acme-shop.okta.com/oauth2/default/v1/authorize',
      GF_AUTH_GENERIC_OAUTH_TOKEN_URL: 'https://acme-shop.okta.com/oauth2/default/v1/token',
      GF_AUTH_GENERIC_OAUTH_API_URL: 'https://acme-shop.okta.com/oauth2/default/v1/userinfo',
      GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_STRICT: 'true',
      GF_AUTH_GENERIC_OAUTH_ALLOW_ASSIGN_GRAFANA_ADMIN: 'false',
      GF_AUTH_GENERIC_OAUTH_USE_PKCE: 'true',
      GF_AUTH_GENERIC_OAUTH_ALLOWED_DOMAINS: 'acme-shop.example',
      GF_SERVER_ROOT_URL: 'http://localhost:3000/',
    });
    expect(settings.GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH).toBe(grafanaRoleExpression('groups', { admin: ['commerce-platform'], editor: ['commerce-sre'], viewer: ['commerce-engineering'] }));
    expect(Object.keys(settings).some((k) => k.includes('SECRET') && !k.endsWith('__FILE'))).toBe(false);
    expect(statSync(join(box.dir, 'etc/dex/grafana.env')).mode & 0o777).toBe(0o600);
    const run = runs();
    expect(run).toHaveLength(1);
    expect(run[0]).toContain('GF_AUTH_DISABLE_LOGIN_FORM=true');
    expect(run[0]).toContain(`${box.dir}/etc/dex/grafana.env`);
    const everyArgument = ['aws', 'curl', 'docker', 'chown'].flatMap((s) => box.calls(s)).flat().join(' ');
    expect(everyArgument).not.toContain('S3cr3t-from-Okta');
    expect(everyArgument).not.toContain('AdminPw0rdFromSM');

    // Break-glass: the same container with the login form on, and back.
    const glass = runScript(box, `exec "${box.dir}/etc/dex/grafana-run.sh" break-glass\n`);
    expect(glass.status).toBe(0);
    expect(runs()[1]).toContain('GF_AUTH_DISABLE_LOGIN_FORM=false');
    expect(box.calls('docker').at(-2)).toEqual(['rm', '-f', 'grafana']);
    runScript(box, `exec "${box.dir}/etc/dex/grafana-run.sh"\n`);
    expect(runs()[2]).toContain('GF_AUTH_DISABLE_LOGIN_FORM=true');
  });

  it.runIf(hasBash).each([
    ['another issuer', { issuer: 'https://evil.example/' }, 'names another issuer'],
    ['an http endpoint', { token_endpoint: 'http://acme-shop.okta.com/oauth2/default/v1/token' }, 'is not https'],
    ['an endpoint with $', { authorization_endpoint: 'https://acme-shop.okta.com/$__file{/etc/shadow}' }, 'is not a plain URL'],
    ['an endpoint with a line break', { userinfo_endpoint: 'https://acme-shop.okta.com/x\nGF_AUTH_GENERIC_OAUTH_TLS_SKIP_VERIFY_INSECURE=true' }, 'is not a plain URL'],
    ['an endpoint with a quote', { userinfo_endpoint: "https://acme-shop.okta.com/x'y" }, 'is not a plain URL'],
    ['no token endpoint', { token_endpoint: '' }, 'is not https'],
  ])('OIDC: a discovery document with %s stops the boot before Grafana starts', (_what, overrides, why) => {
    const { result, runs, box } = boot(env('production').spec, { aws: 'S3cr3t', discovery: discovery(overrides) });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(why);
    expect(runs()).toEqual([]);
    for (const bad of ['TLS_SKIP_VERIFY_INSECURE=true', '$__file', "x'y", 'evil.example', 'http://acme-shop']) expect(box.read('etc/dex/grafana.env')).not.toContain(bad);
  });

  it.runIf(hasBash)('OIDC: an unset client secret stops the boot with how to set it', () => {
    const { result, runs } = boot(env('production-eu').spec, { aws: '' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('empty');
    expect(runs()).toEqual([]);
  });

  it.runIf(hasBash)('Cognito: reads the client secret from the app client, with the pool and client IDs as single arguments', () => {
    const spec = env('staging').spec;
    const { box, result, envFile, secretFile, runs } = boot(spec, { aws: 'cognito-generated-secret' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(box.calls('aws')).toContainEqual(['cognito-idp', 'describe-user-pool-client', '--region', 'us-east-1', '--user-pool-id', POOL_ID, '--client-id', CLIENT_ID, '--query', 'UserPoolClient.ClientSecret', '--output', 'text']);
    expect(readFileSync(secretFile, 'utf8')).toBe('cognito-generated-secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const domain = 'https://acme-commerce-staging-grafana.auth.us-east-1.amazoncognito.com';
    expect(envFile()).toMatchObject({
      GF_AUTH_GENERIC_OAUTH_CLIENT_ID: CLIENT_ID,
      GF_AUTH_GENERIC_OAUTH_AUTH_URL: `${domain}/oauth2/authorize`,
      GF_AUTH_GENERIC_OAUTH_TOKEN_URL: `${domain}/oauth2/token`,
      GF_AUTH_GENERIC_OAUTH_API_URL: `${domain}/oauth2/userInfo`,
      GF_AUTH_GENERIC_OAUTH_GROUPS_ATTRIBUTE_PATH: '"cognito:groups"',
      GF_AUTH_SIGNOUT_REDIRECT_URL: `${domain}/logout?client_id=${CLIENT_ID}&logout_uri=http%3A%2F%2Flocalhost%3A3000%2Flogin`,
    });
    expect(runs()[0]).toContain('GF_AUTH_DISABLE_LOGIN_FORM=true');
    expect(['aws', 'docker', 'chown'].flatMap((s) => box.calls(s)).flat().join(' ')).not.toContain('cognito-generated-secret');
  });

  it('a hostile group name (past the schema) stays one JMESPath string in the env file, or the build refuses it', () => {
    const spec = structuredClone(env('production').spec) as NormalizedSpec;
    const oidc = spec.monitoring.grafana.signIn as unknown as { roles: { viewer: string[] } };
    oidc.roles.viewer = ["x') || 'Admin' || ('", '`touch pwned`', 'a"b'];
    const bundled = render(userData(spec))
      .match(/base64 -d <<'EOF' \| gunzip -c \| bash\n([A-Za-z0-9+/=\n]+)\nEOF\n/g)!
      .map((m) => gunzipSync(Buffer.from(m.split('\n').slice(1, -2).join(''), 'base64')).toString('utf8'))
      .join('');
    const line = bundled.split('\n').find((l) => l.startsWith('GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH='))!;
    const expr = line.slice(line.indexOf('=') + 1);
    expect(expr).toBe(grafanaRoleExpression('groups', { admin: ['commerce-platform'], editor: ['commerce-sre'], viewer: oidc.roles.viewer }));
    expect(rawStrings(expr)).toEqual(['commerce-platform', 'Admin', 'commerce-sre', 'Editor', ...oidc.roles.viewer, 'Viewer']);
    for (const bad of ['$(id)', 'a\nGF_AUTH_ANONYMOUS_ENABLED=true', 'back\\slash']) {
      oidc.roles.viewer = [bad];
      expect(() => userData(spec), bad).toThrow(UnsafeValueError);
    }
  });
});

describe('Cognito and IAM (examples/large)', () => {
  const model = (name: string) => modelOf(env(name));
  const byId = (resources: readonly ModelResource[], id: string) => resources.find((r) => r.logicalId === id);
  type Statement = { Sid: string; Action: string[]; Resource: CfnValue };
  const grafanaStatements = (resources: readonly ModelResource[]): Statement[] =>
    (byId(resources, ID.monitoringServerRole('grafana'))!.properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);

  it('creates the user pool with MFA required, admin-created users, a strong password policy and threat protection', () => {
    const resources = model('staging').resources;
    const pool = byId(resources, ID.grafanaUserPool)!;
    expect(pool.layer).toBe('security');
    expect(pool.properties).toMatchObject({
      UserPoolTier: 'PLUS',
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: { MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true, PasswordHistorySize: 24 } },
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    expect(pool.deletionPolicy).toBe('Retain');
    expect(pool.usage).toEqual([expect.objectContaining({ meter: 'cognito.mau', quantity: { min: 15, max: 15 }, attributes: { tier: 'plus' } })]);
    const client = byId(resources, ID.grafanaUserPoolClient)!;
    expect(client.properties).toMatchObject({ GenerateSecret: true, AllowedOAuthFlows: ['code'], CallbackURLs: ['http://localhost:3000/login/generic_oauth'], SupportedIdentityProviders: ['COGNITO'], ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'], PreventUserExistenceErrors: 'ENABLED' });
    expect(['admin', 'editor', 'viewer'].map((r) => byId(resources, ID.grafanaUserPoolGroup(r as 'admin'))!.properties.GroupName)).toEqual(['grafana-admins', 'grafana-editors', 'grafana-viewers']);
    expect(byId(model('production').resources, ID.grafanaUserPool)).toBeUndefined();
  });

  it('lets the Grafana role read only its own client secret: the pool it signs in with, or the OIDC placeholder', () => {
    const cognito = grafanaStatements(model('staging').resources);
    expect(cognito.find((s) => s.Sid === 'ReadOwnAppClient')).toEqual({ Sid: 'ReadOwnAppClient', Effect: 'Allow', Action: ['cognito-idp:DescribeUserPoolClient'], Resource: { 'Fn::GetAtt': [ID.grafanaUserPool, 'Arn'] } });
    expect(cognito.find((s) => s.Sid === 'ReadOwnSecrets')!.Resource).toEqual([{ Ref: ID.grafanaAdminSecret }]);
    const oidc = grafanaStatements(model('production').resources);
    expect(oidc.find((s) => s.Sid === 'ReadOwnSecrets')!.Resource).toEqual([{ Ref: ID.grafanaAdminSecret }, { Ref: ID.grafanaOidcSecret }]);
    expect(oidc.some((s) => s.Action.some((a) => a.startsWith('cognito-idp:')))).toBe(false);
  });

  it('creates the OIDC client secret as a placeholder the release checks before it deploys', () => {
    const secret = byId(model('production').resources, ID.grafanaOidcSecret)!;
    expect(secret.properties.Name).toBe('acme-commerce-production/monitoring/grafana/oidc-client-secret');
    expect(secret.properties.GenerateSecretString).toBeUndefined();
    expect(secret.properties.SecretString).toBeUndefined();
  });
});

describe('diagnostics', () => {
  const spec = (signIn: string, extra = '') => `dex: 1
name: notes
region: eu-west-1
network: { natGateways: single }
services:
  api: { language: nodejs, port: 8080, placement: ecs }
monitoring:
  prometheus: {}
  grafana:
${extra}    signIn:
${signIn}
`;
  const codes = (yaml: string) => analyze(yaml).diagnostics.filter((d) => d.code.startsWith('DEX36')).map((d) => `${d.line}:${d.col} ${d.code}`);

  it('accepts a complete OIDC provider and a Cognito pool', () => {
    expect(codes(spec('      method: oidc\n      oidc: { issuer: https://sso.example.com, clientId: grafana, roles: { viewer: [eng] } }'))).toEqual([]);
    expect(codes(spec('      method: cognito'))).toEqual([]);
  });
  it('locates a missing client ID, a missing issuer and an empty role mapping at the oidc block', () => {
    expect(codes(spec('      method: oidc\n      oidc: { issuer: https://sso.example.com }'))).toEqual(['12:7 DEX362', '12:7 DEX365']);
    expect(codes(spec('      method: oidc\n      oidc: { clientId: g, roles: { admin: [ops] } }'))).toEqual(['12:7 DEX364']);
  });
  const at = (yaml: string, needle: string, code: string) => `${positionOf(yaml, needle)} ${code}`;
  it('locates a non-https issuer, endpoint or root URL at the URL', () => {
    const issuer = spec('      method: oidc\n      oidc: { issuer: http://sso.example.com, clientId: g, roles: { admin: [ops] } }');
    expect(codes(issuer)).toEqual([at(issuer, 'http://sso', 'DEX363')]);
    const token = spec('      method: oidc\n      oidc:\n        issuer: https://sso.example.com\n        clientId: g\n        authUrl: https://sso.example.com/a\n        tokenUrl: http://sso.example.com/t\n        userInfoUrl: https://sso.example.com/u\n        roles: { admin: [ops] }');
    expect(codes(token)).toEqual([at(token, 'http://sso', 'DEX363')]);
    const root = spec('      method: cognito', '    rootUrl: http://grafana.example.com\n');
    expect(codes(root)).toEqual([at(root, 'http://grafana', 'DEX363')]);
  });
  it('wants all three endpoints or none', () => {
    const one = spec('      method: oidc\n      oidc:\n        issuer: https://sso.example.com\n        clientId: g\n        tokenUrl: https://sso.example.com/t\n        roles: { admin: [ops] }');
    expect(codes(one)).toEqual([at(one, 'tokenUrl', 'DEX364')]);
  });
  it('refuses a Cognito domain prefix with a reserved word, at the prefix', () => {
    const yaml = spec('      method: cognito\n      cognito: { domainPrefix: my-aws-grafana }');
    expect(codes(yaml)).toEqual([at(yaml, 'my-aws-grafana', 'DEX366')]);
  });
  it('warns about single sign-on without a NAT gateway, and about a block for another method', () => {
    const noNat = spec('      method: cognito').replace('natGateways: single', 'natGateways: none');
    expect(codes(noNat)).toEqual([at(noNat, 'cognito', 'DEX367')]);
    const unused = spec('      oidc: { issuer: https://sso.example.com }');
    expect(codes(unused)).toEqual([at(unused, 'oidc', 'DEX368')]);
  });
  it('refuses hostile shapes in the schema first (quotes, $, backticks, line breaks)', () => {
    for (const bad of ['"https://sso.example.com/$x"', '"https://sso.example.com/`id`"', "\"https://sso.example.com/'\"", '"https://sso.example.com/\\nx"']) {
      const errors = analyze(spec(`      method: oidc\n      oidc: { issuer: ${bad}, clientId: g, roles: { admin: [ops] } }`)).diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.code), bad).toEqual(['DEX204']);
    }
    const group = analyze(spec('      method: oidc\n      oidc: { issuer: https://sso.example.com, clientId: g, roles: { admin: ["a$b"] } }')).diagnostics.filter((d) => d.severity === 'error');
    expect(group.map((d) => d.code)).toEqual(['DEX204']);
  });
});

describe('golden files (examples/large)', () => {
  it('the single sign-on files on the Grafana server and the Cognito resources match (UPDATE_GOLDEN=1 rewrites them)', () => {
    const files: { path: string; content: string }[] = [];
    for (const name of ['staging', 'production', 'production-eu']) {
      const c = env(name);
      for (const f of grafanaSsoFiles(c.spec)) files.push({ path: `${name}/etc/dex/${f.path}`, content: f.content });
      const cognito = modelOf(c).resources.filter((r) => r.type.startsWith('AWS::Cognito::'));
      if (cognito.length) files.push({ path: `${name}/cognito.json`, content: `${JSON.stringify(cognito.map((r) => ({ logicalId: r.logicalId, type: r.type, deletionPolicy: r.deletionPolicy ?? null, properties: r.properties, usage: r.usage })), null, 2)}\n` });
    }
    expectGoldenFiles('test/golden/large-grafana-sso', files);
  });
});
