// The terminal layout helpers: prose wrapped at word boundaries, tables folding their columns.
import { describe, expect, it } from 'vitest';
import { layoutTable, tableLines, visibleWidth, wrap, type Column } from '../../cli/layout.js';

const ESC = String.fromCharCode(27);

describe('wrap', () => {
  it('breaks at spaces within the width, with a hanging indent; a word too long is cut', () => {
    expect(wrap('one two three four', 9, '  ')).toEqual(['  one two', '    three', '    four']);
    expect(wrap('short', 80, '  ')).toEqual(['  short']);
    expect(wrap('x'.repeat(25), 12, '', '')).toEqual(['x'.repeat(12), 'x'.repeat(12), 'x']);
    for (const l of wrap('a '.repeat(100), 17, '    ')) expect(l.length).toBeLessThanOrEqual(17);
  });

  it('does not count colour escapes as width', () => {
    const red = (s: string) => `${ESC}[31m${s}${ESC}[39m`;
    expect(visibleWidth(red('abc'))).toBe(3);
    expect(wrap(`${red('aaaa')} ${red('bbbb')}`, 9)).toEqual([`${red('aaaa')} ${red('bbbb')}`]);
    expect(wrap(`${red('aaaa')} ${red('bbbb')}`, 8, '', '')).toEqual([red('aaaa'), red('bbbb')]);
  });
});

describe('layoutTable', () => {
  const columns: Column[] = [
    { header: 'name', align: 'l' },
    { header: 'kind', align: 'l', fold: 1 },
    { header: 'cost', align: 'r' },
    { header: 'why', align: 'l', fold: 0, detail: (v) => (v ? `because ${v}` : '') },
  ];
  const rows = [
    ['alpha', 'db', '$1.00', 'it is big'],
    ['beta', 'cache', '$10.00', ''],
  ];

  it('unfolded when it fits, aligned, no trailing blanks', () => {
    const layout = layoutTable(columns, rows, { indent: 2 });
    expect(layout.folded).toBe(false);
    expect(tableLines(layout)).toEqual(['  name   kind     cost  why', '  alpha  db      $1.00  it is big', '  beta   cache  $10.00']);
  });

  it('folds the lowest fold first onto an indented line below its row, then the next', () => {
    const one = layoutTable(columns, rows, { indent: 2, width: 24 });
    expect(tableLines(one)).toEqual(['  name   kind     cost', '  alpha  db      $1.00', '    because it is big', '  beta   cache  $10.00']);
    const two = layoutTable(columns, rows, { indent: 2, width: 16 });
    expect(tableLines(two)).toEqual(['  name     cost', '  alpha   $1.00', '    db · because', '      it is big', '  beta   $10.00', '    cache']);
    for (const l of tableLines(two)) expect(l.length).toBeLessThanOrEqual(16);
  });

  it('clips the widest left-aligned column when nothing more can fold', () => {
    const layout = layoutTable([{ header: 'n', align: 'l' }, { header: 'c', align: 'r' }], [['a-very-long-name', '$1.00']], { indent: 0, width: 13, header: false });
    expect(tableLines(layout)).toEqual(['a-ver…  $1.00']);
  });
});
