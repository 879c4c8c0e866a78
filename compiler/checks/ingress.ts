// Ingress rules: a public service is reached through the load balancer, over HTTPS, on a path
// (and host) no other service claims.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

const routeKey = (s: NormalizedService): string => `${s.expose.host ?? ''}|${(s.expose.path ?? '').replace(/\/+$/, '') || '/'}`;
const routeText = (s: NormalizedService): string => `${s.expose.host ?? ''}${s.expose.path ?? ''}`;

/** The partition of a region: its ARNs start arn:<partition>:. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

// arn:<partition>:acm:<region>:<account>:certificate/<id>; ACM names every certificate by a UUID.
const ACM_ARN = /^arn:([^:]*):acm:([^:]*):(\d{12}):certificate\/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

/**
 * A listener certificate must be an ACM certificate in the listener's own partition and region:
 * ACM certificates are regional, and only CloudFront (which dex does not emit) reads us-east-1's.
 */
export function certificateFindings(arn: string, region: string, path: readonly (string | number)[]): Finding[] {
  const partition = partitionOf(region);
  const parts = ACM_ARN.exec(arn);
  if (!parts) {
    return [
      {
        code: 'DEX343',
        message: `${arn} is not an ACM certificate ARN (arn:${partition}:acm:${region}:<12-digit account>:certificate/<uuid>)`,
        path,
        hint: `copy the certificate's ARN from AWS Certificate Manager in ${region} (aws acm list-certificates --region ${region})`,
      },
    ];
  }
  const findings: Finding[] = [];
  const [, arnPartition, certRegion] = parts;
  if (arnPartition !== partition) {
    findings.push({
      code: 'DEX343',
      message: `the certificate ARN is in partition ${arnPartition}, but ${region} is in partition ${partition}: the load balancer cannot use a certificate from another partition`,
      path,
      hint: `use the ARN of an ACM certificate in ${region}; it starts arn:${partition}:acm:${region}:`,
    });
  }
  if (certRegion !== region) {
    findings.push({
      code: 'DEX320',
      message: `the TLS certificate is in ${certRegion}, but the load balancer is in ${region}: an ALB listener can only use an ACM certificate from its own region`,
      path,
      hint: `issue (request or import) the certificate in ACM in ${region}, the listener's region, and use its ARN: ACM certificates are regional (a us-east-1 certificate is what CloudFront would need, and dex emits no CloudFront distribution)`,
    });
  }
  return findings;
}

export const ingressRule: SemanticRule = {
  id: 'ingress',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const publicServices = Object.values(spec.services).filter((s) => s.expose.public);
    for (const s of publicServices) {
      if (s.expose.path === undefined) {
        findings.push({
          code: 'DEX311',
          message: `${s.name} is public but has no expose.path: the load balancer routes to services by path`,
          path: ['services', s.name, 'expose', 'public'],
          hint: `add expose.path, e.g. path: /api/${s.name.replace(/-service$/, '')}`,
        });
      }
      if (spec.ingress.loadBalancer !== 'alb') {
        findings.push({
          code: 'DEX311',
          message: `${s.name} is public, but ingress.loadBalancer is ${spec.ingress.loadBalancer}: there is nothing to reach it through`,
          path: ['services', s.name, 'expose', 'public'],
          hint: 'set ingress.loadBalancer: alb, or expose.public: false',
        });
      }
      if (s.port === undefined) {
        findings.push({
          code: 'DEX311',
          message: `${s.name} is public but has no port for the load balancer to send traffic to`,
          path: ['services', s.name, 'expose', 'public'],
          hint: 'set port: to the port the container listens on',
        });
      }
    }

    // HTTPS only: a public service needs a certificate on the load balancer.
    // ingress.domain: dex issues the certificate itself (services/domain.ts).
    if (publicServices.length > 0 && spec.ingress.loadBalancer === 'alb' && spec.ingress.tls.certificateArn === undefined && spec.ingress.domain === undefined) {
      findings.push({
        code: 'DEX311',
        message: `public services (${publicServices.map((s) => s.name).join(', ')}) need HTTPS, but ingress.tls.certificateArn is not set; dex does not serve plain HTTP`,
        path: ['services', publicServices[0]!.name, 'expose', 'public'],
        hint: `set ingress.domain (dex then issues and validates the certificate), or request or import a certificate in AWS Certificate Manager in ${spec.region} and set ingress.tls.certificateArn`,
      });
    }

    // One service per route.
    const seen = new Map<string, NormalizedService>();
    for (const s of publicServices) {
      if (s.expose.path === undefined) continue;
      const key = routeKey(s);
      const first = seen.get(key);
      if (!first) {
        seen.set(key, s);
        continue;
      }
      findings.push({
        code: 'DEX312',
        message: `${s.name} and ${first.name} both route ${routeText(s)}: the load balancer could send a request to only one of them`,
        path: ['services', s.name, 'expose', 'path'],
        hint: `give ${s.name} its own path (or expose.host)`,
      });
    }

    // The certificate is an ACM certificate of the load balancer's partition and region. The
    // region may come from an environment overlay, so this runs per environment.
    const arn = spec.ingress.tls.certificateArn;
    if (arn !== undefined) findings.push(...certificateFindings(arn, spec.region, ['ingress', 'tls', 'certificateArn']));
    return findings;
  },
};
