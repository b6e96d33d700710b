// Every row of the reference tables in ../shared/reference round-trips through the committed decoder
// data and through `lookup`, and the committed data is what the generator makes today.
// Needs ../shared/reference (or REFERENCE_DIR); it fails, never skips, when the folder is missing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import {
  codeFamilyData,
  hresultData,
  ntstatusData,
  stateData,
  statusMessageData,
} from '../../server/src/core/decode/data';
import { lookupCode } from '../../server/src/core/decode/hresult';
import { lookup } from '../../server/src/core/decode/lookup';
import { decodeState } from '../../server/src/core/decode/stateMessageTopics';
import { decodeStatmsg } from '../../server/src/core/decode/statusMessages';

const REFERENCE = resolve(process.env.REFERENCE_DIR ?? resolve(__dirname, '../../../shared/reference'));
if (!existsSync(REFERENCE))
  throw new Error(`reference data not found at ${REFERENCE}: needs ../shared/reference (or REFERENCE_DIR)`);

const REPO = resolve(__dirname, '../..');
const DATA = join(REPO, 'server/src/core/decode/data');

function readTsv(name: string, dir = REFERENCE): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, name), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const columns = header.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((cell, i) => [columns[i], cell])));
}

/** Rows grouped by a key, file order kept inside each group. */
function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
  return groups;
}

const facilityText = (f: { name: string | null; number: number }) =>
  f.name ? `${f.name} (${f.number})` : `(${f.number})`;
const isNtstatusRow = (r: Record<string, string>) => r.source.includes('ntstatus.h');
/** Rows the decoder adds from winerror.h #defines (S_OK, S_FALSE): not reference rows. */
const isWellKnown = (e: { source: string }) => e.source.startsWith('winerror.h: #define');

const hresultRows = readTsv('hresults.tsv');
/** Windows setup result codes, which this repository adds beside the shared reference (with their source). */
const mosetupRows = readTsv('mosetup.tsv', join(REPO, 'server/src/core/decode/reference'));
const familyRows = [
  ...['wmi.tsv', 'delivery_optimization.tsv', 'cbs_setup.tsv', 'intune.tsv'].flatMap((name) => readTsv(name)),
  ...mosetupRows,
  ...readTsv('code_overlaps.tsv').filter((r) => !isNtstatusRow(r)),
];
const ntstatusRows = [...readTsv('ntstatus.tsv'), ...readTsv('code_overlaps.tsv').filter(isNtstatusRow)];

test('hresults.tsv: 8,556 rows, every one back from lookupCode and lookup with name, message, facility, source', () => {
  assert.equal(hresultRows.length, 8556);
  const groups = groupBy(hresultRows, (r) => r.code_hex);
  assert.equal(groups.size, Object.keys(hresultData().codes).length);
  const families = groupBy(familyRows, (r) => r.code_hex);
  for (const [code, group] of groups) {
    // Codes that code_overlaps.tsv names again come back with both rows, hresults.tsv first.
    const rows = [...group, ...(families.get(code) ?? [])];
    const expected = rows.map((r) => ({ name: r.symbolic_name, message: r.message, source: r.source }));
    const info = lookupCode(parseInt(code, 16));
    assert.equal(info.code, code);
    assert.deepEqual(
      info.entries.filter((e) => !isWellKnown(e)).map(({ name, message, source }) => ({ name, message, source })),
      expected,
      code,
    );
    for (const r of group) assert.equal(facilityText(info.facility), r.facility, code);
    assert.deepEqual(
      new Set(info.names.filter((n) => !['S_OK', 'S_FALSE'].includes(n))),
      new Set(rows.map((r) => r.symbolic_name).filter((n) => n !== '')),
      code,
    );
    const [result] = lookup([code]);
    assert.deepEqual(
      result.entries?.filter((e) => !isWellKnown(e)).map(({ name, message }) => ({ name, message })),
      expected.map(({ name, message }) => ({ name, message })),
      code,
    );
  }
});

test('wmi, delivery_optimization, cbs_setup, intune, mosetup (and code_overlaps rows): every row back from lookupCode and lookup', () => {
  assert.deepEqual(
    [
      readTsv('wmi.tsv').length,
      readTsv('delivery_optimization.tsv').length,
      readTsv('cbs_setup.tsv').length,
      readTsv('intune.tsv').length,
      mosetupRows.length,
    ],
    [199, 72, 11, 50, 72],
  );
  const inHresults = new Set(hresultRows.map((r) => r.code_hex));
  const groups = groupBy(familyRows, (r) => r.code_hex);
  assert.equal(Object.keys(codeFamilyData().codes).length, groups.size);
  for (const [code, group] of groups) {
    const info = lookupCode(parseInt(code, 16));
    const ours = info.entries.filter((e) => !isWellKnown(e)).slice(inHresults.has(code) ? -group.length : 0);
    assert.deepEqual(
      ours.map(({ name, message, source }) => ({ name, message, source })),
      group.map((r) => ({ name: r.symbolic_name, message: r.message, source: r.source })),
      code,
    );
    if (!inHresults.has(code)) assert.equal(facilityText(info.facility), group[0].facility, code);
    const [result] = lookup([code]);
    assert.equal(result.known, true, code);
    for (const r of group)
      assert.ok(
        result.entries?.some((e) => e.name === r.symbolic_name && e.message === r.message),
        code,
      );
  }
});

