// Names that collide once dex derives IDs from them (DEX324–DEX327): each case the issue and the
// fuzzer (test/compiler/no-internal-errors.test.ts) found, as a spec that used to pass `dex
// validate` and then merge resources silently or crash `dex emit` (DEX999).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec, type Analysis } from '../../../pipeline/analyze.js';
import { compileEmit, emitTargets } from '../../../pipeline/emit.js';
import { DEX_COMPONENT_IDS, RESERVED_SERVICE_PHYSICAL_NAMES, SERVICE_ID_SUFFIXES } from '../../../compiler/model/ids.js';
import { fixedClock } from '../../support/clock.js';

const HEAD = `dex: 1
name: demo
region: ap-south-1
ingress:
  tls: { certificateArn: arn:aws:acm:ap-south-1:123456789012:certificate/00000000-0000-0000-0000-000000000000 }
network:
  bastion: { allowedCidrs: [203.0.113.0/24] }
`;

const analyse = (body: string): Analysis => analyzeSpec(new TextEncoder().encode(HEAD + body), 'inline.yaml', { today: fixedClock });
const errors = (body: string) => analyse(body).diagnostics.filter((d) => d.severity === 'error');

describe('derived-name collisions', () => {
  it('rejects names whose logical IDs coincide once hyphens are dropped (svc1-2 and svc12)', () => {
    const [e, ...rest] = errors('services:\n  svc1-2: { port: 8080, placement: ecs }\n  svc12: { port: 8081, placement: ecs }\n');
    expect(rest).toEqual([]);
    expect(e!.code).toBe('DEX324');
    expect(e!.message).toContain('service svc12');
    expect(e!.message).toContain('service svc1-2');
    expect(e!.hint).toContain('services.svc1-2');
    expect(`${e!.line}:${e!.col}`).toBe('10:3');
  });

  it('rejects a service whose group would be a database\'s (orders-database beside database orders)', () => {
    const [e] = errors('services:\n  orders-database: { port: 8080, placement: ecs }\ndatabases:\n  orders: {}\n');
    expect(e!.code).toBe('DEX324');
    expect(e!.message).toMatch(/service orders-database and database orders derive the same logical ID OrdersDatabaseSecurityGroup/);
    expect(e!.path).toEqual(['services', 'orders-database']);
    expect(e!.hint).toContain('databases.orders');
  });

  it('rejects secrets whose IDs coincide, within a service and with a cache\'s AUTH token secret', () => {
    expect(errors('services:\n  api: { port: 8080, placement: ecs, secrets: [API_KEY, API__KEY] }\n').map((d) => [d.code, d.path])).toEqual([['DEX324', ['services', 'api', 'secrets', 1]]]);
    const [e] = errors('services:\n  orders: { port: 8080, placement: ecs, secrets: [CACHE_AUTH] }\ncaches:\n  orders: {}\n');
    expect(e!.code).toBe('DEX324');
    expect(e!.message).toContain('OrdersCacheAuthSecret');
  });

  it("rejects a secret whose ID is a Redis OSS 6 cache user's password secret", () => {
    const body = 'services:\n  orders: { port: 8080, placement: ecs, uses: [redis] }\n  redis-cache-orders: { port: 8081, placement: ecs, secrets: [USER] }\ncaches:\n  redis: { version: "6.2" }\n';
    const [e, ...rest] = errors(body);
    expect(rest).toEqual([]);
    expect(e!.code).toBe('DEX324');
    expect(e!.message).toContain('RedisCacheOrdersUserSecret');
    expect(e!.message).toContain('password secret of a service');
    // On Redis OSS 7 the user has no secret: no collision.
    expect(errors(body.replace('version: "6.2"', 'version: "7.1"'))).toEqual([]);
  });

  it("rejects alerts whose alarms coincide with another alert's", () => {
    const body = 'services:\n  api-xy: { port: 8080, placement: ecs }\n  xy: { port: 8081, placement: ecs }\nmonitoring:\n  alerts:\n    - { name: HighCpu, metric: cpu, above: 80, for: 5m, services: [api-xy] }\n    - { name: HighCpuApi, metric: cpu, above: 90, for: 5m, services: [xy] }\n';
    const [e] = errors(body);
    expect(e!.code).toBe('DEX324');
    expect(e!.message).toContain('HighCpuApiXyAlarm');
  });

  it('rejects duplicate alert names, also when only the first letter\'s case differs', () => {
    const body = 'services:\n  api: { port: 8080, placement: ecs }\nmonitoring:\n  alerts:\n    - { name: HighCpu, metric: cpu, above: 80, for: 5m }\n    - { name: highCpu, metric: cpu, above: 95, for: 1m }\n';
    expect(errors(body).map((d) => [d.code, d.path, d.message.includes('monitoring.alerts.0')])).toEqual([['DEX327', ['monitoring', 'alerts', 1, 'name'], true]]);
  });

  it('reserves the names of dex\'s own components, whether or not they are enabled', () => {
    for (const name of ['bastion', 'alb', 'prometheus-server', 'grafana-server', 'eks-cluster-autoscaler', 'eks-node', 'codebuild', 'kube-system']) {
      const found = errors(`services:\n  ${name}: { port: 8080, placement: ecs }\n`);
      expect(found.map((d) => [d.code, d.path]), name).toEqual([['DEX325', ['services', name]]]);
    }
  });

  it('lists every reserved service name in docs/diagnostics.md and in the schema', () => {
    const docs = readFileSync('docs/diagnostics.md', 'utf8');
    const section = docs.slice(docs.indexOf('## DEX325'), docs.indexOf('## DEX326'));
    const schema = (JSON.parse(readFileSync('schema.json', 'utf8')) as { properties: { services: { description: string } } }).properties.services.description;
    const kebab = (pascalName: string): string => pascalName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    const reserved = new Set(Object.keys(RESERVED_SERVICE_PHYSICAL_NAMES));
    for (const id of Object.keys(DEX_COMPONENT_IDS)) for (const suffix of SERVICE_ID_SUFFIXES) if (id.endsWith(suffix) && id !== suffix) reserved.add(kebab(id.slice(0, -suffix.length)));
    expect([...reserved].filter((name) => !section.includes(`\`${name}\``) || !new RegExp(`(^|[ ,:])${name}[,.]`).test(schema))).toEqual([]);
    for (const name of reserved) {
      expect(errors(`services:\n  ${name}: { port: 8080, placement: ecs }\n`).map((d) => d.code), name).toEqual(['DEX325']);
    }
  });

  it('rejects more public services than a listener holds, at the first that does not fit', () => {
    const services = (n: number): string => Array.from({ length: n }, (_, i) => `  s${String(i).padStart(3, '0')}: { port: 8080, placement: ecs, expose: { public: true, path: /s${i} } }\n`).join('');
    expect(errors(`services:\n${services(100)}`)).toEqual([]);
    const [e, ...rest] = errors(`services:\n${services(450)}`);
    expect(rest).toEqual([]);
    expect(e!.code).toBe('DEX326');
    expect(e!.path).toEqual(['services', 's100', 'expose', 'public']);
  });

  it('rejects two EKS node groups of one name (found by the fuzzer)', () => {
    const body = 'platforms:\n  eks:\n    nodeGroups:\n      - { name: default, instanceType: m5.large, min: 1, max: 3 }\n      - { name: default, instanceType: m5.large, min: 1, max: 2 }\nservices:\n  api: { port: 8080, placement: eks }\n';
    const found = errors(body);
    expect(found.map((d) => [d.code, d.path])).toEqual([['DEX324', ['platforms', 'eks', 'nodeGroups', 1, 'name']]]);
    expect(found[0]!.hint).toContain('platforms.eks.nodeGroups.0.name');
  });

  it('gives databases whose backup vault names agree on their first 50 characters a vault each', () => {
    const long = 'a'.repeat(36);
    const body = `services:\n  api: { port: 8080, placement: ecs }\ndatabases:\n  ${long}-one: { crossRegionBackupTo: ap-south-2 }\n  ${long}-two: { crossRegionBackupTo: ap-south-2 }\nenvironments:\n  staging: {}\n`;
    // demo-staging-aaa…: the environment's prefix pushes -one and -two past the 50th character,
    // where a plain cut made one vault of two (DEX324); the cut keeps a hash of the whole name.
    const a = analyse(body);
    expect(errors(body)).toEqual([]);
    const staging = a.compiled.find((c) => c.environment === 'staging')!;
    const vaults = staging.model!.resources.filter((r) => r.type === 'AWS::Backup::BackupVault').map((r) => r.properties.BackupVaultName as string);
    expect(vaults).toHaveLength(2);
    expect(new Set(vaults).size).toBe(2);
    for (const v of vaults) expect(v).toMatch(/^demo-staging-a{28}-[0-9a-f]{8}$/);
  });

  it('keeps the model builder as the last line of defence', () => {
    // Without the rules the same spec reaches the model, which refuses the duplicate ID.
    const body = 'services:\n  svc1-2: { port: 8080, placement: ecs }\n  svc12: { port: 8081, placement: ecs }\n';
    const registries = analyse('services:\n  a: { port: 8080, placement: ecs }\n').registries;
    const a = analyzeSpec(new TextEncoder().encode(HEAD + body), 'inline.yaml', {
      today: fixedClock,
      registries: { ...registries, semanticRules: (today) => registries.semanticRules(today).filter((r) => r.id !== 'derived-names') },
    });
    expect(a.compiled.some((c) => c.modelError?.message.includes('duplicate logical ID Svc12'))).toBe(true);
    expect(() => emitTargets(a).map((c) => compileEmit(c))).toThrow(/duplicate logical ID/);
  });
});
