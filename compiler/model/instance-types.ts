// What an EC2 instance type offers (vCPUs, memory, architecture), for the families schema.json
// allows. Burstable families have their own table; m/c/r sizes follow AWS's naming rule.

export interface InstanceShape {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly architecture: 'x86_64' | 'arm64';
}

export const GRAVITON_FAMILIES: readonly string[] = ['t4g', 'm6g', 'm7g', 'c6g', 'c7g', 'r6g', 'r7g'];

/** t3, t3a and t4g sizes (the same for all three). */
const BURSTABLE: Readonly<Record<string, readonly [vcpu: number, memoryGiB: number]>> = {
  nano: [2, 0.5],
  micro: [2, 1],
  small: [2, 2],
  medium: [2, 4],
  large: [2, 8],
  xlarge: [4, 16],
  '2xlarge': [8, 32],
};

/** GiB of memory per vCPU in the general purpose, compute and memory optimised families. */
const MEMORY_PER_VCPU: Readonly<Record<string, number>> = { m: 4, c: 2, r: 8 };

export function isGraviton(instanceType: string): boolean {
  return GRAVITON_FAMILIES.includes(instanceType.split('.')[0]!);
}

/** vCPUs, memory and architecture of an instance type; undefined for a type dex does not know. */
export function instanceShape(instanceType: string): InstanceShape | undefined {
  const [family, size] = instanceType.split('.') as [string, string | undefined];
  if (size === undefined) return undefined;
  const architecture = isGraviton(instanceType) ? 'arm64' : 'x86_64';
  if (/^t(3a?|4g)$/.test(family)) {
    const row = BURSTABLE[size];
    return row ? { vcpu: row[0], memoryGiB: row[1], architecture } : undefined;
  }
  const perVcpu = MEMORY_PER_VCPU[family[0]!];
  if (perVcpu === undefined) return undefined;
  let vcpu: number | undefined;
  if (size === 'medium') vcpu = 1;
  else if (size === 'large') vcpu = 2;
  else if (size === 'xlarge') vcpu = 4;
  else {
    const m = /^(\d+)xlarge$/.exec(size);
    if (m) vcpu = 4 * Number(m[1]);
  }
  return vcpu === undefined ? undefined : { vcpu, memoryGiB: vcpu * perVcpu, architecture };
}

/**
 * Pods an EKS node of this type can hold with the VPC CNI (ENIs × (IPs per ENI − 1) + 2), from
 * AWS's eni-max-pods table; it sets how much memory the kubelet reserves.
 */
export function eksMaxPods(instanceType: string): number {
  const [family, size] = instanceType.split('.') as [string, string];
  const burstable: Record<string, number> = { nano: 4, micro: 4, small: 11, medium: 17, large: 35, xlarge: 58, '2xlarge': 58 };
  if (/^t(3a?|4g)$/.test(family)) return burstable[size] ?? 58;
  if (size === 'medium') return 8;
  if (size === 'large') return 29;
  const vcpu = instanceShape(instanceType)?.vcpu ?? 4;
  if (vcpu <= 8) return 58;
  if (vcpu < 64) return 234;
  return 737;
}

/**
 * What the kubelet leaves for pods on an EKS-optimised AMI node: CPU minus 6% of the first core,
 * 1% of the second, 0.5% of the next two and 0.25% of the rest; memory minus 255 MiB + 11 MiB per
 * pod the node can hold, and the 100 MiB eviction threshold.
 */
export function eksAllocatable(instanceType: string): { cpu: number; memoryMiB: number } | undefined {
  const shape = instanceShape(instanceType);
  if (!shape) return undefined;
  const cores = shape.vcpu;
  const reservedMilli = 60 + (cores >= 2 ? 10 : 0) + Math.min(Math.max(cores - 2, 0), 2) * 5 + Math.max(cores - 4, 0) * 2.5;
  const reservedMiB = 255 + 11 * eksMaxPods(instanceType) + 100;
  return { cpu: cores - reservedMilli / 1000, memoryMiB: shape.memoryGiB * 1024 - reservedMiB };
}
