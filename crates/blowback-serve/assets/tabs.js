// @ts-check
// Tabs (WAI-ARIA tabs: arrow keys move between tabs, Tab moves into the panel). A view registers
// what to do when its tab is first shown; nothing else here knows the views.

/** @type {HTMLElement[]} */
let tabs = [];
/** @type {Record<string, () => unknown>} */
let onShow = {};

/**
 * Wires the tabs of the page; `handlers` maps a tab's id to what its panel does when shown.
 * @param {Record<string, () => unknown>} handlers
 */
export function initTabs(handlers) {
  tabs = [...document.querySelectorAll('[role="tab"]')].map((tab) => /** @type {HTMLElement} */ (tab));
  onShow = handlers;
  for (const tab of tabs) tab.addEventListener('click', () => selectTab(tab));
  document.querySelector('.tabs')?.addEventListener('keydown', (event) => tabKey(/** @type {KeyboardEvent} */ (event)));
}

/**
 * Shows a tab's panel and hides the others.
 * @param {HTMLElement} tab
 * @param {boolean} [focus]
 */
export function selectTab(tab, focus = false) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    const panel = document.getElementById(t.getAttribute('aria-controls') ?? '');
    if (panel) panel.hidden = !on;
  }
  if (focus) tab.focus();
  onShow[tab.id]?.();
}

/** @param {KeyboardEvent} event */
function tabKey(event) {
  const index = tabs.indexOf(/** @type {HTMLElement} */ (event.target));
  if (index < 0) return;
  /** @type {Record<string, number>} */
  const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
  const next = moves[event.key];
  if (next == null) return;
  event.preventDefault();
  selectTab(tabs[(next + tabs.length) % tabs.length], true);
}

/**
 * Shows the tab with this id.
 * @param {string} id
 */
export const showTab = (id) => {
  const tab = document.getElementById(id);
  if (tab) selectTab(tab);
};
