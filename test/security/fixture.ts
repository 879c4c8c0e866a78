// The spec the security tests start from (valid), and how a test swaps one of its values for a
// payload: in the YAML (the schema must refuse it, located) or in the normalized spec (past the
// schema, the emitters must still keep it data).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Analysis } from '../../pipeline/analyze.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { analyze } from './sandbox.js';

export const BASE_YAML = readFileSync(fileURLToPath(new URL('./base.dex.yaml', import.meta.url)), 'utf8');

/** The base YAML with one exact piece of text replaced (it must occur once). */
export function yamlWith(from: string, to: string): string {
  if (BASE_YAML.split(from).length !== 2) throw new Error(`${from} is not unique in the base spec`);
  return BASE_YAML.replace(from, () => to);
}

export const base: Analysis = analyze(BASE_YAML);

/** The normalized spec as a test may change it (the real one is read-only all the way down). */
export type Mutable<T> = T extends (...args: never[]) => unknown ? T : { -readonly [K in keyof T]: Mutable<T[K]> };
export type Change = (spec: Mutable<NormalizedSpec>) => void;

/** The base analysis with every compiled spec changed by `change` (bypassing the schema). */
export function bypassing(change: Change): Analysis {
  return withChange(base, change);
}

/** `analysis` with every compiled spec changed by `change`. */
export function withChange(analysis: Analysis, change: Change): Analysis {
  return {
    ...analysis,
    compiled: analysis.compiled.map((c) => {
      const spec = structuredClone(c.spec) as NormalizedSpec;
      change(spec as Mutable<NormalizedSpec>);
      return { ...c, spec, model: c.model ? { ...c.model, spec } : c.model };
    }),
  };
}

/** The production spec with `change` applied, for calling a building block directly. */
export function specWith(change: Change): NormalizedSpec {
  const spec = structuredClone(base.compiled.find((c) => c.environment === 'production')!.spec) as NormalizedSpec;
  change(spec as Mutable<NormalizedSpec>);
  return spec;
}
