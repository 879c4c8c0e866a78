// The one place diagnostics become text: `file:line:col: severity CODE: message` with a code
// frame, JSON for machines, or GitHub workflow annotations.
import { Chalk } from 'chalk';
import type { Diagnostic, DiagnosticCode } from '../spec/diagnostics.js';
import { codeFrameColumns } from '@babel/code-frame';
import { detectSecret } from '../compiler/checks/secrets.js';
import { wrap } from './layout.js';

export type DiagnosticFormat = 'text' | 'json' | 'github';

export interface RenderOptions {
  readonly format: DiagnosticFormat;
  readonly color: boolean;
  /** Source text of a file, for code frames. */
  readonly sourceText?: (file: string) => string | undefined;
  /** Text: the terminal's width, which messages wrap to and code frames are cut to (default: no limit). */
  readonly width?: number;
  /** GitHub: the path an annotation names for a file (relative to the repository root); default: the file as given. */
  readonly githubFile?: (file: string) => string;
}

/**
 * A problem of the command line or of the command's own work (not of the spec): a diagnostic like
 * any other, so it renders the same way and its code is in docs/diagnostics.md.
 */
export function cliProblem(code: DiagnosticCode, message: string, hint?: string): Diagnostic {
  return { code, severity: 'error', message, path: [], ...(hint ? { hint } : {}) };
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], options: RenderOptions): string {
  switch (options.format) {
    case 'json':
      return `${JSON.stringify({ diagnostics: diagnostics.map(toJson), summary: summarize(diagnostics) }, null, 2)}\n`;
    case 'github':
      return githubAnnotations(groupEnvironments(diagnostics), options);
    case 'text': {
      // One finding that every environment has the same is shown once, naming them all.
      const grouped = groupEnvironments(diagnostics);
      // Every frame shows lines around its own range: the secrets of all diagnostics are masked in
      // the source every frame is drawn from, not only each diagnostic's own.
      const masked = new Map<string, string | undefined>();
      const sourceText = (file: string): string | undefined => {
        if (!masked.has(file)) {
          let text = options.sourceText?.(file);
          for (const d of grouped) if (text !== undefined && d.file === file && d.range && d.secret) text = maskRange(text, d.range);
          if (text !== undefined) text = maskSecretLines(text);
          masked.set(file, text);
        }
        return masked.get(file);
      };
      const shown = grouped.slice(0, MAX_SHOWN).map((d) => toText(d, { ...options, sourceText })).join('');
      const rest = grouped.length - MAX_SHOWN;
      return rest > 0 ? `${shown}… and ${rest} more not shown (--format json lists them all)\n\n` : shown;
    }
    default: {
      const never: never = options.format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

export function summarize(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

/** "2 errors, 1 warning" */
export function countLabel(diagnostics: readonly Diagnostic[]): string {
  // Counted as shown: a finding of several environments is one.
  const { errors, warnings } = summarize(groupEnvironments(diagnostics));
  const parts = [`${errors} error${errors === 1 ? '' : 's'}`];
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Stands for an environment's name in a finding several environments share. */
const ENV_MARK = '\u0000env\u0000';

/** The message without its "(in environment X)", and the message and hint with X's name marked. */
function environmentFree(d: Diagnostic): { message: string; hint: string | undefined; marked: string; markedHint: string | undefined } {
  const env = d.environment;
  const suffix = env !== undefined ? ` (in environment ${env})` : '';
  const message = suffix && d.message.endsWith(suffix) ? d.message.slice(0, -suffix.length) : d.message;
  if (env === undefined) return { message, hint: d.hint, marked: message, markedHint: d.hint };
  const name = new RegExp(`(?<![\\w-])${escapeRegExp(env)}(?![\\w-])`, 'g');
  return { message, hint: d.hint, marked: message.replace(name, ENV_MARK), markedHint: d.hint?.replace(name, ENV_MARK) };
}

/** 'environments staging, production', 'the base spec and environment staging'. */
function environmentList(envs: readonly (string | undefined)[]): string {
  const named = envs.filter((e): e is string => e !== undefined);
  const list = named.length ? `environment${named.length === 1 ? '' : 's'} ${named.join(', ')}` : '';
  return named.length < envs.length ? `the base spec${list ? ` and ${list}` : ''}` : list;
}

/**
 * The same finding at the same place in several environments (a base value every environment
 * inherits, a compliance control each one fails) as one diagnostic naming them all. Where the
 * message names the environment itself ("out/staging/plan.json"), the shared text says <env>.
 * Diagnostics of one environment, or different ones, are left as they are, in their order.
 */
export function groupEnvironments(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const groups = new Map<string, { first: Diagnostic; members: Diagnostic[]; parts: ReturnType<typeof environmentFree> }>();
  const order: (Diagnostic | string)[] = [];
  for (const d of diagnostics) {
    if (d.environment === undefined && !d.file) {
      order.push(d);
      continue;
    }
    const parts = environmentFree(d);
    const r = d.range;
    const key = JSON.stringify([d.code, d.severity, d.file, d.line, d.col, r?.end.line, r?.end.col, d.secret ?? false, parts.marked, parts.markedHint ?? null]);
    const group = groups.get(key);
    if (group) {
      if (!group.members.some((m) => m.environment === d.environment)) group.members.push(d);
      continue;
    }
    groups.set(key, { first: d, members: [d], parts });
    order.push(key);
  }
  return order.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const { first, members, parts } = groups.get(entry)!;
    if (members.length === 1) return first;
    const same = members.every((m) => environmentFree(m).message === parts.message);
    const shared = (text: string) => text.split(ENV_MARK).join('<env>');
    const message = `${same ? parts.message : shared(parts.marked)} (in ${environmentList(members.map((m) => m.environment))})`;
    const hints = new Set(members.map((m) => m.hint));
    const hint = hints.size === 1 ? first.hint : parts.markedHint !== undefined ? shared(parts.markedHint) : undefined;
    const { environment: _e, hint: _h, ...rest } = first;
    return { ...rest, message, ...(hint !== undefined ? { hint } : {}) };
  });
}

function toJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.file,
    line: d.line,
    col: d.col,
    ...(d.range ? { endLine: d.range.end.line, endCol: d.range.end.col } : {}),
    path: d.path,
    ...(d.hint ? { hint: d.hint } : {}),
    ...(d.environment ? { environment: d.environment } : {}),
  };
}

function location(d: Diagnostic): string {
  // A problem of the command line or of dex itself is about no file: it is dex's to say.
  const file = d.file ?? 'dex';
  return d.line !== undefined ? `${file}:${d.line}:${d.col ?? 1}` : file;
}

/** A terminal is no place for thousands of findings, or for a line of megabytes. */
const MAX_SHOWN = 200;
const MAX_MESSAGE = 500;
const MAX_FRAME_LINE = 240;

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function toText(d: Diagnostic, options: RenderOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const paint = d.severity === 'error' ? c.red.bold : d.severity === 'warning' ? c.yellow.bold : c.cyan.bold;
  const width = options.width;
  let out = `${wrap(`${c.bold(location(d))}: ${paint(d.severity)} ${c.dim(d.code)}: ${clip(d.message, MAX_MESSAGE)}`, width, '', '  ').join('\n')}\n`;
  const text = d.file && d.range ? options.sourceText?.(d.file) : undefined;
  if (text !== undefined && d.range) {
    const end = d.range.end.line === d.range.start.line ? { line: d.range.end.line, column: Math.max(d.range.end.col, d.range.start.col + 1) } : undefined;
    // A frame line is source: cut, never wrapped (a wrapped line would read as two).
    const frameWidth = Math.min(MAX_FRAME_LINE, width !== undefined ? width - 2 : MAX_FRAME_LINE);
    const frame = codeFrameColumns(text, { start: { line: d.range.start.line, column: d.range.start.col }, ...(end ? { end } : {}) }, { highlightCode: false, forceColor: false, linesAbove: 1, linesBelow: 1 })
      .split('\n')
      .map((l) => clip(l.replace(/\s+$/, ''), frameWidth))
      .join('\n');
    out += `${indent(options.color ? colorFrame(frame, c) : frame)}\n`;
  }
  if (d.hint) out += `${wrap(`${c.green('hint')}: ${clip(d.hint, MAX_MESSAGE)}`, width, '  ', '    ').join('\n')}\n`;
  return `${out}\n`;
}

/**
 * The source with the characters of `range` masked (lengths kept, so the carets still point at it):
 * the first four characters of the value stay, as in the message, the rest become '*'.
 */
function maskRange(text: string, range: NonNullable<Diagnostic['range']>): string {
  const lines = text.split('\n');
  let kept = 0;
  for (let line = range.start.line; line <= range.end.line && line <= lines.length; line++) {
    const current = lines[line - 1]!;
    const from = line === range.start.line ? range.start.col - 1 : 0;
    const to = line === range.end.line ? Math.min(range.end.col - 1, current.length) : current.length;
    let masked = '';
    for (let i = from; i < to; i++) {
      const ch = current[i]!;
      const keep = (ch === '"' || ch === "'") && i === from ? true : kept < 4 ? (kept++, true) : false;
      masked += keep || ch === ' ' ? ch : '*';
    }
    lines[line - 1] = current.slice(0, from) + masked + current.slice(to);
  }
  return lines.join('\n');
}

/**
 * A frame shows the lines around its range, which may hold a secret no diagnostic is about (the
 * spec failed before the secrets check ran): any `KEY: value` line whose pair the secrets check
 * would flag is masked the same way.
 */
function maskSecretLines(text: string): string {
  return text.replace(/^([ \t]*(?:-[ \t]+)?)(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2([ \t]*:[ \t]*)(["']?)([^\n]*?)\5([ \t]*(?:#.*)?)$/gm, (line, lead: string, q: string, key: string, colon: string, vq: string, value: string, tail: string) =>
    value && detectSecret(key, value) ? `${lead}${q}${key}${q}${colon}${vq}${value.slice(0, 4)}${'*'.repeat(Math.max(0, value.length - 4))}${vq}${tail}` : line,
  );
}

function colorFrame(frame: string, c: InstanceType<typeof Chalk>): string {
  return frame
    .split('\n')
    .map((line) => (line.startsWith('>') ? c.bold(line) : /^\s+\|\s+\^/.test(line) ? line.replace(/\^+/, (m) => c.red.bold(m)) : c.dim(line)))
    .join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

// GitHub workflow commands: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub shows this many annotations of each kind per step, and drops the rest. */
export const GITHUB_ANNOTATIONS_PER_KIND = 10;

function githubAnnotations(diagnostics: readonly Diagnostic[], options: RenderOptions): string {
  const out = diagnostics.map((d) => toGithubAnnotation(d, options.githubFile));
  const { errors, warnings } = summarize(diagnostics);
  // Said once, last, so a reader of the pull request knows the list there is not all of it.
  if (errors > GITHUB_ANNOTATIONS_PER_KIND || warnings > GITHUB_ANNOTATIONS_PER_KIND) {
    out.push(`::notice title=${escapeProperty('dex')}::${escapeData(`${errors} errors and ${warnings} warnings: GitHub shows ${GITHUB_ANNOTATIONS_PER_KIND} of each kind on the pull request; the job log has them all`)}\n`);
  }
  return out.join('');
}

function toGithubAnnotation(d: Diagnostic, githubFile?: (file: string) => string): string {
  const command = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
  const props: string[] = [];
  if (d.file) props.push(`file=${escapeProperty(githubFile ? githubFile(d.file) : d.file)}`);
  if (d.line !== undefined) props.push(`line=${d.line}`);
  if (d.col !== undefined) props.push(`col=${d.col}`);
  if (d.range && d.range.end.line !== d.range.start.line) props.push(`endLine=${d.range.end.line}`);
  else if (d.range) props.push(`endColumn=${d.range.end.col}`);
  props.push(`title=${escapeProperty(`dex ${d.code}`)}`);
  const message = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
  return `::${command} ${props.join(',')}::${escapeData(message)}\n`;
}
