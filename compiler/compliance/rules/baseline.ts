// Baseline rules: checked for every spec, whatever it lists under compliance, as cfn-nag and
// checkov check every template. Most read the resource model, so they guard what dex emits.
import type { ModelResource } from '../../model/types.js';
import type { Check, ComplianceRule, Evidence, RuleContext } from '../types.js';
import { URL } from './citations.js';
import { ID } from '../../model/ids.js';
import { isWildcardAction } from '../../../spec/permissions.js';
import { sidecarsOf, type ImportedVpc, type NormalizedService, type NormalizedSpec } from '../../../spec/model.js';
import { specPermissionSid } from '../../../services/iam.js';
import { customerKeys, evidence, fail, ofType, pass, prop, refersTo } from '../util.js';
import { bucketPublicAccessChecks, storeDeletionChecks } from './stores.js';

const WA_REST = 'https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_protect_data_rest_encrypt.html';
const WA_TRANSIT = 'https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_protect_data_transit_encrypt.html';
const PCI = URL.pci;
const SOC2 = URL.soc2;
const GDPR32 = URL.gdpr;

/** What "encrypted at rest" means for each stateful resource type dex emits. */
const AT_REST: Readonly<Record<string, (r: ModelResource) => { ok: boolean; props: Record<string, unknown>; key: unknown }>> = {
  'AWS::RDS::DBCluster': (r) => ({ ok: prop(r, 'StorageEncrypted') === true, props: { StorageEncrypted: prop(r, 'StorageEncrypted'), KmsKeyId: prop(r, 'KmsKeyId') }, key: prop(r, 'KmsKeyId') }),
  'AWS::RDS::DBInstance': (r) => {
    // An Aurora instance stores nothing itself: the cluster volume is encrypted (checked as the cluster).
    if (prop(r, 'DBClusterIdentifier') !== undefined) return { ok: true, props: { DBClusterIdentifier: prop(r, 'DBClusterIdentifier') }, key: undefined };
    const replica = prop(r, 'SourceDBInstanceIdentifier') !== undefined;
    // A replica inherits its source's encryption; CloudFormation refuses StorageEncrypted on one.
    const ok = prop(r, 'StorageEncrypted') === true || (replica && prop(r, 'KmsKeyId') !== undefined);
    return { ok, props: replica ? { SourceDBInstanceIdentifier: prop(r, 'SourceDBInstanceIdentifier'), KmsKeyId: prop(r, 'KmsKeyId') } : { StorageEncrypted: prop(r, 'StorageEncrypted'), KmsKeyId: prop(r, 'KmsKeyId') }, key: prop(r, 'KmsKeyId') };
  },
  'AWS::DynamoDB::Table': (r) => ({ ok: prop(r, 'SSESpecification', 'SSEEnabled') === true, props: { SSESpecification: prop(r, 'SSESpecification') }, key: prop(r, 'SSESpecification', 'KMSMasterKeyId') }),
  'AWS::ElastiCache::ReplicationGroup': (r) => ({ ok: prop(r, 'AtRestEncryptionEnabled') === true, props: { AtRestEncryptionEnabled: prop(r, 'AtRestEncryptionEnabled'), KmsKeyId: prop(r, 'KmsKeyId') }, key: prop(r, 'KmsKeyId') }),
  'AWS::Logs::LogGroup': (r) => ({ ok: prop(r, 'KmsKeyId') !== undefined, props: { KmsKeyId: prop(r, 'KmsKeyId') }, key: prop(r, 'KmsKeyId') }),
  'AWS::SecretsManager::Secret': (r) => ({ ok: prop(r, 'KmsKeyId') !== undefined, props: { KmsKeyId: prop(r, 'KmsKeyId') }, key: prop(r, 'KmsKeyId') }),
  'AWS::SNS::Topic': (r) => ({ ok: prop(r, 'KmsMasterKeyId') !== undefined, props: { KmsMasterKeyId: prop(r, 'KmsMasterKeyId') }, key: prop(r, 'KmsMasterKeyId') }),
  // SQS-managed encryption (an AWS-owned key) is encryption at rest too: Karpenter's interruption
  // queue holds EC2 events, which EventBridge could not write through a customer key's policy otherwise.
  'AWS::SQS::Queue': (r) => ({
    ok: prop(r, 'KmsMasterKeyId') !== undefined || prop(r, 'SqsManagedSseEnabled') === true,
    props: { KmsMasterKeyId: prop(r, 'KmsMasterKeyId'), SqsManagedSseEnabled: prop(r, 'SqsManagedSseEnabled') },
    key: prop(r, 'KmsMasterKeyId'),
  }),
  // Amazon MQ encrypts every RabbitMQ broker's storage with an AWS owned key and takes no other.
  'AWS::AmazonMQ::Broker': (r) => ({
    ok: prop(r, 'EngineType') === 'RABBITMQ' || prop(r, 'EncryptionOptions') !== undefined,
    props: { EngineType: prop(r, 'EngineType'), EncryptionOptions: prop(r, 'EncryptionOptions') },
    key: prop(r, 'EncryptionOptions', 'KmsKeyId'),
  }),
  'AWS::ECR::Repository': (r) => ({ ok: prop(r, 'EncryptionConfiguration', 'EncryptionType') === 'KMS', props: { EncryptionConfiguration: prop(r, 'EncryptionConfiguration') }, key: prop(r, 'EncryptionConfiguration', 'KmsKey') }),
  'AWS::EFS::FileSystem': (r) => ({ ok: prop(r, 'Encrypted') === true, props: { Encrypted: prop(r, 'Encrypted'), KmsKeyId: prop(r, 'KmsKeyId') }, key: prop(r, 'KmsKeyId') }),
  'AWS::Backup::BackupVault': (r) => ({ ok: prop(r, 'EncryptionKeyArn') !== undefined, props: { EncryptionKeyArn: prop(r, 'EncryptionKeyArn') }, key: prop(r, 'EncryptionKeyArn') }),
  'AWS::EKS::Cluster': (r) => {
    const config = prop(r, 'EncryptionConfig');
    const first = Array.isArray(config) ? (config[0] as Record<string, unknown> | undefined) : undefined;
    const ok = Array.isArray(config) && JSON.stringify(config).includes('"secrets"');
    return { ok, props: { EncryptionConfig: config }, key: (first?.Provider as Record<string, unknown> | undefined)?.KeyArn };
  },
  'AWS::S3::Bucket': (r) => {
    const rule = (prop(r, 'BucketEncryption', 'ServerSideEncryptionConfiguration') as readonly { ServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: unknown } }[] | undefined)?.[0]?.ServerSideEncryptionByDefault;
    return { ok: prop(r, 'BucketEncryption') !== undefined, props: { BucketEncryption: prop(r, 'BucketEncryption') }, key: rule?.SSEAlgorithm === 'aws:kms' ? rule.KMSMasterKeyID : undefined };
  },
  'AWS::EC2::LaunchTemplate': (r) => {
    const volumes = (prop(r, 'LaunchTemplateData', 'BlockDeviceMappings') ?? []) as readonly { Ebs?: { Encrypted?: unknown; KmsKeyId?: unknown } }[];
    const ok = volumes.every((v) => v.Ebs === undefined || v.Ebs.Encrypted === true);
    return { ok, props: { 'LaunchTemplateData.BlockDeviceMappings[].Ebs': volumes.map((v) => ({ Encrypted: v.Ebs?.Encrypted, KmsKeyId: v.Ebs?.KmsKeyId })) }, key: volumes[0]?.Ebs?.KmsKeyId };
  },
};

