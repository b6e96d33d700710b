// The walk: a flow's instances (instances.ts) have their steps walked in order and their failure lines
// looked up, and each becomes a finding (findings.ts). A time-linked line belongs to an instance only inside
// the instance's own bounds: from its start to its own end (its end line, or the terminal step it reached),
// and never past the next instance's start. A failure line that carries no id of its instance and falls in
// the bounds of several instances is charged only to those that did not finish.
import { basename } from 'node:path';
import { toIsoUtc } from '../time';
import { addCaptures, findInstances, keysOf, type Instance } from './instances';
import {
  adviceOf,
  blockingStep,
  chainEnd,
  chooseFailure,
  errorOf,
  evidenceOf,
  incompleteFinding,
  lastSeenTime,
  relatedFailures,
  relatedHits,
  settledFinding,
  toStep,
  type FailureHit,
  type Finding,
  type StepResult,
  type Waiting,
} from './findings';
import { FollowedKeys } from './followKeys';
import type { FailureRule, FlowModule, FlowRule, LogHint, StepRule } from './rules';
import {
  keyedHits,
  lowerBound,
  messageOf,
  timedHits,
  TOLERANCE_MS,
  type DiagnoseContext,
  type Hit,
  type Source,
} from './sources';

const DEFAULT_MAX_DURATION_MS = 24 * 3600_000;

interface Window {
  from: number;
  to: number;
  /** Optional steps may come after the instance's own end (UpdatesStore after a scan job completes). */
  optionalTo?: number;
}

/** An instance walked: its steps, and the time it owns for failure lines. */
interface Walked {
  instance: Instance;
  results: StepResult[];
  /** Reached its last required step. */
  finished: boolean;
  /** From its start to its own end (see ownWindow). */
  owned: Window;
}

/** Where its steps may be: from its start to the next instance's start, at most the flow's longest run. */
function stepWindow(instance: Instance, flow: FlowRule): Window {
  if (Number.isNaN(instance.start)) return { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };
  // The flow's longest run bounds an instance that wrote no end; one that did runs to its end however long it
  // took (a first scan of 4 hours, an initial WSUS sync of 15: seen through to their end lines, never cut short).
  const longest = instance.start + (flow.maxDurationMs ?? DEFAULT_MAX_DURATION_MS);
  const ended = instance.end !== undefined && !Number.isNaN(instance.end);
  const outer = Math.min(instance.until, ended ? Math.max(longest, instance.end! + TOLERANCE_MS) : longest);
  // A keyed job with its own end line (a scan job's last OnScanComplete) is over there; a cycle's end line is
  // followed by its last optional lines (the child site notification), up to the next cycle.
  const own = instance.keyed && ended ? Math.min(outer, instance.end! + TOLERANCE_MS) : outer;
  return { from: instance.start - TOLERANCE_MS, to: own, optionalTo: outer };
}

/** The time that is the instance's own: up to its end line, or the terminal step it reached, else its step window. */
function ownWindow(instance: Instance, steps: Window, results: StepResult[]): Window {
  const terminal = chainEnd(results);
  const ends = [
    instance.end,
    terminal && !Number.isNaN(terminal.time) ? Math.max(terminal.time, instance.last) : undefined,
  ].filter((t): t is number => t !== undefined && !Number.isNaN(t));
  if (!ends.length) return steps;
  // Up to its end, even past the flow's longest run when its own lines went on (a 27-hour download).
  return { from: steps.from, to: Math.min(instance.until, Math.max(...ends) + TOLERANCE_MS) };
}

