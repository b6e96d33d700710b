// Findings: what the CLI, the language server and the client show, and how a walked instance (its steps'
// lines, its failure lines) becomes one — status, summary, decoded error, the seed's advice, evidence.
import { basename } from 'node:path';
import { findCodes } from '../decode/findCodes';
import type { CodeContext } from '../decode/codeContext';
import { formatCode, lookupCode } from '../decode/hresult';
import type { RecordTable } from '../table';
import { toIsoUtc } from '../time';
import type { CodeAdvice, FailureRule, FlowRule, StepRule, WaitRule } from './rules';
import { lowerBound, messageOf, TOLERANCE_MS, type DiagnoseContext, type Hit, type Source } from './sources';
// The shapes of a finding are the wire's (common/wire.d.ts): written once, for the core, the protocol and the client.
import type { Finding, FindingError, FindingEvidence, FindingStatus, FindingStep } from '../../../../common/wire';
export type { Finding, FindingError, FindingStatus, FindingStep };
export type Evidence = FindingEvidence;

// ---------------------------------------------------------------------------------------------------
// Error codes: names and messages come from the decoder tables (core/decode).

/** The code's names, best first for the line it sits in (0x80072F8F is WinHTTP's in a CcmMessaging line). */
function describeCode(code: string, context: CodeContext): { names: string[]; message: string } | undefined {
  const info = lookupCode(Number.parseInt(code.slice(2), 16) >>> 0, context);
  return info.known ? { names: info.names, message: info.message } : undefined;
}

/** A step of an instance, walked: the line that proves it, if any. */
export interface StepResult {
  rule: StepRule;
  hit?: Hit;
  /** Every line that proves the step, for a detail the picked line does not carry. */
  hits: Hit[];
  present: boolean;
}

export interface FailureHit {
  rule: FailureRule;
  hit: Hit;
  stepIndex: number;
  stalled?: string;
  /** Linked by time only (the line carries none of the instance's ids). */
  timeLinked?: boolean;
}

export function chooseFailure(
  failures: FailureHit[],
  results: StepResult[],
): { failure: FailureHit; recovered: boolean } | undefined {
  const terminal = chainEnd(results);
  const recovered = (f: FailureHit) => !f.rule.lasting && !!terminal && terminal.time > f.hit.time;
  const open = failures.find((f) => !recovered(f));
  if (open) return { failure: open, recovered: false };
  return failures.length ? { failure: failures[0], recovered: true } : undefined;
}

/**
 * Where the chain ended well: its last required step; when that step's log is not among the files, a step that
 * `ends` the chain in a log that is (a log that is here and says otherwise is believed: no stand-in for it).
 */
export function chainEnd(results: StepResult[]): Hit | undefined {
  const last = lastRequired(results);
  if (!last || last.hit || last.present) return last?.hit;
  let end: Hit | undefined;
  for (const r of results) if (r.rule.ends && r.hit && !(end && end.time >= r.hit.time)) end = r.hit;
  return end;
}

export function lastRequired(results: StepResult[]): StepResult | undefined {
  for (let i = results.length - 1; i >= 0; i--) if (!results[i].rule.optional) return results[i];
  return undefined;
}

/** The first required step not seen after the last step that was seen: where the flow stops. */
export function blockingStep(results: StepResult[]): number {
  let lastSeen = -1;
  results.forEach((r, i) => {
    if (r.hit) lastSeen = i;
  });
  const after = results.findIndex((r, i) => i > lastSeen && !r.rule.optional && !r.hit);
  return after >= 0 ? after : results.findIndex((r) => !r.rule.optional && !r.hit);
}

export function lastSeenTime(results: StepResult[], before: number): number {
  let t = Number.NaN;
  results.slice(0, Math.max(before, 0)).forEach((r) => {
    if (r.hit && !r.rule.optional && !Number.isNaN(r.hit.time))
      t = Number.isNaN(t) ? r.hit.time : Math.max(t, r.hit.time);
  });
  return t;
}

