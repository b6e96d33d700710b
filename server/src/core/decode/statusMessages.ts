// ConfigMgr status messages: the STATMSG lines site components log, the Status Message Viewer rows
// (for example the audit message 30197), and "status message 6702" mentions in prose and logs.
// Texts come from the reference tables; an unknown ID still yields every field the line carries.
// A message ID is unique only within its message module (site server, client, SMS Provider): the
// line's SOURCE or component chooses the module's text when the tables have one for it.

import { statusMessageData } from './data';

/** The message module a status message comes from; IDs collide across modules (500, 10002...). */
export type StatusMessageModule = 'server' | 'client' | 'provider';

export interface StatmsgAttribute {
  /** AIDn: numeric attribute id (no attribute names are in the reference data). */
  id: number;
  value: string;
}

export interface StatmsgFields {
  /** Offsets of "STATMSG:" .. end of the last field in the original text. */
  start: number;
  end: number;
  id: number;
  /** SEV letter as logged (I/W/E) and its name. */
  severity: string;
  severityName: string | null;
  /** LEV letter as logged (M/D/...) and its name. */
  level: string;
  levelName: string | null;
  source: string;
  component: string;
  system: string;
  site: string;
  pid: number | null;
  tid: number | null;
  /** GMTDATE as logged ("Thu Jan 16 18:53:52.608 2014") and as a UTC ISO string. */
  gmtDate: string;
  utc: string | null;
  /** ISTR0..ISTR9 in order ('' when empty or absent); ISTR0 fills %1. */
  istrs: string[];
  numAttrs: number | null;
  attributes: StatmsgAttribute[];
}

export interface StatmsgText {
  /** The template with the placeholders that the insertion strings could fill. */
  text: string;
  template: string;
  source: string;
  /** The message module the row belongs to. */
  module: StatusMessageModule;
  /** Every module whose table gives this same wording (500 "This component started." is in all three). */
  modules: StatusMessageModule[];
  /** Severity letter the row gives ('' when its source gives none). */
  severity: string;
  /** True when at least one placeholder was filled from an insertion string. */
  filled: boolean;
}

export interface StatmsgDecoded {
  id: number;
  known: boolean;
  /** Severity letter the reference gives (first row that has one), or null. */
  severity: string | null;
  severityName: string | null;
  component: string | null;
  /** One entry per reference wording (6702 has two), in table order; only the line's module's when it has rows. */
  texts: StatmsgText[];
  /** The module the texts were chosen for, or null when none was given (every module's rows). */
  module: StatusMessageModule | null;
}

