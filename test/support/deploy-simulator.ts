// A first deploy from an empty AWS account, simulated over dex's emitted files: the bootstrap
// script, then the release workflow's jobs in order, step by step, as release.sh would run them.
// The simulated accounts start with nothing; every stack deploy checks that what it needs exists
// (its imports, the bucket a large template goes through, the images its services run, the values
// of the secrets they read, the backup vaults their copies go to, the roles and OIDC provider CI
// assumes), then records what it creates. The first gap is the answer.
import { parse } from 'yaml';
import type { EmittedFile } from '../../compiler/model/output.js';
import { INLINE_TEMPLATE_LIMIT_BYTES } from '../../emitters/bootstrap.js';

// CloudFormation's limit for a template passed inline: the one the bootstrap emitter keeps to.
const INLINE_LIMIT = INLINE_TEMPLATE_LIMIT_BYTES;
const DEFAULT_ACCOUNT = '000000000000';

type Cfn = unknown;
interface Template {
  Parameters?: Record<string, { Default?: unknown }>;
  Resources: Record<string, { Type: string; Properties?: Record<string, Cfn> }>;
  Outputs?: Record<string, { Value: Cfn; Export?: { Name: Cfn } }>;
}

interface Region {
  stacks: Set<string>;
  exports: Map<string, string>;
  buckets: Set<string>;
  /** Repository name → tags pushed, and the accounts its policy lets pull. */
  repositories: Map<string, { tags: Set<string>; pullers: Set<string> }>;
  /** Secret name → has a value. */
  secrets: Map<string, boolean>;
  vaults: Set<string>;
  /** Deployed resources as `<stack>/<logical ID>`, ECS cluster names as `cluster:<name>` and task definition families as `family:<name>` (what migrate-database names). */
  deployed: Set<string>;
  /** CodeBuild project names. */
  projects: Set<string>;
}
interface Account {
  regions: Map<string, Region>;
  roles: Set<string>;
  oidcProvider: boolean;
}

export interface SimulationInput {
  /** out/ as files: `<env>/…`, `bootstrap/…`, `ci/…`. */
  readonly files: readonly EmittedFile[];
  /** The account of environments that name none (the repository variable AWS_ACCOUNT_ID). */
  readonly defaultAccount?: string;
  readonly imageTag?: string;
}

export interface SimulationResult {
  /** What happened, in order (for a failing test's message). */
  readonly log: string[];
  /** The first gap, or undefined when the whole release went through. */
  readonly gap?: string;
  /** Secrets the operator had to set when check-secrets stopped the release. */
  readonly secretsSet: string[];
}

class Gap extends Error {}

