// Every value from dex.yaml that ends up inside emitted code (shell scripts, EC2 user data,
// buildspec and workflow `run:` lines, health-check commands, `node -e` scripts, env files,
// GitHub workflow files) goes through one of these, so it stays data in that language whatever
// it contains. The schema already refuses most hostile shapes; these are the second line, for a
// value the schema lets through or a caller that skipped validation. docs/security.md.

/** A value that cannot be made inert in the target language: refuse it rather than emit it. */
export class UnsafeValueError extends Error {
  constructor(what: string, value: string, why: string) {
    super(`${what} ${JSON.stringify(value)} cannot be emitted safely: ${why}`);
    this.name = 'UnsafeValueError';
  }
}

/**
 * One POSIX shell word holding exactly `value`: single quotes, inside which nothing is special,
 * with each `'` closed, escaped and reopened. Works in sh, bash and dash; no `printf %q`, whose
 * output is bash-only and locale-dependent.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new UnsafeValueError('shell word', value, 'a NUL byte cannot appear in a shell argument');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Words that mean themselves unquoted in every POSIX shell (no globs, expansions, separators). */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Like shellQuote, but leaves a plain word bare, so generated scripts stay readable. */
export function shellArg(value: string): string {
  return PLAIN_WORD.test(value) ? value : shellQuote(value);
}

/**
 * A JavaScript (and JSON) string literal holding `value`. JSON.stringify escapes quotes,
 * backslashes and control characters; U+2028/U+2029 are escaped too, since older JavaScript
 * engines end a string at them.
 */