/** Buckets a load balancer writes its access logs to (access_logs.s3.bucket). */
function accessLogBuckets(ctx: RuleContext): Set<string> {
  const ids = new Set<string>();
  for (const lb of ofType(ctx.model, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    for (const a of (prop(lb, 'LoadBalancerAttributes') ?? []) as { Key?: string; Value?: { Ref?: string } }[]) {
      if (a.Key === 'access_logs.s3.bucket' && typeof a.Value?.Ref === 'string') ids.add(a.Value.Ref);
    }
  }
  return ids;
}

/** Buckets other buckets' server access logs go to (S3 delivers those only to SSE-S3 buckets, not SSE-KMS). */
function serverAccessLogTargets(ctx: RuleContext): Set<string> {
  const ids = new Set<string>();
  for (const b of ofType(ctx.model, 'AWS::S3::Bucket')) {
    const target = (prop(b, 'LoggingConfiguration') as { DestinationBucketName?: { Ref?: string } } | undefined)?.DestinationBucketName?.Ref;
    if (typeof target === 'string') ids.add(target);
  }
  return ids;
}

export function atRestChecks(ctx: RuleContext, requireCustomerKey = false): Check[] {
  const keys = customerKeys(ctx.model);
  const checks: Check[] = [];
  const albLogBuckets = accessLogBuckets(ctx);
  const s3LogTargets = serverAccessLogTargets(ctx);
  for (const r of ctx.model.resources) {
    const rule = AT_REST[r.type];
    if (!rule) continue;
    // An Aurora instance stores nothing: its cluster's volume is judged (as the cluster).
    if (r.type === 'AWS::RDS::DBInstance' && prop(r, 'DBClusterIdentifier') !== undefined) continue;
    // Pipeline artifacts (templates, build output) hold no account data: encrypted, but not
    // necessarily under the system key.
    if (requireCustomerKey && r.layer === 'cicd') continue;
    const { ok, props, key } = rule(r);
    const ev = [evidence(r, props)];
    if (!ok) {
      checks.push(fail(`${r.logicalId} (${r.type}) is not encrypted at rest`, r.origin, 'dex encrypts every store with the system KMS key: a building block that emits this resource unencrypted is a dex bug, report it', ev));
      continue;
    }
    if (!requireCustomerKey) {
      checks.push(pass(`${r.logicalId} is encrypted at rest`, r.origin, ev));
      continue;
    }
    const keyId = refersTo(key as never, keys);
    const keyResource = keyId ? keys.get(keyId) : undefined;
    if (!keyResource && albLogBuckets.has(r.logicalId)) {
      checks.push(pass(`exception: ${r.logicalId} holds the load balancer's access logs, which ELB can deliver only to an SSE-S3 bucket (not SSE-KMS); they hold request metadata, not stored account data`, r.origin, ev));
    } else if (!keyResource && r.type === 'AWS::AmazonMQ::Broker' && prop(r, 'EngineType') === 'RABBITMQ') {
      checks.push(pass(`exception: ${r.logicalId} is a RabbitMQ broker, which Amazon MQ encrypts only with an AWS owned key (EncryptionOptions does not apply to RabbitMQ brokers); its messages stay in the private broker, reachable only from the services that use it`, r.origin, ev));
    } else if (!keyResource && s3LogTargets.has(r.logicalId)) {
      checks.push(pass(`exception: ${r.logicalId} holds S3 server access logs, which S3 can deliver only to an SSE-S3 bucket (not SSE-KMS); they hold request metadata, not stored account data`, r.origin, ev));
    } else if (!keyResource) {
      checks.push(fail(`${r.logicalId} (${r.type}) is encrypted with an AWS-managed key, not a customer-managed KMS key`, r.origin, 'encrypt it with the system KMS key (KmsKey) so key access and rotation are under your control', ev));
    } else if (prop(keyResource, 'EnableKeyRotation') !== true) {
      checks.push(fail(`${r.logicalId} is encrypted with ${keyId}, whose automatic rotation is off`, [], 'turn on EnableKeyRotation on the customer-managed key', [...ev, evidence(keyResource, { EnableKeyRotation: prop(keyResource, 'EnableKeyRotation') })]));
    } else {
      checks.push(pass(`${r.logicalId} is encrypted with the customer-managed key ${keyId} (rotated yearly)`, r.origin, [...ev, evidence(keyResource, { EnableKeyRotation: true })]));
    }
  }
  return checks;
}

/** TLS 1.2 or later only. ELB policy names: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html */
const TLS12_POLICIES = new Set([
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06',
  'ELBSecurityPolicy-TLS-1-2-2017-01',
  'ELBSecurityPolicy-TLS-1-2-Ext-2018-06',
  'ELBSecurityPolicy-FS-1-2-2019-08',
  'ELBSecurityPolicy-FS-1-2-Res-2019-08',
  'ELBSecurityPolicy-FS-1-2-Res-2020-10',
]);

export function tlsChecks(ctx: RuleContext): Check[] {
  return ofType(ctx.model, 'AWS::ElasticLoadBalancingV2::Listener')
    // HTTPS on an ALB, TLS on an NLB (ingress.loadBalancers): both negotiate with SslPolicy.
    .filter((r) => prop(r, 'Protocol') === 'HTTPS' || prop(r, 'Protocol') === 'TLS')
    .map((r) => {
      const policy = prop(r, 'SslPolicy');
      const ev = [evidence(r, { Protocol: prop(r, 'Protocol'), Port: prop(r, 'Port'), SslPolicy: policy })];
      return typeof policy === 'string' && TLS12_POLICIES.has(policy)
        ? pass(`${r.logicalId} negotiates TLS 1.2 or later only (${policy})`, ['ingress', 'tls', 'policy'], ev)
        : fail(`${r.logicalId} allows protocols older than TLS 1.2 (SslPolicy ${String(policy ?? 'unset: the ELB default allows TLS 1.0')})`, ['ingress', 'tls', 'policy'], 'set ingress.tls.policy to tls13 or tls12', ev);
    });
}

export function inTransitChecks(ctx: RuleContext): Check[] {
  const checks: Check[] = [];
  for (const r of ofType(ctx.model, 'AWS::ElasticLoadBalancingV2::Listener')) {
    if (prop(r, 'Protocol') !== 'HTTP') continue;
    const actions = (prop(r, 'DefaultActions') ?? []) as readonly { Type?: string; RedirectConfig?: { Protocol?: string } }[];
    const redirects = actions.length > 0 && actions.every((a) => a.Type === 'redirect' && a.RedirectConfig?.Protocol === 'HTTPS');
    const ev = [evidence(r, { Protocol: 'HTTP', Port: prop(r, 'Port'), DefaultActions: actions })];
    // ingress.http: allow is the spec's own choice: a warning to review outside production, an error in it.
    const asked = ctx.spec.ingress.http === 'allow';
    checks.push(
      redirects
        ? pass(`${r.logicalId} (HTTP) only redirects to HTTPS`, r.origin, ev)
        : asked
          ? fail(`${r.logicalId} serves plain HTTP (ingress.http: allow)`, ['ingress', 'http'], 'remove ingress.http: port 80 then redirects to HTTPS', ev, ctx.production ? undefined : 'warning')
          : fail(`${r.logicalId} serves plain HTTP instead of redirecting to HTTPS`, r.origin, 'plain HTTP listeners must redirect to HTTPS (report it: dex emits a redirect)', ev),
    );
  }
  // Amazon MQ for RabbitMQ listens on AMQPS (5671) and HTTPS only: no plain AMQP listener exists.
  for (const r of ofType(ctx.model, 'AWS::AmazonMQ::Broker')) {
    const ev = [evidence(r, { EngineType: prop(r, 'EngineType') })];
    checks.push(prop(r, 'EngineType') === 'RABBITMQ' ? pass(`${r.logicalId} accepts TLS connections only (Amazon MQ for RabbitMQ: AMQPS on 5671, HTTPS on 443)`, r.origin, ev) : fail(`${r.logicalId} is not a RabbitMQ broker: dex cannot tell its listeners`, r.origin, 'report it: dex emits RabbitMQ brokers only', ev));
  }
  for (const r of ofType(ctx.model, 'AWS::ElastiCache::ReplicationGroup')) {
    const ev = [evidence(r, { TransitEncryptionEnabled: prop(r, 'TransitEncryptionEnabled') })];
    checks.push(
      prop(r, 'TransitEncryptionEnabled') === true
        ? pass(`${r.logicalId} requires TLS from its clients`, r.origin, ev)
        : fail(`${r.logicalId} accepts unencrypted connections`, r.origin, 'turn on TransitEncryptionEnabled', ev),
    );
  }
  // EFS: the file system refuses clients without TLS (its policy), and every ECS mount uses TLS.
  for (const r of ofType(ctx.model, 'AWS::EFS::FileSystem')) {
    const statements = ((prop(r, 'FileSystemPolicy', 'Statement') ?? []) as readonly { Effect?: string; Condition?: { Bool?: Record<string, unknown> } }[]);
    const denies = statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
    const ev = [evidence(r, { FileSystemPolicy: prop(r, 'FileSystemPolicy') })];
    checks.push(denies ? pass(`${r.logicalId} refuses NFS clients without TLS`, r.origin, ev) : fail(`${r.logicalId} accepts NFS clients without TLS`, r.origin, 'its file-system policy must deny aws:SecureTransport false (report it: dex emits that policy)', ev));
  }
  for (const r of ofType(ctx.model, 'AWS::ECS::TaskDefinition')) {
    const volumes = ((prop(r, 'Volumes') ?? []) as readonly { Name?: string; EFSVolumeConfiguration?: { TransitEncryption?: string } }[]).filter((v) => v.EFSVolumeConfiguration !== undefined);
    for (const v of volumes) {
      const ev = [evidence(r, { [`Volumes[${v.Name}].EFSVolumeConfiguration.TransitEncryption`]: v.EFSVolumeConfiguration!.TransitEncryption })];
      checks.push(v.EFSVolumeConfiguration!.TransitEncryption === 'ENABLED' ? pass(`${r.logicalId} mounts ${v.Name} over TLS`, r.origin, ev) : fail(`${r.logicalId} mounts ${v.Name} without TLS`, r.origin, 'set TransitEncryption: ENABLED (report it: dex emits it)', ev));
    }
  }
  return checks;
}

const OPEN = new Set(['0.0.0.0/0', '::/0']);

export function securityGroupChecks(ctx: RuleContext): Check[] {
  const checks: Check[] = [];
  const cidrs = ctx.spec.network.bastion.enabled ? ctx.spec.network.bastion.allowedCidrs : [];
  cidrs.forEach((cidr, i) => {
    if (OPEN.has(cidr) || cidr.endsWith('/0')) {
      checks.push(fail(`the bastion accepts SSH from the whole internet (${cidr})`, ['network', 'bastion', 'allowedCidrs', i], 'name your office or VPN ranges, or leave allowedCidrs empty and use SSM Session Manager'));
    }
  });
  const groups = new Map(ofType(ctx.model, 'AWS::EC2::SecurityGroup').map((g) => [g.logicalId, g]));
  for (const r of ofType(ctx.model, 'AWS::EC2::SecurityGroupIngress')) {
    const cidr = prop(r, 'CidrIp') ?? prop(r, 'CidrIpv6');
    if (typeof cidr !== 'string' || !OPEN.has(cidr)) continue;
    const target = refersTo(prop(r, 'GroupId'), groups);
    const port = prop(r, 'FromPort');
    const ev = [evidence(r, { GroupId: target, CidrIp: cidr, IpProtocol: prop(r, 'IpProtocol'), FromPort: port, ToPort: prop(r, 'ToPort') })];
    const loadBalancer = target !== undefined && groups.get(target)!.component === 'ingress';
    if (loadBalancer && (port === 443 || port === 80) && prop(r, 'ToPort') === port) {
      checks.push(pass(`${r.logicalId}: only the load balancer is open to the internet, on port ${String(port)}`, r.origin, ev));
    } else if (!cidrs.some((c) => OPEN.has(c))) {
      checks.push(fail(`${r.logicalId} opens ${target ?? 'a security group'} to the whole internet (${cidr}, port ${String(port ?? 'all')})`, r.origin, 'only the load balancer may accept traffic from anywhere; everything else takes it from a security group or a named range', ev));
    }
  }
  if (checks.length === 0) checks.push(pass('no security group accepts traffic from the internet', ['network']));
  return checks;
}

export function flowLogChecks(ctx: RuleContext, minDays?: number): Check[] {
  const fl = ctx.spec.network.flowLogs;
  const flowLogs = ofType(ctx.model, 'AWS::EC2::FlowLog');
  if (!fl.enabled || flowLogs.length === 0) {
    return [fail(`VPC flow logs are off: there is no record of network traffic to investigate`, ['network', 'flowLogs', 'enabled'], 'set network.flowLogs.enabled: true (traffic: ALL)')];
  }
  const ev = flowLogs.map((r) => evidence(r, { ResourceType: prop(r, 'ResourceType'), TrafficType: prop(r, 'TrafficType'), LogDestinationType: prop(r, 'LogDestinationType') }));
  const checks: Check[] = [];
  if (fl.traffic !== 'ALL') {
    checks.push(fail(`VPC flow logs record only ${fl.traffic} traffic`, ['network', 'flowLogs', 'traffic'], 'set network.flowLogs.traffic: ALL: accepted and rejected traffic are both evidence', ev, 'warning'));
  } else checks.push(pass('VPC flow logs record all traffic (accepted and rejected)', ['network', 'flowLogs'], ev));
  if (minDays !== undefined) checks.push(...retentionChecks(ctx, minDays, 'flow'));
  return checks;
}

/** Log groups whose retention the spec sets: 'app' = monitoring.logs.retentionDays, 'flow' = network.flowLogs.retentionDays. */
export function retentionChecks(ctx: RuleContext, minDays: number, which: 'app' | 'flow', severity?: Check['severity']): Check[] {
  const flowGroups = new Set(ofType(ctx.model, 'AWS::EC2::FlowLog').map((f) => refersTo(prop(f, 'LogDestination'), new Set(ctx.model.resources.map((r) => r.logicalId)))));
  const groups = ofType(ctx.model, 'AWS::Logs::LogGroup').filter((g) => flowGroups.has(g.logicalId) === (which === 'flow'));
  const value = which === 'flow' ? ctx.spec.network.flowLogs.retentionDays : ctx.spec.monitoring.logs.retentionDays;
  const path = which === 'flow' ? ['network', 'flowLogs', 'retentionDays'] : ['monitoring', 'logs', 'retentionDays'];
  const what = which === 'flow' ? 'VPC flow logs are' : 'application and platform logs are';
  if (which === 'flow' && !ctx.spec.network.flowLogs.enabled) return [];
  const ev = groups.map((g) => evidence(g, { RetentionInDays: prop(g, 'RetentionInDays') }));
  const short = groups.filter((g) => typeof prop(g, 'RetentionInDays') !== 'number' || (prop(g, 'RetentionInDays') as number) < minDays);
  if (value < minDays || short.length > 0) {
    return [fail(`${what} kept ${value} days; at least ${minDays} are required`, path, `set ${path.join('.')}: ${nextRetention(minDays)} or more`, ev, severity)];
  }
  return [pass(`${what} kept ${value} days (at least ${minDays} required)`, path, ev)];
}

/** The smallest CloudWatch Logs retention value at or above n. */
export function nextRetention(n: number): number {
  const allowed = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
  return allowed.find((v) => v >= n) ?? 3653;
}

export const encryptionAtRest: ComplianceRule = {
  id: 'BASE-ENCRYPTION-AT-REST',
  title: 'Data stores, volumes, logs, secrets and backups are encrypted at rest',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Well-Architected SEC08-BP02', text: 'Enforce encryption at rest', url: WA_REST },
    gdpr: { clause: 'GDPR Art. 32(1)(a)', text: 'encryption of personal data as a security measure', url: GDPR32 },
    soc2: { clause: 'SOC 2 CC6.1', text: 'logical access security over protected information assets, including encryption', url: SOC2 },
  },
  severity: 'error',
  nonProduction: 'same',
  check: (ctx) => atRestChecks(ctx),
};

