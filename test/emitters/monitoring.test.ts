// The monitoring emitter: Prometheus configuration and rules (checked by promtool when it is on
// PATH, and required when CI=true), Grafana provisioning and dashboards, determinism, golden files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeSpec } from '../../pipeline/analyze.js';
import { compileEmit, emitTargets } from '../../pipeline/emit.js';
import type { EmittedFile } from '../../compiler/model/output.js';
import { emitMonitoring } from '../../emitters/monitoring/index.js';
import { alertServices, isServiceMetric } from '../../compiler/monitoring/metrics.js';
import type { NormalizedSpec } from '../../spec/model.js';
import { expectGoldenFiles } from '../support/golden.js';
import { fixedClock } from '../support/clock.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REFERENCE = 'test/fixtures/reference/dex-mobile-v6.dex.yaml';
const GOLDEN = join(ROOT, 'test/golden/dex-mobile-v6');
const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((d) => existsSync(join(ROOT, 'examples', d, 'dex.yaml'))).map((d) => `examples/${d}/dex.yaml`);

interface Env {
  readonly environment: string;
  readonly spec: NormalizedSpec;
  readonly files: EmittedFile[];
}

function emit(file: string): Env[] {
  const analysis = analyzeSpec(new TextEncoder().encode(readFileSync(join(ROOT, file), 'utf8')), file, { today: fixedClock });
  // Other checks' findings (compliance...) are theirs to test: monitoring needs the compiled specs only.
  expect(emitTargets(analysis).length, `${file} compiles`).toBeGreaterThan(0);
  return emitTargets(analysis).map((c) => ({ environment: c.environment ?? 'default', spec: c.spec, files: emitMonitoring(c.spec) }));
}

const content = (env: Env, path: string): string => {
  const f = env.files.find((x) => x.path === path);
  expect(f, `${env.environment}: ${path}`).toBeDefined();
  return f!.content;
};

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function promtool(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'promtool'))) return join(dir, 'promtool');
  return undefined;
}

