// Compliance findings (and other warnings) reach every format of `dex plan`, not only the text
// printed on stderr: a pull-request comment or a CI parser reads stdout.
import { mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureIO } from '../support/io.js';

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dex-plan-findings-'));
  copyFileSync('test/fixtures/reference/dex-mobile-v6.dex.yaml', join(dir, 'dex.yaml'));
  return dir;
}

describe('dex plan carries the spec findings', () => {
  it('in JSON, under findings, with positions', async () => {
    const io = captureIO(workdir());
    expect(await main(['plan', 'dex.yaml', '--env', 'production', '--format', 'json'], io)).toBe(0);
    const findings = JSON.parse(io.out()).findings as { code: string; line: number; col: number; message: string; severity: string }[];
    expect(findings.some((f) => f.code === 'DEX601' && f.message.startsWith('PMLA-12-LOG-RETENTION') && f.line > 0)).toBe(true);
    expect(findings.some((f) => f.code === 'DEX602' && f.message.startsWith('CONFLICT-GDPR-PMLA-RETENTION'))).toBe(true);
    expect(findings.every((f) => f.severity !== 'error')).toBe(true);
  });

  it('in Markdown, as a findings table', async () => {
    const io = captureIO(workdir());
    expect(await main(['plan', 'dex.yaml', '--env', 'production', '--format', 'markdown'], io)).toBe(0);
    const md = io.out();
    expect(md).toMatch(/### Findings \(\d+\)/);
    expect(md).toMatch(/\| warning \| DEX602 \| dex\.yaml:\d+:\d+ \| CONFLICT-GDPR-PMLA-RETENTION/);
  });
});

describe('--detailed-exitcode', () => {
  it('keeps 2 for changes only: usage errors exit 1', async () => {
    const dir = workdir();
    expect(await main(['plan', 'dex.yaml', '--detailed-exitcode', '--fail-on', 'nonsense'], captureIO(dir))).toBe(1);
    expect(await main(['plan', 'dex.yaml', '--detailed-exitcode', '--format', 'xml'], captureIO(dir))).toBe(1);
    expect(await main(['plan', 'missing.yaml', '--detailed-exitcode'], captureIO(dir))).toBe(1);
    expect(await main(['plan', 'dex.yaml', '--format', 'xml'], captureIO(dir))).toBe(2);
  });
});
