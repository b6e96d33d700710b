// The diagnosis' GUID index reads message bytes; it must find exactly what the patterns' GUID expression finds in
// the message strings (the expression the index replaced), for messages kept in the file (the CMTrace fast path,
// multi-line ones with their CRs) and messages kept in memory (the general parser).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GuidIndex } from '../../server/src/core/diagnose/guidIndex';
import { GUID_BARE } from '../../server/src/core/diagnose/rules';
import { parseFile, parseText } from '../../server/src/core/parse';
import type { RecordTable } from '../../server/src/core/table';

/** What the diagnosis matched GUIDs with before the index read bytes (sources.ts, until this index). */
const GUID_ANYWHERE = new RegExp(`(?<![0-9A-Fa-f])${GUID_BARE}`, 'g');

const G1 = '266C6CA4-8E1C-46C3-86AF-63C3EED086AD';
const G2 = 'aad511a8-2121-4768-9bdd-26d68b0b94aa';

/** Messages a real log writes, and the edges of the expression. */
const MESSAGES = [
  `Location update from CTM for content Content_${G2}.1 and request {${G1}}`,
  `CCM_UpdateSource.UniqueID="{${G1}}" for user 'S-1-5-18'.`,
  `no key here - just - dashes`,
  `${G1}`, // the whole message
  `x${G1}y`, // glued to words that are not hex digits
  `a${G1}`, // after a hex digit: not a GUID
  `-${G1}`, // after a dash: a GUID for the expression
  `${G1}0`, // a 13-digit last group (the seed's excerpts): its first 36 characters
  `${G1}-${G2}`, // two glued by a dash: the second starts after a dash
  `${G1}${G2}`, // the second glued to the first's last hex digit: only the first
  `twice ${G2} and ${G2.toUpperCase()}`, // the same GUID twice (cases differ): once
  `${G1.slice(0, 35)}`, // one digit short
  `${G1.slice(0, 8)}-${G1}`, // a hex run and a dash before a GUID
  `first line\r\nsecond line {${G1}}\r\nthird ${G2}`, // multi-line, CRLF
  `line one a\r\n${G1} starts line two`, // the line before ends with a hex digit
  `line one\r\nline two b\r${G1}`, // a lone CR, dropped from a multi-line message: glued to "b"
  `line one\r\n${G1.slice(0, 20)}\r${G1.slice(20)}`, // a GUID cut by a lone CR, whole once the CR is dropped
  `ünïcödé ${G1} ✓ ${G2}`,
];

/** Random text from the characters that matter (hex digits, dashes, braces, CR/LF, others). */
function fuzz(count: number): string[] {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pieces = ['0', '9', 'a', 'F', '-', '-', '{', '}', 'x', ' ', 'é', G1, G2, G1.slice(0, 9), '\r\n'];
  return Array.from({ length: count }, () => {
    let text = '';
    const n = 1 + Math.floor(random() * 30);
    for (let i = 0; i < n; i++) text += pieces[Math.floor(random() * pieces.length)];
    return text.replace(/^\r\n|\r\n$/g, '');
  });
}

function cmtrace(messages: string[]): string {
  return messages
    .map(
      (message, i) =>
        `<![LOG[${message}]LOG]!><time="08:22:${String(i % 60).padStart(2, '0')}.936+300" date="03-10-2024" component="ContentAccess" context="" type="1" thread="4638" file="x.cpp:1">`,
    )
    .join('\r\n');
}

/** GUID → records, from the strings with the expression. */
function expected(table: RecordTable): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let r = 0; r < table.length; r++) {
    const seen = new Set<string>();
    for (const m of table.message(r).matchAll(GUID_ANYWHERE)) {
      const key = m[0].toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.set(key, [...(out.get(key) ?? []), r]);
    }
  }
  return out;
}

