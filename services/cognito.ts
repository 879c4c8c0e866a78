// Amazon Cognito for Grafana's sign-in (monitoring.grafana.signIn.method: cognito): a user pool of
// the environment's own, in the security layer so the Grafana server's role can name it. Only an
// administrator creates users (no sign-up), every user has an authenticator app (MFA required, no
// SMS: no SNS spend and no SIM-swap exposure), passwords are long and checked against breached
// ones by threat protection (the Plus feature plan, priced per monthly active user). Grafana is a
// confidential app client (authorization code with PKCE, a client secret the server reads from the
// client at boot); one group per Grafana role. docs/monitoring.md#amazon-cognito.
import { ID, namePrefix, ref, resource, tagList } from '../compiler/model/ids.js';
import type { BuildingBlock, ModelResource, UsageMeter } from '../compiler/model/types.js';
import { COGNITO_ROLE_GROUPS, grafanaCallbackUrl } from '../compiler/monitoring/sign-in.js';
import type { NormalizedSpec } from '../spec/model.js';

const COMPONENT = 'monitoring/grafana';
const ORIGIN = ['monitoring', 'grafana', 'signIn', 'cognito'];

/** Cognito's feature plan: threat protection needs Plus; without it Lite has everything else dex uses. */
export const cognitoTier = (threatProtection: 'enforced' | 'audit' | 'off'): 'PLUS' | 'LITE' => (threatProtection === 'off' ? 'LITE' : 'PLUS');

function mauMeter(spec: NormalizedSpec, tier: 'PLUS' | 'LITE'): UsageMeter {
  const users = spec.usage.grafanaUsersPerMonth;
  return {
    meter: 'cognito.mau',
    unit: 'MAU',
    quantity: { min: users ?? 0, max: users ?? 0 },
    attributes: { tier: tier.toLowerCase() },
    basis: users === undefined ? 'usage.grafanaUsersPerMonth not set' : `usage.grafanaUsersPerMonth ${users} people signing in to Grafana a month (monthly active users)`,
  };
}

function cognitoResources(spec: NormalizedSpec): ModelResource[] {
  const signIn = spec.monitoring.grafana.signIn;
  if (!spec.monitoring.grafana.enabled || signIn.method !== 'cognito') return [];
  const tier = cognitoTier(signIn.threatProtection);
  const tags = Object.fromEntries(tagList(spec, COMPONENT).map((t) => [t.Key, t.Value]));
  const common = { layer: 'security' as const, origin: ORIGIN, component: COMPONENT };
  const rootUrl = spec.monitoring.grafana.rootUrl;
  const out: ModelResource[] = [
    resource({
      ...common,
      logicalId: ID.grafanaUserPool,
      type: 'AWS::Cognito::UserPool',
      // The users (and their MFA devices) live only here: a replacement or a deleted stack must not lose them.
      deletionPolicy: 'Retain',
      updateReplacePolicy: 'Retain',
      properties: {
        UserPoolName: `${namePrefix(spec)}-grafana`,
        UserPoolTier: tier,
        DeletionProtection: spec.protect ? 'ACTIVE' : 'INACTIVE',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        AutoVerifiedAttributes: ['email'],
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: {
          PasswordPolicy: {
            MinimumLength: 14,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            TemporaryPasswordValidityDays: 3,
            // Password history is a feature of the Essentials and Plus plans.
            ...(tier === 'PLUS' ? { PasswordHistorySize: 24 } : {}),
          },
        },
        ...(tier === 'PLUS' ? { UserPoolAddOns: { AdvancedSecurityMode: signIn.threatProtection === 'audit' ? 'AUDIT' : 'ENFORCED' } } : {}),
        UserPoolTags: tags,
      },
      usage: [mauMeter(spec, tier)],
    }),
    resource({
      ...common,
      logicalId: ID.grafanaUserPoolDomain,
      type: 'AWS::Cognito::UserPoolDomain',
      properties: { Domain: signIn.domainPrefix, UserPoolId: ref(ID.grafanaUserPool) },
    }),
    resource({
      ...common,
      logicalId: ID.grafanaUserPoolClient,
      type: 'AWS::Cognito::UserPoolClient',
      properties: {
        UserPoolId: ref(ID.grafanaUserPool),
        ClientName: 'grafana',
        GenerateSecret: true,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        SupportedIdentityProviders: ['COGNITO'],
        CallbackURLs: [grafanaCallbackUrl(spec)],
        LogoutURLs: [`${rootUrl}/login`],
        // Sign-in only through the hosted UI (no password API for the client), refresh tokens revocable.
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        AccessTokenValidity: 60,
        IdTokenValidity: 60,
        RefreshTokenValidity: 12,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'hours' },
      },
    }),
  ];
  const roles = [
    ['admin', 'Admin', 1],
    ['editor', 'Editor', 2],
    ['viewer', 'Viewer', 3],
  ] as const;
  for (const [role, grafanaRole, precedence] of roles) {
    out.push(
      resource({
        ...common,
        logicalId: ID.grafanaUserPoolGroup(role),
        type: 'AWS::Cognito::UserPoolGroup',
        properties: {
          UserPoolId: ref(ID.grafanaUserPool),
          GroupName: COGNITO_ROLE_GROUPS[role][0]!,
          Description: `Grafana ${grafanaRole} of ${namePrefix(spec)}`,
          Precedence: precedence,
        },
      }),
    );
  }
  return out;
}

export const cognito: BuildingBlock = {
  name: 'cognito',
  build: cognitoResources,
};

