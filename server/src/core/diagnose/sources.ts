// Sources: the parsed files a diagnosis reads, with their names, components and comparable times, and the
// ways lines are found in them (by a GUID they carry, by a time range), each answer worked out once.
import { basename, dirname } from 'node:path';
import { ensureClocks } from '../clock';
import type { ParseResult } from '../parse';
import { RecordTable } from '../table';
import { GuidIndex } from './guidIndex';
import type { Capture } from './instances';
import { G, type LogHint } from './rules';

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
  /** The folder it is in: one machine's logs. */
  folder: string;
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
  private guidIndex?: GuidIndex;
  /**
   * A keyed step's hits, by its patterns, then by the logs asked, then by key: every scan instance of a client
   * follows its update source's GUID, which is in some 40,000 records, and matched them all again.
   */
  private readonly keyed = new WeakMap<object, Map<string, KeyedAnswers>>();
  /** The sources a hint names, by its logs and components. */
  private readonly hinted = new Map<string, Source[]>();
  /** The same answers by the hint object (a rule), and by a hint's sources the ones of each folder (sourcesNear). */
  private readonly hintedByObject = new WeakMap<object, Source[]>();
  private readonly nearByHint = new WeakMap<Source[], Map<string, Source[]>>();
  /**
   * The key of a list of sources in `keyed`, by the list (sourcesFor gives the same list object for the same hint):
   * every keyed search of every instance spelled the positions out again.
   */
  private readonly sourcesQuestion = new WeakMap<Source[], string>();
  /** Per source (by position), the mark of the last search that took each record (see keyedHits). */
  private readonly marks: Array<Int32Array | undefined> = [];
  private mark = 0;
  /**
   * A record's match of a step's patterns (null: none; undefined: not asked yet), by patterns and source: the time
   * windows of a flow's instances overlap, and each asked the same records again.
   */
  readonly matched = new WeakMap<object, Map<Source, Array<RegExpExecArray | null | undefined>>>();

  constructor(results: ParseResult[]) {
    // Logs that write local time with no zone (WindowsUpdate.log, IME, setup logs) take their machine's zone from
    // its other logs, as everywhere else in the product (core/clock.ts); without one they have no UTC here either.
    ensureClocks(results.map((r) => r.records));
    this.sources = results.map((r, position) => toSource(r, position));
  }

  /** The sources a hint names, by file name or by the components writing them (callers must not change the list). */
  sourcesFor(hint: Partial<LogHint>): Source[] {
    // By the hint object first: rules are asked again for every instance and step, and spelling the question out
    // each time cost more than the answer.
    let sources = this.hintedByObject.get(hint);
    if (sources) return sources;
    const question = `${(hint.logs ?? []).join('\n')}\t${(hint.components ?? []).join('\n')}`;
    sources = this.hinted.get(question);
    if (sources) {
      this.hintedByObject.set(hint, sources);
      return sources;
    }
    const names = new Set((hint.logs ?? []).map((n) => n.toLowerCase()));
    const components = (hint.components ?? []).map((c) => c.toLowerCase());
    sources = this.sources.filter((s) => names.has(s.name) || components.some((c) => s.components.has(c)));
    this.hinted.set(question, sources);
    this.hintedByObject.set(hint, sources);
    return sources;
  }

  /** The keyed answers of a pattern list in these sources (filled by keyedHits). */
  keyedAnswers(patterns: RegExp[], sources: Source[]): KeyedAnswers {
    const byPatterns = patternsKey(patterns);
    let bySources = this.keyed.get(byPatterns);
    if (!bySources) this.keyed.set(byPatterns, (bySources = new Map()));
    let question = this.sourcesQuestion.get(sources);
    if (question === undefined)
      this.sourcesQuestion.set(sources, (question = sources.map((s) => s.position).join(',')));
    let answers = bySources.get(question);
    if (!answers)
      bySources.set(question, (answers = { sources, positions: sources.map((s) => s.position), byKey: new Map() }));
    return answers;
  }

  /** A mark no record carries yet, for one search (see marksOf). */
  nextMark(): number {
    return ++this.mark;
  }

  /** Per record of the source, the mark of the last search that took it. */
  marksOf(source: Source): Int32Array {
    return (this.marks[source.position] ??= new Int32Array(source.records.length));
  }

  hasLog(hint: Partial<LogHint>, folder?: string): boolean {
    return this.sourcesNear(hint, folder).length > 0;
  }

  /**
   * The hinted sources of one machine (folder) when it has them: a time-linked line of another machine's
   * log is no evidence for this one. A log the folder does not have (the site server's SoftwareDistribution.log
   * beside a client folder, MP_Relay.log on the management point) is read from wherever it is.
   */
  sourcesNear(hint: Partial<LogHint>, folder?: string): Source[] {
    const all = this.sourcesFor(hint);
    if (folder === undefined) return all;
    let byFolder = this.nearByHint.get(all);
    if (!byFolder) this.nearByHint.set(all, (byFolder = new Map()));
    let near = byFolder.get(folder);
    if (!near) {
      const inFolder = all.filter((s) => s.folder === folder);
      byFolder.set(folder, (near = inFolder.length ? inFolder : all));
    }
    return near;
  }

  /** Which records carry which GUID, each source read when first asked (see GuidIndex.numberIn). */
  guids(): GuidIndex {
    return (this.guidIndex ??= new GuidIndex(
      this.sources.map((source) => source.records),
      (s, index, message) => (this.sources[s].messages[index] ??= message),
    ));
  }
}

