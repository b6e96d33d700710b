// The failure codes of a file's error and warning records, counted for `cmlogs stats` ("top error codes").
// It lives beside the decoders (not in the CLI) so that the parse workers (core/parallel.ts) can count a file's
// codes right after they read it, while the calling thread reads other files: decoding is the dearest part of
// stats after the parse itself, and the worker has the file's bytes in the page cache already.
import { severityId, type RecordTable } from '../table';
import { decodeMatch, findCodes } from './findCodes';
import { facilityText } from './hresult';

export type CodeCount = { code: string; names: string[]; message: string; count: number };

/** A file's failure codes: code → naming (its names joined) → count, in order of first appearance. */
export type FileCodes = Map<string, Map<string, CodeCount>>;

/** A failure code as a record names it; `naming` is its names joined (the key of its count). */
type Failure = { code: string; names: string[]; message: string; naming: string };

/**
 * The failure codes in a file's error and warning records. Each record names its code for its own context
 * (component, file, words). Only the messages of error and warning records are decoded (the severity column
 * tells which), read in reads that cover several of them; a message repeated with the same component is decoded once.
 */
export function fileCodes(records: RecordTable): FileCodes {
  const counter = new FailureCodeCounter(records);
  counter.addNew();
  return counter.codes;
}

/**
 * Counts the failure codes of a table's records as they are added (parseFile calls `addNew` after each chunk,
 * while the chunk's bytes are at hand, so that no message is read back from the disk), in record order: the
 * counts, their order and the memo are those of one pass over the finished table.
 */
export class FailureCodeCounter {
  readonly codes: FileCodes = new Map();
  /** Failures of each message, per component id (the component is part of the context). */
  private readonly seen = new Map<number, Map<string, Failure[]>>();
  private done = 0;
  private readonly error = severityId('error');
  private readonly warning = severityId('warning');

  constructor(private readonly records: RecordTable) {}

  /** Counts the records added since the last call. */
  addNew(): void {
    const from = this.done;
    this.done = this.records.length;
    const wanted = this.failureRecords(from, this.done);
    if (wanted.length) this.records.messagesOf(wanted, (i, message) => this.count(i, message));
  }

  private count(i: number, message: string): void {
    const records = this.records;
    const componentId = records.componentId(i);
    let byMessage = this.seen.get(componentId);
    if (!byMessage) this.seen.set(componentId, (byMessage = new Map()));
    let failures = byMessage.get(message);
    if (!failures) {
      const component = records.strings.values[componentId];
      byMessage.set(message, (failures = failuresIn(message, component, records.file)));
    }
    for (const failure of failures) {
      let byNaming = this.codes.get(failure.code);
      if (!byNaming) this.codes.set(failure.code, (byNaming = new Map()));
      const entry = byNaming.get(failure.naming);
      if (entry) entry.count++;
      else
        byNaming.set(failure.naming, {
          code: failure.code,
          names: failure.names,
          message: failure.message,
          count: 1,
        });
    }
  }

  /** Indices of the error and warning records in [from, to), from the severity column. */
  private failureRecords(from: number, to: number): number[] {
    const wanted: number[] = [];
    for (let i = from; i < to; i++) {
      const severity = this.records.severityIndex(i);
      if (severity === this.error || severity === this.warning) wanted.push(i);
    }
    return wanted;
  }
}

/** The failure codes of one message, decoded for its context. Success and no-op codes (S_FALSE, WU_E_NOOP, 3010) are not counted. */
function failuresIn(text: string, component: string, file: string): Failure[] {
  const failures: Failure[] = [];
  for (const match of findCodes(text)) {
    const info = decodeMatch(match, { text, component, file });
    if (info.outcome !== 'failure') continue;
    // A code the tables do not name still says its facility: better than a blank line.
    const message = info.known
      ? info.message
      : `not in the reference tables; ${facilityText(info.facility, info.facilityCode)}`;
    failures.push({ code: info.code, names: info.names, message, naming: info.names.join('\u0000') });
  }
  return failures;
}
