// A one-line progress indicator on stderr, for every command that waits on AWS: drawn only on a
// TTY (a pipe or a CI log gets nothing), rewritten in place, cleared when the wait is over.
import type { CliIO } from './io.js';

export interface Progress {
  update(done: number, total: number, what: string): void;
  done(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function progress(io: CliIO, label: string): Progress {
  const tty = io.stderr.isTTY === true;
  let n = 0;
  let drawn = false;
  return {
    update(done, total, what) {
      if (!tty) return;
      const text = `${FRAMES[n++ % FRAMES.length]} ${label} ${done}/${total}: ${what}`;
      io.stderr.write(`\r\x1b[2K${text.length > 100 ? `${text.slice(0, 99)}…` : text}`);
      drawn = true;
    },
    done() {
      if (tty && drawn) io.stderr.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
