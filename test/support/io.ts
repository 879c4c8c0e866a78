// A CliIO that captures output, for running commands in-process.
import type { CliIO } from '../../cli/io.js';

export interface CapturedIO extends CliIO {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIO(cwd: string, env: Record<string, string | undefined> = {}, tty = false): CapturedIO {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => void (out += s), isTTY: tty },
    stderr: { write: (s: string) => void (err += s), isTTY: tty },
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
