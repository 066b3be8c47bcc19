// blowback explorer: the browser face of `blowback serve`.
//
// Everything the server says about the model (names, docs, claims) is untrusted text: it enters the
// page only through textContent, text nodes and setAttribute, never as markup. The page runs under a
// strict Content-Security-Policy, so there are no inline styles or handlers: geometry goes through
// SVG attributes and the CSSOM, colours through classes defined in style.css.

const SVG_NS = 'http://www.w3.org/2000/svg';
const $ = (selector) => document.querySelector(selector);

// The case, the lever settings and the last rendered runs. One object so that a run can snapshot
// exactly what it simulated.
const S = {
  case: null,
  vars: new Map(),
  levers: new Map(),
  scenarios: new Map(),
  values: new Map(),
  scenario: '',
  charts: [],
  // Every scenario run in the current "world" (the uncertain-parameter settings), keyed by name.
  world: null,
  current: null,
  hidden: new Set(),
  cursor: null,
  runs: 0,
};

// ---------------------------------------------------------------------------------------------
// Small DOM helpers

function el(tag, props = {}, ...kids) {
  const node = document.createElement(tag);
  setProps(node, props);
  for (const kid of kids.flat()) if (kid != null && kid !== false) node.append(kid);
  return node;
}

function svg(tag, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG_NS, tag);
  setProps(node, attrs);
  if (parent) parent.append(node);
  return node;
}

function setProps(node, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    node.setAttribute(key, value === true ? '' : String(value));
  }
}

const humanize = (name) => String(name).replace(/_/g, ' ');

// Units the reader gains nothing from seeing.
const quietUnits = new Set(['', 'dmnl', 'dimensionless', '1', 'unitless']);
function unitsOf(name) {
  const units = S.vars.get(name)?.units ?? '';
  return quietUnits.has(units.trim().toLowerCase()) ? '' : units;
}

// "[P3]" and "[P6]-[P8]" become styled citations; the rest stays plain text.
const CITE = /\[P\d+\](?:\s*[-–]\s*\[P\d+\])?/g;
function withCites(value) {
  const text = String(value);
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(CITE)) {
    parts.push(text.slice(last, match.index), el('span', { class: 'cite' }, match[0]));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

function citeList(paragraphs = []) {
  return el('span', { class: 'cites' }, paragraphs.map((p) => el('span', { class: 'cite' }, `[${p}]`)));
}

const formats = new Map();
function numberFormat(digits) {
  if (!formats.has(digits)) {
    formats.set(digits, new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  }
  return formats.get(digits);
}

// Typographic minus: "-0.42" reads as a hyphen in most fonts.
const minus = (text) => text.replace(/^-/, '−');

function fmt(value) {
  if (value == null || !Number.isFinite(value)) return '—';
  const a = Math.abs(value);
  if (a === 0) return '0';
  if (a < 0.001) return minus(value.toPrecision(2));
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return minus(numberFormat(digits).format(value));
}

// Exactly as given (range ends, years), without float noise.
const plain = (value) => minus(String(+Number(value).toPrecision(6)));

function fmtSigned(value) {
  const text = fmt(value);
  return value > 0 ? `+${text}` : text;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function fmtTime(t) {
  if (/^years?$/i.test(S.case.time.units)) {
    const year = Math.floor(t + 1e-9);
    return `${MONTHS[Math.min(11, Math.floor((t - year) * 12 + 1e-6))]} ${year}`;
  }
  return `${S.case.time.units} ${plain(t)}`;
}

function stepDigits(step) {
  return Math.max(0, Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)));
}

// ---------------------------------------------------------------------------------------------
// The JSON API

class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

async function request(path, body) {
  const init = body === undefined
    ? { headers: { accept: 'application/json' } }
    : { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    // A non-JSON body is reported below by its HTTP status.
  }
  if (!response.ok || payload == null) {
    throw new ApiError(response.status, payload?.error ?? `${response.status} ${response.statusText}`, payload?.field ?? null);
  }
  return payload;
}

// ---------------------------------------------------------------------------------------------
// Levers

// Policy levers start from the chosen scenario's setting; uncertain parameters describe the world
// and are shared by every scenario, so they start from the model's value whatever the scenario.
function baseValue(lever) {
  if (lever.kind === 'policy') {
    const value = S.scenarios.get(S.scenario)?.overrides?.[lever.name];
    if (value != null) return value;
  }
  return lever.default;
}

function overrides(kind = null) {
  const out = {};
  for (const lever of S.levers.values()) {
    if (kind && lever.kind !== kind) continue;
    const value = S.values.get(lever.name);
    if (value !== baseValue(lever)) out[lever.name] = value;
  }
  return out;
}

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

function showLever(lever) {
  const view = leverViews.get(lever.name);
  const value = S.values.get(lever.name);
  const baseline = baseValue(lever);
  const text = numberFormat(view.digits).format(value);
  view.output.textContent = view.units ? `${minus(text)} ${view.units}` : minus(text);
  view.input.setAttribute('aria-valuetext', view.output.textContent);
  const changed = value !== baseline;
  view.row.classList.toggle('changed', changed);
  view.base.textContent = changed ? `was ${minus(numberFormat(view.digits).format(baseline))}` : '';
}

// Setting .value re-snaps to the step grid, so the exact value lives in S.values, not in the input.
function setLeversToBase(kinds) {
  for (const lever of S.levers.values()) {
    if (!kinds.includes(lever.kind)) continue;
    const value = baseValue(lever);
    S.values.set(lever.name, value);
    leverViews.get(lever.name).input.value = String(value);
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
    const match = words.every((word) => view.text.includes(word));
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
    S.world = { key: worldKey, time: response.time, runs: new Map(response.runs.map((run) => [run.scenario, run])) };
  }
  let run = S.world.runs.get(scenario);
  let time = S.world.time;
  if (modified || !run) {
    simulated = true;
    const response = await request('/api/run', { scenario, overrides: all, variables });
    run = response.runs[0];
    time = response.time;
  }
  S.current = { scenario, modified, variables, time, run };
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

function setStatus(text, isError = false) {
  const status = $('#status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

function showError(error) {
  const where = error.field ? ` (${error.field})` : '';
  setStatus(`Could not run the model: ${error.message}${where}`, true);
}

function renderResults() {
  renderLegend();
  for (const view of chartViews.values()) drawChart(view);
  renderOutcomes();
  $('#download-csv').disabled = false;
}

// ---------------------------------------------------------------------------------------------
// Charts

const chartViews = new Map();
const PAD = { top: 14, right: 16, bottom: 30, left: 60 };

function scenarioClass(name) {
  const index = S.case.scenarios.findIndex((s) => s.name === name);
  return `sc-${index % 9}${index >= 9 ? ' sc-alt' : ''}`;
}

function buildCharts() {
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
    const view = { variable, figure, svg: chart, readout, width: 480, paths: new Map() };
    chartViews.set(variable, view);
    box.append(figure);

    chart.addEventListener('pointermove', (event) => setCursor(indexAtPointer(view, event)));
    chart.addEventListener('pointerleave', (event) => {
      if (event.pointerType === 'mouse') setCursor(null);
    });
    // A mouse click asks "why"; a tap only moves the cursor, since a finger reads by tapping.
    chart.addEventListener('click', (event) => {
      if (event.pointerType !== 'touch' && S.current) explainAt(variable, S.current.time[indexAtPointer(view, event)]);
    });
    chart.addEventListener('keydown', (event) => chartKey(event, variable));
    explainButton.addEventListener('click', () => explainAt(variable, cursorTime()));
    removeButton?.addEventListener('click', () => {
      S.charts = S.charts.filter((v) => v !== variable);
      chartViews.delete(variable);
      resizeObserver.unobserve(chart);
      figure.remove();
      refreshAddChart();
      scheduleRun();
      $('#add-chart-variable').focus();
    });
    resizeObserver.observe(chart);
  }
}

// Charts are drawn at their on-screen pixel width so text stays crisp and readable at any size.
const resizeObserver = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const view = chartViews.get(entry.target.dataset.variable);
    const width = Math.round(entry.contentRect.width);
    if (view && width > 0 && Math.abs(width - view.width) > 2) {
      view.width = width;
      if (S.current) drawChart(view);
    }
  }
});

