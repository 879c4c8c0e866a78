// A reader for the subset of Mermaid's flowchart syntax dex writes, for tests. No npm package
// parses flowcharts without Mermaid itself and a browser DOM (@mermaid-js/parser covers other
// diagram types), so this follows Mermaid's own readers, in their order: the pre-passes over the
// whole text (directives `%%{…}%%`, entity codes `#…;`), the lexer (a quoted string runs to the
// next `"`), the statement grammar, then the label as the browser shows it (KaTeX `$$`, HTML
// tags, entities). Anything outside the subset is an error, so a label that broke out of its
// quotes shows up as an unknown statement.

export interface MermaidFlowchart {
  readonly direction: string;
  /** id → label as displayed, lines joined by '\n'. */
  readonly nodes: ReadonlyMap<string, string>;
  readonly subgraphs: ReadonlyMap<string, { readonly label: string; readonly parent: string | undefined }>;
  /** id → the subgraph it is declared in. */
  readonly nodeParent: ReadonlyMap<string, string | undefined>;
  readonly edges: readonly { readonly from: string; readonly to: string; readonly arrow: string }[];
  readonly classes: ReadonlyMap<string, readonly string[]>;
}

export class MermaidSyntaxError extends Error {}

const ID = '[A-Za-z][A-Za-z0-9_]*';
const SHAPES: readonly (readonly [string, string])[] = [
  ['((', '))'],
  ['{{', '}}'],
  ['[(', ')]'],
  ['[/', '/]'],
  ['[', ']'],
];
const ARROWS = ['==>', '-->', '-.->'];
/** Words the flowchart lexer reads as keywords wherever they stand as a node id. */
const KEYWORDS = new Set(['end', 'subgraph', 'graph', 'flowchart', 'class', 'classDef', 'style', 'linkStyle', 'click', 'direction', 'default']);

/** What the browser shows for a label's markup: `<br/>` is a line break; any other tag is an error. */
function displayed(label: string): string {
  if (/\$\$/.test(label)) throw new MermaidSyntaxError(`label ${JSON.stringify(label)} holds $$: KaTeX would render it`);
  // Mermaid turns `#123;` / `#name;` into `&#123;` / `&name;` before the browser reads the HTML.
  const html = label.replace(/#(\w+);/g, '&$1;').replace(/&(\d+);/g, '&#$1;');
  const parts = html.split('<br/>');
  return parts
    .map((p) => {
      if (/[<>]/.test(p)) throw new MermaidSyntaxError(`label ${JSON.stringify(label)} holds HTML markup`);
      return p.replace(/&(#\d+|[a-z]+);|&/g, (m, ref: string | undefined) => {
        if (ref === undefined) throw new MermaidSyntaxError(`label ${JSON.stringify(label)} holds a bare &`);
        if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
        const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };
        if (!(ref in named)) throw new MermaidSyntaxError(`unknown entity ${m}`);
        return named[ref]!;
      });
    })
    .join('\n');
}

/** `"…"` at the start of `rest`: the label and what follows it. */
function quoted(rest: string, line: string): [string, string] {
  if (!rest.startsWith('"')) throw new MermaidSyntaxError(`expected a quoted label: ${line}`);
  const close = rest.indexOf('"', 1);
  if (close < 0) throw new MermaidSyntaxError(`unterminated label: ${line}`);
  return [rest.slice(1, close), rest.slice(close + 1)];
}

export function parseMermaidFlowchart(text: string): MermaidFlowchart {
  if (/%%\{/.test(text)) throw new MermaidSyntaxError('the text holds a %%{ directive');
  if (/%%/.test(text)) throw new MermaidSyntaxError('the text holds a %% comment');
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new MermaidSyntaxError('no final line break');
  lines.pop();
  const head = /^flowchart (LR|TB|TD|RL|BT)$/.exec(lines[0] ?? '');
  if (!head) throw new MermaidSyntaxError(`first line: ${lines[0]}`);
  const nodes = new Map<string, string>();
  const nodeParent = new Map<string, string | undefined>();
  const subgraphs = new Map<string, { label: string; parent: string | undefined }>();
  const edges: { from: string; to: string; arrow: string }[] = [];
  const classes = new Map<string, string[]>();
  const stack: string[] = [];
  const declare = (id: string, line: string) => {
    if (KEYWORDS.has(id)) throw new MermaidSyntaxError(`keyword as an id: ${line}`);
    if (nodes.has(id) || subgraphs.has(id)) throw new MermaidSyntaxError(`${id} declared twice`);
  };
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^subgraph (${ID}) \\[(.*)$`).exec(line))) {
      const [label, after] = quoted(m[2]!, line);
      if (after !== ']') throw new MermaidSyntaxError(`text after a subgraph label: ${line}`);
      declare(m[1]!, line);
      subgraphs.set(m[1]!, { label: displayed(label), parent: stack.at(-1) });
      stack.push(m[1]!);
    } else if (line === 'end') {
      if (!stack.pop()) throw new MermaidSyntaxError('end without subgraph');
    } else if ((m = new RegExp(`^(${ID}) (\\S+) (${ID})$`).exec(line)) && ARROWS.includes(m[2]!)) {
      edges.push({ from: m[1]!, to: m[3]!, arrow: m[2]! });
    } else if ((m = new RegExp(`^classDef (${ID}) ([a-z-]+:#[0-9a-f]{6}(,[a-z-]+:#[0-9a-f]{6})*)$`).exec(line))) {
      // styles are dex's own constants
    } else if ((m = new RegExp(`^class (${ID}(?:,${ID})*) (${ID})$`).exec(line))) {
      classes.set(m[2]!, [...(classes.get(m[2]!) ?? []), ...m[1]!.split(',')]);
    } else if ((m = new RegExp(`^(${ID})(.*)$`).exec(line))) {
      const id = m[1]!;
      const shape = SHAPES.find(([open]) => m![2]!.startsWith(open));
      if (!shape) throw new MermaidSyntaxError(`unknown statement: ${line}`);
      const [label, after] = quoted(m[2]!.slice(shape[0].length), line);
      if (after !== shape[1]) throw new MermaidSyntaxError(`text after a node label: ${line}`);
      declare(id, line);
      nodes.set(id, displayed(label));
      nodeParent.set(id, stack.at(-1));
    } else throw new MermaidSyntaxError(`unknown statement: ${line}`);
  }
  if (stack.length > 0) throw new MermaidSyntaxError(`subgraph ${stack.at(-1)} has no end`);
  for (const e of edges) for (const id of [e.from, e.to]) if (!nodes.has(id)) throw new MermaidSyntaxError(`edge to undeclared ${id}`);
  for (const ids of classes.values()) for (const id of ids) if (!nodes.has(id)) throw new MermaidSyntaxError(`class on undeclared ${id}`);
  return { direction: head[1]!, nodes, subgraphs, nodeParent, edges, classes };
}
