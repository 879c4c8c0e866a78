// Domains and certificates (ingress.domain, expose.subdomain/host, ingress.http) on a fixture shop:
// the hosted zone (created or existing), the DNS-validated certificate, the alias records, the
// listener certificate, the plain-HTTP listener, each diagnostic at its node, the staging overlay,
// pricing lines, compliance and the CloudFormation resource schemas.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { nextSteps } from '../../pipeline/next-steps.js';
import { planTargets } from '../../pipeline/plan.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { assignStacks } from '../../compiler/stacks.js';
import { ID } from '../../compiler/model/ids.js';
import type { ModelResource } from '../../compiler/model/types.js';
import { DOMAIN_ID, validationNames } from '../../services/domain.js';
import { dnsNameProblem } from '../../compiler/checks/domain.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';

const FILE = 'test/fixtures/edge/shop.dex.yaml';
const SHOP = readFileSync(FILE, 'utf8');

const analyzed = (text: string, environment?: string): Analysis =>
  analyzeSpec(new TextEncoder().encode(text), FILE, { today: fixedClock, includeInfo: true, ...(environment ? { environment } : {}) });
const compiled = (a: Analysis, env: string) => a.compiled.find((c) => c.environment === env)!;
const resources = (a: Analysis, env: string): readonly ModelResource[] => compiled(a, env).model!.resources;
const byId = (a: Analysis, env: string, id: string) => resources(a, env).find((r) => r.logicalId === id);
/** `line:col severity code path` of each diagnostic with `code`, once per place. */
const at = (a: Analysis, code: string): string[] => [...new Set(a.diagnostics.filter((d) => d.code === code).map((d) => `${d.line}:${d.col} ${d.severity} ${d.path.join('.')}`))];
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const replaced = (from: string, to: string): string => {
  expect(SHOP).toContain(from);
  return SHOP.replace(from, to);
};

const shop = analyzed(SHOP);

