// Buckets and tables (`buckets:`, `tables:`, the `{ bucket: … }` / `{ table: … }` items of `uses`):
// what the schema cannot say. A table needs a partition key; a key attribute has one type; a
// bucket replicates to one region other than its own, with versioning; S3's lifecycle ordering;
// a service names only buckets and tables that exist, once each, and a plain name in `uses`
// that is both a bucket or table and a database or cache is ambiguous.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec, NormalizedTable, NormalizedTableKey } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';
import { backupRegion } from '../model/stores.js';
import type { SemanticRule } from './index.js';

/** DynamoDB allows at most 20 global secondary indexes per table. */
const MAX_INDEXES = 20;
/** S3: an object stays at least 30 days in Standard-IA before a lifecycle rule moves it on. */
const IA_MINIMUM_DAYS = 30;

function tableFindings(t: NormalizedTable): Finding[] {
  const at = ['tables', t.name];
  const out: Finding[] = [];
  if (t.partition === undefined) {
    out.push({ code: 'DEX720', message: `table ${t.name} has no partition key`, path: at, atKey: true, hint: 'add keys: { partition: { name: id, type: string } }' });
  }
  // Every attribute that is a key of the table or an index has one type (one AttributeDefinition).
  const types = new Map<string, NormalizedTableKey['type']>();
  const keyAt = (k: NormalizedTableKey | undefined, path: (string | number)[]): void => {
    if (!k) return;
    const seen = types.get(k.name);
    if (seen === undefined) types.set(k.name, k.type);
    else if (seen !== k.type) out.push({ code: 'DEX728', message: `table ${t.name}: attribute ${k.name} is a ${seen} key in one place and a ${k.type} key in another`, path: [...path, 'type'], hint: `give ${k.name} one type everywhere: DynamoDB defines each key attribute once` });
  };
  keyAt(t.partition, [...at, 'keys', 'partition']);
  keyAt(t.sort, [...at, 'keys', 'sort']);
  const names = new Set<string>();
  t.indexes.forEach((i, n) => {
    keyAt(i.partition, [...at, 'indexes', n, 'partition']);
    keyAt(i.sort, [...at, 'indexes', n, 'sort']);
    if (names.has(i.name)) out.push({ code: 'DEX727', message: `table ${t.name} has two indexes named ${i.name}`, path: [...at, 'indexes', n, 'name'], hint: 'give each index its own name' });
    names.add(i.name);
  });
  if (t.indexes.length > MAX_INDEXES) out.push({ code: 'DEX727', message: `table ${t.name} has ${t.indexes.length} indexes; DynamoDB allows ${MAX_INDEXES}`, path: [...at, 'indexes', MAX_INDEXES], hint: 'merge indexes (overload one index key), or split the table' });
  if (t.billing === 'on-demand' && t.capacityGiven) {
    out.push({ code: 'DEX730', message: `table ${t.name} is billed on-demand: its capacity is ignored`, path: [...at, 'capacity'], atKey: true, hint: 'set billing: provisioned to provision capacity, or remove capacity' });
  }
  for (const d of ['read', 'write'] as const) {
    const c = t.capacity[d];
    if (c.min > c.max) out.push({ code: 'DEX731', message: `table ${t.name}: ${d} capacity min ${c.min} is above max ${c.max}`, path: [...at, 'capacity', d, 'max'], hint: `raise max to at least ${c.min}, or lower min` });
  }
  return out;
}

