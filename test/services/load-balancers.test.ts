// Named load balancers (ingress.loadBalancers) on a fixture with an internal ALB, an internet-facing
// NLB with static IPs (TLS to ECS, UDP to EC2) and an internal NLB to EKS: the exact resources,
// security groups and network ACL, the attachments of each platform, WAF, each diagnostic at its
// node, pricing, the CloudFormation resource schemas and the Kubernetes manifests.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { planTargets } from '../../pipeline/plan.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { ID } from '../../compiler/model/ids.js';
import type { ModelResource } from '../../compiler/model/types.js';
import { LB_ID } from '../../services/load-balancers.js';
import { kubernetesManifests } from '../../emitters/kubernetes.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { dataDeclaration, evaluateCompliance } from '../../compiler/compliance/engine.js';
import { COMPLIANCE_RULES } from '../../pipeline/registries.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';

const FILE = 'test/fixtures/edge/backends.dex.yaml';
const TEXT = readFileSync(FILE, 'utf8');

const analyzed = (text: string): Analysis => analyzeSpec(new TextEncoder().encode(text), FILE, { today: fixedClock, includeInfo: true });
const model = (a: Analysis, env = 'production'): readonly ModelResource[] => a.compiled.find((c) => c.environment === env)!.model!.resources;
const byId = (a: Analysis, id: string) => model(a).find((r) => r.logicalId === id);
const at = (a: Analysis, code: string): string[] => [...new Set(a.diagnostics.filter((d) => d.code === code).map((d) => `${d.line}:${d.col} ${d.severity} ${d.path.join('.')}`))];
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const replaced = (from: string, to: string): string => {
  expect(TEXT).toContain(from);
  return TEXT.replace(from, to);
};

const depot = analyzed(TEXT);

