// Semantic tokens. On a log VS Code tokenizes itself (under 20 MiB), whole records coloured by severity: CMTrace
// puts type="3" at the END of a record that may span many lines, which a TextMate grammar cannot see from the
// first line, and the server, which knows records, can. On a bigger log VS Code turns its tokenizer off
// (editor.largeFileOptimizations), so the server also colours what the grammar would have: GUIDs, KB numbers,
// times, dates, error codes, error and warning words, components and the CMTrace markup. Only by range (the
// visible lines, asked again as the user scrolls): the whole of a 48 MB log would be tens of megabytes of tokens.
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import { RecordTable } from '../core/table';

/** Appended only: a client keeps the legend of `initialize`, and the types keep their numbers. */
export const TOKEN_TYPES = [
  'logError',
  'logWarning',
  'logVerbose',
  'logDamaged',
  'logGuid',
  'logKb',
  'logTime',
  'logDate',
  'logCode',
  'logComponent',
  'logMarkup',
] as const;
export const TOKEN_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [] };

type TokenType = (typeof TOKEN_TYPES)[number];
const T = Object.fromEntries(TOKEN_TYPES.map((name, i) => [name, i])) as Record<TokenType, number>;

/**
 * VS Code's limits above which it does not tokenize a document (TextModel: 20 MiB of text or 300,000 lines, with
 * editor.largeFileOptimizations on, the default). Above them the server colours the tokens of the text too.
 */
export const TOKENIZATION_LIMIT = { chars: 20 * 1024 * 1024, lines: 300_000 };

export function isTooLargeForTokenization(chars: number, lines: number): boolean {
  return chars > TOKENIZATION_LIMIT.chars || lines > TOKENIZATION_LIMIT.lines;
}

/** The token type of record i's severity (its whole lines), or -1 for an information record. */
function severityTypeOf(records: RecordTable, i: number): number {
  if (records.isDamaged(i)) return T.logDamaged;
  switch (records.severity(i)) {
    case 'error':
      return T.logError;
    case 'warning':
      return T.logWarning;
    case 'verbose':
      return T.logVerbose;
    default:
      return -1;
  }
}

/**
 * Whole records by severity. `lineLength(n)` gives the length of 0-based line n; `fromLine`..`toLine` (0-based,
 * inclusive) limit the work: a range costs the records in it, not the whole log.
 */
export function semanticTokens(
  records: RecordTable,
  lineLength: (line: number) => number,
  fromLine = 0,
  toLine = Infinity,
): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  forEachLineSeverity(records, fromLine, toLine, (line, type) => {
    const length = lineLength(line);
    if (length > 0) builder.push(line, 0, length, type, 0);
  });
  return builder.build();
}

/**
 * The tokens of lines `fromLine`..`toLine` of a log too large for VS Code to tokenize: the text's tokens (see
 * lineTokens), and the rest of the line in its record's severity. `lineText(n)` gives 0-based line n's text.
 */
export function bigLogTokens(
  records: RecordTable,
  lineText: (line: number) => string,
  fromLine: number,
  toLine: number,
): SemanticTokens {
  const severity = new Map<number, number>();
  forEachLineSeverity(records, fromLine, toLine, (line, type) => severity.set(line, type));
  const builder = new SemanticTokensBuilder();
  for (let line = fromLine; line <= toLine; line++) {
    const text = lineText(line);
    const fill = severity.get(line) ?? -1;
    let at = 0;
    for (const token of lineTokens(text)) {
      if (fill >= 0 && token.start > at) builder.push(line, at, token.start - at, fill, 0);
      builder.push(line, token.start, token.length, token.type, 0);
      at = token.start + token.length;
    }
    if (fill >= 0 && text.length > at) builder.push(line, at, text.length - at, fill, 0);
  }
  return builder.build();
}

/** Calls `fn(line, type)` for each 0-based line in the range that belongs to a record with a severity colour. */
function forEachLineSeverity(
  records: RecordTable,
  fromLine: number,
  toLine: number,
  fn: (line: number, type: number) => void,
): void {
  for (let i = firstEndingAtOrAfter(records, fromLine + 1); i < records.length; i++) {
    const first = records.line(i) - 1;
    if (first > toLine) break;
    const type = severityTypeOf(records, i);
    if (type < 0) continue;
    const last = Math.min(records.endLine(i) - 1, toLine);
    for (let line = Math.max(first, fromLine); line <= last; line++) fn(line, type);
  }
}

