import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBytes, parseText } from '../../server/src/core/parse';
import { RecordTable } from '../../server/src/core/table';

const iso = (utc: number | null) => (utc === null ? null : new Date(utc).toISOString());

test('CMTrace: single-line record, every field', () => {
  const text =
    '<![LOG[Scan completed successfully, ScanJobID={2A8A0C8D-4E4D-4B4F-8C0C-5E6F7A8B9C0D}]LOG]!><time="13:53:52.608+300" date="01-16-2014" component="WUAHandler" context="" type="1" thread="3404" file="cwuahandler.cpp:2431">\r\n';
  const { records, format } = parseText(text, 'WUAHandler.log');
  assert.equal(format, 'cmtrace');
  assert.equal(records.length, 1);
  const r = records.get(0);
  assert.deepEqual(
    {
      line: r.line,
      endLine: r.endLine,
      column: r.column,
      component: r.component,
      thread: r.thread,
      severity: r.severity,
      rawType: r.rawType,
      sourceFile: r.sourceFile,
      local: r.local,
      bias: r.biasMinutes,
    },
    {
      line: 1,
      endLine: 1,
      column: 7,
      component: 'WUAHandler',
      thread: 3404,
      severity: 'info',
      rawType: '1',
      sourceFile: 'cwuahandler.cpp:2431',
      local: '2014-01-16T13:53:52.608',
      bias: 300,
    },
  );
  assert.equal(iso(r.utc), '2014-01-16T18:53:52.608Z');
  assert.equal(r.message, 'Scan completed successfully, ScanJobID={2A8A0C8D-4E4D-4B4F-8C0C-5E6F7A8B9C0D}');
});

test('CMTrace: a message spanning lines keeps its lines; the header at the end gives its fields', () => {
  const text = [
    '<![LOG[WSUS location reply:',
    '<WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="CS1"/></Site></Sites>',
    '</WSUSLocationReply>]LOG]!><time="14:00:01.000+300" date="01-16-2014" component="LocationServices" context="" type="3" thread="12" file="">',
    '<![LOG[next]LOG]!><time="14:00:02.000+300" date="01-16-2014" component="LocationServices" context="" type="2" thread="12" file="">',
  ].join('\r\n');
  const { records } = parseText(text);
  assert.equal(records.length, 2);
  assert.equal(records.get(0).line, 1);
  assert.equal(records.get(0).endLine, 3);
  assert.equal(records.get(0).severity, 'error');
  assert.equal(records.get(0).message.split('\n').length, 3);
  assert.ok(records.get(0).message.endsWith('</WSUSLocationReply>'));
  assert.equal(records.get(1).severity, 'warning');
  assert.equal(records.get(1).line, 4);
});

test('CMTrace types 0-6 and empty thread', () => {
  const line = (type: string) =>
    `<![LOG[x]LOG]!><time="10:00:00.000+000" date="01-01-2020" component="c" context="" type="${type}" thread="" file="">`;
  const { records } = parseText(['0', '1', '2', '3', '4', '5', '6'].map(line).join('\n'));
  assert.deepEqual(
    records.map((r) => r.severity),
    ['verbose', 'info', 'warning', 'error', 'verbose', 'verbose', 'verbose'],
  );
  assert.equal(records.get(0).thread, null);
});

test('CMTrace: a record cut by a concurrent writer is kept and marked, the rest parses', () => {
  const text = [
    '<![LOG[first half of a messa<![LOG[Second record]LOG]!><time="10:00:00.000+000" date="01-01-2020" component="a" context="" type="1" thread="1" file="">',
    'tail of another entry]LOG]!><time="10:00:01.000+000" date="01-01-2020" component="b" context="" type="1" thread="2" file="">',
    '<![LOG[Third]LOG]!><time="10:00:02.000+000" date="01-01-2020" component="c" context="" type="1" thread="3" file="">',
  ].join('\n');
  const { records, warningCount } = parseText(text);
  assert.deepEqual(
    records.map((r) => r.message),
    ['<![LOG[first half of a messa', 'Second record', 'tail of another entry', 'Third'],
  );
  assert.ok(records.get(0).damaged);
  assert.equal(records.get(1).damaged, undefined);
  assert.match(records.get(2).damaged!, /no <!\[LOG\[ opening/);
  assert.equal(records.get(2).component, 'b');
  assert.equal(warningCount, 2);
});

test('CMTrace: a record that never closes does not swallow the file', () => {
  const text = '<![LOG[never closed\nmore text\n';
  const { records } = parseText(text);
  assert.equal(records.length, 1);
  assert.equal(records.get(0).message, 'never closed\nmore text');
  assert.match(records.get(0).damaged!, /no \]LOG\]!> header: the file ends/);
});

