// EC2: services placed on ec2, and the self-managed Prometheus and Grafana servers. Each runs as
// a Docker container on Amazon Linux 2023 in an Auto Scaling group in the private subnets
// (replaced when unhealthy; 1..1 for Prometheus and Grafana), launched from a template that
// requires IMDSv2 (hop limit 1: the containers that use the instance role run on the host network)
// and encrypts every volume with the system's KMS key. No SSH: Session Manager.
//
// A service's user data runs the released image (the `ImageTag` stack parameter), so a release is
// a new launch template version, and the group's UpdatePolicy replaces the instances with it
// (see `rollingUpdate`). Each instance signals CloudFormation only once its container answers its
// health check, so a bad image fails the stack update and CloudFormation rolls it back.
import { ID, getAtt, pascal, ref, resource, subnetRefs, tagList } from '../compiler/model/ids.js';
import { envFileLine, grafanaSetting, jsonString, shellArg, shellQuote } from '../compiler/model/quote.js';
import type { EmittedFile } from '../compiler/model/output.js';
import { HOURS_PER_MONTH, type BuildContext, type BuildingBlock, type CfnValue, type ModelResource, type UsageMeter } from '../compiler/model/types.js';
import { sidecarsInStartOrder, sidecarsOf, type NormalizedService, type NormalizedSidecar, type NormalizedSpec, type NormalizedVolume } from '../spec/model.js';
import { FILE_SYSTEM_ID, mountedVolumes } from '../compiler/model/volumes.js';
import { isArmInstance } from './eks.js';
import { behindLoadBalancer } from '../compiler/model/exposure.js';
import { internalTargetGroup } from './discovery.js';
import { CONTAINER_USER, applicationLogGroupCount, isExposed, logMeters, serviceConnections, serviceImage } from './ecs.js';
import { cpuYieldsToSteps } from './scaling-signals.js';
import { serviceLogGroupName, sidecarEcrRegistries } from './iam.js';
import { GRAFANA_ADMIN_USER, GRAFANA_SECRET_PASSWORD_KEY, grafanaAdminSecretName, grafanaOidcSecretName } from './secrets.js';
import { PROMETHEUS_HOST, grafanaFiles, installBundle, prometheusFiles } from '../compiler/monitoring/files.js';
import { EKS_CA_FILE, EKS_ENDPOINT_FILE, NODE_EXPORTER_PORT } from '../compiler/monitoring/prometheus.js';
import { GRAFANA_OAUTH_SECRET_FILE, grafanaSsoSettings, grafanaUsesSso } from '../compiler/monitoring/sign-in.js';

export const PROMETHEUS_IMAGE = 'quay.io/prometheus/prometheus:v2.55.1';
export const GRAFANA_IMAGE = 'docker.io/grafana/grafana-oss:11.3.0';
export const NODE_EXPORTER_IMAGE = 'quay.io/prometheus/node-exporter:v1.8.2';
/** Root volume of the Prometheus server; its data lives on a separate volume. */
const PROMETHEUS_ROOT_GIB = 20;
/** The admin password on the Grafana host (mode 0600, owned by Grafana's uid 472); /run/secrets/dex/admin-password in the container. */
const GRAFANA_PASSWORD_FILE = '/etc/dex/grafana/admin-password';
/** Applies the secret's current version to the Grafana server (boot and the dex-grafana-admin timer). */
const GRAFANA_ADMIN_SCRIPT = '/etc/dex/grafana-admin.sh';
/** The secret version the server last applied (root only; the version ID is no secret). */
const GRAFANA_APPLIED_VERSION_FILE = '/etc/dex/grafana-admin.version';
/** The single sign-on settings (root only; no secret: the client secret is a file Grafana reads). */
const GRAFANA_ENV_FILE = '/etc/dex/grafana.env';
/** Starts the Grafana container with single sign-on; `break-glass` starts it with the login form on. */
export const GRAFANA_RUN_SCRIPT = '/etc/dex/grafana-run.sh';
/** Single sign-on at boot: the client secret, the provider's endpoints, then the run script. */
export const GRAFANA_SSO_SCRIPT = '/etc/dex/grafana-sso.sh';

/**
 * Grafana's settings (environment overrides of grafana.ini, `GF_<SECTION>_<KEY>`): an admin whose
 * password comes from a file, no sign-up, no anonymous access, no organisation creation by users,
 * no calls to gravatar.com or to the public snapshot service, session cookies only over HTTPS or
 * localhost (the Session Manager tunnel) and not sent cross-site.
 */
export const GRAFANA_SETTINGS: readonly (readonly [string, string])[] = [
  ['GF_SECURITY_ADMIN_USER', GRAFANA_ADMIN_USER],
  ['GF_SECURITY_ADMIN_PASSWORD__FILE', '/run/secrets/dex/admin-password'],
  ['GF_SECURITY_DISABLE_GRAVATAR', 'true'],
  ['GF_SECURITY_COOKIE_SECURE', 'true'],
  ['GF_SECURITY_COOKIE_SAMESITE', 'strict'],
  ['GF_USERS_ALLOW_SIGN_UP', 'false'],
  ['GF_USERS_ALLOW_ORG_CREATE', 'false'],
  ['GF_AUTH_ANONYMOUS_ENABLED', 'false'],
  ['GF_SNAPSHOTS_EXTERNAL_ENABLED', 'false'],
  ['GF_ANALYTICS_REPORTING_ENABLED', 'false'],
];

const amiParameter = (instanceType: string): string =>
  `{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${isArmInstance(instanceType) ? 'arm64' : 'x86_64'}}}`;

interface Workload {
  readonly name: string;
  readonly component: string;
  readonly origin: readonly (string | number)[];
  readonly instanceType: string;
  readonly min: number;
  readonly max: number;
  readonly targetCpuPercent: number | undefined;
  readonly securityGroup: string;
  readonly instanceProfile: string;
  readonly volumes: readonly { device: string; sizeGiB: number; what: string }[];
  readonly userData: CfnValue[];
  readonly targetGroup: string | undefined;
  /** The internal NLB's target group, when other services call this one (services/discovery.ts). */
  readonly internalTargetGroup?: string;
  readonly healthGraceSeconds: number;
  /** Services only: instances signal their health, and a new launch template version rolls them. */
  readonly signalTimeoutMinutes: number | undefined;
}

