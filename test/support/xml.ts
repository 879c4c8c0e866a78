// A strict reader for the XML dex writes (its SVG pictures; the markup of its HTML report), for
// tests: elements nest and close, attribute values are quoted and hold no `<`, text holds no bare
// `&` or `<`, entities are the five XML ones or numeric, and no character XML 1.0 forbids
// appears. No prolog, comments, CDATA or processing instructions: dex writes none. It returns
// the element tree, attributes and text decoded, so a test can ask what a viewer would see.

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly (XmlElement | string)[];
}

export class XmlSyntaxError extends Error {}

const NAME = '[A-Za-z_][A-Za-z0-9_.:-]*';
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function decode(text: string, where: string): string {
  if (FORBIDDEN.test(text)) throw new XmlSyntaxError(`a character XML forbids in ${where}`);
  return text.replace(/&([^;&\s]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new XmlSyntaxError(`bare & in ${where}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref in named) return named[ref]!;
    const num = /^#(\d+)$/.exec(ref) ?? /^#x([0-9a-fA-F]+)$/.exec(ref);
    if (!num) throw new XmlSyntaxError(`unknown entity ${m} in ${where}`);
    return String.fromCodePoint(parseInt(num[1]!, ref.startsWith('#x') ? 16 : 10));
  });
}

/** Parses one element (with `voidElements`, HTML's elements that take no end tag, allowed unclosed). */
export function parseXml(text: string, voidElements: ReadonlySet<string> = new Set()): XmlElement {
  const token = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"<]*")*)\\s*(/?)>|<!DOCTYPE html>|<`, 'gy');
  const attrRe = new RegExp(`(${NAME})\\s*=\\s*"([^"<]*)"`, 'g');
  const root: { name: string; attributes: Record<string, string>; children: (XmlElement | string)[] } = { name: '#root', attributes: {}, children: [] };
  const stack = [root];
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (chunk) {
      if (chunk.includes('>') && stack.length > 1 && !['style', 'script'].includes(stack.at(-1)!.name)) throw new XmlSyntaxError(`bare > in text ${JSON.stringify(chunk.slice(0, 40))}`);
      stack.at(-1)!.children.push(['style', 'script'].includes(stack.at(-1)!.name) ? chunk : decode(chunk, 'text'));
    }
    if (lt < 0) break;
    token.lastIndex = lt;
    const m = token.exec(text);
    if (!m || m[0] === '<') throw new XmlSyntaxError(`malformed tag at ${lt}: ${JSON.stringify(text.slice(lt, lt + 60))}`);
    i = lt + m[0].length;
    if (m[0] === '<!DOCTYPE html>') continue;
    const [, close, name, attrText, selfClose] = m as unknown as [string, string, string, string, string];
    if (close) {
      if (attrText || selfClose) throw new XmlSyntaxError(`end tag with attributes: ${m[0]}`);
      const top = stack.pop();
      if (!top || top.name !== name) throw new XmlSyntaxError(`</${name}> closes <${top?.name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of attrText.matchAll(attrRe)) {
      if (a[1]! in attributes) throw new XmlSyntaxError(`attribute ${a[1]} twice on <${name}>`);
      attributes[a[1]!] = decode(a[2]!, `attribute ${a[1]}`);
    }
    const el = { name, attributes, children: [] as (XmlElement | string)[] };
    stack.at(-1)!.children.push(el);
    if (!selfClose && !voidElements.has(name)) stack.push(el);
  }
  if (stack.length !== 1) throw new XmlSyntaxError(`<${stack.at(-1)!.name}> is not closed`);
  const elements = root.children.filter((c): c is XmlElement => typeof c !== 'string');
  if (elements.length !== 1 || root.children.some((c) => typeof c === 'string' && c.trim() !== '')) throw new XmlSyntaxError('not exactly one root element');
  return elements[0]!;
}

/** Every element under `el` (itself included), depth first. */
export function descendants(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap((c) => (typeof c === 'string' ? [] : descendants(c)))];
}

/** The text inside `el`, decoded. */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}
