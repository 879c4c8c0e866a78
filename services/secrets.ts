// Secrets Manager secrets, all encrypted with the system's KMS key: a placeholder per secret a
// service declares (dex never holds the value: it is set outside dex, and the service reads it
// at start), a generated AUTH token per cache (the password of its switched-off default user
// where the cache has users), and on caches with password users (Redis OSS 6) a generated
// password per service that uses the cache, which only that service reads. They live in the
// security layer so that every later layer (data, compute, IAM policies) can name them by logical ID. A database's master
// secret is not here: RDS creates and rotates it (services/rds.ts), and services connect with
// IAM database authentication instead.
import { ID, getAtt, namePrefix, ref, resource, sub, tagList } from '../compiler/model/ids.js';
import { jsonString } from '../compiler/model/quote.js';
import type { BuildingBlock, CfnValue, ModelResource, UsageMeter } from '../compiler/model/types.js';
import type { ExistingSecret, NormalizedService, NormalizedSharedSecret, NormalizedSpec } from '../spec/model.js';
import { CACHE_AUTH_SECRET_KEY, CACHE_USER_SECRET_PASSWORD_KEY, CACHE_USER_SECRET_USERNAME_KEY, cacheSignIn, cacheUserId } from './elasticache.js';
import { cacheUserSecretRotation, grafanaSecretRotation, sharedSecretRotation } from './secret-rotation.js';
import { BROKER_ID, BROKER_SECRET_KEYS, BROKER_USERNAME, brokerSecretName, brokerUsers } from '../compiler/model/brokers.js';

/** Grafana's admin login; its password is the `password` key of ID.grafanaAdminSecret. */
export const GRAFANA_ADMIN_USER = 'admin';
export const GRAFANA_SECRET_PASSWORD_KEY = 'password';

/** Length of a generated cache user password (ElastiCache accepts 16 to 128). */
export const CACHE_USER_PASSWORD_LENGTH = 64;

/** The Secrets Manager name of the Grafana admin secret (the Grafana server reads it by name: no import of its ARN). */
export const grafanaAdminSecretName = (spec: NormalizedSpec): string => `${namePrefix(spec)}/monitoring/grafana/admin`;

/** The Secrets Manager name of the OIDC client secret placeholder (the Grafana server reads it by name). */
export const grafanaOidcSecretName = (spec: NormalizedSpec): string => `${namePrefix(spec)}/monitoring/grafana/oidc-client-secret`;

const secretMeter = (what: string): UsageMeter => ({ meter: 'secretsmanager.secret', unit: 'count-month', quantity: { min: 1, max: 1 }, attributes: {}, basis: `one secret (${what})` });

/**
 * One secret the environment's model creates, and who is responsible for its value. `placeholder`
 * secrets are created empty: a person (or their secret pipeline) sets them with `dex secrets set`
 * or the AWS CLI, and the release stops at `check-secrets` until they have a value. `generated`
 * ones get their value from Secrets Manager when the security stack is created.
 */
