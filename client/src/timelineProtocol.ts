// The timeline webview's message protocol and the export formats. Pure: no `vscode` import, so everything here
// is unit-tested in plain Node. The filter model lives in timelineFilter.ts, shared with the webview's script.
//
// Nothing that comes from the webview is trusted: a webview runs log text through the DOM, and a bug there must
// not become the ability to open arbitrary URIs, run commands or write files the user did not choose.
import type { ResolvedTimelineRow, TimelineFile, TimelinePage } from '../../server/src/protocol';
import { MAX_TEXT, SEVERITIES, emptyFilter, type SeverityName, type TimelineFilter } from './timelineFilter';

export * from './timelineFilter';

/** Largest clock offset a lane may be shifted by: a week either way. */
export const MAX_CLOCK_OFFSET_MS = 7 * 24 * 3600 * 1000;
/** "Around this record": at most a day either side. */
export const MAX_AROUND_SECONDS = 24 * 3600;
const MAX_LIST = 1000;
const MAX_URI = 4096;
const MAX_LINE = 100_000_000;
/** Earliest/latest UTC accepted in a time range (1970 … 2200, like the parsers). */
const MIN_UTC = 0;
const MAX_UTC = Date.UTC(2200, 0, 1);

// ---------------------------------------------------------------------------------------------------------
// Validation of what the webview sends

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'reveal'; uri: string; line: number; endLine: number }
  | { type: 'setClockOffset'; uri: string; ms: number }
  | { type: 'export'; format: 'csv' | 'ndjson'; filter: TimelineFilter }
  /** Reload with (or without) the server-side key restriction; null shows every record. */
  | { type: 'setKey'; key: string | null }
  | { type: 'reload' };

const KEY = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|KB\d{6,8})$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An integer in [min, max], or `fallback` when the value is not a finite number. */
export function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

function cleanString(value: unknown, max: number): string | null {
  if (typeof value !== 'string' || value.length > max) return null;
  return value;
}

/** A normalised key (lower-case GUID without braces, or KBnnnnnn), or null. */
export function validKey(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const v = value.replace(/[{}]/g, '');
  const normalised = /^kb/i.test(v) ? v.toUpperCase() : v.toLowerCase();
  return KEY.test(normalised) ? normalised : null;
}

function stringList(value: unknown, maxItems: number, maxLength: number): string[] | null {
  if (!Array.isArray(value)) return null;
  const out: string[] = [];
  for (const item of value.slice(0, maxItems)) if (typeof item === 'string' && item.length <= maxLength) out.push(item);
  return out;
}

function optionalUtc(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return Math.min(MAX_UTC, Math.max(MIN_UTC, value));
}

/** Builds a well-formed filter from anything: unknown fields dropped, types enforced, numbers clamped. */
export function sanitizeFilter(raw: unknown): TimelineFilter {
  const f = emptyFilter();
  if (!isObject(raw)) return f;
  if (typeof raw.text === 'string') f.text = raw.text.slice(0, MAX_TEXT);
  f.regex = raw.regex === true;
  f.matchCase = raw.matchCase === true;
  const severities = stringList(raw.severities, SEVERITIES.length * 2, 16);
  if (severities) f.severities = SEVERITIES.filter((s) => severities.includes(s));
  f.components = stringList(raw.components, MAX_LIST, 256);
  f.files = stringList(raw.files, MAX_LIST, MAX_URI);
  f.thread = typeof raw.thread === 'number' && Number.isFinite(raw.thread) ? clampInt(raw.thread, 0, 0xffffffff, 0) : null;
  f.fromUtc = optionalUtc(raw.fromUtc);
  f.toUtc = optionalUtc(raw.toUtc);
  f.errorsOnly = raw.errorsOnly === true;
  if (isObject(raw.around)) {
    const t = optionalUtc(raw.around.t);
    if (t !== null) f.around = { t, seconds: clampInt(raw.around.seconds, 0, MAX_AROUND_SECONDS, 30) };
  }
  f.key = validKey(raw.key);
  return f;
}

/**
 * Validates a message from the webview. `knownUris` are the files of the timeline on show: a reveal or a clock
 * offset for any other URI (a `command:` link, a file elsewhere) is refused. Returns null for anything malformed.
 */
