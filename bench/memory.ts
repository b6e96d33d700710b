// Memory stays bounded while streaming: parseFile with an onRecord that drops every record, so only the parser's
// own state is held. Each case runs in its own process (peak RSS is that process's) under a time limit, so a case
// that hangs or crashes is reported instead of stopping the run.
//
//   realistic  1 GB of CMTrace logs (generated, every component mixed, CRLF)       → RSS should stay far below 1 GB
//   unclosed   a "<![LOG[" that never closes, then 200 MB of lines                  → MAX_PENDING_LINES bounds it
//   unclosed-wide  the same with 40 KB lines: 15,000 lines (under MAX_PENDING_LINES) hold 600 MB of text
//   nul        1 MB of records, then 256 MB of NUL padding (a preallocated log after a crash: no line break at all)
//   longline   one 256 MB line without a line break
//   idle       Node + tsx with the parser loaded and nothing parsed (the floor for the figures above)
//   server     the language server with one log of 15 and one of 48 MB open, through a real LSP client (see
//              measureServerMemory below): its RSS per MB of log, what `npm run bench` prints too
//
//   npm run bench:memory [-- --size-mb 1024] [--only realistic,nul,server] [--timeout-s 600] [--json]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseFile } from '../server/src/core/parse';
import { lineBreaks } from '../server/src/logDocument';
import { DISK_TEXT_PREFIX, type DiskTextClaim } from '../server/src/protocol';
import { TestClient, uri } from '../test/lsp/lspClient';
import { writeLargeCmtrace } from './generate';

const DIR = join(__dirname, 'out', 'memory');
const MB = 1 << 20;

interface CaseResult {
  name: string;
  bytes: number;
  outcome: 'ok' | 'timeout' | 'crashed';
  seconds: number;
  maxRssMB: number | null;
  records?: number;
  expectedRecords?: number;
  lines?: number;
  mbPerSecond?: number;
  detail?: string;
}

interface Case {
  name: string;
  describe: string;
  make(sizeMB: number): { file: string; expectedRecords?: number };
}

/** Writes `total` bytes produced by `chunk(i)` (each call returns the next piece) unless the file is already that size. */
function writeOnce(file: string, total: number, chunk: (written: number) => Buffer): void {
  if (existsSync(file) && statSync(file).size === total) return;
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < total;) {
      const piece = chunk(written);
      const n = Math.min(piece.length, total - written);
      writeSync(fd, piece, 0, n);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
}

const CASES: Case[] = [
  {
    name: 'realistic',
    describe: 'CMTrace, every component mixed',
    make(sizeMB) {
      const file = join(DIR, `cmtrace-${sizeMB}MB.log`);
      const meta = join(DIR, `cmtrace-${sizeMB}MB.json`);
      let expected: number | undefined;
      if (existsSync(file) && existsSync(meta)) {
        const m = JSON.parse(readFileSync(meta, 'utf8')) as { bytes: number; records: number };
        if (m.bytes === statSync(file).size) expected = m.records;
      }
      if (expected === undefined) {
        const f = writeLargeCmtrace(file, sizeMB * MB);
        writeFileSync(meta, JSON.stringify({ bytes: f.bytes, records: f.records }));
        expected = f.records;
      }
      return { file, expectedRecords: expected };
    },
  },
  {
    name: 'unclosed',
    describe: '"<![LOG[" never closed, then 200 MB of lines',
    make() {
      const file = join(DIR, 'unclosed-200MB.log');
      const line = Buffer.from(
        'continuation of a message whose record never closes, 0x80070005 {B3AD999E-861E-4BC8-8C1C-3F7027834971}\r\n',
      );
      const block = Buffer.concat(Array.from({ length: 8192 }, () => line));
      writeOnce(file, 200 * MB, (written) =>
        written === 0 ? Buffer.concat([Buffer.from('<![LOG[an opening that never closes\r\n'), block]) : block,
      );
      return { file };
    },
  },
  {
    name: 'unclosed-wide',
    describe: '"<![LOG[" never closed, then 15,000 lines of 40 KB (600 MB pending)',
    make() {
      const file = join(DIR, 'unclosed-wide-600MB.log');
      const line = Buffer.from('w'.repeat(40_000 - 2) + '\r\n');
      const block = Buffer.concat(Array.from({ length: 100 }, () => line));
      const head = Buffer.from('<![LOG[an opening that never closes\r\n');
      writeOnce(file, head.length + 15_000 * line.length, (written) => (written === 0 ? head : block));
      return { file };
    },
  },
  {
    name: 'nul',
    describe: '1 MB of records, then 256 MB of NUL padding',
    make() {
      const file = join(DIR, 'nul-257MB.log');
      const records = Buffer.from(
        Array.from(
          { length: 4000 },
          (_, i) =>
            `<![LOG[record ${i}]LOG]!><time="10:00:00.000+000" date="01-01-2024" component="c" context="" type="1" thread="1" file="">\r\n`,
        ).join(''),
      );
      const head = records.subarray(0, MB);
      const zeros = Buffer.alloc(4 * MB);
      writeOnce(file, 257 * MB, (written) => (written === 0 ? head : zeros));
      return { file };
    },
  },
  {
    name: 'longline',
    describe: 'one 256 MB line, no line break',
    make() {
      const file = join(DIR, 'longline-256MB.log');
      const block = Buffer.alloc(4 * MB, 'a');
      writeOnce(file, 256 * MB, () => block);
      return { file };
    },
  },
  {
    name: 'idle',
    describe: 'Node + tsx + parser loaded, nothing parsed',
    make() {
      return { file: '' };
    },
  },
];

