// Operating a workload (issue 15): ECS Exec per service (`exec`) and kubectl access to the EKS
// cluster (`platforms.eks.access`), on the Online Boutique example, which uses both. The task
// role's exact statements, the cluster's session logging and encryption, the access entries,
// the templates against the CloudFormation resource schemas, the compliance listing and the
// checks DEX390–DEX394, located in the file.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { fixedClock } from '../support/clock.js';
import { outTree } from '../support/out-tree.js';
import { validateTemplate } from '../support/cfn-validate.js';
import { SECURITY_CONTROLS } from '../../compiler/compliance/controls/catalogue.js';
import { evaluateControl } from '../../compiler/compliance/controls/evaluate.js';
import { isProduction } from '../../compiler/compliance/engine.js';
import type { RuleContext } from '../../compiler/compliance/types.js';

const FILE = 'examples/online-boutique/dex.yaml';
const BOUTIQUE = readFileSync(FILE, 'utf8');
const EXEC_LINE = '    exec: "operators change the simulated load by hand during a demo"\n';

const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
const resources = (a: Analysis) => a.compiled.flatMap((c) => c.model?.resources ?? []);
const byId = (a: Analysis, id: string) => resources(a).find((r) => r.logicalId === id);
const at = (a: Analysis, code: string) => a.diagnostics.filter((d) => d.code === code).map((d) => `${d.range?.start.line}:${d.range?.start.col} ${d.severity} ${d.path.join('.')}`);
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
/** The example with one service's `exec:` line replaced (or removed with ''). */
const withExec = (line: string, text = BOUTIQUE): string => {
  if (!text.includes(EXEC_LINE)) throw new Error('the example no longer has its exec line');
  return text.replace(EXEC_LINE, line);
};
/** Adds `line` (indented 4) to a service of the example. */
const onService = (service: string, line: string, text = BOUTIQUE): string => {
  const head = `  ${service}:\n`;
  if (!text.includes(head)) throw new Error(`no ${service}`);
  return text.replace(head, `${head}    ${line}\n`);
};

