// The only door to the outside world: commands get their terminal and environment through this,
// so tests run them in-process with captured output.
export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Read only by `dex secrets set` (a value is never taken from the command line). */
  readonly stdin?: AsyncIterable<Uint8Array | string> & { readonly isTTY?: boolean };
}

export interface OutputStream {
  write(text: string): void;
  readonly isTTY?: boolean;
  /** The terminal's width (Node sets it on a TTY). */
  readonly columns?: number;
}

/** Exit codes, the same for every command (documented in the README). */
export const EXIT = {
  ok: 0,
  /** The spec is invalid, a gate failed (budget, --fail-on), or a command's work failed. */
  failed: 1,
  /** The command line itself is wrong (unknown option, missing file argument...). */
  usage: 2,
} as const;

export function colorEnabled(stream: { readonly isTTY?: boolean }, env: CliIO['env']): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** `dex plan` lays out output that is not a terminal and names no width (a file, a pipe, a CI log) this wide. */
export const DEFAULT_WIDTH = 100;

/**
 * How wide text output may be: the terminal's width on a TTY, else `COLUMNS`, else undefined (no
 * terminal to fit: diagnostics then stay one line each, for grep; `dex plan` uses DEFAULT_WIDTH).
 */
export function terminalWidth(stream: OutputStream, env: CliIO['env']): number | undefined {
  if (stream.isTTY === true && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const columns = Number(env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return undefined;
}