async function child(file: string): Promise<void> {
  let records = 0;
  const t0 = performance.now();
  const result = file ? await parseFile(file, { onRecord: () => void records++ }) : null;
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    'RESULT ' +
      JSON.stringify({ records, lines: result?.lineCount ?? 0, seconds, maxRssKB: process.resourceUsage().maxRSS }) +
      '\n',
  );
}

function runCase(c: Case, sizeMB: number, timeoutS: number): CaseResult {
  const { file, expectedRecords } = c.make(sizeMB);
  const bytes = file ? statSync(file).size : 0;
  // Peak RSS from /usr/bin/time when there is one (it also covers a child that dies), else the child's own figure.
  const rssFile = join(DIR, `.rss-${c.name}`);
  const useTime = existsSync('/usr/bin/time');
  const args = [...process.execArgv, __filename, '--child', file];
  const t0 = performance.now();
  const run = useTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, process.execPath, ...args], {
        encoding: 'utf8',
        timeout: timeoutS * 1000,
        maxBuffer: 16 * MB,
        killSignal: 'SIGKILL',
      })
    : spawnSync(process.execPath, args, {
        encoding: 'utf8',
        timeout: timeoutS * 1000,
        maxBuffer: 16 * MB,
        killSignal: 'SIGKILL',
      });
  const seconds = (performance.now() - t0) / 1000;
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  let maxRssMB: number | null = null;
  if (useTime && existsSync(rssFile)) {
    const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    if (kb) maxRssMB = Math.round(kb / 1024);
  }
  const timedOut = run.error && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  if (!line) {
    const why = (run.stderr ?? '')
      .split('\n')
      .filter((l) => /Error|error|heap|memory/.test(l))
      .slice(0, 2)
      .join(' | ');
    return {
      name: c.name,
      bytes,
      outcome: timedOut || run.signal === 'SIGKILL' ? 'timeout' : 'crashed',
      seconds,
      maxRssMB,
      detail: timedOut ? `no result within ${timeoutS} s` : why || `exit ${run.status} ${run.signal ?? ''}`,
    };
  }
  const r = JSON.parse(line.slice(7)) as { records: number; lines: number; seconds: number; maxRssKB: number };
  return {
    name: c.name,
    bytes,
    outcome: 'ok',
    seconds: r.seconds,
    maxRssMB: maxRssMB ?? Math.round(r.maxRssKB / 1024),
    records: r.records,
    expectedRecords,
    lines: r.lines,
    mbPerSecond: bytes ? bytes / 1e6 / r.seconds : undefined,
  };
}

