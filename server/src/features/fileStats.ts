// Per-log answers for the client: counts and time span for the status bar, and the error/warning line ranges
// for CMTrace-style whole-record highlighting.
import type { LogIndex } from '../core/logIndex';
import type { RecordTable } from '../core/table';
import { toIsoUtc } from '../core/time';
import type { FileStats, SeverityRange } from '../protocol';

export function fileStats(index: LogIndex, file: string): FileStats | null {
  const result = index.file(file);
  if (!result) return null;
  let errors = 0;
  let warnings = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const r of result.records) {
    if (r.severity === 'error') errors++;
    else if (r.severity === 'warning') warnings++;
    if (r.utc !== null) {
      if (first === null || r.utc < first) first = r.utc;
      if (last === null || r.utc > last) last = r.utc;
    }
  }
  return { records: result.records.length, errors, warnings, damaged: result.warningCount, format: result.format, encoding: result.encoding, firstUtc: toIsoUtc(first), lastUtc: toIsoUtc(last) };
}

export function severityRanges(records: RecordTable): SeverityRange[] {
  const out: SeverityRange[] = [];
  for (const r of records) {
    if (r.severity === 'error' || r.severity === 'warning') out.push({ startLine: r.line - 1, endLine: r.endLine - 1, severity: r.severity });
  }
  return out;
}
