// Every compliance rule, through the whole pipeline (dex validate's analysis): for each rule a
// dex.yaml under test/fixtures/compliance that breaks it, landing the finding at the offending
// node with the rule's id, severity and environment, and one that satisfies it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { COMPLIANCE_RULES } from '../../pipeline/registries.js';
import { dataDeclaration, evaluateCompliance } from '../../compiler/compliance/engine.js';
import { fixedClock } from '../support/clock.js';

const analyze = (name: string): Analysis => {
  const file = `test/fixtures/compliance/${name}.dex.yaml`;
  return analyzeSpec(readFileSync(file), file);
};

/** `line:col severity code RULE-ID environment` for every compliance finding. */
const summary = (a: Analysis): string[] =>
  a.diagnostics
    .filter((d) => d.code.startsWith('DEX6'))
    .map((d) => `${d.line}:${d.col} ${d.severity} ${d.code} ${d.message.split(':')[0]} ${/\(in environment ([a-z0-9-]+)\)$/.exec(d.message)?.[1] ?? '-'}`);

// Production gets errors; staging gets warnings or nothing, as each rule says.
export const BREAKING: readonly [fixture: string, rule: string, expected: string[]][] = [
  ['base-sg-least-privilege.fail', 'BASE-SG-LEAST-PRIVILEGE', ['6:29 error DEX600 BASE-SG-LEAST-PRIVILEGE production', '6:29 error DEX600 BASE-SG-LEAST-PRIVILEGE staging']],
  ['base-queue-dead-letter.fail', 'BASE-QUEUE-DEAD-LETTER', ['14:64 warning DEX601 BASE-QUEUE-DEAD-LETTER production', '14:64 warning DEX601 BASE-QUEUE-DEAD-LETTER staging']],
  ['base-flow-logs.fail', 'BASE-FLOW-LOGS', ['7:24 warning DEX601 BASE-FLOW-LOGS production']],
  ['base-deletion-protection.fail', 'BASE-DELETION-PROTECTION', ['14:44 warning DEX601 BASE-DELETION-PROTECTION production']],
  ['pci-dss-4.2.1.fail', 'PCI-DSS-4.2.1', ['28:22 error DEX600 PCI-DSS-4.2.1 staging', '28:22 warning DEX601 BASE-ENCRYPTION-IN-TRANSIT staging']],
  ['pci-dss-6.4.2.fail', 'PCI-DSS-6.4.2', ['10:19 error DEX600 PCI-DSS-6.4.2 production', '10:19 warning DEX601 PCI-DSS-6.4.2 staging']],
  ['pci-dss-10.5.1.fail', 'PCI-DSS-10.5.1', ['16:26 error DEX600 PCI-DSS-10.5.1 production', '16:26 warning DEX601 PCI-DSS-10.5.1 staging']],
  ['pci-dss-10.2.1.fail', 'PCI-DSS-10.2.1', ['7:24 error DEX600 PCI-DSS-10.2.1 production', '7:24 warning DEX601 BASE-FLOW-LOGS production', '7:24 warning DEX601 PCI-DSS-10.2.1 staging']],
  ['pci-dss-6.3.1.fail', 'PCI-DSS-6.3.1', ['23:9 error DEX600 PCI-DSS-6.3.1 production', '23:9 error DEX600 PCI-DSS-6.3.1 staging']],
  ['soc2-a1.2-multi-az.fail', 'SOC2-A1.2-MULTI-AZ', ['14:18 error DEX600 SOC2-A1.2-MULTI-AZ production']],
  ['soc2-a1.2-backups.fail', 'SOC2-A1.2-BACKUPS', ['14:45 error DEX600 SOC2-A1.2-BACKUPS production']],
  ['soc2-cc7.2-alarms.fail', 'SOC2-CC7.2-ALARMS', ['15:1 error DEX600 SOC2-CC7.2-ALARMS production', '15:1 warning DEX601 SOC2-CC7.2-ALARMS staging']],
  ['soc2-cc8.1-change-approval.fail', 'SOC2-CC8.1-CHANGE-APPROVAL', ['26:17 error DEX600 SOC2-CC8.1-CHANGE-APPROVAL production']],
  ['gdpr-5.1.e-retention.fail', 'GDPR-5.1.e-RETENTION', ['16:26 warning DEX601 GDPR-5.1.e-RETENTION production', '16:26 warning DEX601 GDPR-5.1.e-RETENTION staging']],
  ['gdpr-44-transfers.fail', 'GDPR-44-TRANSFERS', ['4:9 warning DEX601 GDPR-44-TRANSFERS production', '14:45 warning DEX601 GDPR-44-TRANSFERS production']],
  ['rbi-psd-localisation.fail', 'RBI-PSD-LOCALISATION', ['14:45 error DEX600 RBI-PSD-LOCALISATION production', '14:45 warning DEX601 RBI-PSD-LOCALISATION staging']],
  ['pmla-12-log-retention.fail', 'PMLA-12-LOG-RETENTION', ['16:26 warning DEX601 PMLA-12-LOG-RETENTION production']],
  ['pmla-12-records-protected.fail', 'PMLA-12-RECORDS-PROTECTED', ['14:44 error DEX600 PMLA-12-RECORDS-PROTECTED production', '14:44 warning DEX601 BASE-DELETION-PROTECTION production']],
  ['sebi-cscrf-log-retention.fail', 'SEBI-CSCRF-LOG-RETENTION', ['16:26 error DEX600 SEBI-CSCRF-LOG-RETENTION production', '16:26 warning DEX601 SEBI-CSCRF-LOG-RETENTION staging']],
  ['sebi-cscrf-log-localisation.fail', 'SEBI-CSCRF-LOG-LOCALISATION', ['4:9 error DEX600 SEBI-CSCRF-LOG-LOCALISATION production', '4:9 warning DEX601 SEBI-CSCRF-LOG-LOCALISATION staging']],
  ['sebi-cscrf-monitoring.fail', 'SEBI-CSCRF-MONITORING', ['15:1 error DEX600 SEBI-CSCRF-MONITORING production', '15:1 warning DEX601 SEBI-CSCRF-MONITORING staging']],
  ['conflict-gdpr-pmla-retention.fail', 'CONFLICT-GDPR-PMLA-RETENTION', ['16:26 warning DEX602 CONFLICT-GDPR-PMLA-RETENTION production']],
  [
    'conflict-gdpr-rbi-residency.fail',
    'CONFLICT-GDPR-RBI-RESIDENCY',
    ['4:9 warning DEX601 GDPR-44-TRANSFERS production', '4:9 warning DEX602 CONFLICT-GDPR-RBI-RESIDENCY production', '14:45 warning DEX601 GDPR-44-TRANSFERS production'],
  ],
];

