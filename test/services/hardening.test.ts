// Hardened defaults (issue 14): instance metadata one hop away, the load balancer controller told
// its VPC instead of asking IMDS, non-root ECS containers with a recorded opt-out, actions pinned
// by commit SHA, `protect` (production-like) as an environment property, and the VPC's default
// security group emptied by a custom resource.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { compileEmit, emitTargets } from '../../pipeline/emit.js';
import { complianceResults } from '../../pipeline/compliance.js';
import type { ModelResource } from '../../compiler/model/types.js';
import { ACTIONS, PINNED_ACTIONS } from '../../emitters/ci/github.js';
import { RESTRICT_DEFAULT_SG_HANDLER } from '../../services/vpc.js';
import { fixedClock } from '../support/clock.js';

const SPECS = ['test/fixtures/reference/dex-mobile-v6.dex.yaml', 'examples/dex-mobile-v6/dex.yaml', 'examples/large/dex.yaml', 'examples/minimal/dex.yaml'];

function analyze(text: string | Buffer, file = 'dex.yaml'): Analysis {
  const analysis = analyzeSpec(typeof text === 'string' ? Buffer.from(text) : text, file, { today: fixedClock });
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return analysis;
}
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const props = (r: ModelResource): Obj => r.properties as Obj;

const BASE = `dex: 1
name: shop
region: eu-west-1
ingress:
  tls: { certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555 }
services:
  api: { port: 8080, placement: ecs, expose: { public: true, path: / } }
  worker: { placement: ecs, runAsRoot: the vendor image chowns its data directory at start }
cicd:
  source: { repository: acme/shop }
  stages:
    staging: {}
    production-eu: {}
    production: { approval: none }
environments:
  staging: {}
  production-eu: {}
  production: { protect: false }
  sandbox: { protect: true }
`;

describe.each(SPECS)('%s', (file) => {
  const outputs = emitTargets(analyze(readFileSync(file), file)).map((c) => ({ spec: c.spec, output: compileEmit(c, { specFile: file }) }));

  it('answers instance metadata only one hop away (IMDSv2 required) on every launch template', () => {
    const templates = outputs.flatMap((o) => o.output.model.resources.filter((r) => r.type === 'AWS::EC2::LaunchTemplate'));
    for (const t of templates) {
      expect(props(t).LaunchTemplateData.MetadataOptions, t.logicalId).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    }
  });

  it('runs the EC2 containers that use the instance role on the host network (no bridge hop to IMDS)', () => {
    for (const o of outputs) {
      for (const t of o.output.model.resources.filter((r) => r.type === 'AWS::EC2::LaunchTemplate' && r.layer === 'ec2')) {
        const userData = JSON.stringify(props(t).LaunchTemplateData.UserData);
        const runs = userData.split('docker run ').slice(1);
        expect(runs.length, t.logicalId).toBeGreaterThan(0);
        for (const run of runs) expect(run, t.logicalId).toMatch(/^-d --name \S+ --restart always (--network host|.*--net host)/);
      }
    }
  });

  it('passes the VPC ID and region to the load balancer controller, so it does not need IMDS', () => {
    for (const o of outputs) {
      const addons = o.output.files.find((f) => f.path === 'kubernetes/addons.sh')?.content;
      if (addons === undefined || !addons.includes('aws-load-balancer-controller')) continue;
      expect(addons).toContain('--set-string "vpcId=$(value VPC_ID)"');
      expect(addons).toContain(`--set-string region=${o.spec.region}`);
      const outputsScript = o.output.files.find((f) => f.path === 'kubernetes/stack-outputs.sh')!.content;
      expect(outputsScript).toMatch(/out VPC_ID "\$v"/);
      expect(outputsScript).toContain("'Vpc'");
    }
  });

  it('sets a non-root User on every ECS container', () => {
    for (const o of outputs) {
      for (const t of o.output.model.resources.filter((r) => r.type === 'AWS::ECS::TaskDefinition')) {
        for (const c of props(t).ContainerDefinitions as Obj[]) expect(c.User, t.logicalId).toBe('10001:10001');
      }
    }
  });
});

