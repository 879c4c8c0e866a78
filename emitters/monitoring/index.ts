// The monitoring emitter: out/<env>/monitoring/, the self-managed Prometheus and Grafana
// configuration. monitoring/prometheus/ is installed as /etc/prometheus on the Prometheus server
// and monitoring/grafana/provisioning/ as /etc/grafana/provisioning on the Grafana server
// (services/ec2.ts writes the same files in their user data). Written only when the servers are
// on (`monitoring.prometheus.enabled`, `monitoring.grafana.enabled`). docs/monitoring.md says
// what is scraped, how, and what services must expose.
import { grafanaFiles, prometheusFiles } from '../../compiler/monitoring/files.js';
import type { EmittedFile } from '../../compiler/model/output.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { EnvironmentEmitter } from '../index.js';

export function emitMonitoring(spec: NormalizedSpec): EmittedFile[] {
  const out: EmittedFile[] = [];
  if (spec.monitoring.prometheus.enabled) out.push(...prometheusFiles(spec).map((f) => ({ ...f, path: `monitoring/prometheus/${f.path}` })));
  if (spec.monitoring.grafana.enabled) out.push(...grafanaFiles(spec).map((f) => ({ ...f, path: `monitoring/grafana/provisioning/${f.path}` })));
  return out;
}

export const monitoringEmitter: EnvironmentEmitter = {
  name: 'monitoring',
  emit: ({ spec }) => emitMonitoring(spec),
};
