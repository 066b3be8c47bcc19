// @ts-check
// The views beside the charts: the outcomes table and the CSV download, the case overview, the
// feedback loops, the conflict analysis and the "why did this change" explanations.

import { ApiError, once, request } from './api.js';
import { $, citeList, el, linkText, panelMessage, setStatus, withCites } from './dom.js';
import { csvField, fmt, fmtSigned, humanize, minus, plain } from './format.js';
import { highlightLoop, loadDiagram } from './diagram.js';
import { S, defaultExplainTime, overrides, scenarioClass, snapTime, timeLabel, unitsOf } from './state.js';
import { selectTab, showTab } from './tabs.js';

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

// ---------------------------------------------------------------------------------------------
// Outcomes table and CSV

/** The outcomes of this run beside those of every scenario. */
export function renderOutcomes() {
  const table = $('#outcomes');
  const current = /** @type {import('./state.js').Current} */ (S.current);
  const world = /** @type {import('./state.js').World} */ (S.world);
  const { scenario, modified, run } = current;
  /** @type {{ label: string, sub?: string, run: import('./state.js').Run, cls?: string, swatch?: string }[]} */
  const columns = [{ label: 'This run', sub: `${humanize(scenario)}${modified ? ', changed' : ''}`, run, cls: 'current' }];
  const own = world.runs.get(scenario);
  if (modified && own) columns.push({ label: humanize(scenario), sub: 'as defined', run: own, cls: 'baseline' });
  for (const s of S.case.scenarios) {
    const other = world.runs.get(s.name);
    if (s.name !== scenario && other) columns.push({ label: humanize(s.name), run: other, swatch: scenarioClass(s.name) });
  }
  // One row per run and one column per outcome: a case has a handful of outcomes but may have
  // many scenarios, so this shape stays within the page's width however many there are.
  /** @param {{ label: string, variable: string, stat: string, from: number, to: number }} outcome */
  const headerOf = (outcome) => {
    const window = `${outcome.stat} of ${humanize(outcome.variable)}, ${plain(outcome.from)}–${plain(outcome.to)}`;
    // A sum integrates a rate over time, so the variable's own units would mislead there.
    const units = unitsOf(outcome.variable) && outcome.stat !== 'sum' ? unitsOf(outcome.variable) : '';
    return el('th', { scope: 'col', class: 'num', title: window },
      outcome.label, units ? el('span', { class: 'sub' }, units) : null);
  };
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Run'), S.case.outcomes.map(headerOf));
  const body = el('tbody');
  /**
   * @param {import('./state.js').Run} r
   * @param {string} label
   */
  const valueOf = (r, label) => r.outcomes?.find((o) => o.label === label)?.value;
  columns.forEach((column, i) => {
    const row = el('tr', {}, el('th', { scope: 'row', class: column.cls ?? '' },
      column.swatch ? el('span', { class: `swatch ${column.swatch}`, 'aria-hidden': 'true' }) : null,
      column.label, column.sub ? el('span', { class: 'sub' }, column.sub) : null));
    for (const outcome of S.case.outcomes) {
      const value = valueOf(column.run, outcome.label);
      const cell = el('td', { class: column.cls }, fmt(value));
      if (i === 0 && modified && own) {
        const before = valueOf(own, outcome.label);
        if (value != null && before != null && Number.isFinite(value) && Number.isFinite(before) && fmt(value) !== fmt(before)) {
          cell.append(el('span', { class: `delta ${value > before ? 'up' : 'down'}` }, fmtSigned(value - before)));
        }
      }
      row.append(cell);
    }
    body.append(row);
  });
  table.replaceChildren(
    el('caption', { class: 'visually-hidden' }, 'Outcomes of this run and of every scenario'),
    el('thead', {}, head), body);
}