describe('runAsRoot', () => {
  const analysis = analyze(BASE);
  const staging = analysis.compiled.find((c) => c.environment === 'staging')!;
  const tasks = staging.model!.resources.filter((r) => r.type === 'AWS::ECS::TaskDefinition');

  it('leaves User unset only for the service that gives a reason', () => {
    const user = (id: string) => (props(tasks.find((t) => t.logicalId === id)!).ContainerDefinitions as Obj[])[0]!.User;
    expect(user('ApiTaskDefinition')).toBe('10001:10001');
    expect(user('WorkerTaskDefinition')).toBeUndefined();
  });

  it('is listed, with its reason, as an exception in the compliance report', () => {
    const result = complianceResults(analysis).find((r) => r.environment === 'staging')!;
    const control = result.controls.find((c) => c.rule.id === 'BASE-NON-ROOT-CONTAINERS')!;
    expect(control.status).toBe('pass');
    expect(control.checks.map((c) => c.message)).toContain('exception: worker runs as root: the vendor image chowns its data directory at start');
    expect(control.checks.find((c) => c.message.startsWith('exception'))!.path).toEqual(['services', 'worker', 'runAsRoot']);
  });

  it('needs a reason of a full line, not an empty string', () => {
    const a = analyzeSpec(Buffer.from(BASE.replace('runAsRoot: the vendor image chowns its data directory at start', "runAsRoot: ''")), 'dex.yaml', { today: fixedClock });
    expect(a.diagnostics.some((d) => d.severity === 'error' && d.path.join('.') === 'services.worker.runAsRoot')).toBe(true);
  });
});

