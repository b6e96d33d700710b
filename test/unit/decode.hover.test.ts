// Hovers built on the decoders, on records parsed from log text: the code's best name for the line first,
// HTTP statuses, success codes, a Status Message Viewer row, STATMSG modules, and GUID roles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogIndex } from '../../server/src/core/logIndex';
import { parseText } from '../../server/src/core/parse';
import type { LogRecord } from '../../server/src/core/record';
import { codeTitle, failureCodes } from '../../server/src/features/codes';
import { codeHover } from '../../server/src/features/hoverCodes';
import { keyHover } from '../../server/src/features/hoverKeys';
import { statmsgHover } from '../../server/src/features/hoverMessages';

const cmtrace = (text: string, component: string, type = 3) =>
  `<![LOG[${text}]LOG]!><time="08:00:00.000+000" date="01-02-2024" component="${component}" context="" type="${type}" thread="1" file="">`;

function record(text: string, component: string, type = 3): LogRecord {
  return parseText(cmtrace(text, component, type), `${component}.log`).records.get(0)!;
}

/** Markdown as a reader sees it: HTML entities and backslash escapes undone. */
const plain = (markdown: string) =>
  markdown.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/\\([^A-Za-z0-9\s])/g, '$1');
const hoverAt = (r: LogRecord, needle: string) => plain(codeHover(r, r.message.indexOf(needle) + 1)!);

test('0x80072F8F: ERROR_WINHTTP_SECURE_FAILURE first in a ccmsetup line, the WinINet names after it', () => {
  const r = record(
    "Failed to get DP locations as the expected version from MP 'https://MP01'. Error 0x80072f8f",
    'ccmsetup',
  );
  const hover = hoverAt(r, '0x80072f8f');
  assert.match(
    hover,
    /^\*\*0x80072F8F\*\* `ERROR_WINHTTP_SECURE_FAILURE`\n\nAlso named: `ERROR_INTERNET_DECODING_FAILED` · `WININET_E_DECODING_FAILED`/,
  );
  assert.match(hover, /Secure Sockets Layer/);
  assert.match(
    codeTitle(failureCodes(r)[0].info),
    /^0x80072F8F ERROR_WINHTTP_SECURE_FAILURE \/ ERROR_INTERNET_DECODING_FAILED/,
  );
});

test('an HTTP status hovers as one, with its meaning for the component; never as a Win32 error', () => {
  const r = record('The remote server returned an error: (401) Unauthorized.', 'IntuneManagementExtension');
  const hover = hoverAt(r, '401');
  assert.match(hover, /^\*\*HTTP 401\*\* Unauthorized · HTTP status/);
  assert.doesNotMatch(hover, /ERROR_THREAD_MODE_NOT_BACKGROUND|0x80070191/);
  assert.match(codeTitle(failureCodes(r)[0].info), /^HTTP 401 Unauthorized: Authentication failed/);
});

test('WU_E_NOOP and S_FALSE make no problem; the hover says they are not errors', () => {
  const noop = record('WARNING: Exit code = 0x8024000C', 'WUAHandler', 2);
  assert.deepEqual(failureCodes(noop), []);
  assert.match(hoverAt(noop, '0x8024000C'), /Not an error: nothing had to be done/);
  const sFalse = record('Result = 0x00000001', 'UpdatesHandler', 3);
  assert.deepEqual(failureCodes(sFalse), []);
  assert.match(hoverAt(sFalse, '0x00000001'), /`S_FALSE`/);
});

test('a WindowsUpdate.log "*FAILED* [8024000C]" record is not an error record', () => {
  const log = [
    '2025/01/05 16:36:40.9835505 26136 26104 Agent           *FAILED* [8024000C] wuauengcore.dll, C:\\__w\\1\\s\\src\\Client\\Engine\\Agent\\DeployCall.cpp @949',
    '2025/01/05 16:36:41.1670312 26136 19576 Agent           *FAILED* [80244021] Method failed [CAgentProtocolTalker::SyncUpdates:1234]',
  ].join('\n');
  const { records } = parseText(log, 'WindowsUpdate.log');
  assert.deepEqual([records.get(0)!.severity, records.get(1)!.severity], ['info', 'error']);
});

test('setupapi.log and CBS codes hover through their winerror.h macro; healthy SetupAPI statuses make no problem', () => {
  const setupapi = parseText(
    [
      '[2011/06/12 17:27:20 1234.5]',
      '#E360 Selecting best compatible driver caused error: Error 0xe0000228: There are no compatible drivers for this device.',
      '[2011/06/12 17:27:21 1234.6]',
      'sig: Error 0xe0000241: The INF was signed with an Authenticode(tm) catalog from a trusted publisher.',
    ].join('\r\n'),
    'setupapi.log',
  ).records;
  const lines = Array.from({ length: setupapi.length }, (_, i) => setupapi.get(i)!);
  const noCompat = lines.find((r) => r.message.includes('0xe0000228'))!;
  const hover = hoverAt(noCompat, '0xe0000228');
  assert.match(hover, /SPAPI_E_NO_COMPAT_DRIVERS/);
  assert.match(hover, /A SetupAPI error: named as its HRESULT_FROM_SETUPAPI form `0x800F0228`/);
  assert.equal(failureCodes(noCompat).length, 1);
  const trusted = lines.find((r) => r.message.includes('0xe0000241'))!;
  assert.equal(failureCodes(trusted).length, 0);
  const csi = record('(F) STATUS_OBJECT_NAME_NOT_FOUND #40# from SysCreateKey(...)[gle=0xd0000034]', 'CSI', 1);
  assert.match(
    hoverAt(csi, '0xd0000034'),
    /An NTSTATUS as HRESULT_FROM_NT writes it: named as the NTSTATUS `0xC0000034`/,
  );
});

