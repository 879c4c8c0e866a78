// Line-level summary of the non-CloudFormation files of two emitted outputs (Kubernetes
// manifests, CI workflows, monitoring configuration): added, removed and changed files with the
// number of lines added and removed. (No diff library is installed: lines are compared as
// multisets, which counts a moved line as unchanged; enough for a review summary.)
import { parseAllDocuments } from 'yaml';
import type { CfnValue } from '../model/types.js';
import { diffValues } from './diff-resources.js';
import type { FileChange, ObjectChange } from './types.js';

/** Files the resource diff covers already. */
export function coveredByResourceDiff(path: string): boolean {
  return path === 'plan.json' || path.startsWith('cloudformation/');
}

/** The header comment names the spec file as it was passed: not a change. */
const normalizeLine = (line: string): string => (line.startsWith('#') ? line.replace(/compiled from .*?(;|\.?$)/, 'compiled from <spec>$1') : line);

function counts(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const line = normalizeLine(raw);
    m.set(line, (m.get(line) ?? 0) + 1);
  }
  return m;
}

function lineDelta(before: string, after: string): { added: number; removed: number } {
  const b = counts(before);
  const a = counts(after);
  let added = 0;
  let removed = 0;
  for (const [line, n] of a) added += Math.max(0, n - (b.get(line) ?? 0));
  for (const [line, n] of b) removed += Math.max(0, n - (a.get(line) ?? 0));
  return { added, removed };
}

const lineCount = (text: string): number => (text === '' ? 0 : text.replace(/\n$/, '').split('\n').length);

/** Path → content on each side → the changed files, sorted by path. */
export function diffFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): FileChange[] {
  const out: FileChange[] = [];
  for (const [path, content] of after) {
    if (coveredByResourceDiff(path)) continue;
    const old = before.get(path);
    if (old === undefined) out.push({ path, action: 'add', linesAdded: lineCount(content), linesRemoved: 0 });
    else if (old !== content) {
      const d = lineDelta(old, content);
      if (d.added === 0 && d.removed === 0) continue;
      out.push({ path, action: 'modify', linesAdded: d.added, linesRemoved: d.removed });
    }
  }
  for (const [path, content] of before) {
    if (coveredByResourceDiff(path) || after.has(path)) continue;
    out.push({ path, action: 'remove', linesAdded: 0, linesRemoved: lineCount(content) });
  }
  // Kubernetes manifests: which objects are added, removed or changed, and where.
  for (const [i, f] of out.entries()) {
    if (!/^kubernetes\/.*\.ya?ml$/.test(f.path)) continue;
    const objects = diffObjects(before.get(f.path), after.get(f.path));
    if (objects) out[i] = { ...f, objects };
  }
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

function objectsOf(text: string | undefined): Map<string, { kind: string; name: string; namespace?: string; value: CfnValue }> | undefined {
  const m = new Map<string, { kind: string; name: string; namespace?: string; value: CfnValue }>();
  if (text === undefined) return m;
  for (const doc of parseAllDocuments(text)) {
    if ('errors' in doc && doc.errors.length) return undefined;
    const v = doc.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
    if (!v || typeof v !== 'object' || typeof v.kind !== 'string') continue;
    const name = v.metadata?.name ?? '';
    const namespace = v.metadata?.namespace;
    m.set(`${v.kind}/${namespace ?? ''}/${name}`, { kind: v.kind, name, ...(namespace !== undefined ? { namespace } : {}), value: v as CfnValue });
  }
  return m;
}

/** Kubernetes objects of one manifest file, before and after: added, removed, modified with paths. */
export function diffObjects(before: string | undefined, after: string | undefined): ObjectChange[] | undefined {
  const b = objectsOf(before);
  const a = objectsOf(after);
  if (!b || !a) return undefined;
  const out: ObjectChange[] = [];
  for (const [key, o] of a) {
    const old = b.get(key);
    const base = { kind: o.kind, name: o.name, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}) };
    if (!old) out.push({ ...base, action: 'add', paths: [] });
    else {
      const d: { path: string }[] = [];
      diffValues(old.value, o.value, '', d as never);
      if (d.length) out.push({ ...base, action: 'modify', paths: d.map((x) => x.path) });
    }
  }
  for (const [key, o] of b) if (!a.has(key)) out.push({ kind: o.kind, name: o.name, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}), action: 'remove', paths: [] });
  return out;
}
