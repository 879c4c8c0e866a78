// The audit layer is on by default. PCI DSS (Req. 10.2.1) and SOC 2 (CC7.2) need every part of it,
// so turning one off under them is an error at the switch; elsewhere it is a documented opt-out,
// which needs a reason an auditor (or the next engineer) can read.
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

export const AUDIT_PARTS = ['trail', 'wafLogs', 'albAccessLogs', 'databaseLogs'] as const;
export type AuditPart = (typeof AUDIT_PARTS)[number];

const WHAT: Readonly<Record<AuditPart, string>> = {
  trail: 'the CloudTrail trail of API calls',
  wafLogs: 'the WAF request log',
  albAccessLogs: 'the load balancer access log',
  databaseLogs: 'the database log exports',
};

export const auditRule: SemanticRule = {
  id: 'audit',
  check(spec: NormalizedSpec): Finding[] {
    const off = AUDIT_PARTS.filter((p) => !spec.audit[p]);
    if (off.length === 0) return [];
    const requiring = spec.compliance.filter((r) => r === 'pci-dss' || r === 'soc2');
    if (requiring.length > 0) {
      return off.map((p) => ({
        code: 'DEX360',
        message: `audit.${p} is false, but ${requiring.join(' and ')} ${requiring.length === 1 ? 'requires' : 'require'} ${WHAT[p]} (PCI DSS 10.2.1, SOC 2 CC7.2)`,
        path: ['audit', p],
        hint: `remove audit.${p}: false (it is on by default)`,
      }));
    }
    if (spec.audit.reason !== undefined && spec.audit.reason.trim() !== '') return [];
    return off.map((p) => ({
      code: 'DEX361',
      message: `audit.${p} is false without audit.reason: turning off ${WHAT[p]} is an opt-out that needs a documented reason`,
      path: ['audit', p],
      hint: 'add audit.reason: why this log is not kept, or remove the line',
    }));
  },
};
