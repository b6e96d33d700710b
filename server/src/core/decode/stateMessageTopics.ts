// State messages: topic type and state ID → names, from numbers ("TopicType 500", <State ID="2">)
// or from the words UpdatesDeployment.log prints ("TopicType = Enforce, StateId = 5").

import { stateData } from './data';

export type StateNameKind = 'description' | 'v_StateNames' | 'log_state_name' | 'topic_type_only';

export interface StateNameEntry {
  name: string;
  kind: StateNameKind;
  source: string;
}

export interface StateDecoded {
  /** Null when a line gives a state ID but nothing tells its topic type. */
  topicType: number | null;
  /** STATE_TOPICTYPE_* name, or null when the topic type is not in the reference. */
  topicTypeName: string | null;
  stateId: number | null;
  /** Distinct state names, description first, then v_StateNames, then the log's internal name. */
  names: string[];
  entries: StateNameEntry[];
  /** True when the topic type (and the state, if given) is in the reference. */
  known: boolean;
}

export interface TopicState {
  stateId: number;
  names: string[];
}

/**
 * The log words for topic types, as the reference README maps them (UpdatesDeployment.log excerpts
 * in KB 3090265 matched to the state message reference page by state IDs and meanings).
 */
export const TOPIC_WORDS: Readonly<Record<string, number>> = { Compliance: 300, Enforce: 301, Evaluate: 302 };

/** The topic of "Raised update (...) enforcement state message" lines (reference README). */
const UPDATE_ENFORCEMENT_TOPIC = 402;
/** ccmsetup sends Fallback Status Point state messages with TopicType 800 (its next log line says so). */
const CLIENT_DEPLOYMENT_TOPIC = 800;

const topicRows = (topicType: number) => stateData().topics[String(topicType)];

function entryOf(row: [number | null, string, number, number]): StateNameEntry {
  return { name: row[1], kind: stateData().kinds[row[2]] as StateNameKind, source: stateData().sources[row[3]] };
}

export function topicTypeName(topicType: number): string | null {
  return topicRows(topicType)?.name ?? null;
}

/** Names for a topic type and (optionally) a state ID, all name kinds, description first. */
export function decodeState(topicType: number, stateId: number | null = null): StateDecoded {
  const topic = topicRows(topicType);
  const rows = topic?.rows.filter((row) => (stateId === null ? row[0] === null : row[0] === stateId)) ?? [];
  const entries = rows.map(entryOf);
  const stateKnown = stateId === null || entries.length > 0;
  return {
    topicType,
    topicTypeName: topic?.name ?? null,
    stateId,
    names: [...new Set(entries.filter((e) => e.kind !== 'topic_type_only').map((e) => e.name))],
    entries,
    known: topic !== undefined && stateKnown,
  };
}

/** The states the reference lists for a topic type, in state ID order. */
export function statesOfTopic(topicType: number): TopicState[] {
  const states = new Map<number, string[]>();
  for (const [stateId, name] of topicRows(topicType)?.rows ?? []) {
    if (stateId !== null) states.set(stateId, [...new Set([...(states.get(stateId) ?? []), name])]);
  }
  return [...states].map(([stateId, names]) => ({ stateId, names }));
}

let logNames: Map<string, { topicType: number; stateId: number }> | undefined;

/** Internal state names the logs print (ASSIGNMENT_ENFORCE_SUCCESS...) → topic type and state. */
export function stateByLogName(name: string): { topicType: number; stateId: number } | undefined {
  if (!logNames) {
    logNames = new Map();
    for (const [topic, { rows }] of Object.entries(stateData().topics)) {
      for (const [stateId, stateName, kind] of rows) {
        if (stateData().kinds[kind] === 'log_state_name' && stateId !== null)
          logNames.set(stateName, { topicType: Number(topic), stateId });
      }
    }
  }
  return logNames.get(name);
}

// ---------- finding state messages in text ----------

/** How the topic type was read: its number, a log word, the logged state name, the line's wording. */
export type TopicBasis = 'number' | 'logWord' | 'stateName' | 'phrase' | 'none';

export interface StateMessageMatch extends StateDecoded {
  start: number;
  end: number;
  text: string;
  topicBasis: TopicBasis;
  /** The topic word as logged ("Enforce"), when the line used a word. */
  topicWord?: string;
  /** StateName as logged, when present. */
  loggedStateName?: string;
  /** IsCompliant as logged (topic Compliance has no state ID in the log). */
  isCompliant?: boolean;
}

