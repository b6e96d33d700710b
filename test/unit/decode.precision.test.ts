// Decoding truth on real-looking text: every line of test/fixtures/decode/must-decode.tsv yields its
// code with the name that fits the line first; no line of must-not-decode.tsv yields a failure code
// (thread ids, PIDs, ports, line numbers, counts, versions, sizes, exit codes of scripts, success and
// no-op codes). The fixtures are written by test/fixtures/decode/generate.py with the expected names
// taken by hand from the reference tables, not from this decoder.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeMatch, findCodes } from '../../server/src/core/decode/findCodes';

const FIXTURES = join(__dirname, '../fixtures/decode');

function rows(name: string): string[][] {
  const [, ...lines] = readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  return lines.map((line) => line.split('\t'));
}

function decoded(component: string, line: string) {
  const context = { text: line, component, file: `${component}.log` };
  return findCodes(line).map((match) => ({ match, info: decodeMatch(match, context) }));
}

test('must-decode.tsv: at least 300 lines, each yields its code, named for its context first', () => {
  const cases = rows('must-decode.tsv');
  assert.ok(cases.length >= 300, `${cases.length} lines`);
  const wrong: string[] = [];
  for (const [code, firstName, component, line] of cases) {
    const found = decoded(component, line);
    const hit = found.find((f) => f.info.code === code);
    if (!hit)
      wrong.push(
        `${code} not found in [${component}] ${line} (found ${found.map((f) => f.info.code).join(', ') || 'nothing'})`,
      );
    else if ((hit.info.names[0] ?? '') !== firstName)
      wrong.push(`${code} named ${hit.info.names[0]} instead of ${firstName}: [${component}] ${line}`);
    else if (hit.info.outcome !== 'failure') wrong.push(`${code} is not a failure: [${component}] ${line}`);
  }
  assert.deepEqual(wrong, []);
});

test('must-not-decode.tsv: at least 300 lines, none yields a failure code', () => {
  const cases = rows('must-not-decode.tsv');
  assert.ok(cases.length >= 300, `${cases.length} lines`);
  const wrong: string[] = [];
  for (const [component, line, why] of cases) {
    const failures = decoded(component, line).filter((f) => f.info.outcome === 'failure');
    if (failures.length)
      wrong.push(
        `${failures.map((f) => `${f.match.text} → ${f.info.code} ${f.info.names[0] ?? ''}`).join(', ')} in [${component}] ${line} (${why})`,
      );
  }
  assert.deepEqual(wrong, []);
});

test('the Win32 reading is never given to an HTTP status, a script exit code, or a number after "Code=" outside HTTP', () => {
  const kinds = (line: string) => findCodes(line).map((m) => `${m.kind}:${m.value}`);
  assert.deepEqual(kinds('The remote server returned an error: (401) Unauthorized.'), ['http:401']);
  assert.deepEqual(kinds('The remote server returned an error: (429) Too Many Requests.'), ['http:429']);
  assert.deepEqual(kinds('Script completed (ExitCode 1)'), []);
  assert.deepEqual(kinds('Inventory item Code=12029 reported'), []);
  assert.deepEqual(kinds('Post failed, Code=12029, Text=ERROR_WINHTTP_CANNOT_CONNECT'), ['win32:12029']);
});

test('HTTP meanings follow the component: 404 is content missing on the DP for DTS, the MP path for CcmMessaging', () => {
  const meaning = (component: string, line: string) => decoded(component, line)[0].info.message;
  assert.match(
    meaning('DataTransferService', "Error sending DAV request. HTTP code 404, status 'Not Found'"),
    /distribution point/,
  );
  assert.match(meaning('CcmMessaging', '[CCMHTTP] HTTP status 404 returned'), /management point/);
  assert.match(
    meaning('IntuneManagementExtension', 'The remote server returned an error: (429) Too Many Requests.'),
    /Throttling/,
  );
  assert.match(
    meaning('ccmsetup', 'The remote server returned an error: (407) Proxy Authentication Required.'),
    /proxy/i,
  );
  assert.match(meaning('CcmMessaging', 'StatusCode: 503'), /Server-side/);
});
