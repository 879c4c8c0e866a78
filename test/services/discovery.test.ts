// Service-to-service discovery (issue 15): the address variables each caller gets on every
// platform, who resolves what, and the security-group path that admits exactly each call.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { compileEmit, emitTargets } from '../../pipeline/emit.js';
import type { ModelResource } from '../../compiler/model/types.js';
import { fixedClock } from '../support/clock.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';
import { templateObject } from '../../emitters/cloudformation.js';
import { diffResources, securityChanges } from '../../compiler/diff/index.js';
import { compilePlanResources, editReference, REFERENCE_TEXT } from '../support/reference-plan.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const analyze = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });

function emit(text: string) {
  const analysis = analyze(text);
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const [target] = emitTargets(analysis);
  return compileEmit(target!, { specFile: 'dex.yaml' });
}

// One caller and one callee on each platform, every caller calling every callee.
const SPEC = `dex: 1
name: shop
region: us-east-1
platforms:
  eks: { nodeGroups: [{ name: general, instanceType: t3.large, min: 2, max: 3 }] }
services:
  orders:   { port: 8080, servicePort: 80, placement: eks, health: { path: /health } }
  payments: { port: 50051, placement: ecs, health: { grpc: "" } }
  mail:     { port: 8080, servicePort: 5000, placement: ec2, instanceType: t3.small }
  web:
    port: 3000
    placement: ecs
    uses: [orders, payments, { service: mail, env: { address: MAIL_ADDR, host: MAIL_SERVER } }]
  batch:
    port: 9000
    placement: eks
    uses: [orders, payments, mail]
  reports:
    port: 9100
    placement: ec2
    instanceType: t3.small
    uses: [orders, payments, mail]
`;

const out = emit(SPEC);
const resources = out.model.resources;
const byId = (id: string): ModelResource => {
  const r = resources.find((x) => x.logicalId === id);
  if (!r) throw new Error(`no ${id}`);
  return r;
};
const props = (id: string): Obj => byId(id).properties as Obj;

/** The environment of an ECS service's container. */
const ecsEnv = (service: string): Record<string, string> => {
  const container = props(`${service[0]!.toUpperCase()}${service.slice(1)}TaskDefinition`).ContainerDefinitions[0] as Obj;
  return Object.fromEntries((container.Environment as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]));
};

