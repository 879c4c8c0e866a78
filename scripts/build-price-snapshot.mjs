#!/usr/bin/env node
// Builds data/pricing/snapshot.json — dex's offline price book — from the hand-curated source
// table below (every number copied from ../shared/pricing-research.md, with its source keys,
// dates and confidence) plus the ElastiCache extract (data/pricing/elasticache-ondemand.json).
//
// Products are written in AWS's own GetProducts `PriceList` element format so the snapshot and
// the live Price List Query API share one parser; dex's provenance rides in a sibling `dex`
// object per item. Rules: never invent a number; research rows marked *gap* stay absent (they
// are listed under `gaps` so dex can say "no public source for …"); inferred / single-source /
// conflict rows keep that confidence; conflicts record every value seen.
//
// When the research file is reachable (default ../shared/pricing-research.md, or
// DEX_PRICING_RESEARCH), the script also:
//   - checks every entry against the row it cites (value, after unit scaling, and confidence);
//   - rewrites test/fixtures/pricing/research-us-east-1.json (the us-east-1 rows, parsed from the
//     markdown tables), which the tests compare the snapshot against.
// When ../shared/pricing-data/elasticache-instances.json (or DEX_PRICING_ELASTICACHE) is
// reachable, it refreshes data/pricing/elasticache-ondemand.json from it.
//
// Usage: node scripts/build-price-snapshot.mjs [--check]   (--check: build in memory, compare, exit 1 if stale)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESEARCH_PATH = process.env.DEX_PRICING_RESEARCH ?? resolve(ROOT, '../shared/pricing-research.md');
const ELASTICACHE_SRC = process.env.DEX_PRICING_ELASTICACHE ?? resolve(ROOT, '../shared/pricing-data/elasticache-instances.json');
const ELASTICACHE_EXTRACT = resolve(ROOT, 'data/pricing/elasticache-ondemand.json');
const SNAPSHOT_PATH = resolve(ROOT, 'data/pricing/snapshot.json');
const FIXTURE_PATH = resolve(ROOT, 'test/fixtures/pricing/research-us-east-1.json');
/** All parsed research rows (every region), so the build re-validates without ../shared. */
const RESEARCH_ROWS_PATH = resolve(ROOT, 'data/pricing/research-rows.json');
const RESEARCH2_PATH = process.env.DEX_PRICING_RESEARCH2 ?? resolve(ROOT, '../shared/pricing-research-2.md');
const RESEARCH2_ROWS_PATH = resolve(ROOT, 'data/pricing/research-2-rows.json');
const FEED_SRC = process.env.DEX_PRICING_PAGES ?? resolve(ROOT, '../shared/pricing-data/aws-pricing-pages.json');
/** The pricing-pages feed trimmed to what dex meters (EC2 Linux, RDS PostgreSQL/MySQL, ElastiCache, EBS storage). */
const FEED_TRIM = resolve(ROOT, 'data/pricing/sources/aws-pricing-pages.trimmed.json');
const PACK_DIR = resolve(ROOT, 'data/pricing/regions');

/** The research file's writing date: the snapshot's as-of date and every item's publicationDate. */
const AS_OF = '2026-12-02';
/** The regions the research files cover (everything beyond EC2/RDS/ElastiCache/EBS is priced only here). */
const RESEARCH_REGIONS = ['us-east-1', 'ap-south-1', 'ap-south-2', 'eu-west-1'];
/** Every region of the pricing-pages feed; filled in main() from the feed (or its trimmed copy). */
let REGIONS = [...RESEARCH_REGIONS];
/** Price List `location` spellings, from the feed's per-region `location` (the pricing pages' own names). */
const LOCATION = {};
/**
 * Usage-type prefixes (AWS's region billing codes): 'APS3-BoxUsage:t3.medium'. us-east-1 has none
 * for EC2-family meters and USE1 for the rest (research §2.8).
 */
const USAGE_PREFIX = {
  'us-east-1': 'USE1', 'us-east-2': 'USE2', 'us-west-1': 'USW1', 'us-west-2': 'USW2', 'us-gov-east-1': 'UGE1', 'us-gov-west-1': 'UGW1',
  'ca-central-1': 'CAN1', 'ca-west-1': 'CAN2', 'mx-central-1': 'MXC1', 'sa-east-1': 'SAE1',
  'eu-west-1': 'EU', 'eu-west-2': 'EUW2', 'eu-west-3': 'EUW3', 'eu-central-1': 'EUC1', 'eu-central-2': 'EUC2', 'eu-north-1': 'EUN1', 'eu-south-1': 'EUS1', 'eu-south-2': 'EUS2',
  'af-south-1': 'AFS1', 'il-central-1': 'ILC1', 'me-central-1': 'MEC1', 'me-south-1': 'MES1',
  'ap-east-1': 'APE1', 'ap-northeast-1': 'APN1', 'ap-northeast-2': 'APN2', 'ap-northeast-3': 'APN3', 'ap-south-1': 'APS3', 'ap-south-2': 'APS5',
  'ap-southeast-1': 'APS1', 'ap-southeast-2': 'APS2', 'ap-southeast-3': 'APS4', 'ap-southeast-4': 'APS6', 'ap-southeast-5': 'APS7', 'ap-southeast-7': 'APS9',
};
const ON_DEMAND_TERM = 'JRTCKXETXF';
const RATE_CODE = '6YS6EN2CT7';

// ---------------------------------------------------------------------------------------------
// Usage-type prefixes (research §2.8). Only what the research states: EU- and APS3- for every
// service; in us-east-1 USE1- for EKS/ECS/CloudWatch/VPC and none for EC2-family meters; KMS uses
// the region code. Where a prefix is not stated the base usage type is recorded (dex matches usage
// types by suffix, so either spelling selects the same SKU) and the item says so.
const PREFIXED_IN_USE1 = new Set(['AmazonEKS', 'AmazonECS', 'AmazonCloudWatch', 'AmazonVPC']);
const UNPREFIXED_IN_USE1 = new Set(['AmazonEC2', 'AWSELB', 'AmazonECR']);
function usagetypeFor(serviceCode, region, base) {
  if (serviceCode === 'awskms') return { usagetype: `${region}-${base}` };
  if (region === 'us-east-1' && UNPREFIXED_IN_USE1.has(serviceCode)) return { usagetype: base };
  if (region === 'us-east-1' && !PREFIXED_IN_USE1.has(serviceCode)) return { usagetype: base, note: `usage-type prefix for ${serviceCode} in us-east-1 not stated by the sources; base usage type recorded` };
  return { usagetype: `${USAGE_PREFIX[region]}-${base}` };
}

