// One machine of a fleet: its logs parsed (a folder through parseFile's fast path, the entries of a zip or a cab
// streamed through the general parser), diagnosed with the same engine as `cmlogs diagnose`, and turned into rows.
// The records go out one by one to a sink, read from the tables' columns (no record objects); only this machine's
// tables are held, and they are let go when it is done.
import { isUtf8 } from 'node:buffer';
import { decodeMatch, findCodes, type CodeMatch } from '../decode/findCodes';
import { diagnose, type Finding } from '../diagnose/index';
import { parseFile, resultOf, StreamingParser, type ParseResult } from '../parse';
import type { Severity } from '../record';
import { RecordTable } from '../table';
import { readCabEntries, streamCabEntry, type CabEntry } from './cab';
import { NextByte } from './nextByte';
import { folderLogs, LOG_NAME, machineNameIn, type MachineEntry } from './machines';
import type { RecordSink } from './recordsCsv';
import { sqlUtc, type FailureCode, type FindingRow, type MachineRow, type MachineStatus } from './rows';
import { readZipEntries, streamZipEntry, unreadableReason, type ZipEntry } from './zip';

export interface MachineResult {
  machine: MachineRow;
  findings: FindingRow[];
  /** Thread time spent on each stage, in ms (where a fleet run's time goes; not written to the tables). */
  timings: StageTimings;
}

export interface StageTimings {
  parse: number;
  diagnose: number;
  records: number;
}

/** A parsed log and the name it has in the tables (relative to the machine). */
interface MachineLog {
  name: string;
  result: ParseResult;
}

/** Reads, diagnoses and tabulates one machine; `sink` receives every record, file by file. */
export async function readMachine(entry: MachineEntry, sink: RecordSink): Promise<MachineResult> {
  const problems: string[] = [];
  let t = performance.now();
  const lap = () => -t + (t = performance.now());
  const logs =
    entry.kind === 'zip'
      ? await parseZip(entry.path, problems)
      : entry.kind === 'cab'
        ? await parseCab(entry.path, problems)
        : await parseFolder(entry.path, problems);
  const parse = lap();
  // Nothing read and something went wrong (a bundle that is not one, every file unreadable): the machine failed.
  if (!logs.length && problems.length)
    return { ...unreadMachine(entry, problems.join('; ')), timings: emptyTimings(parse) };
  const findings = diagnose(logs.map((l) => l.result));
  const diagnosis = lap();
  const named = nameFromLogs(logs);
  const machine = named ?? entry.name;
  // Finding rows first: their evidence times are read from the tables, which writing the records lets go of.
  const rows = findings.map((f) => findingRow(machine, f, logs));
  sink.start(machine);
  const totals = writeRecords(logs, sink);
  const timings = { parse, diagnose: diagnosis, records: lap() };
  const status: MachineStatus = problems.length ? 'partial' : 'read';
  return {
    timings,
    machine: {
      machine,
      source: entry.kind,
      path: entry.path,
      bias_minutes: totals.bias,
      logs: logs.length,
      bytes: entry.bytes,
      first_utc: sqlUtc(totals.first),
      last_utc: sqlUtc(totals.last),
      records: totals.records,
      errors: totals.errors,
      warnings: totals.warnings,
      findings: rows.length,
      not_complete: rows.filter((r) => r.status !== 'complete').length,
      name_from: named ? 'logs' : 'entry',
      problems: problems.length ? problems.join('; ') : null,
      status,
      error: null,
    },
    findings: rows,
  };
}

const emptyTimings = (parse = 0): StageTimings => ({ parse, diagnose: 0, records: 0 });

/**
 * A machine that could not be read, `reason` saying why: its row under its entry's name, nothing counted, no
 * findings (a fleet run lists it and goes on).
 */
export function unreadMachine(entry: MachineEntry, reason: string): MachineResult {
  return {
    timings: emptyTimings(),
    machine: {
      machine: entry.name,
      source: entry.kind,
      path: entry.path,
      bias_minutes: null,
      logs: 0,
      bytes: entry.bytes,
      first_utc: null,
      last_utc: null,
      records: 0,
      errors: 0,
      warnings: 0,
      findings: 0,
      not_complete: 0,
      name_from: 'entry',
      problems: null,
      status: 'failed',
      error: reason,
    },
    findings: [],
  };
}