// ---- The language server with a big log open (issue #23) ----------------------------------------------------------
// What an admin's machine pays for a log open in the editor: the server's resident memory once the log is indexed,
// per MB of log. Each log in a fresh server (server/out/server.js, or the bundle `npm run bench` builds), through the
// test suite's LSP client, as VS Code's client opens it: a log of 4 million characters or more that is its file is
// opened by a claim (client/src/diskText.ts: the server checks it and reads the file), a smaller one with its text.
// Then the first and last screens' semantic tokens (what the editor asks), 2 s for the server to settle (it runs a
// full collection 1 s after indexing a big log), and /proc's VmRSS and VmHWM. The logs are test:scale's
// (test/e2e/scale-logs.js writeMixedLog, seeded): 4.5% errors and warnings, GUIDs, CRLF.

/** Log sizes measured, in MB: test:scale's editor logs (over 50 MB VS Code gives an extension no document). */
export const SERVER_LOG_MBS = [15, 48];

export interface ServerMemory {
  bytes: number;
  lines: number;
  /** How the log was opened: by a claim (the client's path for a big log that is its file) or with its text. */
  openedBy: 'claim' | 'text';
  /** From didOpen to its diagnostics (the log indexed). */
  indexedMs: number;
  rssBeforeMB: number | null;
  rssAfterMB: number | null;
  peakRssMB: number | null;
}

const scaleLogs = require('../test/e2e/scale-logs') as {
  writeMixedLog(file: string, minBytes: number): { bytes: number; records: number };
};

/** test:scale's mixed log of `mb` MB in `dir` (kept between runs). */
export function serverLogOf(dir: string, mb: number): string {
  const file = join(dir, `ClientEditor-${mb}MB.log`);
  if (!existsSync(file) || statSync(file).size < mb * 1e6) scaleLogs.writeMixedLog(file, mb * 1e6);
  return file;
}

/** The didOpen text VS Code's client sends for `bytes` (a claim from 4 million characters, as diskText.ts). */
function didOpenText(bytes: Buffer, withText: boolean): { text: string; openedBy: 'claim' | 'text'; lines: number } {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(bom);
  const text = body.toString('utf8');
  const lines = lineBreaks(body, false).length + 1;
  if (withText || text.length < 4_000_000) return { text, openedBy: 'text', lines };
  const claim: DiskTextClaim = {
    bytes: body.length,
    bom: bom > 0,
    sha1: createHash('sha1').update(body).digest('hex'),
    lineCount: lines,
    length: text.length,
  };
  return { text: DISK_TEXT_PREFIX + JSON.stringify(claim), openedBy: 'claim', lines };
}

/**
 * Opens `file` in a fresh `serverJs` and measures its memory once the log is indexed (see above); `withText`: sent
 * with its text whatever its size (VS Code's client does so for an edited log, or one not UTF-8 on disk).
 */
export async function measureServerMemory(serverJs: string, file: string, withText = false): Promise<ServerMemory> {
  const client = new TestClient(null, serverJs);
  try {
    await client.initialize(dirname(file));
    await new Promise((r) => setTimeout(r, 500)); // started and idle
    const pid = client.pid!;
    const rssBeforeMB = procStatusMB(pid, 'VmRSS');
    const bytes = readFileSync(file);
    const open = didOpenText(bytes, withText);
    const docUri = uri(file);
    const t0 = performance.now();
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: docUri, languageId: 'cmlog', version: 1, text: open.text },
    });
    await client.diagnosticsFor(docUri, 600_000);
    const indexedMs = performance.now() - t0;
    for (const line of [0, Math.max(0, open.lines - 80)])
      await client.request('textDocument/semanticTokens/range', {
        textDocument: { uri: docUri },
        range: { start: { line, character: 0 }, end: { line: line + 80, character: 0 } },
      });
    await new Promise((r) => setTimeout(r, 2000));
    return {
      bytes: bytes.length,
      lines: open.lines,
      openedBy: open.openedBy,
      indexedMs,
      rssBeforeMB,
      rssAfterMB: procStatusMB(pid, 'VmRSS'),
      peakRssMB: procStatusMB(pid, 'VmHWM'),
    };
  } finally {
    await client.stop();
  }
}

