import type { ParseResult } from '../parse';
import type { LogRecord } from '../record';
import { RecordTable } from '../table';
/** A GUID with or without braces. No trailing word boundary: the seed's excerpts carry a few 13-digit groups. */
export declare const G: string;
/** An HRESULT / Win32 code written as 0x + 8 hex digits. */
export declare const CODE: string;
/** `re\`ScanJob\((?<scanJob>${G})\)\`` — a RegExp from a raw template, so backslashes need no doubling. */
export declare function re(strings: TemplateStringsArray, ...values: string[]): RegExp;
/** Same as `re`, case-insensitive. */
export declare function rei(strings: TemplateStringsArray, ...values: string[]): RegExp;
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
    /** Error lines of these logs shortly before the failure are added as evidence (WCM.log errors). */
    related?: LogHint & {
        withinMs: number;
    };
    /** Later steps do not undo it: a Group Policy override stays even though the update source was added. */
    lasting?: boolean;
    /** Only a failure when this holds; `values` are the instance's non-GUID captures (a requested version...). */
    when?: (match: RegExpExecArray, values: ReadonlyMap<string, string>) => boolean;
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
    /** Search this long before the instance starts (a policy that arrived earlier). */
    lookbackMs?: number;
    /** A time-linked step must come within this long after the previous step. */
    withinMs?: number;
    /** Not seen this long after the previous step while its log goes on → the flow stalled here (broken). */
    timeoutMs?: number;
    failures?: FailureRule[];
    /** The log to open when this step's log is not among the files, with where it lives. */
    nextLog?: string;
    /** The seed's steps to try when the flow stops at this step. */
    advice?: string[];
    /** A readable detail from the proving line (a decoded schedule, the WSUS path...). */
    detail?: (match: RegExpExecArray, record: LogRecord) => string | undefined;
}
/** How instances are found in a log. */
export interface AnchorRule extends LogHint {
    /** A line matching any of these starts an instance (keyed: one per distinct `key` value). */
    start: RegExp[];
    /** Named group in `start` giving the instance key (a GUID); without it instances are cycles in time. */
    key?: string;
    /** Cycles: a line matching this closes the open instance. */
    end?: RegExp;
}
export interface FlowRule {
    id: string;
    title: string;
    /** Tried in order; a later anchor is used only when none of an earlier anchor's logs are among the files. */
    anchors: AnchorRule[];
    steps: StepRule[];
    /** Failures looked for in every step's logs. */
    failures?: FailureRule[];
    /** How long after its last anchor line an instance still owns time-linked lines (default 10 minutes). */
    slackMs?: number;
    /** A captured value (e.g. the site code) put before a cycle's time in its key. */
    keyLabel?: string;
}
export type FindingStatus = 'complete' | 'broken' | 'incomplete';
export interface FindingStep {
    name: string;
    seen: boolean;
    file?: string;
    line?: number;
    utc?: string;
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
export interface Evidence {
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
    nextLog?: string;
    evidence: Evidence[];
}
/** A flow module: data for the engine (FlowRule) or its own function (e.g. the maintenance-window listing). */
export type FlowModule = FlowRule | {
    id: string;
    title: string;
    diagnose(context: DiagnoseContext): Finding[];
};
export interface Source {
    file: string;
    /** Lower-case file name, rolled-over suffixes removed ("wuahandler.log"). */
    name: string;
    components: Set<string>;
    records: RecordTable;
    /** Per record: UTC ms (bias inferred for logs that write local time without a zone), or NaN. */
    times: Float64Array;
    /** Its place in DiagnoseContext.sources. */
    position: number;
    /** Messages read so far (see messageOf). */
    messages: Array<string | undefined>;
}
/**
 * Record `index`'s message, read once: flows scan the same logs again and again (each anchor, each step's time
 * window), and a record made whole (`get`) or a message read back from its file each time cost a 200 MB folder
 * minutes.
 */
export declare function messageOf(source: Source, index: number): string;
export declare class DiagnoseContext {
    readonly sources: Source[];
    private guidIndex?;
    /**
     * A keyed step's hits, by its patterns, then by key and logs: every scan instance of a client follows its
     * update source's GUID, which is in some 40,000 records, and matched them all again. Only read by callers.
     */
    readonly hitsOfKey: WeakMap<object, Map<string, Hit[]>>;
    /**
     * A record's match of a step's patterns (null: none; undefined: not asked yet), by patterns and source: the time
     * windows of a flow's instances overlap, and each asked the same records again.
     */
    readonly matched: WeakMap<object, Map<Source, (RegExpExecArray | null | undefined)[]>>;
    constructor(results: ParseResult[]);
    /** The sources a hint names, by file name or by the components writing them. */
    sourcesFor(hint: Partial<LogHint>): Source[];
    hasLog(hint: Partial<LogHint>): boolean;
    /** Source number → its records whose message carries the GUID (lower-case, no braces), ascending. */
    withGuid(guid: string): Map<number, number[]>;
}
export declare function normaliseKey(text: string): string;
interface Hit {
    source: Source;
    index: number;
    time: number;
    match: RegExpExecArray;
}
/** Every instance of a data flow, as findings in time order. */
export declare function runFlow(flow: FlowRule, context: DiagnoseContext): Finding[];
export declare function runModule(module: FlowModule, context: DiagnoseContext): Finding[];
export {};
