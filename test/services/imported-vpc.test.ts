// An imported VPC (network.vpcId, issue 16): dex creates none of its network, every consumer uses
// the IDs the spec lists, the templates pass the CloudFormation resource schemas, the checks
// DEX780–DEX789 are located in the file, the plan says what the VPC's NAT costs is not in it, and
// the release script changes only for a spec that imports a VPC.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';
import { readPackageAssets } from '../../cli/adapters/assets.js';
import { withLiteralSubnets } from '../../emitters/ci/index.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { planTargets } from '../../pipeline/plan.js';
import { mermaidGraph } from '../../emitters/graph.js';

const FILE = 'test/fixtures/network/imported-vpc.dex.yaml';
const TEXT = readFileSync(FILE, 'utf8');
const VPC = 'vpc-0a1b2c3d4e5f60718';
const PUBLIC = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'];
const PRIVATE = ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'];
const DATABASE = ['subnet-0ccccccccccccccc1', 'subnet-0ccccccccccccccc2'];
const TABLES = ['rtb-0ddddddddddddddd1', 'rtb-0ddddddddddddddd2'];

const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock, includeInfo: true });
const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const ofType = (a: Analysis, type: string) => resources(a).filter((r) => r.type === type);
const one = (a: Analysis, type: string) => {
  const found = ofType(a, type);
  if (found.length !== 1) throw new Error(`${found.length} ${type}`);
  return found[0]!.properties as Record<string, unknown>;
};
const at = (a: Analysis, code: string) => a.diagnostics.filter((d) => d.code === code).map((d) => `${d.range?.start.line}:${d.range?.start.col} ${d.severity} ${d.path.join('.')}`);
const lineOf = (text: string, needle: string): number => {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`no ${needle}`);
  return text.slice(0, i).split('\n').length;
};
const replaced = (from: string, to: string, text = TEXT): string => {
  if (!text.includes(from)) throw new Error(`the fixture has no ${from}`);
  return text.replace(from, to);
};

