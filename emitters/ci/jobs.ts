// Jobs in the release (kind: job). A `run: before-release` job runs once per environment after the
// data stacks and before the services are updated, and a failed or timed-out run fails the
// release (so it rolls back like any failed step): on ECS `jobs.sh ecs-job` starts its task in the
// release-jobs cluster (services/jobs.ts) and waits for its exit code; on EKS `jobs.sh eks-job`
// starts one Job from the job's suspended CronJob and waits for it to complete or fail. Every EKS
// job's CronJob is applied by the release too (`eks-cronjobs`): release.sh applies the kinds of
// long-running services only, and a CronJob must follow the release's image like a Deployment.
//
// The script is emitted (as out/ci/scripts/jobs.sh) only for a system with jobs, so release.sh
// and every other system's output stay as they are. No value from dex.yaml becomes shell code:
// names and numbers reach the script as quoted words (shellArg), which it checks again.
import { ID } from '../../compiler/model/ids.js';
import { shellArg } from '../../compiler/model/quote.js';
import { serviceAccount } from '../../services/iam.js';
import { beforeReleaseJobs, releaseJobNames, type JobService } from '../../services/jobs.js';
import { isJob, type NormalizedSpec } from '../../spec/model.js';
import { LITERAL_STACK, type DeployStep, type StageContext } from './context.js';

export const JOBS_SCRIPT_PATH = 'scripts/jobs.sh';
const JOBS = 'bash "$DEX_OUT/ci/scripts/jobs.sh"';

/** Whether any environment of the release has a job the release deploys or runs (EKS CronJobs, before-release jobs). */
export const releaseHasJobs = (specs: readonly NormalizedSpec[]): boolean => specs.some((spec) => eksJobs(spec).length > 0 || beforeReleaseJobs(spec).length > 0);

const eksJobs = (spec: NormalizedSpec): JobService[] =>
  Object.values(spec.services)
    .filter((s): s is JobService => s.placement === 'eks' && isJob(s))
    .sort((a, b) => (a.name < b.name ? -1 : 1));

/**
 * The deploy lines with each before-release ECS job right after the last data stack (which holds
 * its new task definition, log group and cluster) and the database migrations, before the
 * stacks that update the services.
 */
export function withReleaseJobs(s: StageContext, lines: string[]): string[] {
  const jobs = beforeReleaseJobs(s.spec).filter((j) => j.placement === 'ecs');
  if (jobs.length === 0) return lines;
  const dataStack = [...s.plan.stacks].reverse().find((st) => st.layer === 'data');
  if (dataStack === undefined) throw new Error(`${s.env}: before-release jobs but no data stack`);
  let at = lines.findIndex((l) => l.endsWith(` deploy-stack ${shellArg(dataStack.name)}`));
  if (at < 0) throw new Error(`no deploy line for ${dataStack.name}`);
  while (lines[at + 1]?.startsWith('bash "$RELEASE" migrate-database ') || lines[at + 1]?.startsWith('bash "$RELEASE" check-secrets ')) at += 1;
  const stackOf = (id: string): string => {
    const stack = s.plan.stackOf.get(id);
    if (stack === undefined) throw new Error(`${id} is in no stack of ${s.env}`);
    return stack;
  };
  const imported = s.spec.network.imported;
  // An imported VPC's subnets are IDs already: `-` tells jobs.sh to take them as they are.
  const subnetArgs = imported
    ? imported.subnets.private.slice(0, s.spec.network.availabilityZones).flatMap((id) => [LITERAL_STACK, id])
    : Array.from({ length: s.spec.network.availabilityZones }, (_, zone) => ID.subnet('private', zone)).flatMap((id) => [stackOf(id), id]);
  const run = jobs.map((j) => {
    const names = releaseJobNames(s.spec, j.name);
    const group = ID.serviceSecurityGroup(j.name);
    const args = [names.cluster, names.family, j.name, String(j.job.timeoutSeconds), stackOf(group), group, ...subnetArgs];
    return `${JOBS} ecs-job ${args.map(shellArg).join(' ')}`;
  });
  return [...lines.slice(0, at + 1), ...run, ...lines.slice(at + 1)];
}

