// Grafana's single sign-on (monitoring.grafana.signIn: oidc or cognito) as its `auth.generic_oauth`
// settings: pure functions of the spec, read by the EC2 building block, which writes them into the
// Grafana server's env file. Every value from dex.yaml goes through grafanaSetting (no `$`, no line
// break) and, inside the role expression, through the JMESPath helpers: the expression is built
// here from group names, never taken from the spec. docs/monitoring.md#single-sign-on.
import { jmespathIdentifier, jmespathRawString } from '../model/quote.js';
import type { GrafanaRoleGroups, NormalizedSpec } from '../../spec/model.js';

/** The callback path of Grafana's generic OAuth provider, registered with the identity provider. */
export const GRAFANA_OAUTH_CALLBACK_PATH = '/login/generic_oauth';
/** The client secret on the Grafana host (mode 0600, uid 472), /run/secrets/dex/oauth-client-secret in the container. */
export const GRAFANA_OAUTH_SECRET_FILE = 'oauth-client-secret';
/** The groups claim of a Cognito ID token. */
export const COGNITO_GROUPS_CLAIM = 'cognito:groups';
/** The Cognito groups dex creates, one per Grafana role. */
export const COGNITO_ROLE_GROUPS: GrafanaRoleGroups = { admin: ['grafana-admins'], editor: ['grafana-editors'], viewer: ['grafana-viewers'] };

export const grafanaUsesSso = (spec: NormalizedSpec): boolean => spec.monitoring.grafana.enabled && spec.monitoring.grafana.signIn.method !== 'password';

/** The sign-in callback URL the identity provider must allow. */
export const grafanaCallbackUrl = (spec: NormalizedSpec): string => `${spec.monitoring.grafana.rootUrl}${GRAFANA_OAUTH_CALLBACK_PATH}`;

/** The hosted domain of the Cognito user pool (the prefix is the spec's, checked by DEX366). */
export const cognitoDomain = (spec: NormalizedSpec, prefix: string): string => `${prefix}.auth.${spec.region}.amazoncognito.com`;

/**
 * Grafana's role_attribute_path: `Admin` for a member of an admin group, else `Editor`, else
 * `Viewer`; anything else (no listed group, or outside `allowed`) evaluates to `false`, which
 * Grafana refuses with role_attribute_strict. The claim is read as `"<claim>" || []` so a token
 * without it means no groups rather than a JMESPath error.
 */
export function grafanaRoleExpression(groupsClaim: string, roles: GrafanaRoleGroups, allowed: readonly string[] = []): string {
  const groups = `(${jmespathIdentifier(groupsClaim)} || \`[]\`)`;
  const anyOf = (names: readonly string[]): string => names.map((g) => `contains(${groups}, ${jmespathRawString(g)})`).join(' || ');
  const ladder = (
    [
      ['Admin', roles.admin],
      ['Editor', roles.editor],
      ['Viewer', roles.viewer],
    ] as const
  )
    .filter(([, names]) => names.length > 0)
    .map(([role, names]) => `(${anyOf(names)}) && ${jmespathRawString(role)}`)
    .join(' || ');
  if (ladder === '') return 'false';
  return allowed.length > 0 ? `(${anyOf(allowed)}) && (${ladder})` : ladder;
}

/**
 * One GF_ setting: text (checked by grafanaSetting when written), or text around the Cognito app
 * client's ID, which the server has in a shell variable (one CloudFormation value in the user
 * data, however often it is used).
 */
export type GrafanaEnvSetting = readonly [name: string, value: string | { readonly aroundClientId: readonly [before: string, after: string] }];

/**
 * The auth.generic_oauth settings of an SSO sign-in, without the endpoints when the server
 * discovers them at boot (oidc without authUrl/tokenUrl/userInfoUrl). The login form is switched
 * by the run script (break-glass), not here.
 */
