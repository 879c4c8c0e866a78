// A CliIO that captures output, for running commands in-process.
import type { CliIO } from '../../cli/io.js';
import { FIXED_DATE } from './clock.js';

/** DEX_TODAY for every command a test runs: the EKS calendar judged on the fixed date. */
export const TEST_DAY = FIXED_DATE.slice(0, 10);

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
    env: { DEX_TODAY: TEST_DAY, ...env },
    cwd,
    out: () => out,
    err: () => err,
  };
}
