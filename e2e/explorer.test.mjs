// Browser test of the `blowback serve` explorer: node explorer.test.mjs http://127.0.0.1:PORT
//
// Drives Debian's chromium through playwright-core (no browser download) against a running server
// for cases/afpak, the way a reader would: keyboard on the sliders, scenario picker, chart to
// explanation, diagram edges, CSV download. Fails on any console error, page error or CSP
// violation. Screenshots go to target/e2e/.

import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const base = process.argv[2];
if (!base) {
  console.error('usage: node explorer.test.mjs http://127.0.0.1:PORT');
  process.exit(2);
}
const shots = join(dirname(fileURLToPath(import.meta.url)), '..', 'target', 'e2e');
const started = Date.now();
let passed = 0;

async function step(name, body) {
  try {
    await body();
  } catch (error) {
    fail(name, error);
  }
  passed += 1;
  console.log(`ok ${passed} - ${name}`);
}

async function api(path, body) {
  const response = await fetch(new URL(path, base), body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${path} answered ${response.status}`);
  return response.json();
}

// Every console error, uncaught exception and CSP violation of a page, with where it happened.
function watch(page, label) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${label} console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${label} page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`${label} request failed: ${request.url()} ${request.failure()?.errorText}`));
  return problems;
}

function fail(name, error) {
  console.log(`FAIL: ${name}\n  ${String(error?.message ?? error).split('\n').join('\n  ')}`);
  console.log(`${passed} passed, 1 failed`);
  process.exitCode = 1;
  throw Object.assign(new Error(name), { reported: true });
}

const runs = (page) => page.evaluate(() => Number(document.body.dataset.runs || 0));

// A run has rendered after `before`, and nothing is queued or in flight any more.
async function settled(page, before) {
  await page.waitForFunction((n) => Number(document.body.dataset.runs || 0) > n
    && document.querySelector('#results').getAttribute('aria-busy') !== 'true', before, { timeout: 15000 });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

try {
  await mkdir(shots, { recursive: true });
  const kase = await api('/api/case');
  const policy = kase.levers.find((l) => l.kind === 'policy');
  const stocks = kase.variables.filter((v) => v.role === 'stock');
  assert.ok(policy, 'the case has a policy lever');

  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  page.setDefaultTimeout(15000);
  const problems = watch(page, 'laptop');

  await step('the page loads and renders its first run', async () => {
    const response = await page.goto(base);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-security-policy'] ?? '', /default-src 'none'/, 'the page is served with its CSP');
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
    assert.equal(await page.textContent('#title'), kase.title);
    assert.equal(await page.locator('svg.chart').count(), kase.charts.length);
    assert.equal(await page.locator('input[type="range"][data-lever]').count(), kase.levers.length);
  });

  await step('the overview lists every stock and claim', async () => {
    await page.click('#tab-overview');
    await page.waitForSelector('#overview #stocks', { state: 'visible' });
    assert.equal(await page.locator('#stocks > li').count(), stocks.length);
    assert.equal(await page.locator('#claims > li').count(), kase.claims.length);
    const first = await page.textContent('#claims > li');
    assert.ok(first.includes(kase.claims[0].paraphrase), 'the first claim shows its paraphrase');
    assert.ok(first.includes(`[${kase.claims[0].paragraphs[0]}]`), 'the first claim cites its paragraph');
  });

  const chart = page.locator('svg.chart').first();
  const currentPath = () => chart.locator('path.series.current').getAttribute('d');
  const table = () => page.textContent('table#outcomes');

  await step('a policy slider moved with the keyboard re-simulates charts and outcomes', async () => {
    await page.click('#tab-results');
    const pathBefore = await currentPath();
    const tableBefore = await table();
    assert.ok(pathBefore && pathBefore.length > 100, 'the first chart has a current-run line');
    const before = await runs(page);
    const slider = page.locator(`input[type="range"][data-lever="${policy.name}"]`);
    await slider.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('End');
    await settled(page, before);
    assert.equal(Number(await slider.inputValue()), policy.max, 'End moves the slider to its maximum');
    assert.notEqual(await currentPath(), pathBefore, 'the chart line changed');
    assert.notEqual(await table(), tableBefore, 'the outcomes table changed');
    assert.ok(await chart.locator('path.series.baseline').count(), 'the scenario as defined is drawn for comparison');
    assert.match(await page.textContent('#timing'), /re-simulated in [\d.]+ ms/);
  });

  await step('switching scenario resets the policy levers to its settings', async () => {
    const next = kase.scenarios.find((s) => s.name !== kase.scenarios[0].name && Object.keys(s.overrides).length);
    const before = await runs(page);
    await page.selectOption('#scenario', next.name);
    await settled(page, before);
    for (const lever of kase.levers.filter((l) => l.kind === 'policy')) {
      const expected = next.overrides[lever.name] ?? lever.default;
      const value = Number(await page.inputValue(`input[type="range"][data-lever="${lever.name}"]`));
      assert.ok(Math.abs(value - expected) <= (lever.step || 0) / 2 + 1e-9, `${lever.name} is ${value}, expected ${expected}`);
    }
    assert.equal(await chart.locator('path.series.baseline').count(), 0, 'no changed levers, no baseline line');
    assert.ok((await page.textContent('#status')).includes(next.name.replace(/_/g, ' ')));
  });

  await step('a chart opens the explanation of its variable with the chain of causes', async () => {
    await chart.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#explain', { state: 'visible' });
    await page.waitForSelector('#explain .cause', { timeout: 15000 });
    assert.equal(await page.inputValue('#explain-variable'), kase.charts[0]);
    assert.ok(await page.locator('#explain .cause').count() > 0);
    assert.match(await page.textContent('#explain-result h3'), /^Why /);
  });

  await step('the explanation answers for a variable and year picked in the form', async () => {
    const variable = kase.charts[1] ?? kase.charts[0];
    await page.selectOption('#explain-variable', variable);
    await page.fill('#explain-at', String(kase.time.start + (kase.time.stop - kase.time.start) * 0.7));
    await page.click('#explain-go');
    await page.waitForFunction((v) => document.querySelector('#explain-result h3')?.textContent.includes(v.replace(/_/g, ' ')), variable);
    assert.ok(await page.locator('#explain .cause').count() > 0);
  });

  await step('diagram edges show the claims behind them on hover and on keyboard focus', async () => {
    await page.click('#tab-diagram');
    await page.waitForSelector('svg#diagram g.edge', { timeout: 15000 });
    const withClaims = page.locator('svg#diagram g.edge:not([data-claims="0"])');
    assert.ok(await withClaims.count() > 1, 'some edges carry claims');
    // Point at the middle of an edge's curve (its bounding box centre may lie on another edge).
    const target = await page.evaluate(() => {
      for (const group of document.querySelectorAll('svg#diagram g.edge:not([data-claims="0"])')) {
        const line = group.querySelector('path.line');
        const mid = line.getPointAtLength(line.getTotalLength() / 2);
        group.scrollIntoView({ block: 'center' });
        const again = new DOMPoint(mid.x, mid.y).matrixTransform(line.getScreenCTM());
        if (document.elementFromPoint(again.x, again.y)?.closest('g.edge') === group) {
          return { x: again.x, y: again.y, from: group.dataset.from };
        }
      }
      return null;
    });
    assert.ok(target, 'some edge with claims can be pointed at');
    await page.mouse.move(target.x, target.y);
    await page.waitForSelector('#edge-info .claim');
    assert.ok((await page.textContent('#edge-info h3')).includes(target.from.replace(/_/g, ' ')));
    assert.ok((await page.textContent('#edge-info .claim')).trim().length > 10);
    const second = withClaims.nth(1);
    await second.focus();
    const heading = await page.textContent('#edge-info h3');
    const from = (await second.getAttribute('data-from')).replace(/_/g, ' ');
    assert.ok(heading.includes(from), `focus shows the focused edge (${heading})`);
    assert.ok(await page.locator('#edge-info .claim').count() > 0);
  });

  await step('the loop and conflict views render', async () => {
    await page.click('#tab-loops');
    await page.waitForSelector('#loops .loop', { timeout: 15000 });
    assert.equal(await page.locator('#loops .loop').count(), kase.loops.length);
    await page.click('#tab-conflict');
    await page.waitForSelector('#conflict h2', { timeout: 15000 });
    assert.ok(await page.locator('#conflict .state-list > li').count() > 0, 'stable states are listed');
  });

  await step('the CSV download holds the current run', async () => {
    await page.click('#tab-results');
    const scenario = await page.inputValue('#scenario');
    const run = await api('/api/run', { scenario });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const text = await readFile(await download.path(), 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], ['time', ...kase.charts].join(','));
    assert.equal(lines.length, run.time.length + 1, 'a header and one row per saved time');
    assert.equal(lines[1].split(',').length, kase.charts.length + 1);
    assert.equal(Number(lines[1].split(',')[0]), run.time[0]);
  });

  await step('laptop screenshot', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, 'explorer.png') });
  });

  await step('the phone layout renders in one column without sideways scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const small = await phone.newPage();
    const phoneProblems = watch(small, 'phone');
    await small.goto(base);
    await small.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    await small.screenshot({ path: join(shots, 'explorer-phone.png') });
    problems.push(...phoneProblems);
    await phone.close();
  });

  await step('no console errors, page errors or CSP violations', async () => {
    assert.deepEqual(problems, []);
  });

  console.log(`${passed} passed, 0 failed (${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots})`);
} catch (error) {
  if (!error.reported) {
    console.log(`FAIL: ${error.message}`);
    console.log(`${passed} passed, 1 failed`);
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
