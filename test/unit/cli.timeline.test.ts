// `cmlogs timeline` as a user runs it (the built CLI, server/out/cli.js) on the bundled samples: a client and a site
// server in different time zones, merged by UTC, each record with its file, line, time and the keys that link it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';

const CLI = resolve(__dirname, '../../server/out/cli.js');
const SAMPLES = resolve(__dirname, '../../samples');
const UPDATE_SOURCE = 'c2d17964-bbdd-4339-b9f3-12d7205b39cc';

interface Row {
  file: string;
  local: string;
  line: number;
  utc: string | null;
  time: string | null;
  biasMinutes: number | null;
  severity: string;
  message: string;
  keys: string[];
}

function timeline(...args: string[]): Row[] {
  const run = spawnSync(
    process.execPath,
    [CLI, 'timeline', resolve(SAMPLES, 'client'), resolve(SAMPLES, 'siteserver'), '--json', ...args],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  assert.equal(run.status, 0, run.stderr);
  return run.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);
}

test('cmlogs timeline --json: every record of both machines, in UTC order, with file, line, time and keys', () => {
  const rows = timeline();
  assert.ok(rows.length > 500, `${rows.length} records`);
  const times = rows.map((r) => Date.parse(r.time ?? ''));
  assert.ok(
    times.every((t) => Number.isFinite(t)),
    'every record has a merged time',
  );
  for (let k = 1; k < times.length; k++)
    assert.ok(times[k - 1] <= times[k], `row ${k} (${rows[k].file}:${rows[k].line}) goes back in time`);
  assert.ok(rows.every((r) => r.file && r.line >= 1 && Array.isArray(r.keys)));
  // The client writes UTC-5 (bias +300 or so) and the site server UTC+1 (bias -60): both are in, by their UTC.
  const biases = new Set(rows.map((r) => r.biasMinutes));
  assert.ok(biases.has(-60) && [...biases].some((b) => b !== null && b > 0), `biases ${[...biases]}`);
  // Ordered by UTC, not by local clock: a client record (bias +300) is placed five hours after its local time.
  const client = rows.find((r) => r.biasMinutes === 300 && r.utc)!;
  assert.equal(Date.parse(client.utc!) - Date.parse(client.local + 'Z'), 300 * 60_000);
  // A record's merged time is its own UTC when it has one.
  assert.ok(rows.filter((r) => r.utc).every((r) => r.utc === r.time));
});

test('cmlogs timeline --key: the records that carry the WSUS update source GUID, on the site server and the client', () => {
  const rows = timeline('--key', '{C2D17964-BBDD-4339-B9F3-12D7205B39CC}');
  assert.ok(rows.length >= 10);
  assert.ok(
    rows.every((r) => r.keys.includes(UPDATE_SOURCE)),
    'only records with the key',
  );
  const files = new Set(rows.map((r) => r.file.split('/').slice(-2).join('/')));
  assert.ok(
    files.has('siteserver/WSyncMgr.log') && files.has('client/WUAHandler.log') && files.has('client/ScanAgent.log'),
    [...files].join(', '),
  );
  assert.deepEqual(rows.length, timeline().filter((r) => r.keys.includes(UPDATE_SOURCE)).length, 'all of them');
});

test('cmlogs timeline --errors: only error records, the 0x80244021 of WUAHandler.log among them', () => {
  const rows = timeline('--errors');
  assert.ok(rows.length > 0 && rows.every((r) => r.severity === 'error'));
  assert.ok(rows.some((r) => r.file.endsWith('WUAHandler.log') && r.message.includes('0x80244021')));
});
