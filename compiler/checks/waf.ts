// WAF rules: a path exempt from the common rule set's 8 KB body limit is one the load balancer
// routes to a public service, is listed once, and has an effect (the WAF and its common group exist).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { exposedServices } from '../model/exposure.js';
import type { SemanticRule } from './index.js';

/** `path` is `prefix` or below it, segment by segment (/api/kyc covers /api/kyc/x, not /api/kycx). */
export function pathUnder(path: string, prefix: string): boolean {
  const base = prefix.replace(/\/+$/, '');
  return base === '' || path === base || path.startsWith(`${base}/`);
}

/** Does the service's listener rule take requests for `path`? A host-only or path-less rule takes every path. */
function routes(s: NormalizedService, path: string): boolean {
  return s.expose.path === undefined || pathUnder(path, s.expose.path);
}

export const wafLargeBodiesRule: SemanticRule = {
  id: 'waf-large-bodies',
  check(spec: NormalizedSpec): Finding[] {
    const { waf } = spec.ingress;
    const paths = waf.allowLargeBodies;
    if (paths.length === 0) return [];
    const at = ['ingress', 'waf', 'allowLargeBodies'];
    const findings: Finding[] = [];

    const publicServices = exposedServices(spec);
    const why =
      publicServices.length === 0
        ? 'there is no load balancer (no public service with a port, or ingress.loadBalancer: none), so there is no web ACL'
        : !waf.enabled
          ? 'ingress.waf.enabled is false, so there is no web ACL'
          : !waf.managedRules.includes('common')
            ? 'ingress.waf.managedRules does not include common, the only rule group with an 8 KB body limit'
            : undefined;
    if (why !== undefined) {
      findings.push({
        code: 'DEX341',
        message: `ingress.waf.allowLargeBodies has no effect: ${why}`,
        path: at,
        atKey: true,
        hint: why.includes('common') ? 'add common to managedRules, or remove allowLargeBodies' : 'remove allowLargeBodies',
      });
      return findings;
    }

    const seen = new Map<string, number>();
    paths.forEach((entry, i) => {
      const first = seen.get(entry.path);
      if (first !== undefined) {
        findings.push({
          code: 'DEX342',
          message: `${entry.path} is listed twice in ingress.waf.allowLargeBodies (items ${first + 1} and ${i + 1}): WAF could apply only one of their limits`,
          path: [...at, i, 'path'],
          hint: 'keep one entry for the path, with the maxBytes you mean',
        });
        return;
      }
      seen.set(entry.path, i);
      if (!publicServices.some((s) => routes(s, entry.path))) {
        const routed = publicServices.flatMap((s) => (s.expose.path === undefined ? [] : [s.expose.path])).sort();
        findings.push({
          code: 'DEX340',
          message: `no public service's route covers ${entry.path}: the load balancer answers it with 404, so large bodies there serve nothing`,
          path: [...at, i, 'path'],
          hint: routed.length ? `use a path under a public route (${routed.join(', ')}), e.g. ${routed[0]}/documents, or remove the entry` : 'remove the entry',
        });
      }
    });
    return findings;
  },
};
