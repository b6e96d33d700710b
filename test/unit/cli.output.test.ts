// The CLI's record output made from the columns (core/output: RecordJson, RecordJsonBytes, recordLineAt) against
// what cli/common.ts makes from a LogRecord object (recordJson, recordLine), record by record: on every bundled
// sample and on a log made of the messages that take each writer's other paths (quotes, backslashes, control
// characters, non-ASCII text, several lines, damage, local times of more than milliseconds, no zone). And stats
// computed on the columns against the same counts made record by record from LogRecord objects.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { recordJson, recordLine } from '../../server/src/cli/common';
import { computeStats } from '../../server/src/cli/stats';
import { applyClocks } from '../../server/src/core/clock';
import { RecordJsonBytes } from '../../server/src/core/output/jsonBytes';
import { RecordJson, recordLineAt } from '../../server/src/core/output/records';
import { LineBlock, OutputSink } from '../../server/src/core/output/sink';
import { parseFile, type ParseResult } from '../../server/src/core/parse';
import { toIsoUtc } from '../../server/src/core/time';

const SAMPLES = resolve(__dirname, '../../samples');
const dir = mkdtempSync(join(tmpdir(), 'cmlogs-output-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function logFiles(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? logFiles(join(root, e.name)) : /\.(log|lo_|txt)$/i.test(e.name) ? [join(root, e.name)] : [],
  );
}

async function parseClocked(files: string[]): Promise<ParseResult[]> {
  const results: ParseResult[] = [];
  for (const file of files) results.push(await parseFile(file));
  applyClocks(results.map((r) => r.records));
  return results;
}

/** Every record of the results through the three writers, against recordJson / recordLine of its LogRecord. */
function assertSameOutput(results: ParseResult[]): number {
  let records = 0;
  const block = new LineBlock();
  for (const { records: table } of results) {
    const strings = new RecordJson(table);
    const bytes = new RecordJsonBytes(table);
    for (let i = 0; i < table.length; i++) {
      const record = table.get(i);
      const source = table.utcSource(i);
      const extra = { time: toIsoUtc(record.utc), keys: ['a', 'b'] };
      const extraJson = `,"time":${JSON.stringify(extra.time)},"keys":["a","b"]`;
      const expected = recordJson(record, source, extra);
      const where = `${table.file}:${record.line}`;
      assert.equal(strings.of(i, source, extraJson), expected, where);
      block.clear();
      block.reserve(64 * 1024);
      bytes.write(block, i, source, extraJson);
      bytes.write(block, i, source, () => extraJson);
      assert.equal(block.buffer.toString('utf8', 0, block.used), `${expected}\n${expected}\n`, where);
      assert.equal(recordLineAt(table, i, source), recordLine(record, source), where);
      records++;
    }
  }
  return records;
}

test('every record of the samples: the same NDJSON and text lines from the columns as from LogRecord objects', async () => {
  const results = await parseClocked(logFiles(SAMPLES));
  assert.ok(results.length >= 20);
  assert.equal(assertSameOutput(results), 973);
});

const cm = (message: string, time: string, attrs: Record<string, string> = {}) => {
  const a = {
    date: '03-10-2024',
    component: 'CAS',
    context: '',
    type: '1',
    thread: '4638',
    file: 'cache.cpp:12',
    ...attrs,
  };
  return `<![LOG[${message}]LOG]!><time="${time}" date="${a.date}" component="${a.component}" context="${a.context}" type="${a.type}" thread="${a.thread}" file="${a.file}">`;
};

