// Reachability without NAT: a workload in the private subnets reaches the internet only through a
// NAT gateway, and AWS only through VPC endpoints. With `natGateways: none` (dex's VPC, or an
// imported one that has no NAT), each workload must find what it needs to start and run among
// the endpoints, or it fails at deploy time with an error far from its cause. DEX329 covers what
// every ECS task needs (ECR, S3, logs, Secrets Manager) and DEX395 ECS Exec; this rule covers the
// rest, at the line that causes each need: an image from a registry no endpoint serves (DEX790),
// the image pull, log shipping and secrets of EKS and EC2 workloads (DEX791), and the STS call
// behind an EKS pod's IAM role (DEX792).
import type { Finding, SpecPath } from '../../spec/diagnostics.js';
import type { NormalizedService, NormalizedSpec } from '../../spec/model.js';
import { hasEksCluster } from '../model/platforms.js';
import type { SemanticRule } from './index.js';

/** A private ECR image: `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/…`, captured region. */
const PRIVATE_ECR = /^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\//;

/** Where an image given by reference is pulled from, in words, when no endpoint of the VPC serves it. */
export function unreachableRegistry(image: string, region: string): string | undefined {
  const ecr = PRIVATE_ECR.exec(image);
  if (ecr) return ecr[1] === region ? undefined : `the ECR registry of ${ecr[1]} (the ecr endpoints serve ${region} only)`;
  const first = image.split('/')[0]!;
  const registry = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
  return registry === 'public.ecr.aws' ? 'ECR Public (public.ecr.aws has no VPC endpoint)' : `${registry}, on the internet`;
}

/**
 * Why the private subnets have no NAT, in the words and at the line the findings use: an
 * isolated VPC (network.subnets.public: []) can get no NAT at all, so its hints offer none.
 */
export function withoutNat(spec: NormalizedSpec): { readonly cause: string; readonly path: SpecPath; readonly orNat: string } {
  return spec.network.isolated
    ? { cause: 'the VPC is isolated (network.subnets.public: [])', path: ['network', 'subnets', 'public'], orNat: '' }
    : { cause: 'network.natGateways is none', path: ['network', 'natGateways'], orNat: ', or set network.natGateways: single' };
}

const byName = (a: NormalizedService, b: NormalizedService): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export const reachabilityRule: SemanticRule = {
  id: 'reachability',
  check(spec: NormalizedSpec): Finding[] {
    if (spec.network.natGateways !== 'none') return [];
    const listed = new Set<string>(spec.network.endpoints);
    const { cause, orNat } = withoutNat(spec);
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services).sort(byName)) {
      if (s.image !== undefined) {
        const from = unreachableRegistry(s.image, spec.region);
        if (from) {
          findings.push({
            code: 'DEX790',
            message: `${s.name} runs ${s.image} from ${from}, but ${cause}: its ${s.placement === 'ecs' ? 'tasks' : s.placement === 'eks' ? 'pods' : 'instances'} in the private subnets cannot pull it`,
            path: ['services', s.name, 'image'],
            hint: `copy the image to this region's ECR (an ECR pull-through cache rule does it on first pull) and name it by its ECR URI, leave image out to have CI build it${orNat === '' ? '' : ', or set network.natGateways: single'}`,
          });
        }
      }
      if (s.placement === 'ecs') continue; // DEX329
      const at: SpecPath = s.image !== undefined ? ['services', s.name, 'image'] : ['services', s.name, 'placement'];
      const needs: { endpoint: string; why: string; path: SpecPath }[] = [];
      const fromEcr = s.image === undefined || unreachableRegistry(s.image, spec.region) === undefined;
      if (fromEcr) {
        needs.push({ endpoint: 'ecr', why: 'the image from ECR', path: at });
        needs.push({ endpoint: 's3', why: 'its layers from S3', path: at });
      } else if (s.placement === 'ec2') {
        needs.push({ endpoint: 's3', why: 'the Amazon Linux packages (docker, the CloudWatch agent) from S3', path: ['services', s.name, 'placement'] });
      }
      if (s.placement === 'ec2') needs.push({ endpoint: 'logs', why: 'container logs through the awslogs driver', path: ['services', s.name, 'placement'] });
      if (s.secrets.length > 0) needs.push({ endpoint: 'secretsmanager', why: 'its secrets, read at start', path: ['services', s.name, 'secrets', s.secretsPositions?.[0] ?? 0] });
      // Top-level secrets: Secrets Manager for dex's and existing secrets, SSM for parameters.
      for (const store of ['secretsmanager', 'ssm'] as const) {
        const first = (s.secretRefs ?? []).find((r) => { const x = spec.secrets?.[r.secret]; return x !== undefined && (x.existing?.store ?? 'secretsmanager') === store; });
        if (first && !needs.some((n) => n.endpoint === store)) needs.push({ endpoint: store, why: store === 'ssm' ? 'its SSM parameters, read at start' : 'its secrets, read at start', path: ['services', s.name, 'secrets', first.index] });
      }
      const missing = needs.filter((n) => !listed.has(n.endpoint));
      // One finding per line that causes a need: the endpoints it lacks, in one message.
      const byPath = new Map<string, { path: SpecPath; items: typeof missing }>();
      for (const n of missing) {
        const key = JSON.stringify(n.path);
        const entry = byPath.get(key) ?? { path: n.path, items: [] };
        entry.items.push(n);
        byPath.set(key, entry);
      }
      for (const { path, items } of byPath.values()) {
        const endpoints = [...new Set(items.map((i) => i.endpoint))];
        findings.push({
          code: 'DEX791',
          message: `${s.placement.toUpperCase()} service ${s.name} cannot start in the private subnets: ${cause} and network.endpoints lacks ${endpoints.join(', ')} (${items.map((i) => i.why).join('; ')})`,
          path,
          hint: `add ${endpoints.join(', ')} to network.endpoints${endpoints.includes('s3') ? ' (s3 is a free gateway endpoint)' : ''}${orNat}`,
        });
      }
      if (s.placement === 'eks' && !listed.has('sts')) {
        findings.push({
          code: 'DEX792',
          message: `the pods of ${s.name} take their IAM role (IRSA) by calling STS, but ${cause} and network.endpoints lacks sts: every AWS call the service makes fails`,
          path: ['services', s.name, 'placement'],
          hint: `add sts to network.endpoints${orNat}`,
        });
      }
    }
    // The nodes join the cluster through its API: a public-only endpoint is on the internet, and
    // from private subnets without NAT nothing reaches it (the node group never becomes active).
    if (hasEksCluster(spec) && spec.platforms.eks.endpointAccess === 'public') {
      findings.push({
        code: 'DEX775',
        message: `the EKS API endpoint is public only, but ${cause}: the nodes in the private subnets cannot reach it to join the cluster`,
        path: ['platforms', 'eks', 'endpointAccess'],
        hint: `set endpointAccess: publicAndPrivate (or private): the private endpoint answers inside the VPC${orNat}`,
      });
    }
    return findings;
  },
};
