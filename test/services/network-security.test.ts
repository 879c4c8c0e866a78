// Network, security and ingress blocks on the reference spec (DEX Mobile v6, production): secure
// defaults, NAT per mode, stable IDs, usage meters on every billable resource, and the
// CloudFormation resource schemas.
import { audit } from '../../services/audit.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { buildResourceModel, layerIndex, resourceReferences } from '../../compiler/model/build.js';
import { ID } from '../../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource } from '../../compiler/model/types.js';
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { alb, BLUE_GREEN_ID, fnv1a, listenerRulePriorities, pathPatterns, SSL_POLICIES } from '../../services/alb.js';
import { amiParameter, bastion, BASTION_ID, instanceArchitecture } from '../../services/bastion.js';
import { kms } from '../../services/kms.js';
import { secrets } from '../../services/secrets.js';
import { securityGroups } from '../../services/security-groups.js';
import { VPC_ID, vpc } from '../../services/vpc.js';
import { waf } from '../../services/waf.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { AT_FIXED_DATE } from '../support/clock.js';
import { fixedClock } from '../support/clock.js';

const FILE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const BLOCKS: readonly BuildingBlock[] = [vpc, kms, securityGroups, secrets, bastion, alb, waf, audit];

function compile(environment = 'production', edit: (text: string) => string = (t) => t): NormalizedSpec {
  const text = edit(readFileSync(FILE, 'utf8'));
  const analysis = analyzeSpec(new TextEncoder().encode(text), FILE, { environment, today: fixedClock });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toEqual([]);
  return analysis.compiled[0]!.spec;
}

/** The spec with a few fields replaced (structurally, so YAML layout does not matter). */
function variant(spec: NormalizedSpec, change: (s: { -readonly [K in keyof NormalizedSpec]: NormalizedSpec[K] }) => void): NormalizedSpec {
  const copy = structuredClone(spec) as { -readonly [K in keyof NormalizedSpec]: NormalizedSpec[K] };
  change(copy);
  return copy;
}

const build = (spec: NormalizedSpec): ModelResource[] => BLOCKS.flatMap((b) => b.build(spec, AT_FIXED_DATE));
const byId = (resources: readonly ModelResource[]): Map<string, ModelResource> => new Map(resources.map((r) => [r.logicalId, r]));
const ofType = (resources: readonly ModelResource[], type: string): ModelResource[] => resources.filter((r) => r.type === type);
const prop = (r: ModelResource | undefined, name: string): unknown => r?.properties[name];

const production = compile('production');
const resources = build(production);
const index = byId(resources);