test('messages that need escapes, several lines, damage, precise and zone-less times: the same bytes', async () => {
  const pc = join(dir, 'PC "01" \\ é');
  mkdirSync(pc, { recursive: true });
  const lines = [
    cm('plain ASCII, the common case', '08:22:01.936+300'),
    cm('Path C:\\Windows\\ccmcache\\1 and "quoted" text', '08:22:02.100+300'),
    cm('tab\there and bell \u0007 and escape \u001b[31m', '08:22:03.000+300', { type: '3' }),
    cm('Non-ASCII: Paramètres régionaux, 日本語, emoji 🎉, line separator \u2028 and DEL \u007f', '08:22:04.000+300'),
    cm('first line\r\nsecond line with "quotes"\r\nthird line', '08:22:05.000+300', { type: '2' }),
    cm('a thread beyond 32 bits', '08:22:06.000+300', { thread: '99999999999' }),
    cm('component with a quote', '08:22:07.000+300', { component: 'Comp"onent', context: 'NT AUTHORITY\\SYSTEM' }),
    cm('time with seven fraction digits', '08:22:08.1234567+300'),
    cm('no bias at all', '08:22:09.000'),
    '<![LOG[a record cut short by a concurrent writer',
    cm('after the damage', '08:22:10.000+300'),
    cm('', '08:22:11.000+300'),
    cm('a bad date', '08:22:12.000+300', { date: '13-45-2024' }),
  ];
  writeFileSync(join(pc, 'CAS.log'), lines.join('\r\n') + '\r\n');
  // A zone-less log beside it takes its clock from CAS.log (inferred); one alone in a folder has none.
  const ime = [cm('IME line', '09:13:00.1234567', { component: 'IntuneManagementExtension' })].join('\r\n') + '\r\n';
  writeFileSync(join(pc, 'IntuneManagementExtension.log'), ime);
  mkdirSync(join(dir, 'PC02'));
  writeFileSync(join(dir, 'PC02', 'IntuneManagementExtension.log'), ime);
  // Windows-1252 bytes in a UTF-8 log, a general-parser format beside it.
  writeFileSync(
    join(pc, 'mixed.log'),
    Buffer.concat([Buffer.from(cm('caf', '08:22:13.000+300') + '\r\n'), Buffer.from([0xe9, 0x0d, 0x0a])]),
  );
  writeFileSync(join(pc, 'setup.log'), '<03/10/24 08:22:14> SMSWSUS Setup Started....\n<03/10/24 08:22:15> "x"\\y\n');
  const files = [...logFiles(pc), join(dir, 'PC02', 'IntuneManagementExtension.log')];
  const results = await parseClocked(files);
  assert.ok(assertSameOutput(results) >= 17);
  const sources = new Set(
    results.flatMap((r) => [...Array(r.records.length).keys()].map((i) => r.records.utcSource(i).kind)),
  );
  assert.ok(sources.has('inferred') && sources.has('none') && sources.has('log'), [...sources].join());
});

test('each escape path of the one-pass message copy: the same bytes as JSON.stringify of the text', async () => {
  const pc = join(dir, 'escapes');
  mkdirSync(pc, { recursive: true });
  const lines = [
    cm('NUL \u0000 inside', '08:22:01.000+300'),
    cm('quote " then tab \t then a backslash \\ at the end\\', '08:22:02.000+300'),
    cm('"', '08:22:03.000+300'),
    cm('\u0001', '08:22:04.000+300'),
    cm('control and non-ASCII: \u0007 é', '08:22:05.000+300'),
    cm('quotes "" and non-ASCII ü last', '08:22:06.000+300'),
    // Controls over 8 KB: they fit at twice the bytes but not at six times (written from the text).
    cm('\u0001'.repeat(9000), '08:22:07.000+300'),
    cm('a\r\nb'.repeat(3000), '08:22:08.000+300'),
    cm('x'.repeat(20_000) + '"', '08:22:09.000+300'),
  ];
  const broken = Buffer.concat([
    Buffer.from(lines.join('\r\n') + '\r\n'),
    Buffer.from(cm('broken UTF-8 \ufffd here', '08:22:10.000+300').replace('\ufffd', '\u0001') + '\r\n'),
    Buffer.from('<![LOG[bytes '),
    Buffer.from([0xff, 0xc3, 0x22, 0x00, 0xed, 0xa0, 0x80]),
    Buffer.from(
      ']LOG]!><time="08:22:11.000+300" date="03-10-2024" component="CAS" context="" type="1" thread="1" file="">\r\n',
    ),
    // A 20 MB line: over the writer's 48 KB, written from its text.
    Buffer.from(cm('y'.repeat(20 << 20), '08:22:12.000+300') + '\r\n'),
  ]);
  writeFileSync(join(pc, 'CAS.log'), broken);
  const results = await parseClocked([join(pc, 'CAS.log')]);
  assert.equal(assertSameOutput(results), 12);
});

