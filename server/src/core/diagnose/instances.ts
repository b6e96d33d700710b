// Instances of a flow: one per ScanJob, assignment, CTM job (keyed by the GUID the anchor line carries) or
// per cycle of a log (a sync run, a state message upload: a start line opens it, an end line closes it).
// Each instance knows its own bounds — its start, its own end line when the log wrote one, and the start of
// the next instance of the same log — so that no line of another instance is charged to it.
import { basename } from 'node:path';
import { toIsoUtc } from '../time';
import type { AnchorRule, FlowRule, LogHint } from './rules';
import { firstMatch, isGuid, messageOf, normaliseKey, type DiagnoseContext, type Hit, type Source } from './sources';

export interface Instance {
  key: string;
  /** The machine (folder) whose logs hold its anchor lines. */
  folder: string;
  /** Found by a GUID (a job) rather than as a cycle of a log. */
  keyed: boolean;
  start: number;
  /** Time of its last anchor line. */
  last: number;
  /** Time of its own end line (a cycle's "Sync time:" / "Will retry"), when the log wrote one. */
  end?: number;
  /** Start of the next instance of the same log (cycles, sequential keyed anchors): nothing after it is ours. */
  until: number;
  anchorHits: Hit[];
  /** The GUIDs its lines carry, by role (ctmJob, content...). */
  keys: Map<string, RoleKeys>;
  /** Named captures that are not GUIDs (content versions, site codes...), first value wins. */
  values: Map<string, string>;
}

/**
 * One role's keys in the order they were found: a set to ask, and a list, so that a reader that took the first n
 * takes the rest without walking past the n again (FollowedKeys asks after every pass of a download's harvest, which
 * follows some 1,400 keys on the bench corpus).
 */
export class RoleKeys {
  private readonly set = new Set<string>();
  readonly list: string[] = [];

  /** Adds the key; whether it was new. */
  add(key: string): boolean {
    if (this.set.has(key)) return false;
    this.set.add(key);
    this.list.push(key);
    return true;
  }

  get size(): number {
    return this.list.length;
  }
}

function roleKeys(key: string): RoleKeys {
  const keys = new RoleKeys();
  keys.add(key);
  return keys;
}

/**
 * Instances, folder by folder (a folder is one machine's logs): in each folder the first anchor whose logs
 * are there, so a client folder with ScanAgent.log is not also read through the WUAHandler fallback.
 */
export function findInstances(flow: FlowRule, context: DiagnoseContext): Instance[] {
  const out: Instance[] = [];
  for (const folder of new Set(context.sources.map((s) => s.folder))) {
    const inFolder = (hint: Partial<LogHint>) => context.sourcesFor(hint).filter((s) => s.folder === folder);
    const anchor = flow.anchors.find((a) => inFolder(a).length > 0);
    if (!anchor) continue;
    const sources = inFolder(anchor);
    const found = anchor.key
      ? keyedInstances(anchor, anchor.key, sources, folder)
      : cycleInstances(anchor, sources, folder);
    if (anchor.key && anchor.end) for (const instance of found) endAtLastEndLine(instance, anchor.end);
    if (anchor.key && anchor.sequential) boundByNext(found);
    out.push(...found);
  }
  return out;
}

function keyedInstances(anchor: AnchorRule, group: string, sources: Source[], folder: string): Instance[] {
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
    return {
      key,
      folder,
      keyed: true,
      start,
      last,
      until: Number.POSITIVE_INFINITY,
      anchorHits: hits,
      keys: new Map([[group, roleKeys(key)]]),
      values: new Map(),
    };
  });
}

/** A keyed instance ends at its last end line (a scan job that retried ends at its last "OnScanComplete"). */
function endAtLastEndLine(instance: Instance, end: RegExp): void {
  for (const hit of instance.anchorHits) {
    if (Number.isNaN(hit.time) || !end.test(messageOf(hit.source, hit.index))) continue;
    instance.end = instance.end === undefined ? hit.time : Math.max(instance.end, hit.time);
  }
}

/** Sequential jobs (Scan Agent runs one scan job at a time): each ends, at the latest, where the next begins. */
function boundByNext(instances: Instance[]): void {
  const timed = instances.filter((i) => !Number.isNaN(i.start)).sort((a, b) => a.start - b.start);
  for (let i = 0; i + 1 < timed.length; i++)
    if (timed[i + 1].start > timed[i].start) timed[i].until = timed[i + 1].start;
}

