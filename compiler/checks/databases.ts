// Database rules a schema cannot express: the version and instance class each engine has, Aurora
// Serverless v2 capacity, log types per engine, maintenance and backup windows, storage IOPS and
// throughput within AWS's ranges, options that do not apply to Aurora, and Performance Insights
// retention; a free-storage alert over Aurora. Codes DEX700–DEX709.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedDatabase, NormalizedSpec } from '../../spec/model.js';
import { auroraRunsClass, engineInfo, validPerformanceInsightsRetention } from '../../spec/database-engines.js';
import type { SemanticRule } from './index.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
/** AWS: both windows last at least 30 minutes. */
const WINDOW_MIN_MINUTES = 30;

/** `hh:mm` as minutes of the day, or undefined. */
function clock(text: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** A weekly window `ddd:hh:mm-ddd:hh:mm` as [start, end) minutes of the week (end may pass the week's end). */
export function parseMaintenanceWindow(text: string): [number, number] | undefined {
  const m = /^([a-z]{3}):(\d\d:\d\d)-([a-z]{3}):(\d\d:\d\d)$/.exec(text.toLowerCase());
  if (!m) return undefined;
  const d1 = DAYS.indexOf(m[1] as (typeof DAYS)[number]);
  const d2 = DAYS.indexOf(m[3] as (typeof DAYS)[number]);
  const t1 = clock(m[2]!);
  const t2 = clock(m[4]!);
  if (d1 < 0 || d2 < 0 || t1 === undefined || t2 === undefined) return undefined;
  const start = d1 * MINUTES_PER_DAY + t1;
  let end = d2 * MINUTES_PER_DAY + t2;
  if (end <= start) end += MINUTES_PER_WEEK;
  return [start, end];
}

/** A daily window `hh:mm-hh:mm` as [start, end) minutes of the day (end may pass midnight). */
export function parseBackupWindow(text: string): [number, number] | undefined {
  const m = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(text);
  if (!m) return undefined;
  const start = clock(m[1]!);
  const end0 = clock(m[2]!);
  if (start === undefined || end0 === undefined) return undefined;
  return [start, end0 <= start ? end0 + MINUTES_PER_DAY : end0];
}

/** Whether the daily backup window meets the weekly maintenance window on any day. */
export function windowsOverlap(backup: [number, number], maintenance: [number, number]): boolean {
  for (let day = -1; day <= 7; day++) {
    const b0 = backup[0] + day * MINUTES_PER_DAY;
    const b1 = backup[1] + day * MINUTES_PER_DAY;
    for (const shift of [0, MINUTES_PER_WEEK, -MINUTES_PER_WEEK]) {
      if (b0 < maintenance[1] + shift && maintenance[0] + shift < b1) return true;
    }
  }
  return false;
}

function versionFindings(d: NormalizedDatabase, at: (string | number)[]): Finding[] {
  const info = engineInfo(d.engine);
  if (Object.hasOwn(info.versions, d.version)) return [];
  const known = Object.keys(info.versions);
  return [{ code: 'DEX700', message: `database ${d.name}: ${info.label} has no version ${d.version} that dex supports`, path: [...at, 'version'], hint: `use one of ${known.map((v) => `"${v}"`).join(', ')} (default "${info.defaultVersion}")` }];
}

function auroraFindings(d: NormalizedDatabase, at: (string | number)[]): Finding[] {
  const info = engineInfo(d.engine);
  const out: Finding[] = [];
  if (!info.aurora) {
    if (d.serverless) out.push({ code: 'DEX702', message: `database ${d.name}: serverless: is Aurora Serverless v2, and ${info.label} is not Aurora`, path: [...at, 'serverless'], hint: `set engine: aurora-${info.protocol === 'mysql' ? 'mysql' : 'postgresql'}, or remove serverless:` });
    return out;
  }
  if (d.serverless) {
    if (d.serverless.minAcu > d.serverless.maxAcu) {
      out.push({ code: 'DEX702', message: `database ${d.name}: serverless.minAcu ${d.serverless.minAcu} is above maxAcu ${d.serverless.maxAcu}`, path: [...at, 'serverless', 'minAcu'], hint: `lower minAcu to ${d.serverless.maxAcu} or less, or raise maxAcu` });
    }
  } else if (!auroraRunsClass(d.instanceClass)) {
    out.push({ code: 'DEX701', message: `database ${d.name}: ${info.label} does not run on ${d.instanceClass}`, path: [...at, 'instanceClass'], hint: 'use a db.r* class (db.r6g.large, db.r7g.large), db.t4g.medium or db.t3.medium, or serverless: { minAcu, maxAcu }' });
  }
  if (d.maxStorageGiB !== undefined) out.push({ code: 'DEX707', message: `database ${d.name}: maxStorageGiB does not apply to Aurora, whose storage grows by itself`, path: [...at, 'maxStorageGiB'], hint: 'remove maxStorageGiB' });
  if (d.storage.type !== 'gp3' || d.storage.iops !== undefined || d.storage.throughputMiBps !== undefined) {
    out.push({ code: 'DEX707', message: `database ${d.name}: storage: is for RDS instances; Aurora's cluster volume has no type, IOPS or throughput to set`, path: [...at, 'storage'], hint: 'remove storage:' });
  }
  if (d.backupRetentionDays === 0) out.push({ code: 'DEX707', message: `database ${d.name}: Aurora always keeps automated backups (1 to 35 days), so backupRetentionDays cannot be 0`, path: [...at, 'backupRetentionDays'], hint: 'set backupRetentionDays to 1 or more (7 is the default)' });
  return out;
}

function logFindings(d: NormalizedDatabase, at: (string | number)[]): Finding[] {
  const info = engineInfo(d.engine);
  return (d.logExports ?? []).flatMap((kind, i) =>
    info.logTypes.includes(kind) ? [] : [{ code: 'DEX703' as const, message: `database ${d.name}: ${info.label} exports no ${kind} log`, path: [...at, 'logExports', i], hint: `${info.label} exports ${info.logTypes.join(', ')}` }],
  );
}

function windowFindings(d: NormalizedDatabase, at: (string | number)[]): Finding[] {
  const out: Finding[] = [];
  const maintenance = d.maintenanceWindow === undefined ? undefined : parseMaintenanceWindow(d.maintenanceWindow);
  const backup = d.backupWindow === undefined ? undefined : parseBackupWindow(d.backupWindow);
  if (d.maintenanceWindow !== undefined && maintenance === undefined) {
    out.push({ code: 'DEX704', message: `database ${d.name}: maintenanceWindow "${d.maintenanceWindow}" is not ddd:hh24:mi-ddd:hh24:mi`, path: [...at, 'maintenanceWindow'], hint: 'e.g. sun:03:00-sun:04:00 (UTC; days mon tue wed thu fri sat sun)' });
  } else if (maintenance && maintenance[1] - maintenance[0] < WINDOW_MIN_MINUTES) {
    out.push({ code: 'DEX704', message: `database ${d.name}: maintenanceWindow lasts ${maintenance[1] - maintenance[0]} minutes, and RDS wants at least ${WINDOW_MIN_MINUTES}`, path: [...at, 'maintenanceWindow'], hint: 'make it 30 minutes or longer' });
  }
  if (d.backupWindow !== undefined && backup === undefined) {
    out.push({ code: 'DEX704', message: `database ${d.name}: backupWindow "${d.backupWindow}" is not hh24:mi-hh24:mi`, path: [...at, 'backupWindow'], hint: 'e.g. 01:00-01:30 (UTC)' });
  } else if (backup && backup[1] - backup[0] < WINDOW_MIN_MINUTES) {
    out.push({ code: 'DEX704', message: `database ${d.name}: backupWindow lasts ${backup[1] - backup[0]} minutes, and RDS wants at least ${WINDOW_MIN_MINUTES}`, path: [...at, 'backupWindow'], hint: 'make it 30 minutes or longer' });
  }
  if (maintenance && backup && windowsOverlap(backup, maintenance)) {
    out.push({ code: 'DEX705', message: `database ${d.name}: backupWindow ${d.backupWindow} overlaps maintenanceWindow ${d.maintenanceWindow}, and RDS refuses windows that overlap`, path: [...at, 'backupWindow'], hint: 'move one of them (both are UTC)' });
  }
  return out;
}

/**
 * AWS's ranges for RDS storage (RDS user guide, "Amazon RDS DB instance storage"): io1 and io2
 * need IOPS, 1,000 to 256,000, at most 50 (io1) or 1,000 (io2) per GiB; gp3 takes IOPS and
 * throughput only from 400 GiB (below it both are fixed at the baseline), 12,000 to 64,000 IOPS
 * and 500 to 4,000 MiB/s, with throughput at most IOPS / 4; throughput is gp3's only.
 */
function storageFindings(d: NormalizedDatabase, at: (string | number)[]): Finding[] {
  if (engineInfo(d.engine).aurora) return [];
  const out: Finding[] = [];
  const { type, iops, throughputMiBps } = d.storage;
  const path = [...at, 'storage'];
  if (type === 'io1' || type === 'io2') {
    if (iops === undefined) out.push({ code: 'DEX706', message: `database ${d.name}: ${type} storage needs iops`, path: [...path, 'type'], hint: `set storage.iops (1000 to ${Math.min(256000, d.storageGiB * (type === 'io1' ? 50 : 1000))} for ${d.storageGiB} GiB)` });
    else {
      const perGiB = type === 'io1' ? 50 : 1000;
      if (iops > d.storageGiB * perGiB) out.push({ code: 'DEX706', message: `database ${d.name}: ${iops} IOPS is more than ${type} allows on ${d.storageGiB} GiB (${perGiB} per GiB)`, path: [...path, 'iops'], hint: `lower iops to ${d.storageGiB * perGiB} or raise storageGiB to ${Math.ceil(iops / perGiB)}` });
    }
    if (throughputMiBps !== undefined) out.push({ code: 'DEX706', message: `database ${d.name}: throughputMiBps is set by gp3 storage only; ${type} throughput follows its IOPS`, path: [...path, 'throughputMiBps'], hint: 'remove throughputMiBps' });
    return out;
  }
  if (iops === undefined && throughputMiBps === undefined) return out;
  if (d.storageGiB < 400) {
    out.push({ code: 'DEX706', message: `database ${d.name}: gp3 below 400 GiB has a fixed 3,000 IOPS and 125 MiB/s; ${d.storageGiB} GiB cannot be given more`, path: [...path, iops !== undefined ? 'iops' : 'throughputMiBps'], hint: 'raise storageGiB to 400 or more, or remove storage.iops and storage.throughputMiBps' });
    return out;
  }
  if (iops !== undefined && (iops < 12000 || iops > 64000)) out.push({ code: 'DEX706', message: `database ${d.name}: gp3 from 400 GiB takes 12,000 to 64,000 IOPS, not ${iops}`, path: [...path, 'iops'], hint: 'set iops between 12000 and 64000' });
  if (throughputMiBps !== undefined && (throughputMiBps < 500 || throughputMiBps > 4000)) out.push({ code: 'DEX706', message: `database ${d.name}: gp3 from 400 GiB takes 500 to 4,000 MiB/s, not ${throughputMiBps}`, path: [...path, 'throughputMiBps'], hint: 'set throughputMiBps between 500 and 4000' });
  const effectiveIops = iops ?? 12000;
  if (throughputMiBps !== undefined && throughputMiBps > effectiveIops / 4) out.push({ code: 'DEX706', message: `database ${d.name}: gp3 throughput is at most a quarter of its IOPS (${effectiveIops / 4} MiB/s at ${effectiveIops} IOPS)`, path: [...path, 'throughputMiBps'], hint: `lower throughputMiBps to ${effectiveIops / 4} or raise iops to ${throughputMiBps * 4}` });
  return out;
}

function performanceInsightsFindings(d: NormalizedDatabase, at: (string | number)[]): Finding[] {
  const days = d.performanceInsightsDays;
  if (days === undefined || validPerformanceInsightsRetention(days)) return [];
  const month = Math.max(1, Math.round(days / 31));
  return [{ code: 'DEX708', message: `database ${d.name}: Performance Insights keeps data 7 days, a number of months (31 days each, up to 713) or 731 days, not ${days}`, path: [...at, 'performanceInsights', 'retentionDays'], hint: `use 7, ${Math.min(23, month) * 31} or 731` }];
}

/** A free-storage alert watches no Aurora database: the cluster volume grows by itself and has no FreeStorageSpace. */
function alertFindings(spec: NormalizedSpec): Finding[] {
  const aurora = Object.values(spec.databases).filter((d) => engineInfo(d.engine).aurora).map((d) => d.name).sort();
  if (aurora.length === 0) return [];
  return spec.monitoring.alerts.flatMap((alert, i) =>
    alert.metric === 'dbFreeStorageGiB'
      ? [{ code: 'DEX709' as const, severity: 'warning' as const, message: `alert ${alert.name}: dbFreeStorageGiB does not watch ${aurora.join(', ')}: Aurora storage grows by itself (up to 128 TiB) and has no free-storage metric`, path: ['monitoring', 'alerts', i, 'metric'], hint: 'keep it for the RDS databases; for Aurora watch dbCpu or dbConnections' }]
      : [],
  );
}

export const databasesRule: SemanticRule = {
  id: 'databases',
  check(spec: NormalizedSpec): Finding[] {
    return [
      ...Object.values(spec.databases).flatMap((d) => {
        const at = ['databases', d.name];
        return [...versionFindings(d, at), ...auroraFindings(d, at), ...logFindings(d, at), ...windowFindings(d, at), ...storageFindings(d, at), ...performanceInsightsFindings(d, at)];
      }),
      ...alertFindings(spec),
    ];
  },
};