export const encryptionInTransit: ComplianceRule = {
  id: 'BASE-ENCRYPTION-IN-TRANSIT',
  title: 'Traffic is encrypted in transit: HTTP redirects to HTTPS, caches require TLS',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Well-Architected SEC09-BP02', text: 'Enforce encryption in transit', url: WA_TRANSIT },
    'pci-dss': { clause: 'PCI DSS v4.0 Req. 4.2.1', text: 'strong cryptography protects cardholder data during transmission over open, public networks', url: PCI },
    soc2: { clause: 'SOC 2 CC6.7', text: 'transmission of information is restricted and protected', url: SOC2 },
    gdpr: { clause: 'GDPR Art. 32(1)(a)', text: 'encryption of personal data as a security measure', url: GDPR32 },
  },
  severity: 'error',
  nonProduction: 'same',
  check: inTransitChecks,
};

export const tls12: ComplianceRule = {
  id: 'BASE-TLS12',
  title: 'HTTPS and TLS listeners accept TLS 1.2 or later only',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Well-Architected SEC09-BP02', text: 'Enforce encryption in transit (current TLS versions only)', url: WA_TRANSIT },
    'pci-dss': { clause: 'PCI DSS v4.0 Req. 4.2.1', text: 'only trusted keys and certificates and secure versions of protocols are used', url: PCI },
  },
  severity: 'error',
  nonProduction: 'same',
  check: tlsChecks,
};