export interface SecretEntry {
  readonly logicalId: string;
  /** The Secrets Manager name (`<system>-<env>/<service>/<NAME>`, …/cache/<cache>/auth-token). */
  readonly name: string;
  /** `external`: an existing secret of the spec's `secrets:` that dex does not create (externalSecrets; never in the catalogue). */
  readonly value: 'placeholder' | 'generated' | 'external';
  /** A service's placeholder, a top-level (shared) secret, a cache's AUTH token or a service's password on a cache, a broker's credentials, or the Grafana admin password. */
  readonly kind: 'service' | 'shared' | 'cache' | 'broker' | 'monitoring';
  /** The service or cache it belongs to ('grafana' for the Grafana admin password). */
  readonly owner: string;
  /** A cache's password user: the service whose password it is (the cache is the owner). */
  readonly cacheUser?: string;
  /** What the secret is, in a few words. */
  readonly what: string;
  /** The spec's name of a placeholder (`KYC_PROVIDER_API_KEY`) and the service that declares it. */
  readonly declared?: { readonly service: string; readonly secret: string };
  /** Services that read it (sorted), besides the database or cache a generated secret belongs to. */
  readonly readers: readonly string[];
  readonly origin: readonly (string | number)[];
  readonly component: string;
  /** A top-level secret: its name under `secrets:`, its JSON keys (empty: one string), and where an existing one is. */
  readonly shared?: { readonly secret: string; readonly keys: readonly string[]; readonly existing?: ExistingSecret };
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Every secret of the environment, sorted by logical ID (the order of the model). */
export function secretCatalogue(spec: NormalizedSpec): SecretEntry[] {
  const prefix = namePrefix(spec);
  const services = Object.values(spec.services);
  const users = (name: string) => services.filter((s) => s.uses.includes(name)).map((s) => s.name).sort(byName);
  const out: SecretEntry[] = [];
  for (const s of services) {
    for (const name of [...new Set(s.secrets)].sort()) {
      out.push({ logicalId: ID.serviceSecret(s.name, name), name: `${prefix}/${s.name}/${name}`, value: 'placeholder', kind: 'service', owner: s.name, what: `${name} of ${s.name}`, declared: { service: s.name, secret: name }, readers: [s.name], origin: ['services', s.name, 'secrets'], component: `service/${s.name}` });
    }
  }
  for (const c of Object.values(spec.caches)) {
    // With users (IAM or password) the secret is only the password of the switched-off default user: no service reads it.
    const signIn = cacheSignIn(c);
    const token = signIn === 'token';
    out.push({ logicalId: ID.cacheAuthSecret(c.name), name: `${prefix}/cache/${c.name}/auth-token`, value: 'generated', kind: 'cache', owner: c.name, what: token ? `AUTH token of the ${c.name} cache` : `password of the disabled default user of the ${c.name} cache`, readers: token ? users(c.name) : [], origin: ['caches', c.name], component: `cache/${c.name}` });
    if (signIn !== 'password') continue;
    for (const service of users(c.name)) {
      out.push({ logicalId: ID.cacheUserSecret(c.name, service), name: `${prefix}/cache/${c.name}/users/${service}`, value: 'generated', kind: 'cache', owner: c.name, cacheUser: service, what: `password of ${service}'s user on the ${c.name} cache`, readers: [service], origin: ['caches', c.name, 'users', service], component: `cache/${c.name}` });
    }
  }
  for (const x of Object.values(spec.secrets ?? {})) {
    if (x.existing) continue;
    out.push({ logicalId: ID.sharedSecret(x.name), name: sharedSecretName(spec, x.name), value: 'placeholder', kind: 'shared', owner: x.name, what: x.description ?? `shared secret ${x.name}`, readers: sharedSecretReaders(spec, x.name), origin: ['secrets', x.name], component: `secret/${x.name}`, shared: { secret: x.name, keys: x.keys } });
  }
  for (const b of Object.values(spec.brokers ?? {})) {
    out.push({ logicalId: BROKER_ID.secret(b.name), name: brokerSecretName(spec, b.name), value: 'generated', kind: 'broker', owner: b.name, what: `user name and password of the ${b.name} broker`, readers: brokerUsers(spec, b.name).map((s) => s.name), origin: ['brokers', b.name], component: `broker/${b.name}` });
  }
  if (spec.monitoring.grafana.enabled && spec.monitoring.grafana.signIn.method === 'oidc') {
    // Like a service's placeholder: dex creates it empty, a person sets the value, the release
    // stops at check-secrets until then.
    out.push({ logicalId: ID.grafanaOidcSecret, name: grafanaOidcSecretName(spec), value: 'placeholder', kind: 'monitoring', owner: 'grafana-oidc', what: 'client secret of the OIDC application Grafana signs in with', readers: [], origin: ['monitoring', 'grafana', 'signIn', 'oidc'], component: 'monitoring/grafana' });
  }
  if (spec.monitoring.grafana.enabled) {
    out.push({ logicalId: ID.grafanaAdminSecret, name: grafanaAdminSecretName(spec), value: 'generated', kind: 'monitoring', owner: 'grafana', what: 'password of the Grafana admin user', readers: [], origin: ['monitoring', 'grafana'], component: 'monitoring/grafana' });
  }
  return out.sort((a, b) => byName(a.logicalId, b.logicalId));
}

/** The Secrets Manager name of a top-level secret dex creates: one per environment, whoever reads it. */
export const sharedSecretName = (spec: NormalizedSpec, name: string): string => `${namePrefix(spec)}/secrets/${name}`;

/** The services that refer to a top-level secret, sorted. */
export function sharedSecretReaders(spec: NormalizedSpec, name: string): string[] {
  return Object.values(spec.services)
    .filter((s) => (s.secretRefs ?? []).some((r) => r.secret === name))
    .map((s) => s.name)
    .sort(byName);
}

/** The existing secrets of `secrets:`: dex creates none of them, only grants read on each (sorted by name). */
export function externalSecrets(spec: NormalizedSpec): SecretEntry[] {
  return Object.values(spec.secrets ?? {})
    .filter((x): x is NormalizedSharedSecret & { existing: ExistingSecret } => x.existing !== undefined)
    .sort((a, b) => byName(a.name, b.name))
    .map((x) => ({
      logicalId: '',
      name: x.existing.id,
      value: 'external' as const,
      kind: 'shared' as const,
      owner: x.name,
      what: x.description ?? `existing ${x.existing.store === 'ssm' ? 'SSM parameter' : 'secret'} ${x.name}`,
      readers: sharedSecretReaders(spec, x.name),
      origin: ['secrets', x.name, 'existing'],
      component: `secret/${x.name}`,
      shared: { secret: x.name, keys: x.keys, existing: x.existing },
    }));
}

/**
 * How consumers name a top-level secret: the Ref (ARN) of dex's own, an existing Secrets Manager
 * secret's ARN (a partial ARN, without the random suffix, for one given by name: ECS's `valueFrom`
 * with a JSON key needs an ARN, and Secrets Manager resolves a partial one), or an SSM parameter's
 * ARN. Names and paths are schema-limited to characters Fn::Sub reads literally.
 */
export function sharedSecretSource(x: NormalizedSharedSecret): CfnValue {
  const e = x.existing;
  if (!e) return ref(ID.sharedSecret(x.name));
  if (e.by === 'arn') return e.id;
  if (e.store === 'ssm') return sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${e.id.startsWith('/') ? '' : '/'}${e.id}`);
  return sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${e.id}`);
}

