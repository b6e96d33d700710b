import type { FormatId, LogRecord, Severity } from '../record';
import type { LogTime } from '../time';

/** What a format parser knows about one record; the assembler adds file and line numbers. */
export type RecordFields = Omit<LogRecord, 'file' | 'line' | 'endLine' | 'column'>;

/** One object per record, built once: the assembler completes it in place (no copies on the hot path). */
export function fieldsFrom(
  format: FormatId,
  message: string,
  time: LogTime | null,
  rest: Partial<RecordFields> = {},
): RecordFields {
  const fields: RecordFields = {
    format,
    // Local time without a bias is no UTC time: the record has none until its machine's clock is known (core/clock.ts).
    utc: time && time.biasMinutes !== null ? time.utc : null,
    local: time ? time.local : null,
    biasMinutes: time ? time.biasMinutes : null,
    component: rest.component ?? '',
    context: rest.context ?? '',
    thread: rest.thread ?? null,
    severity: rest.severity ?? 'info',
    rawType: rest.rawType ?? null,
    message,
    sourceFile: rest.sourceFile ?? '',
  };
  if (rest.damaged) fields.damaged = rest.damaged;
  return fields;
}

// Logs without a severity column: CMTrace colours a line red or yellow by its words; so do we, with whole words.
const ERROR_WORDS = /\b(?:error|errors|failed|failure|fatal|exception)\b/i;
const WARNING_WORDS = /\b(?:warning|warn)\b/i;

export function severityFromWords(text: string): Severity {
  if (ERROR_WORDS.test(text)) return 'error';
  if (WARNING_WORDS.test(text)) return 'warning';
  return 'info';
}

export function parseThread(text: string, radix = 10): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const n = parseInt(trimmed, radix);
  return Number.isFinite(n) ? n : null;
}