describe('an imported VPC', () => {
  const a = analyzed(TEXT);

  it('is valid: only the info findings of an import', () => {
    expect(a.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(at(a, 'DEX789')).toEqual([`${lineOf(TEXT, 'vpcId:')}:10 info network.vpcId`]);
  });

  it('creates no VPC, subnet, route, gateway, NAT, network ACL or default-group custom resource', () => {
    const types = new Set(resources(a).map((r) => r.type));
    for (const t of [
      'AWS::EC2::VPC',
      'AWS::EC2::Subnet',
      'AWS::EC2::RouteTable',
      'AWS::EC2::Route',
      'AWS::EC2::SubnetRouteTableAssociation',
      'AWS::EC2::InternetGateway',
      'AWS::EC2::VPCGatewayAttachment',
      'AWS::EC2::NatGateway',
      'AWS::EC2::EIP',
      'AWS::EC2::NetworkAcl',
      'AWS::EC2::NetworkAclEntry',
      'AWS::EC2::SubnetNetworkAclAssociation',
      'Custom::RestrictDefaultSecurityGroup',
    ]) {
      expect(types.has(t), t).toBe(false);
    }
    // Nothing refers to a VPC or subnet dex would have made.
    const text = JSON.stringify(resources(a));
    expect(text).not.toMatch(/"Ref":"(Vpc|(Public|Private|Database)Subnet[A-F])"/);
    expect(text).not.toContain('"Vpc"');
  });

  it('threads the IDs to every consumer', () => {
    expect(one(a, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Subnets).toEqual(PUBLIC);
    for (const tg of ofType(a, 'AWS::ElasticLoadBalancingV2::TargetGroup')) expect(tg.properties.VpcId, tg.logicalId).toBe(VPC);
    for (const sg of ofType(a, 'AWS::EC2::SecurityGroup')) expect(sg.properties.VpcId, sg.logicalId).toBe(VPC);
    const ecs = one(a, 'AWS::ECS::Service') as { NetworkConfiguration: { AwsvpcConfiguration: { Subnets: unknown } } };
    expect(ecs.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual(PRIVATE);
    expect((one(a, 'AWS::EKS::Cluster') as { ResourcesVpcConfig: { SubnetIds: unknown } }).ResourcesVpcConfig.SubnetIds).toEqual(PRIVATE);
    for (const ng of ofType(a, 'AWS::EKS::Nodegroup')) expect(ng.properties.Subnets).toEqual(PRIVATE);
    const groups = ofType(a, 'AWS::AutoScaling::AutoScalingGroup').map((g) => [g.logicalId, g.properties.VPCZoneIdentifier]);
    expect(groups).toContainEqual(['BastionHostAutoScalingGroup', PUBLIC]);
    expect(groups.filter(([id]) => id !== 'BastionHostAutoScalingGroup').length).toBeGreaterThan(0);
    for (const [id, subnets] of groups) if (id !== 'BastionHostAutoScalingGroup') expect(subnets, String(id)).toEqual(PRIVATE);
    expect(one(a, 'AWS::RDS::DBSubnetGroup').SubnetIds).toEqual(DATABASE);
    expect(one(a, 'AWS::ElastiCache::SubnetGroup').SubnetIds).toEqual(DATABASE);
    expect(one(a, 'AWS::EC2::FlowLog').ResourceId).toBe(VPC);
    const endpoints = ofType(a, 'AWS::EC2::VPCEndpoint').map((e) => e.properties as Record<string, unknown>);
    expect(endpoints.length).toBeGreaterThan(1);
    for (const e of endpoints) {
      expect(e.VpcId).toBe(VPC);
      if (e.VpcEndpointType === 'Gateway') expect(e.RouteTableIds).toEqual(TABLES);
      else expect(e.SubnetIds).toEqual(PRIVATE);
    }
  });

  it('the templates pass the CloudFormation resource schemas, and the network policies allow the VPC range', () => {
    const files = outTree(FILE);
    const plan = JSON.parse(files.find((f) => f.path === 'default/plan.json')!.content) as { stacks: { name: string; file: string }[] };
    const stacks = plan.stacks.map((st) => ({ name: st.name, template: parse(files.find((f) => f.path === `default/${st.file}`)!.content) as unknown }));
    expect(stacks.length).toBeGreaterThan(3);
    for (const st of stacks) expect(validateTemplate(st.template), st.name).toEqual([]);
    expect(validateStackSet(stacks)).toEqual([]);
    const policy = files.find((f) => /kubernetes\/.*web.*network-policy-allow\.yaml$/.test(f.path));
    expect(policy?.content).toContain('cidr: 10.20.0.0/16');
    const outputs = files.find((f) => f.path.endsWith('kubernetes/stack-outputs.sh'))!.content;
    expect(outputs).toContain(`v=$(printf '%s' '${VPC}')\nout VPC_ID "$v"`);
  });

  it('the picture names the imported VPC and draws no NAT of its own', () => {
    const mermaid = mermaidGraph(buildPlan(planTargets(a), loadSnapshotSource()).environments[0]!);
    expect(mermaid).toContain(`VPC ${VPC} (imported) 10.20.0.0/16`);
    expect(mermaid).toContain('NAT outside dex');
  });

  it('the plan holds no NAT line and says the VPC is not in it', () => {
    const plan = buildPlan(planTargets(a), loadSnapshotSource()).environments[0]!;
    expect(plan.lineItems.filter((l) => l.meter.startsWith('nat.'))).toEqual([]);
    const entry = plan.unpriced.find((u) => u.resource === 'network.vpcId');
    expect(entry?.reason).toContain(`${VPC} is imported`);
    expect(entry?.reason).toContain('NAT gateways (natGateways: perAz');
  });
});

describe('the imported VPC checks', () => {
  it('DEX780, DEX781: IDs of the wrong form, located at the value', () => {
    const text = replaced('vpcId: vpc-0a1b2c3d4e5f60718', 'vpcId: vpc-0A1B2C3D', replaced('private: [subnet-0bbbbbbbbbbbbbbb1, subnet-0bbbbbbbbbbbbbbb2]', 'private: [subnet-0bbbbbbbbbbbbbbb1, 10.20.1.0/24]', replaced('rtb-0ddddddddddddddd2]', 'rtb-xyz]')));
    const a = analyzed(text);
    expect(at(a, 'DEX780')).toEqual([`${lineOf(text, 'vpcId:')}:10 error network.vpcId`, `${lineOf(text, 'routeTableIds:')}:42 error network.routeTableIds.1`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX780')!.hint).toContain('vpc-0a1b2c3d');
    expect(at(a, 'DEX781')).toEqual([`${lineOf(text, '    private:')}:41 error network.subnets.private.1`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX781')!.message).toContain('a CIDR block');
  });

  it('DEX782: subnet IDs without network.vpcId, once (not also as a bad CIDR)', () => {
    const text = replaced('  vpcId: vpc-0a1b2c3d4e5f60718\n', '');
    const a = analyzed(text);
    expect(at(a, 'DEX782')).toHaveLength(6);
    expect(at(a, 'DEX782')[0]).toBe(`${lineOf(text, '    public:')}:14 error network.subnets.public.0`);
    expect(at(a, 'DEX300')).toEqual([]);
  });

  it('DEX783: a tier with fewer subnets than zones; no private tier at all', () => {
    const fewer = replaced('public: [subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2]', 'public: [subnet-0aaaaaaaaaaaaaaa1]');
    expect(at(analyzed(fewer), 'DEX783')).toEqual([`${lineOf(fewer, '    public:')}:13 error network.subnets.public`]);
    const none = replaced('    private: [subnet-0bbbbbbbbbbbbbbb1, subnet-0bbbbbbbbbbbbbbb2]\n', '');
    const a = analyzed(none);
    expect(at(a, 'DEX783')).toEqual([`${lineOf(none, '  subnets:') + 1}:5 error network.subnets`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX783')!.message).toContain('private subnets');
  });

  it('DEX784: one subnet in two tiers', () => {
    const text = replaced('database: [subnet-0ccccccccccccccc1,', 'database: [subnet-0bbbbbbbbbbbbbbb1,');
    expect(at(analyzed(text), 'DEX784')).toEqual([`${lineOf(text, '    database:')}:16 error network.subnets.database.0`]);
  });

  it('DEX785: no public subnets for a public service or the bastion', () => {
    const text = replaced('    public: [subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2]\n', '');
    const a = analyzed(text);
    expect(at(a, 'DEX785')).toEqual([`${lineOf(text, 'bastion:')}:23 error network.bastion.enabled`, `${lineOf(text, '  api:') + 4}:23 error services.api.expose.public`]);
    expect(a.diagnostics.find((d) => d.path[1] === 'api')!.message).toContain('and 1 more');
  });

  it('DEX786: without a database tier the data stores go to the private subnets, said once', () => {
    const text = replaced('    database: [subnet-0ccccccccccccccc1, subnet-0ccccccccccccccc2]\n', '');
    const a = analyzed(text);
    expect(at(a, 'DEX786')).toEqual([`${lineOf(text, '  subnets:') + 1}:5 info network.subnets`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX786')!.message).toContain('orders, sessions');
    expect(one(a, 'AWS::RDS::DBSubnetGroup').SubnetIds).toEqual(PRIVATE);
    expect(one(a, 'AWS::ElastiCache::SubnetGroup').SubnetIds).toEqual(PRIVATE);
    expect(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
  });

  it('DEX787: a gateway endpoint without route tables, at the endpoint', () => {
    const text = replaced('  routeTableIds: [rtb-0ddddddddddddddd1, rtb-0ddddddddddddddd2]\n', '');
    expect(at(analyzed(text), 'DEX787')).toEqual([`${lineOf(text, 'endpoints:')}:15 error network.endpoints.0`]);
  });

  it('DEX788: an imported VPC needs its CIDR', () => {
    const text = replaced('  cidr: 10.20.0.0/16\n', '');
    const a = analyzed(text);
    expect(at(a, 'DEX788')).toEqual([`${lineOf(text, 'vpcId:')}:10 error network.vpcId`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX788')!.hint).toContain(`--vpc-ids ${VPC}`);
  });

  it('DEX789 says when nothing dex emits records the traffic', () => {
    const a = analyzed(replaced('  bastion: { enabled: true }\n', '  bastion: { enabled: true }\n  flowLogs: { enabled: false }\n'));
    expect(a.diagnostics.find((d) => d.code === 'DEX789')!.message).toContain('network.flowLogs is off');
    expect(ofType(a, 'AWS::EC2::FlowLog')).toEqual([]);
  });
});

describe('the release script of an imported VPC', () => {
  const cicd = '\ncicd:\n  provider: github-actions\n  source: { repository: example-org/shop, branch: main }\n  stages:\n    production: {}\nenvironments:\n  production: {}\n';

  it('runs the migration task in the listed private subnets, by ID', () => {
    const files = outTree(FILE, TEXT + cicd);
    const workflow = files.find((f) => f.path === 'ci/.github/workflows/release.yml')!.content;
    expect(workflow).toContain(`OrdersDatabaseMigrationSecurityGroup - ${PRIVATE[0]} - ${PRIVATE[1]}\n`);
    const script = files.find((f) => f.path === 'ci/scripts/release.sh')!.content;
    expect(script).toBe(withLiteralSubnets(readPackageAssets().releaseScript));
    expect(script).toContain('id=$(if [ "$1" = - ]; then printf \'%s\' "$2"; else physical_id "$1" "$2"; fi)');
    expect(spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' }).status).toBe(0);
  });

  it('is the template byte for byte when the spec creates its VPC', () => {
    const assets = readPackageAssets();
    expect(withLiteralSubnets(assets.releaseScript)).not.toBe(assets.releaseScript);
    const files = outTree('examples/online-boutique/dex.yaml');
    expect(files.find((f) => f.path === 'ci/scripts/release.sh')!.content).toBe(assets.releaseScript);
  });
});

describe('an environment overlay that imports a VPC', () => {
  // The shape handed to examples/retail-store: the base creates its VPC, production imports one.
  const text = `dex: 1
name: retail-store
region: us-east-1
network:
  natGateways: single
ingress:
  tls:
    certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555
services:
  catalog:
    port: 8080
    placement: ecs
    uses: [catalog]
    env:
      RETAIL_CATALOG_PERSISTENCE_PROVIDER: mysql
      RETAIL_CATALOG_PERSISTENCE_ENDPOINT: \${databases.catalog.endpoint}
  checkout:
    port: 8080
    placement: ecs
    uses: [checkout]
    env:
      RETAIL_CHECKOUT_PERSISTENCE_PROVIDER: redis
      RETAIL_CHECKOUT_PERSISTENCE_REDIS_URL: \${caches.checkout.url}
  ui:
    port: 8080
    placement: ecs
    expose: { public: true, path: / }
databases:
  catalog: {}
caches:
  checkout: {}
environments:
  staging: {}
  production:
    network:
      vpcId: vpc-0a1b2c3d4e5f60718
      cidr: 10.20.0.0/16
      availabilityZones: 2
      subnets:
        public: [subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2]
        private: [subnet-0bbbbbbbbbbbbbbb1, subnet-0bbbbbbbbbbbbbbb2]
        database: [subnet-0ccccccccccccccc1, subnet-0ccccccccccccccc2]
      routeTableIds: [rtb-0ddddddddddddddd1, rtb-0ddddddddddddddd2]   # the default s3 gateway endpoint's routes
`;
  const a = analyzed(text);

  it('staging creates its VPC, production creates none and uses the IDs', () => {
    expect(a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.environment} ${d.message}`)).toEqual([]);
    const env = (name: string) => a.compiled.find((c) => c.environment === name)!.model!.resources;
    expect(env('staging').filter((r) => r.type === 'AWS::EC2::VPC')).toHaveLength(1);
    expect(env('production').filter((r) => r.type === 'AWS::EC2::VPC' || r.type === 'AWS::EC2::Subnet' || r.type === 'AWS::EC2::NatGateway')).toEqual([]);
    const group = env('production').find((r) => r.type === 'AWS::RDS::DBSubnetGroup')!;
    expect(group.properties.SubnetIds).toEqual(DATABASE);
    const task = env('production').find((r) => r.logicalId === 'CheckoutTaskDefinition')!.properties as { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] };
    const url = task.ContainerDefinitions[0]!.Environment.find((e) => e.Name === 'RETAIL_CHECKOUT_PERSISTENCE_REDIS_URL')!.Value;
    expect(url).toEqual({ 'Fn::Join': ['', ['rediss://', { 'Fn::GetAtt': ['CheckoutCache', 'PrimaryEndPoint.Address'] }, ':6379']] });
  });
});
