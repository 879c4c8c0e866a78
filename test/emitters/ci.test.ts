// CI/CD: the GitHub workflow (reference spec) and the CodePipeline (examples/large) as a release
// engineer would check them: GitHub's own parser accepts the workflow, jobs promote staging →
// approval → production, AWS access is OIDC only, the pipeline, CodeBuild and ECS blue/green
// resources pass the CloudFormation schemas, the test listener is never public, output is
// deterministic, and the reference's files match the golden ones.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { readPackageAssets } from '../../cli/adapters/assets.js';
import { compileEmit, compileSystemEmit, emitTargets, type EnvironmentOutput } from '../../pipeline/emit.js';
import { analysisBootstraps, type BootstrapOutput } from '../../pipeline/bootstrap.js';
import type { ModelResource } from '../../compiler/model/types.js';
import type { EmittedFile } from '../../compiler/model/output.js';
import { CICD_ID } from '../../services/cicd.js';
import { BLUE_GREEN_ID, TEST_LISTENER_PORT } from '../../services/alb.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';
import { pipelineProblems } from '../support/codepipeline-model.js';
import { workflowErrors } from '../support/workflow-parser.js';
import { expectGoldenFiles } from '../support/golden.js';
import { fixedClock } from '../support/clock.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REFERENCE = join(ROOT, 'test/fixtures/reference/dex-mobile-v6.dex.yaml');
const LARGE = join(ROOT, 'examples/large/dex.yaml');
const GOLDEN = join(ROOT, 'test/golden/dex-mobile-v6/ci');

interface Emitted {
  system: EmittedFile[];
  environments: EnvironmentOutput[];
  bootstraps: BootstrapOutput[];
}

function emit(file: string): Emitted {
  const analysis = analyzeSpec(new TextEncoder().encode(readFileSync(file, 'utf8')), 'dex.yaml', { today: fixedClock });
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return {
    system: compileSystemEmit(analysis, { specFile: 'dex.yaml', assets: readPackageAssets() }),
    environments: emitTargets(analysis).map((c) => compileEmit(c, { specFile: 'dex.yaml' })),
    bootstraps: analysisBootstraps(analysis),
  };
}

const reference = emit(REFERENCE);
const large = emit(LARGE);

const file = (e: Emitted, path: string): string => {
  const f = e.system.find((x) => x.path === path);
  expect(f, path).toBeDefined();
  return f!.content;
};
const env = (e: Emitted, name: string): EnvironmentOutput => e.environments.find((o) => o.environment === name)!;
const byId = (o: EnvironmentOutput, id: string): ModelResource | undefined => o.model.resources.find((r) => r.logicalId === id);
/** A resource of the account's home bootstrap (the CI roles and the OIDC provider are there). */
const inBootstrap = (e: Emitted, id: string): ModelResource | undefined => e.bootstraps.find((b) => b.target.home)!.model.resources.find((r) => r.logicalId === id);
const templates = (o: EnvironmentOutput) =>
  o.plan.stacks.map((s) => ({ name: s.name, template: parse(o.files.find((f) => f.path === `cloudformation/${s.name}.yaml`)!.content, { version: '1.1' }) as Record<string, unknown> }));

type Job = { needs?: string[]; environment?: { name: string }; permissions?: Record<string, string>; concurrency?: { group: string }; steps: { uses?: string; with?: Record<string, string>; run?: string; if?: string; name?: string }[] };

