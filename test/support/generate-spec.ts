// Generated dex.yaml specs of any size, for scale tests and the benchmark. Each service's traits
// depend only on (seed, its index), so generateSpec(n + 1, s) is generateSpec(n, s) plus one service:
// exactly what the stable-ID tests need.
import { stringify } from 'yaml';

export interface GeneratedService {
  readonly name: string;
  readonly placement: 'eks' | 'ecs' | 'ec2';
  readonly port: number;
  readonly public: boolean;
  readonly uses: readonly string[];
  readonly secrets: readonly string[];
  readonly size: 0 | 1 | 2;
  readonly minReplicas: number;
}

export interface GeneratedSpecParts {
  readonly name: string;
  readonly services: readonly GeneratedService[];
  readonly databases: readonly string[];
  readonly caches: readonly string[];
}

/** mulberry32: a tiny seeded PRNG, so a seed always gives the same spec. */
export function prng(seed: number): () => number {
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
] as const;

/** At most this many public services: one ALB has 100 listener rules (priorities) by default. */
const MAX_PUBLIC = 50;

/** Databases and caches that exist once a spec has `count` services (they grow with it, never renumber). */
const databasesFor = (count: number): number => Math.max(1, Math.min(20, Math.ceil(count / 40)));
const cachesFor = (count: number): number => Math.max(1, Math.min(10, Math.ceil(count / 80)));

export function generateParts(n: number, seed = 1, name = `gen-${seed}`): GeneratedSpecParts {
  const databases = Array.from({ length: databasesFor(n) }, (_, k) => `db-${k + 1}`);
  const caches = Array.from({ length: cachesFor(n) }, (_, k) => `cache-${k + 1}`);
  const services: GeneratedService[] = [];
  let publicCount = 0;
  for (let i = 0; i < n; i++) {
    const rand = prng(seed * 1_000_003 + i * 7919);
    const name = `${WORDS[i % WORDS.length]}-${i + 1}`;
    const roll = rand();
    const placement = roll < 0.5 ? 'ecs' : roll < 0.85 ? 'eks' : 'ec2';
    const uses: string[] = [];
    // Databases and caches of the service's "neighbourhood" (indexes fixed by i), and sometimes an
    // earlier service (never a later one: `uses` between services must not form a cycle).
    // Only databases and caches that already existed when service i was added: adding a service
    // never changes what the earlier ones use.
    if (rand() < 0.6) uses.push(`db-${(i % databasesFor(i + 1)) + 1}`);
    if (rand() < 0.4) uses.push(`cache-${(i % cachesFor(i + 1)) + 1}`);
    if (i > 0 && rand() < 0.3) uses.push(`${WORDS[(i - 1) % WORDS.length]}-${i}`);
    const isPublic = placement !== 'ec2' && publicCount < MAX_PUBLIC && rand() < 0.25;
    if (isPublic) publicCount++;
    services.push({
      name,
      placement,
      port: 3000 + i,
      public: isPublic,
      uses,
      secrets: rand() < 0.25 ? [`${WORDS[i % WORDS.length]!.toUpperCase()}_API_KEY`] : [],
      size: Math.floor(rand() * 3) as 0 | 1 | 2,
      minReplicas: 1 + Math.floor(rand() * 2),
    });
  }
  return { name, services, databases, caches };
}

/** A valid dex.yaml text with n services mixing placements, databases, caches and `uses`. */
export function generateSpec(n: number, seed = 1, name?: string): string {
  return renderSpec(generateParts(n, seed, name));
}

export function renderSpec(parts: GeneratedSpecParts): string {
  const hasEks = parts.services.some((s) => s.placement === 'eks');
  const hasEcs = parts.services.some((s) => s.placement === 'ecs');
  const services: Record<string, unknown> = {};
  for (const s of parts.services) {
    const size = FARGATE_SIZES[s.size];
    services[s.name] = {
      language: 'typescript',
      port: s.port,
      placement: s.placement,
      ...(s.placement === 'ec2' ? { instanceType: 't3.small' } : { resources: { cpu: size.cpu, memory: size.memory } }),
      scaling: { min: s.minReplicas, max: s.minReplicas + 3 },
      health: { path: '/health' },
      expose: s.public ? { public: true, path: `/api/${s.name}` } : { public: false },
      ...(s.uses.length ? { uses: [...s.uses] } : {}),
      ...(s.secrets.length ? { secrets: [...s.secrets] } : {}),
    };
  }
  const spec: Record<string, unknown> = {
    dex: 1,
    name: parts.name,
    region: 'us-east-1',
    tags: { owner: 'scale-test' },
    network: { cidr: '10.0.0.0/16', availabilityZones: 2, natGateways: 'single', endpoints: ['s3', 'ecr', 'logs'] },
    ingress: {
      loadBalancer: 'alb',
      tls: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000' },
    },
    platforms: {
      ...(hasEks ? { eks: { version: '1.33', nodeGroups: [{ name: 'default', instanceType: 'm5.large', min: 2, max: 20 }] } } : {}),
      ...(hasEcs ? { ecs: { capacity: 'fargate' } } : {}),
    },
    services,
    databases: Object.fromEntries(parts.databases.map((d) => [d, { engine: 'postgres', version: '16', instanceClass: 'db.t3.medium', storageGiB: 50 }])),
    caches: Object.fromEntries(parts.caches.map((c) => [c, { engine: 'redis', nodeType: 'cache.t3.micro', nodes: { min: 1, max: 2 } }])),
    monitoring: {
      logs: { retentionDays: 30 },
      alerts: [{ name: 'HighCpu', metric: 'cpu', above: 80, for: '5m' }],
      notify: { email: 'oncall@example.com' },
    },
    environments: { staging: {}, production: {} },
  };
  return `# Generated by test/support/generate-spec.ts (${parts.services.length} services).\n${stringify(spec, { lineWidth: 0 })}`;
}
