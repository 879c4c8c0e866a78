// Dual-stack (network.ipv6): the VPC's IPv6 block, a /64 per public and private subnet, the
// egress-only gateway for the private tier, ::/0 twins of the internet routes, ACL entries and the
// load balancer's rules, all valid against the CloudFormation resource schemas; DEX794 with an
// imported VPC.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';

const FILE = 'test/fixtures/network/ipv6.dex.yaml';
const TEXT = readFileSync(FILE, 'utf8');
const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const byId = (a: Analysis, id: string) => resources(a).find((r) => r.logicalId === id);

describe('network.ipv6', () => {
  const a = analyzed(TEXT);

  it('gives the VPC an Amazon-provided block and each public and private subnet its own /64', () => {
    expect(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
    expect(byId(a, 'VpcIpv6CidrBlock')!.properties).toEqual({ VpcId: { Ref: 'Vpc' }, AmazonProvidedIpv6CidrBlock: true });
    const block = (id: string) => (byId(a, id)!.properties as { Ipv6CidrBlock?: { 'Fn::Select': [number, unknown] } }).Ipv6CidrBlock?.['Fn::Select'][0];
    expect(['PublicSubnetA', 'PublicSubnetB', 'PrivateSubnetA', 'PrivateSubnetB'].map(block)).toEqual([0, 1, 8, 9]);
    expect(block('DatabaseSubnetA')).toBeUndefined();
    expect(byId(a, 'PublicSubnetA')!.dependsOn).toEqual(['VpcIpv6CidrBlock']);
  });

  it('routes ::/0 to the internet gateway from the public tier and to the egress-only gateway from the private tier', () => {
    expect(byId(a, 'PublicDefaultIpv6Route')!.properties).toEqual({ RouteTableId: { Ref: 'PublicRouteTable' }, DestinationIpv6CidrBlock: '::/0', GatewayId: { Ref: 'InternetGateway' } });
    expect(byId(a, 'PrivateDefaultIpv6RouteB')!.properties).toEqual({ RouteTableId: { Ref: 'PrivateRouteTableB' }, DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: { Ref: 'EgressOnlyInternetGateway' } });
    // The database tier keeps no route out.
    expect(resources(a).filter((r) => r.type === 'AWS::EC2::Route' && JSON.stringify(r.properties).includes('DatabaseRouteTable'))).toEqual([]);
  });

  it('twins every 0.0.0.0/0 ACL entry and load balancer rule with ::/0, and makes the load balancer dualstack', () => {
    const entries = resources(a).filter((r) => r.type === 'AWS::EC2::NetworkAclEntry');
    const v4 = entries.filter((e) => e.properties.CidrBlock === '0.0.0.0/0' && !e.logicalId.startsWith('Database'));
    const v6 = entries.filter((e) => e.properties.Ipv6CidrBlock === '::/0');
    expect(v6.map((e) => e.logicalId).sort()).toEqual(v4.map((e) => `${e.logicalId}Ipv6`).sort());
    for (const e of v6) expect(e.properties.RuleNumber).toBe((byId(a, e.logicalId.replace(/Ipv6$/, ''))!.properties.RuleNumber as number) + 500);
    const ingress = resources(a).filter((r) => r.type === 'AWS::EC2::SecurityGroupIngress' && r.properties.CidrIpv6 === '::/0');
    expect(ingress.map((r) => r.properties.FromPort).sort()).toEqual([443, 80]);
    expect((byId(a, 'LoadBalancer')!.properties as { IpAddressType: string }).IpAddressType).toBe('dualstack');
  });

  it('the templates pass the CloudFormation resource schemas', () => {
    const files = outTree(FILE);
    const plan = JSON.parse(files.find((f) => f.path === 'default/plan.json')!.content) as { stacks: { name: string; file: string }[] };
    const stacks = plan.stacks.map((st) => ({ name: st.name, template: parse(files.find((f) => f.path === `default/${st.file}`)!.content) as unknown }));
    for (const st of stacks) expect(validateTemplate(st.template), st.name).toEqual([]);
    expect(validateStackSet(stacks)).toEqual([]);
  });

  it('without ipv6 nothing of it is emitted', () => {
    const plain = analyzed(TEXT.replace('  ipv6: true\n', ''));
    expect(JSON.stringify(resources(plain))).not.toMatch(/Ipv6|::\/0|dualstack|EgressOnly/);
  });

  it('DEX794: not with an imported VPC', () => {
    const text = TEXT.replace('  ipv6: true\n', '  ipv6: true\n  vpcId: vpc-0a1b2c3d4e5f60718\n  cidr: 10.20.0.0/16\n  endpoints: []\n  subnets:\n    public: [subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2]\n    private: [subnet-0bbbbbbbbbbbbbbb1, subnet-0bbbbbbbbbbbbbbb2]\n');
    const found = analyzed(text).diagnostics.filter((d) => d.code === 'DEX794');
    expect(found.map((d) => `${d.range?.start.line}:${d.range?.start.col} ${d.path.join('.')}`)).toEqual(['6:9 network.ipv6']);
  });
});
