// The timeline webview's message protocol: what the webview may send (validated here before the extension
// acts on it) and what the extension sends. Shared by the extension host (client/src/timelinePanel.ts) and the
// webview (media/src/): pure, no `vscode`, Node or DOM.
//
// Nothing that comes from the webview is trusted: a webview runs log text through the DOM, and a bug there must
// not become the ability to open arbitrary URIs, run commands or write files the user did not choose.
//
// Every load of rows has an id (`load`, the panel's generation): rows, the end of a load and every action on a
// row (reveal) carry it, so that nothing of a previous load (another log, before a retarget) is shown or acted on.
import { MAX_TEXT, SEVERITIES, emptyFilter, type TimelineFilter } from './filter';
import { clampInt, isObject, sanitizeLayout, type ColumnLayout } from './columnLayout';
import type { Overview, OverviewQuery, RowClock, TimelineSummary } from '../../../common/wire';
import { sanitizeRules, type HighlightRule } from './highlightRules';

export * from './columnLayout';

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
  /** Open a record in the editor; `load` is the load the row came from (refused when it is not the current one). */
  | { type: 'reveal'; load: number; uri: string; line: number; endLine: number }
  /** The list's column layout, remembered for every timeline. */
  | { type: 'saveLayout'; layout: ColumnLayout }
  /** Highlight and hide rules edited in the panel (saved per workspace as cmlogs.highlightRules). */
  | { type: 'saveRules'; rules: HighlightRule[] }
  /** Import rules from a JSON file the user picks. */
  | { type: 'importRules' }
  | { type: 'setClockOffset'; uri: string; ms: number }
  | { type: 'export'; format: 'csv' | 'ndjson'; filter: TimelineFilter; rules: HighlightRule[] }
  /** A window of the filtered rows (and what else the view needs), for load `load`; answered by a `page` with `seq`. */
  | { type: 'query'; load: number; seq: number; query: ViewQuery }
  /** Reload with (or without) the server-side key restriction; null shows every record. */
  | { type: 'setKey'; key: string | null }
  | { type: 'reload' };

const KEY = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|KB\d{6,8})$/;

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
  f.thread =
    typeof raw.thread === 'number' && Number.isFinite(raw.thread) ? clampInt(raw.thread, 0, 0xffffffff, 0) : null;
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
    case 'saveLayout':
      return { type: 'saveLayout', layout: sanitizeLayout(raw.layout) };
    case 'importRules':
      return { type: 'importRules' };
    case 'saveRules':
      return { type: 'saveRules', rules: sanitizeRules(raw.rules) };
    case 'reveal': {
      if (typeof raw.load !== 'number' || !Number.isInteger(raw.load)) return null;
      const uri = cleanString(raw.uri, MAX_URI);
      if (uri === null || !knownUris.has(uri)) return null;
      if (typeof raw.line !== 'number' || !Number.isFinite(raw.line)) return null;
      const line = clampInt(raw.line, 1, MAX_LINE, 1);
      const endLine = clampInt(raw.endLine, line, MAX_LINE, line);
      return { type: 'reveal', load: raw.load, uri, line, endLine };
    }
    case 'setClockOffset': {
      const uri = cleanString(raw.uri, MAX_URI);
      if (uri === null || !knownUris.has(uri)) return null;
      if (typeof raw.ms !== 'number' || !Number.isFinite(raw.ms)) return null;
      return { type: 'setClockOffset', uri, ms: clampInt(raw.ms, -MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS, 0) };
    }
    case 'export':
      if (raw.format !== 'csv' && raw.format !== 'ndjson') return null;
      return {
        type: 'export',
        format: raw.format,
        filter: sanitizeFilter(raw.filter),
        rules: sanitizeRules(raw.rules),
      };
    case 'query': {
      if (typeof raw.load !== 'number' || !Number.isInteger(raw.load)) return null;
      if (typeof raw.seq !== 'number' || !Number.isInteger(raw.seq)) return null;
      return { type: 'query', load: raw.load, seq: raw.seq, query: sanitizeQuery(raw.query) };
    }
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
// The webview's questions about the rows (the server filters and pages them: issues #20, #23)

/** Rows a window may hold: what is on screen and a margin, never the whole timeline. */
export const MAX_WINDOW = 5000;
const MAX_BUCKETS = 4000;
const MAX_LINK_KEYS = 20;

export interface ViewQuery {
  /** The window: view positions [offset, offset + limit) of the filtered rows. */
  offset: number;
  limit: number;
  filter: TimelineFilter;
  /** Hide and show-only rules run with the filter (highlight rules are the webview's). */
  rules: HighlightRule[];
  /** Centre the window on this record when it is shown (the selection across a refilter or a reload). */
  anchor?: { uri: string; line: number };
  /** Centre the window on the next (1) or previous (-1) record of a severity after position `from`. */
  seek?: { from: number; dir: 1 | -1; severity: (typeof SEVERITIES)[number] };
  /** Centre the window on the first record at or after this time. */
  atTime?: number;
  overview?: OverviewQuery & { linkKeys: string[] };
  linkKeys?: string[];
  summary?: boolean;
}

function keyList(value: unknown): string[] {
  return (Array.isArray(value) ? value : [])
    .slice(0, MAX_LINK_KEYS)
    .map(validKey)
    .filter((k): k is string => k !== null);
}

