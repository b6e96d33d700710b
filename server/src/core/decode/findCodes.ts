// Finds error codes in log text, in the shapes real ConfigMgr / Windows Update logs write them.
//
// Three passes, all with regexes that stay linear (no nested or adjacent ambiguous quantifiers):
//  0. HTTP pass: a status after "returned an error: (", "HTTP status", "StatusCode:", "(404) Not
//     Found" is an HTTP status (httpStatus.ts), never a Win32 error (401 is not
//     ERROR_THREAD_MODE_NOT_BACKGROUND). Its digits are taken before the keyword pass runs.
//  1. Keyword pass: a value right after `hr`, `HRESULT`, `error`, `error code`, `exit code`,
//     `return code`, `GetLastError()`, `result`, `code`, `failed`. The keyword decides how a number
//     is read (a small decimal after `error` is a Win32 error; after `result` or `code` it is not;
//     after `exit code` it is the program's own number unless it is a Windows Installer code such
//     as 1603, 1618 or 3010). A zero-padded "Error = 0x00000643" is the Win32 error 1603; WinHTTP
//     numbers after `Code=` ("Code=12029") in an HTTP line are Win32 errors too.
//  2. Stand-alone pass: tokens that are codes on their own — 0x + 8 hex digits with the failure bit
//     (or "(0x00000000)" in parentheses), bare 8-hex-digit values with the failure bit that the table
//     knows or that start with 8 and contain a hex letter ("8004100E"), and 10-digit decimals
//     (signed or unsigned) that the table knows as failure codes.
// Anything else (PIDs, thread ids, sizes, KB numbers, ports, versions, GUID parts, hashes) is left
// alone: boundaries reject pieces of longer tokens, and a few preceding words (Flags, Root, Version,
// Size, ...) mark values that only look like codes.

import type { CodeContext } from './codeContext';
import { type CodeInfo, isKnownCode, isKnownWin32, lookupCode, lookupWin32 } from './hresult';
import { describeHttpStatus, httpReasons, isHttpStatus } from './httpStatus';

export type CodeKind = 'hresult' | 'win32' | 'http';

export interface CodeMatch {
  /** Offset of the number token (including 0x or a minus sign) in the text. */
  start: number;
  end: number;
  text: string;
  /** HRESULT as unsigned 32-bit for kind 'hresult'; the Win32 error number for 'win32'; the status for 'http'. */
  value: number;
  kind: CodeKind;
}

type KeywordClass = 'hr' | 'error' | 'exit' | 'weak';

// Longer keywords first ("error code" before "error"); a keyword must end the word ("hr", not "hrs").
// "Error at WinHttpSendRequest: 12029" (ccmsetup) names the failing API between keyword and value.
const KEYWORDS = [
  'hresult',
  'hr',
  'error[ _]?code',
  'error at [A-Za-z]+',
  'error',
  'err',
  'exit[ _]?code',
  'exit status',
  'return[ _]?code',
  'win32 code',
  '(?:get)?last[ _]?error(?:\\(\\))?',
  'gle',
  'result',
  'code',
  'failed',
];
// error = 5, hr:0x0, HRESULT = "0x87d00280", error (0x...: each optional part starts with its
// own character, so the blanks around them can be matched only one way.
const SEPARATOR = `[ \\t]*(?:[:=][ \\t]*)?(?:["'(][ \\t]*)?`;
// The value ends a token and is not the first group of a GUID ("DE7BE503-D5D8-...").
// Nor the first part of a version ("2.0", "10.0.19041").
const VALUE = '(-?)(0[xX][0-9A-Fa-f]{1,8}|[0-9A-Fa-f]{1,10})(?![0-9A-Za-z_]|-[0-9A-Fa-f]|\\.\\d)';
const KEYWORD_VALUE = new RegExp(`\\b(${KEYWORDS.join('|')})(?![A-Za-z_])${SEPARATOR}${VALUE}`, 'gi');

const PREFIXED_HEX = /0[xX][0-9A-Fa-f]{8}(?![0-9A-Za-z_]|\.\d)/g;
// Bare values must be failure codes the table knows (or "8…" hex with letters), and every failure
// code in the table starts with 8 or C: as unsigned decimals they start with 21-24 or 32-34, signed
// with -2 or -1. Scanning only for those starts keeps this pass cheap (a unit test guards the premise).
const BARE_NUMBER = /-?[1-4]\d{9}(?![0-9A-Za-z_]|\.\d)|[8Cc][0-9A-Fa-f]{7}(?![0-9A-Za-z_}]|-[0-9A-Fa-f]|\.\d)/g;

