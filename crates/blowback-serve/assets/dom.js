// @ts-check
// Small DOM helpers.
//
// Everything the server says about the model (names, docs, claims) is untrusted text: it enters the
// page only through textContent, text nodes and setAttribute, never as markup. The page runs under a
// strict Content-Security-Policy, so there are no inline styles or handlers: geometry goes through
// SVG attributes and the CSSOM, colours through classes defined in style.css.

import { citeParts, humanize, polarityClass, polaritySign, polarityWord } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * The element matching `selector` (the page's own markup has every one this script asks for).
 * @param {string} selector
 * @returns {any}
 */
export const $ = (selector) => document.querySelector(selector);

/**
 * @typedef {Node | string | null | undefined | false} Kid
 * @typedef {Kid | Kid[]} Kids
 */

/**
 * An HTML element with attributes and children.
 * @param {string} tag
 * @param {Record<string, unknown>} [props]
 * @param {...Kids} kids
 * @returns {any}
 */
export function el(tag, props = {}, ...kids) {
  const node = document.createElement(tag);
  setProps(node, props);
  for (const kid of kids.flat()) if (kid != null && kid !== false) node.append(kid);
  return node;
}

/**
 * An SVG element with attributes, appended to `parent` when given.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {Element | null} [parent]
 * @returns {any}
 */
export function svg(tag, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG_NS, tag);
  setProps(node, attrs);
  if (parent) parent.append(node);
  return node;
}

/**
 * @param {Element} node
 * @param {Record<string, unknown>} props
 */
function setProps(node, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    node.setAttribute(key, value === true ? '' : String(value));
  }
}

/**
 * Text with its paragraph citations ("[P3]") styled.
 * @param {unknown} value
 * @returns {(string | Node)[]}
 */
export function withCites(value) {
  return citeParts(value).map((part) => (part.cite ? el('span', { class: 'cite' }, part.text) : part.text));
}

/**
 * Paragraph ids as citations.
 * @param {string[]} [paragraphs]
 */
export function citeList(paragraphs = []) {
  return el('span', { class: 'cites' }, paragraphs.map((p) => el('span', { class: 'cite' }, `[${p}]`)));
}

/**
 * A causal link written out: "a → b (+)".
 * @param {string} from
 * @param {string} to
 * @param {string} polarity
 */
export function linkText(from, to, polarity) {
  return el('span', { class: `link ${polarityClass(polarity)}` },
    humanize(from), ' → ', humanize(to), ' ',
    el('span', { class: 'polarity', title: polarityWord(polarity) }, `(${polaritySign(polarity)})`));
}

/**
 * The status line (announced to screen readers).
 * @param {string} text
 * @param {boolean} [isError]
 */
export function setStatus(text, isError = false) {
  const status = $('#status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

/**
 * A panel showing one line of text (loading, unavailable).
 * @param {Element} panel
 * @param {string} text
 */
export function panelMessage(panel, text) {
  panel.replaceChildren(el('p', { class: 'hint' }, text));
}
