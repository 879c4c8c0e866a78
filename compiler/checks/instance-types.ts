// Instance types: any type the region offers, from dex's catalogue (compiler/model/instance-catalogue.ts),
// rather than a short list. A name the catalogue does not know is an error with the closest names
// (DEX347); a type the region does not offer is an error with the family's sizes it does (DEX348).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';
import { knownInstanceTypes, offeredIn, offeredInFamily } from '../model/instance-types.js';
import type { SemanticRule } from './index.js';

/** Where the spec names an EC2 instance type, with the type. */
function instanceTypeFields(spec: NormalizedSpec): { path: (string | number)[]; instanceType: string }[] {
  const out: { path: (string | number)[]; instanceType: string }[] = [];
  if (spec.network.bastion.enabled) out.push({ path: ['network', 'bastion', 'instanceType'], instanceType: spec.network.bastion.instanceType });
  spec.platforms.eks.nodeGroups.forEach((g, i) => {
    if (g.declared.instanceTypes) g.instanceTypes.forEach((t, j) => out.push({ path: ['platforms', 'eks', 'nodeGroups', i, 'instanceTypes', j], instanceType: t }));
    else out.push({ path: ['platforms', 'eks', 'nodeGroups', i, 'instanceType'], instanceType: g.instanceType });
  });
  spec.platforms.ecs.containerInstances?.instanceTypes.forEach((t, i) => out.push({ path: ['platforms', 'ecs', 'containerInstances', 'instanceTypes', i], instanceType: t }));
  for (const s of Object.values(spec.services)) if (s.instanceType !== undefined) out.push({ path: ['services', s.name, 'instanceType'], instanceType: s.instanceType });
  if (spec.monitoring.prometheus.enabled) out.push({ path: ['monitoring', 'prometheus', 'instanceType'], instanceType: spec.monitoring.prometheus.instanceType });
  if (spec.monitoring.grafana.enabled) out.push({ path: ['monitoring', 'grafana', 'instanceType'], instanceType: spec.monitoring.grafana.instanceType });
  return out;
}

export const instanceTypesRule: SemanticRule = {
  id: 'instance-types',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const { path, instanceType } of instanceTypeFields(spec)) {
      const offered = offeredIn(instanceType, spec.region);
      if (offered === true) continue;
      if (offered === undefined && !knownInstanceTypes().includes(instanceType)) {
        findings.push({ code: 'DEX347', severity: 'error', message: `${instanceType} is not an EC2 instance type dex knows`, path, hint: unknownTypeHint(instanceType) });
        continue;
      }
      if (offered === false) {
        const family = instanceType.split('.')[0]!;
        const sizes = offeredInFamily(family, spec.region);
        findings.push({
          code: 'DEX348',
          severity: 'error',
          message: `${spec.region} does not offer ${instanceType}`,
          path,
          hint: sizes.length ? `${spec.region} offers ${family} as ${sizes.slice(0, 6).join(', ')}${sizes.length > 6 ? ', …' : ''}` : `${spec.region} offers no ${family} type: pick another family, or another region`,
        });
      }
    }
    return findings;
  },
};

/** The right type with another service's prefix (an RDS class, an ElastiCache node type), else the closest name. */
function unknownTypeHint(instanceType: string): string {
  for (const [prefix, what] of [['db.', 'an RDS instance class'], ['cache.', 'an ElastiCache node type']] as const) {
    const bare = instanceType.slice(prefix.length);
    if (instanceType.startsWith(prefix) && knownInstanceTypes().includes(bare)) return `${instanceType} is ${what}; here an EC2 instance type is expected: did you mean ${bare}?`;
  }
  const guess = suggest(instanceType, knownInstanceTypes());
  return guess ? `did you mean ${guess}?` : 'an instance type is family.size, e.g. t3.medium or m7g.large';
}
