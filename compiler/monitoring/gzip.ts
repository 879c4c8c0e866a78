// gzip for the monitoring servers' files, which travel compressed in their EC2 user data (16 KB at
// most) and so land in the CloudFormation templates. fflate is pure JavaScript: its bytes depend
// on the input and the level only, where node:zlib's may vary with the zlib build and the CPU's
// SIMD paths — and templates must not. test/compiler/gzip.test.ts pins the output.
import { gzipSync } from 'fflate';

/** gzip (RFC 1952), level 9: no name, no timestamp (mtime 0), OS "Unix". */
export function gzipDeterministic(text: string): Uint8Array {
  return gzipSync(new TextEncoder().encode(text), { level: 9, mem: 8, mtime: 0 });
}
