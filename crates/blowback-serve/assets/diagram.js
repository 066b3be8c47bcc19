// @ts-check
// The causal-loop diagram: stocks as boxes, the loops between them condensed to signed arrows,
// each arrow with the claims behind it. The layout and the arrow geometry are pure and tested with
// `node --test`; drawing and the arrow's description read the page.

import { ApiError, once, request } from './api.js';
import { $, citeList, el, linkText, svg } from './dom.js';
import { humanize, polarityClass, polaritySign, polarityWord } from './format.js';

/**
 * @typedef {{ id: string, label: string, doc: string }} DiagramNode
 * @typedef {{ from: string, to: string, polarity: string, via?: string[], loops?: string[],
 *   claims?: { id: string, paragraphs: string[], paraphrase: string }[], group?: SVGGElement }} DiagramEdge
 * @typedef {DiagramNode & { lines: string[], w: number, h: number, group?: SVGGElement }} Box
 * @typedef {{ x: number, y: number }} Point
 */

/** @type {{ nodes: DiagramNode[], edges: DiagramEdge[], drawnNodes?: Box[] } | null} */
let diagram = null;
/** @type {[DiagramEdge, SVGGElement] | null} */
let pinnedEdge = null;

/** Fetches the diagram (once) and draws it. */
export const loadDiagram = once(async () => {
  try {
    diagram = await request('/api/diagram');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    $('#edge-info').replaceChildren(el('p', { class: 'hint error' }, `The diagram is unavailable: ${message}`));
    throw error;
  }
  drawDiagram();
});

/**
 * A label wrapped to lines of about 12 characters: narrow boxes let linked stocks sit close.
 * @param {string} label
 */
