// SOC 2 Trust Services Criteria dex can see: availability of production data, backups,
// monitoring with someone to tell, and approval of changes before production.
import type { Check, ComplianceRule, RuleContext } from '../types.js';
import { URL } from './citations.js';
import { requestLogChecks, trailChecks } from './audit.js';
import { databaseStores, evidence, fail, ofType, pass, prop } from '../util.js';
import { storeBackupChecks } from './stores.js';

export const soc2MultiAz: ComplianceRule = {
  id: 'SOC2-A1.2-MULTI-AZ',
  title: 'Production databases run Multi-AZ',
  regimes: ['soc2'],
  citations: { soc2: { clause: 'SOC 2 A1.2', text: 'environmental protections, software, data back-up processes, and recovery infrastructure are designed, implemented and operated to meet availability objectives', url: URL.soc2 } },
  severity: 'error',
  nonProduction: 'skip',
  check(ctx) {
    const dbs = Object.values(ctx.spec.databases);
    if (dbs.length === 0) return [pass('the spec declares no database', ['databases'])];
    return dbs.map((db) => {
      const r = databaseStores(ctx.model, db.name)[0];
      const ev = r ? [evidence(r, { MultiAZ: prop(r, 'MultiAZ') })] : [];
      return db.multiAz
        ? pass(`database ${db.name} keeps a synchronous standby in a second availability zone`, ['databases', db.name, 'multiAz'], ev)
        : fail(`database ${db.name} runs in one availability zone: a zone outage takes production data offline`, ['databases', db.name, 'multiAz'], 'set multiAz: true for production (staging may stay Single-AZ)', ev);
    });
  },
};

export const soc2Backups: ComplianceRule = {
  id: 'SOC2-A1.2-BACKUPS',
  title: 'Production data is backed up, with a retention period',
  regimes: ['soc2'],
  citations: { soc2: { clause: 'SOC 2 A1.2', text: 'data back-up processes and recovery infrastructure', url: URL.soc2 } },
  severity: 'error',
  nonProduction: 'skip',
  check(ctx) {
    const checks: Check[] = [];
    for (const db of Object.values(ctx.spec.databases)) {
      const rds = databaseStores(ctx.model, db.name);
      const plans = ofType(ctx.model, 'AWS::Backup::BackupPlan').filter((x) => x.component === `database/${db.name}`);
      const ev = [...rds.map((r) => evidence(r, { BackupRetentionPeriod: prop(r, 'BackupRetentionPeriod') })), ...plans.map((p) => evidence(p, { 'BackupPlan.BackupPlanRule': prop(p, 'BackupPlan', 'BackupPlanRule') }))];
      const path = ['databases', db.name, 'backupRetentionDays'];
      if (db.backupRetentionDays === 0) checks.push(fail(`database ${db.name} has no automated backups`, path, 'set backupRetentionDays to 7 or more', ev));
      else if (db.backupRetentionDays < 7) checks.push(fail(`database ${db.name} keeps backups only ${db.backupRetentionDays} days`, path, 'keep at least 7 days of backups in production, so a problem found after a weekend can still be undone', ev, 'warning'));
      else checks.push(pass(`database ${db.name} keeps daily backups ${db.backupRetentionDays} days${db.crossRegionBackupTo ? `, with a copy in ${db.crossRegionBackupTo}` : ''}`, path, ev));
    }
    for (const c of Object.values(ctx.spec.caches)) {
      const r = ofType(ctx.model, 'AWS::ElastiCache::ReplicationGroup').find((x) => x.component === `cache/${c.name}`);
      const ev = r ? [evidence(r, { SnapshotRetentionLimit: prop(r, 'SnapshotRetentionLimit') })] : [];
      checks.push(
        c.snapshotRetentionDays > 0
          ? pass(`cache ${c.name} keeps snapshots ${c.snapshotRetentionDays} day${c.snapshotRetentionDays === 1 ? '' : 's'}`, ['caches', c.name, 'snapshotRetentionDays'], ev)
          : fail(`cache ${c.name} keeps no snapshots: its contents are lost with it`, ['caches', c.name, 'snapshotRetentionDays'], 'set snapshotRetentionDays: 1 or more, or note that the cache is rebuilt from the database', ev, 'warning'),
      );
    }
    checks.push(...storeBackupChecks(ctx));
    return checks.length > 0 ? checks : [pass('the spec declares no database or cache', ['databases'])];
  },
};

