// CI/CD rules: each pipeline stage deploys an environment the spec declares.
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
