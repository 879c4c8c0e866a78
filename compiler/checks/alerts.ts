// Alert rules: an alert names services that exist and has exactly one threshold.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';
import type { SemanticRule } from './index.js';

export const alertsRule: SemanticRule = {
  id: 'alerts',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const services = Object.keys(spec.services);
    spec.monitoring.alerts.forEach((alert, i) => {
      (alert.services ?? []).forEach((name, j) => {
        if (Object.hasOwn(spec.services, name)) return;
        const guess = suggest(name, services);
        findings.push({
          code: 'DEX313',
          message: `alert ${alert.name} names service "${name}", which the spec does not declare`,
          path: ['monitoring', 'alerts', i, 'services', j],
          hint: guess ? `did you mean ${guess}?` : `services: ${services.join(', ')}`,
        });
      });
      if ((alert.above === undefined) === (alert.below === undefined)) {
        const both = alert.above !== undefined;
        findings.push({
          code: 'DEX314',
          message: both
            ? `alert ${alert.name} sets both above and below: an alert fires on one side of one threshold`
            : `alert ${alert.name} has no threshold: set above or below`,
          path: ['monitoring', 'alerts', i, ...(both ? ['below'] : [])],
          atKey: both,
          hint: both ? 'keep one of above/below; for a band, write two alerts' : `e.g. above: 80 to fire when ${alert.metric} stays over 80 for ${alert.for}`,
        });
      }
    });
    return findings;
  },
};
