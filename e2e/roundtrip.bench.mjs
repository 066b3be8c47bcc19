// Benchmark, not a test: the slider round trip as a reader feels it, in Debian's chromium.
//   node e2e/roundtrip.bench.mjs http://127.0.0.1:PORT [MOVES]      (or bench/serve/browser.sh)
//
// Moves one policy lever and one uncertain parameter MOVES times each (default 40) with the arrow
// keys and reads the page's own "re-simulated in N ms" figure: from the request leaving to the
// charts and the outcomes table rebuilt, fetch and JSON parsing included. A policy lever re-runs
// one scenario; an uncertain parameter re-runs all of them for the overlay. Prints the median, p90
// and maximum of each.

import { chromium } from 'playwright-core';

const base = process.argv[2];
const moves = Number(process.argv[3] ?? 40);
if (!base || !(moves > 0)) {
  console.error('usage: node roundtrip.bench.mjs http://127.0.0.1:PORT [MOVES]');
  process.exit(2);
}

const kase = await (await fetch(`${base}/api/case`)).json();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function roundTrips(page, lever) {
  const slider = page.locator(`input[type="range"][data-lever="${lever.name}"]`);
  await slider.focus();
  const times = [];
  // Up for the first half and back down for the second, so the lever stays inside its range
  // and (but for the last move) never returns to a value whose run the page already holds.
  for (let i = 0; i < moves; i++) {
    const before = Number(await page.evaluate(() => document.body.dataset.runs));
    await page.keyboard.press(i < moves / 2 ? 'ArrowRight' : 'ArrowLeft');
    await page.waitForFunction((n) => Number(document.body.dataset.runs) > n
      && document.querySelector('#results').getAttribute('aria-busy') !== 'true', before);
    const shown = (await page.textContent('#timing')).match(/re-simulated in ([\d.]+) ms/);
    if (shown) times.push(Number(shown[1]));
  }
  times.sort((a, b) => a - b);
  return times;
}

try {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  await page.goto(base);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  console.log(`${kase.title}: ${kase.charts.length} charts, ${kase.scenarios.length} scenarios`);
  for (const kind of ['policy', 'uncertain']) {
    const lever = kase.levers.find((l) => l.kind === kind);
    const times = await roundTrips(page, lever);
    console.log(`${kind.padEnd(9)} ${lever.name}: ${times.length} re-runs, median ${quantile(times, 0.5)} ms, `
      + `p90 ${quantile(times, 0.9)} ms, max ${times[times.length - 1]} ms`);
  }
} finally {
  await browser.close();
}
