// Secret rules: credentials never sit in dex.yaml in plain text (it is committed, reviewed and
// printed in plans); they go to Secrets Manager, named under `secrets:`.
import type { Finding, SpecPath } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

/** Recognisable credential formats, found anywhere in a value. */
const PATTERNS: readonly { readonly what: string; readonly re: RegExp }[] = [
  { what: 'an AWS access key ID', re: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/ },
  { what: 'a private key', re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
  { what: 'a URL with a password in it', re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:(?!\$\{|\$[A-Z_])[^\s/@]+@/i },
  { what: 'a GitHub token', re: /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})/ },
  { what: 'a Slack token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { what: 'a Stripe live key', re: /\b(sk|rk)_live_[A-Za-z0-9]{10,}/ },
  { what: 'a JSON Web Token', re: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/ },
];

/** Key names that say the value is a secret. */
const SECRET_KEY_WORDS = ['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'API_KEY', 'APIKEY', 'PRIVATE_KEY', 'CREDENTIAL'];

/** Keys that name where a secret is, not the secret itself (MY_SECRET_ARN, DB_PASSWORD_FILE). */
const REFERENCE_SUFFIXES = ['_ARN', '_FILE', '_PATH', '_NAME'];

/** Values that cannot be a credential: numbers, durations, booleans, ARNs, references. */
const HARMLESS_VALUE = /^(\d+(\.\d+)?[smhd]?|true|false|yes|no|on|off|arn:aws[a-z-]*:.*|\$\{[^}]*\})$/i;

/** What kind of secret a key and value hold, or undefined when it looks harmless. */
export function detectSecret(key: string, value: string): string | undefined {
  for (const { what, re } of PATTERNS) if (re.test(value)) return what;
  const name = key.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  if (/SECRET|ACCESS_KEY|_KEY$/.test(name) && /^[A-Za-z0-9/+=]{40}$/.test(value) && /[a-z]/.test(value) && /[A-Z0-9/+]/.test(value)) return 'an AWS secret access key';
  const trimmed = value.trim();
  if (trimmed === '' || HARMLESS_VALUE.test(trimmed) || REFERENCE_SUFFIXES.some((s) => name.endsWith(s))) return undefined;
  const word = SECRET_KEY_WORDS.find((w) => name.includes(w));
  return word ? `a value for ${key}, whose name says it is a secret` : undefined;
}

/** At most four leading characters, so the message never carries the secret. */
export function redact(value: string): string {
  return value.length <= 4 ? '…' : `${value.slice(0, 4)}…`;
}

const secretName = (key: string): string => key.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^[^A-Z]+/, '') || 'MY_SECRET';

export const plaintextSecretsRule: SemanticRule = {
  id: 'plaintext-secrets',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const report = (path: SpecPath, where: string, key: string, value: string, fix: string): void => {
      const what = detectSecret(key, value);
      if (!what) return;
      findings.push({ code: 'DEX500', message: `${where} holds ${what} in plain text ("${redact(value)}")`, path, hint: fix, secret: true });
    };
    for (const s of Object.values(spec.services)) {
      for (const [key, value] of Object.entries(s.env)) {
        report(
          ['services', s.name, 'env', key],
          `${s.name}: env ${key}`,
          key,
          value,
          `move it to secrets: [${secretName(key)}] and set its value in AWS Secrets Manager; rotate it, since it has been in the file`,
        );
      }
      (s.command ?? []).forEach((arg, i) => {
        for (const { what, re } of PATTERNS) {
          if (!re.test(arg)) continue;
          findings.push({
            code: 'DEX500',
            secret: true,
            message: `${s.name}: command argument ${i + 1} holds ${what} in plain text ("${redact(arg)}")`,
            path: ['services', s.name, 'command', i],
            hint: 'read it from an environment variable declared in secrets: and set its value in AWS Secrets Manager',
          });
          break;
        }
      });
    }
    const commands: [SpecPath, string | undefined][] = [
      [['cicd', 'build', 'install'], spec.cicd?.build.install],
      [['cicd', 'build', 'test'], spec.cicd?.build.test],
      ...(spec.cicd?.stages ?? []).map((st): [SpecPath, string | undefined] => [['cicd', 'stages', st.name, 'verify'], st.verify]),
    ];
    for (const [path, text] of commands) {
      const hit = text === undefined ? undefined : PATTERNS.find(({ re }) => re.test(text));
      if (!hit || text === undefined) continue;
      findings.push({
        code: 'DEX500',
        secret: true,
        message: `${path.join('.')} holds ${hit.what} in plain text ("${redact(text)}")`,
        path,
        hint: 'read it from a CI secret (GitHub Actions secrets, or Secrets Manager for CodePipeline) instead',
      });
    }
    for (const [key, value] of Object.entries(spec.tags)) {
      report(['tags', key], `tag ${key}`, key, value, 'remove it: tags are visible to anyone who can list the resources');
    }
    return findings;
  },
};

export const secretEnvCollisionRule: SemanticRule = {
  id: 'secret-env-collision',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      s.secrets.forEach((name, i) => {
        if (!Object.hasOwn(s.env, name)) return;
        findings.push({
          code: 'DEX501',
          message: `${s.name}: ${name} is both a secret and a plain env variable; the container would get one of them and hide the other`,
          path: ['services', s.name, 'secrets', s.secretsPositions?.[i] ?? i],
          hint: `remove ${name} from env (the secret's value comes from Secrets Manager), or rename one of them`,
        });
      });
    }
    return findings;
  },
};
