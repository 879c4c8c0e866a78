// The reference spec (DEX Mobile v6, copied with its provenance into test/fixtures/reference)
// is the acceptance example: the base spec and every environment validate with no errors.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { analyzeSpec } from '../../../pipeline/analyze.js';
import { positionOf } from '../../security/sandbox.js';

const file = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';

// The spec pins EKS 1.31, whose extended support ends on 2026-11-26: judge it on the day it was copied.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-24T12:00:00Z'));
});
afterAll(() => {
  vi.useRealTimers();
});

it('states where it comes from', () => {
  expect(readFileSync(file, 'utf8').split('\n')[0]).toMatch(/^# Provenance: copied from shared\/reference\/dex-mobile-v6\.dex\.yaml on 2026-11-24/);
});

it('has no errors in the base spec or any environment', () => {
  const all = analyzeSpec(readFileSync(file), file);
  expect(all.compiled.map((c) => c.environment)).toEqual([undefined, 'staging', 'production']);
  expect(all.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  for (const environment of ['staging', 'production']) {
    const one = analyzeSpec(readFileSync(file), file, { environment });
    expect(one.diagnostics.filter((d) => d.severity === 'error'), environment).toEqual([]);
    expect(one.ok).toBe(true);
  }
});

it('warns only that EKS 1.31 is billed for extended support and that its EC2 services roll in the blue-green stage (compliance warnings are tested in test/compliance)', () => {
  const all = analyzeSpec(readFileSync(file), file);
  const semantic = all.diagnostics.filter((d) => !d.code.startsWith('DEX6'));
  expect([...new Set(semantic.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`))]).toEqual(['40:14 warning DEX321', `${positionOf(readFileSync(file, 'utf8'), 'blue-green, verify: npm run test:smoke')} warning DEX335`]);
});

it('once EKS 1.31 leaves extended support (2026-11-26): an error as a new cluster, a warning for the clusters the last emit had', () => {
  vi.setSystemTime(new Date('2026-11-27T12:00:00Z'));
  const fresh = analyzeSpec(readFileSync(file), file);
  expect(fresh.ok).toBe(false);
  expect([...new Set(fresh.diagnostics.filter((d) => d.code === 'DEX321').map((d) => `${d.line}:${d.col} ${d.severity}`))]).toEqual(['40:14 error']);
  const existing = analyzeSpec(readFileSync(file), file, { existingEksClusters: { staging: '1.31', production: '1.31' } });
  expect(existing.ok).toBe(true);
  expect(existing.diagnostics.filter((d) => d.code === 'DEX321').map((d) => `${d.line}:${d.col} ${d.severity} ${d.message}`)).toContain(
    '40:14 warning Kubernetes 1.31 left Amazon EKS extended support on 26 November 2026: AWS upgrades the running cluster (Kubernetes 1.31 in out/production/plan.json) to the next minor version itself, so it will not match this spec',
  );
  vi.setSystemTime(new Date('2026-11-24T12:00:00Z'));
});