function stepHits(
  context: DiagnoseContext,
  instance: Instance,
  step: StepRule,
  window: Window,
  after: number,
  reached: number,
  keyed: FollowedKeys,
): Hit[] {
  if (step.link === 'key') {
    const hits = keyed.hits(step, step, step.keys, step.patterns);
    if (!step.ownTimeOnly) return hits;
    // Its own time reaches as far as its own lines went (`reached`: the DTS job of a 27-hour download completing
    // after the flow's longest run), never into the next instance's.
    const to = Math.min(instance.until, Math.max(window.to, reached + TOLERANCE_MS));
    return hits.filter((h) => !(h.time < window.from) && !(h.time > to));
  }
  const from = step.lookbackMs ? instance.start - step.lookbackMs : window.from;
  const end = step.optional ? (window.optionalTo ?? window.to) : window.to;
  const to = step.withinMs && !Number.isNaN(after) ? Math.min(end, after + step.withinMs) : end;
  // A step with a detail reads it from any of its lines (the sync trigger is on the line after "Starting Sync").
  if (step.withinMs || step.detail || Number.isNaN(after))
    return timedHits(context, step, from, to, step.patterns, instance.folder);
  // Only the earliest line at or after the previous step is picked: look for it first, and before it only when
  // there is none (pick's fallback), instead of matching every line of a window that may span a day.
  const since = Math.max(from, after - TOLERANCE_MS);
  const next = timedHits(context, step, since, to, step.patterns, instance.folder, true);
  return next.length ? next : timedHits(context, step, from, Math.min(since, to), step.patterns, instance.folder, true);
}

/** Earliest hit at or after the previous step (clock tolerance); failing that the earliest at all. */
function pick(hits: Hit[], after: number): Hit | undefined {
  if (Number.isNaN(after)) return hits[0];
  return hits.find((h) => !(h.time < after - TOLERANCE_MS)) ?? hits[0];
}

/**
 * Keys of key-linked steps, to a fixpoint: a CTM job found through a content ID finds its DTS job... Only the
 * lines the harvest has not read are read (`keyed` follows each step's lines): reading a line's captures twice
 * changes nothing.
 */
function harvestKeys(instance: Instance, flow: FlowRule, keyed: FollowedKeys): void {
  for (const hit of instance.anchorHits) addCaptures(instance, hit);
  for (let pass = 0; pass < 4; pass++) {
    let added = false;
    for (const step of flow.steps) {
      if (step.link !== 'key') continue;
      for (const hit of keyed.unharvested(step, step, step.keys, step.patterns))
        added = addCaptures(instance, hit) || added;
    }
    if (!added) return;
  }
}

/**
 * The lines whose ids become the instance's: the picked one, or with `withinMs` every line from the previous
 * step on (the content IDs UpdatesHandler lists) — never one before it that a lookback reached (the previous
 * upload's message, sent 40 seconds earlier).
 */
function capturedHits(rule: StepRule, hits: Hit[], picked: Hit | undefined, after: number): Hit[] {
  if (!rule.withinMs) return picked ? [picked] : [];
  const fromPrevious = Number.isNaN(after) ? hits : hits.filter((h) => !(h.time < after - TOLERANCE_MS));
  return fromPrevious.length ? fromPrevious : picked ? [picked] : [];
}

/**
 * Walks the steps in order. A time-linked step adds the keys of the line it picked (or, when bounded by
 * `withinMs`, of every line in its range: the three content IDs UpdatesHandler lists); returns whether any
 * key was new, so that the key-linked steps can be looked up again.
 */
function walkSteps(
  context: DiagnoseContext,
  instance: Instance,
  flow: FlowRule,
  window: Window,
  keyed: FollowedKeys,
): { results: StepResult[]; added: boolean } {
  let after = instance.start;
  /** The latest line of a step linked by the instance's keys alone (not limited to its time). */
  let reached = Number.NEGATIVE_INFINITY;
  let added = false;
  /**
   * The instance's chain of its own ids stopped: a required key-linked step is missing from its log after an
   * earlier one was seen (a deployment that never wrote "Starting install"). Time-linked lines after that point
   * are another instance's (the deployment installing meanwhile), not this one's. A chain whose first own lines
   * are missing (its start in a rolled-over file not collected) is not stopped.
   */
  let ownSeen = false;
  let ownChainBroken = false;
  const results = flow.steps.map((rule) => {
    const present = context.hasLog(rule, instance.folder);
    const hits =
      rule.link === 'time' && ownChainBroken ? [] : stepHits(context, instance, rule, window, after, reached, keyed);
    const hit = pick(hits, after);
    if (rule.link === 'key' && hit) ownSeen = true;
    else if (rule.link === 'key' && !rule.optional && present && ownSeen) ownChainBroken = true;
    if (rule.link === 'time')
      for (const h of capturedHits(rule, hits, hit, after)) added = addCaptures(instance, h) || added;
    if (hit && !rule.optional && !Number.isNaN(hit.time)) after = Math.max(after, hit.time);
    if (hit && rule.link === 'key' && !rule.ownTimeOnly && !Number.isNaN(hit.time))
      reached = Math.max(reached, hit.time);
    return { rule, hit, hits, present };
  });
  return { results, added };
}

