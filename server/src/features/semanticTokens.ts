// Whole records coloured by severity. CMTrace puts type="3" at the END of a record that may span many
// lines, which a TextMate grammar cannot see from the first line: the server, which knows records, can.
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import type { LogRecord } from '../core/record';
import { RecordTable } from '../core/table';

export const TOKEN_TYPES = ['logError', 'logWarning', 'logVerbose', 'logDamaged'] as const;
export const TOKEN_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [] };

function tokenTypeOf(record: LogRecord): number {
  if (record.damaged) return 3;
  switch (record.severity) {
    case 'error':
      return 0;
    case 'warning':
      return 1;
    case 'verbose':
      return 2;
    default:
      return -1;
  }
}

/**
 * `lineLength(n)` gives the length of 0-based line n; `fromLine`..`toLine` (0-based, inclusive) limit the work.
 * A range (what VS Code asks for the visible part of a big log) costs the records in it, not the whole log.
 */
export function semanticTokens(
  records: RecordTable,
  lineLength: (line: number) => number,
  fromLine = 0,
  toLine = Infinity,
): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  for (let i = firstEndingAtOrAfter(records, fromLine + 1); i < records.length; i++) {
    const r = records.get(i);
    if (r.line - 1 > toLine) break;
    const type = tokenTypeOf(r);
    if (type < 0) continue;
    for (let line = Math.max(r.line - 1, fromLine); line <= Math.min(r.endLine - 1, toLine); line++) {
      const length = lineLength(line);
      if (length > 0) builder.push(line, 0, length, type, 0);
    }
  }
  return builder.build();
}

/** The first record whose last line is at or after 1-based `line` (records are in line order). */
function firstEndingAtOrAfter(records: RecordTable, line: number): number {
  if (line <= 1) return 0;
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records.get(mid).endLine < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
