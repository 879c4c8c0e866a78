// CI/CD rules: each pipeline stage deploys an environment the spec declares; a stage's strategy
// is said plainly where a platform releases another way.
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