function niceStep(span, count) {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / magnitude;
  return (ratio >= 7.5 ? 10 : ratio >= 3.5 ? 5 : ratio >= 1.5 ? 2 : 1) * magnitude;
}

function niceTicks(lo, hi, count) {
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

function dataFor(variable) {
  return S.case.data.filter((series) => series.variable === variable);
}

function chartLayers(variable) {
  const { scenario, modified, run } = S.current;
  const layers = [];
  for (const [name, other] of S.world.runs) {
    if (name === scenario) {
      if (modified) layers.push({ cls: 'series baseline', values: other.series[variable], name });
    } else if (!S.hidden.has(name)) {
      layers.push({ cls: `series overlay ${scenarioClass(name)}`, values: other.series[variable], name });
    }
  }
  layers.push({ cls: 'series current', values: run.series[variable], name: scenario });
  return layers.filter((layer) => Array.isArray(layer.values));
}

function drawChart(view) {
  const { svg: chart, variable } = view;
  const { time } = S.current;
  const width = view.width;
  const height = Math.round(Math.max(190, Math.min(300, width * 0.56)));
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  chart.replaceChildren();

  const layers = chartLayers(variable);
  const data = dataFor(variable);
  let lo = Infinity;
  let hi = -Infinity;
  const extend = (v) => {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  };
  layers.forEach((layer) => layer.values.forEach(extend));
  data.forEach((series) => series.points.forEach(([, v]) => extend(v)));
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
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0 || 1)) * (width - PAD.left - PAD.right);
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
    : S.scenarios.get(S.current.scenario)?.start;
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
const TOLERANCE_PX = 0.25;

function linePath(time, values, x, y) {
  const n = time.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = x(time[i]);
    ys[i] = y(values[i]);
  }
  let d = '';
  // Each run of finite values is its own segment; a gap lifts the pen.
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) continue;
    let j = i;
    while (j + 1 < n && Number.isFinite(values[j + 1])) j++;
    d += segmentPath(xs, ys, i, j);
    i = j;
  }
  return d;
}

// Ramer-Douglas-Peucker over points first..last (inclusive), with an explicit stack.
function segmentPath(xs, ys, first, last) {
  const keep = new Uint8Array(last - first + 1);
  keep[0] = 1;
  keep[last - first] = 1;
  const tolerance2 = TOLERANCE_PX * TOLERANCE_PX;
  const stack = [first, last];
  while (stack.length) {
    const b = stack.pop();
    const a = stack.pop();
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

function indexAtPointer(view, event) {
  const rect = view.svg.getBoundingClientRect();
  const px = ((event.clientX - rect.left) / rect.width) * view.width;
  const time = S.current?.time ?? [];
  const t0 = time[0];
  const t1 = time[time.length - 1];
  const t = t0 + ((px - PAD.left) / (view.width - PAD.left - PAD.right)) * (t1 - t0);
  return nearestIndex(time, t);
}

function nearestIndex(time, t) {
  let lo = 0;
  let hi = time.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (time[mid] < t) lo = mid;
    else hi = mid;
  }
  return Math.abs(time[lo] - t) <= Math.abs(time[hi] - t) ? lo : hi;
}

// One cursor shared by all charts: reading one chart at a time shows every variable at that moment.
function setCursor(index) {
  S.cursor = index;
  for (const view of chartViews.values()) drawCursor(view);
}

function cursorTime() {
  if (S.cursor != null && S.current) return S.current.time[S.cursor];
  return defaultExplainTime();
}

function drawCursor(view) {
  const group = view.cursorGroup;
  if (!group || !S.current) return;
  group.replaceChildren();
  const { time, run } = S.current;
  const index = S.cursor;
  if (index == null) {
    const last = time.length - 1;
    view.readout.textContent = `${fmtTime(time[last])}: ${fmt(run.series[view.variable]?.[last])} ${unitsOf(view.variable)}`.trim();
    return;
  }
  const t = time[index];
  const value = run.series[view.variable]?.[index];
  svg('line', { x1: view.x(t), x2: view.x(t), y1: PAD.top, y2: view.height - PAD.bottom }, group);
  if (Number.isFinite(value)) svg('circle', { cx: view.x(t), cy: view.y(value), r: 4.5 }, group);

  const parts = [`${fmtTime(t)}: ${fmt(value)} ${unitsOf(view.variable)}`.trim()];
  if (S.current.modified) {
    parts.push(`${humanize(S.current.scenario)} as defined ${fmt(S.world.runs.get(S.current.scenario)?.series[view.variable]?.[index])}`);
  }
  for (const series of dataFor(view.variable)) {
    const near = series.points.find(([pt]) => Math.abs(pt - t) <= 0.5);
    if (near) parts.push(`${series.label} ${fmt(near[1])}`);
  }
  view.readout.textContent = parts.join(' · ');
}

function chartKey(event, variable) {
  if (!S.current) return;
  const last = S.current.time.length - 1;
  const dt = S.current.time[1] - S.current.time[0] || 1;
  // One press moves a whole time unit (a year), Shift a single saved step.
  const unit = event.shiftKey ? 1 : Math.max(1, Math.round(1 / dt));
  const index = S.cursor ?? nearestIndex(S.current.time, defaultExplainTime());
  const moves = { ArrowRight: index + unit, ArrowLeft: index - unit, Home: 0, End: last };
  if (event.key in moves) {
    event.preventDefault();
    setCursor(Math.max(0, Math.min(last, moves[event.key])));
  } else if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    explainAt(variable, S.current.time[index]);
  } else if (event.key === 'Escape') {
    setCursor(null);
  }
}

