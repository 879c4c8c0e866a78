// Amazon MQ for RabbitMQ brokers (issue 16, "Other stores"), on test/fixtures/brokers/brokers.dex.yaml:
// the broker's secure defaults, the generated credentials reaching it only as a dynamic reference,
// the security group, the address and credentials in the services' environment on ECS, EKS and
// EC2, ${brokers.X.url}, the templates against the CloudFormation resource schema, DEX754–DEX758
// located in the file, the unpriced lines and the compliance checks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { priceMeters } from '../../compiler/pricing/line-items.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { evaluateCompliance } from '../../compiler/compliance/engine.js';
import { COMPLIANCE_RULES } from '../../pipeline/registries.js';
import type { ModelResource } from '../../compiler/model/types.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { lineOf } from '../support/analyzed.js';

const FILE = 'test/fixtures/brokers/brokers.dex.yaml';
const TEXT = readFileSync(FILE, 'utf8');

const analyzed = (text: string, environment?: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock, ...(environment ? { environment } : {}) });
const compiledIn = (a: Analysis, env: string) => a.compiled.find((c) => c.environment === env)!;
const byId = (a: Analysis, env: string, id: string): ModelResource => {
  const r = compiledIn(a, env).model!.resources.find((x) => x.logicalId === id);
  if (!r) throw new Error(`no ${id}`);
  return r;
};
const all = analyzed(TEXT);
const at = (a: Analysis, code: string) => a.diagnostics.filter((d) => d.code === code).map((d) => `${d.range?.start.line} ${d.severity} ${d.path.join('.')}`);
const replace = (from: string, to: string, text = TEXT): string => {
  if (!text.includes(from)) throw new Error(`no ${from}`);
  return text.replace(from, to);
};
const ID_HOST = (region = 'us-east-1') => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['OrdersMqBroker', 'Id'] }, `.mq.${region}.amazonaws.com`]] });
const URL = { 'Fn::Join': ['', ['amqps://', { 'Fn::GetAtt': ['OrdersMqBroker', 'Id'] }, '.mq.us-east-1.amazonaws.com:5671']] };

