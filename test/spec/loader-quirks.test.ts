// Loader findings of the security review: located where the mistake is, not where the parser noticed.
import { describe, expect, it } from 'vitest';
import { loadSpecText } from '../../spec/load.js';

const codes = (text: string) => loadSpecText(text, 'dex.yaml').diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`);

describe('the loader', () => {
  it('reports an unclosed quote where it opens, not at the end of the file', () => {
    expect(codes('dex: 1\nname: "shop\nregion: us-east-1\nservices: {}\n')).toEqual(['2:7 DEX104 this double-quoted string is never closed']);
    expect(codes("dex: 1\nname: 'it''s\nregion: us-east-1\n")).toEqual(['2:7 DEX104 this single-quoted string is never closed']);
    expect(codes('dex: 1\nname: "a \\" b\nregion: x\n')).toEqual(['2:7 DEX104 this double-quoted string is never closed']);
  });

  it('reads a file with CR-only line ends (old Mac editors) as lines, keeping positions', () => {
    const loaded = loadSpecText('dex: 1\rname: shop\rregion: us-east-1\r', 'dex.yaml');
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.value).toEqual({ dex: 1, name: 'shop', region: 'us-east-1' });
  });

  it('does not count brackets inside a block scalar as nesting (no false DEX107)', () => {
    const text = `dex: 1\nservices:\n  api:\n    command:\n      - |\n        ${'['.repeat(70)}\n    env: { A: "1" }\n`;
    expect(codes(text).filter((c) => c.includes('DEX107'))).toEqual([]);
    // Real nesting past the limit is still refused before the parser recurses.
    expect(codes(`dex: 1\nx: ${'['.repeat(70)}\n`).some((c) => c.includes('DEX107'))).toBe(true);
  });
});
