// `cmlogs lookup`: every input form reads as documented, results have the JSON shape the CLI prints,
// and the plain-text rendering carries the decoded facts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLookup, lookup } from '../../server/src/core/decode/lookup';

const brief = (args: string[]) => lookup(args).map((r) => [r.input, r.kind, r.code, r.names[0] ?? null]);

test('0x80244021, -2145107935, 2149859361 and 80244021 are one HRESULT', () => {
  assert.deepEqual(brief(['0x80244021', '-2145107935', '2149859361', '80244021']), [
    ['0x80244021', 'hresult', '0x80244021', 'WU_E_PT_HTTP_STATUS_BAD_GATEWAY'],
    ['-2145107935', 'hresult', '0x80244021', 'WU_E_PT_HTTP_STATUS_BAD_GATEWAY'],
    ['2149859361', 'hresult', '0x80244021', 'WU_E_PT_HTTP_STATUS_BAD_GATEWAY'],
    ['80244021', 'hresult', '0x80244021', 'WU_E_PT_HTTP_STATUS_BAD_GATEWAY'],
  ]);
});

test('the JSON shape of an HRESULT result, with the seed section and steps', () => {
  const [r] = lookup(['0x8024401B']);
  assert.equal(r.kind, 'hresult');
  assert.equal(r.code, '0x8024401B');
  assert.deepEqual(r.names, ['WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ']);
  assert.equal(r.message, 'Same as HTTP status 407 - proxy authentication is required.');
  assert.deepEqual(r.facility, { name: 'FACILITY_WINDOWSUPDATE', number: 36 });
  assert.equal(r.severity, 'failure');
  assert.equal(r.known, true);
  assert.match(r.source ?? '', /wuerror\.h/);
  assert.equal(r.seedSection, 'Scan fails with Proxy related errors: 0x80244021, 0x8024401B, 0x80240030, 0x8024402C');
  assert.deepEqual(r.seedSteps, [
    'Verify the proxy settings on the client and make sure they are configured correctly (see "How to check Proxy Settings on a Client").',
  ]);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'plain JSON data');
});

test('a small decimal is a Win32 error', () => {
  const [r] = lookup(['5']);
  assert.deepEqual(
    [r.kind, r.code, r.names, r.message],
    ['win32', '0x80070005', ['ERROR_ACCESS_DENIED', 'E_ACCESSDENIED'], 'Access is denied.'],
  );
  assert.deepEqual(r.win32, { code: 5, name: 'ERROR_ACCESS_DENIED', message: 'Access is denied.' });
});

test('6702: a known status message ID first, the Win32 reading offered second', () => {
  const [statmsg, win32] = lookup(['6702']);
  assert.equal(statmsg.kind, 'statmsg');
  assert.equal(statmsg.code, '6702');
  assert.equal(statmsg.message, 'WSUS Synchronization done.');
  assert.equal(statmsg.severity, 'Informational');
  assert.equal(statmsg.component, 'SMS_WSUS_SYNC_MANAGER');
  assert.deepEqual(
    statmsg.texts?.map((t) => t.text),
    ['WSUS Synchronization done.', 'WSUS Synchronization done (Success)'],
  );
  assert.match(statmsg.note ?? '', /status message ID/);
  assert.deepEqual(
    [win32.kind, win32.code, win32.names[0]],
    ['win32', '0x80071A2E', 'ERROR_TRANSACTION_REQUEST_NOT_VALID'],
  );
});

test('a 4-5 digit number that is no known status message is a Win32 error', () => {
  assert.deepEqual(brief(['1603']), [['1603', 'win32', '0x80070643', 'ERROR_INSTALL_FAILURE']]);
  // 10060 is also a client status message ID in the spreadsheet table: the Win32 reading comes first.
  assert.deepEqual(brief(['10060']), [
    ['10060', 'win32', '0x8007274C', 'WSAETIMEDOUT'],
    ['10060', 'statmsg', '10060', null],
  ]);
});

test('statmsg N forces the status message reading', () => {
  const results = lookup(['statmsg', '6702']);
  assert.equal(results.length, 1);
  assert.deepEqual(
    [results[0].input, results[0].kind, results[0].message],
    ['statmsg 6702', 'statmsg', 'WSUS Synchronization done.'],
  );
  assert.equal(lookup(['statmsg', '30197'])[0].component, 'Microsoft.ConfigurationManagement.exe');
});

