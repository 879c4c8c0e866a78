// Platform rules: declared platforms are used, the Kubernetes API is not open to the internet
// by accident, and the Kubernetes version is still supported (and at what price).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';
import { hasEksCluster } from '../model/platforms.js';

export const unusedPlatformRule: SemanticRule = {
  id: 'unused-platform',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const placements = new Set(Object.values(spec.services).map((s) => s.placement));
    for (const platform of ['eks', 'ecs'] as const) {
      if (!spec.platforms.declared?.[platform] || placements.has(platform) || (platform === 'eks' && spec.platforms.eks.create === 'always')) continue;
      findings.push({
        code: 'DEX317',
        message: `platforms.${platform} is configured, but no service is placed on ${platform}, so dex creates no ${platform === 'eks' ? 'EKS cluster' : 'ECS cluster'} and these settings do nothing`,
        path: ['platforms', platform],
        atKey: true,
        hint: `remove platforms.${platform}, or set placement: ${platform} on the services that should run there${platform === 'eks' ? ', or platforms.eks.create: always for a cluster whose workloads other tools deploy' : ''}`,
      });
    }
    return findings;
  },
};

export const eksEndpointRule: SemanticRule = {
  id: 'eks-endpoint',
  check(spec: NormalizedSpec): Finding[] {
    const eks = spec.platforms.eks;
    if (eks.endpointAccess === 'private' || !hasEksCluster(spec)) return [];
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

/**
 * What dex knows about clusters that already run, per environment directory (out/<env>): the
 * Kubernetes version of the EKS cluster in the last emit's plan.json. A cli adapter reads it
 * (cli/adapters/baselines.ts); the rule stays a pure function of the spec and these inputs.
 */
export type ExistingEksClusters = Readonly<Record<string, string>>;

const minorOf = (version: string): number => Number(version.split('.')[1]);

/** The versions an upgrade from `from` to `to` passes through, `to` included (one minor at a time). */
export function upgradeSteps(from: string, to: string): string[] {
  const steps: string[] = [];
  for (let m = minorOf(from) + 1; m <= minorOf(to); m++) steps.push(`1.${m}`);
  return steps;
}

/**
 * The version a spec's cluster already runs, when one exists: its environment's, or for the base
 * spec of a spec with environments (not deployed itself) the oldest of its environments'.
 */
function existingVersion(spec: NormalizedSpec, existing: ExistingEksClusters): { version: string; where: string } | undefined {
  const key = spec.environment ?? (existing.default !== undefined ? 'default' : Object.keys(existing).sort((a, b) => minorOf(existing[a]!) - minorOf(existing[b]!) || (a < b ? -1 : 1))[0]);
  return key !== undefined && existing[key] !== undefined ? { version: existing[key]!, where: key } : undefined;
}

/**
 * The EKS version rule, with the date it judges by (the driver passes the clock; tests a fixed
 * date) and the clusters known to exist. Past extended support a version is an error for a new
 * cluster (EKS creates none at it) and a warning for one that runs (AWS upgrades it itself), with
 * the upgrade path; a version more than one minor above the running cluster's is an error.
 */
export function eksVersionRule(today: () => Date, existing: ExistingEksClusters = {}): SemanticRule {
  return {
    id: 'eks-version',
    check(spec: NormalizedSpec): Finding[] {
      if (!hasEksCluster(spec)) return [];
      const version = spec.platforms.eks.version;
      const path = ['platforms', 'eks', 'version'];
      const now = today();
      const inStandard = Object.keys(EKS_SUPPORT).filter((v) => !isPast(EKS_SUPPORT[v]!.standardEnd, now)).sort((a, b) => minorOf(a) - minorOf(b));
      const known = existingVersion(spec, existing);
      const running = known?.version;
      const where = known?.where ?? spec.environment ?? 'default';
      const findings: Finding[] = [];
      if (running !== undefined && running !== version) {
        if (minorOf(version) < minorOf(running)) {
          findings.push({
            code: 'DEX321',
            severity: 'error',
            message: `platforms.eks.version is ${version}, but the cluster already runs Kubernetes ${running} (out/${where}/plan.json): EKS cannot downgrade a cluster`,
            path,
            hint: `set platforms.eks.version to ${running} or later`,
          });
        } else if (minorOf(version) > minorOf(running) + 1) {
          findings.push({
            code: 'DEX321',
            severity: 'error',
            message: `platforms.eks.version is ${version}, but the cluster runs Kubernetes ${running} (out/${where}/plan.json): EKS upgrades a cluster one minor version at a time, so this update would fail`,
            path,
            hint: `upgrade in steps, deploying each: ${[running, ...upgradeSteps(running, version)].join(' → ')}`,
          });
        }
      }
      const support = EKS_SUPPORT[version];
      if (!support) return findings;
      const target = inStandard.find((v) => minorOf(v) >= minorOf(running ?? version)) ?? inStandard.at(-1);
      const upgrade =
        inStandard.length > 0
          ? `upgrade platforms.eks.version to a version in standard support (${inStandard.join(', ')}); EKS upgrades a cluster one minor version at a time${target ? `: ${[running ?? version, ...upgradeSteps(running ?? version, target)].join(' → ')}, deploying each step` : ''}`
          : 'upgrade platforms.eks.version to a supported release';
      if (isPast(support.extendedEnd, now)) {
        if (running !== undefined) {
          findings.push({
            // A warning for a cluster that runs: the spec must not turn invalid overnight for a
            // cluster AWS keeps running (and upgrades itself); the path says how to catch up.
            code: 'DEX321',
            severity: 'warning',
            message: `Kubernetes ${version} left Amazon EKS extended support on ${readable(support.extendedEnd)}: AWS upgrades the running cluster (Kubernetes ${running} in out/${where}/plan.json) to the next minor version itself, so it will not match this spec`,
            path,
            hint: upgrade,
          });
        } else {
          findings.push({
            code: 'DEX321',
            severity: 'error',
            message: `Kubernetes ${version} left Amazon EKS extended support on ${readable(support.extendedEnd)}: EKS creates no new cluster at this version, and dex knows of no running cluster for ${where} (no EKS cluster in out/${where}/plan.json)`,
            path,
            hint: inStandard.length ? `set platforms.eks.version to ${inStandard.at(-1)} (standard support until ${readable(EKS_SUPPORT[inStandard.at(-1)!]!.standardEnd)}); if the cluster does run, emit its output first (dex emit) so out/${where}/plan.json records it` : 'set platforms.eks.version to a supported release',
          });
        }
        return findings;
      }
      if (isPast(support.standardEnd, now)) {
        findings.push({
          code: 'DEX321',
          severity: 'warning',
          message: `Kubernetes ${version} is past the end of EKS standard support (${readable(support.standardEnd)}): the cluster is billed for extended support (6 times the standard hourly price) until extended support ends on ${readable(support.extendedEnd)}`,
          path,
          hint: upgrade,
        });
      }
      return findings;
    },
  };
}
