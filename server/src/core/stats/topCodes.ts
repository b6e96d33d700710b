// The top failure codes of `cmlogs stats`: of all the failure codes in the error and warning records of every file,
// the N most frequent, each with the naming most of its records chose.
//
// Only those N codes need names. A code's number, its row key ("0x80070005", "HTTP 404") and whether it counts as a
// failure do not depend on the line it is in (outcomeOf, the HTTP status class): only its names and message do
// (codeContext.ts). So each distinct failure message is searched for codes once (findCodes) and the codes counted by
// key; when every file is in, the messages that hold one of the top N are decoded in their context (decodeMatch), in
// file order and order of first appearance, which gives the namings, their counts and their order of one pass over
// every record (decodeFileCodes.ts does that pass; test/unit/stats.topCodes.test.ts compares them). Decoding was
// most of the cost: each value's rows, sorts and context ranks for ~13,000 distinct messages of the bench corpus.
//
// Searching was the next cost (findCodes on each of those ~13,000 messages: ~150-250 ms of the calling thread, cold).
// Most of them differ only in a GUID ("Update (a56c4308-...) requires a reboot", "CTM job {...} failed"), and a GUID
// fenced as below can neither hold a code nor change how findCodes reads the text around it, so messages that differ
// only there have the same codes at the same places: each such family is searched once (searchKeyOf).
import type { CodeCount } from '../decode/decodeFileCodes';
import type { FileCodes } from '../decode/fileCodes';
import { decodeMatch, findCodes, type CodeMatch } from '../decode/findCodes';
import { facilityText, formatCode, hresultFromWin32 } from '../decode/hresult';
import { outcomeOf } from '../decode/outcome';

/** The row key of a code found in a line ("0x80070005", "HTTP 404"), or null when it is no failure (S_FALSE, 3010, HTTP 304). */
export function failureKey(match: CodeMatch): string | null {
  if (match.kind === 'http') return match.value >= 400 ? `HTTP ${match.value}` : null;
  const value = (match.kind === 'win32' ? hresultFromWin32(match.value) : match.value) >>> 0;
  return outcomeOf(value) === 'failure' ? formatCode(value) : null;
}

/**
 * A GUID as ConfigMgr fences it: after "{", "_" or "(" (not "(" + three digits: see searchKeyOf), before "}", ")",
 * "." or "/"; and the same with the GUID blanked.
 */
const FENCED_GUID =
  /([{_]|\((?!\d{3}))[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?=[}).\/])/g;
const BLANKED_GUID = '$100000000-0000-0000-0000-000000000000';

/**
 * The text findCodes reads the same as `message`: its fenced GUIDs blanked. Why that changes no match, rule by
 * rule of findCodes.ts: no keyword, "0x" or HTTP phrase is made of hex digits and dashes, so none lies inside a
 * GUID; a number inside one is refused either way (a hex digit or "-" before it, "-" + hex digit after its first
 * group); nothing after the fence joins it: "{", "_" and "(" are no separator a keyword's value may follow and
 * "}", ")", "." and "/" end any word, so the checks that look around a value (the words before it, a count after
 * it, a thread's echo, "failed ... 0x0000000N") see the same text. A GUID after "(" that starts with three digits
 * is kept as written: "status code (404a..." reads an HTTP status there. test/unit/stats.topCodes.test.ts compares
 * findCodes of both texts.
 */
export function searchKeyOf(message: string): string {
  return message.includes('-') ? message.replace(FENCED_GUID, BLANKED_GUID) : message;
}

/** A file's failure messages with the failure codes found in each (null: none). */
interface SearchedFile {
  codes: FileCodes;
  found: Array<Array<{ match: CodeMatch; key: string }> | null>;
}

/** Counts failure codes file by file (in any order), then names the top N (see the top of this file). */
export class FailureCodeTally {
  private readonly files: Array<SearchedFile | undefined> = [];
  /** Records' failure codes by key, over every file. */
  private readonly totals = new Map<string, number>();
  /** The failure codes found in a message, by its searchKeyOf (over every file: rolled-over logs repeat messages). */
  private readonly searched = new Map<string, Array<{ match: CodeMatch; key: string }> | null>();

  /** Searches file `index`'s failure messages for codes and counts them (the file's place decides naming order). */
  add(index: number, codes: FileCodes): void {
    const found: SearchedFile['found'] = [];
    for (let k = 0; k < codes.messages.length; k++) {
      const failures = this.failuresIn(codes.messages[k]);
      for (const { key } of failures ?? []) this.totals.set(key, (this.totals.get(key) ?? 0) + codes.counts[k]);
      found.push(failures);
    }
    this.files[index] = { codes, found };
  }

  /** The failure codes findCodes finds in `message` (null: none), searched once per searchKeyOf. */
  private failuresIn(message: string): Array<{ match: CodeMatch; key: string }> | null {
    const searchKey = searchKeyOf(message);
    let failures = this.searched.get(searchKey);
    if (failures !== undefined) return failures;
    failures = null;
    for (const match of findCodes(message)) {
      const key = failureKey(match);
      if (key !== null) (failures ??= []).push({ match, key });
    }
    this.searched.set(searchKey, failures);
    return failures;
  }

  /**
   * The `n` most frequent codes (ties: by code), each with the names and message most of its records gave it (the
   * first seen on a tie) and the count of all its records.
   */
  top(n: number): CodeCount[] {
    const keys = [...this.totals.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, n)
      .map(([key]) => key);
    const namings = this.namingsOf(new Set(keys));
    return keys.map((key) => {
      const all = [...(namings.get(key)?.values() ?? [])];
      const best = all.reduce((a, b) => (b.count > a.count ? b : a));
      return { ...best, count: this.totals.get(key)! };
    });
  }

  /** Each wanted code's namings (names joined) → count, decoded in file order and order of first appearance. */
  private namingsOf(wanted: Set<string>): Map<string, Map<string, CodeCount>> {
    const namings = new Map<string, Map<string, CodeCount>>();
    for (const file of this.files) {
      if (!file) continue;
      const { codes, found } = file;
      for (let k = 0; k < found.length; k++) {
        for (const { match, key } of found[k] ?? []) {
          if (!wanted.has(key)) continue;
          const text = codes.messages[k];
          const info = decodeMatch(match, { text, component: codes.components[k], file: codes.file });
          // A code the tables do not name still says its facility: better than a blank line.
          const message = info.known
            ? info.message
            : `not in the reference tables; ${facilityText(info.facility, info.facilityCode)}`;
          const naming = info.names.join('\u0000');
          let byNaming = namings.get(key);
          if (!byNaming) namings.set(key, (byNaming = new Map()));
          const entry = byNaming.get(naming);
          if (entry) entry.count += codes.counts[k];
          else byNaming.set(naming, { code: info.code, names: info.names, message, count: codes.counts[k] });
        }
      }
    }
    return namings;
  }
}
