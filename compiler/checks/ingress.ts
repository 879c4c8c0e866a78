// Ingress rules: a public service is reached through the load balancer, over HTTPS, on a path
// (and host) no other service claims.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

const routeKey = (s: NormalizedService): string => `${s.expose.host ?? ''}|${(s.expose.path ?? '').replace(/\/+$/, '') || '/'}`;
const routeText = (s: NormalizedService): string => `${s.expose.host ?? ''}${s.expose.path ?? ''}`;

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
    if (publicServices.length > 0 && spec.ingress.loadBalancer === 'alb' && spec.ingress.tls.certificateArn === undefined) {
      findings.push({
        code: 'DEX311',
        message: `public services (${publicServices.map((s) => s.name).join(', ')}) need HTTPS, but ingress.tls.certificateArn is not set; dex does not serve plain HTTP`,
        path: ['services', publicServices[0]!.name, 'expose', 'public'],
        hint: `request or import a certificate in AWS Certificate Manager in ${spec.region} and set ingress.tls.certificateArn`,
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

    // The certificate lives in the load balancer's region.
    const arn = spec.ingress.tls.certificateArn;
    if (arn !== undefined) {
      const certRegion = arn.split(':')[3];
      if (certRegion !== undefined && certRegion !== spec.region) {
        findings.push({
          code: 'DEX320',
          message: `the TLS certificate is in ${certRegion}, but the load balancer is in ${spec.region}: an ALB can only use an ACM certificate from its own region`,
          path: ['ingress', 'tls', 'certificateArn'],
          hint: `request or import the certificate in ${spec.region} and use its ARN`,
        });
      }
    }
    return findings;
  },
};
