// What a log format is to the rest of the house: one object per format, registered in formats/registry.ts.
// Detection asks each format whether a line is its own; the assembler (assemble.ts) asks it to read the line
// that starts a record and whether the lines after it continue that record; the table stores its id; hovers
// ask which column of a record's first line is what. A new format is one file that exports such an object,
// plus its place in the registry's list.
import type { RecordFields } from './fields';

/** What a column before the message holds (hovers on it explain the time, thread, component or type). */
export type ColumnKind = 'time' | 'thread' | 'component' | 'type' | 'other';

/**
 * How a format's lines make records:
 * - 'first-line': a line the format reads starts a record; lines it does not read continue that record;
 * - 'cmtrace': a record ends with its ]LOG]!><...> header, after a message of any number of lines;
 * - 'sms': a record ends with its $$<component><time><thread> trailer;
 * - 'line': every line is a record (the fallback).
 */
export type RecordShape = 'first-line' | 'cmtrace' | 'sms' | 'line';

export interface LogFormat<Id extends string = string, State = unknown> {
  readonly id: Id;
  /** What people call it, for documentation and messages. */
  readonly name: string;
  readonly shape: RecordShape;
  /** Whether a line (from the head of a file) is written in this format: the most claimed format wins. */
  detect(line: string): boolean;
  /**
   * Read only in files detected as this format: its lines mean nothing without the file's state (an MSI log's
   * date line, an IIS log's #Fields header) or would be mistaken in other files.
   */
  readonly ownFilesOnly?: boolean;
  /** A fresh state for a file (what `parseStart` remembers from line to line). */
  newState?(): State;
  /** A copy of a state (for the provisional records of a log still being written). */
  copyState?(state: State): State;
  /** The fields of the record a line starts (its time, severity, component, thread ...), or null if it starts none. */
  parseStart?(line: string, state: State): RecordFields | null;
  /** Whether a line that starts no record continues the open one (default: every line does). */
  continues?(line: string, state: State): boolean;
  /** A bias a record declares for the records after it (classic WindowsUpdate.log's "tz: -0500"), or null. */
  declaredBias?(fields: RecordFields): number | null;
  /** What the whitespace-separated columns before a first-line record's message are, in order (for hovers). */
  readonly columns?: readonly ColumnKind[];
  /** What the level column is called in a hover ("type=" for CMTrace, "level " by default) and what its values mean. */
  readonly levelName?: string;
  readonly levels?: string;
  /** What is at `character` of the text before a record's message, when whitespace does not separate its columns. */
  columnAt?(prefix: string, character: number): ColumnKind | undefined;
  /** Whether `offset` of a record's message is the record's own time (a time stamp line, a section header). */
  timeInMessage?(message: string, offset: number): boolean;
}

/** A format whose records start on a line it reads: what the assembler needs of it. */
export type FirstLineFormat = LogFormat & { parseStart(line: string, state: unknown): RecordFields | null };

export function isFirstLine(format: LogFormat): format is FirstLineFormat {
  return format.shape === 'first-line' && typeof format.parseStart === 'function';
}

/** A first-line format without state: `detect` is "parseStart reads it", after a cheap test. */
export function statelessFormat<Id extends string>(
  id: Id,
  name: string,
  mayStart: (line: string) => boolean,
  parse: (line: string) => RecordFields | null,
  rest: Partial<LogFormat<Id, undefined>> = {},
): LogFormat<Id, undefined> {
  return {
    id,
    name,
    shape: 'first-line',
    detect: (line) => mayStart(line) && parse(line) !== null,
    parseStart: (line) => (mayStart(line) ? parse(line) : null),
    ...rest,
  };
}

export const startsWithDigit = (line: string): boolean => {
  const c = line.charCodeAt(0);
  return c >= 48 && c <= 57;
};
export const startsWithAngle = (line: string): boolean => line.charCodeAt(0) === 60;
export const startsWithBracket = (line: string): boolean => line.charCodeAt(0) === 91;
