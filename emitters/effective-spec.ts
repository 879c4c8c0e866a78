// `dex show`: the spec one environment deploys, as the user would have written it: the overlay
// merged into the base, `environments` dropped. In YAML each value the overlay set carries a
// comment naming it, so a reader sees at once what the environment changes.
import { Document, isCollection, isScalar, type Node } from 'yaml';
import { effectiveSpec, isProtectedEnvironment } from '../spec/normalize.js';
import type { DexSpec } from '../spec/model.js';
import { YAML_OPTIONS } from '../compiler/model/output.js';

export type EffectiveSpecFormat = 'yaml' | 'json';

export function renderEffectiveSpec(raw: DexSpec, environment: string | undefined, format: EffectiveSpecFormat, specFile: string): string {
  // `protect` belongs to an environment, not to a spec's top level: it goes in the header instead.
  const { protect: _protect, ...merged } = effectiveSpec(raw, environment) as DexSpec & { protect?: boolean };
  const protectedNote = environment
    ? isProtectedEnvironment(raw, environment)
      ? 'production-like (protect): the same rules as this file has on its own'
      : 'not production-like (protect: false): on its own this file is judged by production rules'
    : '';
  if (format === 'json') return `${JSON.stringify(merged, null, 2)}\n`;
  const doc = new Document(merged, { keepSourceTokens: false });
  const overlay = environment ? raw.environments?.[environment] : undefined;
  if (environment && overlay) markOverlay(doc, overlay, [], `environments.${environment}`);
  doc.commentBefore = environment
    ? ` ${specFile}, environment ${environment}: the base with the overlay merged in\n (written by dex show; "# environments.${environment}" marks what the overlay sets)\n ${protectedNote}`
    : ` ${specFile}: the base spec, no environment's overlay (written by dex show)`;
  return doc.toString(YAML_OPTIONS);
}

/** A comment on each value the overlay set: its scalars, and the lists it replaced whole (maps merge, so their keys are marked one by one). */
function markOverlay(doc: Document, overlay: unknown, path: readonly (string | number)[], from: string): void {
  if (overlay !== null && typeof overlay === 'object' && !Array.isArray(overlay)) {
    for (const key of Object.keys(overlay)) markOverlay(doc, (overlay as Record<string, unknown>)[key], [...path, key], from);
    return;
  }
  const node = doc.getIn(path, true) as Node | undefined;
  if (node) note(node, from);
}

function note(node: Node, from: string): void {
  if (isScalar(node)) node.comment = ` ${from}`;
  else if (isCollection(node)) node.commentBefore = ` from ${from}`;
}
