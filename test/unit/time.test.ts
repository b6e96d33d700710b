import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cmtraceTime } from '../../server/src/core/formats/cmtrace';
import { biasToOffset, parseBias } from '../../server/src/core/time';

// Windows bias: UTC = local + bias (minutes). +300 is US Eastern (UTC-5), -60 is Central Europe (UTC+1).
const cases: Array<[string, string, string, number | null]> = [
  ['13:53:52.608+300', '01-16-2014', '2014-01-16T18:53:52.608Z', 300], // UTC-5: five hours later in UTC
  ['13:53:52.608-330', '01-16-2014', '2014-01-16T08:23:52.608Z', -330], // India, UTC+5:30
  ['13:53:52.608+480', '01-16-2014', '2014-01-16T21:53:52.608Z', 480], // US Pacific, UTC-8
  ['13:53:52.608-60', '01-16-2014', '2014-01-16T12:53:52.608Z', -60], // UTC+1
  ['13:53:52.608+000', '01-16-2014', '2014-01-16T13:53:52.608Z', 0],
  ['13:53:52.608+00', '01-16-2014', '2014-01-16T13:53:52.608Z', 0],
  ['13:53:52.608', '01-16-2014', '2014-01-16T13:53:52.608Z', null], // no bias: taken as UTC, bias unknown
  ['13:53:52.608+-240', '01-16-2014', '2014-01-16T09:53:52.608Z', -240], // "+-240" as some writers print -240
];

for (const [time, date, utc, bias] of cases) {
  test(`bias: time="${time}" → ${utc}`, () => {
    const t = cmtraceTime(time, date)!;
    assert.equal(new Date(t.utc).toISOString(), utc);
    assert.equal(t.biasMinutes, bias);
    assert.equal(t.local, '2014-01-16T13:53:52.608');
  });
}

test('bias crosses midnight and month ends', () => {
  assert.equal(new Date(cmtraceTime('23:30:00.000+300', '01-31-2014')!.utc).toISOString(), '2014-02-01T04:30:00.000Z');
  assert.equal(new Date(cmtraceTime('00:10:00.000-60', '03-01-2014')!.utc).toISOString(), '2014-02-28T23:10:00.000Z');
});

test('variants: 7-digit fractions, unpadded dates, a space inside the time', () => {
  const t = cmtraceTime('11:19:59.4204997', '3-24-2026')!;
  assert.equal(t.local, '2026-03-24T11:19:59.4204997');
  assert.equal(new Date(t.utc).toISOString(), '2026-03-24T11:19:59.420Z');
  assert.equal(new Date(cmtraceTime(' 9:05:01.5 +300', '1-6-2014')!.utc).toISOString(), '2014-01-06T14:05:01.500Z');
});

test('impossible dates and times give no time rather than a wrong one', () => {
  assert.equal(cmtraceTime('25:00:00.000+300', '01-16-2014'), null);
  assert.equal(cmtraceTime('10:00:00.000+300', '02-31-2014'), null);
  assert.equal(cmtraceTime('10:00:00.000+300', '13-01-2014'), null);
  assert.equal(cmtraceTime('garbage', '01-16-2014'), null);
  assert.equal(cmtraceTime('10:00:00.000+abc', '01-16-2014'), null);
});

test('bias parsing and display', () => {
  assert.equal(parseBias('+300'), 300);
  assert.equal(parseBias(' -60 '), -60);
  assert.equal(parseBias('+-240'), -240);
  assert.equal(parseBias('x'), null);
  assert.equal(biasToOffset(300), 'UTC-05:00');
  assert.equal(biasToOffset(-330), 'UTC+05:30');
  assert.equal(biasToOffset(0), 'UTC+00:00');
});

test('the fast path for common CMTrace times agrees with the general parser (many shapes)', async () => {
  const { generalCmtraceTime } = await import('../../server/src/core/formats/cmtrace');
  const times = [
    '13:53:52.608+300',
    '00:00:00.000-60',
    '23:59:59.999+000',
    '11:19:59.4204997',
    '09:05:01.5+300',
    '9:05:01.500+300',
    '13:53:52.608+-240',
    '13:53:52.608 +300',
    '13:53:52.608',
    '24:00:00.000+0',
    '13:60:00.000+0',
    '13:53:52.608+99999',
    '13:53:52.608+',
    '13:53:52.608x',
    '13:53:52,608+300',
    '13:53:52.1234567890+1',
  ];
  const dates = ['01-16-2014', '1-6-2014', '02-29-2016', '02-29-2015', '12-31-1999', '13-01-2014', 'x', '01-16-14'];
  for (const date of dates) {
    for (const time of times)
      assert.deepEqual(cmtraceTime(time, date), generalCmtraceTime(time, date), `${time} ${date}`);
  }
});
