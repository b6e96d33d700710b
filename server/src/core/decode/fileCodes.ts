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

type Failure = { code: string; names: string[]; message: string };

/**
 * The failure codes in a file's error and warning records. Each record names its code for its own context
 * (component, file, words). Only the messages of error and warning records are decoded (the severity column
 * tells which), read in reads that cover several of them; a message repeated with the same component is decoded once.
 */
export function fileCodes(records: RecordTable): FileCodes {
  const codes: FileCodes = new Map();
  const seen = new Map<number, Map<string, Failure[]>>();
  const count = (i: number, message: string) => {
    const componentId = records.componentId(i);
    let byMessage = seen.get(componentId);
    if (!byMessage) seen.set(componentId, (byMessage = new Map()));
    let failures = byMessage.get(message);
    if (!failures) {
      const component = records.strings.values[componentId];
      byMessage.set(message, (failures = failuresIn(message, component, records.file)));
    }
    for (const failure of failures) {
      let byNaming = codes.get(failure.code);
      if (!byNaming) codes.set(failure.code, (byNaming = new Map()));
      const key = failure.names.join('\u0000');
      const entry = byNaming.get(key);
      if (entry) entry.count++;
      else byNaming.set(key, { ...failure, count: 1 });
    }
  };
  records.messagesOf(failureRecords(records), count);
  return codes;
}

/** Indices of the error and warning records, from the severity column. */
function failureRecords(records: RecordTable): Int32Array {
  const error = severityId('error');
  const warning = severityId('warning');
  const wanted = new Int32Array(records.length);
  let n = 0;
  for (let i = 0; i < records.length; i++) {
    const severity = records.severityIndex(i);
    if (severity === error || severity === warning) wanted[n++] = i;
  }
  return wanted.subarray(0, n);
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
    failures.push({ code: info.code, names: info.names, message });
  }
  return failures;
}
