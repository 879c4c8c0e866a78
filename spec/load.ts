// Reading dex.yaml: bytes → text → YAML document with positions → plain value.
// Never throws on bad input: every problem becomes a Diagnostic. Hostile input (huge files,
// alias bombs, deep nesting, binary, prototype keys) is bounded before it can cost much.
import { Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Diagnostic, DiagnosticCode, Position, Range, SpecPath } from './diagnostics.js';
import { defaultSeverity } from './diagnostics.js';

export const LOAD_LIMITS = {
  /** A dex.yaml for a thousand services is well under 1 MB; 5 MB leaves room and bounds memory. */
  maxBytes: 5 * 1024 * 1024,
  /** Collections nested deeper than this are not a deployment spec. */
  maxDepth: 64,
  /** Plain values produced from the document, counting alias expansions (alias bombs). */
  maxNodes: 200_000,
  maxAliasCount: 1_000,
} as const;

/** The parsed file, kept beside the plain value so any later phase can ask where a value came from. */
export interface SpecSource {
  readonly file: string;
  readonly text: string;
  readonly document: Document.Parsed | undefined;
  readonly lineCounter: LineCounter;
}

export interface LoadResult {
  readonly source: SpecSource;
  /** The plain value, or undefined when the file could not be read as one YAML document. */
  readonly value: unknown;
  readonly diagnostics: Diagnostic[];
}