const SEVERITY_NAMES: Record<string, string> = { I: 'Informational', W: 'Warning', E: 'Error' };
// MessageType values of SMS_StatusMessage; A and N are read by their initial letter (see data/README.md).
const LEVEL_NAMES: Record<string, string> = { M: 'Milestone', D: 'Detail', A: 'Audit', N: 'NT Event' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export const severityName = (letter: string): string | null => SEVERITY_NAMES[letter.toUpperCase()] ?? null;
export const levelName = (letter: string): string | null => LEVEL_NAMES[letter.toUpperCase()] ?? null;

// ---------- decoding an ID ----------

function fillTemplate(template: string, istrs: string[], named: Record<string, number> = {}): StatmsgText['text'] {
  const positional = template.replace(/%(\d{1,2})/g, (whole, n: string) => istrs[Number(n) - 1] || whole);
  return positional.replace(/<[^<>]+>/g, (whole) =>
    Object.hasOwn(named, whole) ? istrs[named[whole]] || whole : whole,
  );
}

const rowsOf = (id: number) => statusMessageData().messages[String(id)] ?? [];

/**
 * Texts for a message ID, with %1..%n (and <...> placeholders the source ties to an ISTR) filled.
 * With a module, only that module's rows (when it has any: an unknown module keeps them all).
 */
export function decodeStatmsg(
  id: number,
  istrs: string[] = [],
  module: StatusMessageModule | null = null,
): StatmsgDecoded {
  const data = statusMessageData();
  const all = rowsOf(id);
  const ofModule = module ? all.filter((row) => data.modules[row[4]] === module) : [];
  const rows = ofModule.length > 0 ? ofModule : all;
  const severity = rows.find((row) => row[0] !== '')?.[0] ?? null;
  const texts = rows.map(([rowSeverity, , template, source, moduleIndex, named]) => {
    const text = fillTemplate(template, istrs, named);
    const rowModule = data.modules[moduleIndex] as StatusMessageModule;
    return {
      text,
      template,
      source: data.sources[source],
      module: rowModule,
      modules: [rowModule],
      severity: rowSeverity,
      filled: text !== template,
    };
  });
  // The spreadsheet repeats some curated wordings word for word (or once filled): one text per
  // wording, which lists every module that has it.
  const distinct = texts.filter((t, i) => texts.findIndex((u) => u.text === t.text) === i);
  for (const t of distinct) t.modules = [...new Set(texts.filter((u) => u.text === t.text).map((u) => u.module))];
  return {
    id,
    known: rows.length > 0,
    severity,
    severityName: severity ? severityName(severity) : null,
    component: rows.find((row) => row[1] !== '')?.[1] ?? null,
    texts: distinct,
    module: ofModule.length > 0 ? module : null,
  };
}

export function isKnownStatmsg(id: number): boolean {
  return rowsOf(id).length > 0;
}

/** True for the IDs of statmsg.tsv, the ones checked against logs and docs (not only the spreadsheet's). */
export function isCuratedStatmsg(id: number): boolean {
  const { sources } = statusMessageData();
  return rowsOf(id).some((row) => !sources[row[3]].includes('KlausBilger/SCCM_MsgID'));
}

/**
 * The module of a status message from what the line says: SOURCE="SMS Server" / "SMS Client" /
 * "SMS Provider", else the component (SMS_* components run on site servers, the provider's audit
 * messages come from Microsoft.ConfigurationManagement.exe or the SMS Provider).
 */
export function moduleOf(source: string, component: string): StatusMessageModule | null {
  if (/\bSMS Server\b/i.test(source)) return 'server';
  if (/\bSMS Client\b/i.test(source)) return 'client';
  if (/\bSMS Provider\b/i.test(source)) return 'provider';
  if (/Microsoft\.ConfigurationManagement|SMS Provider|AdminUI|SMSProv/i.test(component)) return 'provider';
  if (/^SMS_/i.test(component)) return 'server';
  return component.trim() ? 'client' : null;
}

// ---------- STATMSG lines ----------

interface Normalized {
  text: string;
  /** Original offset of each normalized character (plus one past the end); null when 1:1 from `from`. */
  origin: number[] | null;
  from: number;
}

const originalOffset = (n: Normalized, i: number) => (n.origin ? n.origin[i] : n.from + i);

/**
 * Joins a STATMSG that was wrapped across lines (CMTrace copies, SMS "~" continuation markers):
 * a break after "-" joins directly ("4b33-\nb0ff" in a GUID), any other break becomes one space.
 */
function unwrap(text: string, from: number): Normalized {
  // The usual case, one log line: nothing to join, offsets map 1:1.
  if (text.indexOf('\n', from) < 0 && text.indexOf('\r', from) < 0)
    return { text: text.slice(from), origin: null, from };
  let out = '';
  const origin: number[] = [];
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '\r' && ch !== '\n') {
      out += ch;
      origin.push(i++);
      continue;
    }
    const breakAt = i;
    while (i < text.length && /[\r\n \t~]/.test(text[i])) i++;
    if (!out.endsWith('-') && !out.endsWith(' ')) {
      out += ' ';
      origin.push(breakAt);
    }
  }
  origin.push(text.length);
  return { text: out, origin, from };
}

const FIELD_NAMES = 'ID|SEV|LEV|SOURCE|COMP|SYS|SITE|PID|TID|GMTDATE|ISTR\\d|NUMATTRS|AID\\d+|AVAL\\d+';
// A value is quoted, or a GMTDATE ("Thu Jan 16 18:53:52.608 2014", with spaces), or one bare word.
const GMT_DATE = '[A-Z][a-z]{2} [A-Z][a-z]{2} {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? \\d{4}';
// A quoted value ends at the quote that is followed by the next field or the end of the line, so an
// ISTR that holds quotes itself (ISTR0="["Display=\\DP02\"]MSWNET:["SMS_SITE=PS1"]\\DP02\") stays whole.
const QUOTED = `"((?:[^"]|"(?![ \\t]+(?:${FIELD_NAMES})=|[ \\t]*$))*)"`;
const FIELD = new RegExp(`\\b(${FIELD_NAMES})=(?:${QUOTED}|(${GMT_DATE})|([^\\s"]*))`, 'g');

