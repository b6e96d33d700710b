// ConfigMgr status messages: the STATMSG lines site components log, the Status Message Viewer rows
// (for example the audit message 30197), and "status message 6702" mentions in prose and logs.
// Texts come from the reference table; an unknown ID still yields every field the line carries.

import { statmsgData } from './data';

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
  /** One entry per reference wording (6702 has two), in table order. */
  texts: StatmsgText[];
}

const SEVERITY_NAMES: Record<string, string> = { I: 'Informational', W: 'Warning', E: 'Error' };
// MessageType values of SMS_StatusMessage; A and N are read by their initial letter (see data/README.md).
const LEVEL_NAMES: Record<string, string> = { M: 'Milestone', D: 'Detail', A: 'Audit', N: 'NT Event' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export const severityName = (letter: string): string | null => SEVERITY_NAMES[letter.toUpperCase()] ?? null;
export const levelName = (letter: string): string | null => LEVEL_NAMES[letter.toUpperCase()] ?? null;

// ---------- decoding an ID ----------

function fillTemplate(template: string, istrs: string[], named: Record<string, number> = {}): StatmsgText['text'] {
  const positional = template.replace(/%(\d)/g, (whole, n: string) => istrs[Number(n) - 1] || whole);
  return positional.replace(/<[^<>]+>/g, (whole) => (Object.hasOwn(named, whole) ? istrs[named[whole]] || whole : whole));
}

/** Texts for a message ID, with %1..%n (and <...> placeholders the source ties to an ISTR) filled. */
export function decodeStatmsg(id: number, istrs: string[] = []): StatmsgDecoded {
  const rows = statmsgData.messages[String(id)] ?? [];
  const severity = rows.find((row) => row[0] !== '')?.[0] ?? null;
  const texts = rows.map(([, , template, source, named]) => {
    const text = fillTemplate(template, istrs, named);
    return { text, template, source: statmsgData.sources[source], filled: text !== template };
  });
  return {
    id,
    known: rows.length > 0,
    severity,
    severityName: severity ? severityName(severity) : null,
    component: rows.find((row) => row[1] !== '')?.[1] ?? null,
    texts,
  };
}

export function isKnownStatmsg(id: number): boolean {
  return String(id) in statmsgData.messages;
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
  if (text.indexOf('\n', from) < 0 && text.indexOf('\r', from) < 0) return { text: text.slice(from), origin: null, from };
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
const FIELD = new RegExp(`\\b(${FIELD_NAMES})=(?:"([^"]*)"|(${GMT_DATE})|([^\\s"]*))`, 'g');

/** "Thu Jan 16 18:53:52.608 2014" → "2014-01-16T18:53:52.608Z". */
export function gmtDateToIso(gmtDate: string): string | null {
  const m = /^[A-Za-z]{3} ([A-Za-z]{3}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})$/.exec(gmtDate.trim());
  const month = m ? MONTHS.indexOf(m[1]) : -1;
  if (!m || month < 0) return null;
  const ms = Number((m[6] ?? '0').padEnd(3, '0').slice(0, 3));
  return new Date(Date.UTC(Number(m[7]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms)).toISOString();
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

/** A STATMSG line parsed and its ID decoded with the line's insertion strings. */
export function describeStatmsg(text: string): { fields: StatmsgFields; decoded: StatmsgDecoded } | null {
  const fields = parseStatmsg(text);
  return fields ? { fields, decoded: decodeStatmsg(fields.id, fields.istrs) } : null;
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

/** Reads template placeholders back from a message text ("User "<user>" modified ..."). */
export function matchTemplate(template: string, text: string): Record<string, string> | null {
  const names: string[] = [];
  const pattern = template
    .split(/(<[^<>]+>|%\d)/)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s*');
      names.push(part);
      return '\\s*(.+?)\\s*';
    })
    .join('');
  const m = new RegExp(`^${pattern}$`).exec(text);
  return m ? Object.fromEntries(names.map((name, i) => [name, m[i + 1]])) : null;
}

/** Parses a row copied from the Status Message Viewer (tab-separated), e.g. the audit message 30197. */
export function parseStatusViewerRow(row: string): StatusViewerRow | null {
  const columns = viewerColumns(row.trim().split('\t'));
  if (!columns || !VIEWER_SEVERITIES.has(columns[0].trim()) || !/^\d+$/.test(columns[6].trim())) return null;
  const [severity, type, site, time, system, component, id, rawDescription] = columns.map((c) => c.trim());
  const description = rawDescription.replace(/<\/?(?:b|i|em|strong)>/gi, '').replace(/\s+/g, ' ');
  const decoded = decodeStatmsg(Number(id));
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
