// Env values from emitted resources (issue 16): `${databases.x.endpoint}`, `.address`, `.port`,
// `${caches.x.endpoint}` and `${ingress.dnsName}` resolved per platform (the exact CloudFormation
// on ECS and EC2, a stack input read at deploy time on EKS), the templates valid against the
// resource schemas, and DEX793 located with did-you-mean.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { parsePermissionResource } from '../../spec/permissions.js';
import { referenceParts } from '../../spec/references.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';

const FILE = 'test/fixtures/network/env-references.dex.yaml';
const TEXT = readFileSync(FILE, 'utf8');
const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const byId = (a: Analysis, id: string) => resources(a).find((r) => r.logicalId === id)!;
const lineOf = (text: string, needle: string): number => {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`no ${needle}`);
  return text.slice(0, i).split('\n').length;
};
const replaced = (from: string, to: string): string => {
  if (!TEXT.includes(from)) throw new Error(`the fixture has no ${from}`);
  return TEXT.replace(from, to);
};
const dex793 = (text: string) => analyzed(text).diagnostics.filter((d) => d.code === 'DEX793');

describe('env values from emitted resources', () => {
  const a = analyzed(TEXT);
  const files = outTree(FILE);
  const file = (tail: string) => files.find((f) => f.path.endsWith(tail))!.content;

  it('the spec is valid', () => {
    expect(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  });

  it('ECS: Fn::GetAtt in the container definition, the port joined for an endpoint', () => {
    const task = byId(a, 'CatalogTaskDefinition').properties as { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] };
    const env = Object.fromEntries(task.ContainerDefinitions[0]!.Environment.map((e) => [e.Name, e.Value]));
    expect(env.RETAIL_CATALOG_PERSISTENCE_ENDPOINT).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['CatalogDatabase', 'Endpoint.Address'] }, ':5433']] });
    expect(env.PUBLIC_HOST).toEqual({ 'Fn::GetAtt': ['LoadBalancer', 'DNSName'] });
    // Across stacks, the split turns them into imports.
    const ecs = parse(file('cloudformation/refs-default-ecs.yaml')) as { Resources: Record<string, { Properties: { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] } }> };
    const emitted = Object.fromEntries(ecs.Resources.CatalogTaskDefinition!.Properties.ContainerDefinitions[0]!.Environment.map((e) => [e.Name, e.Value]));
    expect(emitted.PUBLIC_HOST).toEqual({ 'Fn::ImportValue': 'refs-default:LoadBalancer:DNSName' });
    expect(emitted.RETAIL_CATALOG_PERSISTENCE_ENDPOINT).toEqual({ 'Fn::Join': ['', [{ 'Fn::ImportValue': 'refs-default:CatalogDatabase:Endpoint-Address' }, ':5433']] });
  });

  it('EC2: the value goes into the env file from the user data, as CloudFormation, never as shell text', () => {
    const ec2 = file('cloudformation/refs-default-ec2.yaml');
    expect(ec2).toContain("- echo 'DB_ENDPOINT=\n                - Fn::Join:\n                    - \"\"\n                    - - Fn::ImportValue: refs-default:CatalogDatabase:Endpoint-Address\n                      - :5433\n");
    expect(ec2).toContain("- echo 'PUBLIC_HOST=\n                - Fn::ImportValue: refs-default:LoadBalancer:DNSName\n");
    expect(ec2).not.toContain('${ingress');
  });

  it('EKS: each reference is a stack input stack-outputs.sh reads at deploy time', () => {
    const outputs = file('kubernetes/stack-outputs.sh');
    expect(outputs).toContain(`aws elbv2 describe-load-balancers --region eu-west-1 --load-balancer-arns "$(phys 'refs-default-ingress' 'LoadBalancer')" --query 'LoadBalancers[0].DNSName' --output text)\nout ORDERS_PUBLIC_HOST "$v"`);
    expect(outputs).toContain(`--query 'DBInstances[0].Endpoint.Address' --output text)\nout ORDERS_DB_HOST "$v"`);
    expect(outputs).toContain(`--query 'ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Address' --output text)\nout ORDERS_CACHE_ENDPOINT "$v"':6379'`);
    expect(outputs).toContain(`--query 'ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Address' --output text)\nout ORDERS_REDIS_URL 'rediss://'"$v"':6379'`);
    const deployment = file('kubernetes/orders/deployment.yaml');
    expect(deployment).toContain('value: ${ORDERS_PUBLIC_HOST}');
    expect(deployment).toContain('value: ${ORDERS_CACHE_ENDPOINT}');
    // A port is known when dex compiles: a plain value.
    expect(deployment).toMatch(/name: DB_PORT\n\s+value: "5433"/);
  });

  it('the templates pass the CloudFormation resource schemas', () => {
    const plan = JSON.parse(file('default/plan.json')) as { stacks: { name: string; file: string }[] };
    const stacks = plan.stacks.map((st) => ({ name: st.name, template: parse(file(`default/${st.file}`)) as unknown }));
    for (const st of stacks) expect(validateTemplate(st.template), st.name).toEqual([]);
    expect(validateStackSet(stacks)).toEqual([]);
  });

  it('shares the ${...} parser with permissions', () => {
    expect(referenceParts('${databases.orders.arn}')).toEqual(['databases', 'orders', 'arn']);
    expect(referenceParts('x${databases.orders.arn}')).toBeUndefined();
    expect(parsePermissionResource('${databases.orders.arn}')).toEqual({ kind: 'reference', to: 'databases', name: 'orders' });
    expect(parsePermissionResource('${queues.jobs.arn}')).toEqual({ kind: 'reference', to: 'queues', name: 'jobs' });
    expect(parsePermissionResource('${widgets.jobs.arn}')).toEqual({ kind: 'bad-reference', text: 'widgets.jobs.arn' });
  });
});

