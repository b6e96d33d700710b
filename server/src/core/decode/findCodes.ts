// Finds error codes in log text, in the shapes real ConfigMgr / Windows Update logs write them.
//
// Two passes, both with regexes that stay linear (no nested or adjacent ambiguous quantifiers):
//  1. Keyword pass: a value right after `hr`, `HRESULT`, `error`, `error code`, `exit code`,
//     `return code`, `GetLastError()`, `result`, `code`, `failed`. The keyword decides how a number
//     is read (a small decimal after `error` is a Win32 error; after `result` or `code` it is not).
//  2. Stand-alone pass: tokens that are codes on their own — 0x + 8 hex digits with the failure bit
//     (or "(0x00000000)" in parentheses), bare 8-hex-digit values with the failure bit that the table
//     knows or that start with 8 and contain a hex letter ("8004100E"), and 10-digit decimals
//     (signed or unsigned) that the table knows as failure codes.
// Anything else (PIDs, thread ids, sizes, KB numbers, ports, versions, GUID parts, hashes) is left
// alone: boundaries reject pieces of longer tokens, and a few preceding words (Flags, Root, Version,
// Size, ...) mark values that only look like codes.

import { type CodeInfo, isKnownCode, isKnownWin32, lookupCode, lookupWin32 } from './hresult';

export type CodeKind = 'hresult' | 'win32';

export interface CodeMatch {
  /** Offset of the number token (including 0x or a minus sign) in the text. */
  start: number;
  end: number;
  text: string;
  /** HRESULT as unsigned 32-bit for kind 'hresult'; the Win32 error number for kind 'win32'. */
  value: number;
  kind: CodeKind;
}

type KeywordClass = 'hr' | 'error' | 'weak';

// Longer keywords first ("error code" before "error"); a keyword must end the word ("hr", not "hrs").
const KEYWORDS = ['hresult', 'hr', 'error[ _]?code', 'error', 'err', 'exit[ _]?code', 'return[ _]?code', 'win32 code',
  '(?:get)?last[ _]?error(?:\\(\\))?', 'result', 'code', 'failed'];
// error = 5, hr:0x0, HRESULT = "0x87d00280", error (0x...: each optional part starts with its
// own character, so the blanks around them can be matched only one way.
const SEPARATOR = `[ \\t]*(?:[:=][ \\t]*)?(?:["'(][ \\t]*)?`;
// The value ends a token and is not the first group of a GUID ("DE7BE503-D5D8-...").
const VALUE = '(-?)(0[xX][0-9A-Fa-f]{1,8}|[0-9A-Fa-f]{1,10})(?![0-9A-Za-z_]|-[0-9A-Fa-f])';
const KEYWORD_VALUE = new RegExp(`\\b(${KEYWORDS.join('|')})(?![A-Za-z_])${SEPARATOR}${VALUE}`, 'gi');

const PREFIXED_HEX = /0[xX][0-9A-Fa-f]{8}(?![0-9A-Za-z_]|\.\d)/g;
// Bare values must be failure codes the table knows (or "8…" hex with letters), and every failure
// code in the table starts with 8 or C: as unsigned decimals they start with 21-24 or 32-34, signed
// with -2 or -1. Scanning only for those starts keeps this pass cheap (a unit test guards the premise).
const BARE_NUMBER = /-?[1-4]\d{9}(?![0-9A-Za-z_]|\.\d)|[8Cc][0-9A-Fa-f]{7}(?![0-9A-Za-z_}]|-[0-9A-Fa-f]|\.\d)/g;

/** Words right before a value that make it a flag, handle, size, version... rather than a code. */
const NOT_A_CODE_WORDS = ['Flags', 'Flag', 'Signature', 'Hash', 'Root', 'Cookie', 'Version', 'Handle', 'Ptr', 'Address',
  'Mask', 'Sid', 'Id', 'Size', 'Length', 'Bytes', 'Count'];
const NOT_A_CODE_BEFORE = wordsBeforeValue(NOT_A_CODE_WORDS);
const UNIT_AFTER = /^[ \t]*(?:bytes|[KMG]B)\b/i;
/** "length of error=2" is a length; "soap client error = 7" is a SOAP enum, not a Win32 error. */
const KEYWORD_NOT_A_CODE_BEFORE = /(?:(?:length|size|count|number) of|soap(?: client)?)[ \t]*$/i;
/** Windows Installer writes its own message numbers as "Error 1306. Another application ..." */
const MSI_MESSAGE = /^Error \d{4}\. [A-Z]/;
const LOOKBEHIND = 24;

/**
 * Matches text ending in one of `words` (as a word or a CamelCase suffix: "Id", "UpdateId", "id",
 * not the "id" of "Invalid") followed only by separators, so the value that follows belongs to it.
 */
function wordsBeforeValue(words: string[]): RegExp {
  const alternatives = words.map((w) => `\\b[${w[0]}${w[0].toLowerCase()}]${w.slice(1)}|${w}|${w.toUpperCase()}`);
  return new RegExp(`(?:${alternatives.join('|')})[ \\t]*(?:[:=][ \\t]*)?(?:["'(][ \\t]*)?-?$`);
}

function keywordClass(keyword: string): KeywordClass {
  const k = keyword.toLowerCase();
  if (k === 'hr' || k === 'hresult') return 'hr';
  if (k === 'result' || k === 'code' || k === 'failed') return 'weak';
  return 'error';
}

const isFailure = (value: number) => value >>> 31 === 1;

/** Reads 10-digit (or signed) decimals as 32-bit HRESULTs; null when out of range or not a failure. */
function decimalHresult(sign: string, digits: string): number | null {
  const n = sign ? -Number(digits) : Number(digits);
  if (n < -0x80000000 || n > 0xffffffff) return null;
  const value = n >>> 0;
  return isFailure(value) ? value : null;
}