export const noPublicDataStores: ComplianceRule = {
  id: 'BASE-NO-PUBLIC-DATA-STORES',
  title: 'No data store is reachable from the internet',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Foundational Security Best Practices RDS.2', text: 'RDS DB instances should prohibit public access', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-2' },
    'pci-dss': { clause: 'PCI DSS v4.0 Req. 1.4.4', text: 'system components that store cardholder data are not directly accessible from untrusted networks', url: PCI },
  },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const checks: Check[] = [];
    for (const r of ofType(ctx.model, 'AWS::RDS::DBInstance')) {
      const ev = [evidence(r, { PubliclyAccessible: prop(r, 'PubliclyAccessible') })];
      checks.push(
        prop(r, 'PubliclyAccessible') === true
          ? fail(`${r.logicalId} is publicly accessible`, r.origin, 'set PubliclyAccessible: false (report it: dex never makes databases public)', ev)
          : pass(`${r.logicalId} has no public endpoint`, r.origin, ev),
      );
    }
    // Amazon MQ brokers: never publicly accessible (create-only, so dex's false stays false).
    for (const r of ofType(ctx.model, 'AWS::AmazonMQ::Broker')) {
      const ev = [evidence(r, { PubliclyAccessible: prop(r, 'PubliclyAccessible') })];
      checks.push(prop(r, 'PubliclyAccessible') === false ? pass(`${r.logicalId} has no public endpoint`, r.origin, ev) : fail(`${r.logicalId} is publicly accessible`, r.origin, 'set PubliclyAccessible: false (report it: dex never makes brokers public)', ev));
    }
    checks.push(...segmentationChecks(ctx).filter((c) => !c.ok || c.message.includes('security group')));
    checks.push(...bucketPublicAccessChecks(ctx));
    return checks;
  },
};

/**
 * In an imported VPC the subnet groups hold the IDs the spec lists: the database tier's, or the
 * private tier's when the VPC has none (DEX786). Their routes are the VPC owner's, not in the model.
 */
function importedSubnetGroupCheck(g: ModelResource, imported: ImportedVpc): Check {
  const subnets = ((prop(g, 'SubnetIds') ?? []) as unknown[]).map(String);
  const ev = [evidence(g, { SubnetIds: subnets })];
  const database = new Set(imported.subnets.database);
  const inTier = (tier: Set<string>): boolean => subnets.length > 0 && subnets.every((s) => tier.has(s));
  if (inTier(database)) return pass(`${g.logicalId} places the data store in the imported VPC's database subnets only (their routes are the VPC's: dex cannot see them offline)`, g.origin, ev);
  if (database.size === 0 && inTier(new Set(imported.subnets.private))) {
    return pass(`${g.logicalId} places the data store in the imported VPC's private subnets: the VPC has no database tier (DEX786); no route in from the internet, security groups admit only its clients`, g.origin, ev);
  }
  return fail(`${g.logicalId} places a data store outside the imported VPC's database subnets`, g.origin, 'data stores belong in network.subnets.database (report it: dex places them there)', ev);
}

