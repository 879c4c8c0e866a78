// Reference rules: `uses` names things that exist, and calls between services form no cycle
// (a cycle has no order to start in, and usually means two services should be one).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { suggest } from '../../spec/schema-check.js';
import type { SemanticRule } from './index.js';

export const usesRule: SemanticRule = {
  id: 'uses',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    const known = [...Object.keys(spec.databases), ...Object.keys(spec.caches), ...Object.keys(spec.services), ...Object.keys(spec.buckets ?? {}), ...Object.keys(spec.tables ?? {})];
    for (const s of Object.values(spec.services)) {
      s.uses.forEach((name, i) => {
        if (Object.hasOwn(spec.databases, name) || Object.hasOwn(spec.caches, name) || Object.hasOwn(spec.services, name)) return;
        if (Object.hasOwn(spec.buckets ?? {}, name) || Object.hasOwn(spec.tables ?? {}, name)) return;
        const guess = suggest(name, known);
        findings.push({
          code: 'DEX305',
          message: `${s.name} uses "${name}", but there is no database, cache or service of that name`,
          path: ['services', s.name, 'uses', s.usesPositions?.[i] ?? i],
          hint: guess ? `did you mean ${guess}?` : known.length > 0 ? `declared: ${known.join(', ')}` : 'declare it under databases:, caches: or services:',
        });
      });
    }
    return findings;
  },
};

export const cycleRule: SemanticRule = {
  id: 'uses-cycle',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    // Service → service edges only; a name that is also a database or cache means the data store.
    const isService = (name: string): boolean => Object.hasOwn(spec.services, name) && !Object.hasOwn(spec.databases, name) && !Object.hasOwn(spec.caches, name);
    const edges = (name: string): [string, number][] =>
      (Object.hasOwn(spec.services, name) ? spec.services[name]!.uses : []).flatMap((to, i): [string, number][] => (isService(to) ? [[to, spec.services[name]!.usesPositions?.[i] ?? i]] : []));

    // Depth-first search, iterative so a long chain of calls cannot overflow the stack; each edge
    // back into the current path closes one cycle.
    const state = new Map<string, 'open' | 'done'>();
    const reported = new Set<string>();
    const visit = (root: string): void => {
      const path: string[] = [root];
      const frames: { name: string; edges: [string, number][]; next: number }[] = [{ name: root, edges: edges(root), next: 0 }];
      state.set(root, 'open');
      while (frames.length > 0) {
        const frame = frames[frames.length - 1]!;
        const edge = frame.edges[frame.next++];
        if (!edge) {
          state.set(frame.name, 'done');
          frames.pop();
          path.pop();
          continue;
        }
        const [to, i] = edge;
        const name = frame.name;
        if (state.get(to) === 'open') {
          const cycle = [...path.slice(path.indexOf(to)), to];
          const key = [...new Set(cycle)].sort().join(' ');
          if (reported.has(key)) continue;
          reported.add(key);
          findings.push(
            to === name
              ? { code: 'DEX306', message: `${name} uses itself`, path: ['services', name, 'uses', i], hint: `remove ${name} from its own uses; calls inside a service need no permission` }
              : {
                  code: 'DEX306',
                  message: `services use each other in a cycle: ${showCycle(cycle)}`,
                  path: ['services', name, 'uses', i],
                  hint: `break the cycle: remove ${to} from ${name}'s uses (or another edge), e.g. by sending events through a queue instead of calling back`,
                },
          );
        } else if (!state.has(to)) {
          state.set(to, 'open');
          path.push(to);
          frames.push({ name: to, edges: edges(to), next: 0 });
        }
      }
    };
    for (const name of Object.keys(spec.services)) if (!state.has(name)) visit(name);
    return findings;
  },
};

/** a → b → a; a very long cycle keeps its ends and says how many it leaves out. */
function showCycle(cycle: readonly string[]): string {
  if (cycle.length <= 12) return cycle.join(' → ');
  return [...cycle.slice(0, 6), `… (${cycle.length - 11} more) …`, ...cycle.slice(-5)].join(' → ');
}
