// ECS health checks: exec form, the URL (with the spec's health path) a separate argv element of a
// constant program. Past the schema, the shell and node -e payloads are run the way Docker would
// run the check (argv as given, no shell around it) and must not create their marker.
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ModelResource } from '../../compiler/model/types.js';
import { NODE_HEALTH_SCRIPT, SHELL_HEALTH_SCRIPT, ecs } from '../../services/ecs.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { AT_FIXED_DATE } from '../support/clock.js';
import { specWith } from './fixture.js';
import { hasBash, sandbox } from './sandbox.js';

const SHELL_PAYLOAD = '/h; touch X; #';
const NODE_PAYLOAD = "/h'+require('child_process').execSync('touch X')+'";
const PAYLOADS = [SHELL_PAYLOAD, NODE_PAYLOAD, '/h$(touch X)', '/h`touch X`', '/h"; touch X; "', '/h\ntouch X'];

function healthCheck(spec: NormalizedSpec, service: string): string[] {
  const resources: ModelResource[] = ecs.build(spec, AT_FIXED_DATE);
  const task = resources.find((r) => r.type === 'AWS::ECS::TaskDefinition' && JSON.stringify(r.properties).includes(`"Name":"${service}"`))!;
  const container = (task.properties as { ContainerDefinitions: { Name: string; HealthCheck: { Command: string[] } }[] }).ContainerDefinitions.find((c) => c.Name === service)!;
  return container.HealthCheck.Command;
}

// The container health check is the liveness check, which (named by no probe of its own) carries the main path.
const withPath = (path: string) => specWith((s) => void (s.services.api!.health.liveness.path = s.services.worker!.health.liveness.path = path));

/** What Docker does with an exec-form check: execve(argv) in the container, here in a temp dir. */
function runCheck(command: string[]): ReturnType<typeof sandbox> {
  expect(command[0]).toBe('CMD');
  const box = sandbox();
  spawnSync(command[1]!, command.slice(2), { cwd: box.dir, env: { PATH: `${box.bin}:/usr/bin:/bin` }, timeout: 10_000 });
  return box;
}

describe('ECS health checks are exec form with the URL as an argument', () => {
  it('node services: node -e with a constant script, the URL as process.argv[1]', () => {
    expect(healthCheck(withPath('/health'), 'api')).toEqual(['CMD', 'node', '-e', NODE_HEALTH_SCRIPT, 'http://127.0.0.1:8080/health']);
  });

  it('other services: a constant sh -c script (curl, then wget), the URL as $1', () => {
    expect(healthCheck(withPath('/health'), 'worker')).toEqual(['CMD', '/bin/sh', '-c', SHELL_HEALTH_SCRIPT, 'dex-health-check', 'http://127.0.0.1:9000/health']);
  });

  it.each(PAYLOADS)('the path %j only ever appears inside the last argv element', (path) => {
    for (const [service, port] of [['api', 8080], ['worker', 9000]] as const) {
      const command = healthCheck(withPath(path), service);
      expect(command.at(-1)).toBe(`http://127.0.0.1:${port}${path}`);
      expect(command.slice(0, -1).join('\0')).not.toContain('touch');
    }
  });

  it.runIf(hasBash).each(PAYLOADS)('running the sh check with %j creates no marker; curl gets the URL intact', (path) => {
    const command = healthCheck(withPath(path), 'worker');
    const box = runCheck(command);
    expect(box.exists('X')).toBe(false);
    expect(box.calls('curl')).toEqual([['-fsS', command.at(-1)]]);
  });

  it.each(PAYLOADS)('running the node check with %j creates no marker', (path) => {
    // Port 9 (discard) on loopback: nothing listens, so the request fails fast and the check exits 1.
    const command = healthCheck(withPath(path), 'api').map((a) => a.replace('127.0.0.1:8080', '127.0.0.1:9'));
    const box = runCheck(command);
    expect(box.exists('X')).toBe(false);
  });

  it('the node check really reports an unreachable service as unhealthy', () => {
    const r = spawnSync('node', ['-e', NODE_HEALTH_SCRIPT, 'http://127.0.0.1:9/health'], { timeout: 10_000 });
    expect(r.status).toBe(1);
  });

  it('the node check passes against a healthy service, with the path as sent', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(req.url === '/health?x=1' ? 200 : 503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const status = await new Promise<number>((resolve) => execFile('node', ['-e', NODE_HEALTH_SCRIPT, `http://127.0.0.1:${port}/health?x=1`]).on('exit', (code) => resolve(code ?? -1)));
    server.close();
    expect(status).toBe(0);
    expect(seen).toEqual(['/health?x=1']);
  });
});
