// The per-file summary `cmlogs stats` has the parsing thread compute (core/stats/fileSummary.ts) must say what the
// calling thread's own loops say once the clocks are set: a time span is only taken from the parse when no record
// needs the folder's clock, and computeStats gives the same Stats with or without the summaries, parsed in this
// thread or on workers.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { computeStats } from '../../server/src/cli/stats';
import { applyClocks } from '../../server/src/core/clock';
import { parseFilesParallel } from '../../server/src/core/parallel';
import { parseText, type ParseResult } from '../../server/src/core/parse';
import { summarizeTable } from '../../server/src/core/stats/fileSummary';

const cmtrace = (message: string, time: string, type = 1) =>
  `<![LOG[${message}]LOG]!><time="${time}" date="03-04-2024" component="Comp" context="" type="${type}" thread="12" file="">`;

test('a log whose every timed record has its own bias is summarized whole, equal to the table after clocks', () => {
  const text = [cmtrace('one', '10:00:00.000-60'), cmtrace('two failed', '09:00:00.000+120', 3), 'garbage line'].join(
    '\n',
  );
  const result = parseText(text, 'PC01/a.log');
  const summary = summarizeTable(result.records);
  assert.notEqual(summary.time, null);
  applyClocks([result.records], { userBias: () => 60 });
  assert.deepEqual(summary.time, result.records.timeSummary());
  assert.deepEqual(summary.severities, result.records.countsOf('severity'));
  assert.deepEqual(summary.formats, result.records.countsOf('format'));
});

test('a log with a local time and no bias leaves its time span to the clock', () => {
  const text = [cmtrace('biased', '10:00:00.000-60'), cmtrace('zone-less', '10:05:00.000')].join('\n');
  const result = parseText(text, 'PC01/b.log');
  assert.equal(summarizeTable(result.records).time, null);
});

/** Every log under samples/ (in the repo: a fresh clone has it). */
function sampleLogs(dir = 'samples'): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sampleLogs(path);
    return /\.(log|lo_)$/i.test(name) ? [path] : [];
  });
}

async function statsOf(files: string[], workers: number, summary: boolean) {
  const results: ParseResult[] = await parseFilesParallel(files, workers, { keys: false, summary });
  assert.equal(
    results.every((r) => (r.summary !== undefined) === summary),
    true,
  );
  applyClocks(results.map((r) => r.records));
  return computeStats(results);
}

test('computeStats is the same with the parse threads summaries as without, on samples/, in-thread and on workers', async () => {
  const files = sampleLogs();
  assert.ok(files.length > 10);
  const expected = await statsOf(files, 1, false);
  // samples/ holds logs whose UTC is inferred from the folder: their spans must come from the clock.
  assert.ok(expected.files.some((f) => f.utcSources.inferred || f.localOnly));
  assert.deepEqual(await statsOf(files, 1, true), expected);
  assert.deepEqual(await statsOf(files, 2, true), expected);
});
