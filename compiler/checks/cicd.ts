// CI/CD rules: each pipeline stage deploys an environment the spec declares; a CodePipeline
// deploys to one account.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';
import type { SemanticRule } from './index.js';

export const stagesRule: SemanticRule = {
  id: 'cicd-stages',
  check(spec: NormalizedSpec): Finding[] {
    if (!spec.cicd || spec.environments.length === 0) return [];
    return spec.cicd.stages
      .filter((stage) => !spec.environments.includes(stage.name))
      .map((stage) => {
        const guess = suggest(stage.name, spec.environments) ?? spec.environments.find((e) => e.startsWith(stage.name) || stage.name.startsWith(e));
        return {
          code: 'DEX319' as const,
          message: `pipeline stage ${stage.name} names no environment: the spec declares ${spec.environments.join(', ')}`,
          path: ['cicd', 'stages', stage.name],
          atKey: true,
          hint: guess ? `did you mean ${guess}?` : `rename the stage after an environment, or add ${stage.name} under environments:`,
        };
      });
  },
};

/**
 * DEX328: the CodePipeline dex emits runs every stage's projects with roles of its own account
 * (cross-account actions need roles in each target account trusted by the pipeline's, and key and
 * bucket policies granting them its artifact stores, which dex does not emit). Stages whose
 * environments name two accounts are refused at the later environment's `account`. An environment
 * that names none is deployed to the account of the credentials: not comparable, not refused.
 * Takes every environment's normalized spec: the rule spans environments.
 */
export function checkPipelineAccounts(environments: readonly NormalizedSpec[]): { environment: string; finding: Finding }[] {
  const cicd = environments[0]?.cicd;
  if (cicd?.provider !== 'codepipeline') return [];
  const staged = cicd.stages.flatMap((stage) => environments.filter((e) => e.environment === stage.name && e.account !== undefined));
  const first = staged[0];
  if (first === undefined) return [];
  return staged
    .filter((e) => e.account !== first.account)
    .map((e) => ({
      environment: e.environment!,
      finding: {
        code: 'DEX328' as const,
        message: `cicd.provider codepipeline deploys to one account: environments ${first.environment} and ${e.environment} name different accounts (${first.account} and ${e.account})`,
        path: ['account'],
        hint: `use cicd.provider: github-actions (a deploy role in each account), or deploy ${e.environment} to ${first.account}`,
      },
    }));
}
