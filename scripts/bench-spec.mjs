// A realistic dex.yaml of any size, for `npm run bench` (and scripts/check-scale.mjs): services
// with `uses` links to earlier services and to databases and caches, secrets, public services
// with exposed paths, alerts naming services, ecs/eks/ec2 placements, and staging/production
// overlays. Plain JavaScript on purpose: the bench runs it without a TypeScript step, and the
// tests never depend on it (their generator is test/support/generate-spec.ts).
//
//   node scripts/bench-spec.mjs N [FILE]     writes the spec (stdout without FILE)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

/** mulberry32: a seed always gives the same spec. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['orders', 'payments', 'ledger', 'kyc', 'aml', 'chart', 'quotes', 'wallet', 'notify', 'search', 'users', 'auth', 'risk', 'audit', 'report', 'price', 'feed', 'match', 'settle', 'custody'];
const FARGATE_SIZES = [
  { cpu: 0.25, memory: '512MiB' },
  { cpu: 0.5, memory: '1GiB' },
  { cpu: 1, memory: '2GiB' },
];
const EC2_TYPES = ['t3.small', 't3.medium'];
/**
 * One ALB holds 100 listener rules and 100 target groups by default (an adjustable quota dex does
 * not check): the generated system keeps its public APIs well under that.
 */
const MAX_PUBLIC = 60;
const databasesFor = (n) => Math.max(1, Math.min(24, Math.ceil(n / 40)));
const cachesFor = (n) => Math.max(1, Math.min(12, Math.ceil(n / 80)));

/** The parts of an n-service system; service i depends only on (seed, i). */
export function benchParts(n, seed = 7) {
  const databases = Array.from({ length: databasesFor(n) }, (_, k) => `db-${k + 1}`);
  const caches = Array.from({ length: cachesFor(n) }, (_, k) => `cache-${k + 1}`);
  const services = [];
  let publicCount = 0;
  for (let i = 0; i < n; i++) {
    const rand = prng(seed * 1_000_003 + i * 7919);
    const name = `${WORDS[i % WORDS.length]}-${i + 1}`;
    const roll = rand();
    const placement = roll < 0.5 ? 'ecs' : roll < 0.85 ? 'eks' : 'ec2';
    const uses = [];
    if (rand() < 0.7) uses.push(`db-${(i % databasesFor(i + 1)) + 1}`);
    if (rand() < 0.5) uses.push(`cache-${(i % cachesFor(i + 1)) + 1}`);
    // Links only to earlier services, so `uses` never forms a cycle.
    const links = i === 0 ? 0 : Math.floor(rand() * 3);
    for (let k = 0; k < links; k++) {
      const j = Math.floor(rand() * Math.min(i, 50)) + Math.max(0, i - 50);
      const target = `${WORDS[j % WORDS.length]}-${j + 1}`;
      if (!uses.includes(target)) uses.push(target);
    }
    const isPublic = placement !== 'ec2' && publicCount < MAX_PUBLIC && rand() < 0.2;
    if (isPublic) publicCount++;
    const secrets = [];
    const secretRoll = rand();
    if (secretRoll < 0.4) secrets.push(`${WORDS[i % WORDS.length].toUpperCase()}_API_KEY`);
    if (secretRoll < 0.1) secrets.push('SIGNING_KEY');
    const minReplicas = 1 + Math.floor(rand() * 3);
    services.push({ name, placement, port: 4000 + i, isPublic, uses, secrets, size: Math.floor(rand() * 3), minReplicas, ec2Type: EC2_TYPES[Math.floor(rand() * 2)] });
  }
  return { services, databases, caches };
}

