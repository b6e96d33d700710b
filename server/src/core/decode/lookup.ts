// `cmlogs lookup CODE_OR_ID...`: one decoder front door for error codes, Win32 errors, status
// message IDs and state messages, with a JSON-friendly result and a plain-text rendering.
//
// How a bare number is read:
//   0x… or hex letters          HRESULT (8 hex digits as logs write them; a short hex that is also a
//                                known Win32 error gets that reading too)
//   8 digits                    HRESULT in hex without 0x ("80244021"), as WindowsUpdate.log writes
//   -2145107935 / 2149859361    signed / unsigned decimal HRESULT
//   4-5 digits, status message  both readings: the status message first when it is one that logs
//   ID and Win32 error          and docs quote (statmsg.tsv), the Win32 error first when the ID is
//                               only in the larger spreadsheet table (1314, 3010, 10060...)
//   other numbers ≤ 65535       Win32 error (through HRESULT_FROM_WIN32)
// Words force a reading: `statmsg 6702`, `state 500 2`, `state Enforce 5`, `win32 5`, `hr 0x5`.
// Text as logs write it reads as findCodes reads a line: `error 5`, `hr=0x80070005`, `Code=12029`,
// `exit code 1603`, `HTTP 404`, `"(401) Unauthorized"`.

import { decodeMatch, findCodes, isInstallerExitCode } from './findCodes';
import type { CodeEntry, CodeInfo, CodeMapping, Facility, Win32Part } from './hresult';
import { facilityText, formatCode, isKnownWin32, lookupCode, lookupWin32 } from './hresult';
import { describeHttpStatus, isHttpStatus, type HttpStatus } from './httpStatus';
import type { StatmsgText } from './statusMessages';
import { decodeStatmsg, isCuratedStatmsg, isKnownStatmsg } from './statusMessages';
import type { StateNameEntry, TopicState } from './stateMessageTopics';
import { TOPIC_WORDS, decodeState, statesOfTopic } from './stateMessageTopics';

export type LookupKind = 'hresult' | 'win32' | 'http' | 'statmsg' | 'state' | 'unknown';

export interface LookupResult {
  input: string;
  kind: LookupKind;
  /** "0x80244021" for codes (Win32 errors in their HRESULT form), "6702", "500/2" or "500". */
  code: string;
  names: string[];
  message: string;
  facility: Facility | null;
  /** 'success' | 'failure' for codes; 'Informational' | 'Warning' | 'Error' for status messages. */
  severity: string | null;
  source: string | null;
  /** True when the reference tables have the code, message ID or state. */
  known: boolean;
  /** How the input was read, and the other reading when there is one. */
  note?: string;
  seedSection?: string;
  seedPath?: string[];
  seedSummary?: string;
  seedSteps?: string[];
  // hresult / win32
  value?: number;
  facilityCode?: number;
  win32?: Win32Part;
  entries?: CodeEntry[];
  /** The winerror.h macro through which the tables name the value (HRESULT_FROM_NT, HRESULT_FROM_SETUPAPI). */
  mapped?: CodeMapping;
  // http
  http?: HttpStatus;
  // statmsg
  messageId?: number;
  component?: string | null;
  texts?: StatmsgText[];
  // state
  topicType?: number;
  topicTypeName?: string | null;
  stateId?: number | null;
  states?: TopicState[];
  stateEntries?: StateNameEntry[];
}

// ---------- single readings ----------

function codeResult(input: string, value: number, kind: 'hresult' | 'win32', note?: string): LookupResult {
  return infoResult(input, kind === 'win32' ? lookupWin32(value) : lookupCode(value), kind, note);
}

