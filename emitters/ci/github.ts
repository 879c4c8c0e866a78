// GitHub Actions: one release workflow (build → stage 1 → [approval] stage 2 → ...) and a setup
// script for what a workflow cannot set itself (environments, their reviewers and branch rules).
//
// Security shape: no AWS keys anywhere. Jobs get short-lived credentials through GitHub's OIDC
// token (`id-token: write`, aws-actions/configure-aws-credentials with `role-to-assume`). The
// build job's role trusts only the release branch and may only push images; each stage's role
// trusts only `environment:<stage>`, and a job only gets that subject once the environment's
// protection rules (reviewers) let it run. So the approval is the `environment:` of the
// production job itself, not a separate job: a separate approval job could be skipped by editing
// the workflow, the environment's reviewers cannot. Verification and rollback are steps of the
// same job, so they need no second approval and use the same credentials.
import Handlebars from 'handlebars';
import { stringify } from 'yaml';
import type { EmittedFile } from '../../compiler/model/output.js';
import { UnsafeValueError, commentText, githubLiteral, shellArg } from '../../compiler/model/quote.js';
import { cicdNames } from '../../services/cicd.js';
import { ROLLBACK_STEP, deploySteps, finishSteps, jobId, verifySteps, type CiContext, type StageContext } from './context.js';

export const WORKFLOW_PATH = '.github/workflows/release.yml';
export const SETUP_SCRIPT_PATH = 'setup-github-environments.sh';
/** Actions, pinned to their major version (pin to a commit SHA for stricter supply-chain control). */
/**
 * Actions pinned by full commit SHA (a tag can be moved to other code; these jobs hold
 * `id-token: write`), each with the release tag it was taken from, written as a comment after the
 * `uses:` line. The SHAs are those the repositories' v4 tags pointed to when they were pinned.
 */
export const PINNED_ACTIONS = {
  checkout: { uses: 'actions/checkout@11d5960a326750d5838078e36cf38b85af677262', tag: 'v4.4.0' },
  awsCredentials: { uses: 'aws-actions/configure-aws-credentials@7474bc4690e29a8392af63c5b98e7449536d5c3a', tag: 'v4.3.1' },
} as const;
export const ACTIONS = { checkout: PINNED_ACTIONS.checkout.uses, awsCredentials: PINNED_ACTIONS.awsCredentials.uses } as const;

/** `uses: owner/repo@<sha>` lines get their tag as a comment (YAML has no comment on a plain value). */
function tagPinnedActions(yaml: string): string {
  let out = yaml;
  for (const a of Object.values(PINNED_ACTIONS)) out = out.split(`uses: ${a.uses}\n`).join(`uses: ${a.uses} # ${a.tag}\n`);
  return out;
}

type Step = Record<string, unknown>;

/** The account of a stage: its own when the spec names one, else the repository variable. */
const accountOf = (s: Pick<StageContext, 'account'>): string => s.account ?? '${{ vars.AWS_ACCOUNT_ID }}';
const roleArn = (s: StageContext, name: string): string => `arn:aws:iam::${accountOf(s)}:role/${name}`;

function credentials(s: StageContext, role: string, session: string): Step {
  return {
    name: 'AWS credentials (OIDC, no stored keys)',
    uses: ACTIONS.awsCredentials,
    with: { 'role-to-assume': roleArn(s, role), 'role-session-name': `${session}-\${{ github.run_id }}`, 'aws-region': s.region },
  };
}

const checkout: Step = { uses: ACTIONS.checkout, with: { 'persist-credentials': false } };
const run = (name: string, command: string, extra: Step = {}): Step => ({ name, ...extra, run: command });