describe('ingress.domain: zone, certificate, records', () => {
  it('compiles: staging warns about plain HTTP only', () => {
    expect(shop.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(new Set(shop.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code))).toEqual(new Set(['DEX763', 'DEX601']));
  });

  it('creates the hosted zone in the network layer, kept on delete, with its name servers as an output', () => {
    const zone = byId(shop, 'production', DOMAIN_ID.hostedZone)!;
    expect(zone).toMatchObject({ type: 'AWS::Route53::HostedZone', layer: 'network', deletionPolicy: 'Retain', updateReplacePolicy: 'Retain' });
    expect(zone.properties.Name).toBe('example.com');
    const plan = assignStacks(compiled(shop, 'production').model!);
    const network = plan.stacks.find((s) => s.layer === 'network')!;
    expect(network.outputs.find((o) => o.name === DOMAIN_ID.nameServersOutput)).toEqual({
      name: 'DomainNameServers',
      exportName: 'shop-production:DomainNameServers',
      description: expect.stringContaining('registrar'),
      value: { 'Fn::Join': [',', { 'Fn::GetAtt': ['DomainHostedZone', 'NameServers'] }] },
    });
  });

  it('issues one certificate for the domain and its wildcard, plus hosts a wildcard does not cover, validated in the zone', () => {
    const cert = byId(shop, 'production', DOMAIN_ID.certificate)!;
    expect(cert.layer).toBe('ingress');
    expect(cert.properties).toMatchObject({
      DomainName: 'example.com',
      SubjectAlternativeNames: ['*.example.com', 'admin.eu.example.com'],
      ValidationMethod: 'DNS',
      // *.example.com shares example.com's validation record: listed once (aws/aws-cdk#27364).
      DomainValidationOptions: [
        { DomainName: 'example.com', HostedZoneId: { Ref: 'DomainHostedZone' } },
        { DomainName: 'admin.eu.example.com', HostedZoneId: { Ref: 'DomainHostedZone' } },
      ],
    });
    expect(validationNames({ domainName: 'a.io', alternatives: ['*.a.io', '*.b.a.io'] })).toEqual(['a.io', '*.b.a.io']);
    expect(byId(shop, 'production', ID.httpsListener)!.properties.Certificates).toEqual([{ CertificateArn: { Ref: 'DomainCertificate' } }]);
  });

  it('points the domain and every service host at the load balancer with alias A records', () => {
    const records = resources(shop, 'production').filter((r) => r.type === 'AWS::Route53::RecordSet');
    expect(records.map((r) => [r.logicalId, r.properties.Name])).toEqual([
      ['DomainAliasAdminDotEuA', 'admin.eu.example.com'],
      ['DomainAliasApexA', 'example.com'],
      ['DomainAliasApiA', 'api.example.com'],
      ['DomainAliasShopA', 'shop.example.com'],
    ]);
    expect(records[0]!.properties.AliasTarget).toEqual({
      DNSName: { 'Fn::GetAtt': ['LoadBalancer', 'DNSName'] },
      HostedZoneId: { 'Fn::GetAtt': ['LoadBalancer', 'CanonicalHostedZoneID'] },
      EvaluateTargetHealth: true,
    });
    // Routing: the listener rule of a subdomain service matches its host and path.
    expect(byId(shop, 'production', ID.listenerRule('api'))!.properties.Conditions).toEqual([
      { Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } },
      { Field: 'path-pattern', PathPatternConfig: { Values: ['/v1', '/v1/*'] } },
    ]);
  });

  it('an existing zone by id: no zone created, records and validation in that zone', () => {
    const a = analyzed(replaced('zone: { create: true }', 'zone: { id: Z0123456789ABCDEFGHIJ }'));
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(byId(a, 'production', DOMAIN_ID.hostedZone)).toBeUndefined();
    expect(byId(a, 'production', 'DomainAliasApiA')!.properties.HostedZoneId).toBe('Z0123456789ABCDEFGHIJ');
    // Staging's own domain lives in the same (parent) zone.
    expect(byId(a, 'staging', 'DomainAliasApiA')!.properties).toMatchObject({ HostedZoneId: 'Z0123456789ABCDEFGHIJ', Name: 'api.staging.example.com' });
    expect(byId(a, 'staging', DOMAIN_ID.certificate)!.properties.DomainValidationOptions).toEqual([
      { DomainName: 'staging.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      { DomainName: 'admin.eu.staging.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    ]);
  });

  it('tls.certificateArn wins: no certificate issued, the ARN on the listener, an info saying so', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
    const text = replaced('ingress:\n', `ingress:\n  tls: { certificateArn: ${arn} }\n`);
    const a = analyzed(text);
    expect(byId(a, 'production', DOMAIN_ID.certificate)).toBeUndefined();
    expect(byId(a, 'production', ID.httpsListener)!.properties.Certificates).toEqual([{ CertificateArn: arn }]);
    expect(at(a, 'DEX765')).toEqual([`${lineOf(text, 'certificateArn')}:${text.split('\n')[lineOf(text, 'certificateArn') - 1]!.indexOf('arn:') + 1} info ingress.tls.certificateArn`]);
  });

  it('the staging overlay moves every subdomain service under its own domain', () => {
    const staging = compiled(shop, 'staging').spec;
    expect(Object.values(staging.services).map((s) => s.expose.host).sort()).toEqual(['admin.eu.staging.example.com', 'api.staging.example.com', 'shop.staging.example.com']);
    expect(byId(shop, 'staging', DOMAIN_ID.hostedZone)!.properties.Name).toBe('staging.example.com');
    expect(byId(shop, 'staging', DOMAIN_ID.certificate)!.properties.SubjectAlternativeNames).toEqual(['*.staging.example.com', 'admin.eu.staging.example.com']);
  });

  it('a spec without ingress.domain emits none of it', () => {
    const a = analyzed(readFileSync('examples/minimal/dex.yaml', 'utf8'));
    expect(a.compiled[0]!.model!.resources.filter((r) => r.logicalId.startsWith('Domain'))).toEqual([]);
  });

  it('emit says how to delegate a created zone, per environment', () => {
    const steps = nextSteps({ compiled: shop.compiled.filter((c) => c.environment), specFile: FILE, outDir: 'out', wroteBootstrap: false, wroteCi: false });
    const delegate = steps.filter((s) => s.what.includes('delegate'));
    expect(delegate.map((s) => s.command)).toEqual([
      `aws cloudformation list-exports --region us-east-1 --query 'Exports[?Name=='\\''shop-staging:DomainNameServers'\\''].Value' --output text`,
      `aws cloudformation list-exports --region us-east-1 --query 'Exports[?Name=='\\''shop-production:DomainNameServers'\\''].Value' --output text`,
    ]);
    expect(delegate[0]!.what).toContain('staging.example.com');
  });

  it('the templates validate against the CloudFormation resource schemas', () => {
    const templates = outTree(FILE).filter((f) => /cloudformation\/.*\.ya?ml$/.test(f.path) && /Domain(HostedZone|Certificate|Alias)/.test(f.content));
    expect(templates.map((t) => t.path).sort()).toEqual([
      'production/cloudformation/shop-production-ingress.yaml',
      'production/cloudformation/shop-production-network.yaml',
      'staging/cloudformation/shop-staging-ingress.yaml',
      'staging/cloudformation/shop-staging-network.yaml',
    ]);
    for (const t of templates) expect(validateTemplate(parse(t.content)), t.path).toEqual([]);
  });
});