function firstLine(text: string, max = 300): string {
  const line = text.split('\n', 1)[0].trim();
  return line.length > max ? line.slice(0, max) + '…' : line;
}

export function evidenceOf(source: Source, index: number, note?: string): Evidence {
  // The line from its column and the message read once (messageOf): a whole record decodes the message again.
  const text = firstLine(messageOf(source, index));
  return { file: source.file, line: source.records.line(index), text, ...(note ? { note } : {}) };
}

export function toStep(result: StepResult, failed: boolean): FindingStep {
  const { rule, hit } = result;
  const step: FindingStep = {
    name: rule.name,
    seen: !!hit,
    log: rule.nextLog ?? rule.logs[0],
    logPresent: result.present,
  };
  if (rule.optional) step.optional = true;
  if (failed) step.failed = true;
  if (!hit) return step;
  step.file = hit.source.file;
  step.line = hit.source.records.line(hit.index);
  const utc = toIsoUtc(Number.isNaN(hit.time) ? null : hit.time);
  if (utc) step.utc = utc;
  Object.assign(step, stepZone(hit.source.records, hit.index));
  const detail = rule.detail && detailOf(rule.detail, hit, result.hits);
  if (detail) step.detail = detail;
  return step;
}

/**
 * For a line of a log that writes local time with no zone (WindowsUpdate.log, setup logs): the time as written and
 * where its UTC comes from, so that a step's UTC is never taken for the log's own (the admin opening the log sees
 * 08:57, not 12:57). Nothing for a log that says its zone.
 */
export function stepZone(records: RecordTable, index: number): Pick<FindingStep, 'local' | 'zoneFrom'> {
  const source = records.utcSource(index);
  const local = source.kind === 'log' ? null : records.localAt(index);
  if (!local) return {};
  if (source.kind === 'inferred') return { local, zoneFrom: basename(source.from ?? '') || 'another log' };
  if (source.kind === 'user') return { local, zoneFrom: 'the offset set for this folder' };
  return { local };
}

/** The first detail the picked line, else any other line of the step, gives (from their matches: no line is read). */
function detailOf(detail: NonNullable<StepRule['detail']>, picked: Hit, hits: Hit[]): string | undefined {
  for (const h of [picked, ...hits]) {
    const found = detail(h.match);
    if (found) return found;
  }
  return undefined;
}

/** The failure's code: named groups `code`, `code2`... first, else the first code the decoders find in the line. */
function codeOf(failure: FailureHit): string | undefined {
  const groups = failure.hit.match.groups ?? {};
  const named = Object.keys(groups).find((g) => /^code\d*$/.test(g) && groups[g]);
  if (named) return formatCode(Number.parseInt(groups[named].replace(/^0x/i, ''), 16));
  const found = findCodes(messageOf(failure.hit.source, failure.hit.index)).find((c) => c.kind === 'hresult');
  return found ? formatCode(found.value) : undefined;
}