function buildJob(ctx: CiContext): Record<string, unknown> | undefined {
  const first = ctx.stages[0]!;
  if (first.images.length === 0) return undefined;
  const include = first.images.map((i) => {
    const s = first.spec.services[i.service]!;
    const context = joinPath(ctx.specDir, s.build.context);
    // GitHub evaluates ${{ }} inside matrix values; the steps read them as "$CONTEXT" etc. (env).
    return {
      service: githubLiteral(i.service, 'service name'),
      repository: githubLiteral(i.repository, 'repository name'),
      context: githubLiteral(context, 'build.context'),
      dockerfile: githubLiteral(joinPath(context, s.build.dockerfile), 'build.dockerfile'),
      platform: s.architecture === 'arm64' ? 'linux/arm64' : 'linux/amd64',
    };
  });
  const { install, test } = ctx.cicd.build;
  const steps: Step[] = [checkout];
  // install and test are the spec author's commands (code by design); an expression in them would
  // still be evaluated by GitHub before the shell sees it, with the workflow's context.
  if (install) steps.push(run('Install', githubLiteral(install, 'cicd.build.install'), { 'working-directory': '${{ matrix.context }}' }));
  if (test) steps.push(run('Test', githubLiteral(test, 'cicd.build.test'), { 'working-directory': '${{ matrix.context }}' }));
  steps.push(credentials(first, cicdNames.buildRole(first.spec), 'build'));
  steps.push(run('Log in to ECR', 'bash "$RELEASE" ecr-login'));
  steps.push(run('Build the image', 'docker build --platform "$PLATFORM" --file "$DOCKERFILE" --tag "$REPOSITORY:$IMAGE_TAG" "$CONTEXT"'));
  steps.push(run(`Push to ${first.env}'s ECR repository`, 'bash "$RELEASE" push-image "$REPOSITORY"'));
  if (ctx.cicd.scan) steps.push(run('Scan gate (ECR scan: no CRITICAL or HIGH findings)', 'bash "$RELEASE" scan-gate "$REPOSITORY"'));
  return {
    name: 'Build, test, scan and push ${{ matrix.service }}',
    'runs-on': 'ubuntu-latest',
    permissions: { contents: 'read', 'id-token': 'write' },
    'timeout-minutes': 60,
    strategy: { 'fail-fast': true, matrix: { include } },
    env: {
      SERVICE: '${{ matrix.service }}',
      REPOSITORY: '${{ matrix.repository }}',
      CONTEXT: '${{ matrix.context }}',
      DOCKERFILE: '${{ matrix.dockerfile }}',
      PLATFORM: '${{ matrix.platform }}',
      AWS_ACCOUNT_ID: accountOf(first),
      AWS_REGION: first.region,
    },
    steps,
  };
}

function stageJob(ctx: CiContext, s: StageContext, needs: string | undefined): Record<string, unknown> {
  const strategy = s.stage.strategy;
  const steps: Step[] = [checkout, credentials(s, cicdNames.deployRole(s.spec), `deploy-${jobId(s.env)}`)];
  for (const st of [...deploySteps(ctx, s), ...verifySteps(ctx, s), ...finishSteps(s)]) steps.push(run(githubLiteral(st.name, 'step name'), githubLiteral(st.run, 'step command')));
  steps.push(run(ROLLBACK_STEP.name, ROLLBACK_STEP.run, { if: 'failure() || cancelled()' }));
  return {
    name: `${s.gated ? `${s.env}: approve, then` : `${s.env}:`} deploy (${strategy}), verify`,
    ...(needs ? { needs: [needs] } : {}),
    'runs-on': 'ubuntu-latest',
    // The environment is the approval gate: its required reviewers (setup-github-environments.sh)
    // must approve before this job starts, and only then can it assume the environment's role.
    environment: { name: s.env },
    concurrency: { group: `${ctx.system}-${s.env}`, 'cancel-in-progress': false },
    permissions: { contents: 'read', 'id-token': 'write' },
    'timeout-minutes': 180,
    // Each stage in its own account and region: its stacks, registry and bucket are there.
    env: { AWS_ACCOUNT_ID: accountOf(s), AWS_REGION: s.region, ...Object.fromEntries(Object.entries(s.variables).map(([k, v]) => [k, githubLiteral(v, k)])) },
    steps,
  };
}

