// Each scenario's logs rewritten the ways real collections differ (another time zone per machine, logs
// rolled over into .lo_, other components’ records in between, the other Unicode encoding, every run three times
// longer, each machine's clock a few minutes off) must keep every verdict. In `npm test` each scenario takes one
// relation in turn; METAMORPHIC_ALL=1 runs all six on every scenario.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { addNoise, mapTimes, RELATIONS, rewrite, rollOver, shiftZone, skewed, verdicts } from './metamorphic';
import { diagnoseFolder } from './run';
import { writeScenario } from './gen/expect';
import { SCENARIOS } from './scenarios';

const root = mkdtempSync(join(tmpdir(), 'cmlogs-metamorphic-'));
after(() => rmSync(root, { recursive: true, force: true }));
const all = process.env.METAMORPHIC_ALL === '1';

SCENARIOS.forEach((scenario, i) => {
  const relations = all ? RELATIONS : [RELATIONS[i % RELATIONS.length]];
  test(`${scenario.name}: same verdicts after ${relations.join(', ')}`, async () => {
    const dir = join(root, scenario.name);
    writeScenario(dir, scenario);
    const findings = await diagnoseFolder(dir);
    for (const relation of relations) {
      const changed = join(root, `${scenario.name}.${relation}`);
      rewrite(dir, changed, relation);
      const timeKeys = relation !== 'stretch' && relation !== 'skew';
      assert.deepEqual(
        verdicts(await diagnoseFolder(changed), timeKeys),
        verdicts(findings, timeKeys),
        `${relation}: ${changed}`,
      );
    }
  });
});

test('the rewrites change the text the way they say (a rewrite that changes nothing tests nothing)', () => {
  const cm =
    '<![LOG[Scan started]LOG]!><time="23:30:00.123+300" date="12-31-2023" component="ScanAgent" context="" type="1" thread="1" file="">';
  assert.equal(
    shiftZone(cm, 60),
    '<![LOG[Scan started]LOG]!><time="00:30:00.123+240" date="01-01-2024" component="ScanAgent" context="" type="1" thread="1" file="">',
  );
  const sms = 'Sync done  $$<SMS_WSUS_SYNC_MANAGER><01-01-2024 00:10:00.000-60><thread=1 (0x1)>';
  assert.equal(shiftZone(sms, -30), 'Sync done  $$<SMS_WSUS_SYNC_MANAGER><12-31-2023 23:40:00.000-30><thread=1 (0x1)>');
  assert.equal(
    shiftZone('2014-01-20\t08:02:47:319\t 968\t9d0\tMisc\t(tz: -0500)', 90),
    '2014-01-20\t09:32:47:319\t 968\t9d0\tMisc\t(tz: -0330)',
  );
  const log = Array.from({ length: 8 }, (_, i) => cm.replace('Scan started', `line ${i}`)).join('\n');
  const [older, newer] = rollOver(log, 0.5)!;
  assert.equal(older + newer, log);
  assert.match(older, /line 3\]/);
  assert.match(newer, /^<!\[LOG\[line 4\]/);
  assert.equal((addNoise(log, 2).match(/component="CcmExec"/g) ?? []).length, 4);
  // stretch: each format's time mapped in UTC and written back in its own zone
  const plusHour = (utc: number) => utc + 3600_000;
  assert.equal(
    mapTimes(cm, plusHour),
    '<![LOG[Scan started]LOG]!><time="00:30:00.123+300" date="01-01-2024" component="ScanAgent" context="" type="1" thread="1" file="">',
  );
  assert.equal(
    mapTimes(sms, plusHour),
    'Sync done  $$<SMS_WSUS_SYNC_MANAGER><01-01-2024 01:10:00.000-60><thread=1 (0x1)>',
  );
  assert.equal(
    mapTimes('2014-01-20\t08:02:47:319\t 968\t9d0\tMisc\t(tz: -0500)', plusHour),
    '2014-01-20\t09:02:47:319\t 968\t9d0\tMisc\t(tz: -0500)',
  );
  assert.equal(
    mapTimes('2024-02-15 23:34:32.939 UTC\tChange\tw3wp.76', plusHour),
    '2024-02-16 00:34:32.939 UTC\tChange\tw3wp.76',
  );
  // skew: the machine's clock, so its zone-less WindowsUpdate.log moves with its other logs
  assert.equal(
    skewed(cm, -113),
    '<![LOG[Scan started]LOG]!><time="23:28:07.123+300" date="12-31-2023" component="ScanAgent" context="" type="1" thread="1" file="">',
  );
  assert.equal(
    skewed('2024/01/01 00:01:00.1234567 1234  5678  Agent  * START *', -113),
    '2023/12/31 23:59:07.1234567 1234  5678  Agent  * START *',
  );
});