export function errorOf(failure: FailureHit): FindingError {
  // The line's columns and its message read once (messageOf), not a whole record: its time is not shown here.
  const { source, index } = failure.hit;
  const text = messageOf(source, index);
  const code = codeOf(failure);
  const info = code
    ? describeCode(code, { text, component: source.records.component(index), file: source.file })
    : undefined;
  const message = failure.stalled ?? (info?.message || firstLine(text));
  const error: FindingError = {
    message,
    heading: headingOf(failure),
    file: source.file,
    line: source.records.line(index),
  };
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

export function adviceOf(failure: FailureHit): string[] {
  const group = codeGroupOf(failure);
  return group ? [...group.advice, ...failure.rule.advice] : failure.rule.advice;
}

/** Error lines of the failure's related logs (WCM.log before "WSUS server not configured"), newest ten. */
export function relatedHits(context: DiagnoseContext, failure: FailureHit): Hit[] {
  const related = failure.rule.related;
  if (!related || Number.isNaN(failure.hit.time)) return [];
  const out: Hit[] = [];
  // The failing machine's related logs (its own WCM.log), not another collected site server's.
  for (const source of context.sourcesNear(related, failure.hit.source.folder)) {
    const from = lowerBound(source.times, failure.hit.time - related.withinMs);
    for (let i = from; i < source.records.length && source.times[i] <= failure.hit.time + TOLERANCE_MS; i++) {
      if (source.records.severity(i) === 'error')
        out.push({ source, index: i, time: source.times[i], match: /(?:)/.exec('')! });
    }
  }
  return out.slice(-10);
}

/** The flow's other failure kinds that a related error line shows (WCM's HTTP 503 → Web Service issues). */
export function relatedFailures(flow: FlowRule, chosen: FailureRule, hits: Hit[]): FailureRule[] {
  const rules = [...(flow.failures ?? []), ...flow.steps.flatMap((s) => s.failures ?? [])].filter(
    (r) => r !== chosen && !r.when,
  );
  return rules.filter((rule) => hits.some((h) => rule.pattern.test(messageOf(h.source, h.index))));
}

type FindingBase = Omit<Finding, 'status' | 'summary' | 'advice'>;

/** Where the log of a step lives, as the finding names it. */
const logOf = (rule: StepRule) => rule.nextLog ?? rule.logs[0];

/** Required steps not seen whose log is not among the files. */
function unprovenSteps(results: StepResult[]): StepResult[] {
  return results.filter((r) => !r.rule.optional && !r.hit && !r.present);
}

function unprovenFinding(base: FindingBase, missing: StepResult[], reached: boolean): Finding {
  const logs = [...new Set(missing.map((r) => logOf(r.rule)))];
  const names = missing.map((r) => `"${r.rule.name}"`).join(', ');
  const summary = `No failure seen${reached ? `, and the flow reached its last step` : ''}, but ${missing.length} required step(s) are unproven because their logs are not among the files: ${names}.`;
  return { ...base, status: 'unproven', summary, advice: [], nextLog: logs[0], missingLogs: logs };
}

/** No failure, last required step seen: complete when every required step is proven, else unproven. */
export function settledFinding(base: FindingBase, flow: FlowRule, results: StepResult[]): Finding {
  const missing = unprovenSteps(results);
  if (missing.length) return unprovenFinding(base, missing, true);
  return { ...base, status: 'complete', summary: `${flow.title}: every required step seen.`, advice: [] };
}

/** A line saying the blocking step is held back on purpose (rules.ts WaitRule), and the rule it matched. */
export interface Waiting {
  rule: WaitRule;
  hit: Hit;
}

function waitingFinding(base: FindingBase, blocking: StepResult, waiting: Waiting): Finding {
  const { source, index, time } = waiting.hit;
  const said = evidenceOf(source, index, 'waiting here');
  const summary = `Waiting: "${blocking.rule.name}" has not happened yet, and ${basename(source.file)} says why (line ${said.line}, ${toIsoUtc(time)}): "${said.text}". ${waiting.rule.reason}`;
  base.evidence.push(said);
  const nextLog = waiting.rule.nextLog ?? logOf(blocking.rule);
  return { ...base, status: 'incomplete', summary, advice: waiting.rule.advice, nextLog };
}

/**
 * No failure, last required step not seen: incomplete when it stops in a log that is here (waiting, when a line
 * says why), else unproven.
 */
export function incompleteFinding(
  base: FindingBase,
  flow: FlowRule,
  results: StepResult[],
  blockingIndex: number,
  waiting?: Waiting,
): Finding {
  const gaps = results.filter((r) => !r.rule.optional && !r.hit);
  if (gaps.every((r) => !r.present)) return unprovenFinding(base, gaps, false);
  const blocking = results[blockingIndex];
  if (waiting && blocking.present) return waitingFinding(base, blocking, waiting);
  const log = logOf(blocking.rule);
  const summary = blocking.present
    ? `No line proves "${blocking.rule.name}" yet: the logs end before it (or it is not logged at this log level).`
    : `"${blocking.rule.name}" is proven by ${log}, which is not among the files.`;
  return { ...base, status: 'incomplete', summary, advice: blocking.rule.advice ?? [], nextLog: log };
}
