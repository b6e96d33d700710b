// Hovers on the Windows logs through the real language server: an IIS W3C log's status columns (sc-status an
// HTTP status with its substatus, never a Win32 error; sc-win32-status a Win32 code), and the time of the
// formats whose time sits in a line of its own (DPINST.LOG) or a section header (the XP setupapi.log).
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { positionOf, TestClient, uri } from './lspClient';

const WINDOWS = resolve(__dirname, '../../samples/windows');
const IIS = resolve(WINDOWS, 'u_ex240313.log');
const DPINST = resolve(WINDOWS, 'DPINST.LOG');
const SETUPAPI = resolve(WINDOWS, 'setupapi.log');
const OFFICE = resolve(WINDOWS, 'SetupExe(20240313101500FAC).log');

interface Hover {
  contents: { kind: string; value: string };
}

let lsp: TestClient;
before(async () => {
  lsp = new TestClient();
  await lsp.initialize(WINDOWS);
  for (const file of [IIS, DPINST, SETUPAPI, OFFICE]) await lsp.diagnosticsFor(await lsp.open(file));
});
after(() => lsp.stop());

/** The hover's text, with markdown's escapes taken out. */
async function hoverText(file: string, needle: string, delta: number, nth = 0): Promise<string> {
  const hover = await lsp.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: uri(file) },
    position: positionOf(file, needle, delta, nth),
  });
  assert.ok(hover, `no hover at "${needle}" + ${delta}`);
  return hover.contents.value.replace(/\\([\\_*[\]()#+\-.!`<>{}|~])/g, '$1');
}

test('IIS sc-status 404 on a DP URL: HTTP 404, content missing on the DP, its win32 2 named; not a Win32 error', async () => {
  const text = await hoverText(IIS, ' 404 0 2 0', 2);
  assert.match(text, /^\*\*HTTP 404\.0\*\* Not Found · HTTP status \(IIS sc-status\)/);
  assert.match(text, /Content missing on the distribution point/);
  assert.match(text, /sc-win32-status 2 `ERROR_FILE_NOT_FOUND`/);
  assert.doesNotMatch(text, /0x80070194|ERROR_.*404|Win32 error 404/);
});

test('IIS sc-substatus: 503.2 on WSUS ClientWebService (the pool, 0x80244022), 401.2 of a handshake, 401.1', async () => {
  const busy = await hoverText(IIS, ' 503 2 1236 3', 6);
  assert.match(busy, /^\*\*HTTP 503\.2\*\* Service Unavailable: concurrent request limit exceeded/);
  assert.match(busy, /WsusPool/);
  assert.match(busy, /0x80244022/);
  assert.match(busy, /URL: `\/ClientWebService\/client\.asmx`/);
  const handshake = await hoverText(IIS, ' 401 2 5 0', 2);
  assert.match(handshake, /^\*\*HTTP 401\.2\*\* Unauthorized: logon failed due to server configuration/);
  const denied = await hoverText(IIS, ' 401 1 2148074252 0', 4);
  assert.match(denied, /^\*\*HTTP 401\.1\*\* Unauthorized: logon failed/);
  assert.match(denied, /sc-win32-status 2148074252 `SEC_E_LOGON_DENIED`/);
  const ok = await hoverText(IIS, ' 200 0 0 31', 2);
  assert.match(ok, /^\*\*HTTP 200\.0\*\* OK · HTTP status \(IIS sc-status, not an error\)/);
});

test('IIS sc-win32-status: 64, 1236, 2 and 5 decoded as Win32 codes, the client-gone ones explained', async () => {
  const gone = await hoverText(IIS, ' 200 0 64 96', 7);
  assert.match(gone, /^\*\*sc-win32-status 64\*\*/);
  assert.match(gone, /ERROR_NETNAME_DELETED/);
  assert.match(gone, /closed the connection before IIS finished sending/);
  const aborted = await hoverText(IIS, ' 503 2 1236 3', 8);
  assert.match(aborted, /^\*\*sc-win32-status 1236\*\*/);
  assert.match(aborted, /ERROR_CONNECTION_ABORTED/);
  assert.match(await hoverText(IIS, ' 404 0 2 0', 8), /ERROR_FILE_NOT_FOUND/);
  assert.match(await hoverText(IIS, ' 401 2 5 0', 8), /ERROR_ACCESS_DENIED/);
  assert.match(await hoverText(IIS, ' 200 0 0 31', 7), /completed without a Win32 error/);
  // After the second #Fields (time cs-method cs-uri-stem sc-status sc-win32-status): 401 then win32 5.
  const late = await hoverText(IIS, '.sms_aut 401 5', 9);
  assert.match(late, /^\*\*HTTP 401\*\* Unauthorized/);
  const lateWin32 = await hoverText(IIS, '.sms_aut 401 5', 13);
  assert.match(lateWin32, /^\*\*sc-win32-status 5\*\*/);
  assert.match(lateWin32, /ERROR_ACCESS_DENIED/);
});

test('IIS: the other columns keep their hovers (time-taken is no status, the time is the time)', async () => {
  const time = await hoverText(IIS, '00:01:12', 2);
  assert.match(time, /^\*\*Time\*\*/);
  const taken = await lsp.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: uri(IIS) },
    position: positionOf(IIS, ' 404 0 2 0', 9),
  });
  assert.ok(!taken || !/HTTP|sc-win32/.test(taken.contents.value), taken?.contents.value);
});

test('time hovers: a DPINST.LOG time stamp line, a setupapi.log section header and "@" entry, Office Setup', async () => {
  const stamp = await hoverText(DPINST, '03/13/2024 10:16:02', 3);
  assert.match(stamp, /^\*\*Time\*\*/);
  assert.match(stamp, /2024-03-13 10:16:02\.000/);
  assert.match(stamp, /time zone unknown/);
  const section = await hoverText(SETUPAPI, '2024/03/13 10:15:40', 12);
  assert.match(section, /2024-03-13 10:15:40\.000/);
  const at = await hoverText(SETUPAPI, '@ 10:16:03.120', 4);
  assert.match(at, /2024-03-13 10:16:03\.120/);
  const office = await hoverText(OFFICE, '2024/03/13 10:15:44:860', 13);
  assert.match(office, /2024-03-13 10:15:44\.860/);
  const thread = await hoverText(OFFICE, '::[5120] Error:', 4);
  assert.match(thread, /^\*\*Thread 5120\*\*/);
});
