// The pure half of `dex emit`: analyzed spec → the files of each environment, as text. No disk:
// the CLI writes them (atomically), the benchmark and the tests just look at them.
import type { Analysis, CompiledEnvironment } from './analyze.js';
import { buildResourceModel } from './model/build.js';
import type { BuildingBlock, ResourceModel } from './model/types.js';
import { assignStacks, type StackPlan } from './stacks.js';
import { emitCloudFormation, type EmittedFile } from '../emitters/cloudformation.js';
import { emitPlanJson } from '../emitters/plan-json.js';
import { BUILDING_BLOCKS } from '../services/index.js';

export interface EmitOptions {
  /** The spec file as the user named it, for the templates' header comment. */
  readonly specFile?: string;
  readonly blocks?: readonly BuildingBlock[];
}

export interface EnvironmentOutput {
  /** Directory name under out/: the environment, or 'default' for a spec without environments. */
  readonly environment: string;
  readonly model: ResourceModel;
  readonly plan: StackPlan;
  /** Paths relative to out/<environment>/, sorted. */
  readonly files: readonly EmittedFile[];
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
  const model = buildResourceModel(compiled.spec, options.blocks ?? BUILDING_BLOCKS);
  const plan = assignStacks(model);
  const files = [...emitCloudFormation(plan, { specFile: options.specFile }), emitPlanJson(model, plan)].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  return { environment: compiled.environment ?? 'default', model, plan, files };
}
