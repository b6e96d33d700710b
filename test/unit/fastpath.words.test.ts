// WordsAhead (server/src/core/fastpath/byteText.ts), the chunk-wide search the classic WindowsUpdate.log grammar
// uses for FATAL / FAILED / WARNING, must answer what a case-sensitive WordFinder answers for every line: the same
// bits and the same first positions, for lines read in order, again out of order, and in a new buffer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WordFinder, WordsAhead } from '../../server/src/core/fastpath/byteText';

const WORDS = ['FATAL', 'FAILED', 'WARNING'];

/** A seeded generator (the same lines on every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Lines made of pieces that put the words next to word characters, other cases, and cut-off words. */
function lines(count: number, next: () => number): string[] {
  const pieces = [...WORDS, 'FAIL', 'fatal', 'Failed', 'WARN', 'x', '_', '9', ' ', '\t', '[', ']', ':', 'é', '-'];
  return Array.from({ length: count }, () => {
    const n = Math.floor(next() * 12);
    return Array.from({ length: n }, () => pieces[Math.floor(next() * pieces.length)]).join('');
  });
}

function compare(finder: WordFinder, ahead: WordsAhead, data: Buffer, ranges: Array<[number, number]>): void {
  for (const [from, to] of ranges) {
    const expected = finder.find(data, from, to);
    const got = ahead.find(data, from, to);
    const text = data.toString('utf8', from, to);
    assert.equal(got, expected, `bits for ${JSON.stringify(text)}`);
    for (let k = 0; k < WORDS.length; k++)
      if (expected & (1 << k))
        assert.equal(ahead.firstAt[k], finder.firstAt[k], `${WORDS[k]} in ${JSON.stringify(text)}`);
  }
}

test('WordsAhead finds what a case-sensitive WordFinder finds, line by line, in order and out of order', () => {
  const finder = new WordFinder(WORDS, false);
  const ahead = new WordsAhead(WORDS);
  const next = random(20261207);
  for (let round = 0; round < 20; round++) {
    const data = Buffer.from(lines(300, next).join('\n'), 'utf8');
    const ranges: Array<[number, number]> = [];
    for (let at = 0; at <= data.length;) {
      const end = data.indexOf(10, at);
      const to = end < 0 ? data.length : end;
      // Messages start anywhere in their line (after a prefix the grammar read).
      ranges.push([Math.min(to, at + Math.floor(next() * 4)), to]);
      at = to + 1;
    }
    compare(finder, ahead, data, ranges);
    // A line asked for again, or one before the last: searched afresh.
    compare(finder, ahead, data, [ranges[5], ranges[2], ranges[2], ranges[7]]);
  }
});

test('WordsAhead: words at the edges of the range, and a new buffer with the same bytes elsewhere', () => {
  const ahead = new WordsAhead(WORDS);
  const data = Buffer.from('xFATAL FAILEDx WARNING|FATAL');
  assert.equal(ahead.find(data, 1, 6), 1, 'FATAL from the range start, whatever is before it');
  assert.equal(ahead.find(data, 7, 13), 2, 'FAILED up to the range end, whatever is after it');
  assert.equal(ahead.find(data, 7, 14), 0, 'FAILEDx is no word');
  assert.equal(ahead.find(data, 15, 28), 1 | 4);
  assert.equal(ahead.firstAt[0], 23);
  const other = Buffer.from('.... FATAL');
  assert.equal(ahead.find(other, 0, other.length), 1);
  assert.equal(ahead.firstAt[0], 5);
  assert.throws(() => new WordsAhead(['-x-']));
});
