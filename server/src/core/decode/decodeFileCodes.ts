// The decoding half of a file's failure codes (fileCodes.ts collects them): the calling thread decodes each file's
// collected failure messages here, so that findCodes and the code tables warm up in one thread only.
import type { FileCodes } from './fileCodes';
import { decodeMatch, findCodes } from './findCodes';
import { facilityText } from './hresult';

export type CodeCount = { code: string; names: string[]; message: string; count: number };

/** A file's decoded failure codes: code → naming (its names joined) → count, in order of first appearance. */
export type DecodedCodes = Map<string, Map<string, CodeCount>>;

/** A failure code as a record names it; `naming` is its names joined (the key of its count). */
type Failure = { code: string; names: string[]; message: string; naming: string };

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
