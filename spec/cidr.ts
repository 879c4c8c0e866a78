// IPv4 CIDR arithmetic for subnet planning and checks, on top of ipaddr.js.
import ipaddr from 'ipaddr.js';

export interface Cidr {
  readonly text: string;
  /** First address as an unsigned 32-bit integer. */
  readonly start: number;
  /** Last address (inclusive). */
  readonly end: number;
  readonly prefix: number;
}

/** Parses "a.b.c.d/n"; undefined when it is not a valid IPv4 CIDR block. */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string' || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text)) return undefined;
  if (!ipaddr.IPv4.isValidFourPartDecimal(text.split('/')[0]!)) return undefined;
  let parsed: [ipaddr.IPv4, number];
  try {
    // IPv4 only: ipaddr.parseCIDR tries IPv6 first, whose parser costs more than the rest of a check.
    parsed = ipaddr.IPv4.parseCIDR(text);
  } catch {
    return undefined;
  }
  const [addr, prefix] = parsed;
  if (prefix > 32) return undefined;
  const start = toInt(addr.octets);
  const size = 2 ** (32 - prefix);
  return { text, start, end: start + size - 1, prefix };
}

/** True when the address part has host bits set (10.0.1.5/24): AWS rejects such blocks. */
export function hasHostBits(cidr: Cidr): boolean {
  return cidr.start % 2 ** (32 - cidr.prefix) !== 0;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function formatCidr(start: number, prefix: number): string {
  return `${[24, 16, 8, 0].map((s) => (start >>> s) & 255).join('.')}/${prefix}`;
}

function toInt(octets: readonly number[]): number {
  return ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!;
}

/**
 * Carves one subnet per availability zone for each tier from the VPC range: the range is cut into
 * blocks 8 bits longer (at most /28), and each tier takes its own quarter of them, so tiers never
 * overlap and adding a zone never moves an existing subnet.
 */
export function carveSubnets(vpc: Cidr, tierIndex: number, zones: number): string[] | undefined {
  const size = Math.min(vpc.prefix + 8, 28);
  const blocks = 2 ** (size - vpc.prefix);
  const span = Math.floor(blocks / 4);
  if (span < zones) return undefined;
  const blockSize = 2 ** (32 - size);
  return Array.from({ length: zones }, (_, i) => formatCidr(vpc.start + (tierIndex * span + i) * blockSize, size));
}