function infoResult(input: string, info: CodeInfo, kind: 'hresult' | 'win32' | 'http', note?: string): LookupResult {
  const result: LookupResult = {
    input,
    kind,
    code: info.code,
    names: info.names,
    message: info.message,
    facility: info.facility,
    severity: info.severity,
    source: info.source,
    known: info.known,
    value: info.value,
    facilityCode: info.facilityCode,
    entries: info.entries,
  };
  if (info.win32) result.win32 = info.win32;
  if (info.mapped) result.mapped = info.mapped;
  if (info.http) {
    result.http = info.http;
    delete result.entries;
  }
  if (note) result.note = note;
  // The JSON keeps its seed* field names: the hints come from the seed documents.
  if (info.troubleshooting) {
    result.seedSection = info.troubleshooting.section;
    result.seedPath = info.troubleshooting.path;
    result.seedSummary = info.troubleshooting.summary;
    result.seedSteps = info.troubleshooting.steps;
  }
  return result;
}

function statmsgResult(input: string, id: number, note?: string): LookupResult {
  const decoded = decodeStatmsg(id);
  if (!decoded.known) return unknownResult(input, `No status message ${id} in the reference tables.`);
  const result: LookupResult = {
    input,
    kind: 'statmsg',
    code: String(id),
    names: [],
    message: decoded.texts[0].text,
    facility: null,
    severity: decoded.severityName,
    source: decoded.texts[0].source,
    known: true,
    messageId: id,
    component: decoded.component,
    texts: decoded.texts,
  };
  if (note) result.note = note;
  return result;
}

function stateResult(input: string, topicType: number, stateId: number | null): LookupResult {
  const decoded = decodeState(topicType, stateId);
  if (decoded.topicTypeName === null)
    return unknownResult(input, `No state message topic type ${topicType} in the reference tables.`);
  const result: LookupResult = {
    input,
    kind: 'state',
    code: stateId === null ? String(topicType) : `${topicType}/${stateId}`,
    names: decoded.names,
    message: decoded.names[0] ?? (stateId === null ? decoded.topicTypeName : ''),
    facility: null,
    severity: null,
    source: decoded.entries[0]?.source ?? null,
    known: decoded.known,
    topicType,
    topicTypeName: decoded.topicTypeName,
    stateId,
    stateEntries: decoded.entries,
  };
  if (stateId === null) result.states = statesOfTopic(topicType);
  else if (!decoded.known) result.note = `Topic type ${topicType} has no state ${stateId} in the reference tables.`;
  return result;
}

function unknownResult(input: string, message: string): LookupResult {
  return {
    input,
    kind: 'unknown',
    code: input,
    names: [],
    message,
    facility: null,
    severity: null,
    source: null,
    known: false,
  };
}

// ---------- reading a bare token ----------

/**
 * A known status message ID (4-5 digits) and, when there is one, its Win32 reading. The IDs that
 * logs and docs quote (statmsg.tsv) read as status messages first; an ID known only from the larger
 * spreadsheet table reads as a Win32 error first (3010 is ERROR_SUCCESS_REBOOT_REQUIRED to most readers).
 */
function readStatmsgOrWin32(input: string, n: number): LookupResult[] {
  if (!isKnownWin32(n)) return [statmsgResult(input, n, 'Read as a status message ID (a known one).')];
  const win32Name = lookupWin32(n).names[0];
  if (!isCuratedStatmsg(n)) {
    return [
      codeResult(input, n, 'win32', 'Read as a Win32 error number; it is also a status message ID (next result).'),
      statmsgResult(input, n, `The status message reading of the same number (force it with "statmsg ${n}").`),
    ];
  }
  return [
    statmsgResult(
      input,
      n,
      `Read as a status message ID (a known one); as a Win32 error it is ${win32Name} (next result).`,
    ),
    codeResult(input, n, 'win32', 'The Win32 reading of the same number.'),
  ];
}

