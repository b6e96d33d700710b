// The one shape every other module speaks: a log record, whatever format it came from.

/**
 * Which format a record was read as: the ids of formats/registry.ts. Among them: 'cmtrace' (<![LOG[msg]LOG]!><time=""
 * date="" ...>), 'sms' (msg $$<Component><MM-DD-YYYY HH:MM:SS.fff+BIAS><thread=N (0xN)>), 'wulog' / 'wuetw'
 * (WindowsUpdate.log classic and from Get-WindowsUpdateLog), 'wsus' (SoftwareDistribution.log), 'setup'
 * (<MM/DD/YY HH:MM:SS> text), 'msi' (MSI (s) (7C:10) [11:25:00:123]: text) and 'plain' (anything else, one
 * record per line, best-effort timestamp).
 */
export type FormatId = import('./formats/registry').FormatId;

export type Severity = 'error' | 'warning' | 'info' | 'verbose' | 'unknown';

export interface LogRecord {
  /** Path of the file the record came from, as given to the parser. */
  file: string;
  /** 1-based line where the record starts. */
  line: number;
  /** 1-based line where the record ends (== line for single-line records). */
  endLine: number;
  /** 0-based column on `line` where `message` begins (after "<![LOG[" or a timestamp prefix). */
  column: number;
  format: FormatId;
  /** Milliseconds since the epoch in UTC, or null when the record has no usable time. */
  utc: number | null;
  /** The time as the log wrote it, ISO-like without zone ("2014-01-16T13:53:52.608"), or null. */
  local: string | null;
  /** Windows bias in minutes (UTC = local + bias); null when the log does not say. */
  biasMinutes: number | null;
  component: string;
  context: string;
  thread: number | null;
  severity: Severity;
  /** The format's own severity token (CMTrace type="3", WSUS "Error", ...), or null. */
  rawType: string | null;
  message: string;
  /** CMTrace file="..." (source file:line of the writer), or "". */
  sourceFile: string;
  /** Set when the record was damaged (cut by a concurrent writer, truncated, bad time). */
  damaged?: string;
}

export interface ParseWarning {
  file: string;
  line: number;
  message: string;
}