test('SMS trace: single and multi-line records, thread with hex, bias', () => {
  const text = [
    'Wakeup for scheduled regular sync  $$<SMS_WSUS_SYNC_MANAGER><01-16-2014 14:25:00.123+300><thread=3404 (0xD4C)>',
    'STATMSG: ID=6702 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=CS1SITE.CONTOSO.COM SITE=CS1',
    'PID=432 TID=3404 GMTDATE=Thu Jan 16 18:57:46.304 2014 ISTR0="" NUMATTRS=0  $$<SMS_WSUS_SYNC_MANAGER><01-16-2014 13:57:46.304+300><thread=3404 (0xD4C)>',
    'Sync failed: WSUS server not configured.  $$<SMS_WSUS_SYNC_MANAGER><01-16-2014 13:58:00.000-60><thread=3404 (0xD4C)>',
  ].join('\n');
  const { records, format } = parseText(text);
  assert.equal(format, 'sms');
  assert.equal(records.length, 3);
  assert.equal(records.get(0).component, 'SMS_WSUS_SYNC_MANAGER');
  assert.equal(records.get(0).thread, 3404);
  assert.equal(iso(records.get(0).utc), '2014-01-16T19:25:00.123Z');
  assert.equal(records.get(1).line, 2);
  assert.equal(records.get(1).endLine, 3);
  assert.ok(records.get(1).message.startsWith('STATMSG: ID=6702'));
  assert.equal(iso(records.get(1).utc), '2014-01-16T18:57:46.304Z'); // matches the STATMSG's own GMTDATE
  assert.equal(records.get(2).severity, 'error');
  assert.equal(iso(records.get(2).utc), '2014-01-16T12:58:00.000Z');
});

test('WindowsUpdate.log classic: tab separated, hex thread, local time', () => {
  const text =
    '2014-01-16\t14:02:11:505\t 992\t 3e8\tAgent\t*************\r\n2014-01-16\t14:02:11:505\t 992\t3e8\tAgent\tWARNING: Failed to evaluate Installed rule, updateId = {D1C7A5D4-0000-0000-0000-000000000000}.100, hr = 80242013\r\n2014-01-16\t14:02:12:000\t 992\t3e8\tPT\tFATAL: Cannot connect\r\n';
  const { records, format } = parseText(text, 'WindowsUpdate.log');
  assert.equal(format, 'wulog');
  assert.equal(records.length, 3);
  assert.equal(records.get(0).thread, 0x3e8);
  assert.equal(records.get(0).component, 'Agent');
  assert.equal(records.get(0).local, '2014-01-16T14:02:11.505');
  assert.equal(records.get(0).biasMinutes, null);
  assert.equal(records.get(1).severity, 'warning'); // WindowsUpdate.log's own marker; FAILED and FATAL are upper-case
  assert.equal(records.get(2).severity, 'error');
});

test('WindowsUpdate.log from Get-WindowsUpdateLog, slashes and dashes', () => {
  const text =
    '2020/11/19 15:25:46.9997442 3304  9020  Agent           * END * Finding updates CallerId = Update;ScanForUpdates, Id = 5618, Exit code = 0x00000000\n2024-04-11 12:48:04.6269606 1980  8444  DownloadManager FAILED [80244022] something\n';
  const { records, format } = parseText(text);
  assert.equal(format, 'wuetw');
  assert.equal(records.length, 2);
  assert.equal(records.get(0).component, 'Agent');
  assert.equal(records.get(0).thread, 9020);
  assert.equal(records.get(0).local, '2020-11-19T15:25:46.9997442');
  assert.ok(records.get(0).message.startsWith('* END * Finding updates'));
  assert.equal(records.get(1).format, 'wuetw');
  assert.equal(records.get(1).severity, 'error');
});

test('WSUS SoftwareDistribution.log: UTC times, level, process.thread, continuation lines', () => {
  const text = [
    '2014-01-16 18:53:54.231 UTC Change w3wp.58 AdminDataAccess.StartSubscriptionManually Synchronization manually started',
    '2014-01-16 18:53:56.168 UTC Error WsusService.15 EventLogEventReporter.ReportEvent System.Net.WebException: The operation has timed out',
    '   at System.Net.HttpWebRequest.GetResponse()',
  ].join('\r\n');
  const { records, format } = parseText(text, 'SoftwareDistribution.log');
  assert.equal(format, 'wsus');
  assert.equal(records.length, 2);
  assert.equal(iso(records.get(0).utc), '2014-01-16T18:53:54.231Z');
  assert.equal(records.get(0).biasMinutes, 0);
  assert.equal(records.get(0).component, 'w3wp');
  assert.equal(records.get(0).thread, 58);
  assert.equal(records.get(1).severity, 'error');
  assert.equal(records.get(1).endLine, 3);
  assert.ok(records.get(1).message.endsWith('GetResponse()'));
});

