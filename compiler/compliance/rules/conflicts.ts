// Where two listed regimes pull apart, dex says so (DEX602) instead of picking one silently.
import type { ComplianceRule } from '../types.js';
import { URL } from './citations.js';
import { GDPR_REVIEW_DAYS } from './gdpr.js';
import { evidence, fail, isEu, isIndian, ofType, prop } from '../util.js';

export const retentionConflict: ComplianceRule = {
  id: 'CONFLICT-GDPR-PMLA-RETENTION',
  title: 'GDPR storage limitation against the PMLA five-year retention floor',
  regimes: ['gdpr', 'pmla'],
  conflict: true,
  citations: {
    gdpr: { clause: 'GDPR Art. 5(1)(e); Art. 17(3)(b)', text: 'keep personal data no longer than necessary; erasure does not apply where a legal obligation requires keeping it', url: URL.gdpr },
    pmla: { clause: 'PMLA 2002 Section 12', text: 'keep transaction and identity records five years', url: URL.pmla },
  },
  severity: 'warning',
  nonProduction: 'skip',
  check(ctx) {
    const days = ctx.spec.monitoring.logs.retentionDays;
    const side = days >= 1827 ? `meets the PMLA floor and exceeds the ${GDPR_REVIEW_DAYS}-day GDPR review threshold` : `stays within GDPR's limit but is below the PMLA floor of 1827 days`;
    return [
      fail(
        `GDPR (keep personal data no longer than necessary) and PMLA (keep records five years) pull apart on log retention: ${days} days ${side}`,
        ['monitoring', 'logs', 'retentionDays'],
        'dex does not choose: keep five years only for the records PMLA covers, record that legal obligation as the basis (GDPR Art. 6(1)(c), 17(3)(b)) in the record of processing, and keep other personal data in logs for less',
        ofType(ctx.model, 'AWS::Logs::LogGroup').map((g) => evidence(g, { RetentionInDays: prop(g, 'RetentionInDays') })),
      ),
    ];
  },
};

export const residencyConflict: ComplianceRule = {
  id: 'CONFLICT-GDPR-RBI-RESIDENCY',
  title: 'RBI localisation in India against GDPR limits on transfers out of the EU',
  regimes: ['gdpr', 'rbi'],
  conflict: true,
  citations: {
    gdpr: { clause: 'GDPR Art. 44-46', text: 'transfers to a third country need an adequacy decision or appropriate safeguards; there is no adequacy decision for India', url: URL.gdpr },
    rbi: { clause: 'RBI Storage of Payment System Data (2018)', text: 'payment data stored only in India', url: URL.rbi },
  },
  severity: 'warning',
  nonProduction: 'skip',
  check(ctx) {
    if (ctx.data.euResidents !== true || ctx.data.payment === false) return [];
    const region = ctx.spec.region;
    const where = isIndian(region) ? `stored in ${region} as RBI requires, so EU residents' data leaves the EU` : isEu(region) ? `stored in ${region} as GDPR prefers, so payment data is outside India` : `stored in ${region}, which satisfies neither`;
    return [
      fail(
        `RBI (payment data only in India) and GDPR (EU residents' data leaves the EU only with safeguards) pull apart: the data is ${where}`,
        ['region'],
        'dex does not choose: keep the system in India for RBI and put standard contractual clauses (GDPR Art. 46(2)(c)) in place for EU residents\' data, or serve EU residents from a separate EU deployment that holds no Indian payment data',
      ),
    ];
  },
};

export const CONFLICT_RULES: readonly ComplianceRule[] = [retentionConflict, residencyConflict];
