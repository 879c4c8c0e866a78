// dex meter names (the contract with the resource model's UsageMeter) → the Price List product
// that prices them: service code, the exact TERM_MATCH filters that pin one SKU (research §2.7)
// and the usage type, matched by suffix so the region prefix does not matter (research §2.8).
import type { UsageMeter } from '../model/types.js';
import type { PriceQuery } from './types.js';

/** One priced line a meter produces (EKS extended support produces two). */
export interface MeterPart {
  /** Service as shown on the line ('NAT Gateway'). */
  readonly service: string;
  /** Usage type without region prefix ('NatGateway-Hours'), as shown on the line. */
  readonly usageType: string;
  readonly query: PriceQuery;
  /** How the line shows its price: '$0.60/1M requests' → priceScale 1,000,000, priceUnit '1M requests'. */
  readonly display: { readonly quantityUnit: string; readonly priceUnit: string; readonly priceScale: number };
  /**
   * Set when AWS publishes the item as free: the line is $0 for that reason (named on the line),
   * and nothing is looked up. Never used for a price dex merely lacks.
   */
  readonly knownFree?: { readonly reason: string; readonly citation: string };
}

export type MeterMapping = { readonly ok: true; readonly parts: readonly MeterPart[] } | { readonly ok: false; readonly reason: string };

/**
 * Price List `location` names of the 34 regions dex has offline prices for, as the AWS pricing
 * pages spell them (the feed behind them, data/pricing/sources/aws-pricing-pages.trimmed.json; a
 * test checks this table against it). Data transfer is priced by location, not region code.
 */
export const PRICE_LIST_LOCATION: Readonly<Record<string, string>> = {
  'af-south-1': 'Africa (Cape Town)',
  'ap-east-1': 'Asia Pacific (Hong Kong)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-northeast-3': 'Asia Pacific (Osaka)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'ap-south-2': 'Asia Pacific (Hyderabad)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-southeast-3': 'Asia Pacific (Jakarta)',
  'ap-southeast-4': 'Asia Pacific (Melbourne)',
  'ap-southeast-5': 'Asia Pacific (Malaysia)',
  'ap-southeast-7': 'Asia Pacific (Thailand)',
  'ca-central-1': 'Canada (Central)',
  'ca-west-1': 'Canada West (Calgary)',
  'eu-central-1': 'EU (Frankfurt)',
  'eu-central-2': 'EU (Zurich)',
  'eu-north-1': 'EU (Stockholm)',
  'eu-south-1': 'EU (Milan)',
  'eu-south-2': 'EU (Spain)',
  'eu-west-1': 'EU (Ireland)',
  'eu-west-2': 'EU (London)',
  'eu-west-3': 'EU (Paris)',
  'il-central-1': 'Israel (Tel Aviv)',
  'me-central-1': 'Middle East (UAE)',
  'me-south-1': 'Middle East (Bahrain)',
  'mx-central-1': 'Mexico (Central)',
  'sa-east-1': 'South America (Sao Paulo)',
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-gov-east-1': 'AWS GovCloud (US-East)',
  'us-gov-west-1': 'AWS GovCloud (US)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
};

export { METER_NAMES } from '../model/types.js';

const HOURS = { quantityUnit: 'h', priceUnit: 'h', priceScale: 1 };
const GB_MONTH = { quantityUnit: 'GB-month', priceUnit: 'GB-month', priceScale: 1 };
const GB = { quantityUnit: 'GB', priceUnit: 'GB', priceScale: 1 };
const perMonth = (noun: string) => ({ quantityUnit: `${noun}-month`, priceUnit: `${noun}-month`, priceScale: 1 });

type Attrs = Readonly<Record<string, string>>;
class MappingError extends Error {}

function need(meter: UsageMeter, name: string): string {
  const v = meter.attributes[name];
  if (v === undefined || v === '') throw new MappingError(`meter ${meter.meter} needs attribute "${name}"`);
  return v;
}

function pick(meter: UsageMeter, name: string, table: Readonly<Record<string, string>>, fallback?: string): string {
  const raw = meter.attributes[name] ?? fallback;
  if (raw === undefined) throw new MappingError(`meter ${meter.meter} needs attribute "${name}"`);
  const v = table[raw.toLowerCase()];
  if (v === undefined) throw new MappingError(`meter ${meter.meter}: ${name} "${raw}" is not one dex can price (known: ${Object.keys(table).join(', ')})`);
  return v;
}

