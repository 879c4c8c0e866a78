// EKS Fargate profiles (platforms.eks.fargateProfiles) and the services they take off the nodes.
// What is checked is what Fargate refuses or silently does differently: a pod pinned to a node
// group it will never see, a pod larger than any Fargate size, an arm64 image (EKS Fargate runs
// x86_64 only), a selector that selects nothing, and the node agents (DaemonSets) that do not run there.
import type { Finding } from '../../spec/diagnostics.js';
import { podResources, sidecarsOf, type NormalizedSpec } from '../../spec/model.js';
import { FARGATE_KUBELET_MIB, fargatePodSize, fargateProfileOf } from '../model/fargate-profiles.js';
import type { SemanticRule } from './index.js';

export const fargateProfilesRule: SemanticRule = {
  id: 'fargate-profiles',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const profiles = spec.platforms.eks.fargateProfiles;
    const seen = new Set<string>();
    profiles.forEach((p, i) => {
      if (seen.has(p.name)) findings.push({ code: 'DEX814', severity: 'error', message: `Fargate profile ${p.name} is listed twice; EKS keeps one profile per name`, path: ['platforms', 'eks', 'fargateProfiles', i, 'name'], hint: 'rename one of them, or merge their selectors' });
      seen.add(p.name);
      p.selectors.forEach((x, j) => {
        const svc = spec.services[x.namespace];
        if (svc?.placement === 'eks') return;
        const eksNames = Object.values(spec.services).filter((s) => s.placement === 'eks').map((s) => s.name);
        findings.push({
          code: 'DEX813',
          severity: 'warning',
          message: svc
            ? `Fargate profile ${p.name} selects namespace ${x.namespace}, but service ${x.namespace} runs on ${svc.placement}, not EKS: the selector takes no pod`
            : `Fargate profile ${p.name} selects namespace ${x.namespace}, which dex does not create (each EKS service has its own namespace, named after it): the selector takes no pod`,
          path: ['platforms', 'eks', 'fargateProfiles', i, 'selectors', j, 'namespace'],
          hint: eksNames.length ? `the EKS namespaces are ${eksNames.join(', ')}` : 'place a service on eks, or remove the profile',
        });
      });
    });
    const onFargate = Object.values(spec.services).filter((s) => fargateProfileOf(spec, s) !== undefined);
    for (const s of onFargate) {
      const profile = fargateProfileOf(spec, s)!;
      s.nodeGroups.forEach((g, j) => {
        findings.push({
          code: 'DEX810',
          severity: 'error',
          message: `${s.name} runs on Fargate (profile ${profile.name} selects its namespace), so it never lands on node group ${g}: Fargate pods take no node selector`,
          path: ['services', s.name, 'nodeGroups', j],
          hint: `remove nodeGroups, or take namespace ${s.name} out of Fargate profile ${profile.name}`,
        });
      });
      const { cpu, memoryMiB, memory } = podResources(s);
      if (fargatePodSize(cpu, memoryMiB) === undefined) {
        const cpuShort = cpu > 16;
        findings.push({
          code: 'DEX811',
          severity: 'error',
          message: `${s.name} runs on Fargate (profile ${profile.name}), whose largest pod is 16 vCPU and 120GiB; it requests ${cpu} vCPU and ${memory}${sidecarsOf(s).length ? ' with its sidecars' : ''} (plus ${FARGATE_KUBELET_MIB}MiB EKS adds for the kubelet)`,
          path: ['services', s.name, 'resources', cpuShort ? 'cpu' : 'memory'],
          hint: `lower resources.${cpuShort ? 'cpu' : 'memory'}, or run ${s.name} on the node groups (take it out of the profile)`,
        });
      }
      if (s.architecture === 'arm64') {
        findings.push({
          code: 'DEX812',
          severity: 'error',
          message: `${s.name} runs an arm64 image on Fargate (profile ${profile.name}), but EKS Fargate runs x86_64 pods only (Graviton is ECS Fargate's)`,
          path: ['services', s.name, 'architecture'],
          hint: 'build the image for x86_64 (or multi-arch) and set architecture: x86_64, or run the service on a Graviton node group',
        });
      }
    }
    if (onFargate.length) {
      findings.push({
        code: 'DEX815',
        severity: 'info',
        message:
          `${onFargate.map((s) => s.name).join(', ')} run on Fargate, where DaemonSets do not run: the CloudWatch agent and Fluent Bit of the amazon-cloudwatch-observability add-on do not see them. ` +
          'They keep their health probes, the HPA and the target-group alarms; pod CPU and memory alarms and container logs (Container Insights) cover node pods only',
        path: ['platforms', 'eks', 'fargateProfiles'],
        atKey: true,
        hint: 'for logs, Fargate\'s built-in Fluent Bit router is configured by the aws-logging ConfigMap in the aws-observability namespace; put a service on a node group to keep Container Insights',
      });
    }
    return findings;
  },
};
