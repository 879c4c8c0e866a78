#!/usr/bin/env node
// Copies the CloudFormation resource provider schemas that dex emits (or may soon emit) out of
// the upstream bundle in ../shared/checks-data into a small test fixture, so the template
// validator (test/support/cfn-validate.ts) works on a fresh clone without ../shared.
//
//   node scripts/extract-cfn-schemas.mjs [--source <bundle.json.gz>]
//
// Writes test/fixtures/cfn/provider-schemas.json.gz (schemas copied unchanged, types sorted)
// and test/fixtures/cfn/README.md (provenance). Add a type to TYPES below and re-run when an
// emitter starts producing a new resource type; the validator reports unknown types.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync, constants } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const sourceArg = argv.indexOf('--source');
const source = sourceArg >= 0 ? argv[sourceArg + 1] : join(root, '..', 'shared', 'checks-data', 'cfn', 'provider-schemas-us-east-1.json.gz');
const outDir = join(root, 'test', 'fixtures', 'cfn');

/** Namespace -> resource types kept. '*' keeps every type of the namespace. */
const TYPES = {
  'AWS::EC2': [
    'VPC', 'InternetGateway', 'VPCGatewayAttachment', 'Subnet', 'RouteTable', 'Route', 'SubnetRouteTableAssociation',
    'EIP', 'NatGateway', 'FlowLog', 'VPCEndpoint', 'SecurityGroup', 'SecurityGroupIngress', 'SecurityGroupEgress',
    'LaunchTemplate', 'Instance', 'Volume',
    // likely soon: IPv6 / network ACLs
    'EgressOnlyInternetGateway', 'VPCCidrBlock', 'NetworkAcl', 'NetworkAclEntry', 'SubnetNetworkAclAssociation',
  ],
  'AWS::Logs': ['LogGroup', 'MetricFilter', 'SubscriptionFilter'],
  'AWS::KMS': ['Key', 'Alias'],
  'AWS::IAM': ['Role', 'Policy', 'ManagedPolicy', 'InstanceProfile', 'OIDCProvider', 'ServiceLinkedRole'],
  'AWS::ElasticLoadBalancingV2': ['*'],
  'AWS::WAFv2': ['WebACL', 'WebACLAssociation', 'IPSet', 'LoggingConfiguration'],
  'AWS::CloudTrail': ['Trail'],
  'AWS::SecretsManager': ['Secret', 'SecretTargetAttachment', 'RotationSchedule', 'ResourcePolicy'],
  'AWS::RDS': ['DBInstance', 'DBSubnetGroup', 'DBParameterGroup', 'DBCluster', 'DBClusterParameterGroup', 'EventSubscription'],
  'AWS::ElastiCache': ['ReplicationGroup', 'SubnetGroup', 'ParameterGroup', 'User', 'UserGroup'],
  'AWS::ApplicationAutoScaling': ['ScalableTarget', 'ScalingPolicy'],
  'AWS::ECR': ['Repository', 'PullThroughCacheRule', 'RepositoryCreationTemplate'],
  'AWS::ECS': ['Cluster', 'ClusterCapacityProviderAssociations', 'TaskDefinition', 'Service', 'CapacityProvider'],
  'AWS::EKS': ['Cluster', 'Nodegroup', 'Addon', 'AccessEntry', 'PodIdentityAssociation', 'FargateProfile'],
  'AWS::AutoScaling': ['AutoScalingGroup', 'ScalingPolicy', 'LifecycleHook', 'ScheduledAction'],
  'AWS::CloudWatch': ['Alarm', 'Dashboard', 'CompositeAlarm'],
  'AWS::SNS': ['Topic', 'Subscription', 'TopicPolicy'],
  'AWS::SQS': ['Queue', 'QueuePolicy'],
  'AWS::XRay': ['Group', 'SamplingRule'],
  'AWS::Backup': ['BackupVault', 'BackupPlan', 'BackupSelection'],
  'AWS::Budgets': ['Budget'],
  'AWS::CodeBuild': ['Project'],
  'AWS::CodePipeline': ['Pipeline'],
  'AWS::CodeDeploy': ['Application', 'DeploymentGroup', 'DeploymentConfig'],
  'AWS::CodeStarConnections': ['Connection'],
  'AWS::CodeConnections': ['Connection'],
  'AWS::S3': ['Bucket', 'BucketPolicy'],
  'AWS::DynamoDB': ['Table'],
  'AWS::EFS': ['FileSystem', 'MountTarget', 'AccessPoint'],
  'AWS::AmazonMQ': ['Broker'],
  'AWS::SSM': ['Parameter'],
  'AWS::ServiceDiscovery': ['Instance', 'PrivateDnsNamespace', 'Service'],
  'AWS::Events': ['Rule'],
  'AWS::Scheduler': ['Schedule', 'ScheduleGroup'],
  'AWS::Lambda': ['Function', 'Permission'],
  'AWS::CertificateManager': ['Certificate'],
  'AWS::Route53': ['HostedZone', 'RecordSet'],
  'AWS::CloudFormation': ['WaitConditionHandle', 'WaitCondition', 'Stack', 'CustomResource'],
  'AWS::Cognito': ['UserPool', 'UserPoolClient', 'UserPoolDomain', 'UserPoolGroup'],
};

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

