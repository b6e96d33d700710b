// What a flow module writes: a documented flow as data (anchors that find its instances, ordered steps each
// proven by a line in a named log, the failures the seed names), and the pattern helpers its rules are
// written with. Nothing here runs: the walk (walk.ts) reads these rules.
import type { DiagnoseContext, Source } from './sources';
import type { Finding } from './findings';

export const GUID_BARE = String.raw`[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`;
/** A GUID with or without braces. No trailing word boundary: the seed's excerpts carry a few 13-digit groups. */
export const G = String.raw`\{?${GUID_BARE}\}?`;
/** An HRESULT / Win32 code written as 0x + 8 hex digits. */
export const CODE = String.raw`0[xX][0-9A-Fa-f]{8}`;

/** `re\`ScanJob\((?<scanJob>${G})\)\`` — a RegExp from a raw template, so backslashes need no doubling. */
export function re(strings: TemplateStringsArray, ...values: string[]): RegExp {
  return new RegExp(String.raw(strings, ...values));
}
/** Same as `re`, case-insensitive. */
export function rei(strings: TemplateStringsArray, ...values: string[]): RegExp {
  return new RegExp(String.raw(strings, ...values), 'i');
}

/** Which log proves something: file names (rolled-over copies included) and/or the components writing it. */
export interface LogHint {
  logs: string[];
  components?: string[];
}

/** Advice chosen by the error code a failure line carries (the seed groups scan errors this way). */
export interface CodeAdvice {
  codes: string[];
  heading: string;
  advice: string[];
}

export interface FailureRule extends Partial<LogHint> {
  /** Matches the failure line. Named group `code` (0x...) becomes the decoded error. */
  pattern: RegExp;
  /** The seed's heading for this failure. */
  heading: string;
  advice: string[];
  adviceByCode?: CodeAdvice[];
  /** The log that explains this failure further (WCM.log for "WSUS server not configured"). */
  nextLog?: string;
  /** 'key': the line must carry one of the instance's keys; 'time' (default): it falls in the instance's time. */
  link?: 'key' | 'time';
  /** Key roles for link 'key' (default: every key of the instance). */
  keys?: string[];
  /**
   * link 'key', and the line must also fall in the instance's own time: a key that other instances share (the
   * content ID every download of that content carries) must not bring their failures in.
   */
  ownTimeOnly?: boolean;
  /** Error lines of these logs shortly before the failure are added as evidence (WCM.log errors). */
  related?: LogHint & { withinMs: number };
  /** Later steps do not undo it: a Group Policy override stays even though the update source was added. */
  lasting?: boolean;
  /** What the failure means for this instance, in words (the error's message and the end of the summary). */
  says?: (match: RegExpExecArray, values: ReadonlyMap<string, string>) => string;
  /**
   * Only a failure when this holds; `values` are the instance's non-GUID captures (a requested version...),
   * `at` the line itself (to read its neighbours: the caller a WindowsUpdate.log thread works for).
   */
  when?: (
    match: RegExpExecArray,
    values: ReadonlyMap<string, string>,
    at: { source: Source; index: number },
  ) => boolean;
}

export interface StepRule extends LogHint {
  name: string;
  /** Any of these proves the step. Named groups holding GUIDs become instance keys (role = group name). */
  patterns: RegExp[];
  /** 'key': a line carrying one of the instance's keys (of `keys` roles); 'time': a line inside the instance's time. */
  link: 'key' | 'time';
  keys?: string[];
  /** The step may legitimately not happen (replica SUPs, logs of another machine, top-level site only...). */
  optional?: boolean;
  /**
   * Stands in for the last required step when that step's log is not among the files: seen, the chain ended
   * well (a scan job's "Scan completed successfully" in ScanAgent.log without WUAHandler.log), and a failure
   * before it was recovered.
   */
  ends?: boolean;
  /** link 'key', and the line must also fall in the instance's time (see FlowRule.sharedKey). */
  ownTimeOnly?: boolean;
  /** Search this long before the instance starts (a policy that arrived earlier). */
  lookbackMs?: number;
  /** A time-linked step must come within this long after the previous step. */
  withinMs?: number;
  /** Not seen this long after the previous step while its log goes on → the flow stalled here (broken). */
  timeoutMs?: number;
  /** Lines that show the step still under way (sync progress): while they come, the timeout is no stall. */
  progress?: RegExp;
  failures?: FailureRule[];
  /** Lines after the previous step that say why this step has not come yet: the flow waits, it is not stuck. */
  waits?: WaitRule[];
  /** The log to open when this step's log is not among the files, with where it lives. */
  nextLog?: string;
  /** The seed's steps to try when the flow stops at this step. */
  advice?: string[];
  /** A readable detail from the proving line (a decoded schedule, the WSUS path...). */
  detail?: (match: RegExpExecArray) => string | undefined;
}

/**
 * A line in a step's log saying the step is held back on purpose (no maintenance window open): an instance that
 * stops before that step is waiting, and its finding says for what instead of "the logs end before it".
 */
export interface WaitRule {
  pattern: RegExp;
  /** What the client waits for and what happens next, for the summary. */
  reason: string;
  /** Where to read on (the maintenance windows the client knows). */
  nextLog?: string;
  advice: string[];
}

/** How instances are found in a log. */
export interface AnchorRule extends LogHint {
  /** A line matching any of these starts an instance (keyed: one per distinct `key` value). */
  start: RegExp[];
  /** Named group in `start` giving the instance key (a GUID); without it instances are cycles in time. */
  key?: string;
  /** Cycles: a line matching this closes the open instance. Keyed: the instance's last such line is its end. */
  end?: RegExp;
  /** Keyed instances that run one at a time (scan jobs): each is bounded by the next one's start. */
  sequential?: boolean;
}

export interface FlowRule {
  id: string;
  title: string;
  /** Tried in order; a later anchor is used only when none of an earlier anchor's logs are among the files. */
  anchors: AnchorRule[];
  steps: StepRule[];
  /** Failures looked for in every step's logs. */
  failures?: FailureRule[];
  /**
   * The longest an instance that wrote no end may run: the outer bound of its time-linked lines when no
   * end line and no next instance bound it (default 24 hours). Not a slack: a finished instance ends at its end.
   */
  maxDurationMs?: number;
  /**
   * A key role that several instances share (the content every CTM job of that content downloads): each instance
   * ends, at the latest, where the next instance sharing one of its keys of this role begins, and its steps and
   * failures marked `ownTimeOnly` take a line carrying only that key from its own time.
   */
  sharedKey?: string;
  /** A captured value (e.g. the site code) put before a cycle's time in its key. */
  keyLabel?: string;
}

/** A flow module: data for the engine (FlowRule) or its own function (e.g. the maintenance-window listing). */
export type FlowModule = (FlowRule | { id: string; title: string; diagnose(context: DiagnoseContext): Finding[] }) & {
  /** Where its steps to try come from, when not from the seed documents (a flow the seeds do not describe). */
  adviceFrom?: string;
};