/** The fixture that satisfies each rule; the baseline's model-only rules are also broken in model-rules.test.ts. */
export const SATISFYING: Readonly<Record<string, string>> = {
  'BASE-ENCRYPTION-AT-REST': 'baseline.pass',
  'BASE-ENCRYPTION-IN-TRANSIT': 'baseline.pass',
  'BASE-TLS12': 'baseline.pass',
  'BASE-NO-PUBLIC-DATA-STORES': 'baseline.pass',
  'BASE-IMDSV2': 'baseline.pass',
  'BASE-NON-ROOT-CONTAINERS': 'baseline.pass',
  'BASE-HARDENED-CONTAINERS': 'baseline.pass',
  'BASE-ECS-EXEC': 'baseline.pass',
  'BASE-SCHEDULED-JOBS': 'jobs.pass',
  'BASE-EKS-CAPACITY': 'eks-capacity.pass',
  'BASE-SG-LEAST-PRIVILEGE': 'baseline.pass',
  'BASE-DEFAULT-SG-CLOSED': 'baseline.pass',
  'BASE-LOG-RETENTION': 'baseline.pass',
  'BASE-FLOW-LOGS': 'baseline.pass',
  'BASE-DELETION-PROTECTION': 'baseline.pass',
  'BASE-IAM-LEAST-PRIVILEGE': 'baseline.pass',
  'BASE-MESSAGING-TLS-ONLY': 'base-messaging.pass',
  'BASE-QUEUE-DEAD-LETTER': 'base-messaging.pass',
  'PCI-DSS-1.4.4': 'pci-dss.pass',
  'PCI-DSS-3.5.1': 'pci-dss.pass',
  'PCI-DSS-4.2.1': 'pci-dss.pass',
  'PCI-DSS-6.3.1': 'pci-dss.pass',
  'PCI-DSS-6.4.2': 'pci-dss.pass',
  'PCI-DSS-10.2.1': 'pci-dss.pass',
  'PCI-DSS-10.5.1': 'pci-dss.pass',
  'SOC2-A1.2-MULTI-AZ': 'soc2.pass',
  'SOC2-A1.2-BACKUPS': 'soc2.pass',
  'SOC2-CC7.2-ALARMS': 'soc2.pass',
  'SOC2-CC7.2-AUDIT-TRAIL': 'soc2.pass',
  'SOC2-CC8.1-CHANGE-APPROVAL': 'soc2.pass',
  'GDPR-32-ENCRYPTION': 'gdpr.pass',
  'GDPR-5.1.e-RETENTION': 'gdpr.pass',
  'GDPR-44-TRANSFERS': 'gdpr.pass',
  'RBI-PSD-LOCALISATION': 'rbi.pass',
  'PMLA-12-LOG-RETENTION': 'pmla.pass',
  'PMLA-12-RECORDS-PROTECTED': 'pmla.pass',
  'SEBI-CSCRF-LOG-RETENTION': 'sebi.pass',
  'SEBI-CSCRF-LOG-LOCALISATION': 'sebi.pass',
  'SEBI-CSCRF-MONITORING': 'sebi.pass',
  'CONFLICT-GDPR-PMLA-RETENTION': 'conflict-gdpr-pmla-retention.pass',
  'CONFLICT-GDPR-RBI-RESIDENCY': 'conflict-gdpr-rbi-residency.pass',
};

