// PCI DSS v4.0 controls dex can see in a deployment: WAF, key management, audit logs,
// segmentation of the data tier, vulnerability scanning of images.
import type { ModelResource } from '../../model/types.js';
import type { Check, ComplianceRule, RuleContext } from '../types.js';
import { atRestChecks, flowLogChecks, retentionChecks, segmentationChecks } from './baseline.js';
import { URL } from './citations.js';
import { auditRetentionChecks, requestLogChecks, trailChecks } from './audit.js';
import { evidence, fail, ofType, pass, prop, publicServices } from '../util.js';

export const pciWaf: ComplianceRule = {
  id: 'PCI-DSS-6.4.2',
  title: 'Public-facing web applications sit behind a web application firewall',
  regimes: ['pci-dss'],
  citations: { 'pci-dss': { clause: 'PCI DSS v4.0 Req. 6.4.2', text: 'an automated technical solution that detects and prevents web-based attacks is deployed in front of public-facing web applications', url: URL.pci } },
  severity: 'error',
  nonProduction: 'warning',
  check(ctx) {
    const exposed = publicServices(ctx);
    if (exposed.length === 0) return [pass('no service is public: there is no public-facing web application', ['services'])];
    const acls = ofType(ctx.model, 'AWS::WAFv2::WebACL');
    const assoc = ofType(ctx.model, 'AWS::WAFv2::WebACLAssociation');
    if (!ctx.spec.ingress.waf.enabled || acls.length === 0 || assoc.length === 0) {
      return [fail(`${exposed.join(', ')} ${exposed.length === 1 ? 'is' : 'are'} public without a web application firewall`, ['ingress', 'waf', 'enabled'], 'set ingress.waf.enabled: true (managed rules common, knownBadInputs, sqli)')];
    }
    const rules = ctx.spec.ingress.waf.managedRules;
    return [
      pass(`the load balancer in front of ${exposed.join(', ')} is protected by a WAF web ACL (${rules.join(', ') || 'no managed rules'}${ctx.spec.ingress.waf.rateLimitPer5Min ? `, rate limit ${ctx.spec.ingress.waf.rateLimitPer5Min} per 5 minutes` : ''})`, ['ingress', 'waf'], [
        ...acls.map((a) => evidence(a, { Scope: prop(a, 'Scope'), DefaultAction: prop(a, 'DefaultAction'), Rules: ((prop(a, 'Rules') ?? []) as { Name?: string }[]).map((r) => r.Name) })),
        ...assoc.map((a) => evidence(a, { ResourceArn: prop(a, 'ResourceArn'), WebACLArn: prop(a, 'WebACLArn') })),
      ]),
      ...(rules.length === 0 ? [fail('the web ACL has no managed rule groups: it blocks nothing but the rate limit', ['ingress', 'waf', 'managedRules'], 'add at least common, knownBadInputs and sqli', [], 'warning')] : []),
      ...largeBodyExceptions(ctx.spec, acls),
    ];
  },
};

/**
 * Each path exempt from the 8 KB body limit is a documented exception an assessor reviews: allowed,
 * listed with what WAF still checks there and what it cannot (the body past 8 KB is not inspected).
 */
function largeBodyExceptions(spec: RuleContext['spec'], acls: readonly ModelResource[]): Check[] {
  if (!spec.ingress.waf.managedRules.includes('common')) return [];
  return spec.ingress.waf.allowLargeBodies.map((entry, i) =>
    pass(
      `exception: ${entry.path} may carry request bodies over 8 KB${entry.maxBytes !== undefined ? ` (up to ${entry.maxBytes} bytes by Content-Length: a larger declared size, or a body over 8 KB that declares none, is blocked)` : ' (no size limit from WAF)'}; WAF inspects only the first 8 KB of such a body, so the service behind it must validate the upload`,
      ['ingress', 'waf', 'allowLargeBodies', i, 'path'],
      acls.map((a) => evidence(a, { Rules: ((prop(a, 'Rules') ?? []) as { Name?: string }[]).map((r) => r.Name).filter((n) => n?.startsWith('LargeBody')) })),
    ),
  );
}

/** PCI refuses plain HTTP in every environment: test data in staging is often real card data. */
export const pciNoPlainHttp: ComplianceRule = {
  id: 'PCI-DSS-4.2.1',
  title: 'No load balancer listener serves plain HTTP: port 80 only redirects to HTTPS',
  regimes: ['pci-dss'],
  citations: { 'pci-dss': { clause: 'PCI DSS v4.0 Req. 4.2.1', text: 'strong cryptography protects cardholder data during transmission over open, public networks', url: URL.pci } },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const checks: Check[] = [];
    for (const r of ofType(ctx.model, 'AWS::ElasticLoadBalancingV2::Listener')) {
      if (prop(r, 'Protocol') !== 'HTTP') continue;
      const actions = (prop(r, 'DefaultActions') ?? []) as readonly { Type?: string; RedirectConfig?: { Protocol?: string } }[];
      const redirects = actions.length > 0 && actions.every((a) => a.Type === 'redirect' && a.RedirectConfig?.Protocol === 'HTTPS');
      const ev = [evidence(r, { Protocol: 'HTTP', Port: prop(r, 'Port'), DefaultActions: actions })];
      checks.push(
        redirects
          ? pass(`${r.logicalId} (HTTP) only redirects to HTTPS`, r.origin, ev)
          : fail(`${r.logicalId} serves plain HTTP: PCI DSS refuses it in every environment`, ctx.spec.ingress.http === 'allow' ? ['ingress', 'http'] : r.origin, 'remove ingress.http (port 80 then redirects to HTTPS)', ev),
      );
    }
    if (checks.length === 0) checks.push(pass('no plain-HTTP listener', ['ingress']));
    return checks;
  },
};

