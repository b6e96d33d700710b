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
import { severityId, type RecordTable } from '../table';
import { decodeMatch, findCodes } from './findCodes';
import { facilityText } from './hresult';

export type CodeCount = { code: string; names: string[]; message: string; count: number };

/** A file's decoded failure codes: code → naming (its names joined) → count, in order of first appearance. */
export type DecodedCodes = Map<string, Map<string, CodeCount>>;

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

/** A failure code as a record names it; `naming` is its names joined (the key of its count). */
type Failure = { code: string; names: string[]; message: string; naming: string };

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

/**
 * Decodes a file's failure messages: each code counted once per record that wrote it, under the naming its record's
 * context gives it, in order of first appearance.
 */
export function decodeFileCodes(messages: FileCodes): DecodedCodes {
  const codes: DecodedCodes = new Map();
  for (let k = 0; k < messages.messages.length; k++) {
    const count = messages.counts[k];
    for (const failure of failuresIn(messages.messages[k], messages.components[k], messages.file)) {
      let byNaming = codes.get(failure.code);
      if (!byNaming) codes.set(failure.code, (byNaming = new Map()));
      const entry = byNaming.get(failure.naming);
      if (entry) entry.count += count;
      else
        byNaming.set(failure.naming, {
          code: failure.code,
          names: failure.names,
          message: failure.message,
          count,
        });
    }
  }
  return codes;
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
