// Top-level secrets (`secrets:`) and the services' references to them (`secrets: [{ secret, key,
// env }]`): every reference names a declared secret and one of its keys, no service gets the same
// variable twice, an existing secret says where it is exactly once and is in the system's account
// and region (the services read it there), and options that only mean something for a secret dex
// creates are not given to one it does not.
import type { Finding, SpecPath } from '../../spec/diagnostics.js';
import type { NormalizedService, NormalizedSharedSecret, NormalizedSpec } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';
import type { SemanticRule } from './index.js';

const list = (names: readonly string[]): string => names.join(', ');

function referenceFindings(spec: NormalizedSpec, s: NormalizedService): Finding[] {
  const findings: Finding[] = [];
  const declared = spec.secrets ?? {};
  const names = Object.keys(declared).sort();
  for (const r of s.secretRefs ?? []) {
    const at = (...rest: (string | number)[]): SpecPath => ['services', s.name, 'secrets', r.index, ...rest];
    const x = declared[r.secret];
    if (!x) {
      const near = suggest(r.secret, names);
      findings.push({
        code: 'DEX710',
        message: `${s.name}: secret ${r.secret} is not declared under the top-level secrets:`,
        path: at('secret'),
        hint: near ? `did you mean ${near}?` : names.length ? `the declared secrets are ${list(names)}` : `declare it: secrets: { ${r.secret}: { keys: [...] } } at the top level, or write ${s.name}'s own secret as a plain name (secrets: [NAME])`,
      });
      continue;
    }
    if (r.key !== undefined && !x.keys.includes(r.key)) {
      const near = suggest(r.key, x.keys);
      findings.push({
        code: 'DEX711',
        message: `${s.name}: secret ${r.secret} has no key ${r.key}`,
        path: at('key'),
        hint: near ? `did you mean ${near}?` : x.keys.length ? `its keys are ${list(x.keys)}` : x.existing?.store === 'ssm' ? 'an SSM parameter is one string: drop key' : `its value is one string: drop key, or list the key under secrets.${r.secret}.keys`,
      });
    }
    if (r.key === undefined && x.keys.length > 0) {
      findings.push({
        code: 'DEX713',
        message: `${s.name}: secret ${r.secret} is a JSON object (keys ${list(x.keys)}), and this reference names none of them`,
        path: at(),
        hint: `name one: { secret: ${r.secret}, key: ${x.keys[0]} } (one item per key the service reads)`,
      });
    }
  }
  // One variable, one value: a second source of the same name would hide the first.
  const taken = new Map<string, string>();
  for (const k of Object.keys(s.env)) taken.set(k, 'a variable of its env');
  for (const k of s.secrets) if (!taken.has(k)) taken.set(k, 'its own secret of that name');
  for (const r of s.secretRefs ?? []) {
    const other = taken.get(r.env);
    const what = `secret ${r.secret}${r.key !== undefined ? ` key ${r.key}` : ''}`;
    if (other !== undefined) {
      findings.push({
        code: 'DEX712',
        message: `${s.name}: ${r.env} is both ${other} and ${what}; the container would get one of them and hide the other`,
        path: ['services', s.name, 'secrets', r.index, ...(r.envGiven ? ['env'] : [])],
        hint: r.envGiven ? 'give this reference another env name' : `give this reference its own variable: { secret: ${r.secret}${r.key !== undefined ? `, key: ${r.key}` : ''}, env: OTHER_NAME }`,
      });
      continue;
    }
    taken.set(r.env, what);
  }
  return findings;
}

/** Region and account of an ARN (`arn:partition:service:region:account:…`). */
const arnPlace = (arn: string): { region: string; account: string } => {
  const [, , , region = '', account = ''] = arn.split(':');
  return { region, account };
};