test('ntstatus.tsv and the NTSTATUS rows of code_overlaps.tsv: every one back where a line is about an NTSTATUS', () => {
  assert.equal(ntstatusRows.length, 2505 + 293);
  const groups = groupBy(ntstatusRows, (r) => r.code_hex);
  assert.equal(Object.keys(ntstatusData().codes).length, groups.size);
  for (const [code, group] of groups) {
    const info = lookupCode(parseInt(code, 16), { text: `NTSTATUS ${code}` });
    const rows = info.entries.filter((e) => e.family === 'ntstatus');
    assert.deepEqual(
      rows.map(({ name, message, source }) => ({ name, message, source })),
      group.map((r) => ({ name: r.symbolic_name, message: r.message, source: r.source })),
      code,
    );
    // The NTSTATUS name comes first in an NTSTATUS line, with the NTSTATUS facility.
    if (group[0].symbolic_name) assert.equal(info.names[0], group[0].symbolic_name, code);
    assert.equal(facilityText(info.facility), group[0].facility, code);
  }
  // Outside an NTSTATUS line, a value hresults.tsv knows keeps its HRESULT meaning only.
  assert.deepEqual(
    lookupCode(0x80000003)
      .entries.map((e) => e.family)
      .includes('ntstatus'),
    false,
  );
});

test('statmsg.tsv, statmsg_overlaps.tsv, statmsg_more.tsv: every row in the table, every ID back from decodeStatmsg and lookup', () => {
  const curated = readTsv('statmsg.tsv');
  const rows = [...curated, ...readTsv('statmsg_overlaps.tsv'), ...readTsv('statmsg_more.tsv')];
  assert.deepEqual([curated.length, rows.length], [33, 33 + 35 + 2688]);
  const data = statusMessageData();
  const groups = groupBy(rows, (r) => r.message_id);
  assert.equal(Object.keys(data.messages).length, groups.size);
  assert.equal(groups.size, 30 + 2313);
  for (const [id, group] of groups) {
    const table = data.messages[id].map(([severity, component, template, source]) => ({
      message_id: id,
      severity,
      component,
      message_text_template: template,
      source: data.sources[source],
    }));
    assert.deepEqual(table, group, id);
    const templates = [...new Set(group.map((r) => r.message_text_template))];
    assert.deepEqual([...new Set(decodeStatmsg(Number(id)).texts.map((t) => t.template))], templates, id);
    const [result] = lookup(['statmsg', id]);
    assert.equal(result.kind, 'statmsg', id);
    assert.deepEqual([...new Set(result.texts?.map((t) => t.template))], templates, id);
  }
});

test('state_messages.tsv: 405 rows, every one back from decodeState and lookup', () => {
  const rows = readTsv('state_messages.tsv');
  assert.equal(rows.length, 405);
  const groups = groupBy(rows, (r) => `${r.topic_type}/${r.state_id}`);
  assert.equal(
    Object.values(stateData().topics).reduce((n, t) => n + t.rows.length, 0),
    405,
  );
  for (const [key, group] of groups) {
    const topicType = Number(group[0].topic_type);
    const stateId = group[0].state_id === '' ? null : Number(group[0].state_id);
    const decoded = decodeState(topicType, stateId);
    assert.equal(decoded.topicTypeName, group[0].topic_type_name, key);
    assert.deepEqual(
      decoded.entries,
      group.map((r) => ({ name: r.state_name, kind: r.name_kind, source: r.source })),
      key,
    );
    const args = stateId === null ? ['state', String(topicType)] : ['state', String(topicType), String(stateId)];
    const [result] = lookup(args);
    assert.deepEqual([result.kind, result.topicTypeName], ['state', group[0].topic_type_name], key);
    assert.deepEqual(
      result.stateEntries?.map((e) => e.name),
      group.map((r) => r.state_name),
      key,
    );
  }
});

test('the committed data files are what the generator makes from the reference today', () => {
  const out = mkdtempSync(join(tmpdir(), 'decode-data-'));
  try {
    execFileSync(process.execPath, [join(REPO, 'scripts/gen-decode-data.mjs'), REFERENCE, out], { stdio: 'pipe' });
    for (const file of [
      'hresults.json',
      'codeFamilies.json',
      'ntstatus.json',
      'statusMessages.json',
      'stateMessages.json',
      'packedTables.ts',
      'README.md',
    ]) {
      assert.equal(
        readFileSync(join(out, file), 'utf8'),
        readFileSync(join(DATA, file), 'utf8'),
        `${file} is stale: run node scripts/gen-decode-data.mjs`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
