// Grafana: data sources (Prometheus on the Prometheus server, CloudWatch through the instance
// role), the dashboard provider, one dashboard per service and an overview. UIDs and panel IDs
// are derived from names, never from order, so adding a service or a panel changes no other ID
// (links and annotations keep working).
import { createHash } from 'node:crypto';
import { namePrefix } from '../model/ids.js';
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { SERVICE_JOBS, capacity, serviceExpr, sortedServices } from './metrics.js';

export const PROMETHEUS_UID = 'dex-prometheus';
export const CLOUDWATCH_UID = 'dex-cloudwatch';
/** Where the server has the dashboards (the provider's path). */
export const DASHBOARD_DIR = '/etc/grafana/provisioning/dashboards';

type Obj = Record<string, unknown>;

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A Grafana UID (at most 40 characters) from a name: readable start, hash for uniqueness. */
export function dashboardUid(spec: NormalizedSpec, name: string): string {
  return `${name.slice(0, 23)}-${hash(`${namePrefix(spec)}/${name}`).slice(0, 16)}`;
}

/** A panel ID from the panel's key: a positive 31-bit integer, stable as panels come and go. */
export function panelId(dashboard: string, key: string): number {
  return (parseInt(hash(`${dashboard}/${key}`).slice(0, 8), 16) % 2_000_000_000) + 1;
}

export function datasources(spec: NormalizedSpec, prometheusUrl: string): Obj {
  return {
    apiVersion: 1,
    deleteDatasources: [],
    datasources: [
      {
        name: 'Prometheus',
        uid: PROMETHEUS_UID,
        type: 'prometheus',
        access: 'proxy',
        url: prometheusUrl,
        isDefault: true,
        editable: false,
        jsonData: { httpMethod: 'POST', timeInterval: '30s' },
      },
      {
        name: 'CloudWatch',
        uid: CLOUDWATCH_UID,
        type: 'cloudwatch',
        editable: false,
        jsonData: { authType: 'default', defaultRegion: spec.region },
      },
    ],
  };
}

export function dashboardProvider(): Obj {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'dex',
        orgId: 1,
        folder: 'dex',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: DASHBOARD_DIR, foldersFromFilesStructure: false },
      },
    ],
  };
}

interface PanelSpec {
  readonly key: string;
  readonly title: string;
  readonly unit: string;
  readonly targets: readonly { expr: string; legend: string }[];
  readonly description?: string;
  readonly max?: number;
}

function timeseries(dashboard: string, p: PanelSpec, index: number, width = 12): Obj {
  const perRow = 24 / width;
  return {
    id: panelId(dashboard, p.key),
    type: 'timeseries',
    title: p.title,
    ...(p.description ? { description: p.description } : {}),
    datasource: { type: 'prometheus', uid: PROMETHEUS_UID },
    gridPos: { h: 8, w: width, x: (index % perRow) * width, y: Math.floor(index / perRow) * 8 },
    fieldConfig: { defaults: { unit: p.unit, min: 0, ...(p.max !== undefined ? { max: p.max } : {}) }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: p.targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: { type: 'prometheus', uid: PROMETHEUS_UID }, expr: t.expr, legendFormat: t.legend, range: true })),
  };
}

function dashboard(spec: NormalizedSpec, name: string, title: string, tags: string[], panels: Obj[]): Obj {
  return {
    uid: dashboardUid(spec, name),
    title,
    tags: ['dex', spec.name, spec.environment ?? 'default', ...tags],
    timezone: 'utc',
    editable: false,
    graphTooltip: 1,
    refresh: '1m',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [] },
    annotations: {
      list: [
        {
          name: 'Alerts',
          enable: true,
          iconColor: 'red',
          datasource: { type: 'prometheus', uid: PROMETHEUS_UID },
          expr: `ALERTS{alertstate="firing"${name === 'overview' ? '' : `,service="${name}"`}}`,
          titleFormat: '{{alertname}}',
          textFormat: '{{service}}',
          step: '60s',
        },
      ],
    },
    panels,
  };
}

