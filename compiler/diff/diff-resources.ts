// Pure: before/after resource maps → the resource changes (added, removed, modified, replaced),
// property by property with before/after values and the replacement impact of each. Inputs are
// never mutated. Cross-stack references are compared by what they point at: dex writes
// `Fn::ImportValue "<system>-<env>:Target[:Attr]"` where the target sits in another stack and
// `Ref`/`Fn::GetAtt` where it does not, so a resource moving between those is not a change.
import type { CfnValue } from '../model/types.js';
import { replacementOf } from './replacement.js';
import { jsonDocument } from './text.js';
import type { DiffResource, PropertyChange, ResourceChange } from './types.js';

/** Resource types that hold data (or keys to it): replacing or deleting one loses it. */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  'AWS::RDS::DBInstance': 'the database and its automated backups',
  'AWS::RDS::DBCluster': 'the database cluster and its automated backups',
  'AWS::ElastiCache::ReplicationGroup': 'the cache contents',
  'AWS::ElastiCache::CacheCluster': 'the cache contents',
  'AWS::ElastiCache::ServerlessCache': 'the cache contents',
  'AWS::EC2::Volume': 'the EBS volume and its data',
  'AWS::Logs::LogGroup': 'the log group and every log event in it',
  'AWS::KMS::Key': 'the KMS key (data encrypted with it becomes unreadable once the key is deleted)',
  'AWS::SecretsManager::Secret': 'the secret value',
  'AWS::S3::Bucket': 'the bucket and its objects',
  'AWS::ECR::Repository': 'the repository and its images',
  'AWS::DynamoDB::Table': 'the table and its items',
  'AWS::EFS::FileSystem': 'the file system and its files',
  'AWS::Backup::BackupVault': 'the backup vault and its recovery points',
};

type Json = CfnValue | undefined;

