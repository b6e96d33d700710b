// The diagnosis engine. A documented flow is data: ordered steps, each proven by a line in a named log.
// The engine finds the flow's instances (one per ScanJob, assignment, CTM job, sync cycle...) in a set of
// parsed logs, walks their steps and says, per instance, whether the flow completed, broke (a failure line
// or a step that stalled while its log went on) or is incomplete (the logs end, or the log that would
// prove the next step is not among the files — never called broken).
import { basename, dirname } from 'node:path';
import type { ParseResult } from '../parse';
import type { LogRecord } from '../record';
import { findCodes } from '../decode/findCodes';
import { formatCode, lookupCode } from '../decode/hresult';
import { ensureClocks } from '../clock';
import { toIsoUtc } from '../time';
import { RecordTable } from '../table';

// ---------------------------------------------------------------------------------------------------
// Rule types (what flow modules write)

const GUID_BARE = String.raw`[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`;
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
  /** Error lines of these logs shortly before the failure are added as evidence (WCM.log errors). */
  related?: LogHint & { withinMs: number };
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

// ---------------------------------------------------------------------------------------------------
// Finding types (what the CLI, the language server and the client show)

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
export type FlowModule = FlowRule | { id: string; title: string; diagnose(context: DiagnoseContext): Finding[] };

// ---------------------------------------------------------------------------------------------------
// Error codes: names and messages come from the decoder tables (core/decode).

function describeCode(code: string): { names: string[]; message: string } | undefined {
  const info = lookupCode(Number.parseInt(code.slice(2), 16) >>> 0);
  return info.known ? { names: info.names, message: info.message } : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Sources: the parsed files, with names, components and comparable times

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
export function messageOf(source: Source, index: number): string {
  return (source.messages[index] ??= source.records.message(index));
}

export class DiagnoseContext {
  readonly sources: Source[];
  private guidIndex?: Map<string, Map<number, number[]>>;
  /**
   * A keyed step's hits, by its patterns, then by key and logs: every scan instance of a client follows its
   * update source's GUID, which is in some 40,000 records, and matched them all again. Only read by callers.
   */
  readonly hitsOfKey = new WeakMap<object, Map<string, Hit[]>>();
  /**
   * A record's match of a step's patterns (null: none; undefined: not asked yet), by patterns and source: the time
   * windows of a flow's instances overlap, and each asked the same records again.
   */
  readonly matched = new WeakMap<object, Map<Source, Array<RegExpExecArray | null | undefined>>>();

  constructor(results: ParseResult[]) {
    ensureClocks(results.map((r) => r.records));
    this.sources = results.map((r, position) => toSource(r, position));
  }

  /** The sources a hint names, by file name or by the components writing them. */
  sourcesFor(hint: Partial<LogHint>): Source[] {
    const names = new Set((hint.logs ?? []).map((n) => n.toLowerCase()));
    const components = (hint.components ?? []).map((c) => c.toLowerCase());
    return this.sources.filter((s) => names.has(s.name) || components.some((c) => s.components.has(c)));
  }

  hasLog(hint: Partial<LogHint>): boolean {
    return this.sourcesFor(hint).length > 0;
  }

  /** Source number → its records whose message carries the GUID (lower-case, no braces), ascending. */
  withGuid(guid: string): Map<number, number[]> {
    if (!this.guidIndex) this.guidIndex = buildGuidIndex(this.sources);
    return this.guidIndex.get(guid) ?? NO_RECORDS;
  }
}

// "Content_b2475630-..." carries a GUID after a word character, so no leading word boundary, only "not hex".
const GUID_ANYWHERE = new RegExp(`(?<![0-9A-Fa-f])${GUID_BARE}`, 'g');

const NO_RECORDS = new Map<number, number[]>();

/** GUID → source number → records, so a step looks only at the logs it names (a hot GUID is in 40,000 records). */
function buildGuidIndex(sources: Source[]): Map<string, Map<number, number[]>> {
  const index = new Map<string, Map<number, number[]>>();
  sources.forEach((source, s) => {
    for (let r = 0; r < source.records.length; r++) {
      const message = messageOf(source, r);
      if (message.indexOf('-') < 0) continue;
      const seen = new Set<string>();
      for (const m of message.matchAll(GUID_ANYWHERE)) {
        const key = m[0].toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        let bySource = index.get(key);
        if (!bySource) index.set(key, (bySource = new Map()));
        let list = bySource.get(s);
        if (!list) bySource.set(s, (list = []));
        list.push(r);
      }
    }
  });
  return index;
}

export function normaliseKey(text: string): string {
  return text.replace(/[{}]/g, '').toLowerCase();
}

const WHOLE_GUID = new RegExp(`^${G}$`);
const isGuid = (text: string) => WHOLE_GUID.test(text);

function logName(file: string): string {
  return basename(file)
    .toLowerCase()
    .replace(/-\d{8}-\d{6}(\.log)$/, '$1')
    .replace(/\.lo_$/, '.log');
}

function toSource(result: ParseResult, position: number): Source {
  const components = new Set<string>();
  for (const r of result.records.slice(0, 200)) if (r.component) components.add(r.component.toLowerCase());
  const records = result.records;
  const times = new Float64Array(records.length);
  let last = Number.NaN;
  for (let i = 0; i < records.length; i++) {
    const utc = records.utc(i); // logs without a zone: UTC by their machine's clock (core/clock.ts), or none
    if (utc !== null) last = utc;
    times[i] = last;
  }
  return { file: result.file, name: logName(result.file), components, records, times, position, messages: new Array(records.length) };
}

// ---------------------------------------------------------------------------------------------------
// Instances

interface Hit {
  source: Source;
  index: number;
  time: number;
  match: RegExpExecArray;
}

interface Instance {
  key: string;
  start: number;
  /** Time of its last anchor line. */
  last: number;
  /** Start of the next instance of the same anchor log (cycles), bounding time-linked steps. */
  until: number;
  anchorHits: Hit[];
  keys: Map<string, Set<string>>;
  /** Named captures that are not GUIDs (content versions, site codes...), first value wins. */
  values: Map<string, string>;
}

const record = (hit: Hit) => hit.source.records.get(hit.index);

function firstMatch(patterns: RegExp[], text: string): RegExpExecArray | null {
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return m;
  }
  return null;
}