/** The IAM resource of a top-level secret: exactly it (an existing secret by name: its name and the six-character random suffix). */
export function sharedSecretIamResource(x: NormalizedSharedSecret): CfnValue {
  const e = x.existing;
  if (!e || e.by === 'arn' || e.store === 'ssm') return sharedSecretSource(x);
  return sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${e.id}-??????`);
}

/** What the Secrets Store CSI driver's AWS provider looks up: dex's name, or the existing secret's name, ARN or parameter. */
export function sharedSecretObject(spec: NormalizedSpec, x: NormalizedSharedSecret): { objectName: string; objectType: 'secretsmanager' | 'ssmparameter' } {
  const e = x.existing;
  if (!e) return { objectName: sharedSecretName(spec, x.name), objectType: 'secretsmanager' };
  return { objectName: e.id, objectType: e.store === 'ssm' ? 'ssmparameter' : 'secretsmanager' };
}

/** A service's references to top-level secrets that resolve (the checks report the rest), in variable order. */
export function sharedSecretReads(spec: NormalizedSpec, s: NormalizedService): { readonly env: string; readonly secret: NormalizedSharedSecret; readonly key: string | undefined }[] {
  return (s.secretRefs ?? [])
    .flatMap((r) => {
      const x = spec.secrets?.[r.secret];
      return x ? [{ env: r.env, secret: x, key: r.key }] : [];
    })
    .sort((a, b) => byName(a.env, b.env));
}

/** The secrets somebody must set before the stacks that read them deploy. */
export function placeholderSecrets(spec: NormalizedSpec): SecretEntry[] {
  return secretCatalogue(spec).filter((e) => e.value === 'placeholder');
}

/**
 * How `dex secrets set` and the release's messages name a secret: a placeholder by its spec name
 * when one service declares it, `<service>/<NAME>` when several do; a generated one as
 * `cache/<name>` (`cache/<name>/<service>` for a service's password on a cache).
 */
export function secretHandle(entry: SecretEntry, all: readonly SecretEntry[]): string {
  if (entry.shared) return entry.shared.secret;
  if (entry.cacheUser !== undefined) return `${entry.kind}/${entry.owner}/${entry.cacheUser}`;
  if (!entry.declared) return `${entry.kind}/${entry.owner}`;
  const { service, secret } = entry.declared;
  return all.filter((e) => e.declared?.secret === secret).length > 1 ? `${service}/${secret}` : secret;
}

function buildSecrets(spec: NormalizedSpec): ModelResource[] {
  const kmsKey = getAtt(ID.kmsKey, 'Arn');
  // The catalogue is the one list of names: the model, `dex secrets` and the release's check read it.
  const out: ModelResource[] = secretCatalogue(spec).map((e) => {
    const common = { logicalId: e.logicalId, type: 'AWS::SecretsManager::Secret', layer: 'security' as const, component: e.component, origin: e.origin };
    if (e.declared) {
      const { service, secret } = e.declared;
      return resource({
        ...common,
        properties: {
          Name: e.name,
          Description: `${secret} for ${service}. Placeholder: dex creates it empty; set the value outside dex (dex secrets set, console or your secret pipeline), never in dex.yaml.`,
          KmsKeyId: kmsKey,
          Tags: tagList(spec, e.component),
        },
        usage: [secretMeter(`${service} ${secret}`)],
      });
    }
    if (e.shared) {
      const x = spec.secrets![e.shared.secret]!;
      return resource({
        ...common,
        properties: {
          Name: e.name,
          Description: `${x.description ?? `Shared secret ${x.name}`}. Placeholder: dex creates it empty; set the value outside dex (dex secrets set, console or your secret pipeline), never in dex.yaml.${x.keys.length ? ` A JSON object with the keys ${x.keys.join(', ')}.` : ''}`,
          KmsKeyId: kmsKey,
          Tags: tagList(spec, e.component),
        },
        // One secret-month however many services read it.
        usage: [secretMeter(`shared ${x.name}`)],
      });
    }
    const owner = e.owner;
    if (e.cacheUser !== undefined) {
      const cache = spec.caches[owner]!;
      return resource({
        ...common,
        properties: {
          Name: e.name,
          Description: `Password of ${e.cacheUser}'s ElastiCache user on the ${owner} cache, generated by Secrets Manager at deploy time and rotated every 30 days; only ${e.cacheUser} reads it.`,
          KmsKeyId: kmsKey,
          // ElastiCache takes 16 to 128 printable characters, without a few punctuation marks
          // (@ " / among them): letters and digits only, 64 of them, each kind at least once.
          // The user name rides along so the rotation function knows which user to change.
          GenerateSecretString: {
            SecretStringTemplate: `{${jsonString(CACHE_USER_SECRET_USERNAME_KEY)}:${jsonString(cacheUserId(spec, cache, e.cacheUser))}}`,
            GenerateStringKey: CACHE_USER_SECRET_PASSWORD_KEY,
            PasswordLength: CACHE_USER_PASSWORD_LENGTH,
            ExcludePunctuation: true,
            IncludeSpace: false,
            RequireEachIncludedType: true,
          },
          Tags: tagList(spec, e.component),
        },
        usage: [secretMeter(`${e.cacheUser}'s password on the ${owner} cache`)],
      });
    }
    if (e.value === 'placeholder') {
      return resource({
        ...common,
        properties: {
          Name: e.name,
          Description: `Client secret of the OIDC application Grafana signs in with. Placeholder: dex creates it empty; set the value outside dex (dex secrets set <spec> --env <env> monitoring/grafana-oidc), never in dex.yaml. The Grafana server reads it at boot.`,
          KmsKeyId: kmsKey,
          Tags: tagList(spec, e.component),
        },
        usage: [secretMeter('Grafana OIDC client secret')],
      });
    }
    if (e.kind === 'broker') {
      return resource({
        ...common,
        properties: {
          Name: e.name,
          Description: `User name and password of the ${owner} broker's one user, generated by Secrets Manager at deploy time; the broker takes the password as a dynamic reference and the services that use it read both.`,
          KmsKeyId: kmsKey,
          // Amazon MQ takes 12 or more characters without , : = (and at least 4 distinct ones):
          // letters and digits only, 32 of them, each kind at least once.
          GenerateSecretString: {
            SecretStringTemplate: `{${jsonString(BROKER_SECRET_KEYS.username)}:${jsonString(BROKER_USERNAME)}}`,
            GenerateStringKey: BROKER_SECRET_KEYS.password,
            PasswordLength: 32,
            ExcludePunctuation: true,
            IncludeSpace: false,
            RequireEachIncludedType: true,
          },
          Tags: tagList(spec, e.component),
        },
        usage: [secretMeter(`${owner} broker credentials`)],
      });
    }
    if (e.kind === 'monitoring') {
      return resource({
        ...common,
        properties: {
          Name: e.name,
          Description: `Password of the Grafana admin user (${GRAFANA_ADMIN_USER}), generated by Secrets Manager at deploy time and rotated every 30 days; the Grafana server reads it at boot and applies each new version within 5 minutes.`,
          KmsKeyId: kmsKey,
          // Letters and digits only: no character that an ini file, a shell or Grafana's $__ expansion would read.
          GenerateSecretString: {
            SecretStringTemplate: JSON.stringify({ username: GRAFANA_ADMIN_USER }),
            GenerateStringKey: GRAFANA_SECRET_PASSWORD_KEY,
            PasswordLength: 32,
            ExcludePunctuation: true,
            IncludeSpace: false,
            RequireEachIncludedType: true,
          },
          Tags: tagList(spec, e.component),
        },
        usage: [secretMeter('Grafana admin password')],
      });
    }
    return resource({
      ...common,
      properties: {
        Name: e.name,
        Description: {
          iam: `Password of the disabled default user of the ${owner} cache (services sign in with IAM), generated by Secrets Manager at deploy time.`,
          password: `Password of the disabled default user of the ${owner} cache (services sign in as their own password users), generated by Secrets Manager at deploy time.`,
          token: `AUTH token of the ${owner} cache, generated by Secrets Manager at deploy time.`,
        }[cacheSignIn(spec.caches[owner]!)],
        KmsKeyId: kmsKey,
        // ElastiCache accepts 16 to 128 printable characters but only a few punctuation marks:
        // letters and digits only, 64 of them.
        GenerateSecretString: {
          SecretStringTemplate: '{}',
          GenerateStringKey: CACHE_AUTH_SECRET_KEY,
          PasswordLength: 64,
          ExcludePunctuation: true,
          IncludeSpace: false,
        },
        Tags: tagList(spec, e.component),
      },
      usage: [secretMeter(`${owner} AUTH token`)],
    });
  });

  // API calls are a usage assumption for the whole system: priced once, on the first secret.
  const first = out[0];
  if (first) {
    const calls = spec.usage.secretsApiCallsPerMonth;
    const api: UsageMeter =
      calls === undefined
        ? { meter: 'secretsmanager.api', unit: 'requests', quantity: { min: 0, max: 0 }, attributes: {}, basis: 'usage.secretsApiCallsPerMonth not set' }
        : { meter: 'secretsmanager.api', unit: 'requests', quantity: { min: calls, max: calls }, attributes: {}, basis: `usage.secretsApiCallsPerMonth ${calls} API calls a month, for all secrets` };
    out[0] = { ...first, usage: [...first.usage, api] };
  }
  // The Grafana admin password and the cache users' passwords are rotated
  // (services/secret-rotation.ts); a cache's AUTH token is not: ElastiCache would need the new
  // token applied with a rotate strategy first (and with users it is the password of a
  // switched-off user).
  return [...out, ...grafanaSecretRotation(spec), ...cacheUserSecretRotation(spec), ...sharedSecretRotation(spec)];
}

export const secrets: BuildingBlock = {
  name: 'secrets',
  build: buildSecrets,
};