class LoadError extends Error {
  constructor(
    readonly code: DiagnosticCode,
    message: string,
    readonly node?: Node,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function loadSpecBytes(bytes: Uint8Array, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const empty = (d: Diagnostic): LoadResult => ({ source: { file, text: '', document: undefined, lineCounter }, value: undefined, diagnostics: [d] });
  if (bytes.length > LOAD_LIMITS.maxBytes) {
    return empty(fileDiagnostic('DEX101', file, `file is ${formatBytes(bytes.length)}; dex reads at most ${formatBytes(LOAD_LIMITS.maxBytes)}`, 'a dex.yaml describes a system, not its data: is this the right file?'));
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) {
    // Keep the text (bad bytes shown as U+FFFD) so the position points into something a reader can show.
    let text = new TextDecoder('utf-8').decode(bytes);
    const bom = text.charCodeAt(0) === 0xfeff ? 3 : 0;
    if (bom) text = text.slice(1);
    registerLines(lineCounter, text);
    const lineStartByte = bytes.lastIndexOf(0x0a, bad - 1) + 1;
    const lineStart = lineCounter.lineStarts[countLines(bytes, bad) - 1] ?? 0;
    // Everything before `bad` is valid UTF-8, so it decodes to exactly the characters before it.
    const offset = lineStart + new TextDecoder('utf-8').decode(bytes.subarray(Math.max(lineStartByte, bom), bad)).length;
    const range = rangeOf(lineCounter, offset, offset + 1);
    const what = bytes[bad] === 0 ? 'a NUL byte (this looks like a binary file)' : `byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} that is not UTF-8`;
    const diagnostic = place({ code: 'DEX102', message: `line ${range.start.line} contains ${what}`, path: [], hint: 'save the file as UTF-8 text' }, file, range);
    return { source: { file, text, document: undefined, lineCounter }, value: undefined, diagnostics: [diagnostic] };
  }
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return loadSpecText(text, file);
}

export function loadSpecText(input: string, file: string): LoadResult {
  // A lone CR ends a line in YAML (and in files from old Mac editors); the parser only knows LF and
  // CRLF. One character for one, so every offset stays where it was.
  const text = input.includes('\r') ? input.replace(/\r(?!\n)/g, '\n') : input;
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number): Range => rangeOf(lineCounter, offset, offset + 1);

  if (text.length > LOAD_LIMITS.maxBytes) {
    return { source: { file, text: '', document: undefined, lineCounter }, value: undefined, diagnostics: [fileDiagnostic('DEX101', file, `file is ${formatBytes(text.length)}; dex reads at most ${formatBytes(LOAD_LIMITS.maxBytes)}`)] };
  }
  const tabs = tabIndentations(text);
  const depth = flowDepthOverflow(text);
  if (depth !== -1) {
    // A lexer fed 10,000 open brackets recurses that deep; refuse before parsing.
    registerLines(lineCounter, text);
    const range = at(depth);
    return { source: { file, text, document: undefined, lineCounter }, value: undefined, diagnostics: [place({ code: 'DEX107', message: `collections are nested more than ${LOAD_LIMITS.maxDepth} levels deep`, path: [] }, file, range)] };
  }

  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true, strict: true }) as Document.Parsed[];
  } catch (err) {
    const diagnostic = isStackOverflow(err)
      ? fileDiagnostic('DEX107', file, 'collections are nested too deeply to read')
      : fileDiagnostic('DEX104', file, `YAML could not be parsed: ${(err as Error).message}`);
    return { source: { file, text, document: undefined, lineCounter }, value: undefined, diagnostics: [diagnostic] };
  }
  if (!Array.isArray(docs)) docs = [docs];
  const document = docs[0];
  const source: SpecSource = { file, text, document, lineCounter };

  for (const offset of tabs) {
    diagnostics.push(place({ code: 'DEX103', message: 'tab character used for indentation; YAML indents with spaces only', path: [], hint: 'replace the tab with spaces' }, file, at(offset)));
  }
  const tabLines = new Set(tabs.map((o) => lineCounter.linePos(o).line));
  for (const doc of docs) {
    for (const err of doc.errors) {
      const range = rangeOf(lineCounter, err.pos[0], Math.max(err.pos[1], err.pos[0] + 1));
      if (tabLines.has(range.start.line) && /tab/i.test(err.message)) continue;
      if (isStackOverflow(err)) {
        // The parser gave up on nesting the pre-scan did not see (e.g. inside a quoted key).
        diagnostics.push(place({ code: 'DEX107', message: 'collections are nested too deeply to read', path: [] }, file, range));
        continue;
      }
      const opening = err.code === 'MISSING_CHAR' ? unclosedQuote(text, err.pos[0], err.message) : undefined;
      if (opening !== undefined) {
        // The parser notices at the end of the file; the mistake is where the quote opened.
        diagnostics.push(place({ code: 'DEX104', message: `this ${text[opening] === '"' ? 'double' : 'single'}-quoted string is never closed`, path: [], hint: `close it with ${text[opening]} on this line (a quote inside it is written ${text[opening] === '"' ? '\\"' : "''"})` }, file, rangeOf(lineCounter, opening, opening + 1)));
        continue;
      }
      const code: DiagnosticCode = err.code === 'DUPLICATE_KEY' ? 'DEX105' : err.code === 'TAG_RESOLVE_FAILED' ? 'DEX109' : 'DEX104';
      diagnostics.push(place({ code, message: yamlMessage(err.code, err.message), path: [], hint: yamlHint(err.code) }, file, range));
    }
    // yaml's own uniqueKeys check compares every key with every other (quadratic in a map's size).
    for (const key of duplicateKeys(doc)) {
      const range = rangeOf(lineCounter, key.range![0], Math.max(key.range![1], key.range![0] + 1));
      diagnostics.push(place({ code: 'DEX105', message: yamlMessage('DUPLICATE_KEY', ''), path: [], hint: yamlHint('DUPLICATE_KEY') }, file, range));
    }
    for (const warning of doc.warnings) {
      const range = rangeOf(lineCounter, warning.pos[0], Math.max(warning.pos[1], warning.pos[0] + 1));
      const code: DiagnosticCode = warning.code === 'TAG_RESOLVE_FAILED' || warning.code === 'BAD_COLLECTION_TYPE' ? 'DEX109' : 'DEX111';
      diagnostics.push(place({ code, severity: code === 'DEX109' ? 'error' : 'warning', message: yamlMessage(warning.code, warning.message), path: [] }, file, range));
    }
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    diagnostics.push(place({ code: 'DEX108', message: 'this file holds more than one YAML document; dex.yaml is one document', path: [], hint: 'remove the `---` separator or split the file' }, file, rangeOf(lineCounter, second.range[0], second.range[0] + 3)));
  }
  if (!document || document.contents === null || (isScalar(document.contents) && document.contents.value === null)) {
    if (diagnostics.length === 0) diagnostics.push(fileDiagnostic('DEX110', file, 'the file is empty', 'run `dex init` for a starter dex.yaml'));
    return { source, value: undefined, diagnostics };
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { source, value: undefined, diagnostics };

  try {
    const value = toPlainValue(document);
    return { source, value, diagnostics };
  } catch (err) {
    if (err instanceof LoadError) {
      let range: Range | undefined;
      if (err.node?.range) {
        let [start, end] = err.node.range;
        // A tagged value's range starts after its tag (`!!binary aGVsbG8=`): point at the tag.
        if ((err.node as { tag?: string }).tag) {
          const lineStart = text.lastIndexOf('\n', start - 1) + 1;
          const tag = /!\S*[ \t]+$/.exec(text.slice(lineStart, start));
          if (tag) start = lineStart + tag.index;
        }
        range = rangeOf(lineCounter, start, Math.max(end, start + 1));
      }
      diagnostics.push(place({ code: err.code, message: err.message, path: [], hint: err.hint }, file, range));
      return { source, value: undefined, diagnostics };
    }
    if (isStackOverflow(err)) {
      diagnostics.push(fileDiagnostic('DEX107', file, `collections are nested too deeply to read`));
      return { source, value: undefined, diagnostics };
    }
    throw err;
  }
}