async function parseFolder(path: string, problems: string[]): Promise<MachineLog[]> {
  const logs: MachineLog[] = [];
  let files;
  try {
    files = folderLogs(path);
  } catch (error) {
    problems.push((error as Error).message);
    return logs;
  }
  for (const file of files) {
    try {
      const result = await parseFile(file.path);
      logs.push({ name: file.name, result });
    } catch (error) {
      problems.push(`${file.name}: ${(error as Error).message}`);
    }
  }
  return logs;
}

function parseZip(path: string, problems: string[]): Promise<MachineLog[]> {
  const stream = (entry: ZipEntry, onChunk: (chunk: Buffer) => void) => streamZipEntry(path, entry, onChunk);
  return parseBundle(() => readZipEntries(path), stream, problems, unreadableReason);
}

function parseCab(path: string, problems: string[]): Promise<MachineLog[]> {
  const stream = (entry: CabEntry, onChunk: (chunk: Buffer) => void) => streamCabEntry(path, entry, onChunk);
  return parseBundle(() => readCabEntries(path), stream, problems);
}

/**
 * The logs of an archive, each streamed out of it into the general parser, in name order. An archive that cannot
 * be listed, or a file that cannot be read (`unreadable` says why before trying), is a problem of the machine's
 * row, and the other files are still read.
 */
