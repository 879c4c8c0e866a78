// `permissions:`: every resource is `*`, an ARN IAM can read, or a reference to something this
// spec makes (the service's own secrets only: reading another service's is what least privilege
// forbids); no statement lets the code change IAM or the account, which the environment's
// permissions boundary denies (and which, without it, would let the code grant itself anything).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';
import type { CfnValue, ResourceModel } from '../model/types.js';
import { ARN, parsePermissionResource, REFERENCE_KINDS, type ReferenceKind } from '../../spec/permissions.js';
import { suggest } from '../../spec/schema-check.js';
import type { SemanticRule } from './index.js';

/** What a reference of each kind may name, for a service. */
function candidates(spec: NormalizedSpec, s: NormalizedService, kind: ReferenceKind): string[] {
  switch (kind) {
    case 'databases':
      return Object.keys(spec.databases).sort();
    case 'caches':
      return Object.keys(spec.caches).sort();
    case 'secrets':
      // Its own, and the top-level secrets it refers to: never another service's.
      return [...new Set([...s.secrets, ...(s.secretRefs ?? []).map((r) => r.secret).filter((n) => spec.secrets?.[n] !== undefined)])].sort();
    case 'queues':
      return Object.keys(spec.queues ?? {}).sort();
    case 'topics':
      return Object.keys(spec.topics ?? {}).sort();
    case 'buckets':
      return Object.keys(spec.buckets ?? {}).sort();
    case 'tables':
      return Object.keys(spec.tables ?? {}).sort();
  }
}

/** Every reference a service could write, for did-you-mean on a malformed one. */
const allReferences = (spec: NormalizedSpec, s: NormalizedService): string[] => REFERENCE_KINDS.flatMap((k) => candidates(spec, s, k).map((n) => `\${${k}.${n}.arn}`));

/**
 * IAM writes (the boundary's DenyIamOutsideEnvironment, services/permissions-boundary.ts) and
 * account-level services, as globs; and real actions they deny, so a wildcard action such as
 * `iam:*Role*` is caught even where no glob of the list matches it textually.
 */
const DENIED = ['account:*', 'organizations:*', 'iam:Add*', 'iam:Attach*', 'iam:Change*', 'iam:Create*', 'iam:Deactivate*', 'iam:Delete*', 'iam:Detach*', 'iam:Enable*', 'iam:PassRole', 'iam:Put*', 'iam:Remove*', 'iam:Reset*', 'iam:Resync*', 'iam:Set*', 'iam:Tag*', 'iam:Untag*', 'iam:Update*', 'iam:Upload*'];
const DENIED_EXAMPLES = ['account:PutAlternateContact', 'organizations:LeaveOrganization', 'iam:AttachRolePolicy', 'iam:CreateAccessKey', 'iam:CreatePolicyVersion', 'iam:CreateRole', 'iam:CreateUser', 'iam:DeleteRolePermissionsBoundary', 'iam:PassRole', 'iam:PutRolePolicy', 'iam:SetDefaultPolicyVersion', 'iam:UpdateAssumeRolePolicy'];