export function labelLines(label) {
  /** @type {string[]} */
  const lines = [];
  for (const word of String(label).split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= 12) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * A deterministic spring layout: the same diagram on every visit, neighbours close, labels apart.
 * Returns each box's centre.
 * @param {{ w: number, h: number }[]} nodes box sizes
 * @param {[number, number][]} links pairs of node indices
 * @returns {Point[]}
 */
export function layoutDiagram(nodes, links) {
  const n = nodes.length;
  /** @type {number[][]} */
  const adjacency = nodes.map(() => []);
  for (const [a, b] of links) {
    adjacency[a].push(b);
    adjacency[b].push(a);
  }
  // Start on a circle in depth-first order so that linked stocks begin near each other.
  /** @type {number[]} */
  const order = [];
  const seen = new Set();
  /** @param {number} i */
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

/**
 * Where the ray from a box's centre towards a point leaves the box (plus a gap for the arrowhead).
 * @param {Point} center
 * @param {{ w: number, h: number }} box
 * @param {Point} toward
 * @param {number} gap
 * @returns {Point}
 */
export function boxExit(center, box, toward, gap) {
  const dx = toward.x - center.x;
  const dy = toward.y - center.y;
  const hw = box.w / 2 + gap;
  const hh = box.h / 2 + gap;
  const scale = Math.min(dx ? hw / Math.abs(dx) : Infinity, dy ? hh / Math.abs(dy) : Infinity);
  return { x: center.x + dx * Math.min(1, scale), y: center.y + dy * Math.min(1, scale) };
}

/**
 * A curved arrow between two boxes, with its arrowhead and the point where the sign sits.
 * @param {Point} a
 * @param {Point} b
 * @param {{ w: number, h: number }} boxA
 * @param {{ w: number, h: number }} boxB
 */
export function edgeGeometry(a, b, boxA, boxB) {
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

/**
 * A loop through a single stock: an arc over the top of its box, leaving and re-entering it.
 * @param {Point} a
 * @param {{ w: number, h: number }} box
 */
export function selfLoopGeometry(a, box) {
  const top = a.y - box.h / 2;
  const start = { x: a.x - box.w / 4, y: top - 3 };
  const end = { x: a.x + box.w / 4, y: top - 6 };
  const c1 = { x: start.x - 20, y: top - 55 };
  const c2 = { x: end.x + 20, y: top - 55 };
  const d = `M${start.x.toFixed(1)},${start.y.toFixed(1)} C${c1.x.toFixed(1)},${c1.y.toFixed(1)} ${c2.x.toFixed(1)},${c2.y.toFixed(1)} ${end.x.toFixed(1)},${end.y.toFixed(1)}`;
  return { d, head: arrowHead(end, c2), sx: a.x, sy: top - 42 };
}

/**
 * A filled arrowhead at `end`, pointing away from `from`.
 * @param {Point} end
 * @param {Point} from
 */
export function arrowHead(end, from) {
  const tx = end.x - from.x;
  const ty = end.y - from.y;
  const tl = Math.max(1e-9, Math.hypot(tx, ty));
  const ux = tx / tl;
  const uy = ty / tl;
  return `M${end.x.toFixed(1)},${end.y.toFixed(1)} L${(end.x - ux * 12 - uy * 6).toFixed(1)},${(end.y - uy * 12 + ux * 6).toFixed(1)} L${(end.x - ux * 12 + uy * 6).toFixed(1)},${(end.y - uy * 12 - ux * 6).toFixed(1)} Z`;
}

function drawDiagram() {
  if (!diagram) return;
  const shown = diagram;
  const root = $('#diagram');
  root.replaceChildren();
  const index = new Map(shown.nodes.map((node, i) => [node.id, i]));
  /** @type {Box[]} */
  const nodes = shown.nodes.map((node) => {
    const lines = labelLines(node.label || humanize(node.id));
    return { ...node, lines, w: Math.max(...lines.map((l) => l.length)) * 8 + 20, h: lines.length * 17 + 12 };
  });
  const edges = shown.edges.filter((e) => index.has(e.from) && index.has(e.to));
  /** @param {string} id */
  const at = (id) => /** @type {number} */ (index.get(id));
  const pos = layoutDiagram(nodes, edges.map((e) => [at(e.from), at(e.to)]));

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
    const a = pos[at(edge.from)];
    const b = pos[at(edge.to)];
    return { edge, a, b, key: Math.round(Math.min(a.y, b.y) / 60) * 10000 + Math.min(a.x, b.x) };
  }).sort((p, q) => p.key - q.key);

  const edgeLayer = svg('g', { class: 'edges' }, root);
  const nodeLayer = svg('g', { class: 'nodes' }, root);
  for (const { edge, a, b } of ordered) {
    const boxA = nodes[at(edge.from)];
    const boxB = nodes[at(edge.to)];
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
    group.addEventListener('keydown', (/** @type {KeyboardEvent} */ event) => {
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
  shown.drawnNodes = nodes;
  highlightLoop($('#loop-filter').value);
}

/**
 * @param {DiagramEdge} edge
 * @param {SVGGElement} group
 */
function pinEdge(edge, group) {
  pinnedEdge = [edge, group];
  showEdge(edge, group);
}

function clearEdge() {
  for (const e of diagram?.edges ?? []) e.group?.classList.remove('active');
  $('#edge-info').replaceChildren(el('p', { class: 'hint' }, 'Choose an arrow to see what it means.'));
}

/**
 * @param {DiagramEdge} edge
 * @param {SVGGElement} group
 */
function showEdge(edge, group) {
  for (const e of diagram?.edges ?? []) e.group?.classList.toggle('active', e.group === group);
  const from = humanize(edge.from);
  const to = humanize(edge.to);
  /** @type {Record<string, string>} */
  const meanings = {
    '+': `More ${from} leads to more ${to} (and less to less).`,
    '-': `More ${from} leads to less ${to} (and less to more).`,
  };
  const meaning = meanings[edge.polarity] ?? `Whether more ${from} raises or lowers ${to} depends on the state of the system.`;
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

/**
 * Dims everything but the arrows of one loop (none: nothing dimmed).
 * @param {string} name
 */
export function highlightLoop(name) {
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
  for (const node of diagram.drawnNodes) node.group?.classList.toggle('dim', Boolean(name) && !inLoop.has(node.id));
}