/**
 * Instances, folder by folder (a folder is one machine's logs): in each folder the first anchor whose logs
 * are there, so a client folder with ScanAgent.log is not also read through the WUAHandler fallback.
 */
function findInstances(flow: FlowRule, context: DiagnoseContext): Instance[] {
  const out: Instance[] = [];
  for (const folder of new Set(context.sources.map((s) => dirname(s.file)))) {
    const inFolder = (hint: Partial<LogHint>) => context.sourcesFor(hint).filter((s) => dirname(s.file) === folder);
    const anchor = flow.anchors.find((a) => inFolder(a).length > 0);
    if (!anchor) continue;
    const sources = inFolder(anchor);
    out.push(...(anchor.key ? keyedInstances(anchor, anchor.key, sources) : cycleInstances(anchor, sources)));
  }
  return out;
}

function keyedInstances(anchor: AnchorRule, group: string, sources: Source[]): Instance[] {
  const byKey = new Map<string, Hit[]>();
  for (const source of sources) {
    for (let index = 0; index < source.records.length; index++) {
      const match = firstMatch(anchor.start, messageOf(source, index));
      const value = match?.groups?.[group];
      if (!match || !value) continue;
      const key = normaliseKey(value);
      const hits = byKey.get(key) ?? [];
      hits.push({ source, index, time: source.times[index], match });
      byKey.set(key, hits);
    }
  }
  return [...byKey].map(([key, hits]) => {
    const times = hits.map((h) => h.time).filter((t) => !Number.isNaN(t));
    const start = times.length ? times.reduce((a, b) => Math.min(a, b)) : Number.NaN;
    const last = times.length ? times.reduce((a, b) => Math.max(a, b)) : Number.NaN;
    return { key, start, last, until: Number.POSITIVE_INFINITY, anchorHits: hits, keys: new Map([[group, new Set([key])]]), values: new Map() };
  });
}

/**
 * Cycles (a sync run, a scan in WUAHandler.log, a state message upload): a start line opens an instance,
 * an end line closes it; a start line the open instance has already seen opens the next one. Each cycle
 * owns the time up to the next cycle's start, so a later cycle's lines never fill an earlier cycle's gaps.
 */
