// What both CI providers need to know about each stage: its environment, the stacks in deploy
// order, which services are built, promoted and rolled out how, and the release script's settings.
import { posix } from 'node:path';
import { namePrefix } from '../../compiler/model/ids.js';
import { shellArg } from '../../compiler/model/quote.js';
import type { StackPlan } from '../../compiler/stacks.js';
import { builtServices, repositoryName, sameRegistry } from '../../services/ecr.js';
import { artifactsBucketPrefix, cicdNames, stackPrefix } from '../../services/cicd.js';
import { ecsDeploymentStrategy, type EcsDeploymentStrategy } from '../../services/ecs.js';
import { placeholderSecrets, secretHandle } from '../../services/secrets.js';
import { DATABASE_MIGRATION_ID, MIGRATION_CONTAINER, migrationNames } from '../../services/rds.js';
import { ID } from '../../compiler/model/ids.js';
import type { NormalizedCicd, NormalizedSpec, NormalizedStage } from '../../spec/model.js';
import type { SystemEmitInput } from '../index.js';
import { eksJobSteps, eksJobsOnly, withReleaseJobs } from './jobs.js';

export interface StageContext {
  readonly stage: NormalizedStage;
  /** Environment directory under out/ ('default' for a spec without environments). */
  readonly env: string;
  readonly spec: NormalizedSpec;
  readonly plan: StackPlan;
  readonly first: boolean;
  /** The environment's region: its stacks, registry and CI actions are there. */
  readonly region: string;
  /** The environment's account, or undefined for the default one (the repository variable AWS_ACCOUNT_ID). */
  readonly account: string | undefined;
  /** Stack names in deploy order. */
  readonly stacks: readonly string[];
  /** Services whose image CI builds, with their repository (the same name in every registry). */
  readonly images: readonly { service: string; repository: string }[];
  /** ECS services and how ECS deploys them (the stack update rolls them out; no step of their own). */
  readonly ecs: readonly { service: string; strategy: EcsDeploymentStrategy }[];
  readonly eks: readonly string[];
  readonly eksBlueGreen: boolean;
  readonly ec2: readonly string[];
  /** Settings release.sh reads. */
  readonly variables: Readonly<Record<string, string>>;
  /** Gate before the stage: a person approves (approval manual, or deploy manual). */
  readonly gated: boolean;
}