const regional = (region: string, filters: Attrs): Attrs => ({ regionCode: region, ...filters });

function part(service: string, usageType: string, query: PriceQuery, display: MeterPart['display']): MeterPart {
  return { service, usageType, query, display };
}

/** A part AWS publishes as free: its query is never sent (no product exists), the line says why it is $0. */
function free(service: string, usageType: string, unit: string, reason: string, citation: string): MeterPart {
  return { service, usageType, query: { serviceCode: 'free', region: 'global', filters: { 'dex:free': usageType }, label: `${service} ${usageType} (free)` }, display: { quantityUnit: unit, priceUnit: unit, priceScale: 1 }, knownFree: { reason, citation } };
}

/**
 * Cognito user pools are not in the price book (no Price List product verified, research §2.7): the
 * list price per monthly active user from the Amazon Cognito pricing page (read 2026-12; the same in
 * every commercial region), and what it comes to at the spec's usage, so the line is never a silent $0.
 */
function cognitoReason(meter: UsageMeter): string {
  const users = meter.quantity.max;
  const head = 'Amazon Cognito is not in the price book';
  if ((meter.attributes.tier ?? '').toLowerCase() === 'lite') {
    const note = 'the Lite feature plan is $0.0055 per monthly active user beyond 10,000 free a month; the free tier is per account, shared with its other user pools (aws.amazon.com/cognito/pricing)';
    return users > 0 && users <= 10_000 ? `${head}: ${note}; ${users} MAU is $0 while the account stays within the free tier, at most $${(users * 0.0055).toFixed(2)} a month beyond it` : `${head}: ${note}`;
  }
  const note = 'the Plus feature plan (threat protection) is $0.020 per monthly active user, with no free tier (aws.amazon.com/cognito/pricing)';
  return users > 0 ? `${head}: ${note}; ${users} MAU is $${(users * 0.02).toFixed(2)} a month` : `${head}: ${note}; set usage.grafanaUsersPerMonth for the amount`;
}

/** Maps a meter to the product(s) that price it; never throws. */
export function meterToQuery(meter: UsageMeter, region: string): MeterMapping {
  try {
    return { ok: true, parts: partsFor(meter, region) };
  } catch (err) {
    if (err instanceof MappingError) return { ok: false, reason: err.message };
    throw err;
  }
}