/** Data stores sit in the database subnets, which have no route out, and take traffic only from security groups. */
export function segmentationChecks(ctx: RuleContext): Check[] {
  const checks: Check[] = [];
  const ids = new Set(ctx.model.resources.map((r) => r.logicalId));
  const byId = new Map(ctx.model.resources.map((r) => [r.logicalId, r]));
  const isDbTier = (id: string | undefined): boolean => id !== undefined && byId.get(id)?.origin[0] === 'network' && byId.get(id)?.origin[2] === 'database';
  const imported = ctx.spec.network.imported;
  // An Amazon MQ broker names its subnets itself (no subnet group).
  for (const g of ofType(ctx.model, 'AWS::RDS::DBSubnetGroup', 'AWS::ElastiCache::SubnetGroup', 'AWS::AmazonMQ::Broker')) {
    if (imported) {
      checks.push(importedSubnetGroupCheck(g, imported));
      continue;
    }
    const subnets = ((prop(g, 'SubnetIds') ?? []) as unknown[]).map((s) => refersTo(s as never, ids));
    const ev = [evidence(g, { SubnetIds: subnets })];
    // Without a database tier (network.subnets.database: []) each store says subnets: private
    // (DEX797): the private subnets then hold it, as an imported VPC's do (DEX786).
    const noDbTier = ctx.spec.network.subnets.database.length === 0;
    const isPrivateTier = (id: string | undefined): boolean => id !== undefined && byId.get(id)?.origin[0] === 'network' && byId.get(id)?.origin[2] === 'private';
    checks.push(
      subnets.length > 0 && subnets.every(isDbTier)
        ? pass(`${g.logicalId} places the data store in the database subnets only`, g.origin, ev)
        : noDbTier && subnets.length > 0 && subnets.every(isPrivateTier)
          ? pass(`${g.logicalId} places the data store in the private subnets: the VPC has no database tier (network.subnets.database: [], subnets: private); no route in from the internet, security groups admit only its clients`, g.origin, ev)
          : fail(
              `${g.logicalId} places a data store outside the database subnets`,
              g.origin,
              subnets.length > 0 && subnets.every(isPrivateTier) ? 'the store sets subnets: private although the VPC has database subnets: remove it to isolate the store there' : 'data stores belong in network.subnets.database (report it: dex places them there)',
              ev,
            ),
    );
  }
  const dbTables = new Set(ofType(ctx.model, 'AWS::EC2::SubnetRouteTableAssociation').filter((a) => isDbTier(refersTo(prop(a, 'SubnetId'), ids))).map((a) => refersTo(prop(a, 'RouteTableId'), ids)));
  const outRoutes = ofType(ctx.model, 'AWS::EC2::Route').filter((r) => dbTables.has(refersTo(prop(r, 'RouteTableId'), ids)));
  const tables = [...dbTables].filter((t): t is string => t !== undefined).map((t) => byId.get(t)!);
  if (outRoutes.length > 0) {
    checks.push(fail(`the database subnets have a route out (${outRoutes.map((r) => r.logicalId).join(', ')})`, ['network', 'subnets', 'database'], 'the database tier must have no route to the internet or a NAT gateway', outRoutes.map((r) => evidence(r, { DestinationCidrBlock: prop(r, 'DestinationCidrBlock'), GatewayId: prop(r, 'GatewayId'), NatGatewayId: prop(r, 'NatGatewayId') }))));
  } else if (tables.length > 0) {
    checks.push(pass('the database subnets have no route to the internet or a NAT gateway (local VPC routes only)', ['network', 'subnets', 'database'], tables.map((t) => evidence(t, { routes: 'local only' }))));
  }
  const dataGroups = new Set(ofType(ctx.model, 'AWS::EC2::SecurityGroup').filter((g) => /^(database|cache|broker)\//.test(g.component)).map((g) => g.logicalId));
  for (const r of ofType(ctx.model, 'AWS::EC2::SecurityGroupIngress')) {
    const target = refersTo(prop(r, 'GroupId'), dataGroups);
    if (!target) continue;
    const source = prop(r, 'SourceSecurityGroupId');
    const ev = [evidence(r, { GroupId: target, SourceSecurityGroupId: refersTo(source, ids), CidrIp: prop(r, 'CidrIp'), FromPort: prop(r, 'FromPort') })];
    // A broker's web console (`console: true`) is opened to the VPC's range on 443: the spec asked for it.
    if (source === undefined && r.origin[0] === 'brokers' && r.origin[2] === 'console') {
      checks.push(pass(`exception: ${r.logicalId} opens the RabbitMQ web console of ${target} to the VPC (${String(prop(r, 'CidrIp'))}, port ${String(prop(r, 'FromPort'))}), as brokers.${String(r.origin[1])}.console asks; AMQPS stays limited to the services that use it`, r.origin, ev));
      continue;
    }
    checks.push(
      source !== undefined
        ? pass(`${r.logicalId}: ${target} takes traffic only from the security group of a declared client (${String(prop(r, 'Description') ?? '')})`, r.origin, ev)
        : fail(`${r.logicalId} lets an address range (${String(prop(r, 'CidrIp'))}) reach ${target}`, r.origin, 'let data stores accept traffic only from the security groups of the services that use them', ev),
    );
  }
  return checks;
}

export const imdsv2: ComplianceRule = {
  id: 'BASE-IMDSV2',
  title: 'Instances require IMDSv2 with a hop limit of 1 (no instance credentials from containers)',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Foundational Security Best Practices EC2.8 / AutoScaling.4', text: 'EC2 instances should use Instance Metadata Service Version 2 (IMDSv2); launch configurations should not have a metadata response hop limit greater than 1', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8' },
  },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const templates = ofType(ctx.model, 'AWS::EC2::LaunchTemplate');
    if (templates.length === 0) return [pass('no EC2 instances', [])];
    return templates.map((r) => {
      const tokens = prop(r, 'LaunchTemplateData', 'MetadataOptions', 'HttpTokens');
      // Unset, EC2 uses 1 for a launch template; an explicit value above 1 lets containers through.
      const hops = prop(r, 'LaunchTemplateData', 'MetadataOptions', 'HttpPutResponseHopLimit');
      const ev = [evidence(r, { 'LaunchTemplateData.MetadataOptions.HttpTokens': tokens, 'LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit': hops })];
      if (tokens !== 'required') return fail(`${r.logicalId} allows IMDSv1 (HttpTokens ${String(tokens ?? 'unset')})`, r.origin, 'set MetadataOptions.HttpTokens: required (report it: dex requires IMDSv2)', ev);
      if (hops !== undefined && hops !== 1) return fail(`${r.logicalId} answers instance metadata ${String(hops)} hops away: containers reach the instance role`, r.origin, 'set MetadataOptions.HttpPutResponseHopLimit: 1 (report it: dex emits hop limit 1)', ev);
      return pass(`${r.logicalId} requires IMDSv2, hop limit 1`, r.origin, ev);
    });
  },
};

export const leastPrivilegeSecurityGroups: ComplianceRule = {
  id: 'BASE-SG-LEAST-PRIVILEGE',
  title: 'Only the load balancer accepts traffic from the internet, on 80/443',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Foundational Security Best Practices EC2.19 / EC2.13', text: 'security groups should not allow unrestricted access to high-risk ports / to port 22', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html' },
    'pci-dss': { clause: 'PCI DSS v4.0 Req. 1.3.1', text: 'inbound traffic to the cardholder data environment is restricted to only that which is necessary', url: PCI },
    soc2: { clause: 'SOC 2 CC6.6', text: 'logical access security measures against threats from sources outside the system boundaries', url: SOC2 },
  },
  severity: 'error',
  nonProduction: 'same',
  check: securityGroupChecks,
};

export const logRetentionSet: ComplianceRule = {
  id: 'BASE-LOG-RETENTION',
  title: 'Every log group has a retention period',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Foundational Security Best Practices CloudWatch.16', text: 'CloudWatch log groups should be retained for a specified time period', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html' },
  },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    return ofType(ctx.model, 'AWS::Logs::LogGroup').map((g) => {
      const days = prop(g, 'RetentionInDays');
      const ev = [evidence(g, { RetentionInDays: days })];
      return typeof days === 'number'
        ? pass(`${g.logicalId} keeps events ${days} days`, g.origin, ev)
        : fail(`${g.logicalId} keeps log events forever (no RetentionInDays)`, g.origin, 'set a retention (report it: dex sets one on every log group)', ev);
    });
  },
};

export const flowLogsOn: ComplianceRule = {
  id: 'BASE-FLOW-LOGS',
  title: 'VPC flow logs are on',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Foundational Security Best Practices EC2.6', text: 'VPC flow logging should be enabled in all VPCs', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6' },
  },
  severity: 'warning',
  nonProduction: 'skip',
  check: (ctx) => flowLogChecks(ctx),
};