function writeTree(env: Env): string {
  const dir = mkdtempSync(join(tmpdir(), 'dex-monitoring-'));
  for (const f of env.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return dir;
}

describe.each([REFERENCE, ...EXAMPLES])('monitoring files of %s', (file) => {
  const envs = emit(file);

  it('parses: YAML files, JSON dashboards with unique panel IDs and UIDs', () => {
    for (const env of envs) {
      const uids = new Set<string>();
      for (const f of env.files) {
        if (f.path.endsWith('.yml')) expect(() => parse(f.content, { version: '1.1' }), f.path).not.toThrow();
        if (f.path.endsWith('.json')) {
          const d = JSON.parse(f.content) as { uid: string; panels: { id: number; gridPos: object; targets: { expr: string }[] }[] };
          const ids = d.panels.map((p) => p.id);
          expect(new Set(ids).size, f.path).toBe(ids.length);
          expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
          expect(d.uid.length).toBeLessThanOrEqual(40);
          expect(uids.has(d.uid), d.uid).toBe(false);
          uids.add(d.uid);
        }
      }
      if (env.spec.monitoring.grafana.enabled && env.spec.monitoring.prometheus.enabled) {
        for (const s of Object.keys(env.spec.services)) content(env, `monitoring/grafana/provisioning/dashboards/${s}.json`);
        content(env, 'monitoring/grafana/provisioning/dashboards/overview.json');
        const ds = parse(content(env, 'monitoring/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { type: string }[] };
        expect(ds.datasources.map((d) => d.type)).toEqual(['prometheus', 'cloudwatch']);
      }
    }
  });

  it('has a rule for every alert on every service it applies to, with the alert’s for, labels and annotations', () => {
    for (const env of envs) {
      if (!env.spec.monitoring.prometheus.enabled) continue;
      const rules = (parse(content(env, 'monitoring/prometheus/rules/dex-alerts.yml')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
      let expected = 0;
      for (const alert of env.spec.monitoring.alerts) {
        const services = alertServices(env.spec, alert).map((s) => s.name);
        if (!isServiceMetric(alert.metric)) expect(services).toEqual([]);
        expected += services.length;
        const mine = rules.filter((r) => r.alert === alert.name);
        expect(mine.map((r) => r.labels.service).sort(), `${env.environment} ${alert.name}`).toEqual([...services].sort());
        for (const r of mine) {
          expect(r.for).toBe(alert.for);
          expect(r.labels.severity).toBe(alert.severity);
          expect(r.labels.environment).toBe(env.environment);
          expect(r.expr).toContain(`service="${r.labels.service}"`);
          expect(r.expr.endsWith(`${alert.above !== undefined ? '>' : '<'} ${alert.above ?? alert.below}`)).toBe(true);
          expect(r.annotations.summary).toBeTruthy();
          expect(r.annotations.description).toBeTruthy();
          expect(r.annotations.instrumentation).toContain('http_request_duration_seconds');
        }
      }
      expect(rules.length).toBe(expected);
    }
  });

  it('installs exactly these files on the servers: the launch templates carry them, within the 16 KB user data limit', () => {
    const analysis = analyzeSpec(new TextEncoder().encode(readFileSync(join(ROOT, file), 'utf8')), file, { today: fixedClock });
    for (const c of emitTargets(analysis)) {
      const env = envs.find((e) => e.environment === (c.environment ?? 'default'))!;
      const { model } = compileEmit(c, { specFile: file });
      for (const [server, dir, root] of [
        ['PrometheusServer', 'monitoring/prometheus/', '/etc/prometheus'],
        ['GrafanaServer', 'monitoring/grafana/provisioning/', '/etc/grafana/provisioning'],
      ] as const) {
        const lt = model.resources.find((r) => r.logicalId === `${server}LaunchTemplate`);
        const files = env.files.filter((f) => f.path.startsWith(dir));
        expect(lt === undefined, server).toBe(files.length === 0);
        if (!lt) continue;
        const parts = (lt.properties as { LaunchTemplateData: { UserData: { 'Fn::Base64': { 'Fn::Join': [string, unknown[]] } } } }).LaunchTemplateData.UserData['Fn::Base64']['Fn::Join'][1];
        // A CloudFormation value counts as its longest: 2048 for an ARN, or the API's limit for
        // Grafana's Cognito user pool ID (55) and app client ID (128).
        const longest = (p: unknown): number => (JSON.stringify(p).includes('GrafanaUserPoolClient') ? 128 : JSON.stringify(p).includes('GrafanaUserPool') ? 55 : 2048);
        const text = parts.map((p) => (typeof p === 'string' ? p : 'x'.repeat(longest(p)))).join('');
        expect(text.length, `${server} user data`).toBeLessThan(16384);
        const b64 = /base64 -d <<'EOF' \| gunzip -c \| bash\n([A-Za-z0-9+/=\n]+)\nEOF/.exec(text)![1]!;
        const script = gunzipSync(Buffer.from(b64, 'base64')).toString('utf8');
        for (const f of files) expect(script, f.path).toContain(`cat > ${root}/${f.path.slice(dir.length)} <<'DEX_MONITORING_FILE_EOF'\n${f.content}DEX_MONITORING_FILE_EOF\n`);
      }
    }
  });

  it('emits the same bytes twice', () => {
    expect(emit(file).map((e) => e.files)).toEqual(envs.map((e) => e.files));
  });

  it('passes promtool check rules and check config (required when CI=true)', (ctx) => {
    const bin = promtool();
    if (!bin) {
      if (process.env.CI === 'true') throw new Error('promtool is not on PATH: CI must install it (.ci/run installs the Debian prometheus package)');
      ctx.skip('promtool not on PATH: install Debian’s prometheus package (apt-get install prometheus) to check the rules');
      return;
    }
    for (const env of envs) {
      if (!env.spec.monitoring.prometheus.enabled) continue;
      const dir = writeTree(env);
      try {
        const rules = spawnSync(bin, ['check', 'rules', join(dir, 'monitoring/prometheus/rules/dex-alerts.yml')], { encoding: 'utf8' });
        expect(rules.status, `${env.environment}: ${rules.stdout}${rules.stderr}`).toBe(0);
        const config = spawnSync(bin, ['check', 'config', join(dir, 'monitoring/prometheus/prometheus.yml')], { encoding: 'utf8' });
        expect(config.status, `${env.environment}: ${config.stdout}${config.stderr}`).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

describe('monitoring golden files', () => {
  it('match test/golden/dex-mobile-v6/<env>/monitoring (UPDATE_GOLDEN=1 rewrites them)', () => {
    const envs = emit(REFERENCE);
    expect(envs.map((e) => e.environment).sort()).toEqual(['production', 'staging']);
    for (const env of envs) expectGoldenFiles(join(GOLDEN, env.environment), env.files, join(GOLDEN, env.environment, 'monitoring'));
  });

  it('is what dex emit writes under monitoring/ once the emitter is registered', () => {
    const analysis = analyzeSpec(new TextEncoder().encode(readFileSync(join(ROOT, REFERENCE), 'utf8')), REFERENCE, { today: fixedClock });
    for (const c of emitTargets(analysis)) {
      const files = compileEmit(c, { specFile: REFERENCE }).files.filter((f) => f.path.startsWith('monitoring/'));
      expect(files).toEqual([...emitMonitoring(c.spec)].sort((a, b) => (a.path < b.path ? -1 : 1)));
    }
  });
});
