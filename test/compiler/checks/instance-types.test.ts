// Any EC2 instance type the region offers, from the shipped catalogue: a typo gets a suggestion
// (DEX347), a type the region lacks gets the sizes it has (DEX348), Graviton is known by the
// catalogue (so the image's architecture is checked for every family), and the catalogue holds
// every type the schema used to list.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE_REGIONS } from '../../../compiler/model/instance-catalogue.js';
import { instanceShape, knownInstanceTypes, offeredIn } from '../../../compiler/model/instance-types.js';
import { analyzeSpec } from '../../../pipeline/analyze.js';
import { fixedClock } from '../../support/clock.js';

const MINIMAL = readFileSync('examples/minimal/dex.yaml', 'utf8');
/** The minimal example with its API on EC2 as `instanceType`, in `region`. */
const onEc2 = (instanceType: string, region = 'eu-west-1', extra = '') =>
  MINIMAL.replace('region: eu-west-1', `region: ${region}`)
    .replace(/arn:aws:acm:eu-west-1:/, `arn:aws:acm:${region}:`)
    .replace('    placement: ecs               # Fargate: no cluster to run\n', `    placement: ec2\n    instanceType: ${instanceType}\n${extra}`);
const run = (text: string) => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
const codes = (text: string) => run(text).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

describe('instance types from the catalogue', () => {
  it('accepts families the old list did not have, in a region that offers them', () => {
    for (const t of ['m8g.large', 'c7gn.xlarge', 'i4i.large', 'r7iz.large', 'x2iedn.xlarge']) {
      expect(offeredIn(t, 'us-east-1'), t).toBe(true);
    }
    expect(codes(onEc2('c7i.large', 'us-east-1'))).toEqual([]);
    expect(codes(onEc2('m8g.large', 'us-east-1', '    architecture: arm64\n'))).toEqual([]);
  });

  it('knows Graviton from the catalogue: an x86_64 image on m8g is DEX308', () => {
    expect(instanceShape('m8g.large')).toEqual({ vcpu: 2, memoryGiB: 8, architecture: 'arm64' });
    expect(codes(onEc2('m8g.large', 'us-east-1'))).toContain('DEX308');
  });

  it('a misspelt type is DEX347 with the closest name, at the line it is on', () => {
    const text = onEc2('t3.medum');
    const d = run(text).diagnostics.find((x) => x.code === 'DEX347')!;
    expect(d.message).toBe('t3.medum is not an EC2 instance type dex knows');
    expect(d.hint).toBe('did you mean t3.medium?');
    expect(d.line).toBe(text.split('\n').findIndex((l) => l.includes('instanceType: t3.medum')) + 1);
  });

  it('an RDS class or ElastiCache node type where an EC2 type goes is explained', () => {
    expect(run(onEc2('db.t3.medium')).diagnostics.find((x) => x.code === 'DEX347')?.hint).toBe('db.t3.medium is an RDS instance class; here an EC2 instance type is expected: did you mean t3.medium?');
    expect(run(onEc2('cache.m5.large')).diagnostics.find((x) => x.code === 'DEX347')?.hint).toBe('cache.m5.large is an ElastiCache node type; here an EC2 instance type is expected: did you mean m5.large?');
  });

  it('a type the region does not offer is DEX348, naming the family\'s sizes it does', () => {
    // Some type the catalogue has in us-east-1 but not in af-south-1, whose family af-south-1 has.
    const missing = knownInstanceTypes().find((t) => offeredIn(t, 'us-east-1') && offeredIn(t, 'af-south-1') === false && knownInstanceTypes().some((o) => o.split('.')[0] === t.split('.')[0] && offeredIn(o, 'af-south-1')))!;
    expect(missing).toBeDefined();
    const d = run(onEc2(missing, 'af-south-1')).diagnostics.find((x) => x.code === 'DEX348')!;
    expect(d.message).toBe(`af-south-1 does not offer ${missing}`);
    expect(d.hint).toMatch(new RegExp(`^af-south-1 offers ${missing.split('.')[0]} as `));
  });

  it('holds every type the schema used to list, each with a shape, and every region of the schema', () => {
    const schema = JSON.parse(readFileSync('schema.json', 'utf8')) as { definitions: { Ec2InstanceType: { examples: string[] }; Region: { enum: string[] } } };
    for (const t of schema.definitions.Ec2InstanceType.examples) expect(instanceShape(t), t).toBeDefined();
    for (const r of schema.definitions.Region.enum) expect(CATALOGUE_REGIONS).toContain(r);
    expect(knownInstanceTypes().length).toBeGreaterThan(800);
    for (const t of knownInstanceTypes()) {
      const shape = instanceShape(t)!;
      expect(shape.vcpu, t).toBeGreaterThan(0);
      expect(shape.memoryGiB, t).toBeGreaterThan(0);
    }
  });
});
