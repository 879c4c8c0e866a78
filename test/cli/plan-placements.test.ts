// Every plan lists the services dex placed (`placement: auto`): where, why, and the environment's
// monthly cost with each on the other platforms; the Markdown plan and the pull-request comment
// carry the system graph as Mermaid, which GitHub draws.
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { EXIT } from '../../cli/io.js';
import { captureIO } from '../support/io.js';

const root = process.cwd();
const LARGE = 'examples/large/dex.yaml';

async function plan(args: string[]): Promise<string> {
  const io = captureIO(root, { COLUMNS: '100' });
  const code = await main(['plan', ...args], io);
  expect([EXIT.ok, EXIT.failed]).toContain(code);
  return io.out();
}

interface JsonPlacement {
  environment: string;
  service: string;
  placement: string;
  rationale: string[];
  alternatives: { placement: string; totals?: { monthlyMin: number; monthlyMax: number }; delta?: { monthlyMin: number; monthlyMax: number }; unavailable?: string }[];
}

describe('placement: auto in every plan', () => {
  it('JSON: each auto-placed service, its reason, and each alternative priced against the environment\'s total', async () => {
    const json = JSON.parse(await plan([LARGE, '--env', 'production', '--format', 'json'])) as { placements: JsonPlacement[]; environments: { environment: string; totals: { monthlyMin: number; monthlyMax: number } }[] };
    const production = json.environments.find((e) => e.environment === 'production')!;
    expect(json.placements.length).toBe(9);
    for (const p of json.placements) {
      expect(p.environment).toBe('production');
      expect(p.rationale.length).toBeGreaterThan(0);
      expect(p.alternatives.map((a) => a.placement)).not.toContain(p.placement);
      for (const a of p.alternatives.filter((x) => x.totals)) {
        expect(Math.round((a.totals!.monthlyMin - production.totals.monthlyMin) * 100)).toBe(Math.round(a.delta!.monthlyMin * 100));
      }
    }
    // A spec that places every service itself has none.
    expect((JSON.parse(await plan(['examples/minimal/dex.yaml', '--format', 'json'])) as { placements: unknown[] }).placements).toEqual([]);
  });

  it('text lists them after the environment, within the width', async () => {
    const text = await plan([LARGE, '--env', 'production']);
    expect(text).toMatch(/^placement: auto — 9 services placed by dex in production/m);
    expect(text).toMatch(/^ {2}media-transcoder +→ ec2 {2}keeps state on local disk/m);
    expect(text).toMatch(/on ecs: [-+]\$[\d,.]+ to [-+]\$[\d,.]+ a month/);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('Markdown and the pull-request comment carry the table and the system graph', async () => {
    const markdown = await plan([LARGE, '--env', 'production', '--format', 'markdown']);
    expect(markdown).toContain('#### placement: auto in production');
    expect(markdown).toMatch(/^```mermaid\nflowchart LR\n[\s\S]+?^```$/m);
    const comment = await plan([LARGE, '--env', 'production', '--format', 'github-comment']);
    expect(comment).toContain('<b>production</b>: 9 services placed by dex (placement: auto)');
    expect(comment).toMatch(/<summary><b>production<\/b>: the system, with each part's monthly cost<\/summary>\n\n```mermaid\nflowchart LR/);
  });
});