/** Downloads the current run's charted variables as CSV. */
export function downloadCsv() {
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
// Overview

/** The case's story, scenarios, stocks and claims. */
export function renderOverview() {
  const c = S.case;
  const panel = $('#overview');
  const stocks = c.variables.filter((/** @type {{ role: string }} */ v) => v.role === 'stock');
  panel.replaceChildren(
    el('h2', {}, c.title || humanize(c.name)),
    c.story.length
      ? el('div', { class: 'story' }, c.story.map((/** @type {string} */ p) => el('p', {}, withCites(p))))
      : el('p', { class: 'hint' }, 'This model comes without a written story.'),
    el('p', { class: 'facts' },
      `Simulated from ${c.time.start} to ${c.time.stop} (${c.time.units}), step ${c.time.dt}; `
      + `${c.variables.length} variables, ${stocks.length} stocks, ${c.loops.length} named feedback loops, ${c.claims.length} claims.`),

    el('h2', {}, 'Scenarios'),
    el('ul', { class: 'scenario-list' }, c.scenarios.map((/** @type {import('./state.js').Scenario} */ s) => {
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
    el('ul', { id: 'stocks', class: 'stock-list' }, stocks.map((/** @type {{ name: string, doc: string }} */ v) =>
      el('li', {}, el('h3', {}, humanize(v.name), unitsOf(v.name) ? el('span', { class: 'units' }, ` ${unitsOf(v.name)}`) : null),
        v.doc ? el('p', {}, withCites(v.doc)) : null))),

    el('h2', {}, 'Claims'),
    el('p', { class: 'hint' }, 'The causal claims, paraphrased, with the essay paragraphs or other basis they rest on and the model links that encode them.'),
    el('ol', { id: 'claims', class: 'claim-list' }, c.claims.map((/** @type {any} */ claim) =>
      el('li', { id: `claim-${claim.id}` },
        el('p', { class: 'claim-text' }, claim.paraphrase, ' ', citeList(claim.paragraphs)),
        claim.basis ? el('p', { class: 'basis' }, claim.basis) : null,
        claim.links?.length
          ? el('ul', { class: 'links' }, claim.links.map((/** @type {any} */ l) => el('li', {}, linkText(l.from, l.to, l.polarity))))
          : null))));
}

// ---------------------------------------------------------------------------------------------
// Loops

/** @type {Map<string, any>} */
const loopCache = new Map();

/** The loops panel for the chosen scenario (its analysis fetched once per scenario). */
export async function loadLoops() {
  const panel = $('#loops');
  const scenario = S.scenario;
  if (panel.dataset.scenario === scenario) return;
  if (!loopCache.has(scenario)) {
    panelMessage(panel, 'Loading the loops…');
    try {
      loopCache.set(scenario, await request(`/api/loops?scenario=${encodeURIComponent(scenario)}`));
    } catch (error) {
      panelMessage(panel, `The loop analysis is unavailable: ${messageOf(error)}`);
      return;
    }
  }
  // The scenario may have changed while the request was out; only the latest may render.
  if (scenario !== S.scenario) return;
  panel.dataset.scenario = scenario;
  renderLoops(loopCache.get(scenario));
}

/** @param {string} polarity */
function loopBadge(polarity) {
  /** @type {Record<string, string>} */
  const labels = { R: 'reinforcing', B: 'balancing' };
  const label = labels[polarity] ?? 'undetermined';
  return el('span', { class: `badge loop-${label}` }, el('span', { 'aria-hidden': 'true' }, polarity === 'R' ? '↻ ' : polarity === 'B' ? '⇄ ' : '? '), label);
}

/** @param {any} data */
function renderLoops(data) {
  const panel = $('#loops');
  /** @type {{ name: string, polarity: string, variables: string[], paragraphs: string[], reading: string }[]} */
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
          el('tbody', {}, data.dominance.map((/** @type {{ from: number, to: number, loop: string, score: number }} */ d) => {
            const loop = loops.find((l) => l.name === d.loop);
            return el('tr', {},
              el('td', {}, `${timeLabel(d.from)} – ${timeLabel(d.to)}`),
              el('td', {}, humanize(d.loop), ' ', loop ? loopBadge(loop.polarity) : null),
              el('td', { class: 'num' }, fmtSigned(d.score)));
          }))))
      : el('p', { class: 'hint' }, 'No dominance analysis for this scenario.'));
}

// ---------------------------------------------------------------------------------------------
// Conflict analysis

/** The conflict panel (fetched once). */
export const loadConflict = once(async () => {
  const panel = $('#conflict');
  panelMessage(panel, 'Loading the conflict analysis…');
  try {
    renderConflict(await request('/api/conflict'));
  } catch (error) {
    const status = error instanceof ApiError ? error.status : 0;
    panelMessage(panel, status === 404
      ? 'This case has no conflict analysis.'
      : `The conflict analysis is unavailable: ${messageOf(error)}`);
    if (status !== 404) throw error;
  }
});

/** @param {any} data */
function renderConflict(data) {
  const panel = $('#conflict');
  /** @type {Map<string, { id: string, decision_maker: string, description: string }>} */
  const optionById = new Map(data.options.map((/** @type {any} */ o) => [o.id, o]));
  /** @param {string[]} taken */
  const describeState = (taken) => {
    if (!taken.length) return el('p', { class: 'sub' }, 'Nobody takes any option.');
    return el('ul', { class: 'taken' }, data.decision_makers.map((/** @type {string} */ dm) => {
      const mine = taken.filter((id) => optionById.get(id)?.decision_maker === dm);
      return mine.length
        ? el('li', {}, el('strong', {}, `${dm}: `), mine.map((id) => optionById.get(id)?.description ?? humanize(id)).join('; '))
        : null;
    }), taken.filter((id) => !optionById.has(id)).map((id) => el('li', {}, humanize(id))));
  };
  /** @param {string[] | undefined} list */
  const concepts = (list) => el('span', { class: 'concepts' }, (list ?? []).map((c) => el('span', { class: 'badge concept' }, c)));
  const sq = data.status_quo;
  panel.replaceChildren(
    el('h2', {}, data.name || 'Conflict analysis'),
    el('p', { class: 'hint' }, 'A graph model of the strategic standoff: each decision maker controls some options; a state is a set of options taken. A state is stable for a solution concept (Nash, GMR, SMR, SEQ, SIM) when no one can improve on it under that concept’s view of the others’ responses.'),
    el('h3', {}, 'Decision makers and their options'),
    el('ul', { class: 'dm-list' }, data.decision_makers.map((/** @type {string} */ dm) => el('li', {}, el('strong', {}, dm),
      el('ul', {}, data.options.filter((/** @type {any} */ o) => o.decision_maker === dm).map((/** @type {any} */ o) => el('li', {}, o.description, ' ', el('code', {}, o.id))))))),
    el('h3', {}, 'Stable states'),
    data.equilibria.length
      ? el('ol', { class: 'state-list' }, data.equilibria.map((/** @type {any} */ eq) => el('li', {},
        el('p', {}, el('strong', {}, `State ${eq.state}`), ' ', el('code', { class: 'pattern' }, eq.pattern), ' ', concepts(eq.concepts)),
        describeState(eq.taken))))
      : el('p', { class: 'hint' }, 'No state is stable under any concept.'),
    el('h3', {}, 'From the status quo'),
    sq ? el('div', {},
      el('p', {}, el('strong', {}, `Status quo: state ${sq.state}`), ' ', el('code', { class: 'pattern' }, sq.pattern)),
      describeState(sq.taken),
      el('p', { class: 'hint' }, 'States reachable by a sequence of unilateral improvements, each with a shortest path:'),
      el('ol', { class: 'state-list' }, sq.reachable.map((/** @type {any} */ r) => el('li', {},
        el('p', {}, el('strong', {}, `State ${r.state}`), ' ', el('code', { class: 'pattern' }, r.pattern), ' ',
          r.concepts?.length ? concepts(r.concepts) : el('span', { class: 'sub' }, 'not stable')),
        el('p', { class: 'path' }, r.path.length
          ? r.path.map((/** @type {any} */ step) => `${step.decision_maker} moves to state ${step.to}`).join(', then ')
          : 'This is the status quo itself.')))))
      : el('p', { class: 'hint' }, 'The conflict model states no status quo.'));
}

// ---------------------------------------------------------------------------------------------
// Explanations

/** The explanation form: variables charted first, then all of them. */
export function buildExplain() {
  const select = $('#explain-variable');
  const charted = el('optgroup', { label: 'Charted' }, S.charts.map((v) => el('option', { value: v }, humanize(v))));
  const all = el('optgroup', { label: 'All variables' },
    [...S.case.variables].sort((a, b) => a.name.localeCompare(b.name)).map((v) => el('option', { value: v.name }, humanize(v.name))));
  select.replaceChildren(charted, all);
  const at = $('#explain-at');
  at.min = S.case.time.start;
  at.max = S.case.time.stop;
  at.value = defaultExplainTime();
  $('#explain-form').addEventListener('submit', (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    explain();
  });
}

/**
 * Explains a variable's change at a time, in the explanations tab.
 * @param {string} variable
 * @param {number} t
 */
export function explainAt(variable, t) {
  const select = $('#explain-variable');
  // The charted group comes first, so this selects the charted copy when there is one.
  select.value = variable;
  $('#explain-at').value = snapTime(t);
  explain();
  selectTab($('#tab-explain'));
  $('#explain-result').focus();
}

/** A first visit to the explanations tab shows an answer straight away, not an empty form. */
export function explainOnFirstVisit() {
  const box = $('#explain-result');
  if (!box.hasChildNodes() && !box.hasAttribute('aria-busy')) explain();
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
      setStatus(`Explained ${humanize(variable)} in ${timeLabel(result.at)}.`);
    }
  } catch (error) {
    if (serial === explainSerial) {
      const field = error instanceof ApiError ? error.field : null;
      box.replaceChildren(el('p', { class: 'error' }, `No explanation: ${messageOf(error)}${field ? ` (${field})` : ''}`));
    }
  } finally {
    if (serial === explainSerial) box.removeAttribute('aria-busy');
  }
}

