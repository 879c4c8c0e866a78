// A small gzip writer (LZ77 + the fixed Huffman code of RFC 1951) whose output depends on the
// input only. The monitoring servers' files travel compressed in their EC2 user data (16 KB at
// most), which lands in the CloudFormation templates: node:zlib's bytes may vary with the zlib
// build and the CPU's SIMD paths, and templates must not. Any gunzip reads the result.

const WINDOW = 32768;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
const MAX_CHAIN = 128;

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;
  /** `count` bits of `value`, least significant first (extra bits, block header). */
  bits(value: number, count: number): void {
    for (let i = 0; i < count; i++) {
      this.acc |= ((value >>> i) & 1) << this.n;
      if (++this.n === 8) this.flushByte();
    }
  }
  /** A Huffman code of `length` bits, most significant first. */
  code(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) this.bits((value >>> i) & 1, 1);
  }
  private flushByte(): void {
    this.bytes.push(this.acc);
    this.acc = 0;
    this.n = 0;
  }
  finish(): number[] {
    if (this.n > 0) this.flushByte();
    return this.bytes;
  }
}

function literal(w: BitWriter, symbol: number): void {
  if (symbol < 144) w.code(0x30 + symbol, 8);
  else if (symbol < 256) w.code(0x190 + symbol - 144, 9);
  else if (symbol < 280) w.code(symbol - 256, 7);
  else w.code(0xc0 + symbol - 280, 8);
}

function match(w: BitWriter, length: number, distance: number): void {
  let l = LENGTH_BASE.length - 1;
  while (LENGTH_BASE[l]! > length) l--;
  literal(w, 257 + l);
  w.bits(length - LENGTH_BASE[l]!, LENGTH_EXTRA[l]!);
  let d = DIST_BASE.length - 1;
  while (DIST_BASE[d]! > distance) d--;
  w.code(d, 5);
  w.bits(distance - DIST_BASE[d]!, DIST_EXTRA[d]!);
}

/** Raw deflate, one fixed-Huffman block, greedy matching over hash chains. */
export function deflateFixed(data: Uint8Array): Uint8Array {
  const w = new BitWriter();
  w.bits(1, 1); // BFINAL
  w.bits(1, 2); // BTYPE 01: fixed Huffman
  const head = new Map<number, number>();
  const prev = new Int32Array(data.length).fill(-1);
  const key = (i: number): number => (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
  const insert = (i: number): void => {
    if (i + MIN_MATCH > data.length) return;
    const k = key(i);
    prev[i] = head.get(k) ?? -1;
    head.set(k, i);
  };
  let i = 0;
  while (i < data.length) {
    let bestLen = 0;
    let bestDist = 0;
    if (i + MIN_MATCH <= data.length) {
      let candidate = head.get(key(i)) ?? -1;
      const max = Math.min(MAX_MATCH, data.length - i);
      for (let chain = 0; candidate >= 0 && i - candidate <= WINDOW && chain < MAX_CHAIN; chain++) {
        let len = 0;
        while (len < max && data[candidate + len] === data[i + len]) len++;
        if (len > bestLen) {
          bestLen = len;
          bestDist = i - candidate;
          if (len === max) break;
        }
        candidate = prev[candidate]!;
      }
    }
    if (bestLen >= MIN_MATCH) {
      match(w, bestLen, bestDist);
      for (let j = 0; j < bestLen; j++) insert(i + j);
      i += bestLen;
    } else {
      literal(w, data[i]!);
      insert(i);
      i++;
    }
  }
  literal(w, 256); // end of block
  return Uint8Array.from(w.finish());
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** gzip (RFC 1952): no name, no timestamp, OS "Unix". */
export function gzipDeterministic(text: string): Uint8Array {
  const data = new TextEncoder().encode(text);
  const body = deflateFixed(data);
  const out = new Uint8Array(10 + body.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  out.set(body, 10);
  const view = new DataView(out.buffer);
  view.setUint32(10 + body.length, crc32(data), true);
  view.setUint32(14 + body.length, data.length >>> 0, true);
  return out;
}
