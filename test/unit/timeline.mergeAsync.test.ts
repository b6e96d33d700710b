// The timeline's merge made in slices (mergeOrderAsync, what the language server runs so that the editor is answered
// between slices; issue #23) gives the order of a plain sort by (time, file, place in the file), across slice
// boundaries: more records than two slices, ties between files at every instant, a log out of time order, and a merge
// that starts from an earlier one of some of the logs (the two-way merge), with the event loop turning between slices.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseText } from '../../server/src/core/parse';
import { mergeOrder, mergeOrderAsync, type MergedOrder, type TimelineSource } from '../../server/src/core/timeline';

const cm = (message: string, seconds: number) => {
  const s = seconds % 60;
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600) % 24;
  const time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.000+000`;
  return `<![LOG[${message}]LOG]!><time="${time}" date="03-01-2024" component="Test" context="" type="1" thread="1" file="">`;
};

/** A log of `count` records, two per second from `start` (ties with the other logs); `shuffled`: not in time order. */
function log(file: string, count: number, start: number, shuffled = false): TimelineSource {
  const seconds = Array.from({ length: count }, (_, i) => start + (i >> 1));
  if (shuffled) for (let i = 0; i + 7 < count; i += 7) [seconds[i], seconds[i + 7]] = [seconds[i + 7], seconds[i]];
  const result = parseText(seconds.map((t, i) => cm(`${file} ${i}`, t)).join('\r\n'), file);
  assert.equal(result.records.length, count);
  return { file, records: result.records };
}

/** The order by (time, source, place in the source): what every merge must give. */
function reference(sources: TimelineSource[]): string[] {
  const all: { t: number; s: number; i: number }[] = [];
  sources.forEach((source, s) => {
    for (let i = 0; i < source.records.length; i++) all.push({ t: source.records.utc(i)!, s, i });
  });
  all.sort((a, b) => a.t - b.t || a.s - b.s || a.i - b.i);
  return all.map(({ s, i }) => `${s}:${i}`);
}

const placesOf = (order: MergedOrder) => Array.from(order.source, (s, k) => `${s}:${order.record[k]}`);

test('the merge in slices gives the sorted order, from scratch and from an earlier merge of some logs', async () => {
  // 3 x 120,000 records: several slices (65,536), so slices end inside runs and between the two inputs.
  const sources = [log('A.log', 120_000, 0), log('B.log', 120_000, 1000, true), log('C.log', 120_000, 500)];
  const expected = reference(sources);
  let pauses = 0;
  const pause = () => new Promise<void>((resolve) => setImmediate(() => (pauses++, resolve())));

  const fromScratch = await mergeOrderAsync(sources, undefined, pause);
  assert.ok(pauses >= 2, `the merge paused ${pauses} times`);
  assert.deepEqual(placesOf(fromScratch), expected);
  assert.deepEqual(placesOf(mergeOrder(sources)), expected);

  // A and C merged first (as a folder read log by log), then B added: the two-way merge, in slices too.
  const earlier = mergeOrder([sources[0], sources[2]]);
  const withEarlier = await mergeOrderAsync(sources, earlier, pause);
  assert.deepEqual(placesOf(withEarlier), expected);
  assert.deepEqual(Array.from(withEarlier.times), Array.from(fromScratch.times));
});