/**
 * @typedef {{ from: string, to: string, depth: number, delta: number, share: number,
 *   claim: { paraphrase: string, paragraphs: string[] } | null }} Step
 * @typedef {{ step: Step, children: CauseNode[] }} CauseNode
 */

/** @param {{ variable: string, at: number, steps?: Step[] }} result */
function renderExplanation(result) {
  const box = $('#explain-result');
  const steps = result.steps ?? [];
  const heading = el('h3', {}, `Why ${humanize(result.variable)} changed in ${timeLabel(result.at)}`);
  const context = el('p', { class: 'sub' },
    `${humanize(S.scenario)}${Object.keys(overrides()).length ? ' with your lever settings' : ''}; ${S.vars.get(result.variable)?.role === 'stock' ? 'effects are per ' + S.case.time.units : 'effects are over one time step'}.`);
  if (!steps.length) {
    box.replaceChildren(heading, context, el('p', { class: 'hint' }, 'Nothing moved it at that time: it is constant there, or all its causes are.'));
    return;
  }
  // The steps come flat with depths; each cause at depth d+1 explains the cause at depth d it feeds.
  /** @type {CauseNode[]} */
  const nodes = steps.map((step) => ({ step, children: [] }));
  /** @type {CauseNode[]} */
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

/**
 * @param {CauseNode[]} nodes
 * @returns {HTMLElement}
 */
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
