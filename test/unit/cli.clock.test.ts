// The CLI (the built server/out/cli.js) on two machines' folders: PC01 has an Intune Management Extension log
// (local time, no bias) beside ccmsetup.log (bias -60); PC02 has only its IME log. parse, timeline, stats and
// diagnose follow one rule (core/clock.ts): PC01's IME lines take UTC from ccmsetup.log's bias (utcSource says so),
// PC02's have none (utc null) and are never printed as UTC.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';

const CLI = resolve(__dirname, '../../server/out/cli.js');
const cm = (message: string, time: string, date: string, component: string) =>
  `<![LOG[${message}]LOG]!><time="${time}" date="${date}" component="${component}" context="" type="1" thread="4" file="">`;

let root = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'cmlogs-clock-'));
  for (const pc of ['PC01', 'PC02']) mkdirSync(join(root, pc));
  const imeLines = [
    cm('[PowerShell] Launching ccmsetup.exe /mp:MP01', '09:13:00.1234567', '5-19-2025', 'IntuneManagementExtension'),
    cm('"ResultCreatedTimeUTC": 2025-05-19T13:51:07Z', '09:15:30.0000000', '5-19-2025', 'IntuneManagementExtension'),
  ];
  writeFileSync(join(root, 'PC01', 'IntuneManagementExtension.log'), imeLines.join('\r\n') + '\r\n');
  writeFileSync(
    join(root, 'PC01', 'ccmsetup.log'),
    cm('==========[ ccmsetup started in process 4242 ]==========', '09:14:00.000-60', '05-19-2025', 'ccmsetup') +
      '\r\n',
  );
  writeFileSync(join(root, 'PC02', 'IntuneManagementExtension.log'), imeLines.join('\r\n') + '\r\n');
});
after(() => rmSync(root, { recursive: true, force: true }));

function cli(...args: string[]): string {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}
const ndjson = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

test('parse --json: utc inferred from ccmsetup.log with utcSource, and null (never local + Z) where nothing tells', () => {
  const records = ndjson(cli('parse', root, '--json'));
  const pc01 = records.filter((r) => r.file.includes('PC01') && r.file.endsWith('IntuneManagementExtension.log'));
  assert.deepEqual(
    pc01.map((r) => r.utc),
    ['2025-05-19T08:13:00.123Z', '2025-05-19T08:15:30.000Z'],
  );
  // The source log relative to the folder given (two machines' ccmsetup.log are told apart).
  assert.deepEqual(pc01[0].utcSource, { kind: 'inferred', from: join('PC01', 'ccmsetup.log'), biasMinutes: -60 });
  assert.equal(pc01[0].biasMinutes, null);
  const ccmsetup = records.find((r) => r.file.endsWith('ccmsetup.log'));
  assert.deepEqual([ccmsetup.utc, ccmsetup.utcSource], ['2025-05-19T08:14:00.000Z', { kind: 'log' }]);
  const pc02 = records.filter((r) => r.file.includes('PC02'));
  assert.deepEqual(
    pc02.map((r) => [r.utc, r.local, r.utcSource]),
    [
      [null, '2025-05-19T09:13:00.1234567', { kind: 'none' }],
      [null, '2025-05-19T09:15:30.0000000', { kind: 'none' }],
    ],
  );
});

test('parse (text): inferred UTC marked "~", local time with no zone never printed with a Z', () => {
  const lines = cli('parse', root).trim().split('\n');
  const pc01 = lines.find((l) => l.includes('PC01') && l.includes('Launching'))!;
  assert.match(pc01, /2025-05-19T08:13:00\.123Z~/);
  const pc02 = lines.filter((l) => l.includes('PC02'));
  assert.equal(pc02.length, 2);
  for (const line of pc02) {
    assert.match(line, /2025-05-19 09:1\d:\d\d\.\d{3} local/);
    assert.doesNotMatch(line, /2025-05-19T09:1\d:\d\d\.\d{3}Z/, 'local time printed as UTC');
  }
});

test("timeline: the script that launched ccmsetup at 09:13 local comes before ccmsetup's 09:14 (bias -60); PC02 is placed by local time and says so", () => {
  const rows = ndjson(cli('timeline', join(root, 'PC01'), '--json'));
  assert.deepEqual(
    rows.map((r) => r.message.slice(0, 20)),
    ['[PowerShell] Launchi', '==========[ ccmsetup', '"ResultCreatedTimeUT'],
  );
  assert.deepEqual(
    rows.map((r) => r.time),
    ['2025-05-19T08:13:00.123Z', '2025-05-19T08:14:00.000Z', '2025-05-19T08:15:30.000Z'],
  );
  const lonely = ndjson(cli('timeline', join(root, 'PC02'), '--json'));
  assert.deepEqual(
    lonely.map((r) => [r.time, r.utc, r.placedBy]),
    [
      [null, null, 'local time (zone unknown)'],
      [null, null, 'local time (zone unknown)'],
    ],
  );
  const withOffset = ndjson(cli('timeline', join(root, 'PC02'), '--json', '--offset', 'UTC+02:00'));
  assert.deepEqual(
    withOffset.map((r) => [r.time, r.utcSource]),
    [
      ['2025-05-19T07:13:00.123Z', { kind: 'user', biasMinutes: -120 }],
      ['2025-05-19T07:15:30.000Z', { kind: 'user', biasMinutes: -120 }],
    ],
  );
});

test("stats: PC02's IME log has no UTC span, and says its records are local time of unknown zone", () => {
  const stats = JSON.parse(cli('stats', root, '--json'));
  const pc02 = stats.files.find((f: { file: string }) => f.file.includes('PC02'));
  assert.deepEqual(
    [pc02.firstUtc, pc02.lastUtc, pc02.utcSources, pc02.localOnly],
    [null, null, { none: 2 }, { first: '2025-05-19T09:13:00.1234567', last: '2025-05-19T09:15:30.0000000' }],
  );
  const pc01 = stats.files.find(
    (f: { file: string }) => f.file.includes('PC01') && f.file.endsWith('IntuneManagementExtension.log'),
  );
  assert.deepEqual([pc01.firstUtc, pc01.utcSources], ['2025-05-19T08:13:00.123Z', { inferred: 2 }]);
  assert.equal(stats.firstUtc, '2025-05-19T08:13:00.123Z', 'the span is UTC only');
  assert.match(cli('stats', root), /2 records in local time, zone unknown/);
});

test('--offset refuses what is not a UTC offset', () => {
  const run = spawnSync(process.execPath, [CLI, 'parse', root, '--offset', '+60'], { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /UTC\+01:00/);
});