/** Tags that only restate what a plain value already is (`!!str 5`); any other tag is refused. */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** Converts the document to plain data, bounding depth and alias expansion; keys become own properties (even `__proto__`). */
function toPlainValue(document: Document.Parsed): unknown {
  let produced = 0;
  let aliases = 0;
  const convert = (node: unknown, depth: number): unknown => {
    if (++produced > LOAD_LIMITS.maxNodes) {
      throw new LoadError('DEX106', `the document expands to more than ${LOAD_LIMITS.maxNodes.toLocaleString('en-US')} values`, node as Node, 'aliases (*name) that repeat large anchors multiply the document; write the values out');
    }
    if (depth > LOAD_LIMITS.maxDepth) {
      throw new LoadError('DEX107', `collections are nested more than ${LOAD_LIMITS.maxDepth} levels deep`, node as Node);
    }
    const tag = (node as { tag?: string } | null)?.tag;
    if (tag && !PLAIN_TAGS.has(tag)) {
      throw new LoadError('DEX109', `the YAML tag ${tag.replace(/^tag:yaml\.org,2002:/, '!!')} is not supported`, node as Node, 'dex.yaml holds plain maps, lists, strings, numbers and booleans: remove the tag');
    }
    if (isAlias(node)) {
      if (++aliases > LOAD_LIMITS.maxAliasCount) throw new LoadError('DEX106', `more than ${LOAD_LIMITS.maxAliasCount} alias references`, node);
      const target = node.resolve(document);
      if (!target) throw new LoadError('DEX104', `alias *${node.source} has no anchor`, node);
      return convert(target, depth);
    }
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'bigint') return Number(v);
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      throw new LoadError('DEX109', `a value of type ${typeof v} is not supported here`, node);
    }
    if (isSeq(node)) return node.items.map((item) => convert(item, depth + 1));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        // With `merge: true` the library reads the key `<<` as a symbol.
        if (isScalar(key) && (key.value === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<'))) {
          // YAML merge key: copy the referenced maps' entries that this map does not set itself.
          const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
          for (const src of sources) {
            const merged = convert(src, depth + 1);
            if (!merged || typeof merged !== 'object' || Array.isArray(merged)) throw new LoadError('DEX104', 'a merge key (<<) must refer to a map', src as Node);
            for (const [k, v] of Object.entries(merged)) if (!Object.prototype.hasOwnProperty.call(out, k)) defineOwn(out, k, v);
          }
          continue;
        }
        if (!isScalar(key) || key.value === null || typeof key.value === 'object') {
          throw new LoadError('DEX109', 'keys must be plain strings', (key ?? pair.value) as Node, 'quote the key');
        }
        defineOwn(out, String(key.value), convert(pair.value, depth + 1));
      }
      return out;
    }
    if (node === null || node === undefined) return null;
    throw new LoadError('DEX109', 'unsupported YAML node', node as Node);
  };
  return convert(document.contents, 0);
}