function cycleInstances(anchor: AnchorRule, sources: Source[]): Instance[] {
  const out: Instance[] = [];
  for (const source of sources) {
    let open: { instance: Instance; starts: Set<number> } | undefined;
    let previous: Instance | undefined;
    for (let index = 0; index < source.records.length; index++) {
      const time = source.times[index];
      const message = messageOf(source, index);
      const startIndex = anchor.start.findIndex((p) => p.test(message));
      if (startIndex >= 0 && (!open || open.starts.has(startIndex))) {
        if (previous && !Number.isNaN(time)) previous.until = time;
        previous = newCycle({ source, index, time, match: anchor.start[startIndex].exec(message)! });
        open = { instance: previous, starts: new Set([startIndex]) };
        out.push(previous);
        continue;
      }
      if (!open) continue;
      const pattern = startIndex >= 0 ? anchor.start[startIndex] : anchor.end;
      const match = pattern?.exec(message);
      if (!match) continue;
      open.instance.anchorHits.push({ source, index, time, match });
      if (!Number.isNaN(time)) open.instance.last = time;
      if (startIndex >= 0) open.starts.add(startIndex);
      else open = undefined;
    }
  }
  return out;
}

function newCycle(hit: Hit): Instance {
  const key = Number.isNaN(hit.time) ? `${basename(hit.source.file)}:${record(hit).line}` : toIsoUtc(hit.time)!;
  return { key, start: hit.time, last: hit.time, until: Number.POSITIVE_INFINITY, anchorHits: [hit], keys: new Map(), values: new Map() };
}

// ---------------------------------------------------------------------------------------------------
// Linking lines to an instance

const TOLERANCE_MS = 5_000;
const DEFAULT_SLACK_MS = 10 * 60_000;

function addCaptures(instance: Instance, match: RegExpExecArray): boolean {
  let added = false;
  for (const [role, value] of Object.entries(match.groups ?? {})) {
    if (!value) continue;
    if (!isGuid(value)) {
      if (!instance.values.has(role)) instance.values.set(role, value);
      continue;
    }
    const set = instance.keys.get(role) ?? new Set<string>();
    const key = normaliseKey(value);
    if (!set.has(key)) {
      set.add(key);
      added = true;
    }
    instance.keys.set(role, set);
  }
  return added;
}

function keysOf(instance: Instance, roles?: string[]): string[] {
  const out: string[] = [];
  for (const [role, set] of instance.keys) if (!roles || roles.includes(role)) out.push(...set);
  return out;
}

/** Lines of the hinted logs that carry one of the keys and match a pattern. */
function keyedHits(context: DiagnoseContext, hint: Partial<LogHint>, keys: string[], patterns: RegExp[]): Hit[] {
  const wanted = context.sourcesFor(hint).map((source) => source.position);
  const lists = keys.map((key) => hitsOfKey(context, wanted, key, patterns));
  if (lists.length === 1) return lists[0];
  // A line may carry several of the keys: once.
  const seen = new Set<number>();
  const hits: Hit[] = [];
  for (const list of lists) {
    for (const hit of list) {
      const id = hit.source.position * 2 ** 31 + hit.index;
      if (seen.has(id)) continue;
      seen.add(id);
      hits.push(hit);
    }
  }
  return hits.sort(byTime);
}

/** The lines of the `wanted` logs that carry `key` and match a pattern, by time (worked out once). */
function hitsOfKey(context: DiagnoseContext, wanted: number[], key: string, patterns: RegExp[]): Hit[] {
  const byPatterns = patternsKey(patterns);
  let answers = context.hitsOfKey.get(byPatterns);
  if (!answers) context.hitsOfKey.set(byPatterns, (answers = new Map()));
  const question = `${key}|${wanted.join(',')}`;
  let hits = answers.get(question);
  if (hits) return hits;
  hits = [];
  const bySource = context.withGuid(key);
  for (const s of wanted) {
    const source = context.sources[s];
    for (const index of bySource.get(s) ?? []) {
      const match = matchAt(context, patterns, source, index);
      if (match) hits.push({ source, index, time: source.times[index], match });
    }
  }
  answers.set(question, hits.sort(byTime));
  return hits;
}

