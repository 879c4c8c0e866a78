// The Markdown helpers of compiler/model/quote.ts, on hostile values: whatever the string, inline
// text stays inline text (no emphasis, link, HTML, table cell or block of its own; mentions that
// notify nobody), a code span holds exactly the value, HTML text has no tag, and an HTML comment
// value cannot end its comment. Each is checked by undoing the escape: the value comes back.
import { describe, expect, it } from 'vitest';
import { markdownCode, markdownCommentValue, markdownHtml, markdownText } from '../../compiler/model/quote.js';

const HOSTILE = [
  '',
  '*bold* _em_ __strong__ ~~gone~~',
  '[link](https://example.com) ![img](x.png) <https://example.com>',
  '<img src=x onerror=alert(1)> <script>alert(1)</script> </details>',
  '| a | b |',
  '`code` ``two`` ```',
  '# heading',
  '> quote',
  '- item',
  '+ item',
  '1. item',
  '12) item',
  '=====',
  'a\nb\r\nc\rd\u2028e\u2029f',
  'line\n\n| x | y |\n|---|---|',
  '&amp; &#64; &lt;',
  '$x^2$ and $$y$$',
  '\\*not bold\\* \\',
  '@octocat and @org/team, mail ops@example.com',
  '@everyone',
  '<!-- hidden --> -->',
  'é ü 中文 🚀',
];

/** CommonMark reads `\` before ASCII punctuation as that character; the word joiner is invisible. */
const unescapeText = (s: string): string => s.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/@\u2060/g, '@');
const flat = (s: string): string => s.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');

describe('markdownText', () => {
  it.each(HOSTILE)('%j reads back as itself, on one line', (value) => {
    const out = markdownText(value);
    expect(out).not.toMatch(/[\r\n\u2028\u2029]/);
    expect(unescapeText(out)).toBe(flat(value));
  });

  it('leaves no special character unescaped and no line start that opens a block', () => {
    for (const value of HOSTILE) {
      const out = markdownText(value);
      // Every *, _, `, [, ], <, >, |, ~, &, $ and ! is preceded by an odd number of backslashes.
      for (const m of out.matchAll(/(\\*)([*_`[\]<>|~&$!])/g)) expect(m[1]!.length % 2, `${value} → ${out}`).toBe(1);
      expect(out).not.toMatch(/^\s*([#>+=-]|\d+[.)])/);
    }
  });

  it('defuses mentions but not email addresses', () => {
    expect(markdownText('@octocat, (@org/team)')).toBe('@\u2060octocat, (@\u2060org/team)');
    expect(markdownText('ops@example.com')).toBe('ops@example.com');
    expect(markdownText('@octocat')).not.toMatch(/(^|[^\w])@[A-Za-z0-9]/);
  });

  it('keeps ordinary names readable', () => {
    expect(markdownText('kyc-service in ap-south-1: 730 h')).toBe('kyc-service in ap-south-1: 730 h');
  });
});

describe('markdownCode', () => {
  it.each(HOSTILE.filter((v) => v !== ''))('%j is the content of one code span', (value) => {
    const out = markdownCode(value);
    const fence = /^`+/.exec(out)![0];
    expect(out.endsWith(fence)).toBe(true);
    let inner = out.slice(fence.length, out.length - fence.length);
    // CommonMark strips one space from each end when both ends have one (the padding).
    if (inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '') inner = inner.slice(1, -1);
    expect(inner).toBe(flat(value));
    // No run of backticks inside is as long as the fence: the span cannot close early.
    for (const run of inner.match(/`+/g) ?? []) expect(run.length).not.toBe(fence.length);
  });

  it('in a table cell writes | as \\| (GitHub splits cells before it reads code spans)', () => {
    expect(markdownCode('a|b', { inTable: true })).toBe('`a\\|b`');
    expect(markdownCode('a|b')).toBe('`a|b`');
    expect(markdownCode('x`y')).toBe('``x`y``');
    expect(markdownCode('`x')).toBe('`` `x ``');
  });
});

describe('markdownHtml', () => {
  const decode = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/@\u2060/g, '@');
  it.each(HOSTILE)('%j is HTML text with no tag, on one line', (value) => {
    const out = markdownHtml(value);
    expect(out).not.toMatch(/[<>"'\r\n\u2028\u2029]/);
    expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
    expect(decode(out)).toBe(flat(value));
  });
});

describe('markdownCommentValue', () => {
  it.each([...HOSTILE, 'examples/large/dex.yaml', 'a --> b', '--!>', '<!--', 'dir with space/dex.yaml', '%41'])('%j cannot end the comment, and decodes back', (value) => {
    const out = markdownCommentValue(value);
    expect(out).not.toMatch(/[<>!\s]/);
    expect(out).not.toContain('-->');
    expect(decodeURIComponent(out)).toBe(value);
  });

  it('leaves a plain path as it is', () => {
    expect(markdownCommentValue('services/kyc-service/dex.yaml')).toBe('services/kyc-service/dex.yaml');
  });
});