function renderLegend() {
  const keys = $('#legend-keys');
  keys.replaceChildren(
    ...[
      legendKey('current', 'this run'),
      S.current.modified ? legendKey('baseline', `${humanize(S.current.scenario)} as defined`) : null,
      S.case.data.length ? legendKey('data', 'recorded data') : null,
    ].filter(Boolean));
  const box = $('#legend-scenarios');
  if (box.dataset.scenario === S.current.scenario) return;
  box.dataset.scenario = S.current.scenario;
  box.replaceChildren();
  for (const scenario of S.case.scenarios) {
    if (scenario.name === S.current.scenario) continue;
    const input = el('input', { type: 'checkbox', checked: !S.hidden.has(scenario.name) });
    input.addEventListener('change', () => {
      if (input.checked) S.hidden.delete(scenario.name);
      else S.hidden.add(scenario.name);
      for (const view of chartViews.values()) drawChart(view);
    });
    box.append(el('label', { class: 'legend-item' }, input,
      el('span', { class: `swatch ${scenarioClass(scenario.name)}`, 'aria-hidden': 'true' }), humanize(scenario.name)));
  }
}

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

function buildAddChart() {
  const form = el('form', { class: 'add-chart', id: 'add-chart-form' },
    el('label', { for: 'add-chart-variable' }, 'Add a chart'),
    el('select', { id: 'add-chart-variable' }),
    el('button', { type: 'submit', id: 'add-chart', class: 'secondary' }, 'Add'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const variable = $('#add-chart-variable').value;
    if (!variable || S.charts.includes(variable)) return;
    S.charts.push(variable);
    buildCharts();
    refreshAddChart();
    scheduleRun();
  });
  $('#charts').after(form);
  refreshAddChart();
}

// ---------------------------------------------------------------------------------------------
// Outcomes table and CSV

function renderOutcomes() {
  const table = $('#outcomes');
  const { scenario, modified, run } = S.current;
  const columns = [{ label: 'This run', sub: `${humanize(scenario)}${modified ? ', changed' : ''}`, run, cls: 'current' }];
  const own = S.world.runs.get(scenario);
  if (modified && own) columns.push({ label: humanize(scenario), sub: 'as defined', run: own, cls: 'baseline' });
  for (const s of S.case.scenarios) {
    const other = S.world.runs.get(s.name);
    if (s.name !== scenario && other) columns.push({ label: humanize(s.name), run: other, swatch: scenarioClass(s.name) });
  }
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Outcome'),
    columns.map((c) => el('th', { scope: 'col', class: c.cls },
      c.swatch ? el('span', { class: `swatch ${c.swatch}`, 'aria-hidden': 'true' }) : null,
      c.label, c.sub ? el('span', { class: 'sub' }, c.sub) : null)));
  const body = el('tbody');
  const valueOf = (r, label) => r.outcomes?.find((o) => o.label === label)?.value;
  for (const outcome of S.case.outcomes) {
    const window = `${outcome.stat} of ${humanize(outcome.variable)}, ${plain(outcome.from)}–${plain(outcome.to)}`;
    const row = el('tr', {}, el('th', { scope: 'row' }, outcome.label,
      // A sum integrates a rate over time, so the variable's own units would mislead there.
      el('span', { class: 'sub' }, window, unitsOf(outcome.variable) && outcome.stat !== 'sum' ? ` (${unitsOf(outcome.variable)})` : '')));
    columns.forEach((column, i) => {
      const value = valueOf(column.run, outcome.label);
      const cell = el('td', { class: column.cls }, fmt(value));
      if (i === 0 && modified && own) {
        const before = valueOf(own, outcome.label);
        if (Number.isFinite(value) && Number.isFinite(before) && fmt(value) !== fmt(before)) {
          cell.append(el('span', { class: `delta ${value > before ? 'up' : 'down'}` }, fmtSigned(value - before)));
        }
      }
      row.append(cell);
    });
    body.append(row);
  }
  table.replaceChildren(
    el('caption', { class: 'visually-hidden' }, 'Outcomes of this run and of every scenario'),
    el('thead', {}, head), body);
}

