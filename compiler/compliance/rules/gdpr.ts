// GDPR: security of processing (encryption), storage limitation (bounded retention) and
// transfers out of the EU/EEA (where the data and its copies live).
import { replicaLocations } from './stores.js';
import type { Check, ComplianceRule, RuleContext } from '../types.js';
import { atRestChecks, inTransitChecks, tlsChecks } from './baseline.js';
import { URL } from './citations.js';
import { evidence, fail, isEu, ofType, pass, prop } from '../util.js';

/** dex's review threshold for "no longer than necessary": GDPR names no number. */
export const GDPR_REVIEW_DAYS = 365;

/** Regimes that set a log-retention floor above the GDPR review threshold, with their floor. */
export function retentionFloors(ctx: RuleContext): { regime: string; days: number; clause: string }[] {
  const floors: { regime: string; days: number; clause: string }[] = [];
  if (ctx.regimes.has('pmla')) floors.push({ regime: 'pmla', days: 1827, clause: 'PMLA s. 12 (five years)' });
  return floors;
}

export const gdprSecurity: ComplianceRule = {
  id: 'GDPR-32-ENCRYPTION',
  title: 'Personal data is encrypted at rest and in transit',
  regimes: ['gdpr'],
  citations: { gdpr: { clause: 'GDPR Art. 32(1)(a)', text: 'appropriate technical measures, including the encryption of personal data', url: URL.gdpr } },
  severity: 'error',
  nonProduction: 'same',
  check: (ctx) => [...atRestChecks(ctx), ...inTransitChecks(ctx), ...tlsChecks(ctx)],
};

export const gdprRetention: ComplianceRule = {
  id: 'GDPR-5.1.e-RETENTION',
  title: 'Logs (which hold IP addresses and user identifiers) are kept for a bounded, justified period',
  regimes: ['gdpr'],
  citations: { gdpr: { clause: 'GDPR Art. 5(1)(e)', text: 'storage limitation: personal data kept no longer than necessary for the purposes', url: URL.gdpr } },
  severity: 'warning',
  nonProduction: 'same',
  check(ctx) {
    const floors = retentionFloors(ctx);
    const checks: Check[] = [];
    const entries: [string, number, (string | number)[], boolean][] = [
      ['application and platform logs', ctx.spec.monitoring.logs.retentionDays, ['monitoring', 'logs', 'retentionDays'], true],
      ['VPC flow logs', ctx.spec.network.flowLogs.retentionDays, ['network', 'flowLogs', 'retentionDays'], ctx.spec.network.flowLogs.enabled],
    ];
    const groups = ofType(ctx.model, 'AWS::Logs::LogGroup').map((g) => evidence(g, { RetentionInDays: prop(g, 'RetentionInDays') }));
    for (const [what, days, path, on] of entries) {
      if (!on) continue;
      if (days <= GDPR_REVIEW_DAYS) checks.push(pass(`${what} expire after ${days} days`, path, groups));
      else if (floors.length > 0) checks.push(pass(`${what} expire after ${days} days, longer than a year because ${floors.map((f) => f.clause).join(', ')} requires it (see CONFLICT-GDPR-PMLA-RETENTION)`, path, groups));
      else checks.push(fail(`${what} are kept ${days} days, over a year, and no listed regime requires that`, path, `keep them ${GDPR_REVIEW_DAYS} days or less, or record why longer is necessary (GDPR Art. 30 record of processing)`, groups));
    }
    return checks;
  },
};

export const gdprTransfers: ComplianceRule = {
  id: 'GDPR-44-TRANSFERS',
  title: 'Where EU residents\' data is stored (region, backup copies, replicas) is declared, and transfers out of the EU/EEA are reviewed',
  regimes: ['gdpr'],
  citations: { gdpr: { clause: 'GDPR Art. 44-49 (Chapter V)', text: 'transfers of personal data to third countries only under an adequacy decision (Art. 45) or appropriate safeguards (Art. 46)', url: URL.gdpr } },
  severity: 'warning',
  nonProduction: 'skip',
  check(ctx) {
    const { data, spec } = ctx;
    if (data.euResidents === false || data.personal === false) return [pass('the spec declares no personal data of EU/EEA residents', ['data'])];
    const locations: { what: string; region: string; path: (string | number)[]; ev: ReturnType<typeof evidence>[] }[] = [
      { what: `the system (every data store, log and replica)`, region: spec.region, path: ['region'], ev: ofType(ctx.model, 'AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup').map((r) => evidence(r, { region: spec.region })) },
      ...Object.values(spec.databases)
        .filter((db) => db.crossRegionBackupTo !== undefined)
        .map((db) => ({
          what: `backup copies of database ${db.name}`,
          region: db.crossRegionBackupTo!,
          path: ['databases', db.name, 'crossRegionBackupTo'],
          ev: ofType(ctx.model, 'AWS::Backup::BackupPlan').filter((p) => p.component === `database/${db.name}`).map((p) => evidence(p, { 'CopyActions.DestinationBackupVaultArn': JSON.stringify(prop(p, 'BackupPlan', 'BackupPlanRule')).match(/backup:([a-z0-9-]+):/)?.[1] ?? db.crossRegionBackupTo })),
        })),
      ...replicaLocations(ctx),
    ];
    const summary = locations.map((l) => `${l.what}: ${l.region}`).join('; ');
    if (data.euResidents === undefined) {
      return [fail(`the spec does not say whether it holds EU/EEA residents' data, so transfers cannot be checked (data is stored in ${summary})`, ['compliance'], 'declare data: { personal: true|false, euResidents: true|false }', [], 'info')];
    }
    return locations.map((l) =>
      isEu(l.region)
        ? pass(`${l.what} stay${/^(backup|replicas)/.test(l.what) ? '' : 's'} in the EU/EEA (${l.region})`, l.path, l.ev)
        : fail(`${l.what} ${/^(backup|replicas)/.test(l.what) ? 'are' : 'is'} stored in ${l.region}, outside the EU/EEA: a transfer of EU residents' data to review`, l.path, 'record the transfer basis (adequacy decision, or standard contractual clauses under Art. 46) before go-live, or keep EU residents\' data in an eu-* region', l.ev),
    );
  },
};

export const GDPR_RULES: readonly ComplianceRule[] = [gdprSecurity, gdprRetention, gdprTransfers];
