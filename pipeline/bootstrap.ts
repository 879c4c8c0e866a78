// The bootstrap of a system (services/bootstrap.ts): one model per account and region its
// environments use, built from every environment (the roles of all, the registry of the first
// stage), stacked like an environment's, and written to out/bootstrap/ by emitters/bootstrap.ts.
import { buildResourceModel } from '../compiler/model/build.js';
import type { EmittedFile } from '../compiler/model/output.js';
import type { Clock, ResourceModel } from '../compiler/model/types.js';
import { assignStacks } from '../compiler/stacks.js';
import { emitBootstrap, type BootstrapOutputInput } from '../emitters/bootstrap.js';
import { bootstrapBlock, bootstrapTargets } from '../services/bootstrap.js';
import type { NormalizedSpec } from '../spec/model.js';
import type { Analysis } from './analyze.js';
import { systemEnvironments, type EnvironmentOutput } from './emit.js';

export type BootstrapOutput = BootstrapOutputInput;

/** The bootstrap models of these environments (all of a spec's, in declaration order). */
export function compileBootstraps(environments: readonly NormalizedSpec[], today: Clock): BootstrapOutput[] {
  return bootstrapTargets(environments).map((target) => {
    const model = buildResourceModel(target.spec, [bootstrapBlock(target, environments)], { today });
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
  const extra = buildResourceModel(own.spec, [bootstrapBlock(own, [model.spec])], { today }).resources.filter((r) => !ids.has(r.logicalId));
  return { spec: model.spec, resources: [...model.resources, ...extra] };
}

/** The bootstraps of an analyzed spec, reusing the environments the caller compiled. */
export function analysisBootstraps(analysis: Pick<Analysis, 'raw' | 'compiled' | 'registries' | 'today'>, compiled?: readonly EnvironmentOutput[]): BootstrapOutput[] {
  const environments = systemEnvironments(analysis, compiled).map((e) => e.spec);
  return compileBootstraps(environments, analysis.today);
}

/** Files of out/bootstrap/ (paths relative to it). */
export function compileBootstrapEmit(bootstraps: readonly BootstrapOutput[], specFile?: string): EmittedFile[] {
  const system = bootstraps[0]?.target.spec.name;
  if (system === undefined) return [];
  return emitBootstrap({ system, bootstraps, ...(specFile !== undefined ? { specFile } : {}) }).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
