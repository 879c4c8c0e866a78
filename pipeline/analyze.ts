// The front half of the pipeline, shared by every command: read → schema → overlay checks →
// normalize (per environment) → semantic checks → the resource model → compliance, with every
// finding placed at file:line:col. Each deployed environment's model is built here, once; emit,
// plan and the compliance report reuse it.
import { checkAgainstSchema, suggest } from '../spec/schema-check.js';
import { dedupeDiagnostics, hasErrors, sortDiagnostics, type Diagnostic, type Finding } from '../spec/diagnostics.js';
import { loadSpecBytes, type SpecSource } from '../spec/load.js';
import type { DexSpec, NormalizedSpec } from '../spec/model.js';
import { normalizeSpec } from '../spec/normalize.js';
import { placeFinding } from '../spec/place.js';
import { runSemanticChecks } from '../compiler/checks/index.js';
import { checkOverlayNames } from '../compiler/checks/overlays.js';
import { checkAwsNames, checkSharedNames } from '../compiler/checks/aws-names.js';
import { checkPolicySize } from '../compiler/checks/permissions.js';
import { checkPipelineAccounts } from '../compiler/checks/cicd.js';
import { buildResourceModel } from '../compiler/model/build.js';
import type { Clock, ResourceModel } from '../compiler/model/types.js';
import type { ExistingEksClusters } from '../compiler/checks/platforms.js';
import { complianceFindings, dataDeclaration, evaluateCompliance, nameEnvironment } from '../compiler/compliance/engine.js';
import type { ComplianceResult } from '../compiler/compliance/types.js';
import { checkPricedClasses } from '../compiler/pricing/priced-classes.js';
import type { PricedClasses } from '../compiler/pricing/snapshot.js';
import { withOwnBootstrap } from './bootstrap.js';
import { defaultRegistries, type Registries } from './registries.js';

/** The one place dex reads the system clock; everything below the pipeline is handed a Clock. */
export const systemClock: Clock = () => new Date();

export interface AnalyzeOptions {
  /** Compile only this environment; without it the base spec and every environment are checked. */
  readonly environment?: string;
  /** Include info diagnostics (e.g. placement decisions). */
  readonly includeInfo?: boolean;
  /** The building blocks, rules and emitters (default: pipeline/registries.ts). */
  readonly registries?: Registries;
  /** The date EKS support windows are judged on (checks and the model); the system clock by default. */
  readonly today?: Clock;
  /**
   * The EKS clusters known to run, per environment directory: the version in out/<env>/plan.json of
   * the last emit (cli/adapters/baselines.ts reads it). A version past extended support is an error
   * for a new cluster and a warning for one of these.
   */
  readonly existingEksClusters?: ExistingEksClusters;
  /**
   * The classes the offline price snapshot prices in a region (`dex validate` reads them from the
   * region pack); given, instance/DB/cache classes without a price are reported (DEX346).
   */
  readonly pricedClasses?: (region: string) => PricedClasses | undefined;
  /** What the models are for (BuildContext.purpose): 'checks' when only the diagnostics are used. Default 'output'. */
  readonly purpose?: 'output' | 'checks';
}

export interface CompiledEnvironment {
  /** undefined for the base spec (no overlay). */
  readonly environment: string | undefined;
  readonly spec: NormalizedSpec;
  /**
   * The resource model, for what is deployed (each environment, or the base spec of a spec without
   * environments) when the spec compiles; `modelError` says why it could not be built (a dex bug).
   */
  readonly model?: ResourceModel;
  readonly modelError?: Error;
  readonly compliance?: ComplianceResult;
}

export interface Analysis {
  readonly source: SpecSource;
  /** The schema-valid raw spec, when it got that far. */
  readonly raw: DexSpec | undefined;
  readonly compiled: readonly CompiledEnvironment[];
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
  readonly registries: Registries;
  /** The clock the analysis ran on, for models built later (out/ci/ of environments not asked for). */
  readonly today: Clock;
}

