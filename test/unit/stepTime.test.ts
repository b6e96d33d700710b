// A diagnosis step's time as the CLI, the markdown and the Diagnosis view print it (common/stepTime.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stepTime } from '../../common/stepTime';

test('a step of a log that says its zone: its UTC alone', () => {
  assert.equal(stepTime({ utc: '2014-01-20T17:18:53.140Z' }), '2014-01-20T17:18:53.140Z');
  assert.equal(stepTime({}), '');
});

test('a step of a zone-less log whose UTC was learnt: the time the log shows, and whose zone', () => {
  assert.equal(
    stepTime({ utc: '2021-07-14T12:57:59.229Z', local: '2021-07-14T08:57:59.2290000', zoneFrom: 'WUAHandler.log' }),
    '2021-07-14T12:57:59.229Z (the log wrote 2021-07-14 08:57:59.2290000, no zone; zone from WUAHandler.log)',
  );
});

test('a step of a zone-less log with no zone known: local time, never printed as UTC', () => {
  const text = stepTime({ local: '2015-02-23T21:47:27.000' });
  assert.equal(text, '2015-02-23 21:47:27.000 (local time, zone unknown)');
  assert.doesNotMatch(text, /Z\b/);
});
