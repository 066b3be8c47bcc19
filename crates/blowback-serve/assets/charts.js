// @ts-check
// The results charts: one SVG per variable, every scenario of the current world overlaid, the
// recorded data as points, one cursor shared by all charts. The geometry (ticks, simplified lines,
// the nearest saved time) is pure and tested with `node --test`; drawing reads the page's state.

import { $, el, svg, withCites } from './dom.js';
import { fmt, humanize, minus, numberFormat, stepDigits } from './format.js';
import { S, defaultExplainTime, scenarioClass, timeLabel, unitsOf } from './state.js';

/**
 * What the charts ask of the rest of the page.
 * @typedef {{ explainAt: (variable: string, t: number) => void, changed: () => void }} ChartActions
 */

/** @type {ChartActions} */
let actions = { explainAt: () => {}, changed: () => {} };

/** @param {ChartActions} given */
export function setChartActions(given) {
  actions = given;
}

/**
 * @typedef {{ variable: string, figure: HTMLElement, svg: SVGSVGElement, readout: HTMLElement,
 *   width: number, height?: number, x?: (t: number) => number, y?: (v: number) => number,
 *   paths: Map<string, { values: number[], scale: string, d: string }>, cursorGroup?: SVGGElement }} ChartView
 */

/** @type {Map<string, ChartView>} */
const chartViews = new Map();
export const PAD = { top: 14, right: 16, bottom: 30, left: 60 };

// Charts are drawn at their on-screen pixel width so text stays crisp and readable at any size.
/** @type {ResizeObserver | null} */
let resizeObserver = null;

function observer() {
  resizeObserver ??= new ResizeObserver((entries) => {
    for (const entry of entries) {
      const view = chartViews.get(/** @type {HTMLElement} */ (entry.target).dataset.variable ?? '');
      const width = Math.round(entry.contentRect.width);
      if (view && width > 0 && Math.abs(width - view.width) > 2) {
        view.width = width;
        if (S.current) drawChart(view);
      }
    }
  });
  return resizeObserver;
}

/** Adds a chart for every charted variable that has none yet. */
export function buildCharts() {
  const box = $('#charts');
  for (const variable of S.charts) {
    if (chartViews.has(variable)) continue;
    const info = S.vars.get(variable);
    const units = unitsOf(variable);
    const chart = svg('svg', {
      class: 'chart', 'data-variable': variable, tabindex: 0, role: 'img',
      'aria-label': `Chart of ${humanize(variable)}${units ? ` (${units})` : ''}. Left and right arrows read values over time; Enter explains the change.`,
    });
    const readout = el('p', { class: 'readout' });
    const explainButton = el('button', { type: 'button', class: 'link-button' }, 'Why did it change?');
    const removable = !S.case.charts.includes(variable);
    const removeButton = removable
      ? el('button', { type: 'button', class: 'link-button', 'aria-label': `Remove the chart of ${humanize(variable)}` }, 'Remove')
      : null;
    const figure = el('figure', { class: 'chart-card' },
      el('figcaption', {},
        el('h3', {}, humanize(variable), units ? el('span', { class: 'units' }, ` ${units}`) : null),
        info?.doc ? el('p', { class: 'chart-doc' }, withCites(info.doc)) : null),
      chart, readout,
      el('div', { class: 'chart-actions' }, explainButton, removeButton));
    /** @type {ChartView} */
    const view = { variable, figure, svg: chart, readout, width: 480, paths: new Map() };
    chartViews.set(variable, view);
    box.append(figure);

    chart.addEventListener('pointermove', (/** @type {PointerEvent} */ event) => setCursor(indexAtPointer(view, event)));
    chart.addEventListener('pointerleave', (/** @type {PointerEvent} */ event) => {
      if (event.pointerType === 'mouse') setCursor(null);
    });
    // A mouse click asks "why"; a tap only moves the cursor, since a finger reads by tapping.
    chart.addEventListener('click', (/** @type {PointerEvent} */ event) => {
      if (event.pointerType !== 'touch' && S.current) actions.explainAt(variable, S.current.time[indexAtPointer(view, event)]);
    });
    chart.addEventListener('keydown', (/** @type {KeyboardEvent} */ event) => chartKey(event, variable));
    explainButton.addEventListener('click', () => actions.explainAt(variable, cursorTime()));
    removeButton?.addEventListener('click', () => {
      S.charts = S.charts.filter((v) => v !== variable);
      chartViews.delete(variable);
      observer().unobserve(chart);
      figure.remove();
      refreshAddChart();
      actions.changed();
      $('#add-chart-variable').focus();
    });
    observer().observe(chart);
  }
}