/** "Thu Jan 16 18:53:52.608 2014" → "2014-01-16T18:53:52.608Z". */
export function gmtDateToIso(gmtDate: string): string | null {
  const m = /^[A-Za-z]{3} ([A-Za-z]{3}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})$/.exec(gmtDate.trim());
  const month = m ? MONTHS.indexOf(m[1]) : -1;
  if (!m || month < 0) return null;
  const ms = Number((m[6] ?? '0').padEnd(3, '0').slice(0, 3));
  return new Date(
    Date.UTC(Number(m[7]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms),
  ).toISOString();
}

function readFields(line: string): { values: Map<string, string>; end: number } {
  const values = new Map<string, string>();
  let end = 0;
  FIELD.lastIndex = 0;
  for (let m = FIELD.exec(line); m; m = FIELD.exec(line)) {
    // The first STATMSG's fields only: a repeated key belongs to a following message.
    if (values.has(m[1])) break;
    values.set(m[1], m[2] ?? m[3] ?? m[4] ?? '');
    end = m.index + m[0].length;
  }
  return { values, end };
}

const numberOrNull = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : null);

function attributesOf(values: Map<string, string>): StatmsgAttribute[] {
  const attributes: StatmsgAttribute[] = [];
  for (let i = 0; values.has(`AID${i}`); i++) {
    attributes.push({ id: Number(values.get(`AID${i}`)), value: values.get(`AVAL${i}`) ?? '' });
  }
  return attributes;
}

function fieldsFrom(values: Map<string, string>): Omit<StatmsgFields, 'start' | 'end'> {
  const get = (key: string) => values.get(key) ?? '';
  const gmtDate = get('GMTDATE');
  return {
    id: Number(get('ID')),
    severity: get('SEV'),
    severityName: severityName(get('SEV')),
    level: get('LEV'),
    levelName: levelName(get('LEV')),
    source: get('SOURCE'),
    component: get('COMP'),
    system: get('SYS'),
    site: get('SITE'),
    pid: numberOrNull(values.get('PID')),
    tid: numberOrNull(values.get('TID')),
    gmtDate,
    utc: gmtDate ? gmtDateToIso(gmtDate) : null,
    istrs: Array.from({ length: 10 }, (_, i) => get(`ISTR${i}`)),
    numAttrs: numberOrNull(values.get('NUMATTRS')),
    attributes: attributesOf(values),
  };
}

/** Parses the first "STATMSG: ID=..." in `text` (wrapped or not); null when there is none. */
export function parseStatmsg(text: string, from = 0): StatmsgFields | null {
  const start = text.indexOf('STATMSG:', from);
  if (start < 0) return null;
  const line = unwrap(text, start);
  const { values, end } = readFields(line.text);
  if (!/^\d+$/.test(values.get('ID') ?? '')) return null;
  return { start, end: originalOffset(line, end - 1) + 1, ...fieldsFrom(values) };
}

/** Every STATMSG in `text`, in order. */
export function findStatmsgs(text: string): StatmsgFields[] {
  const found: StatmsgFields[] = [];
  for (let from = text.indexOf('STATMSG:'); from >= 0; from = text.indexOf('STATMSG:', from + 8)) {
    const next = text.indexOf('STATMSG:', from + 8);
    const fields = parseStatmsg(next < 0 ? text : text.slice(0, next), from);
    if (fields) found.push(fields);
  }
  return found;
}

/** A STATMSG line parsed and its ID decoded with the line's insertion strings, for its module. */
export function describeStatmsg(text: string): { fields: StatmsgFields; decoded: StatmsgDecoded } | null {
  const fields = parseStatmsg(text);
  return fields
    ? { fields, decoded: decodeStatmsg(fields.id, fields.istrs, moduleOf(fields.source, fields.component)) }
    : null;
}

