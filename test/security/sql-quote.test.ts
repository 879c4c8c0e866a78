// The SQL quoting helpers: whatever the string, a PostgreSQL lexer reads the quoted token back as
// exactly that string and the token ends where the helper's output ends (nothing after it can be
// read as SQL). No server is available offline, so the test carries a small reader of the two
// token forms, written from the PostgreSQL lexical rules (4.1.1, 4.1.2.1, 4.1.2.2).
import { describe, expect, it } from 'vitest';
import { UnsafeValueError, sqlIdentifier, sqlLiteral } from '../../compiler/model/quote.js';

const HOSTILE = ['a', 'svc_api', '"', '""', 'a"b', "'", "a'b", "'; DROP TABLE x; --", '"; DROP ROLE x; --', '\\', "\\'", 'x\\', '$$', '$dex$', 'Ünïcode', 'a b', 'a\nb', '--', '/*'];

/** Reads one token starting at 0; returns its value and where it ends. */
function readToken(sql: string): { value: string; end: number } {
  let i = 0;
  let escape = false;
  if (sql[i] === 'E') {
    escape = true;
    i++;
  }
  const q = sql[i];
  if (q !== '"' && q !== "'") throw new Error(`not a quoted token: ${sql}`);
  if (q === '"' && escape) throw new Error('E"…" is not SQL');
  i++;
  let value = '';
  for (;;) {
    if (i >= sql.length) throw new Error(`unterminated: ${sql}`);
    const c = sql[i]!;
    if (c === q) {
      if (sql[i + 1] === q) {
        value += q;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (escape && c === '\\') {
      value += sql[i + 1];
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
}

describe('sqlIdentifier', () => {
  it.each(HOSTILE)('reads back %j as one identifier', (value) => {
    const out = sqlIdentifier(value);
    const token = readToken(out);
    expect(token.value).toBe(value);
    expect(token.end).toBe(out.length);
  });
  it('quotes a plain name', () => expect(sqlIdentifier('svc_api')).toBe('"svc_api"'));
  it('refuses NUL, empty and names PostgreSQL would truncate', () => {
    expect(() => sqlIdentifier('a\0b')).toThrow(UnsafeValueError);
    expect(() => sqlIdentifier('')).toThrow(UnsafeValueError);
    expect(() => sqlIdentifier('x'.repeat(64))).toThrow(UnsafeValueError);
    expect(sqlIdentifier('x'.repeat(63))).toBe(`"${'x'.repeat(63)}"`);
    // 32 two-byte characters are 64 bytes.
    expect(() => sqlIdentifier('é'.repeat(32))).toThrow(UnsafeValueError);
  });
});

describe('sqlLiteral', () => {
  it.each(HOSTILE)('reads back %j as one string constant', (value) => {
    const out = sqlLiteral(value);
    const token = readToken(out);
    expect(token.value).toBe(value);
    expect(token.end).toBe(out.length);
  });
  it('writes plain and backslash values in the form that means the same with either standard_conforming_strings', () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral('a\\b')).toBe("E'a\\\\b'");
  });
  it('refuses NUL', () => expect(() => sqlLiteral('a\0')).toThrow(UnsafeValueError));
});