// ---------------------------------------------------------------------------------------------
// Product kinds: how one dex price maps onto a Price List product (service code, family,
// attributes that pin it — research §2.7 — and the unit AWS bills in).
const KINDS = {
  ec2: (a) => ({
    serviceCode: 'AmazonEC2', productFamily: 'Compute Instance', base: `BoxUsage:${a.instanceType}`, unit: 'Hrs',
    attributes: { instanceType: a.instanceType, operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used', licenseModel: 'No License required', marketoption: 'OnDemand', operation: 'RunInstances' },
    describe: (p) => `$${p} per On Demand Linux ${a.instanceType} Instance Hour`,
  }),
  ebs: (a) => ({
    serviceCode: 'AmazonEC2', productFamily: 'Storage', base: `EBS:VolumeUsage.${a.volumeApiName}`, unit: 'GB-Mo',
    attributes: { volumeApiName: a.volumeApiName },
    describe: (p) => `$${p} per GB-month of ${a.volumeApiName} provisioned storage`,
  }),
  eks: (a) => ({
    serviceCode: 'AmazonEKS', productFamily: 'Compute', base: `AmazonEKS-Hours:${a.line}`, unit: 'Hours',
    attributes: { operation: a.line === 'perCluster' ? 'CreateOperation' : 'ExtendedSupport' },
    describe: (p) => (a.line === 'perCluster' ? `$${p} per hour per EKS cluster` : `$${p} per hour per EKS cluster on extended support (added to the per-cluster rate)`),
  }),
  fargate: (a) => {
    const arm = a.architecture === 'arm64';
    const base = a.dimension === 'vcpu' ? `Fargate-${arm ? 'ARM-' : ''}vCPU-Hours:perCPU` : a.dimension === 'memory' ? `Fargate-${arm ? 'ARM-' : ''}GB-Hours` : 'Fargate-EphemeralStorage-GB-Hours';
    const attributes = a.dimension === 'vcpu' ? { cputype: 'perCPU' } : a.dimension === 'memory' ? { memorytype: 'perGB' } : {};
    if (arm) attributes.cpuArchitecture = 'ARM';
    return {
      serviceCode: a.serviceCode ?? 'AmazonECS', productFamily: 'Compute', base, unit: 'hours', attributes,
      describe: (p) => `$${p} per ${a.dimension === 'vcpu' ? 'vCPU-hour' : 'GB-hour'} of Fargate ${a.dimension === 'ephemeral' ? 'ephemeral storage above 20 GB' : a.dimension} (${arm ? 'ARM' : 'x86'})`,
    };
  },
  rdsInstance: (a) => ({
    serviceCode: 'AmazonRDS', productFamily: 'Database Instance', base: `${a.deploymentOption === 'Multi-AZ' ? 'Multi-AZUsage' : 'InstanceUsage'}:${a.instanceType}`, unit: 'Hrs',
    attributes: { instanceType: a.instanceType, databaseEngine: 'PostgreSQL', deploymentOption: a.deploymentOption },
    describe: (p) => `USD ${p} per ${a.instanceType} ${a.deploymentOption} instance hour (or partial hour) running PostgreSQL`,
  }),
  rdsStorage: (a) => ({
    serviceCode: 'AmazonRDS', productFamily: 'Database Storage',
    base: `RDS:${a.deploymentOption === 'Multi-AZ' ? 'Multi-AZ-' : ''}${a.volumeType === 'General Purpose-GP3' ? 'GP3' : 'GP2'}-Storage`, unit: 'GB-Mo',
    attributes: { databaseEngine: 'Any', deploymentOption: a.deploymentOption, volumeType: a.volumeType },
    describe: (p) => `$${p} per GB-month of ${a.volumeType} storage, ${a.deploymentOption}`,
  }),
  rdsBackup: () => ({
    serviceCode: 'AmazonRDS', productFamily: 'Storage Snapshot', base: 'RDS:ChargedBackupUsage', unit: 'GB-Mo',
    attributes: { databaseEngine: 'Any', operation: '' },
    describe: (p) => `$${p} per GB-month of backup storage beyond the free allowance`,
  }),
  nat: (a) => ({
    serviceCode: 'AmazonEC2', productFamily: 'NAT Gateway', base: a.line === 'hours' ? 'NatGateway-Hours' : 'NatGateway-Bytes', unit: a.line === 'hours' ? 'Hrs' : 'GB',
    attributes: { operation: 'NatGateway' },
    describe: (p) => (a.line === 'hours' ? `$${p} per NAT Gateway Hour` : `$${p} per GB Data Processed by NAT Gateways`),
  }),
  elb: (a) => ({
    serviceCode: 'AWSELB', productFamily: a.family, base: a.line === 'hours' ? 'LoadBalancerUsage' : 'LCUUsage', unit: a.line === 'hours' ? 'Hrs' : 'LCU-Hrs',
    attributes: { locationType: 'AWS Region' },
    describe: (p) => `$${p} per ${a.family === 'Load Balancer-Network' ? 'Network' : 'Application'} Load Balancer ${a.line === 'hours' ? 'hour (or partial hour)' : 'LCU-hour (or partial hour)'}`,
  }),
  ipv4: () => ({
    serviceCode: 'AmazonVPC', productFamily: undefined, base: 'PublicIPv4:InUseAddress', unit: 'Hrs',
    attributes: { group: 'VPCPublicIPv4Address', groupDescription: 'Hourly charge for In-use Public IPv4 Addresses', operation: '' },
    describe: (p) => `$${p} per In-use public IPv4 address per hour`,
  }),
  dataTransfer: (a, region) => ({
    serviceCode: 'AWSDataTransfer', productFamily: 'Data Transfer', base: a.line === 'out' ? 'DataTransfer-Out-Bytes' : 'DataTransfer-Regional-Bytes', unit: 'GB', noRegionCode: true,
    attributes: a.line === 'out'
      ? { transferType: 'AWS Outbound', fromLocation: LOCATION[region], fromRegionCode: region, toLocation: 'External' }
      : { transferType: 'IntraRegion', fromLocation: LOCATION[region], fromRegionCode: region, toLocation: LOCATION[region], toRegionCode: region },
    describe: (p, tier) => (a.line === 'out' ? `$${p} per GB - ${LOCATION[region]} data transfer out to the internet${tier ? ` (${tier})` : ''}` : `$${p} per GB - ${LOCATION[region]} inter-AZ data transfer, each direction`),
  }),
  logsIngest: (a) => ({
    serviceCode: 'AmazonCloudWatch', productFamily: 'Data Payload', base: a.vended ? 'VendedLog-Bytes' : 'DataProcessing-Bytes', unit: 'GB',
    attributes: { group: 'Ingested Logs' },
    describe: (p, tier) => (a.vended ? `$${p} per GB of vended logs (e.g. VPC Flow Logs) delivered to CloudWatch Logs${tier ? ` (${tier})` : ''}` : `$${p} per GB custom log data ingested in Standard log class`),
  }),
  logsStorage: () => ({
    serviceCode: 'AmazonCloudWatch', productFamily: 'Storage Snapshot', base: 'TimedStorage-ByteHrs', unit: 'GB-Mo',
    attributes: {},
    describe: (p) => `$${p} per GB-month of log data archived`,
  }),
  cwMetric: () => ({
    serviceCode: 'AmazonCloudWatch', productFamily: 'Metric', base: 'CW:MetricMonitorUsage', unit: 'Metrics',
    attributes: { group: 'Metric' },
    describe: (p, tier) => `$${p} per metric-month${tier ? ` (${tier})` : ''}`,
  }),
  cwAlarm: () => ({
    serviceCode: 'AmazonCloudWatch', productFamily: 'Alarm', base: 'CW:AlarmMonitorUsage', unit: 'Alarms',
    attributes: {},
    describe: (p) => `$${p} per standard-resolution alarm metric per month`,
  }),
  cwDashboard: () => ({
    serviceCode: 'AmazonCloudWatch', productFamily: 'Dashboard', base: 'DashboardsUsageHour', unit: 'Dashboards', global: true,
    attributes: {},
    describe: (p) => `$${p} per dashboard per month`,
  }),
  waf: (a) => ({
    serviceCode: 'awswaf', productFamily: 'Web Application Firewall', base: { acl: 'WebACLV2', rule: 'RuleV2', requests: 'RequestV2-Tier1' }[a.line],
    unit: { acl: 'WebACL', rule: 'Rule', requests: 'Requests' }[a.line],
    attributes: {},
    describe: (p) => ({ acl: `$${p} per web ACL per month`, rule: `$${p} per rule per month`, requests: `$${p} per request ($0.60 per million)` })[a.line],
  }),
  secret: (a) => ({
    serviceCode: 'AWSSecretsManager', productFamily: a.line === 'secret' ? 'Secret' : 'API Request', base: a.line === 'secret' ? 'AWSSecretsManager-Secrets' : undefined,
    unit: a.line === 'secret' ? 'Secrets' : 'API Requests', attributes: {},
    describe: (p) => (a.line === 'secret' ? `$${p} per secret per month` : `$${p} per API request ($0.05 per 10,000)`),
  }),
  kms: (a) => ({
    serviceCode: 'awskms', productFamily: a.line === 'key' ? 'Encryption Key' : undefined, base: a.line === 'key' ? 'KMS-Keys' : 'KMS-Requests',
    unit: a.line === 'key' ? 'Keys' : 'Requests', attributes: {},
    describe: (p) => (a.line === 'key' ? `$${p} per customer managed key per month` : `$${p} per symmetric request ($0.03 per 10,000)`),
  }),
  vpce: (a) => ({
    serviceCode: 'AmazonVPC', productFamily: 'VpcEndpoint', base: a.line === 'hours' ? 'VpcEndpoint-Hours' : 'VpcEndpoint-Bytes', unit: a.line === 'hours' ? 'Hrs' : 'GB',
    attributes: { endpointType: 'PrivateLink' },
    describe: (p, tier) => (a.line === 'hours' ? `$${p} per VPC Endpoint Hour` : `$${p} per GB Data Processed by VPC Endpoints${tier ? ` (${tier})` : ''}`),
  }),
  s3: () => ({
    serviceCode: 'AmazonS3', productFamily: 'Storage', base: 'TimedStorage-ByteHrs', unit: 'GB-Mo',
    attributes: { storageClass: 'General Purpose', volumeType: 'Standard' },
    describe: (p, tier) => `$${p} per GB-month of S3 Standard storage${tier ? ` (${tier})` : ''}`,
  }),
  s3Requests: (a) => ({
    serviceCode: 'AmazonS3', productFamily: 'API Request', base: a.line === 'put' ? 'Requests-Tier1' : 'Requests-Tier2', unit: 'Requests',
    attributes: { group: a.line === 'put' ? 'S3-API-Tier1' : 'S3-API-Tier2' },
    describe: (p) => (a.line === 'put' ? `$${p} per PUT, COPY, POST, or LIST request to S3 Standard ($0.005 per 1,000)` : `$${p} per GET and all other requests to S3 Standard ($0.0004 per 1,000)`),
  }),
  sns: (a) => ({
    serviceCode: 'AmazonSNS', productFamily: a.line === 'publish' ? 'API Request' : 'Message Delivery', base: a.line === 'publish' ? 'Requests-Tier1' : 'DeliveryAttempts-SMTP', unit: a.line === 'publish' ? 'Requests' : 'Notifications',
    attributes: {},
    describe: (p) => (a.line === 'publish' ? `$${p} per request beyond the first 1 million a month ($0.50 per million)` : `$${p} per e-mail notification beyond the first 1,000 a month ($2.00 per 100,000)`),
  }),
  backup: (a) => ({
    serviceCode: 'AWSBackup', productFamily: undefined, base: undefined, unit: a.line === 'storage' ? 'GB-Mo' : 'GB', unverifiedAttributes: true,
    attributes: { 'dex:key': a.line === 'storage' ? 'backup.storage.rds' : `backup.crossRegionTransfer.${a.to}` },
    describe: (p) => (a.line === 'storage' ? `$${p} per GB-month of RDS backup (warm) storage in AWS Backup` : `$${p} per GB copied to another region by AWS Backup`),
  }),
  ecr: () => ({
    serviceCode: 'AmazonECR', productFamily: 'EC2 Container Registry', base: 'TimedStorage-ByteHrs', unit: 'GB-Mo', attributes: {},
    describe: (p) => `$${p} per GB-month of private repository storage`,
  }),
  xray: () => ({
    serviceCode: 'AWSXRay', productFamily: undefined, base: 'XRay-TracesStored', unit: 'traces', attributes: { group: 'Traces Stored' },
    describe: (p) => `$${p} per trace recorded ($5.00 per million)`,
  }),
  codebuild: () => ({
    serviceCode: 'CodeBuild', productFamily: 'Compute', base: 'Build-Min:Linux:g1.small', unit: 'minutes', attributes: {},
    describe: (p) => `$${p} per build minute, general1.small Linux`,
  }),
  codepipeline: (a) => ({
    // Research §2.7: CodePipeline usage types were not verified; the item is keyed by dex only.
    serviceCode: 'AWSCodePipeline', productFamily: undefined, base: undefined, unit: a.line === 'v1' ? 'Pipelines' : 'minutes', global: true, unverifiedAttributes: true,
    attributes: { 'dex:key': a.line === 'v1' ? 'codepipeline.v1.activePipeline' : 'codepipeline.v2.actionMinute' },
    describe: (p) => (a.line === 'v1' ? `$${p} per active V1 pipeline per month` : `$${p} per V2 action execution minute`),
  }),
  elasticache: (a) => ({
    serviceCode: 'AmazonElastiCache', productFamily: 'Cache Instance', base: undefined, unit: 'Hrs',
    attributes: { instanceType: a.instanceType, cacheEngine: a.engine, currentGeneration: 'Yes' },
    describe: (p) => `$${p} per ${a.engine === 'Redis' ? 'Redis OSS' : 'Valkey'} ${a.instanceType} node-hour (or partial hour)`,
  }),
  route53: () => ({
    serviceCode: 'AmazonRoute53', productFamily: 'DNS Zone', base: 'HostedZone', unit: 'HostedZone', global: true, attributes: {},
    describe: (p, tier) => `$${p} per hosted zone per month${tier ? ` (${tier})` : ''}`,
  }),
};

// ---------------------------------------------------------------------------------------------
// The source table. One line per research row (§1a–§1j). `ref` cites the row:
// [table, service, dimension prefix, region cell, index into "a / b / c" USD cells].
// `scale` converts AWS's per-unit price to the research row's unit (e.g. 1M requests).
const S = []; // entries
const two = 'two sources agree', single = 'single source', inferred = 'inferred', conflict = 'conflict';
function add(kind, region, attrs, usd, confidence, source, sourceDate, ref, extra = {}) {
  S.push({ kind, region, attrs, usd, confidence, source, sourceDate, ref, ...extra });
}

// §1a EC2 — Linux, shared tenancy, on-demand, per instance-hour.
const EC2 = [
  // region, type, usd, confidence, source, date, extra
  ['us-east-1', 't3.micro', '0.0104', two, '[KARP]; [KRR]; [LCTXT]', '2026-07-20; 2020-07-02; 2023-08-30'],
  ['us-east-1', 't3.small', '0.0208', two, '[KARP]; [KRR]; [LCTXT]', '2026-07-20; 2020; 2023'],
  ['us-east-1', 't3.medium', '0.0416', two, '[KARP]; [KRR]; [IC-instance]', '2026-07-20; 2020; 2024-07-01'],
  ['us-east-1', 't3.large', '0.0832', two, '[KARP]; [KRR]; [IC-instance]', '2026-07-20; 2020; 2024-07-01'],
  ['us-east-1', 't3.xlarge', '0.1664', two, '[KARP]; [KRR]; [LCTXT]', '2026-07-20; 2020; 2023'],
  ['us-east-1', 't4g.small', '0.0168', single, '[KARP]', '2026-07-20', { note: 'exactly half of t4g.medium' }],
  ['us-east-1', 't4g.medium', '0.0336', two, '[KARP]; [U1]', '2026-07-20; 2026-09-09'],
  ['us-east-1', 'm5.large', '0.096', two, '[KARP]; [KRR]; [LCTXT]', '2026-07-20; 2020; 2023'],
  ['us-east-1', 'm6i.large', '0.096', two, '[KARP]; [LCTXT]; [U20]', '2026-07-20; 2023; 2026'],
  ['us-east-1', 'm7g.large', '0.0816', two, '[KARP]; [LCTXT]; [U1]', '2026-07-20; 2023; 2026-09-09'],
  ['us-east-1', 'c6i.large', '0.085', two, '[KARP]; [LCTXT]', '2026-07-20; 2023-08-30'],
  ['us-east-1', 'r6i.large', '0.126', two, '[KARP]; [LCTXT]', '2026-07-20; 2023-08-30'],
  ['ap-south-1', 't3.micro', '0.0112', two, '[KRR]; [U21]', '2020-07-02; 2026', { note: 'one source old, one a hand-written table' }],
  ['ap-south-1', 't3.small', '0.0224', two, '[KRR]; [U10]', '2020-07-02; 2026'],
  ['ap-south-1', 't3.medium', '0.0448', two, '[KRR]; [U9]; [U11]', '2020; Sep 2026; 2026-06-10'],
  ['ap-south-1', 't3.large', '0.0896', two, '[KRR]; [U21]', '2020; 2026', { note: 'one source weak' }],
  ['ap-south-1', 't3.xlarge', '0.1792', two, '[KRR]; [U21]', '2020; 2026', { note: 'one source weak' }],
  ['ap-south-1', 't4g.small', '0.0112', conflict, 'inferred = t4g.medium ÷ 2 from [U1]', '—', { note: 'inferred value; [U21] (hand table) says 0.018', alternatives: [{ usd: '0.018', source: '[U21]' }] }],
  ['ap-south-1', 't4g.medium', '0.0224', conflict, '[U1]', '2026-09-09', { note: 'single source; dex prefers [U1] (a copy of the Price List Bulk API, internally consistent) over [U21] (a hand-written table), which says 0.0359', alternatives: [{ usd: '0.0359', source: '[U21]' }] }],
  ['ap-south-1', 'm5.large', '0.101', two, '[KRR]; [U21]', '2020; 2026', { note: 'one other note ([U23]) says 0.106', alternatives: [{ usd: '0.106', source: '[U23]' }] }],
  ['ap-south-1', 'm6i.large', '0.101', single, '[U21]', '2026', { note: 'weak source; equals m5.large, as in us-east-1' }],
  ['ap-south-1', 'm7g.large', '0.0583', conflict, '[U1]', '2026-09-09', { note: 'single source; a test fixture ([U28]) uses 0.0578', alternatives: [{ usd: '0.0578', source: '[U28]' }] }],
  ['ap-south-1', 'c6i.large', '0.085', inferred, 'inferred from c5.large in [KRR]', '2020', { note: 'c6i = c5 price holds in us-east-1' }],
  ['ap-south-1', 'r6i.large', '0.130', inferred, 'inferred from r5.large in [KRR]', '2020', { note: 'low confidence' }],
  ['eu-west-1', 't3.micro', '0.0114', two, '[KRR]; [CB]', '2020; ~2025–26'],
  ['eu-west-1', 't3.small', '0.0228', two, '[KRR]; [U22]', '2020; 2026', { note: 'one of the [U22] tables says 0.0232', alternatives: [{ usd: '0.0232', source: '[U22]' }] }],
  ['eu-west-1', 't3.medium', '0.0456', two, '[KRR]; [U22]', '2020; 2026'],
  ['eu-west-1', 't3.large', '0.0912', two, '[KRR]; [CB]', '2020; ~2025–26'],
  ['eu-west-1', 't3.xlarge', '0.1824', two, '[KRR]; [CB]', '2020; ~2025–26'],
  ['eu-west-1', 't4g.small', '0.0184', single, '[U8]', '2026'],
  ['eu-west-1', 't4g.medium', '0.0368', single, '[U8]', '2026'],
  ['eu-west-1', 'm5.large', '0.107', two, '[KRR]; [U22]', '2020; 2026', { note: 'one [U22] table says 0.1056; [U36] says 0.111', alternatives: [{ usd: '0.1056', source: '[U22]' }, { usd: '0.111', source: '[U36]' }] }],
  ['eu-west-1', 'm6i.large', '0.107', single, '[U20]', '2026', { note: 'tutorial text; equals m5.large' }],
  ['eu-west-1', 'c6i.large', '0.096', inferred, 'inferred from c5.large in [KRR]', '2020'],
  ['eu-west-1', 'r6i.large', '0.141', inferred, 'inferred from r5.large in [KRR]', '2020'],
];
for (const [region, type, usd, conf, src, date, extra] of EC2) add('ec2', region, { instanceType: type }, usd, conf, src, date, ['1a', 'EC2', type, region], extra);

// §1b EBS, per GB-month.
add('ebs', 'us-east-1', { volumeApiName: 'gp3' }, '0.08', two, '[IC-ebs_volume]; [U1]', '2024-07-01; 2026-09-09', ['1b', 'EBS', 'gp3 storage', 'us-east-1'], { note: '3,000 IOPS / 125 MB/s included' });
add('ebs', 'us-east-1', { volumeApiName: 'gp2' }, '0.10', single, '[IC-instance], [IC-ebs_volume]', '2024-07-01', ['1b', 'EBS', 'gp2 storage', 'us-east-1'], { note: 'two golden files of one project' });
add('ebs', 'ap-south-1', { volumeApiName: 'gp3' }, '0.0912', two, '[U1]; [U9]; [U10]; [U11]', '2026', ['1b', 'EBS', 'gp3 storage', 'ap-south-1']);
add('ebs', 'ap-south-1', { volumeApiName: 'gp2' }, '0.114', two, '[U11]; [U23]', '2026', ['1b', 'EBS', 'gp2 storage', 'ap-south-1'], { note: 'both sources unattributed' });
add('ebs', 'eu-west-1', { volumeApiName: 'gp3' }, '0.088', single, '[U24]', '2026', ['1b', 'EBS', 'gp3 storage', 'eu-west-1']);
add('ebs', 'eu-west-1', { volumeApiName: 'gp2' }, '0.11', single, '[LIGOJ]', '2017', ['1b', 'EBS', 'gp2 storage', 'eu-west-1'], { note: 'old (copy of AWS 2017 pricing script)' });

// §1c EKS control plane. Extended support bills as two lines: perCluster $0.10 + extendedSupport $0.50
// ([U15]); the research row gives the total, which the two SKUs must add up to.
const EKS = [
  ['us-east-1', two, '[AWS-EKS-BLOG]; [IC-eks_cluster]; [U16]', '2024; 2025-07-07; 2026-09-18', two, '[AWS-EKS-BLOG]; [VANTAGE-EKS]; [U16]; [U15]', '2024; 2024; 2026-09-18'],
  ['ap-south-1', single, '[U1]', '2026-09-09', single, '[U1]', '2026-09-09'],
  ['eu-west-1', inferred, 'one published rate ([AWS-EKS-BLOG]); $0.10 observed in ap-south-1 ([U1]) and other regions ([U15], [U35])', '—', inferred, 'same rule as the standard rate', '—'],
];
for (const [region, c1, s1, d1, c2, s2, d2] of EKS) {
  add('eks', region, { line: 'perCluster' }, '0.10', c1, s1, d1, ['1c', 'EKS', 'cluster, standard support', region], { parts: [['1c', 'EKS', 'extended support', region]] });
  add('eks', region, { line: 'extendedSupport' }, '0.50', c2, s2, d2, null, { parts: [['1c', 'EKS', 'extended support', region]], note: 'extended support total $0.60/h = perCluster $0.10 + extendedSupport $0.50 ([U15] bill shows the two lines)' });
}

// §1d Fargate (Linux), ECS.
const FARGATE = [
  ['us-east-1', 'vcpu', 'x86_64', '0.04048', two, '[OC-ECS]; [IC-ecs_service]; [U1]', '2025-08-28; 2025-07-07; 2026-09-09', 'vCPU, x86'],
  ['us-east-1', 'memory', 'x86_64', '0.004445', two, '[OC-ECS]; [IC-ecs_service]; [U1]', '2025-08-28; 2025-07-07; 2026-09-09', 'memory, x86'],
  ['us-east-1', 'vcpu', 'arm64', '0.03238', two, '[OC-ECS]; [U1]', '2025-08-28; 2026-09-09', 'vCPU, ARM'],
  ['us-east-1', 'memory', 'arm64', '0.00356', two, '[OC-ECS]; [U1]', '2025-08-28; 2026-09-09', 'memory, ARM'],
  ['us-east-1', 'ephemeral', 'x86_64', '0.000111', two, '[OC-ECS]; [U1]', '2025-08-28; 2026-09-09', 'ephemeral storage'],
  ['ap-south-1', 'vcpu', 'x86_64', '0.04256', single, '[U1]', '2026-09-09', 'vCPU, x86'],
  ['ap-south-1', 'memory', 'x86_64', '0.004655', single, '[U1]', '2026-09-09', 'memory, x86'],
  ['ap-south-1', 'vcpu', 'arm64', '0.02383', two, '[U1]; [U2]', '2026-09-09; 2026-09-16', 'vCPU, ARM'],
  ['ap-south-1', 'memory', 'arm64', '0.00261', single, '[U1]', '2026-09-09', 'memory, ARM'],
  ['ap-south-1', 'ephemeral', 'x86_64', '0.000127', single, '[U1]', '2026-09-09', 'ephemeral storage'],
  ['eu-west-1', 'vcpu', 'x86_64', '0.04048', two, '[U4]; [U3]', '2026-05-01; Jul 2026', 'vCPU, x86'],
  ['eu-west-1', 'memory', 'x86_64', '0.004445', two, '[U4]; [U3]', '2026-05-01; Jul 2026', 'memory, x86'],
  ['eu-west-1', 'vcpu', 'arm64', '0.03238', single, '[U4]', '2026-05-01', 'vCPU, ARM'],
  ['eu-west-1', 'memory', 'arm64', '0.00356', single, '[U4]', '2026-05-01', 'memory, ARM'],
];
for (const [region, dimension, architecture, usd, conf, src, date, dim] of FARGATE) {
  add('fargate', region, { dimension, architecture }, usd, conf, src, date, ['1d', 'Fargate', dim, region]);
}
// EKS pods on Fargate bill under AmazonEKS with the same usage types and (us-east-1) the same prices
// ([IC-eks_fargate_profile], quoted in research §1d's note). Not a table row, so single source.
add('fargate', 'us-east-1', { dimension: 'vcpu', architecture: 'x86_64', serviceCode: 'AmazonEKS' }, '0.04048', single, '[IC-eks_fargate_profile]', '2024-07-01', null, { note: 'EKS Fargate pods bill under AmazonEKS at the ECS Fargate prices' });
add('fargate', 'us-east-1', { dimension: 'memory', architecture: 'x86_64', serviceCode: 'AmazonEKS' }, '0.004445', single, '[IC-eks_fargate_profile]', '2024-07-01', null, { note: 'EKS Fargate pods bill under AmazonEKS at the ECS Fargate prices' });

// §1e RDS for PostgreSQL. Multi-AZ is never derived by doubling.
add('rdsInstance', 'us-east-1', { instanceType: 'db.t3.micro', deploymentOption: 'Single-AZ' }, '0.018', single, '[U18]', '2026', ['1e', 'RDS PG', 'db.t3.micro, Single-AZ', 'us-east-1']);
add('rdsInstance', 'us-east-1', { instanceType: 'db.t3.large', deploymentOption: 'Single-AZ' }, '0.145', single, '[IC-db_instance]', '2026-05-03', ['1e', 'RDS PG', 'db.t3.large, Single-AZ', 'us-east-1'], { note: '$105.85 / 730 h' });
add('rdsInstance', 'us-east-1', { instanceType: 'db.t4g.medium', deploymentOption: 'Single-AZ' }, '0.065', single, '[INFRATALLY]', '2026', ['1e', 'RDS PG', 'db.t4g.medium, Single-AZ', 'us-east-1']);
add('rdsInstance', 'us-east-1', { instanceType: 'db.r6g.large', deploymentOption: 'Single-AZ' }, '0.225', inferred, 'inferred = ½ × db.r6g.xlarge 0.45 [U17]', '2026', ['1e', 'RDS PG', 'db.r6g.large, Single-AZ', 'us-east-1']);
add('rdsInstance', 'us-east-1', { instanceType: 'db.t4g.medium', deploymentOption: 'Multi-AZ' }, '0.130', single, '[INFRATALLY]', '2026', ['1e', 'RDS PG', 'db.t4g.medium, Multi-AZ', 'us-east-1'], { note: 'treat with caution: the source asserts "exactly double", which the MySQL t4g.small case contradicts' });
add('rdsStorage', 'us-east-1', { volumeType: 'General Purpose', deploymentOption: 'Single-AZ' }, '0.115', single, '[IC-db_instance]', '2026-05-03', ['1e', 'RDS', 'storage gp2, Single-AZ', 'us-east-1']);
add('rdsStorage', 'us-east-1', { volumeType: 'General Purpose-GP3', deploymentOption: 'Single-AZ' }, '0.115', two, '[IC-db_instance]; [USAGEAI]', '2026-05-03; Jun 2026', ['1e', 'RDS', 'storage gp3, Single-AZ', 'us-east-1']);
add('rdsStorage', 'us-east-1', { volumeType: 'General Purpose', deploymentOption: 'Multi-AZ' }, '0.23', single, '[IC-db_instance]', '2026-05-03', ['1e', 'RDS', 'storage gp2, Multi-AZ', 'us-east-1']);
add('rdsStorage', 'us-east-1', { volumeType: 'General Purpose-GP3', deploymentOption: 'Multi-AZ' }, '0.23', single, '[IC-db_instance]', '2026-05-03', ['1e', 'RDS', 'storage gp3, Multi-AZ', 'us-east-1']);
add('rdsBackup', 'us-east-1', {}, '0.095', two, '[IC-db_instance]; [USAGEAI]', '2026-05-03; Jun 2026', ['1e', 'RDS', 'backup storage beyond', 'us-east-1']);
add('rdsStorage', 'eu-west-1', { volumeType: 'General Purpose-GP3', deploymentOption: 'Single-AZ' }, '0.127', single, '[U3]', 'Jul 2026', ['1e', 'RDS', 'storage gp3, Single-AZ', 'eu-west-1'], { note: 'bill: EU-RDS:GP3-Storage 20 GiB = $2.54' });
add('rdsStorage', 'ap-south-1', { volumeType: 'General Purpose', deploymentOption: 'Single-AZ' }, '0.131', single, '[U25]', '2026', ['1e', 'RDS', 'storage gp2, Single-AZ', 'ap-south-1'], { note: 'hand-written table, weak' });

// §1g Networking.
const NAT = [
  ['us-east-1', '0.045', two, '[IC-nat_gateway]; [U1]', '2024-07-01; 2026-09-09', '[IC-nat_gateway]; [U1]; [CBURN-ECR]'],
  ['ap-south-1', '0.056', two, '[U1]; [U2]', '2026-09-09; 2026-09-16', '[U1]; [U2]'],
  ['eu-west-1', '0.048', two, '[U5]; [U7]', '2026-09-25; 2026', '[U5]; [U7]'],
];
for (const [region, usd, conf, srcH, date, srcB] of NAT) {
  add('nat', region, { line: 'hours' }, usd, conf, srcH, date, ['1g', 'NAT Gateway', 'gateway-hour', region]);
  add('nat', region, { line: 'bytes' }, usd, conf, srcB, date, ['1g', 'NAT Gateway', 'data processed', region]);
}
const ALB = 'Load Balancer-Application', NLB = 'Load Balancer-Network';
add('elb', 'us-east-1', { family: ALB, line: 'hours' }, '0.0225', single, '[IC-lb]', '2024-07-01', ['1g', 'ALB', 'load-balancer-hour', 'us-east-1'], { note: '$16.43 / 730 h' });
add('elb', 'us-east-1', { family: ALB, line: 'lcu' }, '0.008', single, '[IC-lb]', '2024-07-01', ['1g', 'ALB', 'LCU-hour', 'us-east-1'], { note: '$5.84 per LCU-month' });
add('elb', 'ap-south-1', { family: ALB, line: 'hours' }, '0.0239', single, '[U2]', '2026-09-16', ['1g', 'ALB', 'load-balancer-hour', 'ap-south-1'], { note: 'billed rate of APS3-LoadBalancerUsage' });
add('elb', 'eu-west-1', { family: ALB, line: 'hours' }, '0.0252', single, '[U3]', 'Jul 2026', ['1g', 'ALB', 'load-balancer-hour', 'eu-west-1'], { note: 'bill: $18.40 for 730 h' });
add('elb', 'us-east-1', { family: NLB, line: 'hours' }, '0.0225', single, '[IC-lb]; [IC-eip]', '2024-07-01', ['1g', 'NLB', 'load-balancer-hour', 'us-east-1'], { note: 'one project' });
add('elb', 'us-east-1', { family: NLB, line: 'lcu' }, '0.006', single, '[IC-lb]', '2024-07-01', ['1g', 'NLB', 'NLCU-hour', 'us-east-1'], { note: '$4.38 per LCU-month' });
add('ipv4', 'us-east-1', {}, '0.005', two, '[IPV4]; [U1]', '2023–24; 2026-09-09', ['1g', 'Public IPv4', 'in-use (and idle) address', 'us-east-1'], { note: '$3.65/month; all regions from 2024-02-01' });
add('ipv4', 'ap-south-1', {}, '0.005', two, '[U14]; [U9]; [IPV4]', '2024-07-09; 2026', ['1g', 'Public IPv4', 'in-use (and idle) address', 'ap-south-1']);
add('ipv4', 'eu-west-1', {}, '0.005', two, '[U3]; [IPV4]', 'Jul 2026; 2024', ['1g', 'Public IPv4', 'in-use address', 'eu-west-1']);
// Internet egress is tiered; the research gives only the first 10 TB/month tier, so the SKU carries
// only that dimension and anything above it comes out unpriced. The 100 GB/month global free tier is
// account-wide and not part of list price.
add('dataTransfer', 'us-east-1', { line: 'out' }, '0.09', two, '[IC-data_transfer]; [CBURN-ECR]', '2024-09-25; Mar 2026', ['1g', 'Data transfer', 'out to internet', 'us-east-1'], { tiers: [['0', '10240', 'first 10 TB / month']] });
add('dataTransfer', 'ap-south-1', { line: 'out' }, '0.1093', two, '[IC-data_transfer]; [U9]', '2024-09-25; Sep 2026', ['1g', 'Data transfer', 'out to internet', 'ap-south-1'], { tiers: [['0', '10240', 'first 10 TB / month']] });
add('dataTransfer', 'eu-west-1', { line: 'out' }, '0.09', single, '[IC-data_transfer]', '2024-09-25', ['1g', 'Data transfer', 'out to internet', 'eu-west-1'], { tiers: [['0', '10240', 'first 10 TB / month']] });
for (const region of ['us-east-1', 'ap-south-1', 'eu-west-1']) {
  add('dataTransfer', region, { line: 'interAz' }, '0.01', two, '[IC-data_transfer]; [U1]', '2024-09-25; 2026-09-09', ['1g', 'Data transfer', 'inter-AZ', 'all three'], { note: 'billed in each direction' });
}

// §1h CloudWatch.
add('logsIngest', 'us-east-1', {}, '0.50', two, '[IC-cloudwatch_log_group]; [U26]', '2024-07-01; 2026', ['1h', 'CloudWatch Logs', 'ingestion, Standard', 'us-east-1']);
add('logsIngest', 'eu-west-1', {}, '0.57', two, '[MAM]; [U19]', '2026-09-22; 2026-03-01', ['1h', 'CloudWatch Logs', 'ingestion, Standard', 'eu-west-1']);
add('logsStorage', 'us-east-1', {}, '0.03', single, '[IC-cloudwatch_log_group]', '2024-07-01', ['1h', 'CloudWatch Logs', 'storage', 'us-east-1']);
add('logsStorage', 'eu-west-1', {}, '0.03', single, '[MAM]', '2026-09-22', ['1h', 'CloudWatch Logs', 'storage', 'eu-west-1']);
add('logsStorage', 'ap-south-1', {}, '0.03', single, '[U13]', '2026-09-22', ['1h', 'CloudWatch Logs', 'storage', 'ap-south-1'], { note: 'test fixture' });
add('cwMetric', 'us-east-1', {}, '0.30', two, '[IC-instance]; [SIGNOZ]', '2024-07-01; Feb 2026', ['1h', 'CloudWatch', 'custom metric, first 10,000', 'us-east-1'], { tiers: [['0', '10000', 'first 10,000 metrics']] });
add('cwAlarm', 'us-east-1', {}, '0.10', two, '[IC-cloudwatch_metric_alarm]; [KN]', '2024-07-01', ['1h', 'CloudWatch', 'standard-resolution alarm', 'us-east-1']);
add('cwAlarm', 'eu-west-1', {}, '0.10', single, '[MAM]', '2026-09-22', ['1h', 'CloudWatch', 'standard alarm', 'eu-west-1']);
add('cwAlarm', 'ap-south-1', {}, '0.10', single, '[U13]', '2026-09-22', ['1h', 'CloudWatch', 'standard alarm', 'ap-south-1'], { note: 'test fixture' });
add('cwDashboard', 'global', {}, '3.00', two, '[IC-cloudwatch_dashboard]; [FM-CW]', '2024-07-01; Jun 2026', ['1h', 'CloudWatch', 'dashboard', 'global'], { note: 'Price List: location=Any, no regionCode ([U27])' });

// §1i WAF, Secrets Manager, KMS. Per-request prices are stored per request, as AWS does.
for (const region of ['us-east-1', 'ap-south-1', 'eu-west-1']) {
  const [src, date, cell] = region === 'us-east-1' ? ['[IC-wafv2_web_acl]; [C3X-WAF]', '2024-07-01; 2026', 'us-east-1'] : ['[AWS-WAF-BLOG] + the us-east-1 values', 'undated AWS blog', 'ap-south-1, eu-west-1'];
  const dims = region === 'us-east-1' ? ['web ACL', 'rule', 'requests'] : ['web ACL / rule / 1M requests', 'web ACL / rule / 1M requests', 'web ACL / rule / 1M requests'];
  add('waf', region, { line: 'acl' }, '5.00', two, src, date, ['1i', region === 'us-east-1' ? 'WAF (v2)' : 'WAF', dims[0], cell, region === 'us-east-1' ? undefined : 0]);
  add('waf', region, { line: 'rule' }, '1.00', two, src, date, ['1i', 'WAF', dims[1], cell, region === 'us-east-1' ? undefined : 1]);
  add('waf', region, { line: 'requests' }, '0.0000006', two, src, date, ['1i', 'WAF', dims[2], cell, region === 'us-east-1' ? undefined : 2], { scale: 1_000_000 });
}
add('secret', 'us-east-1', { line: 'secret' }, '0.40', two, '[IC-secretsmanager_secret]; [HIVE-SM]', '2024-07-01; 2026', ['1i', 'Secrets Manager', 'secret', 'us-east-1']);
add('secret', 'us-east-1', { line: 'api' }, '0.000005', two, '[IC-secretsmanager_secret]; [HIVE-SM]', '2024-07-01; 2026', ['1i', 'Secrets Manager', 'API calls', 'us-east-1'], { scale: 10_000 });
add('secret', 'ap-south-1', { line: 'secret' }, '0.40', inferred, '[U2] (2 secrets ≈ $0.85/month, consistent)', '2026-09', ['1i', 'Secrets Manager', 'secret / API calls', 'ap-south-1', 0], { note: 'uniform price assumed' });
add('secret', 'ap-south-1', { line: 'api' }, '0.000005', inferred, '[U2]', '2026-09', ['1i', 'Secrets Manager', 'secret / API calls', 'ap-south-1', 1], { scale: 10_000, note: 'uniform price assumed' });
add('secret', 'eu-west-1', { line: 'secret' }, '0.40', inferred, 'uniform price assumed', '—', ['1i', 'Secrets Manager', 'secret / API calls', 'eu-west-1', 0]);
add('secret', 'eu-west-1', { line: 'api' }, '0.000005', inferred, 'uniform price assumed', '—', ['1i', 'Secrets Manager', 'secret / API calls', 'eu-west-1', 1], { scale: 10_000 });
add('kms', 'us-east-1', { line: 'key' }, '1.00', two, '[IC-kms_key]; [AWS-KMS]', '2024-07-01; page', ['1i', 'KMS', 'customer managed key', 'us-east-1'], { note: '+$1/month per rotated backing key' });
add('kms', 'us-east-1', { line: 'requests' }, '0.000003', two, '[IC-kms_key]; [WRING]', '2024-07-01; 2026', ['1i', 'KMS', 'symmetric requests', 'us-east-1'], { scale: 10_000, note: '20,000 requests/month free (free tier, not list price)' });
add('kms', 'ap-south-1', { line: 'key' }, '1.00', two, '[U12]; [U13]', '2026-09-17', ['1i', 'KMS', 'key / requests', 'ap-south-1', 0]);
add('kms', 'ap-south-1', { line: 'requests' }, '0.000003', two, '[U12]; [U13]', '2026-09-17', ['1i', 'KMS', 'key / requests', 'ap-south-1', 1], { scale: 10_000 });
add('kms', 'eu-west-1', { line: 'key' }, '1.00', single, '[AWS-KMS]', 'page', ['1i', 'KMS', 'key / requests', 'eu-west-1', 0], { note: 'the page states one rate, no regional table' });
add('kms', 'eu-west-1', { line: 'requests' }, '0.000003', single, '[AWS-KMS]', 'page', ['1i', 'KMS', 'key / requests', 'eu-west-1', 1], { scale: 10_000 });

// §1j ECR, X-Ray, CodeBuild, CodePipeline, Route 53.
add('ecr', 'us-east-1', {}, '0.10', two, '[IC-ecr_repository]; [CBURN-ECR]', '2024-07-01; Mar 2026', ['1j', 'ECR', 'private storage', 'us-east-1']);
add('ecr', 'eu-west-1', {}, '0.10', single, '[U4]', '2026-05-01', ['1j', 'ECR', 'private storage', 'eu-west-1'], { note: 'Pricing API, EU-TimedStorage-ByteHrs' });
add('xray', 'us-east-1', {}, '0.000005', two, '[AWS-XRAY]; [AWSNEG-XRAY]', 'page; 2026', ['1j', 'X-Ray', 'traces recorded', 'us-east-1'], { scale: 1_000_000, note: 'after 100,000 traces/month free (free tier, not list price)' });
add('xray', 'ap-south-1', {}, '0.000005', inferred, '[AWS-XRAY] (page gives one rate)', 'page', ['1j', 'X-Ray', 'traces recorded', 'ap-south-1, eu-west-1'], { scale: 1_000_000 });
add('xray', 'eu-west-1', {}, '0.000005', inferred, '[AWS-XRAY] (page gives one rate)', 'page', ['1j', 'X-Ray', 'traces recorded', 'ap-south-1, eu-west-1'], { scale: 1_000_000 });
add('codebuild', 'us-east-1', {}, '0.005', two, '[IC-codebuild_project]; [C3X-CB]', '2024-07-01; 2026', ['1j', 'CodeBuild', 'general1.small, Linux', 'us-east-1']);
add('codepipeline', 'global', { line: 'v1' }, '1.00', single, '[AWS-CP]', 'page', ['1j', 'CodePipeline', 'V1 active pipeline', 'all (page has no regional table)'], { note: 'official page; first 30 days free and 1 free pipeline/month are free tier, not list price' });
add('codepipeline', 'global', { line: 'v2' }, '0.002', single, '[AWS-CP]', 'page', ['1j', 'CodePipeline', 'V2 action execution', 'all'], { note: 'official page; 100 free minutes/month are free tier' });
add('route53', 'global', {}, '0.50', two, '[IC-route53_zone]; [U3]', '2024-07-01; Jul 2026', ['1j', 'Route 53', 'hosted zone', 'global'], { tiers: [['0', '25', 'first 25 hosted zones']] });

// Research part 2 (../shared/pricing-research-2.md, 2026-12-02). `ref2` cites its row like `ref`
// (table ids '2:1e″' …); on an entry that also cites part 1 it updates confidence and sources.
const R2 = (table, service, dim, region, idx) => [`2:${table}`, service, dim, region, idx];
function upgrade(kind, region, match, ref2) {
  const e = S.find((x) => x.kind === kind && x.region === region && Object.entries(match).every(([k, v]) => x.attrs[k] === v));
  if (!e) throw new Error(`no entry ${kind} ${region} ${JSON.stringify(match)} to upgrade`);
  e.ref2 = ref2;
}
const GP2 = 'General Purpose', GP3 = 'General Purpose-GP3';
add('rdsStorage', 'ap-south-1', { volumeType: GP3, deploymentOption: 'Single-AZ' }, '0.131', two, '[T2]; [T3]; [T1]', '2026-09-19; 2026-09-29; 2026-09-27', null, { ref2: R2('1e″', 'RDS', 'storage gp3, Single-AZ', 'ap-south-1') });
add('rdsStorage', 'ap-south-1', { volumeType: GP3, deploymentOption: 'Multi-AZ' }, '0.262', single, '[T4]', '2026-09-18', null, { ref2: R2('1e″', 'RDS', 'storage gp3, Multi-AZ', 'ap-south-1'), note: 'billed rate on an account; an India-first pricing adapter says the same' });
add('rdsStorage', 'ap-south-1', { volumeType: GP2, deploymentOption: 'Multi-AZ' }, '0.262', single, '[T5]', 'undated', null, { ref2: R2('1e″', 'RDS', 'storage gp2 ("General Purpose"), Multi-AZ', 'ap-south-1'), note: 'weak: the document does not say gp2 or gp3' });
upgrade('rdsStorage', 'ap-south-1', { volumeType: GP2, deploymentOption: 'Single-AZ' }, R2('1e″', 'RDS', 'storage gp2, Single-AZ', 'ap-south-1'));
add('rdsBackup', 'ap-south-1', {}, '0.095', two, '[T3]; [T4]; [T5]', '2026-09-29; 2026-09-16; undated', null, { ref2: R2('1e″', 'RDS', 'backup storage beyond', 'ap-south-1') });
upgrade('rdsStorage', 'eu-west-1', { volumeType: GP3, deploymentOption: 'Single-AZ' }, R2('1e″', 'RDS', 'storage gp3, Single-AZ', 'eu-west-1'));
add('rdsStorage', 'eu-west-1', { volumeType: GP3, deploymentOption: 'Multi-AZ' }, '0.254', single, '[T13]', '2026-08-23', null, { ref2: R2('1e″', 'RDS', 'storage gp3, Multi-AZ', 'eu-west-1') });
upgrade('rdsStorage', 'us-east-1', { volumeType: GP3, deploymentOption: 'Multi-AZ' }, R2('1e″', 'RDS', 'storage gp3 Single-AZ / Multi-AZ', 'us-east-1', 1));
add('vpce', 'us-east-1', { line: 'hours' }, '0.01', two, '[T8]; [T9]; [T23]', '2026-09-29; 2026-08-20; 2026', null, { ref2: R2('1g′', 'VPC (PrivateLink)', 'interface endpoint', 'us-east-1'), note: 'billed per AZ the endpoint is provisioned in' });
add('vpce', 'us-east-1', { line: 'bytes' }, '0.01', two, '[T8]; [T23]', '2026-09-29; 2026', null, { ref2: R2('1g′', 'VPC (PrivateLink)', 'data processed', 'us-east-1'), tiers: [['0', '1048576', 'first 1 PB / month']] });
add('vpce', 'ap-south-1', { line: 'hours' }, '0.013', two, '[T6]; [T7]', '2026; 2026', null, { ref2: R2('1g′', 'VPC (PrivateLink)', 'interface endpoint', 'ap-south-1'), note: 'not the us-east-1 $0.01' });
add('vpce', 'eu-west-1', { line: 'hours' }, '0.011', single, '[T10]', '2026-05-01', null, { ref2: R2('1g′', 'VPC (PrivateLink)', 'interface endpoint', 'eu-west-1') });
add('vpce', 'eu-west-1', { line: 'bytes' }, '0.01', single, '[T10]', '2026-05-01', null, { ref2: R2('1g′', 'VPC (PrivateLink)', 'data processed', 'eu-west-1'), tiers: [['0', '1048576', 'first 1 PB / month']] });
add('elb', 'ap-south-1', { family: ALB, line: 'lcu' }, '0.008', two, '[T4]; [T5]', '2026-09-18; undated', null, { ref2: R2('1g′', 'ALB', 'LCU-hour', 'ap-south-1') });
add('elb', 'eu-west-1', { family: ALB, line: 'lcu' }, '0.008', two, '[T11]; [T13]; [T12]', '2026-10-02; 2026-08-23; 2022-03-07', null, { ref2: R2('1g′', 'ALB', 'LCU-hour', 'eu-west-1') });
upgrade('elb', 'us-east-1', { family: ALB, line: 'lcu' }, R2('1g′', 'ALB', 'LCU-hour', 'us-east-1'));
upgrade('elb', 'ap-south-1', { family: ALB, line: 'hours' }, R2('1g′', 'ALB', 'load-balancer-hour', 'ap-south-1'));
upgrade('elb', 'eu-west-1', { family: ALB, line: 'hours' }, R2('1g′', 'ALB', 'load-balancer-hour', 'eu-west-1'));
add('logsIngest', 'ap-south-1', {}, '0.67', two, '[U12]; [T4]', '2026-09-17; 2026-09-18', null, { ref2: R2('1h′', 'CloudWatch Logs', 'ingestion, Standard', 'ap-south-1'), note: 'two figures were published for this price, 0.50 and 0.67; the 0.50 came from a test fixture, so dex uses 0.67', alternatives: [{ usd: '0.50', source: '[U13] (test fixture)' }] });
add('logsIngest', 'ap-south-1', { vended: true }, '0.67', single, '[T18]', '2026-08', null, { ref2: R2('1h′', 'VPC Flow Logs → CloudWatch Logs', 'vended-log ingestion, first tier', 'ap-south-1'), note: 'weak (a pricing adapter docstring); the first vended tier equals Standard ingestion in us-east-1 and eu-west-1', tiers: [['0', '10240', 'first 10 TB / month']] });
add('logsIngest', 'eu-west-1', { vended: true }, '0.57', single, '[T22]', '≈2019', null, { ref2: R2('1h′', 'VPC Flow Logs → CloudWatch Logs', 'vended-log ingestion tiers', 'eu-west-1'), note: 'old source', tiers: [['0', '10240', 'first 10 TB / month']] });
add('cwMetric', 'ap-south-1', {}, '0.30', single, '[T26]', '2026', null, { ref2: R2('1h′', 'CloudWatch', 'custom metric, first 10,000', 'ap-south-1'), note: 'weak (a test row)', tiers: [['0', '10000', 'first 10,000 metrics']] });
add('ecr', 'ap-south-1', {}, '0.10', single, '[T17]', '2026', null, { ref2: R2('1j′', 'ECR', 'private storage', 'ap-south-1'), note: 'a real bill: $18.00 for 179.997 GB-months' });
add('backup', 'ap-south-1', { line: 'storage' }, '0.095', inferred, 'RDS backup rate ([T3]; [T4]; [T5]) + [FM-BACKUP]', '2026', null, { ref2: R2('1j′', 'AWS Backup', 'RDS recovery points', 'ap-south-1'), note: 'AWS Backup bills RDS snapshots at the RDS snapshot rate; whether the free allowance also covers them was not established' });
add('backup', 'us-east-1', { line: 'transfer', to: 'other-region' }, '0.02', two, '[FM-BACKUP]; [IC-data_transfer]', '2026-06-13; 2024-09-25', null, { ref2: R2('1j′', 'AWS Backup', 'cross-region copy transfer', 'us-east-1 → us-west-2'), note: 'us-east-1 to another region except us-east-2 (0.01)' });
add('sns', 'us-east-1', { line: 'publish' }, '0.0000005', single, '[T15]', '2026-10-08', null, { ref2: R2('1k′', 'SNS', 'publishes', 'us-east-1'), scale: 1_000_000, note: 'the first 1 million a month are free (free tier, not list price)' });
add('sns', 'us-east-1', { line: 'email' }, '0.00002', single, '[T15]', '2026-10-08', null, { ref2: R2('1k′', 'SNS', 'e-mail notifications', 'us-east-1'), scale: 100_000, note: 'the first 1,000 a month are free (free tier, not list price)' });
add('sns', 'ap-south-1', { line: 'publish' }, '0.0000005', single, '[T5]', 'undated', null, { ref2: R2('1k′', 'SNS', 'publishes', 'ap-south-1'), scale: 1_000_000 });
add('s3', 'ap-south-1', {}, '0.025', two, '[U9]; [T3]; [T4]; [T5]; [T1]', '2026-09', null, { ref2: R2('1k′', 'S3', 'Standard storage', 'ap-south-1'), tiers: [['0', '51200', 'first 50 TB / month']] });
// S3 request rates: research-2 §1k′ gives them in the note of its ap-south-1 S3 row ([U9]), not as a row of their own.
add('s3Requests', 'ap-south-1', { line: 'put' }, '0.000005', single, '[U9]', '2026-09', null, { scale: 1_000, note: 'research-2 §1k′ S3 ap-south-1 row, note: PUT/COPY/POST/LIST $0.005 per 1,000' });
add('s3Requests', 'ap-south-1', { line: 'get' }, '0.0000004', single, '[U9]', '2026-09', null, { scale: 1_000, note: 'research-2 §1k′ S3 ap-south-1 row, note: GET $0.0004 per 1,000' });
add('s3', 'us-east-1', {}, '0.023', two, '[T16]; [T15]', '2026-09-07; 2026-10-08', null, { ref2: R2('1k′', 'S3', 'Standard storage', 'us-east-1'), tiers: [['0', '51200', 'first 50 TB / month']] });
add('dataTransfer', 'ap-south-2', { line: 'out' }, '0.1093', single, '[IC-data_transfer]', '2024-09-25', null, { ref2: R2('1l', 'Data transfer', 'out to internet', 'ap-south-2'), tiers: [['0', '10240', 'first 10 TB / month']] });

/**
 * Research rows with a number that dex deliberately leaves out, with the reason. They come out as
 * gaps ("no public source for …") and the tests check each is accounted for.
 */
const EXCLUDED = [
  { ref: ['1e', 'RDS PG', 'db.t3.large, Multi-AZ', 'us-east-1'], reason: 'the only figure (0.29) is inferred by doubling MySQL, and research §1e says never derive Multi-AZ by doubling' },
  { ref: ['1g', 'Data transfer', 'inter-region out', 'ap-south-1'], reason: 'given "for reference" without a destination region; dex has no inter-region meter' },
];

/**
 * Prices no public source gave dex (the research files mark them gaps, or leave them out), so an
 * empty lookup can say why in a user's words. Region packs answer EC2, RDS instances, ElastiCache
 * and EBS everywhere; these cover the rest.
 */
const GAPS = [
  { serviceCode: 'AmazonRDS', productFamily: 'Database Storage', regions: ['*'], match: {}, reason: 'dex has RDS storage prices for us-east-1, ap-south-1 and eu-west-1 (gp3) only' },
  { serviceCode: 'AmazonRDS', productFamily: 'Storage Snapshot', regions: ['*'], match: {}, reason: 'dex has RDS backup storage prices for us-east-1 and ap-south-1 only' },
  { serviceCode: 'AWSELB', productFamily: NLB, regions: ['*'], match: {}, reason: 'dex has Network Load Balancer prices for us-east-1 only' },
  { serviceCode: 'AmazonECS', productFamily: 'Compute', regions: ['eu-west-1'], match: {}, usagetypeSuffix: 'Fargate-EphemeralStorage-GB-Hours', reason: 'no public price was found for it in eu-west-1' },
  { serviceCode: 'CodeBuild', regions: ['*'], match: {}, reason: 'dex has CodeBuild prices for general1.small in us-east-1 only' },
  { serviceCode: 'AmazonCloudWatch', productFamily: 'Metric', regions: ['*'], match: {}, reason: 'dex has custom-metric prices for us-east-1 and ap-south-1 only' },
  { serviceCode: 'AmazonCloudWatch', productFamily: 'Data Payload', regions: ['*'], match: {}, usagetypeSuffix: 'VendedLog-Bytes', reason: 'dex has vended-log prices for ap-south-1 and eu-west-1 only' },
  { serviceCode: 'AmazonVPC', productFamily: 'VpcEndpoint', regions: ['ap-south-1'], match: {}, usagetypeSuffix: 'VpcEndpoint-Bytes', reason: 'it is $0.01 per GB in us-east-1 and eu-west-1, but no public source shows the Mumbai rate' },
  { serviceCode: 'AWSBackup', regions: ['*'], match: { 'dex:key': 'backup.crossRegionTransfer.ap-south-2' }, reason: 'the two figures public sources give are for other destinations and disagree ($0.086 and $0.106 per GB)' },
  { serviceCode: 'AWSBackup', regions: ['*'], match: {}, reason: 'dex has AWS Backup prices for ap-south-1 storage and us-east-1 copies only' },
  { serviceCode: 'AmazonSNS', regions: ['*'], match: {}, reason: 'dex has SNS prices for us-east-1 (publishes, e-mail) and ap-south-1 (publishes) only' },
  { serviceCode: 'AmazonS3', productFamily: 'API Request', regions: ['*'], match: {}, reason: 'dex\'s price sources give S3 request prices for ap-south-1 only' },
  { serviceCode: 'AmazonS3', regions: ['*'], match: {}, reason: 'dex has S3 Standard prices for us-east-1 and ap-south-1 only' },
  { serviceCode: 'AmazonDynamoDB', regions: ['*'], match: {}, reason: 'none of dex\'s price sources gives DynamoDB list prices yet' },
  { serviceCode: 'AmazonECR', regions: ['*'], match: {}, reason: 'dex has ECR storage prices for us-east-1, ap-south-1 and eu-west-1 only' },
  { serviceCode: '*', regions: ['ap-south-2'], match: {}, reason: 'for ap-south-2 dex has public prices for EC2, RDS instances, ElastiCache, EBS and data transfer out only' },
];

// ---------------------------------------------------------------------------------------------
// Decimal helpers (exact): values as BigInt scaled by 10^18.
const SCALE = 18n;
function dec(s) {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(String(s).trim());
  if (!m) throw new Error(`not a decimal: ${s}`);
  const frac = (m[3] ?? '').padEnd(Number(SCALE), '0');
  if (frac.length > Number(SCALE)) throw new Error(`too many decimals: ${s}`);
  const v = BigInt(m[2]) * 10n ** SCALE + BigInt(frac || '0');
  return m[1] ? -v : v;
}
function fmt10(s) {
  // AWS writes pricePerUnit with 10 decimals.
  const v = dec(s);
  const unit = 10n ** SCALE;
  const int = v / unit;
  const frac = (v % unit).toString().padStart(Number(SCALE), '0');
  if (/[1-9]/.test(frac.slice(10))) throw new Error(`price ${s} needs more than 10 decimals`);
  return `${int}.${frac.slice(0, 10)}`;
}
function plain(s) {
  const [i, f = ''] = fmt10(s).split('.');
  const t = f.replace(/0+$/, '');
  return t ? `${i}.${t.length < 2 ? t.padEnd(2, '0') : t}` : `${i}.00`;
}

// ---------------------------------------------------------------------------------------------
// Research markdown → rows.
function classify(text) {
  const t = text.toLowerCase();
  if (t.startsWith('**gap') || t.startsWith('gap')) return 'gap';
  if (t.includes('conflict')) return 'conflict';
  if (t.startsWith('two sources agree')) return two;
  if (t.startsWith('single source')) return single;
  if (t.startsWith('**inferred') || t.startsWith('inferred')) return inferred;
  throw new Error(`cannot classify confidence "${text}"`);
}
function parseResearch(md) {
  const rows = [];
  let table = null;
  for (const line of md.split('\n')) {
    const h = /^### (1[a-k])\. /.exec(line);
    if (h) { table = h[1]; continue; }
    if (/^## 2\./.test(line)) table = null;
    if (!table || !line.startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells[0] === 'service' || /^-+$/.test(cells[0])) continue;
    const [service, dimension, region, unit, usd, source, sourceDate, confidenceText] = cells;
    const usdValues = usd === '—' ? [] : usd.split('/').map((v) => v.trim());
    rows.push({ table, service, dimension, region, unit, usd, usdValues, source, sourceDate, confidenceText, confidence: classify(confidenceText) });
  }
  return rows;
}
const plainCell = (s) => s.replace(/\*\*/g, '').replace(/`/g, '');
function findRow(rows, ref) {
  const [table, service, dimPrefix, regionCell] = ref;
  const hits = rows.filter((r) => r.table === table && r.service === service && plainCell(r.dimension).startsWith(dimPrefix) && r.region === regionCell);
  if (hits.length !== 1) throw new Error(`research ref ${JSON.stringify(ref)} matches ${hits.length} rows`);
  return hits[0];
}
const rowKey = (r) => `${r.table}|${r.service}|${r.dimension}|${r.region}`;
function coversUsEast1(regionCell) {
  return regionCell === 'us-east-1' || regionCell === 'all three' || regionCell === 'global' || /^all\b/.test(regionCell);
}
/** A row's unit; "as above" means the unit of the matching us-east-1 row of the same service (by position). */
function unitOf(rows, row, idx) {
  if (row.unit !== 'as above') return row.unit;
  const stem = row.service.split(' ')[0];
  const above = rows.filter((r) => r.table === row.table && r.service.split(' ')[0] === stem && r.region === 'us-east-1');
  if (!above[idx]) throw new Error(`cannot resolve "as above" for ${rowKey(row)}[${idx}]`);
  return above[idx].unit;
}
/** Scale from AWS's per-unit price to the research row's unit ("1M requests", "10,000 calls"). */
function rowScale(unit) {
  if (/^1M /.test(unit)) return 1_000_000n;
  if (/^10,000 /.test(unit)) return 10_000n;
  return 1n;
}

// ---------------------------------------------------------------------------------------------
// ElastiCache extract.
function extractElastiCache(srcPath) {
  const raw = readFileSync(srcPath);
  const data = JSON.parse(raw.toString('utf8'));
  const nodes = [];
  for (const node of data) {
    for (const region of REGIONS) {
      const p = node.pricing?.[region];
      if (!p) continue;
      for (const engine of ['Redis', 'Valkey']) {
        const od = p[engine]?.ondemand;
        if (typeof od !== 'number') continue;
        const r = p[engine].reserved ?? {};
        nodes.push({
          instanceType: node.instance_type, region, engine, ondemand: num(od),
          ...(typeof r['yrTerm1Standard.noUpfront'] === 'number' ? { ri1yNoUpfront: num(r['yrTerm1Standard.noUpfront']) } : {}),
          ...(typeof r['yrTerm3Standard.noUpfront'] === 'number' ? { ri3yNoUpfront: num(r['yrTerm3Standard.noUpfront']) } : {}),
        });
      }
    }
  }
  nodes.sort((a, b) => a.region.localeCompare(b.region) || a.instanceType.localeCompare(b.instanceType) || a.engine.localeCompare(b.engine));
  return {
    provenance: {
      source: '[LCEC] github.com/LeanerCloud/ec2-instances-info data/elasticache-instances.json',
      commit: 'f9eafba8b0c94eb59a852a52c2f3c2da8370dcc5',
      sourceDate: '2025-04-24',
      copiedFrom: '../shared/pricing-data/elasticache-instances.json',
      copied: '2026-11-24',
      sha256: createHash('sha256').update(raw).digest('hex'),
      bytes: raw.length,
      regions: REGIONS,
      engines: ['Redis', 'Valkey'],
      note: 'on-demand and standard No Upfront reserved (1y, 3y effective hourly) USD per node-hour, node-based clusters; Redis = Redis OSS; Memcached left out (dex does not create it)',
    },
    nodes,
  };
}
/** A JSON number from a feed as exact decimal text (the feeds never need an exponent; refuse one). */
function num(v) {
  const t = String(v);
  if (!/^\d+(\.\d+)?$/.test(t)) throw new Error(`feed number ${t} is not plain decimal`);
  return t;
}

// ---------------------------------------------------------------------------------------------
// The pricing-pages feed ([EC2SHOP], yeo/ec2.shop): trimmed to what dex meters.
const EBS_LABELS = {
  gp3: 'Storage General Purpose gp3 GB Mo', gp2: 'Storage General Purpose gp2 GB Mo', io1: 'Storage Provisioned IOPS io1 GB Mo',
  io2: 'Storage Provisioned IOPS io2 GB month', st1: 'Storage Throughput Optimized HDD st1 GB Mo', sc1: 'Storage Cold HDD sc1 GB Mo', standard: 'Storage Magnetic standard GB Mo',
};
function trimFeed(srcPath) {
  const raw = readFileSync(srcPath);
  const data = JSON.parse(raw.toString('utf8'));
  const cell = (c) => (c ? [c.sku, num(c.usd)] : null);
  const terms = (c) => {
    if (!c?.onDemand) return null;
    // A reserved rate is kept only when it belongs to the same product (SKU) as the on-demand one:
    // 85 ElastiCache cells of the feed carry another SKU's rate (another engine's offer).
    const ri = (k) => (c[k] && c[k].sku === c.onDemand.sku ? num(c[k].usd) : null);
    return [c.onDemand.sku, num(c.onDemand.usd), ri('ri1yNoUpfront'), ri('ri3yNoUpfront')];
  };
  const sorted = (o, f) => Object.fromEntries(Object.keys(o ?? {}).sort().map((k) => [k, f(o[k])]).filter(([, v]) => v !== null));
  const regions = {};
  for (const region of Object.keys(data.regions).sort()) {
    const r = data.regions[region];
    regions[region] = {
      location: r.location,
      ec2: sorted(r.ec2, terms),
      rds: Object.fromEntries(['mysql', 'postgresql'].map((e) => [e, sorted(r.rds?.[e], (c) => {
        const v = { ...(c.singleAz ? { 'Single-AZ': terms(c.singleAz) } : {}), ...(c.multiAz ? { 'Multi-AZ': terms(c.multiAz) } : {}) };
        return Object.values(v).some(Boolean) ? v : null;
      })])),
      elasticache: sorted(r.elasticache, terms),
      ebs: Object.fromEntries(Object.entries(EBS_LABELS).filter(([, l]) => r.ebs?.[l]).map(([v, l]) => [v, cell(r.ebs[l])])),
    };
  }
  return {
    provenance: {
      source: '[EC2SHOP] github.com/yeo/ec2.shop (MIT): the JSON feeds behind the AWS pricing pages',
      commit: data.source.commit,
      publicationDates: data.source.publicationDates,
      copiedFrom: '../shared/pricing-data/aws-pricing-pages.json (extracted 2026-12-02)',
      sha256: createHash('sha256').update(raw).digest('hex'),
      bytes: raw.length,
      kept: 'EC2 Linux shared-tenancy on-demand + standard No Upfront 1y/3y; RDS PostgreSQL and MySQL Single-AZ/Multi-AZ (same); ElastiCache (Redis OSS) node-based (same); EBS storage per GB-month for gp3, gp2, io1, io2, st1, sc1, standard. Cells are [sku, onDemand, ri1yNoUpfront, ri3yNoUpfront] (EBS: [sku, usd]).',
    },
    regions,
  };
}

// ---------------------------------------------------------------------------------------------
// Research part 2 (../shared/pricing-research-2.md): same table format, tables 1a′ … 1l.
function parseResearch2(md) {
  const rows = [];
  let table = null;
  for (const line of md.split('\n')) {
    const h = /^### (1[a-l][′″]*)\. /.exec(line);
    if (h) { table = `2:${h[1]}`; continue; }
    if (/^## 2\./.test(line)) table = null;
    if (!table || !line.startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells[0] === 'service' || /^-+$/.test(cells[0])) continue;
    const [service, dimension, region, unit, usd, source, sourceDate, confidenceText] = cells;
    const usdValues = usd === '—' || usd.startsWith('see ') ? [] : usd.split('/').map((v) => v.trim());
    let confidence;
    const t = confidenceText.replace(/^\*\*/, '');
    try { confidence = /^two sources agree/i.test(t) ? two : classify(t); } catch { confidence = 'unclassified'; }
    rows.push({ table, service, dimension, region, unit, usd, usdValues, source, sourceDate, confidenceText, confidence });
  }
  return rows;
}
/** Research-2 cells on the feed's products, keyed like the packs: 'ec2|ap-south-1|t4g.medium'. */
function research2Index(rows2) {
  const idx = new Map();
  for (const r of rows2) {
    if (r.usdValues.length !== 1) continue;
    if (r.service === 'EC2' && r.table === '2:1a′') idx.set(`ec2|${r.region}|${plainCell(r.dimension)}`, r);
    const m = /^(db\.[a-z0-9.]+), (Single-AZ|Multi-AZ)$/.exec(plainCell(r.dimension));
    if (r.service === 'RDS PG' && m) idx.set(`rds|${r.region}|postgresql|${m[1]}|${m[2]}`, r);
  }
  return idx;
}

/** Research §1f rows: Redis OSS for these node types in three regions also match [VTCACHE]. */
const EC_TWO_SOURCES = new Set(['cache.t3.micro', 'cache.t3.small', 'cache.t3.medium', 'cache.t4g.micro', 'cache.t4g.small', 'cache.r6g.large']);

// ---------------------------------------------------------------------------------------------
// Products.
function skuFor(key) {
  const h = createHash('sha256').update(key).digest();
  const A = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let s = '';
  for (let i = 0; i < 16; i++) s += A[h[i] % A.length];
  return s;
}
function product(entry) {
  const k = KINDS[entry.kind](entry.attrs, entry.region);
  const global = k.global || entry.region === 'global';
  const attributes = { servicecode: k.serviceCode };
  let usageNote;
  if (global) {
    attributes.location = 'Any';
    attributes.locationType = 'AWS Region';
  } else if (!k.noRegionCode) {
    attributes.location = LOCATION[entry.region];
    attributes.locationType = 'AWS Region';
    attributes.regionCode = entry.region;
  }
  if (k.base) {
    if (global) attributes.usagetype = k.base;
    else {
      const u = usagetypeFor(k.serviceCode, entry.region, k.base);
      attributes.usagetype = u.usagetype;
      usageNote = u.note;
    }
  }
  Object.assign(attributes, k.attributes);
  const key = JSON.stringify([k.serviceCode, k.productFamily ?? '', entry.region, attributes]);
  const sku = skuFor(key);
  const termKey = `${sku}.${ON_DEMAND_TERM}`;
  const priceDimensions = {};
  const tiers = entry.tiers ?? [['0', 'Inf', undefined]];
  tiers.forEach(([beginRange, endRange, label], i) => {
    const rateCode = `${termKey}.${i === 0 ? RATE_CODE : `DEXTIER${i}`}`;
    priceDimensions[rateCode] = {
      unit: k.unit,
      endRange,
      description: k.describe(plain(entry.usd), label),
      appliesTo: [],
      rateCode,
      beginRange,
      pricePerUnit: { USD: fmt10(entry.usd) },
    };
  });
  const publicationDate = `${AS_OF}T00:00:00Z`;
  const item = {
    product: { ...(k.productFamily ? { productFamily: k.productFamily } : {}), attributes, sku },
    serviceCode: k.serviceCode,
    terms: { OnDemand: { [termKey]: { priceDimensions, sku, effectiveDate: publicationDate, offerTermCode: ON_DEMAND_TERM, termAttributes: {} } } },
    version: AS_OF.replace(/-/g, '') + '000000',
    publicationDate,
  };
  const notes = [entry.note, usageNote, k.unverifiedAttributes ? 'dex has not verified which Price List attributes pin this price, so it is matched by a key of its own and comes from the offline prices only' : undefined, entry.tiers ? `only the tiers listed have a public source; quantities beyond ${entry.tiers[entry.tiers.length - 1][1]} are unpriced` : undefined].filter(Boolean);
  item.dex = {
    source: entry.source,
    sourceDate: entry.sourceDate,
    confidence: entry.confidence,
    ...(entry.alternatives ? { alternatives: entry.alternatives } : {}),
    ...(entry.researchRow ? { researchRow: entry.researchRow } : {}),
    ...(entry.research2Row ? { research2Row: entry.research2Row } : {}),
    ...(entry.researchParts ? { researchPartOf: entry.researchParts } : {}),
    ...(entry.scale ? { researchUnitScale: entry.scale } : {}),
    syntheticSku: true,
    ...(notes.length ? { notes } : {}),
  };
  return item;
}

// ---------------------------------------------------------------------------------------------
// Region packs: EC2, RDS, ElastiCache and EBS for every feed region, one compact file per region
// (data/pricing/regions/<region>.json), expanded into GetProducts items by compiler/pricing/snapshot.ts
// only when a plan asks for that region.
const PACK_KINDS = new Set(['ec2', 'ebs', 'rdsInstance', 'elasticache']);
const FEED_LABEL = {
  ec2: { source: '[EC2SHOP-EC2]', date: 'feed 2025-04-04' },
  rds: { source: '[EC2SHOP-RDS]', date: 'feed 2025-04-04' },
  ec: { source: '[EC2SHOP-EC]', date: 'feed 2024-10-07' },
  ebs: { source: '[EC2SHOP-EBS]', date: 'feed 2024-07-18' },
};
const has2026 = (date) => /2026/.test(date ?? '');
function packKey(e) {
  const a = e.attrs;
  if (e.kind === 'ec2') return `ec2|${e.region}|${a.instanceType}`;
  if (e.kind === 'ebs') return `ebs|${e.region}|${a.volumeApiName}`;
  if (e.kind === 'rdsInstance') return `rds|${e.region}|${(a.engine ?? 'postgresql')}|${a.instanceType}|${a.deploymentOption}`;
  return `ec|${e.region}|${a.instanceType}|${a.engine}`;
}
const compact = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
/**
 * One price from its candidates: `research` (a research-file entry, or the ElastiCache extract),
 * `feed` (the pricing-pages feed) and `r2` (the research-2 row on that cell, which may name a 2026
 * source that agrees with the feed). Agreement of the 2025 feed with a 2026 source is "two sources
 * agree"; otherwise the single source is named; a disagreement keeps every value.
 */
function decide(research, feed, label, r2, preferResearch) {
  if (!feed) return { usd: research.usd, r1: research.r1 ?? null, r3: research.r3 ?? null, prov: compact({ source: research.source, sourceDate: research.sourceDate, confidence: research.confidence, researchRow: research.researchRow, alternatives: research.alternatives, notes: research.note ? [research.note] : undefined }) };
  const base = { usd: feed.usd, sku: feed.sku, r1: feed.r1 ?? research?.r1 ?? null, r3: feed.r3 ?? research?.r3 ?? null };
  const r2Agrees = r2 && r2.confidence === two && dec(r2.usdValues[0]) === dec(feed.usd);
  const feedProv = r2Agrees
    ? { source: r2.source.replace(/ \(SKU [A-Z0-9]+\)/g, ''), sourceDate: r2.sourceDate, confidence: two, researchRow: rowKey(r2) }
    : { source: label.source, sourceDate: label.date, confidence: single, researchRow: r2 ? rowKey(r2) : undefined };
  if (!research) return { ...base, prov: compact(feedProv) };
  const notes = research.note ? [research.note] : [];
  if (dec(research.usd) === dec(feed.usd)) {
    const agrees = research.confidence !== inferred && (research.confidence === two || has2026(research.sourceDate));
    if (research.confidence === conflict) notes.push(`AWS's pricing-page data (${label.date}) gives the chosen value and settles the disagreement between earlier sources`);
    if (research.confidence === inferred) notes.push(`AWS's pricing-page data (${label.date}) confirms a value that earlier sources had only inferred`);
    if (!agrees && !r2Agrees && research.confidence !== inferred && research.confidence !== conflict) notes.push('both sources are copies of AWS price data older than 2026; no 2026 source read this cell');
    return { ...base, prov: compact({ source: `${research.source}; ${label.source}`, sourceDate: `${research.sourceDate}; ${label.date}`, confidence: agrees || r2Agrees ? two : single, researchRow: research.researchRow, alternatives: research.alternatives, notes }) };
  }
  const keepResearch = research.confidence === two || preferResearch;
  const chosen = keepResearch ? research.usd : feed.usd;
  const other = keepResearch ? { usd: plain(feed.usd), source: `${label.source} (${label.date})` } : { usd: plain(research.usd), source: `${research.source} (${research.confidence})` };
  notes.push(keepResearch ? `AWS's pricing-page data (${label.date}) says ${plain(feed.usd)}; dex keeps the better-supported value` : `an earlier ${research.confidence} value of ${plain(research.usd)} is contradicted by AWS's pricing-page data (${label.date}), which dex uses`);
  return {
    ...base, usd: chosen,
    prov: compact({ source: keepResearch ? research.source : label.source, sourceDate: keepResearch ? research.sourceDate : label.date, confidence: conflict, researchRow: keepResearch ? research.researchRow : undefined, alternatives: [other, ...(research.alternatives ?? [])], notes }),
  };
}
function buildPacks(feed, entries, r2idx) {
  const research = new Map(entries.map((e) => [packKey(e), e]));
  const rows = new Map();
  const put = (key, kind, region, attrs, d) => rows.set(key, { key, kind, region, attrs, ...d });
  for (const [region, r] of Object.entries(feed.regions)) {
    for (const [type, [sku, usd, r1, r3]] of Object.entries(r.ec2)) {
      const key = `ec2|${region}|${type}`;
      put(key, 'ec2', region, { instanceType: type }, decide(research.get(key), { sku, usd, r1, r3 }, FEED_LABEL.ec2, r2idx.get(key)));
    }
    for (const [engine, classes] of Object.entries(r.rds)) {
      for (const [cls, deps] of Object.entries(classes)) {
        for (const [dep, [sku, usd, r1, r3]] of Object.entries(deps)) {
          const key = `rds|${region}|${engine}|${cls}|${dep}`;
          put(key, 'rdsInstance', region, { engine, instanceType: cls, deploymentOption: dep }, decide(research.get(key), { sku, usd, r1, r3 }, FEED_LABEL.rds, r2idx.get(key)));
        }
      }
    }
    for (const [type, [sku, usd, r1, r3]] of Object.entries(r.elasticache)) {
      const key = `ec|${region}|${type}|Redis`;
      put(key, 'elasticache', region, { instanceType: type, engine: 'Redis' }, decide(research.get(key), { sku, usd, r1, r3 }, FEED_LABEL.ec, undefined, true));
    }
    for (const [vol, [sku, usd]] of Object.entries(r.ebs)) {
      const key = `ebs|${region}|${vol}`;
      put(key, 'ebs', region, { volumeApiName: vol }, decide(research.get(key), { sku, usd }, FEED_LABEL.ebs, undefined));
    }
  }
  for (const [key, e] of research) if (!rows.has(key)) put(key, e.kind, e.region, e.attrs, decide(e, undefined));
  const packs = {};
  for (const row of [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const pack = (packs[row.region] ??= { provenance: [], ec2: [], rds: [], elasticache: [], ebs: [] });
    const prov = row.sku ? row.prov : { ...row.prov, syntheticSku: true };
    const pj = JSON.stringify(prov);
    let p = pack.provenance.findIndex((x) => JSON.stringify(x) === pj);
    if (p < 0) p = pack.provenance.push(prov) - 1;
    const sku = row.sku ?? skuFor(row.key);
    const od = fmtPlain(row.usd), r1 = row.r1 === null ? null : fmtPlain(row.r1), r3 = row.r3 === null ? null : fmtPlain(row.r3);
    const a = row.attrs;
    if (row.kind === 'ec2') pack.ec2.push([a.instanceType, sku, od, r1, r3, p]);
    else if (row.kind === 'rdsInstance') pack.rds.push([a.engine ?? 'postgresql', a.instanceType, a.deploymentOption, sku, od, r1, r3, p]);
    else if (row.kind === 'elasticache') pack.elasticache.push([a.instanceType, a.engine, sku, od, r1, r3, p]);
    else pack.ebs.push([a.volumeApiName, sku, od, p]);
  }
  return packs;
}
/** Plain decimal text as the packs store it: no trailing zeros, checked to fit AWS's 10 decimals. */
function fmtPlain(s) {
  const [i, f = ''] = fmt10(s).split('.');
  const t = f.replace(/0+$/, '');
  return t ? `${i}.${t}` : i;
}
function packJson(region, pack) {
  const head = {
    formatVersion: 'dex_region_v1',
    region,
    location: LOCATION[region],
    usagePrefix: USAGE_PREFIX[region],
    asOf: AS_OF,
    generatedBy: 'scripts/build-price-snapshot.mjs',
    columns: { ec2: ['instanceType', 'sku', 'onDemand', 'ri1yNoUpfront', 'ri3yNoUpfront', 'provenance'], rds: ['engine', 'instanceClass', 'deployment', 'sku', 'onDemand', 'ri1yNoUpfront', 'ri3yNoUpfront', 'provenance'], elasticache: ['nodeType', 'engine', 'sku', 'onDemand', 'ri1yNoUpfront', 'ri3yNoUpfront', 'provenance'], ebs: ['volumeApiName', 'sku', 'usdPerGbMonth', 'provenance'] },
  };
  const lines = (rows) => (rows.length ? `[\n${rows.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n ]` : '[]');
  const h = JSON.stringify(head, null, 1);
  return `${h.slice(0, -2)},\n "provenance": ${lines(pack.provenance)},\n "ec2": ${lines(pack.ec2)},\n "rds": ${lines(pack.rds)},\n "elasticache": ${lines(pack.elasticache)},\n "ebs": ${lines(pack.ebs)}\n}\n`;
}

// ---------------------------------------------------------------------------------------------
function main() {
  const check = process.argv.includes('--check');
  const failures = [];

  // Research rows (validation + fixture): from the markdown when reachable, else from the committed copy.
  let rows;
  let researchMeta;
  let fromMarkdown = false;
  if (existsSync(RESEARCH_PATH)) {
    const md = readFileSync(RESEARCH_PATH, 'utf8');
    rows = parseResearch(md);
    researchMeta = { file: '../shared/pricing-research.md', sha256: createHash('sha256').update(md).digest('hex'), written: '2026-11-24', rows: rows.length };
    fromMarkdown = true;
  } else {
    const saved = JSON.parse(readFileSync(RESEARCH_ROWS_PATH, 'utf8'));
    rows = saved.rows;
    researchMeta = saved.research;
    console.warn(`research file not found at ${RESEARCH_PATH}: validating against ${RESEARCH_ROWS_PATH}`);
  }

  // The pricing-pages feed: its regions and their Price List location names.
  let feed;
  if (existsSync(FEED_SRC)) {
    feed = trimFeed(FEED_SRC);
    if (!check) writeLines(FEED_TRIM, feed, 'regions');
  } else {
    feed = JSON.parse(readFileSync(FEED_TRIM, 'utf8'));
  }
  REGIONS = Object.keys(feed.regions).sort();
  for (const r of REGIONS) LOCATION[r] = feed.regions[r].location;
  for (const r of REGIONS) if (!USAGE_PREFIX[r]) failures.push(`no usage-type prefix known for ${r}`);

  // Research part 2.
  let rows2;
  let research2Meta;
  if (existsSync(RESEARCH2_PATH)) {
    const md = readFileSync(RESEARCH2_PATH, 'utf8');
    rows2 = parseResearch2(md);
    research2Meta = { file: '../shared/pricing-research-2.md', sha256: createHash('sha256').update(md).digest('hex'), written: '2026-12-02', rows: rows2.length };
  } else {
    const saved = JSON.parse(readFileSync(RESEARCH2_ROWS_PATH, 'utf8'));
    rows2 = saved.rows;
    research2Meta = saved.research;
  }
  const r2idx = research2Index(rows2);

  // ElastiCache.
  let ec;
  if (existsSync(ELASTICACHE_SRC)) {
    ec = extractElastiCache(ELASTICACHE_SRC);
    if (!check) writeLines(ELASTICACHE_EXTRACT, ec, 'nodes');
  } else {
    ec = JSON.parse(readFileSync(ELASTICACHE_EXTRACT, 'utf8'));
  }
  for (const n of ec.nodes) {
    const engineLabel = n.engine === 'Redis' ? 'Redis OSS' : 'Valkey';
    const inResearch = EC_TWO_SOURCES.has(n.instanceType) && ['us-east-1', 'ap-south-1', 'eu-west-1'].includes(n.region);
    const entry = {
      kind: 'elasticache', region: n.region, attrs: { instanceType: n.instanceType, engine: n.engine }, usd: n.ondemand, r1: n.ri1yNoUpfront ?? null, r3: n.ri3yNoUpfront ?? null,
      confidence: inResearch && n.engine === 'Redis' ? two : single,
      source: inResearch && n.engine === 'Redis' ? '[LCEC]; [VTCACHE]' : '[LCEC]',
      sourceDate: inResearch && n.engine === 'Redis' ? '2025-04; 2022-02' : '2025-04',
      ref: inResearch ? ['1f', 'ElastiCache', `${n.instanceType}, ${engineLabel}`, n.region] : null,
    };
    S.push(entry);
  }
  // Validate entries against the rows they cite.
  const cited = new Map();
  {
    for (const e of S) {
      if (e.ref) {
        const row = findRow(rows, e.ref);
        e.researchRow = rowKey(row);
        const idx = e.ref[4] ?? 0;
        const want = row.usdValues[idx];
        const unit = unitOf(rows, row, idx);
        if (want === undefined) failures.push(`${e.researchRow}: research gives no number, the source table has ${e.usd}`);
        else if (dec(e.usd) * rowScale(unit) !== dec(want)) failures.push(`${e.researchRow}: research says ${want} per ${unit}, the source table has ${e.usd} per AWS unit`);
        if (BigInt(e.scale ?? 1) !== rowScale(unit)) failures.push(`${e.researchRow}: unit scale ${e.scale ?? 1} does not match the row's unit "${unit}"`);
        const wantConf = row.confidence;
        if (wantConf !== e.confidence) failures.push(`${e.researchRow}: research confidence "${wantConf}", source table "${e.confidence}"`);
        cited.set(e.researchRow, (cited.get(e.researchRow) ?? 0) + 1);
      }
      if (e.ref2) {
        const row = findRow(rows2, e.ref2);
        e.research2Row = rowKey(row);
        const want = row.usdValues[e.ref2[4] ?? 0];
        if (want === undefined) failures.push(`${e.research2Row}: research-2 gives no number, the source table has ${e.usd}`);
        else if (dec(e.usd) * BigInt(e.scale ?? 1) !== dec(want)) failures.push(`${e.research2Row}: research-2 says ${want}, the source table has ${e.usd} × ${e.scale ?? 1}`);
        if (e.ref) {
          // Part 2 re-read a part-1 cell: its confidence and sources replace part 1's.
          e.confidence = row.confidence;
          e.source = [...new Set(row.source.match(/\[[A-Za-z0-9_-]+\]/g) ?? [])].join('; ');
          e.sourceDate = row.sourceDate;
        } else if (row.confidence !== e.confidence) failures.push(`${e.research2Row}: research-2 confidence "${row.confidence}", source table "${e.confidence}"`);
      }
      if (e.parts) {
        e.researchParts = e.parts.map((p) => rowKey(findRow(rows, p)));
      }
    }
    // Part sums (EKS extended support = perCluster + extendedSupport).
    const sums = new Map();
    for (const e of S) for (const k of e.researchParts ?? []) sums.set(`${k}@${e.region}`, (sums.get(`${k}@${e.region}`) ?? 0n) + dec(e.usd));
    for (const [k, v] of sums) {
      const row = rows.find((r) => rowKey(r) === k.split('@')[0]);
      if (dec(row.usdValues[0]) !== v) failures.push(`${k}: parts add up to ${v}, research total ${row.usdValues[0]}`);
    }
    // Every research row with a number for our regions is used, excluded with a reason, or a gap.
    const excludedKeys = new Set(EXCLUDED.map((x) => rowKey(findRow(rows, x.ref))));
    for (const r of rows) {
      if (!r.usdValues.length) continue;
      const k = rowKey(r);
      if (cited.has(k) || excludedKeys.has(k) || S.some((e) => e.researchParts?.includes(k))) continue;
      failures.push(`research row not in the snapshot and not excluded: ${k}`);
    }
  }

  if (failures.length) {
    console.error(failures.join('\n'));
    process.exit(1);
  }

  const packs = buildPacks(feed, S.filter((e) => PACK_KINDS.has(e.kind)), r2idx);
  const products = S.filter((e) => !PACK_KINDS.has(e.kind)).map(product).sort((a, b) =>
    (a.product.attributes.regionCode ?? a.product.attributes.fromRegionCode ?? '').localeCompare(b.product.attributes.regionCode ?? b.product.attributes.fromRegionCode ?? '') ||
    a.serviceCode.localeCompare(b.serviceCode) || a.product.sku.localeCompare(b.product.sku));
  const skus = new Set(products.map((p) => p.product.sku));
  if (skus.size !== products.length) throw new Error('duplicate synthetic SKU (two entries describe the same product)');

  const snapshot = {
    formatVersion: 'aws_v1',
    dexSnapshot: 1,
    asOf: AS_OF,
    generatedBy: 'scripts/build-price-snapshot.mjs',
    description: 'AWS list prices (USD) in GetProducts PriceList element format. This file holds every product except EC2, RDS instances, ElastiCache and EBS, whose prices (on-demand and standard No Upfront reserved) are in one compact file per region under regionPacks.dir, expanded into the same item format when a plan asks for that region. Numbers are copied from ../shared/pricing-research.md, ../shared/pricing-research-2.md, the pricing-pages feed (data/pricing/sources/aws-pricing-pages.trimmed.json) and the ElastiCache extract (data/pricing/elasticache-ondemand.json); see data/pricing/README.md.',
    regions: REGIONS,
    regionPacks: { dir: 'regions', regions: Object.keys(packs).sort() },
    servicesRegions: RESEARCH_REGIONS,
    research: researchMeta,
    research2: research2Meta,
    pricingPages: feed.provenance,
    elastiCache: ec.provenance,
    excluded: EXCLUDED.map((x) => ({ researchRow: rowKey(findRow(rows, x.ref)), reason: x.reason })),
    gaps: GAPS,
    products,
  };

  const researchRows = { research: researchMeta, extractedBy: 'scripts/build-price-snapshot.mjs (parseResearch)', scope: 'every row of tables §1a–§1j', rows };
  const fixture = fromMarkdown && {
    provenance: {
      ...researchMeta,
      extractedBy: 'scripts/build-price-snapshot.mjs (parseResearch)',
      scope: 'rows of tables §1a–§1j whose region cell covers us-east-1 (us-east-1, "all three", "global", "all …")',
    },
    rows: rows.filter((r) => coversUsEast1(r.region)).map((r) => ({ key: rowKey(r), ...r })),
  };

  if (check) {
    const stale = [];
    if (readFileSync(SNAPSHOT_PATH, 'utf8') !== snapshotJson(snapshot)) stale.push(SNAPSHOT_PATH);
    if (fromMarkdown && readFileSync(RESEARCH_ROWS_PATH, 'utf8') !== json(researchRows)) stale.push(RESEARCH_ROWS_PATH);
    if (fixture && readFileSync(FIXTURE_PATH, 'utf8') !== json(fixture)) stale.push(FIXTURE_PATH);
    for (const [region, pack] of Object.entries(packs)) {
      const path = resolve(PACK_DIR, `${region}.json`);
      if (!existsSync(path) || readFileSync(path, 'utf8') !== packJson(region, pack)) stale.push(path);
    }
    if (stale.length) { console.error(`stale: ${stale.join(', ')}`); process.exit(1); }
    console.log('snapshot up to date');
    return;
  }
  writeFileSync(SNAPSHOT_PATH, snapshotJson(snapshot));
  mkdirSync(PACK_DIR, { recursive: true });
  for (const [region, pack] of Object.entries(packs)) writeFileSync(resolve(PACK_DIR, `${region}.json`), packJson(region, pack));
  if (existsSync(RESEARCH2_PATH)) writeJson(RESEARCH2_ROWS_PATH, { research: research2Meta, extractedBy: 'scripts/build-price-snapshot.mjs (parseResearch2)', rows: rows2 });
  if (fromMarkdown) writeJson(RESEARCH_ROWS_PATH, researchRows);
  if (fixture) writeJson(FIXTURE_PATH, fixture);
  console.log(`wrote ${SNAPSHOT_PATH}: ${products.length} products`);
}

const json = (v) => `${JSON.stringify(v, null, 1)}\n`;
/** Header pretty-printed, one product per line (reviewable diffs, half the size). */
function snapshotJson(snapshot) {
  const { products, ...head } = snapshot;
  const h = JSON.stringify(head, null, 1);
  return `${h.slice(0, -2)},\n "products": [\n${products.map((p) => `  ${JSON.stringify(p)}`).join(',\n')}\n ]\n}\n`;
}
/** Head pretty-printed, then one line per element of `key` (an array or an object): small and diffable. */
function writeLines(path, value, key) {
  const { [key]: body, ...head } = value;
  const h = JSON.stringify(head, null, 1);
  const items = Array.isArray(body) ? body.map((v) => `  ${JSON.stringify(v)}`) : Object.entries(body).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const [open, close] = Array.isArray(body) ? ['[', ']'] : ['{', '}'];
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${h.slice(0, -2)},\n ${JSON.stringify(key)}: ${open}\n${items.join(',\n')}\n ${close}\n}\n`);
}
function writeJson(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, json(value));
}

main();
