// AWS WAF in front of the load balancer: the AWS managed rule groups the spec names, an optional
// per-IP rate limit, per-path exemptions from the common rule set's 8 KB body limit, metrics and
// sampled requests on every rule, default allow.
import { ID, getAtt, namePrefix, ref, resource, tagList } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource, UsageMeter } from '../compiler/model/types.js';
import type { NormalizedSpec, WafLargeBodyPath, WafManagedRule } from '../spec/model.js';
import { pathUnder } from '../compiler/checks/waf.js';
import { hasLoadBalancer } from './alb.js';
import { hasPublicNamedAlb } from './load-balancers.js';

const COMPONENT = 'ingress';
export const WAF_ASSOCIATION_ID = 'WebAclAssociation';

export const MANAGED_RULE_GROUPS: Readonly<Record<WafManagedRule, string>> = {
  common: 'AWSManagedRulesCommonRuleSet',
  knownBadInputs: 'AWSManagedRulesKnownBadInputsRuleSet',
  sqli: 'AWSManagedRulesSQLiRuleSet',
  linux: 'AWSManagedRulesLinuxRuleSet',
  unix: 'AWSManagedRulesUnixRuleSet',
  amazonIpReputation: 'AWSManagedRulesAmazonIpReputationList',
  anonymousIp: 'AWSManagedRulesAnonymousIpList',
  adminProtection: 'AWSManagedRulesAdminProtectionRuleSet',
};

/**
 * Rule priorities are fixed per rule kind, not positions in the list, so adding or removing one
 * group leaves the others' priorities alone. IP reputation lists run first (cheap, drop known
 * bad sources), then the rate limit, then the inspection groups.
 */
const PRIORITY: Readonly<Record<WafManagedRule | 'rateLimit' | 'largeBodyOutsidePaths' | 'largeBodyOverLimit', number>> = {
  amazonIpReputation: 10,
  anonymousIp: 20,
  rateLimit: 30,
  common: 40,
  // Right after the common group: they read the label its (counted) body-size rule leaves.
  largeBodyOutsidePaths: 41,
  largeBodyOverLimit: 42,
  knownBadInputs: 50,
  sqli: 60,
  linux: 70,
  unix: 80,
  adminProtection: 90,
};

const visibility = (metricName: string): CfnValue => ({ SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: metricName });

/** The common rule set's rule that blocks bodies over 8 KB, and the label it leaves on a match. */
export const SIZE_RESTRICTIONS_BODY_RULE = 'SizeRestrictions_BODY';
export const SIZE_RESTRICTIONS_BODY_LABEL = 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body';
/** An ALB forwards at most this many bytes of a body to WAF (fixed; CloudFront can go to 64 KB, ALB cannot). */
export const ALB_BODY_INSPECTION_LIMIT = 8192;
export const LARGE_BODY_RULES = { outsidePaths: 'LargeBodyOutsideAllowedPaths', overLimit: 'LargeBodyOverLimit' } as const;

/**
 * The request path is `path` or below it, compared after NORMALIZE_PATH (// and /./ collapsed,
 * /../ resolved) so that /api/kyc/documents/../../admin is judged as /admin, not as an upload.
 * Case-sensitive, like the load balancer's own path patterns.
 */
function pathStatements(path: string): CfnValue[] {
  const match = (constraint: 'EXACTLY' | 'STARTS_WITH', search: string): CfnValue => ({
    ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: constraint, SearchString: search, TextTransformations: [{ Priority: 0, Type: 'NORMALIZE_PATH' }] },
  });
  return [match('EXACTLY', path), match('STARTS_WITH', `${path}/`)];
}

const anyPath = (paths: readonly WafLargeBodyPath[]): CfnValue => ({ OrStatement: { Statements: paths.flatMap((p) => pathStatements(p.path)) } });

const contentLength = (regex: string): CfnValue => ({
  RegexMatchStatement: { FieldToMatch: { SingleHeader: { Name: 'content-length' } }, RegexString: regex, TextTransformations: [{ Priority: 0, Type: 'NONE' }] },
});

