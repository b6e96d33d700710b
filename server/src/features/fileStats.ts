// Per-log answers for the client: counts and time span for the status bar, and the error/warning line ranges
// for CMTrace-style whole-record highlighting. Both read the table's columns: no message is read (a big log's
// messages stay in its file, and the status bar asks at every switch of editor).
import type { LogIndex } from '../core/logIndex';
import type { RecordTable } from '../core/table';
import { toIsoUtc } from '../core/time';
import type { FileStats, SeverityRange } from '../protocol';

export function fileStats(index: LogIndex, file: string): FileStats | null {
  const result = index.file(file);
  if (!result) return null;
  const records = result.records;
  let errors = 0;
  let warnings = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (let i = 0; i < records.length; i++) {
    const severity = records.severity(i);
    if (severity === 'error') errors++;
    else if (severity === 'warning') warnings++;
    const utc = records.utc(i);
    if (utc !== null) {
      if (first === null || utc < first) first = utc;
      if (last === null || utc > last) last = utc;
    }
  }
  return {
    records: records.length,
    errors,
    warnings,
    damaged: result.warningCount,
    ...(result.warnings[0] && { firstDamage: { line: result.warnings[0].line, message: result.warnings[0].message } }),
    format: result.format,
    encoding: result.encoding,
    firstUtc: toIsoUtc(first),
    lastUtc: toIsoUtc(last),
  };
}

export function severityRanges(records: RecordTable): SeverityRange[] {
  const out: SeverityRange[] = [];
  for (let i = 0; i < records.length; i++) {
    const severity = records.severity(i);
    if (severity !== 'error' && severity !== 'warning') continue;
    out.push({ startLine: records.line(i) - 1, endLine: records.endLine(i) - 1, severity });
  }
  return out;
}