test("a code the tables lack shows the name the log writes after it, said to be the log's", () => {
  const cbs = record('Failed to internally open package. [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]', 'CBS', 1);
  const hover = hoverAt(cbs, '0x800f0805');
  assert.match(hover, /Not in the reference tables/);
  assert.match(hover, /The log names it `CBS_E_INVALID_PACKAGE` \(its own word, not a reference table's\)/);
  // A known code keeps the table's name alone; a word that is no name shape is not taken.
  const known = record('Failed [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]', 'CBS', 1);
  assert.doesNotMatch(hoverAt(known, '0x80070002'), /The log names it/);
  const other = record('Install failed 0x800f0805 - FAILED_TO_OPEN retrying', 'CBS', 1);
  assert.doesNotMatch(hoverAt(other, '0x800f0805'), /The log names it/);
});

test("a Windows Setup result code's extend code is read: phase and operation from Microsoft's page", () => {
  const rollback = record('Setup failed: result 0xC1900101 - 0x4000D, rolling back', 'MOUPG', 3);
  const hover = hoverAt(rollback, '0xC1900101');
  assert.match(hover, /MOSETUP_E_SETUP_PLATFORM/);
  assert.match(
    hover,
    /Extend code `0x4000D`: phase `SP_EXECUTION_OOBE_BOOT`, operation `SP_EXECUTION_OP_MIGRATE_DATA`/,
  );
  assert.match(hover, /upgrade-error-codes\.md/);
  const safeOs = record('Result = 0xC1900101-0x20017', 'MOUPG', 3);
  assert.match(hoverAt(safeOs, '0xC1900101'), /phase `SP_EXECUTION_SAFE_OS`, operation `SP_EXECUTION_OP_BOOT`/);
  // A phase or operation the page does not name, another family's code, or no dash: no extend code.
  for (const [text, code] of [
    ['Result = 0xC1900101 - 0x9000D', '0xC1900101'],
    ['Result = 0xC1900101 - 0x40021', '0xC1900101'],
    ['Error 0x80070005 - 0x4000D', '0x80070005'],
    ['Result = 0xC1900101 0x4000D', '0xC1900101'],
  ])
    assert.doesNotMatch(hoverAt(record(text, 'MOUPG', 3), code), /Extend code/, text);
});

test('a Status Message Viewer row hovers like a STATMSG: template filled from the row, its facts listed', () => {
  const row =
    'Information\tAudit PR1\t2/9/2014 11:57:49 PM\tPR1SITE.CONTOSO.COM Microsoft.ConfigurationManagement.exe\t30197\tUser " <b>DOMAIN\\User</b> " modified updates assignment 4 ({ <b>BAFB1BDB-7A6C-4DCF-9866-6C22DF92346A</b> }).';
  const r = parseText(row, 'statusmessages.txt').records.get(0)!;
  const hover = plain(statmsgHover(r, r.message.indexOf('30197'))!);
  assert.match(hover, /^\*\*Status message 30197\*\* · `Microsoft\.ConfigurationManagement\.exe` · Informational/);
  assert.match(hover, /User "DOMAIN\\User" modified updates assignment 4 \(\{BAFB1BDB-7A6C-4DCF-9866-6C22DF92346A\}\)/);
  assert.match(hover, /Type: Audit · Component: `Microsoft\.ConfigurationManagement\.exe` · Site: `PR1`/);
});

test("a client STATMSG decodes with the client module's text, a server one with the server's", () => {
  const client = record(
    'STATMSG: ID=10002 SEV=I LEV=M SOURCE="SMS Client" COMP="SoftwareDistribution" SYS=PC01 SITE=PS1 PID=1 TID=2 GMTDATE=Mon Feb 03 09:05:01.000 2014 ISTR0="Office 365" NUMATTRS=0',
    'execmgr',
    1,
  );
  const clientHover = plain(statmsgHover(client, 10)!);
  assert.match(clientHover, /Deployment "Office 365" was received/);
  assert.doesNotMatch(clientHover, /CloudUserSync/);
  const server = record(
    'STATMSG: ID=10002 SEV=E LEV=M SOURCE="SMS Server" COMP="SMS_CLOUDUSERSYNC" SYS=PS1 SITE=PS1 PID=1 TID=2 GMTDATE=Mon Feb 03 09:05:01.000 2014 NUMATTRS=0',
    'SMS_CLOUDUSERSYNC',
    3,
  );
  assert.match(plain(statmsgHover(server, 10)!), /CloudUserSync - delta sync to cloud failed/);
});

test('a GUID hover says what the line says the GUID is', () => {
  const index = new LogIndex();
  const lines = [
    cmtrace('CCM_UpdateSource.UniqueID="{2B9F3CB4-6F67-4C2B-9F9A-3E1C5C1D2A71}"', 'PolicyAgent', 1),
    cmtrace(
      'CScanJob::OnScanComplete -Scan completed successfully, ScanJobID={16C8A2F9-1F1E-4E2B-8E86-6A2C0AA7D9B0}',
      'ScanAgent',
      1,
    ),
  ].join('\n');
  index.setFile(parseText(lines, '/logs/client.log'));
  const [source, scan] = [0, 1].map((i) => index.file('/logs/client.log')!.records.get(i)!);
  assert.match(
    keyHover(index, source, source.message.indexOf('2B9F') + 2)!,
    /^\*\*GUID\*\* `\{2b9f3cb4-6f67-4c2b-9f9a-3e1c5c1d2a71\}` — \*\*UpdateSource\*\* \(as this line says\)/,
  );
  assert.match(keyHover(index, scan, scan.message.indexOf('16C8') + 2)!, /— \*\*ScanJob\*\* \(as this line says\)/);
});