describe('ECS Exec', () => {
  const a = analyzed(BOUTIQUE);

  it('the example is valid: exec with a reason needs no warning in its protected environment', () => {
    expect(a.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });

  it('turns on EnableExecuteCommand only for the service that asks', () => {
    const enabled = resources(a)
      .filter((r) => r.type === 'AWS::ECS::Service')
      .map((r) => [r.properties.ServiceName, r.properties.EnableExecuteCommand]);
    expect(Object.fromEntries(enabled)).toEqual({ frontend: false, loadgenerator: true, paymentservice: false });
  });

  it('the task role gets exactly the ssmmessages channels, the key and the session log group', () => {
    const role = byId(a, 'LoadgeneratorRole')!.properties as { Policies: { PolicyDocument: { Statement: { Sid: string }[] } }[] };
    const exec = role.Policies[0]!.PolicyDocument.Statement.filter((s) => s.Sid.startsWith('EcsExec'));
    expect(exec).toEqual([
      { Sid: 'EcsExecChannels', Effect: 'Allow', Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'], Resource: '*' },
      { Sid: 'EcsExecDecryptSessions', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: { 'Fn::GetAtt': ['KmsKey', 'Arn'] } },
      { Sid: 'EcsExecFindLogGroup', Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: '*' },
      {
        Sid: 'EcsExecWriteSessionLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/dex/online-boutique/sessions/ecs-exec:*' },
      },
    ]);
    // A service without exec gets none of it.
    expect(JSON.stringify(byId(a, 'FrontendRole')!.properties)).not.toContain('ssmmessages');
  });

  it('the cluster logs every session to the encrypted session log group and encrypts the channel with the key', () => {
    const cluster = byId(a, 'EcsCluster')!;
    expect(cluster.properties.Configuration).toEqual({
      ExecuteCommandConfiguration: {
        KmsKeyId: { 'Fn::GetAtt': ['KmsKey', 'Arn'] },
        Logging: 'OVERRIDE',
        LogConfiguration: { CloudWatchLogGroupName: '/dex/online-boutique/sessions/ecs-exec', CloudWatchEncryptionEnabled: true },
      },
    });
    expect(cluster.dependsOn).toContain('EcsExecSessionLogGroup');
    expect(byId(a, 'EcsExecSessionLogGroup')!.properties).toMatchObject({ LogGroupName: '/dex/online-boutique/sessions/ecs-exec', KmsKeyId: { 'Fn::GetAtt': ['KmsKey', 'Arn'] } });
    // Without exec anywhere: no configuration, no log group.
    const off = analyzed(withExec(''));
    expect(byId(off, 'EcsCluster')!.properties.Configuration).toBeUndefined();
    expect(byId(off, 'EcsExecSessionLogGroup')).toBeUndefined();
  });

  it('the compliance report lists the service with its reason (DEX.ECS.Exec), and fails a cluster that stops logging', () => {
    const control = SECURITY_CONTROLS.find((c) => c.id === 'DEX.ECS.Exec')!;
    const ctxOf = (an: Analysis): RuleContext => {
      const c = an.compiled[0]!;
      return { spec: c.spec, model: c.model!, data: {}, environment: c.environment, production: isProduction(c.environment, c.spec), regimes: new Set(c.spec.compliance) };
    };
    const ok = evaluateControl(control, ctxOf(a));
    expect(ok.status).toBe('pass');
    expect(ok.findings.filter((f) => f.message.startsWith('exception:')).map((f) => f.message)).toEqual([
      'exception: loadgenerator allows ECS Exec (sessions KMS-encrypted, logged to /dex/online-boutique/sessions/ecs-exec): operators change the simulated load by hand during a demo',
    ]);
    const ctx = ctxOf(a);
    const unlogged = { ...ctx, model: { ...ctx.model, resources: ctx.model.resources.map((r) => (r.type === 'AWS::ECS::Cluster' ? { ...r, properties: { ...r.properties, Configuration: undefined } } : r)) } } as RuleContext;
    const broken = evaluateControl(control, unlogged);
    expect(broken.status).toBe('fail');
    expect(broken.findings.filter((f) => f.status === 'fail').map((f) => f.logicalId)).toEqual(['LoadgeneratorEcsService']);
  });

  it('dex compliance report lists it under the baseline (BASE-ECS-EXEC), at the service\'s exec key', () => {
    const report = execFileSync('node', ['bin/dex.js', 'compliance', 'report', FILE], { encoding: 'utf8' });
    expect(report).toContain(`- **pass**: exception: loadgenerator allows ECS Exec (sessions KMS-encrypted, logged to /dex/online-boutique/sessions/ecs-exec): operators change the simulated load by hand during a demo (\`${FILE}:${lineOf(BOUTIQUE, EXEC_LINE)}:11\`)`);
  });

  it('the permissions boundary allows what the task role is granted (ssmmessages)', () => {
    const boundary = outTree(FILE)
      .filter((f) => /\.ya?ml$/.test(f.path) && f.content.includes('-cfn-exec-boundary'))
      .flatMap((f) => Object.values((parse(f.content) as { Resources?: Record<string, { Type: string; Properties: { ManagedPolicyName?: string; PolicyDocument?: unknown } }> }).Resources ?? {}))
      .find((r) => r.Type === 'AWS::IAM::ManagedPolicy' && String(r.Properties.ManagedPolicyName).endsWith('-cfn-exec-boundary'));
    expect(boundary).toBeDefined();
    expect(JSON.stringify(boundary!.Properties.PolicyDocument)).toContain('"ssmmessages:*"');
  });

  it('BASE-ECS-EXEC reads the cluster the service runs in, not the database migration tasks\' cluster', () => {
    // A database brings a second AWS::ECS::Cluster (its migration tasks'), placed before the
    // system's cluster in the model, with no exec configuration of its own.
    const text = `${BOUTIQUE}databases:\n  orders: {}\n`;
    const analysis = analyzed(text);
    expect(resources(analysis).filter((r) => r.type === 'AWS::ECS::Cluster').length).toBeGreaterThan(1);
    expect(analysis.diagnostics.filter((d) => d.message.startsWith('BASE-ECS-EXEC')).map((d) => d.message)).toEqual([]);
    expect(analysis.ok).toBe(true);
  });

  it('DEX390: exec: true in a protected environment warns, at the exec key; not in a non-protected overlay', () => {
    const text = withExec('    exec: true\n');
    expect(at(analyzed(text), 'DEX390')).toEqual([`${lineOf(text, '    exec: true')}:11 warning services.loadgenerator.exec`]);
    const envs = (protect: boolean) => analyzeSpec(Buffer.from(`${text}environments:\n  dev: { protect: ${protect} }\n`), 'dex.yaml', { today: fixedClock, environment: 'dev' });
    const dev = envs(false);
    expect(dev.compiled.map((c) => c.environment)).toEqual(['dev']);
    expect(dev.diagnostics.filter((d) => d.code === 'DEX390')).toEqual([]);
    expect(envs(true).diagnostics.filter((d) => d.code === 'DEX390').map((d) => d.message)).toEqual([expect.stringContaining('in dev (protect)')]);
  });

  it('DEX391: exec on EKS or EC2 is refused, at the key, with what to use there', () => {
    const text = onService('emailservice', 'exec: true', onService('cartservice', 'exec: true'));
    const a391 = analyzed(text);
    expect(at(a391, 'DEX391')).toEqual([`${lineOf(text, '  cartservice:') + 1}:11 error services.cartservice.exec`, `${lineOf(text, '  emailservice:') + 1}:11 error services.emailservice.exec`]);
    expect(a391.diagnostics.find((d) => d.path[1] === 'cartservice')!.hint).toContain('platforms.eks.access');
    expect(a391.diagnostics.find((d) => d.path[1] === 'emailservice')!.message).toContain('Session Manager');
  });

  it('the templates validate against the CloudFormation resource schemas', () => {
    const templates = outTree(FILE).filter((f) => /\.ya?ml$/.test(f.path) && /^Resources:/m.test(f.content) && /EcsCluster:|EksAccess/.test(f.content));
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) expect(validateTemplate(parse(t.content)), t.path).toEqual([]);
  });
});

