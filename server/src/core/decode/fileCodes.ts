// The failure codes of a file's error and warning records, counted for `cmlogs stats` ("top error codes").
//
// Two halves, so that the decoders run in one thread only. The thread that parses a file collects the messages of
// its error and warning records (FailureCodeCounter, right after each chunk, while its bytes are at hand: no
// message is read back from the disk), each distinct (component, message) once with its count, in order of first
// appearance: that is cheap, and it is plain data a worker hands back with the table. The calling thread then
// decodes those messages (decodeFileCodes): findCodes' regexes, the code tables and the decoders warm up once in
// one thread, instead of cold in every parse worker (the cold start cost 490-515 ms of CPU per thread for the
// 38,661 error and warning records of the bench corpus, 170-220 ms warm). Decoding the collected messages in order
// gives the counts, their order and their namings of one pass over every record.
//
// This module is the collecting half (no decoder is imported here, so the parse workers' bundle carries none);
// decodeFileCodes.ts is the decoding half.
import { severityId, type RecordTable } from '../table';

/**
 * A file's failure messages, not decoded yet: each distinct (component, message) of its error and warning records
 * once, in order of first appearance, with how many records wrote it. Plain arrays: a worker posts it as it is.
 */
export interface FileCodes {
  /** The file's path: part of each code's context (it names the log: WUAHandler.log, ccmsetup.log...). */
  file: string;
  components: string[];
  messages: string[];
  counts: number[];
}

/** The failure messages of a finished table's error and warning records (its messages read back in bulk). */
export function fileCodes(records: RecordTable): FileCodes {
  const counter = new FailureCodeCounter(records);
  counter.addNew();
  return counter.codes;
}

/**
 * Collects the failure messages of a table's records as they are added (parseFile calls `addNew` after each
 * chunk, while the chunk's bytes are at hand, so that no message is read back from the disk), in record order.
 */
export class FailureCodeCounter {
  readonly codes: FileCodes;
  /** Position in `codes` of each message, per component id. */
  private readonly seen = new Map<number, Map<string, number>>();
  private done = 0;
  private readonly error = severityId('error');
  private readonly warning = severityId('warning');

  constructor(private readonly records: RecordTable) {
    this.codes = { file: records.file, components: [], messages: [], counts: [] };
  }

  /** Collects the records added since the last call. */
  addNew(): void {
    const from = this.done;
    this.done = this.records.length;
    const wanted = this.failureRecords(from, this.done);
    if (wanted.length) this.records.messagesOf(wanted, (i, message) => this.collect(i, message));
  }

  private collect(i: number, message: string): void {
    const componentId = this.records.componentId(i);
    let byMessage = this.seen.get(componentId);
    if (!byMessage) this.seen.set(componentId, (byMessage = new Map()));
    const at = byMessage.get(message);
    if (at !== undefined) {
      this.codes.counts[at]++;
      return;
    }
    byMessage.set(message, this.codes.messages.length);
    this.codes.components.push(this.records.strings.values[componentId]);
    this.codes.messages.push(message);
    this.codes.counts.push(1);
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
