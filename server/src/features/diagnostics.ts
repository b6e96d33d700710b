// Problems panel: error and warning records, and information records that carry a failure code
// (`failed ... 0x80070005` written with type="1"). The message names the decoded code.
// A log is written from top to bottom, so its newest records are at its end, and they are what an admin reads
// first: when there are more problems than the cap, the newest are listed and one more entry, on the first
// line, says how many older ones are not and where to see them (VS Code's own counters only count what is listed).
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { LogRecord, Severity } from '../core/record';
import { codeTitle, failureCodes } from './codes';
import { messagePosition } from './positions';
import { RecordTable } from '../core/table';

export interface DiagnosticsSettings {
  level: 'off' | 'errors' | 'errorsAndWarnings';
  maxPerFile: number;
}

/** What a log holds against what the Problems panel lists of it. */
export interface ProblemCounts {
  /** Problems of the log (records that would be listed without a cap), by diagnostic severity. */
  errors: number;
  warnings: number;
  information: number;
  /** How many of them are listed (the newest). */
  listed: number;
  /** 1-based line of the newest problem that is not listed, or null when all are. */
  lastUnlistedLine: number | null;
}

export interface DocumentDiagnostics {
  diagnostics: Diagnostic[];
  counts: ProblemCounts;
}

/** The code of the entry that says problems are left out: clients and tests can tell it from a record's. */
export const UNLISTED_CODE = 'cmlogs.unlisted';

const FAILURE_WORDS = /\b(?:fail|failed|failure|error|unable|cannot|could not)\b/i;

export function documentDiagnostics(
  records: RecordTable,
  settings: DiagnosticsSettings,
  lineLength: (line: number) => number,
): DocumentDiagnostics {
  const counts: ProblemCounts = { errors: 0, warnings: 0, information: 0, listed: 0, lastUnlistedLine: null };
  if (settings.level === 'off') return { diagnostics: [], counts };
  const cap = Math.max(0, Math.floor(settings.maxPerFile));
  const problems = findProblems(records, settings);
  for (let k = 0; k < problems.length; k++) count(counts, problems.severities[k] as DiagnosticSeverity);
  const firstListed = Math.max(0, problems.length - cap);
  const diagnostics: Diagnostic[] = [];
  for (let k = firstListed; k < problems.length; k++) {
    const record = records.get(problems.indices[k]);
    diagnostics.push(
      recordDiagnostic(record, problems.severities[k] as DiagnosticSeverity, failureCodes(record), lineLength),
    );
  }
  counts.listed = diagnostics.length;
  if (firstListed > 0) {
    counts.lastUnlistedLine = records.get(problems.indices[firstListed - 1]).line;
    diagnostics.unshift(unlistedDiagnostic(counts, problems.length, cap));
  }
  return { diagnostics, counts };
}

/** The records that are problems, in file order, with the severity each is listed with. */
interface Problems {
  length: number;
  indices: Int32Array;
  severities: Uint8Array;
}

/**
 * One pass in file order over the messages as bytes (no string for most records, and a log whose messages stay
 * in its file is read front to back, not once per record): errors, warnings, and information records that hold a
 * failure word and a failure code.
 */
function findProblems(records: RecordTable, settings: DiagnosticsSettings): Problems {
  let indices = new Int32Array(1024);
  let severities = new Uint8Array(1024);
  let length = 0;
  const add = (i: number, severity: DiagnosticSeverity) => {
    if (length === indices.length) {
      indices = grow(indices, new Int32Array(length * 2));
      severities = grow(severities, new Uint8Array(length * 2));
    }
    indices[length] = i;
    severities[length++] = severity;
  };
  const withWarnings = settings.level === 'errorsAndWarnings';
  const bySeverity = (i: number, severity: Severity) => {
    if (severity === 'error') add(i, DiagnosticSeverity.Error);
    else if (severity === 'warning' && withWarnings) add(i, DiagnosticSeverity.Warning);
  };
  const candidates: number[] = [];
  let next = 0;
  records.scanMessages(0, (bytes, start, end, i) => {
    // A message no longer in its file is skipped by the scan: its record's severity still counts.
    for (; next < i; next++) bySeverity(next, records.severity(next));
    next = i + 1;
    const severity: Severity = records.severity(i);
    if (severity === 'info') {
      if (FAILURE_WORDS.test(bytes.toString('latin1', start, end))) candidates.push(i); // the words are ASCII
    } else bySeverity(i, severity);
  });
  for (; next < records.length; next++) bySeverity(next, records.severity(next));
  return mergeInformation(
    records,
    { length, indices, severities },
    candidates,
    withWarnings ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
  );
}

/** Adds the information records that carry a failure code (decoded now: few records hold a failure word). */
function mergeInformation(
  records: RecordTable,
  found: Problems,
  candidates: number[],
  severity: DiagnosticSeverity,
): Problems {
  const withCode = candidates.filter((i) => failureCodes(records.get(i)).length > 0);
  if (!withCode.length) return found;
  const length = found.length + withCode.length;
  const indices = new Int32Array(length);
  const severities = new Uint8Array(length);
  for (let a = 0, b = 0, k = 0; k < length; k++) {
    if (b >= withCode.length || (a < found.length && found.indices[a] < withCode[b])) {
      indices[k] = found.indices[a];
      severities[k] = found.severities[a++];
    } else {
      indices[k] = withCode[b++];
      severities[k] = severity;
    }
  }
  return { length, indices, severities };
}

function grow<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function count(counts: ProblemCounts, severity: DiagnosticSeverity): void {
  if (severity === DiagnosticSeverity.Error) counts.errors++;
  else if (severity === DiagnosticSeverity.Warning) counts.warnings++;
  else counts.information++;
}

function recordDiagnostic(
  record: LogRecord,
  severity: DiagnosticSeverity,
  codes: ReturnType<typeof failureCodes>,
  lineLength: (line: number) => number,
): Diagnostic {
  const first = codes[0];
  const start = first ? messagePosition(record, first.match.start) : { line: record.line - 1, character: 0 };
  const end = first
    ? messagePosition(record, first.match.end)
    : { line: record.line - 1, character: lineLength(record.line - 1) };
  const summary = record.message.split('\n', 1)[0].slice(0, 200);
  return {
    range: { start, end },
    severity,
    source: 'cmlogs',
    code: first?.info.code,
    message: first ? `${codeTitle(first.info)}\n${summary}` : summary || '(empty record)',
  };
}

/** The entry that says how many problems are not listed, which ones, and how to see them. */
function unlistedDiagnostic(counts: ProblemCounts, total: number, cap: number): Diagnostic {
  const n = (value: number) => value.toLocaleString('en-US');
  const unlisted = total - counts.listed;
  const parts = [`${n(counts.errors)} error(s)`, `${n(counts.warnings)} warning(s)`];
  if (counts.information) parts.push(`${n(counts.information)} information`);
  const which =
    cap === 0
      ? `None of the ${n(total)} problems of this log are listed`
      : `Only the newest ${n(counts.listed)} of the ${n(total)} problems of this log are listed`;
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: 'cmlogs',
    code: UNLISTED_CODE,
    message:
      `${which} (${parts.join(', ')}): ${n(unlisted)} more, up to line ${n(counts.lastUnlistedLine ?? 0)}, are not. ` +
      'See every error on the timeline (ConfigMgr: Open in Timeline, then its Errors filter), or raise the setting cmlogs.diagnostics.maxPerFile.',
  };
}
