// `dex compliance report [FILE] [--env E] [--format markdown|json] [--out FILE]`: the evidence
// report. Exit 1 when a control fails (an error finding) or the spec is invalid.
import { resolve } from 'node:path';
import { complianceFindings } from '../../compiler/compliance/engine.js';
import { buildReport, renderMarkdown } from '../../compiler/compliance/report.js';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { complianceResults } from '../../pipeline/compliance.js';
import { writeText } from '../adapters/files.js';
import { colorEnabled, EXIT, type CliIO } from '../io.js';
import { clockFrom, existingEksClusters, isUsageProblem, readSpecFile } from '../read-spec.js';
import { cliProblem, countLabel, renderDiagnostics } from '../render.js';

export interface ComplianceReportArgs {
  readonly file: string;
  readonly environment?: string;
  readonly format: 'markdown' | 'json';
  readonly out?: string;
}

export async function runComplianceReport(args: ComplianceReportArgs, io: CliIO, generatedBy = 'dex'): Promise<number> {
  const color = colorEnabled(io.stderr, io.env);
  const read = await readSpecFile(args.file, io.cwd);
  if (!read.ok) {
    io.stderr.write(renderDiagnostics([read.diagnostic], { format: 'text', color }));
    return isUsageProblem([read.diagnostic]) ? EXIT.usage : EXIT.failed;
  }
  // One clock for the checks and the report, so both judge EKS support on the same day.
  const analysis = analyzeSpec(read.bytes, args.file, { environment: args.environment, existingEksClusters: existingEksClusters(read.absolute), today: clockFrom(io.env) });
  const blocking = analysis.diagnostics.filter((d) => d.severity === 'error' && !d.code.startsWith('DEX6'));
  if (blocking.length > 0 || analysis.compiled.length === 0) {
    io.stderr.write(renderDiagnostics(blocking.length ? blocking : analysis.diagnostics, { format: 'text', color, sourceText: (f) => (f === args.file ? analysis.source.text : undefined) }));
    io.stderr.write(`${args.file}: invalid — ${countLabel(blocking)}; no report written\n`);
    return isUsageProblem(blocking) ? EXIT.usage : EXIT.failed;
  }
  const results = complianceResults(analysis);
  const report = buildReport(analysis, results);
  const text = args.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderMarkdown(report, generatedBy);
  if (args.out) {
    try {
      await writeText(resolve(io.cwd, args.out), text);
    } catch (err) {
      io.stderr.write(renderDiagnostics([cliProblem('DEX901', `cannot write ${args.out}: ${(err as Error).message}`, 'check that the directory is writable')], { format: 'text', color }));
      return EXIT.failed;
    }
    io.stderr.write(`wrote ${args.out}\n`);
  } else io.stdout.write(text);
  const failed = results.some((r) => complianceFindings(r).some((f) => f.severity === 'error'));
  return failed ? EXIT.failed : EXIT.ok;
}