test('state 500 2 and state 500', () => {
  const [state] = lookup(['state', '500', '2']);
  assert.deepEqual(
    [state.input, state.kind, state.code, state.names, state.topicType, state.topicTypeName, state.stateId],
    ['state 500 2', 'state', '500/2', ['Update is required'], 500, 'STATE_TOPICTYPE_SUM_UPDATE_DETECTION', 2],
  );
  const [topic] = lookup(['state', '500']);
  assert.deepEqual([topic.code, topic.message, topic.stateId], ['500', 'STATE_TOPICTYPE_SUM_UPDATE_DETECTION', null]);
  assert.deepEqual(
    topic.states?.map((s) => s.stateId),
    [0, 1, 2, 3],
  );
  assert.deepEqual(topic.states?.[1].names, ["Update isn't required", 'Update is not required']);
});

test('state with a log word', () => {
  const [r] = lookup(['state', 'Enforce', '5']);
  assert.deepEqual(
    [r.topicType, r.stateId, r.names],
    [301, 5, ['Pending system restart', 'ASSIGNMENT_ENFORCE_PENDING_REBOOT']],
  );
});

test('mixed arguments, options ignored', () => {
  assert.deepEqual(
    lookup(['0x80072ee2', 'state', '301', '4', '--json', 'win32', '2']).map((r) => [r.kind, r.code]),
    [
      ['hresult', '0x80072EE2'],
      ['state', '301/4'],
      ['win32', '0x80070002'],
    ],
  );
});

test('win32 N and hr N force a reading', () => {
  assert.deepEqual(brief(['win32', '1603']), [['win32 1603', 'win32', '0x80070643', 'ERROR_INSTALL_FAILURE']]);
  assert.deepEqual(brief(['win32', '0x643']), [['win32 0x643', 'win32', '0x80070643', 'ERROR_INSTALL_FAILURE']]);
  assert.deepEqual(brief(['hr', '1']), [['hr 1', 'hresult', '0x00000001', 'S_FALSE']]);
  assert.deepEqual(brief(['hr', '-2145107935']), [
    ['hr -2145107935', 'hresult', '0x80244021', 'WU_E_PT_HTTP_STATUS_BAD_GATEWAY'],
  ]);
  assert.deepEqual(brief(['hresult', '8024401c']), [
    ['hresult 8024401c', 'hresult', '0x8024401C', 'WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT'],
  ]);
});

test('short hex that is a Win32 error reads as one (0x643)', () => {
  const [r] = lookup(['0x643']);
  assert.deepEqual(
    [r.kind, r.code, r.names[0], r.seedSection],
    ['win32', '0x80070643', 'ERROR_INSTALL_FAILURE', 'UPDATE INSTALLATION FAILS'],
  );
});

test('codes missing from the table are decomposed, not named', () => {
  const [r] = lookup(['0x80041FFF']);
  assert.deepEqual([r.kind, r.known, r.names, r.message, r.severity], ['hresult', false, [], '', 'failure']);
  assert.deepEqual(r.facility, { name: 'FACILITY_ITF', number: 4 });
});

test('unknown input: kind unknown with a clear message', () => {
  for (const input of [
    'foo',
    '12345',
    '100000',
    'state',
    'state constructor',
    'statmsg',
    'statmsg 1',
    'win32 70000',
    'hr zz',
  ]) {
    const results = lookup(input.split(' '));
    assert.equal(results.length, 1, input);
    assert.equal(results[0].kind, 'unknown', input);
    assert.ok(results[0].message.length > 10, input);
  }
  assert.match(lookup(['foo'])[0].message, /not an error code, status message ID or state message/);
  assert.deepEqual(lookup(['state', '99999'])[0].kind, 'unknown');
});