// IAM action names are case-insensitive.
const glob = (pattern: string): RegExp => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('.*')}$`, 'i');

/** Why an action is denied: the glob it falls under, or a denied action a wildcard can match. */
export function deniedAction(action: string): string | undefined {
  const under = DENIED.find((d) => glob(d).test(action));
  if (under !== undefined) return `${action} is ${under.startsWith('iam:') ? 'an IAM write' : 'an account-level action'} (${under})`;
  const re = glob(action);
  const example = DENIED_EXAMPLES.find((d) => re.test(d));
  return example === undefined ? undefined : `${action} matches ${example}`;
}

export const permissionsRule: SemanticRule = {
  id: 'permissions',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      s.permissions.forEach((p, i) => {
        const at = (...rest: (string | number)[]) => ['services', s.name, 'permissions', i, ...rest];
        p.resources.forEach((value, j) => {
          const r = parsePermissionResource(value);
          if (r.kind === 'bad-reference') {
            // Name a reference by the name it holds where it has one (`${buckets.orders.arn}`).
            const held = r.text.split('.')[1] ?? '';
            const byName = REFERENCE_KINDS.map((k) => ({ k, n: suggest(held, candidates(spec, s, k)) })).find((x) => held !== '' && x.n !== undefined);
            const near = byName ? `\${${byName.k}.${byName.n}.arn}` : suggest(value, allReferences(spec, s));
            findings.push({ code: 'DEX385', severity: 'error', message: `${s.name}: ${value} is not a reference dex knows (\${databases.NAME.arn}, \${caches.NAME.arn}, \${buckets.NAME.arn}, \${tables.NAME.arn}, \${queues.NAME.arn}, \${topics.NAME.arn} or \${secrets.NAME.arn})`, path: at('resources', j), hint: near ? `did you mean ${near}?` : 'write an ARN, or one of those references' });
          } else if (r.kind === 'reference') {
            const names = candidates(spec, s, r.to);
            if (names.includes(r.name)) return;
            const near = suggest(r.name, names);
            const owner = r.to === 'secrets' ? Object.values(spec.services).find((o) => o.secrets.includes(r.name)) : undefined;
            const what = r.to === 'secrets' ? `a secret of ${s.name} (its secrets:)` : `one of the spec's ${r.to}`;
            findings.push({
              code: 'DEX385',
              severity: 'error',
              message: `${s.name}: ${value} names ${r.name}, which is not ${what}`,
              path: at('resources', j),
              hint: owner ? `${r.name} is ${owner.name}'s: a service reads only its own secrets; add it to ${s.name}'s secrets: (its own secret of that name)` : near ? `did you mean \${${r.to}.${near}.arn}?` : names.length ? `the names are: ${names.join(', ')}` : r.to === 'secrets' ? `add ${r.name} to ${s.name}'s secrets:, or write the secret's ARN` : `the spec declares no ${r.to}`,
            });
          } else if (r.kind === 'arn' && (!ARN.test(r.arn) || r.arn.includes('${'))) {
            findings.push({
              code: 'DEX386',
              severity: 'error',
              message: `${s.name}: ${value} is not an ARN (arn:partition:service:region:account:resource)`,
              path: at('resources', j),
              hint: r.arn.includes('${') ? 'a reference is a whole resource (${databases.NAME.arn}), never part of an ARN; IAM policy variables are not supported' : 'e.g. arn:aws:s3:::my-bucket/*; the account is 12 digits, the region and account may be empty or *',
            });
          }
        });
        p.actions.forEach((action, j) => {
          const denied = deniedAction(action);
          if (denied === undefined) return;
          findings.push({
            code: 'DEX387',
            severity: 'error',
            message: `${s.name}: ${denied}, which a workload may not be granted: the environment's permissions boundary denies IAM writes and account-level actions`,
            path: at('actions', j),
            hint: 'a role that can change IAM can give itself anything; declare what the code needs in dex.yaml instead (IAM reads such as iam:GetRole are allowed)',
          });
        });
      });
    }
    return findings;
  },
};

/** IAM's limit on the inline policies of one role, in characters, whitespace not counted. */
export const ROLE_INLINE_POLICY_LIMIT = 10_240;

/**
 * DEX388: the role a service's `permissions:` are added to stays within IAM's inline-policy
 * limit, which otherwise only CloudFormation reports, half way through a deploy. Intrinsics are
 * counted as written (`${AWS::Partition}` is longer than `aws`), so the size is an upper bound.
 */
export function checkPolicySize(model: ResourceModel): Finding[] {
  const findings: Finding[] = [];
  for (const r of model.resources) {
    const service = r.type === 'AWS::IAM::Role' && r.origin[0] === 'services' ? model.spec.services[String(r.origin[1])] : undefined;
    if (service === undefined || service.permissions.length === 0) continue;
    const size = JSON.stringify((r.properties.Policies as CfnValue[] | undefined) ?? []).replace(/\s+/g, '').length;
    if (size <= ROLE_INLINE_POLICY_LIMIT) continue;
    findings.push({
      code: 'DEX388',
      severity: 'error',
      message: `${r.logicalId}, the role of ${service.name}, would have about ${size} characters of inline policy; IAM allows ${ROLE_INLINE_POLICY_LIMIT} per role`,
      path: ['services', service.name, 'permissions'],
      hint: 'merge statements that share resources, or use a wildcard inside the action name (s3:Get*) with a reason',
    });
  }
  return findings;
}