function assertSame(tables: RecordTable[]): void {
  const kept = tables.map(() => new Map<number, string>());
  const index = new GuidIndex(tables, (s, r, message) => {
    assert.ok(!kept[s].has(r), `record ${r} kept twice`);
    kept[s].set(r, message);
  });
  tables.forEach((table, s) => {
    const want = expected(table);
    assert.ok(want.size > 0);
    for (const [guid, records] of want) assert.deepEqual(Array.from(index.withGuid(guid).get(s) ?? []), records, guid);
    // The messages handed over as the table is read: exactly those of the records with a GUID, as message() reads them.
    const withGuid = [...new Set([...want.values()].flat())].sort((a, b) => a - b);
    assert.deepEqual(
      [...kept[s].keys()].sort((a, b) => a - b),
      withGuid,
    );
    for (const r of withGuid) assert.equal(kept[s].get(r), table.message(r), `message of record ${r}`);
  });
  // Nothing found that the expression does not find.
  const all = new Set(tables.flatMap((t) => [...expected(t).keys()]));
  for (const table of tables) {
    for (let r = 0; r < table.length; r++) {
      for (const m of table
        .message(r)
        .matchAll(/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/g)) {
        const key = m[0].toLowerCase();
        if (!all.has(key)) assert.equal(index.withGuid(key).size, 0, key);
      }
    }
  }
  assert.equal(index.withGuid('00000000-0000-0000-0000-000000000000').size, 0);
}

test('GUIDs of messages kept in memory are the ones the expression finds', () => {
  const messages = [...MESSAGES, ...fuzz(2000)];
  const result = parseText(cmtrace(messages), 'CAS.log');
  assert.equal(result.records.length, messages.length);
  assertSame([result.records]);
});

test('GUIDs of messages read back from the file (multi-line ones with their CRs) are the ones the expression finds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'guid-index-'));
  try {
    const first = join(dir, 'CAS.log');
    const second = join(dir, 'ContentTransferManager.log');
    writeFileSync(first, cmtrace([...MESSAGES, ...fuzz(3000)]));
    writeFileSync(second, cmtrace(fuzz(500).reverse()));
    const tables = [(await parseFile(first)).records, (await parseFile(second)).records];
    assertSame(tables);
    // Each GUID answers per source, records ascending.
    const both = new GuidIndex(tables).withGuid(G1.toLowerCase());
    assert.deepEqual([...both.keys()], [0, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('numberIn: a GUID missing from the sources read so far is found once another source that has it is read', () => {
  const only = '0f0e0d0c-0b0a-0908-0706-050403020100';
  const shared = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
  const first = parseText(cmtrace([`Download ${shared} started`, 'nothing here']), 'CAS.log').records;
  const second = parseText(cmtrace(['no key', `Job {${only.toUpperCase()}} for ${shared}`]), 'CTM.log').records;
  const index = new GuidIndex([first, second]);
  // Asked twice before the second source is read (the second answer may come from a cache): not there yet.
  assert.equal(index.numberIn(only, [0]), -1);
  assert.equal(index.numberIn(only, [0]), -1);
  const sharedNumber = index.numberIn(shared, [0]);
  assert.ok(sharedNumber >= 0);
  assert.equal(index.recordsOf(index.numberIn(only, [0]), 1), undefined);
  // Reading the second source makes it known, with its record; the shared GUID keeps its number.
  const k = index.numberIn(only, [1]);
  assert.ok(k >= 0);
  assert.deepEqual(Array.from(index.recordsOf(k, 1) ?? []), [1]);
  assert.equal(index.numberIn(only, [0]), k);
  assert.equal(index.numberIn(shared, [0, 1]), sharedNumber);
  assert.deepEqual(Array.from(index.recordsOf(sharedNumber, 0) ?? []), [0]);
  assert.deepEqual(Array.from(index.recordsOf(sharedNumber, 1) ?? []), [1]);
  assert.deepEqual([...index.withGuid(only).keys()], [1]);
});
