// @ts-check
// blowback explorer: the browser face of `blowback serve`. This module wires the page: the levers,
// the runs they trigger, the tabs and start-up. The other modules: `format.js` (numbers, times,
// names), `api.js` (requests), `state.js` (what the page shows), `dom.js` (elements from untrusted
// text), `tabs.js`, `charts.js`, `diagram.js` and `panels.js` (the views).

import { ApiError, request } from './api.js';
import { buildAddChart, buildCharts, drawCharts, renderLegend, setChartActions } from './charts.js';
import { highlightLoop, loadDiagram } from './diagram.js';
import { $, el, setStatus, withCites } from './dom.js';
import { humanize, minus, leverFormat, plain, stepDigits } from './format.js';
import {
  buildExplain, downloadCsv, explainAt, explainOnFirstVisit, loadConflict, loadLoops, renderOutcomes,
  renderOverview,
} from './panels.js';
import { S, baseValue, overrides, unitsOf } from './state.js';
import { initTabs } from './tabs.js';

// ---------------------------------------------------------------------------------------------
// Levers

/**
 * @typedef {{ lever: import('./state.js').Lever, row: HTMLElement, input: HTMLInputElement,
 *   output: HTMLOutputElement, base: HTMLElement, digits: number, units: string, text: string }} LeverView
 */

/** @type {Map<string, LeverView>} */
const leverViews = new Map();

function buildLevers() {
  const roomy = window.matchMedia('(min-width: 961px)').matches;
  const policyBox = $('#policy-levers');
  const uncertainBox = $('#uncertain-levers');
  let index = 0;
  for (const lever of S.levers.values()) {
    const id = `lever-${index++}`;
    const digits = stepDigits(lever.step || (lever.max - lever.min) / 100);
    const input = el('input', {
      type: 'range', id, min: lever.min, max: lever.max, step: lever.step || 'any',
      'aria-describedby': `${id}-help`, 'data-lever': lever.name,
    });
    const output = el('output', { for: id, class: 'lever-value' });
    const base = el('span', { class: 'lever-base' });
    const units = unitsOf(lever.name);
    // Help is open for policy levers where there is room; on a phone, and for the long list of
    // uncertain parameters, it folds away so the sliders stay within reach of the charts.
    const help = el('details', { class: 'lever-help', open: lever.kind === 'policy' && roomy },
      el('summary', {}, 'About'),
      el('div', { id: `${id}-help` },
        lever.doc ? el('p', {}, withCites(lever.doc)) : null,
        lever.source ? el('p', { class: 'source' }, 'Source: ', withCites(lever.source)) : null));
    const row = el('div', { class: `lever ${lever.kind}` },
      el('div', { class: 'lever-head' }, el('label', { for: id }, humanize(lever.name)), output),
      input,
      el('div', { class: 'lever-range', 'aria-hidden': 'true' },
        el('span', {}, plain(lever.min)), base, el('span', {}, plain(lever.max))),
      help);
    input.addEventListener('input', () => {
      S.values.set(lever.name, Number(input.value));
      showLever(lever);
      updateChangedCounts();
      scheduleRun();
    });
    leverViews.set(lever.name, { lever, row, input, output, base, digits, units, text: `${lever.name} ${humanize(lever.name)} ${lever.doc} ${lever.source}`.toLowerCase() });
    (lever.kind === 'policy' ? policyBox : uncertainBox).append(row);
  }
  if (!policyBox.childElementCount) policyBox.append(el('p', { class: 'hint' }, 'This case has no policy levers.'));
}

/** @param {import('./state.js').Lever} lever */
function showLever(lever) {
  const view = /** @type {LeverView} */ (leverViews.get(lever.name));
  const value = /** @type {number} */ (S.values.get(lever.name));
  const baseline = baseValue(lever);
  const format = leverFormat(view.digits, view.units, S.case.time.units);
  const text = format.format(value);
  view.output.textContent = view.units ? `${minus(text)} ${view.units}` : minus(text);
  view.input.setAttribute('aria-valuetext', view.output.textContent);
  const changed = value !== baseline;
  view.row.classList.toggle('changed', changed);
  view.base.textContent = changed ? `was ${minus(format.format(baseline))}` : '';
}

