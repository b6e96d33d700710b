import type { FormatId, LogRecord, Severity } from '../record';
import type { LogTime } from '../time';
/** What a format parser knows about one record; the assembler adds file and line numbers. */
export type RecordFields = Omit<LogRecord, 'file' | 'line' | 'endLine' | 'column'>;
/** One object per record, built once: the assembler completes it in place (no copies on the hot path). */
export declare function fieldsFrom(format: FormatId, message: string, time: LogTime | null, rest?: Partial<RecordFields>): RecordFields;
export declare function severityFromWords(text: string): Severity;
export declare function parseThread(text: string, radix?: number): number | null;
