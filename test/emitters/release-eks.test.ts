// The EKS functions of templates/ci/release.sh, run for real with bash and jq against stub kubectl
// and aws commands: a blue/green release applies the Deployment dex emitted for the idle colour
// (only its replicas changed), never derives a colour from another object, keeps the live colour
// untouched and the Service on it until eks-switch; a rolling release applies the files as they are.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { compileEmit, emitTargets } from '../../pipeline/emit.js';
import { SLOT_LABEL } from '../../emitters/kubernetes.js';
import { fixedClock } from '../support/clock.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REFERENCE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const RELEASE = join(ROOT, 'templates/ci/release.sh');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const work = mkdtempSync(join(tmpdir(), 'dex-release-eks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The emitted tree of both environments, as `dex emit` writes it.
const analysis = analyzeSpec(readFileSync(join(ROOT, REFERENCE)), REFERENCE, { today: fixedClock });
const outDir = join(work, 'out');
const emitted = new Map<string, Map<string, string>>();
for (const target of emitTargets(analysis)) {
  const output = compileEmit(target, { specFile: REFERENCE });
  const files = new Map<string, string>();
  for (const f of output.files.filter((x) => x.path.startsWith('kubernetes/'))) {
    const path = join(outDir, output.environment, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    files.set(f.path.slice('kubernetes/'.length), f.content);
  }
  emitted.set(output.environment, files);
}

// Stubs: aws answers every look-up with one value; kubectl builds the kustomization's resources,
// converts YAML to a JSON List, answers `get` from STUB_LIVE / STUB_REPLICAS and records the rest.
const bin = join(work, 'bin');
mkdirSync(bin);
const stub = (name: string, body: string): void => {
  writeFileSync(join(bin, name), body);
  chmodSync(join(bin, name), 0o755);
};
stub('aws', '#!/bin/sh\necho "arn:aws:iam::123456789012:role/stub"\n');
stub(
  'kubectl',
  `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const YAML = require(${JSON.stringify(join(ROOT, 'node_modules/yaml'))});
const args = process.argv.slice(2);
const log = (entry) => fs.appendFileSync(process.env.STUB_LOG, JSON.stringify(entry) + '\\n');
const stdin = () => fs.readFileSync(0, 'utf8');
if (args[0] === 'kustomize') {
  const dir = args[1];
  if (!fs.existsSync(path.join(dir, 'stack-outputs.env'))) { console.error('no stack-outputs.env'); process.exit(1); }
  const k = YAML.parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
  process.stdout.write(k.resources.map((r) => fs.readFileSync(path.join(dir, r), 'utf8')).join('\\n---\\n'));
} else if (args[0] === 'apply' && args.includes('--dry-run=client')) {
  const items = YAML.parseAllDocuments(stdin()).map((d) => d.toJS()).filter(Boolean);
  process.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
} else if (args[0] === 'apply') {
  log({ apply: JSON.parse(stdin()) });
} else if (args[2] === 'get' && args[3] === 'service') {
  if (!process.env.STUB_LIVE) process.exit(1);
  process.stdout.write(JSON.stringify({ spec: { selector: { 'app.kubernetes.io/name': args[4], ${JSON.stringify(SLOT_LABEL)}: process.env.STUB_LIVE } } }));
} else if (args[2] === 'get' && args[3] === 'deployment') {
  if (!process.env.STUB_REPLICAS) process.exit(1);
  process.stdout.write(process.env.STUB_REPLICAS);
} else {
  log({ kubectl: args });
}
`,
);

interface Run {
  applied: Obj[];
  calls: string[][];
  state: string;
}

function release(env: string, command: string[], stubs: { live?: string; replicas?: string } = {}, state = join(work, `state-${Math.random().toString(36).slice(2)}`)): Run {
  const logFile = `${state}.log`;
  writeFileSync(logFile, '');
  execFileSync('bash', [RELEASE, ...command], {
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      AWS_REGION: 'ap-south-1',
      DEX_OUT: outDir,
      DEX_ENVIRONMENT: env,
      DEX_STATE: state,
      IMAGE_TAG: 'abc123',
      STUB_LOG: logFile,
      ...(stubs.live ? { STUB_LIVE: stubs.live } : {}),
      ...(stubs.replicas ? { STUB_REPLICAS: stubs.replicas } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entries = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Obj);
  return { applied: entries.filter((e) => e.apply).flatMap((e) => e.apply.items as Obj[]), calls: entries.filter((e) => e.kubectl).map((e) => e.kubectl as string[]), state };
}

const file = (env: string, path: string): Obj => parse(emitted.get(env)!.get(path)!) as Obj;
const of = (applied: Obj[], kind: string, name?: string): Obj[] => applied.filter((o) => o.kind === kind && o.metadata.namespace === 'blockchain-service' && (name === undefined || o.metadata.name === name));
/** An emitted Deployment as the release applies it: the placeholders are the stub's, so compare the rest. */
const shape = (d: Obj): Obj => {
  const copy = structuredClone(d);
  delete copy.spec.replicas;
  const c = copy.spec.template.spec.containers[0];
  delete c.image;
  delete c.env;
  return copy;
};

describe('release.sh EKS functions apply the emitted files', () => {
  it('first blue/green release: the emitted blue Deployment, no green pods, the Service on no colour until the switch', () => {
    const run = release('production', ['eks-blue-green', 'blockchain-service']);
    const deployments = of(run.applied, 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(['blockchain-service-blue']);
    expect(shape(deployments[0]!)).toEqual(shape(file('production', 'blockchain-service/deployment-blue.yaml')));
    expect(of(run.applied, 'Service')[0]!.spec.selector[SLOT_LABEL]).toBeUndefined();
    expect(of(run.applied, 'HorizontalPodAutoscaler')[0]!.spec.scaleTargetRef.name).toBe('blockchain-service-blue');
    expect(run.calls).toContainEqual(['-n', 'blockchain-service', 'rollout', 'status', 'deployment/blockchain-service-blue', '--timeout=15m']);
    const switched = release('production', ['eks-switch', 'blockchain-service'], {}, run.state);
    expect(JSON.parse(switched.calls.find((c) => c[2] === 'patch' && c[3] === 'service')!.at(-1)!)).toEqual({ spec: { selector: { [SLOT_LABEL]: 'blue' } } });
  });

  it('moving from a rolling Deployment: traffic and the HPA stay on the plain Deployment until the switch', () => {
    const run = release('production', ['eks-blue-green', 'blockchain-service'], { replicas: '3' });
    const blue = of(run.applied, 'Deployment');
    expect(blue.map((d) => [d.metadata.name, d.spec.replicas])).toEqual([['blockchain-service-blue', 3]]);
    expect(of(run.applied, 'Service')[0]!.spec.selector[SLOT_LABEL]).toBeUndefined();
    expect(of(run.applied, 'HorizontalPodAutoscaler')[0]!.spec.scaleTargetRef.name).toBe('blockchain-service');
  });

  it('with blue live: applies the emitted green Deployment as large as blue, leaves blue and the Service alone, switches on eks-switch', () => {
    const run = release('production', ['eks-blue-green', 'blockchain-service'], { live: 'blue', replicas: '4' });
    const deployments = of(run.applied, 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(['blockchain-service-green']);
    const green = deployments[0]!;
    expect(green.spec.replicas).toBe(4);
    // Everything else is the file dex emitted, not a copy of another colour.
    expect(shape(green)).toEqual(shape(file('production', 'blockchain-service/deployment-green.yaml')));
    expect(green.spec.template.metadata.labels[SLOT_LABEL]).toBe('green');
    expect(of(run.applied, 'Service')[0]!.spec.selector[SLOT_LABEL]).toBe('blue');
    expect(of(run.applied, 'HorizontalPodAutoscaler')[0]!.spec.scaleTargetRef.name).toBe('blockchain-service-blue');
    expect(of(run.applied, 'VerticalPodAutoscaler')).toEqual([]); // a custom resource: the administrator's apply
    expect(run.calls).toContainEqual(['-n', 'blockchain-service', 'rollout', 'status', 'deployment/blockchain-service-green', '--timeout=15m']);

    const switched = release('production', ['eks-switch', 'blockchain-service'], {}, run.state);
    const patch = switched.calls.find((c) => c[2] === 'patch' && c[3] === 'service')!;
    expect(JSON.parse(patch.at(-1)!)).toEqual({ spec: { selector: { [SLOT_LABEL]: 'green' } } });
    expect(readFileSync(run.state, 'utf8')).toContain('eks-switch blockchain-service blue green');

    const retired = release('production', ['eks-retire', 'blockchain-service'], {}, run.state);
    expect(retired.calls).toContainEqual(['-n', 'blockchain-service', 'scale', 'deployment/blockchain-service-blue', '--replicas=0']);
  });

  it('the release script holds no object of its own: no renaming or relabelling of Deployments', () => {
    const script = readFileSync(RELEASE, 'utf8');
    expect(script).not.toMatch(/\.metadata\.name \+=|matchLabels\[\$l\] =|template\.metadata\.labels\[\$l\] =/);
  });

  it('a rolling release applies the one emitted Deployment as it is', () => {
    const run = release('staging', ['eks-rolling', 'blockchain-service']);
    const deployments = of(run.applied, 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(['blockchain-service']);
    expect(shape(deployments[0]!)).toEqual(shape(file('staging', 'blockchain-service/deployment.yaml')));
    expect(of(run.applied, 'Service')[0]!.spec.selector[SLOT_LABEL]).toBeUndefined();
  });
});
