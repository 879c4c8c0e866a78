// What a file emitter is given and what it returns. The registry of emitters is
// pipeline/registries.ts: adding an output format means adding its module and one line there.
import type { ResourceModel } from '../compiler/model/types.js';
import type { StackPlan } from '../compiler/stacks.js';
import type { NormalizedSpec } from '../spec/model.js';
import type { EmittedFile } from '../compiler/model/output.js';

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
  /** dex's output folder from the repository root (default: out/ beside the spec). */
  readonly outDir?: string;
  readonly assets: PackageAssets;
}

/** Files of the dex package that emitters copy into the output; read by cli/adapters/assets.ts. */
export interface PackageAssets {
  /** templates/ci/release.sh, copied as is to out/ci/scripts/release.sh. */
  readonly releaseScript: string;
  /**
   * The dex GitHub Action (action.yml at the root of dex's repository) at the release that emits:
   * `owner/name@v<version>`, from package.json's repository and version. The pull-request
   * workflow runs it, so it plans with the same dex that wrote it.
   */
  readonly dexAction: string;
}

/** Writes files that span environments (the delivery pipeline); paths are relative to out/ci/. */
export interface SystemEmitter {
  readonly name: string;
  emit(input: SystemEmitInput): EmittedFile[];
}

/** Directory under out/ for system-level files; an environment may not take this name (DEX402). */
export const SYSTEM_OUTPUT_DIR = 'ci';