/** The first record whose last line is at or after 1-based `line` (records are in line order). */
function firstEndingAtOrAfter(records: RecordTable, line: number): number {
  if (line <= 1) return 0;
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records.endLine(mid) < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface LineToken {
  start: number;
  length: number;
  type: number;
}

// What the grammar (syntaxes/cmlog.tmLanguage.json) colours, in JavaScript regular expressions: its rules of the
// same names are the reference (guid, kb, hresult, hex, error-word, warning-word, the CMTrace and SMS headers).
const TEXT_TOKENS: Array<[RegExp, number | ((match: RegExpExecArray) => number)]> = [
  [/\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}/g, T.logGuid],
  [
    /(?<![0-9A-Za-z-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Za-z-])/g,
    T.logGuid,
  ],
  [/\b[Kk][Bb]\d{5,8}\b/g, T.logKb],
  // HRESULTs with the failure bit (8-F) in the error colour, as the grammar's token.error-token; others as codes.
  [
    /\b0[xX][0-9A-Fa-f]{8}\b|(?<=\[)[0-9A-Fa-f]{8}(?=\])/g,
    (m) => (/^(?:0[xX])?[89A-Fa-f]/.test(m[0]) ? T.logError : T.logCode),
  ],
  [/\b0[xX][0-9A-Fa-f]+\b/g, T.logCode],
  [/\b\d{4}[-/]\d{2}[-/]\d{2}\b|\b\d{1,2}[-/]\d{1,2}[-/]\d{4}\b/g, T.logDate],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,:]\d+)?(?:[+-]\d{1,4}\b)?/g, T.logTime],
  [
    /(?<![\w-])(?<!\bno\s)(?<!\bnot\s)(?<!\b0\s)(?:e(?:rrors?|xceptions?)|f(?:ail(?:ed|s|ures?)?|atal)|abort(?:ed)?|crash(?:ed)?|denied)\b(?!\s*[=:]?\s*(?:0x0{8}|0)\b)/gi,
    T.logError,
  ],
  [
    /(?<!\w)(?<!\bno\s)(?<!\b0\s)(?:warn(?:ings?)?|timed\s+out|re(?:trying|jected|fused)|not\s+found|un(?:expected(?:ly)?|able)|c(?:an(?:not|'t)|ould(?:\s+not|n't))|invalid|deprecated)\b(?!\s*[=:]?\s*(?:0x0{8}|0)\b)/gi,
    T.logWarning,
  ],
];

/** CMTrace: the opening `<![LOG[` and the header from `]LOG]!><` on; its component's value is coloured. */
const CMTRACE_OPEN = /^\s*<!\[LOG\[/;
const CMTRACE_CLOSE = ']LOG]!><';
const HEADER_COMPONENT = /\bcomponent="([^"]*)"/;
/**
 * SMS trace trailer: `$$<Component><date time+bias><thread=N (0xHEX)>`, tried at the last `$$<` of the line only
 * (from every `$$<` of a line made of them it would be quadratic).
 */
const SMS_TRAILER = /\$\$<([^<>]*)>(?:<[^<>]*>)*\s*$/y;

/** Lines longer than this are coloured in their first part only (VS Code's own limit is 20,000 characters). */
const MAX_LINE = 20_000;

/** The tokens of one line of a log, in order, none overlapping. */
export function lineTokens(text: string): LineToken[] {
  const line = text.length > MAX_LINE ? text.slice(0, MAX_LINE) : text;
  const found: LineToken[] = [];
  const markup = markupOf(line, found);
  for (const [pattern, type] of TEXT_TOKENS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(line); m; m = pattern.exec(line)) {
      if (m[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      found.push({ start: m.index, length: m[0].length, type: typeof type === 'number' ? type : type(m) });
    }
  }
  return withoutOverlaps(found, markup);
}

/**
 * Adds the component of a CMTrace or SMS trace header to `found`, and returns the spans of markup (the rest of
 * the header): tokens inside them other than times and dates are dropped, what is left is markup.
 */
function markupOf(line: string, found: LineToken[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const open = CMTRACE_OPEN.exec(line);
  if (open) spans.push([0, open[0].length]);
  const header = line.indexOf(CMTRACE_CLOSE, open ? open[0].length : 0);
  if (header >= 0) {
    spans.push([header, line.length]);
    const component = HEADER_COMPONENT.exec(line.slice(header));
    if (component?.[1])
      found.push({ start: header + component.index + 11, length: component[1].length, type: T.logComponent });
    return spans;
  }
  SMS_TRAILER.lastIndex = line.lastIndexOf('$$<');
  const trailer = SMS_TRAILER.lastIndex >= 0 ? SMS_TRAILER.exec(line) : null;
  if (trailer) {
    spans.push([trailer.index, line.length]);
    if (trailer[1]) found.push({ start: trailer.index + 3, length: trailer[1].length, type: T.logComponent });
  }
  return spans;
}

/** Sorted, first found wins an overlap; the markup spans become markup tokens around what is kept in them. */
function withoutOverlaps(found: LineToken[], markup: Array<[number, number]>): LineToken[] {
  const inMarkup = (t: LineToken) => markup.some(([a, b]) => t.start >= a && t.start < b);
  const keepInMarkup = new Set([T.logTime, T.logDate, T.logComponent]);
  const kept: LineToken[] = [];
  let end = 0;
  const ordered = found
    .map((t, order) => ({ t, order }))
    .filter(({ t }) => !inMarkup(t) || keepInMarkup.has(t.type))
    .sort((a, b) => a.t.start - b.t.start || a.order - b.order);
  for (const { t } of ordered) {
    if (t.start < end) continue;
    kept.push(t);
    end = t.start + t.length;
  }
  const out: LineToken[] = [];
  for (const [a, b] of markup) {
    let at = a;
    for (const t of kept) {
      if (t.start < a || t.start >= b) continue;
      if (t.start > at) out.push({ start: at, length: t.start - at, type: T.logMarkup });
      at = Math.min(b, t.start + t.length);
    }
    if (b > at) out.push({ start: at, length: b - at, type: T.logMarkup });
  }
  return [...kept, ...out].sort((x, y) => x.start - y.start);
}
