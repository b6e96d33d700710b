// Real logs (../shared/corpus/real, read in place): no record without a bias gets a UTC time unless its folder's
// clock inferred it (or a user set it); the Intune Management Extension logs (CMTrace layout, 7-digit fractions,
// no bias) keep their local time and, where nothing in their folder tells the zone, have no UTC, and the CLI never
// prints their local time as UTC.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { basename, dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { applyClocks } from '../../server/src/core/clock';
import { listLogFiles } from '../../server/src/core/files';
import { parseFile, type ParseResult } from '../../server/src/core/parse';
import { CORPUS } from './corpusPath';

const IME_LOGS = /^(?:IntuneManagementExtension|AgentExecutor|AppWorkload)\.log$/i;
let all: ParseResult[] | null = null;

async function parsedWithClocks(): Promise<ParseResult[]> {
  if (!all) {
    all = [];
    for (const file of listLogFiles([CORPUS]).files) all.push(await parseFile(file));
    applyClocks(all.map((r) => r.records));
  }
  return all;
}

test("no record without a bias has a UTC time unless its folder's clock inferred it", async () => {
  let biasless = 0;
  let inferred = 0;
  for (const { records } of await parsedWithClocks()) {
    for (let i = 0; i < records.length; i++) {
      if (records.biasMinutes(i) !== null) continue;
      const utc = records.utc(i);
      const source = records.utcSource(i);
      biasless++;
      if (utc === null) assert.equal(source.kind, 'none', `${records.file}:${records.get(i).line}`);
      else {
        assert.equal(source.kind, 'inferred', `${records.file}:${records.get(i).line} has a UTC from ${source.kind}`);
        assert.equal(utc, records.wallTime(i)! + source.biasMinutes! * 60_000);
        inferred++;
      }
    }
  }
  assert.ok(biasless > 1000, `${biasless} records without a bias in the corpus`);
  console.log(`records without a bias: ${biasless}, of which UTC inferred: ${inferred}`);
});

test('the IME logs (no bias, 7-digit fractions): local time kept; no UTC where their folder tells no zone', async () => {
  const ime = (await parsedWithClocks()).filter((r) => IME_LOGS.test(basename(r.file)));
  assert.ok(ime.length >= 3, ime.map((r) => r.file).join(', '));
  for (const { file, records } of ime) {
    const folderTeaches = (all ?? []).some(
      (r) =>
        dirname(r.file) === dirname(file) &&
        r.records.some((x) => x.biasMinutes !== null && (x.format === 'cmtrace' || x.format === 'sms')),
    );
    let timed = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records.get(i);
      if (r.local === null) continue;
      timed++;
      assert.equal(r.biasMinutes, null);
      assert.match(r.local, /T\d{2}:\d{2}:\d{2}\.\d{7}$/, `${file}:${r.line}: the 7-digit fraction as written`);
      if (!folderTeaches) assert.equal(r.utc, null, `${file}:${r.line}`);
    }
    assert.ok(timed > 100, `${file}: ${timed} timed records`);
  }
});

test('cmlogs parse on an IME folder never prints a local time as UTC', async () => {
  const ime = (await parsedWithClocks()).find(
    (r) => /IntuneManagementExtension\.log$/i.test(r.file) && r.records.utc(0) === null,
  )!;
  assert.ok(ime, 'an IME log whose folder tells no zone');
  const run = spawnSync(
    process.execPath,
    [resolve(__dirname, '../../server/out/cli.js'), 'parse', ime.file, '--json'],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  assert.equal(run.status, 0, run.stderr);
  const rows = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(rows.length, ime.records.length);
  assert.ok(rows.every((r) => r.utc === null && r.utcSource.kind === 'none'));
  const text = spawnSync(process.execPath, [resolve(__dirname, '../../server/out/cli.js'), 'parse', ime.file], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  }).stdout;
  const firstLocal = rows[0].local.slice(0, 23);
  assert.ok(text.includes(firstLocal.replace('T', ' ') + ' local'));
  assert.ok(!text.includes(firstLocal + 'Z'), 'the local time printed as UTC');
});
