// YAML text of everything dex writes (templates, manifests, monitoring files). The `yaml` library is
// the reference: the output is byte-identical to stringify(value, YAML_OPTIONS) (a test checks it on
// every template of the reference example, on a 300-service spec and on random values). The block
// structure is written here because the library's document model costs ~130 µs per resource, most
// of a 1,000-service emit, and its cold start most of a small one; scalars whose form is not
// obvious are still rendered by the library.
import { stringify } from 'yaml';
import { YAML_OPTIONS } from './output.js';

type Plain = string | number | boolean | null | readonly Plain[] | { readonly [key: string]: Plain };

/** The library's output for `value`, produced faster; falls back to the library for odd scalars. */
export function toYaml(value: unknown): string {
  try {
    const plain = value as Plain;
    if (plain !== null && typeof plain === 'object') {
      if (Array.isArray(plain)) return plain.length ? writeSeq(plain, 0) : '[]\n';
      if (Object.keys(plain).length) return writeMap(plain as { readonly [key: string]: Plain }, 0);
    }
  } catch (err) {
    if (!(err instanceof NeedsLibrary)) throw err;
  }
  return stringify(value, YAML_OPTIONS);
}

/** A scalar whose rendering depends on its position (block scalars with indentation indicators). */
class NeedsLibrary extends Error {}

const SPACES: string[] = [];
const pad = (n: number): string => (SPACES[n] ??= ' '.repeat(n));

function writeMap(map: { readonly [key: string]: Plain }, indent: number): string {
  let out = '';
  for (const key of Object.keys(map)) out += `${pad(indent)}${mapKey(key, indent)}:${afterKey(map[key]!, indent)}`;
  return out;
}

function afterKey(value: Plain, indent: number): string {
  if (value === null || typeof value !== 'object') return ` ${scalar(value, indent + 2)}\n`;
  if (Array.isArray(value)) return value.length ? `\n${writeSeq(value, indent + 2)}` : ' []\n';
  return Object.keys(value).length ? `\n${writeMap(value as { readonly [key: string]: Plain }, indent + 2)}` : ' {}\n';
}

function writeSeq(seq: readonly Plain[], indent: number): string {
  let out = '';
  for (const item of seq) {
    out += `${pad(indent)}- `;
    if (item === null || typeof item !== 'object') out += `${scalar(item, indent + 2)}\n`;
    else if (Array.isArray(item)) out += item.length ? writeSeq(item, indent + 2).slice(indent + 2) : '[]\n';
    else out += Object.keys(item).length ? writeMap(item as { readonly [key: string]: Plain }, indent + 2).slice(indent + 2) : '{}\n';
  }
  return out;
}

/** Letter-led names, ARNs, paths, `Fn::GetAtt`: plain unless YAML 1.1 reads them as a bool or null. */
const PLAIN_SAFE = /^[A-Za-z](?:[A-Za-z0-9_./:-]*[A-Za-z0-9_./-])?$/;
const YAML11_KEYWORDS = new Set(['y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL']);
/** YAML 1.1's float pattern allows an empty mantissa: `e5` is a number there. */
const YAML11_BARE_EXPONENT = /^[eE][-+]?[0-9]/;
const scalarCache = new Map<string, string>();

const keyCache = [new Map<string, string>(), new Map<string, string>()] as const;

/** A mapping key; at column 0 the library also guards against document markers (`...`, `---`). */
function mapKey(key: string, indent: number): string {
  if (PLAIN_SAFE.test(key) && !YAML11_KEYWORDS.has(key) && !YAML11_BARE_EXPONENT.test(key)) return key;
  const cache = keyCache[indent === 0 ? 0 : 1];
  let text = cache.get(key);
  if (text === undefined) {
    // Keys have rules of their own (quoting differs from values): ask the library, in context.
    const entry = indent === 0 ? stringify({ [key]: 0 }, YAML_OPTIONS) : stringify([{ [key]: 0 }], YAML_OPTIONS).slice(2);
    // Multi-line and very long keys become explicit `? key` entries: leave those to the library.
    if (!entry.endsWith(': 0\n') || entry.indexOf('\n') !== entry.length - 1) throw new NeedsLibrary();
    text = entry.slice(0, -4);
    cache.set(key, text);
  }
  return text;
}

/** One scalar; `contentIndent` is where a block scalar's lines go. */
function scalar(value: string | number | boolean | null, contentIndent: number): string {
  if (typeof value === 'string') {
    if (PLAIN_SAFE.test(value) && !YAML11_KEYWORDS.has(value) && !YAML11_BARE_EXPONENT.test(value)) return value;
    let text = scalarCache.get(value);
    if (text === undefined) {
      // Rendered as a sequence item, not alone: a document-level scalar has rules of its own (`...`).
      text = stringify([value], YAML_OPTIONS).slice(2, -1);
      scalarCache.set(value, text);
    }
    if (!text.includes('\n')) return text;
    // Block scalar: the library put its lines at column 2; move them to the content indent.
    return text
      .split('\n')
      .map((line, i) => (i === 0 ? line : line.startsWith('  ') ? pad(contentIndent) + line.slice(2) : line))
      .join('\n');
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Object.is(value, -0) && Math.abs(value) < 1e15) return String(value);
    return stringify([value], YAML_OPTIONS).slice(2, -1);
  }
  if (value === null) return 'null';
  // Anything but the JSON scalars (undefined, a bigint, a function) is the library's to render.
  if (typeof value !== 'boolean') throw new NeedsLibrary();
  return value ? 'true' : 'false';
}
