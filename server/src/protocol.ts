// Requests the client (and tests) send beyond standard LSP. Types (and one helper over them): shared by server,
// client and tests.

export const Requests = {
  /** Counts and time span of one log, for the status bar. */
  fileStats: 'cmlogs/fileStats',
  /** Records of many logs merged by UTC, in pages. */
  timeline: 'cmlogs/timeline',
  /** Decodes error codes, status message IDs and state messages typed by the user. */
  lookup: 'cmlogs/lookup',
  /** The key (GUID/KB) under a position and where else it occurs. */
  related: 'cmlogs/related',
  /** Indexes every log in a folder (Open Log Folder). */
  indexFolder: 'cmlogs/indexFolder',
  /** Runs the documented flows over the known logs. */
  diagnose: 'cmlogs/diagnose',
  /** Pretty XML of the payload in the record at a position. */
  xmlAt: 'cmlogs/xmlAt',
  /** Ranges of error and warning records of a document (whole-line highlighting like CMTrace). */
  severityRanges: 'cmlogs/severityRanges',
} as const;

export interface DiagnoseParams {
  /** Files to diagnose (URIs). */
  uris?: string[];
  /** A folder (URI) whose logs, subfolders included, are indexed and diagnosed (with `uris`, both). */
  folder?: string;
}

export interface FileStatsParams {
  uri: string;
}

export interface FileStats {
  records: number;
  errors: number;
  warnings: number;
  damaged: number;
  format: string;
  encoding: string;
  firstUtc: string | null;
  lastUtc: string | null;
}

export interface TimelineParams {
  /** Files to merge (URIs); with `folders` also empty, every log the server knows. */
  uris?: string[];
  /**
   * Folders (URIs) whose logs are merged as they are at each request: a log written into one after the timeline
   * opened joins it (a list of files made when it opened would leave the newcomer out).
   */
  folders?: string[];
  /** Only records that contain this key. */
  key?: string;
  /** Milliseconds added to each file's clock (by URI). */
  clockOffsets?: Record<string, number>;
  offset?: number;
  limit?: number;
}

export interface TimelineRow {
  /** Position in the merged order. */
  i: number;
  /** The row's file: an index into its page's `files`. */
  f: number;
  line: number;
  endLine: number;
  /** Merged time (UTC ms, clock offset applied), or null. */
  t: number | null;
  local: string | null;
  bias: number | null;
  severity: string;
  component: string;
  thread: number | null;
  message: string;
  keys: string[];
}

export interface TimelineFile {
  uri: string;
  /** Path on disk. */
  file: string;
  records: number;
}

export interface TimelinePage {
  total: number;
  offset: number;
  rows: TimelineRow[];
  /** Every file of the timeline, once per page; rows point into it (`TimelineRow.f`). */
  files: TimelineFile[];
}

/** A row with its file resolved from the page's table: what exports write. */
export interface ResolvedTimelineRow extends Omit<TimelineRow, 'f'> {
  uri: string;
  file: string;
}

/** The rows of a page with their files resolved. */
export function resolveRows(page: Pick<TimelinePage, 'rows' | 'files'>): ResolvedTimelineRow[] {
  return page.rows.map(({ f, ...row }) => ({ ...row, uri: page.files[f]?.uri ?? '', file: page.files[f]?.file ?? '' }));
}

export interface RelatedParams {
  uri: string;
  position: { line: number; character: number };
}

export interface RelatedResult {
  key: string | null;
}

export interface SeverityRange {
  startLine: number;
  endLine: number;
  severity: 'error' | 'warning';
}