function csvField(text) {
  const value = String(text);
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function downloadCsv() {
  if (!S.current) return;
  const { time, run, scenario, modified } = S.current;
  const variables = S.current.variables.filter((v) => Array.isArray(run.series[v]));
  const lines = [['time', ...variables].map(csvField).join(',')];
  for (let i = 0; i < time.length; i++) {
    lines.push([time[i], ...variables.map((v) => run.series[v][i] ?? '')].join(','));
  }
  const blob = new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' });
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: `${S.case.name}-${scenario}${modified ? '-changed' : ''}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken its copy once the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---------------------------------------------------------------------------------------------
// Tabs (WAI-ARIA tabs: arrow keys move between tabs, Tab moves into the panel)

const tabs = [...document.querySelectorAll('[role="tab"]')];
const onShow = {
  'tab-diagram': () => loadDiagram(),
  'tab-loops': () => loadLoops(),
  'tab-conflict': () => loadConflict(),
  // A first visit shows an answer straight away rather than an empty form.
  'tab-explain': () => {
    const box = $('#explain-result');
    if (!box.hasChildNodes() && !box.hasAttribute('aria-busy')) explain();
  },
};

function selectTab(tab, focus = false) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
  }
  if (focus) tab.focus();
  onShow[tab.id]?.();
}

function tabKey(event) {
  const index = tabs.indexOf(event.target);
  if (index < 0) return;
  const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
  if (next == null) return;
  event.preventDefault();
  selectTab(tabs[(next + tabs.length) % tabs.length], true);
}

const showTab = (id) => selectTab(document.getElementById(id));

// Panels that need their own request fetch it once, when first shown.
function once(load) {
  let promise = null;
  return () => {
    promise ??= load().catch((error) => {
      promise = null;
      throw error;
    });
    return promise;
  };
}

function panelMessage(panel, text) {
  panel.replaceChildren(el('p', { class: 'hint' }, text));
}

// ---------------------------------------------------------------------------------------------
// Overview

function renderOverview() {
  const c = S.case;
  const panel = $('#overview');
  const stocks = c.variables.filter((v) => v.role === 'stock');
  panel.replaceChildren(
    el('h2', {}, c.title || humanize(c.name)),
    c.story.length
      ? el('div', { class: 'story' }, c.story.map((p) => el('p', {}, withCites(p))))
      : el('p', { class: 'hint' }, 'This model comes without a written story.'),
    el('p', { class: 'facts' },
      `Simulated from ${c.time.start} to ${c.time.stop} (${c.time.units}), step ${c.time.dt}; `
      + `${c.variables.length} variables, ${stocks.length} stocks, ${c.loops.length} named feedback loops, ${c.claims.length} claims.`),

    el('h2', {}, 'Scenarios'),
    el('ul', { class: 'scenario-list' }, c.scenarios.map((s) => {
      const button = el('button', { type: 'button', class: 'link-button' }, `Run ${humanize(s.name)}`);
      button.addEventListener('click', () => {
        const select = $('#scenario');
        select.value = s.name;
        select.dispatchEvent(new Event('change'));
        showTab('tab-results');
        select.focus();
      });
      return el('li', {}, el('h3', {}, humanize(s.name)),
        el('p', {}, withCites(s.description || '')),
        s.start != null ? el('p', { class: 'sub' }, `Policies act from ${s.start}.`) : null,
        button);
    })),

    el('h2', {}, 'Stocks'),
    el('p', { class: 'hint' }, 'The accumulations that carry the system’s memory; everything else flows from them.'),
    el('ul', { id: 'stocks', class: 'stock-list' }, stocks.map((v) =>
      el('li', {}, el('h3', {}, humanize(v.name), unitsOf(v.name) ? el('span', { class: 'units' }, ` ${unitsOf(v.name)}`) : null),
        v.doc ? el('p', {}, withCites(v.doc)) : null))),

    el('h2', {}, 'Claims'),
    el('p', { class: 'hint' }, 'The essay’s causal claims, paraphrased, with the paragraphs they come from and the model links that encode them.'),
    el('ol', { id: 'claims', class: 'claim-list' }, c.claims.map((claim) =>
      el('li', { id: `claim-${claim.id}` },
        el('p', { class: 'claim-text' }, claim.paraphrase, ' ', citeList(claim.paragraphs)),
        claim.links?.length
          ? el('ul', { class: 'links' }, claim.links.map((l) => el('li', {}, linkText(l.from, l.to, l.polarity))))
          : null))));
}

function polarityWord(polarity) {
  return { '+': 'same direction', '-': 'opposite direction' }[polarity] ?? 'sign depends on the state';
}

function linkText(from, to, polarity) {
  return el('span', { class: `link ${polarityClass(polarity)}` },
    humanize(from), ' → ', humanize(to), ' ',
    el('span', { class: 'polarity', title: polarityWord(polarity) }, `(${polaritySign(polarity)})`));
}

const polaritySign = (p) => (p === '+' ? '+' : p === '-' ? '−' : '?');
const polarityClass = (p) => (p === '+' ? 'pos' : p === '-' ? 'neg' : 'unk');

// ---------------------------------------------------------------------------------------------
// Causal-loop diagram

let diagram = null;
let pinnedEdge = null;

const loadDiagram = once(async () => {
  try {
    diagram = await request('/api/diagram');
  } catch (error) {
    $('#edge-info').replaceChildren(el('p', { class: 'hint error' }, `The diagram is unavailable: ${error.message}`));
    throw error;
  }
  drawDiagram();
});

// Labels wrap to lines of about 12 characters: narrow boxes let linked stocks sit close.
function labelLines(label) {
  const lines = [];
  for (const word of String(label).split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= 12) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

// A deterministic spring layout: the same diagram on every visit, neighbours close, labels apart.
function layoutDiagram(nodes, links) {
  const n = nodes.length;
  const adjacency = nodes.map(() => []);
  for (const [a, b] of links) {
    adjacency[a].push(b);
    adjacency[b].push(a);
  }
  // Start on a circle in depth-first order so that linked stocks begin near each other.
  const order = [];
  const seen = new Set();
  const visit = (i) => {
    if (seen.has(i)) return;
    seen.add(i);
    order.push(i);
    adjacency[i].forEach(visit);
  };
  for (let i = 0; i < n; i++) visit(i);
  const W = 1000;
  const H = 700;
  const pos = nodes.map(() => ({ x: 0, y: 0 }));
  order.forEach((node, k) => {
    const angle = (2 * Math.PI * k) / n;
    pos[node] = { x: W / 2 + 380 * Math.cos(angle), y: H / 2 + 260 * Math.sin(angle) };
  });
  const k = Math.sqrt((W * H) / Math.max(1, n)) * 0.6;
  let temperature = 80;
  for (let iteration = 0; iteration < 500; iteration++) {
    const disp = pos.map(() => ({ x: 0, y: 0 }));
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = pos[i].x - pos[j].x;
        const dy = pos[i].y - pos[j].y;
        const dist = Math.max(1, Math.hypot(dx, dy));
        // Repulsion only at short range, so unlinked groups settle near the rest, not far away.
        if (dist > 2 * k) continue;
        const force = (k * k) / dist;
        disp[i].x += (dx / dist) * force;
        disp[i].y += (dy / dist) * force;
        disp[j].x -= (dx / dist) * force;
        disp[j].y -= (dy / dist) * force;
      }
    }
    for (const [a, b] of links) {
      const dx = pos[a].x - pos[b].x;
      const dy = pos[a].y - pos[b].y;
      const dist = Math.max(1, Math.hypot(dx, dy));
      const force = (dist * dist) / k;
      disp[a].x -= (dx / dist) * force;
      disp[a].y -= (dy / dist) * force;
      disp[b].x += (dx / dist) * force;
      disp[b].y += (dy / dist) * force;
    }
    for (let i = 0; i < n; i++) {
      // Gravity keeps loosely linked parts of the diagram from drifting off; stronger vertically
      // because labels are wide and screens are landscape.
      disp[i].x += (W / 2 - pos[i].x) * 0.15;
      disp[i].y += (H / 2 - pos[i].y) * 0.3;
      const length = Math.max(1e-9, Math.hypot(disp[i].x, disp[i].y));
      const step = Math.min(length, temperature);
      pos[i].x += (disp[i].x / length) * step;
      pos[i].y += (disp[i].y / length) * step;
    }
    temperature = Math.max(1, temperature * 0.99);
  }
  // Push apart boxes that still overlap, along the axis of least overlap.
  for (let pass = 0; pass < 100; pass++) {
    let moved = false;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const ox = (nodes[i].w + nodes[j].w) / 2 + 44 - Math.abs(pos[i].x - pos[j].x);
        const oy = (nodes[i].h + nodes[j].h) / 2 + 36 - Math.abs(pos[i].y - pos[j].y);
        if (ox > 0 && oy > 0) {
          moved = true;
          if (ox / nodes[i].w < oy / nodes[i].h) {
            const s = (pos[i].x < pos[j].x ? -1 : 1) * (ox / 2);
            pos[i].x += s;
            pos[j].x -= s;
          } else {
            const s = (pos[i].y < pos[j].y ? -1 : 1) * (oy / 2);
            pos[i].y += s;
            pos[j].y -= s;
          }
        }
      }
    }
    if (!moved) break;
  }
  return pos;
}

// Where the ray from a box's centre towards a point leaves the box (plus a gap for the arrowhead).
function boxExit(center, box, toward, gap) {
  const dx = toward.x - center.x;
  const dy = toward.y - center.y;
  const hw = box.w / 2 + gap;
  const hh = box.h / 2 + gap;
  const scale = Math.min(dx ? hw / Math.abs(dx) : Infinity, dy ? hh / Math.abs(dy) : Infinity);
  return { x: center.x + dx * Math.min(1, scale), y: center.y + dy * Math.min(1, scale) };
}

// A curved arrow between two boxes, with its arrowhead and the point where the sign sits.
function edgeGeometry(a, b, boxA, boxB) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.max(1, Math.hypot(dx, dy));
  // Always bend to the same side of the direction of travel, so A→B and B→A never coincide.
  const bend = Math.min(70, length * 0.2);
  const control = { x: (a.x + b.x) / 2 + (dy / length) * bend, y: (a.y + b.y) / 2 - (dx / length) * bend };
  const start = boxExit(a, boxA, control, 3);
  const end = boxExit(b, boxB, control, 6);
  const d = `M${start.x.toFixed(1)},${start.y.toFixed(1)} Q${control.x.toFixed(1)},${control.y.toFixed(1)} ${end.x.toFixed(1)},${end.y.toFixed(1)}`;
  const t = 0.6;
  return {
    d,
    head: arrowHead(end, control),
    sx: (1 - t) ** 2 * start.x + 2 * (1 - t) * t * control.x + t * t * end.x,
    sy: (1 - t) ** 2 * start.y + 2 * (1 - t) * t * control.y + t * t * end.y,
  };
}

// A loop through a single stock: an arc over the top of its box, leaving and re-entering it.
function selfLoopGeometry(a, box) {
  const top = a.y - box.h / 2;
  const start = { x: a.x - box.w / 4, y: top - 3 };
  const end = { x: a.x + box.w / 4, y: top - 6 };
  const c1 = { x: start.x - 20, y: top - 55 };
  const c2 = { x: end.x + 20, y: top - 55 };
  const d = `M${start.x.toFixed(1)},${start.y.toFixed(1)} C${c1.x.toFixed(1)},${c1.y.toFixed(1)} ${c2.x.toFixed(1)},${c2.y.toFixed(1)} ${end.x.toFixed(1)},${end.y.toFixed(1)}`;
  return { d, head: arrowHead(end, c2), sx: a.x, sy: top - 42 };
}

// A filled arrowhead at `end`, pointing away from `from`.
function arrowHead(end, from) {
  const tx = end.x - from.x;
  const ty = end.y - from.y;
  const tl = Math.max(1e-9, Math.hypot(tx, ty));
  const ux = tx / tl;
  const uy = ty / tl;
  return `M${end.x.toFixed(1)},${end.y.toFixed(1)} L${(end.x - ux * 12 - uy * 6).toFixed(1)},${(end.y - uy * 12 + ux * 6).toFixed(1)} L${(end.x - ux * 12 + uy * 6).toFixed(1)},${(end.y - uy * 12 - ux * 6).toFixed(1)} Z`;
}

function drawDiagram() {
  const root = $('#diagram');
  root.replaceChildren();
  const index = new Map(diagram.nodes.map((node, i) => [node.id, i]));
  const nodes = diagram.nodes.map((node) => {
    const lines = labelLines(node.label || humanize(node.id));
    return { ...node, lines, w: Math.max(...lines.map((l) => l.length)) * 8 + 20, h: lines.length * 17 + 12 };
  });
  const edges = diagram.edges.filter((e) => index.has(e.from) && index.has(e.to));
  const pos = layoutDiagram(nodes, edges.map((e) => [index.get(e.from), index.get(e.to)]));

  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  nodes.forEach((node, i) => {
    minX = Math.min(minX, pos[i].x - node.w / 2);
    maxX = Math.max(maxX, pos[i].x + node.w / 2);
    minY = Math.min(minY, pos[i].y - node.h / 2);
    maxY = Math.max(maxY, pos[i].y + node.h / 2);
  });
  // Room above the boxes for loops through a single stock.
  const pad = 60;
  root.setAttribute('viewBox', `${(minX - pad).toFixed(0)} ${(minY - pad).toFixed(0)} ${(maxX - minX + 2 * pad).toFixed(0)} ${(maxY - minY + 2 * pad).toFixed(0)}`);

  // Edges in reading order (top to bottom, left to right) so Tab walks the diagram naturally.
  const ordered = edges.map((edge) => {
    const a = pos[index.get(edge.from)];
    const b = pos[index.get(edge.to)];
    return { edge, a, b, key: Math.round(Math.min(a.y, b.y) / 60) * 10000 + Math.min(a.x, b.x) };
  }).sort((p, q) => p.key - q.key);

  const edgeLayer = svg('g', { class: 'edges' }, root);
  const nodeLayer = svg('g', { class: 'nodes' }, root);
  for (const { edge, a, b } of ordered) {
    const boxA = nodes[index.get(edge.from)];
    const boxB = nodes[index.get(edge.to)];
    const { d, head, sx, sy } = edge.from === edge.to ? selfLoopGeometry(a, boxA) : edgeGeometry(a, b, boxA, boxB);

    const claims = edge.claims ?? [];
    const group = svg('g', {
      class: `edge ${polarityClass(edge.polarity)}`, tabindex: 0, role: 'button',
      'data-from': edge.from, 'data-to': edge.to, 'data-claims': claims.length,
      'aria-label': `${humanize(edge.from)} to ${humanize(edge.to)}, ${polarityWord(edge.polarity)}, ${claims.length} claim${claims.length === 1 ? '' : 's'}`,
      'aria-describedby': 'edge-info',
    }, edgeLayer);
    svg('path', { d, class: 'hit' }, group);
    svg('path', { d, class: 'line' }, group);
    svg('path', { d: head, class: 'head' }, group);
    svg('circle', { cx: sx.toFixed(1), cy: sy.toFixed(1), r: 9, class: 'sign-bg' }, group);
    svg('text', { x: sx.toFixed(1), y: sy.toFixed(1), class: 'sign' }, group).textContent = polaritySign(edge.polarity);
    group.addEventListener('pointerenter', () => showEdge(edge, group));
    group.addEventListener('pointerleave', () => (pinnedEdge ? showEdge(...pinnedEdge) : clearEdge()));
    group.addEventListener('focus', () => pinEdge(edge, group));
    group.addEventListener('click', () => pinEdge(edge, group));
    group.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        pinEdge(edge, group);
      }
    });
    edge.group = group;
  }
  nodes.forEach((node, i) => {
    const group = svg('g', { class: 'node', 'data-id': node.id }, nodeLayer);
    if (node.doc) svg('title', {}, group).textContent = node.doc;
    svg('rect', { x: pos[i].x - node.w / 2, y: pos[i].y - node.h / 2, width: node.w, height: node.h, rx: 8 }, group);
    node.lines.forEach((line, j) => {
      svg('text', { x: pos[i].x, y: pos[i].y + (j - (node.lines.length - 1) / 2) * 17 }, group).textContent = line;
    });
    node.group = group;
  });
  diagram.drawnNodes = nodes;
  highlightLoop($('#loop-filter').value);
}

function pinEdge(edge, group) {
  pinnedEdge = [edge, group];
  showEdge(edge, group);
}

function clearEdge() {
  for (const e of diagram.edges) e.group?.classList.remove('active');
  $('#edge-info').replaceChildren(el('p', { class: 'hint' }, 'Choose an arrow to see what it means.'));
}

function showEdge(edge, group) {
  for (const e of diagram.edges) e.group?.classList.toggle('active', e.group === group);
  const from = humanize(edge.from);
  const to = humanize(edge.to);
  const meaning = {
    '+': `More ${from} leads to more ${to} (and less to less).`,
    '-': `More ${from} leads to less ${to} (and less to more).`,
  }[edge.polarity] ?? `Whether more ${from} raises or lowers ${to} depends on the state of the system.`;
  const claims = edge.claims ?? [];
  $('#edge-info').replaceChildren(
    el('h3', {}, linkText(edge.from, edge.to, edge.polarity)),
    el('p', { class: 'meaning' }, meaning),
    edge.via?.length ? el('p', { class: 'sub' }, 'Through: ', edge.via.map(humanize).join(' → ')) : null,
    edge.loops?.length ? el('p', { class: 'sub' }, `In loop${edge.loops.length > 1 ? 's' : ''}: `, edge.loops.map(humanize).join(', ')) : null,
    claims.length
      ? el('ul', { class: 'edge-claims' }, claims.map((claim) =>
        el('li', { class: 'claim' }, el('p', {}, claim.paraphrase, ' ', citeList(claim.paragraphs)))))
      : el('p', { class: 'hint' }, 'No claim of the essay names this link: it is model structure.'));
}

function highlightLoop(name) {
  if (!diagram?.drawnNodes) return;
  const inLoop = new Set();
  for (const edge of diagram.edges) {
    const on = !name || (edge.loops ?? []).includes(name);
    edge.group?.classList.toggle('dim', !on);
    if (on) {
      inLoop.add(edge.from);
      inLoop.add(edge.to);
    }
  }
  for (const node of diagram.drawnNodes) node.group.classList.toggle('dim', Boolean(name) && !inLoop.has(node.id));
}

// ---------------------------------------------------------------------------------------------
// Loops

const loopCache = new Map();

async function loadLoops() {
  const panel = $('#loops');
  const scenario = S.scenario;
  if (panel.dataset.scenario === scenario) return;
  if (!loopCache.has(scenario)) {
    panelMessage(panel, 'Loading the loops…');
    try {
      loopCache.set(scenario, await request(`/api/loops?scenario=${encodeURIComponent(scenario)}`));
    } catch (error) {
      panelMessage(panel, `The loop analysis is unavailable: ${error.message}`);
      return;
    }
  }
  // The scenario may have changed while the request was out; only the latest may render.
  if (scenario !== S.scenario) return;
  panel.dataset.scenario = scenario;
  renderLoops(loopCache.get(scenario));
}

function loopBadge(polarity) {
  const label = { R: 'reinforcing', B: 'balancing' }[polarity] ?? 'undetermined';
  return el('span', { class: `badge loop-${label}` }, el('span', { 'aria-hidden': 'true' }, polarity === 'R' ? '↻ ' : polarity === 'B' ? '⇄ ' : '? '), label);
}

function renderLoops(data) {
  const panel = $('#loops');
  const loops = data.loops ?? [];
  panel.replaceChildren(
    el('h2', {}, 'Feedback loops'),
    el('p', { class: 'hint' }, 'A reinforcing loop amplifies a change (a vicious or virtuous circle); a balancing loop counters it. Each loop is a chain of model variables that closes on itself.'),
    loops.length ? el('ul', { class: 'loop-list' }, loops.map((loop) => {
      const show = el('button', { type: 'button', class: 'link-button' }, 'Show in the diagram');
      show.addEventListener('click', async () => {
        $('#loop-filter').value = loop.name;
        selectTab($('#tab-diagram'), true);
        await loadDiagram();
        highlightLoop(loop.name);
      });
      const chain = [...loop.variables, loop.variables[0]].filter((v) => v != null);
      return el('li', { class: 'loop' },
        el('h3', {}, humanize(loop.name), ' ', loopBadge(loop.polarity)),
        loop.reading ? el('p', {}, loop.reading, ' ', citeList(loop.paragraphs)) : citeList(loop.paragraphs),
        el('p', { class: 'chain' }, chain.map(humanize).join(' → ')),
        show);
    })) : el('p', { class: 'hint' }, 'This case names no feedback loops.'),
    el('h2', {}, 'Which loop dominates when'),
    el('p', { class: 'hint' }, `In the ${humanize(data.scenario)} scenario as defined (without your lever changes): the loop that contributes most to the behaviour in each period (loop score, relative).`),
    (data.dominance ?? []).length
      ? el('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Dominant loops by period' },
        el('table', { class: 'dominance' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Period'), el('th', { scope: 'col' }, 'Dominant loop'), el('th', { scope: 'col' }, 'Score'))),
          el('tbody', {}, data.dominance.map((d) => {
            const loop = loops.find((l) => l.name === d.loop);
            return el('tr', {},
              el('td', {}, `${fmtTime(d.from)} – ${fmtTime(d.to)}`),
              el('td', {}, humanize(d.loop), ' ', loop ? loopBadge(loop.polarity) : null),
              el('td', { class: 'num' }, fmtSigned(d.score)));
          }))))
      : el('p', { class: 'hint' }, 'No dominance analysis for this scenario.'));
}

// ---------------------------------------------------------------------------------------------
// Conflict analysis

const loadConflict = once(async () => {
  const panel = $('#conflict');
  panelMessage(panel, 'Loading the conflict analysis…');
  try {
    renderConflict(await request('/api/conflict'));
  } catch (error) {
    panelMessage(panel, error.status === 404
      ? 'This case has no conflict analysis.'
      : `The conflict analysis is unavailable: ${error.message}`);
    if (error.status !== 404) throw error;
  }
});

function renderConflict(data) {
  const panel = $('#conflict');
  const optionById = new Map(data.options.map((o) => [o.id, o]));
  const describeState = (taken) => {
    if (!taken.length) return el('p', { class: 'sub' }, 'Nobody takes any option.');
    return el('ul', { class: 'taken' }, data.decision_makers.map((dm) => {
      const mine = taken.filter((id) => optionById.get(id)?.decision_maker === dm);
      return mine.length
        ? el('li', {}, el('strong', {}, `${dm}: `), mine.map((id) => optionById.get(id)?.description ?? humanize(id)).join('; '))
        : null;
    }), taken.filter((id) => !optionById.has(id)).map((id) => el('li', {}, humanize(id))));
  };
  const concepts = (list) => el('span', { class: 'concepts' }, (list ?? []).map((c) => el('span', { class: 'badge concept' }, c)));
  const sq = data.status_quo;
  panel.replaceChildren(
    el('h2', {}, data.name || 'Conflict analysis'),
    el('p', { class: 'hint' }, 'A graph model of the strategic standoff: each decision maker controls some options; a state is a set of options taken. A state is stable for a solution concept (Nash, GMR, SMR, SEQ, SIM) when no one can improve on it under that concept’s view of the others’ responses.'),
    el('h3', {}, 'Decision makers and their options'),
    el('ul', { class: 'dm-list' }, data.decision_makers.map((dm) => el('li', {}, el('strong', {}, dm),
      el('ul', {}, data.options.filter((o) => o.decision_maker === dm).map((o) => el('li', {}, o.description, ' ', el('code', {}, o.id))))))),
    el('h3', {}, 'Stable states'),
    data.equilibria.length
      ? el('ol', { class: 'state-list' }, data.equilibria.map((eq) => el('li', {},
        el('p', {}, el('strong', {}, `State ${eq.state}`), ' ', el('code', { class: 'pattern' }, eq.pattern), ' ', concepts(eq.concepts)),
        describeState(eq.taken))))
      : el('p', { class: 'hint' }, 'No state is stable under any concept.'),
    el('h3', {}, 'From the status quo'),
    sq ? el('div', {},
      el('p', {}, el('strong', {}, `Status quo: state ${sq.state}`), ' ', el('code', { class: 'pattern' }, sq.pattern)),
      describeState(sq.taken),
      el('p', { class: 'hint' }, 'States reachable by a sequence of unilateral improvements, each with a shortest path:'),
      el('ol', { class: 'state-list' }, sq.reachable.map((r) => el('li', {},
        el('p', {}, el('strong', {}, `State ${r.state}`), ' ', el('code', { class: 'pattern' }, r.pattern), ' ',
          r.concepts?.length ? concepts(r.concepts) : el('span', { class: 'sub' }, 'not stable')),
        el('p', { class: 'path' }, r.path.length
          ? r.path.map((step) => `${step.decision_maker} moves to state ${step.to}`).join(', then ')
          : 'This is the status quo itself.')))))
      : el('p', { class: 'hint' }, 'The conflict model states no status quo.'));
}

// ---------------------------------------------------------------------------------------------
// Explanations

function defaultExplainTime() {
  const { start, stop } = S.case.time;
  const policy = S.scenarios.get(S.scenario)?.start;
  const t = policy != null ? Math.min(stop, policy + 2.5) : (start + stop) / 2;
  return snapTime(t);
}

function snapTime(t) {
  const { start, stop, dt } = S.case.time;
  const clamped = Math.min(stop, Math.max(start, t));
  return dt > 0 ? Number((start + Math.round((clamped - start) / dt) * dt).toFixed(6)) : clamped;
}

function buildExplain() {
  const select = $('#explain-variable');
  const charted = el('optgroup', { label: 'Charted' }, S.charts.map((v) => el('option', { value: v }, humanize(v))));
  const all = el('optgroup', { label: 'All variables' },
    [...S.case.variables].sort((a, b) => a.name.localeCompare(b.name)).map((v) => el('option', { value: v.name }, humanize(v.name))));
  select.replaceChildren(charted, all);
  const at = $('#explain-at');
  at.min = S.case.time.start;
  at.max = S.case.time.stop;
  at.value = defaultExplainTime();
  $('#explain-form').addEventListener('submit', (event) => {
    event.preventDefault();
    explain();
  });
}

function explainAt(variable, t) {
  const select = $('#explain-variable');
  // The charted group comes first, so this selects the charted copy when there is one.
  select.value = variable;
  $('#explain-at').value = snapTime(t);
  explain();
  selectTab($('#tab-explain'));
  $('#explain-result').focus();
}

let explainSerial = 0;

async function explain() {
  const variable = $('#explain-variable').value;
  const at = Number($('#explain-at').value);
  const depth = Number($('#explain-depth').value);
  const box = $('#explain-result');
  const serial = ++explainSerial;
  box.setAttribute('aria-busy', 'true');
  try {
    const result = await request('/api/explain', { scenario: S.scenario, overrides: overrides(), variable, at, depth });
    if (serial === explainSerial) {
      renderExplanation(result);
      setStatus(`Explained ${humanize(variable)} in ${fmtTime(result.at)}.`);
    }
  } catch (error) {
    if (serial === explainSerial) {
      box.replaceChildren(el('p', { class: 'error' }, `No explanation: ${error.message}${error.field ? ` (${error.field})` : ''}`));
    }
  } finally {
    if (serial === explainSerial) box.removeAttribute('aria-busy');
  }
}

function renderExplanation(result) {
  const box = $('#explain-result');
  const steps = result.steps ?? [];
  const heading = el('h3', {}, `Why ${humanize(result.variable)} changed in ${fmtTime(result.at)}`);
  const context = el('p', { class: 'sub' },
    `${humanize(S.scenario)}${Object.keys(overrides()).length ? ' with your lever settings' : ''}; ${S.vars.get(result.variable)?.role === 'stock' ? 'effects are per ' + S.case.time.units : 'effects are over one time step'}.`);
  if (!steps.length) {
    box.replaceChildren(heading, context, el('p', { class: 'hint' }, 'Nothing moved it at that time: it is constant there, or all its causes are.'));
    return;
  }
  // The steps come flat with depths; each cause at depth d+1 explains the cause at depth d it feeds.
  const nodes = steps.map((step) => ({ step, children: [] }));
  const roots = [];
  nodes.forEach((node, i) => {
    if (node.step.depth === 0) {
      roots.push(node);
      return;
    }
    for (let j = i - 1; j >= 0; j--) {
      const parent = nodes[j];
      if (parent.step.depth === node.step.depth - 1 && parent.step.from === node.step.to) {
        parent.children.push(node);
        return;
      }
    }
    roots.push(node);
  });
  box.replaceChildren(heading, context, causeList(roots));
}

function causeList(nodes) {
  return el('ul', { class: 'causes' }, nodes.map(({ step, children }) => {
    const direction = step.delta > 0 ? 'up' : step.delta < 0 ? 'down' : 'flat';
    const effect = direction === 'flat'
      ? `did not move ${humanize(step.to)}`
      : `${direction === 'up' ? 'raised' : 'lowered'} ${humanize(step.to)} by ${fmt(Math.abs(step.delta))}`;
    const bar = el('span', { class: `bar ${direction}`, 'aria-hidden': 'true' }, el('span', { class: 'fill' }));
    // Shares can exceed 100% when causes pull against each other; the bar caps at the full width.
    bar.firstChild.style.width = `${Math.min(100, Math.abs(step.share) * 100).toFixed(1)}%`;
    const claim = step.claim;
    return el('li', { class: 'cause' },
      el('div', { class: 'cause-line' },
        el('span', { class: 'cause-name' }, humanize(step.from)),
        el('span', { class: `cause-effect ${direction}` }, effect),
        el('span', { class: 'share' }, `${minus(Math.round(step.share * 100).toString())}% of the change in ${humanize(step.to)}`),
        bar),
      claim
        ? el('p', { class: 'claim' }, claim.paraphrase, ' ', citeList(claim.paragraphs))
        : el('p', { class: 'claim none' }, 'Model structure; no claim of the essay names this link.'),
      children.length ? causeList(children) : null);
  }));
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
    setStatus(`Error: ${error.message}. Is blowback serve still running?`, true);
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
  S.charts = c.charts.filter((name) => S.vars.has(name)).slice(0, 32);

  const select = $('#scenario');
  select.replaceChildren(...c.scenarios.map((s) => el('option', { value: s.name }, humanize(s.name))));
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

  buildCharts();
  buildAddChart();
  $('#download-csv').addEventListener('click', downloadCsv);

  renderOverview();
  const loopFilter = $('#loop-filter');
  loopFilter.append(...c.loops.map((l) => el('option', { value: l.name }, humanize(l.name))));
  loopFilter.addEventListener('change', () => highlightLoop(loopFilter.value));
  buildExplain();

  for (const tab of tabs) tab.addEventListener('click', () => selectTab(tab));
  $('.tabs').addEventListener('keydown', tabKey);

  setStatus('Running the model…');
  scheduleRun();
}

init();
