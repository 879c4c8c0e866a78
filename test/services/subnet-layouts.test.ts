// Subnet layouts of dex's own VPC (issue 16, "Network"): `public: []` (an isolated VPC: no internet
// gateway, no NAT, endpoints only), `database: []` (no database tier; data stores say
// `subnets: private`), and intra subnets with no route out for the EKS control plane
// (`platforms.eks.controlPlaneSubnets: intra`). Each one's resources, its located errors
// (DEX795–799, and the no-NAT reachability findings in an isolated VPC's words), the templates
// valid against the resource schemas and a first deploy simulated through.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Analysis } from '../../pipeline/analyze.js';
import { analyzed, lineOf, valid } from '../support/analyzed.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';
import { simulateFirstDeploy } from '../support/deploy-simulator.js';
import { outTree } from '../support/out-tree.js';

const resources = (a: Analysis) => a.compiled[0]!.model!.resources;
const ofType = (a: Analysis, type: string) => resources(a).filter((r) => r.type === type);
const byId = (a: Analysis, id: string) => resources(a).find((r) => r.logicalId === id);
const codes = (a: Analysis, code: string) => a.diagnostics.filter((d) => d.code === code);

const ISOLATED = `dex: 1
name: vault
region: eu-west-1
network:
  availabilityZones: 2
  subnets:
    public: []
  endpoints: [s3, ecr, logs, secretsmanager, sts]
ingress:
  loadBalancer: none
services:
  ledger:
    port: 8080
    placement: ecs
    secrets: [LEDGER_KEY]
  reports:
    port: 8080
    placement: eks
    secrets: [REPORTS_KEY]
`;

function deploysAndValidates(file: string, text: string): void {
  const files = outTree(file, text);
  const read = (tail: string): string => files.find((f) => f.path.endsWith(tail))!.content;
  const plan = JSON.parse(read('default/plan.json')) as { stacks: { name: string; file: string }[] };
  const stacks = plan.stacks.map((st) => ({ name: st.name, template: parse(read(`default/${st.file}`)) as unknown }));
  for (const st of stacks) expect(validateTemplate(st.template), st.name).toEqual([]);
  expect(validateStackSet(stacks)).toEqual([]);
  const result = simulateFirstDeploy({ files, defaultAccount: '123456789012' });
  expect(result.gap, result.log.slice(-5).join('\n')).toBeUndefined();
}

