// Tests of the chart geometry in charts.js: `node --test crates/blowback-serve/assets/test/`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TOLERANCE_PX, linePath, nearestIndex, niceStep, niceTicks } from '../charts.js';

test('steps are 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceStep(10, 5), 2);
  assert.equal(niceStep(34, 5), 5);
  assert.equal(niceStep(1, 4), 0.2);
  assert.equal(niceStep(9000, 5), 2000);
});

test('ticks cover the data on round values', () => {
  const axis = niceTicks(3.2, 97.1, 5);
  assert.deepEqual(axis.ticks, [0, 20, 40, 60, 80, 100]);
  assert.ok(axis.lo <= 3.2 && axis.hi >= 97.1);
  // A constant series gets a range around it, and no tick prints as −0.
  const flat = niceTicks(5, 5, 4);
  assert.ok(flat.lo < 5 && flat.hi > 5);
  const zero = niceTicks(-0.3, 0.3, 4);
  assert.ok(zero.ticks.includes(0) && zero.ticks.every((t) => !Object.is(t, -0)));
});

/** Points of an SVG path: [[x, y], ...] per segment. */
function segments(d) {
  return d.split('M').filter(Boolean).map((segment) =>
    segment.split('L').map((point) => point.split(',').map(Number)));
}

/** Distance from (px, py) to the segment between a and b. */
function distance([px, py], [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

test('a straight line draws as its two ends', () => {
  const time = Array.from({ length: 101 }, (_, i) => i);
  const d = linePath(time, time.map((t) => 2 * t), (t) => t, (v) => v);
  assert.deepEqual(segments(d), [[[0, 0], [100, 200]]]);
});

test('a simplified curve stays within the tolerance of every point', () => {
  const time = Array.from({ length: 545 }, (_, i) => 2001 + i / 16);
  const values = time.map((t) => 300 + 200 * Math.sin((t - 2001) / 3));
  const x = (t) => ((t - 2001) / 34) * 900;
  const y = (v) => 400 - v * 0.7;
  const [points] = segments(linePath(time, values, x, y));
  assert.ok(points.length < 120, `${points.length} points kept of 545`);
  // The path rounds to 0.1 px, so allow that on top of the tolerance.
  for (let i = 0; i < time.length; i++) {
    const p = [x(time[i]), y(values[i])];
    const nearest = Math.min(...points.slice(1).map((b, k) => distance(p, points[k], b)));
    assert.ok(nearest <= TOLERANCE_PX + 0.1, `point ${i} is ${nearest} px off`);
  }
});

test('a gap in the values lifts the pen', () => {
  const time = [0, 1, 2, 3, 4, 5];
  const values = [0, 1, NaN, 3, 5, 4];
  const parts = segments(linePath(time, values, (t) => t * 10, (v) => v * 10));
  assert.equal(parts.length, 2);
  assert.deepEqual(parts[0], [[0, 0], [10, 10]]);
  assert.deepEqual(parts[1][0], [30, 30]);
});

test('the nearest saved time is found by bisection', () => {
  const time = [0, 0.25, 0.5, 0.75, 1];
  assert.equal(nearestIndex(time, 0.3), 1);
  assert.equal(nearestIndex(time, 0.375), 1);
  assert.equal(nearestIndex(time, 0.4), 2);
  assert.equal(nearestIndex(time, -5), 0);
  assert.equal(nearestIndex(time, 9), 4);
});