test('the sink keeps lines in order across full buffers and lines longer than a buffer', async () => {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      setImmediate(done); // a stream that takes its time: the sink must not reuse a buffer it still holds
    },
  });
  const sink = new OutputSink(stream, 96 * 1024);
  const expected: string[] = [];
  for (let n = 0; n < 5000; n++) {
    const line = n % 997 === 0 ? `${n} ${'x'.repeat(200_000)}` : `${n} ${'é'.repeat(n % 50)}`;
    expected.push(line);
    if (sink.full) await sink.flush();
    if (n % 3 === 0) {
      const bytes = Buffer.from(line + '\n');
      sink.bytes(bytes, 0, bytes.length);
    } else sink.line(line);
  }
  await sink.end();
  assert.equal(Buffer.concat(chunks).toString('utf8'), expected.join('\n') + '\n');
});

/** stats as it was computed before the columns: record objects, every message read (the reference). */
function statsFromObjects(results: ParseResult[]) {
  const formats: Record<string, number> = {};
  const severities: Record<string, number> = {};
  const files = results.map((result) => {
    const own: Record<string, number> = {};
    const utcSources: Record<string, number> = {};
    let first: number | null = null;
    let last: number | null = null;
    let localOnly: { first: string; last: string } | null = null;
    result.records.forEach((r, i) => {
      own[r.severity] = (own[r.severity] ?? 0) + 1;
      severities[r.severity] = (severities[r.severity] ?? 0) + 1;
      formats[r.format] = (formats[r.format] ?? 0) + 1;
      const source = result.records.utcSource(i).kind;
      if (r.utc !== null || r.local !== null) utcSources[source] = (utcSources[source] ?? 0) + 1;
      if (r.utc === null && r.local !== null)
        localOnly = localOnly
          ? {
              first: r.local < localOnly.first ? r.local : localOnly.first,
              last: r.local > localOnly.last ? r.local : localOnly.last,
            }
          : { first: r.local, last: r.local };
      if (r.utc === null) return;
      if (first === null || r.utc < first) first = r.utc;
      if (last === null || r.utc > last) last = r.utc;
    });
    return { severities: own, utcSources, localOnly, firstUtc: toIsoUtc(first), lastUtc: toIsoUtc(last) };
  });
  return { formats, severities, files };
}

test('stats on the columns: the counts, spans and sources made record by record, keys in the same order', async () => {
  const results = await parseClocked([...logFiles(SAMPLES), ...logFiles(dir)]);
  const stats = computeStats(results);
  const reference = statsFromObjects(results);
  assert.deepEqual(Object.entries(stats.formats), Object.entries(reference.formats));
  assert.deepEqual(Object.entries(stats.severities), Object.entries(reference.severities));
  for (const [k, f] of stats.files.entries()) {
    const r = reference.files[k];
    assert.deepEqual(Object.entries(f.severities), Object.entries(r.severities), f.file);
    assert.deepEqual(Object.entries(f.utcSources), Object.entries(r.utcSources), f.file);
    assert.deepEqual([f.localOnly, f.firstUtc, f.lastUtc], [r.localOnly, r.firstUtc, r.lastUtc], f.file);
  }
  assert.ok(stats.topErrorCodes.some((c) => c.code === '0x80244021'));
});