/** Redraws every chart from the current runs. */
export function drawCharts() {
  for (const view of chartViews.values()) drawChart(view);
}

/**
 * A round step that cuts `span` into about `count` parts: 1, 2 or 5 times a power of ten.
 * @param {number} span
 * @param {number} count
 */
export function niceStep(span, count) {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / magnitude;
  return (ratio >= 7.5 ? 10 : ratio >= 3.5 ? 5 : ratio >= 1.5 ? 2 : 1) * magnitude;
}

/**
 * Axis ticks on round values covering [lo, hi] (widened around a single value).
 * @param {number} lo
 * @param {number} hi
 * @param {number} count about how many intervals
 * @returns {{ lo: number, hi: number, step: number, ticks: number[] }}
 */
export function niceTicks(lo, hi, count) {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  const start = Math.floor(lo / step + 1e-9) * step;
  const end = Math.ceil(hi / step - 1e-9) * step;
  const ticks = [];
  // `|| 0` turns a rounding -0 into 0, which would otherwise print as "−0".
  for (let v = start; v <= end + step / 2; v += step) ticks.push(Number(v.toFixed(12)) || 0);
  return { lo: start, hi: end, step, ticks };
}

/** @param {string} variable */
function dataFor(variable) {
  return S.case.data.filter((/** @type {{ variable: string }} */ series) => series.variable === variable);
}

/**
 * The lines of one chart, bottom to top: the scenario as defined (when levers moved it), the
 * other scenarios shown, then this run.
 * @param {string} variable
 * @returns {{ cls: string, values: number[], name: string }[]}
 */
function chartLayers(variable) {
  const current = /** @type {import('./state.js').Current} */ (S.current);
  const world = /** @type {import('./state.js').World} */ (S.world);
  const { scenario, modified, run } = current;
  const layers = [];
  for (const [name, other] of world.runs) {
    if (name === scenario) {
      if (modified) layers.push({ cls: 'series baseline', values: other.series[variable], name });
    } else if (!S.hidden.has(name)) {
      layers.push({ cls: `series overlay ${scenarioClass(name)}`, values: other.series[variable], name });
    }
  }
  layers.push({ cls: 'series current', values: run.series[variable], name: scenario });
  return layers.filter((layer) => Array.isArray(layer.values));
}

