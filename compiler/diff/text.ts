// CloudFormation values that are text — user data, scripts, JSON policy documents written as
// Fn::Join — as the text they become, and line diffs of such text. Pure.
import type { CfnValue } from '../model/types.js';

type Obj = { readonly [k: string]: CfnValue };
const isObj = (v: CfnValue | undefined): v is Obj => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

/** The logical IDs (and attributes) a value references, for naming an intrinsic dex does not spell out. */
function referenceNames(v: CfnValue | undefined, out: string[]): string[] {
  if (Array.isArray(v)) for (const x of v as readonly CfnValue[]) referenceNames(x, out);
  else if (isObj(v)) {
    if (typeof v.Ref === 'string') out.push(v.Ref);
    else if (Array.isArray(v['Fn::GetAtt'])) out.push((v['Fn::GetAtt'] as readonly CfnValue[]).map(String).join('.'));
    else for (const x of Object.values(v)) referenceNames(x, out);
  }
  return out;
}

/**
 * The text a value becomes once CloudFormation resolves it: a string as it is, `Fn::Join` joined,
 * `Fn::Sub` its template, `Fn::Base64` its content. What is only known at deploy time reads
 * `${Name}` (Ref), `${Name.Attr}` (GetAtt) or `${Fn::Select(Name.Attr)}` (any other function, with
 * what it refers to). Undefined when the value is not text (a map, a list, a number alone).
 */
export function cfnText(v: CfnValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (!isObj(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const fn = keys[0]!;
  const arg = v[fn];
  if (fn === 'Ref' && typeof arg === 'string') return `\${${arg}}`;
  if (fn === 'Fn::GetAtt' && Array.isArray(arg)) return `\${${(arg as readonly CfnValue[]).map(String).join('.')}}`;
  if (fn === 'Fn::Base64') return cfnText(arg);
  if (fn === 'Fn::Sub') return typeof arg === 'string' ? arg : Array.isArray(arg) && typeof arg[0] === 'string' ? arg[0] : undefined;
  if (fn === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
    const parts = (arg[1] as readonly CfnValue[]).map((p) => (typeof p === 'number' || typeof p === 'boolean' ? String(p) : cfnText(p)));
    return parts.every((p): p is string => p !== undefined) ? parts.join(arg[0]) : undefined;
  }
  if (fn.startsWith('Fn::')) return `\${${fn}(${[...new Set(referenceNames(arg, []))].join(',')})}`;
  return undefined;
}

/** Text that reads as a script or a document: several lines, or built by CloudFormation from parts. */
export function isScriptLike(v: CfnValue | undefined): boolean {
  if (typeof v === 'string') return v.includes('\n');
  if (!isObj(v)) return false;
  const [fn] = Object.keys(v);
  return (fn === 'Fn::Base64' || fn === 'Fn::Join' || fn === 'Fn::Sub') && cfnText(v) !== undefined && (cfnText(v)!.includes('\n') || fn === 'Fn::Base64');
}

/** A JSON document a value holds: the object itself, or the JSON text it resolves to (a policy as Fn::Join). */
export function jsonDocument(v: CfnValue | undefined): CfnValue | undefined {
  if (isObj(v) && !Object.keys(v).some((k) => k === 'Ref' || k.startsWith('Fn::'))) return v;
  const text = cfnText(v);
  if (text === undefined || !/^\s*[{[]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as CfnValue;
  } catch {
    return undefined;
  }
}

export interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

export interface Hunk {
  /** 1-based first line of the hunk on each side. */
  readonly before: number;
  readonly after: number;
  readonly lines: readonly DiffLine[];
}

/** Beyond this many lines on a side, the diff is not computed line by line (quadratic). */
const MAX_DIFF_LINES = 4000;

/**
 * The unified line diff of two texts: hunks of changed lines with `context` unchanged lines around
 * them (a longest common subsequence, so a moved line shows as removed and added). Undefined
 * when a side is too long to compare line by line.
 */
export function lineDiff(before: string, after: string, context = 2): Hunk[] | undefined {
  // An absent text has no lines, and a final line break starts none.
  const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));
  const a = lines(before);
  const b = lines(after);
  // Common head and tail first: most edits of a script touch a few lines in the middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  if (am.length > MAX_DIFF_LINES || bm.length > MAX_DIFF_LINES) return undefined;
  // lcs[i][j]: the longest common subsequence of am[i..] and bm[j..].
  const lcs: Uint32Array[] = Array.from({ length: am.length + 1 }, () => new Uint32Array(bm.length + 1));
  for (let i = am.length - 1; i >= 0; i--) for (let j = bm.length - 1; j >= 0; j--) lcs[i]![j] = am[i] === bm[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: DiffLine[] = a.slice(0, head).map((text) => ({ op: ' ', text }));
  let i = 0;
  let j = 0;
  while (i < am.length || j < bm.length) {
    if (i < am.length && j < bm.length && am[i] === bm[j]) {
      ops.push({ op: ' ', text: am[i]! });
      i++;
      j++;
    } else if (i < am.length && (j === bm.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ op: '-', text: am[i++]! });
    else ops.push({ op: '+', text: bm[j++]! });
  }
  for (const text of a.slice(a.length - tail)) ops.push({ op: ' ', text });
  // Group the changes with their context into hunks.
  const hunks: Hunk[] = [];
  let lineA = 1;
  let lineB = 1;
  let current: { before: number; after: number; lines: DiffLine[]; lastChange: number } | undefined;
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k]!;
    const changed = op.op !== ' ';
    if (changed) {
      if (!current || k - current.lastChange > 2 * context) {
        if (current) hunks.push(trim(current, context));
        const start = Math.max(0, k - context);
        const lead = ops.slice(start, k);
        current = { before: lineA - lead.filter((l) => l.op !== '+').length, after: lineB - lead.filter((l) => l.op !== '-').length, lines: [...lead], lastChange: k };
      } else current.lastChange = k;
      current.lines.push(op);
    } else if (current) current.lines.push(op);
    if (op.op !== '+') lineA++;
    if (op.op !== '-') lineB++;
  }
  if (current) hunks.push(trim(current, context));
  return hunks;
}

/** A hunk without the unchanged lines past `context` after its last change. */
function trim(h: { before: number; after: number; lines: DiffLine[] }, context: number): Hunk {
  let last = h.lines.length - 1;
  while (last >= 0 && h.lines[last]!.op === ' ') last--;
  return { before: h.before, after: h.after, lines: h.lines.slice(0, Math.min(h.lines.length, last + 1 + context)) };
}
