// Codes are found in the shapes real logs write them (lines copied from ../shared/corpus/real and the
// seed documents), and numbers that are not codes are left alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hresultData } from '../../server/src/core/decode/data';
import { decodeMatch, findCodes } from '../../server/src/core/decode/findCodes';

/** [text, kind, value] of every match, for compact expectations. */
const found = (line: string) => findCodes(line).map((m) => [m.text, m.kind, m.value]);

test('0x + 8 hex digits: HRESULT anywhere, offsets exact', () => {
  const line = 'Download\\d1d4bb0c910695f4fcf53d8f91faafa7 failed, 0x80070002 '; // DataTransferService.log
  const [match] = findCodes(line);
  assert.deepEqual(found(line), [['0x80070002', 'hresult', 0x80070002]]);
  assert.equal(line.slice(match.start, match.end), '0x80070002');
  assert.deepEqual(decodeMatch(match).names, ['ERROR_FILE_NOT_FOUND']);
});

test('upper-case 0X and mixed-case digits', () => {
  assert.deepEqual(found('Scan failed with error 0X8024401b'), [['0X8024401b', 'hresult', 0x8024401b]]);
});

test('Exit code = 0x00000000 and Call error code on one WindowsUpdate.log line', () => {
  const line = '1284 ComApi          ClientId = (null): Exit code = 0x00000000; Call error code = 0x80240022';
  assert.deepEqual(found(line), [
    ['0x00000000', 'hresult', 0],
    ['0x80240022', 'hresult', 0x80240022],
  ]);
});

test('hr=0x0, hr:0x0 and hr = 0x… forms', () => {
  assert.deepEqual(
    found(
      '2023/05/22 08:10:27.1054782 6996  7164  Handler         Request generation for CBS update complete with hr=0x0 and pfResetSandbox=0 ',
    ),
    [['0x0', 'hresult', 0]],
  );
  assert.deepEqual(found('Load undocked module: UusId:wu.handler.wuauengcore|hr:0x0|ModuleVer:1309.2410'), [
    ['0x0', 'hresult', 0],
  ]);
  assert.deepEqual(found('GetExtendedUpdateInfo2 returned, hr=0x80240438, FileLocations=0, FileDecryptionData=0'), [
    ['0x80240438', 'hresult', 0x80240438],
  ]);
});

test('(0x00000000) after "finished installing" (seed WUAHandler.log), but not the thread column', () => {
  const line =
    'Update 1 (3cbcf577-5139-49b8-afe8-620af5c52f95) finished installing (0x00000000), Reboot Required? Yes WUAHandler 2/9/2014 7:15:29 PM 2840 (0x0B18)';
  assert.deepEqual(found(line), [['0x00000000', 'hresult', 0]]);
});

test('bare 8 hex digits after error / code / HRESULT=, and in brackets', () => {
  assert.deepEqual(found('Failed to signin bgb client with error = 80004005.'), [['80004005', 'hresult', 0x80004005]]);
  assert.deepEqual(found('Task Sequence Manager could not release active TS request. code 80004005'), [
    ['80004005', 'hresult', 0x80004005],
  ]);
  assert.deepEqual(found('Failed to receive expected response from server with error 87d0027e.'), [
    ['87d0027e', 'hresult', 0x87d0027e],
  ]);
  assert.deepEqual(found("Failed to open to WMI namespace '\\\\.\\root\\ccmvdi' (8007045b)"), [
    ['8007045b', 'hresult', 0x8007045b],
  ]);
  assert.deepEqual(
    found('2025/01/05 15:43:07.4848508 6052  6180  Agent           *FAILED* [80070002] wuauengcore.dll'),
    [['80070002', 'hresult', 0x80070002]],
  );
  assert.deepEqual(found('Unsuccessful in releasing MAX00A9A. 80070490.'), [['80070490', 'hresult', 0x80070490]]);
  assert.deepEqual(
    found(' called. idUpdate={5BF7CC19-A5C4-4D20-9477-9024B92F9546}.1, resultMapped=80242014, resultUnMapped=0'),
    [['80242014', 'hresult', 0x80242014]],
  );
});

test('bare hex with letters is a code (WMI 8004100E, now in the WMI table), and one the tables lack too', () => {
  const [match] = findCodes('Failed to get IWbemService Ptr for root\\dellomci Namespace: 8004100E');
  assert.equal(match.text, '8004100E');
  assert.equal(decodeMatch(match).known, true);
  assert.equal(decodeMatch(match).names[0], 'WBEM_E_INVALID_NAMESPACE');
  assert.equal(decodeMatch(match).severity, 'failure');
  const [unknown] = findCodes('Failed to open something: 8004F0AB');
  assert.equal(unknown.text, '8004F0AB');
  assert.equal(decodeMatch(unknown).known, false);
});

test('Result = and code followed by a bare HRESULT', () => {
  assert.deepEqual(found('Result = 80244021'), [['80244021', 'hresult', 0x80244021]]);
});

