// Port rules: a service must not listen on a port that something else dex runs on the same hosts
// already holds (the kubelet and webhooks on EKS nodes, SSH and the exporters on EC2 hosts).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedService, NormalizedSpec, Placement } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

interface Reserved {
  readonly port: number;
  readonly by: string;
}

/** Ports held on the hosts a placement runs on, given what else the spec turns on. */
export function reservedPorts(placement: Placement, spec: NormalizedSpec): Reserved[] {
  const out: Reserved[] = [];
  if (placement === 'eks') {
    out.push(
      { port: 10250, by: 'the kubelet on every EKS node' },
      { port: 10256, by: 'kube-proxy health checks on every EKS node' },
      { port: 443, by: 'admission webhooks the EKS control plane calls' },
      { port: 9443, by: 'the AWS Load Balancer Controller webhook' },
    );
  }
  if (placement === 'ec2') {
    out.push({ port: 22, by: 'SSH on every EC2 host' });
    if (spec.monitoring.prometheus.enabled) {
      out.push({ port: 9090, by: 'Prometheus (monitoring.prometheus)' }, { port: 9100, by: 'the Prometheus node exporter on every EC2 host' });
    }
    if (spec.monitoring.grafana.enabled) out.push({ port: 3000, by: 'Grafana (monitoring.grafana)' });
  }
  return out;
}

export const portsRule: SemanticRule = {
  id: 'ports',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      if (s.port === undefined) continue;
      const clash = reservedPorts(s.placement, spec).find((r) => r.port === s.port);
      if (!clash) continue;
      findings.push({
        code: 'DEX304',
        message: `${s.name} listens on port ${s.port}, which ${clash.by} holds; on placement ${s.placement} a service may not use a port dex reserves on its hosts (${reservedList(s, spec)})`,
        path: ['services', s.name, 'port'],
        hint: `choose another port, e.g. ${freePort(s, spec)}`,
      });
    }
    return findings;
  },
};

function reservedList(s: NormalizedService, spec: NormalizedSpec): string {
  return reservedPorts(s.placement, spec)
    .map((r) => r.port)
    .join(', ');
}

function freePort(s: NormalizedService, spec: NormalizedSpec): number {
  const taken = new Set(reservedPorts(s.placement, spec).map((r) => r.port));
  for (const candidate of [8080, 8000, 8081, 3001, 5000]) if (!taken.has(candidate)) return candidate;
  return 8080;
}
