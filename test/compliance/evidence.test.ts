// The reference's evidence report for PCI DSS and SOC 2 names what an auditor asks for: the
// CloudTrail trail and its bucket, the log groups and buckets of the WAF, the load balancer, the
// database and the flow logs, and the IAM permissions boundary on the CloudFormation execution
// role — as FSBP / CIS control results (control id, resources, properties) under the clauses
// they evidence.
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { ComplianceReport, ReportSecurityControl } from '../../compiler/compliance/report.js';
import { SECURITY_CONTROLS } from '../../compiler/compliance/controls/catalogue.js';
import { captureIO } from '../support/io.js';

const reference = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';

let json: ComplianceReport;
let markdown: string;

beforeAll(async () => {
  const j = captureIO(process.cwd());
  expect(await main(['compliance', 'report', reference, '--env', 'production', '--format', 'json'], j)).toBe(0);
  json = JSON.parse(j.out()) as ComplianceReport;
  const m = captureIO(process.cwd());
  expect(await main(['compliance', 'report', reference, '--env', 'production'], m)).toBe(0);
  markdown = m.out();
});

const regime = (name: string): readonly ReportSecurityControl[] => json.environments[0]!.regimes.find((r) => r.regime === name)!.securityControls;
const resource = (controls: readonly ReportSecurityControl[], id: string, logicalId: string): Record<string, unknown> | undefined =>
  controls.find((c) => c.id === id)?.resources.find((r) => r.logicalId === logicalId)?.properties;

describe.each(['pci-dss', 'soc2'])('the reference report, %s', (name) => {
  it('names the trail, its bucket and the trail properties that make it evidence', () => {
    const controls = regime(name);
    expect(resource(controls, 'CloudTrail.1', 'AuditTrail')).toMatchObject({ IsMultiRegionTrail: true, IsLogging: true });
    expect(resource(controls, 'CloudTrail.2', 'AuditTrail')).toMatchObject({ KMSKeyId: { 'Fn::GetAtt': ['KmsKey', 'Arn'] } });
    expect(resource(controls, 'CloudTrail.4', 'AuditTrail')).toMatchObject({ EnableLogFileValidation: true });
    expect(resource(controls, 'CloudTrail.6', 'AuditTrailBucket')).toMatchObject({ PublicAccessBlockConfiguration: { BlockPublicPolicy: true } });
  });

  it('names the request, database and network logs', () => {
    const controls = regime(name);
    expect(resource(controls, 'WAF.11', 'WafRequestLogConfiguration')).toHaveProperty('RedactedFields');
    expect(resource(controls, 'ELB.5', 'LoadBalancer')).toMatchObject({ 'LoadBalancerAttributes.access_logs.s3.enabled': 'true', 'LoadBalancerAttributes.access_logs.s3.bucket': { Ref: 'AlbAccessLogBucket' } });
    expect(resource(controls, 'RDS.9', 'PostgresDatabase')).toMatchObject({ EnableCloudwatchLogsExports: expect.arrayContaining(['postgresql']) });
    expect(resource(controls, 'EC2.6', 'VpcFlowLog')).toMatchObject({ TrafficType: 'ALL', LogDestination: { 'Fn::GetAtt': ['FlowLogGroup', 'Arn'] } });
    // The log groups behind them: encrypted with the system key, retained.
    for (const group of ['WafRequestLog', 'FlowLogGroup', 'PostgresDatabasePostgresqlLogGroup']) {
      expect(resource(controls, 'DEX.Logs.KMS', group)).toMatchObject({ KmsKeyId: { 'Fn::GetAtt': ['KmsKey', 'Arn'] } });
      expect(resource(controls, 'CloudWatch.16', group)).toHaveProperty('RetentionInDays');
    }
    // The log buckets: encrypted, private.
    for (const bucket of ['AuditTrailBucket', 'AlbAccessLogBucket']) expect(resource(controls, 'S3.17', bucket)).toHaveProperty('BucketEncryption');
  });

  it('names the permissions boundary and the execution role it bounds', () => {
    const controls = regime(name);
    const boundary = controls.find((c) => c.id === 'DEX.IAM.Boundary')!;
    expect(boundary.status).toBe('pass');
    expect(resource(controls, 'DEX.IAM.Boundary', 'ProductionPermissionsBoundary')).toMatchObject({ ManagedPolicyName: 'dex-mobile-v6-production-cfn-exec-boundary' });
    expect(resource(controls, 'DEX.IAM.Boundary', 'ProductionCloudFormationExecutionRole')).toMatchObject({ PermissionsBoundary: expect.anything(), ManagedPolicyArns: [] });
    expect(controls.find((c) => c.id === 'IAM.1')).toMatchObject({ status: 'pass', standard: 'FSBP IAM.1 / CIS 1.16' });
  });

  it('maps each control to the clause of this regime it evidences', () => {
    const controls = regime(name);
    const expected = SECURITY_CONTROLS.filter((c) => c.evidences?.[name as 'pci-dss' | 'soc2'] !== undefined).map((c) => [c.id, c.evidences![name as 'pci-dss' | 'soc2']]);
    expect(controls.map((c) => [c.id, c.clause])).toEqual(expected);
    const clause = name === 'pci-dss' ? 'PCI DSS v4.0 Req. 10.2.1' : 'SOC 2 CC7.2';
    expect(controls.find((c) => c.id === 'CloudTrail.1')?.clause).toBe(clause);
  });
});

