// The line fast path (server/src/core/fastpath/lineBytes.ts) against the general parser, record by record, on
// every SMS trace, WindowsUpdate.log (classic and ETW form) and WSUS SoftwareDistribution.log there is: the real logs
// (../shared/corpus/real and real-windows), the samples, and the bench corpus's other formats (bench/out/corpus,
// or a small one generated here when it is missing). It must also really be taken on them.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { ensureCorpus } from '../../bench/generate';
import { LineByteReader, hasLineFastPath } from '../../server/src/core/fastpath/lineBytes';
import { listLogFiles } from '../../server/src/core/files';
import { parseFile } from '../../server/src/core/parse';
import { RecordTable } from '../../server/src/core/table';
import { fastPathDifferences } from '../support/sameParse';
import { CORPUS } from './corpusPath';

const ROOT = resolve(__dirname, '../..');
const REAL_WINDOWS = resolve(CORPUS, '../real-windows');
const BENCH_OTHER = join(ROOT, 'bench/out/corpus/other');

let generated: string | null = null;
after(() => generated && rmSync(generated, { recursive: true, force: true }));

function benchOther(): string {
  if (existsSync(join(BENCH_OTHER, 'WSyncMgr.log'))) return BENCH_OTHER;
  generated = mkdtempSync(join(tmpdir(), 'cmlogs-bench-'));
  ensureCorpus(generated, { scale: 0.1 });
  return join(generated, 'other');
}

/** The files of the line formats under `dirs`, with their format. */
async function lineFiles(dirs: string[]): Promise<Array<{ file: string; format: string; encoding: string }>> {
  const out: Array<{ file: string; format: string; encoding: string }> = [];
  for (const file of listLogFiles(dirs.filter((d) => existsSync(d))).files) {
    const result = await parseFile(file);
    if (hasLineFastPath(result.format)) out.push({ file, format: result.format, encoding: result.encoding });
  }
  return out;
}

test('every SMS trace, WindowsUpdate.log and WSUS log reads the same on the line fast path', async () => {
  const files = await lineFiles([CORPUS, REAL_WINDOWS, join(ROOT, 'samples'), benchOther()]);
  const formats = new Set(files.map((f) => f.format));
  for (const format of ['sms', 'wulog', 'wsus', 'wuetw']) assert.ok(formats.has(format), `no ${format} file found`);
  const problems: string[] = [];
  for (const { file } of files) for (const p of await fastPathDifferences(file)) problems.push(`${file}: ${p}`);
  assert.deepEqual(problems, []);
});

test('the line fast path reads nearly every record of those files from the bytes', async () => {
  const files = await lineFiles([CORPUS, REAL_WINDOWS, join(ROOT, 'samples'), benchOther()]);
  const report: string[] = [];
  for (const { file, format, encoding } of files) {
    if (!encoding.startsWith('utf-8') && encoding !== 'utf-16le') continue; // UTF-16BE is the general parser's
    const bytes = readFileSync(file);
    const utf16 = encoding === 'utf-16le';
    const bom = utf16
      ? bytes[0] === 0xff && bytes[1] === 0xfe
        ? 2
        : 0
      : bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
        ? 3
        : 0;
    const table = new RecordTable(file);
    if (!utf16) table.readFrom(file, bytes.subarray(0, 16 * 1024));
    const reader = new LineByteReader(file, table, format, bom, null, utf16 ? 'utf-16le' : 'utf-8');
    reader.push(bytes.subarray(bom));
    reader.end();
    const share = (reader.fastRecords + reader.slowRecords) / Math.max(1, table.length);
    report.push(`${file}: ${reader.fastRecords} fast, ${reader.slowRecords} slow of ${table.length}`);
    // A hand-off is allowed (a file may turn odd), but not at the top of an ordinary file.
    assert.ok(share > 0.5 && reader.fastRecords > reader.slowRecords, report[report.length - 1]);
  }
  assert.ok(report.length >= 5, report.join('\n'));
});