/**
 * Setting .value re-snaps to the step grid, so the exact value lives in S.values, not in the input.
 * @param {string[]} kinds
 */
function setLeversToBase(kinds) {
  for (const lever of S.levers.values()) {
    if (!kinds.includes(lever.kind)) continue;
    const value = baseValue(lever);
    S.values.set(lever.name, value);
    /** @type {LeverView} */ (leverViews.get(lever.name)).input.value = String(value);
    showLever(lever);
  }
  updateChangedCounts();
}

function updateChangedCounts() {
  let total = 0;
  let changed = 0;
  for (const view of leverViews.values()) {
    if (view.lever.kind !== 'uncertain') continue;
    total++;
    if (view.row.classList.contains('changed')) changed++;
  }
  $('#uncertain-count').textContent = changed ? `(${total}, ${changed} changed)` : `(${total})`;
  $('#uncertain').hidden = total === 0;
}

function filterLevers() {
  const words = $('#lever-search').value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  let total = 0;
  for (const view of leverViews.values()) {
    if (view.lever.kind !== 'uncertain') continue;
    total++;
    const match = words.every((/** @type {string} */ word) => view.text.includes(word));
    view.row.hidden = !match;
    if (match) shown++;
  }
  $('#search-count').textContent = words.length ? `${shown} of ${total} shown` : '';
}

// ---------------------------------------------------------------------------------------------
// Runs: at most one request in flight. While one is out, slider moves only mark the state dirty;
// when it returns, one more run picks up the latest settings. Dragging stays smooth however slow
// the server, and no stale response can overwrite a newer one.

const runner = { busy: false, again: false };

function scheduleRun() {
  if (runner.busy) {
    runner.again = true;
    return;
  }
  runLoop();
}

async function runLoop() {
  runner.busy = true;
  const results = $('#results');
  results.setAttribute('aria-busy', 'true');
  try {
    do {
      runner.again = false;
      try {
        await runOnce();
      } catch (error) {
        if (error instanceof ApiError && error.status === 503) {
          // Busy server: back off briefly and try the latest state again.
          await new Promise((resolve) => setTimeout(resolve, 300));
          runner.again = true;
        } else {
          showError(error);
        }
      }
    } while (runner.again);
  } finally {
    runner.busy = false;
    results.removeAttribute('aria-busy');
  }
}

async function runOnce() {
  const started = performance.now();
  const scenario = S.scenario;
  const uncertain = overrides('uncertain');
  const all = overrides();
  const variables = S.charts.slice();
  const modified = Object.keys(all).length > Object.keys(uncertain).length;

  // The other scenarios depend only on the world (uncertain parameters) and the charted variables,
  // so a policy slider drag costs one run, not one per scenario.
  const worldKey = JSON.stringify([uncertain, variables]);
  let simulated = false;
  if (!S.world || S.world.key !== worldKey) {
    simulated = true;
    const response = await request('/api/run', { scenario, overrides: uncertain, variables, overlay: true });
    S.world = {
      key: worldKey,
      time: response.time,
      runs: new Map(response.runs.map((/** @type {import('./state.js').Run} */ run) => [run.scenario, run])),
    };
  }
  let run = S.world.runs.get(scenario);
  let time = S.world.time;
  if (modified || !run) {
    simulated = true;
    const response = await request('/api/run', { scenario, overrides: all, variables });
    run = response.runs[0];
    time = response.time;
  }
  S.current = { scenario, modified, variables, time, run: /** @type {import('./state.js').Run} */ (run) };
  renderResults();

  const elapsed = performance.now() - started;
  $('#timing').textContent = simulated
    ? `re-simulated in ${elapsed < 10 ? elapsed.toFixed(1) : Math.round(elapsed)} ms`
    : 'no re-run needed';
  // Announce only once the queue is drained: a screen reader should hear where the drag ended,
  // not every intermediate run.
  if (!runner.again) {
    const changed = Object.keys(all).length;
    setStatus(`Showing ${humanize(scenario)}${changed ? ` with ${changed} changed setting${changed > 1 ? 's' : ''}` : ''}.`);
  }
  S.runs += 1;
  document.body.dataset.runs = String(S.runs);
  document.body.dataset.ready = '1';
}

