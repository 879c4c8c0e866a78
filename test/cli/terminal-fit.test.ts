// `dex plan` and `dex validate` on every example, in a real terminal: tmux panes 80 and 120
// columns wide. The process's own output (tmux pipe-pane: the bytes dex wrote to the TTY) has no
// line wider than the pane, and the pane's content with wrapped lines joined (capture-pane -J) is
// that output line for line — so the terminal wrapped nothing. All runs share one private tmux
// server and run at once. Skipped when tmux is not installed (.ci/run installs it).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DAY } from '../support/io.js';

const ROOT = resolve(import.meta.dirname, '../..');
const HAS_TMUX = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const EXAMPLES = readdirSync(join(ROOT, 'examples')).map((d) => `examples/${d}/dex.yaml`);
const WIDTHS = [80, 120] as const;
const COMMANDS = ['plan', 'validate'] as const;

interface Run {
  readonly name: string;
  readonly width: number;
  readonly command: (typeof COMMANDS)[number];
  readonly example: string;
  readonly raw: string;
}

const ESC = String.fromCharCode(27);
/** Escape sequences a program writes (colours, cursor): not text. */
const CONTROL = new RegExp(`${ESC}\\[[0-?]*[ -/]*[@-~]|${ESC}[()][0-9A-Za-z]|${ESC}[=>78]`, 'g');
const lines = (text: string) => text.replace(CONTROL, '').replace(/\r/g, '').replace(/\n+$/, '').split('\n');
const width = (line: string) => [...line].length;

let dir: string;
let socket: string;
const runs: Run[] = [];
const panes = new Map<string, string>();

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

beforeAll(async () => {
  if (!HAS_TMUX) return;
  dir = mkdtempSync(join(tmpdir(), 'dex-tmux-'));
  socket = `dex-fit-${process.pid}`;
  const conf = join(dir, 'tmux.conf');
  // Every line kept, the pane kept after dex exits (to capture it), no status line taking a row.
  writeFileSync(conf, 'set -g history-limit 100000\nset -g remain-on-exit on\nset -g status off\n');
  const planned: Omit<Run, 'raw'>[] = [];
  for (const example of EXAMPLES) for (const w of WIDTHS) for (const command of COMMANDS) planned.push({ name: `r${planned.length}`, width: w, command, example });
  for (const [i, r] of planned.entries()) {
    const raw = join(dir, `${r.name}.raw`);
    // Waits for "go" (pipe-pane must be listening before dex writes), then signals "done".
    const script = `tmux -L ${socket} wait-for go-${r.name}; cd ${JSON.stringify(ROOT)} && env -u COLUMNS DEX_TODAY=${TEST_DAY} ${JSON.stringify(process.execPath)} bin/dex.js ${r.command} ${r.example}; tmux -L ${socket} wait-for -S done-${r.name}`;
    const args = ['new-session', '-d', '-x', String(r.width), '-y', '50', '-s', r.name, 'sh', '-c', script];
    execFileSync('tmux', ['-L', socket, ...(i === 0 ? ['-f', conf] : []), ...args]);
    tmux('pipe-pane', '-o', '-t', r.name, `cat > ${JSON.stringify(raw)}`);
  }
  const wait = promisify(execFile);
  await Promise.all(
    planned.map(async (r) => {
      const done = wait('tmux', ['-L', socket, 'wait-for', `done-${r.name}`], { timeout: 60_000 });
      tmux('wait-for', '-S', `go-${r.name}`);
      await done;
    }),
  );
  for (const r of planned) {
    panes.set(r.name, tmux('capture-pane', '-p', '-J', '-S', '-', '-E', '-', '-t', r.name));
    runs.push({ ...r, raw: readFileSync(join(dir, `${r.name}.raw`), 'utf8') });
  }
}, 120_000);

afterAll(() => {
  if (!HAS_TMUX) return;
  spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!HAS_TMUX)('dex output fits the terminal (tmux)', () => {
  it('ran every example, each command, at each width', () => {
    expect(runs).toHaveLength(EXAMPLES.length * WIDTHS.length * COMMANDS.length);
    for (const r of runs) expect(lines(r.raw).length, `${r.command} ${r.example} at ${r.width}`).toBeGreaterThan(r.command === 'plan' ? 50 : 0);
  });

  for (const example of EXAMPLES) {
    for (const w of WIDTHS) {
      for (const command of COMMANDS) {
        it(`${command} ${example} at ${w} columns: no line wider than the pane, nothing wrapped`, () => {
          const r = runs.find((x) => x.example === example && x.width === w && x.command === command)!;
          const written = lines(r.raw);
          expect(written.filter((l) => width(l) > w)).toEqual([]);
          // The pane, wrapped lines joined: the same lines, none longer (a wrapped line would join into one wider than the pane).
          const shown = lines(panes.get(r.name)!).map((l) => l.replace(/ +$/, ''));
          expect(shown.filter((l) => width(l) > w)).toEqual([]);
          expect(shown.slice(0, written.length)).toEqual(written.map((l) => l.replace(/ +$/, '')));
          // Colour on a terminal: the raw output has escapes, the text none.
          if (command === 'plan') expect(r.raw).toContain(`${ESC}[`);
        });
      }
    }
  }
});