/** A shell script with CloudFormation values spliced in, base64-encoded for UserData. */
const script = (parts: CfnValue[]): CfnValue => ({ 'Fn::Base64': { 'Fn::Join': ['', parts] } });

const DOCKER_SETUP = ['#!/bin/bash', 'set -euo pipefail', 'dnf install -y docker jq amazon-cloudwatch-agent', 'systemctl enable --now docker', ''].join('\n');

/** The CloudWatch agent publishes memory and disk use per Auto Scaling group (for the memory alarms). */
const CLOUDWATCH_AGENT = [
  "cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'EOF'",
  JSON.stringify({
    metrics: {
      namespace: 'CWAgent',
      append_dimensions: { AutoScalingGroupName: '${aws:AutoScalingGroupName}' },
      aggregation_dimensions: [['AutoScalingGroupName']],
      metrics_collected: { mem: { measurement: ['mem_used_percent'] }, disk: { measurement: ['used_percent'], resources: ['/'] } },
    },
  }),
  'EOF',
  '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json',
  '',
].join('\n');

/** Host metrics for Prometheus (the dex-node job of out/<env>/monitoring/prometheus/prometheus.yml). */
const NODE_EXPORTER = `docker run -d --name node-exporter --restart always --net host --pid host -v /:/host:ro,rslave ${NODE_EXPORTER_IMAGE} --path.rootfs=/host --web.listen-address=:${NODE_EXPORTER_PORT}\n`;

/** Writes the monitoring emitter's files (gzip, base64) under their directory on the server. */
const bundle = (b64: string): string => `base64 -d <<'EOF' | gunzip -c | bash\n${b64}\nEOF\n`;

/** The user data lines that install a file bundle, given how to make its base64 text. */
type FileBundler = (base64: () => string) => string;

const bundlerFor = (context: BuildContext): FileBundler =>
  context.purpose === 'checks' ? () => "# the monitoring files' bundle (made by dex emit and dex plan, not dex validate)\n" : (base64) => bundle(base64());

/** A systemd service and timer running `command` now and every `every`. */
const timer = (name: string, command: string, every: string): string =>
  [
    `cat > /etc/systemd/system/${name}.service <<'EOF'`,
    '[Unit]',
    `Description=dex ${name}`,
    '[Service]',
    'Type=oneshot',
    `ExecStart=${command}`,
    'EOF',
    `cat > /etc/systemd/system/${name}.timer <<'EOF'`,
    '[Timer]',
    `OnActiveSec=0`,
    `OnUnitActiveSec=${every}`,
    'AccuracySec=5s',
    '[Install]',
    'WantedBy=timers.target',
    'EOF',
    'systemctl daemon-reload',
    `systemctl start ${name}.service || true`,
    `systemctl enable --now ${name}.timer`,
    '',
  ].join('\n');

/** Prints a secret's current value, or says on stderr which one has none (and how to set it). */
const SECRET_READER = [
  'dex_secret() {',
  '  local value',
  '  if ! value=$(aws secretsmanager get-secret-value --region "$REGION" --secret-id "$2" --query SecretString --output text); then',
  '    echo "dex: secret $1 ($2) has no value or cannot be read: set it (dex secrets set, or aws secretsmanager put-secret-value), then replace this instance" >&2',
  '    return 1',
  '  fi',
  '  if [ -z "$value" ]; then echo "dex: secret $1 ($2) is empty: set it (dex secrets set), then replace this instance" >&2; return 1; fi',
  '  printf \'%s\' "$value"',
  '}',
  'dex_no_secret() { echo "dex: stopping: the service needs $1" >&2; exit 1; }',
  '',
].join('\n');

/** The same for an existing SSM SecureString parameter (secrets.<name>.existing.ssmParameter). */
const PARAMETER_READER = [
  'dex_parameter() {',
  '  local value',
  '  if ! value=$(aws ssm get-parameter --region "$REGION" --name "$2" --with-decryption --query Parameter.Value --output text); then',
  '    echo "dex: parameter $1 ($2) has no value or cannot be read: check it in SSM Parameter Store, then replace this instance" >&2',
  '    return 1',
  '  fi',
  '  if [ -z "$value" ]; then echo "dex: parameter $1 ($2) is empty, then replace this instance" >&2; return 1; fi',
  '  printf \'%s\' "$value"',
  '}',
  '',
].join('\n');

/** jq's path to one JSON key of a secret: `.KEY`, or `.["a-key"]` for a key jq would not read bare. */
const jqKey = (key: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `.[${jsonString(key)}]`);

/** Health checks a booting instance makes before it reports failure: bounded, so a bad image fails the update instead of hanging it. */
export function healthAttempts(s: NormalizedService): number {
  return Math.min(120, Math.max(10, Math.ceil((s.health.startup.gracePeriodSeconds + 300) / s.health.startup.intervalSeconds)));
}

/**
 * Minutes CloudFormation waits for an instance's signal: boot and package installs (about 10
 * minutes at most), then every health attempt; at most an hour, CloudFormation's PauseTime limit.
 */
export function signalTimeoutMinutes(s: NormalizedService): number {
  return Math.min(60, Math.ceil((600 + healthAttempts(s) * (s.health.startup.intervalSeconds + s.health.startup.timeoutSeconds)) / 60));
}

/**
 * The signal to CloudFormation: failure as soon as a boot step fails (the ERR trap), success only
 * once the container answers its health check (or, without a port, still runs without a restart)
 * within healthAttempts tries. The stack and resource are CloudFormation values (stack names and
 * logical IDs are letters, digits and -), the health URL one quoted word.
 */
