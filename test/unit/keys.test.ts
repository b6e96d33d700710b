import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findKeys, guessKeyKind, keyAt } from '../../server/src/core/keys';

test('GUIDs with and without braces, glued to words, normalised', () => {
  const text =
    'UpdateSourceID={C2D17964-BBDD-4339-B9F3-12D7205B39CC} Content_b2475630-fcec-493a-93c0-084fb7faf172.1 Site_ABC/SUM_af5eb87e-cdd6-40bf-984f-5d0630406de8';
  assert.deepEqual(
    findKeys(text).map((k) => k.key),
    [
      'c2d17964-bbdd-4339-b9f3-12d7205b39cc',
      'b2475630-fcec-493a-93c0-084fb7faf172',
      'af5eb87e-cdd6-40bf-984f-5d0630406de8',
    ],
  );
  const braces = findKeys(text)[0];
  assert.equal(text.slice(braces.start, braces.end), '{C2D17964-BBDD-4339-B9F3-12D7205B39CC}');
});

test('not GUIDs: a longer hex run, a 13-digit last group', () => {
  assert.deepEqual(
    findKeys('1C2D17964-BBDD-4339-B9F3-12D7205B39CC and C2D17964-BBDD-4339-B9F3-12D7205B39CC0').map((k) => k.key),
    [],
  );
});

test('KB numbers', () => {
  assert.deepEqual(
    findKeys('Definition Update KB2461484 (Definition 1.165.1945.0), kb2862152').map((k) => k.key),
    ['KB2461484', 'KB2862152'],
  );
});

test('the key under a cursor, and what kind of GUID it is', () => {
  const text = 'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::Initialize- entered';
  assert.equal(keyAt(text, 12)?.key, '4cd06388-d509-46e4-8c00-75909edd9ee8');
  assert.equal(keyAt(text, 60), undefined);
  assert.equal(guessKeyKind('ScanJob('), 'ScanJob');
  assert.equal(guessKeyKind('Policy available for UpdateSourceID='), 'UpdateSource');
  assert.equal(guessKeyKind('Raised assignment ('), 'assignment');
  assert.equal(guessKeyKind('CTM job '), 'ContentTransferManager job');
});

test('the GUID scanner finds exactly what the plain regular expression finds (random text)', () => {
  // The definition the scanner implements, as a regular expression: too slow for indexing, fine as a reference.
  const reference =
    /\{?(?<![0-9a-fA-F-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9a-fA-F-])\}?/g;
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const guid = () =>
    [8, 4, 4, 4, 12]
      .map((n) => Array.from({ length: n }, () => '0123456789abcdefABCDEF'[Math.floor(random() * 22)]).join(''))
      .join('-');
  const pieces = ['{', '}', '-', '_', 'x', ' ', 'a', '0', 'Content_', '=', '('];
  for (let round = 0; round < 2000; round++) {
    let text = '';
    while (text.length < 120) text += random() < 0.3 ? guid() : pieces[Math.floor(random() * pieces.length)];
    const expected = [...text.matchAll(reference)].map((m) => [
      m.index,
      m.index! + m[0].length,
      m[0].replace(/[{}]/g, '').toLowerCase(),
    ]);
    const actual = findKeys(text)
      .filter((k) => k.kind === 'guid')
      .map((k) => [k.start, k.end, k.key]);
    assert.deepEqual(actual, expected, text);
  }
});
