// The bootstrap of a system (services/bootstrap.ts): one model per account and region its
// environments use, built from every environment (the roles of all, the registry of the first
// stage), stacked like an environment's, and written to out/bootstrap/ by emitters/bootstrap.ts.
import { buildResourceModel } from '../compiler/model/build.js';
import type { EmittedFile } from '../compiler/model/output.js';
import type { Clock, ModelResource, ResourceModel } from '../compiler/model/types.js';
import { assignStacks } from '../compiler/stacks.js';
import { emitBootstrap, type BootstrapOutputInput } from '../emitters/bootstrap.js';
import { bootstrapBlock, bootstrapTargets, type EnvironmentResources } from '../services/bootstrap.js';
import { defaultRegistries } from './registries.js';
import type { NormalizedSpec } from '../spec/model.js';
import type { Analysis } from './analyze.js';
import { systemModels, type EnvironmentOutput } from './emit.js';

export type BootstrapOutput = BootstrapOutputInput;

/**
 * An environment's resources, for its execution role and permissions boundary: from the models the
 * caller has, else built with the default building blocks.
 */
function resourcesOf(models: readonly ResourceModel[], today: Clock): EnvironmentResources {
  const built = new Map<NormalizedSpec, readonly ModelResource[]>();
  return (env) => {
    const known = models.find((m) => m.spec === env || (m.spec.name === env.name && m.spec.environment === env.environment));
    if (known) return known.resources;
    let resources = built.get(env);
    if (resources === undefined) built.set(env, (resources = buildResourceModel(env, defaultRegistries().blocks, { today }).resources));
    return resources;
  };
}

/** The bootstrap models of these environments (all of a spec's, in declaration order), given the environments' models where the caller has them. */
export function compileBootstraps(environments: readonly NormalizedSpec[], today: Clock, models: readonly ResourceModel[] = []): BootstrapOutput[] {
  const resources = resourcesOf(models, today);
  return bootstrapTargets(environments).map((target) => {
    const model = buildResourceModel(target.spec, [bootstrapBlock(target, environments, resources)], { today });
    return { target, model, plan: assignStacks(model) };
  });
}

/**
 * What compliance rules look at for one environment: its own resources and those of the bootstrap
 * in its account and region that it relies on (its repositories, CI roles, artifacts bucket).
 */
export function withOwnBootstrap(model: ResourceModel, today: Clock): ResourceModel {
  const own = bootstrapTargets([model.spec])[0];
  if (own === undefined) return model;
  const ids = new Set(model.resources.map((r) => r.logicalId));
  const extra = buildResourceModel(own.spec, [bootstrapBlock(own, [model.spec], resourcesOf([model], today))], { today }).resources.filter((r) => !ids.has(r.logicalId));
  return { spec: model.spec, resources: [...model.resources, ...extra] };
}

/** The bootstraps of an analyzed spec, reusing the environments the caller compiled. */
export function analysisBootstraps(analysis: Pick<Analysis, 'raw' | 'compiled' | 'registries' | 'today'>, compiled?: readonly EnvironmentOutput[]): BootstrapOutput[] {
  const system = systemModels(analysis, compiled);
  return compileBootstraps(system.map((e) => e.model.spec), analysis.today, system.map((e) => e.model));
}

/** Files of out/bootstrap/ (paths relative to it). */
export function compileBootstrapEmit(bootstraps: readonly BootstrapOutput[], specFile?: string): EmittedFile[] {
  const system = bootstraps[0]?.target.spec.name;
  if (system === undefined) return [];
  return emitBootstrap({ system, bootstraps, ...(specFile !== undefined ? { specFile } : {}) }).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