/** Lines of the hinted logs inside [from, to] that match a pattern. */
function timedHits(context: DiagnoseContext, hint: Partial<LogHint>, from: number, to: number, patterns: RegExp[]): Hit[] {
  const hits: Hit[] = [];
  for (const source of context.sourcesFor(hint)) {
    for (let index = lowerBound(source.times, from); index < source.records.length; index++) {
      const time = source.times[index];
      if (time > to) break;
      if (Number.isNaN(time)) continue;
      const match = matchAt(context, patterns, source, index);
      if (match) hits.push({ source, index, time, match });
    }
  }
  return hits.sort(byTime);
}

/** The first of `patterns` that matches record `index` of `source`, matched once (see DiagnoseContext.matched). */
function matchAt(context: DiagnoseContext, patterns: RegExp[], source: Source, index: number): RegExpExecArray | null {
  const byPatterns = patternsKey(patterns);
  let bySource = context.matched.get(byPatterns);
  if (!bySource) context.matched.set(byPatterns, (bySource = new Map()));
  let known = bySource.get(source);
  if (!known) bySource.set(source, (known = new Array(source.records.length)));
  let match = known[index];
  if (match === undefined) known[index] = match = firstMatch(patterns, messageOf(source, index)); // null is an answer too
  return match;
}

/** What stands for a pattern list in the caches: a one-pattern list is made anew by each caller, its pattern is not. */
function patternsKey(patterns: RegExp[]): object {
  return patterns.length === 1 ? patterns[0] : patterns;
}

function byTime(a: Hit, b: Hit): number {
  return (Number.isNaN(a.time) ? -Infinity : a.time) - (Number.isNaN(b.time) ? -Infinity : b.time) || a.index - b.index;
}

/** First index whose time is >= t; times without a value (NaN) count as earlier than any. */
function lowerBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Number.isNaN(times[mid]) || times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Window {
  from: number;
  to: number;
}

/** An instance without any time (a log with no timestamps) owns all time: only its keys separate it. */
function windowOf(instance: Instance, flow: FlowRule): Window {
  if (Number.isNaN(instance.start)) return { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };
  return { from: instance.start - TOLERANCE_MS, to: Math.min(instance.last + (flow.slackMs ?? DEFAULT_SLACK_MS), instance.until) };
}

function stepHits(context: DiagnoseContext, instance: Instance, step: StepRule, window: Window, after: number): Hit[] {
  if (step.link === 'key') return keyedHits(context, step, keysOf(instance, step.keys), step.patterns);
  const from = step.lookbackMs ? instance.start - step.lookbackMs : window.from;
  const to = step.withinMs && !Number.isNaN(after) ? Math.min(window.to, after + step.withinMs) : window.to;
  return timedHits(context, step, from, to, step.patterns);
}

/** Earliest hit at or after the previous step (clock tolerance); failing that the earliest at all. */
function pick(hits: Hit[], after: number): Hit | undefined {
  if (Number.isNaN(after)) return hits[0];
  return hits.find((h) => !(h.time < after - TOLERANCE_MS)) ?? hits[0];
}

// ---------------------------------------------------------------------------------------------------
// Walking an instance

interface StepResult {
  rule: StepRule;
  hit?: Hit;
  /** Every line that proves the step, for a detail the picked line does not carry. */
  hits: Hit[];
  present: boolean;
}

interface FailureHit {
  rule: FailureRule;
  hit: Hit;
  stepIndex: number;
  stalled?: string;
}

/** Keys of key-linked steps, to a fixpoint: a CTM job found through a content ID finds its DTS job... */
function harvestKeys(context: DiagnoseContext, instance: Instance, flow: FlowRule): void {
  for (const hit of instance.anchorHits) addCaptures(instance, hit.match);
  for (let pass = 0; pass < 4; pass++) {
    let added = false;
    for (const step of flow.steps) {
      if (step.link !== 'key') continue;
      for (const hit of keyedHits(context, step, keysOf(instance, step.keys), step.patterns)) added = addCaptures(instance, hit.match) || added;
    }
    if (!added) return;
  }
}

/**
 * Walks the steps in order. A time-linked step adds the keys of the line it picked (or, when bounded by
 * `withinMs`, of every line in its range: the three content IDs UpdatesHandler lists); returns whether any
 * key was new, so that the key-linked steps can be looked up again.
 */