function signalParts(s: NormalizedService, asg: string): { setup: CfnValue[]; check: CfnValue[] } {
  const setup: CfnValue[] = [
    'dnf install -y aws-cfn-bootstrap\n',
    "dex_signal() { /opt/aws/bin/cfn-signal --exit-code \"$1\" --stack '",
    ref('AWS::StackName'),
    `' --resource ${asg} --region '`,
    ref('AWS::Region'),
    "' || true; }\n",
    "trap 'dex_signal 1' ERR\n",
  ];
  const attempts = healthAttempts(s);
  // Booted is started: the startup check (health.startup, else the main one) decides the signal.
  const h = s.health.startup;
  // health.command runs in the container, each word quoted: the spec's words stay data.
  const probe = h.command
    ? `timeout ${h.timeoutSeconds} docker exec ${shellArg(s.name)} ${h.command.map(shellQuote).join(' ')} >/dev/null 2>&1`
    : s.port === undefined
      ? `[ "$(docker inspect -f '{{.State.Running}} {{.RestartCount}}' ${shellArg(s.name)} 2>/dev/null)" = 'true 0' ]`
      : h.check !== 'http'
        ? `timeout ${h.timeoutSeconds} bash -c ': </dev/tcp/127.0.0.1/${s.port}' 2>/dev/null`
        : `curl -fsS -o /dev/null --max-time ${h.timeoutSeconds} ${shellQuote(`http://127.0.0.1:${s.port}${h.path}`)}`;
  const check: CfnValue[] = [
    [
      '# Report to CloudFormation once the service answers its health check (bounded retries).',
      'HEALTHY=1',
      ...(s.port === undefined && !h.command ? [`sleep ${h.gracePeriodSeconds}`] : []),
      `for _ in $(seq 1 ${attempts}); do`,
      `  if ${probe}; then HEALTHY=0; break; fi`,
      `  sleep ${h.intervalSeconds}`,
      'done',
      'trap - ERR',
      'dex_signal "$HEALTHY"',
      '',
    ].join('\n'),
  ];
  return { setup, check };
}

/** A sidecar's env file: its own variables and the secrets it asks for, nothing of the main container's. */
const sidecarEnvFile = (c: NormalizedSidecar): string => `/etc/dex/sidecar-${c.name}.env`;
/** A sidecar's docker name on the host: beside the main container's (the service's name). */
export const sidecarContainerName = (s: NormalizedService, c: NormalizedSidecar): string => `${s.name}-${c.name}`;

/**
 * One sidecar on the host, before the main container: the main container's hardening (read-only
 * root, its own /tmp, every capability dropped, no new privileges) and, unlike the main container
 * on EC2, uid 10001 unless runAsRoot says why not; limited to its own size. A sidecar another
 * container waits for to be healthy is checked (docker exec of its command, or a TCP connect) in
 * bounded attempts; one that never gets healthy fails the boot, and the update with it.
 */
function sidecarRun(spec: NormalizedSpec, s: NormalizedService, c: NormalizedSidecar): string[] {
  const name = sidecarContainerName(s, c);
  const sc = c.securityContext;
  const out = [
    `docker run -d --name ${shellArg(name)} --restart always --network host${sc.readOnlyRootFilesystem ? ' --read-only' : ''} --tmpfs /tmp --cap-drop ALL${sc.addCapabilities.map((x) => ` --cap-add ${shellArg(x)}`).join('')} --security-opt no-new-privileges${c.runAsRoot === undefined ? ` --user ${CONTAINER_USER}:${CONTAINER_USER}` : ''} --env-file ${sidecarEnvFile(c)} --cpus ${c.resources.cpu} --memory ${c.resources.memoryMiB}m` +
      ` --log-driver awslogs --log-opt awslogs-region="$REGION" --log-opt awslogs-group=${shellArg(serviceLogGroupName(spec, s.name))} --log-opt awslogs-stream=${shellArg(name)}-$(hostname) ${shellQuote(c.image)}${c.command ? ` ${c.command.map(shellQuote).join(' ')}` : ''}\n`,
  ];
  const h = c.health;
  const awaited = c.mainWaitsFor === 'healthy' || sidecarsOf(s).some((o) => o.dependsOn.some((d) => d.sidecar === c.name && d.condition === 'healthy'));
  if (!awaited || h === undefined) return out;
  const probe = h.command ? `timeout ${h.timeoutSeconds} docker exec ${shellArg(name)} ${h.command.map(shellQuote).join(' ')} >/dev/null 2>&1` : `timeout ${h.timeoutSeconds} bash -c ': </dev/tcp/127.0.0.1/${h.tcp}' 2>/dev/null`;
  const attempts = Math.min(120, Math.max(10, Math.ceil((h.gracePeriodSeconds + 300) / h.intervalSeconds)));
  out.push(
    [
      `# ${commentSafe(name)} must be healthy before what waits for it starts (bounded attempts).`,
      'READY=1',
      `for _ in $(seq 1 ${attempts}); do`,
      `  if ${probe}; then READY=0; break; fi`,
      `  sleep ${h.intervalSeconds}`,
      'done',
      `[ "$READY" = 0 ] || { echo ${shellQuote(`dex: stopping: sidecar ${name} never became healthy`)} >&2; dex_signal 1; exit 1; }`,
      '',
    ].join('\n'),
  );
  return out;
}

/** Sidecar and service names are lowercase letters, digits and - (schema): nothing in them ends a comment. */
const commentSafe = (name: string): string => name.replace(/[^a-z0-9-]/g, '');

/** Where an instance mounts a file system before it binds it into the container. */
const efsMountDirectory = (v: NormalizedVolume): string => `/mnt/efs/${v.fileSystem}`;

