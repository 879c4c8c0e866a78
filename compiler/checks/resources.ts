// Resource limits: at least the reservation (a limit below the request is refused by Kubernetes and
// would kill the container on EC2 at start), and only where a platform has them (on Fargate the
// task size is both the reservation and the limit).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

export const resourceLimitsRule: SemanticRule = {
  id: 'resource-limits',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      const { limits } = s.resources;
      if (!limits.given) continue;
      const at = (...rest: string[]) => ['services', s.name, 'resources', 'limits', ...rest];
      if (s.placement === 'ecs') {
        findings.push({
          code: 'DEX383',
          severity: 'warning',
          message: `${s.name} runs on ECS Fargate, where the task size (resources.cpu and memory) is the limit: resources.limits has no effect`,
          path: at(),
          hint: 'remove resources.limits, or raise resources.cpu and memory to what the service may use (Fargate bills the task size)',
        });
        continue;
      }
      if (limits.cpu < s.resources.cpu) {
        findings.push({ code: 'DEX384', severity: 'error', message: `${s.name}'s CPU limit ${limits.cpu} is below its reservation resources.cpu ${s.resources.cpu}`, path: at('cpu'), hint: `set limits.cpu to ${s.resources.cpu} or more, or lower resources.cpu` });
      }
      if (limits.memoryMiB < s.resources.memoryMiB) {
        findings.push({ code: 'DEX384', severity: 'error', message: `${s.name}'s memory limit (${limits.memoryMiB} MiB) is below its reservation resources.memory ${s.resources.memory}`, path: at('memory'), hint: `set limits.memory to ${s.resources.memory} or more, or lower resources.memory` });
      }
    }
    return findings;
  },
};