// "State message(State ID : 2) with TopicType 500 and TopicId ..." (StateMessage.log)
const RECORDED = /State message\(State ID : (\d+)\) with TopicType (\d+)/g;
// "TopicType 500", "TopicType = 1702", "TopicType = Enforce, StateId = 5, StateName = X", "topic type = 2001, state id = 1"
const TOPIC_WITH_PAIRS = /\btopic ?type(?: = |=| )(\w+)((?:, *\w+(?: \w+)? *= *[^,\s\]]*){0,4})/gi;
// <Topic ID="..." Type="500" .../><State ID="2" .../> (state message XML bodies)
const XML_TOPIC = /<Topic\b[^>]*?\bType="(\d+)"[^>]*>\s*<State\b[^>]*?\bID="(\d+)"/g;
// "Raised update (...) enforcement state message successfully. StateId = 10, StateName = X", "... StateId = 2"
const STATE_ONLY = /\bStateId = (\d+)(?:, StateName = (\w+))?/g;
// ccmsetup: "Sending Fallback Status Point message to 'primary.lan', STATEID='309'."
const FSP_STATE = /Fallback Status Point message\b[^'\r\n]*'[^'\r\n]*', STATEID='(\d+)'/g;

function matchOf(
  text: string,
  start: number,
  end: number,
  decoded: StateDecoded,
  basis: TopicBasis,
): StateMessageMatch {
  return { ...decoded, start, end, text: text.slice(start, end), topicBasis: basis };
}

function findRecorded(text: string, out: StateMessageMatch[]): void {
  for (const m of text.matchAll(RECORDED)) {
    const decoded = decodeState(Number(m[2]), Number(m[1]));
    out.push(matchOf(text, m.index, m.index + m[0].length, decoded, 'number'));
  }
}

/** ", StateId = 5, StateName = X" → Map(stateid → 5, statename → X). */
function pairsOf(tail: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const m of tail.matchAll(/, *(\w+(?: \w+)?) *= *([^,\s\]]*)/g))
    pairs.set(m[1].replace(' ', '').toLowerCase(), m[2]);
  return pairs;
}

function topicFromWord(word: string): { topicType: number; basis: TopicBasis } | null {
  if (/^\d+$/.test(word)) return { topicType: Number(word), basis: 'number' };
  return Object.hasOwn(TOPIC_WORDS, word) ? { topicType: TOPIC_WORDS[word], basis: 'logWord' } : null;
}

function findTopicWithPairs(text: string, out: StateMessageMatch[]): void {
  for (const m of text.matchAll(TOPIC_WITH_PAIRS)) {
    const topic = topicFromWord(m[1]);
    if (!topic) continue;
    const pairs = pairsOf(m[2]);
    const stateId = pairs.has('stateid') ? Number(pairs.get('stateid')) : null;
    const match = matchOf(text, m.index, m.index + m[0].length, decodeState(topic.topicType, stateId), topic.basis);
    if (topic.basis === 'logWord') match.topicWord = m[1];
    if (pairs.has('statename')) match.loggedStateName = pairs.get('statename');
    if (pairs.has('iscompliant')) match.isCompliant = /^true$/i.test(pairs.get('iscompliant') ?? '');
    out.push(match);
  }
}

function findXml(text: string, out: StateMessageMatch[]): void {
  for (const m of text.matchAll(XML_TOPIC)) {
    out.push(matchOf(text, m.index, m.index + m[0].length, decodeState(Number(m[1]), Number(m[2])), 'number'));
  }
}

/** "StateId = N" without a TopicType: the topic comes from the logged state name or the wording. */
function findStateOnly(text: string, out: StateMessageMatch[]): void {
  for (const m of text.matchAll(STATE_ONLY)) {
    const stateId = Number(m[1]);
    const byName = m[2] ? stateByLogName(m[2]) : undefined;
    const enforcement = /\benforcement state message\b/i.test(text.slice(Math.max(0, m.index - 120), m.index));
    const topicType = byName?.topicType ?? (enforcement ? UPDATE_ENFORCEMENT_TOPIC : null);
    const decoded: StateDecoded =
      topicType === null
        ? { topicType: null, topicTypeName: null, stateId, names: [], entries: [], known: false }
        : decodeState(topicType, stateId);
    const basis: TopicBasis = byName ? 'stateName' : topicType === null ? 'none' : 'phrase';
    const match = matchOf(text, m.index, m.index + m[0].length, decoded, basis);
    if (m[2]) match.loggedStateName = m[2];
    out.push(match);
  }
}

function findFsp(text: string, out: StateMessageMatch[]): void {
  for (const m of text.matchAll(FSP_STATE)) {
    const decoded = decodeState(CLIENT_DEPLOYMENT_TOPIC, Number(m[1]));
    out.push(matchOf(text, m.index, m.index + m[0].length, decoded, 'phrase'));
  }
}

/** Keeps the first of overlapping matches (finders run from most to least specific). */
function withoutOverlaps(matches: StateMessageMatch[]): StateMessageMatch[] {
  const kept: StateMessageMatch[] = [];
  for (const m of matches) if (!kept.some((k) => m.start < k.end && k.start < m.end)) kept.push(m);
  return kept.sort((a, b) => a.start - b.start);
}

/** State messages named in `text`, with decoded topic and state names. */
export function findStateMessages(text: string): StateMessageMatch[] {
  // Cheap pre-check: every form names a topic, a state or a Topic element.
  if (!/topic|state/i.test(text)) return [];
  const found: StateMessageMatch[] = [];
  findRecorded(text, found);
  findXml(text, found);
  findTopicWithPairs(text, found);
  findStateOnly(text, found);
  findFsp(text, found);
  return withoutOverlaps(found);
}