test('setup logs: <MM/DD/YY HH:MM:SS> and <Fri Dec  9 11:25:00 2022>', () => {
  const { records, format } = parseText(
    '<01/16/14 13:40:12> SUPSetup: Installing WSUS\n<01/16/14 13:40:13> Error: setup failed\n<Fri Dec  9 11:25:00 2022> Done\n',
  );
  assert.equal(format, 'setup');
  assert.deepEqual(
    records.map((r) => r.local),
    ['2014-01-16T13:40:12.000', '2014-01-16T13:40:13.000', '2022-12-09T11:25:00.000'],
  );
  assert.equal(records.get(1).severity, 'error');
});

test('plain lines: one record each, best-effort time, nothing lost', () => {
  const { records, format } = parseText('hello world\n2021-05-01 10:00:00 something happened\n\nlast');
  assert.equal(format, 'plain');
  assert.deepEqual(
    records.map((r) => r.message),
    ['hello world', '2021-05-01 10:00:00 something happened', 'last'],
  );
  assert.equal(records.get(0).utc, null);
  // Local time with no zone: as written, and no UTC until the folder's clock says (core/clock.ts).
  assert.equal(records.get(1).local, '2021-05-01T10:00:00.000');
  assert.equal(records.get(1).utc, null);
  assert.equal(records.get(1).biasMinutes, null);
  assert.equal(records.get(2).line, 4);
});

test('plain lines take their time only from a leading timestamp, never from a date inside the message', () => {
  const text = [
    'Result: {"ResultCreatedTimeUTC": 2025-05-19T13:51:07Z, "Status": 1}', // a date in the middle: what the line talks about
    'Checked at 2025-05-19 13:51:07 by the agent',
    '  [2025-05-19 09:13:00] script started', // leading, after blanks and a bracket
    '2025-05-19T13:51:07Z uploaded', // leading, in UTC
    '2025-05-19T15:51:07.250+02:00 offset written', // leading, with its offset (local = UTC + 2 h)
    '2025-05-19 13:51:07 UTC said so',
  ].join('\n');
  const { records } = parseText(text, 'x.txt', { format: 'plain' });
  assert.deepEqual(
    records.map((r) => r.local),
    [
      null,
      null,
      '2025-05-19T09:13:00.000',
      '2025-05-19T13:51:07.000',
      '2025-05-19T15:51:07.250',
      '2025-05-19T13:51:07.000',
    ],
  );
  assert.deepEqual(
    records.map((r) => iso(r.utc)),
    [null, null, null, '2025-05-19T13:51:07.000Z', '2025-05-19T13:51:07.250Z', '2025-05-19T13:51:07.000Z'],
  );
  assert.deepEqual(
    records.map((r) => r.biasMinutes),
    [null, null, null, 0, -120, 0],
  );
});

const cm = (msg: string) =>
  `<![LOG[${msg}]LOG]!><time="10:00:00.000+000" date="01-01-2020" component="c" context="" type="1" thread="1" file="">`;

test('encodings: UTF-8 BOM, UTF-16LE BOM, UTF-16BE BOM, UTF-16LE without BOM, Windows-1252', () => {
  const text = cm('Größe é') + '\r\n' + cm('zwei') + '\r\n';
  const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const utf16be = Buffer.from(utf16le);
  utf16be.swap16();
  const variants: Array<[string, Buffer, string]> = [
    ['utf-8', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), 'utf-8'],
    ['utf-16le', utf16le, 'utf-16le'],
    ['utf-16be', utf16be, 'utf-16be'],
    ['utf-16le no BOM', Buffer.from(text, 'utf16le'), 'utf-16le'],
    ['windows-1252', Buffer.from(text, 'latin1'), 'windows-1252'],
  ];
  for (const [name, bytes, encoding] of variants) {
    const result = parseBytes(bytes, name);
    assert.equal(result.encoding, encoding, name);
    assert.deepEqual(
      result.records.map((r) => r.message),
      ['Größe é', 'zwei'],
      name,
    );
  }
});

test('line ends: bare CR and LF inside a CRLF file, NUL padding, a BOM at the start of every line', () => {
  const text = '\ufeff' + cm('a') + '\r\n\ufeff' + cm('b\rc') + '\n' + cm('d') + '\r\n\0\0\0\0';
  const { records } = parseBytes(Buffer.from(text, 'utf8'));
  assert.deepEqual(
    records.map((r) => r.message),
    ['a', 'b\nc', 'd'],
  );
  assert.deepEqual(
    records.map((r) => [r.line, r.endLine]),
    [
      [1, 1],
      [2, 3],
      [4, 4],
    ],
  );
});

