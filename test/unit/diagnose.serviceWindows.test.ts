// The maintenance windows a client has are the ones of its latest listing (seed 000, "How to review
// ServiceWindowManager.log": the list follows "Refreshing Service Windows"), plus windows whose policy arrived
// since (real iOS-CMLogTracer log: "New Service Window Policy notification received" then "Populating
// instance"). A window an earlier refresh listed and the latest does not was deleted: its old failure is not
// today's. Rolled-over copies of one machine are read as one log; two machines are two findings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, type Finding } from '../../server/src/core/diagnose/index';
import { parseText } from '../../server/src/core/parse';

const BIAS = 300;
const BASE = Date.UTC(2024, 2, 12, 14, 0, 0);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** [seconds after BASE, message, CMTrace type]. */
type Entry = [number, string, number?];

function windowLog(file: string, entries: Entry[]) {
  const text = entries
    .map(([s, message, type = 1]) => {
      const d = new Date(BASE + s * 1000 - BIAS * 60_000);
      const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
      const date = `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${d.getUTCFullYear()}`;
      return `<![LOG[${message}]LOG]!><time="${time}+${BIAS}" date="${date}" component="ServiceWindowManager" context="" type="${type}" thread="1704" file="">`;
    })
    .join('\r\n');
  return parseText(text, file);
}

const NBH = '7cb56688-692f-4fae-b398-0e3ff4413adb';
const MW = '1E957DDD-0A26-434C-952A-586F3E31E319';
const ADDED = '811D3CCB-5CDD-4A50-8227-E204D941064A';
const populate = (id: string, schedule: string, type: number) =>
  `    Populating instance of ServiceWindow with ID=${type === 1 ? `{${id}}` : id}, ScheduleString=${schedule}, Type=${type}`;
const scheduleFailed = (schedule: string): [string, number] => [
  `CServiceWindow::CServiceWindow: Failed to initialize ServiceWindowSchedule instance from schedule string (${schedule})`,
  3,
];
const BAD = '02C159C0381A200002C159C0381B2000';

function windowsFinding(findings: Finding[]): Finding {
  const f = findings.filter((x) => x.flow === 'serviceWindows');
  assert.equal(f.length, 1, `one service-window finding, got ${f.map((x) => x.key).join(', ')}`);
  return f[0];
}
const ids = (f: Finding) => f.steps.map((s) => s.name.replace(/^Service window /, '').replace(/ — .*$/, ''));

test('a window with an unreadable schedule that the latest refresh no longer lists is not a failure today', () => {
  const log = windowLog('C:/logs/PC1/ServiceWindowManager.log', [
    [0, 'Refreshing Service Windows.....'],
    [1, populate(NBH, BAD, 6)],
    [1, ...scheduleFailed(BAD)],
    [2, populate(MW, '00302B0018192000', 1)],
    [86_400, 'Refreshing Service Windows.....'],
    [86_401, populate(MW, '00302B0018192000', 1)],
  ]);
  const f = windowsFinding(diagnose([log]));
  assert.equal(f.status, 'complete', f.summary);
  assert.deepEqual(ids(f), [MW]);
  assert.match(f.summary, /1 window\(s\) listed earlier are no longer/);
});

test('the same refreshes in the other order: the failing window is in the latest list, so the finding is broken', () => {
  const log = windowLog('C:/logs/PC1/ServiceWindowManager.log', [
    [0, 'Refreshing Service Windows.....'],
    [1, populate(MW, '00302B0018192000', 1)],
    [86_400, 'Refreshing Service Windows.....'],
    [86_401, populate(NBH, BAD, 6)],
    [86_401, ...scheduleFailed(BAD)],
    [86_402, populate(MW, '00302B0018192000', 1)],
  ]);
  const f = windowsFinding(diagnose([log]));
  assert.equal(f.status, 'broken');
  assert.deepEqual(ids(f), [NBH, MW]);
  assert.equal(f.error?.line, 5, 'the failure line of the latest listing');
});

test('a window whose policy arrives between refreshes is added to the list; one populated again keeps its latest schedule', () => {
  const log = windowLog('C:/logs/PC1/ServiceWindowManager.log', [
    [0, 'Refreshing Service Windows.....'],
    [1, populate(MW, '00302B0018192000', 1)],
    [600, 'New Service Window Policy notification received.'],
    [600, populate(ADDED, '02D68AC040100008', 1)],
    [900, populate(MW, '00084AC028592000', 1)],
  ]);
  const f = windowsFinding(diagnose([log]));
  assert.equal(f.status, 'complete');
  assert.deepEqual(ids(f), [ADDED, MW]);
  assert.match(f.steps[1].detail!, /Sunday at 00:00/, 'the schedule populated last (00084AC028592000)');
});

test('a listing cut in two by a roll-over (.lo_ then .log) is one list of one machine', () => {
  const older = windowLog('C:/logs/PC1/ServiceWindowManager.lo_', [
    [0, 'Refreshing Service Windows.....'],
    [1, populate(NBH, '02C24AC0381C2000', 6)],
  ]);
  const newer = windowLog('C:/logs/PC1/ServiceWindowManager.log', [
    [1, populate(MW, '00302B0018192000', 1)],
    [5, 'Checking Service Windows to find Next Event.....'],
  ]);
  for (const order of [
    [older, newer],
    [newer, older],
  ]) {
    const f = windowsFinding(diagnose(order));
    assert.equal(f.status, 'complete');
    assert.deepEqual(ids(f), [NBH, MW]);
  }
});

test('two machines: one with a failing window, one healthy, each keeps its own verdict', () => {
  const failing = windowLog('C:/logs/PC1/ServiceWindowManager.log', [
    [0, 'Refreshing Service Windows.....'],
    [1, populate(NBH, BAD, 6)],
    [1, ...scheduleFailed(BAD)],
  ]);
  const healthy = windowLog('C:/logs/PC2/ServiceWindowManager.log', [
    [0, 'Refreshing Service Windows.....'],
    [1, populate(MW, '00302B0018192000', 1)],
  ]);
  const findings = diagnose([failing, healthy]).filter((x) => x.flow === 'serviceWindows');
  assert.equal(findings.length, 2);
  const byMachine = (m: string) => findings.find((f) => f.steps.some((s) => s.file?.includes(`/${m}/`)))!;
  assert.equal(byMachine('PC1').status, 'broken');
  assert.equal(byMachine('PC2').status, 'complete');
  assert.deepEqual(ids(byMachine('PC2')), [MW]);
});

test('a refresh that lists no window leaves none, and says how many there were', () => {
  const log = windowLog('C:/logs/PC1/ServiceWindowManager.log', [
    [0, 'Refreshing Service Windows.....'],
    [1, populate(MW, '00302B0018192000', 1)],
    [3600, 'Refreshing Service Windows.....'],
    [3601, 'Checking Service Windows to find Next Event.....'],
  ]);
  const f = windowsFinding(diagnose([log]));
  assert.equal(f.status, 'complete');
  assert.deepEqual(f.steps, []);
  assert.match(f.summary, /^0 service window\(s\).*1 window\(s\) listed earlier/);
});
