// Health rules: one way of checking per service, a port for the checks that need one, and an HTTP
// path wherever the load balancer checks (an ALB target group checks HTTP or gRPC, never TCP).
import type { Finding } from '../../spec/diagnostics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import type { SemanticRule } from './index.js';

export const healthRule: SemanticRule = {
  id: 'health',
  check(spec: NormalizedSpec): Finding[] {
    const findings: Finding[] = [];
    for (const s of Object.values(spec.services)) {
      const h = s.health;
      const at = (...path: (string | number)[]) => ['services', s.name, 'health', ...path];
      const clash = clashOf(h.given);
      if (clash) {
        findings.push({
          code: 'DEX380',
          severity: 'error',
          message: `${s.name}'s health names ${clash[0]} and ${clash[1]}: ${clash[0] === 'path' && clash[1] === 'http' ? 'two spellings of the same check' : 'two ways of checking, and dex uses one'}`,
          path: at(clash[1]),
          hint: clash[0] === 'path' && clash[1] === 'http' ? 'keep one of path and http' : clash.includes('grpc') && clash[1] !== 'tcp' ? 'a gRPC service is checked over gRPC by the load balancer too: drop the path' : 'keep tcp or grpc; a path may go with tcp (the load balancer asks for it) and a command with any',
        });
        continue;
      }
      if (s.port === undefined && (h.check !== 'http' || h.pathGiven)) {
        findings.push({
          code: 'DEX382',
          severity: 'error',
          message: `${s.name} has no port, so its health ${h.check === 'http' ? 'path' : h.check} cannot be checked`,
          path: at(h.given[0] ?? 'path'),
          hint: 'give the service a port, or check it with health.command (a command run in the container)',
        });
        continue;
      }
      const behindAlb = s.port !== undefined && s.expose.public;
      if (behindAlb && !h.pathGiven && (h.check === 'tcp' || (h.check === 'http' && h.command !== undefined))) {
        findings.push({
          code: 'DEX381',
          severity: 'error',
          message: `${s.name} is behind the load balancer, which checks health over HTTP, but its health ${h.check === 'tcp' ? 'is a TCP check' : 'is a command'} and names no path`,
          path: at(h.check === 'tcp' ? 'tcp' : 'command'),
          hint: 'add health.path, the HTTP path the load balancer asks for (the platform keeps your check), or use grpc for a gRPC service',
        });
      }
    }
    return findings;
  },
};

/** The first pair of health keys that cannot go together: path and http (one check, two names), tcp and grpc, grpc and an HTTP path. */
function clashOf(given: readonly ('path' | 'http' | 'tcp' | 'grpc')[]): [string, string] | undefined {
  const has = (k: 'path' | 'http' | 'tcp' | 'grpc') => given.includes(k);
  if (has('path') && has('http')) return ['path', 'http'];
  if (has('tcp') && has('grpc')) return ['tcp', 'grpc'];
  if (has('grpc') && (has('path') || has('http'))) return [has('path') ? 'path' : 'http', 'grpc'];
  return undefined;
}
