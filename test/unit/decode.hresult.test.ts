// Error codes decode from the committed tables: names, messages, facilities, Win32 parts, seed hints;
// codes missing from the table are decomposed but never given a meaning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hresultData, troubleshootingHints } from '../../server/src/core/decode/data';
import {
  formatCode,
  hresultFromWin32,
  isKnownCode,
  isKnownWin32,
  lookupCode,
  lookupWin32,
} from '../../server/src/core/decode/hresult';

test('the committed table holds every reference row (8,556 rows, 8,400 codes, 122 shared)', () => {
  const groups = Object.values(hresultData().codes);
  assert.equal(groups.length, 8400);
  assert.equal(
    groups.reduce((n, rows) => n + rows.length, 0),
    8556,
  );
  assert.equal(groups.filter((rows) => rows.length > 1).length, 122);
});

test('0x80244021: Windows Update proxy error with its SDK text and the seed hint', () => {
  const info = lookupCode(0x80244021);
  assert.equal(info.code, '0x80244021');
  assert.equal(info.known, true);
  assert.deepEqual(info.names, ['WU_E_PT_HTTP_STATUS_BAD_GATEWAY']);
  assert.equal(
    info.message,
    'Same as HTTP status 502 - the server, while acting as a gateway or proxy, received an invalid response from the upstream server it accessed in attempting to fulfill the request.',
  );
  assert.deepEqual(info.facility, { name: 'FACILITY_WINDOWSUPDATE', number: 36 });
  assert.equal(info.severity, 'failure');
  assert.equal(info.facilityCode, 0x4021);
  assert.equal(info.win32, undefined);
  assert.match(info.source ?? '', /um\/wuerror\.h@16b5359/);
  assert.equal(
    info.troubleshooting?.section,
    'Scan fails with Proxy related errors: 0x80244021, 0x8024401B, 0x80240030, 0x8024402C',
  );
});

test('signed and unsigned forms of one code decode alike', () => {
  assert.deepEqual(lookupCode(-2145107935), lookupCode(2149859361));
  assert.equal(lookupCode(-2145107935).code, '0x80244021');
});

test('0x80070005: every row, Win32 first, and the Win32 part', () => {
  const info = lookupCode(0x80070005);
  assert.deepEqual(info.names, ['ERROR_ACCESS_DENIED', 'E_ACCESSDENIED']);
  assert.equal(info.message, 'Access is denied.');
  assert.deepEqual(info.win32, { code: 5, name: 'ERROR_ACCESS_DENIED', message: 'Access is denied.' });
  assert.deepEqual(info.facility, { name: 'FACILITY_WIN32', number: 7 });
  assert.deepEqual(
    info.entries.map((e) => [e.name, e.win32]),
    [
      ['ERROR_ACCESS_DENIED', true],
      ['E_ACCESSDENIED', false],
    ],
  );
});

test('0x80072EE2: three rows; the names list the Win32 (WinINet, WinHTTP) rows first, entries keep file order', () => {
  const info = lookupCode(0x80072ee2);
  assert.deepEqual(info.names, ['ERROR_INTERNET_TIMEOUT', 'ERROR_WINHTTP_TIMEOUT', 'WININET_E_TIMEOUT']);
  assert.deepEqual(
    info.entries.map((e) => e.name),
    ['WININET_E_TIMEOUT', 'ERROR_INTERNET_TIMEOUT', 'ERROR_WINHTTP_TIMEOUT'],
  );
  assert.equal(info.message, 'The request has timed out.');
  assert.deepEqual(info.win32, { code: 12002, name: 'ERROR_INTERNET_TIMEOUT', message: 'The request has timed out.' });
});

test('ConfigMgr codes: no symbolic name, facility known only by number', () => {
  const info = lookupCode(0x87d00280);
  assert.deepEqual(info.names, []);
  assert.equal(info.message, 'Empty certificate store');
  assert.deepEqual(info.facility, { name: null, number: 2000 });
  assert.match(info.source ?? '', /smcallister594\/scotscottmca/);
});

test('0x8DDD0018: facility masked to 13 bits (3549), the only text is the article note', () => {
  const info = lookupCode(0x8ddd0018);
  assert.equal(info.known, true);
  assert.deepEqual(info.names, []);
  assert.deepEqual(info.facility, { name: null, number: 3549 });
  assert.match(info.message, /^Scan failures due to missing or corrupted components/);
});

test('a code missing from the table is decomposed, never named', () => {
  const info = lookupCode(0x80041fff);
  assert.equal(isKnownCode(0x80041fff), false);
  assert.equal(info.known, false);
  assert.deepEqual(info.names, []);
  assert.equal(info.message, '');
  assert.deepEqual(info.entries, []);
  assert.equal(info.source, null);
  assert.equal(info.severity, 'failure');
  assert.deepEqual(info.facility, { name: 'FACILITY_ITF', number: 4 });
  assert.equal(info.facilityCode, 0x1fff);
});