function serviceUserData(spec: NormalizedSpec, s: NormalizedService): CfnValue[] {
  const { env, secrets } = serviceConnections(spec, s);
  const signal = signalParts(s, ID.autoScalingGroup(s.name));
  const parts: CfnValue[] = [DOCKER_SETUP, ...signal.setup, CLOUDWATCH_AGENT, ...(spec.monitoring.prometheus.enabled ? [NODE_EXPORTER] : []), 'TOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")\n'];
  parts.push('REGION=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/region)\n');
  parts.push('install -d -m 700 /etc/dex\numask 077\n: > /etc/dex/service.env\n');
  for (const e of env) {
    // A spec value is one quoted shell word holding one env-file line; a CloudFormation value
    // (an endpoint address) is AWS-generated and has no quote or line break to escape.
    if (typeof e.Value === 'string') parts.push(`echo ${shellQuote(envFileLine(e.Name, e.Value))} >> /etc/dex/service.env\n`);
    else parts.push(`echo '${envFileLine(e.Name, '')}`, e.Value, "' >> /etc/dex/service.env\n");
  }
  // A secret with no value (a placeholder nobody set yet) stops the boot with a line naming it
  // (in /var/log/cloud-init-output.log and the instance's console output), never an empty variable.
  if (secrets.length) parts.push(SECRET_READER);
  const sidecars = sidecarsInStartOrder(s);
  for (const c of sidecars) {
    parts.push(`: > ${sidecarEnvFile(c)}\n`);
    for (const k of Object.keys(c.env).sort()) parts.push(`echo ${shellQuote(envFileLine(k, c.env[k]!))} >> ${sidecarEnvFile(c)}\n`);
  }
  if (secrets.some((x) => x.ssm)) parts.push(PARAMETER_READER);
  for (const x of secrets) {
    // The ARN is AWS's (a Ref) or schema-limited to characters that need no quoting inside '…'.
    parts.push(`v=$(${x.ssm ? 'dex_parameter' : 'dex_secret'} ${shellArg(x.Name)} '`, x.from, `'${x.key ? ` | jq -er ${shellQuote(jqKey(x.key))}` : ''}) || dex_no_secret ${shellArg(x.Name)}\n`, `printf '%s=%s\\n' ${shellArg(x.Name)} "$v" >> /etc/dex/service.env\n`);
    for (const c of sidecars.filter((y) => y.secrets.includes(x.Name))) parts.push(`printf '%s=%s\\n' ${shellArg(x.Name)} "$v" >> ${sidecarEnvFile(c)}\n`);
  }
  const volumes = mountedVolumes(spec, s);
  if (volumes.length) parts.push('dnf install -y amazon-efs-utils\n');
  for (const v of volumes) {
    // efs-utils mounts over TLS (stunnel), signs with the instance role (iam), through the
    // service's access point; the fstab line mounts it again after a reboot, before docker starts.
    const dir = efsMountDirectory(v);
    parts.push(
      `install -d -m 755 ${shellQuote(dir)}\n`,
      // The IDs are AWS's (fs-…, fsap-…), spliced between quoted words of the spec's values.
      "echo '",
      ref(FILE_SYSTEM_ID.fileSystem(v.fileSystem)),
      `'${shellQuote(`:/ ${dir} efs _netdev,noresvport,tls,iam,accesspoint=`)}'`,
      ref(FILE_SYSTEM_ID.accessPoint(v.fileSystem, s.name)),
      `'${shellQuote(`${v.readOnly ? ',ro' : ''} 0 0`)} >> /etc/fstab\n`,
      `mount ${shellQuote(dir)}\n`,
    );
  }
  const image = serviceImage(spec, s);
  if (s.image === undefined) {
    parts.push('aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$(echo "', image, '" | cut -d/ -f1)"\n');
  }
  // A sidecar image in a private ECR registry: docker signs in to it with the instance role first.
  for (const r of sidecarEcrRegistries(s)) parts.push(`aws ecr get-login-password --region ${shellArg(r.region)} | docker login --username AWS --password-stdin ${shellQuote(r.host)}\n`);
  for (const c of sidecars) parts.push(...sidecarRun(spec, s, c));
  parts.push(
    `docker run -d --name ${shellArg(s.name)} --restart always --network host${s.securityContext.readOnlyRootFilesystem ? ' --read-only' : ''}${s.resources.ephemeralStorageGiB === undefined ? ' --tmpfs /tmp' : ' --mount type=volume,destination=/tmp'} --cap-drop ALL${s.securityContext.addCapabilities.map((c) => ` --cap-add ${shellArg(c)}`).join('')} --security-opt no-new-privileges --env-file /etc/dex/service.env${volumes.map((v) => ` --mount ${shellQuote(`type=bind,source=${efsMountDirectory(v)},destination=${v.path}${v.readOnly ? ',readonly' : ''}`)}`).join('')}${s.resources.limits.given ? ` --cpus ${s.resources.limits.cpu} --memory ${s.resources.limits.memoryMiB}m` : ''}`,
    ` --log-driver awslogs --log-opt awslogs-region="$REGION" --log-opt awslogs-group=${shellArg(serviceLogGroupName(spec, s.name))} --log-opt awslogs-stream=${shellArg(s.name)}-$(hostname) `,
    typeof image === 'string' ? shellQuote(image) : image,
    s.command ? ` ${s.command.map(shellQuote).join(' ')}` : '',
    '\n',
    ...signal.check,
  );
  return parts;
}

function prometheusUserData(spec: NormalizedSpec, files: FileBundler): CfnValue[] {
  const p = spec.monitoring.prometheus;
  const eks = Object.values(spec.services).some((s) => s.placement === 'eks' && s.port !== undefined);
  const discovers = Object.values(spec.services).some((s) => (s.placement === 'eks' || s.placement === 'ecs') && s.port !== undefined);
  return [
    DOCKER_SETUP,
    CLOUDWATCH_AGENT,
    NODE_EXPORTER,
    [
      '# The data volume: the second disk (NVMe name on Nitro instances).',
      'DEV=/dev/sdf; [ -e /dev/nvme1n1 ] && DEV=/dev/nvme1n1',
      'blkid "$DEV" || mkfs.xfs "$DEV"',
      'install -d /var/lib/prometheus',
      'echo "$DEV /var/lib/prometheus xfs defaults,nofail 0 2" >> /etc/fstab',
      'mount -a',
      'chown 65534:65534 /var/lib/prometheus',
      '# out/<env>/monitoring/prometheus/ (dex emit): configuration, alert rules, discovery helper.',
      files(() => installBundle(prometheusFiles(spec), '/etc/prometheus')),
    ].join('\n'),
    ...(eks
      ? [
          `install -d -m 700 /etc/dex/eks\necho '`,
          getAtt(ID.eksCluster, 'Endpoint'),
          `' > ${EKS_ENDPOINT_FILE}\necho '`,
          getAtt(ID.eksCluster, 'CertificateAuthorityData'),
          `' | base64 -d > ${EKS_CA_FILE}\n`,
        ]
      : []),
    discovers ? timer('dex-discovery', '/etc/prometheus/dex-discovery.sh', '30s') : '',
    `docker run -d --name prometheus --restart always --network host -v /etc/prometheus:/etc/prometheus:ro -v /var/lib/prometheus:/prometheus ${PROMETHEUS_IMAGE} --config.file=/etc/prometheus/prometheus.yml --storage.tsdb.path=/prometheus --storage.tsdb.retention.time=${p.retentionDays}d\n`,
  ];
}

