// Normalize: overlays merge as documented, defaults come from schema.json, auto placement
// reproduces the seed architecture's table with a rationale.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { DexSpec } from '../../spec/model.js';
import { decidePlacement, memoryToMiB, mergeOverlay, normalizeSpec, schemaDefault } from '../../spec/normalize.js';

const reference = parse(readFileSync('test/fixtures/reference/dex-mobile-v6.dex.yaml', 'utf8')) as DexSpec;

describe('environment overlays', () => {
  it('merge maps by key and replace lists', () => {
    expect(mergeOverlay({ a: { x: 1, y: 2 }, l: [1, 2] }, { a: { y: 3 }, l: [9] })).toEqual({ a: { x: 1, y: 3 }, l: [9] });
  });

  it('apply staging overrides and leave the base untouched', () => {
    const staging = normalizeSpec(reference, 'staging').spec;
    const production = normalizeSpec(reference, 'production').spec;
    expect(staging.environment).toBe('staging');
    expect(staging.databases.postgres!.multiAz).toBe(false);
    expect(production.databases.postgres!.multiAz).toBe(true);
    expect(staging.services['kyc-service']!.scaling).toMatchObject({ min: 1, max: 8, targetCpuPercent: 70 });
    expect(production.services['kyc-service']!.scaling.min).toBe(2);
    expect(reference.databases!.postgres!.multiAz).toBe(true);
    expect(staging.environments).toEqual(['staging', 'production']);
  });
});

describe('defaults', () => {
  it('come from schema.json', () => {
    expect(schemaDefault('Network', 'natGateways')).toBe('perAz');
    expect(schemaDefault('Network', 'bastion', 'instanceType')).toBe('t3.micro');
    expect(() => schemaDefault('Network', 'nope')).toThrow(/no default/);
  });

  it('fill a minimal spec', () => {
    const { spec } = normalizeSpec({ dex: 1, name: 'tiny', region: 'eu-west-1', services: { api: { port: 8080 } } });
    expect(spec.network).toMatchObject({ cidr: '10.0.0.0/16', availabilityZones: 2, natGateways: 'perAz', endpoints: ['s3'] });
    expect(spec.network.subnets).toEqual({ public: ['10.0.0.0/24', '10.0.1.0/24'], private: ['10.0.64.0/24', '10.0.65.0/24'], database: ['10.0.128.0/24', '10.0.129.0/24'], intra: [] });
    expect(spec.network.bastion.enabled).toBe(false);
    expect(spec.network.flowLogs).toEqual({ enabled: true, retentionDays: 90, traffic: 'ALL' });
    expect(spec.ingress).toMatchObject({ loadBalancer: 'alb', tls: { policy: 'tls13' }, waf: { enabled: true, managedRules: ['common', 'knownBadInputs', 'sqli'] } });
    const api = spec.services.api!;
    expect(api).toMatchObject({ placement: 'ecs', resources: { cpu: 0.5, memory: '1GiB', memoryMiB: 1024 }, scaling: { min: 1, max: 1 }, build: { context: 'services/api', dockerfile: 'Dockerfile' } });
    expect(spec.monitoring.prometheus.enabled).toBe(false);
    expect(spec.cicd).toBeUndefined();
  });

  it('keeps the subnets the spec lists', () => {
    const spec = normalizeSpec(reference, 'production').spec;
    expect(spec.network.subnets.database).toEqual(['10.0.100.0/24', '10.0.200.0/24']);
    expect(spec.network.subnetsDerived).toEqual({ public: false, private: false, database: false, intra: false });
  });

  it('parses memory amounts', () => {
    expect(memoryToMiB('512MiB')).toBe(512);
    expect(memoryToMiB('2GiB')).toBe(2048);
    expect(memoryToMiB('0.5GiB')).toBe(512);
  });
});

describe('placement: auto', () => {
  // The seed architecture's table: service profile → recommended platform.
  const seed: [string, 'low' | 'medium' | 'high', 'low' | 'medium' | 'high', string][] = [
    ['blockchain-service', 'high', 'high', 'eks'],
    ['kyc-service', 'medium', 'medium', 'ecs'],
    ['aml-service', 'medium', 'medium', 'ecs'],
    ['chart-api-service', 'high', 'medium', 'ecs'],
    ['monitoring-service', 'low', 'low', 'ec2'],
  ];
  for (const [name, scalability, complexity, expected] of seed) {
    it(`recommends ${expected} for ${name} (${scalability} scalability, ${complexity} complexity)`, () => {
      const decision = decidePlacement({ placement: 'auto', profile: { scalability, complexity } });
      expect(decision).toMatchObject({ source: 'auto', placement: expected });
      expect(decision.rationale.length).toBeGreaterThan(0);
    });
  }

  it('matches every placement the reference spec declares', () => {
    for (const [name, svc] of Object.entries(reference.services ?? {})) {
      expect(decidePlacement({ ...svc, placement: 'auto' }).placement, name).toBe(svc.placement);
    }
  });

  it('puts stateful services on ec2 and reports auto decisions as info findings', () => {
    expect(decidePlacement({ placement: 'auto', profile: { stateful: true, complexity: 'high' } }).placement).toBe('ec2');
    const { findings } = normalizeSpec({ dex: 1, name: 'x1', region: 'us-east-1', services: { a: { profile: { complexity: 'high' } } } });
    expect(findings).toEqual([expect.objectContaining({ code: 'DEX330', path: ['services', 'a', 'placement'] })]);
  });
});
