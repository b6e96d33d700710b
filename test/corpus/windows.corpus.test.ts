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
  // XP: headers and "#Xnnn" / "@ time #Xnnn" entries. The Windows 2000 file writes no ids: there every line
  // that is not blank (not whitespace only) is an entry (see below).
  setupapilegacy: /^(?:\[|#[-A-Z]\d{3}|@ \d)/,
  officesetup: /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}:\d{3}::\[\d+\]/,
  dpinst: /^(?:DIFXAPP: )?(?:INFO|SUCCESS|WARNING|ERROR):/,
};

/** The format each file is, from its name (and the two exceptions SOURCES.md describes). */
function expectedFormat(path: string): FormatId | null {
  const name = basename(path).toLowerCase();
  if (path.includes('T007-tim')) return 'plain'; // an AudMig / WudfCoInstaller free-text setupact.log
  if (/^(cbs|dism.*|setupact|setuperr)\.log$/.test(name) || name.startsWith('dism.')) return 'cbs';
  if (/^u_ex.*\.log$/.test(name) || name === 'logfile.log') return 'iis';
  if (/^setupapi\.(dev|setup|app)\.log$/.test(name)) return 'setupapi';
  if (name === 'setupapi.log') return 'setupapilegacy';
  if (/^setupexe\(\d+\)\.log$/.test(name)) return 'officesetup';
  if (name === 'dpinst.log') return 'dpinst';
  if (/^[a-z0-9-]+-\d{8}-\d{4}b?\.log$/.test(name)) return 'c2r';
  if (/^(dd_vcredist_x86_\d+|python 3\.6\.5 \(32-bit\)_\d+|windows_software_development_kit.*)\.log$/.test(name))
    return 'burn';
  return null;
}

/** Formats whose entries take a time only from some lines (SetupAPI sections, DPInst's time stamp lines). */
const UNTIMED_ENTRIES = new Set<FormatId>(['setupapi', 'setupapilegacy', 'dpinst']);

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
    const lines = decoded(file).split(/\r\n|\r|\n/);
    const withoutIds = format === 'setupapilegacy' && !lines.some((l) => /^(?:@ \S+ )?#[-A-Z]\d{3} /.test(l));
    // (The reader drops NUL padding: the Windows 2000 file ends in a line of NULs.)
    const entry = withoutIds
      ? (l: string) => l.replace(/\0+/g, '').trim() !== '' && !/^\s/.test(l)
      : (l: string) => start.test(l);
    const expected = lines.filter(entry).length;
    assert.equal(result.records.length, expected);
    // Every record of a timed entry has its time, local as written (IIS: UTC by definition). Parsed alone, a log
    // that writes local time with no zone has no UTC (core/clock.ts): never its local time passed off as UTC.
    for (const r of result.records) {
      if (format === 'iis')
        assert.ok(r.line && (r.utc !== null || r.message.startsWith('#')), `${name}:${r.line} untimed`);
      else if (!UNTIMED_ENTRIES.has(format) && !(format === 'c2r' && r.line === 1))
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

test('the three legacy formats on their real files: what their own marks say (SOURCES.md counts)', async () => {
  const severities = (records: Iterable<{ severity: string }>) => {
    const n: Record<string, number> = {};
    for (const r of records) n[r.severity] = (n[r.severity] ?? 0) + 1;
    return n;
  };
  // DPINST.LOG: INFO 150, SUCCESS 12 (information), WARNING 4; its 4 runs open and close with a time stamp line.
  const dpinst = await parseFile(join(WINDOWS, 'ttxamlottmolo75-cmd__support-bot/DPINST.LOG'));
  const levels: Record<string, number> = {};
  for (const r of dpinst.records) levels[r.rawType ?? ''] = (levels[r.rawType ?? ''] ?? 0) + 1;
  assert.deepEqual(levels, { INFO: 150, SUCCESS: 12, WARNING: 4 });
  assert.equal(dpinst.records.filter((r) => r.local !== null).length, 8);
  // Office 2013 Setup.exe: 119 "Warning:" lines; "MsiApplyPatch failed with error 3010" (applied, restart
  // needed) and the "Error applying patch" Setup writes after it are no failure; "Return code: 0" at the end.
  const office = await parseFile(join(WINDOWS, 'lhasanovic__rpr-t8-pogresno/SetupExe(201505310257181004).log'));
  assert.deepEqual(severities(office.records), { info: 1017, warning: 119 });
  // Windows 2000 setupapi.log: 203 sections (each timed, pid from "[... 180.12]"); no error is a section's
  // "completed with no errors"; the 6 installs that "finished with error" are errors.
  const legacy = await parseFile(join(WINDOWS, 'Win2000DevCommunity__RemoteDesk2K/setupapi.log'));
  const sections = legacy.records.filter((r) => r.component === 'section');
  assert.equal(sections.length, 203);
  assert.ok(sections.every((r) => r.local !== null && /^pid \d+$/.test(r.context)));
  const errors = legacy.records.filter((r) => r.severity === 'error');
  assert.equal(errors.length, 6);
  assert.ok(errors.every((r) => r.message.startsWith('Device install finished with error')));
});