/**
 * The files of one log in time order: a rolled-over copy (WSyncMgr.lo_, WSyncMgr-20240101-120000.log) is
 * the older part of the same stream, so a cycle that starts in it and ends in the current log is one cycle.
 */
function streams(sources: Source[]): Source[][] {
  const byName = new Map<string, Source[]>();
  for (const source of sources) byName.set(source.name, [...(byName.get(source.name) ?? []), source]);
  const firstTime = (s: Source) => s.times.find((t) => !Number.isNaN(t)) ?? Number.POSITIVE_INFINITY;
  return [...byName.values()].map((parts) => parts.sort((a, b) => firstTime(a) - firstTime(b)));
}

/**
 * Cycles (a sync run, a scan in WUAHandler.log, a state message upload): a start line opens an instance,
 * an end line closes it; a start line the open instance has already seen opens the next one. Each cycle
 * owns the time up to the next cycle's start, so a later cycle's lines never fill an earlier cycle's gaps.
 */
function cycleInstances(anchor: AnchorRule, sources: Source[], folder: string): Instance[] {
  const out: Instance[] = [];
  for (const stream of streams(sources)) {
    let open: { instance: Instance; starts: Set<number> } | undefined;
    let previous: Instance | undefined;
    for (const source of stream) {
      for (let index = 0; index < source.records.length; index++) {
        const time = source.times[index];
        const message = messageOf(source, index);
        const startIndex = anchor.start.findIndex((p) => p.test(message));
        if (startIndex >= 0 && (!open || open.starts.has(startIndex))) {
          if (previous && !Number.isNaN(time)) previous.until = time;
          previous = newCycle({ source, index, time, match: anchor.start[startIndex].exec(message)! }, folder);
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
        else {
          if (!Number.isNaN(time)) open.instance.end = time;
          open = undefined;
        }
      }
    }
  }
  return out;
}

function newCycle(hit: Hit, folder: string): Instance {
  const key = Number.isNaN(hit.time)
    ? `${basename(hit.source.file)}:${hit.source.records.line(hit.index)}`
    : toIsoUtc(hit.time)!;
  return {
    key,
    folder,
    keyed: false,
    start: hit.time,
    last: hit.time,
    until: Number.POSITIVE_INFINITY,
    anchorHits: [hit],
    keys: new Map(),
    values: new Map(),
  };
}

/** A named capture of a line: a GUID (normalised, a key of its role) or another value. */
export interface Capture {
  role: string;
  value: string;
  guid: boolean;
}

/**
 * The captures of a match, worked out once: the same lines are offered to an instance again on every pass of its
 * key harvest (and a download follows hundreds of keys), each time with the same match (see knownMatches). A keyed
 * line's Hit is made once too, and keeps them (Hit.captures): no lookup at all for the thousands of lines a
 * download's instances read.
 */
const capturesOfMatch = new WeakMap<RegExpExecArray, Capture[]>();

function capturesOf(match: RegExpExecArray): Capture[] {
  let captures = capturesOfMatch.get(match);
  if (captures) return captures;
  captures = [];
  for (const [role, value] of Object.entries(match.groups ?? {})) {
    if (!value) continue;
    const guid = isGuid(value);
    captures.push({ role, value: guid ? normaliseKey(value) : value, guid });
  }
  capturesOfMatch.set(match, captures);
  return captures;
}

/** Adds the named captures of a line to the instance (GUIDs as keys by role, other values once); whether a key was new. */
export function addCaptures(instance: Instance, hit: Hit): boolean {
  let added = false;
  for (const { role, value, guid } of (hit.captures ??= capturesOf(hit.match))) {
    if (!guid) {
      if (!instance.values.has(role)) instance.values.set(role, value);
      continue;
    }
    let keys = instance.keys.get(role);
    if (!keys) instance.keys.set(role, (keys = new RoleKeys()));
    if (keys.add(value)) added = true;
  }
  return added;
}

export function keysOf(instance: Instance, roles?: string[]): string[] {
  const out: string[] = [];
  for (const [role, keys] of instance.keys) if (!roles || roles.includes(role)) out.push(...keys.list);
  return out;
}
