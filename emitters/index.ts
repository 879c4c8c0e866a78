// Registries of the file emitters `dex emit` runs besides CloudFormation and plan.json.
// Adding an output format means adding its module and one line here.
import type { ResourceModel } from '../compiler/model/types.js';
import type { StackPlan } from '../compiler/stacks.js';
import type { NormalizedSpec } from '../spec/model.js';
import type { EmittedFile } from './cloudformation.js';
import { kubernetesEmitter } from './kubernetes.js';
import { monitoringEmitter } from './monitoring/index.js';
import { ciEmitter } from './ci/index.js';

export interface EnvironmentEmitInput {
  readonly spec: NormalizedSpec;
  readonly model: ResourceModel;
  readonly plan: StackPlan;
  /** The spec file as the user named it, for header comments. */
  readonly specFile?: string;
}

/** Writes files of one environment; paths are relative to out/<environment>/ (e.g. kubernetes/…). */
export interface EnvironmentEmitter {
  readonly name: string;
  emit(input: EnvironmentEmitInput): EmittedFile[];
}

export interface SystemEmitInput {
  /** Every environment of the spec in declaration order (or the base spec as 'default' when it declares none). */
  readonly environments: readonly (EnvironmentEmitInput & { readonly name: string })[];
  readonly specFile?: string;
}

/** Writes files that span environments (the delivery pipeline); paths are relative to out/ci/. */
export interface SystemEmitter {
  readonly name: string;
  emit(input: SystemEmitInput): EmittedFile[];
}

export const ENVIRONMENT_EMITTERS: readonly EnvironmentEmitter[] = [
  kubernetesEmitter,
  monitoringEmitter,
];

export const SYSTEM_EMITTERS: readonly SystemEmitter[] = [
  ciEmitter,
];

/** Directory under out/ for system-level files; an environment may not take this name (DEX402). */
export const SYSTEM_OUTPUT_DIR = 'ci';