describe('GitHub Actions (reference spec)', () => {
  const text = file(reference, '.github/workflows/release.yml');
  const wf = parse(text) as { jobs: Record<string, Job>; permissions: unknown; on: unknown };

  it('every workflow passes GitHub’s own parser (@actions/workflow-parser) without errors', async () => {
    const workflows = reference.system.filter((f) => f.path.startsWith('.github/workflows/'));
    expect(workflows.length).toBeGreaterThan(0);
    for (const w of workflows) expect([...new Set(await workflowErrors(w.path, w.content))], w.path).toEqual([]);
  });

  it('the parser does catch a broken workflow (the check is not vacuous)', async () => {
    expect((await workflowErrors('bad.yml', text.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    bogus-key: 1'))).length).toBeGreaterThan(0);
  });

  it('promotes build → staging → (approval) production, in that order of needs', () => {
    expect(Object.keys(wf.jobs)).toEqual(['build', 'staging', 'production']);
    expect(wf.jobs.build!.needs).toBeUndefined();
    expect(wf.jobs.staging!.needs).toEqual(['build']);
    expect(wf.jobs.production!.needs).toEqual(['staging']);
    // The approval is the production environment's required reviewers: set by the setup script.
    expect(wf.jobs.production!.environment).toEqual({ name: 'production' });
    expect(wf.jobs.staging!.environment).toEqual({ name: 'staging' });
    const setup = file(reference, 'setup-github-environments.sh');
    expect(setup).toMatch(/^environment production \$\{PRODUCTION_REVIEWERS:\?/m);
    expect(setup).toMatch(/^environment staging$/m);
    expect(() => execFileSync('bash', ['-n'], { input: setup })).not.toThrow();
  });

  it('deploys stacks (the ECS release) and rolls out EKS, verifies after, and rolls back on failure', () => {
    const names = (job: string) => wf.jobs[job]!.steps.map((s) => s.name ?? s.uses ?? '');
    for (const job of ['staging', 'production']) {
      const n = names(job);
      const stacks = n.findIndex((x) => x.includes('CloudFormation stacks'));
      const verify = n.findIndex((x) => x.startsWith('Verify'));
      const rollout = n.findIndex((x) => x.startsWith('Roll out') || x.startsWith('Start the new colour'));
      expect(stacks).toBeGreaterThan(0);
      expect(rollout).toBeGreaterThan(stacks);
      expect(verify).toBeGreaterThan(rollout);
      const last = wf.jobs[job]!.steps.at(-1)!;
      expect(last.if).toBe('failure() || cancelled()');
      expect(last.run).toContain('rollback');
    }
    const prod = wf.jobs.production!.steps.map((s) => s.run ?? '').join('\n');
    // ECS services are released by the stack update itself: no step of their own, no CodeDeploy.
    expect(prod).not.toMatch(/ecs-rolling|ecs-blue-green|aws deploy /);
    expect(names('production').find((x) => x.includes('CloudFormation stacks'))).toContain('(ECS blue-green deployments)');
    expect(prod).toContain('eks-blue-green blockchain-service');
    expect(prod).toContain('eks-switch blockchain-service');
    expect(prod).toContain('promote dex-mobile-v6/kyc-service');
    expect(prod).toContain('npm run test:smoke');
    const staging = wf.jobs.staging!.steps.map((s) => s.run ?? '').join('\n');
    expect(staging).not.toMatch(/ecs-rolling|ecs-blue-green/);
    expect(names('staging').find((x) => x.includes('CloudFormation stacks'))).toContain('(ECS rolling deployments)');
    expect(staging).toContain('npm run test:integration');
    // Stacks in the plan's deploy order.
    const order = env(reference, 'production').plan.stacks.map((s) => `deploy-stack ${s.name}`);
    expect(prod.split('\n').filter((l) => l.includes('deploy-stack')).map((l) => l.replace(/^.*?(deploy-stack)/, '$1'))).toEqual(order);
  });

  it('uses OIDC only: id-token: write where AWS is used, role-to-assume, no keys or secrets', () => {
    expect(wf.permissions).toEqual({});
    expect(text).not.toMatch(/secrets\.|aws-access-key-id|aws-secret-access-key/);
    for (const [id, job] of Object.entries(wf.jobs)) {
      const aws = job.steps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      expect(aws.length, id).toBe(1);
      expect(job.permissions, id).toEqual({ contents: 'read', 'id-token': 'write' });
      expect(aws[0]!.with!['role-to-assume']).toMatch(/^arn:aws:iam::\$\{\{ vars\.AWS_ACCOUNT_ID \}\}:role\/dex-mobile-v6-/);
    }
    for (const job of Object.values(wf.jobs)) for (const s of job.steps) if (s.uses) expect(s.uses).toMatch(/@(v\d+|[0-9a-f]{40})$/);
  });

  it('serializes deployments per environment', () => {
    expect(wf.jobs.staging!.concurrency).toEqual({ group: 'dex-mobile-v6-staging', 'cancel-in-progress': false });
    expect(wf.jobs.production!.concurrency).toEqual({ group: 'dex-mobile-v6-production', 'cancel-in-progress': false });
  });

  it('trusts each role for its own GitHub environment (or the release branch, for the build role) only', () => {
    const trust = (id: string) => JSON.stringify(inBootstrap(reference, id)!.properties.AssumeRolePolicyDocument);
    expect(trust(`Staging${CICD_ID.deployRole}`)).toContain('"token.actions.githubusercontent.com:sub":"repo:dex-mobile/dex-mobile-v6:environment:staging"');
    expect(trust(`Production${CICD_ID.deployRole}`)).toContain('"token.actions.githubusercontent.com:sub":"repo:dex-mobile/dex-mobile-v6:environment:production"');
    expect(trust(`Production${CICD_ID.deployRole}`)).toContain('"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"');
    expect(trust(`Staging${CICD_ID.buildRole}`)).toContain('repo:dex-mobile/dex-mobile-v6:ref:refs/heads/main');
    expect(inBootstrap(reference, `Production${CICD_ID.buildRole}`)).toBeUndefined();
    // One OIDC provider per account, in the bootstrap (deployed before either environment), kept.
    expect(inBootstrap(reference, CICD_ID.githubOidcProvider)?.deletionPolicy).toBe('Retain');
    for (const o of reference.environments) {
      expect(byId(o, CICD_ID.githubOidcProvider)).toBeUndefined();
      expect(o.model.resources.filter((r) => r.type === 'AWS::IAM::Role' && String(r.properties.RoleName ?? '').endsWith('-deploy'))).toEqual([]);
    }
    // The CloudFormation execution role can only be assumed by CloudFormation, passed only to it.
    expect(trust(`Production${CICD_ID.cfnExecutionRole}`)).toContain('cloudformation.amazonaws.com');
    expect(JSON.stringify(inBootstrap(reference, `Production${CICD_ID.deployRole}`)!.properties.Policies)).toContain('"iam:PassedToService":"cloudformation.amazonaws.com"');
  });
});

describe('blue-green infrastructure (reference spec)', () => {
  const production = env(reference, 'production');
  const staging = env(reference, 'staging');

  it('production ECS services behind the ALB deploy blue/green natively: an alternate target group, listener rules, no CodeDeploy', () => {
    for (const svc of ['Aml', 'ChartApi', 'Kyc']) {
      const prod = byId(production, `${svc}ServiceEcsService`)!.properties;
      expect(prod.DeploymentController).toEqual({ Type: 'ECS' });
      expect((prod.DeploymentConfiguration as { Strategy: string }).Strategy).toBe('BLUE_GREEN');
      expect((prod.DeploymentConfiguration as { BakeTimeInMinutes: number }).BakeTimeInMinutes).toBe(30);
      expect((prod.DeploymentConfiguration as { DeploymentCircuitBreaker: unknown }).DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
      const [lb] = prod.LoadBalancers as { AdvancedConfiguration: Record<string, unknown> }[];
      expect(lb!.AdvancedConfiguration).toEqual({
        AlternateTargetGroupArn: { Ref: `${svc}ServiceGreenTargetGroup` },
        ProductionListenerRule: { Ref: `${svc}ServiceListenerRule` },
        TestListenerRule: { Ref: `${svc}ServiceTestListenerRule` },
        RoleArn: { 'Fn::GetAtt': ['EcsLoadBalancerRole', 'Arn'] },
      });
      // The production rule is a rule of the HTTPS listener, the test rule one of the test listener.
      expect(byId(production, `${svc}ServiceListenerRule`)!.properties.ListenerArn).toEqual({ Ref: 'HttpsListener' });
      expect(byId(production, `${svc}ServiceTestListenerRule`)!.properties.ListenerArn).toEqual({ Ref: BLUE_GREEN_ID.testListener });
      const stagingService = byId(staging, `${svc}ServiceEcsService`)!.properties;
      expect(stagingService.DeploymentController).toEqual({ Type: 'ECS' });
      expect((stagingService.DeploymentConfiguration as { Strategy: string }).Strategy).toBe('ROLLING');
      expect(JSON.stringify(stagingService.LoadBalancers)).not.toContain('AdvancedConfiguration');
      expect(byId(production, `${svc}ServiceGreenTargetGroup`)?.layer).toBe('ingress');
      expect(byId(staging, `${svc}ServiceGreenTargetGroup`)).toBeUndefined();
    }
    for (const o of reference.environments) expect(o.model.resources.filter((r) => r.type.startsWith('AWS::CodeDeploy::')).map((r) => r.logicalId)).toEqual([]);
    expect(byId(production, BLUE_GREEN_ID.testListener)!.properties.Port).toBe(TEST_LISTENER_PORT);
    expect(byId(staging, BLUE_GREEN_ID.testListener)).toBeUndefined();
    expect(JSON.stringify(byId(production, 'EcsLoadBalancerRole')!.properties.ManagedPolicyArns)).toContain('AmazonECSInfrastructureRolePolicyForLoadBalancers');
  });

  it('rolls back on the services’ own alarms, which monitoring creates', () => {
    const alarmNames = new Set(production.model.resources.filter((r) => r.type === 'AWS::CloudWatch::Alarm').map((r) => r.properties.AlarmName));
    const services = production.model.resources.filter((r) => r.type === 'AWS::ECS::Service');
    expect(services.length).toBeGreaterThan(2);
    for (const svc of services) {
      const alarms = (svc.properties.DeploymentConfiguration as { Alarms?: { AlarmNames: string[]; Enable: boolean; Rollback: boolean } }).Alarms;
      expect(alarms, svc.logicalId).toBeDefined();
      expect(alarms!.Enable && alarms!.Rollback).toBe(true);
      expect(alarms!.AlarmNames.length).toBeGreaterThan(0);
      expect(alarms!.AlarmNames.length).toBeLessThanOrEqual(10);
      for (const a of alarms!.AlarmNames) expect(alarmNames.has(a), a).toBe(true);
    }
  });

  it('opens no port to the internet besides the ALB’s 80 and 443; the test listener only to the VPC', () => {
    for (const o of reference.environments) {
      const rules: { port: unknown; cidr: unknown; where: string }[] = [];
      for (const r of o.model.resources) {
        if (r.type === 'AWS::EC2::SecurityGroupIngress') rules.push({ port: r.properties.FromPort, cidr: r.properties.CidrIp, where: r.logicalId });
        if (r.type === 'AWS::EC2::SecurityGroup') for (const i of (r.properties.SecurityGroupIngress ?? []) as Record<string, unknown>[]) rules.push({ port: i.FromPort, cidr: i.CidrIp, where: r.logicalId });
      }
      for (const rule of rules.filter((x) => x.cidr === '0.0.0.0/0')) {
        expect([80, 443], rule.where).toContain(rule.port);
        expect(rule.where).toMatch(/^Alb/);
      }
      const test = rules.find((x) => x.port === TEST_LISTENER_PORT);
      if (o.environment === 'production') expect(test?.cidr).toBe('10.0.0.0/16');
      else expect(test).toBeUndefined();
    }
  });

  it('every stack (CodeBuild, ECS blue/green, test listener, roles included) passes the CloudFormation schemas, and the stacks fit together', () => {
    for (const o of [...reference.environments, ...large.environments]) {
      const all = templates(o);
      expect(all.some((t) => t.name.endsWith('-cicd'))).toBe(true);
      for (const t of all) expect(validateTemplate(t.template), `${o.environment}/${t.name}`).toEqual([]);
      expect(validateStackSet(all), o.environment).toEqual([]);
    }
  });
});

describe('CodePipeline (examples/large)', () => {
  const pipeline = parse(file(large, 'codepipeline/pipeline.yaml'), { version: '1.1' }) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

  it('passes the CloudFormation schemas', () => {
    expect(validateTemplate(pipeline)).toEqual([]);
  });

  it('runs Source → Build → staging → approval → production → approval → production-eu, V2, rolling back failed stages', () => {
    const p = pipeline.Resources.Pipeline!.Properties as { PipelineType: string; Stages: { Name: string; Actions: { Name: string; ActionTypeId: { Provider: string }; Configuration: Record<string, string> }[]; OnFailure?: unknown }[] };
    expect(p.PipelineType).toBe('V2');
    expect(p.Stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'staging', 'Approve-production', 'production', 'Approve-production-eu', 'production-eu']);
    expect(p.Stages[0]!.Actions[0]!.Configuration.ConnectionArn).toMatch(/^arn:aws:codeconnections:/);
    expect(p.Stages.find((s) => s.Name === 'Approve-production')!.Actions[0]!.ActionTypeId.Provider).toBe('Manual');
    for (const name of ['staging', 'production', 'production-eu']) {
      const stage = p.Stages.find((s) => s.Name === name)!;
      expect(stage.Actions.map((a) => `${a.Name}:${a.Configuration.ProjectName}`)).toEqual([`Deploy:acme-commerce-${name}-deploy`, `Verify:acme-commerce-${name}-verify`]);
      expect(stage.OnFailure).toEqual({ Result: 'ROLLBACK' });
    }
    expect(pipeline.Resources.ProductionApproverPolicy!.Properties.Roles).toEqual(['release-managers']);
  });

  type Action = { Name: string; Region?: string; Configuration: Record<string, string> };
  type Store = { Type: string; Location: unknown; EncryptionKey: { Id: unknown; Type: string } };
  const props = pipeline.Resources.Pipeline!.Properties as { ArtifactStore?: Store; ArtifactStores?: { Region: string; ArtifactStore: Store }[]; Stages: { Name: string; Actions: Action[] }[] };
  const regionOf = (stage: string): string => env(large, stage).model.spec.region;

  it('passes the CodePipeline API model (botocore), deployed in the first stage’s region', () => {
    expect(pipelineProblems(pipeline.Resources.Pipeline!.Properties, { region: regionOf('staging'), account: '123456789012' })).toEqual([]);
  });

  it('the model check catches a broken declaration (it is not vacuous)', () => {
    const broken = structuredClone(pipeline.Resources.Pipeline!.Properties) as typeof props & Record<string, unknown>;
    broken.ArtifactStore = broken.ArtifactStores![0]!.ArtifactStore;
    broken.ArtifactStores = broken.ArtifactStores!.filter((s) => s.Region === 'us-east-1');
    broken.Stages[0]!.Actions[0]!.Name = 'not a name!';
    expect(pipelineProblems(broken, { region: 'us-east-1', account: '123456789012' })).toEqual([
      'pipeline.stages[0].actions[0].name: not a name! does not match [A-Za-z0-9.@\\-_]+ (ActionName)',
      'pipeline: artifactStore and artifactStores cannot both be set',
      'pipeline: production-eu/Deploy runs in eu-west-1, which has no artifact store',
      'pipeline: production-eu/Verify runs in eu-west-1, which has no artifact store',
    ]);
    const oneStore = structuredClone(pipeline.Resources.Pipeline!.Properties) as typeof props & Record<string, unknown>;
    oneStore.ArtifactStore = oneStore.ArtifactStores![0]!.ArtifactStore;
    delete oneStore.ArtifactStores;
    expect(pipelineProblems(oneStore, { region: 'us-east-1', account: '123456789012' })).toEqual(['pipeline: cross-region actions (production-eu/Deploy, production-eu/Verify) need artifactStores']);
  });

  it('runs each stage’s actions in its environment’s region, with an artifact store in every stage region', () => {
    expect(regionOf('production-eu')).toBe('eu-west-1');
    expect(props.ArtifactStore).toBeUndefined();
    expect(props.ArtifactStores!.map((s) => s.Region)).toEqual(['us-east-1', 'eu-west-1']);
    for (const name of ['staging', 'production', 'production-eu']) {
      const region = regionOf(name);
      for (const a of props.Stages.find((s) => s.Name === name)!.Actions) expect(a.Region, `${name}/${a.Name}`).toBe(region === 'us-east-1' ? undefined : region);
      // The stage's projects are in the bootstrap of its region (before its stacks); the pipeline role may start them there.
      const boot = large.bootstraps.find((b) => b.target.region === region)!;
      const projects = boot.model.resources.filter((r) => r.type === 'AWS::CodeBuild::Project' && String(r.properties.Name).startsWith(`acme-commerce-${name}-`)).map((r) => r.properties.Name as string);
      expect(projects).toEqual([`acme-commerce-${name}-deploy`, `acme-commerce-${name}-verify`]);
      const runBuilds = JSON.stringify(pipeline.Resources.PipelineRole!.Properties.Policies);
      for (const p of projects) expect(runBuilds).toContain(`:codebuild:${region}:\${AWS::AccountId}:project/${p}"`);
      // Its scripts run release.sh against its own region.
      expect(file(large, `codebuild/deploy-${name}.sh`)).toContain(`export AWS_REGION='${region}'`);
    }
  });

  it('stores artifacts in the bootstrap’s bucket and key of each region, which the bootstrap creates', () => {
    for (const { Region, ArtifactStore } of props.ArtifactStores!) {
      const boot = large.bootstraps.find((b) => b.target.region === Region)!;
      const bucket = boot.model.resources.find((r) => r.type === 'AWS::S3::Bucket' && r.logicalId === 'ArtifactsBucket')!.properties.BucketName as { 'Fn::Sub': string };
      expect(ArtifactStore.Location).toEqual({ 'Fn::Sub': bucket['Fn::Sub'].replace('${AWS::Region}', Region) });
      const alias = boot.model.resources.find((r) => r.type === 'AWS::KMS::Alias')!.properties.AliasName as string;
      expect(ArtifactStore.EncryptionKey).toEqual({ Type: 'KMS', Id: { 'Fn::Sub': `arn:\${AWS::Partition}:kms:${Region}:\${AWS::AccountId}:${alias}` } });
    }
    expect(Object.values(pipeline.Resources).filter((r) => r.Type === 'AWS::S3::Bucket')).toEqual([]);
  });

  it('lets the pipeline role use every store and key, and each CodeBuild role read its own region’s store only', () => {
    type Statement = { Sid: string; Action: string[]; Resource: unknown; Condition?: unknown };
    const statements = (policies: unknown): Statement[] => (policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    const pipelineRole = statements(pipeline.Resources.PipelineRole!.Properties.Policies);
    const objects = JSON.stringify(pipelineRole.find((s) => s.Sid === 'PipelineArtifacts')!.Resource);
    const keys = pipelineRole.find((s) => s.Sid === 'ArtifactStoreKeys')!;
    for (const region of ['us-east-1', 'eu-west-1']) {
      expect(objects).toContain(`acme-commerce-artifacts-\${AWS::AccountId}-${region}/acme-commerce/*`);
      expect(JSON.stringify(keys.Resource)).toContain(`:kms:${region}:`);
    }
    expect(keys.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey']));
    expect(keys.Condition).toEqual({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/acme-commerce-bootstrap' } });
    for (const name of ['staging', 'production-eu']) {
      const region = regionOf(name);
      const roles = [inBootstrap(large, `${name === 'staging' ? 'Staging' : 'ProductionEu'}${CICD_ID.deployRole}`)!, large.bootstraps.flatMap((b) => b.model.resources).find((r) => r.logicalId === `${name === 'staging' ? 'Staging' : 'ProductionEu'}${CICD_ID.verifyRole}`)!];
      for (const role of roles) {
        const st = statements(role.properties.Policies);
        expect(JSON.stringify(st.find((s) => s.Sid === 'ReadPipelineArtifacts')!.Resource), `${name} ${String(role.properties.RoleName)}`).toBe(JSON.stringify({ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::acme-commerce-artifacts-\${AWS::AccountId}-${region}/acme-commerce/*` }));
        expect(st.find((s) => s.Sid === 'DecryptPipelineArtifacts')!.Condition).toEqual({ StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` }, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/acme-commerce-bootstrap' } });
      }
    }
  });

  it('refuses to be deployed outside the first stage’s region', () => {
    const rules = (parse(file(large, 'codepipeline/pipeline.yaml'), { version: '1.1' }) as { Rules: Record<string, { Assertions: { Assert: unknown }[] }> }).Rules;
    expect(rules.PipelineRegion!.Assertions[0]!.Assert).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
  });

  it('builds with the buildspec it emits; each environment’s projects run the script it emits, found through DEX_OUT', () => {
    const emitted = new Set(large.system.map((f) => `out/ci/${f.path}`));
    for (const r of Object.values(pipeline.Resources).filter((x) => x.Type === 'AWS::CodeBuild::Project')) {
      expect(emitted.has((r.Properties.Source as { BuildSpec: string }).BuildSpec), String(r.Properties.Name)).toBe(true);
    }
    const build = parse(file(large, 'buildspecs/build.yml')) as { version: number; phases: { build: { commands: string[] } } };
    expect(build.version).toBe(0.2);
    expect(build.phases.build.commands.length).toBeGreaterThan(0);
    // Every CodeBuild action passes the output folder.
    for (const stage of props.Stages) {
      for (const a of stage.Actions.filter((x) => x.Configuration.ProjectName !== undefined)) {
        expect(JSON.parse(a.Configuration.EnvironmentVariables!), `${stage.Name}/${a.Name}`).toContainEqual({ name: 'DEX_OUT', value: 'out', type: 'PLAINTEXT' });
      }
    }
    for (const o of large.environments) {
      for (const p of o.model.resources.filter((r) => r.type === 'AWS::CodeBuild::Project')) {
        const kind = p.logicalId === CICD_ID.deployProject ? 'deploy' : 'verify';
        const spec = parse((p.properties.Source as { BuildSpec: string }).BuildSpec) as { version: number; phases: { build: { commands: string[] } } };
        expect(spec.version).toBe(0.2);
        const variables = (p.properties.Environment as { EnvironmentVariables: { Name: string; Value: string }[] }).EnvironmentVariables;
        const dexEnvironment = variables.find((v) => v.Name === 'DEX_ENVIRONMENT')!.Value;
        expect(dexEnvironment).toBe(o.environment);
        // What the buildspec runs, with the variables CodeBuild gives it.
        const ran = execFileSync('bash', ['-c', `bash() { printf '%s\\n' "$1"; }\n${spec.phases.build.commands.join('\n')}`], {
          env: { PATH: process.env.PATH, CODEBUILD_SRC_DIR: '/src', DEX_OUT: 'out', DEX_ENVIRONMENT: dexEnvironment },
        }).toString();
        expect(ran.trim()).toBe(`/src/out/ci/codebuild/${kind}-${o.environment}.sh`);
        expect(emitted.has(`out/ci/codebuild/${kind}-${o.environment}.sh`)).toBe(true);
      }
    }
    for (const f of large.system.filter((x) => x.path.startsWith('codebuild/'))) expect(() => execFileSync('bash', ['-n'], { input: f.content }), f.path).not.toThrow();
    for (const env of ['staging', 'production']) expect(file(large, `codebuild/deploy-${env}.sh`)).not.toMatch(/ecs-rolling|ecs-blue-green|aws deploy /);
    expect(file(large, 'codebuild/deploy-staging.sh')).toMatch(/^trap .*rollback.* EXIT$/m);
  });

  it('trusts the deploy roles to CodeBuild, not GitHub', () => {
    const trust = JSON.stringify(inBootstrap(large, `Production${CICD_ID.deployRole}`)!.properties.AssumeRolePolicyDocument);
    expect(trust).toContain('codebuild.amazonaws.com');
    expect(inBootstrap(large, CICD_ID.githubOidcProvider)).toBeUndefined();
  });
});

describe('output', () => {
  it('release.sh is valid bash', () => {
    expect(() => execFileSync('bash', ['-n'], { input: file(reference, 'scripts/release.sh') })).not.toThrow();
  });

  it('is deterministic', () => {
    expect(emit(REFERENCE).system).toEqual(reference.system);
    expect(emit(LARGE).system).toEqual(large.system);
  });

  it('matches the golden files for the reference (UPDATE_GOLDEN=1 rewrites them)', () => {
    expectGoldenFiles(GOLDEN, reference.system);
  });
});