test('signed decimals: ccmsetup ErrorCode="…", MSI notes, JSON StatusCode', () => {
  assert.deepEqual(
    found(
      '<ClientDeploymentMessage ErrorCode="-2145844844"><Client Baseline="1" BaselineCookie="" Platform="2" Langs=""/></ClientDeploymentMessage>',
    ),
    [['-2145844844', 'hresult', 0x80190194]],
  );
  assert.deepEqual(found('MSI (s) (60:70) [07:33:22:800]: Note: 1: 2262 2: Signature 3: -2147287038'), [
    ['-2147287038', 'hresult', 0x80030002],
  ]);
  assert.equal(decodeMatch(findCodes('3: -2147287038')[0]).names[0], 'STG_E_FILENOTFOUND');
  const json = '"RetryAttempts":[{"StatusCode":-2143485936,"NetworkLevel":1,"IsSystemProxy'; // WindowsUpdate.log
  assert.deepEqual(found(json), [['-2143485936', 'hresult', 0x803d0010]]);
  assert.equal(decodeMatch(findCodes(json)[0]).names[0], 'WS_E_ENDPOINT_UNREACHABLE');
  assert.deepEqual(found('Error -2145107935 while scanning'), [['-2145107935', 'hresult', 0x80244021]]);
});

test('unsigned decimals that are known failure codes', () => {
  assert.deepEqual(found('Scan failed, 2149859361 returned'), [['2149859361', 'hresult', 0x80244021]]);
  // An unknown one is taken only after an error keyword (AAD error in IntuneManagementExtension.log).
  assert.deepEqual(found('and resource id 00000003-0000-0000-c000-000000000000, errorCode = 3399548929'), [
    ['3399548929', 'hresult', 3399548929],
  ]);
  assert.deepEqual(found('Scan failed, 3399548929 returned'), []);
});

test('Win32 decimals after error words', () => {
  assert.deepEqual(found('Failed to connect to server with IP v4 address with error 10060. Try next IP...'), [
    ['10060', 'win32', 10060],
  ]);
  assert.deepEqual(found('GetFileVersionInfoSize failed for file \\SystemRoot\\System32\\smss.exe, error 2'), [
    ['2', 'win32', 2],
  ]);
  assert.deepEqual(found('Failed to run C:\\WINDOWS\\system32\\OSDSETUPHOOK.EXE. Error code 5'), [['5', 'win32', 5]]);
  assert.deepEqual(found('GetLastError() = 2'), [['2', 'win32', 2]]);
  assert.deepEqual(
    found(
      'CheckProductCodeExists fails with product code {DE7BE503-D5D8-40A5-966C-32CFC89C1058}, errorCode = 1605, try without brace',
    ),
    [['1605', 'win32', 1605]],
  );
  assert.deepEqual(found('Process completed with exit code 1603'), [['1603', 'win32', 1603]]);
  assert.equal(decodeMatch(findCodes('error = 5')[0]).names[0], 'ERROR_ACCESS_DENIED');
});

test('Win32 errors written in short hex after an error word', () => {
  assert.deepEqual(found('Failed in WinHttpReceiveResponse API, ErrorCode = 0x2ee2'), [['0x2ee2', 'win32', 0x2ee2]]);
  assert.equal(decodeMatch(findCodes('ErrorCode = 0x2ee2')[0]).code, '0x80072EE2');
});

test('non-codes: thread ids, PIDs, ports, sizes, versions, dates', () => {
  const lines = [
    'SMS_EXECUTIVE started SMS_FALLBACK_STATUS_POINT as thread ID 6156 (0x180C).  $$<SMS_FALLBACK_STATUS_POINT><12-09-2022 11:25:14.217+360><thread=4764 (0x129C)>',
    'Sync failed: WSUS server not configured. Please refer to WCM.log for configuration error details. Source: CWSyncMgr::DoSync SMS_WSUS_SYNC_MANAGER 1/16/2014 1:58:37 PM 2832 (0x0B10)',
    '2014-01-20 12:18:11:520 968 9d0 Agent * WSUS server: http://PS1SITE.CONTOSO.COM:8530 (Changed)',
    'POST: Host=PS1SYS.CONTOSO.COM, Path=/ccm_system/request, Port=443, Protocol=https, Flags=512, Options=480 CcmMessaging',
    '<ClientVersion>5.00.7958.1000</ClientVersion><NetBIOSName>PS1WIN7X64</NetBIOSName><CodePage>437</CodePage>',
    '<StateMessage MessageTime="20140120171855.573000+000" SerialNumber="232">',
    '	SessionID = 4294967295;',
    'Payload Size = 2149859361 bytes',
    'Update version 2149859361',
  ];
  for (const line of lines) assert.deepEqual(found(line), [], line);
});