test('formatLookup: readable plain text with names, facility, sources and seed steps', () => {
  const text = formatLookup(lookup(['0x80244018', '6702', 'state', '500', '2', 'nonsense']));
  assert.match(text, /^0x80244018 {2}HRESULT, failure$/m);
  assert.match(text, /^ {2}WU_E_PT_HTTP_STATUS_FORBIDDEN: /m);
  assert.match(text, /^ {2}facility FACILITY_WINDOWSUPDATE \(36\), code 0x4018 \(16408\)$/m);
  assert.match(
    text,
    /^ {2}seed \(TROUBLESHOOTING > COMPLIANCE > SCAN FAILURES\): Scan fails with authentication errors/m,
  );
  assert.match(text, /^ {4}- Verify connectivity with the WSUS computer/m);
  assert.match(text, /^status message 6702, Informational, SMS_WSUS_SYNC_MANAGER$/m);
  assert.match(text, /^state message topic 500 STATE_TOPICTYPE_SUM_UPDATE_DETECTION, state 2$/m);
  assert.match(text, /^nonsense: "nonsense" is not an error code/m);
  assert.doesNotMatch(text, /\x1b\[/, 'no ANSI escapes');
});

test('text as logs write it: error 5, hr=0x80070005, Code=12029, exit code 1603, HTTP statuses', () => {
  assert.deepEqual(brief(['error 5'.split(' ')].flat()), [['error 5', 'win32', '0x80070005', 'ERROR_ACCESS_DENIED']]);
  assert.deepEqual(brief(['hr=0x80070005']), [['hr 0x80070005', 'hresult', '0x80070005', 'ERROR_ACCESS_DENIED']]);
  assert.deepEqual(brief(['Code=12029']), [['Code 12029', 'win32', '0x80072EFD', 'ERROR_INTERNET_CANNOT_CONNECT']]);
  assert.deepEqual(brief(['exit', 'code', '1603']), [
    ['exit code 1603', 'win32', '0x80070643', 'ERROR_INSTALL_FAILURE'],
  ]);
  assert.deepEqual(brief(['Error', '=', '0x00000643']), [
    ['Error = 0x00000643', 'win32', '0x80070643', 'ERROR_INSTALL_FAILURE'],
  ]);
  assert.deepEqual(brief('The remote server returned an error: (401) Unauthorized.'.split(' ')), [
    ['The remote server returned an error: (401) Unauthorized.', 'http', 'HTTP 401', 'Unauthorized'],
  ]);
  assert.deepEqual(brief(['(407)', 'Proxy', 'Authentication', 'Required']), [
    ['(407) Proxy Authentication Required', 'http', 'HTTP 407', 'Proxy Authentication Required'],
  ]);
  assert.deepEqual(brief(['status', 'code', '503']), [['status code 503', 'http', 'HTTP 503', 'Service Unavailable']]);
  const [http] = lookup(['HTTP', '429']);
  assert.match(http.message, /throttl/i);
  assert.equal(http.http?.reason, 'Too Many Requests');
  assert.match(formatLookup([http]), /^HTTP 429 Too Many Requests {2}HTTP status, failure$/m);
});

test("an exit code that is not Windows Installer's is the program's own number: said so, not decoded", () => {
  const [r] = lookup(['exit', 'code', '1']);
  assert.equal(r.kind, 'unknown');
  assert.match(r.message, /program's own number/);
  assert.deepEqual(brief(['exit', 'code', '3010']), [
    ['exit code 3010', 'win32', '0x80070BC2', 'ERROR_SUCCESS_REBOOT_REQUIRED'],
  ]);
});

test('every status message module is listed in the plain text, with its severity', () => {
  const text = formatLookup(lookup(['statmsg', '10002']));
  assert.match(text, /^ {2}server message \(E\); source: /m);
  assert.match(text, /^ {2}client message \(I\); source: /m);
  assert.match(text, /Deployment "%1" was received/);
});

test('a bare 404 or 503 gives both readings, Win32 first, each saying the other exists; HTTP 404 and 999 give one', () => {
  assert.deepEqual(brief(['404', '503']), [
    ['404', 'win32', '0x80070194', 'ERROR_CLOUD_FILE_PROVIDER_TERMINATED'],
    ['404', 'http', 'HTTP 404', 'Not Found'],
    ['503', 'win32', '0x800701F7', 'ERROR_NOT_SUPPORTED_WITH_MONITORING'],
    ['503', 'http', 'HTTP 503', 'Service Unavailable'],
  ]);
  const [win32, http] = lookup(['404']);
  assert.match(win32.note ?? '', /also an HTTP status/);
  assert.equal(http.http?.reason, 'Not Found');
  assert.match(formatLookup([http]), /HTTP 404 Not Found {2}HTTP status, failure/);
  assert.deepEqual(
    lookup(['HTTP', '404']).map((r) => r.kind),
    ['http'],
  );
  assert.deepEqual(
    lookup(['999']).map((r) => r.kind),
    ['win32'],
  );
});