describe('protect', () => {
  const analysis = analyze(BASE);
  const env = (name: string) => analysis.compiled.find((c) => c.environment === name)!;
  const loadBalancerProtection = (name: string) =>
    (props(env(name).model!.resources.find((r) => r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer')!).LoadBalancerAttributes as Obj[]).find((a) => a.Key === 'deletion_protection.enabled')!.Value;

  it('defaults from the name (production-eu is production-like), and an explicit value wins', () => {
    expect(['staging', 'production-eu', 'production', 'sandbox'].map((n) => env(n).spec.protect)).toEqual([false, true, false, true]);
    expect(['staging', 'production-eu', 'production', 'sandbox'].map(loadBalancerProtection)).toEqual(['false', 'true', 'false', 'true']);
  });

  it('drives the production compliance rules', () => {
    const production = Object.fromEntries(complianceResults(analysis).map((r) => [r.environment, r.production]));
    expect(production).toEqual({ staging: false, 'production-eu': true, production: false, sandbox: true });
  });

  it('makes a protected environment wait for approval unless its stage says otherwise', () => {
    const stages = Object.fromEntries(env('staging').spec.cicd!.stages.map((s) => [s.name, s.approval]));
    expect(stages).toEqual({ staging: 'none', 'production-eu': 'manual', production: 'none' });
  });
});

describe('GitHub actions', () => {
  it('are pinned by a full commit SHA, with the tag as a comment on the uses: line', () => {
    for (const a of Object.values(PINNED_ACTIONS)) expect(a.uses).toMatch(/^[a-z-]+\/[a-z-]+@[0-9a-f]{40}$/);
    // The reference's workflow as emitted (ci.test.ts keeps the golden file equal to the emitter's output).
    const workflow = readFileSync('test/golden/dex-mobile-v6/ci/.github/workflows/release.yml', 'utf8');
    const uses = workflow.split('\n').filter((l) => l.includes('uses: '));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [a-z-]+\/[a-z-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    const steps = (parse(workflow) as Obj).jobs as Obj;
    const used = Object.values(steps).flatMap((j: Obj) => (j.steps as Obj[]).map((s) => s.uses).filter(Boolean));
    expect(new Set(used)).toEqual(new Set(Object.values(ACTIONS)));
  });
});

describe("the VPC's default security group (FSBP EC2.2)", () => {
  const analysis = analyze(readFileSync('test/fixtures/reference/dex-mobile-v6.dex.yaml'), 'test/fixtures/reference/dex-mobile-v6.dex.yaml');
  for (const c of analysis.compiled.filter((x) => x.environment !== undefined)) {
    const resources = c.model!.resources;
    const byId = (id: string) => resources.find((r) => r.logicalId === id)!;

    it(`${c.environment}: is emptied by a custom resource whose code is constant and whose role may touch only that group`, () => {
      const custom = byId('RestrictDefaultSecurityGroup');
      expect(custom.type).toBe('Custom::RestrictDefaultSecurityGroup');
      expect(props(custom).DefaultSecurityGroupId).toEqual({ 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] });
      const fn = byId('RestrictDefaultSecurityGroupFunction');
      // The inline code is a constant: the same for every spec, so nothing from dex.yaml is in it.
      expect(props(fn).Code.ZipFile).toBe(RESTRICT_DEFAULT_SG_HANDLER);
      expect(RESTRICT_DEFAULT_SG_HANDLER).not.toMatch(/dex-mobile|\$\{|sg-[0-9a-f]/);
      expect(props(fn).LoggingConfig).toEqual({ LogGroup: { Ref: 'RestrictDefaultSecurityGroupLogGroup' } });
      const statements = (props(byId('RestrictDefaultSecurityGroupRole')).Policies as Obj[]).flatMap((p) => p.PolicyDocument.Statement as Obj[]);
      const wildcard = statements.filter((s) => s.Resource === '*');
      expect(wildcard.map((s) => s.Action)).toEqual([['ec2:DescribeNetworkAcls', 'ec2:DescribeSecurityGroups']]);
      expect(props(custom).DefaultNetworkAclId).toEqual({ 'Fn::GetAtt': ['Vpc', 'DefaultNetworkAcl'] });
      const deleteEntries = statements.find((s) => s.Sid === 'DeleteDefaultAclEntries')!;
      expect(deleteEntries.Action).toBe('ec2:DeleteNetworkAclEntry');
      expect(JSON.stringify(deleteEntries.Resource)).toContain('network-acl/');
      expect(JSON.stringify(deleteEntries.Resource)).toContain('DefaultNetworkAcl');
      const revoke = statements.find((s) => s.Sid === 'RevokeDefaultGroupRules')!;
      expect(revoke.Action).toEqual(['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress']);
      expect(JSON.stringify(revoke.Resource)).toContain('DefaultSecurityGroup');
      expect(statements.flatMap((s) => [s.Action].flat()).every((a: string) => !a.includes('*'))).toBe(true);
    });
  }

  it('uses a handler that revokes what the group has, on create and update only', () => {
    expect(RESTRICT_DEFAULT_SG_HANDLER).toContain("if event['RequestType'] != 'Delete':");
    expect(RESTRICT_DEFAULT_SG_HANDLER).toContain('revoke_security_group_ingress(GroupId=group_id, IpPermissions=group[\'IpPermissions\'])');
    expect(RESTRICT_DEFAULT_SG_HANDLER).toContain('revoke_security_group_egress(GroupId=group_id, IpPermissions=group[\'IpPermissionsEgress\'])');
    expect(RESTRICT_DEFAULT_SG_HANDLER).toContain('cfnresponse.send(event, context, status');
  });

  it('deletes every entry of the default network ACL but its fixed deny-all (rule 32767), which EC2 does not let anyone delete', () => {
    expect(RESTRICT_DEFAULT_SG_HANDLER).toContain("if entry['RuleNumber'] < 32767:");
    expect(RESTRICT_DEFAULT_SG_HANDLER).toContain("delete_network_acl_entry(NetworkAclId=acl_id, RuleNumber=entry['RuleNumber'], Egress=entry['Egress'])");
  });
});
