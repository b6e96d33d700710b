// FailureCodeTally (core/stats/topCodes.ts) names only the top N failure codes; it must give what decoding every
// failure message of every file and merging the files' counts gives (the way `cmlogs stats` did it before, kept
// below as the reference): the same codes, counts, order, and the naming most records chose, on logs where one
// code is named differently by context (WinHTTP / WinINet / NTSTATUS words, components, file names), success and
// no-op codes sit next to failures, HTTP statuses below and above 400 appear, counts tie, and files disagree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFileCodes, type CodeCount, type DecodedCodes } from '../../server/src/core/decode/decodeFileCodes';
import { fileCodes, type FileCodes } from '../../server/src/core/decode/fileCodes';
import { decodeMatch, findCodes } from '../../server/src/core/decode/findCodes';
import { parseText } from '../../server/src/core/parse';
import { failureKey, FailureCodeTally, searchKeyOf } from '../../server/src/core/stats/topCodes';

/** The merge stats ran before the tally: every file decoded, counts added in file order, the top n taken. */
function reference(perFile: DecodedCodes[], n: number): CodeCount[] {
  const namings: DecodedCodes = new Map();
  for (const codes of perFile)
    for (const [code, byNaming] of codes) {
      const all = namings.get(code) ?? new Map<string, CodeCount>();
      for (const [key, entry] of byNaming) {
        const seen = all.get(key);
        if (seen) seen.count += entry.count;
        else all.set(key, { ...entry });
      }
      namings.set(code, all);
    }
  const counts = [...namings.values()].map((byNaming) => {
    const all = [...byNaming.values()];
    const best = all.reduce((a, b) => (b.count > a.count ? b : a));
    return { ...best, count: all.reduce((k, e) => k + e.count, 0) };
  });
  return counts.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)).slice(0, n);
}

const MESSAGES = [
  'WinHttpSendRequest failed with 0x80072F8F',
  'InternetOpenUrl (WinINet) failed with 0x80072F8F',
  'Failed to download content, error 0x80072EE2',
  'Scan failed with error = 0x80244022.',
  'exception code 0xC0000005 in worker',
  'Access denied 0xC0000005',
  'CopyFile failed (0x00000005)',
  'Install failed, exit code 1603',
  'Install done, exit code 3010',
  'WU_E_NOOP 0x8024000C returned',
  'S_FALSE 0x00000001 is fine',
  'Request returned an error: (404) Not Found',
  'HTTP status 304',
  'The server returned HTTP status 503',
  'Unmatched exit code (1612) is considered an execution failure. Error 0x87d00664',
  'Two codes: 0x80070005 and again 0x80070005, then 0x87D00324',
  'Nothing to see here',
  'WMI namespace root\\ccm failed 0x80041033',
  'Failed 0x80041033 while shutting down',
];

function cmtrace(component: string, seed: number, count: number): string {
  const lines: string[] = [];
  for (let k = 0; k < count; k++) {
    const message = MESSAGES[(k * 7 + seed) % MESSAGES.length] + (k % 5 === 0 ? ` job ${k % 3}` : '');
    const type = k % 3 === 0 ? 1 : k % 3 === 1 ? 3 : 2;
    const comp = k % 4 === 0 ? 'DataTransferService' : component;
    lines.push(
      `<![LOG[${message}]LOG]!><time="08:22:${String(k % 60).padStart(2, '0')}.936+300" date="03-10-2024" component="${comp}" context="" type="${type}" thread="12" file="x.cpp:1">`,
    );
  }
  return lines.join('\r\n') + '\r\n';
}

function filesOf(): FileCodes[] {
  return [
    parseText(cmtrace('WUAHandler', 0, 400), 'C:/logs/WUAHandler.log'),
    parseText(cmtrace('ContentAccess', 3, 250), 'C:/logs/CAS.log'),
    parseText(cmtrace('ccmsetup', 5, 300), 'C:/logs/ccmsetup.log'),
    parseText('', 'C:/logs/empty.log'),
    parseText(cmtrace('AppEnforce', 11, 123), 'C:/logs/AppEnforce.log'),
  ].map((r) => fileCodes(r.records));
}

