// Reachability without NAT (DEX790–DEX792): each workload in the private subnets must reach its
// image registry, logs, secrets and (on EKS) STS through endpoints; the error sits at the line
// that causes the need, and names the endpoint to add.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec, type Analysis } from '../../pipeline/analyze.js';
import { unreachableRegistry } from '../../compiler/checks/reachability.js';
import { fixedClock } from '../support/clock.js';

const FILE = 'test/fixtures/network/no-nat-workloads.dex.yaml';
const TEXT = readFileSync(FILE, 'utf8');
const analyzed = (text: string): Analysis => analyzeSpec(Buffer.from(text), 'dex.yaml', { today: fixedClock });
const at = (a: Analysis, ...codes: string[]) => a.diagnostics.filter((d) => codes.includes(d.code)).map((d) => `${d.range?.start.line}:${d.range?.start.col} ${d.code} ${d.path.join('.')}`);
const lineOf = (text: string, needle: string): number => {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`no ${needle}`);
  return text.slice(0, i).split('\n').length;
};
const withEndpoints = (list: string): string => TEXT.replace('endpoints: [s3, ecr, logs, secretsmanager, sts]', `endpoints: [${list}]`);

describe('reachability without NAT', () => {
  it('every workload that has its endpoints is valid', () => {
    expect(analyzed(TEXT).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });

  it('tells the registries apart', () => {
    expect(unreachableRegistry('123456789012.dkr.ecr.eu-west-1.amazonaws.com/edge:1.4', 'eu-west-1')).toBeUndefined();
    expect(unreachableRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/edge:1.4', 'eu-west-1')).toContain('us-east-1');
    expect(unreachableRegistry('public.ecr.aws/nginx/nginx:1.27', 'eu-west-1')).toContain('no VPC endpoint');
    expect(unreachableRegistry('gcr.io/google-samples/microservices-demo/frontend:v0.10.0', 'eu-west-1')).toBe('gcr.io, on the internet');
    expect(unreachableRegistry('nginx:1.27', 'eu-west-1')).toBe('docker.io, on the internet');
    expect(unreachableRegistry('library/redis:7', 'eu-west-1')).toBe('docker.io, on the internet');
    expect(unreachableRegistry('localhost:5000/app', 'eu-west-1')).toBe('localhost:5000, on the internet');
  });

  it('DEX790: a public image cannot be pulled, at the image, on every platform', () => {
    const text = TEXT.replace('image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/edge:1.4', 'image: docker.io/library/nginx:1.27').replace('    placement: eks\n', '    placement: eks\n    image: gcr.io/acme/web:2\n');
    const a = analyzed(text);
    expect(at(a, 'DEX790')).toEqual([`${lineOf(text, 'docker.io/library')}:12 DEX790 services.edge.image`, `${lineOf(text, 'gcr.io/acme')}:12 DEX790 services.web.image`]);
    expect(a.diagnostics.find((d) => d.path[1] === 'web' && d.code === 'DEX790')!.message).toContain('its pods');
    expect(a.diagnostics.find((d) => d.code === 'DEX790')!.hint).toContain('natGateways: single');
  });

  it('DEX791: EKS and EC2 workloads without the image, log and secret endpoints, located at the cause', () => {
    const text = withEndpoints('sts');
    const a = analyzed(text);
    const web = lineOf(text, '  web:');
    const worker = lineOf(text, '  worker:');
    expect(at(a, 'DEX791')).toEqual([
      `${web + 2}:16 DEX791 services.web.placement`,
      `${web + 3}:15 DEX791 services.web.secrets.0`,
      `${worker + 1}:16 DEX791 services.worker.placement`,
      `${worker + 2}:15 DEX791 services.worker.secrets.0`,
    ]);
    const message = (service: string, tail: string) => a.diagnostics.find((d) => d.code === 'DEX791' && d.path[1] === service && d.path[2] === tail)!;
    expect(message('web', 'placement').message).toContain('lacks ecr, s3');
    expect(message('worker', 'placement').message).toContain('lacks ecr, s3, logs');
    expect(message('web', 'secrets').hint).toContain('add secretsmanager');
    // ECS keeps its one finding at natGateways (DEX329), not a second one per service.
    expect(a.diagnostics.filter((d) => d.code === 'DEX791' && (d.path[1] === 'api' || d.path[1] === 'edge'))).toEqual([]);
    expect(at(a, 'DEX329')).toHaveLength(1);
  });

  it('DEX792: EKS pods need sts for their IAM role', () => {
    const text = withEndpoints('s3, ecr, logs, secretsmanager');
    expect(at(analyzed(text), 'DEX792')).toEqual([`${lineOf(text, '  web:') + 2}:16 DEX792 services.web.placement`]);
  });

  it('nothing is required with NAT', () => {
    const text = withEndpoints('').replace('natGateways: none', 'natGateways: single').replace('image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/edge:1.4', 'image: nginx:1.27');
    expect(at(analyzed(text), 'DEX790', 'DEX791', 'DEX792', 'DEX329')).toEqual([]);
  });
});