describe('an isolated VPC (network.subnets.public: [])', () => {
  const a = valid(ISOLATED);

  it('has no internet gateway, NAT, public subnet, route table or ACL, and no route out at all', () => {
    for (const type of ['AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::EgressOnlyInternetGateway', 'AWS::EC2::Route']) expect(ofType(a, type), type).toEqual([]);
    for (const id of ['PublicSubnetA', 'PublicRouteTable', 'PublicNetworkAcl']) expect(byId(a, id), id).toBeUndefined();
    expect(ofType(a, 'AWS::EC2::Subnet').map((r) => r.logicalId).sort()).toEqual(['DatabaseSubnetA', 'DatabaseSubnetB', 'PrivateSubnetA', 'PrivateSubnetB']);
    expect(a.compiled[0]!.spec.network.natGateways).toBe('none');
    // What the workloads need comes through the endpoints listed (and ssm/ec2 for the EKS nodes).
    const services = ofType(a, 'AWS::EC2::VPCEndpoint').map((r) => JSON.stringify(r.properties.ServiceName)).join(' ');
    for (const s of ['s3', 'ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'sts', 'ssm', 'ec2']) expect(services).toContain(`.${s}"`);
  });

  it('passes the resource schemas and deploys from an empty account', () => {
    deploysAndValidates('vault.dex.yaml', ISOLATED);
  });

  it('an endpoint missing: DEX329 for ECS, DEX791 and DEX792 for EKS, in the isolated VPC\'s words, offering no NAT', () => {
    const text = ISOLATED.replace('endpoints: [s3, ecr, logs, secretsmanager, sts]', 'endpoints: [s3, ecr]');
    const b = analyzed(text);
    const [ecs] = codes(b, 'DEX329');
    expect(ecs!.message).toMatch(/^the VPC is isolated \(network.subnets.public: \[\]\) and network.endpoints lacks logs, secretsmanager: /);
    expect(ecs!.path).toEqual(['network', 'subnets', 'public']);
    expect(ecs!.range?.start.line).toBe(lineOf(text, 'public: []'));
    expect(ecs!.hint).not.toContain('natGateways');
    const eks = codes(b, 'DEX791');
    expect(eks.map((d) => d.path.join('.'))).toEqual(['services.reports.secrets.0']);
    expect(eks[0]!.message).toContain('lacks secretsmanager');
    const [sts] = codes(b, 'DEX792');
    expect(sts!.message).toContain('the VPC is isolated');
    expect(sts!.hint).toBe('add sts to network.endpoints');
  });

  it('a public-only EKS endpoint, which the nodes cannot reach without NAT, is DEX775 at endpointAccess', () => {
    const text = `${ISOLATED}platforms:\n  eks:\n    endpointAccess: public\n`;
    const [d, ...rest] = codes(analyzed(text), 'DEX775');
    expect(rest).toEqual([]);
    expect(d!.range?.start.line).toBe(lineOf(text, 'endpointAccess: public'));
    expect(d!.message).toContain('the VPC is isolated');
    expect(codes(analyzed(`${ISOLATED}platforms:\n  eks:\n    endpointAccess: publicAndPrivate\n`), 'DEX775')).toEqual([]);
  });

  it('refuses internet-facing ingress (DEX796) at the line that asks for it', () => {
    const text = ISOLATED.replace('ingress:\n  loadBalancer: none\n', 'ingress:\n  tls:\n    certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555\n').replace('    placement: ecs\n', '    placement: ecs\n    expose: { public: true, path: / }\n').replace('  endpoints:', '  bastion: { enabled: true }\n  endpoints:');
    const found = codes(analyzed(text), 'DEX796');
    expect(found.map((d) => `${d.path.join('.')}@${d.range?.start.line}`)).toEqual([`network.bastion.enabled@${lineOf(text, 'bastion:')}`, `services.ledger.expose.public@${lineOf(text, 'expose: { public: true')}`]);
    expect(found[1]!.message).toContain('an internet-facing load balancer needs public subnets');
    expect(found.every((d) => d.severity === 'error')).toBe(true);
  });

  it('refuses NAT and IPv6 egress (DEX795) where the spec sets them', () => {
    const text = ISOLATED.replace('  endpoints:', '  natGateways: single\n  ipv6: true\n  endpoints:');
    const found = codes(analyzed(text), 'DEX795');
    expect(found.map((d) => `${d.path.join('.')}@${d.range?.start.line}`)).toEqual([`network.natGateways@${lineOf(text, 'natGateways: single')}`, `network.ipv6@${lineOf(text, 'ipv6: true')}`]);
  });
});

describe('no database tier (network.subnets.database: [])', () => {
  const BASE = `dex: 1
name: nodb
region: eu-west-1
network:
  subnets:
    database: []
ingress:
  loadBalancer: none
services:
  api:
    port: 8080
    placement: ecs
    uses: [orders, sessions]
databases:
  orders:
    subnets: private
caches:
  sessions:
    subnets: private
`;

  it('makes no database subnet, route table or ACL; the stores\' subnet groups use the private subnets', () => {
    const a = valid(BASE);
    expect(resources(a).filter((r) => r.logicalId.startsWith('Database') && r.origin[0] === 'network')).toEqual([]);
    const privateRefs = [{ Ref: 'PrivateSubnetA' }, { Ref: 'PrivateSubnetB' }];
    expect(ofType(a, 'AWS::RDS::DBSubnetGroup')[0]!.properties.SubnetIds).toEqual(privateRefs);
    expect(ofType(a, 'AWS::ElastiCache::SubnetGroup')[0]!.properties.SubnetIds).toEqual(privateRefs);
    // The S3 gateway endpoint routes through the private route tables only.
    expect(byId(a, 'S3Endpoint')!.properties.RouteTableIds).toEqual([{ Ref: 'PrivateRouteTableA' }, { Ref: 'PrivateRouteTableB' }]);
    deploysAndValidates('nodb.dex.yaml', BASE);
  });

  it('a data store that does not say where it goes is DEX797, at the store', () => {
    const text = BASE.replace('  orders:\n    subnets: private\n', '  orders: {}\n');
    const [d, ...rest] = codes(analyzed(text), 'DEX797');
    expect(rest).toEqual([]);
    expect(d!.path).toEqual(['databases', 'orders']);
    expect(d!.range?.start.line).toBe(lineOf(text, 'orders: {}'));
    expect(d!.hint).toContain('set subnets: private on databases.orders');
  });

  it('with a database tier, subnets: private places the store beside the services, and the segmentation rule says so', () => {
    const text = BASE.replace('  subnets:\n    database: []\n', '  natGateways: single\n');
    const a = analyzed(text);
    expect(ofType(a, 'AWS::RDS::DBSubnetGroup')[0]!.properties.SubnetIds).toEqual([{ Ref: 'PrivateSubnetA' }, { Ref: 'PrivateSubnetB' }]);
    expect(codes(a, 'DEX797')).toEqual([]);
    // With a database tier there to use, the baseline segmentation rule fails the choice.
    expect(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      'BASE-NO-PUBLIC-DATA-STORES: OrdersDatabaseSubnetGroup places a data store outside the database subnets',
      'BASE-NO-PUBLIC-DATA-STORES: SessionsCacheSubnetGroup places a data store outside the database subnets',
    ]);
    expect(a.diagnostics.find((d) => d.code === 'DEX600')!.hint).toContain('the store sets subnets: private although the VPC has database subnets');
  });
});

describe('intra subnets for the EKS control plane', () => {
  const FILE = 'test/fixtures/real/terraform-eks-karpenter/dex.yaml';
  const TEXT = readFileSync(FILE, 'utf8');

  it('the fixture\'s intra subnets have their own route table with no route, and hold the control plane only', () => {
    const a = valid(TEXT);
    expect(ofType(a, 'AWS::EC2::Subnet').filter((r) => r.logicalId.startsWith('Intra')).map((r) => r.properties.CidrBlock)).toEqual(['10.0.52.0/24', '10.0.53.0/24', '10.0.54.0/24']);
    const intraTables = ofType(a, 'AWS::EC2::SubnetRouteTableAssociation').filter((r) => String(JSON.stringify(r.properties.SubnetId)).includes('Intra')).map((r) => JSON.stringify(r.properties.RouteTableId));
    expect([...new Set(intraTables)]).toEqual([JSON.stringify({ Ref: 'IntraRouteTable' })]);
    expect(ofType(a, 'AWS::EC2::Route').filter((r) => JSON.stringify(r.properties.RouteTableId).includes('Intra'))).toEqual([]);
    expect(ofType(a, 'AWS::EC2::VPCEndpoint').filter((r) => JSON.stringify(r.properties).includes('Intra'))).toEqual([]);
    const cluster = ofType(a, 'AWS::EKS::Cluster')[0]!.properties as { ResourcesVpcConfig: { SubnetIds: unknown } };
    expect(cluster.ResourcesVpcConfig.SubnetIds).toEqual([{ Ref: 'IntraSubnetA' }, { Ref: 'IntraSubnetB' }, { Ref: 'IntraSubnetC' }]);
    const nodeGroup = ofType(a, 'AWS::EKS::Nodegroup')[0]!.properties as { Subnets: unknown };
    expect(JSON.stringify(nodeGroup.Subnets)).toContain('PrivateSubnetA');
    expect(JSON.stringify(nodeGroup.Subnets)).not.toContain('Intra');
    // The source has no database tier, and now neither has the VPC.
    expect(byId(a, 'DatabaseRouteTable')).toBeUndefined();
    deploysAndValidates(FILE, TEXT);
  });

  it('carved from the VPC\'s free quarter when controlPlaneSubnets asks for them and none are listed', () => {
    const a = valid(TEXT.replace(/ {4}intra: \[.*\n/, ''));
    expect(ofType(a, 'AWS::EC2::Subnet').filter((r) => r.logicalId.startsWith('Intra')).map((r) => r.properties.CidrBlock)).toEqual(['10.0.192.0/24', '10.0.193.0/24', '10.0.194.0/24']);
  });

  it('listed with nothing in them is DEX799; asked of an imported VPC, DEX798', () => {
    const unused = TEXT.replace(/ {4}controlPlaneSubnets: intra.*\n/, '');
    const [w] = codes(analyzed(unused), 'DEX799');
    expect(w!.severity).toBe('warning');
    expect(w!.range?.start.line).toBe(lineOf(unused, 'intra: ['));
    const imported = `dex: 1
name: imp
region: eu-west-1
network:
  vpcId: vpc-0a1b2c3d4e5f60718
  cidr: 10.20.0.0/16
  subnets:
    private: [subnet-0bbbbbbbbbbbbbbb1, subnet-0bbbbbbbbbbbbbbb2]
platforms:
  eks:
    create: always
    controlPlaneSubnets: intra
`;
    const [e] = codes(analyzed(imported), 'DEX798');
    expect(e!.path).toEqual(['platforms', 'eks', 'controlPlaneSubnets']);
    expect(e!.range?.start.line).toBe(lineOf(imported, 'controlPlaneSubnets'));
  });
});
