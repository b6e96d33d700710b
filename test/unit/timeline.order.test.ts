// mergeOrder (typed arrays, per-file order checked, k-way merge) against the plain definition: every record of
// every file sorted by (merged time, file, record), a record without a time taking the time before it in its
// file and no time sorting first. Random files, some with times going backwards, some without any time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeOrder, type TimelineSource } from '../../server/src/core/timeline';
import { RecordTable } from '../../server/src/core/table';
import type { LogRecord } from '../../server/src/core/record';

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function table(file: string, times: Array<number | null>): RecordTable {
  const t = new RecordTable(file);
  times.forEach((utc, i) => {
    const record: LogRecord = {
      file,
      line: i + 1,
      endLine: i + 1,
      column: 1,
      format: 'cmtrace',
      utc,
      local: null,
      biasMinutes: null,
      component: 'C',
      context: '',
      thread: 1,
      severity: 'info',
      rawType: '1',
      message: `m${i}`,
      sourceFile: '',
    };
    t.push(record);
  });
  return t;
}

function reference(sources: TimelineSource[]): string[] {
  const all: Array<{ key: number; s: number; r: number }> = [];
  sources.forEach((src, s) => {
    let last: number | null = null;
    for (let r = 0; r < src.records.length; r++) {
      const utc = src.records.utc(r);
      if (utc !== null) last = utc + (src.clockOffsetMs ?? 0);
      all.push({ key: last === null ? -Infinity : last, s, r });
    }
  });
  all.sort((a, b) => a.key - b.key || a.s - b.s || a.r - b.r);
  return all.map((x) => `${x.s}:${x.r}`);
}

test('mergeOrder = sorting every record by (time, file, record), on 200 random sets of files', () => {
  const random = mulberry32(20261204);
  for (let round = 0; round < 200; round++) {
    const sources: TimelineSource[] = [];
    const files = 1 + Math.floor(random() * 6);
    for (let f = 0; f < files; f++) {
      const n = Math.floor(random() * 40);
      const kind = random();
      let t = 1_700_000_000_000 + Math.floor(random() * 5000);
      const times: Array<number | null> = [];
      for (let i = 0; i < n; i++) {
        if (random() < 0.15) times.push(null);
        else if (kind < 0.2)
          times.push(1_700_000_000_000 + Math.floor(random() * 8000)); // unsorted
        else times.push((t += Math.floor(random() * 3) * 250)); // sorted, with equal times
      }
      sources.push({
        file: `f${f}`,
        records: table(`f${f}`, times),
        clockOffsetMs: random() < 0.3 ? Math.floor(random() * 2000) - 1000 : undefined,
      });
    }
    const order = mergeOrder(sources);
    const got = Array.from({ length: order.length }, (_, i) => `${order.source[i]}:${order.record[i]}`);
    assert.deepEqual(got, reference(sources), `round ${round}`);
    for (let i = 0; i < order.length; i++) {
      const item = order.item(i);
      assert.equal(item.record.file, `f${order.source[i]}`);
      assert.equal(item.recordIndex, order.record[i]);
    }
  }
});

/** Random files as in the test above: sorted with equal times, unsorted, without times, with clock offsets. */
function randomSources(random: () => number, files: number): TimelineSource[] {
  const sources: TimelineSource[] = [];
  for (let f = 0; f < files; f++) {
    const n = Math.floor(random() * 40);
    const kind = random();
    let t = 1_700_000_000_000 + Math.floor(random() * 5000);
    const times: Array<number | null> = [];
    for (let i = 0; i < n; i++) {
      if (random() < 0.15) times.push(null);
      else if (kind < 0.2) times.push(1_700_000_000_000 + Math.floor(random() * 8000));
      else times.push((t += Math.floor(random() * 3) * 250));
    }
    const clockOffsetMs = random() < 0.3 ? Math.floor(random() * 2000) - 1000 : undefined;
    sources.push({ file: `f${f}`, records: table(`f${f}`, times), clockOffsetMs });
  }
  return sources;
}

