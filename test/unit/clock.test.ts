// core/clock.ts: a machine's offset learnt from its own logs that carry one, applied to its logs that write local
// time with no zone (Intune Management Extension, setup, MSI, plain script logs), or set by the user; nothing
// tells → no UTC at all. The lines are shaped like the real ones: IME logs are CMTrace with 7-digit fractions and
// no bias; ccmsetup.log is CMTrace with a bias; WindowsUpdate.log (classic) declares "tz:" when its service starts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyClocks,
  biasRunsOf,
  describeUtcSource,
  ensureClocks,
  folderBiasesFrom,
  learntClock,
} from '../../server/src/core/clock';
import { parseText, type ParseResult } from '../../server/src/core/parse';
import { mergeOrder } from '../../server/src/core/timeline';
import { parseUtcOffset } from '../../server/src/core/time';

const iso = (utc: number | null) => (utc === null ? null : new Date(utc).toISOString());

/** A CMTrace line; `time` as written ("09:13:00.1234567" for IME, "09:14:00.000-60" with a bias). */
const cm = (message: string, time: string, date: string, component = 'ccmsetup') =>
  `<![LOG[${message}]LOG]!><time="${time}" date="${date}" component="${component}" context="" type="1" thread="4" file="">`;

const parse = (file: string, lines: string[]) => parseText(lines.join('\r\n') + '\r\n', file);

function ime(folder: string, ...times: Array<[string, string]>): ParseResult {
  return parse(
    `${folder}/IntuneManagementExtension.log`,
    times.map(([date, time], k) => cm(`[Win32App] step ${k}`, time, date, 'IntuneManagementExtension')),
  );
}

test('an IME line at 09:13 local sorts before a ccmsetup line with bias -60 at 09:14 local, on one machine', () => {
  const script = ime('/cases/PC01', ['5-19-2025', '09:13:00.1234567']);
  const ccmsetup = parse('/cases/PC01/ccmsetup.log', [cm('Running ccmsetup', '09:14:00.000-60', '05-19-2025')]);
  applyClocks([script.records, ccmsetup.records]);
  assert.equal(iso(script.records.get(0).utc), '2025-05-19T08:13:00.123Z');
  assert.equal(script.records.get(0).local, '2025-05-19T09:13:00.1234567');
  assert.equal(script.records.get(0).biasMinutes, null, 'the log itself still says nothing');
  assert.deepEqual(script.records.utcSource(0), {
    kind: 'inferred',
    from: 'ccmsetup.log', // relative to the folder of the logs given
    biasMinutes: -60,
  });
  assert.deepEqual(ccmsetup.records.utcSource(0), { kind: 'log' });
  const order = mergeOrder([ccmsetup, script].map((r) => ({ file: r.file, records: r.records })));
  assert.deepEqual(
    order.items(0, 2).map((i) => i.record.message),
    ['[Win32App] step 0', 'Running ccmsetup'],
  );
  assert.ok(order.items(0, 2).every((i) => !i.placedByLocal));
});

test('the merge learns the clocks of tables given none (as the diagnosis does); a clock set is kept', () => {
  const script = ime('/cases/PC01', ['5-19-2025', '09:13:00.1234567']);
  const ccmsetup = parse('/cases/PC01/ccmsetup.log', [cm('Running ccmsetup', '09:14:00.000-60', '05-19-2025')]);
  const order = mergeOrder([ccmsetup, script].map((r) => ({ file: r.file, records: r.records })));
  assert.deepEqual(
    order.items(0, 2).map((i) => iso(i.time)),
    ['2025-05-19T08:13:00.123Z', '2025-05-19T08:14:00.000Z'],
  );
  applyClocks([script.records], { userBias: () => 300 });
  assert.equal(
    iso(mergeOrder([{ file: script.file, records: script.records }]).item(0).time),
    '2025-05-19T14:13:00.123Z',
  );
});

test('before: read as UTC the IME line came an hour after ccmsetup; without a clock it now has no UTC, placed by local time and marked', () => {
  const script = ime('/cases/PC02', ['5-19-2025', '09:13:00.1234567']);
  const ccmsetup = parse('/cases/PC01/ccmsetup.log', [cm('Running ccmsetup', '09:14:00.000-60', '05-19-2025')]); // another machine
  assert.equal(script.records.get(0).utc, null, 'no clock applied yet: no UTC');
  assert.deepEqual(script.records.utcSource(0), { kind: 'none' });
  const order = mergeOrder([script, ccmsetup].map((r) => ({ file: r.file, records: r.records })));
  const first = order.items(0, 2).find((i) => i.record.message.startsWith('[Win32App]'))!;
  assert.equal(first.time, null, 'never its local time as UTC');
  assert.equal(first.placedByLocal, true);
});

