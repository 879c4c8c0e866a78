// A release is one CloudFormation update: the image tag is a stack parameter (declared exactly by
// the stacks that use it, and no tag that could become code passes its pattern), a spec change to
// a production ECS service plus a new image change one template, ECS deploys it natively (no
// CodeDeploy) with the strategy the spec asks for, and release.sh passes ImageTag only where it is
// declared and rolls a verified-bad release back to the previous template and tag. release.sh
// runs against a fake `aws` on PATH that records its arguments and answers from files.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { readPackageAssets } from '../../cli/adapters/assets.js';
import { compileEmit, compileSystemEmit, emitTargets, type EnvironmentOutput } from '../../pipeline/emit.js';
import { IMAGE_TAG_PATTERN, MODEL_PARAMETERS } from '../../compiler/model/parameters.js';
import { parameterReferences } from '../../compiler/model/build.js';
import { shellArg } from '../../compiler/model/quote.js';
import { validateStackSet, validateTemplate } from '../support/cfn-validate.js';
import { fixedClock } from '../support/clock.js';
import { hasBash, runScript, sandbox, type Sandbox } from '../security/sandbox.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REFERENCE = readFileSync(join(ROOT, 'test/fixtures/reference/dex-mobile-v6.dex.yaml'), 'utf8');
const PRODUCTION_STAGE = 'production: { approval: manual, strategy: blue-green, verify: npm run test:smoke }';

function compile(yaml: string): { environments: EnvironmentOutput[]; release: string } {
  const analysis = analyzeSpec(new TextEncoder().encode(yaml), 'dex.yaml', { today: fixedClock });
  expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const system = compileSystemEmit(analysis, { specFile: 'dex.yaml', assets: readPackageAssets() });
  return { environments: emitTargets(analysis).map((c) => compileEmit(c, { specFile: 'dex.yaml' })), release: system.find((f) => f.path === 'scripts/release.sh')!.content };
}

const withStage = (stage: string): string => {
  expect(REFERENCE.split(PRODUCTION_STAGE).length).toBe(2);
  return REFERENCE.replace(PRODUCTION_STAGE, () => stage);
};

const reference = compile(REFERENCE);
const env = (o: { environments: EnvironmentOutput[] }, name: string): EnvironmentOutput => o.environments.find((e) => e.environment === name)!;
const templateText = (o: EnvironmentOutput, stack: string): string => o.files.find((f) => f.path === `cloudformation/${stack}.yaml`)!.content;
const template = (o: EnvironmentOutput, stack: string): Record<string, unknown> => parse(templateText(o, stack), { version: '1.1' }) as Record<string, unknown>;
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

