// India: RBI's payment data localisation, PMLA record keeping, SEBI's cybersecurity framework
// (log retention in India and monitoring, with CERT-In's 2022 directions it builds on).
import type { Check, ComplianceRule } from '../types.js';
import { flowLogChecks, retentionChecks } from './baseline.js';
import { URL } from './citations.js';
import { alarmChecks } from './soc2.js';
import { databaseStores, evidence, fail, INDIAN_REGIONS, isIndian, ofType, pass, prop } from '../util.js';
import { replicaLocations } from './stores.js';

export const rbiLocalisation: ComplianceRule = {
  id: 'RBI-PSD-LOCALISATION',
  title: 'Payment data, its backups and its replicas are stored only in India',
  regimes: ['rbi'],
  citations: { rbi: { clause: 'RBI circular DPSS.CO.OD No.2785/06.08.005/2017-18 (6 April 2018), Storage of Payment System Data, para 2(i)', text: 'the entire data relating to payment systems is stored in a system only in India', url: URL.rbi } },
  severity: 'error',
  nonProduction: 'warning',
  check(ctx) {
    if (ctx.data.payment === false) return [pass('the spec declares no payment data (data.payment: false)', ['data', 'payment'])];
    const { spec } = ctx;
    const stores = ofType(ctx.model, 'AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup', 'AWS::Backup::BackupVault', 'AWS::Logs::LogGroup');
    const checks: Check[] = [];
    const indian = INDIAN_REGIONS.join(' or ');
    checks.push(
      isIndian(spec.region)
        ? pass(`data stores, replicas, logs and local backups are in ${spec.region} (India)`, ['region'], stores.filter((s) => s.type !== 'AWS::Logs::LogGroup').map((s) => evidence(s, { region: spec.region })))
        : fail(`payment data is stored in ${spec.region}, outside India`, ['region'], `deploy payment systems in ${indian}`, stores.slice(0, 3).map((s) => evidence(s, { region: spec.region }))),
    );
    for (const db of Object.values(spec.databases)) {
      if (db.crossRegionBackupTo === undefined) continue;
      const plans = ofType(ctx.model, 'AWS::Backup::BackupPlan').filter((p) => p.component === `database/${db.name}`);
      const ev = plans.map((p) => evidence(p, { 'BackupPlanRule[].CopyActions[].DestinationBackupVaultArn': `…backup:${db.crossRegionBackupTo}:…` }));
      const path = ['databases', db.name, 'crossRegionBackupTo'];
      checks.push(
        isIndian(db.crossRegionBackupTo)
          ? pass(`backup copies of database ${db.name} go to ${db.crossRegionBackupTo} (India)`, path, ev)
          : fail(`database ${db.name} copies its backups to ${db.crossRegionBackupTo}, outside India`, path, `copy backups to another Indian region (${INDIAN_REGIONS.filter((r) => r !== spec.region).join(', ') || indian})`, ev),
      );
    }
    for (const l of replicaLocations(ctx)) {
      checks.push(isIndian(l.region) ? pass(`${l.what} are in ${l.region} (India)`, l.path, l.ev) : fail(`${l.what} are stored in ${l.region}, outside India`, l.path, `replicate to another Indian region (${INDIAN_REGIONS.filter((r) => r !== spec.region).join(', ') || indian})`, l.ev));
    }
    return checks;
  },
};

export const pmlaLogs: ComplianceRule = {
  id: 'PMLA-12-LOG-RETENTION',
  title: 'Audit logs of transactions are kept for the statutory five years',
  regimes: ['pmla'],
  citations: { pmla: { clause: 'PMLA 2002 Section 12, with the PML (Maintenance of Records) Rules 2005', text: 'reporting entities keep records of transactions and of clients\' identity for five years', url: URL.pmla } },
  // dex cannot tell whether the logs are where the statutory records live (often they are in the
  // database): a short retention is a warning to review, not a proven breach.
  severity: 'warning',
  nonProduction: 'skip',
  check: (ctx) => retentionChecks(ctx, 1827, 'app'),
};