describe('compliance rules: specs that break them', () => {
  it.each(BREAKING)('%s', (fixture, rule, expected) => {
    const a = analyze(fixture);
    expect(summary(a)).toEqual(expected);
    expect(summary(a).some((s) => s.includes(` ${rule} `))).toBe(true);
    expect(a.ok).toBe(!expected.some((e) => e.includes(' error ')));
    // The header comment names the rule it breaks.
    expect(readFileSync(`test/fixtures/compliance/${fixture}.dex.yaml`, 'utf8').split('\n')[0]).toContain(rule);
    // Every finding says how to fix it and cites its clause with a link.
    for (const d of a.diagnostics.filter((x) => x.code.startsWith('DEX6'))) expect(d.hint).toMatch(/https:\/\//);
  });
});

describe('compliance rules: specs that satisfy them', () => {
  it.each(Object.entries(SATISFYING))('%s on %s', (rule, fixture) => {
    const a = analyze(fixture);
    expect(a.diagnostics.filter((d) => d.message.startsWith(`${rule}:`))).toEqual([]);
    expect(a.ok).toBe(true);
    // And the engine reports the control as met in production, with evidence or a reason.
    const production = a.compiled.find((c) => c.environment === 'production')!;
    const result = evaluateCompliance({ spec: production.spec, model: production.model!, data: dataDeclaration(a.raw), rules: COMPLIANCE_RULES });
    const control = result.controls.find((c) => c.rule.id === rule);
    if (rule.startsWith('CONFLICT-')) {
      expect(control === undefined || control.checks.length === 0, `${rule} should not fire`).toBe(true);
    } else {
      expect(control?.status, rule).toBe('pass');
      expect(control!.checks.length).toBeGreaterThan(0);
    }
  });

  it('each satisfying fixture is clean of every compliance finding of its regime', () => {
    for (const fixture of new Set(Object.values(SATISFYING))) expect(summary(analyze(fixture)), fixture).toEqual([]);
  });
});

describe('the catalogue', () => {
  it('has a breaking test (here or on the model) and a satisfying fixture for every rule', async () => {
    const { MODEL_BREAKS } = await import('./model-breaks.js');
    const broken = new Set([...BREAKING.map(([, rule]) => rule), ...MODEL_BREAKS.map(([rule]) => rule)]);
    for (const rule of COMPLIANCE_RULES) {
      expect(broken.has(rule.id), `${rule.id} has no breaking test`).toBe(true);
      expect(SATISFYING[rule.id], `${rule.id} has no satisfying fixture`).toBeDefined();
    }
  });

  it('gives every rule a unique id, a regime, a citation with a link, a title', () => {
    const ids = COMPLIANCE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of COMPLIANCE_RULES) {
      expect(rule.regimes.length, rule.id).toBeGreaterThan(0);
      for (const scope of rule.regimes) expect(rule.citations[scope], `${rule.id} cites nothing for ${scope}`).toBeDefined();
      for (const c of Object.values(rule.citations)) expect(c!.url, rule.id).toMatch(/^https:\/\//);
      expect(rule.title.length).toBeGreaterThan(10);
    }
  });

  it('is documented in docs/compliance.md, one table line per rule with its citation link', () => {
    const docs = readFileSync('docs/compliance.md', 'utf8');
    const lines = docs.split('\n').filter((l) => /^\| `[A-Za-z0-9.-]+` \|/.test(l));
    expect(lines.map((l) => /^\| `([^`]+)`/.exec(l)![1])).toEqual(COMPLIANCE_RULES.map((r) => r.id));
    for (const rule of COMPLIANCE_RULES) {
      const line = lines.find((l) => l.startsWith(`| \`${rule.id}\` `))!;
      for (const c of Object.values(rule.citations)) expect(line, rule.id).toContain(`[${c!.clause}](${c!.url})`);
    }
  });
});

