// Monitoring: the alarm topic (KMS-encrypted) and its e-mail subscription, one CloudWatch alarm
// per alert per target mapped to the metric that means it on the target's platform, a dashboard,
// and X-Ray (a sampling rule and a group) when tracing is on.
import { ID, getAtt, namePrefix, pascal, ref, resource, tagList, xrayGroupName } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource } from '../compiler/model/types.js';
import type { NormalizedAlert, NormalizedService, NormalizedSpec } from '../spec/model.js';
import { cacheLayout } from './elasticache.js';
import { databaseMetricDimension, isAurora } from './rds.js';
import { isExposed, xrayServiceName } from './ecs.js';
import { serviceAccount } from './iam.js';

const GIB = 1024 ** 3;

type Dimension = { Name: string; Value: CfnValue };
type MetricStat = { namespace: string; metric: string; dimensions: Dimension[] };

/** What an alarm watches: one metric with a statistic, or metric math over several. */
type Watch =
  | { kind: 'metric'; stat: MetricStat; statistic: string; scale: number }
  | { kind: 'math'; expression: string; metrics: Record<string, MetricStat>; statistic: string; scale: number; label: string };

interface Target {
  readonly key: string;
  readonly component: string;
  readonly watch: Watch;
}

const period = (alert: NormalizedAlert): { Period: number; EvaluationPeriods: number } => {
  const seconds = Number.isFinite(alert.forSeconds) ? alert.forSeconds : 300;
  const p = seconds > 3600 ? 300 : 60;
  return { Period: p, EvaluationPeriods: Math.max(1, Math.ceil(seconds / p)) };
};

function serviceWatch(s: NormalizedService, kind: 'cpu' | 'memory'): Watch {
  switch (s.placement) {
    case 'ecs':
      return {
        kind: 'metric',
        stat: { namespace: 'AWS/ECS', metric: kind === 'cpu' ? 'CPUUtilization' : 'MemoryUtilization', dimensions: [{ Name: 'ClusterName', Value: ref(ID.ecsCluster) }, { Name: 'ServiceName', Value: getAtt(ID.ecsService(s.name), 'Name') }] },
        statistic: 'Average',
        scale: 1,
      };
    case 'eks': {
      // Container Insights (the amazon-cloudwatch-observability add-on services/eks.ts installs).
      // `_over_pod_limit`: a percentage of the pod's own CPU and memory (requests = limits), the
      // base the alert's threshold means; pod_cpu_utilization is a percentage of the node.
      // Dimensions that survive a blue/green switch: the Kubernetes Service, which selects only
      // the colour taking traffic, or for a service without a port its namespace (one per
      // service). PodName would be <svc>-blue or <svc>-green and go silent after each switch.
      const sa = serviceAccount(s.name);
      return {
        kind: 'metric',
        stat: {
          namespace: 'ContainerInsights',
          metric: kind === 'cpu' ? 'pod_cpu_utilization_over_pod_limit' : 'pod_memory_utilization_over_pod_limit',
          dimensions: eksPodDimensions(s.name, sa.namespace, s.port !== undefined),
        },
        statistic: 'Average',
        scale: 1,
      };
    }
    case 'ec2':
      return {
        kind: 'metric',
        stat:
          kind === 'cpu'
            ? { namespace: 'AWS/EC2', metric: 'CPUUtilization', dimensions: [{ Name: 'AutoScalingGroupName', Value: ref(ID.autoScalingGroup(s.name)) }] }
            : // The CloudWatch agent the instances run (services/ec2.ts) publishes memory per group.
              { namespace: 'CWAgent', metric: 'mem_used_percent', dimensions: [{ Name: 'AutoScalingGroupName', Value: ref(ID.autoScalingGroup(s.name)) }] },
        statistic: 'Average',
        scale: 1,
      };
    default: {
      const never: never = s.placement;
      throw new Error(`unknown placement ${String(never)}`);
    }
  }
}

/**
 * Container Insights dimensions of an EKS service's pods: ClusterName and Namespace, and Service
 * when the service has a Kubernetes Service (the name dex gives it is the service's own).
 */
export function eksPodDimensions(service: string, namespace: string, hasKubernetesService: boolean): Dimension[] {
  return [
    { Name: 'ClusterName', Value: ref(ID.eksCluster) },
    { Name: 'Namespace', Value: namespace },
    ...(hasKubernetesService ? [{ Name: 'Service', Value: service }] : []),
  ];
}