export interface CiContext {
  readonly system: string;
  readonly region: string;
  readonly cicd: NormalizedCicd;
  /** dex's output directory as seen from the repository root. */
  readonly out: string;
  /** Directory of the spec, from the repository root ('.' at the root). */
  readonly specDir: string;
  /** The spec file from the repository root. */
  readonly specFile: string;
  readonly stages: readonly StageContext[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function ciContext(input: SystemEmitInput): CiContext | undefined {
  const base = input.environments[0];
  const cicd = base?.spec.cicd;
  if (!base || !cicd || cicd.stages.length === 0) return undefined;
  const specDir = input.specFile ? posix.dirname(input.specFile.split('\\').join('/')) : '.';
  const out = input.outDir ?? posix.join(specDir, 'out');
  const envOf = (stage: string) => input.environments.find((e) => e.name === stage) ?? input.environments.find((e) => e.name === 'default') ?? base;
  const firstEnv = envOf(cicd.stages[0]!.name);
  const stages = cicd.stages.map((stage, i): StageContext => {
    const e = envOf(stage.name);
    const spec = e.spec;
    const services = Object.values(spec.services).sort((a, b) => byName(a.name, b.name));
    // Jobs have no Deployment to roll out (emitters/ci/jobs.ts runs and applies them).
    const eks = services.filter((s) => s.placement === 'eks' && s.kind !== 'job').map((s) => s.name);
    const variables: Record<string, string> = {
      DEX_ENVIRONMENT: e.name,
      DEX_STACK_PREFIX: stackPrefix(spec),
      DEX_CFN_EXEC_ROLE: cicdNames.cfnExecutionRole(spec),
      DEX_ARTIFACTS_BUCKET_PREFIX: artifactsBucketPrefix(spec.name),
      DEX_ALARM_PREFIX: namePrefix(spec),
    };
    // Promotion copies from the first stage's registry when this environment has its own.
    if (!sameRegistry(spec, firstEnv.spec)) {
      if (firstEnv.spec.account !== undefined) variables.DEX_SOURCE_ACCOUNT = firstEnv.spec.account;
      variables.DEX_SOURCE_REGION = firstEnv.spec.region;
    }
    if (services.some((s) => s.placement === 'eks')) variables.DEX_EKS_CLUSTER = namePrefix(spec);
    return {
      stage,
      env: e.name,
      spec,
      plan: e.plan,
      first: i === 0,
      region: spec.region,
      account: spec.account,
      stacks: e.plan.stacks.map((s) => s.name),
      images: builtServices(spec).map((s) => ({ service: s.name, repository: repositoryName(spec, s.name) })),
      ecs: services.filter((s) => s.placement === 'ecs' && s.kind !== 'job').map((s) => ({ service: s.name, strategy: ecsDeploymentStrategy(spec, s) })),
      eks,
      // linear and canary have no Kubernetes counterpart here: EKS switches colours for them too (DEX335).
      eksBlueGreen: stage.strategy !== 'rolling' && eks.length > 0,
      ec2: services.filter((s) => s.placement === 'ec2').map((s) => s.name),
      variables,
      gated: stage.approval === 'manual' || stage.deploy === 'manual',
    };
  });
  return { system: base.spec.name, region: base.spec.region, cicd, out, specDir, specFile: input.specFile ?? 'dex.yaml', stages };
}

/** Shell lines of a stage's deployment, shared by the workflow steps and the buildspecs. */
export interface DeployStep {
  readonly name: string;
  readonly run: string;
}

export function deploySteps(ctx: CiContext, s: StageContext): DeployStep[] {
  const steps: DeployStep[] = [];
  const r = 'bash "$RELEASE"';
  if (s.images.length) {
    steps.push({ name: 'Log in to ECR', run: `${r} ecr-login` });
    steps.push({
      name: s.first ? `Mark the images released in ${s.env}` : `Promote the images tested in ${ctx.stages[0]!.env} (same digests, no rebuild)`,
      run: s.images.map((i) => `${r} promote ${shellArg(i.repository)}`).join('\n'),
    });
  }
  // The stack update is the release: it rolls the ECS services (and the EC2 instances) out to the
  // new image and waits until they are stable; a failed deployment fails and rolls back the stack.
  steps.push({ name: `Deploy the ${s.env} CloudFormation stacks in deploy order${ecsRollout(s)}`, run: withReleaseJobs(s, withMigrations(s, withSecretsCheck(ctx, s, s.stacks.map((st) => `${r} deploy-stack ${shellArg(st)}`)))).join('\n') });
  if (eksJobsOnly(s)) steps.push({ name: 'Connect to the EKS cluster', run: `${r} kubeconfig` }, ...eksJobSteps(s));
  if (s.eks.length) {
    steps.push({ name: 'Connect to the EKS cluster', run: `${r} kubeconfig` }, ...eksJobSteps(s));
    if (s.eksBlueGreen) {
      steps.push({ name: `Start the new colour of ${s.eks.join(', ')} (EKS, no traffic yet)`, run: `${r} eks-blue-green ${s.eks.map(shellArg).join(' ')}` });
      for (const svc of s.eks) steps.push({ name: `Switch ${svc} traffic to the new colour (Service selector)`, run: `${r} eks-switch ${shellArg(svc)}` });
    } else {
      steps.push({ name: `Roll out ${s.eks.join(', ')} (EKS rolling update)`, run: `${r} eks-rolling ${s.eks.map(shellArg).join(' ')}` });
    }
  }
  return steps;
}

/**
 * The deploy lines with `check-secrets` right after the last security stack (it creates the
 * placeholder secrets) and so before the first stack whose services read them: a placeholder
 * without a value stops the release there, naming it and how to set it.
 */
function withSecretsCheck(ctx: CiContext, s: StageContext, lines: string[]): string[] {
  const placeholders = placeholderSecrets(s.spec);
  const last = s.plan.stacks.map((st) => st.layer).lastIndexOf('security');
  if (placeholders.length === 0 || last < 0) return lines;
  const env = s.spec.environment ?? '';
  const pairs = placeholders.map((p) => `${shellArg(secretHandle(p, placeholders))} ${shellArg(p.name)}`);
  return [...lines.slice(0, last + 1), `bash "$RELEASE" check-secrets ${shellArg(ctx.specFile)} ${env ? shellArg(env) : "''"} ${pairs.join(' ')}`, ...lines.slice(last + 1)];
}

/**
 * The deploy lines with each database's migration task (migrate-database) right after the last
 * data stack (it creates the instances and the task definitions) and before the stacks that roll
 * the services: every service's database user exists before a service connects as it.
 */
/** The stack name release.sh's migrate-database reads as "this subnet is an ID, not a logical ID". */
export const LITERAL_STACK = '-';

/** The stack of the stage that holds a logical ID (a script looks the resource up there). */
export function stackOfIn(s: StageContext): (id: string) => string {
  return (id) => {
    const stack = s.plan.stackOf.get(id);
    if (stack === undefined) throw new Error(`${id} is in no stack of ${s.env}`);
    return stack;
  };
}

/**
 * The private subnets as `stack logicalId` pairs for release.sh and jobs.sh to look up; an imported
 * VPC's subnets are IDs already, passed as `- subnet-…` (withLiteralSubnets in ./index.ts).
 */
export function privateSubnetArgs(s: StageContext): string[] {
  const imported = s.spec.network.imported;
  if (imported) return imported.subnets.private.slice(0, s.spec.network.availabilityZones).flatMap((id) => [LITERAL_STACK, id]);
  const stackOf = stackOfIn(s);
  return Array.from({ length: s.spec.network.availabilityZones }, (_, zone) => ID.subnet('private', zone)).flatMap((id) => [stackOf(id), id]);
}

function withMigrations(s: StageContext, lines: string[]): string[] {
  const dbs = Object.keys(s.spec.databases).sort();
  const last = s.plan.stacks.map((st) => st.layer).lastIndexOf('data');
  if (dbs.length === 0 || last < 0) return lines;
  // Deploy lines are one per stack until the secrets check; find the line of the last data stack.
  const dataStack = s.plan.stacks[last]!.name;
  const at = lines.findIndex((l) => l.endsWith(` deploy-stack ${shellArg(dataStack)}`));
  if (at < 0) throw new Error(`no deploy line for ${dataStack}`);
  const stackOf = stackOfIn(s);
  const subnetArgs = privateSubnetArgs(s);
  const migrate = dbs.map((db) => {
    const names = migrationNames(s.spec, db);
    const group = DATABASE_MIGRATION_ID.securityGroup(db);
    const args = [names.cluster, names.family, MIGRATION_CONTAINER, stackOf(group), group, ...subnetArgs];
    return `bash "$RELEASE" migrate-database ${args.map(shellArg).join(' ')}`;
  });
  return [...lines.slice(0, at + 1), ...migrate, ...lines.slice(at + 1)];
}

/** What the stack update does to the ECS services, for the step's name. */
function ecsRollout(s: StageContext): string {
  if (s.ecs.length === 0) return '';
  const kinds = [...new Set(s.ecs.map((e) => e.strategy.toLowerCase().replace('_', '-')))].sort();
  return ` (ECS ${kinds.join(' and ')} deployments)`;
}

/** Checks after the rollout: the stage's verify command, then the alarms for a while. */
export const ALARM_WATCH_SECONDS = 300;

export function verifySteps(ctx: CiContext, s: StageContext): DeployStep[] {
  const steps: DeployStep[] = [];
  if (s.stage.verify) steps.push({ name: `Verify ${s.env}`, run: [...(ctx.cicd.build.install ? [ctx.cicd.build.install] : []), s.stage.verify].join('\n') });
  if (s.stage.rollbackOnAlarm) steps.push({ name: `Watch the ${s.env} alarms for ${ALARM_WATCH_SECONDS / 60} minutes`, run: `bash "$RELEASE" watch-alarms ${ALARM_WATCH_SECONDS}` });
  return steps;
}

export function finishSteps(s: StageContext): DeployStep[] {
  return s.eksBlueGreen ? [{ name: `Retire the previous colour of ${s.eks.join(', ')}`, run: `bash "$RELEASE" eks-retire ${s.eks.map(shellArg).join(' ')}` }] : [];
}

export const ROLLBACK_STEP: DeployStep = { name: 'Roll back on failure (previous templates and image tag, Service selector)', run: 'bash "$RELEASE" rollback' };

/** A GitHub job or CodePipeline stage name for an environment. */
export function jobId(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-');
}