describe('DEX793', () => {
  const line = (text: string, needle: string) => `${lineOf(text, needle)}`;
  it('an unknown name, with did-you-mean, at the value', () => {
    const text = replaced('DB_HOST: ${databases.catalog.address}', 'DB_HOST: ${databases.catalgo.address}');
    const [d, ...rest] = dex793(text);
    expect(rest).toEqual([]);
    expect(`${d!.range?.start.line}:${d!.range?.start.col} ${d!.path.join('.')}`).toBe(`${line(text, 'catalgo')}:16 services.orders.env.DB_HOST`);
    expect(d!.message).toContain('no databases named catalgo');
    expect(d!.hint).toBe('did you mean ${databases.catalog.address}?');
    // An unresolvable reference stops the build before any emitter meets it.
    expect(analyzed(text).diagnostics.filter((x) => x.code === 'DEX999')).toEqual([]);
  });

  it('an unknown attribute or kind, with did-you-mean', () => {
    expect(dex793(replaced('${databases.catalog.port}', '${databases.catalog.prot}'))[0]!.hint).toBe('did you mean ${databases.catalog.port}?');
    expect(dex793(replaced('PUBLIC_HOST: ${ingress.dnsName}\n  orders', 'PUBLIC_HOST: ${ingres.dnsName}\n  orders'))[0]!.hint).toBe('did you mean ${ingress.dnsName}?');
    const kinds = dex793(replaced('${caches.sessions.endpoint}', '${cache.sessions.endpoint}'))[0]!;
    expect(kinds.message).toContain('cache is not a kind');
    expect(kinds.hint).toBe('did you mean ${caches.sessions.endpoint}?');
  });

  it('part of a longer string is refused, with the whole reference offered', () => {
    const d = dex793(replaced('DB_ENDPOINT: ${databases.catalog.endpoint}', 'DB_ENDPOINT: "jdbc:postgresql://${databases.catalog.endpoint}/app"'))[0]!;
    expect(d.message).toContain('the whole value');
    expect(d.hint).toBe('did you mean ${databases.catalog.endpoint}?');
  });

  it('${ingress.dnsName} without a load balancer', () => {
    const text = replaced('    expose: { public: true, path: / }\n', '');
    const found = dex793(text);
    expect(found.map((d) => d.path.join('.'))).toEqual(['services.catalog.env.PUBLIC_HOST', 'services.orders.env.PUBLIC_HOST', 'services.worker.env.PUBLIC_HOST']);
    expect(found[0]!.message).toContain('no load balancer');
  });

  it('a plain value, or the application\'s own placeholder, is left alone and passed as written', () => {
    expect(dex793(replaced('DB_PORT: ${databases.catalog.port}', 'DB_PORT: "5432"'))).toEqual([]);
    const own = replaced('PUBLIC_HOST: ${ingress.dnsName}\n  orders', 'PUBLIC_HOST: ${ingress.dnsName}\n      APP_PORT: "${PORT}"\n      DB_URL: "jdbc:${spring.datasource.url}"\n  orders');
    const a = analyzed(own);
    expect(a.diagnostics.filter((d) => d.code === 'DEX793')).toEqual([]);
    const task = byId(a, 'CatalogTaskDefinition').properties as { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] };
    const env = Object.fromEntries(task.ContainerDefinitions[0]!.Environment.map((e) => [e.Name, e.Value]));
    expect([env.APP_PORT, env.DB_URL]).toEqual(['${PORT}', 'jdbc:${spring.datasource.url}']);
  });
});