function grafanaUserData(spec: NormalizedSpec, files: FileBundler): CfnValue[] {
  // Grafana reaches Prometheus as ${PROMETHEUS_HOST}: a timer maps the name to the server's current
  // private IP (the Auto Scaling group may replace it) in a hosts file mounted into the container.
  const filters = [`Name=tag:dex:system,Values=${spec.name}`, `Name=tag:dex:environment,Values=${spec.environment ?? 'default'}`, 'Name=tag:dex:component,Values=monitoring/prometheus', 'Name=instance-state-name,Values=running'];
  const resolver = [
    '#!/bin/bash',
    'set -euo pipefail',
    `IP=$(aws ec2 describe-instances --region ${shellArg(spec.region)} --filters ${filters.map(shellQuote).join(' ')} --query 'Reservations[].Instances[].PrivateIpAddress' --output text | awk '{print $1}')`,
    '[ -n "$IP" ] && [ "$IP" != None ] || exit 0',
    `printf '127.0.0.1 localhost\\n%s ${PROMETHEUS_HOST}\\n' "$IP" > /etc/dex/hosts.new`,
    'cmp -s /etc/dex/hosts.new /etc/dex/hosts || cat /etc/dex/hosts.new > /etc/dex/hosts',
  ].join('\n');
  return [
    DOCKER_SETUP,
    CLOUDWATCH_AGENT,
    spec.monitoring.prometheus.enabled ? NODE_EXPORTER : '',
    [
      'install -d -o 472 -g 472 /var/lib/grafana',
      '# out/<env>/monitoring/grafana/provisioning/ (dex emit): data sources, dashboard provider, dashboards.',
      files(() => installBundle(grafanaFiles(spec), '/etc/grafana/provisioning', grafanaUsesSso(spec) ? [{ files: grafanaSsoFiles(spec), root: '/etc/dex' }] : [])),
      'install -d /etc/dex',
      "printf '127.0.0.1 localhost\\n' > /etc/dex/hosts",
      "cat > /etc/dex/prometheus-host.sh <<'EOF'",
      resolver,
      'EOF',
      'chmod 755 /etc/dex/prometheus-host.sh',
      '',
    ].join('\n'),
    spec.monitoring.prometheus.enabled ? timer('dex-prometheus-host', '/etc/dex/prometheus-host.sh', '60s') : '',
    // The admin password: read from Secrets Manager at boot into a file only Grafana's user (472)
    // can read, which Grafana reads itself (GF_…__FILE) when it creates its database: never on a
    // command line, in the environment or in the user data. The secret rotates
    // (services/secret-rotation.ts); the same script, run by a timer, applies each new version.
    'install -d -m 700 -o 472 -g 472 /etc/dex/grafana\n',
    `cat > ${GRAFANA_ADMIN_SCRIPT} <<'EOF'\n`,
    ...grafanaAdminScript(spec),
    `EOF\nchmod 700 ${GRAFANA_ADMIN_SCRIPT}\n`,
    `${GRAFANA_ADMIN_SCRIPT} boot || { echo "dex: stopping: the Grafana server needs the Grafana admin password" >&2; exit 1; }\n`,
    // Single sign-on: its boot script (in the bundle above) writes the client secret and starts Grafana.
    ...(grafanaUsesSso(spec) ? grafanaSsoBoot(spec) : [`${grafanaDockerRun('')}\n`]),
    timer('dex-grafana-admin', GRAFANA_ADMIN_SCRIPT, '5min'),
  ];
}

/** The container: the fixed settings as -e (constants), any others from the env file. */
const grafanaDockerRun = (extra: string): string =>
  `docker run -d --name grafana --restart always --network host ${GRAFANA_SETTINGS.map(([k, v]) => `-e ${k}=${v}`).join(' ')}${extra} -v /etc/dex/hosts:/etc/hosts:ro -v /var/lib/grafana:/var/lib/grafana -v /etc/grafana/provisioning:/etc/grafana/provisioning:ro -v /etc/dex/grafana:/run/secrets/dex:ro ${GRAFANA_IMAGE}`;

/** Fails the boot with a line naming what is missing (cloud-init's log and the console output). */
const stop = (why: string): string => `{ echo ${shellQuote(`dex: stopping: ${why}`)} >&2; exit 1; }`;

/** The boot step of single sign-on; the pool's and the app client's IDs are AWS-generated letters, digits and _. */
function grafanaSsoBoot(spec: NormalizedSpec): CfnValue[] {
  if (spec.monitoring.grafana.signIn.method !== 'cognito') return [`${GRAFANA_SSO_SCRIPT}\n`];
  return [`${GRAFANA_SSO_SCRIPT} '`, ref(ID.grafanaUserPool), "' '", ref(ID.grafanaUserPoolClient), "'\n"];
}

/**
 * Single sign-on (signIn.method oidc or cognito), as files under /etc/dex: the env file of
 * auth.generic_oauth settings; the boot script, which adds the provider's endpoints from its
 * discovery document when the spec gives none, writes the client secret into a file only
 * Grafana's user can read (from its Secrets Manager placeholder, or for Cognito from the app
 * client itself) and starts Grafana; and the run script, which keeps the login form off except
 * when an administrator starts it with `break-glass`.
 */
