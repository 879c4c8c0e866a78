// Prometheus: the server's configuration (what is scraped and how it is found), the alert rules
// made from `monitoring.alerts`, and the discovery helper the server's host runs. Paths inside
// prometheus.yml are relative to it: the directory is installed as /etc/prometheus (see
// services/ec2.ts) and `promtool check config` runs on the emitted tree as it is.
//
// Discovery, per placement:
//   ec2  ec2_sd_configs on the dex:system / dex:environment / dex:component tags dex puts on every
//        instance (the server's role may ec2:DescribeInstances);
//   ecs  file_sd: Prometheus has no ECS discovery, so dex-discovery.sh (a systemd timer on the
//        server, every 30 s) lists each service's RUNNING tasks with the AWS CLI and writes their
//        awsvpc IPs to file_sd/ecs/<service>.json;
//   eks  file_sd as well: dex-discovery.sh asks the cluster's private endpoint (reachable from the
//        VPC) for the Running pods of each service's namespace, with a token from `aws eks
//        get-token`, and writes their VPC IPs (VPC CNI) to file_sd/eks/<service>.json. Not
//        kubernetes_sd_configs: its bearer token expires every 15 minutes, and Debian's promtool,
//        which CI checks the configuration with, is built without Kubernetes discovery.
import { namePrefix } from '../model/ids.js';
import { shellQuote } from '../model/quote.js';
import type { NormalizedAlert, NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { INSTRUMENTATION, alertServices, capacity, isServiceMetric, rateWindow, serviceExpr, sortedServices } from './metrics.js';

export const SCRAPE_INTERVAL = '30s';
/** The cluster's API endpoint and CA, written by the server's user data (services/ec2.ts). */
export const EKS_ENDPOINT_FILE = '/etc/dex/eks/endpoint';
export const EKS_CA_FILE = '/etc/dex/eks/ca.crt';
export const NODE_EXPORTER_PORT = 9100;

type Obj = Record<string, unknown>;

const placed = (spec: NormalizedSpec, placement: NormalizedService['placement']): NormalizedService[] =>
  sortedServices(spec).filter((s) => s.placement === placement && s.port !== undefined);

function tagFilters(spec: NormalizedSpec, component?: string): Obj[] {
  return [
    { name: 'tag:dex:system', values: [spec.name] },
    { name: 'tag:dex:environment', values: [spec.environment ?? 'default'] },
    ...(component ? [{ name: 'tag:dex:component', values: [component] }] : []),
    { name: 'instance-state-name', values: ['running'] },
  ];
}

export function prometheusConfig(spec: NormalizedSpec): Obj {
  const ec2 = placed(spec, 'ec2');
  const ecs = placed(spec, 'ecs');
  const eks = placed(spec, 'eks');
  const jobs: Obj[] = [{ job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] }];
  if (ec2.length) {
    jobs.push({
      job_name: 'dex-ec2',
      metrics_path: '/metrics',
      ec2_sd_configs: ec2.map((s) => ({ region: spec.region, port: s.port, refresh_interval: '60s', filters: tagFilters(spec, `service/${s.name}`) })),
      relabel_configs: [
        { source_labels: ['__meta_ec2_tag_dex_component'], regex: 'service/(.+)', target_label: 'service', replacement: '$1' },
        { source_labels: ['__meta_ec2_instance_id'], target_label: 'instance' },
        { target_label: 'placement', replacement: 'ec2' },
      ],
    });
  }
  if (ecs.length) {
    jobs.push({
      job_name: 'dex-ecs',
      metrics_path: '/metrics',
      // Written by dex-discovery.sh: targets carry `service`, `placement` and `task` already.
      file_sd_configs: [{ files: ['file_sd/ecs/*.json'], refresh_interval: '30s' }],
    });
  }
  if (eks.length) {
    jobs.push({
      job_name: 'dex-eks',
      metrics_path: '/metrics',
      // Written by dex-discovery.sh from the Kubernetes API: Running pods of each service's namespace.
      file_sd_configs: [{ files: ['file_sd/eks/*.json'], refresh_interval: '30s' }],
    });
  }
  // Host metrics of every dex EC2 instance (services, Prometheus, Grafana): node exporter on 9100.
  jobs.push({
    job_name: 'dex-node',
    ec2_sd_configs: [{ region: spec.region, port: NODE_EXPORTER_PORT, refresh_interval: '60s', filters: tagFilters(spec) }],
    relabel_configs: [
      { source_labels: ['__meta_ec2_tag_dex_component'], regex: '(service|monitoring)/.+', action: 'keep' },
      { source_labels: ['__meta_ec2_tag_dex_component'], target_label: 'component' },
      { source_labels: ['__meta_ec2_instance_id'], target_label: 'instance' },
    ],
  });
  return {
    global: {
      scrape_interval: SCRAPE_INTERVAL,
      scrape_timeout: '10s',
      evaluation_interval: SCRAPE_INTERVAL,
      external_labels: { system: spec.name, environment: spec.environment ?? 'default' },
    },
    rule_files: ['rules/*.yml'],
    scrape_configs: jobs,
  };
}

