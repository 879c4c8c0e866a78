// dex report --html in a real browser: Debian's Chromium, headless, through playwright-core. The
// page is opened from file:// with every other request refused, so a page that needed the network
// would show it; its DOM is checked against the plan (`dex plan --format json`), the real font's
// text widths against the boxes dex sized by estimate, and a screenshot at a fixed viewport against
// the golden PNG (UPDATE_GOLDEN=1 rewrites it, and docs/report.png, the README's picture).
// Skipped where Chromium is not installed (.ci/run installs it).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pixelmatch from 'pixelmatch';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { renderGraphSvg } from '../../emitters/graph-svg.js';
import { systemGraph } from '../../emitters/graph.js';
import { captureIO } from '../support/io.js';
import { environmentPlan } from '../support/picture.js';

const executable = spawnSync('sh', ['-c', 'command -v chromium']).stdout?.toString().trim() ?? '';
const reference = 'examples/dex-mobile-v6/dex.yaml';
const GOLDEN = 'test/golden/picture/report.png';
const README_PICTURE = 'docs/report.png';
const VIEWPORT = { width: 1280, height: 1180 };
/** Share of pixels that may differ (antialiasing, a font hinting change) before the picture counts as changed. */
const TOLERANCE = 0.01;

describe.skipIf(!executable)('dex report --html in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let file: string;
  let totals: { monthlyMin: number; monthlyMax: number };
  let services: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dex-report-browser-'));
    file = join(dir, 'report.html');
    expect(await main(['report', '--html', reference, '--env', 'production', '--out', file], captureIO(process.cwd()))).toBe(EXIT.ok);
    const planIO = captureIO(process.cwd());
    expect(await main(['plan', reference, '--env', 'production', '--format', 'json', '--by', 'service'], planIO)).toBe(EXIT.ok);
    const json = JSON.parse(planIO.out()) as { totals: typeof totals; environments: { byService: { services: { service: string }[] } }[] };
    totals = json.totals;
    services = json.environments[0]!.byService.services.map((s) => s.service);
    browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders from file:// with the network off, its DOM matching the plan, and looks as the golden picture', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, colorScheme: 'light', locale: 'en-US' });
    const refused: string[] = [];
    await context.route('**', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      refused.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    expect(refused).toEqual([]);
    expect(await page.locator('script').count()).toBe(0);

    const graph = page.locator('svg[data-picture="system-graph"]');
    expect(await graph.count()).toBe(1);
    expect((await graph.locator('g[data-kind="service"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).sort()).toEqual([...services].sort());
    const usd = (n: number) => `$${Math.floor(n).toLocaleString('en-US')}.${String(Math.round(n * 100) % 100).padStart(2, '0')}`;
    expect((await page.locator('#total .value').textContent())?.trim()).toBe(`${usd(totals.monthlyMin)} – ${usd(totals.monthlyMax)}`);
    expect(await page.locator('svg[data-picture="cost-chart"] g[data-bar]').count()).toBeGreaterThan(services.length);

    // dex sized every box from an estimate of the text's width: in the real font, each text fits.
    const overflow = await graph.locator('g[data-node]').evaluateAll((nodes) =>
      nodes.flatMap((g) => {
        const rect = (g.querySelector('rect') as SVGRectElement).getBBox();
        return [...g.querySelectorAll('text')].filter((t) => (t as SVGTextElement).getBBox().x + (t as SVGTextElement).getBBox().width > rect.x + rect.width - 4).map((t) => t.textContent);
      }),
    );
    expect(overflow).toEqual([]);

    const shot = PNG.sync.read(await page.screenshot({ fullPage: false, animations: 'disabled' }));
    await context.close();
    if (process.env.UPDATE_GOLDEN === '1') {
      writeFileSync(GOLDEN, PNG.sync.write(shot));
      copyFileSync(GOLDEN, README_PICTURE);
    }
    expect(existsSync(GOLDEN), `${GOLDEN} missing: run npm run test:update`).toBe(true);
    const golden = PNG.sync.read(readFileSync(GOLDEN));
    expect([shot.width, shot.height]).toEqual([golden.width, golden.height]);
    const diff = new PNG({ width: shot.width, height: shot.height });
    const differing = pixelmatch(shot.data, golden.data, diff.data, shot.width, shot.height, { threshold: 0.1 });
    if (differing / (shot.width * shot.height) >= TOLERANCE) writeFileSync(join(tmpdir(), 'dex-report-diff.png'), PNG.sync.write(diff));
    expect(differing / (shot.width * shot.height), `${differing} pixels differ from ${GOLDEN} (diff in ${join(tmpdir(), 'dex-report-diff.png')}); run npm run test:update if the change is meant`).toBeLessThan(TOLERANCE);
    expect(readFileSync(README_PICTURE).equals(readFileSync(GOLDEN)), `${README_PICTURE} is the golden picture`).toBe(true);
  }, 60_000);

  it("reads the SVG with hostile names in the browser's own XML parser, every name as written", async () => {
    const graph = systemGraph(environmentPlan(reference, 'production'));
    const names = ['</text></g></svg><script>alert(1)</script>', '"><g onload="x', "a'b&amp;c&", '<![CDATA[x]]>', '<!-- x -->'];
    let i = 0;
    const svg = renderGraphSvg({ ...graph, system: names[0]!, nodes: graph.nodes.map((n) => (n.kind === 'service' ? { ...n, name: names[i++]! } : n)) });
    const page = await browser.newPage();
    const read = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { errors: doc.getElementsByTagName('parsererror').length, scripts: doc.getElementsByTagName('script').length, names: [...doc.querySelectorAll('g[data-kind="service"]')].map((g) => g.getAttribute('data-name')) };
    }, svg);
    await page.close();
    expect(read).toEqual({ errors: 0, scripts: 0, names });
  });
});
