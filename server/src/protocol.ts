// The contract between the language server and the client (and tests): every custom request once, with its
// params and result types. Both sides use only these (server/src/requests.ts, client/src/requests.ts), so a change
// to a request is a compile error where it is sent or answered. Imports only the shapes every project shares
// (common/wire.d.ts): it is its own tsconfig project (server/tsconfig.protocol.json), referenced by the server and
// the client.
import type {
  Finding,
  Overview,
  OverviewQuery,
  RowClock,
  RowFilter,
  TextRule,
  TimelineSummary,
} from '../../common/wire';

// The timeline's shapes under the names the requests use (written once, in common/wire.d.ts).
export type {
  Overview as TimelineOverview,
  OverviewQuery as TimelineOverviewQuery,
  RowClock,
  RowFilter as TimelineRowFilter,
  TextRule as TimelineTextRule,
  TimelineSummary,
};

/** A custom request: its method name, and its params and result types (carried by the type only). */
export interface Request<Params, Result> {
  readonly method: string;
  /** Never set: lets the compiler infer Params and Result from the descriptor. */
  readonly types?: (params: Params) => Result;
}

function request<Params, Result>(method: string): Request<Params, Result> {
  return { method };
}

export const Requests = {
  /** Counts and time span of one log, for the status bar. */
  fileStats: request<DocumentParams, FileStats | null>('cmlogs/fileStats'),
  /** Records of many logs merged by UTC, in pages. */
  timeline: request<TimelineParams, TimelinePage>('cmlogs/timeline'),
  /** Decodes error codes, status message IDs and state messages typed by the user. */
  lookup: request<LookupParams, LookupAnswer>('cmlogs/lookup'),
  /** The key (GUID/KB) under a position and where else it occurs. */
  related: request<PositionParams, RelatedResult>('cmlogs/related'),
  /** Indexes every log in a folder (Open Log Folder). */
  indexFolder: request<IndexFolderParams, IndexFolderResult>('cmlogs/indexFolder'),
  /** Runs the documented flows over the known logs. */
  diagnose: request<DiagnoseParams, DiagnoseResult>('cmlogs/diagnose'),
  /** Pretty XML of the payload in the record at a position. */
  xmlAt: request<PositionParams, XmlPayload | null>('cmlogs/xmlAt'),
  /** Ranges of error and warning records of a document (whole-line highlighting like CMTrace). */
  severityRanges: request<DocumentParams, SeverityRange[]>('cmlogs/severityRanges'),
  /** Which logs the server has indexed and read, and its memory. */
  indexStatus: request<Record<string, never> | null, IndexStatus>('cmlogs/indexStatus'),
} as const;

/** Names one log (a document URI). */
export interface DocumentParams {
  uri: string;
}

export interface FileStats {
  records: number;
  errors: number;
  warnings: number;
  damaged: number;
  /** The first damaged record (or what is wrong with the whole file, at line 1: "not a text log"). */
  firstDamage?: { line: number; message: string };
  format: string;
  encoding: string;
  firstUtc: string | null;
  lastUtc: string | null;
  /**
   * The Problems panel's share of the log, once its diagnostics were published: problems of the log (errors,
   * warnings, information) and how many of them are listed (the newest, up to cmlogs.diagnostics.maxPerFile).
   */
  problems?: { errors: number; warnings: number; information: number; listed: number };
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
  /** The page's first position and size, in the filtered order when `filter` is given. */
  offset?: number;
  limit?: number;
  /**
   * The timeline webview's view (issues #20, #23): the server filters the merged order on its columns and the
   * webview asks for a window of it. Absent: every record (the CLI, exports of old).
   */
  filter?: RowFilter;
  /** Centre the page on this record (file URI and a line of it) when it passes the filter; answers `position`. */
  anchor?: { uri: string; line: number };
  /** Centre the page on the next (dir 1) or previous (-1) record of `severity` after position `from`. */
  seek?: { from: number; dir: 1 | -1; severity: string };
  /** Centre the page on the first record placed at or after this time (UTC ms; local-only rows by local time). */
  atTime?: number;
  /** Also answer the overview: counts per time bucket and lane of the filtered records in [from, to). */
  overview?: OverviewQuery;
  /** Also answer the records carrying any of these keys (the linked-records panel), the first `LINKED_MAX`. */
  linkKeys?: string[];
  /** Also answer the summary of the whole merge (time extent, biases, components, clocks). */
  summary?: boolean;
  /**
   * While a folder of `folders` is being indexed, answer at once from its logs indexed so far (`indexing` says how
   * far); the panel asks again as more arrive. Absent: the answer waits until every log is indexed.
   */
  partial?: boolean;
}

/** Linked records answered at most. */
export const LINKED_MAX = 1000;