// ---------- Status Message Viewer rows (audit messages) ----------

export interface StatusViewerRow {
  severity: string;
  type: string;
  site: string;
  time: string;
  system: string;
  component: string;
  id: number;
  /** Description with HTML emphasis removed and whitespace runs collapsed. */
  description: string;
  decoded: StatmsgDecoded;
  /** Values of the template placeholders read back from the description, when it matches a template. */
  values: Record<string, string> | null;
}

const VIEWER_SEVERITIES = new Set(['Information', 'Informational', 'Warning', 'Error']);

/** Splits the viewer's columns; a console copy may merge "Type Site" and "System Component" cells. */
function viewerColumns(parts: string[]): string[] | null {
  if (parts.length >= 8) return [...parts.slice(0, 7), parts.slice(7).join('\t')];
  if (parts.length < 6) return null;
  const [severity, typeSite, time, systemComponent, id, ...description] = parts;
  const [type, site = ''] = typeSite.trim().split(/\s+/);
  const [system, ...component] = systemComponent.trim().split(/\s+/);
  return [severity, type, site, time, system, component.join(' '), id, description.join('\t')];
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Reads template placeholders back from a message text ("User "<user>" modified ..."): the literal
 * parts must appear in order (each placeholder takes the shortest text up to the next literal; the
 * last literal ends the text). indexOf, not a regex, so a template with many placeholders against
 * a long text stays linear.
 */
export function matchTemplate(template: string, text: string): Record<string, string> | null {
  const parts = template.split(/(<[^<>]+>|%\d{1,2})/).map((part, i) => (i % 2 === 0 ? collapse(part) : part));
  const line = collapse(text);
  const values: Record<string, string> = {};
  const literals = parts.filter((_, i) => i % 2 === 0);
  if (!line.startsWith(literals[0])) return null;
  let at = literals[0].length;
  for (let i = 1; i < parts.length; i += 2) {
    const next = parts[i + 1];
    const isLast = i + 2 >= parts.length;
    const end = isLast
      ? line.endsWith(next) && line.length - next.length >= at
        ? line.length - next.length
        : -1
      : next === ''
        ? at
        : line.indexOf(next, at);
    if (end < 0) return null;
    const value = line.slice(at, end).trim();
    if (value === '' && next !== '') return null;
    values[parts[i]] = value;
    at = end + next.length;
  }
  return parts.length === 1 && line !== literals[0] ? null : values;
}

/** Parses a row copied from the Status Message Viewer (tab-separated), e.g. the audit message 30197. */
export function parseStatusViewerRow(row: string): StatusViewerRow | null {
  const columns = viewerColumns(row.trim().split('\t'));
  if (!columns || !VIEWER_SEVERITIES.has(columns[0].trim()) || !/^\d+$/.test(columns[6].trim())) return null;
  const [severity, type, site, time, system, component, id, rawDescription] = columns.map((c) => c.trim());
  const description = rawDescription.replace(/<\/?(?:b|i|em|strong)>/gi, '').replace(/\s+/g, ' ');
  const decoded = decodeStatmsg(Number(id), [], moduleOf('', component));
  const values = decoded.texts.map((t) => matchTemplate(t.template, description)).find((v) => v !== null) ?? null;
  return { severity, type, site, time, system, component, id: Number(id), description, decoded, values };
}

// ---------- message IDs named in text ----------

export interface StatmsgMention {
  start: number;
  end: number;
  text: string;
  id: number;
  decoded: StatmsgDecoded;
}

const MENTION = /\b(?:status message(?: ID)?|message ID)[ \t]*(?:=[ \t]*)?(\d{3,5})\b/gi;

/** "Status Message ID 6701", "status message 6702", "Message ID = 30197": the ID's offsets and texts. */
export function findStatmsgMentions(text: string): StatmsgMention[] {
  const found: StatmsgMention[] = [];
  MENTION.lastIndex = 0;
  for (let m = MENTION.exec(text); m; m = MENTION.exec(text)) {
    const end = m.index + m[0].length;
    const start = end - m[1].length;
    found.push({ start, end, text: m[1], id: Number(m[1]), decoded: decodeStatmsg(Number(m[1])) });
  }
  return found;
}
