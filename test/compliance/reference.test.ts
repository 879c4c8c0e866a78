// The reference spec and the DEX Mobile v6 example under all six regimes, and compliance through
// the command line: dex validate (text, JSON, GitHub annotations) and dex compliance report.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { captureIO } from '../support/io.js';
import { fixedClock } from '../support/clock.js';

const reference = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const example = 'examples/dex-mobile-v6/dex.yaml';
const failing = 'test/fixtures/compliance/pci-dss-10.5.1.fail.dex.yaml';

const compliance = (file: string): string[] =>
  analyzeSpec(readFileSync(file), file, { today: fixedClock })
    .diagnostics.filter((d) => d.code.startsWith('DEX6'))
    .map((d) => `${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`);

describe('the reference spec (all six regimes)', () => {
  it('has no compliance error; it warns where the rules need a decision', () => {
    expect(compliance(reference)).toEqual([
      '129:26 warning DEX601 PMLA-12-LOG-RETENTION: application and platform logs are kept 365 days; at least 1827 are required (in environment production)',
      "129:26 warning DEX602 CONFLICT-GDPR-PMLA-RETENTION: GDPR (keep personal data no longer than necessary) and PMLA (keep records five years) pull apart on log retention: 365 days stays within GDPR's limit but is below the PMLA floor of 1827 days (in environment production)",
      '146:29 warning DEX601 SOC2-CC8.1-CHANGE-APPROVAL: stage production asks for approval but names no reviewers: anyone with access can approve (in environment production)',
    ]);
  });
});

describe('examples/dex-mobile-v6 (adjusted: data declared, five years of production logs)', () => {
  it('passes with no error finding; what remains are the transfer review and the two conflicts', () => {
    expect(compliance(example).map((s) => s.replace(/: .*$/, ''))).toEqual([
      '19:9 warning DEX601 GDPR-44-TRANSFERS',
      '19:9 warning DEX602 CONFLICT-GDPR-RBI-RESIDENCY',
      '166:26 warning DEX601 GDPR-44-TRANSFERS',
      '274:42 warning DEX602 CONFLICT-GDPR-PMLA-RETENTION',
    ]);
  });

  it('writes an evidence report an auditor can follow (markdown)', async () => {
    const io = captureIO(process.cwd());
    expect(await main(['compliance', 'report', example], io)).toBe(0);
    const md = io.out();
    expect(md).toMatch(/^# Compliance evidence report: dex-mobile-v6\n/);
    expect(md).toContain('| staging | ap-south-1 | non-production |');
    expect(md).toMatch(/\| production \| ap-south-1 \| production \| \d+ \| 0 \| 3 \| 0 \|/);
    for (const heading of ['### Baseline (always checked)', '### PCI DSS v4.0', '### SOC 2', '### GDPR', '### RBI', '### PMLA', '### SEBI CSCRF', '### Where the listed regimes conflict']) expect(md).toContain(heading);
    // Each control: its clause with a link, its status, and the emitted resources and properties behind it.
    expect(md).toContain('| PCI-DSS-10.5.1: Audit logs are kept at least twelve months | [PCI DSS v4.0 Req. 10.5.1](');
    expect(md).toContain('`PostgresDatabase` (AWS::RDS::DBInstance): StorageEncrypted = true; KmsKeyId = KmsKey.Arn');
    expect(md).toContain('`FlowLogGroup` (AWS::Logs::LogGroup): RetentionInDays = 365');
    expect(md).toContain('`KycServiceLogGroup` (AWS::Logs::LogGroup): RetentionInDays = 1827');
    expect(md).toContain('backup copies of database postgres go to ap-south-2 (India)');
    expect(md).toContain('#### SOC2-A1.2-MULTI-AZ — N/A');
    expect(md).toContain('Not checked: checked in production only; staging is not production.');
    expect(md).toMatch(/- \*\*pass\*\*: database postgres keeps a synchronous standby in a second availability zone \(`examples\/dex-mobile-v6\/dex\.yaml:160:14`\)/);
  });

  it('writes the same report as JSON, for one environment, to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dex-compliance-'));
    const io = captureIO(dir);
    expect(await main(['compliance', 'report', join(process.cwd(), example), '--env', 'production', '--format', 'json', '--out', 'report.json'], io)).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { environments: { environment: string; regimes: { regime: string; controls: { id: string; status: string; checks: { ok: boolean; evidence: unknown[] }[] }[] }[] }[] };
    expect(report.environments.map((e) => e.environment)).toEqual(['production']);
    expect(report.environments[0]!.regimes.map((r) => r.regime)).toEqual(['baseline', 'soc2', 'pci-dss', 'gdpr', 'rbi', 'pmla', 'sebi']);
    const rbi = report.environments[0]!.regimes.find((r) => r.regime === 'rbi')!.controls[0]!;
    expect(rbi).toMatchObject({ id: 'RBI-PSD-LOCALISATION', status: 'pass' });
    expect(rbi.checks.every((c) => c.ok && c.evidence.length > 0)).toBe(true);
  });
});

describe('the command line', () => {
  it('fails dex validate on a compliance error, in every format', async () => {
    const text = captureIO(process.cwd());
    expect(await main(['validate', failing], text)).toBe(1);
    expect(text.out()).toContain(`${failing}:16:26: error DEX600: PCI-DSS-10.5.1: application and platform logs are kept 90 days; at least 365 are required (in environment production)`);
    expect(text.out()).toContain('hint: set monitoring.logs.retentionDays: 365 or more — PCI DSS v4.0 Req. 10.5.1 https://');

    const json = captureIO(process.cwd());
    expect(await main(['validate', failing, '--format', 'json'], json)).toBe(1);
    const parsed = JSON.parse(json.out()) as { valid: boolean; diagnostics: { code: string; severity: string; line: number; col: number; environment?: string }[] };
    expect(parsed.valid).toBe(false);
    expect(parsed.diagnostics.filter((d) => d.code === 'DEX600')).toEqual([expect.objectContaining({ severity: 'error', line: 16, col: 26 })]);

    const github = captureIO(process.cwd());
    expect(await main(['validate', failing, '--format', 'github'], github)).toBe(1);
    expect(github.out()).toContain(`::error file=${failing},line=16,col=26,endColumn=28,title=dex DEX600::PCI-DSS-10.5.1: application and platform logs are kept 90 days`);
    expect(github.out()).toContain('::warning file=');
  });

  it('exits 1 from dex compliance report when a control fails, and 0 on warnings only', async () => {
    const bad = captureIO(process.cwd());
    expect(await main(['compliance', 'report', failing, '--format', 'json'], bad)).toBe(1);
    expect(JSON.parse(bad.out()).environments[1].regimes[1].controls.find((c: { id: string }) => c.id === 'PCI-DSS-10.5.1')).toMatchObject({ status: 'fail' });
    expect(await main(['compliance', 'report', reference], captureIO(process.cwd()))).toBe(0);
  });

  it('has help, and rejects an unknown format as a usage error', async () => {
    const help = captureIO(process.cwd());
    expect(await main(['compliance', 'report', '--help'], help)).toBe(0);
    expect(help.out()).toContain('--format <format>');
    expect(await main(['compliance', 'report', reference, '--format', 'xml'], captureIO(process.cwd()))).toBe(2);
  });

  it('reports an invalid spec instead of a report', async () => {
    const io = captureIO(process.cwd());
    expect(await main(['compliance', 'report', 'test/fixtures/checks/cidr-invalid.dex.yaml'], io)).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toContain('no report written');
  });
});
