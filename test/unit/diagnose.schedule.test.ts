// ScheduleToken decoding (layout from the Configuration Manager SDK "ReadFromString Method in Class
// SMS_ScheduleMethods"), checked against what the seed's own logs print next to the tokens.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeScheduleString,
  decodeScheduleToken,
  describeScheduleString,
  describeScheduleToken,
} from '../../server/src/core/diagnose/index';

test('Scheduler.log trigger 3E692B0000080000 is the seed\'s deadline: once, 2014-02-09 19:15 ("will fire at 02/09/2014 07:15:00 PM")', () => {
  const token = decodeScheduleToken('3E692B0000080000')!;
  assert.deepEqual(token.start, { year: 2014, month: 2, day: 9, hour: 19, minute: 15 });
  assert.deepEqual(token.recurrence, { kind: 'once' });
  assert.equal(token.isGmt, false);
  assert.equal(describeScheduleToken(token), 'once at 2014-02-09 19:15, for no duration (client local time)');
});

test('ServiceWindowManager 00084AC028592000: weekly on Sunday for 1 day 5 hours (seed: "StartTime is 02/09/14 00:00:00", "Total days: 1, hours: 05")', () => {
  const token = decodeScheduleToken('00084AC028592000')!;
  assert.deepEqual(token.duration, { days: 1, hours: 5, minutes: 0 });
  assert.deepEqual(token.recurrence, { kind: 'weekly', weekday: 1, weeks: 1 });
  assert.deepEqual(token.start, { year: 2013, month: 4, day: 8, hour: 0, minute: 0 });
  assert.equal(
    describeScheduleString('00084AC028592000'),
    'every week on Sunday at 00:00, from 2013-04-08, for 1 day 5 hours (client local time)',
  );
});

test('ServiceWindowManager 02C24AC0381C2000: Wednesdays 22:00 for 7 hours (seed: "StartTime is 02/12/14 22:00:00", a Wednesday)', () => {
  assert.equal(
    describeScheduleString('02C24AC0381C2000'),
    'every week on Wednesday at 22:00, from 2013-04-02, for 7 hours (client local time)',
  );
});

test('the collection window {1E957DDD}: 00302B0018192000 is Sundays 01:00 for 3 hours (seed: "StartTime is 02/16/14 01:00:00")', () => {
  assert.equal(
    describeScheduleString('00302B0018192000'),
    'every week on Sunday at 01:00, from 2014-02-16, for 3 hours (client local time)',
  );
});

test('a schedule string of five tokens decodes to five weekdays', () => {
  const tokens = decodeScheduleString(
    '02C159C0381A200002C159C0381B200002C159C0381C200002C159C0381D200002C159C0381E2000',
  );
  assert.deepEqual(
    tokens.map((t) => (t.recurrence.kind === 'weekly' ? t.recurrence.weekday : 0)),
    [2, 3, 4, 5, 6],
  );
});

test('interval: 02D68AC040100008 (real corpus, collection window) is every day at 22:00 for 8 hours', () => {
  const token = decodeScheduleToken('02D68AC040100008')!;
  assert.deepEqual(token.recurrence, { kind: 'interval', days: 1, hours: 0, minutes: 0 });
  assert.equal(describeScheduleToken(token), 'every day at 22:00, from 2013-08-22, for 8 hours (client local time)');
  assert.equal(
    describeScheduleString('00012B0000100400'),
    'every 4 hours at 00:00, from 2014-02-01, for no duration (client local time)',
  );
});

test('monthly by weekday and by date, and the UTC flag', () => {
  // Second Tuesday of every month at 02:00 from 2014-03-11, 4 h 30 min.
  assert.equal(
    describeScheduleString('004B3B1E20231400'),
    'the second Tuesday of every month at 02:00, from 2014-03-11, for 4 hours 30 minutes (client local time)',
  );
  // Last day of every 3 months at 23:15 from 2014-01-31, 1 hour, in UTC.
  const byDate = decodeScheduleToken('3EFF1B0008280C01')!;
  assert.deepEqual(byDate.recurrence, { kind: 'monthlyByDate', monthDay: 0, months: 3 });
  assert.equal(
    describeScheduleToken(byDate),
    'the last day of every 3 months at 23:15, from 2014-01-31, for 1 hour (UTC)',
  );
});

test('text that is not a schedule string decodes to nothing', () => {
  assert.equal(decodeScheduleToken('XYZ'), undefined);
  assert.deepEqual(decodeScheduleString('00084AC02859200'), []);
  assert.equal(describeScheduleString(''), undefined);
});

test('a bare "Schedule Token:" line of ServiceWindowManager.log is listed and decoded', async () => {
  const { diagnose } = await import('../../server/src/core/diagnose/index');
  const { parseText } = await import('../../server/src/core/parse');
  const line =
    '<![LOG[    Schedule Token: 00011A8500080000]LOG]!><time="10:00:00.000+300" date="01-01-2014" component="ServiceWindowManager" context="" type="1" thread="1" file="">';
  const f = diagnose([parseText(line, '/tmp/sw/ServiceWindowManager.log')]).find((x) => x.flow === 'serviceWindows')!;
  assert.equal(f.steps[0].name, 'Schedule token 00011A8500080000');
  assert.equal(f.steps[0].detail, 'once at 2012-01-01 00:00, for 5 minutes (client local time)');
});