export function simulateFirstDeploy(input: SimulationInput): SimulationResult {
  const defaultAccount = input.defaultAccount ?? DEFAULT_ACCOUNT;
  const tag = input.imageTag ?? '0123456789abcdef0123456789abcdef01234567';
  const files = new Map(input.files.map((f) => [f.path, f.content]));
  const accounts = new Map<string, Account>();
  const log: string[] = [];
  const secretsSet: string[] = [];
  const account = (id: string): Account => {
    let a = accounts.get(id);
    if (!a) accounts.set(id, (a = { regions: new Map(), roles: new Set(), oidcProvider: false }));
    return a;
  };
  const region = (acct: string, name: string): Region => {
    const a = account(acct);
    let r = a.regions.get(name);
    if (!r) a.regions.set(name, (r = { stacks: new Set(), exports: new Map(), buckets: new Set(), repositories: new Map(), secrets: new Map(), vaults: new Set(), projects: new Set(), deployed: new Set() }));
    return r;
  };
  const gap = (message: string): never => {
    throw new Gap(message);
  };

  /** Resolves a CloudFormation value to text where it can (Sub, Join, pseudo parameters, imports). */
  const resolver = (acct: string, reg: string, params: Record<string, string>, here: Region) => {
    const resolve = (v: Cfn): string | undefined => {
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return String(v);
      if (v === null || typeof v !== 'object') return undefined;
      const o = v as Record<string, Cfn>;
      if ('Fn::Sub' in o) {
        const [text, vars] = Array.isArray(o['Fn::Sub']) ? (o['Fn::Sub'] as [string, Record<string, Cfn>]) : [o['Fn::Sub'] as string, {}];
        return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
          if (name === 'AWS::AccountId') return acct;
          if (name === 'AWS::Region') return reg;
          if (name === 'AWS::Partition') return 'aws';
          if (name === 'AWS::URLSuffix') return 'amazonaws.com';
          if (name in params) return params[name]!;
          if (vars && name in vars) return resolve(vars[name]) ?? whole;
          return whole;
        });
      }
      if ('Fn::Join' in o) {
        const [sep, parts] = o['Fn::Join'] as [string, Cfn[]];
        const texts = parts.map(resolve);
        return texts.every((t) => t !== undefined) ? texts.join(sep) : undefined;
      }
      if ('Ref' in o) {
        const name = o.Ref as string;
        if (name === 'AWS::AccountId') return acct;
        if (name === 'AWS::Region') return reg;
        return params[name];
      }
      if ('Fn::ImportValue' in o) {
        const name = resolve(o['Fn::ImportValue']);
        return name === undefined ? undefined : here.exports.get(name);
      }
      return undefined;
    };
    return resolve;
  };

  /** Every Fn::ImportValue name in a value. */
  const imports = (v: Cfn, out: string[] = []): string[] => {
    if (Array.isArray(v)) for (const x of v) imports(x, out);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, Cfn>)) {
        if (k === 'Fn::ImportValue' && typeof x === 'string') out.push(x);
        else imports(x, out);
      }
    }
    return out;
  };

  const deployStack = (acct: string, reg: string, stack: string, path: string, how: 'inline' | { bucket: string }, params: Record<string, string>, cfnRole?: string): void => {
    const text = files.get(path) ?? gap(`${stack}: no template at ${path}`);
    const bytes = new TextEncoder().encode(text).length;
    const here = region(acct, reg);
    if (how === 'inline') {
      if (bytes > INLINE_LIMIT) gap(`${stack} (${bytes} bytes) is deployed inline, over CloudFormation's ${INLINE_LIMIT}-byte limit`);
    } else if (bytes > INLINE_LIMIT && !here.buckets.has(how.bucket)) {
      gap(`${stack} (${bytes} bytes) needs the bucket ${how.bucket} in ${acct}/${reg}, which does not exist yet`);
    }
    if (cfnRole !== undefined && !account(acct).roles.has(cfnRole)) gap(`${stack}: the CloudFormation execution role ${cfnRole} does not exist in ${acct}`);
    const template = parse(text, { version: '1.1' }) as Template;
    for (const name of Object.keys(template.Parameters ?? {})) {
      if (!(name in params) && template.Parameters![name]!.Default === undefined) gap(`${stack}: parameter ${name} has no value and no default`);
    }
    for (const name of new Set(imports(template.Resources))) {
      if (!here.exports.has(name)) gap(`${stack} imports ${name}, which no stack deployed before it in ${acct}/${reg} exports`);
    }
    const resolve = resolver(acct, reg, params, here);
    // What the resources need that is not an import.
    for (const [id, r] of Object.entries(template.Resources)) {
      const p = r.Properties ?? {};
      if (r.Type === 'AWS::ECS::TaskDefinition') {
        for (const c of (p.ContainerDefinitions as Record<string, Cfn>[] | undefined) ?? []) {
          const image = resolve(c.Image);
          if (image === undefined) gap(`${stack} ${id}: image ${JSON.stringify(c.Image)} cannot be resolved`);
          needImage(acct, reg, image!, `${stack} ${id}`);
        }
      }
      // A task definition injects secrets, EC2 user data fetches them: either needs their values.
      if (r.Type === 'AWS::ECS::TaskDefinition' || r.Type === 'AWS::EC2::LaunchTemplate') needSecrets(here, r, `${stack} ${id}`, template);
      if (r.Type === 'AWS::EC2::LaunchTemplate') {
        const userData = JSON.stringify(p);
        for (const m of userData.matchAll(/\.dkr\.ecr\.\$\{AWS::Region\}\.\$\{AWS::URLSuffix\}\/([a-z0-9._/-]+):([A-Za-z0-9_.${}-]+)/g)) {
          const t = m[2]! === '${ImageTag}' ? params.ImageTag ?? m[2]! : m[2]!;
          needImage(acct, reg, `${acct}.dkr.ecr.${reg}.amazonaws.com/${m[1]}:${t}`, `${stack} ${id}`);
        }
      }
      if (r.Type === 'AWS::Backup::BackupPlan') {
        for (const rule of ((p.BackupPlan as Record<string, Cfn>).BackupPlanRule as Record<string, Cfn>[]) ?? []) {
          for (const copy of (rule.CopyActions as { DestinationBackupVaultArn: Cfn }[] | undefined) ?? []) {
            const arn = resolve(copy.DestinationBackupVaultArn) ?? gap(`${stack} ${id}: copy destination cannot be resolved`);
            const m = /^arn:aws:backup:([a-z0-9-]+):(\d{12}):backup-vault:(.+)$/.exec(arn) ?? gap(`${stack} ${id}: ${arn} is not a backup vault ARN`);
            if (!region(m[2]!, m[1]!).vaults.has(m[3]!)) gap(`${stack} ${id}: copies go to backup vault ${m[3]} in ${m[1]}, which does not exist`);
          }
        }
      }
    }
    // Created.
    for (const [, r] of Object.entries(template.Resources)) {
      const p = r.Properties ?? {};
      if (r.Type === 'AWS::S3::Bucket') here.buckets.add(resolve(p.BucketName) ?? '?');
      if (r.Type === 'AWS::ECR::Repository') {
        const policy = JSON.stringify(p.RepositoryPolicyText ?? {});
        here.repositories.set(resolve(p.RepositoryName)!, { tags: new Set(), pullers: new Set([...policy.matchAll(/arn:aws:iam::(\d{12}):root/g)].map((m) => m[1]!)) });
      }
      // A pull-through cache rule: the first pull of `<prefix>/<upstream>` creates the repository.
      if (r.Type === 'AWS::ECR::PullThroughCacheRule') here.deployed.add(`cache-prefix:${resolve(p.EcrRepositoryPrefix)!}`);
      if (r.Type === 'AWS::SecretsManager::Secret') here.secrets.set(resolve(p.Name)!, p.SecretString !== undefined || p.GenerateSecretString !== undefined);
      if (r.Type === 'AWS::Backup::BackupVault') here.vaults.add(resolve(p.BackupVaultName)!);
      if (r.Type === 'AWS::IAM::Role' && p.RoleName !== undefined) account(acct).roles.add(resolve(p.RoleName)!);
      if (r.Type === 'AWS::IAM::OIDCProvider') account(acct).oidcProvider = true;
      if (r.Type === 'AWS::CodeBuild::Project') here.projects.add(resolve(p.Name)!);
    }
    for (const o of Object.values(template.Outputs ?? {})) if (o.Export) here.exports.set(resolve(o.Export.Name)!, stack);
    here.stacks.add(stack);
    for (const [id, r] of Object.entries(template.Resources)) {
      here.deployed.add(`${stack}/${id}`);
      if (r.Type === 'AWS::ECS::Cluster' && typeof r.Properties?.ClusterName === 'string') here.deployed.add(`cluster:${r.Properties.ClusterName}`);
      if (r.Type === 'AWS::ECS::TaskDefinition' && typeof r.Properties?.Family === 'string') here.deployed.add(`family:${r.Properties.Family}`);
    }
    log.push(`${acct}/${reg}: deployed ${stack}`);
  };

  const needImage = (acct: string, reg: string, image: string, who: string): void => {
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:]+):(.+)$/.exec(image);
    if (!m) return; // a public image: not dex's to provide
    const there = region(m[1]!, m[2]!);
    const repo = there.repositories.get(m[3]!);
    // Through a pull-through cache of that registry: the upstream image is there, the pull fills it.
    if (!repo && [...there.deployed].some((d) => d.startsWith('cache-prefix:') && m[3]!.startsWith(`${d.slice('cache-prefix:'.length)}/`))) return;
    if (!repo) gap(`${who} runs ${image}: repository ${m[3]} does not exist in ${m[1]}/${m[2]}`);
    if (!repo!.tags.has(m[4]!)) gap(`${who} runs ${image}: no image with tag ${m[4]} has been pushed`);
  };

  const needSecrets = (here: Region, r: Template['Resources'][string], who: string, template: Template): void => {
    // Named by an import of another stack's secret (`<system>-<env>:<LogicalId>`) or a Ref in the template.
    const names: string[] = [];
    const refs = (v: Cfn): void => {
      if (Array.isArray(v)) v.forEach(refs);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, Cfn>;
        if (typeof o.Ref === 'string') {
          const local = template.Resources[o.Ref];
          if (local?.Type === 'AWS::SecretsManager::Secret' && typeof local.Properties?.Name === 'string') names.push(local.Properties.Name);
        }
        Object.values(o).forEach(refs);
      }
    };
    refs(r.Properties ?? {});
    for (const imported of imports(r.Properties ?? {})) {
      const [exporter, logicalId] = imported.split(':');
      for (const [name, id] of secretIds) if (id === logicalId && name.startsWith(`${exporter}/`)) names.push(name);
    }
    for (const name of names) if (here.secrets.get(name) === false) gap(`${who} reads secret ${name}, which has no value yet`);
  };
  /** Secret name → logical ID, learned from the environments' templates. */
  const secretIds = new Map<string, string>();
  for (const [path, text] of files) {
    if (!path.includes('/cloudformation/')) continue;
    const t = parse(text, { version: '1.1' }) as Template;
    for (const [id, r] of Object.entries(t.Resources ?? {})) if (r.Type === 'AWS::SecretsManager::Secret' && typeof r.Properties?.Name === 'string') secretIds.set(r.Properties.Name, id);
  }

  try {
    // 1. The administrator runs out/bootstrap/deploy.sh once per account.
    const script = files.get('bootstrap/deploy.sh') ?? gap('no bootstrap/deploy.sh');
    const prefix = /^BUCKET_PREFIX=(.+)$/m.exec(script)?.[1]?.replace(/^'|'$/g, '') ?? gap('deploy.sh names no bucket prefix');
    const cases = [...script.matchAll(/^ {2}([A-Za-z0-9]+)\)\n([\s\S]*?)^ {4};;$/gm)];
    if (cases.length === 0) gap('deploy.sh deploys nothing');
    for (const [, key, body] of cases) {
      const acct = key === 'default' ? defaultAccount : key!;
      for (const m of body!.matchAll(/^ {4}deploy (\S+) (\S+) (\S+) (inline|bucket)$/gm)) {
        deployStack(acct, m[3]!, m[1]!, `bootstrap/${m[2]}`, m[4] === 'inline' ? 'inline' : { bucket: `${prefix}-${acct}-${m[3]}` }, {});
      }
    }
    // 2. The release workflow, job after job.
    const workflow = files.get('ci/.github/workflows/release.yml');
    if (workflow !== undefined) runWorkflow(parse(workflow) as Workflow);
    else if (files.has('ci/codepipeline/pipeline.yaml')) runPipeline(prefix);
    else runManual(prefix);
    return { log, secretsSet };
  } catch (err) {
    if (err instanceof Gap) return { log, gap: err.message, secretsSet };
    throw err;
  }

  /**
   * No pipeline: docs/deploy.md's manual steps. The operator pushes each image to the registry,
   * deploys the environment's stacks in plan.json's order through the bucket, and sets the
   * placeholder secrets after the security stack.
   */
  function runManual(bucketPrefix: string): void {
    for (const [path, text] of files) {
      const m = /^([^/]+)\/plan\.json$/.exec(path);
      if (!m || m[1] === 'bootstrap' || m[1] === 'ci') continue;
      const plan = JSON.parse(text) as { region: string; stacks: { name: string; layer: string; file: string; deployOrder: number }[] };
      const acct = defaultAccount;
      const here = region(acct, plan.region);
      for (const repo of here.repositories.values()) repo.tags.add(tag);
      const stacks = [...plan.stacks].sort((x, y) => x.deployOrder - y.deployOrder);
      const lastSecurity = stacks.map((st) => st.layer).lastIndexOf('security');
      stacks.forEach((st, i) => {
        deployStack(acct, plan.region, st.name, `${m[1]}/${st.file}`, { bucket: `${bucketPrefix}-${acct}-${plan.region}` }, { ImageTag: tag });
        if (i === lastSecurity) {
          for (const [name, hasValue] of here.secrets) if (!hasValue) (here.secrets.set(name, true), secretsSet.push(`${acct}/${plan.region}: ${name}`));
        }
      });
      log.push(`environment ${m[1]} deployed by hand`);
    }
  }

  /**
   * CodePipeline: the operator deploys out/ci/codepipeline/pipeline.yaml in the pipeline's region
   * (docs/deploy.md), then one execution runs the stages in order: the build projects push the
   * images, each environment stage runs its Deploy project (out/ci/codebuild/deploy-<env>.sh) in
   * the stage's region.
   */
  function runPipeline(bucketPrefix: string): void {
    const text = files.get('ci/codepipeline/pipeline.yaml')!;
    const template = parse(text, { version: '1.1' }) as Template;
    const pipeline = Object.values(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline')!.Properties as {
      Name: string;
      ArtifactStore?: { Location: Cfn };
      ArtifactStores?: { Region: string; ArtifactStore: { Location: Cfn } }[];
      Stages: { Name: string; Actions: { Name: string; Region?: string; ActionTypeId: { Provider: string }; Configuration?: { ProjectName?: Cfn; EnvironmentVariables?: string } }[] }[];
    };
    const acct = defaultAccount;
    const home = pipeline.ArtifactStores?.[0]?.Region ?? /region of its first stage|Deploy the pipeline in ([a-z0-9-]+)/.exec(JSON.stringify(template))?.[1] ?? gap('the pipeline names no region');
    deployStack(acct, home, `${pipeline.Name}-pipeline`, 'ci/codepipeline/pipeline.yaml', { bucket: `${bucketPrefix}-${acct}-${home}` }, {});
    const resolveHere = (reg: string) => resolver(acct, reg, {}, region(acct, reg));
    for (const store of pipeline.ArtifactStores ?? [{ Region: home, ArtifactStore: pipeline.ArtifactStore! }]) {
      const bucket = resolveHere(store.Region)(store.ArtifactStore.Location);
      if (!bucket || !region(acct, store.Region).buckets.has(bucket)) gap(`the pipeline's artifact store in ${store.Region} (${bucket}) does not exist`);
    }
    for (const stage of pipeline.Stages) {
      for (const action of stage.Actions) {
        if (action.ActionTypeId.Provider !== 'CodeBuild') continue;
        const reg = action.Region ?? home;
        const projectRef = action.Configuration!.ProjectName!;
        const actionVars = Object.fromEntries((JSON.parse(action.Configuration!.EnvironmentVariables ?? '[]') as { name: string; value: string }[]).map((v) => [v.name, v.value === '#{SourceVariables.CommitId}' ? tag : v.value]));
        if (typeof projectRef === 'object') {
          // A build project of the pipeline template itself: test, build, push.
          const id = (projectRef as { Ref: string }).Ref;
          const env = Object.fromEntries(((template.Resources[id]!.Properties!.Environment as { EnvironmentVariables: { Name: string; Value: string }[] }).EnvironmentVariables).map((v) => [v.Name, v.Value]));
          release(acct, reg, ['push-image', env.REPOSITORY!], { ...actionVars, ...env });
          continue;
        }
        const name = projectRef as string;
        if (!region(acct, reg).projects.has(name)) gap(`stage ${stage.Name}: CodeBuild project ${name} does not exist in ${reg}`);
        if (action.Name !== 'Deploy') continue;
        const script = files.get(`ci/codebuild/deploy-${stage.Name}.sh`) ?? gap(`stage ${stage.Name}: no ci/codebuild/deploy-${stage.Name}.sh`);
        const vars: Record<string, string> = { ...actionVars, IMAGE_TAG: tag };
        for (const line of script.split('\n')) {
          const exported = /^export ([A-Z_]+)=(.*)$/.exec(line);
          if (exported) vars[exported[1]!] = shellWords(exported[2]!)[0] ?? '';
          if (!line.startsWith('bash "$RELEASE" ')) continue;
          release(acct, reg, shellWords(line.trim()).slice(2), vars);
        }
        if (vars.AWS_REGION !== reg) gap(`stage ${stage.Name}: its script deploys to ${vars.AWS_REGION}, its action runs in ${reg}`);
      }
      log.push(`stage ${stage.Name} done`);
    }
  }

  function runWorkflow(wf: Workflow): void {
    const order = jobOrder(wf.jobs);
    for (const id of order) {
      const job = wf.jobs[id]!;
      const env: Record<string, string> = { IMAGE_TAG: tag, ...stringValues(wf.env), ...stringValues(job.env) };
      const acctOf = (v: string | undefined): string => (v === undefined || v.includes('vars.AWS_ACCOUNT_ID') ? defaultAccount : v);
      const acct = acctOf(env.AWS_ACCOUNT_ID);
      const reg = env.AWS_REGION ?? gap(`job ${id} sets no AWS_REGION`);
      const matrix = job.strategy?.matrix?.include ?? [{}];
      for (const cell of matrix) {
        const vars: Record<string, string> = { ...env };
        for (const [k, v] of Object.entries(job.env ?? {})) {
          const m = /^\$\{\{ matrix\.(\w+) \}\}$/.exec(String(v));
          if (m) vars[k] = String((cell as Record<string, unknown>)[m[1]!]);
        }
        for (const step of job.steps) {
          if (step.uses?.startsWith('aws-actions/configure-aws-credentials')) {
            const role = /:role\/(.+)$/.exec(step.with?.['role-to-assume'] ?? '')?.[1] ?? gap(`job ${id}: no role to assume`);
            if (!account(acct).roles.has(role)) gap(`job ${id} assumes ${role}, which does not exist in ${acct}`);
            if (!account(acct).oidcProvider) gap(`job ${id} assumes ${role} through GitHub OIDC, but ${acct} has no OIDC provider`);
            if (step.with?.['aws-region'] !== reg) gap(`job ${id}: credentials for ${step.with?.['aws-region']}, job region ${reg}`);
          }
          if (step.run === undefined) continue;
          for (const line of step.run.split('\n')) {
            const words = shellWords(line.trim());
            if (words[0] !== 'bash' || words[1] !== '$RELEASE') continue;
            release(acct, reg, words.slice(2).map((w) => w.replace(/^\$(\w+)$/, (_, n: string) => vars[n] ?? `$${n}`)), vars);
          }
        }
      }
      log.push(`job ${id} done`);
    }
  }

  function release(acct: string, reg: string, args: string[], vars: Record<string, string>): void {
    const [cmd, ...rest] = args;
    const here = region(acct, reg);
    const image = vars.IMAGE_TAG ?? tag;
    switch (cmd) {
      case 'push-image': {
        const repo = here.repositories.get(rest[0]!) ?? gap(`push-image ${rest[0]}: no such repository in ${acct}/${reg}`);
        repo.tags.add(image);
        return;
      }
      case 'promote': {
        const repo = here.repositories.get(rest[0]!) ?? gap(`promote ${rest[0]}: no such repository in ${acct}/${reg}`);
        const srcAcct = vars.DEX_SOURCE_ACCOUNT ?? acct;
        const srcReg = vars.DEX_SOURCE_REGION ?? reg;
        if (srcAcct !== acct || srcReg !== reg) {
          const src = region(srcAcct, srcReg).repositories.get(rest[0]!) ?? gap(`promote ${rest[0]}: no repository in the source registry ${srcAcct}/${srcReg}`);
          if (!src.tags.has(image)) gap(`promote ${rest[0]}: ${image} was never pushed to ${srcAcct}/${srcReg}`);
          if (srcAcct !== acct && !src.pullers.has(acct)) gap(`promote ${rest[0]}: the repository in ${srcAcct} does not let ${acct} pull`);
          repo.tags.add(image);
        } else if (!repo.tags.has(image)) gap(`promote ${rest[0]}: ${image} is not in ${acct}/${reg}`);
        repo.tags.add(`release-${vars.DEX_ENVIRONMENT}-${image}`);
        return;
      }
      case 'deploy-stack': {
        const stack = rest[0]!;
        const path = `${vars.DEX_ENVIRONMENT}/cloudformation/${stack}.yaml`;
        const bucket = `${vars.DEX_ARTIFACTS_BUCKET_PREFIX}-${acct}-${reg}`;
        deployStack(acct, reg, stack, path, { bucket }, { ImageTag: image }, vars.DEX_CFN_EXEC_ROLE);
        return;
      }
      case 'check-secrets': {
        const pairs = rest.slice(2);
        const listed = new Set<string>();
        for (let i = 0; i + 1 < pairs.length; i += 2) listed.add(pairs[i + 1]!);
        for (const [name, hasValue] of here.secrets) {
          if (hasValue) continue;
          if (!listed.has(name)) gap(`check-secrets does not check ${name}, a secret with no value`);
          // The release stops here naming it; the operator sets it and runs the release again.
          here.secrets.set(name, true);
          secretsSet.push(`${acct}/${reg}: ${name}`);
        }
        return;
      }
      case 'migrate-database': {
        // The task runs in a cluster, from a family and in a network that earlier stacks created.
        const [cluster, family, , ...located] = rest;
        if (!here.deployed.has(`cluster:${cluster}`)) gap(`migrate-database: cluster ${cluster} is not deployed yet in ${acct}/${reg}`);
        if (!here.deployed.has(`family:${family}`)) gap(`migrate-database: task definition family ${family} is not deployed yet in ${acct}/${reg}`);
        if (located.length < 4 || located.length % 2 !== 0) gap(`migrate-database: expected a security group and subnets as stack/logical-ID pairs, got ${located.join(' ')}`);
        for (let i = 0; i + 1 < located.length; i += 2) {
          // `- subnet-…`: a subnet of an imported VPC, already an ID (release.sh takes it as it is).
          if (located[i] === '-') {
            if (!/^subnet-[0-9a-f]{8,17}$/.test(located[i + 1]!)) gap(`migrate-database: ${located[i + 1]} is not a subnet ID`);
            continue;
          }
          if (!here.deployed.has(`${located[i]}/${located[i + 1]}`)) gap(`migrate-database: ${located[i + 1]} is not in the deployed stack ${located[i]}`);
        }
        return;
      }
      default:
        return; // rollouts, alarms, verification: nothing a first deploy could lack that the stacks did not already check
    }
  }
}

interface Workflow {
  env?: Record<string, unknown>;
  jobs: Record<string, { needs?: string[]; env?: Record<string, unknown>; strategy?: { matrix?: { include?: Record<string, unknown>[] } }; steps: { uses?: string; with?: Record<string, string>; run?: string }[] }>;
}

function stringValues(o: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, String(v)]));
}

function jobOrder(jobs: Workflow['jobs']): string[] {
  const done: string[] = [];
  const visit = (id: string): void => {
    if (done.includes(id)) return;
    for (const n of jobs[id]!.needs ?? []) visit(n);
    done.push(id);
  };
  for (const id of Object.keys(jobs)) visit(id);
  return done;
}

/** Words of one shell line: plain words and '…' quoting (what shellArg writes). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      // An unclosed quote runs to the end of the line (the line is not one dex writes as a call).
      const close = line.indexOf(c, i + 1);
      const end = close === -1 ? line.length : close;
      current += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '\\' && line[i + 1] === "'") {
      current += "'";
      i++;
    } else if (c === ' ') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}