test('failureKey is the code and outcome decodeMatch gives, whatever the context', () => {
  let seen = 0;
  for (const text of MESSAGES)
    for (const match of findCodes(text))
      for (const context of [undefined, { text, component: 'WUAHandler', file: 'WUAHandler.log' }]) {
        const info = decodeMatch(match, context);
        assert.equal(failureKey(match), info.outcome === 'failure' ? info.code : null, `${text}: ${match.text}`);
        seen++;
      }
  assert.ok(seen >= 30, `${seen} matches`);
});

test('the tally names the top codes as decoding every message and merging the files does', () => {
  const files = filesOf();
  for (const n of [1, 3, 10, 100]) {
    const tally = new FailureCodeTally();
    // Files come in the order their threads finish: the tally must not depend on it.
    for (const index of [2, 0, 4, 1, 3]) tally.add(index, files[index]);
    assert.deepEqual(tally.top(n), reference(files.map(decodeFileCodes), n), `top ${n}`);
  }
  const all = new FailureCodeTally();
  files.forEach((codes, index) => all.add(index, codes));
  const top = all.top(100);
  // The premise of the test: one code named two ways, and codes left out as successes.
  assert.ok(top.length >= 8, top.map((c) => c.code).join(' '));
  assert.ok(!top.some((c) => ['0x80070BC2', '0x8024000C', '0x00000001', 'HTTP 304'].includes(c.code)));
  assert.ok(top.some((c) => c.code === 'HTTP 404') && top.some((c) => c.code === 'HTTP 503'));
});

test('naming the top codes early (prepareTop, after any file, for any n) changes nothing top gives at the end', () => {
  const files = filesOf();
  const order = [2, 0, 4, 1, 3];
  for (const n of [1, 3, 10]) {
    const expected = reference(files.map(decodeFileCodes), n);
    for (const early of [1, 2, 3]) {
      for (const preparedN of [1, n, 100]) {
        const tally = new FailureCodeTally();
        order.forEach((index, k) => {
          tally.add(index, files[index]);
          if (k + 1 >= early) tally.prepareTop(preparedN);
        });
        assert.deepEqual(tally.top(n), expected, `top ${n}, prepared ${preparedN} from file ${early} on`);
        // Asked twice, the same answer (the namings kept are not counted twice).
        assert.deepEqual(tally.top(n), expected);
      }
    }
  }
});

test('no failure record: no code', () => {
  const tally = new FailureCodeTally();
  tally.add(
    0,
    fileCodes(
      parseText(
        '<![LOG[all good]LOG]!><time="08:22:00.000+300" date="03-10-2024" component="A" context="" type="1" thread="1" file="">\n',
      ).records,
    ),
  );
  assert.deepEqual(tally.top(10), []);
});

// GUIDs around and inside which findCodes has something to read: digits only (a 10-digit run, "404" first), the
// failure bit first ("8", "C"), hex letters that spell words ("Add", "bad", "fade"), and ordinary ones.
const GUIDS = [
  '6B1D218C-A524-4C4E-8A4F-BC28BFDBE43B',
  '40412345-1234-5678-9012-123456789012',
  '80070005-0000-0000-0000-000000000404',
  'c0000005-dead-beef-fade-0000000000ad',
  'a56c4308-5742-44a0-bc32-994b24709e3b',
  '12345678-1234-1234-1234-1234567890Ad',
  '1234abcd-1234-1234-1234-12345678900C',
];
const BEFORE = [
  '',
  'error ',
  'hr=',
  'status code ',
  'returned an error: ',
  'HTTP ',
  'failed ',
  'Id ',
  'Count ',
  '0x',
  'x',
];
const FENCES: Array<[string, string]> = [
  ['{', '}'],
  ['(', ')'],
  ['_', '.'],
  ['_', '/'],
  ['(', ')'],
  ['Content_', '.1'],
  ['{', ''],
  [' ', ' '],
];
const AFTER = [
  '',
  ' (0x00000000)',
  ' 0x80070005',
  ': 0x87D00664',
  'ress: 0x80070005',
  'ount 2147942405',
  ' failed with 0x00000005',
  ', error = 5',
  ' exit code 1603',
  ' (404) Not Found',
  '.5 files',
  ' 3404 (0x0D4C)',
];