describe('kubectl access on EKS (platforms.eks.access)', () => {
  const a = analyzed(BOUTIQUE);
  const entry = (id: string) => byId(a, id)?.properties;

  it('one access entry per principal: the policy, namespace- or cluster-scoped', () => {
    expect(entry('EksAccessRoleShopOperators')).toMatchObject({
      ClusterName: { Ref: 'EksCluster' },
      PrincipalArn: 'arn:aws:iam::123456789012:role/ShopOperators',
      Type: 'STANDARD',
      AccessPolicies: [{ PolicyArn: { 'Fn::Sub': 'arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSEditPolicy' }, AccessScope: { Type: 'namespace', Namespaces: ['cartservice', 'checkoutservice'] } }],
    });
    expect(entry('EksAccessRoleShopReadOnly')).toMatchObject({ AccessPolicies: [{ PolicyArn: { 'Fn::Sub': 'arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy' }, AccessScope: { Type: 'cluster' } }] });
    // The cluster authenticates with access entries (API), which is what makes them work.
    expect((byId(a, 'EksCluster')!.properties.AccessConfig as { AuthenticationMode: string }).AuthenticationMode).toMatch(/^API/);
  });

  it.each([
    ['admin', 'AmazonEKSAdminPolicy'],
    ['cluster-admin', 'AmazonEKSClusterAdminPolicy'],
  ])('policy %s is %s', (policy, arn) => {
    const text = BOUTIQUE.replace('role/ShopReadOnly, policy: view', `role/ShopReadOnly, policy: ${policy}`);
    expect(JSON.stringify(byId(analyzed(text), 'EksAccessRoleShopReadOnly')!.properties)).toContain(`cluster-access-policy/${arn}`);
  });

  it('DEX392: a principal that is not a role or user ARN, located at the principal; an assumed-role ARN gets the role ARN as hint', () => {
    const text = BOUTIQUE.replace('arn:aws:iam::123456789012:role/ShopReadOnly', 'arn:aws:sts::123456789012:assumed-role/ShopReadOnly/alice').replace('arn:aws:iam::123456789012:role/ShopOperators', 'arn:aws:iam::12345:role/Ops');
    const bad = analyzed(text);
    const line = lineOf(text, '- { principal: arn:aws:iam::12345');
    expect(at(bad, 'DEX392')).toEqual([`${line}:22 error platforms.eks.access.0.principal`, `${line + 1}:22 error platforms.eks.access.1.principal`]);
    expect(bad.diagnostics.find((d) => d.code === 'DEX392' && d.path[3] === 1)!.hint).toContain('arn:aws:iam::123456789012:role/ShopReadOnly');
  });

  it('DEX393: the CI deploy role, which has its own entry', () => {
    const text = BOUTIQUE.replace('role/ShopReadOnly, policy: view', 'role/online-boutique-deploy, policy: view');
    expect(at(analyzed(text), 'DEX393').map((s) => s.split(' ').slice(1).join(' '))).toEqual(['error platforms.eks.access.1.principal']);
    expect(byId(a, 'CiEksAccessEntry') ?? resources(a).find((r) => r.type === 'AWS::EKS::AccessEntry' && JSON.stringify(r.properties.PrincipalArn).includes('online-boutique-deploy'))).toBeDefined();
  });

  it('DEX393: a principal listed twice; DEX394: a namespace no service has', () => {
    const text = BOUTIQUE.replace('role/ShopReadOnly, policy: view', 'role/ShopOperators, policy: view').replace('namespaces: [cartservice, checkoutservice]', 'namespaces: [cartservice, checkout]');
    const bad = analyzed(text);
    expect(at(bad, 'DEX393').map((s) => s.split(' ').slice(1).join(' '))).toEqual(['error platforms.eks.access.1.principal']);
    expect(at(bad, 'DEX394').map((s) => s.split(' ').slice(1).join(' '))).toEqual(['warning platforms.eks.access.0.namespaces.1']);
  });
});

describe('ECS Exec without NAT (DEX395)', () => {
  const noNat = (endpoints: string) => BOUTIQUE.replace('  natGateways: single ', '  natGateways: none   ').replace(/  endpoints: \[[^\]]*\]/, `  endpoints: [${endpoints}]`);

  it('warns at the service\'s exec when the session endpoints are missing, and not when they are there', () => {
    const text = noNat('s3, ecr, logs, ec2');
    expect(text).toContain('natGateways: none');
    const a = analyzed(text);
    const found = a.diagnostics.filter((d) => d.code === 'DEX395');
    expect(found.map((d) => [d.severity, d.path.join('.'), d.line])).toEqual([['warning', 'services.loadgenerator.exec', lineOf(text, EXEC_LINE.trimEnd())]]);
    expect(found[0]!.message).toContain('lacks ssm and kms');
    expect(analyzed(noNat('s3, ecr, logs, ec2, ssm, kms')).diagnostics.filter((d) => d.code === 'DEX395')).toEqual([]);
    // With NAT the endpoints are optional.
    expect(analyzed(BOUTIQUE).diagnostics.filter((d) => d.code === 'DEX395')).toEqual([]);
  });
});