export function grafanaSsoFiles(spec: NormalizedSpec): EmittedFile[] {
  const signIn = spec.monitoring.grafana.signIn;
  const env: string[] = [];
  const late: string[] = [];
  for (const [name, value] of grafanaSsoSettings(spec)) {
    if (typeof value === 'string') {
      env.push(grafanaSetting(name, value));
    } else {
      // Checked as one setting, printed around the client ID as quoted words.
      const [before, after] = value.aroundClientId;
      grafanaSetting(name, `${before}${after}`);
      late.push(`printf '%s%s%s\\n' ${shellQuote(`${name}=${before}`)} "$client_id" ${shellQuote(after)} >> ${GRAFANA_ENV_FILE}`);
    }
  }
  const file = `/etc/dex/grafana/${GRAFANA_OAUTH_SECRET_FILE}`;
  const discovers = signIn.method === 'oidc' && signIn.endpoints === undefined && signIn.issuer !== undefined;
  const boot = [
    '#!/bin/bash',
    `# Grafana single sign-on at boot (${signIn.method}): settings, client secret, start.`,
    'set -euo pipefail',
    `chmod 600 ${GRAFANA_ENV_FILE}`,
    ...(signIn.method === 'cognito' ? ['pool_id=$1', 'client_id=$2', ...late] : []),
    ...(discovers ? discoveryLines(signIn.issuer!) : []),
    // The client secret: captured in a variable and written by printf (a builtin): never an argument.
    signIn.method === 'cognito'
      ? `secret=$(aws cognito-idp describe-user-pool-client --region ${shellArg(spec.region)} --user-pool-id "$pool_id" --client-id "$client_id" --query UserPoolClient.ClientSecret --output text) || ${stop("cannot read the client secret of Grafana's Cognito app client")}`
      : `secret=$(aws secretsmanager get-secret-value --region ${shellArg(spec.region)} --secret-id ${shellArg(grafanaOidcSecretName(spec))} --query SecretString --output text) || ${stop(`the OIDC client secret ${grafanaOidcSecretName(spec)} has no value or cannot be read: set it (dex secrets set <spec> --env <env> monitoring/grafana-oidc), then replace this instance`)}`,
    `[ -n "$secret" ] && [ "$secret" != None ] || ${stop('the client secret of Grafana single sign-on is empty')}`,
    `(umask 077; printf '%s' "$secret" > ${file}.new)`,
    'unset secret',
    `chown 472:472 ${file}.new`,
    `mv ${file}.new ${file}`,
    `exec ${GRAFANA_RUN_SCRIPT}`,
    '',
  ];
  const run = [
    '#!/bin/bash',
    '# Starts Grafana with single sign-on and the login form off. `break-glass`: with the form on,',
    '# for the admin user and its Secrets Manager password (docs/monitoring.md#break-glass).',
    'set -euo pipefail',
    'form=true',
    'if [ "${1:-}" = break-glass ]; then form=false; fi',
    'docker rm -f grafana > /dev/null 2>&1 || true',
    grafanaDockerRun(` --env-file ${GRAFANA_ENV_FILE} -e GF_AUTH_DISABLE_LOGIN_FORM=$form`),
    '',
  ];
  return [
    { path: 'grafana.env', content: `${env.join('\n')}\n` },
    { path: 'grafana-run.sh', content: run.join('\n') },
    { path: 'grafana-sso.sh', content: boot.join('\n') },
  ];
}

/**
 * Appends the provider's endpoints to the env file from its discovery document (OpenID Connect
 * Discovery 1.0), read over https only: the document must name the same issuer, and each endpoint
 * be an https URL of plain URL characters (no `$`, quote, space or line break reaches Grafana).
 */
function discoveryLines(issuer: string): string[] {
  const discovery = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  return [
    `doc=$(curl -fsS --proto '=https' --max-time 10 --retry 5 --retry-connrefused ${shellQuote(discovery)}) || ${stop(`cannot read ${discovery}`)}`,
    `[ "$(printf '%s' "$doc" | jq -r .issuer)" = ${shellQuote(issuer)} ] || ${stop(`the discovery document at ${discovery} names another issuer than ${issuer}`)}`,
    'for pair in authorization_endpoint=AUTH_URL token_endpoint=TOKEN_URL userinfo_endpoint=API_URL; do',
    `  url=$(printf '%s' "$doc" | jq -er --arg k "\${pair%%=*}" '.[$k]') || ${stop(`the discovery document at ${discovery} lacks an endpoint Grafana needs`)}`,
    '  case "$url" in',
    `    https://*[!A-Za-z0-9._~:/?#@%=+,\\;\\&-]*|https://) ${stop(`an endpoint in ${discovery} is not a plain URL`)} ;;`,
    '    https://*) ;;',
    `    *) ${stop(`an endpoint in ${discovery} is not https`)} ;;`,
    '  esac',
    `  printf 'GF_AUTH_GENERIC_OAUTH_%s=%s\\n' "\${pair#*=}" "$url" >> ${GRAFANA_ENV_FILE}`,
    'done',
    'unset doc url',
  ];
}

/**
 * Reads the Grafana admin secret's AWSCURRENT version (value and version ID in one call, so they
 * match) and, when the version differs from the last one applied, writes the password file and
 * resets the admin password in the running container: `grafana cli admin reset-admin-password
 * --password-from-stdin` (Grafana 9.1 and later) with the file on stdin, never the password in an
 * argument. At boot (`boot`) the container has not started yet and reads the file when it creates
 * its database. A failed reset (the container not up yet) records nothing, so the next run retries.
 */