function walkInstance(context: DiagnoseContext, flow: FlowRule, instance: Instance, keyed: FollowedKeys): Walked {
  const steps = stepWindow(instance, flow);
  let walk = { results: [] as StepResult[], added: true };
  for (let round = 0; round < 3 && walk.added; round++) {
    harvestKeys(instance, flow, keyed);
    walk = walkSteps(context, instance, flow, steps, keyed);
  }
  return {
    instance,
    results: walk.results,
    finished: !!chainEnd(walk.results),
    owned: ownWindow(instance, steps, walk.results),
  };
}

// ---------------------------------------------------------------------------------------------------
// Failures

function failureHits(context: DiagnoseContext, walked: Walked, flow: FlowRule): FailureHit[] {
  const out: FailureHit[] = [];
  flow.steps.forEach((step, stepIndex) => {
    for (const rule of step.failures ?? []) out.push(...matchFailure(context, walked, rule, step, stepIndex));
  });
  for (const rule of flow.failures ?? []) out.push(...matchFailure(context, walked, rule, everyStepsLogs(flow), -1));
  return out;
}

/**
 * The hints failures are looked for with, one object per rule and fallback: DiagnoseContext answers a hint it has
 * seen by the object, and a hint made anew for every instance of every flow spelled its question out each time
 * (a tenth of a fleet reader's diagnosis went to it).
 */
const failureHints = new WeakMap<object, WeakMap<FailureRule, Partial<LogHint>>>();
const flowHints = new WeakMap<FlowRule, Partial<LogHint>>();

/** A flow-wide failure looks in every step's logs (unless it names its own). */
function everyStepsLogs(flow: FlowRule): Partial<LogHint> {
  let hint = flowHints.get(flow);
  if (!hint) {
    hint = { logs: flow.steps.flatMap((s) => s.logs), components: flow.steps.flatMap((s) => s.components ?? []) };
    flowHints.set(flow, hint);
  }
  return hint;
}

function failureHint(rule: FailureRule, fallback: Partial<LogHint>): Partial<LogHint> {
  let byRule = failureHints.get(fallback);
  if (!byRule) failureHints.set(fallback, (byRule = new WeakMap()));
  let hint = byRule.get(rule);
  if (!hint) {
    hint = { logs: rule.logs ?? fallback.logs, components: rule.components ?? fallback.components };
    byRule.set(rule, hint);
  }
  return hint;
}

function matchFailure(
  context: DiagnoseContext,
  walked: Walked,
  rule: FailureRule,
  fallback: Partial<LogHint>,
  stepIndex: number,
): FailureHit[] {
  const { instance, owned } = walked;
  const hint = failureHint(rule, fallback);
  const hits =
    rule.link === 'key'
      ? keyedHits(context, hint, keysOf(instance, rule.keys), [rule.pattern], instance.folder)
      : timedHits(context, hint, owned.from, owned.to, [rule.pattern], instance.folder);
  const inTime = rule.ownTimeOnly ? hits.filter((h) => !(h.time < owned.from) && !(h.time > owned.to)) : hits;
  const real = rule.when ? inTime.filter((h) => rule.when!(h.match, instance.values, h)) : inTime;
  return real.map((hit) => ({ rule, hit, stepIndex, timeLinked: rule.link !== 'key' }));
}

/**
 * A failure line that carries none of the instance's ids is the instance's only when no other instance owns
 * its time too — or when this one did not finish: of two deployments installing at once, the one that
 * succeeded is not charged with the other's error.
 */
function owns(walked: Walked, failure: FailureHit, all: Walked[]): boolean {
  if (!failure.timeLinked || !walked.finished) return true;
  const t = failure.hit.time;
  return !all.some(
    (other) =>
      other !== walked &&
      other.instance.folder === walked.instance.folder &&
      !(t < other.owned.from) &&
      !(t > other.owned.to),
  );
}

/** Any line: the lines of the instance's own ids, whatever they say. */
const ANY_LINE = /(?:)/;

/**
 * The instance's own thread still writes after the deadline, before any next instance: a first sync's WSUS
 * phase that runs nine hours, progress lines still coming, has not stalled.
 */