function partsFor(meter: UsageMeter, region: string): MeterPart[] {
  const a = meter.attributes;
  const q = (serviceCode: string, filters: Attrs, usagetypeSuffix: string | undefined, label: string, extra: Partial<PriceQuery> = {}): PriceQuery => ({
    serviceCode,
    region,
    filters,
    ...(usagetypeSuffix ? { usagetypeSuffix } : {}),
    label: `${label} in ${region}`,
    ...extra,
  });
  switch (meter.meter) {
    case 'ec2.instance': {
      const instanceType = need(meter, 'instanceType');
      const os = pick(meter, 'os', { linux: 'Linux', windows: 'Windows', rhel: 'RHEL', suse: 'SUSE' }, 'linux');
      return [part('EC2', `BoxUsage:${instanceType}`, q('AmazonEC2', regional(region, {
        instanceType, operatingSystem: os, tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used',
        licenseModel: 'No License required', marketoption: 'OnDemand',
      }), undefined, `EC2 ${instanceType} ${os} on-demand`), HOURS)];
    }
    case 'ebs.storage': {
      const volume = (a.volumeType ?? 'gp3').toLowerCase();
      return [part('EBS', `EBS:VolumeUsage.${volume}`, q('AmazonEC2', regional(region, { productFamily: 'Storage', volumeApiName: volume }), undefined, `EBS ${volume} storage`), GB_MONTH)];
    }
    case 'eks.cluster': {
      const support = pick(meter, 'supportType', { standard: 'standard', extended: 'extended' }, 'standard');
      const base = part('EKS', 'AmazonEKS-Hours:perCluster', q('AmazonEKS', regional(region, { productFamily: 'Compute' }), 'AmazonEKS-Hours:perCluster', 'EKS cluster hours'), HOURS);
      if (support === 'standard') return [base];
      const ext = part('EKS', 'AmazonEKS-Hours:extendedSupport', q('AmazonEKS', regional(region, { productFamily: 'Compute' }), 'AmazonEKS-Hours:extendedSupport', `EKS extended support${a.version ? ` (Kubernetes ${a.version})` : ''}`), HOURS);
      return [base, ext];
    }
    case 'fargate.vcpu':
    case 'fargate.memory':
    case 'fargate.ephemeralStorage': {
      const arm = pick(meter, 'architecture', { x86_64: 'x86', amd64: 'x86', x86: 'x86', arm64: 'arm', arm: 'arm' }, 'x86_64') === 'arm';
      const serviceCode = pick(meter, 'platform', { ecs: 'AmazonECS', eks: 'AmazonEKS' }, 'ecs');
      const usage = meter.meter === 'fargate.vcpu' ? `Fargate-${arm ? 'ARM-' : ''}vCPU-Hours:perCPU`
        : meter.meter === 'fargate.memory' ? `Fargate-${arm ? 'ARM-' : ''}GB-Hours`
          : 'Fargate-EphemeralStorage-GB-Hours';
      const what = meter.meter === 'fargate.vcpu' ? 'vCPU' : meter.meter === 'fargate.memory' ? 'memory' : 'ephemeral storage';
      const unit = meter.meter === 'fargate.vcpu' ? 'vCPU-h' : 'GB-h';
      return [part('Fargate', usage, q(serviceCode, regional(region, { productFamily: 'Compute' }), usage, `Fargate ${what} (${arm ? 'ARM' : 'x86'}, ${serviceCode})`), { quantityUnit: unit, priceUnit: unit, priceScale: 1 })];
    }
    case 'rds.instance': {
      const instanceClass = need(meter, 'instanceClass');
      const deployment = pick(meter, 'deployment', { 'single-az': 'Single-AZ', 'multi-az': 'Multi-AZ' });
      const engine = pick(meter, 'engine', { postgresql: 'PostgreSQL', postgres: 'PostgreSQL', mysql: 'MySQL', mariadb: 'MariaDB' }, 'PostgreSQL');
      return [part('RDS', `${deployment === 'Multi-AZ' ? 'Multi-AZUsage' : 'InstanceUsage'}:${instanceClass}`, q('AmazonRDS', regional(region, {
        productFamily: 'Database Instance', instanceType: instanceClass, databaseEngine: engine, deploymentOption: deployment,
      }), undefined, `RDS ${engine} ${instanceClass} ${deployment}`), HOURS)];
    }
    case 'rds.storage': {
      const volumeType = pick(meter, 'storageType', { gp2: 'General Purpose', gp3: 'General Purpose-GP3' }, 'gp3');
      const deployment = pick(meter, 'deployment', { 'single-az': 'Single-AZ', 'multi-az': 'Multi-AZ' });
      const short = volumeType === 'General Purpose' ? 'GP2' : 'GP3';
      return [part('RDS', `RDS:${deployment === 'Multi-AZ' ? 'Multi-AZ-' : ''}${short}-Storage`, q('AmazonRDS', regional(region, {
        productFamily: 'Database Storage', databaseEngine: 'Any', deploymentOption: deployment, volumeType,
      }), undefined, `RDS ${short.toLowerCase()} storage ${deployment}`), GB_MONTH)];
    }
    case 'rds.backup':
      return [part('RDS', 'RDS:ChargedBackupUsage', q('AmazonRDS', regional(region, { productFamily: 'Storage Snapshot', databaseEngine: 'Any' }), 'RDS:ChargedBackupUsage', 'RDS backup storage beyond the free allowance'), GB_MONTH)];
    case 'backup.storage': {
      // AWS Backup's Price List attributes are not verified, so these products are offline-only
      // (matched by dex:key); the copies in another region are priced in that region.
      const where = a.region ?? region;
      return [part('AWS Backup', 'WarmStorage-ByteHrs (RDS)', { ...q('AWSBackup', { 'dex:key': 'backup.storage.rds' }, undefined, 'AWS Backup storage of RDS snapshots', { snapshotOnly: 'AWS Backup Price List attributes are not verified' }), region: where, label: `AWS Backup storage of RDS snapshots in ${where}` }, GB_MONTH)];
    }
    case 'backup.crossRegionTransfer': {
      const from = a.fromRegion ?? region;
      const to = a.toRegion ?? '';
      // Copies from us-east-1 cost the same to every other region except us-east-2.
      const dest = from === 'us-east-1' && to !== 'us-east-2' ? 'other-region' : to;
      return [part('AWS Backup', 'CrossRegion-Copy-Bytes', { ...q('AWSBackup', { 'dex:key': `backup.crossRegionTransfer.${dest}` }, undefined, `AWS Backup copy transfer to ${to || 'another region'}`, { snapshotOnly: 'AWS Backup Price List attributes are not verified' }), region: from, label: `AWS Backup copy transfer from ${from} to ${to || 'another region'}` }, GB)];
    }
    case 'elasticache.node': {
      const nodeType = need(meter, 'nodeType');
      const engine = pick(meter, 'engine', { redis: 'Redis', valkey: 'Valkey', memcached: 'Memcached' });
      return [part('ElastiCache', `NodeUsage:${nodeType}`, q('AmazonElastiCache', regional(region, { productFamily: 'Cache Instance', instanceType: nodeType, cacheEngine: engine }), undefined, `ElastiCache ${engine} ${nodeType} node`), HOURS)];
    }
    case 'nat.hours':
      return [part('NAT Gateway', 'NatGateway-Hours', q('AmazonEC2', regional(region, { productFamily: 'NAT Gateway' }), 'NatGateway-Hours', 'NAT gateway hours'), HOURS)];
    case 'nat.processed':
      return [part('NAT Gateway', 'NatGateway-Bytes', q('AmazonEC2', regional(region, { productFamily: 'NAT Gateway' }), 'NatGateway-Bytes', 'NAT gateway data processed'), GB)];
    case 'ipv4.public': {
      const state = pick(meter, 'state', { 'in-use': 'InUseAddress', inuse: 'InUseAddress', idle: 'IdleAddress' }, 'in-use');
      return [part('VPC', `PublicIPv4:${state}`, q('AmazonVPC', regional(region, { group: 'VPCPublicIPv4Address' }), `PublicIPv4:${state}`, 'public IPv4 address hours'), HOURS)];
    }
    case 'alb.hours':
    case 'alb.lcu':
    case 'nlb.hours':
    case 'nlb.lcu': {
      const alb = meter.meter.startsWith('alb');
      const hours = meter.meter.endsWith('hours');
      const usage = hours ? 'LoadBalancerUsage' : 'LCUUsage';
      return [part(alb ? 'ALB' : 'NLB', usage, q('AWSELB', regional(region, { productFamily: alb ? 'Load Balancer-Application' : 'Load Balancer-Network', locationType: 'AWS Region' }), usage,
        `${alb ? 'ALB' : 'NLB'} ${hours ? 'hours' : alb ? 'LCU-hours' : 'NLCU-hours'}`), hours ? HOURS : { quantityUnit: alb ? 'LCU-h' : 'NLCU-h', priceUnit: alb ? 'LCU-h' : 'NLCU-h', priceScale: 1 })];
    }
    case 'vpce.interface':
      return [part('VPC', 'VpcEndpoint-Hours', q('AmazonVPC', regional(region, { productFamily: 'VpcEndpoint' }), 'VpcEndpoint-Hours', 'VPC interface endpoint hours (per AZ)'), HOURS)];
    case 'vpce.processed':
      return [part('VPC', 'VpcEndpoint-Bytes', q('AmazonVPC', regional(region, { productFamily: 'VpcEndpoint' }), 'VpcEndpoint-Bytes', 'VPC interface endpoint data processed'), GB)];
    case 'logs.ingest': {
      const vended = (a.logType ?? '').toLowerCase() === 'vended';
      const usage = vended ? 'VendedLog-Bytes' : 'DataProcessing-Bytes';
      return [part('CloudWatch Logs', usage, q('AmazonCloudWatch', regional(region, { productFamily: 'Data Payload' }), usage, vended ? 'vended-log (e.g. VPC Flow Logs) delivery to CloudWatch Logs' : 'CloudWatch Logs ingestion (Standard)'), GB)];
    }
    case 'logs.storage':
      return [part('CloudWatch Logs', 'TimedStorage-ByteHrs', q('AmazonCloudWatch', regional(region, { productFamily: 'Storage Snapshot' }), 'TimedStorage-ByteHrs', 'CloudWatch Logs storage'), GB_MONTH)];
    case 'cloudwatch.alarm':
      return [part('CloudWatch', 'CW:AlarmMonitorUsage', q('AmazonCloudWatch', regional(region, { productFamily: 'Alarm' }), 'CW:AlarmMonitorUsage', 'CloudWatch standard alarm'), perMonth('alarm'))];
    case 'cloudwatch.metric':
      return [part('CloudWatch', 'CW:MetricMonitorUsage', q('AmazonCloudWatch', regional(region, { productFamily: 'Metric' }), 'CW:MetricMonitorUsage', 'CloudWatch custom metrics'), perMonth('metric'))];
    case 'cloudwatch.dashboard':
      // Dashboards are global: location=Any and no regionCode (research §2.7, [U27]).
      return [part('CloudWatch', 'DashboardsUsageHour', q('AmazonCloudWatch', { productFamily: 'Dashboard', location: 'Any', usagetype: 'DashboardsUsageHour' }, undefined, 'CloudWatch dashboard (global)'), perMonth('dashboard'))];
    case 'waf.acl':
      return [part('WAF', 'WebACLV2', q('awswaf', regional(region, { productFamily: 'Web Application Firewall' }), 'WebACLV2', 'WAF web ACL'), perMonth('ACL'))];
    case 'waf.rule':
      return [part('WAF', 'RuleV2', q('awswaf', regional(region, { productFamily: 'Web Application Firewall' }), 'RuleV2', 'WAF rule'), perMonth('rule'))];
    case 'waf.requests':
      return [part('WAF', 'RequestV2-Tier1', q('awswaf', regional(region, { productFamily: 'Web Application Firewall' }), 'RequestV2-Tier1', 'WAF requests'), { quantityUnit: 'requests', priceUnit: '1M requests', priceScale: 1_000_000 })];
    case 'secretsmanager.secret':
      return [part('Secrets Manager', 'AWSSecretsManager-Secrets', q('AWSSecretsManager', regional(region, { productFamily: 'Secret' }), 'AWSSecretsManager-Secrets', 'Secrets Manager secret'), perMonth('secret'))];
    case 'secretsmanager.api':
      return [part('Secrets Manager', 'AWSSecretsManager-APIRequest', q('AWSSecretsManager', regional(region, { productFamily: 'API Request' }), undefined, 'Secrets Manager API calls'), { quantityUnit: 'requests', priceUnit: '10K requests', priceScale: 10_000 })];
    case 'kms.key':
      // KMS prefixes usage types with the region code itself (research §2.7/§2.8).
      return [part('KMS', 'KMS-Keys', q('awskms', regional(region, { usagetype: `${region}-KMS-Keys` }), undefined, 'KMS customer managed key'), perMonth('key'))];
    case 'kms.requests':
      return [part('KMS', 'KMS-Requests', q('awskms', regional(region, { usagetype: `${region}-KMS-Requests` }), undefined, 'KMS symmetric requests'), { quantityUnit: 'requests', priceUnit: '10K requests', priceScale: 10_000 })];
    case 'ecr.storage':
      return [part('ECR', 'TimedStorage-ByteHrs', q('AmazonECR', regional(region, { productFamily: 'EC2 Container Registry' }), 'TimedStorage-ByteHrs', 'ECR private storage'), GB_MONTH)];
    case 'xray.traces':
      return [part('X-Ray', 'XRay-TracesStored', q('AWSXRay', regional(region, {}), 'XRay-TracesStored', 'X-Ray traces recorded'), { quantityUnit: 'traces', priceUnit: '1M traces', priceScale: 1_000_000 })];
    case 'dataTransfer.out':
    case 'dataTransfer.interAz': {
      const location = PRICE_LIST_LOCATION[region];
      if (!location) throw new MappingError(`no price for data transfer from ${region}: dex does not know that region's Price List location name`);
      const out = meter.meter === 'dataTransfer.out';
      return [part('Data Transfer', out ? 'DataTransfer-Out-Bytes' : 'DataTransfer-Regional-Bytes', q('AWSDataTransfer', out
        ? { productFamily: 'Data Transfer', fromLocation: location, transferType: 'AWS Outbound', toLocation: 'External' }
        : { productFamily: 'Data Transfer', fromLocation: location, transferType: 'IntraRegion', toLocation: location },
      undefined, out ? 'data transfer out to the internet' : 'inter-AZ data transfer (each direction)'), GB)];
    }
    case 'codebuild.minutes': {
      const compute = pick(meter, 'computeType', { 'general1.small': 'g1.small', 'build_general1_small': 'g1.small', 'general1.medium': 'g1.medium', 'build_general1_medium': 'g1.medium', 'general1.large': 'g1.large', 'build_general1_large': 'g1.large' }, 'general1.small');
      const usage = `Build-Min:Linux:${compute}`;
      return [part('CodeBuild', usage, q('CodeBuild', regional(region, { productFamily: 'Compute' }), usage, `CodeBuild ${compute} Linux build minutes`), { quantityUnit: 'min', priceUnit: 'min', priceScale: 1 })];
    }
    case 'codepipeline.pipeline':
    case 'codepipeline.actionMinutes': {
      const v1 = meter.meter === 'codepipeline.pipeline';
      return [part('CodePipeline', v1 ? 'activePipeline' : 'actionExecutionMinute', q('AWSCodePipeline', { 'dex:key': v1 ? 'codepipeline.v1.activePipeline' : 'codepipeline.v2.actionMinute' }, undefined,
        v1 ? 'CodePipeline V1 active pipeline (global)' : 'CodePipeline V2 action execution minutes (global)',
        { snapshotOnly: 'dex does not yet know which Price List attributes pin the CodePipeline price, so it comes from the snapshot' }), v1 ? perMonth('pipeline') : { quantityUnit: 'min', priceUnit: 'min', priceScale: 1 })];
    }
    case 'route53.queries': {
      if ((a.recordType ?? '').toLowerCase() !== 'alias') {
        throw new MappingError('Route 53 standard queries are not in the price book: $0.40 per million for the first billion a month (aws.amazon.com/route53/pricing); alias queries to a load balancer are free');
      }
      return [free('Route 53', 'DNS-Queries (alias)', 'queries', 'Route 53 answers queries for alias records that point to an Elastic Load Balancing load balancer free of charge', 'aws.amazon.com/route53/pricing (Queries: alias records)')];
    }
    case 'acm.certificate':
      return [free('ACM', 'PublicCertificate', 'certificate-month', 'public ACM certificates used through an integrated service (Elastic Load Balancing) are free; only exportable certificates and private CAs are billed, and dex requests neither', 'aws.amazon.com/certificate-manager/pricing')];
    case 'route53.zone':
      return [part('Route 53', 'HostedZone', q('AmazonRoute53', { productFamily: 'DNS Zone', usagetype: 'HostedZone' }, undefined, 'Route 53 hosted zone (global)'), perMonth('zone'))];
    // Not in the price book: small or free at the volumes dex creates; the reason says how much.
    case 'budgets.budget':
      throw new MappingError('no charge to price: AWS Budgets bills nothing for a budget without actions (AWS Budgets pricing page); the first two action-enabled budgets of an account are free and each further one is $0.10 a day (AWS Budgets pricing page); dex creates one budget without actions per environment');
    case 'containerInsights.observations':
      throw new MappingError('no public price in dex\'s sources for Container Insights with enhanced observability (the amazon-cloudwatch-observability add-on), billed per observation; the quantity is the monitored pods and nodes the observations scale with. see the CloudWatch pricing page (Container Insights) for this region\'s rate per million observations');
    case 'sns.publish':
      return [part('SNS', 'Requests-Tier1', q('AmazonSNS', regional(region, { productFamily: 'API Request' }), 'Requests-Tier1', 'SNS publishes (beyond the free first million a month)'), { quantityUnit: 'requests', priceUnit: '1M requests', priceScale: 1_000_000 })];
    case 'sns.email':
      return [part('SNS', 'DeliveryAttempts-SMTP', q('AmazonSNS', regional(region, { productFamily: 'Message Delivery' }), 'DeliveryAttempts-SMTP', 'SNS e-mail notifications (beyond the free first 1,000 a month)'), { quantityUnit: 'notifications', priceUnit: '100K notifications', priceScale: 100_000 })];
    case 'cloudmap.instance':
      throw new MappingError('no AWS Cloud Map price in dex\'s sources: Cloud Map bills each registered instance a month, and discovery API calls beyond a free tier (AWS Cloud Map pricing page); the quantity is the instances dex registers (one per ECS task another platform calls, one alias per callee behind the internal load balancer); DNS lookups in the private namespace are Route 53 queries');
    case 'cognito.mau':
      throw new MappingError(cognitoReason(meter));
    // Not in dex's price sources yet (no research row cites an SQS price or an SNS HTTPS delivery
    // price): unpriced, the reason saying where the rate is published.
    case 'sqs.requests':
      throw new MappingError(`no SQS price in dex's sources yet: ${meter.attributes.queueType === 'FIFO' ? 'FIFO' : 'standard'} queue requests are billed per million (64 KB chunks) after the account's free first million a month; see the Amazon SQS pricing page for this region's rate, or run dex pricing refresh`);
    // Amazon MQ: no research row or price file of dex's cites a broker price, so both are unpriced
    // with the page to read; the quantity (node-hours) is exact.
    case 'mq.broker':
      throw new MappingError(`no Amazon MQ price in dex's sources yet: ${meter.quantity.max} broker-instance hours a month of ${a.instanceType ?? 'the instance type'} (RabbitMQ, ${a.deployment === 'cluster' ? 'a three-node cluster: every node is billed' : 'single instance'}), at the hourly rate the Amazon MQ pricing page gives for this region`);
    case 'mq.storage':
      throw new MappingError("no Amazon MQ storage price in dex's sources yet: a RabbitMQ broker's storage is billed per GB-month (Amazon MQ pricing page) of the messages it holds");
    case 'sns.https':
      throw new MappingError("no SNS HTTPS delivery price in dex's sources yet: HTTP/S notifications are billed per million after the account's free first 100,000 a month; see the Amazon SNS pricing page for this region's rate (deliveries to SQS queues are free)");
    // Aurora and the RDS storage and monitoring extras: dex's price sources (the pricing-page feed
    // of RDS instances, research rows) have no rows for them, so each is unpriced with its reason
    // and the amount to look up, never a $0 line.
    case 'aurora.instance':
      throw new MappingError(`Aurora instances are not in dex's price book (its sources price RDS for PostgreSQL and MySQL instances only): ${meter.quantity.max} hours a month of ${a.instanceClass ?? 'the instance class'} (${a.engine ?? 'Aurora'}, Aurora Standard), at the rate aws.amazon.com/rds/aurora/pricing gives for this region`);
    case 'aurora.acu':
      throw new MappingError(`Aurora Serverless v2 is not in dex's price book: ${meter.quantity.min} to ${meter.quantity.max} ACU-hours a month (${a.engine ?? 'Aurora'}, Aurora Standard), at the per-ACU-hour rate aws.amazon.com/rds/aurora/pricing gives for this region`);
    case 'aurora.storage':
      throw new MappingError('Aurora storage is not in dex\'s price book: it is billed per GB-month of data actually stored (aws.amazon.com/rds/aurora/pricing), which the spec does not give');
    case 'aurora.io':
      throw new MappingError('Aurora I/O is not in dex\'s price book: Aurora Standard bills per million read and write requests (aws.amazon.com/rds/aurora/pricing), which follow the load the spec does not give; Aurora I/O-Optimized has none but dearer instances and storage');
    case 'rds.iops':
      throw new MappingError(`provisioned IOPS are not in dex's price book: ${meter.quantity.max} IOPS-month of ${a.storageType ?? 'storage'} (aws.amazon.com/rds/pricing, "Provisioned IOPS")`);
    case 'rds.throughput':
      throw new MappingError(`gp3 throughput beyond the included baseline is not in dex's price book: ${meter.quantity.max} MiB/s-month (aws.amazon.com/rds/pricing, gp3 storage)`);
    case 'rds.performanceInsights':
      throw new MappingError(`Performance Insights beyond its free 7 days is not in dex's price book: kept ${a.retentionDays ?? 'more than 7'} days, it is billed per vCPU of ${a.instanceClass ?? 'the instance'} a month (per ACU on Serverless v2; CloudWatch Database Insights pricing)`);
    case 's3.storage':
      return [part('S3', 'TimedStorage-ByteHrs', q('AmazonS3', regional(region, { productFamily: 'Storage', volumeType: 'Standard' }), 'TimedStorage-ByteHrs', 'S3 Standard storage'), GB_MONTH)];
    case 's3.replicationTransfer':
      throw new MappingError('no public price in dex\'s sources for S3 replication\'s inter-region data transfer (billed per GB replicated, as data transfer out to the destination region, plus the replica bucket\'s PUT requests); see the S3 pricing page (Replication) for this region\'s rate');
    case 's3.putRequests':
      return [part('S3', 'Requests-Tier1', q('AmazonS3', regional(region, { productFamily: 'API Request', group: 'S3-API-Tier1' }), 'Requests-Tier1', 'S3 Standard PUT, COPY, POST and LIST requests'), { quantityUnit: 'requests', priceUnit: '1K requests', priceScale: 1_000 })];
    case 's3.getRequests':
      return [part('S3', 'Requests-Tier2', q('AmazonS3', regional(region, { productFamily: 'API Request', group: 'S3-API-Tier2' }), 'Requests-Tier2', 'S3 Standard GET requests'), { quantityUnit: 'requests', priceUnit: '1K requests', priceScale: 1_000 })];
    case 'efs.storage':
      return [part('EFS', 'TimedStorage-ByteHrs', q('AmazonEFS', regional(region, { productFamily: 'Storage', storageClass: 'General Purpose' }), 'TimedStorage-ByteHrs', 'EFS Standard storage'), GB_MONTH)];
    case 'efs.backup':
      throw new MappingError("AWS Backup of EFS is not in dex's price book (its sources price RDS snapshots only): warm backup storage is billed per GB-month of backup data (AWS Backup pricing, Amazon EFS), about one full copy of the file system at its daily backups");
    case 'dynamodb.storage':
      return [part('DynamoDB', 'TimedStorage-ByteHrs', q('AmazonDynamoDB', regional(region, { productFamily: 'Database Storage' }), 'TimedStorage-ByteHrs', 'DynamoDB Standard table storage'), GB_MONTH)];
    case 'dynamodb.pitr':
      return [part('DynamoDB', 'TimedPITRStorage-ByteHrs', q('AmazonDynamoDB', regional(region, { productFamily: 'Database Storage' }), 'TimedPITRStorage-ByteHrs', 'DynamoDB point-in-time recovery (continuous backups)'), GB_MONTH)];
    case 'dynamodb.readRequests':
      return [part('DynamoDB', 'ReadRequestUnits', q('AmazonDynamoDB', regional(region, { productFamily: 'Amazon DynamoDB PayPerRequest Throughput' }), 'ReadRequestUnits', 'DynamoDB on-demand read request units'), { quantityUnit: 'requests', priceUnit: '1M request units', priceScale: 1_000_000 })];
    case 'dynamodb.writeRequests':
      return [part('DynamoDB', 'WriteRequestUnits', q('AmazonDynamoDB', regional(region, { productFamily: 'Amazon DynamoDB PayPerRequest Throughput' }), 'WriteRequestUnits', 'DynamoDB on-demand write request units'), { quantityUnit: 'requests', priceUnit: '1M request units', priceScale: 1_000_000 })];
    case 'dynamodb.readCapacity':
      return [part('DynamoDB', 'ReadCapacityUnit-Hrs', q('AmazonDynamoDB', regional(region, { productFamily: 'Provisioned IOPS' }), 'ReadCapacityUnit-Hrs', 'DynamoDB provisioned read capacity unit-hours'), { quantityUnit: 'RCU-h', priceUnit: 'RCU-h', priceScale: 1 })];
    case 'dynamodb.writeCapacity':
      return [part('DynamoDB', 'WriteCapacityUnit-Hrs', q('AmazonDynamoDB', regional(region, { productFamily: 'Provisioned IOPS' }), 'WriteCapacityUnit-Hrs', 'DynamoDB provisioned write capacity unit-hours'), { quantityUnit: 'WCU-h', priceUnit: 'WCU-h', priceScale: 1 })];
    default: {
      // Exhaustive over MeterName, so a new name without a case here does not compile. A name
      // outside the union still arrives at run time from a baseline plan.json written by another dex.
      const unknown: never = meter.meter;
      throw new MappingError(`dex has no price mapping for meter "${String(unknown)}"`);
    }
  }
}