describe('bucket and table names', () => {
  const RETAIL = readFileSync('examples/retail-store/dex.yaml', 'utf8');
  const env = (a: Analysis, environment: string, service: string): Record<string, unknown> => {
    const c = a.compiled.find((x) => x.environment === environment)!;
    const task = c.model!.resources.find((r) => r.type === 'AWS::ECS::TaskDefinition' && r.origin[1] === service)!;
    const container = (task.properties as { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] }).ContainerDefinitions[0]!;
    return Object.fromEntries(container.Environment.map((e) => [e.Name, e.Value]));
  };

  it('${tables.carts.name} is the name dex gives the table in each environment, a plain string', () => {
    const a = analyzed(RETAIL);
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(env(a, 'staging', 'carts').RETAIL_CART_PERSISTENCE_DYNAMODB_TABLE_NAME).toBe('retail-store-staging-carts');
    expect(env(a, 'production', 'carts').RETAIL_CART_PERSISTENCE_DYNAMODB_TABLE_NAME).toBe('retail-store-production-carts');
    // The same name the table resource gets, and CARTS_TABLE.
    const table = analyzed(RETAIL).compiled.find((x) => x.environment === 'staging')!.model!.resources.find((r) => r.type === 'AWS::DynamoDB::Table')!;
    expect((table.properties as { TableName: string }).TableName).toBe('retail-store-staging-carts');
    expect(env(a, 'staging', 'carts').CARTS_TABLE).toBe('retail-store-staging-carts');
  });

  it('${buckets.X.name} likewise, and a misspelt table is DEX793 with the near name', () => {
    const a = analyzed(RETAIL.replace('RETAIL_CART_PERSISTENCE_PROVIDER: dynamodb\n', 'RETAIL_CART_PERSISTENCE_PROVIDER: dynamodb\n      IMAGES: ${buckets.product-images.name}\n'));
    expect(String(env(a, 'staging', 'carts').IMAGES)).toMatch(/^retail-store-staging-product-images-[0-9a-f]{8}$/);
    const [d] = analyzed(RETAIL.replace('${tables.carts.name}', '${tables.cart.name}')).diagnostics.filter((x) => x.code === 'DEX793');
    expect(d?.hint).toContain('${tables.carts.name}');
  });
});