describe('ingress.loadBalancers', () => {
  it('compiles without findings', () => {
    expect(depot.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('an internal ALB in the private subnets, admitting HTTPS from the VPC only, routing by host and path', () => {
    expect(byId(depot, LB_ID.loadBalancer('backend'))!.properties).toMatchObject({ Type: 'application', Scheme: 'internal', Subnets: [{ Ref: 'PrivateSubnetA' }, { Ref: 'PrivateSubnetB' }] });
    const sg = byId(depot, LB_ID.securityGroup('backend'))!.properties;
    expect((sg.SecurityGroupIngress as { CidrIp: string; FromPort: number }[]).map((r) => `${r.FromPort} ${r.CidrIp}`)).toEqual(['443 10.0.0.0/16', '80 10.0.0.0/16']);
    expect(sg.SecurityGroupEgress).toEqual([{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, DestinationSecurityGroupId: { 'Fn::GetAtt': ['OrdersSecurityGroup', 'GroupId'] }, Description: 'To orders on tcp 8080' }]);
    expect(byId(depot, LB_ID.httpsListener('backend'))!.properties.Certificates).toEqual([{ CertificateArn: { Ref: 'DomainCertificate' } }]);
    expect(byId(depot, LB_ID.listenerRule('orders'))!.properties).toMatchObject({
      ListenerArn: { Ref: 'LbBackendHttpsListener' },
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['orders-internal.depot.example.com'] } }, { Field: 'path-pattern', PathPatternConfig: { Values: ['/orders', '/orders/*'] } }],
    });
    // Its host's alias record points at it, not at the shared ALB.
    expect(byId(depot, 'DomainAliasOrdersInternalA')!.properties).toMatchObject({ Name: 'orders-internal.depot.example.com', AliasTarget: { DNSName: { 'Fn::GetAtt': ['LbBackendLoadBalancer', 'DNSName'] } } });
    expect(byId(depot, 'DomainAliasShopA')!.properties.AliasTarget).toMatchObject({ DNSName: { 'Fn::GetAtt': ['LoadBalancer', 'DNSName'] } });
    // Not on the shared ALB, and no web ACL on an internal load balancer.
    expect(byId(depot, ID.listenerRule('orders'))).toBeUndefined();
    expect(byId(depot, LB_ID.webAclAssociation('backend'))).toBeUndefined();
    // ECS registers the task in its target group.
    const ecs = byId(depot, ID.ecsService('orders'))!.properties.LoadBalancers;
    expect(ecs).toEqual([{ ContainerName: 'orders', ContainerPort: 8080, TargetGroupArn: { Ref: 'OrdersTargetGroup' } }]);
    expect(byId(depot, LB_ID.targetIngress('orders'))!.properties).toMatchObject({ GroupId: { 'Fn::GetAtt': ['OrdersSecurityGroup', 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': ['LbBackendSg', 'GroupId'] }, FromPort: 8080 });
  });

  it('an internet-facing NLB with an Elastic IP per zone, TLS ended with the certificate, UDP to EC2 instances', () => {
    const nlb = byId(depot, LB_ID.loadBalancer('edge'))!.properties;
    expect(nlb).toMatchObject({ Type: 'network', Scheme: 'internet-facing', SecurityGroups: [{ Ref: 'LbEdgeSg' }] });
    expect(nlb.SubnetMappings).toEqual([
      { SubnetId: { Ref: 'PublicSubnetA' }, AllocationId: { 'Fn::GetAtt': ['LbEdgeEipA', 'AllocationId'] } },
      { SubnetId: { Ref: 'PublicSubnetB' }, AllocationId: { 'Fn::GetAtt': ['LbEdgeEipB', 'AllocationId'] } },
    ]);
    expect(byId(depot, 'LbEdgeEipA')).toMatchObject({ type: 'AWS::EC2::EIP', deletionPolicy: 'Retain' });
    expect(byId(depot, LB_ID.listener('mqtt'))!.properties).toEqual({
      LoadBalancerArn: { Ref: 'LbEdgeLoadBalancer' },
      Port: 8883,
      Protocol: 'TLS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
      Certificates: [{ CertificateArn: { Ref: 'DomainCertificate' } }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: 'MqttTargetGroup' } }],
    });
    expect(byId(depot, ID.targetGroup('mqtt'))!.properties).toMatchObject({ Protocol: 'TCP', TargetType: 'ip', HealthCheckProtocol: 'TCP' });
    expect(byId(depot, ID.targetGroup('telemetry'))!.properties).toMatchObject({ Protocol: 'UDP', TargetType: 'instance', Port: 5514, HealthCheckProtocol: 'HTTP', HealthCheckPath: '/health' });
    expect(byId(depot, LB_ID.listener('telemetry'))!.properties).toMatchObject({ Port: 514, Protocol: 'UDP' });
    expect(byId(depot, ID.autoScalingGroup('telemetry'))!.properties.TargetGroupARNs).toEqual([{ Ref: 'TelemetryTargetGroup' }]);
    // UDP traffic and the TCP health check both reach the instance, from the NLB's group only.
    expect(byId(depot, 'TelemetryLbIngressUdp')!.properties).toMatchObject({ IpProtocol: 'udp', FromPort: 5514 });
    expect(byId(depot, 'TelemetryLbIngress')!.properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 5514 });
    const sg = byId(depot, LB_ID.securityGroup('edge'))!.properties;
    expect((sg.SecurityGroupIngress as { IpProtocol: string; FromPort: number; CidrIp: string }[]).map((r) => `${r.IpProtocol} ${r.FromPort} ${r.CidrIp}`)).toEqual(['tcp 8883 0.0.0.0/0', 'udp 514 0.0.0.0/0']);
    // The public subnets' network ACL opens the listener ports, and lets UDP replies out.
    const nacl = model(depot).filter((r) => r.type === 'AWS::EC2::NetworkAclEntry' && /PublicNetworkAcl(InNlb|OutReturnUdp)/.test(r.logicalId));
    expect(nacl.map((r) => `${r.logicalId} ${r.properties.Protocol} ${JSON.stringify(r.properties.PortRange)}`)).toEqual([
      'PublicNetworkAclInNlbTcp8883 6 {"From":8883,"To":8883}',
      'PublicNetworkAclInNlbUdp514 17 {"From":514,"To":514}',
      'PublicNetworkAclOutReturnUdp 17 {"From":1024,"To":65535}',
    ]);
  });

  it('an internal NLB to an EKS service: a TargetGroupBinding, pods admitted from the private subnets', () => {
    expect(byId(depot, LB_ID.loadBalancer('mesh'))!.properties).toMatchObject({ Type: 'network', Scheme: 'internal', Subnets: [{ Ref: 'PrivateSubnetA' }, { Ref: 'PrivateSubnetB' }] });
    expect(byId(depot, LB_ID.targetIngress('ledger'))!.properties.GroupId).toEqual({ 'Fn::GetAtt': ['EksNodeSecurityGroup', 'GroupId'] });
    const spec = depot.compiled.find((c) => c.environment === 'production')!.spec;
    const manifests = kubernetesManifests(spec);
    expect(manifests.find((m) => m.file === 'ledger/target-group-binding.yaml')!.object).toMatchObject({ kind: 'TargetGroupBinding', spec: { targetGroupARN: '${LEDGER_TARGET_GROUP_ARN}', targetType: 'ip' } });
    const policy = manifests.find((m) => m.file === 'ledger/network-policy-allow.yaml')!.object as { spec: { ingress: { from: { ipBlock: { cidr: string } }[] }[] } };
    expect(policy.spec.ingress[0]!.from.map((f) => f.ipBlock.cidr)).toEqual(spec.network.subnets.private.slice(0, 2));
    // The controller that binds it is installed.
    expect(model(depot).some((r) => r.logicalId === 'EksLoadBalancerControllerIrsa')).toBe(true);
  });

  it('an internet-facing named ALB gets the web ACL; with NLBs only, DEX769 says WAF cannot protect them', () => {
    const pub = analyzed(replaced('backend: { type: alb, scheme: internal }', 'backend: { type: alb, scheme: internet-facing }'));
    expect(byId(pub, LB_ID.webAclAssociation('backend'))!.properties).toEqual({ ResourceArn: { Ref: 'LbBackendLoadBalancer' }, WebACLArn: { 'Fn::GetAtt': ['WebAcl', 'Arn'] } });
    const nlbOnly = analyzed(TEXT.replace('public: true, subdomain: shop, path: /', 'loadBalancer: mesh').replace('expose: { loadBalancer: backend, subdomain: orders-internal, path: /orders }', 'expose: {}'));
    expect(at(nlbOnly, 'DEX769')).toEqual([`${lineOf(TEXT, 'ingress:')}:1 warning ingress.waf`]);
    expect(model(nlbOnly).filter((r) => r.type.startsWith('AWS::WAFv2'))).toEqual([]);
  });

  it('BASE-TLS12 checks the TLS policy of the NLB TLS listener as of every HTTPS listener', () => {
    const production = depot.compiled.find((c) => c.environment === 'production')!;
    const result = evaluateCompliance({ spec: production.spec, model: production.model!, data: dataDeclaration(depot.raw), rules: COMPLIANCE_RULES });
    const control = result.controls.find((c) => c.rule.id === 'BASE-TLS12')!;
    expect(control.status).toBe('pass');
    expect(control.checks.map((c) => c.message)).toContain('MqttLbListener negotiates TLS 1.2 or later only (ELBSecurityPolicy-TLS13-1-3-2021-06)');
    expect(control.checks.map((c) => c.message)).toContain('LbBackendHttpsListener negotiates TLS 1.2 or later only (ELBSecurityPolicy-TLS13-1-3-2021-06)');
  });

  it('an environment overlays a load balancer by key: staging without static IPs', () => {
    const a = analyzed(replaced('  staging: {}\n', '  staging:\n    ingress: { loadBalancers: { edge: { staticIps: false } } }\n'));
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const staging = model(a, 'staging');
    expect(staging.filter((r) => r.type === 'AWS::EC2::EIP' && r.logicalId.startsWith('LbEdge'))).toEqual([]);
    expect(staging.find((r) => r.logicalId === 'LbEdgeLoadBalancer')!.properties).toMatchObject({ Type: 'network', Scheme: 'internet-facing', Subnets: [{ Ref: 'PublicSubnetA' }, { Ref: 'PublicSubnetB' }] });
    expect(model(a).filter((r) => r.type === 'AWS::EC2::EIP' && r.logicalId.startsWith('LbEdge'))).toHaveLength(2);
  });

  it('the templates validate against the CloudFormation resource schemas', () => {
    const templates = outTree(FILE).filter((f) => /^production\/cloudformation\/.*\.ya?ml$/.test(f.path));
    expect(templates.length).toBeGreaterThan(5);
    for (const t of templates) expect(validateTemplate(parse(t.content)), t.path).toEqual([]);
  });
});

describe('diagnostics (DEX768-774)', () => {
  it('DEX768: an unknown load balancer, at expose.loadBalancer', () => {
    const text = replaced('loadBalancer: mesh }', 'loadBalancer: mash }');
    const a = analyzed(text);
    const row = lineOf(text, 'loadBalancer: mash');
    expect(at(a, 'DEX768')).toEqual([`${row}:${text.split('\n')[row - 1]!.indexOf('mash') + 1} error services.ledger.expose.loadBalancer`]);
    expect(a.diagnostics.find((d) => d.code === 'DEX768')!.hint).toContain('backend, edge, mesh');
  });

  it('DEX770: an ALB or TLS listener without a certificate', () => {
    const text = TEXT.replace(/ {2}domain:\n.*\n.*\n/, '').replace(/subdomain: [a-z-]+, /g, '');
    const a = analyzed(text);
    expect(at(a, 'DEX770').map((s) => s.replace(/^\d+:\d+ /, ''))).toEqual(['error ingress.loadBalancers.backend', 'error services.mqtt.expose.listener.protocol']);
  });

  it('DEX771: settings that do not fit the load balancer', () => {
    const text = replaced('backend: { type: alb, scheme: internal }', 'backend: { type: alb, scheme: internal, staticIps: true }')
      .replace('expose: { loadBalancer: mesh }', 'expose: { loadBalancer: mesh, path: /ledger }');
    expect(at(analyzed(text), 'DEX771').map((s) => s.replace(/^\d+:\d+ /, ''))).toEqual(['error ingress.loadBalancers.backend.staticIps', 'error services.ledger.expose.path']);
    const both = replaced('expose: { public: true, subdomain: shop, path: / }', 'expose: { public: true, loadBalancer: backend, subdomain: shop, path: / }');
    expect(at(analyzed(both), 'DEX771').map((s) => s.replace(/^\d+:\d+ /, ''))).toEqual(['error services.ui.expose.public']);
  });

  it('DEX772: a service on an ALB without a path', () => {
    const text = replaced('subdomain: orders-internal, path: /orders }', 'subdomain: orders-internal }');
    expect(at(analyzed(text), 'DEX772').map((s) => s.replace(/^\d+:\d+ /, ''))).toEqual(['error services.orders.expose.loadBalancer']);
  });

  it('DEX773: two services on one NLB port', () => {
    const text = replaced('listener: { port: 514, protocol: UDP }', 'listener: { port: 8883, protocol: UDP }');
    const row = lineOf(text, 'port: 8883, protocol: UDP');
    expect(at(analyzed(text), 'DEX773')).toEqual([`${row}:${text.split('\n')[row - 1]!.indexOf('{ port') + 1} error services.telemetry.expose.listener`]);
  });

  it('DEX774: a load balancer nothing uses creates nothing', () => {
    const text = replaced('    mesh: { type: nlb }\n', '    mesh: { type: nlb }\n    spare: { type: nlb }\n');
    const a = analyzed(text);
    expect(at(a, 'DEX774')).toEqual([`${lineOf(text, 'spare:')}:12 warning ingress.loadBalancers.spare`]);
    expect(model(a).filter((r) => r.logicalId.startsWith('LbSpare'))).toEqual([]);
  });
});

describe('pricing', () => {
  const env = buildPlan(planTargets(depot, 'production'), loadSnapshotSource()).environments[0]!;
  const lines = env.layers.flatMap((l) => l.lineItems);

  it('NLB hours at the us-east-1 list price, EIPs as public IPv4 hours, NLCUs unpriced with the rate and why', () => {
    const hours = lines.find((l) => l.resource === 'LbEdgeLoadBalancer' && l.meter === 'nlb.hours')!;
    expect(hours.arithmetic).toBe('730 h × $0.0225/h = $16.43');
    const eips = lines.filter((l) => /^LbEdgeEip/.test(l.resource));
    expect(eips.map((l) => l.arithmetic)).toEqual(['730 h × $0.005/h = $3.65', '730 h × $0.005/h = $3.65']);
    // No IPv4 line on the NLB itself: the EIPs are its addresses.
    expect(lines.filter((l) => l.resource === 'LbEdgeLoadBalancer' && l.meter === 'ipv4.public')).toEqual([]);
    const nlcu = env.unpriced.find((u) => u.resource === 'LbEdgeLoadBalancer' && u.meter === 'nlb.lcu')!;
    expect(nlcu.reason).toMatch(/^quantity not known: .*edge's connections and bytes \(.*\$0\.006\/NLCU-h\)$/);
    const internal = lines.find((l) => l.resource === 'LbBackendLoadBalancer' && l.meter === 'alb.hours')!;
    expect(internal.monthlyUsd.max).toBeGreaterThan(0);
  });

  it('outside us-east-1 NLB hours are unpriced with the gap named, never $0', () => {
    const a = analyzed(replaced('region: us-east-1', 'region: ap-south-1'));
    const other = buildPlan(planTargets(a, 'production'), loadSnapshotSource()).environments[0]!;
    expect(other.layers.flatMap((l) => l.lineItems).filter((l) => l.meter === 'nlb.hours')).toEqual([]);
    expect(other.unpriced.find((u) => u.resource === 'LbEdgeLoadBalancer' && u.meter === 'nlb.hours')!.reason).toMatch(/us-east-1 only/);
  });
});
