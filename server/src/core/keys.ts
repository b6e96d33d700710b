// The values that tie records together across components and machines: GUIDs (scan jobs, update sources,
// assignments, CI/update ids, CTM/DTS/BITS jobs, content ids, location requests, message ids) and KB numbers.

export type KeyKind = 'guid' | 'kb';

export interface KeyMatch {
  kind: KeyKind;
  /** Normalised value: GUIDs lower-case without braces, KB numbers upper-case ("KB2461484"). */
  key: string;
  /** Offsets of the match in the searched text (braces included when present). */
  start: number;
  end: number;
}

// Not \b: a GUID glued to a word ("Content_b2475630-…", "SUM_…") must still be found.
const GUID = /\{?(?<![0-9a-fA-F-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9a-fA-F-])\}?/g;
const KB = /\bKB\d{6,8}\b/gi;

export function findKeys(text: string): KeyMatch[] {
  const found: KeyMatch[] = [];
  if (text.indexOf('-') >= 0) {
    GUID.lastIndex = 0;
    for (let m = GUID.exec(text); m; m = GUID.exec(text)) {
      found.push({ kind: 'guid', key: normaliseGuid(m[0]), start: m.index, end: m.index + m[0].length });
    }
  }
  if (text.indexOf('KB') >= 0 || text.indexOf('kb') >= 0) {
    KB.lastIndex = 0;
    for (let m = KB.exec(text); m; m = KB.exec(text)) found.push({ kind: 'kb', key: m[0].toUpperCase(), start: m.index, end: m.index + m[0].length });
  }
  return found;
}

export function normaliseGuid(text: string): string {
  return text.replace(/[{}]/g, '').toLowerCase();
}

/** The key under a cursor position in a line of text, if any. */
export function keyAt(text: string, offset: number): KeyMatch | undefined {
  return findKeys(text).find((k) => offset >= k.start && offset <= k.end);
}

// What a GUID is, judged by the words just before it. Order matters: the more specific phrase first.
const KIND_HINTS: Array<[RegExp, string]> = [
  [/scan ?job\W*$/i, 'ScanJob'],
  [/update ?source\W*(?:id\W*)?$/i, 'UpdateSource'],
  [/(?:assignment|deployment)(?: ?id)?\W*$/i, 'assignment'],
  [/\bCTM job\W*$|\bCTMJob\W*$/i, 'ContentTransferManager job'],
  [/\bDTS job\W*$|\bDTSJob\W*$|DataTransferService job\W*$/i, 'DataTransferService job'],
  [/\bBITS job\W*$/i, 'BITS job'],
  [/content ?(?:id)?\W*$|Content_$/i, 'content'],
  [/(?:location )?request\W*(?:id\W*)?$/i, 'location request'],
  [/message ?(?:id)?\W*$/i, 'message id'],
  [/\b(?:update|CI|UpdateID|ciid)\W*(?:id\W*)?$|SUM_$/i, 'update / CI'],
  [/\bjob\W*$/i, 'job'],
];

/** Names the GUID kind from the text that precedes it in a message (up to 40 characters). */
export function guessKeyKind(before: string): string | undefined {
  const tail = before.slice(-40);
  for (const [pattern, kind] of KIND_HINTS) if (pattern.test(tail)) return kind;
  return undefined;
}
