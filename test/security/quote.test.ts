// The quoting helpers, checked against the real interpreters: whatever the string, bash and sh
// read a shellQuote'd word back as exactly that string, and node reads a jsonString literal back.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UnsafeValueError, commentText, envFileLine, githubLiteral, jsonString, shellArg, shellQuote } from '../../compiler/model/quote.js';
import { hasBash } from './sandbox.js';

const HOSTILE = [
  '',
  "'",
  "''",
  "a'b",
  "'\\''",
  '$(touch X)',
  '`touch X`',
  '${IFS}',
  '"$HOME"',
  '\\',
  '\\\n',
  'a\nb',
  '\r\n',
  '; touch X #',
  '&& touch X',
  '| touch X',
  '*',
  '~',
  '-n',
  '!!',
  '\t',
  'é ü 中文 \u2028 \u2029',
  "x'$(touch X)'y",
];

/** Every printable ASCII character, plus a few controls, in random-looking but fixed orders. */
const SHUFFLED = Array.from({ length: 40 }, (_, i) => {
  const chars = Array.from({ length: 95 }, (_, c) => String.fromCharCode(32 + c)).concat(['\n', '\t', '\r']);
  return chars.filter((_, c) => (c * 7 + i * 13) % (i + 3) !== 0).reverse().join('').slice(i % 5);
});

describe.runIf(hasBash)('shellQuote', () => {
  it.each(['bash', 'sh'])('%s reads every quoted word back verbatim, and nothing runs', (shell) => {
    const values = [...HOSTILE, ...SHUFFLED];
    const script = values.map((v) => `printf '%s\\0' ${shellQuote(v)}`).join('\n');
    const r = spawnSync(shell, ['-c', script], { encoding: 'utf8', cwd: '/' });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(values);
  });

  it('shellArg leaves plain words bare and quotes the rest, with the same meaning', () => {
    expect(shellArg('dex-mobile/release-managers')).toBe('dex-mobile/release-managers');
    expect(shellArg('name=main')).toBe('name=main');
    for (const v of HOSTILE) expect(shellArg(v)).toBe(v === '-n' ? v : shellQuote(v));
    const r = spawnSync('bash', ['-c', HOSTILE.map((v) => `printf '%s\\0' ${shellArg(v)}`).join('\n')], { encoding: 'utf8' });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
  });

  it('refuses a NUL byte, which no shell argument can hold', () => {
    expect(() => shellQuote('a\0b')).toThrow(UnsafeValueError);
  });
});

describe('jsonString', () => {
  it('node reads every literal back verbatim', () => {
    const values = [...HOSTILE, ...SHUFFLED, "'+require('child_process').execSync('touch X')+'", '</script>'];
    const program = `process.stdout.write(JSON.stringify([${values.map(jsonString).join(',')}]))`;
    const r = spawnSync('node', ['-e', program], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(values);
  });
});

describe('envFileLine', () => {
  it('writes NAME=value and refuses what would start another line', () => {
    expect(envFileLine('A', "x'$(y)'z")).toBe("A=x'$(y)'z");
    for (const v of ['a\nB=1', 'a\rB=1', 'a\0']) expect(() => envFileLine('A', v)).toThrow(UnsafeValueError);
    expect(() => envFileLine('A B', 'x')).toThrow(UnsafeValueError);
  });
});

describe('githubLiteral and commentText', () => {
  it('refuses ${{ anywhere in a workflow value', () => {
    expect(githubLiteral('services/api')).toBe('services/api');
    for (const v of ['${{ github.token }}', 'a${{b}}', '$${{x}}']) expect(() => githubLiteral(v)).toThrow(UnsafeValueError);
  });

  it('keeps comment text on one line', () => {
    expect(commentText('main\ntouch X\r\n#')).toBe('main touch X #');
    expect(commentText('a\u2028b')).toBe('a b');
  });
});