export const deletionProtection: ComplianceRule = {
  id: 'BASE-DELETION-PROTECTION',
  title: 'Stateful resources are protected from deletion and keep a final snapshot',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Foundational Security Best Practices RDS.8', text: 'RDS DB instances should have deletion protection enabled', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-8' },
    soc2: { clause: 'SOC 2 A1.2', text: 'environmental protections, software, data back-up processes and recovery infrastructure', url: SOC2 },
  },
  severity: 'warning',
  nonProduction: 'skip',
  check(ctx) {
    const checks: Check[] = [];
    for (const r of ofType(ctx.model, 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::ElastiCache::ReplicationGroup')) {
      if (prop(r, 'SourceDBInstanceIdentifier') !== undefined) continue; // replicas are recreated from the source
      if (r.type === 'AWS::RDS::DBInstance' && prop(r, 'DBClusterIdentifier') !== undefined) continue; // Aurora instances: the cluster holds the data
      const rds = r.type === 'AWS::RDS::DBInstance' || r.type === 'AWS::RDS::DBCluster';
      const ev: Evidence[] = [evidence(r, { ...(rds ? { DeletionProtection: prop(r, 'DeletionProtection') } : {}), DeletionPolicy: r.deletionPolicy ?? 'Delete', UpdateReplacePolicy: r.updateReplacePolicy ?? 'Delete' })];
      const snapshot = r.deletionPolicy === 'Snapshot' || r.deletionPolicy === 'Retain';
      if (rds && prop(r, 'DeletionProtection') !== true) {
        checks.push(fail(`${r.logicalId} can be deleted: deletion protection is off`, [...r.origin, 'deletionProtection'], 'set deletionProtection: true (the default) for production databases', ev));
      } else if (!snapshot) {
        checks.push(fail(`${r.logicalId} is deleted without a final snapshot`, r.origin, 'keep DeletionPolicy Snapshot (report it: dex sets it)', ev));
      } else {
        checks.push(pass(`${r.logicalId} ${rds ? 'has deletion protection and ' : ''}keeps a final snapshot if deleted`, r.origin, ev));
      }
    }
    checks.push(...storeDeletionChecks(ctx));
    return checks;
  },
};

/** Roles that must carry the environment's permissions boundary: the execution role and every role of the environment's stacks. */
const boundedRole = (r: ModelResource): boolean => r.layer !== 'delivery' || String(prop(r, 'RoleName') ?? '').endsWith('-cfn-exec');
const grantsEverything = (r: ModelResource): boolean =>
  JSON.stringify(prop(r, 'ManagedPolicyArns') ?? []).includes('AdministratorAccess') ||
  ((prop(r, 'Policies') ?? []) as { PolicyDocument?: { Statement?: { Effect?: string; Action?: unknown }[] } }[]).some((p) =>
    (p.PolicyDocument?.Statement ?? []).some((st) => st.Effect === 'Allow' && [st.Action].flat().some((a) => a === '*' || a === '*:*')),
  );

/**
 * The spec's own `permissions:` statements with a wildcard action (any `*` in it) or resource
 * (`*`): each fails unless it says why (`reason`), and then passes as an exception naming it.
 */
function specWildcards(ctx: RuleContext, roles: readonly ModelResource[]): Check[] {
  const checks: Check[] = [];
  // One map, not a scan of every role per service (quadratic in the services).
  const byId = new Map(roles.map((r) => [r.logicalId, r]));
  for (const s of Object.values(ctx.spec.services)) {
    const role = byId.get(ID.serviceRole(s.name));
    s.permissions.forEach((p, i) => {
      const actions = p.actions.filter(isWildcardAction);
      const any = p.resources.includes('*');
      if (actions.length === 0 && !any) return;
      const what = [...actions, ...(any ? ['resource *'] : [])].join(', ');
      const path = ['services', s.name, 'permissions', i];
      const ev = role ? [evidence(role, { Sid: specPermissionSid(i), Action: p.actions, Resource: p.resources })] : [];
      checks.push(
        p.reason !== undefined
          ? pass(`exception: ${s.name}'s permissions[${i}] grants a wildcard (${what}): ${p.reason}`, path, ev)
          : fail(`${s.name}'s permissions[${i}] grants a wildcard (${what}) with no reason`, path, 'name the actions and resources the code calls; where IAM takes only * (an action with no resource-level permissions), say so in the statement\'s reason', ev),
      );
    });
  }
  return checks;
}

export const iamLeastPrivilege: ComplianceRule = {
  id: 'BASE-IAM-LEAST-PRIVILEGE',
  title: "No role holds administrator access; the CloudFormation execution role and every role of the environment's stacks carry its permissions boundary",
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Foundational Security Best Practices IAM.1', text: 'IAM policies should not allow full "*" administrative privileges', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1' },
    'pci-dss': { clause: 'PCI DSS v4.0 Req. 7.2.1, 7.2.2', text: 'access is assigned based on job classification and function, with the least privileges necessary', url: URL.pci },
    soc2: { clause: 'SOC 2 CC6.3', text: 'access to protected information assets is authorized and modified based on roles, with least privilege and segregation of duties', url: URL.soc2 },
  },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const roles = ofType(ctx.model, 'AWS::IAM::Role');
    if (roles.length === 0) return [];
    const checks: Check[] = [];
    const admins = roles.filter(grantsEverything);
    checks.push(
      admins.length === 0
        ? pass(`none of the ${roles.length} roles holds AdministratorAccess or a "*" action`, ['services'], [])
        : fail(`${admins.map((r) => r.logicalId).join(', ')} may do anything in the account`, admins[0]!.origin, 'a dex bug: report it (no emitted role may hold AdministratorAccess)', admins.map((r) => evidence(r, { ManagedPolicyArns: prop(r, 'ManagedPolicyArns') }))),
    );
    checks.push(...specWildcards(ctx, roles));
    if (ctx.spec.cicd === undefined) return checks;
    const bounded = roles.filter(boundedRole);
    const missing = bounded.filter((r) => prop(r, 'PermissionsBoundary') === undefined);
    const boundaries = ofType(ctx.model, 'AWS::IAM::ManagedPolicy').filter((p) => String(prop(p, 'ManagedPolicyName') ?? '').endsWith('-cfn-exec-boundary'));
    const execution = bounded.filter((r) => String(prop(r, 'RoleName') ?? '').endsWith('-cfn-exec'));
    const ev = [
      ...boundaries.map((b) => evidence(b, { ManagedPolicyName: prop(b, 'ManagedPolicyName'), Statement: ((prop(b, 'PolicyDocument', 'Statement') ?? []) as { Sid?: string }[]).map((st) => st.Sid) })),
      ...execution.map((r) => evidence(r, { PermissionsBoundary: prop(r, 'PermissionsBoundary'), ManagedPolicyArns: prop(r, 'ManagedPolicyArns') ?? [] })),
    ];
    checks.push(
      missing.length === 0
        ? pass(`the CloudFormation execution role and all ${bounded.length - execution.length} roles of the environment's stacks carry its permissions boundary`, ['cicd'], ev)
        : fail(`${missing.map((r) => r.logicalId).join(', ')} carry no permissions boundary: the execution role could create a role with more rights than its own`, missing[0]!.origin, 'a dex bug: report it (services/permissions-boundary.ts bounds every role)', [...ev, ...missing.map((r) => evidence(r, { PermissionsBoundary: null }))]),
    );
    return checks;
  },
};

/** The ECS service a task definition belongs to: its origin is ['services', name]. */
const serviceOf = (r: ModelResource): string | undefined => (r.origin[0] === 'services' && typeof r.origin[1] === 'string' ? r.origin[1] : undefined);