export interface TimelineRow {
  /** Position in the merged order. */
  i: number;
  /** The row's file: an index into its page's `files`. */
  f: number;
  line: number;
  endLine: number;
  /** Merged time (UTC ms, clock offset applied), or null (no time, or only a local time of unknown zone: see `clock`). */
  t: number | null;
  /**
   * How the row's time was had, when its log wrote no zone: 'inferred' (UTC from the bias of another log of the
   * same folder, `from`), 'user' (the offset set for the folder), 'local' (nothing tells: `t` is null and the row is
   * placed by its local time read as UTC, which may be hours off the UTC rows around it). Absent when the log gives
   * its zone. `bias` is the bias applied (UTC = local + bias).
   */
  clock?: RowClock;
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

export interface TimelineIndexing {
  done: number;
  total: number;
  /** Logs not read yet whose last records the page shows in their place (their rows' lines are -1, -2, ... from the end). */
  tails?: number;
}

export interface TimelinePage {
  total: number;
  offset: number;
  rows: TimelineRow[];
  /** Every file of the timeline, once per page; rows point into it (`TimelineRow.f`). */
  files: TimelineFile[];
  /** With `filter`: the records that pass it (`offset` counts among them). */
  shown?: number;
  /** Why the filter's text or a rule could not be used (it then matches nothing). */
  filterError?: string | null;
  /** The position `anchor`, `seek` or `atTime` found in the filtered order, or -1. */
  position?: number;
  summary?: TimelineSummary;
  /** With `partial`, while the folders' logs are being indexed: the page holds the `done` of `total` logs. */
  indexing?: TimelineIndexing;
  overview?: Overview;
  /** The records of `linkKeys`: how many, in how many files, the first ones and their positions (-1: filtered out). */
  linked?: { total: number; files: number; rows: TimelineRow[]; positions: number[] };
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

/** A position in a log (zero-based line and character, as LSP counts). */
export interface PositionParams {
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

export interface LookupParams {
  /** What the user typed: one or more codes, "statmsg N", "state T S", separated by blanks. */
  text: string;
}

/** One decoded input (the core's LookupResult carries more; these are the fields a client may rely on). */
export interface LookupEntry {
  input: string;
  kind: string;
  code: string;
  names: string[];
  message: string;
  known: boolean;
}

export interface LookupAnswer {
  results: LookupEntry[];
  /** The answer as plain text, as `cmlogs lookup` prints it. */
  text: string;
  /** Whether any input was not understood. */
  unknown: boolean;
}

export interface IndexFolderParams {
  /** A folder path on disk. */
  path: string;
  /** Only list the folder's logs (URIs), none read: the timeline reads them itself and shows them as they come. */
  listOnly?: boolean;
}

export interface IndexFolderResult {
  /** The logs of the folder the server now knows (URIs). */
  files: string[];
  /** How many of them were read for this request. */
  added: number;
}

export interface XmlPayload {
  xml: string;
  /** The record's first line (one-based). */
  line: number;
}

export interface DiagnoseParams {
  /** Logs to diagnose (URIs); with no `folder` either, every log the server knows (and the open logs' folders). */
  uris?: string[];
  /** A folder (URI) whose logs, subfolders included, are indexed and diagnosed (with `uris`, both). */
  folder?: string;
}

// The diagnosis as it crosses the wire: the core's findings, in the shapes of common/wire.d.ts.
export type { Finding, FindingError, FindingEvidence, FindingStatus, FindingStep } from '../../common/wire';

export interface DiagnoseResult {
  /** The report as markdown, evidence lines linked to the logs. */
  markdown: string;
  findings: Finding[];
  /** The logs that were diagnosed (URIs). */
  files: string[];
}

/** What the server holds (`Requests.indexStatus`): for tests, the bench and troubleshooting. */
export interface IndexStatus {
  /** The logs indexed, with their size on disk and whether the editor has them open. */
  files: Array<{ uri: string; bytes: number; open: boolean }>;
  /** Each log read from disk so far and how many times (a log dropped by the budget and needed again is read again). */
  reads: Record<string, number>;
  /** The budget of logs read from disk, in bytes (null: none). */
  budgetBytes: number | null;
  /** The server's resident set and V8 heap, in bytes. */
  rssBytes: number;
  heapUsedBytes: number;
}

// ---- A big log opened as it is on disk (issue #23) --------------------------------------------------------------
// VS Code sends the whole text of a log in didOpen: for a 48 MB log, a 48-96 MB string made, serialised and sent by
// the extension host and parsed by the server, which then reads the same bytes from the file anyway. A client that
// knows its document is the file's text (unsaved changes: never) sends this prefix and a DiskTextClaim instead; the
// server checks the claim against the file and reads the lines from it. Any doubt: the full text, as always.

/** The didOpen text that stands for a log's text on disk: this prefix, then a DiskTextClaim as JSON. */
export const DISK_TEXT_PREFIX = '\u0000cmlogs-disk-text:';

/** What the editor's text of a log is, for the server to check against the file before it reads from it. */
export interface DiskTextClaim {
  /** The text's UTF-8 bytes: the file's, after its BOM (a log growing meanwhile has more: the rest comes as an edit). */
  bytes: number;
  /** The file starts with a UTF-8 BOM (which the editor does not show). */
  bom: boolean;
  /** SHA-1 (hex) of those bytes. */
  sha1: string;
  /** Lines as the editor counts them, and the text's length in UTF-16 code units. */
  lineCount: number;
  length: number;
}

/**
 * Server → client: the claimed text of `uri` is not the file's (replaced or rewritten since the check): send the
 * text (the client closes and opens the document again, with its text).
 */
export const RESEND_TEXT_NOTIFICATION = 'cmlogs/resendText';
