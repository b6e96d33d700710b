// Every row of the reference tables in ../shared/reference round-trips through the committed decoder
// data and through `lookup`, and the committed data is what the generator makes today.
// Needs ../shared/reference (or REFERENCE_DIR); it fails, never skips, when the folder is missing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { hresultData, stateData, statmsgData } from '../../server/src/core/decode/data';
import { lookupCode } from '../../server/src/core/decode/hresult';
import { lookup } from '../../server/src/core/decode/lookup';
import { decodeState } from '../../server/src/core/decode/stateMessageTopics';
import { decodeStatmsg } from '../../server/src/core/decode/statusMessages';

const REFERENCE = resolve(process.env.REFERENCE_DIR ?? resolve(__dirname, '../../../shared/reference'));
if (!existsSync(REFERENCE)) throw new Error(`reference data not found at ${REFERENCE}: needs ../shared/reference (or REFERENCE_DIR)`);

const REPO = resolve(__dirname, '../..');
const DATA = join(REPO, 'server/src/core/decode/data');

function readTsv(name: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(REFERENCE, name), 'utf8').split('\n').filter((l) => l !== '');
  const columns = header.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((cell, i) => [columns[i], cell])));
}

/** Rows grouped by a key, file order kept inside each group. */
function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
  return groups;
}

const facilityText = (f: { name: string | null; number: number }) => (f.name ? `${f.name} (${f.number})` : `(${f.number})`);

test('hresults.tsv: 8,556 rows, every one back from lookupCode and lookup with name, message, facility, source', () => {
  const rows = readTsv('hresults.tsv');
  assert.equal(rows.length, 8556);
  const groups = groupBy(rows, (r) => r.code_hex);
  assert.equal(groups.size, Object.keys(hresultData.codes).length);
  for (const [code, group] of groups) {
    const expected = group.map((r) => ({ name: r.symbolic_name, message: r.message, source: r.source }));
    const info = lookupCode(parseInt(code, 16));
    assert.equal(info.code, code);
    assert.deepEqual(info.entries.map(({ name, message, source }) => ({ name, message, source })), expected, code);
    for (const r of group) assert.equal(facilityText(info.facility), r.facility, code);
    assert.deepEqual(new Set(info.names), new Set(group.map((r) => r.symbolic_name).filter((n) => n !== '')), code);
    const [result] = lookup([code]);
    assert.deepEqual(result.entries?.map(({ name, message }) => ({ name, message })), expected.map(({ name, message }) => ({ name, message })), code);
  }
});

test('statmsg.tsv: 33 rows, every one back from the table, decodeStatmsg and lookup', () => {
  const rows = readTsv('statmsg.tsv');
  assert.equal(rows.length, 33);
  for (const [id, group] of groupBy(rows, (r) => r.message_id)) {
    const table = statmsgData.messages[id].map(([severity, component, template, source]) => ({
      message_id: id,
      severity,
      component,
      message_text_template: template,
      source: statmsgData.sources[source],
    }));
    assert.deepEqual(table, group, id);
    assert.deepEqual(decodeStatmsg(Number(id)).texts.map((t) => t.template), group.map((r) => r.message_text_template), id);
    assert.deepEqual(lookup(['statmsg', id])[0].texts?.map((t) => [t.template, t.source]), group.map((r) => [r.message_text_template, r.source]), id);
  }
});

test('state_messages.tsv: 405 rows, every one back from decodeState and lookup', () => {
  const rows = readTsv('state_messages.tsv');
  assert.equal(rows.length, 405);
  const groups = groupBy(rows, (r) => `${r.topic_type}/${r.state_id}`);
  assert.equal(Object.values(stateData.topics).reduce((n, t) => n + t.rows.length, 0), 405);
  for (const [key, group] of groups) {
    const topicType = Number(group[0].topic_type);
    const stateId = group[0].state_id === '' ? null : Number(group[0].state_id);
    const decoded = decodeState(topicType, stateId);
    assert.equal(decoded.topicTypeName, group[0].topic_type_name, key);
    assert.deepEqual(decoded.entries, group.map((r) => ({ name: r.state_name, kind: r.name_kind, source: r.source })), key);
    const args = stateId === null ? ['state', String(topicType)] : ['state', String(topicType), String(stateId)];
    const [result] = lookup(args);
    assert.deepEqual([result.kind, result.topicTypeName], ['state', group[0].topic_type_name], key);
    assert.deepEqual(result.stateEntries?.map((e) => e.name), group.map((r) => r.state_name), key);
  }
});

test('the committed data files are what the generator makes from the reference today', () => {
  const out = mkdtempSync(join(tmpdir(), 'decode-data-'));
  try {
    execFileSync(process.execPath, [join(REPO, 'scripts/gen-decode-data.mjs'), REFERENCE, out], { stdio: 'pipe' });
    for (const file of ['hresults.json', 'statmsg.json', 'stateMessages.json', 'README.md']) {
      assert.equal(readFileSync(join(out, file), 'utf8'), readFileSync(join(DATA, file), 'utf8'), `${file} is stale: run node scripts/gen-decode-data.mjs`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
