// Grafana's sign-in (monitoring.grafana.signIn): what the schema cannot say about an OIDC provider
// or a Cognito user pool. A provider Grafana cannot use is an error at validate time, located at
// the setting, rather than a server that boots and refuses everyone.
import type { Finding, SpecPath } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

const SIGN_IN: SpecPath = ['monitoring', 'grafana', 'signIn'];
const OIDC: SpecPath = [...SIGN_IN, 'oidc'];

/** Cognito refuses domain prefixes with these words (reserved for AWS). */
const COGNITO_RESERVED_WORDS = ['aws', 'amazon', 'cognito'];

const parsed = (url: string): URL | undefined => {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
};

/** Whether a browser treats the address as a secure context without TLS (the Session Manager tunnel). */
const isLoopback = (host: string): boolean => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

export const grafanaSignInRule: SemanticRule = {
  id: 'grafana-sign-in',
  check(spec: NormalizedSpec): Finding[] {
    const grafana = spec.monitoring.grafana;
    const signIn = grafana.signIn;
    const out: Finding[] = [];
    for (const block of signIn.ignored) {
      out.push({
        code: 'DEX368',
        message: `monitoring.grafana.signIn.${block} is set, but signIn.method is ${signIn.method}: its settings are not used`,
        path: [...SIGN_IN, block],
        atKey: true,
        hint: `set monitoring.grafana.signIn.method: ${block}, or remove the block`,
      });
    }
    if (!grafana.enabled || signIn.method === 'password') return out;

    const root = parsed(grafana.rootUrl);
    if (root === undefined || !(root.protocol === 'https:' || (root.protocol === 'http:' && isLoopback(root.hostname)))) {
      out.push({
        code: 'DEX363',
        message: `monitoring.grafana.rootUrl ${grafana.rootUrl} is not an https address: the sign-in callback would carry the authorization code in clear, and Grafana's session cookies are Secure`,
        path: ['monitoring', 'grafana', 'rootUrl'],
        hint: 'use the https address of your proxy in front of Grafana, or leave rootUrl out (http://localhost:3000, the Session Manager tunnel)',
      });
    }
    if (spec.network.natGateways === 'none') {
      out.push({
        code: 'DEX367',
        message: `Grafana signs in with ${signIn.method === 'cognito' ? 'Amazon Cognito' : 'an OIDC provider'}, but network.natGateways is none: the Grafana server in the private subnets cannot reach the provider's token endpoint`,
        path: [...SIGN_IN, 'method'],
        hint: 'set network.natGateways to single or perAz, or sign in with the password (signIn.method: password)',
      });
    }

    if (signIn.method === 'cognito') {
      const prefix = signIn.domainPrefix;
      const word = COGNITO_RESERVED_WORDS.find((w) => prefix.includes(w));
      if (word !== undefined || prefix.length > 63 || !/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(prefix)) {
        out.push({
          code: 'DEX366',
          message: `the Cognito domain prefix "${prefix}" is not allowed: ${word !== undefined ? `Cognito refuses prefixes containing "${word}"` : 'a prefix is 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen'}`,
          path: signIn.domainPrefixGiven ? [...SIGN_IN, 'cognito', 'domainPrefix'] : [...SIGN_IN, 'method'],
          hint: signIn.domainPrefixGiven ? 'choose another prefix (it must also be unused in the region)' : 'the default is <system>-<env>-grafana: set monitoring.grafana.signIn.cognito.domainPrefix (it must also be unused in the region)',
        });
      }
      return out;
    }

    if (signIn.clientId === undefined) {
      out.push({
        code: 'DEX362',
        message: 'monitoring.grafana.signIn.method is oidc, but signIn.oidc.clientId is missing: Grafana cannot ask the provider for a sign-in',
        path: OIDC,
        atKey: true,
        hint: 'register Grafana as a web application with your provider (callback <rootUrl>/login/generic_oauth) and set signIn.oidc.clientId; its client secret goes to Secrets Manager (dex secrets set … monitoring/grafana-oidc)',
      });
    }
    if (signIn.issuer === undefined) {
      out.push({
        code: 'DEX364',
        message: "monitoring.grafana.signIn.oidc.issuer is missing: dex needs the provider's issuer URL",
        path: OIDC,
        atKey: true,
        hint: 'set signIn.oidc.issuer (e.g. https://example.okta.com/oauth2/default)',
      });
    }
    const urls: [string, string | undefined][] = [
      ['issuer', signIn.issuer],
      ['authUrl', signIn.endpoints?.authUrl],
      ['tokenUrl', signIn.endpoints?.tokenUrl],
      ['userInfoUrl', signIn.endpoints?.userInfoUrl],
    ];
    for (const [key, url] of urls) {
      if (url === undefined) continue;
      const u = parsed(url);
      if (u === undefined || u.protocol !== 'https:' || u.username !== '' || u.password !== '') {
        out.push({
          code: 'DEX363',
          message: `monitoring.grafana.signIn.oidc.${key} ${url} is not an https URL${u !== undefined && (u.username || u.password) ? ' without credentials' : ''}: Grafana would send the authorization code and the client secret over it`,
          path: [...OIDC, key],
          hint: 'use the https URL from your provider (its discovery document lists them)',
        });
      }
    }
    return [...out, ...incompleteEndpoints(spec), ...roleFindings(spec)];
  },
};

/** authUrl, tokenUrl and userInfoUrl: all three or none (discovery at boot). */
function incompleteEndpoints(spec: NormalizedSpec): Finding[] {
  const signIn = spec.monitoring.grafana.signIn;
  if (signIn.method !== 'oidc' || signIn.endpoints !== undefined || signIn.givenEndpoints.length === 0) return [];
  const missing = (['authUrl', 'tokenUrl', 'userInfoUrl'] as const).filter((k) => !signIn.givenEndpoints.includes(k));
  return [
    {
      code: 'DEX364',
      message: `monitoring.grafana.signIn.oidc gives ${signIn.givenEndpoints.join(' and ')} but not ${missing.join(' or ')}: give all three endpoints, or none and the Grafana server reads them from the issuer's discovery document`,
      path: [...OIDC, signIn.givenEndpoints[0]!],
      atKey: true,
      hint: `add ${missing.join(' and ')}, or remove ${signIn.givenEndpoints.join(' and ')}`,
    },
  ];
}

function roleFindings(spec: NormalizedSpec): Finding[] {
  const signIn = spec.monitoring.grafana.signIn;
  if (signIn.method !== 'oidc') return [];
  const { admin, editor, viewer } = signIn.roles;
  if (admin.length + editor.length + viewer.length > 0) return [];
  return [
    {
      code: 'DEX365',
      message: 'monitoring.grafana.signIn.oidc.roles names no group: every user would be refused (a user needs a Grafana role, and dex gives none by default)',
      path: OIDC,
      atKey: true,
      hint: 'add roles.admin, roles.editor or roles.viewer with the names of your provider\'s groups (as they appear in the groupsClaim of the ID token)',
    },
  ];
}
