// Region rules: a cross-region backup goes to another region.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

export const backupRegionRule: SemanticRule = {
  id: 'backup-region',
  check(spec: NormalizedSpec): Finding[] {
    return Object.values(spec.databases)
      .filter((d) => d.crossRegionBackupTo === spec.region)
      .map((d) => ({
        code: 'DEX318' as const,
        message: `database ${d.name} copies its backups to ${d.crossRegionBackupTo}, which is the region it runs in: a regional outage would take both`,
        path: ['databases', d.name, 'crossRegionBackupTo'],
        hint: `name another region (e.g. the nearest one to ${spec.region}), or remove crossRegionBackupTo`,
      }));
  },
};