function stillProgressing(instance: Instance, step: StepRule, source: Source, from: number): boolean {
  const anchor = instance.anchorHits.find((h) => h.source === source);
  const thread = anchor ? source.records.thread(anchor.index) : null;
  for (let i = from; i < source.records.length && !(source.times[i] >= instance.until); i++) {
    if (step.progress?.test(messageOf(source, i))) return true;
    if (thread !== null && source.records.thread(i) === thread) return true;
  }
  return false;
}

/**
 * The latest line of the instance's own ids in a key-linked step's log, whatever it says: the BITS progress of a
 * 27-hour download names its DTS job every few minutes, and the step's timeout runs from the latest of them.
 */
function latestOwnLine(context: DiagnoseContext, instance: Instance, step: StepRule, source: Source): number {
  if (step.link !== 'key') return Number.NEGATIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (const hit of keyedHits(context, step, keysOf(instance, step.keys), [ANY_LINE], instance.folder))
    if (hit.source === source && !(hit.time >= instance.until) && hit.time > latest) latest = hit.time;
  return latest;
}

/** A step with a timeout that never came although its log went on well past it: the flow stalled there. */
function stallOf(
  context: DiagnoseContext,
  instance: Instance,
  results: StepResult[],
  blocking: number,
  previousTime: number,
): FailureHit | undefined {
  const step = results[blocking]?.rule;
  if (!step?.timeoutMs || Number.isNaN(previousTime)) return undefined;
  for (const source of context.sourcesNear(step, instance.folder)) {
    const ownLast = latestOwnLine(context, instance, step, source);
    const deadline = Math.max(previousTime, ownLast) + step.timeoutMs;
    const index = lowerBound(source.times, deadline);
    if (index >= source.records.length) continue;
    if (stillProgressing(instance, step, source, index)) continue;
    const lastTime = toIsoUtc(source.times[source.records.length - 1]);
    const since = ownLast > previousTime ? ` of its own latest line there (${toIsoUtc(ownLast)})` : '';
    const stalled = `No "${step.name}" within ${Math.round(step.timeoutMs / 60_000)} minutes${since}, although ${basename(source.file)} goes on until ${lastTime}.`;
    const rule: FailureRule = {
      pattern: /(?:)/,
      heading: `Stalled at: ${step.name}`,
      advice: step.advice ?? [],
      nextLog: step.nextLog,
    };
    return {
      rule,
      hit: { source, index, time: source.times[index], match: /(?:)/.exec('')! },
      stepIndex: blocking,
      stalled,
    };
  }
  return undefined;
}

/**
 * The latest line of the blocking step's own logs inside the instance's time that says the step is held back on
 * purpose (a WaitRule): the instance is waiting, not lost. From the instance's start, not its last step: the
 * client may say it once, at the deadline, and then download the content before the window opens.
 */
function waitOf(
  context: DiagnoseContext,
  instance: Instance,
  results: StepResult[],
  blocking: number,
): Waiting | undefined {
  const step = results[blocking]?.rule;
  if (!step?.waits) return undefined;
  let latest: Waiting | undefined;
  for (const source of context.sourcesNear(step, instance.folder)) {
    const from = lowerBound(source.times, instance.start - TOLERANCE_MS);
    for (let i = from; i < source.records.length && !(source.times[i] >= instance.until); i++) {
      if (latest && !(source.times[i] > latest.hit.time)) continue;
      const message = messageOf(source, i);
      for (const rule of step.waits) {
        const match = rule.pattern.exec(message);
        if (match) latest = { rule, hit: { source, index: i, time: source.times[i], match } };
      }
    }
  }
  return latest;
}

// ---------------------------------------------------------------------------------------------------
// From a walked instance to a finding

