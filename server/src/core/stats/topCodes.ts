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

  /** Searches file `index`'s failure messages for codes and counts them (the file's place decides naming order). */
  add(index: number, codes: FileCodes): void {
    const found: SearchedFile['found'] = [];
    for (let k = 0; k < codes.messages.length; k++) {
      let failures: Array<{ match: CodeMatch; key: string }> | null = null;
      for (const match of findCodes(codes.messages[k])) {
        const key = failureKey(match);
        if (key === null) continue;
        (failures ??= []).push({ match, key });
        this.totals.set(key, (this.totals.get(key) ?? 0) + codes.counts[k]);
      }
      found.push(failures);
    }
    this.files[index] = { codes, found };
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
