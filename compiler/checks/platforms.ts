// Platform rules: declared platforms are used, the Kubernetes API is not open to the internet
// by accident, and the Kubernetes version is still supported (and at what price).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

export const unusedPlatformRule: SemanticRule = {
  id: 'unused-platform',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const placements = new Set(Object.values(spec.services).map((s) => s.placement));
    for (const platform of ['eks', 'ecs'] as const) {
      if (!spec.platforms.declared?.[platform] || placements.has(platform)) continue;
      findings.push({
        code: 'DEX317',
        message: `platforms.${platform} is configured, but no service is placed on ${platform}, so dex creates no ${platform === 'eks' ? 'EKS cluster' : 'ECS cluster'} and these settings do nothing`,
        path: ['platforms', platform],
        atKey: true,
        hint: `remove platforms.${platform}, or set placement: ${platform} on the services that should run there`,
      });
    }
    return findings;
  },
};

export const eksEndpointRule: SemanticRule = {
  id: 'eks-endpoint',
  check(spec: NormalizedSpec): Finding[] {
    const eks = spec.platforms.eks;
    if (eks.endpointAccess === 'private' || !Object.values(spec.services).some((s) => s.placement === 'eks')) return [];
    const open = eks.publicAccessCidrs.length === 0 || eks.publicAccessCidrs.includes('0.0.0.0/0');
    if (!open) return [];
    const index = eks.publicAccessCidrs.indexOf('0.0.0.0/0');
    return [
      {
        code: 'DEX323',
        message: `the Kubernetes API endpoint is ${eks.endpointAccess === 'public' ? 'public' : 'public (and private)'} and reachable from any address${eks.publicAccessCidrs.length === 0 ? ' (no publicAccessCidrs)' : ' (0.0.0.0/0)'}`,
        path: index >= 0 ? ['platforms', 'eks', 'publicAccessCidrs', index] : ['platforms', 'eks', 'endpointAccess'],
        hint: 'set endpointAccess: private (reach the API through the VPC or the bastion), or list your office or VPN ranges in publicAccessCidrs',
      },
    ];
  },
};

/** Amazon EKS support calendar: end of standard support, end of extended support (YYYY-MM[-DD]). */
export const EKS_SUPPORT: Readonly<Record<string, { readonly standardEnd: string; readonly extendedEnd: string }>> = {
  '1.30': { standardEnd: '2025-07-23', extendedEnd: '2026-07-23' },
  '1.31': { standardEnd: '2025-11-26', extendedEnd: '2026-11-26' },
  '1.32': { standardEnd: '2026-03-23', extendedEnd: '2027-03-23' },
  '1.33': { standardEnd: '2026-07-29', extendedEnd: '2027-07-29' },
  '1.34': { standardEnd: '2026-12-02', extendedEnd: '2027-12-02' },
  '1.35': { standardEnd: '2027-03', extendedEnd: '2028-03' },
  '1.36': { standardEnd: '2027-07', extendedEnd: '2028-07' },
};

/** True when `today` is after the day (or month) a date names. */
function isPast(date: string, today: Date): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number | undefined];
  // A month-only date means "during that month": it is past from the first day of the next.
  const firstDayAfter = d === undefined ? Date.UTC(y, m, 1) : Date.UTC(y, m - 1, d + 1);
  return today.getTime() >= firstDayAfter;
}

const readable = (date: string): string => {
  const [y, m, d] = date.split('-');
  const month = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][Number(m) - 1];
  return d === undefined ? `${month} ${y}` : `${Number(d)} ${month} ${y}`;
};

/** The EKS version rule, with the date it judges by (the driver passes the clock; tests a fixed date). */
export function eksVersionRule(today: () => Date): SemanticRule {
  return {
    id: 'eks-version',
    check(spec: NormalizedSpec): Finding[] {
      if (!Object.values(spec.services).some((s) => s.placement === 'eks')) return [];
      const version = spec.platforms.eks.version;
      const support = EKS_SUPPORT[version];
      if (!support) return [];
      const now = today();
      const newest = Object.keys(EKS_SUPPORT).filter((v) => !isPast(EKS_SUPPORT[v]!.standardEnd, now)).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
      const upgrade =
        newest.length > 0
          ? `upgrade platforms.eks.version to a version in standard support (${newest.join(', ')}); EKS upgrades a cluster one minor version at a time`
          : 'upgrade platforms.eks.version to a supported release';
      const path = ['platforms', 'eks', 'version'];
      if (isPast(support.extendedEnd, now)) {
        return [
          {
            // A warning, not an error: a spec must not turn invalid on a calendar date alone
            // (CI would break overnight); the warning says what AWS will do instead.
            code: 'DEX321',
            severity: 'warning',
            message: `Kubernetes ${version} left Amazon EKS extended support on ${readable(support.extendedEnd)}: AWS upgrades such clusters to the next minor version automatically, so the running cluster will not match this spec`,
            path,
            hint: upgrade,
          },
        ];
      }
      if (isPast(support.standardEnd, now)) {
        return [
          {
            code: 'DEX321',
            message: `Kubernetes ${version} is past the end of EKS standard support (${readable(support.standardEnd)}): the cluster is billed for extended support (6 times the standard hourly price) until extended support ends on ${readable(support.extendedEnd)}`,
            path,
            hint: upgrade,
          },
        ];
      }
      return [];
    },
  };
}