test('offset learnt from an SMS trace log (bias +300) for a setup log of the same folder', () => {
  const sms = parse('/m/sitecomp.log', [
    'SMS_SITE_COMPONENT_MANAGER started~  $$<SMS_SITE_COMPONENT_MANAGER><01-16-2014 13:40:00.000+300><thread=4 (0x4)>',
  ]);
  const setup = parse('/m/ConfigMgrSetup.log', ['<01/16/14 13:41:12> SUPSetup: Installing WSUS']);
  assert.equal(sms.format, 'sms');
  applyClocks([sms.records, setup.records]);
  assert.equal(iso(setup.records.get(0).utc), '2014-01-16T18:41:12.000Z');
  assert.deepEqual(setup.records.utcSource(0), { kind: 'inferred', from: 'sitecomp.log', biasMinutes: 300 });
});

test('offset learnt from classic WindowsUpdate.log "tz: -0500", also for its own lines written before the tz line', () => {
  const wu = parse('/m/WindowsUpdate.log', [
    '2014-01-16\t13:53:00:100\t 880\t 884\tAgent\tbefore the service says its zone',
    '2014-01-16\t13:53:52:608\t 880\t 884\tService\t* Logging initialized (build: 7.6.7600.256, tz: -0500)',
    '2014-01-16\t13:54:00:000\t 880\t 884\tAgent\tafter',
  ]);
  const msi = parse('/m/client.msi.log', [
    '=== Verbose logging started: 1/16/2014  14:00:00  Build type: SHIP UNICODE 5.00.10011.00 ===',
    'MSI (c) (7C:10) [14:00:01:123]: Resetting cached policy values',
  ]);
  applyClocks([wu.records, msi.records]);
  assert.deepEqual(
    wu.records.map((r) => r.biasMinutes),
    [null, 300, 300],
  );
  assert.equal(
    iso(wu.records.get(0).utc),
    '2014-01-16T18:53:00.100Z',
    'the line before the tz line: inferred from the file itself',
  );
  assert.equal(wu.records.utcSource(0).kind, 'inferred');
  assert.equal(iso(msi.records.get(1).utc), '2014-01-16T19:00:01.123Z');
  assert.deepEqual(msi.records.utcSource(1), { kind: 'inferred', from: 'WindowsUpdate.log', biasMinutes: 300 });
});

test('logs in UTC by definition (WSUS, a plain line ending in Z) keep their times but teach no offset', () => {
  const wsus = parse('/srv/SoftwareDistribution.log', [
    '2014-01-16 18:53:54.231 UTC\tChange\tw3wp.58\tAdminDataAccess.StartSubscriptionManually\tsync',
  ]);
  const plainUtc = parse('/srv/upload.txt', ['2014-01-16T18:54:00Z uploaded']);
  const setup = parse('/srv/wsussetup.log', ['<01/16/14 13:40:12> Installing WSUS']);
  applyClocks([wsus.records, plainUtc.records, setup.records]);
  assert.equal(iso(wsus.records.get(0).utc), '2014-01-16T18:53:54.231Z');
  assert.equal(iso(plainUtc.records.get(0).utc), '2014-01-16T18:54:00.000Z');
  assert.equal(setup.records.get(0).utc, null, 'bias 0 of a UTC log says nothing of the machine zone');
  assert.deepEqual(setup.records.utcSource(0), { kind: 'none' });
  assert.equal(setup.records.get(0).local, '2014-01-16T13:40:12.000');
});

test('nothing tells: no UTC (null), the local time kept, the source says none', () => {
  const script = ime('/lonely', ['8-17-2025', '03:04:35.3725046'], ['8-17-2025', '03:04:36.0000000']);
  applyClocks([script.records]);
  assert.deepEqual(
    script.records.map((r) => r.utc),
    [null, null],
  );
  assert.deepEqual(
    script.records.map((r) => r.local),
    ['2025-08-17T03:04:35.3725046', '2025-08-17T03:04:36.0000000'],
  );
  assert.equal(script.records.clock, null);
  assert.match(describeUtcSource(script.records.utcSource(0)), /unknown/);
});