describe('docs/compliance.md', () => {
  it('maps every control that evidences a PCI DSS or SOC 2 clause, and no other', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync('docs/compliance.md', 'utf8');
    const table = doc.split('| regime clause | controls | what they name |')[1]!.split('\n\n')[0]!;
    const listed = table.split('\n').slice(2).filter((l) => l.trim().startsWith('|')).map((l) => l.trim()).flatMap((l) => l.split(' | ')[1]!.split(', '));
    const evidencing = SECURITY_CONTROLS.filter((c) => c.evidences?.['pci-dss'] !== undefined || c.evidences?.soc2 !== undefined).map((c) => c.id);
    expect([...listed].sort()).toEqual([...evidencing].sort());
  });
});

describe('the reference report, markdown', () => {
  it('has a section of the AWS controls behind each of PCI DSS and SOC 2, with their evidence', () => {
    expect(markdown).toContain('### AWS security controls behind PCI DSS v4.0');
    expect(markdown).toContain('### AWS security controls behind SOC 2');
    expect(markdown).toContain('| CloudTrail.1: A multi-region trail records management events, read and write, including global services | FSBP CloudTrail.1 / CIS 3.1 | PCI DSS v4.0 Req. 10.2.1 | PASS |');
    expect(markdown).toContain('- **pass** `AuditTrail` (AWS::CloudTrail::Trail): IsMultiRegionTrail = true; IsLogging = true; IncludeGlobalServiceEvents = true');
    expect(markdown).toContain('- **pass** `WafRequestLogConfiguration` (AWS::WAFv2::LoggingConfiguration)');
    expect(markdown).toContain('- **pass** `ProductionCloudFormationExecutionRole` (AWS::IAM::Role): PermissionsBoundary = ');
    expect(markdown).toContain('### AWS Foundational Security Best Practices and CIS AWS Foundations (all controls)');
    expect(markdown).toContain('| RDS.10: Databases have IAM database authentication | FSBP RDS.10 | PCI DSS v4.0 Req. 8.3.1 | PASS |');
    // The Grafana admin password rotates: its schedule is the evidence.
    expect(markdown).toMatch(/\| SecretsManager\.1: [^|]+ \| FSBP SecretsManager\.1 \| PCI DSS v4\.0 Req\. 8\.3\.9 \| PASS \|/);
    expect(markdown).toContain('- **pass** `GrafanaAdminSecret` (AWS::SecretsManager::Secret): RotationSchedule = "GrafanaAdminSecretRotationSchedule"; RotationRules = {"ScheduleExpression":"rate(30 days)"}');
  });

  it('does not count the AWS controls in the rule summary, nor fail the command on them', () => {
    expect(markdown).toMatch(/\| production \| ap-south-1 \| production \| \d+ \| 0 \| \d+ \| \d+ \|/);
    expect(json.environments[0]!.securityControls.map((c) => c.id)).toEqual(SECURITY_CONTROLS.map((c) => c.id));
  });
});