test('streaming: any chunking gives the same records (CRLF and UTF-16 split across chunks)', async () => {
  const { StreamingParser } = await import('../../server/src/core/parse');
  const text = Array.from({ length: 400 }, (_, i) => cm(`message ${i}\r\nsecond line ${i}`)).join('\r\n');
  const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const whole = [...parseBytes(bytes).records];
  for (const size of [1, 3, 4097, 65536]) {
    const records = new RecordTable('<bytes>');
    const parser = new StreamingParser('<bytes>', (r) => records.push(r));
    for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, i + size));
    parser.end();
    assert.deepEqual([...records], whole, `chunk size ${size}`);
  }
  assert.equal(whole.length, 400);
});

test('mixed files: CMTrace with SMS trace and plain lines keeps every line', () => {
  const text = [
    cm('one'),
    'Plain line in between',
    'SMS line  $$<COMP><01-16-2014 13:53:52.608+300><thread=1 (0x1)>',
    cm('two'),
  ].join('\n');
  const { records } = parseText(text);
  assert.deepEqual(
    records.map((r) => r.format),
    ['cmtrace', 'cmtrace', 'sms', 'cmtrace'],
  );
  assert.equal(records.get(1).message, 'Plain line in between');
  assert.ok(records.get(1).damaged);
});

test('WindowsUpdate.log classic: "tz: -0500" at service start gives the bias of the records after it', () => {
  const text = [
    '2014-01-20\t08:02:47:319\t 968\t9d0\tMisc\t===========  Logging initialized (build: 7.6.7600.256, tz: -0500)  ===========',
    '2014-01-20\t08:02:47:320\t 968\t9d0\tAgent\tWSUS server: http://cs1site.contoso.com:8530',
    '2021-08-28\t11:05:07:920\t 576\ta70\tMisc\t===========  Logging initialized (build: 7.6.7600.256, tz: +0530)  ===========',
  ].join('\r\n');
  const { records } = parseText(text, 'WindowsUpdate.log');
  assert.deepEqual(
    records.map((r) => r.biasMinutes),
    [300, 300, -330],
  );
  assert.equal(iso(records.get(1).utc), '2014-01-20T13:02:47.320Z');
  assert.equal(iso(records.get(2).utc), '2021-08-28T05:35:07.920Z');
});

test('WSUS SoftwareDistribution.log with tab separated columns (as WSUS writes it)', () => {
  const { records, format } = parseText(
    '2014-01-16 18:53:54.231 UTC\tChange\tw3wp.58\tAdminDataAccess.StartSubscriptionManually\tSynchronization manually started\r\n',
  );
  assert.equal(format, 'wsus');
  assert.equal(records.get(0).component, 'w3wp');
  assert.equal(records.get(0).thread, 58);
  assert.equal(records.get(0).rawType, 'Change');
});

test('Windows Installer verbose log: dates from "Logging started", times from each line, continuation lines', () => {
  const text = [
    '=== Verbose logging started: 1/17/2023  23:59:59  Build type: SHIP UNICODE 5.00.10011.00  Calling process: D:\\bin\\rolesetup.exe ===',
    'MSI (c) (F8:00) [23:59:59:272]: ******* RunEngine:',
    '           ******* Product: {3BB91993-AC06-4AC8-A26F-BC62E280DEAD}',
    'MSI (s) (7C:10) [00:00:01:005]: Product: SMS Fallback Status Point -- Installation failed.',
    'Action ended 0:00:02: INSTALL. Return value 3.',
    'Property(S): ProductName = SMS Fallback Status Point',
  ].join('\n');
  const { records, format } = parseText(text, 'fspMSI.log');
  assert.equal(format, 'msi');
  assert.deepEqual(
    records.map((r) => [r.line, r.endLine]),
    [
      [1, 1],
      [2, 3],
      [4, 4],
      [5, 5],
      [6, 6],
    ],
  );
  assert.equal(records.get(1).local, '2023-01-17T23:59:59.272');
  assert.equal(records.get(1).thread, 0x00);
  assert.equal(records.get(1).component, 'MSI (c)');
  assert.equal(records.get(2).local, '2023-01-18T00:00:01.005'); // across midnight
  assert.equal(records.get(2).severity, 'error');
  assert.equal(records.get(3).severity, 'error');
  assert.equal(records.get(4).utc, null);
  assert.equal(records.get(4).format, 'msi');
});