const isObject = (v: Json): v is { readonly [k: string]: CfnValue } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Canonical JSON (sorted keys) for equality. */
export function canonicalJson(v: Json): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${(v as readonly CfnValue[]).map(canonicalJson).join(',')}]`;
  const o = v as { readonly [k: string]: CfnValue };
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

const equal = (a: Json, b: Json): boolean => canonicalJson(a) === canonicalJson(b);

/**
 * A copy with cross-stack imports of dex's own exports turned back into the reference they stand
 * for (`<prefix>:Target` → Ref Target, `<prefix>:Target:Attr-Name` → GetAtt Target.Attr.Name), and
 * the string form of GetAtt as an array. `exports` maps other export names to their values (the
 * Outputs of deployed templates).
 */
export function normalizeValue(v: CfnValue, exports?: ReadonlyMap<string, CfnValue>): CfnValue {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return (v as readonly CfnValue[]).map((x) => normalizeValue(x, exports));
  const o = v as { readonly [k: string]: CfnValue };
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === 'Fn::ImportValue' && typeof o['Fn::ImportValue'] === 'string') {
    const name = o['Fn::ImportValue'] as string;
    const known = exports?.get(name);
    if (known !== undefined) return normalizeValue(known, exports);
    const parts = name.split(':');
    if (parts.length === 2) return { Ref: parts[1]! };
    if (parts.length === 3) return { 'Fn::GetAtt': [parts[1]!, parts[2]!.replace(/-/g, '.')] };
    return v;
  }
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt' && typeof o['Fn::GetAtt'] === 'string') {
    const text = o['Fn::GetAtt'] as string;
    const dot = text.indexOf('.');
    return { 'Fn::GetAtt': [text.slice(0, dot), text.slice(dot + 1)] };
  }
  const out: Record<string, CfnValue> = {};
  for (const k of keys) out[k] = normalizeValue(o[k]!, exports);
  return out;
}

/** A reference (Ref, Fn::GetAtt, Fn::ImportValue): compared and shown whole, never descended into. */
function isIntrinsic(v: Json): boolean {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Fn::GetAtt' || keys[0] === 'Fn::ImportValue');
}

/** An intrinsic CloudFormation turns into text: what the diff compares as that text. */
const isTextIntrinsic = (v: Json): boolean => isObject(v) && Object.keys(v).length === 1 && ['Fn::Join', 'Fn::Sub', 'Fn::Base64'].includes(Object.keys(v)[0]!);

/** Fields that name the items of an array: tags (Key), environment variables, containers and WAF rules (Name), inline policies (PolicyName). */
const ITEM_KEYS = ['Key', 'Name', 'PolicyName'] as const;

/**
 * An array whose items each have a unique name (`[{Key, Value}]` tags, `[{Name, Value}]`
 * environment variables, containers, inline policies) as a map from the name to the item: the
 * value alone for a name/value pair, the other fields of a tag (an Auto Scaling group's
 * PropagateAtLaunch) under `name\u0000field`, the rest of the item otherwise.
 */
function keyedMap(v: Json): Map<string, CfnValue> | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const items = v as readonly CfnValue[];
  const field = ITEM_KEYS.find((k) => items.every((item) => isObject(item) && typeof item[k] === 'string'));
  if (field === undefined) return undefined;
  const m = new Map<string, CfnValue>();
  for (const item of items as readonly { readonly [k: string]: CfnValue }[]) {
    const name = item[field] as string;
    if (m.has(name)) return undefined;
    const { [field]: _name, ...rest } = item;
    // A tag is its Value; a name with one other field ({Name, Value}, {Name, ValueFrom}) is that field.
    const only = Object.keys(rest);
    const valueField = field === 'Key' ? ('Value' in rest ? 'Value' : undefined) : only.length === 1 && (only[0] === 'Value' || only[0] === 'ValueFrom') ? only[0] : undefined;
    m.set(name, valueField !== undefined ? rest[valueField]! : (rest as CfnValue));
    if (valueField !== undefined) for (const [f, x] of Object.entries(rest)) if (f !== valueField) m.set(`${name}\u0000${f}`, x);
  }
  return m;
}

/** A map of scalars (labels, environment variables, tags as a map): compared key by key even when added whole. */
const isFlatMap = (v: Json): v is { readonly [k: string]: CfnValue } => isObject(v) && !isIntrinsic(v) && !isTextIntrinsic(v) && Object.keys(v).length > 0 && Object.values(v).every((x) => x === null || typeof x !== 'object');

/** `Tags.team`, or `Tags["kubernetes.io/cluster/x"]` for a key a dot would split. */
const keyPath = (path: string, key: string): string => (/^[\w-]+$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

/**
 * The differences between two property values, as reviewable changes: leaf by leaf through maps
 * (and tags, by key), item by item through arrays of equal length (arrays that grow or shrink are
 * one change). Text CloudFormation builds (user data, scripts as Fn::Join, Fn::Sub, Fn::Base64)
 * is one change of the whole text, for a line diff; JSON written as text (a policy or dashboard
 * as Fn::Join) is compared as the JSON it becomes.
 */
export function diffValues(before: Json, after: Json, path: string, out: { path: string; before: Json; after: Json }[]): void {
  if (equal(before, after)) return;
  if (isTextIntrinsic(before) || isTextIntrinsic(after)) {
    const jb = before === undefined ? undefined : jsonDocument(before);
    const ja = after === undefined ? undefined : jsonDocument(after);
    if ((jb !== undefined || before === undefined) && (ja !== undefined || after === undefined) && typeof (jb ?? ja) === 'object') {
      diffValues(jb, ja, path, out);
      return;
    }
    out.push({ path, before, after });
    return;
  }
  if (isObject(before) && isObject(after) && !isIntrinsic(before) && !isIntrinsic(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) diffValues(before[k], after[k], path ? `${path}.${k}` : k, out);
    return;
  }
  const empty = (v: Json) => Array.isArray(v) && v.length === 0;
  let tb = keyedMap(before);
  let ta = keyedMap(after);
  if (!tb && empty(before) && ta) tb = new Map();
  if (!ta && empty(after) && tb) ta = new Map();
  if ((tb || ta) && (tb || before === undefined) && (ta || after === undefined) && (tb?.size || ta?.size)) {
    const keys = [...new Set([...(tb?.keys() ?? []), ...(ta?.keys() ?? [])])].sort();
    for (const k of keys) {
      const [key, field] = k.split('\u0000') as [string, string | undefined];
      // A tag's other fields matter only while it exists on both sides: an added tag is its value.
      if (field !== undefined && !(tb?.has(key) && ta?.has(key))) continue;
      diffValues(tb?.get(k), ta?.get(k), field === undefined ? keyPath(path, key) : `${keyPath(path, key)}.${field}`, out);
    }
    return;
  }
  if ((before === undefined && isFlatMap(after)) || (after === undefined && isFlatMap(before))) {
    const m = (before ?? after) as { readonly [k: string]: CfnValue };
    for (const k of Object.keys(m).sort()) out.push({ path: path ? `${path}.${k}` : k, before: before === undefined ? undefined : m[k], after: after === undefined ? undefined : m[k] });
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    const b = before as readonly CfnValue[];
    const a = after as readonly CfnValue[];
    for (let i = 0; i < b.length; i++) diffValues(b[i], a[i], `${path}.${i}`, out);
    return;
  }
  out.push({ path, before, after });
}

/** Logical IDs a value references (Ref, Fn::GetAtt, ${X} / ${X.Attr} in Fn::Sub), with the paths where. */
function referencePaths(v: Json, path: string, out: { path: string; target: string }[]): void {
  if (v === null || v === undefined || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    (v as readonly CfnValue[]).forEach((x, i) => referencePaths(x, path ? `${path}.${i}` : String(i), out));
    return;
  }
  const o = v as { readonly [k: string]: CfnValue };
  if (typeof o.Ref === 'string') out.push({ path, target: o.Ref });
  const getAtt = o['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') out.push({ path, target: getAtt[0] });
  const sub = o['Fn::Sub'];
  const subText = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  if (subText) for (const m of subText.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) out.push({ path, target: m[1]! });
  for (const k of Object.keys(o)) if (k !== 'Ref' && k !== 'Fn::GetAtt') referencePaths(o[k], path ? `${path}.${k}` : k, out);
}

export interface DiffOptions {
  /** Export name → value, for `Fn::ImportValue` of exports that are not dex's naming (deployed templates). */
  readonly exports?: ReadonlyMap<string, CfnValue>;
  readonly afterExports?: ReadonlyMap<string, CfnValue>;
}

function dataLossOf(type: string, action: ResourceChange['action'], deletionPolicy: string | null | undefined): string | undefined {
  const what = STATEFUL_TYPES[type];
  if (!what || (action !== 'replace' && action !== 'remove')) return undefined;
  const retain = deletionPolicy === 'Retain' || deletionPolicy === 'RetainExceptOnCreate';
  if (action === 'replace') {
    const policy = retain ? ' (DeletionPolicy Retain keeps the old one, detached from the stack; the new one starts empty)' : deletionPolicy === 'Snapshot' ? ' (DeletionPolicy Snapshot takes a final snapshot of the old one; the new one starts empty)' : '';
    return `${type} will be replaced: CloudFormation creates a new one and deletes the old — ${what} will be lost${policy}`;
  }
  if (retain) return `${type} will be removed from the stack — DeletionPolicy Retain keeps ${what}, detached: nothing manages it any more`;
  return `${type} will be deleted — ${what} will be lost${deletionPolicy === 'Snapshot' ? ' (DeletionPolicy Snapshot takes a final snapshot)' : ''}`;
}

const byStackThenId = (a: ResourceChange, b: ResourceChange): number =>
  (a.stack ?? '') < (b.stack ?? '') ? -1 : (a.stack ?? '') > (b.stack ?? '') ? 1 : a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : 0;

/** Before/after resources (of one environment) → the changes, sorted by stack and logical ID. */
export function diffResources(before: readonly DiffResource[], after: readonly DiffResource[], options: DiffOptions = {}): ResourceChange[] {
  const norm = (r: DiffResource, exports?: ReadonlyMap<string, CfnValue>): DiffResource => ({
    ...r,
    properties: normalizeValue(r.properties as CfnValue, exports) as Record<string, CfnValue>,
  });
  const b = new Map(before.map((r) => [r.logicalId, norm(r, options.exports)]));
  const a = new Map(after.map((r) => [r.logicalId, norm(r, options.afterExports ?? options.exports)]));

  interface Working {
    action: ResourceChange['action'];
    props: PropertyChange[];
    movedFrom?: string | null;
  }
  const work = new Map<string, Working>();
  const changes: ResourceChange[] = [];

  for (const [id, r] of a) {
    const old = b.get(id);
    if (!old) continue;
    const props: PropertyChange[] = [];
    if (old.type !== r.type) {
      work.set(id, { action: 'replace', props: [{ path: '(Type)', before: old.type, after: r.type, causesReplacement: true, note: 'resource type changed' }] });
      continue;
    }
    const raw: { path: string; before: Json; after: Json }[] = [];
    diffValues(old.properties as CfnValue, r.properties as CfnValue, '', raw);
    for (const d of raw) props.push({ path: d.path, before: d.before, after: d.after, ...replacementOf(r.type, d.path, d.before, d.after) });
    const moved = old.stack !== null && r.stack !== null && old.stack !== r.stack;
    const replace = moved || props.some((p) => p.causesReplacement);
    if (props.length > 0 || moved) work.set(id, { action: replace ? 'replace' : 'modify', props, ...(moved ? { movedFrom: old.stack } : {}) });
  }

  // A resource that is replaced gets a new physical ID (and new attributes): whatever references
  // it changes too, and if that is a create-only property, the referrer is replaced in turn.
  const replaced = new Set([...work].filter(([, w]) => w.action === 'replace').map(([id]) => id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, r] of a) {
      if (!b.has(id) || replaced.has(id)) continue;
      const refs: { path: string; target: string }[] = [];
      referencePaths(r.properties as CfnValue, '', refs);
      for (const ref of refs) {
        if (!replaced.has(ref.target)) continue;
        const w = work.get(id) ?? { action: 'modify' as const, props: [] };
        if (w.props.some((p) => p.path === ref.path)) continue;
        const value = valueAt(r.properties as CfnValue, ref.path);
        const verdict = replacementOf(r.type, ref.path, value, value);
        const causes = verdict.causesReplacement;
        w.props.push({ path: ref.path, before: value, after: value, causesReplacement: causes, note: `${ref.target} is replaced, so the value this resolves to changes` });
        if (causes && w.action !== 'replace') {
          w.action = 'replace';
          replaced.add(id);
          grew = true;
        }
        work.set(id, w);
      }
    }
  }

  for (const [id, w] of work) {
    const r = a.get(id)!;
    const old = b.get(id)!;
    const loss = dataLossOf(old.type, w.action, old.deletionPolicy);
    changes.push({
      stack: r.stack,
      logicalId: id,
      type: r.type,
      action: w.action,
      ...(r.component !== undefined ? { component: r.component } : {}),
      properties: [...w.props].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)),
      ...(w.movedFrom !== undefined ? { movedFromStack: w.movedFrom } : {}),
      ...(loss ? { dataLoss: loss } : {}),
    });
  }
  for (const [id, r] of a) {
    if (b.has(id)) continue;
    changes.push({ stack: r.stack, logicalId: id, type: r.type, action: 'add', ...(r.component !== undefined ? { component: r.component } : {}), properties: [] });
  }
  for (const [id, r] of b) {
    if (a.has(id)) continue;
    const loss = dataLossOf(r.type, 'remove', r.deletionPolicy);
    changes.push({ stack: r.stack, logicalId: id, type: r.type, action: 'remove', ...(r.component !== undefined ? { component: r.component } : {}), properties: [], ...(loss ? { dataLoss: loss } : {}) });
  }
  return changes.sort(byStackThenId);
}

function valueAt(v: CfnValue, path: string): CfnValue | undefined {
  let cur: CfnValue | undefined = v;
  for (const part of path === '' ? [] : path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? (cur as readonly CfnValue[])[Number(part)] : (cur as { readonly [k: string]: CfnValue })[part];
  }
  return cur;
}