/** Alarms exist and notify someone: shared with SEBI's monitoring rule. */
export function alarmChecks(ctx: RuleContext): Check[] {
  // An alarm that only drives a scaling policy (queue-backlog scaling's wake-from-zero, services/queue-scaling.ts)
  // is the scaler's, as the alarms target tracking makes itself are: it watches no anomaly and notifies nobody.
  const policies = new Set(ofType(ctx.model, 'AWS::ApplicationAutoScaling::ScalingPolicy', 'AWS::AutoScaling::ScalingPolicy').map((p) => p.logicalId));
  const scaling = (a: (typeof all)[number]): boolean => {
    const actions = (prop(a, 'AlarmActions') ?? []) as unknown[];
    // A Set lookup per action: a scan of every policy per alarm was quadratic in the services.
    const isPolicyRef = (x: unknown): boolean => {
      const r = x !== null && typeof x === 'object' ? (x as Record<string, unknown>) : undefined;
      return r !== undefined && Object.keys(r).length === 1 && typeof r.Ref === 'string' && policies.has(r.Ref);
    };
    return actions.length > 0 && actions.every(isPolicyRef);
  };
  const all = ofType(ctx.model, 'AWS::CloudWatch::Alarm');
  const alarms = all.filter((a) => !scaling(a));
  const topics = new Set(ofType(ctx.model, 'AWS::SNS::Topic').map((t) => t.logicalId));
  const subscriptions = ofType(ctx.model, 'AWS::SNS::Subscription');
  if (ctx.spec.monitoring.alerts.length === 0 || alarms.length === 0) {
    return [fail(`no alarms are defined: nothing detects an outage or an attack`, ['monitoring', 'alerts'], 'add monitoring.alerts (e.g. http5xxPercent, unhealthyTargets, dbCpu) and monitoring.notify.email')];
  }
  const silent = alarms.filter((a) => !((prop(a, 'AlarmActions') ?? []) as unknown[]).some((x) => JSON.stringify(x).includes('"Ref"') && [...topics].some((t) => JSON.stringify(x).includes(`"${t}"`))));
  if (ctx.spec.monitoring.notify.email === undefined || subscriptions.length === 0) {
    return [fail(`${alarms.length} alarm${alarms.length === 1 ? ' fires' : 's fire'}, but nobody is notified: monitoring.notify names no one`, ['monitoring', 'notify'], 'set monitoring.notify.email to the on-call address', alarms.slice(0, 3).map((a) => evidence(a, { AlarmActions: prop(a, 'AlarmActions') })))];
  }
  if (silent.length > 0) {
    return [fail(`${silent.map((a) => a.logicalId).join(', ')} notify no topic`, silent[0]!.origin, 'every alarm must notify the alarm topic (report it: dex wires them)', silent.map((a) => evidence(a, { AlarmActions: prop(a, 'AlarmActions') })))];
  }
  return [
    pass(`${alarms.length} CloudWatch alarms notify the SNS topic, which emails ${ctx.spec.monitoring.notify.email}`, ['monitoring', 'alerts'], [
      ...alarms.map((a) => evidence(a, { AlarmName: prop(a, 'AlarmName'), AlarmActions: prop(a, 'AlarmActions') })),
      ...subscriptions.map((s) => evidence(s, { Protocol: prop(s, 'Protocol'), Endpoint: prop(s, 'Endpoint') })),
    ]),
  ];
}

export const soc2Alarms: ComplianceRule = {
  id: 'SOC2-CC7.2-ALARMS',
  title: 'Alarms watch the system and notify a named target',
  regimes: ['soc2'],
  citations: { soc2: { clause: 'SOC 2 CC7.2', text: 'the entity monitors system components for anomalies indicative of malicious acts, natural disasters and errors, and analyzes them', url: URL.soc2 } },
  severity: 'error',
  nonProduction: 'warning',
  check: alarmChecks,
};

export const soc2AuditTrail: ComplianceRule = {
  id: 'SOC2-CC7.2-AUDIT-TRAIL',
  title: 'API calls, web requests and database activity are logged, so anomalies can be analyzed',
  regimes: ['soc2'],
  citations: { soc2: { clause: 'SOC 2 CC7.2', text: 'the entity monitors system components for anomalies indicative of malicious acts, natural disasters and errors, and analyzes them', url: URL.soc2 } },
  severity: 'error',
  nonProduction: 'warning',
  check: (ctx) => [...trailChecks(ctx), ...requestLogChecks(ctx)],
};

export const soc2ChangeApproval: ComplianceRule = {
  id: 'SOC2-CC8.1-CHANGE-APPROVAL',
  title: 'Changes are approved before they reach production',
  regimes: ['soc2'],
  citations: { soc2: { clause: 'SOC 2 CC8.1', text: 'the entity authorizes, designs, develops, configures, documents, tests, approves and implements changes', url: URL.soc2 } },
  severity: 'error',
  nonProduction: 'skip',
  check(ctx) {
    const cicd = ctx.spec.cicd;
    if (!cicd) return [fail(`no pipeline is declared: dex cannot show that changes to production are approved`, ['cicd'], 'declare cicd with a production stage that has approval: manual (and reviewers)', [], 'warning')];
    const index = cicd.stages.findIndex((s) => s.name === (ctx.environment ?? ''));
    if (index < 0) return [fail(`the pipeline has no stage for this environment: changes reach it outside the pipeline`, ['cicd', 'stages'], `add a stage named ${ctx.environment ?? 'after the environment'} with approval: manual`, [], 'warning')];
    const stage = cicd.stages[index]!;
    const ev = ofType(ctx.model, 'AWS::CodePipeline::Pipeline').map((p) => evidence(p, { Stages: ((prop(p, 'Stages') ?? []) as { Name?: string }[]).map((s) => s.Name) }));
    if (stage.approval !== 'manual' && stage.deploy !== 'manual') {
      return [fail(`stage ${stage.name} deploys to production with no one's approval`, ['cicd', 'stages', stage.name], 'set approval: manual and name reviewers (e.g. release managers)', ev)];
    }
    const checks: Check[] = [pass(`stage ${stage.name} waits for ${stage.approval === 'manual' ? `a manual approval${stage.reviewers.length ? ` by ${stage.reviewers.join(', ')}` : ''}` : 'a manual deploy'} after ${index > 0 ? `stage ${cicd.stages[index - 1]!.name}` : 'the build'}${cicd.build.test ? ` and the tests (${cicd.build.test})` : ''}`, ['cicd', 'stages', stage.name], ev)];
    if (stage.approval === 'manual' && stage.reviewers.length === 0) {
      checks.push(fail(`stage ${stage.name} asks for approval but names no reviewers: anyone with access can approve`, ['cicd', 'stages', stage.name, 'approval'], 'name reviewers (teams or IAM roles) so approval is segregated from development', [], 'warning'));
    }
    return checks;
  },
};

export const SOC2_RULES: readonly ComplianceRule[] = [soc2MultiAz, soc2Backups, soc2Alarms, soc2AuditTrail, soc2ChangeApproval];
