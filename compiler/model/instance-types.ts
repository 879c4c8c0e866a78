// What an EC2 instance type offers (vCPUs, memory, architecture) and where: the catalogue of
// every type the AWS pricing-page feeds list (compiler/model/instance-catalogue.ts, generated),
// read into a map the first time it is asked.
import { CATALOGUE_REGIONS, CATALOGUE_TEXT } from './instance-catalogue.js';

export interface InstanceShape {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly architecture: 'x86_64' | 'arm64';
}

interface CatalogueEntry extends InstanceShape {
  /** Bit i set: offered in CATALOGUE_REGIONS[i]. */
  readonly regions: bigint;
}

let catalogue: ReadonlyMap<string, CatalogueEntry> | undefined;

function entries(): ReadonlyMap<string, CatalogueEntry> {
  if (catalogue) return catalogue;
  const map = new Map<string, CatalogueEntry>();
  for (const line of CATALOGUE_TEXT.split('\n')) {
    const [name, vcpu, memory, arch, mask] = line.split(' ') as [string, string, string, string, string];
    map.set(name, { vcpu: Number(vcpu), memoryGiB: Number(memory), architecture: arch === 'a' ? 'arm64' : 'x86_64', regions: parseBase36(mask) });
  }
  return (catalogue = map);
}

function parseBase36(text: string): bigint {
  let n = 0n;
  for (const ch of text) n = n * 36n + BigInt(parseInt(ch, 36));
  return n;
}

/** Every instance type dex knows, sorted (for "did you mean"). */
export function knownInstanceTypes(): readonly string[] {
  return [...entries().keys()];
}

/** Whether `region` offers the type: undefined when dex has no list for the region. */
export function offeredIn(instanceType: string, region: string): boolean | undefined {
  const i = CATALOGUE_REGIONS.indexOf(region);
  const entry = entries().get(instanceType);
  if (i < 0 || !entry) return undefined;
  return (entry.regions >> BigInt(i)) & 1n ? true : false;
}

/** The types of one family a region offers, smallest first: the alternatives of a type it does not. */
export function offeredInFamily(family: string, region: string): string[] {
  return [...entries().entries()]
    .filter(([name]) => name.split('.')[0] === family)
    .filter(([name]) => offeredIn(name, region) === true)
    .sort((a, b) => a[1].vcpu - b[1].vcpu || a[1].memoryGiB - b[1].memoryGiB)
    .map(([name]) => name);
}

/** The Graviton families the catalogue holds, for hints. */
export const GRAVITON_FAMILIES: readonly string[] = ['t4g', 'm6g', 'm7g', 'c6g', 'c7g', 'r6g', 'r7g'];

export function isGraviton(instanceType: string): boolean {
  return instanceShape(instanceType)?.architecture === 'arm64';
}

/** vCPUs, memory and architecture of an instance type; undefined for a type dex does not know. */
export function instanceShape(instanceType: string): InstanceShape | undefined {
  const entry = entries().get(instanceType);
  return entry ? { vcpu: entry.vcpu, memoryGiB: entry.memoryGiB, architecture: entry.architecture } : undefined;
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