/** Key nodes that repeat an earlier key of the same map (as plain keys: `1` and `"1"` collide). */
function duplicateKeys(doc: Document.Parsed): Node[] {
  const out: Node[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    } else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && key.range && key.value !== null && typeof key.value !== 'object' && key.value !== '<<') {
          const name = String(key.value);
          if (seen.has(name)) out.push(key);
          else seen.add(name);
        }
        stack.push(pair.value);
      }
    }
  }
  return out;
}

function isStackOverflow(err: unknown): boolean {
  return err instanceof Error && /maximum call stack size exceeded/i.test(err.message);
}

function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------
// Positions

export function rangeOf(lineCounter: LineCounter, startOffset: number, endOffset: number): Range {
  return { start: positionOf(lineCounter, startOffset), end: positionOf(lineCounter, endOffset) };
}

export function positionOf(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, col, offset };
}

interface Located {
  readonly keyNode?: Node;
  readonly valueNode?: Node;
  /** How many path segments were found; less than path.length when the path is missing. */
  readonly depth: number;
}

const keyIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/** The pairs of a map by key (the first one, if a key repeats), built once per map: lookups stay linear overall. */
function keyIndex(map: YAMLMap): Map<string, Pair> {
  let index = keyIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      if (!index.has(name)) index.set(name, pair as Pair);
    }
    keyIndexes.set(map, index);
  }
  return index;
}

/** Finds the YAML nodes of a spec path: the key that names it and its value. */
export function findNode(document: Document.Parsed | undefined, path: SpecPath): Located {
  if (!document) return { depth: 0 };
  let current: unknown = document.contents;
  let keyNode: Node | undefined;
  let depth = 0;
  for (const segment of path) {
    if (isAlias(current)) current = current.resolve(document);
    if (isMap(current)) {
      const pair = keyIndex(current).get(String(segment));
      if (!pair) break;
      keyNode = pair.key as Node;
      current = pair.value;
    } else if (isSeq(current) && typeof segment === 'number' && segment < current.items.length) {
      keyNode = undefined;
      current = current.items[segment];
    } else break;
    depth++;
  }
  return { keyNode, valueNode: (current ?? undefined) as Node | undefined, depth };
}

/** The source range for a path: its value (or its key, when asked), else the nearest ancestor's key. */
export function locate(source: SpecSource, path: SpecPath, atKey = false): Range | undefined {
  const found = findNode(source.document, path);
  const complete = found.depth === path.length;
  let node: Node | undefined = complete ? (atKey && found.keyNode ? found.keyNode : found.valueNode ?? found.keyNode) : found.keyNode ?? found.valueNode;
  if (!node?.range) return undefined;
  let [start, end] = node.range;
  // A block collection spans many lines; its first line is where a reader looks.
  if (isMap(node) || isSeq(node)) {
    const nl = source.text.indexOf('\n', start);
    if (nl !== -1 && nl < end) end = nl;
  }
  if (end <= start) end = start + 1;
  return rangeOf(source.lineCounter, start, end);
}

export function place(finding: { code: DiagnosticCode; message: string; path: SpecPath; hint?: string; severity?: Diagnostic['severity']; secret?: true }, file: string, range: Range | undefined, environment?: string): Diagnostic {
  return {
    code: finding.code,
    severity: finding.severity ?? defaultSeverity(finding.code),
    message: finding.message,
    path: finding.path,
    file,
    ...(range ? { range, line: range.start.line, col: range.start.col } : {}),
    ...(finding.hint ? { hint: finding.hint } : {}),
    ...(environment ? { environment } : {}),
    ...(finding.secret ? { secret: true as const } : {}),
  };
}