function secretFindings(spec: NormalizedSpec, x: NormalizedSharedSecret): Finding[] {
  const findings: Finding[] = [];
  const at = (...rest: (string | number)[]): SpecPath => ['secrets', x.name, ...rest];
  const e = x.existing;
  if (e) {
    if (e.given.length !== 1) {
      findings.push({
        code: 'DEX715',
        message: e.given.length === 0 ? `secret ${x.name}: existing says nowhere where the secret is` : `secret ${x.name}: existing gives ${e.given.join(' and ')}; a secret is in one place`,
        path: at('existing'),
        hint: 'give exactly one of name (Secrets Manager), arn (Secrets Manager, with its suffix) or ssmParameter (an SSM SecureString parameter)',
      });
    }
    if (x.rotation) {
      findings.push({ code: 'DEX715', message: `secret ${x.name}: rotation applies to a secret dex creates, not an existing one`, path: at('rotation'), atKey: true, hint: 'rotate the existing secret where it is managed, and drop rotation here' });
    }
    if (e.store === 'ssm' && x.keys.length > 0) {
      findings.push({ code: 'DEX715', message: `secret ${x.name}: an SSM parameter has no JSON keys: its value is one string`, path: at('keys'), atKey: true, hint: 'drop keys (and key in the references), or keep a JSON secret in Secrets Manager' });
    }
    const arns: { arn: string; path: SpecPath; what: string }[] = [];
    if (e.by === 'arn' && e.given.length === 1) arns.push({ arn: e.id, path: at('existing', 'arn'), what: 'the secret' });
    if (e.kmsKeyArn) arns.push({ arn: e.kmsKeyArn, path: at('existing', 'kmsKeyArn'), what: 'its KMS key' });
    for (const a of arns) findings.push(...placeFindings(spec, x, a));
    if (e.by === 'name' && e.given.length === 1 && /-[A-Za-z0-9]{6}$/.test(e.id)) {
      findings.push({
        code: 'DEX719',
        message: `secret ${x.name}: the existing name ${e.id} ends in a hyphen and six characters, which Secrets Manager reads as the random suffix of an ARN`,
        path: at('existing', 'name'),
        hint: 'give its full ARN instead (existing: { arn: … }): a partial ARN of this name may resolve to another secret or to none',
      });
    }
  } else if (x.rotation) {
    findings.push(...placeFindings(spec, x, { arn: x.rotation.lambdaArn, path: at('rotation', 'lambdaArn'), what: 'the rotation function' }));
  }
  if (Object.values(spec.services).every((s) => !(s.secretRefs ?? []).some((r) => r.secret === x.name))) {
    findings.push({
      code: 'DEX714',
      message: `secret ${x.name}: no service refers to it${e ? '' : ' (dex still creates it: a secret-month each environment)'}`,
      path: at(),
      atKey: true,
      hint: `refer to it from a service (secrets: [{ secret: ${x.name}${x.keys[0] !== undefined ? `, key: ${x.keys[0]}` : ''} }]), or remove it`,
    });
  }
  return findings;
}

function placeFindings(spec: NormalizedSpec, x: NormalizedSharedSecret, a: { arn: string; path: SpecPath; what: string }): Finding[] {
  const { region, account } = arnPlace(a.arn);
  const out: Finding[] = [];
  if (region !== spec.region) {
    out.push({
      code: 'DEX716',
      message: `secret ${x.name}: ${a.what} is in ${region}, the system in ${spec.region}`,
      path: a.path,
      hint: `the services read it in ${spec.region} (EC2 user data and the CSI driver ask that region): replicate the secret to ${spec.region} and name the replica`,
    });
  }
  if (spec.account !== undefined && account !== spec.account) {
    out.push({
      code: 'DEX716',
      message: `secret ${x.name}: ${a.what} is in account ${account}, the system's account is ${spec.account}`,
      path: a.path,
      hint: 'dex grants read in the system\'s account only; name a secret of that account (a cross-account secret also needs a resource policy and a key policy dex does not manage)',
    });
  }
  return out;
}

export const sharedSecretsRule: SemanticRule = {
  id: 'shared-secrets',
  check(spec: NormalizedSpec): Finding[] {
    return [...Object.values(spec.services).flatMap((s) => referenceFindings(spec, s)), ...Object.values(spec.secrets ?? {}).flatMap((x) => secretFindings(spec, x))];
  },
};