function bucketFindings(spec: NormalizedSpec): Finding[] {
  const out: Finding[] = [];
  const dbRegions = [...new Set(Object.values(spec.databases).flatMap((d) => (d.crossRegionBackupTo ? [d.crossRegionBackupTo] : [])))].sort();
  for (const b of Object.values(spec.buckets ?? {})) {
    const at = ['buckets', b.name];
    const l = b.lifecycle;
    if (l.infrequentAccessAfterDays !== undefined && l.glacierAfterDays !== undefined && l.glacierAfterDays < l.infrequentAccessAfterDays + IA_MINIMUM_DAYS) {
      out.push({ code: 'DEX729', message: `bucket ${b.name}: objects move to Glacier after ${l.glacierAfterDays} days, less than ${IA_MINIMUM_DAYS} days after they move to Standard-IA (day ${l.infrequentAccessAfterDays})`, path: [...at, 'lifecycle', 'glacierAfterDays'], hint: `S3 keeps objects ${IA_MINIMUM_DAYS} days in Standard-IA first: use at least ${l.infrequentAccessAfterDays + IA_MINIMUM_DAYS}, or drop infrequentAccessAfterDays` });
    }
    const lastMove = Math.max(l.infrequentAccessAfterDays ?? 0, l.glacierAfterDays ?? 0);
    if (l.expireAfterDays !== undefined && lastMove > 0 && l.expireAfterDays <= lastMove) {
      out.push({ code: 'DEX729', message: `bucket ${b.name}: objects expire after ${l.expireAfterDays} days, before or when they would move to another storage class (day ${lastMove})`, path: [...at, 'lifecycle', 'expireAfterDays'], hint: `expire later than day ${lastMove}, or drop the transition` });
    }
    if (b.replication === false) continue;
    const path = [...at, 'replication'];
    if (!b.versioning) out.push({ code: 'DEX726', message: `bucket ${b.name} replicates, but versioning is off: S3 replicates only versioned buckets`, path, hint: 'remove versioning: false, or replication' });
    if (b.replication === true && dbRegions.length === 0) {
      out.push({ code: 'DEX723', message: `bucket ${b.name} replicates to the backup region, but the system has none: no database sets crossRegionBackupTo`, path, hint: 'name the region (replication: eu-west-1), or set crossRegionBackupTo on a database' });
    } else if (b.replication === true && backupRegion(spec) === undefined) {
      out.push({ code: 'DEX724', message: `bucket ${b.name} replicates to the backup region, but the databases copy their backups to ${dbRegions.join(' and ')}`, path, hint: `name the region: replication: ${dbRegions[0]}` });
    } else if ((b.replication === true ? backupRegion(spec) : b.replication) === spec.region) {
      out.push({ code: 'DEX725', message: `bucket ${b.name} replicates to ${spec.region}, the region it is in: a regional outage would take both copies`, path, hint: `name another region than ${spec.region}` });
    }
  }
  return out;
}

function useFindings(spec: NormalizedSpec): Finding[] {
  const out: Finding[] = [];
  const buckets = Object.keys(spec.buckets ?? {});
  const tables = Object.keys(spec.tables ?? {});
  for (const s of Object.values(spec.services)) {
    const seen = new Set<string>();
    for (const use of s.stores ?? []) {
      const path = ['services', s.name, 'uses', use.index];
      const known = use.kind === 'bucket' ? buckets : tables;
      if (!known.includes(use.name)) {
        const guess = suggest(use.name, known);
        out.push({ code: 'DEX721', message: `${s.name} uses ${use.kind} "${use.name}", but there is no ${use.kind} of that name`, path, hint: guess ? `did you mean ${guess}?` : known.length ? `declared: ${known.join(', ')}` : `declare it under ${use.kind}s:` });
      }
      const key = `${use.kind}:${use.name}`;
      if (seen.has(key)) out.push({ code: 'DEX737', message: `${s.name} lists ${use.kind} ${use.name} twice in uses`, path, hint: 'keep one entry, with the access it needs (read-write includes read)' });
      seen.add(key);
    }
    (s.uses ?? []).forEach((name, i) => {
      const store = buckets.includes(name) ? 'bucket' : tables.includes(name) ? 'table' : undefined;
      // A service may share its table's name (`carts` and its carts table): naming the service is
      // calling it, and the table is written { table: carts }. Two data stores of one name are not.
      const other = Object.hasOwn(spec.databases, name) ? 'database' : Object.hasOwn(spec.caches, name) ? 'cache' : undefined;
      if (store && other) {
        out.push({ code: 'DEX722', message: `${s.name} uses "${name}", which is both a ${store} and a ${other}`, path: ['services', s.name, 'uses', s.usesPositions?.[i] ?? i], hint: `write { ${store}: ${name}, access: read-write } for the ${store}; the plain name means the ${other}` });
      }
    });
  }
  return out;
}

/** Usage assumptions for a bucket or table the spec does not declare price nothing: a typo to say. */
function usageFindings(spec: NormalizedSpec): Finding[] {
  const out: Finding[] = [];
  for (const [kind, given, declared] of [['buckets', spec.usage.buckets, spec.buckets], ['tables', spec.usage.tables, spec.tables]] as const) {
    const names = Object.keys(declared ?? {});
    for (const name of Object.keys(given ?? {})) {
      if (names.includes(name)) continue;
      const guess = suggest(name, names);
      out.push({ code: 'DEX732', message: `usage.${kind}.${name} is for a ${kind === 'buckets' ? 'bucket' : 'table'} the spec does not declare: it prices nothing`, path: ['usage', kind, name], atKey: true, hint: guess ? `did you mean ${guess}?` : names.length ? `declared: ${names.join(', ')}` : `declare it under ${kind}:, or remove it` });
    }
  }
  return out;
}

export const storesRule: SemanticRule = {
  id: 'stores',
  check(spec: NormalizedSpec): Finding[] {
    return [...Object.values(spec.tables ?? {}).flatMap(tableFindings), ...bucketFindings(spec), ...useFindings(spec), ...usageFindings(spec)];
  },
};