function walkSteps(context: DiagnoseContext, instance: Instance, flow: FlowRule, window: Window): { results: StepResult[]; added: boolean } {
  let after = instance.start;
  let added = false;
  const results = flow.steps.map((rule) => {
    const hits = stepHits(context, instance, rule, window, after);
    const hit = pick(hits, after);
    if (rule.link === 'time') for (const h of rule.withinMs ? hits : hit ? [hit] : []) added = addCaptures(instance, h.match) || added;
    if (hit && !rule.optional && !Number.isNaN(hit.time)) after = Math.max(after, hit.time);
    return { rule, hit, hits, present: context.hasLog(rule) };
  });
  return { results, added };
}

/** Harvest and walk until the keys settle (three rounds are plenty for the seed's chains). */
function settle(context: DiagnoseContext, instance: Instance, flow: FlowRule, window: Window): StepResult[] {
  let walk = { results: [] as StepResult[], added: true };
  for (let round = 0; round < 3 && walk.added; round++) {
    harvestKeys(context, instance, flow);
    walk = walkSteps(context, instance, flow, window);
  }
  return walk.results;
}

function failureHits(context: DiagnoseContext, instance: Instance, flow: FlowRule, window: Window): FailureHit[] {
  const out: FailureHit[] = [];
  flow.steps.forEach((step, stepIndex) => {
    for (const rule of step.failures ?? []) out.push(...matchFailure(context, instance, rule, step, window, stepIndex));
  });
  for (const rule of flow.failures ?? []) {
    const hint = { logs: rule.logs ?? flow.steps.flatMap((s) => s.logs), components: rule.components ?? flow.steps.flatMap((s) => s.components ?? []) };
    out.push(...matchFailure(context, instance, rule, hint, window, -1));
  }
  return out;
}

function matchFailure(context: DiagnoseContext, instance: Instance, rule: FailureRule, fallback: Partial<LogHint>, window: Window, stepIndex: number): FailureHit[] {
  const hint = { logs: rule.logs ?? fallback.logs, components: rule.components ?? fallback.components };
  const hits = rule.link === 'key' ? keyedHits(context, hint, keysOf(instance, rule.keys), [rule.pattern]) : timedHits(context, hint, window.from, window.to, [rule.pattern]);
  const real = rule.when ? hits.filter((h) => rule.when!(h.match, instance.values)) : hits;
  return real.slice(0, 1).map((hit) => ({ rule, hit, stepIndex }));
}