function grafanaAdminScript(spec: NormalizedSpec): CfnValue[] {
  return [
    [
      '#!/bin/bash',
      'set -euo pipefail',
      // By name: no CloudFormation value in the user data (16 KB) and no import of the ARN; the
      // role may read only this secret's ARN.
      `secret=$(aws secretsmanager get-secret-value --region ${shellArg(spec.region)} --secret-id ${shellArg(grafanaAdminSecretName(spec))} --version-stage AWSCURRENT --output json)`,
      'version=$(printf \'%s\' "$secret" | jq -er .VersionId)',
      `[ "$version" != "$(cat ${GRAFANA_APPLIED_VERSION_FILE} 2>/dev/null)" ] || exit 0`,
      `password=$(printf '%s' "$secret" | jq -er ${shellQuote(`.SecretString | fromjson | .${GRAFANA_SECRET_PASSWORD_KEY}`)})`,
      'unset secret',
      `(umask 077; printf '%s' "$password" > ${GRAFANA_PASSWORD_FILE}.new)`,
      'unset password',
      `chown 472:472 ${GRAFANA_PASSWORD_FILE}.new`,
      `mv ${GRAFANA_PASSWORD_FILE}.new ${GRAFANA_PASSWORD_FILE}`,
      `if [ "\${1:-}" != boot ]; then docker exec -i grafana grafana cli admin reset-admin-password --password-from-stdin < ${GRAFANA_PASSWORD_FILE} > /dev/null; fi`,
      `printf '%s\\n' "$version" > ${GRAFANA_APPLIED_VERSION_FILE}`,
      '',
    ].join('\n'),
  ];
}

const withInternalTargetGroup = (spec: NormalizedSpec, s: NormalizedService): { internalTargetGroup?: string } => {
  const tg = internalTargetGroup(spec, s);
  return tg ? { internalTargetGroup: tg } : {};
};

function workloads(spec: NormalizedSpec, context: BuildContext): Workload[] {
  const files = bundlerFor(context);
  const out: Workload[] = [];
  for (const s of Object.values(spec.services)
    .filter((x) => x.placement === 'ec2')
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    out.push({
      name: s.name,
      component: `service/${s.name}`,
      origin: ['services', s.name],
      instanceType: s.instanceType ?? 't3.small',
      min: s.scaling.min,
      max: s.scaling.max,
      // A queue-scaled service scales on its backlog instead (services/queue-scaling.ts); steps on
      // cpu replace the CPU policy (services/scaling-signals.ts).
      targetCpuPercent: s.scaling.queue === undefined && !cpuYieldsToSteps(s) ? s.scaling.targetCpuPercent : undefined,
      securityGroup: ID.serviceSecurityGroup(s.name),
      instanceProfile: ID.instanceProfile(s.name),
      volumes: [{ device: '/dev/xvda', sizeGiB: s.storageGiB, what: 'root' }],
      userData: serviceUserData(spec, s),
      targetGroup: behindLoadBalancer(spec, s) ? ID.targetGroup(s.name) : undefined,
      ...withInternalTargetGroup(spec, s),
      healthGraceSeconds: s.health.startup.gracePeriodSeconds,
      signalTimeoutMinutes: signalTimeoutMinutes(s),
    });
  }
  const { prometheus, grafana } = spec.monitoring;
  if (prometheus.enabled) {
    out.push({
      name: 'prometheus-server',
      component: 'monitoring/prometheus',
      origin: ['monitoring', 'prometheus'],
      instanceType: prometheus.instanceType,
      min: 1,
      max: 1,
      targetCpuPercent: undefined,
      securityGroup: ID.prometheusSecurityGroup,
      instanceProfile: ID.instanceProfile('prometheus-server'),
      volumes: [
        { device: '/dev/xvda', sizeGiB: PROMETHEUS_ROOT_GIB, what: 'root' },
        { device: '/dev/sdf', sizeGiB: prometheus.storageGiB, what: `data (${prometheus.retentionDays} days of metrics)` },
      ],
      userData: prometheusUserData(spec, files),
      targetGroup: undefined,
      healthGraceSeconds: 300,
      // Never rolled by a stack update: its data volume goes with the instance.
      signalTimeoutMinutes: undefined,
    });
  }
  if (grafana.enabled) {
    out.push({
      name: 'grafana-server',
      component: 'monitoring/grafana',
      origin: ['monitoring', 'grafana'],
      instanceType: grafana.instanceType,
      min: 1,
      max: 1,
      targetCpuPercent: undefined,
      securityGroup: ID.grafanaSecurityGroup,
      instanceProfile: ID.instanceProfile('grafana-server'),
      volumes: [{ device: '/dev/xvda', sizeGiB: grafana.storageGiB, what: 'root and dashboards' }],
      userData: grafanaUserData(spec, files),
      targetGroup: undefined,
      healthGraceSeconds: 300,
      // Never rolled by a stack update: its data volume goes with the instance.
      signalTimeoutMinutes: undefined,
    });
  }
  return out;
}

