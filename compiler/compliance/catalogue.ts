// The rule catalogue: every compliance rule dex runs, in report order. docs/compliance.md lists
// the same rules, one line each (a test keeps them in step).
import { BASELINE_RULES } from './rules/baseline.js';
import { CONFLICT_RULES } from './rules/conflicts.js';
import { GDPR_RULES } from './rules/gdpr.js';
import { INDIA_RULES } from './rules/india.js';
import { PCI_RULES } from './rules/pci-dss.js';
import { SOC2_RULES } from './rules/soc2.js';
import type { ComplianceRule } from './types.js';

export const COMPLIANCE_RULES: readonly ComplianceRule[] = [...BASELINE_RULES, ...PCI_RULES, ...SOC2_RULES, ...GDPR_RULES, ...INDIA_RULES, ...CONFLICT_RULES];