/** Words right before a value that make it a flag, handle, size, version... rather than a code. */
const NOT_A_CODE_WORDS = [
  'Flags',
  'Flag',
  'Signature',
  'Hash',
  'Root',
  'Cookie',
  'Version',
  'Handle',
  'Ptr',
  'Address',
  'Mask',
  'Sid',
  'Id',
  'Size',
  'Length',
  'Bytes',
  'Count',
];
const NOT_A_CODE_BEFORE = wordsBeforeValue(NOT_A_CODE_WORDS);
const UNIT_AFTER = /^[ \t]*(?:bytes|[KMG]B)\b/i;
/** "Error: 2 files could not be copied", "error 3 times": a count, not a code. */
const COUNT_AFTER =
  /^[ \t]*(?:bytes|[KMG]B|ms|milliseconds?|seconds?|secs?|minutes?|hours?|times|files?|items?|updates?|records?|attempts?|retries|objects?|entries|instances?|%)(?![A-Za-z])/i;
/** "length of error=2" is a length; "soap client error = 7" is a SOAP enum, not a Win32 error. */
const KEYWORD_NOT_A_CODE_BEFORE = /(?:(?:length|size|count|number) of|soap(?: client)?)[ \t]*$/i;
/** Windows Installer writes its own message numbers as "Error 1306. Another application ..." */
const MSI_MESSAGE = /^Error \d{4}\. [A-Z]/;
/**
 * Windows Installer's numbered notes ("Note: 1: 2205 2:  3: Error 4: SELECT ..."): "Error" is the value of
 * parameter 3 (a table name) and "4:" the next parameter's label, not error 4.
 */
const MSI_NOTE = /\bNote: 1: \d/;
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
  if (/^(?:exit|return)/.test(k)) return 'exit';
  return 'error';
}

/**
 * Exit codes are the program's own numbers, except Windows Installer's, which are Win32 errors that
 * msiexec returns (and scripts wrapping it pass on): 1601-1660 (ERROR_INSTALL_*), 1641 and 3010/3011
 * (success, restart needed). 13, 87, 120 and 1259 are msiexec exit codes too, but only an
 * installer line makes them so.
 */
export function isInstallerExitCode(n: number, text: string): boolean {
  if ((n >= 1601 && n <= 1660) || n === 3010 || n === 3011) return true;
  return [13, 87, 120, 1259].includes(n) && /\bmsiexec\b|\.msi\b|\bMSI\b|Windows Installer/i.test(text);
}

/** A WinHTTP / WinINet error number (12001-12192) after `Code=` in a line about HTTP. */
const HTTP_LINE = /http|request|proxy|\burl\b|server|connect|download|upload|\bsend|\bpost\b|WinHttp|WinInet/i;

const isFailure = (value: number) => value >>> 31 === 1;

/** Reads 10-digit (or signed) decimals as 32-bit HRESULTs; null when out of range or not a failure. */
function decimalHresult(sign: string, digits: string): number | null {
  const n = sign ? -Number(digits) : Number(digits);
  if (n < -0x80000000 || n > 0xffffffff) return null;
  const value = n >>> 0;
  return isFailure(value) ? value : null;
}

type Reading = { value: number; kind: CodeKind } | null;

/** How a number that could be a Win32 error is read after this keyword; null when it is not a code. */
function readSmallNumber(cls: KeywordClass, keyword: string, n: number, text: string): Reading {
  if (n <= 0 || !isKnownWin32(n)) return null;
  if (cls === 'error') return { value: n, kind: 'win32' };
  if (cls === 'exit') return isInstallerExitCode(n, text) ? { value: n, kind: 'win32' } : null;
  if (cls === 'weak' && keyword.toLowerCase() === 'code' && n >= 12001 && n <= 12192 && HTTP_LINE.test(text))
    return { value: n, kind: 'win32' };
  return null;
}

function readPrefixedHex(cls: KeywordClass, keyword: string, digits: string, text: string): Reading {
  const value = parseInt(digits, 16) >>> 0;
  if (value === 0 || cls === 'hr') return { value, kind: 'hresult' };
  // "Error = 0x00000643", "0x643": a Win32 error written in hex (1603), zero-padded or not.
  const win32Keyword = cls === 'error' || cls === 'exit' || (cls === 'weak' && keyword.toLowerCase() === 'failed');
  if (value <= 0xffff && win32Keyword) {
    const reading = readSmallNumber(cls === 'weak' ? 'error' : cls, keyword, value, text);
    if (reading) return reading;
  }
  return digits.length === 8 ? { value, kind: 'hresult' } : null;
}