/**
 * A regular expression matching exactly the decimal numbers (leading zeros allowed) greater than
 * `limit`: WAF compares no numbers, and cannot see a body past 8 KB, so a declared Content-Length
 * is the only size it can judge. One anchored branch per way of being larger (more digits, or a
 * higher digit after a common prefix), and no groups: WAF supports no capturing subexpressions.
 */
export function decimalAbove(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`decimalAbove: ${limit} is not a non-negative integer`);
  const digits = String(limit);
  const n = digits.length;
  const any = (count: number): string => (count === 0 ? '' : count === 1 ? '[0-9]' : `[0-9]{${count}}`);
  const higher = (d: number): string => (d === 8 ? '9' : `[${d + 1}-9]`);
  const branches = [`^0*[1-9][0-9]{${n},}$`];
  for (let i = 0; i < n; i++) {
    const d = Number(digits[i]);
    if (d === 9) continue;
    branches.push(`^0*${digits.slice(0, i)}${higher(d)}${any(n - i - 1)}$`);
  }
  return branches.join('|');
}

/**
 * Requests that a path's own limit governs: the path and below it, except where a more specific
 * listed path takes over (/api/kyc/documents keeps its own maxBytes inside /api/kyc).
 */
function governedBy(entry: WafLargeBodyPath, all: readonly WafLargeBodyPath[]): CfnValue {
  const inner = all.filter((q) => q.path !== entry.path && pathUnder(q.path, entry.path));
  return inner.length === 0 ? anyPath([entry]) : { AndStatement: { Statements: [anyPath([entry]), { NotStatement: { Statement: anyPath(inner) } }] } };
}

/**
 * Bodies over 8 KB outside the allowed paths are still blocked (the common group's size rule is
 * only counted, and its label read here); on a path with maxBytes, a declared Content-Length above
 * it is blocked, and so is a body over 8 KB that declares none (WAF could not judge its size).
 */
function largeBodyRules(paths: readonly WafLargeBodyPath[], metricPrefix: string): { priority: number; rule: CfnValue }[] {
  const label: CfnValue = { LabelMatchStatement: { Scope: 'LABEL', Key: SIZE_RESTRICTIONS_BODY_LABEL } };
  const rules: { priority: number; rule: CfnValue }[] = [
    {
      priority: PRIORITY.largeBodyOutsidePaths,
      rule: {
        Name: LARGE_BODY_RULES.outsidePaths,
        Priority: PRIORITY.largeBodyOutsidePaths,
        Action: { Block: {} },
        Statement: { AndStatement: { Statements: [label, { NotStatement: { Statement: anyPath(paths) } }] } },
        VisibilityConfig: visibility(`${metricPrefix}-${LARGE_BODY_RULES.outsidePaths}`),
      },
    },
  ];
  const limited = paths.filter((p) => p.maxBytes !== undefined);
  if (limited.length > 0) {
    const overLimit = limited.map((p): CfnValue => ({ AndStatement: { Statements: [governedBy(p, paths), contentLength(decimalAbove(p.maxBytes!))] } }));
    const governed = limited.map((p) => governedBy(p, paths));
    const undeclared: CfnValue = {
      AndStatement: { Statements: [label, { NotStatement: { Statement: contentLength('^[0-9]+$') } }, governed.length === 1 ? governed[0]! : { OrStatement: { Statements: governed } }] },
    };
    rules.push({
      priority: PRIORITY.largeBodyOverLimit,
      rule: {
        Name: LARGE_BODY_RULES.overLimit,
        Priority: PRIORITY.largeBodyOverLimit,
        Action: { Block: {} },
        Statement: { OrStatement: { Statements: [...overLimit, undeclared] } },
        VisibilityConfig: visibility(`${metricPrefix}-${LARGE_BODY_RULES.overLimit}`),
      },
    });
  }
  return rules;
}