describe('environments', () => {
  it('checks production strictly and staging leniently, naming the environment', () => {
    const a = analyze('staging-lenient.fail');
    // PCI log retention: an error in production, a warning in staging; Single-AZ staging is fine for SOC 2.
    expect(summary(a)).toEqual(['16:26 error DEX600 PCI-DSS-10.5.1 production', '16:26 warning DEX601 PCI-DSS-10.5.1 staging']);
    const staging = analyzeSpec(readFileSync('test/fixtures/compliance/staging-lenient.fail.dex.yaml'), 'x.yaml', { environment: 'staging' });
    expect(staging.ok).toBe(true);
    const result = evaluateCompliance({ spec: staging.compiled[0]!.spec, model: staging.compiled[0]!.model!, rules: COMPLIANCE_RULES });
    expect(result.production).toBe(false);
    expect(result.controls.find((c) => c.rule.id === 'SOC2-A1.2-MULTI-AZ')).toMatchObject({ status: 'not-applicable' });
  });

  it('does not check the base spec of a spec with environments (it is not deployed)', () => {
    const a = analyze('pci-dss-10.5.1.fail');
    expect(a.diagnostics.filter((d) => d.code.startsWith('DEX6') && !/\(in environment [a-z]+\)$/.test(d.message))).toEqual([]);
  });

  it('checks a spec without environments as production', () => {
    const text = readFileSync('test/fixtures/compliance/pci-dss-10.5.1.fail.dex.yaml', 'utf8').replace(/cicd:[\s\S]*$/, '');
    const a = analyzeSpec(new TextEncoder().encode(text), 'single.dex.yaml');
    expect(a.diagnostics.filter((d) => d.code.startsWith('DEX6')).map((d) => `${d.line}:${d.col} ${d.severity} ${d.message.split(':')[0]}`)).toEqual([
      // No cicd section: the warning lands at the top of the file.
      '2:1 warning PCI-DSS-6.3.1',
      '16:26 error PCI-DSS-10.5.1',
    ]);
  });
});