const WINDOW = '$__rate_interval';

export function serviceDashboard(spec: NormalizedSpec, s: NormalizedService): Obj {
  const e = (m: Parameters<typeof serviceExpr>[1]): string => serviceExpr(s, m, WINDOW);
  const sel = `{service="${s.name}"}`;
  const c = capacity(s);
  const panels: PanelSpec[] = [
    { key: 'cpu', title: 'CPU (% of allotted)', unit: 'percent', targets: [{ expr: e('cpu'), legend: 'average' }, { expr: `100 * rate(process_cpu_seconds_total${sel}[${WINDOW}]) / ${c.vcpu}`, legend: '{{instance}}' }] },
    { key: 'memory', title: 'Memory (% of allotted)', unit: 'percent', targets: [{ expr: e('memory'), legend: 'average' }, { expr: `100 * process_resident_memory_bytes${sel} / ${c.memoryBytes}`, legend: '{{instance}}' }] },
    { key: 'requests', title: 'Request rate', unit: 'reqps', targets: [{ expr: e('requestRate'), legend: 'all' }, { expr: `sum by (status_code) (rate(http_request_duration_seconds_count${sel}[${WINDOW}]))`, legend: '{{status_code}}' }] },
    { key: 'errors', title: 'Error rate (% of requests)', unit: 'percent', targets: [{ expr: e('http5xxPercent'), legend: '5xx' }, { expr: e('http4xxPercent'), legend: '4xx' }] },
    { key: 'latency', title: 'Latency p95 / p99', unit: 'ms', targets: [{ expr: e('p95LatencyMs'), legend: 'p95' }, { expr: e('p99LatencyMs'), legend: 'p99' }] },
    {
      key: 'targets',
      title: 'Scrape targets up',
      unit: 'none',
      targets: [{ expr: `sum by (service) (up{job=~"${SERVICE_JOBS.join('|')}",service="${s.name}"})`, legend: 'up' }, { expr: e('unhealthyTargets'), legend: 'down' }],
    },
  ];
  return dashboard(
    spec,
    s.name,
    `${namePrefix(spec)} / ${s.name}`,
    [s.placement],
    panels.map((p, i) => timeseries(s.name, p, i)),
  );
}


export function overviewDashboard(spec: NormalizedSpec): Obj {
  const services = sortedServices(spec);
  const each = (m: Parameters<typeof serviceExpr>[1]): { expr: string; legend: string }[] => services.map((s) => ({ expr: serviceExpr(s, m, WINDOW), legend: s.name }));
  const panels: PanelSpec[] = [
    { key: 'requests', title: 'Request rate by service', unit: 'reqps', targets: each('requestRate') },
    { key: 'errors', title: '5xx responses (% of requests) by service', unit: 'percent', targets: each('http5xxPercent') },
    { key: 'latency-p95', title: 'p95 latency by service', unit: 'ms', targets: each('p95LatencyMs') },
    { key: 'latency-p99', title: 'p99 latency by service', unit: 'ms', targets: each('p99LatencyMs') },
    { key: 'cpu', title: 'CPU (% of allotted) by service', unit: 'percent', targets: each('cpu') },
    { key: 'memory', title: 'Memory (% of allotted) by service', unit: 'percent', targets: each('memory') },
    { key: 'targets-down', title: 'Targets down by job', unit: 'none', targets: [{ expr: 'count by (job) (up == 0)', legend: '{{job}}' }] },
    { key: 'alerts', title: 'Firing alerts', unit: 'none', targets: [{ expr: 'count by (alertname, severity) (ALERTS{alertstate="firing"})', legend: '{{alertname}} ({{severity}})' }] },
  ];
  return dashboard(
    spec,
    'overview',
    `${namePrefix(spec)} / overview`,
    ['overview'],
    panels.map((p, i) => timeseries('overview', p, i)),
  );
}
