// DEX346: an instance type, database class or cache node type the deployment uses that the
// offline price snapshot has no price for in the spec's region — the plan would show it
// unpriced. Found before `dex plan`, from each region's list of priced classes (read by the CLI
// from the region pack alone), with the nearest priced alternatives.
import type { Finding, SpecPath } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { ResourceModel } from '../model/types.js';
import type { PricedClasses } from './snapshot.js';

/** Classes the model meters, so that a default nobody deploys (an unused node group) is not reported. */
function meteredClasses(model: ResourceModel): { ec2: Set<string>; rds: Set<string>; cache: Set<string> } {
  const out = { ec2: new Set<string>(), rds: new Set<string>(), cache: new Set<string>() };
  for (const r of model.resources) {
    for (const m of r.usage) {
      const a = m.attributes;
      if (m.meter === 'ec2.instance' && a.instanceType) out.ec2.add(a.instanceType);
      if (m.meter === 'rds.instance' && a.instanceClass) out.rds.add(`${rdsEngine(a.engine)}|${a.instanceClass}|${/multi/i.test(a.deployment ?? '') ? 'Multi-AZ' : 'Single-AZ'}`);
      if (m.meter === 'elasticache.node' && a.nodeType) out.cache.add(`${cacheEngine(a.engine)}|${a.nodeType}`);
    }
  }
  return out;
}
const rdsEngine = (e: string | undefined) => (/mysql/i.test(e ?? '') ? 'mysql' : 'postgresql');
const cacheEngine = (e: string | undefined) => (/valkey/i.test(e ?? '') ? 'Valkey' : 'Redis');

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * Up to three priced names nearest to `name`: the same family first (t3.medium → t3.large), then
 * the same size in another family (t3.medium → t3a.medium), then by edit distance.
 */
export function nearestPriced(name: string, priced: Iterable<string>): string[] {
  const [family, size] = splitClass(name);
  const score = (c: string) => {
    const [f, s] = splitClass(c);
    return (f === family ? 0 : s === size ? 100 : 200) + distance(name, c);
  };
  return [...priced].map((c) => [c, score(c)] as const).sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 3).map(([c]) => c);
}
function splitClass(name: string): [string, string] {
  const parts = name.split('.');
  return [parts.slice(0, -1).join('.'), parts[parts.length - 1] ?? ''];
}

interface Use {
  readonly path: SpecPath;
  readonly what: string;
  readonly name: string;
  readonly kind: 'ec2' | 'rds' | 'cache';
  /** The key in PricedClasses / the metered set. */
  readonly key: string;
}

/** Where the spec names each class the model meters. */
function uses(spec: NormalizedSpec): Use[] {
  const out: Use[] = [];
  const ec2 = (path: SpecPath, what: string, name: string | undefined) => {
    if (name) out.push({ path, what, name, kind: 'ec2', key: name });
  };
  ec2(['network', 'bastion', 'instanceType'], 'the bastion', spec.network.bastion.instanceType);
  spec.platforms.eks.nodeGroups.forEach((g, i) => ec2(['platforms', 'eks', 'nodeGroups', i, 'instanceType'], `EKS node group ${g.name}`, g.instanceType));
  for (const [name, s] of Object.entries(spec.services)) if (s.placement === 'ec2') ec2(['services', name, 'instanceType'], `service ${name}`, s.instanceType);
  ec2(['monitoring', 'prometheus', 'instanceType'], 'Prometheus', spec.monitoring.prometheus.instanceType);
  ec2(['monitoring', 'grafana', 'instanceType'], 'Grafana', spec.monitoring.grafana.instanceType);
  for (const [name, d] of Object.entries(spec.databases)) {
    out.push({ path: ['databases', name, 'instanceClass'], what: `database ${name}`, name: d.instanceClass, kind: 'rds', key: `${rdsEngine(d.engine)}|${d.instanceClass}|${d.multiAz ? 'Multi-AZ' : 'Single-AZ'}` });
  }
  for (const [name, c] of Object.entries(spec.caches)) {
    out.push({ path: ['caches', name, 'nodeType'], what: `cache ${name}`, name: c.nodeType, kind: 'cache', key: `${cacheEngine(c.engine)}|${c.nodeType}` });
  }
  return out;
}

/** DEX346 findings for one environment's spec and model; `classes(region)` undefined = no offline prices there at all. */
export function checkPricedClasses(spec: NormalizedSpec, model: ResourceModel, classes: (region: string) => PricedClasses | undefined): Finding[] {
  const priced = classes(spec.region);
  if (!priced) return [];
  const metered = meteredClasses(model);
  const findings: Finding[] = [];
  for (const u of uses(spec)) {
    const inModel = u.kind === 'ec2' ? metered.ec2 : u.kind === 'rds' ? metered.rds : metered.cache;
    if (!inModel.has(u.key)) continue;
    const [engine, , deployment] = u.key.split('|');
    const names = u.kind === 'ec2' ? [...priced.ec2]
      : u.kind === 'rds' ? [...priced.rds].filter((k) => k.startsWith(`${engine}|`) && k.endsWith(`|${deployment}`)).map((k) => k.split('|')[1]!)
        : [...priced.elasticache].filter((k) => k.startsWith(`${engine}|`)).map((k) => k.split('|')[1]!);
    const has = u.kind === 'ec2' ? priced.ec2.has(u.key) : u.kind === 'rds' ? priced.rds.has(u.key) : priced.elasticache.has(u.key);
    if (has) continue;
    const label = u.kind === 'ec2' ? 'EC2 instance type' : u.kind === 'rds' ? `RDS ${engine === 'mysql' ? 'MySQL' : 'PostgreSQL'} ${deployment} class` : `ElastiCache ${engine === 'Redis' ? 'Redis OSS' : engine} node type`;
    const near = nearestPriced(u.name, names);
    findings.push({
      code: 'DEX346',
      severity: 'warning',
      message: `${label} ${u.name} (${u.what}) has no offline price in ${spec.region}: dex plan will show it unpriced`,
      path: u.path,
      hint: near.length > 0
        ? `did you mean ${near.join(', ')}? (priced in ${spec.region}); or run \`dex pricing refresh --region ${spec.region}\` with AWS credentials to price ${u.name}`
        : `dex's offline prices have no ${u.kind === 'ec2' ? 'EC2' : u.kind === 'rds' ? 'RDS' : 'ElastiCache'} classes for ${spec.region}; run \`dex pricing refresh --region ${spec.region}\` with AWS credentials, or plan with \`--pricing live\``,
    });
  }
  return findings;
}