describe('ingress.http: allow', () => {
  it('serves the routes on port 80 in staging (404 by default), redirects in production', () => {
    const http = byId(shop, 'staging', ID.httpListener)!;
    expect(http.properties.DefaultActions).toEqual([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not Found' } }]);
    const rule = byId(shop, 'staging', 'ApiHttpListenerRule')!;
    expect(rule.properties).toMatchObject({ ListenerArn: { Ref: 'HttpListener' }, Priority: byId(shop, 'staging', ID.listenerRule('api'))!.properties.Priority });
    expect(byId(shop, 'production', ID.httpListener)!.properties.DefaultActions).toEqual([{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }]);
    expect(byId(shop, 'production', 'ApiHttpListenerRule')).toBeUndefined();
  });

  it('DEX763 warns outside production, DEX764 refuses it in a production-like environment', () => {
    const line = lineOf(SHOP, 'http: allow');
    expect(at(shop, 'DEX763')).toEqual([`${line}:13 warning ingress.http`]);
    const text = replaced('  production: {}\n', '  production:\n    ingress: { http: allow }\n');
    const row = lineOf(text, '{ http: allow }');
    expect(at(analyzed(text), 'DEX764')).toEqual([`${row}:${text.split('\n')[row - 1]!.indexOf('allow') + 1} error ingress.http`]);
  });

  it('compliance: a warning to review outside production; refused under pci-dss in every environment', () => {
    const baseline = shop.diagnostics.filter((d) => d.code === 'DEX601' && d.message.startsWith('BASE-ENCRYPTION-IN-TRANSIT'));
    expect(baseline.map((d) => `${d.line}:${d.col} ${d.environment ?? ''}`)).toEqual([`${lineOf(SHOP, 'http: allow')}:13 staging`]);
    const pci = analyzed(replaced('region: us-east-1\n', 'region: us-east-1\ncompliance: [pci-dss]\n'), 'staging');
    const refused = pci.diagnostics.filter((d) => d.code === 'DEX600' && d.message.startsWith('PCI-DSS-4.2.1'));
    expect(refused.map((d) => d.path.join('.'))).toEqual(['ingress.http']);
    const production = analyzed(replaced('region: us-east-1\n', 'region: us-east-1\ncompliance: [pci-dss]\n'), 'production');
    expect(production.diagnostics.filter((d) => d.message.startsWith('PCI-DSS-4.2.1'))).toEqual([]);
  });
});

describe('names (DEX760-762, DEX766-767)', () => {
  it('RFC 1123: labels, lengths, wildcards', () => {
    expect(dnsNameProblem('example.com', false)).toBeUndefined();
    expect(dnsNameProblem('*.example.com', true)).toBeUndefined();
    expect(dnsNameProblem('*.example.com', false)).toMatch(/cannot be a wildcard/);
    expect(dnsNameProblem('a.*.example.com', true)).toMatch(/whole first label/);
    expect(dnsNameProblem('-a.example.com', true)).toMatch(/inner hyphens/);
    expect(dnsNameProblem(`${'a'.repeat(64)}.com`, true)).toMatch(/at most 63/);
    expect(dnsNameProblem(`${'a.'.repeat(127)}com`, true)).toMatch(/at most 253/);
    expect(dnsNameProblem('localhost', false)).toMatch(/single label/);
    expect(dnsNameProblem('10.0.0.1', false)).toMatch(/IP address/);
    expect(dnsNameProblem('a..com', false)).toMatch(/empty label/);
  });

  it('DEX760 at the domain name and at a host', () => {
    const text = replaced('name: example.com', 'name: exa_mple.com');
    expect(at(analyzed(text), 'DEX760')).toEqual([`${lineOf(text, 'exa_mple')}:11 error ingress.domain.name`]);
    const long = replaced('subdomain: api,', `subdomain: ${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)},`);
    expect(at(analyzed(long), 'DEX760').map((s) => s.replace(/^\d+:\d+ /, ''))).toEqual(['error services.api.expose.subdomain']);
  });

  it('DEX761: a host outside the domain, at the host, in the environment that moved the domain', () => {
    const text = replaced('subdomain: api,', 'host: api.example.com,');
    const a = analyzed(text);
    const found = a.diagnostics.filter((d) => d.code === 'DEX761');
    expect(found.map((d) => `${d.line}:${d.col} ${d.environment}`)).toEqual([`${lineOf(text, 'host: api.example.com')}:35 staging`]);
    expect(found[0]!.hint).toContain('expose.subdomain: api');
  });

  it('DEX762: a subdomain without a domain; a host beside a subdomain', () => {
    const text = SHOP.replace(/ingress:\n {2}domain:\n.*\n.*\n/, '').replace(/ {4}ingress:\n {6}domain: .*\n/, '    ingress:\n');
    expect(text).not.toContain('example.com\n');
    expect(at(analyzed(text), 'DEX762').map((s) => s.replace(/^\d+:\d+ /, ''))).toEqual(['error services.ui.expose.subdomain', 'error services.api.expose.subdomain', 'error services.admin.expose.subdomain']);
    const both = replaced('subdomain: api,', 'subdomain: api, host: other.example.com,');
    expect(at(analyzed(both), 'DEX762').map((s) => s.replace(/^\d+:\d+ /, ''))).toEqual(['error services.api.expose.subdomain']);
  });

  it('DEX766: a domain and nothing public; DEX767: an overlay-only domain without a zone', () => {
    const none = SHOP.replace(/public: true/g, 'public: false');
    // Base spec and staging's overlay each place it at their own ingress.domain.
    expect(new Set(at(analyzed(none), 'DEX766').map((s) => s.replace(/^\d+:\d+ /, '')))).toEqual(new Set(['warning ingress.domain']));
    expect(resources(analyzed(none), 'production').filter((r) => r.logicalId.startsWith('Domain'))).toEqual([]);
    const noZone = replaced('    zone: { create: true }\n', '');
    // At the domain's mapping, in the base spec and in staging's overlay of it.
    expect(at(analyzed(noZone), 'DEX767')).toEqual([`${lineOf(noZone, 'name: example.com')}:5 error ingress.domain`, `${lineOf(noZone, 'domain: { name: staging')}:15 error ingress.domain`]);
  });
});

describe('pricing', () => {
  const plan = buildPlan(planTargets(shop, 'production'), loadSnapshotSource());
  const env = plan.environments[0]!;
  const lines = env.layers.flatMap((l) => l.lineItems);

  it('a created zone is $0.50 a month; alias queries and the public certificate are $0 because AWS publishes them free', () => {
    const zone = lines.find((l) => l.resource === DOMAIN_ID.hostedZone && l.meter === 'route53.zone')!;
    expect(zone.monthlyUsd).toEqual({ min: 0.5, max: 0.5 });
    const queries = lines.find((l) => l.meter === 'route53.queries')!;
    expect(queries).toMatchObject({ monthlyUsd: { min: 0, max: 0 }, unitPriceUsd: 0 });
    expect(queries.arithmetic).toMatch(/free: .*alias records/);
    const acm = lines.find((l) => l.resource === DOMAIN_ID.certificate)!;
    expect(acm).toMatchObject({ service: 'ACM', monthlyUsd: { min: 0, max: 0 } });
    expect(acm.arithmetic).toMatch(/^1 certificate-month × \$0 = \$0\.00 \(free: public ACM certificates/);
    expect(acm.priceSource.citation).toBe('aws.amazon.com/certificate-manager/pricing');
    expect(env.unpriced.filter((u) => u.resource.startsWith('Domain'))).toEqual([]);
  });

  it('an existing zone adds no zone line (it is billed already)', () => {
    const a = analyzed(replaced('zone: { create: true }', 'zone: { id: Z0123456789ABCDEFGHIJ }'));
    const l = buildPlan(planTargets(a, 'production'), loadSnapshotSource()).environments[0]!.layers.flatMap((x) => x.lineItems);
    expect(l.filter((x) => x.meter === 'route53.zone')).toEqual([]);
  });
});
