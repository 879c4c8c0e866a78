// dex plan --by service: each service's own cost, the data stores only it uses, and its share of
// shared infrastructure by the documented rule (vCPU at the scaling minimum, among the services
// that use the pool), adding up to the environment's total to the cent.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { buildPlan } from '../../compiler/pricing/plan.js';
import { bootstrapPlanTargets, planTargets } from '../../pipeline/plan.js';
import { loadSnapshotSource } from '../../cli/adapters/snapshot.js';
import { renderPlan } from '../../cli/plan-render.js';
import { runPlan } from '../../cli/commands/plan.js';
import { EXIT } from '../../cli/io.js';
import { fixedClock } from '../support/clock.js';
import { captureIO } from '../support/io.js';
import { ALL_SPECS } from '../support/specs.js';

const snapshot = loadSnapshotSource();
const cents = (n: number) => Math.round(n * 100);

function analysed(text: Uint8Array, file: string) {
  const analysis = analyzeSpec(text, file, { today: fixedClock });
  expect(analysis.ok, JSON.stringify(analysis.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
  return analysis;
}

describe.each(ALL_SPECS)('%s', (file) => {
  it('every environment: the services add up to the total, min and max, to the cent', () => {
    const analysis = analysed(readFileSync(file), file);
    const plan = buildPlan([...planTargets(analysis), ...bootstrapPlanTargets(analysis)], snapshot, { byService: true });
    for (const e of plan.environments) {
      if (e.environment.startsWith('bootstrap/')) {
        expect(e.byService).toBeUndefined();
        continue;
      }
      const b = e.byService!;
      expect(b.services.map((s) => s.service)).toEqual(Object.keys(e.model.spec.services).sort());
      expect(b.services.reduce((a, s) => a + cents(s.total.monthlyMin), 0)).toBe(cents(e.totals.monthlyMin));
      expect(b.services.reduce((a, s) => a + cents(s.total.monthlyMax), 0)).toBe(cents(e.totals.monthlyMax));
      for (const s of b.services) {
        expect(cents(s.total.monthlyMax)).toBe(cents(s.own.monthlyMax) + cents(s.dataStores.monthlyMax) + cents(s.shared.monthlyMax));
        expect(cents(s.shared.monthlyMin)).toBe(s.shares.reduce((a, x) => a + cents(x.monthlyUsd.monthlyMin), 0));
      }
    }
  });
});

const SPEC = `dex: 1
name: split
region: us-east-1
network: { cidr: 10.0.0.0/16, availabilityZones: 2, natGateways: single }
platforms: { ecs: { capacity: fargate } }
services:
  api: { port: 8080, placement: ecs, resources: { cpu: 1, memory: 2GiB }, scaling: { min: 2, max: 4 }, health: { path: /health }, uses: [db, cache] }
  worker: { port: 8081, placement: ecs, resources: { cpu: 0.5, memory: 1GiB }, scaling: { min: 1, max: 2 }, health: { path: /health }, uses: [cache] }
databases:
  db: { engine: postgres, version: "16", instanceClass: db.t4g.medium, storageGiB: 20 }
caches:
  cache: { engine: redis, nodeType: cache.t3.micro }
`;

describe('the sharing rule', () => {
  const analysis = analysed(new TextEncoder().encode(SPEC), 'split.yaml');
  const e = buildPlan(planTargets(analysis), snapshot, { byService: true }).environments[0]!;
  const [api, worker] = e.byService!.services;

  it("a data store one service uses is that service's; one several use is split by vCPU at the scaling minimum", () => {
    const component = new Map(e.model.resources.map((r) => [r.logicalId, r.component]));
    const sumOf = (c: string, end: 'min' | 'max') => e.lineItems.filter((l) => component.get(l.resource) === c).reduce((a, l) => a + cents(l.monthlyUsd[end]), 0);
    expect(cents(api!.dataStores.monthlyMax)).toBe(sumOf('database/db', 'max'));
    expect(cents(worker!.dataStores.monthlyMax)).toBe(0);
    const cacheShare = (s: typeof api) => s!.shares.find((x) => x.pool === 'cache/cache')!;
    // api: 1 vCPU × 2 tasks = 2; worker: 0.5 × 1 = 0.5 → 80% / 20%.
    expect(cacheShare(api)).toMatchObject({ weight: 2, poolWeight: 2.5, sharedWith: ['api', 'worker'] });
    const pool = sumOf('cache/cache', 'max');
    expect(cents(cacheShare(api).monthlyUsd.monthlyMax) + cents(cacheShare(worker).monthlyUsd.monthlyMax)).toBe(pool);
    expect(Math.abs(cents(cacheShare(api).monthlyUsd.monthlyMax) - pool * 0.8)).toBeLessThanOrEqual(1);
  });

  it("a service's own resources are its compute and its log group", () => {
    const own = e.lineItems.filter((l) => e.model.resources.find((r) => r.logicalId === l.resource)?.component === 'service/api');
    expect(own.map((l) => l.meter)).toEqual(expect.arrayContaining(['fargate.vcpu', 'fargate.memory']));
    expect(cents(api!.own.monthlyMax)).toBe(own.reduce((a, l) => a + cents(l.monthlyUsd.max), 0));
  });

  it('text, JSON and Markdown show the view; --by anything else is a usage error', async () => {
    const plan = buildPlan(planTargets(analysis), snapshot, { byService: true });
    expect(renderPlan(plan, 'text', { color: false })).toMatch(/By service \(own resources .*\n +service +placement +own +data stores +shared +total \/ month/);
    expect(renderPlan(plan, 'markdown', { color: false })).toContain('| service | placement | own | data stores | shared | total / month | unpriced (not in it) |');
    expect(JSON.parse(renderPlan(plan, 'json', { color: false })).environments[0].byService.services).toHaveLength(2);
    expect(buildPlan(planTargets(analysis), snapshot).environments[0]!.byService).toBeUndefined();
    const io = captureIO(process.cwd());
    expect(await runPlan({ file: 'examples/minimal/dex.yaml', format: 'text', pricing: 'snapshot', allowOverBudget: true, by: 'team' }, io)).toBe(EXIT.usage);
    expect(io.err()).toMatch(/DEX900: --by team: not a view/);
  });
});
