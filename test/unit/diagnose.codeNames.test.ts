// A finding's error is named for the line it was found in, as hovers and the Problems panel name it: several
// tables give 0x80072F8F a name, and in a CcmMessaging line it is WinHTTP's certificate failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../server/src/core/diagnose/index';
import { parseText } from '../../server/src/core/parse';

const MESSAGE = '{95F79010-D0EB-49A6-8A1E-3897883105F2}';

function cmtrace(component: string, lines: Array<[string, string, number]>): string {
  return lines
    .map(
      ([time, text, type]) =>
        `<![LOG[${text}]LOG]!><time="${time}.000+300" date="01-20-2014" component="${component}" context="" type="${type}" thread="3508" file="x.cpp:1">`,
    )
    .join('\r\n');
}

test('diagnosis: a delivery failure with 0x80072F8F in CcmMessaging is named ERROR_WINHTTP_SECURE_FAILURE first', () => {
  const dir = '/logs/PC01';
  const stateMessage = parseText(
    cmtrace('StateMessage', [['14:46:56', 'Successfully forwarded State Messages to the MP', 1]]),
    `${dir}/StateMessage.log`,
  );
  const messaging = parseText(
    cmtrace('CcmMessaging', [
      ['14:46:56', `Sending async message '${MESSAGE}' to outgoing queue 'mp:mp_relayendpoint'`, 1],
      [
        '14:46:58',
        `OutgoingMessage(Queue='mp_mp_relayendpoint', ID=${MESSAGE}): Failed to send message, error 0x80072F8F`,
        3,
      ],
    ]),
    `${dir}/CcmMessaging.log`,
  );
  const finding = diagnose([stateMessage, messaging]).find((f) => f.flow === 'stateMessages');
  assert.ok(finding, 'a state message finding');
  assert.equal(finding.status, 'broken');
  assert.equal(finding.error?.code, '0x80072F8F');
  assert.equal(finding.error?.name, 'ERROR_WINHTTP_SECURE_FAILURE');
});