function targetGroupDims(service: string): Dimension[] {
  return [
    { Name: 'TargetGroup', Value: getAtt(ID.targetGroup(service), 'TargetGroupFullName') },
    { Name: 'LoadBalancer', Value: getAtt(ID.loadBalancer, 'LoadBalancerFullName') },
  ];
}

/** The cache's node IDs at its minimum size (ElastiCache metrics are per node). */
function cacheNodes(spec: NormalizedSpec, name: string): CfnValue[] {
  const cache = spec.caches[name]!;
  const layout = cacheLayout(cache);
  const nodes: CfnValue[] = [];
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  for (let shard = 1; shard <= layout.minShards; shard++) {
    for (let node = 1; node <= layout.nodesPerShard; node++) {
      const suffix = cache.clusterMode ? `-${pad(shard, 4)}-${pad(node, 3)}` : `-${pad(node, 3)}`;
      nodes.push({ 'Fn::Join': ['', [ref(ID.cache(name)), suffix]] });
    }
  }
  return nodes;
}

function targets(spec: NormalizedSpec, alert: NormalizedAlert): Target[] {
  // A job has no running service to watch between its runs (its failures: jobAlarms).
  const services = Object.values(spec.services)
    .filter((s) => s.kind !== 'job' && (alert.services === undefined || alert.services.includes(s.name)))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const exposed = services.filter((s) => isExposed(spec, s));
  const dbs = Object.keys(spec.databases).sort();
  const caches = Object.keys(spec.caches).sort();
  const svc = (s: NormalizedService, watch: Watch): Target => ({ key: s.name, component: `service/${s.name}`, watch });
  switch (alert.metric) {
    case 'cpu':
    case 'memory':
      return services.map((s) => svc(s, serviceWatch(s, alert.metric as 'cpu' | 'memory')));
    case 'http5xxPercent':
    case 'http4xxPercent': {
      const code = alert.metric === 'http5xxPercent' ? 'HTTPCode_Target_5XX_Count' : 'HTTPCode_Target_4XX_Count';
      return exposed.map((s) =>
        svc(s, {
          kind: 'math',
          expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)',
          label: `${code} as a percentage of RequestCount`,
          metrics: {
            errors: { namespace: 'AWS/ApplicationELB', metric: code, dimensions: targetGroupDims(s.name) },
            requests: { namespace: 'AWS/ApplicationELB', metric: 'RequestCount', dimensions: targetGroupDims(s.name) },
          },
          statistic: 'Sum',
          scale: 1,
        }),
      );
    }
    case 'p95LatencyMs':
    case 'p99LatencyMs':
      // TargetResponseTime is in seconds: the threshold in ms is divided by 1000.
      return exposed.map((s) =>
        svc(s, { kind: 'metric', stat: { namespace: 'AWS/ApplicationELB', metric: 'TargetResponseTime', dimensions: targetGroupDims(s.name) }, statistic: alert.metric === 'p95LatencyMs' ? 'p95' : 'p99', scale: 1 / 1000 }),
      );
    case 'unhealthyTargets':
      return exposed.map((s) => svc(s, { kind: 'metric', stat: { namespace: 'AWS/ApplicationELB', metric: 'UnHealthyHostCount', dimensions: targetGroupDims(s.name) }, statistic: 'Maximum', scale: 1 }));
    case 'dbCpu':
    case 'dbFreeStorageGiB':
    case 'dbConnections': {
      const metric = alert.metric === 'dbCpu' ? 'CPUUtilization' : alert.metric === 'dbFreeStorageGiB' ? 'FreeStorageSpace' : 'DatabaseConnections';
      // Aurora's cluster volume grows by itself and has no FreeStorageSpace metric (DEX709 says so).
      const watched = alert.metric === 'dbFreeStorageGiB' ? dbs.filter((db) => !isAurora(spec.databases[db]!)) : dbs;
      return watched.map((db) => ({
        key: db,
        component: `database/${db}`,
        watch: {
          kind: 'metric',
          stat: { namespace: 'AWS/RDS', metric, dimensions: [databaseMetricDimension(spec, db)] },
          statistic: alert.metric === 'dbFreeStorageGiB' ? 'Minimum' : alert.metric === 'dbConnections' ? 'Maximum' : 'Average',
          scale: alert.metric === 'dbFreeStorageGiB' ? GIB : 1,
        },
      }));
    }
    case 'cacheCpu':
    case 'cacheMemory': {
      const metric = alert.metric === 'cacheCpu' ? 'EngineCPUUtilization' : 'DatabaseMemoryUsagePercentage';
      return caches.map((name) => {
        const nodes = cacheNodes(spec, name);
        const stat = (node: CfnValue): MetricStat => ({ namespace: 'AWS/ElastiCache', metric, dimensions: [{ Name: 'CacheClusterId', Value: node }] });
        const watch: Watch =
          nodes.length === 1
            ? { kind: 'metric', stat: stat(nodes[0]!), statistic: 'Average', scale: 1 }
            : {
                kind: 'math',
                expression: `MAX([${nodes.map((_, i) => `n${i + 1}`).join(', ')}])`,
                label: `${metric}, busiest node`,
                metrics: Object.fromEntries(nodes.map((n, i) => [`n${i + 1}`, stat(n)])),
                statistic: 'Average',
                scale: 1,
              };
        return { key: name, component: `cache/${name}`, watch };
      });
    }
    default: {
      const never: never = alert.metric;
      throw new Error(`unknown alert metric ${String(never)}`);
    }
  }
}

