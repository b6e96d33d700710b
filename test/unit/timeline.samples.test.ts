// The seed-based samples merged: a client at bias +300 and a site server at -60 line up in UTC, and one
// update's content ID is followed from UpdatesHandler through CAS, CTM, LocationServices and DTS to the
// install in WUAHandler.log and WindowsUpdate.log, in the order the seed document describes.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { listLogFiles } from '../../server/src/core/files';
import { parseFile } from '../../server/src/core/parse';
import { filterTimeline, mergeTimeline } from '../../server/src/core/timeline';

const SAMPLES = resolve(__dirname, '../../samples');

async function mergedSamples() {
  const sources = [];
  for (const file of listLogFiles([SAMPLES]).files) sources.push(await parseFile(file));
  return mergeTimeline(sources);
}

const name = (file: string) => file.split('/').pop();

test('site server sync (1/16, bias -60) comes before the client scan that uses its content version (1/20, bias +300)', async () => {
  const items = await mergedSamples();
  const syncDone = items.findIndex((i) => /STATMSG: ID=6702/.test(i.record.message));
  const firstScan = items.findIndex(
    (i) => /ContentVersion=34/.test(i.record.message) && name(i.record.file) === 'ScanAgent.log',
  );
  assert.ok(syncDone >= 0 && firstScan > syncDone);
  assert.equal(new Date(items[syncDone].time!).toISOString(), '2014-01-16T18:57:46.304Z'); // = its GMTDATE
});

test('a content ID links six logs of the deployment in the documented order', async () => {
  const chain = filterTimeline(await mergedSamples(), { key: 'fbb5724a-aa0f-47f9-908a-47068fd8ad6f' });
  const firstSeen = [...new Set(chain.map((i) => name(i.record.file)))];
  assert.deepEqual(firstSeen, [
    'UpdatesHandler.log',
    'CAS.log',
    'ContentTransferManager.log',
    'LocationServices.log',
    'DataTransferService.log',
    'WUAHandler.log',
    'WindowsUpdate.log',
  ]);
  const times = chain.map((i) => i.time!);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  );
});