export const nonRootContainers: ComplianceRule = {
  id: 'BASE-NON-ROOT-CONTAINERS',
  title: 'ECS containers run as a non-root user, or say why not',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'CIS Docker Benchmark 4.1', text: 'ensure that a user for the container has been created (containers do not run as root)', url: 'https://www.cisecurity.org/benchmark/docker' },
  },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const tasks = ofType(ctx.model, 'AWS::ECS::TaskDefinition');
    if (tasks.length === 0) return [pass('no ECS task definitions', [])];
    return tasks.flatMap((r) => {
      const containers = (prop(r, 'ContainerDefinitions') ?? []) as readonly { Name?: string; User?: string }[];
      const service = serviceOf(r);
      return containers.map((c) => {
        const ev = [evidence(r, { [`ContainerDefinitions[${String(c.Name)}].User`]: c.User })];
        const user = c.User?.split(':')[0];
        if (user !== undefined && user !== '' && user !== '0' && user !== 'root') return pass(`${r.logicalId} runs ${String(c.Name)} as user ${c.User}`, r.origin, ev);
        const own = containerOf(ctx.spec, service, c.Name);
        if (own?.runAsRoot !== undefined) return pass(`exception: ${String(c.Name)}${own.sidecar ? ` (sidecar of ${service!})` : ''} runs as root: ${own.runAsRoot}`, [...own.path, 'runAsRoot'], ev);
        return fail(`${r.logicalId} runs ${String(c.Name)} as root (no User)`, r.origin, 'dex sets User 10001:10001 unless the service sets runAsRoot with a reason (report it)', ev);
      });
    });
  },
};

/**
 * The spec's settings for one container of a service's task definition: the main container's
 * (named as the service) or a sidecar's, with where they are in the spec.
 */
function containerOf(spec: NormalizedSpec, service: string | undefined, name: string | undefined): { runAsRoot: string | undefined; securityContext: NormalizedService['securityContext']; path: (string | number)[]; sidecar: boolean } | undefined {
  const s = service === undefined ? undefined : spec.services[service];
  if (s === undefined) return undefined;
  const c = sidecarsOf(s).find((x) => x.name === name);
  if (c) return { runAsRoot: c.runAsRoot, securityContext: c.securityContext, path: ['services', s.name, 'sidecars', c.index], sidecar: true };
  return { runAsRoot: s.runAsRoot, securityContext: s.securityContext, path: ['services', s.name], sidecar: false };
}

/** What a service's securityContext gives up, in words for the report ("writes its root file system, adds NET_BIND_SERVICE"). */
function relaxedDefaults(sc: { readonly readOnlyRootFilesystem: boolean; readonly addCapabilities: readonly string[] }): string[] {
  return [...(sc.readOnlyRootFilesystem ? [] : ['writes its root file system']), ...(sc.addCapabilities.length ? [`adds ${sc.addCapabilities.join(', ')}`] : [])];
}

export const hardenedContainers: ComplianceRule = {
  id: 'BASE-HARDENED-CONTAINERS',
  title: 'Containers keep a read-only root file system and no Linux capabilities, or say why not',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'CIS Docker Benchmark 5.3, 5.12', text: 'restrict Linux kernel capabilities within containers; mount the container\'s root filesystem as read only', url: 'https://www.cisecurity.org/benchmark/docker' },
  },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const checks: Check[] = [];
    for (const r of ofType(ctx.model, 'AWS::ECS::TaskDefinition')) {
      const service = serviceOf(r);
      for (const c of (prop(r, 'ContainerDefinitions') ?? []) as readonly { Name?: string; ReadonlyRootFilesystem?: boolean; LinuxParameters?: { Capabilities?: { Add?: string[]; Drop?: string[] } } }[]) {
        const caps = c.LinuxParameters?.Capabilities;
        const ev = [evidence(r, { [`ContainerDefinitions[${String(c.Name)}].ReadonlyRootFilesystem`]: c.ReadonlyRootFilesystem, [`ContainerDefinitions[${String(c.Name)}].LinuxParameters.Capabilities`]: caps })];
        const hardened = c.ReadonlyRootFilesystem === true && (caps?.Drop ?? []).includes('ALL') && (caps?.Add ?? []).length === 0;
        const own = containerOf(ctx.spec, service, c.Name);
        const sc = own?.securityContext;
        if (hardened) checks.push(pass(`${r.logicalId} ${String(c.Name)}: read-only root file system, every capability dropped`, r.origin, ev));
        else if (sc?.reason !== undefined) checks.push(pass(`exception: ${String(c.Name)}${own!.sidecar ? ` (sidecar of ${service!})` : ''} ${relaxedDefaults(sc).join(' and ')}: ${sc.reason}`, [...own!.path, 'securityContext'], ev));
        else checks.push(fail(`${r.logicalId} ${String(c.Name)} is not hardened (ReadonlyRootFilesystem ${String(c.ReadonlyRootFilesystem ?? false)}, capabilities ${JSON.stringify(caps ?? {})})`, r.origin, 'dex drops every capability and mounts the root read-only unless the service sets securityContext with a reason', ev));
      }
    }
    // Kubernetes and EC2 containers are written from the same settings: a relaxed one is listed with its reason.
    for (const s of Object.values(ctx.spec.services)) {
      if (s.placement === 'ecs') continue;
      const relaxed = relaxedDefaults(s.securityContext);
      if (s.securityContext.reason !== undefined && relaxed.length) checks.push(pass(`exception: ${s.name} (${s.placement}) ${relaxed.join(' and ')}: ${s.securityContext.reason}`, ['services', s.name, 'securityContext'], []));
      for (const c of sidecarsOf(s)) {
        const own = relaxedDefaults(c.securityContext);
        if (c.securityContext.reason !== undefined && own.length) checks.push(pass(`exception: ${c.name} (sidecar of ${s.name}, ${s.placement}) ${own.join(' and ')}: ${c.securityContext.reason}`, ['services', s.name, 'sidecars', c.index, 'securityContext'], []));
      }
    }
    return checks.length ? checks : [pass('no containers', [])];
  },
};

export const defaultSecurityGroupClosed: ComplianceRule = {
  id: 'BASE-DEFAULT-SG-CLOSED',
  title: "The VPC's default security group allows no traffic",
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Foundational Security Best Practices EC2.2 / CIS AWS Foundations 5.4', text: 'VPC default security groups should not allow inbound or outbound traffic', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2' },
  },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const vpcs = ofType(ctx.model, 'AWS::EC2::VPC');
    if (vpcs.length === 0) return [pass('no VPC', [])];
    const restrictions = ofType(ctx.model, 'Custom::RestrictDefaultSecurityGroup');
    return vpcs.map((vpc) => {
      const r = restrictions.find((x) => JSON.stringify(prop(x, 'DefaultSecurityGroupId')) === JSON.stringify({ 'Fn::GetAtt': [vpc.logicalId, 'DefaultSecurityGroup'] }));
      return r
        ? pass(`${r.logicalId} revokes every rule of ${vpc.logicalId}'s default security group at create and update`, vpc.origin, [evidence(r, { DefaultSecurityGroupId: prop(r, 'DefaultSecurityGroupId'), ServiceToken: prop(r, 'ServiceToken') })])
        : fail(`${vpc.logicalId}'s default security group keeps its default rules (all traffic within the group, all egress)`, vpc.origin, 'dex empties it with the RestrictDefaultSecurityGroup custom resource (report it)', [evidence(vpc, {})]);
    });
  },
};

