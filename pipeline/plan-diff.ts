// What a change to dex.yaml does, for `dex plan`: the current side is what `dex emit` would write
// now (from the models analyze built), the baseline is the last emit, the spec at a git ref
// (compiled here, in memory) or the deployed stacks. Reading baselines is the CLI's
// (BaselineReader, cli/adapters/baselines.ts); the comparison is compiler/diff/.
import { BaselineError, baselineFromPlanJson, type Baseline, type PlanJsonResource } from '../compiler/diff/baseline.js';
import { diffEnvironment, diffFiles, type CurrentSide } from '../compiler/diff/index.js';
import type { DiffReport, EnvironmentDiff } from '../compiler/diff/types.js';
import type { Plan, PlanTarget } from '../compiler/pricing/plan.js';
import type { PriceSource } from '../compiler/pricing/types.js';
import { SYSTEM_OUTPUT_DIR, type PackageAssets } from '../emitters/index.js';
import { analyzeSpec, type Analysis } from './analyze.js';
import { compileEmit, compileSystemEmit, emitTargets, type EnvironmentOutput } from './emit.js';

/** Where baselines come from; every path in a label is as the user should read it. */
export interface BaselineReader {
  /** The out/ directory, for messages. */
  readonly outLabel: string;
  planJsonLabel(environment: string): string;
  /** out/<env>/plan.json and the files beside it, or undefined when there is none. */
  lastEmitted(environment: string): Promise<Baseline | undefined>;
  /** The files of out/<dir>/ (out/ci/), or undefined when there is no such directory. */
  lastEmittedFiles(dir: string): Promise<{ readonly label: string; readonly files: ReadonlyMap<string, string> } | undefined>;
  /** The spec file's text at a git ref, and its path in the repository. */
  specAtRef(ref: string): Promise<{ readonly text: string; readonly path: string }>;
  /** The deployed stacks of one environment (region: the spec's, unless the reader was told another). */
  deployedStacks(stackNames: readonly string[], specRegion: string): Promise<Baseline>;
}

export interface DiffRequest {
  /** 'last', 'git:REF', 'stack'; undefined: the last emit when there is one. */
  readonly against?: string;
  readonly environment?: string;
  /** The spec file as emitted files name it (from the repository root). */
  readonly specFile: string;
  /** dex's output folder from the repository root (the CI files). */
  readonly outDir?: string;
  readonly assets: PackageAssets;
}

export const AGAINST_FORMS = 'last, git:<ref> or stack';

/** A malformed --against value, before anything is read. */
export function checkAgainst(against: string | undefined): string | undefined {
  if (against === undefined || against === 'last' || against === 'stack' || /^git:.+/.test(against)) return undefined;
  return `--against ${against}: expected ${AGAINST_FORMS}`;
}

interface Side {
  readonly output: EnvironmentOutput;
  readonly side: CurrentSide;
}

function currentSide(output: EnvironmentOutput): Side {
  const planJson = JSON.parse(output.files.find((f) => f.path === 'plan.json')!.content) as { resources: PlanJsonResource[] };
  return { output, side: { resources: planJson.resources, files: new Map(output.files.map((f) => [f.path, f.content])) } };
}

/** The spec at a git ref, compiled in memory under the current spec file's name (so headers do not differ). */
async function gitBaselines(ref: string, request: DiffRequest, reader: BaselineReader, current: Pick<Analysis, 'registries' | 'today'>): Promise<{ environments: Map<string, Baseline>; systemFiles: Map<string, string> }> {
  const { text, path } = await reader.specAtRef(ref);
  const analysis = analyzeSpec(new TextEncoder().encode(text), `${ref}:${path}`, { ...(request.environment !== undefined ? { environment: request.environment } : {}), registries: current.registries, today: current.today });
  if (!analysis.ok) {
    const first = analysis.diagnostics.find((d) => d.severity === 'error');
    throw new BaselineError(`--against git:${ref}: the spec at ${ref} is invalid${first ? ` (${first.code}: ${first.message})` : ''}`);
  }
  const environments = new Map<string, Baseline>();
  const outputs: EnvironmentOutput[] = [];
  for (const compiled of emitTargets(analysis, request.environment)) {
    const output = compileEmit(compiled, { specFile: request.specFile, emitters: current.registries.environmentEmitters });
    outputs.push(output);
    const planFile = output.files.find((f) => f.path === 'plan.json')!;
    environments.set(output.environment, baselineFromPlanJson(planFile.content, `git:${ref}`, new Map(output.files.map((f) => [f.path, f.content]))));
  }
  const system = compileSystemEmit(analysis, { specFile: request.specFile, assets: request.assets, compiled: outputs, ...(request.outDir !== undefined ? { outDir: request.outDir } : {}) });
  return { environments, systemFiles: new Map(system.map((f) => [f.path, f.content])) };
}