function readDecimal(input: string, n: number): LookupResult[] {
  if (input.length >= 4 && input.length <= 5 && isKnownStatmsg(n)) return readStatmsgOrWin32(input, n);
  if (input.length === 3 && isHttpStatus(n)) return readWin32OrHttp(input, n);
  if (n > 0 && n <= 0xffff) {
    if (isKnownWin32(n)) return [codeResult(input, n, 'win32', 'Read as a Win32 error number.')];
    return [unknownResult(input, `No Win32 error ${n} (nor status message ${n}) in the reference tables.`)];
  }
  if (n >= 0x80000000 && n <= 0xffffffff)
    return [codeResult(input, n, 'hresult', 'Read as an unsigned decimal HRESULT.')];
  const hex = `0x${n.toString(16).toUpperCase()}`;
  const message = `${input} is neither a Win32 error (1-65535), a status message ID nor a failure HRESULT in decimal; write ${hex} to decode it as an HRESULT.`;
  return [unknownResult(input, message)];
}

/**
 * A bare "404" or "503" is as often an HTTP status (IIS logs, "status code 404", BITS) as a Win32 error: both
 * readings, the Win32 one first as before, each saying the other exists ("HTTP 404" or "win32 404" asks for one).
 */
function readWin32OrHttp(input: string, n: number): LookupResult[] {
  const http = infoResult(
    input,
    decodeMatch({ start: 0, end: input.length, text: input, value: n, kind: 'http' }),
    'http',
    `Also read as an HTTP status (write "HTTP ${n}" for this reading alone).`,
  );
  if (!isKnownWin32(n)) return [http];
  const win32 = codeResult(input, n, 'win32', `Read as a Win32 error number; ${n} is also an HTTP status (below).`);
  return [win32, http];
}

function readHex(input: string, digits: string): LookupResult[] {
  const value = parseInt(digits, 16) >>> 0;
  // "0x643" is how logs and KB articles write the Win32 error 1603; as an HRESULT it means nothing.
  if (digits.length <= 4 && value > 0 && isKnownWin32(value)) {
    const note = `Read as the Win32 error ${value} in hex (the HRESULT ${formatCode(value)} is not in the tables).`;
    return [codeResult(input, value, 'win32', note)];
  }
  return [
    codeResult(input, value, 'hresult', digits.length === 8 ? undefined : `Read as the HRESULT ${formatCode(value)}.`),
  ];
}

const LEADING = '[("\'{';
const TRAILING = '])"\'},.;:=';

/** "[80244021]", "0x80070005,", "'5'": the code without the punctuation a copied log line brings. */
function stripPunctuation(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && LEADING.includes(token[start])) start++;
  while (end > start && TRAILING.includes(token[end - 1])) end--;
  return token.slice(start, end);
}

function readToken(input: string): LookupResult[] {
  const token = stripPunctuation(input.trim());
  const hex = /^0x([0-9a-f]{1,8})$/i.exec(token);
  if (hex) return readHex(token, hex[1]);
  if (/^-\d{1,10}$/.test(token)) {
    const n = Number(token);
    if (n >= -0x80000000) return [codeResult(token, n >>> 0, 'hresult', 'Read as a signed decimal HRESULT.')];
  }
  if (/^\d{8}$/.test(token)) {
    return [
      codeResult(
        token,
        parseInt(token, 16) >>> 0,
        'hresult',
        'Read as hex (8 digits, as logs write HRESULTs without 0x).',
      ),
    ];
  }
  if (/^\d{1,10}$/.test(token)) return readDecimal(token, Number(token));
  if (/^[0-9a-f]{1,8}$/i.test(token)) return readHex(token, token);
  return [unknownResult(token, `"${token}" is not an error code, status message ID or state message.`)];
}

// ---------- keywords ----------

const isNumber = (s: string | undefined): s is string => s !== undefined && /^\d+$/.test(s);

function topicOfArg(arg: string | undefined): number | undefined {
  if (isNumber(arg)) return Number(arg);
  return arg !== undefined && Object.hasOwn(TOPIC_WORDS, arg) ? TOPIC_WORDS[arg] : undefined;
}