/**
 * ECS Exec opens a shell in a running task: allowed per service (`exec`), never silently. Each
 * service that allows it is listed as an exception with its reason, and passes only while the
 * cluster logs every session (OVERRIDE, to an encrypted log group) and encrypts the channel
 * with a KMS key.
 */
export const ecsExecLogged: ComplianceRule = {
  id: 'BASE-ECS-EXEC',
  title: 'ECS Exec is off, or its sessions are KMS-encrypted and logged, and the services that allow it are listed',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'Amazon ECS Exec: logging and encryption', text: 'log the commands run in ECS Exec sessions and their output to CloudWatch Logs, encrypted, and encrypt the session data with a KMS key', url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html' },
  },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const services = ofType(ctx.model, 'AWS::ECS::Service');
    if (services.length === 0) return [pass('no ECS services', [])];
    type ExecConfig = { KmsKeyId?: unknown; Logging?: string; LogConfiguration?: { CloudWatchLogGroupName?: string; CloudWatchEncryptionEnabled?: boolean } };
    // The cluster each service runs in (its Cluster reference): a system may have others, e.g. the
    // database migration's.
    const clusters = new Map(ofType(ctx.model, 'AWS::ECS::Cluster').map((c) => [c.logicalId, c]));
    return services.map((svc) => {
      const clusterRef = prop(svc, 'Cluster') as { Ref?: unknown } | undefined;
      const cluster = typeof clusterRef?.Ref === 'string' ? clusters.get(clusterRef.Ref) : undefined;
      const config = cluster === undefined ? undefined : (prop(cluster, 'Configuration', 'ExecuteCommandConfiguration') as ExecConfig | undefined);
      const on = prop(svc, 'EnableExecuteCommand') === true;
      const ev = [evidence(svc, { EnableExecuteCommand: prop(svc, 'EnableExecuteCommand') }), ...(on && cluster ? [evidence(cluster, { 'ExecuteCommandConfiguration.Logging': config?.Logging, 'LogConfiguration.CloudWatchLogGroupName': config?.LogConfiguration?.CloudWatchLogGroupName, 'LogConfiguration.CloudWatchEncryptionEnabled': config?.LogConfiguration?.CloudWatchEncryptionEnabled, KmsKeyId: config?.KmsKeyId })] : [])];
      if (!on) return pass(`${svc.logicalId} does not allow ECS Exec`, svc.origin, ev);
      const service = serviceOf(svc) ?? svc.logicalId;
      const logged = config?.Logging === 'OVERRIDE' && config.LogConfiguration?.CloudWatchEncryptionEnabled === true && typeof config.LogConfiguration.CloudWatchLogGroupName === 'string';
      if (!logged || config?.KmsKeyId === undefined) {
        return fail(`${svc.logicalId} allows ECS Exec, but the cluster ${!logged ? 'does not log sessions to an encrypted log group' : 'does not encrypt sessions with a KMS key'}`, svc.origin, 'dex logs and encrypts every session of a service with exec (report it)', ev);
      }
      const reason = ctx.spec.services[service]?.exec.reason;
      return pass(`exception: ${service} allows ECS Exec (sessions KMS-encrypted, logged to ${String(config.LogConfiguration!.CloudWatchLogGroupName)})${reason === undefined ? ', no reason given' : `: ${reason}`}`, ['services', service, 'exec'], ev);
    });
  },
};


/** What a scheduled job's role may do: start its task, pass its roles to ECS, tag what it starts. */
const SCHEDULER_ACTIONS = new Set(['ecs:RunTask', 'iam:PassRole', 'ecs:TagResource']);

/**
 * Scheduled jobs (`kind: job` with a schedule) get the services' defaults: their task runs in the
 * private subnets with no public IP, and the role EventBridge Scheduler assumes may only start
 * that task (named resources, no wildcard), passing its roles to ECS tasks alone. The task's own
 * hardening (non-root, read-only root) is BASE-NON-ROOT-CONTAINERS, as for every task definition.
 */
export const scheduledJobsLeastPrivilege: ComplianceRule = {
  id: 'BASE-SCHEDULED-JOBS',
  title: 'Scheduled jobs run in private subnets without a public IP, through a role that may only start their own task',
  regimes: ['baseline'],
  citations: {
    baseline: { clause: 'AWS Foundational Security Best Practices ECS.2 / IAM.1', text: 'ECS tasks should not be assigned public IP addresses; IAM policies should not allow full administrative privileges', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-2' },
  },
  severity: 'error',
  nonProduction: 'same',
  check(ctx) {
    const schedules = ofType(ctx.model, 'AWS::Scheduler::Schedule');
    if (schedules.length === 0) return [pass('no scheduled jobs', [])];
    const roles = new Map(ofType(ctx.model, 'AWS::IAM::Role').map((r) => [r.logicalId, r]));
    return schedules.map((s) => {
      const publicIp = prop(s, 'Target', 'EcsParameters', 'NetworkConfiguration', 'AwsvpcConfiguration', 'AssignPublicIp');
      const roleId = refersTo(prop(s, 'Target', 'RoleArn'), roles);
      const role = roleId === undefined ? undefined : roles.get(roleId);
      type Stmt = { Action?: string | string[]; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> };
      const statements = ((role ? prop(role, 'Policies') : undefined) as { PolicyDocument?: { Statement?: Stmt[] } }[] | undefined ?? []).flatMap((p) => p.PolicyDocument?.Statement ?? []);
      const actions = statements.flatMap((st) => [st.Action ?? []].flat());
      const extra = actions.filter((a) => !SCHEDULER_ACTIONS.has(a));
      const wildcard = statements.some((st) => [st.Resource].flat().includes('*'));
      const unbound = statements.some((st) => [st.Action ?? []].flat().includes('iam:PassRole') && st.Condition?.StringEquals?.['iam:PassedToService'] !== 'ecs-tasks.amazonaws.com');
      const ev = [evidence(s, { AssignPublicIp: publicIp, RoleArn: roleId }), ...(role ? [evidence(role, { actions, wildcardResource: wildcard })] : [])];
      if (publicIp !== 'DISABLED') return fail(`${s.logicalId} runs its task with a public IP (AssignPublicIp ${String(publicIp ?? 'unset')})`, s.origin, 'dex runs a job in the private subnets with AssignPublicIp DISABLED (report it)', ev);
      if (role === undefined) return fail(`${s.logicalId} starts its task through a role that is not in the model`, s.origin, 'dex gives every schedule its own role (report it)', ev);
      if (extra.length || wildcard || unbound) {
        const what = extra.length ? `may also ${extra.join(', ')}` : wildcard ? 'names every resource (*)' : 'passes roles to any service';
        return fail(`${s.logicalId}'s role ${role.logicalId} ${what}`, s.origin, 'the scheduler role may only ecs:RunTask the job\'s family, iam:PassRole its two roles to ecs-tasks.amazonaws.com and tag the tasks (report it)', ev);
      }
      return pass(`${s.logicalId} runs its task privately; ${role.logicalId} may only start it`, s.origin, ev);
    });
  },
};

export const BASELINE_RULES: readonly ComplianceRule[] = [
  encryptionAtRest,
  encryptionInTransit,
  tls12,
  noPublicDataStores,
  imdsv2,
  nonRootContainers,
  hardenedContainers,
  ecsExecLogged,
  scheduledJobsLeastPrivilege,
  leastPrivilegeSecurityGroups,
  defaultSecurityGroupClosed,
  logRetentionSet,
  flowLogsOn,
  deletionProtection,
  iamLeastPrivilege,
];
