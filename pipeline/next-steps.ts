// What to do after `dex emit`, in the order of docs/deploy.md, for what this emit wrote: commit
// the output, bootstrap each account, connect the pipeline, set the placeholder secrets, apply
// the EKS pieces. Paths and names are shown as shell words, ready to paste.
import { shellArg } from '../compiler/model/quote.js';
import type { CompiledEnvironment } from './analyze.js';
import { placeholderCount } from './secrets.js';
import { hasEksCluster } from '../compiler/model/platforms.js';
import { DOMAIN_ID } from '../services/domain.js';

export interface NextStepsInput {
  /** The environments this emit compiled. */
  readonly compiled: readonly CompiledEnvironment[];
  /** The spec and folders as the user reaches them from the current folder. */
  readonly specFile: string;
  readonly outDir: string;
  readonly wroteBootstrap: boolean;
  readonly wroteCi: boolean;
}

/** One step: what and why, then the command to paste (when there is one). */
export interface NextStep {
  readonly what: string;
  readonly command?: string;
}

export function nextSteps(input: NextStepsInput): NextStep[] {
  const first = input.compiled[0];
  if (!first) return [];
  const out = (...parts: string[]): string => shellArg([input.outDir, ...parts].join('/'));
  const spec = shellArg(input.specFile);
  const steps: NextStep[] = [];
  steps.push({ what: 'commit the output: the pipeline deploys what is committed', command: `git add ${spec} ${shellArg(input.outDir)}` });
  if (input.wroteBootstrap) {
    const accounts = [...new Set(input.compiled.map((c) => c.spec.account).filter((a): a is string => a !== undefined))].sort();
    if (accounts.length > 1) {
      for (const a of accounts) steps.push({ what: `bootstrap account ${a} once, with its administrator's credentials`, command: `bash ${out('bootstrap', 'deploy.sh')} ${shellArg(a)}` });
    } else {
      steps.push({ what: 'bootstrap the account once, as an administrator', command: `bash ${out('bootstrap', 'deploy.sh')}` });
    }
  }
  const cicd = first.spec.cicd;
  if (input.wroteCi && cicd?.provider === 'github-actions') {
    // release.yml and dex-pr.yml (the plan comment on pull requests): shellArg leaves the glob unquoted only when the folder needs no quoting.
    const workflows = input.outDir.match(/^[A-Za-z0-9_@%+=:,./-]+$/) ? `${input.outDir}/ci/.github/workflows/*.yml` : `${out('ci', '.github', 'workflows')}/*.yml`;
    steps.push({ what: 'add the release workflow and the pull-request plan workflow (dex-pr.yml) to the repository', command: `mkdir -p .github/workflows && cp ${workflows} .github/workflows/` });
    // The script sets the repository variable AWS_ACCOUNT_ID only for an environment that names no account.
    const needsAccount = input.compiled.some((c) => c.spec.account === undefined);
    steps.push({ what: 'create its GitHub environments and reviewers, as a repository admin', command: `${needsAccount ? 'AWS_ACCOUNT_ID=<your account id> ' : ''}bash ${out('ci', 'setup-github-environments.sh')}` });
  } else if (input.wroteCi && cicd?.provider === 'codepipeline') {
    steps.push({ what: `deploy the pipeline in ${first.spec.region}, then accept its CodeConnections connection in the console`, command: `aws cloudformation deploy --region ${shellArg(first.spec.region)} --stack-name ${shellArg(`${first.spec.name}-pipeline`)} --template-file ${out('ci', 'codepipeline', 'pipeline.yaml')} --capabilities CAPABILITY_NAMED_IAM` });
  } else if (!cicd) {
    const dirs = input.compiled.map((c) => out(c.environment ?? 'default', 'cloudformation')).join(', ');
    steps.push({ what: `no cicd in the spec: push each service's image, then deploy ${dirs} in the deployOrder of each plan.json ("Without GitHub Actions" in docs/deploy.md)` });
  }
  // A zone dex created answers only once the registrar (or the parent zone) delegates to it.
  for (const c of input.compiled) {
    const zone = c.model?.resources.find((r) => r.logicalId === DOMAIN_ID.hostedZone);
    if (zone === undefined || c.spec.ingress.domain === undefined) continue;
    const exportName = `${c.spec.name}-${c.spec.environment ?? 'default'}:${DOMAIN_ID.nameServersOutput}`;
    steps.push({
      what: `once ${c.environment ? `${c.environment}'s` : 'the'} network stack is up, delegate ${c.spec.ingress.domain.name} to its new hosted zone: set these name servers at the registrar (or as an NS record in the parent zone); the ingress stack waits for its certificate until DNS validation sees them`,
      command: `aws cloudformation list-exports --region ${shellArg(c.spec.region)} --query ${shellArg(`Exports[?Name=='${exportName}'].Value`)} --output text`,
    });
  }
  const placeholders = input.compiled
    .map((c) => ({ env: c.environment, count: placeholderCount(c) }))
    .filter((p) => p.count > 0);
  for (const p of placeholders) {
    steps.push({ what: `set ${p.env ? `${p.env}'s ` : 'the '}${p.count} placeholder secret${p.count === 1 ? '' : 's'} when its release stops at check-secrets`, command: `dex secrets list ${spec}${p.env ? ` --env ${shellArg(p.env)}` : ''}` });
  }
  const eks = input.compiled.filter((c) => hasEksCluster(c.spec));
  if (eks.length > 0) {
    steps.push({ what: `once each -eks stack is up, an administrator applies ${eks.map((c) => out(c.environment ?? 'default', 'kubernetes')).join(' and ')} (docs/kubernetes.md)` });
  }
  return steps;
}
