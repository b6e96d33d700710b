// Record coordinates (1-based lines, offsets inside record.message) → LSP positions (0-based).
import type { Position, Range } from 'vscode-languageserver';
import type { LogRecord } from '../core/record';

export function messagePosition(record: LogRecord, offset: number): Position {
  const message = record.message;
  let line = record.line - 1;
  let lineStart = 0;
  for (let i = message.indexOf('\n'); i >= 0 && i < offset; i = message.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const character = (lineStart === 0 ? record.column : 0) + offset - lineStart;
  return { line, character };
}

export function messageRange(record: LogRecord, start: number, end: number): Range {
  return { start: messagePosition(record, start), end: messagePosition(record, end) };
}

/** The whole record: from its first line to the end of its last line. */
export function recordRange(record: LogRecord, lastLineLength: number): Range {
  return {
    start: { line: record.line - 1, character: 0 },
    end: { line: record.endLine - 1, character: lastLineLength },
  };
}

/** Offset inside record.message for a document position, or -1 when the position is outside the message. */
export function messageOffset(record: LogRecord, position: Position): number {
  const lineInRecord = position.line - (record.line - 1);
  if (lineInRecord < 0) return -1;
  let start = 0;
  for (let i = 0; i < lineInRecord; i++) {
    const nl = record.message.indexOf('\n', start);
    if (nl < 0) return -1;
    start = nl + 1;
  }
  const lineEnd = record.message.indexOf('\n', start);
  const character = position.character - (lineInRecord === 0 ? record.column : 0);
  const length = (lineEnd < 0 ? record.message.length : lineEnd) - start;
  return character >= 0 && character <= length ? start + character : -1;
}
