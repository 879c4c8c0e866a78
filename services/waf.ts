// AWS WAF in front of the load balancer: the AWS managed rule groups the spec names, an optional
// per-IP rate limit, metrics and sampled requests on every rule, default allow.
import { ID, getAtt, namePrefix, ref, resource, tagList } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource, UsageMeter } from '../compiler/model/types.js';
import type { NormalizedSpec, WafManagedRule } from '../spec/model.js';
import { hasLoadBalancer } from './alb.js';

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
const PRIORITY: Readonly<Record<WafManagedRule | 'rateLimit', number>> = {
  amazonIpReputation: 10,
  anonymousIp: 20,
  rateLimit: 30,
  common: 40,
  knownBadInputs: 50,
  sqli: 60,
  linux: 70,
  unix: 80,
  adminProtection: 90,
};

const visibility = (metricName: string): CfnValue => ({ SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: metricName });

function buildWaf(spec: NormalizedSpec): ModelResource[] {
  const waf = spec.ingress.waf;
  if (!waf.enabled || !hasLoadBalancer(spec)) return [];
  const metricPrefix = namePrefix(spec).replace(/[^\w#:.\-/]/g, '-');
  const managed = [...new Set(waf.managedRules)].sort((a, b) => PRIORITY[a] - PRIORITY[b]);
  const rules: { priority: number; rule: CfnValue }[] = managed.map((key) => {
    const name = MANAGED_RULE_GROUPS[key];
    return {
      priority: PRIORITY[key],
      rule: {
        Name: name,
        Priority: PRIORITY[key],
        OverrideAction: { None: {} },
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } },
        VisibilityConfig: visibility(`${metricPrefix}-${name}`),
      },
    };
  });
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
      basis: `${rules.length} rules: ${managed.map((k) => MANAGED_RULE_GROUPS[k]).join(', ')}${waf.rateLimitPer5Min !== undefined ? `${managed.length ? ', ' : ''}a rate-based rule` : ''}`,
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
    resource({
      logicalId: WAF_ASSOCIATION_ID,
      type: 'AWS::WAFv2::WebACLAssociation',
      layer: 'ingress',
      component: COMPONENT,
      origin: ['ingress', 'waf'],
      properties: { ResourceArn: ref(ID.loadBalancer), WebACLArn: getAtt(ID.webAcl, 'Arn') },
    }),
  ];
}

export const waf: BuildingBlock = {
  name: 'waf',
  build: buildWaf,
};