/** A well-formed query from anything the webview sends: sizes bounded, unknown fields dropped. */
export function sanitizeQuery(raw: unknown): ViewQuery {
  const q = isObject(raw) ? raw : {};
  const query: ViewQuery = {
    offset: clampInt(q.offset, 0, 2 ** 31 - 1, 0),
    limit: clampInt(q.limit, 1, MAX_WINDOW, 200),
    filter: sanitizeFilter(q.filter),
    rules: sanitizeRules(q.rules).filter((r) => r.action !== 'highlight'),
  };
  if (isObject(q.anchor)) {
    const uri = cleanString(q.anchor.uri, MAX_URI);
    if (uri !== null && typeof q.anchor.line === 'number')
      query.anchor = { uri, line: clampInt(q.anchor.line, 1, MAX_LINE, 1) };
  }
  if (isObject(q.seek) && SEVERITIES.includes(q.seek.severity as (typeof SEVERITIES)[number]))
    query.seek = {
      from: clampInt(q.seek.from, -1, 2 ** 31 - 1, -1),
      dir: q.seek.dir === -1 ? -1 : 1,
      severity: q.seek.severity as (typeof SEVERITIES)[number],
    };
  if (typeof q.atTime === 'number' && Number.isFinite(q.atTime)) query.atTime = q.atTime;
  const o = q.overview;
  if (isObject(o) && typeof o.from === 'number' && typeof o.to === 'number' && Number.isFinite(o.from + o.to))
    query.overview = {
      from: o.from,
      to: Math.max(o.from, o.to),
      buckets: clampInt(o.buckets, 1, MAX_BUCKETS, 100),
      lanes: o.lanes === 'component' ? 'component' : 'file',
      linkKeys: keyList(o.linkKeys),
    };
  const linkKeys = keyList(q.linkKeys);
  if (linkKeys.length) query.linkKeys = linkKeys;
  if (q.summary === true) query.summary = true;
  return query;
}

/**
 * The overview's counts (common/wire.d.ts, as the server computes them), the whole timeline's facts the webview
 * shows (files as the webview's indices) and the clock of zone-less rows: the shared shapes under the webview's names.
 */
export type { Overview as OverviewData, RowClock as RowClockInfo, TimelineSummary as ViewSummary };

/** The answer to a query: the window's rows and what else was asked. */
export interface ViewPage {
  /** Records in the timeline, and those that pass the filter (`offset` counts among these). */
  total: number;
  shown: number;
  offset: number;
  chunk: RowChunk;
  /** What anchor / seek / atTime found (a view position), or -1; absent when not asked. */
  position?: number;
  filterError?: string | null;
  summary?: TimelineSummary;
  overview?: Overview;
  linked?: { total: number; files: number; chunk: RowChunk; positions: number[] };
  /** While the folder's logs are being indexed: the page holds `done` of `total` logs (the rest merge in later). */
  indexing?: { done: number; total: number; tails?: number };
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
  /**
   * How each row's time was had when its log wrote no zone: an index into the webview's clock table (extended by
   * `addClocks`, in order) plus one, or 0 when the log gives its zone (most rows: it keeps the message small).
   */
  clock: number[];
  /** Clocks first seen in this chunk, appended to the webview's table in order. */
  addClocks: RowClock[];
  /**
   * The log's own local time ("2024-03-01T08:00:00.000", no zone) of rows placed by it (clock 'local': no UTC),
   * or 0. Never a UTC: the webview shows it marked as local time of an unknown zone.
   */
  local: Array<string | 0>;
}

export type ExtensionMessage =
  /** A new load starts (a retarget, a reload): the webview drops what it shows unless `keepView`. */
  | { type: 'loading'; generation: number; keepView: boolean; title: string }
  | {
      type: 'begin';
      generation: number;
      /** Key the server restricts the rows to (Show Related Events), or null for every record. */
      serverKey: string | null;
      /** Key to highlight and follow (kept when the restriction is lifted). */
      focusKey: string | null;
      /** True when this replaces rows already shown (live reload, clock offset): keep the view where it was. */
      keepView: boolean;
      /**
       * A new load's end, asked for by the extension as the webview would ask first (following, no filter, these
       * rules, `limit` rows): taken as the answer to that query when it is the one the webview would make, which
       * saves a round trip webview → extension → webview before the first rows.
       */
      first?: { query: ViewQuery; page: ViewPage };
    }
  /** The answer to the webview's query `seq` of load `generation`. */
  | { type: 'page'; generation: number; seq: number; page: ViewPage }
  /** The logs changed (grew): the webview asks again for what it shows (the end when following). */
  | { type: 'changed'; generation: number; total: number }
  | { type: 'clockOffsets'; offsets: Record<string, number> }
  /** The `cmlogs.timeDisplay` setting; `changed`: just changed by the user, so it replaces the panel's own choice. */
  | { type: 'settings'; timeMode: TimeSetting; changed: boolean; layout: ColumnLayout | null; rules: HighlightRule[] }
  | { type: 'status'; text: string; error?: boolean };

/** How the webview shows times (its select's values). */
export type TimeMode = 'utc' | 'log' | 'machine';

/** The time display setting: 'auto' is log-local when every log shares one bias (as CMTrace shows), UTC otherwise. */
export type TimeSetting = TimeMode | 'auto';

/** The `cmlogs.timeDisplay` setting (auto | utc | logLocal | machineLocal) as the webview's time mode; auto for anything else. */
export function timeModeOf(setting: unknown): TimeSetting {
  return setting === 'logLocal' ? 'log' : setting === 'machineLocal' ? 'machine' : setting === 'utc' ? 'utc' : 'auto';
}

/**
 * What 'auto' means for the logs loaded: log-local when all their records carry the same bias (one zone: the
 * times read as in the files), UTC when they differ or none carries a bias.
 */
export function autoTimeMode(biases: Iterable<number>): TimeMode {
  let only: number | null = null;
  for (const bias of biases) {
    if (only === null) only = bias;
    else if (only !== bias) return 'utc';
  }
  return only === null ? 'utc' : 'log';
}
