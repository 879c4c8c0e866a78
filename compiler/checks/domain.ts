// Domain and listener rules (`ingress.domain`, `expose.host`/`subdomain`, `ingress.http`): names
// are DNS names Route 53 and ACM accept, every host is under the domain the certificate covers,
// and plain HTTP is a choice made knowingly outside production.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * What is wrong with `name` as a DNS host name (RFC 1123: labels of letters, digits and hyphens,
 * not starting or ending with one, at most 63 characters, 253 in all), or undefined when nothing.
 * `wildcard` allows a leading `*.` (a host rule and a record may be wildcards; a domain may not).
 */
export function dnsNameProblem(name: string, wildcard: boolean): string | undefined {
  if (name === '') return 'it is empty';
  if (name.length > 253) return `it is ${name.length} characters long; a DNS name has at most 253`;
  const labels = name.split('.');
  if (labels.length < 2) return 'it has a single label; a domain has at least two (example.com)';
  for (const [i, label] of labels.entries()) {
    if (label === '*' && i === 0 && wildcard) continue;
    if (label === '') return 'it has an empty label (two dots in a row, or a dot at the start)';
    if (label.includes('*')) return wildcard ? 'a wildcard (*) may only be the whole first label (*.example.com)' : 'a domain cannot be a wildcard; write the name (example.com) and hosts under it';
    if (label.length > 63) return `its label ${label.slice(0, 20)}… is ${label.length} characters long; a label has at most 63`;
    if (!LABEL.test(label)) return `its label "${label}" is not letters, digits and inner hyphens (RFC 1123)`;
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return 'its last label is all digits: that is an IP address, not a domain';
  return undefined;
}

export const domainRule: SemanticRule = {
  id: 'domain',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const domain = spec.ingress.domain;
    // A host made from a broken domain is reported once, at the domain.
    let domainValid = true;
    if (domain !== undefined) {
      if (domain.name === '') {
        findings.push({ code: 'DEX767', message: 'ingress.domain has no name: dex cannot tell what to issue the certificate for', path: ['ingress', 'domain'], hint: 'add name: example.com (an environment may overlay its own, e.g. staging.example.com)' });
      } else {
        const problem = dnsNameProblem(domain.name, false);
        domainValid = problem === undefined;
        if (problem) findings.push({ code: 'DEX760', message: `ingress.domain.name ${domain.name} is not a DNS name: ${problem}`, path: ['ingress', 'domain', 'name'], hint: 'write the domain in lowercase letters, digits and hyphens, e.g. example.com' });
      }
      if ('id' in domain.zone && domain.zone.id === '') {
        findings.push({ code: 'DEX767', message: 'ingress.domain has no zone: dex needs the hosted zone to validate the certificate and write the records in', path: ['ingress', 'domain'], hint: 'add zone: { id: Z… } (an existing public hosted zone) or zone: { create: true }' });
      }
      if (spec.ingress.tls.certificateArn !== undefined) {
        findings.push({
          code: 'DEX765',
          message: `ingress.tls.certificateArn is set, so dex serves it and issues no certificate for ${domain.name}: it must cover ${domain.name} and every service host`,
          path: ['ingress', 'tls', 'certificateArn'],
          hint: `leave certificateArn out to have dex issue and validate a certificate for ${domain.name} and *.${domain.name}`,
        });
      }
      const exposed = Object.values(spec.services).some((s) => s.expose.public);
      if (spec.ingress.loadBalancer === 'none' || !exposed) {
        findings.push({
          code: 'DEX766',
          message: `ingress.domain is set, but ${spec.ingress.loadBalancer === 'none' ? 'ingress.loadBalancer is none' : 'no service is public'}: there is no load balancer for ${domain.name} to point at, so dex creates no zone, certificate or record`,
          path: ['ingress', 'domain'],
          hint: 'expose a service (expose.public: true) or remove ingress.domain',
        });
      }
    }

    for (const s of Object.values(spec.services)) {
      const given = s.expose.subdomain !== undefined;
      const base = ['services', s.name, 'expose'];
      if (given && s.expose.host !== undefined && s.expose.host !== `${s.expose.subdomain}.${domain?.name ?? ''}`) {
        findings.push({ code: 'DEX762', message: `${s.name}: expose.host and expose.subdomain are both set; one names the host`, path: [...base, 'subdomain'], hint: 'keep expose.subdomain (relative to ingress.domain.name) or expose.host, not both' });
        continue;
      }
      if (given && domain === undefined) {
        findings.push({ code: 'DEX762', message: `${s.name}: expose.subdomain ${s.expose.subdomain} is relative to ingress.domain.name, and the spec has no ingress.domain`, path: [...base, 'subdomain'], hint: 'add ingress.domain, or write the whole host name in expose.host' });
        continue;
      }
      const host = s.expose.host;
      if (host === undefined) continue;
      const at = given ? [...base, 'subdomain'] : [...base, 'host'];
      if (given && !domainValid) continue;
      const problem = dnsNameProblem(host, true);
      if (problem) {
        findings.push({ code: 'DEX760', message: `${s.name}: expose.host ${host} is not a DNS name: ${problem}`, path: at, hint: 'write the host in lowercase letters, digits and hyphens, e.g. api.example.com' });
        continue;
      }
      if (domain !== undefined && domain.name !== '' && host !== domain.name && !host.endsWith(`.${domain.name}`)) {
        findings.push({
          code: 'DEX761',
          message: `${s.name}: expose.host ${host} is not under ingress.domain.name ${domain.name}: the certificate would not cover it and the hosted zone cannot hold its record`,
          path: at,
          hint: `use a host under ${domain.name}, or expose.subdomain: ${host.split('.')[0]} (relative to the domain, so an environment's own domain moves it too)`,
        });
      }
    }

    if (spec.ingress.http === 'allow') {
      findings.push(
        spec.protect
          ? {
              code: 'DEX764',
              message: `ingress.http is allow in ${spec.environment ?? 'the spec'}, a production-like environment: requests and responses, cookies and tokens included, would cross the internet unencrypted`,
              path: ['ingress', 'http'],
              hint: 'remove ingress.http (port 80 then redirects to HTTPS), or allow it only in a non-production environment overlay',
            }
          : {
              code: 'DEX763',
              severity: 'warning',
              message: `ingress.http is allow: port 80 serves every route in plain HTTP${spec.environment ? ` in ${spec.environment}` : ''}, readable and changeable on the way`,
              path: ['ingress', 'http'],
              hint: 'remove ingress.http to redirect HTTP to HTTPS (the default)',
            },
      );
    }
    return findings;
  },
};
