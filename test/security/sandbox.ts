// Runs an emitted script the way its real runner would (bash, in a working directory), but in a
// temp dir with stub executables first on PATH, so no AWS, GitHub, Docker or package manager is
// reached. A payload "worked" if its marker file appears; the stubs record their arguments, so a
// test can also check the hostile value arrived as one intact argument.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { fixedClock } from '../support/clock.js';

export const STUBS = ['gh', 'aws', 'docker', 'curl', 'wget', 'systemctl', 'dnf', 'yum', 'jq', 'kubectl', 'amazon-cloudwatch-agent-ctl', 'cfn-signal', 'sudo'];

export interface Sandbox {
  readonly dir: string;
  readonly bin: string;
  /** Arguments each stub was called with, one call per entry, in call order. */
  calls(stub: string): string[][];
  exists(relative: string): boolean;
  read(relative: string): string;
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'dex-security-'));
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  for (const name of STUBS) {
    const path = join(bin, name);
    // NUL-separated arguments, one call per line-terminated record: exact, whatever they contain.
    writeFileSync(path, `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done >> "${join(dir, '.calls')}.${name}"\nprintf '\\n' >> "${join(dir, '.calls')}.${name}"\nexit 0\n`);
    chmodSync(path, 0o755);
  }
  return {
    dir,
    bin,
    calls: (stub) => {
      const file = `${join(dir, '.calls')}.${stub}`;
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\0\n')
        .filter((c) => c !== '' && c !== '\n')
        .map((c) => c.replace(/^\n/, '').split('\0'));
    },
    exists: (relative) => existsSync(join(dir, relative)),
    read: (relative) => readFileSync(join(dir, relative), 'utf8'),
  };
}

/** bash -n: the script parses (a payload that broke the quoting usually breaks this first). */
export function expectParses(script: string): void {
  const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  expect(r.stderr, script).toBe('');
  expect(r.status).toBe(0);
}

/** Runs `script` with bash in the sandbox; returns the exit status (the script's own checks may fail). */
export function runScript(box: Sandbox, script: string, env: Record<string, string> = {}): { status: number | null; stderr: string } {
  const path = join(box.dir, '.script.sh');
  writeFileSync(path, script);
  const r = spawnSync('bash', [path], {
    cwd: box.dir,
    encoding: 'utf8',
    env: { PATH: `${box.bin}:/usr/bin:/bin`, HOME: box.dir, DEX_SANDBOX: box.dir, ...env },
    timeout: 20_000,
  });
  return { status: r.status, stderr: r.stderr };
}

export const hasBash = (() => {
  try {
    execFileSync('bash', ['-c', 'true']);
    return true;
  } catch {
    return false;
  }
})();

export function analyze(yaml: string): Analysis {
  return analyzeSpec(new TextEncoder().encode(yaml), 'dex.yaml', { today: fixedClock });
}

/** Errors as "line:col CODE", the way dex validate locates them. */
export function located(a: Analysis): string[] {
  return a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col} ${d.code}`);
}

/** 1-based line and column of the first occurrence of `needle` in `text`, as dex reports it. */
export function positionOf(text: string, needle: string): string {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}