function fileDiagnostic(code: DiagnosticCode, file: string, message: string, hint?: string): Diagnostic {
  return { code, severity: defaultSeverity(code), message, path: [], file, ...(hint ? { hint } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Pre-parse scans

/** Offset of the first byte that breaks UTF-8 (or is NUL), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0) return i;
    if (b < 0x80) { i++; continue; }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    if (i + need >= bytes.length) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function countLines(bytes: Uint8Array, upTo: number): number {
  let line = 1;
  for (let i = 0; i < upTo; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function registerLines(lineCounter: LineCounter, text: string): void {
  if (lineCounter.lineStarts.length === 0) lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
}

/** Offsets of tabs in the leading whitespace of lines (YAML forbids them as indentation). */
function tabIndentations(text: string): number[] {
  const out: number[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let i = lineStart;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) {
      if (text[i] === '\t') {
        // Only indentation before content counts; a tab on a blank line is harmless.
        const rest = text.charAt(i + 1);
        if (rest !== '\n' && rest !== '\r' && rest !== '') out.push(i);
        break;
      }
      i++;
    }
    const nl = text.indexOf('\n', lineStart);
    if (nl === -1) break;
    lineStart = nl + 1;
  }
  return out;
}

/**
 * Offset where nesting first gets too deep to be a deployment spec, or -1: flow brackets (outside
 * quotes and comments) more than maxDepth deep, or a line whose content starts further right than
 * maxDepth * 8 columns, counting block indicators as indentation (`- - - - x` nests as deep as
 * indented lines do). Both would otherwise reach the YAML parser, which recurses per level.
 */
const BLOCK_SCALAR_OPENER = /(?:^|[\s:])[|>][0-9+-]*[ \t]*(?:#.*)?$/;

function flowDepthOverflow(text: string): number {
  const maxColumn = LOAD_LIMITS.maxDepth * 8;
  let depth = 0;
  let quote: string | null = null;
  const blockIndent = (lineStart: number): number => {
    let j = lineStart;
    for (;;) {
      while (text[j] === ' ') j++;
      const c = text[j];
      const next = text[j + 1];
      if ((c === '-' || c === '?' || c === ':') && (next === ' ' || next === '\t')) j += 2;
      else break;
      if (j - lineStart > maxColumn) break;
    }
    return j - lineStart;
  };
  if (blockIndent(0) > maxColumn) return 0;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      if (depth === 0 && quote === null) {
        // A block scalar (`key: |`, `- >-`): its lines, indented deeper than the line that opens
        // it, are text, whatever brackets they hold.
        const line = text.slice(lineStart, i);
        if (BLOCK_SCALAR_OPENER.test(line)) {
          const indent = line.length - line.trimStart().length;
          let j = i + 1;
          for (;;) {
            const end = text.indexOf('\n', j);
            const next = text.slice(j, end === -1 ? text.length : end);
            if (next.trim() !== '' && next.length - next.trimStart().length <= indent) break;
            if (end === -1) return -1;
            j = end + 1;
          }
          i = j - 1;
          lineStart = j;
          continue;
        }
        if (blockIndent(i + 1) > maxColumn) return i + 1;
      }
      lineStart = i + 1;
      continue;
    }
    if (quote) {
      if (c === quote) {
        if (quote === '"') {
          // Closing unless escaped by an odd number of backslashes.
          let k = i - 1;
          while (text[k] === '\\') k--;
          if ((i - 1 - k) % 2 === 0) quote = null;
        } else quote = null;
      }
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      if (nl === -1) break;
      i = nl - 1;
      continue;
    }
    if ((c === '"' || c === "'") && depth > 0) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > LOAD_LIMITS.maxDepth) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return -1;
}

/**
 * Where the quoted string that reaches `errorAt` unclosed opened: nothing in it closed it, so it is
 * the last quote character before the error that is not an escape (`\"` in double quotes, `''`
 * in single quotes).
 */
function unclosedQuote(text: string, errorAt: number, message: string): number | undefined {
  const quote = /closing "quote|double.quot/i.test(message) ? '"' : /closing 'quote|single.quot/i.test(message) ? "'" : undefined;
  if (!quote) return undefined;
  for (let i = Math.min(errorAt, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === '"') {
      let k = i - 1;
      while (text[k] === '\\') k--;
      if ((i - 1 - k) % 2 === 1) continue;
    } else if (text[i - 1] === "'") {
      i--;
      continue;
    }
    return i;
  }
  return undefined;
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'duplicate key: a later value would silently replace the earlier one';
    case 'TAG_RESOLVE_FAILED':
      return `unsupported YAML tag: ${first}`;
    default:
      return first.charAt(0).toLowerCase() + first.slice(1);
  }
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'remove one of the two keys or merge their contents';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation of this line against the lines above it';
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'a key is missing its colon, or the line above is not indented correctly';
    default:
      return undefined;
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}