const positions = (order: ReturnType<typeof mergeOrder>) =>
  Array.from({ length: order.length }, (_, i) => `${order.source[i]}:${order.record[i]}:${order.times[i]}`);

test('a merge started from an earlier merge of some of the files (a folder read log by log) = a merge from scratch', () => {
  const random = mulberry32(20261207);
  let reused = 0;
  for (let round = 0; round < 300; round++) {
    const all = randomSources(random, 2 + Math.floor(random() * 6));
    // The files read so far: any of them, in the folder's order; then one or more of the rest join.
    let subset = all.filter(() => random() < 0.5);
    if (!subset.length) subset = [all[0]];
    let previous = mergeOrder(subset);
    assert.deepEqual(positions(previous), positions(mergeOrder(subset.map((s) => ({ ...s })))));
    const more = all.filter((s) => subset.includes(s) || random() < 0.5);
    const next = mergeOrder(more, previous);
    assert.deepEqual(
      positions(next),
      reference(more).map((id, i) => `${id}:${next.times[i]}`),
      `round ${round}`,
    );
    const scratch = mergeOrder(more.map((s) => ({ ...s, records: table(s.file, timesOf(s.records)) })));
    assert.deepEqual(positions(next), positions(scratch), `round ${round}`);
    if (next.runs.every((run, k) => subset.includes(more[k]) === previous.runs.includes(run))) reused++;
    previous = next;
  }
  assert.ok(reused > 250, `the earlier merge's runs were reused in ${reused} of 300 rounds`);
});

test('an earlier merge is not reused for a file that changed, moved its offset, or left', () => {
  const a = table('a', [1, 5, 9]);
  const b = table('b', [2, 6]);
  const c = table('c', [3, 4]);
  const first = mergeOrder([
    { file: 'a', records: a },
    { file: 'b', records: b },
  ]);
  // b's records were replaced by as many others (a growing log's provisional tail): not the old order.
  b.truncate(1);
  b.push({ ...b.get(0), line: 2, utc: 0 });
  const later = mergeOrder(
    [
      { file: 'a', records: a },
      { file: 'b', records: b },
      { file: 'c', records: c },
    ],
    first,
  );
  const ids = (o: ReturnType<typeof mergeOrder>) =>
    Array.from({ length: o.length }, (_, i) => `${o.source[i]}:${o.record[i]}`);
  assert.deepEqual(ids(later), ['1:1', '0:0', '1:0', '2:0', '2:1', '0:1', '0:2']);
  // An offset on a: its times moved.
  const shifted = mergeOrder(
    [
      { file: 'a', records: a, clockOffsetMs: 10 },
      { file: 'c', records: c },
    ],
    later,
  );
  assert.deepEqual(ids(shifted), ['1:0', '1:1', '0:0', '0:1', '0:2']);
  assert.deepEqual(Array.from(shifted.times), [3, 4, 11, 15, 19]);
  // a left: c alone.
  assert.deepEqual(ids(mergeOrder([{ file: 'c', records: c }], shifted)), ['0:0', '0:1']);
});

function timesOf(records: RecordTable): Array<number | null> {
  return Array.from({ length: records.length }, (_, i) => records.utc(i));
}

test('items(from, to) and items over a list of positions give the rows asked for', () => {
  const sources = [
    { file: 'a', records: table('a', [3, 1, 2]) },
    { file: 'b', records: table('b', [2, null]) },
  ];
  const order = mergeOrder(sources);
  assert.deepEqual(
    order.items(0, order.length).map((i) => `${i.sourceIndex}:${i.recordIndex}:${i.time}`),
    ['0:1:1', '0:2:2', '1:0:2', '1:1:2', '0:0:3'],
  );
  assert.deepEqual(
    order.items(1, 3).map((i) => i.recordIndex),
    [2, 0],
  );
  assert.deepEqual(
    order.items(0, 2, [4, 0]).map((i) => `${i.sourceIndex}:${i.recordIndex}`),
    ['0:0', '0:1'],
  );
});