export function analyzeSpec(bytes: Uint8Array, file: string, options: AnalyzeOptions = {}): Analysis {
  const registries = options.registries ?? defaultRegistries();
  const today = options.today ?? systemClock;
  const rules = registries.semanticRules(today, options.existingEksClusters ?? {});
  const loaded = loadSpecBytes(bytes, file);
  const { source } = loaded;
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const finish = (raw: DexSpec | undefined, compiled: CompiledEnvironment[]): Analysis => {
    const visible = options.includeInfo ? diagnostics : diagnostics.filter((d) => d.severity !== 'info');
    const sorted = sortDiagnostics(dedupeDiagnostics(visible));
    return { source, raw, compiled, diagnostics: sorted, ok: !hasErrors(sorted), registries, today };
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
  const data = dataDeclaration(raw);
  const compiled: CompiledEnvironment[] = [];
  // A base-spec finding that every environment inherits unchanged is reported once, for the base.
  const baseFindings = new Set<string>();
  const pricedSeen = new Set<string>();
  for (const environment of targets) {
    const { spec, findings } = normalizeSpec(raw, environment);
    for (const f of [...findings, ...runSemanticChecks(spec, rules)]) {
      const key = `${f.code}|${JSON.stringify(f.path)}|${f.message}`;
      const placed = placeFinding(source, f, environment);
      if (environment === undefined) baseFindings.add(key);
      else if (baseFindings.has(key) && placed.message !== f.message) continue; // not the overlay's own value
      diagnostics.push(placed);
    }
    // The base spec of a spec with environments is checked, not deployed: no model, no compliance.
    // Compliance rules read the model, so both wait for a spec that compiles.
    // A name past an AWS limit (DEX344, found on an earlier environment's model) does not keep
    // the next environment's model from being built and checked.
    const deployed = environment !== undefined || spec.environments.length === 0;
    if (!deployed || hasErrors(diagnostics.filter((d) => !d.code.startsWith('DEX6') && d.code !== 'DEX344'))) {
      compiled.push({ environment, spec });
      continue;
    }
    let model: ResourceModel;
    try {
      model = buildResourceModel(spec, registries.blocks, { today, ...(options.purpose ? { purpose: options.purpose } : {}) });
    } catch (err) {
      // dex emit reports the model error (DEX999); validation must still answer.
      const modelError = err instanceof Error ? err : new Error(String(err));
      diagnostics.push(nameEnvironment(placeFinding(source, modelNotBuilt(modelError), environment), environment));
      compiled.push({ environment, spec, modelError });
      continue;
    }
    // What the environment deploys and the bootstrap resources of its account and region it relies on.
    const checked = withOwnBootstrap(model, today);
    // Physical names are only known once the model joins the spec's names (DEX344).
    for (const f of checkAwsNames(checked)) diagnostics.push(placeFinding(source, f, environment));
    for (const f of checkPolicySize(checked)) diagnostics.push(placeFinding(source, f, environment));
    const compliance = evaluateCompliance({ spec, model: checked, data, rules: registries.complianceRules });
    for (const f of complianceFindings(compliance)) diagnostics.push(nameEnvironment(placeFinding(source, f, environment), environment));
    if (options.pricedClasses) {
      // Reported once when every environment uses the same class at the same place.
      for (const f of checkPricedClasses(spec, model, options.pricedClasses)) {
        const key = `${JSON.stringify(f.path)}|${f.message}`;
        if (pricedSeen.has(key)) continue;
        pricedSeen.add(key);
        diagnostics.push(placeFinding(source, f, environment));
      }
    }
    compiled.push({ environment, spec, model, compliance });
  }
  // Names unique in a region or account must be unique across the environments too (DEX345).
  // Only within one account: environments in separate accounts share no namespace.
  const models = compiled.flatMap((c) => (c.model ? [c.model] : []));
  for (const account of new Set(models.map((m) => m.spec.account ?? ''))) {
    for (const { environment, finding } of checkSharedNames(models.filter((m) => (m.spec.account ?? '') === account))) diagnostics.push(placeFinding(source, finding, environment));
  }
  // One pipeline for every stage: with CodePipeline, one account (DEX328). Every environment's
  // spec, even when only one is analyzed: the rule compares them.
  if (raw.cicd?.provider === 'codepipeline' && environments.length > 1) {
    const specs = environments.map((e) => compiled.find((c) => c.environment === e)?.spec ?? normalizeSpec(raw, e).spec);
    for (const { environment, finding } of checkPipelineAccounts(specs)) {
      if (options.environment === undefined || options.environment === environment) diagnostics.push(placeFinding(source, finding, environment));
    }
  }
  return finish(raw, compiled);
}

function modelNotBuilt(err: Error): Finding {
  return { code: 'DEX601', severity: 'info', message: `compliance not checked: the resource model could not be built (${err.message})`, path: [] };
}
