// The pure half of `dex emit`: analyzed spec → the files of each environment, as text. No disk:
// the CLI writes them (atomically), the benchmark and the tests just look at them. Each
// environment's model is the one pipeline/analyze.ts built; nothing here builds it again.
import { buildResourceModel, ModelError } from '../compiler/model/build.js';
import type { EmittedFile } from '../compiler/model/output.js';
import type { ResourceModel } from '../compiler/model/types.js';
import { assignStacks, type StackPlan } from '../compiler/stacks.js';
import { emitCloudFormation } from '../emitters/cloudformation.js';
import type { EnvironmentEmitInput, EnvironmentEmitter, PackageAssets } from '../emitters/index.js';
import { emitPlanJson } from '../emitters/plan-json.js';
import { normalizeSpec } from '../spec/normalize.js';
import type { Analysis, CompiledEnvironment } from './analyze.js';
import { ENVIRONMENT_EMITTERS } from './registries.js';

export interface EmitOptions {
  /** The spec file as the user named it, for the templates' header comment. */
  readonly specFile?: string;
  /** Default: the registry's. */
  readonly emitters?: readonly EnvironmentEmitter[];
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

/** The model analyze built; a compiled environment without one is a dex bug, reported as DEX999. */
export function modelOf(compiled: CompiledEnvironment): ResourceModel {
  return compiled.model ?? noModel(compiled);
}

/** Why a compiled environment has no model (and so no compliance result either). */
export function noModel(compiled: CompiledEnvironment): never {
  throw compiled.modelError ?? new ModelError(`no resource model for ${compiled.environment ?? 'the base spec'}: the spec did not compile`);
}

export function compileEmit(compiled: CompiledEnvironment, options: EmitOptions = {}): EnvironmentOutput {
  const model = modelOf(compiled);
  const plan = assignStacks(model);
  const extra = (options.emitters ?? ENVIRONMENT_EMITTERS).flatMap((e) => e.emit({ spec: compiled.spec, model, plan, specFile: options.specFile }));
  const files = [...emitCloudFormation(plan, { specFile: options.specFile }), emitPlanJson(model, plan), ...extra].sort(byPath);
  return { environment: compiled.environment ?? 'default', model, plan, files };
}

function byPath(a: EmittedFile, b: EmittedFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export interface SystemEmitOptions extends EmitOptions {
  /** dex's output folder from the repository root, for the CI files that run from it. */
  readonly outDir?: string;
  /** What the system emitters read from the package (the release script). */
  readonly assets: PackageAssets;
  /** Environments already compiled by the caller; only the others are compiled here. */
  readonly compiled?: readonly EnvironmentOutput[];
}

/**
 * Files that span environments (the delivery pipeline), for out/ci/. Every environment is
 * compiled, whatever --env asked for: a pipeline promotes through all of them.
 */
export function compileSystemEmit(analysis: Pick<Analysis, 'raw' | 'compiled' | 'registries' | 'today'>, options: SystemEmitOptions): EmittedFile[] {
  const emitters = analysis.registries.systemEmitters;
  if (emitters.length === 0 || analysis.raw === undefined) return [];
  const environments = systemEnvironments(analysis, options.compiled, options.specFile);
  return emitters.flatMap((e) => e.emit({ environments, specFile: options.specFile, assets: options.assets, ...(options.outDir !== undefined ? { outDir: options.outDir } : {}) })).sort(byPath);
}

/**
 * Every environment of the spec in declaration order (the base spec as 'default' when it declares
 * none), compiled: the ones the caller already has are reused, the others built here.
 */
export function systemEnvironments(
  analysis: Pick<Analysis, 'raw' | 'compiled' | 'registries' | 'today'>,
  compiled?: readonly EnvironmentOutput[],
  specFile?: string,
): (EnvironmentEmitInput & { readonly name: string })[] {
  return systemModels(analysis, compiled).map(({ name, model, plan }) => ({ name, spec: model.spec, model, plan: plan ?? assignStacks(model), specFile }));
}

/**
 * The same environments' models, without their stack plans unless the caller already has them:
 * what the bootstrap needs (its roles, registries and boundaries read the models, not the stacks).
 */
export function systemModels(
  analysis: Pick<Analysis, 'raw' | 'compiled' | 'registries' | 'today'>,
  compiled?: readonly EnvironmentOutput[],
): { readonly name: string; readonly model: ResourceModel; readonly plan?: StackPlan }[] {
  const { raw, registries } = analysis;
  if (raw === undefined) return [];
  const names = Object.keys(raw.environments ?? {});
  return (names.length ? names : [undefined]).map((name) => {
    const done = compiled?.find((o) => o.environment === (name ?? 'default'));
    if (done) return { name: done.environment, model: done.model, plan: done.plan };
    const known = analysis.compiled.find((c) => c.environment === name && c.model);
    const spec = known?.spec ?? normalizeSpec(raw, name).spec;
    const model = known?.model ?? buildResourceModel(spec, registries.blocks, { today: analysis.today });
    return { name: name ?? 'default', model };
  });
}
