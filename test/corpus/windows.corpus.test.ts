// Every real Windows servicing / setup / install log in ../shared/corpus/real-windows (see its SOURCES.md) is
// read as its format, and its records are counted EXACTLY against an independent count: the entry-start lines
// of the file, found by a plain regular expression over the decoded text (not by the parser). Levels are
// checked against the counts SOURCES.md gives. Files are read in place.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseFile } from '../../server/src/core/parse';
import type { FormatId } from '../../server/src/core/record';

const WINDOWS = resolve(process.env.CORPUS_WINDOWS_DIR ?? resolve(__dirname, '../../../shared/corpus/real-windows'));
if (!existsSync(WINDOWS))
  throw new Error(
    `corpus not found at ${WINDOWS}: npm run test:corpus needs ../shared/corpus/real-windows (or CORPUS_WINDOWS_DIR)`,
  );

/** What an entry of each format starts with, for the independent count. */
const ENTRY_START: Partial<Record<FormatId, RegExp>> = {
  cbs: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}, /,
  iis: /\S/,
  c2r: /^(?:\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}\.\d+\t|Timestamp\t)/,
  burn: /^\[[0-9A-Fa-f]+:[0-9A-Fa-f]+\]\[\d{4}-\d{2}-\d{2}T[\d:]+\][a-z]\d{3}:/,
  setupapi: /^(?:\[|>>> |<<< |!!! |! {4}| {5}[a-z]{2,8}: )/,
};

/** The format each file is, from its name (and the two exceptions SOURCES.md describes). */
function expectedFormat(path: string): FormatId | null {
  const name = basename(path).toLowerCase();
  if (path.includes('T007-tim')) return 'plain'; // an AudMig / WudfCoInstaller free-text setupact.log
  if (/^(cbs|dism.*|setupact|setuperr)\.log$/.test(name) || name.startsWith('dism.')) return 'cbs';
  if (/^u_ex.*\.log$/.test(name) || name === 'logfile.log') return 'iis';
  if (/^setupapi\.(dev|setup|app)\.log$/.test(name)) return 'setupapi';
  if (/^[a-z0-9-]+-\d{8}-\d{4}b?\.log$/.test(name)) return 'c2r';
  if (/^(dd_vcredist_x86_\d+|python 3\.6\.5 \(32-bit\)_\d+|windows_software_development_kit.*)\.log$/.test(name))
    return 'burn';
  return null;
}

function decoded(path: string): string {
  const bytes = readFileSync(path);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

const files = readdirSync(WINDOWS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(WINDOWS, d.name)).map((f) => join(WINDOWS, d.name, f)))
  .filter((f) => expectedFormat(f) !== null)
  .sort();

test('the real-windows files of the new formats are there', () => {
  assert.ok(files.length >= 40, `${files.length} files`);
});

for (const file of files) {
  const format = expectedFormat(file)!;
  const name = file.slice(WINDOWS.length + 1);
  test(`${name}: read as ${format}, records counted exactly`, async () => {
    const result = await parseFile(file);
    assert.equal(result.format, format);
    const start = ENTRY_START[format];
    if (!start) return;
    const expected = decoded(file)
      .split(/\r\n|\r|\n/)
      .filter((l) => start.test(l)).length;
    assert.equal(result.records.length, expected);
    // Every record of a timed entry has its time, local as written (IIS: UTC by definition). Parsed alone, a log
    // that writes local time with no zone has no UTC (core/clock.ts): never its local time passed off as UTC.
    for (const r of result.records) {
      if (format === 'iis')
        assert.ok(r.line && (r.utc !== null || r.message.startsWith('#')), `${name}:${r.line} untimed`);
      else if (format !== 'setupapi' && !(format === 'c2r' && r.line === 1))
        assert.notEqual(r.local, null, `${name}:${r.line} untimed`);
      if (format === 'iis') assert.ok(r.utc === null || r.biasMinutes === 0, `${name}:${r.line} IIS is UTC`);
      else assert.deepEqual([r.utc, r.biasMinutes], [null, null], `${name}:${r.line} local time with no zone`);
    }
  });
}

test('levels as SOURCES.md counts them: CBS (EhsanHasani1380) Info=12282 Error=63; DISM (eyeofparadox) Info=790', async () => {
  const cbs = await parseFile(join(WINDOWS, 'EhsanHasani1380__SearchingInCBS.logFileByRegex-/CBS.log'));
  const levels = (records: Iterable<{ rawType: string | null }>) => {
    const n: Record<string, number> = {};
    for (const r of records) n[r.rawType ?? ''] = (n[r.rawType ?? ''] ?? 0) + 1;
    return n;
  };
  assert.deepEqual(levels(cbs.records), { Info: 12282, Error: 63 });
  assert.equal(cbs.records.filter((r) => r.severity === 'error').length, 63);
  const dism = await parseFile(join(WINDOWS, 'eyeofparadox__ASUS_G713QM_RESTORATION/dism.log'));
  assert.deepEqual(levels(dism.records), { Info: 790 });
  // 24H2 CBS lines with an empty component column keep an empty component, not the message's first word.
  const empty = await parseFile(join(WINDOWS, 'eyeofparadox__ASUS_G713QM_RESTORATION/CBS.log'));
  assert.ok(empty.records.filter((r) => r.component === '' && r.message.startsWith('Feature: ')).length > 1000);
});
