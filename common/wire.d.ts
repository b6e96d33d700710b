// The timeline's shapes as they cross a wire (language server → extension host → webview, and back): each written
// once here. server/src/protocol.ts (the LSP request), server/src/core/timelineView.ts (which computes them),
// client/src/shared/ (the webview's messages) and media/src/ (which draws them) import them from here.
// Types only: a declaration file holds no code, and this project resolves no module outside its folder.

/** Severity names in the order of their indices (worst first), as the webview numbers them. */
export type SeverityName = 'error' | 'warning' | 'info' | 'verbose' | 'unknown';

/** A text rule: a substring or a regular expression (refused when it could backtrack without end). */
export interface TextRule {
  text: string;
  regex: boolean;
  matchCase: boolean;
}

/**
 * The timeline's row filter as the webview edits it: every field present (client/src/shared/filter.ts
 * emptyFilter, sanitizeFilter). Times are placing times: a record's UTC, or, for a record whose zone is unknown,
 * its local time read as UTC (issue #18).
 */
export interface TimelineFilter extends TextRule {
  /** Severities shown; null means all. */
  severities: SeverityName[] | null;
  /** Components shown (exact names); null means all. */
  components: string[] | null;
  /** Thread shown; null means all. */
  thread: number | null;
  /** Files shown (URIs as the server writes them); null means all. */
  files: string[] | null;
  /** Inclusive range; records without a time are outside any range. */
  fromUtc: number | null;
  toUtc: number | null;
  /** Quick filter: errors only (intersects with `severities`). */
  errorsOnly: boolean;
  /** Quick filter: records within ±seconds of a time (a selected record's). */
  around: { t: number; seconds: number } | null;
  /** Only records carrying this key (normalised GUID or KB number). */
  key: string | null;
}

/**
 * The filter as the server runs it on its columns (core/timelineView.ts): the webview's filter, any field left out
 * meaning "all", plus the hide / show-only rules (client/src/shared/highlightRules.ts).
 */
export interface RowFilter extends Partial<TimelineFilter> {
  hide?: TextRule[];
  only?: TextRule[];
}

/** What the overview asks: buckets across [from, to) (its width in px), lanes by file or component. */
export interface OverviewQuery {
  from: number;
  to: number;
  buckets: number;
  lanes: 'file' | 'component';
  /** Keys whose records are marked in the lanes and joined by the chain. */
  linkKeys?: string[];
}

/** The overview's counts of the filtered records in [from, to). */
export interface Overview {
  from: number;
  to: number;
  buckets: number;
  /** Lanes in order of first appearance; `local`: some of its records are placed by a local time of unknown zone. */
  lanes: Array<{ label: string; local: boolean }>;
  /** Per lane and bucket (lane * buckets + bucket): records, worst severity (index, 255: none), a linked record. */
  counts: number[];
  worst: number[];
  linked: number[];
  /** Per bucket: errors and warnings (the histogram), and records placed by a local time of unknown zone. */
  errors: number[];
  warnings: number[];
  local: number[];
  maxCount: number;
  /** The linked records joined in time order: bucket and lane. */
  chain: Array<{ x: number; lane: number }>;
}

/**
 * The clock of rows whose log wrote local time without a zone:
 *  - 'inferred': UTC from the bias of another log of the same folder (`from`, its file name);
 *  - 'user': UTC from the offset the user set for the folder (cmlogs.folderOffsets);
 *  - 'local': nothing tells the zone; the row has no UTC and is placed by its local time.
 * `bias` is the Windows bias applied (UTC = local + bias), absent for 'local'.
 */
export interface RowClock {
  kind: 'inferred' | 'user' | 'local';
  from?: string;
  bias?: number;
}

/** The whole timeline's facts the webview shows. */
export interface TimelineSummary {
  /** Earliest and latest placing time (UTC, or local time read as UTC for rows of unknown zone); null: no times. */
  minT: number | null;
  maxT: number | null;
  /** Biases (minutes) of the records that carry one, for the 'auto' time mode. */
  biases: number[];
  components: string[];
  /** Records placed by a local time of unknown zone (no UTC). */
  localCount: number;
  /** For each file (the server: its page's `files`; the webview: its file table), its zone-less records' clock, or null. */
  fileClocks: Array<RowClock | null>;
}
