// @ts-check
// Numbers, times, names and signs as the page writes them. Pure functions: no DOM, no state, so
// `node --test` checks them directly.

/** @param {unknown} name */
export const humanize = (name) => String(name).replace(/_/g, ' ');

// Units the reader gains nothing from seeing.
const QUIET_UNITS = new Set(['', 'dmnl', 'dimensionless', '1', 'unitless']);

/**
 * Units worth printing beside a value: empty for dimensionless ones.
 * @param {string | null | undefined} units
 */
export function visibleUnits(units) {
  const text = units ?? '';
  return QUIET_UNITS.has(text.trim().toLowerCase()) ? '' : text;
}

/** @type {Map<number, Intl.NumberFormat>} */
const formats = new Map();

/**
 * A number format with exactly `digits` decimals, and thousands separators unless `grouping` is
 * false (a year reads "2022.5", not "2,022.5").
 * @param {number} digits
 * @param {boolean} [grouping]
 * @returns {Intl.NumberFormat}
 */
export function numberFormat(digits, grouping = true) {
  const key = grouping ? digits : -1 - digits;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: grouping });
    formats.set(key, format);
  }
  return format;
}

/**
 * How a lever's value reads: a quantity in the model's time units is a date or a duration, written
 * without thousands separators; anything else with them.
 * @param {number} digits
 * @param {string} units the lever's units
 * @param {string} timeUnits the model's time units
 */
export function leverFormat(digits, units, timeUnits) {
  const isTime = units !== '' && units.trim().toLowerCase().replace(/s$/, '') === timeUnits.trim().toLowerCase().replace(/s$/, '');
  return numberFormat(digits, !isTime);
}

/**
 * Typographic minus: "-0.42" reads as a hyphen in most fonts.
 * @param {string} text
 */
export const minus = (text) => text.replace(/^-/, '−');

/**
 * A value with about three significant figures; a dash when there is none.
 * @param {number | null | undefined} value
 */
export function fmt(value) {
  if (value == null || !Number.isFinite(value)) return '—';
  const a = Math.abs(value);
  if (a === 0) return '0';
  if (a < 0.001) return minus(value.toPrecision(2));
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return minus(numberFormat(digits).format(value));
}

/**
 * Exactly as given (range ends, years), without float noise.
 * @param {number | string} value
 */
export const plain = (value) => minus(String(+Number(value).toPrecision(6)));

/**
 * A change, with its sign.
 * @param {number} value
 */
export function fmtSigned(value) {
  const text = fmt(value);
  return value > 0 ? `+${text}` : text;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A model time: "Jul 2022" when the model counts years, else the unit and the number.
 * @param {number} t
 * @param {string} units the model's time units
 */
export function fmtTime(t, units) {
  if (/^years?$/i.test(units)) {
    const year = Math.floor(t + 1e-9);
    return `${MONTHS[Math.min(11, Math.floor((t - year) * 12 + 1e-6))]} ${year}`;
  }
  return `${units} ${plain(t)}`;
}

/**
 * Decimals that show a slider step: 0.25 -> 2, 5 -> 0.
 * @param {number} step
 */
export function stepDigits(step) {
  return Math.max(0, Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)));
}

// "[P3]" and "[P6]-[P8]" are citations of the essay's paragraphs.
const CITE = /\[P\d+\](?:\s*[-–]\s*\[P\d+\])?/g;

/**
 * Text cut into plain pieces and citations, in order.
 * @param {unknown} value
 * @returns {{ text: string, cite: boolean }[]}
 */
export function citeParts(value) {
  const text = String(value);
  /** @type {{ text: string, cite: boolean }[]} */
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(CITE)) {
    const index = match.index ?? 0;
    parts.push({ text: text.slice(last, index), cite: false }, { text: match[0], cite: true });
    last = index + match[0].length;
  }
  parts.push({ text: text.slice(last), cite: false });
  return parts;
}

/**
 * One CSV field, quoted when it has to be.
 * @param {unknown} text
 */
export function csvField(text) {
  const value = String(text);
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** @param {string} polarity `+`, `-` or `?` */
export function polarityWord(polarity) {
  return { '+': 'same direction', '-': 'opposite direction' }[polarity] ?? 'sign depends on the state';
}

/** @param {string} p */
export const polaritySign = (p) => (p === '+' ? '+' : p === '-' ? '−' : '?');

/** @param {string} p */
export const polarityClass = (p) => (p === '+' ? 'pos' : p === '-' ? 'neg' : 'unk');