function readState(args: string[], i: number): { results: LookupResult[]; next: number } {
  const topicArg = args[i + 1];
  const topicType = topicOfArg(topicArg);
  if (topicType === undefined) {
    const message = 'state needs a topic type: a number or Evaluate, Enforce, Compliance.';
    return { results: [unknownResult(`state ${topicArg ?? ''}`.trim(), message)], next: i + 2 };
  }
  const stateArg = args[i + 2];
  const input = ['state', topicArg, ...(isNumber(stateArg) ? [stateArg] : [])].join(' ');
  const result = stateResult(input, topicType, isNumber(stateArg) ? Number(stateArg) : null);
  return { results: [result], next: isNumber(stateArg) ? i + 3 : i + 2 };
}

function readForced(word: string, arg: string | undefined): LookupResult[] {
  const input = `${word} ${arg ?? ''}`.trim();
  if (arg === undefined) return [unknownResult(input, `${word} needs a number.`)];
  if (word === 'statmsg' || word === 'status') {
    return isNumber(arg) ? [statmsgResult(input, Number(arg))] : [unknownResult(input, 'statmsg needs a message ID.')];
  }
  if (word === 'win32') {
    const win32 = /^0x[0-9a-f]{1,4}$/i.test(arg) ? parseInt(arg, 16) : isNumber(arg) ? Number(arg) : NaN;
    if (win32 > 0 && win32 <= 0xffff) return [codeResult(input, win32, 'win32')];
    return [unknownResult(input, 'win32 needs a number from 1 to 65535.')];
  }
  const value = hresultOfArg(arg);
  if (value !== null) return [codeResult(input, value, 'hresult')];
  return [unknownResult(input, `${word} needs a code: hex (0x...), signed or unsigned decimal.`)];
}

/** `hr N`: the number is an HRESULT whatever its size ("hr 1" is 0x00000001, not the Win32 error 1). */
function hresultOfArg(arg: string): number | null {
  const hex = /^(?:0x)?([0-9a-f]{1,8})$/i.exec(arg);
  if (hex && (/^0x/i.test(arg) || /[a-f]/i.test(arg) || arg.length === 8)) return parseInt(hex[1], 16) >>> 0;
  if (!/^-?\d{1,10}$/.test(arg)) return null;
  const n = Number(arg);
  return n >= -0x80000000 && n <= 0xffffffff ? n >>> 0 : null;
}

const FORCING_WORDS = new Set(['statmsg', 'status', 'win32', 'hr', 'hresult']);

/**
 * Words that start a code as logs write it ("error 5", "exit code 1603", "Code=12029", "HTTP 404",
 * "returned an error: (401) Unauthorized"): the words up to the value are read like a log line.
 */
const LOG_WORDS =
  /^(?:error|err|errorcode|lasterror|getlasterror|exit|exitcode|return|returncode|code|http|statuscode|returned|the|remote|server|an|\(\d{3}\))$/i;

/** "hr=0x80070005", "Code=12029", "error:5": a keyword glued to its value, as log lines write it. */
function splitGlued(word: string): string[] {
  const m = /^([A-Za-z][A-Za-z_ ()]*?)[=:]+(.+)$/.exec(word);
  return m ? [m[1], m[2]] : [word];
}

const isLogWord = (word: string) => LOG_WORDS.test(stripPunctuation(word));
const LOG_WINDOW = 12;

/** Words after an HTTP status that are its reason phrase ("(401) Unauthorized."). */
function reasonWords(words: string[], at: number, status: number): number {
  const reason = (describeHttpStatus(status)?.reason ?? '').toLowerCase().split(' ');
  let n = 0;
  while (n < reason.length && stripPunctuation(words[at + n] ?? '').toLowerCase() === reason[n]) n++;
  return n === reason.length ? n : 0;
}