/** @param {ChartView} view */
function drawChart(view) {
  const { svg: chart, variable } = view;
  const current = /** @type {import('./state.js').Current} */ (S.current);
  const { time } = current;
  const width = view.width;
  const height = Math.round(Math.max(190, Math.min(300, width * 0.56)));
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  chart.replaceChildren();

  const layers = chartLayers(variable);
  const data = dataFor(variable);
  let lo = Infinity;
  let hi = -Infinity;
  /** @param {number} v */
  const extend = (v) => {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  };
  layers.forEach((layer) => layer.values.forEach(extend));
  data.forEach((/** @type {{ points: [number, number][] }} */ series) => series.points.forEach(([, v]) => extend(v)));
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  // Amounts read best against zero unless the series lives far from it.
  if (lo > 0 && lo < hi * 0.4) lo = 0;
  if (hi < 0 && hi > lo * 0.4) hi = 0;
  const yAxis = niceTicks(lo, hi, height < 230 ? 4 : 5);
  const t0 = time[0];
  const t1 = time[time.length - 1];
  /** @param {number} t */
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0 || 1)) * (width - PAD.left - PAD.right);
  /** @param {number} v */
  const y = (v) => height - PAD.bottom - ((v - yAxis.lo) / (yAxis.hi - yAxis.lo)) * (height - PAD.top - PAD.bottom);
  Object.assign(view, { x, y, height });

  const grid = svg('g', { class: 'grid' }, chart);
  const yDigits = stepDigits(yAxis.step);
  for (const tick of yAxis.ticks) {
    svg('line', { x1: PAD.left, x2: width - PAD.right, y1: y(tick), y2: y(tick), class: tick === 0 ? 'zero' : null }, grid);
    svg('text', { x: PAD.left - 8, y: y(tick), class: 'tick y' }, grid).textContent = minus(numberFormat(yDigits).format(tick));
  }
  const xStep = niceStep(t1 - t0, Math.max(2, Math.floor(width / 90)));
  for (let tick = Math.ceil(t0 / xStep - 1e-9) * xStep; tick <= t1 + 1e-9; tick += xStep) {
    svg('line', { x1: x(tick), x2: x(tick), y1: height - PAD.bottom, y2: height - PAD.bottom + 5, class: 'axis' }, grid);
    svg('text', { x: x(tick), y: height - PAD.bottom + 18, class: 'tick x' }, grid).textContent = String(+tick.toFixed(6));
  }
  svg('line', { x1: PAD.left, x2: width - PAD.right, y1: height - PAD.bottom, y2: height - PAD.bottom, class: 'axis' }, grid);

  // The marker follows the policy-start slider when the case has one.
  const startLever = S.case.start_variable;
  const start = startLever != null && S.values.has(startLever)
    ? S.values.get(startLever)
    : S.scenarios.get(current.scenario)?.start;
  if (start != null && start > t0 && start < t1) {
    svg('line', { x1: x(start), x2: x(start), y1: PAD.top, y2: height - PAD.bottom, class: 'policy-start' }, chart);
    svg('text', { x: x(start) + 4, y: PAD.top + 10, class: 'policy-label' }, chart).textContent = 'policy starts';
  }

  // A policy lever re-runs one scenario, so the other lines keep their path unless the axes moved.
  const scale = `${width} ${height} ${yAxis.lo} ${yAxis.hi} ${t0} ${t1}`;
  const cache = new Map();
  for (const layer of layers) {
    const key = `${layer.cls} ${layer.name}`;
    const cached = view.paths.get(key);
    const d = cached && cached.values === layer.values && cached.scale === scale
      ? cached.d
      : linePath(time, layer.values, x, y);
    cache.set(key, { values: layer.values, scale, d });
    svg('path', { d, class: layer.cls, 'data-scenario': layer.name }, chart);
  }
  view.paths = cache;
  for (const series of data) {
    const points = svg('g', { class: 'data-points' }, chart);
    for (const [t, v] of series.points) {
      if (Number.isFinite(v) && t >= t0 && t <= t1) svg('circle', { cx: x(t), cy: y(v), r: 3.6 }, points);
    }
  }

  view.cursorGroup = svg('g', { class: 'cursor', 'aria-hidden': 'true' }, chart);
  drawCursor(view);
}

// A point is dropped when it lies closer than this many pixels to the line between the points kept
// on either side: the eye cannot tell, and a smooth 545-point series draws with a few dozen, which
// is most of what a re-simulation costs the browser.
export const TOLERANCE_PX = 0.25;

/**
 * An SVG path through (x(time[i]), y(values[i])), simplified to TOLERANCE_PX; each run of finite
 * values is its own segment, so a gap lifts the pen.
 * @param {ArrayLike<number>} time
 * @param {ArrayLike<number>} values
 * @param {(t: number) => number} x
 * @param {(v: number) => number} y
 */
export function linePath(time, values, x, y) {
  const n = time.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = x(time[i]);
    ys[i] = y(values[i]);
  }
  let d = '';
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) continue;
    let j = i;
    while (j + 1 < n && Number.isFinite(values[j + 1])) j++;
    d += segmentPath(xs, ys, i, j);
    i = j;
  }
  return d;
}

/**
 * Ramer-Douglas-Peucker over points first..last (inclusive), with an explicit stack.
 * @param {Float64Array} xs
 * @param {Float64Array} ys
 * @param {number} first
 * @param {number} last
 */