function buildFinding(context: DiagnoseContext, flow: FlowRule, walked: Walked, all: Walked[]): Finding {
  const { instance, results } = walked;
  const blocking = blockingStep(results);
  const mine = failureHits(context, walked, flow).filter((f) => owns(walked, f, all));
  const chosen = chooseFailure(mine, results);
  const stall =
    chosen || walked.finished
      ? undefined
      : stallOf(context, instance, results, blocking, lastSeenTime(results, blocking));
  const failure = chosen?.failure ?? stall;
  const broken = !!failure && !chosen?.recovered;
  const failedStep = failure ? (failure.stepIndex >= 0 ? failure.stepIndex : blocking) : -1;
  const steps = results.map((r, i) => toStep(r, broken && i === failedStep));
  const evidence = results.filter((r) => r.hit).map((r) => evidenceOf(r.hit!.source, r.hit!.index));
  const label = flow.keyLabel ? instance.values.get(flow.keyLabel) : undefined;
  const base = {
    flow: flow.id,
    title: flow.title,
    key: label ? `${label} ${instance.key}` : instance.key,
    steps,
    evidence,
  };
  if (!failure)
    return walked.finished || blocking < 0
      ? settledFinding(base, flow, results)
      : incompleteFinding(base, flow, results, blocking, waitOf(context, instance, results, blocking));
  const related = relatedHits(context, failure);
  const also = relatedFailures(flow, failure.rule, related);
  evidence.push(
    evidenceOf(
      failure.hit.source,
      failure.hit.index,
      failure.stalled ? 'the log goes on past the deadline here' : broken ? 'failure' : 'failure, recovered later',
    ),
  );
  evidence.push(...related.map((h) => evidenceOf(h.source, h.index, 'error in a related log')));
  const error = errorOf(failure);
  const said = failure.rule.says?.(failure.hit.match, instance.values);
  if (said) error.message = said;
  const what = `${error.heading}${error.code && !error.heading!.includes(error.code) ? ` (${error.code})` : ''}${said ? `: ${said}` : ''}${also.length ? `; the related log shows: ${also.map((r) => r.heading).join('; ')}` : ''}`;
  const advice = [...new Set([...adviceOf(failure), ...also.flatMap((r) => r.advice)])];
  const nextLog = failure.rule.nextLog ? { nextLog: failure.rule.nextLog } : {};
  if (!broken)
    return {
      ...base,
      status: 'complete',
      summary: `Completed after a failure it recovered from: ${what}.`,
      error: { ...error, recovered: true },
      advice,
    };
  return { ...base, status: 'broken', summary: what, error, advice, ...nextLog };
}

const MAX_INSTANCES_PER_FLOW = 500;

/** Each instance ends, at the latest, where the next one of its folder sharing a key of `role` begins. */
function boundBySharedKey(instances: Instance[], role: string): void {
  const byKey = new Map<string, Instance[]>();
  for (const instance of instances) {
    if (Number.isNaN(instance.start)) continue;
    for (const key of instance.keys.get(role)?.list ?? []) {
      const id = `${instance.folder}\n${key}`;
      const sharing = byKey.get(id);
      if (sharing) sharing.push(instance);
      else byKey.set(id, [instance]);
    }
  }
  for (const sharing of byKey.values()) {
    sharing.sort((a, b) => a.start - b.start);
    // Instances that start at the same time do not bound each other: each takes the next later one.
    let next = sharing.length;
    for (let i = sharing.length - 1; i >= 0; i--) {
      if (i + 1 < sharing.length && sharing[i + 1].start > sharing[i].start) next = i + 1;
      if (next < sharing.length) sharing[i].until = Math.min(sharing[i].until, sharing[next].start);
    }
  }
}

/** Every instance of a data flow, as findings in time order. */
export function runFlow(flow: FlowRule, context: DiagnoseContext): Finding[] {
  const instances = findInstances(flow, context)
    .sort((a, b) => (Number.isNaN(a.start) ? 0 : a.start) - (Number.isNaN(b.start) ? 0 : b.start))
    .slice(0, MAX_INSTANCES_PER_FLOW);
  const keyed = instances.map((instance) => new FollowedKeys(context, instance));
  if (flow.sharedKey) {
    // Every instance's own keys first, so that each knows where the next one sharing its content begins.
    instances.forEach((instance, i) => harvestKeys(instance, flow, keyed[i]));
    boundBySharedKey(instances, flow.sharedKey);
  }
  const walked = instances.map((instance, i) => walkInstance(context, flow, instance, keyed[i]));
  return walked.map((w) => buildFinding(context, flow, w, walked));
}

export function runModule(module: FlowModule, context: DiagnoseContext): Finding[] {
  return 'diagnose' in module ? module.diagnose(context) : runFlow(module, context);
}