function workflow(ctx: CiContext): string {
  const jobs: Record<string, unknown> = {};
  const build = buildJob(ctx);
  let previous: string | undefined;
  if (build) jobs[(previous = 'build')] = build;
  for (const s of ctx.stages) {
    const id = jobId(s.env);
    jobs[id] = stageJob(ctx, s, previous);
    previous = id;
  }
  const doc = {
    name: `Release ${ctx.system}`,
    on: { push: { branches: [githubLiteral(ctx.cicd.source.branch, 'cicd.source.branch')] }, workflow_dispatch: {} },
    permissions: {},
    // One release at a time per branch; a queued one waits rather than cancelling a deployment.
    concurrency: { group: `${ctx.system}-release-\${{ github.ref }}`, 'cancel-in-progress': false },
    env: { IMAGE_TAG: '${{ github.sha }}', DEX_OUT: ctx.out, RELEASE: `${ctx.out}/ci/scripts/release.sh` },
    jobs,
  };
  const flow = [...(build ? ['build'] : []), ...ctx.stages.map((s) => `${s.gated ? `[approval] ` : ''}${s.env} (${s.stage.strategy})`)].join(' → ');
  const header = [
    `# Release workflow of ${commentText(ctx.system)}: ${commentText(flow)}.`,
    `# Generated by dex from the spec's cicd section — do not edit. Copy to ${WORKFLOW_PATH} at the root`,
    `# of ${commentText(ctx.cicd.source.repository)}; run ${SETUP_SCRIPT_PATH} once to create the environments and reviewers.`,
    ctx.stages.every((st) => st.account !== undefined)
      ? '# No secrets and no variables: AWS access is OIDC only, each stage in the account the spec names.'
      : '# Needs the repository variable AWS_ACCOUNT_ID; no secrets: AWS access is OIDC only.',
    '# Deploy the bootstrap first (bash out/bootstrap/deploy.sh): it holds the roles this workflow assumes.',
  ];
  return `${header.join('\n')}\n${tagPinnedActions(stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }))}`;
}

const SETUP = Handlebars.compile(
  `#!/usr/bin/env bash
# Creates the GitHub environments of {{systemComment}}'s release workflow, with their protection rules.
# A workflow cannot set these itself: run once (and after changing the stages) with the GitHub
# CLI, authenticated as a repository admin. Generated by dex — do not edit.
#   bash setup-github-environments.sh
set -euo pipefail
REPO={{repository}}
{{#if accountVariable}}gh variable set AWS_ACCOUNT_ID --repo "$REPO" --body "\${AWS_ACCOUNT_ID:?set AWS_ACCOUNT_ID to the AWS account id}"
{{/if}}
# reviewer ID: a user login, or org/team for a team.
reviewer() {
  case "$1" in
    */*) printf '{"type":"Team","id":%s}' "$(gh api "orgs/\${1%%/*}/teams/\${1#*/}" --jq .id)" ;;
    *) printf '{"type":"User","id":%s}' "$(gh api "users/\${1#@}" --jq .id)" ;;
  esac
}
environment() { # name, reviewers...
  local name="$1"; shift
  local list="" r
  for r in "$@"; do list="\${list:+$list,}$(reviewer "$r")"; done
  gh api -X PUT "repos/$REPO/environments/$name" --input - <<JSON
{"reviewers":[\${list}],"prevent_self_review":true,"deployment_branch_policy":{"protected_branches":false,"custom_branch_policies":true}}
JSON
  gh api -X POST "repos/$REPO/environments/$name/deployment-branch-policies" -f name={{branch}} -f type=branch >/dev/null 2>&1 || true
}
{{#each stages}}

# {{comment}}: {{#if gated}}a reviewer must approve before the job runs{{else}}deploys without approval{{/if}}; only {{../branchComment}} may deploy.
{{#if gated}}{{#if reviewers.length}}environment {{name}}{{#each reviewers}} {{this}}{{/each}}{{else}}environment {{name}} {{fallback}}{{/if}}{{else}}environment {{name}}{{/if}}
{{/each}}
`,
  // Escaping is off because the output is shell, not HTML: every value below arrives already
  // quoted for where it lands (shellArg for words, commentText for comment lines).
  { noEscape: true, strict: true },
);

function setupScript(ctx: CiContext): string {
  return SETUP({
    systemComment: commentText(ctx.system),
    // Stages that name their account need no variable: the workflow has their role ARNs.
    accountVariable: ctx.stages.some((s) => s.account === undefined),
    repository: shellArg(ctx.cicd.source.repository),
    // One word `name=<branch>`: gh reads the field, no shell sees the branch.
    branch: shellArg(ctx.cicd.source.branch),
    branchComment: commentText(ctx.cicd.source.branch),
    stages: ctx.stages.map((s) => ({ name: shellArg(s.env), comment: commentText(s.env), gated: s.gated, reviewers: s.stage.reviewers.map(shellArg), fallback: reviewersVariable(s.env) })),
  });
}