function segmentPath(xs, ys, first, last) {
  const keep = new Uint8Array(last - first + 1);
  keep[0] = 1;
  keep[last - first] = 1;
  const tolerance2 = TOLERANCE_PX * TOLERANCE_PX;
  const stack = [first, last];
  while (stack.length) {
    const b = /** @type {number} */ (stack.pop());
    const a = /** @type {number} */ (stack.pop());
    const dx = xs[b] - xs[a];
    const dy = ys[b] - ys[a];
    const length2 = dx * dx + dy * dy;
    let worst = -1;
    let worstScore = 0;
    for (let k = a + 1; k < b; k++) {
      const px = xs[k] - xs[a];
      const py = ys[k] - ys[a];
      // Squared distance to the chord times its squared length (to the end point if the chord is
      // a point), so no division or square root is needed to compare with the tolerance.
      const score = length2 > 0 ? (dx * py - dy * px) ** 2 : px * px + py * py;
      if (score > worstScore) {
        worst = k;
        worstScore = score;
      }
    }
    if (worst >= 0 && worstScore > tolerance2 * (length2 > 0 ? length2 : 1)) {
      keep[worst - first] = 1;
      stack.push(a, worst, worst, b);
    }
  }
  let d = '';
  for (let k = first; k <= last; k++) {
    if (keep[k - first]) d += `${k === first ? 'M' : 'L'}${xs[k].toFixed(1)},${ys[k].toFixed(1)}`;
  }
  return d;
}

/**
 * @param {ChartView} view
 * @param {PointerEvent} event
 */
function indexAtPointer(view, event) {
  const rect = view.svg.getBoundingClientRect();
  const px = ((event.clientX - rect.left) / rect.width) * view.width;
  const time = S.current?.time ?? [];
  const t0 = time[0];
  const t1 = time[time.length - 1];
  const t = t0 + ((px - PAD.left) / (view.width - PAD.left - PAD.right)) * (t1 - t0);
  return nearestIndex(time, t);
}

/**
 * The index of the time nearest `t` in a sorted list (the earlier one on a tie).
 * @param {ArrayLike<number>} time
 * @param {number} t
 */
export function nearestIndex(time, t) {
  let lo = 0;
  let hi = time.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (time[mid] < t) lo = mid;
    else hi = mid;
  }
  return Math.abs(time[lo] - t) <= Math.abs(time[hi] - t) ? lo : hi;
}

/**
 * One cursor shared by all charts: reading one chart at a time shows every variable at that moment.
 * @param {number | null} index
 */
export function setCursor(index) {
  S.cursor = index;
  for (const view of chartViews.values()) drawCursor(view);
}

/** The time under the cursor, or where explanations look by default. */
export function cursorTime() {
  if (S.cursor != null && S.current) return S.current.time[S.cursor];
  return defaultExplainTime();
}

/** @param {ChartView} view */
function drawCursor(view) {
  const group = view.cursorGroup;
  if (!group || !S.current) return;
  group.replaceChildren();
  const { time, run } = S.current;
  const index = S.cursor;
  if (index == null) {
    const last = time.length - 1;
    view.readout.textContent = `${timeLabel(time[last])}: ${fmt(run.series[view.variable]?.[last])} ${unitsOf(view.variable)}`.trim();
    return;
  }
  const x = /** @type {(t: number) => number} */ (view.x);
  const y = /** @type {(v: number) => number} */ (view.y);
  const t = time[index];
  const value = run.series[view.variable]?.[index];
  svg('line', { x1: x(t), x2: x(t), y1: PAD.top, y2: (view.height ?? 0) - PAD.bottom }, group);
  if (Number.isFinite(value)) svg('circle', { cx: x(t), cy: y(value), r: 4.5 }, group);

  const parts = [`${timeLabel(t)}: ${fmt(value)} ${unitsOf(view.variable)}`.trim()];
  if (S.current.modified) {
    parts.push(`${humanize(S.current.scenario)} as defined ${fmt(S.world?.runs.get(S.current.scenario)?.series[view.variable]?.[index])}`);
  }
  for (const series of dataFor(view.variable)) {
    const near = series.points.find((/** @type {[number, number]} */ [pt]) => Math.abs(pt - t) <= 0.5);
    if (near) parts.push(`${series.label} ${fmt(near[1])}`);
  }
  view.readout.textContent = parts.join(' · ');
}

