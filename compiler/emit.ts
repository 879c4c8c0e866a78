// The pure half of `dex emit`: analyzed spec → the files of each environment, as text. No disk:
// the CLI writes them (atomically), the benchmark and the tests just look at them.
import { systemClock, type Analysis, type CompiledEnvironment } from './analyze.js';
import { buildResourceModel } from './model/build.js';
import type { BuildingBlock, Clock, ResourceModel } from './model/types.js';
import { assignStacks, type StackPlan } from './stacks.js';
import { emitCloudFormation, type EmittedFile } from '../emitters/cloudformation.js';
import { emitPlanJson } from '../emitters/plan-json.js';
import { BUILDING_BLOCKS } from '../services/index.js';
import { ENVIRONMENT_EMITTERS, SYSTEM_EMITTERS, type EnvironmentEmitter, type SystemEmitter } from '../emitters/index.js';
import type { DexSpec } from '../spec/model.js';
import { normalizeSpec } from '../spec/normalize.js';

export interface EmitOptions {
  /** The spec file as the user named it, for the templates' header comment. */
  readonly specFile?: string;
  readonly blocks?: readonly BuildingBlock[];
  readonly emitters?: readonly EnvironmentEmitter[];
  /** The environment's model when the caller already built it (dex plan), so it is not built twice. */
  readonly model?: ResourceModel;
  /** The date the model is built on (EKS support type); the system clock by default. */
  readonly today?: Clock;
}

export interface EnvironmentOutput {
  /** Directory name under out/: the environment, or 'default' for a spec without environments. */
  readonly environment: string;
  readonly model: ResourceModel;
  readonly plan: StackPlan;
  /** Paths relative to out/<environment>/, sorted. */
  readonly files: readonly EmittedFile[];
  /** True for the system-level output (out/ci/), which belongs to no one environment. */
  readonly system?: boolean;
}

/**
 * Which compiled specs `dex emit` writes: the one asked for, else every declared environment, else
 * the base spec as 'default'. (The base spec of a spec with environments is checked, not emitted.)
 */
export function emitTargets(analysis: Pick<Analysis, 'compiled'>, environment?: string): CompiledEnvironment[] {
  if (environment !== undefined) return analysis.compiled.filter((c) => c.environment === environment);
  const named = analysis.compiled.filter((c) => c.environment !== undefined);
  return named.length > 0 ? named : analysis.compiled.filter((c) => c.environment === undefined);
}

export function compileEmit(compiled: CompiledEnvironment, options: EmitOptions = {}): EnvironmentOutput {
  const model = options.model ?? buildResourceModel(compiled.spec, options.blocks ?? BUILDING_BLOCKS, { today: options.today ?? systemClock });
  const plan = assignStacks(model);
  const extra = (options.emitters ?? ENVIRONMENT_EMITTERS).flatMap((e) => e.emit({ spec: compiled.spec, model, plan, specFile: options.specFile }));
  const files = [...emitCloudFormation(plan, { specFile: options.specFile }), emitPlanJson(model, plan), ...extra].sort(byPath);
  return { environment: compiled.environment ?? 'default', model, plan, files };
}

function byPath(a: EmittedFile, b: EmittedFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export interface SystemEmitOptions extends EmitOptions {
  readonly systemEmitters?: readonly SystemEmitter[];
  /** Environments already compiled by the caller; only the others are compiled here. */
  readonly compiled?: readonly EnvironmentOutput[];
}

/**
 * Files that span environments (the delivery pipeline), for out/ci/. Every environment is
 * compiled, whatever --env asked for: a pipeline promotes through all of them.
 */
export function compileSystemEmit(raw: DexSpec, options: SystemEmitOptions = {}): EmittedFile[] {
  const emitters = options.systemEmitters ?? SYSTEM_EMITTERS;
  if (emitters.length === 0) return [];
  const names = Object.keys(raw.environments ?? {});
  const environments = (names.length ? names : [undefined]).map((name) => {
    const done = options.compiled?.find((o) => o.environment === (name ?? 'default'));
    if (done) return { name: done.environment, spec: done.model.spec, model: done.model, plan: done.plan, specFile: options.specFile };
    const spec = normalizeSpec(raw, name).spec;
    const model = buildResourceModel(spec, options.blocks ?? BUILDING_BLOCKS, { today: options.today ?? systemClock });
    return { name: name ?? 'default', spec, model, plan: assignStacks(model), specFile: options.specFile };
  });
  return emitters.flatMap((e) => e.emit({ environments, specFile: options.specFile })).sort(byPath);
}