export const pmlaRecords: ComplianceRule = {
  id: 'PMLA-12-RECORDS-PROTECTED',
  title: 'Databases holding records are backed up and cannot be deleted by accident',
  regimes: ['pmla'],
  citations: { pmla: { clause: 'PMLA 2002 Section 12', text: 'records maintained for five years in a manner that allows them to be reconstructed', url: URL.pmla } },
  severity: 'error',
  nonProduction: 'skip',
  check(ctx) {
    const checks: Check[] = [];
    for (const db of Object.values(ctx.spec.databases)) {
      const r = databaseStores(ctx.model, db.name)[0];
      const vaults = ofType(ctx.model, 'AWS::Backup::BackupVault').filter((x) => x.component === `database/${db.name}`);
      const ev = [
        ...(r ? [evidence(r, { DeletionProtection: prop(r, 'DeletionProtection'), DeletionPolicy: r.deletionPolicy, BackupRetentionPeriod: prop(r, 'BackupRetentionPeriod') })] : []),
        ...vaults.map((v) => evidence(v, { DeletionPolicy: v.deletionPolicy })),
      ];
      if (!db.deletionProtection) checks.push(fail(`database ${db.name} can be deleted (deletion protection is off): records it holds must survive five years`, ['databases', db.name, 'deletionProtection'], 'set deletionProtection: true', ev));
      else if (db.backupRetentionDays === 0) checks.push(fail(`database ${db.name} has no backups: lost records could not be reconstructed`, ['databases', db.name, 'backupRetentionDays'], 'set backupRetentionDays to 7 or more', ev));
      else checks.push(pass(`database ${db.name} has deletion protection, a final snapshot on deletion and ${db.backupRetentionDays} days of backups${vaults.length ? ' in a retained backup vault' : ''} (backups restore records; the five years are kept in the database itself)`, ['databases', db.name], ev));
    }
    return checks.length > 0 ? checks : [pass('the spec declares no database', ['databases'])];
  },
};

const SEBI = { clause: 'SEBI CSCRF (circular SEBI/HO/ITD-1/ITD_CSC_EXT/P/CIR/2024/113, 20 Aug 2024), Protect: log retention; with CERT-In Directions of 28 April 2022, direction (iv)', url: URL.sebi };

export const sebiLogRetention: ComplianceRule = {
  id: 'SEBI-CSCRF-LOG-RETENTION',
  title: 'Logs are kept at least 180 days',
  regimes: ['sebi'],
  citations: { sebi: { ...SEBI, text: 'a documented log retention policy; ICT system logs kept securely for a rolling 180 days (CERT-In direction (iv), which the CSCRF adopts)' } },
  severity: 'error',
  nonProduction: 'warning',
  check: (ctx) => [...retentionChecks(ctx, 180, 'app'), ...flowLogChecks(ctx, 180).filter((c) => !c.ok || c.message.includes('kept'))],
};

export const sebiLogLocalisation: ComplianceRule = {
  id: 'SEBI-CSCRF-LOG-LOCALISATION',
  title: 'Logs are kept within Indian jurisdiction',
  regimes: ['sebi'],
  citations: { sebi: { ...SEBI, clause: 'CERT-In Directions of 28 April 2022, direction (iv), applied by SEBI CSCRF (2024) data localisation', text: 'logs of ICT systems maintained within the Indian jurisdiction', url: URL.certIn } },
  severity: 'error',
  nonProduction: 'warning',
  check(ctx) {
    const groups = ofType(ctx.model, 'AWS::Logs::LogGroup');
    return [
      isIndian(ctx.spec.region)
        ? pass(`${groups.length} log groups are in ${ctx.spec.region} (India)`, ['region'], groups.map((g) => evidence(g, { region: ctx.spec.region })))
        : fail(`logs are stored in ${ctx.spec.region}, outside India`, ['region'], `run the system in ${INDIAN_REGIONS.join(' or ')}, or ship its logs to an archive there`),
    ];
  },
};

export const sebiMonitoring: ComplianceRule = {
  id: 'SEBI-CSCRF-MONITORING',
  title: 'Continuous monitoring: alarms with a target, flow logs, the Kubernetes audit log',
  regimes: ['sebi'],
  citations: { sebi: { ...SEBI, clause: 'SEBI CSCRF (2024), Detect: continuous security monitoring', text: 'continuous monitoring of systems and networks, with logs collected for detection and alerts acted upon', url: URL.sebi } },
  severity: 'error',
  nonProduction: 'warning',
  check(ctx) {
    const checks: Check[] = [...alarmChecks(ctx), ...flowLogChecks(ctx).filter((c) => !c.ok || c.message.includes('all traffic'))];
    for (const c of ofType(ctx.model, 'AWS::EKS::Cluster')) {
      const ev = [evidence(c, { Logging: prop(c, 'Logging') })];
      checks.push(
        JSON.stringify(prop(c, 'Logging') ?? null).includes('"audit"')
          ? pass(`${c.logicalId} records the Kubernetes audit log`, ['platforms', 'eks', 'logging'], ev)
          : fail(`${c.logicalId} does not record the Kubernetes audit log`, ['platforms', 'eks', 'logging'], 'add audit to platforms.eks.logging', ev),
      );
    }
    return checks;
  },
};

export const INDIA_RULES: readonly ComplianceRule[] = [rbiLocalisation, pmlaLogs, pmlaRecords, sebiLogRetention, sebiLogLocalisation, sebiMonitoring];