/**
 * @param {KeyboardEvent} event
 * @param {string} variable
 */
function chartKey(event, variable) {
  if (!S.current) return;
  const last = S.current.time.length - 1;
  const dt = S.current.time[1] - S.current.time[0] || 1;
  // One press moves a whole time unit (a year), Shift a single saved step.
  const unit = event.shiftKey ? 1 : Math.max(1, Math.round(1 / dt));
  const index = S.cursor ?? nearestIndex(S.current.time, defaultExplainTime());
  /** @type {Record<string, number>} */
  const moves = { ArrowRight: index + unit, ArrowLeft: index - unit, Home: 0, End: last };
  if (event.key in moves) {
    event.preventDefault();
    setCursor(Math.max(0, Math.min(last, moves[event.key])));
  } else if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    actions.explainAt(variable, S.current.time[index]);
  } else if (event.key === 'Escape') {
    setCursor(null);
  }
}

/** The legend: what the lines mean, and a checkbox per other scenario. */
export function renderLegend() {
  const current = /** @type {import('./state.js').Current} */ (S.current);
  const keys = $('#legend-keys');
  keys.replaceChildren(
    ...[
      legendKey('current', 'this run'),
      current.modified ? legendKey('baseline', `${humanize(current.scenario)} as defined`) : null,
      S.case.data.length ? legendKey('data', 'recorded data') : null,
    ].filter(Boolean));
  const box = $('#legend-scenarios');
  if (box.dataset.scenario === current.scenario) return;
  box.dataset.scenario = current.scenario;
  box.replaceChildren();
  for (const scenario of S.case.scenarios) {
    if (scenario.name === current.scenario) continue;
    const input = el('input', { type: 'checkbox', checked: !S.hidden.has(scenario.name) });
    input.addEventListener('change', () => {
      if (input.checked) S.hidden.delete(scenario.name);
      else S.hidden.add(scenario.name);
      drawCharts();
    });
    box.append(el('label', { class: 'legend-item' }, input,
      el('span', { class: `swatch ${scenarioClass(scenario.name)}`, 'aria-hidden': 'true' }), humanize(scenario.name)));
  }
}

/**
 * @param {string} kind
 * @param {string} label
 */
function legendKey(kind, label) {
  const icon = svg('svg', { viewBox: '0 0 28 12', class: 'key-icon', 'aria-hidden': 'true' });
  if (kind === 'data') svg('circle', { cx: 14, cy: 6, r: 3.6, class: 'data-key' }, icon);
  else svg('line', { x1: 1, y1: 6, x2: 27, y2: 6, class: `series ${kind}` }, icon);
  return el('span', { class: 'legend-item' }, icon, label);
}

function refreshAddChart() {
  const select = $('#add-chart-variable');
  const previous = select.value;
  select.replaceChildren(el('option', { value: '' }, 'Choose a variable…'));
  for (const v of [...S.case.variables].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!S.charts.includes(v.name)) select.append(el('option', { value: v.name }, humanize(v.name)));
  }
  select.value = S.charts.includes(previous) ? '' : previous;
  const full = S.charts.length >= 32;
  select.disabled = full;
  $('#add-chart').disabled = full;
}

/** The form under the charts that adds one. */
export function buildAddChart() {
  const form = el('form', { class: 'add-chart', id: 'add-chart-form' },
    el('label', { for: 'add-chart-variable' }, 'Add a chart'),
    el('select', { id: 'add-chart-variable' }),
    el('button', { type: 'submit', id: 'add-chart', class: 'secondary' }, 'Add'));
  form.addEventListener('submit', (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    const variable = $('#add-chart-variable').value;
    if (!variable || S.charts.includes(variable)) return;
    S.charts.push(variable);
    buildCharts();
    refreshAddChart();
    actions.changed();
  });
  $('#charts').after(form);
  refreshAddChart();
}