function alarmResources(spec: NormalizedSpec): ModelResource[] {
  const out: ModelResource[] = [];
  spec.monitoring.alerts.forEach((alert, index) => {
    const threshold = alert.above ?? alert.below;
    if (threshold === undefined) return;
    const comparison = alert.above !== undefined ? 'GreaterThanThreshold' : 'LessThanThreshold';
    const { Period, EvaluationPeriods } = period(alert);
    for (const t of targets(spec, alert)) {
      const w = t.watch;
      const dims = (d: Dimension[]) => d.map((x) => ({ Name: x.Name, Value: x.Value }));
      const percentile = /^p\d+(\.\d+)?$/.test(w.statistic);
      const watched: Record<string, CfnValue> =
        w.kind === 'metric'
          ? {
              Namespace: w.stat.namespace,
              MetricName: w.stat.metric,
              Dimensions: dims(w.stat.dimensions),
              ...(percentile ? { ExtendedStatistic: w.statistic } : { Statistic: w.statistic }),
              Period,
            }
          : {
              Metrics: [
                { Id: 'result', Expression: w.expression, Label: w.label, ReturnData: true },
                ...Object.entries(w.metrics).map(([id, m]) => ({
                  Id: id,
                  MetricStat: { Metric: { Namespace: m.namespace, MetricName: m.metric, Dimensions: dims(m.dimensions) }, Period, Stat: w.statistic },
                  ReturnData: false,
                })),
              ],
            };
      const metricCount = w.kind === 'metric' ? 1 : Object.keys(w.metrics).length;
      out.push(
        resource({
          logicalId: ID.alarm(alert.name, t.key),
          type: 'AWS::CloudWatch::Alarm',
          layer: 'monitoring',
          origin: ['monitoring', 'alerts', index],
          component: t.component,
          properties: {
            AlarmName: `${namePrefix(spec)}-${alert.name}-${t.key}`,
            AlarmDescription: `${alert.severity}: ${alert.metric} ${alert.above !== undefined ? 'above' : 'below'} ${threshold} for ${alert.for} on ${t.key}`,
            ...watched,
            ComparisonOperator: comparison,
            Threshold: Number((threshold * w.scale).toPrecision(12)),
            EvaluationPeriods,
            DatapointsToAlarm: EvaluationPeriods,
            TreatMissingData: 'notBreaching',
            ActionsEnabled: true,
            AlarmActions: [ref(ID.alarmTopic)],
            OKActions: [ref(ID.alarmTopic)],
            Tags: tagList(spec, t.component),
          },
          usage: [
            {
              meter: 'cloudwatch.alarm',
              unit: 'count-month',
              quantity: { min: metricCount, max: metricCount },
              attributes: { resolution: 'standard' },
              basis: metricCount === 1 ? 'one standard-resolution alarm metric' : `metric math over ${metricCount} metrics: billed per metric`,
            },
          ],
        }),
      );
    }
  });
  return out;
}

/** A dashboard body with CloudFormation values spliced into the JSON string. */
function dashboardBody(widgets: unknown[]): CfnValue {
  const values: CfnValue[] = [];
  const hole = (v: CfnValue): string => `@@${values.push(v) - 1}@@`;
  const json = JSON.stringify({ widgets }, (_key, value: unknown) => (value !== null && typeof value === 'object' && !Array.isArray(value) && ('Ref' in value || 'Fn::GetAtt' in value || 'Fn::Join' in value) ? hole(value as CfnValue) : value));
  const parts: CfnValue[] = [];
  let last = 0;
  for (const m of json.matchAll(/@@(\d+)@@/g)) {
    parts.push(json.slice(last, m.index));
    parts.push(values[Number(m[1])]!);
    last = m.index + m[0].length;
  }
  parts.push(json.slice(last));
  return { 'Fn::Join': ['', parts] };
}

