// Operating a workload (issue 15): ECS Exec (`exec`) and kubectl access to the EKS cluster
// (`platforms.eks.access`). A shell in a production task is a privileged act, so a protected
// environment asks why (DEX390); `exec` means ECS Exec only (DEX391); access entries name real
// IAM principals (DEX392), once each (DEX393), and something the cluster has (DEX394).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { namePrefix } from '../model/ids.js';
import { hasEksCluster } from '../model/platforms.js';
import type { SemanticRule } from './index.js';

/** An IAM role or user ARN, with its path: what an EKS access entry accepts as a principal. */
const PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

export const execRule: SemanticRule = {
  id: 'exec',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      if (!s.exec.enabled) continue;
      const path = ['services', s.name, 'exec'];
      if (s.placement === 'eks') {
        findings.push({
          code: 'DEX391',
          message: `${s.name} runs on EKS, where exec means kubectl exec: ECS Exec (exec) does not apply`,
          path,
          hint: 'remove exec and grant kubectl access with platforms.eks.access (policy edit allows exec, limited with namespaces to the service\'s namespace)',
        });
      } else if (s.placement === 'ec2') {
        findings.push({
          code: 'DEX391',
          message: `${s.name} runs on EC2, where exec has no meaning: its instance is reached with SSM Session Manager already (AmazonSSMManagedInstanceCore on its role)`,
          path,
          hint: `remove exec; open a shell with aws ssm start-session --target <instance-id>, then docker exec into the container`,
        });
      } else if (spec.protect && s.exec.reason === undefined) {
        findings.push({
          code: 'DEX390',
          message: `${s.name} allows ECS Exec in ${spec.environment ?? 'a protected environment'} (protect): a shell in a production task, with no reason given`,
          path,
          hint: 'write why instead of true (exec: "<reason>"), which the compliance report lists, or turn exec on only in a non-protected environment\'s overlay',
        });
      }
    }
    const access = spec.platforms.eks.access;
    const eksNamespaces = new Set(Object.values(spec.services).filter((s) => s.placement === 'eks').map((s) => s.name));
    const seen = new Map<string, number>();
    access.forEach((a, i) => {
      const at = ['platforms', 'eks', 'access', i];
      if (!PRINCIPAL_ARN.test(a.principal)) {
        const assumed = /^arn:aws(-cn|-us-gov)?:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(a.principal);
        findings.push({
          code: 'DEX392',
          message: `platforms.eks.access[${i}].principal is not the ARN of an IAM role or user`,
          path: [...at, 'principal'],
          hint: assumed
            ? `an access entry names the role, not a session of it: arn:aws${assumed[1] ?? ''}:iam::${assumed[2]}:role/${assumed[3]}`
            : 'use arn:aws:iam::<12-digit account>:role/<name> (or :user/<name>); the account root and wildcards are not principals of an access entry',
        });
      } else if (spec.cicd !== undefined && a.principal.endsWith(`:role/${namePrefix(spec)}-deploy`)) {
        findings.push({
          code: 'DEX393',
          message: `platforms.eks.access[${i}].principal is the CI deploy role, which has its own access entry (edit, in the services' namespaces)`,
          path: [...at, 'principal'],
          hint: 'remove this entry: a principal has one access entry, and dex manages the deploy role\'s',
        });
      } else {
        const key = a.principal.toLowerCase();
        const first = seen.get(key);
        if (first !== undefined) {
          findings.push({
            code: 'DEX393',
            message: `platforms.eks.access[${i}].principal is listed already at access[${first}]: a principal has one access entry`,
            path: [...at, 'principal'],
            hint: 'merge the two: one entry per principal, the wider policy (or list the namespaces together)',
          });
        } else seen.set(key, i);
      }
      if (!hasEksCluster(spec)) {
        findings.push({ code: 'DEX394', message: 'platforms.eks.access is set, but no service runs on EKS: there is no cluster, nothing is emitted', path: at, hint: 'remove it, place a service on eks, or set platforms.eks.create: always' });
        return;
      }
      // A cluster made for other tools' workloads (create: always) has namespaces dex does not know.
      if (spec.platforms.eks.create === 'always') return;
      (a.namespaces ?? []).forEach((ns, j) => {
        if (!eksNamespaces.has(ns)) {
          findings.push({
            code: 'DEX394',
            message: `namespace ${ns} is not one dex creates: each EKS service has its own namespace, named after it`,
            path: [...at, 'namespaces', j],
            hint: `one of ${[...eksNamespaces].sort().join(', ')}`,
          });
        }
      });
    });
    return findings;
  },
};
