// Tests of the diagram layout in diagram.js: `node --test crates/blowback-serve/assets/test/`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { arrowHead, boxExit, edgeGeometry, labelLines, layoutDiagram } from '../diagram.js';

test('labels wrap at about twelve characters, never inside a word', () => {
  assert.deepEqual(labelLines('ttp fighters'), ['ttp fighters']);
  assert.deepEqual(labelLines('pro taliban constituency'), ['pro taliban', 'constituency']);
  assert.deepEqual(labelLines('internationalisation'), ['internationalisation']);
});

/** A ring of `n` boxes, each linked to the next, and two linked to nothing. */
function ring(n) {
  const nodes = Array.from({ length: n + 2 }, (_, i) => ({ w: 80 + (i % 3) * 20, h: 29 + (i % 2) * 17 }));
  const links = Array.from({ length: n }, (_, i) => [i, (i + 1) % n]);
  return { nodes, links };
}

test('the layout is deterministic and no two boxes overlap', () => {
  const { nodes, links } = ring(12);
  const first = layoutDiagram(nodes, links);
  assert.deepEqual(layoutDiagram(nodes, links), first);
  for (let i = 0; i < nodes.length; i++) {
    assert.ok(Number.isFinite(first[i].x) && Number.isFinite(first[i].y));
    for (let j = i + 1; j < nodes.length; j++) {
      const apart = Math.abs(first[i].x - first[j].x) >= (nodes[i].w + nodes[j].w) / 2
        || Math.abs(first[i].y - first[j].y) >= (nodes[i].h + nodes[j].h) / 2;
      assert.ok(apart, `boxes ${i} and ${j} overlap`);
    }
  }
});

test('linked boxes end up closer than the average pair', () => {
  const { nodes, links } = ring(10);
  const pos = layoutDiagram(nodes, links);
  const d = (a, b) => Math.hypot(pos[a].x - pos[b].x, pos[a].y - pos[b].y);
  const linked = links.reduce((sum, [a, b]) => sum + d(a, b), 0) / links.length;
  let all = 0;
  let pairs = 0;
  for (let i = 0; i < 10; i++) for (let j = i + 1; j < 10; j++, pairs++) all += d(i, j);
  assert.ok(linked < all / pairs, `linked ${linked} vs average ${all / pairs}`);
});

test('arrows leave and enter boxes at their borders', () => {
  const box = { w: 100, h: 40 };
  // Straight right from the centre: the border is 50 px away, plus the gap.
  assert.deepEqual(boxExit({ x: 0, y: 0 }, box, { x: 300, y: 0 }, 6), { x: 56, y: 0 });
  assert.deepEqual(boxExit({ x: 0, y: 0 }, box, { x: 0, y: -300 }, 0), { x: 0, y: -20 });
  const edge = edgeGeometry({ x: 0, y: 0 }, { x: 400, y: 0 }, box, box);
  assert.match(edge.d, /^M[\d.-]+,[\d.-]+ Q[\d.-]+,[\d.-]+ [\d.-]+,[\d.-]+$/);
  // Reversed, the arrow bends to the other side, so A→B and B→A never coincide.
  const back = edgeGeometry({ x: 400, y: 0 }, { x: 0, y: 0 }, box, box);
  assert.ok(Math.sign(edge.sy) === -Math.sign(back.sy) && edge.sy !== 0, `${edge.sy} vs ${back.sy}`);
  // The head is a closed triangle with its tip at the end point.
  assert.equal(arrowHead({ x: 10, y: 0 }, { x: 0, y: 0 }), 'M10.0,0.0 L-2.0,6.0 L-2.0,-6.0 Z');
});