/** The environment of an EKS Deployment's container. */
const eksEnv = (service: string): Record<string, string> => {
  const file = out.files.find((f) => f.path.endsWith(`kubernetes/${service}/deployment.yaml`));
  if (!file) throw new Error(`no deployment for ${service}`);
  const doc = parse(file.content) as Obj;
  return Object.fromEntries((doc.spec.template.spec.containers[0].env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
};

/** The env file an EC2 service's user data writes (the lines between the heredoc markers). */
const ec2Env = (service: string): Record<string, string> => {
  const lt = props(`${service[0]!.toUpperCase()}${service.slice(1)}LaunchTemplate`);
  const text = JSON.stringify(lt.LaunchTemplateData.UserData);
  const found: Record<string, string> = {};
  for (const m of text.matchAll(/([A-Z][A-Z0-9_]*_(?:URL|HOST|PORT|ADDR|SERVER))=([^\\"']+)/g)) found[m[1]!] = m[2]!;
  return found;
};

const NS = 'shop.internal';

describe('address variables', () => {
  it('ECS → ECS through Service Connect, ECS → EKS and EC2 through their internal load balancers, on the service port', () => {
    expect(ecsEnv('web')).toMatchObject({
      ORDERS_URL: `http://orders.${NS}:80`,
      ORDERS_HOST: `orders.${NS}`,
      ORDERS_PORT: '80',
      PAYMENTS_URL: `dns:///payments.${NS}:50051`,
      PAYMENTS_HOST: `payments.${NS}`,
      PAYMENTS_PORT: '50051',
      MAIL_URL: `http://mail.${NS}:5000`,
      MAIL_SERVER: `mail.${NS}`,
      MAIL_PORT: '5000',
      MAIL_ADDR: `mail.${NS}:5000`,
    });
    // Renamed: the default host name is not set beside the chosen one.
    expect(ecsEnv('web')).not.toHaveProperty('MAIL_HOST');
  });

  it('EKS → EKS through the cluster DNS name and the Service port; EKS → ECS on the container port (Cloud Map)', () => {
    expect(eksEnv('batch')).toMatchObject({
      ORDERS_URL: 'http://orders.orders.svc.cluster.local:80',
      ORDERS_HOST: 'orders.orders.svc.cluster.local',
      ORDERS_PORT: '80',
      PAYMENTS_HOST: `payments.${NS}`,
      PAYMENTS_PORT: '50051',
      MAIL_URL: `http://mail.${NS}:5000`,
    });
  });

  it('EC2 reaches every platform through the namespace', () => {
    expect(ec2Env('reports')).toMatchObject({ ORDERS_URL: `http://orders.${NS}:80`, PAYMENTS_HOST: `payments.${NS}`, MAIL_PORT: '5000' });
  });

  it('a spec without service-to-service uses gets no namespace and no address variables', () => {
    const plain = emit(SPEC.replace(/\n {4}uses: .*$/gm, '').replace(/\n  web:\n(?: {4}.*\n)+/, '\n').replace(/\n {4}uses:.*/g, ''));
    expect(plain.model.resources.filter((r) => r.type.startsWith('AWS::ServiceDiscovery::') || r.logicalId.includes('Internal'))).toEqual([]);
  });
});

describe('who resolves what', () => {
  it('one private DNS namespace in the VPC, resolvable from every platform', () => {
    const ns = resources.filter((r) => r.type === 'AWS::ServiceDiscovery::PrivateDnsNamespace');
    expect(ns.map((r) => [r.properties.Name, r.properties.Vpc])).toEqual([[NS, { Ref: 'Vpc' }]]);
  });

  it('ECS: the callee is a Service Connect server on the service port, its ECS caller a client; callers elsewhere read Cloud Map A records', () => {
    const payments = props('PaymentsEcsService');
    expect(payments.ServiceConnectConfiguration.Services).toEqual([{ PortName: 'http', DiscoveryName: 'payments-connect', ClientAliases: [{ DnsName: `payments.${NS}`, Port: 50051 }] }]);
    expect(payments.ServiceConnectConfiguration.LogConfiguration.Options['awslogs-group']).toBe(props('PaymentsLogGroup').LogGroupName);
    expect(payments.ServiceRegistries).toEqual([{ RegistryArn: { 'Fn::GetAtt': ['PaymentsDiscoveryService', 'Arn'] } }]);
    expect(props('PaymentsDiscoveryService')).toMatchObject({ Name: 'payments', DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] } });
    const web = props('WebEcsService').ServiceConnectConfiguration;
    expect(web.Enabled).toBe(true);
    expect(web).not.toHaveProperty('Services');
    // The port mapping Service Connect names.
    expect(props('PaymentsTaskDefinition').ContainerDefinitions[0].PortMappings[0].Name).toBe('http');
  });

  it('EKS and EC2 callees: one shared internal NLB, a listener per callee on its service port, targets on the container port, aliased in the namespace', () => {
    expect(resources.filter((r) => r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer').map((r) => [r.logicalId, r.properties.Type, r.properties.Scheme])).toEqual([['InternalLoadBalancer', 'network', 'internal']]);
    for (const [name, target, listener, port] of [['Orders', 'ip', 80, 8080], ['Mail', 'instance', 5000, 8080]] as const) {
      expect(props(`${name}InternalListener`)).toMatchObject({ LoadBalancerArn: { Ref: 'InternalLoadBalancer' }, Port: listener, Protocol: 'TCP', DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: `${name}InternalTargetGroup` } }] });
      expect(props(`${name}InternalTargetGroup`)).toMatchObject({ TargetType: target, Port: port, Protocol: 'TCP' });
      expect(props(`${name}DiscoveryInstance`).InstanceAttributes).toEqual({ AWS_ALIAS_DNS_NAME: { 'Fn::GetAtt': ['InternalLoadBalancer', 'DNSName'] } });
      expect(props(`${name}DiscoveryService`).DnsConfig.RoutingPolicy).toBe('WEIGHTED');
    }
    expect(props('MailAutoScalingGroup').TargetGroupARNs).toEqual([{ Ref: 'MailInternalTargetGroup' }]);
    const binding = parse(out.files.find((f) => f.path.endsWith('kubernetes/orders/target-group-binding-internal.yaml'))!.content) as Obj;
    expect(binding.spec).toMatchObject({ serviceRef: { name: 'orders', port: 80 }, targetType: 'ip', targetGroupARN: '${ORDERS_INTERNAL_TARGET_GROUP_ARN}' });
    const service = parse(out.files.find((f) => f.path.endsWith('kubernetes/orders/service.yaml'))!.content) as Obj;
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('callees with the same service port go to a second load balancer', () => {
    const twin = emit(SPEC.replace('mail:     { port: 8080, servicePort: 5000,', 'mail:     { port: 8080, servicePort: 80,'));
    const lbOf = (id: string) => (twin.model.resources.find((r) => r.logicalId === id)!.properties as Obj).LoadBalancerArn;
    expect([lbOf('MailInternalListener'), lbOf('OrdersInternalListener')]).toEqual([{ Ref: 'InternalLoadBalancer' }, { Ref: 'InternalLoadBalancer2' }]);
    const sg = twin.model.resources.filter((r) => r.type === 'AWS::EC2::SecurityGroupIngress' && (r.properties as Obj).GroupId['Fn::GetAtt'][0] === 'InternalLoadBalancer2Firewall');
    // Orders' callers through it (batch, on EKS, uses the Kubernetes Service), on its port.
    expect(sg.map((r) => [(r.properties as Obj).SourceSecurityGroupId['Fn::GetAtt'][0], (r.properties as Obj).FromPort])).toEqual([['ReportsSecurityGroup', 80], ['WebSecurityGroup', 80]]);
  });

  it('every template passes the CloudFormation validator', () => {
    const templates = out.plan.stacks.map((st) => ({ name: st.name, template: templateObject(st) }));
    expect(templates.some((t) => JSON.stringify(t.template).includes('AWS::ServiceDiscovery::Instance'))).toBe(true);
    for (const t of templates) expect(validateTemplate(t.template), t.name).toEqual([]);
    expect(validateStackSet(templates)).toEqual([]);
  });
});

describe('security groups: exactly the caller → callee paths', () => {
  const ingress = resources.filter((r) => r.type === 'AWS::EC2::SecurityGroupIngress').map((r) => r.properties as Obj);
  const allows = (target: string, source: string, port: number): boolean =>
    ingress.some((p) => p.GroupId['Fn::GetAtt'][0] === target && p.SourceSecurityGroupId?.['Fn::GetAtt']?.[0] === source && p.FromPort === port && p.ToPort === port);

  it('callers reach an internal load balancer on the service port, the load balancer the callee on the container port', () => {
    expect(allows('InternalLoadBalancerFirewall', 'WebSecurityGroup', 80)).toBe(true);
    expect(allows('InternalLoadBalancerFirewall', 'ReportsSecurityGroup', 80)).toBe(true);
    expect(allows('EksNodeSecurityGroup', 'InternalLoadBalancerFirewall', 8080)).toBe(true);
    expect(allows('InternalLoadBalancerFirewall', 'EksNodeSecurityGroup', 5000)).toBe(true);
    expect(allows('MailSecurityGroup', 'InternalLoadBalancerFirewall', 8080)).toBe(true);
    // Not around the load balancer.
    expect(allows('MailSecurityGroup', 'WebSecurityGroup', 8080)).toBe(false);
    expect(allows('EksNodeSecurityGroup', 'WebSecurityGroup', 8080)).toBe(false);
  });

  it('ECS callees admit their callers on the container port: the Service Connect proxy and Cloud Map callers arrive there', () => {
    expect(allows('PaymentsSecurityGroup', 'WebSecurityGroup', 50051)).toBe(true);
    expect(allows('PaymentsSecurityGroup', 'EksNodeSecurityGroup', 50051)).toBe(true);
    expect(allows('PaymentsSecurityGroup', 'ReportsSecurityGroup', 50051)).toBe(true);
    // A service nobody calls admits nobody.
    expect(ingress.some((p) => p.GroupId['Fn::GetAtt'][0] === 'WebSecurityGroup')).toBe(false);
  });

  it('the caller side has the mirror egress rule to the load balancer', () => {
    const egress = resources.filter((r) => r.type === 'AWS::EC2::SecurityGroupEgress').map((r) => r.properties as Obj);
    expect(egress.some((p) => p.GroupId['Fn::GetAtt'][0] === 'WebSecurityGroup' && p.DestinationSecurityGroupId['Fn::GetAtt'][0] === 'InternalLoadBalancerFirewall' && p.FromPort === 80)).toBe(true);
  });

  it('the callee pods admit the load balancer in their network policy', () => {
    const policy = parse(out.files.find((f) => f.path.endsWith('kubernetes/orders/network-policy-allow.yaml'))!.content) as Obj;
    const rules = policy.spec.ingress as Obj[];
    expect(rules.some((r) => (r.from as Obj[]).some((f) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'batch'))).toBe(true);
    expect(rules.some((r) => (r.from as Obj[]).every((f) => f.ipBlock) && r.ports[0].port === 8080)).toBe(true);
  });
});

describe('pricing', () => {
  it('the NLB hours at list price, its NLCUs and Cloud Map instances unpriced with a reason', () => {
    const nlb = byId('InternalLoadBalancer').usage;
    expect(nlb.map((u) => [u.meter, u.quantity.min])).toEqual([['nlb.hours', 730], ['nlb.lcu', 0]]);
    expect(nlb[1]!.quantityUnknown).toMatch(/no usage assumption/);
    expect(byId('PaymentsDiscoveryService').usage.map((u) => u.meter)).toEqual(['cloudmap.instance']);
  });
});

describe('diagnostics', () => {
  const codes = (text: string) => analyze(text).diagnostics.map((d) => ({ code: d.code, path: d.path.join('.') }));

  it('DEX376: an address variable that is already an env variable, a secret or another address', () => {
    expect(codes(SPEC.replace('placement: ecs\n    uses: [orders', 'placement: ecs\n    env: { ORDERS_URL: "x" }\n    uses: [orders'))).toContainEqual({ code: 'DEX376', path: 'services.web.uses.0' });
    expect(codes(SPEC.replace('env: { address: MAIL_ADDR, host: MAIL_SERVER }', 'env: { address: MAIL_ADDR, host: ORDERS_HOST }'))).toContainEqual({ code: 'DEX376', path: 'services.web.uses.2.env.host' });
    expect(codes(SPEC.replace('placement: ecs\n    uses: [orders', 'placement: ecs\n    secrets: [PAYMENTS_PORT]\n    uses: [orders'))).toContainEqual({ code: 'DEX376', path: 'services.web.uses.1' });
    const withDb = SPEC.replace('env: { address: MAIL_ADDR, host: MAIL_SERVER }', 'env: { address: MAIL_ADDR, host: LEDGER_HOST }').replace('    uses: [orders, payments, { service', '    uses: [orders, payments, ledger, { service') + 'databases:\n  ledger: {}\n';
    expect(codes(withDb)).toContainEqual({ code: 'DEX376', path: 'services.web.uses.3.env.host' });
    expect(codes(SPEC).filter((c) => c.code === 'DEX376')).toEqual([]);
  });

  it('DEX377: address names for a cache or a service without a port', () => {
    const withCache = SPEC.replace("{ service: mail, env: { address: MAIL_ADDR, host: MAIL_SERVER } }", '{ service: sessions, env: { host: S } }') + 'caches:\n  sessions: {}\n';
    expect(codes(withCache)).toContainEqual({ code: 'DEX377', path: 'services.web.uses.2.env' });
    const worker = SPEC.replace('  mail:     { port: 8080, servicePort: 5000, placement: ec2, instanceType: t3.small }', '  mail:     { placement: ecs }');
    expect(codes(worker)).toContainEqual({ code: 'DEX377', path: 'services.web.uses.2.env' });
  });

  it('DEX378: servicePort without a port', () => {
    expect(codes(SPEC.replace('mail:     { port: 8080, servicePort: 5000,', 'mail:     { servicePort: 5000,'))).toContainEqual({ code: 'DEX378', path: 'services.mail.servicePort' });
  });

  it('DEX379: an ECS servicePort other platforms do not reach', () => {
    const found = analyze(SPEC.replace('payments: { port: 50051,', 'payments: { port: 50051, servicePort: 443,')).diagnostics.filter((d) => d.code === 'DEX379');
    expect(found.map((d) => [d.severity, d.path.join('.')])).toEqual([['warning', 'services.payments.servicePort']]);
    expect(found[0]!.message).toContain('batch (eks), reports (ec2)');
  });
});

describe('plan diff', () => {
  it('a new call across platforms adds the namespace, the load balancer and exactly its security-group path', () => {
    const base = compilePlanResources(REFERENCE_TEXT);
    const after = editReference("    expose: { public: true, path: /api/kyc }\n    uses: [postgres]", "    expose: { public: true, path: /api/kyc }\n    uses: [postgres, blockchain-service]");
    const changes = diffResources(base, after);
    const added = changes.filter((c) => c.action === 'add').map((c) => c.logicalId);
    expect(added).toEqual(expect.arrayContaining(['DiscoveryNamespace', 'InternalLoadBalancer', 'BlockchainServiceInternalListener', 'BlockchainServiceInternalTargetGroup', 'BlockchainServiceDiscoveryService', 'BlockchainServiceDiscoveryInstance']));
    // The caller gets a new task definition with the address, its service deploys it; nothing else outside the call changes.
    expect(changes.filter((c) => c.action !== 'add').map((c) => [c.logicalId, c.action]).sort()).toEqual([['KycServiceEcsService', 'modify'], ['KycServiceTaskDefinition', 'replace']]);
    expect(securityChanges(base, after).length).toBeGreaterThan(0);
  });
});