test('a fenced GUID blanked changes nothing findCodes finds (searchKeyOf)', () => {
  let blanked = 0;
  let withCodes = 0;
  for (const before of BEFORE)
    for (const [open, close] of FENCES)
      for (const guid of GUIDS)
        for (const after of AFTER) {
          const text = `${before}${open}${guid}${close}${after}`;
          const key = searchKeyOf(text);
          if (key !== text) blanked++;
          const found = findCodes(text);
          if (found.length) withCodes++;
          assert.deepEqual(findCodes(key), found, `${text}\n${key}`);
        }
  // The premise: most texts were blanked, and many hold codes.
  assert.ok(blanked > 2000 && withCodes > 2000, `${blanked} blanked, ${withCodes} with codes`);
});

test('a GUID after "(" that starts with three digits is kept: "status code (404..." is an HTTP status there', () => {
  const text = 'The request returned status code (404abcde-1234-1234-1234-123456789012)';
  assert.equal(searchKeyOf(text), text);
  assert.deepEqual(
    findCodes(text).map((m) => m.text),
    ['404'],
  );
  assert.equal(
    searchKeyOf('Update (a56c4308-5742-44a0-bc32-994b24709e3b) failed'),
    'Update (00000000-0000-0000-0000-000000000000) failed',
  );
});

test('messages that differ only in their GUIDs are counted and named as decoding each of them gives', () => {
  const guid = (k: number) =>
    `${(0x1000000 + k * 7919).toString(16).padStart(8, '0')}-5742-44a0-bc32-994b2470${String(k).padStart(4, '0')}`;
  const lines = (component: string, count: number, seed: number) => {
    const out: string[] = [];
    for (let k = 0; k < count; k++) {
      const message = [
        `Failed to install update (${guid(k)}), error = 0x80072EE2`,
        `CTM job {${guid(k + seed)}} failed to download source, WinHttpSendRequest failed with 0x80072F8F`,
        `Download failed for content Content_${guid(k % 9)}.1 under context System, error 0x8024401C`,
        `Update (${guid(k)}) requires a reboot to complete installation`,
        `CIAgentJob({${guid(k)}}): Failed to verify CI ScopeId_${guid(k + 1)}/DeploymentType_${guid(k + 2)}/1 (0x87D00324)`,
      ][(k + seed) % 5];
      out.push(
        `<![LOG[${message}]LOG]!><time="08:22:${String(k % 60).padStart(2, '0')}.936+300" date="03-10-2024" component="${component}" context="" type="${k % 2 ? 3 : 2}" thread="12" file="x.cpp:1">`,
      );
    }
    return out.join('\n') + '\n';
  };
  const files = [
    parseText(lines('CAS', 300, 0), 'C:/logs/CAS.log'),
    parseText(lines('WUAHandler', 200, 3), 'C:/logs/WUAHandler.log'),
    parseText(lines('CAS', 150, 1), 'C:/logs/CAS-20240304-082244.log'),
  ].map((r) => fileCodes(r.records));
  const tally = new FailureCodeTally();
  for (const index of [1, 2, 0]) tally.add(index, files[index]);
  const top = tally.top(10);
  assert.deepEqual(top, reference(files.map(decodeFileCodes), 10));
  assert.ok(top.length >= 4, top.map((c) => c.code).join(' '));
});