export function normaliseKey(text: string): string {
  return text.replace(/[{}]/g, '').toLowerCase();
}

const WHOLE_GUID = new RegExp(`^${G}$`);
export const isGuid = (text: string) => WHOLE_GUID.test(text);

export function logName(file: string): string {
  return basename(file)
    .toLowerCase()
    .replace(/-\d{8}-\d{6}(\.log)$/, '$1')
    .replace(/\.lo_$/, '.log');
}

function toSource(result: ParseResult, position: number): Source {
  const records = result.records;
  // The components of its first 200 records, read from the column: making those records whole (their messages
  // decoded) cost a fleet reader ~70 ms per machine of 40 logs.
  const components = new Set<string>();
  for (let i = 0, n = Math.min(200, records.length); i < n; i++) {
    const component = records.component(i);
    if (component) components.add(component.toLowerCase());
  }
  const times = new Float64Array(records.length);
  let last = Number.NaN;
  for (let i = 0; i < records.length; i++) {
    const utc = records.utc(i);
    if (utc !== null) last = utc;
    times[i] = last;
  }
  return {
    file: result.file,
    name: logName(result.file),
    folder: dirname(result.file),
    components,
    records,
    times,
    position,
    messages: new Array(records.length),
  };
}

/** The hits of one pattern list in some sources, by key. */
export interface KeyedAnswers {
  sources: Source[];
  positions: number[];
  byKey: Map<string, Hit[]>;
}

export interface Hit {
  source: Source;
  index: number;
  time: number;
  match: RegExpExecArray;
  /** The match's named captures, once worked out (instances.ts addCaptures). */
  captures?: Capture[];
}

export function firstMatch(patterns: RegExp[], text: string): RegExpExecArray | null {
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return m;
  }
  return null;
}

/**
 * Instances, folder by folder (a folder is one machine's logs): in each folder the first anchor whose logs

/** How far apart two logs of the same machine may stamp the same moment. */
export const TOLERANCE_MS = 5_000;

/**
 * Lines of the hinted logs that carry one of the keys and match a pattern; with a folder, of that machine's logs
 * when it has them (sourcesNear): two clients of one deployment share its assignment, content and update IDs, and
 * one client's lines are no evidence for the other's instance.
 */
export function keyedHits(
  context: DiagnoseContext,
  hint: Partial<LogHint>,
  keys: string[],
  patterns: RegExp[],
  folder?: string,
): Hit[] {
  if (!keys.length) return [];
  const answers = context.keyedAnswers(patterns, context.sourcesNear(hint, folder));
  if (keys.length === 1) return hitsOfKey(context, answers, keys[0], patterns);
  // A line may carry several of the keys: once. An instance follows hundreds of keys (every CTM job of a content
  // it downloads), so lines already taken are marked in a per-log array rather than kept in a set.
  const mark = context.nextMark();
  const hits: Hit[] = [];
  for (const key of keys) {
    for (const hit of hitsOfKey(context, answers, key, patterns)) {
      const marks = context.marksOf(hit.source);
      if (marks[hit.index] === mark) continue;
      marks[hit.index] = mark;
      hits.push(hit);
    }
  }
  return hits.sort(byTime);
}