export const pciKeys: ComplianceRule = {
  id: 'PCI-DSS-3.5.1',
  title: 'Stored data is encrypted with customer-managed keys that rotate',
  regimes: ['pci-dss'],
  citations: { 'pci-dss': { clause: 'PCI DSS v4.0 Req. 3.5.1, 3.6.1, 3.7.4', text: 'stored account data is unreadable through strong cryptography with key management: keys protected, changed at the end of their cryptoperiod', url: URL.pci } },
  severity: 'error',
  nonProduction: 'same',
  check: (ctx) => atRestChecks(ctx, true),
};

export const pciLogRetention: ComplianceRule = {
  id: 'PCI-DSS-10.5.1',
  title: 'Audit logs are kept at least twelve months',
  regimes: ['pci-dss'],
  citations: { 'pci-dss': { clause: 'PCI DSS v4.0 Req. 10.5.1', text: 'retain audit log history for at least 12 months, with at least the most recent three months immediately available', url: URL.pci } },
  severity: 'error',
  nonProduction: 'warning',
  check: (ctx) => [...retentionChecks(ctx, 365, 'app'), ...retentionChecks(ctx, 365, 'flow'), ...auditRetentionChecks(ctx, 365)],
};

export const pciAuditLogs: ComplianceRule = {
  id: 'PCI-DSS-10.2.1',
  title: 'Audit logs are enabled: API calls (CloudTrail), web requests (WAF, load balancer), database logs, network flow logs and the Kubernetes audit log',
  regimes: ['pci-dss'],
  citations: { 'pci-dss': { clause: 'PCI DSS v4.0 Req. 10.2.1', text: 'audit logs are enabled and active for all system components and cardholder data', url: URL.pci } },
  severity: 'error',
  nonProduction: 'warning',
  check(ctx) {
    const checks: Check[] = [...trailChecks(ctx), ...requestLogChecks(ctx), ...flowLogChecks(ctx)];
    for (const c of ofType(ctx.model, 'AWS::EKS::Cluster')) {
      const types = JSON.stringify(prop(c, 'Logging') ?? null);
      const ev = [evidence(c, { Logging: prop(c, 'Logging') })];
      checks.push(
        types.includes('"audit"')
          ? pass(`${c.logicalId} sends its Kubernetes audit log to CloudWatch`, ['platforms', 'eks', 'logging'], ev)
          : fail(`${c.logicalId} does not record the Kubernetes audit log`, ['platforms', 'eks', 'logging'], 'add audit (and api, authenticator) to platforms.eks.logging', ev),
      );
    }
    return checks;
  },
};

export const pciSegmentation: ComplianceRule = {
  id: 'PCI-DSS-1.4.4',
  title: 'The database tier is segmented: no route out, reachable only from its declared clients',
  regimes: ['pci-dss'],
  citations: { 'pci-dss': { clause: 'PCI DSS v4.0 Req. 1.4.4 (and 1.3.1)', text: 'system components that store cardholder data are not directly accessible from untrusted networks; inbound traffic is restricted to what is necessary', url: URL.pci } },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const checks = segmentationChecks(ctx);
    return checks.length > 0 ? checks : [pass('the spec declares no database or cache', ['databases'])];
  },
};

export const pciImageScanning: ComplianceRule = {
  id: 'PCI-DSS-6.3.1',
  title: 'Container images are scanned for vulnerabilities before they are deployed',
  regimes: ['pci-dss'],
  citations: { 'pci-dss': { clause: 'PCI DSS v4.0 Req. 6.3.1 (and 11.3.1)', text: 'security vulnerabilities are identified and managed; internal vulnerability scans are performed', url: URL.pci } },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const repos = ofType(ctx.model, 'AWS::ECR::Repository');
    const ev = repos.map((r) => evidence(r, { ImageScanningConfiguration: prop(r, 'ImageScanningConfiguration') }));
    const checks: Check[] = [];
    const unscanned = repos.filter((r) => prop(r, 'ImageScanningConfiguration', 'ScanOnPush') !== true);
    if (unscanned.length > 0) checks.push(fail(`${unscanned.map((r) => r.logicalId).join(', ')} do not scan images on push`, unscanned[0]!.origin, 'turn on ScanOnPush (report it: dex turns it on)', ev));
    if (ctx.spec.cicd === undefined) {
      if (repos.length > 0) checks.push(fail('no pipeline is declared, so no image is scanned before it is deployed (ECR scans on push, after the fact)', ['cicd'], 'declare cicd with scan: true so high or critical findings fail the build', ev, 'warning'));
    } else if (!ctx.spec.cicd.scan) {
      checks.push(fail('the pipeline builds and deploys images without scanning them', ['cicd', 'scan'], 'set cicd.scan: true', ev));
    } else {
      checks.push(pass('the pipeline scans every image and fails the build on high or critical findings; ECR scans again on push', ['cicd', 'scan'], ev));
    }
    return checks;
  },
};

export const PCI_RULES: readonly ComplianceRule[] = [pciSegmentation, pciKeys, pciNoPlainHttp, pciImageScanning, pciWaf, pciAuditLogs, pciLogRetention];