export async function buildDiffReport(analysis: Analysis, plan: Plan, targets: readonly PlanTarget[], source: PriceSource, request: DiffRequest, reader: BaselineReader): Promise<DiffReport> {
  const malformed = checkAgainst(request.against);
  if (malformed) throw new BaselineError(malformed);
  const against = request.against ?? 'auto';
  const compiled = emitTargets(analysis, request.environment);
  // Compiled lazily: without a baseline there is nothing to compare it with.
  let current: Map<string, Side> | undefined;
  const currentOutputs = (): Map<string, Side> =>
    (current ??= new Map(compiled.map((c) => {
      const side = currentSide(compileEmit(c, { specFile: request.specFile, emitters: analysis.registries.environmentEmitters }));
      return [side.output.environment, side] as const;
    })));
  const envNames = compiled.map((c) => c.environment ?? 'default');
  const baselines = new Map<string, Baseline>();
  const warnings: string[] = [];
  let systemBaseline: { label: string; files: ReadonlyMap<string, string> } | undefined;
  if (against === 'auto' || against === 'last') {
    for (const env of envNames) {
      const b = await reader.lastEmitted(env);
      if (b) baselines.set(env, b);
      if (b && !systemBaseline) systemBaseline = await reader.lastEmittedFiles(SYSTEM_OUTPUT_DIR);
      if (!b && against === 'last') warnings.push(`no ${reader.planJsonLabel(env)}: ${env} is shown as all new`);
    }
    if (baselines.size === 0) {
      return { against: against === 'auto' ? 'none' : 'last', environments: [], warnings: [], noBaseline: `no baseline: showing the full plan (no emitted plan.json under ${reader.outLabel}; run dex emit, or pass --against git:<ref> or --against stack)` };
    }
  } else if (against.startsWith('git:')) {
    const git = await gitBaselines(against.slice(4), request, reader, analysis);
    for (const [env, b] of git.environments) baselines.set(env, b);
    systemBaseline = { label: against, files: git.systemFiles };
  } else {
    for (const [env, { output }] of currentOutputs()) {
      const b = await reader.deployedStacks(output.plan.stacks.map((s) => s.name), output.plan.region);
      baselines.set(env, b);
      warnings.push(...b.warnings);
    }
  }
  const environments: EnvironmentDiff[] = [];
  for (const [env, { side }] of currentOutputs()) {
    const planEnv = plan.environments.find((e) => e.environment === env)!;
    const target = targets.find((t) => t.environment === env)!;
    const baseline: Baseline = baselines.get(env) ?? { label: 'nothing (new environment)', region: planEnv.region, resources: [], priced: true, files: new Map(), warnings: [] };
    environments.push(diffEnvironment({ environment: env, baseline, current: side, plan: planEnv, target, source }));
  }
  // The pipeline's files (out/ci/) span environments: diffed once, as their own section.
  if (systemBaseline) {
    const systemCurrent = new Map(compileSystemEmit(analysis, { specFile: request.specFile, assets: request.assets, compiled: [...currentOutputs().values()].map((c) => c.output), ...(request.outDir !== undefined ? { outDir: request.outDir } : {}) }).map((f) => [f.path, f.content]));
    if (systemCurrent.size > 0) {
      environments.push({ environment: SYSTEM_OUTPUT_DIR, baseline: systemBaseline.label, changes: [], security: [], files: diffFiles(systemBaseline.files, systemCurrent), cost: null });
    }
  }
  return { against: against === 'auto' ? 'last' : against, environments, warnings };
}