/**
 * Widgets per CloudWatch dashboard. CloudWatch takes 500 widgets and 2,500 metrics on one; pages
 * of 100 stay readable, and each page stays a resource small enough for any stack (one dashboard
 * of a 3,000-service system would be bigger than a whole template may be).
 */
const DASHBOARD_WIDGETS = 100;

interface DashboardWidget {
  readonly title: string;
  readonly metrics: unknown[][];
  readonly stat: string;
}

/** One dashboard, or pages of it for a large system: 'Dashboard', then 'Dashboard2', …, names suffixed -2, …. */
function dashboards(spec: NormalizedSpec): ModelResource[] {
  const region = ref('AWS::Region');
  // A service's widgets stay on one page.
  const groups: DashboardWidget[][] = [];
  const widget = (title: string, metrics: unknown[][], stat = 'Average'): DashboardWidget => ({ title, metrics, stat });
  // A job has no service between runs to chart (its dropped runs have their own alarm).
  const services = Object.values(spec.services)
    .filter((s) => s.kind !== 'job')
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const s of services) {
    const cpu = serviceWatch(s, 'cpu');
    const mem = serviceWatch(s, 'memory');
    const line = (w: Watch, label: string): unknown[] =>
      w.kind === 'metric' ? [w.stat.namespace, w.stat.metric, ...w.stat.dimensions.flatMap((d) => [d.Name, d.Value]), { label }] : [];
    const group = [widget(`${s.name}: CPU and memory %`, [line(cpu, 'CPU'), line(mem, 'memory')])];
    if (isExposed(spec, s)) {
      const dims = targetGroupDims(s.name).flatMap((d) => [d.Name, d.Value]);
      group.push(
        widget(`${s.name}: requests, 5xx, p95 latency`, [
          ['AWS/ApplicationELB', 'RequestCount', ...dims, { stat: 'Sum', label: 'requests' }],
          ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', ...dims, { stat: 'Sum', label: '5xx' }],
          ['AWS/ApplicationELB', 'TargetResponseTime', ...dims, { stat: 'p95', label: 'p95 latency (s)', yAxis: 'right' }],
        ]),
      );
    }
    groups.push(group);
  }
  for (const db of Object.keys(spec.databases).sort()) {
    const dim = databaseMetricDimension(spec, db);
    const dims = [dim.Name, dim.Value];
    groups.push([
      widget(`${db}: database`, [
        ['AWS/RDS', 'CPUUtilization', ...dims, { label: 'CPU %' }],
        ['AWS/RDS', 'DatabaseConnections', ...dims, { label: 'connections', yAxis: 'right' }],
      ]),
    ]);
  }
  for (const name of Object.keys(spec.caches).sort()) {
    const nodes = cacheNodes(spec, name);
    groups.push([
      widget(
        `${name}: cache`,
        nodes.map((n) => ['AWS/ElastiCache', 'EngineCPUUtilization', 'CacheClusterId', n]),
      ),
    ]);
  }
  const customMetrics = spec.usage.customMetrics ?? 0;
  const pages: DashboardWidget[][] = [[]];
  for (const group of groups) {
    if (pages[pages.length - 1]!.length + group.length > DASHBOARD_WIDGETS) pages.push([]);
    pages[pages.length - 1]!.push(...group);
  }
  return pages.map((page, i) => {
    const widgets: unknown[] = [];
    let y = 0;
    for (const w of page) {
      widgets.push({ type: 'metric', x: (widgets.length % 2) * 12, y, width: 12, height: 6, properties: { title: w.title, region, stat: w.stat, period: 300, view: 'timeSeries', metrics: w.metrics } });
      if (widgets.length % 2 === 0) y += 6;
    }
    return resource({
      logicalId: i === 0 ? 'Dashboard' : `Dashboard${i + 1}`,
      type: 'AWS::CloudWatch::Dashboard',
      layer: 'monitoring',
      origin: ['monitoring', 'dashboard'],
      component: 'monitoring',
      properties: { DashboardName: i === 0 ? namePrefix(spec) : `${namePrefix(spec)}-${i + 1}`, DashboardBody: dashboardBody(widgets) },
      usage: [
        { meter: 'cloudwatch.dashboard', unit: 'count-month', quantity: { min: 1, max: 1 }, attributes: {}, basis: 'one dashboard (the first 3 of an account are free)' },
        // The applications publish custom metrics, dex creates none: the usage assumption is priced
        // on the environment's first dashboard, where CloudWatch shows the system's metrics.
        ...(i === 0 && customMetrics > 0
          ? [{ meter: 'cloudwatch.metric' as const, unit: 'count-month', quantity: { min: customMetrics, max: customMetrics }, attributes: {}, basis: `usage.customMetrics: ${customMetrics} custom metrics the applications publish (dex creates none; priced here, on the first dashboard)` }]
          : []),
      ],
    });
  });
}