/**
 * Reads the words from `i` as a log line does (findCodes): "error 5", "returned an error: (401)
 * Unauthorized.". Only log words may come before the value. When findCodes finds nothing (it wants
 * an HTTP line before reading "Code=12029"), the value after the words reads as a bare token.
 */
function readAsLogText(words: string[], i: number): { results: LookupResult[]; next: number } | null {
  const text = words.slice(i, i + LOG_WINDOW).join(' ');
  const match = findCodes(text)[0];
  const lead = match ? text.slice(0, match.start).trim() : '';
  if (
    match &&
    (lead === '' || lead.split(/\s+/).every((w) => isLogWord(w) || /^(?:status)?$/i.test(stripPunctuation(w))))
  ) {
    let consumed = text.slice(0, match.end).trim().split(/\s+/).length;
    if (match.kind === 'http') consumed += reasonWords(words, i + consumed, match.value);
    const input = words.slice(i, i + consumed).join(' ');
    const note =
      match.kind === 'http'
        ? 'Read as an HTTP status.'
        : match.kind === 'win32'
          ? 'Read as a Win32 error number, as a log line with these words would be.'
          : undefined;
    return { results: [infoResult(input, decodeMatch(match), match.kind, note)], next: i + consumed };
  }
  let at = i;
  while (at < words.length && isLogWord(words[at])) at++;
  if (at === i || at >= words.length || FORCING_WORDS.has(words[at].toLowerCase()) || words[at] === 'state')
    return null;
  const results = readToken(words[at]).map((r) => ({ ...r, input: words.slice(i, at + 1).join(' ') }));
  return { results, next: at + 1 };
}

/** Exit codes other than Windows Installer's are the program's own numbers: said so, not decoded. */
function readExitCode(words: string[], i: number): { results: LookupResult[]; next: number } | null {
  const at = /^code$/i.test(stripPunctuation(words[i + 1] ?? '')) ? i + 2 : i + 1;
  const arg = stripPunctuation(words[at] ?? '');
  if (!/^\d{1,5}$/.test(arg) || isInstallerExitCode(Number(arg), words.join(' '))) return null;
  const input = words.slice(i, at + 1).join(' ');
  return {
    results: [
      unknownResult(
        input,
        `exit code ${arg} is the program's own number (only Windows Installer exit codes such as 1603, 1618 or 3010 are Win32 errors); it has no Windows meaning to decode.`,
      ),
    ],
    next: at + 1,
  };
}

/** Decodes every code or ID in `args` (CLI words); options starting with "--" are ignored. */
export function lookup(args: string[]): LookupResult[] {
  const words = args.filter((a) => a.trim() !== '' && !a.startsWith('--')).flatMap(splitGlued);
  const results: LookupResult[] = [];
  for (let i = 0; i < words.length;) {
    const word = words[i].toLowerCase();
    const statusCode = word === 'status' && /^code$/i.test(stripPunctuation(words[i + 1] ?? ''));
    const asLog = /^exit(?:code)?$/i.test(word)
      ? (readExitCode(words, i) ?? readAsLogText(words, i))
      : isLogWord(words[i]) || statusCode || /^\(\d{3}\)/.test(words[i])
        ? readAsLogText(words, i)
        : null;
    if (asLog) {
      results.push(...asLog.results);
      i = asLog.next;
    } else if (word === 'state') {
      const { results: found, next } = readState(words, i);
      results.push(...found);
      i = next;
    } else if (FORCING_WORDS.has(word)) {
      results.push(...readForced(word, words[i + 1]));
      i += 2;
    } else {
      results.push(...readToken(words[i]));
      i += 1;
    }
  }
  return results;
}

// ---------- plain text ----------

function httpLines(r: LookupResult): string[] {
  return [`${r.code} ${r.http!.reason}  HTTP status, ${r.severity}`, `  ${r.message}`, `  source: ${r.source}`];
}

