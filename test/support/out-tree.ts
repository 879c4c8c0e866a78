// out/ as `dex emit` writes it (environments, bootstrap, ci), in memory, for tests that read the
// output as a whole.
import { readFileSync } from 'node:fs';
import { readPackageAssets } from '../../cli/adapters/assets.js';
import type { EmittedFile } from '../../compiler/model/output.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { analysisBootstraps, compileBootstrapEmit } from '../../pipeline/bootstrap.js';
import { compileEmit, compileSystemEmit, emitTargets } from '../../pipeline/emit.js';
import { fixedClock } from './clock.js';

/** out/ as dex emit writes it, in memory. */
export function outTree(file: string, text = readFileSync(file, 'utf8')): EmittedFile[] {
  const analysis = analyzeSpec(new TextEncoder().encode(text), file, { today: fixedClock });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${file}: ${errors.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('; ')}`);
  const envs = emitTargets(analysis).map((c) => compileEmit(c, { specFile: file }));
  const files: EmittedFile[] = envs.flatMap((e) => e.files.map((f) => ({ path: `${e.environment}/${f.path}`, content: f.content })));
  for (const f of compileSystemEmit(analysis, { specFile: file, assets: readPackageAssets(), compiled: envs })) files.push({ path: `ci/${f.path}`, content: f.content });
  for (const f of compileBootstrapEmit(analysisBootstraps(analysis, envs), file)) files.push({ path: `bootstrap/${f.path}`, content: f.content });
  return files;
}