export function grafanaSsoSettings(spec: NormalizedSpec): GrafanaEnvSetting[] {
  const signIn = spec.monitoring.grafana.signIn;
  if (signIn.method === 'password') return [];
  const common: GrafanaEnvSetting[] = [
    ['GF_SERVER_ROOT_URL', `${spec.monitoring.grafana.rootUrl}/`],
    ['GF_AUTH_GENERIC_OAUTH_ENABLED', 'true'],
    ['GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET__FILE', `/run/secrets/dex/${GRAFANA_OAUTH_SECRET_FILE}`],
    ['GF_AUTH_GENERIC_OAUTH_USE_PKCE', 'true'],
    // Users are created at their first sign-in; who may sign in is the role expression's (strict).
    ['GF_AUTH_GENERIC_OAUTH_ALLOW_SIGN_UP', 'true'],
    ['GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_STRICT', 'true'],
    ['GF_AUTH_GENERIC_OAUTH_ALLOW_ASSIGN_GRAFANA_ADMIN', 'false'],
    ['GF_AUTH_GENERIC_OAUTH_TLS_SKIP_VERIFY_INSECURE', 'false'],
    ['GF_AUTH_GENERIC_OAUTH_EMAIL_ATTRIBUTE_PATH', 'email'],
  ];
  if (signIn.method === 'cognito') {
    const domain = `https://${cognitoDomain(spec, signIn.domainPrefix)}`;
    return [
      ...common,
      ['GF_AUTH_GENERIC_OAUTH_NAME', 'Amazon Cognito'],
      ['GF_AUTH_GENERIC_OAUTH_CLIENT_ID', { aroundClientId: ['', ''] }],
      ['GF_AUTH_GENERIC_OAUTH_SCOPES', 'openid email profile'],
      ['GF_AUTH_GENERIC_OAUTH_AUTH_URL', `${domain}/oauth2/authorize`],
      ['GF_AUTH_GENERIC_OAUTH_TOKEN_URL', `${domain}/oauth2/token`],
      ['GF_AUTH_GENERIC_OAUTH_API_URL', `${domain}/oauth2/userInfo`],
      ['GF_AUTH_GENERIC_OAUTH_GROUPS_ATTRIBUTE_PATH', jmespathIdentifier(COGNITO_GROUPS_CLAIM)],
      ['GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH', grafanaRoleExpression(COGNITO_GROUPS_CLAIM, COGNITO_ROLE_GROUPS)],
      // Signing out of Grafana ends the Cognito session too, and comes back to Grafana's login page.
      ['GF_AUTH_SIGNOUT_REDIRECT_URL', { aroundClientId: [`${domain}/logout?client_id=`, `&logout_uri=${encodeURIComponent(`${spec.monitoring.grafana.rootUrl}/login`)}`] }],
    ];
  }
  const out: GrafanaEnvSetting[] = [
    ...common,
    ['GF_AUTH_GENERIC_OAUTH_NAME', signIn.name],
    ['GF_AUTH_GENERIC_OAUTH_CLIENT_ID', signIn.clientId ?? ''],
    ['GF_AUTH_GENERIC_OAUTH_SCOPES', signIn.scopes.join(' ')],
  ];
  if (signIn.endpoints) {
    out.push(['GF_AUTH_GENERIC_OAUTH_AUTH_URL', signIn.endpoints.authUrl], ['GF_AUTH_GENERIC_OAUTH_TOKEN_URL', signIn.endpoints.tokenUrl], ['GF_AUTH_GENERIC_OAUTH_API_URL', signIn.endpoints.userInfoUrl]);
  }
  out.push(['GF_AUTH_GENERIC_OAUTH_GROUPS_ATTRIBUTE_PATH', jmespathIdentifier(signIn.groupsClaim)]);
  if (signIn.allowedDomains.length > 0) out.push(['GF_AUTH_GENERIC_OAUTH_ALLOWED_DOMAINS', signIn.allowedDomains.join(' ')]);
  out.push(['GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH', grafanaRoleExpression(signIn.groupsClaim, signIn.roles, signIn.allowedGroups)]);
  return out;
}

