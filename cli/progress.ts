// A one-line progress indicator on stderr, for every command that waits on AWS: drawn only on a
// TTY (a pipe or a CI log gets nothing), rewritten in place, cleared when the wait is over.
import { terminalWidth, type CliIO } from './io.js';

export interface Progress {
  update(done: number, total: number, what: string): void;
  done(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function progress(io: CliIO, label: string): Progress {
  const tty = io.stderr.isTTY === true;
  // One row, or `\r` would rewrite only the last row of a line the terminal wrapped.
  const max = Math.min(100, (terminalWidth(io.stderr, io.env) ?? 100) - 1);
  let n = 0;
  let drawn = false;
  return {
    update(done, total, what) {
      if (!tty) return;
      const text = `${FRAMES[n++ % FRAMES.length]} ${label} ${done}/${total}: ${what}`;
      io.stderr.write(`\r\x1b[2K${[...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text}`);
      drawn = true;
    },
    done() {
      if (tty && drawn) io.stderr.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
