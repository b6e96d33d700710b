// What `cmlogs stats` says of one file that the columns alone decide: its records by severity and by format, and its
// time span and UTC sources. The thread that parsed the file computes it while the columns are in its cache (a parse
// worker posts it back with the table: plain data), so the calling thread does not loop over every record again
// once all files are in (that loop was ~0.1 s of the bench corpus's stats, after everything else had finished).
import type { RecordTable, TimeSummary } from '../table';

export interface FileSummary {
  /** Records by severity, then by format, in order of first appearance (RecordTable.countsOf). */
  severities: Array<[string, number]>;
  formats: Array<[string, number]>;
  /**
   * RecordTable.timeSummary, or null when a record has a local time and no bias of its own: its UTC comes from the
   * folder's clock (core/clock.ts), which is only known once every log of the folder is parsed.
   */
  time: TimeSummary | null;
}

export function summarizeTable(table: RecordTable): FileSummary {
  return {
    severities: table.countsOf('severity'),
    formats: table.countsOf('format'),
    time: table.hasLocalOnlyTimes() ? null : table.timeSummary(),
  };
}