test("only logs of the same folder teach: another machine's bias is not borrowed", () => {
  const script = ime('/cases/PC02', ['5-19-2025', '09:13:00.1234567']);
  const other = parse('/cases/PC01/ccmsetup.log', [cm('Running ccmsetup', '09:14:00.000-60', '05-19-2025')]);
  applyClocks([script.records, other.records]);
  assert.equal(script.records.get(0).utc, null);
});

test('a user offset wins over what is learnt, and applies where nothing tells', () => {
  const script = ime('/cases/PC01', ['5-19-2025', '09:13:00.1234567']);
  const ccmsetup = parse('/cases/PC01/ccmsetup.log', [cm('Running ccmsetup', '09:14:00.000-60', '05-19-2025')]);
  const lonely = ime('/lonely', ['5-19-2025', '09:13:00.0000000']);
  const userBias = (folder: string) => ({ '/cases/PC01': 300, '/lonely': -120 })[folder];
  applyClocks([script.records, ccmsetup.records, lonely.records], { userBias });
  assert.equal(iso(script.records.get(0).utc), '2025-05-19T14:13:00.123Z');
  assert.deepEqual(script.records.utcSource(0), { kind: 'user', biasMinutes: 300 });
  assert.equal(iso(ccmsetup.records.get(0).utc), '2025-05-19T08:14:00.000Z', "a log's own bias is never overridden");
  assert.equal(iso(lonely.records.get(0).utc), '2025-05-19T07:13:00.000Z');
});

test('DST inside the span: each record takes the bias nearest in time', () => {
  // Europe/Berlin left summer time on 2025-10-26 03:00 local (bias -120 → -60).
  const ccm = parse('/m/CcmExec.log', [
    cm('summer', '10:00:00.000-120', '10-25-2025'),
    cm('summer, later', '23:00:00.000-120', '10-25-2025'),
    cm('winter', '09:00:00.000-60', '10-26-2025'),
    cm('winter, later', '18:00:00.000-60', '10-27-2025'),
  ]);
  const script = ime(
    '/m',
    ['10-25-2025', '12:00:00.0000000'],
    ['10-26-2025', '01:00:00.0000000'],
    ['10-26-2025', '08:00:00.0000000'],
    ['10-30-2025', '08:00:00.0000000'],
    ['10-1-2025', '08:00:00.0000000'],
  );
  applyClocks([ccm.records, script.records]);
  assert.deepEqual(
    script.records.map((r) => iso(r.utc)),
    [
      '2025-10-25T10:00:00.000Z',
      '2025-10-25T23:00:00.000Z',
      '2025-10-26T07:00:00.000Z',
      '2025-10-30T07:00:00.000Z',
      '2025-10-01T06:00:00.000Z',
    ],
  );
  assert.deepEqual(
    script.records.map((_, i) => script.records.utcSource(i).biasMinutes),
    [-120, -120, -60, -60, -120],
  );
});

test('biases that disagree at the same time: the one more records carry wins; between two runs, the nearer', () => {
  const runs = [
    { file: '/m/a.log', bias: -60, firstWall: 0, lastWall: 1000, records: 50 },
    { file: '/m/b.log', bias: 300, firstWall: 500, lastWall: 800, records: 3 },
    { file: '/m/c.log', bias: -120, firstWall: 10_000, lastWall: 11_000, records: 1 },
  ];
  const clock = learntClock(runs)!;
  assert.equal(clock.sourceAt(600).biasMinutes, -60, 'inside both: a.log has more records');
  assert.equal(clock.sourceAt(5000).biasMinutes, -60, 'a gap: nearer to a.log');
  assert.equal(clock.sourceAt(6000).biasMinutes, -120, 'a gap: nearer to c.log');
  assert.equal(clock.sourceAt(-1e9).biasMinutes, -60);
  assert.equal(clock.sourceAt(1e12).biasMinutes, -120);
  assert.equal(clock.utcOf(6000), 6000 - 120 * 60_000);
  assert.equal(learntClock([]), null);
});

