// npm run bench:formats — MB/s of the line formats (SMS trace, classic WindowsUpdate.log, WSUS
// SoftwareDistribution.log, the Get-WindowsUpdateLog (ETW) form), per file (MB: the file's bytes, UTF-16 too):
//   general   the general parser (StreamingParser: decoder, LineSplitter, RecordAssembler) into a RecordTable,
//             what parseFile did for these formats before the line fast path
//   parseFile what parseFile does now (the line fast path for SMS / wulog / wsus / wuetw files, UTF-8 or UTF-16LE)
// and how the fast path read the records: from the bytes (of them, SMS lines by the WebAssembly line scanner,
// fastpath/lineScan.ts), by the format's parser on a decoded line (odd lines),
// or by the general parser after a hand-off (and from which line). Best of --repeat runs (default 5) in CPU time,
// in this process, files read from the page cache (each is read once before it is timed). The script bundles itself with
// esbuild first, as bench/run.ts does its child: under tsx every imported constant is a getter call.
//
//   npm run bench:formats [-- FILE_OR_DIR ...] [--repeat N]      (default: bench/out/corpus/other, generated if needed)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { join, relative, resolve } from 'node:path';
import { listLogFiles } from '../server/src/core/files';
import { hasLineFastPath, LineByteReader } from '../server/src/core/fastpath/lineBytes';
import { sniffEncoding } from '../server/src/core/read/encoding';
import { parseBytes, parseFile } from '../server/src/core/parse';
import { RecordTable } from '../server/src/core/table';
import { ensureCorpus } from './generate';

const MB = 1e6;

interface Row {
  file: string;
  format: string;
  mb: number;
  records: number;
  generalMBs: number;
  fastMBs: number;
  how: string;
}

/**
 * The best of `repeat` runs, in CPU seconds of this process (user + system, the read threads included): on a
 * machine shared with other work, wall time mostly measures the others.
 */
async function bestOf<T>(repeat: number, run: () => Promise<T> | T): Promise<{ seconds: number; result: T }> {
  let best = Infinity;
  let result!: T;
  for (let k = 0; k < repeat; k++) {
    const start = process.cpuUsage();
    result = await run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return { seconds: best, result };
}

/** How the line fast path read the file (its own pass, not timed). */
function howRead(file: string, format: string): string {
  if (format === 'cmtrace') return 'the CMTrace fast path (fastpath/cmtraceBytes.ts), for comparison';
  if (!hasLineFastPath(format)) return 'general parser (no line fast path for this format)';
  const bytes = readFileSync(file);
  const encoding = sniffEncoding(bytes).encoding;
  if (encoding !== 'utf-8' && encoding !== 'utf-16le') return `general parser (${encoding})`;
  const bom = sniffEncoding(bytes).bomLength;
  const reader = new LineByteReader(file, new RecordTable(file), format, bom, null, encoding);
  for (let at = bom; at < bytes.length; at += 1 << 20)
    reader.push(bytes.subarray(at, Math.min(bytes.length, at + (1 << 20))));
  reader.end();
  const handed = reader.handedOffAt ? `, general parser from line ${reader.handedOffAt}` : '';
  const scanned = reader.scannedRecords ? ` (${reader.scannedRecords} by the WebAssembly line scanner)` : '';
  const utf16 = encoding === 'utf-16le' ? 'UTF-16 made UTF-8 by the WebAssembly transcoder: ' : '';
  return `${utf16}${reader.fastRecords} from bytes${scanned}, ${reader.slowRecords} odd lines by the format's parser${handed}`;
}

async function main(argv: string[]): Promise<void> {
  let repeat = 5;
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--repeat') repeat = Number(argv[++i]);
    else targets.push(resolve(argv[i]));
  }
  if (!targets.length) {
    const dir = join(__dirname, 'corpus'); // the bundle sits in bench/out
    ensureCorpus(dir);
    targets.push(join(dir, 'other'));
  }
  const files = targets.flatMap((t) => (statSync(t).isDirectory() ? listLogFiles([t]).files : [t]));
  const rows: Row[] = [];
  for (const file of files) {
    const mb = statSync(file).size / MB;
    readFileSync(file); // into the page cache
    const general = await bestOf(repeat, () => parseBytes(readFileSync(file), file));
    const fast = await bestOf(repeat, () => parseFile(file));
    if (fast.result.records.length !== general.result.records.length)
      throw new Error(`${file}: ${fast.result.records.length} records vs ${general.result.records.length}`);
    rows.push({
      file: relative(process.cwd(), file),
      format: fast.result.format,
      mb,
      records: fast.result.records.length,
      generalMBs: mb / general.seconds,
      fastMBs: mb / fast.seconds,
      how: howRead(file, fast.result.format),
    });
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `${pad('file', 48)} ${pad('format', 7)} ${'MB'.padStart(6)} ${'records'.padStart(8)} ${'general'.padStart(9)} ${'parseFile'.padStart(10)}  how`,
  );
  for (const r of rows)
    console.log(
      `${pad(r.file, 48)} ${pad(r.format, 7)} ${r.mb.toFixed(1).padStart(6)} ${String(r.records).padStart(8)} ${(r.generalMBs.toFixed(0) + ' MB/s').padStart(9)} ${(r.fastMBs.toFixed(0) + ' MB/s').padStart(10)}  ${r.how}`,
    );
}

const BUNDLE = join(__dirname, 'out', 'formats.js');

if (__filename.endsWith('.ts')) {
  mkdirSync(join(__dirname, 'out'), { recursive: true });
  buildSync({
    entryPoints: [__filename],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: BUNDLE,
    external: ['esbuild'],
    logLevel: 'warning',
  });
  const run = spawnSync(process.execPath, [BUNDLE, ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
  process.exit(run.status ?? 1);
} else {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