/** "HRESULT_FROM_NT of NTSTATUS 0xC0000034", "SetupAPI error (HRESULT_FROM_SETUPAPI: 0x800F0228)". */
export function mappedKind(mapped: CodeMapping): string {
  return mapped.macro === 'HRESULT_FROM_NT'
    ? `HRESULT_FROM_NT of NTSTATUS ${mapped.code}`
    : `SetupAPI error (HRESULT_FROM_SETUPAPI: ${mapped.code})`;
}

function codeLines(r: LookupResult): string[] {
  const ntstatus = r.entries!.length > 0 && r.entries!.every((e) => e.family === 'ntstatus');
  const kind =
    r.kind === 'win32'
      ? `Win32 error ${r.win32?.code}`
      : r.mapped
        ? mappedKind(r.mapped)
        : ntstatus
          ? 'NTSTATUS (no HRESULT table has this value)'
          : 'HRESULT';
  const lines = [`${r.code}  ${kind}, ${r.severity}`];
  const entries = [...r.entries!.filter((e) => e.win32), ...r.entries!.filter((e) => !e.win32)];
  const entryLine = (e: CodeEntry) =>
    `  ${e.name || '(no symbolic name)'}: ${e.message || '(no message text published)'}`;
  lines.push(...(r.known ? entries.map(entryLine) : ['  not in the reference tables']));
  lines.push(`  ${facilityText(r.facility!, r.facilityCode!)}`);
  if (r.win32 && r.kind !== 'win32')
    lines.push(`  Win32 error ${r.win32.code}${r.win32.name ? ` ${r.win32.name}` : ''}`);
  if (r.known) lines.push(...[...new Set(r.entries!.map((e) => e.source))].map((s) => `  source: ${s}`));
  return lines;
}

function statmsgLines(r: LookupResult): string[] {
  const head = `status message ${r.code}${r.severity ? `, ${r.severity}` : ''}${r.component ? `, ${r.component}` : ''}`;
  return [
    head,
    ...r.texts!.flatMap((t) => [
      `  ${t.text}`,
      `  ${t.modules.join(', ')} message${t.severity ? ` (${t.severity})` : ''}; source: ${t.source}`,
    ]),
  ];
}

function stateLines(r: LookupResult): string[] {
  const head = `state message topic ${r.topicType} ${r.topicTypeName}${r.stateId === null ? '' : `, state ${r.stateId}`}`;
  const lines = [head, ...r.names.map((n) => `  ${n}`)];
  if (r.states) lines.push(...r.states.map((s) => `  ${s.stateId}: ${s.names.join(' / ')}`));
  if (r.stateId !== null && !r.known) lines.push('  state not in the reference tables');
  return [...lines, ...[...new Set((r.stateEntries ?? []).map((e) => e.source))].map((s) => `  source: ${s}`)];
}

function seedLines(r: LookupResult): string[] {
  if (!r.seedSection) return [];
  return [
    `  seed (${r.seedPath!.join(' > ')}): ${r.seedSection}`,
    `    ${r.seedSummary}`,
    ...r.seedSteps!.map((s) => `    - ${s}`),
  ];
}

/** Readable plain text for terminals, one block per result. */
export function formatLookup(results: LookupResult[]): string {
  const blocks = results.map((r) => {
    const body =
      r.kind === 'unknown'
        ? [`${r.input}: ${r.message}`]
        : r.kind === 'statmsg'
          ? statmsgLines(r)
          : r.kind === 'state'
            ? stateLines(r)
            : r.kind === 'http'
              ? httpLines(r)
              : [...codeLines(r), ...seedLines(r)];
    const input = r.kind !== 'unknown' && r.input !== r.code ? [`  input: ${r.input}`] : [];
    const note = r.note && r.kind !== 'unknown' ? [`  note: ${r.note}`] : [];
    return [...body, ...input, ...note].join('\n');
  });
  return blocks.join('\n\n') + '\n';
}