export function jsonString(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * One `NAME=value` line of a Docker `--env-file`. The format has no quoting or escapes: a value
 * is everything after the first `=` up to the end of the line, so the only hostile character is
 * a line break (it would start a second variable). Those are refused, not encoded: any encoding
 * would reach the program as a different value.
 */
export function envFileLine(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UnsafeValueError('environment variable name', name, 'names are letters, digits and _');
  if (/[\r\n\0]/.test(value)) throw new UnsafeValueError(`value of ${name}`, value, 'an env-file line cannot hold a line break or NUL');
  return `${name}=${value}`;
}

/**
 * A value placed in a GitHub Actions workflow file where GitHub evaluates `${{ }}` (matrix
 * entries, names, `env:`, `run:`). It is refused if it contains `${{`: GitHub would evaluate it
 * before any shell quoting applies. Values reach `run:` scripts through `env:` and `"$VAR"`.
 */
export function githubLiteral(value: string, what = 'value'): string {
  if (value.includes('${{')) throw new UnsafeValueError(what, value, 'GitHub would evaluate ${{ … }} in a workflow file');
  return value;
}

/** Text for a `#` comment line in a script: a line break would end the comment and start code. */
export function commentText(value: string): string {
  return value.replace(/[\r\n\u2028\u2029\0]+/g, ' ');
}

/**
 * Characters a Mermaid label shows as themselves: letters, digits, space and punctuation that means
 * nothing to Mermaid's lexer, its pre-passes or HTML. Everything else is written as an entity code.
 */
const MERMAID_PLAIN = /[\p{L}\p{N} .,_/()+\-\u2013\u00b7\u00d7]/u;

/**
 * A Mermaid flowchart label, quoted, for `id["…"]` and `subgraph id ["…"]`, its lines joined by
 * `<br/>`. The lexer ends a quoted label at the next `"` only, but the text meets more readers:
 * Mermaid's pre-passes, which read `#name;` as an entity code, `%%{…}%%` anywhere as a directive
 * (a configuration change), `$$…$$` as KaTeX and rewrite `style …:…#…;`; then the browser, which
 * renders labels as HTML. So each character outside MERMAID_PLAIN, and each `$` next to another,
 * becomes its entity code `#<code point>;`, which all of them pass through and the page shows as
 * the character. Line breaks and other control characters become spaces (each element of `lines`
 * is one line); an empty line is a space, so the label is never `""`.
 */
export function mermaidLabel(lines: readonly string[]): string {
  const line = (value: string): string => {
    const chars = [...value.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')];
    // A lone `$` is plain (the price in every cost label); two in a row would open KaTeX.
    const plain = (c: string, i: number): boolean => (c === '$' ? chars[i - 1] !== '$' && chars[i + 1] !== '$' : MERMAID_PLAIN.test(c));
    const out = chars.map((c, i) => (plain(c, i) ? c : `#${c.codePointAt(0)!};`)).join('');
    return out === '' ? ' ' : out;
  };
  return `"${lines.map(line).join('<br/>')}"`;
}

/**
 * Text for XML (SVG) and HTML, in element content or a quoted attribute value (either quote): the
 * five markup characters as entities, and the characters XML 1.0 forbids (control characters
 * other than tab and line breaks, lone surrogates, U+FFFE/U+FFFF), which make a whole SVG file
 * unreadable, as U+FFFD. Not for <script> or <style> content, where entities mean nothing: dex
 * writes no value there.
 */
export function xmlText(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** PostgreSQL's limit on identifier length (NAMEDATALEN - 1 bytes); longer ones are silently truncated by the server. */
const SQL_IDENTIFIER_MAX_BYTES = 63;

/**
 * A PostgreSQL quoted identifier holding exactly `value`: double quotes, each `"` doubled. Quoted,
 * a name keeps its case and can never be read as a keyword or end the statement. Refused: NUL
 * (the server rejects it) and names over 63 bytes (the server would truncate them to another name).
 */
export function sqlIdentifier(value: string): string {
  if (value.length === 0) throw new UnsafeValueError('SQL identifier', value, 'an identifier cannot be empty');
  if (value.includes('\0')) throw new UnsafeValueError('SQL identifier', value, 'a NUL byte cannot appear in SQL');
  if (new TextEncoder().encode(value).length > SQL_IDENTIFIER_MAX_BYTES) throw new UnsafeValueError('SQL identifier', value, `PostgreSQL truncates identifiers to ${SQL_IDENTIFIER_MAX_BYTES} bytes`);
  return `"${value.replace(/"/g, '""')}"`;
}

/** MySQL's limit on identifier length, in characters. */
const MYSQL_IDENTIFIER_MAX = 64;

/**
 * A MySQL quoted identifier holding exactly `value`: backticks, each backtick doubled (whatever
 * sql_mode is: ANSI_QUOTES changes what double quotes mean, never backticks). Refused: NUL, and
 * names over 64 characters (the server refuses them).
 */
export function mysqlIdentifier(value: string): string {
  if (value.length === 0) throw new UnsafeValueError('MySQL identifier', value, 'an identifier cannot be empty');
  if (value.includes('\0')) throw new UnsafeValueError('MySQL identifier', value, 'a NUL byte cannot appear in an identifier');
  if ([...value].length > MYSQL_IDENTIFIER_MAX) throw new UnsafeValueError('MySQL identifier', value, `MySQL identifiers are at most ${MYSQL_IDENTIFIER_MAX} characters`);
  return `\`${value.replace(/`/g, '``')}\``;
}

/**
 * A MySQL string literal holding exactly `value`. Backslash is an escape character unless
 * sql_mode has NO_BACKSLASH_ESCAPES, so a value with a backslash (where the two modes disagree)
 * is refused rather than guessed; `'` is doubled, which both modes read the same. NUL is refused.
 */
export function mysqlLiteral(value: string): string {
  if (value.includes('\0')) throw new UnsafeValueError('MySQL string', value, 'a NUL byte cannot appear in SQL');
  if (value.includes('\\')) throw new UnsafeValueError('MySQL string', value, 'a backslash means different things under different sql_mode settings');
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A PostgreSQL string constant holding exactly `value`: single quotes, each `'` doubled. With
 * standard_conforming_strings on (the default since 9.1, and on RDS) backslashes are ordinary
 * characters; a value with a backslash is written as an escape string (E'…') with backslashes
 * doubled, so it means the same whatever that setting is. NUL is refused.
 */
export function sqlLiteral(value: string): string {
  if (value.includes('\0')) throw new UnsafeValueError('SQL string', value, 'a NUL byte cannot appear in SQL');
  const quoted = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/**
 * One `GF_<SECTION>_<KEY>=value` line of the Grafana server's env file (a Docker `--env-file`):
 * envFileLine's rules, and no `$` at all. Grafana expands `$__env{…}`, `$__file{…}`, `$__vault{…}`
 * and `${VAR}` in every setting, environment overrides included, and has no escape for a literal
 * `$`; a value with one could read another variable or a file on the server into the setting.
 */
export function grafanaSetting(name: string, value: string): string {
  if (!/^GF_[A-Z0-9_]+$/.test(name)) throw new UnsafeValueError('Grafana setting name', name, 'settings are GF_ followed by capitals, digits and _');
  if (value.includes('$')) throw new UnsafeValueError(`value of ${name}`, value, 'Grafana expands $__env{…}, $__file{…} and ${…} in settings and has no escape for $');
  return envFileLine(name, value);
}

/**
 * A JMESPath raw string literal holding exactly `value`: single quotes, each `'` written `\'`.
 * Refused: a backslash (the JMESPath specification reads `\\` as one backslash, go-jmespath, which
 * Grafana uses, keeps both: no spelling means the same to both) and control characters.
 */
export function jmespathRawString(value: string): string {
  if (/[\\\u0000-\u001f\u007f]/.test(value)) throw new UnsafeValueError('JMESPath string', value, 'a backslash or a control character has no spelling every JMESPath implementation reads the same');
  return `'${value.replace(/'/g, "\\'")}'`;
}

/**
 * A JMESPath quoted identifier naming exactly the key `name` (a claim such as `cognito:groups`,
 * whose `:` an unquoted identifier cannot hold): a JSON string, which is what JMESPath parses it as.
 */
export function jmespathIdentifier(name: string): string {
  if (name.length === 0) throw new UnsafeValueError('JMESPath identifier', name, 'an identifier cannot be empty');
  return jsonString(name);
}

/**
 * One fish word holding exactly `value`: inside fish's single quotes only `\\` and `\'` are
 * special (unlike POSIX shells, so shellQuote's `'\''` would be wrong there).
 */
export function fishQuote(value: string): string {
  if (value.includes('\0')) throw new UnsafeValueError('fish word', value, 'a NUL byte cannot appear in a fish argument');
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

// ---------------------------------------------------------------------------------------------
// Markdown (GitHub Flavored, as a pull-request comment or a job summary renders it). A value is
// placed in one of four spots, each with its own rules: inline text (a paragraph, a list item, a
// table cell), an inline code span, the HTML of a <details>/<summary> line (GitHub parses no
// Markdown there) and an HTML comment (the comment's hidden marker). Every value from dex.yaml
// that reaches Markdown goes through the function for its spot.

/** Line breaks would end a table row or a list item and start a block of the value's choosing. */
const MARKDOWN_BREAKS = /\r\n|[\r\n\u2028\u2029\u0085\f\v]/g;

/**
 * `@name` at the start of a word is a mention on GitHub: it notifies that user or team. A word
 * joiner (U+2060, invisible) after the `@` keeps the text and drops the notification. A backslash
 * does not: the mention is found in the rendered text, after escapes are gone. An `@` inside a
 * word (an email address) is no mention and stays as it is.
 */
const defuseMentions = (text: string): string => text.replace(/(^|[^A-Za-z0-9_`])@(?=[A-Za-z0-9])/g, '$1@\u2060');

/**
 * Inline Markdown text that reads as exactly `value`: the characters that start emphasis, code,
 * links, images, HTML, entities, strikethrough, math (`$`) or a table cell are backslash-escaped,
 * as is a line start that would open a heading, quote or list; line breaks become spaces;
 * mentions are defused. Backslash escapes are CommonMark's, for any ASCII punctuation.
 */
export function markdownText(value: string): string {
  const text = value
    .replace(MARKDOWN_BREAKS, ' ')
    .replace(/[\\`*_[\]<>|~&$!]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#>+=-]|\d+(?=[.)]))/, (_m, space: string, lead: string) => (/\d/.test(lead) ? `${space}${lead}\\` : `${space}\\${lead}`));
  return defuseMentions(text);
}

/**
 * An inline code span holding `value`: fenced with one more backtick than the longest run inside
 * (a backslash means nothing in a code span), padded with a space when the value starts or ends
 * with a backtick. In a table cell (`inTable`), `|` is written `\|`: GitHub splits the row at a
 * bare `|` before it sees the code span, and drops the backslash of `\|` inside one. GitHub finds
 * no mentions in code.
 */
export function markdownCode(value: string, options: { readonly inTable?: boolean } = {}): string {
  let text = value.replace(MARKDOWN_BREAKS, ' ');
  if (options.inTable) text = text.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Text inside raw HTML (a `<summary>` line), where GitHub parses no Markdown: HTML-escaped, on one
 * line (a blank line would end the HTML block), mentions defused.
 */
export function markdownHtml(value: string): string {
  const text = value
    .replace(MARKDOWN_BREAKS, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
  return defuseMentions(text);
}

/**
 * A value inside an HTML comment (`<!-- … -->`, a hidden marker), on one line: `%`, `<`, `>`,
 * `!`, white space and control characters are percent-encoded (UTF-8), so no `-->`, `--!>` or
 * `<!--` can end the comment or open another, and the marker stays one line a program can match.
 */
export function markdownCommentValue(value: string): string {
  return value.replace(/[%<>!\s\u0000-\u001f\u007f\u0085\u2028\u2029]/gu, (c) => [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}