export function parseWebviewMessage(raw: unknown, knownUris: ReadonlySet<string>): WebviewMessage | null {
  if (!isObject(raw) || typeof raw.type !== 'string') return null;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'reload':
      return { type: 'reload' };
    case 'reveal': {
      const uri = cleanString(raw.uri, MAX_URI);
      if (uri === null || !knownUris.has(uri)) return null;
      if (typeof raw.line !== 'number' || !Number.isFinite(raw.line)) return null;
      const line = clampInt(raw.line, 1, MAX_LINE, 1);
      const endLine = clampInt(raw.endLine, line, MAX_LINE, line);
      return { type: 'reveal', uri, line, endLine };
    }
    case 'setClockOffset': {
      const uri = cleanString(raw.uri, MAX_URI);
      if (uri === null || !knownUris.has(uri)) return null;
      if (typeof raw.ms !== 'number' || !Number.isFinite(raw.ms)) return null;
      return { type: 'setClockOffset', uri, ms: clampInt(raw.ms, -MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS, 0) };
    }
    case 'export':
      if (raw.format !== 'csv' && raw.format !== 'ndjson') return null;
      return { type: 'export', format: raw.format, filter: sanitizeFilter(raw.filter) };
    case 'setKey': {
      if (raw.key === null) return { type: 'setKey', key: null };
      const key = validKey(raw.key);
      return key === null ? null : { type: 'setKey', key };
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// What the extension sends to the webview

export interface TimelineFileInfo {
  uri: string;
  file: string;
  /** Base name, for lanes and labels. */
  name: string;
  records: number;
  clockOffsetMs: number;
}

/**
 * A page of rows in columns, with files and components as indices into tables the webview keeps: a million
 * rows as objects repeating their URI and path would cost the webview hundreds of megabytes.
 */
export interface RowChunk {
  offset: number;
  count: number;
  /** Files first seen in this chunk, appended to the webview's table in order. */
  addFiles: TimelineFileInfo[];
  /** Components first seen in this chunk, appended in order. */
  addComponents: string[];
  t: Array<number | null>;
  file: number[];
  line: number[];
  endLine: number[];
  bias: Array<number | null>;
  /** Index into SEVERITIES. */
  sev: number[];
  comp: number[];
  thread: Array<number | null>;
  msg: string[];
  /** Keys of each row, or 0 for none (keeps the message small: most rows have none). */
  keys: Array<string[] | 0>;
}

export type ExtensionMessage =
  | {
      type: 'begin';
      generation: number;
      total: number;
      files: TimelineFileInfo[];
      /** Key the server restricts the rows to (Show Related Events), or null for every record. */
      serverKey: string | null;
      /** Key to highlight and follow (kept when the restriction is lifted). */
      focusKey: string | null;
      /** True when this replaces rows already shown (live reload, clock offset): keep the view where it was. */
      keepView: boolean;
      /** At most this many rows are loaded into the webview. */
      maxRows: number;
    }
  | { type: 'rows'; generation: number; chunk: RowChunk }
  | { type: 'end'; generation: number; total: number; loaded: number; truncated: boolean }
  | { type: 'clockOffsets'; offsets: Record<string, number> }
  /** The `cmlogs.timeDisplay` setting; `changed`: just changed by the user, so it replaces the panel's own choice. */
  | { type: 'settings'; timeMode: TimeMode; changed: boolean }
  | { type: 'status'; text: string; error?: boolean };

/** How the webview shows times (its select's values). */
export type TimeMode = 'utc' | 'log' | 'machine';

/** The `cmlogs.timeDisplay` setting (utc | logLocal | machineLocal) as the webview's time mode; UTC for anything else. */
export function timeModeOf(setting: unknown): TimeMode {
  return setting === 'logLocal' ? 'log' : setting === 'machineLocal' ? 'machine' : 'utc';
}

/** Turns server pages into chunks, interning files and components in the tables given (which it extends). */
export class ChunkEncoder {
  readonly files: TimelineFileInfo[] = [];
  readonly components: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private readonly componentIndex = new Map<string, number>();

  constructor(private readonly clockOffsetOf: (uri: string) => number = () => 0) {}

  /** Registers files (from a page's `files`), returning the ones not known before. */
  addFiles(files: readonly TimelineFile[]): TimelineFileInfo[] {
    const added: TimelineFileInfo[] = [];
    for (const f of files) {
      if (this.fileIndex.has(f.uri)) continue;
      const info = { uri: f.uri, file: f.file, name: baseName(f.file), records: f.records, clockOffsetMs: this.clockOffsetOf(f.uri) };
      this.fileIndex.set(f.uri, this.files.length);
      this.files.push(info);
      added.push(info);
    }
    return added;
  }

  encode(page: Pick<TimelinePage, 'rows' | 'files'>, offset: number): RowChunk {
    const chunk: RowChunk = { offset, count: page.rows.length, addFiles: this.addFiles(page.files), addComponents: [], t: [], file: [], line: [], endLine: [], bias: [], sev: [], comp: [], thread: [], msg: [], keys: [] };
    // The page's file positions → the webview's (a page lists every file, so this is a handful of lookups).
    const fileOfPage = page.files.map((f) => this.fileIndex.get(f.uri)!);
    for (const row of page.rows) {
      const sev = SEVERITIES.indexOf(row.severity as SeverityName);
      chunk.t.push(row.t);
      chunk.file.push(fileOfPage[row.f] ?? 0);
      chunk.line.push(row.line);
      chunk.endLine.push(row.endLine);
      chunk.bias.push(row.bias);
      chunk.sev.push(sev < 0 ? SEVERITIES.length - 1 : sev);
      chunk.comp.push(this.componentId(row.component, chunk));
      chunk.thread.push(row.thread);
      chunk.msg.push(row.message);
      chunk.keys.push(row.keys.length ? row.keys : 0);
    }
    return chunk;
  }

  private componentId(component: string, chunk: RowChunk): number {
    let id = this.componentIndex.get(component);
    if (id === undefined) {
      id = this.components.length;
      this.components.push(component);
      this.componentIndex.set(component, id);
      chunk.addComponents.push(component);
    }
    return id;
  }
}

export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

// ---------------------------------------------------------------------------------------------------------
// Export

export const CSV_COLUMNS = ['utc', 'local', 'bias', 'file', 'line', 'component', 'thread', 'severity', 'message', 'keys'] as const;

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

export function rowToCsv(row: ResolvedTimelineRow): string {
  return [toIso(row.t), row.local ?? '', row.bias, row.file, row.line, row.component, row.thread, row.severity, row.message, row.keys.join(' ')].map(csvCell).join(',') + '\r\n';
}

/** The whole CSV, with a UTF-8 BOM so that spreadsheets read non-ASCII text correctly. */
export function rowsToCsv(rows: readonly ResolvedTimelineRow[]): string {
  return '\ufeff' + csvHeader() + rows.map(rowToCsv).join('');
}

/** Characters JSON.stringify leaves raw but that terminals or JavaScript parsers treat specially. */
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One NDJSON line: the row as JSON (keys in a fixed order), with DEL, C1, line/paragraph separators and bidi controls escaped. */
export function rowToNdjson(row: ResolvedTimelineRow): string {
  const object = { utc: toIso(row.t) || null, t: row.t, local: row.local, bias: row.bias, file: row.file, uri: row.uri, line: row.line, endLine: row.endLine, component: row.component, thread: row.thread, severity: row.severity, message: row.message, keys: row.keys };
  return JSON.stringify(object).replace(JSON_UNSAFE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '\n';
}

export function rowsToNdjson(rows: readonly ResolvedTimelineRow[]): string {
  return rows.map(rowToNdjson).join('');
}

// ---------------------------------------------------------------------------------------------------------
// The page

function attr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Content-Security-Policy of the page: only the script with this load's nonce, styles and images from the extension. */
export function timelineCsp(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `img-src ${cspSource} data:`].join('; ');
}

/**
 * The webview's HTML: static markup only, no log text and no option values (everything dynamic arrives by
 * postMessage and is written with textContent), no inline script, handler or style.
 */
export function timelineHtml(o: { cspSource: string; nonce: string; scriptUri: string; styleUri: string }): string {
  const { nonce, scriptUri, styleUri } = o;
  const csp = timelineCsp(o.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(styleUri)}">
<title>ConfigMgr Timeline</title>
</head>
<body>
<div id="app">
  <div id="toolbar" role="toolbar" aria-label="Timeline filters">
    <div class="group">
      <input id="text" type="search" placeholder="Filter messages" aria-label="Filter text" maxlength="500" spellcheck="false">
      <label class="toggle" title="Regular expression"><input id="regex" type="checkbox"><span>.*</span></label>
      <label class="toggle" title="Match case"><input id="matchCase" type="checkbox"><span>Aa</span></label>
      <span id="textError" class="error-text" role="alert"></span>
    </div>
    <div class="group" id="severities" aria-label="Severities">
      <label class="toggle sev-error" title="Errors"><input type="checkbox" data-sev="error" checked><span>Error</span></label>
      <label class="toggle sev-warning" title="Warnings"><input type="checkbox" data-sev="warning" checked><span>Warning</span></label>
      <label class="toggle sev-info" title="Information"><input type="checkbox" data-sev="info" checked><span>Info</span></label>
      <label class="toggle sev-verbose" title="Verbose"><input type="checkbox" data-sev="verbose" checked><span>Verbose</span></label>
      <label class="toggle sev-unknown" title="No severity"><input type="checkbox" data-sev="unknown" checked><span>Other</span></label>
      <button id="errorsOnly" type="button" aria-pressed="false" title="Show errors only">Errors only</button>
    </div>
    <div class="group">
      <select id="component" aria-label="Component"><option value="">All components</option></select>
      <select id="file" aria-label="File"><option value="">All files</option></select>
      <input id="thread" type="number" min="0" placeholder="Thread" aria-label="Thread" class="narrow">
    </div>
    <div class="group">
      <input id="from" type="text" placeholder="From (UTC)" aria-label="From, UTC" class="time-input" spellcheck="false">
      <input id="to" type="text" placeholder="To (UTC)" aria-label="To, UTC" class="time-input" spellcheck="false">
      <label title="Seconds either side of the selected record">± <input id="aroundSeconds" type="number" min="0" max="86400" value="30" class="narrow" aria-label="Seconds around"> s</label>
      <button id="around" type="button" aria-pressed="false" title="Only records around the selected one">Around record</button>
      <button id="clear" type="button" title="Clear every filter">Clear</button>
    </div>
    <div class="group right">
      <select id="timeMode" aria-label="Time shown">
        <option value="utc">UTC</option>
        <option value="log">Log-local</option>
        <option value="machine">This computer</option>
      </select>
      <select id="laneMode" aria-label="Lanes">
        <option value="file">Lanes: files</option>
        <option value="component">Lanes: components</option>
      </select>
      <button id="exportCsv" type="button" title="Export the filtered records as CSV">CSV</button>
      <button id="exportNdjson" type="button" title="Export the filtered records as NDJSON">NDJSON</button>
    </div>
  </div>
  <div id="banner" hidden>
    <span id="bannerText"></span>
    <button id="bannerAll" type="button">Show all records</button>
    <button id="bannerFilter" type="button">Filter to this key</button>
  </div>
  <div id="overview">
    <div id="zoom">
      <span id="span" class="muted"></span>
      <button id="zoomIn" type="button" title="Zoom in (wheel up)">+</button>
      <button id="zoomOut" type="button" title="Zoom out (wheel down)">−</button>
      <button id="zoomFit" type="button" title="Show everything">Fit</button>
      <button id="zoomSel" type="button" title="Zoom around the selected record">Selection</button>
    </div>
    <canvas id="overviewCanvas" tabindex="0" aria-label="Overview: wheel to zoom, drag to pan, shift-drag to filter a time range, click to jump"></canvas>
  </div>
  <div id="main">
    <div id="listPane">
      <div id="header" class="row head" aria-hidden="true">
        <span class="c-time">Time</span><span class="c-file">File</span><span class="c-comp">Component</span><span class="c-thread">Thread</span><span class="c-msg">Message</span>
      </div>
      <div id="list" tabindex="0" role="grid" aria-label="Records"><div id="spacer"></div><div id="rows"></div></div>
    </div>
    <div id="side">
      <section id="details"><h3>Record</h3><div id="detailsBody" class="muted">Select a record.</div></section>
      <section id="chain"><h3>Linked records <span id="chainCount" class="muted"></span></h3><div id="chainBody"></div></section>
      <section id="files"><h3>Files and clock offsets</h3><div id="filesBody"></div></section>
    </div>
  </div>
  <div id="status" role="status"></div>
</div>
<script nonce="${attr(nonce)}" src="${attr(scriptUri)}"></script>
</body>
</html>`;
}