export function benchSpec(n, seed = 7) {
  const { services, databases, caches } = benchParts(n, seed);
  const out = {};
  for (const s of services) {
    const size = FARGATE_SIZES[s.size];
    out[s.name] = {
      language: 'typescript',
      port: s.port,
      placement: s.placement,
      ...(s.placement === 'ec2' ? { instanceType: s.ec2Type } : { resources: { cpu: size.cpu, memory: size.memory } }),
      scaling: { min: s.minReplicas, max: s.minReplicas + 4, targetCpuPercent: 70 },
      health: { path: '/health' },
      expose: s.isPublic ? { public: true, path: `/api/${s.name}` } : { public: false },
      ...(s.uses.length ? { uses: s.uses } : {}),
      ...(s.secrets.length ? { secrets: s.secrets } : {}),
    };
  }
  const names = services.map((s) => s.name);
  const some = (step, offset = 0) => names.filter((_, i) => i % step === offset).slice(0, 40);
  const stagingServices = {};
  services.forEach((s, i) => {
    if (i % 4 === 0) stagingServices[s.name] = { scaling: { min: 1, max: 2 } };
  });
  const spec = {
    dex: 1,
    name: `bench-${n}`,
    region: 'eu-west-1',
    tags: { owner: 'platform-team', 'cost-center': 'bench' },
    network: {
      cidr: '10.0.0.0/16',
      availabilityZones: 2,
      natGateways: 'perAz',
      bastion: { instanceType: 't3.micro', allowedCidrs: ['203.0.113.0/24'] },
      flowLogs: { retentionDays: 365 },
      endpoints: ['s3', 'ecr', 'secretsmanager', 'logs'],
    },
    ingress: {
      loadBalancer: 'alb',
      tls: { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000', policy: 'tls13' },
      waf: { managedRules: ['common', 'knownBadInputs', 'sqli'], rateLimitPer5Min: 2000 },
    },
    platforms: {
      eks: { version: '1.35', endpointAccess: 'private', nodeGroups: [{ name: 'default', instanceType: 'm5.large', min: 2, max: 40 }] },
      ecs: { capacity: 'fargate' },
    },
    services: out,
    databases: Object.fromEntries(databases.map((d, k) => [d, { engine: 'postgres', version: '16', instanceClass: 'db.t3.medium', multiAz: true, storageGiB: 50 + 10 * (k % 5), backupRetentionDays: 7 }])),
    caches: Object.fromEntries(caches.map((c) => [c, { engine: 'redis', nodeType: 'cache.t3.micro', nodes: { min: 1, max: 2 } }])),
    monitoring: {
      tracing: 'xray',
      logs: { retentionDays: 365 },
      alerts: [
        { name: 'HighCpu', metric: 'cpu', above: 80, for: '5m' },
        { name: 'HighMemory', metric: 'memory', above: 85, for: '5m' },
        { name: 'HighErrorRate', metric: 'http5xxPercent', above: 1, for: '5m', severity: 'critical' },
        { name: 'SlowResponses', metric: 'p95LatencyMs', above: 500, for: '10m', services: some(7) },
        { name: 'HotServices', metric: 'cpu', above: 90, for: '2m', severity: 'critical', services: some(11, 3) },
        { name: 'DatabaseCpu', metric: 'dbCpu', above: 80, for: '10m' },
        { name: 'CacheMemory', metric: 'cacheMemory', above: 80, for: '10m' },
      ],
      notify: { email: 'oncall@example.com' },
    },
    compliance: ['soc2', 'pci-dss', 'gdpr'],
    data: { personal: true, payment: true },
    cicd: {
      provider: 'github-actions',
      source: { repository: 'acme/bench', branch: 'main' },
      stages: {
        staging: { deploy: 'auto', verify: 'npm run test:integration' },
        production: { approval: 'manual', reviewers: ['acme/release-managers'], strategy: 'blue-green', verify: 'npm run test:smoke' },
      },
    },
    environments: {
      staging: {
        network: { natGateways: 'single' },
        databases: Object.fromEntries(databases.map((d) => [d, { multiAz: false }])),
        services: stagingServices,
      },
      production: { monitoring: { logs: { retentionDays: 400 } }, services: Object.fromEntries(names.filter((_, i) => i % 10 === 5).map((n) => [n, { scaling: { max: 12 } }])) },
    },
    usage: { dataTransferOutGiB: 500, natProcessedGiB: 200 },
    budget: { monthlyUsd: 10_000_000, alertEmails: ['finance@example.com'] },
  };
  return `# Generated by scripts/bench-spec.mjs (${n} services).\n${stringify(spec, { lineWidth: 0 })}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 100);
  const text = benchSpec(n);
  if (process.argv[3]) writeFileSync(process.argv[3], text);
  else process.stdout.write(text);
}
