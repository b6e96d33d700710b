// Exports of the timeline (CSV and NDJSON), written so that no cell or line acts on a spreadsheet or a terminal.
// Pure (client/src/shared/): the extension writes them; the diagnosis view's markdown export shares nothing here.

/** A row as exported: its file resolved (ResolvedTimelineRow in server/src/protocol.ts has this shape). */
export interface ExportRow {
  t: number | null;
  local: string | null;
  bias: number | null;
  file: string;
  uri: string;
  line: number;
  endLine: number;
  component: string;
  thread: number | null;
  severity: string;
  message: string;
  keys: readonly string[];
}

export const CSV_COLUMNS = [
  'utc',
  'local',
  'bias',
  'file',
  'line',
  'component',
  'thread',
  'severity',
  'message',
  'keys',
] as const;

/** C0 controls (but tab, CR, LF), DEL and C1 controls: a terminal would act on them (ESC [ ..., CSI). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** Makes control characters visible (U+2400 pictures for C0, U+FFFD for DEL and C1) so `cat file.csv` is inert. */
export function neutraliseControls(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : '\ufffd';
  });
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma, semicolon, CR or LF or starts/ends with a space;
 * quotes doubled. Text that a spreadsheet would take for a formula (=, +, -, @, tab or CR first, even after
 * spaces) is prefixed with an apostrophe. Numbers are written as numbers (a bias of -60 is not a formula).
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = neutraliseControls(String(value));
  if (/^[\t\r]|^[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]/.test(text)) text = "'" + text;
  if (/[",;\r\n]|^\s|\s$/.test(text)) text = '"' + text.replace(/"/g, '""') + '"';
  return text;
}

export function toIso(t: number | null): string {
  if (t === null || !Number.isFinite(t)) return '';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\r\n';
}

export function rowToCsv(row: ExportRow): string {
  return (
    [
      toIso(row.t),
      row.local ?? '',
      row.bias,
      row.file,
      row.line,
      row.component,
      row.thread,
      row.severity,
      row.message,
      row.keys.join(' '),
    ]
      .map(csvCell)
      .join(',') + '\r\n'
  );
}

/** The whole CSV, with a UTF-8 BOM so that spreadsheets read non-ASCII text correctly. */
export function rowsToCsv(rows: readonly ExportRow[]): string {
  return '\ufeff' + csvHeader() + rows.map(rowToCsv).join('');
}

/** Characters JSON.stringify leaves raw but that terminals or JavaScript parsers treat specially. */
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One NDJSON line: the row as JSON (keys in a fixed order), with DEL, C1, line/paragraph separators and bidi controls escaped. */
export function rowToNdjson(row: ExportRow): string {
  const object = {
    utc: toIso(row.t) || null,
    t: row.t,
    local: row.local,
    bias: row.bias,
    file: row.file,
    uri: row.uri,
    line: row.line,
    endLine: row.endLine,
    component: row.component,
    thread: row.thread,
    severity: row.severity,
    message: row.message,
    keys: row.keys,
  };
  return (
    JSON.stringify(object).replace(JSON_UNSAFE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '\n'
  );
}

export function rowsToNdjson(rows: readonly ExportRow[]): string {
  return rows.map(rowToNdjson).join('');
}