test('a log that flips bias at every record is summed up per bias, and learning stays bounded', () => {
  const lines = Array.from({ length: 5000 }, (_, i) =>
    cm(
      `r${i}`,
      `10:${String(Math.floor(i / 100) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000${i % 2 ? '-60' : '+300'}`,
      '01-16-2014',
    ),
  );
  const hostile = parse('/h/odd.log', lines);
  assert.equal(biasRunsOf(hostile.records).length, 2);
  const script = ime('/h', ['1-16-2014', '10:30:00.0000000']);
  const started = performance.now();
  applyClocks([hostile.records, script.records]);
  assert.ok(performance.now() - started < 2000);
  assert.notEqual(script.records.get(0).utc, null);
});

test('ensureClocks learns only for tables no clock was given (the server and CLI set theirs)', () => {
  const script = ime('/cases/PC01', ['5-19-2025', '09:13:00.1234567']);
  const ccmsetup = parse('/cases/PC01/ccmsetup.log', [cm('Running ccmsetup', '09:14:00.000-60', '05-19-2025')]);
  applyClocks([script.records], { userBias: () => 0 });
  ensureClocks([script.records, ccmsetup.records]);
  assert.deepEqual(script.records.utcSource(0), { kind: 'user', biasMinutes: 0 }, 'kept');
});

test('UTC offsets as users write them are read as biases; bare numbers are refused (their sign is ambiguous)', () => {
  const cases: Array<[string, number | null]> = [
    ['UTC+01:00', -60],
    ['UTC+1', -60],
    ['utc-5', 300],
    ['UTC-05:00', 300],
    ['UTC+05:30', -330],
    ['UTC+0530', -330],
    ['UTC', 0],
    ['GMT+2', -120],
    [' UTC − 3 ', 180],
    ['+60', null],
    ['-60', null],
    ['60', null],
    ['UTC+15', null],
    ['UTC+01:75', null],
    ['Europe/Berlin', null],
    ['', null],
  ];
  for (const [text, bias] of cases) assert.equal(parseUtcOffset(text), bias, text);
  const { biases, invalid } = folderBiasesFrom({
    '/cases/PC01/': 'UTC+01:00',
    '/cases/PC02': -60,
    '/cases/PC03': 'UTC-5',
  });
  assert.deepEqual(
    [...biases],
    [
      ['/cases/PC01', -60],
      ['/cases/PC03', 300],
    ],
  );
  assert.deepEqual(invalid, ['/cases/PC02: -60']);
});

test("the index learns a folder's clock again when its logs come, grow or go, and when the user sets an offset", async () => {
  const { LogIndex } = await import('../../server/src/core/logIndex');
  const { timelinePage } = await import('../../server/src/features/timeline');
  const index = new LogIndex();
  index.setFile(ime('/cases/PC01', ['5-19-2025', '09:13:00.1234567']));
  const imeFile = '/cases/PC01/IntuneManagementExtension.log';
  assert.equal(index.file(imeFile)!.records.utc(0), null, 'alone: no zone');
  const rows = () =>
    timelinePage(index, { limit: 10 }).rows.map((r) => [
      r.message.slice(0, 12),
      r.t === null ? null : iso(r.t),
      r.clock?.kind ?? 'log',
    ]);
  assert.deepEqual(rows(), [['[Win32App] s', null, 'local']]);
  index.setFile(parse('/cases/PC01/ccmsetup.log', [cm('Running ccmsetup', '09:14:00.000-60', '05-19-2025')]));
  assert.equal(iso(index.file(imeFile)!.records.utc(0)), '2025-05-19T08:13:00.123Z', 'ccmsetup.log came: inferred');
  assert.deepEqual(rows(), [
    ['[Win32App] s', '2025-05-19T08:13:00.123Z', 'inferred'],
    ['Running ccms', '2025-05-19T08:14:00.000Z', 'log'],
  ]);
  index.setUserBiases(new Map([['/cases/PC01', 0]]));
  assert.deepEqual(index.file(imeFile)!.records.utcSource(0), { kind: 'user', biasMinutes: 0 });
  assert.equal(iso(index.file(imeFile)!.records.utc(0)), '2025-05-19T09:13:00.123Z');
  index.setUserBiases(new Map());
  index.removeFile('/cases/PC01/ccmsetup.log');
  assert.equal(index.file(imeFile)!.records.utc(0), null, 'ccmsetup.log gone: no zone again');
  assert.deepEqual(rows(), [['[Win32App] s', null, 'local']]);
});