describe('the ImageTag stack parameter', () => {
  it('is declared, with its pattern, by exactly the stacks whose resources use it', () => {
    for (const o of reference.environments) {
      const users = o.plan.stacks.filter((s) => s.resources.some((r) => parameterReferences(r).includes('ImageTag'))).map((s) => s.name);
      // The ECS task definitions and the EC2 launch templates run dex-built images.
      expect(users).toEqual([`dex-mobile-v6-${o.environment}-ecs`, `dex-mobile-v6-${o.environment}-ec2`]);
      for (const s of o.plan.stacks) {
        const declared = Object.keys((template(o, s.name).Parameters ?? {}) as Record<string, unknown>);
        expect(declared, s.name).toEqual(users.includes(s.name) ? ['ImageTag'] : []);
        expect(s.parameters).toEqual(declared);
      }
      expect((template(o, `dex-mobile-v6-${o.environment}-ecs`).Parameters as Record<string, unknown>).ImageTag).toEqual(MODEL_PARAMETERS.ImageTag);
      const plan = JSON.parse(o.files.find((f) => f.path === 'plan.json')!.content) as { stacks: { name: string; parameters: string[] }[] };
      expect(plan.stacks.filter((s) => s.parameters.length > 0).map((s) => s.name)).toEqual(users);
    }
  });

  it('is a parameter, not a resource: no export, no import, no reference to the ECR repository', () => {
    const production = env(reference, 'production');
    for (const s of production.plan.stacks) {
      expect(s.outputs.map((x) => x.name)).not.toContain('ImageTag');
      expect(s.imports.map((x) => x.exportName).filter((x) => x.includes('ImageTag'))).toEqual([]);
    }
    const ecs = template(production, 'dex-mobile-v6-production-ecs').Resources as Resources;
    const image = (ecs.KycServiceTaskDefinition!.Properties.ContainerDefinitions as { Image: unknown }[])[0]!.Image;
    expect(image).toEqual({ 'Fn::Sub': '${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/dex-mobile-v6/kyc-service:${ImageTag}' });
    expect(JSON.stringify(ecs)).not.toContain(':bootstrap');
  });

  it('refuses tags that could become code, and accepts Docker tags (each one a plain shell word)', () => {
    const pattern = new RegExp(IMAGE_TAG_PATTERN);
    for (const bad of ['a;b', '$(touch x)', 'a$(id)', '`id`', 'a b', '-rf', '.hidden', '', 'a'.repeat(129), "a'b", 'a\nb', 'a/b', 'a:b']) expect(pattern.test(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['0123abc', 'v1.2.3', 'release_2026-11-24', '3f2a9c1d7e6b5a4f3e2d1c0b9a8f7e6d5c4b3a21', 'a'.repeat(128)]) expect(pattern.test(good), good).toBe(true);
    fc.assert(
      fc.property(fc.string({ maxLength: 140 }), (tag) => {
        // Whatever passes the pattern needs no quoting in a shell and stays one URI path segment.
        if (pattern.test(tag)) expect(shellArg(tag)).toBe(tag);
        if (/[;$`'"\\\s/:]/.test(tag)) expect(pattern.test(tag)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('a release is one stack update', () => {
  // A spec change to kyc-service (production is blue-green): a new setting in its environment.
  const kycSecrets = '    secrets: [KYC_PROVIDER_API_KEY]\n';
  const changed = compile(REFERENCE.replace(kycSecrets, () => `    env: { KYC_PROVIDER: veriff }\n${kycSecrets}`));

  it('has one place for the change', () => expect(REFERENCE.split(kycSecrets).length).toBe(2));

  it('a spec change to a production ECS service and a new image change one template: its task definition and service, deployed by ECS', () => {
    const before = env(reference, 'production');
    const after = env(changed, 'production');
    const differing = before.plan.stacks.filter((s) => templateText(before, s.name) !== templateText(after, s.name)).map((s) => s.name);
    expect(differing).toEqual(['dex-mobile-v6-production-ecs']);
    const resources = template(after, 'dex-mobile-v6-production-ecs').Resources as Resources;
    const changedIds = Object.keys(resources).filter((id) => JSON.stringify(resources[id]) !== JSON.stringify((template(before, 'dex-mobile-v6-production-ecs').Resources as Resources)[id]));
    expect(changedIds).toEqual(['KycServiceTaskDefinition']);
    // The service that deploys it is in the same template and references it; nothing else has to move.
    const service = resources.KycServiceEcsService!.Properties;
    expect(service.TaskDefinition).toEqual({ Ref: 'KycServiceTaskDefinition' });
    expect(service.DeploymentController).toEqual({ Type: 'ECS' });
    expect((service.DeploymentConfiguration as { Strategy: string }).Strategy).toBe('BLUE_GREEN');
    // A new image is a new ImageTag value for the same template.
    expect(JSON.stringify(resources.KycServiceTaskDefinition)).toContain('${ImageTag}');
    for (const o of [...reference.environments, ...changed.environments]) expect(o.model.resources.filter((r) => r.type.startsWith('AWS::CodeDeploy::'))).toEqual([]);
  });

  it.each([
    ['rolling', 'strategy: rolling', 'ROLLING', {}],
    ['linear', 'strategy: linear, stepPercent: 20, stepBakeMinutes: 3, bakeMinutes: 15', 'LINEAR', { BakeTimeInMinutes: 15, LinearConfiguration: { StepPercent: 20, StepBakeTimeInMinutes: 3 } }],
    ['canary', 'strategy: canary, canaryPercent: 5', 'CANARY', { BakeTimeInMinutes: 30, CanaryConfiguration: { CanaryPercent: 5, CanaryBakeTimeInMinutes: 5 } }],
  ])('strategy %s: the ECS services deploy as the spec asks, and every stack passes the CloudFormation schemas', (_name, strategy, expected, extra) => {
    const out = compile(withStage(`production: { approval: manual, ${strategy}, verify: npm run test:smoke }`));
    const production = env(out, 'production');
    const resources = template(production, 'dex-mobile-v6-production-ecs').Resources as Resources;
    for (const svc of ['AmlService', 'ChartApiService', 'KycService']) {
      const config = resources[`${svc}EcsService`]!.Properties.DeploymentConfiguration as Record<string, unknown>;
      expect(config.Strategy).toBe(expected);
      expect(config).toMatchObject(extra);
      expect(JSON.stringify(resources[`${svc}EcsService`]!.Properties.LoadBalancers).includes('AdvancedConfiguration')).toBe(expected !== 'ROLLING');
    }
    expect(Boolean(resources.EcsLoadBalancerRole)).toBe(expected !== 'ROLLING');
    const all = production.plan.stacks.map((s) => ({ name: s.name, template: template(production, s.name) }));
    for (const t of all) expect(validateTemplate(t.template), t.name).toEqual([]);
    expect(validateStackSet(all)).toEqual([]);
  });

  it('warns (DEX335) where a platform cannot do what the stage asks, at the strategy', () => {
    const yaml = withStage('production: { approval: manual, strategy: canary, verify: npm run test:smoke }');
    const analysis = analyzeSpec(new TextEncoder().encode(yaml), 'dex.yaml', { today: fixedClock });
    const warnings = analysis.diagnostics.filter((d) => d.code === 'DEX335');
    expect(warnings.length).toBe(1);
    expect(warnings[0]!.severity).toBe('warning');
    expect(warnings[0]!.message).toContain('EKS services (blockchain-service) switch colours at once');
    expect(warnings[0]!.message).toContain('EC2 services (monitoring-service) are replaced by a rolling instance update');
    const lines = yaml.split('\n');
    expect(lines[warnings[0]!.line! - 1]!.slice(warnings[0]!.col! - 1)).toMatch(/^canary/);
  });
});

// ---------------------------------------------------------------------------------------------
// release.sh against a fake aws

const FAKE_AWS = String.raw`#!/bin/bash
# Records each call (NUL-separated arguments, one call per line) and answers from $FAKE files:
#   <stack>.status  one status per describe-stacks call (the last one repeats); absent: no stack
#   <stack>.tag     the stack's current ImageTag;  <stack>.template  its current template
#   deploy-exit     exit status of cloudformation deploy (default 0)
for a in "$@"; do printf '%s\0' "$a"; done >> "$FAKE/.calls.aws"; printf '\n' >> "$FAKE/.calls.aws"
command="$1 $2" stack= query=
while [ $# -gt 0 ]; do case "$1" in --stack-name) stack="$2"; shift ;; --query) query="$2"; shift ;; esac; shift; done
case "$command" in
  "cloudformation describe-stacks")
    [ -f "$FAKE/$stack.status" ] || { echo "Stack with id $stack does not exist" >&2; exit 254; }
    case "$query" in
      *StackStatus*) head -n 1 "$FAKE/$stack.status"; if [ "$(wc -l < "$FAKE/$stack.status")" -gt 1 ]; then sed -i 1d "$FAKE/$stack.status"; fi ;;
      *ImageTag*) cat "$FAKE/$stack.tag" 2>/dev/null || echo None ;;
    esac ;;
  "cloudformation get-template") cat "$FAKE/$stack.template" ;;
  "cloudformation deploy") exit "$(cat "$FAKE/deploy-exit" 2>/dev/null || echo 0)" ;;
esac
exit 0
`;

const ECS = 'dex-mobile-v6-production-ecs';
const NETWORK = 'dex-mobile-v6-production-network';

describe.runIf(hasBash)('release.sh deploy-stack and rollback (fake aws on PATH)', () => {
  const production = env(reference, 'production');

  function box(): Sandbox {
    const b = sandbox();
    writeFileSync(join(b.bin, 'aws'), FAKE_AWS);
    writeFileSync(join(b.bin, 'sleep'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(b.bin, 'sleep'), 0o755);
    mkdirSync(join(b.dir, 'out/production/cloudformation'), { recursive: true });
    for (const f of production.files.filter((x) => x.path.startsWith('cloudformation/'))) writeFileSync(join(b.dir, 'out/production', f.path), f.content);
    writeFileSync(join(b.dir, 'release.sh'), reference.release);
    return b;
  }
  const release = (b: Sandbox, ...args: string[]) =>
    runScript(b, `bash release.sh ${args.map(shellArg).join(' ')}\n`, {
      FAKE: b.dir,
      AWS_REGION: 'ap-south-1',
      AWS_ACCOUNT_ID: '123456789012',
      IMAGE_TAG: 'newtag',
      DEX_OUT: 'out',
      DEX_ENVIRONMENT: 'production',
      DEX_CFN_EXEC_ROLE: 'dex-mobile-v6-production-cfn-exec',
      DEX_ARTIFACTS_BUCKET_PREFIX: 'dex-mobile-v6-artifacts', DEX_STACK_PREFIX: 'dex-mobile-v6-production',
      DEX_STATE: join(b.dir, 'state'),
    });
  const deploys = (b: Sandbox): string[][] => b.calls('aws').filter((c) => c[0] === 'cloudformation' && c[1] === 'deploy');
  const option = (call: string[], name: string): string | undefined => (call.includes(name) ? call[call.indexOf(name) + 1] : undefined);

  it('passes ImageTag=IMAGE_TAG to a stack that declares it and nothing to one that does not', () => {
    const b = box();
    expect(release(b, 'deploy-stack', ECS).status).toBe(0);
    expect(release(b, 'deploy-stack', NETWORK).status).toBe(0);
    const [ecs, network] = deploys(b);
    expect(option(ecs!, '--stack-name')).toBe(ECS);
    expect(option(ecs!, '--template-file')).toBe(`out/production/cloudformation/${ECS}.yaml`);
    expect(option(ecs!, '--parameter-overrides')).toBe('ImageTag=newtag');
    expect(ecs).toContain('--no-fail-on-empty-changeset');
    expect(option(ecs!, '--role-arn')).toBe('arn:aws:iam::123456789012:role/dex-mobile-v6-production-cfn-exec');
    expect(option(network!, '--stack-name')).toBe(NETWORK);
    expect(network).not.toContain('--parameter-overrides');
  });

  it('rolls a verified-bad release back to the previous template and ImageTag, newest first', () => {
    const b = box();
    writeFileSync(join(b.dir, `${ECS}.status`), 'UPDATE_COMPLETE\n');
    writeFileSync(join(b.dir, `${ECS}.tag`), 'oldtag\n');
    const previous = `${templateText(production, ECS)}# the previous release\n`;
    writeFileSync(join(b.dir, `${ECS}.template`), previous);
    expect(release(b, 'deploy-stack', ECS).status).toBe(0);
    expect(b.read('state')).toBe(`stack ${ECS} oldtag\n`);
    expect(b.read(`state.${ECS}.yaml`)).toBe(previous);
    expect(release(b, 'rollback').status).toBe(0);
    const [, back] = deploys(b);
    expect(option(back!, '--stack-name')).toBe(ECS);
    expect(option(back!, '--template-file')).toBe(join(b.dir, `state.${ECS}.yaml`));
    expect(option(back!, '--parameter-overrides')).toBe('ImageTag=oldtag');
    expect(b.exists('state')).toBe(false);
  });

  it('has nothing to roll back for a stack this release created', () => {
    const b = box();
    expect(release(b, 'deploy-stack', ECS).status).toBe(0);
    expect(b.exists('state')).toBe(false);
    expect(release(b, 'rollback').status).toBe(0);
    expect(deploys(b).length).toBe(1);
  });

  it('waits past the deploy command’s one-hour waiter and judges the update by the stack’s status', () => {
    const done = box();
    writeFileSync(join(done.dir, 'deploy-exit'), '255\n');
    writeFileSync(join(done.dir, `${ECS}.status`), 'UPDATE_COMPLETE\nUPDATE_IN_PROGRESS\nUPDATE_IN_PROGRESS\nUPDATE_COMPLETE\n');
    expect(release(done, 'deploy-stack', ECS).status).toBe(0);
    const rolledBack = box();
    writeFileSync(join(rolledBack.dir, 'deploy-exit'), '255\n');
    writeFileSync(join(rolledBack.dir, `${ECS}.status`), 'UPDATE_COMPLETE\nUPDATE_ROLLBACK_IN_PROGRESS\nUPDATE_ROLLBACK_COMPLETE\n');
    const r = release(rolledBack, 'deploy-stack', ECS);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('UPDATE_ROLLBACK_COMPLETE');
    // A deploy that failed before changing anything (the stack is still complete) is a failure too.
    const refused = box();
    writeFileSync(join(refused.dir, 'deploy-exit'), '254\n');
    writeFileSync(join(refused.dir, `${ECS}.status`), 'UPDATE_COMPLETE\n');
    expect(release(refused, 'deploy-stack', ECS).status).toBe(1);
  });
});
