// One machine of a fleet: its logs parsed (a folder through parseFile's fast path, a zip's entries streamed
// through the general parser), diagnosed with the same engine as `cmlogs diagnose`, and turned into rows. The
// records go out one by one to a sink as they are read back from the tables; only this machine's tables are
// held, and they are let go when it is done.
import { decodeMatch, findCodes } from '../decode/findCodes';
import { diagnose, type Finding } from '../diagnose/index';
import { parseFile, resultOf, StreamingParser, type ParseResult } from '../parse';
import { RecordTable } from '../table';
import { folderLogs, LOG_NAME, machineNameIn, type MachineEntry } from './machines';
import { sqlUtc, type FindingRow, type MachineRow, type RecordRow } from './rows';
import { readZipEntries, streamZipEntry, unreadableReason } from './zip';

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

/** Reads, diagnoses and tabulates one machine; `onRecord` receives every record row, file by file. */
export async function readMachine(entry: MachineEntry, onRecord: (row: RecordRow) => void): Promise<MachineResult> {
  const problems: string[] = [];
  let t = performance.now();
  const lap = () => -t + (t = performance.now());
  const logs = entry.kind === 'zip' ? await parseZip(entry.path, problems) : await parseFolder(entry.path, problems);
  const parse = lap();
  const findings = diagnose(logs.map((l) => l.result));
  const diagnosis = lap();
  const named = nameFromLogs(logs);
  const machine = named ?? entry.name;
  const totals = writeRecords(machine, logs, onRecord);
  const rows = findings.map((f) => findingRow(machine, f, logs));
  const timings = { parse, diagnose: diagnosis, records: lap() };
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
    },
    findings: rows,
  };
}

async function parseFolder(path: string, problems: string[]): Promise<MachineLog[]> {
  const logs: MachineLog[] = [];
  for (const file of folderLogs(path)) {
    try {
      const result = await parseFile(file.path);
      logs.push({ name: file.name, result });
    } catch (error) {
      problems.push(`${file.name}: ${(error as Error).message}`);
    }
  }
  return logs;
}

async function parseZip(path: string, problems: string[]): Promise<MachineLog[]> {
  const logs: MachineLog[] = [];
  let entries;
  try {
    entries = await readZipEntries(path);
  } catch (error) {
    problems.push((error as Error).message);
    return logs;
  }
  for (const entry of entries.filter((e) => LOG_NAME.test(e.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const reason = unreadableReason(entry);
    if (reason) {
      problems.push(`${entry.name}: ${reason}`);
      continue;
    }
    const records = new RecordTable(entry.name);
    const parser = new StreamingParser(entry.name, (r) => records.push(r));
    try {
      await streamZipEntry(path, entry, (chunk) => parser.push(chunk));
      parser.end();
      logs.push({ name: entry.name, result: resultOf(parser, records) });
    } catch (error) {
      problems.push(`${entry.name}: ${(error as Error).message}`);
    }
  }
  return logs;
}

/** The first name a log states for its own machine (ClientIDManagerStartup.log, state messages), or null. */
function nameFromLogs(logs: MachineLog[]): string | null {
  for (const { name, result } of logs) {
    if (!/^(?:clientidmanagerstartup|statemessage)/i.test(name.split('/').pop()!)) continue;
    for (let i = 0; i < result.records.length; i++) {
      const found = machineNameIn(name, result.records.message(i));
      if (found) return found;
    }
  }
  return null;
}

interface Totals {
  records: number;
  errors: number;
  warnings: number;
  first: number | null;
  last: number | null;
  /** The bias most records carry. */
  bias: number | null;
}

/** Hands every record to `onRecord` and counts what the machine row says about them. */
function writeRecords(machine: string, logs: MachineLog[], onRecord: (row: RecordRow) => void): Totals {
  const totals: Totals = { records: 0, errors: 0, warnings: 0, first: null, last: null, bias: null };
  const days = new UtcDays();
  const biases = new Map<number, number>();
  for (const { name, result } of logs) {
    const table = result.records;
    for (let i = 0; i < table.length; i++) {
      const r = table.get(i);
      totals.records++;
      if (r.severity === 'error') totals.errors++;
      else if (r.severity === 'warning') totals.warnings++;
      if (r.utc !== null) {
        if (totals.first === null || r.utc < totals.first) totals.first = r.utc;
        if (totals.last === null || r.utc > totals.last) totals.last = r.utc;
      }
      if (r.biasMinutes !== null) biases.set(r.biasMinutes, (biases.get(r.biasMinutes) ?? 0) + 1);
      const code = failureCode(r.message, r.severity);
      onRecord({
        machine,
        day: r.utc === null ? null : days.of(r.utc),
        file: name,
        line: r.line,
        utc_ms: r.utc,
        local: r.local,
        bias: r.biasMinutes,
        severity: r.severity,
        component: r.component,
        thread: r.thread,
        code: code?.code ?? null,
        code_name: code?.name ?? null,
        message: r.message,
      });
    }
    table.release();
  }
  let best = 0;
  for (const [bias, count] of biases) if (count > best) [best, totals.bias] = [count, bias];
  return totals;
}

/** "YYYY-MM-DD" of a UTC time, made once per day rather than a Date and its ISO text per record. */
class UtcDays {
  private day = NaN;
  private text = '';

  of(utc: number): string {
    const day = Math.floor(utc / 86_400_000);
    if (day !== this.day) [this.day, this.text] = [day, new Date(day * 86_400_000).toISOString().slice(0, 10)];
    return this.text;
  }
}

/**
 * The first failure code a record carries, decoded as `cmlogs stats` decodes them. Looked for in error and warning
 * records (where `cmlogs stats` looks) and in any record with a 0x number or a 10-digit one (clients also write
 * "Scan failed with error = 0x80244021" as information); a small number after "error" in an information record
 * ("error = 2") is left alone, and the search is skipped for the many records that cannot hold a code.
 */
function failureCode(message: string, severity: string): { code: string; name: string | null } | null {
  if (severity !== 'error' && severity !== 'warning' && !/0x[0-9a-f]|\d{10}/i.test(message)) return null;
  for (const match of findCodes(message)) {
    const info = decodeMatch(match);
    if (info.severity === 'failure') return { code: info.code, name: info.names[0] ?? null };
  }
  return null;
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
