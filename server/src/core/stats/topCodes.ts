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

/** A file's failure messages with the failure codes found in each (null: none), and its namings counted so far. */
interface SearchedFile {
  codes: FileCodes;
  found: Array<Array<{ match: CodeMatch; key: string }> | null>;
  /**
   * The file's namings of each code named in it so far (see namingsOf): naming → its row, counted over the file's
   * records, in order of first appearance in the file. A code not in `namedKeys` is not named in it yet.
   */
  namings: Map<string, Map<string, CodeCount>>;
  namedKeys: Set<string>;
}

/** A code's names joined (what tells namings apart), and its row but for the count. */
interface Naming {
  naming: string;
  count: CodeCount;
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
    this.files[index] = { codes, found, namings: new Map(), namedKeys: new Set() };
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
    const keys = this.topKeys(n);
    const namings = this.namingsOf(new Set(keys));
    return keys.map((key) => {
      const all = [...(namings.get(key)?.values() ?? [])];
      const best = all.reduce((a, b) => (b.count > a.count ? b : a));
      return { ...best, count: this.totals.get(key)! };
    });
  }

  /**
   * Decodes now the messages of the files counted so far that hold one of the `n` most frequent codes so far, so
   * that `top` has only the rest left to decode. For a caller with time to spare before the last files are in (the
   * calling thread of `cmlogs stats` waits for the workers' last files): naming is the only work `top` does after
   * the last file, and it no longer waits for it. Each message's decoding is kept per file and per code found in
   * it, the same inputs give the same naming, so `top`'s answer does not depend on when or whether this was called.
   */
  prepareTop(n: number): void {
    this.namingsOf(new Set(this.topKeys(n)));
  }

  /**
   * The keys of the `n` most frequent codes, by count then by code (localeCompare). Only the codes counted at least
   * as often as the n-th count can be among them: those alone are sorted with localeCompare (sorting every code
   * with it cost ~30 ms on the bench corpus's hundreds of codes, most of them tied).
   */
  private topKeys(n: number): string[] {
    if (n <= 0) return [];
    const counts = Float64Array.from(this.totals.values()).sort();
    const least = counts.length > n ? counts[counts.length - n] : -Infinity;
    return [...this.totals.entries()]
      .filter(([, count]) => count >= least)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, n)
      .map(([key]) => key);
  }

  /**
   * Each wanted code's namings (names joined) → count, in file order and order of first appearance: each file's
   * own namings of the code (fileNamings), merged file after file. A file is walked once for the codes it was not
   * walked for yet, so naming the top codes again after more files came in (prepareTop, then top) walks only
   * those files: the namings of every file's records used to be counted again on each call, three walks over every
   * failure message at the end of `cmlogs stats`.
   */
  private namingsOf(wanted: Set<string>): Map<string, Map<string, CodeCount>> {
    const namings = new Map<string, Map<string, CodeCount>>();
    for (const file of this.files) {
      if (!file) continue;
      this.nameInFile(file, wanted);
      for (const key of wanted) {
        const own = file.namings.get(key);
        if (!own) continue;
        let byNaming = namings.get(key);
        if (!byNaming) namings.set(key, (byNaming = new Map()));
        for (const [naming, row] of own) {
          const entry = byNaming.get(naming);
          if (entry) entry.count += row.count;
          else byNaming.set(naming, { ...row });
        }
      }
    }
    return namings;
  }

  /** Counts the file's namings of the wanted codes it was not walked for yet (SearchedFile.namings). */
  private nameInFile(file: SearchedFile, wanted: Set<string>): void {
    const missing = new Set<string>();
    for (const key of wanted) if (!file.namedKeys.has(key)) missing.add(key);
    if (!missing.size) return;
    const { codes, found } = file;
    for (let k = 0; k < found.length; k++) {
      const failures = found[k];
      if (!failures) continue;
      for (let m = 0; m < failures.length; m++) {
        const key = failures[m].key;
        if (!missing.has(key)) continue;
        const named = namingIn(file, k, m);
        let byNaming = file.namings.get(key);
        if (!byNaming) file.namings.set(key, (byNaming = new Map()));
        const entry = byNaming.get(named.naming);
        if (entry) entry.count += codes.counts[k];
        else byNaming.set(named.naming, { ...named.count, count: codes.counts[k] });
      }
    }
    for (const key of missing) file.namedKeys.add(key);
  }
}

/**
 * The naming of the m-th failure code found in the file's k-th message, decoded in its context. Each is decoded
 * once: nameInFile walks a file once per code (namedKeys).
 */
function namingIn(file: SearchedFile, k: number, m: number): Naming {
  const { codes } = file;
  const info = decodeMatch(file.found[k]![m].match, {
    text: codes.messages[k],
    component: codes.components[k],
    file: codes.file,
  });
  // A code the tables do not name still says its facility: better than a blank line.
  const message = info.known
    ? info.message
    : `not in the reference tables; ${facilityText(info.facility, info.facilityCode)}`;
  return { naming: info.names.join('\u0000'), count: { code: info.code, names: info.names, message, count: 0 } };
}
