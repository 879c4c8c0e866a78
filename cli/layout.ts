// Text that fits the terminal: prose wrapped at word boundaries, and tables that fold their less
// important columns onto an indented line below each row instead of letting the terminal wrap
// them. Pure: widths in, lines out. Colour escapes are not counted as width.

/** A colour escape (chalk writes only SGR sequences). */
const SGR = /\x1b\[[0-9;]*m/g;

/** Columns a string takes on the terminal: code points without colour escapes (dex prints no wide characters). */
export function visibleWidth(text: string): number {
  return [...text.replace(SGR, '')].length;
}

/**
 * `text` cut into lines of at most `width` columns, breaking at spaces: the first line starts
 * with `indent`, the others with `hanging` (default: `indent` and two blanks). A word longer than
 * a line is cut where it must be. Undefined `width` means no limit. Escapes are carried, not counted.
 */
export function wrap(text: string, width: number | undefined, indent = '', hanging = `${indent}  `): string[] {
  if (width === undefined || visibleWidth(indent) + visibleWidth(text) <= width) return [indent + text];
  const lines: string[] = [];
  let line = indent;
  let lineWidth = visibleWidth(indent);
  let fresh = true;
  const room = (lead: string) => Math.max(8, width - visibleWidth(lead));
  // Runs of blanks inside a line are kept (they align things); a break swallows its run.
  const tokens = text.split(/( +)/);
  for (let t = 0; t < tokens.length; t += 2) {
    const word = tokens[t]!;
    const gap = t > 0 ? tokens[t - 1]! : '';
    if (word === '') continue;
    let w = visibleWidth(word);
    if (!fresh && lineWidth + gap.length + w > width) {
      lines.push(line);
      line = hanging;
      lineWidth = visibleWidth(hanging);
      fresh = true;
    }
    let rest = word;
    // A word wider than any line (a long URL, a path): cut it, no better place exists.
    while (fresh && lineWidth + w > width && w > room(line)) {
      const [head, tail] = splitVisible(rest, room(line));
      lines.push(line + head);
      line = hanging;
      lineWidth = visibleWidth(hanging);
      rest = tail;
      w = visibleWidth(rest);
    }
    line += fresh ? rest : gap + rest;
    lineWidth += fresh ? w : w + gap.length;
    fresh = false;
  }
  lines.push(line);
  return lines.map((l) => l.replace(/ +$/, ''));
}

/** The first `n` visible columns of `text` and the rest (escapes stay with the text they precede). */
function splitVisible(text: string, n: number): [string, string] {
  let seen = 0;
  let i = 0;
  while (i < text.length && seen < n) {
    const m = /^\x1b\[[0-9;]*m/.exec(text.slice(i));
    if (m) {
      i += m[0].length;
      continue;
    }
    const cp = text.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    seen++;
  }
  return [text.slice(0, i), text.slice(i)];
}

/** `text` cut to `width` columns with an ellipsis (plain text only). */
export function clipText(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(1, width - 1)).join('')}…`;
}

export interface Column {
  readonly header: string;
  readonly align: 'l' | 'r';
  /**
   * When the table is wider than the terminal, columns with a `fold` move, lowest first, onto an
   * indented line below their row (joined with ' · '); a column without one stays in the row.
   */
  readonly fold?: number;
  /** How a folded cell reads on the line below ('2' → '2 findings'); '' leaves it out. */
  readonly detail?: (text: string) => string;
}

export interface TableOptions {
  /** The terminal's width; undefined: as wide as the content (nothing folds). */
  readonly width?: number;
  /** Blanks before every row. */
  readonly indent: number;
  /** Blanks before the folded line (default: indent + 2). */
  readonly detailIndent?: number;
  /** Show the header row (default: true). */
  readonly header?: boolean;
  /** Colours a row's cell after padding (row -1 is the header). */
  readonly paint?: (row: number, col: number, text: string) => string;
  /** Colours a folded line. */
  readonly paintDetail?: (row: number, text: string) => string;
}

export interface TableLayout {
  /** The header line, when shown. */
  readonly header?: string;
  /** Each row's lines: the row itself, then its folded line(s). */
  readonly rows: readonly (readonly string[])[];
  /** Whether any column was folded. */
  readonly folded: boolean;
}

const GAP = '  ';

/**
 * Rows in aligned columns that fit `width`: each cell padded to its column's widest (right-aligned
 * where asked; the last cell never padded, so no trailing blanks); when the row is too wide, the
 * foldable columns move below it one by one; when even the rest is too wide, the widest
 * left-aligned column is clipped with an ellipsis.
 */
export function layoutTable(columns: readonly Column[], rows: readonly (readonly string[])[], options: TableOptions): TableLayout {
  const showHeader = options.header ?? true;
  const all = showHeader ? [columns.map((c) => c.header), ...rows] : [...rows];
  const natural = columns.map((_, i) => Math.max(0, ...all.map((r) => visibleWidth(r[i] ?? ''))));
  const visible = columns.map(() => true);
  const tableWidth = (widths: readonly number[]) => {
    const shown = widths.filter((_, i) => visible[i]);
    return options.indent + shown.reduce((a, w) => a + w, 0) + GAP.length * Math.max(0, shown.length - 1);
  };
  const widths = [...natural];
  let folded = false;
  if (options.width !== undefined) {
    const order = columns.map((c, i) => ({ i, fold: c.fold })).filter((c) => c.fold !== undefined).sort((a, b) => a.fold! - b.fold! || b.i - a.i);
    for (const { i } of order) {
      if (tableWidth(widths) <= options.width) break;
      visible[i] = false;
      folded = true;
    }
    // Still too wide: clip the widest left-aligned cells, down to a few characters.
    while (tableWidth(widths) > options.width) {
      let widest = -1;
      for (let i = 0; i < columns.length; i++) if (visible[i] && columns[i]!.align === 'l' && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
      if (widest < 0 || widths[widest]! <= 6) break;
      widths[widest] = Math.max(6, widths[widest]! - (tableWidth(widths) - options.width));
    }
  }
  const shownIndex = columns.map((_, i) => i).filter((i) => visible[i]);
  const lastShown = shownIndex[shownIndex.length - 1];
  const renderRow = (cells: readonly string[], r: number): string => {
    const parts = shownIndex.map((i) => {
      let cell = cells[i] ?? '';
      if (visibleWidth(cell) > widths[i]!) cell = clipText(cell, widths[i]!);
      const pad = ' '.repeat(Math.max(0, widths[i]! - visibleWidth(cell)));
      const text = columns[i]!.align === 'r' ? pad + cell : i === lastShown ? cell : cell + pad;
      return options.paint ? options.paint(r, i, text) : text;
    });
    return `${' '.repeat(options.indent)}${parts.join(GAP)}`.replace(/ +$/, '');
  };
  const detailIndent = ' '.repeat(options.detailIndent ?? options.indent + 2);
  const out: string[][] = rows.map((cells, r) => {
    const lines = [renderRow(cells, r)];
    const detail = columns
      .map((_, i) => i)
      .filter((i) => !visible[i])
      .map((i) => (columns[i]!.detail ? columns[i]!.detail!(cells[i] ?? '') : (cells[i] ?? '')))
      .filter((text) => text !== '')
      .join(' · ');
    if (detail) for (const l of wrap(detail, options.width, detailIndent)) lines.push(options.paintDetail ? options.paintDetail(r, l) : l);
    return lines;
  });
  return { ...(showHeader ? { header: renderRow(columns.map((c) => c.header), -1) } : {}), rows: out, folded };
}

/** The layout as lines: the header, then every row's lines. */
export function tableLines(layout: TableLayout): string[] {
  return [...(layout.header !== undefined ? [layout.header] : []), ...layout.rows.flat()];
}