/** A step with a timeout that never came although its log went on well past it: the flow stalled there. */
function stallOf(context: DiagnoseContext, results: StepResult[], blocking: number, previousTime: number): FailureHit | undefined {
  const step = results[blocking]?.rule;
  if (!step?.timeoutMs || Number.isNaN(previousTime)) return undefined;
  const deadline = previousTime + step.timeoutMs;
  for (const source of context.sourcesFor(step)) {
    const index = lowerBound(source.times, deadline);
    if (index >= source.records.length) continue;
    const lastTime = toIsoUtc(source.times[source.records.length - 1]);
    const stalled = `No "${step.name}" within ${Math.round(step.timeoutMs / 60_000)} minutes, although ${basename(source.file)} goes on until ${lastTime}.`;
    const rule: FailureRule = { pattern: /(?:)/, heading: `Stalled at: ${step.name}`, advice: step.advice ?? [], nextLog: step.nextLog };
    return { rule, hit: { source, index, time: source.times[index], match: /(?:)/.exec('')! }, stepIndex: blocking, stalled };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// From an instance to a finding

/** The first failure (rules in order) that the flow did not get past; else the first one it recovered from. */
function chooseFailure(failures: FailureHit[], results: StepResult[]): { failure: FailureHit; recovered: boolean } | undefined {
  const terminal = lastRequired(results);
  const recovered = (f: FailureHit) => !f.rule.lasting && !!terminal?.hit && terminal.hit.time > f.hit.time;
  const open = failures.find((f) => !recovered(f));
  if (open) return { failure: open, recovered: false };
  return failures.length ? { failure: failures[0], recovered: true } : undefined;
}

function lastRequired(results: StepResult[]): StepResult | undefined {
  for (let i = results.length - 1; i >= 0; i--) if (!results[i].rule.optional) return results[i];
  return undefined;
}

/** The first required step not seen after the last step that was seen: where the flow stops. */
function blockingStep(results: StepResult[]): number {
  let lastSeen = -1;
  results.forEach((r, i) => {
    if (r.hit) lastSeen = i;
  });
  const after = results.findIndex((r, i) => i > lastSeen && !r.rule.optional && !r.hit);
  return after >= 0 ? after : results.findIndex((r) => !r.rule.optional && !r.hit);
}

function lastSeenTime(results: StepResult[], before: number): number {
  let t = Number.NaN;
  results.slice(0, Math.max(before, 0)).forEach((r) => {
    if (r.hit && !r.rule.optional && !Number.isNaN(r.hit.time)) t = Number.isNaN(t) ? r.hit.time : Math.max(t, r.hit.time);
  });
  return t;
}

function firstLine(text: string, max = 300): string {
  const line = text.split('\n', 1)[0].trim();
  return line.length > max ? line.slice(0, max) + '…' : line;
}

function evidenceOf(source: Source, index: number, note?: string): Evidence {
  const r = source.records.get(index);
  return { file: source.file, line: r.line, text: firstLine(r.message), ...(note ? { note } : {}) };
}

function toStep(result: StepResult, failed: boolean): FindingStep {
  const { rule, hit } = result;
  const step: FindingStep = { name: rule.name, seen: !!hit, log: rule.nextLog ?? rule.logs[0], logPresent: result.present };
  if (rule.optional) step.optional = true;
  if (failed) step.failed = true;
  if (!hit) return step;
  const r = record(hit);
  step.file = hit.source.file;
  step.line = r.line;
  const utc = toIsoUtc(Number.isNaN(hit.time) ? null : hit.time);
  if (utc) step.utc = utc;
  const detail = [hit, ...result.hits].map((h) => rule.detail?.(h.match, record(h))).find(Boolean);
  if (detail) step.detail = detail;
  return step;
}

/** The failure's code: named groups `code`, `code2`... first, else the first code the decoders find in the line. */
function codeOf(failure: FailureHit): string | undefined {
  const groups = failure.hit.match.groups ?? {};
  const named = Object.keys(groups).find((g) => /^code\d*$/.test(g) && groups[g]);
  if (named) return formatCode(Number.parseInt(groups[named].replace(/^0x/i, ''), 16));
  const found = findCodes(record(failure.hit).message).find((c) => c.kind === 'hresult');
  return found ? formatCode(found.value) : undefined;
}

function errorOf(failure: FailureHit): FindingError {
  const r = record(failure.hit);
  const code = codeOf(failure);
  const info = code ? describeCode(code) : undefined;
  const message = failure.stalled ?? (info?.message || firstLine(r.message));
  const error: FindingError = { message, heading: headingOf(failure), file: failure.hit.source.file, line: r.line };
  if (code) error.code = code;
  if (info?.names.length) error.name = info.names[0];
  return error;
}

function codeGroupOf(failure: FailureHit): CodeAdvice | undefined {
  const code = codeOf(failure)?.toLowerCase();
  return failure.rule.adviceByCode?.find((g) => g.codes.some((c) => c.toLowerCase() === code));
}

/** The seed's heading: the code group's when the code is one the seed names ("Scan fails with Proxy related errors..."). */
function headingOf(failure: FailureHit): string {
  return codeGroupOf(failure)?.heading ?? failure.rule.heading;
}

function adviceOf(failure: FailureHit): string[] {
  const group = codeGroupOf(failure);
  return group ? [...group.advice, ...failure.rule.advice] : failure.rule.advice;
}

/** Error lines of the failure's related logs (WCM.log before "WSUS server not configured"), newest ten. */
function relatedHits(context: DiagnoseContext, failure: FailureHit): Hit[] {
  const related = failure.rule.related;
  if (!related || Number.isNaN(failure.hit.time)) return [];
  const out: Hit[] = [];
  for (const source of context.sourcesFor(related)) {
    const from = lowerBound(source.times, failure.hit.time - related.withinMs);
    for (let i = from; i < source.records.length && source.times[i] <= failure.hit.time + TOLERANCE_MS; i++) {
      if (source.records.severity(i) === 'error') out.push({ source, index: i, time: source.times[i], match: /(?:)/.exec('')! });
    }
  }
  return out.slice(-10);
}

/** The flow's other failure kinds that a related error line shows (WCM's HTTP 503 → Web Service issues). */
function relatedFailures(flow: FlowRule, chosen: FailureRule, hits: Hit[]): FailureRule[] {
  const rules = [...(flow.failures ?? []), ...flow.steps.flatMap((s) => s.failures ?? [])].filter((r) => r !== chosen && !r.when);
  return rules.filter((rule) => hits.some((h) => rule.pattern.test(messageOf(h.source, h.index))));
}

function buildFinding(context: DiagnoseContext, flow: FlowRule, instance: Instance): Finding {
  const window = windowOf(instance, flow);
  const results = settle(context, instance, flow, window);
  const blocking = blockingStep(results);
  const terminalSeen = !!lastRequired(results)?.hit;
  const chosen = chooseFailure(failureHits(context, instance, flow, window), results);
  const stall = chosen || terminalSeen ? undefined : stallOf(context, results, blocking, lastSeenTime(results, blocking));
  const failure = chosen?.failure ?? stall;
  const broken = !!failure && !chosen?.recovered;
  const failedStep = failure ? (failure.stepIndex >= 0 ? failure.stepIndex : blocking) : -1;
  const steps = results.map((r, i) => toStep(r, broken && i === failedStep));
  const evidence = results.filter((r) => r.hit).map((r) => evidenceOf(r.hit!.source, r.hit!.index));
  const label = flow.keyLabel ? instance.values.get(flow.keyLabel) : undefined;
  const base = { flow: flow.id, title: flow.title, key: label ? `${label} ${instance.key}` : instance.key, steps, evidence };
  if (!failure) {
    if (terminalSeen || blocking < 0) return { ...base, status: 'complete', summary: `${flow.title}: every required step seen.`, advice: [] };
    return incompleteFinding(base, results[blocking]);
  }
  const related = relatedHits(context, failure);
  const also = relatedFailures(flow, failure.rule, related);
  evidence.push(evidenceOf(failure.hit.source, failure.hit.index, failure.stalled ? 'the log goes on past the deadline here' : broken ? 'failure' : 'failure, recovered later'));
  evidence.push(...related.map((h) => evidenceOf(h.source, h.index, 'error in a related log')));
  const error = errorOf(failure);
  const what = `${error.heading}${error.code && !error.heading!.includes(error.code) ? ` (${error.code})` : ''}${also.length ? `; the related log shows: ${also.map((r) => r.heading).join('; ')}` : ''}`;
  const advice = [...new Set([...adviceOf(failure), ...also.flatMap((r) => r.advice)])];
  const nextLog = failure.rule.nextLog ? { nextLog: failure.rule.nextLog } : {};
  if (!broken) return { ...base, status: 'complete', summary: `Completed after a failure it recovered from: ${what}.`, error: { ...error, recovered: true }, advice };
  return { ...base, status: 'broken', summary: what, error, advice, ...nextLog };
}

function incompleteFinding(base: Omit<Finding, 'status' | 'summary' | 'advice'>, blocking: StepResult): Finding {
  const log = blocking.rule.nextLog ?? blocking.rule.logs[0];
  const summary = blocking.present
    ? `No line proves "${blocking.rule.name}" yet: the logs end before it (or it is not logged at this log level).`
    : `"${blocking.rule.name}" is proven by ${log}, which is not among the files.`;
  return { ...base, status: 'incomplete', summary, advice: blocking.rule.advice ?? [], nextLog: log };
}

const MAX_INSTANCES_PER_FLOW = 500;

/** Every instance of a data flow, as findings in time order. */
export function runFlow(flow: FlowRule, context: DiagnoseContext): Finding[] {
  const instances = findInstances(flow, context)
    .sort((a, b) => (Number.isNaN(a.start) ? 0 : a.start) - (Number.isNaN(b.start) ? 0 : b.start))
    .slice(0, MAX_INSTANCES_PER_FLOW);
  return instances.map((instance) => buildFinding(context, flow, instance));
}

export function runModule(module: FlowModule, context: DiagnoseContext): Finding[] {
  return 'diagnose' in module ? module.diagnose(context) : runFlow(module, context);
}