type Reading = { value: number; kind: CodeKind } | null;

function readPrefixedHex(cls: KeywordClass, digits: string): Reading {
  const value = parseInt(digits, 16) >>> 0;
  if (digits.length === 8 || value === 0) return { value, kind: 'hresult' };
  if (cls === 'hr') return { value, kind: 'hresult' };
  // A short hex value after `error` / `exit code` is a Win32 error written in hex (0x643 = 1603).
  if (cls === 'error' && isKnownWin32(value)) return { value, kind: 'win32' };
  return null;
}

function readKeywordValue(cls: KeywordClass, sign: string, token: string): Reading {
  if (/^0x/i.test(token)) return sign ? null : readPrefixedHex(cls, token.slice(2));
  if (/^\d+$/.test(token)) {
    if (!sign && token.length === 8 && token[0] >= '8') return { value: parseInt(token, 16) >>> 0, kind: 'hresult' };
    if (sign || token.length === 10) {
      const value = decimalHresult(sign, token);
      return value === null ? null : { value, kind: 'hresult' };
    }
    const n = Number(token);
    // Zero carries no diagnosis ("error 0" is everywhere); `result`/`code` decimals are counts or states.
    return cls === 'error' && n > 0 && isKnownWin32(n) ? { value: n, kind: 'win32' } : null;
  }
  // Bare hex with letters: only an 8-digit failure value is a code (87d0027e, 8004100E).
  return !sign && token.length === 8 && /^[89a-f]/i.test(token) ? { value: parseInt(token, 16) >>> 0, kind: 'hresult' } : null;
}

function findKeywordCodes(text: string, out: CodeMatch[]): void {
  KEYWORD_VALUE.lastIndex = 0;
  for (let m = KEYWORD_VALUE.exec(text); m; m = KEYWORD_VALUE.exec(text)) {
    const [, keyword, sign, token] = m;
    if (KEYWORD_NOT_A_CODE_BEFORE.test(text.slice(Math.max(0, m.index - LOOKBEHIND), m.index))) continue;
    if (MSI_MESSAGE.test(text.slice(m.index, m.index + m[0].length + 3))) continue;
    const reading = readKeywordValue(keywordClass(keyword), sign, token);
    if (!reading) continue;
    const end = m.index + m[0].length;
    const start = end - sign.length - token.length;
    out.push({ start, end, text: text.slice(start, end), ...reading });
  }
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[0-9A-Za-z_]/.test(ch);
}

/** CMTrace shows threads as "3404 (0x0D4C)": a parenthesised hex equal to the number before it. */
function isThreadEcho(text: string, start: number, value: number): boolean {
  const before = /(\d+)[ \t]*\($/.exec(text.slice(Math.max(0, start - 16), start));
  return before !== null && Number(before[1]) === value;
}

/** "(0x00000000)" as WUAHandler writes after "finished installing". */
function isParenthesisedResult(text: string, start: number, end: number, value: number): boolean {
  return text[start - 1] === '(' && text[end] === ')' && !isThreadEcho(text, start, value);
}

function readStandalone(text: string, token: string, start: number, end: number): number | null {
  if (/^0x/i.test(token)) {
    const value = parseInt(token.slice(2), 16) >>> 0;
    return isFailure(value) || isParenthesisedResult(text, start, end, value) ? value : null;
  }
  if (/^-?\d{10}$/.test(token)) {
    const value = decimalHresult(token[0] === '-' ? '-' : '', token.replace('-', ''));
    // A bare decimal is a count or an id unless the table knows it as a failure code.
    return value !== null && isKnownCode(value) ? value : null;
  }
  const value = parseInt(token, 16) >>> 0;
  // "8004100E" (hex letters, failure bit) is a code even when the table lacks it; an all-digit
  // "80070005" could be a decimal number, so it must be a known code.
  return isFailure(value) && (isKnownCode(value) || (token[0] === '8' && /[a-f]/i.test(token))) ? value : null;
}

function looksLikeSomethingElse(text: string, start: number, end: number): boolean {
  const before = text[start - 1];
  if (isWordChar(before) || before === '-' || before === '{' || before === '.') return true;
  // "[d:06F633B6]", "UusId:..." — a bare value glued to a label is an id, not a code.
  if (before === ':' && isWordChar(text[start - 2]) && !/^0x/i.test(text.slice(start, start + 2))) return true;
  if (NOT_A_CODE_BEFORE.test(text.slice(Math.max(0, start - LOOKBEHIND), start))) return true;
  return UNIT_AFTER.test(text.slice(end, end + 8));
}

function findStandaloneCodes(pattern: RegExp, text: string, taken: Set<number>, out: CodeMatch[]): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (taken.has(start) || looksLikeSomethingElse(text, start, end)) continue;
    const value = readStandalone(text, m[0], start, end);
    if (value !== null) out.push({ start, end, text: m[0], value, kind: 'hresult' });
  }
}

/** Error codes in `text`, in order of appearance. */
export function findCodes(text: string): CodeMatch[] {
  const found: CodeMatch[] = [];
  findKeywordCodes(text, found);
  const taken = new Set(found.map((m) => m.start));
  // indexOf is far cheaper than a regex scan, and most records have no "0x" at all.
  if (text.includes('0x') || text.includes('0X')) findStandaloneCodes(PREFIXED_HEX, text, taken, found);
  findStandaloneCodes(BARE_NUMBER, text, taken, found);
  return found.sort((a, b) => a.start - b.start);
}

/** The decoded meaning of a match (Win32 numbers go through HRESULT_FROM_WIN32). */
export function decodeMatch(match: CodeMatch): CodeInfo {
  return match.kind === 'win32' ? lookupWin32(match.value) : lookupCode(match.value);
}