function readKeywordValue(cls: KeywordClass, keyword: string, sign: string, token: string, text: string): Reading {
  if (/^0x/i.test(token)) return sign ? null : readPrefixedHex(cls, keyword, token.slice(2), text);
  if (/^\d+$/.test(token)) {
    if (!sign && token.length === 8 && token[0] >= '8') return { value: parseInt(token, 16) >>> 0, kind: 'hresult' };
    if (sign || token.length === 10) {
      const value = decimalHresult(sign, token);
      // "result -1" is a sentinel, not 0xFFFFFFFF: a short negative number is a code only when the table knows it.
      if (value !== null && token.length < 9 && !isKnownCode(value)) return null;
      return value === null ? null : { value, kind: 'hresult' };
    }
    // Zero carries no diagnosis ("error 0" is everywhere); `result`/`code` decimals are counts or states.
    return readSmallNumber(cls, keyword, Number(token), text);
  }
  // Bare hex with letters: only an 8-digit failure value is a code (87d0027e, 8004100E).
  return !sign && token.length === 8 && /^[89a-f]/i.test(token)
    ? { value: parseInt(token, 16) >>> 0, kind: 'hresult' }
    : null;
}

function findKeywordCodes(text: string, taken: Set<number>, out: CodeMatch[]): void {
  KEYWORD_VALUE.lastIndex = 0;
  for (let m = KEYWORD_VALUE.exec(text); m; m = KEYWORD_VALUE.exec(text)) {
    const [, keyword, sign, token] = m;
    const end = m.index + m[0].length;
    const start = end - sign.length - token.length;
    if (taken.has(start)) continue;
    if (KEYWORD_NOT_A_CODE_BEFORE.test(text.slice(Math.max(0, m.index - LOOKBEHIND), m.index))) continue;
    if (MSI_MESSAGE.test(text.slice(m.index, m.index + m[0].length + 3))) continue;
    if (text[end] === ':' && MSI_NOTE.test(text)) continue;
    if (!/^(?:0x|-)/i.test(token) && COUNT_AFTER.test(text.slice(end, end + 16))) continue;
    const reading = readKeywordValue(keywordClass(keyword), keyword, sign, token, text);
    if (!reading) continue;
    out.push({ start, end, text: text.slice(start, end), ...reading });
  }
}

// ---------- HTTP statuses ----------