const THRESHOLD_UNIT: Record<string, string> = {
  cpu: '%',
  memory: '%',
  http5xxPercent: '%',
  http4xxPercent: '%',
  p95LatencyMs: ' ms',
  p99LatencyMs: ' ms',
  unhealthyTargets: ' targets',
};

const WHAT: Record<string, string> = {
  cpu: 'CPU use',
  memory: 'memory use',
  http5xxPercent: 'share of 5xx responses',
  http4xxPercent: 'share of 4xx responses',
  p95LatencyMs: 'p95 latency',
  p99LatencyMs: 'p99 latency',
  unhealthyTargets: 'targets Prometheus cannot scrape',
};

function rule(spec: NormalizedSpec, alert: NormalizedAlert, s: NormalizedService): Obj {
  const threshold = (alert.above ?? alert.below)!;
  const op = alert.above !== undefined ? '>' : '<';
  const metric = alert.metric as keyof typeof WHAT;
  const window = rateWindow(alert);
  const base = alert.metric === 'cpu' || alert.metric === 'memory' ? ` (a percentage of ${capacity(s).basis})` : '';
  return {
    alert: alert.name,
    expr: `${serviceExpr(s, metric as never, window)} ${op} ${threshold}`,
    for: alert.for,
    labels: { severity: alert.severity, service: s.name, environment: spec.environment ?? 'default', system: spec.name, placement: s.placement },
    annotations: {
      summary: `${s.name}: ${WHAT[metric]} ${op === '>' ? 'above' : 'below'} ${threshold}${THRESHOLD_UNIT[metric]} for ${alert.for}`,
      description: `${WHAT[metric]}${base} of ${s.name} in ${namePrefix(spec)} is {{ $value | printf "%.2f" }}${THRESHOLD_UNIT[metric]}, ${op === '>' ? 'above' : 'below'} ${threshold}${THRESHOLD_UNIT[metric]} for ${alert.for} (alert ${alert.name}, ${alert.metric}; the CloudWatch alarm ${namePrefix(spec)}-${alert.name}-${s.name} watches the same condition).`,
      instrumentation: INSTRUMENTATION,
    },
  };
}

/** One group per alert, one rule per service it applies to; data-tier alerts are CloudWatch alarms only. */
export function alertRules(spec: NormalizedSpec): Obj {
  const groups: Obj[] = [];
  for (const alert of spec.monitoring.alerts) {
    if (alert.above === undefined && alert.below === undefined) continue;
    if (!isServiceMetric(alert.metric)) continue;
    const rules = alertServices(spec, alert).map((s) => rule(spec, alert, s));
    if (rules.length) groups.push({ name: `dex-${alert.name}`, rules });
  }
  return { groups };
}

const sh = shellQuote;

