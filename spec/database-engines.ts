// What dex knows of each database engine: the versions it ships (checked by DEX700), the version
// CloudFormation is given, the parameter group family, the parameter that forces TLS, the logs it
// can export and the default port. One table, read by the checks and by services/rds.ts, so the
// two never disagree.
//
// Versions are from the RDS and Aurora release calendars (AWS docs, "Supported ... versions",
// read 2026-12). RDS accepts a major version for postgres and mysql and picks the default minor;
// Aurora wants a full version, so dex pins the release that was the default for each major when
// this table was written (AutoMinorVersionUpgrade moves the cluster on from there).

export type DatabaseEngine = 'postgres' | 'mysql' | 'aurora-postgresql' | 'aurora-mysql';

export interface EngineInfo {
  /** Aurora: a DBCluster with DBInstances; otherwise one DBInstance and its replicas. */
  readonly aurora: boolean;
  /** PostgreSQL or MySQL wire protocol (psql or mysql migration task, SQL dialect, IAM grant). */
  readonly protocol: 'postgres' | 'mysql';
  /** The Price List's databaseEngine of the RDS instance (Aurora is not in dex's price book). */
  readonly priceEngine: string;
  /** Human name. */
  readonly label: string;
  /** Major versions dex supports, and the EngineVersion each is emitted as. */
  readonly versions: Readonly<Record<string, string>>;
  readonly defaultVersion: string;
  /** Parameter group family of a major version. */
  readonly family: (major: string) => string;
  /** The parameter that refuses connections without TLS, and its value. */
  readonly tlsParameter: readonly [string, string];
  /** Log types the engine can export to CloudWatch Logs. */
  readonly logTypes: readonly string[];
  /** What dex exports by default when audit.databaseLogs is on. */
  readonly defaultLogs: readonly string[];
  /** The engine's well-known port (FSBP RDS.23 wants another). */
  readonly wellKnownPort: number;
  /** dex's default: the well-known port + 1. */
  readonly defaultPort: number;
}

const POSTGRES_LOGS = ['postgresql', 'upgrade', 'iam-db-auth-error'] as const;
const MYSQL_LOGS = ['error', 'general', 'slowquery', 'audit', 'iam-db-auth-error'] as const;

export const DATABASE_ENGINES: Readonly<Record<DatabaseEngine, EngineInfo>> = {
  postgres: {
    aurora: false,
    protocol: 'postgres',
    priceEngine: 'PostgreSQL',
    label: 'RDS for PostgreSQL',
    versions: { '13': '13', '14': '14', '15': '15', '16': '16', '17': '17' },
    defaultVersion: '16',
    family: (v) => `postgres${v}`,
    tlsParameter: ['rds.force_ssl', '1'],
    logTypes: POSTGRES_LOGS,
    defaultLogs: ['postgresql', 'upgrade'],
    wellKnownPort: 5432,
    defaultPort: 5433,
  },
  mysql: {
    aurora: false,
    protocol: 'mysql',
    priceEngine: 'MySQL',
    label: 'RDS for MySQL',
    versions: { '8.0': '8.0', '8.4': '8.4' },
    defaultVersion: '8.0',
    family: (v) => `mysql${v}`,
    tlsParameter: ['require_secure_transport', '1'],
    logTypes: MYSQL_LOGS,
    defaultLogs: ['error', 'slowquery'],
    wellKnownPort: 3306,
    defaultPort: 3307,
  },
  'aurora-postgresql': {
    aurora: true,
    protocol: 'postgres',
    priceEngine: 'Aurora PostgreSQL',
    label: 'Aurora PostgreSQL',
    versions: { '13': '13.18', '14': '14.15', '15': '15.10', '16': '16.6', '17': '17.4' },
    defaultVersion: '16',
    family: (v) => `aurora-postgresql${v}`,
    tlsParameter: ['rds.force_ssl', '1'],
    logTypes: ['postgresql', 'iam-db-auth-error', 'instance'],
    defaultLogs: ['postgresql'],
    wellKnownPort: 5432,
    defaultPort: 5433,
  },
  'aurora-mysql': {
    aurora: true,
    protocol: 'mysql',
    priceEngine: 'Aurora MySQL',
    label: 'Aurora MySQL',
    versions: { '8.0': '8.0.mysql_aurora.3.08.0' },
    defaultVersion: '8.0',
    family: () => 'aurora-mysql8.0',
    tlsParameter: ['require_secure_transport', 'ON'],
    logTypes: MYSQL_LOGS,
    defaultLogs: ['error', 'slowquery'],
    wellKnownPort: 3306,
    defaultPort: 3307,
  },
};

export const engineInfo = (engine: string): EngineInfo => DATABASE_ENGINES[engine as DatabaseEngine] ?? DATABASE_ENGINES.postgres;

/**
 * Instance classes Aurora runs (AWS docs, "Supported DB engines for DB instance classes", Aurora):
 * the memory-optimized db.r* and the burstable classes from medium up. Not db.m*, not t*.micro/small.
 */
export function auroraRunsClass(instanceClass: string): boolean {
  const m = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(instanceClass);
  if (!m) return false;
  const [, family, size] = m as unknown as [string, string, string];
  if (family.startsWith('r')) return true;
  if (family === 't3' || family === 't4g') return size === 'medium' || size === 'large';
  return false;
}

/** Aurora Serverless v2 capacity: 0 (auto-pause) or 0.5 to 256 ACUs, in steps of 0.5. */
export const ACU = { min: 0, max: 256, step: 0.5 } as const;

/** Performance Insights retention AWS accepts: 7 (free), a multiple of 31 up to 713, or 731. */
export const validPerformanceInsightsRetention = (days: number): boolean => days === 7 || days === 731 || (days % 31 === 0 && days >= 31 && days <= 713);