// "returned an error: (401)", "HTTP status 404", "HTTP/1.1 503", "http status code[304]",
// "HTTP error 404", "HTTP code 401", "StatusCode: 503", "status code = 429", "does not indicate
// success: 404". Each optional part starts with its own word or character, so blanks match one way.
const HTTP_STATUS =
  /(?:\breturned an error: \(|\bHTTP(?:\/\d(?:\.\d)?)?(?:[ _]?(?:status|error|response))?(?:[ _]?code)?[ \t]*[:=]?[ \t]*[[(]?|\bstatus[ _]?code[ \t]*[:=]?[ \t]*[[(]?|\bdoes not indicate success: )(\d{3})(?![\d.])/gi;
// ".NET" form without the lead-in: "(404) Not Found", kept only when the reason phrase follows.
const PARENTHESISED_STATUS = /\((\d{3})\) ([A-Z][A-Za-z -]{1,40})/g;

function pushHttp(out: CodeMatch[], taken: Set<number>, start: number, digits: string): void {
  const status = Number(digits);
  if (!isHttpStatus(status) || taken.has(start)) return;
  taken.add(start);
  out.push({ start, end: start + 3, text: digits, value: status, kind: 'http' });
}

function findHttpStatuses(text: string, taken: Set<number>, out: CodeMatch[]): void {
  HTTP_STATUS.lastIndex = 0;
  for (let m = HTTP_STATUS.exec(text); m; m = HTTP_STATUS.exec(text)) {
    const start = m.index + m[0].length - 3;
    // "HTTP 1234" and "HTTP200OK": the three digits must stand alone.
    if (/[0-9A-Za-z]/.test(text[start - 1] ?? '') && !/^returned|^HTTP\/\d/i.test(m[0])) continue;
    pushHttp(out, taken, start, m[1]);
  }
  PARENTHESISED_STATUS.lastIndex = 0;
  for (let m = PARENTHESISED_STATUS.exec(text); m; m = PARENTHESISED_STATUS.exec(text)) {
    const phrase = m[2];
    if (httpReasons(Number(m[1])).some((reason) => phrase.startsWith(reason))) pushHttp(out, taken, m.index + 1, m[1]);
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

/** "CopyFile failed (0x00000005)", "failed with 0x00000020": a failure word shortly before the value. */
const FAILURE_BEFORE = /\b(?:failed|failure|error)\b[^.;:=\d]{0,16}$/i;
/** SetupAPI's section results ("{Delete Directory: exit(0x00000005)}"): a Win32 or SetupAPI error, never an HRESULT. */
const SETUPAPI_EXIT_BEFORE = /\bexit\($/;

/**
 * A zero-padded value (0x00000005) right after a failure word (or SetupAPI's "exit(") is a Win32 error written
 * as the low word of its HRESULT, as error records print GetLastError(); elsewhere it stays an HRESULT.
 */
function win32Padded(text: string, token: string, start: number, value: number): boolean {
  return (
    /^0x0000/i.test(token) &&
    value > 0 &&
    value <= 0xffff &&
    (FAILURE_BEFORE.test(text.slice(Math.max(0, start - 32), start)) ||
      SETUPAPI_EXIT_BEFORE.test(text.slice(Math.max(0, start - 5), start))) &&
    isKnownWin32(value)
  );
}

function findStandaloneCodes(pattern: RegExp, text: string, taken: Set<number>, out: CodeMatch[]): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (taken.has(start) || looksLikeSomethingElse(text, start, end)) continue;
    if (/^0x/i.test(m[0])) {
      const value = parseInt(m[0].slice(2), 16) >>> 0;
      if (win32Padded(text, m[0], start, value)) {
        out.push({ start, end, text: m[0], value, kind: 'win32' });
        continue;
      }
    }
    const value = readStandalone(text, m[0], start, end);
    if (value !== null) out.push({ start, end, text: m[0], value, kind: 'hresult' });
  }
}

/** Error codes (and HTTP statuses) in `text`, in order of appearance. */
export function findCodes(text: string): CodeMatch[] {
  const found: CodeMatch[] = [];
  const taken = new Set<number>();
  // Cheap pre-check: every HTTP form has "http", "status" or "returned an error" or a "(NNN) ".
  if (/http|status|returned an error|\(\d{3}\) /i.test(text)) findHttpStatuses(text, taken, found);
  findKeywordCodes(text, taken, found);
  for (const m of found) taken.add(m.start);
  // indexOf is far cheaper than a regex scan, and most records have no "0x" at all.
  if (text.includes('0x') || text.includes('0X')) findStandaloneCodes(PREFIXED_HEX, text, taken, found);
  findStandaloneCodes(BARE_NUMBER, text, taken, found);
  return withoutEchoes(
    found.sort((a, b) => a.start - b.start),
    text,
  );
}

/**
 * Setup logs print GetLastError twice: "GLE = 0x3[gle=0x00000003]", "Error: 0x00000003[gle=0x00000003]".
 * The bracketed echo of the value just found is the same error, not a second one.
 */
function withoutEchoes(found: CodeMatch[], text: string): CodeMatch[] {
  return found.filter((m, i) => {
    const previous = found[i - 1];
    if (!previous || previous.value !== m.value || previous.kind !== m.kind) return true;
    return !/^\[gle=$/i.test(text.slice(m.start - 5, m.start)) || m.start - previous.end > 6;
  });
}

/**
 * The decoded meaning of a match (Win32 numbers go through HRESULT_FROM_WIN32). `context` is the
 * line's text, component and file: it chooses the name that fits (see codeContext.ts) and the HTTP
 * meaning for the component.
 */
export function decodeMatch(match: CodeMatch, context?: CodeContext): CodeInfo {
  if (match.kind === 'http') return httpInfo(match.value, context);
  return match.kind === 'win32' ? lookupWin32(match.value, context) : lookupCode(match.value, context);
}

/** An HTTP status in the CodeInfo shape: code "HTTP 404", the reason phrase as its name. */
function httpInfo(status: number, context?: CodeContext): CodeInfo {
  const http = describeHttpStatus(status, context)!;
  return {
    code: `HTTP ${status}`,
    value: status,
    known: true,
    names: [http.reason],
    message: http.meaning,
    entries: [],
    facility: { name: null, number: 0 },
    severity: http.failure ? 'failure' : 'success',
    outcome: http.failure ? 'failure' : 'success',
    facilityCode: status,
    source: 'RFC 9110 reason phrase; meaning: this project (see httpStatus.ts)',
    http,
  };
}
