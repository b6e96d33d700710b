// What a timeline shows of a folder while its logs are read (server/src/loadingTimeline.ts, issue #23): the logs
// shown grow only once the records read have grown by half, never while the editor is in use, and a log dropped
// meanwhile is never shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EDITOR_QUIET_MS, LoadingTimelines } from '../../server/src/loadingTimeline';

const logs = (...records: number[]) => records.map((n, k) => ({ file: `/f/Log${k}.log`, records: n }));

test('the logs shown grow once the records read grew by half: a few merges of the folder, not one per log', () => {
  const t = new LoadingTimelines(() => 0);
  const merges: number[] = [];
  let shown: string[] = [];
  for (let read = 1; read <= 20; read++) {
    const now = t.shownWhileLoading('/f', logs(...Array(read).fill(200_000)));
    if (now.join() !== shown.join()) merges.push(now.length);
    shown = now;
  }
  assert.deepEqual(merges, [1, 2, 3, 5, 8, 12, 18]);
});

test('sorted as the folder is; the first answer shows what is read at once', () => {
  const t = new LoadingTimelines(() => 0);
  const read = [
    { file: '/f/b.log', records: 10 },
    { file: '/f/a.log', records: 10 },
  ];
  assert.deepEqual(t.shownWhileLoading('/f', read), ['/f/a.log', '/f/b.log']);
});

test('while the editor is in use the logs shown do not grow; they do once it has been quiet', () => {
  let now = 0;
  const t = new LoadingTimelines(() => now);
  assert.deepEqual(t.shownWhileLoading('/f', logs(10)), ['/f/Log0.log']);
  t.editorRequest(); // a log opened
  now += EDITOR_QUIET_MS - 1;
  assert.deepEqual(t.shownWhileLoading('/f', logs(10, 10, 10)), ['/f/Log0.log'], 'deferred');
  now += 1;
  assert.deepEqual(t.shownWhileLoading('/f', logs(10, 10, 10)).length, 3, 'quiet again: shown');
});

test('a log shown that is no longer read (dropped) is not shown, editor or not', () => {
  let now = 0;
  const t = new LoadingTimelines(() => now);
  t.shownWhileLoading('/f', logs(10, 10));
  t.editorRequest();
  now += 1;
  const after = t.shownWhileLoading('/f', [{ file: '/f/Log1.log', records: 10 }]);
  assert.deepEqual(after, ['/f/Log1.log']);
});

test('folders are apart, and a loaded folder starts again from nothing', () => {
  const t = new LoadingTimelines(() => 0);
  t.shownWhileLoading('/f', logs(10));
  assert.deepEqual(t.shownWhileLoading('/g', [{ file: '/g/x.log', records: 1 }]), ['/g/x.log']);
  t.loaded('/f');
  assert.equal(t.shownWhileLoading('/f', logs(10, 1)).length, 2);
});