test('an unknown Win32-facility code still gets a Win32 part, without a name', () => {
  const info = lookupCode(0x8007ffff);
  assert.equal(info.known, false);
  assert.deepEqual(info.win32, { code: 0xffff, name: null, message: null });
});

test('S_OK and S_FALSE: named from their winerror.h #defines (no reference row), success, FACILITY_NULL', () => {
  const info = lookupCode(0);
  assert.equal(info.code, '0x00000000');
  assert.equal(info.severity, 'success');
  assert.equal(info.outcome, 'success');
  assert.equal(info.names[0], 'S_OK');
  assert.match(info.source ?? '', /winerror\.h: #define S_OK/);
  assert.deepEqual(info.facility, { name: 'FACILITY_NULL', number: 0 });
  assert.equal(lookupCode(1).names[0], 'S_FALSE');
  assert.equal(lookupCode(1).outcome, 'success');
  // In a WMI line the WMI names come first.
  assert.equal(
    lookupCode(0, { text: 'ExecQuery on namespace root\\ccm returned 0x00000000' }).names[0],
    'WBEM_S_NO_ERROR',
  );
});

test('a success code with a row: STG_S_CONVERTED', () => {
  const info = lookupCode(0x00030200);
  assert.equal(info.severity, 'success');
  assert.deepEqual(info.names, ['STG_S_CONVERTED']);
  assert.deepEqual(info.facility, { name: 'FACILITY_STORAGE', number: 3 });
});

test('Win32 numbers go through HRESULT_FROM_WIN32', () => {
  assert.equal(hresultFromWin32(0), 0);
  assert.equal(hresultFromWin32(1603), 0x80070643);
  assert.equal(formatCode(hresultFromWin32(5)), '0x80070005');
  const info = lookupWin32(1603);
  assert.equal(info.code, '0x80070643');
  assert.deepEqual(info.names, ['ERROR_INSTALL_FAILURE']);
  assert.equal(isKnownWin32(10060), true);
  assert.equal(lookupWin32(10060).win32?.name, 'WSAETIMEDOUT');
  assert.equal(isKnownWin32(0), false);
  assert.equal(isKnownWin32(70000), false);
});

// Every error code the seed documents name (000_1bbeee101073e624.txt; 001_d337e0d8c8bc8701.txt names none).
const SEED_CODES = [
  0x80072efe, // synchronization: errors communicating with Microsoft Update
  0x80245003,
  0x80070514,
  0x8ddd0018,
  0x80246008,
  0x80200013,
  0x80004015,
  0x800a0046,
  0x800a01ad,
  0x80070424,
  0x800b0100,
  0x80248011, // scan failures: missing or corrupt components
  0x80244021,
  0x8024401b,
  0x80240030,
  0x8024402c, // scan: proxy
  0x80072ee2,
  0x8024401c,
  0x80244023, // scan: HTTP timeout
  0x80244017,
  0x80244018, // scan: authentication (401, 403)
  0x80072f0c, // scan: client certificate required
  0x80070643, // update installation: .NET
];

test('every code the seed documents name decodes, with its seed hint', () => {
  assert.equal(troubleshootingHints().length, SEED_CODES.length);
  for (const code of SEED_CODES) {
    const info = lookupCode(code);
    assert.equal(info.known, true, info.code);
    assert.equal(info.severity, 'failure', info.code);
    assert.ok(info.troubleshooting, `${info.code} has a seed hint`);
    assert.equal(info.troubleshooting.code, info.code);
    assert.ok(info.troubleshooting.steps.length > 0, `${info.code} has steps`);
    if (code !== 0x8ddd0018) assert.ok(info.names.length > 0, `${info.code} has a name`);
  }
});

test('seed hints carry the heading verbatim and the steps to try', () => {
  const auth = lookupCode(0x80244018).troubleshooting!;
  assert.equal(
    auth.section,
    'Scan fails with authentication errors: 0x80244017 (HTTP Status 401), 0x80244018 (HTTP Status 403)',
  );
  assert.deepEqual(auth.path, ['TROUBLESHOOTING', 'COMPLIANCE', 'SCAN FAILURES']);
  assert.equal(auth.steps.length, 4);
  const cert = lookupCode(0x80072f0c).troubleshooting!;
  assert.equal(cert.section, 'Scan fails with Error 0x80072f0c');
  assert.match(cert.summary, /A certificate is required to complete client authentication/);
  const dotnet = lookupCode(0x80070643).troubleshooting!;
  assert.equal(dotnet.section, 'UPDATE INSTALLATION FAILS');
  assert.match(dotnet.steps.at(-1)!, /KB 976982/);
  const sync = lookupCode(0x80072efe).troubleshooting!;
  assert.equal(sync.section, 'SYNCHRONIZATION FAILS BECAUSE OF ERRORS COMMUNICATING WITH MICROSOFT UPDATE');
  assert.equal(lookupCode(0x80070005).troubleshooting, undefined);
});

test('the packed tables the bundles carry are the committed JSON files, byte for byte', () => {
  const { brotliDecompressSync } = require('node:zlib') as typeof import('node:zlib');
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  const { PACKED_TABLES } = require('../../server/src/core/decode/data/packedTables') as {
    PACKED_TABLES: Record<string, string>;
  };
  const dir = join(__dirname, '../../server/src/core/decode/data');
  assert.deepEqual(Object.keys(PACKED_TABLES), ['hresults.json', 'ntstatus.json', 'statusMessages.json']);
  for (const [name, base64] of Object.entries(PACKED_TABLES)) {
    assert.ok(
      brotliDecompressSync(Buffer.from(base64, 'base64')).equals(readFileSync(join(dir, name))),
      `${name}: run node scripts/gen-decode-data.mjs`,
    );
  }
});

test('Windows setup result codes (feature updates, in-place upgrades) are named from Microsoft docs, in the forms logs write', async () => {
  const { findCodes } = await import('../../server/src/core/decode/findCodes');
  // setupact.log (Panther) writes "[0xC1900108]"; ConfigMgr writes a failed upgrade's code as a signed decimal.
  const lines = [
    ['2022-07-06 08:19:31, Info MOUPG  Finalize: Reporting result value: [0xC1900108]', 0xc1900108],
    ['Update failed with error -1047526904 for a feature update', 0xc1900208],
    ['Setup failed with result code 0xC190020E', 0xc190020e],
  ] as const;
  for (const [line, value] of lines) {
    const [match] = findCodes(line);
    assert.equal(match?.value, value, line);
    assert.equal(isKnownCode(value), true, line);
  }
  assert.deepEqual(lookupCode(0xc1900208).names, ['MOSETUP_E_COMPAT_INSTALLREQ_BLOCK']);
  assert.match(lookupCode(0xc1900101).message, /Setup Platform has encountered an unspecified error/);
  assert.match(
    lookupCode(0xc1900101).source ?? '',
    /windows-itpro-docs\/windows\/deployment\/upgrade\/resolution-procedures\.md/,
  );
  assert.match(lookupCode(0xc1800118).message, /WSUS has downloaded content that it cannot use/);
  // The family's neighbours that Microsoft does not list stay unnamed.
  assert.equal(isKnownCode(0xc190040f), false);
});

test('values the tables name through a winerror.h macro: HRESULT_FROM_NT and HRESULT_FROM_SETUPAPI', async () => {
  const { findCodes } = await import('../../server/src/core/decode/findCodes');
  // CBS/CSI in setupact.log: "[gle=0xd0000034]" is STATUS_OBJECT_NAME_NOT_FOUND with FACILITY_NT_BIT set.
  const nt = lookupCode(0xd0000034);
  assert.deepEqual(nt.mapped, { macro: 'HRESULT_FROM_NT', code: '0xC0000034' });
  assert.deepEqual(nt.names, ['STATUS_OBJECT_NAME_NOT_FOUND']);
  assert.equal(nt.facility.number, 0); // not 4096: the NT bit is no facility
  assert.match(nt.source ?? '', /^0xD0000034 = HRESULT_FROM_NT\(0xC0000034\)/);
  // setupapi.log: "Error 0xe0000228: There are no compatible drivers for this device."
  const spapi = lookupCode(0xe0000228);
  assert.deepEqual(spapi.mapped, { macro: 'HRESULT_FROM_SETUPAPI', code: '0x800F0228' });
  assert.deepEqual(spapi.names, ['SPAPI_E_NO_COMPAT_DRIVERS']);
  assert.deepEqual(spapi.facility, { name: 'FACILITY_SETUPAPI', number: 15 });
  assert.equal(spapi.outcome, 'failure');
  // Only the ranges the macros give: a C++ exception code and unknown mapped values stay unnamed.
  for (const value of [0xe06d7363, 0xe0434352, 0xdeadbeef, 0xe000ffff]) {
    assert.equal(lookupCode(value).known, false, value.toString(16));
    assert.equal(lookupCode(value).mapped, undefined, value.toString(16));
  }
  // A code the tables have is never re-read through a macro.
  assert.equal(lookupCode(0x80070005).mapped, undefined);
  // SetupAPI statuses that healthy installs log are not failures.
  assert.equal(lookupCode(0xe000020e).outcome, 'success'); // DIF_ALLOW_INSTALL - exit(0xe000020e): DI_DO_DEFAULT
  assert.equal(lookupCode(0xe0000241).outcome, 'success'); // "signed ... from a trusted publisher"
  assert.equal(lookupCode(0xe0000242).outcome, 'failure'); // trust not established
  // SetupAPI's "exit(0x00000005)" is Win32 error 5; "exit(0x00000000)" stays S_OK.
  const [denied] = findCodes('     cpy:      {Delete Directory: exit(0x00000005)} 20:33:57.125');
  assert.deepEqual([denied.kind, denied.value], ['win32', 5]);
  const [ok] = findCodes('{Install DEVICE: exit(0x00000000)}');
  assert.deepEqual([ok.kind, ok.value], ['hresult', 0]);
});