const raw = readFileSync(source);
const bundle = JSON.parse(gunzipSync(raw).toString('utf8'));
const all = bundle.schemas;
const kept = {};
const missing = [];
for (const [ns, names] of Object.entries(TYPES)) {
  const wanted = names.includes('*') ? Object.keys(all).filter((t) => t.startsWith(`${ns}::`)) : names.map((n) => `${ns}::${n}`);
  for (const type of wanted) {
    if (all[type]) kept[type] = all[type];
    else missing.push(type);
  }
}
if (missing.length > 0) {
  console.error(`not in the upstream bundle: ${missing.join(', ')}`);
  process.exit(1);
}
const types = Object.keys(kept).sort();
const { typeToHash, ...upstreamSource } = bundle.source;
const upstreamSha = sha256(raw);
const fixture = {
  source: {
    ...upstreamSource,
    typeToHash: Object.fromEntries(types.map((t) => [t, typeToHash?.[t]])),
    extractedFrom: { file: 'checks-data/cfn/provider-schemas-us-east-1.json.gz', sha256: upstreamSha },
  },
  schemas: Object.fromEntries(types.map((t) => [t, kept[t]])),
};
const json = JSON.stringify(fixture);
const gz = gzipSync(Buffer.from(json, 'utf8'), { level: constants.Z_BEST_COMPRESSION });
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, 'provider-schemas.json.gz');
writeFileSync(outFile, gz);

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const byNs = new Map();
for (const t of types) {
  const ns = t.split('::').slice(0, 2).join('::');
  byNs.set(ns, [...(byNs.get(ns) ?? []), t.split('::')[2]]);
}
const readme = `# CloudFormation resource provider schemas (test fixture)

\`provider-schemas.json.gz\` is a subset of the CloudFormation resource provider schemas
(the registry schemas, as patched and shipped by cfn-lint) for the ${types.length} resource types
dex emits or is expected to emit. It is the authority \`test/support/cfn-validate.ts\`
validates every emitted template against. Generated by \`scripts/extract-cfn-schemas.mjs\`;
do not edit by hand: add the type to the script and re-run it (it needs \`../shared/checks-data\`).

## Provenance

| | |
|---|---|
| origin repository | \`${upstreamSource.repo}\` (licence MIT-0) |
| path | \`${upstreamSource.files}\`, selected through the type → file table in \`${upstreamSource.mapping}\` (region \`${upstreamSource.region}\`) |
| commit | \`${upstreamSource.commit}\` (2026-06-15, "Update CloudFormation schemas to 2026-06-15") |
| copied from | \`checks-data/cfn/provider-schemas-us-east-1.json.gz\` (bundle of all 1,604 us-east-1 types; see \`checks-data/README.md\`) |
| sha256 of that bundle | \`${upstreamSha}\` |
| this file | ${kib(gz.length)} gzip'd (${kib(json.length)} JSON), ${types.length} types |

Format: one gzip'd JSON object \`{"source": {...}, "schemas": {"AWS::S3::Bucket": <schema>, ...}}\`
like the upstream bundle; the schema objects are the upstream files, parsed and re-serialised
unchanged. \`source.typeToHash\` keeps each type's upstream file name (\`<hash>.json\`).

## Types kept

${[...byNs].map(([ns, names]) => `- \`${ns}\`: ${names.join(', ')}`).join('\n')}
`;
writeFileSync(join(outDir, 'README.md'), readme);
console.log(`${relative(root, outFile)}: ${types.length} types, ${kib(gz.length)} (${kib(json.length)} uncompressed)`);