function buildWaf(spec: NormalizedSpec): ModelResource[] {
  const waf = spec.ingress.waf;
  // The shared ALB, or a named internet-facing ALB (services/load-balancers.ts associates those itself).
  if (!waf.enabled || !(hasLoadBalancer(spec) || hasPublicNamedAlb(spec))) return [];
  const metricPrefix = namePrefix(spec).replace(/[^\w#:.\-/]/g, '-');
  const managed = [...new Set(waf.managedRules)].sort((a, b) => PRIORITY[a] - PRIORITY[b]);
  // The exemptions relax the common group; without it there is no 8 KB limit to relax.
  const largeBodies = managed.includes('common') ? waf.allowLargeBodies : [];
  const rules: { priority: number; rule: CfnValue }[] = managed.map((key) => {
    const name = MANAGED_RULE_GROUPS[key];
    const statement: Record<string, CfnValue> = { VendorName: 'AWS', Name: name };
    if (key === 'common' && largeBodies.length > 0) statement.RuleActionOverrides = [{ Name: SIZE_RESTRICTIONS_BODY_RULE, ActionToUse: { Count: {} } }];
    return {
      priority: PRIORITY[key],
      rule: {
        Name: name,
        Priority: PRIORITY[key],
        OverrideAction: { None: {} },
        Statement: { ManagedRuleGroupStatement: statement },
        VisibilityConfig: visibility(`${metricPrefix}-${name}`),
      },
    };
  });
  if (largeBodies.length > 0) rules.push(...largeBodyRules(largeBodies, metricPrefix));
  if (waf.rateLimitPer5Min !== undefined) {
    rules.push({
      priority: PRIORITY.rateLimit,
      rule: {
        Name: 'RateLimitPerIp',
        Priority: PRIORITY.rateLimit,
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: waf.rateLimitPer5Min, EvaluationWindowSec: 300, AggregateKeyType: 'IP' } },
        VisibilityConfig: visibility(`${metricPrefix}-RateLimitPerIp`),
      },
    });
  }
  rules.sort((a, b) => a.priority - b.priority);

  const requests = spec.usage.wafRequestsPerMonth;
  const usage: UsageMeter[] = [
    { meter: 'waf.acl', unit: 'count-month', quantity: { min: 1, max: 1 }, attributes: {}, basis: 'one web ACL' },
    {
      meter: 'waf.rule',
      unit: 'count-month',
      quantity: { min: rules.length, max: rules.length },
      attributes: {},
      basis: `${rules.length} rules: ${[
        ...managed.map((k) => MANAGED_RULE_GROUPS[k]),
        ...(waf.rateLimitPer5Min !== undefined ? ['a rate-based rule'] : []),
        ...(largeBodies.length > 0 ? [`${rules.length - managed.length - (waf.rateLimitPer5Min !== undefined ? 1 : 0)} large-body rules (${largeBodies.map((p) => p.path).join(', ')})`] : []),
      ].join(', ')}`,
    },
    requests === undefined
      ? { meter: 'waf.requests', unit: 'requests', quantity: { min: 0, max: 0 }, attributes: {}, basis: 'usage.wafRequestsPerMonth not set' }
      : { meter: 'waf.requests', unit: 'requests', quantity: { min: requests, max: requests }, attributes: {}, basis: `usage.wafRequestsPerMonth ${requests} requests a month` },
  ];

  return [
    resource({
      logicalId: ID.webAcl,
      type: 'AWS::WAFv2::WebACL',
      layer: 'ingress',
      component: COMPONENT,
      origin: ['ingress', 'waf'],
      properties: {
        Scope: 'REGIONAL',
        Description: `${namePrefix(spec)} load balancer protection`,
        DefaultAction: { Allow: {} },
        Rules: rules.map((r) => r.rule),
        VisibilityConfig: visibility(`${metricPrefix}-web-acl`),
        Tags: tagList(spec, COMPONENT),
      },
      usage,
    }),
    ...(hasLoadBalancer(spec)
      ? [
          resource({
            logicalId: WAF_ASSOCIATION_ID,
            type: 'AWS::WAFv2::WebACLAssociation',
            layer: 'ingress',
            component: COMPONENT,
            origin: ['ingress', 'waf'],
            properties: { ResourceArn: ref(ID.loadBalancer), WebACLArn: getAtt(ID.webAcl, 'Arn') },
          }),
        ]
      : []),
  ];
}

export const waf: BuildingBlock = {
  name: 'waf',
  build: buildWaf,
};
