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

export function documentDiagnostics(records: RecordTable, settings: DiagnosticsSettings, lineLength: (line: number) => number): DocumentDiagnostics {
  const counts: ProblemCounts = { errors: 0, warnings: 0, information: 0, listed: 0, lastUnlistedLine: null };
  if (settings.level === 'off') return { diagnostics: [], counts };
  const cap = Math.max(0, Math.floor(settings.maxPerFile));
  const newestFirst: Diagnostic[] = [];
  for (let i = records.length - 1; i >= 0; i--) {
    const severity = candidateSeverity(records, i, settings);
    if (severity === undefined) continue;
    const listing = newestFirst.length < cap;
    const isInfo = records.severity(i) === 'info';
    // Older errors and warnings are only counted: their codes are decoded only when they are listed.
    const record = listing || isInfo ? records.get(i) : null;
    const codes = record ? failureCodes(record) : [];
    // An information record counts only when it carries a failure code next to a failure word.
    if (isInfo && !codes.length) continue;
    count(counts, severity);
    if (listing) newestFirst.push(recordDiagnostic(record!, severity, codes, lineLength));
    else counts.lastUnlistedLine ??= record?.line ?? lineOf(records, i);
  }
  counts.listed = newestFirst.length;
  const diagnostics = newestFirst.reverse();
  const total = counts.errors + counts.warnings + counts.information;
  if (total > counts.listed) diagnostics.unshift(unlistedDiagnostic(counts, total, cap));
  return { diagnostics, counts };
}

/** The severity a record would be listed with, from its columns alone (no message is read for most records). */
function candidateSeverity(records: RecordTable, i: number, settings: DiagnosticsSettings): DiagnosticSeverity | undefined {
  const severity: Severity = records.severity(i);
  if (severity === 'error') return DiagnosticSeverity.Error;
  const withWarnings = settings.level === 'errorsAndWarnings';
  if (severity === 'warning') return withWarnings ? DiagnosticSeverity.Warning : undefined;
  if (severity === 'info' && FAILURE_WORDS.test(records.message(i))) return withWarnings ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
  return undefined;
}

function lineOf(records: RecordTable, i: number): number {
  return records.get(i).line;
}

function count(counts: ProblemCounts, severity: DiagnosticSeverity): void {
  if (severity === DiagnosticSeverity.Error) counts.errors++;
  else if (severity === DiagnosticSeverity.Warning) counts.warnings++;
  else counts.information++;
}

function recordDiagnostic(record: LogRecord, severity: DiagnosticSeverity, codes: ReturnType<typeof failureCodes>, lineLength: (line: number) => number): Diagnostic {
  const first = codes[0];
  const start = first ? messagePosition(record, first.match.start) : { line: record.line - 1, character: 0 };
  const end = first ? messagePosition(record, first.match.end) : { line: record.line - 1, character: lineLength(record.line - 1) };
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
  const which = cap === 0 ? `None of the ${n(total)} problems of this log are listed` : `Only the newest ${n(counts.listed)} of the ${n(total)} problems of this log are listed`;
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
