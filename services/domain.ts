// A domain on the load balancer (`ingress.domain`): the Route 53 hosted zone (an existing one by
// ID, or one dex creates), an ACM certificate validated by DNS in that zone (CloudFormation writes
// the validation records itself and waits for the certificate, so nothing is pasted), and alias
// records that point the domain and every service host at the load balancer.
//
// The certificate covers the domain and `*.<domain>`: one wildcard SAN covers every one-label
// host (api.example.com), so adding a service host does not replace the certificate (its names
// are create-only). A host deeper than one label (a.b.example.com) is not covered by a wildcard and
// is listed as its own SAN.
import { ID, getAtt, pascal, ref, resource, tagList } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource } from '../compiler/model/types.js';
import type { NormalizedDomain, NormalizedService, NormalizedSpec } from '../spec/model.js';
import { behindLoadBalancer, exposedNames, namedLoadBalancerOf } from '../compiler/model/exposure.js';

const COMPONENT = 'ingress';

// services/alb.ts reads the listener certificate from here, so this module does not import it back.
const hasLoadBalancer = (spec: NormalizedSpec): boolean => exposedNames(spec).size > 0 || Object.values(spec.services).some((s) => namedLoadBalancerOf(spec, s) !== undefined);
/** Services behind the shared ALB or a named one, by name: their hosts get names and records. */
const routedServices = (spec: NormalizedSpec): NormalizedService[] =>
  Object.values(spec.services)
    .filter((s) => behindLoadBalancer(spec, s))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
/** The load balancer a host's record points at: services/load-balancers.ts's LB_ID.loadBalancer for a named one (not imported: it imports this module). */
const loadBalancerIdOf = (spec: NormalizedSpec, s: NormalizedService): string => {
  const named = namedLoadBalancerOf(spec, s);
  return named === undefined ? ID.loadBalancer : `Lb${pascal(named)}LoadBalancer`;
};

/** 32-bit FNV-1a (as services/alb.ts hashes listener priorities), to tell apart two hosts that spell one ID. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export const DOMAIN_ID = {
  hostedZone: 'DomainHostedZone',
  certificate: 'DomainCertificate',
  /** Output of a created zone's name servers: what the registrar (or the parent zone) delegates to. */
  nameServersOutput: 'DomainNameServers',
  record: (relative: string) => `DomainAlias${relative === '' ? 'Apex' : relative === '*' ? 'Wildcard' : pascal(relative.replace(/^\*\./, 'wildcard.').replace(/\./g, ' dot '))}A`,
} as const;

/** Whether dex issues the listener certificate: a domain, and no certificate ARN (which wins). */
export function issuesCertificate(spec: NormalizedSpec): boolean {
  return spec.ingress.domain !== undefined && spec.ingress.tls.certificateArn === undefined && hasLoadBalancer(spec);
}

/** The certificate the HTTPS (and TLS) listeners serve: the spec's ARN, dex's certificate, or none. */
export function listenerCertificate(spec: NormalizedSpec): CfnValue | undefined {
  if (spec.ingress.tls.certificateArn !== undefined) return spec.ingress.tls.certificateArn;
  return issuesCertificate(spec) ? ref(DOMAIN_ID.certificate) : undefined;
}

/** `host` relative to the domain ('' for the domain itself), or undefined when it is not under it. */
export function relativeTo(domain: string, host: string): string | undefined {
  if (host === domain) return '';
  return host.endsWith(`.${domain}`) ? host.slice(0, -domain.length - 1) : undefined;
}

/** The names the certificate carries: the domain, its wildcard, and hosts a wildcard does not cover. */
export function certificateNames(spec: NormalizedSpec, domain: NormalizedDomain): { readonly domainName: string; readonly alternatives: readonly string[] } {
  const wildcard = `*.${domain.name}`;
  const deeper = new Set<string>();
  for (const s of routedServices(spec)) {
    const host = s.expose.host;
    if (host === undefined) continue;
    const rel = relativeTo(domain.name, host);
    // A wildcard covers exactly one label: api.example.com, not a.b.example.com.
    if (rel !== undefined && rel.includes('.')) deeper.add(host);
  }
  return { domainName: domain.name, alternatives: [wildcard, ...[...deeper].sort()] };
}

/**
 * The names that get an alias record, each with the load balancer it points at: the domain (the
 * shared ALB, or the first named one when there is none), then each service host under it, sorted.
 * A host two load balancers claim points at the first service's, in name order.
 */
export function recordNames(spec: NormalizedSpec, domain: NormalizedDomain): { readonly name: string; readonly loadBalancer: string }[] {
  const hosts = new Map<string, string>();
  const routed = routedServices(spec);
  for (const s of routed) {
    const host = s.expose.host;
    if (host !== undefined && host !== domain.name && relativeTo(domain.name, host) !== undefined && !hosts.has(host)) hosts.set(host, loadBalancerIdOf(spec, s));
  }
  const apex = exposedNames(spec).size > 0 ? ID.loadBalancer : loadBalancerIdOf(spec, routed[0]!);
  return [{ name: domain.name, loadBalancer: hosts.get(domain.name) ?? apex }, ...[...hosts.keys()].sort().map((name) => ({ name, loadBalancer: hosts.get(name)! }))];
}

