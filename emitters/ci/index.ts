// The CI/CD system emitter: out/ci/ holds the delivery pipeline of every environment, for the
// spec's `cicd.provider`: a GitHub Actions workflow (plus the environments' setup script), or a
// CodePipeline template with its buildspecs and scripts. Both run out/ci/scripts/release.sh: the
// workflow and the CodeBuild scripts list *what* happens, step by step and per stack or service; the script
// (templates/ci/release.sh, copied as is) holds *how*, so a release does the same thing whichever
// provider runs it. Every change it makes is appended to a state file so `rollback` can undo it.
import type { EmittedFile } from '../../compiler/model/output.js';
import type { SystemEmitInput, SystemEmitter } from '../index.js';
import { emitCodePipeline } from './codepipeline.js';
import { LITERAL_STACK, ciContext } from './context.js';
import { emitGithub } from './github.js';
import { JOBS_SCRIPT, JOBS_SCRIPT_PATH, releaseHasJobs } from './jobs.js';

export const RELEASE_SCRIPT_PATH = 'scripts/release.sh';

export const ciEmitter: SystemEmitter = {
  name: 'ci',
  emit(input: SystemEmitInput): EmittedFile[] {
    const ctx = ciContext(input);
    if (!ctx) return [];
    const files = ctx.cicd.provider === 'github-actions' ? emitGithub(ctx, input.assets.dexAction) : emitCodePipeline(ctx);
    // jobs.sh only where the release runs or applies a job: every other system's out/ci/ is unchanged.
    const jobs = releaseHasJobs(input.environments.map((e) => e.spec)) ? [{ path: JOBS_SCRIPT_PATH, content: JOBS_SCRIPT }] : [];
    const imports = ctx.stages.some((s) => s.spec.network.imported !== undefined);
    const script = imports ? withLiteralSubnets(input.assets.releaseScript) : input.assets.releaseScript;
    return [...files, ...jobs, { path: RELEASE_SCRIPT_PATH, content: script }].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  },
};

/**
 * The one change an imported VPC (network.vpcId) makes to the release script: the migration task's
 * subnets arrive as IDs (stack `-`) rather than logical IDs to look up. Only then, so the script of
 * every spec that creates its VPC stays the template byte for byte.
 */
const SUBNET_LOOKUP = 'id=$(physical_id "$1" "$2"); subnets=';
export function withLiteralSubnets(script: string): string {
  if (!script.includes(SUBNET_LOOKUP)) throw new Error('release.sh: the migrate-database subnet look-up changed; update withLiteralSubnets');
  return script.replace(SUBNET_LOOKUP, `id=$(if [ "$1" = ${LITERAL_STACK} ]; then printf '%s' "$2"; else physical_id "$1" "$2"; fi); subnets=`);
}
