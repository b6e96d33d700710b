// The merged timeline of a real client's CCM\Logs folder: UTC order across 70 files, and a content ID that
// links CAS.log → ContentTransferManager.log → DataTransferService (rolled over) in time order.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { listLogFiles } from '../../server/src/core/files';
import { parseFile } from '../../server/src/core/parse';
import { filterTimeline, mergeTimeline } from '../../server/src/core/timeline';
import { CORPUS } from './corpusPath';

test('configmgr__iOS-CMLogTracer: merged in UTC order; a content download linked across three logs', async () => {
  const files = listLogFiles([join(CORPUS, 'configmgr__iOS-CMLogTracer')]).files;
  const sources = [];
  for (const file of files) sources.push(await parseFile(file));
  const items = mergeTimeline(sources);
  assert.equal(
    items.length,
    sources.reduce((n, s) => n + s.records.length, 0),
  );
  const times = items.map((i) => i.time ?? -Infinity);
  for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] <= times[i], `out of order at ${i}`);

  const chain = filterTimeline(items, { key: 'b2475630-fcec-493a-93c0-084fb7faf172' });
  const logs = [...new Set(chain.map((i) => i.record.file.split('/').pop()))];
  assert.deepEqual(logs, ['CAS.log', 'ContentTransferManager.log', 'DataTransferService-20131011-105409.log']);
  assert.match(chain[0].record.message, /^Requesting content Content_b2475630/);
});