/**
 * The names CloudFormation writes validation records for. ACM validates *.example.com with the
 * same CNAME as example.com, and a change batch that creates one record twice fails
 * (aws/aws-cdk#27364), so a wildcard whose base name is listed is left out.
 */
export function validationNames(names: { readonly domainName: string; readonly alternatives: readonly string[] }): string[] {
  const all = [names.domainName, ...names.alternatives];
  const listed = new Set(all);
  return all.filter((n) => !(n.startsWith('*.') && listed.has(n.slice(2))));
}

function hostedZoneId(domain: NormalizedDomain): CfnValue {
  return 'id' in domain.zone ? domain.zone.id : ref(DOMAIN_ID.hostedZone);
}

function buildDomain(spec: NormalizedSpec): ModelResource[] {
  const domain = spec.ingress.domain;
  if (domain === undefined || !hasLoadBalancer(spec)) return [];
  const tags = tagList(spec, COMPONENT);
  const out: ModelResource[] = [];
  const origin = ['ingress', 'domain'];
  if ('create' in domain.zone) {
    out.push(
      resource({
        logicalId: DOMAIN_ID.hostedZone,
        type: 'AWS::Route53::HostedZone',
        // In the first stack deployed, so its name servers are known (and can be delegated to)
        // while the ingress stack waits for the certificate that DNS validation issues.
        layer: 'network',
        component: COMPONENT,
        origin: [...origin, 'zone', 'create'],
        // The registrar points at this zone's name servers; a new zone would get other ones and
        // the domain would stop resolving until the delegation is changed by hand.
        deletionPolicy: 'Retain',
        updateReplacePolicy: 'Retain',
        properties: {
          Name: domain.name,
          HostedZoneConfig: { Comment: `${spec.name} ${spec.environment ?? 'default'}: created by dex for ${domain.name}` },
          HostedZoneTags: tags,
        },
        outputs: [
          {
            name: DOMAIN_ID.nameServersOutput,
            description: `Name servers of the hosted zone ${domain.name}: set them at the registrar (or as an NS record in the parent zone)`,
            value: { 'Fn::Join': [',', getAtt(DOMAIN_ID.hostedZone, 'NameServers')] },
          },
        ],
        usage: [
          {
            meter: 'route53.zone',
            unit: 'count-month',
            quantity: { min: 1, max: 1 },
            attributes: {},
            basis: `one public hosted zone (${domain.name}), at the rate of an account's first 25 zones`,
          },
          {
            meter: 'route53.queries',
            unit: 'requests',
            quantity: { min: 0, max: 0 },
            attributes: { recordType: 'alias' },
            basis: 'every record dex writes is an alias to the load balancer; queries for records added outside dex are not counted',
          },
        ],
      }),
    );
  }
  if (issuesCertificate(spec)) {
    const names = certificateNames(spec, domain);
    out.push(
      resource({
        logicalId: DOMAIN_ID.certificate,
        type: 'AWS::CertificateManager::Certificate',
        layer: 'ingress',
        component: COMPONENT,
        origin: [...origin, 'name'],
        properties: {
          DomainName: names.domainName,
          SubjectAlternativeNames: [...names.alternatives],
          ValidationMethod: 'DNS',
          // With the zone named here, CloudFormation writes the validation CNAMEs and waits until ACM issues.
          DomainValidationOptions: validationNames(names).map((n) => ({ DomainName: n, HostedZoneId: hostedZoneId(domain) })),
          CertificateTransparencyLoggingPreference: 'ENABLED',
          KeyAlgorithm: 'RSA_2048',
          Tags: tags,
        },
        usage: [
          {
            meter: 'acm.certificate',
            unit: 'count-month',
            quantity: { min: 1, max: 1 },
            attributes: { type: 'public' },
            basis: `one public certificate for ${[names.domainName, ...names.alternatives].join(', ')}`,
          },
        ],
      }),
    );
  }
  const seen = new Set<string>();
  for (const { name, loadBalancer } of recordNames(spec, domain)) {
    let logicalId = DOMAIN_ID.record(relativeTo(domain.name, name)!);
    // Two hosts that spell the same ID (a-b and a.b-…) keep apart by a hash of the host.
    if (seen.has(logicalId)) logicalId = logicalId.replace(/A$/, `${fnv1a(name).toString(16)}A`);
    seen.add(logicalId);
    out.push(
      resource({
        logicalId,
        type: 'AWS::Route53::RecordSet',
        layer: 'ingress',
        component: COMPONENT,
        origin,
        properties: {
          HostedZoneId: hostedZoneId(domain),
          Name: name,
          Type: 'A',
          AliasTarget: { DNSName: getAtt(loadBalancer, 'DNSName'), HostedZoneId: getAtt(loadBalancer, 'CanonicalHostedZoneID'), EvaluateTargetHealth: true },
        },
      }),
    );
  }
  return out;
}

export const domain: BuildingBlock = {
  name: 'domain',
  build: buildDomain,
};