/** After the cluster connection: the jobs' CronJobs, then each before-release EKS job's run, before the EKS services roll. */
export function eksJobSteps(s: StageContext): DeployStep[] {
  const jobs = eksJobs(s.spec);
  if (jobs.length === 0) return [];
  const steps: DeployStep[] = [{ name: `Apply the CronJobs of ${jobs.map((j) => j.name).join(', ')} (EKS jobs)`, run: `${JOBS} eks-cronjobs ${jobs.map((j) => shellArg(serviceAccount(j.name).namespace)).join(' ')}` }];
  for (const j of jobs.filter((x) => x.job.run === 'before-release')) {
    steps.push({ name: `Run the ${j.name} job before the release (EKS Job from its CronJob)`, run: `${JOBS} eks-job ${[serviceAccount(j.name).namespace, j.name, String(j.job.timeoutSeconds)].map(shellArg).join(' ')}` });
  }
  return steps;
}

/** Whether the stage connects to the cluster for jobs alone (no EKS service to roll out). */
export const eksJobsOnly = (s: StageContext): boolean => s.eks.length === 0 && eksJobs(s.spec).length > 0;

/** out/ci/scripts/jobs.sh: how a release runs a job, whichever CI provider runs the release. */
export const JOBS_SCRIPT = `#!/usr/bin/env bash
# Jobs of a dex release (kind: job): runs the before-release jobs and applies the EKS jobs'
# CronJobs. Generated by dex — do not edit. Usage: jobs.sh <command> [args]
#
# Environment (set by the workflow job or the CodeBuild project, as for release.sh):
#   AWS_REGION, DEX_OUT (dex's output directory), DEX_ENVIRONMENT, IMAGE_TAG.
set -euo pipefail

: "\${AWS_REGION:?}"
: "\${DEX_OUT:=out}"

log() { printf '[dex] %s\\n' "$*" >&2; }
# Names arrive from the workflow as quoted words; checked again, so none can carry shell or a flag.
name_ok() { case "$1" in ''|-*|*[!a-z0-9-]*) log "$2 '$1' is not [a-z0-9-]"; exit 1 ;; esac; }
seconds_ok() { case "$1" in ''|*[!0-9]*) log "timeout '$1' is not a whole number of seconds"; exit 1 ;; esac; }
physical_id() {
  aws cloudformation describe-stack-resource --stack-name "$1" --logical-resource-id "$2" \\
    --query StackResourceDetail.PhysicalResourceId --output text
}

# ecs-job CLUSTER FAMILY CONTAINER TIMEOUT GROUP_STACK GROUP_ID [SUBNET_STACK SUBNET_ID]...: runs one
# task of a before-release job (its task definition deployed with the data stacks, so it runs the
# release's image) in the private subnets behind its security group, both looked up in the
# deployed stacks. Stops it after TIMEOUT seconds (timeoutSeconds); fails the release unless its
# container exited 0.
cmd_ecs_job() {
  local cluster="$1" family="$2" container="$3" timeout="$4" group subnets="" id task status code reason deadline
  name_ok "$cluster" cluster; name_ok "$family" 'task definition family'; name_ok "$container" container; seconds_ok "$timeout"
  group=$(physical_id "$5" "$6"); shift 6
  # A subnet of an imported VPC comes as "- subnet-…" (its ID already, network.vpcId).
  while [ "$#" -ge 2 ]; do
    if [ "$1" = - ]; then case "$2" in subnet-*[!0-9a-f]*|subnet-) log "'$2' is not a subnet ID"; exit 1 ;; subnet-*) id="$2" ;; *) log "'$2' is not a subnet ID"; exit 1 ;; esac
    else id=$(physical_id "$1" "$2"); fi
    subnets="\${subnets:+$subnets,}$id"; shift 2
  done
  task=$(aws ecs run-task --cluster "$cluster" --task-definition "$family" --launch-type FARGATE --count 1 \\
    --network-configuration "awsvpcConfiguration={subnets=[$subnets],securityGroups=[$group],assignPublicIp=DISABLED}" \\
    --started-by dex-release --query 'tasks[0].taskArn' --output text)
  if [ -z "$task" ] || [ "$task" = None ]; then log "$family: the job's task did not start (aws ecs run-task reported no task)"; exit 1; fi
  log "$family: $task started, waiting up to \${timeout}s for it to stop"
  deadline=$(( $(date +%s) + timeout ))
  while :; do
    status=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" --query 'tasks[0].lastStatus' --output text)
    if [ "$status" = STOPPED ]; then break; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      aws ecs stop-task --cluster "$cluster" --task "$task" --reason "dex release: timeoutSeconds ($timeout) passed" >/dev/null
      log "$family: still running after \${timeout}s (timeoutSeconds): stopped, and the release stops here"
      exit 1
    fi
    sleep 10
  done
  code=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" \\
    --query "tasks[0].containers[?name=='$container'].exitCode | [0]" --output text)
  if [ "$code" != 0 ]; then
    reason=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" --query 'tasks[0].stoppedReason' --output text)
    log "$family: the job failed (exit code $code; $reason): see its log group, fix it, then run the release again"
    exit 1
  fi
  log "$family: done (exit code 0)"
}

# eks-cronjobs NAMESPACE...: applies the CronJobs of the jobs in these namespaces, with stack
# outputs and IMAGE_TAG filled in as for the Deployments.
cmd_eks_cronjobs() {
  local dir="$DEX_OUT/$DEX_ENVIRONMENT/kubernetes" ns namespaces
  for ns in "$@"; do name_ok "$ns" namespace; done
  namespaces=$(printf '%s\\n' "$@" | jq -R . | jq -sc .)
  (cd "$dir" && sh stack-outputs.sh > stack-outputs.env)
  kubectl kustomize "$dir" | kubectl apply --dry-run=client -o json -f - \\
    | jq --argjson ns "$namespaces" \\
      '(if .kind == "List" then . else {apiVersion: "v1", kind: "List", items: [.]} end)
        | .items |= map(select(.kind == "CronJob" and ((.metadata.namespace // "") as $n | ($ns | index($n)) != null)))' \\
    | kubectl apply -f -
}

# eks-job NAMESPACE CRONJOB TIMEOUT: one run of a before-release job, a Job made from its suspended
# CronJob (just applied, so the release's image). Waits for it to complete; fails the release when
# it fails (its backoffLimit spent, or activeDeadlineSeconds passed) or is not done in time.
cmd_eks_job() {
  local ns="$1" name="$2" timeout="$3" run deadline done failed
  name_ok "$ns" namespace; name_ok "$name" 'CronJob name'; seconds_ok "$timeout"
  run="\${name:0:40}-release-$(date +%s)"
  kubectl -n "$ns" create job "$run" --from="cronjob/$name"
  log "$ns/$run started, waiting up to \${timeout}s"
  deadline=$(( $(date +%s) + timeout + 120 ))
  while :; do
    done=$(kubectl -n "$ns" get job "$run" -o jsonpath='{.status.conditions[?(@.type=="Complete")].status}')
    failed=$(kubectl -n "$ns" get job "$run" -o jsonpath='{.status.conditions[?(@.type=="Failed")].status}')
    if [ "$done" = True ]; then log "$ns/$run: done"; return 0; fi
    if [ "$failed" = True ] || [ "$(date +%s)" -ge "$deadline" ]; then
      kubectl -n "$ns" logs "job/$run" --tail=50 >&2 || true
      log "$ns/$run: the job failed or did not finish in \${timeout}s: fix it, then run the release again"
      exit 1
    fi
    sleep 10
  done
}

command="\${1:-}"
[ "$#" -gt 0 ] && shift
case "$command" in
  ecs-job) cmd_ecs_job "$@" ;;
  eks-cronjobs) cmd_eks_cronjobs "$@" ;;
  eks-job) cmd_eks_job "$@" ;;
  *) log "usage: jobs.sh ecs-job|eks-cronjobs|eks-job [args]"; exit 2 ;;
esac
`;