/** Stages the spec gives no reviewers: the script takes them from <STAGE>_REVIEWERS (space-separated). */
function reviewersVariable(env: string): string {
  // Unquoted on purpose (the list splits into words), so the text inside ${…:?…} must be plain.
  if (!/^[A-Za-z0-9_-]+$/.test(env)) throw new UnsafeValueError('environment name', env, 'it is expanded by the shell in the reviewers fallback');
  const name = `${env.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_REVIEWERS`;
  return `\${${name}:?set ${name} to the reviewers of ${env}, e.g. "alice my-org/release-managers"}`;
}

function joinPath(a: string, b: string): string {
  const parts = `${a}/${b}`.split('/').filter((p) => p !== '' && p !== '.');
  return parts.length ? parts.join('/') : '.';
}

export const PR_WORKFLOW_PATH = '.github/workflows/dex-pr.yml';

/** A path as a GitHub `paths:` filter that matches only it: the filter's special characters escaped. */
export function pathFilter(path: string): string {
  return githubLiteral(path.replace(/[\\*?+[\]!]/g, (c) => `\\${c}`), 'spec path');
}

/**
 * The pull-request workflow: on a pull request that changes the spec, the dex Action plans it
 * against the base branch, writes the full plan to the job summary and posts one comment (updated
 * on every push) that leads with the monthly cost change and what is added, changed, replaced or
 * destroyed. Read-only but for the comment: no AWS access at all (the baseline is the spec at the
 * base branch, compiled by dex). A pull request from a fork gets a read-only token: it gets the
 * job summary, no comment.
 */
function prWorkflow(ctx: CiContext, dexAction: string): string {
  const doc = {
    name: `dex plan ${githubLiteral(ctx.system, 'system name')}`,
    on: { pull_request: { paths: [pathFilter(ctx.specFile)] } },
    permissions: {},
    // A newer push makes the running plan moot.
    concurrency: { group: `${githubLiteral(ctx.system, 'system name')}-dex-plan-\${{ github.event.pull_request.number }}`, 'cancel-in-progress': true },
    jobs: {
      plan: {
        name: `Plan ${githubLiteral(ctx.specFile, 'spec path')}`,
        'runs-on': 'ubuntu-latest',
        permissions: { contents: 'read', 'pull-requests': 'write' },
        'timeout-minutes': 15,
        steps: [
          // The whole history: the baseline is the spec on the base branch (git:origin/<base>).
          { uses: ACTIONS.checkout, with: { 'persist-credentials': false, 'fetch-depth': 0 } },
          {
            name: 'dex plan against the base branch',
            uses: githubLiteral(dexAction, 'dex action'),
            with: {
              spec: githubLiteral(ctx.specFile, 'spec path'),
              comment: '${{ github.event.pull_request.head.repo.full_name == github.repository }}',
            },
          },
        ],
      },
    },
  };
  const header = [
    `# Pull-request plan of ${commentText(ctx.system)}: for a pull request that changes ${commentText(ctx.specFile)}, one comment`,
    '# (updated on every push) with the monthly cost change against the base branch and what is added, changed,',
    '# replaced or destroyed; the full plan in the job summary. Generated by dex from the spec\'s cicd section — do',
    `# not edit. Copy to ${PR_WORKFLOW_PATH} at the root of ${commentText(ctx.cicd.source.repository)}. No secrets and no AWS access.`,
  ];
  const yaml = tagPinnedActions(stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })).split(`uses: ${dexAction}\n`).join(`uses: ${dexAction} # the dex release that wrote this workflow\n`);
  return `${header.join('\n')}\n${yaml}`;
}

export function emitGithub(ctx: CiContext, dexAction: string): EmittedFile[] {
  return [
    { path: WORKFLOW_PATH, content: workflow(ctx) },
    { path: PR_WORKFLOW_PATH, content: prWorkflow(ctx, dexAction) },
    { path: SETUP_SCRIPT_PATH, content: setupScript(ctx) },
  ];
}
