// Named load balancers (`ingress.loadBalancers`, `expose.loadBalancer`, `expose.listener`): every
// reference names one, each setting fits the load balancer's type, an NLB's listeners do not
// share a port, HTTPS and TLS listeners have a certificate, and WAF is not promised where it cannot run.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

export const loadBalancersRule: SemanticRule = {
  id: 'load-balancers',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const lbs = spec.ingress.loadBalancers ?? {};
    const hasCertificate = spec.ingress.tls.certificateArn !== undefined || spec.ingress.domain !== undefined;
    const nlbPorts = new Map<string, string>();
    const used = new Set<string>();
    for (const s of Object.values(spec.services).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const base = ['services', s.name, 'expose'];
      const name = s.expose.loadBalancer;
      if (name === undefined) {
        if (s.expose.listener !== undefined) {
          findings.push({ code: 'DEX771', message: `${s.name}: expose.listener is for a service on an NLB, and ${s.name} names no expose.loadBalancer`, path: [...base, 'listener'], hint: 'add expose.loadBalancer: <an nlb of ingress.loadBalancers>, or remove expose.listener' });
        }
        continue;
      }
      const lb = Object.hasOwn(lbs, name) ? lbs[name] : undefined;
      if (lb === undefined) {
        const known = Object.keys(lbs);
        findings.push({
          code: 'DEX768',
          message: `${s.name}: expose.loadBalancer ${name} is not in ingress.loadBalancers${known.length ? ` (${known.join(', ')})` : ', which names none'}`,
          path: [...base, 'loadBalancer'],
          hint: known.length ? `use one of ${known.join(', ')}, or add ${name} under ingress.loadBalancers` : `add ingress.loadBalancers: { ${name}: { type: alb, scheme: internal } }`,
        });
        continue;
      }
      used.add(name);
      if (s.expose.public) {
        findings.push({ code: 'DEX771', message: `${s.name}: expose.public routes from the shared public ALB, and expose.loadBalancer from ${name}; a service is behind one`, path: [...base, 'public'], hint: `remove expose.public: ${name}'s scheme (${lb.scheme}) decides who reaches ${s.name}` });
      }
      if (s.port === undefined) {
        findings.push({ code: 'DEX772', message: `${s.name} is behind ${name} but has no port for it to send traffic to`, path: [...base, 'loadBalancer'], hint: 'set port: to the port the container listens on' });
        continue;
      }
      if (lb.type === 'alb') {
        if (s.expose.listener !== undefined) findings.push({ code: 'DEX771', message: `${s.name}: expose.listener sets an NLB listener, but ${name} is an ALB (it routes HTTPS by host and path)`, path: [...base, 'listener'], hint: `remove expose.listener, or make ${name} type: nlb` });
        if (s.expose.path === undefined) findings.push({ code: 'DEX772', message: `${s.name} is behind the ALB ${name} but has no expose.path: an ALB routes to services by path`, path: [...base, 'loadBalancer'], hint: `add expose.path, e.g. path: /${s.name}` });
      } else {
        if (s.expose.path !== undefined || s.expose.host !== undefined) {
          findings.push({ code: 'DEX771', message: `${s.name}: ${name} is an NLB, which forwards connections on a port and cannot route by ${s.expose.path !== undefined ? 'path' : 'host'}`, path: [...base, s.expose.path !== undefined ? 'path' : s.expose.subdomain !== undefined ? 'subdomain' : 'host'], hint: 'remove it, or put the service on an ALB' });
        }
        const port = s.expose.listener?.port ?? s.port;
        const protocol = s.expose.listener?.protocol ?? 'TCP';
        // An NLB listens once per port: TCP and UDP on one port would be one TCP_UDP listener.
        const key = `${name}:${port}`;
        const first = nlbPorts.get(key);
        if (first !== undefined) {
          findings.push({ code: 'DEX773', message: `${s.name} and ${first} both listen on ${name} port ${port}: an NLB has one listener per port`, path: [...base, s.expose.listener ? 'listener' : 'loadBalancer'], hint: `give ${s.name} its own expose.listener.port` });
        } else nlbPorts.set(key, s.name);
        if (protocol === 'TLS' && !hasCertificate) {
          findings.push({ code: 'DEX770', message: `${s.name}'s TLS listener on ${name} needs a certificate, and the spec has neither ingress.domain nor ingress.tls.certificateArn`, path: [...base, 'listener', 'protocol'], hint: 'add ingress.domain (dex issues the certificate) or ingress.tls.certificateArn' });
        }
      }
    }
    for (const lb of Object.values(lbs)) {
      const at = ['ingress', 'loadBalancers', lb.name];
      if (lb.staticIps && (lb.type !== 'nlb' || lb.scheme !== 'internet-facing')) {
        findings.push({ code: 'DEX771', message: `ingress.loadBalancers.${lb.name}: staticIps needs an internet-facing NLB (Elastic IPs per zone); ${lb.name} is ${lb.scheme} ${lb.type}`, path: [...at, 'staticIps'], hint: 'set type: nlb and scheme: internet-facing, or remove staticIps' });
      }
      if (lb.type === 'alb' && used.has(lb.name) && !hasCertificate) {
        findings.push({ code: 'DEX770', message: `the ALB ${lb.name} serves HTTPS and needs a certificate, and the spec has neither ingress.domain nor ingress.tls.certificateArn`, path: at, hint: 'add ingress.domain (dex issues the certificate) or ingress.tls.certificateArn' });
      }
      if (!used.has(lb.name)) {
        findings.push({ code: 'DEX774', message: `ingress.loadBalancers.${lb.name}: no service names it in expose.loadBalancer, so dex creates nothing for it`, path: at, hint: `add expose.loadBalancer: ${lb.name} to a service, or remove it` });
      }
    }
    // WAF inspects HTTP: an NLB cannot carry a web ACL.
    const publicNlb = Object.values(lbs).filter((lb) => lb.type === 'nlb' && lb.scheme === 'internet-facing' && used.has(lb.name));
    const publicAlb = Object.values(spec.services).some((s) => s.expose.public && s.expose.loadBalancer === undefined) || Object.values(lbs).some((lb) => lb.type === 'alb' && lb.scheme === 'internet-facing' && used.has(lb.name));
    if (spec.ingress.waf.enabled && publicNlb.length > 0 && !publicAlb) {
      findings.push({
        code: 'DEX769',
        severity: 'warning',
        message: `ingress.waf protects nothing here: ${publicNlb.map((lb) => lb.name).join(', ')} ${publicNlb.length === 1 ? 'is an NLB' : 'are NLBs'}, and AWS WAF attaches only to ALBs (it inspects HTTP, an NLB forwards connections)`,
        path: ['ingress', 'waf'],
        hint: 'put HTTP services on an ALB to have WAF in front of them; filter an NLB by its security group and the service itself',
      });
    }
    return findings;
  },
};