/** @param {unknown} error */
function showError(error) {
  const field = error instanceof ApiError ? error.field : null;
  const message = error instanceof Error ? error.message : String(error);
  setStatus(`Could not run the model: ${message}${field ? ` (${field})` : ''}`, true);
}

function renderResults() {
  renderLegend();
  drawCharts();
  renderOutcomes();
  $('#download-csv').disabled = false;
}

// ---------------------------------------------------------------------------------------------
// Start

function showScenario() {
  S.scenario = $('#scenario').value;
  $('#scenario-desc').replaceChildren(...withCites(S.scenarios.get(S.scenario)?.description ?? ''));
}

function onScenarioChange() {
  showScenario();
  setLeversToBase(['policy']);
  if (!$('#loops').hidden) loadLoops();
  scheduleRun();
}

async function init() {
  try {
    S.case = await request('/api/case');
  } catch (error) {
    $('#title').textContent = 'The case could not be loaded';
    const message = error instanceof Error ? error.message : String(error);
    setStatus(`Error: ${message}. Is blowback serve still running?`, true);
    return;
  }
  const c = S.case;
  c.story ??= [];
  c.data ??= [];
  c.claims ??= [];
  c.loops ??= [];
  c.outcomes ??= [];
  document.title = `${c.title || humanize(c.name)} · blowback explorer`;
  $('#title').textContent = c.title || humanize(c.name);
  for (const v of c.variables) S.vars.set(v.name, v);
  for (const s of c.scenarios) S.scenarios.set(s.name, s);
  // Policy levers first: they are what a reader came to try.
  const levers = [...c.levers].sort((a, b) => (a.kind === 'policy' ? 0 : 1) - (b.kind === 'policy' ? 0 : 1));
  for (const lever of levers) S.levers.set(lever.name, lever);
  S.charts = c.charts.filter((/** @type {string} */ name) => S.vars.has(name)).slice(0, 32);

  const select = $('#scenario');
  select.replaceChildren(...c.scenarios.map((/** @type {{ name: string }} */ s) => el('option', { value: s.name }, humanize(s.name))));
  select.disabled = false;
  select.addEventListener('change', onScenarioChange);
  showScenario();

  buildLevers();
  setLeversToBase(['policy', 'uncertain']);
  $('#lever-search').addEventListener('input', filterLevers);
  $('#reset').disabled = false;
  $('#reset').addEventListener('click', () => {
    setLeversToBase(['policy', 'uncertain']);
    scheduleRun();
  });

  setChartActions({ explainAt, changed: scheduleRun });
  buildCharts();
  buildAddChart();
  $('#download-csv').addEventListener('click', downloadCsv);

  renderOverview();
  const loopFilter = $('#loop-filter');
  loopFilter.append(...c.loops.map((/** @type {{ name: string }} */ l) => el('option', { value: l.name }, humanize(l.name))));
  loopFilter.addEventListener('change', () => highlightLoop(loopFilter.value));
  buildExplain();

  initTabs({
    'tab-diagram': () => loadDiagram(),
    'tab-loops': () => loadLoops(),
    'tab-conflict': () => loadConflict(),
    'tab-explain': explainOnFirstVisit,
  });

  setStatus('Running the model…');
  scheduleRun();
}

init();
