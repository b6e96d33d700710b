// The walk: a flow's instances (one per ScanJob, assignment, CTM job, sync cycle...) are found in the
// sources, each instance's steps are walked in order and its failure lines looked up, and the result becomes
// a finding: complete, broken (a failure line or a step that stalled while its log went on) or incomplete
// (the logs end, or the log that would prove the next step is not among the files — never called broken).
import { basename, dirname } from 'node:path';
import { toIsoUtc } from '../time';
import {
  adviceOf, blockingStep, chooseFailure, errorOf, evidenceOf, incompleteFinding, lastRequired, lastSeenTime, relatedFailures, relatedHits, toStep,
  type FailureHit, type Finding, type StepResult,
} from './findings';
import type { AnchorRule, FailureRule, FlowModule, FlowRule, LogHint, StepRule } from './rules';
import { firstMatch, isGuid, keyedHits, lowerBound, messageOf, normaliseKey, record, timedHits, TOLERANCE_MS, type DiagnoseContext, type Hit, type Source } from './sources';

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