function xray(spec: NormalizedSpec): ModelResource[] {
  const traces = spec.usage.xrayTracesPerMonth;
  const names = Object.keys(spec.services)
    .sort()
    .map((s) => xrayServiceName(spec, s));
  const tags = tagList(spec, 'monitoring');
  return [
    resource({
      logicalId: 'XRaySamplingRule',
      type: 'AWS::XRay::SamplingRule',
      layer: 'monitoring',
      origin: ['monitoring', 'tracing'],
      component: 'monitoring',
      properties: {
        SamplingRule: {
          // X-Ray rule names have at most 32 characters: cut with a hash, so environments never share one.
          RuleName: xrayGroupName(spec),
          Priority: 1000,
          // One request a second, then 5%: the X-Ray SDK default, limited to this system's services.
          ReservoirSize: 1,
          FixedRate: 0.05,
          ServiceName: `${namePrefix(spec)}/*`,
          ServiceType: '*',
          Host: '*',
          HTTPMethod: '*',
          URLPath: '*',
          ResourceARN: '*',
          Version: 1,
        },
        Tags: tags,
      },
      usage: [
        {
          meter: 'xray.traces',
          unit: 'traces',
          quantity: { min: traces ?? 0, max: traces ?? 0 },
          attributes: {},
          basis: traces === undefined ? 'usage.xrayTracesPerMonth not set' : `usage.xrayTracesPerMonth ${traces} traces recorded (the first 100,000 a month are free)`,
        },
      ],
    }),
    resource({
      logicalId: 'XRayGroup',
      type: 'AWS::XRay::Group',
      layer: 'monitoring',
      origin: ['monitoring', 'tracing'],
      component: 'monitoring',
      properties: {
        GroupName: xrayGroupName(spec),
        FilterExpression: names.map((n) => `service("${n}")`).join(' OR '),
        // Insights cost per trace analysed; off unless asked for.
        InsightsConfiguration: { InsightsEnabled: false, NotificationsEnabled: false },
        Tags: tags,
      },
    }),
  ];
}

export const monitoring: BuildingBlock = {
  name: 'monitoring',
  build(spec: NormalizedSpec): ModelResource[] {
    const out: ModelResource[] = [
      resource({
        logicalId: ID.alarmTopic,
        type: 'AWS::SNS::Topic',
        layer: 'monitoring',
        origin: ['monitoring', 'notify'],
        component: 'monitoring',
        properties: { TopicName: `${namePrefix(spec)}-alarms`, DisplayName: `${spec.name} alarms`, KmsMasterKeyId: getAtt(ID.kmsKey, 'Arn'), Tags: tagList(spec, 'monitoring') },
        usage: [
          {
            meter: 'sns.publish',
            unit: 'requests',
            quantity: { min: 0, max: 0 },
            attributes: {},
            quantityUnknown: 'one publish per alarm state change, and how often alarms change state is not known (the first 1 million publishes a month are free)',
            basis: 'one publish per alarm state change: the volume is not in usage; the first 1 million publishes a month are free',
          },
        ],
      }),
    ];
    const email = spec.monitoring.notify.email;
    if (email !== undefined) {
      out.push(
        resource({
          logicalId: 'AlarmEmailSubscription',
          type: 'AWS::SNS::Subscription',
          layer: 'monitoring',
          origin: ['monitoring', 'notify', 'email'],
          component: 'monitoring',
          properties: { TopicArn: ref(ID.alarmTopic), Protocol: 'email', Endpoint: email },
          usage: [
            {
              meter: 'sns.email',
              unit: 'notifications',
              quantity: { min: 0, max: 0 },
              attributes: {},
              quantityUnknown: 'one message per alarm state change, and how often alarms change state is not known (the first 1,000 e-mail notifications a month are free)',
              basis: 'one message per alarm state change: the volume is not in usage; the first 1,000 e-mail notifications a month are free',
            },
          ],
        }),
      );
    }
    out.push(...alarmResources(spec));
    if (spec.monitoring.dashboard) out.push(...dashboards(spec));
    if (spec.monitoring.tracing === 'xray' && Object.keys(spec.services).length > 0) out.push(...xray(spec));
    return out;
  },
};
