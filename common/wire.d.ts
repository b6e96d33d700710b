// The shapes that cross a wire (language server → extension host → webview, and back), each written once here:
// the timeline's (server/src/protocol.ts the LSP request, server/src/core/timelineView.ts which computes them,
// client/src/shared/ the webview's messages, media/src/ which draws them) and the diagnosis's findings
// (server/src/core/diagnose makes them, the protocol carries them, the client's Diagnosis view shows them).
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

// ---------------------------------------------------------------------------------------------------------
// The diagnosis (server/src/core/diagnose/findings.ts makes these; cmlogs diagnose --json prints them)

/**
 * complete: every required step proven; broken: a failure line, or a step that stalled while its log went on;
 * incomplete: the chain stops in a log that is here (the logs end first); unproven: no failure seen, but
 * required steps are proven only by logs that are not among the files (`missingLogs`).
 */
export type FindingStatus = 'complete' | 'broken' | 'incomplete' | 'unproven';

export interface FindingStep {
  name: string;
  seen: boolean;
  file?: string;
  line?: number;
  utc?: string;
  /**
   * The time as the log wrote it, when that log writes local time with no zone (WindowsUpdate.log from
   * Get-WindowsUpdateLog, setup and IME logs): its `utc` is then not the log's own but learnt (`zoneFrom`), or absent.
   */
  local?: string;
  /** Where a zone-less log's UTC comes from: the log whose bias was borrowed, or "the offset set for this folder". */
  zoneFrom?: string;
  /** The log that proves this step. */
  log: string;
  /** Whether that log is among the files diagnosed. */
  logPresent: boolean;
  optional?: boolean;
  failed?: boolean;
  detail?: string;
}

export interface FindingError {
  code?: string;
  name?: string;
  message: string;
  /** The seed's heading for this kind of failure. */
  heading?: string;
  file: string;
  line: number;
  /** The flow went on to its last step after this failure (a retry succeeded). */
  recovered?: boolean;
}

/** A log line shown as evidence of a finding. */
export interface FindingEvidence {
  file: string;
  line: number;
  text: string;
  note?: string;
}

export interface Finding {
  flow: string;
  title: string;
  key: string;
  status: FindingStatus;
  /** One sentence: why this status. */
  summary: string;
  steps: FindingStep[];
  error?: FindingError;
  advice: string[];
  /** Where `advice` comes from when not from the seed documents (set from the flow module). */
  adviceFrom?: string;
  nextLog?: string;
  /** unproven: the logs that would prove the required steps not seen. */
  missingLogs?: string[];
  evidence: FindingEvidence[];
}