/** The lines of the asked logs that carry `key` and match a pattern, by time (worked out once: `answers`). */
function hitsOfKey(context: DiagnoseContext, answers: KeyedAnswers, key: string, patterns: RegExp[]): Hit[] {
  let hits = answers.byKey.get(key);
  if (hits) return hits;
  hits = [];
  const guids = context.guids();
  const k = guids.numberIn(key, answers.positions);
  for (const source of answers.sources) {
    const records = k < 0 ? undefined : guids.recordsOf(k, source.position);
    if (!records) continue;
    const known = knownMatches(context, patterns, source);
    readMessages(source, records, known);
    for (const index of records) {
      let match = known[index];
      if (match === undefined) known[index] = match = firstMatch(patterns, messageOf(source, index)); // null is an answer too
      if (match) hits.push({ source, index, time: source.times[index], match });
    }
  }
  answers.byKey.set(key, hits.sort(byTime));
  return hits;
}

/**
 * Reads the messages of these records (ascending) that are still to be matched, in reads of up to 64 KB
 * (RecordTable.messagesOf): a key's records lie here and there in a log, and reading each alone cost a system
 * call per message (a download's content ID is in thousands of CAS.log lines).
 */
function readMessages(source: Source, records: Int32Array, known: Array<RegExpExecArray | null | undefined>): void {
  const unread: number[] = [];
  for (const index of records)
    if (known[index] === undefined && source.messages[index] === undefined) unread.push(index);
  if (unread.length < 2) return;
  source.records.messagesOf(unread, (index, message) => (source.messages[index] = message));
}

/** Lines of the hinted logs inside [from, to] that match a pattern. */
export function timedHits(
  context: DiagnoseContext,
  hint: Partial<LogHint>,
  from: number,
  to: number,
  patterns: RegExp[],
  folder?: string,
  firstOnly = false,
): Hit[] {
  const hits: Hit[] = [];
  for (const source of context.sourcesNear(hint, folder)) {
    // The answers of this source looked up once, not per record: windows of a day hold tens of thousands.
    const known = knownMatches(context, patterns, source);
    for (let index = lowerBound(source.times, from); index < source.records.length; index++) {
      const time = source.times[index];
      if (time > to) break;
      if (Number.isNaN(time)) continue;
      let match = known[index];
      if (match === undefined) known[index] = match = firstMatch(patterns, messageOf(source, index));
      if (!match) continue;
      hits.push({ source, index, time, match });
      if (firstOnly) break; // the earliest of this source: a step of a long instance does not read its whole day
    }
  }
  return hits.sort(byTime);
}

/** Per record of the source, its match of the patterns (null: none; undefined: not asked yet). */
function knownMatches(
  context: DiagnoseContext,
  patterns: RegExp[],
  source: Source,
): Array<RegExpExecArray | null | undefined> {
  const byPatterns = patternsKey(patterns);
  let bySource = context.matched.get(byPatterns);
  if (!bySource) context.matched.set(byPatterns, (bySource = new Map()));
  let known = bySource.get(source);
  if (!known) bySource.set(source, (known = new Array(source.records.length)));
  return known;
}

/** What stands for a pattern list in the caches: a one-pattern list is made anew by each caller, its pattern is not. */
function patternsKey(patterns: RegExp[]): object {
  return patterns.length === 1 ? patterns[0] : patterns;
}

export function byTime(a: Hit, b: Hit): number {
  return (Number.isNaN(a.time) ? -Infinity : a.time) - (Number.isNaN(b.time) ? -Infinity : b.time) || a.index - b.index;
}

/** First index whose time is >= t; times without a value (NaN) count as earlier than any. */
export function lowerBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Number.isNaN(times[mid]) || times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
