// Where a finding about the merged (normalized) spec belongs in the file the user wrote.
import type { Diagnostic, Finding, SpecPath } from './diagnostics.js';
import { findNode, locate, place, type SpecSource } from './load.js';

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