/** The helper the Prometheus host runs every 30 s: ECS task targets, and the EKS API token. */
export function discoveryScript(spec: NormalizedSpec): string {
  const ecs = placed(spec, 'ecs');
  const eks = placed(spec, 'eks');
  const cluster = namePrefix(spec);
  const lines = [
    '#!/bin/bash',
    `# dex discovery helper for ${cluster}: installed as /etc/prometheus/dex-discovery.sh and run by`,
    '# the dex-discovery.timer on the Prometheus server (services/ec2.ts). Generated by dex — do not edit.',
    'set -euo pipefail',
    `REGION=${sh(spec.region)}`,
    `CLUSTER=${sh(cluster)}`,
    'cd "$(dirname "$0")"',
  ];
  if (ecs.length) {
    lines.push(
      '',
      '# ECS (Fargate, awsvpc): the private IP of every RUNNING task of a service, as file_sd targets.',
      '# On an API error the previous file stays, so a throttled call never empties the target list.',
      'install -d -m 755 file_sd/ecs',
      'ecs_targets() {',
      '  local service=$1 port=$2 tmp arns',
      '  tmp=$(mktemp "file_sd/ecs/.${service}.XXXXXX")',
      '  arns=$(aws ecs list-tasks --region "$REGION" --cluster "$CLUSTER" --service-name "$service" --desired-status RUNNING --query taskArns --output text) || { rm -f "$tmp"; return 0; }',
      '  if [ -z "$arns" ] || [ "$arns" = None ]; then',
      "    echo '[]' > \"$tmp\"",
      '  else',
      '    # shellcheck disable=SC2086 # one argument per task ARN',
      '    aws ecs describe-tasks --region "$REGION" --cluster "$CLUSTER" --tasks $arns --output json |',
      '      jq --arg service "$service" --arg port "$port" \'[.tasks[] | select(.lastStatus == "RUNNING")',
      '        | {targets: [(.attachments[].details[] | select(.name == "privateIPv4Address") | .value) + ":" + $port],',
      '           labels: {service: $service, placement: "ecs", task: (.taskArn | split("/") | last)}}]\' > "$tmp" || { rm -f "$tmp"; return 0; }',
      '  fi',
      '  chmod 644 "$tmp"',
      '  mv -f "$tmp" "file_sd/ecs/${service}.json"',
      '}',
      ...ecs.map((s) => `ecs_targets ${sh(s.name)} ${s.port}`),
    );
  }
  if (eks.length) {
    lines.push(
      '',
      '# EKS (VPC CNI: pods have VPC IPs): the Running pods of a service\'s namespace, from the private',
      "# API endpoint with a token from `aws eks get-token` (the server's role has read-only access",
      '# through an EKS access entry). On an error the previous file stays.',
      'install -d -m 755 file_sd/eks',
      `EKS_ENDPOINT=$(cat ${EKS_ENDPOINT_FILE})`,
      'EKS_TOKEN=$(aws eks get-token --region "$REGION" --cluster-name "$CLUSTER" --output json | jq -er .status.token) || exit 0',
      'eks_targets() {',
      '  local service=$1 port=$2 tmp',
      '  tmp=$(mktemp "file_sd/eks/.${service}.XXXXXX")',
      `  curl -fsS --max-time 10 --cacert ${EKS_CA_FILE} -H "Authorization: Bearer $EKS_TOKEN" \\`,
      '    "$EKS_ENDPOINT/api/v1/namespaces/${service}/pods?fieldSelector=status.phase%3DRunning" |',
      '    jq --arg service "$service" --arg port "$port" \'[.items[] | select(.status.podIP != null)',
      '      | {targets: [.status.podIP + ":" + $port],',
      '         labels: {service: $service, placement: "eks", instance: .metadata.name, node: (.spec.nodeName // "")}}]\' > "$tmp" || { rm -f "$tmp"; return 0; }',
      '  chmod 644 "$tmp"',
      '  mv -f "$tmp" "file_sd/eks/${service}.json"',
      '}',
      ...eks.map((s) => `eks_targets ${sh(s.name)} ${s.port}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