async function parseBundle<Entry extends { name: string }>(
  list: () => Promise<Entry[]>,
  stream: (entry: Entry, onChunk: (chunk: Buffer) => void) => Promise<void>,
  problems: string[],
  unreadable: (entry: Entry) => string | null = () => null,
): Promise<MachineLog[]> {
  const logs: MachineLog[] = [];
  let entries;
  try {
    entries = await list();
  } catch (error) {
    problems.push((error as Error).message);
    return logs;
  }
  for (const entry of entries.filter((e) => LOG_NAME.test(e.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const reason = unreadable(entry);
    if (reason) {
      problems.push(`${entry.name}: ${reason}`);
      continue;
    }
    const records = new RecordTable(entry.name);
    const parser = new StreamingParser(entry.name, (r) => records.push(r));
    try {
      await stream(entry, (chunk) => parser.push(chunk));
      parser.end();
      logs.push({ name: entry.name, result: resultOf(parser, records) });
    } catch (error) {
      problems.push(`${entry.name}: ${(error as Error).message}`);
    }
  }
  return logs;
}

/**
 * The first name a log states for its own machine (ClientIDManagerStartup.log, state messages), or null. Only the
 * messages whose bytes hold what machineNameIn looks for are made strings (a ClientIDManagerStartup.log has
 * thousands of records, and the name is in a few).
 */
function nameFromLogs(logs: MachineLog[]): string | null {
  for (const { name, result } of logs) {
    const needle = NAME_NEEDLES.find(([file]) => file.test(name.split('/').pop()!))?.[1];
    if (!needle) continue;
    const table = result.records;
    let found: string | null = null;
    for (let i = 0; i < table.length && !found; i++) {
      const bytes = table.messageBytes(i);
      if (bytes === null || Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(needle) >= 0)
        found = machineNameIn(name, table.message(i));
    }
    if (found) return found;
  }
  return null;
}

/** The logs that may state the machine's name, and the text without which a message cannot (see machineNameIn). */
const NAME_NEEDLES: Array<[RegExp, Buffer]> = [
  [/^clientidmanagerstartup/i, Buffer.from('MachineName = "')],
  [/^statemessage/i, Buffer.from('ConfigurationItemReport')],
];

interface Totals {
  records: number;
  errors: number;
  warnings: number;
  first: number | null;
  last: number | null;
  /** The bias most records carry. */
  bias: number | null;
}

/** Hands every record to the sink, read from the table's columns, and counts what the machine row says about them. */
function writeRecords(logs: MachineLog[], sink: RecordSink): Totals {
  const totals: Totals = { records: 0, errors: 0, warnings: 0, first: null, last: null, bias: null };
  const biases = new Map<number, number>();
  for (const { name, result } of logs) {
    const table = result.records;
    const messages = new MessageBytes();
    // The messages as the table holds them (no view made per record); the few that scanMessages passes over (no
    // longer in the file) or gives otherwise than message(i) says (a CR dropped) are read one by one.
    let next = 0;
    const write = (i: number, bytes: Buffer, start: number, end: number) => {
      const severity = table.severity(i);
      const utc = table.utc(i);
      const bias = table.biasMinutes(i);
      totals.records++;
      if (severity === 'error') totals.errors++;
      else if (severity === 'warning') totals.warnings++;
      if (utc !== null) {
        if (totals.first === null || utc < totals.first) totals.first = utc;
        if (totals.last === null || utc > totals.last) totals.last = utc;
      }
      if (bias !== null) biases.set(bias, (biases.get(bias) ?? 0) + 1);
      sink.record(name, table, i, bytes, start, end, failureCode(bytes, start, end, severity));
    };
    const writeAlone = (i: number) => {
      const bytes = messageBytesOf(table, i);
      write(i, bytes, 0, bytes.length);
    };
    table.scanMessages(0, (bytes, start, end, i) => {
      while (next < i) writeAlone(next++);
      next = i + 1;
      if (table.messageDropsCr(i) || !messages.isUtf8(bytes, start, end)) writeAlone(i);
      else write(i, bytes, start, end);
    });
    while (next < table.length) writeAlone(next++);
    table.release();
  }
  let best = 0;
  for (const [bias, count] of biases) if (count > best) [best, totals.bias] = [count, bias];
  return totals;
}

/**
 * Whether a message's bytes are valid UTF-8, asked of each buffer scanMessages passes once (a 256 KB window of the
 * file, or the table's own bytes) rather than of each message: a run of valid UTF-8 cut where no character goes on
 * (the bytes at both ends are not continuation bytes, 10xxxxxx) is valid UTF-8. A buffer that is not (a Windows-1252
 * log, a window that ends inside a character) has its messages asked one by one.
 */
class MessageBytes {
  private buffer: Buffer | null = null;
  private valid = false;

  isUtf8(bytes: Buffer, start: number, end: number): boolean {
    if (bytes !== this.buffer) [this.buffer, this.valid] = [bytes, isUtf8(bytes)];
    if (this.valid) return !isContinuation(bytes[start]) && (end >= bytes.length || !isContinuation(bytes[end]));
    return isUtf8(bytes.subarray(start, end));
  }
}

const isContinuation = (byte: number) => (byte & 0xc0) === 0x80;

/**
 * The first failure code a record carries, decoded as `cmlogs stats` decodes them. Looked for in error and warning
 * records (where `cmlogs stats` looks) and in any record with a 0x number or a 10-digit one (clients also write
 * "Scan failed with error = 0x80244021" as information); a small number after "error" in an information record
 * ("error = 2") is left alone, and the search is skipped (on the message's bytes, no string made) for the many
 * records that cannot hold a code.
 */
function failureCode(bytes: Buffer, start: number, end: number, severity: Severity): FailureCode | null {
  if (severity !== 'error' && severity !== 'warning' && !mayHoldCode(bytes, start, end)) return null;
  const text = bytes.toString('utf8', start, end);
  // A machine logs the same failure lines again and again (retries, every cycle of an agent): the code of a short
  // message is a function of its text alone (decodeMatch without a context), so it is looked for once per text.
  const cacheable = text.length <= MAX_CACHED_MESSAGE;
  let failure = cacheable ? codeOfMessage.get(text) : undefined;
  if (failure !== undefined) return failure;
  failure = firstFailureIn(text);
  if (cacheable) {
    if (codeOfMessage.size >= MAX_CACHED_MESSAGES) codeOfMessage.clear();
    codeOfMessage.set(text, failure);
  }
  return failure;
}

function firstFailureIn(text: string): FailureCode | null {
  for (const match of findCodes(text)) {
    const failure = failureOf(match);
    if (failure) return failure;
  }
  return null;
}

/** Failure codes of messages already searched, by text (bounded: at most ~20k messages of at most 512 characters). */
const codeOfMessage = new Map<string, FailureCode | null>();
const MAX_CACHED_MESSAGE = 512;
const MAX_CACHED_MESSAGES = 20_000;

/**
 * A match's failure code, or null when it decodes as a success: decoded once per kind and value (decodeMatch
 * without a context depends on nothing else), since a machine repeats the same few codes thousands of times (a
 * third of the code search's time was the same lookups again). Bounded: a log cannot grow it without end.
 */
function failureOf(match: CodeMatch): FailureCode | null {
  const key = `${match.kind}:${match.value}`;
  let failure = decodedFailures.get(key);
  if (failure === undefined) {
    const info = decodeMatch(match);
    failure = info.severity === 'failure' ? { code: info.code, name: info.names[0] ?? null } : null;
    if (decodedFailures.size < 100_000) decodedFailures.set(key, failure);
  }
  return failure;
}

const decodedFailures = new Map<string, FailureCode | null>();

/**
 * Record i's message as UTF-8 bytes, read once for both the code search and the sink: the table's own bytes when
 * they are valid UTF-8 (a view, valid until the table reads another message), else the text the table gives (a
 * Windows-1252 line, a message no longer in its file) encoded again, so that the bytes always say what
 * `message(i)` says.
 */
function messageBytesOf(table: RecordTable, i: number): Buffer {
  const bytes = table.messageBytes(i);
  // The table's view is most often a Buffer already: one object per record fewer for the reader's GC.
  if (bytes !== null && isUtf8(bytes))
    return bytes instanceof Buffer ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return Buffer.from(table.message(i), 'utf8');
}

const ZERO = 0x30;
const NINE = 0x39;

/**
 * True when bytes[start, end) hold "0x" and a hex digit, or ten digits in a row: /0x[0-9a-f]|\d{10}/i on bytes.
 * Run on every information record of a fleet, so it reads few bytes: an "x" is looked for natively (once per
 * buffer of messages, see NextByte), and a run of ten digits always covers a byte at a multiple of ten from the
 * start (9, 19, 29...), so only those bytes are tried as its middle.
 */
export function mayHoldCode(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  return holdsHexCode(bytes, start, end) || holdsTenDigits(bytes, start, end);
}

const LOWER_X = new NextByte(0x78);
const UPPER_X = new NextByte(0x58);

/** "0x" or "0X" followed by a hex digit. */
function holdsHexCode(bytes: Uint8Array, start: number, end: number): boolean {
  return hexAfterZero(bytes, start, end, LOWER_X) || hexAfterZero(bytes, start, end, UPPER_X);
}

function hexAfterZero(bytes: Uint8Array, start: number, end: number, x: NextByte): boolean {
  for (let j = x.find(bytes, start + 1); j >= 1 && j + 1 < end; j = x.find(bytes, j + 1))
    if (bytes[j - 1] === ZERO && isHex(bytes[j + 1])) return true;
  return false;
}

const isDigit = (b: number) => b >= ZERO && b <= NINE;

function holdsTenDigits(bytes: Uint8Array, start: number, end: number): boolean {
  for (let probe = start + 9; probe < end; probe += 10) {
    if (!isDigit(bytes[probe])) continue;
    let from = probe;
    while (from > start && isDigit(bytes[from - 1])) from--;
    let to = probe + 1;
    while (to < end && to - from < 10 && isDigit(bytes[to])) to++;
    if (to - from >= 10) return true;
  }
  return false;
}

function isHex(b: number): boolean {
  const lower = b | 0x20;
  return (b >= ZERO && b <= NINE) || (lower >= 0x61 && lower <= 0x66);
}

/** A finding as a row: its status, where it stopped, its code, and the line that shows it (with that line's UTC). */
function findingRow(machine: string, finding: Finding, logs: MachineLog[]): FindingRow {
  const failed =
    finding.steps.find((s) => s.failed) ??
    (finding.status === 'complete' ? undefined : finding.steps.find((s) => !s.seen && s.logPresent && !s.optional));
  const error = finding.error;
  const evidence = error
    ? { file: error.file, line: error.line }
    : failed?.file
      ? { file: failed.file, line: failed.line! }
      : finding.evidence[0];
  return {
    machine,
    flow: finding.flow,
    key: finding.key,
    status: finding.status,
    failed_step: failed?.name ?? null,
    code: error?.code ?? null,
    code_name: error?.name ?? null,
    heading: error?.heading ?? null,
    summary: finding.summary,
    evidence_file: evidence ? nameOf(logs, evidence.file) : null,
    evidence_line: evidence?.line ?? null,
    evidence_utc: evidence ? sqlUtc(utcAt(logs, evidence.file, evidence.line)) : null,
  };
}

/** The name a parsed file has in the tables (the engine speaks of files by the path they were parsed from). */
function nameOf(logs: MachineLog[], file: string): string {
  return logs.find((l) => l.result.file === file)?.name ?? file;
}

function utcAt(logs: MachineLog[], file: string, line: number): number | null {
  const log = logs.find((l) => l.result.file === file);
  if (!log) return null;
  const index = log.result.records.indexAtLine(line);
  return index < 0 ? null : log.result.records.utc(index);
}
