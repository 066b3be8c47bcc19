// @ts-check
// The page's state: the case, the lever settings and the last rendered runs. One object so that a
// run can snapshot exactly what it simulated. Functions here read it and touch no DOM.

import { fmtTime, visibleUnits } from './format.js';

/**
 * @typedef {{ name: string, kind: 'policy' | 'uncertain', min: number, max: number, step: number,
 *   default: number, doc: string, source: string }} Lever
 * @typedef {{ name: string, description: string, start: number | null,
 *   overrides: Record<string, number> }} Scenario
 * @typedef {{ scenario: string, current: boolean, series: Record<string, number[]>,
 *   outcomes: { label: string, value: number | null }[] }} Run
 * @typedef {{ scenario: string, modified: boolean, variables: string[], time: number[], run: Run }} Current
 * @typedef {{ key: string, time: number[], runs: Map<string, Run> }} World
 */

export const S = {
  /** @type {any} the case overview served at /api/case */
  case: null,
  /** @type {Map<string, { name: string, role: string, doc: string, units: string }>} */
  vars: new Map(),
  /** @type {Map<string, Lever>} */
  levers: new Map(),
  /** @type {Map<string, Scenario>} */
  scenarios: new Map(),
  /** @type {Map<string, number>} */
  values: new Map(),
  scenario: '',
  /** @type {string[]} */
  charts: [],
  /** Every scenario run in the current "world" (the uncertain-parameter settings), by name.
   * @type {World | null} */
  world: null,
  /** @type {Current | null} */
  current: null,
  /** @type {Set<string>} */
  hidden: new Set(),
  /** @type {number | null} */
  cursor: null,
  runs: 0,
};

/**
 * The units of a variable, when worth printing.
 * @param {string} name
 */
export function unitsOf(name) {
  return visibleUnits(S.vars.get(name)?.units);
}

/**
 * Policy levers start from the chosen scenario's setting; uncertain parameters describe the world
 * and are shared by every scenario, so they start from the model's value whatever the scenario.
 * @param {Lever} lever
 */
export function baseValue(lever) {
  if (lever.kind === 'policy') {
    const value = S.scenarios.get(S.scenario)?.overrides?.[lever.name];
    if (value != null) return value;
  }
  return lever.default;
}

/**
 * The levers set away from their base value, as a request's overrides.
 * @param {'policy' | 'uncertain' | null} [kind] only levers of this kind
 * @returns {Record<string, number>}
 */
export function overrides(kind = null) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const lever of S.levers.values()) {
    if (kind && lever.kind !== kind) continue;
    const value = S.values.get(lever.name);
    if (value !== undefined && value !== baseValue(lever)) out[lever.name] = value;
  }
  return out;
}

/**
 * The colour class of a scenario: its place in the case's list.
 * @param {string} name
 */
export function scenarioClass(name) {
  const index = S.case.scenarios.findIndex((/** @type {Scenario} */ s) => s.name === name);
  return `sc-${index % 9}${index >= 9 ? ' sc-alt' : ''}`;
}

/**
 * A model time in the case's units.
 * @param {number} t
 */
export const timeLabel = (t) => fmtTime(t, S.case.time.units);

/**
 * The saved time nearest `t` inside the run.
 * @param {number} t
 */
export function snapTime(t) {
  const { start, stop, dt } = S.case.time;
  const clamped = Math.min(stop, Math.max(start, t));
  return dt > 0 ? Number((start + Math.round((clamped - start) / dt) * dt).toFixed(6)) : clamped;
}

/** When an explanation looks by default: a little after the policy starts, else mid-run. */
export function defaultExplainTime() {
  const { start, stop } = S.case.time;
  const policy = S.scenarios.get(S.scenario)?.start;
  const t = policy != null ? Math.min(stop, policy + 2.5) : (start + stop) / 2;
  return snapTime(t);
}