describe('the fixture', () => {
  it('is valid: no error or warning in any environment', () => {
    expect(all.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });
});

describe('the broker', () => {
  it('production: a private RabbitMQ cluster in the database subnets, AWS owned key, general log, maintenance window', () => {
    const b = byId(all, 'production', 'OrdersMqBroker');
    expect(b.type).toBe('AWS::AmazonMQ::Broker');
    expect(b.layer).toBe('data');
    expect(b.properties).toMatchObject({
      BrokerName: 'shop-production-orders-mq',
      EngineType: 'RABBITMQ',
      EngineVersion: '3.13',
      HostInstanceType: 'mq.m7g.large',
      DeploymentMode: 'CLUSTER_MULTI_AZ',
      PubliclyAccessible: false,
      SubnetIds: [{ Ref: 'DatabaseSubnetA' }, { Ref: 'DatabaseSubnetB' }],
      SecurityGroups: [{ Ref: 'OrdersMqBrokerSecurityGroup' }],
      AuthenticationStrategy: 'SIMPLE',
      EncryptionOptions: { UseAwsOwnedKey: true },
      Logs: { General: true },
      AutoMinorVersionUpgrade: true,
      MaintenanceWindowStartTime: { DayOfWeek: 'SATURDAY', TimeOfDay: '02:30', TimeZone: 'UTC' },
    });
  });

  it('staging (not production-like): a single instance in one subnet, the overlay\'s instance type', () => {
    const b = byId(all, 'staging', 'OrdersMqBroker');
    expect(b.properties).toMatchObject({ DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.t3.micro', SubnetIds: [{ Ref: 'DatabaseSubnetA' }] });
  });

  it('its one user\'s password is only a dynamic reference to the generated secret, never a value', () => {
    const b = byId(all, 'production', 'OrdersMqBroker');
    expect(b.properties.Users).toEqual([{ Username: 'app', Password: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'OrdersMqBrokerSecret' }, ':SecretString:password}}']] } }]);
    const secret = byId(all, 'production', 'OrdersMqBrokerSecret');
    expect(secret.layer).toBe('security');
    expect(secret.properties).toMatchObject({
      Name: 'shop-production/broker/orders-mq/credentials',
      KmsKeyId: { 'Fn::GetAtt': ['KmsKey', 'Arn'] },
      GenerateSecretString: { SecretStringTemplate: '{"username":"app"}', GenerateStringKey: 'password', PasswordLength: 32, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true },
    });
  });

  it('its security group admits AMQPS from each using service only, the console from the VPC only when asked, and opens nothing out', () => {
    const rules = compiledIn(all, 'production').model!.resources.filter((r) => r.type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(r.properties.GroupId).includes('OrdersMqBrokerSecurityGroup'));
    expect(rules.map((r) => [r.properties.FromPort, r.properties.SourceSecurityGroupId ?? r.properties.CidrIp]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      [
        [443, '10.0.0.0/16'],
        [5671, { 'Fn::GetAtt': ['EksNodeSecurityGroup', 'GroupId'] }],
        [5671, { 'Fn::GetAtt': ['OrdersSecurityGroup', 'GroupId'] }],
        [5671, { 'Fn::GetAtt': ['WorkerSecurityGroup', 'GroupId'] }],
      ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    const group = byId(all, 'production', 'OrdersMqBrokerSecurityGroup');
    expect(JSON.stringify(group.properties.SecurityGroupEgress)).toContain('255.255.255.255/32');
    const noConsole = analyzed(replace('    console: true\n', ''));
    const ports = compiledIn(noConsole, 'production').model!.resources.filter((r) => r.type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(r.properties.GroupId).includes('OrdersMqBroker')).map((r) => r.properties.FromPort);
    expect(ports).toEqual([5671, 5671, 5671]);
  });

  it('the services\' roles may read the broker\'s secret; a service without the broker may not', () => {
    const role = JSON.stringify(byId(all, 'production', 'OrdersExecutionRole').properties);
    expect(role).toContain('OrdersMqBrokerSecret');
    const without = analyzed(replace('    uses: [{ broker: orders-mq }]\n    env:', '    env:'));
    expect(JSON.stringify(byId(without, 'production', 'OrdersExecutionRole').properties)).not.toContain('OrdersMqBrokerSecret');
  });
});

describe('the services\' environment', () => {
  const container = (a: Analysis) => (byId(a, 'production', 'OrdersTaskDefinition').properties.ContainerDefinitions as { Environment: { Name: string; Value: unknown }[]; Secrets: { Name: string; ValueFrom: unknown }[] }[])[0]!;

  it('ECS: URL, host and port as env, user name and password from the secret; ${brokers.X.url} resolves to the same URL', () => {
    const c = container(all);
    const env = Object.fromEntries(c.Environment.filter((e) => /^(ORDERS_MQ_|AMQP_)/.test(e.Name)).map((e) => [e.Name, e.Value]));
    expect(env).toEqual({ AMQP_ADDRESS: URL, ORDERS_MQ_HOST: ID_HOST(), ORDERS_MQ_PORT: '5671', ORDERS_MQ_URL: URL });
    expect(c.Secrets.filter((s) => s.Name.startsWith('ORDERS_MQ_'))).toEqual([
      { Name: 'ORDERS_MQ_PASSWORD', ValueFrom: { 'Fn::Join': ['', [{ Ref: 'OrdersMqBrokerSecret' }, ':password::']] } },
      { Name: 'ORDERS_MQ_USERNAME', ValueFrom: { 'Fn::Join': ['', [{ Ref: 'OrdersMqBrokerSecret' }, ':username::']] } },
    ]);
  });

  const tree = outTree(FILE);
  it('EKS: the address from the deployed stacks (stack-outputs.sh), the credentials through the CSI driver', () => {
    const outputs = tree.find((f) => f.path === 'production/kubernetes/stack-outputs.sh')!.content;
    expect(outputs).toContain(`out CHECKOUT_ORDERS_MQ_HOST "$v"'.mq.us-east-1.amazonaws.com'`);
    expect(outputs).toContain(`out CHECKOUT_ORDERS_MQ_URL 'amqps://'"$v"'.mq.us-east-1.amazonaws.com:5671'`);
    const spc = parse(tree.find((f) => f.path === 'production/kubernetes/checkout/secret-provider-class.yaml')!.content) as { spec: { parameters: { objects: string } } };
    expect(parse(spc.spec.parameters.objects)).toContainEqual({ objectName: 'shop-production/broker/orders-mq/credentials', objectType: 'secretsmanager', objectAlias: 'orders-mq-broker-credentials', jmesPath: [{ path: 'username', objectAlias: 'ORDERS_MQ_USERNAME' }, { path: 'password', objectAlias: 'ORDERS_MQ_PASSWORD' }] });
  });

  it('EC2: the instance\'s env file gets the address, and the credentials read from the secret at boot', () => {
    const ec2 = tree.find((f) => f.path === 'production/cloudformation/shop-production-ec2.yaml')!.content;
    expect(ec2).toContain("ORDERS_MQ_PORT=5671");
    expect(ec2).toMatch(/dex_secret ORDERS_MQ_PASSWORD[\s\S]*jq -er '\.password'/);
  });

  it('every template with the broker passes the CloudFormation validator', () => {
    const templates = tree.filter((f) => /\.ya?ml$/.test(f.path) && /^Resources:/m.test(f.content) && /OrdersMqBroker/.test(f.content));
    expect(templates.length).toBeGreaterThanOrEqual(4);
    for (const t of templates) expect(validateTemplate(parse(t.content)), t.path).toEqual([]);
  });
});

describe('checks', () => {
  it('DEX754: an unknown broker in uses, at the item, with the nearest name', () => {
    const text = replace('    uses: [{ broker: orders-mq }]\n    env:', '    uses: [{ broker: order-mq }]\n    env:');
    const a = analyzed(text);
    expect(at(a, 'DEX754')[0]).toBe(`${lineOf(text, 'broker: order-mq')} error services.orders.uses.0.broker`);
    expect(a.diagnostics.find((d) => d.code === 'DEX754')!.hint).toBe('did you mean orders-mq?');
  });

  it('DEX755: a single instance asked for in production warns at deployment; the default there is a cluster', () => {
    const text = replace('    console: true\n', '    console: true\n    deployment: single\n');
    const a = analyzed(text);
    expect(at(a, 'DEX755')).toContain(`${lineOf(text, 'deployment: single')} warning brokers.orders-mq.deployment`);
    expect(a.diagnostics.filter((d) => d.code === 'DEX755').every((d) => !d.message.includes('staging'))).toBe(true);
    expect(at(all, 'DEX755')).toEqual([]);
  });

  it('DEX756: mq.t3.micro as a cluster (production\'s default) is refused at the instance type', () => {
    const text = replace('instanceType: mq.m7g.large', 'instanceType: mq.t3.micro');
    expect(at(analyzed(text), 'DEX756')).toContain(`${lineOf(text, 'instanceType: mq.t3.micro')} error brokers.orders-mq.instanceType`);
  });

  it('DEX757: a broker no service uses', () => {
    const text = `${TEXT.replace(/ {4}uses: \[\{ broker: orders-mq \}\]\n/g, '')}`;
    expect(at(analyzed(text), 'DEX757')[0]).toBe(`${lineOf(text, '  orders-mq:')} warning brokers.orders-mq`);
  });

  it('DEX758: a broker named like a service', () => {
    const text = TEXT.replace(/orders-mq/g, 'worker');
    expect(at(analyzed(text), 'DEX758')[0]).toBe(`${lineOf(text, '  worker:', 'brokers:')} error brokers.worker`);
  });

  it('${brokers.X.port} with an unknown attribute is refused with the nearest one', () => {
    const a = analyzed(replace('${brokers.orders-mq.url}', '${brokers.orders-mq.uri}'));
    const d = a.diagnostics.find((x) => x.severity === 'error')!;
    expect(d.message).toContain('brokers have no attribute uri (host, port, url)');
  });
});

describe('pricing', () => {
  it('broker hours (one node single, three in a cluster) and storage are unpriced with their reason, never $0', () => {
    const lines = (env: string) => {
      const r = byId(all, env, 'OrdersMqBroker');
      return priceMeters([{ logicalId: r.logicalId, type: r.type, usage: r.usage }], 'us-east-1', loadSnapshotSource());
    };
    const production = lines('production');
    expect(production.lineItems).toEqual([]);
    expect(production.unpriced.map((u) => u.reason)).toEqual([
      expect.stringMatching(/^no Amazon MQ price in dex's sources yet: 2190 broker-instance hours a month of mq\.m7g\.large \(RabbitMQ, a three-node cluster/),
      expect.stringMatching(/storage/),
    ]);
    expect(lines('staging').unpriced[0]!.reason).toMatch(/730 broker-instance hours a month of mq\.t3\.micro \(RabbitMQ, single instance\)/);
  });
});

describe('compliance', () => {
  const report = (text: string) => {
    const c = compiledIn(analyzed(`compliance: [pci-dss, soc2]\n${text}`), 'production');
    return evaluateCompliance({ spec: c.spec, model: c.model!, data: {}, rules: COMPLIANCE_RULES });
  };
  const checksOf = (rule: string, text = TEXT) =>
    report(text)
      .controls.filter((x) => x.rule.id === rule)
      .flatMap((x) => x.checks)
      .filter((c) => /OrdersMqBroker\b/.test(c.message))
      .map((c) => `${c.ok ? 'pass' : 'fail'}: ${c.message}`);

  it('no public endpoint, database subnets only, TLS-only listeners', () => {
    expect(checksOf('BASE-NO-PUBLIC-DATA-STORES')).toContain('pass: OrdersMqBroker has no public endpoint');
    expect(checksOf('PCI-DSS-1.4.4')).toContain('pass: OrdersMqBroker places the data store in the database subnets only');
    expect(checksOf('BASE-ENCRYPTION-IN-TRANSIT')).toEqual(['pass: OrdersMqBroker accepts TLS connections only (Amazon MQ for RabbitMQ: AMQPS on 5671, HTTPS on 443)']);
  });

  it('encrypted at rest; under PCI DSS\'s customer-managed keys the AWS owned key is a named exception', () => {
    expect(checksOf('BASE-ENCRYPTION-AT-REST')).toEqual(['pass: OrdersMqBroker is encrypted at rest']);
    expect(checksOf('PCI-DSS-3.5.1')[0]).toMatch(/^pass: exception: OrdersMqBroker is a RabbitMQ broker, which Amazon MQ encrypts only with an AWS owned key/);
  });
});
