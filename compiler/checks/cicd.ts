// CI/CD rules: each pipeline stage deploys an environment the spec declares; a stage's strategy
// is said plainly where a platform releases another way; a CodePipeline deploys to one account.
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
 * blue-green, linear and canary are ECS deployments that shift load-balancer traffic. EKS services
 * switch colours (two Deployments, the Service selector) for all three: no gradual shift. EC2
 * services are replaced a batch at a time by the Auto Scaling group's rolling update, whatever the
 * strategy. Checked for the stage of the environment being compiled (or every stage of a spec
 * without environments), so each stage is reported once.
 */
export const strategyPlatformRule: SemanticRule = {
  id: 'cicd-strategy-platform',
  check(spec: NormalizedSpec): Finding[] {
    if (!spec.cicd) return [];
    if (spec.environment === undefined && spec.environments.length > 0) return [];
    const stages = spec.cicd.stages.filter((s) => spec.environment === undefined || s.name === spec.environment);
    const names = (placement: string): string[] =>
      Object.values(spec.services)
        .filter((s) => s.placement === placement)
        .map((s) => s.name)
        .sort();
    const findings: Finding[] = [];
    for (const stage of stages) {
      if (stage.strategy === 'rolling') continue;
      const eks = stage.strategy === 'blue-green' ? [] : names('eks');
      const ec2 = names('ec2');
      const parts = [
        ...(eks.length ? [`EKS services (${eks.join(', ')}) switch colours at once instead (blue-green)`] : []),
        ...(ec2.length ? [`EC2 services (${ec2.join(', ')}) are replaced by a rolling instance update instead`] : []),
      ];
      if (parts.length === 0) continue;
      findings.push({
        code: 'DEX335',
        message: `stage ${stage.name} asks for ${stage.strategy}, which only ECS services behind the load balancer get: ${parts.join('; ')}`,
        path: ['cicd', 'stages', stage.name, 'strategy'],
        hint: 'move the services to ECS for gradual traffic shifting, or accept the fallback',
      });
    }
    return findings;
  },
};

/**
 * DEX328: the CodePipeline dex emits runs every stage's projects with roles of its own account
 * (cross-account actions need roles in each target account trusted by the pipeline's, and key and
 * bucket policies granting them its artifact stores, which dex does not emit). Stages whose
 * environments name two accounts are refused at the later environment's `account` (one naming
 * none beside them is DEX403's). Takes every environment's normalized spec: the rule spans them.
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
