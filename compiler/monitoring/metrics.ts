// The instrumentation contract in PromQL: which series a dex service exposes, how its CPU, memory,
// traffic, errors and latency are computed from them, and which services an alert applies to.
// The alert rules and the Grafana dashboards both read from here, so a panel shows exactly what
// its alert watches. docs/monitoring.md states the same contract in prose.
import { instanceShape } from '../model/instance-types.js';
import { podResources, type NormalizedAlert, type NormalizedService, type NormalizedSpec } from '../../spec/model.js';
import { exposedNames } from '../model/exposure.js';

/** Every scrape job of a dex service sets `service` to the service name (see prometheus.ts). */
export const SERVICE_JOBS = ['dex-ec2', 'dex-ecs', 'dex-eks'] as const;

/** The HTTP histogram every service with a port exposes on `GET /metrics` (seconds, label `status_code`). */
export const HTTP_HISTOGRAM = 'http_request_duration_seconds';

/** One sentence of the contract, written into every rule's annotations. */
export const INSTRUMENTATION =
  'Assumes the service exposes Prometheus metrics on GET /metrics at its port: the client library default process metrics (process_cpu_seconds_total, process_resident_memory_bytes) and an http_request_duration_seconds histogram labelled status_code (prom-client / express-prom-bundle naming).';

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export const sortedServices = (spec: NormalizedSpec): NormalizedService[] => Object.values(spec.services).sort(byName);

/** What the service's CPU and memory percentages are a percentage of (the same base its CloudWatch alarm uses). */
export function capacity(s: NormalizedService): { vcpu: number; memoryBytes: number; basis: string } {
  if (s.placement === 'ec2') {
    const type = s.instanceType ?? 't3.small';
    const shape = instanceShape(type);
    if (shape) return { vcpu: shape.vcpu, memoryBytes: Math.round(shape.memoryGiB * 1024) * 1024 * 1024, basis: `the ${type} instance (${shape.vcpu} vCPU, ${shape.memoryGiB} GiB)` };
  }
  const what = s.placement === 'ecs' ? 'task' : s.placement === 'eks' ? 'pod' : 'instance';
  // The whole task or pod, sidecars included, as its CloudWatch CPU and memory utilization are.
  const size = podResources(s);
  return { vcpu: size.cpu, memoryBytes: size.memoryMiB * 1024 * 1024, basis: `the ${what}'s ${size.cpu} vCPU and ${size.memory}` };
}

/** Label matcher of one service's series. */
export const selector = (s: NormalizedService, extra = ''): string => `{service="${s.name}"${extra}}`;

/** Range of the rate() windows: twice the CloudWatch alarm period (60 s, or 300 s past an hour), at least four 30 s scrapes. */
export function rateWindow(alert: Pick<NormalizedAlert, 'forSeconds'> | undefined): string {
  const seconds = alert && Number.isFinite(alert.forSeconds) ? alert.forSeconds : 300;
  return seconds > 3600 ? '10m' : '2m';
}

const num = (n: number): string => String(Number(n.toPrecision(12)));

/** PromQL of a service-level metric, as the value its alert compares with its threshold. */
export function serviceExpr(s: NormalizedService, metric: ServiceMetric, window: string): string {
  const c = capacity(s);
  const sel = selector(s);
  switch (metric) {
    case 'cpu':
      return `100 * avg by (service) (rate(process_cpu_seconds_total${sel}[${window}])) / ${num(c.vcpu)}`;
    case 'memory':
      return `100 * avg by (service) (process_resident_memory_bytes${sel}) / ${num(c.memoryBytes)}`;
    case 'requestRate':
      return `sum by (service) (rate(${HTTP_HISTOGRAM}_count${sel}[${window}]))`;
    case 'http5xxPercent':
    case 'http4xxPercent': {
      const cls = metric === 'http5xxPercent' ? '5' : '4';
      return `100 * sum by (service) (rate(${HTTP_HISTOGRAM}_count${selector(s, `,status_code=~"${cls}.."`)}[${window}])) / sum by (service) (rate(${HTTP_HISTOGRAM}_count${sel}[${window}]))`;
    }
    case 'p95LatencyMs':
    case 'p99LatencyMs': {
      const q = metric === 'p95LatencyMs' ? '0.95' : '0.99';
      return `1000 * histogram_quantile(${q}, sum by (service, le) (rate(${HTTP_HISTOGRAM}_bucket${sel}[${window}])))`;
    }
    case 'unhealthyTargets':
      return `(count by (service) (up{job=~"${SERVICE_JOBS.join('|')}",service="${s.name}"} == 0) or vector(0))`;
    default: {
      const never: never = metric;
      throw new Error(`unknown metric ${String(never)}`);
    }
  }
}

export type ServiceMetric = 'cpu' | 'memory' | 'requestRate' | 'http5xxPercent' | 'http4xxPercent' | 'p95LatencyMs' | 'p99LatencyMs' | 'unhealthyTargets';

/**
 * The services an alert applies to in Prometheus: the same services services/monitoring.ts
 * alarms on (HTTP and target alerts only where the load balancer fronts the service), and none
 * for the data-tier metrics, which Prometheus does not scrape (their CloudWatch alarms stand).
 */
export function alertServices(spec: NormalizedSpec, alert: NormalizedAlert): NormalizedService[] {
  // Jobs are watched by their failures (KubeJobFailed, the schedule's alarm), not a running service's metrics.
  const services = sortedServices(spec).filter((s) => s.kind !== 'job' && (alert.services === undefined || alert.services.includes(s.name)));
  switch (alert.metric) {
    case 'cpu':
    case 'memory':
      return services;
    case 'http5xxPercent':
    case 'http4xxPercent':
    case 'p95LatencyMs':
    case 'p99LatencyMs':
    case 'unhealthyTargets':
      return services.filter((s) => exposedNames(spec).has(s.name));
    default:
      return [];
  }
}

/** The alert metrics Prometheus evaluates; the rest stay CloudWatch alarms only. */
export const isServiceMetric = (metric: NormalizedAlert['metric']): metric is ServiceMetric & NormalizedAlert['metric'] =>
  ['cpu', 'memory', 'http5xxPercent', 'http4xxPercent', 'p95LatencyMs', 'p99LatencyMs', 'unhealthyTargets'].includes(metric);