function procStatusMB(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null; // not Linux
  }
}

/** One line of the bench's output: the server's RSS with the log open, per MB of log. */
export function describeServerMemory(m: ServerMemory): string {
  const mb = m.bytes / 1e6;
  const perMB = (rss: number | null) => (rss === null ? '-' : (rss / mb).toFixed(2));
  const added = m.rssAfterMB !== null && m.rssBeforeMB !== null ? m.rssAfterMB - m.rssBeforeMB : null;
  return (
    `  server ${`${mb.toFixed(0)} MB`.padStart(6)} log (didOpen by ${m.openedBy}, indexed in ${(m.indexedMs / 1000).toFixed(2)} s): ` +
    `RSS ${m.rssBeforeMB ?? '-'} -> ${m.rssAfterMB ?? '-'} MB (peak ${m.peakRssMB ?? '-'}): ` +
    `${perMB(m.rssAfterMB)} MB per MB of log, ${added === null ? '-' : perMB(added)} MB per MB added by the log`
  );
}

/** The server rows: each of SERVER_LOG_MBS opened in a fresh server, the largest once more with its text. */
export async function measureServerMemoryRows(serverJs: string, dir: string): Promise<ServerMemory[]> {
  mkdirSync(dir, { recursive: true });
  const rows: ServerMemory[] = [];
  for (const mb of SERVER_LOG_MBS) rows.push(await measureServerMemory(serverJs, serverLogOf(dir, mb)));
  const largest = serverLogOf(dir, Math.max(...SERVER_LOG_MBS));
  rows.push(await measureServerMemory(serverJs, largest, true));
  return rows;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    void child(argv[1] ?? '');
    return;
  }
  let sizeMB = 1024;
  let only: string[] | null = null;
  let timeoutS = 600;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--size-mb') sizeMB = Number(argv[++i]);
    else if (argv[i] === '--only') only = argv[++i].split(',');
    else if (argv[i] === '--timeout-s') timeoutS = Number(argv[++i]);
    else if (argv[i] === '--json') json = true;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  mkdirSync(DIR, { recursive: true });
  const results: CaseResult[] = [];
  for (const c of CASES) {
    if (only && !only.includes(c.name)) continue;
    process.stderr.write(`memory: ${c.name} (${c.describe}) ...\n`);
    const r = runCase(c, sizeMB, c.name === 'realistic' ? timeoutS : Math.min(timeoutS, 180));
    results.push(r);
    const size = r.bytes ? `${(r.bytes / 1e6).toFixed(0)} MB` : '-';
    const recs =
      r.records !== undefined
        ? `${r.records.toLocaleString('en-US')} records${r.expectedRecords !== undefined ? ` (expected ${r.expectedRecords.toLocaleString('en-US')})` : ''}`
        : '';
    process.stderr.write(
      `  ${r.outcome.padEnd(8)} ${size.padStart(8)}  peak RSS ${r.maxRssMB ?? '-'} MB  ${r.seconds.toFixed(1)} s${r.mbPerSecond ? ` (${r.mbPerSecond.toFixed(1)} MB/s)` : ''}  ${recs}${r.detail ? '  ' + r.detail : ''}\n`,
    );
  }
  let server: ServerMemory[] | undefined;
  if (!only || only.includes('server')) {
    process.stderr.write(
      `memory: server (the language server with a log of ${SERVER_LOG_MBS.join(' and ')} MB open) ...\n`,
    );
    server = await measureServerMemoryRows(join(__dirname, '..', 'server', 'out', 'server.js'), DIR);
    for (const row of server) process.stderr.write(describeServerMemory(row) + '\n');
  }
  const summary = { cases: results, server };
  writeFileSync(join(__dirname, 'out', 'memory.json'), JSON.stringify(summary, null, 2));
  if (json) process.stdout.write('RESULT ' + JSON.stringify(summary) + '\n');
}

// Run, not imported (bench/run.ts imports the server rows).
if (require.main === module)
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`bench:memory: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