test('non-codes: KB numbers, GUIDs, hashes, row versions, SIDs', () => {
  const lines = [
    'Update (Missing): Security Update for Windows 7 for x64-based Systems (KB2862152) (505fda07-b4f3-45fb-83d9-8642554e2773, 200) WUAHandler',
    'Raised assignment ({B040D195-8FA8-48D3-953F-17E878DAB23D}) state message successfully. TopicType = Compliance, Signature = 5e176837, IsCompliant = False',
    'PolicyID Scopeld_FC8FCC38-4BB1-4245-92F5-9CE841775019/AuthList_9D013E6D-EF76-43F6-ACC4-80749AB8D90A/VI PolicyVersion',
    '1.00 PolicyHash SHA256:6EFE96F3D67773CA965EC67EC60B602FC78242509A096FCF44C2D5FDD5B2FC76',
    'Set last row version for CI Assignment to 0x0000000000296628          SMS_OBJECT_REPLICATION_MANAGER',
    'Sid=0x0105000000000005150000068830AA65AAB72A155BCE9324F040000 Caching IWbemContextPtr=0000000036B7E50 in',
    ' {AE3C1751-9B0A-4158-BC79-75A6FD30B32E} [d:851DF42F]',
    'DTSFlag is 0x0bc1a',
    'OS Product Type = 0x00000030',
  ];
  for (const line of lines) assert.deepEqual(found(line), [], line);
});

test('values that only look like codes: flags, registry roots, lengths, SOAP enums, MSI messages', () => {
  const lines = [
    'ller MCR, ServiceId = 9482F4B4-E343-43B6-B170-9A65BC822C77, Flags: 0X80010010 (cV = qQI9c0nCEUyvT/lN.1.1.0.0)',
    'MSI (s) (60:70) [07:33:32:541]: Executing op: RegOpenKey(Root=-2147483646,Key=Software\\Microsoft)',
    'length of error=2',
    'WARNING: SyncUpdates failure, soap client error = 7, soap error code = 0',
    'MSI (s) (60:70) [07:33:32:289]: Product: ConfigMgr Fallback Status Point -- Error 1306. Another application has exclusive access to the file',
    '279-4A52D1EFE18D, SyncType = DeltaScan, ScanResult = 147, NumberOfLoop = 1, NumberOfNe',
    '765DD7BA : Callback to client with code Update progress and error 0 ',
    'Callback for UpdateID = 4e95dcbd-e67c-46af-985b-f29d655c3480, callback code = 8',
    '[PowerShell] ProviderResult outResult.Result = 4',
    // jsortest__8_bare/MSIad2ee.LOG: parameter 3 is the table "Error", "4:" the next parameter's label.
    // Engineer1Mustafa__Mustafa-Ghazi/msi.log: a sentinel, not 0xFFFFFFFF.
    'MSI (s) (2C:F4) [10:10:10:100]: PROPERTY CHANGE: 1: Key exist result -1 ',
    'MSI (s) (C8:40) [14:34:30:824]: Note: 1: 2228 2:  3: Error 4: SELECT `Message` FROM `Error` WHERE `Error` = 1709 ',
  ];
  for (const line of lines) assert.deepEqual(found(line), [], line);
});

test('the BITS line: hr found, BG_ERROR_CONTEXT and the update GUID not', () => {
  const line = "} 403'd, updateId = 4BD20BA5-3C60-4702-8E4E-3A477D30E21A.1, hr = 0x80190193, BG_ERROR_CONTEXT = 5";
  assert.deepEqual(found(line), [['0x80190193', 'hresult', 0x80190193]]);
});

test('matching stays linear on long adversarial input', () => {
  const inputs = [
    'error' + ' '.repeat(200_000) + 'x',
    'a'.repeat(200_000),
    '8'.repeat(200_000),
    '0x' + 'f'.repeat(200_000),
    'hr=' + '='.repeat(200_000),
  ];
  for (const input of inputs) {
    const started = performance.now();
    findCodes(input);
    assert.ok(performance.now() - started < 500, `${input.slice(0, 10)}… took too long`);
  }
});

test('premise of the bare-number scan: every failure code in the table starts with 8 or C', () => {
  const failures = Object.keys(hresultData().codes).filter((hex) => parseInt(hex, 16) >>> 31 === 1);
  assert.ok(failures.length > 8000);
  assert.deepEqual(
    failures.filter((hex) => hex[0] !== '8' && hex[0] !== 'C'),
    [],
  );
});

test('setup logs: GLE values are Win32 errors, and the "[gle=…]" echo of the value just read is not a second error', () => {
  const kinds = (line: string) => findCodes(line).map((m) => [m.text, m.kind, m.value]);
  assert.deepEqual(
    kinds('EnumeratePathEx: FindFirstFile failed for [C:\\$Windows.~BT\\*]; GLE = 0x3[gle=0x00000003]'),
    [['0x3', 'win32', 3]],
  );
  assert.deepEqual(kinds('WinReGetConfigEx failed. Error: 0x00000003[gle=0x00000003]'), [['0x00000003', 'win32', 3]]);
  assert.deepEqual(
    kinds('CSetBootCommand::DoExecute: Failed to open new OS DISM session. Error: 0x80040154[gle=0x0000007a]'),
    [
      ['0x80040154', 'hresult', 0x80040154],
      ['0x0000007a', 'win32', 122],
    ],
  );
  assert.deepEqual(kinds('CopyFile failed (0x00000005)'), [['0x00000005', 'win32', 5]]);
  assert.deepEqual(kinds('Flags 0x00000005, failed'), []);
});
