// Tests of format.js: `node --test crates/blowback-serve/assets/test/`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  citeParts, csvField, fmt, fmtSigned, fmtTime, humanize, leverFormat, plain, polaritySign, stepDigits, visibleUnits,
} from '../format.js';

test('values keep about three significant figures and a typographic minus', () => {
  assert.equal(fmt(1234.5), '1,235');
  assert.equal(fmt(12.345), '12.3');
  assert.equal(fmt(1.2345), '1.23');
  assert.equal(fmt(0.12345), '0.123');
  assert.equal(fmt(-0.42), '−0.420');
  assert.equal(fmt(0.0001234), '0.00012');
  assert.equal(fmt(0), '0');
  assert.equal(fmt(NaN), '—');
  assert.equal(fmt(null), '—');
  assert.equal(fmtSigned(2), '+2.00');
  assert.equal(fmtSigned(-2), '−2.00');
});

test('plain numbers drop float noise and nothing else', () => {
  assert.equal(plain(0.1 + 0.2), '0.3');
  assert.equal(plain(2022.5), '2022.5');
  assert.equal(plain(-1), '−1');
});

test('times read as months of a year when the model counts years', () => {
  assert.equal(fmtTime(2022.5, 'year'), 'Jul 2022');
  assert.equal(fmtTime(2001, 'Years'), 'Jan 2001');
  // The last step of a year stays in December, never a thirteenth month.
  assert.equal(fmtTime(2030.9999999, 'years'), 'Dec 2030');
  assert.equal(fmtTime(12.5, 'day'), 'day 12.5');
});

test('slider steps decide the decimals shown', () => {
  assert.equal(stepDigits(1), 0);
  assert.equal(stepDigits(5), 0);
  assert.equal(stepDigits(0.25), 1);
  assert.equal(stepDigits(0.01), 2);
  assert.equal(stepDigits(1e-9), 6);
});

test('names, units, citations, CSV fields and signs', () => {
  assert.equal(humanize('ttp_attacks_per_year'), 'ttp attacks per year');
  assert.equal(visibleUnits('dmnl'), '');
  assert.equal(visibleUnits(' Dimensionless '), '');
  assert.equal(visibleUnits('attacks/year'), 'attacks/year');
  assert.equal(visibleUnits(undefined), '');
  assert.deepEqual(citeParts('As [P3] and [P6]-[P8] say.'), [
    { text: 'As ', cite: false }, { text: '[P3]', cite: true },
    { text: ' and ', cite: false }, { text: '[P6]-[P8]', cite: true }, { text: ' say.', cite: false },
  ]);
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "x"'), '"say ""x"""');
  assert.equal(polaritySign('-'), '−');
  assert.equal(polaritySign('?'), '?');
});

test('a lever in the model\'s time units reads as a year, others keep thousands separators', () => {
  assert.equal(leverFormat(1, 'year', 'year').format(2022.5), '2022.5');
  assert.equal(leverFormat(0, 'years', 'Year').format(2035), '2035');
  assert.equal(leverFormat(0, 'billion US$', 'year').format(2500), '2,500');
  assert.equal(leverFormat(2, '', 'year').format(1234.5), '1,234.50');
});