function workloadResources(spec: NormalizedSpec, w: Workload): ModelResource[] {
  const P = pascal(w.name);
  const tags = tagList(spec, w.component);
  const ltId = `${P}LaunchTemplate`;
  const asgId = ID.autoScalingGroup(w.name);
  const diskGiB = w.volumes.reduce((sum, v) => sum + v.sizeGiB, 0);
  const usage: UsageMeter[] = [
    {
      meter: 'ec2.instance',
      unit: 'hours',
      quantity: { min: w.min * HOURS_PER_MONTH, max: w.max * HOURS_PER_MONTH },
      attributes: { instanceType: w.instanceType, os: 'Linux' },
      basis: `${w.min}..${w.max} ${w.instanceType} instances × ${HOURS_PER_MONTH} h`,
    },
    {
      meter: 'ebs.storage',
      unit: 'GB-month',
      quantity: { min: w.min * diskGiB, max: w.max * diskGiB },
      attributes: { volumeType: 'gp3' },
      basis: `${w.volumes.map((v) => `${v.sizeGiB} GiB ${v.what}`).join(' + ')} gp3 × ${w.min}..${w.max} instances`,
    },
  ];
  const signals = w.signalTimeoutMinutes === undefined ? {} : signalPolicies(w, w.signalTimeoutMinutes);
  const out: ModelResource[] = [
    resource({
      logicalId: ltId,
      type: 'AWS::EC2::LaunchTemplate',
      layer: 'ec2',
      origin: w.origin,
      component: w.component,
      properties: {
        LaunchTemplateData: {
          ImageId: amiParameter(w.instanceType),
          InstanceType: w.instanceType,
          IamInstanceProfile: { Arn: getAtt(w.instanceProfile, 'Arn') },
          SecurityGroupIds: [ref(w.securityGroup)],
          // Hop limit 1 (FSBP AutoScaling.4): a container on a Docker bridge cannot reach IMDS. The
          // containers that use the instance role (the service's own, Prometheus's EC2 discovery,
          // Grafana's CloudWatch) run on the host network, one hop from IMDS.
          MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
          BlockDeviceMappings: w.volumes.map((v) => ({
            DeviceName: v.device,
            Ebs: { VolumeSize: v.sizeGiB, VolumeType: 'gp3', Encrypted: true, KmsKeyId: getAtt(ID.kmsKey, 'Arn'), DeleteOnTermination: true },
          })),
          UserData: script(w.userData),
          TagSpecifications: [
            { ResourceType: 'instance', Tags: tags },
            { ResourceType: 'volume', Tags: tags },
          ],
        },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: tags }],
      },
    }),
    resource({
      logicalId: asgId,
      type: 'AWS::AutoScaling::AutoScalingGroup',
      layer: 'ec2',
      origin: w.origin,
      component: w.component,
      properties: {
        MinSize: String(w.min),
        MaxSize: String(w.max),
        VPCZoneIdentifier: subnetRefs(spec, 'private'),
        LaunchTemplate: { LaunchTemplateId: ref(ltId), Version: getAtt(ltId, 'LatestVersionNumber') },
        HealthCheckType: w.targetGroup ? 'ELB' : 'EC2',
        HealthCheckGracePeriod: w.healthGraceSeconds,
        ...(w.targetGroup || w.internalTargetGroup ? { TargetGroupARNs: [w.targetGroup, w.internalTargetGroup].filter((t): t is string => t !== undefined).map((t) => ref(t)) } : {}),
        MetricsCollection: [{ Granularity: '1Minute' }],
        // The launch template tags instances and volumes; the group's own tags stay on the group.
        Tags: tags.map((t) => ({ ...t, PropagateAtLaunch: false })),
      },
      usage,
    }),
  ];
  out[1] = { ...out[1]!, ...signals };
  if (w.targetCpuPercent !== undefined && w.max > w.min) {
    out.push(
      resource({
        logicalId: `${P}CpuScalingPolicy`,
        type: 'AWS::AutoScaling::ScalingPolicy',
        layer: 'ec2',
        origin: [...w.origin, 'scaling'],
        component: w.component,
        properties: {
          AutoScalingGroupName: ref(asgId),
          PolicyType: 'TargetTrackingScaling',
          EstimatedInstanceWarmup: w.healthGraceSeconds,
          TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: w.targetCpuPercent },
        },
      }),
    );
  }
  return out;
}

/**
 * How a service's group takes a new launch template version: AutoScalingRollingUpdate, a batch at
 * a time, each new instance counted only when it signals a healthy container (WaitOnResourceSignals,
 * all of them: MinSuccessfulInstancesPercent 100), the old instances kept at the group's minimum
 * meanwhile. Chosen over AutoScalingReplacingUpdate, which builds a second group and swaps: that
 * doubles the instances during the update and gives the group a new name, which its alarms, the
 * CloudWatch agent's metrics and the target group registrations all key on. MinInstancesInService
 * must stay below MaxSize, so a group of min = max keeps max - 1 in service (a group of one is
 * briefly empty; give it max 2 to avoid that). The processes AWS recommends suspending during a
 * rolling update are suspended, so scaling and health replacement do not fight the update. The
 * CreationPolicy makes the first deploy wait for healthy instances too.
 */
export function signalPolicies(w: Pick<Workload, 'min' | 'max'>, timeoutMinutes: number): Pick<ModelResource, 'updatePolicy' | 'creationPolicy'> {
  const inService = Math.max(0, Math.min(w.min, w.max - 1));
  const batch = Math.max(1, Math.min(Math.ceil(w.max / 4), w.max - inService));
  const timeout = `PT${timeoutMinutes}M`;
  return {
    updatePolicy: {
      AutoScalingRollingUpdate: {
        MinInstancesInService: inService,
        MaxBatchSize: batch,
        PauseTime: timeout,
        WaitOnResourceSignals: true,
        MinSuccessfulInstancesPercent: 100,
        SuspendProcesses: ['HealthCheck', 'ReplaceUnhealthy', 'AZRebalance', 'AlarmNotification', 'ScheduledActions'],
      },
    },
    ...(w.min > 0 ? { creationPolicy: { ResourceSignal: { Count: w.min, Timeout: timeout }, AutoScalingCreationPolicy: { MinSuccessfulInstancesPercent: 100 } } } : {}),
  };
}

export const ec2: BuildingBlock = {
  name: 'ec2',
  build(spec: NormalizedSpec, context: BuildContext): ModelResource[] {
    const out: ModelResource[] = [];
    for (const s of Object.values(spec.services).filter((x) => x.placement === 'ec2')) {
      out.push(
        resource({
          logicalId: ID.serviceLogGroup(s.name),
          type: 'AWS::Logs::LogGroup',
          layer: 'ec2',
          origin: ['services', s.name],
          component: `service/${s.name}`,
          properties: {
            LogGroupName: serviceLogGroupName(spec, s.name),
            RetentionInDays: spec.monitoring.logs.retentionDays,
            KmsKeyId: getAtt(ID.kmsKey, 'Arn'),
            Tags: tagList(spec, `service/${s.name}`),
          },
          usage: logMeters(spec, applicationLogGroupCount(spec)),
        }),
      );
    }
    for (const w of workloads(spec, context)) out.push(...workloadResources(spec, w));
    return out;
  },
};
