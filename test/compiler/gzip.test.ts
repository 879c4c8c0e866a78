// The user data of the monitoring servers carries gzip output: it must be the same bytes on every
// machine and Node version (pinned here), and any gunzip must read it back.
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gzipDeterministic } from '../../compiler/monitoring/gzip.js';

const SAMPLE = 'set -euo pipefail\ninstall -d -m 755 /etc/prometheus\ncat > /etc/prometheus/prometheus.yml <<\'EOF\'\nglobal:\n  scrape_interval: 30s\nEOF\n'.repeat(4);

describe('gzipDeterministic', () => {
  it('gives the pinned bytes: no timestamp, no name, OS Unix', () => {
    const out = gzipDeterministic(SAMPLE);
    expect([...out.slice(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
    expect(Buffer.from(out).toString('base64')).toMatchInlineSnapshot(`"H4sIAAAAAAACAytOLVHQTS3NVyjILEhNS8zM4crMKy5JzMlR0E1R0M1VMDc1VdBPLUnWLyjKz00tyUgtLeZKTixRsEMXRWLqVebmKNjYqLv6u6lzpefkJyXmWHEpKBQnFyUWpMZn5pWkFpUBhRSMDYq5gGq4Rt0weNwAAElROHwQAgAA"`);
  });

  it('round-trips through zlib for any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 4000 }), (text) => gunzipSync(gzipDeterministic(text)).toString('utf8') === text), { numRuns: 200 });
  });
});