describe('the reference spec', () => {
  it('builds a consistent model: unique IDs, every reference resolved, no cycle, layers only look back', () => {
    const model = buildResourceModel(production, BLOCKS, AT_FIXED_DATE);
    expect(model.resources).toHaveLength(resources.length);
    for (const r of model.resources) {
      for (const ref of resourceReferences(r)) {
        const target = index.get(ref.target)!;
        expect(layerIndex(target.layer), `${r.logicalId} (${r.layer}) → ${ref.target} (${target.layer})`).toBeLessThanOrEqual(layerIndex(r.layer));
      }
    }
  });

  it('is deterministic', () => {
    expect(JSON.stringify(build(compile('production')))).toBe(JSON.stringify(resources));
  });

  it('tags every taggable resource with the dex tags', () => {
    for (const r of resources) {
      const tags = (prop(r, 'Tags') ?? (r.type === 'AWS::EC2::LaunchTemplate' ? (r.properties.TagSpecifications as { Tags: unknown }[])[0]!.Tags : undefined)) as
        | { Key: string; Value: string }[]
        | undefined;
      const untaggable = ['AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::Route', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::NetworkAclEntry', 'AWS::EC2::SubnetNetworkAclAssociation', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'Custom::RestrictDefaultSecurityGroup', 'AWS::KMS::Alias', 'AWS::IAM::InstanceProfile', 'AWS::WAFv2::WebACLAssociation', 'AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::S3::BucketPolicy', 'AWS::WAFv2::LoggingConfiguration', 'AWS::Lambda::Permission', 'AWS::SecretsManager::RotationSchedule'];
      if (untaggable.includes(r.type)) continue;
      expect(tags, r.logicalId).toBeDefined();
      expect(tags!.find((t) => t.Key === 'dex:component')?.Value, r.logicalId).toBe(r.component);
      expect(tags!.find((t) => t.Key === 'dex:environment')?.Value).toBe('production');
      expect(tags!.find((t) => t.Key === 'owner')?.Value).toBe('platform-team');
    }
  });
});

describe('vpc', () => {
  it('has DNS, three tiers of subnets per zone without public IPs on launch', () => {
    expect(index.get(ID.vpc)!.properties).toMatchObject({ CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true });
    const subnets = ofType(resources, 'AWS::EC2::Subnet');
    expect(subnets.map((s) => s.logicalId).sort()).toEqual(['DatabaseSubnetA', 'DatabaseSubnetB', 'PrivateSubnetA', 'PrivateSubnetB', 'PublicSubnetA', 'PublicSubnetB']);
    expect(prop(index.get('PublicSubnetB'), 'CidrBlock')).toBe('10.0.2.0/24');
    expect(prop(index.get('DatabaseSubnetB'), 'AvailabilityZone')).toEqual({ 'Fn::Select': [1, { 'Fn::GetAZs': '' }] });
    for (const s of subnets) expect(prop(s, 'MapPublicIpOnLaunch'), s.logicalId).toBe(false);
  });

  it('routes public subnets to the internet gateway and gives the database tier no internet route', () => {
    const routes = ofType(resources, 'AWS::EC2::Route');
    expect(prop(index.get(VPC_ID.publicDefaultRoute), 'GatewayId')).toEqual({ Ref: ID.internetGateway });
    expect(routes.filter((r) => JSON.stringify(prop(r, 'RouteTableId')) === JSON.stringify({ Ref: VPC_ID.databaseRouteTable }))).toEqual([]);
    const dbAssociations = ofType(resources, 'AWS::EC2::SubnetRouteTableAssociation').filter((a) => JSON.stringify(prop(a, 'SubnetId')).includes('DatabaseSubnet'));
    expect(dbAssociations).toHaveLength(2);
    for (const a of dbAssociations) expect(prop(a, 'RouteTableId')).toEqual({ Ref: VPC_ID.databaseRouteTable });
    // Nothing routes the database table anywhere but the VPC (gateway endpoints add prefix lists only).
    for (const r of resources) {
      if (r.type === 'AWS::EC2::Route' || r.type === 'AWS::EC2::NatGateway') expect(JSON.stringify(r.properties)).not.toContain(VPC_ID.databaseRouteTable);
    }
  });

  it.each([
    ['perAz', 2, ['NatGatewayA', 'NatGatewayB']],
    ['single', 1, ['NatGatewayA', 'NatGatewayA']],
    ['none', 0, []],
  ] as const)('natGateways %s: %i NAT gateways, private zones routed to %j', (mode, count, targets) => {
    const spec = variant(production, (s) => void (s.network = { ...s.network, natGateways: mode }));
    const out = build(spec);
    const ids = byId(out);
    expect(ofType(out, 'AWS::EC2::NatGateway')).toHaveLength(count);
    expect(ofType(out, 'AWS::EC2::EIP')).toHaveLength(count);
    const privateRoutes = ['A', 'B'].map((z) => ids.get(`PrivateDefaultRoute${z}`));
    if (count === 0) expect(privateRoutes).toEqual([undefined, undefined]);
    else expect(privateRoutes.map((r) => (prop(r, 'NatGatewayId') as { Ref: string }).Ref)).toEqual(targets);
    for (const nat of ofType(out, 'AWS::EC2::NatGateway')) {
      expect(nat.usage.find((u) => u.meter === 'nat.processed')!.quantity.max).toBe(200 / count);
    }
  });

  it('writes flow logs to a KMS-encrypted, retained log group through a least-privilege role', () => {
    const group = index.get(VPC_ID.flowLogGroup)!;
    expect(group.properties).toMatchObject({ KmsKeyId: { 'Fn::GetAtt': [ID.kmsKey, 'Arn'] }, RetentionInDays: 365 });
    expect(group.deletionPolicy).toBe('Retain');
    expect(index.get(VPC_ID.flowLog)!.properties).toMatchObject({ ResourceType: 'VPC', ResourceId: { Ref: ID.vpc }, TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    const role = index.get(VPC_ID.flowLogRole)!;
    const statements = (role.properties.Policies as { PolicyDocument: { Statement: { Action: string | string[]; Resource: CfnValue }[] } }[])[0]!.PolicyDocument.Statement;
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.every((a) => a.startsWith('logs:') && !a.includes('*'))).toBe(true);
    expect(statements.every((s) => s.Resource !== '*')).toBe(true);
    expect(JSON.stringify(role.properties.AssumeRolePolicyDocument)).toContain('vpc-flow-logs.amazonaws.com');
  });

  it('creates gateway endpoints on the private and database route tables and interface endpoints in the private subnets', () => {
    const s3 = index.get('S3Endpoint')!;
    expect(s3.properties).toMatchObject({ VpcEndpointType: 'Gateway', RouteTableIds: [{ Ref: 'PrivateRouteTableA' }, { Ref: 'PrivateRouteTableB' }, { Ref: 'DatabaseRouteTable' }] });
    expect(s3.usage).toEqual([]);
    const interfaces = ofType(resources, 'AWS::EC2::VPCEndpoint').filter((e) => prop(e, 'VpcEndpointType') === 'Interface');
    expect(interfaces.map((e) => e.logicalId).sort()).toEqual(['Ec2Endpoint', 'EcrApiEndpoint', 'EcrDkrEndpoint', 'LogsEndpoint', 'SecretsmanagerEndpoint']); // Ec2Endpoint: implied by the declared compliance regimes (FSBP EC2.10)
    for (const e of interfaces) {
      expect(e.properties).toMatchObject({ PrivateDnsEnabled: true, SubnetIds: [{ Ref: 'PrivateSubnetA' }, { Ref: 'PrivateSubnetB' }], SecurityGroupIds: [{ Ref: ID.endpointSecurityGroup }] });
      expect(e.usage.find((u) => u.meter === 'vpce.interface')!.quantity).toEqual({ min: 1460, max: 1460 });
    }
  });
});

describe('kms', () => {
  it('rotates, is retained, and lets CloudWatch Logs use it only for this account', () => {
    const key = index.get(ID.kmsKey)!;
    expect(key.properties.EnableKeyRotation).toBe(true);
    expect(key.deletionPolicy).toBe('Retain');
    const statements = (key.properties.KeyPolicy as { Statement: { Principal: Record<string, CfnValue>; Condition?: Record<string, Record<string, CfnValue>> }[] }).Statement;
    const logs = statements.find((s) => JSON.stringify(s.Principal).includes('logs.${AWS::Region}'))!;
    expect(Object.keys(logs.Condition!.ArnLike!)).toEqual(['kms:EncryptionContext:aws:logs:arn']);
    // A wildcard principal only with the account and the service pinned.
    for (const s of statements.filter((x) => x.Principal.AWS === '*')) expect(Object.keys(s.Condition!.StringEquals!).sort()).toEqual(['kms:CallerAccount', 'kms:ViaService']);
    const alarms = statements.find((s) => JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'))!;
    expect(Object.keys(alarms.Condition!.StringEquals!)).toEqual(['aws:SourceAccount']);
    expect(prop(index.get('KmsKeyAlias'), 'AliasName')).toBe('alias/dex-mobile-v6-production');
  });
});

describe('security groups', () => {
  const ingress = ofType(resources, 'AWS::EC2::SecurityGroupIngress');
  const groupOf = (r: ModelResource): string => (prop(r, 'GroupId') as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const sourceOf = (r: ModelResource): string | undefined => (prop(r, 'SourceSecurityGroupId') as { 'Fn::GetAtt': [string, string] } | undefined)?.['Fn::GetAtt'][0];

  it('allows 0.0.0.0/0 only into the load balancer on 80 and 443', () => {
    const open = ingress.filter((r) => prop(r, 'CidrIp') === '0.0.0.0/0');
    expect(open.map((r) => [groupOf(r), prop(r, 'FromPort'), prop(r, 'ToPort')]).sort()).toEqual([
      [ID.albSecurityGroup, 443, 443],
      [ID.albSecurityGroup, 80, 80],
    ]);
    for (const g of ofType(resources, 'AWS::EC2::SecurityGroup')) expect(prop(g, 'SecurityGroupIngress'), g.logicalId).toBeUndefined();
  });

  it('gives every group explicit egress: no allow-all, 0.0.0.0/0 only on 443', () => {
    const groups = ofType(resources, 'AWS::EC2::SecurityGroup');
    expect(groups.length).toBeGreaterThan(8);
    for (const g of groups) {
      const egress = prop(g, 'SecurityGroupEgress') as Record<string, unknown>[] | undefined;
      expect(egress, g.logicalId).toBeDefined();
      for (const e of egress!) {
        expect(e.IpProtocol, g.logicalId).not.toBe('-1');
        if (e.CidrIp === '0.0.0.0/0') expect([e.IpProtocol, e.FromPort, e.ToPort], g.logicalId).toEqual(['tcp', 443, 443]);
      }
    }
    const separate = ofType(resources, 'AWS::EC2::SecurityGroupEgress');
    for (const e of separate) {
      expect(prop(e, 'CidrIp'), e.logicalId).toBeUndefined();
      expect(prop(e, 'DestinationSecurityGroupId'), e.logicalId).toBeDefined();
      expect(String(prop(e, 'Description')), e.logicalId).toMatch(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{3,255}$/);
    }
  });

  it('lets a group that keeps no fixed egress list reach exactly what the ingress rules open for it', () => {
    const fixed = new Set<string>([ID.albSecurityGroup, ID.bastionSecurityGroup]);
    const destinationOf = (r: ModelResource): string => (prop(r, 'DestinationSecurityGroupId') as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const port = (r: ModelResource): string => `${String(prop(r, 'IpProtocol'))}:${String(prop(r, 'FromPort'))}`;
    const expected = ingress.filter((r) => sourceOf(r) !== undefined && !fixed.has(sourceOf(r)!)).map((r) => `${sourceOf(r)} -> ${groupOf(r)} ${port(r)}`);
    const actual = ofType(resources, 'AWS::EC2::SecurityGroupEgress').map((r) => `${groupOf(r)} -> ${destinationOf(r)} ${port(r)}`);
    expect(expected.length).toBeGreaterThan(0);
    expect(actual.sort()).toEqual(expected.sort());
  });

  it('describes every rule', () => {
    for (const r of ingress) expect(String(prop(r, 'Description')), r.logicalId).toMatch(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{3,255}$/);
  });

  it('creates groups only for what exists', () => {
    const groups = ofType(resources, 'AWS::EC2::SecurityGroup').map((g) => g.logicalId).sort();
    expect(groups).toEqual(
      [
        'AlbSecurityGroup',
        'AmlServiceSecurityGroup',
        'BastionSecurityGroup',
        'ChartApiServiceSecurityGroup',
        'EksClusterSecurityGroup',
        'EksNodeSecurityGroup',
        'EndpointSecurityGroup',
        'GrafanaSecurityGroup',
        'KycServiceSecurityGroup',
        'MonitoringServiceSecurityGroup',
        'PostgresDatabaseSecurityGroup',
        'PostgresDatabaseMigrationSecurityGroup',
        'PrometheusSecurityGroup',
        'RedisCacheSecurityGroup',
      ].sort(),
    );
    const noEks = variant(production, (s) => {
      s.services = Object.fromEntries(Object.entries(s.services).filter(([, v]) => v.placement !== 'eks'));
    });
    const ids = build(noEks).map((r) => r.logicalId);
    expect(ids.filter((id) => id.startsWith('Eks'))).toEqual([]);
  });

  it('lets the load balancer reach exposed services (and the EKS nodes) on their ports, and nothing else', () => {
    const fromAlb = ingress.filter((r) => sourceOf(r) === ID.albSecurityGroup).map((r) => [groupOf(r), prop(r, 'FromPort')]);
    expect(fromAlb.sort()).toEqual(
      [
        ['AmlServiceSecurityGroup', 4002],
        ['ChartApiServiceSecurityGroup', 4000],
        ['EksNodeSecurityGroup', 5001],
        ['KycServiceSecurityGroup', 4001],
      ].sort(),
    );
    const egress = prop(index.get(ID.albSecurityGroup), 'SecurityGroupEgress') as { CidrIp?: string; FromPort: number }[];
    expect(egress.map((e) => e.FromPort).sort()).toEqual([4000, 4001, 4002, 5001]);
    expect(egress.some((e) => e.CidrIp !== undefined)).toBe(false);
  });

  it('opens databases and caches only to their users (and the bastion), on their ports', () => {
    const intoPostgres = ingress.filter((r) => groupOf(r) === 'PostgresDatabaseSecurityGroup').map((r) => [sourceOf(r), prop(r, 'FromPort')]);
    expect(intoPostgres.sort()).toEqual(
      [
        ['AmlServiceSecurityGroup', 5433],
        ['BastionSecurityGroup', 5433],
        ['EksNodeSecurityGroup', 5433],
        ['KycServiceSecurityGroup', 5433],
        // The migration task that creates the services' database users.
        ['PostgresDatabaseMigrationSecurityGroup', 5433],
      ].sort(),
    );
    const intoRedis = ingress.filter((r) => groupOf(r) === 'RedisCacheSecurityGroup').map((r) => [sourceOf(r), prop(r, 'FromPort')]);
    expect(intoRedis.sort()).toEqual([
      ['ChartApiServiceSecurityGroup', 6379],
      ['EksNodeSecurityGroup', 6379],
    ]);
    for (const id of ['PostgresDatabaseSecurityGroup', 'RedisCacheSecurityGroup', ID.endpointSecurityGroup]) {
      expect(prop(index.get(id), 'SecurityGroupEgress'), id).toEqual([{ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp', FromPort: 252, ToPort: 86, Description: 'Disallow all traffic' }]);
    }
  });

  it('wires monitoring, endpoints, the bastion and EKS', () => {
    const rule = (id: string): ModelResource => {
      expect(index.has(id), id).toBe(true);
      return index.get(id)!;
    };
    expect(rule('EndpointIngressFromVpcPort443').properties).toMatchObject({ CidrIp: '10.0.0.0/16', FromPort: 443 });
    expect(rule('PrometheusIngressFromGrafanaPort9090').properties).toMatchObject({ FromPort: 9090 });
    expect(rule('MonitoringServiceIngressFromPrometheusPort3001').properties).toMatchObject({ FromPort: 3001 });
    expect(rule('EksNodeIngressFromPrometheusPort5001').properties).toMatchObject({ FromPort: 5001 });
    expect(rule('BastionIngressFromCidr203x0x113x0x24Port22').properties).toMatchObject({ CidrIp: '203.0.113.0/24', FromPort: 22, ToPort: 22 });
    expect(rule('EksNodeIngressFromEksNodeAllTraffic').properties).toMatchObject({ IpProtocol: '-1' });
    expect(rule('EksClusterIngressFromEksNodePort443').properties).toMatchObject({ FromPort: 443 });
    expect(rule('EksNodeIngressFromEksClusterPort10250').properties).toMatchObject({ FromPort: 10250 });
    expect(rule('EksNodeIngressFromEksClusterPort443').properties).toMatchObject({ FromPort: 443 });
  });

  it('gives the bastion no inbound rule when allowedCidrs is empty', () => {
    const spec = variant(production, (s) => void (s.network = { ...s.network, bastion: { ...s.network.bastion, allowedCidrs: [] } }));
    const rules = ofType(build(spec), 'AWS::EC2::SecurityGroupIngress').filter((r) => groupOf(r) === ID.bastionSecurityGroup);
    expect(rules).toEqual([]);
  });

  it('adds service-to-service rules on the callee port, and merges duplicate permissions', () => {
    const spec = variant(production, (s) => {
      const kyc = s.services['kyc-service']!;
      s.services = { ...s.services, 'kyc-service': { ...kyc, uses: [...kyc.uses, 'aml-service', 'blockchain-service'] } };
    });
    const ids = byId(build(spec));
    expect(ids.get('AmlServiceIngressFromKycServicePort4002')!.properties).toMatchObject({ FromPort: 4002, ToPort: 4002 });
    // ECS → EKS goes through the internal load balancer (services/discovery.ts): the caller reaches
    // the load balancer, the load balancer the pods; no direct rule around it.
    expect(ids.get('InternalLoadBalancerFirewallIngressFromKycServicePort5001')).toBeDefined();
    expect(ids.get('EksNodeIngressFromInternalLoadBalancerFirewallPort5001')).toBeDefined();
    expect(ids.get('EksNodeIngressFromKycServicePort5001')).toBeUndefined();
    // Two EKS services on one port: one rule from the load balancer, both named.
    const twoEks = variant(production, (s) => {
      const bc = s.services['blockchain-service']!;
      // Same placement (eks) and port (5001) as blockchain-service.
      s.services = { ...s.services, 'ledger-service': { ...bc, name: 'ledger-service', expose: { traffic: production.services['kyc-service']!.expose.traffic, public: true, path: '/api/ledger', host: undefined } } };
    });
    const out = build(twoEks);
    const fromAlb = ofType(out, 'AWS::EC2::SecurityGroupIngress').filter((r) => r.logicalId === 'EksNodeIngressFromAlbPort5001');
    expect(fromAlb).toHaveLength(1);
    expect(prop(fromAlb[0], 'Description')).toBe('Load balancer to blockchain-service; Load balancer to ledger-service');
    expect(() => buildResourceModel(twoEks, BLOCKS, AT_FIXED_DATE)).not.toThrow();
  });
});

describe('secrets', () => {
  it('creates empty placeholders for service secrets and generated AUTH tokens for caches, all KMS-encrypted', () => {
    const placeholder = index.get(ID.serviceSecret('kyc-service', 'KYC_PROVIDER_API_KEY'))!;
    expect(placeholder.properties).toMatchObject({ Name: 'dex-mobile-v6-production/kyc-service/KYC_PROVIDER_API_KEY', KmsKeyId: { 'Fn::GetAtt': [ID.kmsKey, 'Arn'] } });
    expect(placeholder.properties.SecretString).toBeUndefined();
    expect(placeholder.properties.GenerateSecretString).toBeUndefined();
    expect(String(placeholder.properties.Description)).toMatch(/outside dex/);
    // No database secret of dex's own: RDS manages (and rotates) the master secret.
    expect([...index.keys()].filter((id) => id.endsWith('DatabaseSecret'))).toEqual([]);
    const cache = index.get(ID.cacheAuthSecret('redis'))!.properties.GenerateSecretString as Record<string, CfnValue>;
    expect(cache).toMatchObject({ ExcludePunctuation: true, GenerateStringKey: 'authToken' });
    expect(cache.PasswordLength).toBeGreaterThanOrEqual(32);
    const grafana = index.get(ID.grafanaAdminSecret)!.properties.GenerateSecretString as Record<string, CfnValue>;
    expect(grafana).toMatchObject({ ExcludePunctuation: true, IncludeSpace: false, GenerateStringKey: 'password' });
    expect(JSON.parse(grafana.SecretStringTemplate as string)).toEqual({ username: 'admin' });
    const all = ofType(resources, 'AWS::SecretsManager::Secret');
    expect(all).toHaveLength(4);
    for (const s of all) expect(prop(s, 'KmsKeyId')).toEqual({ 'Fn::GetAtt': [ID.kmsKey, 'Arn'] });
    expect(all.flatMap((s) => s.usage).filter((u) => u.meter === 'secretsmanager.api')).toHaveLength(1);
  });
});

describe('bastion', () => {
  const lt = index.get(BASTION_ID.launchTemplate)!.properties.LaunchTemplateData as Record<string, any>;

  it('requires IMDSv2 with hop limit 1 and encrypts its gp3 root volume with the KMS key', () => {
    expect(lt.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' });
    expect(lt.BlockDeviceMappings[0].Ebs).toMatchObject({ Encrypted: true, VolumeType: 'gp3', KmsKeyId: { 'Fn::GetAtt': [ID.kmsKey, 'Arn'] } });
    expect(lt.ImageId).toBe('{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}');
    expect(lt.NetworkInterfaces[0].Groups).toEqual([{ 'Fn::GetAtt': [ID.bastionSecurityGroup, 'GroupId'] }]);
  });

  it('runs as a role with only AmazonSSMManagedInstanceCore, in a one-instance group over the public subnets', () => {
    const role = index.get(BASTION_ID.role)!;
    expect(role.properties.ManagedPolicyArns).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore' }]);
    expect(role.properties.Policies).toBeUndefined();
    const asg = index.get(BASTION_ID.autoScalingGroup)!;
    expect(asg.properties).toMatchObject({ MinSize: '1', MaxSize: '1', VPCZoneIdentifier: [{ Ref: 'PublicSubnetA' }, { Ref: 'PublicSubnetB' }] });
  });

  it('picks the AMI architecture from the instance family and is absent when disabled', () => {
    expect(instanceArchitecture('t4g.micro')).toBe('arm64');
    expect(instanceArchitecture('c6gn.large')).toBe('arm64');
    expect(instanceArchitecture('t3.micro')).toBe('x86_64');
    expect(instanceArchitecture('g5.xlarge')).toBe('x86_64');
    expect(amiParameter('m7g.large')).toContain('al2023-ami-kernel-default-arm64');
    const off = variant(production, (s) => void (s.network = { ...s.network, bastion: { ...s.network.bastion, enabled: false } }));
    const ids = build(off).map((r) => r.logicalId);
    expect(ids.filter((id) => id.startsWith('Bastion'))).toEqual([]);
  });
});

describe('load balancer', () => {
  it('is internet-facing in the public subnets, drops invalid headers, protects production from deletion', () => {
    const lb = index.get(ID.loadBalancer)!;
    expect(lb.properties).toMatchObject({ Scheme: 'internet-facing', Type: 'application', Subnets: [{ Ref: 'PublicSubnetA' }, { Ref: 'PublicSubnetB' }], SecurityGroups: [{ Ref: ID.albSecurityGroup }] });
    const attrs = Object.fromEntries((lb.properties.LoadBalancerAttributes as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]));
    expect(attrs['routing.http.drop_invalid_header_fields.enabled']).toBe('true');
    expect(attrs['deletion_protection.enabled']).toBe('true');
    const staging = byId(alb.build(compile('staging'), AT_FIXED_DATE)).get(ID.loadBalancer)!;
    expect((staging.properties.LoadBalancerAttributes as { Key: string; Value: string }[]).find((a) => a.Key === 'deletion_protection.enabled')!.Value).toBe('false');
  });

  it('only redirects HTTP to HTTPS, serves TLS 1.3 with the certificate, and answers 404 by default', () => {
    const http = index.get(ID.httpListener)!;
    expect(http.properties).toMatchObject({ Port: 80, Protocol: 'HTTP', DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }] });
    // Production rules are on the HTTPS listener; a blue-green service's test rule on the test listener.
    for (const r of ofType(resources, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
      expect(prop(r, 'ListenerArn'), r.logicalId).toEqual({ Ref: r.logicalId.endsWith('TestListenerRule') ? BLUE_GREEN_ID.testListener : ID.httpsListener });
    }
    const https = index.get(ID.httpsListener)!;
    expect(https.properties).toMatchObject({
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
      Certificates: [{ CertificateArn: production.ingress.tls.certificateArn }],
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
    });
    const tls12 = variant(production, (s) => void (s.ingress = { ...s.ingress, tls: { ...s.ingress.tls, policy: 'tls12' } }));
    expect(prop(byId(alb.build(tls12, AT_FIXED_DATE)).get(ID.httpsListener), 'SslPolicy')).toBe(SSL_POLICIES.tls12);
  });

  it('gives each exposed service a target group (ip for ECS and EKS, instance for EC2) and a path rule', () => {
    const tgs = ofType(resources, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    // Production is blue-green: its ECS services have a second (green) target group ECS alternates with.
    expect(tgs.map((t) => [t.logicalId, prop(t, 'TargetType'), prop(t, 'Port')]).sort()).toEqual(
      [
        ['AmlServiceTargetGroup', 'ip', 4002],
        ['AmlServiceGreenTargetGroup', 'ip', 4002],
        ['BlockchainServiceTargetGroup', 'ip', 5001],
        ['ChartApiServiceTargetGroup', 'ip', 4000],
        ['ChartApiServiceGreenTargetGroup', 'ip', 4000],
        ['KycServiceTargetGroup', 'ip', 4001],
        ['KycServiceGreenTargetGroup', 'ip', 4001],
      ].sort(),
    );
    expect(index.get('KycServiceTargetGroup')!.properties).toMatchObject({ HealthCheckPath: '/health', VpcId: { Ref: ID.vpc } });
    expect(index.get('KycServiceListenerRule')!.properties).toMatchObject({
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/kyc', '/api/kyc/*'] } }],
      Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: { Ref: 'KycServiceTargetGroup' }, Weight: 100 }, { TargetGroupArn: { Ref: 'KycServiceGreenTargetGroup' }, Weight: 0 }] } }],
    });
    // EKS services switch colours in Kubernetes: one target group, a plain forward.
    expect(index.get('BlockchainServiceListenerRule')!.properties.Actions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: 'BlockchainServiceTargetGroup' } }]);
    const ec2 = variant(production, (s) => {
      const m = s.services['monitoring-service']!;
      s.services = { ...s.services, 'monitoring-service': { ...m, expose: { traffic: production.services['kyc-service']!.expose.traffic, public: true, path: '/monitor', host: 'ops.example.com' } } };
    });
    const out = byId(alb.build(ec2, AT_FIXED_DATE));
    expect(prop(out.get('MonitoringServiceTargetGroup'), 'TargetType')).toBe('instance');
    expect(prop(out.get('MonitoringServiceListenerRule'), 'Conditions')).toEqual([
      { Field: 'host-header', HostHeaderConfig: { Values: ['ops.example.com'] } },
      { Field: 'path-pattern', PathPatternConfig: { Values: ['/monitor', '/monitor/*'] } },
    ]);
  });

  it('derives unique rule priorities from names, more specific rules first', () => {
    const svc = (name: string, path: string | undefined, host?: string): NormalizedService => ({ ...production.services['kyc-service']!, name, expose: { traffic: production.services['kyc-service']!.expose.traffic, public: true, path, host } });
    const list = [svc('root', '/'), svc('api', '/api'), svc('deep', '/api/v1/deep'), svc('host', '/api', 'a.example.com'), svc('hostonly', undefined, 'b.example.com')];
    const p = listenerRulePriorities(list);
    expect(p.get('host')!).toBeLessThan(p.get('deep')!);
    expect(p.get('deep')!).toBeLessThan(p.get('api')!);
    expect(p.get('api')!).toBeLessThan(p.get('root')!);
    expect(pathPatterns(list[0]!)).toEqual(['/*']);
    expect(pathPatterns(list[4]!)).toEqual([]);
    for (const v of p.values()) expect(v).toBeGreaterThanOrEqual(1), expect(v).toBeLessThanOrEqual(50000);
    // Collisions probe to the next free slot in name order.
    const a = svc('a', '/x');
    const clash = ['b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => svc(n, '/y'));
    const q = listenerRulePriorities([a, ...clash]);
    expect(new Set(q.values()).size).toBe(q.size);
    expect(q.get('a')).toBe(5000 * 8 + 1 + (fnv1a('a') % 5000));
  });

  it('is absent without exposed services or with loadBalancer none, and so are its group and WAF', () => {
    for (const spec of [
      variant(production, (s) => void (s.ingress = { ...s.ingress, loadBalancer: 'none' })),
      variant(production, (s) => {
        s.services = Object.fromEntries(Object.entries(s.services).map(([k, v]) => [k, { ...v, expose: { ...v.expose, public: false } }]));
      }),
    ]) {
      const ids = build(spec).map((r) => r.logicalId);
      expect(ids).not.toContain(ID.loadBalancer);
      expect(ids).not.toContain(ID.albSecurityGroup);
      expect(ids).not.toContain(ID.webAcl);
      expect(ids.filter((id) => id.includes('FromAlb') || id.includes('FromInternet'))).toEqual([]);
    }
  });
});

describe('waf', () => {
  it('maps the managed rule groups, adds the rate rule, allows by default and is associated with the ALB', () => {
    const acl = index.get(ID.webAcl)!;
    expect(acl.properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} }, VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true } });
    const rules = acl.properties.Rules as { Name: string; Priority: number; Statement: Record<string, any> }[];
    expect(rules.map((r) => r.Name)).toEqual(['RateLimitPerIp', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet']);
    expect(rules[0]!.Statement.RateBasedStatement).toEqual({ Limit: 2000, EvaluationWindowSec: 300, AggregateKeyType: 'IP' });
    expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
    expect(index.get('WebAclAssociation')!.properties).toEqual({ ResourceArn: { Ref: ID.loadBalancer }, WebACLArn: { 'Fn::GetAtt': [ID.webAcl, 'Arn'] } });
    const all = variant(production, (s) => void (s.ingress = { ...s.ingress, waf: { enabled: true, managedRules: ['common', 'knownBadInputs', 'sqli', 'linux', 'unix', 'amazonIpReputation', 'anonymousIp', 'adminProtection'], rateLimitPer5Min: undefined, allowLargeBodies: [] } }));
    const names = ((byId(waf.build(all, AT_FIXED_DATE)).get(ID.webAcl)!.properties.Rules as { Name: string }[]).map((r) => r.Name));
    expect(names).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesAnonymousIpList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesSQLiRuleSet',
      'AWSManagedRulesLinuxRuleSet',
      'AWSManagedRulesUnixRuleSet',
      'AWSManagedRulesAdminProtectionRuleSet',
    ]);
    expect(waf.build(variant(production, (s) => void (s.ingress = { ...s.ingress, waf: { ...s.ingress.waf, enabled: false } })), AT_FIXED_DATE)).toEqual([]);
  });
});

describe('stable logical IDs', () => {
  const before = new Map(resources.map((r) => [r.logicalId, r]));
  const priorities = (out: readonly ModelResource[]): Map<string, unknown> => new Map(ofType(out, 'AWS::ElasticLoadBalancingV2::ListenerRule').map((r) => [r.logicalId, prop(r, 'Priority')]));

  it('keeps every ID (and rule priority) when a service is added', () => {
    const spec = variant(production, (s) => {
      const kyc = s.services['kyc-service']!;
      s.services = {
        'aaa-service': { ...kyc, name: 'aaa-service', port: 4100, expose: { traffic: production.services['kyc-service']!.expose.traffic, public: true, path: '/api/aaa', host: undefined }, uses: ['postgres', 'redis', 'kyc-service'], secrets: ['AAA_KEY'] },
        ...s.services,
        'zzz-service': { ...s.services['blockchain-service']!, name: 'zzz-service', port: 5002, expose: { traffic: production.services['kyc-service']!.expose.traffic, public: true, path: '/api/zzz', host: undefined } },
      };
    });
    const after = build(spec);
    const ids = new Set(after.map((r) => r.logicalId));
    expect([...before.keys()].filter((id) => !ids.has(id))).toEqual([]);
    const p = priorities(after);
    for (const [id, value] of priorities(resources)) expect(p.get(id), id).toBe(value);
    expect(ids.has('AaaServiceSecurityGroup')).toBe(true);
    expect(ids.has('AaaServiceAaaKeySecret')).toBe(true);
  });

  it('keeps every ID when a zone is added', () => {
    const spec = variant(production, (s) => {
      s.network = {
        ...s.network,
        availabilityZones: 3,
        subnets: { public: [...s.network.subnets.public, '10.0.3.0/24'], private: [...s.network.subnets.private, '10.0.30.0/24'], database: [...s.network.subnets.database, '10.0.201.0/24'], intra: [] },
      };
    });
    const after = byId(build(spec));
    expect([...before.keys()].filter((id) => !after.has(id))).toEqual([]);
    for (const id of ['PublicSubnetC', 'PrivateSubnetC', 'DatabaseSubnetC', 'NatGatewayC', 'PrivateRouteTableC', 'PrivateDefaultRouteC']) expect(after.has(id), id).toBe(true);
    // Existing resources keep their properties except the lists that gain the new zone.
    expect(after.get('PublicSubnetA')).toEqual(before.get('PublicSubnetA'));
    expect(after.get('NatGatewayA')!.properties).toEqual(before.get('NatGatewayA')!.properties);
  });
});

describe('usage', () => {
  const required: Record<string, string[]> = {
    'AWS::EC2::NatGateway': ['nat.hours', 'nat.processed'],
    'AWS::EC2::EIP': ['ipv4.public'],
    'AWS::ElasticLoadBalancingV2::LoadBalancer': ['alb.hours', 'alb.lcu', 'ipv4.public'],
    'AWS::S3::Bucket': ['s3.storage'],
    'AWS::WAFv2::WebACL': ['waf.acl', 'waf.rule', 'waf.requests'],
    'AWS::KMS::Key': ['kms.key', 'kms.requests'],
    'AWS::SecretsManager::Secret': ['secretsmanager.secret'],
    'AWS::Logs::LogGroup': ['logs.ingest', 'logs.storage'],
    'AWS::AutoScaling::AutoScalingGroup': ['ec2.instance', 'ebs.storage', 'ipv4.public'],
  };
  const free = new Set([
    'AWS::EC2::VPC',
    'AWS::EC2::Subnet',
    'AWS::EC2::RouteTable',
    'AWS::EC2::Route',
    'AWS::EC2::SubnetRouteTableAssociation',
    'AWS::EC2::NetworkAcl',
    'AWS::EC2::NetworkAclEntry',
    'AWS::EC2::SubnetNetworkAclAssociation',
    'AWS::EC2::InternetGateway',
    'AWS::EC2::VPCGatewayAttachment',
    'AWS::EC2::SecurityGroup',
    'AWS::EC2::SecurityGroupIngress',
    'AWS::EC2::SecurityGroupEgress',
    'AWS::EC2::FlowLog',
    // One invocation per stack update of the default security group's custom resource.
    'AWS::Lambda::Function',
    'Custom::RestrictDefaultSecurityGroup',
    // The Grafana admin password's rotation: four invocations every 30 days (Lambda's free tier).
    'AWS::Lambda::Permission',
    'AWS::SecretsManager::RotationSchedule',
    'AWS::IAM::Role',
    'AWS::IAM::InstanceProfile',
    'AWS::EC2::LaunchTemplate',
    'AWS::KMS::Alias',
    'AWS::ElasticLoadBalancingV2::Listener',
    'AWS::ElasticLoadBalancingV2::ListenerRule',
    'AWS::ElasticLoadBalancingV2::TargetGroup',
    'AWS::WAFv2::WebACLAssociation',
    'AWS::S3::BucketPolicy',
    'AWS::WAFv2::LoggingConfiguration',
    'AWS::CloudTrail::Trail',
  ]);

  it('meters every billable resource, with a basis, and leaves free ones empty', () => {
    for (const r of resources) {
      const meters = r.usage.map((u) => u.meter);
      if (r.type === 'AWS::EC2::VPCEndpoint') {
        expect(meters, r.logicalId).toEqual(prop(r, 'VpcEndpointType') === 'Interface' ? ['vpce.interface', 'vpce.processed'] : []);
      } else if (required[r.type]) {
        for (const m of required[r.type]!) expect(meters, r.logicalId).toContain(m);
      } else {
        expect(free.has(r.type), `${r.type} is neither priced nor known to be free`).toBe(true);
        expect(meters, r.logicalId).toEqual([]);
      }
      for (const u of r.usage) {
        expect(u.basis.length, `${r.logicalId} ${u.meter}`).toBeGreaterThan(5);
        expect(u.quantity.min).toBeLessThanOrEqual(u.quantity.max);
        expect(Number.isFinite(u.quantity.max)).toBe(true);
      }
    }
  });

  it('uses the usage assumptions where the spec gives them', () => {
    const meter = (id: string, name: string) => index.get(id)!.usage.find((u) => u.meter === name)!;
    expect(meter('NatGatewayA', 'nat.hours').quantity).toEqual({ min: 730, max: 730 });
    expect(meter('NatGatewayA', 'nat.processed').quantity).toEqual({ min: 100, max: 100 });
    // 50 requests/s: new connections dominate, 50 / 25 = 2 LCUs × 730 h.
    expect(meter(ID.loadBalancer, 'alb.lcu').quantity).toEqual({ min: 1460, max: 1460 });
    expect(meter(ID.loadBalancer, 'ipv4.public').quantity).toEqual({ min: 1460, max: 1460 });
    expect(meter(ID.webAcl, 'waf.requests').quantity).toEqual({ min: 130000000, max: 130000000 });
    expect(meter(ID.webAcl, 'waf.rule').quantity).toEqual({ min: 4, max: 4 });
    expect(meter(VPC_ID.flowLogGroup, 'logs.ingest')).toMatchObject({ quantity: { min: 0, max: 0 }, attributes: { logType: 'vended' }, basis: 'usage.flowLogsIngestedGiB not set' });
    expect(meter(BASTION_ID.autoScalingGroup, 'ec2.instance').attributes).toEqual({ instanceType: 't3.micro', os: 'Linux' });
    const noUsage = variant(production, (s) => void (s.usage = {}));
    const nat = byId(build(noUsage)).get('NatGatewayA')!.usage.find((u) => u.meter === 'nat.processed')!;
    expect(nat).toMatchObject({ quantity: { min: 0, max: 0 }, basis: 'usage.natProcessedGiB not set' });
  });
});

describe('CloudFormation resource schemas', () => {
  it('accept every resource (production, staging, single NAT, no usage)', () => {
    const specs = [production, compile('staging'), variant(production, (s) => void (s.network = { ...s.network, natGateways: 'single' })), variant(production, (s) => void (s.usage = {}))];
    for (const spec of specs) {
      const template = {
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: Object.fromEntries(
          build(spec).map((r) => [
            r.logicalId,
            {
              Type: r.type,
              Properties: r.properties,
              ...(r.dependsOn ? { DependsOn: r.dependsOn } : {}),
              ...(r.deletionPolicy ? { DeletionPolicy: r.deletionPolicy } : {}),
              ...(r.updateReplacePolicy ? { UpdateReplacePolicy: r.updateReplacePolicy } : {}),
            },
          ]),
        ),
      };
      expect(validateTemplate(template)).toEqual([]);
    }
  });
});

describe('implied interface endpoints (FSBP EC2.10, Session Manager without NAT)', () => {
  const endpointServicesOf = (spec: NormalizedSpec): string[] =>
    ofType(build(spec), 'AWS::EC2::VPCEndpoint')
      .filter((r) => r.properties.VpcEndpointType === 'Interface')
      .map((r) => JSON.stringify(r.properties.ServiceName).replace(/.*\.([a-z0-9.]+)"}$/, '$1'))
      .sort();

  it('adds ssm, ssmmessages, ec2messages and ec2 when instances run the SSM agent and there is no NAT', () => {
    const spec = variant(production, (s) => void (s.network = { ...s.network, natGateways: 'none' }));
    expect(endpointServicesOf(spec)).toEqual(expect.arrayContaining(['ec2', 'ec2messages', 'ssm', 'ssmmessages']));
    const ssm = byId(build(spec)).get('SsmEndpoint')!;
    expect(ssm.origin).toEqual(['network', 'natGateways']);
    expect(prop(ssm, 'SecurityGroupIds')).toEqual([{ Ref: ID.endpointSecurityGroup }]);
  });

  it('adds only ec2 with NAT when a compliance regime is declared, and nothing without one', () => {
    expect(production.compliance.length).toBeGreaterThan(0);
    const withNat = endpointServicesOf(production);
    expect(withNat).toContain('ec2');
    expect(withNat).not.toContain('ssmmessages');
    expect(endpointServicesOf(variant(production, (s) => void (s.compliance = [])))).not.toContain('ec2');
  });

  it('adds none when dex launches no instance', () => {
    const spec = variant(production, (s) => {
      s.network = { ...s.network, natGateways: 'none', bastion: { ...s.network.bastion, enabled: false } };
      s.monitoring = { ...s.monitoring, prometheus: { ...s.monitoring.prometheus, enabled: false }, grafana: { ...s.monitoring.grafana, enabled: false } };
      s.services = Object.fromEntries(Object.entries(s.services).map(([k, v]) => [k, { ...v, placement: 'ecs' as const }]));
    });
    expect(endpointServicesOf(spec).filter((n) => ['ec2', 'ec2messages', 'ssm', 'ssmmessages'].includes(n))).toEqual([]);
  });
});
