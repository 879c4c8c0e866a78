// The front half of the pipeline, shared by every command: read → schema → overlay checks →
// normalize (per environment) → semantic checks, with every finding placed at file:line:col.
import { checkAgainstSchema } from '../spec/schema-check.js';
import { dedupeDiagnostics, hasErrors, sortDiagnostics, type Diagnostic, type Finding, type SpecPath } from '../spec/diagnostics.js';
import { findNode, loadSpecBytes, locate, place, type SpecSource } from '../spec/load.js';
import type { DexSpec, NormalizedSpec } from '../spec/model.js';
import { normalizeSpec } from '../spec/normalize.js';
import { suggest } from '../spec/schema-check.js';
import { runSemanticChecks } from './checks/index.js';
import { nameEnvironment, runComplianceChecks } from './compliance/engine.js';
import type { Clock } from './model/types.js';

/** The one place dex reads the system clock; everything below the drivers is handed a Clock. */
export const systemClock: Clock = () => new Date();

export interface AnalyzeOptions {
  /** Compile only this environment; without it the base spec and every environment are checked. */
  readonly environment?: string;
  /** Include info diagnostics (e.g. placement decisions). */
  readonly includeInfo?: boolean;
  /** The date EKS support windows are judged on; the system clock by default. */
  readonly today?: Clock;
}

export interface CompiledEnvironment {
  /** undefined for the base spec (no overlay). */
  readonly environment: string | undefined;
  readonly spec: NormalizedSpec;
}

export interface Analysis {
  readonly source: SpecSource;
  /** The schema-valid raw spec, when it got that far. */
  readonly raw: DexSpec | undefined;
  readonly compiled: readonly CompiledEnvironment[];
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
}

export function analyzeSpec(bytes: Uint8Array, file: string, options: AnalyzeOptions = {}): Analysis {
  const today = options.today ?? systemClock;
  const loaded = loadSpecBytes(bytes, file);
  const { source } = loaded;
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const finish = (raw: DexSpec | undefined, compiled: CompiledEnvironment[]): Analysis => {
    const visible = options.includeInfo ? diagnostics : diagnostics.filter((d) => d.severity !== 'info');
    const sorted = sortDiagnostics(dedupeDiagnostics(visible));
    return { source, raw, compiled, diagnostics: sorted, ok: !hasErrors(sorted) };
  };
  if (loaded.value === undefined || hasErrors(diagnostics)) return finish(undefined, []);

  for (const f of checkAgainstSchema(loaded.value)) diagnostics.push(placeFinding(source, f));
  if (hasErrors(diagnostics)) return finish(undefined, []);
  const raw = loaded.value as DexSpec;

  const environments = Object.keys(raw.environments ?? {});
  for (const f of checkOverlayNames(raw)) diagnostics.push(placeFinding(source, f));
  if (options.environment !== undefined && !environments.includes(options.environment)) {
    const guess = suggest(options.environment, environments);
    diagnostics.push({
      code: 'DEX400',
      severity: 'error',
      message: `no environment "${options.environment}" in ${file}`,
      path: ['environments'],
      file,
      hint: environments.length === 0 ? 'the spec declares no environments' : guess ? `did you mean ${guess}?` : `environments: ${environments.join(', ')}`,
    });
    return finish(raw, []);
  }
  if (hasErrors(diagnostics)) return finish(raw, []);

  const targets = options.environment !== undefined ? [options.environment] : [undefined, ...environments];
  const compiled: CompiledEnvironment[] = [];
  // A base-spec finding that every environment inherits unchanged is reported once, for the base.
  const baseFindings = new Set<string>();
  for (const environment of targets) {
    const { spec, findings } = normalizeSpec(raw, environment);
    compiled.push({ environment, spec });
    for (const f of [...findings, ...runSemanticChecks(spec, today)]) {
      const key = `${f.code}|${JSON.stringify(f.path)}|${f.message}`;
      const placed = placeFinding(source, f, environment);
      if (environment === undefined) baseFindings.add(key);
      else if (baseFindings.has(key) && placed.message !== f.message) continue; // not the overlay's own value
      diagnostics.push(placed);
    }
    // Compliance rules read the resource model too, so they run only on a spec that compiles.
    if (!hasErrors(diagnostics.filter((d) => !d.code.startsWith('DEX6')))) {
      for (const f of runComplianceChecks(spec, raw, today)) diagnostics.push(nameEnvironment(placeFinding(source, f, environment), environment));
    }
  }
  return finish(raw, compiled);
}

/**
 * Places a finding made on the merged spec: at the overlay's node when the environment set the
 * value, else at the base spec's node, else at the nearest ancestor that exists in the file.
 */
export function placeFinding(source: SpecSource, finding: Finding, environment?: string): Diagnostic {
  let path: SpecPath = finding.path;
  let fromOverlay = false;
  if (environment !== undefined) {
    const overlayPath = ['environments', environment, ...finding.path];
    const found = findNode(source.document, overlayPath);
    // Only the overlay's own value counts, not just its environment key.
    if (found.depth === overlayPath.length || (found.depth > 2 && found.depth > findNode(source.document, finding.path).depth + 2)) {
      path = overlayPath;
      fromOverlay = true;
    }
  }
  const range = locate(source, path, finding.atKey);
  const diagnostic = place(finding, source.file, range, environment);
  if (environment !== undefined && !fromOverlay) {
    // The base value is at fault only in this environment: say which, so the reader is not puzzled.
    return { ...diagnostic, message: `${diagnostic.message} (in environment ${environment})` };
  }
  return diagnostic;
}

/** Overlays may only name services, databases and caches the base spec declares. */
function checkOverlayNames(raw: DexSpec): Finding[] {
  const findings: Finding[] = [];
  for (const [env, overlay] of Object.entries(raw.environments ?? {})) {
    if (env === 'ci' || env === 'default') {
      findings.push({
        code: 'DEX402',
        message: `"${env}" cannot name an environment: dex emit writes ${env === 'ci' ? 'the delivery pipeline' : 'a spec without environments'} to out/${env}/`,
        path: ['environments', env],
        atKey: true,
        hint: env === 'ci' ? 'call it e.g. integration or test' : 'call it e.g. dev',
      });
    }
    for (const section of ['services', 'databases', 'caches'] as const) {
      const known = Object.keys(raw[section] ?? {});
      for (const name of Object.keys(overlay[section] ?? {})) {
        if (known.includes(name)) continue;
        const guess = suggest(name, known);
        findings.push({
          code: 'DEX401',
          message: `environment ${env} overrides ${section}.${name}, which the base spec does not declare`,
          path: ['environments', env, section, name],
          atKey: true,
          hint: guess ? `did you mean ${guess}?` : `declare it under ${section}: first; overlays change things, they do not add them`,
        });
      }
    }
  }
  return findings;
}
